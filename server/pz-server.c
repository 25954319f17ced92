/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-server"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>
#include <sys/socket.h>

#include "pz-auth.h"
#include "pz-catalog.h"
#include "pz-demo.h"
#include "pz-inspect.h"
#include "pz-http-guard.h"
#include "pz-outbox.h"
#include "pz-metrics.h"
#include "pz-outputs.h"
#include "pz-ratelimit.h"
#include "pz-report.h"
#include "pz-route.h"
#include "pz-server.h"
#include "pz-tracking.h"

struct _PzServer
{
  GObject      parent_instance;
  PzConfig    *config;
  SoupServer  *soup;
  PzEngine    *engine;
  PzThrottle  *throttle_user;
  PzThrottle  *throttle_address;
  char        *dummy_hash;
  guint        port;

  /* Actions that arrive together share one transaction and one durable
   * commit; their answers are held until it is on disk. */
  GPtrArray   *batch;        /* SoupServerMessage, paused */
  guint        batch_source;
  GSource     *certificate_check;
  GSource     *escalation_check;
  GSource     *purge_check;
  GPtrArray   *batch_events; /* JSON texts, sent once the batch is on disk */

  GPtrArray   *sockets;      /* SoupWebsocketConnection: /api/v1/events */

  /* token hash -> Session: spares two queries on every request */
  GHashTable  *sessions;

  PzOutbox    *outbox;
  GSocket     *listen_socket;

  PzMetrics   *metrics;

  /* Document inspections: a few at once, a bounded queue behind them. */
  guint        inspections_running;
  GQueue       inspections_waiting;   /* Inspection, not started */
  gboolean     sandbox_logged;

  GList       *write_waits;           /* WriteWait: for another process's write lock */

  PzCatalog   *public_catalog;  /* the public pages' language; NULL: English */
  PzRateLimit *public_limit;
  PzHttpGuard *guard;
};

typedef struct {
  PzUser *user;
  gint64  expires_at;
  gint64  checked_at;
  gint64  last_seen;   /* the last request */
  gint64  touched_at;  /* when last_seen was last written to the database */
} Session;

/* How often (at most) the time of a session's last request is written
 * down; more often for a short idle timeout. */
#define SESSION_TOUCH_SECONDS 60

/* How long a session read from the database is trusted without reading it
 * again. Logging out here drops it at once; an administrator's change to a
 * user takes effect within this time. */
#define SESSION_CACHE_SECONDS 30

static void
session_free (Session *s)
{
  pz_user_free (s->user);
  g_free (s);
}

G_DEFINE_FINAL_TYPE (PzServer, pz_server, G_TYPE_OBJECT)

typedef struct {
  PzServer          *server;
  SoupServerMessage *msg;
  const char        *method;
  char             **seg;
  guint              n_seg;
  GHashTable        *query;
  PzUser            *user;
  gint64             now;
  const char        *param[PZ_ROUTE_MAX_PARAMS];  /* the path's {…} segments */
} Req;

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Answers */

static void
send_json (SoupServerMessage *msg,
           guint              status,
           JsonNode          *node)
{
  g_autofree char *text = json_to_string (node, FALSE);
  gsize len = strlen (text);

  /* An answer replaces any set before it (a held success whose commit
   * then failed): a client always reads one JSON document. */
  soup_message_body_truncate (soup_server_message_get_response_body (msg));
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_TAKE,
                                    g_steal_pointer (&text), len);
}

static void
send_text_json (SoupServerMessage *msg,
                guint              status,
                const char        *text)
{
  soup_message_body_truncate (soup_server_message_get_response_body (msg));
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_COPY,
                                    text, strlen (text));
}

static void
send_error (SoupServerMessage *msg,
            guint              status,
            const char        *code,
            const char        *message,
            GPtrArray         *details)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, code);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  if (details && details->len)
    {
      json_builder_set_member_name (b, "details");
      json_builder_add_value (b, pz_details_to_json (details));
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  send_json (msg, status, root);
}

static void
send_gerror (SoupServerMessage *msg,
             const GError      *error,
             GPtrArray         *details)
{
  static const struct {
    guint       status;
    const char *code;
  } map[] = {
    [PZ_ENGINE_ERROR_BAD_REQUEST] = { 400, "bad_request" },
    [PZ_ENGINE_ERROR_FORBIDDEN] = { 403, "forbidden" },
    [PZ_ENGINE_ERROR_NOT_FOUND] = { 404, "not_found" },
    [PZ_ENGINE_ERROR_STALE] = { 409, "stale_version" },
    [PZ_ENGINE_ERROR_DUPLICATE] = { 409, "duplicate" },
    [PZ_ENGINE_ERROR_TOO_LARGE] = { 413, "too_large" },
    [PZ_ENGINE_ERROR_UNSUPPORTED] = { 415, "unsupported_type" },
    [PZ_ENGINE_ERROR_RULE] = { 422, "rule_unmet" },
    [PZ_ENGINE_ERROR_INTERNAL] = { 500, "internal" },
    [PZ_ENGINE_ERROR_DISK_FULL] = { 507, "disk_full" },
    [PZ_ENGINE_ERROR_UNCONFIRMED] = { 422, "unconfirmed" },
  };

  if (error->domain == PZ_ENGINE_ERROR && error->code >= 0 && error->code < (int) G_N_ELEMENTS (map) &&
      error->code != PZ_ENGINE_ERROR_INTERNAL)
    send_error (msg, map[error->code].status, map[error->code].code, error->message, details);
  else
    {
      /* the details (a path, an SQL error) go to the log, never to the client */
      g_autofree char *safe = pz_log_escape (error->message, 1000);

      g_warning ("Unexpected error: %s", safe);
      send_error (msg, 500, "internal", _("The server met an unexpected problem"), NULL);
    }
}

/* 507: nothing of the request was kept; the office frees space and the
 * client tries again. */
static void
send_disk_full (SoupServerMessage *msg)
{
  send_error (msg, 507, "disk_full",
              _("The server's disk is full; nothing was saved. Ask the administrator to free space, then try again"),
              NULL);
}

static void
bad_request (Req        *req,
             const char *message)
{
  send_error (req->msg, 400, "bad_request", message, NULL);
}

/* Events */

static char *bearer_token (Req *req);

static char *
event_json (gint64      id,
            const char *step,
            const char *status,
            gint64      version)
{
  g_autoptr(PzJsonWriter) w = pz_json_writer_new ();

  pz_json_writer_begin_object (w);
  pz_json_writer_member (w, "type");
  pz_json_writer_string (w, "application.changed");
  pz_json_writer_member (w, "id");
  pz_json_writer_int (w, id);
  pz_json_writer_member (w, "step");
  pz_json_writer_string (w, step);
  pz_json_writer_member (w, "status");
  pz_json_writer_string (w, status);
  pz_json_writer_member (w, "version");
  pz_json_writer_int (w, version);
  pz_json_writer_end_object (w);
  return pz_json_writer_free_to_string (g_steal_pointer (&w));
}

static void
broadcast (PzServer   *self,
           const char *text)
{
  for (guint i = 0; i < self->sockets->len; i++)
    {
      SoupWebsocketConnection *conn = g_ptr_array_index (self->sockets, i);

      if (soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_send_text (conn, text);
    }
}

/* Tells every connected desktop that a file changed; the desktops fetch
 * what they show. */
static void
announce (PzServer      *self,
          PzApplication *app)
{
  g_autofree char *text = event_json (app->id, app->step, app->status, app->version);
  broadcast (self, text);
}

static void
announce_id (PzServer *self,
             gint64    id)
{
  g_autoptr(PzApplication) app = pz_engine_get_application (self->engine, id, NULL);

  if (app)
    announce (self, app);
}

static void
socket_closed (SoupWebsocketConnection *conn,
               PzServer                *self)
{
  g_ptr_array_remove (self->sockets, conn);
}

static void
websocket_callback (SoupServer              *soup,
                    SoupServerMessage       *msg,
                    const char              *path,
                    SoupWebsocketConnection *conn,
                    gpointer                 data)
{
  PzServer *self = data;
  Req req = { 0 };
  g_autofree char *token = NULL;
  g_autofree char *hash = NULL;
  g_autoptr(PzUser) user = NULL;

  /* libsoup answers the handshake before any handler can refuse it; a
   * socket without a live session is closed before it hears anything. */
  req.server = self;
  req.msg = msg;
  token = bearer_token (&req);
  hash = token ? pz_auth_hash_token (token) : NULL;
  user = hash && pz_store_touch_session (pz_engine_get_store (self->engine), hash, now_seconds (),
                                          self->config->session_idle_seconds)
         ? pz_store_session_user (pz_engine_get_store (self->engine), hash, now_seconds (), NULL) : NULL;
  if (user == NULL)
    {
      soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, "unauthorized");
      return;
    }

  /* the socket lives only as long as its session */
  g_object_set_data_full (G_OBJECT (conn), "pz-token-hash", g_steal_pointer (&hash), g_free);
  soup_websocket_connection_set_keepalive_interval (conn, 30);
  g_signal_connect_object (conn, "closed", G_CALLBACK (socket_closed), self, 0);
  g_ptr_array_add (self->sockets, g_object_ref (conn));
}

/* Closes the event sockets whose session ended: logged out, its
 * password reset, its user deactivated, expired or idle. */
static void
close_ended_sockets (PzServer *self)
{
  PzStore *store = pz_engine_get_store (self->engine);
  g_autoptr(GPtrArray) ended = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 now = now_seconds ();

  for (guint i = 0; i < self->sockets->len; i++)
    {
      SoupWebsocketConnection *conn = g_ptr_array_index (self->sockets, i);
      const char *hash = g_object_get_data (G_OBJECT (conn), "pz-token-hash");

      if (!pz_store_session_live (store, hash, now, self->config->session_idle_seconds))
        g_ptr_array_add (ended, g_object_ref (conn));
    }
  for (guint i = 0; i < ended->len; i++)
    {
      SoupWebsocketConnection *conn = g_ptr_array_index (ended, i);

      if (soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, "session ended");
    }
}

static void flush_batch (PzServer *self);

/* Ended sessions and old answers to retries are deleted now and then. */
static gboolean
purge_cb (gpointer data)
{
  PzServer *self = data;
  g_autoptr(GError) error = NULL;
  gint64 n;

  flush_batch (self);
  close_ended_sockets (self);
  n = pz_store_purge (pz_engine_get_store (self->engine), now_seconds (), self->config->session_idle_seconds,
                      self->config->idempotency_seconds, &error);
  if (n < 0)
    g_warning ("Cannot delete ended sessions: %s", error->message);
  else if (n > 0)
    g_debug ("Deleted %" G_GINT64_FORMAT " ended sessions and old retry answers", n);
  return G_SOURCE_CONTINUE;
}

/* Group commit */

static void
flush_batch (PzServer *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) batch = NULL;
  g_autoptr(GPtrArray) events = NULL;
  PzStore *store;

  if (self->batch == NULL || self->engine == NULL)
    return;
  store = pz_engine_get_store (self->engine);
  if (self->batch_source)
    {
      GSource *source = g_main_context_find_source_by_id (g_main_context_get_thread_default (),
                                                          self->batch_source);
      if (source)
        g_source_destroy (source);
      self->batch_source = 0;
    }
  batch = g_steal_pointer (&self->batch);
  events = g_steal_pointer (&self->batch_events);

  if (!pz_store_commit (store, &error))
    {
      pz_store_rollback (store);
      g_warning ("Cannot commit %u actions: %s", batch->len, error->message);
    }
  for (guint i = 0; i < batch->len; i++)
    {
      SoupServerMessage *msg = g_ptr_array_index (batch, i);

      /* the answer held for this commit is replaced, never added to */
      if (error && g_error_matches (error, PZ_STORE_ERROR, PZ_STORE_ERROR_FULL))
        send_disk_full (msg);
      else if (error)
        send_error (msg, 500, "internal", _("The server could not save the change; try again"), NULL);
      soup_server_message_unpause (msg);
    }
  for (guint i = 0; error == NULL && i < events->len; i++)
    broadcast (self, g_ptr_array_index (events, i));
  if (error == NULL && self->outbox)
    pz_outbox_kick (self->outbox);
}

static gboolean
flush_batch_cb (gpointer data)
{
  PzServer *self = data;

  self->batch_source = 0;
  flush_batch (self);
  return G_SOURCE_REMOVE;
}

static gboolean
join_batch (PzServer  *self,
            GError   **error)
{
  if (self->batch)
    return TRUE;
  if (!pz_store_begin (pz_engine_get_store (self->engine), error))
    return FALSE;
  self->batch = g_ptr_array_new_with_free_func (g_object_unref);
  self->batch_events = g_ptr_array_new_with_free_func (g_free);
  /* At the sockets' own priority: the commit runs once the requests that
   * are ready now have been handled, so a busy server batches more and an
   * idle one answers at once. */
  {
    g_autoptr(GSource) source = g_idle_source_new ();

    g_source_set_priority (source, G_PRIORITY_DEFAULT);
    g_source_set_callback (source, flush_batch_cb, self, NULL);
    g_source_set_static_name (source, "[perizinan] group commit");
    self->batch_source = g_source_attach (source, g_main_context_get_thread_default ());
  }
  return TRUE;
}

static void
hold_for_batch (PzServer          *self,
                SoupServerMessage *msg)
{
  soup_server_message_pause (msg);
  g_ptr_array_add (self->batch, g_object_ref (msg));
}

/* The write lock.  Another process (a backup, an administrator's sqlite3)
 * may hold the database's write lock for a while. Waiting for it inside
 * SQLite would stop the main loop, and with it /healthz and every read;
 * so the main connection never waits long, and a request that is to write
 * waits here, on a timer, while everything else is answered. */

#define WRITE_WAIT_SECONDS 5

typedef void (*WriteReady) (PzServer *self,
                            gpointer  data,
                            gboolean  writable);

typedef struct {
  PzServer  *server;
  WriteReady ready;
  gpointer   data;
  gint64     deadline;
  guint      delay_ms;
  GSource   *source;
} WriteWait;

static gboolean write_wait_retry (gpointer data);

static void
write_wait_schedule (WriteWait *w)
{
  w->source = g_timeout_source_new (w->delay_ms);
  g_source_set_callback (w->source, write_wait_retry, w, NULL);
  g_source_set_static_name (w->source, "[perizinan] write lock");
  g_source_attach (w->source, g_main_context_get_thread_default ());
}

static void
write_wait_end (WriteWait *w,
                gboolean   writable)
{
  PzServer *self = w->server;

  if (w->source)
    {
      g_source_destroy (w->source);
      g_clear_pointer (&w->source, g_source_unref);
    }
  self->write_waits = g_list_remove (self->write_waits, w);
  w->ready (self, w->data, writable);
  g_free (w);
}

static gboolean
write_wait_retry (gpointer data)
{
  WriteWait *w = data;
  PzServer *self = w->server;

  g_clear_pointer (&w->source, g_source_unref);
  if (pz_store_try_write_lock (pz_engine_get_store (self->engine)))
    write_wait_end (w, TRUE);
  else if (g_get_monotonic_time () >= w->deadline)
    {
      g_message ("The database stayed locked by another program for %d s; a request was refused",
                 WRITE_WAIT_SECONDS);
      write_wait_end (w, FALSE);
    }
  else
    {
      w->delay_ms = MIN (w->delay_ms * 2, 100);
      write_wait_schedule (w);
    }
  return G_SOURCE_REMOVE;
}

/* Calls @ready at once if the write lock is free, else once it is, or with
 * @writable %FALSE after WRITE_WAIT_SECONDS. */
static void
when_writable (PzServer   *self,
               WriteReady  ready,
               gpointer    data)
{
  WriteWait *w;

  if (pz_store_try_write_lock (pz_engine_get_store (self->engine)))
    {
      ready (self, data, TRUE);
      return;
    }
  w = g_new0 (WriteWait, 1);
  w->server = self;
  w->ready = ready;
  w->data = data;
  w->deadline = g_get_monotonic_time () + WRITE_WAIT_SECONDS * G_USEC_PER_SEC;
  w->delay_ms = 5;
  self->write_waits = g_list_append (self->write_waits, w);
  write_wait_schedule (w);
}

static void
send_busy (SoupServerMessage *msg,
           const char        *message,
           guint              retry_after)
{
  g_autofree char *seconds = g_strdup_printf ("%u", retry_after);

  send_error (msg, 503, "busy", message, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", seconds);
}

/* Request bodies */

static JsonObject *
read_json_body (Req *req)
{
  SoupMessageBody *body = soup_server_message_get_request_body (req->msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) error = NULL;
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  JsonNode *root;

  if (size > req->server->config->max_body)
    {
      send_error (req->msg, 413, "too_large", _("The request is too large"), NULL);
      return NULL;
    }
  if (size == 0)
    {
      bad_request (req, _("The request needs a JSON body"));
      return NULL;
    }
  if (!g_utf8_validate_len (data, size, NULL))
    {
      bad_request (req, _("The request is not valid UTF-8"));
      return NULL;
    }
  /* the parser recurses: a deep text would exhaust the stack */
  if (!pz_json_depth_ok (data, size, PZ_JSON_MAX_DEPTH))
    {
      g_autofree char *message = g_strdup_printf (_("The request nests arrays and objects deeper than %d levels"),
                                                  PZ_JSON_MAX_DEPTH);
      bad_request (req, message);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, data, (gssize) size, &error))
    {
      g_autofree char *message = g_strdup_printf (_("The request is not valid JSON: %s"),
                                                  error->message);
      bad_request (req, message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      bad_request (req, _("The request body must be a JSON object"));
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

static gboolean
only_members (Req                *req,
              JsonObject         *obj,
              const char * const *known)
{
  g_autoptr(GList) members = json_object_get_members (obj);

  for (GList *l = members; l; l = l->next)
    if (!g_strv_contains (known, l->data))
      {
        g_autofree char *message = g_strdup_printf (_("Unknown field “%s”"), (char *) l->data);
        bad_request (req, message);
        return FALSE;
      }
  return TRUE;
}

/* Reads an optional member of the given type; wrong types are a 400. */
static gboolean
get_member (Req         *req,
            JsonObject  *obj,
            const char  *name,
            GType        type,
            gboolean     required,
            JsonNode   **out)
{
  JsonNode *node = json_object_get_member (obj, name);
  gboolean ok;

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        {
          g_autofree char *message = g_strdup_printf (_("“%s” is required"), name);
          bad_request (req, message);
          return FALSE;
        }
      return TRUE;
    }
  if (type == JSON_TYPE_OBJECT)
    ok = JSON_NODE_HOLDS_OBJECT (node);
  else
    ok = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
  if (!ok)
    {
      g_autofree char *message = g_strdup_printf (_("“%s” has the wrong type"), name);
      bad_request (req, message);
      return FALSE;
    }
  *out = node;
  return TRUE;
}

/* Authentication */

static JsonNode *
user_json (PzUser *user,
           gint64  expires_at,
           PzEngine *engine)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "username");
  json_builder_add_string_value (b, user->username);
  json_builder_set_member_name (b, "full_name");
  json_builder_add_string_value (b, user->full_name);
  json_builder_set_member_name (b, "nip");
  if (user->nip)
    json_builder_add_string_value (b, user->nip);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "roles");
  json_builder_begin_array (b);
  for (guint i = 0; user->roles[i]; i++)
    if (pz_user_acting_kind (user, user->roles[i]) == NULL)
      json_builder_add_string_value (b, user->roles[i]);
  json_builder_end_array (b);
  /* roles held today as Plh/Plt: the user works in them as in their own */
  json_builder_set_member_name (b, "acting");
  json_builder_begin_array (b);
  for (guint i = 0; user->roles[i]; i++)
    {
      const char *kind = pz_user_acting_kind (user, user->roles[i]);

      if (kind == NULL)
        continue;
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "role");
      json_builder_add_string_value (b, user->roles[i]);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, kind);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "active");
  json_builder_add_boolean_value (b, user->active);
  json_builder_set_member_name (b, "must_change_password");
  json_builder_add_boolean_value (b, user->must_change_password);
  if (expires_at)
    {
      g_autofree char *t = pz_engine_format_time (engine, expires_at);
      json_builder_set_member_name (b, "session_expires_at");
      json_builder_add_string_value (b, t);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static char *
bearer_token (Req *req)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (req->msg);
  const char *auth = soup_message_headers_get_one (headers, "Authorization");

  if (auth == NULL || g_ascii_strncasecmp (auth, "Bearer ", 7) != 0)
    return NULL;
  auth += 7;
  if (strlen (auth) != 64)
    return NULL;
  for (const char *p = auth; *p; p++)
    if (!g_ascii_isxdigit (*p))
      return NULL;
  return g_ascii_strdown (auth, -1);
}

static GQuark request_user_quark (void);

