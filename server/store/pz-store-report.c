/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the oversight report reads, and the applicants' answers to the
 * satisfaction survey. The report reads a snapshot: a read-only connection
 * of its own in one read transaction, a consistent view while the server
 * goes on writing. */
#define G_LOG_DOMAIN "pz-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pz-store-private.h"

#define SNAPSHOT_BUSY_MS 10000

/**
 * pz_store_open_snapshot:
 * @path: the database file
 * @error: return location for an error
 *
 * Opens @path read-only, without migrating it, and begins a read
 * transaction: every read sees the database as it was then. Any thread may
 * use the snapshot, one at a time; pz_store_free() ends it.
 *
 * Returns: (transfer full): the snapshot, or %NULL
 */
PzStore *
pz_store_open_snapshot (const char *path,
                        GError    **error)
{
  PzStore *self = g_new0 (PzStore, 1);
  g_autoptr(GError) db_error = NULL;
  PzDbStmt *stmt;

  if (!(self->db = pz_db_open (path, PZ_DB_OPEN_READ_ONLY, &db_error)))
    {
      g_set_error (error, PZ_STORE_ERROR, PZ_STORE_ERROR_FAILED, _("Database error: %s"),
                   db_error->message);
      pz_store_free (self);
      return NULL;
    }
  pz_store_set_busy_timeout (self, SNAPSHOT_BUSY_MS);
  if (!(stmt = prepare (self, begin_read_sql (self), error)) || !step_done (self, stmt, error))
    {
      pz_store_free (self);
      return NULL;
    }
  return self;
}

void
pz_volume_row_free (PzVolumeRow *row)
{
  if (row == NULL)
    return;
  g_free (row->month);
  g_free (row->permit_type);
  g_free (row);
}

void
pz_stay_row_free (PzStayRow *row)
{
  if (row == NULL)
    return;
  g_free (row->permit_type);
  g_free (row->step);
  g_free (row);
}

void
pz_step_wait_row_free (PzStepWaitRow *row)
{
  if (row == NULL)
    return;
  g_free (row->step);
  g_free (row);
}

static int
compare_volume (gconstpointer a,
                gconstpointer b)
{
  const PzVolumeRow *x = *(PzVolumeRow * const *) a;
  const PzVolumeRow *y = *(PzVolumeRow * const *) b;
  int c = g_strcmp0 (x->month, y->month);

  return c ? c : g_strcmp0 (x->permit_type, y->permit_type);
}

/**
 * pz_store_report_volume:
 * @from: the start of the period
 * @to: its end, not included
 * @tz_offset: the office's offset from UTC in seconds, for the months
 *
 * Files received in the period (and of those, the ones still open), and
 * files decided in it: a file at an end changes no more, so its last change
 * is the decision.
 *
 * Returns: (transfer full) (element-type PzVolumeRow): one row per month
 *   and permit type that has any, by month, then permit type
 */
