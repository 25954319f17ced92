/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Faults and confinement: a data directory the server cannot use, a
 * commit or a disk that fails, unfinished uploads, the modes of what the
 * server writes, another program holding the database, and the document
 * inspector's limits and sandbox; over a real loopback socket, and with
 * the server binary where its exit matters. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <linux/filter.h>
#include <linux/fs.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "pz-demo.h"
#include "pz-test-server.h"

static const char *self_path;

/* A demo office the tests that leave it as they found it share. */
static PzTestServer *shared;

static PzTestServer *
shared_server (void)
{
  if (shared == NULL)
    shared = pz_test_server_start (NULL, TRUE);
  return shared;
}

/* What the server logs, kept to be checked. */
static GMutex log_lock;
static GString *log_text;

static void
capture_log (const char     *domain,
             GLogLevelFlags  level,
             const char     *message,
             gpointer        data)
{
  g_mutex_lock (&log_lock);
  g_string_append_printf (log_text, "%s: %s\n", domain, message);
  g_mutex_unlock (&log_lock);
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE))
    g_printerr ("# %s: %s\n", domain, message);
}

/* The server's warnings about the faults made here (a commit or an upload
 * that could not be written) are captured by capture_log() and checked by
 * the tests; a warning from anywhere else still ends the test. */
static void
other_warnings_fatal (const char     *domain,
                      GLogLevelFlags  level,
                      const char     *message,
                      gpointer        data)
{
  g_log_default_handler (domain, level, message, data);
  if (level & G_LOG_LEVEL_WARNING)
    abort ();
}

static gboolean
logged (const char *text)
{
  gboolean found;

  g_mutex_lock (&log_lock);
  found = strstr (log_text->str, text) != NULL;
  g_mutex_unlock (&log_lock);
  return found;
}

static char *
doc_path (gint64      id,
          const char *requirement)
{
  return g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/documents/%s", id, requirement);
}

static const char *
error_message (PzResponse *r)
{
  return json_object_get_string_member (json_object_get_object_member (pz_response_object (r), "error"),
                                        "message");
}

/* The body is one JSON object with only an error in it. */
static void
assert_one_error_body (PzResponse *r,
                       const char *code)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *obj;

  json_parser_load_from_data (parser, g_bytes_get_data (r->body, NULL), (gssize) g_bytes_get_size (r->body),
                              &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  obj = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpuint (json_object_get_size (obj), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (obj, "error"), "code"), ==, code);
}

/* A request from a thread of its own, with a session of its own. */
typedef struct {
  guint       port;
  const char *method;
  char       *path;
  const char *token;
  GBytes     *body;
  const char *content_type;
  guint       status;
  GBytes     *answer;
  char       *retry_after;
  gint64      took;
  gint        done;
} Call;

static gpointer
call_thread (gpointer data)
{
  Call *c = data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 60, NULL);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u%s", c->port, c->path);
  g_autoptr(SoupMessage) msg = soup_message_new (c->method, url);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", c->token);
  gint64 t0 = g_get_monotonic_time ();

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Idempotency-Key",
                                c->path);
  if (c->body)
    soup_message_set_request_body_from_bytes (msg, c->content_type, c->body);
  c->answer = soup_session_send_and_read (session, msg, NULL, NULL);
  c->status = soup_message_get_status (msg);
  c->retry_after = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                           "Retry-After"));
  c->took = g_get_monotonic_time () - t0;
  g_atomic_int_set (&c->done, 1);
  return NULL;
}

static void
call_clear (Call *c)
{
  g_free (c->path);
  g_clear_pointer (&c->body, g_bytes_unref);
  g_clear_pointer (&c->answer, g_bytes_unref);
  g_free (c->retry_after);
}

static const char *
call_error_code (Call *c)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  static char code[64];

  if (!c->answer || !json_parser_load_from_data (parser, g_bytes_get_data (c->answer, NULL),
                                                 (gssize) g_bytes_get_size (c->answer), NULL))
    return "(not JSON)";
  g_strlcpy (code, json_object_get_string_member (json_object_get_object_member (
               json_node_get_object (json_parser_get_root (parser)), "error"), "code"), sizeof code);
  return code;
}

/* Runs the server binary on @data_dir until it exits; returns what it
 * printed on stderr. */
static char *
run_server_until_exit (const char *data_dir,
                       int        *status)
{
  const char *argv[] = { g_getenv ("PERIZINAN_SERVER"), "--data-dir", data_dir, "--port", "0", NULL };
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  char *err = NULL;

  g_assert_nonnull (argv[0]);
  proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  g_test_message ("server on %s: %s", data_dir, err);
  g_assert_true (g_subprocess_get_if_exited (proc));
  *status = g_subprocess_get_exit_status (proc);
  return err;
}

static void
assert_refused_with_path (const char *data_dir,
                          const char *path_in_message)
{
  int status = 0;
  g_autofree char *err = run_server_until_exit (data_dir, &status);

  g_assert_cmpint (status, ==, 1);
  g_assert_null (strstr (err, "AddressSanitizer"));
  g_assert_null (strstr (err, "SEGV"));
  g_assert_nonnull (strstr (err, "The server cannot start"));
  g_assert_nonnull (strstr (err, path_in_message));
}

