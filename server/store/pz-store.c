/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The store: its connection to the database (through pz-db), the
 * migrations run on it (their texts in pz-store-schema.c), transactions
 * and the office's settings. All SQL of the server lives in this folder,
 * and goes to the engine through pz-db alone. */
#define G_LOG_DOMAIN "pz-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pz-schema-postgresql.h"
#include "pz-store-private.h"

G_DEFINE_QUARK (pz - store - error - quark, pz_store_error)

static int
store_error_code (const GError *db_error)
{
  if (db_error == NULL || db_error->domain != PZ_DB_ERROR)
    return PZ_STORE_ERROR_FAILED;
  switch (db_error->code)
    {
    case PZ_DB_ERROR_BUSY:
      return PZ_STORE_ERROR_BUSY;
    case PZ_DB_ERROR_CONSTRAINT:
      return PZ_STORE_ERROR_CONSTRAINT;
    case PZ_DB_ERROR_FULL:
      return PZ_STORE_ERROR_FULL;
    default:
      return PZ_STORE_ERROR_FAILED;
    }
}

/* Tells why the last db_step() failed, as a store error, and forgets it. */
gboolean
sql_error (PzStore *self,
           GError **error)
{
  g_set_error (error, PZ_STORE_ERROR, store_error_code (self->step_error), _("Database error: %s"),
               self->step_error ? self->step_error->message : "not an error");
  g_clear_error (&self->step_error);
  return FALSE;
}

/* While another thread commits, the connection is that thread's alone:
 * whoever else wants it waits for it to come back (see
 * pz_store_set_lend_waiter()). */
static gboolean
lent_elsewhere (PzStore    *self,
                const char *sql,
                GError    **error)
{
  if (self->borrower == NULL || self->borrower == g_thread_self ())
    return FALSE;
  if (self->waiter)
    self->waiter (self->waiter_data);
  if (self->borrower == NULL)
    return FALSE;
  g_critical ("The store was used while its commit runs on another thread: %s", sql);
  g_set_error (error, PZ_STORE_ERROR, PZ_STORE_ERROR_FAILED, _("Database error: %s"),
               "the connection is committing");
  return TRUE;
}

/* Whether @sql may write: anything but a SELECT. */
static gboolean
may_write (const char *sql)
{
  while (g_ascii_isspace (*sql))
    sql++;
  return g_ascii_strncasecmp (sql, "SELECT", 6) != 0 || g_ascii_isalnum (sql[6]) || sql[6] == '_';
}

PzDbStmt *
prepare (PzStore    *self,
         const char *sql,
         GError    **error)
{
  PzDbStmt *stmt;

  if (G_UNLIKELY (lent_elsewhere (self, sql, error)))
    return NULL;
  if (may_write (sql))
    self->written = TRUE;
  g_clear_error (&self->step_error);
  if (!(stmt = pz_db_prepare (self->db, sql, &self->step_error)))
    sql_error (self, error);
  return stmt;
}

void
bind_text (PzDbStmt   *stmt,
           int         i,
           const char *text)
{
  pz_db_bind_text (stmt, i, text);
}

/* A time, or NULL for 0 ("none"). */
void
bind_time (PzDbStmt *stmt,
           int       i,
           gint64    t)
{
  if (t)
    pz_db_bind_int64 (stmt, i, t);
  else
    pz_db_bind_null (stmt, i);
}

/* A copy, for a record that keeps it. */
char *
column_text (PzDbStmt *stmt,
             int       i)
{
  return g_strdup (pz_db_column_text (stmt, i));
}

/* Runs or goes on with a statement; why it failed is kept for sql_error(). */
PzDbStep
db_step (PzStore  *self,
         PzDbStmt *stmt)
{
  g_clear_error (&self->step_error);
  return pz_db_step (stmt, &self->step_error);
}

