/* SPDX-License-Identifier: GPL-3.0-or-later */
/* pz-db on PostgreSQL: the statements.
 *
 * Each statement is prepared once per connection under a name of its own
 * (pz1, pz2, …) with its `?` placeholders numbered `$N`; it runs with
 * PQexecPrepared, its parameters in text except byte strings (sent in
 * binary, so a bytea needs no escaping), its result read in text.  The
 * whole result of a statement is fetched when it runs: the store's
 * statements return few rows.  A statement prepared on a connection that
 * was lost is prepared again on the new one.
 */
#define G_LOG_DOMAIN "pz-db"

#include "config.h"

#include <libpq-fe.h>
#include <string.h>

#include "pz-db-postgresql.h"

/* pg_type.h is the server's; its one number needed here is stable */
#define PZ_PG_BYTEA_OID  17
#define PZ_PG_INT8_OID   20
#define PZ_PG_TEXT_OID   25
#define PZ_PG_FLOAT8_OID 701

typedef struct
{
  PzDbStmt  parent;
  char     *name;
  char     *text;      /* the statement as PostgreSQL reads it */
  gboolean  deferred;  /* prepared at its first step, with the types bound */
  int       n_params;
  Oid      *types;
  char    **values;
  int      *lengths;
  int      *formats;
  PGresult *result;
  int       row;
  int       n_rows;
  guchar   *blob;  /* the last column_blob, decoded */
  gboolean  fetched;  /* run with others: result holds what the first step reads */
  guint     generation;  /* of the connection it was prepared on */
} PzDbPgStmt;

static gboolean
is_state (const PGresult *result,
          const char     *state)
{
  const char *field = result ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;

  return field && g_str_equal (field, state);
}

/* indeterminate or ambiguous: the statement says nothing of a type */
static gboolean
untyped (const PGresult *result)
{
  return is_state (result, "42P18") || is_state (result, "42P08");
}

/* The error of a statement read with a parameter of the wrong type */
static gboolean
wrong_type (const PGresult *result)
{
  return untyped (result) || is_state (result, "42883") || is_state (result, "42804");
}

static void
run_quietly (PzDbPg     *pg,
             const char *sql)
{
  pz_db_postgresql_round_trip ();
  PQclear (PQexec (pg->conn, sql));
}

static PzDbStmt *
pg_prepare (PzDb       *db,
            const char *sql,
            GError    **error)
{
  PzDbPg *pg = (PzDbPg *) db;
  g_autofree char *text = NULL;
  g_autofree char *name = NULL;
  PzDbPgStmt *stmt;
  PGresult *result;
  ExecStatusType status;
  gboolean in_transaction;
  gboolean deferred;
  int n_params;

  if (pz_db_postgresql_usable (pg, NULL, error) == PZ_DB_PG_LOST || !pz_db_postgresql_send_later (pg, error))
    return NULL;
  in_transaction = PQtransactionStatus (pg->conn) == PQTRANS_INTRANS;
  text = pz_db_postgresql_rewrite (sql, &n_params);
  name = g_strdup_printf ("pz%u", ++pg->next_id);
  /* a parameter whose type nothing tells (`? IS NULL`) waits for its
   * value; inside a savepoint, so that a statement that cannot be
   * prepared does not fail the transaction, as in SQLite */
  if (in_transaction)
    run_quietly (pg, "SAVEPOINT pz_prepare");
  pz_db_postgresql_round_trip ();
  result = PQprepare (pg->conn, name, text, 0, NULL);
  status = PQresultStatus (result);
  deferred = status != PGRES_COMMAND_OK && untyped (result);
  if (in_transaction)
    run_quietly (pg, status == PGRES_COMMAND_OK ? "RELEASE SAVEPOINT pz_prepare"
                 : "ROLLBACK TO SAVEPOINT pz_prepare");
  if (status != PGRES_COMMAND_OK && !deferred)
    {
      pz_db_postgresql_set_error (pg, result, error);
      PQclear (result);
      return NULL;
    }
  PQclear (result);

  stmt = g_new0 (PzDbPgStmt, 1);
  stmt->name = g_steal_pointer (&name);
  stmt->text = g_steal_pointer (&text);
  stmt->deferred = deferred;
  stmt->generation = pg->generation;
  stmt->n_params = n_params;
  stmt->types = g_new0 (Oid, MAX (n_params, 1));
  stmt->values = g_new0 (char *, MAX (n_params, 1));
  stmt->lengths = g_new0 (int, MAX (n_params, 1));
  stmt->formats = g_new0 (int, MAX (n_params, 1));
  return (PzDbStmt *) stmt;
}

