/* SPDX-License-Identifier: GPL-3.0-or-later */
/* pz-db on PostgreSQL, against a throwaway cluster: placeholders become
 * $N but not inside literals, values of every kind come back as they went
 * in, errors are told by their kind, a failed transaction stays open until
 * its ROLLBACK, a read-only connection writes nothing, a statement is
 * prepared once, a row lock held elsewhere ends in BUSY, and a password
 * never shows in a message. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "pz-db-postgresql.h"
#include "pz-db.h"
#include "pz-schema-postgresql.h"
#include "pz-store.h"
#include "pz-test-pg.h"

static PzDb *
open_db (PzDbOpenFlags flags)
{
  g_autoptr(GError) error = NULL;
  PzDb *db = pz_db_open (pz_test_pg_start (), flags, &error);

  g_assert_no_error (error);
  g_assert_nonnull (db);
  g_assert_cmpint (pz_db_kind (db), ==, PZ_DB_POSTGRESQL);
  return db;
}

static void
exec_ok (PzDb       *db,
         const char *sql)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (pz_db_exec (db, sql, &error));
  g_assert_no_error (error);
}

static PzDbStmt *
prepare_ok (PzDb       *db,
            const char *sql)
{
  g_autoptr(GError) error = NULL;
  PzDbStmt *stmt = pz_db_prepare (db, sql, &error);

  g_assert_no_error (error);
  g_assert_nonnull (stmt);
  return stmt;
}

static void
step_row (PzDbStmt *stmt)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (pz_db_step (stmt, &error), ==, PZ_DB_STEP_ROW);
  g_assert_no_error (error);
}

static void
step_done (PzDbStmt *stmt)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (pz_db_step (stmt, &error), ==, PZ_DB_STEP_DONE);
  g_assert_no_error (error);
}

static gint64
query_int (PzDb       *db,
           const char *sql)
{
  PzDbStmt *stmt = prepare_ok (db, sql);
  gint64 value;

  step_row (stmt);
  value = pz_db_column_int64 (stmt, 0);
  pz_db_reset (stmt);
  return value;
}

static void
test_rewrite (void)
{
  struct {
    const char *sql;
    const char *expected;
    int         n_params;
  } cases[] = {
    { "SELECT 1", "SELECT 1", 0 },
    { "SELECT ?, ?", "SELECT $1, $2", 2 },
    { "SELECT ?2, ?1, ?", "SELECT $2, $1, $3", 3 },
    { "SELECT '?', ?, 'it''s ?', ?", "SELECT '?', $1, 'it''s ?', $2", 2 },
    { "SELECT \"a?b\" FROM t WHERE x = ?", "SELECT \"a?b\" FROM t WHERE x = $1", 1 },
    { "SELECT E'\\' ?', ?", "SELECT E'\\' ?', $1", 1 },
    { "SELECT ? -- why?\n, ? /* or ? */", "SELECT $1 -- why?\n, $2 /* or ? */", 2 },
    { "SELECT $$ ? $$, $t$ ? $t$, ?", "SELECT $$ ? $$, $t$ ? $t$, $1", 1 },
    { "SELECT ?12", "SELECT $12", 12 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      int n = -1;
      g_autofree char *out = pz_db_postgresql_rewrite (cases[i].sql, &n);

      g_assert_cmpstr (out, ==, cases[i].expected);
      g_assert_cmpint (n, ==, cases[i].n_params);
    }
}

static void
test_safe_uri (void)
{
  g_autofree char *a = pz_db_postgresql_safe_uri ("postgresql://clerk:s3cret@db.local:5432/office?sslmode=require");
  g_autofree char *b = pz_db_postgresql_safe_uri ("postgres://clerk@/office?password=s3cret&host=/run/pg");
  g_autofree char *c = pz_db_postgresql_safe_uri ("postgresql:///office?host=/run/pg&PASSWORD=s3cret");

  g_assert_cmpstr (a, ==, "postgresql://clerk@db.local:5432/office?sslmode=require");
  g_assert_cmpstr (b, ==, "postgres://clerk@/office?host=/run/pg");
  g_assert_cmpstr (c, ==, "postgresql:///office?host=/run/pg");
}

static void
test_connection (void)
{
  PzDb *db = open_db (PZ_DB_OPEN_DEFAULT);
  PzDbStmt *stmt = prepare_ok (db, "SELECT current_setting('application_name'), "
                               "current_setting('synchronous_commit'), "
                               "current_setting('server_encoding'), current_setting('client_encoding')");

  step_row (stmt);
  g_assert_cmpint (pz_db_column_count (stmt), ==, 4);
  g_assert_cmpstr (pz_db_column_text (stmt, 0), ==, "perizinan-server");
  g_assert_cmpstr (pz_db_column_text (stmt, 1), ==, "on");
  g_assert_cmpstr (pz_db_column_text (stmt, 2), ==, "UTF8");
  g_assert_cmpstr (pz_db_column_text (stmt, 3), ==, "UTF8");
  step_done (stmt);
  pz_db_close (db);
}

/* The data version stays while nothing commits, reads included, and moves
 * when another connection's write commits: what the inbox cache keys on. */
static void
test_data_version (void)
{
  PzDb *db = open_db (PZ_DB_OPEN_DEFAULT);
  PzDb *other = open_db (PZ_DB_OPEN_DEFAULT);
  GError *error = NULL;
  gint64 first, again, after;

  g_assert_true (pz_db_exec (other, "CREATE TABLE IF NOT EXISTS version_probe (n bigint)", &error));
  g_assert_no_error (error);
  first = pz_db_data_version (db);
  g_assert_true (pz_db_exec (other, "SELECT count(*) FROM version_probe", &error));
  again = pz_db_data_version (db);
  g_assert_cmpint (again, ==, first);
  g_assert_true (pz_db_exec (other, "INSERT INTO version_probe VALUES (1)", &error));
  g_assert_no_error (error);
  after = pz_db_data_version (db);
  g_assert_cmpint (after, !=, first);
  g_assert_cmpint (pz_db_data_version (db), ==, after);
  pz_db_close (other);
  pz_db_close (db);
}

