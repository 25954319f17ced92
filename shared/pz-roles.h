/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The people of the procedure (DOMAIN.md), by their stable ids. */
extern const char * const pz_roles[];

/* The staff who work on files, and who may read the office's report. */
extern const char * const pz_office_roles[];
extern const char * const pz_report_readers[];

/* An official's password has at least this many characters. */
#define PZ_MIN_PASSWORD_LENGTH 10

gboolean     pz_role_is_known (const char *role);
const char  *pz_role_title    (const char *role);
gboolean     pz_roles_any     (const char * const *held,
                               const char * const *wanted);

G_END_DECLS
