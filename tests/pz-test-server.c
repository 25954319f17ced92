/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <cairo.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <time.h>
#include <glib/gstdio.h>
#include <string.h>

#include "pz-db.h"
#include "pz-demo.h"
#include "pz-test-pg.h"
#include "pz-test-server.h"

struct _PzTestServer
{
  char           *dir;
  gboolean        own_dir;
  gboolean        demo;
  GThread        *thread;
  GMainContext   *context;
  GMainLoop      *loop;
  PzServer       *server;
  guint           port;
  GMutex          lock;
  GCond           ready;
  gboolean        started;
  SoupSession    *session;
  GHashTable     *tokens; /* username -> token */
  char           *inspect_program;
  guint           inspect_timeout;
  PzTestConfigure configure;
  gpointer        configure_data;
  gboolean        https;
};


static gpointer
server_thread (gpointer data)
{
  PzTestServer *ts = data;
  g_autoptr(PzConfig) config = pz_config_new ();
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default (ts->context);

  config->data_dir = g_strdup (ts->dir);
  if (pz_test_on_postgresql ())
    config->store_url = pz_test_db_location (ts->dir);
  config->port = ts->port;
  config->demo = ts->demo;
  config->public_url = g_strdup ("https://izin.example.id");
  if (ts->inspect_program)
    {
      config->inspect_program = g_strdup (ts->inspect_program);
      config->inspect_timeout = ts->inspect_timeout;
    }
  if (ts->configure)
    ts->configure (config, ts->configure_data);
  ts->server = pz_server_new (config, &error);
  g_assert_no_error (error);
  pz_server_listen (ts->server, &error);
  g_assert_no_error (error);

  g_mutex_lock (&ts->lock);
  ts->port = pz_server_get_port (ts->server);
  ts->started = TRUE;
  g_cond_signal (&ts->ready);
  g_mutex_unlock (&ts->lock);

  g_main_loop_run (ts->loop);

  pz_server_shutdown (ts->server);
  /* Let pending work (a login being verified) finish before the end. */
  while (g_main_context_iteration (ts->context, FALSE))
    ;
  g_clear_object (&ts->server);
  while (g_main_context_iteration (ts->context, FALSE))
    ;
  g_main_context_pop_thread_default (ts->context);
  return NULL;
}

/**
 * pz_test_server_start:
 * @data_dir: (nullable): an existing data directory, or %NULL for a new
 *   temporary one
 * @demo: whether to fill an empty directory with the demo office
 */
PzTestServer *
pz_test_server_start (const char *data_dir,
                      gboolean    demo)
{
  return pz_test_server_start_on_port (data_dir, demo, 0);
}

/**
 * pz_test_server_start_on_port:
 * @data_dir: (nullable): as for pz_test_server_start()
 * @demo: as for pz_test_server_start()
 * @port: the port, 0 for any free one; a restarted server takes its old one
 */
static PzTestServer *start (PzTestServer *ts, const char *data_dir, gboolean demo, guint port);

PzTestServer *
pz_test_server_start_on_port (const char *data_dir,
                              gboolean    demo,
                              guint       port)
{
  return start (g_new0 (PzTestServer, 1), data_dir, demo, port);
}

/**
 * pz_test_server_start_inspecting:
 * @inspect_program: the program that inspects uploads
 * @inspect_timeout: seconds it may take
 *
 * A demo server on a new directory whose uploads are inspected by
 * @inspect_program.
 */
PzTestServer *
pz_test_server_start_inspecting (const char *inspect_program,
                                 guint       inspect_timeout)
{
  PzTestServer *ts = g_new0 (PzTestServer, 1);

  ts->inspect_program = g_strdup (inspect_program);
  ts->inspect_timeout = inspect_timeout;
  return start (ts, NULL, TRUE, 0);
}

/**
 * pz_test_server_start_configured:
 * @data_dir: (nullable): as for pz_test_server_start()
 * @configure: changes the demo server's settings before it starts
 * @data: for @configure
 */
PzTestServer *
pz_test_server_start_configured (const char     *data_dir,
                                 PzTestConfigure configure,
                                 gpointer        data)
{
  PzTestServer *ts = g_new0 (PzTestServer, 1);

  ts->configure = configure;
  ts->configure_data = data;
  return start (ts, data_dir, TRUE, 0);
}

