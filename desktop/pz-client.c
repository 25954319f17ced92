/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-client"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <string.h>

#include "perizinan.h"
#include "pz-client.h"

/* The desktop's only way to the server: JSON over HTTP, as API.md says. */
struct _PzClient
{
  GObject      parent_instance;
  SoupSession *session;
  char        *base_url;
  char        *token;
  JsonObject  *user;
  char       **trusted;          /* SHA-256 fingerprints of confirmed certificates */

  /* the event stream */
  SoupWebsocketConnection *events;
  GCancellable            *events_cancellable;
  guint                    events_retry;     /* source id */
  guint                    events_backoff;   /* seconds */
  gboolean                 events_wanted;
};

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_LOGGED_IN,
  PROP_EVENTS_CONNECTED,
  N_PROPS
};

enum {
  SESSION_EXPIRED,
  APPLICATION_CHANGED,
  APPLICATION_LATE,
  CERTIFICATE_REPLACED,
  EVENTS_CONNECTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PzClient, pz_client, G_TYPE_OBJECT)

/* What the server said besides the status: its machine code and, for a
 * rule, the details. They travel with the GError, so whoever finishes a
 * request can tell a stale version from a duplicate. */
typedef struct {
  char      *server_code;
  JsonArray *details;
} PzClientErrorPrivate;

static void
pz_client_error_private_init (PzClientErrorPrivate *priv)
{
  priv->server_code = NULL;
  priv->details = NULL;
}

static void
pz_client_error_private_copy (const PzClientErrorPrivate *src,
                              PzClientErrorPrivate       *dest)
{
  dest->server_code = g_strdup (src->server_code);
  dest->details = src->details ? json_array_ref (src->details) : NULL;
}

static void
pz_client_error_private_clear (PzClientErrorPrivate *priv)
{
  g_clear_pointer (&priv->server_code, g_free);
  g_clear_pointer (&priv->details, json_array_unref);
}

G_DEFINE_EXTENDED_ERROR (PzClientError, pz_client_error)

/**
 * pz_client_error_get_server_code:
 * @error: (nullable): an error from a request, of any domain
 *
 * Returns: (nullable): the server's machine code of a refusal, e.g.
 *   `stale_version` or `duplicate` (both 409), `rule_unmet`; %NULL when
 *   the server did not answer with one
 */
const char *
pz_client_error_get_server_code (const GError * error)
{
  /* a cancelled request ends with an error of another domain */
  PzClientErrorPrivate *priv = error && error->domain == PZ_CLIENT_ERROR ? pz_client_error_get_private (error) : NULL;

  return priv ? priv->server_code : NULL;
}

/**
 * pz_client_error_get_details:
 * @error: (nullable): an error from a request
 *
 * Returns: (transfer none) (nullable): the `details` of the server's refusal
 *   (each an object with a `message`), as a 422 has them
 */
JsonArray *
pz_client_error_get_details (const GError *error)
{
  PzClientErrorPrivate *priv = error && error->domain == PZ_CLIENT_ERROR ? pz_client_error_get_private (error) : NULL;

  return priv ? priv->details : NULL;
}

typedef struct {
  SoupMessage   *msg;
  JsonArray     *details;
  gboolean       authenticated;
  gboolean       raw;          /* the answer is bytes, not JSON */
  char          *content_type;
  PzProgressFunc progress;
  gpointer       progress_data;
  gsize          total;
  gsize          sent;
  char          *refused;      /* the fingerprint of a certificate not trusted */
} Request;

static void
request_free (Request *r)
{
  g_clear_object (&r->msg);
  g_clear_pointer (&r->details, json_array_unref);
  g_free (r->content_type);
  g_free (r->refused);
  g_free (r);
}

/* The server's own error code decides where one status has several
 * meanings (409: a stale version, or a duplicate). */
