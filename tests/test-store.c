/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The store on its own, beside the HTTP suites: records go in and come
 * out as they went in, a rolled-back transaction leaves nothing, sessions
 * end by the clock, the clocks' queries see the files they should, and the
 * totals per step stay true through every kind of change. */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "pz-store.h"

typedef struct {
  char    *dir;
  PzStore *store;
} Fixture;

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("pz-store-XXXXXX", NULL);
  path = g_build_filename (f->dir, "perizinan.db", NULL);
  f->store = pz_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->store);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  pz_store_free (f->store);
  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (f->dir, name, NULL);
      g_unlink (child);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
}

static void
test_users (Fixture      *f,
            gconstpointer data)
{
  static const char * const roles[] = { "kasi", NULL };
  g_autoptr(GError) error = NULL;
  gint64 count = -1;
  gint64 id = pz_store_insert_user (f->store, PZ_STORE_FIRST_OFFICE, "siti", "Siti Aminah, S.H.", "198001012005012001", roles,
                                    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", &error);
  PzUser *user;

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  user = pz_store_find_user (f->store, PZ_STORE_FIRST_OFFICE, "siti");
  g_assert_nonnull (user);
  g_assert_cmpint (user->id, ==, id);
  g_assert_cmpstr (user->full_name, ==, "Siti Aminah, S.H.");
  g_assert_cmpstr (user->nip, ==, "198001012005012001");
  g_assert_cmpstr (user->roles[0], ==, "kasi");
  g_assert_null (user->roles[1]);
  g_assert_true (user->active);
  pz_user_free (user);
  g_assert_null (pz_store_find_user (f->store, PZ_STORE_FIRST_OFFICE, "nobody"));
  /* a second user of that name is refused */
  g_assert_cmpint (pz_store_insert_user (f->store, PZ_STORE_FIRST_OFFICE, "siti", "Siti Lain", NULL, roles, "x", &error), <=, 0);
  g_assert_error (error, PZ_STORE_ERROR, PZ_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  g_assert_true (pz_store_count_users (f->store, &count, &error));
  g_assert_cmpint (count, ==, 1);
}

static void
test_rollback (Fixture      *f,
               gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (pz_store_set_setting (f->store, PZ_STORE_FIRST_OFFICE, "office_name", "DPMPTSP Kabupaten Sukamaju", &error));
  g_assert_true (pz_store_begin (f->store, &error));
  g_assert_true (pz_store_set_setting (f->store, PZ_STORE_FIRST_OFFICE, "office_name", "Kantor Lain", &error));
  g_assert_true (pz_store_put_holiday (f->store, PZ_STORE_FIRST_OFFICE, "2026-12-25", "Hari Raya Natal", "national", &error));
  pz_store_rollback (f->store);
  g_assert_no_error (error);
  {
    g_autofree char *name = pz_store_get_setting (f->store, PZ_STORE_FIRST_OFFICE, "office_name");
    g_autoptr(GPtrArray) holidays = pz_store_list_holidays (f->store, PZ_STORE_FIRST_OFFICE, &error);

    g_assert_cmpstr (name, ==, "DPMPTSP Kabupaten Sukamaju");
    g_assert_no_error (error);
    g_assert_cmpuint (holidays->len, ==, 0);
  }
  g_assert_false (pz_store_in_transaction (f->store));
}

static char *
office_name (Fixture *f)
{
  return pz_store_get_setting (f->store, PZ_STORE_FIRST_OFFICE, "office_name");
}

static void
set_name (Fixture    *f,
          const char *name)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (pz_store_set_setting (f->store, PZ_STORE_FIRST_OFFICE, "office_name", name, &error));
  g_assert_no_error (error);
}

static void
begin_ok (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (pz_store_begin (f->store, &error));
  g_assert_no_error (error);
}

static void
commit_ok (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (pz_store_commit (f->store, &error));
  g_assert_no_error (error);
}

/* Savepoints inside savepoints, some begun with nothing written since the
 * one around them: each rollback goes back to where its own began. */
static void
test_nested_rollback (Fixture      *f,
                      gconstpointer data)
{
  char *name;

  set_name (f, "A");
  begin_ok (f);                /* the transaction */
  set_name (f, "B");
  begin_ok (f);                /* an action */
  begin_ok (f);                /* inside it, with nothing written yet */
  set_name (f, "C");
  pz_store_rollback (f->store);
  name = office_name (f);
  g_assert_cmpstr (name, ==, "B");
  g_free (name);
  /* the action goes on after its inner part failed */
  begin_ok (f);
  set_name (f, "D");
  commit_ok (f);
  name = office_name (f);
  g_assert_cmpstr (name, ==, "D");
  g_free (name);
  begin_ok (f);                /* three deep, written before */
  begin_ok (f);                /* and four and five, nothing written */
  begin_ok (f);
  set_name (f, "E");
  pz_store_rollback (f->store);
  name = office_name (f);
  g_assert_cmpstr (name, ==, "D");
  g_free (name);
  set_name (f, "F");
  commit_ok (f);
  pz_store_rollback (f->store);  /* the third: back to D */
  name = office_name (f);
  g_assert_cmpstr (name, ==, "D");
  g_free (name);
  pz_store_rollback (f->store);  /* the action: back to B */
  name = office_name (f);
  g_assert_cmpstr (name, ==, "B");
  g_free (name);
  /* a second action, with nothing written since the first ended */
  begin_ok (f);
  begin_ok (f);
  set_name (f, "G");
  commit_ok (f);
  commit_ok (f);
  commit_ok (f);
  g_assert_false (pz_store_in_transaction (f->store));
  name = office_name (f);
  g_assert_cmpstr (name, ==, "G");
  g_free (name);

  /* all rolled back from the deepest out, the first savepoint of all
   * begun before anything was written */
  begin_ok (f);
  begin_ok (f);
  begin_ok (f);
  set_name (f, "H");
  pz_store_rollback (f->store);
  pz_store_rollback (f->store);
  set_name (f, "I");
  pz_store_rollback (f->store);
  g_assert_false (pz_store_in_transaction (f->store));
  name = office_name (f);
  g_assert_cmpstr (name, ==, "G");
  g_free (name);
}

static void
test_sessions (Fixture      *f,
               gconstpointer data)
{
  static const char * const roles[] = { "front_office", NULL };
  g_autoptr(GError) error = NULL;
  gint64 id = pz_store_insert_user (f->store, PZ_STORE_FIRST_OFFICE, "budi", "Budi Santoso", NULL, roles, "x", &error);
  gint64 expires = 0;
  PzUser *user;

  g_assert_no_error (error);
  g_assert_true (pz_store_insert_session (f->store, "hash-of-a-token", id, 1000, 1000 + 8 * 3600, &error));
  user = pz_store_session_user (f->store, "hash-of-a-token", 2000, &expires);
  g_assert_nonnull (user);
  g_assert_cmpstr (user->username, ==, "budi");
  g_assert_cmpint (expires, ==, 1000 + 8 * 3600);
  pz_user_free (user);
  /* past its end, or idle too long, a session is over */
  g_assert_null (pz_store_session_user (f->store, "hash-of-a-token", 1000 + 8 * 3600, NULL));
  g_assert_true (pz_store_touch_session (f->store, "hash-of-a-token", 2000, 3600));
  g_assert_false (pz_store_session_live (f->store, "hash-of-a-token", 2000 + 3600, 3600));
  g_assert_null (pz_store_session_user (f->store, "an unknown hash", 2000, NULL));
}

static void
test_clocks_empty (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) clocks = pz_store_list_open_clocks (f->store, PZ_STORE_FIRST_OFFICE, &error);
  g_autoptr(GPtrArray) late = pz_store_list_new_escalations (f->store, PZ_STORE_FIRST_OFFICE, 2000, 3000, &error);
  g_autoptr(GArray) ids = pz_store_list_late_ids (f->store, 1, 2000, 3000, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (clocks->len, ==, 0);
  g_assert_cmpuint (late->len, ==, 0);
  g_assert_cmpuint (ids->len, ==, 0);
}

static gint64
add_file (Fixture    *f,
          gint64      user,
          const char *number,
          const char *step,
          gint64      due_at)
{
  g_autoptr(GError) error = NULL;
  PzApplication app = { 0 };

  app.registration_number = (char *) number;
  app.permit_type = (char *) "PBG";
  app.request_type = (char *) "new";
  app.applicant_name = (char *) "Ani";
  app.applicant_nik = (char *) "3201011203850001";
  app.applicant_address = (char *) "Jl. Uji";
  app.applicant_phone = (char *) "081200000000";
  app.step = (char *) step;
  app.status = (char *) "in_progress";
  app.version = 1;
  app.step_entered_at = 1000;
  app.due_at = due_at;
  app.created_at = app.updated_at = 1000;
  app.created_by = app.updated_by = user;
  g_assert_true (pz_store_insert_application (f->store, &app, &error));
  g_assert_no_error (error);
  return app.id;
}

static void
move_file (Fixture    *f,
           gint64      id,
           const char *step,
           gint64      due_at)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PzApplication) app = pz_store_get_application (f->store, PZ_STORE_FIRST_OFFICE, id, &error);

  g_assert_nonnull (app);
  g_free (app->step);
  app->step = g_strdup (step);
  app->due_at = due_at;
  app->version++;
  g_assert_true (pz_store_update_application (f->store, app, app->version - 1, &error));
  g_assert_no_error (error);
}

