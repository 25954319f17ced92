/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <sqlite3.h>
#include <string.h>

#include "pz-store.h"
#include "pz-tracking.h"

/* All SQL of the server lives here, so that another backend can take this
 * module's place. Statements are prepared once and kept. */
struct _PzStore
{
  sqlite3    *db;
  GHashTable *statements;  /* SQL text -> sqlite3_stmt */
  guint       depth;       /* open transaction and savepoints */
  int         busy_ms;     /* how long a statement waits for another process's lock */
};

#define DEFAULT_BUSY_MS 5000

G_DEFINE_QUARK (pz-store-error-quark, pz_store_error)

static const char * const migrations[] = {
  /* 1 */
  "CREATE TABLE office ("
  "  key TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL);"
  "CREATE TABLE users ("
  "  id INTEGER PRIMARY KEY,"
  "  username TEXT NOT NULL UNIQUE,"
  "  full_name TEXT NOT NULL,"
  "  nip TEXT,"
  "  password_hash TEXT NOT NULL,"
  "  active INTEGER NOT NULL DEFAULT 1,"
  "  must_change_password INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL);"
  "CREATE TABLE user_roles ("
  "  user_id INTEGER NOT NULL REFERENCES users(id),"
  "  role TEXT NOT NULL,"
  "  PRIMARY KEY (user_id, role));"
  "CREATE TABLE sessions ("
  "  token_hash TEXT PRIMARY KEY,"
  "  user_id INTEGER NOT NULL REFERENCES users(id),"
  "  created_at INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL,"
  "  revoked_at INTEGER);"
  "CREATE TABLE permit_types ("
  "  code TEXT PRIMARY KEY,"
  "  name TEXT NOT NULL,"
  "  workflow TEXT NOT NULL,"
  "  request_types TEXT NOT NULL,"
  "  survey INTEGER NOT NULL,"
  "  signing TEXT NOT NULL,"
  "  number_format TEXT NOT NULL,"
  "  validity_months INTEGER NOT NULL,"
  "  service_days INTEGER NOT NULL);"
  "CREATE TABLE permit_type_requirements ("
  "  permit_type TEXT NOT NULL REFERENCES permit_types(code) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL,"
  "  code TEXT NOT NULL,"
  "  title TEXT NOT NULL,"
  "  mandatory INTEGER NOT NULL,"
  "  request_types TEXT NOT NULL,"
  "  PRIMARY KEY (permit_type, code));"
  "CREATE TABLE permit_type_fields ("
  "  permit_type TEXT NOT NULL REFERENCES permit_types(code) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL,"
  "  name TEXT NOT NULL,"
  "  label TEXT NOT NULL,"
  "  type TEXT NOT NULL,"
  "  required INTEGER NOT NULL,"
  "  PRIMARY KEY (permit_type, name));"
  "CREATE TABLE holidays ("
  "  date TEXT PRIMARY KEY,"
  "  name TEXT NOT NULL,"
  "  kind TEXT NOT NULL CHECK (kind IN ('national', 'cuti_bersama', 'regional')));"
  "CREATE TABLE counters ("
  "  name TEXT PRIMARY KEY,"
  "  value INTEGER NOT NULL);"
  "CREATE TABLE applications ("
  "  id INTEGER PRIMARY KEY,"
  "  registration_number TEXT NOT NULL UNIQUE,"
  "  permit_type TEXT NOT NULL REFERENCES permit_types(code),"
  "  request_type TEXT NOT NULL,"
  "  applicant_name TEXT NOT NULL,"
  "  applicant_nik TEXT NOT NULL,"
  "  applicant_address TEXT NOT NULL,"
  "  applicant_phone TEXT NOT NULL,"
  "  applicant_email TEXT,"
  "  data TEXT NOT NULL DEFAULT '{}',"
  "  survey TEXT,"
  "  received_by TEXT,"
  "  step TEXT NOT NULL,"
  "  status TEXT NOT NULL,"
  "  version INTEGER NOT NULL,"
  "  step_entered_at INTEGER NOT NULL,"
  "  due_at INTEGER,"
  "  permit_number TEXT UNIQUE,"
  "  verify_token TEXT UNIQUE,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL,"
  "  created_by INTEGER NOT NULL REFERENCES users(id),"
  "  updated_by INTEGER NOT NULL REFERENCES users(id));"
  "CREATE INDEX applications_step_due ON applications(step, due_at, id);"
  "CREATE INDEX applications_step_entered ON applications(step, step_entered_at, id);"
  "CREATE INDEX applications_nik ON applications(applicant_nik);"
  "CREATE INDEX applications_name ON applications(applicant_name COLLATE NOCASE);"
  "CREATE TABLE events ("
  "  id INTEGER PRIMARY KEY,"
  "  application_id INTEGER NOT NULL REFERENCES applications(id),"
  "  at INTEGER NOT NULL,"
  "  user_id INTEGER NOT NULL REFERENCES users(id),"
  "  role TEXT NOT NULL,"
  "  action TEXT NOT NULL,"
  "  from_step TEXT,"
  "  to_step TEXT NOT NULL,"
  "  note TEXT,"
  "  office_seconds INTEGER NOT NULL DEFAULT 0,"
  "  data TEXT);"
  "CREATE INDEX events_application ON events(application_id, id);"
  "CREATE TRIGGER events_no_update BEFORE UPDATE ON events"
  "  BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;"
  "CREATE TRIGGER events_no_delete BEFORE DELETE ON events"
  "  BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;"
  "CREATE TABLE idempotency ("
  "  user_id INTEGER NOT NULL REFERENCES users(id),"
  "  key TEXT NOT NULL,"
  "  fingerprint TEXT NOT NULL,"
  "  status INTEGER NOT NULL,"
  "  body TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  PRIMARY KEY (user_id, key));"
  "CREATE TABLE documents ("
  "  id INTEGER PRIMARY KEY,"
  "  application_id INTEGER NOT NULL REFERENCES applications(id),"
  "  requirement TEXT NOT NULL,"
  "  sha256 TEXT NOT NULL,"
  "  size INTEGER NOT NULL,"
  "  content_type TEXT NOT NULL,"
  "  pages INTEGER NOT NULL DEFAULT 0,"
  "  uploaded_at INTEGER NOT NULL,"
  "  uploaded_by INTEGER NOT NULL REFERENCES users(id),"
  "  current INTEGER NOT NULL DEFAULT 1);"
  "CREATE UNIQUE INDEX documents_current ON documents(application_id, requirement)"
  "  WHERE current = 1;"
  "CREATE TABLE checklist ("
  "  application_id INTEGER NOT NULL REFERENCES applications(id),"
  "  requirement TEXT NOT NULL,"
  "  verdict TEXT NOT NULL CHECK (verdict IN ('ok', 'not_ok')),"
  "  note TEXT,"
  "  at INTEGER NOT NULL,"
  "  user_id INTEGER NOT NULL REFERENCES users(id),"
  "  PRIMARY KEY (application_id, requirement));",
  /* 2: what each user did today */
  "CREATE INDEX events_user_at ON events(user_id, at);",
  /* 3: the documents each step produces */
  "CREATE TABLE outputs ("
  "  application_id INTEGER NOT NULL REFERENCES applications(id),"
  "  kind TEXT NOT NULL,"
  "  sha256 TEXT NOT NULL,"
  "  size INTEGER NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  PRIMARY KEY (application_id, kind));"
  "CREATE INDEX applications_verify ON applications(verify_token);",
  /* 4: messages to applicants, written with the action that causes them */
  "CREATE TABLE outbox ("
  "  id INTEGER PRIMARY KEY,"
  "  application_id INTEGER NOT NULL REFERENCES applications(id),"
  "  kind TEXT NOT NULL,"
  "  recipient_name TEXT NOT NULL,"
  "  email TEXT,"
  "  phone TEXT,"
  "  subject TEXT NOT NULL,"
  "  body TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  email_done INTEGER,"
  "  command_done INTEGER,"
  "  attempts INTEGER NOT NULL DEFAULT 0,"
  "  next_attempt_at INTEGER NOT NULL,"
  "  last_error TEXT);"
  "CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE email_done IS NULL OR command_done IS NULL;",
  /* 5: who changed what in the administration, and when */
  "CREATE TABLE audit ("
  "  id INTEGER PRIMARY KEY,"
  "  at INTEGER NOT NULL,"
  "  user_id INTEGER NOT NULL REFERENCES users(id),"
  "  action TEXT NOT NULL,"
  "  target TEXT NOT NULL,"
  "  detail TEXT NOT NULL);"
  "CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit "
  "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
  "CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit "
  "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
  /* 6: acting officials (Plh/Plt) for a period, and the capacity an action was taken in */
  "CREATE TABLE acting ("
  "  id INTEGER PRIMARY KEY,"
  "  user_id INTEGER NOT NULL REFERENCES users(id),"
  "  role TEXT NOT NULL,"
  "  kind TEXT NOT NULL CHECK (kind IN ('plh', 'plt')),"
  "  starts_on TEXT NOT NULL,"
  "  ends_on TEXT NOT NULL,"
  "  starts_at INTEGER NOT NULL,"
  "  ends_at INTEGER NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  created_by INTEGER NOT NULL REFERENCES users(id),"
  "  ended_at INTEGER);"
  "CREATE INDEX acting_user ON acting(user_id, ends_at);"
  "ALTER TABLE events ADD COLUMN acting TEXT;",
  /* 7: every edition of a permit type; a file keeps the one it was registered under */
  "CREATE TABLE permit_type_versions ("
  "  code TEXT NOT NULL,"
  "  version INTEGER NOT NULL,"
  "  definition TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  PRIMARY KEY (code, version));"
  "CREATE TRIGGER permit_type_versions_no_update BEFORE UPDATE ON permit_type_versions "
  "  BEGIN SELECT RAISE(ABORT, 'permit type editions are never changed'); END;"
  "CREATE TRIGGER permit_type_versions_no_delete BEFORE DELETE ON permit_type_versions "
  "  BEGIN SELECT RAISE(ABORT, 'permit type editions are never changed'); END;"
  "ALTER TABLE permit_types ADD COLUMN version INTEGER NOT NULL DEFAULT 1;"
  "ALTER TABLE applications ADD COLUMN permit_type_version INTEGER NOT NULL DEFAULT 1;",
  /* 8: the service clock (from complete documents, without the applicant's
   * time), who was told a file is late, and the applicants' survey (SKM) */
  "ALTER TABLE applications ADD COLUMN service_started_at INTEGER;"
  "ALTER TABLE applications ADD COLUMN service_seconds INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE applications ADD COLUMN service_due_at INTEGER;"
  "CREATE INDEX applications_created ON applications(created_at);"
  "CREATE INDEX events_at ON events(at);"
  "CREATE TABLE escalations ("
  "  application_id INTEGER NOT NULL REFERENCES applications(id),"
  "  step TEXT NOT NULL,"
  "  reason TEXT NOT NULL CHECK (reason IN ('step', 'deadline')),"
  "  at INTEGER NOT NULL,"
  "  PRIMARY KEY (application_id, step, reason));"
  "CREATE TABLE satisfaction ("
  "  application_id INTEGER PRIMARY KEY REFERENCES applications(id),"
  "  at INTEGER NOT NULL,"
  "  u1 INTEGER NOT NULL CHECK (u1 BETWEEN 1 AND 4), u2 INTEGER NOT NULL CHECK (u2 BETWEEN 1 AND 4),"
  "  u3 INTEGER NOT NULL CHECK (u3 BETWEEN 1 AND 4), u4 INTEGER NOT NULL CHECK (u4 BETWEEN 1 AND 4),"
  "  u5 INTEGER NOT NULL CHECK (u5 BETWEEN 1 AND 4), u6 INTEGER NOT NULL CHECK (u6 BETWEEN 1 AND 4),"
  "  u7 INTEGER NOT NULL CHECK (u7 BETWEEN 1 AND 4), u8 INTEGER NOT NULL CHECK (u8 BETWEEN 1 AND 4),"
  "  u9 INTEGER NOT NULL CHECK (u9 BETWEEN 1 AND 4),"
  "  suggestion TEXT);"
  "CREATE INDEX satisfaction_at ON satisfaction(at);",
  /* 9: the report reads a year of step stays from the index alone */
  "DROP INDEX events_at;"
  "CREATE INDEX events_at_stays ON events(at, from_step, user_id, office_seconds, application_id);",
  /* 10: sessions end after a time without requests; an action by a user
   * who is also the administrator says so in the history */
  "ALTER TABLE sessions ADD COLUMN last_seen_at INTEGER;"
  "CREATE INDEX sessions_user ON sessions(user_id);"
  "CREATE INDEX idempotency_created ON idempotency(created_at);"
  "ALTER TABLE events ADD COLUMN also_admin INTEGER NOT NULL DEFAULT 0;",
  /* 11: the public tracking code; pz_store_open() gives older files one */
  "ALTER TABLE applications ADD COLUMN tracking_code TEXT;"
  "CREATE UNIQUE INDEX applications_tracking ON applications(tracking_code);",
};

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static gboolean
sql_error (PzStore  *self,
           int       rc,
           GError  **error)
{
  int code = PZ_STORE_ERROR_FAILED;

  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
    code = PZ_STORE_ERROR_BUSY;
  else if ((rc & 0xff) == SQLITE_CONSTRAINT)
    code = PZ_STORE_ERROR_CONSTRAINT;
  else if ((rc & 0xff) == SQLITE_FULL)
    code = PZ_STORE_ERROR_FULL;
  g_set_error (error, PZ_STORE_ERROR, code, _("Database error: %s"), sqlite3_errmsg (self->db));
  return FALSE;
}