static int
error_code_for_status (guint       status,
                       const char *code)
{
  switch (status)
    {
    case 400: return PZ_CLIENT_ERROR_BAD_REQUEST;
    case 401: return PZ_CLIENT_ERROR_UNAUTHORIZED;
    case 403: return PZ_CLIENT_ERROR_FORBIDDEN;
    case 404: return PZ_CLIENT_ERROR_NOT_FOUND;
    case 409: return g_strcmp0 (code, "duplicate") == 0 ? PZ_CLIENT_ERROR_DUPLICATE : PZ_CLIENT_ERROR_STALE;
    case 413: return PZ_CLIENT_ERROR_TOO_LARGE;
    case 415: return PZ_CLIENT_ERROR_UNSUPPORTED;
    case 422: return PZ_CLIENT_ERROR_RULE;
    case 429: return PZ_CLIENT_ERROR_THROTTLED;
    case 503: return PZ_CLIENT_ERROR_BUSY;
    case 507: return PZ_CLIENT_ERROR_DISK_FULL;
    default: return PZ_CLIENT_ERROR_SERVER;
    }
}

/**
 * pz_client_certificate_fingerprint:
 *
 * Returns: (transfer full): the SHA-256 fingerprint of @certificate as
 *   `openssl x509 -fingerprint -sha256` prints it: AB:CD:…
 */
char *
pz_client_certificate_fingerprint (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;

  g_object_get (certificate, "certificate", &der, NULL);
  return pz_fingerprint_sha256 (der->data, der->len);
}

/* A certificate no authority vouches for (an office's own) is accepted only
 * if the user confirmed exactly this one before. */
static gboolean
accept_certificate (SoupMessage         *msg,
                    GTlsCertificate     *certificate,
                    GTlsCertificateFlags errors,
                    gpointer             data)
{
  Request *r = data;
  PzClient *self = g_object_get_data (G_OBJECT (msg), "pz-client");
  g_autofree char *fingerprint = pz_client_certificate_fingerprint (certificate);

  /* an expired or not-yet-valid certificate is never accepted */
  if (errors & ~(G_TLS_CERTIFICATE_UNKNOWN_CA | G_TLS_CERTIFICATE_BAD_IDENTITY))
    return FALSE;
  if (self->trusted && g_strv_contains ((const char * const *) self->trusted, fingerprint))
    return TRUE;
  if (r)
    {
      g_free (r->refused);
      r->refused = g_steal_pointer (&fingerprint);
    }
  return FALSE;
}

/**
 * pz_client_set_trusted_certificates:
 * @fingerprints: (nullable): SHA-256 fingerprints the user confirmed
 */
void
pz_client_set_trusted_certificates (PzClient           *self,
                                    const char * const *fingerprints)
{
  g_strfreev (self->trusted);
  self->trusted = g_strdupv ((char **) fingerprints);
}

static void
watch_certificate (PzClient    *self,
                   SoupMessage *msg,
                   Request     *r)
{
  g_object_set_data (G_OBJECT (msg), "pz-client", self);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_certificate), r);
}

