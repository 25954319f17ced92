/* SPDX-License-Identifier: GPL-3.0-or-later */
/* perizinan-bench-pg: how many durable commits PostgreSQL itself makes.
 *
 * A throwaway cluster is made in the folder given (on the disk to be
 * measured), with fsync and synchronous_commit on, as in production.  Then
 * 1, 4 and 16 connections each commit small transactions as fast as they
 * can (BEGIN, one INSERT of a row of about 200 bytes, COMMIT) through
 * pz-db, for a while each; the table shows commits per second and the
 * latency of one transaction. */
#include "config.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>

#include "pz-db.h"
#include "pz-test-pg.h"

typedef struct
{
  const char *uri;
  gint64      deadline;
  int         id;
  GArray     *latencies;  /* µs of each commit */
  GError     *error;
} Worker;

static gpointer
worker_run (gpointer data)
{
  Worker *w = data;
  g_autofree char *payload = NULL;
  PzDb *db = pz_db_open (w->uri, PZ_DB_OPEN_DEFAULT, &w->error);
  PzDbStmt *insert;

  if (db == NULL)
    return NULL;
  /* about 200 bytes, as one history row of a permit file */
  payload = g_strdup_printf ("%-190s%08d", "loket: berkas diterima, lengkap; diteruskan ke bidang teknis", w->id);
  insert = pz_db_prepare (db, "INSERT INTO bench (worker, at, payload) VALUES (?, ?, ?)", &w->error);
  while (insert && g_get_monotonic_time () < w->deadline)
    {
      gint64 start = g_get_monotonic_time ();
      gint64 took;

      if (!pz_db_exec (db, "BEGIN", &w->error))
        break;
      pz_db_bind_int64 (insert, 1, w->id);
      pz_db_bind_int64 (insert, 2, g_get_real_time ());
      pz_db_bind_text (insert, 3, payload);
      if (pz_db_step (insert, &w->error) != PZ_DB_STEP_DONE || !pz_db_exec (db, "COMMIT", &w->error))
        break;
      took = g_get_monotonic_time () - start;
      g_array_append_val (w->latencies, took);
    }
  pz_db_close (db);
  return NULL;
}

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static double
percentile_ms (GArray *sorted,
               double  p)
{
  gsize i;

  if (sorted->len == 0)
    return 0.0;
  i = MIN ((gsize) (p * sorted->len), sorted->len - 1);
  return g_array_index (sorted, gint64, i) / 1000.0;
}

static gboolean
run_round (const char *uri,
           int         connections,
           int         seconds,
           GError    **error)
{
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree Worker *workers = g_new0 (Worker, connections);
  g_autofree GThread **threads = g_new0 (GThread *, connections);
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed;
  gboolean ok = TRUE;

  for (int i = 0; i < connections; i++)
    {
      workers[i].uri = uri;
      workers[i].deadline = start + (gint64) seconds * G_USEC_PER_SEC;
      workers[i].id = i;
      workers[i].latencies = g_array_new (FALSE, FALSE, sizeof (gint64));
      threads[i] = g_thread_new ("bench-pg", worker_run, &workers[i]);
    }
  for (int i = 0; i < connections; i++)
    {
      g_thread_join (threads[i]);
      g_array_append_vals (all, workers[i].latencies->data, workers[i].latencies->len);
      g_array_unref (workers[i].latencies);
      if (workers[i].error && ok)
        {
          g_propagate_error (error, workers[i].error);
          ok = FALSE;
        }
      else
        g_clear_error (&workers[i].error);
    }
  elapsed = g_get_monotonic_time () - start;
  if (!ok)
    return FALSE;
  g_array_sort (all, compare_int64);
  printf ("%11d  %9u  %9.0f  %8.2f  %8.2f\n", connections, all->len,
          all->len / (elapsed / (double) G_USEC_PER_SEC),
          percentile_ms (all, 0.50), percentile_ms (all, 0.99));
  fflush (stdout);
  return TRUE;
}

static void
print_setting (PzDb       *db,
               const char *name)
{
  g_autofree char *sql = g_strdup_printf ("SELECT current_setting('%s')", name);
  PzDbStmt *stmt = pz_db_prepare (db, sql, NULL);

  if (stmt && pz_db_step (stmt, NULL) == PZ_DB_STEP_ROW)
    printf ("  %s = %s\n", name, pz_db_column_text (stmt, 0));
  if (stmt)
    pz_db_reset (stmt);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *folder = NULL;
  int seconds = 10;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "dir", 'd', 0, G_OPTION_ARG_FILENAME, &folder,
      "Folder to make the cluster in, on the disk to measure (default: /var/tmp)", "DIR" },
    { "seconds", 's', 0, G_OPTION_ARG_INT, &seconds, "Seconds of each round (default: 10)", "N" },
    { NULL }
  };
  const int rounds[] = { 1, 4, 16 };
  PzTestPg *pg;
  PzDb *db;

  context = g_option_context_new ("— PostgreSQL's durable commit rate");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || seconds < 1)
    {
      g_printerr ("%s\n", error ? error->message : "--seconds must be at least 1");
      return 2;
    }
  if (!(pg = pz_test_pg_new (folder ? folder : "/var/tmp", TRUE, &error)))
    {
      g_printerr ("No cluster: %s\n", error->message);
      return 1;
    }
  if (!(db = pz_db_open (pz_test_pg_uri (pg), PZ_DB_OPEN_DEFAULT, &error)) ||
      !pz_db_exec (db, "CREATE TABLE bench (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                   "worker int NOT NULL, at bigint NOT NULL, payload text NOT NULL)", &error))
    {
      g_printerr ("%s\n", error->message);
      pz_db_close (db);
      pz_test_pg_free (pg);
      return 1;
    }
  printf ("cluster in %s\n", pz_test_pg_dir (pg));
  print_setting (db, "server_version");
  print_setting (db, "fsync");
  print_setting (db, "synchronous_commit");
  print_setting (db, "wal_sync_method");
  print_setting (db, "full_page_writes");
  printf ("%d s per round; one transaction: BEGIN, INSERT of ~200 bytes, COMMIT\n\n", seconds);
  printf ("connections    commits  commits/s  p50 (ms)  p99 (ms)\n");
  for (gsize i = 0; i < G_N_ELEMENTS (rounds); i++)
    if (!run_round (pz_test_pg_uri (pg), rounds[i], seconds, &error))
      {
        g_printerr ("%s\n", error->message);
        pz_db_close (db);
        pz_test_pg_free (pg);
        return 1;
      }
  pz_db_close (db);
  pz_test_pg_free (pg);
  return 0;
}
