/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The pages anyone may open (/track, /verify, the survey): only the random
 * code printed on the receipt opens a file, they carry the headers that
 * keep a browser safe, they are in Indonesian, and one client cannot flood
 * them. Spoken to over raw loopback sockets, from several source addresses
 * of 127.0.0.0/8. */
#include "config.h"

#include <gio/gio.h>
#include <sqlite3.h>
#include <string.h>

#include "pz-ratelimit.h"
#include "pz-test-server.h"

static PzTestServer *ts;
static PzTestServer *first;     /* owns the data directory after a restart */
static gint64 file_id;          /* registered here, carried to hand-over */

/* The tracking code's form: 4 × 4 symbols of Crockford's base32. */
#define CODE_PATTERN "[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}"

static const char answers[] = "u1=4&u2=3&u3=3&u4=4&u5=3&u6=4&u7=4&u8=2&u9=3&saran=Cepat";

typedef struct {
  guint       status;
  GHashTable *headers;   /* lower-case name -> value */
  GBytes     *body;
} Raw;

static void
raw_free (Raw *r)
{
  g_hash_table_unref (r->headers);
  g_bytes_unref (r->body);
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Raw, raw_free)

static const char *
header (Raw * r,
        const char *name)
{
  return g_hash_table_lookup (r->headers, name);
}

static gboolean
header_has (Raw        *r,
            const char *name,
            const char *text)
{
  const char *value = header (r, name);

  if (value == NULL)
    g_error ("no %s header", name);
  return strstr (value, text) != NULL;
}

static gboolean
body_has (Raw        *r,
          const char *text)
{
  return g_strstr_len (g_bytes_get_data (r->body, NULL), (gssize) g_bytes_get_size (r->body), text) != NULL;
}

/* One request on its own connection from @source (an address of
 * 127.0.0.0/8), read to the end. */
static Raw *
raw_request (const char *source,
             const char *method,
             const char *path,
             const char *extra,
             const char *body)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GInetAddress) local = g_inet_address_new_from_string (source);
  g_autoptr(GSocketAddress) local_address = g_inet_socket_address_new (local, 0);
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) in = g_byte_array_new ();
  g_autofree char *request = NULL;
  g_auto(GStrv) lines = NULL;
  Raw *r;
  const guint8 *end;
  guint8 buf[16384];
  gssize n;
  gsize head_len;

  g_socket_client_set_local_address (client, local_address);
  conn = g_socket_client_connect_to_host (client, "127.0.0.1", (guint16) pz_test_server_get_port (ts), NULL,
                                          &error);
  g_assert_no_error (error);
  request = g_strdup_printf ("%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s"
                             "Content-Length: %zu\r\n\r\n%s", method, path, extra ? extra : "",
                             body ? strlen (body) : 0, body ? body : "");
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)), request, strlen (request), NULL,
                             NULL, &error);
  g_assert_no_error (error);
  while ((n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (conn)), buf, sizeof buf, NULL,
                                   &error)) > 0)
    g_byte_array_append (in, buf, (guint) n);
  g_assert_no_error (error);

  end = memmem (in->data, in->len, "\r\n\r\n", 4);
  g_assert_nonnull (end);
  head_len = (gsize) (end - in->data);
  r = g_new0 (Raw, 1);
  r->headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  {
    g_autofree char *head = g_strndup ((const char *) in->data, head_len);
    lines = g_strsplit (head, "\r\n", -1);
  }
  g_assert_true (g_str_has_prefix (lines[0], "HTTP/1.1 "));
  r->status = (guint) g_ascii_strtoull (lines[0] + 9, NULL, 10);
  for (guint i = 1; lines[i]; i++)
    {
      const char *colon = strchr (lines[i], ':');

      g_assert_nonnull (colon);
      g_hash_table_replace (r->headers, g_ascii_strdown (lines[i], colon - lines[i]),
                            g_strstrip (g_strdup (colon + 1)));
    }
  r->body = g_bytes_new (in->data + head_len + 4, in->len - head_len - 4);
  return r;
}

static Raw *
get (const char *path)
{
  return raw_request ("127.0.0.1", "GET", path, NULL, NULL);
}

static JsonObject *
file_json (gint64 id)
{
  return pz_test_get_application (ts, pz_test_login (ts, "kasi"), id);
}

