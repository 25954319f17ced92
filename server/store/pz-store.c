/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The store: the SQLite connection, its schema and migrations,
 * transactions and the office's settings. All SQL of the server lives
 * in this folder, so that another backend can take its place. */
#define G_LOG_DOMAIN "pz-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pz-store-private.h"

G_DEFINE_QUARK (pz - store - error - quark, pz_store_error)

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
  /* 12: the files at each step, and at each step those due in each hour,
   * kept by every change in its own transaction, so that the inbox reads
   * its totals instead of counting the office's files on each request
   * (it also makes them anew where they are left from a later schema) */
  "CREATE TABLE IF NOT EXISTS step_counts ("
  "  step TEXT PRIMARY KEY,"
  "  files INTEGER NOT NULL) WITHOUT ROWID;"
  "CREATE TABLE IF NOT EXISTS step_due_counts ("
  "  step TEXT NOT NULL,"
  "  hour INTEGER NOT NULL,"
  "  files INTEGER NOT NULL,"
  "  PRIMARY KEY (step, hour)) WITHOUT ROWID;"
  "DELETE FROM step_counts;"
  "DELETE FROM step_due_counts;"
  "INSERT INTO step_counts (step, files) SELECT step, count(*) FROM applications GROUP BY step;"
  "INSERT INTO step_due_counts (step, hour, files)"
  "  SELECT step, due_at / 3600, count(*) FROM applications WHERE due_at IS NOT NULL GROUP BY 1, 2;"
  "CREATE TRIGGER IF NOT EXISTS applications_counts_insert AFTER INSERT ON applications BEGIN"
  "  INSERT INTO step_counts (step, files) VALUES (new.step, 1)"
  "    ON CONFLICT (step) DO UPDATE SET files = files + 1;"
  "  INSERT INTO step_due_counts (step, hour, files)"
  "    SELECT new.step, new.due_at / 3600, 1 WHERE new.due_at IS NOT NULL"
  "    ON CONFLICT (step, hour) DO UPDATE SET files = files + 1;"
  "END;"
  "CREATE TRIGGER IF NOT EXISTS applications_counts_delete AFTER DELETE ON applications BEGIN"
  "  UPDATE step_counts SET files = files - 1 WHERE step = old.step;"
  "  DELETE FROM step_counts WHERE step = old.step AND files = 0;"
  "  UPDATE step_due_counts SET files = files - 1 WHERE step = old.step AND hour = old.due_at / 3600;"
  "  DELETE FROM step_due_counts WHERE step = old.step AND hour = old.due_at / 3600 AND files = 0;"
  "END;"
  "CREATE TRIGGER IF NOT EXISTS applications_counts_update AFTER UPDATE OF step, due_at ON applications"
  "  WHEN old.step IS NOT new.step OR old.due_at IS NOT new.due_at BEGIN"
  "  UPDATE step_counts SET files = files - 1 WHERE step = old.step;"
  "  DELETE FROM step_counts WHERE step = old.step AND files = 0;"
  "  UPDATE step_due_counts SET files = files - 1 WHERE step = old.step AND hour = old.due_at / 3600;"
  "  DELETE FROM step_due_counts WHERE step = old.step AND hour = old.due_at / 3600 AND files = 0;"
  "  INSERT INTO step_counts (step, files) VALUES (new.step, 1)"
  "    ON CONFLICT (step) DO UPDATE SET files = files + 1;"
  "  INSERT INTO step_due_counts (step, hour, files)"
  "    SELECT new.step, new.due_at / 3600, 1 WHERE new.due_at IS NOT NULL"
  "    ON CONFLICT (step, hour) DO UPDATE SET files = files + 1;"
  "END;",
  /* 13: the answer to a retry kept deflated (body left empty): about a
   * third of the bytes each action wrote for it */
  "ALTER TABLE idempotency ADD COLUMN packed BLOB;",
  /* 14: each signer their own signing identity: a PKCS#12 file of the
   * data directory's signing folder, a pkcs11: URI, or the NIK the remote
   * signing service knows them by */
  "ALTER TABLE users ADD COLUMN signing_identity TEXT;",
};

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

