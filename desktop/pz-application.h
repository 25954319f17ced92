/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PZ_TYPE_APPLICATION (pz_application_get_type ())

G_DECLARE_FINAL_TYPE (PzApplication, pz_application, PZ, APPLICATION, AdwApplication)

PzApplication *pz_application_new          (void);
GSettings     *pz_application_get_settings (PzApplication *self);

G_END_DECLS
