/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The administrator manages the office's users through the API; every
 * change is in the audit log. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "pz-sign.h"
#include "pz-test-server.h"

static PzTestServer *ts;

static PzResponse *
send (const char *method,
      const char *path,
      const char *token,
      const char *json)
{
  g_autoptr(GBytes) body = json ? g_bytes_new (json, strlen (json)) : NULL;
  g_autofree char *key = g_uuid_string_random ();

  return pz_test_request_full (ts, method, path, token, json ? "application/json" : NULL, body, key);
}

static PzResponse *
login (const char *username,
       const char *password)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"%s\"}", username, password);
  return send ("POST", "/api/v1/auth/login", NULL, body);
}

static char *
token_of (PzResponse *r)
{
  g_assert_cmpuint (r->status, ==, 200);
  return g_strdup (json_object_get_string_member (pz_response_object (r), "token"));
}

static gboolean
has_detail (PzResponse *r,
            const char *field)
{
  JsonObject *error = json_object_get_object_member (pz_response_object (r), "error");
  JsonArray *details = json_object_get_array_member (error, "details");

  for (guint i = 0; details && i < json_array_get_length (details); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (details, i), "field"), field))
      return TRUE;
  return FALSE;
}

/* Only the admin role may manage users. */
static void
test_only_admin (void)
{
  g_autoptr(PzResponse) kasi = send ("GET", "/api/v1/admin/users", pz_test_login (ts, "kasi"), NULL);
  g_autoptr(PzResponse) nobody = send ("GET", "/api/v1/admin/users", NULL, NULL);
  g_autoptr(PzResponse) admin = send ("GET", "/api/v1/admin/users", pz_test_login (ts, "admin"), NULL);
  g_autoptr(PzResponse) create = send ("POST", "/api/v1/admin/users", pz_test_login (ts, "kadis"),
                                       "{\"username\":\"sneaky\",\"full_name\":\"X\",\"roles\":[\"admin\"],"
                                       "\"password\":\"0123456789ab\"}");

  g_assert_cmpuint (kasi->status, ==, 403);
  g_assert_cmpuint (nobody->status, ==, 401);
  g_assert_cmpuint (create->status, ==, 403);
  g_assert_cmpuint (admin->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (admin->json)), >=, 8);
}

/* A new officer: bad fields are named; the new account must choose its own
 * password before doing anything else. */
static void
test_new_user_changes_password (void)
{
  const char *admin = pz_test_login (ts, "admin");
  g_autofree char *token = NULL;

  {
    g_autoptr(PzResponse) bad = send ("POST", "/api/v1/admin/users", admin,
                                      "{\"username\":\"Budi Santoso\",\"full_name\":\"\",\"nip\":\"12\","
                                      "\"roles\":[\"kasi\",\"pilot\"],\"password\":\"short\"}");
    g_assert_cmpuint (bad->status, ==, 422);
    g_assert_true (has_detail (bad, "username"));
    g_assert_true (has_detail (bad, "full_name"));
    g_assert_true (has_detail (bad, "nip"));
    g_assert_true (has_detail (bad, "roles"));
    g_assert_true (has_detail (bad, "password"));
  }
  {
    g_autoptr(PzResponse) made = send ("POST", "/api/v1/admin/users", admin,
                                       "{\"username\":\"budi\",\"full_name\":\"Budi Santoso, S.T.\","
                                       "\"nip\":\"198501012010011001\",\"roles\":[\"tim_teknis\"],"
                                       "\"password\":\"sementara-123\"}");
    g_autoptr(PzResponse) again = send ("POST", "/api/v1/admin/users", admin,
                                        "{\"username\":\"budi\",\"full_name\":\"Budi Lain\","
                                        "\"roles\":[\"kasi\"],\"password\":\"sementara-456\"}");
    g_assert_cmpuint (made->status, ==, 201);
    g_assert_true (json_object_get_boolean_member (pz_response_object (made), "must_change_password"));
    g_assert_cmpuint (again->status, ==, 409);
  }

  {
    g_autoptr(PzResponse) r = login ("budi", "sementara-123");
    token = token_of (r);
    g_assert_true (json_object_get_boolean_member (json_object_get_object_member (pz_response_object (r), "user"),
                                                   "must_change_password"));
  }
  {
    g_autoptr(PzResponse) inbox = send ("GET", "/api/v1/inbox", token, NULL);
    g_autoptr(PzResponse) me = send ("GET", "/api/v1/me", token, NULL);
    g_autoptr(PzResponse) wrong = send ("POST", "/api/v1/auth/password", token,
                                        "{\"old_password\":\"nope-nope-nope\",\"new_password\":\"budi-punya-sandi\"}");
    g_autoptr(PzResponse) same = send ("POST", "/api/v1/auth/password", token,
                                       "{\"old_password\":\"sementara-123\",\"new_password\":\"sementara-123\"}");
    g_autoptr(PzResponse) ok = send ("POST", "/api/v1/auth/password", token,
                                     "{\"old_password\":\"sementara-123\",\"new_password\":\"budi-punya-sandi\"}");
    g_autoptr(PzResponse) after = send ("GET", "/api/v1/inbox", token, NULL);
    g_autoptr(PzResponse) old = login ("budi", "sementara-123");
    g_autoptr(PzResponse) fresh = login ("budi", "budi-punya-sandi");

    g_assert_cmpuint (inbox->status, ==, 403);
    g_assert_cmpstr (pz_response_error_code (inbox), ==, "password_change_required");
    g_assert_cmpuint (me->status, ==, 200);
    g_assert_cmpuint (wrong->status, ==, 422);
    g_assert_true (has_detail (wrong, "old_password"));
    g_assert_cmpuint (same->status, ==, 422);
    g_assert_cmpuint (ok->status, ==, 204);
    g_assert_cmpuint (after->status, ==, 200);
    g_assert_cmpuint (old->status, ==, 401);
    g_assert_cmpuint (fresh->status, ==, 200);
    g_assert_false (json_object_get_boolean_member (json_object_get_object_member (pz_response_object (fresh), "user"),
                                                    "must_change_password"));
  }
}

static gint64
user_id (const char *username)
{
  g_autoptr(PzResponse) r = send ("GET", "/api/v1/admin/users", pz_test_login (ts, "admin"), NULL);
  JsonArray *users = json_node_get_array (r->json);

  for (guint i = 0; i < json_array_get_length (users); i++)
    {
      JsonObject *u = json_array_get_object_element (users, i);
      if (g_str_equal (json_object_get_string_member (u, "username"), username))
        return json_object_get_int_member (u, "id");
    }
  g_assert_not_reached ();
}