gboolean
sql_error (PzStore *self,
           int      rc,
           GError **error)
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

sqlite3_stmt *
prepare (PzStore    *self,
         const char *sql,
         GError    **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (G_UNLIKELY (lent_elsewhere (self, sql, error)))
    return NULL;
  stmt = g_hash_table_lookup (self->statements, sql);
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

void
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
void
bind_time (sqlite3_stmt *stmt,
           int           i,
           gint64        t)
{
  if (t)
    sqlite3_bind_int64 (stmt, i, t);
  else
    sqlite3_bind_null (stmt, i);
}

char *
column_text (sqlite3_stmt *stmt,
             int           i)
{
  const unsigned char *text = sqlite3_column_text (stmt, i);
  return text ? g_strdup ((const char *) text) : NULL;
}

/* Runs a statement that returns no rows. */
gboolean
step_done (PzStore      *self,
           sqlite3_stmt *stmt,
           GError      **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return sql_error (self, rc, error);
  return TRUE;
}

static gboolean
exec (PzStore    *self,
      const char *sql,
      GError    **error)
{
  char *message = NULL;
  int rc;

  if (G_UNLIKELY (lent_elsewhere (self, sql, error)))
    return FALSE;
  rc = sqlite3_exec (self->db, sql, NULL, NULL, &message);

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
migrate (PzStore *self,
         GError **error)
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
give_tracking_codes (PzStore *self,
                     GError **error)
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
pz_store_open (const char *path,
               GError    **error)
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
      /* A page cache of 16 MiB and no memory map: the inbox is answered
       * from its rendered page and the step counts, so what reads the
       * database is small, and the server's memory stays flat in the size
       * of the office (a map would count every page it touched). */
      !exec (self, "PRAGMA cache_size = -16384", error) ||
      !exec (self, "PRAGMA mmap_size = 0", error) ||
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
  g_clear_object (&self->packer);
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
pz_store_begin (PzStore *self,
                GError **error)
{
  g_autofree char *sql = NULL;

  if (lent_elsewhere (self, "begin", error))
    return FALSE;

  if (self->depth == 0)
    {
      sqlite3_stmt *stmt = prepare (self, self->reader ? "BEGIN" : "BEGIN IMMEDIATE", error);
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
pz_store_commit (PzStore *self,
                 GError **error)
{
  g_autofree char *sql = NULL;

  if (lent_elsewhere (self, "commit", error))
    return FALSE;

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
  int rc;

  self->reader = TRUE;
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, finalize_statement);
  rc = sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
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
  /* what it reads is small: the inbox's heads and counts */
  if (!exec (self, "PRAGMA cache_size = -4096", error) ||
      !exec (self, "PRAGMA mmap_size = 0", error) ||
      !exec (self, "PRAGMA temp_store = MEMORY", error))
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
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self->borrower == g_thread_self (), FALSE);
  stmt = prepare (self, "COMMIT", error);
  if (stmt && step_done (self, stmt, error))
    return TRUE;
  if (!sqlite3_get_autocommit (self->db))
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
 *   take it at once; %FALSE while it is lent to the thread committing
 */
gboolean
pz_store_try_write_lock (PzStore *self)
{
  int rc;

  /* not now: the connection is away committing (not waited for here) */
  if (self->borrower != NULL && self->borrower != g_thread_self ())
    return FALSE;
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
  lent_elsewhere (self, "in_transaction", NULL);
  return self->depth > 0;
}

void
pz_store_get_stamp (PzStore      *self,
                    PzStoreStamp *stamp)
{
  sqlite3_stmt *stmt = prepare (self, "PRAGMA data_version", NULL);

  /* a reader changes nothing: only other connections' commits count */
  stamp->ends = self->reader ? 0 : self->ends;
  stamp->changes = self->reader ? 0 : sqlite3_total_changes64 (self->db);
  stamp->data_version = -1;
  if (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    stamp->data_version = sqlite3_column_int64 (stmt, 0);
  if (stmt)
    sqlite3_reset (stmt);
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
pz_store_set_setting (PzStore    *self,
                      const char *key,
                      const char *value,
                      GError    **error)
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
