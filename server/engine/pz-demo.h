/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pz-engine.h"

G_BEGIN_DECLS

gboolean  pz_demo_populate (PzEngine  *engine,
                            GError   **error);
GBytes   *pz_demo_scan_pdf (const char *title,
                            guint       pages);
gboolean  pz_demo_create_office (PzEngine *engine,
                            GError     **error);
gboolean  pz_demo_take_step (PzEngine   *engine,
                            gint64      id,
                            const char *action,
                            gint64      now,
                            GError    **error);

G_END_DECLS