/* Runs an INSERT … RETURNING id, to its end. */
gboolean
step_returning (PzStore  *self,
                PzDbStmt *stmt,
                gint64   *id,
                GError  **error)
{
  if (db_step (self, stmt) != PZ_DB_STEP_ROW)
    {
      pz_db_reset (stmt);
      return sql_error (self, error);
    }
  *id = pz_db_column_int64 (stmt, 0);
  return step_done (self, stmt, error);
}

/* Runs a statement that returns no rows. */
gboolean
step_done (PzStore  *self,
           PzDbStmt *stmt,
           GError  **error)
{
  int rc = db_step (self, stmt);

  pz_db_reset (stmt);
  if (rc != PZ_DB_STEP_DONE)
    return sql_error (self, error);
  return TRUE;
}

static gboolean
exec (PzStore    *self,
      const char *sql,
      GError    **error)
{
  g_autoptr(GError) db_error = NULL;

  if (G_UNLIKELY (lent_elsewhere (self, sql, error)))
    return FALSE;
  if (may_write (sql))
    self->written = TRUE;
  if (!pz_db_exec (self->db, sql, &db_error))
    {
      /* only a full disk is told apart here, as it always was */
      g_set_error (error, PZ_STORE_ERROR,
                   g_error_matches (db_error, PZ_DB_ERROR, PZ_DB_ERROR_FULL)
                   ? PZ_STORE_ERROR_FULL : PZ_STORE_ERROR_FAILED,
                   _("Database error: %s"), db_error->message);
      return FALSE;
    }
  return TRUE;
}

/* A savepoint's statement, sent with the next one (see pz_db_exec_later()). */
static gboolean
exec_later (PzStore    *self,
            const char *sql,
            GError    **error)
{
  g_autoptr(GError) db_error = NULL;

  if (G_UNLIKELY (lent_elsewhere (self, sql, error)))
    return FALSE;
  if (!pz_db_exec_later (self->db, sql, &db_error))
    {
      g_set_error (error, PZ_STORE_ERROR,
                   g_error_matches (db_error, PZ_DB_ERROR, PZ_DB_ERROR_FULL)
                   ? PZ_STORE_ERROR_FULL : PZ_STORE_ERROR_FAILED,
                   _("Database error: %s"), db_error->message);
      return FALSE;
    }
  return TRUE;
}

/* What starts a write transaction: SQLite takes its write lock at once,
 * so that no other writer can come between a read and a write. */
static const char *
begin_write_sql (PzStore *self)
{
  return pz_db_kind (self->db) == PZ_DB_SQLITE ? "BEGIN IMMEDIATE" : "BEGIN";
}

/* What starts a read transaction whose reads all see one commit: any in
 * SQLite; PostgreSQL's (untested) needs REPEATABLE READ for it. */
const char *
begin_read_sql (PzStore *self)
{
  return pz_db_kind (self->db) == PZ_DB_SQLITE
         ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
}

/* The schema version is a number kept apart from the tables: SQLite's
 * user_version; on PostgreSQL a table of one row. */
static gboolean
read_schema_version (PzStore *self,
                     int     *version,
                     GError **error)
{
  PzDbStmt *stmt;

  *version = 0;
  if (pz_db_kind (self->db) == PZ_DB_POSTGRESQL &&
      !exec (self, "CREATE TABLE IF NOT EXISTS schema_version (version bigint NOT NULL);"
             "INSERT INTO schema_version (version)"
             "  SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM schema_version)", error))
    return FALSE;
  if (!(stmt = prepare (self, pz_db_kind (self->db) == PZ_DB_SQLITE
                        ? "PRAGMA user_version" : "SELECT version FROM schema_version", error)))
    return FALSE;
  if (db_step (self, stmt) == PZ_DB_STEP_ROW)
    *version = (int) pz_db_column_int64 (stmt, 0);
  pz_db_reset (stmt);
  return TRUE;
}

/* Servers started at once on one PostgreSQL database migrate it one after
 * the other: the first brings it up to date, the others find it so. */
