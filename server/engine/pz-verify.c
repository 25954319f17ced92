/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-sign"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/ocsp.h>
#include <gnutls/pkcs7.h>
#include <gnutls/x509.h>
#include <string.h>

#include "pz-der.h"
#include "pz-dss.h"
#include "pz-timestamp.h"
#include "pz-verify.h"

/* Checking the signatures of a PDF, whoever made it: each signature's
 * byte range, its CMS (digest, signature, certificate), its time (the
 * timestamp's, or the signer's own word) and whether the certificate was
 * valid then.  What an office's PDF holds, any holder can check. */

#define OID_MESSAGE_DIGEST "1.2.840.113549.1.9.4"

G_DEFINE_QUARK (pz - verify - error - quark, pz_verify_error)

void
pz_signature_check_free (PzSignatureCheck *check)
{
  if (check == NULL)
    return;
  g_free (check->subject);
  g_free (check->signer_name);
  g_free (check->issuer);
  g_free (check->issuer_name);
  g_free (check->timestamp_authority);
  g_free (check->revoked);
  g_free (check);
}

/**
 * pz_signature_check_ok:
 *
 * Returns: whether the bytes it covers are unchanged, the signature
 *   verifies, its time is known (and a timestamp, if any, verifies), the
 *   certificate was valid at that time and its validation data, if any,
 *   says no certificate is revoked
 */
gboolean
pz_signature_check_ok (const PzSignatureCheck *check)
{
  return check->digest_matches && check->signature_valid && check->signed_at_source != PZ_SIGNED_AT_UNKNOWN &&
         (check->timestamp_authority == NULL || check->timestamp_valid) && check->certificate_valid_then &&
         check->revoked == NULL;
}

static char *
dn_of (gnutls_x509_crt_t crt,
       gboolean          issuer)
{
  gnutls_datum_t dn = { NULL, 0 };
  char *out;

  if ((issuer ? gnutls_x509_crt_get_issuer_dn3 (crt, &dn, 0) : gnutls_x509_crt_get_dn3 (crt, &dn, 0)) < 0)
    return g_strdup ("");
  out = g_strndup ((const char *) dn.data, dn.size);
  gnutls_free (dn.data);
  return out;
}

/* The common name of the subject or the issuer: the person or the
 * authority by the name they go by, or else the whole name. */
static char *
common_name_of (gnutls_x509_crt_t crt,
                gboolean          issuer)
{
  char buf[256];
  size_t size = sizeof buf;
  int rc = issuer ? gnutls_x509_crt_get_issuer_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, buf, &size)
                  : gnutls_x509_crt_get_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, buf, &size);

  GString *name;

  if (rc < 0 || size == 0)
    return dn_of (crt, issuer);
  /* GnuTLS gives it as RFC 4514 writes it: "\<", "\\" or "\3C" */
  name = g_string_sized_new (size);
  for (size_t i = 0; i < size; i++)
    {
      if (buf[i] == '\\' && i + 2 < size && g_ascii_isxdigit (buf[i + 1]) && g_ascii_isxdigit (buf[i + 2]))
        {
          g_string_append_c (name, (char) (g_ascii_xdigit_value (buf[i + 1]) << 4 | g_ascii_xdigit_value (buf[i + 2])));
          i += 2;
        }
      else if (buf[i] == '\\' && i + 1 < size)
        g_string_append_c (name, buf[++i]);
      else
        g_string_append_c (name, buf[i]);
    }
  if (!g_utf8_validate (name->str, (gssize) name->len, NULL) || strlen (name->str) != name->len)
    {
      g_string_free (name, TRUE);
      return dn_of (crt, issuer);
    }
  return g_string_free (name, FALSE);
}

static gboolean
message_digest_is (gnutls_pkcs7_signature_info_st *info,
                   const guint8                    hash[32])
{
  for (unsigned i = 0;; i++)
    {
      char *oid = NULL;   /* the list's own */
      gnutls_datum_t value = { NULL, 0 };
      gboolean found = FALSE, same = FALSE;

      if (gnutls_pkcs7_get_attr (info->signed_attrs, i, &oid, &value, 0) < 0)
        return FALSE;
      if (g_strcmp0 (oid, OID_MESSAGE_DIGEST) == 0)
        {
          PzDer cur = { value.data, value.size }, digest;

          found = TRUE;
          same = pz_der_expect (&cur, PZ_DER_OCTET_STRING, &digest, NULL) && digest.len == 32 &&
                 memcmp (digest.data, hash, 32) == 0;
        }
      gnutls_free (value.data);
      if (found)
        return same;
    }
}

