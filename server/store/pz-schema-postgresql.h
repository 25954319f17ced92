/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The store's migrations for PostgreSQL: migration @version (1-based) is
 * the counterpart of the SQLite migration of the same number. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

int         pz_schema_postgresql_count     (void);
const char *pz_schema_postgresql_migration (int version);

G_END_DECLS