#define MIGRATION_LOCK "7402190511"

static gboolean
check_foreign_keys (PzStore *self,
                    GError **error)
{
  PzDbStmt *stmt = prepare (self, "PRAGMA foreign_key_check", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = db_step (self, stmt);
  pz_db_reset (stmt);
  if (rc == PZ_DB_STEP_DONE)
    return TRUE;
  if (rc == PZ_DB_STEP_ROW)
    {
      g_set_error (error, PZ_STORE_ERROR, PZ_STORE_ERROR_CONSTRAINT,
                   _("The database refers to rows it does not hold"));
      return FALSE;
    }
  return sql_error (self, error);
}

static gboolean
migrate_locked (PzStore *self,
                GError **error)
{
  gboolean sqlite = pz_db_kind (self->db) == PZ_DB_SQLITE;
  int version;

  if (!read_schema_version (self, &version, error))
    return FALSE;

  if (version > (int) pz_store_n_migrations)
    {
      g_set_error (error, PZ_STORE_ERROR, PZ_STORE_ERROR_TOO_NEW,
                   _("The database was made by a newer version of Perizinan (schema %d); "
                     "upgrade the server"), version);
      return FALSE;
    }

  /* A migration that makes a table anew drops the one other tables point
   * to: SQLite allows it only with the foreign keys off, which it can set
   * only outside a transaction; the keys are checked before they are on
   * again. */
  if (sqlite && version < (int) pz_store_n_migrations &&
      !exec (self, "PRAGMA foreign_keys = OFF", error))
    return FALSE;
  for (int v = version; v < (int) pz_store_n_migrations; v++)
    {
      const char *sql = sqlite ? pz_store_migrations[v].sqlite : pz_schema_postgresql_migration (v + 1);
      g_autofree char *bump = g_strdup_printf (sqlite ? "PRAGMA user_version = %d"
                                               : "UPDATE schema_version SET version = %d", v + 1);

      if (!exec (self, begin_write_sql (self), error))
        return FALSE;
      if (!exec (self, sql, error) || !exec (self, bump, error))
        {
          exec (self, "ROLLBACK", NULL);
          return FALSE;
        }
      if (!exec (self, "COMMIT", error))
        return FALSE;
    }
  if (sqlite && version < (int) pz_store_n_migrations)
    return check_foreign_keys (self, error) && exec (self, "PRAGMA foreign_keys = ON", error);
  return TRUE;
}

static gboolean
migrate (PzStore *self,
         GError **error)
{
  gboolean ok;

  if (pz_db_kind (self->db) == PZ_DB_SQLITE)
    return migrate_locked (self, error);
  /* however long the first takes (lock_timeout 0: no limit) */
  pz_db_set_busy_timeout (self->db, 0);
  ok = exec (self, "SELECT pg_advisory_lock (" MIGRATION_LOCK ")", error);
  pz_db_set_busy_timeout (self->db, self->busy_ms);
  if (!ok)
    return FALSE;
  ok = migrate_locked (self, error);
  exec (self, "SELECT pg_advisory_unlock (" MIGRATION_LOCK ")", NULL);
  return ok;
}

/* the lock of making an office's first records */
#define SETUP_LOCK "7402190513"

/**
 * pz_store_lock_setup:
 * @self: a store, outside a transaction
 * @take: %TRUE to take the lock, %FALSE to give it back
 *
 * Servers started at once on one PostgreSQL database make the demo office
 * one after the other: the first makes it, the others find it made.  On
 * SQLite, where one server is alone, it does nothing.
 */
gboolean
pz_store_lock_setup (PzStore *self,
                     gboolean take,
                     GError **error)
{
  gboolean ok;

  if (pz_db_kind (self->db) == PZ_DB_SQLITE)
    return TRUE;
  if (!take)
    return exec (self, "SELECT pg_advisory_unlock (" SETUP_LOCK ")", error);
  /* however long the first takes (lock_timeout 0: no limit) */
  pz_db_set_busy_timeout (self->db, 0);
  ok = exec (self, "SELECT pg_advisory_lock (" SETUP_LOCK ")", error);
  pz_db_set_busy_timeout (self->db, self->busy_ms);
  return ok;
}

/* Files registered before tracking codes existed (or put in by hand) get
 * one, so that every receipt printed from now on can carry it. */
static gboolean
give_tracking_codes (PzStore *self,
                     GError **error)
{
  PzDbStmt *select = prepare (self, "SELECT id FROM applications WHERE tracking_code IS NULL", error);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  PzDbStmt *update;
  int rc;

  if (select == NULL)
    return FALSE;
  while ((rc = db_step (self, select)) == PZ_DB_STEP_ROW)
    {
      gint64 id = pz_db_column_int64 (select, 0);
      g_array_append_val (ids, id);
    }
  pz_db_reset (select);
  if (rc != PZ_DB_STEP_DONE)
    return sql_error (self, error);
  if (ids->len == 0)
    return TRUE;
  if (!(update = prepare (self, "UPDATE applications SET tracking_code = ? WHERE id = ?", error)) ||
      !exec (self, begin_write_sql (self), error))
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *code = pz_tracking_code_new ();

      pz_db_reset (update);
      bind_text (update, 1, code);
      pz_db_bind_int64 (update, 2, g_array_index (ids, gint64, i));
      if (!step_done (self, update, error))
        {
          exec (self, "ROLLBACK", NULL);
          return FALSE;
        }
    }
  return exec (self, "COMMIT", error);
}

