/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The public tracking code of a file: 80 random bits in Crockford's base32
 * (no I, L, O or U), four groups of four, e.g. "7KQ2-M9XD-4HRT-ZP3W". */
#define PZ_TRACKING_CODE_LENGTH 19

char *pz_tracking_code_new       (void);
char *pz_tracking_code_normalize (const char *input);

G_END_DECLS
