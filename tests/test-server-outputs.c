/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the steps produce: the PDFs, their QR codes, the permit numbers, and
 * the public pages a citizen opens, over a real loopback socket. */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "pz-test-server.h"

static PzTestServer *ts;
static char *workdir;

static GBytes *
get_output (gint64      id,
            const char *kind)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/outputs/%s", id, kind);
  g_autoptr(PzResponse) r = pz_test_request_full (ts, "GET", path, pz_test_login (ts, "kasi"), NULL, NULL, NULL);

  if (r->status != 200)
    g_error ("%s of %" G_GINT64_FORMAT ": %u", kind, id, r->status);
  g_assert_cmpstr (r->content_type, ==, "application/pdf");
  return g_bytes_ref (r->body);
}

static gint64
version_of (gint64 id)
{
  g_autoptr(JsonObject) app = pz_test_get_application (ts, pz_test_login (ts, "admin"), id);
  return json_object_get_int_member (app, "version");
}

static void
test_receipt_bap_draft_permit (void)
{
  gint64 id = pz_test_register (ts, pz_test_login (ts, "front_office"), "PBG", "new");
  g_autoptr(GBytes) receipt = NULL;
  g_autoptr(GBytes) bap = NULL;
  g_autoptr(GBytes) draft = NULL;
  g_autoptr(GBytes) permit = NULL;
  g_autofree char *text = NULL;
  g_autofree char *qr = NULL;
  g_autoptr(JsonObject) app = NULL;
  g_autofree char *track = NULL;

  pz_test_drive_to (ts, id, "technical_survey");
  app = pz_test_get_application (ts, pz_test_login (ts, "kasi"), id);
  receipt = get_output (id, "receipt");
  text = pz_test_pdf_text (receipt);
  g_assert_nonnull (strstr (text, "TANDA TERIMA"));
  g_assert_nonnull (strstr (text, json_object_get_string_member (app, "registration_number")));
  g_assert_nonnull (strstr (text, "Wahyu Pratama"));
  g_assert_nonnull (strstr (text, "Siti Rahmawati"));          /* the officer */
  g_assert_nonnull (strstr (text, "KTP pemohon"));             /* a document received */
  g_assert_nonnull (strstr (text, "Perkiraan selesai"));
  qr = pz_test_pdf_qr (receipt);
  track = g_strdup_printf ("https://izin.example.id/track/%s", json_object_get_string_member (app, "tracking_code"));
  g_assert_cmpstr (qr, ==, track);

  pz_test_advance (ts, id);   /* the survey */
  bap = get_output (id, "bap");
  g_clear_pointer (&text, g_free);
  text = pz_test_pdf_text (bap);
  g_assert_nonnull (strstr (text, "BERITA ACARA PEMERIKSAAN"));
  g_assert_nonnull (strstr (text, "Sesuai"));                  /* the findings */
  g_assert_nonnull (strstr (text, "LAYAK"));

  pz_test_drive_to (ts, id, "kabid_verification");
  draft = get_output (id, "draft");
  g_clear_pointer (&text, g_free);
  text = pz_test_pdf_text (draft);
  g_assert_nonnull (strstr (text, "diberikan setelah penetapan"));   /* no number yet */
  g_assert_nonnull (strstr (text, "PERSETUJUAN BANGUNAN GEDUNG"));
  g_assert_nonnull (strstr (text, "Agus Hermawan"));           /* the Kasi's approval is listed */

  pz_test_drive_to (ts, id, "signing");
  g_clear_pointer (&app, json_object_unref);
  app = pz_test_get_application (ts, pz_test_login (ts, "kasi"), id);
  permit = get_output (id, "permit");
  g_clear_pointer (&text, g_free);
  text = pz_test_pdf_text (permit);
  g_assert_nonnull (strstr (text, json_object_get_string_member (app, "permit_number")));
  g_assert_nonnull (strstr (text, "Dr. Ir. Rudi Hartono, M.T."));
  g_assert_nonnull (strstr (text, "196908141994031005"));
  g_assert_null (strstr (text, "diberikan setelah penetapan"));
  g_clear_pointer (&qr, g_free);
  qr = pz_test_pdf_qr (permit);
  g_assert_cmpstr (qr, ==, json_object_get_string_member (app, "verify_url"));

  /* the verify page tells the facts of the authentic PDF */
  {
    const char *url = json_object_get_string_member (app, "verify_url");
    const char *path = strstr (url, "/verify/");
    g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, permit);
    g_autofree char *pdf_path = g_strdup_printf ("%s/pdf", path);
    g_autoptr(PzResponse) page = pz_test_request (ts, "GET", path, NULL, NULL);
    g_autoptr(PzResponse) download = pz_test_request (ts, "GET", pdf_path, NULL, NULL);
    g_autoptr(GBytes) accept = NULL;
    g_autoptr(PzResponse) json = NULL;
    g_autofree char *html = g_strndup (g_bytes_get_data (page->body, NULL), g_bytes_get_size (page->body));

    g_assert_cmpuint (page->status, ==, 200);
    g_assert_nonnull (strstr (html, "Wahyu Pratama"));
    g_assert_nonnull (strstr (html, json_object_get_string_member (app, "permit_number")));
    g_assert_nonnull (strstr (html, sha));
    g_assert_nonnull (strstr (html, "BERLAKU"));
    g_assert_cmpuint (download->status, ==, 200);
    g_assert_true (g_bytes_equal (download->body, permit));
    {
      SoupSession *s = soup_session_new ();
      g_autofree char *full = g_strdup_printf ("http://127.0.0.1:%u%s", pz_test_server_get_port (ts), path);
      SoupMessage *m = soup_message_new ("GET", full);
      g_autoptr(GBytes) body = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *o;

      soup_message_headers_replace (soup_message_get_request_headers (m), "Accept", "application/json");
      body = soup_session_send_and_read (s, m, NULL, NULL);
      g_assert_cmpuint (soup_message_get_status (m), ==, 200);
      g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), (gssize) g_bytes_get_size (body), NULL));
      o = json_node_get_object (json_parser_get_root (parser));
      g_assert_cmpstr (json_object_get_string_member (o, "sha256"), ==, sha);
      g_assert_cmpstr (json_object_get_string_member (o, "holder"), ==, "Wahyu Pratama");
      g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "valid");
      g_object_unref (m);
      g_object_unref (s);
    }
  }
}