/* Deactivated: the open session ends at once, login is refused, and the
 * user is still listed (the history keeps the name).  Reactivated, they
 * can log in again. */
static void
test_deactivate (void)
{
  const char *admin = pz_test_login (ts, "admin");
  g_autoptr(PzResponse) made = send ("POST", "/api/v1/admin/users", admin,
                                     "{\"username\":\"sari\",\"full_name\":\"Sari Wulandari\","
                                     "\"roles\":[\"front_office\"],\"password\":\"sari-sementara\"}");
  g_autofree char *token = NULL;
  g_autofree char *path = NULL;
  gint64 id;

  g_assert_cmpuint (made->status, ==, 201);
  id = json_object_get_int_member (pz_response_object (made), "id");
  path = g_strdup_printf ("/api/v1/admin/users/%" G_GINT64_FORMAT, id);
  {
    g_autoptr(PzResponse) r = login ("sari", "sari-sementara");
    token = token_of (r);
  }
  {
    g_autoptr(PzResponse) me = send ("GET", "/api/v1/me", token, NULL);
    g_autoptr(PzResponse) off = send ("PATCH", path, admin, "{\"active\":false}");
    g_autoptr(PzResponse) me_after = send ("GET", "/api/v1/me", token, NULL);
    g_autoptr(PzResponse) again = login ("sari", "sari-sementara");
    g_autoptr(PzResponse) list = send ("GET", "/api/v1/admin/users", admin, NULL);

    g_assert_cmpuint (me->status, ==, 200);
    g_assert_cmpuint (off->status, ==, 200);
    g_assert_false (json_object_get_boolean_member (pz_response_object (off), "active"));
    g_assert_cmpuint (me_after->status, ==, 401);
    g_assert_cmpuint (again->status, ==, 401);
    g_assert_nonnull (strstr (g_bytes_get_data (list->body, NULL), "Sari Wulandari"));
  }
  {
    g_autoptr(PzResponse) on = send ("PATCH", path, admin, "{\"active\":true,\"roles\":[\"front_office\",\"back_office\"]}");
    g_autoptr(PzResponse) back = login ("sari", "sari-sementara");
    JsonArray *roles;

    g_assert_cmpuint (on->status, ==, 200);
    g_assert_cmpuint (back->status, ==, 200);
    roles = json_object_get_array_member (json_object_get_object_member (pz_response_object (back), "user"), "roles");
    g_assert_cmpuint (json_array_get_length (roles), ==, 2);
  }
  {
    g_autofree char *self_path = g_strdup_printf ("/api/v1/admin/users/%" G_GINT64_FORMAT, user_id ("admin"));
    g_autoptr(PzResponse) self_off = send ("PATCH", self_path, admin, "{\"active\":false}");
    g_autoptr(PzResponse) missing = send ("PATCH", "/api/v1/admin/users/999999", admin, "{\"active\":false}");
    g_autoptr(PzResponse) unknown = send ("PATCH", path, admin, "{\"password\":\"x\"}");

    g_assert_cmpuint (self_off->status, ==, 422);
    g_assert_cmpuint (missing->status, ==, 404);
    g_assert_cmpuint (unknown->status, ==, 400);
  }
}

/* A reset: the user's sessions end and the new password must be changed. */
static void
test_reset_password (void)
{
  const char *admin = pz_test_login (ts, "admin");
  g_autofree char *path = NULL;
  g_autofree char *token = NULL;

  {
    g_autoptr(PzResponse) made = send ("POST", "/api/v1/admin/users", admin,
                                       "{\"username\":\"rina\",\"full_name\":\"Rina Marlina\","
                                       "\"roles\":[\"kabid\"],\"password\":\"rina-sementara\"}");
    g_autoptr(PzResponse) r = login ("rina", "rina-sementara");
    g_autoptr(PzResponse) changed = NULL;

    g_assert_cmpuint (made->status, ==, 201);
    token = token_of (r);
    changed = send ("POST", "/api/v1/auth/password", token,
                    "{\"old_password\":\"rina-sementara\",\"new_password\":\"rina-punya-sandi\"}");
    g_assert_cmpuint (changed->status, ==, 204);
    path = g_strdup_printf ("/api/v1/admin/users/%" G_GINT64_FORMAT "/password", user_id ("rina"));
  }
  {
    g_autoptr(PzResponse) shortpw = send ("POST", path, admin, "{\"password\":\"short\"}");
    g_autoptr(PzResponse) reset = send ("POST", path, admin, "{\"password\":\"reset-kabid-1\"}");
    g_autoptr(PzResponse) me = send ("GET", "/api/v1/me", token, NULL);
    g_autoptr(PzResponse) old = login ("rina", "rina-punya-sandi");
    g_autoptr(PzResponse) fresh = login ("rina", "reset-kabid-1");

    g_assert_cmpuint (shortpw->status, ==, 422);
    g_assert_cmpuint (reset->status, ==, 204);
    g_assert_cmpuint (me->status, ==, 401);
    g_assert_cmpuint (old->status, ==, 401);
    g_assert_cmpuint (fresh->status, ==, 200);
    g_assert_true (json_object_get_boolean_member (json_object_get_object_member (pz_response_object (fresh), "user"),
                                                   "must_change_password"));
  }
}

static char *
due_date_of_new_file (void)
{
  const char *front = pz_test_login (ts, "front_office");
  gint64 id = pz_test_register (ts, front, "SIP-DOKTER", "new");
  g_autoptr(JsonObject) app = pz_test_get_application (ts, front, id);

  return g_strndup (json_object_get_string_member (app, "due_at"), 10);
}

/* The administrator adds a day off: files registered afterwards are due
 * after it; removing it brings the old due date back. */
