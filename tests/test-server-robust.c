/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "pz-demo.h"
#include "pz-server.h"
#include "pz-test-server.h"

static PzTestServer *ts;

/* The server's access records, as a log collector would receive them. */
static GMutex access_lock;
static GPtrArray *access_records;  /* GHashTable: field -> value */

static GLogWriterOutput
capture_writer (GLogLevelFlags   level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         data)
{
  GHashTable *record = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gboolean access = FALSE;

  for (gsize i = 0; i < n_fields; i++)
    {
      g_autofree char *value = fields[i].length < 0 ? g_strdup (fields[i].value)
                                                    : g_strndup (fields[i].value, fields[i].length);
      if (g_str_equal (fields[i].key, "GLIB_DOMAIN") && g_str_equal (value, "perizinan-access"))
        access = TRUE;
      g_hash_table_insert (record, g_strdup (fields[i].key), g_steal_pointer (&value));
    }
  if (!access)
    {
      g_hash_table_unref (record);
      return g_log_writer_default (level, fields, n_fields, data);
    }
  g_mutex_lock (&access_lock);
  g_ptr_array_add (access_records, record);
  g_mutex_unlock (&access_lock);
  return G_LOG_WRITER_HANDLED;
}

static gint64
version_of (gint64 id)
{
  g_autoptr(JsonObject) app = pz_test_get_application (ts, pz_test_login (ts, "kadis"), id);
  return json_object_get_int_member (app, "version");
}

static char *
login_again (const char *username)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"demo\"}", username);
  g_autoptr(PzResponse) r = pz_test_request (ts, "POST", "/api/v1/auth/login", NULL, body);

  g_assert_cmpuint (r->status, ==, 200);
  return g_strdup (json_object_get_string_member (pz_response_object (r), "token"));
}

typedef struct {
  PzTestServer *ts;
  const char   *token;
  gint64        id;
  gint64        version;
  guint         status;
} Racer;

static gpointer
race (gpointer data)
{
  Racer *r = data;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/api/v1/applications/%" G_GINT64_FORMAT "/actions",
                                          pz_test_server_get_port (r->ts), r->id);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", r->token);
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *body = g_strdup_printf ("{\"action\":\"approve\",\"version\":%" G_GINT64_FORMAT "}", r->version);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr(GBytes) answer = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Idempotency-Key", key);
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  answer = soup_session_send_and_read (session, msg, NULL, NULL);
  r->status = soup_message_get_status (msg);
  return NULL;
}

/* Two Kasi desks approve the same version at once: one wins, one hears who
 * changed the file. */
static void
test_two_clients (void)
{
  gint64 id = pz_test_register (ts, pz_test_login (ts, "front_office"), "SIP-DOKTER", "new");
  g_autofree char *t1 = NULL;
  g_autofree char *t2 = NULL;
  Racer a = { 0 }, b = { 0 };
  GThread *ta, *tb;

  pz_test_drive_to (ts, id, "kasi_verification");
  t1 = login_again ("kasi");
  t2 = login_again ("kasi");
  a = (Racer) { ts, t1, id, version_of (id), 0 };
  b = (Racer) { ts, t2, id, version_of (id), 0 };
  ta = g_thread_new ("a", race, &a);
  tb = g_thread_new ("b", race, &b);
  g_thread_join (ta);
  g_thread_join (tb);

  g_test_message ("racers: %u %u", a.status, b.status);
  g_assert_true ((a.status == 200 && b.status == 409) || (a.status == 409 && b.status == 200));
  g_assert_cmpint (version_of (id), ==, a.version + 1);

  {
    g_autoptr(PzResponse) stale = pz_test_act (ts, t1, id, "approve", a.version, NULL, NULL);
    g_autoptr(PzResponse) current = pz_test_act (ts, t1, id, "approve", a.version + 1, NULL, NULL);
    const char *message;

    g_assert_cmpuint (stale->status, ==, 409);
    g_assert_cmpstr (pz_response_error_code (stale), ==, "stale_version");
    message = json_object_get_string_member (json_object_get_object_member (pz_response_object (stale), "error"),
                                             "message");
    g_assert_nonnull (strstr (message, "kasi"));
    /* reloaded, Kasi sees the file has moved on to the Kabid */
    g_assert_cmpuint (current->status, ==, 403);
  }
}