static void
assert_counts (Fixture    *f,
               const char *step,
               gint64      before,
               gint64      files,
               gint64      overdue)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) all = pz_store_count_by_step (f->store, PZ_STORE_FIRST_OFFICE, before, &error);
  gint64 count = -1, late = -1;
  gint64 *pair;

  g_assert_no_error (error);
  g_assert_true (pz_store_count_step (f->store, PZ_STORE_FIRST_OFFICE, step, before, &count, &late, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count, ==, files);
  g_assert_cmpint (late, ==, overdue);
  pair = g_hash_table_lookup (all, step);
  if (files == 0)
    g_assert_null (pair);
  else
    {
      g_assert_nonnull (pair);
      g_assert_cmpint (pair[0], ==, files);
      g_assert_cmpint (pair[1], ==, overdue);
    }
}

static void
test_step_counts (Fixture      *f,
                  gconstpointer data)
{
  static const char * const roles[] = { "front_office", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "perizinan.db", NULL);
  gint64 user = pz_store_insert_user (f->store, PZ_STORE_FIRST_OFFICE, "budi", "Budi Santoso", NULL, roles, "x", &error);
  gint64 a, b, c;
  sqlite3 *db;

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO permit_types (code, name, workflow, request_types, survey, signing,"
                                 "  number_format, validity_months, service_days) "
                                 "VALUES ('PBG', 'PBG', 'standard', 'new', 0, 'wet', '{seq}', 0, 10)",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  assert_counts (f, "verification", 15000, 0, 0);
  a = add_file (f, user, "R-1", "verification", 10000);
  b = add_file (f, user, "R-2", "verification", 20000);
  c = add_file (f, user, "R-3", "verification", 0);
  add_file (f, user, "R-4", "approval", 5000);
  add_file (f, user, "R-5", "approval", 7300);
  assert_counts (f, "verification", 15000, 3, 1);
  assert_counts (f, "verification", 20001, 3, 2);
  assert_counts (f, "verification", 0, 3, 0);
  /* within the hour of 7300: due before the time, not at it */
  assert_counts (f, "approval", 7300, 2, 1);
  assert_counts (f, "approval", 7301, 2, 2);
  assert_counts (f, "approval", 3600, 2, 0);

  /* a file moves on, with a new due time */
  move_file (f, a, "approval", 3000);
  assert_counts (f, "verification", 15000, 2, 0);
  assert_counts (f, "approval", 7301, 3, 3);
  assert_counts (f, "approval", 3001, 3, 1);
  /* due times move (a day off), the step stays */
  g_assert_true (pz_store_set_due_times (f->store, b, 1000, 0, &error));
  g_assert_no_error (error);
  assert_counts (f, "verification", 15000, 2, 1);
  /* a file without a due time gets one, then the step ends */
  move_file (f, c, "verification", 2000);
  assert_counts (f, "verification", 2001, 2, 2);
  move_file (f, c, "issued", 0);
  assert_counts (f, "verification", 2001, 1, 1);
  assert_counts (f, "issued", 2001, 1, 0);

  /* what is rolled back is not counted */
  g_assert_true (pz_store_begin (f->store, &error));
  add_file (f, user, "R-6", "verification", 100);
  move_file (f, b, "approval", 100);
  assert_counts (f, "verification", 2001, 1, 1);
  assert_counts (f, "approval", 7301, 4, 4);
  pz_store_rollback (f->store);
  assert_counts (f, "verification", 2001, 1, 1);
  assert_counts (f, "approval", 7301, 3, 3);

  /* the last file leaves its step */
  move_file (f, b, "approval", 9000);
  assert_counts (f, "verification", 2001, 0, 0);
  assert_counts (f, "approval", 7301, 4, 3);
  assert_counts (f, "approval", 9001, 4, 4);
}

/* The report's reads on an empty office, through a snapshot of the file */
static void
test_report_empty (Fixture      *f,
                   gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "perizinan.db", NULL);
  g_autoptr(GError) error = NULL;
  PzStore *snapshot = pz_store_open_snapshot (path, &error);
  g_autoptr(GPtrArray) volume = NULL;
  g_autoptr(GPtrArray) stays = NULL;
  g_autoptr(GPtrArray) decided = NULL;
  g_autoptr(GPtrArray) waiting = NULL;
  PzSatisfactionSummary summary;

  g_assert_no_error (error);
  g_assert_nonnull (snapshot);
  volume = pz_store_report_volume (snapshot, 0, 0, 2000000000, 25200, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (volume->len, ==, 0);
  stays = pz_store_report_stays (snapshot, 0, 0, 2000000000, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stays->len, ==, 0);
  decided = pz_store_report_decided (snapshot, 0, 0, 2000000000, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (decided->len, ==, 0);
  waiting = pz_store_report_waiting (snapshot, 0, 1767225600, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (waiting->len, ==, 0);
  g_assert_true (pz_store_report_satisfaction (snapshot, 0, 0, 2000000000, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpint (summary.responses, ==, 0);
  g_assert_cmpfloat (summary.mean[0], ==, 0.0);
  g_assert_null (pz_store_get_registration_number (snapshot, 1));
  g_assert_false (pz_store_has_satisfaction (snapshot, 1));
  pz_store_free (snapshot);
}

static gint64
sql_int (Fixture    *f,
         const char *sql)
{
  g_autofree char *path = g_build_filename (f->dir, "perizinan.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

/* The answer to a retry is kept deflated and comes back as it went in; an
 * answer kept as text before that comes back too. */
static void
test_idempotent_packed (Fixture      *f,
                        gconstpointer data)
{
  static const char * const roles[] = { "kasi", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) answer = g_string_new ("{\"items\":[");
  g_autofree char *fingerprint = NULL;
  g_autofree char *body = NULL;
  guint status = 0;
  gint64 user = pz_store_insert_user (f->store, PZ_STORE_FIRST_OFFICE, "siti", "Siti Aminah", NULL, roles, "x", &error);

  g_assert_no_error (error);
  for (guint i = 0; i < 40; i++)
    g_string_append_printf (answer, "%s{\"id\":%u,\"step\":\"kasi_verification\",\"status\":\"in_process\"}",
                            i ? "," : "", i);
  g_string_append (answer, "]}");
  g_assert_cmpuint (answer->len, ==, 2361);
  g_assert_true (pz_store_insert_idempotent (f->store, user, "key-1", "fp-1", 200, answer->str, 1000, &error));
  g_assert_no_error (error);
  g_assert_true (pz_store_find_idempotent (f->store, user, "key-1", &fingerprint, &status, &body));
  g_assert_cmpstr (fingerprint, ==, "fp-1");
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (body, ==, answer->str);
  /* on disk: no text, and the packed answer under a quarter of it */
  g_assert_cmpint (sql_int (f, "SELECT length(body) FROM idempotency WHERE key = 'key-1'"), ==, 0);
  g_assert_cmpint (sql_int (f, "SELECT length(packed) FROM idempotency WHERE key = 'key-1'"), <, 2361 / 4);

  sql_int (f, "INSERT INTO idempotency (user_id, key, fingerprint, status, body, created_at)"
           " VALUES (1, 'old', 'fp-old', 201, '{\"id\":7}', 900) RETURNING 0");
  g_clear_pointer (&fingerprint, g_free);
  g_clear_pointer (&body, g_free);
  g_assert_true (pz_store_find_idempotent (f->store, user, "old", &fingerprint, &status, &body));
  g_assert_cmpstr (fingerprint, ==, "fp-old");
  g_assert_cmpuint (status, ==, 201);
  g_assert_cmpstr (body, ==, "{\"id\":7}");
  g_assert_false (pz_store_find_idempotent (f->store, user, "none", &fingerprint, &status, &body));
}

typedef struct {
  PzStore *store;
  GMutex   lock;        /* held by the owner until the store is lent */
  gboolean committed;
} Lent;

static gpointer
commit_in_thread (gpointer data)
{
  Lent *lent = data;
  g_autoptr(GError) error = NULL;

  g_mutex_lock (&lent->lock);
  g_mutex_unlock (&lent->lock);
  lent->committed = pz_store_commit_lent (lent->store, &error);
  g_assert_no_error (error);
  return NULL;
}

/* A transaction is committed by another thread; while it is away the
 * store refuses the owner's use, and a reader sees the last commit, then
 * this one. */
static void
test_commit_lent (Fixture      *f,
                  gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "perizinan.db", NULL);
  PzStore *reader = pz_store_open_reader (path, &error);
  g_autofree char *name = NULL;
  Lent lent = { .store = f->store };
  GThread *thread;

  g_assert_no_error (error);
  g_assert_true (pz_store_set_setting (f->store, PZ_STORE_FIRST_OFFICE, "office_name", "Lama", &error));
  g_assert_true (pz_store_begin (f->store, &error));
  g_assert_true (pz_store_set_setting (f->store, PZ_STORE_FIRST_OFFICE, "office_name", "Baru", &error));
  g_assert_no_error (error);

  g_mutex_init (&lent.lock);
  g_mutex_lock (&lent.lock);
  thread = g_thread_new ("committer", commit_in_thread, &lent);
  pz_store_lend (f->store, thread);
  g_test_expect_message ("pz-store", G_LOG_LEVEL_CRITICAL, "*while its commit runs on another thread*");
  g_assert_null (pz_store_get_setting (f->store, PZ_STORE_FIRST_OFFICE, "office_name"));
  g_test_assert_expected_messages ();
  /* the reader sees the last commit meanwhile */
  name = pz_store_get_setting (reader, PZ_STORE_FIRST_OFFICE, "office_name");
  g_assert_cmpstr (name, ==, "Lama");
  g_clear_pointer (&name, g_free);
  g_mutex_unlock (&lent.lock);
  g_thread_join (thread);
  g_mutex_clear (&lent.lock);
  g_assert_true (lent.committed);
  pz_store_give_back (f->store);
  g_assert_false (pz_store_in_transaction (f->store));

  name = pz_store_get_setting (reader, PZ_STORE_FIRST_OFFICE, "office_name");
  g_assert_cmpstr (name, ==, "Baru");
  g_clear_pointer (&name, g_free);
  name = pz_store_get_setting (f->store, PZ_STORE_FIRST_OFFICE, "office_name");
  g_assert_cmpstr (name, ==, "Baru");
  pz_store_free (reader);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/store/users", Fixture, NULL, fixture_set_up, test_users, fixture_tear_down);
  g_test_add ("/store/rollback", Fixture, NULL, fixture_set_up, test_rollback, fixture_tear_down);
  g_test_add ("/store/nested-rollback", Fixture, NULL, fixture_set_up, test_nested_rollback, fixture_tear_down);
  g_test_add ("/store/sessions", Fixture, NULL, fixture_set_up, test_sessions, fixture_tear_down);
  g_test_add ("/store/clocks-empty", Fixture, NULL, fixture_set_up, test_clocks_empty, fixture_tear_down);
  g_test_add ("/store/step-counts", Fixture, NULL, fixture_set_up, test_step_counts, fixture_tear_down);
  g_test_add ("/store/idempotent-packed", Fixture, NULL, fixture_set_up, test_idempotent_packed, fixture_tear_down);
  g_test_add ("/store/commit-lent", Fixture, NULL, fixture_set_up, test_commit_lent, fixture_tear_down);
  g_test_add ("/store/report-empty", Fixture, NULL, fixture_set_up, test_report_empty, fixture_tear_down);
  return g_test_run ();
}
