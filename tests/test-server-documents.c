/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Requirement documents: what the counter uploads, how the server keeps it,
 * and what it refuses, over a real loopback socket. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "pz-demo.h"
#include "pz-test-server.h"

static PzTestServer *ts;

static char *
doc_path (gint64      id,
          const char *requirement)
{
  return g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/documents/%s", id, requirement);
}

static PzResponse *
upload (gint64      id,
        const char *requirement,
        GBytes     *body)
{
  g_autofree char *path = doc_path (id, requirement);
  return pz_test_request_full (ts, "PUT", path, pz_test_login (ts, "front_office"), "application/pdf", body, NULL);
}

static gint64
new_file (void)
{
  return pz_test_register (ts, pz_test_login (ts, "front_office"), "PBG", "new");
}

static const char *
error_message (PzResponse *r)
{
  return json_object_get_string_member (json_object_get_object_member (pz_response_object (r), "error"), "message");
}

/* A small PDF written by hand, for the cases cairo will not make. */
static GBytes *
hand_pdf (const char *extra_object,
          const char *trailer_extra)
{
  GString *pdf = g_string_new ("%PDF-1.4\n");
  gsize offsets[5];
  guint n = 0;
  gsize xref;
  const char *objects[] = {
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    extra_object,
  };

  for (guint i = 0; i < G_N_ELEMENTS (objects) && objects[i]; i++, n++)
    {
      offsets[i] = pdf->len;
      g_string_append_printf (pdf, "%u 0 obj\n%s\nendobj\n", i + 1, objects[i]);
    }
  xref = pdf->len;
  g_string_append_printf (pdf, "xref\n0 %u\n0000000000 65535 f \n", n + 1);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (pdf, "%010" G_GSIZE_FORMAT " 00000 n \n", offsets[i]);
  g_string_append_printf (pdf, "trailer\n<< /Size %u /Root 1 0 R %s >>\nstartxref\n%" G_GSIZE_FORMAT "\n%%%%EOF\n",
                          n + 1, trailer_extra ? trailer_extra : "", xref);
  return g_string_free_to_bytes (pdf);
}

static void
test_round_trip (void)
{
  gint64 id = new_file ();
  g_autoptr(GBytes) pdf = pz_demo_scan_pdf ("Sertifikat tanah", 3);
  g_autoptr(GBytes) png = pz_test_png (640, 480);
  g_autoptr(PzResponse) up = upload (id, "bukti_tanah", pdf);
  g_autoptr(PzResponse) img = upload (id, "ktp", png);
  g_autofree char *path = doc_path (id, "bukti_tanah");
  g_autoptr(PzResponse) down = pz_test_request_full (ts, "GET", path, pz_test_login (ts, "kasi"), NULL, NULL, NULL);
  g_autofree char *sum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, pdf);
  JsonObject *doc;

  g_assert_cmpuint (up->status, ==, 201);
  doc = pz_response_object (up);
  g_assert_cmpstr (json_object_get_string_member (doc, "sha256"), ==, sum);
  g_assert_cmpint (json_object_get_int_member (doc, "size"), ==, (gint64) g_bytes_get_size (pdf));
  g_assert_cmpint (json_object_get_int_member (doc, "pages"), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (doc, "content_type"), ==, "application/pdf");

  /* the type comes from the content: the header said PDF */
  g_assert_cmpuint (img->status, ==, 201);
  g_assert_cmpstr (json_object_get_string_member (pz_response_object (img), "content_type"), ==, "image/png");
  g_assert_cmpint (json_object_get_int_member (pz_response_object (img), "pages"), ==, 1);

  g_assert_cmpuint (down->status, ==, 200);
  g_assert_true (g_bytes_equal (down->body, pdf));
  {
    g_autofree char *blob = g_build_filename (pz_test_server_get_dir (ts), "files", (char[]) { sum[0], sum[1], 0 },
                                              sum, NULL);
    g_assert_true (g_file_test (blob, G_FILE_TEST_EXISTS));
  }
}