static void
test_idempotency (void)
{
  gint64 id = pz_test_register (ts, pz_test_login (ts, "front_office"), "PBG", "new");
  const char *front = pz_test_login (ts, "front_office");
  g_autofree char *path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/actions", id);
  g_autofree char *body = g_strdup_printf ("{\"action\":\"approve\",\"version\":%" G_GINT64_FORMAT "}",
                                           version_of (id));
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr(GBytes) other = g_bytes_new_static ("{\"action\":\"approve\",\"version\":99}", 33);
  g_autoptr(PzResponse) first = pz_test_request_full (ts, "POST", path, front, "application/json", bytes, "key-1");
  g_autoptr(PzResponse) again = pz_test_request_full (ts, "POST", path, front, "application/json", bytes, "key-1");
  g_autoptr(PzResponse) reuse = pz_test_request_full (ts, "POST", path, front, "application/json", other, "key-1");
  g_autoptr(PzResponse) missing = pz_test_request_full (ts, "POST", path, front, "application/json", bytes, NULL);
  g_autoptr(JsonObject) app = NULL;

  g_assert_cmpuint (first->status, ==, 200);
  g_assert_cmpuint (again->status, ==, 200);
  g_assert_true (g_bytes_equal (first->body, again->body));
  g_assert_cmpuint (reuse->status, ==, 409);
  g_assert_cmpuint (missing->status, ==, 400);

  app = pz_test_get_application (ts, front, id);
  g_assert_cmpint (json_object_get_int_member (app, "version"), ==, 2);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (app, "history")), ==, 2);
}

/* What a client sends that is not a valid request gets a 4xx and leaves the
 * database as it was. */
static void
test_bad_bodies (void)
{
  const char *front = pz_test_login (ts, "front_office");
  gint64 id = pz_test_register (ts, front, "PBG", "new");
  g_autofree char *path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/actions", id);
  g_autoptr(PzResponse) list_before = pz_test_request (ts, "GET", "/api/v1/applications?limit=500", front, NULL);
  g_autoptr(PzResponse) list_after = NULL;
  g_autoptr(JsonObject) before = pz_test_get_application (ts, front, id);
  g_autoptr(JsonObject) after = NULL;
  g_autofree char *huge_name = NULL;
  g_autofree char *huge_body = NULL;
  GString *big = g_string_new ("{\"permit_type\":\"PBG\",\"request_type\":\"new\",\"applicant\":{\"name\":\"");
  static const struct {
    const char *path;  /* NULL: the actions path */
    const char *body;
    guint       status;
  } cases[] = {
    { NULL, "{\"action\":\"approve\",", 400 },
    { NULL, "[1,2,3]", 400 },
    { NULL, "", 400 },
    { NULL, "{\"action\":5,\"version\":1}", 400 },
    { NULL, "{\"action\":\"approve\",\"version\":\"1\"}", 400 },
    { NULL, "{\"action\":\"approve\",\"version\":1,\"data\":[]}", 400 },
    { NULL, "{\"action\":\"approve\",\"version\":1,\"sneaky\":true}", 400 },
    { NULL, "{\"action\":\"teleport\",\"version\":1}", 400 },
    { NULL, "{\"action\":\"approve\",\"version\":1,\"note\":\"\xff\xfe\"}", 400 },
    { NULL, "{\"action\":\"approve\",\"version\":1,\"data\":{\"x\":1}}", 422 },
    { "/api/v1/applications", "{\"permit_type\":\"PBG\",\"request_type\":\"new\",\"applicant\":{\"name\":\"A\"},\"extra\":1}", 400 },
    { "/api/v1/applications", "{\"permit_type\":\"PBG\",\"request_type\":\"new\",\"applicant\":{\"name\":\"A\",\"age\":3}}", 400 },
    { "/api/v1/applications", "{\"permit_type\":42}", 422 },
    { "/api/v1/applications", "nul\0l", 400 },
    { "/api/v1/auth/login", "{\"username\":[],\"password\":\"x\"}", 400 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = g_bytes_new (cases[i].body, strlen (cases[i].body));
      g_autoptr(PzResponse) r = pz_test_request_full (ts, "POST", cases[i].path ? cases[i].path : path, front,
                                                      "application/json", body, "bad-body-key");
      if (r->status != cases[i].status)
        g_error ("case %u (%s): expected %u, got %u", i, cases[i].body, cases[i].status, r->status);
      g_assert_nonnull (pz_response_error_code (r));
    }

  /* a name of 10,000 characters is refused by name, not by the size limit */
  huge_name = g_strnfill (10000, 'A');
  g_string_append_printf (big, "%s\",\"nik\":\"3201011203850001\",\"address\":\"Jl. A\",\"phone\":\"081234567890\"}}",
                          huge_name);
  {
    g_autoptr(PzResponse) r = pz_test_request (ts, "POST", "/api/v1/applications", front, big->str);
    g_assert_cmpuint (r->status, ==, 422);
  }
  g_string_free (big, TRUE);

  /* over the body limit: 413 */
  huge_body = g_strnfill (2 * 1024 * 1024, ' ');
  {
    g_autoptr(PzResponse) r = pz_test_request (ts, "POST", "/api/v1/applications", front, huge_body);
    g_assert_cmpuint (r->status, ==, 413);
  }

  after = pz_test_get_application (ts, front, id);
  g_assert_cmpint (json_object_get_int_member (after, "version"), ==,
                   json_object_get_int_member (before, "version"));
  list_after = pz_test_request (ts, "GET", "/api/v1/applications?limit=500", front, NULL);
  g_assert_true (g_bytes_equal (list_before->body, list_after->body));
}

static void
test_auth (void)
{
  g_autoptr(PzResponse) none = pz_test_request (ts, "GET", "/api/v1/inbox", NULL, NULL);
  g_autoptr(PzResponse) forged = pz_test_request (ts, "GET", "/api/v1/inbox",
                                                  "0000000000000000000000000000000000000000000000000000000000000000", NULL);
  g_autoptr(PzResponse) junk = pz_test_request (ts, "GET", "/api/v1/inbox", "abc", NULL);
  g_autoptr(PzResponse) wrong = pz_test_request (ts, "POST", "/api/v1/auth/login", NULL,
                                                 "{\"username\":\"kasi\",\"password\":\"nope\"}");
  g_autoptr(PzResponse) ghost = pz_test_request (ts, "POST", "/api/v1/auth/login", NULL,
                                                 "{\"username\":\"ghost\",\"password\":\"demo\"}");
  g_autofree char *token = login_again ("kabid");
  g_autoptr(PzResponse) me = pz_test_request (ts, "GET", "/api/v1/me", token, NULL);
  g_autoptr(PzResponse) out = pz_test_request (ts, "POST", "/api/v1/auth/logout", token, NULL);
  g_autoptr(PzResponse) after = pz_test_request (ts, "GET", "/api/v1/me", token, NULL);

  g_assert_cmpuint (none->status, ==, 401);
  g_assert_cmpuint (forged->status, ==, 401);
  g_assert_cmpuint (junk->status, ==, 401);
  g_assert_cmpuint (wrong->status, ==, 401);
  g_assert_cmpuint (ghost->status, ==, 401);
  g_assert_cmpuint (me->status, ==, 200);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (pz_response_object (me), "roles"), 0),
                   ==, "kabid");
  g_assert_cmpuint (out->status, ==, 204);
  g_assert_cmpuint (after->status, ==, 401);
}

