/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

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

/* the open file's widgets */
void        pz_group_add_row       (AdwPreferencesGroup *group,
                                    GtkWidget           *row);
void        pz_group_add_info_row  (AdwPreferencesGroup *group,
                                    const char          *title,
                                    const char          *value);
void        pz_group_clear         (AdwPreferencesGroup *group);
char       *pz_json_node_to_text   (JsonNode            *node);
JsonArray  *pz_file_fields         (JsonObject          *file,
                                    JsonObject          *type);
const char *pz_step_title          (GHashTable          *steps,
                                    const char          *id);

G_END_DECLS
