/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PZ_TYPE_LOGIN_PAGE (pz_login_page_get_type ())

G_DECLARE_FINAL_TYPE (PzLoginPage, pz_login_page, PZ, LOGIN_PAGE, GtkWidget)

GtkWidget  *pz_login_page_new            (void);
const char *pz_login_page_get_server     (PzLoginPage *self);
void        pz_login_page_set_server     (PzLoginPage *self,
                                          const char  *server);
const char *pz_login_page_get_username   (PzLoginPage *self);
void        pz_login_page_set_username   (PzLoginPage *self,
                                          const char  *username);
const char *pz_login_page_get_password   (PzLoginPage *self);
void        pz_login_page_clear_password (PzLoginPage *self);
void        pz_login_page_set_error      (PzLoginPage *self,
                                          const char  *message);
void        pz_login_page_set_logging_in (PzLoginPage *self,
                                          gboolean     logging_in);
void        pz_login_page_focus          (PzLoginPage *self);

G_END_DECLS
