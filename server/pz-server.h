/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "pz-config.h"
#include "pz-engine.h"
#include "pz-route.h"

G_BEGIN_DECLS

#define PZ_TYPE_SERVER (pz_server_get_type ())

G_DECLARE_FINAL_TYPE (PzServer, pz_server, PZ, SERVER, GObject)

PzServer  *pz_server_new        (const PzConfig  *config,
                                 GError         **error);
gboolean   pz_server_listen     (PzServer        *self,
                                 GError         **error);
gboolean   pz_server_is_https   (PzServer        *self);
guint      pz_server_get_port   (PzServer        *self);
PzEngine  *pz_server_get_engine (PzServer        *self);
void       pz_server_shutdown   (PzServer        *self);

const PzRoute *pz_server_get_routes (guint *n_routes);

G_END_DECLS
