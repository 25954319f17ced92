/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Files: reference data, search, registration, the inbox, late files,
 * reports, one file and its actions. */
#define G_LOG_DOMAIN "pz-server"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pz-http-private.h"

/* Reference data */

void
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

void
handle_permit_types (Req *req)
{
  GPtrArray *types = pz_engine_list_permit_types (req->server->engine, req->user->office_id);
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < types->len; i++)
    {
      PzPermitType *type = g_ptr_array_index (types, i);
      JsonNode *item = pz_permit_type_to_json (type);

      json_object_set_int_member (json_node_get_object (item), "next_sequence",
                                  pz_engine_next_permit_sequence (req->server->engine, req->user->office_id, type));
      json_array_add_element (array, item);
    }
  json_node_set_array (node, array);
  send_json (req->msg, 200, node);
}

/* Applications */

gboolean
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

/* Idempotency: a counter PC whose answer was lost sends the same request
 * with the same Idempotency-Key again and gets the first answer, without a
 * second file or document. The key is required for actions and optional
 * for registrations and uploads. */
gboolean
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

/* Tells the desktops about files that became late; each file once per
 * step (and once near its legal deadline). */
void
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
      pz_json_writer_member (w, "office");
      pz_json_writer_int (w, e->office_id);
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

gboolean
escalate_cb (gpointer data)
{
  if (server_leads (data))
    escalate (data);
  return G_SOURCE_CONTINUE;
}

void
handle_late_files (Req *req)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  /* only a look: the periodic job announces and notes what became late */
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
void
handle_report (Req *req)
{
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_local (req->now);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (now, pz_engine_get_timezone (req->server->engine));
  g_autoptr(GPtrArray) details = pz_details_new ();
  const char *from_text = query_string (req, "from");
  const char *to_text = query_string (req, "to");
  GDate from, to;
  gboolean allowed = FALSE;

  allowed = pz_roles_any ((const char * const *) req->user->roles, pz_report_readers);
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

    g_task_set_task_data (task, pz_report_context_new (req->server->engine, req->user->office_id, &from, &to, req->now),
                          (GDestroyNotify) pz_report_context_free);
    soup_server_message_pause (req->msg);
    g_task_run_in_thread (task, report_in_thread);
    g_object_unref (task);
  }
}

void
handle_inbox (Req *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) page = NULL;
  SoupMessageBody *body;
  gint64 done_today;
  guint64 limit;
  char tail[24];
  int n;

  if (!query_uint (req, "limit", 1, 10000, 100, &limit))
    return;
  if (!pz_engine_inbox_parts (req->server->engine, req->user, (guint) limit, req->now, &page, &done_today, &error))
    {
      send_gerror (req->msg, error, NULL);
      return;
    }
  /* the rendered page as it is kept, shared by every answer that sends it,
   * then the user's own count */
  body = soup_server_message_get_response_body (req->msg);
  soup_message_body_truncate (body);
  soup_server_message_set_status (req->msg, 200, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg), "Content-Type",
                                "application/json; charset=utf-8");
  soup_message_body_append_bytes (body, page);
  n = g_snprintf (tail, sizeof tail, "%" G_GINT64_FORMAT "}", done_today);
  soup_message_body_append (body, SOUP_MEMORY_COPY, tail, (gsize) n);
}

void
handle_application (Req   *req,
                    gint64 id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PzApplication) app = pz_engine_get_application (req->server->engine, req->user->office_id, id, &error);
  g_autofree char *text = NULL;

  if (app == NULL || !pz_engine_may_read (req->server->engine, req->user, app, &error))
    {
      send_gerror (req->msg, error, NULL);
      return;
    }
  text = pz_engine_application_to_string (req->server->engine, app, req->user, req->now);
  send_text_json (req->msg, 200, text);
}

/* Signing off the main loop: the engine prepares the permit, a worker
 * thread opens the signer and makes the signature (the timestamp
 * authority's or the signing service's round trip with it), and the
 * request is routed again with the signature, to be checked and committed
 * like any action.  Meanwhile the office's other requests are answered. */
