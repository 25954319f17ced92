/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the rooms of the store share: the connection, its prepared
 * statements, and the helpers that run them. */
#pragma once

#include <gio/gio.h>
#include "pz-db.h"
#include "pz-store.h"
#include "pz-tracking.h"

G_BEGIN_DECLS

/* Statements are prepared once and kept (by pz-db). */
struct _PzStore
{
  PzDb       *db;          /* keeps the prepared statements */
  GError     *step_error;  /* why the last db_step() failed, for sql_error() */
  guint       depth;       /* open transaction and savepoints */
  /* bit n: the savepoint begun at depth n was set (pz_n); one begun
   * where nothing was written since the last one set is only counted, as
   * its rollback goes back to that one */
  guint64     set_savepoints;
  gboolean    written;     /* something may have been written since the last BEGIN or savepoint set */
  int         busy_ms;     /* how long a statement waits for another process's lock */
  gint64      ends;        /* transactions and savepoints committed or rolled back */
  gboolean    reader;      /* a read-only connection: its transactions only read */
  GThread    *borrower;    /* the thread committing the open transaction, or NULL */
  void      (*waiter) (gpointer data);  /* takes the connection back from it */
  gpointer    waiter_data;
  gint64      messages_queued;  /* see pz_store_messages_queued() */
  GConverter *packer;      /* deflates the answers kept for retries, reset for each */
};

#define DEFAULT_BUSY_MS 5000

/* The columns read_application() reads, in its order. */
#define APP_COLUMNS \
  "id, registration_number, permit_type, request_type, applicant_name, applicant_nik," \
  " applicant_address, applicant_phone, applicant_email, data, survey, received_by, step," \
  " status, version, step_entered_at, due_at, permit_number, verify_token, created_at," \
  " updated_at, created_by, updated_by, permit_type_version, service_started_at, service_seconds," \
  " service_due_at, tracking_code, office_id"

/* pz-store.c */
gboolean sql_error (PzStore  *self,
                    GError  **error);
PzDbStmt *prepare (PzStore     *self,
                   const char  *sql,
                   GError     **error);
void bind_text (PzDbStmt   *stmt,
                int         i,
                const char *text);
void bind_time (PzDbStmt *stmt,
                int       i,
                gint64    t);
char *column_text (PzDbStmt *stmt,
                   int       i);
PzDbStep db_step (PzStore  *self,
                  PzDbStmt *stmt);
gboolean step_returning (PzStore  *self,
                         PzDbStmt *stmt,
                         gint64   *id,
                         GError  **error);
gboolean step_done (PzStore  *self,
                    PzDbStmt *stmt,
                    GError  **error);

const char *begin_read_sql (PzStore *self);

/* pz-store-schema.c: each migration in SQLite's dialect; the same
 * migration in PostgreSQL's, at the same number, is in
 * pz-schema-postgresql.c.  The SQLite texts are never changed, so that
 * existing files migrate as they always did. */
typedef struct
{
  const char *sqlite;
} Migration;

extern const Migration pz_store_migrations[];
extern const guint     pz_store_n_migrations;

/* pz-store-files.c */
PzApplication *read_application  (PzDbStmt *stmt);
PzDbStmt      *prepare_events_of (PzStore  *self,
                                  gint64    application_id,
                                  GError  **error);
GPtrArray     *events_from       (PzStore  *self,
                                  PzDbStmt *stmt,
                                  GError  **error);

G_END_DECLS
