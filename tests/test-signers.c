/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The signing backends on their own: a PKCS#12 file and a PKCS#11 token
 * (SoftHSM2, made fresh here) each sign a permit that pdfsig validates. */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "pz-demo.h"
#include "pz-sign.h"
#include "pz-test-esign.h"
#include "pz-test-signing.h"
#include "pz-timestamp.h"
#include "pz-verify.h"
#include "pz-test-tsa.h"

static const char *softhsm_modules[] = {
  "/usr/lib/softhsm/libsofthsm2.so",
  "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
  "/usr/lib64/pkcs11/libsofthsm2.so",
  "/usr/lib/x86_64-linux-gnu/pkcs11/libsofthsm2.so",
  NULL,
};

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
  /* all but the validation data that follows */
  g_assert_cmpuint (dss_count (signed_pdf, "Certs"), ==, 1);
}

/* The CMS signature in the signed PDF's last /Contents, as DER. */
static GBytes *
embedded_cms (GBytes *pdf)
{
  gsize len;
  const char *data = g_bytes_get_data (pdf, &len);
  const char *at = NULL;
  GByteArray *der = g_byte_array_new ();
  gsize total;

  /* the file holds binary streams: search bytes, not a string */
  for (const char *p = data; (p = memmem (p, len - (gsize) (p - data), "/Contents <", 11)); p++)
    at = p;
  g_assert_nonnull (at);
  at += strlen ("/Contents <");
  for (; *at != '>'; at += 2)
    {
      guint8 b = (guint8) (g_ascii_xdigit_value (at[0]) << 4 | g_ascii_xdigit_value (at[1]));
      g_byte_array_append (der, &b, 1);
    }
  /* the room kept is padded with zeros: keep the one DER element */
  g_assert_cmpuint (der->data[0], ==, 0x30);
  g_assert_cmpuint (der->data[1], ==, 0x82);
  total = 4 + ((gsize) der->data[2] << 8 | der->data[3]);
  g_assert_cmpuint (total, <=, der->len);
  g_byte_array_set_size (der, (guint) total);
  return g_byte_array_free_to_bytes (der);
}

/* "openssl asn1parse" of @der, its lines */
static char **
asn1parse (GBytes     *der,
           const char *name)
{
  g_autofree char *path = g_build_filename (workdir, name, NULL);
  const char *argv[] = { "openssl", "asn1parse", "-inform", "DER", "-in", name, NULL };
  g_autofree char *out = NULL;

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (der, NULL), (gssize) g_bytes_get_size (der), NULL));
  g_assert_true (run (argv, &out));
  return g_strsplit (out, "\n", -1);
}

/* The element that starts at the asn1parse line @line. */
static GBytes *
element_at (GBytes     *der,
            const char *line)
{
  gsize offset = (gsize) g_ascii_strtoull (line, NULL, 10);
  const char *hl = strstr (line, "hl=");
  const char *l = strstr (line, " l=");
  gsize head, len;

  g_assert_nonnull (hl);
  g_assert_nonnull (l);
  head = (gsize) g_ascii_strtoull (hl + 3, NULL, 10);
  len = (gsize) g_ascii_strtoull (l + 3, NULL, 10);
  g_assert_cmpuint (offset + head + len, <=, g_bytes_get_size (der));
  return g_bytes_new_from_bytes (der, offset, head + len);
}

static GBytes *
sign_with_tsa (PzTestTsa    *tsa,
               const char   *url,
               PzTestTsaMode mode,
               guint         timeout,
               GBytes       *pdf,
               gint64       *took,
               GError      **error)
{
  g_autofree char *path = g_build_filename (workdir, "kadis.p12", NULL);
  g_autoptr(PzSigner) signer = pz_signer_open (path, NULL, "rahasia", NULL);
  gint64 start;
  GBytes *out;

  g_assert_nonnull (signer);
  pz_test_tsa_set_mode (tsa, mode);
  pz_signer_set_timestamp_authority (signer, url, timeout);
  start = g_get_monotonic_time ();
  out = sign_with (signer, pdf, error);
  if (took)
    *took = g_get_monotonic_time () - start;
  return out;
}