/* As pz_test_server_start_configured(), on an office of one's own. */
PzTestServer *
pz_test_server_start_office (const char     *data_dir,
                             gboolean        demo,
                             PzTestConfigure configure,
                             gpointer        data)
{
  PzTestServer *ts = g_new0 (PzTestServer, 1);

  ts->configure = configure;
  ts->configure_data = data;
  return start (ts, data_dir, demo, 0);
}

static PzTestServer *
start (PzTestServer *ts,
       const char   *data_dir,
       gboolean      demo,
       guint         port)
{
  g_autoptr(GError) error = NULL;

  if (data_dir)
    ts->dir = g_strdup (data_dir);
  else
    {
      ts->dir = g_dir_make_tmp ("perizinan-test-XXXXXX", &error);
      g_assert_no_error (error);
      ts->own_dir = TRUE;
    }
  ts->demo = demo;
  ts->port = port;
  ts->context = g_main_context_new ();
  ts->loop = g_main_loop_new (ts->context, FALSE);
  ts->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_mutex_init (&ts->lock);
  g_cond_init (&ts->ready);

  ts->thread = g_thread_new ("test-server", server_thread, ts);
  g_mutex_lock (&ts->lock);
  while (!ts->started)
    g_cond_wait (&ts->ready, &ts->lock);
  g_mutex_unlock (&ts->lock);

  ts->session = soup_session_new_with_options ("timeout", 60, NULL);
  return ts;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

/**
 * pz_test_server_stop:
 * @ts: a test server
 *
 * Stops the server as a restart would; the data directory stays.
 */
void
pz_test_server_stop (PzTestServer *ts)
{
  if (ts->thread == NULL)
    return;
  g_clear_object (&ts->session);
  g_main_context_invoke (ts->context, quit_loop, ts->loop);
  g_thread_join (ts->thread);
  ts->thread = NULL;
  g_main_loop_unref (ts->loop);
  g_main_context_unref (ts->context);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/**
 * pz_test_server_attach:
 * @port: where a server of another process listens, on 127.0.0.1
 *
 * The helpers of this file, pointed at that server: it is not stopped by
 * pz_test_server_free().
 */
PzTestServer *
pz_test_server_attach (guint port)
{
  PzTestServer *ts = g_new0 (PzTestServer, 1);

  ts->port = port;
  ts->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_mutex_init (&ts->lock);
  g_cond_init (&ts->ready);
  ts->session = soup_session_new_with_options ("timeout", 60, NULL);
  return ts;
}

/**
 * pz_test_server_attach_https:
 * @port: where a server (or a proxy) of another process listens for HTTPS
 * @ca_file: the certificate it shows, or the authority of it
 *
 * As pz_test_server_attach(), over HTTPS, trusting @ca_file alone.
 */
PzTestServer *
pz_test_server_attach_https (guint       port,
                             const char *ca_file)
{
  PzTestServer *ts = pz_test_server_attach (port);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsDatabase) trust = g_tls_file_database_new (ca_file, &error);

  g_assert_no_error (error);
  g_object_set (ts->session, "tls-database", trust, NULL);
  ts->https = TRUE;
  return ts;
}

void
pz_test_server_free (PzTestServer *ts)
{
  g_clear_object (&ts->session);
  pz_test_server_stop (ts);
  if (ts->own_dir)
    remove_tree (ts->dir);
  g_hash_table_unref (ts->tokens);
  g_mutex_clear (&ts->lock);
  g_cond_clear (&ts->ready);
  g_free (ts->inspect_program);
  g_free (ts->dir);
  g_free (ts);
}

/* The running server's engine, to change a setting between requests. */
PzEngine *
pz_test_server_get_engine (PzTestServer *ts)
{
  return pz_server_get_engine (ts->server);
}

const char *
pz_test_server_get_dir (PzTestServer *ts)
{
  return ts->dir;
}

guint
pz_test_server_get_port (PzTestServer *ts)
{
  return ts->port;
}

void
pz_response_free (PzResponse *response)
{
  if (response == NULL)
    return;
  g_clear_pointer (&response->body, g_bytes_unref);
  g_clear_pointer (&response->json, json_node_unref);
  g_free (response->content_type);
  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_free (response);
}

static PzResponse *
request_accepting (PzTestServer *ts,
                   const char   *method,
                   const char   *path,
                   const char   *token,
                   const char   *content_type,
                   GBytes       *body,
                   const char   *idempotency_key,
                   const char   *accept)
{
  g_autofree char *url = g_strdup_printf ("%s://127.0.0.1:%u%s", ts->https ? "https" : "http", ts->port, path);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GError) error = NULL;
  PzResponse *response = g_new0 (PzResponse, 1);
  SoupMessageHeaders *headers;
  const char *type;

  g_assert_nonnull (msg);
  headers = soup_message_get_request_headers (msg);
  if (token)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
      soup_message_headers_replace (headers, "Authorization", auth);
    }
  if (idempotency_key)
    soup_message_headers_replace (headers, "Idempotency-Key", idempotency_key);
  if (accept)
    soup_message_headers_replace (headers, "Accept", accept);
  if (body)
    soup_message_set_request_body_from_bytes (msg, content_type, body);

  response->body = soup_session_send_and_read (ts->session, msg, NULL, &error);
  g_assert_no_error (error);
  response->status = soup_message_get_status (msg);
  type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL);
  response->content_type = g_strdup (type);
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  if (g_strcmp0 (type, "application/json") == 0 && g_bytes_get_size (response->body) > 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      json_parser_load_from_data (parser, g_bytes_get_data (response->body, NULL),
                                  (gssize) g_bytes_get_size (response->body), &error);
      g_assert_no_error (error);
      response->json = json_node_copy (json_parser_get_root (parser));
    }
  return response;
}

