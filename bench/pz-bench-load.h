/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "pz-bench-fill.h"

G_BEGIN_DECLS

typedef struct {
  double      rps;
  double      p50_ms;
  double      p99_ms;
  guint       errors;
  const char *client;
} PzBenchLoad;

gboolean     pz_bench_load        (const char  *url,
                                   const char  *auth,
                                   gint         connections,
                                   gint         seconds,
                                   PzBenchLoad *out);

GSubprocess *pz_bench_nginx_start (const char *dir,
                                   const char *path,
                                   GBytes     *body,
                                   guint       port);

void         pz_bench_nginx_stop  (GSubprocess *nginx);

gboolean     pz_bench_approve     (SoupSession         *session,
                                   guint                port,
                                   const char          *auth,
                                   const PzBenchTarget *target,
                                   gint64              *micros);

G_END_DECLS