static gboolean
authenticate (Req *req)
{
  g_autofree char *token = bearer_token (req);
  g_autofree char *hash = NULL;

  if (token == NULL)
    {
      send_error (req->msg, 401, "unauthorized", _("Log in first"), NULL);
      return FALSE;
    }
  hash = pz_auth_hash_token (token);
  {
    Session *cached = g_hash_table_lookup (req->server->sessions, hash);
    PzStore *store = pz_engine_get_store (req->server->engine);
    gint64 idle = req->server->config->session_idle_seconds;
    gint64 touch = CLAMP (idle / 4, 1, SESSION_TOUCH_SECONDS);

    if (cached && cached->expires_at > req->now && req->now - cached->checked_at < SESSION_CACHE_SECONDS &&
        req->now - cached->last_seen < idle &&
        (req->now - cached->touched_at < touch ||
         pz_store_touch_session (store, hash, req->now, idle)))
      {
        req->user = pz_user_copy (cached->user);
        if (req->now - cached->touched_at >= touch)
          cached->touched_at = req->now;
        cached->last_seen = req->now;
      }
    else
      {
        gint64 expires_at = 0;

        g_hash_table_remove (req->server->sessions, hash);
        /* a session idle too long ends; a live one notes this request */
        if (pz_store_touch_session (store, hash, req->now, idle))
          req->user = pz_store_session_user (store, hash, req->now, &expires_at);
        if (req->user)
          {
            Session *s = g_new0 (Session, 1);

            /* bounded: a flood of tokens cannot grow it without end */
            if (g_hash_table_size (req->server->sessions) > 10000)
              g_hash_table_remove_all (req->server->sessions);
            s->user = pz_user_copy (req->user);
            s->expires_at = expires_at;
            s->checked_at = s->last_seen = s->touched_at = req->now;
            g_hash_table_insert (req->server->sessions, g_strdup (hash), s);
          }
      }
  }
  if (req->user == NULL)
    {
      send_error (req->msg, 401, "unauthorized", _("Your session has ended; log in again"), NULL);
      return FALSE;
    }
  g_object_set_qdata_full (G_OBJECT (req->msg), request_user_quark (),
                           g_strdup (req->user->username), g_free);
  return TRUE;
}

/* Guessing a secret (a password, the signing passphrase) is throttled per
 * user at one address, so that a stranger elsewhere cannot lock an official
 * out, and per address. */
static char *
throttle_key (const char *kind,
              const char *username,
              const char *address)
{
  return g_strdup_printf ("%s\n%s\n%s", kind, username, address);
}

static const char *
client_address (Req *req)
{
  const char *address = soup_server_message_get_remote_host (req->msg);
  return address ? address : "unknown";
}

/* Counts an attempt as it arrives; answers 429 and returns FALSE if it must
 * wait. */
static gboolean
throttle_attempt (Req        *req,
                  const char *key,
                  const char *address)
{
  gint64 now = g_get_monotonic_time ();
  gint64 wait = MAX (pz_throttle_check (req->server->throttle_user, key, now),
                     pz_throttle_check (req->server->throttle_address, address, now));

  if (wait == 0)
    {
      pz_throttle_attempt (req->server->throttle_user, key, now);
      pz_throttle_attempt (req->server->throttle_address, address, now);
      return TRUE;
    }
  {
    g_autofree char *retry = g_strdup_printf ("%" G_GINT64_FORMAT,
                                              (wait + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);

    soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                  "Retry-After", retry);
    send_error (req->msg, 429, "throttled",
                _("Too many failed attempts; wait a moment and try again"), NULL);
  }
  return FALSE;
}

/* The attempt was right: its count is taken back. */
static void
throttle_success (PzServer   *self,
                  const char *key,
                  const char *address)
{
  pz_throttle_reset (self->throttle_user, key);
  pz_throttle_forgive (self->throttle_address, address);
}

typedef struct {
  PzServer          *server;
  SoupServerMessage *msg;
  char              *username;
  char              *password;
  char              *address;
  char              *encoded;
  char              *throttle_key;
  gint64             user_id;
} LoginJob;

static void
login_job_free (LoginJob *job)
{
  g_clear_object (&job->server);
  g_clear_object (&job->msg);
  g_free (job->username);
  if (job->password)
    memset (job->password, 0, strlen (job->password));
  g_free (job->password);
  g_free (job->address);
  g_free (job->encoded);
  g_free (job->throttle_key);
  g_free (job);
}

static void
verify_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      data,
                  GCancellable *cancellable)
{
  LoginJob *job = data;
  g_task_return_boolean (task, pz_auth_verify_password (job->encoded, job->password));
}

static void
login_verified (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  LoginJob *job = data;
  PzServer *self = job->server;
  PzStore *store = pz_engine_get_store (self->engine);
  g_autoptr(GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), NULL) && job->user_id != 0;
  gint64 now = now_seconds ();

  flush_batch (self);
  if (!ok)
    {
      /* the attempt was counted when it arrived; a name no account has may
       * be a password typed in the wrong box */
      {
        g_autofree char *who = job->user_id ? pz_log_escape (job->username, 200) : NULL;

        g_message ("Failed login for %s from %s", who ? who : "an unknown user", job->address);
      }
      send_error (job->msg, 401, "unauthorized", _("Wrong username or password"), NULL);
    }
  else
    {
      g_autofree char *token = pz_auth_new_token ();
      g_autofree char *hash = pz_auth_hash_token (token);
      gint64 expires = now + (gint64) self->config->session_hours * 3600;
      g_autoptr(PzUser) user = pz_store_get_user (store, job->user_id);

      if (user == NULL || !pz_store_insert_session (store, hash, job->user_id, now, expires, &error))
        {
          send_error (job->msg, 500, "internal", _("The server could not start the session"), NULL);
        }
      else
        {
          g_autoptr(JsonBuilder) b = json_builder_new ();
          g_autoptr(JsonNode) root = NULL;
          g_autofree char *expires_text = pz_engine_format_time (self->engine, expires);

          throttle_success (self, job->throttle_key, job->address);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "token");
          json_builder_add_string_value (b, token);
          json_builder_set_member_name (b, "expires_at");
          json_builder_add_string_value (b, expires_text);
          json_builder_set_member_name (b, "user");
          json_builder_add_value (b, user_json (user, 0, self->engine));
          json_builder_end_object (b);
          root = json_builder_get_root (b);
          send_json (job->msg, 200, root);
        }
    }
  soup_server_message_unpause (job->msg);
}

static void
handle_login (Req *req)
{
  static const char * const known[] = { "username", "password", NULL };
  g_autoptr(JsonObject) body = read_json_body (req);
  g_autoptr(GTask) task = NULL;
  g_autoptr(PzUser) user = NULL;
  JsonNode *username, *password;
  LoginJob *job;
  const char *address;

  if (body == NULL || !only_members (req, body, known) ||
      !get_member (req, body, "username", G_TYPE_STRING, TRUE, &username) ||
      !get_member (req, body, "password", G_TYPE_STRING, TRUE, &password))
    return;
  if (strlen (json_node_get_string (username)) > 200 || strlen (json_node_get_string (password)) > 1024)
    {
      send_error (req->msg, 401, "unauthorized", _("Wrong username or password"), NULL);
      return;
    }

  address = client_address (req);
  job = g_new0 (LoginJob, 1);
  job->server = g_object_ref (req->server);
  job->msg = g_object_ref (req->msg);
  job->username = g_utf8_strdown (json_node_get_string (username), -1);
  job->password = g_strdup (json_node_get_string (password));
  job->address = g_strdup (address);

  job->throttle_key = throttle_key ("login", job->username, job->address);
  if (!throttle_attempt (req, job->throttle_key, job->address))
    {
      login_job_free (job);
      return;
    }

  user = pz_store_find_user (pz_engine_get_store (req->server->engine), job->username);
  if (user && user->active)
    {
      job->user_id = user->id;
      job->encoded = g_strdup (user->password_hash);
    }
  else
    /* Same work for unknown names, so timing does not tell which exist. */
    job->encoded = g_strdup (req->server->dummy_hash);

  soup_server_message_pause (req->msg);
  task = g_task_new (NULL, NULL, login_verified, job);
  g_task_set_task_data (task, job, (GDestroyNotify) login_job_free);
  g_task_run_in_thread (task, verify_in_thread);
}

/* argon2 takes tens of milliseconds and 19 MiB: it never runs on the main
 * loop. A handler that needs it asks argon_result(); the first time the
 * work is started in a thread and the request paused; once it is done the
 * request is routed again and the handler finds the result. */
typedef struct {
  char     *encoded;        /* verified against verify_password */
  char     *verify_password;
  char     *hash_password;  /* hashed into hash */
  gboolean  verified;
  char     *hash;
  char     *hash_error;
} Argon;

static void
argon_free (Argon *a)
{
  if (a->verify_password)
    memset (a->verify_password, 0, strlen (a->verify_password));
  if (a->hash_password)
    memset (a->hash_password, 0, strlen (a->hash_password));
  g_free (a->encoded);
  g_free (a->verify_password);
  g_free (a->hash_password);
  g_free (a->hash);
  g_free (a->hash_error);
  g_free (a);
}

static void route (Req *req);
static gboolean split_path (const char *path, char ***out, guint *n);

static void
argon_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      data,
                 GCancellable *cancellable)
{
  Argon *a = data;

  if (a->verify_password)
    a->verified = pz_auth_verify_password (a->encoded, a->verify_password);
  if (a->hash_password && (a->verify_password == NULL || a->verified))
    {
      g_autoptr(GError) error = NULL;

      if (!(a->hash = pz_auth_hash_password (a->hash_password, &error)))
        a->hash_error = g_strdup (error->message);
    }
  g_task_return_boolean (task, TRUE);
}

static void
argon_done (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  SoupServerMessage *msg = data;
  GTask *task = G_TASK (result);
  PzServer *self = g_task_get_source_object (task);
  Argon *a = g_task_get_task_data (task);
  Req req = { 0 };
  GUri *uri = soup_server_message_get_uri (msg);
  g_autoptr(GHashTable) query = g_uri_get_query (uri) ? soup_form_decode (g_uri_get_query (uri)) : NULL;

  /* the result lives as long as the request */
  g_object_set_data_full (G_OBJECT (msg), "pz-argon", a, (GDestroyNotify) argon_free);
  req.server = self;
  req.msg = msg;
  req.method = soup_server_message_get_method (msg);
  req.query = query;
  req.now = now_seconds ();
  if (!split_path (g_uri_get_path (uri), &req.seg, &req.n_seg))
    send_error (msg, 404, "not_found", _("There is nothing here"), NULL);
  else
    route (&req);
  g_strfreev (req.seg);
  pz_user_free (req.user);
  soup_server_message_unpause (msg);
  g_object_unref (msg);
}

/* Returns the finished work for this request, or NULL after starting it
 * (the handler then returns at once, the request is paused). */
static Argon *
argon_result (Req        *req,
              const char *encoded,
              const char *verify_password,
              const char *hash_password)
{
  Argon *done = g_object_get_data (G_OBJECT (req->msg), "pz-argon");
  g_autoptr(GTask) task = NULL;
  Argon *a;

  if (done)
    return done;
  a = g_new0 (Argon, 1);
  a->encoded = g_strdup (encoded);
  a->verify_password = g_strdup (verify_password);
  a->hash_password = g_strdup (hash_password);
  soup_server_message_pause (req->msg);
  task = g_task_new (req->server, NULL, argon_done, g_object_ref (req->msg));
  /* a task in a thread always completes: argon_done() takes it over */
  g_task_set_task_data (task, a, NULL);
  g_task_run_in_thread (task, argon_in_thread);
  return NULL;
}

static void
handle_logout (Req *req)
{
  g_autofree char *token = bearer_token (req);
  g_autofree char *hash = pz_auth_hash_token (token);
  g_autoptr(GError) error = NULL;

  g_hash_table_remove (req->server->sessions, hash);
  if (!pz_store_revoke_session (pz_engine_get_store (req->server->engine), hash, req->now, &error))
    {
      send_error (req->msg, 500, "internal", _("The server could not end the session"), NULL);
      return;
    }
  close_ended_sockets (req->server);
  soup_server_message_set_status (req->msg, 204, NULL);
}

static void
handle_me (Req *req)
{
  g_autofree char *token = bearer_token (req);
  g_autofree char *hash = pz_auth_hash_token (token);
  gint64 expires = 0;
  g_autoptr(PzUser) user = pz_store_session_user (pz_engine_get_store (req->server->engine), hash,
                                                  req->now, &expires);
  g_autoptr(JsonNode) node = user_json (user ? user : req->user, expires, req->server->engine);

  send_json (req->msg, 200, node);
}

/* Reference data */

static void
handle_workflows (Req *req)
{
  g_autoptr(GPtrArray) workflows = pz_engine_list_workflows (req->server->engine);
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < workflows->len; i++)
    json_array_add_element (array, pz_workflow_to_json (g_ptr_array_index (workflows, i)));
  json_node_set_array (node, array);
  send_json (req->msg, 200, node);
}

static void
handle_permit_types (Req *req)
{
  GPtrArray *types = pz_engine_list_permit_types (req->server->engine);
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < types->len; i++)
    {
      PzPermitType *type = g_ptr_array_index (types, i);
      JsonNode *item = pz_permit_type_to_json (type);

      json_object_set_int_member (json_node_get_object (item), "next_sequence",
                                  pz_engine_next_permit_sequence (req->server->engine, type));
      json_array_add_element (array, item);
    }
  json_node_set_array (node, array);
  send_json (req->msg, 200, node);
}

/* Applications */

static gboolean
query_uint (Req        *req,
            const char *name,
            guint64     min,
            guint64     max,
            guint64     fallback,
            guint64    *out)
{
  const char *text = req->query ? g_hash_table_lookup (req->query, name) : NULL;

  *out = fallback;
  if (text == NULL || *text == '\0')
    return TRUE;
  if (!g_ascii_string_to_unsigned (text, 10, min, max, out, NULL))
    {
      g_autofree char *lo = g_strdup_printf ("%" G_GUINT64_FORMAT, min);
      g_autofree char *hi = g_strdup_printf ("%" G_GUINT64_FORMAT, max);
      g_autofree char *message = g_strdup_printf (_("“%s” must be a number from %s to %s"),
                                                  name, lo, hi);
      bad_request (req, message);
      return FALSE;
    }
  return TRUE;
}

static const char *
query_string (Req        *req,
              const char *name)
{
  const char *text = req->query ? g_hash_table_lookup (req->query, name) : NULL;
  return text && *text ? text : NULL;
}

static void
handle_search (Req *req)
{
  g_autoptr(GPtrArray) apps = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PzJsonWriter) w = NULL;
  g_autofree char *text = NULL;
  PzSearch search = { 0 };
  guint64 limit, cursor;

  if (!pz_engine_may_read_files (req->user))
    {
      send_error (req->msg, 403, "forbidden", _("Your roles give no access to the applicants' data"), NULL);
      return;
    }
  if (!query_uint (req, "limit", 1, 500, 50, &limit) ||
      !query_uint (req, "cursor", 1, G_MAXINT64, 0, &cursor))
    return;
  search.q = query_string (req, "q");
  search.step = query_string (req, "step");
  search.status = query_string (req, "status");
  search.permit_type = query_string (req, "permit_type");
  search.limit = (guint) limit;
  search.before_id = (gint64) cursor;
  if ((search.q && (strlen (search.q) > 200 || !g_utf8_validate (search.q, -1, NULL))) ||
      (search.step && strlen (search.step) > 64) || (search.status && strlen (search.status) > 64) ||
      (search.permit_type && strlen (search.permit_type) > 64))
    {
      bad_request (req, _("A search term is too long"));
      return;
    }

  if (!(apps = pz_store_search (pz_engine_get_store (req->server->engine), &search, &error)))
    {
      send_error (req->msg, 500, "internal", error->message, NULL);
      return;
    }

  w = pz_json_writer_new ();
  pz_json_writer_begin_object (w);
  pz_json_writer_member (w, "items");
  pz_json_writer_begin_array (w);
  for (guint i = 0; i < apps->len; i++)
    pz_engine_write_summary (req->server->engine, w, g_ptr_array_index (apps, i), req->now);
  pz_json_writer_end_array (w);
  pz_json_writer_member (w, "next_cursor");
  if (apps->len == limit)
    {
      PzApplication *last = g_ptr_array_index (apps, apps->len - 1);
      g_autofree char *next = g_strdup_printf ("%" G_GINT64_FORMAT, last->id);
      pz_json_writer_string (w, next);
    }
  else
    pz_json_writer_null (w);
  pz_json_writer_end_object (w);
  text = pz_json_writer_free_to_string (g_steal_pointer (&w));
  send_text_json (req->msg, 200, text);
}

/* Idempotency: a counter PC whose answer was lost sends the same request
 * with the same Idempotency-Key again and gets the first answer, without a
 * second file or document. The key is required for actions and optional
 * for registrations and uploads. */
static gboolean
read_idempotency_key (Req         *req,
                      gboolean     required,
                      const char **out)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (req->msg);
  const char *key = soup_message_headers_get_one (headers, "Idempotency-Key");

  *out = NULL;
  if (key == NULL && !required)
    return TRUE;
  if (key == NULL || *key == '\0' || strlen (key) > 128)
    {
      bad_request (req, _("An Idempotency-Key header (at most 128 characters) is required"));
      return FALSE;
    }
  for (const char *p = key; *p; p++)
    if (!g_ascii_isgraph (*p))
      {
        bad_request (req, _("The Idempotency-Key may hold only visible ASCII characters"));
        return FALSE;
      }
  *out = key;
  return TRUE;
}

/* What makes two requests the same: the path and the body (or, for an
 * upload, the file's SHA-256). */
static char *
request_fingerprint (Req        *req,
                     const void *content,
                     gssize      length)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  g_checksum_update (sum, (const guchar *) g_uri_get_path (soup_server_message_get_uri (req->msg)), -1);
  g_checksum_update (sum, (const guchar *) "\n", 1);
  g_checksum_update (sum, content, length);
  return g_strdup (g_checksum_get_string (sum));
}

/* Answers a request seen before with its first answer (or 409 if the key
 * came with another request); FALSE if the key is new. */
static gboolean
replay_idempotent (PzServer          *self,
                   SoupServerMessage *msg,
                   PzUser            *user,
                   const char        *key,
                   const char        *fingerprint)
{
  g_autofree char *stored_fingerprint = NULL;
  g_autofree char *stored = NULL;
  guint status;

  if (!pz_store_find_idempotent (pz_engine_get_store (self->engine), user->id, key,
                                 &stored_fingerprint, &status, &stored))
    return FALSE;
  if (g_strcmp0 (stored_fingerprint, fingerprint) != 0)
    send_error (msg, 409, "duplicate", _("This Idempotency-Key was already used for another request"), NULL);
  else
    send_text_json (msg, status, stored);
  return TRUE;
}

static void
handle_register (Req *req)
{
  g_autoptr(JsonObject) body = read_json_body (req);
  g_autoptr(GPtrArray) details = pz_details_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PzApplication) app = NULL;
  g_autofree char *text = NULL;
  g_autofree char *fingerprint = NULL;
  PzStore *store = pz_engine_get_store (req->server->engine);
  const char *key;

  if (body == NULL || !read_idempotency_key (req, FALSE, &key))
    return;
  if (key)
    {
      g_autoptr(GBytes) raw = soup_message_body_flatten (soup_server_message_get_request_body (req->msg));

      fingerprint = request_fingerprint (req, g_bytes_get_data (raw, NULL), (gssize) g_bytes_get_size (raw));
      if (replay_idempotent (req->server, req->msg, req->user, key, fingerprint))
        return;
      /* the file and the answer to a retry are saved together */
      if (!pz_store_begin (store, &error))
        {
          send_error (req->msg, 500, "internal", _("The server could not start a transaction"), NULL);
          return;
        }
    }
  app = pz_engine_register (req->server->engine, req->user, body, req->now, details, &error);
  if (app == NULL)
    {
      if (key)
        pz_store_rollback (store);
      send_gerror (req->msg, error, details);
      return;
    }
  text = pz_engine_application_to_string (req->server->engine, app, req->user, req->now);
  if (key && (!pz_store_insert_idempotent (store, req->user->id, key, fingerprint, 201, text, req->now, &error) ||
              !pz_store_commit (store, &error)))
    {
      pz_store_rollback (store);
      g_warning ("Cannot save a registration: %s", error->message);
      send_error (req->msg, 500, "internal", _("The server could not save the change; try again"), NULL);
      return;
    }
  send_text_json (req->msg, 201, text);
  announce (req->server, app);
}

/* Tells the desktops about files that became late; each file once per
 * step (and once near its legal deadline). */
static void
escalate (PzServer *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;

  flush_batch (self);
  if (!(found = pz_engine_escalate (self->engine, now_seconds (), &error)))
    {
      g_warning ("Late files could not be looked for: %s", error->message);
      return;
    }
  for (guint i = 0; i < found->len; i++)
    {
      PzEscalation *e = g_ptr_array_index (found, i);
      g_autoptr(PzJsonWriter) w = pz_json_writer_new ();
      g_autofree char *text = NULL;

      pz_json_writer_begin_object (w);
      pz_json_writer_member (w, "type");
      pz_json_writer_string (w, "application.late");
      pz_json_writer_member (w, "id");
      pz_json_writer_int (w, e->application_id);
      pz_json_writer_member (w, "registration_number");
      pz_json_writer_string (w, e->registration_number);
      pz_json_writer_member (w, "step");
      pz_json_writer_string (w, e->step);
      pz_json_writer_member (w, "reason");
      pz_json_writer_string (w, e->reason);
      pz_json_writer_member (w, "roles");
      pz_json_writer_begin_array (w);
      for (guint r = 0; e->roles[r]; r++)
        pz_json_writer_string (w, e->roles[r]);
      pz_json_writer_end_array (w);
      pz_json_writer_end_object (w);
      text = pz_json_writer_free_to_string (g_steal_pointer (&w));
      broadcast (self, text);
    }
}

static gboolean
escalate_cb (gpointer data)
{
  escalate (data);
  return G_SOURCE_CONTINUE;
}

static void
handle_late_files (Req *req)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  escalate (req->server);
  if (!(text = pz_engine_late_files (req->server->engine, req->user, req->now, &error)))
    {
      send_gerror (req->msg, error, NULL);
      return;
    }
  send_text_json (req->msg, 200, text);
}

