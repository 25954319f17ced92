/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The people of the procedure (DOMAIN.md), by their stable ids. */
extern const char * const pz_roles[];

gboolean     pz_role_is_known (const char *role);
const char  *pz_role_title    (const char *role);

G_END_DECLS