/* PAdES B-T: a timestamp from the authority over the signature value,
 * that openssl checks against the authority's CA; an authority that is
 * down, slow or wrong signs nothing. */
static void
test_timestamp (void)
{
  g_autofree char *path = g_build_filename (workdir, "kadis.p12", NULL);
  g_autofree char *tsa_dir = g_build_filename (workdir, "tsa", NULL);
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autoptr(GBytes) pdf = pz_demo_scan_pdf ("Izin", 1);
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) signed_pdf = NULL;
  g_autoptr(GBytes) cms = NULL;
  g_autoptr(GBytes) token = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *report = NULL;
  g_autofree char *digest = NULL;
  g_autofree char *closed = pz_test_closed_url ();
  g_autofree char *token_path = g_build_filename (workdir, "token.der", NULL);
  g_autofree char *ca = NULL;
  const char *token_line = NULL;
  const char *sig_hex = NULL;
  PzTestTsa *tsa;

  if (openssl == NULL)
    {
      g_test_skip ("openssl is not installed (tools/install-deps.sh installs it)");
      return;
    }
  g_assert_cmpint (g_mkdir_with_parents (tsa_dir, 0700), ==, 0);
  tsa = pz_test_tsa_start (tsa_dir);
  g_assert_nonnull (tsa);
  ca = g_strdup (pz_test_tsa_ca_file (tsa));
  g_assert_true (pz_sign_create_identity (path, "rahasia", "Ir. Sri Mulyani", "DPMPTSP Sukamaju", 30, NULL));
  before = g_bytes_new (g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf));

  signed_pdf = sign_with_tsa (tsa, pz_test_tsa_url (tsa), PZ_TEST_TSA_GOOD, 5, pdf, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pz_test_tsa_requests (tsa), ==, 1);
  report = pdfsig (signed_pdf);
  g_assert_nonnull (strstr (report, "Signature is Valid"));
  g_assert_nonnull (strstr (report, "ETSI.CAdES.detached"));
  /* the signer's certificate, the authority's and its root */
  g_assert_cmpuint (dss_count (signed_pdf, "Certs"), ==, 3);

  /* the token, and the signature value it stamps, as openssl reads them */
  cms = embedded_cms (signed_pdf);
  lines = asn1parse (cms, "cms.der");
  for (guint i = 0; lines[i]; i++)
    {
      if (strstr (lines[i], "prim: OCTET STRING") && strstr (lines[i], "[HEX DUMP]:") && token_line == NULL)
        sig_hex = strstr (lines[i], "[HEX DUMP]:") + strlen ("[HEX DUMP]:");
      if (strstr (lines[i], ":id-smime-aa-timeStampToken") && lines[i + 1] && lines[i + 2])
        token_line = lines[i + 2];
    }
  {
    g_autofree char *all = g_strjoinv ("\n", lines);
    g_assert_nonnull (strstr (all, ":id-smime-aa-signingCertificateV2"));
  }
  g_assert_nonnull (token_line);
  g_assert_nonnull (strstr (token_line, "cons: SEQUENCE"));
  g_assert_nonnull (sig_hex);
  {
    g_autoptr(GByteArray) sig = g_byte_array_new ();

    for (const char *p = sig_hex; g_ascii_isxdigit (p[0]) && g_ascii_isxdigit (p[1]); p += 2)
      {
        guint8 b = (guint8) (g_ascii_xdigit_value (p[0]) << 4 | g_ascii_xdigit_value (p[1]));
        g_byte_array_append (sig, &b, 1);
      }
    g_assert_cmpuint (sig->len, ==, 256);   /* RSA 2048 */
    digest = g_compute_checksum_for_data (G_CHECKSUM_SHA256, sig->data, sig->len);
  }
  token = element_at (cms, token_line);
  g_assert_true (g_file_set_contents (token_path, g_bytes_get_data (token, NULL), (gssize) g_bytes_get_size (token),
                                      NULL));
  {
    const char *verify[] = { "openssl", "ts", "-verify", "-in", "token.der", "-token_in", "-digest", digest,
                             "-CAfile", ca, NULL };
    g_autofree char *other = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "another", -1);
    const char *wrong[] = { "openssl", "ts", "-verify", "-in", "token.der", "-token_in", "-digest", other,
                            "-CAfile", ca, NULL };
    g_autofree char *out = NULL;

    g_assert_true (run (verify, &out));
    g_assert_nonnull (strstr (out, "Verification: OK"));
    g_assert_false (run (wrong, NULL));
  }

  /* a changed byte is seen */
  {
    gsize len;
    guint8 *bad = g_bytes_unref_to_data (g_bytes_ref (signed_pdf), &len);
    g_autoptr(GBytes) tampered = NULL;
    g_autofree char *tampered_report = NULL;
    char *at = memmem (bad, len, "/Reason (Izin", 13);

    g_assert_nonnull (at);
    at[9] = 'X';
    tampered = g_bytes_new_take (bad, len);
    tampered_report = pdfsig (tampered);
    g_assert_null (strstr (tampered_report, "Signature is Valid"));
  }

  /* down, garbage, a rejection, too slow, an old answer, an HTTP error:
   * each a clear refusal, and the permit as it was */
  {
    static const struct {
      PzTestTsaMode mode;
      gboolean      closed;
      const char   *says;
    } cases[] = {
      { PZ_TEST_TSA_GOOD, TRUE, "cannot be reached" },
      { PZ_TEST_TSA_GARBAGE, FALSE, "did not answer with a timestamp" },
      { PZ_TEST_TSA_REJECT, FALSE, "refused to stamp it (status 2)" },
      { PZ_TEST_TSA_REPLAY, FALSE, "not of this signature" },
      { PZ_TEST_TSA_HTTP_500, FALSE, "HTTP status 500" },
      /* last: the stand-in answers one request at a time */
      { PZ_TEST_TSA_SLOW, FALSE, "cannot be reached" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr(GBytes) none = NULL;
        gint64 took = 0;

        none = sign_with_tsa (tsa, cases[i].closed ? closed : pz_test_tsa_url (tsa), cases[i].mode, 1, pdf, &took,
                              &error);
        g_test_message ("case %u (%.1f s): %s", i, took / 1e6, error ? error->message : "signed");
        g_assert_null (none);
        g_assert_error (error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_TIMESTAMP);
        g_assert_nonnull (strstr (error->message, cases[i].says));
        g_assert_nonnull (strstr (error->message, "Nothing was signed"));
        g_assert_null (strstr (error->message, "rahasia"));
        /* the slow one is given up after the timeout (1 s), before it answers (3 s) */
        g_assert_cmpint (took, <, 2500 * G_TIME_SPAN_MILLISECOND);
        g_clear_error (&error);
        g_assert_true (g_bytes_equal (pdf, before));
      }
  }

  /* the office's trust anchors for authorities: the authority's own root
   * is taken, another root (or a file of none) refuses the timestamp */
  {
    g_autofree char *other_ca = g_build_filename (workdir, "other-tsa-ca.pem", NULL);
    g_autofree char *not_pem = g_build_filename (workdir, "not-a-ca.pem", NULL);
    const char *make_other[] = { "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                                 "other-tsa-ca.key", "-out", "other-tsa-ca.pem", "-days", "30", "-subj",
                                 "/CN=Another Root/O=Elsewhere/C=ID", NULL };
    const char *refusals[] = { other_ca, not_pem };
    g_autoptr(PzSigner) signer = pz_signer_open (path, NULL, "rahasia", NULL);
    g_autoptr(GDateTime) when = g_date_time_new_now_utc ();
    g_autoptr(GBytes) trusted = NULL;
    g_autofree char *trusted_report = NULL;

    g_assert_true (run (make_other, NULL));
    g_assert_true (g_file_set_contents (not_pem, "nothing here\n", -1, NULL));
    pz_test_tsa_set_mode (tsa, PZ_TEST_TSA_GOOD);
    pz_signer_set_timestamp_authority (signer, pz_test_tsa_url (tsa), 5);
    pz_signer_set_timestamp_trust (signer, ca);
    trusted = sign_with (signer, pdf, &error);
    g_assert_no_error (error);
    trusted_report = pdfsig (trusted);
    g_assert_nonnull (strstr (trusted_report, "Signature is Valid"));
    for (guint i = 0; i < G_N_ELEMENTS (refusals); i++)
      {
        g_autoptr(GBytes) none = NULL;
        guint asked = pz_test_tsa_requests (tsa);

        pz_signer_set_timestamp_trust (signer, refusals[i]);
        none = pz_signer_sign_pdf (signer, pdf, "Kepala Dinas", "Izin 1/2026", "Sukamaju", when, &error);
        g_test_message ("untrusted authority %u: %s", i, error ? error->message : "signed");
        g_assert_null (none);
        g_assert_error (error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_TIMESTAMP);
        g_assert_nonnull (strstr (error->message, "tsa_ca"));
        g_assert_nonnull (strstr (error->message, refusals[i]));
        g_assert_nonnull (strstr (error->message, "Nothing was signed"));
        g_assert_cmpuint (pz_test_tsa_requests (tsa), ==, asked + 1);
        g_clear_error (&error);
        g_assert_true (g_bytes_equal (pdf, before));
      }
  }
  pz_test_tsa_stop (tsa);
}

