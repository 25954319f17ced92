/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A certificate authority for the tests that publishes its CRL: a test
 * root, a signer's certificate under it whose CRL distribution point is a
 * small HTTP server (libsoup, on a thread of its own), and the CRL that
 * server answers with, made and signed with GnuTLS; the certificate's OCSP
 * responder is the same server, answering with `openssl ocsp`. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  PZ_TEST_CA_GOOD,      /* the CA's CRL, its OCSP responses */
  PZ_TEST_CA_GARBAGE,   /* bytes that are no CRL, no OCSP response */
  PZ_TEST_CA_FORGED,    /* a CRL of the same name signed by another key; no OCSP response */
  PZ_TEST_CA_REVOKED,   /* the signer's certificate revoked, in the CRL and by OCSP */
} PzTestCaMode;

typedef struct _PzTestCa PzTestCa;

#define PZ_TEST_CA_PASSPHRASE "berlaku-lama"

PzTestCa   *pz_test_ca_start     (const char   *dir);
void        pz_test_ca_stop      (PzTestCa     *ca);
void        pz_test_ca_close     (PzTestCa     *ca);
const char *pz_test_ca_p12       (PzTestCa     *ca);
const char *pz_test_ca_crl_url   (PzTestCa     *ca);
void        pz_test_ca_set_mode  (PzTestCa     *ca,
                                  PzTestCaMode  mode);
guint       pz_test_ca_requests  (PzTestCa     *ca);   /* CRL and OCSP */

G_END_DECLS
