/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

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

G_END_DECLS