static void
test_verify_command (void)
{
  g_autofree char *path = g_build_filename (workdir, "kadis.p12", NULL);
  g_autofree char *tsa_dir = g_build_filename (workdir, "tsa-verify", NULL);
  g_autoptr(GBytes) pdf = pz_demo_scan_pdf ("Izin", 1);
  g_autoptr(GBytes) stamped = NULL;
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PzSigner) signer = NULL;
  g_autofree char *out = NULL;
  PzTestTsa *tsa;

  g_assert_cmpint (g_mkdir_with_parents (tsa_dir, 0700), ==, 0);
  tsa = pz_test_tsa_start (tsa_dir);
  g_assert_nonnull (tsa);
  g_assert_true (pz_sign_create_identity (path, "rahasia", "Ir. Sri Mulyani", "DPMPTSP Sukamaju", 30, NULL));
  signer = pz_signer_open (path, NULL, "rahasia", &error);
  g_assert_no_error (error);
  plain = sign_with (signer, pdf, &error);
  g_assert_no_error (error);
  pz_signer_set_timestamp_authority (signer, pz_test_tsa_url (tsa), 5);
  stamped = sign_with (signer, pdf, &error);
  g_assert_no_error (error);
  pz_test_tsa_stop (tsa);

  /* the DER reading is bounded: every cut of the signature, and every
   * flipped byte of it in the file, is read without a fault */
  {
    g_autoptr(GBytes) cms = embedded_cms (stamped);
    g_autoptr(GBytes) whole_token = pz_cms_timestamp_token (cms);
    gsize len = g_bytes_get_size (cms);
    gsize pdf_len;
    const guint8 *pdf_data = g_bytes_get_data (stamped, &pdf_len);
    const guint8 *contents = memmem (pdf_data, pdf_len, "/Contents <3082", 15);

    g_assert_nonnull (whole_token);
    for (gsize cut = 0; cut < len; cut++)
      {
        g_autoptr(GBytes) part = g_bytes_new_from_bytes (cms, 0, cut);
        g_autoptr(GBytes) value = NULL;
        g_autoptr(GBytes) token = pz_cms_timestamp_token (part);

        g_assert_false (pz_cms_signature_value (part, &value));
        g_assert_null (token);
      }
    g_assert_nonnull (contents);
    for (guint i = 0; i < 300; i++)
      {
        guint8 *copy = g_memdup2 (pdf_data, pdf_len);
        gsize at = (gsize) (contents - pdf_data) + 11 + (gsize) g_random_int_range (0, (gint32) (len * 2));
        g_autoptr(GBytes) flipped = NULL;
        g_autoptr(GPtrArray) checks = NULL;

        copy[at] = "0123456789abcdef"[g_random_int_range (0, 16)];
        flipped = g_bytes_new_take (copy, pdf_len);
        checks = pz_verify_pdf (flipped, NULL);
        g_assert_nonnull (checks);
      }
  }

  g_assert_cmpint (verify_command (stamped, "stamped.pdf", &out), ==, 0);
  g_assert_nonnull (strstr (out, "Signature 1 of 1\n"));
  g_assert_nonnull (strstr (out, "  Signed by:   Ir. Sri Mulyani (C=ID,O=DPMPTSP Sukamaju,CN=Ir. Sri Mulyani)\n"));
  g_assert_nonnull (strstr (out, "  Authority:   Ir. Sri Mulyani (C=ID,O=DPMPTSP Sukamaju,CN=Ir. Sri Mulyani)\n"));
  g_assert_nonnull (strstr (out, " UTC (the timestamp of C=ID,O=Perizinan tests,CN=Test TSA)\n"));
  g_assert_nonnull (strstr (out, "  Bytes:       unchanged since signing\n"));
  g_assert_nonnull (strstr (out, "  Signature:   valid for the signer's certificate\n"));
  g_assert_nonnull (strstr (out, "  Certificate: valid at signing time ("));
  g_assert_nonnull (strstr (out, "\nEvery signature checks.\n"));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (verify_command (plain, "plain.pdf", &out), ==, 0);
  g_assert_nonnull (strstr (out, " UTC (the signer's own statement: no timestamp)\n"));
  g_assert_null (strstr (out, "Test TSA"));
  g_assert_nonnull (strstr (out, "\nEvery signature checks.\n"));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (verify_command (pdf, "unsigned.pdf", &out), ==, 1);
  g_assert_nonnull (strstr (out, "unsigned.pdf: this PDF has no electronic signature\n"));
  g_clear_pointer (&out, g_free);
  {
    g_autoptr(GBytes) text = g_bytes_new_static ("Surat Izin\n", 11);
    g_assert_cmpint (verify_command (text, "letter.pdf", &out), ==, 2);
    g_assert_nonnull (strstr (out, "letter.pdf: This is not a PDF file\n"));
    g_clear_pointer (&out, g_free);
  }
  {
    /* a "scan" made of signature ranges: each would be hashed and parsed,
     * so a file of many costs minutes of the server's main loop; no
     * permit has more than a few, and such a file is refused unread */
    GString *many = g_string_new ("%PDF-1.7\n");
    g_autoptr(GBytes) crafted = NULL;

    for (guint i = 0; i < 2000; i++)
      g_string_append (many, "/ByteRange [0 10 20 5]\n");
    crafted = g_string_free_to_bytes (many);
    g_assert_cmpint (verify_command (crafted, "ranges.pdf", &out), ==, 2);
    g_assert_nonnull (strstr (out, "ranges.pdf: This PDF holds more than 16 signatures"));
    g_clear_pointer (&out, g_free);
  }
  {
    gsize len;
    guint8 *bad = g_bytes_unref_to_data (g_bytes_ref (stamped), &len);
    g_autoptr(GBytes) tampered = NULL;
    char *at = memmem (bad, len, "/Reason (Izin", 13);

    g_assert_nonnull (at);
    at[9] = 'X';
    tampered = g_bytes_new_take (bad, len);
    g_assert_cmpint (verify_command (tampered, "tampered.pdf", &out), ==, 1);
    g_assert_nonnull (strstr (out, "  Bytes:       CHANGED since signing\n"));
    g_assert_nonnull (strstr (out, "  Result:      DOES NOT CHECK\n"));
    g_assert_nonnull (strstr (out, "\nNOT every signature checks.\n"));
  }
}