static void
check_timestamp (PzSignatureCheck *check,
                 GBytes           *cms)
{
  g_autoptr(GBytes) token = pz_cms_timestamp_token (cms);
  g_autoptr(GBytes) value = NULL;
  PzTimestampInfo info;
  guint8 hash[32];

  if (token == NULL)
    return;
  if (!pz_cms_signature_value (cms, &value) || !pz_timestamp_read_token (token, &info, NULL))
    {
      check->timestamp_authority = g_strdup ("");
      return;
    }
  gnutls_hash_fast (GNUTLS_DIG_SHA256, g_bytes_get_data (value, NULL), g_bytes_get_size (value), hash);
  check->timestamp_authority = g_strdup (info.authority);
  check->timestamp_valid = info.signature_valid && memcmp (info.imprint, hash, 32) == 0;
  if (check->timestamp_valid)
    {
      check->signed_at = info.gen_time;
      check->signed_at_source = PZ_SIGNED_AT_TIMESTAMP;
    }
  pz_timestamp_info_clear (&info);
}

/* Whether the validation data holds up on its own: the signer's
 * certificate is in it, each certificate but a root is signed by another
 * of it, each CRL by one of them, each OCSP response reads.  The times
 * are not checked: the data is for when the certificates have expired. */
static gboolean
dss_verifies (PzValidationData *dss,
              GBytes           *signer)
{
  const unsigned int flags = GNUTLS_VERIFY_DISABLE_TIME_CHECKS | GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS;
  gnutls_x509_crt_t *crts = g_new0 (gnutls_x509_crt_t, dss->certs->len + 1);
  gboolean ok = signer != NULL;
  gboolean has_signer = FALSE;

  for (guint i = 0; ok && i < dss->certs->len; i++)
    {
      ok = (crts[i] = pz_validation_certificate (g_ptr_array_index (dss->certs, i))) != NULL;
      has_signer = has_signer || (signer && g_bytes_equal (signer, g_ptr_array_index (dss->certs, i)));
    }
  ok = ok && has_signer;
  for (guint i = 0; ok && i < dss->certs->len; i++)
    {
      gboolean signed_by_one = FALSE;

      /* a root vouches for itself */
      if (gnutls_x509_crt_check_issuer (crts[i], crts[i]))
        continue;
      for (guint j = 0; j < dss->certs->len && !signed_by_one; j++)
        {
          unsigned int status = 1;

          signed_by_one = j != i && gnutls_x509_crt_check_issuer (crts[i], crts[j]) &&
                          gnutls_x509_crt_verify (crts[i], &crts[j], 1, flags, &status) >= 0 && status == 0;
        }
      ok = signed_by_one;
    }
  for (guint i = 0; ok && i < dss->crls->len; i++)
    {
      gnutls_x509_crl_t crl = NULL;
      gnutls_datum_t in;
      gsize len;
      gboolean signed_by_one = FALSE;

      in.data = (unsigned char *) g_bytes_get_data (g_ptr_array_index (dss->crls, i), &len);
      in.size = (unsigned int) len;
      if (gnutls_x509_crl_init (&crl) >= 0 && gnutls_x509_crl_import (crl, &in, GNUTLS_X509_FMT_DER) >= 0)
        for (guint j = 0; j < dss->certs->len && !signed_by_one; j++)
          {
            unsigned int status = 1;

            signed_by_one = gnutls_x509_crl_check_issuer (crl, crts[j]) &&
                            gnutls_x509_crl_verify (crl, &crts[j], 1, flags, &status) >= 0 && status == 0;
          }
      if (crl)
        gnutls_x509_crl_deinit (crl);
      ok = signed_by_one;
    }
  for (guint i = 0; ok && i < dss->ocsps->len; i++)
    {
      gnutls_ocsp_resp_t resp = NULL;
      gnutls_datum_t in;
      gsize len;

      in.data = (unsigned char *) g_bytes_get_data (g_ptr_array_index (dss->ocsps, i), &len);
      in.size = (unsigned int) len;
      ok = gnutls_ocsp_resp_init (&resp) >= 0 && gnutls_ocsp_resp_import (resp, &in) >= 0 &&
           gnutls_ocsp_resp_get_status (resp) == GNUTLS_OCSP_RESP_SUCCESSFUL;
      if (resp)
        gnutls_ocsp_resp_deinit (resp);
    }
  for (guint i = 0; i < dss->certs->len; i++)
    if (crts[i])
      gnutls_x509_crt_deinit (crts[i]);
  g_free (crts);
  return ok;
}

