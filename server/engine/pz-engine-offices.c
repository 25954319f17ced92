/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the engine keeps of each office of the deployment: its permit
 * types and their editions, its calendar (hours and holidays), its emblem
 * and public address, read from the store when first needed and again
 * whenever an office changes. */
#define G_LOG_DOMAIN "pz-engine"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pz-engine-private.h"

/**
 * pz_engine_seed_calendar:
 * @store: the store, in a transaction
 * @office_id: the office
 *
 * A new office starts with the national holidays and collective leave
 * days of the years the server knows, which it can then edit.  Does
 * nothing for an office that has been given them before.
 */
gboolean
pz_engine_seed_calendar (PzStore *store,
                         gint64   office_id,
                         GError **error)
{
  g_autofree char *seeded = pz_store_get_setting (store, office_id, "calendar_seeded");
  g_auto(GStrv) names = NULL;

  if (seeded)
    return TRUE;
  names = g_resources_enumerate_children (CALENDAR_RESOURCES, 0, NULL);
  for (guint i = 0; names && names[i]; i++)
    {
      g_autofree char *path = g_build_path ("/", CALENDAR_RESOURCES, names[i], NULL);
      g_autoptr(GBytes) bytes = g_resources_lookup_data (path, 0, NULL);
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonNode *root;
      JsonArray *days;

      if (bytes == NULL ||
          !json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                       (gssize) g_bytes_get_size (bytes), error))
        return FALSE;
      root = json_parser_get_root (parser);
      if (!JSON_NODE_HOLDS_ARRAY (root))
        continue;
      days = json_node_get_array (root);
      for (guint d = 0; d < json_array_get_length (days); d++)
        {
          JsonObject *day = json_array_get_object_element (days, d);

          if (!pz_store_put_holiday (store, office_id, json_object_get_string_member (day, "date"),
                                     json_object_get_string_member (day, "name"),
                                     json_object_get_string_member (day, "kind"), error))
            return FALSE;
        }
    }
  return pz_store_set_setting (store, office_id, "calendar_seeded", "1", error);
}

/* Every office of the store has its calendar; a data dir from before
 * calendars were seeded, or an office made without one, gets it now. */
gboolean
seed_calendars (PzEngine *self,
                GError  **error)
{
  g_autoptr(GArray) ids = pz_store_list_office_ids (self->store, error);

  if (ids == NULL || !pz_store_begin (self->store, error))
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    if (!pz_engine_seed_calendar (self->store, g_array_index (ids, gint64, i), error))
      {
        pz_store_rollback (self->store);
        return FALSE;
      }
  if (!pz_store_commit (self->store, error))
    {
      pz_store_rollback (self->store);
      return FALSE;
    }
  return TRUE;
}

static void
office_state_free (OfficeState *office)
{
  g_clear_pointer (&office->calendar, pz_calendar_unref);
  g_clear_pointer (&office->permit_types, g_ptr_array_unref);
  g_clear_pointer (&office->type_versions, g_hash_table_unref);
  g_clear_pointer (&office->logo, g_bytes_unref);
  g_free (office->public_url);
  g_free (office);
}

/* The office profile's hours, emblem and address. */
static void
apply_office_profile (PzEngine    *self,
                      OfficeState *office)
{
  g_autofree char *opens = pz_store_get_setting (self->store, office->id, "office_opens");
  g_autofree char *closes = pz_store_get_setting (self->store, office->id, "office_closes");
  g_autofree char *logo = pz_store_get_setting (self->store, office->id, "logo_png");
  g_autofree char *url = pz_store_get_setting (self->store, office->id, "public_url");
  guint start = 7 * 60 + 30, end = 16 * 60;

  if (opens && closes && !(pz_parse_clock (opens, &start) && pz_parse_clock (closes, &end) && start < end))
    {
      g_warning ("The office hours %s–%s are not valid; 07:30–16:00 is used", opens, closes);
      start = 7 * 60 + 30;
      end = 16 * 60;
    }
  pz_calendar_set_office_hours (office->calendar, start, end);
  g_clear_pointer (&office->logo, g_bytes_unref);
  if (logo && *logo)
    {
      gsize len = 0;
      guchar *data = g_base64_decode (logo, &len);
      office->logo = g_bytes_new_take (data, len);
    }
  g_free (office->public_url);
  office->public_url = g_strdup (url && *url ? url : pz_engine_get_configured_public_url (self));
  while (g_str_has_suffix (office->public_url, "/"))
    office->public_url[strlen (office->public_url) - 1] = '\0';
}