static void
test_holidays (void)
{
  const char *admin = pz_test_login (ts, "admin");
  g_autofree char *due = due_date_of_new_file ();
  g_autofree char *path = g_strdup_printf ("/api/v1/admin/holidays/%s", due);
  g_autofree char *year = g_strndup (due, 4);
  g_autofree char *list_path = g_strdup_printf ("/api/v1/admin/holidays?year=%s", year);
  g_autofree char *after = NULL;
  g_autofree char *back = NULL;

  {
    g_autoptr(PzResponse) kasi = send ("PUT", path, pz_test_login (ts, "kasi"),
                                       "{\"name\":\"Libur\",\"kind\":\"regional\"}");
    g_autoptr(PzResponse) bad = send ("PUT", path, admin, "{\"name\":\"\",\"kind\":\"sometimes\"}");
    g_autoptr(PzResponse) bad_date = send ("PUT", "/api/v1/admin/holidays/2026-02-30", admin,
                                           "{\"name\":\"Libur\",\"kind\":\"regional\"}");
    g_autoptr(PzResponse) ok = send ("PUT", path, admin,
                                     "{\"name\":\"Hari Jadi Kabupaten\",\"kind\":\"regional\"}");
    g_autoptr(PzResponse) list = send ("GET", list_path, admin, NULL);

    g_assert_cmpuint (kasi->status, ==, 403);
    g_assert_cmpuint (bad->status, ==, 422);
    g_assert_true (has_detail (bad, "name"));
    g_assert_true (has_detail (bad, "kind"));
    g_assert_cmpuint (bad_date->status, ==, 404);
    g_assert_cmpuint (ok->status, ==, 200);
    g_assert_cmpuint (list->status, ==, 200);
    g_assert_nonnull (strstr (g_bytes_get_data (list->body, NULL), "Hari Jadi Kabupaten"));
  }

  after = due_date_of_new_file ();
  g_test_message ("due %s, with %s off: %s", due, due, after);
  g_assert_cmpstr (after, >, due);

  {
    g_autoptr(PzResponse) gone = send ("DELETE", path, admin, NULL);
    g_autoptr(PzResponse) again = send ("DELETE", path, admin, NULL);
    g_assert_cmpuint (gone->status, ==, 204);
    g_assert_cmpuint (again->status, ==, 404);
  }
  back = due_date_of_new_file ();
  g_assert_cmpstr (back, ==, due);
}

/* Every change above is in the audit log with who made it, and no
 * password is. */
static void
test_audit (void)
{
  g_autoptr(PzResponse) kasi = send ("GET", "/api/v1/admin/audit", pz_test_login (ts, "kasi"), NULL);
  g_autoptr(PzResponse) r = send ("GET", "/api/v1/admin/audit", pz_test_login (ts, "admin"), NULL);
  JsonArray *entries = json_node_get_array (r->json);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  const char *text = g_bytes_get_data (r->body, NULL);

  g_assert_cmpuint (kasi->status, ==, 403);
  g_assert_cmpuint (r->status, ==, 200);
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *e = json_array_get_object_element (entries, i);
      g_autofree char *key = g_strdup_printf ("%s %s", json_object_get_string_member (e, "action"),
                                              json_object_get_string_member (e, "target"));
      g_hash_table_add (seen, (gpointer) json_object_get_string_member (e, "action"));
      if (g_str_has_prefix (json_object_get_string_member (e, "action"), "user.create"))
        g_assert_cmpstr (json_object_get_string_member (e, "by"), ==, "admin");
      g_test_message ("%s by %s", key, json_object_get_string_member (e, "by"));
    }
  g_assert_true (g_hash_table_contains (seen, "user.create"));
  g_assert_true (g_hash_table_contains (seen, "user.deactivate"));
  g_assert_true (g_hash_table_contains (seen, "user.update"));
  g_assert_true (g_hash_table_contains (seen, "user.reset_password"));
  g_assert_true (g_hash_table_contains (seen, "user.change_password"));
  g_assert_true (g_hash_table_contains (seen, "holiday.put"));
  g_assert_true (g_hash_table_contains (seen, "holiday.delete"));
  g_assert_null (g_strstr_len (text, g_bytes_get_size (r->body), "sementara-123"));
  g_assert_null (g_strstr_len (text, g_bytes_get_size (r->body), "reset-kabid-1"));
  g_assert_null (g_strstr_len (text, g_bytes_get_size (r->body), "budi-punya-sandi"));
}

static char *
office_date (int days_from_today)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("+07:00");
  g_autoptr(GDateTime) now = g_date_time_new_now (tz);
  g_autoptr(GDateTime) then = g_date_time_add_days (now, days_from_today);

  return g_date_time_format (then, "%Y-%m-%d");
}

/* The Sekretaris stands in for the Kadis (Plh) for a period: while it runs
 * they sign as "Plh. Kepala Dinas", and the history says so; ended, the
 * role is gone at once.  A period still to come gives nothing yet. */