/**
 * pz_store_open:
 * @path: the database file, or a `postgresql://` connection URI
 * @error: return location for an error
 *
 * Opens or creates the database, in WAL mode with full sync so that an
 * acknowledged commit survives a power cut, and brings its schema up to date.
 *
 * Returns: (transfer full): the store, or %NULL
 */
PzStore *
pz_store_open (const char *path,
               GError    **error)
{
  PzStore *self = g_new0 (PzStore, 1);
  g_autoptr(GError) db_error = NULL;

  if (!(self->db = pz_db_open (path, PZ_DB_OPEN_DEFAULT, &db_error)))
    {
      g_autofree char *where = pz_db_safe_location (path);

      g_set_error (error, PZ_STORE_ERROR, PZ_STORE_ERROR_FAILED,
                   _("Cannot open the database %s: %s"), where, db_error->message);
      pz_store_free (self);
      return NULL;
    }
  self->busy_ms = DEFAULT_BUSY_MS;
  pz_db_set_busy_timeout (self->db, self->busy_ms);

  if ((pz_db_kind (self->db) == PZ_DB_SQLITE &&
       (!exec (self, "PRAGMA journal_mode = WAL", error) ||
        !exec (self, "PRAGMA synchronous = FULL", error) ||
        !exec (self, "PRAGMA foreign_keys = ON", error) ||
        /* A page cache of 16 MiB and no memory map: the inbox is answered
         * from its rendered page and the step counts, so what reads the
         * database is small, and the server's memory stays flat in the size
         * of the office (a map would count every page it touched). */
        !exec (self, "PRAGMA cache_size = -16384", error) ||
        !exec (self, "PRAGMA mmap_size = 0", error) ||
        !exec (self, "PRAGMA temp_store = MEMORY", error))) ||
      !migrate (self, error) ||
      !give_tracking_codes (self, error))
    {
      g_autofree char *where = pz_db_safe_location (path);

      g_prefix_error (error, _("Cannot open the database %s: "), where);
      pz_store_free (self);
      return NULL;
    }
  return self;
}

void
pz_store_free (PzStore *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->packer);
  g_clear_error (&self->step_error);
  g_clear_pointer (&self->db, pz_db_close);
  g_free (self);
}

