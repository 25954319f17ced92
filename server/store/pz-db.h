/* SPDX-License-Identifier: GPL-3.0-or-later */
/* pz-db: the one seam between the store and a database engine.
 *
 * The store speaks SQL through this interface alone; a driver behind it
 * talks to SQLite (one office, embedded) or to PostgreSQL through libpq
 * (many offices on one cluster).  What the two engines share is used as it
 * is: statements with `?` or `?N` placeholders (the PostgreSQL driver
 * numbers them `$N`), INSERT … ON CONFLICT, RETURNING, SAVEPOINT.  Where
 * they differ the store asks pz_db_kind() and writes each form.
 *
 * A connection is used by one thread at a time.  Statements are prepared
 * once per connection and kept by it: pz_db_prepare() hands back the same
 * statement for the same SQL text, reset, its bindings cleared.
 *
 * Values cross the seam as 64-bit integers, doubles, UTF-8 text and byte
 * strings; a NULL is read as 0, 0.0 or a %NULL pointer, and
 * pz_db_column_is_null() tells it apart.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PZ_DB_ERROR (pz_db_error_quark ())

typedef enum {
  PZ_DB_ERROR_FAILED,      /* anything else, with the engine's message */
  PZ_DB_ERROR_BUSY,        /* locked, serialization failure, deadlock: try again */
  PZ_DB_ERROR_CONSTRAINT,  /* a unique, foreign key, not null or check constraint */
  PZ_DB_ERROR_FULL,        /* the disk (or the database's quota) is full */
  PZ_DB_ERROR_CANTOPEN,    /* the database could not be reached or opened */
} PzDbError;

typedef enum {
  PZ_DB_SQLITE,
  PZ_DB_POSTGRESQL,
} PzDbKind;

typedef enum {
  PZ_DB_OPEN_DEFAULT   = 0,
  PZ_DB_OPEN_READ_ONLY = 1 << 0,  /* its transactions only read */
  /* a lost connection stays lost (one that holds session state: a LISTEN,
   * an advisory lock), rather than made again before the next statement */
  PZ_DB_OPEN_NO_RECONNECT = 1 << 1,
} PzDbOpenFlags;

typedef enum {
  PZ_DB_STEP_FAILED = -1,  /* the error is set */
  PZ_DB_STEP_DONE   = 0,   /* no (more) rows */
  PZ_DB_STEP_ROW    = 1,   /* a row is ready for pz_db_column_*() */
} PzDbStep;

typedef struct _PzDb     PzDb;
typedef struct _PzDbStmt PzDbStmt;

GQuark      pz_db_error_quark     (void);

/* @location: "postgresql://…" or "postgres://…" (a libpq connection URI)
 * opens PostgreSQL; anything else is the path of an SQLite database file,
 * created unless read-only. */
PzDb       *pz_db_open            (const char     *location,
                                   PzDbOpenFlags   flags,
                                   GError        **error);
void        pz_db_close           (PzDb           *db);
/* (transfer full): @location for a message, a URI without its password */
char       *pz_db_safe_location   (const char     *location);
PzDbKind    pz_db_kind            (PzDb           *db);

/* One or more statements without parameters, run one after the other. */
gboolean    pz_db_exec            (PzDb           *db,
                                   const char     *sql,
                                   GError        **error);

/* A statement without parameters or rows whose outcome nothing waits
 * for (a SAVEPOINT, a RELEASE), sent with the next statement where the
 * engine can, in one round trip: PostgreSQL's, in a pipeline.  If it fails,
 * that next statement fails with its error. */
gboolean    pz_db_exec_later      (PzDb           *db,
                                   const char     *sql,
                                   GError        **error);

/* (transfer none): owned by @db until pz_db_close() */
PzDbStmt   *pz_db_prepare         (PzDb           *db,
                                   const char     *sql,
                                   GError        **error);
void        pz_db_bind_int64      (PzDbStmt       *stmt,
                                   int             i,
                                   gint64          value);
