/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The PostgreSQL driver's round trips: statements sent together in a
 * pipeline, and the count of round trips the benchmark reads.
 *
 * PZ_DB_ROUND_TRIPS_FILE, if set, names a file that is rewritten with the
 * number of round trips the process has made to its databases after each
 * of them: the benchmark counts what an action costs with it.
 */
#define G_LOG_DOMAIN "pz-db"

#include "config.h"

#include <libpq-fe.h>

#include "pz-db-postgresql.h"

static gint64 round_trips;
static GMutex round_trips_lock;

void
pz_db_postgresql_round_trip (void)
{
  static const char *file;
  static gsize checked;
  g_autofree char *text = NULL;

  if (g_once_init_enter (&checked))
    {
      file = g_getenv ("PZ_DB_ROUND_TRIPS_FILE");
      g_once_init_leave (&checked, 1);
    }
  if (file == NULL || *file == '\0')
    return;
  g_mutex_lock (&round_trips_lock);
  text = g_strdup_printf ("%" G_GINT64_FORMAT "\n", ++round_trips);
  g_file_set_contents_full (file, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, NULL);
  g_mutex_unlock (&round_trips_lock);
}

/* The next query's result, read to its end (NULL once the connection
 * fails). */
PGresult *
pz_db_postgresql_next_result (PGconn *conn)
{
  PGresult *result = PQgetResult (conn);
  PGresult *more;

  if (result == NULL || PQresultStatus (result) == PGRES_PIPELINE_SYNC)
    return result;
  while ((more = PQgetResult (conn)))
    PQclear (more);
  return result;
}

/* Without a pipeline (not to be: the connection is idle between
 * statements): the waiting statements in one simple query, then the
 * statement. */
static PGresult *
run_one_by_one (PGconn             *conn,
                GPtrArray          *later,
                const char         *name,
                int                 n_params,
                const char * const *values,
                const int          *lengths,
                const int          *formats)
{
  g_autoptr(GString) all = g_string_new (NULL);
  PGresult *result;

  for (guint i = 0; i < later->len; i++)
    g_string_append_printf (all, "%s%s", i ? "; " : "", (const char *) g_ptr_array_index (later, i));
  pz_db_postgresql_round_trip ();
  result = PQexec (conn, all->str);
  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    return result;
  PQclear (result);
  pz_db_postgresql_round_trip ();
  return PQexecPrepared (conn, name, n_params, values, lengths, formats, 0);
}

PGresult *
pz_db_postgresql_run_after (PGconn             *conn,
                            GPtrArray          *later,
                            const char         *name,
                            int                 n_params,
                            const char * const *values,
                            const int          *lengths,
                            const int          *formats)
{
  PGresult *failed = NULL;
  PGresult *result = NULL;
  PGresult *got;
  gboolean sent = TRUE;

  if (!PQenterPipelineMode (conn))
    return run_one_by_one (conn, later, name, n_params, values, lengths, formats);
  pz_db_postgresql_round_trip ();
  for (guint i = 0; sent && i < later->len; i++)
    sent = PQsendQueryParams (conn, g_ptr_array_index (later, i), 0, NULL, NULL, NULL, NULL, 0);
  sent = sent && PQsendQueryPrepared (conn, name, n_params, values, lengths, formats, 0);
  /* ends the pipeline and sends it (also after a failed send, so that
   * what was queued is answered and the pipeline can end) */
  sent = PQpipelineSync (conn) && sent;
  for (guint i = 0; sent && i <= later->len; i++)
    {
      if (!(got = pz_db_postgresql_next_result (conn)))
        break;
      if (i == later->len)
        result = got;
      else if (failed == NULL && PQresultStatus (got) != PGRES_COMMAND_OK)
        failed = got;
      else
        PQclear (got);
    }
  /* to the end of the pipeline */
  while ((got = PQgetResult (conn)))
    {
      gboolean end = PQresultStatus (got) == PGRES_PIPELINE_SYNC;

      PQclear (got);
      if (end)
        break;
    }
  PQexitPipelineMode (conn);
  if (failed)
    {
      g_clear_pointer (&result, PQclear);
      return failed;
    }
  return result;
}
