/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One deployment, two offices: nothing of the first is visible or
 * actionable from the second.  Every route of the route table that takes
 * the id of an office's data answers 404 to the other office's users, so
 * that a new route is held to it without a new test. */
#include "config.h"

#include <string.h>

#include "pz-test-server.h"

#define B_CODE "kantor-b"
#define B_ADMIN_PASSWORD "Sandi-Admin-B-2026"
#define B_FRONT_PASSWORD "Sandi-Loket-B-2026"

static PzTestServer *ts;
static PzTestServer *maker;    /* made the data folder, which it removes when freed */

/* office A (the demo office, the first) */
static gint64 a_file;
static gint64 a_file_version;
static gint64 a_user;          /* A's front_office */
static GHashTable *a_files;    /* the ids of A's files */
static GHashTable *a_users;    /* the ids of A's users */

/* office B, added by the operator's command */
static char *b_admin;
static char *b_front;

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
login (const char *json)
{
  return send ("POST", "/api/v1/auth/login", NULL, json);
}

static char *
token_of (PzResponse *r)
{
  g_assert_cmpuint (r->status, ==, 200);
  return g_strdup (json_object_get_string_member (pz_response_object (r), "token"));
}

/* Logs in with a one-time password and sets the lasting one. */
static char *
first_login (const char *username,
             const char *one_time,
             const char *lasting)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s@" B_CODE "\",\"password\":\"%s\"}",
                                           username, one_time);
  g_autoptr(PzResponse) r = login (body);
  g_autofree char *token = token_of (r);
  g_autofree char *change = g_strdup_printf ("{\"old_password\":\"%s\",\"new_password\":\"%s\"}",
                                             one_time, lasting);
  g_autoptr(PzResponse) c = send ("POST", "/api/v1/auth/password", token, change);
  g_autofree char *again = g_strdup_printf ("{\"username\":\"%s\",\"office\":\"" B_CODE "\",\"password\":\"%s\"}",
                                            username, lasting);
  g_autoptr(PzResponse) l = NULL;

  g_assert_cmpuint (c->status, <, 300);
  l = login (again);
  return token_of (l);
}

/* Every integer member named "id", anywhere in @node. */
static void
collect_ids (JsonNode   *node,
             GHashTable *ids)
{
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (a); i++)
        collect_ids (json_array_get_element (a, i), ids);
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, &name, &member))
        {
          if (g_str_equal (name, "id") && JSON_NODE_HOLDS_VALUE (member) &&
              json_node_get_value_type (member) == G_TYPE_INT64)
            g_hash_table_add (ids, g_memdup2 (&(gint64) { json_node_get_int (member) }, sizeof (gint64)));
          else
            collect_ids (member, ids);
        }
    }
}

static GHashTable *
ids_of (const char *path,
        const char *token)
{
  g_autoptr(PzResponse) r = send ("GET", path, token, NULL);
  GHashTable *ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_nonnull (r->json);
  collect_ids (r->json, ids);
  return ids;
}

static void
assert_none_of_a (const char *path,
                  const char *token,
                  GHashTable *a_ids)
{
  g_autoptr(GHashTable) ids = ids_of (path, token);
  GHashTableIter iter;
  gpointer id;

  g_hash_table_iter_init (&iter, ids);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    if (g_hash_table_contains (a_ids, id))
      g_error ("%s shows office A's row %" G_GINT64_FORMAT " to office B", path, *(gint64 *) id);
}

/* What a hostile client of B sends to each route: a well-formed request,
 * so that only the id can make it fail. */
static const char *
body_for (const PzRoute *route)
{
  if (g_str_has_suffix (route->pattern, "/actions"))
    return "{\"action\":\"forward\",\"version\":1}";
  if (g_str_has_suffix (route->pattern, "/checklist/{requirement}"))
    return "{\"verdict\":\"ok\"}";
  if (g_str_has_suffix (route->pattern, "/password"))
    return "{\"password\":\"Sandi-Curian-2026\"}";
  if (g_str_has_suffix (route->pattern, "/acting"))
    return "{\"role\":\"kabid\",\"kind\":\"plh\",\"starts_on\":\"2030-01-06\",\"ends_on\":\"2030-01-07\"}";
  if (g_str_equal (route->method, "PATCH"))
    return "{\"full_name\":\"Diambil Alih\",\"active\":false}";
  return "{}";
}

