/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "pz-demo.h"
#include "pz-test-server.h"

static PzTestServer *ts;

static const char *
get_step (gint64 id)
{
  static char step[64];
  g_autoptr(JsonObject) app = pz_test_get_application (ts, pz_test_login (ts, "kadis"), id);

  g_strlcpy (step, json_object_get_string_member (app, "step"), sizeof step);
  return step;
}

/* A building approval from the counter to the hand-over, each step done by
 * the demo user of its role. */
static void
test_full_flow (void)
{
  const char *front = pz_test_login (ts, "front_office");
  gint64 id = pz_test_register (ts, front, "PBG", "new");
  static const char * const expected[] = {
    "registration", "document_check", "technical_survey", "data_entry", "kasi_verification",
    "kabid_verification", "secretary_verification", "kadis_decision", "numbering", "signing",
    "handover", "issued", NULL
  };
  g_autoptr(JsonObject) app = NULL;
  JsonArray *history;
  g_autoptr(GRegex) number = g_regex_new ("^503/[0-9]{4}/PBG/DPMPTSP/[IVX]+/20[0-9]{2}$", 0, 0, NULL);
  g_autoptr(GRegex) reg = g_regex_new ("^REG-20[0-9]{2}-[0-9]{6}$", 0, 0, NULL);

  for (guint i = 0; expected[i + 1]; i++)
    {
      g_assert_cmpstr (get_step (id), ==, expected[i]);
      pz_test_advance (ts, id);
    }

  app = pz_test_get_application (ts, front, id);
  g_assert_cmpstr (json_object_get_string_member (app, "step"), ==, "issued");
  g_assert_cmpstr (json_object_get_string_member (app, "status"), ==, "issued");
  g_assert_true (g_regex_match (reg, json_object_get_string_member (app, "registration_number"), 0, NULL));
  g_assert_true (g_regex_match (number, json_object_get_string_member (app, "permit_number"), 0, NULL));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (app, "verify_url"),
                                   "https://izin.example.id/verify/"));
  g_assert_cmpstr (json_object_get_string_member (app, "received_by"), ==, "Wahyu Pratama");
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (app, "allowed_actions")), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (app, "survey"),
                                                  "recommendation"), ==, "feasible");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (app, "data"),
                                               "jumlah_lantai"), ==, 1);

  /* register + 11 approvals, each by the role of its step */
  history = json_object_get_array_member (app, "history");
  g_assert_cmpuint (json_array_get_length (history), ==, 12);
  for (guint i = 1; i < json_array_get_length (history); i++)
    {
      JsonObject *ev = json_array_get_object_element (history, i);
      g_assert_cmpstr (json_object_get_string_member (ev, "from_step"), ==, expected[i - 1]);
      g_assert_cmpstr (json_object_get_string_member (ev, "to_step"), ==, expected[i]);
      g_assert_cmpstr (json_object_get_string_member (ev, "action"), ==, "approve");
      g_assert_cmpstr (json_object_get_string_member (ev, "user"), ==,
                       json_object_get_string_member (ev, "role"));
      g_assert_true (json_object_has_member (ev, "office_seconds"));
    }
}

static void
test_no_survey (void)
{
  const char *front = pz_test_login (ts, "front_office");
  gint64 id = pz_test_register (ts, front, "SIP-DOKTER", "new");

  pz_test_drive_to (ts, id, "document_check");
  pz_test_advance (ts, id);
  g_assert_cmpstr (get_step (id), ==, "data_entry");
}

static gint64
version_of (gint64 id)
{
  g_autoptr(JsonObject) app = pz_test_get_application (ts, pz_test_login (ts, "kadis"), id);
  return json_object_get_int_member (app, "version");
}

/* The counter finds a bad scan, returns the file to the applicant, who
 * brings a new one; the office's clock stands still meanwhile. */
