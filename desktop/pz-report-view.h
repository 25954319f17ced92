/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "pz-client.h"

G_BEGIN_DECLS

#define PZ_TYPE_REPORT_VIEW (pz_report_view_get_type ())

G_DECLARE_FINAL_TYPE (PzReportView, pz_report_view, PZ, REPORT_VIEW, GtkBox)

/* The tables of the report, by name: each can be exported as CSV. */
extern const char * const pz_report_tables[];

GtkWidget  *pz_report_view_new         (PzClient      *client);
void        pz_report_view_load        (PzReportView  *self,
                                        const char    *from,
                                        const char    *to);
gboolean    pz_report_view_is_busy     (PzReportView  *self);
JsonObject *pz_report_view_get_report  (PzReportView  *self);
GPtrArray  *pz_report_view_get_table   (PzReportView  *self,
                                        const char    *name);
gboolean    pz_report_view_export_csv  (PzReportView  *self,
                                        const char    *name,
                                        GFile         *file,
                                        GError       **error);
gboolean    pz_report_view_export_pdf  (PzReportView  *self,
                                        GFile         *file,
                                        GError       **error);

G_END_DECLS
