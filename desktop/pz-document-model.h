/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pz-scan.h"

G_BEGIN_DECLS

#define PZ_TYPE_DOCUMENT_MODEL (pz_document_model_get_type ())

G_DECLARE_FINAL_TYPE (PzDocumentModel, pz_document_model, PZ, DOCUMENT_MODEL, GObject)

PzDocumentModel *pz_document_model_new          (void);
PzScan      *pz_document_model_get_document (PzDocumentModel *self);
void             pz_document_model_set_document (PzDocumentModel *self,
                                                 PzScan      *document);
guint            pz_document_model_get_page     (PzDocumentModel *self);
void             pz_document_model_set_page     (PzDocumentModel *self,
                                                 guint            page);
double           pz_document_model_get_scale    (PzDocumentModel *self);
void             pz_document_model_set_scale    (PzDocumentModel *self,
                                                 double           scale);
int              pz_document_model_get_rotation (PzDocumentModel *self);
void             pz_document_model_set_rotation (PzDocumentModel *self,
                                                 int              rotation);
gboolean         pz_document_model_get_fit_width (PzDocumentModel *self);
void             pz_document_model_set_fit_width (PzDocumentModel *self,
                                                 gboolean         fit_width);

G_END_DECLS
