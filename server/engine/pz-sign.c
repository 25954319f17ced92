/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-sign"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs12.h>
#include <gnutls/pkcs7.h>
#include <gnutls/x509.h>
#include <stdlib.h>
#include <string.h>

#include "pz-sign.h"

/* The office's electronic signature: a key and certificate in a PKCS#12
 * file that the Kadis' passphrase unlocks, and a CMS signature embedded in
 * the permit PDF as an incremental update, so that any PDF reader (and
 * poppler's pdfsig) can check it and see any later change. */

#define SIG_SPACE 8192   /* bytes reserved for the CMS signature */

struct _PzSigner
{
  gnutls_x509_crt_t *chain;
  unsigned int       chain_len;
  gnutls_privkey_t   key;
};

G_DEFINE_QUARK (pz-sign-error-quark, pz_sign_error)

static gboolean
tls_fail (GError     **error,
          int          code,
          const char  *what,
          int          rc)
{
  g_set_error (error, PZ_SIGN_ERROR, code, "%s: %s", what, gnutls_strerror (rc));
  return FALSE;
}

/**
 * pz_sign_create_identity:
 * @p12_path: where to write the PKCS#12 file
 * @passphrase: what will unlock it
 * @common_name: the signer, e.g. the Kadis' name
 * @organization: the office
 * @valid_days: how long the certificate is valid
 * @error: return location for an error
 *
 * Makes a self-signed signing identity, for a demo office or a test. A real
 * office uses the certificate its authority (BSrE) issued.
 */
gboolean
pz_sign_create_identity (const char  *p12_path,
                         const char  *passphrase,
                         const char  *common_name,
                         const char  *organization,
                         guint        valid_days,
                         GError     **error)
{
  gnutls_x509_privkey_t key = NULL;
  gnutls_x509_crt_t crt = NULL;
  gnutls_pkcs12_t p12 = NULL;
  gnutls_pkcs12_bag_t cert_bag = NULL, key_bag = NULL;
  gnutls_datum_t der = { NULL, 0 }, key_der = { NULL, 0 }, out = { NULL, 0 };
  guint8 serial[16];
  guint8 key_id[20];
  size_t key_id_len = sizeof key_id;
  gnutls_datum_t id;
  time_t now = time (NULL);
  gboolean ok = FALSE;
  int rc, idx;

  gnutls_rnd (GNUTLS_RND_NONCE, serial, sizeof serial);
  serial[0] &= 0x7f;

  if ((rc = gnutls_x509_privkey_init (&key)) < 0 ||
      (rc = gnutls_x509_privkey_generate (key, GNUTLS_PK_RSA, 2048, 0)) < 0)
    {
      tls_fail (error, PZ_SIGN_ERROR_KEY, _("Cannot make a signing key"), rc);
      goto out;
    }
  if ((rc = gnutls_x509_crt_init (&crt)) < 0 ||
      (rc = gnutls_x509_crt_set_version (crt, 3)) < 0 ||
      (rc = gnutls_x509_crt_set_serial (crt, serial, sizeof serial)) < 0 ||
      (rc = gnutls_x509_crt_set_activation_time (crt, now - 3600)) < 0 ||
      (rc = gnutls_x509_crt_set_expiration_time (crt, now + (time_t) valid_days * 86400)) < 0 ||
      (rc = gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, common_name,
                                           strlen (common_name))) < 0 ||
      (rc = gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0, organization,
                                           strlen (organization))) < 0 ||
      (rc = gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COUNTRY_NAME, 0, "ID", 2)) < 0 ||
      (rc = gnutls_x509_crt_set_issuer_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, common_name,
                                                  strlen (common_name))) < 0 ||
      (rc = gnutls_x509_crt_set_key (crt, key)) < 0 ||
      (rc = gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_NON_REPUDIATION)) < 0 ||
      (rc = gnutls_x509_crt_set_basic_constraints (crt, 0, -1)) < 0 ||
      (rc = gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0)) < 0)
    {
      tls_fail (error, PZ_SIGN_ERROR_KEY, _("Cannot make the signing certificate"), rc);
      goto out;
    }

  if ((rc = gnutls_x509_crt_get_key_id (crt, 0, key_id, &key_id_len)) < 0)
    {
      tls_fail (error, PZ_SIGN_ERROR_KEY, _("Cannot make the signing certificate"), rc);
      goto out;
    }
  id.data = key_id;
  id.size = (unsigned int) key_id_len;

  if ((rc = gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der)) < 0 ||
      (rc = gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_DER, passphrase,
                                               GNUTLS_PKCS_PBES2_AES_256, &key_der)) < 0 ||
      (rc = gnutls_pkcs12_bag_init (&cert_bag)) < 0 ||
      (rc = gnutls_pkcs12_bag_init (&key_bag)) < 0 ||
      (idx = rc = gnutls_pkcs12_bag_set_data (cert_bag, GNUTLS_BAG_CERTIFICATE, &der)) < 0 ||
      (rc = gnutls_pkcs12_bag_set_key_id (cert_bag, idx, &id)) < 0 ||
      (rc = gnutls_pkcs12_bag_encrypt (cert_bag, passphrase, GNUTLS_PKCS_PBES2_AES_256)) < 0 ||
      (idx = rc = gnutls_pkcs12_bag_set_data (key_bag, GNUTLS_BAG_PKCS8_ENCRYPTED_KEY, &key_der)) < 0 ||
      (rc = gnutls_pkcs12_bag_set_key_id (key_bag, idx, &id)) < 0 ||
      (rc = gnutls_pkcs12_init (&p12)) < 0 ||
      (rc = gnutls_pkcs12_set_bag (p12, cert_bag)) < 0 ||
      (rc = gnutls_pkcs12_set_bag (p12, key_bag)) < 0 ||
      (rc = gnutls_pkcs12_generate_mac2 (p12, GNUTLS_MAC_SHA256, passphrase)) < 0 ||
      (rc = gnutls_pkcs12_export2 (p12, GNUTLS_X509_FMT_DER, &out)) < 0)
    {
      tls_fail (error, PZ_SIGN_ERROR_KEY, _("Cannot write the signing key file"), rc);
      goto out;
    }
  ok = g_file_set_contents_full (p12_path, (const char *) out.data, (gssize) out.size,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0600, error);