static void
test_return_to_applicant (void)
{
  const char *front = pz_test_login (ts, "front_office");
  gint64 id = pz_test_register (ts, front, "REKLAME", "new");
  g_autofree char *vpath = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/checklist/ktp", id);
  g_autofree char *dpath = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/documents/ktp", id);
  g_autoptr(PzResponse) r = NULL;
  g_autoptr(PzResponse) no_note = NULL;
  g_autoptr(PzResponse) v = NULL;
  g_autoptr(PzResponse) up = NULL;
  g_autoptr(PzResponse) incomplete = NULL;
  g_autoptr(JsonObject) app = NULL;
  g_autoptr(GBytes) scan = NULL;
  JsonArray *history, *details;
  JsonObject *ev;

  pz_test_drive_to (ts, id, "document_check");
  pz_test_complete_documents (ts, front, id);
  v = pz_test_request (ts, "PUT", vpath, front, "{\"verdict\":\"not_ok\",\"note\":\"Scan buram\"}");
  g_assert_cmpuint (v->status, ==, 200);

  /* approve needs every mandatory document OK: the 422 says which */
  incomplete = pz_test_act (ts, front, id, "approve", version_of (id), NULL, NULL);
  g_assert_cmpuint (incomplete->status, ==, 422);
  details = json_object_get_array_member (json_object_get_object_member (pz_response_object (incomplete), "error"),
                                          "details");
  g_assert_cmpuint (json_array_get_length (details), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (details, 0), "field"), ==,
                   "checklist.ktp");

  no_note = pz_test_act (ts, front, id, "return", version_of (id), NULL, NULL);
  g_assert_cmpuint (no_note->status, ==, 422);

  r = pz_test_act (ts, front, id, "return", version_of (id), "KTP tidak terbaca", NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (pz_response_object (r), "status"), ==, "waiting_applicant");
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (pz_response_object (r), "due_at")));

  /* the applicant is told which document and why */
  app = pz_test_get_application (ts, front, id);
  history = json_object_get_array_member (app, "history");
  ev = json_array_get_object_element (history, json_array_get_length (history) - 1);
  g_assert_cmpstr (json_object_get_string_member (ev, "action"), ==, "return");
  g_assert_cmpstr (json_object_get_string_member (ev, "note"), ==, "KTP tidak terbaca");
  {
    JsonArray *items = json_object_get_array_member (json_object_get_object_member (ev, "data"), "not_ok");
    g_assert_cmpuint (json_array_get_length (items), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, 0), "note"), ==,
                     "Scan buram");
  }

  /* the new scan arrives; it replaces the old one and needs a new check */
  scan = pz_test_png (400, 300);
  up = pz_test_request_full (ts, "PUT", dpath, front, "image/png", scan, NULL);
  g_assert_cmpuint (up->status, ==, 201);
  g_assert_cmpstr (json_object_get_string_member (pz_response_object (up), "content_type"), ==, "image/png");
  pz_test_advance (ts, id);
  g_assert_cmpstr (get_step (id), ==, "document_check");
  pz_test_advance (ts, id);
  g_assert_cmpstr (get_step (id), ==, "technical_survey");
  {
    g_autoptr(JsonObject) after = pz_test_get_application (ts, front, id);
    JsonArray *h = json_object_get_array_member (after, "history");
    JsonObject *waiting = NULL;
    for (guint i = 0; i < json_array_get_length (h); i++)
      if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (h, i), "from_step"),
                     "waiting_applicant") == 0)
        waiting = json_array_get_object_element (h, i);
    g_assert_nonnull (waiting);
    g_assert_cmpint (json_object_get_int_member (waiting, "office_seconds"), ==, 0);
  }
}

/* Kasi sends the draft back to back office, which fixes it and sends it up. */
static void
test_return_from_kasi (void)
{
  const char *front = pz_test_login (ts, "front_office");
  gint64 id = pz_test_register (ts, front, "TOKO-MODERN", "new");
  g_autoptr(PzResponse) r = NULL;
  g_autoptr(PzResponse) fix = NULL;
  g_autoptr(JsonObject) app = NULL;

  pz_test_drive_to (ts, id, "kasi_verification");
  r = pz_test_act (ts, pz_test_login (ts, "kasi"), id, "return", version_of (id),
                   "Luas lantai tidak sesuai BAP", NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (get_step (id), ==, "data_entry");

  fix = pz_test_act (ts, pz_test_login (ts, "back_office"), id, "approve", version_of (id), NULL,
                     "{\"luas_lantai\":350}");
  g_assert_cmpuint (fix->status, ==, 200);
  g_assert_cmpstr (get_step (id), ==, "kasi_verification");
  pz_test_advance (ts, id);
  g_assert_cmpstr (get_step (id), ==, "kabid_verification");
  app = pz_test_get_application (ts, front, id);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (app, "data"), "luas_lantai"), ==,
                   350);
}

