/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PostgreSQL's own durable commit rate: the limit of what any server on it
 * can acknowledge. */
#include "config.h"

#include "pz-bench-commits.h"
#include "pz-db.h"

gboolean
pz_bench_pg_prepare (const char *uri,
                     GError    **error)
{
  PzDb *db = pz_db_open (uri, PZ_DB_OPEN_DEFAULT, error);
  gboolean ok;

  if (db == NULL)
    return FALSE;
  ok = pz_db_exec (db, "CREATE TABLE IF NOT EXISTS bench (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                   "worker int NOT NULL, at bigint NOT NULL, payload text NOT NULL)", error);
  pz_db_close (db);
  return ok;
}

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

/**
 * pz_bench_pg_commits:
 * @uri: a database with the table of pz_bench_pg_prepare()
 * @connections: how many commit at once, each as fast as it can
 * @seconds: for how long
 * @out: (out): what was measured
 *
 * Small durable transactions: BEGIN, one INSERT of about 200 bytes, COMMIT.
 */
gboolean
pz_bench_pg_commits (const char        *uri,
                     int                connections,
                     int                seconds,
                     PzBenchCommitRate *out,
                     GError           **error)
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
  out->commits = all->len;
  out->per_second = all->len / (elapsed / (double) G_USEC_PER_SEC);
  out->p50_ms = percentile_ms (all, 0.50);
  out->p99_ms = percentile_ms (all, 0.99);
  return TRUE;
}

