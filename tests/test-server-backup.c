/* SPDX-License-Identifier: GPL-3.0-or-later */
/* perizinan-server backup / restore / create-admin, run as the office's
 * administrator would: the real program, against a real running server. */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "pz-test-server.h"

#define N_WRITERS 8

static char *workdir;

typedef struct {
  guint   port;
  char   *token;
  gint    stop;
  GMutex  lock;
  GArray *acked_ids;    /* gint64 */
  GArray *acked_times;  /* gint64, monotonic, when the 201 arrived */
} Writers;

static const char registration[] =
  "{\"permit_type\":\"SIP-DOKTER\",\"request_type\":\"new\","
  "\"applicant\":{\"name\":\"Rina Kusuma\",\"nik\":\"3201015506900002\","
  "\"address\":\"Jl. Kenanga No. 5, Sukamaju\",\"phone\":\"081234500077\"}}";

static JsonObject *
post (SoupSession *session,
      const char  *url,
      const char  *auth,
      const char  *json,
      guint        expect)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));
  g_autofree char *key = g_uuid_string_random ();
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Idempotency-Key", key);
  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  answer = soup_session_send_and_read (session, msg, NULL, NULL);
  g_assert_nonnull (answer);
  g_assert_cmpuint (soup_message_get_status (msg), ==, expect);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (answer, NULL),
                                             (gssize) g_bytes_get_size (answer), NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
upload (SoupSession *session,
        const char  *url,
        const char  *auth,
        GBytes      *content)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("PUT", url);
  g_autoptr(GBytes) answer = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_message_set_request_body_from_bytes (msg, "image/png", content);
  answer = soup_session_send_and_read (session, msg, NULL, NULL);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 201);
}

/* Registers a file, stores the applicant's KTP scan and sends it on to the
 * document check: every round writes rows and a stored file. */
static gpointer
writer (gpointer data)
{
  Writers *w = data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 60, NULL);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/api/v1/applications", w->port);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", w->token);

  while (!g_atomic_int_get (&w->stop))
    {
      g_autoptr(JsonObject) app = post (session, url, auth, registration, 201);
      gint64 id = json_object_get_int_member (app, "id");
      g_autofree char *act_url = g_strdup_printf ("%s/%" G_GINT64_FORMAT "/actions", url, id);
      g_autofree char *approve = g_strdup_printf ("{\"action\":\"approve\",\"version\":%" G_GINT64_FORMAT "}",
                                                  json_object_get_int_member (app, "version"));
      g_autofree char *doc_url = g_strdup_printf ("%s/%" G_GINT64_FORMAT "/documents/ktp", url, id);
      g_autoptr(GBytes) scan = pz_test_png (100 + (int) (id % 400), 120);
      g_autoptr(JsonObject) moved = NULL;

      upload (session, doc_url, auth, scan);
      moved = post (session, act_url, auth, approve, 200);

      g_assert_cmpstr (json_object_get_string_member (moved, "step"), ==, "document_check");
      g_mutex_lock (&w->lock);
      {
        gint64 now = g_get_monotonic_time ();
        g_array_append_val (w->acked_ids, id);
        g_array_append_val (w->acked_times, now);
      }
      g_mutex_unlock (&w->lock);
    }
  return NULL;
}

/* Runs perizinan-server with @args; returns its exit status and what it
 * printed. */
static int
run_server_command (const char * const *args,
                    const char         *input,
                    char              **out,
                    char              **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, (gpointer) g_getenv ("PERIZINAN_SERVER"));
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                            G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, input ? input : "", NULL, out, err, &error);
  g_assert_no_error (error);
  g_test_message ("%s %s: %s%s", args[0], args[1], out ? *out : "", err ? *err : "");
  return g_subprocess_get_exit_status (proc);
}

static GBytes *
scan_of (PzTestServer *ts,
         const char   *token,
         gint64        id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/documents/ktp", id);
  PzResponse *r = pz_test_request (ts, "GET", path, token, NULL);
  GBytes *body;

  g_assert_cmpuint (r->status, ==, 200);
  body = g_bytes_ref (r->body);
  pz_response_free (r);
  return body;
}

