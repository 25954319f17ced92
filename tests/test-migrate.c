/* SPDX-License-Identifier: GPL-3.0-or-later */
/* perizinan-server migrate: an office's own SQLite data directory into a
 * PostgreSQL deployment that already serves an office, and back out again
 * to a data directory of its own, with every file, document, output,
 * history and number as it was, byte for byte.  And what must not move
 * anything: a code already taken, a damaged stored file. */

#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "pz-db.h"
#include "pz-test-pg.h"
#include "pz-test-server.h"

static char *workdir;

static int
migrate (const char * const *args,
         char              **out)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;

  g_ptr_array_add (argv, (gpointer) g_getenv ("PERIZINAN_SERVER"));
  g_ptr_array_add (argv, (gpointer) "migrate");
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, out, &err, &error);
  g_assert_no_error (error);
  g_test_message ("migrate: %s%s", out && *out ? *out : "", err);
  if (out && *out == NULL)
    *out = g_strdup ("");
  if (!out)
    return g_subprocess_get_exit_status (proc);
  if (g_subprocess_get_exit_status (proc) != 0)
    {
      g_free (*out);
      *out = g_steal_pointer (&err);
    }
  return g_subprocess_get_exit_status (proc);
}

/* What must come through: every file's numbers, codes, step and history. */
#define FILES_SQL \
  "SELECT a.registration_number || '|' || coalesce(a.permit_number, '') || '|' || a.tracking_code" \
  " || '|' || coalesce(a.verify_token, '') || '|' || a.step || '|' || a.status || '|' || a.version" \
  " || '|' || (SELECT count(*) FROM events e WHERE e.application_id = a.id)" \
  " || '|' || (SELECT coalesce(string_agg(e.action, ','), '') FROM (SELECT action FROM events e" \
  "            WHERE e.application_id = a.id ORDER BY e.at, e.id) e)" \
  " || '|' || (SELECT count(*) FROM documents d WHERE d.application_id = a.id)" \
  " || '|' || (SELECT count(*) FROM outputs o WHERE o.application_id = a.id)" \
  " FROM applications a JOIN offices f ON f.id = a.office_id WHERE f.code = '%s'" \
  " ORDER BY a.registration_number"

#define BLOBS_SQL \
  "SELECT sha256 FROM documents d JOIN applications a ON a.id = d.application_id" \
  " JOIN offices f ON f.id = a.office_id WHERE f.code = '%s'" \
  " UNION SELECT sha256 FROM outputs o JOIN applications a ON a.id = o.application_id" \
  " JOIN offices f ON f.id = a.office_id WHERE f.code = '%s' ORDER BY 1"

/* The rows of @sql at @location, one string each. */
static GPtrArray *
rows (const char *location,
      const char *sql)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *all = g_ptr_array_new_with_free_func (g_free);
  PzDb *db = pz_db_open (location, PZ_DB_OPEN_READ_ONLY, &error);
  PzDbStmt *stmt;

  g_assert_no_error (error);
  stmt = pz_db_prepare (db, sql, &error);
  g_assert_no_error (error);
  while (pz_db_step (stmt, &error) == PZ_DB_STEP_ROW)
    g_ptr_array_add (all, g_strdup (pz_db_column_text (stmt, 0)));
  g_assert_no_error (error);
  pz_db_reset (stmt);
  pz_db_close (db);
  return all;
}

static GPtrArray *
office_files (const char *location,
              const char *code)
{
  g_autofree char *sql = g_strdup_printf (FILES_SQL, code);

  /* SQLite has group_concat, PostgreSQL string_agg */
  if (!g_str_has_prefix (location, "postgres"))
    {
      char *at = strstr (sql, "string_agg(e.action, ',')");
      g_autofree char *fixed = NULL;

      g_assert_nonnull (at);
      *at = '\0';
      fixed = g_strconcat (sql, "group_concat(e.action, ',')", at + strlen ("string_agg(e.action, ',')"), NULL);
      g_free (sql);
      sql = g_steal_pointer (&fixed);
    }
  return rows (location, sql);
}

static void
assert_same_rows (GPtrArray *a,
                  GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpstr (g_ptr_array_index (a, i), ==, g_ptr_array_index (b, i));
}

static void
assert_same_blobs (const char *from_location,
                   const char *from_dir,
                   const char *from_code,
                   const char *to_dir)
{
  g_autofree char *sql = g_strdup_printf (BLOBS_SQL, from_code, from_code);
  g_autoptr(GPtrArray) shas = rows (from_location, sql);

  g_assert_cmpuint (shas->len, >, 40);
  for (guint i = 0; i < shas->len; i++)
    {
      const char *sha = g_ptr_array_index (shas, i);
      g_autofree char *prefix = g_strndup (sha, 2);
      g_autofree char *a = g_build_filename (from_dir, "files", prefix, sha, NULL);
      g_autofree char *b = g_build_filename (to_dir, "files", prefix, sha, NULL);
      g_autofree char *x = NULL, *y = NULL;
      gsize nx = 0, ny = 0;

      g_assert_true (g_file_get_contents (a, &x, &nx, NULL));
      g_assert_true (g_file_get_contents (b, &y, &ny, NULL));
      g_assert_cmpmem (x, nx, y, ny);
    }
}

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *child = g_build_filename (dir, name, NULL);

      n += g_file_test (child, G_FILE_TEST_IS_DIR) ? count_files (child) : 1;
    }
  return n;
}