static void
pg_reset (PzDbStmt *s)
{
  PzDbPgStmt *stmt = (PzDbPgStmt *) s;

  g_clear_pointer (&stmt->result, PQclear);
  g_clear_pointer (&stmt->blob, PQfreemem);
  stmt->row = 0;
  stmt->n_rows = 0;
  stmt->fetched = FALSE;
}

static void
pg_clear_bindings (PzDbStmt *s)
{
  PzDbPgStmt *stmt = (PzDbPgStmt *) s;

  for (int i = 0; i < stmt->n_params; i++)
    {
      g_clear_pointer (&stmt->values[i], g_free);
      stmt->types[i] = 0;
      stmt->lengths[i] = 0;
      stmt->formats[i] = 0;
    }
}

static void
pg_finalize (PzDbStmt *s)
{
  PzDbPgStmt *stmt = (PzDbPgStmt *) s;
  PzDbPg *pg = (PzDbPg *) s->db;

  pg_reset (s);
  pg_clear_bindings (s);
  /* the connection may be closing: its statements go with it */
  if (!stmt->deferred && pg->conn && PQstatus (pg->conn) == CONNECTION_OK)
    {
      g_autofree char *sql = g_strdup_printf ("DEALLOCATE %s", stmt->name);
      PGresult *result;

      pz_db_postgresql_send_later (pg, NULL);
      pz_db_postgresql_round_trip ();
      result = PQexec (pg->conn, sql);

      PQclear (result);
    }
  g_free (stmt->text);
  g_free (stmt->types);
  g_free (stmt->values);
  g_free (stmt->lengths);
  g_free (stmt->formats);
  g_free (stmt->name);
  g_free (stmt);
}

static gboolean
check_index (PzDbPgStmt *stmt,
             int         i)
{
  g_return_val_if_fail (i >= 1 && i <= stmt->n_params, FALSE);
  g_clear_pointer (&stmt->values[i - 1], g_free);
  stmt->types[i - 1] = 0;
  stmt->lengths[i - 1] = 0;
  stmt->formats[i - 1] = 0;
  return TRUE;
}

static void
pg_bind_int64 (PzDbStmt *s,
               int       i,
               gint64    value)
{
  PzDbPgStmt *stmt = (PzDbPgStmt *) s;

  if (check_index (stmt, i))
    {
      stmt->values[i - 1] = g_strdup_printf ("%" G_GINT64_FORMAT, value);
      stmt->types[i - 1] = PZ_PG_INT8_OID;
    }
}

static void
pg_bind_double (PzDbStmt *s,
                int       i,
                double    value)
{
  PzDbPgStmt *stmt = (PzDbPgStmt *) s;

  if (check_index (stmt, i))
    {
      stmt->values[i - 1] = g_malloc (G_ASCII_DTOSTR_BUF_SIZE);
      g_ascii_dtostr (stmt->values[i - 1], G_ASCII_DTOSTR_BUF_SIZE, value);
      stmt->types[i - 1] = PZ_PG_FLOAT8_OID;
    }
}

static void
pg_bind_text (PzDbStmt   *s,
              int         i,
              const char *text)
{
  PzDbPgStmt *stmt = (PzDbPgStmt *) s;

  if (check_index (stmt, i))
    {
      stmt->values[i - 1] = g_strdup (text);
      stmt->types[i - 1] = PZ_PG_TEXT_OID;
    }
}

static void
pg_bind_blob (PzDbStmt     *s,
              int           i,
              gconstpointer data,
              gsize         size)
{
  PzDbPgStmt *stmt = (PzDbPgStmt *) s;

  g_return_if_fail (size <= G_MAXINT);
  if (check_index (stmt, i))
    {
      /* one byte more, so that an empty string is not a NULL */
      stmt->values[i - 1] = g_malloc (size + 1);
      memcpy (stmt->values[i - 1], data, size);
      stmt->lengths[i - 1] = (int) size;
      stmt->formats[i - 1] = 1;
      stmt->types[i - 1] = PZ_PG_BYTEA_OID;
    }
}

static void
pg_bind_null (PzDbStmt *s,
              int       i)
{
  check_index ((PzDbPgStmt *) s, i);
}