/* The remote backend against a stand-in of BSrE's Esign Client Service:
 * the signed permit comes back valid under the test CA; a wrong
 * passphrase, a service that is down, slow, or answers garbage or another
 * document each give a clear error, and the passphrase is in none. */
static void
test_remote (void)
{
  g_autofree char *dir = g_build_filename (workdir, "esign", NULL);
  g_autofree char *closed = pz_test_closed_url ();
  g_autoptr(GBytes) pdf = pz_demo_scan_pdf ("Izin", 1);
  g_autoptr(GBytes) signed_pdf = NULL;
  g_autoptr(PzSigner) signer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *report = NULL;
  g_autofree char *sent = NULL;
  g_autofree char *out = NULL;
  PzTestEsign *esign;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  esign = pz_test_esign_start (dir);
  g_assert_nonnull (esign);

  /* the NIK is checked before anything is sent */
  signer = pz_signer_open_remote (pz_test_esign_url (esign), PZ_TEST_ESIGN_CLIENT, PZ_TEST_ESIGN_SECRET, "32010101",
                                  PZ_TEST_ESIGN_PASSPHRASE, 5, &error);
  g_assert_null (signer);
  g_assert_error (error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_SERVICE);
  g_clear_error (&error);

  signer = pz_signer_open_remote (pz_test_esign_url (esign), PZ_TEST_ESIGN_CLIENT, PZ_TEST_ESIGN_SECRET,
                                  PZ_TEST_ESIGN_NIK, PZ_TEST_ESIGN_PASSPHRASE, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pz_signer_get_backend (signer), ==, "remote");
  signed_pdf = sign_with (signer, pdf, &error);
  g_assert_no_error (error);
  sent = pz_test_esign_last_request (esign);
  g_assert_nonnull (strstr (sent, "nik=" PZ_TEST_ESIGN_NIK ";"));
  g_assert_nonnull (strstr (sent, "tampilan=invisible;"));
  report = pdfsig (signed_pdf);
  g_assert_nonnull (strstr (report, "Signature is Valid"));
  g_assert_nonnull (strstr (report, "Dr. Rina Kusuma"));
  g_assert_cmpint (verify_command (signed_pdf, "remote.pdf", &out), ==, 0);
  g_assert_nonnull (strstr (out, "  Authority:   Test BSrE CA (C=ID,O=Perizinan tests,CN=Test BSrE CA)\n"));
  g_clear_pointer (&out, g_free);

  /* a visible signature: the service is told the page and the box */
  {
    char *lines[] = { "Ditandatangani secara elektronik oleh", "Kepala Dinas", NULL };
    PzSignAppearance where = { 1, 300, 200, 240, 48, lines, NULL };
    g_autoptr(GDateTime) when = g_date_time_new_now_utc ();
    g_autoptr(GBytes) visible = pz_signer_sign_pdf_visible (signer, pdf, "Kepala Dinas", "Izin 1/2026", "Sukamaju",
                                                            when, &where, &error);
    g_autofree char *visible_sent = NULL;
    g_autofree char *visible_report = NULL;

    g_assert_no_error (error);
    visible_sent = pz_test_esign_last_request (esign);
    g_assert_nonnull (strstr (visible_sent, "tampilan=visible;"));
    g_assert_nonnull (strstr (visible_sent, "page=1;xAxis=300;yAxis=200;width=240;height=48;"));
    g_assert_nonnull (memmem (g_bytes_get_data (visible, NULL), g_bytes_get_size (visible),
                              "/Rect [300.00 200.00 540.00 248.00]", 35));
    visible_report = pdfsig (visible);
    g_assert_nonnull (strstr (visible_report, "Signature is Valid"));
  }
  g_clear_pointer (&signer, pz_signer_free);

  /* a wrong passphrase: BSrE's code 2031 */
  signer = pz_signer_open_remote (pz_test_esign_url (esign), PZ_TEST_ESIGN_CLIENT, PZ_TEST_ESIGN_SECRET,
                                  PZ_TEST_ESIGN_NIK, "salah-sekali", 1, &error);
  g_assert_no_error (error);
  g_assert_null (sign_with (signer, pdf, &error));
  g_assert_error (error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_PASSPHRASE);
  g_assert_null (strstr (error->message, "salah-sekali"));
  g_clear_error (&error);
  g_clear_pointer (&signer, pz_signer_free);

  /* wrong client credentials */
  signer = pz_signer_open_remote (pz_test_esign_url (esign), PZ_TEST_ESIGN_CLIENT, "tebakan", PZ_TEST_ESIGN_NIK,
                                  PZ_TEST_ESIGN_PASSPHRASE, 1, &error);
  g_assert_null (sign_with (signer, pdf, &error));
  g_assert_error (error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_SERVICE);
  g_assert_nonnull (strstr (error->message, "client credentials"));
  g_assert_null (strstr (error->message, "tebakan"));
  g_clear_error (&error);
  g_clear_pointer (&signer, pz_signer_free);

  {
    static const struct {
      PzTestEsignMode mode;
      gboolean        closed;
      const char     *says;
    } cases[] = {
      { PZ_TEST_ESIGN_GOOD, TRUE, "cannot be reached" },
      { PZ_TEST_ESIGN_GARBAGE, FALSE, "did not answer with this permit, signed" },
      { PZ_TEST_ESIGN_OTHER_PDF, FALSE, "did not answer with this permit, signed" },
      { PZ_TEST_ESIGN_HTTP_500, FALSE, "HTTP 500" },
      /* last: the stand-in answers one request at a time */
      { PZ_TEST_ESIGN_SLOW, FALSE, "cannot be reached" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr(GBytes) none = NULL;
        gint64 start;

        signer = pz_signer_open_remote (cases[i].closed ? closed : pz_test_esign_url (esign), PZ_TEST_ESIGN_CLIENT,
                                        PZ_TEST_ESIGN_SECRET, PZ_TEST_ESIGN_NIK, PZ_TEST_ESIGN_PASSPHRASE, 1, &error);
        g_assert_no_error (error);
        pz_test_esign_set_mode (esign, cases[i].mode);
        start = g_get_monotonic_time ();
        none = sign_with (signer, pdf, &error);
        g_test_message ("remote case %u (%.1f s): %s", i, (g_get_monotonic_time () - start) / 1e6,
                        error ? error->message : "signed");
        g_assert_null (none);
        g_assert_error (error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_SERVICE);
        g_assert_nonnull (strstr (error->message, cases[i].says));
        g_assert_nonnull (strstr (error->message, "nothing was signed"));
        g_assert_null (strstr (error->message, PZ_TEST_ESIGN_PASSPHRASE));
        g_assert_null (strstr (error->message, PZ_TEST_ESIGN_SECRET));
        g_assert_cmpint (g_get_monotonic_time () - start, <, 2500 * G_TIME_SPAN_MILLISECOND);
        g_clear_error (&error);
        g_clear_pointer (&signer, pz_signer_free);
      }
  }
  pz_test_esign_stop (esign);
}

int
main (int    argc,
      char **argv)
{
  pz_test_signing_init (&argc, &argv, "pz-signers-XXXXXX");
  g_test_add_func ("/signers/pkcs12", test_pkcs12);
  g_test_add_func ("/signers/pkcs11", test_pkcs11);
  g_test_add_func ("/signers/timestamp", test_timestamp);
  g_test_add_func ("/signers/verify-command", test_verify_command);
  g_test_add_func ("/signers/remote", test_remote);
  return pz_test_signing_run ();
}
