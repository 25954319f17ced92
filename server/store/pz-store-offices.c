/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The offices one deployment serves: each has a short code, unique in the
 * deployment, that a login names it by when there is more than one. */
#define G_LOG_DOMAIN "pz-store"

#include "config.h"

#include "pz-store-private.h"

void
pz_office_free (PzOffice *office)
{
  if (office == NULL)
    return;
  g_free (office->code);
  g_free (office->name);
  g_free (office);
}

static PzOffice *
query_office (PzStore  *self,
              PzDbStmt *stmt)
{
  PzOffice *office = NULL;

  if (db_step (self, stmt) == PZ_DB_STEP_ROW)
    {
      office = g_new0 (PzOffice, 1);
      office->id = pz_db_column_int64 (stmt, 0);
      office->code = column_text (stmt, 1);
      office->name = column_text (stmt, 2);
    }
  pz_db_reset (stmt);
  return office;
}

/**
 * pz_store_find_office:
 * @code: an office's code
 *
 * Returns: (transfer full) (nullable): the office of @code
 */
PzOffice *
pz_store_find_office (PzStore    *self,
                      const char *code)
{
  PzDbStmt *stmt = prepare (self, "SELECT id, code, name FROM offices WHERE code = ?", NULL);

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, code);
  return query_office (self, stmt);
}

/**
 * pz_store_get_office:
 *
 * Returns: (transfer full) (nullable): the office of @id
 */
PzOffice *
pz_store_get_office (PzStore *self,
                     gint64   id)
{
  PzDbStmt *stmt = prepare (self, "SELECT id, code, name FROM offices WHERE id = ?", NULL);

  if (stmt == NULL)
    return NULL;
  pz_db_bind_int64 (stmt, 1, id);
  return query_office (self, stmt);
}

/**
 * pz_store_count_offices:
 *
 * Returns: how many offices the deployment serves (0 on failure)
 */
gint64
pz_store_count_offices (PzStore *self)
{
  PzDbStmt *stmt = prepare (self, "SELECT count(*) FROM offices", NULL);
  gint64 count = 0;

  if (stmt == NULL)
    return 0;
  if (db_step (self, stmt) == PZ_DB_STEP_ROW)
    count = pz_db_column_int64 (stmt, 0);
  pz_db_reset (stmt);
  return count;
}

/**
 * pz_store_list_office_ids:
 *
 * Returns: (transfer full) (element-type gint64): the ids of the offices
 *   the deployment serves, in order, or %NULL
 */
GArray *
pz_store_list_office_ids (PzStore *self,
                          GError **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  PzDbStmt *stmt = prepare (self, "SELECT id FROM offices ORDER BY id", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = db_step (self, stmt)) == PZ_DB_STEP_ROW)
    {
      gint64 id = pz_db_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  pz_db_reset (stmt);
  if (rc != PZ_DB_STEP_DONE)
    {
      sql_error (self, error);
      return NULL;
    }
  return g_steal_pointer (&ids);
}

/**
 * pz_store_insert_office:
 * @code: its code, unique in the deployment
 * @name: its name
 *
 * Returns: the new office's id, or 0 (%PZ_STORE_ERROR_CONSTRAINT if the
 *   code is taken)
 */
gint64
pz_store_insert_office (PzStore    *self,
                        const char *code,
                        const char *name,
                        gint64      now,
                        GError    **error)
{
  PzDbStmt *stmt = prepare (self, "INSERT INTO offices (code, name, created_at) VALUES (?, ?, ?) RETURNING id",
                            error);
  gint64 id = 0;

  if (stmt == NULL)
    return 0;
  bind_text (stmt, 1, code);
  bind_text (stmt, 2, name);
  pz_db_bind_int64 (stmt, 3, now);
  if (!step_returning (self, stmt, &id, error))
    return 0;
  return id;
}