/* Ends @db's connection from the database's side, as a restart would. */
static void
drop_connection (PzDb *db)
{
  PzDb *admin = open_db (PZ_DB_OPEN_DEFAULT);
  PzDbStmt *pid = prepare_ok (db, "SELECT pg_backend_pid ()");
  PzDbStmt *kill;
  gint64 backend;

  step_row (pid);
  backend = pz_db_column_int64 (pid, 0);
  pz_db_reset (pid);
  kill = prepare_ok (admin, "SELECT pg_terminate_backend (?)");
  pz_db_bind_int64 (kill, 1, backend);
  step_row (kill);
  g_assert_cmpstr (pz_db_column_text (kill, 0), ==, "t");
  pz_db_reset (kill);
  pz_db_close (admin);
  g_usleep (G_USEC_PER_SEC / 10);
}

/* A connection the database dropped is made again before the next
 * statement, with its settings and its prepared statements; a read that
 * met the drop is run again. But one dropped inside a transaction refuses
 * everything until the transaction is rolled back: what it wrote is gone,
 * and nothing may go on as if it were not. */
static void
test_reconnect (void)
{
  PzDb *db = open_db (PZ_DB_OPEN_DEFAULT);
  PzDbStmt *read;
  PzDbStmt *timeout;
  PzDbStmt *insert;
  g_autoptr(GError) error = NULL;

  g_assert_true (pz_db_exec (db, "CREATE TABLE IF NOT EXISTS reconnect_probe (n bigint)", &error));
  g_assert_no_error (error);
  read = prepare_ok (db, "SELECT count(*) FROM reconnect_probe");
  pz_db_set_busy_timeout (db, 1234);
  insert = prepare_ok (db, "INSERT INTO reconnect_probe VALUES (?)");

  /* outside a transaction: the next statement just works */
  drop_connection (db);
  step_row (read);
  g_assert_cmpint (pz_db_column_int64 (read, 0), ==, 0);
  pz_db_reset (read);
  timeout = prepare_ok (db, "SELECT current_setting('lock_timeout')");
  step_row (timeout);
  g_assert_cmpstr (pz_db_column_text (timeout, 0), ==, "1234ms");
  pz_db_reset (timeout);

  /* inside one: refused until the rollback, and the row is gone */
  g_assert_true (pz_db_exec (db, "BEGIN", &error));
  pz_db_bind_int64 (insert, 1, 7);
  step_done (insert);
  drop_connection (db);
  pz_db_bind_int64 (insert, 1, 8);
  g_assert_cmpint (pz_db_step (insert, &error), ==, PZ_DB_STEP_FAILED);
  g_assert_error (error, PZ_DB_ERROR, PZ_DB_ERROR_CANTOPEN);
  g_clear_error (&error);
  g_assert_cmpint (pz_db_step (read, &error), ==, PZ_DB_STEP_FAILED);
  g_assert_error (error, PZ_DB_ERROR, PZ_DB_ERROR_CANTOPEN);
  g_clear_error (&error);
  g_assert_true (pz_db_in_transaction (db));
  g_assert_true (pz_db_exec (db, "ROLLBACK", &error));
  g_assert_no_error (error);
  g_assert_false (pz_db_in_transaction (db));
  step_row (read);
  g_assert_cmpint (pz_db_column_int64 (read, 0), ==, 0);
  pz_db_reset (read);
  pz_db_close (db);

  /* a connection that holds what a session holds stays lost */
  db = open_db (PZ_DB_OPEN_NO_RECONNECT);
  drop_connection (db);
  g_assert_false (pz_db_exec (db, "SELECT 1", &error));
  g_assert_error (error, PZ_DB_ERROR, PZ_DB_ERROR_CANTOPEN);
  pz_db_close (db);
}

