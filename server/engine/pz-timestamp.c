/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-sign"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/pkcs7.h>
#include <gnutls/x509.h>
#include <libsoup/soup.h>
#include <string.h>

#include "pz-der.h"
#include "pz-signer.h"
#include "pz-timestamp.h"

/* PAdES B-T: a signature timestamp (RFC 3161) over the signature value,
 * from the timestamp authority the office names, kept in the signer's
 * unsigned attributes.  GnuTLS has no TSP client: the request, the reply
 * and the CMS patch are written here in the little DER they need. */

#define OID_SIGNED_DATA "1.2.840.113549.1.7.2"
#define MAX_REPLY (256 * 1024)

void
pz_timestamp_info_clear (PzTimestampInfo *info)
{
  g_clear_pointer (&info->nonce, g_bytes_unref);
  g_clear_pointer (&info->authority, g_free);
  memset (info, 0, sizeof *info);
}

/* The parts of a CMS SignedData with one signer that a timestamp needs. */
typedef struct
{
  PzDer content_type;    /* the ContentInfo's contentType, whole */
  PzDer before_signers;  /* the SignedData's content before signerInfos */
  PzDer signer_head;     /* the SignerInfo's content up to its unsigned attributes */
  PzDer signature;       /* the signature value */
  PzDer unsigned_attrs;  /* the content of [1], or empty */
} CmsParts;

static gboolean
cms_parts (const guint8 *data,
           gsize         len,
           CmsParts     *out)
{
  PzDer top = { data, len }, ci, wrap, sd, oid, el, signers, si, cur;
  guint8 tag = 0;

  memset (out, 0, sizeof *out);
  if (!pz_der_expect (&top, PZ_DER_SEQUENCE, &ci, NULL) || top.len != 0 ||
      !pz_der_expect (&ci, PZ_DER_OID, &oid, &out->content_type) || !pz_der_is_oid (&oid, OID_SIGNED_DATA) ||
      !pz_der_expect (&ci, PZ_DER_CONTEXT (0), &wrap, NULL) ||
      !pz_der_expect (&wrap, PZ_DER_SEQUENCE, &sd, NULL))
    return FALSE;
  /* signerInfos is the last element of SignedData */
  cur = sd;
  while (cur.len)
    {
      const guint8 *at = cur.data;

      if (!pz_der_next (&cur, &tag, &el, NULL))
        return FALSE;
      if (cur.len == 0)
        {
          out->before_signers = (PzDer) { sd.data, (gsize) (at - sd.data) };
          signers = el;
        }
    }
  if (tag != PZ_DER_SET || !pz_der_expect (&signers, PZ_DER_SEQUENCE, &si, NULL) || signers.len != 0)
    return FALSE;
  cur = si;
  if (!pz_der_expect (&cur, PZ_DER_INTEGER, NULL, NULL) || !pz_der_next (&cur, &tag, NULL, NULL) ||
      !pz_der_expect (&cur, PZ_DER_SEQUENCE, NULL, NULL))
    return FALSE;
  (void) pz_der_expect (&cur, PZ_DER_CONTEXT (0), NULL, NULL);
  if (!pz_der_expect (&cur, PZ_DER_SEQUENCE, NULL, NULL) ||
      !pz_der_expect (&cur, PZ_DER_OCTET_STRING, &out->signature, NULL))
    return FALSE;
  out->signer_head = (PzDer) { si.data, (gsize) (cur.data - si.data) };
  out->unsigned_attrs = (PzDer) { cur.data, 0 };
  if (cur.len && !pz_der_expect (&cur, PZ_DER_CONTEXT (1), &out->unsigned_attrs, NULL))
    return FALSE;
  return cur.len == 0;
}

/**
 * pz_cms_signature_value:
 * @cms: a CMS SignedData with one signer, DER
 * @value: (out): the signer's signature value
 *
 * Returns: whether @cms is such a signature
 */
gboolean
pz_cms_signature_value (GBytes  *cms,
                        GBytes **value)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (cms, &len);
  CmsParts parts;

  if (!cms_parts (data, len, &parts))
    return FALSE;
  *value = g_bytes_new (parts.signature.data, parts.signature.len);
  return TRUE;
}