static void
test_throttle (void)
{
  g_autoptr(PzResponse) good = NULL;

  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(PzResponse) r = pz_test_request (ts, "POST", "/api/v1/auth/login", NULL,
                                                 "{\"username\":\"sekretaris\",\"password\":\"guess\"}");
      g_assert_cmpuint (r->status, ==, 401);
    }
  /* even the right password waits now */
  good = pz_test_request (ts, "POST", "/api/v1/auth/login", NULL,
                          "{\"username\":\"Sekretaris\",\"password\":\"demo\"}");
  g_assert_cmpuint (good->status, ==, 429);
  g_assert_cmpstr (pz_response_error_code (good), ==, "throttled");
}

static void
test_not_found (void)
{
  const char *front = pz_test_login (ts, "front_office");
  gint64 id = pz_test_register (ts, front, "PBG", "new");
  g_autoptr(GBytes) pdf = g_bytes_new_static ("%PDF-1.4 x", 10);
  static const char * const tricks[] = { "..%2Fx", "%2e%2e", "..", "ktp%00", "KTP", "pbg_lama", "x%2F..%2F..%2Fetc" };

  for (guint i = 0; i < G_N_ELEMENTS (tricks); i++)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/documents/%s", id, tricks[i]);
      g_autoptr(PzResponse) r = pz_test_request_full (ts, "PUT", path, front, "application/pdf", pdf, NULL);
      g_autoptr(JsonObject) app = pz_test_get_application (ts, front, id);

      /* Our router answers 404; what the HTTP layer itself refuses as a
       * malformed or dot-segment path gets its 400 or 405. Never a 2xx. */
      if (r->status != 404 && r->status != 400 && r->status != 405)
        g_error ("%s: expected a refusal, got %u", tricks[i], r->status);
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (app, "documents")), ==, 0);
    }
  {
    g_autoptr(PzResponse) r = pz_test_request (ts, "GET", "/api/v1/applications/999999", front, NULL);
    g_autoptr(PzResponse) r2 = pz_test_request (ts, "GET", "/api/v1/applications/abc", front, NULL);
    g_autoptr(PzResponse) r3 = pz_test_request (ts, "GET", "/api/v1/nothing", front, NULL);
    g_autoptr(PzResponse) r4 = pz_test_request (ts, "DELETE", "/api/v1/inbox", front, NULL);
    g_assert_cmpuint (r->status, ==, 404);
    g_assert_cmpuint (r2->status, ==, 404);
    g_assert_cmpuint (r3->status, ==, 404);
    g_assert_cmpuint (r4->status, ==, 405);
  }
}