static void
test_refusals (void)
{
  gint64 id = new_file ();
  g_autoptr(GBytes) real = pz_demo_scan_pdf ("Gambar teknis", 4);
  g_autoptr(GBytes) half = g_bytes_new_from_bytes (real, 0, g_bytes_get_size (real) / 2);
  g_autoptr(GBytes) corrupt = g_bytes_new_static ("%PDF-1.7\n\x01\x02garbage garbage garbage\n", 36);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GBytes) gif = g_bytes_new_static ("GIF89a\x01\x00\x01\x00", 10);
  g_autoptr(GBytes) text = g_bytes_new_static ("Surat pernyataan", 16);
  g_autoptr(GBytes) zip = g_bytes_new_static ("PK\x03\x04\x14\x00", 6);
  g_autoptr(GBytes) encrypted = hand_pdf (
    "<< /Filter /Standard /V 1 /R 2 /P -4 "
    "/O <8f3a1c62b5e04d7f9a2c61e0d3b4f5a6c7d8e9f0a1b2c3d4e5f60718293a4b5c> "
    "/U <1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809> >>",
    "/Encrypt 4 0 R /ID [<0123456789abcdef0123456789abcdef><0123456789abcdef0123456789abcdef>]");
  g_autoptr(GBytes) valid_hand = hand_pdf (NULL, NULL);
  struct {
    GBytes     *body;
    guint       status;
    const char *says;
  } cases[] = {
    { half, 422, "damaged" },
    { corrupt, 422, "damaged" },
    { empty, 422, "empty" },
    { encrypted, 422, "password-protected" },
    { gif, 415, "PDF, JPEG and PNG" },
    { text, 415, "PDF, JPEG and PNG" },
    { zip, 415, "PDF, JPEG and PNG" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PzResponse) r = upload (id, "ktp", cases[i].body);

      if (r->status != cases[i].status || !strstr (error_message (r), cases[i].says))
        g_error ("case %u: %u %s", i, r->status, error_message (r));
    }

  /* none of them was kept */
  {
    g_autoptr(JsonObject) app = pz_test_get_application (ts, pz_test_login (ts, "front_office"), id);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (app, "documents")), ==, 0);
  }
  /* and the hand-made PDF without encryption is a sound one-page document */
  {
    g_autoptr(PzResponse) r = upload (id, "ktp", valid_hand);
    g_assert_cmpuint (r->status, ==, 201);
    g_assert_cmpint (json_object_get_int_member (pz_response_object (r), "pages"), ==, 1);
  }
}

static void
test_size_limit (void)
{
  gint64 id = new_file ();
  gsize size = 21 * 1024 * 1024;
  char *big = g_malloc (size);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(PzResponse) r = NULL;

  memcpy (big, "%PDF-1.4\n", 9);
  memset (big + 9, 'x', size - 9);
  body = g_bytes_new_take (big, size);
  r = upload (id, "ktp", body);
  g_assert_cmpuint (r->status, ==, 413);
}

static guint
count_files (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  while (dir && g_dir_read_name (dir))
    n++;
  return n;
}

/* A client that stops halfway leaves neither a file nor a row. */
static void
test_cut_off (void)
{
  gint64 id = new_file ();
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_build_filename (pz_test_server_get_dir (ts), "files", "tmp", NULL);
  g_autofree char *head = NULL;
  g_autofree char *path = doc_path (id, "npwp");
  g_autoptr(GBytes) pdf = pz_demo_scan_pdf ("NPWP", 2);
  GOutputStream *out;
  gsize half = g_bytes_get_size (pdf) / 2;

  conn = g_socket_client_connect_to_host (client, "127.0.0.1", (guint16) pz_test_server_get_port (ts), NULL, &error);
  g_assert_no_error (error);
  out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  head = g_strdup_printf ("PUT %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
                          "Content-Type: application/pdf\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n\r\n",
                          path, pz_test_login (ts, "front_office"), g_bytes_get_size (pdf));
  g_output_stream_write_all (out, head, strlen (head), NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (out, g_bytes_get_data (pdf, NULL), half, NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_flush (out, NULL, NULL);
  g_usleep (200 * 1000);
  /* while it waits, the partial file is on disk, and only in tmp/ */
  g_assert_cmpuint (count_files (tmp), ==, 1);
  g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);

  for (guint i = 0; i < 100 && count_files (tmp) > 0; i++)
    g_usleep (20 * 1000);
  g_assert_cmpuint (count_files (tmp), ==, 0);
  {
    g_autoptr(JsonObject) app = pz_test_get_application (ts, pz_test_login (ts, "front_office"), id);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (app, "documents")), ==, 0);
  }
}

typedef struct {
  gint64  id;
  GBytes *body;
  guint   status;
  char   *sha256;
} Uploader;

static gpointer
upload_thread (gpointer data)
{
  Uploader *u = data;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *path = doc_path (u->id, "surat_pernyataan");
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u%s", pz_test_server_get_port (ts), path);
  g_autoptr(SoupMessage) msg = soup_message_new ("PUT", url);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", pz_test_login (ts, "front_office"));
  g_autoptr(GBytes) answer = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_message_set_request_body_from_bytes (msg, "application/pdf", u->body);
  answer = soup_session_send_and_read (session, msg, NULL, NULL);
  u->status = soup_message_get_status (msg);
  return NULL;
}

/* Two desks upload the same requirement at once: both are kept in order,
 * the last one is current, the history has both. */