/* Reads what @office_id defines: its permit types and their editions,
 * its profile and its calendar. */
static OfficeState *
load_office (PzEngine *self,
             gint64    office_id,
             GError  **error)
{
  g_autoptr(GPtrArray) types = pz_store_load_permit_types (self->store, office_id, error);
  g_autoptr(GPtrArray) holidays = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  OfficeState *office;

  if (types == NULL ||
      !(versions = pz_store_load_permit_type_versions (self->store, office_id, NULL, error)) ||
      !(holidays = pz_store_list_holidays (self->store, office_id, error)))
    return NULL;
  for (guint i = 0; i < types->len; i++)
    {
      PzPermitType *type = g_ptr_array_index (types, i);
      if (!g_hash_table_contains (self->workflows, type->workflow))
        {
          g_set_error (error, PZ_ENGINE_ERROR, PZ_ENGINE_ERROR_INTERNAL,
                       _("Permit type “%s” uses the unknown workflow “%s”"),
                       type->code, type->workflow);
          return NULL;
        }
    }

  office = g_new0 (OfficeState, 1);
  office->id = office_id;
  office->type_versions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                 (GDestroyNotify) pz_permit_type_unref);
  for (guint i = 0; i < versions->len; i++)
    {
      PzPermitType *type = g_ptr_array_index (versions, i);
      g_hash_table_insert (office->type_versions, g_strdup_printf ("%s/%u", type->code, type->version),
                           pz_permit_type_ref (type));
    }
  office->permit_types = g_steal_pointer (&types);
  office->calendar = pz_calendar_new (self->tz);
  for (guint i = 0; i < holidays->len; i++)
    {
      GDate date;
      if (pz_parse_date (g_ptr_array_index (holidays, i), &date))
        pz_calendar_add_holiday (office->calendar, &date);
    }
  apply_office_profile (self, office);
  return office;
}

/**
 * office_of:
 * @office_id: an office of the store
 *
 * What the engine keeps of the office, read now if it was not yet (an
 * office added since the last reload).  An office that cannot be read
 * has no permit types and the usual office hours until the next reload.
 *
 * Returns: (transfer none): the office's state
 */
OfficeState *
office_of (PzEngine *self,
           gint64    office_id)
{
  OfficeState *office = g_hash_table_lookup (self->offices, &office_id);
  g_autoptr(GError) error = NULL;

  if (office)
    return office;
  if (!(office = load_office (self, office_id, &error)))
    {
      g_warning ("Office %" G_GINT64_FORMAT " cannot be read: %s", office_id, error->message);
      office = g_new0 (OfficeState, 1);
      office->id = office_id;
      office->permit_types = g_ptr_array_new_with_free_func ((GDestroyNotify) pz_permit_type_unref);
      office->type_versions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                     (GDestroyNotify) pz_permit_type_unref);
      office->calendar = pz_calendar_new (self->tz);
      office->public_url = g_strdup (pz_engine_get_configured_public_url (self));
    }
  g_hash_table_insert (self->offices, g_memdup2 (&office->id, sizeof office->id), office);
  return office;
}

/**
 * pz_engine_reload:
 * @self: an engine
 * @error: return location for an error
 *
 * Reads what every office defines (permit types, holidays, profile) from
 * the store again.
 */
