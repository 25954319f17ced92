/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pz-admin-private.h"

G_BEGIN_DECLS

#define PZ_TYPE_PERMIT_TYPE_DIALOG (pz_permit_type_dialog_get_type ())

G_DECLARE_FINAL_TYPE (PzPermitTypeDialog, pz_permit_type_dialog, PZ, PERMIT_TYPE_DIALOG, AdwWindow)

PzPermitTypeDialog *pz_permit_type_dialog_new (PzAdminContext *ctx,
                                               GtkWidget      *parent,
                                               JsonObject     *type);

G_END_DECLS