static void
test_documents (void)
{
  const char *front = pz_test_login (ts, "front_office");
  gint64 id = pz_test_register (ts, front, "PBG", "new");
  g_autofree char *path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/documents/ktp", id);
  g_autoptr(GBytes) pdf = pz_demo_scan_pdf ("KTP", 2);
  g_autoptr(GBytes) exe = g_bytes_new_static ("MZ\x90\x00", 4);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(PzResponse) up = pz_test_request_full (ts, "PUT", path, front, "application/pdf", pdf, NULL);
  g_autoptr(PzResponse) down = pz_test_request_full (ts, "GET", path, front, NULL, NULL, NULL);
  g_autoptr(PzResponse) wrong = pz_test_request_full (ts, "PUT", path, front, "application/pdf", exe, NULL);
  g_autoptr(PzResponse) zero = pz_test_request_full (ts, "PUT", path, front, "application/pdf", empty, NULL);
  g_autoptr(PzResponse) kasi = pz_test_request_full (ts, "PUT", path, pz_test_login (ts, "kasi"),
                                                     "application/pdf", pdf, NULL);
  g_autofree char *sum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, pdf);

  g_assert_cmpuint (up->status, ==, 201);
  g_assert_cmpstr (json_object_get_string_member (pz_response_object (up), "sha256"), ==, sum);
  g_assert_cmpuint (down->status, ==, 200);
  g_assert_true (g_bytes_equal (down->body, pdf));
  g_assert_cmpstr (down->content_type, ==, "application/pdf");
  g_assert_cmpuint (wrong->status, ==, 415);
  g_assert_cmpuint (zero->status, ==, 422);
  g_assert_cmpuint (kasi->status, ==, 403);
}

static void
test_reference_and_search (void)
{
  const char *front = pz_test_login (ts, "front_office");
  g_autoptr(PzResponse) types = pz_test_request (ts, "GET", "/api/v1/permit-types", front, NULL);
  g_autoptr(PzResponse) flows = pz_test_request (ts, "GET", "/api/v1/workflows", front, NULL);
  g_autoptr(PzResponse) search = pz_test_request (ts, "GET", "/api/v1/applications?q=Anisa", front, NULL);
  g_autoptr(PzResponse) by_nik = pz_test_request (ts, "GET", "/api/v1/applications?q=3201014507900002", front, NULL);
  g_autoptr(PzResponse) by_step = pz_test_request (ts, "GET", "/api/v1/applications?step=waiting_applicant", front, NULL);
  g_autoptr(PzResponse) page = pz_test_request (ts, "GET", "/api/v1/applications?limit=3", front, NULL);
  g_autoptr(PzResponse) bad = pz_test_request (ts, "GET", "/api/v1/applications?limit=0", front, NULL);
  g_autoptr(PzResponse) health = pz_test_request (ts, "GET", "/healthz", NULL, NULL);
  g_autoptr(PzResponse) openapi = pz_test_request (ts, "GET", "/api/v1/openapi.json", NULL, NULL);
  g_autoptr(PzResponse) inbox = pz_test_request (ts, "GET", "/api/v1/inbox", pz_test_login (ts, "kasi"), NULL);
  JsonArray *list = json_node_get_array (types->json);
  JsonArray *items;
  gboolean wet = FALSE, no_survey = FALSE;
  const char *cursor;

  g_assert_cmpuint (json_array_get_length (list), ==, 4);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *t = json_array_get_object_element (list, i);
      wet |= g_str_equal (json_object_get_string_member (t, "signing"), "wet");
      no_survey |= !json_object_get_boolean_member (t, "survey");
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (t, "requirements")), >=, 5);
    }
  g_assert_true (wet && no_survey);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (flows->json)), ==, 1);

  items = json_object_get_array_member (pz_response_object (search), "items");
  g_assert_cmpuint (json_array_get_length (items), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, 0), "applicant_name"), ==,
                   "dr. Anisa Putri");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (pz_response_object (by_nik), "items")), ==, 1);
  items = json_object_get_array_member (pz_response_object (by_step), "items");
  g_assert_cmpuint (json_array_get_length (items), >=, 1);
  for (guint i = 0; i < json_array_get_length (items); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, i), "status"), ==,
                     "waiting_applicant");

  cursor = json_object_get_string_member (pz_response_object (page), "next_cursor");
  g_assert_nonnull (cursor);
  {
    g_autofree char *next = g_strdup_printf ("/api/v1/applications?limit=3&cursor=%s", cursor);
    g_autoptr(PzResponse) p2 = pz_test_request (ts, "GET", next, front, NULL);
    JsonArray *a = json_object_get_array_member (pz_response_object (page), "items");
    JsonArray *b = json_object_get_array_member (pz_response_object (p2), "items");
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (a, 2), "id"), >,
                     json_object_get_int_member (json_array_get_object_element (b, 0), "id"));
  }
  g_assert_cmpuint (bad->status, ==, 400);
  g_assert_cmpuint (health->status, ==, 200);
  g_assert_cmpuint (openapi->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (pz_response_object (openapi), "openapi"), ==, "3.0.3");

  /* the Kasi's inbox holds only files at Kasi's step, most urgent first */
  items = json_object_get_array_member (pz_response_object (inbox), "items");
  g_assert_cmpuint (json_array_get_length (items), >=, 1);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *it = json_array_get_object_element (items, i);
      g_assert_cmpstr (json_object_get_string_member (it, "step"), ==, "kasi_verification");
      if (i > 0)
        g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, i - 1), "due_at"), <=,
                         json_object_get_string_member (it, "due_at"));
    }
}

