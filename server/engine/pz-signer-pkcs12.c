/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-sign"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs12.h>
#include <string.h>

#include "pz-sign.h"
#include "pz-signer-private.h"

/* The PKCS#12 backend: a key and certificate in a file the server keeps,
 * which the Kadis' passphrase unlocks. */

static const PzSignerBackend pkcs12_backend = {
  "pkcs12",
  pz_signer_sign_cms_with_key,
  NULL,
};

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
pz_sign_create_identity (const char *p12_path,
                         const char *passphrase,
                         const char *common_name,
                         const char *organization,
                         guint       valid_days,
                         GError    **error)
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
      pz_signer_fail (error, PZ_SIGN_ERROR_KEY, _("Cannot make a signing key"), rc);
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
      pz_signer_fail (error, PZ_SIGN_ERROR_KEY, _("Cannot make the signing certificate"), rc);
      goto out;
    }

  if ((rc = gnutls_x509_crt_get_key_id (crt, 0, key_id, &key_id_len)) < 0)
    {
      pz_signer_fail (error, PZ_SIGN_ERROR_KEY, _("Cannot make the signing certificate"), rc);
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
      pz_signer_fail (error, PZ_SIGN_ERROR_KEY, _("Cannot write the signing key file"), rc);
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
 * pz_signer_open_pkcs12:
 * @p12_path: the office's PKCS#12 file
 * @passphrase: the Kadis' passphrase
 * @error: return location for an error; %PZ_SIGN_ERROR_PASSPHRASE if it does
 *   not unlock the file
 *
 * Returns: (transfer full): the signer, or %NULL
 */
PzSigner *
pz_signer_open_pkcs12 (const char *p12_path,
                       const char *passphrase,
                       GError    **error)
{
  g_autofree char *contents = NULL;
  gsize length;
  gnutls_datum_t data;
  gnutls_pkcs12_t p12 = NULL;
  gnutls_x509_privkey_t xkey = NULL;
  gnutls_x509_crt_t *chain = NULL;
  unsigned int chain_len = 0;
  PzSigner *signer;
  int rc;

  if (!g_file_get_contents (p12_path, &contents, &length, error))
    return NULL;
  data.data = (unsigned char *) contents;
  data.size = (unsigned int) length;
  signer = pz_signer_new (&pkcs12_backend);

  if ((rc = gnutls_pkcs12_init (&p12)) < 0 ||
      (rc = gnutls_pkcs12_import (p12, &data, GNUTLS_X509_FMT_DER, 0)) < 0)
    {
      pz_signer_fail (error, PZ_SIGN_ERROR_KEY, _("The signing key file cannot be read"), rc);
      goto fail;
    }
  if (gnutls_pkcs12_verify_mac (p12, passphrase) < 0)
    {
      g_set_error (error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_PASSPHRASE, _("The passphrase is wrong; nothing was signed"));
      goto fail;
    }
  rc = gnutls_pkcs12_simple_parse (p12, passphrase, &xkey, &chain, &chain_len, NULL, NULL, NULL,
                                   GNUTLS_PKCS12_SP_INCLUDE_SELF_SIGNED);
  if (rc >= 0)
    {
      signer->chain = g_memdup2 (chain, sizeof *chain * chain_len);
      signer->chain_len = chain_len;
      gnutls_free (chain);
    }
  if (rc < 0)
    {
      g_set_error (error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_PASSPHRASE, _("The passphrase is wrong; nothing was signed"));
      goto fail;
    }
  if ((rc = gnutls_privkey_init (&signer->key)) < 0 ||
      (rc = gnutls_privkey_import_x509 (signer->key, xkey, GNUTLS_PRIVKEY_IMPORT_AUTO_RELEASE)) < 0)
    {
      pz_signer_fail (error, PZ_SIGN_ERROR_KEY, _("The signing key cannot be used"), rc);
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