static void
test_acting (void)
{
  const char *admin = pz_test_login (ts, "admin");
  const char *sekretaris = pz_test_login (ts, "sekretaris");
  gint64 sek = user_id ("sekretaris");
  gint64 kabid = user_id ("tim_teknis");
  g_autofree char *path = g_strdup_printf ("/api/v1/admin/users/%" G_GINT64_FORMAT "/acting", sek);
  g_autofree char *kabid_path = g_strdup_printf ("/api/v1/admin/users/%" G_GINT64_FORMAT "/acting", kabid);
  g_autofree char *today = office_date (0);
  g_autofree char *in_two = office_date (2);
  g_autofree char *yesterday = office_date (-1);
  g_autofree char *tomorrow = office_date (1);
  gint64 acting_id, id;

  {
    g_autofree char *as_admin = g_strdup_printf ("{\"role\":\"admin\",\"kind\":\"plh\",\"starts_on\":\"%s\","
                                                 "\"ends_on\":\"%s\"}", today, in_two);
    g_autofree char *backwards = g_strdup_printf ("{\"role\":\"kadis\",\"kind\":\"plh\",\"starts_on\":\"%s\","
                                                  "\"ends_on\":\"%s\"}", in_two, today);
    g_autofree char *over = g_strdup_printf ("{\"role\":\"kadis\",\"kind\":\"plt\",\"starts_on\":\"%s\","
                                             "\"ends_on\":\"%s\"}", yesterday, yesterday);
    g_autofree char *own = g_strdup_printf ("{\"role\":\"sekretaris\",\"kind\":\"plh\",\"starts_on\":\"%s\","
                                            "\"ends_on\":\"%s\"}", today, in_two);
    g_autofree char *kind = g_strdup_printf ("{\"role\":\"kadis\",\"kind\":\"boss\",\"starts_on\":\"%s\","
                                             "\"ends_on\":\"%s\"}", today, in_two);
    g_autoptr(PzResponse) r1 = send ("POST", path, admin, as_admin);
    g_autoptr(PzResponse) r2 = send ("POST", path, admin, backwards);
    g_autoptr(PzResponse) r3 = send ("POST", path, admin, over);
    g_autoptr(PzResponse) r4 = send ("POST", path, admin, own);
    g_autoptr(PzResponse) r5 = send ("POST", path, admin, kind);
    g_autoptr(PzResponse) r6 = send ("POST", path, sekretaris, own);
    g_autoptr(PzResponse) list = send ("GET", path, admin, NULL);

    g_assert_cmpuint (r1->status, ==, 422);
    g_assert_true (has_detail (r1, "role"));
    g_assert_cmpuint (r2->status, ==, 422);
    g_assert_true (has_detail (r2, "ends_on"));
    g_assert_cmpuint (r3->status, ==, 422);
    g_assert_true (has_detail (r3, "ends_on"));
    g_assert_cmpuint (r4->status, ==, 422);
    g_assert_true (has_detail (r4, "role"));
    g_assert_cmpuint (r5->status, ==, 422);
    g_assert_true (has_detail (r5, "kind"));
    g_assert_cmpuint (r6->status, ==, 403);
    /* nothing was written by the refusals */
    g_assert_cmpuint (json_array_get_length (json_node_get_array (list->json)), ==, 0);
  }

  /* planned for tomorrow: not yet the Kadis' */
  {
    g_autofree char *later = g_strdup_printf ("{\"role\":\"kadis\",\"kind\":\"plt\",\"starts_on\":\"%s\","
                                              "\"ends_on\":\"%s\"}", tomorrow, in_two);
    g_autoptr(PzResponse) made = send ("POST", kabid_path, admin, later);
    g_autoptr(PzResponse) me = send ("GET", "/api/v1/me", pz_test_login (ts, "tim_teknis"), NULL);

    g_assert_cmpuint (made->status, ==, 201);
    g_assert_cmpstr (json_object_get_string_member (pz_response_object (made), "state"), ==, "planned");
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (pz_response_object (me), "acting")), ==, 0);
  }

  {
    g_autofree char *body = g_strdup_printf ("{\"role\":\"kadis\",\"kind\":\"plh\",\"starts_on\":\"%s\","
                                             "\"ends_on\":\"%s\"}", today, in_two);
    g_autoptr(PzResponse) made = send ("POST", path, admin, body);
    g_autoptr(PzResponse) me = send ("GET", "/api/v1/me", sekretaris, NULL);
    JsonArray *acting;
    JsonArray *roles;

    g_assert_cmpuint (made->status, ==, 201);
    g_assert_cmpstr (json_object_get_string_member (pz_response_object (made), "state"), ==, "in_force");
    acting_id = json_object_get_int_member (pz_response_object (made), "id");
    acting = json_object_get_array_member (pz_response_object (me), "acting");
    roles = json_object_get_array_member (pz_response_object (me), "roles");
    g_assert_cmpuint (json_array_get_length (acting), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (acting, 0), "role"), ==, "kadis");
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (acting, 0), "kind"), ==, "plh");
    /* the acting role is not made one of their own */
    g_assert_cmpuint (json_array_get_length (roles), ==, 1);
    g_assert_cmpstr (json_array_get_string_element (roles, 0), ==, "sekretaris");
  }

  /* the Plh signs the permit */
  id = pz_test_register (ts, pz_test_login (ts, "front_office"), "PBG", "new");
  pz_test_drive_to (ts, id, "signing");
  {
    JsonObject *app = pz_test_get_application (ts, sekretaris, id);
    g_autoptr(PzResponse) signed_ = pz_test_act (ts, sekretaris, id, "approve",
                                                 json_object_get_int_member (app, "version"), NULL,
                                                 "{\"passphrase\":\"demo\"}");
    JsonObject *after = NULL;
    JsonArray *history;
    JsonObject *last;
    g_autofree char *output = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/outputs/permit", id);
    g_autoptr(PzResponse) pdf = NULL;
    g_autofree char *text = NULL;
    g_autoptr(PzResponse) me = send ("GET", "/api/v1/me", sekretaris, NULL);

    g_assert_cmpuint (signed_->status, ==, 200);
    after = pz_test_get_application (ts, sekretaris, id);
    history = json_object_get_array_member (after, "history");
    last = json_array_get_object_element (history, json_array_get_length (history) - 1);
    g_assert_cmpstr (json_object_get_string_member (last, "role"), ==, "kadis");
    g_assert_cmpstr (json_object_get_string_member (last, "acting"), ==, "plh");
    g_assert_cmpstr (json_object_get_string_member (last, "user"), ==, "sekretaris");
    pdf = send ("GET", output, sekretaris, NULL);
    g_assert_cmpuint (pdf->status, ==, 200);
    text = pz_test_pdf_text (pdf->body);
    g_assert_nonnull (strstr (text, "Plh. KEPALA DINAS"));
    g_assert_nonnull (strstr (text, json_object_get_string_member (pz_response_object (me), "full_name")));
    g_assert_null (strstr (text, "Dr. Ir. Rudi Hartono, M.T."));
    json_object_unref (app);
    json_object_unref (after);
  }

  /* ended early: the role is gone with the next request, the record stays */
  id = pz_test_register (ts, pz_test_login (ts, "front_office"), "PBG", "new");
  pz_test_drive_to (ts, id, "signing");
  {
    JsonObject *app = pz_test_get_application (ts, pz_test_login (ts, "kadis"), id);
    g_autofree char *end = g_strdup_printf ("%s/%" G_GINT64_FORMAT, path, acting_id);
    g_autoptr(PzResponse) ended = send ("DELETE", end, admin, NULL);
    g_autoptr(PzResponse) twice = send ("DELETE", end, admin, NULL);
    g_autoptr(PzResponse) me = send ("GET", "/api/v1/me", sekretaris, NULL);
    g_autoptr(PzResponse) refused = pz_test_act (ts, sekretaris, id, "approve",
                                                 json_object_get_int_member (app, "version"), NULL,
                                                 "{\"passphrase\":\"demo\"}");
    g_autoptr(PzResponse) list = send ("GET", path, admin, NULL);
    JsonArray *items = json_node_get_array (list->json);

    g_assert_cmpuint (ended->status, ==, 204);
    g_assert_cmpuint (twice->status, ==, 404);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (pz_response_object (me), "acting")), ==, 0);
    g_assert_cmpuint (json_array_get_length (items), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, 0), "state"), ==,
                     "ended_early");
    g_assert_cmpuint (refused->status, ==, 403);
    json_object_unref (app);
  }
}

