/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A throwaway PostgreSQL cluster for the tests and the benchmark.
 *
 * The server programs refuse to run as root, so as root they run as
 * "nobody", in a folder it owns.  A watchdog (a shell in a session of its
 * own, reading a pipe this process holds) stops the server and removes
 * the folder once the pipe closes: at a normal exit, after an abort of a
 * failed assertion, after a kill. */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "pz-test-pg.h"

#define SUPERUSER "perizinan"
#define DATABASE  "perizinan"

struct _PzTestPg
{
  char  *dir;
  char  *bindir;
  char  *uri;
  char **run_as;  /* the argv prefix that drops root, or empty */
  int    watchdog;
};

static char *
find_bindir (void)
{
  g_autofree char *out = NULL;
  g_autofree char *initdb = NULL;
  const char * const argv[] = { "pg_config", "--bindir", NULL };

  if (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                    NULL, NULL, &out, NULL, NULL, NULL) && out)
    {
      g_strstrip (out);
      initdb = g_build_filename (out, "initdb", NULL);
      if (g_file_test (initdb, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&out);
    }
  return g_strdup ("/usr/lib/postgresql/15/bin");
}

static gboolean
run (PzTestPg   *pg,
     GError    **error,
     const char *program,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *arg;
  va_list args;
  int status;

  for (char **p = pg->run_as; *p; p++)
    g_ptr_array_add (argv, g_strdup (*p));
  g_ptr_array_add (argv, g_build_filename (pg->bindir, program, NULL));
  va_start (args, program);
  while ((arg = va_arg (args, const char *)))
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (pg->dir, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH,
                     NULL, NULL, &out, &err, &status, error))
    return FALSE;
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_set_error (error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED, "%s failed: %s%s",
                   program, g_strstrip (err), g_strstrip (out));
      return FALSE;
    }
  return TRUE;
}

static void
new_session (gpointer data)
{
  setsid ();
}

static gboolean
start_watchdog (PzTestPg *pg,
                GError  **error)
{
  /* $1 the folder, $2 the programs, then the prefix that drops root */
  static const char script[] =
    "read _ignored\n"
    "[ -d \"$1\" ] || exit 0\n"
    "dir=$1; bin=$2; shift 2\n"
    "\"$@\" \"$bin/pg_ctl\" -D \"$dir/data\" -m immediate -w stop\n"
    "rm -rf \"$dir\"\n";
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (char *) "sh");
  g_ptr_array_add (argv, (char *) "-c");
  g_ptr_array_add (argv, (char *) script);
  g_ptr_array_add (argv, (char *) "sh");
  g_ptr_array_add (argv, pg->dir);
  g_ptr_array_add (argv, pg->bindir);
  for (char **p = pg->run_as; *p; p++)
    g_ptr_array_add (argv, *p);
  g_ptr_array_add (argv, NULL);
  return g_spawn_async_with_pipes ("/", (char **) argv->pdata, NULL,
                                   G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                                   new_session, NULL, NULL, &pg->watchdog, NULL, NULL, error);
}

static gboolean
append_file (const char *path,
             const char *text,
             GError    **error)
{
  g_autofree char *old = NULL;
  g_autofree char *all = NULL;

  if (!g_file_get_contents (path, &old, NULL, error))
    return FALSE;
  all = g_strconcat (old, "\n", text, NULL);
  return g_file_set_contents (path, all, -1, error);
}

PzTestPg *
pz_test_pg_new (const char *parent,
                gboolean    durable,
                GError    **error)
{
  return pz_test_pg_new_with (parent, durable, NULL, error);
}