gboolean
pz_store_ping (PzStore *self)
{
  PzDbStmt *stmt = prepare (self, "SELECT count(*) FROM office", NULL);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = db_step (self, stmt);
  pz_db_reset (stmt);
  return rc == PZ_DB_STEP_ROW;
}

/* The savepoints kept apart by a bit each; deeper ones are always set. */
#define TRACKED_DEPTHS 64

static gboolean
savepoint_set (PzStore *self,
               guint    depth)
{
  return depth >= TRACKED_DEPTHS || (self->set_savepoints & (G_GUINT64_CONSTANT (1) << depth)) != 0;
}

/**
 * pz_store_begin:
 * @self: a store
 * @error: return location for an error
 *
 * Starts a transaction, or a savepoint inside the one already open, so that
 * several actions can share one durable commit and each still succeed or
 * fail alone. Every begin is ended by exactly one pz_store_commit() or
 * pz_store_rollback().
 *
 * A savepoint inside a savepoint, begun when nothing was written since
 * the outer one, is not sent to the database: rolling it back is rolling
 * back to the outer one, and committing it is nothing.  An action inside
 * the savepoint that also holds its answer for a retry costs two
 * statements less.
 */
gboolean
pz_store_begin (PzStore *self,
                GError **error)
{
  g_autofree char *sql = NULL;

  if (lent_elsewhere (self, "begin", error))
    return FALSE;

  if (self->depth == 0)
    {
      PzDbStmt *stmt = prepare (self, self->reader ? begin_read_sql (self) : begin_write_sql (self), error);
      if (!stmt || !step_done (self, stmt, error))
        return FALSE;
      self->set_savepoints = 0;
    }
  else if (self->depth >= 2 && self->depth < TRACKED_DEPTHS && !self->written)
    self->set_savepoints &= ~(G_GUINT64_CONSTANT (1) << self->depth);
  else
    {
      sql = g_strdup_printf ("SAVEPOINT pz_%u", self->depth);
      if (!exec_later (self, sql, error))
        return FALSE;
      if (self->depth < TRACKED_DEPTHS)
        self->set_savepoints |= G_GUINT64_CONSTANT (1) << self->depth;
    }
  self->written = FALSE;
  self->depth++;
  return TRUE;
}

/**
 * pz_store_commit:
 * @self: a store
 * @error: return location for an error
 *
 * On failure nothing is ended: call pz_store_rollback().
 */
gboolean
pz_store_commit (PzStore *self,
                 GError **error)
{
  g_autofree char *sql = NULL;

  if (lent_elsewhere (self, "commit", error))
    return FALSE;

  g_return_val_if_fail (self->depth > 0, FALSE);

  if (self->depth == 1)
    {
      PzDbStmt *stmt = prepare (self, "COMMIT", error);
      if (!stmt || !step_done (self, stmt, error))
        return FALSE;
    }
  else if (savepoint_set (self, self->depth - 1))
    {
      sql = g_strdup_printf ("RELEASE pz_%u", self->depth - 1);
      if (!exec_later (self, sql, error))
        return FALSE;
      /* what it held is the enclosing one's now */
      self->written = TRUE;
    }
  self->depth--;
  self->ends++;
  return TRUE;
}

void
pz_store_rollback (PzStore *self)
{
  if (lent_elsewhere (self, "rollback", NULL))
    return;
  if (self->depth == 0)
    return;
  if (self->depth == 1)
    {
      if (pz_db_in_transaction (self->db))
        exec (self, "ROLLBACK", NULL);
    }
  else if (savepoint_set (self, self->depth - 1))
    {
      g_autofree char *sql = g_strdup_printf ("ROLLBACK TO pz_%u; RELEASE pz_%u",
                                              self->depth - 1, self->depth - 1);
      exec (self, sql, NULL);
    }
  else
    {
      /* back to the savepoint set last, where the database stood when
       * this one began; that one stays, for its own end */
      guint set = self->depth - 2;
      g_autofree char *sql = NULL;

      while (!savepoint_set (self, set))
        set--;
      sql = g_strdup_printf ("ROLLBACK TO pz_%u", set);
      exec (self, sql, NULL);
    }
  /* what is left may have been written before */
  self->written = TRUE;
  self->depth--;
  self->ends++;
}