out:
  gnutls_free (der.data);
  gnutls_free (key_der.data);
  gnutls_free (out.data);
  if (cert_bag)
    gnutls_pkcs12_bag_deinit (cert_bag);
  if (key_bag)
    gnutls_pkcs12_bag_deinit (key_bag);
  if (p12)
    gnutls_pkcs12_deinit (p12);
  if (crt)
    gnutls_x509_crt_deinit (crt);
  if (key)
    gnutls_x509_privkey_deinit (key);
  return ok;
}

/**
 * pz_signer_open:
 * @p12_path: the office's PKCS#12 file
 * @passphrase: the Kadis' passphrase
 * @error: return location for an error; %PZ_SIGN_ERROR_PASSPHRASE if it does
 *   not unlock the file
 *
 * Returns: (transfer full): the signer, or %NULL
 */
PzSigner *
pz_signer_open (const char  *p12_path,
                const char  *passphrase,
                GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length;
  gnutls_datum_t data;
  gnutls_pkcs12_t p12 = NULL;
  gnutls_x509_privkey_t xkey = NULL;
  PzSigner *signer;
  int rc;

  if (!g_file_get_contents (p12_path, &contents, &length, error))
    return NULL;
  data.data = (unsigned char *) contents;
  data.size = (unsigned int) length;
  signer = g_new0 (PzSigner, 1);

  if ((rc = gnutls_pkcs12_init (&p12)) < 0 ||
      (rc = gnutls_pkcs12_import (p12, &data, GNUTLS_X509_FMT_DER, 0)) < 0)
    {
      tls_fail (error, PZ_SIGN_ERROR_KEY, _("The signing key file cannot be read"), rc);
      goto fail;
    }
  if (gnutls_pkcs12_verify_mac (p12, passphrase) < 0)
    {
      g_set_error (error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_PASSPHRASE, _("The passphrase is wrong; nothing was signed"));
      goto fail;
    }
  rc = gnutls_pkcs12_simple_parse (p12, passphrase, &xkey, &signer->chain, &signer->chain_len,
                                   NULL, NULL, NULL, 0);
  if (rc < 0)
    {
      g_set_error (error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_PASSPHRASE, _("The passphrase is wrong; nothing was signed"));
      goto fail;
    }
  if ((rc = gnutls_privkey_init (&signer->key)) < 0 ||
      (rc = gnutls_privkey_import_x509 (signer->key, xkey, GNUTLS_PRIVKEY_IMPORT_AUTO_RELEASE)) < 0)
    {
      tls_fail (error, PZ_SIGN_ERROR_KEY, _("The signing key cannot be used"), rc);
      goto fail;
    }
  xkey = NULL;
  gnutls_pkcs12_deinit (p12);
  return signer;

fail:
  if (xkey)
    gnutls_x509_privkey_deinit (xkey);
  if (p12)
    gnutls_pkcs12_deinit (p12);
  pz_signer_free (signer);
  return NULL;
}

