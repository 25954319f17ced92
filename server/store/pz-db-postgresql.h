/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The PostgreSQL driver's helpers that its tests reach, and those its
 * rooms share. */
#pragma once

#include <glib.h>
#include <libpq-fe.h>

#include "pz-db-private.h"

G_BEGIN_DECLS

/* SQLite's `?` and `?N` as PostgreSQL's `$N`; @n_params: the largest N */
char *pz_db_postgresql_rewrite  (const char *sql,
                                 int        *n_params);
/* @uri without its password, for a message */
char *pz_db_postgresql_safe_uri (const char *uri);
/* (transfer full) (nullable): the password @uri gives */
char *pz_db_postgresql_password_of (const char *uri);
/* whether @sql begins with the keyword @word, in any case */
gboolean pz_db_postgresql_starts_with_word (const char *sql,
                                            const char *word);

/* pz-db-postgresql-pipeline.c: before each exchange with the server that
 * waits for its answer */
void      pz_db_postgresql_round_trip (void);
/* In a pipeline: the next query's result, read to its end; %NULL once the
 * connection fails */
PGresult *pz_db_postgresql_next_result (PGconn *conn);
/* The prepared statement @name after the statements of @later (without
 * parameters or rows), in one pipeline: one round trip.  The result is
 * the statement's, or that of the first of @later that failed (and then
 * the statement did not run). */
PGresult *pz_db_postgresql_run_after  (PGconn             *conn,
                                       GPtrArray          *later,
                                       const char         *name,
                                       int                 n_params,
                                       const char * const *values,
                                       const int          *lengths,
                                       const int          *formats);

/* A connection, shared by the driver's rooms: pz-db-postgresql.c holds
 * the connection, pz-db-postgresql-stmt.c the statements. */
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

typedef enum {
  PZ_DB_PG_READY,       /* the connection is there: run the statement */
  PZ_DB_PG_ROLLED_BACK, /* made again for a ROLLBACK: the server ended the transaction itself */
  PZ_DB_PG_LOST,        /* the error is set */
} PzDbPgUsable;

/* pz-db-postgresql.c: before a statement, the connection made again if it
 * was lost (not inside a transaction, but for its ROLLBACK) */
PzDbPgUsable pz_db_postgresql_usable            (PzDbPg         *pg,
                                                 const char     *sql,
                                                 GError        **error);
/* whether @sql may run again after the connection was lost under it */
gboolean     pz_db_postgresql_may_retry         (PzDbPg         *pg,
                                                 const char     *sql);
/* sends what waits to go, before an exchange that cannot take it along */
gboolean     pz_db_postgresql_send_later        (PzDbPg         *pg,
                                                 GError        **error);
/* after a statement: the transaction as the connection tells it */
void         pz_db_postgresql_note_transaction  (PzDbPg         *pg);
/* after a statement: the rows it changed */
void         pz_db_postgresql_note_changes      (PzDbPg         *pg,
                                                 const PGresult *result);
/* @result's error (or the connection's), without the password */
void         pz_db_postgresql_set_error         (PzDbPg         *pg,
                                                 const PGresult *result,
                                                 GError        **error);
/* pz-db-postgresql-stmt.c: the statements' part of the driver */
void         pz_db_postgresql_fill_statements   (PzDbDriver     *driver);

G_END_DECLS
