/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "pz-document-model.h"

G_BEGIN_DECLS

#define PZ_TYPE_DOCUMENT_VIEW (pz_document_view_get_type ())

G_DECLARE_FINAL_TYPE (PzDocumentView, pz_document_view, PZ, DOCUMENT_VIEW, GtkWidget)

GtkWidget       *pz_document_view_new            (void);
PzDocumentModel *pz_document_view_get_model      (PzDocumentView *self);
void             pz_document_view_set_document   (PzDocumentView *self,
                                                  PzScan     *document);
gboolean         pz_document_view_is_rendering   (PzDocumentView *self);
gboolean         pz_document_view_get_shown_size (PzDocumentView *self,
                                                  int            *width,
                                                  int            *height);

G_END_DECLS
