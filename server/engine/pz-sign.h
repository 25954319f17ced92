/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PZ_SIGN_ERROR (pz_sign_error_quark ())

typedef enum {
  PZ_SIGN_ERROR_PASSPHRASE,
  PZ_SIGN_ERROR_KEY,
  PZ_SIGN_ERROR_PDF,
} PzSignError;

typedef struct _PzSigner PzSigner;

GQuark     pz_sign_error_quark        (void);
gboolean   pz_sign_create_identity    (const char  *p12_path,
                                       const char  *passphrase,
                                       const char  *common_name,
                                       const char  *organization,
                                       guint        valid_days,
                                       GError     **error);
PzSigner  *pz_signer_open             (const char  *p12_path,
                                       const char  *passphrase,
                                       GError     **error);
void       pz_signer_free             (PzSigner    *signer);
char      *pz_signer_get_subject      (PzSigner    *signer);
char      *pz_signer_get_issuer       (PzSigner    *signer);
void       pz_signer_get_validity     (PzSigner    *signer,
                                       gint64      *not_before,
                                       gint64      *not_after);
GBytes    *pz_signer_sign_pdf         (PzSigner    *signer,
                                       GBytes      *pdf,
                                       const char  *name,
                                       const char  *reason,
                                       const char  *location,
                                       GDateTime   *when,
                                       GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PzSigner, pz_signer_free)

G_END_DECLS