GPtrArray *
pz_store_report_volume (PzStore *self,
                        gint64   office_id,
                        gint64   from,
                        gint64   to,
                        gint64   tz_offset,
                        GError **error)
{
  static const char *sqlite_sql[] = {
    "SELECT permit_type, strftime('%Y-%m', created_at + ?3, 'unixepoch'), count(*),"
    "  count(CASE WHEN status IN ('in_progress', 'waiting_applicant') THEN 1 END) "
    "FROM applications WHERE created_at >= ?1 AND created_at < ?2 AND (?4 = 0 OR office_id = ?4) GROUP BY 1, 2",
    "SELECT permit_type, strftime('%Y-%m', updated_at + ?3, 'unixepoch'), count(*), status "
    "FROM applications WHERE status IN ('issued', 'refused') AND updated_at >= ?1 AND updated_at < ?2 "
    "  AND (?4 = 0 OR office_id = ?4) GROUP BY 1, 2, 4",
  };
  /* PostgreSQL: not run by the tests yet */
  static const char *postgresql_sql[] = {
    "SELECT permit_type, to_char(to_timestamp(created_at + ?3) AT TIME ZONE 'UTC', 'YYYY-MM'), count(*),"
    "  count(CASE WHEN status IN ('in_progress', 'waiting_applicant') THEN 1 END) "
    "FROM applications WHERE created_at >= ?1 AND created_at < ?2 AND (?4 = 0 OR office_id = ?4) GROUP BY 1, 2",
    "SELECT permit_type, to_char(to_timestamp(updated_at + ?3) AT TIME ZONE 'UTC', 'YYYY-MM'), count(*), status "
    "FROM applications WHERE status IN ('issued', 'refused') AND updated_at >= ?1 AND updated_at < ?2 "
    "  AND (?4 = 0 OR office_id = ?4) GROUP BY 1, 2, 4",
  };
  const char * const *sql = pz_db_kind (self->db) == PZ_DB_SQLITE ? sqlite_sql : postgresql_sql;
  g_autoptr(GHashTable) index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) pz_volume_row_free);

  for (guint q = 0; q < G_N_ELEMENTS (sqlite_sql); q++)
    {
      PzDbStmt *stmt = prepare (self, sql[q], error);
      int rc;

      if (stmt == NULL)
        return NULL;
      pz_db_bind_int64 (stmt, 1, from);
      pz_db_bind_int64 (stmt, 2, to);
      pz_db_bind_int64 (stmt, 3, tz_offset);
      pz_db_bind_int64 (stmt, 4, office_id);
      while ((rc = db_step (self, stmt)) == PZ_DB_STEP_ROW)
        {
          const char *type = pz_db_column_text (stmt, 0);
          const char *month = pz_db_column_text (stmt, 1);
          char *key = g_strdup_printf ("%s\x1f%s", month, type);
          PzVolumeRow *row = g_hash_table_lookup (index, key);
          gint64 count = pz_db_column_int64 (stmt, 2);

          if (row == NULL)
            {
              row = g_new0 (PzVolumeRow, 1);
              row->month = g_strdup (month);
              row->permit_type = g_strdup (type);
              g_ptr_array_add (rows, row);
              g_hash_table_insert (index, key, row);
            }
          else
            g_free (key);
          if (q == 0)
            {
              row->received += count;
              row->open += pz_db_column_int64 (stmt, 3);
            }
          else if (g_strcmp0 (pz_db_column_text (stmt, 3), "issued") == 0)
            row->issued += count;
          else
            row->refused += count;
        }
      pz_db_reset (stmt);
      if (rc != PZ_DB_STEP_DONE)
        {
          sql_error (self, error);
          return NULL;
        }
    }
  g_ptr_array_sort (rows, compare_volume);
  return g_steal_pointer (&rows);
}

/**
 * pz_store_report_stays:
 * @from: the start of the period
 * @to: its end, not included
 * @with_permit_type: whether to read each file's permit type too
 *
 * Returns: (transfer full) (element-type PzStayRow): every stay in a step
 *   that ended in the period
 */
