/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "pz-document-view.h"
#include "pz-scan.h"

G_BEGIN_DECLS

#define PZ_TYPE_CHECKLIST_PAGE (pz_checklist_page_get_type ())

G_DECLARE_FINAL_TYPE (PzChecklistPage, pz_checklist_page, PZ, CHECKLIST_PAGE, GtkWidget)

GtkWidget      *pz_checklist_page_new                 (void);
void            pz_checklist_page_set_checklist       (PzChecklistPage *self,
                                                       JsonArray       *checklist,
                                                       const char      *selected);
void            pz_checklist_page_select              (PzChecklistPage *self,
                                                       const char      *requirement);
void            pz_checklist_page_set_message         (PzChecklistPage *self,
                                                       const char      *message);
const char     *pz_checklist_page_get_note            (PzChecklistPage *self);
void            pz_checklist_page_set_note            (PzChecklistPage *self,
                                                       const char      *note);
void            pz_checklist_page_set_editable        (PzChecklistPage *self,
                                                       gboolean         editable);
void            pz_checklist_page_set_document        (PzChecklistPage *self,
                                                       PzScan          *document);
void            pz_checklist_page_show_missing        (PzChecklistPage *self);
void            pz_checklist_page_set_uploading       (PzChecklistPage *self,
                                                       gboolean         uploading);
void            pz_checklist_page_set_upload_fraction (PzChecklistPage *self,
                                                       double           fraction);
void            pz_checklist_page_set_controls        (PzChecklistPage *self,
                                                       gboolean         uploaded,
                                                       gboolean         has_previous,
                                                       gboolean         has_next);
void            pz_checklist_page_set_complete        (PzChecklistPage *self,
                                                       gboolean         visible,
                                                       const char      *label,
                                                       const char      *tooltip);
gboolean        pz_checklist_page_focus_complete      (PzChecklistPage *self);
void            pz_checklist_page_focus_upload        (PzChecklistPage *self);
void            pz_checklist_page_focus_note          (PzChecklistPage *self);
PzDocumentView *pz_checklist_page_get_document_view   (PzChecklistPage *self);

G_END_DECLS