static PzSignatureCheck *
check_one (GBytes      *file,
           const gint64 range[4])
{
  gsize len;
  const guint8 *pdf = g_bytes_get_data (file, &len);
  PzSignatureCheck *check = g_new0 (PzSignatureCheck, 1);
  gsize hex_len = (gsize) (range[2] - range[1]);
  const guint8 *hex = pdf + range[1];
  g_autoptr(GByteArray) der = g_byte_array_new ();
  g_autoptr(GBytes) cms = NULL;
  g_autoptr(GBytes) signer_der = NULL;
  gnutls_pkcs7_t pkcs7 = NULL;
  gnutls_pkcs7_signature_info_st info;
  gnutls_hash_hd_t hd;
  gnutls_datum_t in, data;
  guint8 hash[32];
  GByteArray *covered;
  PzDer cur, whole;
  guint8 tag;
  int count;

  memset (&info, 0, sizeof info);
  check->subject = g_strdup ("");
  check->signer_name = g_strdup ("");
  check->issuer = g_strdup ("");
  check->issuer_name = g_strdup ("");
  check->whole_file = (gsize) (range[2] + range[3]) == len;
  /* the gap is the hex string of /Contents: <...> */
  if (hex_len < 2 || hex[0] != '<' || hex[hex_len - 1] != '>')
    return check;
  for (gsize i = 1; i + 2 < hex_len; i += 2)
    {
      int hi = g_ascii_xdigit_value ((char) hex[i]), lo = g_ascii_xdigit_value ((char) hex[i + 1]);
      guint8 b;

      if (hi < 0 || lo < 0)
        return check;
      b = (guint8) (hi << 4 | lo);
      g_byte_array_append (der, &b, 1);
    }
  /* the room kept is padded with zeros after the one DER element */
  cur = (PzDer) { der->data, der->len };
  if (!pz_der_next (&cur, &tag, NULL, &whole) || tag != PZ_DER_SEQUENCE)
    return check;
  cms = g_bytes_new (whole.data, whole.len);

  gnutls_hash_init (&hd, GNUTLS_DIG_SHA256);
  gnutls_hash (hd, pdf + range[0], (size_t) range[1]);
  gnutls_hash (hd, pdf + range[2], (size_t) range[3]);
  gnutls_hash_deinit (hd, hash);

  in.data = (unsigned char *) whole.data;
  in.size = (unsigned int) whole.len;
  if (gnutls_pkcs7_init (&pkcs7) < 0)
    return check;
  if (gnutls_pkcs7_import (pkcs7, &in, GNUTLS_X509_FMT_DER) < 0 ||
      gnutls_pkcs7_get_signature_info (pkcs7, 0, &info) < 0)
    {
      gnutls_pkcs7_deinit (pkcs7);
      return check;
    }
  check->digest_matches = message_digest_is (&info, hash);
  if (info.signing_time > 0)
    {
      check->signed_at = (gint64) info.signing_time;
      check->signed_at_source = PZ_SIGNED_AT_SIGNING_TIME;
    }

  covered = g_byte_array_sized_new ((guint) (range[1] + range[3]));
  g_byte_array_append (covered, pdf + range[0], (guint) range[1]);
  g_byte_array_append (covered, pdf + range[2], (guint) range[3]);
  data.data = covered->data;
  data.size = covered->len;
  count = gnutls_pkcs7_get_crt_count (pkcs7);
  /* the signer's certificate: the one its signature verifies with, or
   * else the first one that names the signer */
  for (int i = 0; i < count; i++)
    {
      gnutls_datum_t raw = { NULL, 0 };
      gnutls_x509_crt_t crt = NULL;
      gboolean verifies = FALSE;

      if (gnutls_pkcs7_get_crt_raw2 (pkcs7, (unsigned) i, &raw) < 0)
        continue;
      if (gnutls_x509_crt_init (&crt) >= 0 && gnutls_x509_crt_import (crt, &raw, GNUTLS_X509_FMT_DER) >= 0)
        {
          verifies = gnutls_pkcs7_verify_direct (pkcs7, crt, 0, &data, GNUTLS_VERIFY_DISABLE_TIME_CHECKS) >= 0;
          if (verifies || i == 0)
            {
              g_clear_pointer (&signer_der, g_bytes_unref);
              signer_der = g_bytes_new (raw.data, raw.size);
              g_free (check->subject);
              g_free (check->signer_name);
              g_free (check->issuer);
              g_free (check->issuer_name);
              check->subject = dn_of (crt, FALSE);
              check->signer_name = common_name_of (crt, FALSE);
              check->issuer = dn_of (crt, TRUE);
              check->issuer_name = common_name_of (crt, TRUE);
              check->not_before = (gint64) gnutls_x509_crt_get_activation_time (crt);
              check->not_after = (gint64) gnutls_x509_crt_get_expiration_time (crt);
            }
        }
      if (crt)
        gnutls_x509_crt_deinit (crt);
      gnutls_free (raw.data);
      if (verifies)
        {
          check->signature_valid = TRUE;
          break;
        }
    }
  g_byte_array_unref (covered);
  gnutls_pkcs7_signature_info_deinit (&info);
  gnutls_pkcs7_deinit (pkcs7);

  check_timestamp (check, cms);
  if (!check->whole_file)
    {
      /* what follows is the signature's own validation data, and nothing
       * else, and it holds up */
      g_autoptr(PzValidationData) dss = pz_dss_read (file, (gsize) (range[2] + range[3]));

      if (dss && dss_verifies (dss, signer_der))
        {
          check->whole_file = check->validation_data = TRUE;
          check->dss_certs = dss->certs->len;
          check->dss_crls = dss->crls->len;
          check->dss_ocsps = dss->ocsps->len;
          check->revoked = pz_validation_find_revoked (dss);
        }
    }
  check->certificate_valid_then = check->signed_at_source != PZ_SIGNED_AT_UNKNOWN && check->not_after > 0 &&
                                  check->not_before <= check->signed_at && check->signed_at <= check->not_after;
  return check;
}

