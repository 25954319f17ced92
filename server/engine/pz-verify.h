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
  char             *signer_name;      /* its common name, or else the subject */
  char             *issuer;           /* its issuer: the certificate authority */
  char             *issuer_name;      /* the issuer's common name, or else the issuer */
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

/* How a report marks a line: a fact, one that holds, one that does not. */
typedef enum {
  PZ_VERIFY_MARK_NONE,
  PZ_VERIFY_MARK_OK,
  PZ_VERIFY_MARK_BAD,
} PzVerifyMark;

/* One line of what a signature says, for a person to read. */
typedef struct
{
  const char   *label;   /* translated, without a colon */
  char         *value;   /* translated */
  PzVerifyMark  mark;
} PzVerifyLine;

/* The words of a report: its language, and how it writes a time (the
 * command in UTC, the office's page in the office's zone). */
typedef struct
{
  const char *(*translate)   (const char *msgid,
                              gpointer    data);
  char       *(*format_time) (gint64      unix_time,
                              gpointer    data);
  gpointer      data;
} PzVerifyWords;

typedef enum {
  PZ_LONG_TERM_NONE,           /* no validation data after the signature */
  PZ_LONG_TERM_NO_REVOCATION,  /* the chain alone: no CRL, no OCSP response */
  PZ_LONG_TERM_NOT_REVOKED,    /* the chain and revocation data; none revoked */
  PZ_LONG_TERM_REVOKED,        /* the revocation data says a certificate is revoked */
} PzLongTerm;

GQuark      pz_verify_error_quark    (void);
GPtrArray  *pz_verify_pdf            (GBytes                 *pdf,
                                      GError                **error);
gboolean    pz_signature_check_ok    (const PzSignatureCheck *check);
gboolean    pz_signature_check_holds (const PzSignatureCheck *check,
                                      gboolean                last);
PzLongTerm  pz_signature_check_long_term (const PzSignatureCheck *check);
const char *pz_long_term_to_string   (PzLongTerm              long_term);
GPtrArray  *pz_signature_report      (const PzSignatureCheck *check,
                                      gboolean                last,
                                      const PzVerifyWords    *words);
void        pz_verify_line_free      (PzVerifyLine           *line);
void        pz_signature_check_free  (PzSignatureCheck       *check);

G_END_DECLS