static sqlite3_stmt *
prepare (PzStore     *self,
         const char  *sql,
         GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);
  int rc;

  if (stmt)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }
  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      sql_error (self, rc, error);
      return NULL;
    }
  g_hash_table_insert (self->statements, (gpointer) sql, stmt);
  return stmt;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           i,
           const char   *text)
{
  if (text)
    sqlite3_bind_text (stmt, i, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, i);
}

/* A time, or NULL for 0 ("none"). */
static void
bind_time (sqlite3_stmt *stmt,
           int           i,
           gint64        t)
{
  if (t)
    sqlite3_bind_int64 (stmt, i, t);
  else
    sqlite3_bind_null (stmt, i);
}

static char *
column_text (sqlite3_stmt *stmt,
             int           i)
{
  const unsigned char *text = sqlite3_column_text (stmt, i);
  return text ? g_strdup ((const char *) text) : NULL;
}

/* Runs a statement that returns no rows. */
static gboolean
step_done (PzStore       *self,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return sql_error (self, rc, error);
  return TRUE;
}

static gboolean
exec (PzStore     *self,
      const char  *sql,
      GError     **error)
{
  char *message = NULL;
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, &message);

  if (rc != SQLITE_OK)
    {
      g_set_error (error, PZ_STORE_ERROR,
                   (rc & 0xff) == SQLITE_FULL ? PZ_STORE_ERROR_FULL : PZ_STORE_ERROR_FAILED,
                   _("Database error: %s"), message ? message : sqlite3_errstr (rc));
      sqlite3_free (message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
migrate (PzStore  *self,
         GError  **error)
{
  sqlite3_stmt *stmt;
  int version = 0;

  if (!(stmt = prepare (self, "PRAGMA user_version", error)))
    return FALSE;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);

  if (version > (int) G_N_ELEMENTS (migrations))
    {
      g_set_error (error, PZ_STORE_ERROR, PZ_STORE_ERROR_TOO_NEW,
                   _("The database was made by a newer version of Perizinan (schema %d); "
                     "upgrade the server"), version);
      return FALSE;
    }

  for (int v = version; v < (int) G_N_ELEMENTS (migrations); v++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", v + 1);

      if (!exec (self, "BEGIN IMMEDIATE", error))
        return FALSE;
      if (!exec (self, migrations[v], error) || !exec (self, bump, error))
        {
          exec (self, "ROLLBACK", NULL);
          return FALSE;
        }
      if (!exec (self, "COMMIT", error))
        return FALSE;
    }
  return TRUE;
}

/* Files registered before tracking codes existed (or put in by hand) get
 * one, so that every receipt printed from now on can carry it. */
static gboolean
give_tracking_codes (PzStore  *self,
                     GError  **error)
{
  sqlite3_stmt *select = prepare (self, "SELECT id FROM applications WHERE tracking_code IS NULL", error);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *update;
  int rc;

  if (select == NULL)
    return FALSE;
  while ((rc = sqlite3_step (select)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (select, 0);
      g_array_append_val (ids, id);
    }
  sqlite3_reset (select);
  if (rc != SQLITE_DONE)
    return sql_error (self, rc, error);
  if (ids->len == 0)
    return TRUE;
  if (!(update = prepare (self, "UPDATE applications SET tracking_code = ? WHERE id = ?", error)) ||
      !exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *code = pz_tracking_code_new ();

      sqlite3_reset (update);
      bind_text (update, 1, code);
      sqlite3_bind_int64 (update, 2, g_array_index (ids, gint64, i));
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
 * @path: the database file
 * @error: return location for an error
 *
 * Opens or creates the database, in WAL mode with full sync so that an
 * acknowledged commit survives a power cut, and brings its schema up to date.
 *
 * Returns: (transfer full): the store, or %NULL
 */
PzStore *
pz_store_open (const char  *path,
               GError     **error)
{
  PzStore *self = g_new0 (PzStore, 1);
  int rc;

  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                            finalize_statement);
  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, PZ_STORE_ERROR, PZ_STORE_ERROR_FAILED,
                   _("Cannot open the database %s: %s"), path,
                   self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      pz_store_free (self);
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, 1);
  self->busy_ms = DEFAULT_BUSY_MS;
  sqlite3_busy_timeout (self->db, self->busy_ms);

  if (!exec (self, "PRAGMA journal_mode = WAL", error) ||
      !exec (self, "PRAGMA synchronous = FULL", error) ||
      !exec (self, "PRAGMA foreign_keys = ON", error) ||
      /* Reads come from the page cache and a memory map rather than one
       * read() per page: the inbox of a busy office touches thousands. */
      !exec (self, "PRAGMA cache_size = -65536", error) ||
      !exec (self, "PRAGMA mmap_size = 1073741824", error) ||
      !exec (self, "PRAGMA temp_store = MEMORY", error) ||
      !migrate (self, error) ||
      !give_tracking_codes (self, error))
    {
      g_prefix_error (error, _("Cannot open the database %s: "), path);
      pz_store_free (self);
      return NULL;
    }
  return self;
}

/**
 * pz_store_schema_version:
 *
 * Returns: the schema version this build migrates databases to
 */
int
pz_store_schema_version (void)
{
  return (int) G_N_ELEMENTS (migrations);
}

void
pz_store_free (PzStore *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->statements);
  sqlite3_close (self->db);
  g_free (self);
}

gboolean
pz_store_ping (PzStore *self)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT count(*) FROM office", NULL);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  return rc == SQLITE_ROW;
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
 */
gboolean
pz_store_begin (PzStore  *self,
                GError  **error)
{
  g_autofree char *sql = NULL;

  if (self->depth == 0)
    {
      sqlite3_stmt *stmt = prepare (self, "BEGIN IMMEDIATE", error);
      if (!stmt || !step_done (self, stmt, error))
        return FALSE;
    }
  else
    {
      sql = g_strdup_printf ("SAVEPOINT pz_%u", self->depth);
      if (!exec (self, sql, error))
        return FALSE;
    }
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
pz_store_commit (PzStore  *self,
                 GError  **error)
{
  g_autofree char *sql = NULL;

  g_return_val_if_fail (self->depth > 0, FALSE);

  if (self->depth == 1)
    {
      sqlite3_stmt *stmt = prepare (self, "COMMIT", error);
      if (!stmt || !step_done (self, stmt, error))
        return FALSE;
    }
  else
    {
      sql = g_strdup_printf ("RELEASE pz_%u", self->depth - 1);
      if (!exec (self, sql, error))
        return FALSE;
    }
  self->depth--;
  return TRUE;
}

void
pz_store_rollback (PzStore *self)
{
  if (self->depth == 0)
    return;
  if (self->depth == 1)
    {
      if (!sqlite3_get_autocommit (self->db))
        exec (self, "ROLLBACK", NULL);
    }
  else
    {
      g_autofree char *sql = g_strdup_printf ("ROLLBACK TO pz_%u; RELEASE pz_%u",
                                              self->depth - 1, self->depth - 1);
      exec (self, sql, NULL);
    }
  self->depth--;
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
  sqlite3_busy_timeout (self->db, ms);
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
 *   take it at once
 */
gboolean
pz_store_try_write_lock (PzStore *self)
{
  int rc;

  if (self->depth > 0)
    return TRUE;
  sqlite3_busy_timeout (self->db, 0);
  rc = sqlite3_exec (self->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_busy_timeout (self->db, self->busy_ms);
  return rc == SQLITE_OK;
}

gboolean
pz_store_in_transaction (PzStore *self)
{
  return self->depth > 0;
}

sqlite3 *
pz_store_get_db (PzStore *self)
{
  return self->db;
}

/* Office profile */

char *
pz_store_get_setting (PzStore    *self,
                      const char *key)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT value FROM office WHERE key = ?", NULL);
  char *value = NULL;

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, key);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = column_text (stmt, 0);
  sqlite3_reset (stmt);
  return value;
}

gboolean
pz_store_set_setting (PzStore     *self,
                      const char  *key,
                      const char  *value,
                      GError     **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "INSERT INTO office (key, value) VALUES (?, ?) "
                                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                                error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, key);
  bind_text (stmt, 2, value);
  return step_done (self, stmt, error);
}

/* Users and sessions */

void
pz_user_free (PzUser *user)
{
  if (user == NULL)
    return;
  g_free (user->username);
  g_free (user->full_name);
  g_free (user->nip);
  g_strfreev (user->roles);
  g_strfreev (user->acting);
  g_free (user->password_hash);
  g_free (user);
}

PzUser *
pz_user_copy (const PzUser *user)
{
  PzUser *copy = g_new0 (PzUser, 1);

  copy->id = user->id;
  copy->username = g_strdup (user->username);
  copy->full_name = g_strdup (user->full_name);
  copy->nip = g_strdup (user->nip);
  copy->roles = g_strdupv (user->roles);
  copy->acting = g_strdupv (user->acting);
  copy->password_hash = g_strdup (user->password_hash);
  copy->active = user->active;
  copy->must_change_password = user->must_change_password;
  return copy;
}

gboolean
pz_store_count_users (PzStore  *self,
                      gint64   *count,
                      GError  **error)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT count(*) FROM users", error);

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return sql_error (self, sqlite3_errcode (self->db), error);
    }
  *count = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return TRUE;
}