static guint
get_metrics (const char *token,
             const char *forwarded_for,
             char      **text)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/metrics", pz_test_server_get_port (ts));
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;

  if (token)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  if (forwarded_for)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "X-Forwarded-For", forwarded_for);
  body = soup_session_send_and_read (session, msg, NULL, NULL);
  g_assert_nonnull (body);
  if (text)
    *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  return soup_message_get_status (msg);
}

/* The value of the sample @series (name and labels exactly as written), or
 * -1; every line of the text is a comment or a well-formed sample. */
static double
sample (const char *text,
        const char *series)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  double found = -1;

  for (guint i = 0; lines[i]; i++)
    {
      const char *l = lines[i];
      const char *space = strrchr (l, ' ');
      char *end = NULL;
      double v;

      if (*l == '\0' || *l == '#')
        continue;
      g_assert_nonnull (space);
      g_assert_true (g_ascii_isalpha (*l));
      v = g_ascii_strtod (space + 1, &end);
      g_assert_true (end && *end == '\0');
      if (strncmp (l, series, space - l) == 0 && strlen (series) == (gsize) (space - l))
        found = v;
    }
  return found;
}

/* A monitoring agent on the server reads the request counts, the latency
 * histogram, files per step and the outbox backlog; no one else may (see
 * test-server-hostile for the metrics token). */
static void
test_metrics (void)
{
  const char *kasi = pz_test_login (ts, "kasi");
  g_autoptr(PzResponse) inbox = pz_test_request (ts, "GET", "/api/v1/inbox", kasi, NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  double n0, n1;

  g_assert_cmpuint (get_metrics (NULL, NULL, &before), ==, 200);
  n0 = sample (before, "perizinan_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"}");
  for (int i = 0; i < 3; i++)
    {
      g_autoptr(PzResponse) h = pz_test_request (ts, "GET", "/healthz", NULL, NULL);
      g_assert_cmpuint (h->status, ==, 200);
    }
  {
    g_autoptr(PzResponse) missing = pz_test_request (ts, "GET", "/api/v1/applications/999999", kasi, NULL);
    g_assert_cmpuint (missing->status, ==, 404);
  }
  g_assert_cmpuint (get_metrics (NULL, NULL, &after), ==, 200);
  n1 = sample (after, "perizinan_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"}");
  g_assert_cmpfloat (n1 - MAX (n0, 0), ==, 3);
  /* the file's number is not a label: one series for every file */
  g_assert_cmpfloat (sample (after, "perizinan_http_requests_total{route=\"/api/v1/applications/{id}\",method=\"GET\",status=\"404\"}"), >=, 1);
  g_assert_null (strstr (after, "999999"));

  /* the histogram is cumulative and ends at the count */
  {
    double last = 0;
    const char *les[] = { "0.001", "0.01", "0.1", "1", "10", "+Inf" };
    for (guint i = 0; i < G_N_ELEMENTS (les); i++)
      {
        g_autofree char *b = g_strdup_printf ("perizinan_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"%s\"}", les[i]);
        double v = sample (after, b);
        g_assert_cmpfloat (v, >=, last);
        last = v;
      }
    g_assert_cmpfloat (last, ==, sample (after, "perizinan_http_request_duration_seconds_count{route=\"/healthz\"}"));
  }

  /* files at the Kasi's step are the Kasi's inbox */
  g_assert_cmpfloat (sample (after, "perizinan_files{step=\"kasi_verification\"}"), ==,
                     (double) json_object_get_int_member (pz_response_object (inbox), "total"));
  g_assert_cmpfloat (sample (after, "perizinan_files{step=\"registration\"}"), >=, 0);
  g_assert_cmpfloat (sample (after, "perizinan_outbox_pending"), >=, 0);

  /* through a proxy, even with a user's token: refused */
  g_assert_cmpuint (get_metrics (NULL, "203.0.113.9", NULL), ==, 401);
  g_assert_cmpuint (get_metrics (kasi, "203.0.113.9", NULL), ==, 401);
  g_assert_cmpuint (get_metrics (pz_test_login (ts, "admin"), "203.0.113.9", NULL), ==, 401);
}

/* Each request leaves one structured record with its id (also in the
 * answer's X-Request-Id), route, status and user, and nothing secret. */
static void
test_access_log (void)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/api/v1/applications/424242?q=secret-query",
                                          pz_test_server_get_port (ts));
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  g_autofree char *token = login_again ("kasi");
  g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
  const char *id;
  GHashTable *mine = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  body = soup_session_send_and_read (session, msg, NULL, NULL);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 404);
  id = soup_message_headers_get_one (soup_message_get_response_headers (msg), "X-Request-Id");
  g_assert_nonnull (id);
  g_assert_cmpuint (strlen (id), ==, 16);

  /* the record is written once the answer is sent */
  for (int tries = 0; tries < 500 && mine == NULL; tries++)
    {
      g_mutex_lock (&access_lock);
      for (guint i = 0; i < access_records->len; i++)
        {
          GHashTable *r = g_ptr_array_index (access_records, i);
          if (g_strcmp0 (g_hash_table_lookup (r, "REQUEST_ID"), id) == 0)
            mine = g_hash_table_ref (r);
        }
      g_mutex_unlock (&access_lock);
      if (mine == NULL)
        g_usleep (2000);
    }
  g_assert_nonnull (mine);
  g_assert_cmpstr (g_hash_table_lookup (mine, "ROUTE"), ==, "/api/v1/applications/{id}");
  g_assert_cmpstr (g_hash_table_lookup (mine, "METHOD"), ==, "GET");
  g_assert_cmpstr (g_hash_table_lookup (mine, "STATUS"), ==, "404");
  g_assert_cmpstr (g_hash_table_lookup (mine, "USER"), ==, "kasi");
  g_hash_table_unref (mine);

  /* no record anywhere holds a password, a token or a query */
  g_mutex_lock (&access_lock);
  g_assert_cmpuint (access_records->len, >, 10);
  for (guint i = 0; i < access_records->len; i++)
    {
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, g_ptr_array_index (access_records, i));
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          g_assert_null (strstr (value, token));
          g_assert_null (strstr (value, "secret-query"));
          g_assert_null (strstr (value, "\"password\""));
        }
    }
  g_mutex_unlock (&access_lock);
}

