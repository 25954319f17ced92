/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

char       *pz_checklist_open_items    (JsonArray  *checklist);
const char *pz_checklist_next_to_check (JsonArray  *checklist,
                                        const char *current);
const char *pz_checklist_neighbour     (JsonArray  *checklist,
                                        const char *current,
                                        int         step);
void        pz_checklist_add_shortcuts (GtkWidget  *page);

G_END_DECLS