PzResponse *
pz_test_request_full (PzTestServer *ts,
                      const char   *method,
                      const char   *path,
                      const char   *token,
                      const char   *content_type,
                      GBytes       *body,
                      const char   *idempotency_key)
{
  return request_accepting (ts, method, path, token, content_type, body, idempotency_key, NULL);
}

/* A GET as a browser (text/html) or a program (application/json) sends
 * it, without a session: what anyone may open. */
PzResponse *
pz_test_get_public (PzTestServer *ts,
                    const char   *path,
                    const char   *accept)
{
  return request_accepting (ts, "GET", path, NULL, NULL, NULL, NULL, accept);
}

PzResponse *
pz_test_request (PzTestServer *ts,
                 const char   *method,
                 const char   *path,
                 const char   *token,
                 const char   *json_body)
{
  g_autoptr(GBytes) body = json_body ? g_bytes_new (json_body, strlen (json_body)) : NULL;
  g_autofree char *key = g_uuid_string_random ();

  return pz_test_request_full (ts, method, path, token, "application/json", body,
                               g_str_has_suffix (path, "/actions") ? key : NULL);
}

JsonObject *
pz_response_object (PzResponse *response)
{
  g_assert_nonnull (response->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (response->json));
  return json_node_get_object (response->json);
}

const char *
pz_response_error_code (PzResponse *response)
{
  JsonObject *obj = pz_response_object (response);
  g_assert_true (json_object_has_member (obj, "error"));
  return json_object_get_string_member (json_object_get_object_member (obj, "error"), "code");
}

/**
 * pz_test_login:
 * @ts: a test server
 * @username: a demo user, whose password is `demo`
 *
 * Returns: (transfer none): a token, reused for the server's lifetime
 */
char *
pz_test_login (PzTestServer *ts,
               const char   *username)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"demo\"}", username);
  g_autoptr(PzResponse) r = NULL;
  char *token = g_hash_table_lookup (ts->tokens, username);

  if (token)
    return token;
  r = pz_test_request (ts, "POST", "/api/v1/auth/login", NULL, body);
  g_assert_cmpuint (r->status, ==, 200);
  token = g_strdup (json_object_get_string_member (pz_response_object (r), "token"));
  g_hash_table_insert (ts->tokens, g_strdup (username), token);
  return token;
}

gint64
pz_test_register (PzTestServer *ts,
                  const char   *token,
                  const char   *permit_type,
                  const char   *request_type)
{
  g_autofree char *body = g_strdup_printf (
    "{\"permit_type\":\"%s\",\"request_type\":\"%s\","
    "\"applicant\":{\"name\":\"Wahyu Pratama\",\"nik\":\"3201011203850099\","
    "\"address\":\"Jl. Mawar No. 1, Sukamaju\",\"phone\":\"081234500099\","
    "\"email\":\"wahyu@example.id\"}}", permit_type, request_type);
  g_autoptr(PzResponse) r = pz_test_request (ts, "POST", "/api/v1/applications", token, body);

  g_assert_cmpuint (r->status, ==, 201);
  return json_object_get_int_member (pz_response_object (r), "id");
}

