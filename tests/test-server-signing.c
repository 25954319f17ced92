/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Signing off the main loop: while a signature waits for its timestamp
 * authority, the other requests of the office are answered; a second
 * signing of the same file is refused; a file changed meanwhile stays
 * unsigned. */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "pz-sign.h"
#include "pz-test-ca.h"
#include "pz-test-server.h"
#include "pz-test-tsa.h"

static PzTestServer *ts;
static char *workdir;
static PzTestTsa *tsa;

static GBytes *
get_output (gint64      id,
            const char *kind)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/outputs/%s", id, kind);
  g_autoptr(PzResponse) r = pz_test_request_full (ts, "GET", path, pz_test_login (ts, "kasi"), NULL, NULL, NULL);

  g_assert_cmpuint (r->status, ==, 200);
  return g_bytes_ref (r->body);
}

static gint64
version_of (gint64 id)
{
  g_autoptr(JsonObject) app = pz_test_get_application (ts, pz_test_login (ts, "kadis"), id);
  return json_object_get_int_member (app, "version");
}

/* A signing sent on a connection of its own, its answer read later. */
static GSocketConnection *
send_signing (gint64      id,
              gint64      version,
              const char *key)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  GSocketConnection *conn = g_socket_client_connect_to_host (client, "127.0.0.1", (guint16) pz_test_server_get_port (ts),
                                                             NULL, &error);
  g_autofree char *body = g_strdup_printf ("{\"action\":\"approve\",\"version\":%" G_GINT64_FORMAT ","
                                           "\"data\":{\"passphrase\":\"demo\"}}", version);
  g_autofree char *head = g_strdup_printf ("POST /api/v1/applications/%" G_GINT64_FORMAT "/actions HTTP/1.1\r\n"
                                           "Host: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
                                           "Content-Type: application/json\r\nIdempotency-Key: %s\r\n"
                                           "Content-Length: %" G_GSIZE_FORMAT "\r\nConnection: close\r\n\r\n",
                                           id, pz_test_login (ts, "kadis"), key, strlen (body));
  GOutputStream *out;

  g_assert_no_error (error);
  out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  g_assert_true (g_output_stream_write_all (out, head, strlen (head), NULL, NULL, &error));
  g_assert_true (g_output_stream_write_all (out, body, strlen (body), NULL, NULL, &error));
  g_assert_no_error (error);
  return conn;
}

/* The answer's status, and its body in @body */
static guint
read_answer (GSocketConnection *conn,
             char             **body)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  GString *all = g_string_new (NULL);
  char buf[4096];
  gssize n;
  const char *end;
  guint status;

  while ((n = g_input_stream_read (in, buf, sizeof buf, NULL, NULL)) > 0)
    g_string_append_len (all, buf, n);
  g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
  g_assert_true (g_str_has_prefix (all->str, "HTTP/1.1 "));
  status = (guint) g_ascii_strtoull (all->str + 9, NULL, 10);
  end = strstr (all->str, "\r\n\r\n");
  *body = g_strdup (end ? end + 4 : "");
  g_string_free (all, TRUE);
  return status;
}

/* how long a request takes, in seconds */
static double
timed_get (const char *path,
           const char *token,
           guint      *status)
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr(PzResponse) r = pz_test_request (ts, "GET", path, token, NULL);

  *status = r->status;
  return (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
}

static gint64
file_at_signing (void)
{
  gint64 id = pz_test_register (ts, pz_test_login (ts, "front_office"), "SIP-DOKTER", "new");

  pz_test_drive_to (ts, id, "signing");
  return id;
}

/* While the authority takes 3 s, /healthz and the inbox answer at once,
 * and a second signing of the file is refused; then the permit is signed. */