static void
test_values (void)
{
  static const guchar zeros[] = { 0x00, 0x01, 0x00, 0xff, 0x5c, 0x78, 0x00 };
  static const guchar fixed[] = { 'P', 'Z', 0x7f, 0x80 };
  const char *utf8 = "Izin Usaha Mikro — Bapak Ñoño, 東京, \xf0\x9f\x93\x84";
  PzDb *db = open_db (PZ_DB_OPEN_DEFAULT);
  PzDbStmt *stmt;
  gconstpointer blob;
  gsize size = 99;
  gint64 first, second;

  exec_ok (db, "CREATE TEMP TABLE v (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
           "n bigint, d double precision, s text, b bytea)");
  stmt = prepare_ok (db, "INSERT INTO v (n, d, s, b) VALUES (?1, ?2, ?3, ?4) RETURNING id");
  pz_db_bind_int64 (stmt, 1, G_MAXINT64);
  pz_db_bind_double (stmt, 2, 0.1);
  pz_db_bind_text (stmt, 3, utf8);
  pz_db_bind_blob (stmt, 4, zeros, sizeof zeros);
  step_row (stmt);
  first = pz_db_column_int64 (stmt, 0);
  step_done (stmt);
  g_assert_cmpint (pz_db_changes (db), ==, 1);

  /* the bindings stay after DONE: only what is bound anew changes */
  pz_db_bind_int64 (stmt, 1, G_MININT64);
  pz_db_bind_null (stmt, 2);
  pz_db_bind_text (stmt, 3, NULL);
  pz_db_bind_blob (stmt, 4, fixed, sizeof fixed);
  step_row (stmt);
  second = pz_db_column_int64 (stmt, 0);
  step_done (stmt);
  g_assert_cmpint (second, ==, first + 1);

  pz_db_bind_int64 (stmt, 1, 0);
  pz_db_bind_double (stmt, 2, -2.5e300);
  pz_db_bind_text (stmt, 3, "");
  pz_db_bind_blob (stmt, 4, "", 0);
  step_row (stmt);
  step_done (stmt);

  stmt = prepare_ok (db, "SELECT n, d, s, b, octet_length(b), id FROM v WHERE id >= ? ORDER BY id");
  pz_db_bind_int64 (stmt, 1, first);
  step_row (stmt);
  g_assert_cmpint (pz_db_column_int64 (stmt, 0), ==, G_MAXINT64);
  g_assert_cmpfloat (pz_db_column_double (stmt, 1), ==, 0.1);
  g_assert_cmpstr (pz_db_column_text (stmt, 2), ==, utf8);
  blob = pz_db_column_blob (stmt, 3, &size);
  g_assert_cmpmem (blob, size, zeros, sizeof zeros);
  g_assert_cmpint (pz_db_column_int64 (stmt, 4), ==, sizeof zeros);
  g_assert_false (pz_db_column_is_null (stmt, 2));

  step_row (stmt);
  g_assert_cmpint (pz_db_column_int64 (stmt, 0), ==, G_MININT64);
  g_assert_true (pz_db_column_is_null (stmt, 1));
  g_assert_cmpfloat (pz_db_column_double (stmt, 1), ==, 0.0);
  g_assert_true (pz_db_column_is_null (stmt, 2));
  g_assert_null (pz_db_column_text (stmt, 2));
  blob = pz_db_column_blob (stmt, 3, &size);
  g_assert_cmpmem (blob, size, fixed, sizeof fixed);

  step_row (stmt);
  g_assert_cmpfloat (pz_db_column_double (stmt, 1), ==, -2.5e300);
  g_assert_false (pz_db_column_is_null (stmt, 2));
  g_assert_cmpstr (pz_db_column_text (stmt, 2), ==, "");
  g_assert_false (pz_db_column_is_null (stmt, 3));
  pz_db_column_blob (stmt, 3, &size);
  g_assert_cmpuint (size, ==, 0);
  step_done (stmt);

  /* a ? in a literal is text; ?N may repeat and come in any order */
  stmt = prepare_ok (db, "SELECT '?' || ?2 || '?', ?1::bigint + ?1::bigint, ?2");
  pz_db_bind_int64 (stmt, 1, 21);
  pz_db_bind_text (stmt, 2, "x");
  step_row (stmt);
  g_assert_cmpstr (pz_db_column_text (stmt, 0), ==, "?x?");
  g_assert_cmpint (pz_db_column_int64 (stmt, 1), ==, 42);
  g_assert_cmpstr (pz_db_column_text (stmt, 2), ==, "x");
  /* ended early: the next step runs it anew */
  pz_db_reset (stmt);
  step_row (stmt);
  g_assert_cmpint (pz_db_column_int64 (stmt, 1), ==, 42);
  step_done (stmt);

  g_assert_cmpint (query_int (db, "SELECT 2 > 1"), ==, 1);
  pz_db_close (db);
}

/* `? IS NULL` says nothing of the type: the value bound tells it */
static void
test_untyped_parameter (void)
{
  PzDb *db = open_db (PZ_DB_OPEN_DEFAULT);
  PzDbStmt *by_code;
  PzDbStmt *by_key;

  exec_ok (db, "CREATE TEMP TABLE w (code text, k bigint); "
           "INSERT INTO w VALUES ('SIP', 1), ('PBG', 2), ('PBG', 3)");
  by_code = prepare_ok (db, "SELECT count(*) FROM w WHERE ? IS NULL OR code = ?1");
  pz_db_bind_text (by_code, 1, "PBG");
  step_row (by_code);
  g_assert_cmpint (pz_db_column_int64 (by_code, 0), ==, 2);
  step_done (by_code);
  pz_db_bind_null (by_code, 1);
  step_row (by_code);
  g_assert_cmpint (pz_db_column_int64 (by_code, 0), ==, 3);
  step_done (by_code);

  /* a NULL first, in a transaction: text is a wrong guess here, and it
   * must not fail the transaction */
  exec_ok (db, "BEGIN");
  by_key = prepare_ok (db, "SELECT count(*) FROM w WHERE ? IS NULL OR k > ?1");
  pz_db_bind_null (by_key, 1);
  step_row (by_key);
  g_assert_cmpint (pz_db_column_int64 (by_key, 0), ==, 3);
  step_done (by_key);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM w"), ==, 3);
  /* nor does a statement that cannot be prepared */
  g_assert_null (pz_db_prepare (db, "SELECT nothing FROM w", NULL));
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM w WHERE k > 1"), ==, 2);
  exec_ok (db, "COMMIT");
  pz_db_bind_int64 (by_key, 1, 1);
  step_row (by_key);
  g_assert_cmpint (pz_db_column_int64 (by_key, 0), ==, 2);
  step_done (by_key);
  pz_db_close (db);
}

static void
test_changes (void)
{
  PzDb *db = open_db (PZ_DB_OPEN_DEFAULT);
  gint64 before = pz_db_total_changes (db);
  PzDbStmt *stmt;

  exec_ok (db, "CREATE TEMP TABLE c (k int PRIMARY KEY, v int); "
           "INSERT INTO c VALUES (1, 0), (2, 0), (3, 0), (4, 0)");
  g_assert_cmpint (pz_db_changes (db), ==, 4);
  stmt = prepare_ok (db, "UPDATE c SET v = v + 1 WHERE k <= ?");
  pz_db_bind_int64 (stmt, 1, 3);
  step_done (stmt);
  g_assert_cmpint (pz_db_changes (db), ==, 3);
  /* a query leaves the count of the last change */
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM c"), ==, 4);
  g_assert_cmpint (pz_db_changes (db), ==, 3);
  stmt = prepare_ok (db, "DELETE FROM c WHERE k = ?");
  pz_db_bind_int64 (stmt, 1, 99);
  step_done (stmt);
  g_assert_cmpint (pz_db_changes (db), ==, 0);
  g_assert_cmpint (pz_db_total_changes (db) - before, ==, 7);
  pz_db_close (db);
}