/**
 * pz_test_get_application:
 *
 * Returns: (transfer full): the file as @token's user sees it
 */
JsonObject *
pz_test_get_application (PzTestServer *ts,
                         const char   *token,
                         gint64        id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT, id);
  g_autoptr(PzResponse) r = pz_test_request (ts, "GET", path, token, NULL);

  g_assert_cmpuint (r->status, ==, 200);
  return json_object_ref (pz_response_object (r));
}

PzResponse *
pz_test_act (PzTestServer *ts,
             const char   *token,
             gint64        id,
             const char   *action,
             gint64        version,
             const char   *note,
             const char   *data_json)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/actions", id);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "action");
  json_builder_add_string_value (b, action);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, version);
  if (note)
    {
      json_builder_set_member_name (b, "note");
      json_builder_add_string_value (b, note);
    }
  if (data_json)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_assert_true (json_parser_load_from_data (parser, data_json, -1, NULL));
      json_builder_set_member_name (b, "data");
      json_builder_add_value (b, json_node_copy (json_parser_get_root (parser)));
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  body = json_to_string (root, FALSE);
  return pz_test_request (ts, "POST", path, token, body);
}

/* Uploads every requirement of the file's request type and marks it OK. */
void
pz_test_complete_documents (PzTestServer *ts,
                            const char   *token,
                            gint64        id)
{
  g_autoptr(JsonObject) app = pz_test_get_application (ts, token, id);
  JsonArray *checklist = json_object_get_array_member (app, "checklist");

  for (guint i = 0; i < json_array_get_length (checklist); i++)
    {
      JsonObject *item = json_array_get_object_element (checklist, i);
      const char *code = json_object_get_string_member (item, "requirement");
      g_autofree char *path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT
                                               "/documents/%s", id, code);
      g_autofree char *vpath = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT
                                                "/checklist/%s", id, code);
      g_autoptr(GBytes) pdf = pz_demo_scan_pdf (code, 2);
      g_autoptr(PzResponse) up = pz_test_request_full (ts, "PUT", path, token, "application/pdf",
                                                       pdf, NULL);
      g_autoptr(PzResponse) v = NULL;

      g_assert_cmpuint (up->status, ==, 201);
      v = pz_test_request (ts, "PUT", vpath, token, "{\"verdict\":\"ok\"}");
      g_assert_cmpuint (v->status, ==, 200);
    }
}

/**
 * pz_test_advance:
 * @ts: a test server
 * @id: a file
 *
 * Does, as the demo user of the acting role, what the file's step needs and
 * approves it, checking that the file moved on.
 */
