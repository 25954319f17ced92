/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-sign"

#include "config.h"

#include <gnutls/gnutls.h>
#include <gnutls/ocsp.h>
#include <gnutls/pkcs7.h>
#include <gnutls/x509.h>
#include <libsoup/soup.h>
#include <string.h>

#include "pz-der.h"
#include "pz-dss.h"
#include "pz-timestamp.h"

/* Gathering a signature's validation data: the certificates its CMS and
 * its timestamp token carry and the signer's chain, and, when the office
 * allows the server to go out for them, the CRLs and OCSP responses the
 * certificates point to.  An authority that cannot be reached costs a
 * short wait and leaves the data without its revocation part; it never
 * stops a signing. */

/* a CRL of a national CA can be large; nothing of ours is larger */
#define MAX_FETCH (4 * 1024 * 1024)
/* no certificate needs more places looked at */
#define MAX_URLS_PER_CERT 3

static void
add_pkcs7_certs (GPtrArray *certs,
                 GBytes    *der)
{
  gnutls_pkcs7_t pkcs7 = NULL;
  gnutls_datum_t in;
  gsize len;
  int count;

  if (der == NULL)
    return;
  in.data = (unsigned char *) g_bytes_get_data (der, &len);
  in.size = (unsigned int) len;
  if (gnutls_pkcs7_init (&pkcs7) < 0)
    return;
  if (gnutls_pkcs7_import (pkcs7, &in, GNUTLS_X509_FMT_DER) >= 0)
    {
      count = gnutls_pkcs7_get_crt_count (pkcs7);
      for (int i = 0; i < count; i++)
        {
          gnutls_datum_t raw = { NULL, 0 };

          if (gnutls_pkcs7_get_crt_raw2 (pkcs7, (unsigned) i, &raw) >= 0)
            {
              g_autoptr(GBytes) crt = g_bytes_new (raw.data, raw.size);
              pz_validation_data_add (certs, crt);
            }
          gnutls_free (raw.data);
        }
    }
  gnutls_pkcs7_deinit (pkcs7);
}

gnutls_x509_crt_t
pz_validation_certificate (GBytes *der)
{
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t in;
  gsize len;

  in.data = (unsigned char *) g_bytes_get_data (der, &len);
  in.size = (unsigned int) len;
  if (gnutls_x509_crt_init (&crt) < 0)
    return NULL;
  if (gnutls_x509_crt_import (crt, &in, GNUTLS_X509_FMT_DER) < 0)
    {
      gnutls_x509_crt_deinit (crt);
      return NULL;
    }
  return crt;
}

static GBytes *
fetch (SoupSession *session,
       const char  *method,
       const char  *url,
       const char  *content_type,
       GBytes      *body)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) local = NULL;

  if (!g_str_has_prefix (url, "http://") && !g_str_has_prefix (url, "https://"))
    return NULL;
  if (!(msg = soup_message_new (method, url)))
    return NULL;
  if (body)
    soup_message_set_request_body_from_bytes (msg, content_type, body);
  reply = soup_session_send_and_read (session, msg, NULL, &local);
  if (reply == NULL)
    {
      g_message ("validation data: %s cannot be reached (%s)", url, local->message);
      return NULL;
    }
  if (soup_message_get_status (msg) != SOUP_STATUS_OK || g_bytes_get_size (reply) > MAX_FETCH)
    {
      g_message ("validation data: %s answered with HTTP status %u", url, soup_message_get_status (msg));
      return NULL;
    }
  return g_steal_pointer (&reply);
}

/* A CRL of @issuer from @url, DER, if it is one and @issuer signed it. */
static GBytes *
fetch_crl (SoupSession      *session,
           const char       *url,
           gnutls_x509_crt_t issuer)
{
  g_autoptr(GBytes) got = fetch (session, "GET", url, NULL, NULL);
  gnutls_x509_crl_t crl = NULL;
  gnutls_datum_t in, der = { NULL, 0 };
  unsigned int status = 1;
  GBytes *out = NULL;
  gsize len;

  if (got == NULL || gnutls_x509_crl_init (&crl) < 0)
    return NULL;
  in.data = (unsigned char *) g_bytes_get_data (got, &len);
  in.size = (unsigned int) len;
  if ((gnutls_x509_crl_import (crl, &in, GNUTLS_X509_FMT_DER) >= 0 ||
       gnutls_x509_crl_import (crl, &in, GNUTLS_X509_FMT_PEM) >= 0) &&
      gnutls_x509_crl_verify (crl, &issuer, 1, 0, &status) >= 0 && status == 0 &&
      gnutls_x509_crl_export2 (crl, GNUTLS_X509_FMT_DER, &der) >= 0)
    out = g_bytes_new (der.data, der.size);
  else
    g_message ("validation data: %s holds no CRL of the certificate's issuer", url);
  gnutls_free (der.data);
  gnutls_x509_crl_deinit (crl);
  return out;
}