static void
test_constraint (void)
{
  g_autoptr(GError) error = NULL;
  PzDb *db = open_db (PZ_DB_OPEN_DEFAULT);
  PzDbStmt *stmt;

  exec_ok (db, "CREATE TEMP TABLE u (name text PRIMARY KEY, note text NOT NULL CHECK (note <> ''))");
  stmt = prepare_ok (db, "INSERT INTO u VALUES (?, ?)");
  pz_db_bind_text (stmt, 1, "ani");
  pz_db_bind_text (stmt, 2, "a");
  step_done (stmt);

  g_assert_cmpint (pz_db_step (stmt, &error), ==, PZ_DB_STEP_FAILED);
  g_assert_error (error, PZ_DB_ERROR, PZ_DB_ERROR_CONSTRAINT);
  g_clear_error (&error);

  pz_db_bind_text (stmt, 1, "budi");
  pz_db_bind_null (stmt, 2);
  g_assert_cmpint (pz_db_step (stmt, &error), ==, PZ_DB_STEP_FAILED);
  g_assert_error (error, PZ_DB_ERROR, PZ_DB_ERROR_CONSTRAINT);
  g_clear_error (&error);

  pz_db_bind_text (stmt, 2, "");
  g_assert_cmpint (pz_db_step (stmt, &error), ==, PZ_DB_STEP_FAILED);
  g_assert_error (error, PZ_DB_ERROR, PZ_DB_ERROR_CONSTRAINT);
  g_clear_error (&error);

  /* other errors are FAILED, with the server's words */
  g_assert_null (pz_db_prepare (db, "SELECT * FROM no_such_table", &error));
  g_assert_error (error, PZ_DB_ERROR, PZ_DB_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "no_such_table"));
  pz_db_close (db);
}

static void
test_failed_transaction (void)
{
  g_autoptr(GError) error = NULL;
  PzDb *db = open_db (PZ_DB_OPEN_DEFAULT);
  PzDbStmt *insert;
  PzDbStmt *count;

  exec_ok (db, "CREATE TEMP TABLE f (k int PRIMARY KEY)");
  insert = prepare_ok (db, "INSERT INTO f VALUES (?)");
  count = prepare_ok (db, "SELECT count(*) FROM f");
  g_assert_false (pz_db_in_transaction (db));

  exec_ok (db, "BEGIN");
  g_assert_true (pz_db_in_transaction (db));
  pz_db_bind_int64 (insert, 1, 1);
  step_done (insert);
  g_assert_cmpint (pz_db_step (insert, &error), ==, PZ_DB_STEP_FAILED);
  g_assert_error (error, PZ_DB_ERROR, PZ_DB_ERROR_CONSTRAINT);
  g_clear_error (&error);

  /* aborted: still open, and nothing runs in it until the ROLLBACK */
  g_assert_true (pz_db_in_transaction (db));
  g_assert_cmpint (pz_db_step (count, &error), ==, PZ_DB_STEP_FAILED);
  g_assert_error (error, PZ_DB_ERROR, PZ_DB_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_true (pz_db_in_transaction (db));

  exec_ok (db, "ROLLBACK");
  g_assert_false (pz_db_in_transaction (db));
  step_row (count);
  g_assert_cmpint (pz_db_column_int64 (count, 0), ==, 0);
  step_done (count);
  pz_db_close (db);
}

static void
test_read_only (void)
{
  g_autoptr(GError) error = NULL;
  PzDb *writer = open_db (PZ_DB_OPEN_DEFAULT);
  PzDb *reader = open_db (PZ_DB_OPEN_READ_ONLY);
  PzDbStmt *stmt;

  exec_ok (writer, "CREATE TABLE IF NOT EXISTS ro (k int)");
  exec_ok (writer, "DELETE FROM ro; INSERT INTO ro VALUES (1)");

  g_assert_false (pz_db_exec (reader, "INSERT INTO ro VALUES (2)", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  stmt = prepare_ok (reader, "UPDATE ro SET k = ?");
  pz_db_bind_int64 (stmt, 1, 5);
  g_assert_cmpint (pz_db_step (stmt, &error), ==, PZ_DB_STEP_FAILED);
  g_assert_nonnull (error);
  g_clear_error (&error);

  exec_ok (reader, "BEGIN");
  stmt = prepare_ok (reader, "SELECT current_setting('transaction_isolation')");
  step_row (stmt);
  g_assert_cmpstr (pz_db_column_text (stmt, 0), ==, "repeatable read");
  step_done (stmt);
  exec_ok (reader, "COMMIT");
  g_assert_cmpint (query_int (reader, "SELECT sum(k) FROM ro"), ==, 1);

  exec_ok (writer, "DROP TABLE ro");
  pz_db_close (reader);
  pz_db_close (writer);
}

static void
test_prepared_once (void)
{
  PzDb *db = open_db (PZ_DB_OPEN_DEFAULT);
  const char *sql = "INSERT INTO p (k, v) VALUES (?, ?)";
  PzDbStmt *first = NULL;

  exec_ok (db, "CREATE TEMP TABLE p (k int PRIMARY KEY, v text)");
  for (int i = 0; i < 1000; i++)
    {
      g_autofree char *v = g_strdup_printf ("nomor %d", i);
      PzDbStmt *stmt = prepare_ok (db, sql);

      if (first == NULL)
        first = stmt;
      g_assert_true (stmt == first);
      pz_db_bind_int64 (stmt, 1, i);
      pz_db_bind_text (stmt, 2, v);
      step_done (stmt);
    }
  /* one statement on the server for the INSERT, one for this query */
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM pg_prepared_statements"), ==, 2);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM p WHERE v = 'nomor ' || k"), ==, 1000);
  pz_db_close (db);
}

static void
test_lock_timeout (void)
{
  g_autoptr(GError) error = NULL;
  PzDb *a = open_db (PZ_DB_OPEN_DEFAULT);
  PzDb *b = open_db (PZ_DB_OPEN_DEFAULT);
  PzDbStmt *lock;
  PzDbStmt *update;
  gint64 start;

  exec_ok (a, "DROP TABLE IF EXISTS locked; CREATE TABLE locked (k int PRIMARY KEY, v int); "
           "INSERT INTO locked VALUES (1, 0)");
  exec_ok (a, "BEGIN");
  lock = prepare_ok (a, "SELECT v FROM locked WHERE k = ? FOR UPDATE");
  pz_db_bind_int64 (lock, 1, 1);
  step_row (lock);
  step_done (lock);

  pz_db_set_busy_timeout (b, 200);
  update = prepare_ok (b, "UPDATE locked SET v = v + 1 WHERE k = ?");
  pz_db_bind_int64 (update, 1, 1);
  start = g_get_monotonic_time ();
  g_assert_cmpint (pz_db_step (update, &error), ==, PZ_DB_STEP_FAILED);
  g_assert_error (error, PZ_DB_ERROR, PZ_DB_ERROR_BUSY);
  g_clear_error (&error);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 150 * 1000);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_assert_false (pz_db_in_transaction (b));

  /* once the lock is gone the same statement goes through */
  exec_ok (a, "COMMIT");
  step_done (update);
  g_assert_cmpint (pz_db_changes (b), ==, 1);
  exec_ok (a, "DROP TABLE locked");
  pz_db_close (b);
  pz_db_close (a);
}