/* The OpenAPI document names every route of API.md, and every route it
 * names is served. */
static void
test_openapi (void)
{
  static const char * const contract[][2] = {
    { "/healthz", "get" }, { "/api/v1/auth/login", "post" }, { "/api/v1/auth/logout", "post" },
    { "/api/v1/me", "get" }, { "/api/v1/workflows", "get" }, { "/api/v1/permit-types", "get" },
    { "/api/v1/applications", "post" }, { "/api/v1/applications", "get" }, { "/api/v1/inbox", "get" },
    { "/api/v1/applications/{id}", "get" }, { "/api/v1/applications/{id}/actions", "post" },
    { "/api/v1/applications/{id}/documents/{requirement}", "put" },
    { "/api/v1/applications/{id}/documents/{requirement}", "get" },
    { "/api/v1/applications/{id}/checklist/{requirement}", "put" },
    { "/metrics", "get" }, { "/api/v1/auth/password", "post" },
    { "/api/v1/admin/users", "get" }, { "/api/v1/admin/users", "post" },
    { "/api/v1/admin/users/{id}", "patch" }, { "/api/v1/admin/users/{id}/password", "post" },
    { "/api/v1/admin/audit", "get" }, { "/api/v1/admin/holidays", "get" },
    { "/api/v1/admin/holidays/{date}", "put" }, { "/api/v1/admin/holidays/{date}", "delete" },
    { "/api/v1/admin/users/{id}/acting", "get" }, { "/api/v1/admin/users/{id}/acting", "post" },
    { "/api/v1/admin/users/{id}/acting/{acting_id}", "delete" },
    { "/api/v1/admin/permit-types/{code}", "put" }, { "/api/v1/admin/permit-types/{code}/versions", "get" },
    { "/api/v1/admin/office", "get" }, { "/api/v1/admin/office", "patch" },
    { "/api/v1/admin/office/logo", "get" }, { "/api/v1/admin/office/logo", "put" },
    { "/api/v1/admin/office/logo", "delete" }, { "/api/v1/admin/office/signing-certificate", "put" },
    { "/api/v1/late-files", "get" }, { "/api/v1/reports", "get" }, { "/track/{tracking_code}/survey", "post" },
    { "/track/{tracking_code}", "get" },
  };
  const char *front = pz_test_login (ts, "front_office");
  gint64 id = pz_test_register (ts, front, "PBG", "new");
  g_autoptr(PzResponse) doc = pz_test_request (ts, "GET", "/api/v1/openapi.json", NULL, NULL);
  JsonObject *paths = json_object_get_object_member (pz_response_object (doc), "paths");
  g_autoptr(GList) names = json_object_get_members (paths);
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);

  for (guint i = 0; i < G_N_ELEMENTS (contract); i++)
    {
      JsonObject *item = json_object_get_object_member (paths, contract[i][0]);
      g_assert_nonnull (item);
      g_assert_true (json_object_has_member (item, contract[i][1]));
    }

  for (GList *l = names; l; l = l->next)
    {
      JsonObject *item = json_object_get_object_member (paths, l->data);
      g_autoptr(GList) methods = json_object_get_members (item);

      for (GList *m = methods; m; m = m->next)
        {
          g_autofree char *method = g_ascii_strup (m->data, -1);
          g_autofree char *with_id = NULL;
          g_autofree char *path = NULL;
          g_autoptr(PzResponse) r = NULL;
          g_auto(GStrv) parts = NULL;

          if (g_str_equal (m->data, "parameters"))
            continue;
          parts = g_strsplit (l->data, "{id}", -1);
          with_id = g_strjoinv (id_text, parts);
          g_strfreev (g_steal_pointer (&parts));
          parts = g_strsplit (with_id, "{requirement}", -1);
          g_free (with_id);
          with_id = g_strjoinv ("ktp", parts);
          g_strfreev (g_steal_pointer (&parts));
          parts = g_strsplit (with_id, "{kind}", -1);
          g_free (with_id);
          with_id = g_strjoinv ("receipt", parts);
          g_strfreev (g_steal_pointer (&parts));
          parts = g_strsplit (with_id, "{token}", -1);
          g_free (with_id);
          with_id = g_strjoinv ("00000000000000000000000000000000", parts);
          g_strfreev (g_steal_pointer (&parts));
          parts = g_strsplit (with_id, "{tracking_code}", -1);
          path = g_strjoinv ("0000-0000-0000-0000", parts);
          /* logout last would end the session the other requests use */
          if (g_str_has_suffix (path, "/logout"))
            continue;
          r = pz_test_request (ts, method, path, front, NULL);
          /* served: anything but the router's own "nothing here" */
          if (r->status == 405 || (r->status == 404 && r->json &&
                                   g_strcmp0 (json_object_get_string_member (
                                                json_object_get_object_member (pz_response_object (r), "error"), "message"),
                                              "There is nothing here") == 0))
            g_error ("%s %s is documented but not served (%u)", method, path, r->status);
        }
    }
}

