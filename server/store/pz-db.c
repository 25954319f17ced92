/* SPDX-License-Identifier: GPL-3.0-or-later */
/* pz-db: chooses the driver, keeps the prepared statements, dispatches. */
#define G_LOG_DOMAIN "pz-db"

#include "config.h"

#include "pz-db-postgresql.h"
#include "pz-db-private.h"

G_DEFINE_QUARK (pz - db - error - quark, pz_db_error)

static void
finalize_statement (gpointer data)
{
  PzDbStmt *stmt = data;
  PzDb *db = stmt->db;

  g_free (stmt->sql);
  db->driver->finalize (stmt);
}

void
pz_db_init (PzDb             *db,
            const PzDbDriver *driver,
            PzDbKind          kind)
{
  db->driver = driver;
  db->kind = kind;
  db->statements = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, finalize_statement);
}

static gboolean
is_postgresql (const char *location)
{
  return g_str_has_prefix (location, "postgresql://") || g_str_has_prefix (location, "postgres://");
}

PzDb *
pz_db_open (const char   *location,
            PzDbOpenFlags flags,
            GError      **error)
{
  g_return_val_if_fail (location != NULL, NULL);

  if (is_postgresql (location))
    return pz_db_postgresql_open (location, flags, error);
  return pz_db_sqlite_open (location, flags, error);
}

/* The location as a message may show it: a URI without its password. */
char *
pz_db_safe_location (const char *location)
{
  return is_postgresql (location) ? pz_db_postgresql_safe_uri (location) : g_strdup (location);
}

void
pz_db_close (PzDb *db)
{
  if (db == NULL)
    return;
  g_clear_pointer (&db->statements, g_hash_table_unref);
  db->driver->close (db);
}

PzDbKind
pz_db_kind (PzDb *db)
{
  return db->kind;
}

gboolean
pz_db_exec (PzDb       *db,
            const char *sql,
            GError    **error)
{
  return db->driver->exec (db, sql, error);
}

gboolean
pz_db_exec_later (PzDb       *db,
                  const char *sql,
                  GError    **error)
{
  if (db->driver->exec_later)
    return db->driver->exec_later (db, sql, error);
  return db->driver->exec (db, sql, error);
}

PzDbStmt *
pz_db_prepare (PzDb       *db,
               const char *sql,
               GError    **error)
{
  PzDbStmt *stmt = g_hash_table_lookup (db->statements, sql);

  if (stmt)
    {
      db->driver->reset (stmt);
      db->driver->clear_bindings (stmt);
      return stmt;
    }
  if (!(stmt = db->driver->prepare (db, sql, error)))
    return NULL;
  stmt->db = db;
  stmt->sql = g_strdup (sql);
  g_hash_table_insert (db->statements, stmt->sql, stmt);
  return stmt;
}

void
pz_db_bind_int64 (PzDbStmt *stmt,
                  int       i,
                  gint64    value)
{
  stmt->db->driver->bind_int64 (stmt, i, value);
}

void
pz_db_bind_double (PzDbStmt *stmt,
                   int       i,
                   double    value)
{
  stmt->db->driver->bind_double (stmt, i, value);
}

void
pz_db_bind_text (PzDbStmt   *stmt,
                 int         i,
                 const char *text)
{
  if (text)
    stmt->db->driver->bind_text (stmt, i, text);
  else
    stmt->db->driver->bind_null (stmt, i);
}

void
pz_db_bind_blob (PzDbStmt     *stmt,
                 int           i,
                 gconstpointer data,
                 gsize         size)
{
  if (data)
    stmt->db->driver->bind_blob (stmt, i, data, size);
  else
    stmt->db->driver->bind_null (stmt, i);
}

void
pz_db_bind_null (PzDbStmt *stmt,
                 int       i)
{
  stmt->db->driver->bind_null (stmt, i);
}

PzDbStep
pz_db_step (PzDbStmt *stmt,
            GError  **error)
{
  return stmt->db->driver->step (stmt, error);
}

void
pz_db_reset (PzDbStmt *stmt)
{
  stmt->db->driver->reset (stmt);
}

gboolean
pz_db_run_together (PzDb      *db,
                    PzDbStmt **stmts,
                    guint      n,
                    GError   **error)
{
  for (guint i = 0; i < n; i++)
    g_return_val_if_fail (stmts[i] != NULL && stmts[i]->db == db, FALSE);
  if (db->driver->run_together == NULL || n == 0)
    return TRUE;
  return db->driver->run_together (db, stmts, n, error);
}

int
pz_db_column_count (PzDbStmt *stmt)
{
  return stmt->db->driver->column_count (stmt);
}

gboolean
pz_db_column_is_null (PzDbStmt *stmt,
                      int       i)
{
  return stmt->db->driver->column_is_null (stmt, i);
}

gint64
pz_db_column_int64 (PzDbStmt *stmt,
                    int       i)
{
  return stmt->db->driver->column_int64 (stmt, i);
}

double
pz_db_column_double (PzDbStmt *stmt,
                     int       i)
{
  return stmt->db->driver->column_double (stmt, i);
}

const char *
pz_db_column_text (PzDbStmt *stmt,
                   int       i)
{
  return stmt->db->driver->column_text (stmt, i);
}

gconstpointer
pz_db_column_blob (PzDbStmt *stmt,
                   int       i,
                   gsize    *size)
{
  return stmt->db->driver->column_blob (stmt, i, size);
}

gint64
pz_db_changes (PzDb *db)
{
  return db->driver->changes (db);
}

gboolean
pz_db_in_transaction (PzDb *db)
{
  return db->driver->in_transaction (db);
}

void
pz_db_set_busy_timeout (PzDb *db,
                        int   ms)
{
  db->driver->set_busy_timeout (db, ms);
}

gint64
pz_db_data_version (PzDb *db)
{
  return db->driver->data_version (db);
}

gint64
pz_db_total_changes (PzDb *db)
{
  return db->driver->total_changes (db);
}

int
pz_db_socket (PzDb *db)
{
  return db->driver->socket ? db->driver->socket (db) : -1;
}

gboolean
pz_db_listen (PzDb       *db,
              const char *channel,
              GError    **error)
{
  return db->driver->listen ? db->driver->listen (db, channel, error) : TRUE;
}

gboolean
pz_db_notify (PzDb       *db,
              const char *channel,
              const char *payload,
              GError    **error)
{
  return pz_db_notify_all (db, channel, &payload, 1, error);
}

gboolean
pz_db_notify_all (PzDb               *db,
                  const char         *channel,
                  const char * const *payloads,
                  guint               n,
                  GError            **error)
{
  if (n == 0 || db->driver->notify == NULL)
    return TRUE;
  return db->driver->notify (db, channel, payloads, n, error);
}

char *
pz_db_next_notification (PzDb    *db,
                         GError **error)
{
  return db->driver->next_notification ? db->driver->next_notification (db, error) : NULL;
}