static void
report_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      data,
                  GCancellable *cancellable)
{
  GError *error = NULL;
  char *text = pz_report_context_build (data, &error);

  if (text)
    g_task_return_pointer (task, text, g_free);
  else
    g_task_return_error (task, error);
}

static void
report_done (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  SoupServerMessage *msg = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_task_propagate_pointer (G_TASK (result), &error);

  if (text)
    send_text_json (msg, 200, text);
  else
    send_gerror (msg, error, NULL);
  soup_server_message_unpause (msg);
  g_object_unref (msg);
}

/* The report is for the heads of the office and the administrator. */
static void
handle_report (Req *req)
{
  static const char * const readers[] = { "kasi", "kabid", "sekretaris", "kadis", "admin", NULL };
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_local (req->now);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (now, pz_engine_get_timezone (req->server->engine));
  g_autoptr(GPtrArray) details = pz_details_new ();
  const char *from_text = query_string (req, "from");
  const char *to_text = query_string (req, "to");
  GDate from, to;
  gboolean allowed = FALSE;

  for (guint i = 0; readers[i]; i++)
    allowed |= g_strv_contains ((const char * const *) req->user->roles, readers[i]);
  if (!allowed)
    {
      send_error (req->msg, 403, "forbidden", _("The reports are for the heads of the office"), NULL);
      return;
    }
  g_date_clear (&from, 1);
  g_date_clear (&to, 1);
  g_date_set_dmy (&to, g_date_time_get_day_of_month (local), g_date_time_get_month (local),
                  g_date_time_get_year (local));
  g_date_set_dmy (&from, 1, G_DATE_JANUARY, g_date_time_get_year (local));
  if (from_text && !(strlen (from_text) == 10 && pz_parse_date (from_text, &from)))
    pz_detail_add (details, "from", "%s", _("Give the first day as YYYY-MM-DD"));
  if (to_text && !(strlen (to_text) == 10 && pz_parse_date (to_text, &to)))
    pz_detail_add (details, "to", "%s", _("Give the last day as YYYY-MM-DD"));
  if (!details->len && g_date_compare (&from, &to) > 0)
    pz_detail_add (details, "to", "%s", _("The last day cannot come before the first"));
  if (!details->len && g_date_days_between (&from, &to) > 3 * 366)
    pz_detail_add (details, "to", "%s", _("A report covers at most three years"));
  if (details->len)
    {
      send_error (req->msg, 422, "invalid", _("Some fields need attention"), details);
      return;
    }
  /* everything written so far is in, then the report reads it on its own
   * connection in a thread: the counters are not kept waiting */
  flush_batch (req->server);
  {
    GTask *task = g_task_new (NULL, NULL, report_done, g_object_ref (req->msg));

    g_task_set_task_data (task, pz_report_context_new (req->server->engine, &from, &to, req->now),
                          (GDestroyNotify) pz_report_context_free);
    soup_server_message_pause (req->msg);
    g_task_run_in_thread (task, report_in_thread);
    g_object_unref (task);
  }
}

static void
handle_inbox (Req *req)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  guint64 limit;

  if (!query_uint (req, "limit", 1, 10000, 100, &limit))
    return;
  if (!(text = pz_engine_inbox (req->server->engine, req->user, (guint) limit, req->now, &error)))
    {
      send_gerror (req->msg, error, NULL);
      return;
    }
  send_text_json (req->msg, 200, text);
}

static void
handle_application (Req    *req,
                    gint64  id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PzApplication) app = pz_engine_get_application (req->server->engine, id, &error);
  g_autofree char *text = NULL;

  if (app == NULL || !pz_engine_may_read (req->server->engine, req->user, app, &error))
    {
      send_gerror (req->msg, error, NULL);
      return;
    }
  text = pz_engine_application_to_string (req->server->engine, app, req->user, req->now);
  send_text_json (req->msg, 200, text);
}

static void
handle_action (Req    *req,
               gint64  id)
{
  static const char * const known[] = { "action", "version", "note", "data", NULL };
  const char *key;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GPtrArray) details = pz_details_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *answer = NULL;
  g_autoptr(PzApplication) changed = NULL;
  JsonNode *action, *version, *note, *data;
  PzActionRequest request = { 0 };
  g_autofree char *passphrase_key = NULL;
  guint status = 200;

  if (!read_idempotency_key (req, TRUE, &key))
    return;

  if (!(body = read_json_body (req)) || !only_members (req, body, known) ||
      !get_member (req, body, "action", G_TYPE_STRING, TRUE, &action) ||
      !get_member (req, body, "version", G_TYPE_INT64, TRUE, &version) ||
      !get_member (req, body, "note", G_TYPE_STRING, FALSE, &note) ||
      !get_member (req, body, "data", JSON_TYPE_OBJECT, FALSE, &data))
    return;

  raw = soup_message_body_flatten (soup_server_message_get_request_body (req->msg));
  g_checksum_update (sum, (const guchar *) g_uri_get_path (soup_server_message_get_uri (req->msg)), -1);
  g_checksum_update (sum, (const guchar *) "\n", 1);
  g_checksum_update (sum, g_bytes_get_data (raw, NULL), (gssize) g_bytes_get_size (raw));

  request.action = json_node_get_string (action);
  request.version = json_node_get_int (version);
  request.note = note ? json_node_get_string (note) : NULL;
  request.data = data ? json_node_get_object (data) : NULL;
  request.idempotency_key = key;
  request.fingerprint = g_checksum_get_string (sum);

  /* the signing passphrase is a secret to guess like a password */
  if (request.data && json_object_has_member (request.data, "passphrase"))
    {
      passphrase_key = throttle_key ("passphrase", req->user->username, client_address (req));
      if (!throttle_attempt (req, passphrase_key, client_address (req)))
        return;
    }

  if (!join_batch (req->server, &error))
    {
      send_error (req->msg, 500, "internal", _("The server could not start a transaction"), NULL);
      return;
    }
  answer = pz_engine_act (req->server->engine, req->user, id, &request, req->now, &status,
                          &changed, details, &error);
  if (answer == NULL)
    send_gerror (req->msg, error, details);
  else
    send_text_json (req->msg, status, answer);
  if (answer && passphrase_key)
    throttle_success (req->server, passphrase_key, client_address (req));
  if (changed)
    g_ptr_array_add (req->server->batch_events,
                     event_json (changed->id, changed->step, changed->status, changed->version));
  hold_for_batch (req->server, req->msg);
}

/* Uploads: streamed to a temporary file while they arrive, inspected in a
 * separate process with limits, then stored. */

typedef struct {
  PzUpload *upload;
  gsize     limit;
} UploadState;

static void
upload_state_free (UploadState *st)
{
  pz_upload_free (st->upload);
  g_free (st);
}

static void
upload_chunk (SoupServerMessage *msg,
              GBytes            *chunk,
              UploadState       *st)
{
  gsize size;
  const void *data = g_bytes_get_data (chunk, &size);

  pz_upload_write (st->upload, data, size, st->limit);
}

typedef struct {
  PzServer          *server;
  SoupServerMessage *msg;
  PzUser            *user;
  gint64             id;
  char              *requirement;
  const char        *type;
  gint64             pages;     /* as the inspection found them */
  GSubprocess       *process;
  guint              timeout;
  gboolean           timed_out;
  char              *idempotency_key;
  char              *fingerprint;
} Inspection;

static void
inspection_free (Inspection *job)
{
  if (job->timeout)
    {
      GSource *source = g_main_context_find_source_by_id (g_main_context_get_thread_default (), job->timeout);
      if (source)
        g_source_destroy (source);
      job->timeout = 0;
    }
  g_clear_object (&job->process);
  g_clear_object (&job->msg);
  g_clear_object (&job->server);
  pz_user_free (job->user);
  g_free (job->requirement);
  g_free (job->idempotency_key);
  g_free (job->fingerprint);
  g_free (job);
}

static gboolean
inspection_timeout (gpointer data)
{
  Inspection *job = data;

  job->timeout = 0;
  job->timed_out = TRUE;
  g_subprocess_force_exit (job->process);
  return G_SOURCE_REMOVE;
}

static const char *
inspection_message (const char *problem)
{
  if (g_strcmp0 (problem, "encrypted") == 0)
    return _("The PDF is password-protected; ask for an unprotected scan");
  if (g_strcmp0 (problem, "no_pages") == 0 || g_strcmp0 (problem, "empty") == 0)
    return _("The file has no pages; scan the document again");
  if (g_strcmp0 (problem, "unsupported") == 0)
    return _("Only PDF, JPEG and PNG files are accepted");
  return _("The file is damaged or incomplete; scan the document again");
}

static void start_inspection (PzServer *self, Inspection *job);

/* Answers the upload and lets the next one waiting be inspected. */
static void
inspection_end (Inspection *job)
{
  PzServer *self = g_object_ref (job->server);

  soup_server_message_unpause (job->msg);
  inspection_free (job);
  self->inspections_running--;
  while (self->inspections_running < self->config->inspect_running &&
         !g_queue_is_empty (&self->inspections_waiting))
    start_inspection (self, g_queue_pop_head (&self->inspections_waiting));
  g_object_unref (self);
}

static void
store_inspected (PzServer *self,
                 gpointer  data,
                 gboolean  writable)
{
  Inspection *job = data;
  UploadState *st = g_object_get_data (G_OBJECT (job->msg), "pz-upload");
  g_autoptr(GError) error = NULL;
  g_autoptr(PzDocument) doc = NULL;
  gboolean began = FALSE;

  if (!writable)
    {
      send_busy (job->msg, _("The database is busy with another program; try again in a moment"), 2);
      inspection_end (job);
      return;
    }
  /* nothing is acknowledged before it is on disk */
  flush_batch (self);
  began = job->idempotency_key && pz_store_begin (pz_engine_get_store (self->engine), &error);
  if (job->idempotency_key == NULL || began)
    doc = pz_engine_store_upload (self->engine, job->user, job->id, job->requirement, st->upload,
                                  (guint) CLAMP (job->pages, 0, G_MAXINT), now_seconds (), &error);
  if (doc == NULL)
    {
      if (began)
        pz_store_rollback (pz_engine_get_store (self->engine));
      send_gerror (job->msg, error, NULL);
    }
  else
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "requirement");
      json_builder_add_string_value (b, doc->requirement);
      json_builder_set_member_name (b, "sha256");
      json_builder_add_string_value (b, doc->sha256);
      json_builder_set_member_name (b, "size");
      json_builder_add_int_value (b, doc->size);
      json_builder_set_member_name (b, "content_type");
      json_builder_add_string_value (b, doc->content_type);
      json_builder_set_member_name (b, "pages");
      json_builder_add_int_value (b, doc->pages);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      if (job->idempotency_key)
        {
          /* the document and the answer to a retry are saved together */
          PzStore *store = pz_engine_get_store (self->engine);
          g_autofree char *text = json_to_string (root, FALSE);

          if (!pz_store_insert_idempotent (store, job->user->id, job->idempotency_key, job->fingerprint,
                                           201, text, now_seconds (), &error) ||
              !pz_store_commit (store, &error))
            {
              pz_store_rollback (store);
              g_warning ("Cannot save an upload: %s", error->message);
              send_gerror (job->msg, error, NULL);
              inspection_end (job);
              return;
            }
        }
      send_json (job->msg, 201, root);
      announce_id (self, job->id);
    }
  inspection_end (job);
}

static void
inspection_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  Inspection *job = data;
  PzServer *self = job->server;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *answer = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &out, NULL, &error);
  if (out && json_parser_load_from_data (parser, out, -1, NULL) && json_parser_get_root (parser) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    answer = json_node_get_object (json_parser_get_root (parser));

  if (answer && !self->sandbox_logged)
    {
      const char *sandbox = json_object_get_string_member_with_default (answer, "sandbox", "none");

      self->sandbox_logged = TRUE;
      if (g_str_equal (sandbox, "landlock+seccomp"))
        g_message ("The document inspector runs confined by Landlock and seccomp");
      else if (g_str_equal (sandbox, "seccomp"))
        g_message ("The document inspector runs confined by seccomp only: this kernel has no Landlock");
    }

  if (job->timed_out || answer == NULL)
    {
      /* killed by its limits or the clock: the file is too much to check */
      g_message ("Inspection of an upload for %s failed%s", job->requirement,
                 job->timed_out ? " (time limit)" : "");
      send_error (job->msg, 422, "rule_unmet",
                  _("The file is too complex to check; scan it again at a lower resolution"), NULL);
    }
  else if (g_strcmp0 (json_object_get_string_member_with_default (answer, "error", NULL),
                      "unconfined") == 0)
    {
      g_warning ("The document inspector cannot confine itself on this system; uploads are refused");
      send_error (job->msg, 500, "internal", _("The server cannot check documents now"), NULL);
    }
  else if (g_strcmp0 (json_object_get_string_member_with_default (answer, "error", NULL),
                      "too_many_pixels") == 0)
    {
      g_autofree char *message =
        g_strdup_printf (_("The image is %d × %d pixels, more than the %d megapixels the office accepts; "
                           "scan it again at a lower resolution"),
                         (int) json_object_get_int_member_with_default (answer, "width", 0),
                         (int) json_object_get_int_member_with_default (answer, "height", 0),
                         PZ_INSPECT_MAX_MEGAPIXELS);
      send_error (job->msg, 422, "rule_unmet", message, NULL);
    }
  else if (json_object_has_member (answer, "error"))
    {
      send_error (job->msg, 422, "rule_unmet",
                  inspection_message (json_object_get_string_member (answer, "error")), NULL);
    }
  else
    {
      job->pages = json_object_get_int_member_with_default (answer, "pages", 0);
      when_writable (self, store_inspected, job);
      return;
    }
  inspection_end (job);
}

static char *
find_inspector (void)
{
  g_autofree char *self_path = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *next_to_me = NULL;
  const char *env = g_getenv ("PERIZINAN_INSPECT");

  if (env && *env)
    return g_strdup (env);
  if (self_path)
    {
      g_autofree char *dir = g_path_get_dirname (self_path);
      next_to_me = g_build_filename (dir, "perizinan-inspect", NULL);
      if (g_file_test (next_to_me, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&next_to_me);
    }
  return g_build_filename (LIBEXECDIR, "perizinan-inspect", NULL);
}

/* The message is paused; its answer comes from inspection_end(). */
static void
start_inspection (PzServer   *self,
                  Inspection *job)
{
  UploadState *st = g_object_get_data (G_OBJECT (job->msg), "pz-upload");
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *program = NULL;

  program = self->config->inspect_program ? g_strdup (self->config->inspect_program) : find_inspector ();
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  self->inspections_running++;
  job->process = g_subprocess_launcher_spawn (launcher, &error, program, job->type,
                                              pz_upload_get_path (st->upload), NULL);
  if (job->process == NULL)
    {
      g_warning ("Cannot run the document inspector %s: %s", program, error->message);
      send_error (job->msg, 500, "internal", _("The server cannot check documents now"), NULL);
      inspection_end (job);
      return;
    }
  {
    g_autoptr(GSource) source = g_timeout_source_new_seconds (self->config->inspect_timeout);

    g_source_set_callback (source, inspection_timeout, job, NULL);
    job->timeout = g_source_attach (source, g_main_context_get_thread_default ());
  }
  g_subprocess_communicate_utf8_async (job->process, NULL, NULL, inspection_done, job);
}

static void
handle_put_document (Req        *req,
                     gint64      id,
                     const char *requirement)
{
  PzServer *self = req->server;
  UploadState *st = g_object_get_data (G_OBJECT (req->msg), "pz-upload");
  Inspection *job;
  const char *type;
  const char *key;
  g_autofree char *fingerprint = NULL;

  if (st == NULL)
    {
      send_error (req->msg, 500, "internal", _("The server could not receive the file"), NULL);
      return;
    }
  if (!read_idempotency_key (req, FALSE, &key))
    return;
  if (pz_upload_is_too_large (st->upload))
    {
      send_error (req->msg, 413, "too_large", _("The file is larger than the office allows"), NULL);
      return;
    }
  if (pz_upload_get_write_error (st->upload))
    {
      /* what reached the disk is a torn file: never inspect it as the scan */
      g_warning ("An upload for %s could not be written to disk: %s", requirement,
                 g_strerror (pz_upload_get_write_error (st->upload)));
      if (pz_upload_is_disk_full (st->upload))
        send_disk_full (req->msg);
      else
        send_error (req->msg, 500, "internal", _("The server could not receive the file"), NULL);
      return;
    }
  if (pz_upload_get_size (st->upload) == 0)
    {
      send_error (req->msg, 422, "rule_unmet", _("The file is empty; scan the document again"), NULL);
      return;
    }
  if (!(type = pz_upload_get_content_type (st->upload)))
    {
      send_error (req->msg, 415, "unsupported_type", _("Only PDF, JPEG and PNG files are accepted"), NULL);
      return;
    }
  if (key)
    {
      fingerprint = request_fingerprint (req, pz_upload_get_sha256 (st->upload), -1);
      if (replay_idempotent (req->server, req->msg, req->user, key, fingerprint))
        return;
    }
  if (self->inspections_running >= self->config->inspect_running &&
      g_queue_get_length (&self->inspections_waiting) >= self->config->inspect_waiting)
    {
      g_message ("Upload for %s refused: %u inspections running and %u waiting", requirement,
                 self->inspections_running, g_queue_get_length (&self->inspections_waiting));
      send_busy (req->msg, _("The server is checking many documents right now; try again in a few seconds"), 5);
      return;
    }

  job = g_new0 (Inspection, 1);
  job->server = g_object_ref (self);
  job->msg = g_object_ref (req->msg);
  job->user = pz_user_copy (req->user);
  job->id = id;
  job->requirement = g_strdup (requirement);
  job->type = type;
  job->idempotency_key = g_strdup (key);
  job->fingerprint = g_steal_pointer (&fingerprint);
  soup_server_message_pause (req->msg);
  if (self->inspections_running < self->config->inspect_running)
    start_inspection (self, job);
  else
    g_queue_push_tail (&self->inspections_waiting, job);
}

/* How a download is to be handled, with a file name that no browser can
 * read as a path or a second header field. */
static void
set_disposition (SoupServerMessage *msg,
                 gboolean           attachment,
                 const char        *filename)
{
  g_autofree char *safe = g_strdup (filename);
  g_autofree char *disposition = NULL;

  for (char *p = safe; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '-' && *p != '_')
      *p = '_';
  disposition = g_strdup_printf ("%s; filename=\"%s\"", attachment ? "attachment" : "inline", safe);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Content-Disposition",
                                disposition);
}

static void
handle_get_document (Req        *req,
                     gint64      id,
                     const char *requirement)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *path = pz_engine_document_path (req->server->engine, req->user, id, requirement,
                                                   &content_type, &error);
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) bytes = NULL;

  if (path == NULL)
    {
      send_gerror (req->msg, error, NULL);
      return;
    }
  if (!(mapped = g_mapped_file_new (path, FALSE, &error)))
    {
      g_warning ("Stored document missing: %s", error->message);
      send_error (req->msg, 500, "internal", _("The stored document cannot be read"), NULL);
      return;
    }
  bytes = g_mapped_file_get_bytes (mapped);
  soup_server_message_set_status (req->msg, 200, NULL);
  soup_message_headers_set_content_type (soup_server_message_get_response_headers (req->msg),
                                         content_type, NULL);
  {
    /* an applicant's upload: saved, never opened in a browser's page */
    g_autofree char *filename = g_strdup_printf ("%s-%" G_GINT64_FORMAT ".%s", requirement, id,
                                                 g_str_equal (content_type, "application/pdf") ? "pdf"
                                                 : g_str_equal (content_type, "image/png") ? "png" : "jpg");
    set_disposition (req->msg, TRUE, filename);
  }
  soup_message_body_append_bytes (soup_server_message_get_response_body (req->msg), bytes);
}

static void
handle_verdict (Req        *req,
                gint64      id,
                const char *requirement)
{
  static const char * const known[] = { "verdict", "note", NULL };
  g_autoptr(JsonObject) body = read_json_body (req);
  g_autoptr(GPtrArray) details = pz_details_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *verdict, *note;

  if (body == NULL || !only_members (req, body, known) ||
      !get_member (req, body, "verdict", G_TYPE_STRING, TRUE, &verdict) ||
      !get_member (req, body, "note", G_TYPE_STRING, FALSE, &note))
    return;
  if (!pz_engine_set_verdict (req->server->engine, req->user, id, requirement,
                              json_node_get_string (verdict),
                              note ? json_node_get_string (note) : NULL, req->now, details, &error))
    {
      send_gerror (req->msg, error, details);
      return;
    }
  handle_application (req, id);
  announce_id (req->server, id);
}


/* Outputs */

static void
send_file (SoupServerMessage *msg,
           const char        *path,
           const char        *content_type,
           const char        *filename,
           gboolean           attachment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (path, FALSE, &error);
  g_autoptr(GBytes) bytes = NULL;

  if (mapped == NULL)
    {
      g_warning ("Stored file missing: %s", error->message);
      send_error (msg, 500, "internal", _("The stored document cannot be read"), NULL);
      return;
    }
  bytes = g_mapped_file_get_bytes (mapped);
  soup_server_message_set_status (msg, 200, NULL);
  soup_message_headers_set_content_type (soup_server_message_get_response_headers (msg), content_type, NULL);
  set_disposition (msg, attachment, filename);
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), bytes);
}

