/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A token bucket per client address in a table of fixed size: memory stays
 * the same however many addresses ask. */
typedef struct _PzRateLimit PzRateLimit;

PzRateLimit *pz_rate_limit_new  (guint          n_slots,
                                 double         per_second,
                                 double         burst);
void         pz_rate_limit_free (PzRateLimit   *self);
guint        pz_rate_limit_take (PzRateLimit   *self,
                                 GInetAddress  *address,
                                 gint64         now_usec);
guint        pz_rate_limit_get_n_slots (PzRateLimit *self);

G_END_DECLS
