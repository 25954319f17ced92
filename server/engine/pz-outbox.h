/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pz-store.h"

G_BEGIN_DECLS

typedef struct {
  char     *smtp_host;      /* NULL: no e-mail */
  guint     smtp_port;
  gboolean  smtp_starttls;
  char     *smtp_username;
  char     *smtp_password;
  char     *smtp_from;
  char     *command;        /* NULL: no gateway; run with the message as JSON on stdin */
  guint     interval;       /* seconds between rounds */
} PzOutboxConfig;

typedef struct _PzOutbox PzOutbox;

PzOutbox *pz_outbox_new   (PzStore              *store,
                           const PzOutboxConfig *config);
void      pz_outbox_kick  (PzOutbox             *self);
void      pz_outbox_set_may_run (PzOutbox           *self,
                                 GSourceFunc         may_run,
                                 gpointer            data);
void      pz_outbox_free  (PzOutbox             *self);

G_END_DECLS