static void
handle_output (Req        *req,
               gint64      id,
               const char *kind)
{
  static const char * const kinds[] = { "receipt", "bap", "draft", "permit", "refusal", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(PzApplication) app = pz_engine_get_application (req->server->engine, id, &error);
  g_autofree char *filename = NULL;

  if (app == NULL || !pz_engine_may_read (req->server->engine, req->user, app, &error))
    {
      send_gerror (req->msg, error, NULL);
      return;
    }
  if (!g_strv_contains (kinds, kind))
    {
      send_error (req->msg, 404, "not_found", _("There is no such output"), NULL);
      return;
    }
  filename = g_strdup_printf ("%s-%s.pdf", kind, app->registration_number);
  if (g_str_equal (kind, "draft"))
    {
      /* the draft is the permit as it would read now: made when asked */
      g_autoptr(GBytes) pdf = NULL;

      if (app->permit_number == NULL && app->data && g_strcmp0 (app->data, "{}") != 0)
        pdf = pz_engine_render_output (req->server->engine, app, "draft", req->user, NULL, req->now);
      if (pdf == NULL)
        {
          send_error (req->msg, 404, "not_found", _("This file has no draft (yet, or any more)"), NULL);
          return;
        }
      soup_server_message_set_status (req->msg, 200, NULL);
      soup_message_headers_set_content_type (soup_server_message_get_response_headers (req->msg),
                                             "application/pdf", NULL);
      set_disposition (req->msg, FALSE, filename);
      soup_message_body_append_bytes (soup_server_message_get_response_body (req->msg), pdf);
      return;
    }
  {
    g_autofree char *path = pz_engine_output_path (req->server->engine, id, kind);

    if (path == NULL)
      {
        send_error (req->msg, 404, "not_found", _("This file has no such output yet"), NULL);
        return;
      }
    send_file (req->msg, path, "application/pdf", filename, FALSE);
  }
}

/* Public pages: no login, readable on a phone, in the public's language
 * (PUBLIC_LANGUAGE) whatever the server's locale: the office's citizens
 * read Indonesian, as on the receipt and the letters they hold. */

#define PUBLIC_LANGUAGE "id"

/* The public may ask this often from one address (an IPv6 /64), on
 * average, after a first burst; an office's public connection behind one
 * carrier address still gets a page a second. */
#define PUBLIC_RATE_PER_SECOND 1.0
#define PUBLIC_BURST           60.0
#define PUBLIC_RATE_SLOTS      4096

static const char *public_css =
  "body{font-family:sans-serif;max-width:40em;margin:0 auto;padding:1em;color:#222;line-height:1.45}"
  "h1{font-size:1.3em}table{border-collapse:collapse;width:100%}td{padding:.35em .3em;border-bottom:1px solid #ddd;"
  "vertical-align:top}td:first-child{color:#555;width:40%}.ok{color:#1a7f37;font-weight:bold}"
  ".bad{color:#b42318;font-weight:bold}.hash{font-family:monospace;word-break:break-all;font-size:.85em}"
  "li{margin:.3em 0}.now{font-weight:bold}fieldset{border:1px solid #ddd;border-radius:6px;margin:.7em 0}"
  "legend{padding:0 .3em}label{display:inline-block;margin:.25em .8em .25em 0}textarea{width:100%}"
  "button{padding:.55em 1.3em;font-size:1em}";

/* The page may use its own style sheet (by its hash) and post its own
 * form; nothing else: no script, no frame, no outside resource. */
static const char *
public_page_policy (void)
{
  static gsize policy;

  if (g_once_init_enter (&policy))
    {
      guint8 digest[32];
      gsize len = sizeof digest;
      g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
      g_autofree char *b64 = NULL;

      g_checksum_update (sum, (const guchar *) public_css, -1);
      g_checksum_get_digest (sum, digest, &len);
      b64 = g_base64_encode (digest, len);
      g_once_init_leave (&policy, (gsize) g_strdup_printf ("default-src 'none'; style-src 'sha256-%s'; "
                                                           "form-action 'self'; base-uri 'none'; "
                                                           "frame-ancestors 'none'", b64));
    }
  return (const char *) policy;
}

/* A message of the public pages in PUBLIC_LANGUAGE. */
static const char *
tr (Req        *req,
    const char *msgid)
{
  return pz_catalog_gettext (req->server->public_catalog, msgid);
}

static const char *
tr_ctx (Req        *req,
        const char *context,
        const char *msgid)
{
  g_autofree char *key = g_strconcat (context, "\004", msgid, NULL);
  const char *msgstr = pz_catalog_gettext (req->server->public_catalog, key);

  return msgstr == key ? msgid : msgstr;
}

static void
send_html (Req     *req,
           guint    status,
           GString *html)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (req->msg);
  gsize len = html->len;

  soup_server_message_set_status (req->msg, status, NULL);
  soup_message_headers_replace (headers, "Content-Security-Policy", public_page_policy ());
  soup_message_headers_replace (headers, "Content-Language", PUBLIC_LANGUAGE);
  soup_server_message_set_response (req->msg, "text/html; charset=utf-8", SOUP_MEMORY_TAKE,
                                    g_string_free (html, FALSE), len);
}

static GString *
page_start (const char *title)
{
  GString *html = g_string_new ("<!DOCTYPE html><html lang=\"" PUBLIC_LANGUAGE "\"><head><meta charset=\"utf-8\">");
  g_autofree char *t = g_markup_escape_text (title, -1);

  g_string_append_printf (html, "<title>%s</title><meta name=\"viewport\" content=\"width=device-width, "
                                "initial-scale=1\"><style>%s</style></head><body>", t, public_css);
  return html;
}

/* A page of a heading and a paragraph (@text is markup). */
static void
simple_page (Req        *req,
             guint       status,
             const char *title,
             const char *text)
{
  GString *html = page_start (title);
  g_autofree char *t = g_markup_escape_text (title, -1);

  g_string_append_printf (html, "<h1>%s</h1><p>%s</p></body></html>", t, text);
  send_html (req, status, html);
}

/* The public routes share one budget per client; true if this request
 * is within it, else it is answered 429. */
static gboolean
public_allowed (Req *req)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (req->msg);
  const char *accept = soup_message_headers_get_one (soup_server_message_get_request_headers (req->msg),
                                                     "Accept");
  char retry[16];
  guint wait;

  if (!G_IS_INET_SOCKET_ADDRESS (remote))
    return TRUE;
  wait = pz_rate_limit_take (req->server->public_limit,
                             g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)),
                             g_get_monotonic_time ());
  if (wait == 0)
    return TRUE;
  g_snprintf (retry, sizeof retry, "%u", wait);
  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg), "Retry-After", retry);
  if (accept && strstr (accept, "application/json"))
    send_error (req->msg, 429, "throttled",
                tr (req, N_("Too many requests from your address; wait a moment and try again")), NULL);
  else
    simple_page (req, 429, tr (req, N_("Too many requests")),
                 tr (req, N_("Please wait a moment, then try again.")));
  return FALSE;
}

static void
row (GString    *html,
     const char *label,
     const char *value,
     const char *css)
{
  g_autofree char *v = g_markup_escape_text (value ? value : "-", -1);

  g_string_append_printf (html, "<tr><td>%s</td><td%s%s%s>%s</td></tr>", label, css ? " class=\"" : "",
                          css ? css : "", css ? "\"" : "", v);
}

static void
handle_verify (Req        *req,
               const char *token,
               gboolean    pdf)
{
  PzEngine *engine = req->server->engine;
  g_autoptr(PzApplication) app = NULL;
  g_autofree char *path = NULL;
  g_autofree char *sha = NULL;
  g_autofree char *issued = NULL;
  g_autofree char *until = NULL;
  g_autoptr(GPtrArray) outputs = NULL;
  PzPermitType *type;
  const char *accept = soup_message_headers_get_one (soup_server_message_get_request_headers (req->msg), "Accept");
  gboolean json = accept && strstr (accept, "application/json");
  gboolean valid;
  gint64 issued_at = 0;

  if (strlen (token) == 32)
    app = pz_store_find_by_verify_token (pz_engine_get_store (engine), token);
  if (app)
    {
      outputs = pz_store_list_outputs (pz_engine_get_store (engine), app->id);
      for (guint i = 0; i < outputs->len; i++)
        {
          PzDocument *o = g_ptr_array_index (outputs, i);
          if (g_str_equal (o->requirement, "permit"))
            {
              sha = g_strdup (o->sha256);
              issued_at = o->uploaded_at;
            }
        }
    }
  if (app == NULL || sha == NULL)
    {
      if (json)
        send_error (req->msg, 404, "not_found", tr (req, N_("No permit issued by this office has this code.")),
                    NULL);
      else
        simple_page (req, 404, tr (req, N_("Permit not found")),
                     tr (req, N_("The code in this QR matches no permit issued by this office. The document "
                                 "you hold may <b>not be authentic</b>; contact the issuing office.")));
      return;
    }
  if (pdf)
    {
      /* a download to compare with the SHA-256 on the page, never shown
       * inside the page's origin */
      g_autofree char *filename = g_strdup_printf ("izin-%s.pdf", app->registration_number);
      path = pz_engine_output_path (engine, app->id, "permit");
      send_file (req->msg, path, "application/pdf", filename, TRUE);
      return;
    }

  type = pz_engine_get_file_permit_type (engine, app);
  issued = pz_format_date_id (issued_at, pz_engine_get_timezone (engine), FALSE);
  valid = TRUE;
  if (type && type->validity_months)
    {
      g_autoptr(GDateTime) from = g_date_time_new_from_unix_utc (issued_at);
      g_autoptr(GDateTime) end = g_date_time_add_months (from, (int) type->validity_months);
      until = pz_format_date_id (g_date_time_to_unix (end), pz_engine_get_timezone (engine), FALSE);
      valid = g_date_time_to_unix (end) > req->now;
    }
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *issued_iso = pz_engine_format_time (engine, issued_at);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "permit_number");
      json_builder_add_string_value (b, app->permit_number);
      json_builder_set_member_name (b, "holder");
      json_builder_add_string_value (b, app->applicant_name);
      json_builder_set_member_name (b, "permit_type");
      json_builder_add_string_value (b, type ? type->name : app->permit_type);
      json_builder_set_member_name (b, "issued");
      json_builder_add_string_value (b, issued_iso);
      json_builder_set_member_name (b, "valid_until");
      if (until)
        json_builder_add_string_value (b, until);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "status");
      json_builder_add_string_value (b, valid ? "valid" : "expired");
      json_builder_set_member_name (b, "sha256");
      json_builder_add_string_value (b, sha);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      send_json (req->msg, 200, root);
      return;
    }
  {
    GString *html = page_start (tr (req, N_("Permit verification")));
    g_autofree char *download = g_strdup_printf ("/verify/%s/pdf", token);

    g_string_append_printf (html, "<h1>%s</h1><p>%s</p><table>", tr (req, N_("Permit verification")),
                            tr (req, N_("This permit is registered with the issuing office.")));
    row (html, tr (req, N_("Permit number")), app->permit_number, NULL);
    row (html, tr (req, N_("Permit holder")), app->applicant_name, NULL);
    row (html, tr (req, N_("Permit type")), type ? type->name : app->permit_type, NULL);
    row (html, tr (req, N_("Issued on")), issued, NULL);
    row (html, tr (req, N_("Valid until")), until ? until : tr (req, N_("As long as its data do not change")),
         NULL);
    row (html, tr (req, N_("Status")), valid ? tr (req, N_("VALID")) : tr (req, N_("NO LONGER VALID")),
         valid ? "ok" : "bad");
    row (html, tr (req, N_("SHA-256 of the authentic document")), sha, "hash");
    g_string_append_printf (html, "</table><p><a href=\"%s\">%s</a>. %s</p></body></html>", download,
                            tr (req, N_("Download the authentic permit document (PDF)")),
                            tr (req, N_("The SHA-256 fingerprint of the file you hold must be the same as above.")));
    send_html (req, 200, html);
  }
}

static char *
initials (const char *name)
{
  GString *out = g_string_new (NULL);
  g_auto(GStrv) words = g_strsplit (name ? name : "", " ", -1);

  for (guint i = 0; words[i]; i++)
    if (*words[i] && g_unichar_isalpha (g_utf8_get_char (words[i])))
      {
        g_string_append_unichar (out, g_unichar_toupper (g_utf8_get_char (words[i])));
        g_string_append_c (out, '.');
      }
  return g_string_free (out, FALSE);
}

/* The file a tracking code (as typed) opens, or NULL; a registration
 * number opens nothing. */
static PzApplication *
find_tracked (Req        *req,
              const char *typed)
{
  g_autofree char *code = pz_tracking_code_normalize (typed);

  return code ? pz_store_find_by_tracking_code (pz_engine_get_store (req->server->engine), code) : NULL;
}

/* The same answer for a code that opens nothing, whatever it was. */
static void
track_not_found (Req *req)
{
  simple_page (req, 404, tr (req, N_("File not found")),
               tr (req, N_("Check the tracking code on your receipt: four groups of four letters and digits, "
                           "such as 7KQ2-M9XD-4HRT-ZP3W.")));
}

static void append_survey_form (Req *req, GString *html, const char *code);

static void
handle_track (Req        *req,
              const char *typed)
{
  PzEngine *engine = req->server->engine;
  g_autoptr(PzApplication) app = find_tracked (req, typed);
  g_autoptr(GPtrArray) events = NULL;
  g_autofree char *who = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GString) handlers = NULL;
  PzPermitType *type;
  PzWorkflow *wf;
  const PzStep *step;
  GString *html;
  gint64 expected_at;

  if (app == NULL)
    {
      track_not_found (req);
      return;
    }
  type = pz_engine_get_file_permit_type (engine, app);
  wf = type ? pz_engine_get_workflow (engine, type->workflow) : NULL;
  step = wf ? pz_workflow_get_step (wf, app->step) : NULL;
  events = pz_store_list_events (pz_engine_get_store (engine), app->id, NULL);
  who = initials (app->applicant_name);
  expected_at = pz_engine_expected_completion (engine, app);
  expected = expected_at ? pz_format_date_id (expected_at, pz_engine_get_timezone (engine), FALSE) : NULL;
  if (step && step->roles && g_strcmp0 (app->status, "in_progress") == 0)
    {
      handlers = g_string_new (NULL);
      for (guint i = 0; step->roles[i]; i++)
        {
          const char *title = pz_role_title (step->roles[i]);

          g_string_append_printf (handlers, "%s%s", i ? ", " : "", title ? tr (req, title) : step->roles[i]);
        }
    }

  html = page_start (tr (req, N_("Application tracking")));
  g_string_append_printf (html, "<h1>%s</h1><table>", tr (req, N_("Application tracking")));
  row (html, tr (req, N_("Registration number")), app->registration_number, NULL);
  row (html, tr (req, N_("Applicant")), who, NULL);
  row (html, tr (req, N_("Permit type")), type ? type->name : app->permit_type, NULL);
  row (html, tr (req, N_("Current step")), step ? tr (req, step->title) : app->step, "now");
  if (handlers)
    row (html, tr (req, N_("Handled by")), handlers->str, NULL);
  row (html, tr (req, N_("Expected completion")),
       expected ? expected : tr (req, N_("Set once the documents are complete")), NULL);
  g_string_append_printf (html, "</table><h2>%s</h2><ol>", tr (req, N_("History")));
  for (guint i = 0; events && i < events->len; i++)
    {
      PzEvent *ev = g_ptr_array_index (events, i);
      const PzStep *to = wf ? pz_workflow_get_step (wf, ev->to_step) : NULL;
      g_autofree char *when = pz_format_date_id (ev->at, pz_engine_get_timezone (engine), TRUE);
      g_autofree char *title = g_markup_escape_text (to ? tr (req, to->title) : ev->to_step, -1);

      g_string_append_printf (html, "<li>%s — %s</li>", when, title);
    }
  g_string_append (html, "</ol>");
  if (g_strcmp0 (app->status, "issued") == 0)
    {
      if (pz_store_has_satisfaction (pz_engine_get_store (engine), app->id))
        g_string_append_printf (html, "<h2>%s</h2><p>%s</p>", tr (req, N_("Community satisfaction survey")),
                                tr (req, N_("Thank you, we have received your answers.")));
      else
        append_survey_form (req, html, app->tracking_code);
    }
  g_string_append (html, "</body></html>");
  send_html (req, 200, html);
}

/* The nine questions of the SKM as the citizen reads them. */
static const char * const skm_questions[PZ_SKM_ELEMENTS] = {
  N_("What do you think of how well the service's requirements fit the kind of service?"),
  N_("How easy did you find the procedure of this office?"),
  N_("What do you think of how quickly the service was given?"),
  N_("What do you think of how fair the cost or fee of the service is?"),
  N_("What do you think of how well what you received matches what the service standard promises?"),
  N_("What do you think of the competence of the staff who served you?"),
  N_("What do you think of the staff's conduct: their courtesy and friendliness?"),
  N_("What do you think of how complaints, suggestions and feedback are handled?"),
  N_("What do you think of the quality of the facilities?"),
};

static const char * const skm_answers[4] = {
  NC_("survey answer", "Poor"), NC_("survey answer", "Fair"), NC_("survey answer", "Good"),
  NC_("survey answer", "Very good"),
};

static void
append_survey_form (Req        *req,
                    GString    *html,
                    const char *code)
{
  g_string_append_printf (html, "<h2>%s</h2><p>%s</p><form method=\"post\" action=\"/track/%s/survey\">",
                          tr (req, N_("Community satisfaction survey")),
                          tr (req, N_("Your permit has been handed over. Help us improve our service by "
                                      "answering the nine questions below.")),
                          code);
  for (guint i = 0; i < PZ_SKM_ELEMENTS; i++)
    {
      g_string_append_printf (html, "<fieldset><legend>%u. %s</legend>", i + 1, tr (req, skm_questions[i]));
      for (guint a = 0; a < 4; a++)
        g_string_append_printf (html, "<label><input type=\"radio\" name=\"u%u\" value=\"%u\" required> %s</label> ",
                                i + 1, a + 1, tr_ctx (req, "survey answer", skm_answers[a]));
      g_string_append (html, "</fieldset>");
    }
  g_string_append_printf (html, "<p><label>%s<br><textarea name=\"saran\" rows=\"3\" maxlength=\"1000\"></textarea>"
                                "</label></p><p><button type=\"submit\">%s</button></p></form>",
                          tr (req, N_("Suggestions (optional)")), tr (req, N_("Send answers")));
}

static void
survey_page (Req        *req,
             guint       status,
             const char *title,
             const char *text,
             const char *code)
{
  GString *html = page_start (title);

  g_string_append_printf (html, "<h1>%s</h1><p>%s</p><p><a href=\"/track/%s\">%s</a></p></body></html>",
                          title, text, code, tr (req, N_("Back to the file's page")));
  send_html (req, status, html);
}

/* The applicant's answers to the survey: once per file, after hand-over,
 * under the file's tracking code. */
static void
handle_survey (Req        *req,
               const char *typed)
{
  PzEngine *engine = req->server->engine;
  g_autoptr(PzApplication) app = find_tracked (req, typed);
  SoupMessageBody *body = soup_server_message_get_request_body (req->msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autofree char *text = NULL;
  g_autoptr(GHashTable) form = NULL;
  g_autoptr(GError) error = NULL;
  int answers[PZ_SKM_ELEMENTS];
  const char *suggestion;
  const char *code;

  if (app == NULL)
    {
      track_not_found (req);
      return;
    }
  code = app->tracking_code;
  if (g_strcmp0 (app->status, "issued") != 0)
    {
      survey_page (req, 409, tr (req, N_("Not open for answers yet")),
                   tr (req, N_("The survey can be answered once the permit has been handed over to you.")), code);
      return;
    }
  if (g_bytes_get_size (bytes) > 8192)
    {
      survey_page (req, 413, tr (req, N_("Answers too long")),
                   tr (req, N_("Suggestions may have at most 1000 characters.")), code);
      return;
    }
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  form = soup_form_decode (text);
  for (guint i = 0; i < PZ_SKM_ELEMENTS; i++)
    {
      char key[4];
      const char *value;

      g_snprintf (key, sizeof key, "u%u", i + 1);
      value = g_hash_table_lookup (form, key);
      if (value == NULL || strlen (value) != 1 || value[0] < '1' || value[0] > '4')
        {
          survey_page (req, 422, tr (req, N_("Answers incomplete")),
                       tr (req, N_("Please answer all nine questions, then send again.")), code);
          return;
        }
      answers[i] = value[0] - '0';
    }
  suggestion = g_hash_table_lookup (form, "saran");
  if (suggestion && !pz_valid_text (suggestion, 1000))
    {
      survey_page (req, 422, tr (req, N_("Suggestion not accepted")),
                   tr (req, N_("Suggestions may have at most 1000 characters.")), code);
      return;
    }
  flush_batch (req->server);
  if (!pz_store_put_satisfaction (pz_engine_get_store (engine), app->id, answers, suggestion, req->now, &error))
    {
      if (g_error_matches (error, PZ_ENGINE_ERROR, PZ_ENGINE_ERROR_DUPLICATE))
        survey_page (req, 409, tr (req, N_("Already answered")),
                     tr (req, N_("We have already received the answers for this file.")), code);
      else
        survey_page (req, 500, tr (req, N_("Something went wrong")),
                     tr (req, N_("Your answers were not saved; please try again later.")), code);
      return;
    }
  survey_page (req, 200, tr (req, N_("Thank you")),
               tr (req, N_("We have received your answers; they help us improve our service.")), code);
}

/* Routing */

static void
handle_openapi (Req *req)
{
  g_autoptr(GBytes) bytes = g_resources_lookup_data ("/id/go/perizinan/server/openapi.json", 0, NULL);

  if (bytes == NULL)
    {
      send_error (req->msg, 500, "internal", _("The API description is missing"), NULL);
      return;
    }
  soup_server_message_set_status (req->msg, 200, NULL);
  soup_message_headers_set_content_type (soup_server_message_get_response_headers (req->msg),
                                         "application/json", NULL);
  soup_message_body_append_bytes (soup_server_message_get_response_body (req->msg), bytes);
}

static void
handle_healthz (Req *req)
{
  if (pz_store_ping (pz_engine_get_store (req->server->engine)))
    send_text_json (req->msg, 200, "{\"status\":\"ok\"}");
  else
    send_error (req->msg, 503, "unavailable", _("The database does not answer"), NULL);
}



/* Administration */

static gboolean
require_admin (Req *req)
{
  if (g_strv_contains ((const char * const *) req->user->roles, "admin"))
    return TRUE;
  send_error (req->msg, 403, "forbidden", _("Only an administrator may do this"), NULL);
  return FALSE;
}

/* Roles from a JSON array: every one known, none twice. */
static char **
read_roles (JsonObject *body,
            GPtrArray  *details)
{
  JsonNode *node = json_object_get_member (body, "roles");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *array;

  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (array = json_node_get_array (node)) == 0)
    {
      pz_detail_add (details, "roles", "%s", _("Give at least one role"));
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *e = json_array_get_element (array, i);
      const char *role = JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING
                         ? json_node_get_string (e) : NULL;

      if (role == NULL || !pz_role_is_known (role))
        {
          pz_detail_add (details, "roles", _("“%s” is not a role"), role ? role : "?");
          return NULL;
        }
      if (g_hash_table_add (seen, (gpointer) role))
        g_strv_builder_add (builder, role);
    }
  return g_strv_builder_end (builder);
}