void
pz_signer_free (PzSigner *signer)
{
  if (signer == NULL)
    return;
  for (unsigned int i = 0; i < signer->chain_len; i++)
    gnutls_x509_crt_deinit (signer->chain[i]);
  gnutls_free (signer->chain);
  if (signer->key)
    gnutls_privkey_deinit (signer->key);
  g_free (signer);
}

/**
 * pz_signer_get_validity:
 *
 * The period the signing certificate is valid in (Unix times).
 */
void
pz_signer_get_validity (PzSigner *signer,
                        gint64   *not_before,
                        gint64   *not_after)
{
  *not_before = signer->chain_len ? (gint64) gnutls_x509_crt_get_activation_time (signer->chain[0]) : 0;
  *not_after = signer->chain_len ? (gint64) gnutls_x509_crt_get_expiration_time (signer->chain[0]) : 0;
}

char *
pz_signer_get_issuer (PzSigner *signer)
{
  gnutls_datum_t dn = { NULL, 0 };
  char *out;

  if (signer->chain_len == 0 || gnutls_x509_crt_get_issuer_dn3 (signer->chain[0], &dn, 0) < 0)
    return g_strdup ("");
  out = g_strndup ((const char *) dn.data, dn.size);
  gnutls_free (dn.data);
  return out;
}

char *
pz_signer_get_subject (PzSigner *signer)
{
  gnutls_datum_t dn = { NULL, 0 };
  char *out;

  if (signer->chain_len == 0 || gnutls_x509_crt_get_dn3 (signer->chain[0], &dn, 0) < 0)
    return g_strdup ("");
  out = g_strndup ((const char *) dn.data, dn.size);
  gnutls_free (dn.data);
  return out;
}

/* Minimal reading of the PDF the server itself wrote (cairo: a classic
 * cross-reference table), enough to add a signature as an update. */

static const char *
find_last (const char *hay,
           gsize       len,
           const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = len >= n ? len - n + 1 : 0; i > 0; i--)
    if (memcmp (hay + i - 1, needle, n) == 0)
      return hay + i - 1;
  return NULL;
}

static gint64
int_after (const char *p,
           const char *key)
{
  const char *k = p ? strstr (p, key) : NULL;
  return k ? g_ascii_strtoll (k + strlen (key), NULL, 10) : -1;
}

/* The dictionary of object @num, without its closing ">>". */
static char *
object_dict (const char *pdf,
             gsize       len,
             gint64      num)
{
  g_autofree char *head = g_strdup_printf ("\n%" G_GINT64_FORMAT " 0 obj", num);
  /* streams hold binary data, NULs included: search bytes, not strings */
  const char *start = memmem (pdf, len, head, strlen (head));
  const char *open, *end, *close;
  gsize rest;

  if (start == NULL)
    return NULL;
  rest = len - (gsize) (start - pdf);
  open = memmem (start, rest, "<<", 2);
  end = memmem (start, rest, "endobj", 6);
  if (open == NULL || end == NULL || open > end)
    return NULL;
  close = find_last (open, (gsize) (end - open), ">>");
  if (close == NULL)
    return NULL;
  return g_strndup (open, (gsize) (close - open));
}

static char *
pdf_string (const char *text)
{
  GString *out = g_string_new ("(");

  /* PDFDocEncoding covers Latin-1; other characters become '?' */
  for (const char *p = text; p && *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '(' || c == ')' || c == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, c < 0x80 ? (char) c : '?');
    }
  g_string_append_c (out, ')');
  return g_string_free (out, FALSE);
}

