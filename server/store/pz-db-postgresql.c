/* SPDX-License-Identifier: GPL-3.0-or-later */
/* pz-db on PostgreSQL through libpq.
 *
 * Each statement is prepared once per connection under a name of its own
 * (pz1, pz2, …) with its `?` placeholders numbered `$N`; it runs with
 * PQexecPrepared, its parameters in text except byte strings (sent in
 * binary, so a bytea needs no escaping), its result read in text.  The
 * whole result of a statement is fetched when it runs: the store's
 * statements return few rows.
 *
 * What pz_db_exec_later() is given (savepoints and their release) waits
 * for the next statement, and goes with it in one round trip: in one
 * simple query, or in a pipeline before a prepared statement
 * (pz-db-postgresql-pipeline.c).
 */
#define G_LOG_DOMAIN "pz-db"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libpq-fe.h>
#include <string.h>

#include "pz-db-postgresql.h"
#include "pz-db-private.h"

/* pg_type.h is the server's; its one number needed here is stable */
#define PZ_PG_BYTEA_OID  17
#define PZ_PG_INT8_OID   20
#define PZ_PG_TEXT_OID   25
#define PZ_PG_FLOAT8_OID 701

typedef struct
{
  PzDb       parent;
  PGconn    *conn;
  char      *safe_uri; /* the location without its password, for messages */
  char      *password; /* to blank out of the server's messages, if ever quoted */
  guint      next_id;
  gint64     changes;
  gint64     total_changes;
  /* a lost connection is made again (unless PZ_DB_OPEN_NO_RECONNECT) */
  gboolean   reconnect;
  gboolean   read_only;
  int        lock_timeout_ms;
  guint      generation;    /* counts the connections made: statements are prepared again in a new one */
  gboolean   in_transaction; /* as last known: lost inside one, it must be rolled back first */
  GPtrArray *later;         /* statements that go with the next one (char *) */
} PzDbPg;

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
  guint     generation;  /* of the connection it was prepared on */
} PzDbPgStmt;

static const PzDbDriver pg_driver;

static char *
scrub (PzDbPg     *pg,
       const char *message)
{
  g_autofree char *text = g_strstrip (g_strdup (message ? message : ""));

  if (pg->password && *pg->password && strstr (text, pg->password))
    {
      g_auto(GStrv) parts = g_strsplit (text, pg->password, -1);

      return g_strjoinv ("…", parts);
    }
  return g_steal_pointer (&text);
}

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

static PzDbError
error_code (PGconn         *conn,
            const PGresult *result)
{
  const char *state = result ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;

  if (PQstatus (conn) == CONNECTION_BAD)
    return PZ_DB_ERROR_CANTOPEN;
  if (state == NULL)
    return PZ_DB_ERROR_FAILED;
  if (g_str_has_prefix (state, "23"))
    return PZ_DB_ERROR_CONSTRAINT;
  if (g_str_has_prefix (state, "08"))
    return PZ_DB_ERROR_CANTOPEN;
  if (g_str_equal (state, "40001") || g_str_equal (state, "40P01") ||
      g_str_equal (state, "55P03") || g_str_equal (state, "57014"))
    return PZ_DB_ERROR_BUSY;
  if (g_str_equal (state, "53100") || g_str_equal (state, "53200"))
    return PZ_DB_ERROR_FULL;
  return PZ_DB_ERROR_FAILED;
}

static void
set_error (PzDbPg         *pg,
           const PGresult *result,
           GError        **error)
{
  const char *message = result ? PQresultErrorMessage (result) : NULL;
  g_autofree char *text = NULL;

  if (message == NULL || *message == '\0')
    message = PQerrorMessage (pg->conn);
  text = scrub (pg, message);
  g_set_error_literal (error, PZ_DB_ERROR, error_code (pg->conn, result), text);
}

static void
note_changes (PzDbPg         *pg,
              const PGresult *result)
{
  const char *status = PQcmdStatus ((PGresult *) result);
  const char *tuples;

  if (!g_str_has_prefix (status, "INSERT ") && !g_str_has_prefix (status, "UPDATE ") &&
      !g_str_has_prefix (status, "DELETE ") && !g_str_has_prefix (status, "MERGE "))
    return;
  tuples = PQcmdTuples ((PGresult *) result);
  pg->changes = g_ascii_strtoll (tuples, NULL, 10);
  pg->total_changes += pg->changes;
}