static JsonObject *
current_type (const char *code)
{
  g_autoptr(PzResponse) r = send ("GET", "/api/v1/permit-types", pz_test_login (ts, "front_office"), NULL);
  JsonArray *types = json_node_get_array (r->json);

  for (guint i = 0; i < json_array_get_length (types); i++)
    {
      JsonObject *t = json_array_get_object_element (types, i);
      if (g_str_equal (json_object_get_string_member (t, "code"), code))
        return json_object_ref (t);
    }
  g_assert_not_reached ();
}

static char *
object_text (JsonObject *obj)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, obj);
  return json_to_string (node, FALSE);
}

static gboolean
checklist_has (JsonObject *app,
               const char *requirement)
{
  JsonArray *list = json_object_get_array_member (app, "checklist");

  for (guint i = 0; i < json_array_get_length (list); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (list, i), "requirement"),
                     requirement))
      return TRUE;
  return FALSE;
}

/* The administrator changes a permit type: a new edition.  A file
 * registered before keeps its requirements, fields and name to the end;
 * a new file gets the new ones.  A bad definition changes nothing. */
static void
test_permit_type_edition (void)
{
  const char *admin = pz_test_login (ts, "admin");
  const char *front = pz_test_login (ts, "front_office");
  gint64 old_id = pz_test_register (ts, front, "SIP-DOKTER", "new");
  g_autoptr(JsonObject) type = current_type ("SIP-DOKTER");
  gint64 v1 = json_object_get_int_member (type, "version");
  g_autofree char *old_name = g_strdup (json_object_get_string_member (type, "name"));
  JsonObject *req = json_object_new ();
  JsonObject *field = json_object_new ();
  g_autofree char *body = NULL;
  gint64 new_id;

  json_object_remove_member (type, "version");
  json_object_set_string_member (type, "name", "Surat Izin Praktik Dokter (2027)");
  json_object_set_int_member (type, "service_days", 5);
  json_object_set_string_member (req, "code", "str_aktif");
  json_object_set_string_member (req, "title", "Surat Tanda Registrasi yang masih berlaku");
  json_object_set_boolean_member (req, "mandatory", TRUE);
  json_array_add_object_element (json_object_get_array_member (type, "requirements"), req);
  json_object_set_string_member (field, "name", "tempat_praktik_kedua");
  json_object_set_string_member (field, "label", "Tempat praktik kedua");
  json_object_set_string_member (field, "type", "text");
  json_object_set_boolean_member (field, "required", TRUE);
  json_array_add_object_element (json_object_get_array_member (type, "fields"), field);
  body = object_text (type);

  /* refusals first: nothing of them is kept */
  {
    g_autoptr(PzResponse) kasi = send ("PUT", "/api/v1/admin/permit-types/SIP-DOKTER", pz_test_login (ts, "kasi"), body);
    g_autoptr(PzResponse) other = send ("PUT", "/api/v1/admin/permit-types/PBG", admin, body);
    g_autoptr(PzResponse) unknown = send ("PUT", "/api/v1/admin/permit-types/SIP-DOKTER", admin,
                                          "{\"name\":\"x\",\"colour\":\"red\"}");
    g_autoptr(PzResponse) broken = send ("PUT", "/api/v1/admin/permit-types/SIP-DOKTER", admin,
                                         "{\"name\":\"Izin\",\"request_types\":[\"new\"],"
                                         "\"requirements\":[{\"code\":\"a\",\"title\":\"A\",\"mandatory\":true},"
                                         "{\"code\":\"a\",\"title\":\"A again\",\"mandatory\":true}],"
                                         "\"fields\":[],\"survey\":false,\"signing\":\"electronic\","
                                         "\"number_format\":\"{seq}/{year}\",\"validity_months\":12}");
    g_autoptr(PzResponse) twice = send ("PUT", "/api/v1/admin/permit-types/SIP-DOKTER", admin,
                                        "{\"name\":\"Izin\",\"request_types\":[\"new\"],\"requirements\":[],"
                                        "\"fields\":[{\"name\":\"a\",\"label\":\"A\",\"type\":\"text\"},"
                                        "{\"name\":\"a\",\"label\":\"A\",\"type\":\"number\"}],"
                                        "\"survey\":false,\"signing\":\"electronic\","
                                        "\"number_format\":\"{seq}/{year}\",\"validity_months\":12}");
    g_autoptr(PzResponse) versions = send ("GET", "/api/v1/admin/permit-types/SIP-DOKTER/versions", admin, NULL);

    g_assert_cmpuint (twice->status, ==, 422);
    g_assert_cmpuint (kasi->status, ==, 403);
    g_assert_cmpuint (other->status, ==, 422);
    g_assert_true (has_detail (other, "code"));
    g_assert_cmpuint (unknown->status, ==, 400);
    g_assert_cmpuint (broken->status, ==, 422);
    g_assert_true (has_detail (broken, "definition"));
    g_assert_cmpuint (json_array_get_length (json_node_get_array (versions->json)), ==, 1);
  }

  {
    g_autoptr(PzResponse) put = send ("PUT", "/api/v1/admin/permit-types/SIP-DOKTER", admin, body);
    g_autoptr(PzResponse) again = send ("PUT", "/api/v1/admin/permit-types/SIP-DOKTER", admin, body);
    g_autoptr(PzResponse) versions = send ("GET", "/api/v1/admin/permit-types/SIP-DOKTER/versions", admin, NULL);
    JsonArray *list = json_node_get_array (versions->json);

    g_assert_cmpuint (put->status, ==, 200);
    g_assert_cmpint (json_object_get_int_member (pz_response_object (put), "version"), ==, v1 + 1);
    /* the same definition again is no new edition */
    g_assert_cmpuint (again->status, ==, 200);
    g_assert_cmpint (json_object_get_int_member (pz_response_object (again), "version"), ==, v1 + 1);
    g_assert_cmpuint (json_array_get_length (list), ==, 2);
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (list, 0), "version"), ==, v1 + 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 1), "name"), ==, old_name);
  }

  new_id = pz_test_register (ts, front, "SIP-DOKTER", "new");
  {
    g_autoptr(JsonObject) old_app = pz_test_get_application (ts, front, old_id);
    g_autoptr(JsonObject) new_app = pz_test_get_application (ts, front, new_id);

    g_assert_cmpint (json_object_get_int_member (old_app, "permit_type_version"), ==, v1);
    g_assert_cmpstr (json_object_get_string_member (old_app, "permit_type_name"), ==, old_name);
    g_assert_false (checklist_has (old_app, "str_aktif"));
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (old_app, "fields")), ==,
                      json_array_get_length (json_object_get_array_member (new_app, "fields")) - 1);

    g_assert_cmpint (json_object_get_int_member (new_app, "permit_type_version"), ==, v1 + 1);
    g_assert_cmpstr (json_object_get_string_member (new_app, "permit_type_name"), ==, "Surat Izin Praktik Dokter (2027)");
    g_assert_true (checklist_has (new_app, "str_aktif"));
  }
  /* the old file goes all the way on its own edition: the new mandatory
   * document is never asked of it, and its permit is issued */
  pz_test_drive_to (ts, old_id, "issued");
  {
    g_autoptr(JsonObject) old_app = pz_test_get_application (ts, front, old_id);
    g_assert_cmpstr (json_object_get_string_member (old_app, "status"), ==, "issued");
    g_assert_false (checklist_has (old_app, "str_aktif"));
  }

  /* a new permit type */
  {
    g_autoptr(PzResponse) made = send ("PUT", "/api/v1/admin/permit-types/IUMK", admin,
                                       "{\"name\":\"Izin Usaha Mikro Kecil\",\"request_types\":[\"new\"],"
                                       "\"requirements\":[{\"code\":\"ktp\",\"title\":\"KTP\",\"mandatory\":true}],"
                                       "\"fields\":[],\"survey\":false,\"signing\":\"electronic\","
                                       "\"number_format\":\"{seq:04}/IUMK/{year}\",\"validity_months\":0,"
                                       "\"service_days\":3}");
    g_autoptr(JsonObject) listed = NULL;

    g_assert_cmpuint (made->status, ==, 201);
    g_assert_cmpint (json_object_get_int_member (pz_response_object (made), "version"), ==, 1);
    listed = current_type ("IUMK");
    g_assert_cmpstr (json_object_get_string_member (listed, "name"), ==, "Izin Usaha Mikro Kecil");
  }
}