/* Eight desks register files while the backup runs.  Everything the
 * server acknowledged before the backup began is in the restored office,
 * with the same stored documents byte for byte. */
static void
test_backup_while_writing (void)
{
  g_autofree char *data_dir = g_build_filename (workdir, "office", NULL);
  g_autofree char *dest = g_build_filename (workdir, "backup-1", NULL);
  g_autofree char *restored = g_build_filename (workdir, "restored", NULL);
  g_autofree char *out = NULL;
  PzTestServer *ts = pz_test_server_start (data_dir, TRUE);
  PzTestServer *again;
  GThread *threads[N_WRITERS];
  Writers w = { 0 };
  gint64 started, before = 0;
  const char *token;

  w.port = pz_test_server_get_port (ts);
  w.token = pz_test_login (ts, "front_office");
  w.acked_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  w.acked_times = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_mutex_init (&w.lock);
  for (guint i = 0; i < N_WRITERS; i++)
    threads[i] = g_thread_new ("writer", writer, &w);

  /* let them get going */
  while (TRUE)
    {
      guint n;
      g_mutex_lock (&w.lock);
      n = w.acked_ids->len;
      g_mutex_unlock (&w.lock);
      if (n >= 40)
        break;
      g_usleep (10 * 1000);
    }

  started = g_get_monotonic_time ();
  {
    const char *args[] = { "backup", "--data-dir", data_dir, dest, NULL };
    g_assert_cmpint (run_server_command (args, NULL, &out, NULL), ==, 0);
    g_assert_nonnull (strstr (out, "Backup complete"));
  }
  g_atomic_int_set (&w.stop, 1);
  for (guint i = 0; i < N_WRITERS; i++)
    g_thread_join (threads[i]);
  g_mutex_lock (&w.lock);
  for (guint i = 0; i < w.acked_times->len; i++)
    before += g_array_index (w.acked_times, gint64, i) < started;
  g_mutex_unlock (&w.lock);
  g_test_message ("%u files acknowledged, %" G_GINT64_FORMAT " before the backup began",
                  w.acked_ids->len, before);
  g_assert_cmpint (before, >=, 40);
  pz_test_server_free (ts);

  {
    const char *args[] = { "restore", "--data-dir", restored, dest, NULL };
    g_autofree char *rout = NULL;
    g_assert_cmpint (run_server_command (args, NULL, &rout, NULL), ==, 0);
    g_assert_nonnull (strstr (rout, "all checked"));
  }

  ts = pz_test_server_start (data_dir, FALSE);
  again = pz_test_server_start (restored, FALSE);
  token = pz_test_login (again, "front_office");
  for (guint i = 0; i < w.acked_ids->len; i++)
    {
      gint64 id = g_array_index (w.acked_ids, gint64, i);
      g_autofree char *path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT, id);
      g_autoptr(PzResponse) r = pz_test_request (again, "GET", path, token, NULL);

      if (g_array_index (w.acked_times, gint64, i) >= started)
        continue;
      g_assert_cmpuint (r->status, ==, 200);
      g_assert_cmpstr (json_object_get_string_member (pz_response_object (r), "step"), ==, "document_check");
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (pz_response_object (r), "applicant"),
                                                      "name"), ==, "Rina Kusuma");
      {
        g_autoptr(GBytes) a = scan_of (ts, pz_test_login (ts, "front_office"), id);
        g_autoptr(GBytes) b = scan_of (again, token, id);
        g_assert_true (g_bytes_equal (a, b));
      }
    }

  /* the restored office goes on working: a new file gets the next number */
  {
    gint64 id = pz_test_register (again, token, "SIP-DOKTER", "new");
    g_assert_cmpint (id, >, 0);
  }

  pz_test_server_free (again);
  pz_test_server_free (ts);
  g_array_unref (w.acked_ids);
  g_array_unref (w.acked_times);
  g_mutex_clear (&w.lock);
}

static gboolean
has_partial_dirs (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (d)))
    if (strstr (name, ".partial-"))
      return TRUE;
  return FALSE;
}