static GBytes *
receipt_of (gint64 id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/outputs/receipt", id);
  g_autoptr(PzResponse) r = pz_test_request_full (ts, "GET", path, pz_test_login (ts, "kasi"), NULL, NULL, NULL);

  g_assert_cmpuint (r->status, ==, 200);
  return g_bytes_ref (r->body);
}

static char *
match (const char *pattern,
       const char *text)
{
  g_autoptr(GRegex) re = g_regex_new (pattern, 0, 0, NULL);
  g_autoptr(GMatchInfo) info = NULL;

  if (!g_regex_match (re, text, 0, &info))
    return NULL;
  return g_match_info_fetch (info, 1);
}

/* The receipt prints the code and its QR opens the file's page with it;
 * the code is also in the file as the staff see it. */
static void
test_receipt_code_opens_page (void)
{
  g_autoptr(JsonObject) app = NULL;
  g_autoptr(GBytes) receipt = NULL;
  g_autofree char *text = NULL;
  g_autofree char *qr = NULL;
  g_autofree char *printed = NULL;
  g_autofree char *in_qr = NULL;
  g_autofree char *lower = NULL;
  g_autofree char *lower_path = NULL;
  g_autoptr(Raw) page = NULL;
  g_autoptr(Raw) typed = NULL;
  const char *number;

  file_id = pz_test_register (ts, pz_test_login (ts, "front_office"), "PBG", "new");
  pz_test_drive_to (ts, file_id, "technical_survey");
  app = file_json (file_id);
  number = json_object_get_string_member (app, "registration_number");

  receipt = receipt_of (file_id);
  text = pz_test_pdf_text (receipt);
  printed = match ("Kode lacak\\s*:\\s*(" CODE_PATTERN ")", text);
  g_assert_nonnull (printed);
  qr = pz_test_pdf_qr (receipt);
  in_qr = match ("^https://izin\\.example\\.id/track/(" CODE_PATTERN ")$", qr);
  g_assert_nonnull (in_qr);
  g_assert_cmpstr (in_qr, ==, printed);
  g_assert_cmpstr (json_object_get_string_member (app, "tracking_code"), ==, printed);
  /* nothing of the registration number in the code */
  g_assert_null (strstr (qr, number));

  page = get (qr + strlen ("https://izin.example.id"));
  g_assert_cmpuint (page->status, ==, 200);
  g_assert_true (body_has (page, number));
  g_assert_true (body_has (page, "W.P."));
  g_assert_false (body_has (page, "Wahyu"));
  /* in Indonesian: the labels, the step titles, who has the file now */
  g_assert_true (body_has (page, "Lacak berkas permohonan"));
  g_assert_true (body_has (page, "Tahap sekarang"));
  g_assert_true (body_has (page, "Survei teknis"));
  g_assert_true (body_has (page, "Ditangani oleh"));
  g_assert_true (body_has (page, "Tim teknis"));
  g_assert_true (body_has (page, "Pendaftaran"));
  g_assert_false (body_has (page, "Technical survey"));
  g_assert_cmpstr (header (page, "content-language"), ==, "id");

  /* typed by hand: small letters, no dashes, O for 0 and l for 1 */
  lower = g_ascii_strdown (printed, -1);
  {
    g_autoptr(GString) s = g_string_new (NULL);
    for (const char *p = lower; *p; p++)
      if (*p == '0')
        g_string_append_c (s, 'o');
      else if (*p == '1')
        g_string_append_c (s, 'l');
      else if (*p != '-')
        g_string_append_c (s, *p);
    lower_path = g_strdup_printf ("/track/%s", s->str);
  }
  typed = get (lower_path);
  g_assert_cmpuint (typed->status, ==, 200);
  g_assert_true (body_has (typed, number));
}

/* Walking the registration numbers shows nothing: every one answers the
 * very page an unknown code gets. So does the survey. */