static void
test_refusal (void)
{
  const char *front = pz_test_login (ts, "front_office");
  const char *kadis = pz_test_login (ts, "kadis");
  gint64 id = pz_test_register (ts, front, "TOKO-MODERN", "change");
  g_autoptr(PzResponse) no_note = NULL;
  g_autoptr(PzResponse) r = NULL;
  g_autoptr(PzResponse) after = NULL;

  pz_test_drive_to (ts, id, "kadis_decision");
  no_note = pz_test_act (ts, kadis, id, "refuse", version_of (id), "  ", NULL);
  g_assert_cmpuint (no_note->status, ==, 422);
  r = pz_test_act (ts, kadis, id, "refuse", version_of (id), "Zonasi tidak sesuai", NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (pz_response_object (r), "status"), ==, "refused");
  g_assert_cmpstr (json_object_get_string_member (pz_response_object (r), "step"), ==, "refused");
  after = pz_test_act (ts, kadis, id, "approve", version_of (id), NULL, NULL);
  g_assert_cmpuint (after->status, ==, 403);
}

/* Step data is checked and a missing or bad field is named. */
static void
test_step_data (void)
{
  const char *front = pz_test_login (ts, "front_office");
  gint64 id = pz_test_register (ts, front, "PBG", "new");
  const char *teknis = pz_test_login (ts, "tim_teknis");
  g_autoptr(PzResponse) bad = NULL;
  g_autoptr(PzResponse) future = NULL;
  g_autoptr(PzResponse) fields = NULL;
  g_autoptr(PzResponse) pass = NULL;
  JsonArray *details;

  pz_test_drive_to (ts, id, "technical_survey");
  bad = pz_test_act (ts, teknis, id, "approve", version_of (id), NULL,
                     "{\"survey_date\":\"2026-02-30\",\"recommendation\":\"maybe\"}");
  g_assert_cmpuint (bad->status, ==, 422);
  details = json_object_get_array_member (json_object_get_object_member (pz_response_object (bad), "error"),
                                          "details");
  g_assert_cmpuint (json_array_get_length (details), ==, 3);

  future = pz_test_act (ts, teknis, id, "approve", version_of (id), NULL,
                        "{\"survey_date\":\"2999-01-01\",\"findings\":\"x\",\"recommendation\":\"feasible\"}");
  g_assert_cmpuint (future->status, ==, 422);

  pz_test_advance (ts, id);
  fields = pz_test_act (ts, pz_test_login (ts, "back_office"), id, "approve", version_of (id), NULL,
                        "{\"luas_tanah\":\"luas\",\"fungsi_bangunan\":\"Rumah\"}");
  g_assert_cmpuint (fields->status, ==, 422);
  g_assert_cmpstr (get_step (id), ==, "data_entry");

  pz_test_drive_to (ts, id, "signing");
  pass = pz_test_act (ts, pz_test_login (ts, "kadis"), id, "approve", version_of (id), NULL,
                      "{\"passphrase\":\"wrong\"}");
  g_assert_cmpuint (pass->status, ==, 422);
  g_assert_nonnull (strstr ((const char *) g_bytes_get_data (pass->body, NULL), "nothing was signed"));
  g_assert_cmpstr (get_step (id), ==, "signing");
}

/* A wet-signature permit waits for the scan of the paper signed by the Kadis. */
static void
test_wet_signature (void)
{
  const char *front = pz_test_login (ts, "front_office");
  const char *kadis = pz_test_login (ts, "kadis");
  gint64 id = pz_test_register (ts, front, "REKLAME", "renewal");
  g_autoptr(PzResponse) early = NULL;
  g_autoptr(PzResponse) by_front = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/documents/signed_permit", id);
  g_autoptr(GBytes) scan = pz_demo_scan_pdf ("Izin bertanda tangan basah", 1);

  pz_test_drive_to (ts, id, "signing");
  early = pz_test_act (ts, kadis, id, "approve", version_of (id), NULL, NULL);
  g_assert_cmpuint (early->status, ==, 422);
  by_front = pz_test_request_full (ts, "PUT", path, front, "application/pdf", scan, NULL);
  g_assert_cmpuint (by_front->status, ==, 403);
  pz_test_advance (ts, id);
  g_assert_cmpstr (get_step (id), ==, "handover");
}

static gint64
done_today (const char *user)
{
  g_autoptr(PzResponse) r = pz_test_request (ts, "GET", "/api/v1/inbox", pz_test_login (ts, user), NULL);

  g_assert_cmpuint (r->status, ==, 200);
  return json_object_get_int_member (pz_response_object (r), "done_today");
}

/* The inbox counts what the caller did today. */
static void
test_done_today (void)
{
  gint64 front = done_today ("front_office");
  gint64 kasi = done_today ("kasi");
  gint64 id = pz_test_register (ts, pz_test_login (ts, "front_office"), "SIP-DOKTER", "new");

  pz_test_advance (ts, id);
  g_assert_cmpint (done_today ("front_office"), ==, front + 2);
  g_assert_cmpint (done_today ("kasi"), ==, kasi);
}