void        pz_db_bind_double     (PzDbStmt       *stmt,
                                   int             i,
                                   double          value);
/* @text %NULL binds NULL */
void        pz_db_bind_text       (PzDbStmt       *stmt,
                                   int             i,
                                   const char     *text);
/* @data is copied; %NULL binds NULL */
void        pz_db_bind_blob       (PzDbStmt       *stmt,
                                   int             i,
                                   gconstpointer   data,
                                   gsize           size);
void        pz_db_bind_null       (PzDbStmt       *stmt,
                                   int             i);

/* The first step runs the statement, each further one moves to the next
 * row.  After DONE or FAILED the statement is reset. */
PzDbStep    pz_db_step            (PzDbStmt       *stmt,
                                   GError        **error);
/* Ends a statement before its last row; keeps the bindings. */
void        pz_db_reset           (PzDbStmt       *stmt);
/* Runs the bound statements @stmts (reads, each prepared on @db) together
 * where the engine can: PostgreSQL's in one pipeline, one round trip.
 * Each is then read with pz_db_step() as if that step had run it; where
 * the engine runs them one by one, that step does.  If one fails, %FALSE
 * with its error, and each is reset: its step runs it again. */
gboolean    pz_db_run_together    (PzDb           *db,
                                   PzDbStmt      **stmts,
                                   guint           n,
                                   GError        **error);

int         pz_db_column_count    (PzDbStmt       *stmt);
gboolean    pz_db_column_is_null  (PzDbStmt       *stmt,
                                   int             i);
gint64      pz_db_column_int64    (PzDbStmt       *stmt,
                                   int             i);
double      pz_db_column_double   (PzDbStmt       *stmt,
                                   int             i);
/* (transfer none): valid until the next step or reset */
const char *pz_db_column_text     (PzDbStmt       *stmt,
                                   int             i);
/* (transfer none): valid until the next step or reset */
gconstpointer pz_db_column_blob   (PzDbStmt       *stmt,
                                   int             i,
                                   gsize          *size);

/* Rows the last INSERT, UPDATE or DELETE that ran to DONE changed. */
gint64      pz_db_changes         (PzDb           *db);
/* Whether a transaction is open on @db (also one that failed and awaits
 * its ROLLBACK). */
gboolean    pz_db_in_transaction  (PzDb           *db);
/* How long a statement waits for a lock another connection holds. */
void        pz_db_set_busy_timeout (PzDb          *db,
                                    int            ms);

/* A number that changes when another connection commits to the database
 * (SQLite's data_version, PostgreSQL's snapshot); when the engine cannot
 * tell, a number it never gave before. */
gint64      pz_db_data_version    (PzDb           *db);
/* Rows changed through @db since it opened. */
gint64      pz_db_total_changes   (PzDb           *db);

/* Notifications between the servers on one database: PostgreSQL's LISTEN
 * and NOTIFY.  SQLite has one server per database and none: listening and
 * notifying do nothing there, and nothing ever arrives. */
/* the connection's socket, to watch for what arrives; -1 if none */
int         pz_db_socket          (PzDb           *db);
gboolean    pz_db_listen          (PzDb           *db,
                                   const char     *channel,
                                   GError        **error);
/* delivered to the listeners when the transaction it is sent in commits,
 * or at once outside one */
gboolean    pz_db_notify          (PzDb           *db,
                                   const char     *channel,
                                   const char     *payload,
                                   GError        **error);
/* @n of them at once, in their order, in one round trip */
gboolean    pz_db_notify_all      (PzDb           *db,
                                   const char     *channel,
                                   const char * const *payloads,
                                   guint           n,
                                   GError        **error);
/* (transfer full): the payload of the next notification another
 * connection sent, without waiting; %NULL if none has arrived, or (with
 * @error set) if the connection is lost */
char       *pz_db_next_notification (PzDb         *db,
                                     GError      **error);

G_END_DECLS