gint64
pz_store_insert_user (PzStore             *self,
                      const char          *username,
                      const char          *full_name,
                      const char          *nip,
                      const char * const  *roles,
                      const char          *password_hash,
                      GError             **error)
{
  sqlite3_stmt *stmt;
  gint64 id;

  stmt = prepare (self,
                  "INSERT INTO users (username, full_name, nip, password_hash, created_at) "
                  "VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return 0;
  bind_text (stmt, 1, username);
  bind_text (stmt, 2, full_name);
  bind_text (stmt, 3, nip);
  bind_text (stmt, 4, password_hash);
  sqlite3_bind_int64 (stmt, 5, g_get_real_time () / G_USEC_PER_SEC);
  if (!step_done (self, stmt, error))
    return 0;
  id = sqlite3_last_insert_rowid (self->db);

  for (guint i = 0; roles && roles[i]; i++)
    {
      if (!(stmt = prepare (self, "INSERT INTO user_roles (user_id, role) VALUES (?, ?)", error)))
        return 0;
      sqlite3_bind_int64 (stmt, 1, id);
      bind_text (stmt, 2, roles[i]);
      if (!step_done (self, stmt, error))
        return 0;
    }
  return id;
}

/* A user's roles: their own first, then those they hold as Plh/Plt right
 * now (which @acting lists as "kind:role"). */
static void
load_roles (PzStore *self,
            PzUser  *user)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) acting = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT role, NULL FROM user_roles WHERE user_id = ?1 "
                                "UNION ALL "
                                "SELECT role, kind FROM acting WHERE user_id = ?1 AND ended_at IS NULL "
                                "  AND starts_at <= ?2 AND ends_at > ?2 "
                                "  AND role NOT IN (SELECT role FROM user_roles WHERE user_id = ?1) "
                                "ORDER BY 2 NULLS FIRST, 1", NULL);

  if (stmt)
    {
      sqlite3_bind_int64 (stmt, 1, user->id);
      sqlite3_bind_int64 (stmt, 2, g_get_real_time () / G_USEC_PER_SEC);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          const char *role = (const char *) sqlite3_column_text (stmt, 0);
          const char *kind = (const char *) sqlite3_column_text (stmt, 1);

          if (!g_hash_table_add (seen, g_strdup (role)))
            continue;
          g_strv_builder_add (builder, role);
          if (kind)
            {
              g_autofree char *entry = g_strdup_printf ("%s:%s", kind, role);
              g_strv_builder_add (acting, entry);
            }
        }
      sqlite3_reset (stmt);
    }
  g_strfreev (user->roles);
  g_strfreev (user->acting);
  user->roles = g_strv_builder_end (builder);
  user->acting = g_strv_builder_end (acting);
}

/**
 * pz_user_acting_kind:
 *
 * Returns: (nullable): "plh" or "plt" if @user holds @role only as an acting
 *   official, %NULL if it is their own role or not theirs at all
 */
const char *
pz_user_acting_kind (const PzUser *user,
                     const char   *role)
{
  for (guint i = 0; role && user->acting && user->acting[i]; i++)
    {
      const char *colon = strchr (user->acting[i], ':');

      if (colon && g_str_equal (colon + 1, role))
        return g_str_has_prefix (user->acting[i], "plt:") ? "plt" : "plh";
    }
  return NULL;
}

#define USER_COLUMNS "u.id, u.username, u.full_name, u.nip, u.password_hash, u.active, " \
                     "u.must_change_password"

static PzUser *
read_user (PzStore      *self,
           sqlite3_stmt *stmt)
{
  PzUser *user = g_new0 (PzUser, 1);

  user->id = sqlite3_column_int64 (stmt, 0);
  user->username = column_text (stmt, 1);
  user->full_name = column_text (stmt, 2);
  user->nip = column_text (stmt, 3);
  user->password_hash = column_text (stmt, 4);
  user->active = sqlite3_column_int (stmt, 5) != 0;
  user->must_change_password = sqlite3_column_int (stmt, 6) != 0;
  return user;
}

static PzUser *
query_user (PzStore      *self,
            sqlite3_stmt *stmt)
{
  PzUser *user = NULL;

  if (sqlite3_step (stmt) == SQLITE_ROW)
    user = read_user (self, stmt);
  sqlite3_reset (stmt);
  if (user)
    load_roles (self, user);
  return user;
}

PzUser *
pz_store_find_user (PzStore    *self,
                    const char *username)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT " USER_COLUMNS " FROM users u WHERE u.username = ?",
                                NULL);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, username);
  return query_user (self, stmt);
}

PzUser *
pz_store_get_user (PzStore *self,
                   gint64   id)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT " USER_COLUMNS " FROM users u WHERE u.id = ?", NULL);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  return query_user (self, stmt);
}

/**
 * pz_store_list_users:
 *
 * Returns: (transfer full): every user, active or not, by username
 */
GPtrArray *
pz_store_list_users (PzStore  *self,
                     GError  **error)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT " USER_COLUMNS " FROM users u ORDER BY u.username", error);
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func ((GDestroyNotify) pz_user_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (users, read_user (self, stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      sql_error (self, rc, error);
      return NULL;
    }
  for (guint i = 0; i < users->len; i++)
    {
      PzUser *u = g_ptr_array_index (users, i);
      load_roles (self, u);
    }
  return g_steal_pointer (&users);
}

/**
 * pz_store_update_user:
 * @roles: (nullable): the new roles, or %NULL to keep them
 *
 * Writes @user's name, NIP and active flag, and its roles if given.
 */
gboolean
pz_store_update_user (PzStore             *self,
                      const PzUser        *user,
                      const char * const  *roles,
                      GError             **error)
{
  sqlite3_stmt *stmt = prepare (self, "UPDATE users SET full_name = ?, nip = ?, active = ? WHERE id = ?",
                                error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, user->full_name);
  bind_text (stmt, 2, user->nip);
  sqlite3_bind_int (stmt, 3, user->active ? 1 : 0);
  sqlite3_bind_int64 (stmt, 4, user->id);
  if (!step_done (self, stmt, error))
    return FALSE;
  if (roles == NULL)
    return TRUE;
  if (!(stmt = prepare (self, "DELETE FROM user_roles WHERE user_id = ?", error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, user->id);
  if (!step_done (self, stmt, error))
    return FALSE;
  for (guint i = 0; roles[i]; i++)
    {
      if (!(stmt = prepare (self, "INSERT OR IGNORE INTO user_roles (user_id, role) VALUES (?, ?)", error)))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, user->id);
      bind_text (stmt, 2, roles[i]);
      if (!step_done (self, stmt, error))
        return FALSE;
    }
  return TRUE;
}

/* Acting officials */

void
pz_acting_free (PzActing *a)
{
  if (a == NULL)
    return;
  g_free (a->role);
  g_free (a->kind);
  g_free (a->starts_on);
  g_free (a->ends_on);
  g_free (a);
}

gint64
pz_store_insert_acting (PzStore         *self,
                        const PzActing  *a,
                        gint64           created_by,
                        gint64           now,
                        GError         **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "INSERT INTO acting (user_id, role, kind, starts_on, ends_on, starts_at,"
                                "  ends_at, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, a->user_id);
  bind_text (stmt, 2, a->role);
  bind_text (stmt, 3, a->kind);
  bind_text (stmt, 4, a->starts_on);
  bind_text (stmt, 5, a->ends_on);
  sqlite3_bind_int64 (stmt, 6, a->starts_at);
  sqlite3_bind_int64 (stmt, 7, a->ends_at);
  sqlite3_bind_int64 (stmt, 8, now);
  sqlite3_bind_int64 (stmt, 9, created_by);
  if (!step_done (self, stmt, error))
    return 0;
  return sqlite3_last_insert_rowid (self->db);
}

/**
 * pz_store_list_acting:
 * @user_id: a user, or 0 for every user
 *
 * Returns: (transfer full) (element-type PzActing): the acting periods,
 *   newest first, ended ones included
 */
GPtrArray *
pz_store_list_acting (PzStore  *self,
                      gint64    user_id,
                      GError  **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT id, user_id, role, kind, starts_on, ends_on, starts_at, ends_at,"
                                "  ended_at FROM acting WHERE ?1 = 0 OR user_id = ?1 "
                                "ORDER BY starts_at DESC, id DESC", error);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) pz_acting_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, user_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      PzActing *a = g_new0 (PzActing, 1);

      a->id = sqlite3_column_int64 (stmt, 0);
      a->user_id = sqlite3_column_int64 (stmt, 1);
      a->role = column_text (stmt, 2);
      a->kind = column_text (stmt, 3);
      a->starts_on = column_text (stmt, 4);
      a->ends_on = column_text (stmt, 5);
      a->starts_at = sqlite3_column_int64 (stmt, 6);
      a->ends_at = sqlite3_column_int64 (stmt, 7);
      a->ended_at = sqlite3_column_int64 (stmt, 8);
      g_ptr_array_add (list, a);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      sql_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

/**
 * pz_store_end_acting:
 *
 * Ends a period early. Returns %FALSE without an error if @id is not one of
 * @user_id's periods still running or to come.
 */
gboolean
pz_store_end_acting (PzStore  *self,
                     gint64    user_id,
                     gint64    id,
                     gint64    now,
                     GError  **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "UPDATE acting SET ended_at = ?3 WHERE id = ?1 AND user_id = ?2 "
                                "AND ended_at IS NULL AND ends_at > ?3", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, user_id);
  sqlite3_bind_int64 (stmt, 3, now);
  if (!step_done (self, stmt, error))
    return FALSE;
  return sqlite3_changes (self->db) > 0;
}

gboolean
pz_store_set_password (PzStore     *self,
                       gint64       user_id,
                       const char  *password_hash,
                       gboolean     must_change,
                       GError     **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "UPDATE users SET password_hash = ?, must_change_password = ? WHERE id = ?",
                                error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, password_hash);
  sqlite3_bind_int (stmt, 2, must_change ? 1 : 0);
  sqlite3_bind_int64 (stmt, 3, user_id);
  return step_done (self, stmt, error);
}