typedef struct {
  PzServer          *server;
  SoupServerMessage *msg;
  PzSignJob         *job;
  gint64             id;
  gboolean           answered;  /* by a server that stopped meanwhile */
} SignFlight;

static void
sign_in_thread (GTask        *task,
                gpointer      source,
                gpointer      data,
                GCancellable *cancellable)
{
  SignFlight *flight = data;
  PzServer *self = flight->server;

  pz_sign_job_run (flight->job);
  /* the task keeps the server alive until sign_done() */
  g_mutex_lock (&self->signing_lock);
  self->signings_running--;
  g_cond_broadcast (&self->signing_done);
  g_mutex_unlock (&self->signing_lock);
  g_task_return_boolean (task, TRUE);
}

static void
sign_done (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  SignFlight *flight = data;
  PzServer *self = PZ_SERVER (source);
  SoupServerMessage *msg = flight->msg;
  Req req = { 0 };
  GUri *uri = soup_server_message_get_uri (msg);
  g_autoptr(GHashTable) query = NULL;

  if (flight->answered)
    {
      pz_sign_job_free (flight->job);
      g_object_unref (msg);
      g_free (flight);
      return;
    }
  g_hash_table_remove (self->signings, &flight->id);
  /* the signature lives as long as the request */
  g_object_set_data_full (G_OBJECT (msg), "pz-sign-job", flight->job, (GDestroyNotify) pz_sign_job_free);
  g_free (flight);
  query = g_uri_get_query (uri) ? soup_form_decode (g_uri_get_query (uri)) : NULL;
  soup_server_message_unpause (msg);
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
  g_object_unref (msg);
}

static void
start_signing (Req       *req,
               gint64     id,
               PzSignJob *job)
{
  SignFlight *flight = g_new0 (SignFlight, 1);
  g_autoptr(GTask) task = NULL;

  flight->server = req->server;
  flight->msg = g_object_ref (req->msg);
  flight->job = job;
  flight->id = id;
  g_hash_table_insert (req->server->signings, &flight->id, flight);
  g_mutex_lock (&req->server->signing_lock);
  req->server->signings_running++;
  g_mutex_unlock (&req->server->signing_lock);
  soup_server_message_pause (req->msg);
  task = g_task_new (req->server, NULL, sign_done, flight);
  g_task_set_task_data (task, flight, NULL);
  /* a task in a thread always completes: sign_done() takes it over */
  g_task_run_in_thread (task, sign_in_thread);
}

/* A server that stops answers the signings still being made, and waits
 * for their workers (each ends within its authority's or service's
 * timeout); what they made is dropped once the main loop takes it back. */
void
refuse_signings (PzServer *self)
{
  GHashTableIter iter;
  SignFlight *flight;

  if (self->signings == NULL)
    return;
  g_hash_table_iter_init (&iter, self->signings);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &flight))
    {
      flight->answered = TRUE;
      send_busy (flight->msg, _("The server is stopping; nothing was signed. Try again in a moment"), 5);
      soup_server_message_unpause (flight->msg);
      g_hash_table_iter_remove (&iter);
    }
  g_mutex_lock (&self->signing_lock);
  while (self->signings_running > 0)
    g_cond_wait (&self->signing_done, &self->signing_lock);
  g_mutex_unlock (&self->signing_lock);
}