static void
test_registration_numbers_show_nothing (void)
{
  g_autoptr(JsonObject) app = file_json (file_id);
  const char *number = json_object_get_string_member (app, "registration_number");
  g_autofree char *year = g_strndup (number + 4, 4);
  g_autoptr(Raw) unknown = get ("/track/0000-0000-0000-0000");
  g_autofree char *own = g_strdup_printf ("/track/%s", number);

  g_assert_cmpuint (unknown->status, ==, 404);
  g_assert_true (body_has (unknown, "Berkas tidak ditemukan"));
  for (guint i = 1; i <= 12; i++)
    {
      g_autofree char *path = g_strdup_printf ("/track/REG-%s-%06u", year, i);
      g_autoptr(Raw) r = get (path);

      g_assert_cmpuint (r->status, ==, 404);
      g_assert_true (g_bytes_equal (r->body, unknown->body));
    }
  {
    g_autoptr(Raw) r = get (own);
    g_assert_cmpuint (r->status, ==, 404);
    g_assert_true (g_bytes_equal (r->body, unknown->body));
    g_assert_false (body_has (r, "W.P."));
  }

  /* the file handed over: the survey opens under the code only */
  pz_test_drive_to (ts, file_id, "handover");
  pz_test_advance (ts, file_id);
  {
    g_autoptr(JsonObject) issued = file_json (file_id);
    g_autofree char *by_number = g_strdup_printf ("/track/%s/survey", number);
    g_autofree char *by_code = g_strdup_printf ("/track/%s/survey",
                                                json_object_get_string_member (issued, "tracking_code"));
    const char *form = "Content-Type: application/x-www-form-urlencoded\r\n";
    g_autoptr(Raw) walked = NULL;
    g_autoptr(Raw) guessed = NULL;
    g_autoptr(Raw) own_code = NULL;
    g_autoptr(Raw) again = NULL;

    g_assert_cmpstr (json_object_get_string_member (issued, "status"), ==, "issued");
    walked = raw_request ("127.0.0.1", "POST", by_number, form, answers);
    guessed = raw_request ("127.0.0.1", "POST", "/track/ZZZZ-ZZZZ-ZZZZ-ZZZZ/survey", form, answers);
    g_assert_cmpuint (walked->status, ==, 404);
    g_assert_true (g_bytes_equal (walked->body, unknown->body));
    g_assert_cmpuint (guessed->status, ==, 404);
    g_assert_true (g_bytes_equal (guessed->body, unknown->body));
    /* neither counted: the applicant's own answer is still the first */
    own_code = raw_request ("127.0.0.1", "POST", by_code, form, answers);
    g_assert_cmpuint (own_code->status, ==, 200);
    g_assert_true (body_has (own_code, "Terima kasih"));
    again = raw_request ("127.0.0.1", "POST", by_code, form, answers);
    g_assert_cmpuint (again->status, ==, 409);
  }
}

static void
assert_page_headers (Raw *r)
{
  const char *csp = header (r, "content-security-policy");

  g_assert_nonnull (csp);
  g_assert_nonnull (strstr (csp, "frame-ancestors 'none'"));
  g_assert_nonnull (strstr (csp, "default-src 'none'"));
  g_assert_null (strstr (csp, "unsafe-inline"));
  g_assert_cmpstr (header (r, "x-content-type-options"), ==, "nosniff");
  g_assert_cmpstr (header (r, "referrer-policy"), ==, "no-referrer");
  g_assert_cmpstr (header (r, "x-frame-options"), ==, "DENY");
}

/* The policy lets the page's own style sheet in, by its hash: the page
 * still looks as it should in a browser that enforces it. */
static void
assert_style_allowed (Raw *r)
{
  g_autofree char *html = g_strndup (g_bytes_get_data (r->body, NULL), g_bytes_get_size (r->body));
  g_autofree char *css = match ("<style>(.*)</style>", html);
  guint8 digest[32];
  gsize len = sizeof digest;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *b64 = NULL;
  g_autofree char *source = NULL;

  g_assert_nonnull (css);
  g_checksum_update (sum, (const guchar *) css, -1);
  g_checksum_get_digest (sum, digest, &len);
  b64 = g_base64_encode (digest, len);
  source = g_strdup_printf ("style-src 'sha256-%s'", b64);
  g_assert_true (header_has (r, "content-security-policy", source));
}

