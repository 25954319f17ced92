/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Files (applications): registration, reading, the inbox and search,
 * their history of events. */
#define G_LOG_DOMAIN "pz-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pz-store-private.h"

/* Applications */

void
pz_application_free (PzApplication *app)
{
  if (app == NULL)
    return;
  g_free (app->registration_number);
  g_free (app->permit_type);
  g_free (app->request_type);
  g_free (app->applicant_name);
  g_free (app->applicant_nik);
  g_free (app->applicant_address);
  g_free (app->applicant_phone);
  g_free (app->applicant_email);
  g_free (app->data);
  g_free (app->survey);
  g_free (app->received_by);
  g_free (app->step);
  g_free (app->status);
  g_free (app->permit_number);
  g_free (app->verify_token);
  g_free (app->tracking_code);
  g_free (app);
}


/* A file from a row of APP_COLUMNS. */
PzApplication *
read_application (PzDbStmt *stmt)
{
  PzApplication *app = g_new0 (PzApplication, 1);

  app->id = pz_db_column_int64 (stmt, 0);
  app->registration_number = column_text (stmt, 1);
  app->permit_type = column_text (stmt, 2);
  app->request_type = column_text (stmt, 3);
  app->applicant_name = column_text (stmt, 4);
  app->applicant_nik = column_text (stmt, 5);
  app->applicant_address = column_text (stmt, 6);
  app->applicant_phone = column_text (stmt, 7);
  app->applicant_email = column_text (stmt, 8);
  app->data = column_text (stmt, 9);
  app->survey = column_text (stmt, 10);
  app->received_by = column_text (stmt, 11);
  app->step = column_text (stmt, 12);
  app->status = column_text (stmt, 13);
  app->version = pz_db_column_int64 (stmt, 14);
  app->step_entered_at = pz_db_column_int64 (stmt, 15);
  app->due_at = pz_db_column_int64 (stmt, 16);
  app->permit_number = column_text (stmt, 17);
  app->verify_token = column_text (stmt, 18);
  app->created_at = pz_db_column_int64 (stmt, 19);
  app->updated_at = pz_db_column_int64 (stmt, 20);
  app->created_by = pz_db_column_int64 (stmt, 21);
  app->updated_by = pz_db_column_int64 (stmt, 22);
  app->permit_type_version = pz_db_column_int64 (stmt, 23);
  app->service_started_at = pz_db_column_int64 (stmt, 24);
  app->service_seconds = pz_db_column_int64 (stmt, 25);
  app->service_due_at = pz_db_column_int64 (stmt, 26);
  app->tracking_code = column_text (stmt, 27);
  app->office_id = pz_db_column_int64 (stmt, 28);
  return app;
}

static void
bind_application (PzDbStmt      *stmt,
                  PzApplication *app)
{
  bind_text (stmt, 1, app->registration_number);
  bind_text (stmt, 2, app->permit_type);
  bind_text (stmt, 3, app->request_type);
  bind_text (stmt, 4, app->applicant_name);
  bind_text (stmt, 5, app->applicant_nik);
  bind_text (stmt, 6, app->applicant_address);
  bind_text (stmt, 7, app->applicant_phone);
  bind_text (stmt, 8, app->applicant_email);
  bind_text (stmt, 9, app->data ? app->data : "{}");
  bind_text (stmt, 10, app->survey);
  bind_text (stmt, 11, app->received_by);
  bind_text (stmt, 12, app->step);
  bind_text (stmt, 13, app->status);
  pz_db_bind_int64 (stmt, 14, app->version);
  pz_db_bind_int64 (stmt, 15, app->step_entered_at);
  if (app->due_at)
    pz_db_bind_int64 (stmt, 16, app->due_at);
  else
    pz_db_bind_null (stmt, 16);
  bind_text (stmt, 17, app->permit_number);
  bind_text (stmt, 18, app->verify_token);
  pz_db_bind_int64 (stmt, 19, app->created_at);
  pz_db_bind_int64 (stmt, 20, app->updated_at);
  pz_db_bind_int64 (stmt, 21, app->created_by);
  pz_db_bind_int64 (stmt, 22, app->updated_by);
  pz_db_bind_int64 (stmt, 23, app->permit_type_version > 0 ? app->permit_type_version : 1);
  bind_time (stmt, 24, app->service_started_at);
  pz_db_bind_int64 (stmt, 25, app->service_seconds);
  bind_time (stmt, 26, app->service_due_at);
  bind_text (stmt, 27, app->tracking_code);
  pz_db_bind_int64 (stmt, 28, app->office_id > 0 ? app->office_id : 1);
}