static char *
first_blob (const char *root)
{
  g_autofree char *files = g_build_filename (root, "files", NULL);
  g_autoptr(GDir) d = g_dir_open (files, 0, NULL);
  const char *prefix;

  while ((prefix = g_dir_read_name (d)))
    {
      g_autofree char *sub = g_build_filename (files, prefix, NULL);
      g_autoptr(GDir) s = g_dir_open (sub, 0, NULL);
      const char *name = s ? g_dir_read_name (s) : NULL;
      if (name)
        return g_build_filename (sub, name, NULL);
    }
  return NULL;
}

/* A stored document the backup's database names. */
static char *
named_blob (const char *root)
{
  g_autofree char *db_path = g_build_filename (root, "perizinan.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *path = NULL;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT sha256 FROM documents LIMIT 1", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  {
    const char *sha = (const char *) sqlite3_column_text (stmt, 0);
    char prefix[3] = { sha[0], sha[1], 0 };
    path = g_build_filename (root, "files", prefix, sha, NULL);
  }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return path;
}

/* Nothing is overwritten, and a damaged or foreign copy is refused with a
 * reason before anything is put in place. */
static void
test_refusals (void)
{
  g_autofree char *data_dir = g_build_filename (workdir, "office-2", NULL);
  g_autofree char *dest = g_build_filename (workdir, "backup-2", NULL);
  g_autofree char *occupied = g_build_filename (workdir, "occupied", NULL);
  g_autofree char *keep = g_build_filename (occupied, "keep.txt", NULL);
  g_autofree char *target = g_build_filename (workdir, "restore-2", NULL);
  g_autofree char *blob = NULL;
  g_autofree char *content = NULL;
  g_autofree char *err = NULL;
  PzTestServer *ts = pz_test_server_start (data_dir, TRUE);
  gsize len;

  pz_test_server_stop (ts);
  pz_test_server_free (ts);

  g_assert_cmpint (g_mkdir (occupied, 0700), ==, 0);
  g_assert_true (g_file_set_contents (keep, "mine", -1, NULL));
  {
    const char *args[] = { "backup", "--data-dir", data_dir, occupied, NULL };
    g_assert_cmpint (run_server_command (args, NULL, NULL, &err), ==, 1);
    g_assert_nonnull (strstr (err, "not an empty directory"));
    g_clear_pointer (&err, g_free);
    g_assert_true (g_file_get_contents (keep, &content, NULL, NULL));
    g_assert_cmpstr (content, ==, "mine");
  }
  {
    const char *args[] = { "backup", "--data-dir", occupied, dest, NULL };
    g_assert_cmpint (run_server_command (args, NULL, NULL, &err), ==, 1);
    g_assert_nonnull (strstr (err, "no Perizinan database"));
    g_clear_pointer (&err, g_free);
    g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
  }
  {
    const char *args[] = { "restore", "--data-dir", target, occupied, NULL };
    g_assert_cmpint (run_server_command (args, NULL, NULL, &err), ==, 1);
    g_assert_nonnull (strstr (err, "not a Perizinan backup"));
    g_clear_pointer (&err, g_free);
  }
  {
    const char *args[] = { "backup", "--data-dir", data_dir, dest, NULL };
    g_assert_cmpint (run_server_command (args, NULL, NULL, NULL), ==, 0);
  }
  {
    const char *args[] = { "restore", "--data-dir", occupied, dest, NULL };
    g_assert_cmpint (run_server_command (args, NULL, NULL, &err), ==, 1);
    g_assert_nonnull (strstr (err, "not an empty directory"));
    g_clear_pointer (&err, g_free);
  }

  /* one flipped byte in one stored document */
  blob = first_blob (dest);
  g_assert_nonnull (blob);
  g_free (content);
  g_assert_true (g_file_get_contents (blob, &content, &len, NULL));
  content[len / 2] ^= 0x01;
  g_assert_true (g_file_set_contents (blob, content, (gssize) len, NULL));
  {
    const char *args[] = { "restore", "--data-dir", target, dest, NULL };
    g_assert_cmpint (run_server_command (args, NULL, NULL, &err), ==, 1);
    g_assert_nonnull (strstr (err, "damaged"));
    g_clear_pointer (&err, g_free);
  }
  g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));
  g_assert_false (has_partial_dirs (workdir));

  /* a missing stored document the database names */
  content[len / 2] ^= 0x01;
  g_assert_true (g_file_set_contents (blob, content, (gssize) len, NULL));
  g_free (blob);
  blob = named_blob (dest);
  g_assert_cmpint (g_remove (blob), ==, 0);
  {
    const char *args[] = { "restore", "--data-dir", target, dest, NULL };
    g_assert_cmpint (run_server_command (args, NULL, NULL, &err), ==, 1);
    g_assert_nonnull (strstr (err, "lacks the stored file"));
    g_clear_pointer (&err, g_free);
  }
  g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));
  g_assert_false (has_partial_dirs (workdir));
}