static void
test_headers (void)
{
  g_autoptr(JsonObject) app = file_json (file_id);
  g_autofree char *track = g_strdup_printf ("/track/%s", json_object_get_string_member (app, "tracking_code"));
  const char *verify_url = json_object_get_string_member (app, "verify_url");
  g_autofree char *verify = g_strdup (strstr (verify_url, "/verify/"));
  g_autofree char *verify_pdf = g_strdup_printf ("%s/pdf", verify);
  g_autoptr(Raw) page = get (track);
  g_autoptr(Raw) missing = get ("/track/REG-2026-000001");
  g_autoptr(Raw) verified = get (verify);
  g_autoptr(Raw) fake = get ("/verify/0123456789abcdef0123456789abcdef");
  g_autoptr(Raw) pdf = get (verify_pdf);

  g_assert_cmpuint (page->status, ==, 200);
  assert_page_headers (page);
  assert_style_allowed (page);
  /* the survey's form posts to the page's own origin */
  g_assert_true (header_has (page, "content-security-policy", "form-action 'self'"));
  assert_page_headers (missing);
  g_assert_cmpuint (verified->status, ==, 200);
  assert_page_headers (verified);
  assert_style_allowed (verified);
  g_assert_true (body_has (verified, "Verifikasi izin"));
  g_assert_true (body_has (verified, "BERLAKU"));
  g_assert_true (body_has (verified, "Pemegang izin"));
  /* the signature as the stored PDF carries it: the demo Kadis' key,
   * self-issued, with no timestamp authority configured */
  g_assert_true (body_has (verified, "<td>Ditandatangani oleh</td><td>Dr. Ir. Rudi Hartono, M.T. ("));
  g_assert_true (body_has (verified, "CN=Dr. Ir. Rudi Hartono"));
  g_assert_true (body_has (verified, "<td>Penerbit sertifikat</td><td>"));
  g_assert_true (body_has (verified, " (menurut penanda tangan sendiri: tanpa penanda waktu)</td>"));
  g_assert_true (body_has (verified, "<td>Isi</td><td class=\"ok\">tidak berubah sejak ditandatangani</td>"));
  g_assert_true (body_has (verified, "<td>Jangka panjang</td><td>data validasi jangka panjang: ada (1 sertifikat); "
                           "data pencabutan (CRL, OCSP) tidak ada</td>"));
  g_assert_true (body_has (verified, "<td>Hasil</td><td class=\"ok\">sah</td>"));
  {
    g_autoptr(Raw) json = raw_request ("127.0.0.1", "GET", verify, "Accept: application/json\r\n", NULL);
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonObject *sig;

    g_assert_cmpuint (json->status, ==, 200);
    g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (json->body, NULL),
                                               (gssize) g_bytes_get_size (json->body), NULL));
    sig = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "signature");
    g_assert_nonnull (sig);
    g_assert_nonnull (strstr (json_object_get_string_member (sig, "signer"), "CN=Dr. Ir. Rudi Hartono"));
    g_assert_cmpstr (json_object_get_string_member (sig, "signed_at_source"), ==, "signing_time");
    g_assert_true (json_node_is_null (json_object_get_member (sig, "timestamp_authority")));
    g_assert_true (json_object_get_boolean_member (sig, "unchanged"));
    g_assert_true (json_object_get_boolean_member (sig, "certificate_valid_at_signing"));
    g_assert_true (json_object_get_boolean_member (sig, "valid"));
    g_assert_cmpstr (json_object_get_string_member (sig, "signer_name"), ==, "Dr. Ir. Rudi Hartono, M.T.");
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (sig, "long_term"), "certificates"), ==,
                     1);
    g_assert_cmpstr (json_object_get_string_member (sig, "revocation"), ==, "no_revocation_data");
  }
  g_assert_cmpuint (fake->status, ==, 404);
  assert_page_headers (fake);
  g_assert_true (body_has (fake, "tidak asli"));

  g_assert_cmpuint (pdf->status, ==, 200);
  assert_page_headers (pdf);
  g_assert_cmpstr (header (pdf, "content-type"), ==, "application/pdf");
  g_assert_true (header_has (pdf, "content-disposition", "attachment; filename=\"izin-REG-"));

  /* the staff's downloads */
  {
    const char *token = pz_test_login (ts, "kasi");
    g_autofree char *auth = g_strdup_printf ("Authorization: Bearer %s\r\n", token);
    g_autofree char *out = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/outputs/receipt", file_id);
    g_autofree char *doc = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/documents/ktp", file_id);
    g_autofree char *expect_out = g_strdup_printf ("inline; filename=\"receipt-%s.pdf\"",
                                                   json_object_get_string_member (app, "registration_number"));
    g_autoptr(Raw) receipt = raw_request ("127.0.0.1", "GET", out, auth, NULL);
    g_autoptr(Raw) scan = raw_request ("127.0.0.1", "GET", doc, auth, NULL);
    g_autoptr(Raw) json = raw_request ("127.0.0.1", "GET", "/api/v1/me", auth, NULL);

    g_assert_cmpuint (receipt->status, ==, 200);
    g_assert_cmpstr (header (receipt, "content-disposition"), ==, expect_out);
    g_assert_cmpstr (header (receipt, "x-content-type-options"), ==, "nosniff");
    g_assert_cmpuint (scan->status, ==, 200);
    g_assert_true (header_has (scan, "content-disposition", "attachment; filename=\"ktp-"));
    g_assert_cmpstr (header (scan, "x-content-type-options"), ==, "nosniff");
    g_assert_cmpuint (json->status, ==, 200);
    g_assert_cmpstr (header (json, "x-content-type-options"), ==, "nosniff");
    g_assert_true (header_has (json, "content-security-policy", "frame-ancestors 'none'"));
  }
}