/* An OCSP response on @crt from @url, if it is one and it verifies. */
static GBytes *
fetch_ocsp (SoupSession      *session,
            const char       *url,
            gnutls_x509_crt_t crt,
            gnutls_x509_crt_t issuer)
{
  gnutls_ocsp_req_t req = NULL;
  gnutls_ocsp_resp_t resp = NULL;
  gnutls_datum_t req_der = { NULL, 0 }, in;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) got = NULL;
  gnutls_x509_trust_list_t trust = NULL;
  unsigned int verify = 1;
  GBytes *out = NULL;
  gsize len;

  if (gnutls_ocsp_req_init (&req) < 0)
    return NULL;
  if (gnutls_ocsp_req_add_cert (req, GNUTLS_DIG_SHA1, issuer, crt) < 0 || gnutls_ocsp_req_export (req, &req_der) < 0)
    {
      gnutls_ocsp_req_deinit (req);
      return NULL;
    }
  gnutls_ocsp_req_deinit (req);
  body = g_bytes_new (req_der.data, req_der.size);
  gnutls_free (req_der.data);
  if (!(got = fetch (session, "POST", url, "application/ocsp-request", body)) || gnutls_ocsp_resp_init (&resp) < 0)
    return NULL;
  in.data = (unsigned char *) g_bytes_get_data (got, &len);
  in.size = (unsigned int) len;
  if (gnutls_ocsp_resp_import (resp, &in) >= 0 && gnutls_ocsp_resp_get_status (resp) == GNUTLS_OCSP_RESP_SUCCESSFUL &&
      gnutls_ocsp_resp_check_crt (resp, 0, crt) >= 0 && gnutls_x509_trust_list_init (&trust, 0) >= 0)
    {
      gnutls_x509_crt_t anchor = NULL;
      gnutls_datum_t issuer_der = { NULL, 0 };

      /* the issuer itself, or a responder it delegated to */
      if (gnutls_x509_crt_export2 (issuer, GNUTLS_X509_FMT_DER, &issuer_der) >= 0 &&
          gnutls_x509_crt_init (&anchor) >= 0 &&
          gnutls_x509_crt_import (anchor, &issuer_der, GNUTLS_X509_FMT_DER) >= 0 &&
          gnutls_x509_trust_list_add_cas (trust, &anchor, 1, 0) == 1)
        {
          anchor = NULL;   /* the list's now */
          if (gnutls_ocsp_resp_verify (resp, trust, &verify, 0) >= 0 && verify == 0)
            out = g_bytes_ref (got);
        }
      if (anchor)
        gnutls_x509_crt_deinit (anchor);
      gnutls_free (issuer_der.data);
      gnutls_x509_trust_list_deinit (trust, 1);
    }
  if (out == NULL)
    g_message ("validation data: %s gave no valid OCSP response", url);
  gnutls_ocsp_resp_deinit (resp);
  return out;
}