/* Ends every session of a user, but @keep_hash's (the one asking). */
gboolean
pz_store_revoke_user_sessions (PzStore     *self,
                               gint64       user_id,
                               const char  *keep_hash,
                               gint64       now,
                               GError     **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "UPDATE sessions SET revoked_at = ? WHERE user_id = ? "
                                "AND revoked_at IS NULL AND token_hash IS NOT ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now);
  sqlite3_bind_int64 (stmt, 2, user_id);
  bind_text (stmt, 3, keep_hash);
  return step_done (self, stmt, error);
}

gboolean
pz_store_insert_audit (PzStore     *self,
                       gint64       user_id,
                       gint64       at,
                       const char  *action,
                       const char  *target,
                       const char  *detail_json,
                       GError     **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "INSERT INTO audit (at, user_id, action, target, detail) VALUES (?, ?, ?, ?, ?)",
                                error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, at);
  sqlite3_bind_int64 (stmt, 2, user_id);
  bind_text (stmt, 3, action);
  bind_text (stmt, 4, target);
  bind_text (stmt, 5, detail_json);
  return step_done (self, stmt, error);
}

/**
 * pz_store_list_audit:
 * @limit: the newest this many
 *
 * Returns: (transfer full): PzAuditEntry, newest first
 */
GPtrArray *
pz_store_list_audit (PzStore  *self,
                     guint     limit,
                     GError  **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT a.at, u.username, u.full_name, a.action, a.target, a.detail "
                                "FROM audit a JOIN users u ON u.id = a.user_id "
                                "ORDER BY a.id DESC LIMIT ?", error);
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) pz_audit_entry_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, (int) limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      PzAuditEntry *e = g_new0 (PzAuditEntry, 1);

      e->at = sqlite3_column_int64 (stmt, 0);
      e->username = column_text (stmt, 1);
      e->full_name = column_text (stmt, 2);
      e->action = column_text (stmt, 3);
      e->target = column_text (stmt, 4);
      e->detail = column_text (stmt, 5);
      g_ptr_array_add (entries, e);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      sql_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&entries);
}

void
pz_audit_entry_free (PzAuditEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->username);
  g_free (entry->full_name);
  g_free (entry->action);
  g_free (entry->target);
  g_free (entry->detail);
  g_free (entry);
}

gboolean
pz_store_insert_session (PzStore     *self,
                         const char  *token_hash,
                         gint64       user_id,
                         gint64       created_at,
                         gint64       expires_at,
                         GError     **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) "
                                "VALUES (?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, token_hash);
  sqlite3_bind_int64 (stmt, 2, user_id);
  sqlite3_bind_int64 (stmt, 3, created_at);
  sqlite3_bind_int64 (stmt, 4, expires_at);
  return step_done (self, stmt, error);
}

/**
 * pz_store_session_user:
 * @self: a store
 * @token_hash: the hash of a bearer token
 * @now: the current time
 * @expires_at: (out) (optional): when the session ends
 *
 * Returns: (transfer full) (nullable): the active user of a live session
 */
PzUser *
pz_store_session_user (PzStore    *self,
                       const char *token_hash,
                       gint64      now,
                       gint64     *expires_at)
{
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT " USER_COLUMNS ", s.expires_at FROM sessions s "
                                "JOIN users u ON u.id = s.user_id "
                                "WHERE s.token_hash = ? AND s.revoked_at IS NULL "
                                "AND s.expires_at > ? AND u.active = 1", NULL);
  PzUser *user = NULL;

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, token_hash);
  sqlite3_bind_int64 (stmt, 2, now);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      user = read_user (self, stmt);
      if (expires_at)
        *expires_at = sqlite3_column_int64 (stmt, 7);
    }
  sqlite3_reset (stmt);
  if (user)
    load_roles (self, user);
  return user;
}

/**
 * pz_store_touch_session:
 * @self: a store
 * @token_hash: the hash of a bearer token
 * @now: the current time
 * @idle_seconds: how long a session may go without a request
 *
 * Notes a request of a live session.
 *
 * Returns: whether the session is live (not revoked, not expired, not idle)
 */
gboolean
pz_store_touch_session (PzStore    *self,
                        const char *token_hash,
                        gint64      now,
                        gint64      idle_seconds)
{
  sqlite3_stmt *stmt = prepare (self,
                                "UPDATE sessions SET last_seen_at = ?1 "
                                "WHERE token_hash = ?2 AND revoked_at IS NULL AND expires_at > ?1 "
                                "AND COALESCE(last_seen_at, created_at) > ?1 - ?3", NULL);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now);
  bind_text (stmt, 2, token_hash);
  sqlite3_bind_int64 (stmt, 3, idle_seconds);
  /* the note can wait for the next request; a database another program
   * holds for writing must not end the session */
  if (!step_done (self, stmt, NULL))
    return pz_store_session_live (self, token_hash, now, idle_seconds);
  return sqlite3_changes (self->db) > 0;
}

/* Whether a session is live, without noting a request. */
gboolean
pz_store_session_live (PzStore    *self,
                       const char *token_hash,
                       gint64      now,
                       gint64      idle_seconds)
{
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT 1 FROM sessions s JOIN users u ON u.id = s.user_id "
                                "WHERE s.token_hash = ?2 AND s.revoked_at IS NULL AND s.expires_at > ?1 "
                                "AND COALESCE(s.last_seen_at, s.created_at) > ?1 - ?3 AND u.active = 1", NULL);
  gboolean live;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now);
  bind_text (stmt, 2, token_hash);
  sqlite3_bind_int64 (stmt, 3, idle_seconds);
  live = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  return live;
}

/**
 * pz_store_purge:
 * @self: a store
 * @now: the current time
 * @idle_seconds: how long a session may go without a request
 * @idempotency_seconds: how long the answer to a retry is kept
 *
 * Deletes the sessions that ended (logged out, expired, idle) and the
 * answers kept for retries that are older than @idempotency_seconds.
 *
 * Returns: the number of rows deleted, or -1
 */
gint64
pz_store_purge (PzStore  *self,
                gint64    now,
                gint64    idle_seconds,
                gint64    idempotency_seconds,
                GError  **error)
{
  sqlite3_stmt *sessions = prepare (self,
                                    "DELETE FROM sessions WHERE revoked_at IS NOT NULL OR expires_at <= ?1 "
                                    "OR COALESCE(last_seen_at, created_at) <= ?1 - ?2", error);
  sqlite3_stmt *idem;
  gint64 n;

  if (sessions == NULL)
    return -1;
  sqlite3_bind_int64 (sessions, 1, now);
  sqlite3_bind_int64 (sessions, 2, idle_seconds);
  if (!step_done (self, sessions, error))
    return -1;
  n = sqlite3_changes (self->db);
  if (!(idem = prepare (self, "DELETE FROM idempotency WHERE created_at <= ?", error)))
    return -1;
  sqlite3_bind_int64 (idem, 1, now - idempotency_seconds);
  if (!step_done (self, idem, error))
    return -1;
  return n + sqlite3_changes (self->db);
}

gboolean
pz_store_revoke_session (PzStore     *self,
                         const char  *token_hash,
                         gint64       now,
                         GError     **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "UPDATE sessions SET revoked_at = ? "
                                "WHERE token_hash = ? AND revoked_at IS NULL", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now);
  bind_text (stmt, 2, token_hash);
  return step_done (self, stmt, error);
}

/* Reference data */

static char *
strv_to_json (char * const *strv)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (b);
  for (guint i = 0; strv && strv[i]; i++)
    json_builder_add_string_value (b, strv[i]);
  json_builder_end_array (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* The definition of @type as kept for its edition: without the edition. */
static char *
permit_type_definition (PzPermitType *type)
{
  guint version = type->version;
  g_autoptr(JsonNode) node = NULL;

  type->version = 0;
  node = pz_permit_type_to_json (type);
  type->version = version;
  return json_to_string (node, FALSE);
}

static gboolean
insert_permit_type_version (PzStore       *self,
                            PzPermitType  *type,
                            const char    *definition,
                            gboolean       if_missing,
                            GError       **error)
{
  sqlite3_stmt *stmt = prepare (self, if_missing
                                ? "INSERT OR IGNORE INTO permit_type_versions (code, version, definition, created_at) "
                                  "VALUES (?, ?, ?, ?)"
                                : "INSERT INTO permit_type_versions (code, version, definition, created_at) "
                                  "VALUES (?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, type->code);
  sqlite3_bind_int64 (stmt, 2, type->version);
  bind_text (stmt, 3, definition);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
  return step_done (self, stmt, error);
}

/**
 * pz_store_put_permit_type:
 *
 * Makes @type the current edition of its code. If it differs from the
 * latest edition, it becomes a new one (its number is set in @type);
 * files registered before keep theirs.
 */
gboolean
pz_store_put_permit_type (PzStore       *self,
                          PzPermitType  *type,
                          GError       **error)
{
  g_autofree char *request_types = strv_to_json (type->request_types);
  g_autofree char *definition = permit_type_definition (type);
  sqlite3_stmt *stmt;
  gint64 latest = 0;
  gboolean same = FALSE;

  if (!(stmt = prepare (self, "SELECT version, definition FROM permit_type_versions WHERE code = ? "
                              "ORDER BY version DESC LIMIT 1", error)))
    return FALSE;
  bind_text (stmt, 1, type->code);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      latest = sqlite3_column_int64 (stmt, 0);
      same = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 1), definition) == 0;
    }
  sqlite3_reset (stmt);
  type->version = same ? (guint) latest : (guint) latest + 1;
  if (!same && !insert_permit_type_version (self, type, definition, FALSE, error))
    return FALSE;

  if (!(stmt = prepare (self, "DELETE FROM permit_type_requirements WHERE permit_type = ?", error)))
    return FALSE;
  bind_text (stmt, 1, type->code);
  if (!step_done (self, stmt, error))
    return FALSE;
  if (!(stmt = prepare (self, "DELETE FROM permit_type_fields WHERE permit_type = ?", error)))
    return FALSE;
  bind_text (stmt, 1, type->code);
  if (!step_done (self, stmt, error))
    return FALSE;

  stmt = prepare (self,
                  "INSERT INTO permit_types (code, name, workflow, request_types, survey, signing,"
                  "  number_format, validity_months, service_days, version) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                  "ON CONFLICT (code) DO UPDATE SET name = excluded.name,"
                  "  workflow = excluded.workflow, request_types = excluded.request_types,"
                  "  survey = excluded.survey, signing = excluded.signing,"
                  "  number_format = excluded.number_format,"
                  "  validity_months = excluded.validity_months,"
                  "  service_days = excluded.service_days, version = excluded.version", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, type->code);
  bind_text (stmt, 2, type->name);
  bind_text (stmt, 3, type->workflow);
  bind_text (stmt, 4, request_types);
  sqlite3_bind_int (stmt, 5, type->survey);
  bind_text (stmt, 6, pz_signing_to_string (type->signing));
  bind_text (stmt, 7, type->number_format);
  sqlite3_bind_int (stmt, 8, (int) type->validity_months);
  sqlite3_bind_int (stmt, 9, (int) type->service_days);
  sqlite3_bind_int64 (stmt, 10, type->version);
  if (!step_done (self, stmt, error))
    return FALSE;

  for (guint i = 0; i < type->requirements->len; i++)
    {
      PzRequirement *r = g_ptr_array_index (type->requirements, i);
      g_autofree char *rt = strv_to_json (r->request_types);

      stmt = prepare (self,
                      "INSERT INTO permit_type_requirements (permit_type, position, code, title,"
                      "  mandatory, request_types) VALUES (?, ?, ?, ?, ?, ?)", error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, type->code);
      sqlite3_bind_int (stmt, 2, (int) i);
      bind_text (stmt, 3, r->code);
      bind_text (stmt, 4, r->title);
      sqlite3_bind_int (stmt, 5, r->mandatory);
      bind_text (stmt, 6, rt);
      if (!step_done (self, stmt, error))
        return FALSE;
    }

  for (guint i = 0; i < type->fields->len; i++)
    {
      PzField *f = g_ptr_array_index (type->fields, i);

      stmt = prepare (self,
                      "INSERT INTO permit_type_fields (permit_type, position, name, label, type,"
                      "  required) VALUES (?, ?, ?, ?, ?, ?)", error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, type->code);
      sqlite3_bind_int (stmt, 2, (int) i);
      bind_text (stmt, 3, f->name);
      bind_text (stmt, 4, f->label);
      bind_text (stmt, 5, pz_field_type_to_string (f->type));
      sqlite3_bind_int (stmt, 6, f->required);
      if (!step_done (self, stmt, error))
        return FALSE;
    }
  return TRUE;
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (text == NULL || !json_parser_load_from_data (parser, text, -1, NULL))
    return NULL;
  return json_node_copy (json_parser_get_root (parser));
}

