/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  guint  commits;
  double per_second;
  double p50_ms;
  double p99_ms;
} PzBenchCommitRate;

/* the table the commits go to, in the database of @uri */
gboolean pz_bench_pg_prepare (const char        *uri,
                              GError           **error);
gboolean pz_bench_pg_commits (const char        *uri,
                              int                connections,
                              int                seconds,
                              PzBenchCommitRate *out,
                              GError           **error);

G_END_DECLS
