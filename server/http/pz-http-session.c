/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sessions: login with throttled guessing and argon2 off the main loop,
 * the session cache, logout and the current user. */
#define G_LOG_DOMAIN "pz-server"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pz-http-private.h"

void
session_free (Session *s)
{
  pz_user_free (s->user);
  g_free (s);
}

/* Authentication */

JsonNode *
user_json (PzUser   *user,
           gint64    expires_at,
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
  /* what they sign with: a file name of the signing folder, a pkcs11: URI
   * or a NIK; null for none (the Kadis then signs with the office's key) */
  json_builder_set_member_name (b, "signing_identity");
  if (user->signing_identity)
    json_builder_add_string_value (b, user->signing_identity);
  else
    json_builder_add_null_value (b);
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

char *
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

gboolean
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

    gboolean fresh = cached && cached->expires_at > req->now && req->now - cached->checked_at < SESSION_CACHE_SECONDS &&
                     req->now - cached->last_seen < idle;

    /* what needs the store waits while its connection commits */
    if (store_busy (req->server) && !(fresh && req->now - cached->touched_at < touch))
      {
        defer_request (req);
        return FALSE;
      }
    if (fresh &&
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
char *
throttle_key (const char *kind,
              const char *username,
              const char *address)
{
  return g_strdup_printf ("%s\n%s\n%s", kind, username, address);
}

/* A user's own key: the same username in two offices is two accounts */
char *
throttle_user_key (const char   *kind,
                   const PzUser *user,
                   const char   *address)
{
  g_autofree char *account = g_strdup_printf ("%s@%" G_GINT64_FORMAT, user->username, user->office_id);

  return throttle_key (kind, account, address);
}

const char *
client_address (Req *req)
{
  const char *address = soup_server_message_get_remote_host (req->msg);
  return address ? address : "unknown";
}

/* Counts an attempt as it arrives; answers 429 and returns FALSE if it must
 * wait. */
gboolean
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
void
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
  gint64             office_id;
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
      g_autoptr(PzUser) user = pz_store_get_user (store, job->office_id, job->user_id);

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

void
handle_login (Req *req)
{
  static const char * const known[] = { "username", "password", "office", NULL };
  g_autoptr(JsonObject) body = read_json_body (req);
  g_autoptr(GTask) task = NULL;
  g_autoptr(PzUser) user = NULL;
  g_autoptr(PzOffice) office = NULL;
  g_autofree char *office_code = NULL;
  JsonNode *username, *password, *office_node = NULL;
  LoginJob *job;
  const char *address;

  if (body == NULL || !only_members (req, body, known) ||
      !get_member (req, body, "username", G_TYPE_STRING, TRUE, &username) ||
      !get_member (req, body, "password", G_TYPE_STRING, TRUE, &password) ||
      !get_member (req, body, "office", G_TYPE_STRING, FALSE, &office_node))
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
  /* The office is named by the "office" member or as "username@office";
   * without either, a login is to the first office, as when the
   * deployment served only one. */
  if (office_node)
    office_code = g_utf8_strdown (json_node_get_string (office_node), -1);
  else
    {
      char *at = strrchr (job->username, '@');

      if (at)
        {
          office_code = g_strdup (at + 1);
          *at = '\0';
        }
    }
  office = office_code ? pz_store_find_office (pz_engine_get_store (req->server->engine), office_code) : NULL;
  job->office_id = office_code ? (office ? office->id : 0) : 1;
  job->password = g_strdup (json_node_get_string (password));
  job->address = g_strdup (address);

  {
    /* the same username in two offices is two accounts to guess */
    g_autofree char *account = g_strdup_printf ("%s@%" G_GINT64_FORMAT, job->username, job->office_id);

    job->throttle_key = throttle_key ("login", account, job->address);
  }
  if (!throttle_attempt (req, job->throttle_key, job->address))
    {
      login_job_free (job);
      return;
    }

  user = job->office_id ? pz_store_find_user (pz_engine_get_store (req->server->engine), job->office_id,
                                              job->username) : NULL;
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
Argon *
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

void
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
  sessions_ended (req->server, hash);
  soup_server_message_set_status (req->msg, 204, NULL);
}

void
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