/* The first administrator of a new office: created from the command line,
 * then able to log in to the server; a short password is refused. */
static void
test_create_admin (void)
{
  g_autofree char *data_dir = g_build_filename (workdir, "new-office", NULL);
  g_autofree char *err = NULL;
  PzTestServer *ts;

  {
    const char *args[] = { "create-admin", "--data-dir", data_dir, "--full-name", "Yusuf Maulana", "yusuf", NULL };
    g_assert_cmpint (run_server_command (args, "short\n", NULL, &err), ==, 2);
    g_assert_nonnull (strstr (err, "at least 10 characters"));
    g_clear_pointer (&err, g_free);
  }
  {
    const char *args[] = { "create-admin", "--data-dir", data_dir, "--full-name", "Yusuf Maulana", "Yusuf!", NULL };
    g_assert_cmpint (run_server_command (args, "kata-sandi-kantor\n", NULL, NULL), ==, 2);
  }
  {
    const char *args[] = { "create-admin", "--data-dir", data_dir, "--full-name", "Yusuf Maulana", "yusuf", NULL };
    g_assert_cmpint (run_server_command (args, "kata-sandi-kantor\n", NULL, NULL), ==, 0);
    g_assert_cmpint (run_server_command (args, "kata-sandi-kantor\n", NULL, &err), ==, 1);
    g_assert_nonnull (strstr (err, "already a user"));
  }

  ts = pz_test_server_start (data_dir, FALSE);
  {
    g_autoptr(PzResponse) bad = pz_test_request (ts, "POST", "/api/v1/auth/login", NULL,
                                                 "{\"username\":\"yusuf\",\"password\":\"short\"}");
    g_autoptr(PzResponse) good = pz_test_request (ts, "POST", "/api/v1/auth/login", NULL,
                                                  "{\"username\":\"yusuf\",\"password\":\"kata-sandi-kantor\"}");
    JsonObject *user;
    JsonArray *roles;

    g_assert_cmpuint (bad->status, ==, 401);
    g_assert_cmpuint (good->status, ==, 200);
    user = json_object_get_object_member (pz_response_object (good), "user");
    g_assert_cmpstr (json_object_get_string_member (user, "full_name"), ==, "Yusuf Maulana");
    roles = json_object_get_array_member (user, "roles");
    g_assert_cmpuint (json_array_get_length (roles), ==, 1);
    g_assert_cmpstr (json_array_get_string_element (roles, 0), ==, "admin");
  }
  pz_test_server_free (ts);
}

int
main (int   argc,
      char *argv[])
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  workdir = g_dir_make_tmp ("pz-backup-XXXXXX", NULL);
  g_assert_nonnull (g_getenv ("PERIZINAN_SERVER"));

  pz_test_add_func_sqlite ("/server/backup/while-writing", test_backup_while_writing);
  pz_test_add_func_sqlite ("/server/backup/refusals", test_refusals);
  pz_test_add_func_sqlite ("/server/backup/create-admin", test_create_admin);
  rc = g_test_run ();

  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", workdir);
    g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
  }
  g_free (workdir);
  return rc;
}
