/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char  *pz_format_date           (const GDate *date);
char  *pz_format_date_long      (const GDate *date);
char  *pz_format_date_time      (GDateTime   *time);
char  *pz_format_time           (GDateTime   *time);
char  *pz_format_date_text      (const char  *text);
char  *pz_time_zone_label       (GDateTime   *time);

G_END_DECLS
