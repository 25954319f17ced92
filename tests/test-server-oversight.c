/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Time made visible: each step's office time against its standard, the
 * service clock that stops while the file waits for the applicant, due
 * times that follow the calendar, late files told once to the right people,
 * the oversight report against figures worked out by hand, and the
 * applicants' survey. The files are made through the engine at chosen
 * times; the checks go through a real server on a loopback socket. */
#include "config.h"

#include <libsoup/soup.h>
#include <sqlite3.h>
#include <string.h>

#include "pz-demo.h"
#include "pz-report.h"
#include "pz-test-server.h"

static PzTestServer *ts;
static char *workdir;
static gint64 file_a, file_b, file_c, file_d;

/* A moment in the office's time zone (WIB). */
static gint64
wib (int year, int month, int day, int hour, int minute)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("+07:00");
  g_autoptr(GDateTime) dt = g_date_time_new (tz, year, month, day, hour, minute, 0);

  return g_date_time_to_unix (dt);
}

static gint64
register_at (PzEngine   *engine,
             const char *name,
             gint64      when)
{
  PzStore *store = pz_engine_get_store (engine);
  g_autoptr(PzUser) front = pz_store_find_user (store, PZ_STORE_FIRST_OFFICE, "front_office");
  g_autoptr(JsonObject) body = json_object_new ();
  JsonObject *applicant = json_object_new ();
  g_autoptr(GPtrArray) details = pz_details_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PzApplication) app = NULL;

  json_object_set_string_member (body, "permit_type", "SIP-DOKTER");
  json_object_set_string_member (body, "request_type", "new");
  json_object_set_string_member (applicant, "name", name);
  json_object_set_string_member (applicant, "nik", "3201014507900002");
  json_object_set_string_member (applicant, "address", "Jl. Melati No. 17, Sukamaju");
  json_object_set_string_member (applicant, "phone", "081234567890");
  json_object_set_object_member (body, "applicant", applicant);
  {
    JsonObject *data = json_object_new ();

    json_object_set_string_member (data, "nomor_str", "3121100219987654");
    json_object_set_string_member (data, "tempat_praktik", "RSUD Sukamaju");
    json_object_set_string_member (data, "alamat_praktik", "Jl. Rumah Sakit No. 1, Sukamaju");
    json_object_set_object_member (body, "data", data);
  }
  app = pz_engine_register (engine, front, body, when, details, &error);
  if (app == NULL)
    g_error ("registration: %s", error ? error->message : "refused");
  return app->id;
}

static void
step (PzEngine   *engine,
      gint64      id,
      const char *action,
      gint64      when)
{
  g_autoptr(GError) error = NULL;

  if (!pz_demo_take_step (engine, id, action, when, &error))
    g_error ("%s at %" G_GINT64_FORMAT ": %s", action, when, error->message);
}

/* The office of the checks below, with files whose every figure is known.
 * Office hours 07:30–16:00 (30 600 s a day); 18–24 March 2026 are days off
 * (Nyepi, Idul Fitri and their collective leave). */