static void
request_done (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(GTask) task = data;
  PzClient *self = g_task_get_source_object (task);
  Request *r = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_autoptr(JsonParser) parser = json_parser_new ();
  guint status;
  gsize size = 0;
  const char *data_text;
  JsonNode *root = NULL;

  if (bytes == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else if (r->refused)
        g_task_return_new_error (task, PZ_CLIENT_ERROR, PZ_CLIENT_ERROR_UNTRUSTED_CERTIFICATE, "%s", r->refused);
      else
        g_task_return_new_error (task, PZ_CLIENT_ERROR, PZ_CLIENT_ERROR_UNREACHABLE,
                                 _("The server cannot be reached: %s"), error->message);
      return;
    }

  status = soup_message_get_status (r->msg);
  data_text = g_bytes_get_data (bytes, &size);
  if (size > 0 && json_parser_load_from_data (parser, data_text, (gssize) size, NULL))
    root = json_parser_get_root (parser);

  if (r->raw && status >= 200 && status < 300)
    {
      r->content_type = g_strdup (soup_message_headers_get_content_type (
                                    soup_message_get_response_headers (r->msg), NULL));
      g_task_return_pointer (task, g_steal_pointer (&bytes), (GDestroyNotify) g_bytes_unref);
      return;
    }
  if (status >= 200 && status < 300)
    {
      g_task_return_pointer (task, root ? json_node_copy (root) : json_node_new (JSON_NODE_NULL),
                             (GDestroyNotify) json_node_unref);
      return;
    }

  {
    JsonObject *err = NULL;
    const char *message = NULL;
    const char *code = NULL;

    if (root && JSON_NODE_HOLDS_OBJECT (root) &&
        json_object_has_member (json_node_get_object (root), "error"))
      err = json_object_get_object_member (json_node_get_object (root), "error");
    if (err)
      {
        message = json_object_get_string_member_with_default (err, "message", NULL);
        code = json_object_get_string_member_with_default (err, "code", NULL);
        if (json_object_has_member (err, "details"))
          r->details = json_array_ref (json_object_get_array_member (err, "details"));
      }
    if (status == 401 && r->authenticated && self->token)
      {
        g_clear_pointer (&self->token, g_free);
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOGGED_IN]);
        g_signal_emit (self, signals[SESSION_EXPIRED], 0);
      }
    {
      GError *refusal = g_error_new (PZ_CLIENT_ERROR, error_code_for_status (status, code), "%s",
                                     message ? message : soup_status_get_phrase (status));
      PzClientErrorPrivate *priv = pz_client_error_get_private (refusal);

      priv->server_code = g_strdup (code);
      priv->details = r->details ? json_array_ref (r->details) : NULL;
      g_task_return_error (task, refusal);
    }
  }
}

static void
wrote_body_data (SoupMessage *msg,
                 guint        chunk,
                 Request     *r)
{
  r->sent += chunk;
  if (r->progress && r->total)
    r->progress (MIN (1.0, (double) r->sent / (double) r->total), r->progress_data);
}

static void
start_request (PzClient           *self,
               const char         *method,
               const char         *path,
               GBytes             *body,
               const char         *content_type,
               const char         *idempotency_key,
               gboolean            raw,
               PzProgressFunc      progress,
               gpointer            progress_data,
               GCancellable       *cancellable,
               GAsyncReadyCallback callback,
               gpointer            user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *url = g_strconcat (self->base_url ? self->base_url : "", path, NULL);
  Request *r = g_new0 (Request, 1);

  g_task_set_source_tag (task, pz_client_request_async);
  g_task_set_task_data (task, r, (GDestroyNotify) request_free);
  r->raw = raw;
  r->progress = progress;
  r->progress_data = progress_data;

  r->msg = soup_message_new (method, url);
  if (r->msg == NULL)
    {
      g_task_return_new_error (task, PZ_CLIENT_ERROR, PZ_CLIENT_ERROR_UNREACHABLE,
                               _("“%s” is not a server address"), self->base_url ? self->base_url : "");
      return;
    }
  watch_certificate (self, r->msg, r);
  if (self->token)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", self->token);
      soup_message_headers_replace (soup_message_get_request_headers (r->msg), "Authorization", auth);
      r->authenticated = TRUE;
    }
  if (idempotency_key)
    soup_message_headers_replace (soup_message_get_request_headers (r->msg), "Idempotency-Key",
                                  idempotency_key);
  if (body)
    {
      r->total = g_bytes_get_size (body);
      soup_message_set_request_body_from_bytes (r->msg, content_type, body);
      if (progress)
        g_signal_connect (r->msg, "wrote-body-data", G_CALLBACK (wrote_body_data), r);
    }
  soup_session_send_and_read_async (self->session, r->msg, G_PRIORITY_DEFAULT, cancellable,
                                    request_done, g_steal_pointer (&task));
}

