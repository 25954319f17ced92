/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The desktop's client keeps the server's error codes: one HTTP status
 * with two meanings stays two errors. */
#include "config.h"

#include "pz-client.h"
#include "pz-test-server.h"

static PzTestServer *ts;

typedef struct {
  GError   *error;
  gboolean  done;
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

int
main (int   argc,
      char *argv[])
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  ts = pz_test_server_start (NULL, TRUE);
  g_test_add_func ("/client/error-codes", test_error_codes);
  rc = g_test_run ();
  pz_test_server_free (ts);
  return rc;
}
