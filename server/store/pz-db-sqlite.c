/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The SQLite driver of pz-db: one database file, embedded. */
#define G_LOG_DOMAIN "pz-db"

#include "config.h"

#include <sqlite3.h>

#include "pz-db-private.h"

#define SQLITE_DEFAULT_BUSY_MS 5000

typedef struct
{
  PzDb          parent;
  sqlite3      *handle;
  sqlite3_stmt *data_version;  /* PRAGMA data_version, prepared when first asked */
} PzDbSqlite;

typedef struct
{
  PzDbStmt      parent;
  sqlite3_stmt *handle;
} PzDbSqliteStmt;

#define DB(db)     (((PzDbSqlite *) (db))->handle)
#define STMT(stmt) (((PzDbSqliteStmt *) (stmt))->handle)

static int
error_code (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return PZ_DB_ERROR_BUSY;
    case SQLITE_CONSTRAINT:
      return PZ_DB_ERROR_CONSTRAINT;
    case SQLITE_FULL:
      return PZ_DB_ERROR_FULL;
    case SQLITE_CANTOPEN:
      return PZ_DB_ERROR_CANTOPEN;
    default:
      return PZ_DB_ERROR_FAILED;
    }
}

static void
set_error (sqlite3 *handle,
           int      rc,
           GError **error)
{
  g_set_error_literal (error, PZ_DB_ERROR, error_code (rc),
                       handle ? sqlite3_errmsg (handle) : sqlite3_errstr (rc));
}

static void
sqlite_close (PzDb *db)
{
  PzDbSqlite *self = (PzDbSqlite *) db;

  g_clear_pointer (&self->data_version, sqlite3_finalize);
  sqlite3_close (self->handle);
  g_free (self);
}

static gboolean
sqlite_exec (PzDb       *db,
             const char *sql,
             GError    **error)
{
  char *message = NULL;
  int rc = sqlite3_exec (DB (db), sql, NULL, NULL, &message);

  if (rc != SQLITE_OK)
    {
      g_set_error_literal (error, PZ_DB_ERROR, error_code (rc), message ? message : sqlite3_errstr (rc));
      sqlite3_free (message);
      return FALSE;
    }
  return TRUE;
}

static PzDbStmt *
sqlite_prepare (PzDb       *db,
                const char *sql,
                GError    **error)
{
  sqlite3_stmt *handle = NULL;
  PzDbSqliteStmt *stmt;
  int rc = sqlite3_prepare_v3 (DB (db), sql, -1, SQLITE_PREPARE_PERSISTENT, &handle, NULL);

  if (rc != SQLITE_OK)
    {
      set_error (DB (db), rc, error);
      return NULL;
    }
  stmt = g_new0 (PzDbSqliteStmt, 1);
  stmt->handle = handle;
  return &stmt->parent;
}

static void
sqlite_finalize (PzDbStmt *stmt)
{
  sqlite3_finalize (STMT (stmt));
  g_free (stmt);
}

static void
sqlite_clear_bindings (PzDbStmt *stmt)
{
  sqlite3_clear_bindings (STMT (stmt));
}

static void
sqlite_bind_int64 (PzDbStmt *stmt,
                   int       i,
                   gint64    value)
{
  sqlite3_bind_int64 (STMT (stmt), i, value);
}

static void
sqlite_bind_double (PzDbStmt *stmt,
                    int       i,
                    double    value)
{
  sqlite3_bind_double (STMT (stmt), i, value);
}

static void
sqlite_bind_text (PzDbStmt   *stmt,
                  int         i,
                  const char *text)
{
  sqlite3_bind_text (STMT (stmt), i, text, -1, SQLITE_TRANSIENT);
}

static void
sqlite_bind_blob (PzDbStmt     *stmt,
                  int           i,
                  gconstpointer data,
                  gsize         size)
{
  sqlite3_bind_blob64 (STMT (stmt), i, data, size, SQLITE_TRANSIENT);
}

static void
sqlite_bind_null (PzDbStmt *stmt,
                  int       i)
{
  sqlite3_bind_null (STMT (stmt), i);
}

static PzDbStep
sqlite_step (PzDbStmt *stmt,
             GError  **error)
{
  int rc = sqlite3_step (STMT (stmt));

  if (rc == SQLITE_ROW)
    return PZ_DB_STEP_ROW;
  if (rc == SQLITE_DONE)
    {
      sqlite3_reset (STMT (stmt));
      return PZ_DB_STEP_DONE;
    }
  /* the message before the reset, which may replace it */
  set_error (DB (stmt->db), rc, error);
  sqlite3_reset (STMT (stmt));
  return PZ_DB_STEP_FAILED;
}