/**
 * pz_store_keep_permit_type_versions:
 *
 * Records the editions of @types that are not recorded yet (a data dir
 * from before editions were kept).
 */
gboolean
pz_store_keep_permit_type_versions (PzStore    *self,
                                    GPtrArray  *types,
                                    GError    **error)
{
  for (guint i = 0; i < types->len; i++)
    {
      PzPermitType *type = g_ptr_array_index (types, i);
      g_autofree char *definition = permit_type_definition (type);

      if (!insert_permit_type_version (self, type, definition, TRUE, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * pz_store_load_permit_type_versions:
 * @code: (nullable): one permit type, or %NULL for all
 *
 * Returns: (transfer container) (element-type PzPermitType): every recorded
 *   edition, by code and then newest first
 */
GPtrArray *
pz_store_load_permit_type_versions (PzStore     *self,
                                    const char  *code,
                                    GError     **error)
{
  g_autoptr(GPtrArray) types = g_ptr_array_new_with_free_func ((GDestroyNotify) pz_permit_type_unref);
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT version, definition FROM permit_type_versions "
                                "WHERE ?1 IS NULL OR code = ?1 ORDER BY code, version DESC", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, code);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(JsonNode) node = parse_json ((const char *) sqlite3_column_text (stmt, 1));
      PzPermitType *type = pz_permit_type_new_from_json (node, error);

      if (type == NULL)
        {
          sqlite3_reset (stmt);
          return NULL;
        }
      type->version = (guint) sqlite3_column_int64 (stmt, 0);
      g_ptr_array_add (types, type);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      sql_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&types);
}

/**
 * pz_store_load_permit_types:
 * @self: a store
 * @error: return location for an error
 *
 * Rebuilds each permit type from its rows and checks it as if it came from
 * a client, so a row edited by hand cannot slip past the rules.
 *
 * Returns: (transfer container) (element-type PzPermitType): the permit types
 */
GPtrArray *
pz_store_load_permit_types (PzStore  *self,
                            GError  **error)
{
  g_autoptr(GPtrArray) types = g_ptr_array_new_with_free_func ((GDestroyNotify) pz_permit_type_unref);
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  sqlite3_stmt *stmt;

  stmt = prepare (self,
                  "SELECT code, name, workflow, request_types, survey, signing, number_format,"
                  "  validity_months, service_days, version FROM permit_types ORDER BY name", error);
  if (stmt == NULL)
    return NULL;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonObject *obj = json_object_new ();
      JsonNode *node = json_node_new (JSON_NODE_OBJECT);

      json_object_set_string_member (obj, "code", (const char *) sqlite3_column_text (stmt, 0));
      json_object_set_string_member (obj, "name", (const char *) sqlite3_column_text (stmt, 1));
      json_object_set_string_member (obj, "workflow", (const char *) sqlite3_column_text (stmt, 2));
      json_object_set_member (obj, "request_types",
                              parse_json ((const char *) sqlite3_column_text (stmt, 3)));
      json_object_set_boolean_member (obj, "survey", sqlite3_column_int (stmt, 4));
      json_object_set_string_member (obj, "signing", (const char *) sqlite3_column_text (stmt, 5));
      json_object_set_string_member (obj, "number_format",
                                     (const char *) sqlite3_column_text (stmt, 6));
      json_object_set_int_member (obj, "validity_months", sqlite3_column_int (stmt, 7));
      json_object_set_int_member (obj, "service_days", sqlite3_column_int (stmt, 8));
      json_object_set_int_member (obj, "version", sqlite3_column_int64 (stmt, 9));
      json_object_set_array_member (obj, "requirements", json_array_new ());
      json_object_set_array_member (obj, "fields", json_array_new ());
      json_node_take_object (node, obj);
      g_ptr_array_add (nodes, node);
    }
  sqlite3_reset (stmt);

  for (guint i = 0; i < nodes->len; i++)
    {
      JsonObject *obj = json_node_get_object (g_ptr_array_index (nodes, i));
      const char *code = json_object_get_string_member (obj, "code");
      JsonArray *reqs = json_object_get_array_member (obj, "requirements");
      JsonArray *fields = json_object_get_array_member (obj, "fields");
      PzPermitType *type;

      stmt = prepare (self,
                      "SELECT code, title, mandatory, request_types FROM permit_type_requirements "
                      "WHERE permit_type = ? ORDER BY position", error);
      if (stmt == NULL)
        return NULL;
      bind_text (stmt, 1, code);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          JsonObject *r = json_object_new ();

          json_object_set_string_member (r, "code", (const char *) sqlite3_column_text (stmt, 0));
          json_object_set_string_member (r, "title", (const char *) sqlite3_column_text (stmt, 1));
          json_object_set_boolean_member (r, "mandatory", sqlite3_column_int (stmt, 2));
          json_object_set_member (r, "request_types",
                                  parse_json ((const char *) sqlite3_column_text (stmt, 3)));
          json_array_add_object_element (reqs, r);
        }
      sqlite3_reset (stmt);

      stmt = prepare (self,
                      "SELECT name, label, type, required FROM permit_type_fields "
                      "WHERE permit_type = ? ORDER BY position", error);
      if (stmt == NULL)
        return NULL;
      bind_text (stmt, 1, code);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          JsonObject *f = json_object_new ();

          json_object_set_string_member (f, "name", (const char *) sqlite3_column_text (stmt, 0));
          json_object_set_string_member (f, "label", (const char *) sqlite3_column_text (stmt, 1));
          json_object_set_string_member (f, "type", (const char *) sqlite3_column_text (stmt, 2));
          json_object_set_boolean_member (f, "required", sqlite3_column_int (stmt, 3));
          json_array_add_object_element (fields, f);
        }
      sqlite3_reset (stmt);

      /* the decree's words live in the edition's definition only */
      stmt = prepare (self, "SELECT definition FROM permit_type_versions WHERE code = ? AND version = ?", error);
      if (stmt == NULL)
        return NULL;
      bind_text (stmt, 1, code);
      sqlite3_bind_int64 (stmt, 2, json_object_get_int_member (obj, "version"));
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          g_autoptr(JsonNode) definition = parse_json ((const char *) sqlite3_column_text (stmt, 0));
          JsonObject *d = definition && JSON_NODE_HOLDS_OBJECT (definition) ? json_node_get_object (definition) : NULL;

          if (d && json_object_has_member (d, "decree"))
            json_object_set_member (obj, "decree", json_node_copy (json_object_get_member (d, "decree")));
          if (d && json_object_has_member (d, "holder_photo"))
            json_object_set_member (obj, "holder_photo", json_node_copy (json_object_get_member (d, "holder_photo")));
        }
      sqlite3_reset (stmt);

      if (!(type = pz_permit_type_new_from_json (g_ptr_array_index (nodes, i), error)))
        return NULL;
      g_ptr_array_add (types, type);
    }

  return g_steal_pointer (&types);
}

gboolean
pz_store_put_holiday (PzStore     *self,
                      const char  *date,
                      const char  *name,
                      const char  *kind,
                      GError     **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "INSERT INTO holidays (date, name, kind) VALUES (?, ?, ?) "
                                "ON CONFLICT (date) DO UPDATE SET name = excluded.name,"
                                "  kind = excluded.kind", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, date);
  bind_text (stmt, 2, name);
  bind_text (stmt, 3, kind);
  return step_done (self, stmt, error);
}

/**
 * pz_store_list_holidays:
 * @self: a store
 * @error: return location for an error
 *
 * Returns: (transfer container) (element-type utf8): the holiday dates, `YYYY-MM-DD`
 */
GPtrArray *
pz_store_list_holidays (PzStore  *self,
                        GError  **error)
{
  GPtrArray *dates;
  sqlite3_stmt *stmt = prepare (self, "SELECT date FROM holidays ORDER BY date", error);

  if (stmt == NULL)
    return NULL;
  dates = g_ptr_array_new_with_free_func (g_free);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (dates, column_text (stmt, 0));
  sqlite3_reset (stmt);
  return dates;
}

/**
 * pz_store_list_holiday_rows:
 * @year: the year, or 0 for every year
 *
 * Returns: (transfer full) (element-type GStrv): {date, name, kind}, by date
 */
GPtrArray *
pz_store_list_holiday_rows (PzStore  *self,
                            guint     year,
                            GError  **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT date, name, kind FROM holidays "
                                "WHERE ?1 = 0 OR substr(date, 1, 4) = printf('%04d', ?1) ORDER BY date",
                                error);
  g_autoptr(GPtrArray) rows = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  sqlite3_bind_int (stmt, 1, (int) year);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      char **row = g_new0 (char *, 4);
      row[0] = column_text (stmt, 0);
      row[1] = column_text (stmt, 1);
      row[2] = column_text (stmt, 2);
      g_ptr_array_add (rows, row);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      sql_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&rows);
}

/* Returns: whether there was such a holiday */
gboolean
pz_store_delete_holiday (PzStore     *self,
                         const char  *date,
                         gboolean    *deleted,
                         GError     **error)
{
  sqlite3_stmt *stmt = prepare (self, "DELETE FROM holidays WHERE date = ?", error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, date);
  if (!step_done (self, stmt, error))
    return FALSE;
  *deleted = sqlite3_changes (self->db) > 0;
  return TRUE;
}