void
pz_test_advance (PzTestServer *ts,
                 gint64        id)
{
  g_autoptr(JsonObject) app = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(PzResponse) r = NULL;
  const char *step, *role, *token, *data = NULL;
  g_autoptr(PzResponse) wf = NULL;
  JsonArray *steps;

  token = pz_test_login (ts, "front_office");
  app = pz_test_get_application (ts, token, id);
  step = json_object_get_string_member (app, "step");

  wf = pz_test_request (ts, "GET", "/api/v1/workflows", token, NULL);
  g_assert_cmpuint (wf->status, ==, 200);
  steps = json_object_get_array_member (json_array_get_object_element (json_node_get_array (wf->json), 0),
                                        "steps");
  role = NULL;
  for (guint i = 0; i < json_array_get_length (steps); i++)
    {
      JsonObject *s = json_array_get_object_element (steps, i);
      if (g_str_equal (json_object_get_string_member (s, "id"), step))
        role = json_array_get_string_element (json_object_get_array_member (s, "roles"), 0);
    }
  g_assert_nonnull (role);
  token = pz_test_login (ts, role);

  if (g_str_equal (step, "document_check"))
    pz_test_complete_documents (ts, token, id);
  else if (g_str_equal (step, "technical_survey"))
    data = "{\"survey_date\":\"2026-01-05\",\"findings\":\"Sesuai\",\"recommendation\":\"feasible\"}";
  else if (g_str_equal (step, "data_entry"))
    {
      const char *type = json_object_get_string_member (app, "permit_type");
      if (g_str_equal (type, "PBG"))
        data = "{\"fungsi_bangunan\":\"Rumah tinggal\",\"lokasi\":\"Jl. Mawar 1\","
               "\"luas_tanah\":100,\"luas_bangunan\":80,\"jumlah_lantai\":1}";
      else if (g_str_equal (type, "SIP-DOKTER"))
        data = "{\"nomor_str\":\"123\",\"tempat_praktik\":\"Klinik\",\"alamat_praktik\":\"Jl. A\"}";
      else if (g_str_equal (type, "REKLAME"))
        data = "{\"jenis_reklame\":\"Billboard\",\"lokasi\":\"Jl. B\",\"ukuran\":8,"
               "\"naskah\":\"Iklan\",\"mulai_tayang\":\"2026-12-01\"}";
      else
        data = "{\"nama_usaha\":\"Toko\",\"alamat_usaha\":\"Jl. C\",\"luas_lantai\":200,"
               "\"jam_operasional\":\"08-21\"}";
    }
  else if (g_str_equal (step, "signing"))
    {
      g_autoptr(PzResponse) types = pz_test_request (ts, "GET", "/api/v1/permit-types", token, NULL);
      JsonArray *list = json_node_get_array (types->json);
      const char *signing = NULL;

      for (guint i = 0; i < json_array_get_length (list); i++)
        {
          JsonObject *t = json_array_get_object_element (list, i);
          if (g_str_equal (json_object_get_string_member (t, "code"),
                           json_object_get_string_member (app, "permit_type")))
            signing = json_object_get_string_member (t, "signing");
        }
      if (g_strcmp0 (signing, "wet") == 0)
        {
          g_autofree char *path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT
                                                   "/documents/signed_permit", id);
          g_autoptr(GBytes) scan = pz_demo_scan_pdf ("signed", 1);
          g_autoptr(PzResponse) up = pz_test_request_full (ts, "PUT", path, token,
                                                           "application/pdf", scan, NULL);
          g_assert_cmpuint (up->status, ==, 201);
        }
      else
        data = "{\"passphrase\":\"demo\"}";
    }
  else if (g_str_equal (step, "handover"))
    data = "{\"received_by\":\"Wahyu Pratama\"}";

  r = pz_test_act (ts, token, id, "approve", json_object_get_int_member (app, "version"), NULL, data);
  if (r->status != 200)
    g_error ("approve at %s: %u %.*s", step, r->status, (int) g_bytes_get_size (r->body),
             (const char *) g_bytes_get_data (r->body, NULL));
  after = pz_test_get_application (ts, token, id);
  g_assert_cmpstr (json_object_get_string_member (after, "step"), !=, step);
  g_assert_cmpint (json_object_get_int_member (after, "version"), ==,
                   json_object_get_int_member (app, "version") + 1);
}

void
pz_test_drive_to (PzTestServer *ts,
                  gint64        id,
                  const char   *step)
{
  const char *token = pz_test_login (ts, "front_office");

  for (guint guard = 0; guard < 20; guard++)
    {
      g_autoptr(JsonObject) app = pz_test_get_application (ts, token, id);
      if (g_str_equal (json_object_get_string_member (app, "step"), step))
        return;
      pz_test_advance (ts, id);
    }
  g_error ("file %" G_GINT64_FORMAT " never reached %s", id, step);
}

static cairo_status_t
append_png (void                *closure,
            const unsigned char *data,
            unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/**
 * pz_test_png:
 * @width: pixels
 * @height: pixels
 *
 * Returns: (transfer full): a real PNG image, such as a phone's scan
 */
GBytes *
pz_test_png (int width,
             int height)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_t *cr = cairo_create (surface);
  GByteArray *out = g_byte_array_new ();

  cairo_set_source_rgb (cr, 0.9, 0.9, 0.85);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
  cairo_rectangle (cr, 20, 20, width - 40, height / 3);
  cairo_fill (cr);
  cairo_destroy (cr);
  cairo_surface_write_to_png_stream (surface, append_png, out);
  cairo_surface_destroy (surface);
  return g_byte_array_free_to_bytes (out);
}

/**
 * pz_test_run_in:
 * @dir: the folder it runs in
 * @argv: a command and its arguments
 *
 * Runs @argv in @dir; a failure is told in the test's log.
 *
 * Returns: whether it ran and exited with 0
 */