/* A statement whose parameters only their values give a type.  Once each
 * has a typed value it is prepared with those types, for good.  A NULL
 * tells no type: until then each run reads it anew, unnamed, the NULL
 * taken as text, then as a number (inside a savepoint, so that a wrong
 * guess does not fail the transaction). */
static PGresult *
run_deferred (PzDbPg     *pg,
              PzDbPgStmt *stmt)
{
  static const Oid guesses[] = { PZ_PG_TEXT_OID, PZ_PG_INT8_OID, PZ_PG_FLOAT8_OID };
  g_autofree Oid *types = g_memdup2 (stmt->types, sizeof (Oid) * MAX (stmt->n_params, 1));
  gboolean in_transaction = PQtransactionStatus (pg->conn) == PQTRANS_INTRANS;
  PGresult *result = NULL;
  gboolean known = TRUE;

  for (int i = 0; i < stmt->n_params; i++)
    known = known && types[i] != 0;
  if (known)
    {
      pz_db_postgresql_round_trip ();
      result = PQprepare (pg->conn, stmt->name, stmt->text, stmt->n_params, types);
      if (PQresultStatus (result) != PGRES_COMMAND_OK)
        return result;
      PQclear (result);
      stmt->deferred = FALSE;
      stmt->generation = pg->generation;
      pz_db_postgresql_round_trip ();
      return PQexecPrepared (pg->conn, stmt->name, stmt->n_params,
                             (const char * const *) stmt->values, stmt->lengths, stmt->formats, 0);
    }

  for (gsize g = 0; g < G_N_ELEMENTS (guesses); g++)
    {
      ExecStatusType status;

      for (int i = 0; i < stmt->n_params; i++)
        if (stmt->types[i] == 0)
          types[i] = guesses[g];
      g_clear_pointer (&result, PQclear);
      if (in_transaction)
        run_quietly (pg, "SAVEPOINT pz_guess");
      pz_db_postgresql_round_trip ();
      result = PQprepare (pg->conn, "", stmt->text, stmt->n_params, types);
      if (PQresultStatus (result) != PGRES_COMMAND_OK)
        {
          if (in_transaction)
            run_quietly (pg, "ROLLBACK TO SAVEPOINT pz_guess");
          if (wrong_type (result))
            continue;
          return result;
        }
      /* run before any other query, which would end the unnamed statement */
      PQclear (result);
      pz_db_postgresql_round_trip ();
      result = PQexecPrepared (pg->conn, "", stmt->n_params,
                               (const char * const *) stmt->values, stmt->lengths, stmt->formats, 0);
      status = PQresultStatus (result);
      /* a failed run fails the transaction, as it would without the guess */
      if (in_transaction && (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK))
        run_quietly (pg, "RELEASE SAVEPOINT pz_guess");
      return result;
    }
  return result;
}

/* A prepared statement and what waited to go before it, in one round
 * trip. */
static PGresult *
run_with_later (PzDbPg     *pg,
                PzDbPgStmt *stmt)
{
  g_autoptr(GPtrArray) later = g_steal_pointer (&pg->later);

  pg->later = g_ptr_array_new_with_free_func (g_free);
  return pz_db_postgresql_run_after (pg->conn, later, stmt->name, stmt->n_params,
                                     (const char * const *) stmt->values, stmt->lengths, stmt->formats);
}