static char *
path_for (const PzRoute *route,
          gint64         id)
{
  g_autoptr(GString) path = g_string_new (route->pattern);
  g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, id);

  g_string_replace (path, "{id}", number, 0);
  g_string_replace (path, "{requirement}", "ktp", 0);
  g_string_replace (path, "{kind}", "receipt", 0);
  g_string_replace (path, "{acting_id}", "1", 0);
  return g_strdup (path->str);
}

/* Every route that takes the id of a file or of a user: 404 for office B,
 * whatever it asks, and nothing of A changes. */
static void
test_every_route (void)
{
  guint n_routes, covered = 0;
  const PzRoute *routes = pz_server_get_routes (&n_routes);

  for (guint i = 0; i < n_routes; i++)
    {
      const PzRoute *route = &routes[i];
      gboolean admin = g_str_has_prefix (route->pattern, "/api/v1/admin/");
      g_autofree char *path = NULL;
      g_autoptr(PzResponse) r = NULL;

      if (!strstr (route->pattern, "{id}"))
        continue;
      /* the ids of users are the administration's, those of files the office's */
      path = path_for (route, admin ? a_user : a_file);
      if (route->body == PZ_ROUTE_BODY_UPLOAD)
        {
          g_autoptr(GBytes) png = pz_test_png (20, 20);

          r = pz_test_request_full (ts, route->method, path, admin ? b_admin : b_front, "image/png", png, NULL);
        }
      else
        {
          gboolean with_body = !g_str_equal (route->method, "GET") && !g_str_equal (route->method, "DELETE");

          r = send (route->method, path, admin ? b_admin : b_front, with_body ? body_for (route) : NULL);
        }
      if (r->status != 404)
        g_error ("%s %s answered %u to office B", route->method, path, r->status);
      g_assert_cmpstr (pz_response_error_code (r), ==, "not_found");
      covered++;
    }
  /* the files' reads and actions, their documents, outputs and checklist;
   * the users' changes, passwords and acting periods */
  g_assert_cmpuint (covered, >=, 11);

  {
    JsonObject *file = pz_test_get_application (ts, pz_test_login (ts, "front_office"), a_file);
    g_autofree char *path = g_strdup_printf ("/api/v1/admin/users/%" G_GINT64_FORMAT "/acting", a_user);
    g_autoptr(PzResponse) acting = send ("GET", path, pz_test_login (ts, "admin"), NULL);
    g_autoptr(PzResponse) relogin = login ("{\"username\":\"front_office\",\"password\":\"demo\"}");

    g_assert_cmpint (json_object_get_int_member (file, "version"), ==, a_file_version);
    g_assert_cmpuint (acting->status, ==, 200);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (acting->json)), ==, 0);
    /* nor was A's front office deactivated or its password changed */
    g_assert_cmpuint (relogin->status, ==, 200);
    json_object_unref (file);
  }
}

/* The lists of B show none of A's rows. */
static void
test_lists (void)
{
  assert_none_of_a ("/api/v1/applications", b_front, a_files);
  assert_none_of_a ("/api/v1/applications?q=REG", b_front, a_files);
  assert_none_of_a ("/api/v1/inbox", b_front, a_files);
  assert_none_of_a ("/api/v1/late-files", b_front, a_files);
  assert_none_of_a ("/api/v1/admin/users", b_admin, a_users);
  {
    g_autoptr(GHashTable) users = ids_of ("/api/v1/admin/users", b_admin);

    /* B's administrator and front office */
    g_assert_cmpuint (g_hash_table_size (users), ==, 2);
  }
  {
    g_autoptr(PzResponse) audit = send ("GET", "/api/v1/admin/audit", b_admin, NULL);
    JsonArray *entries;

    g_assert_cmpuint (audit->status, ==, 200);
    entries = JSON_NODE_HOLDS_ARRAY (audit->json) ? json_node_get_array (audit->json)
              : json_object_get_array_member (json_node_get_object (audit->json), "items");
    g_assert_cmpuint (json_array_get_length (entries), >, 0);
    for (guint i = 0; i < json_array_get_length (entries); i++)
      {
        JsonObject *e = json_array_get_object_element (entries, i);
        const char *name = json_object_get_string_member_with_default (e, "full_name", "");

        /* A's administrator is "Administrator Sistem" */
        g_assert_cmpstr (name, !=, "Administrator Sistem");
      }
  }
}