/* A regular file where the data directory should be. */
static void
test_data_dir_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pz-faults-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (dir, "data", NULL);

  g_assert_true (g_file_set_contents (file, "not a directory", -1, NULL));
  assert_refused_with_path (file, file);
  g_unlink (file);
  g_rmdir (dir);
}

/* A data directory that cannot be made: its parent is a file. */
static void
test_data_dir_not_creatable (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pz-faults-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (dir, "parent", NULL);
  g_autofree char *data = g_build_filename (file, "data", NULL);

  g_assert_true (g_file_set_contents (file, "", -1, NULL));
  assert_refused_with_path (data, data);
  g_unlink (file);
  g_rmdir (dir);
}

/* A data directory with a database in it, read-only: by its mode for an
 * ordinary user, by a read-only bind mount for root (who ignores modes). */
static void
test_data_dir_read_only (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pz-faults-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "perizinan.db", NULL);
  g_autoptr(GError) error = NULL;
  gboolean mounted = FALSE;
  PzStore *store = pz_store_open (db, &error);

  g_assert_no_error (error);
  pz_store_free (store);
  if (geteuid () != 0)
    g_assert_cmpint (g_chmod (dir, 0500), ==, 0);
  else if (mount (dir, dir, NULL, MS_BIND, NULL) == 0 &&
           mount (NULL, dir, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) == 0)
    mounted = TRUE;
  else
    {
      umount (dir);
      g_test_skip ("root without the right to mount: no way to make a read-only directory");
      goto out;
    }
  assert_refused_with_path (dir, dir);

out:
  if (mounted)
    g_assert_cmpint (umount (dir), ==, 0);
  g_chmod (dir, 0700);
  g_unlink (db);
  g_rmdir (dir);
}

/* chattr +i: even root cannot write in it. */
static void
test_data_dir_immutable (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pz-faults-XXXXXX", NULL);
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int flags = 0;

  g_assert_cmpint (fd, >=, 0);
  if (ioctl (fd, FS_IOC_GETFLAGS, &flags) != 0 ||
      (flags |= FS_IMMUTABLE_FL, ioctl (fd, FS_IOC_SETFLAGS, &flags) != 0))
    {
      g_test_skip ("the file system or the user cannot make a directory immutable");
      close (fd);
      g_rmdir (dir);
      return;
    }
  assert_refused_with_path (dir, dir);
  flags &= ~FS_IMMUTABLE_FL;
  g_assert_cmpint (ioctl (fd, FS_IOC_SETFLAGS, &flags), ==, 0);
  close (fd);
  g_rmdir (dir);
}

static void
exec_sql (const char *db_path,
          const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

static gint64
version_of (PzTestServer *ts,
            gint64        id)
{
  g_autoptr(JsonObject) app = pz_test_get_application (ts, pz_test_login (ts, "front_office"), id);

  return json_object_get_int_member (app, "version");
}

/* The commit that follows an accepted action fails (a deferred constraint
 * a trigger breaks): the answer is one error body, not the held success
 * with the error after it, and the file is as it was. */
static void
test_commit_failure (void)
{
  PzTestServer *ts = shared_server ();
  gint64 id = pz_test_register (ts, pz_test_login (ts, "front_office"), "SIP-DOKTER", "new");
  g_autofree char *db = NULL;
  g_autoptr(PzResponse) r = NULL;
  gint64 version;

  pz_test_drive_to (ts, id, "kasi_verification");
  version = version_of (ts, id);
  db = g_build_filename (pz_test_server_get_dir (ts), "perizinan.db", NULL);
  exec_sql (db, "CREATE TABLE fault_target (id INTEGER PRIMARY KEY);"
                "CREATE TABLE fault_sink (ref INTEGER REFERENCES fault_target (id) DEFERRABLE INITIALLY DEFERRED);"
                "CREATE TRIGGER fault_on_event AFTER INSERT ON events BEGIN INSERT INTO fault_sink VALUES (1); END;");

  r = pz_test_act (ts, pz_test_login (ts, "kasi"), id, "approve", version, NULL, NULL);
  g_test_message ("failed commit: %u %.*s", r->status, (int) g_bytes_get_size (r->body),
                  (const char *) g_bytes_get_data (r->body, NULL));
  g_assert_cmpuint (r->status, ==, 500);
  g_assert_cmpstr (r->content_type, ==, "application/json");
  assert_one_error_body (r, "internal");
  g_assert_true (logged ("Cannot commit"));

  exec_sql (db, "DROP TRIGGER fault_on_event;");
  g_assert_cmpint (version_of (ts, id), ==, version);
  {
    g_autoptr(PzResponse) again = pz_test_act (ts, pz_test_login (ts, "kasi"), id, "approve", version, NULL, NULL);
    g_assert_cmpuint (again->status, ==, 200);
  }
}

static gsize
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (gsize) st.st_size : 0;
}

static guint
count_files (const char *dir_path)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  guint n = 0;

  while (dir && g_dir_read_name (dir))
    n++;
  return n;
}

/* The temp file of a refused upload goes when the server is done with the
 * request, which may be a moment after its answer arrived. */