static void
test_cantopen (void)
{
  const char *right = "kata-sandi-benar-41";
  const char *wrong = "rahasia-salah-77";
  PzTestPg *pg = pz_test_pg_get ();
  PzDb *admin = open_db (PZ_DB_OPEN_DEFAULT);
  g_autofree char *create = g_strdup_printf ("DROP ROLE IF EXISTS %s; CREATE ROLE %s LOGIN PASSWORD '%s'",
                                             PZ_TEST_PG_PASSWORD_ROLE, PZ_TEST_PG_PASSWORD_ROLE, right);
  g_autofree char *good = pz_test_pg_uri_for (pg, PZ_TEST_PG_PASSWORD_ROLE, right, "perizinan");
  g_autofree char *bad = pz_test_pg_uri_for (pg, PZ_TEST_PG_PASSWORD_ROLE, wrong, "perizinan");
  g_autofree char *missing = pz_test_pg_uri_for (pg, PZ_TEST_PG_PASSWORD_ROLE, right, "no_such_office");
  g_autofree char *in_query = g_strconcat (bad, "&password=", wrong, NULL);
  const char *failing[] = { bad, missing, in_query };
  g_autoptr(GError) error = NULL;
  PzDb *db;

  exec_ok (admin, create);
  db = pz_db_open (good, PZ_DB_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  pz_db_close (db);

  for (gsize i = 0; i < G_N_ELEMENTS (failing); i++)
    {
      g_assert_null (pz_db_open (failing[i], PZ_DB_OPEN_DEFAULT, &error));
      g_assert_error (error, PZ_DB_ERROR, PZ_DB_ERROR_CANTOPEN);
      g_test_message ("%s", error->message);
      g_assert_null (strstr (error->message, wrong));
      g_assert_null (strstr (error->message, right));
      g_assert_nonnull (strstr (error->message, PZ_TEST_PG_PASSWORD_ROLE));
      g_clear_error (&error);
    }
  pz_db_close (admin);
}

static gint64
count_at (PzDb       *db,
          const char *table,
          const char *where)
{
  g_autofree char *sql = g_strdup_printf ("SELECT coalesce(sum(files), 0) FROM %s WHERE %s", table, where);

  return query_int (db, sql);
}

static void
test_schema (void)
{
  g_autoptr(GError) error = NULL;
  PzDb *db = open_db (PZ_DB_OPEN_DEFAULT);
  PzDbStmt *stmt;
  static const guchar packed[] = { 0x78, 0x9c, 0x00, 0x00, 0xff };
  gconstpointer blob;
  gsize size;
  gint64 user, file;

  /* one PostgreSQL migration for each of the store's */
  g_assert_cmpint (pz_schema_postgresql_count (), ==, pz_store_schema_version ());
  exec_ok (db, "DROP SCHEMA IF EXISTS pz_schema CASCADE; CREATE SCHEMA pz_schema; SET search_path TO pz_schema");
  for (int v = 1; v <= pz_schema_postgresql_count (); v++)
    {
      exec_ok (db, "BEGIN");
      if (!pz_db_exec (db, pz_schema_postgresql_migration (v), &error))
        g_error ("migration %d: %s", v, error->message);
      exec_ok (db, "COMMIT");
    }

  /* the ids are made by the database */
  exec_ok (db, "INSERT INTO users (username, full_name, password_hash, created_at) VALUES ('ani', 'Ani', 'x', 1)");
  user = query_int (db, "SELECT id FROM users WHERE username = 'ani'");
  g_assert_cmpint (user, >, 0);
  exec_ok (db, "INSERT INTO permit_types (code, name, workflow, request_types, survey, signing, number_format,"
           " validity_months, service_days) VALUES ('SIP', 'Izin Praktik', 'w', 'new', 0, 'none', 'n', 12, 5)");
  stmt = prepare_ok (db, "INSERT INTO applications (registration_number, permit_type, request_type, applicant_name,"
                     " applicant_nik, applicant_address, applicant_phone, step, status, version, step_entered_at,"
                     " due_at, created_at, updated_at, created_by, updated_by)"
                     " VALUES (?, 'SIP', 'new', 'Budi', '3201', 'Jl. Mawar', '08', ?, 'open', 1, 0, ?, 0, 0, ?4, ?4)"
                     " RETURNING id");
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *number = g_strdup_printf ("REG-%d", i);

      pz_db_bind_text (stmt, 1, number);
      pz_db_bind_text (stmt, 2, "loket");
      if (i < 2)
        pz_db_bind_int64 (stmt, 3, 7200 + i);
      else
        pz_db_bind_null (stmt, 3);
      pz_db_bind_int64 (stmt, 4, user);
      step_row (stmt);
      file = pz_db_column_int64 (stmt, 0);
      step_done (stmt);
    }

  /* the totals follow every insert, move and delete */
  g_assert_cmpint (count_at (db, "step_counts", "step = 'loket'"), ==, 3);
  g_assert_cmpint (count_at (db, "step_due_counts", "step = 'loket' AND hour = 2"), ==, 2);
  exec_ok (db, "UPDATE applications SET step = 'teknis' WHERE registration_number = 'REG-0'");
  g_assert_cmpint (count_at (db, "step_counts", "step = 'loket'"), ==, 2);
  g_assert_cmpint (count_at (db, "step_counts", "step = 'teknis'"), ==, 1);
  g_assert_cmpint (count_at (db, "step_due_counts", "step = 'loket' AND hour = 2"), ==, 1);
  g_assert_cmpint (count_at (db, "step_due_counts", "step = 'teknis' AND hour = 2"), ==, 1);
  exec_ok (db, "UPDATE applications SET due_at = 3600 WHERE registration_number = 'REG-2'");
  g_assert_cmpint (count_at (db, "step_due_counts", "step = 'loket' AND hour = 1"), ==, 1);
  /* a change of neither leaves them be */
  exec_ok (db, "UPDATE applications SET status = 'x'");
  g_assert_cmpint (count_at (db, "step_counts", "true"), ==, 3);
  exec_ok (db, "DELETE FROM applications WHERE registration_number = 'REG-0'");
  g_assert_cmpint (count_at (db, "step_counts", "step = 'teknis'"), ==, 0);
  g_assert_cmpint (count_at (db, "step_due_counts", "step = 'teknis'"), ==, 0);
  g_assert_cmpint (count_at (db, "step_counts", "true"), ==, 2);
  /* a step's rows do not pile up: a slot that comes to nothing goes */
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM step_counts WHERE files = 0"), ==, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM step_due_counts WHERE files = 0"), ==, 0);

  /* two transactions that move files between the same steps at once (two
   * servers' batches) do not wait for each other at the totals */
  {
    PzDb *other = open_db (PZ_DB_OPEN_DEFAULT);

    exec_ok (other, "SET search_path TO pz_schema");
    pz_db_set_busy_timeout (other, 500);
    exec_ok (db, "BEGIN; UPDATE applications SET step = 'teknis' WHERE registration_number = 'REG-1'");
    exec_ok (other, "BEGIN");
    if (!pz_db_exec (other, "UPDATE applications SET step = 'teknis' WHERE registration_number = 'REG-2'", &error))
      g_error ("the second transaction waited for the first: %s", error->message);
    exec_ok (other, "COMMIT");
    exec_ok (db, "COMMIT");
    pz_db_close (other);
  }
  g_assert_cmpint (count_at (db, "step_counts", "step = 'loket'"), ==, 0);
  g_assert_cmpint (count_at (db, "step_counts", "step = 'teknis'"), ==, 2);
  g_assert_cmpint (count_at (db, "step_due_counts", "step = 'teknis' AND hour = 2"), ==, 1);
  g_assert_cmpint (count_at (db, "step_due_counts", "step = 'teknis' AND hour = 1"), ==, 1);
  g_assert_cmpint (count_at (db, "step_due_counts", "step = 'loket'"), ==, 0);

  /* the logs only grow, refused as a constraint */
  exec_ok (db, "INSERT INTO audit (at, user_id, action, target, detail) VALUES (1, (SELECT id FROM users), 'a', 't', 'd')");
  g_assert_false (pz_db_exec (db, "UPDATE audit SET detail = 'changed'", &error));
  g_assert_error (error, PZ_DB_ERROR, PZ_DB_ERROR_CONSTRAINT);
  g_clear_error (&error);
  g_assert_false (pz_db_exec (db, "DELETE FROM audit", &error));
  g_assert_error (error, PZ_DB_ERROR, PZ_DB_ERROR_CONSTRAINT);
  g_clear_error (&error);
  stmt = prepare_ok (db, "INSERT INTO events (application_id, at, user_id, role, action, to_step) VALUES (?, 1, ?, 'r', 'a', 's')");
  pz_db_bind_int64 (stmt, 1, file);
  pz_db_bind_int64 (stmt, 2, user);
  step_done (stmt);
  g_assert_false (pz_db_exec (db, "DELETE FROM events", &error));
  g_assert_error (error, PZ_DB_ERROR, PZ_DB_ERROR_CONSTRAINT);
  g_clear_error (&error);

  /* a kept answer's packed bytes */
  stmt = prepare_ok (db, "INSERT INTO idempotency (user_id, key, fingerprint, status, body, created_at, packed)"
                     " VALUES (?, 'k', 'f', 200, '', 0, ?)");
  pz_db_bind_int64 (stmt, 1, user);
  pz_db_bind_blob (stmt, 2, packed, sizeof packed);
  step_done (stmt);
  stmt = prepare_ok (db, "SELECT packed FROM idempotency WHERE key = 'k'");
  step_row (stmt);
  blob = pz_db_column_blob (stmt, 0, &size);
  g_assert_cmpmem (blob, size, packed, sizeof packed);
  step_done (stmt);

  exec_ok (db, "RESET search_path; DROP SCHEMA pz_schema CASCADE");
  pz_db_close (db);
}

