/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The administrator manages the office's users through the API; every
 * change is in the audit log. */
#include "config.h"

#include <string.h>

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
  g_autofree char *path = g_strdup_printf ("/api/v1/admin/users/%" G_GINT64_FORMAT "/password", user_id ("kabid"));
  g_autofree char *token = NULL;

  {
    g_autoptr(PzResponse) r = login ("kabid", "demo");
    token = token_of (r);
  }
  {
    g_autoptr(PzResponse) shortpw = send ("POST", path, admin, "{\"password\":\"short\"}");
    g_autoptr(PzResponse) reset = send ("POST", path, admin, "{\"password\":\"reset-kabid-1\"}");
    g_autoptr(PzResponse) me = send ("GET", "/api/v1/me", token, NULL);
    g_autoptr(PzResponse) old = login ("kabid", "demo");
    g_autoptr(PzResponse) fresh = login ("kabid", "reset-kabid-1");

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
  rc = g_test_run ();
  pz_test_server_free (ts);
  return rc;
}
