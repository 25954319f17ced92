/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PAdES B-LT: the validation data a signed permit keeps after its
 * signature, against a test CA that publishes its CRL and answers OCSP
 * over a local HTTP server, and the local timestamp authority. */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "pz-demo.h"
#include "pz-sign.h"
#include "pz-test-ca.h"
#include "pz-test-signing.h"
#include "pz-test-tsa.h"

/* the DSS's /VRI key of the last signature: the SHA-1 of its /Contents */
static char *
vri_key (GBytes *pdf)
{
  gsize len;
  const char *data = g_bytes_get_data (pdf, &len);
  const char *at = NULL;
  g_autoptr(GByteArray) contents = g_byte_array_new ();
  g_autofree char *sha1 = NULL;

  for (const char *p = data; (p = memmem (p, len - (gsize) (p - data), "/Contents <", 11)); p++)
    at = p;
  g_assert_nonnull (at);
  for (at += 11; *at != '>'; at += 2)
    {
      guint8 b = (guint8) (g_ascii_xdigit_value (at[0]) << 4 | g_ascii_xdigit_value (at[1]));
      g_byte_array_append (contents, &b, 1);
    }
  g_assert_cmpuint (contents->len, ==, 16384);
  sha1 = g_compute_checksum_for_data (G_CHECKSUM_SHA1, contents->data, contents->len);
  return g_ascii_strup (sha1, -1);
}

static GBytes *
sign_long_term (PzTestCa  *ca,
                PzTestTsa *tsa,
                gboolean   fetch,
                GBytes    *pdf)
{
  g_autoptr(PzSigner) signer = pz_signer_open (pz_test_ca_p12 (ca), NULL, PZ_TEST_CA_PASSPHRASE, NULL);
  g_autoptr(GError) error = NULL;
  GBytes *out;

  g_assert_nonnull (signer);
  pz_signer_set_timestamp_authority (signer, pz_test_tsa_url (tsa), 5);
  pz_signer_set_validation_fetch (signer, fetch, 1);
  out = sign_with (signer, pdf, &error);
  g_assert_no_error (error);
  return out;
}

/* PAdES B-LT: after the signature and its timestamp, the DSS with the
 * signer's chain (signer, CA), the authority's (TSA, its root) and the
 * CA's CRL, fetched from the address in the certificate; the signature
 * still valid and covering all up to the DSS; the verify command says the
 * data is there.  Without a way out, or with a CA that is down or answers
 * garbage or a forged CRL, the chain alone, and the verify command says
 * the revocation data is missing; a change to the DSS is seen. */
