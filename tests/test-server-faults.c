/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Faults and confinement: a data directory the server cannot use, a
 * commit or a disk that fails, unfinished uploads, the modes of what the
 * server writes and another program holding the database; over a real
 * loopback socket, and with the server binary where its exit matters.
 * The document inspector's limits and sandbox are test-server-inspector.c. */
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

#include "pz-db.h"
#include "pz-demo.h"
#include "pz-test-faults.h"

static const char *self_path;

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

/* Statements run on the server's database beside it, in its engine's dialect. */
static void
exec_sql (PzTestServer *ts,
          const char   *sqlite_sql,
          const char   *postgresql_sql)
{
  g_autofree char *location = pz_test_server_db_location (ts);
  g_autoptr(GError) error = NULL;
  PzDb *db = pz_db_open (location, PZ_DB_OPEN_DEFAULT, &error);

  g_assert_no_error (error);
  pz_db_set_busy_timeout (db, 5000);
  if (!pz_db_exec (db, pz_test_on_postgresql () ? postgresql_sql : sqlite_sql, &error))
    g_error ("%s", error->message);
  pz_db_close (db);
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
  g_autoptr(PzResponse) r = NULL;
  gint64 version;

  pz_test_drive_to (ts, id, "kasi_verification");
  version = version_of (ts, id);
  /* a constraint checked only at COMMIT, broken by every new event */
  exec_sql (ts, "CREATE TABLE fault_target (id INTEGER PRIMARY KEY);"
            "CREATE TABLE fault_sink (ref INTEGER REFERENCES fault_target (id) DEFERRABLE INITIALLY DEFERRED);"
            "CREATE TRIGGER fault_on_event AFTER INSERT ON events BEGIN INSERT INTO fault_sink VALUES (1); END;",
            "CREATE TABLE fault_target (id bigint PRIMARY KEY);"
            "CREATE TABLE fault_sink (ref bigint REFERENCES fault_target (id) DEFERRABLE INITIALLY DEFERRED);"
            "CREATE FUNCTION fault_sink_one () RETURNS trigger LANGUAGE plpgsql AS $$"
            " BEGIN INSERT INTO fault_sink VALUES (1); RETURN NEW; END $$;"
            "CREATE TRIGGER fault_on_event AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION fault_sink_one ();");

  r = pz_test_act (ts, pz_test_login (ts, "kasi"), id, "approve", version, NULL, NULL);
  g_test_message ("failed commit: %u %.*s", r->status, (int) g_bytes_get_size (r->body),
                  (const char *) g_bytes_get_data (r->body, NULL));
  g_assert_cmpuint (r->status, ==, 500);
  g_assert_cmpstr (r->content_type, ==, "application/json");
  assert_one_error_body (r, "internal");
  g_assert_true (logged ("Cannot commit"));

  exec_sql (ts, "DROP TRIGGER fault_on_event;", "DROP TRIGGER fault_on_event ON events;");
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
  gint64 id, doc_file, numbered;
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
  /* numbering writes the permit's PDF beside the database */
  numbered = pz_test_register (ts, pz_test_login (ts, "front_office"), "SIP-DOKTER", "new");
  pz_test_drive_to (ts, numbered, "numbering");
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
  {
    g_autoptr(PzResponse) number = pz_test_act (ts, pz_test_login (ts, "back_office"), numbered, "approve",
                                                version_of (ts, numbered), NULL, NULL);

    g_test_message ("numbering on a full tmpfs: %u %s", number->status, error_message (number));
    g_assert_cmpuint (number->status, ==, 507);
    assert_one_error_body (number, "disk_full");
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

int
main (int   argc,
      char *argv[])
{
  if (argc == 3 && g_str_equal (argv[1], "--hold-write-lock"))
    return hold_write_lock (argv[2]);

  self_path = argv[0];
  g_test_init (&argc, &argv, NULL);
  faults_log_init ();

  g_test_add_func ("/server/faults/data-dir/file-in-the-way", test_data_dir_file);
  g_test_add_func ("/server/faults/data-dir/not-creatable", test_data_dir_not_creatable);
  pz_test_add_func_sqlite ("/server/faults/data-dir/read-only", test_data_dir_read_only);
  g_test_add_func ("/server/faults/data-dir/immutable", test_data_dir_immutable);
  g_test_add_func ("/server/faults/commit-failure", test_commit_failure);
  pz_test_add_func_sqlite ("/server/faults/disk-full", test_disk_full);
  pz_test_add_func_sqlite ("/server/faults/disk-full-tmpfs", test_disk_full_tmpfs);
  pz_test_add_func_sqlite ("/server/faults/stale-temp-files", test_stale_temp_files);
  pz_test_add_func_sqlite ("/server/faults/busy-keeps-sessions", test_busy_keeps_sessions);
  pz_test_add_func_sqlite ("/server/faults/modes", test_modes);
  pz_test_add_func_sqlite ("/server/faults/busy-database", test_busy_database);
  {
    int ret = g_test_run ();

    faults_log_clear ();
    return ret;
  }
}
