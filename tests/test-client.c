/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The desktop's client keeps the server's error codes: one HTTP status
 * with two meanings stays two errors. */
#include "config.h"

#include "pz-api.h"
#include "pz-client.h"
#include "pz-test-server.h"

static PzTestServer *ts;

typedef struct {
  GError  *error;
  gboolean done;
} Result;

static void
answered (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  Result *r = data;
  g_autoptr(JsonNode) node = pz_client_request_finish (PZ_CLIENT (source), result, NULL, &r->error);

  r->done = TRUE;
}

static GError *
request_error (PzClient   *client,
               const char *method,
               const char *path,
               const char *body,
               const char *key)
{
  g_autoptr(JsonNode) node = body ? json_from_string (body, NULL) : NULL;
  Result r = { NULL, FALSE };

  pz_client_request_async (client, method, path, node, key, NULL, answered, &r);
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);
  return r.error;
}

static void
test_error_codes (void)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", pz_test_server_get_port (ts));
  g_autoptr(PzClient) client = pz_client_new (url);
  gint64 id = pz_test_register (ts, pz_test_login (ts, "front_office"), "PBG", "new");
  g_autofree char *act_path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/actions", id);

  pz_client_set_token (client, pz_test_login (ts, "admin"));
  {
    g_autoptr(GError) error = request_error (client, "POST", "/api/v1/admin/users",
                                             "{\"username\":\"kasi\",\"full_name\":\"Kasi Kedua\","
                                             "\"password\":\"rahasia-panjang-sekali\",\"roles\":[\"kasi\"]}", NULL);
    g_assert_error (error, PZ_CLIENT_ERROR, PZ_CLIENT_ERROR_DUPLICATE);
  }
  pz_client_set_token (client, pz_test_login (ts, "front_office"));
  {
    g_autoptr(GError) error = request_error (client, "POST", act_path,
                                             "{\"action\":\"approve\",\"version\":999}", "test-client-stale-1");
    g_assert_error (error, PZ_CLIENT_ERROR, PZ_CLIENT_ERROR_STALE);
  }
}

typedef struct {
  JsonNode *node;
  GError   *error;
  gboolean  done;
} ApiResult;

static void
list_users_answered (GObject      *source,
                     GAsyncResult *result,
                     gpointer      data)
{
  ApiResult *r = data;

  r->node = pz_api_list_users_finish (PZ_CLIENT (source), result, &r->error);
  r->done = TRUE;
}

static void
save_user_answered (GObject      *source,
                    GAsyncResult *result,
                    gpointer      data)
{
  ApiResult *r = data;

  r->node = pz_api_save_user_finish (PZ_CLIENT (source), result, &r->error);
  r->done = TRUE;
}

static void
act_answered (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  ApiResult *r = data;

  r->node = pz_api_act_finish (PZ_CLIENT (source), result, &r->error);
  r->done = TRUE;
}

static void
wait_result (ApiResult *r)
{
  while (!r->done)
    g_main_context_iteration (NULL, TRUE);
}

static void
api_result_clear (ApiResult *r)
{
  g_clear_pointer (&r->node, json_node_unref);
  g_clear_error (&r->error);
  r->done = FALSE;
}

/* The calls by endpoint: their answers, and the server's own code on a
 * refusal, so that the two meanings of 409 stay apart. */
static void
test_api (void)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", pz_test_server_get_port (ts));
  g_autoptr(PzClient) client = pz_client_new (url);
  gint64 id = pz_test_register (ts, pz_test_login (ts, "front_office"), "PBG", "new");
  ApiResult r = { NULL, NULL, FALSE };

  pz_client_set_token (client, pz_test_login (ts, "admin"));
  pz_api_list_users_async (client, NULL, list_users_answered, &r);
  wait_result (&r);
  g_assert_no_error (r.error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (r.node));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (r.node)), >=, 8);
  api_result_clear (&r);

  {
    g_autoptr(JsonObject) user = json_object_new ();
    g_autoptr(JsonArray) roles = json_array_new ();

    json_array_add_string_element (roles, "kasi");
    json_object_set_string_member (user, "username", "kasi");
    json_object_set_string_member (user, "full_name", "Kasi Kedua");
    json_object_set_string_member (user, "password", "rahasia-panjang-sekali");
    json_object_set_array_member (user, "roles", g_steal_pointer (&roles));
    pz_api_save_user_async (client, 0, user, NULL, save_user_answered, &r);
    wait_result (&r);
    g_assert_null (r.node);
    g_assert_error (r.error, PZ_CLIENT_ERROR, PZ_CLIENT_ERROR_DUPLICATE);
    g_assert_cmpstr (pz_client_error_get_server_code (r.error), ==, "duplicate");
    api_result_clear (&r);
  }

  pz_client_set_token (client, pz_test_login (ts, "front_office"));
  pz_api_act_async (client, id, "approve", 999, NULL, NULL, "test-client-api-stale-1", NULL, act_answered, &r);
  wait_result (&r);
  g_assert_null (r.node);
  g_assert_error (r.error, PZ_CLIENT_ERROR, PZ_CLIENT_ERROR_STALE);
  g_assert_cmpstr (pz_client_error_get_server_code (r.error), ==, "stale_version");
  api_result_clear (&r);

  /* a file that does not exist: the code of a 404, no details */
  pz_api_act_async (client, id + 1000, "approve", 1, NULL, NULL, "test-client-api-missing-1", NULL, act_answered,
                    &r);
  wait_result (&r);
  g_assert_error (r.error, PZ_CLIENT_ERROR, PZ_CLIENT_ERROR_NOT_FOUND);
  g_assert_cmpstr (pz_client_error_get_server_code (r.error), ==, "not_found");
  g_assert_null (pz_client_error_get_details (r.error));
  api_result_clear (&r);
}

/* A request cancelled ends with a G_IO_ERROR: it has no server code nor
 * details, and asking for them is no mistake. */
static void
test_cancelled (void)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", pz_test_server_get_port (ts));
  g_autoptr(PzClient) client = pz_client_new (url);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  ApiResult r = { NULL, NULL, FALSE };

  pz_client_set_token (client, pz_test_login (ts, "front_office"));
  g_cancellable_cancel (cancellable);
  pz_api_act_async (client, 1, "approve", 1, NULL, NULL, "test-client-cancelled-1", cancellable, act_answered, &r);
  wait_result (&r);
  g_assert_null (r.node);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (pz_client_error_get_server_code (r.error));
  g_assert_null (pz_client_error_get_details (r.error));
  api_result_clear (&r);
}

int
main (int   argc,
      char *argv[])
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  ts = pz_test_server_start (NULL, TRUE);
  g_test_add_func ("/client/error-codes", test_error_codes);
  g_test_add_func ("/client/api", test_api);
  g_test_add_func ("/client/cancelled", test_cancelled);
  rc = g_test_run ();
  pz_test_server_free (ts);
  return rc;
}
