/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A stand-in for a BSrE Esign Client Service, for the tests only: POST
 * /api/sign/pdf (basic auth; multipart file, nik, passphrase, tampilan)
 * answers the PDF signed under a test CA, or a refusal as BSrE words it. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  PZ_TEST_ESIGN_GOOD,
  PZ_TEST_ESIGN_GARBAGE,     /* 200 with bytes that are no PDF */
  PZ_TEST_ESIGN_OTHER_PDF,   /* 200 with another document, signed */
  PZ_TEST_ESIGN_HTTP_500,
  PZ_TEST_ESIGN_SLOW,        /* answers after 3 s */
} PzTestEsignMode;

#define PZ_TEST_ESIGN_CLIENT     "perizinan"
#define PZ_TEST_ESIGN_SECRET     "rahasia-klien"
#define PZ_TEST_ESIGN_NIK        "3201010101700001"
#define PZ_TEST_ESIGN_PASSPHRASE "Kadis#2026"

typedef struct _PzTestEsign PzTestEsign;

PzTestEsign *pz_test_esign_start    (const char      *dir);
void         pz_test_esign_stop     (PzTestEsign     *esign);
const char  *pz_test_esign_url      (PzTestEsign     *esign);
void         pz_test_esign_set_mode (PzTestEsign     *esign,
                                     PzTestEsignMode  mode);
char        *pz_test_esign_last_request (PzTestEsign *esign);

G_END_DECLS
