/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-sign"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs11.h>
#include <string.h>

#include "pz-signer-private.h"

/* The PKCS#11 backend: the key stays on a USB token or the office's HSM,
 * named by a pkcs11: URI; the PIN the signer types at signing time logs
 * in, and the token makes the signature.  The certificate is read from
 * the token too: the object of the same name, of type cert. */

typedef struct
{
  char    *pin;
  gboolean refused;    /* the token said the PIN is wrong */
} Pkcs11Data;

static GMutex modules_lock;
static GHashTable *modules_loaded;   /* module path -> itself */
static gboolean p11_ready;

static void
pkcs11_close (PzSigner *self)
{
  Pkcs11Data *d = self->backend_data;

  if (d == NULL)
    return;
  if (d->pin)
    {
      memset (d->pin, 0, strlen (d->pin));
      g_free (d->pin);
    }
  g_free (d);
  self->backend_data = NULL;
}

static const PzSignerBackend pkcs11_backend = {
  "pkcs11",
  pz_signer_sign_cms_with_key,
  pkcs11_close,
};

/* GnuTLS asks for the PIN when it logs in: give the signer's once, and
 * never again after the token refused it (a retry would lock the token). */
static int
give_pin (void        *user_data,
          int          attempt,
          const char  *token_url,
          const char  *token_label,
          unsigned int flags,
          char        *pin,
          size_t       pin_max)
{
  Pkcs11Data *d = user_data;

  (void) token_url;
  (void) token_label;
  if (attempt > 0 || (flags & GNUTLS_PIN_WRONG))
    {
      d->refused = TRUE;
      return GNUTLS_E_PKCS11_PIN_ERROR;
    }
  if (d->pin == NULL || strlen (d->pin) + 1 > pin_max)
    return GNUTLS_E_PKCS11_PIN_ERROR;
  memcpy (pin, d->pin, strlen (d->pin) + 1);
  return 0;
}

static gboolean
load_module (const char *module,
             GError    **error)
{
  gboolean ok = TRUE;
  int rc = 0;

  g_mutex_lock (&modules_lock);
  if (!p11_ready)
    {
      rc = gnutls_pkcs11_init (module ? GNUTLS_PKCS11_FLAG_MANUAL : GNUTLS_PKCS11_FLAG_AUTO, NULL);
      p11_ready = rc >= 0;
      modules_loaded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    }
  if (rc >= 0 && module && !g_hash_table_contains (modules_loaded, module))
    {
      rc = gnutls_pkcs11_add_provider (module, NULL);
      if (rc >= 0)
        g_hash_table_add (modules_loaded, g_strdup (module));
    }
  if (rc < 0)
    {
      g_set_error (error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_TOKEN, _("The token's module %s cannot be loaded: %s"),
                   module ? module : "p11-kit", gnutls_strerror (rc));
      ok = FALSE;
    }
  g_mutex_unlock (&modules_lock);
  return ok;
}

/* the URI of the certificate beside the key: the same attributes, type=cert */
static char *
certificate_uri (const char *uri)
{
  const char *path = uri + strlen ("pkcs11:");
  const char *query = strchr (path, '?');
  g_autofree char *attrs = query ? g_strndup (path, (gsize) (query - path)) : g_strdup (path);
  g_auto(GStrv) parts = g_strsplit (attrs, ";", -1);
  GString *out = g_string_new ("pkcs11:");

  for (guint i = 0; parts[i]; i++)
    if (*parts[i] && !g_str_has_prefix (parts[i], "type=") && !g_str_has_prefix (parts[i], "pin-"))
      g_string_append_printf (out, "%s;", parts[i]);
  g_string_append (out, "type=cert");
  return g_string_free (out, FALSE);
}

static gboolean
token_fail (PzSigner   *signer,
            GError    **error,
            const char *what,
            int         rc)
{
  Pkcs11Data *d = signer->backend_data;

  if (d->refused || rc == GNUTLS_E_PKCS11_PIN_ERROR)
    g_set_error (error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_PASSPHRASE, _("The passphrase is wrong; nothing was signed"));
  else
    pz_signer_fail (error, PZ_SIGN_ERROR_TOKEN, what, rc);
  return FALSE;
}