static void
fetch_revocation (PzValidationData *data,
                  guint             timeout_seconds)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", timeout_seconds,
                                                                  "idle-timeout", timeout_seconds,
                                                                  "user-agent", "perizinan-server", NULL);
  g_autoptr(GPtrArray) crts = g_ptr_array_new_with_free_func ((GDestroyNotify) gnutls_x509_crt_deinit);
  g_autoptr(GHashTable) tried = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < data->certs->len; i++)
    {
      gnutls_x509_crt_t crt = pz_validation_certificate (g_ptr_array_index (data->certs, i));
      if (crt)
        g_ptr_array_add (crts, crt);
    }
  data->revocation_fetched = TRUE;
  for (guint i = 0; i < crts->len; i++)
    {
      gnutls_x509_crt_t crt = g_ptr_array_index (crts, i), issuer = NULL;
      guint urls = 0;

      /* a root vouches for itself */
      if (gnutls_x509_crt_check_issuer (crt, crt))
        continue;
      for (guint j = 0; j < crts->len && issuer == NULL; j++)
        if (j != i && gnutls_x509_crt_check_issuer (crt, g_ptr_array_index (crts, j)))
          issuer = g_ptr_array_index (crts, j);
      if (issuer == NULL)
        continue;
      for (unsigned int seq = 0; urls < MAX_URLS_PER_CERT; seq++)
        {
          char buf[1024];
          size_t size = sizeof buf - 1;
          unsigned int reason = 0;
          int type = gnutls_x509_crt_get_crl_dist_points (crt, seq, buf, &size, &reason, NULL);
          g_autoptr(GBytes) crl = NULL;

          if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE || type == GNUTLS_E_SHORT_MEMORY_BUFFER)
            break;
          if (type != GNUTLS_SAN_URI)
            continue;
          buf[size] = '\0';
          urls++;
          if (g_hash_table_contains (tried, buf))
            continue;
          g_hash_table_add (tried, g_strdup (buf));
          if ((crl = fetch_crl (session, buf, issuer)))
            pz_validation_data_add (data->crls, crl);
        }
      for (unsigned int seq = 0; seq < MAX_URLS_PER_CERT; seq++)
        {
          gnutls_datum_t uri = { NULL, 0 };
          g_autofree char *url = NULL;
          g_autoptr(GBytes) ocsp = NULL;

          if (gnutls_x509_crt_get_authority_info_access (crt, seq, GNUTLS_IA_OCSP_URI, &uri, NULL) < 0)
            break;
          url = g_strndup ((const char *) uri.data, uri.size);
          gnutls_free (uri.data);
          if ((ocsp = fetch_ocsp (session, url, crt, issuer)))
            pz_validation_data_add (data->ocsps, ocsp);
        }
    }
}

/**
 * pz_validation_collect:
 * @cms: a signature's CMS SignedData, DER
 * @chain: (nullable) (element-type GBytes): the signer's certificates,
 *   as the backend holds them
 * @fetch: whether to fetch CRLs and OCSP responses from the places the
 *   certificates name
 * @timeout_seconds: how long to wait for each
 *
 * Slow with @fetch: call it off the main loop.
 *
 * Returns: (transfer full): the validation data of the signature
 */
PzValidationData *
pz_validation_collect (GBytes    *cms,
                       GPtrArray *chain,
                       gboolean   fetch,
                       guint      timeout_seconds)
{
  PzValidationData *data = pz_validation_data_new ();
  g_autoptr(GBytes) token = cms ? pz_cms_timestamp_token (cms) : NULL;

  for (guint i = 0; chain && i < chain->len; i++)
    pz_validation_data_add (data->certs, g_ptr_array_index (chain, i));
  add_pkcs7_certs (data->certs, cms);
  add_pkcs7_certs (data->certs, token);
  if (fetch)
    fetch_revocation (data, timeout_seconds ? timeout_seconds : 5);
  return data;
}

/**
 * pz_pdf_signature_cms:
 * @pdf: a signed PDF
 *
 * Returns: (transfer full) (nullable): the CMS of its last signature, DER
 */
GBytes *
pz_pdf_signature_cms (GBytes *pdf)
{
  gsize len;
  const char *data = g_bytes_get_data (pdf, &len);
  const char *at = NULL;
  g_autoptr(GByteArray) der = g_byte_array_new ();
  PzDer cur, whole;
  guint8 tag;

  for (const char *p = data; (p = memmem (p, len - (gsize) (p - data), "/Contents <", 11)); p += 11)
    at = p;
  if (at == NULL)
    return NULL;
  for (const char *p = at + 11; p + 1 < data + len && g_ascii_isxdigit (p[0]) && g_ascii_isxdigit (p[1]); p += 2)
    {
      guint8 b = (guint8) (g_ascii_xdigit_value (p[0]) << 4 | g_ascii_xdigit_value (p[1]));
      g_byte_array_append (der, &b, 1);
    }
  cur = (PzDer) { der->data, der->len };
  if (!pz_der_next (&cur, &tag, NULL, &whole) || tag != PZ_DER_SEQUENCE)
    return NULL;
  return g_bytes_new (whole.data, whole.len);
}