static char *round_trips_file;

/* The round trips the driver counted so far, in this process. */
static gint64
round_trips (void)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents (round_trips_file, &text, NULL, NULL))
    return 0;
  return g_ascii_strtoll (text, NULL, 10);
}

/* A savepoint and its release wait for the next statement and go with it,
 * in one round trip; one that fails makes that statement fail, and the
 * transaction with it, as if it had gone alone. */
static void
test_exec_later (void)
{
  g_autoptr(GError) error = NULL;
  PzDb *db = open_db (PZ_DB_OPEN_DEFAULT);
  PzDbStmt *insert;
  PzDbStmt *count;
  gint64 before;

  exec_ok (db, "DROP TABLE IF EXISTS later; CREATE TABLE later (k int PRIMARY KEY)");
  insert = prepare_ok (db, "INSERT INTO later VALUES (?)");
  count = prepare_ok (db, "SELECT count(*) FROM later");

  exec_ok (db, "BEGIN");
  before = round_trips ();
  g_assert_true (pz_db_exec_later (db, "SAVEPOINT a", &error));
  g_assert_no_error (error);
  pz_db_bind_int64 (insert, 1, 1);
  step_done (insert);
  g_assert_true (pz_db_exec_later (db, "RELEASE a", &error));
  g_assert_true (pz_db_exec_later (db, "SAVEPOINT b", &error));
  pz_db_bind_int64 (insert, 1, 2);
  step_done (insert);
  g_assert_cmpint (pz_db_changes (db), ==, 1);
  /* two statements, and the three that waited went with them */
  g_assert_cmpint (round_trips () - before, ==, 2);
  /* the savepoint is there: rolling back to it undoes the second row */
  exec_ok (db, "ROLLBACK TO b");
  step_row (count);
  g_assert_cmpint (pz_db_column_int64 (count, 0), ==, 1);
  step_done (count);

  /* one that fails: the next statement fails with its error, and did not
   * run; the transaction is failed until its ROLLBACK */
  g_assert_true (pz_db_exec_later (db, "RELEASE nowhere", &error));
  pz_db_bind_int64 (insert, 1, 3);
  g_assert_cmpint (pz_db_step (insert, &error), ==, PZ_DB_STEP_FAILED);
  g_assert_error (error, PZ_DB_ERROR, PZ_DB_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "nowhere"));
  g_clear_error (&error);
  g_assert_true (pz_db_in_transaction (db));
  exec_ok (db, "ROLLBACK");
  step_row (count);
  g_assert_cmpint (pz_db_column_int64 (count, 0), ==, 0);
  step_done (count);

  /* before a simple statement, in the same round trip too */
  exec_ok (db, "BEGIN");
  before = round_trips ();
  g_assert_true (pz_db_exec_later (db, "SAVEPOINT c", &error));
  exec_ok (db, "INSERT INTO later VALUES (4)");
  g_assert_cmpint (round_trips () - before, ==, 1);
  exec_ok (db, "ROLLBACK TO c; COMMIT");
  step_row (count);
  g_assert_cmpint (pz_db_column_int64 (count, 0), ==, 0);
  step_done (count);

  /* outside a transaction there is nothing to wait for: it goes at once */
  g_assert_false (pz_db_exec_later (db, "RELEASE nowhere", &error));
  g_assert_error (error, PZ_DB_ERROR, PZ_DB_ERROR_FAILED);
  g_clear_error (&error);

  exec_ok (db, "DROP TABLE later");
  pz_db_close (db);
}

