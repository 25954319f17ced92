/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The PostgreSQL driver's helpers that its tests reach. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* SQLite's `?` and `?N` as PostgreSQL's `$N`; @n_params: the largest N */
char *pz_db_postgresql_rewrite  (const char *sql,
                                 int        *n_params);
/* @uri without its password, for a message */
char *pz_db_postgresql_safe_uri (const char *uri);

G_END_DECLS
