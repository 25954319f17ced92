/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The HTTP server: the route table and dispatch, the listening socket
 * and TLS, the periodic jobs, and the object that holds it all. */
#define G_LOG_DOMAIN "pz-server"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pz-http-private.h"

G_DEFINE_FINAL_TYPE (PzServer, pz_server, G_TYPE_OBJECT)

/* The route table: the paths, methods and access levels of
 * data/openapi.json, and what answers each. */

typedef void (*Handler) (Req *req);

static gint64
param_id (Req  *req,
          guint i)
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
const char *
route_label (const char *path)
{
  return pz_route_label (routes, G_N_ELEMENTS (routes), path);
}

/* What the body of @msg is to be, from its method and path alone. */
PzRouteBody
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

void
match_request (Req          *req,
               PzRouteMatch *match)
{
  pz_route_match (routes, G_N_ELEMENTS (routes), (const char * const *) req->seg, req->n_seg, req->method, match);
}

/* Who may send it, in the order the answers have always come: the public
 * pages' rate limit, a session, a chosen password, the admin role. */
static gboolean
access_allowed (Req          *req,
                PzRouteAccess access)
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

/* What is still kept once for the whole deployment: the office signing
 * key of the configuration, which is the first office's (every other
 * office's Kadis signs with a signing identity of their own).  Another
 * office's users are told there is nothing here, as for any other
 * office's data. */
static gboolean
office_may_reach (Req           *req,
                  const PzRoute *route)
{
  static const char * const first_office_only[] = {
    "/api/v1/admin/office/signing-certificate", NULL
  };

  if (req->user == NULL || req->user->office_id == PZ_STORE_FIRST_OFFICE)
    return TRUE;
  for (guint i = 0; first_office_only[i]; i++)
    if (g_str_has_prefix (route->pattern, first_office_only[i]))
      {
        send_error (req->msg, 404, "not_found", _("There is nothing here"), NULL);
        return FALSE;
      }
  return TRUE;
}

void
route (Req *req)
{
  PzRouteMatch match;

  match_request (req, &match);
  /* The inbox and /healthz read from the reader, which sees the last
   * commit, whatever the store's connection does meanwhile; the rest waits
   * while that connection is away committing. */
  if (!(match.kind == PZ_ROUTE_MATCH_FULL &&
        (match.route->handler == (gpointer) handle_inbox || match.route->handler == (gpointer) handle_healthz)))
    {
      if (store_busy (req->server))
        {
          defer_request (req);
          return;
        }
      /* Everything but an action sees only committed state. */
      if (!(match.kind == PZ_ROUTE_MATCH_FULL && ((Handler) match.route->handler) == r_action))
        flush_batch (req->server);
    }

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
  if (!office_may_reach (req, match.route))
    return;
  if (match.route->handler == NULL)
    {
      /* the event stream's own handler takes the WebSocket handshakes */
      send_error (req->msg, 400, "bad_request", _("Open this address as a WebSocket"), NULL);
      return;
    }
  memcpy (req->param, match.params, sizeof req->param);
  ((Handler) match.route->handler)(req);
}

/* Splits the still-encoded path; a segment that decodes to a slash or a NUL
 * cannot name anything, so the request is refused before any lookup. */
gboolean
split_path (const char *path,
            char     ***out,
            guint      *n)
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
held_request_free (HeldRequest *held)
{
  g_object_unref (held->msg);
  g_clear_pointer (&held->query, g_hash_table_unref);
  g_free (held);
}

/* The request waits, paused, until the store's connection is back from
 * its commit; then it is routed again from the start. */
void
defer_request (Req *req)
{
  HeldRequest *held = g_new0 (HeldRequest, 1);

  held->msg = g_object_ref (req->msg);
  held->query = req->query ? g_hash_table_ref (req->query) : NULL;
  soup_server_message_pause (req->msg);
  g_queue_push_tail (&req->server->deferred, held);
}

static void take_request (PzServer          *self,
                          SoupServerMessage *msg,
                          GHashTable        *query);

static gboolean
resume_deferred_cb (gpointer data)
{
  PzServer *self = data;
  GQueue waiting = G_QUEUE_INIT;
  HeldRequest *held;

  self->deferred_source = 0;
  if (self->outbox_kick && self->outbox)
    pz_outbox_kick (self->outbox);
  self->outbox_kick = FALSE;
  /* those deferred again meanwhile wait for the next commit */
  waiting = self->deferred;
  g_queue_init (&self->deferred);
  while ((held = g_queue_pop_head (&waiting)))
    {
      soup_server_message_unpause (held->msg);
      take_request (self, held->msg, held->query);
      held_request_free (held);
    }
  return G_SOURCE_REMOVE;
}

void
resume_deferred (PzServer *self)
{
  GSource *source;

  if (self->deferred_source || (g_queue_is_empty (&self->deferred) && !self->outbox_kick))
    return;
  /* before the group commit's idle source: their actions join the batch */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT - 1);
  g_source_set_callback (source, resume_deferred_cb, self, NULL);
  g_source_set_static_name (source, "[perizinan] deferred requests");
  self->deferred_source = g_source_attach (source, g_main_context_get_thread_default ());
  g_source_unref (source);
}

void
refuse_deferred (PzServer *self)
{
  HeldRequest *held;

  if (self->deferred_source)
    {
      GSource *source = g_main_context_find_source_by_id (g_main_context_get_thread_default (),
                                                          self->deferred_source);
      if (source)
        g_source_destroy (source);
      self->deferred_source = 0;
    }
  while ((held = g_queue_pop_head (&self->deferred)))
    {
      send_busy (held->msg, _("The server is stopping; try again in a moment"), 5);
      soup_server_message_unpause (held->msg);
      held_request_free (held);
    }
}

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