/* The route table and data/openapi.json name the same operations, both
 * ways; a path's 405 lists all its methods; the metrics label of a
 * request is its route's pattern, "other" for anything else. */
static void
test_route_table (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *doc_path = g_test_build_filename (G_TEST_DIST, "..", "data", "openapi.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) documented = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) routed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  static const char * const methods[] = { "get", "put", "post", "delete", "patch", NULL };
  const PzRoute *table;
  guint n;
  JsonObject *paths;
  g_autoptr(GList) names = NULL;

  g_assert_true (json_parser_load_from_file (parser, doc_path, &error));
  g_assert_no_error (error);
  paths = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "paths");
  names = json_object_get_members (paths);
  for (GList *l = names; l; l = l->next)
    for (guint m = 0; methods[m]; m++)
      if (json_object_has_member (json_object_get_object_member (paths, l->data), methods[m]))
        g_hash_table_add (documented, g_strdup_printf ("%s %s", methods[m], (const char *) l->data));

  table = pz_server_get_routes (&n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *lower = g_ascii_strdown (table[i].method, -1);
      char *key = g_strdup_printf ("%s %s", lower, table[i].pattern);

      if (!g_hash_table_contains (documented, key))
        g_error ("%s is routed but not in data/openapi.json", key);
      g_assert_true (g_hash_table_add (routed, key));
    }
  {
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, documented);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      if (!g_hash_table_contains (routed, key))
        g_error ("%s is in data/openapi.json but not routed", (const char *) key);
  }
  g_assert_cmpuint (g_hash_table_size (routed), ==, g_hash_table_size (documented));

  {
    const char *admin = pz_test_login (ts, "admin");
    g_autoptr(PzResponse) users = pz_test_request (ts, "DELETE", "/api/v1/admin/users", admin, NULL);
    g_autoptr(PzResponse) logo = pz_test_request (ts, "POST", "/api/v1/admin/office/logo", admin, NULL);
    g_autoptr(PzResponse) file = pz_test_request (ts, "DELETE", "/api/v1/applications/1", admin, NULL);

    g_assert_cmpuint (users->status, ==, 405);
    g_assert_cmpstr (soup_message_headers_get_one (users->headers, "Allow"), ==, "GET, POST");
    g_assert_cmpuint (logo->status, ==, 405);
    g_assert_cmpstr (soup_message_headers_get_one (logo->headers, "Allow"), ==, "GET, PUT, DELETE");
    g_assert_cmpuint (file->status, ==, 405);
    g_assert_cmpstr (soup_message_headers_get_one (file->headers, "Allow"), ==, "GET");
  }
  g_assert_cmpstr (pz_route_label (table, n, "/api/v1/applications/17/documents/ktp"), ==,
                   "/api/v1/applications/{id}/documents/{requirement}");
  g_assert_cmpstr (pz_route_label (table, n, "/api/v1/admin/office/signing-certificate"), ==,
                   "/api/v1/admin/office/signing-certificate");
  g_assert_cmpstr (pz_route_label (table, n, "/api/v1/admin/office/anything"), ==, "other");
  g_assert_cmpstr (pz_route_label (table, n, "/verify/ABC/pdf"), ==, "/verify/{token}/pdf");
  g_assert_cmpstr (pz_route_label (table, n, "/api/v1/applications/x"), ==, "other");
}