/* What the deployment still keeps once (the office signing key of the
 * configuration) is the first office's: another office can neither read
 * nor change it. */
static const char * const first_office_only[] = {
  "/api/v1/admin/office/signing-certificate", NULL
};

static gboolean
is_first_office_only (const char *pattern)
{
  for (guint i = 0; first_office_only[i]; i++)
    if (g_str_has_prefix (pattern, first_office_only[i]))
      return TRUE;
  return FALSE;
}

static void
test_shared_settings (void)
{
  guint n_routes, covered = 0;
  const PzRoute *routes = pz_server_get_routes (&n_routes);

  for (guint i = 0; i < n_routes; i++)
    {
      const PzRoute *route = &routes[i];
      g_autoptr(GString) path = g_string_new (route->pattern);
      g_autoptr(PzResponse) r = NULL;
      gboolean with_body = !g_str_equal (route->method, "GET") && !g_str_equal (route->method, "DELETE");

      if (route->access == PZ_ROUTE_OPEN || route->access == PZ_ROUTE_PAGE)
        continue;
      if (!is_first_office_only (route->pattern))
        {
          /* any other route with a parameter must take the ids the other
           * test holds to the office, or a date or a code of what each
           * office defines for itself (own-definitions) */
          if (strchr (route->pattern, '{') && !strstr (route->pattern, "{id}") &&
              !strstr (route->pattern, "{date}") && !strstr (route->pattern, "{code}"))
            g_error ("%s %s takes a parameter no office owns", route->method, route->pattern);
          continue;
        }
      g_string_replace (path, "{date}", "2030-01-02", 0);
      g_string_replace (path, "{code}", "PBG", 0);
      if (route->body == PZ_ROUTE_BODY_UPLOAD)
        {
          g_autoptr(GBytes) png = pz_test_png (20, 20);

          r = pz_test_request_full (ts, route->method, path->str, b_admin, "image/png", png, NULL);
        }
      else
        r = send (route->method, path->str, route->access == PZ_ROUTE_ADMIN ? b_admin : b_front,
                  with_body ? "{\"name\":\"Curian\",\"kind\":\"regional\"}" : NULL);
      if (r->status != 404)
        g_error ("%s %s answered %u to office B", route->method, path->str, r->status);
      covered++;
    }
  /* the signing certificate */
  g_assert_cmpuint (covered, ==, 1);
  {
    g_autoptr(PzResponse) mine = send ("GET", "/api/v1/admin/office", pz_test_login (ts, "admin"), NULL);

    g_assert_cmpuint (mine->status, ==, 200);
    g_assert_cmpstr (json_object_get_string_member (pz_response_object (mine), "name"), !=, "Kantor Curian");
  }
}

/* A's permit type @code as A defines it, to be given to B. */
static JsonObject *
type_of_a (const char *code)
{
  g_autoptr(PzResponse) r = send ("GET", "/api/v1/permit-types", pz_test_login (ts, "front_office"), NULL);
  JsonArray *types = json_node_get_array (r->json);

  for (guint i = 0; i < json_array_get_length (types); i++)
    {
      JsonObject *t = json_array_get_object_element (types, i);

      if (g_str_equal (json_object_get_string_member (t, "code"), code))
        {
          JsonObject *copy = json_node_get_object (json_node_copy (json_array_get_element (types, i)));

          json_object_ref (copy);
          json_object_remove_member (copy, "version");
          json_object_remove_member (copy, "next_sequence");
          return copy;
        }
    }
  g_error ("A has no permit type %s", code);
}

/* B's admin defines a permit type under A's code, with a name of B's own */
static void
define_for_b (const char *code,
              const char *name)
{
  g_autoptr(JsonObject) type = type_of_a (code);
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *path = g_strdup_printf ("/api/v1/admin/permit-types/%s", code);
  g_autofree char *body = NULL;
  g_autoptr(PzResponse) r = NULL;

  json_object_set_string_member (type, "name", name);
  json_node_set_object (node, type);
  body = json_to_string (node, FALSE);
  r = send ("PUT", path, b_admin, body);
  g_assert_cmpuint (r->status, ==, 201);
}

