/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The PostgreSQL driver of pz-db: not in this build yet. */
#define G_LOG_DOMAIN "pz-db"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pz-db-private.h"

PzDb *
pz_db_postgresql_open (const char   *uri,
                       PzDbOpenFlags flags,
                       GError      **error)
{
  g_set_error_literal (error, PZ_DB_ERROR, PZ_DB_ERROR_CANTOPEN,
                       _("This build has no PostgreSQL driver"));
  return NULL;
}