/**
 * pz_store_next_counter:
 * @self: a store
 * @name: the counter, e.g. `registration:2026`
 * @value: (out): the next value, starting at 1
 * @error: return location for an error
 *
 * Call inside a transaction: the counter moves only if it commits, so
 * numbers neither repeat nor skip.
 */
gboolean
pz_store_next_counter (PzStore     *self,
                       const char  *name,
                       gint64      *value,
                       GError     **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "INSERT INTO counters (name, value) VALUES (?, 1) "
                                "ON CONFLICT (name) DO UPDATE SET value = value + 1 "
                                "RETURNING value", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, name);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return sql_error (self, rc, error);
    }
  *value = sqlite3_column_int64 (stmt, 0);
  sqlite3_step (stmt);
  sqlite3_reset (stmt);
  return TRUE;
}

/**
 * pz_store_peek_counter:
 * @self: a store
 * @name: the counter, e.g. `permit:PBG:2026`
 * @value: (out): its last value, 0 when it has not moved yet
 * @error: return location for an error
 *
 * Reads a counter without moving it.
 */
gboolean
pz_store_peek_counter (PzStore     *self,
                       const char  *name,
                       gint64      *value,
                       GError     **error)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT value FROM counters WHERE name = ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, name);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      sqlite3_reset (stmt);
      return sql_error (self, rc, error);
    }
  *value = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  sqlite3_reset (stmt);
  return TRUE;
}

/* Applications */

void
pz_application_free (PzApplication *app)
{
  if (app == NULL)
    return;
  g_free (app->registration_number);
  g_free (app->permit_type);
  g_free (app->request_type);
  g_free (app->applicant_name);
  g_free (app->applicant_nik);
  g_free (app->applicant_address);
  g_free (app->applicant_phone);
  g_free (app->applicant_email);
  g_free (app->data);
  g_free (app->survey);
  g_free (app->received_by);
  g_free (app->step);
  g_free (app->status);
  g_free (app->permit_number);
  g_free (app->verify_token);
  g_free (app->tracking_code);
  g_free (app);
}

#define APP_COLUMNS \
  "id, registration_number, permit_type, request_type, applicant_name, applicant_nik," \
  " applicant_address, applicant_phone, applicant_email, data, survey, received_by, step," \
  " status, version, step_entered_at, due_at, permit_number, verify_token, created_at," \
  " updated_at, created_by, updated_by, permit_type_version, service_started_at, service_seconds," \
  " service_due_at, tracking_code"

static PzApplication *
read_application (sqlite3_stmt *stmt)
{
  PzApplication *app = g_new0 (PzApplication, 1);

  app->id = sqlite3_column_int64 (stmt, 0);
  app->registration_number = column_text (stmt, 1);
  app->permit_type = column_text (stmt, 2);
  app->request_type = column_text (stmt, 3);
  app->applicant_name = column_text (stmt, 4);
  app->applicant_nik = column_text (stmt, 5);
  app->applicant_address = column_text (stmt, 6);
  app->applicant_phone = column_text (stmt, 7);
  app->applicant_email = column_text (stmt, 8);
  app->data = column_text (stmt, 9);
  app->survey = column_text (stmt, 10);
  app->received_by = column_text (stmt, 11);
  app->step = column_text (stmt, 12);
  app->status = column_text (stmt, 13);
  app->version = sqlite3_column_int64 (stmt, 14);
  app->step_entered_at = sqlite3_column_int64 (stmt, 15);
  app->due_at = sqlite3_column_int64 (stmt, 16);
  app->permit_number = column_text (stmt, 17);
  app->verify_token = column_text (stmt, 18);
  app->created_at = sqlite3_column_int64 (stmt, 19);
  app->updated_at = sqlite3_column_int64 (stmt, 20);
  app->created_by = sqlite3_column_int64 (stmt, 21);
  app->updated_by = sqlite3_column_int64 (stmt, 22);
  app->permit_type_version = sqlite3_column_int64 (stmt, 23);
  app->service_started_at = sqlite3_column_int64 (stmt, 24);
  app->service_seconds = sqlite3_column_int64 (stmt, 25);
  app->service_due_at = sqlite3_column_int64 (stmt, 26);
  app->tracking_code = column_text (stmt, 27);
  return app;
}

static void
bind_application (sqlite3_stmt  *stmt,
                  PzApplication *app)
{
  bind_text (stmt, 1, app->registration_number);
  bind_text (stmt, 2, app->permit_type);
  bind_text (stmt, 3, app->request_type);
  bind_text (stmt, 4, app->applicant_name);
  bind_text (stmt, 5, app->applicant_nik);
  bind_text (stmt, 6, app->applicant_address);
  bind_text (stmt, 7, app->applicant_phone);
  bind_text (stmt, 8, app->applicant_email);
  bind_text (stmt, 9, app->data ? app->data : "{}");
  bind_text (stmt, 10, app->survey);
  bind_text (stmt, 11, app->received_by);
  bind_text (stmt, 12, app->step);
  bind_text (stmt, 13, app->status);
  sqlite3_bind_int64 (stmt, 14, app->version);
  sqlite3_bind_int64 (stmt, 15, app->step_entered_at);
  if (app->due_at)
    sqlite3_bind_int64 (stmt, 16, app->due_at);
  else
    sqlite3_bind_null (stmt, 16);
  bind_text (stmt, 17, app->permit_number);
  bind_text (stmt, 18, app->verify_token);
  sqlite3_bind_int64 (stmt, 19, app->created_at);
  sqlite3_bind_int64 (stmt, 20, app->updated_at);
  sqlite3_bind_int64 (stmt, 21, app->created_by);
  sqlite3_bind_int64 (stmt, 22, app->updated_by);
  sqlite3_bind_int64 (stmt, 23, app->permit_type_version > 0 ? app->permit_type_version : 1);
  bind_time (stmt, 24, app->service_started_at);
  sqlite3_bind_int64 (stmt, 25, app->service_seconds);
  bind_time (stmt, 26, app->service_due_at);
  bind_text (stmt, 27, app->tracking_code);
}

gboolean
pz_store_insert_application (PzStore        *self,
                             PzApplication  *app,
                             GError        **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "INSERT INTO applications (registration_number, permit_type,"
                                "  request_type, applicant_name, applicant_nik, applicant_address,"
                                "  applicant_phone, applicant_email, data, survey, received_by, step,"
                                "  status, version, step_entered_at, due_at, permit_number,"
                                "  verify_token, created_at, updated_at, created_by, updated_by,"
                                "  permit_type_version, service_started_at, service_seconds, service_due_at,"
                                "  tracking_code) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                                "  ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  bind_application (stmt, app);
  if (!step_done (self, stmt, error))
    return FALSE;
  app->id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

/**
 * pz_store_get_application:
 * @self: a store
 * @id: the application id
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the application; %NULL without an
 *   error if there is none with @id
 */
PzApplication *
pz_store_get_application (PzStore  *self,
                          gint64    id,
                          GError  **error)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT " APP_COLUMNS " FROM applications WHERE id = ?",
                                error);
  PzApplication *app = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    app = read_application (stmt);
  else if (rc != SQLITE_DONE)
    sql_error (self, rc, error);
  sqlite3_reset (stmt);
  return app;
}

/**
 * pz_store_update_application:
 * @self: a store
 * @app: the new state; its version must already be the next one
 * @expected_version: the version the change was based on
 * @error: return location for an error
 *
 * Returns: %FALSE with %PZ_STORE_ERROR_STALE if the stored version is
 *   no longer @expected_version
 */
gboolean
pz_store_update_application (PzStore        *self,
                             PzApplication  *app,
                             gint64          expected_version,
                             GError        **error)
{
  /* Only what a step can change: naming the applicant's columns here would
   * rewrite their indexes on every action. */
  sqlite3_stmt *stmt = prepare (self,
                                "UPDATE applications SET data = ?, survey = ?, received_by = ?,"
                                "  step = ?, status = ?, version = ?, step_entered_at = ?, due_at = ?,"
                                "  permit_number = ?, verify_token = ?, updated_at = ?, updated_by = ?,"
                                "  service_started_at = ?, service_seconds = ?, service_due_at = ? "
                                "WHERE id = ? AND version = ?", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, app->data ? app->data : "{}");
  bind_text (stmt, 2, app->survey);
  bind_text (stmt, 3, app->received_by);
  bind_text (stmt, 4, app->step);
  bind_text (stmt, 5, app->status);
  sqlite3_bind_int64 (stmt, 6, app->version);
  sqlite3_bind_int64 (stmt, 7, app->step_entered_at);
  if (app->due_at)
    sqlite3_bind_int64 (stmt, 8, app->due_at);
  else
    sqlite3_bind_null (stmt, 8);
  bind_text (stmt, 9, app->permit_number);
  bind_text (stmt, 10, app->verify_token);
  sqlite3_bind_int64 (stmt, 11, app->updated_at);
  sqlite3_bind_int64 (stmt, 12, app->updated_by);
  bind_time (stmt, 13, app->service_started_at);
  sqlite3_bind_int64 (stmt, 14, app->service_seconds);
  bind_time (stmt, 15, app->service_due_at);
  sqlite3_bind_int64 (stmt, 16, app->id);
  sqlite3_bind_int64 (stmt, 17, expected_version);
  if (!step_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (self->db) != 1)
    {
      g_set_error (error, PZ_STORE_ERROR, PZ_STORE_ERROR_STALE,
                   _("The file was changed meanwhile"));
      return FALSE;
    }
  return TRUE;
}