/**
 * pz_cms_timestamp_token:
 * @cms: a CMS SignedData with one signer, DER
 *
 * Returns: (transfer full) (nullable): the signature timestamp token
 *   among the signer's unsigned attributes, DER
 */
GBytes *
pz_cms_timestamp_token (GBytes *cms)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (cms, &len);
  CmsParts parts;
  PzDer cur;

  if (!cms_parts (data, len, &parts))
    return NULL;
  cur = parts.unsigned_attrs;
  while (cur.len)
    {
      PzDer attr, oid, values, token;

      if (!pz_der_expect (&cur, PZ_DER_SEQUENCE, &attr, NULL) ||
          !pz_der_expect (&attr, PZ_DER_OID, &oid, NULL) ||
          !pz_der_expect (&attr, PZ_DER_SET, &values, NULL))
        return NULL;
      if (pz_der_is_oid (&oid, PZ_OID_SIGNATURE_TIMESTAMP) &&
          pz_der_expect (&values, PZ_DER_SEQUENCE, NULL, &token))
        return g_bytes_new (token.data, token.len);
    }
  return NULL;
}

static GBytes *
timestamp_query (const guint8  hash[32],
                 const guint8 *nonce,
                 gsize         nonce_len)
{
  g_autoptr(GByteArray) alg = g_byte_array_new ();
  g_autoptr(GByteArray) imprint = g_byte_array_new ();
  g_autoptr(GByteArray) body = g_byte_array_new ();
  GByteArray *req = g_byte_array_new ();
  static const guint8 one = 1, yes = 0xff;

  pz_der_append_oid (alg, PZ_OID_SHA256);
  pz_der_append (alg, PZ_DER_NULL, NULL, 0);
  pz_der_append (imprint, PZ_DER_SEQUENCE, alg->data, alg->len);
  pz_der_append (imprint, PZ_DER_OCTET_STRING, hash, 32);
  pz_der_append (body, PZ_DER_INTEGER, &one, 1);
  pz_der_append (body, PZ_DER_SEQUENCE, imprint->data, imprint->len);
  pz_der_append (body, PZ_DER_INTEGER, nonce, nonce_len);
  pz_der_append (body, PZ_DER_BOOLEAN, &yes, 1);   /* certReq: the authority's certificate in the token */
  pz_der_append (req, PZ_DER_SEQUENCE, body->data, body->len);
  return g_byte_array_free_to_bytes (req);
}

static gboolean
timestamp_fail (GError    **error,
                const char *format,
                ...) G_GNUC_PRINTF (2, 3);

static gboolean
timestamp_fail (GError    **error,
                const char *format,
                ...)
{
  va_list args;
  g_autofree char *what = NULL;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_TIMESTAMP,
               _("The signature could not be timestamped: %s. Nothing was signed; try again later"), what);
  return FALSE;
}

/**
 * pz_timestamp_read_token:
 * @token: a TimeStampToken (a CMS SignedData over a TSTInfo), DER
 * @info: (out caller-allocates): what it says; clear it with
 *   pz_timestamp_info_clear()
 * @error: return location for an error
 *
 * Reads the token and checks its signature against the certificate it
 * carries (whether that authority is trusted is the reader's to judge).
 *
 * Returns: whether @token is a timestamp token
 */