static void
make_office (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *location = pz_test_db_location (workdir);
  PzEngine *engine = pz_engine_new_with_store (workdir, pz_test_on_postgresql () ? location : NULL, NULL, "+07:00",
                                               &error);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_no_error (error);
  {
    /* where the server keeps the key: the demo office makes one there */
    g_autofree char *key = g_build_filename (workdir, "signing.p12", NULL);
    pz_engine_set_signing_key (engine, key);
  }
  g_assert_true (pz_demo_create_office (engine, &error));
  g_assert_no_error (error);

  /* A: returned for a document, waits nine days for the applicant over
   * the holidays, then goes all the way and is handed over. */
  file_a = register_at (engine, "dr. Anisa Putri", wib (2026, 3, 13, 15, 0));
  step (engine, file_a, "approve", wib (2026, 3, 13, 15, 30));   /* registration 1 800 */
  step (engine, file_a, "return", wib (2026, 3, 16, 8, 0));      /* document check 1 800 + 1 800 */
  step (engine, file_a, "approve", wib (2026, 3, 25, 9, 0));     /* waiting: the applicant's time */
  step (engine, file_a, "approve", wib (2026, 3, 25, 9, 30));    /* document check 1 800; service starts */
  step (engine, file_a, "approve", wib (2026, 3, 25, 10, 0));    /* data entry 1 800 */
  step (engine, file_a, "approve", wib (2026, 3, 26, 8, 0));     /* kasi 21 600 + 1 800 */
  step (engine, file_a, "approve", wib (2026, 3, 26, 8, 5));     /* kabid 300 */
  step (engine, file_a, "approve", wib (2026, 3, 26, 8, 15));    /* sekretaris 600 */
  step (engine, file_a, "approve", wib (2026, 3, 26, 8, 20));    /* kadis 300 */
  step (engine, file_a, "approve", wib (2026, 3, 26, 8, 25));    /* numbering 300 */
  step (engine, file_a, "approve", wib (2026, 3, 26, 8, 30));    /* signing 300 */
  step (engine, file_a, "approve", wib (2026, 3, 30, 7, 40));    /* hand-over 27 000 + 30 600 + 600 */

  /* B: its document check spans the days off; refused by the Kadis. */
  file_b = register_at (engine, "dr. Rina Wulandari", wib (2026, 3, 17, 14, 30));
  step (engine, file_b, "approve", wib (2026, 3, 17, 14, 40));   /* registration 600 */
  step (engine, file_b, "approve", wib (2026, 3, 25, 8, 0));     /* document check 4 800 + 1 800 */
  step (engine, file_b, "approve", wib (2026, 3, 25, 8, 10));    /* data entry 600 */
  step (engine, file_b, "approve", wib (2026, 3, 25, 8, 20));    /* kasi 600 */
  step (engine, file_b, "approve", wib (2026, 3, 25, 8, 25));    /* kabid 300 */
  step (engine, file_b, "approve", wib (2026, 3, 25, 8, 30));    /* sekretaris 300 */
  step (engine, file_b, "refuse", wib (2026, 3, 25, 9, 0));      /* kadis 1 800 */

  /* C: registered on the last day of March, still at the document check. */
  file_c = register_at (engine, "drg. Maya Kusuma", wib (2026, 3, 31, 9, 0));
  step (engine, file_c, "approve", wib (2026, 3, 31, 9, 10));    /* registration 600 */

  /* D: documents complete twelve days ago, still at data entry: late for
   * its step and past the service standard. */
  file_d = register_at (engine, "dr. Yusuf Maulana", now - 12 * 86400);
  step (engine, file_d, "approve", now - 12 * 86400 + 600);
  step (engine, file_d, "approve", now - 12 * 86400 + 1200);

  pz_engine_free (engine);
}

static JsonObject *
get_file (gint64 id)
{
  return pz_test_get_application (ts, pz_test_login (ts, "kasi"), id);
}

static JsonObject *
clock_of (JsonObject *file,
          const char *step_id,
          guint       nth)
{
  JsonArray *clocks = json_object_get_array_member (file, "clocks");

  for (guint i = 0; i < json_array_get_length (clocks); i++)
    {
      JsonObject *c = json_array_get_object_element (clocks, i);
      if (g_str_equal (json_object_get_string_member (c, "step"), step_id) && nth-- == 0)
        return c;
    }
  g_error ("no clock %s", step_id);
}

/* Office time per step across a weekend, the days off and the applicant's
 * time; the service clock counts from complete documents only. */