/**
 * pz_client_request_async:
 * @self: a client
 * @method: an HTTP method
 * @path: the path below the server address, e.g. `/api/v1/inbox`
 * @body: (nullable): a JSON body
 * @idempotency_key: (nullable): the key for an action, reused on retries
 * @cancellable: (nullable): a cancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 */
void
pz_client_request_async (PzClient           *self,
                         const char         *method,
                         const char         *path,
                         JsonNode           *body,
                         const char         *idempotency_key,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data)
{
  g_autoptr(GBytes) bytes = NULL;

  if (body)
    {
      char *text = json_to_string (body, FALSE);
      bytes = g_bytes_new_take (text, strlen (text));
    }
  start_request (self, method, path, bytes, "application/json", idempotency_key, FALSE, NULL, NULL,
                 cancellable, callback, user_data);
}

/**
 * pz_client_get_bytes_async:
 * @self: a client
 * @path: e.g. a document's path
 * @cancellable: (nullable): a cancellable
 * @callback: called with the bytes
 * @user_data: data for @callback
 */
void
pz_client_get_bytes_async (PzClient           *self,
                           const char         *path,
                           GCancellable       *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer            user_data)
{
  start_request (self, "GET", path, NULL, NULL, NULL, TRUE, NULL, NULL, cancellable, callback, user_data);
}

/**
 * pz_client_get_bytes_finish:
 * @self: a client
 * @result: the result
 * @content_type: (out) (optional) (transfer full): the answer's type
 * @error: return location for an error
 *
 * Returns: (transfer full): the bytes
 */