/* Reads run together go in one round trip, with what waited before them,
 * and each is read as if its step had run it; one that fails fails them
 * all, and each then runs again alone at its step. */
static void
test_run_together (void)
{
  g_autoptr(GError) error = NULL;
  PzDb *db = open_db (PZ_DB_OPEN_DEFAULT);
  PzDbStmt *stmts[3];
  gint64 before;

  exec_ok (db, "DROP TABLE IF EXISTS together; CREATE TABLE together (k int PRIMARY KEY, v text)");
  exec_ok (db, "INSERT INTO together VALUES (1, 'satu'), (2, 'dua'), (3, 'tiga')");
  stmts[0] = prepare_ok (db, "SELECT v FROM together WHERE k >= ? ORDER BY k");
  stmts[1] = prepare_ok (db, "SELECT count(*) FROM together WHERE v = ?");
  stmts[2] = prepare_ok (db, "SELECT v FROM together WHERE k > ?");
  pz_db_bind_int64 (stmts[0], 1, 2);
  pz_db_bind_text (stmts[1], 1, "satu");
  pz_db_bind_int64 (stmts[2], 1, 3);

  exec_ok (db, "BEGIN");
  g_assert_true (pz_db_exec_later (db, "SAVEPOINT t", &error));
  before = round_trips ();
  g_assert_true (pz_db_run_together (db, stmts, G_N_ELEMENTS (stmts), &error));
  g_assert_no_error (error);
  g_assert_cmpint (round_trips () - before, ==, 1);
  /* read in another order than they ran: each kept its own rows */
  g_assert_cmpint (pz_db_step (stmts[2], &error), ==, PZ_DB_STEP_DONE);
  g_assert_no_error (error);
  step_row (stmts[1]);
  g_assert_cmpint (pz_db_column_int64 (stmts[1], 0), ==, 1);
  step_done (stmts[1]);
  step_row (stmts[0]);
  g_assert_cmpstr (pz_db_column_text (stmts[0], 0), ==, "dua");
  step_row (stmts[0]);
  g_assert_cmpstr (pz_db_column_text (stmts[0], 0), ==, "tiga");
  step_done (stmts[0]);
  g_assert_cmpint (round_trips () - before, ==, 1);
  /* the savepoint that waited went with them */
  exec_ok (db, "ROLLBACK TO t; COMMIT");

  /* run again, with other values, they read the new ones */
  pz_db_bind_int64 (stmts[0], 1, 3);
  pz_db_bind_text (stmts[1], 1, "tidak ada");
  pz_db_bind_int64 (stmts[2], 1, 0);
  g_assert_true (pz_db_run_together (db, stmts, G_N_ELEMENTS (stmts), &error));
  step_row (stmts[0]);
  g_assert_cmpstr (pz_db_column_text (stmts[0], 0), ==, "tiga");
  step_done (stmts[0]);
  step_row (stmts[1]);
  g_assert_cmpint (pz_db_column_int64 (stmts[1], 0), ==, 0);
  step_done (stmts[1]);
  step_row (stmts[2]);
  pz_db_reset (stmts[2]);

  /* one fails (a division by zero, met only as it runs): all fail with its
   * error and are reset; alone, the others still run */
  stmts[1] = prepare_ok (db, "SELECT 10 / (? - 1)");
  pz_db_bind_int64 (stmts[1], 1, 1);
  pz_db_bind_int64 (stmts[0], 1, 1);
  pz_db_bind_int64 (stmts[2], 1, 2);
  g_assert_false (pz_db_run_together (db, stmts, G_N_ELEMENTS (stmts), &error));
  g_assert_error (error, PZ_DB_ERROR, PZ_DB_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "division by zero"));
  g_clear_error (&error);
  g_assert_false (pz_db_in_transaction (db));
  step_row (stmts[2]);
  g_assert_cmpstr (pz_db_column_text (stmts[2], 0), ==, "tiga");
  step_done (stmts[2]);
  step_row (stmts[0]);
  g_assert_cmpstr (pz_db_column_text (stmts[0], 0), ==, "satu");
  pz_db_reset (stmts[0]);
  g_assert_cmpint (pz_db_step (stmts[1], &error), ==, PZ_DB_STEP_FAILED);
  g_assert_error (error, PZ_DB_ERROR, PZ_DB_ERROR_FAILED);
  g_clear_error (&error);

  exec_ok (db, "DROP TABLE together");
  pz_db_close (db);
}