/**
 * pz_store_open_reader:
 * @path: the database file, opened by pz_store_open() already
 * @error: return location for an error
 *
 * Opens a second, read-only connection to @path for one thread: in WAL mode
 * it reads the last commit while the main connection writes or commits.
 * pz_store_begin() on it starts a read transaction, whose reads all see the
 * same commit.
 *
 * Returns: (transfer full): the reader, or %NULL
 */
PzStore *
pz_store_open_reader (const char *path,
                      GError    **error)
{
  PzStore *self = g_new0 (PzStore, 1);
  g_autoptr(GError) db_error = NULL;

  self->reader = TRUE;
  if (!(self->db = pz_db_open (path, PZ_DB_OPEN_READ_ONLY, &db_error)))
    {
      g_autofree char *where = pz_db_safe_location (path);

      g_set_error (error, PZ_STORE_ERROR, PZ_STORE_ERROR_FAILED,
                   _("Cannot open the database %s: %s"), where, db_error->message);
      pz_store_free (self);
      return NULL;
    }
  self->busy_ms = DEFAULT_BUSY_MS;
  pz_db_set_busy_timeout (self->db, self->busy_ms);
  /* what it reads is small: the inbox's heads and counts */
  if (pz_db_kind (self->db) == PZ_DB_SQLITE &&
      (!exec (self, "PRAGMA cache_size = -4096", error) ||
       !exec (self, "PRAGMA mmap_size = 0", error) ||
       !exec (self, "PRAGMA temp_store = MEMORY", error)))
    {
      g_prefix_error (error, _("Cannot open the database %s: "), path);
      pz_store_free (self);
      return NULL;
    }
  return self;
}

/**
 * pz_store_lend:
 * @self: a store with a transaction open (and no savepoint)
 * @borrower: the thread that is to commit it
 *
 * Hands the connection to @borrower, which ends the transaction with
 * pz_store_commit_lent(); until pz_store_give_back(), any other use of the
 * store is refused with a critical warning.
 */
void
pz_store_lend (PzStore *self,
               GThread *borrower)
{
  g_return_if_fail (self->depth == 1 && self->borrower == NULL);
  self->borrower = borrower;
}

/**
 * pz_store_commit_lent:
 * @self: a store lent to the calling thread
 * @error: return location for an error
 *
 * Commits the open transaction, durably; if that fails, rolls it back, so
 * that nothing of it is left either way.
 *
 * Returns: whether it was committed
 */
gboolean
pz_store_commit_lent (PzStore *self,
                      GError **error)
{
  PzDbStmt *stmt;

  g_return_val_if_fail (self->borrower == g_thread_self (), FALSE);
  stmt = prepare (self, "COMMIT", error);
  if (stmt && step_done (self, stmt, error))
    return TRUE;
  if (pz_db_in_transaction (self->db))
    exec (self, "ROLLBACK", NULL);
  return FALSE;
}

/**
 * pz_store_give_back:
 * @self: a lent store, its transaction ended by pz_store_commit_lent()
 *
 * Takes the connection back from the thread that committed.
 */
void
pz_store_give_back (PzStore *self)
{
  g_return_if_fail (self->borrower != NULL);
  self->borrower = NULL;
  self->depth = 0;
  self->ends++;
}

gboolean
pz_store_is_lent (PzStore *self)
{
  return self->borrower != NULL;
}

/**
 * pz_store_set_lend_waiter:
 * @self: a store
 * @waiter: called on the owner's thread when it uses the store while lent;
 *   it waits for the commit and calls pz_store_give_back()
 * @data: for @waiter
 *
 * Without a waiter, such a use is refused with a critical warning.
 */
