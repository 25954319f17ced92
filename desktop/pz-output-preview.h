/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "pz-scan.h"

G_BEGIN_DECLS

#define PZ_TYPE_OUTPUT_PREVIEW (pz_output_preview_get_type ())

G_DECLARE_FINAL_TYPE (PzOutputPreview, pz_output_preview, PZ, OUTPUT_PREVIEW, AdwWindow)

GtkWidget  *pz_output_preview_new      (GtkWindow       *parent);
void        pz_output_preview_show     (PzOutputPreview *self,
                                        PzScan          *scan,
                                        const char      *kind,
                                        const char      *title);
const char *pz_output_preview_get_kind (PzOutputPreview *self);
GtkWidget  *pz_output_preview_get_view (PzOutputPreview *self);

G_END_DECLS