static guint
files_left_after (const char *dir_path)
{
  gint64 until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  guint n;

  while ((n = count_files (dir_path)) > 0 && g_get_monotonic_time () < until)
    g_usleep (20 * 1000);
  return n;
}

static PzResponse *
upload (PzTestServer *ts,
        gint64        id,
        const char   *requirement,
        GBytes       *body)
{
  g_autofree char *path = doc_path (id, requirement);

  return pz_test_request_full (ts, "PUT", path, pz_test_login (ts, "front_office"), "image/png", body, NULL);
}

/* The disk fills while an upload arrives (a file size limit on the server
 * process: writes past it fail with EFBIG as they would with ENOSPC). The
 * answer says so, the log says so, what was stored before stays, and once
 * there is room again uploads work. */
static void
test_disk_full (void)
{
  PzTestServer *ts = pz_test_server_start (NULL, TRUE);
  g_autofree char *dir = g_strdup (pz_test_server_get_dir (ts));
  g_autofree char *db = g_build_filename (dir, "perizinan.db", NULL);
  g_autofree char *wal = g_build_filename (dir, "perizinan.db-wal", NULL);
  g_autofree char *tmp = g_build_filename (dir, "files", "tmp", NULL);
  gint64 id = pz_test_register (ts, pz_test_login (ts, "front_office"), "PBG", "new");
  g_autoptr(GBytes) first = pz_test_png (320, 200);
  g_autoptr(GBytes) later = pz_test_png (200, 320);
  g_autoptr(GBytes) big = NULL;
  struct rlimit old, small;
  gsize room;

  {
    g_autoptr(PzResponse) r = upload (ts, id, "ktp", first);
    g_assert_cmpuint (r->status, ==, 201);
  }

  /* room for the database to go on as it is, not for the upload */
  room = MAX (file_size (db), file_size (wal)) + 256 * 1024;
  {
    GByteArray *bytes = g_byte_array_sized_new ((guint) (room + 512 * 1024));
    static const guint8 magic[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

    g_byte_array_append (bytes, magic, sizeof magic);
    g_byte_array_set_size (bytes, (guint) (room + 512 * 1024));
    memset (bytes->data + sizeof magic, 0x5a, bytes->len - sizeof magic);
    big = g_byte_array_free_to_bytes (bytes);
  }
  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &old), ==, 0);
  small = old;
  small.rlim_cur = room;
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &small), ==, 0);
  {
    g_autoptr(PzResponse) r = upload (ts, id, "npwp", big);

    g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &old), ==, 0);
    g_test_message ("upload on a full disk: %u %s", r->status, error_message (r));
    g_assert_cmpuint (r->status, ==, 507);
    assert_one_error_body (r, "disk_full");
    g_assert_nonnull (strstr (error_message (r), "disk is full"));
  }
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &old), ==, 0);
  g_assert_true (logged ("could not be written to disk"));
  g_assert_cmpuint (files_left_after (tmp), ==, 0);

  /* the document acknowledged before is there, byte for byte */
  {
    g_autofree char *path = doc_path (id, "ktp");
    g_autoptr(PzResponse) r = pz_test_request (ts, "GET", path, pz_test_login (ts, "front_office"), NULL);

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_true (g_bytes_equal (r->body, first));
  }
  /* with room again, uploads work */
  {
    g_autoptr(PzResponse) r = upload (ts, id, "npwp", later);
    g_assert_cmpuint (r->status, ==, 201);
  }
  /* and all of it survives a restart */
  pz_test_server_stop (ts);
  {
    PzTestServer *again = pz_test_server_start (dir, FALSE);
    g_autofree char *ktp = doc_path (id, "ktp");
    g_autofree char *npwp = doc_path (id, "npwp");
    g_autoptr(PzResponse) a = pz_test_request (again, "GET", ktp, pz_test_login (again, "front_office"), NULL);
    g_autoptr(PzResponse) b = pz_test_request (again, "GET", npwp, pz_test_login (again, "front_office"), NULL);

    g_assert_cmpuint (a->status, ==, 200);
    g_assert_true (g_bytes_equal (a->body, first));
    g_assert_cmpuint (b->status, ==, 200);
    g_assert_true (g_bytes_equal (b->body, later));
    pz_test_server_free (again);
  }
  pz_test_server_free (ts);
}

