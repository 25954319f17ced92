/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the server tells about itself: security headers, the access log,
 * /metrics, /healthz and the API document. */
#define G_LOG_DOMAIN "pz-server"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pz-http-private.h"

static void access_record (PzServer *self, SoupServerMessage *msg, guint code);

/* The API document and the health check */

void
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

void
handle_healthz (Req *req)
{
  if (pz_store_ping (pz_engine_get_reader (req->server->engine)))
    send_text_json (req->msg, 200, "{\"status\":\"ok\"}");
  else
    send_error (req->msg, 503, "unavailable", _("The database does not answer"), NULL);
}

static GQuark
request_id_quark (void)
{
  return g_quark_from_static_string ("pz-request-id");
}

GQuark
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

void
request_refused (SoupServerMessage *msg,
                 guint              status,
                 gpointer           data)
{
  access_record (data, msg, status);
}

/* Every request gets an id, in the X-Request-Id header of its answer and in
 * its log record, so a complaint can be matched to the log. */
void
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

void
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

void
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
  if (!(counts = pz_store_count_by_step (store, 0, req->now, &error)))
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
    g_autofree char *not_after = pz_store_get_setting (store, PZ_STORE_FIRST_OFFICE, "signing_not_after");

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
