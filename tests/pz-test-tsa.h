/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A timestamp authority for the tests: a test CA, a TSA certificate
 * (extendedKeyUsage critical timeStamping) and `openssl ts -reply` behind
 * a small HTTP server on a thread of its own.  It can also answer badly. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  PZ_TEST_TSA_GOOD,      /* a granted timestamp */
  PZ_TEST_TSA_GARBAGE,   /* bytes that are no timestamp reply */
  PZ_TEST_TSA_REJECT,    /* status rejection */
  PZ_TEST_TSA_SLOW,      /* answers after 3 s */
  PZ_TEST_TSA_REPLAY,    /* the previous good answer again: another imprint and nonce */
  PZ_TEST_TSA_HTTP_500,  /* an HTTP error */
} PzTestTsaMode;

typedef struct _PzTestTsa PzTestTsa;

PzTestTsa  *pz_test_tsa_start     (const char     *dir);
void        pz_test_tsa_stop      (PzTestTsa      *tsa);
const char *pz_test_tsa_url       (PzTestTsa      *tsa);
const char *pz_test_tsa_ca_file   (PzTestTsa      *tsa);
void        pz_test_tsa_set_mode  (PzTestTsa      *tsa,
                                   PzTestTsaMode   mode);
guint       pz_test_tsa_requests  (PzTestTsa      *tsa);
char       *pz_test_closed_url    (void);

G_END_DECLS
