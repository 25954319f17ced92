/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The signing backends on their own: a PKCS#12 file and a PKCS#11 token
 * (SoftHSM2, made fresh here) each sign a permit that pdfsig validates. */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "pz-demo.h"
#include "pz-sign.h"

static char *workdir;

static const char *softhsm_modules[] = {
  "/usr/lib/softhsm/libsofthsm2.so",
  "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
  "/usr/lib64/pkcs11/libsofthsm2.so",
  "/usr/lib/x86_64-linux-gnu/pkcs11/libsofthsm2.so",
  NULL,
};

static gboolean
run (const char * const *argv,
     char              **out)
{
  g_autofree char *err = NULL;
  g_autofree char *ignored = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  /* the output is always taken: a tool's chatter is no TAP line */
  if (!g_spawn_sync (workdir, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, out ? out : &ignored, &err,
                     &status, &error))
    {
      g_test_message ("%s: %s", argv[0], error->message);
      return FALSE;
    }
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_test_message ("%s failed: %s", argv[0], err);
      return FALSE;
    }
  return TRUE;
}

static char *
pdfsig (GBytes *pdf)
{
  g_autofree char *path = g_build_filename (workdir, "signed.pdf", NULL);
  const char *argv[] = { "pdfsig", path, NULL };
  char *out = NULL;

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (pdf, NULL), (gssize) g_bytes_get_size (pdf), NULL));
  run (argv, &out);
  return out ? out : g_strdup ("");
}

static GBytes *
sign_with (PzSigner  *signer,
           GBytes    *pdf,
           GError   **error)
{
  g_autoptr(GDateTime) when = g_date_time_new_now_utc ();

  return pz_signer_sign_pdf (signer, pdf, "Kepala Dinas", "Izin 1/2026", "Sukamaju", when, error);
}

static void
test_pkcs12 (void)
{
  g_autofree char *path = g_build_filename (workdir, "kadis.p12", NULL);
  g_autoptr(PzSigner) signer = NULL;
  g_autoptr(PzSigner) wrong = NULL;
  g_autoptr(GBytes) pdf = pz_demo_scan_pdf ("Izin", 1);
  g_autoptr(GBytes) signed_pdf = NULL;
  g_autoptr(GPtrArray) chain = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *report = NULL;

  g_assert_true (pz_sign_create_identity (path, "rahasia", "Ir. Sri Mulyani", "DPMPTSP Sukamaju", 30, NULL));
  wrong = pz_signer_open (path, NULL, "salah", &error);
  g_assert_null (wrong);
  g_assert_error (error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_PASSPHRASE);
  g_assert_null (strstr (error->message, "salah"));
  g_clear_error (&error);

  signer = pz_signer_open (path, NULL, "rahasia", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pz_signer_get_backend (signer), ==, "pkcs12");
  subject = pz_signer_get_subject (signer);
  g_assert_nonnull (strstr (subject, "Sri Mulyani"));
  chain = pz_signer_get_chain (signer);
  g_assert_cmpuint (chain->len, ==, 1);
  signed_pdf = sign_with (signer, pdf, &error);
  g_assert_no_error (error);
  report = pdfsig (signed_pdf);
  g_assert_nonnull (strstr (report, "Signature is Valid"));
}

static const char *
find_softhsm (void)
{
  const char *env = g_getenv ("PERIZINAN_SOFTHSM_MODULE");

  if (env && g_file_test (env, G_FILE_TEST_EXISTS))
    return env;
  for (guint i = 0; softhsm_modules[i]; i++)
    if (g_file_test (softhsm_modules[i], G_FILE_TEST_EXISTS))
      return softhsm_modules[i];
  return NULL;
}

/* A fresh SoftHSM2 token "Kadis" (PIN 123456) holding a key and its
 * certificate, both labelled "tte". */
