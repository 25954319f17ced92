/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "pz-checklist-page.h"
#include "pz-file-form.h"

G_BEGIN_DECLS

#define PZ_TYPE_FILE_VIEW (pz_file_view_get_type ())

G_DECLARE_FINAL_TYPE (PzFileView, pz_file_view, PZ, FILE_VIEW, GtkWidget)

GtkWidget       *pz_file_view_new                (void);
void             pz_file_view_set_file           (PzFileView *self,
                                                  JsonObject *file,
                                                  GHashTable *steps,
                                                  GHashTable *permit_types,
                                                  const char *start_step,
                                                  GHashTable *kept,
                                                  const char *approve_tooltip);
void             pz_file_view_clear              (PzFileView *self);
void             pz_file_view_set_registration   (PzFileView *self,
                                                  GtkWidget  *form);
PzFileForm      *pz_file_view_get_form           (PzFileView *self);
PzChecklistPage *pz_file_view_get_checklist_page (PzFileView *self);
const char      *pz_file_view_get_shown          (PzFileView *self);
void             pz_file_view_show               (PzFileView *self,
                                                  const char *page);
void             pz_file_view_scroll_to_top      (PzFileView *self);

G_END_DECLS
