/* SPDX-License-Identifier: GPL-3.0-or-later */
/* pz-db on PostgreSQL through libpq: the connection.
 *
 * This room holds the connection: its errors, its loss and making it
 * again, its settings, what waits to go, notifications.  The statements
 * are pz-db-postgresql-stmt.c's.
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

void
pz_db_postgresql_set_error (PzDbPg         *pg,
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

void
pz_db_postgresql_note_changes (PzDbPg         *pg,
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

void
pz_db_postgresql_note_transaction (PzDbPg *pg)
{
  if (PQstatus (pg->conn) == CONNECTION_OK)
    pg->in_transaction = PQtransactionStatus (pg->conn) != PQTRANS_IDLE;
}

static gboolean apply_settings (PzDbPg  *pg,
                                GError **error);

/* Before a statement: a connection the database dropped (a restart, a
 * failover, an idle timeout) is made again, its settings and statements
 * with it; but one lost inside a transaction is not, until the store
 * rolls that transaction back: what it wrote is gone, and nothing after
 * it may run as if it were not. */
PzDbPgUsable
pz_db_postgresql_usable (PzDbPg     *pg,
                         const char *sql,
                         GError    **error)
{
  if (PQstatus (pg->conn) == CONNECTION_OK)
    return PZ_DB_PG_READY;
  /* what waited belonged to the transaction the connection took with it */
  g_ptr_array_set_size (pg->later, 0);
  if (!pg->reconnect || (pg->in_transaction && !(sql && pz_db_postgresql_starts_with_word (sql, "ROLLBACK"))))
    {
      g_set_error (error, PZ_DB_ERROR, PZ_DB_ERROR_CANTOPEN,
                   pg->in_transaction ? _("Lost the connection to the database %s inside a transaction")
                                      : _("Lost the connection to the database %s"), pg->safe_uri);
      return PZ_DB_PG_LOST;
    }
  PQreset (pg->conn);
  if (PQstatus (pg->conn) != CONNECTION_OK)
    {
      g_autofree char *reason = scrub (pg, PQerrorMessage (pg->conn));

      g_set_error (error, PZ_DB_ERROR, PZ_DB_ERROR_CANTOPEN,
                   _("Could not connect to the database %s: %s"), pg->safe_uri, reason);
      return PZ_DB_PG_LOST;
    }
  pg->generation++;
  g_message ("Connected again to the database %s", pg->safe_uri);
  if (!apply_settings (pg, error))
    return PZ_DB_PG_LOST;
  if (pg->in_transaction)
    {
      pg->in_transaction = FALSE;
      return PZ_DB_PG_ROLLED_BACK;
    }
  return PZ_DB_PG_READY;
}

/* Whether @sql may run again after the connection was lost under it: only
 * what cannot have changed anything if it ran (a read, a BEGIN), outside a
 * transaction. */
gboolean
pz_db_postgresql_may_retry (PzDbPg     *pg,
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

  switch (pz_db_postgresql_usable (pg, sql, error))
    {
    case PZ_DB_PG_LOST:
      return FALSE;
    case PZ_DB_PG_ROLLED_BACK:
      return TRUE;
    case PZ_DB_PG_READY:
    default:
      break;
    }
  all = take_later (pg, sql);
  pz_db_postgresql_round_trip ();
  result = PQexec (pg->conn, all);
  if (PQresultStatus (result) == PGRES_FATAL_ERROR && pz_db_postgresql_may_retry (pg, all))
    {
      PQclear (result);
      if (pz_db_postgresql_usable (pg, sql, error) != PZ_DB_PG_READY)
        return FALSE;
      pz_db_postgresql_round_trip ();
      result = PQexec (pg->conn, all);
    }
  pz_db_postgresql_note_transaction (pg);
  {
    ExecStatusType status = PQresultStatus (result);
    gboolean ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY;

    if (ok)
      pz_db_postgresql_note_changes (pg, result);
    else
      pz_db_postgresql_set_error (pg, result, error);
    PQclear (result);
    return ok;
  }
}

/* Sends what waits to go, if anything, before an exchange that cannot
 * take it along. */
gboolean
pz_db_postgresql_send_later (PzDbPg  *pg,
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
    pz_db_postgresql_set_error (pg, result, error);
  PQclear (result);
  return ok;
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
  pz_db_postgresql_send_later (pg, NULL);
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
  if (!pz_db_postgresql_send_later (pg, error))
    return FALSE;
  pz_db_postgresql_round_trip ();
  result = PQexecParams (pg->conn, sql->str, (int) n + 1, NULL, values, NULL, NULL, 0);
  ok = PQresultStatus (result) == PGRES_TUPLES_OK;

  if (!ok)
    pz_db_postgresql_set_error (pg, result, error);
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

/* the statements' part is filled in by pz-db-postgresql-stmt.c, at the
 * first open */
static PzDbDriver pg_driver = {
  .close = pg_close,
  .exec = pg_exec,
  .exec_later = pg_exec_later,
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
  static gsize filled;
  PzDbPg *pg = g_new0 (PzDbPg, 1);

  if (g_once_init_enter (&filled))
    {
      pz_db_postgresql_fill_statements (&pg_driver);
      g_once_init_leave (&filled, 1);
    }
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