static void
notice_to_debug (void       *data,
                 const char *message)
{
  g_autofree char *text = scrub (data, message);

  g_debug ("%s", text);
}

static void
note_transaction (PzDbPg *pg)
{
  if (PQstatus (pg->conn) == CONNECTION_OK)
    pg->in_transaction = PQtransactionStatus (pg->conn) != PQTRANS_IDLE;
}

static gboolean apply_settings (PzDbPg  *pg,
                                GError **error);

typedef enum {
  READY,       /* the connection is there: run the statement */
  ROLLED_BACK, /* made again for a ROLLBACK: the server ended the transaction itself */
  LOST,        /* the error is set */
} Usable;

/* Before a statement: a connection the database dropped (a restart, a
 * failover, an idle timeout) is made again, its settings and statements
 * with it; but one lost inside a transaction is not, until the store
 * rolls that transaction back: what it wrote is gone, and nothing after
 * it may run as if it were not. */
static Usable
usable (PzDbPg     *pg,
        const char *sql,
        GError    **error)
{
  if (PQstatus (pg->conn) == CONNECTION_OK)
    return READY;
  /* what waited belonged to the transaction the connection took with it */
  g_ptr_array_set_size (pg->later, 0);
  if (!pg->reconnect || (pg->in_transaction && !(sql && pz_db_postgresql_starts_with_word (sql, "ROLLBACK"))))
    {
      g_set_error (error, PZ_DB_ERROR, PZ_DB_ERROR_CANTOPEN,
                   pg->in_transaction ? _("Lost the connection to the database %s inside a transaction")
                                      : _("Lost the connection to the database %s"), pg->safe_uri);
      return LOST;
    }
  PQreset (pg->conn);
  if (PQstatus (pg->conn) != CONNECTION_OK)
    {
      g_autofree char *reason = scrub (pg, PQerrorMessage (pg->conn));

      g_set_error (error, PZ_DB_ERROR, PZ_DB_ERROR_CANTOPEN,
                   _("Could not connect to the database %s: %s"), pg->safe_uri, reason);
      return LOST;
    }
  pg->generation++;
  g_message ("Connected again to the database %s", pg->safe_uri);
  if (!apply_settings (pg, error))
    return LOST;
  if (pg->in_transaction)
    {
      pg->in_transaction = FALSE;
      return ROLLED_BACK;
    }
  return READY;
}

/* Whether @sql may run again after the connection was lost under it: only
 * what cannot have changed anything if it ran (a read, a BEGIN), outside a
 * transaction. */
static gboolean
may_retry (PzDbPg     *pg,
           const char *sql)
{
  return pg->reconnect && !pg->in_transaction && PQstatus (pg->conn) != CONNECTION_OK &&
         (pz_db_postgresql_starts_with_word (sql, "SELECT") || pz_db_postgresql_starts_with_word (sql, "BEGIN"));
}

/* (transfer full): what waits to go, then @sql (if any), as one text;
 * %NULL if both are empty */
static char *
take_later (PzDbPg     *pg,
            const char *sql)
{
  GString *all;

  if (pg->later->len == 0)
    return sql ? g_strdup (sql) : NULL;
  all = g_string_new (NULL);
  for (guint i = 0; i < pg->later->len; i++)
    g_string_append_printf (all, "%s%s", i ? "; " : "", (const char *) g_ptr_array_index (pg->later, i));
  if (sql)
    g_string_append_printf (all, "; %s", sql);
  g_ptr_array_set_size (pg->later, 0);
  return g_string_free (all, FALSE);
}

static gboolean
run_simple (PzDbPg     *pg,
            const char *sql,
            GError    **error)
{
  g_autofree char *all = NULL;
  PGresult *result;

  switch (usable (pg, sql, error))
    {
    case LOST:
      return FALSE;
    case ROLLED_BACK:
      return TRUE;
    case READY:
    default:
      break;
    }
  all = take_later (pg, sql);
  pz_db_postgresql_round_trip ();
  result = PQexec (pg->conn, all);
  if (PQresultStatus (result) == PGRES_FATAL_ERROR && may_retry (pg, all))
    {
      PQclear (result);
      if (usable (pg, sql, error) != READY)
        return FALSE;
      pz_db_postgresql_round_trip ();
      result = PQexec (pg->conn, all);
    }
  note_transaction (pg);
  {
    ExecStatusType status = PQresultStatus (result);
    gboolean ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY;

    if (ok)
      note_changes (pg, result);
    else
      set_error (pg, result, error);
    PQclear (result);
    return ok;
  }
}

