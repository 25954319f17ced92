/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "pz-api.h"

G_BEGIN_DECLS

/* What the administration's pages and dialogs share: the client, one
 * cancellable for the view's life, and the count of requests under way
 * (the view is busy while any page or dialog waits for the server). */
typedef struct {
  PzClient     *client;
  GCancellable *cancellable;
  guint         busy;
} PzAdminContext;

PzAdminContext *pz_admin_context_new     (PzClient       *client);
PzAdminContext *pz_admin_context_ref     (PzAdminContext *ctx);
void            pz_admin_context_unref   (PzAdminContext *ctx);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PzAdminContext, pz_admin_context_unref)

extern const char * const pz_admin_office_roles[];

void        pz_admin_clear_list          (GtkListBox     *list);
GtkWidget  *pz_admin_button_new          (const char     *label,
                                          gboolean        suggested);
const char *pz_admin_entry_text          (GtkWidget      *row);
gboolean    pz_admin_refused             (GtkWidget      *toast_on,
                                          GtkLabel       *label,
                                          const GError   *error);

G_END_DECLS
