/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A throwaway PostgreSQL cluster: initdb in a new folder, a server that
 * listens on a Unix socket in that folder only, one database.  It is
 * stopped and its folder removed when the process ends, however it ends. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The role whose login needs a password, for tests of a wrong one; the
 * others log in without one. */
#define PZ_TEST_PG_PASSWORD_ROLE "pz_password"

typedef struct _PzTestPg PzTestPg;

/* @parent: the folder to make the cluster's in, %NULL for the temporary
 * folder; @durable: fsync as in production, else no syncs at all */
PzTestPg   *pz_test_pg_new      (const char  *parent,
                                 gboolean     durable,
                                 GError     **error);
/* the same, with @settings_more (lines of postgresql.conf) added to the
 * configuration */
PzTestPg   *pz_test_pg_new_with (const char  *parent,
                                 gboolean     durable,
                                 const char  *settings_more,
                                 GError     **error);
/* postgresql://… of the cluster's database, as its superuser */
const char *pz_test_pg_uri      (PzTestPg    *pg);
/* the same database as @user (with @password unless %NULL), or another */
char       *pz_test_pg_uri_for  (PzTestPg    *pg,
                                 const char  *user,
                                 const char  *password,
                                 const char  *dbname);
const char *pz_test_pg_dir      (PzTestPg    *pg);
void        pz_test_pg_free     (PzTestPg    *pg);

/* For a test program: one cluster, started once; fails the test if it
 * cannot start. */
const char *pz_test_pg_start    (void);
PzTestPg   *pz_test_pg_get      (void);
void        pz_test_pg_stop     (void);

G_END_DECLS
