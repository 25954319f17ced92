/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pz-admin-private.h"

G_BEGIN_DECLS

#define PZ_TYPE_ADMIN_USERS_PAGE (pz_admin_users_page_get_type ())

G_DECLARE_FINAL_TYPE (PzAdminUsersPage, pz_admin_users_page, PZ, ADMIN_USERS_PAGE, AdwPreferencesPage)

void       pz_admin_users_page_set_context (PzAdminUsersPage *self,
                                            PzAdminContext   *ctx);
void       pz_admin_users_page_reload      (PzAdminUsersPage *self);
JsonArray *pz_admin_users_page_get_users   (PzAdminUsersPage *self);

G_END_DECLS
