/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pz-admin-private.h"

G_BEGIN_DECLS

#define PZ_TYPE_ADMIN_AUDIT_PAGE (pz_admin_audit_page_get_type ())

G_DECLARE_FINAL_TYPE (PzAdminAuditPage, pz_admin_audit_page, PZ, ADMIN_AUDIT_PAGE, AdwPreferencesPage)

void pz_admin_audit_page_set_context (PzAdminAuditPage *self,
                                      PzAdminContext   *ctx);
void pz_admin_audit_page_reload      (PzAdminAuditPage *self);

G_END_DECLS