static char *
pdfsig (GBytes *pdf)
{
  g_autofree char *path = g_build_filename (workdir, "signed.pdf", NULL);
  const char *argv[] = { "pdfsig", NULL, NULL };

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (pdf, NULL), (gssize) g_bytes_get_size (pdf), NULL));
  argv[1] = path;
  return pz_test_run (argv);
}

/* The Kadis signs: the permit carries an embedded signature that pdfsig
 * finds valid over the whole file, and one changed byte breaks. */
static void
test_electronic_signature (void)
{
  gint64 id = pz_test_register (ts, pz_test_login (ts, "front_office"), "SIP-DOKTER", "new");
  g_autoptr(GBytes) unsigned_permit = NULL;
  g_autoptr(GBytes) signed_permit = NULL;
  g_autofree char *report = NULL;
  g_autofree char *tampered_report = NULL;
  g_autofree char *text = NULL;
  g_autoptr(PzResponse) wrong = NULL;
  GByteArray *tampered;
  const char *producer;

  pz_test_drive_to (ts, id, "signing");
  unsigned_permit = get_output (id, "permit");
  report = pdfsig (unsigned_permit);
  g_assert_null (strstr (report, "Signature is Valid"));

  wrong = pz_test_act (ts, pz_test_login (ts, "kadis"), id, "approve", version_of (id), NULL,
                       "{\"passphrase\":\"salah\"}");
  g_assert_cmpuint (wrong->status, ==, 422);
  {
    g_autoptr(GBytes) still = get_output (id, "permit");
    g_assert_true (g_bytes_equal (still, unsigned_permit));
  }

  pz_test_advance (ts, id);   /* the passphrase is "demo" */
  signed_permit = get_output (id, "permit");
  g_clear_pointer (&report, g_free);
  report = pdfsig (signed_permit);
  g_assert_nonnull (strstr (report, "Signature is Valid"));
  g_assert_nonnull (strstr (report, "Total document signed"));
  g_assert_nonnull (strstr (report, "Rudi Hartono"));
  text = pz_test_pdf_text (signed_permit);
  g_assert_nonnull (strstr (text, "Ditandatangani secara elektronik"));

  /* one byte changed in a signed range */
  tampered = g_byte_array_new ();
  g_byte_array_append (tampered, g_bytes_get_data (signed_permit, NULL), (guint) g_bytes_get_size (signed_permit));
  producer = memmem (tampered->data, tampered->len, "/Producer", 9);
  g_assert_nonnull (producer);
  tampered->data[(const guint8 *) producer - tampered->data + 3] ^= 0x01;
  {
    g_autoptr(GBytes) bad = g_byte_array_free_to_bytes (tampered);
    tampered_report = pdfsig (bad);
  }
  g_assert_null (strstr (tampered_report, "Signature is Valid"));
}

