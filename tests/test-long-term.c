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
#include "pz-test-tsa.h"

static char *workdir;

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

/* What follows the last signature's byte range: the DSS update, which
 * starts right where the signature's bytes end.  Read here by hand, not
 * with the code that writes it. */
static const char *
after_signature (GBytes *pdf,
                 gsize  *tail_len)
{
  gsize len;
  const char *data = g_bytes_get_data (pdf, &len);
  const char *at = NULL;
  guint64 range[4];
  char *end;

  for (const char *p = data; (p = memmem (p, len - (gsize) (p - data), "/ByteRange [", 12)); p++)
    at = p;
  g_assert_nonnull (at);
  at += 12;
  for (int i = 0; i < 4; i++)
    {
      range[i] = g_ascii_strtoull (at, &end, 10);
      at = end;
    }
  g_assert_cmpuint (range[0], ==, 0);
  g_assert_cmpuint (range[2] + range[3], <, len);
  /* the signature ends its revision; the next one begins after it */
  g_assert_true (memcmp (data + range[2] + range[3] - 6, "%%EOF\n", 6) == 0);
  *tail_len = len - (gsize) (range[2] + range[3]);
  return data + range[2] + range[3];
}

/* the number of references in the array @name of the DSS after the signature */
static guint
dss_count (GBytes     *pdf,
           const char *name)
{
  gsize tail_len;
  const char *tail = after_signature (pdf, &tail_len);
  g_autofree char *text = NULL;
  g_autofree char *key = g_strdup_printf ("/%s [", name);
  const char *dss, *p;
  guint n = 0;

  /* the certificates are binary: the DSS dictionary is after them */
  dss = memmem (tail, tail_len, "/Type /DSS", 10);
  g_assert_nonnull (dss);
  text = g_strndup (dss, tail_len - (gsize) (dss - tail));
  g_assert_null (strstr (text, "/ByteRange"));
  p = strstr (text, key);
  if (p == NULL || p > strstr (text, ">>"))
    return 0;
  for (p += strlen (key); *p != ']'; p++)
    if (*p == 'R')
      n++;
  return n;
}

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
sign_with (PzSigner *signer,
           GBytes   *pdf,
           GError  **error)
{
  g_autoptr(GDateTime) when = g_date_time_new_now_utc ();

  return pz_signer_sign_pdf (signer, pdf, "Kepala Dinas", "Izin 1/2026", "Sukamaju", when, error);
}

/* `perizinan-server verify FILE`: its exit status and what it says */
static int
verify_command (GBytes     *file,
                const char *name,
                char      **out)
{
  g_autofree char *path = g_build_filename (workdir, name, NULL);
  const char *server = g_getenv ("PERIZINAN_SERVER");
  const char *argv[] = { server, "verify", path, NULL };
  g_autofree char *err = NULL;
  int status = 0;

  g_assert_nonnull (server);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (file, NULL), (gssize) g_bytes_get_size (file), NULL));
  g_assert_true (g_spawn_sync (workdir, (char **) argv, NULL, 0, NULL, NULL, out, &err, &status, NULL));
  g_test_message ("verify %s: %s%s", name, *out, err);
  if (err && *err)
    {
      char *both = g_strconcat (*out, err, NULL);
      g_free (*out);
      *out = both;
    }
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
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
  int rc;

  g_test_init (&argc, &argv, NULL);
  if (openssl == NULL)
    {
      g_test_skip ("openssl is not installed (tools/install-deps.sh installs it)");
      return g_test_run ();
    }
  {
    g_autoptr(GError) error = NULL;

    workdir = g_dir_make_tmp ("pz-long-term-XXXXXX", &error);
    g_assert_no_error (error);
  }
  g_test_add_func ("/signers/long-term", test_long_term);
  rc = g_test_run ();
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", workdir);
    if (system (cmd) != 0)
      g_printerr ("cannot remove %s\n", workdir);
  }
  g_free (workdir);
  return rc;
}