static void
test_others_answered (void)
{
  gint64 id = file_at_signing ();
  gint64 version = version_of (id);
  g_autoptr(GBytes) unsigned_permit = get_output (id, "permit");
  g_autoptr(GBytes) signed_permit = NULL;
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(JsonObject) app = NULL;
  g_autofree char *body = NULL;
  guint status;
  double took;

  pz_test_tsa_set_mode (tsa, PZ_TEST_TSA_SLOW);
  conn = send_signing (id, version, "sign-others-1");
  /* the server has the request and waits for the authority */
  g_usleep (G_USEC_PER_SEC / 2);

  took = timed_get ("/healthz", NULL, &status);
  g_test_message ("/healthz during a signing: %.3f s", took);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpfloat (took, <, 1.0);
  took = timed_get ("/api/v1/inbox", pz_test_login (ts, "back_office"), &status);
  g_test_message ("inbox during a signing: %.3f s", took);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpfloat (took, <, 1.0);
  {
    gint64 start = g_get_monotonic_time ();
    g_autoptr(PzResponse) second = pz_test_act (ts, pz_test_login (ts, "kadis"), id, "approve", version, NULL,
                                                "{\"passphrase\":\"demo\"}");

    g_assert_cmpuint (second->status, ==, 409);
    g_assert_cmpstr (pz_response_error_code (second), ==, "signing_in_progress");
    g_assert_cmpfloat ((double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC, <, 1.0);
  }

  status = read_answer (conn, &body);
  g_assert_cmpuint (status, ==, 200);
  app = pz_test_get_application (ts, pz_test_login (ts, "kadis"), id);
  g_assert_cmpstr (json_object_get_string_member (app, "step"), ==, "handover");
  g_assert_cmpint (json_object_get_int_member (app, "version"), ==, version + 1);
  signed_permit = get_output (id, "permit");
  g_assert_false (g_bytes_equal (signed_permit, unsigned_permit));
  g_assert_nonnull (memmem (g_bytes_get_data (signed_permit, NULL), g_bytes_get_size (signed_permit),
                            "/ETSI.CAdES.detached", 20));
  /* one timestamp for the one signature made */
  g_assert_cmpuint (pz_test_tsa_requests (tsa), ==, 1);
}

/* Another writer (here the database itself) changes the file while its
 * signature is made: the signature is dropped, 409, the file unsigned. */
static void
test_changed_meanwhile (void)
{
  gint64 id = file_at_signing ();
  gint64 version = version_of (id);
  g_autoptr(GBytes) unsigned_permit = get_output (id, "permit");
  g_autoptr(GBytes) still = NULL;
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(JsonObject) app = NULL;
  g_autofree char *body = NULL;
  g_autofree char *sql = g_strdup_printf ("UPDATE applications SET version = version + 1 WHERE id = %" G_GINT64_FORMAT,
                                          id);

  pz_test_tsa_set_mode (tsa, PZ_TEST_TSA_SLOW);
  conn = send_signing (id, version, "sign-changed-1");
  g_usleep (G_USEC_PER_SEC / 2);
  g_assert_cmpint (pz_test_server_sql (ts, sql), ==, 1);

  g_assert_cmpuint (read_answer (conn, &body), ==, 409);
  g_assert_nonnull (strstr (body, "\"stale_version\""));
  app = pz_test_get_application (ts, pz_test_login (ts, "kadis"), id);
  g_assert_cmpstr (json_object_get_string_member (app, "step"), ==, "signing");
  g_assert_cmpint (json_object_get_int_member (app, "version"), ==, version + 1);
  still = get_output (id, "permit");
  g_assert_true (g_bytes_equal (still, unsigned_permit));
}

/* Per-person signing identities */

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

static JsonObject *
admin_user (const char *username)
{
  g_autoptr(PzResponse) r = send ("GET", "/api/v1/admin/users", pz_test_login (ts, "admin"), NULL);
  JsonArray *users = json_node_get_array (r->json);

  for (guint i = 0; i < json_array_get_length (users); i++)
    {
      JsonObject *u = json_array_get_object_element (users, i);
      if (g_str_equal (json_object_get_string_member (u, "username"), username))
        return json_object_ref (u);
    }
  g_assert_not_reached ();
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

static char *
office_date (int days_from_today)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("+07:00");
  g_autoptr(GDateTime) now = g_date_time_new_now (tz);
  g_autoptr(GDateTime) then = g_date_time_add_days (now, days_from_today);

  return g_date_time_format (then, "%Y-%m-%d");
}

/* the common name of the certificate that signed @pdf, as pdfsig reads it */
static char *
signer_name (GBytes *pdf)
{
  g_autofree char *path = g_build_filename (workdir, "signed.pdf", NULL);
  const char *argv[] = { "pdfsig", NULL, NULL };
  g_autofree char *report = NULL;
  const char *at;

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (pdf, NULL), (gssize) g_bytes_get_size (pdf), NULL));
  argv[1] = path;
  report = pz_test_run (argv);
  g_assert_nonnull (strstr (report, "Signature is Valid"));
  at = strstr (report, "Signer Certificate Common Name: ");
  g_assert_nonnull (at);
  at += strlen ("Signer Certificate Common Name: ");
  return g_strndup (at, strcspn (at, "\n"));
}

