/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pz-admin-private.h"

G_BEGIN_DECLS

#define PZ_TYPE_USER_DIALOG (pz_user_dialog_get_type ())

G_DECLARE_FINAL_TYPE (PzUserDialog, pz_user_dialog, PZ, USER_DIALOG, AdwWindow)

PzUserDialog *pz_user_dialog_new (PzAdminContext *ctx,
                                  GtkWidget      *parent,
                                  JsonObject     *user);

G_END_DECLS
