/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "pz-client.h"

G_BEGIN_DECLS

typedef void (*PzSignConfirmed) (const char *passphrase,
                                 gpointer    user_data);

void pz_sign_confirm (GtkWindow       *parent,
                      JsonObject      *file,
                      PzSignConfirmed  confirmed,
                      gpointer         user_data);

#define PZ_TYPE_SIGN_BATCH (pz_sign_batch_get_type ())

G_DECLARE_FINAL_TYPE (PzSignBatch, pz_sign_batch, PZ, SIGN_BATCH, AdwWindow)

PzSignBatch *pz_sign_batch_new          (GtkWindow  *parent,
                                         PzClient   *client,
                                         GPtrArray  *files);
gboolean     pz_sign_batch_is_running   (PzSignBatch *self);
gint64       pz_sign_batch_get_signed_version (PzSignBatch *self,
                                               gint64       id);
const char  *pz_sign_batch_get_summary  (PzSignBatch *self);

G_END_DECLS