/* One client hammering the public pages gets 429 with Retry-After once its
 * burst is spent; another address, and the staff's API, are not slowed. */
static void
test_rate_limit (void)
{
  gint64 started = g_get_monotonic_time ();
  guint ok = 0, limited = 0, first_limited = 0, retry = 0;
  double elapsed;

  for (guint i = 0; i < 150; i++)
    {
      g_autoptr(Raw) r = raw_request ("127.0.0.3", "GET", "/track/0000-0000-0000-0000", NULL, NULL);

      if (r->status == 404)
        ok++;
      else
        {
          g_assert_cmpuint (r->status, ==, 429);
          if (!limited)
            {
              first_limited = i;
              g_assert_nonnull (header (r, "retry-after"));
              retry = (guint) g_ascii_strtoull (header (r, "retry-after"), NULL, 10);
              assert_page_headers (r);
              g_assert_true (body_has (r, "Terlalu banyak permintaan"));
            }
          g_assert_nonnull (header (r, "retry-after"));
          limited++;
        }
    }
  elapsed = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;
  g_test_message ("150 requests in %.2f s: %u answered, %u refused (first at #%u), Retry-After %u",
                  elapsed, ok, limited, first_limited + 1, retry);
  /* a burst of 60, then one a second */
  g_assert_cmpuint (first_limited, >=, 60);
  g_assert_cmpuint (ok, <=, 60 + (guint) elapsed + 1);
  g_assert_cmpuint (limited, >, 0);
  g_assert_cmpuint (retry, >=, 1);
  g_assert_cmpuint (retry, <=, 2);

  /* the same budget for /verify and the survey, answered in JSON when asked */
  {
    g_autoptr(Raw) json = raw_request ("127.0.0.3", "GET", "/verify/0123456789abcdef0123456789abcdef",
                                       "Accept: application/json\r\n", NULL);
    g_autoptr(Raw) survey = raw_request ("127.0.0.3", "POST", "/track/0000-0000-0000-0000/survey",
                                         "Content-Type: application/x-www-form-urlencoded\r\n", answers);
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autoptr(GError) error = NULL;
    JsonObject *err;

    g_assert_cmpuint (json->status, ==, 429);
    json_parser_load_from_data (parser, g_bytes_get_data (json->body, NULL), (gssize) g_bytes_get_size (json->body),
                                &error);
    g_assert_no_error (error);
    err = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "error");
    g_assert_cmpstr (json_object_get_string_member (err, "code"), ==, "throttled");
    g_assert_cmpuint (survey->status, ==, 429);
  }
  {
    g_autoptr(Raw) other = raw_request ("127.0.0.4", "GET", "/track/0000-0000-0000-0000", NULL, NULL);
    g_autoptr(Raw) health = raw_request ("127.0.0.3", "GET", "/healthz", NULL, NULL);

    g_assert_cmpuint (other->status, ==, 404);
    g_assert_cmpuint (health->status, ==, 200);
  }
  /* waiting as told is enough */
  g_usleep ((gulong) retry * G_USEC_PER_SEC + 100000);
  {
    g_autoptr(Raw) later = raw_request ("127.0.0.3", "GET", "/track/0000-0000-0000-0000", NULL, NULL);
    g_assert_cmpuint (later->status, ==, 404);
  }
}