/* Several notifications in one round trip, heard in their order. */
static void
test_notify_all (void)
{
  g_autoptr(GError) error = NULL;
  PzDb *listener = open_db (PZ_DB_OPEN_NO_RECONNECT);
  PzDb *sender = open_db (PZ_DB_OPEN_DEFAULT);
  const char * const payloads[] = { "satu", "dua", "tiga 'kutip' $2" };
  gint64 before;
  guint heard = 0;

  g_assert_true (pz_db_listen (listener, "pz_test_all", &error));
  g_assert_no_error (error);
  before = round_trips ();
  g_assert_true (pz_db_notify_all (sender, "pz_test_all", payloads, G_N_ELEMENTS (payloads), &error));
  g_assert_no_error (error);
  g_assert_cmpint (round_trips () - before, ==, 1);
  for (gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
       heard < G_N_ELEMENTS (payloads) && g_get_monotonic_time () < end;)
    {
      g_autofree char *got = pz_db_next_notification (listener, &error);

      g_assert_no_error (error);
      if (got == NULL)
        {
          g_usleep (10 * 1000);
          continue;
        }
      g_assert_cmpstr (got, ==, payloads[heard]);
      heard++;
    }
  g_assert_cmpuint (heard, ==, G_N_ELEMENTS (payloads));
  pz_db_close (sender);
  pz_db_close (listener);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = g_dir_make_tmp ("pz-round-trips-XXXXXX", NULL);
  int status;

  /* before any connection: the driver reads it once */
  g_assert_nonnull (dir);
  round_trips_file = g_build_filename (dir, "round-trips", NULL);
  g_setenv ("PZ_DB_ROUND_TRIPS_FILE", round_trips_file, TRUE);
  g_test_init (&argc, &argv, NULL);
  pz_test_pg_start ();

  g_test_add_func ("/db-postgresql/rewrite", test_rewrite);
  g_test_add_func ("/db-postgresql/safe-uri", test_safe_uri);
  g_test_add_func ("/db-postgresql/connection", test_connection);
  g_test_add_func ("/db-postgresql/data-version", test_data_version);
  g_test_add_func ("/db-postgresql/values", test_values);
  g_test_add_func ("/db-postgresql/untyped-parameter", test_untyped_parameter);
  g_test_add_func ("/db-postgresql/changes", test_changes);
  g_test_add_func ("/db-postgresql/constraint", test_constraint);
  g_test_add_func ("/db-postgresql/failed-transaction", test_failed_transaction);
  g_test_add_func ("/db-postgresql/read-only", test_read_only);
  g_test_add_func ("/db-postgresql/prepared-once", test_prepared_once);
  g_test_add_func ("/db-postgresql/lock-timeout", test_lock_timeout);
  g_test_add_func ("/db-postgresql/cantopen", test_cantopen);
  g_test_add_func ("/db-postgresql/reconnect", test_reconnect);
  g_test_add_func ("/db-postgresql/schema", test_schema);
  g_test_add_func ("/db-postgresql/exec-later", test_exec_later);
  g_test_add_func ("/db-postgresql/run-together", test_run_together);
  g_test_add_func ("/db-postgresql/notify-all", test_notify_all);
  status = g_test_run ();
  g_unlink (round_trips_file);
  g_rmdir (dir);
  g_free (round_trips_file);
  return status;
}
