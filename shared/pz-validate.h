/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

gboolean  pz_valid_nik        (const char *nik);
gboolean  pz_valid_nip        (const char *nip);
gboolean  pz_valid_phone      (const char *phone);
gboolean  pz_valid_email      (const char *email);
gboolean  pz_parse_date       (const char *text,
                               GDate      *date);
gboolean  pz_valid_text       (const char *text,
                               gsize       max_chars);

void      pz_detail_add       (GPtrArray  *details,
                               const char *field,
                               const char *format,
                               ...) G_GNUC_PRINTF (3, 4);
GPtrArray *pz_details_new     (void);
JsonNode  *pz_details_to_json (GPtrArray  *details);

char     *pz_fingerprint_sha256 (const guint8 *data,
                                 gsize         length);

char       *pz_log_escape          (const char *text,
                                    gsize       max_chars);

G_END_DECLS
