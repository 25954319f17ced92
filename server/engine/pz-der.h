/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Just enough DER to read and write the few structures of a signature
 * timestamp (RFC 3161) and of a CMS signer: single-byte tags, definite
 * lengths, every length bounded by what holds it. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  const guint8 *data;
  gsize         len;
} PzDer;

#define PZ_DER_INTEGER     0x02
#define PZ_DER_BIT_STRING  0x03
#define PZ_DER_OCTET_STRING 0x04
#define PZ_DER_NULL        0x05
#define PZ_DER_OID         0x06
#define PZ_DER_UTF8_STRING 0x0c
#define PZ_DER_UTC_TIME    0x17
#define PZ_DER_GENERALIZED_TIME 0x18
#define PZ_DER_SEQUENCE    0x30
#define PZ_DER_SET         0x31
#define PZ_DER_CONTEXT(n)  (0xa0 | (n))   /* [n], constructed */
#define PZ_DER_BOOLEAN     0x01

gboolean  pz_der_next        (PzDer         *cursor,
                              guint8        *tag,
                              PzDer         *content,
                              PzDer         *whole);
gboolean  pz_der_expect      (PzDer         *cursor,
                              guint8         tag,
                              PzDer         *content,
                              PzDer         *whole);
gboolean  pz_der_is_oid      (const PzDer   *content,
                              const char    *dotted);
void      pz_der_append      (GByteArray    *out,
                              guint8         tag,
                              const guint8  *content,
                              gsize          len);
void      pz_der_append_oid  (GByteArray    *out,
                              const char    *dotted);
gint64    pz_der_parse_time  (const PzDer   *content,
                              guint8         tag);

G_END_DECLS
