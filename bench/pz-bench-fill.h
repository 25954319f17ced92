/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  gint64 id;
  gint64 version;
} PzBenchTarget;

GArray *pz_bench_fill (const char *dir,
                       gint64      n_files,
                       const char *only_step);

GArray *pz_bench_fill_store (const char *dir,
                             const char *store_url,
                             gint64      n_files,
                             const char *only_step);

void    pz_bench_fill_year (const char *dir,
                            gint64      n_files);

G_END_DECLS
