/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Kadis' morning batch: N permits signed one after another, as the
 * server signs them (each its own opening of the key with the passphrase,
 * its signature, its timestamp, its validation data), by each backend: a
 * PKCS#12 file, a PKCS#11 token (SoftHSM2, made fresh), and the remote
 * service (the stand-in of BSrE's Esign Client Service of the tests);
 * without and with a timestamp authority (the local TSA of the tests).
 *
 *   perizinan-bench-sign [--count N]
 *
 * Prints, per backend, the permits signed per minute and the Kadis' wait
 * per permit (median and 99th percentile, in milliseconds). */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>

#include "pz-demo.h"
#include "pz-sign.h"
#include "pz-test-esign.h"
#include "pz-test-server.h"
#include "pz-test-tsa.h"

static const char *softhsm_modules[] = {
  "/usr/lib/softhsm/libsofthsm2.so",
  "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
  "/usr/lib64/pkcs11/libsofthsm2.so",
  NULL,
};

typedef enum {
  BACKEND_PKCS12,
  BACKEND_PKCS11,
  BACKEND_REMOTE,
} Backend;

typedef struct
{
  char        *p12;
  const char  *module;
  PzTestEsign *esign;
  PzTestTsa   *tsa;
} Setup;

static int
compare_times (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static PzSigner *
open_signer (const Setup *setup,
             Backend      backend,
             GError     **error)
{
  switch (backend)
    {
    case BACKEND_PKCS12:
      return pz_signer_open (setup->p12, NULL, "rahasia", error);
    case BACKEND_PKCS11:
      return pz_signer_open ("pkcs11:token=Kadis;object=tte", setup->module, "123456", error);
    case BACKEND_REMOTE:
    default:
      return pz_signer_open_remote (pz_test_esign_url (setup->esign), PZ_TEST_ESIGN_CLIENT, PZ_TEST_ESIGN_SECRET,
                                    PZ_TEST_ESIGN_NIK, PZ_TEST_ESIGN_PASSPHRASE, 30, error);
    }
}

static void
batch (const Setup *setup,
       Backend      backend,
       gboolean     with_tsa,
       const char  *label,
       GBytes      *pdf,
       int          count)
{
  g_autofree gint64 *waits = g_new0 (gint64, count);
  gint64 start = g_get_monotonic_time (), total;

  for (int i = 0; i < count; i++)
    {
      g_autoptr(GDateTime) when = g_date_time_new_now_utc ();
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) out = NULL;
      g_autoptr(PzSigner) signer = NULL;
      gint64 one = g_get_monotonic_time ();
      char *lines[] = { "Ditandatangani secara elektronik oleh", "Kepala Dinas (Kepala Dinas)", "pada hari ini",
                        NULL };
      PzSignAppearance where = { 1, 300, 120, 240, 48, lines, "Sertifikat elektronik: " };

      if ((signer = open_signer (setup, backend, &error)))
        {
          if (with_tsa)
            pz_signer_set_timestamp_authority (signer, pz_test_tsa_url (setup->tsa), 10);
          out = pz_signer_sign_pdf_visible (signer, pdf, "Kepala Dinas", "Izin 1/2026", "Sukamaju", when, &where,
                                            &error);
        }
      if (out == NULL)
        {
          g_printerr ("%s: %s\n", label, error->message);
          exit (1);
        }
      waits[i] = g_get_monotonic_time () - one;
    }
  total = g_get_monotonic_time () - start;
  qsort (waits, (size_t) count, sizeof *waits, compare_times);
  g_print ("%-28s %3d permits in %6.2f s: %7.1f permits/min; wait per permit p50 %7.1f ms, p99 %7.1f ms\n",
           label, count, total / 1e6, count * 60e6 / total, waits[count / 2] / 1000.0,
           waits[MIN (count - 1, (int) (count * 0.99))] / 1000.0);
}

/* A fresh SoftHSM2 token "Kadis" (PIN 123456) with a key and its
 * certificate "tte"; NULL without SoftHSM2 and its tools. */
static const char *
make_token (const char *dir)
{
  g_autofree char *tokens = g_build_filename (dir, "tokens", NULL);
  g_autofree char *conf = g_build_filename (dir, "softhsm2.conf", NULL);
  g_autofree char *conf_text = g_strdup_printf ("directories.tokendir = %s\nobjectstore.backend = file\n"
                                                "log.level = ERROR\n", tokens);
  const char *module = NULL;
  g_autofree char *provider = NULL;
  g_autofree char *util = g_find_program_in_path ("softhsm2-util");
  g_autofree char *p11tool = g_find_program_in_path ("p11tool");

  for (guint i = 0; softhsm_modules[i] && !module; i++)
    if (g_file_test (softhsm_modules[i], G_FILE_TEST_EXISTS))
      module = softhsm_modules[i];
  if (module == NULL || util == NULL || p11tool == NULL)
    return NULL;
  provider = g_strdup_printf ("--provider=%s", module);
  {
    const char *init[] = { "softhsm2-util", "--init-token", "--free", "--label", "Kadis", "--pin", "123456",
                           "--so-pin", "12345678", NULL };
    const char *req[] = { "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem",
                          "-out", "cert.pem", "-days", "30", "-subj", "/CN=Kepala Dinas/O=DPMPTSP/C=ID", NULL };
    const char *key[] = { "p11tool", provider, "--login", "--write", "--label", "tte", "--load-privkey", "key.pem",
                          "pkcs11:token=Kadis", NULL };
    const char *cert[] = { "p11tool", provider, "--login", "--write", "--label", "tte", "--load-certificate",
                           "cert.pem", "pkcs11:token=Kadis", NULL };

    if (g_mkdir_with_parents (tokens, 0700) != 0 || !g_file_set_contents (conf, conf_text, -1, NULL))
      return NULL;
    g_setenv ("SOFTHSM2_CONF", conf, TRUE);
    g_setenv ("GNUTLS_PIN", "123456", TRUE);
    if (!pz_test_run_in (dir, init) || !pz_test_run_in (dir, req) || !pz_test_run_in (dir, key) ||
        !pz_test_run_in (dir, cert))
      return NULL;
    g_unsetenv ("GNUTLS_PIN");
  }
  return module;
}

int
main (int    argc,
      char **argv)
{
  int count = 50;
  GOptionEntry entries[] = {
    { "count", 'n', 0, G_OPTION_ARG_INT, &count, "Permits per batch", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("pz-bench-sign-XXXXXX", NULL);
  g_autofree char *tsa_dir = g_build_filename (dir, "tsa", NULL);
  g_autofree char *esign_dir = g_build_filename (dir, "esign", NULL);
  g_autoptr(GBytes) pdf = pz_demo_scan_pdf ("Izin", 1);
  Setup setup = { 0 };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || count < 1)
    {
      g_printerr ("%s\n", error ? error->message : "--count must be at least 1");
      return 2;
    }
  setup.p12 = g_build_filename (dir, "kadis.p12", NULL);
  if (!pz_sign_create_identity (setup.p12, "rahasia", "Kepala Dinas", "DPMPTSP", 30, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (g_mkdir_with_parents (tsa_dir, 0700) != 0 || g_mkdir_with_parents (esign_dir, 0700) != 0 ||
      !(setup.tsa = pz_test_tsa_start (tsa_dir)) || !(setup.esign = pz_test_esign_start (esign_dir)))
    {
      g_printerr ("the local timestamp authority or signing service cannot start (is openssl installed?)\n");
      return 1;
    }
  pz_test_tsa_set_mode (setup.tsa, PZ_TEST_TSA_GOOD);
  setup.module = make_token (dir);

  batch (&setup, BACKEND_PKCS12, FALSE, "PKCS#12, B-LT", pdf, count);
  batch (&setup, BACKEND_PKCS12, TRUE, "PKCS#12, B-LT + TSA", pdf, count);
  if (setup.module)
    {
      batch (&setup, BACKEND_PKCS11, FALSE, "PKCS#11 SoftHSM2, B-LT", pdf, count);
      batch (&setup, BACKEND_PKCS11, TRUE, "PKCS#11 SoftHSM2, B-LT + TSA", pdf, count);
    }
  else
    g_print ("PKCS#11: skipped (SoftHSM2, softhsm2-util or p11tool is not installed)\n");
  /* the service stamps its signatures itself, if at all: the office's
   * authority is not asked */
  batch (&setup, BACKEND_REMOTE, FALSE, "remote stand-in", pdf, count);

  pz_test_esign_stop (setup.esign);
  pz_test_tsa_stop (setup.tsa);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
    if (system (cmd) != 0)
      g_printerr ("cannot remove %s\n", dir);
  }
  g_free (setup.p12);
  return 0;
}