static PzDbStep
pg_step (PzDbStmt *s,
         GError  **error)
{
  PzDbPgStmt *stmt = (PzDbPgStmt *) s;
  PzDbPg *pg = (PzDbPg *) s->db;
  ExecStatusType status;

  g_clear_pointer (&stmt->blob, PQfreemem);
  /* run with others by pg_run_together() */
  if (stmt->fetched)
    {
      stmt->fetched = FALSE;
      if (stmt->n_rows > 0)
        return PZ_DB_STEP_ROW;
      pg_reset (s);
      return PZ_DB_STEP_DONE;
    }
  if (stmt->result)
    {
      if (++stmt->row < stmt->n_rows)
        return PZ_DB_STEP_ROW;
      pg_reset (s);
      return PZ_DB_STEP_DONE;
    }

  for (guint attempt = 0;; attempt++)
    {
      if (pz_db_postgresql_usable (pg, NULL, error) == PZ_DB_PG_LOST)
        return PZ_DB_STEP_FAILED;
      /* prepared on a connection that is gone: again on this one */
      if (!stmt->deferred && stmt->generation != pg->generation)
        {
          PGresult *prepared;

          if (!pz_db_postgresql_send_later (pg, error))
            return PZ_DB_STEP_FAILED;
          pz_db_postgresql_round_trip ();
          prepared = PQprepare (pg->conn, stmt->name, stmt->text, stmt->n_params, stmt->types);

          if (PQresultStatus (prepared) != PGRES_COMMAND_OK)
            {
              pz_db_postgresql_set_error (pg, prepared, error);
              PQclear (prepared);
              return PZ_DB_STEP_FAILED;
            }
          PQclear (prepared);
          stmt->generation = pg->generation;
        }
      if (stmt->deferred)
        {
          if (!pz_db_postgresql_send_later (pg, error))
            return PZ_DB_STEP_FAILED;
          stmt->result = run_deferred (pg, stmt);
        }
      else if (pg->later->len > 0)
        stmt->result = run_with_later (pg, stmt);
      else
        {
          pz_db_postgresql_round_trip ();
          stmt->result = PQexecPrepared (pg->conn, stmt->name, stmt->n_params,
                                         (const char * const *) stmt->values, stmt->lengths, stmt->formats, 0);
        }
      if (attempt > 0 || PQresultStatus (stmt->result) != PGRES_FATAL_ERROR || !pz_db_postgresql_may_retry (pg, stmt->text))
        break;
      g_clear_pointer (&stmt->result, PQclear);
    }
  pz_db_postgresql_note_transaction (pg);
  status = PQresultStatus (stmt->result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    {
      pz_db_postgresql_set_error (pg, stmt->result, error);
      pg_reset (s);
      return PZ_DB_STEP_FAILED;
    }
  /* the rows of a RETURNING are all made by now */
  pz_db_postgresql_note_changes (pg, stmt->result);
  stmt->row = 0;
  stmt->n_rows = status == PGRES_TUPLES_OK ? PQntuples (stmt->result) : 0;
  if (stmt->n_rows == 0)
    {
      pg_reset (s);
      return PZ_DB_STEP_DONE;
    }
  return PZ_DB_STEP_ROW;
}

static gboolean
has_column (PzDbPgStmt *stmt,
            int         i)
{
  return stmt->result && stmt->row < stmt->n_rows && i >= 0 && i < PQnfields (stmt->result);
}

static int
pg_column_count (PzDbStmt *s)
{
  PzDbPgStmt *stmt = (PzDbPgStmt *) s;

  return stmt->result ? PQnfields (stmt->result) : 0;
}

static gboolean
pg_column_is_null (PzDbStmt *s,
                   int       i)
{
  PzDbPgStmt *stmt = (PzDbPgStmt *) s;

  return !has_column (stmt, i) || PQgetisnull (stmt->result, stmt->row, i);
}

static const char *
value_of (PzDbPgStmt *stmt,
          int         i)
{
  if (pg_column_is_null ((PzDbStmt *) stmt, i))
    return NULL;
  return PQgetvalue (stmt->result, stmt->row, i);
}

static gint64
pg_column_int64 (PzDbStmt *s,
                 int       i)
{
  const char *value = value_of ((PzDbPgStmt *) s, i);

  if (value == NULL)
    return 0;
  /* a boolean reads as SQLite's 1 or 0 */
  if (g_str_equal (value, "t"))
    return 1;
  if (g_str_equal (value, "f"))
    return 0;
  return g_ascii_strtoll (value, NULL, 10);
}

static double
pg_column_double (PzDbStmt *s,
                  int       i)
{
  const char *value = value_of ((PzDbPgStmt *) s, i);

  return value ? g_ascii_strtod (value, NULL) : 0.0;
}

static const char *
pg_column_text (PzDbStmt *s,
                int       i)
{
  return value_of ((PzDbPgStmt *) s, i);
}

static gconstpointer
pg_column_blob (PzDbStmt *s,
                int       i,
                gsize    *size)
{
  PzDbPgStmt *stmt = (PzDbPgStmt *) s;
  const char *value = value_of (stmt, i);
  size_t length = 0;

  if (value == NULL)
    {
      if (size)
        *size = 0;
      return NULL;
    }
  if (PQftype (stmt->result, i) != PZ_PG_BYTEA_OID)
    {
      if (size)
        *size = PQgetlength (stmt->result, stmt->row, i);
      return value;
    }
  g_clear_pointer (&stmt->blob, PQfreemem);
  stmt->blob = PQunescapeBytea ((const unsigned char *) value, &length);
  if (size)
    *size = stmt->blob ? length : 0;
  return stmt->blob;
}

/* The statements in one pipeline, after what waits to go; each result
 * kept for the statement's first step.  A statement that could not go in
 * it (prepared on a lost connection, or waiting for its types) makes all
 * run at their steps, as without this. */
static gboolean
pg_run_together (PzDb      *db,
                 PzDbStmt **stmts,
                 guint      n,
                 GError   **error)
{
  PzDbPg *pg = (PzDbPg *) db;
  PGresult *failed = NULL;
  PGresult *got;
  gboolean sent = TRUE;
  guint n_later;
  guint i;

  if (n < 2 || pz_db_postgresql_usable (pg, NULL, NULL) != PZ_DB_PG_READY)
    return TRUE;
  for (i = 0; i < n; i++)
    {
      PzDbPgStmt *stmt = (PzDbPgStmt *) stmts[i];

      if (stmt->deferred || stmt->generation != pg->generation)
        return TRUE;
      pg_reset (stmts[i]);
    }
  if (!PQenterPipelineMode (pg->conn))
    return TRUE;
  n_later = pg->later->len;
  pz_db_postgresql_round_trip ();
  for (i = 0; sent && i < n_later; i++)
    sent = PQsendQueryParams (pg->conn, g_ptr_array_index (pg->later, i), 0, NULL, NULL, NULL, NULL, 0);
  for (i = 0; sent && i < n; i++)
    {
      PzDbPgStmt *stmt = (PzDbPgStmt *) stmts[i];

      sent = PQsendQueryPrepared (pg->conn, stmt->name, stmt->n_params, (const char * const *) stmt->values,
                                  stmt->lengths, stmt->formats, 0);
    }
  /* also after a failed send, so that what was queued is answered */
  sent = PQpipelineSync (pg->conn) && sent;
  for (i = 0; sent && i < n_later + n; i++)
    {
      if (!(got = pz_db_postgresql_next_result (pg->conn)))
        break;
      if (i >= n_later && failed == NULL)
        {
          PzDbPgStmt *stmt = (PzDbPgStmt *) stmts[i - n_later];
          ExecStatusType status = PQresultStatus (got);

          if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK)
            {
              stmt->result = got;
              stmt->n_rows = status == PGRES_TUPLES_OK ? PQntuples (got) : 0;
              stmt->fetched = TRUE;
              continue;
            }
        }
      if (failed == NULL && PQresultStatus (got) != PGRES_COMMAND_OK && PQresultStatus (got) != PGRES_TUPLES_OK)
        failed = got;
      else
        PQclear (got);
    }
  /* to the end of the pipeline */
  while ((got = PQgetResult (pg->conn)))
    {
      gboolean end = PQresultStatus (got) == PGRES_PIPELINE_SYNC;

      PQclear (got);
      if (end)
        break;
    }
  PQexitPipelineMode (pg->conn);
  g_ptr_array_set_size (pg->later, 0);
  pz_db_postgresql_note_transaction (pg);
  if (failed || !sent || i < n_later + n)
    {
      pz_db_postgresql_set_error (pg, failed, error);
      g_clear_pointer (&failed, PQclear);
      for (i = 0; i < n; i++)
        pg_reset (stmts[i]);
      return FALSE;
    }
  for (i = 0; i < n; i++)
    pz_db_postgresql_note_changes (pg, ((PzDbPgStmt *) stmts[i])->result);
  return TRUE;
}

void
pz_db_postgresql_fill_statements (PzDbDriver *driver)
{
  driver->prepare = pg_prepare;
  driver->finalize = pg_finalize;
  driver->clear_bindings = pg_clear_bindings;
  driver->bind_int64 = pg_bind_int64;
  driver->bind_double = pg_bind_double;
  driver->bind_text = pg_bind_text;
  driver->bind_blob = pg_bind_blob;
  driver->bind_null = pg_bind_null;
  driver->step = pg_step;
  driver->reset = pg_reset;
  driver->run_together = pg_run_together;
  driver->column_count = pg_column_count;
  driver->column_is_null = pg_column_is_null;
  driver->column_int64 = pg_column_int64;
  driver->column_double = pg_column_double;
  driver->column_text = pg_column_text;
  driver->column_blob = pg_column_blob;
}
