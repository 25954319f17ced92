/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-sign"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/pkcs7.h>

#include "pz-der.h"
#include "pz-signer-private.h"
#include "pz-timestamp.h"

/* The part of a signing identity every backend shares: the certificate it
 * signs under, and a CMS signature made with a GnuTLS private key that
 * may be a file's key or a reference to a key on a token. */

G_DEFINE_QUARK (pz - sign - error - quark, pz_sign_error)

gboolean
pz_signer_fail (GError    **error,
                int         code,
                const char *what,
                int         rc)
{
  g_set_error (error, PZ_SIGN_ERROR, code, "%s: %s", what, gnutls_strerror (rc));
  return FALSE;
}

PzSigner *
pz_signer_new (const PzSignerBackend *backend)
{
  PzSigner *self = g_new0 (PzSigner, 1);

  self->backend = backend;
  return self;
}

/**
 * pz_signer_identity_is_pkcs11:
 * @identity: (nullable): how the configuration names a signing identity
 *
 * Returns: whether @identity is a `pkcs11:` URI (a key on a token) rather
 *   than the path of a PKCS#12 file
 */
gboolean
pz_signer_identity_is_pkcs11 (const char *identity)
{
  return identity && g_ascii_strncasecmp (identity, "pkcs11:", 7) == 0;
}

/**
 * pz_signer_open:
 * @identity: a PKCS#12 file's path, or a `pkcs11:` URI of a key on a token
 * @module: (nullable): the PKCS#11 module for a token; %NULL for the
 *   modules p11-kit knows
 * @passphrase: what unlocks the key: the file's passphrase, the token's PIN
 * @error: return location for an error; %PZ_SIGN_ERROR_PASSPHRASE if
 *   @passphrase does not unlock the key
 *
 * Returns: (transfer full): the signer, or %NULL
 */
PzSigner *
pz_signer_open (const char *identity,
                const char *module,
                const char *passphrase,
                GError    **error)
{
  if (pz_signer_identity_is_pkcs11 (identity))
    return pz_signer_open_pkcs11 (module, identity, passphrase, error);
  return pz_signer_open_pkcs12 (identity, passphrase, error);
}

void
pz_signer_free (PzSigner *signer)
{
  if (signer == NULL)
    return;
  if (signer->backend && signer->backend->close)
    signer->backend->close (signer);
  for (unsigned int i = 0; i < signer->chain_len; i++)
    gnutls_x509_crt_deinit (signer->chain[i]);
  g_free (signer->chain);
  g_free (signer->tsa_url);
  g_free (signer->tsa_ca);
  if (signer->key)
    gnutls_privkey_deinit (signer->key);
  g_free (signer);
}

/**
 * pz_signer_get_backend:
 *
 * Returns: what keeps the key: "pkcs12" or "pkcs11"
 */
const char *
pz_signer_get_backend (PzSigner *signer)
{
  return signer->backend->name;
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

/**
 * pz_signer_get_chain:
 *
 * Returns: (transfer container) (element-type GBytes): the certificates,
 *   DER, the signer's first and then each issuer the backend holds
 */
GPtrArray *
pz_signer_get_chain (PzSigner *signer)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  for (unsigned int i = 0; i < signer->chain_len; i++)
    {
      gnutls_datum_t der = { NULL, 0 };

      if (gnutls_x509_crt_export2 (signer->chain[i], GNUTLS_X509_FMT_DER, &der) < 0)
        continue;
      g_ptr_array_add (out, g_bytes_new (der.data, der.size));
      gnutls_free (der.data);
    }
  return out;
}

/**
 * pz_signer_set_timestamp_authority:
 * @signer: a signer
 * @url: (nullable): an RFC 3161 timestamp authority; %NULL for none
 * @timeout_seconds: how long to wait for it
 *
 * With an authority, each signature gets a signature timestamp (PAdES
 * B-T), and a signature that cannot be timestamped is not made.
 */
void
pz_signer_set_timestamp_authority (PzSigner   *signer,
                                   const char *url,
                                   guint       timeout_seconds)
{
  g_free (signer->tsa_url);
  signer->tsa_url = url && *url ? g_strdup (url) : NULL;
  signer->tsa_timeout = timeout_seconds ? timeout_seconds : 10;
}

/**
 * pz_signer_set_timestamp_trust:
 * @signer: a signer
 * @ca_file: (nullable): the certificates (PEM) of the authorities trusted
 *   to stamp signatures; %NULL to take any authority's word
 *
 * With it, a timestamp whose authority does not chain up to one of them
 * is refused, and nothing is signed.
 */
void
pz_signer_set_timestamp_trust (PzSigner   *signer,
                               const char *ca_file)
{
  g_free (signer->tsa_ca);
  signer->tsa_ca = ca_file && *ca_file ? g_strdup (ca_file) : NULL;
}

/**
 * pz_signer_set_validation_fetch:
 * @signer: a signer
 * @fetch: whether to fetch the CRLs and OCSP responses of the certificates
 *   from the addresses they name (the office needs a way out for it)
 * @timeout_seconds: how long to wait for each
 *
 * Without, the validation data a signature gets (PAdES B-LT) holds the
 * certificates alone.
 */
