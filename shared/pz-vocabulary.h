/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The office's words, by their stable codes, with what a person reads. */

extern const char * const pz_request_types[];  /* "new", "renewal", "change" */
extern const char * const pz_holiday_kinds[];  /* "national", "cuti_bersama", "regional" */

const char *pz_request_type_title (const char *code);
const char *pz_holiday_kind_title (const char *kind);
const char *pz_output_kind_title  (const char *kind);

G_END_DECLS