static const char *
name_in (PzResponse *list,
         const char *code)
{
  JsonArray *types = json_node_get_array (list->json);

  for (guint i = 0; i < json_array_get_length (types); i++)
    {
      JsonObject *t = json_array_get_object_element (types, i);

      if (g_str_equal (json_object_get_string_member (t, "code"), code))
        return json_object_get_string_member (t, "name");
    }
  return NULL;
}

static gboolean
has_holiday (const char *token,
             const char *date)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/admin/holidays?year=%.4s", date);
  g_autoptr(PzResponse) r = send ("GET", path, token, NULL);
  JsonArray *days = json_node_get_array (r->json);

  g_assert_cmpuint (r->status, ==, 200);
  for (guint i = 0; i < json_array_get_length (days); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (days, i), "date"), date))
      return TRUE;
  return FALSE;
}

/* Each office defines its own permit types (under codes another office
 * uses too), its holidays, its office hours and its emblem; what one
 * defines, the other neither sees nor is timed by. */
static void
test_own_definitions (void)
{
  const char *a_admin = pz_test_login (ts, "admin");
  g_autoptr(PzResponse) a_types = send ("GET", "/api/v1/permit-types", pz_test_login (ts, "front_office"), NULL);
  g_autoptr(PzResponse) b_types = send ("GET", "/api/v1/permit-types", b_front, NULL);
  g_autoptr(PzResponse) a_office_before = send ("GET", "/api/v1/admin/office", a_admin, NULL);
  g_autoptr(PzResponse) a_versions = send ("GET", "/api/v1/admin/permit-types/PBG/versions", a_admin, NULL);
  g_autoptr(PzResponse) b_versions = send ("GET", "/api/v1/admin/permit-types/PBG/versions", b_admin, NULL);
  g_autoptr(GBytes) png = pz_test_png (24, 24);

  /* the types B defined in the set-up, and only those */
  g_assert_cmpuint (json_array_get_length (json_node_get_array (b_types->json)), ==, 2);
  g_assert_cmpstr (name_in (b_types, "PBG"), ==, "Persetujuan Bangunan Gedung Kantor B");
  g_assert_cmpstr (name_in (b_types, "SIP-DOKTER"), ==, "Surat Izin Praktik Dokter Kantor B");
  g_assert_null (name_in (b_types, "REKLAME"));
  g_assert_cmpstr (name_in (a_types, "PBG"), ==, "Persetujuan Bangunan Gedung");
  g_assert_cmpuint (json_array_get_length (json_node_get_array (a_types->json)), ==, 4);
  /* each has its own first edition */
  g_assert_cmpuint (json_array_get_length (json_node_get_array (a_versions->json)), ==, 1);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (b_versions->json)), ==, 1);

  /* B's file is of B's type */
  {
    gint64 id = pz_test_register (ts, b_front, "PBG", "new");
    JsonObject *file = pz_test_get_application (ts, b_front, id);

    g_assert_cmpstr (json_object_get_string_member (file, "permit_type_name"), ==,
                     "Persetujuan Bangunan Gedung Kantor B");
    json_object_unref (file);
  }
  /* a type only A has is not B's to register */
  {
    g_autoptr(PzResponse) r = send ("POST", "/api/v1/applications", b_front,
                                    "{\"permit_type\":\"REKLAME\",\"request_type\":\"new\","
                                    "\"applicant\":{\"name\":\"Wahyu Pratama\",\"nik\":\"3201011203850099\","
                                    "\"address\":\"Jl. Mawar No. 1\",\"phone\":\"081234500099\"}}");
    g_assert_cmpuint (r->status, ==, 422);
  }
  {
    g_autoptr(PzResponse) r = send ("GET", "/api/v1/admin/permit-types/REKLAME/versions", b_admin, NULL);
    g_autoptr(PzResponse) mine = send ("GET", "/api/v1/admin/permit-types/REKLAME/versions", a_admin, NULL);

    g_assert_cmpuint (r->status, ==, 404);
    g_assert_cmpuint (mine->status, ==, 200);
  }

  /* the calendar: B starts with the national holidays, as A did */
  g_assert_true (has_holiday (b_admin, "2026-12-25"));
  g_assert_true (has_holiday (a_admin, "2026-12-25"));
  {
    g_autoptr(PzResponse) put = send ("PUT", "/api/v1/admin/holidays/2031-03-03", b_admin,
                                      "{\"name\":\"Hari Jadi Kota B\",\"kind\":\"regional\"}");
    g_autoptr(PzResponse) gone = send ("DELETE", "/api/v1/admin/holidays/2026-12-25", b_admin, NULL);

    g_assert_cmpuint (put->status, ==, 200);
    g_assert_cmpuint (gone->status, <, 300);
  }
  g_assert_true (has_holiday (b_admin, "2031-03-03"));
  g_assert_false (has_holiday (a_admin, "2031-03-03"));
  g_assert_false (has_holiday (b_admin, "2026-12-25"));
  g_assert_true (has_holiday (a_admin, "2026-12-25"));

  /* office hours */
  {
    g_autoptr(PzResponse) patch = send ("PATCH", "/api/v1/admin/office", b_admin,
                                        "{\"opens\":\"08:15\",\"closes\":\"14:45\"}");
    g_autoptr(PzResponse) b = send ("GET", "/api/v1/admin/office", b_admin, NULL);
    g_autoptr(PzResponse) a = send ("GET", "/api/v1/admin/office", a_admin, NULL);

    g_assert_cmpuint (patch->status, ==, 200);
    g_assert_cmpstr (json_object_get_string_member (pz_response_object (b), "opens"), ==, "08:15");
    g_assert_cmpstr (json_object_get_string_member (pz_response_object (b), "closes"), ==, "14:45");
    g_assert_cmpstr (json_object_get_string_member (pz_response_object (a), "opens"), ==,
                     json_object_get_string_member (pz_response_object (a_office_before), "opens"));
    g_assert_cmpstr (json_object_get_string_member (pz_response_object (a), "closes"), ==,
                     json_object_get_string_member (pz_response_object (a_office_before), "closes"));
  }

  /* the emblem */
  {
    g_autoptr(PzResponse) put = pz_test_request_full (ts, "PUT", "/api/v1/admin/office/logo", b_admin,
                                                      "image/png", png, NULL);
    g_autoptr(PzResponse) b = send ("GET", "/api/v1/admin/office/logo", b_admin, NULL);
    g_autoptr(PzResponse) a = send ("GET", "/api/v1/admin/office", a_admin, NULL);

    g_assert_cmpuint (put->status, ==, 204);
    g_assert_cmpuint (b->status, ==, 200);
    g_assert_true (g_bytes_equal (b->body, png));
    g_assert_true (json_object_get_boolean_member (pz_response_object (a), "has_logo") ==
                   json_object_get_boolean_member (pz_response_object (a_office_before), "has_logo"));
  }
}

