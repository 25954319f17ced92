/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The database of a test server, whichever engine it is on: a suite runs
 * on SQLite, or (PZ_TEST_POSTGRESQL=1) on a throwaway PostgreSQL cluster
 * with a database per data directory; and what a test does to it beside
 * the server. */
#include "config.h"

#include <glib/gstdio.h>
#include <unistd.h>

#include "pz-db.h"
#include "pz-test-pg.h"
#include "pz-test-server.h"

/**
 * pz_test_on_postgresql:
 *
 * Whether the suite runs its servers on PostgreSQL (PZ_TEST_POSTGRESQL=1):
 * then each data directory gets a database of its own on a throwaway
 * cluster, and what only SQLite has is not tried.
 */
gboolean
pz_test_on_postgresql (void)
{
  return g_strcmp0 (g_getenv ("PZ_TEST_POSTGRESQL"), "1") == 0;
}

/* The database of a data directory on the suite's cluster: made at the
 * directory's first server, named in a file the directory keeps, so that
 * a restarted server finds its office again. */
static char *
database_of (const char *dir)
{
  static guint made;
  g_autofree char *marker = g_build_filename (dir, "test-database", NULL);
  g_autofree char *name = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_file_get_contents (marker, &name, NULL, NULL))
    {
      g_autofree char *sql = NULL;
      PzDb *db;

      name = g_strdup_printf ("office_%u_%u", (guint) getpid (), ++made);
      sql = g_strdup_printf ("CREATE DATABASE %s", name);
      db = pz_db_open (pz_test_pg_start (), PZ_DB_OPEN_DEFAULT, &error);
      g_assert_no_error (error);
      pz_db_exec (db, sql, &error);
      g_assert_no_error (error);
      pz_db_close (db);
      g_mkdir_with_parents (dir, 0700);
      g_file_set_contents (marker, name, -1, &error);
      g_assert_no_error (error);
    }
  return pz_test_pg_uri_for (pz_test_pg_get (), "perizinan", NULL, name);
}

/**
 * pz_test_server_db_location:
 * @ts: a test server, running or stopped
 *
 * Returns: (transfer full): its database: the SQLite file in its data
 *   directory, or its PostgreSQL URI
 */
char *
pz_test_server_db_location (PzTestServer *ts)
{
  return pz_test_db_location (pz_test_server_get_dir (ts));
}

/* The same for the data directory @dir, whether a server ran on it yet or not. */
char *
pz_test_db_location (const char *dir)
{
  return pz_test_on_postgresql () ? database_of (dir) : g_build_filename (dir, "perizinan.db", NULL);
}

static void
skip_on_postgresql (gconstpointer data)
{
  g_test_skip ("what SQLite alone has");
}

/**
 * pz_test_add_func_sqlite:
 *
 * g_test_add_func() for a test of what only the SQLite store has (its
 * file, its locks, its backup); skipped when the suite runs on PostgreSQL.
 */
void
pz_test_add_func_sqlite (const char *path,
                         GTestFunc   func)
{
  if (pz_test_on_postgresql ())
    g_test_add_data_func (path, NULL, skip_on_postgresql);
  else
    g_test_add_func (path, func);
}

static PzDbStmt *
run_sql (PzDb       *db,
         const char *sql)
{
  g_autoptr(GError) error = NULL;
  PzDbStmt *stmt = pz_db_prepare (db, sql, &error);

  g_assert_no_error (error);
  pz_db_set_busy_timeout (db, 10000);
  return stmt;
}

/**
 * pz_test_server_sql:
 * @ts: a test server, running or stopped
 * @sql: one statement, in the SQL both engines read
 *
 * Does to its database what a damaged row, an older server or another
 * writer would have done, as another connection.
 *
 * Returns: the rows it changed
 */
gint64
pz_test_server_sql (PzTestServer *ts,
                    const char   *sql)
{
  g_autofree char *location = pz_test_server_db_location (ts);
  g_autoptr(GError) error = NULL;
  PzDb *db = pz_db_open (location, PZ_DB_OPEN_DEFAULT, &error);
  PzDbStmt *stmt;
  gint64 changes;

  g_assert_no_error (error);
  stmt = run_sql (db, sql);
  while (pz_db_step (stmt, &error) == PZ_DB_STEP_ROW)
    ;
  g_assert_no_error (error);
  changes = pz_db_changes (db);
  pz_db_close (db);
  return changes;
}

/**
 * pz_test_server_sql_row:
 * @ts: a test server, running or stopped
 * @sql: a query of one row
 *
 * Returns: (transfer full): its columns as text (%NULL for NULL), with as
 *   many elements as columns, or %NULL if it gave no row
 */
GPtrArray *
pz_test_server_sql_row (PzTestServer *ts,
                        const char   *sql)
{
  g_autofree char *location = pz_test_server_db_location (ts);

  return pz_test_sql_row (location, sql);
}

/* As pz_test_server_sql_row(), on the database at @location. */
GPtrArray *
pz_test_sql_row (const char *location,
                 const char *sql)
{
  g_autoptr(GError) error = NULL;
  PzDb *db = pz_db_open (location, PZ_DB_OPEN_READ_ONLY, &error);
  GPtrArray *row = NULL;
  PzDbStmt *stmt;

  g_assert_no_error (error);
  stmt = run_sql (db, sql);
  if (pz_db_step (stmt, &error) == PZ_DB_STEP_ROW)
    {
      row = g_ptr_array_new_with_free_func (g_free);
      for (int i = 0; i < pz_db_column_count (stmt); i++)
        g_ptr_array_add (row, pz_db_column_is_null (stmt, i) ? NULL : g_strdup (pz_db_column_text (stmt, i)));
      pz_db_reset (stmt);
    }
  g_assert_no_error (error);
  pz_db_close (db);
  return row;
}

/* The first column of the one row of @sql, as an integer. */
gint64
pz_test_server_sql_int (PzTestServer *ts,
                        const char   *sql)
{
  g_autofree char *location = pz_test_server_db_location (ts);

  return pz_test_sql_int (location, sql);
}

gint64
pz_test_sql_int (const char *location,
                 const char *sql)
{
  g_autoptr(GPtrArray) row = pz_test_sql_row (location, sql);

  g_assert_nonnull (row);
  g_assert_nonnull (row->pdata[0]);
  return g_ascii_strtoll (row->pdata[0], NULL, 10);
}