static GPtrArray *
collect_applications (PzStore       *self,
                      sqlite3_stmt  *stmt,
                      GError       **error)
{
  GPtrArray *apps = g_ptr_array_new_with_free_func ((GDestroyNotify) pz_application_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (apps, read_application (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      sql_error (self, rc, error);
      g_ptr_array_unref (apps);
      return NULL;
    }
  return apps;
}

/**
 * pz_store_inbox_step:
 * @self: a store
 * @step: a step id
 * @limit: the most files to return
 * @error: return location for an error
 *
 * Returns: (transfer container) (element-type PzApplication): the files at
 *   @step, the earliest due first, those without a due time last
 */
GPtrArray *
pz_store_inbox_step (PzStore     *self,
                     const char  *step,
                     guint        limit,
                     GError     **error)
{
  g_autoptr(GPtrArray) apps = NULL;
  sqlite3_stmt *stmt;

  stmt = prepare (self,
                  "SELECT " APP_COLUMNS " FROM applications "
                  "WHERE step = ? AND due_at IS NOT NULL ORDER BY due_at, id LIMIT ?", error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, step);
  sqlite3_bind_int (stmt, 2, (int) limit);
  if (!(apps = collect_applications (self, stmt, error)))
    return NULL;

  if (apps->len < limit)
    {
      g_autoptr(GPtrArray) rest = NULL;

      stmt = prepare (self,
                      "SELECT " APP_COLUMNS " FROM applications "
                      "WHERE step = ? AND due_at IS NULL ORDER BY step_entered_at, id LIMIT ?",
                      error);
      if (stmt == NULL)
        return NULL;
      bind_text (stmt, 1, step);
      sqlite3_bind_int (stmt, 2, (int) (limit - apps->len));
      if (!(rest = collect_applications (self, stmt, error)))
        return NULL;
      g_ptr_array_extend_and_steal (apps, g_steal_pointer (&rest));
    }
  return g_steal_pointer (&apps);
}

gboolean
pz_store_count_step (PzStore     *self,
                     const char  *step,
                     gint64       overdue_before,
                     gint64      *count,
                     gint64      *overdue,
                     GError     **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT count(*), count(CASE WHEN due_at < ? THEN 1 END) "
                                "FROM applications WHERE step = ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, overdue_before);
  bind_text (stmt, 2, step);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *count = sqlite3_column_int64 (stmt, 0);
      *overdue = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    return sql_error (self, rc, error);
  return TRUE;
}

/**
 * pz_store_count_by_step:
 * @overdue_before: files due before this time count as overdue
 *
 * Returns: (transfer full): step id -> gint64[2] {files, overdue}, for the
 *   steps that hold files
 */
GHashTable *
pz_store_count_by_step (PzStore  *self,
                        gint64    overdue_before,
                        GError  **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT step, count(*), count(CASE WHEN due_at < ? THEN 1 END) "
                                "FROM applications GROUP BY step", error);
  g_autoptr(GHashTable) counts = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  sqlite3_bind_int64 (stmt, 1, overdue_before);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 *pair = g_new (gint64, 2);

      pair[0] = sqlite3_column_int64 (stmt, 1);
      pair[1] = sqlite3_column_int64 (stmt, 2);
      g_hash_table_insert (counts, column_text (stmt, 0), pair);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      sql_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&counts);
}

/**
 * pz_store_search:
 * @self: a store
 * @search: what to look for
 * @error: return location for an error
 *
 * @search->q matches a registration or permit number, a NIK, or a part of
 * the applicant's name. The newest files come first.
 *
 * Returns: (transfer container) (element-type PzApplication): the files found
 */
GPtrArray *
pz_store_search (PzStore         *self,
                 const PzSearch  *search,
                 GError         **error)
{
  sqlite3_stmt *stmt;
  g_autofree char *like = NULL;

  stmt = prepare (self,
                  "SELECT " APP_COLUMNS " FROM applications "
                  "WHERE (?1 IS NULL OR registration_number = ?1 OR applicant_nik = ?1"
                  "       OR permit_number = ?1 OR applicant_name LIKE ?2 ESCAPE '\\')"
                  "  AND (?3 IS NULL OR step = ?3)"
                  "  AND (?4 IS NULL OR status = ?4)"
                  "  AND (?5 IS NULL OR permit_type = ?5)"
                  "  AND (?6 = 0 OR id < ?6) "
                  "ORDER BY id DESC LIMIT ?7", error);
  if (stmt == NULL)
    return NULL;

  if (search->q && *search->q)
    {
      GString *s = g_string_new ("%");

      for (const char *p = search->q; *p; p++)
        {
          if (*p == '%' || *p == '_' || *p == '\\')
            g_string_append_c (s, '\\');
          g_string_append_c (s, *p);
        }
      g_string_append_c (s, '%');
      like = g_string_free (s, FALSE);
      bind_text (stmt, 1, search->q);
      bind_text (stmt, 2, like);
    }
  bind_text (stmt, 3, search->step);
  bind_text (stmt, 4, search->status);
  bind_text (stmt, 5, search->permit_type);
  sqlite3_bind_int64 (stmt, 6, search->before_id);
  sqlite3_bind_int (stmt, 7, (int) search->limit);
  return collect_applications (self, stmt, error);
}

/* Events */

void
pz_event_free (PzEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->username);
  g_free (event->full_name);
  g_free (event->role);
  g_free (event->acting);
  g_free (event->action);
  g_free (event->from_step);
  g_free (event->to_step);
  g_free (event->note);
  g_free (event->data);
  g_free (event);
}

gint64
pz_store_insert_event (PzStore  *self,
                       PzEvent  *event,
                       GError  **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "INSERT INTO events (application_id, at, user_id, role, action,"
                                "  from_step, to_step, note, office_seconds, data, acting, also_admin) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, event->application_id);
  sqlite3_bind_int64 (stmt, 2, event->at);
  sqlite3_bind_int64 (stmt, 3, event->user_id);
  bind_text (stmt, 4, event->role);
  bind_text (stmt, 5, event->action);
  bind_text (stmt, 6, event->from_step);
  bind_text (stmt, 7, event->to_step);
  bind_text (stmt, 8, event->note);
  sqlite3_bind_int64 (stmt, 9, event->office_seconds);
  bind_text (stmt, 10, event->data);
  bind_text (stmt, 11, event->acting);
  sqlite3_bind_int (stmt, 12, event->also_admin ? 1 : 0);
  if (!step_done (self, stmt, error))
    return 0;
  event->id = sqlite3_last_insert_rowid (self->db);
  return event->id;
}

#define EVENT_QUERY \
  "SELECT e.id, e.application_id, e.at, e.user_id, u.username, u.full_name, e.role, e.action," \
  "  e.from_step, e.to_step, e.note, e.office_seconds, e.data, e.acting, e.also_admin " \
  "FROM events e JOIN users u ON u.id = e.user_id WHERE e.application_id = ? "

static PzEvent *
read_event (sqlite3_stmt *stmt)
{
  PzEvent *e = g_new0 (PzEvent, 1);

  e->id = sqlite3_column_int64 (stmt, 0);
  e->application_id = sqlite3_column_int64 (stmt, 1);
  e->at = sqlite3_column_int64 (stmt, 2);
  e->user_id = sqlite3_column_int64 (stmt, 3);
  e->username = column_text (stmt, 4);
  e->full_name = column_text (stmt, 5);
  e->role = column_text (stmt, 6);
  e->action = column_text (stmt, 7);
  e->from_step = column_text (stmt, 8);
  e->to_step = column_text (stmt, 9);
  e->note = column_text (stmt, 10);
  e->office_seconds = sqlite3_column_int64 (stmt, 11);
  e->data = column_text (stmt, 12);
  e->acting = column_text (stmt, 13);
  e->also_admin = sqlite3_column_int (stmt, 14) != 0;
  return e;
}

GPtrArray *
pz_store_list_events (PzStore  *self,
                      gint64    application_id,
                      GError  **error)
{
  sqlite3_stmt *stmt = prepare (self, EVENT_QUERY "ORDER BY e.id", error);
  GPtrArray *events;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, application_id);
  events = g_ptr_array_new_with_free_func ((GDestroyNotify) pz_event_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (events, read_event (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      sql_error (self, rc, error);
      g_ptr_array_unref (events);
      return NULL;
    }
  return events;
}

PzEvent *
pz_store_last_event (PzStore *self,
                     gint64   application_id)
{
  sqlite3_stmt *stmt = prepare (self, EVENT_QUERY "ORDER BY e.id DESC LIMIT 1", NULL);
  PzEvent *event = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, application_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    event = read_event (stmt);
  sqlite3_reset (stmt);
  return event;
}

gboolean
pz_store_count_user_events (PzStore  *self,
                            gint64    user_id,
                            gint64    since,
                            gint64   *count,
                            GError  **error)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT count(*) FROM events WHERE user_id = ? AND at >= ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int64 (stmt, 2, since);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *count = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    return sql_error (self, rc, error);
  return TRUE;
}

/* Outbox */

void
pz_message_free (PzMessage *m)
{
  if (m == NULL)
    return;
  g_free (m->kind);
  g_free (m->recipient_name);
  g_free (m->email);
  g_free (m->phone);
  g_free (m->subject);
  g_free (m->body);
  g_free (m->registration_number);
  g_free (m->last_error);
  g_free (m);
}

gboolean
pz_store_insert_message (PzStore    *self,
                         PzMessage  *m,
                         GError    **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "INSERT INTO outbox (application_id, kind, recipient_name, email, phone, subject,"
                                "  body, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, m->application_id);
  bind_text (stmt, 2, m->kind);
  bind_text (stmt, 3, m->recipient_name);
  bind_text (stmt, 4, m->email);
  bind_text (stmt, 5, m->phone);
  bind_text (stmt, 6, m->subject);
  bind_text (stmt, 7, m->body);
  sqlite3_bind_int64 (stmt, 8, m->created_at);
  sqlite3_bind_int64 (stmt, 9, m->created_at);
  if (!step_done (self, stmt, error))
    return FALSE;
  m->id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

/**
 * pz_store_due_messages:
 * @self: a store
 * @now: the current time
 * @limit: the most messages
 *
 * Returns: (transfer container) (element-type PzMessage): the messages with a
 *   channel still to deliver whose time has come
 */
GPtrArray *
pz_store_due_messages (PzStore *self,
                       gint64   now,
                       guint    limit)
{
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT o.id, o.application_id, o.kind, o.recipient_name, o.email, o.phone,"
                                "  o.subject, o.body, o.created_at, o.email_done, o.command_done, o.attempts,"
                                "  a.registration_number "
                                "FROM outbox o JOIN applications a ON a.id = o.application_id "
                                "WHERE (o.email_done IS NULL OR o.command_done IS NULL) AND o.next_attempt_at <= ? "
                                "ORDER BY o.next_attempt_at, o.id LIMIT ?", NULL);
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) pz_message_free);

  if (stmt == NULL)
    return list;
  sqlite3_bind_int64 (stmt, 1, now);
  sqlite3_bind_int (stmt, 2, (int) limit);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      PzMessage *m = g_new0 (PzMessage, 1);

      m->id = sqlite3_column_int64 (stmt, 0);
      m->application_id = sqlite3_column_int64 (stmt, 1);
      m->kind = column_text (stmt, 2);
      m->recipient_name = column_text (stmt, 3);
      m->email = column_text (stmt, 4);
      m->phone = column_text (stmt, 5);
      m->subject = column_text (stmt, 6);
      m->body = column_text (stmt, 7);
      m->created_at = sqlite3_column_int64 (stmt, 8);
      m->email_done = sqlite3_column_type (stmt, 9) != SQLITE_NULL;
      m->command_done = sqlite3_column_type (stmt, 10) != SQLITE_NULL;
      m->attempts = sqlite3_column_int (stmt, 11);
      m->registration_number = column_text (stmt, 12);
      g_ptr_array_add (list, m);
    }
  sqlite3_reset (stmt);
  return list;
}

/**
 * pz_store_update_message:
 * @self: a store
 * @m: the message with its new state: channels done, attempts, next time
 * @error: return location for an error
 */