GBytes *
pz_client_get_bytes_finish (PzClient     *self,
                            GAsyncResult *result,
                            char        **content_type,
                            GError      **error)
{
  Request *r = g_task_get_task_data (G_TASK (result));

  if (content_type)
    *content_type = g_strdup (r->content_type);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * pz_client_upload_async:
 * @self: a client
 * @path: where to PUT
 * @body: the file's bytes
 * @content_type: its type as far as the desktop knows
 * @progress: (nullable): told how much is sent, from 0 to 1
 * @progress_data: data for @progress
 * @cancellable: (nullable): a cancellable
 * @callback: called with the answer; finish with pz_client_request_finish()
 * @user_data: data for @callback
 */
void
pz_client_upload_async (PzClient           *self,
                        const char         *path,
                        GBytes             *body,
                        const char         *content_type,
                        PzProgressFunc      progress,
                        gpointer            progress_data,
                        GCancellable       *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer            user_data)
{
  start_request (self, "PUT", path, body, content_type, NULL, FALSE, progress, progress_data,
                 cancellable, callback, user_data);
}

/**
 * pz_client_request_finish:
 * @self: a client
 * @result: the result
 * @details: (out) (optional) (transfer full) (nullable): the `details` of a 422
 * @error: return location for an error
 *
 * Returns: (transfer full): the answer's JSON
 */
JsonNode *
pz_client_request_finish (PzClient     *self,
                          GAsyncResult *result,
                          JsonArray   **details,
                          GError      **error)
{
  Request *r = g_task_get_task_data (G_TASK (result));

  if (details)
    *details = r->details ? json_array_ref (r->details) : NULL;
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
login_done (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(GTask) task = data;
  PzClient *self = PZ_CLIENT (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = pz_client_request_finish (self, result, NULL, &error);
  JsonObject *obj;

  if (node == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  obj = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  if (obj == NULL || !json_object_has_member (obj, "token") || !json_object_has_member (obj, "user"))
    {
      g_task_return_new_error (task, PZ_CLIENT_ERROR, PZ_CLIENT_ERROR_SERVER,
                               _("The server's answer is not one Perizinan understands"));
      return;
    }
  pz_client_set_token (self, json_object_get_string_member (obj, "token"));
  g_clear_pointer (&self->user, json_object_unref);
  self->user = json_object_ref (json_object_get_object_member (obj, "user"));
  g_task_return_boolean (task, TRUE);
}

void
pz_client_login_async (PzClient           *self,
                       const char         *username,
                       const char         *password,
                       GCancellable       *cancellable,
                       GAsyncReadyCallback callback,
                       gpointer            user_data)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "username");
  json_builder_add_string_value (b, username);
  json_builder_set_member_name (b, "password");
  json_builder_add_string_value (b, password);
  json_builder_end_object (b);
  body = json_builder_get_root (b);

  g_clear_pointer (&self->token, g_free);
  pz_client_request_async (self, "POST", "/api/v1/auth/login", body, NULL, cancellable, login_done, task);
}

gboolean
pz_client_login_finish (PzClient     *self,
                        GAsyncResult *result,
                        GError      **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * pz_client_logout:
 * @self: a client
 *
 * Ends the session on the server (without waiting) and forgets it here.
 */
void
pz_client_logout (PzClient *self)
{
  pz_client_stop_events (self);
  if (self->token)
    pz_client_request_async (self, "POST", "/api/v1/auth/logout", NULL, NULL, NULL, NULL, NULL);
  pz_client_set_token (self, NULL);
  g_clear_pointer (&self->user, json_object_unref);
}

/* Events */

static void connect_events (PzClient *self);

static gboolean
retry_events (gpointer data)
{
  PzClient *self = data;

  self->events_retry = 0;
  connect_events (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_events_retry (PzClient *self)
{
  if (!self->events_wanted || self->token == NULL || self->events_retry)
    return;
  /* 1, 2, 4, 8, then every 10 seconds: a restarted server is found soon,
   * a dead one is not hammered. */
  self->events_backoff = self->events_backoff ? MIN (self->events_backoff * 2, 10) : 1;
  self->events_retry = g_timeout_add_seconds (self->events_backoff, retry_events, self);
}

static void
events_message (SoupWebsocketConnection *conn,
                gint                     type,
                GBytes                  *message,
                PzClient                *self)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *obj;
  gsize size;
  const char *data = g_bytes_get_data (message, &size);

  if (type != SOUP_WEBSOCKET_DATA_TEXT ||
      !json_parser_load_from_data (parser, data, (gssize) size, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;
  obj = json_node_get_object (json_parser_get_root (parser));
  if (g_strcmp0 (json_object_get_string_member_with_default (obj, "type", NULL), "application.late") == 0)
    {
      JsonArray *roles = json_object_has_member (obj, "roles") ? json_object_get_array_member (obj, "roles") : NULL;
      g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
      g_auto(GStrv) strv = NULL;

      for (guint i = 0; roles && i < json_array_get_length (roles); i++)
        g_strv_builder_add (b, json_array_get_string_element (roles, i));
      strv = g_strv_builder_end (b);
      g_signal_emit (self, signals[APPLICATION_LATE], 0,
                     json_object_get_int_member_with_default (obj, "id", 0),
                     json_object_get_string_member_with_default (obj, "registration_number", NULL),
                     json_object_get_string_member_with_default (obj, "step", NULL),
                     json_object_get_string_member_with_default (obj, "reason", NULL), strv);
      return;
    }
  if (g_strcmp0 (json_object_get_string_member_with_default (obj, "type", NULL), "signing_certificate.replaced") == 0)
    {
      g_signal_emit (self, signals[CERTIFICATE_REPLACED], 0,
                     json_object_get_string_member_with_default (obj, "by", ""),
                     json_object_get_string_member_with_default (obj, "subject", ""));
      return;
    }
  if (g_strcmp0 (json_object_get_string_member_with_default (obj, "type", NULL), "calendar.changed") == 0)
    {
      /* every due time may have moved: as after a reconnection, reload */
      g_signal_emit (self, signals[EVENTS_CONNECTED], 0);
      return;
    }
  if (g_strcmp0 (json_object_get_string_member_with_default (obj, "type", NULL), "application.changed") != 0)
    return;
  g_signal_emit (self, signals[APPLICATION_CHANGED], 0,
                 json_object_get_int_member_with_default (obj, "id", 0),
                 json_object_get_string_member_with_default (obj, "step", NULL),
                 json_object_get_string_member_with_default (obj, "status", NULL),
                 json_object_get_int_member_with_default (obj, "version", 0));
}

static void
events_closed (SoupWebsocketConnection *conn,
               PzClient                *self)
{
  if (conn != self->events)
    return;
  g_clear_object (&self->events);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EVENTS_CONNECTED]);
  schedule_events_retry (self);
}

static void
events_connected (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  PzClient *self = data;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);

  if (conn == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        schedule_events_retry (self);
      g_object_unref (self);
      return;
    }
  self->events = conn;
  self->events_backoff = 0;
  soup_websocket_connection_set_keepalive_interval (conn, 30);
  g_signal_connect_object (conn, "message", G_CALLBACK (events_message), self, 0);
  g_signal_connect_object (conn, "closed", G_CALLBACK (events_closed), self, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EVENTS_CONNECTED]);
  /* whatever happened while away is unknown: listeners reload */
  g_signal_emit (self, signals[EVENTS_CONNECTED], 0);
  g_object_unref (self);
}

static void
connect_events (PzClient *self)
{
  g_autofree char *url = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *auth = NULL;

  if (!self->events_wanted || self->token == NULL || self->base_url == NULL || self->events)
    return;
  url = g_strconcat (self->base_url, "/api/v1/events", NULL);
  msg = soup_message_new ("GET", url);
  if (msg == NULL)
    return;
  auth = g_strdup_printf ("Bearer %s", self->token);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  watch_certificate (self, msg, NULL);
  g_clear_object (&self->events_cancellable);
  self->events_cancellable = g_cancellable_new ();
  soup_session_websocket_connect_async (self->session, msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        self->events_cancellable, events_connected, g_object_ref (self));
}

/**
 * pz_client_start_events:
 * @self: a logged-in client
 *
 * Listens to the server's changes (`/api/v1/events`) and keeps listening:
 * after a server restart or a network cut the stream comes back by itself.
 */
void
pz_client_start_events (PzClient *self)
{
  self->events_wanted = TRUE;
  connect_events (self);
}

void
pz_client_stop_events (PzClient *self)
{
  self->events_wanted = FALSE;
  g_clear_handle_id (&self->events_retry, g_source_remove);
  g_cancellable_cancel (self->events_cancellable);
  if (self->events)
    {
      SoupWebsocketConnection *conn = g_steal_pointer (&self->events);

      if (soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_object_unref (conn);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EVENTS_CONNECTED]);
    }
}

gboolean
pz_client_get_events_connected (PzClient *self)
{
  return self->events != NULL;
}

static void
pz_client_finalize (GObject *object)
{
  PzClient *self = PZ_CLIENT (object);

  pz_client_stop_events (self);
  g_clear_object (&self->events_cancellable);

  g_clear_object (&self->session);
  g_free (self->base_url);
  g_free (self->token);
  g_strfreev (self->trusted);
  g_clear_pointer (&self->user, json_object_unref);
  G_OBJECT_CLASS (pz_client_parent_class)->finalize (object);
}

static void
pz_client_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  PzClient *self = PZ_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;
    case PROP_LOGGED_IN:
      g_value_set_boolean (value, self->token != NULL);
      break;
    case PROP_EVENTS_CONNECTED:
      g_value_set_boolean (value, self->events != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pz_client_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  PzClient *self = PZ_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      pz_client_set_base_url (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pz_client_class_init (PzClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pz_client_finalize;
  object_class->get_property = pz_client_get_property;
  object_class->set_property = pz_client_set_property;

  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOGGED_IN] =
    g_param_spec_boolean ("logged-in", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_EVENTS_CONNECTED] =
    g_param_spec_boolean ("events-connected", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PzClient::application-changed:
   * @id: the file
   * @step: its step now
   * @status: its status now
   * @version: its version now
   *
   * A file changed on the server, by anyone.
   */
  signals[APPLICATION_CHANGED] =
    g_signal_new ("application-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 4, G_TYPE_INT64, G_TYPE_STRING, G_TYPE_STRING,
                  G_TYPE_INT64);

  /**
   * PzClient::application-late:
   * @id: the file
   * @registration_number: its number
   * @step: the step it is late at
   * @reason: "step" (over the step's standard) or "deadline" (near the service standard)
   * @roles: who is to be told
   *
   * A file became late; the server says so once per file and step.
   */
  signals[APPLICATION_LATE] =
    g_signal_new ("application-late", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 5, G_TYPE_INT64, G_TYPE_STRING, G_TYPE_STRING,
                  G_TYPE_STRING, G_TYPE_STRV);

  /**
   * PzClient::signing-certificate-replaced:
   * @by: the administrator who installed it
   * @subject: whom the new certificate names
   *
   * The office's signing certificate was replaced; the server tells only
   * the Kadis and the acting Kadis, who sign with it.
   */
  signals[CERTIFICATE_REPLACED] =
    g_signal_new ("signing-certificate-replaced", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  /**
   * PzClient::events-connected:
   *
   * The event stream is (again) open; changes made meanwhile were missed.
   */
  signals[EVENTS_CONNECTED] =
    g_signal_new ("events-connected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * PzClient::session-expired:
   *
   * The server refused the token: the user must log in again.
   */
  signals[SESSION_EXPIRED] =
    g_signal_new ("session-expired", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
pz_client_init (PzClient *self)
{
  self->session = soup_session_new_with_options ("timeout", 30, "idle-timeout", 60, NULL);
}

PzClient *
pz_client_new (const char *base_url)
{
  return g_object_new (PZ_TYPE_CLIENT, "base-url", base_url, NULL);
}

const char *
pz_client_get_base_url (PzClient *self)
{
  return self->base_url;
}

void
pz_client_set_base_url (PzClient   *self,
                        const char *base_url)
{
  g_autofree char *url = base_url ? g_strstrip (g_strdup (base_url)) : NULL;

  while (url && g_str_has_suffix (url, "/"))
    url[strlen (url) - 1] = '\0';
  if (url && *url && !strstr (url, "://"))
    {
      char *with_scheme = g_strconcat ("http://", url, NULL);
      g_free (url);
      url = with_scheme;
    }
  if (g_strcmp0 (url, self->base_url) == 0)
    return;
  g_free (self->base_url);
  self->base_url = g_steal_pointer (&url);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BASE_URL]);
}

const char *
pz_client_get_token (PzClient *self)
{
  return self->token;
}

void
pz_client_set_token (PzClient   *self,
                     const char *token)
{
  if (g_strcmp0 (token, self->token) == 0)
    return;
  g_free (self->token);
  self->token = g_strdup (token);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOGGED_IN]);
}

/**
 * pz_client_get_user:
 * @self: a client
 *
 * Returns: (transfer none) (nullable): the logged-in user as the server sent it
 */
JsonObject *
pz_client_get_user (PzClient *self)
{
  return self->user;
}

gboolean
pz_client_user_has_role (PzClient   *self,
                         const char *role)
{
  JsonArray *roles, *acting;

  if (self->user == NULL || !json_object_has_member (self->user, "roles"))
    return FALSE;
  roles = json_object_get_array_member (self->user, "roles");
  for (guint i = 0; i < json_array_get_length (roles); i++)
    if (g_strcmp0 (json_array_get_string_element (roles, i), role) == 0)
      return TRUE;
  /* a role held today as Plh/Plt is worked in like one's own */
  acting = json_object_has_member (self->user, "acting")
           ? json_object_get_array_member (self->user, "acting") : NULL;
  for (guint i = 0; acting && i < json_array_get_length (acting); i++)
    {
      JsonObject *a = json_array_get_object_element (acting, i);

      if (a && g_strcmp0 (json_object_get_string_member_with_default (a, "role", NULL), role) == 0)
        return TRUE;
    }
  return FALSE;
}