static void
test_long_term (void)
{
  g_autofree char *ca_dir = g_build_filename (workdir, "ltv-ca", NULL);
  g_autofree char *tsa_dir = g_build_filename (workdir, "ltv-tsa", NULL);
  g_autoptr(GBytes) pdf = pz_demo_scan_pdf ("Izin", 1);
  g_autoptr(GBytes) signed_pdf = NULL;
  g_autofree char *report = NULL;
  g_autofree char *out = NULL;
  g_autofree char *key = NULL;
  g_autofree char *vri = NULL;
  PzTestCa *ca;
  PzTestTsa *tsa;

  g_assert_cmpint (g_mkdir_with_parents (ca_dir, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (tsa_dir, 0700), ==, 0);
  ca = pz_test_ca_start (ca_dir);
  g_assert_nonnull (ca);
  tsa = pz_test_tsa_start (tsa_dir);
  g_assert_nonnull (tsa);
  pz_test_tsa_set_mode (tsa, PZ_TEST_TSA_GOOD);

  signed_pdf = sign_long_term (ca, tsa, TRUE, pdf);
  /* its CRL, and its OCSP responder */
  g_assert_cmpuint (pz_test_ca_requests (ca), ==, 2);
  report = pdfsig (signed_pdf);
  g_assert_nonnull (strstr (report, "Signature is Valid"));
  g_assert_nonnull (strstr (report, "Ir. Bambang Sutrisno"));
  g_assert_cmpuint (dss_count (signed_pdf, "Certs"), ==, 4);
  g_assert_cmpuint (dss_count (signed_pdf, "CRLs"), ==, 1);
  g_assert_cmpuint (dss_count (signed_pdf, "OCSPs"), ==, 1);
  key = vri_key (signed_pdf);
  vri = g_strdup_printf ("/%s << /Type /VRI /Cert [", key);
  {
    gsize tail_len;
    const char *tail = after_signature (signed_pdf, &tail_len);

    g_assert_nonnull (memmem (tail, tail_len, vri, strlen (vri)));
    g_assert_nonnull (memmem (tail, tail_len, "/DSS ", 5));
  }
  g_assert_cmpint (verify_command (signed_pdf, "ltv.pdf", &out), ==, 0);
  g_assert_nonnull (strstr (out, "  Long-term:   long-term validation data: present (4 certificates, 1 CRLs, "
                            "1 OCSP responses)\n"));
  g_assert_null (strstr (out, "Coverage"));
  g_assert_nonnull (strstr (out, "\nEvery signature checks.\n"));
  g_clear_pointer (&out, g_free);

  /* a changed byte in the validation data, or anything added after it */
  {
    gsize len, tail_len;
    const char *tail = after_signature (signed_pdf, &tail_len);
    guint8 *bad = g_bytes_unref_to_data (g_bytes_ref (signed_pdf), &len);
    g_autoptr(GBytes) tampered = NULL;
    g_autoptr(GBytes) longer = NULL;
    GString *more = g_string_new_len (g_bytes_get_data (signed_pdf, NULL), (gssize) g_bytes_get_size (signed_pdf));

    bad[len - tail_len + 200] ^= 0x01;
    g_assert_true (tail != NULL);
    tampered = g_bytes_new_take (bad, len);
    g_assert_cmpint (verify_command (tampered, "ltv-tampered.pdf", &out), ==, 1);
    g_assert_nonnull (strstr (out, "  Coverage:    the file was CHANGED after this signature\n"));
    g_assert_nonnull (strstr (out, "  Long-term:   no long-term validation data\n"));
    g_clear_pointer (&out, g_free);
    g_string_append (more, "9 0 obj\n<< /Type /Page >>\nendobj\n");
    longer = g_string_free_to_bytes (more);
    g_assert_cmpint (verify_command (longer, "ltv-longer.pdf", &out), ==, 1);
    g_assert_nonnull (strstr (out, "  Coverage:    the file was CHANGED after this signature\n"));
    g_clear_pointer (&out, g_free);
  }

  /* a certificate its authority has revoked signs nothing; a permit whose
   * validation data says it is revoked does not check */
  {
    g_autoptr(PzSigner) signer = pz_signer_open (pz_test_ca_p12 (ca), NULL, PZ_TEST_CA_PASSPHRASE, NULL);
    g_autoptr(GBytes) before = g_bytes_new (g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf));
    g_autoptr(GBytes) none = NULL;
    g_autoptr(GDateTime) when = g_date_time_new_now_utc ();
    g_autoptr(PzSignSpace) space = NULL;
    g_autoptr(GBytes) covered = NULL;
    g_autoptr(GBytes) cms = NULL;
    g_autoptr(GBytes) bare = NULL;
    g_autoptr(GBytes) revoked_pdf = NULL;
    g_autoptr(GPtrArray) chain = NULL;
    g_autoptr(PzValidationData) data = NULL;
    g_autoptr(GError) error = NULL;

    pz_test_ca_set_mode (ca, PZ_TEST_CA_REVOKED);
    pz_signer_set_validation_fetch (signer, TRUE, 1);
    none = sign_with (signer, pdf, &error);
    g_assert_null (none);
    g_assert_error (error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_REVOKED);
    g_assert_nonnull (strstr (error->message, "CN=Ir. Bambang Sutrisno is revoked"));
    g_assert_nonnull (strstr (error->message, "nothing was signed"));
    g_assert_true (g_bytes_equal (pdf, before));
    g_clear_error (&error);

    /* the same made by hand, as another signer could */
    space = pz_sign_space_new (pdf, "Kepala Dinas", "Izin 1/2026", "Sukamaju", when, NULL, NULL, &error);
    g_assert_no_error (error);
    covered = pz_sign_space_get_covered (space);
    cms = pz_signer_sign_cms (signer, covered, &error);
    g_assert_no_error (error);
    bare = pz_sign_space_fill (space, cms, &error);
    chain = pz_signer_get_chain (signer);
    data = pz_validation_collect (cms, chain, TRUE, 1);
    g_assert_cmpuint (data->crls->len, ==, 1);
    g_assert_cmpuint (data->ocsps->len, ==, 1);
    revoked_pdf = pz_dss_append (bare, data, &error);
    g_assert_no_error (error);
    g_assert_cmpint (verify_command (revoked_pdf, "ltv-revoked.pdf", &out), ==, 1);
    g_assert_nonnull (strstr (out, "  Long-term:   REVOKED: the revocation data says the certificate of "
                              "C=ID,O=DPMPTSP Sukamaju,CN=Ir. Bambang Sutrisno is revoked\n"));
    g_assert_nonnull (strstr (out, "  Result:      DOES NOT CHECK\n"));
    g_clear_pointer (&out, g_free);
  }

  /* garbage, a forged CRL, no way out, a CA that is down: the chain alone */
  {
    static const struct {
      PzTestCaMode mode;
      gboolean     fetch;
      gboolean     down;
      guint        requests;
    } cases[] = {
      { PZ_TEST_CA_GARBAGE, TRUE, FALSE, 2 },
      { PZ_TEST_CA_FORGED, TRUE, FALSE, 2 },
      { PZ_TEST_CA_GOOD, FALSE, FALSE, 0 },
      { PZ_TEST_CA_GOOD, TRUE, TRUE, 0 },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr(GBytes) chain_only = NULL;
        g_autofree char *chain_report = NULL;
        guint before = pz_test_ca_requests (ca);
        gint64 start = g_get_monotonic_time ();

        pz_test_ca_set_mode (ca, cases[i].mode);
        if (cases[i].down)
          pz_test_ca_close (ca);
        chain_only = sign_long_term (ca, tsa, cases[i].fetch, pdf);
        g_test_message ("long-term case %u: %.1f s", i, (g_get_monotonic_time () - start) / 1e6);
        g_assert_cmpint (g_get_monotonic_time () - start, <, 2500 * G_TIME_SPAN_MILLISECOND);
        g_assert_cmpuint (pz_test_ca_requests (ca) - before, ==, cases[i].requests);
        chain_report = pdfsig (chain_only);
        g_assert_nonnull (strstr (chain_report, "Signature is Valid"));
        g_assert_cmpuint (dss_count (chain_only, "Certs"), ==, 4);
        g_assert_cmpuint (dss_count (chain_only, "CRLs"), ==, 0);
        g_assert_cmpuint (dss_count (chain_only, "OCSPs"), ==, 0);
        g_assert_cmpint (verify_command (chain_only, "ltv-chain.pdf", &out), ==, 0);
        g_assert_nonnull (strstr (out, "  Long-term:   long-term validation data: present (4 certificates); "
                                  "the revocation data (CRL, OCSP) is missing\n"));
        g_clear_pointer (&out, g_free);
      }
  }
  pz_test_tsa_stop (tsa);
  pz_test_ca_stop (ca);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *openssl = g_find_program_in_path ("openssl");

  pz_test_signing_init (&argc, &argv, "pz-long-term-XXXXXX");
  if (openssl == NULL)
    g_test_skip ("openssl is not installed (tools/install-deps.sh installs it)");
  else
    g_test_add_func ("/signers/long-term", test_long_term);
  return pz_test_signing_run ();
}