static JsonObject *
office (void)
{
  g_autoptr(PzResponse) r = send ("GET", "/api/v1/admin/office", pz_test_login (ts, "admin"), NULL);

  g_assert_cmpuint (r->status, ==, 200);
  return json_object_ref (pz_response_object (r));
}

static GBytes *
output_of (gint64      id,
           const char *kind)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/outputs/%s", id, kind);
  g_autoptr(PzResponse) r = send ("GET", path, pz_test_login (ts, "kasi"), NULL);

  g_assert_cmpuint (r->status, ==, 200);
  return g_bytes_ref (r->body);
}

/* The office profile: bad values are named and change nothing; good ones
 * reach the next documents (the Kadis' name, the address in the QR code)
 * and the calendar (office hours). */
static void
test_office_profile (void)
{
  const char *admin = pz_test_login (ts, "admin");
  g_autoptr(JsonObject) before = office ();
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(PzResponse) kasi = send ("GET", "/api/v1/admin/office", pz_test_login (ts, "kasi"), NULL);
  JsonObject *cert = json_object_get_object_member (before, "signing_certificate");

  g_assert_cmpuint (kasi->status, ==, 403);
  g_assert_cmpstr (json_object_get_string_member (before, "kadis_name"), ==, "Dr. Ir. Rudi Hartono, M.T.");
  g_assert_cmpstr (json_object_get_string_member (before, "opens"), ==, "07:30");
  g_assert_nonnull (cert);
  g_assert_nonnull (strstr (json_object_get_string_member (cert, "subject"), "Rudi Hartono"));
  g_assert_cmpint (json_object_get_int_member (cert, "days_left"), >=, 360);
  g_assert_false (json_object_get_boolean_member (cert, "expiring_soon"));

  {
    g_autoptr(PzResponse) nip = send ("PATCH", "/api/v1/admin/office", admin, "{\"kadis_nip\":\"123\"}");
    g_autoptr(PzResponse) url = send ("PATCH", "/api/v1/admin/office", admin,
                                      "{\"name\":\"Dinas Baru\",\"public_base_url\":\"ftp://izin.example\"}");
    g_autoptr(PzResponse) hour = send ("PATCH", "/api/v1/admin/office", admin, "{\"opens\":\"25:00\"}");
    g_autoptr(PzResponse) order = send ("PATCH", "/api/v1/admin/office", admin,
                                        "{\"opens\":\"15:00\",\"closes\":\"08:00\"}");
    g_autoptr(PzResponse) empty = send ("PATCH", "/api/v1/admin/office", admin, "{\"name\":\"\"}");
    g_autoptr(PzResponse) unknown = send ("PATCH", "/api/v1/admin/office", admin, "{\"motto\":\"Cepat\"}");
    g_autoptr(JsonObject) same = office ();

    g_assert_cmpuint (nip->status, ==, 422);
    g_assert_true (has_detail (nip, "kadis_nip"));
    g_assert_cmpuint (url->status, ==, 422);
    g_assert_true (has_detail (url, "public_base_url"));
    g_assert_cmpuint (hour->status, ==, 422);
    g_assert_true (has_detail (hour, "opens"));
    g_assert_cmpuint (order->status, ==, 422);
    g_assert_true (has_detail (order, "closes"));
    g_assert_cmpuint (empty->status, ==, 422);
    g_assert_cmpuint (unknown->status, ==, 400);
    /* the name of the refused request with a bad address was not taken either */
    g_assert_cmpstr (json_object_get_string_member (same, "name"), ==, json_object_get_string_member (before, "name"));
    g_assert_cmpstr (json_object_get_string_member (same, "opens"), ==, "07:30");
  }

  {
    g_autoptr(PzResponse) ok = send ("PATCH", "/api/v1/admin/office", admin,
                                     "{\"kadis_name\":\"Ir. Sri Mulyani, M.Si.\",\"kadis_nip\":\"197001011995032001\","
                                     "\"public_base_url\":\"https://izin.sukamaju.go.id/\",\"opens\":\"08:00\","
                                     "\"closes\":\"15:00\"}");
    g_assert_cmpuint (ok->status, ==, 200);
  }
  after = office ();
  g_assert_cmpstr (json_object_get_string_member (after, "kadis_name"), ==, "Ir. Sri Mulyani, M.Si.");
  g_assert_cmpstr (json_object_get_string_member (after, "opens"), ==, "08:00");
  g_assert_cmpstr (json_object_get_string_member (after, "closes"), ==, "15:00");
  g_assert_cmpstr (json_object_get_string_member (after, "public_url_in_force"), ==, "https://izin.sukamaju.go.id");

  {
    gint64 id = pz_test_register (ts, pz_test_login (ts, "front_office"), "PBG", "new");
    g_autoptr(GBytes) receipt = NULL;
    g_autofree char *qr = NULL;
    g_autoptr(GBytes) permit = NULL;
    g_autofree char *text = NULL;

    pz_test_drive_to (ts, id, "technical_survey");
    receipt = output_of (id, "receipt");
    qr = pz_test_pdf_qr (receipt);
    g_assert_true (g_str_has_prefix (qr, "https://izin.sukamaju.go.id/track/"));
    pz_test_drive_to (ts, id, "handover");
    permit = output_of (id, "permit");
    text = pz_test_pdf_text (permit);
    g_assert_nonnull (strstr (text, "Ir. Sri Mulyani, M.Si."));
    g_assert_nonnull (strstr (text, "197001011995032001"));
  }

  /* back to the configured address */
  {
    g_autoptr(PzResponse) reset = send ("PATCH", "/api/v1/admin/office", admin, "{\"public_base_url\":null}");
    g_autoptr(JsonObject) now = office ();

    g_assert_cmpuint (reset->status, ==, 200);
    g_assert_cmpstr (json_object_get_string_member (now, "public_url_in_force"), !=, "https://izin.sukamaju.go.id");
    g_assert_true (json_object_get_null_member (now, "public_base_url"));
  }
}

