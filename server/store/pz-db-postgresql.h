/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The PostgreSQL driver's helpers that its tests reach, and those its
 * rooms share. */
#pragma once

#include <glib.h>
#include <libpq-fe.h>

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

G_END_DECLS
