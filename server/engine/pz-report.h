/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pz-engine.h"

G_BEGIN_DECLS

/* The nine elements of the applicants' satisfaction survey (SKM,
 * PermenPAN-RB 14/2017, PZ_SKM_ELEMENTS of pz-store.h), answered 1 (poor)
 * to 4 (very good). */

extern const char * const pz_skm_elements[PZ_SKM_ELEMENTS + 1];
const char *pz_skm_element_title   (guint        element);
const char *pz_skm_category        (double       index);

typedef struct _PzReportContext PzReportContext;

PzReportContext *pz_report_context_new (PzEngine    *engine,
                                    gint64       office_id,
                                    const GDate *from,
                                    const GDate *to,
                                    gint64       now);
void        pz_report_context_free (PzReportContext *ctx);
char       *pz_report_context_build (PzReportContext *ctx,
                                    GError     **error);
char       *pz_report_build        (PzEngine    *engine,
                                    gint64       office_id,
                                    const GDate *from,
                                    const GDate *to,
                                    gint64       now,
                                    GError     **error);

G_END_DECLS
