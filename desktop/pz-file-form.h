/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define PZ_TYPE_FILE_FORM (pz_file_form_get_type ())

G_DECLARE_FINAL_TYPE (PzFileForm, pz_file_form, PZ, FILE_FORM, GtkWidget)

GtkWidget *pz_file_form_new          (void);
gboolean   pz_file_form_set_step     (PzFileForm *self,
                                      JsonObject *file,
                                      JsonObject *step,
                                      JsonObject *type,
                                      GHashTable *steps,
                                      const char *start_step,
                                      GHashTable *kept,
                                      const char *approve_tooltip);
void       pz_file_form_clear        (PzFileForm *self);
GtkWidget *pz_file_form_get_widget   (PzFileForm *self,
                                      const char *name);
char      *pz_file_form_get_note     (PzFileForm *self);
gboolean   pz_file_form_set_error    (PzFileForm *self,
                                      const char *text);
void       pz_file_form_keep_typed   (PzFileForm *self,
                                      GHashTable *kept);
char      *pz_file_form_widget_text  (GtkWidget  *widget);
char      *pz_file_form_action_label (GHashTable *steps,
                                      const char *start_step,
                                      JsonObject *step,
                                      const char *action);

G_END_DECLS