gboolean
pz_store_insert_application (PzStore       *self,
                             PzApplication *app,
                             GError       **error)
{
  PzDbStmt *stmt = prepare (self,
                            "INSERT INTO applications (registration_number, permit_type,"
                            "  request_type, applicant_name, applicant_nik, applicant_address,"
                            "  applicant_phone, applicant_email, data, survey, received_by, step,"
                            "  status, version, step_entered_at, due_at, permit_number,"
                            "  verify_token, created_at, updated_at, created_by, updated_by,"
                            "  permit_type_version, service_started_at, service_seconds, service_due_at,"
                            "  tracking_code, office_id) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                            "  ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", error);
  if (stmt == NULL)
    return FALSE;
  bind_application (stmt, app);
  return step_returning (self, stmt, &app->id, error);
}

/**
 * pz_store_get_application:
 * @self: a store
 * @office_id: the office asking
 * @id: the application id
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the application; %NULL without an
 *   error if @office_id has none with @id (another office's is none)
 */
PzApplication *
pz_store_get_application (PzStore *self,
                          gint64   office_id,
                          gint64   id,
                          GError **error)
{
  PzDbStmt *stmt = prepare (self, "SELECT " APP_COLUMNS " FROM applications WHERE id = ? AND office_id = ?",
                            error);
  PzApplication *app = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  pz_db_bind_int64 (stmt, 1, id);
  pz_db_bind_int64 (stmt, 2, office_id);
  rc = db_step (self, stmt);
  if (rc == PZ_DB_STEP_ROW)
    app = read_application (stmt);
  else if (rc != PZ_DB_STEP_DONE)
    sql_error (self, error);
  pz_db_reset (stmt);
  return app;
}

/**
 * pz_store_update_application:
 * @self: a store
 * @app: the new state; its version must already be the next one
 * @expected_version: the version the change was based on
 * @error: return location for an error
 *
 * Returns: %FALSE with %PZ_STORE_ERROR_STALE if the stored version is
 *   no longer @expected_version
 */
gboolean
pz_store_update_application (PzStore       *self,
                             PzApplication *app,
                             gint64         expected_version,
                             GError       **error)
{
  /* Only what a step can change: naming the applicant's columns here would
   * rewrite their indexes on every action. */
  PzDbStmt *stmt = prepare (self,
                            "UPDATE applications SET data = ?, survey = ?, received_by = ?,"
                            "  step = ?, status = ?, version = ?, step_entered_at = ?, due_at = ?,"
                            "  permit_number = ?, verify_token = ?, updated_at = ?, updated_by = ?,"
                            "  service_started_at = ?, service_seconds = ?, service_due_at = ? "
                            "WHERE id = ? AND version = ?", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, app->data ? app->data : "{}");
  bind_text (stmt, 2, app->survey);
  bind_text (stmt, 3, app->received_by);
  bind_text (stmt, 4, app->step);
  bind_text (stmt, 5, app->status);
  pz_db_bind_int64 (stmt, 6, app->version);
  pz_db_bind_int64 (stmt, 7, app->step_entered_at);
  if (app->due_at)
    pz_db_bind_int64 (stmt, 8, app->due_at);
  else
    pz_db_bind_null (stmt, 8);
  bind_text (stmt, 9, app->permit_number);
  bind_text (stmt, 10, app->verify_token);
  pz_db_bind_int64 (stmt, 11, app->updated_at);
  pz_db_bind_int64 (stmt, 12, app->updated_by);
  bind_time (stmt, 13, app->service_started_at);
  pz_db_bind_int64 (stmt, 14, app->service_seconds);
  bind_time (stmt, 15, app->service_due_at);
  pz_db_bind_int64 (stmt, 16, app->id);
  pz_db_bind_int64 (stmt, 17, expected_version);
  if (!step_done (self, stmt, error))
    return FALSE;
  if (pz_db_changes (self->db) != 1)
    {
      g_set_error (error, PZ_STORE_ERROR, PZ_STORE_ERROR_STALE,
                   _("The file was changed meanwhile"));
      return FALSE;
    }
  return TRUE;
}

static GPtrArray *
collect_applications (PzStore  *self,
                      PzDbStmt *stmt,
                      GError  **error)
{
  GPtrArray *apps = g_ptr_array_new_with_free_func ((GDestroyNotify) pz_application_free);
  int rc;

  while ((rc = db_step (self, stmt)) == PZ_DB_STEP_ROW)
    g_ptr_array_add (apps, read_application (stmt));
  pz_db_reset (stmt);
  if (rc != PZ_DB_STEP_DONE)
    {
      sql_error (self, error);
      g_ptr_array_unref (apps);
      return NULL;
    }
  return apps;
}

/* What a list shows of a file (pz_engine_write_summary()), and what orders
 * the inbox: fewer columns to read and copy than APP_COLUMNS. */
#define SUMMARY_COLUMNS \
  "id, registration_number, permit_type, request_type, applicant_name, step, status, version," \
  " step_entered_at, due_at, permit_number, created_at, updated_at, permit_type_version"

static PzApplication *
read_summary (PzDbStmt *stmt)
{
  PzApplication *app = g_new0 (PzApplication, 1);

  app->id = pz_db_column_int64 (stmt, 0);
  app->registration_number = column_text (stmt, 1);
  app->permit_type = column_text (stmt, 2);
  app->request_type = column_text (stmt, 3);
  app->applicant_name = column_text (stmt, 4);
  app->step = column_text (stmt, 5);
  app->status = column_text (stmt, 6);
  app->version = pz_db_column_int64 (stmt, 7);
  app->step_entered_at = pz_db_column_int64 (stmt, 8);
  app->due_at = pz_db_column_int64 (stmt, 9);
  app->permit_number = column_text (stmt, 10);
  app->created_at = pz_db_column_int64 (stmt, 11);
  app->updated_at = pz_db_column_int64 (stmt, 12);
  app->permit_type_version = pz_db_column_int64 (stmt, 13);
  return app;
}

static GPtrArray *
collect_summaries (PzStore   *self,
                   PzDbStmt  *stmt,
                   GPtrArray *apps,
                   GError   **error)
{
  int rc;

  while ((rc = db_step (self, stmt)) == PZ_DB_STEP_ROW)
    g_ptr_array_add (apps, read_summary (stmt));
  pz_db_reset (stmt);
  if (rc != PZ_DB_STEP_DONE)
    {
      sql_error (self, error);
      return NULL;
    }
  return apps;
}

/**
 * pz_store_inbox_step:
 * @self: a store
 * @step: a step id
 * @limit: the most files to return
 * @error: return location for an error
 *
 * Each file holds what pz_engine_write_summary() shows of it (its
 * identity, step, status, version, times, permit number and applicant's
 * name); the rest of its members are empty.
 *
 * Returns: (transfer container) (element-type PzApplication): the files at
 *   @step, the earliest due first, those without a due time last
 */
GPtrArray *
pz_store_inbox_step (PzStore    *self,
                     gint64      office_id,
                     const char *step,
                     guint       limit,
                     GError    **error)
{
  g_autoptr(GPtrArray) apps = g_ptr_array_new_with_free_func ((GDestroyNotify) pz_application_free);
  PzDbStmt *stmt;

  stmt = prepare (self,
                  "SELECT " SUMMARY_COLUMNS " FROM applications "
                  "WHERE office_id = ? AND step = ? AND due_at IS NOT NULL ORDER BY due_at, id LIMIT ?", error);
  if (stmt == NULL)
    return NULL;
  pz_db_bind_int64 (stmt, 1, office_id);
  bind_text (stmt, 2, step);
  pz_db_bind_int64 (stmt, 3, (int) limit);
  if (!collect_summaries (self, stmt, apps, error))
    return NULL;

  if (apps->len < limit)
    {
      stmt = prepare (self,
                      "SELECT " SUMMARY_COLUMNS " FROM applications "
                      "WHERE office_id = ? AND step = ? AND due_at IS NULL ORDER BY step_entered_at, id LIMIT ?",
                      error);
      if (stmt == NULL)
        return NULL;
      pz_db_bind_int64 (stmt, 1, office_id);
      bind_text (stmt, 2, step);
      pz_db_bind_int64 (stmt, 3, (int) (limit - apps->len));
      if (!collect_summaries (self, stmt, apps, error))
        return NULL;
    }
  return g_steal_pointer (&apps);
}

/* The overdue files of a step: the hours wholly before @overdue_before from
 * the kept totals, and the files due in its hour before it from the index. */
#define OVERDUE_SQL(office, step) \
  "(SELECT coalesce(sum(d.files), 0) FROM step_due_counts d WHERE d.office_id = " office \
  "   AND d.step = " step " AND d.hour < ?1 / 3600)" \
  " + (SELECT count(*) FROM applications a WHERE a.office_id = " office " AND a.step = " step \
  "    AND a.due_at >= (?1 / 3600) * 3600 AND a.due_at < ?1)"

/**
 * pz_store_next_due:
 * @next: (out): the earliest due time at @step from @from on;
 *   %G_MAXINT64 if there is none
 *
 * Until then no file at @step becomes overdue.
 */
gboolean
pz_store_next_due (PzStore    *self,
                   gint64      office_id,
                   const char *step,
                   gint64      from,
                   gint64     *next,
                   GError    **error)
{
  PzDbStmt *stmt = prepare (self, "SELECT min(due_at) FROM applications "
                            "WHERE office_id = ? AND step = ? AND due_at >= ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  pz_db_bind_int64 (stmt, 1, office_id);
  bind_text (stmt, 2, step);
  pz_db_bind_int64 (stmt, 3, from);
  rc = db_step (self, stmt);
  if (rc == PZ_DB_STEP_ROW)
    *next = pz_db_column_is_null (stmt, 0) ? G_MAXINT64 : pz_db_column_int64 (stmt, 0);
  pz_db_reset (stmt);
  if (rc != PZ_DB_STEP_ROW)
    return sql_error (self, error);
  return TRUE;
}

/**
 * pz_store_count_step:
 * @overdue_before: files due before this time count as overdue
 * @count: (out): the files at @step
 * @overdue: (out): those of them due before @overdue_before
 *
 * Reads the totals every change keeps, so that the cost does not grow with
 * the number of files.
 */
gboolean
pz_store_count_step (PzStore    *self,
                     gint64      office_id,
                     const char *step,
                     gint64      overdue_before,
                     gint64     *count,
                     gint64     *overdue,
                     GError    **error)
{
  PzDbStmt *stmt = prepare (self,
                            "SELECT coalesce((SELECT sum(files) FROM step_counts WHERE office_id = ?3 AND step = ?2), 0), "
                            OVERDUE_SQL ("?3", "?2"), error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  pz_db_bind_int64 (stmt, 1, overdue_before);
  bind_text (stmt, 2, step);
  pz_db_bind_int64 (stmt, 3, office_id);
  rc = db_step (self, stmt);
  if (rc == PZ_DB_STEP_ROW)
    {
      *count = pz_db_column_int64 (stmt, 0);
      *overdue = pz_db_column_int64 (stmt, 1);
    }
  pz_db_reset (stmt);
  if (rc != PZ_DB_STEP_ROW)
    return sql_error (self, error);
  return TRUE;
}

/**
 * pz_store_count_by_step:
 * @office_id: whose files, or 0 for those of every office
 * @overdue_before: files due before this time count as overdue
 *
 * Returns: (transfer full): step id -> gint64[2] {files, overdue}, for the
 *   steps that hold files
 */
GHashTable *
pz_store_count_by_step (PzStore *self,
                        gint64   office_id,
                        gint64   overdue_before,
                        GError **error)
{
  PzDbStmt *stmt = prepare (self,
                            "SELECT c.step, sum(c.files), sum(" OVERDUE_SQL ("c.office_id", "c.step") ")"
                            " FROM (SELECT office_id, step, sum(files) AS files FROM step_counts"
                            "       WHERE ?2 = 0 OR office_id = ?2 GROUP BY office_id, step HAVING sum(files) > 0) c"
                            " GROUP BY c.step", error);
  g_autoptr(GHashTable) counts = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  pz_db_bind_int64 (stmt, 1, overdue_before);
  pz_db_bind_int64 (stmt, 2, office_id);
  while ((rc = db_step (self, stmt)) == PZ_DB_STEP_ROW)
    {
      gint64 *pair = g_new (gint64, 2);

      pair[0] = pz_db_column_int64 (stmt, 1);
      pair[1] = pz_db_column_int64 (stmt, 2);
      g_hash_table_insert (counts, column_text (stmt, 0), pair);
    }
  pz_db_reset (stmt);
  if (rc != PZ_DB_STEP_DONE)
    {
      sql_error (self, error);
      return NULL;
    }
  return g_steal_pointer (&counts);
}

/**
 * pz_store_search:
 * @self: a store
 * @search: what to look for
 * @error: return location for an error
 *
 * @search->q matches a registration or permit number, a NIK, or a part of
 * the applicant's name. The newest files come first.
 *
 * Returns: (transfer container) (element-type PzApplication): the files found
 */
GPtrArray *
pz_store_search (PzStore        *self,
                 const PzSearch *search,
                 GError        **error)
{
  PzDbStmt *stmt;
  g_autofree char *like = NULL;

  /* SQLite's LIKE ignores the case of ASCII letters, as PostgreSQL's
   * ILIKE does (that form untested) */
  stmt = prepare (self, pz_db_kind (self->db) == PZ_DB_SQLITE
                  ? "SELECT " APP_COLUMNS " FROM applications "
                  "WHERE (?1 IS NULL OR registration_number = ?1 OR applicant_nik = ?1"
                  "       OR permit_number = ?1 OR applicant_name LIKE ?2 ESCAPE '\\')"
                  "  AND office_id = ?8"
                  "  AND (?3 IS NULL OR step = ?3)"
                  "  AND (?4 IS NULL OR status = ?4)"
                  "  AND (?5 IS NULL OR permit_type = ?5)"
                  "  AND (?6 = 0 OR id < ?6) "
                  "ORDER BY id DESC LIMIT ?7"
                  : "SELECT " APP_COLUMNS " FROM applications "
                  "WHERE (?1 IS NULL OR registration_number = ?1 OR applicant_nik = ?1"
                  "       OR permit_number = ?1 OR applicant_name ILIKE ?2 ESCAPE '\\')"
                  "  AND office_id = ?8"
                  "  AND (?3 IS NULL OR step = ?3)"
                  "  AND (?4 IS NULL OR status = ?4)"
                  "  AND (?5 IS NULL OR permit_type = ?5)"
                  "  AND (?6 = 0 OR id < ?6) "
                  "ORDER BY id DESC LIMIT ?7", error);
  if (stmt == NULL)
    return NULL;

  if (search->q && *search->q)
    {
      GString *s = g_string_new ("%");

      for (const char *p = search->q; *p; p++)
        {
          if (*p == '%' || *p == '_' || *p == '\\')
            g_string_append_c (s, '\\');
          g_string_append_c (s, *p);
        }
      g_string_append_c (s, '%');
      like = g_string_free (s, FALSE);
      bind_text (stmt, 1, search->q);
      bind_text (stmt, 2, like);
    }
  bind_text (stmt, 3, search->step);
  bind_text (stmt, 4, search->status);
  bind_text (stmt, 5, search->permit_type);
  pz_db_bind_int64 (stmt, 6, search->before_id);
  pz_db_bind_int64 (stmt, 7, (int) search->limit);
  pz_db_bind_int64 (stmt, 8, search->office_id);
  return collect_applications (self, stmt, error);
}

/* Events */

void
pz_event_free (PzEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->username);
  g_free (event->full_name);
  g_free (event->role);
  g_free (event->acting);
  g_free (event->action);
  g_free (event->from_step);
  g_free (event->to_step);
  g_free (event->note);
  g_free (event->data);
  g_free (event);
}

gint64
pz_store_insert_event (PzStore *self,
                       PzEvent *event,
                       GError **error)
{
  PzDbStmt *stmt = prepare (self,
                            "INSERT INTO events (application_id, at, user_id, role, action,"
                            "  from_step, to_step, note, office_seconds, data, acting, also_admin) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", error);
  if (stmt == NULL)
    return 0;
  pz_db_bind_int64 (stmt, 1, event->application_id);
  pz_db_bind_int64 (stmt, 2, event->at);
  pz_db_bind_int64 (stmt, 3, event->user_id);
  bind_text (stmt, 4, event->role);
  bind_text (stmt, 5, event->action);
  bind_text (stmt, 6, event->from_step);
  bind_text (stmt, 7, event->to_step);
  bind_text (stmt, 8, event->note);
  pz_db_bind_int64 (stmt, 9, event->office_seconds);
  bind_text (stmt, 10, event->data);
  bind_text (stmt, 11, event->acting);
  pz_db_bind_int64 (stmt, 12, event->also_admin ? 1 : 0);
  if (!step_returning (self, stmt, &event->id, error))
    return 0;
  return event->id;
}

#define EVENT_QUERY \
  "SELECT e.id, e.application_id, e.at, e.user_id, u.username, u.full_name, e.role, e.action," \
  "  e.from_step, e.to_step, e.note, e.office_seconds, e.data, e.acting, e.also_admin " \
  "FROM events e JOIN users u ON u.id = e.user_id WHERE e.application_id = ? "

static PzEvent *
read_event (PzDbStmt *stmt)
{
  PzEvent *e = g_new0 (PzEvent, 1);

  e->id = pz_db_column_int64 (stmt, 0);
  e->application_id = pz_db_column_int64 (stmt, 1);
  e->at = pz_db_column_int64 (stmt, 2);
  e->user_id = pz_db_column_int64 (stmt, 3);
  e->username = column_text (stmt, 4);
  e->full_name = column_text (stmt, 5);
  e->role = column_text (stmt, 6);
  e->action = column_text (stmt, 7);
  e->from_step = column_text (stmt, 8);
  e->to_step = column_text (stmt, 9);
  e->note = column_text (stmt, 10);
  e->office_seconds = pz_db_column_int64 (stmt, 11);
  e->data = column_text (stmt, 12);
  e->acting = column_text (stmt, 13);
  e->also_admin = pz_db_column_int64 (stmt, 14) != 0;
  return e;
}

/* The events of a file, bound, ready to run (with others, or by its
 * first step). */
PzDbStmt *
prepare_events_of (PzStore *self,
                   gint64   application_id,
                   GError **error)
{
  PzDbStmt *stmt = prepare (self, EVENT_QUERY "ORDER BY e.id", error);

  if (stmt)
    pz_db_bind_int64 (stmt, 1, application_id);
  return stmt;
}

/* The rows of prepare_events_of()'s statement; %NULL if it fails */
GPtrArray *
events_from (PzStore  *self,
             PzDbStmt *stmt,
             GError  **error)
{
  GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify) pz_event_free);
  int rc;

  while ((rc = db_step (self, stmt)) == PZ_DB_STEP_ROW)
    g_ptr_array_add (events, read_event (stmt));
  pz_db_reset (stmt);
  if (rc != PZ_DB_STEP_DONE)
    {
      sql_error (self, error);
      g_ptr_array_unref (events);
      return NULL;
    }
  return events;
}