/* A wet signature: the scan of the paper becomes the permit. */
static void
test_wet_signature_permit (void)
{
  gint64 id = pz_test_register (ts, pz_test_login (ts, "front_office"), "REKLAME", "new");
  g_autofree char *path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/documents/signed_permit", id);
  g_autoptr(GBytes) scan = pz_test_png (800, 1100);
  g_autoptr(PzResponse) up = NULL;
  g_autoptr(PzResponse) r = NULL;
  g_autoptr(GBytes) permit = NULL;

  pz_test_drive_to (ts, id, "signing");
  up = pz_test_request_full (ts, "PUT", path, pz_test_login (ts, "kadis"), "image/png", scan, NULL);
  g_assert_cmpuint (up->status, ==, 201);
  r = pz_test_act (ts, pz_test_login (ts, "kadis"), id, "approve", version_of (id), NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  {
    g_autofree char *opath = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/outputs/permit", id);
    g_autoptr(PzResponse) out = pz_test_request_full (ts, "GET", opath, pz_test_login (ts, "kasi"), NULL, NULL, NULL);
    g_assert_cmpuint (out->status, ==, 200);
    g_assert_true (g_bytes_equal (out->body, scan));
  }
}

static void
test_refusal_letter (void)
{
  gint64 id = pz_test_register (ts, pz_test_login (ts, "front_office"), "TOKO-MODERN", "new");
  g_autoptr(PzResponse) r = NULL;
  g_autoptr(GBytes) letter = NULL;
  g_autofree char *text = NULL;

  pz_test_drive_to (ts, id, "kadis_decision");
  r = pz_test_act (ts, pz_test_login (ts, "kadis"), id, "refuse", version_of (id),
                   "Jarak dengan pasar tradisional kurang dari 500 meter.", NULL);
  g_assert_cmpuint (r->status, ==, 200);
  letter = get_output (id, "refusal");
  text = pz_test_pdf_text (letter);
  g_assert_nonnull (strstr (text, "SURAT PENOLAKAN"));
  g_assert_nonnull (strstr (text, "kurang dari 500 meter"));
  g_assert_nonnull (strstr (text, "Dr. Ir. Rudi Hartono"));
}

/* The tracking page says where the file is and shows no personal data
 * beyond the initials. */
static void
test_track_page (void)
{
  gint64 id = pz_test_register (ts, pz_test_login (ts, "front_office"), "SIP-DOKTER", "new");
  g_autoptr(JsonObject) app = NULL;
  g_autoptr(PzResponse) page = NULL;
  g_autoptr(PzResponse) unknown = NULL;
  g_autoptr(PzResponse) fake = NULL;
  g_autofree char *path = NULL;
  g_autofree char *html = NULL;

  pz_test_drive_to (ts, id, "kasi_verification");
  app = pz_test_get_application (ts, pz_test_login (ts, "kasi"), id);
  path = g_strdup_printf ("/track/%s", json_object_get_string_member (app, "tracking_code"));
  page = pz_test_request (ts, "GET", path, NULL, NULL);
  html = g_strndup (g_bytes_get_data (page->body, NULL), g_bytes_get_size (page->body));
  g_assert_cmpuint (page->status, ==, 200);
  g_assert_nonnull (strstr (html, "W.P."));
  g_assert_null (strstr (html, "Wahyu"));
  g_assert_null (strstr (html, "3201011203850099"));
  g_assert_null (strstr (html, "Mawar"));
  g_assert_nonnull (strstr (html, "Verifikasi oleh kepala seksi"));
  g_assert_nonnull (strstr (html, "Perkiraan selesai"));
  unknown = pz_test_request (ts, "GET", "/track/REG-1999-000001", NULL, NULL);
  g_assert_cmpuint (unknown->status, ==, 404);
  fake = pz_test_request (ts, "GET", "/verify/0123456789abcdef0123456789abcdef", NULL, NULL);
  g_assert_cmpuint (fake->status, ==, 404);
}

typedef struct {
  gint64  id;
  gint64  version;
  char   *token;
  guint   status;
  char   *number;
} Numbering;

static gpointer
number_thread (gpointer data)
{
  Numbering *n = data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 120, NULL);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/api/v1/applications/%" G_GINT64_FORMAT "/actions",
                                          pz_test_server_get_port (ts), n->id);
  g_autofree char *body = g_strdup_printf ("{\"action\":\"approve\",\"version\":%" G_GINT64_FORMAT "}", n->version);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", n->token);
  g_autofree char *key = g_uuid_string_random ();
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Idempotency-Key", key);
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  answer = soup_session_send_and_read (session, msg, NULL, &error);
  if (error)
    g_printerr ("numbering %" G_GINT64_FORMAT ": %s\n", n->id, error->message);
  n->status = soup_message_get_status (msg);
  if (answer && json_parser_load_from_data (parser, g_bytes_get_data (answer, NULL), (gssize) g_bytes_get_size (answer), NULL))
    n->number = g_strdup (json_object_get_string_member_with_default (
      json_node_get_object (json_parser_get_root (parser)), "permit_number", NULL));
  return NULL;
}