/* Separation of duties: the administrator (users, roles, the signing key)
 * holds no office role, unless a small office allows it in its settings. */
static void
check_admin_roles (Req                *req,
                   const char * const *roles,
                   GPtrArray          *details)
{
  if (roles == NULL || req->server->config->admin_office_roles ||
      !g_strv_contains (roles, "admin") || g_strv_length ((char **) roles) < 2)
    return;
  pz_detail_add (details, "roles", "%s",
                 _("The administrator cannot also hold an office role; a small office may allow it "
                   "with admin_may_hold_office_roles in the server's settings"));
}

static char *
audit_detail (JsonObject *body)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonObject) copy = json_object_new ();
  g_autoptr(GList) members = json_object_get_members (body);

  /* never a password in the audit log */
  for (GList *l = members; l; l = l->next)
    if (!g_str_equal (l->data, "password"))
      json_object_set_member (copy, l->data, json_node_copy (json_object_get_member (body, l->data)));
  json_node_set_object (node, copy);
  return json_to_string (node, FALSE);
}

/* Writes a change and its audit record in one transaction. */
typedef gboolean (*AdminChange) (PzStore *store, gpointer data, GError **error);

/* A new signing key: the engine's refusal is told to the administrator. */
typedef struct {
  PzEngine   *engine;
  GBytes     *p12;
  const char *passphrase;
  const char *current_passphrase;
  gint64      now;
  GError     *refusal;
} KeyChange;

static gboolean key_change (PzStore *store, gpointer data, GError **error);

static gboolean
commit_admin_change (Req         *req,
                     AdminChange  change,
                     gpointer     data,
                     const char  *action,
                     const char  *target,
                     JsonObject  *body)
{
  PzStore *store = pz_engine_get_store (req->server->engine);
  g_autofree char *detail = audit_detail (body);
  g_autoptr(GError) error = NULL;

  flush_batch (req->server);
  if (!pz_store_begin (store, &error))
    goto failed;
  if (!change (store, data, &error) ||
      !pz_store_insert_audit (store, req->user->id, req->now, action, target, detail, &error) ||
      !pz_store_commit (store, &error))
    {
      pz_store_rollback (store);
      goto failed;
    }
  /* roles, deactivation and passwords take effect on the next request,
   * and an ended session's event socket closes at once */
  g_hash_table_remove_all (req->server->sessions);
  close_ended_sockets (req->server);
  return TRUE;

failed:
  if (change == key_change && ((KeyChange *) data)->refusal)
    {
      const GError *refusal = ((KeyChange *) data)->refusal;
      g_autoptr(GPtrArray) details = pz_details_new ();

      if (refusal->code == PZ_ENGINE_ERROR_RULE || refusal->code == PZ_ENGINE_ERROR_FORBIDDEN ||
          refusal->code == PZ_ENGINE_ERROR_UNCONFIRMED)
        {
          pz_detail_add (details,
                         refusal->code == PZ_ENGINE_ERROR_UNCONFIRMED ? "current_passphrase"
                         : refusal->code == PZ_ENGINE_ERROR_FORBIDDEN ? "passphrase" : "pkcs12",
                         "%s", refusal->message);
          send_error (req->msg, 422, "invalid", _("Some fields need attention"), details);
        }
      else
        send_error (req->msg, 500, "internal", refusal->message, NULL);
      return FALSE;
    }
  if (g_error_matches (error, PZ_STORE_ERROR, PZ_STORE_ERROR_NOT_FOUND))
    send_error (req->msg, 404, "not_found", error->message, NULL);
  else if (g_error_matches (error, PZ_STORE_ERROR, PZ_STORE_ERROR_CONSTRAINT) && g_str_has_prefix (action, "user."))
    send_error (req->msg, 409, "duplicate", _("There is already a user with this username"), NULL);
  else
    send_error (req->msg, 500, "internal", _("The change could not be saved"), NULL);
  return FALSE;
}

static void
handle_list_users (Req *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) users = pz_store_list_users (pz_engine_get_store (req->server->engine), &error);
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);

  if (users == NULL)
    {
      send_error (req->msg, 500, "internal", _("The users could not be read"), NULL);
      return;
    }
  for (guint i = 0; i < users->len; i++)
    {
      PzUser *u = g_ptr_array_index (users, i);
      JsonNode *j = user_json (u, 0, req->server->engine);
      json_object_set_int_member (json_node_get_object (j), "id", u->id);
      json_array_add_element (array, j);
    }
  json_node_set_array (node, array);
  send_json (req->msg, 200, node);
}

typedef struct {
  const char         *username;
  const char         *full_name;
  const char         *nip;
  const char * const *roles;
  const char         *hash;
  gint64              id;
} NewUser;

static gboolean
insert_user_change (PzStore  *store,
                    gpointer  data,
                    GError  **error)
{
  NewUser *n = data;

  n->id = pz_store_insert_user (store, n->username, n->full_name, n->nip, n->roles, n->hash, error);
  return n->id > 0 && pz_store_set_password (store, n->id, n->hash, TRUE, error);
}

static gboolean
check_password (JsonNode  *password,
                GPtrArray *details)
{
  if (g_utf8_strlen (json_node_get_string (password), -1) < PZ_AUTH_MIN_PASSWORD_LENGTH)
    {
      pz_detail_add (details, "password", _("At least %d characters"), PZ_AUTH_MIN_PASSWORD_LENGTH);
      return FALSE;
    }
  return TRUE;
}

static void
handle_create_user (Req *req)
{
  static const char * const known[] = { "username", "full_name", "nip", "roles", "password", NULL };
  g_autoptr(JsonObject) body = read_json_body (req);
  g_autoptr(GPtrArray) details = pz_details_new ();
  g_auto(GStrv) roles = NULL;
  g_autofree char *hash = NULL;
  g_autoptr(PzUser) user = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *username, *full_name, *nip, *password;
  NewUser n = { 0 };
  Argon *argon;

  if (body == NULL || !only_members (req, body, known) ||
      !get_member (req, body, "username", G_TYPE_STRING, TRUE, &username) ||
      !get_member (req, body, "full_name", G_TYPE_STRING, TRUE, &full_name) ||
      !get_member (req, body, "nip", G_TYPE_STRING, FALSE, &nip) ||
      !get_member (req, body, "password", G_TYPE_STRING, TRUE, &password))
    return;
  if (!pz_auth_username_is_valid (json_node_get_string (username)))
    pz_detail_add (details, "username", "%s",
                   _("3 to 32 lower-case letters, digits, dots, dashes or underscores"));
  if (!pz_valid_text (json_node_get_string (full_name), 200) || !*json_node_get_string (full_name))
    pz_detail_add (details, "full_name", "%s", _("Give the name as it is to appear in the history"));
  if (nip && !pz_valid_nip (json_node_get_string (nip)))
    pz_detail_add (details, "nip", "%s", _("A NIP has 18 digits"));
  check_password (password, details);
  if (!json_object_has_member (body, "roles"))
    pz_detail_add (details, "roles", "%s", _("Give at least one role"));
  else
    roles = read_roles (body, details);
  check_admin_roles (req, (const char * const *) roles, details);
  if (details->len)
    {
      send_error (req->msg, 422, "invalid", _("Some fields need attention"), details);
      return;
    }
  if (!(argon = argon_result (req, NULL, NULL, json_node_get_string (password))))
    return;
  if (!(hash = g_strdup (argon->hash)))
    {
      send_error (req->msg, 500, "internal", argon->hash_error, NULL);
      return;
    }
  n = (NewUser) { json_node_get_string (username), json_node_get_string (full_name),
                  nip ? json_node_get_string (nip) : NULL, (const char * const *) roles, hash, 0 };
  if (!commit_admin_change (req, insert_user_change, &n, "user.create", n.username, body))
    return;
  user = pz_store_get_user (pz_engine_get_store (req->server->engine), n.id);
  {
    g_autoptr(JsonNode) j = user_json (user, 0, req->server->engine);
    json_object_set_int_member (json_node_get_object (j), "id", user->id);
    send_json (req->msg, 201, j);
  }
}

typedef struct {
  PzUser             *user;
  const char * const *roles;
  const char         *keep_hash;
  gint64              now;
  gboolean            revoke;
} UserUpdate;

static gboolean
update_user_change (PzStore  *store,
                    gpointer  data,
                    GError  **error)
{
  UserUpdate *u = data;

  return pz_store_update_user (store, u->user, u->roles, error) &&
         (!u->revoke || pz_store_revoke_user_sessions (store, u->user->id, NULL, u->now, error));
}

static void
handle_update_user (Req    *req,
                    gint64  id)
{
  static const char * const known[] = { "full_name", "nip", "roles", "active", NULL };
  g_autoptr(JsonObject) body = read_json_body (req);
  g_autoptr(GPtrArray) details = pz_details_new ();
  g_autoptr(PzUser) user = pz_store_get_user (pz_engine_get_store (req->server->engine), id);
  g_auto(GStrv) roles = NULL;
  JsonNode *full_name, *nip, *active;
  UserUpdate u = { 0 };

  if (user == NULL)
    {
      send_error (req->msg, 404, "not_found", _("There is no such user"), NULL);
      return;
    }
  if (body == NULL || !only_members (req, body, known) ||
      !get_member (req, body, "full_name", G_TYPE_STRING, FALSE, &full_name) ||
      !get_member (req, body, "nip", G_TYPE_STRING, FALSE, &nip) ||
      !get_member (req, body, "active", G_TYPE_BOOLEAN, FALSE, &active))
    return;
  if (full_name && (!pz_valid_text (json_node_get_string (full_name), 200) || !*json_node_get_string (full_name)))
    pz_detail_add (details, "full_name", "%s", _("Give the name as it is to appear in the history"));
  if (nip && !pz_valid_nip (json_node_get_string (nip)))
    pz_detail_add (details, "nip", "%s", _("A NIP has 18 digits"));
  if (json_object_has_member (body, "roles"))
    roles = read_roles (body, details);
  check_admin_roles (req, (const char * const *) roles, details);
  if (user->id == req->user->id && active && !json_node_get_boolean (active))
    pz_detail_add (details, "active", "%s", _("You cannot deactivate your own account"));
  if (user->id == req->user->id && roles && !g_strv_contains ((const char * const *) roles, "admin"))
    pz_detail_add (details, "roles", "%s", _("You cannot take the administrator role from yourself"));
  if (details->len)
    {
      send_error (req->msg, 422, "invalid", _("Some fields need attention"), details);
      return;
    }

  if (full_name)
    {
      g_free (user->full_name);
      user->full_name = g_strdup (json_node_get_string (full_name));
    }
  if (nip)
    {
      g_free (user->nip);
      user->nip = g_strdup (json_node_get_string (nip));
    }
  u.revoke = active && user->active && !json_node_get_boolean (active);
  if (active)
    user->active = json_node_get_boolean (active);
  u.user = user;
  u.roles = (const char * const *) roles;
  u.now = req->now;
  if (!commit_admin_change (req, update_user_change, &u,
                            active && !user->active ? "user.deactivate" : "user.update",
                            user->username, body))
    return;
  {
    g_autoptr(PzUser) fresh = pz_store_get_user (pz_engine_get_store (req->server->engine), id);
    g_autoptr(JsonNode) j = user_json (fresh, 0, req->server->engine);
    json_object_set_int_member (json_node_get_object (j), "id", fresh->id);
    send_json (req->msg, 200, j);
  }
}

typedef struct {
  gint64      id;
  const char *hash;
  gboolean    must_change;
  const char *keep_hash;
  gint64      now;
} PasswordChange;

static gboolean
password_change (PzStore  *store,
                 gpointer  data,
                 GError  **error)
{
  PasswordChange *p = data;

  return pz_store_set_password (store, p->id, p->hash, p->must_change, error) &&
         pz_store_revoke_user_sessions (store, p->id, p->keep_hash, p->now, error);
}

/* An administrator sets a new password, which the user must change at the
 * next login; the user's sessions end. */
static void
handle_reset_password (Req    *req,
                       gint64  id)
{
  static const char * const known[] = { "password", NULL };
  g_autoptr(JsonObject) body = read_json_body (req);
  g_autoptr(GPtrArray) details = pz_details_new ();
  g_autoptr(PzUser) user = pz_store_get_user (pz_engine_get_store (req->server->engine), id);
  g_autofree char *hash = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *password;
  PasswordChange p = { 0 };
  Argon *argon;

  if (user == NULL)
    {
      send_error (req->msg, 404, "not_found", _("There is no such user"), NULL);
      return;
    }
  if (body == NULL || !only_members (req, body, known) ||
      !get_member (req, body, "password", G_TYPE_STRING, TRUE, &password))
    return;
  if (!check_password (password, details))
    {
      send_error (req->msg, 422, "invalid", _("Some fields need attention"), details);
      return;
    }
  if (!(argon = argon_result (req, NULL, NULL, json_node_get_string (password))))
    return;
  if (!(hash = g_strdup (argon->hash)))
    {
      send_error (req->msg, 500, "internal", argon->hash_error, NULL);
      return;
    }
  p = (PasswordChange) { id, hash, TRUE, NULL, req->now };
  if (commit_admin_change (req, password_change, &p, "user.reset_password", user->username, body))
    soup_server_message_set_status (req->msg, 204, NULL);
}

/* A user changes their own password (required after a reset); their other
 * sessions end, this one goes on. */
static void
handle_change_password (Req *req)
{
  static const char * const known[] = { "old_password", "new_password", NULL };
  g_autoptr(JsonObject) body = read_json_body (req);
  g_autoptr(GPtrArray) details = pz_details_new ();
  g_autoptr(PzUser) user = pz_store_get_user (pz_engine_get_store (req->server->engine), req->user->id);
  g_autofree char *token = bearer_token (req);
  g_autofree char *keep = pz_auth_hash_token (token);
  g_autofree char *hash = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *old_password, *new_password;
  PasswordChange p = { 0 };
  g_autofree char *key = NULL;
  Argon *argon;

  if (body == NULL || !only_members (req, body, known) ||
      !get_member (req, body, "old_password", G_TYPE_STRING, TRUE, &old_password) ||
      !get_member (req, body, "new_password", G_TYPE_STRING, TRUE, &new_password))
    return;
  if (g_utf8_strlen (json_node_get_string (new_password), -1) < PZ_AUTH_MIN_PASSWORD_LENGTH)
    pz_detail_add (details, "new_password", _("At least %d characters"), PZ_AUTH_MIN_PASSWORD_LENGTH);
  else if (g_str_equal (json_node_get_string (old_password), json_node_get_string (new_password)))
    pz_detail_add (details, "new_password", "%s", _("Choose a password different from the current one"));
  if (details->len)
    {
      send_error (req->msg, 422, "invalid", _("Some fields need attention"), details);
      return;
    }
  /* the old password is a secret to guess like the one at the login */
  key = throttle_key ("password", user->username, client_address (req));
  if (g_object_get_data (G_OBJECT (req->msg), "pz-argon") == NULL &&
      !throttle_attempt (req, key, client_address (req)))
    return;
  if (!(argon = argon_result (req, user->password_hash, json_node_get_string (old_password),
                              json_node_get_string (new_password))))
    return;
  if (!argon->verified)
    {
      pz_detail_add (details, "old_password", "%s", _("This is not your current password"));
      send_error (req->msg, 422, "invalid", _("Some fields need attention"), details);
      return;
    }
  throttle_success (req->server, key, client_address (req));
  if (!(hash = g_strdup (argon->hash)))
    {
      send_error (req->msg, 500, "internal", argon->hash_error, NULL);
      return;
    }
  p = (PasswordChange) { user->id, hash, FALSE, keep, req->now };
  {
    /* the audit record names the change, never the passwords */
    g_autoptr(JsonObject) none = json_object_new ();
    if (commit_admin_change (req, password_change, &p, "user.change_password", user->username, none))
      soup_server_message_set_status (req->msg, 204, NULL);
  }
}

static void
handle_audit (Req *req)
{
  guint64 limit = 200;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);

  if (!query_uint (req, "limit", 1, 10000, 200, &limit))
    return;
  if (!(entries = pz_store_list_audit (pz_engine_get_store (req->server->engine), (guint) limit, &error)))
    {
      send_error (req->msg, 500, "internal", _("The audit log could not be read"), NULL);
      return;
    }
  for (guint i = 0; i < entries->len; i++)
    {
      PzAuditEntry *e = g_ptr_array_index (entries, i);
      g_autoptr(JsonObject) o = json_object_new ();
      g_autofree char *at = pz_engine_format_time (req->server->engine, e->at);
      JsonNode *detail = json_from_string (e->detail, NULL);

      json_object_set_string_member (o, "at", at);
      json_object_set_string_member (o, "by", e->username);
      json_object_set_string_member (o, "by_name", e->full_name);
      json_object_set_string_member (o, "action", e->action);
      json_object_set_string_member (o, "target", e->target);
      json_object_set_member (o, "detail", detail ? detail : json_node_new (JSON_NODE_NULL));
      json_array_add_object_element (array, g_steal_pointer (&o));
    }
  json_node_set_array (node, array);
  send_json (req->msg, 200, node);
}

/* The office calendar: national holidays, collective leave, regional days. */

static void
handle_list_holidays (Req *req)
{
  guint64 year = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);

  if (!query_uint (req, "year", 2000, 2100, 0, &year))
    return;
  if (!(rows = pz_store_list_holiday_rows (pz_engine_get_store (req->server->engine), (guint) year, &error)))
    {
      send_error (req->msg, 500, "internal", _("The calendar could not be read"), NULL);
      return;
    }
  for (guint i = 0; i < rows->len; i++)
    {
      char **row = g_ptr_array_index (rows, i);
      JsonObject *o = json_object_new ();

      json_object_set_string_member (o, "date", row[0]);
      json_object_set_string_member (o, "name", row[1]);
      json_object_set_string_member (o, "kind", row[2]);
      json_array_add_object_element (array, o);
    }
  json_node_set_array (node, array);
  send_json (req->msg, 200, node);
}

typedef struct {
  const char *date;
  const char *name;
  const char *kind;
  gboolean    deleted;
} HolidayChange;

static gboolean
put_holiday_change (PzStore  *store,
                    gpointer  data,
                    GError  **error)
{
  HolidayChange *h = data;
  return pz_store_put_holiday (store, h->date, h->name, h->kind, error);
}

static gboolean
delete_holiday_change (PzStore  *store,
                       gpointer  data,
                       GError  **error)
{
  HolidayChange *h = data;
  return pz_store_delete_holiday (store, h->date, &h->deleted, error);
}

/* Working time is counted with the new calendar from the next request on. */
static void escalate (PzServer *self);

/* The calendar changed: open files' due times follow it at once. */
static void
reload_calendar (Req *req)
{
  g_autoptr(GError) error = NULL;
  gint64 moved;

  if (!pz_engine_reload (req->server->engine, &error))
    g_warning ("The calendar could not be reloaded: %s", error->message);
  g_clear_error (&error);
  flush_batch (req->server);
  moved = pz_engine_recompute_due_times (req->server->engine, &error);
  if (moved < 0)
    g_warning ("Due times could not be recomputed: %s", error->message);
  else if (moved > 0)
    {
      /* every open list may show other due times now */
      g_autofree char *text = g_strdup ("{\"type\":\"calendar.changed\"}");
      broadcast (req->server, text);
    }
  escalate (req->server);
}

static gboolean
holiday_date (Req        *req,
              const char *text)
{
  GDate date;

  if (strlen (text) == 10 && pz_parse_date (text, &date))
    return TRUE;
  send_error (req->msg, 404, "not_found", _("A holiday is named by its date, YYYY-MM-DD"), NULL);
  return FALSE;
}

