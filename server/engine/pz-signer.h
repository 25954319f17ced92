/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PZ_SIGN_ERROR (pz_sign_error_quark ())

typedef enum {
  PZ_SIGN_ERROR_PASSPHRASE,
  PZ_SIGN_ERROR_KEY,
  PZ_SIGN_ERROR_PDF,
  PZ_SIGN_ERROR_TOKEN,
  PZ_SIGN_ERROR_TIMESTAMP,
  PZ_SIGN_ERROR_SERVICE,    /* the remote signing service failed or refused */
  PZ_SIGN_ERROR_REVOKED,    /* the certificate's authority says it is revoked */
} PzSignError;

/* A signing identity, whatever keeps its key: a PKCS#12 file the server
 * holds, a PKCS#11 token or HSM.  Each backend opens with the passphrase
 * (or PIN) the signer gives at signing time, tells the certificate, and
 * makes a detached CMS signature; the key itself stays in the backend. */
typedef struct _PzSigner PzSigner;

/* A visible signature: where on the page the letter left room for it,
 * and what it says there. */
typedef struct
{
  guint   page;                /* 1 for the first */
  double  x, y, width, height; /* PDF points, from the page's lower left */
  char  **lines;               /* the text, top to bottom */
  char   *time_prefix;         /* (nullable): a line after them, this and the time the
                                * signature is made, as the office writes it */
  char   *issuer_prefix;       /* (nullable): a last line, this and the certificate's issuer */
} PzSignAppearance;

PzSignAppearance *pz_sign_appearance_copy (const PzSignAppearance *appearance);
void       pz_sign_appearance_free    (PzSignAppearance *appearance);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PzSignAppearance, pz_sign_appearance_free)

GQuark     pz_sign_error_quark        (void);

PzSigner  *pz_signer_open             (const char  *identity,
                                       const char  *module,
                                       const char  *passphrase,
                                       GError     **error);
PzSigner  *pz_signer_open_pkcs12      (const char  *p12_path,
                                       const char  *passphrase,
                                       GError     **error);
PzSigner  *pz_signer_open_pkcs11      (const char  *module,
                                       const char  *uri,
                                       const char  *pin,
                                       GError     **error);
PzSigner  *pz_signer_open_remote      (const char  *url,
                                       const char  *client_id,
                                       const char  *client_secret,
                                       const char  *nik,
                                       const char  *passphrase,
                                       guint        timeout_seconds,
                                       GError     **error);
gboolean   pz_signer_identity_is_pkcs11 (const char *identity);
void       pz_signer_free             (PzSigner    *signer);

const char *pz_signer_get_backend     (PzSigner    *signer);
char      *pz_signer_get_subject      (PzSigner    *signer);
char      *pz_signer_get_issuer       (PzSigner    *signer);
void       pz_signer_get_validity     (PzSigner    *signer,
                                       gint64      *not_before,
                                       gint64      *not_after);
GPtrArray *pz_signer_get_chain        (PzSigner    *signer);
void       pz_signer_set_timestamp_authority (PzSigner   *signer,
                                              const char *url,
                                              guint       timeout_seconds);
void       pz_signer_set_timestamp_trust (PzSigner   *signer,
                                          const char *ca_file);
void       pz_signer_set_validation_fetch (PzSigner *signer,
                                           gboolean  fetch,
                                           guint     timeout_seconds);
GBytes    *pz_signer_sign_cms         (PzSigner    *signer,
                                       GBytes      *data,
                                       GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PzSigner, pz_signer_free)

G_END_DECLS
