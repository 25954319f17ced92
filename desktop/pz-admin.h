/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "pz-client.h"

G_BEGIN_DECLS

#define PZ_TYPE_ADMIN_VIEW (pz_admin_view_get_type ())

G_DECLARE_FINAL_TYPE (PzAdminView, pz_admin_view, PZ, ADMIN_VIEW, GtkBox)

GtkWidget  *pz_admin_view_new          (PzClient     *client);
void        pz_admin_view_reload       (PzAdminView  *self);
gboolean    pz_admin_view_is_busy      (PzAdminView  *self);
void        pz_admin_view_show_page    (PzAdminView  *self,
                                        const char   *name);
JsonArray  *pz_admin_view_get_users    (PzAdminView  *self);
JsonObject *pz_admin_view_get_office   (PzAdminView  *self);
GtkWidget  *pz_admin_view_get_certificate_warning (PzAdminView *self);

G_END_DECLS