gboolean
pz_test_run_in (const char         *dir,
                const char * const *argv)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  if (!g_spawn_sync (dir, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, NULL) ||
      !g_spawn_check_wait_status (status, NULL))
    {
      g_test_message ("%s failed: %s", argv[0], err ? err : "");
      return FALSE;
    }
  return TRUE;
}

/**
 * pz_test_run:
 *
 * Returns: (transfer full): what @argv printed
 */
char *
pz_test_run (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) p = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  char *out = NULL;

  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (p, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  return out;
}

static char *
pdf_tool (GBytes  *pdf,
          gboolean qr)
{
  g_autofree char *dir = g_dir_make_tmp ("pz-pdf-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "out.pdf", NULL);
  g_autofree char *prefix = g_build_filename (dir, "page", NULL);
  const char *text[] = { "pdftotext", "-layout", path, "-", NULL };
  const char *ppm[] = { "pdftoppm", "-r", "150", "-png", path, prefix, NULL };
  char *out = NULL;

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (pdf, NULL), (gssize) g_bytes_get_size (pdf), NULL));
  if (qr)
    {
      /* the code is beside the signature, on whichever page that falls */
      g_autoptr(GDir) pages = NULL;
      const char *name;

      g_free (pz_test_run (ppm));
      pages = g_dir_open (dir, 0, NULL);
      while (pages && (name = g_dir_read_name (pages)))
        {
          g_autofree char *png = g_build_filename (dir, name, NULL);
          const char *zbar[] = { "zbarimg", "-q", "--raw", png, NULL };

          if (!g_str_has_suffix (name, ".png"))
            continue;
          if (out == NULL || *out == '\0')
            {
              g_free (out);
              out = g_strstrip (pz_test_run (zbar));
            }
          g_unlink (png);
        }
      if (out == NULL)
        out = g_strdup ("");
    }
  else
    out = pz_test_run (text);
  g_unlink (path);
  g_rmdir (dir);
  return out;
}

/**
 * pz_test_pdf_text:
 *
 * Returns: (transfer full): the text of @pdf as pdftotext reads it (poppler
 *   opens it, or fails)
 */
char *
pz_test_pdf_text (GBytes *pdf)
{
  return pdf_tool (pdf, FALSE);
}

/**
 * pz_test_pdf_qr:
 *
 * Returns: (transfer full): the URL in the QR code of @pdf's first page,
 *   read from a rendering as a phone would
 */
char *
pz_test_pdf_qr (GBytes *pdf)
{
  return pdf_tool (pdf, TRUE);
}

/* A self-signed certificate for 127.0.0.1, as an office would make for its
 * server; written as PEM files.  Returns the certificate's PEM. */
char *
pz_test_make_certificate (const char *cert_path,
                          const char *key_path)
{
  gnutls_x509_privkey_t key;
  gnutls_x509_crt_t crt;
  gnutls_datum_t pem = { 0 };
  char serial[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
  time_t now = time (NULL);
  guint8 ip[4] = { 127, 0, 0, 1 };
  char *cert_pem;

  g_assert_cmpint (gnutls_x509_privkey_init (&key), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA,
                                                 GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  gnutls_x509_crt_set_version (crt, 3);
  gnutls_x509_crt_set_serial (crt, serial, sizeof serial);
  gnutls_x509_crt_set_activation_time (crt, now - 3600);
  gnutls_x509_crt_set_expiration_time (crt, now + 30 * 24 * 3600);
  gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, "izin.test", strlen ("izin.test"));
  gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_IPADDRESS, ip, sizeof ip, GNUTLS_FSAN_SET);
  gnutls_x509_crt_set_key (crt, key);
  g_assert_cmpint (gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0), ==, 0);

  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &pem), ==, 0);
  cert_pem = g_strndup ((const char *) pem.data, pem.size);
  g_assert_true (g_file_set_contents (cert_path, cert_pem, -1, NULL));
  gnutls_free (pem.data);
  g_assert_cmpint (gnutls_x509_privkey_export2 (key, GNUTLS_X509_FMT_PEM, &pem), ==, 0);
  g_assert_true (g_file_set_contents (key_path, (const char *) pem.data, (gssize) pem.size, NULL));
  gnutls_free (pem.data);
  gnutls_x509_crt_deinit (crt);
  gnutls_x509_privkey_deinit (key);
  return cert_pem;
}