/* Restarting keeps every file, user and session. */
static void
test_restart (void)
{
  const char *front = pz_test_login (ts, "front_office");
  gint64 id = pz_test_register (ts, front, "PBG", "new");
  g_autofree char *token = g_strdup (front);
  g_autofree char *dir = g_strdup (pz_test_server_get_dir (ts));
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(PzResponse) list_before = NULL;
  g_autoptr(PzResponse) list_after = NULL;
  PzTestServer *again;

  pz_test_advance (ts, id);
  before = pz_test_get_application (ts, token, id);
  list_before = pz_test_request (ts, "GET", "/api/v1/applications?limit=500", token, NULL);
  pz_test_server_stop (ts);

  again = pz_test_server_start (dir, TRUE);
  after = pz_test_get_application (again, token, id);
  list_after = pz_test_request (again, "GET", "/api/v1/applications?limit=500", token, NULL);
  g_assert_cmpstr (json_object_get_string_member (after, "step"), ==, json_object_get_string_member (before, "step"));
  g_assert_cmpint (json_object_get_int_member (after, "version"), ==, json_object_get_int_member (before, "version"));
  g_assert_true (g_bytes_equal (list_before->body, list_after->body));
  g_assert_cmpstr (pz_test_login (again, "kadis"), !=, NULL);
  pz_test_server_free (again);
}

/* A file whose permit-type edition the store does not hold (written by
 * an older server, or a damaged row) is still served, under the type's
 * current edition, and can still be worked on. */
static void
test_unknown_edition (void)
{
  PzTestServer *own = pz_test_server_start (NULL, TRUE);
  gint64 id = pz_test_register (own, pz_test_login (own, "front_office"), "PBG", "new");
  g_autofree char *dir = g_strdup (pz_test_server_get_dir (own));
  g_autofree char *sql = g_strdup_printf ("UPDATE applications SET permit_type_version = 97 WHERE id = %" G_GINT64_FORMAT,
                                          id);
  PzTestServer *again;

  pz_test_server_stop (own);
  g_assert_cmpint (pz_test_server_sql (own, sql), ==, 1);

  again = pz_test_server_start (dir, TRUE);
  {
    g_autoptr(JsonObject) app = pz_test_get_application (again, pz_test_login (again, "front_office"), id);

    g_assert_cmpstr (json_object_get_string_member (app, "permit_type"), ==, "PBG");
    g_assert_cmpstr (json_object_get_string_member (app, "step"), ==, "registration");
  }
  pz_test_advance (again, id);
  {
    g_autoptr(JsonObject) app = pz_test_get_application (again, pz_test_login (again, "kadis"), id);
    g_assert_cmpstr (json_object_get_string_member (app, "step"), !=, "registration");
  }
  pz_test_server_free (again);
  pz_test_server_free (own);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  access_records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
  g_log_set_writer_func (capture_writer, NULL, NULL);
  g_setenv ("G_MESSAGES_DEBUG", "perizinan-access", TRUE);
  ts = pz_test_server_start (NULL, TRUE);
  g_test_add_func ("/server/robust/two-clients", test_two_clients);
  g_test_add_func ("/server/robust/idempotency", test_idempotency);
  g_test_add_func ("/server/robust/bad-bodies", test_bad_bodies);
  g_test_add_func ("/server/robust/auth", test_auth);
  g_test_add_func ("/server/robust/throttle", test_throttle);
  g_test_add_func ("/server/robust/not-found", test_not_found);
  g_test_add_func ("/server/robust/documents", test_documents);
  g_test_add_func ("/server/robust/reference-and-search", test_reference_and_search);
  g_test_add_func ("/server/robust/openapi", test_openapi);
  g_test_add_func ("/server/robust/metrics", test_metrics);
  g_test_add_func ("/server/robust/access-log", test_access_log);
  g_test_add_func ("/server/robust/unknown-edition", test_unknown_edition);
  g_test_add_func ("/server/robust/route-table", test_route_table);
  /* last: it stops the shared server */
  g_test_add_func ("/server/robust/restart", test_restart);
  ret = g_test_run ();
  pz_test_server_free (ts);
  g_ptr_array_unref (access_records);
  return ret;
}