gboolean
pz_engine_reload (PzEngine *self,
                  GError  **error)
{
  g_autoptr(GArray) ids = pz_store_list_office_ids (self->store, error);
  g_autoptr(GHashTable) offices = NULL;

  /* the inboxes show the types' names and the steps' titles */
  if (self->inbox_pages)
    g_hash_table_remove_all (self->inbox_pages);
  self->inbox_bytes = 0;
  if (ids == NULL)
    return FALSE;
  offices = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) office_state_free);
  for (guint i = 0; i < ids->len; i++)
    {
      OfficeState *office = load_office (self, g_array_index (ids, gint64, i), error);

      if (office == NULL)
        return FALSE;
      g_hash_table_insert (offices, g_memdup2 (&office->id, sizeof office->id), office);
    }
  g_clear_pointer (&self->offices, g_hash_table_unref);
  self->offices = g_steal_pointer (&offices);
  return TRUE;
}

/* A data dir from before editions were kept: each type's current
 * definition becomes its edition. */
gboolean
keep_type_versions (PzEngine *self,
                    GError  **error)
{
  g_autoptr(GArray) ids = pz_store_list_office_ids (self->store, error);

  if (ids == NULL)
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    {
      gint64 office_id = g_array_index (ids, gint64, i);
      g_autoptr(GPtrArray) types = pz_store_load_permit_types (self->store, office_id, error);

      if (types == NULL || !pz_store_keep_permit_type_versions (self->store, office_id, types, error))
        return FALSE;
    }
  return TRUE;
}

PzCalendar *
pz_engine_get_calendar (PzEngine *self,
                        gint64    office_id)
{
  return office_of (self, office_id)->calendar;
}

/**
 * pz_engine_set_public_url:
 *
 * The address from the configuration; an office profile's, if set, wins.
 */
void
pz_engine_set_public_url (PzEngine   *self,
                          const char *url)
{
  g_autoptr(GError) error = NULL;

  g_free (self->configured_url);
  self->configured_url = g_strdup (url);
  if (self->offices && !pz_engine_reload (self, &error))
    g_warning ("The offices could not be read again: %s", error->message);
}

/**
 * pz_engine_get_logo:
 *
 * Returns: (transfer none) (nullable): the emblem @office_id prints on its letters, PNG
 */
GBytes *
pz_engine_get_logo (PzEngine *self,
                    gint64    office_id)
{
  return office_of (self, office_id)->logo;
}

const char *
pz_engine_get_public_url (PzEngine *self,
                          gint64    office_id)
{
  return office_of (self, office_id)->public_url;
}

PzPermitType *
pz_engine_get_permit_type (PzEngine   *self,
                           gint64      office_id,
                           const char *code)
{
  GPtrArray *types = office_of (self, office_id)->permit_types;

  for (guint i = 0; code && i < types->len; i++)
    {
      PzPermitType *type = g_ptr_array_index (types, i);
      if (g_str_equal (type->code, code))
        return type;
    }
  return NULL;
}

/**
 * pz_engine_get_file_permit_type:
 *
 * The edition of the permit type @app was registered under; a file whose
 * edition is not known (a store written by an older server, a damaged
 * row) is read with the type's current edition rather than not at all.
 *
 * Returns: (transfer none) (nullable): the edition, or %NULL when the
 *   type itself is unknown
 */
PzPermitType *
pz_engine_get_file_permit_type (PzEngine      *self,
                                PzApplication *app)
{
  g_autofree char *key = g_strdup_printf ("%s/%" G_GINT64_FORMAT, app->permit_type,
                                          app->permit_type_version > 0 ? app->permit_type_version : 1);
  PzPermitType *type = g_hash_table_lookup (office_of (self, app->office_id)->type_versions, key);

  return type ? type : pz_engine_get_permit_type (self, app->office_id, app->permit_type);
}

/**
 * pz_engine_get_permit_type_versions:
 *
 * Returns: (transfer none): "code/version" -> every edition of every type
 */
GHashTable *
pz_engine_get_permit_type_versions (PzEngine *self,
                                    gint64    office_id)
{
  return office_of (self, office_id)->type_versions;
}

GPtrArray *
pz_engine_list_permit_types (PzEngine *self,
                             gint64    office_id)
{
  return office_of (self, office_id)->permit_types;
}