/* Fills the file system holding @dir to the last byte; returns the filler. */
static char *
fill_disk (const char *dir)
{
  char *path = g_build_filename (dir, "filler", NULL);
  int fd = open (path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  static char block[65536];
  gsize step = sizeof block;

  g_assert_cmpint (fd, >=, 0);
  while (step > 0)
    {
      gssize n = write (fd, block, step);

      if (n < 0 && errno == ENOSPC)
        step /= 2;
      else
        g_assert_cmpint (n, >, 0);
    }
  close (fd);
  return path;
}

/* A real full disk (a small tmpfs, where root may mount one): uploads get
 * 507, an action either fits in the space the database has or gets 507,
 * never a torn answer; with space again everything works and nothing
 * acknowledged is gone. */
static void
test_disk_full_tmpfs (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pz-faults-XXXXXX", NULL);
  g_autofree char *filler = NULL;
  g_autoptr(GBytes) first = pz_test_png (320, 200);
  g_autoptr(GBytes) later = pz_test_png (200, 320);
  PzTestServer *ts;
  gint64 id, doc_file;
  const char *kasi;

  if (geteuid () != 0 || mount ("tmpfs", dir, "tmpfs", 0, "size=48m,mode=0700") != 0)
    {
      g_test_skip ("a small file system needs root and the right to mount");
      g_rmdir (dir);
      return;
    }
  ts = pz_test_server_start (dir, TRUE);
  id = pz_test_register (ts, pz_test_login (ts, "front_office"), "SIP-DOKTER", "new");
  doc_file = pz_test_register (ts, pz_test_login (ts, "front_office"), "PBG", "new");
  pz_test_drive_to (ts, id, "kasi_verification");
  kasi = pz_test_login (ts, "kasi");
  {
    g_autoptr(PzResponse) r = upload (ts, doc_file, "ktp", first);
    g_assert_cmpuint (r->status, ==, 201);
  }

  filler = fill_disk (dir);
  {
    g_autoptr(PzResponse) up = upload (ts, doc_file, "npwp", later);
    g_autoptr(PzResponse) act = pz_test_act (ts, kasi, id, "approve", version_of (ts, id), NULL, NULL);

    g_test_message ("on a full tmpfs: upload %u %s; action %u", up->status, error_message (up), act->status);
    g_assert_cmpuint (up->status, ==, 507);
    assert_one_error_body (up, "disk_full");
    g_assert_true (act->status == 200 || act->status == 507);
    if (act->status == 507)
      assert_one_error_body (act, "disk_full");
  }
  g_unlink (filler);
  {
    g_autoptr(PzResponse) up = upload (ts, doc_file, "npwp", later);
    g_assert_cmpuint (up->status, ==, 201);
  }
  pz_test_server_stop (ts);
  {
    PzTestServer *again = pz_test_server_start (dir, FALSE);
    g_autofree char *ktp = doc_path (doc_file, "ktp");
    g_autofree char *npwp = doc_path (doc_file, "npwp");
    g_autoptr(PzResponse) a = pz_test_request (again, "GET", ktp, pz_test_login (again, "front_office"), NULL);
    g_autoptr(PzResponse) b = pz_test_request (again, "GET", npwp, pz_test_login (again, "front_office"), NULL);

    g_assert_true (g_bytes_equal (a->body, first));
    g_assert_true (g_bytes_equal (b->body, later));
    pz_test_server_free (again);
  }
  pz_test_server_free (ts);
  /* a child of the server may still be on its way out: wait for it, and
   * never leave the mount behind */
  for (int i = 0; i < 50 && umount (dir) != 0; i++)
    g_usleep (100 * 1000);
  umount2 (dir, MNT_DETACH);
  g_rmdir (dir);
}

/* Temporary files of uploads cut off by a crash are gone after a start. */
static void
test_stale_temp_files (void)
{
  PzTestServer *ts = pz_test_server_start (NULL, FALSE);
  g_autofree char *dir = g_strdup (pz_test_server_get_dir (ts));
  g_autofree char *tmp = g_build_filename (dir, "files", "tmp", NULL);
  g_autofree char *stale = g_build_filename (tmp, "upload-Xk3j9q", NULL);
  g_autofree char *other = g_build_filename (tmp, "upload-7hQm2a", NULL);
  PzTestServer *again;

  pz_test_server_stop (ts);
  g_assert_true (g_file_set_contents (stale, "%PDF-1.4\nhalf a scan", -1, NULL));
  g_assert_true (g_file_set_contents (other, "\x89PNG", -1, NULL));
  again = pz_test_server_start (dir, FALSE);
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (files_left_after (tmp), ==, 0);
  g_assert_true (logged ("Removed 2 unfinished uploads"));
  pz_test_server_free (again);
  pz_test_server_free (ts);
}

static guint
free_port (void)
{
  g_autoptr(GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (sock, any, TRUE, NULL));
  bound = g_socket_get_local_address (sock, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
assert_private_tree (const char *path,
                     guint      *n_files)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  if (S_ISDIR (st.st_mode))
    {
      if ((st.st_mode & 0777) != 0700)
        g_error ("%s has mode %o", path, st.st_mode & 0777);
      while (dir && (name = g_dir_read_name (dir)))
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          assert_private_tree (child, n_files);
        }
    }
  else
    {
      if ((st.st_mode & 0777) != 0600)
        g_error ("%s has mode %o", path, st.st_mode & 0777);
      (*n_files)++;
    }
}

/* Started with umask 0, the server still makes its data its own: the
 * directories 0700, the database, its WAL and every stored file 0600. */
static void
test_modes (void)
{
  g_autofree char *parent = g_dir_make_tmp ("pz-faults-XXXXXX", NULL);
  g_autofree char *dir = g_build_filename (parent, "data", NULL);
  g_autofree char *port = g_strdup_printf ("%u", free_port ());
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%s/healthz", port);
  const char *argv[] = { g_getenv ("PERIZINAN_SERVER"), "--demo", "--data-dir", dir, "--port", port, NULL };
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 5, NULL);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *wal = g_build_filename (dir, "perizinan.db-wal", NULL);
  mode_t old = umask (0);
  guint status = 0, n_files = 0;

  proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error);
  umask (old);
  g_assert_no_error (error);
  for (guint i = 0; i < 600 && status != 200; i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
      g_autoptr(GBytes) body = soup_session_send_and_read (session, msg, NULL, NULL);

      status = soup_message_get_status (msg);
      if (status != 200)
        g_usleep (100 * 1000);
    }
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  assert_private_tree (dir, &n_files);
  g_test_message ("%u files, all 0600, in directories all 0700", n_files);
  g_assert_cmpuint (n_files, >=, 5);

  g_subprocess_send_signal (proc, SIGTERM);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
  {
    g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", parent);
    g_assert_cmpint (system (rm), ==, 0);
  }
}