/* The emblem: a PNG only, kept as sent, and used on the letterhead. */
static void
test_office_logo (void)
{
  const char *admin = pz_test_login (ts, "admin");
  g_autoptr(GBytes) png = pz_test_png (120, 150);
  g_autoptr(GBytes) text = g_bytes_new_static ("not a picture at all, really", 28);
  g_autoptr(PzResponse) bad = pz_test_request_full (ts, "PUT", "/api/v1/admin/office/logo", admin, "image/png", text, NULL);
  g_autoptr(PzResponse) none = send ("GET", "/api/v1/admin/office/logo", admin, NULL);
  g_autoptr(PzResponse) ok = pz_test_request_full (ts, "PUT", "/api/v1/admin/office/logo", admin, "image/png", png, NULL);
  g_autoptr(PzResponse) back = send ("GET", "/api/v1/admin/office/logo", admin, NULL);
  g_autoptr(JsonObject) with_logo = office ();
  g_autoptr(PzResponse) removed = NULL;
  g_autoptr(JsonObject) without = NULL;

  g_assert_cmpuint (bad->status, ==, 415);
  g_assert_cmpuint (none->status, ==, 404);
  g_assert_cmpuint (ok->status, ==, 204);
  g_assert_cmpuint (back->status, ==, 200);
  g_assert_true (g_bytes_equal (back->body, png));
  g_assert_true (json_object_get_boolean_member (with_logo, "has_logo"));
  {
    /* the receipt still renders and opens with the emblem on it */
    gint64 id = pz_test_register (ts, pz_test_login (ts, "front_office"), "PBG", "new");
    g_autoptr(GBytes) receipt = NULL;
    g_autofree char *words = NULL;

    pz_test_drive_to (ts, id, "technical_survey");
    receipt = output_of (id, "receipt");
    words = pz_test_pdf_text (receipt);
    g_assert_nonnull (strstr (words, "TANDA TERIMA"));
  }
  removed = send ("DELETE", "/api/v1/admin/office/logo", admin, NULL);
  without = office ();
  g_assert_cmpuint (removed->status, ==, 204);
  g_assert_false (json_object_get_boolean_member (without, "has_logo"));
}

static char *
identity_base64 (const char *dir,
                 const char *name,
                 const char *passphrase,
                 guint       days)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_true (pz_sign_create_identity (path, passphrase, "Ir. Sri Mulyani, M.Si.", "DPMPTSP Sukamaju", days, NULL));
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_unlink (path);
  return g_base64_encode ((const guchar *) contents, len);
}

/* A new signing certificate: refused if the passphrase does not open it,
 * if it is not a PKCS#12 or if it has ended, and without the Kadis's
 * confirmation (the passphrase of the current key); accepted, its subject
 * and end are shown, with a warning inside the last 30 days, every Kadis
 * session is told and nobody else's, and the Kadis signs with its
 * passphrase from then on.  No passphrase reaches the audit log. */