static void
handle_put_holiday (Req        *req,
                    const char *date)
{
  static const char * const known[] = { "name", "kind", NULL };
  static const char * const kinds[] = { "national", "cuti_bersama", "regional", NULL };
  g_autoptr(JsonObject) body = read_json_body (req);
  g_autoptr(GPtrArray) details = pz_details_new ();
  JsonNode *name, *kind;
  HolidayChange h = { 0 };

  if (!holiday_date (req, date))
    return;
  if (body == NULL || !only_members (req, body, known) ||
      !get_member (req, body, "name", G_TYPE_STRING, TRUE, &name) ||
      !get_member (req, body, "kind", G_TYPE_STRING, TRUE, &kind))
    return;
  if (!pz_valid_text (json_node_get_string (name), 200) || !*json_node_get_string (name))
    pz_detail_add (details, "name", "%s", _("Give the day's name, as in the decree"));
  if (!g_strv_contains (kinds, json_node_get_string (kind)))
    pz_detail_add (details, "kind", "%s", _("One of national, cuti_bersama or regional"));
  if (details->len)
    {
      send_error (req->msg, 422, "invalid", _("Some fields need attention"), details);
      return;
    }
  h = (HolidayChange) { date, json_node_get_string (name), json_node_get_string (kind), FALSE };
  json_object_set_string_member (body, "date", date);
  if (!commit_admin_change (req, put_holiday_change, &h, "holiday.put", date, body))
    return;
  reload_calendar (req);
  json_object_remove_member (body, "date");
  {
    g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
    JsonObject *o = json_object_new ();

    json_object_set_string_member (o, "date", date);
    json_object_set_string_member (o, "name", h.name);
    json_object_set_string_member (o, "kind", h.kind);
    json_node_take_object (node, o);
    send_json (req->msg, 200, node);
  }
}

static void
handle_delete_holiday (Req        *req,
                       const char *date)
{
  g_autoptr(JsonObject) none = json_object_new ();
  HolidayChange h = { date, NULL, NULL, FALSE };

  if (!holiday_date (req, date))
    return;
  if (!commit_admin_change (req, delete_holiday_change, &h, "holiday.delete", date, none))
    return;
  if (!h.deleted)
    {
      send_error (req->msg, 404, "not_found", _("There is no holiday on that date"), NULL);
      return;
    }
  reload_calendar (req);
  soup_server_message_set_status (req->msg, 204, NULL);
}

/* Office profile */

#define CERTIFICATE_WARNING_DAYS 30

static void
add_setting (JsonBuilder *b,
             PzStore     *store,
             const char  *member,
             const char  *key)
{
  g_autofree char *value = pz_store_get_setting (store, key);

  json_builder_set_member_name (b, member);
  if (value && *value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static JsonNode *
office_json (Req *req)
{
  PzEngine *engine = req->server->engine;
  PzStore *store = pz_engine_get_store (engine);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *not_after = pz_store_get_setting (store, "signing_not_after");
  g_autofree char *not_before = pz_store_get_setting (store, "signing_not_before");
  guint opens, closes;

  pz_calendar_get_office_hours (pz_engine_get_calendar (engine), &opens, &closes);
  json_builder_begin_object (b);
  add_setting (b, store, "name", "office_name");
  add_setting (b, store, "address", "office_address");
  add_setting (b, store, "city", "office_city");
  add_setting (b, store, "region", "office_region");
  add_setting (b, store, "refusal_number_format", "refusal_number_format");
  add_setting (b, store, "kadis_name", "kadis_name");
  add_setting (b, store, "kadis_nip", "kadis_nip");
  add_setting (b, store, "public_base_url", "public_url");
  json_builder_set_member_name (b, "public_url_in_force");
  json_builder_add_string_value (b, pz_engine_get_public_url (engine));
  json_builder_set_member_name (b, "public_url_configured");
  json_builder_add_string_value (b, pz_engine_get_configured_public_url (engine));
  {
    g_autofree char *o = g_strdup_printf ("%02u:%02u", opens / 60, opens % 60);
    g_autofree char *c = g_strdup_printf ("%02u:%02u", closes / 60, closes % 60);

    json_builder_set_member_name (b, "opens");
    json_builder_add_string_value (b, o);
    json_builder_set_member_name (b, "closes");
    json_builder_add_string_value (b, c);
  }
  json_builder_set_member_name (b, "has_logo");
  json_builder_add_boolean_value (b, pz_engine_get_logo (engine) != NULL);
  json_builder_set_member_name (b, "signing_certificate");
  if (not_after)
    {
      gint64 end = g_ascii_strtoll (not_after, NULL, 10);
      gint64 start = not_before ? g_ascii_strtoll (not_before, NULL, 10) : 0;
      gint64 days_left = end > req->now ? (end - req->now) / 86400 : 0;
      g_autofree char *end_text = pz_engine_format_time (engine, end);
      g_autofree char *start_text = pz_engine_format_time (engine, start);

      json_builder_begin_object (b);
      add_setting (b, store, "subject", "signing_subject");
      add_setting (b, store, "issuer", "signing_issuer");
      json_builder_set_member_name (b, "not_before");
      json_builder_add_string_value (b, start_text);
      json_builder_set_member_name (b, "not_after");
      json_builder_add_string_value (b, end_text);
      json_builder_set_member_name (b, "days_left");
      json_builder_add_int_value (b, days_left);
      json_builder_set_member_name (b, "expired");
      json_builder_add_boolean_value (b, end <= req->now);
      json_builder_set_member_name (b, "expiring_soon");
      json_builder_add_boolean_value (b, end > req->now && days_left < CERTIFICATE_WARNING_DAYS);
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
handle_get_office (Req *req)
{
  g_autoptr(JsonNode) node = office_json (req);
  send_json (req->msg, 200, node);
}

typedef struct {
  const char *member;
  const char *key;
  gsize       max_chars;
} ProfileField;

static const ProfileField profile_fields[] = {
  { "name", "office_name", 300 },
  { "address", "office_address", 500 },
  { "city", "office_city", 100 },
  { "region", "office_region", 100 },
  { "refusal_number_format", "refusal_number_format", 200 },
  { "kadis_name", "kadis_name", 200 },
  { "kadis_nip", "kadis_nip", 18 },
  { "public_base_url", "public_url", 500 },
  { "opens", "office_opens", 5 },
  { "closes", "office_closes", 5 },
};

typedef struct {
  JsonObject *body;
} ProfileChange;

static gboolean
profile_change (PzStore  *store,
                gpointer  data,
                GError  **error)
{
  ProfileChange *c = data;

  for (guint i = 0; i < G_N_ELEMENTS (profile_fields); i++)
    {
      JsonNode *node = json_object_get_member (c->body, profile_fields[i].member);

      if (node && !pz_store_set_setting (store, profile_fields[i].key,
                                         JSON_NODE_HOLDS_NULL (node) ? "" : json_node_get_string (node), error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
valid_public_url (const char *text)
{
  g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);

  return uri && (g_str_equal (g_uri_get_scheme (uri), "https") || g_str_equal (g_uri_get_scheme (uri), "http")) &&
         g_uri_get_host (uri) && *g_uri_get_host (uri) && g_uri_get_query (uri) == NULL &&
         g_uri_get_fragment (uri) == NULL && g_uri_get_userinfo (uri) == NULL;
}

static void
handle_patch_office (Req *req)
{
  static const char * const known[] = {
    "name", "address", "city", "region", "refusal_number_format", "kadis_name", "kadis_nip", "public_base_url",
    "opens", "closes", NULL
  };
  g_autoptr(JsonObject) body = read_json_body (req);
  g_autoptr(GPtrArray) details = pz_details_new ();
  g_autoptr(GError) error = NULL;
  guint opens = 0, closes = 0, now_opens, now_closes;
  ProfileChange change;

  if (body == NULL || !only_members (req, body, known))
    return;
  for (guint i = 0; i < G_N_ELEMENTS (profile_fields); i++)
    {
      JsonNode *node = json_object_get_member (body, profile_fields[i].member);
      const char *value;

      if (node == NULL)
        continue;
      /* only the public address may be emptied: then the configured one counts */
      if (JSON_NODE_HOLDS_NULL (node) && g_str_equal (profile_fields[i].member, "public_base_url"))
        continue;
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          pz_detail_add (details, profile_fields[i].member, "%s", _("Must be text"));
          continue;
        }
      value = json_node_get_string (node);
      if (!pz_valid_text (value, profile_fields[i].max_chars) ||
          (!*value && g_strcmp0 (profile_fields[i].member, "kadis_nip") != 0 &&
           g_strcmp0 (profile_fields[i].member, "region") != 0 &&
           g_strcmp0 (profile_fields[i].member, "refusal_number_format") != 0 &&
           g_strcmp0 (profile_fields[i].member, "public_base_url") != 0))
        pz_detail_add (details, profile_fields[i].member, "%s", _("Fill this in (not too long)"));
    }
  if (!details->len)
    {
      JsonNode *nip = json_object_get_member (body, "kadis_nip");
      JsonNode *url = json_object_get_member (body, "public_base_url");
      JsonNode *o = json_object_get_member (body, "opens");
      JsonNode *c = json_object_get_member (body, "closes");

      pz_calendar_get_office_hours (pz_engine_get_calendar (req->server->engine), &now_opens, &now_closes);
      if (nip && *json_node_get_string (nip) &&
          !pz_valid_nip (json_node_get_string (nip)))
        pz_detail_add (details, "kadis_nip", "%s", _("A NIP has 18 digits"));
      {
        JsonNode *format = json_object_get_member (body, "refusal_number_format");
        g_autoptr(GError) format_error = NULL;

        if (format && *json_node_get_string (format) &&
            !pz_number_format_is_valid (json_node_get_string (format), &format_error))
          pz_detail_add (details, "refusal_number_format", "%s", format_error->message);
      }
      if (url && !JSON_NODE_HOLDS_NULL (url) && *json_node_get_string (url) &&
          !valid_public_url (json_node_get_string (url)))
        pz_detail_add (details, "public_base_url", "%s",
                       _("Give the address citizens reach the server at, such as https://izin.example.go.id"));
      opens = now_opens;
      closes = now_closes;
      if (o && !pz_parse_clock (json_node_get_string (o), &opens))
        pz_detail_add (details, "opens", "%s", _("Give the time as HH:MM"));
      if (c && !pz_parse_clock (json_node_get_string (c), &closes))
        pz_detail_add (details, "closes", "%s", _("Give the time as HH:MM"));
      if (!details->len && opens >= closes)
        pz_detail_add (details, "closes", "%s", _("The office must close after it opens"));
      if (!details->len && (o || c))
        {
          /* both are kept, so the hours stay a pair */
          g_autofree char *ot = g_strdup_printf ("%02u:%02u", opens / 60, opens % 60);
          g_autofree char *ct = g_strdup_printf ("%02u:%02u", closes / 60, closes % 60);
          json_object_set_string_member (body, "opens", ot);
          json_object_set_string_member (body, "closes", ct);
        }
    }
  if (details->len)
    {
      send_error (req->msg, 422, "invalid", _("Some fields need attention"), details);
      return;
    }
  change.body = body;
  if (!commit_admin_change (req, profile_change, &change, "office.update", "office", body))
    return;
  reload_calendar (req);
  handle_get_office (req);
}

typedef struct {
  const char *value;   /* base64 PNG, or "" */
} LogoChange;

static gboolean
logo_change (PzStore  *store,
             gpointer  data,
             GError  **error)
{
  return pz_store_set_setting (store, "logo_png", ((LogoChange *) data)->value, error);
}

#define MAX_LOGO_BYTES (512 * 1024)

static void
handle_put_logo (Req *req)
{
  SoupMessageBody *body = soup_server_message_get_request_body (req->msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(JsonObject) audit = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *encoded = NULL;
  cairo_surface_t *image;
  LogoChange change;

  if (g_bytes_get_size (bytes) > MAX_LOGO_BYTES)
    {
      send_error (req->msg, 413, "too_large", _("The emblem may be at most 512 KiB"), NULL);
      return;
    }
  if (!(image = pz_output_load_png (bytes)))
    {
      send_error (req->msg, 415, "unsupported_type",
                  _("The emblem must be a PNG picture of at most 2000 × 2000 pixels"), NULL);
      return;
    }
  json_object_set_int_member (audit, "width", cairo_image_surface_get_width (image));
  json_object_set_int_member (audit, "height", cairo_image_surface_get_height (image));
  json_object_set_int_member (audit, "bytes", (gint64) g_bytes_get_size (bytes));
  cairo_surface_destroy (image);
  encoded = g_base64_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  change.value = encoded;
  if (!commit_admin_change (req, logo_change, &change, "office.logo", "office", audit))
    return;
  if (!pz_engine_reload (req->server->engine, &error))
    g_warning ("The office profile could not be reloaded: %s", error->message);
  soup_server_message_set_status (req->msg, 204, NULL);
}

static void
handle_get_logo (Req *req)
{
  GBytes *logo = pz_engine_get_logo (req->server->engine);

  if (logo == NULL)
    {
      send_error (req->msg, 404, "not_found", _("The office has no emblem yet"), NULL);
      return;
    }
  soup_server_message_set_status (req->msg, 200, NULL);
  soup_server_message_set_response (req->msg, "image/png", SOUP_MEMORY_COPY,
                                    g_bytes_get_data (logo, NULL), g_bytes_get_size (logo));
}

static void
handle_delete_logo (Req *req)
{
  g_autoptr(JsonObject) none = json_object_new ();
  g_autoptr(GError) error = NULL;
  LogoChange change = { "" };

  if (!commit_admin_change (req, logo_change, &change, "office.logo_removed", "office", none))
    return;
  if (!pz_engine_reload (req->server->engine, &error))
    g_warning ("The office profile could not be reloaded: %s", error->message);
  soup_server_message_set_status (req->msg, 204, NULL);
}

static gboolean
key_change (PzStore  *store,
            gpointer  data,
            GError  **error)
{
  KeyChange *k = data;

  if (pz_engine_install_signing_key (k->engine, k->p12, k->passphrase, k->current_passphrase, k->now, &k->refusal))
    return TRUE;
  g_set_error_literal (error, PZ_STORE_ERROR, PZ_STORE_ERROR_FAILED, k->refusal->message);
  return FALSE;
}

#define MAX_PKCS12_BYTES (64 * 1024)

/* Tells every session of the Kadis and of an acting Kadis that the
 * office's signing certificate was replaced, and by whom: nobody else
 * signs with it, so nobody else is told. */
static void
announce_new_certificate (Req *req)
{
  PzStore *store = pz_engine_get_store (req->server->engine);
  g_autofree char *subject = pz_store_get_setting (store, "signing_subject");
  g_autofree char *not_after = pz_store_get_setting (store, "signing_not_after");
  g_autoptr(PzJsonWriter) w = pz_json_writer_new ();
  g_autofree char *text = NULL;

  pz_json_writer_begin_object (w);
  pz_json_writer_member (w, "type");
  pz_json_writer_string (w, "signing_certificate.replaced");
  pz_json_writer_member (w, "by");
  pz_json_writer_string (w, req->user->full_name);
  pz_json_writer_member (w, "subject");
  pz_json_writer_string (w, subject ? subject : "");
  pz_json_writer_member (w, "not_after");
  pz_json_writer_int (w, not_after ? g_ascii_strtoll (not_after, NULL, 10) : 0);
  pz_json_writer_end_object (w);
  text = pz_json_writer_free_to_string (g_steal_pointer (&w));

  for (guint i = 0; i < req->server->sockets->len; i++)
    {
      SoupWebsocketConnection *conn = g_ptr_array_index (req->server->sockets, i);
      const char *hash = g_object_get_data (G_OBJECT (conn), "pz-token-hash");
      g_autoptr(PzUser) user = NULL;

      if (soup_websocket_connection_get_state (conn) != SOUP_WEBSOCKET_STATE_OPEN)
        continue;
      user = pz_store_session_user (store, hash, req->now, NULL);
      if (user && user->roles && g_strv_contains ((const char * const *) user->roles, "kadis"))
        soup_websocket_connection_send_text (conn, text);
    }
}

static void
handle_put_certificate (Req *req)
{
  static const char * const known[] = { "pkcs12", "passphrase", "current_passphrase", NULL };
  g_autoptr(JsonObject) body = read_json_body (req);
  g_autoptr(GPtrArray) details = pz_details_new ();
  g_autoptr(GBytes) p12 = NULL;
  g_autoptr(JsonObject) audit = json_object_new ();
  g_autofree char *guess_key = NULL;
  JsonNode *encoded, *passphrase, *current = NULL;
  KeyChange k = { 0 };

  if (body == NULL || !only_members (req, body, known) ||
      !get_member (req, body, "pkcs12", G_TYPE_STRING, TRUE, &encoded) ||
      !get_member (req, body, "passphrase", G_TYPE_STRING, TRUE, &passphrase) ||
      !get_member (req, body, "current_passphrase", G_TYPE_STRING, FALSE, &current))
    return;
  {
    gsize len = 0;
    guchar *data = g_base64_decode (json_node_get_string (encoded), &len);

    p12 = g_bytes_new_take (data, len);
  }
  if (g_bytes_get_size (p12) == 0 || g_bytes_get_size (p12) > MAX_PKCS12_BYTES)
    pz_detail_add (details, "pkcs12", "%s", _("Give the PKCS#12 file (.p12 or .pfx) in base64, at most 64 KiB"));
  if (!*json_node_get_string (passphrase))
    pz_detail_add (details, "passphrase", "%s", _("Give the passphrase that opens the file"));
  if (details->len)
    {
      send_error (req->msg, 422, "invalid", _("Some fields need attention"), details);
      return;
    }
  /* the current key's passphrase is the Kadis's secret: guessing it is
   * throttled like guessing it at a signing */
  if (current)
    {
      guess_key = throttle_key ("passphrase", req->user->username, client_address (req));
      if (!throttle_attempt (req, guess_key, client_address (req)))
        return;
    }
  k.engine = req->server->engine;
  k.p12 = p12;
  k.passphrase = json_node_get_string (passphrase);
  k.current_passphrase = current ? json_node_get_string (current) : NULL;
  k.now = req->now;
  /* never the key nor its passphrases in the audit log */
  json_object_set_int_member (audit, "bytes", (gint64) g_bytes_get_size (p12));
  json_object_set_boolean_member (audit, "confirmed_with_current_passphrase", current != NULL);
  if (!commit_admin_change (req, key_change, &k, "office.signing_certificate", "office", audit))
    {
      g_clear_error (&k.refusal);
      return;
    }
  if (guess_key)
    throttle_success (req->server, guess_key, client_address (req));
  announce_new_certificate (req);
  handle_get_office (req);
}

/* Permit types: every change is a new edition; files keep theirs */

static gboolean
put_permit_type_change (PzStore  *store,
                        gpointer  data,
                        GError  **error)
{
  return pz_store_put_permit_type (store, data, error);
}

static void
handle_put_permit_type (Req        *req,
                        const char *code)
{
  static const char * const known[] = {
    "code", "name", "workflow", "request_types", "requirements", "fields", "survey", "signing",
    "number_format", "validity_months", "service_days", "decree", "holder_photo", NULL
  };
  g_autoptr(JsonObject) body = read_json_body (req);

  g_autoptr(GPtrArray) details = pz_details_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PzPermitType) type = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonNode *member;
  PzPermitType *current = pz_engine_get_permit_type (req->server->engine, code);
  guint before = current ? current->version : 0;

  /* what a GET of the list added for reading only: a client may send back
   * the object it read */
  if (body && json_object_has_member (body, "next_sequence"))
    json_object_remove_member (body, "next_sequence");
  if (body == NULL || !only_members (req, body, known))
    return;
  member = json_object_get_member (body, "code");
  if (member && (!JSON_NODE_HOLDS_VALUE (member) || g_strcmp0 (json_node_get_string (member), code) != 0))
    {
      pz_detail_add (details, "code", "%s", _("The code in the address and in the body differ"));
      send_error (req->msg, 422, "invalid", _("Some fields need attention"), details);
      return;
    }
  json_object_set_string_member (body, "code", code);
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, body);
  if (!(type = pz_permit_type_new_from_json (node, &error)))
    pz_detail_add (details, "definition", "%s", error->message);
  else if (pz_engine_get_workflow (req->server->engine, type->workflow) == NULL)
    pz_detail_add (details, "workflow", _("There is no workflow “%s”"), type->workflow);
  if (details->len)
    {
      send_error (req->msg, 422, "invalid", _("Some fields need attention"), details);
      return;
    }
  if (!commit_admin_change (req, put_permit_type_change, type, "permit_type.put", code, body))
    return;
  if (!pz_engine_reload (req->server->engine, &error))
    g_warning ("The permit types could not be reloaded: %s", error->message);
  {
    g_autoptr(JsonNode) j = pz_permit_type_to_json (type);
    send_json (req->msg, before == 0 ? 201 : 200, j);
  }
}

static void
handle_permit_type_versions (Req        *req,
                             const char *code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) versions = pz_store_load_permit_type_versions (pz_engine_get_store (req->server->engine),
                                                                      code, &error);
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);

  if (versions == NULL)
    {
      send_error (req->msg, 500, "internal", _("The permit type's editions could not be read"), NULL);
      return;
    }
  if (versions->len == 0)
    {
      send_error (req->msg, 404, "not_found", _("There is no such permit type"), NULL);
      return;
    }
  for (guint i = 0; i < versions->len; i++)
    json_array_add_element (array, pz_permit_type_to_json (g_ptr_array_index (versions, i)));
  json_node_set_array (node, array);
  send_json (req->msg, 200, node);
}

/* Acting officials (Plh/Plt) */

static JsonNode *
acting_json (PzActing *a,
             gint64    now)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, a->id);
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, a->role);
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, a->kind);
  json_builder_set_member_name (b, "starts_on");
  json_builder_add_string_value (b, a->starts_on);
  json_builder_set_member_name (b, "ends_on");
  json_builder_add_string_value (b, a->ends_on);
  json_builder_set_member_name (b, "state");
  json_builder_add_string_value (b, a->ended_at ? "ended_early"
                                    : now < a->starts_at ? "planned"
                                    : now < a->ends_at ? "in_force" : "over");
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
handle_list_acting (Req    *req,
                    gint64  user_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PzUser) user = pz_store_get_user (pz_engine_get_store (req->server->engine), user_id);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(JsonArray) items = json_array_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);

  if (user == NULL)
    {
      send_error (req->msg, 404, "not_found", _("There is no such user"), NULL);
      return;
    }
  if (!(list = pz_store_list_acting (pz_engine_get_store (req->server->engine), user_id, &error)))
    {
      send_error (req->msg, 500, "internal", _("The acting periods could not be read"), NULL);
      return;
    }
  for (guint i = 0; i < list->len; i++)
    json_array_add_element (items, acting_json (g_ptr_array_index (list, i), req->now));
  json_node_set_array (node, items);
  send_json (req->msg, 200, node);
}