void
handle_action (Req   *req,
               gint64 id)
{
  static const char * const known[] = { "action", "version", "note", "data", NULL };
  const char *key;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GPtrArray) details = pz_details_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autofree char *answer = NULL;
  g_autoptr(PzApplication) changed = NULL;
  JsonNode *action, *version, *note, *data;
  PzActionRequest request = { 0 };
  g_autofree char *passphrase_key = NULL;
  g_autofree char *fingerprint = NULL;
  PzStore *store = pz_engine_get_store (req->server->engine);
  PzSignJob *signed_job = g_object_get_data (G_OBJECT (req->msg), "pz-sign-job");

  if (!read_idempotency_key (req, TRUE, &key))
    return;

  if (!(body = read_json_body (req)) || !only_members (req, body, known) ||
      !get_member (req, body, "action", G_TYPE_STRING, TRUE, &action) ||
      !get_member (req, body, "version", G_TYPE_INT64, TRUE, &version) ||
      !get_member (req, body, "note", G_TYPE_STRING, FALSE, &note) ||
      !get_member (req, body, "data", JSON_TYPE_OBJECT, FALSE, &data))
    return;

  raw = soup_message_body_flatten (soup_server_message_get_request_body (req->msg));
  fingerprint = request_fingerprint (req, g_bytes_get_data (raw, NULL), (gssize) g_bytes_get_size (raw));

  request.action = json_node_get_string (action);
  request.version = json_node_get_int (version);
  request.note = note ? json_node_get_string (note) : NULL;
  request.data = data ? json_node_get_object (data) : NULL;
  request.signing = signed_job && pz_sign_job_get_application_id (signed_job) == id ? signed_job : NULL;

  /* one signing of a file at a time: the second would only find the file
   * changed by the first */
  if (g_hash_table_contains (req->server->signings, &id))
    {
      send_error (req->msg, 409, "signing_in_progress",
                  _("This file is being signed; wait for the signature and reload it"), NULL);
      return;
    }
  /* the signing passphrase is a secret to guess like a password, counted
   * once: not again when the signature comes back */
  if (request.data && json_object_has_member (request.data, "passphrase"))
    {
      passphrase_key = throttle_user_key ("passphrase", req->user, client_address (req));
      if (signed_job == NULL && !throttle_attempt (req, passphrase_key, client_address (req)))
        return;
    }

  if (!join_batch (req->server, &error))
    {
      send_error (req->msg, 500, "internal", _("The server could not start a transaction"), NULL);
      return;
    }
  /* a retry gets its first answer again and changes nothing */
  if (key && replay_idempotent (req->server, req->msg, req->user, key, fingerprint))
    {
      if (passphrase_key && soup_server_message_get_status (req->msg) == 200)
        throttle_success (req->server, passphrase_key, client_address (req));
      hold_for_batch (req->server, req->msg);
      return;
    }
  if (signed_job == NULL)
    {
      PzSignJob *job = pz_engine_prepare_signing (req->server->engine, req->user, id, &request, req->now);

      if (job)
        {
          start_signing (req, id, job);
          return;
        }
    }
  /* the change and the answer to a retry are saved together */
  if (key && !pz_store_begin (store, &error))
    {
      send_error (req->msg, 500, "internal", _("The server could not start a transaction"), NULL);
      return;
    }
  answer = pz_engine_act (req->server->engine, req->user, id, &request, req->now,
                          &changed, details, &error);
  if (key && answer &&
      (!pz_store_insert_idempotent (store, req->user->id, key, fingerprint, 200, answer, req->now, &error) ||
       !pz_store_commit (store, &error)))
    {
      pz_store_rollback (store);
      g_warning ("Cannot save an action: %s", error->message);
      send_error (req->msg, 500, "internal", _("The server could not save the change; try again"), NULL);
      hold_for_batch (req->server, req->msg);
      return;
    }
  if (key && answer == NULL)
    pz_store_rollback (store);
  if (answer == NULL)
    send_gerror (req->msg, error, details);
  else
    send_text_json (req->msg, 200, answer);
  /* a signature that could not be made because the timestamp authority
   * or the signing service is away opened the key, or never judged the
   * passphrase: it is no guess, and locks no one out */
  if (passphrase_key &&
      (answer || g_error_matches (error, PZ_ENGINE_ERROR, PZ_ENGINE_ERROR_UNAVAILABLE)))
    throttle_success (req->server, passphrase_key, client_address (req));
  if (changed)
    g_ptr_array_add (req->server->batch_events,
                     event_json (changed->office_id, changed->id, changed->step, changed->status,
                                 changed->version));
  hold_for_batch (req->server, req->msg);
}

void
upload_state_free (UploadState *st)
{
  pz_upload_free (st->upload);
  g_free (st);
}