/* Another program holds the database's write lock (a long transaction, an
 * administrator's sqlite3 shell): the lock is taken by a child process.
 * Its stdout says "locked"; closing its stdin ends the transaction. */
static int
hold_write_lock (const char *db_path)
{
  sqlite3 *db = NULL;
  char line[16];

  if (sqlite3_open (db_path, &db) != SQLITE_OK)
    return 1;
  sqlite3_busy_timeout (db, 10000);
  if (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    return 1;
  printf ("locked\n");
  fflush (stdout);
  while (fgets (line, sizeof line, stdin))
    ;
  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  sqlite3_close (db);
  return 0;
}

static GSubprocess *
lock_database (const char *db_path)
{
  const char *argv[] = { self_path, "--hold-write-lock", db_path, NULL };
  g_autoptr(GError) error = NULL;
  GSubprocess *proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                         &error);
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;

  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "locked");
  return proc;
}

static void
unlock_database (GSubprocess *proc)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_close (g_subprocess_get_stdin_pipe (proc), NULL, NULL);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
  g_object_unref (proc);
}

static Call *
start_action (PzTestServer *ts,
              gint64        id,
              const char   *token,
              gint64        version)
{
  Call *c = g_new0 (Call, 1);
  g_autofree char *json = g_strdup_printf ("{\"action\":\"approve\",\"version\":%" G_GINT64_FORMAT "}", version);

  c->port = pz_test_server_get_port (ts);
  c->method = "POST";
  c->path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/actions", id);
  c->token = token;
  c->body = g_bytes_new (json, strlen (json));
  c->content_type = "application/json";
  return c;
}

/* While another process holds the write lock and an action waits for it,
 * /healthz and reads are answered at once; the action goes through when
 * the lock is free, or is refused with 503 and Retry-After if it never is. */
static void
test_busy_database (void)
{
  PzTestServer *ts = shared_server ();
  g_autofree char *db = g_build_filename (pz_test_server_get_dir (ts), "perizinan.db", NULL);
  gint64 id = pz_test_register (ts, pz_test_login (ts, "front_office"), "SIP-DOKTER", "new");
  const char *kasi;
  GSubprocess *locker;
  Call *c;
  GThread *thread;
  gint64 worst = 0;
  guint answered = 0;

  pz_test_drive_to (ts, id, "kasi_verification");
  kasi = pz_test_login (ts, "kasi");
  pz_test_login (ts, "front_office");

  locker = lock_database (db);
  c = start_action (ts, id, kasi, version_of (ts, id));
  thread = g_thread_new ("writer", call_thread, c);
  g_usleep (200 * 1000);
  for (gint64 end = g_get_monotonic_time () + 1500 * 1000; g_get_monotonic_time () < end;)
    {
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr(PzResponse) h = pz_test_request (ts, "GET", "/healthz", NULL, NULL);
      g_autoptr(PzResponse) inbox = pz_test_request (ts, "GET", "/api/v1/inbox", kasi, NULL);
      g_autofree char *app_path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT, id);
      g_autoptr(PzResponse) app = pz_test_request (ts, "GET", app_path, kasi, NULL);

      g_assert_cmpuint (h->status, ==, 200);
      g_assert_cmpuint (inbox->status, ==, 200);
      g_assert_cmpuint (app->status, ==, 200);
      worst = MAX (worst, g_get_monotonic_time () - t0);
      answered++;
      g_usleep (50 * 1000);
    }
  /* the writer is still waiting: nothing was written under the lock */
  g_assert_false (g_atomic_int_get (&c->done));
  unlock_database (locker);
  g_thread_join (thread);
  g_test_message ("%u rounds of /healthz, inbox and file answered while the writer waited, slowest %.0f ms; "
                  "the action waited %.1f s, then %u",
                  answered, worst / 1e3, c->took / 1e6, c->status);
  /* a blocked main loop took 5 s here */
  g_assert_cmpint (worst, <, 1000 * 1000);
  g_assert_cmpuint (c->status, ==, 200);
  g_assert_cmpint (c->took, >=, 1500 * 1000);
  call_clear (c);
  g_free (c);

  /* a lock never let go: refused after a while, with a clear answer */
  locker = lock_database (db);
  c = start_action (ts, id, kasi, version_of (ts, id));
  thread = g_thread_new ("writer", call_thread, c);
  g_thread_join (thread);
  unlock_database (locker);
  g_test_message ("action under a lock never let go: %u after %.1f s, Retry-After %s", c->status,
                  c->took / 1e6, c->retry_after);
  g_assert_cmpuint (c->status, ==, 503);
  g_assert_cmpstr (call_error_code (c), ==, "busy");
  g_assert_nonnull (c->retry_after);
  call_clear (c);
  g_free (c);
}