GPtrArray *
pz_store_list_events (PzStore *self,
                      gint64   application_id,
                      GError **error)
{
  PzDbStmt *stmt = prepare_events_of (self, application_id, error);

  return stmt ? events_from (self, stmt, error) : NULL;
}

PzEvent *
pz_store_last_event (PzStore *self,
                     gint64   application_id)
{
  PzDbStmt *stmt = prepare (self, EVENT_QUERY "ORDER BY e.id DESC LIMIT 1", NULL);
  PzEvent *event = NULL;

  if (stmt == NULL)
    return NULL;
  pz_db_bind_int64 (stmt, 1, application_id);
  if (db_step (self, stmt) == PZ_DB_STEP_ROW)
    event = read_event (stmt);
  pz_db_reset (stmt);
  return event;
}

/**
 * pz_store_get_application_with_last_event:
 * @self: a store
 * @office_id: the office it must belong to
 * @id: the file
 * @last: (out) (transfer full) (nullable): its last event, if it is found
 *   and has one
 * @error: a database error
 *
 * The file and its last event read together, as an action needs both: on
 * PostgreSQL in one round trip.
 *
 * Returns: (transfer full) (nullable): the file, %NULL if it is not there
 *   (then @error is set only if the database failed)
 */
PzApplication *
pz_store_get_application_with_last_event (PzStore  *self,
                                          gint64    office_id,
                                          gint64    id,
                                          PzEvent **last,
                                          GError  **error)
{
  PzDbStmt *stmts[2];
  PzApplication *app = NULL;
  int rc;

  *last = NULL;
  /* both prepared first: preparing one again resets it */
  if (!(stmts[0] = prepare (self, "SELECT " APP_COLUMNS " FROM applications WHERE id = ? AND office_id = ?",
                            error)) ||
      !(stmts[1] = prepare (self, EVENT_QUERY "ORDER BY e.id DESC LIMIT 1", error)))
    return NULL;
  pz_db_bind_int64 (stmts[0], 1, id);
  pz_db_bind_int64 (stmts[0], 2, office_id);
  pz_db_bind_int64 (stmts[1], 1, id);
  /* if they fail together, each runs again alone and fails as it would */
  pz_db_run_together (self->db, stmts, G_N_ELEMENTS (stmts), NULL);
  rc = db_step (self, stmts[0]);
  if (rc == PZ_DB_STEP_ROW)
    app = read_application (stmts[0]);
  else if (rc != PZ_DB_STEP_DONE)
    sql_error (self, error);
  pz_db_reset (stmts[0]);
  /* the events of a file of another office are not read */
  if (app && db_step (self, stmts[1]) == PZ_DB_STEP_ROW)
    *last = read_event (stmts[1]);
  pz_db_reset (stmts[1]);
  return app;
}

