/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Tables as CSV (RFC 4180): fields quoted when they hold a comma, a quote
 * or a line break, rows ended by CRLF, UTF-8 with a byte-order mark so
 * spreadsheet programs read the Indonesian names right. */

void       pz_csv_append_row (GString             *out,
                              const char * const  *fields);
GPtrArray *pz_csv_parse      (const char          *text,
                              gsize                length,
                              GError             **error);

G_END_DECLS
