/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pz-admin-private.h"

G_BEGIN_DECLS

#define PZ_TYPE_ADMIN_CALENDAR_PAGE (pz_admin_calendar_page_get_type ())

G_DECLARE_FINAL_TYPE (PzAdminCalendarPage, pz_admin_calendar_page, PZ, ADMIN_CALENDAR_PAGE, AdwPreferencesPage)

void pz_admin_calendar_page_set_context (PzAdminCalendarPage *self,
                                         PzAdminContext      *ctx);
void pz_admin_calendar_page_reload      (PzAdminCalendarPage *self);
void pz_admin_calendar_page_show_office (PzAdminCalendarPage *self,
                                         JsonObject          *office);

G_END_DECLS
