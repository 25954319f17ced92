/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pz-roles.h"

G_BEGIN_DECLS

char      *pz_auth_hash_password   (const char  *password,
                                    GError     **error);
gboolean   pz_auth_verify_password (const char  *encoded,
                                    const char  *password);
char      *pz_auth_new_token       (void);
char      *pz_auth_hash_token      (const char  *token);
char      *pz_auth_random_hex      (gsize        n_bytes);
gboolean   pz_auth_username_is_valid (const char *username);

/* The shortest password the server accepts when one is set. */
#define PZ_AUTH_MIN_PASSWORD_LENGTH PZ_MIN_PASSWORD_LENGTH

typedef struct _PzThrottle PzThrottle;
typedef struct _PzStoreBus PzStoreBus;
typedef PzStoreBus *(*PzThrottleSharedBy) (gpointer data);

PzThrottle *pz_throttle_new        (guint        max_failures,
                                    gint64       window_seconds);
void        pz_throttle_free       (PzThrottle  *self);
gint64      pz_throttle_check      (PzThrottle  *self,
                                    const char  *key,
                                    gint64       now);
gint64      pz_throttle_attempt    (PzThrottle  *self,
                                    const char  *key,
                                    gint64       now);
void        pz_throttle_forgive    (PzThrottle  *self,
                                    const char  *key);
void        pz_throttle_reset      (PzThrottle  *self,
                                    const char  *key);
void        pz_throttle_share      (PzThrottle        *self,
                                    PzThrottleSharedBy shared_by,
                                    gpointer           data,
                                    const char        *scope);

G_END_DECLS
