/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PZ_VERIFY_ERROR (pz_verify_error_quark ())

typedef enum {
  PZ_VERIFY_ERROR_NOT_PDF,
  PZ_VERIFY_ERROR_TOO_MANY,
} PzVerifyError;

/* No permit holds more: each incremental signature adds one, and checking
 * one costs a hash of the file */
#define PZ_VERIFY_MAX_SIGNATURES 16

typedef enum {
  PZ_SIGNED_AT_UNKNOWN,
  PZ_SIGNED_AT_TIMESTAMP,     /* the genTime of a timestamp token over the signature */
  PZ_SIGNED_AT_SIGNING_TIME,  /* the signer's own signing-time attribute */
} PzSignedAtSource;

/* What one signature of a PDF says, and what of it checks. */
typedef struct
{
  char             *subject;          /* the signer's certificate's subject ("" if none) */
  char             *issuer;           /* its issuer: the certificate authority */
  gint64            not_before, not_after;
  gint64            signed_at;        /* Unix time; 0 if unknown */
  PzSignedAtSource  signed_at_source;
  char             *timestamp_authority; /* (nullable): the TSA's subject */
  gboolean          timestamp_valid;  /* a token over this signature that verifies */
  gboolean          digest_matches;   /* the byte range's SHA-256 is the messageDigest */
  gboolean          signature_valid;  /* the signature verifies against the certificate */
  gboolean          certificate_valid_then; /* signed_at is in the certificate's validity */
  gboolean          whole_file;       /* the byte range ends where the file does, or only
                                       * the signature's validation data follows */
  gboolean          validation_data;  /* a DSS update with the signature's validation data follows */
  guint             dss_certs, dss_crls, dss_ocsps; /* what it holds */
  char             *revoked;          /* (nullable): a certificate the revocation data says is revoked */
} PzSignatureCheck;

GQuark      pz_verify_error_quark    (void);
GPtrArray  *pz_verify_pdf            (GBytes                 *pdf,
                                      GError                **error);
gboolean    pz_signature_check_ok    (const PzSignatureCheck *check);
void        pz_signature_check_free  (PzSignatureCheck       *check);

G_END_DECLS