static void
short_idle (PzConfig *config,
            gpointer  data)
{
  /* the time of a session's last request is then noted every 2 s */
  config->session_idle_seconds = 8;
}

/* A database held by another program does not log anyone out: the note
 * of a session's last request waits, the session goes on. */
static void
test_busy_keeps_sessions (void)
{
  PzTestServer *ts = pz_test_server_start_configured (NULL, short_idle, NULL);
  g_autofree char *db = g_build_filename (pz_test_server_get_dir (ts), "perizinan.db", NULL);
  const char *kasi = pz_test_login (ts, "kasi");
  GSubprocess *locker;
  guint refused = 0, asked = 0;

  locker = lock_database (db);
  for (gint64 end = g_get_monotonic_time () + 4500 * 1000; g_get_monotonic_time () < end; asked++)
    {
      g_autoptr(PzResponse) r = pz_test_request (ts, "GET", "/api/v1/me", kasi, NULL);

      if (r->status != 200)
        refused++;
      g_usleep (500 * 1000);
    }
  unlock_database (locker);
  g_test_message ("under another program's write lock: %u of %u requests refused", refused, asked);
  g_assert_cmpuint (refused, ==, 0);
  {
    g_autoptr(PzResponse) r = pz_test_request (ts, "GET", "/api/v1/me", kasi, NULL);
    g_assert_cmpuint (r->status, ==, 200);
  }
  pz_test_server_free (ts);
}

/* An inspector that notes whether another one runs at the same time, then
 * hands over to the real one. */
static char *
write_counting_inspector (const char *dir)
{
  g_autofree char *script = g_build_filename (dir, "inspect.sh", NULL);
  g_autofree char *text = g_strdup_printf (
    "#!/bin/sh\n"
    "if ! mkdir '%s/running' 2>/dev/null; then echo overlap >> '%s/overlaps'; fi\n"
    "echo run >> '%s/runs'\n"
    "sleep 3\n"
    "rmdir '%s/running' 2>/dev/null\n"
    "exec '%s' \"$@\"\n",
    dir, dir, dir, dir, g_getenv ("PERIZINAN_INSPECT"));

  g_assert_true (g_file_set_contents (script, text, -1, NULL));
  g_chmod (script, 0755);
  return g_steal_pointer (&script);
}

typedef struct {
  char *program;
} CapConfig;

static void
configure_cap (PzConfig *config,
               gpointer  data)
{
  CapConfig *cap = data;

  g_free (config->inspect_program);
  config->inspect_program = g_strdup (cap->program);
  config->inspect_timeout = 30;
  config->inspect_running = 1;
  config->inspect_waiting = 1;
}

/* Four uploads at once with room for one inspection and one waiting: two
 * are stored, one after the other, and two are told to come back. */
static void
test_inspection_cap (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pz-faults-XXXXXX", NULL);
  CapConfig cap = { write_counting_inspector (dir) };
  PzTestServer *ts = pz_test_server_start_configured (NULL, configure_cap, &cap);
  gint64 id = pz_test_register (ts, pz_test_login (ts, "front_office"), "PBG", "new");
  const char *requirements[] = { "ktp", "npwp", "bukti_tanah", "surat_pernyataan" };
  Call calls[4] = { { 0 } };
  GThread *threads[4];
  guint stored = 0, refused = 0;
  g_autofree char *runs_path = g_build_filename (dir, "runs", NULL);
  g_autofree char *overlaps_path = g_build_filename (dir, "overlaps", NULL);
  g_autofree char *runs = NULL;

  for (guint i = 0; i < 4; i++)
    {
      calls[i].port = pz_test_server_get_port (ts);
      calls[i].method = "PUT";
      calls[i].path = doc_path (id, requirements[i]);
      calls[i].token = pz_test_login (ts, "front_office");
      calls[i].body = pz_test_png (100 + (int) i, 80);
      calls[i].content_type = "image/png";
    }
  for (guint i = 0; i < 4; i++)
    threads[i] = g_thread_new ("upload", call_thread, &calls[i]);
  for (guint i = 0; i < 4; i++)
    g_thread_join (threads[i]);
  for (guint i = 0; i < 4; i++)
    {
      g_test_message ("upload %s: %u (%s) after %.1f s, Retry-After %s", requirements[i], calls[i].status,
                      calls[i].status == 201 ? "stored" : call_error_code (&calls[i]), calls[i].took / 1e6,
                      calls[i].retry_after);
      if (calls[i].status == 201)
        stored++;
      else
        {
          g_assert_cmpuint (calls[i].status, ==, 503);
          g_assert_cmpstr (call_error_code (&calls[i]), ==, "busy");
          g_assert_cmpstr (calls[i].retry_after, ==, "5");
          refused++;
        }
    }
  g_assert_cmpuint (stored, ==, 2);
  g_assert_cmpuint (refused, ==, 2);
  g_assert_true (g_file_get_contents (runs_path, &runs, NULL, NULL));
  g_assert_cmpstr (runs, ==, "run\nrun\n");
  g_assert_false (g_file_test (overlaps_path, G_FILE_TEST_EXISTS));
  /* the server says how the inspector is confined */
  g_assert_true (logged ("The document inspector runs confined by"));

  for (guint i = 0; i < 4; i++)
    call_clear (&calls[i]);
  pz_test_server_free (ts);
  {
    g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", dir);
    g_assert_cmpint (system (rm), ==, 0);
  }
  g_free (cap.program);
}

