/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

GtkWidget *pz_date_button_new      (GtkEditable *entry);
void       pz_date_row_add_picker  (AdwEntryRow *row);
void       pz_window_add_close_keys (GtkWindow  *window);
GtkWidget *pz_empty_page_new       (const char  *icon_name,
                                    const char  *title,
                                    const char  *description);

G_END_DECLS