static void
test_concurrent (void)
{
  gint64 id = new_file ();
  Uploader a = { id, pz_demo_scan_pdf ("Pernyataan A", 1), 0, NULL };
  Uploader b = { id, pz_demo_scan_pdf ("Pernyataan B", 2), 0, NULL };
  GThread *ta, *tb;
  g_autoptr(JsonObject) app = NULL;
  JsonArray *docs;
  const char *current = NULL;
  g_autofree char *sa = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, a.body);
  g_autofree char *sb = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, b.body);

  pz_test_login (ts, "front_office");
  ta = g_thread_new ("a", upload_thread, &a);
  tb = g_thread_new ("b", upload_thread, &b);
  g_thread_join (ta);
  g_thread_join (tb);
  g_assert_cmpuint (a.status, ==, 201);
  g_assert_cmpuint (b.status, ==, 201);

  app = pz_test_get_application (ts, pz_test_login (ts, "front_office"), id);
  docs = json_object_get_array_member (app, "documents");
  g_assert_cmpuint (json_array_get_length (docs), ==, 1);
  current = json_object_get_string_member (json_array_get_object_element (docs, 0), "sha256");
  g_assert_true (g_str_equal (current, sa) || g_str_equal (current, sb));
  {
    g_autofree char *db = pz_test_server_db_location (ts);
    g_autoptr(GError) error = NULL;
    PzStore *store = pz_store_open (db, &error);
    g_autoptr(PzDocument) doc = NULL;

    g_assert_no_error (error);
    doc = pz_store_get_document (store, id, "surat_pernyataan");
    g_assert_cmpstr (doc->sha256, ==, current);
    pz_store_free (store);
  }
  g_bytes_unref (a.body);
  g_bytes_unref (b.body);
}

typedef struct {
  PzTestServer *server;
  gint64        id;
  const char   *token;
  guint         status;
  char         *message;
  gint64        took;
} SlowUpload;

static gpointer
slow_upload_thread (gpointer data)
{
  SlowUpload *s = data;
  g_autoptr(GBytes) pdf = pz_demo_scan_pdf ("Gambar teknis 200 halaman", 1);
  g_autofree char *path = doc_path (s->id, "gambar_teknis");
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u%s", pz_test_server_get_port (s->server), path);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", s->token);
  /* a session of its own: the test's session belongs to the main thread */
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 60, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("PUT", url);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  gint64 t0 = g_get_monotonic_time ();

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_message_set_request_body_from_bytes (msg, "application/pdf", pdf);
  answer = soup_session_send_and_read (session, msg, NULL, NULL);
  s->took = g_get_monotonic_time () - t0;
  s->status = soup_message_get_status (msg);
  if (answer && json_parser_load_from_data (parser, g_bytes_get_data (answer, NULL),
                                            (gssize) g_bytes_get_size (answer), NULL))
    s->message = g_strdup (json_object_get_string_member (
                             json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "error"), "message"));
  return NULL;
}

/* A document that makes the inspection hang costs one refused upload; the
 * server answers everyone else meanwhile. */
static void
test_hanging_inspection (void)
{
  g_autofree char *dir = g_dir_make_tmp ("perizinan-hang-XXXXXX", NULL);
  g_autofree char *script = g_build_filename (dir, "hang.sh", NULL);
  PzTestServer *slow;
  SlowUpload s = { 0 };
  GThread *thread;
  gint64 worst = 0;

  g_assert_true (g_file_set_contents (script, "#!/bin/sh\nexec sleep 60\n", -1, NULL));
  g_chmod (script, 0755);
  slow = pz_test_server_start_inspecting (script, 2);
  s.server = slow;
  s.id = pz_test_register (slow, pz_test_login (slow, "front_office"), "PBG", "new");
  s.token = pz_test_login (slow, "front_office");
  pz_test_login (slow, "kasi");

  thread = g_thread_new ("upload", slow_upload_thread, &s);
  /* while the inspection hangs, the server keeps answering */
  for (guint i = 0; i < 10; i++)
    {
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr(PzResponse) h = pz_test_request (slow, "GET", "/api/v1/inbox", pz_test_login (slow, "kasi"), NULL);

      g_assert_cmpuint (h->status, ==, 200);
      worst = MAX (worst, g_get_monotonic_time () - t0);
      g_usleep (100 * 1000);
    }
  g_thread_join (thread);
  g_test_message ("hanging upload refused after %.1f s; slowest other request %.0f ms", s.took / 1e6, worst / 1e3);
  g_assert_cmpuint (s.status, ==, 422);
  g_assert_nonnull (strstr (s.message, "too complex"));
  g_assert_cmpint (worst, <, G_USEC_PER_SEC / 2);
  g_free (s.message);
  pz_test_server_free (slow);
  g_unlink (script);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  ts = pz_test_server_start (NULL, TRUE);
  g_test_add_func ("/server/documents/round-trip", test_round_trip);
  g_test_add_func ("/server/documents/refusals", test_refusals);
  g_test_add_func ("/server/documents/size-limit", test_size_limit);
  g_test_add_func ("/server/documents/cut-off", test_cut_off);
  g_test_add_func ("/server/documents/concurrent", test_concurrent);
  g_test_add_func ("/server/documents/hanging-inspection", test_hanging_inspection);
  ret = g_test_run ();
  pz_test_server_free (ts);
  return ret;
}