/* The public page of a permit, as a citizen's browser or program opens
 * it from the permit's QR code */
static char *
verify_page (gint64       id,
             const char  *accept,
             JsonObject **json)
{
  g_autoptr(JsonObject) app = pz_test_get_application (ts, pz_test_login (ts, "kadis"), id);
  const char *url = json_object_get_string_member (app, "verify_url");
  g_autoptr(PzResponse) r = pz_test_get_public (ts, strstr (url, "/verify/"), accept);

  g_assert_cmpuint (r->status, ==, 200);
  if (json)
    *json = json_object_ref (pz_response_object (r));
  return g_strndup (g_bytes_get_data (r->body, NULL), g_bytes_get_size (r->body));
}

static gint64
iso_time (const char *text)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_iso8601 (text, NULL);

  g_assert_nonnull (t);
  return g_date_time_to_unix (t);
}

/* The Kadis in their own role signs with the office's key. */
static void
test_kadis_office_key (void)
{
  gint64 id = file_at_signing ();
  g_autoptr(PzResponse) r = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autofree char *name = NULL;

  pz_test_tsa_set_mode (tsa, PZ_TEST_TSA_GOOD);
  r = pz_test_act (ts, pz_test_login (ts, "kadis"), id, "approve", version_of (id), NULL, "{\"passphrase\":\"demo\"}");
  g_assert_cmpuint (r->status, ==, 200);
  pdf = get_output (id, "permit");
  name = signer_name (pdf);
  g_assert_cmpstr (name, ==, "Dr. Ir. Rudi Hartono, M.T.");
}

/* The administrator links the Plh to their own identity: only the
 * administrator, only a file of the signing folder; the Plh without one is
 * refused and the file stays as it was; with it the permit carries the
 * Plh's certificate. */