static void
sqlite_reset (PzDbStmt *stmt)
{
  sqlite3_reset (STMT (stmt));
}

static int
sqlite_column_count (PzDbStmt *stmt)
{
  return sqlite3_column_count (STMT (stmt));
}

static gboolean
sqlite_column_is_null (PzDbStmt *stmt,
                       int       i)
{
  return sqlite3_column_type (STMT (stmt), i) == SQLITE_NULL;
}

static gint64
sqlite_column_int64 (PzDbStmt *stmt,
                     int       i)
{
  return sqlite3_column_int64 (STMT (stmt), i);
}

static double
sqlite_column_double (PzDbStmt *stmt,
                      int       i)
{
  return sqlite3_column_double (STMT (stmt), i);
}

static const char *
sqlite_column_text (PzDbStmt *stmt,
                    int       i)
{
  return (const char *) sqlite3_column_text (STMT (stmt), i);
}

static gconstpointer
sqlite_column_blob (PzDbStmt *stmt,
                    int       i,
                    gsize    *size)
{
  /* the blob first, then its size (the order SQLite asks for) */
  gconstpointer data = sqlite3_column_blob (STMT (stmt), i);

  if (size)
    *size = (gsize) sqlite3_column_bytes (STMT (stmt), i);
  return data;
}

static gint64
sqlite_changes (PzDb *db)
{
  return sqlite3_changes64 (DB (db));
}

static gboolean
sqlite_in_transaction (PzDb *db)
{
  return !sqlite3_get_autocommit (DB (db));
}

static void
sqlite_set_busy_timeout (PzDb *db,
                         int   ms)
{
  sqlite3_busy_timeout (DB (db), ms);
}

static gint64
sqlite_data_version (PzDb *db)
{
  PzDbSqlite *self = (PzDbSqlite *) db;
  gint64 version = -1;

  if (self->data_version == NULL &&
      sqlite3_prepare_v3 (self->handle, "PRAGMA data_version", -1, SQLITE_PREPARE_PERSISTENT,
                          &self->data_version, NULL) != SQLITE_OK)
    return -1;
  if (sqlite3_step (self->data_version) == SQLITE_ROW)
    version = sqlite3_column_int64 (self->data_version, 0);
  sqlite3_reset (self->data_version);
  return version;
}

static gint64
sqlite_total_changes (PzDb *db)
{
  return sqlite3_total_changes64 (DB (db));
}

static const PzDbDriver sqlite_driver = {
  .close = sqlite_close,
  .exec = sqlite_exec,
  .prepare = sqlite_prepare,
  .finalize = sqlite_finalize,
  .clear_bindings = sqlite_clear_bindings,
  .bind_int64 = sqlite_bind_int64,
  .bind_double = sqlite_bind_double,
  .bind_text = sqlite_bind_text,
  .bind_blob = sqlite_bind_blob,
  .bind_null = sqlite_bind_null,
  .step = sqlite_step,
  .reset = sqlite_reset,
  .column_count = sqlite_column_count,
  .column_is_null = sqlite_column_is_null,
  .column_int64 = sqlite_column_int64,
  .column_double = sqlite_column_double,
  .column_text = sqlite_column_text,
  .column_blob = sqlite_column_blob,
  .changes = sqlite_changes,
  .in_transaction = sqlite_in_transaction,
  .set_busy_timeout = sqlite_set_busy_timeout,
  .data_version = sqlite_data_version,
  .total_changes = sqlite_total_changes,
};

/* Opens @path with extended result codes and a busy timeout of 5 s; the
 * journal mode, synchronous level and the like are the store's to set
 * (with PRAGMA, through pz_db_exec()). */
PzDb *
pz_db_sqlite_open (const char   *path,
                   PzDbOpenFlags flags,
                   GError      **error)
{
  int mode = (flags & PZ_DB_OPEN_READ_ONLY)
             ? SQLITE_OPEN_READONLY
             : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  sqlite3 *handle = NULL;
  PzDbSqlite *self;
  int rc = sqlite3_open_v2 (path, &handle, mode | SQLITE_OPEN_NOMUTEX, NULL);

  if (rc != SQLITE_OK)
    {
      g_set_error_literal (error, PZ_DB_ERROR, PZ_DB_ERROR_CANTOPEN,
                           handle ? sqlite3_errmsg (handle) : sqlite3_errstr (rc));
      sqlite3_close (handle);
      return NULL;
    }
  sqlite3_extended_result_codes (handle, 1);
  sqlite3_busy_timeout (handle, SQLITE_DEFAULT_BUSY_MS);

  self = g_new0 (PzDbSqlite, 1);
  pz_db_init (&self->parent, &sqlite_driver, PZ_DB_SQLITE);
  self->handle = handle;
  return &self->parent;
}
