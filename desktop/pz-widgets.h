/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

GtkWidget *pz_date_button_new      (GtkEditable *entry);
void       pz_date_row_add_picker  (AdwEntryRow *row);
void       pz_window_add_close_keys (GtkWindow  *window);
void       pz_name_control         (GtkWidget   *control,
                                    const char  *label);
void       pz_drop_down_ellipsize  (GtkDropDown *drop_down);
void       pz_password_row_label_peek (AdwPasswordEntryRow *row);
GtkWidget *pz_empty_page_new       (const char  *icon_name,
                                    const char  *title,
                                    const char  *description);

G_END_DECLS