static void
test_clocks (void)
{
  g_autoptr(JsonObject) a = get_file (file_a);
  g_autoptr(JsonObject) b = get_file (file_b);
  JsonObject *service = json_object_get_object_member (a, "service");

  /* Friday 15:30 to Monday 08:00 */
  g_assert_cmpint (json_object_get_int_member (clock_of (a, "document_check", 0), "office_seconds"), ==, 3600);
  g_assert_false (json_object_get_boolean_member (clock_of (a, "document_check", 0), "within_standard"));
  g_assert_cmpint (json_object_get_int_member (clock_of (a, "registration", 0), "office_seconds"), ==, 1800);
  g_assert_true (json_object_get_boolean_member (clock_of (a, "registration", 0), "within_standard"));
  /* Wednesday 10:00 to Thursday 08:00 */
  g_assert_cmpint (json_object_get_int_member (clock_of (a, "kasi_verification", 0), "office_seconds"), ==, 23400);
  g_assert_cmpint (json_object_get_int_member (clock_of (a, "kasi_verification", 0), "standard_seconds"), ==, 300);
  /* Thursday 08:30 to Monday 07:40, over a working Friday */
  g_assert_cmpint (json_object_get_int_member (clock_of (a, "handover", 0), "office_seconds"), ==, 58200);
  /* the nine days waiting for the applicant are nobody's step */
  {
    JsonArray *clocks = json_object_get_array_member (a, "clocks");
    for (guint i = 0; i < json_array_get_length (clocks); i++)
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (clocks, i), "step"), !=,
                       "waiting_applicant");
  }
  /* from the document check approval on 25 March: 1 800 + 23 400 + 300 + 600 + 300 + 300 + 300 + 58 200 */
  g_assert_cmpint (json_object_get_int_member (service, "office_seconds"), ==, 85200);
  g_assert_cmpint (json_object_get_int_member (service, "standard_seconds"), ==, 5 * 30600);
  g_assert_true (json_object_get_boolean_member (service, "within_standard"));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (service, "started_at"), "2026-03-25T09:30:00"));

  /* Tuesday 17 March 14:40 … Wednesday 25 March 08:00 with seven days off between */
  g_assert_cmpint (json_object_get_int_member (clock_of (b, "document_check", 0), "office_seconds"), ==, 6600);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (b, "service"), "office_seconds"), ==,
                   3600);
}

/* A day off added moves the open files' due times; removed, they return. */
static void
test_holiday_moves_due_times (void)
{
  const char *admin = pz_test_login (ts, "admin");
  g_autoptr(JsonObject) before = get_file (file_c);
  g_autoptr(JsonObject) during = NULL;
  g_autoptr(JsonObject) after = NULL;

  /* entered the document check at 09:10 with a standard of 15 minutes */
  g_assert_true (g_str_has_prefix (json_object_get_string_member (before, "due_at"), "2026-03-31T09:25:00"));
  {
    g_autoptr(PzResponse) put = pz_test_request (ts, "PUT", "/api/v1/admin/holidays/2026-03-31", admin,
                                                 "{\"name\":\"Hari jadi kabupaten\",\"kind\":\"regional\"}");
    g_assert_cmpuint (put->status, ==, 200);
  }
  during = get_file (file_c);
  /* the next office time is Wednesday 07:30 */
  g_assert_true (g_str_has_prefix (json_object_get_string_member (during, "due_at"), "2026-04-01T07:45:00"));
  {
    g_autoptr(PzResponse) del = pz_test_request (ts, "DELETE", "/api/v1/admin/holidays/2026-03-31", admin, NULL);
    g_assert_cmpuint (del->status, ==, 204);
  }
  after = get_file (file_c);
  g_assert_cmpstr (json_object_get_string_member (after, "due_at"), ==,
                   json_object_get_string_member (before, "due_at"));
}

typedef struct {
  SoupWebsocketConnection *conn;
  GPtrArray               *late;   /* the application.late messages */
  gboolean                 failed;
} Listener;

static void
ws_message (SoupWebsocketConnection *conn,
            int                      type,
            GBytes                  *message,
            Listener                *l)
{
  g_autofree char *text = g_strndup (g_bytes_get_data (message, NULL), g_bytes_get_size (message));

  if (strstr (text, "\"application.late\""))
    g_ptr_array_add (l->late, g_steal_pointer (&text));
}

static void
ws_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Listener *l = data;
  g_autoptr(GError) error = NULL;

  l->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (l->conn == NULL)
    l->failed = TRUE;
  else
    g_signal_connect (l->conn, "message", G_CALLBACK (ws_message), l);
}

static void
spin (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
}

static gint64
late_total (const char *username,
            const char *reason_of_first)
{
  g_autoptr(PzResponse) r = pz_test_request (ts, "GET", "/api/v1/late-files", pz_test_login (ts, username), NULL);
  JsonObject *o = pz_response_object (r);
  JsonArray *items = json_object_get_array_member (o, "items");

  g_assert_cmpuint (r->status, ==, 200);
  if (reason_of_first)
    g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (json_array_get_object_element (items, 0),
                                                                                  "reasons"), 0), ==, reason_of_first);
  return json_object_get_int_member (o, "total");
}

/* How many commits the database has seen, read beside the server through a
 * connection of its own: on PostgreSQL, the next transaction id, which
 * every transaction that writes takes one of. */