/* A PNG whose header claims 30000 × 30000 pixels (900 megapixels, 2.7 GB
 * decoded) with almost nothing behind it. */
static GBytes *
huge_png (void)
{
  static const guint8 head[] = {
    0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
    0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0x75, 0x30, 0, 0, 0x75, 0x30, 8, 2, 0, 0, 0,
    0xe9, 0x45, 0x6f, 0xed,
  };
  GByteArray *bytes = g_byte_array_new ();
  g_autoptr(GBytes) small = pz_test_png (8, 8);
  gsize size;
  const guint8 *p = g_bytes_get_data (small, &size);

  /* the small image's IDAT and IEND after the big header: a decoder
   * would allocate for the header's size before it found out */
  g_byte_array_append (bytes, head, sizeof head);
  g_byte_array_append (bytes, p + 33, (guint) (size - 33));
  return g_byte_array_free_to_bytes (bytes);
}

/* A baseline JPEG header claiming 20000 × 15000 pixels (300 megapixels). */
static GBytes *
huge_jpeg (void)
{
  static const guint8 jpeg[] = {
    0xff, 0xd8,
    0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
    0xff, 0xc0, 0, 17, 8, 0x3a, 0x98, 0x4e, 0x20, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1,
    0xff, 0xd9,
  };
  return g_bytes_new_static (jpeg, sizeof jpeg);
}

/* Images too large to decode are refused from their header with a clear
 * message; an ordinary one still goes through. */
static void
test_pixel_limit (void)
{
  PzTestServer *ts = shared_server ();
  gint64 id = pz_test_register (ts, pz_test_login (ts, "front_office"), "PBG", "new");
  g_autoptr(GBytes) png = huge_png ();
  g_autoptr(GBytes) jpeg = huge_jpeg ();
  g_autoptr(GBytes) fine = pz_test_png (2480, 3508);
  g_autoptr(PzResponse) a = upload (ts, id, "ktp", png);
  g_autoptr(PzResponse) b = upload (ts, id, "npwp", jpeg);
  g_autoptr(PzResponse) c = upload (ts, id, "bukti_tanah", fine);

  g_test_message ("30000×30000 PNG: %u %s", a->status, a->json ? error_message (a) : "");
  g_test_message ("20000×15000 JPEG: %u %s", b->status, b->json ? error_message (b) : "");
  g_assert_cmpuint (a->status, ==, 422);
  assert_one_error_body (a, "rule_unmet");
  g_assert_nonnull (strstr (error_message (a), "30000 × 30000"));
  g_assert_nonnull (strstr (error_message (a), "megapixels"));
  g_assert_cmpuint (b->status, ==, 422);
  g_assert_nonnull (strstr (error_message (b), "20000 × 15000"));
  g_assert_cmpuint (c->status, ==, 201);
}

/* Runs @argv as a kernel without Landlock would: the calls answer ENOSYS. */
static int
without_landlock (char **argv)
{
  struct sock_filter filter[] = {
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, __NR_landlock_create_ruleset, 0, 1),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = { G_N_ELEMENTS (filter), filter };

  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
    return 1;
  execv (argv[0], argv);
  return 1;
}

/* The inspector, once confined, tries what a hostile file would make it
 * try: open the database and the signing key, make sockets, signal the
 * server. All fail, with Landlock or (on a kernel without) seccomp alone. */