typedef struct
{
  gint64 at[4];
} Range;

/* The four numbers of a /ByteRange at @p, each within the file. */
static gboolean
read_range (const char *p,
            const char *end,
            gsize       len,
            gint64      range[4])
{
  while (p < end && (*p == ' ' || *p == '\n' || *p == '\r'))
    p++;
  if (p >= end || *p != '[')
    return FALSE;
  p++;
  for (int i = 0; i < 4; i++)
    {
      char buf[24];
      gsize n = 0;

      while (p < end && *p == ' ')
        p++;
      while (p < end && g_ascii_isdigit (*p) && n < sizeof buf - 1)
        buf[n++] = *p++;
      if (n == 0 || n >= 16)
        return FALSE;
      buf[n] = '\0';
      range[i] = g_ascii_strtoll (buf, NULL, 10);
    }
  return range[0] == 0 && range[1] > 0 && range[2] > range[1] && range[3] >= 0 &&
         (guint64) range[2] + (guint64) range[3] <= len;
}

/**
 * pz_verify_pdf:
 * @pdf: a file
 * @error: return location for %PZ_VERIFY_ERROR_NOT_PDF, or
 *   %PZ_VERIFY_ERROR_TOO_MANY for more than %PZ_VERIFY_MAX_SIGNATURES
 *
 * Returns: (transfer container) (element-type PzSignatureCheck): one
 *   check per signature, in the file's order; empty for an unsigned PDF
 */
GPtrArray *
pz_verify_pdf (GBytes  *pdf,
               GError **error)
{
  gsize len;
  const char *data = g_bytes_get_data (pdf, &len);
  const char *end = data + len;
  GArray *ranges;
  GPtrArray *out;

  if (len < 8 || memcmp (data, "%PDF-", 5) != 0)
    {
      g_set_error (error, PZ_VERIFY_ERROR, PZ_VERIFY_ERROR_NOT_PDF, _("This is not a PDF file"));
      return NULL;
    }
  /* the ranges first, bounded, so that a file made of them costs nothing */
  ranges = g_array_new (FALSE, FALSE, sizeof (Range));
  for (const char *p = data; p < end && (p = memmem (p, (gsize) (end - p), "/ByteRange", 10)); p += 10)
    {
      Range range;

      if (!read_range (p + 10, end, len, range.at))
        continue;
      if (ranges->len == PZ_VERIFY_MAX_SIGNATURES)
        {
          g_array_unref (ranges);
          g_set_error (error, PZ_VERIFY_ERROR, PZ_VERIFY_ERROR_TOO_MANY,
                       _("This PDF holds more than %u signatures, more than any permit; it is not checked"),
                       PZ_VERIFY_MAX_SIGNATURES);
          return NULL;
        }
      g_array_append_val (ranges, range);
    }
  out = g_ptr_array_new_with_free_func ((GDestroyNotify) pz_signature_check_free);
  for (guint i = 0; i < ranges->len; i++)
    g_ptr_array_add (out, check_one (pdf, g_array_index (ranges, Range, i).at));
  g_array_unref (ranges);
  return out;
}