static void
test_plh_own_identity (void)
{
  const char *admin = pz_test_login (ts, "admin");
  const char *sekretaris = pz_test_login (ts, "sekretaris");
  g_autoptr(JsonObject) before = admin_user ("sekretaris");
  gint64 sek = json_object_get_int_member (before, "id");
  g_autofree char *user_path = g_strdup_printf ("/api/v1/admin/users/%" G_GINT64_FORMAT, sek);
  g_autofree char *acting_path = g_strdup_printf ("/api/v1/admin/users/%" G_GINT64_FORMAT "/acting", sek);
  g_autofree char *today = office_date (0);
  g_autofree char *in_two = office_date (2);
  g_autofree char *period = g_strdup_printf ("{\"role\":\"kadis\",\"kind\":\"plh\",\"starts_on\":\"%s\","
                                             "\"ends_on\":\"%s\"}", today, in_two);
  gint64 id = file_at_signing ();
  gint64 version = version_of (id);
  g_autoptr(GBytes) unsigned_permit = get_output (id, "permit");
  g_autoptr(GBytes) signed_permit = NULL;
  g_autofree char *name = NULL;

  pz_test_tsa_set_mode (tsa, PZ_TEST_TSA_GOOD);
  /* the demo's Plh has an identity of their own */
  g_assert_cmpstr (json_object_get_string_member (before, "signing_identity"), ==, "sekretaris.p12");
  {
    g_autoptr(PzResponse) made = send ("POST", acting_path, admin, period);
    g_assert_cmpuint (made->status, ==, 201);
  }

  /* only the administrator sets it, and only to what exists */
  {
    g_autoptr(PzResponse) kadis = send ("PATCH", user_path, pz_test_login (ts, "kadis"),
                                        "{\"signing_identity\":\"signing.p12\"}");
    g_autoptr(PzResponse) self = send ("PATCH", user_path, sekretaris, "{\"signing_identity\":null}");
    g_autoptr(PzResponse) path = send ("PATCH", user_path, admin, "{\"signing_identity\":\"../signing.p12\"}");
    g_autoptr(PzResponse) missing = send ("PATCH", user_path, admin, "{\"signing_identity\":\"nobody.p12\"}");
    g_autoptr(JsonObject) still = NULL;

    g_assert_cmpuint (kadis->status, ==, 403);
    g_assert_cmpuint (self->status, ==, 403);
    g_assert_cmpuint (path->status, ==, 422);
    g_assert_true (has_detail (path, "signing_identity"));
    g_assert_cmpuint (missing->status, ==, 422);
    g_assert_true (has_detail (missing, "signing_identity"));
    still = admin_user ("sekretaris");
    g_assert_cmpstr (json_object_get_string_member (still, "signing_identity"), ==, "sekretaris.p12");
  }

  /* unlinked: the Plh may not sign with the Kadis's key */
  {
    g_autoptr(PzResponse) unlink = send ("PATCH", user_path, admin, "{\"signing_identity\":null}");
    g_autoptr(PzResponse) refused = NULL;
    g_autoptr(JsonObject) app = NULL;
    g_autoptr(GBytes) still = NULL;

    g_assert_cmpuint (unlink->status, ==, 200);
    g_assert_true (json_object_get_null_member (pz_response_object (unlink), "signing_identity"));
    refused = pz_test_act (ts, sekretaris, id, "approve", version, NULL, "{\"passphrase\":\"demo\"}");
    g_assert_cmpuint (refused->status, ==, 422);
    g_assert_true (has_detail (refused, "signing_identity"));
    app = pz_test_get_application (ts, sekretaris, id);
    g_assert_cmpstr (json_object_get_string_member (app, "step"), ==, "signing");
    g_assert_cmpint (json_object_get_int_member (app, "version"), ==, version);
    still = get_output (id, "permit");
    g_assert_true (g_bytes_equal (still, unsigned_permit));
  }

  /* linked again: it round-trips, and the Plh signs with their own */
  {
    g_autoptr(PzResponse) link = send ("PATCH", user_path, admin, "{\"signing_identity\":\"sekretaris.p12\"}");
    g_autoptr(JsonObject) after = NULL;
    g_autoptr(PzResponse) done = NULL;

    g_assert_cmpuint (link->status, ==, 200);
    g_assert_cmpstr (json_object_get_string_member (pz_response_object (link), "signing_identity"), ==,
                     "sekretaris.p12");
    after = admin_user ("sekretaris");
    g_assert_cmpstr (json_object_get_string_member (after, "signing_identity"), ==, "sekretaris.p12");
    done = pz_test_act (ts, sekretaris, id, "approve", version, NULL, "{\"passphrase\":\"demo\"}");
    g_assert_cmpuint (done->status, ==, 200);
  }
  signed_permit = get_output (id, "permit");
  name = signer_name (signed_permit);
  g_assert_cmpstr (name, ==, "Drs. Hendra Gunawan, M.M.");
}