gboolean
pz_store_count_user_events (PzStore *self,
                            gint64   user_id,
                            gint64   since,
                            gint64  *count,
                            GError **error)
{
  PzDbStmt *stmt = prepare (self, "SELECT count(*) FROM events WHERE user_id = ? AND at >= ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  pz_db_bind_int64 (stmt, 1, user_id);
  pz_db_bind_int64 (stmt, 2, since);
  rc = db_step (self, stmt);
  if (rc == PZ_DB_STEP_ROW)
    *count = pz_db_column_int64 (stmt, 0);
  pz_db_reset (stmt);
  if (rc != PZ_DB_STEP_ROW)
    return sql_error (self, error);
  return TRUE;
}

/* Clocks */

void
pz_clock_row_free (PzClockRow *row)
{
  g_free (row->permit_type);
  g_free (row->step);
  g_free (row->registration_number);
  g_free (row->reason);
  g_free (row);
}

/**
 * pz_store_list_open_clocks:
 *
 * Returns: (transfer full) (element-type PzClockRow): the clocks of every
 *   file still open (in progress or waiting for the applicant)
 */
GPtrArray *
pz_store_list_open_clocks (PzStore *self,
                           gint64   office_id,
                           GError **error)
{
  PzDbStmt *stmt = prepare (self,
                            "SELECT id, permit_type, permit_type_version, step, step_entered_at, "
                            "  service_started_at, service_seconds, due_at, service_due_at "
                            "FROM applications WHERE status IN ('in_progress', 'waiting_applicant') AND office_id = ?",
                            error);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) pz_clock_row_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  pz_db_bind_int64 (stmt, 1, office_id);
  while ((rc = db_step (self, stmt)) == PZ_DB_STEP_ROW)
    {
      PzClockRow *row = g_new0 (PzClockRow, 1);

      row->id = pz_db_column_int64 (stmt, 0);
      row->permit_type = column_text (stmt, 1);
      row->permit_type_version = pz_db_column_int64 (stmt, 2);
      row->step = column_text (stmt, 3);
      row->step_entered_at = pz_db_column_int64 (stmt, 4);
      row->service_started_at = pz_db_column_int64 (stmt, 5);
      row->service_seconds = pz_db_column_int64 (stmt, 6);
      row->due_at = pz_db_column_int64 (stmt, 7);
      row->service_due_at = pz_db_column_int64 (stmt, 8);
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

/* Puts a file's clocks on another calendar; its version stays. */
gboolean
pz_store_set_due_times (PzStore *self,
                        gint64   id,
                        gint64   due_at,
                        gint64   service_due_at,
                        GError **error)
{
  PzDbStmt *stmt = prepare (self, "UPDATE applications SET due_at = ?, service_due_at = ? WHERE id = ?", error);

  if (stmt == NULL)
    return FALSE;
  bind_time (stmt, 1, due_at);
  bind_time (stmt, 2, service_due_at);
  pz_db_bind_int64 (stmt, 3, id);
  return step_done (self, stmt, error);
}

/**
 * pz_store_list_new_escalations:
 * @now: files due before it are late at their step
 * @soon: files whose service standard ends by then are near the deadline
 *
 * Returns: (transfer full) (element-type PzClockRow): the late files not
 *   told yet, each with its `reason` ("step" or "deadline"), by file
 */
GPtrArray *
pz_store_list_new_escalations (PzStore *self,
                               gint64   office_id,
                               gint64   now,
                               gint64   soon,
                               GError **error)
{
  PzDbStmt *stmt = prepare (self,
                            "SELECT a.id, a.step, 'step', a.registration_number, a.permit_type, a.permit_type_version, a.office_id "
                            "FROM applications a WHERE a.due_at < ?1 AND a.status = 'in_progress' AND a.office_id = ?3 "
                            "  AND NOT EXISTS (SELECT 1 FROM escalations e WHERE e.application_id = a.id "
                            "                  AND e.step = a.step AND e.reason = 'step') "
                            "UNION ALL "
                            "SELECT a.id, a.step, 'deadline', a.registration_number, a.permit_type, a.permit_type_version, a.office_id "
                            "FROM applications a WHERE a.service_due_at <= ?2 AND a.status = 'in_progress' AND a.office_id = ?3 "
                            "  AND NOT EXISTS (SELECT 1 FROM escalations e WHERE e.application_id = a.id "
                            "                  AND e.step = '' AND e.reason = 'deadline') "
                            "ORDER BY 1", error);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) pz_clock_row_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  pz_db_bind_int64 (stmt, 1, now);
  pz_db_bind_int64 (stmt, 2, soon);
  pz_db_bind_int64 (stmt, 3, office_id);
  while ((rc = db_step (self, stmt)) == PZ_DB_STEP_ROW)
    {
      PzClockRow *row = g_new0 (PzClockRow, 1);

      row->id = pz_db_column_int64 (stmt, 0);
      row->step = column_text (stmt, 1);
      row->reason = column_text (stmt, 2);
      row->registration_number = column_text (stmt, 3);
      row->permit_type = column_text (stmt, 4);
      row->permit_type_version = pz_db_column_int64 (stmt, 5);
      row->office_id = pz_db_column_int64 (stmt, 6);
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

/* Notes that a file's lateness was told (at a step, or "" for the
 * deadline), so it is told once. */
gboolean
pz_store_note_escalation (PzStore    *self,
                          gint64      id,
                          const char *step,
                          const char *reason,
                          gint64      at,
                          GError    **error)
{
  PzDbStmt *stmt = prepare (self,
                            "INSERT INTO escalations (application_id, step, reason, at) VALUES (?, ?, ?, ?)"
                            " ON CONFLICT DO NOTHING",
                            error);

  if (stmt == NULL)
    return FALSE;
  pz_db_bind_int64 (stmt, 1, id);
  bind_text (stmt, 2, step);
  bind_text (stmt, 3, reason);
  pz_db_bind_int64 (stmt, 4, at);
  return step_done (self, stmt, error);
}

/**
 * pz_store_list_late_ids:
 *
 * Returns: (transfer full) (element-type gint64): the open files due
 *   before @now or whose service standard ends by @soon, most late first
 */
GArray *
pz_store_list_late_ids (PzStore *self,
                        gint64   office_id,
                        gint64   now,
                        gint64   soon,
                        GError **error)
{
  /* the smaller of two: min() in SQLite, least() in PostgreSQL (untested) */
  PzDbStmt *stmt = prepare (self, pz_db_kind (self->db) == PZ_DB_SQLITE
                            ? "SELECT id FROM applications WHERE status = 'in_progress' AND office_id = ?3"
                            "  AND (due_at < ?1 OR service_due_at <= ?2) "
                            "ORDER BY min(coalesce(due_at, ?2), coalesce(service_due_at, ?2)), id"
                            : "SELECT id FROM applications WHERE status = 'in_progress' AND office_id = ?3"
                            "  AND (due_at < ?1 OR service_due_at <= ?2) "
                            "ORDER BY least(coalesce(due_at, ?2), coalesce(service_due_at, ?2)), id", error);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  if (stmt == NULL)
    return NULL;
  pz_db_bind_int64 (stmt, 1, now);
  pz_db_bind_int64 (stmt, 2, soon);
  pz_db_bind_int64 (stmt, 3, office_id);
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