gboolean
pz_timestamp_read_token (GBytes          *token,
                         PzTimestampInfo *info,
                         GError         **error)
{
  gnutls_pkcs7_t pkcs7 = NULL;
  gnutls_datum_t in, tst = { NULL, 0 };
  const char *type;
  gsize len;
  PzDer cur, seq, imprint, alg, oid, hash, when;
  guint8 tag;
  gboolean ok = FALSE;
  int count;

  memset (info, 0, sizeof *info);
  in.data = (unsigned char *) g_bytes_get_data (token, &len);
  in.size = (unsigned int) len;
  if (gnutls_pkcs7_init (&pkcs7) < 0)
    return timestamp_fail (error, "%s", _("out of memory"));
  if (gnutls_pkcs7_import (pkcs7, &in, GNUTLS_X509_FMT_DER) < 0 ||
      !(type = gnutls_pkcs7_get_embedded_data_oid (pkcs7)) || strcmp (type, PZ_OID_TST_INFO) != 0 ||
      gnutls_pkcs7_get_embedded_data (pkcs7, 0, &tst) < 0)
    goto out;
  cur = (PzDer) { tst.data, tst.size };
  if (!pz_der_expect (&cur, PZ_DER_SEQUENCE, &seq, NULL) ||
      !pz_der_expect (&seq, PZ_DER_INTEGER, NULL, NULL) ||
      !pz_der_expect (&seq, PZ_DER_OID, NULL, NULL) ||
      !pz_der_expect (&seq, PZ_DER_SEQUENCE, &imprint, NULL) ||
      !pz_der_expect (&imprint, PZ_DER_SEQUENCE, &alg, NULL) ||
      !pz_der_expect (&alg, PZ_DER_OID, &oid, NULL) || !pz_der_is_oid (&oid, PZ_OID_SHA256) ||
      !pz_der_expect (&imprint, PZ_DER_OCTET_STRING, &hash, NULL) || hash.len != 32 ||
      !pz_der_expect (&seq, PZ_DER_INTEGER, NULL, NULL) ||
      !pz_der_expect (&seq, PZ_DER_GENERALIZED_TIME, &when, NULL) ||
      (info->gen_time = pz_der_parse_time (&when, PZ_DER_GENERALIZED_TIME)) < 0)
    goto out;
  memcpy (info->imprint, hash.data, 32);
  /* accuracy and ordering may come before the nonce */
  while (seq.len)
    {
      PzDer el;

      if (!pz_der_next (&seq, &tag, &el, NULL))
        goto out;
      if (tag == PZ_DER_INTEGER)
        {
          info->nonce = g_bytes_new (el.data, el.len);
          break;
        }
      if (tag != PZ_DER_SEQUENCE && tag != PZ_DER_BOOLEAN)
        break;
    }
  count = gnutls_pkcs7_get_crt_count (pkcs7);
  for (int i = 0; i < count && !info->signature_valid; i++)
    {
      gnutls_datum_t raw = { NULL, 0 }, dn = { NULL, 0 };
      gnutls_x509_crt_t crt = NULL;

      if (gnutls_pkcs7_get_crt_raw2 (pkcs7, (unsigned) i, &raw) < 0)
        continue;
      if (gnutls_x509_crt_init (&crt) >= 0 && gnutls_x509_crt_import (crt, &raw, GNUTLS_X509_FMT_DER) >= 0 &&
          gnutls_pkcs7_verify_direct (pkcs7, crt, 0, NULL, 0) >= 0)
        {
          info->signature_valid = TRUE;
          if (gnutls_x509_crt_get_dn3 (crt, &dn, 0) >= 0)
            info->authority = g_strndup ((const char *) dn.data, dn.size);
          gnutls_free (dn.data);
        }
      if (crt)
        gnutls_x509_crt_deinit (crt);
      gnutls_free (raw.data);
    }
  if (info->authority == NULL)
    info->authority = g_strdup ("");
  ok = TRUE;

out:
  gnutls_free (tst.data);
  gnutls_pkcs7_deinit (pkcs7);
  if (!ok)
    {
      pz_timestamp_info_clear (info);
      return timestamp_fail (error, "%s", _("the authority's answer is not a timestamp token"));
    }
  return TRUE;
}

/**
 * pz_timestamp_request:
 * @url: the timestamp authority (RFC 3161 over HTTP)
 * @timeout_seconds: how long to wait for it
 * @hash: the SHA-256 to stamp
 * @error: return location for a %PZ_SIGN_ERROR_TIMESTAMP error
 *
 * Asks for a timestamp of @hash, with a fresh nonce and the authority's
 * certificate, and checks the answer: granted, a token over @hash, with
 * that nonce, whose signature verifies.
 *
 * Returns: (transfer full): the TimeStampToken, DER
 */