static gint64
id_of (const char *location,
       const char *office,
       const char *registration)
{
  g_autofree char *sql = g_strdup_printf ("SELECT a.id FROM applications a JOIN offices f ON f.id = a.office_id"
                                          " WHERE f.code = '%s' AND a.registration_number = '%s'",
                                          office, registration);
  return pz_test_sql_int (location, sql);
}

/* The permit of the demo's first finished SIP-DOKTER, as the server gives it. */
static GBytes *
permit_of (PzTestServer *ts,
           const char   *user,
           gint64        id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/outputs/permit", id);
  g_autoptr(PzResponse) r = pz_test_request (ts, "GET", path, pz_test_login (ts, user), NULL);

  g_assert_cmpuint (r->status, ==, 200);
  return g_bytes_ref (r->body);
}

static void
test_out_and_back (void)
{
  g_autofree char *alone = g_build_filename (workdir, "alone", NULL);
  g_autofree char *cloud = g_build_filename (workdir, "cloud", NULL);
  g_autofree char *back = g_build_filename (workdir, "back", NULL);
  g_autofree char *conf = g_build_filename (workdir, "cloud.conf", NULL);
  g_autofree char *alone_db = NULL, *cloud_db = NULL, *back_db = NULL, *text = NULL, *out = NULL;
  g_autofree char *permit_reg = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GBytes) permit = NULL;
  PzTestServer *ts;
  gint64 cloud_files, cloud_offices;

  /* an office on its own: the demo on SQLite */
  g_unsetenv ("PZ_TEST_POSTGRESQL");
  ts = pz_test_server_start (alone, TRUE);
  alone_db = pz_test_server_db_location (ts);
  {
    g_autoptr(GPtrArray) permitted = rows (alone_db, "SELECT registration_number FROM applications"
                                           " WHERE permit_number IS NOT NULL ORDER BY 1");
    g_assert_cmpuint (permitted->len, >=, 1);
    permit_reg = g_strdup (g_ptr_array_index (permitted, 0));
  }
  permit = permit_of (ts, "kasi", id_of (alone_db, "utama", permit_reg));
  pz_test_server_stop (ts);
  pz_test_server_free (ts);
  before = office_files (alone_db, "utama");
  g_assert_cmpuint (before->len, ==, 11);

  /* a deployment on PostgreSQL, already serving an office "utama" */
  g_setenv ("PZ_TEST_POSTGRESQL", "1", TRUE);
  ts = pz_test_server_start (cloud, TRUE);
  cloud_db = pz_test_server_db_location (ts);
  pz_test_server_stop (ts);
  pz_test_server_free (ts);
  text = g_strdup_printf ("[server]\ndata_dir=%s\n[store]\nbackend=postgresql\nurl=%s\n", cloud, cloud_db);
  g_assert_true (g_file_set_contents (conf, text, -1, NULL));
  cloud_files = pz_test_sql_int (cloud_db, "SELECT count(*) FROM applications");
  cloud_offices = pz_test_sql_int (cloud_db, "SELECT count(*) FROM offices");
  g_assert_cmpint (cloud_files, ==, 11);

  /* its code is taken there: nothing moves */
  {
    const char *args[] = { alone, conf, NULL };
    g_assert_cmpint (migrate (args, &out), ==, 1);
    g_assert_nonnull (strstr (out, "already has an office with the code utama"));
    g_assert_cmpint (pz_test_sql_int (cloud_db, "SELECT count(*) FROM applications"), ==, cloud_files);
    g_assert_cmpint (pz_test_sql_int (cloud_db, "SELECT count(*) FROM offices"), ==, cloud_offices);
    g_clear_pointer (&out, g_free);
  }

  /* into the cloud as "sukamaju" */
  {
    const char *args[] = { "--as", "sukamaju", alone, conf, NULL };
    g_assert_cmpint (migrate (args, &out), ==, 0);
    g_assert_nonnull (strstr (out, "Office sukamaju moved: 8 users, 11 files"));
    g_clear_pointer (&out, g_free);
  }
  after = office_files (cloud_db, "sukamaju");
  assert_same_rows (before, after);
  g_clear_pointer (&after, g_ptr_array_unref);
  assert_same_blobs (alone_db, alone, "utama", cloud);
  g_assert_cmpint (pz_test_sql_int (cloud_db, "SELECT value FROM counters c JOIN offices f ON f.id = c.office_id"
                                    " WHERE f.code = 'sukamaju' AND c.name = 'registration:2026'"), ==, 11);
  /* the office that was there is untouched */
  g_assert_cmpint (pz_test_sql_int (cloud_db, "SELECT count(*) FROM applications a JOIN offices f"
                                    " ON f.id = a.office_id WHERE f.code = 'utama'"), ==, cloud_files);

  /* its staff work there: the same permit, byte for byte, and the next number */
  ts = pz_test_server_start (cloud, FALSE);
  {
    g_autoptr(GBytes) again = permit_of (ts, "kasi@sukamaju", id_of (cloud_db, "sukamaju", permit_reg));
    gint64 id;

    g_assert_true (g_bytes_equal (permit, again));
    id = pz_test_register (ts, pz_test_login (ts, "front_office@sukamaju"), "PBG", "new");
    g_assert_cmpint (id, >, 0);
  }
  pz_test_server_stop (ts);
  pz_test_server_free (ts);
  g_assert_cmpint (pz_test_sql_int (cloud_db, "SELECT count(*) FROM applications a JOIN offices f"
                                    " ON f.id = a.office_id WHERE f.code = 'sukamaju'"
                                    " AND a.registration_number = 'REG-2026-000012'"), ==, 1);
  before = (g_ptr_array_unref (before), office_files (cloud_db, "sukamaju"));
  g_assert_cmpuint (before->len, ==, 12);

  /* and out again, to a data directory of its own, where it is the first office */
  {
    const char *args[] = { "--office", "sukamaju", conf, back, NULL };
    g_assert_cmpint (migrate (args, &out), ==, 0);
    g_assert_nonnull (strstr (out, "Office sukamaju moved: 8 users, 12 files"));
    g_clear_pointer (&out, g_free);
  }
  g_unsetenv ("PZ_TEST_POSTGRESQL");
  back_db = g_build_filename (back, "perizinan.db", NULL);
  after = office_files (back_db, "sukamaju");
  assert_same_rows (before, after);
  assert_same_blobs (cloud_db, cloud, "sukamaju", back);
  assert_same_blobs (alone_db, alone, "utama", back);
  g_assert_cmpint (pz_test_sql_int (back_db, "SELECT id FROM offices WHERE code = 'sukamaju'"), ==, 1);
  g_assert_cmpint (pz_test_sql_int (back_db, "SELECT count(*) FROM offices"), ==, 1);
  ts = pz_test_server_start (back, FALSE);
  {
    /* the first office's staff log in without an office's code */
    g_autoptr(GBytes) again = permit_of (ts, "kasi", id_of (back_db, "sukamaju", permit_reg));

    g_assert_true (g_bytes_equal (permit, again));
  }
  pz_test_server_stop (ts);
  pz_test_server_free (ts);
}