/* The inbox answers the same again, and follows every change at once. */
static void
test_inbox_follows_changes (void)
{
  const char *front = pz_test_login (ts, "front_office");
  g_autoptr(PzResponse) first = pz_test_request (ts, "GET", "/api/v1/inbox", front, NULL);
  g_autoptr(PzResponse) again = pz_test_request (ts, "GET", "/api/v1/inbox", front, NULL);
  g_autoptr(PzResponse) after = NULL;
  gint64 total;

  g_assert_cmpuint (first->status, ==, 200);
  g_assert_true (g_bytes_equal (first->body, again->body));
  total = json_object_get_int_member (pz_response_object (first), "total");
  pz_test_register (ts, front, "SIP-DOKTER", "new");
  after = pz_test_request (ts, "GET", "/api/v1/inbox", front, NULL);
  g_assert_cmpint (json_object_get_int_member (pz_response_object (after), "total"), ==, total + 1);
  g_assert_cmpint (json_object_get_int_member (pz_response_object (after), "done_today"), ==,
                   json_object_get_int_member (pz_response_object (first), "done_today") + 1);
}

static void
test_registration_rules (void)
{
  const char *front = pz_test_login (ts, "front_office");
  g_autoptr(PzResponse) bad = pz_test_request (ts, "POST", "/api/v1/applications", front,
                                               "{\"permit_type\":\"PBG\",\"request_type\":\"new\",\"applicant\":{\"name\":\"\",\"nik\":\"123\","
                                               "\"address\":\"Jl. A\",\"phone\":\"12\",\"email\":\"x@\"},\"data\":{\"luas_tanah\":\"besar\"}}");
  g_autoptr(PzResponse) kasi = pz_test_request (ts, "POST", "/api/v1/applications", pz_test_login (ts, "kasi"),
                                                "{\"permit_type\":\"PBG\",\"request_type\":\"new\",\"applicant\":{}}");
  g_autoptr(PzResponse) type = pz_test_request (ts, "POST", "/api/v1/applications", front,
                                                "{\"permit_type\":\"NOPE\",\"request_type\":\"new\",\"applicant\":{\"name\":\"A\",\"nik\":\"3201011203850001\","
                                                "\"address\":\"Jl. A\",\"phone\":\"081234567890\"}}");
  g_autoptr(PzResponse) rt = pz_test_request (ts, "POST", "/api/v1/applications", front,
                                              "{\"permit_type\":\"REKLAME\",\"request_type\":\"change\",\"applicant\":{\"name\":\"A\",\"nik\":\"3201011203850001\","
                                              "\"address\":\"Jl. A\",\"phone\":\"081234567890\"}}");
  JsonArray *details;
  g_autoptr(GHashTable) fields = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpuint (bad->status, ==, 422);
  details = json_object_get_array_member (json_object_get_object_member (pz_response_object (bad), "error"),
                                          "details");
  for (guint i = 0; i < json_array_get_length (details); i++)
    g_hash_table_add (fields, (gpointer) json_object_get_string_member (json_array_get_object_element (details, i),
                                                                        "field"));
  g_assert_true (g_hash_table_contains (fields, "applicant.name"));
  g_assert_true (g_hash_table_contains (fields, "applicant.nik"));
  g_assert_true (g_hash_table_contains (fields, "applicant.phone"));
  g_assert_true (g_hash_table_contains (fields, "applicant.email"));
  g_assert_true (g_hash_table_contains (fields, "data.luas_tanah"));
  g_assert_cmpuint (kasi->status, ==, 403);
  g_assert_cmpuint (type->status, ==, 422);
  g_assert_cmpuint (rt->status, ==, 422);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  ts = pz_test_server_start (NULL, TRUE);
  g_test_add_func ("/server/flow/full", test_full_flow);
  g_test_add_func ("/server/flow/inbox-follows-changes", test_inbox_follows_changes);
  g_test_add_func ("/server/flow/no-survey", test_no_survey);
  g_test_add_func ("/server/flow/return-to-applicant", test_return_to_applicant);
  g_test_add_func ("/server/flow/return-from-kasi", test_return_from_kasi);
  g_test_add_func ("/server/flow/refusal", test_refusal);
  g_test_add_func ("/server/flow/step-data", test_step_data);
  g_test_add_func ("/server/flow/wet-signature", test_wet_signature);
  g_test_add_func ("/server/flow/registration-rules", test_registration_rules);
  g_test_add_func ("/server/flow/done-today", test_done_today);
  ret = g_test_run ();
  pz_test_server_free (ts);
  return ret;
}