GBytes *
pz_timestamp_request (const char  *url,
                      guint        timeout_seconds,
                      const guint8 hash[32],
                      GError     **error)
{
  guint8 nonce[8];
  g_autoptr(GBytes) query = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(GBytes) token = NULL;
  PzTimestampInfo info;
  PzDer cur, resp, status, value, whole;
  gsize len;
  const char *type;

  if (gnutls_rnd (GNUTLS_RND_NONCE, nonce, sizeof nonce) < 0)
    {
      timestamp_fail (error, "%s", _("no random numbers"));
      return NULL;
    }
  nonce[0] = (guint8) ((nonce[0] & 0x7f) | 0x40);   /* positive, and no leading zero byte */
  query = timestamp_query (hash, nonce, sizeof nonce);

  msg = soup_message_new ("POST", url);
  if (msg == NULL)
    {
      timestamp_fail (error, _("“%s” is not the address of a timestamp authority"), url);
      return NULL;
    }
  session = soup_session_new_with_options ("timeout", timeout_seconds, "idle-timeout", timeout_seconds,
                                           "user-agent", "perizinan-server", NULL);
  soup_message_set_request_body_from_bytes (msg, "application/timestamp-query", query);
  reply = soup_session_send_and_read (session, msg, NULL, &local);
  if (reply == NULL)
    {
      timestamp_fail (error, _("the authority at %s cannot be reached (%s)"), url, local->message);
      return NULL;
    }
  if (soup_message_get_status (msg) != SOUP_STATUS_OK)
    {
      timestamp_fail (error, _("the authority at %s answered with HTTP status %u"), url,
                      soup_message_get_status (msg));
      return NULL;
    }
  type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL);
  cur.data = g_bytes_get_data (reply, &len);
  cur.len = len;
  if (len > MAX_REPLY || g_strcmp0 (type, "application/timestamp-reply") != 0 ||
      !pz_der_expect (&cur, PZ_DER_SEQUENCE, &resp, NULL) || cur.len != 0 ||
      !pz_der_expect (&resp, PZ_DER_SEQUENCE, &status, NULL) ||
      !pz_der_expect (&status, PZ_DER_INTEGER, &value, NULL) || value.len != 1)
    {
      timestamp_fail (error, _("the authority at %s did not answer with a timestamp"), url);
      return NULL;
    }
  /* granted (0) or granted with modifications (1) */
  if (value.data[0] > 1)
    {
      timestamp_fail (error, _("the authority at %s refused to stamp it (status %d)"), url, value.data[0]);
      return NULL;
    }
  if (!pz_der_expect (&resp, PZ_DER_SEQUENCE, NULL, &whole))
    {
      timestamp_fail (error, _("the authority at %s did not answer with a timestamp"), url);
      return NULL;
    }
  token = g_bytes_new (whole.data, whole.len);
  if (!pz_timestamp_read_token (token, &info, error))
    return NULL;
  if (memcmp (info.imprint, hash, 32) != 0)
    timestamp_fail (error, "%s", _("the timestamp is not of this signature"));
  else if (info.nonce == NULL || g_bytes_get_size (info.nonce) != sizeof nonce ||
           memcmp (g_bytes_get_data (info.nonce, NULL), nonce, sizeof nonce) != 0)
    timestamp_fail (error, "%s", _("the timestamp answers another request"));
  else if (!info.signature_valid)
    timestamp_fail (error, "%s", _("the timestamp's own signature does not verify"));
  else
    {
      pz_timestamp_info_clear (&info);
      return g_steal_pointer (&token);
    }
  pz_timestamp_info_clear (&info);
  return NULL;
}

/**
 * pz_cms_add_timestamp:
 * @cms: a CMS SignedData with one signer, DER
 * @url: the timestamp authority
 * @timeout_seconds: how long to wait for it
 * @error: return location for a %PZ_SIGN_ERROR_TIMESTAMP error
 *
 * Returns: (transfer full): @cms with a signature timestamp token
 *   (id-aa-signatureTimeStampToken) among the signer's unsigned
 *   attributes
 */
