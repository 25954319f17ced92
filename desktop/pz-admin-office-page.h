/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pz-admin-private.h"

G_BEGIN_DECLS

#define PZ_TYPE_ADMIN_OFFICE_PAGE (pz_admin_office_page_get_type ())

G_DECLARE_FINAL_TYPE (PzAdminOfficePage, pz_admin_office_page, PZ, ADMIN_OFFICE_PAGE, AdwPreferencesPage)

void        pz_admin_office_page_set_context             (PzAdminOfficePage *self,
                                                          PzAdminContext    *ctx);
void        pz_admin_office_page_reload                  (PzAdminOfficePage *self);
void        pz_admin_office_page_show_office             (PzAdminOfficePage *self,
                                                          JsonObject        *office);
JsonObject *pz_admin_office_page_get_office              (PzAdminOfficePage *self);
GtkWidget  *pz_admin_office_page_get_certificate_warning (PzAdminOfficePage *self);

G_END_DECLS
