/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The schema: the migrations that bring a database from any earlier
 * version to this build's, in order. */
#define G_LOG_DOMAIN "pz-store"

#include "config.h"

#include "pz-store-private.h"

/* Each migration in SQLite's dialect; pz-schema-postgresql.c has each in
 * PostgreSQL's, at the same number (test-db-postgresql holds the two
 * lists to the same length).  The SQLite texts are never changed, so that
 * existing files migrate as they always did. */
const Migration pz_store_migrations[] = {
  /* 1 */
  { .sqlite = "CREATE TABLE office ("
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
              "  PRIMARY KEY (application_id, requirement));" },
  /* 2: what each user did today */
  { .sqlite = "CREATE INDEX events_user_at ON events(user_id, at);" },
  /* 3: the documents each step produces */
  { .sqlite = "CREATE TABLE outputs ("
              "  application_id INTEGER NOT NULL REFERENCES applications(id),"
              "  kind TEXT NOT NULL,"
              "  sha256 TEXT NOT NULL,"
              "  size INTEGER NOT NULL,"
              "  created_at INTEGER NOT NULL,"
              "  PRIMARY KEY (application_id, kind));"
              "CREATE INDEX applications_verify ON applications(verify_token);" },
  /* 4: messages to applicants, written with the action that causes them */
  { .sqlite = "CREATE TABLE outbox ("
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
              "CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE email_done IS NULL OR command_done IS NULL;" },
  /* 5: who changed what in the administration, and when */
  { .sqlite = "CREATE TABLE audit ("
              "  id INTEGER PRIMARY KEY,"
              "  at INTEGER NOT NULL,"
              "  user_id INTEGER NOT NULL REFERENCES users(id),"
              "  action TEXT NOT NULL,"
              "  target TEXT NOT NULL,"
              "  detail TEXT NOT NULL);"
              "CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit "
              "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
              "CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit "
              "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;" },
  /* 6: acting officials (Plh/Plt) for a period, and the capacity an action was taken in */
  { .sqlite = "CREATE TABLE acting ("
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
              "ALTER TABLE events ADD COLUMN acting TEXT;" },
  /* 7: every edition of a permit type; a file keeps the one it was registered under */
  { .sqlite = "CREATE TABLE permit_type_versions ("
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
              "ALTER TABLE applications ADD COLUMN permit_type_version INTEGER NOT NULL DEFAULT 1;" },
  /* 8: the service clock (from complete documents, without the applicant's
  * time), who was told a file is late, and the applicants' survey (SKM) */
  { .sqlite = "ALTER TABLE applications ADD COLUMN service_started_at INTEGER;"
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
              "CREATE INDEX satisfaction_at ON satisfaction(at);" },
  /* 9: the report reads a year of step stays from the index alone */
  { .sqlite = "DROP INDEX events_at;"
              "CREATE INDEX events_at_stays ON events(at, from_step, user_id, office_seconds, application_id);" },
  /* 10: sessions end after a time without requests; an action by a user
   * who is also the administrator says so in the history */
  { .sqlite = "ALTER TABLE sessions ADD COLUMN last_seen_at INTEGER;"
              "CREATE INDEX sessions_user ON sessions(user_id);"
              "CREATE INDEX idempotency_created ON idempotency(created_at);"
              "ALTER TABLE events ADD COLUMN also_admin INTEGER NOT NULL DEFAULT 0;" },
  /* 11: the public tracking code; pz_store_open() gives older files one */
  { .sqlite = "ALTER TABLE applications ADD COLUMN tracking_code TEXT;"
              "CREATE UNIQUE INDEX applications_tracking ON applications(tracking_code);" },
  /* 12: the files at each step, and at each step those due in each hour,
   * kept by every change in its own transaction, so that the inbox reads
   * its totals instead of counting the office's files on each request
   * (it also makes them anew where they are left from a later schema) */
  { .sqlite = "CREATE TABLE IF NOT EXISTS step_counts ("
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
              "END;" },
  /* 13: the answer to a retry kept deflated (body left empty): about a
   * third of the bytes each action wrote for it */
  { .sqlite = "ALTER TABLE idempotency ADD COLUMN packed BLOB;" },
  /* 14: each signer their own signing identity: a PKCS#12 file of the
   * data directory's signing folder, a pkcs11: URI, or the NIK the remote
   * signing service knows them by */
  { .sqlite = "ALTER TABLE users ADD COLUMN signing_identity TEXT;" },
  /* 15: the login throttle of many servers on one database, which only
   * PostgreSQL has (one SQLite server counts in its memory) */
  { .sqlite = "SELECT 1;" },
};

const guint pz_store_n_migrations = G_N_ELEMENTS (pz_store_migrations);

/**
 * pz_store_schema_version:
 *
 * Returns: the schema version this build migrates databases to
 */
int
pz_store_schema_version (void)
{
  return (int) pz_store_n_migrations;
}
