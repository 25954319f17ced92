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

#include "pz-bench-commits.h"
#include "pz-db.h"
#include "pz-test-pg.h"

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
  if (!pz_bench_pg_prepare (pz_test_pg_uri (pg), &error) ||
      !(db = pz_db_open (pz_test_pg_uri (pg), PZ_DB_OPEN_DEFAULT, &error)))
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
    {
      PzBenchCommitRate rate;

      if (!pz_bench_pg_commits (pz_test_pg_uri (pg), rounds[i], seconds, &rate, &error))
        {
          g_printerr ("%s\n", error->message);
          pz_db_close (db);
          pz_test_pg_free (pg);
          return 1;
        }
      printf ("%11d  %9u  %9.0f  %8.2f  %8.2f\n", rounds[i], rate.commits, rate.per_second, rate.p50_ms,
              rate.p99_ms);
      fflush (stdout);
    }
  pz_db_close (db);
  pz_test_pg_free (pg);
  return 0;
}