static gboolean
make_token (const char *module)
{
  g_autofree char *tokens = g_build_filename (workdir, "tokens", NULL);
  g_autofree char *conf = g_build_filename (workdir, "softhsm2.conf", NULL);
  g_autofree char *conf_text = g_strdup_printf ("directories.tokendir = %s\nobjectstore.backend = file\n"
                                                "log.level = ERROR\n", tokens);
  g_autofree char *provider = g_strdup_printf ("--provider=%s", module);
  const char *init[] = { "softhsm2-util", "--init-token", "--free", "--label", "Kadis", "--pin", "123456",
                         "--so-pin", "12345678", NULL };
  const char *req[] = { "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem",
                        "-out", "cert.pem", "-days", "30", "-subj", "/CN=Ir. Sri Mulyani/O=DPMPTSP Sukamaju/C=ID",
                        NULL };
  const char *key[] = { "p11tool", provider, "--login", "--write", "--label", "tte", "--load-privkey", "key.pem",
                        "pkcs11:token=Kadis", NULL };
  const char *cert[] = { "p11tool", provider, "--login", "--write", "--label", "tte", "--load-certificate",
                         "cert.pem", "pkcs11:token=Kadis", NULL };

  g_assert_cmpint (g_mkdir_with_parents (tokens, 0700), ==, 0);
  g_assert_true (g_file_set_contents (conf, conf_text, -1, NULL));
  g_setenv ("SOFTHSM2_CONF", conf, TRUE);
  g_setenv ("GNUTLS_PIN", "123456", TRUE);
  return run (init, NULL) && run (req, NULL) && run (key, NULL) && run (cert, NULL);
}

static void
test_pkcs11 (void)
{
  const char *module = find_softhsm ();
  const char *tools[] = { "softhsm2-util", "p11tool", "openssl", NULL };
  const char *uri = "pkcs11:token=Kadis;object=tte";
  g_autoptr(PzSigner) signer = NULL;
  g_autoptr(PzSigner) wrong = NULL;
  g_autoptr(GBytes) pdf = pz_demo_scan_pdf ("Izin", 1);
  g_autoptr(GBytes) signed_pdf = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *report = NULL;

  for (guint i = 0; tools[i]; i++)
    {
      g_autofree char *found = g_find_program_in_path (tools[i]);

      if (found == NULL)
        {
          g_test_skip_printf ("%s is not installed (tools/install-deps.sh installs it)", tools[i]);
          return;
        }
    }
  if (module == NULL)
    {
      g_test_skip ("SoftHSM2's PKCS#11 module is not installed (tools/install-deps.sh installs softhsm2)");
      return;
    }
  g_assert_true (make_token (module));
  g_unsetenv ("GNUTLS_PIN");

  /* a wrong PIN: a clear refusal, nothing signed, the PIN in no message */
  wrong = pz_signer_open (uri, module, "654321", &error);
  g_assert_null (wrong);
  g_assert_error (error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_PASSPHRASE);
  g_assert_null (strstr (error->message, "654321"));
  g_clear_error (&error);

  /* a key that is not there */
  wrong = pz_signer_open ("pkcs11:token=Kadis;object=lain", module, "123456", &error);
  g_assert_null (wrong);
  g_assert_error (error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_TOKEN);
  g_clear_error (&error);

  signer = pz_signer_open (uri, module, "123456", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pz_signer_get_backend (signer), ==, "pkcs11");
  subject = pz_signer_get_subject (signer);
  g_assert_nonnull (strstr (subject, "Sri Mulyani"));
  signed_pdf = sign_with (signer, pdf, &error);
  g_assert_no_error (error);
  report = pdfsig (signed_pdf);
  g_assert_nonnull (strstr (report, "Signature is Valid"));
  g_assert_nonnull (strstr (report, "Total document signed"));
}

int
main (int    argc,
      char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  workdir = g_dir_make_tmp ("pz-signers-XXXXXX", NULL);
  g_test_add_func ("/signers/pkcs12", test_pkcs12);
  g_test_add_func ("/signers/pkcs11", test_pkcs11);
  rc = g_test_run ();
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", workdir);
    if (system (cmd) != 0)
      g_printerr ("cannot remove %s\n", workdir);
  }
  g_free (workdir);
  return rc;
}