/* The table of buckets has a fixed size; a flood of new addresses evicts
 * each other, not the client that spent its budget, and an IPv6 client is
 * its /64. */
static void
test_rate_limit_table (void)
{
  PzRateLimit *limit = pz_rate_limit_new (64, 1.0, 5);
  g_autoptr(GInetAddress) spent = g_inet_address_new_from_string ("203.0.113.7");
  g_autoptr(GInetAddress) v6a = g_inet_address_new_from_string ("2001:db8:1:2::1");
  g_autoptr(GInetAddress) v6b = g_inet_address_new_from_string ("2001:db8:1:2:ffff::9");
  g_autoptr(GInetAddress) v6c = g_inet_address_new_from_string ("2001:db8:1:3::1");
  gint64 now = 1000 * G_USEC_PER_SEC;

  for (guint i = 0; i < 5; i++)
    g_assert_cmpuint (pz_rate_limit_take (limit, spent, now), ==, 0);
  g_assert_cmpuint (pz_rate_limit_take (limit, spent, now), ==, 1);
  for (guint i = 0; i < 100000; i++)
    {
      guint8 bytes[4] = { 10, (guint8) (i >> 16), (guint8) (i >> 8), (guint8) i };
      g_autoptr(GInetAddress) a = g_inet_address_new_from_bytes (bytes, G_SOCKET_FAMILY_IPV4);

      g_assert_cmpuint (pz_rate_limit_take (limit, a, now), ==, 0);
    }
  g_assert_cmpuint (pz_rate_limit_get_n_slots (limit), ==, 64);
  g_assert_cmpuint (pz_rate_limit_take (limit, spent, now), >=, 1);

  for (guint i = 0; i < 5; i++)
    g_assert_cmpuint (pz_rate_limit_take (limit, i % 2 ? v6a : v6b, now), ==, 0);
  g_assert_cmpuint (pz_rate_limit_take (limit, v6a, now), ==, 1);
  g_assert_cmpuint (pz_rate_limit_take (limit, v6c, now), ==, 0);
  /* two seconds later, two requests more */
  g_assert_cmpuint (pz_rate_limit_take (limit, v6b, now + 2 * G_USEC_PER_SEC), ==, 0);
  g_assert_cmpuint (pz_rate_limit_take (limit, v6b, now + 2 * G_USEC_PER_SEC), ==, 0);
  g_assert_cmpuint (pz_rate_limit_take (limit, v6b, now + 2 * G_USEC_PER_SEC), ==, 1);
  pz_rate_limit_free (limit);
}

/* A database from before tracking codes: its files get one when the new
 * server opens it, and the code opens the page. */