/**
 * pz_signer_sign_pdf:
 * @signer: an unlocked signer
 * @pdf: a PDF the server made
 * @name: the signer's name
 * @reason: why it is signed
 * @location: where
 * @when: the signing time
 * @error: return location for an error
 *
 * Returns: (transfer full): @pdf with an embedded detached CMS signature over
 *   the whole file but the signature itself
 */
GBytes *
pz_signer_sign_pdf (PzSigner    *signer,
                    GBytes      *pdf,
                    const char  *name,
                    const char  *reason,
                    const char  *location,
                    GDateTime   *when,
                    GError     **error)
{
  gsize len;
  const char *data = g_bytes_get_data (pdf, &len);
  const char *trailer = find_last (data, len, "trailer");
  const char *sx = find_last (data, len, "startxref");
  gint64 size, root, info, prev, pages, page;
  g_autofree char *root_dict = NULL;
  g_autofree char *pages_dict = NULL;
  g_autofree char *page_dict = NULL;
  g_autofree char *m = NULL;
  g_autofree char *n_str = pdf_string (name);
  g_autofree char *r_str = pdf_string (reason);
  g_autofree char *l_str = pdf_string (location);
  g_autofree char *zeros = g_strnfill (SIG_SPACE * 2, '0');
  GString *out;
  gsize offsets[5];
  gint64 numbers[5];
  gsize contents_at, contents_end, byterange_at, xref_at;
  gnutls_pkcs7_t pkcs7 = NULL;
  gnutls_datum_t signed_data, cms = { NULL, 0 };
  int rc;

  if (trailer == NULL || sx == NULL)
    goto bad;
  size = int_after (trailer, "/Size ");
  root = int_after (trailer, "/Root ");
  info = int_after (trailer, "/Info ");
  prev = g_ascii_strtoll (sx + strlen ("startxref"), NULL, 10);
  if (size <= 0 || root <= 0 || prev <= 0 || !(root_dict = object_dict (data, len, root)))
    goto bad;
  pages = int_after (root_dict, "/Pages ");
  if (pages <= 0 || !(pages_dict = object_dict (data, len, pages)))
    goto bad;
  page = int_after (pages_dict, "/Kids [ ");
  if (page <= 0)
    page = int_after (pages_dict, "/Kids [");
  if (page <= 0 || !(page_dict = object_dict (data, len, page)) || strstr (page_dict, "/Annots"))
    goto bad;

  m = g_date_time_format (when, "D:%Y%m%d%H%M%S");
  {
    /* the time zone as PDF writes it: +07'00' */
    gint64 off = g_date_time_get_utc_offset (when) / G_TIME_SPAN_SECOND;
    char *with_tz = g_strdup_printf ("%s%c%02d'%02d'", m, off < 0 ? '-' : '+', (int) (ABS (off) / 3600),
                                     (int) (ABS (off) / 60 % 60));
    g_free (m);
    m = with_tz;
  }

  out = g_string_new_len (data, (gssize) len);
  if (out->str[out->len - 1] != '\n')
    g_string_append_c (out, '\n');

  /* the signature value, with room for the CMS */
  numbers[0] = size;
  offsets[0] = out->len;
  g_string_append_printf (out, "%" G_GINT64_FORMAT " 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite "
                          "/SubFilter /adbe.pkcs7.detached\n/ByteRange ", size);
  byterange_at = out->len;
  g_string_append (out, "[0 0000000000 0000000000 0000000000]");
  g_string_append (out, "\n/Contents ");
  contents_at = out->len;
  g_string_append_printf (out, "<%s>", zeros);
  contents_end = out->len;
  g_string_append_printf (out, "\n/M (%s) /Name %s /Reason %s /Location %s >>\nendobj\n", m, n_str, r_str, l_str);

  /* the signature field, as a widget of page 1 */
  numbers[1] = size + 1;
  offsets[1] = out->len;
  g_string_append_printf (out, "%" G_GINT64_FORMAT " 0 obj\n<< /Type /Annot /Subtype /Widget /FT /Sig "
                          "/Rect [0 0 0 0] /F 132 /T (Tanda tangan elektronik) /V %" G_GINT64_FORMAT " 0 R "
                          "/P %" G_GINT64_FORMAT " 0 R >>\nendobj\n", size + 1, size, page);
  numbers[2] = size + 2;
  offsets[2] = out->len;
  g_string_append_printf (out, "%" G_GINT64_FORMAT " 0 obj\n<< /Fields [%" G_GINT64_FORMAT " 0 R] /SigFlags 3 >>\n"
                          "endobj\n", size + 2, size + 1);
  numbers[3] = root;
  offsets[3] = out->len;
  g_string_append_printf (out, "%" G_GINT64_FORMAT " 0 obj\n%s\n/AcroForm %" G_GINT64_FORMAT " 0 R\n>>\nendobj\n",
                          root, root_dict, size + 2);
  numbers[4] = page;
  offsets[4] = out->len;
  g_string_append_printf (out, "%" G_GINT64_FORMAT " 0 obj\n%s\n/Annots [%" G_GINT64_FORMAT " 0 R]\n>>\nendobj\n",
                          page, page_dict, size + 1);

  xref_at = out->len;
  g_string_append (out, "xref\n");
  for (guint i = 0; i < 5; i++)
    g_string_append_printf (out, "%" G_GINT64_FORMAT " 1\n%010" G_GSIZE_FORMAT " 00000 n \n", numbers[i], offsets[i]);
  g_string_append_printf (out, "trailer\n<< /Size %" G_GINT64_FORMAT " /Root %" G_GINT64_FORMAT " 0 R", size + 3, root);
  if (info > 0)
    g_string_append_printf (out, " /Info %" G_GINT64_FORMAT " 0 R", info);
  g_string_append_printf (out, " /Prev %" G_GINT64_FORMAT " >>\nstartxref\n%" G_GSIZE_FORMAT "\n%%%%EOF\n", prev, xref_at);

  /* the byte range covers all but the signature's hex string */
  {
    char range[64];
    int n = g_snprintf (range, sizeof range, "[0 %010" G_GSIZE_FORMAT " %010" G_GSIZE_FORMAT " %010" G_GSIZE_FORMAT "]",
                        contents_at, contents_end, out->len - contents_end);
    memcpy (out->str + byterange_at, range, (size_t) n);
  }

  {
    GByteArray *covered = g_byte_array_sized_new ((guint) (out->len - (contents_end - contents_at)));

    g_byte_array_append (covered, (const guint8 *) out->str, (guint) contents_at);
    g_byte_array_append (covered, (const guint8 *) out->str + contents_end, (guint) (out->len - contents_end));
    signed_data.data = covered->data;
    signed_data.size = covered->len;
    if ((rc = gnutls_pkcs7_init (&pkcs7)) < 0 ||
        (rc = gnutls_pkcs7_sign (pkcs7, signer->chain[0], signer->key, &signed_data, NULL, NULL,
                                 GNUTLS_DIG_SHA256, GNUTLS_PKCS7_INCLUDE_CERT | GNUTLS_PKCS7_INCLUDE_TIME)) < 0 ||
        (rc = gnutls_pkcs7_export2 (pkcs7, GNUTLS_X509_FMT_DER, &cms)) < 0)
      {
        g_byte_array_unref (covered);
        if (pkcs7)
          gnutls_pkcs7_deinit (pkcs7);
        g_string_free (out, TRUE);
        tls_fail (error, PZ_SIGN_ERROR_KEY, _("The document could not be signed"), rc);
        return NULL;
      }
    g_byte_array_unref (covered);
    gnutls_pkcs7_deinit (pkcs7);
  }
  if (cms.size > SIG_SPACE)
    {
      gnutls_free (cms.data);
      g_string_free (out, TRUE);
      g_set_error (error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_KEY, _("The signature is larger than the room kept for it"));
      return NULL;
    }
  for (unsigned int i = 0; i < cms.size; i++)
    {
      static const char hex[] = "0123456789abcdef";
      out->str[contents_at + 1 + i * 2] = hex[cms.data[i] >> 4];
      out->str[contents_at + 2 + i * 2] = hex[cms.data[i] & 15];
    }
  gnutls_free (cms.data);
  {
    gsize out_len = out->len;
    return g_bytes_new_take (g_string_free (out, FALSE), out_len);
  }

bad:
  g_set_error (error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_PDF, _("The permit PDF cannot take a signature"));
  return NULL;
}