gboolean
pz_store_update_message (PzStore    *self,
                         PzMessage  *m,
                         gint64      now,
                         GError    **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "UPDATE outbox SET email_done = CASE WHEN ? THEN coalesce (email_done, ?) END,"
                                "  command_done = CASE WHEN ? THEN coalesce (command_done, ?) END,"
                                "  attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int (stmt, 1, m->email_done);
  sqlite3_bind_int64 (stmt, 2, now);
  sqlite3_bind_int (stmt, 3, m->command_done);
  sqlite3_bind_int64 (stmt, 4, now);
  sqlite3_bind_int (stmt, 5, m->attempts);
  sqlite3_bind_int64 (stmt, 6, m->next_attempt_at);
  bind_text (stmt, 7, m->last_error);
  sqlite3_bind_int64 (stmt, 8, m->id);
  return step_done (self, stmt, error);
}

/* After a restart, what is still queued is tried at once: the reason it
 * failed (a mail server down, a wrong setting) may be gone. */
gboolean
pz_store_retry_pending_messages (PzStore  *self,
                                 gint64    now,
                                 GError  **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "UPDATE outbox SET next_attempt_at = ? "
                                "WHERE (email_done IS NULL OR command_done IS NULL) AND next_attempt_at > ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now);
  sqlite3_bind_int64 (stmt, 2, now);
  return step_done (self, stmt, error);
}

gint64
pz_store_count_pending_messages (PzStore *self)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT count(*) FROM outbox WHERE email_done IS NULL OR command_done IS NULL",
                                NULL);
  gint64 n = 0;

  if (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  if (stmt)
    sqlite3_reset (stmt);
  return n;
}

/* Outputs */

gboolean
pz_store_put_output (PzStore     *self,
                     gint64       application_id,
                     const char  *kind,
                     const char  *sha256,
                     gint64       size,
                     gint64       at,
                     GError     **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "INSERT INTO outputs (application_id, kind, sha256, size, created_at) "
                                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (application_id, kind) DO UPDATE SET"
                                "  sha256 = excluded.sha256, size = excluded.size,"
                                "  created_at = excluded.created_at", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, application_id);
  bind_text (stmt, 2, kind);
  bind_text (stmt, 3, sha256);
  sqlite3_bind_int64 (stmt, 4, size);
  sqlite3_bind_int64 (stmt, 5, at);
  return step_done (self, stmt, error);
}

/**
 * pz_store_list_outputs:
 * @self: a store
 * @application_id: the file
 *
 * Returns: (transfer container) (element-type PzDocument): the outputs, with
 *   the kind in the requirement member
 */
GPtrArray *
pz_store_list_outputs (PzStore *self,
                       gint64   application_id)
{
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT kind, sha256, size, created_at FROM outputs "
                                "WHERE application_id = ? ORDER BY created_at, kind", NULL);
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) pz_document_free);

  if (stmt == NULL)
    return list;
  sqlite3_bind_int64 (stmt, 1, application_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      PzDocument *doc = g_new0 (PzDocument, 1);

      doc->requirement = column_text (stmt, 0);
      doc->sha256 = column_text (stmt, 1);
      doc->size = sqlite3_column_int64 (stmt, 2);
      doc->uploaded_at = sqlite3_column_int64 (stmt, 3);
      doc->content_type = g_strdup ("application/pdf");
      g_ptr_array_add (list, doc);
    }
  sqlite3_reset (stmt);
  return list;
}

PzApplication *
pz_store_find_by_verify_token (PzStore    *self,
                               const char *token)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT " APP_COLUMNS " FROM applications WHERE verify_token = ?", NULL);
  PzApplication *app = NULL;

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, token);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    app = read_application (stmt);
  sqlite3_reset (stmt);
  return app;
}

/* @code: in its printed form (pz_tracking_code_normalize()) */
PzApplication *
pz_store_find_by_tracking_code (PzStore    *self,
                                const char *code)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT " APP_COLUMNS " FROM applications WHERE tracking_code = ?",
                                NULL);
  PzApplication *app = NULL;

  if (stmt == NULL || code == NULL)
    return NULL;
  bind_text (stmt, 1, code);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    app = read_application (stmt);
  sqlite3_reset (stmt);
  return app;
}

/* Documents and checklist */

void
pz_document_free (PzDocument *doc)
{
  if (doc == NULL)
    return;
  g_free (doc->requirement);
  g_free (doc->sha256);
  g_free (doc->content_type);
  g_free (doc->uploaded_by);
  g_free (doc);
}

void
pz_verdict_free (PzVerdict *verdict)
{
  if (verdict == NULL)
    return;
  g_free (verdict->requirement);
  g_free (verdict->verdict);
  g_free (verdict->note);
  g_free (verdict->username);
  g_free (verdict);
}

/**
 * pz_store_insert_document:
 * @self: a store
 * @application_id: the file
 * @doc: the document; its blob must already be in the file store
 * @user_id: who uploaded it
 * @error: return location for an error
 *
 * Makes @doc the current document of its requirement; the one it replaces
 * stays in the history. A new document clears the requirement's verdict,
 * which was given on the old one.
 */
gboolean
pz_store_insert_document (PzStore     *self,
                          gint64       application_id,
                          PzDocument  *doc,
                          gint64       user_id,
                          GError     **error)
{
  sqlite3_stmt *stmt;

  stmt = prepare (self,
                  "UPDATE documents SET current = 0 "
                  "WHERE application_id = ? AND requirement = ? AND current = 1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, application_id);
  bind_text (stmt, 2, doc->requirement);
  if (!step_done (self, stmt, error))
    return FALSE;

  stmt = prepare (self, "DELETE FROM checklist WHERE application_id = ? AND requirement = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, application_id);
  bind_text (stmt, 2, doc->requirement);
  if (!step_done (self, stmt, error))
    return FALSE;

  stmt = prepare (self,
                  "INSERT INTO documents (application_id, requirement, sha256, size, content_type,"
                  "  pages, uploaded_at, uploaded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, application_id);
  bind_text (stmt, 2, doc->requirement);
  bind_text (stmt, 3, doc->sha256);
  sqlite3_bind_int64 (stmt, 4, doc->size);
  bind_text (stmt, 5, doc->content_type);
  sqlite3_bind_int64 (stmt, 6, doc->pages);
  sqlite3_bind_int64 (stmt, 7, doc->uploaded_at);
  sqlite3_bind_int64 (stmt, 8, user_id);
  if (!step_done (self, stmt, error))
    return FALSE;
  doc->id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

#define DOCUMENT_QUERY \
  "SELECT d.id, d.requirement, d.sha256, d.size, d.content_type, d.pages, d.uploaded_at," \
  "  u.username FROM documents d JOIN users u ON u.id = d.uploaded_by " \
  "WHERE d.application_id = ? AND d.current = 1 "

static PzDocument *
read_document (sqlite3_stmt *stmt)
{
  PzDocument *doc = g_new0 (PzDocument, 1);

  doc->id = sqlite3_column_int64 (stmt, 0);
  doc->requirement = column_text (stmt, 1);
  doc->sha256 = column_text (stmt, 2);
  doc->size = sqlite3_column_int64 (stmt, 3);
  doc->content_type = column_text (stmt, 4);
  doc->pages = sqlite3_column_int64 (stmt, 5);
  doc->uploaded_at = sqlite3_column_int64 (stmt, 6);
  doc->uploaded_by = column_text (stmt, 7);
  return doc;
}

GPtrArray *
pz_store_list_documents (PzStore  *self,
                         gint64    application_id,
                         GError  **error)
{
  sqlite3_stmt *stmt = prepare (self, DOCUMENT_QUERY "ORDER BY d.requirement", error);
  GPtrArray *docs;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, application_id);
  docs = g_ptr_array_new_with_free_func ((GDestroyNotify) pz_document_free);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (docs, read_document (stmt));
  sqlite3_reset (stmt);
  return docs;
}

PzDocument *
pz_store_get_document (PzStore    *self,
                       gint64      application_id,
                       const char *requirement)
{
  sqlite3_stmt *stmt = prepare (self, DOCUMENT_QUERY "AND d.requirement = ?", NULL);
  PzDocument *doc = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, application_id);
  bind_text (stmt, 2, requirement);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    doc = read_document (stmt);
  sqlite3_reset (stmt);
  return doc;
}

gboolean
pz_store_set_verdict (PzStore     *self,
                      gint64       application_id,
                      const char  *requirement,
                      const char  *verdict,
                      const char  *note,
                      gint64       user_id,
                      gint64       at,
                      GError     **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "INSERT INTO checklist (application_id, requirement, verdict, note,"
                                "  at, user_id) VALUES (?, ?, ?, ?, ?, ?) "
                                "ON CONFLICT (application_id, requirement) DO UPDATE SET"
                                "  verdict = excluded.verdict, note = excluded.note,"
                                "  at = excluded.at, user_id = excluded.user_id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, application_id);
  bind_text (stmt, 2, requirement);
  bind_text (stmt, 3, verdict);
  bind_text (stmt, 4, note);
  sqlite3_bind_int64 (stmt, 5, at);
  sqlite3_bind_int64 (stmt, 6, user_id);
  return step_done (self, stmt, error);
}

GPtrArray *
pz_store_list_verdicts (PzStore  *self,
                        gint64    application_id,
                        GError  **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT c.requirement, c.verdict, c.note, c.at, u.username "
                                "FROM checklist c JOIN users u ON u.id = c.user_id "
                                "WHERE c.application_id = ?", error);
  GPtrArray *verdicts;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, application_id);
  verdicts = g_ptr_array_new_with_free_func ((GDestroyNotify) pz_verdict_free);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      PzVerdict *v = g_new0 (PzVerdict, 1);

      v->requirement = column_text (stmt, 0);
      v->verdict = column_text (stmt, 1);
      v->note = column_text (stmt, 2);
      v->at = sqlite3_column_int64 (stmt, 3);
      v->username = column_text (stmt, 4);
      g_ptr_array_add (verdicts, v);
    }
  sqlite3_reset (stmt);
  return verdicts;
}

/* Idempotency */

gboolean
pz_store_find_idempotent (PzStore     *self,
                          gint64       user_id,
                          const char  *key,
                          char       **fingerprint,
                          guint       *status,
                          char       **body)
{
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT fingerprint, status, body FROM idempotency "
                                "WHERE user_id = ? AND key = ?", NULL);
  gboolean found = FALSE;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, user_id);
  bind_text (stmt, 2, key);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      *fingerprint = column_text (stmt, 0);
      *status = (guint) sqlite3_column_int (stmt, 1);
      *body = column_text (stmt, 2);
      found = TRUE;
    }
  sqlite3_reset (stmt);
  return found;
}

gboolean
pz_store_insert_idempotent (PzStore     *self,
                            gint64       user_id,
                            const char  *key,
                            const char  *fingerprint,
                            guint        status,
                            const char  *body,
                            gint64       at,
                            GError     **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "INSERT INTO idempotency (user_id, key, fingerprint, status, body,"
                                "  created_at) VALUES (?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, user_id);
  bind_text (stmt, 2, key);
  bind_text (stmt, 3, fingerprint);
  sqlite3_bind_int (stmt, 4, (int) status);
  bind_text (stmt, 5, body);
  sqlite3_bind_int64 (stmt, 6, at);
  return step_done (self, stmt, error);
}