static void
test_existing_files_get_a_code (void)
{
  g_autofree char *dir = g_strdup (pz_test_server_get_dir (ts));
  g_autofree char *db_path = g_build_filename (dir, "perizinan.db", NULL);
  g_autofree char *track = NULL;
  g_autoptr(JsonObject) after = NULL;
  sqlite3 *db;
  char *message = NULL;

  first = ts;
  pz_test_server_stop (first);
  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  /* the tables as version 10 had them: without the tracking code, nor
   * the later migrations' columns and tables (many offices made users,
   * files and counters anew) */
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE office_v10 (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                                 "INSERT INTO office_v10 SELECT key, value FROM office WHERE office_id = 1;"
                                 "DROP TABLE office;"
                                 "ALTER TABLE office_v10 RENAME TO office;"
                                 "CREATE TABLE users_v10 ("
                                 "  id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE,"
                                 "  full_name TEXT NOT NULL, nip TEXT, password_hash TEXT NOT NULL,"
                                 "  active INTEGER NOT NULL DEFAULT 1,"
                                 "  must_change_password INTEGER NOT NULL DEFAULT 0,"
                                 "  created_at INTEGER NOT NULL);"
                                 "INSERT INTO users_v10 SELECT id, username, full_name, nip, password_hash,"
                                 "  active, must_change_password, created_at FROM users;"
                                 "DROP TABLE users;"
                                 "ALTER TABLE users_v10 RENAME TO users;"
                                 "CREATE TABLE applications_v10 ("
                                 "  id INTEGER PRIMARY KEY, registration_number TEXT NOT NULL UNIQUE,"
                                 "  permit_type TEXT NOT NULL REFERENCES permit_types(code),"
                                 "  request_type TEXT NOT NULL, applicant_name TEXT NOT NULL,"
                                 "  applicant_nik TEXT NOT NULL, applicant_address TEXT NOT NULL,"
                                 "  applicant_phone TEXT NOT NULL, applicant_email TEXT,"
                                 "  data TEXT NOT NULL DEFAULT '{}', survey TEXT, received_by TEXT,"
                                 "  step TEXT NOT NULL, status TEXT NOT NULL, version INTEGER NOT NULL,"
                                 "  step_entered_at INTEGER NOT NULL, due_at INTEGER,"
                                 "  permit_number TEXT UNIQUE, verify_token TEXT UNIQUE,"
                                 "  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
                                 "  created_by INTEGER NOT NULL REFERENCES users(id),"
                                 "  updated_by INTEGER NOT NULL REFERENCES users(id),"
                                 "  permit_type_version INTEGER NOT NULL DEFAULT 1,"
                                 "  service_started_at INTEGER, service_seconds INTEGER NOT NULL DEFAULT 0,"
                                 "  service_due_at INTEGER);"
                                 "INSERT INTO applications_v10 SELECT id, registration_number, permit_type,"
                                 "  request_type, applicant_name, applicant_nik, applicant_address,"
                                 "  applicant_phone, applicant_email, data, survey, received_by, step, status,"
                                 "  version, step_entered_at, due_at, permit_number, verify_token, created_at,"
                                 "  updated_at, created_by, updated_by, permit_type_version,"
                                 "  service_started_at, service_seconds, service_due_at FROM applications;"
                                 "DROP TABLE applications;"
                                 "ALTER TABLE applications_v10 RENAME TO applications;"
                                 "CREATE INDEX applications_step_due ON applications(step, due_at, id);"
                                 "CREATE INDEX applications_verify ON applications(verify_token);"
                                 "CREATE TABLE counters_v10 (name TEXT PRIMARY KEY, value INTEGER NOT NULL);"
                                 "INSERT INTO counters_v10 SELECT name, value FROM counters;"
                                 "DROP TABLE counters;"
                                 "ALTER TABLE counters_v10 RENAME TO counters;"
                                 "DROP TABLE step_counts;"
                                 "DROP TABLE step_due_counts;"
                                 "DROP TABLE offices;"
                                 "DROP INDEX audit_office;"
                                 "ALTER TABLE audit DROP COLUMN office_id;"
                                 "ALTER TABLE outbox DROP COLUMN office_id;"
                                 "CREATE TABLE holidays_v10 (date TEXT PRIMARY KEY, name TEXT NOT NULL,"
                                 "  kind TEXT NOT NULL);"
                                 "INSERT INTO holidays_v10 SELECT date, name, kind FROM holidays;"
                                 "DROP TABLE holidays;"
                                 "ALTER TABLE holidays_v10 RENAME TO holidays;"
                                 "CREATE TABLE permit_types_v10 (code TEXT PRIMARY KEY, name TEXT NOT NULL,"
                                 "  workflow TEXT NOT NULL, request_types TEXT NOT NULL, survey INTEGER NOT NULL,"
                                 "  signing TEXT NOT NULL, number_format TEXT NOT NULL,"
                                 "  validity_months INTEGER NOT NULL, service_days INTEGER NOT NULL,"
                                 "  version INTEGER NOT NULL DEFAULT 1);"
                                 "INSERT INTO permit_types_v10 SELECT code, name, workflow, request_types, survey,"
                                 "  signing, number_format, validity_months, service_days, version FROM permit_types;"
                                 "CREATE TABLE permit_type_requirements_v10 ("
                                 "  permit_type TEXT NOT NULL REFERENCES permit_types(code) ON DELETE CASCADE,"
                                 "  position INTEGER NOT NULL, code TEXT NOT NULL, title TEXT NOT NULL,"
                                 "  mandatory INTEGER NOT NULL, request_types TEXT NOT NULL,"
                                 "  PRIMARY KEY (permit_type, code));"
                                 "INSERT INTO permit_type_requirements_v10 SELECT permit_type, position, code, title,"
                                 "  mandatory, request_types FROM permit_type_requirements;"
                                 "CREATE TABLE permit_type_fields_v10 ("
                                 "  permit_type TEXT NOT NULL REFERENCES permit_types(code) ON DELETE CASCADE,"
                                 "  position INTEGER NOT NULL, name TEXT NOT NULL, label TEXT NOT NULL,"
                                 "  type TEXT NOT NULL, required INTEGER NOT NULL, PRIMARY KEY (permit_type, name));"
                                 "INSERT INTO permit_type_fields_v10 SELECT permit_type, position, name, label, type,"
                                 "  required FROM permit_type_fields;"
                                 "CREATE TABLE permit_type_versions_v10 (code TEXT NOT NULL, version INTEGER NOT NULL,"
                                 "  definition TEXT NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (code, version));"
                                 "INSERT INTO permit_type_versions_v10 SELECT code, version, definition, created_at"
                                 "  FROM permit_type_versions;"
                                 "DROP TABLE permit_type_requirements;"
                                 "DROP TABLE permit_type_fields;"
                                 "DROP TABLE permit_type_versions;"
                                 "DROP TABLE permit_types;"
                                 "ALTER TABLE permit_types_v10 RENAME TO permit_types;"
                                 "ALTER TABLE permit_type_requirements_v10 RENAME TO permit_type_requirements;"
                                 "ALTER TABLE permit_type_fields_v10 RENAME TO permit_type_fields;"
                                 "ALTER TABLE permit_type_versions_v10 RENAME TO permit_type_versions;"
                                 "CREATE TRIGGER permit_type_versions_no_update BEFORE UPDATE ON permit_type_versions "
                                 "  BEGIN SELECT RAISE(ABORT, 'permit type editions are never changed'); END;"
                                 "CREATE TRIGGER permit_type_versions_no_delete BEFORE DELETE ON permit_type_versions "
                                 "  BEGIN SELECT RAISE(ABORT, 'permit type editions are never changed'); END;"
                                 "ALTER TABLE idempotency DROP COLUMN packed;"
                                 "PRAGMA user_version = 10;", NULL, NULL, &message), ==, SQLITE_OK);
  sqlite3_close (db);
  ts = pz_test_server_start (dir, TRUE);

  after = file_json (file_id);
  {
    g_autofree char *code = match ("^(" CODE_PATTERN ")$", json_object_get_string_member (after, "tracking_code"));
    g_assert_nonnull (code);
  }
  track = g_strdup_printf ("/track/%s", json_object_get_string_member (after, "tracking_code"));
  {
    g_autoptr(Raw) page = get (track);
    g_assert_cmpuint (page->status, ==, 200);
    g_assert_true (body_has (page, json_object_get_string_member (after, "registration_number")));
  }
  {
    g_autoptr(JsonObject) other = file_json (1);
    g_autofree char *code = match ("^(" CODE_PATTERN ")$", json_object_get_string_member (other, "tracking_code"));

    g_assert_nonnull (code);
    g_assert_cmpstr (json_object_get_string_member (other, "tracking_code"), !=,
                     json_object_get_string_member (after, "tracking_code"));
  }
}

int
main (int   argc,
      char *argv[])
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  ts = pz_test_server_start (NULL, TRUE);
  g_test_add_func ("/server/public/receipt-code-opens-page", test_receipt_code_opens_page);
  g_test_add_func ("/server/public/registration-numbers-show-nothing", test_registration_numbers_show_nothing);
  g_test_add_func ("/server/public/headers", test_headers);
  g_test_add_func ("/server/public/rate-limit", test_rate_limit);
  g_test_add_func ("/server/public/rate-limit-table", test_rate_limit_table);
  pz_test_add_func_sqlite ("/server/public/existing-files-get-a-code", test_existing_files_get_a_code);
  rc = g_test_run ();
  pz_test_server_free (ts);
  if (first)
    pz_test_server_free (first);
  return rc;
}