/* Each office has its own profile: B's name is B's alone. */
static void
test_profile (void)
{
  g_autoptr(PzResponse) before = send ("GET", "/api/v1/admin/office", pz_test_login (ts, "admin"), NULL);
  g_autoptr(PzResponse) b_before = send ("GET", "/api/v1/admin/office", b_admin, NULL);
  g_autoptr(PzResponse) patch = send ("PATCH", "/api/v1/admin/office", b_admin,
                                      "{\"name\":\"Kantor Curian\",\"city\":\"Kota B\"}");
  g_autoptr(PzResponse) b = send ("GET", "/api/v1/admin/office", b_admin, NULL);
  g_autoptr(PzResponse) a = send ("GET", "/api/v1/admin/office", pz_test_login (ts, "admin"), NULL);

  /* named as the operator named it */
  g_assert_cmpstr (json_object_get_string_member (pz_response_object (b_before), "name"), ==, "Kantor B");
  g_assert_cmpuint (patch->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (pz_response_object (b), "name"), ==, "Kantor Curian");
  g_assert_cmpstr (json_object_get_string_member (pz_response_object (b), "city"), ==, "Kota B");
  g_assert_cmpstr (json_object_get_string_member (pz_response_object (a), "name"), ==,
                   json_object_get_string_member (pz_response_object (before), "name"));
  g_assert_cmpstr (json_object_get_string_member (pz_response_object (a), "name"), ==,
                   "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kabupaten Sukamaju");
}