/* Whether @crt is revoked by a CRL of @data its issuer signed, or an OCSP
 * response of @data on it. */
static gboolean
is_revoked (const PzValidationData *data,
            gnutls_x509_crt_t       crt,
            gnutls_x509_crt_t       issuer)
{
  for (guint i = 0; i < data->crls->len; i++)
    {
      gnutls_x509_crl_t crl = NULL;
      gnutls_datum_t in;
      gsize len;
      unsigned int status = 1;
      gboolean revoked = FALSE;

      in.data = (unsigned char *) g_bytes_get_data (g_ptr_array_index (data->crls, i), &len);
      in.size = (unsigned int) len;
      if (gnutls_x509_crl_init (&crl) < 0)
        continue;
      if (gnutls_x509_crl_import (crl, &in, GNUTLS_X509_FMT_DER) >= 0 &&
          gnutls_x509_crl_verify (crl, &issuer, 1, GNUTLS_VERIFY_DISABLE_TIME_CHECKS, &status) >= 0 && status == 0)
        revoked = gnutls_x509_crt_check_revocation (crt, &crl, 1) == 1;
      gnutls_x509_crl_deinit (crl);
      if (revoked)
        return TRUE;
    }
  for (guint i = 0; i < data->ocsps->len; i++)
    {
      gnutls_ocsp_resp_t resp = NULL;
      gnutls_datum_t in;
      gsize len;
      unsigned int cert_status = GNUTLS_OCSP_CERT_UNKNOWN;
      gboolean revoked = FALSE;

      in.data = (unsigned char *) g_bytes_get_data (g_ptr_array_index (data->ocsps, i), &len);
      in.size = (unsigned int) len;
      if (gnutls_ocsp_resp_init (&resp) < 0)
        continue;
      if (gnutls_ocsp_resp_import (resp, &in) >= 0 && gnutls_ocsp_resp_check_crt (resp, 0, crt) >= 0 &&
          gnutls_ocsp_resp_get_single (resp, 0, NULL, NULL, NULL, NULL, &cert_status, NULL, NULL, NULL, NULL) >= 0)
        revoked = cert_status == GNUTLS_OCSP_CERT_REVOKED;
      gnutls_ocsp_resp_deinit (resp);
      if (revoked)
        return TRUE;
    }
  return FALSE;
}

/**
 * pz_validation_find_revoked:
 * @data: validation data
 *
 * Returns: (transfer full) (nullable): the subject of a certificate of
 *   @data that its revocation data says is revoked, or %NULL for none
 */
char *
pz_validation_find_revoked (const PzValidationData *data)
{
  g_autoptr(GPtrArray) crts = g_ptr_array_new_with_free_func ((GDestroyNotify) gnutls_x509_crt_deinit);
  char *found = NULL;

  if (data->crls->len == 0 && data->ocsps->len == 0)
    return NULL;
  for (guint i = 0; i < data->certs->len; i++)
    {
      gnutls_x509_crt_t crt = pz_validation_certificate (g_ptr_array_index (data->certs, i));
      if (crt)
        g_ptr_array_add (crts, crt);
    }
  for (guint i = 0; i < crts->len && found == NULL; i++)
    {
      gnutls_x509_crt_t crt = g_ptr_array_index (crts, i);

      if (gnutls_x509_crt_check_issuer (crt, crt))
        continue;
      for (guint j = 0; j < crts->len && found == NULL; j++)
        if (j != i && gnutls_x509_crt_check_issuer (crt, g_ptr_array_index (crts, j)) &&
            is_revoked (data, crt, g_ptr_array_index (crts, j)))
          {
            gnutls_datum_t dn = { NULL, 0 };

            found = gnutls_x509_crt_get_dn3 (crt, &dn, 0) >= 0 ? g_strndup ((const char *) dn.data, dn.size)
                                                                : g_strdup ("");
            gnutls_free (dn.data);
          }
    }
  return found;
}
