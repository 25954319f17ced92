/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PZ_OID_SIGNATURE_TIMESTAMP "1.2.840.113549.1.9.16.2.14"
#define PZ_OID_TST_INFO            "1.2.840.113549.1.9.16.1.4"
#define PZ_OID_SHA256              "2.16.840.1.101.3.4.2.1"

/* What a timestamp token says, once its own signature is checked. */
typedef struct
{
  gint64    gen_time;        /* Unix time */
  guint8    imprint[32];     /* the SHA-256 the authority stamped */
  GBytes   *nonce;           /* (nullable): the nonce's integer content */
  char     *authority;       /* the subject of the authority's certificate */
  gboolean  signature_valid; /* the token verifies against that certificate */
} PzTimestampInfo;

void      pz_timestamp_info_clear     (PzTimestampInfo *info);
GBytes   *pz_timestamp_request        (const char      *url,
                                       guint            timeout_seconds,
                                       const guint8     hash[32],
                                       GError         **error);
gboolean  pz_timestamp_read_token     (GBytes          *token,
                                       PzTimestampInfo *info,
                                       GError         **error);
gboolean  pz_cms_signature_value      (GBytes          *cms,
                                       GBytes         **value);
GBytes   *pz_cms_timestamp_token      (GBytes          *cms);
gboolean  pz_timestamp_check_trust    (GBytes          *token,
                                       const char      *ca_file,
                                       GError         **error);
GBytes   *pz_cms_add_timestamp        (GBytes          *cms,
                                       const char      *url,
                                       guint            timeout_seconds,
                                       GError         **error);

G_END_DECLS