typedef struct {
  PzActing *acting;
  gint64    by;
  gint64    now;
} ActingInsert;

static gboolean
insert_acting_change (PzStore  *store,
                      gpointer  data,
                      GError  **error)
{
  ActingInsert *ins = data;

  ins->acting->id = pz_store_insert_acting (store, ins->acting, ins->by, ins->now, error);
  return ins->acting->id != 0;
}

/* The start of @date's day in the office's time zone. */
static gint64
office_midnight (Req   *req,
                 GDate *date)
{
  g_autoptr(GDateTime) dt = g_date_time_new (pz_engine_get_timezone (req->server->engine),
                                             g_date_get_year (date), g_date_get_month (date),
                                             g_date_get_day (date), 0, 0, 0);
  return g_date_time_to_unix (dt);
}

static void
handle_create_acting (Req    *req,
                      gint64  user_id)
{
  static const char * const known[] = { "role", "kind", "starts_on", "ends_on", NULL };
  g_autoptr(JsonObject) body = read_json_body (req);
  g_autoptr(GPtrArray) details = pz_details_new ();
  g_autoptr(PzUser) user = pz_store_get_user (pz_engine_get_store (req->server->engine), user_id);
  JsonNode *role, *kind, *starts_on, *ends_on;
  GDate start, end;
  gboolean start_ok = FALSE, end_ok = FALSE;
  PzActing a = { 0 };

  if (user == NULL)
    {
      send_error (req->msg, 404, "not_found", _("There is no such user"), NULL);
      return;
    }
  if (body == NULL || !only_members (req, body, known) ||
      !get_member (req, body, "role", G_TYPE_STRING, TRUE, &role) ||
      !get_member (req, body, "kind", G_TYPE_STRING, TRUE, &kind) ||
      !get_member (req, body, "starts_on", G_TYPE_STRING, TRUE, &starts_on) ||
      !get_member (req, body, "ends_on", G_TYPE_STRING, TRUE, &ends_on))
    return;
  a.role = (char *) json_node_get_string (role);
  a.kind = (char *) json_node_get_string (kind);
  a.starts_on = (char *) json_node_get_string (starts_on);
  a.ends_on = (char *) json_node_get_string (ends_on);
  if (!pz_role_is_known (a.role) || g_str_equal (a.role, "admin") || g_str_equal (a.role, "pemohon"))
    pz_detail_add (details, "role", "%s", _("Choose an office role (an acting official cannot be an administrator)"));
  else if (!user->active)
    pz_detail_add (details, "role", "%s", _("This account is deactivated"));
  else if (g_strv_contains ((const char * const *) user->roles, a.role) &&
           pz_user_acting_kind (user, a.role) == NULL)
    pz_detail_add (details, "role", "%s", _("The user already holds this role"));
  if (!g_str_equal (a.kind, "plh") && !g_str_equal (a.kind, "plt"))
    pz_detail_add (details, "kind", "%s", _("Choose “plh” (standing in while the official is away) or “plt” (filling a vacant post)"));
  if (!(start_ok = strlen (a.starts_on) == 10 && pz_parse_date (a.starts_on, &start)))
    pz_detail_add (details, "starts_on", "%s", _("Give the first day as YYYY-MM-DD"));
  if (!(end_ok = strlen (a.ends_on) == 10 && pz_parse_date (a.ends_on, &end)))
    pz_detail_add (details, "ends_on", "%s", _("Give the last day as YYYY-MM-DD"));
  if (start_ok && end_ok)
    {
      a.starts_at = office_midnight (req, &start);
      g_date_add_days (&end, 1);
      a.ends_at = office_midnight (req, &end);
      if (a.ends_at <= a.starts_at)
        pz_detail_add (details, "ends_on", "%s", _("The last day cannot come before the first"));
      else if (a.ends_at <= req->now)
        pz_detail_add (details, "ends_on", "%s", _("This period is already over"));
    }
  if (details->len)
    {
      send_error (req->msg, 422, "invalid", _("Some fields need attention"), details);
      return;
    }
  a.user_id = user_id;
  {
    g_autofree char *target = g_strdup_printf ("%s %s:%s", user->username, a.kind, a.role);
    ActingInsert ins = { &a, req->user->id, req->now };

    if (!commit_admin_change (req, insert_acting_change, &ins, "acting.create", target, body))
      return;
  }
  {
    g_autoptr(JsonNode) j = acting_json (&a, req->now);
    send_json (req->msg, 201, j);
  }
}

typedef struct {
  gint64 user_id;
  gint64 id;
  gint64 now;
  gboolean found;
} ActingEnd;

static gboolean
end_acting_change (PzStore  *store,
                   gpointer  data,
                   GError  **error)
{
  ActingEnd *e = data;
  g_autoptr(GError) local = NULL;

  e->found = pz_store_end_acting (store, e->user_id, e->id, e->now, &local);
  if (local)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (!e->found)
    g_set_error_literal (error, PZ_STORE_ERROR, PZ_STORE_ERROR_NOT_FOUND,
                         _("That period is neither running nor still to come"));
  return e->found;
}

static void
handle_end_acting (Req    *req,
                   gint64  user_id,
                   gint64  id)
{
  g_autoptr(JsonObject) none = json_object_new ();
  g_autoptr(PzUser) user = pz_store_get_user (pz_engine_get_store (req->server->engine), user_id);
  g_autofree char *target = NULL;
  ActingEnd e = { user_id, id, req->now, FALSE };

  if (user == NULL)
    {
      send_error (req->msg, 404, "not_found", _("There is no such user"), NULL);
      return;
    }
  target = g_strdup_printf ("%s #%" G_GINT64_FORMAT, user->username, id);
  json_object_set_int_member (none, "id", id);
  if (commit_admin_change (req, end_acting_change, &e, "acting.end", target, none))
    soup_server_message_set_status (req->msg, 204, NULL);
}

static GQuark
started_quark (void)
{
  return g_quark_from_static_string ("pz-request-started");
}

static GQuark
request_id_quark (void)
{
  return g_quark_from_static_string ("pz-request-id");
}

static GQuark
request_user_quark (void)
{
  return g_quark_from_static_string ("pz-request-user");
}

/* Every answer: never to be sniffed into another type, framed or given a
 * referrer (a tracking code is in the URL); a public page widens the
 * policy to its own style sheet and form (public_page_policy()). */
static void
set_security_headers (SoupMessageHeaders *headers)
{
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (headers, "X-Frame-Options", "DENY");
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
  soup_message_headers_replace (headers, "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
}

static const char *route_label (const char *path);
static PzRouteBody route_body (PzServer *self, SoupServerMessage *msg);

/* Bounds every request's body while it arrives, whatever its route, and
 * drops the body of a request already answered from its headers. */
static void
request_got_headers (SoupServerMessage *msg,
                     gpointer           data)
{
  PzServer *self = data;
  gsize limit = route_body (self, msg) == PZ_ROUTE_BODY_UPLOAD ? self->config->max_upload : self->config->max_body;

  if (self->guard)
    pz_http_guard_limit_body (self->guard, msg, limit, soup_server_message_get_status (msg) == 0);
}

static void access_record (PzServer *self, SoupServerMessage *msg, guint code);
static const char *route_label (const char *path);
static PzRouteBody route_body (PzServer *self, SoupServerMessage *msg);

static void
request_refused (SoupServerMessage *msg,
                 guint              status,
                 gpointer           data)
{
  access_record (data, msg, status);
}

/* Every request gets an id, in the X-Request-Id header of its answer and in
 * its log record, so a complaint can be matched to the log. */
static void
request_started (SoupServer        *soup,
                 SoupServerMessage *msg,
                 gpointer           data)
{
  PzServer *self = data;
  gint64 *now = g_new (gint64, 1);
  char *id = g_strdup_printf ("%08x%08x", g_random_int (), g_random_int ());

  *now = g_get_monotonic_time ();
  g_object_set_qdata_full (G_OBJECT (msg), started_quark (), now, g_free);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "X-Request-Id", id);
  set_security_headers (soup_server_message_get_response_headers (msg));
  g_object_set_qdata_full (G_OBJECT (msg), request_id_quark (), id, g_free);
  if (self->guard)
    pz_http_guard_request_started (self->guard, msg);
  g_signal_connect (msg, "got-headers", G_CALLBACK (request_got_headers), self);
}

static void
request_finished (SoupServer        *soup,
                  SoupServerMessage *msg,
                  gpointer           data)
{
  PzServer *self = data;

  access_record (self, msg, soup_server_message_get_status (msg));
  if (self->guard)
    pz_http_guard_request_finished (self->guard, msg);
}

/* Counts a request in the metrics and logs it. Every label is from a
 * fixed set (route templates, known methods, the statuses the server
 * sends), and everything logged is escaped. */
static void
access_record (PzServer          *self,
               SoupServerMessage *msg,
               guint              code)
{
  gint64 *started = g_object_get_qdata (G_OBJECT (msg), started_quark ());
  GUri *uri = soup_server_message_get_uri (msg);
  double seconds = started ? (g_get_monotonic_time () - *started) / (double) G_USEC_PER_SEC : 0;
  g_autofree char *user = NULL;
  g_autofree char *remote = NULL;
  const char *route, *method, *id;
  char status[16];

  if (uri == NULL || self->metrics == NULL)
    return;
  route = route_label (g_uri_get_path (uri));
  method = pz_method_label (soup_server_message_get_method (msg));
  pz_metrics_record (self->metrics, route, method, code, seconds);

  /* One structured record per request (log domain "perizinan-access", level
   * INFO: G_MESSAGES_DEBUG=perizinan-access shows them).  Never a body, a
   * query, a password or a token: the route template, not the path.  When
   * nobody reads them, they cost nothing. */
  if (g_log_writer_default_would_drop (G_LOG_LEVEL_INFO, "perizinan-access"))
    return;
  user = pz_log_escape (g_object_get_qdata (G_OBJECT (msg), request_user_quark ()), 200);
  id = g_object_get_qdata (G_OBJECT (msg), request_id_quark ());
  remote = pz_log_escape (soup_server_message_get_remote_host (msg), 64);
  g_snprintf (status, sizeof status, "%u", code);
  g_log_structured ("perizinan-access", G_LOG_LEVEL_INFO,
                    "REQUEST_ID", id ? id : "-",
                    "ROUTE", route,
                    "METHOD", method,
                    "STATUS", status,
                    "USER", user,
                    "REMOTE_ADDR", remote,
                    "MESSAGE", "%s %s %s %u %.1f ms %s", id ? id : "-", method, route, code,
                    seconds * 1000.0, user);
}

/* Served to a monitoring agent on this machine (a loopback connection that
 * no proxy forwarded: a proxy on the machine makes every client look
 * local), or to whoever has the configured metrics token. */
static gboolean
metrics_allowed (Req *req)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (req->msg);
  GSocketAddress *remote = soup_server_message_get_remote_address (req->msg);
  const char *expected = req->server->config->metrics_token;

  if (G_IS_INET_SOCKET_ADDRESS (remote) &&
      g_inet_address_get_is_loopback (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote))) &&
      !pz_has_proxy_header (headers))
    return TRUE;
  if (expected && *expected)
    {
      const char *auth = soup_message_headers_get_one (headers, "Authorization");
      const char *token = auth && g_ascii_strncasecmp (auth, "Bearer ", 7) == 0 ? auth + 7 : NULL;
      g_autofree char *given = pz_auth_hash_token (token ? token : "");
      g_autofree char *wanted = pz_auth_hash_token (expected);
      guchar differ = 0;

      /* compared in constant time, as hashes of equal length */
      for (gsize i = 0; given[i] && wanted[i]; i++)
        differ |= (guchar) (given[i] ^ wanted[i]);
      if (token && differ == 0 && strlen (given) == strlen (wanted))
        return TRUE;
    }
  send_error (req->msg, 401, "unauthorized",
              _("The metrics are for a monitoring agent on the server itself, or one with the metrics token"),
              NULL);
  return FALSE;
}

static void
handle_metrics (Req *req)
{
  PzStore *store = pz_engine_get_store (req->server->engine);
  g_autoptr(GHashTable) counts = NULL;
  g_autoptr(GPtrArray) workflows = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GString *out;
  gsize len;

  if (!metrics_allowed (req))
    return;
  if (!(counts = pz_store_count_by_step (store, req->now, &error)))
    {
      send_error (req->msg, 503, "unavailable", _("The database does not answer"), NULL);
      return;
    }

  out = g_string_new (NULL);
  g_string_append_printf (out,
                          "# HELP perizinan_build_info The running server's version.\n"
                          "# TYPE perizinan_build_info gauge\n"
                          "perizinan_build_info{version=\"%s\"} 1\n", PACKAGE_VERSION);
  pz_metrics_write (req->server->metrics, out);

  g_string_append (out,
                   "# HELP perizinan_files Files now at each step of the procedure.\n"
                   "# TYPE perizinan_files gauge\n");
  workflows = pz_engine_list_workflows (req->server->engine);
  for (guint w = 0; w < workflows->len; w++)
    {
      PzWorkflow *wf = g_ptr_array_index (workflows, w);
      for (guint i = 0; i < pz_workflow_get_n_steps (wf); i++)
        {
          const PzStep *step = pz_workflow_get_nth_step (wf, i);
          gint64 *pair = g_hash_table_lookup (counts, step->id);

          if (!g_hash_table_add (seen, step->id))
            continue;
          g_ptr_array_add (order, step->id);
          g_string_append (out, "perizinan_files{step=");
          pz_metrics_append_label (out, step->id);
          g_string_append_printf (out, "} %" G_GINT64_FORMAT "\n", pair ? pair[0] : 0);
        }
    }
  g_string_append (out,
                   "# HELP perizinan_files_overdue Files at each step past their due time.\n"
                   "# TYPE perizinan_files_overdue gauge\n");
  for (guint i = 0; i < order->len; i++)
    {
      gint64 *pair = g_hash_table_lookup (counts, g_ptr_array_index (order, i));
      g_string_append (out, "perizinan_files_overdue{step=");
      pz_metrics_append_label (out, g_ptr_array_index (order, i));
      g_string_append_printf (out, "} %" G_GINT64_FORMAT "\n", pair ? pair[1] : 0);
    }
  g_string_append_printf (out,
                          "# HELP perizinan_outbox_pending Messages to applicants not yet delivered.\n"
                          "# TYPE perizinan_outbox_pending gauge\n"
                          "perizinan_outbox_pending %" G_GINT64_FORMAT "\n",
                          pz_store_count_pending_messages (store));
  {
    g_autofree char *not_after = pz_store_get_setting (store, "signing_not_after");

    if (not_after)
      g_string_append_printf (out,
                              "# HELP perizinan_signing_certificate_expiry_seconds When the office's signing certificate ends (Unix time).\n"
                              "# TYPE perizinan_signing_certificate_expiry_seconds gauge\n"
                              "perizinan_signing_certificate_expiry_seconds %" G_GINT64_FORMAT "\n",
                              g_ascii_strtoll (not_after, NULL, 10));
  }

  len = out->len;
  soup_server_message_set_status (req->msg, 200, NULL);
  soup_server_message_set_response (req->msg, "text/plain; version=0.0.4; charset=utf-8",
                                    SOUP_MEMORY_TAKE, g_string_free (out, FALSE), len);
}

/* The route table: the paths, methods and access levels of
 * data/openapi.json, and what answers each. */

typedef void (*Handler) (Req *req);

static gint64
param_id (Req   *req,
          guint  i)
{
  /* the matcher let only positive numbers through */
  return g_ascii_strtoll (req->param[i], NULL, 10);
}

static void r_application (Req *req) { handle_application (req, param_id (req, 0)); }
static void r_action (Req *req) { handle_action (req, param_id (req, 0)); }
static void r_get_document (Req *req) { handle_get_document (req, param_id (req, 0), req->param[1]); }
static void r_put_document (Req *req) { handle_put_document (req, param_id (req, 0), req->param[1]); }
static void r_output (Req *req) { handle_output (req, param_id (req, 0), req->param[1]); }
static void r_verdict (Req *req) { handle_verdict (req, param_id (req, 0), req->param[1]); }
static void r_verify (Req *req) { handle_verify (req, req->param[0], FALSE); }
static void r_verify_pdf (Req *req) { handle_verify (req, req->param[0], TRUE); }
static void r_track (Req *req) { handle_track (req, req->param[0]); }
static void r_survey (Req *req) { handle_survey (req, req->param[0]); }
static void r_update_user (Req *req) { handle_update_user (req, param_id (req, 0)); }
static void r_reset_password (Req *req) { handle_reset_password (req, param_id (req, 0)); }
static void r_put_holiday (Req *req) { handle_put_holiday (req, req->param[0]); }
static void r_delete_holiday (Req *req) { handle_delete_holiday (req, req->param[0]); }
static void r_put_permit_type (Req *req) { handle_put_permit_type (req, req->param[0]); }
static void r_permit_type_versions (Req *req) { handle_permit_type_versions (req, req->param[0]); }
static void r_list_acting (Req *req) { handle_list_acting (req, param_id (req, 0)); }
static void r_create_acting (Req *req) { handle_create_acting (req, param_id (req, 0)); }
static void r_end_acting (Req *req) { handle_end_acting (req, param_id (req, 0), param_id (req, 1)); }

#define ROUTE(m, p, a, h) { m, p, PZ_ROUTE_##a, PZ_ROUTE_BODY_JSON, (gpointer) (h) }

static const PzRoute routes[] = {
  ROUTE ("GET", "/healthz", OPEN, handle_healthz),
  ROUTE ("GET", "/metrics", OPEN, handle_metrics),
  ROUTE ("GET", "/verify/{token}", PAGE, r_verify),
  ROUTE ("GET", "/verify/{token}/pdf", PAGE, r_verify_pdf),
  ROUTE ("GET", "/track/{tracking_code}", PAGE, r_track),
  ROUTE ("POST", "/track/{tracking_code}/survey", PAGE, r_survey),
  ROUTE ("GET", "/api/v1/openapi.json", OPEN, handle_openapi),
  ROUTE ("POST", "/api/v1/auth/login", OPEN, handle_login),
  ROUTE ("POST", "/api/v1/auth/logout", SESSION, handle_logout),
  ROUTE ("POST", "/api/v1/auth/password", SESSION, handle_change_password),
  ROUTE ("GET", "/api/v1/me", SESSION, handle_me),
  ROUTE ("GET", "/api/v1/events", OPEN, NULL),
  ROUTE ("GET", "/api/v1/workflows", USER, handle_workflows),
  ROUTE ("GET", "/api/v1/permit-types", USER, handle_permit_types),
  ROUTE ("GET", "/api/v1/inbox", USER, handle_inbox),
  ROUTE ("GET", "/api/v1/reports", USER, handle_report),
  ROUTE ("GET", "/api/v1/late-files", USER, handle_late_files),
  ROUTE ("GET", "/api/v1/applications", USER, handle_search),
  ROUTE ("POST", "/api/v1/applications", USER, handle_register),
  ROUTE ("GET", "/api/v1/applications/{id}", USER, r_application),
  ROUTE ("POST", "/api/v1/applications/{id}/actions", USER, r_action),
  ROUTE ("GET", "/api/v1/applications/{id}/documents/{requirement}", USER, r_get_document),
  { "PUT", "/api/v1/applications/{id}/documents/{requirement}", PZ_ROUTE_USER, PZ_ROUTE_BODY_UPLOAD,
    (gpointer) r_put_document },
  ROUTE ("GET", "/api/v1/applications/{id}/outputs/{kind}", USER, r_output),
  ROUTE ("PUT", "/api/v1/applications/{id}/checklist/{requirement}", USER, r_verdict),
  ROUTE ("GET", "/api/v1/admin/users", ADMIN, handle_list_users),
  ROUTE ("POST", "/api/v1/admin/users", ADMIN, handle_create_user),
  ROUTE ("PATCH", "/api/v1/admin/users/{id}", ADMIN, r_update_user),
  ROUTE ("POST", "/api/v1/admin/users/{id}/password", ADMIN, r_reset_password),
  ROUTE ("GET", "/api/v1/admin/users/{id}/acting", ADMIN, r_list_acting),
  ROUTE ("POST", "/api/v1/admin/users/{id}/acting", ADMIN, r_create_acting),
  ROUTE ("DELETE", "/api/v1/admin/users/{id}/acting/{acting_id}", ADMIN, r_end_acting),
  ROUTE ("GET", "/api/v1/admin/audit", ADMIN, handle_audit),
  ROUTE ("GET", "/api/v1/admin/holidays", ADMIN, handle_list_holidays),
  ROUTE ("PUT", "/api/v1/admin/holidays/{date}", ADMIN, r_put_holiday),
  ROUTE ("DELETE", "/api/v1/admin/holidays/{date}", ADMIN, r_delete_holiday),
  ROUTE ("GET", "/api/v1/admin/office", ADMIN, handle_get_office),
  ROUTE ("PATCH", "/api/v1/admin/office", ADMIN, handle_patch_office),
  ROUTE ("GET", "/api/v1/admin/office/logo", ADMIN, handle_get_logo),
  ROUTE ("PUT", "/api/v1/admin/office/logo", ADMIN, handle_put_logo),
  ROUTE ("DELETE", "/api/v1/admin/office/logo", ADMIN, handle_delete_logo),
  ROUTE ("PUT", "/api/v1/admin/office/signing-certificate", ADMIN, handle_put_certificate),
  ROUTE ("PUT", "/api/v1/admin/permit-types/{code}", ADMIN, r_put_permit_type),
  ROUTE ("GET", "/api/v1/admin/permit-types/{code}/versions", ADMIN, r_permit_type_versions),
};