/* Each office numbers its files from 1; the registration numbers repeat
 * across offices without clashing. */
static void
test_counters (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *first = g_strdup_printf ("REG-%d-000001", g_date_time_get_year (now));
  gint64 id = pz_test_register (ts, b_front, "PBG", "new");
  JsonObject *file = pz_test_get_application (ts, b_front, id);
  g_autoptr(PzResponse) from_a = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT, id);

  g_assert_cmpstr (json_object_get_string_member (file, "registration_number"), ==, first);
  json_object_unref (file);
  /* B works its own file: its documents and checklist */
  pz_test_complete_documents (ts, b_front, id);
  {
    JsonObject *done = pz_test_get_application (ts, b_front, id);
    JsonArray *checklist = json_object_get_array_member (done, "checklist");
    g_autofree char *document = g_strdup_printf ("%s/documents/%s", path,
                                                 json_object_get_string_member (
                                                   json_array_get_object_element (checklist, 0), "requirement"));
    g_autoptr(PzResponse) mine = send ("GET", document, b_front, NULL);
    g_autoptr(PzResponse) theirs = send ("GET", document, pz_test_login (ts, "front_office"), NULL);

    g_assert_cmpuint (json_array_get_length (checklist), >, 0);
    g_assert_cmpuint (mine->status, ==, 200);
    g_assert_cmpuint (theirs->status, ==, 404);
    json_object_unref (done);
  }
  /* and B's file is not A's */
  from_a = send ("GET", path, pz_test_login (ts, "front_office"), NULL);
  g_assert_cmpuint (from_a->status, ==, 404);
  {
    g_autoptr(GHashTable) mine = ids_of ("/api/v1/applications", b_front);

    g_assert_cmpuint (g_hash_table_size (mine), ==, 1);
    g_assert_true (g_hash_table_contains (mine, &id));
  }
  /* A's second registration is not B's first */
  {
    gint64 a_next = pz_test_register (ts, pz_test_login (ts, "front_office"), "PBG", "new");
    JsonObject *a = pz_test_get_application (ts, pz_test_login (ts, "front_office"), a_next);

    g_assert_cmpstr (json_object_get_string_member (a, "registration_number"), !=, first);
    json_object_unref (a);
  }
}

/* A desktop of office B hears of B's files only: a change of A's file,
 * announced on the same server, never reaches it, while A's desktop
 * hears it. */
static void
test_events_stay_home (void)
{
  g_autoptr(PzTestEvents) mine = pz_test_events_open (ts, b_front);
  g_autoptr(PzTestEvents) theirs = pz_test_events_open (ts, pz_test_login (ts, "kasi"));
  gint64 a_id = pz_test_register (ts, pz_test_login (ts, "front_office"), "SIP-DOKTER", "new");
  gint64 b_id = pz_test_register (ts, b_front, "SIP-DOKTER", "new");
  g_autofree char *a_needle = g_strdup_printf ("\"id\":%" G_GINT64_FORMAT ",", a_id);
  g_autofree char *b_needle = g_strdup_printf ("\"id\":%" G_GINT64_FORMAT ",", b_id);
  gboolean b_heard_own = FALSE, a_heard_own = FALSE;

  pz_test_events_wait_count (theirs, 1, 2000);
  pz_test_events_wait_count (mine, 1, 2000);
  /* both registrations done; let anything else in flight arrive */
  pz_test_events_wait_count (mine, 100, 500);
  for (guint i = 0; pz_test_events_nth (mine, i); i++)
    {
      const char *event = pz_test_events_nth (mine, i);

      g_test_message ("B heard: %s", event);
      g_assert_null (strstr (event, a_needle));
      b_heard_own = b_heard_own || strstr (event, b_needle) != NULL;
    }
  for (guint i = 0; pz_test_events_nth (theirs, i); i++)
    {
      const char *event = pz_test_events_nth (theirs, i);

      g_assert_null (strstr (event, b_needle));
      a_heard_own = a_heard_own || strstr (event, a_needle) != NULL;
    }
  g_assert_true (b_heard_own);
  g_assert_true (a_heard_own);
}

