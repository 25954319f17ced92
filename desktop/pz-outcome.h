/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

char      *pz_outcome_text         (JsonObject *before,
                                    JsonObject *after,
                                    GHashTable *steps);
char      *pz_returned_text        (JsonObject *file);
GtkWidget *pz_returned_banner_new  (JsonObject *file);

G_END_DECLS
