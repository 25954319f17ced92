/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Counters of the requests a server answered, kept in its main context,
 * written out in the Prometheus text format. */
typedef struct _PzMetrics PzMetrics;

PzMetrics *pz_metrics_new    (void);
void       pz_metrics_free   (PzMetrics  *self);
void       pz_metrics_record (PzMetrics  *self,
                              const char *route,
                              const char *method,
                              guint       status,
                              double      seconds);
void       pz_metrics_write  (PzMetrics  *self,
                              GString    *out);

/* A label value in the text format: backslash, quote and newline escaped. */
void       pz_metrics_append_label (GString    *out,
                                    const char *value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PzMetrics, pz_metrics_free)

G_END_DECLS