static gint64
received (const char *token)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *path = g_strdup_printf ("/api/v1/reports?from=%d-01-01", g_date_time_get_year (now));
  g_autoptr(PzResponse) r = send ("GET", path, token, NULL);
  JsonArray *volume;
  gint64 total = 0;

  g_assert_cmpuint (r->status, ==, 200);
  volume = json_object_get_array_member (pz_response_object (r), "volume");
  for (guint i = 0; i < json_array_get_length (volume); i++)
    total += json_object_get_int_member (json_array_get_object_element (volume, i), "received");
  return total;
}

/* Each office's heads read the report of their own files. */
static void
test_report (void)
{
  g_autoptr(PzResponse) created = send ("POST", "/api/v1/admin/users", b_admin,
                                        "{\"username\":\"kadis\",\"full_name\":\"Kadis B\","
                                        "\"roles\":[\"kadis\"],\"password\":\"Sandi-Sekali-K-2026\"}");
  g_autofree char *b_kadis = NULL;

  g_assert_cmpuint (created->status, ==, 201);
  b_kadis = first_login ("kadis", "Sandi-Sekali-K-2026", "Sandi-Kadis-B-2026");
  /* the one file B registered (test_counters) */
  g_assert_cmpint (received (b_kadis), ==, 1);
  g_assert_cmpint (received (pz_test_login (ts, "kadis")), >, 1);
}

/* B's administrator makes users in B only: a username A has is B's own. */
static void
test_users_stay_home (void)
{
  g_autoptr(GHashTable) before = ids_of ("/api/v1/admin/users", pz_test_login (ts, "admin"));
  g_autoptr(PzResponse) kasi = send ("POST", "/api/v1/admin/users", b_admin,
                                     "{\"username\":\"kasi\",\"full_name\":\"Kasi B\","
                                     "\"roles\":[\"kasi\"],\"password\":\"Sandi-Kasi-B-2026\"}");
  g_autoptr(GHashTable) after = ids_of ("/api/v1/admin/users", pz_test_login (ts, "admin"));
  g_autoptr(PzResponse) a_kasi = login ("{\"username\":\"kasi\",\"password\":\"demo\"}");
  g_autoptr(PzResponse) b_kasi = login ("{\"username\":\"kasi@" B_CODE "\",\"password\":\"demo\"}");
  g_autoptr(PzResponse) nowhere = login ("{\"username\":\"kasi\",\"office\":\"tidak-ada\",\"password\":\"demo\"}");

  g_assert_cmpuint (kasi->status, ==, 201);
  g_assert_cmpuint (g_hash_table_size (after), ==, g_hash_table_size (before));
  /* A's kasi still logs in with the demo password; B's has another */
  g_assert_cmpuint (a_kasi->status, ==, 200);
  g_assert_cmpuint (b_kasi->status, ==, 401);
  g_assert_cmpuint (nowhere->status, ==, 401);
}

static char *
add_office (const char *dir)
{
  /* on PostgreSQL the command finds the database in the configuration */
  g_autofree char *config = g_build_filename (dir, "office-add.conf", NULL);
  g_autofree char *location = pz_test_db_location (dir);
  g_autofree char *text = g_strdup_printf ("[store]\nbackend=postgresql\nurl=%s\n", location);
  const char *flag = pz_test_on_postgresql () ? "--config" : "--data-dir";
  const char *where = !pz_test_on_postgresql () ? dir : g_file_set_contents (config, text, -1, NULL) ? config : NULL;
  const char *argv[] = { g_getenv ("PERIZINAN_SERVER"), "office", "add", B_CODE, "Kantor B",
                         flag, where, NULL };
  g_autofree char *out = pz_test_run (argv);
  g_autoptr(GRegex) re = g_regex_new ("admin@" B_CODE " .* ([0-9a-f]{24})\\s*$", 0, 0, NULL);
  g_autoptr(GMatchInfo) m = NULL;
  const char *again[] = { g_getenv ("PERIZINAN_SERVER"), "office", "add", B_CODE, "Kantor B lagi",
                          flag, where, NULL };
  g_autofree char *twice = NULL;

  const char *bad_code[] = { g_getenv ("PERIZINAN_SERVER"), "office", "add", "Kantor B!", "Kantor B",
                             flag, where, NULL };
  const char *no_name[] = { g_getenv ("PERIZINAN_SERVER"), "office", "add", "kantor-c", " ",
                            flag, where, NULL };

  g_assert_true (g_regex_match (re, out, 0, &m));
  /* a code names one office */
  twice = pz_test_run (again);
  g_assert_false (strstr (twice, "admin@"));
  g_assert_false (pz_test_run_in (dir, bad_code));
  g_assert_false (pz_test_run_in (dir, no_name));
  return g_match_info_fetch (m, 1);
}