static int
seq_of (const char *number)
{
  /* the sequence is the second part of every demo format: 503/0042/... */
  const char *slash = strchr (number, '/');
  return slash ? atoi (slash + 1) : -1;
}

/* 50 numbering actions at once, across permit types: numbers are unique
 * and have no gaps, per permit type and year. */
static void
test_concurrent_numbering (void)
{
  static const char * const types[] = { "SIP-DOKTER", "REKLAME" };
  Numbering n[50];
  GThread *threads[50];
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < G_N_ELEMENTS (n); i++)
    {
      n[i] = (Numbering) { pz_test_register (ts, pz_test_login (ts, "front_office"), types[i % 2], "new"), 0, NULL, 0, NULL };
      pz_test_drive_to (ts, n[i].id, "numbering");
      n[i].version = version_of (n[i].id);
      n[i].token = g_strdup (pz_test_login (ts, "back_office"));
    }
  for (guint i = 0; i < G_N_ELEMENTS (n); i++)
    threads[i] = g_thread_new ("numbering", number_thread, &n[i]);
  for (guint i = 0; i < G_N_ELEMENTS (n); i++)
    g_thread_join (threads[i]);

  for (guint t = 0; t < G_N_ELEMENTS (types); t++)
    {
      g_autoptr(GArray) seqs = g_array_new (FALSE, FALSE, sizeof (int));
      int lo = G_MAXINT, hi = 0;

      for (guint i = t; i < G_N_ELEMENTS (n); i += 2)
        {
          int seq;

          g_assert_cmpuint (n[i].status, ==, 200);
          g_assert_nonnull (n[i].number);
          g_assert_false (g_hash_table_contains (seen, n[i].number));
          g_hash_table_add (seen, n[i].number);
          seq = seq_of (n[i].number);
          lo = MIN (lo, seq);
          hi = MAX (hi, seq);
          g_array_append_val (seqs, seq);
        }
      /* 25 distinct numbers in a run of 25: no gap */
      g_assert_cmpint (hi - lo + 1, ==, (int) seqs->len);
    }
  for (guint i = 0; i < G_N_ELEMENTS (n); i++)
    {
      g_free (n[i].token);
      g_free (n[i].number);
    }
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  workdir = g_dir_make_tmp ("perizinan-outputs-XXXXXX", NULL);
  ts = pz_test_server_start (NULL, TRUE);
  g_test_add_func ("/server/outputs/receipt-bap-draft-permit", test_receipt_bap_draft_permit);
  g_test_add_func ("/server/outputs/electronic-signature", test_electronic_signature);
  g_test_add_func ("/server/outputs/wet-signature", test_wet_signature_permit);
  g_test_add_func ("/server/outputs/refusal", test_refusal_letter);
  g_test_add_func ("/server/outputs/track", test_track_page);
  g_test_add_func ("/server/outputs/concurrent-numbering", test_concurrent_numbering);
  ret = g_test_run ();
  pz_test_server_free (ts);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", workdir);
    if (system (cmd) != 0)
      g_printerr ("could not remove %s\n", workdir);
  }
  g_free (workdir);
  return ret;
}
