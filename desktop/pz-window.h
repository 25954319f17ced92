/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "pz-client.h"

G_BEGIN_DECLS

#define PZ_TYPE_WINDOW (pz_window_get_type ())

G_DECLARE_FINAL_TYPE (PzWindow, pz_window, PZ, WINDOW, AdwApplicationWindow)

PzWindow    *pz_window_new               (AdwApplication *app,
                                          GSettings      *settings);
void         pz_window_use_server        (PzWindow       *self,
                                         const char     *url);
PzClient    *pz_window_get_client        (PzWindow       *self);
const char  *pz_window_get_page          (PzWindow       *self);
GListModel  *pz_window_get_inbox         (PzWindow       *self);
void         pz_window_open_file         (PzWindow       *self,
                                          gint64          id);
JsonObject  *pz_window_get_file          (PzWindow       *self);
GtkWidget   *pz_window_get_form_widget   (PzWindow       *self,
                                          const char     *name);
gboolean     pz_window_is_busy           (PzWindow       *self);
GtkWidget   *pz_window_get_admin_view    (PzWindow       *self);
GtkWidget   *pz_window_get_report_view   (PzWindow       *self);
GtkWidget   *pz_window_get_late_button   (PzWindow       *self);
guint        pz_window_get_late_alerts   (PzWindow       *self);
gboolean     pz_window_get_banner_shown  (PzWindow       *self);
GtkWidget   *pz_window_get_document_view (PzWindow       *self);
const char  *pz_window_get_document_requirement (PzWindow *self);
void         pz_window_upload_file       (PzWindow       *self,
                                          GFile          *file);
void         pz_window_preview_output    (PzWindow       *self,
                                          const char     *kind);
void         pz_window_print_output      (PzWindow       *self,
                                          const char     *kind,
                                          const char     *export_path);
void         pz_window_save_output       (PzWindow       *self,
                                          const char     *kind,
                                          GFile          *file);
GtkWidget   *pz_window_get_preview       (PzWindow       *self);

G_END_DECLS
