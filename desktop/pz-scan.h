/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PZ_TYPE_SCAN (pz_scan_get_type ())

G_DECLARE_FINAL_TYPE (PzScan, pz_scan, PZ, SCAN, GObject)

PzScan *pz_scan_new_from_bytes (GBytes        *bytes,
                                        const char    *content_type,
                                        GError       **error);
guint       pz_scan_get_n_pages    (PzScan    *self);
void        pz_scan_get_page_size  (PzScan    *self,
                                        guint          page,
                                        double        *width,
                                        double        *height);
void        pz_scan_draw               (PzScan        *self,
                                        guint          page,
                                        cairo_t       *cr,
                                        double         width,
                                        double         height);
GdkTexture *pz_scan_render         (PzScan    *self,
                                        guint          page,
                                        double         scale,
                                        int            rotation,
                                        GCancellable  *cancellable,
                                        GError       **error);

G_END_DECLS
