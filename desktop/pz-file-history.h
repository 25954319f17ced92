/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define PZ_TYPE_FILE_HISTORY (pz_file_history_get_type ())

G_DECLARE_FINAL_TYPE (PzFileHistory, pz_file_history, PZ, FILE_HISTORY, GtkBox)

GtkWidget *pz_file_history_new      (void);
void       pz_file_history_set_file (PzFileHistory *self,
                                     JsonObject    *file,
                                     GHashTable    *steps);

G_END_DECLS