/* Sends what waits to go, if anything, before an exchange that cannot
 * take it along. */
static gboolean
send_later (PzDbPg  *pg,
            GError **error)
{
  if (pg->later->len == 0)
    return TRUE;
  return run_simple (pg, NULL, error);
}

/* What a connection is set to, made again on a new one. */
static gboolean
apply_settings (PzDbPg  *pg,
                GError **error)
{
  g_autofree char *timeout = g_strdup_printf ("SET lock_timeout = %d", pg->lock_timeout_ms);
  PGresult *result;
  gboolean ok;

  if (pg->read_only &&
      !run_simple (pg, "SET default_transaction_read_only = on; "
                   "SET default_transaction_isolation = 'repeatable read'", error))
    return FALSE;
  if (pg->lock_timeout_ms <= 0)
    return TRUE;
  pz_db_postgresql_round_trip ();
  result = PQexec (pg->conn, timeout);
  ok = PQresultStatus (result) == PGRES_COMMAND_OK;
  if (!ok)
    set_error (pg, result, error);
  PQclear (result);
  return ok;
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

static void
pg_close (PzDb *db)
{
  PzDbPg *pg = (PzDbPg *) db;

  g_clear_pointer (&pg->conn, PQfinish);
  g_clear_pointer (&pg->later, g_ptr_array_unref);
  g_free (pg->safe_uri);
  g_free (pg->password);
  g_free (pg);
}

static gboolean
pg_exec (PzDb       *db,
         const char *sql,
         GError    **error)
{
  return run_simple ((PzDbPg *) db, sql, error);
}

static gboolean
pg_exec_later (PzDb       *db,
               const char *sql,
               GError    **error)
{
  PzDbPg *pg = (PzDbPg *) db;

  /* outside a transaction, or in a failed one, a statement goes at once */
  if (PQstatus (pg->conn) != CONNECTION_OK || PQtransactionStatus (pg->conn) != PQTRANS_INTRANS)
    return run_simple (pg, sql, error);
  g_ptr_array_add (pg->later, g_strdup (sql));
  return TRUE;
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

  if (usable (pg, NULL, error) == LOST || !send_later (pg, error))
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
      set_error (pg, result, error);
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

      send_later (pg, NULL);
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
  if (stmt->result)
    {
      if (++stmt->row < stmt->n_rows)
        return PZ_DB_STEP_ROW;
      pg_reset (s);
      return PZ_DB_STEP_DONE;
    }

  for (guint attempt = 0;; attempt++)
    {
      if (usable (pg, NULL, error) == LOST)
        return PZ_DB_STEP_FAILED;
      /* prepared on a connection that is gone: again on this one */
      if (!stmt->deferred && stmt->generation != pg->generation)
        {
          PGresult *prepared;

          if (!send_later (pg, error))
            return PZ_DB_STEP_FAILED;
          pz_db_postgresql_round_trip ();
          prepared = PQprepare (pg->conn, stmt->name, stmt->text, stmt->n_params, stmt->types);

          if (PQresultStatus (prepared) != PGRES_COMMAND_OK)
            {
              set_error (pg, prepared, error);
              PQclear (prepared);
              return PZ_DB_STEP_FAILED;
            }
          PQclear (prepared);
          stmt->generation = pg->generation;
        }
      if (stmt->deferred)
        {
          if (!send_later (pg, error))
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
      if (attempt > 0 || PQresultStatus (stmt->result) != PGRES_FATAL_ERROR || !may_retry (pg, stmt->text))
        break;
      g_clear_pointer (&stmt->result, PQclear);
    }
  note_transaction (pg);
  status = PQresultStatus (stmt->result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    {
      set_error (pg, stmt->result, error);
      pg_reset (s);
      return PZ_DB_STEP_FAILED;
    }
  /* the rows of a RETURNING are all made by now */
  note_changes (pg, stmt->result);
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

static gint64
pg_changes (PzDb *db)
{
  return ((PzDbPg *) db)->changes;
}

static gboolean
pg_in_transaction (PzDb *db)
{
  switch (PQtransactionStatus (((PzDbPg *) db)->conn))
    {
    case PQTRANS_ACTIVE:
    case PQTRANS_INTRANS:
    case PQTRANS_INERROR:
      return TRUE;
    case PQTRANS_UNKNOWN:
      /* the connection is lost: was a transaction open on it? */
      return ((PzDbPg *) db)->in_transaction;
    case PQTRANS_IDLE:
    default:
      return FALSE;
    }
}

static void
pg_set_busy_timeout (PzDb *db,
                     int   ms)
{
  g_autofree char *sql = g_strdup_printf ("SET lock_timeout = %d", MAX (ms, 0));
  g_autoptr(GError) error = NULL;

  ((PzDbPg *) db)->lock_timeout_ms = MAX (ms, 0);
  /* refused only inside a failed transaction: the ROLLBACK comes first */
  if (!run_simple ((PzDbPg *) db, sql, &error))
    g_debug ("lock_timeout not set: %s", error->message);
}

/* What changes when another connection's write commits: the snapshot this
 * connection would read with (or its transaction reads with), which holds
 * the next transaction id to be given and those still running.  A commit
 * anywhere on the cluster changes it; so may a transaction that has not
 * yet committed, which only costs a cache a read too many. */
static gint64
pg_data_version (PzDb *db)
{
  PzDbPg *pg = (PzDbPg *) db;
  PGresult *result;
  guint64 hash = 14695981039346656037ull;  /* FNV-1a */
  static gint unknown;
  const char *text;

  /* not known: a number never given before, so that nothing is taken as
   * unchanged */
  if (PQtransactionStatus (pg->conn) == PQTRANS_INERROR)
    return G_MININT64 + g_atomic_int_add (&unknown, 1);
  send_later (pg, NULL);
  pz_db_postgresql_round_trip ();
  result = PQexecParams (pg->conn, "SELECT pg_current_snapshot ()::text", 0, NULL, NULL, NULL, NULL, 0);
  if (PQresultStatus (result) != PGRES_TUPLES_OK || PQntuples (result) != 1)
    {
      PQclear (result);
      return G_MININT64 + g_atomic_int_add (&unknown, 1);
    }
  text = PQgetvalue (result, 0, 0);
  for (gsize i = 0; text[i]; i++)
    hash = (hash ^ (guchar) text[i]) * 1099511628211ull;
  PQclear (result);
  return (gint64) (hash & G_MAXINT64);
}

static gint64
pg_total_changes (PzDb *db)
{
  return ((PzDbPg *) db)->total_changes;
}

static int
pg_socket (PzDb *db)
{
  return PQsocket (((PzDbPg *) db)->conn);
}

static gboolean
pg_listen (PzDb       *db,
           const char *channel,
           GError    **error)
{
  PzDbPg *pg = (PzDbPg *) db;
  g_autofree char *quoted = NULL;
  g_autofree char *sql = NULL;
  char *escaped = PQescapeIdentifier (pg->conn, channel, strlen (channel));

  if (escaped == NULL)
    {
      g_set_error (error, PZ_DB_ERROR, PZ_DB_ERROR_FAILED, "%s", PQerrorMessage (pg->conn));
      return FALSE;
    }
  quoted = g_strdup (escaped);
  PQfreemem (escaped);
  sql = g_strdup_printf ("LISTEN %s", quoted);
  return run_simple (pg, sql, error);
}

/* One statement for all: SELECT pg_notify ($1, $2), pg_notify ($1, $3), … */
static gboolean
pg_notify (PzDb               *db,
           const char         *channel,
           const char * const *payloads,
           guint               n,
           GError            **error)
{
  PzDbPg *pg = (PzDbPg *) db;
  g_autofree const char **values = g_new (const char *, n + 1);
  g_autoptr(GString) sql = g_string_new ("SELECT ");
  PGresult *result;
  gboolean ok;

  g_return_val_if_fail (n < 65535, FALSE);
  values[0] = channel;
  for (guint i = 0; i < n; i++)
    {
      values[i + 1] = payloads[i];
      g_string_append_printf (sql, "%spg_notify ($1, $%u)", i ? ", " : "", i + 2);
    }
  if (!send_later (pg, error))
    return FALSE;
  pz_db_postgresql_round_trip ();
  result = PQexecParams (pg->conn, sql->str, (int) n + 1, NULL, values, NULL, NULL, 0);
  ok = PQresultStatus (result) == PGRES_TUPLES_OK;

  if (!ok)
    set_error (pg, result, error);
  PQclear (result);
  return ok;
}

static char *
pg_next_notification (PzDb    *db,
                      GError **error)
{
  PzDbPg *pg = (PzDbPg *) db;
  PGnotify *n;

  if (!PQconsumeInput (pg->conn) || PQstatus (pg->conn) != CONNECTION_OK)
    {
      g_autofree char *reason = scrub (pg, PQerrorMessage (pg->conn));

      g_set_error (error, PZ_DB_ERROR, PZ_DB_ERROR_CANTOPEN,
                   _("Lost the connection to the database %s: %s"), pg->safe_uri, reason);
      return NULL;
    }
  while ((n = PQnotifies (pg->conn)))
    {
      /* what this connection sent itself it knows already */
      char *payload = n->be_pid != PQbackendPID (pg->conn) ? g_strdup (n->extra) : NULL;

      PQfreemem (n);
      if (payload)
        return payload;
    }
  return NULL;
}

static const PzDbDriver pg_driver = {
  .close = pg_close,
  .exec = pg_exec,
  .exec_later = pg_exec_later,
  .prepare = pg_prepare,
  .finalize = pg_finalize,
  .clear_bindings = pg_clear_bindings,
  .bind_int64 = pg_bind_int64,
  .bind_double = pg_bind_double,
  .bind_text = pg_bind_text,
  .bind_blob = pg_bind_blob,
  .bind_null = pg_bind_null,
  .step = pg_step,
  .reset = pg_reset,
  .column_count = pg_column_count,
  .column_is_null = pg_column_is_null,
  .column_int64 = pg_column_int64,
  .column_double = pg_column_double,
  .column_text = pg_column_text,
  .column_blob = pg_column_blob,
  .changes = pg_changes,
  .in_transaction = pg_in_transaction,
  .set_busy_timeout = pg_set_busy_timeout,
  .data_version = pg_data_version,
  .total_changes = pg_total_changes,
  .socket = pg_socket,
  .listen = pg_listen,
  .notify = pg_notify,
  .next_notification = pg_next_notification,
};

PzDb *
pz_db_postgresql_open (const char   *uri,
                       PzDbOpenFlags flags,
                       GError      **error)
{
  /* defaults first: what the location says overrides them */
  const char * const keywords[] = {
    "application_name", "client_encoding", "options", "dbname", NULL
  };
  const char * const values[] = {
    "perizinan-server", "UTF8", "-c synchronous_commit=on", uri, NULL
  };
  PzDbPg *pg = g_new0 (PzDbPg, 1);

  pz_db_init (&pg->parent, &pg_driver, PZ_DB_POSTGRESQL);
  pg->later = g_ptr_array_new_with_free_func (g_free);
  pg->safe_uri = pz_db_postgresql_safe_uri (uri);
  pg->password = pz_db_postgresql_password_of (uri);
  pg->conn = PQconnectdbParams (keywords, values, 1);
  if (pg->conn == NULL || PQstatus (pg->conn) != CONNECTION_OK)
    {
      g_autofree char *reason = scrub (pg, pg->conn ? PQerrorMessage (pg->conn) : NULL);

      g_set_error (error, PZ_DB_ERROR, PZ_DB_ERROR_CANTOPEN,
                   _("Could not connect to the database %s: %s"), pg->safe_uri, reason);
      pz_db_close (&pg->parent);
      return NULL;
    }
  PQsetNoticeProcessor (pg->conn, notice_to_debug, pg);

  pg->reconnect = !(flags & PZ_DB_OPEN_NO_RECONNECT);
  pg->read_only = (flags & PZ_DB_OPEN_READ_ONLY) != 0;
  if (!apply_settings (pg, error))
    {
      pz_db_close (&pg->parent);
      return NULL;
    }
  return &pg->parent;
}