#undef ROUTE

/**
 * pz_server_get_routes:
 *
 * Returns: (transfer none): the route table, @n_routes rows
 */
const PzRoute *
pz_server_get_routes (guint *n_routes)
{
  *n_routes = G_N_ELEMENTS (routes);
  return routes;
}

/* The label of the request metrics for @path. */
static const char *
route_label (const char *path)
{
  return pz_route_label (routes, G_N_ELEMENTS (routes), path);
}

/* What the body of @msg is to be, from its method and path alone. */
static PzRouteBody
route_body (PzServer          *self,
            SoupServerMessage *msg)
{
  g_auto(GStrv) seg = NULL;
  guint n_seg;
  PzRouteMatch match;

  if (!split_path (g_uri_get_path (soup_server_message_get_uri (msg)), &seg, &n_seg))
    return PZ_ROUTE_BODY_JSON;
  pz_route_match (routes, G_N_ELEMENTS (routes), (const char * const *) seg, n_seg,
                  soup_server_message_get_method (msg), &match);
  return match.kind == PZ_ROUTE_MATCH_FULL ? match.route->body : PZ_ROUTE_BODY_JSON;
}

static void
match_request (Req          *req,
               PzRouteMatch *match)
{
  pz_route_match (routes, G_N_ELEMENTS (routes), (const char * const *) req->seg, req->n_seg, req->method, match);
}

/* Who may send it, in the order the answers have always come: the public
 * pages' rate limit, a session, a chosen password, the admin role. */
static gboolean
access_allowed (Req           *req,
                PzRouteAccess  access)
{
  switch (access)
    {
    case PZ_ROUTE_OPEN:
      return TRUE;
    case PZ_ROUTE_PAGE:
      return public_allowed (req);
    case PZ_ROUTE_SESSION:
      return authenticate (req);
    case PZ_ROUTE_USER:
    case PZ_ROUTE_ADMIN:
      if (!authenticate (req))
        return FALSE;
      if (req->user->must_change_password)
        {
          send_error (req->msg, 403, "password_change_required",
                      _("Choose a new password before you go on"), NULL);
          return FALSE;
        }
      return access == PZ_ROUTE_USER || require_admin (req);
    default:
      g_assert_not_reached ();
    }
}

static void
route (Req *req)
{
  PzRouteMatch match;

  match_request (req, &match);
  /* Everything but an action sees only committed state. */
  if (!(match.kind == PZ_ROUTE_MATCH_FULL && ((Handler) match.route->handler) == r_action))
    flush_batch (req->server);

  if (match.kind == PZ_ROUTE_MATCH_NONE)
    {
      send_error (req->msg, 404, "not_found", _("There is nothing here"), NULL);
      return;
    }
  if (match.kind == PZ_ROUTE_MATCH_BAD_ID)
    {
      send_error (req->msg, 404, "not_found", _("There is no file with this number"), NULL);
      return;
    }
  if (!access_allowed (req, match.route->access))
    return;
  if (match.kind == PZ_ROUTE_MATCH_PATH)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (req->msg), "Allow", match.allow);
      send_error (req->msg, 405, "method_not_allowed", _("This method is not allowed here"), NULL);
      return;
    }
  if (match.route->handler == NULL)
    {
      /* the event stream's own handler takes the WebSocket handshakes */
      send_error (req->msg, 400, "bad_request", _("Open this address as a WebSocket"), NULL);
      return;
    }
  memcpy (req->param, match.params, sizeof req->param);
  ((Handler) match.route->handler) (req);
}

/* Splits the still-encoded path; a segment that decodes to a slash or a NUL
 * cannot name anything, so the request is refused before any lookup. */
static gboolean
split_path (const char  *path,
            char      ***out,
            guint       *n)
{
  g_auto(GStrv) raw = g_strsplit (path, "/", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) segs = NULL;

  for (guint i = 0; raw[i]; i++)
    {
      g_autofree char *decoded = NULL;

      if (*raw[i] == '\0')
        continue;
      decoded = g_uri_unescape_string (raw[i], "/");
      if (decoded == NULL || !g_utf8_validate (decoded, -1, NULL))
        return FALSE;
      g_strv_builder_add (builder, decoded);
    }
  segs = g_strv_builder_end (builder);
  *n = g_strv_length (segs);
  *out = g_steal_pointer (&segs);
  return TRUE;
}

static void
dispatch (PzServer          *self,
          SoupServerMessage *msg,
          GHashTable        *query)
{
  Req req = { 0 };
  GUri *uri = soup_server_message_get_uri (msg);

  req.server = self;
  req.msg = msg;
  req.method = soup_server_message_get_method (msg);
  req.query = query;
  req.now = now_seconds ();

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");

  if (!split_path (g_uri_get_path (uri), &req.seg, &req.n_seg))
    send_error (msg, 404, "not_found", _("There is nothing here"), NULL);
  else
    route (&req);

  g_strfreev (req.seg);
  pz_user_free (req.user);
}

typedef struct {
  SoupServerMessage *msg;
  GHashTable        *query;
} HeldRequest;

static void
held_request_ready (PzServer *self,
                    gpointer  data,
                    gboolean  writable)
{
  HeldRequest *held = data;

  /* unpaused first: a handler that pauses again keeps the message */
  soup_server_message_unpause (held->msg);
  if (writable)
    dispatch (self, held->msg, held->query);
  else
    send_busy (held->msg, _("The database is busy with another program; try again in a moment"), 2);
  g_object_unref (held->msg);
  g_clear_pointer (&held->query, g_hash_table_unref);
  g_free (held);
}

static void
server_callback (SoupServer        *soup,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           data)
{
  PzServer *self = data;
  const char *method = soup_server_message_get_method (msg);
  HeldRequest *held;

  if (g_str_equal (method, "GET") || g_str_equal (method, "HEAD") ||
      pz_store_try_write_lock (pz_engine_get_store (self->engine)))
    {
      dispatch (self, msg, query);
      return;
    }
  held = g_new0 (HeldRequest, 1);
  held->msg = g_object_ref (msg);
  held->query = query ? g_hash_table_ref (query) : NULL;
  soup_server_message_pause (msg);
  when_writable (self, held_request_ready, held);
}

/* A document upload is checked (who, which file, which requirement)
 * before its body is read, and then streamed to disk. */
static void
prepare_upload (PzServer          *self,
                SoupServerMessage *msg)
{
  g_autoptr(GError) error = NULL;
  Req req = { 0 };
  UploadState *st;
  const char *requirement;
  gint64 id;

  PzRouteMatch match;

  req.server = self;
  req.msg = msg;
  req.method = soup_server_message_get_method (msg);
  req.now = now_seconds ();
  if (!split_path (g_uri_get_path (soup_server_message_get_uri (msg)), &req.seg, &req.n_seg))
    goto out;
  match_request (&req, &match);
  /* anything else, a malformed number included, the handlers answer */
  if (match.kind != PZ_ROUTE_MATCH_FULL || match.route->body != PZ_ROUTE_BODY_UPLOAD)
    goto out;
  id = g_ascii_strtoll (match.params[0], NULL, 10);
  requirement = match.params[1];
  flush_batch (self);
  if (!authenticate (&req))
    goto out;
  if (!pz_engine_check_upload (self->engine, req.user, id, requirement, &error))
    {
      send_gerror (msg, error, NULL);
      goto out;
    }
  st = g_new0 (UploadState, 1);
  st->limit = self->config->max_upload;
  if (!(st->upload = pz_engine_upload_new (self->engine, &error)))
    {
      g_free (st);
      g_warning ("%s", error->message);
      if (g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOSPC))
        send_disk_full (msg);
      else
        send_error (msg, 500, "internal", _("The server could not receive the file"), NULL);
      goto out;
    }
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  g_object_set_data_full (G_OBJECT (msg), "pz-upload", st, (GDestroyNotify) upload_state_free);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (upload_chunk), st);

out:
  g_strfreev (req.seg);
  pz_user_free (req.user);
}

/* An oversized body is refused from its headers by request_got_headers(),
 * which runs next. */
static void
early_callback (SoupServer        *soup,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           data)
{
  PzServer *self = data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  goffset length = soup_message_headers_get_content_length (headers);
  PzRouteBody body = route_body (self, msg);
  gsize limit = body == PZ_ROUTE_BODY_UPLOAD ? self->config->max_upload : self->config->max_body;

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      length > (goffset) limit)
    return;

  if (body == PZ_ROUTE_BODY_UPLOAD)
    prepare_upload (self, msg);
}

/* Warns in the log, at start and twice a day, while the signing
 * certificate has less than a month left. */
static gboolean
check_certificate (gpointer data)
{
  PzServer *self = data;
  g_autofree char *not_after = pz_store_get_setting (pz_engine_get_store (self->engine), "signing_not_after");
  gint64 now = now_seconds ();
  gint64 end;

  if (not_after == NULL)
    return G_SOURCE_CONTINUE;
  end = g_ascii_strtoll (not_after, NULL, 10);
  if (end <= now)
    g_warning ("The office's signing certificate has expired: electronic signing fails until a new one is installed");
  else if (end - now < CERTIFICATE_WARNING_DAYS * 86400)
    g_warning ("The office's signing certificate ends in %lld days: install the new one from the office profile",
               (long long) ((end - now) / 86400));
  return G_SOURCE_CONTINUE;
}

static void
pz_server_finalize (GObject *object)
{
  PzServer *self = PZ_SERVER (object);

  if (self->certificate_check)
    {
      g_source_destroy (self->certificate_check);
      g_clear_pointer (&self->certificate_check, g_source_unref);
    }
  if (self->escalation_check)
    {
      g_source_destroy (self->escalation_check);
      g_clear_pointer (&self->escalation_check, g_source_unref);
    }
  if (self->purge_check)
    {
      g_source_destroy (self->purge_check);
      g_clear_pointer (&self->purge_check, g_source_unref);
    }
  pz_server_shutdown (self);
  g_clear_pointer (&self->outbox, pz_outbox_free);
  g_clear_object (&self->soup);
  g_clear_pointer (&self->engine, pz_engine_free);
  g_clear_pointer (&self->throttle_user, pz_throttle_free);
  g_clear_pointer (&self->throttle_address, pz_throttle_free);
  g_clear_pointer (&self->config, pz_config_free);
  g_free (self->dummy_hash);
  g_clear_pointer (&self->sockets, g_ptr_array_unref);
  g_clear_pointer (&self->sessions, g_hash_table_unref);
  g_clear_pointer (&self->metrics, pz_metrics_free);
  g_clear_pointer (&self->public_catalog, pz_catalog_free);
  g_clear_pointer (&self->public_limit, pz_rate_limit_free);
  g_clear_pointer (&self->guard, pz_http_guard_free);

  G_OBJECT_CLASS (pz_server_parent_class)->finalize (object);
}

static void
pz_server_class_init (PzServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pz_server_finalize;
}

static void
pz_server_init (PzServer *self)
{
  self->sockets = g_ptr_array_new_with_free_func (g_object_unref);
  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) session_free);
}

static PzConfig *
copy_config (const PzConfig *config)
{
  PzConfig *copy = g_memdup2 (config, sizeof *config);

  copy->data_dir = g_strdup (config->data_dir);
  copy->address = g_strdup (config->address);
  copy->timezone = g_strdup (config->timezone);
  copy->public_url = g_strdup (config->public_url);
  copy->workflows_dir = g_strdup (config->workflows_dir);
  copy->tls_certificate = g_strdup (config->tls_certificate);
  copy->tls_key = g_strdup (config->tls_key);
  copy->inspect_program = g_strdup (config->inspect_program);
  copy->signing_key = g_strdup (config->signing_key);
  copy->smtp_host = g_strdup (config->smtp_host);
  copy->smtp_username = g_strdup (config->smtp_username);
  copy->smtp_password = g_strdup (config->smtp_password);
  copy->smtp_from = g_strdup (config->smtp_from);
  copy->notify_command = g_strdup (config->notify_command);
  copy->metrics_token = g_strdup (config->metrics_token);
  return copy;
}

/**
 * pz_server_new:
 * @config: the settings
 * @error: return location for an error
 *
 * Opens the data directory (filling it with the demo office if
 * @config->demo is set and it is empty). Call pz_server_listen() next.
 *
 * Returns: (transfer full): the server, or %NULL
 */
PzServer *
pz_server_new (const PzConfig  *config,
               GError         **error)
{
  g_autoptr(PzServer) self = g_object_new (PZ_TYPE_SERVER, NULL);

  g_return_val_if_fail (config->data_dir != NULL, NULL);

  self->config = copy_config (config);
  self->engine = pz_engine_new (config->data_dir, config->workflows_dir, config->timezone, error);
  if (self->engine == NULL)
    return NULL;
  /* the main loop waits for another process's write lock in when_writable() */
  pz_store_set_busy_timeout (pz_engine_get_store (self->engine), 50);
  if (config->public_url)
    pz_engine_set_public_url (self->engine, config->public_url);
  {
    g_autofree char *key = config->signing_key ? g_strdup (config->signing_key)
                                               : g_build_filename (config->data_dir, "signing.p12", NULL);
    pz_engine_set_signing_key (self->engine, key);
  }
  if (config->demo && !pz_demo_populate (self->engine, error))
    return NULL;
  check_certificate (self);
  self->certificate_check = g_timeout_source_new_seconds (12 * 3600);
  g_source_set_callback (self->certificate_check, check_certificate, self, NULL);
  g_source_attach (self->certificate_check, g_main_context_get_thread_default ());
  self->purge_check = g_timeout_source_new_seconds (MAX (config->purge_interval, 1));
  g_source_set_callback (self->purge_check, purge_cb, self, NULL);
  g_source_attach (self->purge_check, g_main_context_get_thread_default ());
  purge_cb (self);
  /* a file becomes late by the clock alone: look every minute */
  self->escalation_check = g_timeout_source_new_seconds (60);
  g_source_set_callback (self->escalation_check, escalate_cb, self, NULL);
  g_source_attach (self->escalation_check, g_main_context_get_thread_default ());

  if (!(self->dummy_hash = pz_auth_hash_password ("not a password of anyone", error)))
    return NULL;
  self->throttle_user = pz_throttle_new (config->login_max_failures_user,
                                         config->login_window_seconds);
  self->throttle_address = pz_throttle_new (config->login_max_failures_address,
                                            config->login_window_seconds);

  {
    PzOutboxConfig oc = { 0 };

    oc.smtp_host = config->smtp_host;
    oc.smtp_port = config->smtp_port;
    oc.smtp_starttls = config->smtp_starttls;
    oc.smtp_username = config->smtp_username;
    oc.smtp_password = config->smtp_password;
    oc.smtp_from = config->smtp_from;
    oc.command = config->notify_command;
    oc.interval = config->outbox_interval;
    self->outbox = pz_outbox_new (pz_engine_get_store (self->engine), &oc);
  }

  {
    const char *localedir = g_getenv ("PERIZINAN_LOCALEDIR");
    g_autoptr(GError) local_error = NULL;

    self->public_catalog = pz_catalog_new (localedir && *localedir ? localedir : LOCALEDIR, PUBLIC_LANGUAGE,
                                           &local_error);
    if (self->public_catalog == NULL)
      g_message ("The public pages are in English: %s", local_error->message);
  }
  self->public_limit = pz_rate_limit_new (PUBLIC_RATE_SLOTS, PUBLIC_RATE_PER_SECOND, PUBLIC_BURST);

  self->soup = soup_server_new ("server-header", "perizinan-server/" PACKAGE_VERSION, NULL);
  soup_server_add_early_handler (self->soup, NULL, early_callback, self, NULL);
  soup_server_add_websocket_handler (self->soup, "/api/v1/events", NULL, NULL, websocket_callback,
                                     self, NULL);
  soup_server_add_handler (self->soup, NULL, server_callback, self, NULL);
  self->metrics = pz_metrics_new ();
  self->guard = pz_http_guard_new (self->soup, config->idle_timeout, config->max_connections_per_client);
  pz_http_guard_set_refused_func (self->guard, request_refused, self);
  g_signal_connect (self->soup, "request-started", G_CALLBACK (request_started), self);
  g_signal_connect (self->soup, "request-finished", G_CALLBACK (request_finished), self);

  return g_steal_pointer (&self);
}

/**
 * pz_server_listen:
 * @self: a server
 * @error: return location for an error
 *
 * Listens on the configured address and port; port 0 picks a free one,
 * which pz_server_get_port() then tells.
 */
gboolean
pz_server_listen (PzServer  *self,
                  GError   **error)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (self->config->address);
  g_autoptr(GSocketAddress) address = NULL;
  SoupServerListenOptions options = 0;
  GSList *uris;

  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an IP address"), self->config->address);
      return FALSE;
    }
  if ((self->config->tls_certificate == NULL) != (self->config->tls_key == NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("HTTPS needs both tls_certificate and tls_key"));
      return FALSE;
    }
  if (self->config->tls_certificate)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GTlsCertificate) cert = g_tls_certificate_new_from_files (self->config->tls_certificate,
                                                                          self->config->tls_key,
                                                                          &local_error);
      if (cert == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("Cannot use the TLS certificate %s with the key %s: %s"),
                       self->config->tls_certificate, self->config->tls_key, local_error->message);
          return FALSE;
        }
      if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       _("This system has no TLS support for GLib (install glib-networking)"));
          return FALSE;
        }
      soup_server_set_tls_certificate (self->soup, cert);
      {
        /* what the desktop shows when it first meets a self-signed certificate */
        g_autoptr(GByteArray) der = NULL;
        g_autofree char *fingerprint = NULL;

        g_object_get (cert, "certificate", &der, NULL);
        fingerprint = pz_fingerprint_sha256 (der->data, der->len);
        g_message ("HTTPS certificate SHA-256 fingerprint: %s", fingerprint);
      }
      options |= SOUP_SERVER_LISTEN_HTTPS;
    }
  address = g_inet_socket_address_new (inet, (guint16) self->config->port);
  /* A restart brings every desktop back at once: a deep accept queue keeps
   * those connections from being reset (GLib's default is 10). */
  {
    g_autoptr(GSocket) sock = g_socket_new (g_inet_address_get_family (inet), G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, error);

    if (sock == NULL)
      return FALSE;
    g_socket_set_option (sock, SOL_SOCKET, SO_REUSEADDR, 1, NULL);
    g_socket_set_listen_backlog (sock, 512);
    if (!g_socket_bind (sock, address, TRUE, error) || !g_socket_listen (sock, error) ||
        !soup_server_listen_socket (self->soup, sock, options, error))
      return FALSE;
    g_set_object (&self->listen_socket, sock);
    pz_http_guard_watch_listener (self->guard, sock, options);
  }

  uris = soup_server_get_uris (self->soup);
  if (uris)
    self->port = (guint) g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return TRUE;
}

gboolean
pz_server_is_https (PzServer *self)
{
  return self->config->tls_certificate != NULL;
}

guint
pz_server_get_port (PzServer *self)
{
  return self->port;
}

PzEngine *
pz_server_get_engine (PzServer *self)
{
  return self->engine;
}

void
pz_server_shutdown (PzServer *self)
{
  g_autoptr(GPtrArray) sockets = NULL;

  flush_batch (self);  /* a server whose data directory failed to open has no batch */
  while (!g_queue_is_empty (&self->inspections_waiting))
    {
      Inspection *job = g_queue_pop_head (&self->inspections_waiting);

      send_busy (job->msg, _("The server is stopping; try again in a moment"), 5);
      soup_server_message_unpause (job->msg);
      inspection_free (job);
    }
  while (self->write_waits)
    write_wait_end (self->write_waits->data, FALSE);
  /* a socket given to libsoup stays open after disconnecting: close it */
  if (self->listen_socket)
    g_socket_close (self->listen_socket, NULL);
  g_clear_object (&self->listen_socket);
  /* closing removes each from the list: close a copy */
  sockets = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < self->sockets->len; i++)
    g_ptr_array_add (sockets, g_object_ref (g_ptr_array_index (self->sockets, i)));
  for (guint i = 0; i < sockets->len; i++)
    if (soup_websocket_connection_get_state (g_ptr_array_index (sockets, i)) == SOUP_WEBSOCKET_STATE_OPEN)
      soup_websocket_connection_close (g_ptr_array_index (sockets, i), SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  if (self->soup)
    soup_server_disconnect (self->soup);
  g_clear_pointer (&self->guard, pz_http_guard_free);
}