GPtrArray *
pz_store_report_stays (PzStore *self,
                       gint64   office_id,
                       gint64   from,
                       gint64   to,
                       gboolean with_permit_type,
                       GError **error)
{
  PzDbStmt *stmt = prepare (self, with_permit_type
                                ? "SELECT e.from_step, e.user_id, e.office_seconds, e.application_id, a.permit_type "
                            "FROM events e JOIN applications a ON a.id = e.application_id "
                            "WHERE e.at >= ?1 AND e.at < ?2 AND e.from_step IS NOT NULL"
                            "  AND (?3 = 0 OR a.office_id = ?3)"
                                : "SELECT e.from_step, e.user_id, e.office_seconds, e.application_id, NULL "
                            "FROM events e WHERE e.at >= ?1 AND e.at < ?2 AND e.from_step IS NOT NULL"
                            "  AND (?3 = 0 OR e.application_id IN (SELECT id FROM applications WHERE office_id = ?3))",
                            error);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) pz_stay_row_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  pz_db_bind_int64 (stmt, 1, from);
  pz_db_bind_int64 (stmt, 2, to);
  pz_db_bind_int64 (stmt, 3, office_id);
  while ((rc = db_step (self, stmt)) == PZ_DB_STEP_ROW)
    {
      PzStayRow *row = g_new0 (PzStayRow, 1);

      row->step = column_text (stmt, 0);
      row->user_id = pz_db_column_int64 (stmt, 1);
      row->office_seconds = pz_db_column_int64 (stmt, 2);
      row->application_id = pz_db_column_int64 (stmt, 3);
      row->permit_type = column_text (stmt, 4);
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

/**
 * pz_store_report_decided:
 * @from: the start of the period
 * @to: its end, not included
 *
 * Returns: (transfer full) (element-type PzClockRow): the files decided in
 *   the period whose service clock started, with their id, permit type and
 *   edition, and service time
 */
GPtrArray *
pz_store_report_decided (PzStore *self,
                         gint64   office_id,
                         gint64   from,
                         gint64   to,
                         GError **error)
{
  PzDbStmt *stmt = prepare (self,
                            "SELECT id, permit_type, permit_type_version, service_seconds FROM applications "
                            "WHERE status IN ('issued', 'refused') AND updated_at >= ?1 AND updated_at < ?2 "
                            "  AND service_started_at IS NOT NULL AND (?3 = 0 OR office_id = ?3)",
                            error);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) pz_clock_row_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  pz_db_bind_int64 (stmt, 1, from);
  pz_db_bind_int64 (stmt, 2, to);
  pz_db_bind_int64 (stmt, 3, office_id);
  while ((rc = db_step (self, stmt)) == PZ_DB_STEP_ROW)
    {
      PzClockRow *row = g_new0 (PzClockRow, 1);

      row->id = pz_db_column_int64 (stmt, 0);
      row->permit_type = column_text (stmt, 1);
      row->permit_type_version = pz_db_column_int64 (stmt, 2);
      row->service_seconds = pz_db_column_int64 (stmt, 3);
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

/**
 * pz_store_report_waiting:
 * @now: the current time: a file due before it is overdue
 *
 * Returns: (transfer full) (element-type PzStepWaitRow): per step, the open
 *   files (in progress or waiting for the applicant) there now, by step
 */
GPtrArray *
pz_store_report_waiting (PzStore *self,
                         gint64   office_id,
                         gint64   now,
                         GError **error)
{
  PzDbStmt *stmt = prepare (self,
                            "SELECT step, count(*), min(step_entered_at), count(CASE WHEN due_at < ?1 THEN 1 END) "
                            "FROM applications WHERE status IN ('in_progress', 'waiting_applicant') "
                            "  AND (?2 = 0 OR office_id = ?2) GROUP BY step ORDER BY step",
                            error);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) pz_step_wait_row_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  pz_db_bind_int64 (stmt, 1, now);
  pz_db_bind_int64 (stmt, 2, office_id);
  while ((rc = db_step (self, stmt)) == PZ_DB_STEP_ROW)
    {
      PzStepWaitRow *row = g_new0 (PzStepWaitRow, 1);

      row->step = column_text (stmt, 0);
      row->count = pz_db_column_int64 (stmt, 1);
      row->oldest_entered_at = pz_db_column_int64 (stmt, 2);
      row->overdue = pz_db_column_int64 (stmt, 3);
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

/**
 * pz_store_report_satisfaction:
 * @from: the start of the period
 * @to: its end, not included
 * @summary: (out caller-allocates): the number of answers given in the
 *   period and the mean answer per element
 */
gboolean
pz_store_report_satisfaction (PzStore               *self,
                              gint64                 office_id,
                              gint64                 from,
                              gint64                 to,
                              PzSatisfactionSummary *summary,
                              GError               **error)
{
  PzDbStmt *stmt = prepare (self,
                            "SELECT count(*), avg(u1), avg(u2), avg(u3), avg(u4), avg(u5), avg(u6), avg(u7),"
                            "  avg(u8), avg(u9) FROM satisfaction WHERE at >= ?1 AND at < ?2"
                            "  AND (?3 = 0 OR application_id IN (SELECT id FROM applications WHERE office_id = ?3))",
                            error);
  int rc;

  G_STATIC_ASSERT (PZ_SKM_ELEMENTS == 9);
  memset (summary, 0, sizeof *summary);
  if (stmt == NULL)
    return FALSE;
  pz_db_bind_int64 (stmt, 1, from);
  pz_db_bind_int64 (stmt, 2, to);
  pz_db_bind_int64 (stmt, 3, office_id);
  rc = db_step (self, stmt);
  if (rc == PZ_DB_STEP_ROW)
    {
      summary->responses = pz_db_column_int64 (stmt, 0);
      for (guint i = 0; i < PZ_SKM_ELEMENTS; i++)
        summary->mean[i] = pz_db_column_double (stmt, 1 + (int) i);
    }
  pz_db_reset (stmt);
  if (rc != PZ_DB_STEP_ROW)
    return sql_error (self, error);
  return TRUE;
}

/**
 * pz_store_get_registration_number:
 *
 * Returns: (transfer full) (nullable): the file's registration number
 */
char *
pz_store_get_registration_number (PzStore *self,
                                  gint64   id)
{
  PzDbStmt *stmt = prepare (self, "SELECT registration_number FROM applications WHERE id = ?", NULL);
  char *number = NULL;

  if (stmt == NULL)
    return NULL;
  pz_db_bind_int64 (stmt, 1, id);
  if (db_step (self, stmt) == PZ_DB_STEP_ROW)
    number = column_text (stmt, 0);
  pz_db_reset (stmt);
  return number;
}

/* The applicants' answers */

gboolean
pz_store_has_satisfaction (PzStore *self,
                           gint64   application_id)
{
  PzDbStmt *stmt = prepare (self, "SELECT 1 FROM satisfaction WHERE application_id = ?", NULL);
  gboolean found;

  if (stmt == NULL)
    return FALSE;
  pz_db_bind_int64 (stmt, 1, application_id);
  found = db_step (self, stmt) == PZ_DB_STEP_ROW;
  pz_db_reset (stmt);
  return found;
}

/**
 * pz_store_put_satisfaction:
 * @answers: the answer to each element, 1 to 4
 * @suggestion: (nullable): the applicant's suggestion
 *
 * Keeps a file's answers; a file answers once (%PZ_STORE_ERROR_CONSTRAINT
 * the second time).
 */
gboolean
pz_store_put_satisfaction (PzStore    *self,
                           gint64      application_id,
                           const int   answers[PZ_SKM_ELEMENTS],
                           const char *suggestion,
                           gint64      now,
                           GError    **error)
{
  PzDbStmt *stmt = prepare (self,
                            "INSERT INTO satisfaction (application_id, at, u1, u2, u3, u4, u5, u6, u7, u8, u9,"
                            "  suggestion) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  pz_db_bind_int64 (stmt, 1, application_id);
  pz_db_bind_int64 (stmt, 2, now);
  for (guint i = 0; i < PZ_SKM_ELEMENTS; i++)
    pz_db_bind_int64 (stmt, 3 + (int) i, answers[i]);
  bind_text (stmt, 12, suggestion && *suggestion ? suggestion : NULL);
  rc = db_step (self, stmt);
  pz_db_reset (stmt);
  if (rc == PZ_DB_STEP_DONE)
    return TRUE;
  if (g_error_matches (self->step_error, PZ_DB_ERROR, PZ_DB_ERROR_CONSTRAINT))
    {
      g_set_error (error, PZ_STORE_ERROR, PZ_STORE_ERROR_CONSTRAINT, _("This file's survey was already answered"));
      return FALSE;
    }
  return sql_error (self, error);
}