void
pz_store_set_lend_waiter (PzStore *self,
                          void (  *waiter ) (gpointer data),
                          gpointer data)
{
  self->waiter = waiter;
  self->waiter_data = data;
}

/**
 * pz_store_set_busy_timeout:
 * @self: a store
 * @ms: the most milliseconds a statement waits while another process holds
 *   the lock it needs
 *
 * The wait blocks the calling thread; a server's main loop keeps it short
 * and waits for the write lock with pz_store_try_write_lock() instead.
 */
void
pz_store_set_busy_timeout (PzStore *self,
                           int      ms)
{
  self->busy_ms = ms;
  pz_db_set_busy_timeout (self->db, ms);
}

/**
 * pz_store_try_write_lock:
 * @self: a store
 *
 * Whether a write transaction could start now, found without waiting: in
 * WAL mode only another process's write transaction stops it, and reads go
 * on meanwhile.
 *
 * Returns: %TRUE if this connection holds the write lock already or could
 *   take it at once; %FALSE while it is lent to the thread committing
 */
gboolean
pz_store_try_write_lock (PzStore *self)
{
  gboolean free;

  /* not now: the connection is away committing (not waited for here) */
  if (self->borrower != NULL && self->borrower != g_thread_self ())
    return FALSE;
  if (self->depth > 0)
    return TRUE;
  /* PostgreSQL locks rows, not the database: a writer does not wait for
   * another to end its transaction */
  if (pz_db_kind (self->db) != PZ_DB_SQLITE)
    return TRUE;
  pz_db_set_busy_timeout (self->db, 0);
  free = pz_db_exec (self->db, "BEGIN IMMEDIATE", NULL);
  if (free)
    pz_db_exec (self->db, "ROLLBACK", NULL);
  pz_db_set_busy_timeout (self->db, self->busy_ms);
  return free;
}

gboolean
pz_store_in_transaction (PzStore *self)
{
  lent_elsewhere (self, "in_transaction", NULL);
  return self->depth > 0;
}

void
pz_store_get_stamp (PzStore      *self,
                    PzStoreStamp *stamp)
{
  /* waits for the connection to come back if it is lent */
  gboolean away = lent_elsewhere (self, "PRAGMA data_version", NULL);

  /* a reader changes nothing: only other connections' commits count */
  stamp->ends = self->reader ? 0 : self->ends;
  stamp->changes = self->reader ? 0 : pz_db_total_changes (self->db);
  stamp->data_version = away ? -1 : pz_db_data_version (self->db);
}

/* Office profile */

char *
pz_store_get_setting (PzStore    *self,
                      gint64      office_id,
                      const char *key)
{
  PzDbStmt *stmt = prepare (self, "SELECT value FROM office WHERE office_id = ? AND key = ?", NULL);
  char *value = NULL;

  if (stmt == NULL)
    return NULL;
  pz_db_bind_int64 (stmt, 1, office_id);
  bind_text (stmt, 2, key);
  if (db_step (self, stmt) == PZ_DB_STEP_ROW)
    value = column_text (stmt, 0);
  pz_db_reset (stmt);
  return value;
}

gboolean
pz_store_set_setting (PzStore    *self,
                      gint64      office_id,
                      const char *key,
                      const char *value,
                      GError    **error)
{
  PzDbStmt *stmt = prepare (self,
                            "INSERT INTO office (office_id, key, value) VALUES (?, ?, ?) "
                            "ON CONFLICT (office_id, key) DO UPDATE SET value = excluded.value",
                            error);
  if (stmt == NULL)
    return FALSE;
  pz_db_bind_int64 (stmt, 1, office_id);
  bind_text (stmt, 2, key);
  bind_text (stmt, 3, value);
  return step_done (self, stmt, error);
}