void
pz_signer_set_validation_fetch (PzSigner *signer,
                                gboolean  fetch,
                                guint     timeout_seconds)
{
  signer->validation_fetch = fetch;
  signer->validation_timeout = timeout_seconds ? timeout_seconds : 5;
}

/**
 * pz_signer_sign_cms:
 * @signer: an unlocked signer
 * @data: what to sign
 * @error: return location for an error; %PZ_SIGN_ERROR_TIMESTAMP if the
 *   timestamp authority fails
 *
 * Returns: (transfer full): a detached CMS SignedData over @data (DER),
 *   SHA-256, with the signer's certificate, the signing time and the
 *   signing certificate (ESS v2), and the signature timestamp if @signer
 *   has a timestamp authority
 */
GBytes *
pz_signer_sign_cms (PzSigner *signer,
                    GBytes   *data,
                    GError  **error)
{
  g_autoptr(GBytes) cms = signer->backend->sign_cms (signer, data, error);
  g_autoptr(GBytes) stamped = NULL;
  g_autoptr(GBytes) token = NULL;

  if (cms == NULL || signer->tsa_url == NULL)
    return g_steal_pointer (&cms);
  stamped = pz_cms_add_timestamp (cms, signer->tsa_url, signer->tsa_timeout, error);
  if (stamped == NULL || signer->tsa_ca == NULL)
    return g_steal_pointer (&stamped);
  token = pz_cms_timestamp_token (stamped);
  if (token == NULL || !pz_timestamp_check_trust (token, signer->tsa_ca, error))
    {
      if (token == NULL)
        g_set_error (error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_TIMESTAMP, _("The signature could not be timestamped. "
                                                                      "Nothing was signed; try again later"));
      return NULL;
    }
  return g_steal_pointer (&stamped);
}

/* signing-certificate-v2 (RFC 5035): the SHA-256 of the certificate, so
 * that no other certificate of the same key can be put in its place */
static gboolean
add_signing_certificate (gnutls_x509_crt_t     crt,
                         gnutls_pkcs7_attrs_t *attrs)
{
  gnutls_datum_t der = { NULL, 0 }, value;
  guint8 hash[32];
  g_autoptr(GByteArray) id = g_byte_array_new ();
  g_autoptr(GByteArray) ids = g_byte_array_new ();
  g_autoptr(GByteArray) seq = g_byte_array_new ();
  g_autoptr(GByteArray) out = g_byte_array_new ();

  if (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der) < 0)
    return FALSE;
  gnutls_hash_fast (GNUTLS_DIG_SHA256, der.data, der.size, hash);
  gnutls_free (der.data);
  /* ESSCertIDv2: the hash algorithm is SHA-256 by default and left out */
  pz_der_append (id, PZ_DER_OCTET_STRING, hash, sizeof hash);
  pz_der_append (ids, PZ_DER_SEQUENCE, id->data, id->len);
  pz_der_append (seq, PZ_DER_SEQUENCE, ids->data, ids->len);
  pz_der_append (out, PZ_DER_SEQUENCE, seq->data, seq->len);
  value.data = out->data;
  value.size = out->len;
  return gnutls_pkcs7_add_attr (attrs, "1.2.840.113549.1.9.16.2.47", &value, 0) >= 0;
}

GBytes *
pz_signer_sign_cms_with_key (PzSigner *self,
                             GBytes   *data,
                             GError  **error)
{
  gnutls_pkcs7_t pkcs7 = NULL;
  gnutls_pkcs7_attrs_t attrs = NULL;
  gnutls_datum_t in, cms = { NULL, 0 };
  gsize len;
  GBytes *out;
  int rc;

  in.data = (unsigned char *) g_bytes_get_data (data, &len);
  in.size = (unsigned int) len;
  if (!add_signing_certificate (self->chain[0], &attrs))
    {
      gnutls_pkcs7_attrs_deinit (attrs);
      pz_signer_fail (error, PZ_SIGN_ERROR_KEY, _("The document could not be signed"), GNUTLS_E_MEMORY_ERROR);
      return NULL;
    }
  if ((rc = gnutls_pkcs7_init (&pkcs7)) < 0 ||
      (rc = gnutls_pkcs7_sign (pkcs7, self->chain[0], self->key, &in, attrs, NULL,
                               GNUTLS_DIG_SHA256, GNUTLS_PKCS7_INCLUDE_CERT | GNUTLS_PKCS7_INCLUDE_TIME)) < 0 ||
      (rc = gnutls_pkcs7_export2 (pkcs7, GNUTLS_X509_FMT_DER, &cms)) < 0)
    {
      gnutls_pkcs7_attrs_deinit (attrs);
      if (pkcs7)
        gnutls_pkcs7_deinit (pkcs7);
      if (rc == GNUTLS_E_PKCS11_PIN_ERROR || rc == GNUTLS_E_PKCS11_USER_ERROR)
        g_set_error (error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_PASSPHRASE, _("The passphrase is wrong; nothing was signed"));
      else
        pz_signer_fail (error, PZ_SIGN_ERROR_KEY, _("The document could not be signed"), rc);
      return NULL;
    }
  gnutls_pkcs7_attrs_deinit (attrs);
  gnutls_pkcs7_deinit (pkcs7);
  out = g_bytes_new (cms.data, cms.size);
  gnutls_free (cms.data);
  return out;
}
