/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reference data: permit types and their editions, holidays. */
#define G_LOG_DOMAIN "pz-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pz-store-private.h"

/* Reference data */

static char *
strv_to_json (char * const *strv)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (b);
  for (guint i = 0; strv && strv[i]; i++)
    json_builder_add_string_value (b, strv[i]);
  json_builder_end_array (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* The definition of @type as kept for its edition: without the edition. */
static char *
permit_type_definition (PzPermitType *type)
{
  guint version = type->version;
  g_autoptr(JsonNode) node = NULL;

  type->version = 0;
  node = pz_permit_type_to_json (type);
  type->version = version;
  return json_to_string (node, FALSE);
}

static gboolean
insert_permit_type_version (PzStore      *self,
                            gint64        office_id,
                            PzPermitType *type,
                            const char   *definition,
                            gboolean      if_missing,
                            GError      **error)
{
  PzDbStmt *stmt = prepare (self, if_missing
                                ? "INSERT INTO permit_type_versions (code, version, definition, created_at, office_id) "
                            "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
                                : "INSERT INTO permit_type_versions (code, version, definition, created_at, office_id) "
                            "VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, type->code);
  pz_db_bind_int64 (stmt, 2, type->version);
  bind_text (stmt, 3, definition);
  pz_db_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
  pz_db_bind_int64 (stmt, 5, office_id);
  return step_done (self, stmt, error);
}

/**
 * pz_store_put_permit_type:
 *
 * Makes @type the current edition of its code. If it differs from the
 * latest edition, it becomes a new one (its number is set in @type);
 * files registered before keep theirs.
 */
gboolean
pz_store_put_permit_type (PzStore      *self,
                          gint64        office_id,
                          PzPermitType *type,
                          GError      **error)
{
  g_autofree char *request_types = strv_to_json (type->request_types);
  g_autofree char *definition = permit_type_definition (type);
  PzDbStmt *stmt;
  gint64 latest = 0;
  gboolean same = FALSE;

  if (!(stmt = prepare (self, "SELECT version, definition FROM permit_type_versions WHERE code = ? "
                        "AND office_id = ? ORDER BY version DESC LIMIT 1", error)))
    return FALSE;
  bind_text (stmt, 1, type->code);
  pz_db_bind_int64 (stmt, 2, office_id);
  if (db_step (self, stmt) == PZ_DB_STEP_ROW)
    {
      latest = pz_db_column_int64 (stmt, 0);
      same = g_strcmp0 (pz_db_column_text (stmt, 1), definition) == 0;
    }
  pz_db_reset (stmt);
  type->version = same ? (guint) latest : (guint) latest + 1;
  if (!same && !insert_permit_type_version (self, office_id, type, definition, FALSE, error))
    return FALSE;

  if (!(stmt = prepare (self, "DELETE FROM permit_type_requirements WHERE permit_type = ? AND office_id = ?", error)))
    return FALSE;
  bind_text (stmt, 1, type->code);
  pz_db_bind_int64 (stmt, 2, office_id);
  if (!step_done (self, stmt, error))
    return FALSE;
  if (!(stmt = prepare (self, "DELETE FROM permit_type_fields WHERE permit_type = ? AND office_id = ?", error)))
    return FALSE;
  bind_text (stmt, 1, type->code);
  pz_db_bind_int64 (stmt, 2, office_id);
  if (!step_done (self, stmt, error))
    return FALSE;

  stmt = prepare (self,
                  "INSERT INTO permit_types (code, name, workflow, request_types, survey, signing,"
                  "  number_format, validity_months, service_days, version, office_id) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                  "ON CONFLICT (office_id, code) DO UPDATE SET name = excluded.name,"
                  "  workflow = excluded.workflow, request_types = excluded.request_types,"
                  "  survey = excluded.survey, signing = excluded.signing,"
                  "  number_format = excluded.number_format,"
                  "  validity_months = excluded.validity_months,"
                  "  service_days = excluded.service_days, version = excluded.version", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, type->code);
  bind_text (stmt, 2, type->name);
  bind_text (stmt, 3, type->workflow);
  bind_text (stmt, 4, request_types);
  pz_db_bind_int64 (stmt, 5, type->survey);
  bind_text (stmt, 6, pz_signing_to_string (type->signing));
  bind_text (stmt, 7, type->number_format);
  pz_db_bind_int64 (stmt, 8, (int) type->validity_months);
  pz_db_bind_int64 (stmt, 9, (int) type->service_days);
  pz_db_bind_int64 (stmt, 10, type->version);
  pz_db_bind_int64 (stmt, 11, office_id);
  if (!step_done (self, stmt, error))
    return FALSE;

  for (guint i = 0; i < type->requirements->len; i++)
    {
      PzRequirement *r = g_ptr_array_index (type->requirements, i);
      g_autofree char *rt = strv_to_json (r->request_types);

      stmt = prepare (self,
                      "INSERT INTO permit_type_requirements (permit_type, position, code, title,"
                      "  mandatory, request_types, office_id) VALUES (?, ?, ?, ?, ?, ?, ?)", error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, type->code);
      pz_db_bind_int64 (stmt, 2, (int) i);
      bind_text (stmt, 3, r->code);
      bind_text (stmt, 4, r->title);
      pz_db_bind_int64 (stmt, 5, r->mandatory);
      bind_text (stmt, 6, rt);
      pz_db_bind_int64 (stmt, 7, office_id);
      if (!step_done (self, stmt, error))
        return FALSE;
    }

  for (guint i = 0; i < type->fields->len; i++)
    {
      PzField *f = g_ptr_array_index (type->fields, i);

      stmt = prepare (self,
                      "INSERT INTO permit_type_fields (permit_type, position, name, label, type,"
                      "  required, office_id) VALUES (?, ?, ?, ?, ?, ?, ?)", error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, type->code);
      pz_db_bind_int64 (stmt, 2, (int) i);
      bind_text (stmt, 3, f->name);
      bind_text (stmt, 4, f->label);
      bind_text (stmt, 5, pz_field_type_to_string (f->type));
      pz_db_bind_int64 (stmt, 6, f->required);
      pz_db_bind_int64 (stmt, 7, office_id);
      if (!step_done (self, stmt, error))
        return FALSE;
    }
  return TRUE;
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (text == NULL || !json_parser_load_from_data (parser, text, -1, NULL))
    return NULL;
  return json_node_copy (json_parser_get_root (parser));
}

/**
 * pz_store_keep_permit_type_versions:
 *
 * Records the editions of @types that are not recorded yet (a data dir
 * from before editions were kept).
 */
gboolean
pz_store_keep_permit_type_versions (PzStore   *self,
                                    gint64     office_id,
                                    GPtrArray *types,
                                    GError   **error)
{
  for (guint i = 0; i < types->len; i++)
    {
      PzPermitType *type = g_ptr_array_index (types, i);
      g_autofree char *definition = permit_type_definition (type);

      if (!insert_permit_type_version (self, office_id, type, definition, TRUE, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * pz_store_load_permit_type_versions:
 * @code: (nullable): one permit type, or %NULL for all
 *
 * Returns: (transfer container) (element-type PzPermitType): every recorded
 *   edition, by code and then newest first
 */
GPtrArray *
pz_store_load_permit_type_versions (PzStore    *self,
                                    gint64      office_id,
                                    const char *code,
                                    GError    **error)
{
  g_autoptr(GPtrArray) types = g_ptr_array_new_with_free_func ((GDestroyNotify) pz_permit_type_unref);
  PzDbStmt *stmt = prepare (self,
                            "SELECT version, definition FROM permit_type_versions "
                            "WHERE office_id = ?2 AND (?1 IS NULL OR code = ?1) ORDER BY code, version DESC", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, code);
  pz_db_bind_int64 (stmt, 2, office_id);
  while ((rc = db_step (self, stmt)) == PZ_DB_STEP_ROW)
    {
      g_autoptr(JsonNode) node = parse_json (pz_db_column_text (stmt, 1));
      PzPermitType *type = pz_permit_type_new_from_json (node, error);

      if (type == NULL)
        {
          pz_db_reset (stmt);
          return NULL;
        }
      type->version = (guint) pz_db_column_int64 (stmt, 0);
      g_ptr_array_add (types, type);
    }
  pz_db_reset (stmt);
  if (rc != PZ_DB_STEP_DONE)
    {
      sql_error (self, error);
      return NULL;
    }
  return g_steal_pointer (&types);
}

/**
 * pz_store_load_permit_types:
 * @self: a store
 * @error: return location for an error
 *
 * Rebuilds each permit type from its rows and checks it as if it came from
 * a client, so a row edited by hand cannot slip past the rules.
 *
 * Returns: (transfer container) (element-type PzPermitType): the permit types
 */
GPtrArray *
pz_store_load_permit_types (PzStore *self,
                            gint64   office_id,
                            GError **error)
{
  g_autoptr(GPtrArray) types = g_ptr_array_new_with_free_func ((GDestroyNotify) pz_permit_type_unref);
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  PzDbStmt *stmt;

  stmt = prepare (self,
                  "SELECT code, name, workflow, request_types, survey, signing, number_format,"
                  "  validity_months, service_days, version FROM permit_types WHERE office_id = ? "
                  "ORDER BY name", error);
  if (stmt == NULL)
    return NULL;
  pz_db_bind_int64 (stmt, 1, office_id);
  while (db_step (self, stmt) == PZ_DB_STEP_ROW)
    {
      JsonObject *obj = json_object_new ();
      JsonNode *node = json_node_new (JSON_NODE_OBJECT);

      json_object_set_string_member (obj, "code", pz_db_column_text (stmt, 0));
      json_object_set_string_member (obj, "name", pz_db_column_text (stmt, 1));
      json_object_set_string_member (obj, "workflow", pz_db_column_text (stmt, 2));
      json_object_set_member (obj, "request_types",
                              parse_json (pz_db_column_text (stmt, 3)));
      json_object_set_boolean_member (obj, "survey", pz_db_column_int64 (stmt, 4));
      json_object_set_string_member (obj, "signing", pz_db_column_text (stmt, 5));
      json_object_set_string_member (obj, "number_format",
                                     pz_db_column_text (stmt, 6));
      json_object_set_int_member (obj, "validity_months", pz_db_column_int64 (stmt, 7));
      json_object_set_int_member (obj, "service_days", pz_db_column_int64 (stmt, 8));
      json_object_set_int_member (obj, "version", pz_db_column_int64 (stmt, 9));
      json_object_set_array_member (obj, "requirements", json_array_new ());
      json_object_set_array_member (obj, "fields", json_array_new ());
      json_node_take_object (node, obj);
      g_ptr_array_add (nodes, node);
    }
  pz_db_reset (stmt);

  for (guint i = 0; i < nodes->len; i++)
    {
      JsonObject *obj = json_node_get_object (g_ptr_array_index (nodes, i));
      const char *code = json_object_get_string_member (obj, "code");
      JsonArray *reqs = json_object_get_array_member (obj, "requirements");
      JsonArray *fields = json_object_get_array_member (obj, "fields");
      PzPermitType *type;

      stmt = prepare (self,
                      "SELECT code, title, mandatory, request_types FROM permit_type_requirements "
                      "WHERE permit_type = ? AND office_id = ? ORDER BY position", error);
      if (stmt == NULL)
        return NULL;
      bind_text (stmt, 1, code);
      pz_db_bind_int64 (stmt, 2, office_id);
      while (db_step (self, stmt) == PZ_DB_STEP_ROW)
        {
          JsonObject *r = json_object_new ();

          json_object_set_string_member (r, "code", pz_db_column_text (stmt, 0));
          json_object_set_string_member (r, "title", pz_db_column_text (stmt, 1));
          json_object_set_boolean_member (r, "mandatory", pz_db_column_int64 (stmt, 2));
          json_object_set_member (r, "request_types",
                                  parse_json (pz_db_column_text (stmt, 3)));
          json_array_add_object_element (reqs, r);
        }
      pz_db_reset (stmt);

      stmt = prepare (self,
                      "SELECT name, label, type, required FROM permit_type_fields "
                      "WHERE permit_type = ? AND office_id = ? ORDER BY position", error);
      if (stmt == NULL)
        return NULL;
      bind_text (stmt, 1, code);
      pz_db_bind_int64 (stmt, 2, office_id);
      while (db_step (self, stmt) == PZ_DB_STEP_ROW)
        {
          JsonObject *f = json_object_new ();

          json_object_set_string_member (f, "name", pz_db_column_text (stmt, 0));
          json_object_set_string_member (f, "label", pz_db_column_text (stmt, 1));
          json_object_set_string_member (f, "type", pz_db_column_text (stmt, 2));
          json_object_set_boolean_member (f, "required", pz_db_column_int64 (stmt, 3));
          json_array_add_object_element (fields, f);
        }
      pz_db_reset (stmt);

      /* the decree's words live in the edition's definition only */
      stmt = prepare (self, "SELECT definition FROM permit_type_versions WHERE code = ? AND version = ? "
                      "AND office_id = ?", error);
      if (stmt == NULL)
        return NULL;
      bind_text (stmt, 1, code);
      pz_db_bind_int64 (stmt, 2, json_object_get_int_member (obj, "version"));
      pz_db_bind_int64 (stmt, 3, office_id);
      if (db_step (self, stmt) == PZ_DB_STEP_ROW)
        {
          g_autoptr(JsonNode) definition = parse_json (pz_db_column_text (stmt, 0));
          JsonObject *d = definition && JSON_NODE_HOLDS_OBJECT (definition) ? json_node_get_object (definition) : NULL;

          if (d && json_object_has_member (d, "decree"))
            json_object_set_member (obj, "decree", json_node_copy (json_object_get_member (d, "decree")));
          if (d && json_object_has_member (d, "holder_photo"))
            json_object_set_member (obj, "holder_photo", json_node_copy (json_object_get_member (d, "holder_photo")));
        }
      pz_db_reset (stmt);

      if (!(type = pz_permit_type_new_from_json (g_ptr_array_index (nodes, i), error)))
        return NULL;
      g_ptr_array_add (types, type);
    }

  return g_steal_pointer (&types);
}

gboolean
pz_store_put_holiday (PzStore    *self,
                      gint64      office_id,
                      const char *date,
                      const char *name,
                      const char *kind,
                      GError    **error)
{
  PzDbStmt *stmt = prepare (self,
                            "INSERT INTO holidays (date, name, kind, office_id) VALUES (?, ?, ?, ?) "
                            "ON CONFLICT (office_id, date) DO UPDATE SET name = excluded.name,"
                            "  kind = excluded.kind", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, date);
  bind_text (stmt, 2, name);
  bind_text (stmt, 3, kind);
  pz_db_bind_int64 (stmt, 4, office_id);
  return step_done (self, stmt, error);
}

/**
 * pz_store_list_holidays:
 * @self: a store
 * @error: return location for an error
 *
 * Returns: (transfer container) (element-type utf8): the holiday dates, `YYYY-MM-DD`
 */
GPtrArray *
pz_store_list_holidays (PzStore *self,
                        gint64   office_id,
                        GError **error)
{
  GPtrArray *dates;
  PzDbStmt *stmt = prepare (self, "SELECT date FROM holidays WHERE office_id = ? ORDER BY date", error);

  if (stmt == NULL)
    return NULL;
  pz_db_bind_int64 (stmt, 1, office_id);
  dates = g_ptr_array_new_with_free_func (g_free);
  while (db_step (self, stmt) == PZ_DB_STEP_ROW)
    g_ptr_array_add (dates, column_text (stmt, 0));
  pz_db_reset (stmt);
  return dates;
}

/**
 * pz_store_list_holiday_rows:
 * @year: the year, or 0 for every year
 *
 * Returns: (transfer full) (element-type GStrv): {date, name, kind}, by date
 */
GPtrArray *
pz_store_list_holiday_rows (PzStore *self,
                            gint64   office_id,
                            guint    year,
                            GError **error)
{
  PzDbStmt *stmt = prepare (self,
                            "SELECT date, name, kind FROM holidays "
                            "WHERE office_id = ?3 AND (?1 = 0 OR substr(date, 1, 4) = ?2) ORDER BY date",
                            error);
  g_autofree char *digits = g_strdup_printf ("%04u", year);
  g_autoptr(GPtrArray) rows = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  pz_db_bind_int64 (stmt, 1, (int) year);
  bind_text (stmt, 2, digits);
  pz_db_bind_int64 (stmt, 3, office_id);
  while ((rc = db_step (self, stmt)) == PZ_DB_STEP_ROW)
    {
      char **row = g_new0 (char *, 4);
      row[0] = column_text (stmt, 0);
      row[1] = column_text (stmt, 1);
      row[2] = column_text (stmt, 2);
      g_ptr_array_add (rows, row);
    }
  pz_db_reset (stmt);
  if (rc != PZ_DB_STEP_DONE)
    {
      sql_error (self, error);
      return NULL;
    }
  return g_steal_pointer (&rows);
}

/* Returns: whether there was such a holiday */
gboolean
pz_store_delete_holiday (PzStore    *self,
                         gint64      office_id,
                         const char *date,
                         gboolean   *deleted,
                         GError    **error)
{
  PzDbStmt *stmt = prepare (self, "DELETE FROM holidays WHERE date = ? AND office_id = ?", error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, date);
  pz_db_bind_int64 (stmt, 2, office_id);
  if (!step_done (self, stmt, error))
    return FALSE;
  *deleted = pz_db_changes (self->db) > 0;
  return TRUE;
}

/**
 * pz_store_next_counter:
 * @self: a store
 * @office_id: whose counter: each office numbers on its own
 * @name: the counter, e.g. `registration:2026`
 * @value: (out): the next value, starting at 1
 * @error: return location for an error
 *
 * Call inside a transaction: the counter moves only if it commits, so
 * numbers neither repeat nor skip.
 */
gboolean
pz_store_next_counter (PzStore    *self,
                       gint64      office_id,
                       const char *name,
                       gint64     *value,
                       GError    **error)
{
  PzDbStmt *stmt = prepare (self,
                            "INSERT INTO counters (office_id, name, value) VALUES (?, ?, 1) "
                            "ON CONFLICT (office_id, name) DO UPDATE SET value = counters.value + 1 "
                            "RETURNING value", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  pz_db_bind_int64 (stmt, 1, office_id);
  bind_text (stmt, 2, name);
  rc = db_step (self, stmt);
  if (rc != PZ_DB_STEP_ROW)
    {
      pz_db_reset (stmt);
      return sql_error (self, error);
    }
  *value = pz_db_column_int64 (stmt, 0);
  db_step (self, stmt);
  pz_db_reset (stmt);
  return TRUE;
}

/**
 * pz_store_peek_counter:
 * @self: a store
 * @office_id: whose counter
 * @name: the counter, e.g. `permit:PBG:2026`
 * @value: (out): its last value, 0 when it has not moved yet
 * @error: return location for an error
 *
 * Reads a counter without moving it.
 */
gboolean
pz_store_peek_counter (PzStore    *self,
                       gint64      office_id,
                       const char *name,
                       gint64     *value,
                       GError    **error)
{
  PzDbStmt *stmt = prepare (self, "SELECT value FROM counters WHERE office_id = ? AND name = ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  pz_db_bind_int64 (stmt, 1, office_id);
  bind_text (stmt, 2, name);
  rc = db_step (self, stmt);
  if (rc != PZ_DB_STEP_ROW && rc != PZ_DB_STEP_DONE)
    {
      pz_db_reset (stmt);
      return sql_error (self, error);
    }
  *value = rc == PZ_DB_STEP_ROW ? pz_db_column_int64 (stmt, 0) : 0;
  pz_db_reset (stmt);
  return TRUE;
}