static gint64
commits_seen (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  if (pz_test_on_postgresql ())
    return pz_test_server_sql_int (ts, "SELECT pg_snapshot_xmax (pg_current_snapshot ())::text::bigint");
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA data_version", -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

/* Looking at the late files changes nothing: the periodic job, not the
 * list, announces and notes what became late. */
static void
assert_late_files_read_only (const char *username)
{
  g_autofree char *path = g_build_filename (pz_test_server_get_dir (ts), "perizinan.db", NULL);
  sqlite3 *db = NULL;
  gint64 before;

  if (!pz_test_on_postgresql ())
    g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  /* a first request keeps the session alive (a write of its own) */
  {
    g_autoptr(PzResponse) r = pz_test_request (ts, "GET", "/api/v1/inbox", pz_test_login (ts, username), NULL);

    g_assert_cmpuint (r->status, ==, 200);
  }
  before = commits_seen (db);
  for (int i = 0; i < 3; i++)
    {
      g_autoptr(PzResponse) r = pz_test_request (ts, "GET", "/api/v1/late-files", pz_test_login (ts, username), NULL);

      g_assert_cmpuint (r->status, ==, 200);
    }
  g_assert_cmpint (commits_seen (db), ==, before);
  sqlite3_close (db);
}

/* Late files: the step's role and its superior see them; the Kadis sees
 * the file near (here past) the legal deadline; each is announced once. */
static void
test_escalation (void)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strdup_printf ("ws://127.0.0.1:%u/api/v1/events", pz_test_server_get_port (ts));
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", pz_test_login (ts, "kasi"));
  Listener l = { NULL, g_ptr_array_new_with_free_func (g_free), FALSE };
  gint64 until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL, ws_connected, &l);
  while (l.conn == NULL && !l.failed && g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (l.conn);

  /* C waits at the front office's document check, D at the back office's data entry */
  assert_late_files_read_only ("front_office");
  assert_late_files_read_only ("kadis");
  g_assert_cmpint (late_total ("front_office", "step"), ==, 1);
  g_assert_cmpint (late_total ("back_office", "step"), ==, 1);
  g_assert_cmpint (late_total ("kasi", "step"), ==, 2);
  g_assert_cmpint (late_total ("kabid", NULL), ==, 0);
  g_assert_cmpint (late_total ("kadis", "deadline"), ==, 1);
  /* the server's own look (every second here) tells of them */
  for (gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC; l.late->len < 3 && g_get_monotonic_time () < end;)
    spin (50);
  /* C's step, D's step, D's deadline: once each however often one looks */
  g_assert_cmpuint (l.late->len, ==, 3);
  g_assert_cmpint (late_total ("kasi", NULL), ==, 2);
  spin (2500);
  g_assert_cmpuint (l.late->len, ==, 3);
  {
    gboolean deadline_to_kadis = FALSE;

    for (guint i = 0; i < l.late->len; i++)
      {
        const char *text = g_ptr_array_index (l.late, i);
        if (strstr (text, "\"deadline\"") && strstr (text, "\"kadis\""))
          deadline_to_kadis = TRUE;
        if (strstr (text, "\"document_check\""))
          g_assert_nonnull (strstr (text, "[\"front_office\",\"kasi\"]"));
      }
    g_assert_true (deadline_to_kadis);
  }
  soup_websocket_connection_close (l.conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  spin (100);
  g_clear_object (&l.conn);
  g_ptr_array_unref (l.late);
}

static JsonObject *
find_row (JsonArray  *rows,
          const char *member,
          const char *value)
{
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *o = json_array_get_object_element (rows, i);
      if (g_strcmp0 (json_object_get_string_member (o, member), value) == 0)
        return o;
    }
  g_error ("no row with %s %s", member, value);
}

static void
assert_step (JsonArray  *steps,
             const char *step,
             gint64      count,
             double      median,
             gint64      p90,
             double      within)
{
  JsonObject *s = find_row (steps, "step", step);

  g_assert_cmpint (json_object_get_int_member (s, "count"), ==, count);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (s, "median_seconds"), median, 0.001);
  g_assert_cmpint (json_object_get_int_member (s, "p90_seconds"), ==, p90);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (s, "within_standard"), within, 0.001);
}