/**
 * pz_signer_open_pkcs11:
 * @module: (nullable): the PKCS#11 module (a shared library the token's
 *   maker supplies); %NULL for the modules p11-kit is configured with
 * @uri: the key, as a `pkcs11:` URI (RFC 7512), e.g.
 *   `pkcs11:token=Kadis;object=tte`
 * @pin: the token's PIN, as the signer typed it
 * @error: return location for an error; %PZ_SIGN_ERROR_PASSPHRASE for a
 *   wrong PIN, %PZ_SIGN_ERROR_TOKEN for a token, key or certificate not
 *   found
 *
 * Logs in to the token and finds the key and its certificate.  The key
 * never leaves the token: each signature is the token's.
 *
 * Returns: (transfer full): the signer, or %NULL
 */
PzSigner *
pz_signer_open_pkcs11 (const char *module,
                       const char *uri,
                       const char *pin,
                       GError    **error)
{
  g_autoptr(PzSigner) signer = NULL;
  g_autofree char *cert_uri = NULL;
  gnutls_x509_crt_t crt = NULL;
  Pkcs11Data *d;
  int rc;

  if (!pz_signer_identity_is_pkcs11 (uri))
    {
      g_set_error (error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_TOKEN, _("A key on a token is named by a pkcs11: address"));
      return NULL;
    }
  if (!load_module (module, error))
    return NULL;
  signer = pz_signer_new (&pkcs11_backend);
  d = g_new0 (Pkcs11Data, 1);
  d->pin = g_strdup (pin ? pin : "");
  signer->backend_data = d;

  if ((rc = gnutls_privkey_init (&signer->key)) < 0)
    {
      token_fail (signer, error, _("The signing key cannot be used"), rc);
      return NULL;
    }
  gnutls_privkey_set_pin_function (signer->key, give_pin, d);
  if ((rc = gnutls_privkey_import_url (signer->key, uri, 0)) < 0)
    {
      token_fail (signer, error, _("The signing key is not on the token"), rc);
      return NULL;
    }

  cert_uri = certificate_uri (uri);
  if ((rc = gnutls_x509_crt_init (&crt)) < 0)
    {
      token_fail (signer, error, _("The signing certificate is not on the token"), rc);
      return NULL;
    }
  gnutls_x509_crt_set_pin_function (crt, give_pin, d);
  if ((rc = gnutls_x509_crt_import_url (crt, cert_uri, 0)) < 0 &&
      (rc = gnutls_x509_crt_import_url (crt, cert_uri, GNUTLS_PKCS11_OBJ_FLAG_LOGIN)) < 0)
    {
      gnutls_x509_crt_deinit (crt);
      token_fail (signer, error, _("The signing certificate is not on the token"), rc);
      return NULL;
    }
  signer->chain = g_new0 (gnutls_x509_crt_t, 1);
  signer->chain[0] = crt;
  signer->chain_len = 1;

  /* the issuers the token also holds, up to the root */
  while (signer->chain_len < 8)
    {
      gnutls_x509_crt_t last = signer->chain[signer->chain_len - 1];
      gnutls_datum_t der = { NULL, 0 };
      gnutls_x509_crt_t issuer = NULL;

      if (gnutls_x509_crt_check_issuer (last, last) ||
          gnutls_pkcs11_get_raw_issuer (cert_uri, last, &der, GNUTLS_X509_FMT_DER, 0) < 0)
        break;
      if (gnutls_x509_crt_init (&issuer) < 0 || gnutls_x509_crt_import (issuer, &der, GNUTLS_X509_FMT_DER) < 0)
        {
          if (issuer)
            gnutls_x509_crt_deinit (issuer);
          gnutls_free (der.data);
          break;
        }
      gnutls_free (der.data);
      signer->chain = g_renew (gnutls_x509_crt_t, signer->chain, signer->chain_len + 1);
      signer->chain[signer->chain_len++] = issuer;
    }
  return g_steal_pointer (&signer);
}