static void
probe_inspector (PzTestServer *ts,
                 gboolean      no_landlock)
{
  g_autofree char *db = g_build_filename (pz_test_server_get_dir (ts), "perizinan.db", NULL);
  g_autofree char *key = g_build_filename (pz_test_server_get_dir (ts), "signing.p12", NULL);
  g_autofree char *image = g_build_filename (pz_test_server_get_dir (ts), "files", "tmp", "probe.png", NULL);
  g_autoptr(GBytes) png = pz_test_png (64, 48);
  const char *targets[] = { db, key };

  g_assert_true (g_file_test (key, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_set_contents (image, g_bytes_get_data (png, NULL), (gssize) g_bytes_get_size (png), NULL));
  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      const char *direct[] = { g_getenv ("PERIZINAN_INSPECT"), "image/png", image, NULL };
      const char *wrapped[] = { self_path, "--without-landlock", g_getenv ("PERIZINAN_INSPECT"), "image/png",
                                image, NULL };
      const char * const *argv = no_landlock ? wrapped : direct;
      g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
      g_autoptr(GSubprocess) proc = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autofree char *out = NULL;
      JsonObject *answer, *probe;
      const char *sandbox;

      g_subprocess_launcher_setenv (launcher, "PERIZINAN_INSPECT_PROBE", targets[i], TRUE);
      proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
      g_assert_no_error (error);
      g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, NULL, &error);
      g_assert_no_error (error);
      g_test_message ("inspector probing %s: %s", targets[i], out);
      g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
      answer = json_node_get_object (json_parser_get_root (parser));
      g_assert_true (json_object_has_member (answer, "probe"));
      probe = json_object_get_object_member (answer, "probe");
      g_assert_cmpint (json_object_get_int_member (probe, "open"), ==, EACCES);
      g_assert_cmpint (json_object_get_int_member (probe, "socket_inet"), ==, EACCES);
      g_assert_cmpint (json_object_get_int_member (probe, "socket_unix"), ==, EACCES);
      g_assert_cmpint (json_object_get_int_member (probe, "kill_parent"), ==, EPERM);
      sandbox = json_object_get_string_member (answer, "sandbox");
      if (no_landlock)
        g_assert_cmpstr (sandbox, ==, "seccomp");
      g_assert_true (g_str_equal (sandbox, "seccomp") || g_str_equal (sandbox, "landlock+seccomp"));
      if (!no_landlock && g_str_equal (sandbox, "seccomp"))
        g_test_message ("this kernel has no Landlock: the inspector is confined by seccomp alone");
    }
  g_unlink (image);
}

static void
test_inspector_sandbox (void)
{
  probe_inspector (shared_server (), FALSE);
}

static void
configure_no_landlock (PzConfig *config,
                       gpointer  data)
{
  g_free (config->inspect_program);
  config->inspect_program = g_strdup (data);
}

/* Without Landlock the inspector still confines itself, the server says
 * so in its log, and uploads go on. */
static void
test_inspector_without_landlock (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pz-faults-XXXXXX", NULL);
  g_autofree char *script = g_build_filename (dir, "inspect.sh", NULL);
  g_autofree char *text = g_strdup_printf ("#!/bin/sh\nexec '%s' --without-landlock '%s' \"$@\"\n", self_path,
                                           g_getenv ("PERIZINAN_INSPECT"));
  g_autoptr(GBytes) png = pz_test_png (120, 90);
  PzTestServer *ts;
  gint64 id;

  probe_inspector (shared_server (), TRUE);
  g_assert_true (g_file_set_contents (script, text, -1, NULL));
  g_chmod (script, 0755);
  ts = pz_test_server_start_configured (NULL, configure_no_landlock, script);
  id = pz_test_register (ts, pz_test_login (ts, "front_office"), "PBG", "new");
  {
    g_autoptr(PzResponse) r = upload (ts, id, "ktp", png);
    g_assert_cmpuint (r->status, ==, 201);
  }
  g_assert_true (logged ("confined by seccomp only: this kernel has no Landlock"));
  pz_test_server_free (ts);
  g_unlink (script);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 3 && g_str_equal (argv[1], "--hold-write-lock"))
    return hold_write_lock (argv[2]);
  if (argc > 2 && g_str_equal (argv[1], "--without-landlock"))
    return without_landlock (argv + 2);

  self_path = argv[0];
  g_test_init (&argc, &argv, NULL);
  /* the faults make the server warn: those warnings are checked, not
   * fatal; any other warning still is */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  g_log_set_default_handler (other_warnings_fatal, NULL);
  log_text = g_string_new (NULL);
  g_log_set_handler ("pz-server", G_LOG_LEVEL_MASK, capture_log, NULL);
  g_log_set_handler ("pz-engine", G_LOG_LEVEL_MASK, capture_log, NULL);

  g_test_add_func ("/server/faults/data-dir/file-in-the-way", test_data_dir_file);
  g_test_add_func ("/server/faults/data-dir/not-creatable", test_data_dir_not_creatable);
  g_test_add_func ("/server/faults/data-dir/read-only", test_data_dir_read_only);
  g_test_add_func ("/server/faults/data-dir/immutable", test_data_dir_immutable);
  g_test_add_func ("/server/faults/commit-failure", test_commit_failure);
  g_test_add_func ("/server/faults/disk-full", test_disk_full);
  g_test_add_func ("/server/faults/disk-full-tmpfs", test_disk_full_tmpfs);
  g_test_add_func ("/server/faults/stale-temp-files", test_stale_temp_files);
  g_test_add_func ("/server/faults/busy-keeps-sessions", test_busy_keeps_sessions);
  g_test_add_func ("/server/faults/modes", test_modes);
  g_test_add_func ("/server/faults/busy-database", test_busy_database);
  g_test_add_func ("/server/faults/inspection-cap", test_inspection_cap);
  g_test_add_func ("/server/faults/pixel-limit", test_pixel_limit);
  g_test_add_func ("/server/faults/inspector-sandbox", test_inspector_sandbox);
  g_test_add_func ("/server/faults/inspector-without-landlock", test_inspector_without_landlock);
  {
    int ret = g_test_run ();

    g_clear_pointer (&shared, pz_test_server_free);
    g_string_free (log_text, TRUE);
    return ret;
  }
}