GBytes *
pz_cms_add_timestamp (GBytes     *cms,
                      const char *url,
                      guint       timeout_seconds,
                      GError    **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (cms, &len);
  CmsParts parts;
  guint8 hash[32];
  g_autoptr(GBytes) token = NULL;
  g_autoptr(GByteArray) values = g_byte_array_new ();
  g_autoptr(GByteArray) attr = g_byte_array_new ();
  g_autoptr(GByteArray) attrs = g_byte_array_new ();
  g_autoptr(GByteArray) si = g_byte_array_new ();
  g_autoptr(GByteArray) signer = g_byte_array_new ();
  g_autoptr(GByteArray) signers = g_byte_array_new ();
  g_autoptr(GByteArray) sd = g_byte_array_new ();
  g_autoptr(GByteArray) sd_seq = g_byte_array_new ();
  g_autoptr(GByteArray) ci = g_byte_array_new ();
  GByteArray *out = g_byte_array_new ();

  if (!cms_parts (data, len, &parts))
    {
      g_byte_array_unref (out);
      timestamp_fail (error, "%s", _("the signature is not a CMS signature of one signer"));
      return NULL;
    }
  gnutls_hash_fast (GNUTLS_DIG_SHA256, parts.signature.data, parts.signature.len, hash);
  token = pz_timestamp_request (url, timeout_seconds, hash, error);
  if (token == NULL)
    {
      g_byte_array_unref (out);
      return NULL;
    }
  pz_der_append (values, PZ_DER_SET, g_bytes_get_data (token, NULL), g_bytes_get_size (token));
  pz_der_append_oid (attr, PZ_OID_SIGNATURE_TIMESTAMP);
  g_byte_array_append (attr, values->data, values->len);
  g_byte_array_append (attrs, parts.unsigned_attrs.data, (guint) parts.unsigned_attrs.len);
  pz_der_append (attrs, PZ_DER_SEQUENCE, attr->data, attr->len);

  g_byte_array_append (si, parts.signer_head.data, (guint) parts.signer_head.len);
  pz_der_append (si, PZ_DER_CONTEXT (1), attrs->data, attrs->len);
  pz_der_append (signer, PZ_DER_SEQUENCE, si->data, si->len);
  pz_der_append (signers, PZ_DER_SET, signer->data, signer->len);
  g_byte_array_append (sd, parts.before_signers.data, (guint) parts.before_signers.len);
  g_byte_array_append (sd, signers->data, signers->len);
  pz_der_append (sd_seq, PZ_DER_SEQUENCE, sd->data, sd->len);
  g_byte_array_append (ci, parts.content_type.data, (guint) parts.content_type.len);
  pz_der_append (ci, PZ_DER_CONTEXT (0), sd_seq->data, sd_seq->len);
  pz_der_append (out, PZ_DER_SEQUENCE, ci->data, ci->len);
  return g_byte_array_free_to_bytes (out);
}

/**
 * pz_timestamp_check_trust:
 * @token: a timestamp token (CMS SignedData over a TSTInfo), DER
 * @ca_file: the office's trust anchors for timestamp authorities (PEM)
 * @error: return location for %PZ_SIGN_ERROR_TIMESTAMP
 *
 * Checks that the authority that signed @token has a certificate for
 * timestamping that chains up to one of @ca_file, whatever the time now
 * (the token says when it was made).
 *
 * Returns: whether it does
 */
gboolean
pz_timestamp_check_trust (GBytes     *token,
                          const char *ca_file,
                          GError    **error)
{
  gnutls_x509_trust_list_t trust = NULL;
  gnutls_pkcs7_t pkcs7 = NULL;
  gnutls_datum_t in;
  gnutls_typed_vdata_st purpose = { GNUTLS_DT_KEY_PURPOSE_OID, (unsigned char *) GNUTLS_KP_TIME_STAMPING, 0 };
  gsize len;
  int anchors, rc = -1;

  if (gnutls_x509_trust_list_init (&trust, 0) < 0)
    return timestamp_fail (error, "%s", _("out of memory"));
  anchors = gnutls_x509_trust_list_add_trust_file (trust, ca_file, NULL, GNUTLS_X509_FMT_PEM, 0, 0);
  if (anchors <= 0)
    {
      gnutls_x509_trust_list_deinit (trust, 1);
      return timestamp_fail (error, _("the trusted authorities of [signing] tsa_ca (%s) cannot be read"), ca_file);
    }
  in.data = (unsigned char *) g_bytes_get_data (token, &len);
  in.size = (unsigned int) len;
  if (gnutls_pkcs7_init (&pkcs7) >= 0 && gnutls_pkcs7_import (pkcs7, &in, GNUTLS_X509_FMT_DER) >= 0)
    rc = gnutls_pkcs7_verify (pkcs7, trust, &purpose, 1, 0, NULL, 0);
  if (pkcs7)
    gnutls_pkcs7_deinit (pkcs7);
  gnutls_x509_trust_list_deinit (trust, 1);
  if (rc < 0)
    return timestamp_fail (error, _("its authority is not one the office trusts (none of [signing] tsa_ca, %s, "
                                    "vouches for it)"), ca_file);
  return TRUE;
}