PzTestPg *
pz_test_pg_new_with (const char *parent,
                     gboolean    durable,
                     const char *settings_more,
                     GError    **error)
{
  g_autoptr(GError) local = NULL;
  g_autofree char *template = NULL;
  g_autofree char *data = NULL;
  g_autofree char *log = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *hba = NULL;
  g_autofree char *settings = NULL;
  PzTestPg *pg = g_new0 (PzTestPg, 1);

  pg->watchdog = -1;
  pg->bindir = find_bindir ();
  template = g_build_filename (parent ? parent : g_get_tmp_dir (), "pz-pg-XXXXXX", NULL);
  if (!(pg->dir = g_mkdtemp (g_steal_pointer (&template))))
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                   "No folder for the cluster: %s", g_strerror (errno));
      pz_test_pg_free (pg);
      return NULL;
    }
  if (geteuid () == 0)
    {
      struct passwd *nobody = getpwnam ("nobody");

      if (nobody == NULL || chown (pg->dir, nobody->pw_uid, nobody->pw_gid) != 0)
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_PERM,
                       "As root, the cluster runs as nobody, who cannot own %s", pg->dir);
          pz_test_pg_free (pg);
          return NULL;
        }
      pg->run_as = g_new0 (char *, 6);
      pg->run_as[0] = g_strdup ("setpriv");
      pg->run_as[1] = g_strdup_printf ("--reuid=%u", (unsigned) nobody->pw_uid);
      pg->run_as[2] = g_strdup_printf ("--regid=%u", (unsigned) nobody->pw_gid);
      pg->run_as[3] = g_strdup ("--clear-groups");
      pg->run_as[4] = g_strdup ("--");
    }
  else
    pg->run_as = g_new0 (char *, 1);
  if (!start_watchdog (pg, error))
    {
      pz_test_pg_free (pg);
      return NULL;
    }

  data = g_build_filename (pg->dir, "data", NULL);
  log = g_build_filename (pg->dir, "server.log", NULL);
  if (!run (pg, error, "initdb", "-D", data, "-U", SUPERUSER, "-A", "trust", "-E", "UTF8",
            "--no-locale", durable ? NULL : "--no-sync", NULL))
    {
      pz_test_pg_free (pg);
      return NULL;
    }

  /* no TCP at all; shared memory in files, where a chroot has no /dev/shm */
  conf = g_build_filename (data, "postgresql.conf", NULL);
  settings = g_strdup_printf ("listen_addresses = ''\n"
                              "unix_socket_directories = '%s'\n"
                              "dynamic_shared_memory_type = mmap\n"
                              "max_connections = 40\n"
                              "fsync = %s\n"
                              "synchronous_commit = %s\n"
                              "full_page_writes = %s\n"
                              "%s\n",
                              pg->dir, durable ? "on" : "off", durable ? "on" : "off", durable ? "on" : "off",
                              settings_more ? settings_more : "");
  hba = g_build_filename (data, "pg_hba.conf", NULL);
  if (!append_file (conf, settings, error) ||
      !g_file_set_contents (hba, "local all " PZ_TEST_PG_PASSWORD_ROLE " scram-sha-256\n"
                            "local all all trust\n", -1, error))
    {
      pz_test_pg_free (pg);
      return NULL;
    }
  if (!run (pg, error, "pg_ctl", "-D", data, "-l", log, "-w", "-t", "60", "-s", "start", NULL) ||
      !run (pg, error, "createdb", "-h", pg->dir, "-U", SUPERUSER, DATABASE, NULL))
    {
      g_autofree char *text = NULL;

      if (g_file_get_contents (log, &text, NULL, NULL))
        g_prefix_error (error, "%s\n", text);
      pz_test_pg_free (pg);
      return NULL;
    }
  pg->uri = pz_test_pg_uri_for (pg, SUPERUSER, NULL, DATABASE);
  return pg;
}

const char *
pz_test_pg_uri (PzTestPg *pg)
{
  return pg->uri;
}

const char *
pz_test_pg_dir (PzTestPg *pg)
{
  return pg->dir;
}

char *
pz_test_pg_uri_for (PzTestPg   *pg,
                    const char *user,
                    const char *password,
                    const char *dbname)
{
  g_autofree char *host = g_uri_escape_string (pg->dir, "/", FALSE);
  g_autofree char *secret = password ? g_uri_escape_string (password, NULL, FALSE) : NULL;

  return g_strdup_printf ("postgresql://%s%s%s@/%s?host=%s", user, secret ? ":" : "",
                          secret ? secret : "", dbname, host);
}

void
pz_test_pg_free (PzTestPg *pg)
{
  g_autofree char *data = NULL;

  if (pg == NULL)
    return;
  if (pg->dir && pg->run_as)
    {
      g_autoptr(GError) error = NULL;

      data = g_build_filename (pg->dir, "data", NULL);
      if (g_file_test (data, G_FILE_TEST_EXISTS) &&
          !run (pg, &error, "pg_ctl", "-D", data, "-m", "immediate", "-w", "-s", "stop", NULL))
        g_debug ("%s", error->message);
    }
  if (pg->dir)
    {
      const char * const argv[] = { "rm", "-rf", pg->dir, NULL };

      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
    }
  if (pg->watchdog >= 0)
    close (pg->watchdog);
  g_strfreev (pg->run_as);
  g_free (pg->dir);
  g_free (pg->bindir);
  g_free (pg->uri);
  g_free (pg);
}

static PzTestPg *the_cluster;

void
pz_test_pg_stop (void)
{
  g_clear_pointer (&the_cluster, pz_test_pg_free);
}

const char *
pz_test_pg_start (void)
{
  g_autoptr(GError) error = NULL;

  if (the_cluster)
    return the_cluster->uri;
  the_cluster = pz_test_pg_new (NULL, FALSE, &error);
  g_assert_no_error (error);
  atexit (pz_test_pg_stop);
  return the_cluster->uri;
}

PzTestPg *
pz_test_pg_get (void)
{
  return the_cluster;
}