static void
test_signing_certificate (void)
{
  const char *admin = pz_test_login (ts, "admin");
  g_autofree char *dir = g_dir_make_tmp ("pz-cert-XXXXXX", NULL);
  g_autofree char *fresh = identity_base64 (dir, "fresh.p12", "kunci-baru-2027", 20);
  g_autofree char *expired = identity_base64 (dir, "old.p12", "kunci-lama", 0);
  g_autofree char *wrong = g_strdup_printf ("{\"pkcs12\":\"%s\",\"passphrase\":\"tebakan\",\"current_passphrase\":\"demo\"}", fresh);
  g_autofree char *garbage = g_strdup_printf ("{\"pkcs12\":\"%s\",\"passphrase\":\"x\",\"current_passphrase\":\"demo\"}", "aGFsbyBkdW5pYQ==");
  g_autofree char *ended = g_strdup_printf ("{\"pkcs12\":\"%s\",\"passphrase\":\"kunci-lama\",\"current_passphrase\":\"demo\"}", expired);
  g_autofree char *unconfirmed = g_strdup_printf ("{\"pkcs12\":\"%s\",\"passphrase\":\"kunci-baru-2027\"}", fresh);
  g_autofree char *not_current = g_strdup_printf ("{\"pkcs12\":\"%s\",\"passphrase\":\"kunci-baru-2027\",\"current_passphrase\":\"kunci-baru-2027\"}", fresh);
  g_autofree char *good = g_strdup_printf ("{\"pkcs12\":\"%s\",\"passphrase\":\"kunci-baru-2027\",\"current_passphrase\":\"demo\"}", fresh);
  g_autofree char *kadis_token = NULL;
  g_autofree char *kasi_token = NULL;
  g_autoptr(PzTestEvents) kadis_events = NULL;
  g_autoptr(PzTestEvents) kasi_events = NULL;
  g_autoptr(JsonObject) before = office ();
  const char *subject_before = json_object_get_string_member (json_object_get_object_member (before, "signing_certificate"),
                                                              "subject");

  {
    g_autoptr(PzResponse) r1 = send ("PUT", "/api/v1/admin/office/signing-certificate", admin, wrong);
    g_autoptr(PzResponse) r2 = send ("PUT", "/api/v1/admin/office/signing-certificate", admin, garbage);
    g_autoptr(PzResponse) r3 = send ("PUT", "/api/v1/admin/office/signing-certificate", admin, ended);
    g_autoptr(PzResponse) r4 = send ("PUT", "/api/v1/admin/office/signing-certificate", pz_test_login (ts, "kadis"), good);
    g_autoptr(PzResponse) r5 = send ("PUT", "/api/v1/admin/office/signing-certificate", admin, unconfirmed);
    g_autoptr(PzResponse) r6 = send ("PUT", "/api/v1/admin/office/signing-certificate", admin, not_current);
    g_autoptr(JsonObject) same = office ();

    g_assert_cmpuint (r1->status, ==, 422);
    g_assert_true (has_detail (r1, "passphrase"));
    g_assert_cmpuint (r2->status, ==, 422);
    g_assert_true (has_detail (r2, "pkcs12"));
    g_assert_cmpuint (r3->status, ==, 422);
    g_assert_nonnull (strstr ((const char *) g_bytes_get_data (r3->body, NULL), "expired"));
    g_assert_cmpuint (r4->status, ==, 403);
    g_assert_cmpuint (r5->status, ==, 422);
    g_assert_true (has_detail (r5, "current_passphrase"));
    g_assert_cmpuint (r6->status, ==, 422);
    g_assert_true (has_detail (r6, "current_passphrase"));
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (same, "signing_certificate"), "subject"),
                     ==, subject_before);
  }
  {
    g_autoptr(PzResponse) login_kadis = pz_test_request (ts, "POST", "/api/v1/auth/login", NULL,
                                                         "{\"username\":\"kadis\",\"password\":\"demo\"}");
    g_autoptr(PzResponse) login_kasi = pz_test_request (ts, "POST", "/api/v1/auth/login", NULL,
                                                        "{\"username\":\"kasi\",\"password\":\"demo\"}");

    kadis_token = g_strdup (json_object_get_string_member (pz_response_object (login_kadis), "token"));
    kasi_token = g_strdup (json_object_get_string_member (pz_response_object (login_kasi), "token"));
    kadis_events = pz_test_events_open (ts, kadis_token);
    kasi_events = pz_test_events_open (ts, kasi_token);
  }
  {
    g_autoptr(PzResponse) r = send ("PUT", "/api/v1/admin/office/signing-certificate", admin, good);
    const char *told;
    JsonObject *cert;

    g_assert_cmpuint (r->status, ==, 200);
    told = pz_test_events_find (kadis_events, "signing_certificate.replaced", 5000);
    g_assert_nonnull (told);
    g_assert_nonnull (strstr (told, "Sri Mulyani"));
    g_assert_null (pz_test_events_find (kasi_events, "signing_certificate.replaced", 300));
    cert = json_object_get_object_member (pz_response_object (r), "signing_certificate");
    g_assert_nonnull (strstr (json_object_get_string_member (cert, "subject"), "Sri Mulyani"));
    g_assert_cmpint (json_object_get_int_member (cert, "days_left"), <=, 20);
    g_assert_true (json_object_get_boolean_member (cert, "expiring_soon"));
  }
  {
    gint64 id = pz_test_register (ts, pz_test_login (ts, "front_office"), "PBG", "new");
    const char *kadis = pz_test_login (ts, "kadis");
    g_autoptr(JsonObject) app = NULL;
    g_autoptr(PzResponse) old_pass = NULL;
    g_autoptr(PzResponse) new_pass = NULL;

    pz_test_drive_to (ts, id, "signing");
    app = pz_test_get_application (ts, kadis, id);
    old_pass = pz_test_act (ts, kadis, id, "approve", json_object_get_int_member (app, "version"), NULL,
                            "{\"passphrase\":\"demo\"}");
    new_pass = pz_test_act (ts, kadis, id, "approve", json_object_get_int_member (app, "version"), NULL,
                            "{\"passphrase\":\"kunci-baru-2027\"}");
    g_assert_cmpuint (old_pass->status, ==, 422);
    g_assert_cmpuint (new_pass->status, ==, 200);
  }
  {
    g_autoptr(PzResponse) audit = send ("GET", "/api/v1/admin/audit", admin, NULL);
    const char *text = g_bytes_get_data (audit->body, NULL);

    g_assert_nonnull (g_strstr_len (text, g_bytes_get_size (audit->body), "office.signing_certificate"));
    g_assert_null (g_strstr_len (text, g_bytes_get_size (audit->body), "kunci-baru-2027"));
    g_assert_null (g_strstr_len (text, g_bytes_get_size (audit->body), "\"demo\""));
    g_assert_null (g_strstr_len (text, g_bytes_get_size (audit->body), fresh));
  }
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  ts = pz_test_server_start (NULL, TRUE);
  g_test_add_func ("/server/admin/only-admin", test_only_admin);
  g_test_add_func ("/server/admin/new-user-changes-password", test_new_user_changes_password);
  g_test_add_func ("/server/admin/deactivate", test_deactivate);
  g_test_add_func ("/server/admin/reset-password", test_reset_password);
  g_test_add_func ("/server/admin/holidays", test_holidays);
  g_test_add_func ("/server/admin/audit", test_audit);
  g_test_add_func ("/server/admin/acting", test_acting);
  g_test_add_func ("/server/admin/permit-type-edition", test_permit_type_edition);
  g_test_add_func ("/server/admin/office-profile", test_office_profile);
  g_test_add_func ("/server/admin/office-logo", test_office_logo);
  g_test_add_func ("/server/admin/signing-certificate", test_signing_certificate);
  rc = g_test_run ();
  pz_test_server_free (ts);
  return rc;
}
