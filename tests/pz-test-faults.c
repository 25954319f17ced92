/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pz-test-faults.h"

/* A demo office the tests that leave it as they found it share. */
static PzTestServer *shared;

PzTestServer *
shared_server (void)
{
  if (shared == NULL)
    shared = pz_test_server_start (NULL, TRUE);
  return shared;
}

/* What the server logs, kept to be checked. */
static GMutex log_lock;
GString *log_text;

static void
capture_log (const char    *domain,
             GLogLevelFlags level,
             const char    *message,
             gpointer       data)
{
  g_mutex_lock (&log_lock);
  g_string_append_printf (log_text, "%s: %s\n", domain, message);
  g_mutex_unlock (&log_lock);
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE))
    g_printerr ("# %s: %s\n", domain, message);
}

/* The server's warnings about the faults made here (a commit or an upload
 * that could not be written) are captured by capture_log() and checked by
 * the tests; a warning from anywhere else still ends the test. */
static void
other_warnings_fatal (const char    *domain,
                      GLogLevelFlags level,
                      const char    *message,
                      gpointer       data)
{
  g_log_default_handler (domain, level, message, data);
  if (level & G_LOG_LEVEL_WARNING)
    abort ();
}

gboolean
logged (const char *text)
{
  gboolean found;

  g_mutex_lock (&log_lock);
  found = strstr (log_text->str, text) != NULL;
  g_mutex_unlock (&log_lock);
  return found;
}

char *
doc_path (gint64      id,
          const char *requirement)
{
  return g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/documents/%s", id, requirement);
}

const char *
error_message (PzResponse *r)
{
  return json_object_get_string_member (json_object_get_object_member (pz_response_object (r), "error"),
                                        "message");
}

/* The body is one JSON object with only an error in it. */
void
assert_one_error_body (PzResponse *r,
                       const char *code)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *obj;

  json_parser_load_from_data (parser, g_bytes_get_data (r->body, NULL), (gssize) g_bytes_get_size (r->body),
                              &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  obj = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpuint (json_object_get_size (obj), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (obj, "error"), "code"), ==, code);
}


gpointer
call_thread (gpointer data)
{
  Call *c = data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 60, NULL);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u%s", c->port, c->path);
  g_autoptr(SoupMessage) msg = soup_message_new (c->method, url);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", c->token);
  gint64 t0 = g_get_monotonic_time ();

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Idempotency-Key",
                                c->path);
  if (c->body)
    soup_message_set_request_body_from_bytes (msg, c->content_type, c->body);
  c->answer = soup_session_send_and_read (session, msg, NULL, NULL);
  c->status = soup_message_get_status (msg);
  c->retry_after = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                           "Retry-After"));
  c->took = g_get_monotonic_time () - t0;
  g_atomic_int_set (&c->done, 1);
  return NULL;
}

void
call_clear (Call *c)
{
  g_free (c->path);
  g_clear_pointer (&c->body, g_bytes_unref);
  g_clear_pointer (&c->answer, g_bytes_unref);
  g_free (c->retry_after);
}

const char *
call_error_code (Call *c)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  static char code[64];

  if (!c->answer || !json_parser_load_from_data (parser, g_bytes_get_data (c->answer, NULL),
                                                 (gssize) g_bytes_get_size (c->answer), NULL))
    return "(not JSON)";
  g_strlcpy (code, json_object_get_string_member (json_object_get_object_member (
                                                    json_node_get_object (json_parser_get_root (parser)), "error"), "code"), sizeof code);
  return code;
}

/* The faults make the server warn: those warnings are checked, not fatal;
 * any other warning still is. */
void
faults_log_init (void)
{
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  g_log_set_default_handler (other_warnings_fatal, NULL);
  log_text = g_string_new (NULL);
  g_log_set_handler ("pz-server", G_LOG_LEVEL_MASK, capture_log, NULL);
  g_log_set_handler ("pz-engine", G_LOG_LEVEL_MASK, capture_log, NULL);
}

void
faults_log_clear (void)
{
  g_clear_pointer (&shared, pz_test_server_free);
  g_string_free (log_text, TRUE);
}

PzResponse *
upload (PzTestServer *ts,
        gint64        id,
        const char   *requirement,
        GBytes       *body)
{
  g_autofree char *path = doc_path (id, requirement);

  return pz_test_request_full (ts, "PUT", path, pz_test_login (ts, "front_office"), "image/png", body, NULL);
}