/* The report for March 2026, figure by figure as worked out above. */
static void
test_report (void)
{
  g_autoptr(PzResponse) r = pz_test_request (ts, "GET", "/api/v1/reports?from=2026-03-01&to=2026-03-31",
                                             pz_test_login (ts, "kadis"), NULL);
  g_autoptr(PzResponse) refused = pz_test_request (ts, "GET", "/api/v1/reports", pz_test_login (ts, "front_office"),
                                                   NULL);
  g_autoptr(PzResponse) backwards = pz_test_request (ts, "GET", "/api/v1/reports?from=2026-04-01&to=2026-03-01",
                                                     pz_test_login (ts, "kadis"), NULL);
  JsonObject *report = pz_response_object (r);
  JsonArray *volume, *steps, *officers;
  JsonObject *service, *row;

  g_assert_cmpuint (refused->status, ==, 403);
  g_assert_cmpuint (backwards->status, ==, 422);
  g_assert_cmpuint (r->status, ==, 200);

  volume = json_object_get_array_member (report, "volume");
  g_assert_cmpuint (json_array_get_length (volume), ==, 1);
  row = json_array_get_object_element (volume, 0);
  g_assert_cmpstr (json_object_get_string_member (row, "month"), ==, "2026-03");
  g_assert_cmpstr (json_object_get_string_member (row, "permit_type"), ==, "SIP-DOKTER");
  g_assert_cmpint (json_object_get_int_member (row, "received"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (row, "issued"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (row, "refused"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (row, "in_progress"), ==, 1);

  steps = json_object_get_array_member (report, "steps");
  assert_step (steps, "registration", 3, 600, 1800, 1.0);
  assert_step (steps, "document_check", 3, 3600, 6600, 0.0);
  assert_step (steps, "data_entry", 2, 1200, 1800, 0.5);
  assert_step (steps, "kasi_verification", 2, 12000, 23400, 0.0);
  assert_step (steps, "kabid_verification", 2, 300, 300, 1.0);
  assert_step (steps, "secretary_verification", 2, 450, 600, 0.5);
  assert_step (steps, "kadis_decision", 2, 1050, 1800, 0.5);
  assert_step (steps, "handover", 1, 58200, 58200, 0.0);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (
                                                 json_object_get_array_member (find_row (steps, "step", "kasi_verification"), "slowest"), 0), "id"),
                   ==, file_a);
  /* the applicant's time is no step of the office */
  for (guint i = 0; i < json_array_get_length (steps); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (steps, i), "step"), !=,
                     "waiting_applicant");

  officers = json_object_get_array_member (report, "officers");
  {
    gboolean found = FALSE;

    for (guint i = 0; i < json_array_get_length (officers); i++)
      {
        JsonObject *o = json_array_get_object_element (officers, i);
        if (g_str_equal (json_object_get_string_member (o, "username"), "front_office") &&
            g_str_equal (json_object_get_string_member (o, "step"), "document_check"))
          {
            g_assert_cmpint (json_object_get_int_member (o, "count"), ==, 3);
            g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, "median_seconds"), 3600, 0.001);
            found = TRUE;
          }
      }
    g_assert_true (found);
  }

  /* A within 85 200 of 153 000 s, B in 3 600 s */
  service = json_object_get_object_member (report, "service");
  g_assert_cmpint (json_object_get_int_member (service, "decided"), ==, 2);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (service, "within_standard"), 1.0, 0.001);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (service, "median_seconds"), 44400, 0.001);

  /* now: C at the document check, D at data entry */
  {
    JsonArray *waiting = json_object_get_array_member (report, "waiting");
    g_assert_cmpint (json_object_get_int_member (find_row (waiting, "step", "document_check"), "count"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (find_row (waiting, "step", "data_entry"), "count"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (find_row (waiting, "step", "kasi_verification"), "count"), ==, 0);
  }
}

/* The survey on the public tracking page: offered after hand-over only,
 * complete answers only, once; the index is the mean times 25. */
static void
test_satisfaction (void)
{
  g_autoptr(JsonObject) a = get_file (file_a);
  g_autoptr(JsonObject) c = get_file (file_c);
  const char *number_a = json_object_get_string_member (a, "tracking_code");
  const char *number_c = json_object_get_string_member (c, "tracking_code");
  g_autofree char *page_path = g_strdup_printf ("/track/%s", number_a);
  g_autofree char *post_a = g_strdup_printf ("/track/%s/survey", number_a);
  g_autofree char *post_c = g_strdup_printf ("/track/%s/survey", number_c);
  g_autofree char *c_page_path = g_strdup_printf ("/track/%s", number_c);
  static const char answers_text[] = "u1=4&u2=3&u3=3&u4=4&u5=3&u6=4&u7=4&u8=2&u9=3&saran=Ruang+tunggu+panas";
  static const char partial_text[] = "u1=4&u2=3&u3=5";
  g_autoptr(GBytes) answers = g_bytes_new_static (answers_text, strlen (answers_text));
  g_autoptr(GBytes) partial = g_bytes_new_static (partial_text, strlen (partial_text));
  g_autoptr(GDateTime) today = g_date_time_new_now_local ();
  g_autofree char *report_path = g_strdup_printf ("/api/v1/reports?from=2026-03-01&to=%d-12-31",
                                                  g_date_time_get_year (today));

  {
    g_autoptr(PzResponse) page = pz_test_request (ts, "GET", page_path, NULL, NULL);
    g_autoptr(PzResponse) c_page = pz_test_request (ts, "GET", c_page_path, NULL, NULL);
    g_assert_nonnull (g_strstr_len (g_bytes_get_data (page->body, NULL), g_bytes_get_size (page->body), "name=\"u9\""));
    g_assert_null (g_strstr_len (g_bytes_get_data (c_page->body, NULL), g_bytes_get_size (c_page->body), "name=\"u9\""));
  }
  {
    g_autoptr(PzResponse) early = pz_test_request_full (ts, "POST", post_c, NULL,
                                                        "application/x-www-form-urlencoded", answers, NULL);
    g_autoptr(PzResponse) incomplete = pz_test_request_full (ts, "POST", post_a, NULL,
                                                             "application/x-www-form-urlencoded", partial, NULL);
    g_autoptr(PzResponse) ok = pz_test_request_full (ts, "POST", post_a, NULL,
                                                     "application/x-www-form-urlencoded", answers, NULL);
    g_autoptr(PzResponse) again = pz_test_request_full (ts, "POST", post_a, NULL,
                                                        "application/x-www-form-urlencoded", answers, NULL);
    g_autoptr(PzResponse) page = pz_test_request (ts, "GET", page_path, NULL, NULL);

    g_assert_cmpuint (early->status, ==, 409);
    g_assert_cmpuint (incomplete->status, ==, 422);
    g_assert_cmpuint (ok->status, ==, 200);
    g_assert_cmpuint (again->status, ==, 409);
    g_assert_null (g_strstr_len (g_bytes_get_data (page->body, NULL), g_bytes_get_size (page->body), "name=\"u9\""));
  }
  {
    g_autoptr(PzResponse) r = pz_test_request (ts, "GET", report_path, pz_test_login (ts, "kadis"), NULL);
    JsonObject *skm = json_object_get_object_member (pz_response_object (r), "satisfaction");
    JsonArray *elements = json_object_get_array_member (skm, "elements");

    g_assert_cmpint (json_object_get_int_member (skm, "responses"), ==, 1);
    g_assert_cmpuint (json_array_get_length (elements), ==, 9);
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (find_row (elements, "element", "complaints"), "index"),
                                    50.0, 0.001);
    /* (4+3+3+4+3+4+4+2+3) / 9 × 25 */
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (skm, "index"), 30.0 / 9.0 * 25.0, 0.001);
    g_assert_cmpstr (json_object_get_string_member (skm, "category"), ==, "B");
  }
}

static void
look_often (PzConfig *config,
            gpointer  data)
{
  config->escalation_interval = 1;
}

int
main (int   argc,
      char *argv[])
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  workdir = g_dir_make_tmp ("perizinan-oversight-XXXXXX", NULL);
  make_office ();
  ts = pz_test_server_start_office (workdir, FALSE, look_often, NULL);
  /* first: nothing may have looked for late files before it listens */
  g_test_add_func ("/server/oversight/escalation", test_escalation);
  g_test_add_func ("/server/oversight/clocks", test_clocks);
  g_test_add_func ("/server/oversight/holiday-moves-due-times", test_holiday_moves_due_times);
  g_test_add_func ("/server/oversight/report", test_report);
  g_test_add_func ("/server/oversight/satisfaction", test_satisfaction);
  rc = g_test_run ();
  pz_test_server_free (ts);
  g_free (workdir);
  return rc;
}