/* With [signing] validation_fetch, the signing fetches the CRL the
 * signer's certificate names (off the main loop, with the signature) and
 * the permit keeps it with the certificates; the verify command says so. */
static void
test_long_term_fetch (void)
{
  g_autofree char *ca_dir = g_build_filename (workdir, "ltv-ca", NULL);
  g_autofree char *target = g_build_filename (pz_test_server_get_dir (ts), "signing", "kadis-ltv.p12", NULL);
  g_autofree char *p12 = NULL;
  g_autofree char *checked = g_build_filename (workdir, "ltv-permit.pdf", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonObject) kadis = admin_user ("kadis");
  g_autofree char *user_path = g_strdup_printf ("/api/v1/admin/users/%" G_GINT64_FORMAT,
                                                json_object_get_int_member (kadis, "id"));
  const char *server = g_getenv ("PERIZINAN_SERVER");
  const char *argv[] = { server, "verify", checked, NULL };
  gsize p12_len;
  gint64 id, before_signing, after_signing;
  int status = 0;
  PzTestCa *ca;

  g_assert_cmpint (g_mkdir_with_parents (ca_dir, 0700), ==, 0);
  ca = pz_test_ca_start (ca_dir);
  g_assert_nonnull (ca);
  g_assert_true (g_file_get_contents (pz_test_ca_p12 (ca), &p12, &p12_len, NULL));
  g_assert_true (g_file_set_contents (target, p12, (gssize) p12_len, NULL));
  {
    g_autoptr(PzResponse) link = send ("PATCH", user_path, pz_test_login (ts, "admin"),
                                       "{\"signing_identity\":\"kadis-ltv.p12\"}");
    g_assert_cmpuint (link->status, ==, 200);
  }
  pz_engine_set_validation_fetch (pz_test_server_get_engine (ts), TRUE, 2);
  pz_test_tsa_set_mode (tsa, PZ_TEST_TSA_GOOD);
  id = file_at_signing ();
  /* revoked: refused with the reason, the file as it was */
  {
    g_autoptr(GBytes) unsigned_permit = get_output (id, "permit");
    g_autoptr(GBytes) still = NULL;
    g_autofree char *data = g_strdup_printf ("{\"passphrase\":\"%s\"}", PZ_TEST_CA_PASSPHRASE);
    gint64 version = version_of (id);
    g_autoptr(PzResponse) r = NULL;
    g_autoptr(JsonObject) app = NULL;
    JsonObject *error;

    pz_test_ca_set_mode (ca, PZ_TEST_CA_REVOKED);
    r = pz_test_act (ts, pz_test_login (ts, "kadis"), id, "approve", version, NULL, data);
    g_assert_cmpuint (r->status, ==, 422);
    error = json_object_get_object_member (pz_response_object (r), "error");
    g_assert_nonnull (strstr (json_object_get_string_member (error, "message"), "is revoked"));
    g_assert_null (strstr (json_object_get_string_member (error, "message"), PZ_TEST_CA_PASSPHRASE));
    app = pz_test_get_application (ts, pz_test_login (ts, "kadis"), id);
    g_assert_cmpstr (json_object_get_string_member (app, "step"), ==, "signing");
    g_assert_cmpint (json_object_get_int_member (app, "version"), ==, version);
    still = get_output (id, "permit");
    g_assert_true (g_bytes_equal (still, unsigned_permit));
    g_assert_cmpuint (pz_test_ca_requests (ca), ==, 2);
    pz_test_ca_set_mode (ca, PZ_TEST_CA_GOOD);
  }
  before_signing = g_get_real_time () / G_USEC_PER_SEC;
  {
    g_autofree char *data = g_strdup_printf ("{\"passphrase\":\"%s\"}", PZ_TEST_CA_PASSPHRASE);
    g_autoptr(PzResponse) r = pz_test_act (ts, pz_test_login (ts, "kadis"), id, "approve", version_of (id), NULL,
                                           data);
    g_assert_cmpuint (r->status, ==, 200);
  }
  after_signing = g_get_real_time () / G_USEC_PER_SEC;
  g_assert_cmpuint (pz_test_ca_requests (ca), ==, 4);
  {
    g_autoptr(GBytes) permit = get_output (id, "permit");
    g_autofree char *name = signer_name (permit);

    g_assert_cmpstr (name, ==, "Ir. Bambang Sutrisno");
    g_assert_true (g_file_set_contents (checked, g_bytes_get_data (permit, NULL), (gssize) g_bytes_get_size (permit),
                                        NULL));
  }
  g_assert_true (g_spawn_sync (workdir, (char **) argv, NULL, 0, NULL, NULL, &out, &err, &status, NULL));
  g_test_message ("verify: %s%s", out, err);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  /* the signer's and its CA's, the authority's and its root; the CA's CRL */
  g_assert_nonnull (strstr (out, "  Long-term:   long-term validation data: present (4 certificates, 1 CRLs, "
                            "1 OCSP responses)\n"));
  g_assert_nonnull (strstr (out, "\nEvery signature checks.\n"));

  /* the citizen's page says the same, in Indonesian */
  {
    g_autoptr(JsonObject) json = NULL;
    g_autofree char *text = verify_page (id, "application/json", &json);
    g_autofree char *html = verify_page (id, "text/html", NULL);
    JsonObject *sig = json_object_get_object_member (json, "signature");
    JsonObject *lt = json_object_get_object_member (sig, "long_term");
    gint64 signed_at = iso_time (json_object_get_string_member (sig, "signed_at"));

    g_test_message ("verify page: %s", html);
    g_assert_cmpstr (json_object_get_string_member (sig, "signer_name"), ==, "Ir. Bambang Sutrisno");
    g_assert_cmpstr (json_object_get_string_member (sig, "signer"), ==,
                     "C=ID,O=DPMPTSP Sukamaju,CN=Ir. Bambang Sutrisno");
    g_assert_cmpstr (json_object_get_string_member (sig, "authority"), ==, "C=ID,O=Perizinan tests,CN=Test LTV CA");
    g_assert_cmpstr (json_object_get_string_member (sig, "authority_name"), ==, "Test LTV CA");
    g_assert_cmpstr (json_object_get_string_member (sig, "signed_at_source"), ==, "timestamp");
    g_assert_cmpint (signed_at, >=, before_signing);
    g_assert_cmpint (signed_at, <=, after_signing);
    g_assert_cmpstr (json_object_get_string_member (sig, "timestamp_authority"), ==,
                     "C=ID,O=Perizinan tests,CN=Test TSA");
    g_assert_true (json_object_get_boolean_member (sig, "timestamp_valid"));
    g_assert_true (json_object_get_boolean_member (sig, "unchanged"));
    g_assert_true (json_object_get_boolean_member (sig, "whole_file"));
    g_assert_true (json_object_get_boolean_member (sig, "certificate_valid_at_signing"));
    g_assert_cmpint (iso_time (json_object_get_string_member (sig, "certificate_not_before")), <=, before_signing);
    g_assert_cmpint (iso_time (json_object_get_string_member (sig, "certificate_not_after")), >, after_signing);
    g_assert_nonnull (lt);
    g_assert_cmpint (json_object_get_int_member (lt, "certificates"), ==, 4);
    g_assert_cmpint (json_object_get_int_member (lt, "crls"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (lt, "ocsp_responses"), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (sig, "revocation"), ==, "not_revoked");
    g_assert_true (json_node_is_null (json_object_get_member (sig, "revoked")));
    g_assert_true (json_object_get_boolean_member (sig, "valid"));

    g_assert_nonnull (strstr (html, "<td>Ditandatangani oleh</td><td>Ir. Bambang Sutrisno (C=ID,O=DPMPTSP Sukamaju,"
                              "CN=Ir. Bambang Sutrisno)</td>"));
    g_assert_nonnull (strstr (html, "<td>Penerbit sertifikat</td><td>Test LTV CA (C=ID,O=Perizinan tests,"
                              "CN=Test LTV CA)</td>"));
    g_assert_nonnull (strstr (html, " (penanda waktu dari C=ID,O=Perizinan tests,CN=Test TSA)</td>"));
    g_assert_nonnull (strstr (html, "<td>Isi</td><td class=\"ok\">tidak berubah sejak ditandatangani</td>"));
    g_assert_nonnull (strstr (html, "<td>Tanda tangan</td><td class=\"ok\">sah untuk sertifikat penanda tangan"
                              "</td>"));
    g_assert_nonnull (strstr (html, "<td>Sertifikat</td><td class=\"ok\">berlaku saat ditandatangani ("));
    g_assert_nonnull (strstr (html, "<td>Jangka panjang</td><td class=\"ok\">data validasi jangka panjang: ada "
                              "(4 sertifikat, 1 CRL, 1 respons OCSP)</td>"));
    g_assert_nonnull (strstr (html, "<td>Hasil</td><td class=\"ok\">sah</td>"));
    g_assert_null (strstr (html, "class=\"bad\""));
  }

  pz_engine_set_validation_fetch (pz_test_server_get_engine (ts), FALSE, 5);
  {
    g_autoptr(PzResponse) unlink = send ("PATCH", user_path, pz_test_login (ts, "admin"),
                                         "{\"signing_identity\":null}");
    g_assert_cmpuint (unlink->status, ==, 200);
  }
  pz_test_ca_stop (ca);
}

/* Names on the public page are text, never markup: a certificate (its
 * signer and, self-issued, its authority) and a holder named with HTML
 * show as written, escaped. */
static void
test_verify_page_escapes (void)
{
  g_autofree char *target = g_build_filename (pz_test_server_get_dir (ts), "signing", "kadis-markup.p12", NULL);
  g_autoptr(JsonObject) kadis = admin_user ("kadis");
  g_autofree char *user_path = g_strdup_printf ("/api/v1/admin/users/%" G_GINT64_FORMAT,
                                                json_object_get_int_member (kadis, "id"));
  g_autofree char *html = NULL;
  g_autofree char *sql = NULL;
  gint64 id;

  g_assert_true (pz_sign_create_identity (target, "rahasia", "Ir. <b>Budi</b> & \"Rekan\"", "<i>Dinas</i>", 30,
                                          NULL));
  {
    g_autoptr(PzResponse) link = send ("PATCH", user_path, pz_test_login (ts, "admin"),
                                       "{\"signing_identity\":\"kadis-markup.p12\"}");
    g_assert_cmpuint (link->status, ==, 200);
  }
  pz_test_tsa_set_mode (tsa, PZ_TEST_TSA_GOOD);
  id = file_at_signing ();
  {
    g_autoptr(PzResponse) r = pz_test_act (ts, pz_test_login (ts, "kadis"), id, "approve", version_of (id), NULL,
                                           "{\"passphrase\":\"rahasia\"}");
    g_assert_cmpuint (r->status, ==, 200);
  }
  sql = g_strdup_printf ("UPDATE applications SET applicant_name = '<script>alert(1)</script>' WHERE id = %"
                         G_GINT64_FORMAT, id);
  pz_test_server_sql (ts, sql);
  html = verify_page (id, "text/html", NULL);
  g_assert_nonnull (strstr (html, "<td>Pemegang izin</td><td>&lt;script&gt;alert(1)&lt;/script&gt;</td>"));
  /* the name as the certificate has it, then its distinguished name as
   * RFC 4514 writes it (a backslash before < > and ") */
  g_assert_nonnull (strstr (html, "<td>Ditandatangani oleh</td><td>Ir. &lt;b&gt;Budi&lt;/b&gt; &amp; "
                            "&quot;Rekan&quot; (C=ID,O=\\&lt;i\\&gt;Dinas\\&lt;/i\\&gt;,CN=Ir. "
                            "\\&lt;b\\&gt;Budi\\&lt;/b\\&gt; &amp; \\&quot;Rekan\\&quot;)</td>"));
  g_assert_nonnull (strstr (html, "<td>Penerbit sertifikat</td><td>Ir. &lt;b&gt;Budi&lt;/b&gt; &amp; "));
  g_assert_null (strstr (html, "<script>"));
  g_assert_null (strstr (html, "<b>"));
  g_assert_null (strstr (html, "<i>"));
  {
    g_autoptr(PzResponse) unlink = send ("PATCH", user_path, pz_test_login (ts, "admin"),
                                         "{\"signing_identity\":null}");
    g_assert_cmpuint (unlink->status, ==, 200);
  }
}

/* The server stops while a signature is being made: no crash, the
 * request is answered 503 (or its connection closed), the file unsigned. */
static void
test_shutdown (void)
{
  gint64 id = file_at_signing ();
  gint64 version = version_of (id);
  g_autoptr(GSocketConnection) conn = NULL;
  g_autofree char *sql = g_strdup_printf ("SELECT step, version FROM applications WHERE id = %" G_GINT64_FORMAT, id);
  g_autofree char *expected_version = g_strdup_printf ("%" G_GINT64_FORMAT, version);
  g_autoptr(GPtrArray) row = NULL;
  GInputStream *in;
  char buf[4096];
  gssize n;
  GString *answer = g_string_new (NULL);

  pz_test_tsa_set_mode (tsa, PZ_TEST_TSA_SLOW);
  conn = send_signing (id, version, "sign-shutdown-1");
  g_usleep (G_USEC_PER_SEC / 2);
  pz_test_server_stop (ts);
  in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  while ((n = g_input_stream_read (in, buf, sizeof buf, NULL, NULL)) > 0)
    g_string_append_len (answer, buf, n);
  g_test_message ("answer at shutdown: %.40s", answer->str);
  g_assert_true (answer->len == 0 || g_str_has_prefix (answer->str, "HTTP/1.1 503"));
  g_string_free (answer, TRUE);

  row = pz_test_server_sql_row (ts, sql);
  g_assert_nonnull (row);
  g_assert_cmpstr (row->pdata[0], ==, "signing");
  g_assert_cmpstr (row->pdata[1], ==, expected_version);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree char *tsa_dir = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  if (openssl == NULL)
    {
      g_test_skip ("openssl is not installed (tools/install-deps.sh installs it)");
      return g_test_run ();
    }
  workdir = g_dir_make_tmp ("perizinan-signing-XXXXXX", NULL);
  tsa_dir = g_build_filename (workdir, "tsa", NULL);
  g_assert_cmpint (g_mkdir_with_parents (tsa_dir, 0700), ==, 0);
  tsa = pz_test_tsa_start (tsa_dir);
  g_assert_nonnull (tsa);
  ts = pz_test_server_start (NULL, TRUE);
  pz_engine_set_timestamp_authority (pz_test_server_get_engine (ts), pz_test_tsa_url (tsa), 10);
  g_test_add_func ("/server/signing/others-answered", test_others_answered);
  g_test_add_func ("/server/signing/changed-meanwhile", test_changed_meanwhile);
  g_test_add_func ("/server/signing/kadis-office-key", test_kadis_office_key);
  g_test_add_func ("/server/signing/plh-own-identity", test_plh_own_identity);
  g_test_add_func ("/server/signing/long-term-fetch", test_long_term_fetch);
  g_test_add_func ("/server/signing/verify-page-escapes", test_verify_page_escapes);
  /* the last: it stops the server */
  g_test_add_func ("/server/signing/shutdown", test_shutdown);
  ret = g_test_run ();
  pz_test_server_free (ts);
  pz_test_tsa_stop (tsa);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", workdir);
    if (system (cmd) != 0)
      g_printerr ("could not remove %s\n", workdir);
  }
  g_free (workdir);
  return ret;
}