/* A stored file whose content no longer matches its checksum: the move
 * stops, and neither the destination's rows nor its files change. */
static void
test_damaged_file (void)
{
  g_autofree char *alone = g_build_filename (workdir, "damaged", NULL);
  g_autofree char *target = g_build_filename (workdir, "target", NULL);
  g_autofree char *target_files = g_build_filename (target, "files", NULL);
  g_autofree char *alone_db = NULL, *out = NULL, *sha = NULL, *prefix = NULL, *path = NULL;
  PzTestServer *ts;

  g_unsetenv ("PZ_TEST_POSTGRESQL");
  ts = pz_test_server_start (alone, TRUE);
  alone_db = pz_test_server_db_location (ts);
  pz_test_server_stop (ts);
  pz_test_server_free (ts);
  {
    g_autoptr(GPtrArray) outputs = rows (alone_db, "SELECT sha256 FROM outputs ORDER BY sha256 DESC");
    sha = g_strdup (g_ptr_array_index (outputs, 0));
  }
  prefix = g_strndup (sha, 2);
  path = g_build_filename (alone, "files", prefix, sha, NULL);
  g_assert_true (g_file_set_contents (path, "not the permit", -1, NULL));
  {
    const char *args[] = { alone, target, NULL };
    g_assert_cmpint (migrate (args, &out), ==, 1);
    g_assert_nonnull (strstr (out, "damaged"));
  }
  g_assert_cmpint (count_files (target_files), ==, 0);
  {
    g_autofree char *db = g_build_filename (target, "perizinan.db", NULL);
    g_assert_cmpint (pz_test_sql_int (db, "SELECT count(*) FROM applications"), ==, 0);
    g_assert_cmpint (pz_test_sql_int (db, "SELECT count(*) FROM users"), ==, 0);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *rm = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  workdir = g_dir_make_tmp ("pz-migrate-XXXXXX", &error);
  g_assert_no_error (error);
  g_assert_nonnull (g_getenv ("PERIZINAN_SERVER"));
  g_test_add_func ("/migrate/out-and-back", test_out_and_back);
  g_test_add_func ("/migrate/damaged-file", test_damaged_file);
  status = g_test_run ();
  pz_test_pg_stop ();
  rm = g_strdup_printf ("rm -rf '%s'", workdir);
  if (system (rm) != 0)
    g_printerr ("could not remove %s\n", workdir);
  g_free (workdir);
  return status;
}
