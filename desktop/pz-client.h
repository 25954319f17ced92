/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define PZ_CLIENT_ERROR (pz_client_error_quark ())

typedef enum {
  PZ_CLIENT_ERROR_UNREACHABLE,   /* no answer from the server */
  PZ_CLIENT_ERROR_BAD_REQUEST,   /* 400 */
  PZ_CLIENT_ERROR_UNAUTHORIZED,  /* 401 */
  PZ_CLIENT_ERROR_FORBIDDEN,     /* 403 */
  PZ_CLIENT_ERROR_NOT_FOUND,     /* 404 */
  PZ_CLIENT_ERROR_STALE,         /* 409 */
  PZ_CLIENT_ERROR_TOO_LARGE,     /* 413 */
  PZ_CLIENT_ERROR_UNSUPPORTED,   /* 415 */
  PZ_CLIENT_ERROR_RULE,          /* 422 */
  PZ_CLIENT_ERROR_THROTTLED,     /* 429 */
  PZ_CLIENT_ERROR_SERVER,        /* 5xx or an answer that makes no sense */
  PZ_CLIENT_ERROR_UNTRUSTED_CERTIFICATE, /* message: the certificate's SHA-256 fingerprint */
  PZ_CLIENT_ERROR_DUPLICATE,     /* 409 "duplicate": it exists already (not a stale version) */
  PZ_CLIENT_ERROR_BUSY,          /* 503: try again in a moment */
  PZ_CLIENT_ERROR_DISK_FULL,     /* 507: nothing was saved */
} PzClientError;

#define PZ_TYPE_CLIENT (pz_client_get_type ())

G_DECLARE_FINAL_TYPE (PzClient, pz_client, PZ, CLIENT, GObject)

GQuark       pz_client_error_quark     (void);
const char  *pz_client_error_get_server_code (const GError *error);
JsonArray   *pz_client_error_get_details     (const GError *error);

PzClient    *pz_client_new             (const char          *base_url);
const char  *pz_client_get_base_url    (PzClient            *self);
void         pz_client_set_base_url    (PzClient            *self,
                                        const char          *base_url);
const char  *pz_client_get_token       (PzClient            *self);
void         pz_client_set_token       (PzClient            *self,
                                        const char          *token);
JsonObject  *pz_client_get_user        (PzClient            *self);
void         pz_client_set_trusted_certificates (PzClient   *self,
                                        const char * const  *fingerprints);
char        *pz_client_certificate_fingerprint (GTlsCertificate *certificate);
gboolean     pz_client_user_has_role   (PzClient            *self,
                                        const char          *role);

void         pz_client_request_async   (PzClient            *self,
                                        const char          *method,
                                        const char          *path,
                                        JsonNode            *body,
                                        const char          *idempotency_key,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
JsonNode    *pz_client_request_finish  (PzClient            *self,
                                        GAsyncResult        *result,
                                        JsonArray          **details,
                                        GError             **error);

typedef void (*PzProgressFunc) (double fraction, gpointer user_data);

void         pz_client_get_bytes_async (PzClient            *self,
                                        const char          *path,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
GBytes      *pz_client_get_bytes_finish (PzClient           *self,
                                        GAsyncResult        *result,
                                        char               **content_type,
                                        GError             **error);
void         pz_client_upload_async    (PzClient            *self,
                                        const char          *path,
                                        GBytes              *body,
                                        const char          *content_type,
                                        PzProgressFunc       progress,
                                        gpointer             progress_data,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);

void         pz_client_login_async     (PzClient            *self,
                                        const char          *username,
                                        const char          *password,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean     pz_client_login_finish    (PzClient            *self,
                                        GAsyncResult        *result,
                                        GError             **error);
void         pz_client_logout          (PzClient            *self);

void         pz_client_start_events    (PzClient            *self);
void         pz_client_stop_events     (PzClient            *self);
gboolean     pz_client_get_events_connected (PzClient       *self);

G_END_DECLS