static void
setup (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *one_time = NULL;
  g_autoptr(PzResponse) created = NULL;

  maker = pz_test_server_start (NULL, TRUE);
  dir = g_strdup (pz_test_server_get_dir (maker));
  pz_test_server_stop (maker);
  one_time = add_office (dir);
  ts = pz_test_server_start (dir, TRUE);

  a_file = pz_test_register (ts, pz_test_login (ts, "front_office"), "PBG", "new");
  {
    JsonObject *file = pz_test_get_application (ts, pz_test_login (ts, "front_office"), a_file);

    a_file_version = json_object_get_int_member (file, "version");
    json_object_unref (file);
  }
  a_files = ids_of ("/api/v1/applications?limit=500", pz_test_login (ts, "front_office"));
  a_users = ids_of ("/api/v1/admin/users", pz_test_login (ts, "admin"));
  {
    g_autoptr(PzResponse) list = send ("GET", "/api/v1/admin/users", pz_test_login (ts, "admin"), NULL);
    JsonArray *users = json_node_get_array (list->json);

    for (guint i = 0; i < json_array_get_length (users); i++)
      {
        JsonObject *u = json_array_get_object_element (users, i);

        if (g_str_equal (json_object_get_string_member (u, "username"), "front_office"))
          a_user = json_object_get_int_member (u, "id");
      }
  }
  g_assert_true (g_hash_table_contains (a_files, &a_file));
  g_assert_true (g_hash_table_contains (a_users, &a_user));
  /* the demo office's files are there to be seen */
  g_assert_cmpuint (g_hash_table_size (a_files), >, 1);

  b_admin = first_login ("admin", one_time, B_ADMIN_PASSWORD);
  /* B's front office bears the same username as A's */
  created = send ("POST", "/api/v1/admin/users", b_admin,
                  "{\"username\":\"front_office\",\"full_name\":\"Loket Kantor B\","
                  "\"roles\":[\"front_office\"],\"password\":\"Sandi-Sekali-B-2026\"}");
  g_assert_cmpuint (created->status, ==, 201);
  b_front = first_login ("front_office", "Sandi-Sekali-B-2026", B_FRONT_PASSWORD);
  /* B issues two of the permits A issues, under the same codes */
  define_for_b ("PBG", "Persetujuan Bangunan Gedung Kantor B");
  define_for_b ("SIP-DOKTER", "Surat Izin Praktik Dokter Kantor B");
}

int
main (int   argc,
      char *argv[])
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  setup ();
  g_test_add_func ("/server/offices/every-route", test_every_route);
  g_test_add_func ("/server/offices/lists", test_lists);
  g_test_add_func ("/server/offices/shared-settings", test_shared_settings);
  g_test_add_func ("/server/offices/profile", test_profile);
  g_test_add_func ("/server/offices/counters", test_counters);
  g_test_add_func ("/server/offices/report", test_report);
  g_test_add_func ("/server/offices/users-stay-home", test_users_stay_home);
  g_test_add_func ("/server/offices/events-stay-home", test_events_stay_home);
  g_test_add_func ("/server/offices/own-definitions", test_own_definitions);
  rc = g_test_run ();
  pz_test_server_free (ts);
  pz_test_server_free (maker);
  g_hash_table_unref (a_files);
  g_hash_table_unref (a_users);
  g_free (b_admin);
  g_free (b_front);
  return rc;
}
