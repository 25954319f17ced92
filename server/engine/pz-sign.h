/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pz-dss.h"
#include "pz-signer.h"

G_BEGIN_DECLS

gboolean   pz_sign_create_identity    (const char  *p12_path,
                                       const char  *passphrase,
                                       const char  *common_name,
                                       const char  *organization,
                                       guint        valid_days,
                                       GError     **error);
GBytes    *pz_signer_sign_pdf         (PzSigner    *signer,
                                       GBytes      *pdf,
                                       const char  *name,
                                       const char  *reason,
                                       const char  *location,
                                       GDateTime   *when,
                                       GError     **error);

GBytes    *pz_signer_sign_pdf_visible (PzSigner    *signer,
                                       GBytes      *pdf,
                                       const char  *name,
                                       const char  *reason,
                                       const char  *location,
                                       GDateTime   *when,
                                       const PzSignAppearance *appearance,
                                       GError     **error);

gboolean   pz_signer_signs_whole_pdf  (PzSigner    *signer);
char      *pz_sign_issuer_name        (const char  *dn);
PzValidationData *pz_signer_collect_validation (PzSigner *signer,
                                                GBytes   *signed_pdf);
gboolean   pz_sign_check_not_revoked  (const PzValidationData *validation,
                                       GError                **error);
GBytes    *pz_sign_add_validation     (GBytes                 *signed_pdf,
                                       const PzValidationData *validation);

/* A PDF with room for its signature: made on the main loop, signed
 * elsewhere, the signature put in its place again on the main loop. */
typedef struct _PzSignSpace PzSignSpace;

PzSignSpace *pz_sign_space_new        (GBytes      *pdf,
                                       const char  *name,
                                       const char  *reason,
                                       const char  *location,
                                       GDateTime   *when,
                                       const PzSignAppearance *appearance,
                                       const char  *issuer,
                                       GError     **error);
GBytes    *pz_sign_space_get_covered  (PzSignSpace *space);
GBytes    *pz_sign_space_fill         (PzSignSpace *space,
                                       GBytes      *cms,
                                       GError     **error);
void       pz_sign_space_free         (PzSignSpace *space);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PzSignSpace, pz_sign_space_free)

G_END_DECLS