/* A request that is to write waits for another process's write lock;
 * while the store's connection is away committing, route() defers it
 * instead, and it comes back here. */
static void
take_request (PzServer          *self,
              SoupServerMessage *msg,
              GHashTable        *query)
{
  const char *method = soup_server_message_get_method (msg);
  HeldRequest *held;

  if (g_str_equal (method, "GET") || g_str_equal (method, "HEAD") || store_busy (self) ||
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

static void
server_callback (SoupServer        *soup,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           data)
{
  take_request (data, msg, query);
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
  g_clear_pointer (&self->signings, g_hash_table_unref);
  g_mutex_clear (&self->signing_lock);
  g_cond_clear (&self->signing_done);
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
  self->signings = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_mutex_init (&self->signing_lock);
  g_cond_init (&self->signing_done);
}

static PzConfig *
copy_config (const PzConfig *config)
{
  PzConfig *copy = g_memdup2 (config, sizeof *config);

  copy->data_dir = g_strdup (config->data_dir);
  copy->store_url = g_strdup (config->store_url);
  copy->address = g_strdup (config->address);
  copy->timezone = g_strdup (config->timezone);
  copy->public_url = g_strdup (config->public_url);
  copy->workflows_dir = g_strdup (config->workflows_dir);
  copy->tls_certificate = g_strdup (config->tls_certificate);
  copy->tls_key = g_strdup (config->tls_key);
  copy->inspect_program = g_strdup (config->inspect_program);
  copy->signing_key = g_strdup (config->signing_key);
  copy->signing_pkcs11_module = g_strdup (config->signing_pkcs11_module);
  copy->signing_tsa_url = g_strdup (config->signing_tsa_url);
  copy->signing_tsa_ca = g_strdup (config->signing_tsa_ca);
  copy->signing_remote_url = g_strdup (config->signing_remote_url);
  copy->signing_remote_client_id = g_strdup (config->signing_remote_client_id);
  copy->signing_remote_client_secret = g_strdup (config->signing_remote_client_secret);
  copy->signing_remote_nik = g_strdup (config->signing_remote_nik);
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
pz_server_new (const PzConfig *config,
               GError        **error)
{
  g_autoptr(PzServer) self = g_object_new (PZ_TYPE_SERVER, NULL);

  g_return_val_if_fail (config->data_dir != NULL, NULL);

  self->config = copy_config (config);
  self->engine = pz_engine_new_with_store (config->data_dir, config->store_url, config->workflows_dir,
                                           config->timezone, error);
  if (self->engine == NULL)
    return NULL;
  /* the main loop waits for another process's write lock in when_writable()
   * (SQLite); on PostgreSQL another server's transaction holds a row (a
   * counter) until its commit, a few milliseconds: the action waits for it */
  pz_store_set_busy_timeout (pz_engine_get_store (self->engine),
                             g_str_has_prefix (pz_engine_get_db_location (self->engine), "postgres") ? 2000 : 50);
  events_bus_start (self);
  commit_thread_init (self);
  if (config->public_url)
    pz_engine_set_public_url (self->engine, config->public_url);
  {
    g_autofree char *key = config->signing_key ? g_strdup (config->signing_key)
                                               : g_build_filename (config->data_dir, "signing.p12", NULL);
    pz_engine_set_signing_key (self->engine, key);
    pz_engine_set_signing_module (self->engine, config->signing_pkcs11_module);
    pz_engine_set_timestamp_authority (self->engine, config->signing_tsa_url, config->signing_tsa_timeout);
    if (config->signing_tsa_ca && *config->signing_tsa_ca)
      {
        g_autofree char *pem = NULL;

        /* a file that holds no certificate would refuse every timestamp */
        if (!g_file_get_contents (config->signing_tsa_ca, &pem, NULL, NULL) ||
            !strstr (pem, "-----BEGIN CERTIFICATE-----"))
          {
            g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                         _("[signing] tsa_ca must be a readable PEM file of certificates: %s"),
                         config->signing_tsa_ca);
            return NULL;
          }
      }
    pz_engine_set_timestamp_trust (self->engine, config->signing_tsa_ca);
    pz_engine_set_validation_fetch (self->engine, config->signing_validation_fetch,
                                    config->signing_validation_timeout);
    pz_engine_set_remote_signing (self->engine, config->signing_remote_url, config->signing_remote_client_id,
                                  config->signing_remote_client_secret, config->signing_remote_nik,
                                  config->signing_remote_timeout);
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
  self->escalation_check = g_timeout_source_new_seconds (MAX (config->escalation_interval, 1));
  g_source_set_callback (self->escalation_check, escalate_cb, self, NULL);
  g_source_attach (self->escalation_check, g_main_context_get_thread_default ());

  if (!(self->dummy_hash = pz_auth_hash_password ("not a password of anyone", error)))
    return NULL;
  self->throttle_user = pz_throttle_new (config->login_max_failures_user,
                                         config->login_window_seconds);
  self->throttle_address = pz_throttle_new (config->login_max_failures_address,
                                            config->login_window_seconds);
  pz_throttle_share (self->throttle_user, server_bus, self, "user");
  pz_throttle_share (self->throttle_address, server_bus, self, "address");

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
    pz_outbox_set_may_run (self->outbox, server_leads_func (), self);
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
pz_server_listen (PzServer *self,
                  GError  **error)
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
  commit_thread_stop (self);
  events_bus_stop (self);
  refuse_deferred (self);
  refuse_signings (self);
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
