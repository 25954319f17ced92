/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pz-admin-private.h"

G_BEGIN_DECLS

#define PZ_TYPE_ADMIN_TYPES_PAGE (pz_admin_types_page_get_type ())

G_DECLARE_FINAL_TYPE (PzAdminTypesPage, pz_admin_types_page, PZ, ADMIN_TYPES_PAGE, AdwPreferencesPage)

void pz_admin_types_page_set_context (PzAdminTypesPage *self,
                                      PzAdminContext   *ctx);
void pz_admin_types_page_reload      (PzAdminTypesPage *self);

G_END_DECLS
