/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the steps produce: the PDFs, their QR codes, the permit numbers, and
 * the public pages a citizen opens, over a real loopback socket. */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "pz-demo.h"
#include "pz-test-server.h"
#include "pz-test-esign.h"
#include "pz-test-tsa.h"

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

/* The text of a PDF with every run of white space made one space, so a
 * phrase reads the same wherever the layout breaks its lines. */
static char *
flat_text (GBytes *pdf)
{
  g_autofree char *text = pz_test_pdf_text (pdf);
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p; p++)
    {
      if (g_ascii_isspace (*p) || *p == '\f')
        {
          if (out->len && out->str[out->len - 1] != ' ')
            g_string_append_c (out, ' ');
        }
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

static void
assert_has (const char *text,
            const char *phrase)
{
  if (strstr (text, phrase) == NULL)
    g_error ("“%s” is not in the letter:\n%s", phrase, text);
}

static void
assert_null_phrase (const char *text,
                    const char *phrase)
{
  if (strstr (text, phrase))
    g_error ("“%s” should not be in the letter:\n%s", phrase, text);
}

/* @phrases appear in @text, each after the one before */
static void
assert_in_order (const char         *text,
                 const char * const *phrases)
{
  const char *at = text;

  for (guint i = 0; phrases[i]; i++)
    {
      const char *found = strstr (at, phrases[i]);

      if (found == NULL)
        g_error ("“%s” is not after “%s” in:\n%s", phrases[i], i ? phrases[i - 1] : "the start", text);
      at = found + strlen (phrases[i]);
    }
}

static gint64
version_of (gint64 id)
{
  g_autoptr(JsonObject) app = pz_test_get_application (ts, pz_test_login (ts, "kadis"), id);
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
  {
    /* the letterhead, and the documents in the order of the checklist */
    static const char * const head[] = { "PEMERINTAH KABUPATEN SUKAMAJU", "DINAS PENANAMAN MODAL DAN PELAYANAN "
                                         "TERPADU SATU PINTU", "Jl. Pemuda No. 1", "TANDA TERIMA", NULL };
    static const char * const checklist[] = { "1. KTP pemohon", "2. NPWP pemohon", "3. Sertifikat / bukti kepemilikan tanah",
                                              "4. Gambar teknis bangunan", "5. Perhitungan struktur",
                                              "6. Surat pernyataan bermeterai", NULL };
    g_autofree char *flat = flat_text (receipt);

    assert_in_order (flat, head);
    assert_in_order (flat, checklist);
  }

  pz_test_advance (ts, id);   /* the survey */
  bap = get_output (id, "bap");
  g_clear_pointer (&text, g_free);
  text = pz_test_pdf_text (bap);
  g_assert_nonnull (strstr (text, "BERITA ACARA PEMERIKSAAN"));
  g_assert_nonnull (strstr (text, "Sesuai"));                  /* the findings */
  g_assert_nonnull (strstr (text, "LAYAK"));
  {
    /* the formal record of the survey of Monday 5 January 2026, by the
     * surveyor with their NIP, signed by the applicant too */
    static const char * const record[] = {
      "PEMERINTAH KABUPATEN SUKAMAJU", "BERITA ACARA PEMERIKSAAN LAPANGAN",
      "Pada hari ini Senin tanggal lima bulan Januari tahun dua ribu dua puluh enam (5 Januari 2026), "
      "kami yang bertanda tangan di bawah ini:",
      "Nama : Ir. Bambang Sutrisno", "NIP : 198207102008011003", "telah melakukan pemeriksaan lapangan",
      "Hasil pemeriksaan lapangan:", "Sesuai", "LAYAK diterbitkan", "Pemohon / Kuasa,", NULL
    };
    g_autofree char *flat = flat_text (bap);
    g_autofree char *bap_qr = pz_test_pdf_qr (bap);

    assert_in_order (flat, record);
    assert_has (flat, "( Wahyu Pratama )");
    assert_has (flat, "Tim Teknis,");
    assert_has (flat, "Sukamaju, 5 Januari 2026");
    /* the same public page of the file as the receipt's */
    g_assert_cmpstr (bap_qr, ==, qr);
    g_assert_cmpstr (bap_qr, !=, "");
  }

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
  {
    /* a decree: its legal basis, its dictums, the signature and copies */
    static const char * const decree[] = {
      "PEMERINTAH KABUPATEN SUKAMAJU",
      "KEPUTUSAN KEPALA DINAS PENANAMAN MODAL DAN PELAYANAN TERPADU SATU PINTU KABUPATEN SUKAMAJU",
      "TENTANG PERSETUJUAN BANGUNAN GEDUNG",
      "Menimbang : a. bahwa setiap orang yang akan mendirikan", "b. bahwa permohonan yang diajukan",
      "Mengingat : 1. Undang-Undang Nomor 28 Tahun 2002 tentang Bangunan Gedung",
      "MEMUTUSKAN:", "Menetapkan : KEPUTUSAN KEPALA DINAS",
      "KESATU : Memberikan Persetujuan Bangunan Gedung kepada:", "Nama : Wahyu Pratama",
      "Luas tanah (m²) : 100",
      "KEDUA : Pemegang izin berkewajiban: 1. melaksanakan pembangunan sesuai dengan rencana teknis",
      "KETIGA : Persetujuan Bangunan Gedung ini berlaku selama tidak ada perubahan data",
      "KEEMPAT : Persetujuan ini dapat dicabut", "KELIMA : Keputusan ini mulai berlaku pada tanggal ditetapkan",
      "Ditetapkan di Sukamaju pada tanggal", "KEPALA DINAS PENANAMAN MODAL DAN PELAYANAN TERPADU SATU PINTU",
      "Dr. Ir. Rudi Hartono, M.T.", "NIP. 196908141994031005",
      "Tembusan:", "1. Bupati Sukamaju", NULL
    };
    g_autofree char *flat = flat_text (permit);
    g_autofree char *number = g_strdup_printf ("NOMOR: %s", json_object_get_string_member (app, "permit_number"));

    assert_in_order (flat, decree);
    assert_has (flat, number);
  }
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

/* how many pictures the PDF holds (pdfimages -list: two lines of heading) */
static guint
pdf_images (GBytes *pdf)
{
  g_autofree char *path = g_build_filename (workdir, "images.pdf", NULL);
  const char *argv[] = { "pdfimages", "-list", NULL, NULL };
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (pdf, NULL), (gssize) g_bytes_get_size (pdf), NULL));
  argv[2] = path;
  out = pz_test_run (argv);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 2; lines[0] && lines[1] && lines[i]; i++)
    if (*g_strstrip (lines[i]))
      n++;
  return n;
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

/* The signature's widget: its page, its /Rect and its appearance stream,
 * read by hand from the signed PDF. */
static void
signature_widget (GBytes *pdf,
                  double  rect[4],
                  char  **appearance)
{
  gsize len;
  const char *data = g_bytes_get_data (pdf, &len);
  const char *widget = memmem (data, len, "/Subtype /Widget /FT /Sig /Rect [", 33);
  const char *form, *stream, *end;
  char *next;

  g_assert_nonnull (widget);
  next = (char *) widget + 33;
  for (int i = 0; i < 4; i++)
    rect[i] = g_ascii_strtod (next, &next);
  form = memmem (widget, len - (gsize) (widget - data), "/Subtype /Form", 14);
  g_assert_nonnull (form);
  g_assert_true (form != NULL && memmem (form, 200, "/BaseFont /Helvetica /Encoding /WinAnsiEncoding", 47));
  stream = memmem (form, len - (gsize) (form - data), "stream\n", 7);
  g_assert_nonnull (stream);
  stream += 7;
  end = memmem (stream, len - (gsize) (stream - data), "endstream", 9);
  g_assert_nonnull (end);
  *appearance = g_strndup (stream, (gsize) (end - stream));
}

/* The text of page @page within the box @rect (PDF points, from the
 * lower left), as pdftotext reads it */
static char *
text_in (GBytes      *pdf,
         int          page,
         const double rect[4])
{
  g_autofree char *path = g_build_filename (workdir, "area.pdf", NULL);
  g_autofree char *p = g_strdup_printf ("%d", page);
  g_autofree char *x = g_strdup_printf ("%d", (int) rect[0]);
  g_autofree char *y = g_strdup_printf ("%d", (int) (842 - rect[3]));
  g_autofree char *w = g_strdup_printf ("%d", (int) (rect[2] - rect[0]) + 1);
  g_autofree char *h = g_strdup_printf ("%d", (int) (rect[3] - rect[1]) + 1);
  const char *argv[] = { "pdftotext", "-f", p, "-l", p, "-r", "72", "-x", x, "-y", y, "-W", w, "-H", h, path, "-",
                         NULL };

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (pdf, NULL), (gssize) g_bytes_get_size (pdf), NULL));
  return pz_test_run (argv);
}

/* 4 December 2026, 03.15 UTC: 10.15 WIB */
static gint64
signing_clock (void)
{
  return 1796354100;
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

  /* the checklist done by hand: the pas foto is a PNG, the rest scans */
  pz_test_drive_to (ts, id, "document_check");
  {
    const char *token = pz_test_login (ts, "front_office");
    g_autoptr(JsonObject) app = pz_test_get_application (ts, token, id);
    JsonArray *checklist = json_object_get_array_member (app, "checklist");
    g_autoptr(PzResponse) done = NULL;

    for (guint i = 0; i < json_array_get_length (checklist); i++)
      {
        const char *code = json_object_get_string_member (json_array_get_object_element (checklist, i), "requirement");
        g_autofree char *path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/documents/%s", id, code);
        g_autofree char *vpath = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/checklist/%s", id, code);
        gboolean photo = g_str_equal (code, "pas_foto");
        g_autoptr(GBytes) file = photo ? pz_test_png (300, 400) : pz_demo_scan_pdf (code, 1);
        g_autoptr(PzResponse) up = pz_test_request_full (ts, "PUT", path, token, photo ? "image/png" : "application/pdf",
                                                         file, NULL);
        g_autoptr(PzResponse) v = NULL;

        g_assert_cmpuint (up->status, ==, 201);
        v = pz_test_request (ts, "PUT", vpath, token, "{\"verdict\":\"ok\"}");
        g_assert_cmpuint (v->status, ==, 200);
      }
    done = pz_test_act (ts, token, id, "approve", version_of (id), NULL, NULL);
    g_assert_cmpuint (done->status, ==, 200);
  }
  pz_test_drive_to (ts, id, "signing");
  unsigned_permit = get_output (id, "permit");
  g_assert_cmpuint (pdf_images (unsigned_permit), ==, 1);   /* the holder's photo */
  report = pdfsig (unsigned_permit);
  g_assert_null (strstr (report, "Signature is Valid"));

  wrong = pz_test_act (ts, pz_test_login (ts, "kadis"), id, "approve", version_of (id), NULL,
                       "{\"passphrase\":\"salah\"}");
  g_assert_cmpuint (wrong->status, ==, 422);
  {
    g_autoptr(GBytes) still = get_output (id, "permit");
    g_assert_true (g_bytes_equal (still, unsigned_permit));
  }

  /* the signature is made at 10.15 in Jakarta, whenever the permit was
   * prepared for it */
  pz_engine_set_sign_clock (pz_test_server_get_engine (ts), signing_clock);
  pz_test_advance (ts, id);   /* the passphrase is "demo" */
  pz_engine_set_sign_clock (pz_test_server_get_engine (ts), NULL);
  signed_permit = get_output (id, "permit");
  /* the signature dictionary's time, in the office's zone */
  g_assert_nonnull (memmem (g_bytes_get_data (signed_permit, NULL), g_bytes_get_size (signed_permit),
                            "/M (D:20261204101500+07'00')", 28));
  g_clear_pointer (&report, g_free);
  report = pdfsig (signed_permit);
  g_assert_nonnull (strstr (report, "Signature is Valid"));
  g_assert_nonnull (strstr (report, "Rudi Hartono"));
  /* a visible signature in the box the letter left for it, on the page
   * of the signature block, and nothing else there */
  {
    double rect[4];
    g_autofree char *appearance = NULL;
    g_autofree char *area = NULL;
    g_auto(GStrv) lines = NULL;

    signature_widget (signed_permit, rect, &appearance);
    g_test_message ("signature box: [%.1f %.1f %.1f %.1f]", rect[0], rect[1], rect[2], rect[3]);
    /* the right column, above the foot of the page */
    g_assert_cmpfloat (rect[0], >, 275);
    g_assert_cmpfloat (rect[2], <=, 595 - 56);
    g_assert_cmpfloat (rect[3] - rect[1], >=, 40);
    g_assert_cmpfloat (rect[1], >, 100);
    g_assert_nonnull (strstr (appearance, "(Ditandatangani secara elektronik oleh) Tj"));
    g_assert_nonnull (strstr (appearance, "(Dr. Ir. Rudi Hartono, M.T. \\(Kepala Dinas\\)) Tj"));
    g_assert_nonnull (strstr (appearance, "(Sertifikat elektronik: DPMPTSP Kabupaten Sukamaju \\(demo\\)) Tj"));
    area = text_in (signed_permit, 2, rect);
    lines = g_strsplit (g_strstrip (area), "\n", -1);
    g_assert_cmpuint (g_strv_length (lines), ==, 4);
    g_assert_cmpstr (lines[0], ==, "Ditandatangani secara elektronik oleh");
    g_assert_cmpstr (lines[1], ==, "Dr. Ir. Rudi Hartono, M.T. (Kepala Dinas)");
    g_assert_cmpstr (lines[2], ==, "pada 4 Desember 2026 pukul 10.15 WIB");
    g_assert_cmpstr (lines[3], ==, "Sertifikat elektronik: DPMPTSP Kabupaten Sukamaju (demo)");
  }
  /* the signature covers all up to its validation data (PAdES B-LT) */
  {
    gsize len;
    const char *data = g_bytes_get_data (signed_permit, &len);
    const char *at = NULL;
    guint64 range[4];
    char *end;
    const char *tail;

    for (const char *p = data; (p = memmem (p, len - (gsize) (p - data), "/ByteRange [", 12)); p++)
      at = p;
    g_assert_nonnull (at);
    at += 12;
    for (int i = 0; i < 4; i++)
      {
        range[i] = g_ascii_strtoull (at, &end, 10);
        at = end;
      }
    g_assert_cmpuint (range[2] + range[3], <, len);
    tail = data + range[2] + range[3];
    g_assert_true (memcmp (tail - 6, "%%EOF\n", 6) == 0);
    g_assert_nonnull (memmem (tail, len - (gsize) (tail - data), "<< /Type /DSS /Certs [", 22));
    g_assert_null (memmem (tail, len - (gsize) (tail - data), "/ByteRange", 10));
  }
  text = pz_test_pdf_text (signed_permit);
  g_assert_nonnull (strstr (text, "Ditandatangani secara elektronik"));
  {
    g_autofree char *flat = flat_text (signed_permit);

    assert_has (flat, "Ditandatangani secara elektronik oleh");
    assert_has (flat, "Dr. Ir. Rudi Hartono, M.T. (Kepala Dinas)");
    /* the certificate authority: the demo key's issuer */
    assert_has (flat, "sertifikat elektronik yang diterbitkan oleh DPMPTSP Kabupaten Sukamaju (demo)");
    assert_has (flat, "TENTANG SURAT IZIN PRAKTIK DOKTER");
    assert_has (flat, "Menimbang : a. bahwa setiap dokter");
  }

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

/* With a timestamp authority, an authority that is down refuses the
 * signing with 503 and leaves the file where it was; once it answers,
 * the permit is signed with a timestamp (PAdES B-T). */
static void
test_timestamped_signature (void)
{
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree char *tsa_dir = g_build_filename (workdir, "tsa", NULL);
  g_autofree char *closed = pz_test_closed_url ();
  PzEngine *engine = pz_test_server_get_engine (ts);
  gint64 id = pz_test_register (ts, pz_test_login (ts, "front_office"), "SIP-DOKTER", "new");
  g_autoptr(GBytes) unsigned_permit = NULL;
  g_autoptr(GBytes) signed_permit = NULL;
  g_autoptr(PzResponse) down = NULL;
  g_autoptr(JsonObject) app = NULL;
  g_autofree char *report = NULL;
  gint64 version;
  PzTestTsa *tsa;

  if (openssl == NULL)
    {
      g_test_skip ("openssl is not installed (tools/install-deps.sh installs it)");
      return;
    }
  g_assert_cmpint (g_mkdir_with_parents (tsa_dir, 0700), ==, 0);
  tsa = pz_test_tsa_start (tsa_dir);
  g_assert_nonnull (tsa);
  pz_test_drive_to (ts, id, "signing");
  unsigned_permit = get_output (id, "permit");
  version = version_of (id);

  pz_engine_set_timestamp_authority (engine, closed, 2);
  down = pz_test_act (ts, pz_test_login (ts, "kadis"), id, "approve", version, NULL, "{\"passphrase\":\"demo\"}");
  g_assert_cmpuint (down->status, ==, 503);
  g_assert_cmpstr (pz_response_error_code (down), ==, "unavailable");
  {
    JsonObject *body = pz_response_object (down);
    const char *message = json_object_get_string_member (json_object_get_object_member (body, "error"), "message");

    g_assert_nonnull (strstr (message, "could not be timestamped"));
    g_assert_nonnull (strstr (message, "Nothing was signed"));
    g_assert_null (strstr (message, "demo\""));
  }
  /* an authority that stays down is no guess of the passphrase: the Kadis
   * who tries again and again is not locked out */
  for (guint i = 0; i < 8; i++)
    {
      g_autoptr(PzResponse) again = pz_test_act (ts, pz_test_login (ts, "kadis"), id, "approve", version, NULL,
                                                 "{\"passphrase\":\"demo\"}");
      g_assert_cmpuint (again->status, ==, 503);
    }
  app = pz_test_get_application (ts, pz_test_login (ts, "kadis"), id);
  g_assert_cmpstr (json_object_get_string_member (app, "step"), ==, "signing");
  g_assert_cmpint (json_object_get_int_member (app, "version"), ==, version);
  {
    g_autoptr(GBytes) still = get_output (id, "permit");
    g_assert_true (g_bytes_equal (still, unsigned_permit));
  }

  pz_engine_set_timestamp_authority (engine, pz_test_tsa_url (tsa), 5);
  pz_test_advance (ts, id);
  pz_engine_set_timestamp_authority (engine, NULL, 0);
  g_assert_cmpuint (pz_test_tsa_requests (tsa), ==, 1);
  signed_permit = get_output (id, "permit");
  report = pdfsig (signed_permit);
  g_assert_nonnull (strstr (report, "Signature is Valid"));
  g_assert_nonnull (strstr (report, "ETSI.CAdES.detached"));
  pz_test_tsa_stop (tsa);
}

/* The office signs through a BSrE Esign Client Service (the stand-in):
 * the Kadis' passphrase goes to it, a wrong one or a service that is down
 * leaves the file unsigned, and the right one gets the permit signed under
 * the service's CA. */
static void
test_remote_signature (void)
{
  g_autofree char *dir = g_build_filename (workdir, "esign", NULL);
  g_autofree char *closed = pz_test_closed_url ();
  PzEngine *engine = pz_test_server_get_engine (ts);
  gint64 id = pz_test_register (ts, pz_test_login (ts, "front_office"), "SIP-DOKTER", "new");
  g_autoptr(GBytes) unsigned_permit = NULL;
  g_autoptr(GBytes) signed_permit = NULL;
  g_autoptr(PzResponse) wrong = NULL;
  g_autoptr(PzResponse) down = NULL;
  g_autofree char *report = NULL;
  g_autofree char *right = g_strdup_printf ("{\"passphrase\":\"%s\"}", PZ_TEST_ESIGN_PASSPHRASE);
  gint64 version;
  PzTestEsign *esign;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  esign = pz_test_esign_start (dir);
  g_assert_nonnull (esign);
  pz_test_drive_to (ts, id, "signing");
  unsigned_permit = get_output (id, "permit");
  version = version_of (id);

  pz_engine_set_remote_signing (engine, pz_test_esign_url (esign), PZ_TEST_ESIGN_CLIENT, PZ_TEST_ESIGN_SECRET,
                                PZ_TEST_ESIGN_NIK, 5);
  wrong = pz_test_act (ts, pz_test_login (ts, "kadis"), id, "approve", version, NULL, "{\"passphrase\":\"demo\"}");
  g_assert_cmpuint (wrong->status, ==, 422);
  g_assert_null (strstr (g_bytes_get_data (wrong->body, NULL), "demo\""));

  pz_engine_set_remote_signing (engine, closed, PZ_TEST_ESIGN_CLIENT, PZ_TEST_ESIGN_SECRET, PZ_TEST_ESIGN_NIK, 5);
  down = pz_test_act (ts, pz_test_login (ts, "kadis"), id, "approve", version, NULL, right);
  g_assert_cmpuint (down->status, ==, 503);
  g_assert_cmpstr (pz_response_error_code (down), ==, "unavailable");
  g_assert_null (strstr (g_bytes_get_data (down->body, NULL), PZ_TEST_ESIGN_PASSPHRASE));
  g_assert_cmpint (version_of (id), ==, version);
  {
    g_autoptr(GBytes) still = get_output (id, "permit");
    g_assert_true (g_bytes_equal (still, unsigned_permit));
  }

  pz_engine_set_remote_signing (engine, pz_test_esign_url (esign), PZ_TEST_ESIGN_CLIENT, PZ_TEST_ESIGN_SECRET,
                                PZ_TEST_ESIGN_NIK, 5);
  {
    g_autoptr(PzResponse) done = pz_test_act (ts, pz_test_login (ts, "kadis"), id, "approve", version, NULL, right);
    g_assert_cmpuint (done->status, ==, 200);
  }
  pz_engine_set_remote_signing (engine, NULL, NULL, NULL, NULL, 0);
  signed_permit = get_output (id, "permit");
  report = pdfsig (signed_permit);
  g_assert_nonnull (strstr (report, "Signature is Valid"));
  g_assert_nonnull (strstr (report, "Dr. Rina Kusuma"));
  pz_test_esign_stop (esign);
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
  {
    /* the numbered permit to be signed on paper: dates the Indonesian way */
    g_autoptr(GBytes) numbered = get_output (id, "permit");
    g_autofree char *flat = flat_text (numbered);

    assert_has (flat, "Mulai tayang : 1 Desember 2026");
    assert_null_phrase (flat, "2026-12-01");
    assert_has (flat, "TENTANG IZIN REKLAME");
    assert_has (flat, "berlaku selama 12 (dua belas) bulan sejak tanggal ditetapkan, yaitu sampai dengan tanggal");
  }
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
  /* its public page says it carries no electronic signature */
  {
    g_autoptr(JsonObject) app = pz_test_get_application (ts, pz_test_login (ts, "kasi"), id);
    const char *verify = strstr (json_object_get_string_member (app, "verify_url"), "/verify/");
    g_autoptr(PzResponse) page = pz_test_get_public (ts, verify, "text/html");
    g_autoptr(PzResponse) json = pz_test_get_public (ts, verify, "application/json");
    g_autofree char *html = g_strndup (g_bytes_get_data (page->body, NULL), g_bytes_get_size (page->body));

    g_assert_cmpuint (page->status, ==, 200);
    g_assert_nonnull (strstr (html, "<td>Tanda tangan elektronik</td><td>tidak ada: izin ini ditandatangani di atas "
                              "kertas; bandingkan dokumen yang Anda pegang dengan dokumen asli di bawah</td>"));
    g_assert_null (strstr (html, "Ditandatangani oleh"));
    g_assert_null (strstr (html, "class=\"bad\""));
    g_assert_cmpuint (json->status, ==, 200);
    g_assert_true (json_node_is_null (json_object_get_member (pz_response_object (json), "signature")));
  }
}

/* The 21st working day after today, in the office's time zone: Monday to
 * Friday, without the holidays the office lists. */
static char *
expected_objection_deadline (void)
{
  static const char * const months[] = {
    "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
    "November", "Desember"
  };
  g_autoptr(PzResponse) r = pz_test_request (ts, "GET", "/api/v1/admin/holidays", pz_test_login (ts, "admin"), NULL);
  g_autoptr(GHashTable) holidays = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("+07:00");
  g_autoptr(GDateTime) day = g_date_time_new_now (tz);
  JsonArray *list;
  guint counted = 0;

  g_assert_cmpuint (r->status, ==, 200);
  list = json_node_get_array (r->json);
  for (guint i = 0; i < json_array_get_length (list); i++)
    g_hash_table_add (holidays, g_strdup (json_object_get_string_member (json_array_get_object_element (list, i), "date")));
  while (counted < 21)
    {
      GDateTime *next = g_date_time_add_days (day, 1);
      g_autofree char *iso = g_date_time_format (next, "%Y-%m-%d");

      g_date_time_unref (day);
      day = next;
      if (g_date_time_get_day_of_week (day) <= 5 && !g_hash_table_contains (holidays, iso))
        counted++;
    }
  return g_strdup_printf ("%d %s %d", g_date_time_get_day_of_month (day), months[g_date_time_get_month (day) - 1],
                          g_date_time_get_year (day));
}

static char *
refuse (const char *reason)
{
  gint64 id = pz_test_register (ts, pz_test_login (ts, "front_office"), "TOKO-MODERN", "new");
  g_autoptr(PzResponse) r = NULL;
  g_autoptr(GBytes) letter = NULL;

  pz_test_drive_to (ts, id, "kadis_decision");
  r = pz_test_act (ts, pz_test_login (ts, "kadis"), id, "refuse", version_of (id), reason, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  letter = get_output (id, "refusal");
  return flat_text (letter);
}

/* the refusal's number: 503/NNNN/TOLAK/DPMPTSP/YEAR */
static int
refusal_sequence (const char *text)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *pattern = g_strdup_printf ("Nomor : 503/([0-9]{4})/TOLAK/DPMPTSP/%d ", g_date_time_get_year (now));
  g_autoptr(GRegex) regex = g_regex_new (pattern, 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *seq = NULL;

  if (!g_regex_match (regex, text, 0, &match))
    g_error ("no refusal number in:\n%s", text);
  seq = g_match_info_fetch (match, 1);
  return atoi (seq);
}

static void
test_refusal_letter (void)
{
  g_autofree char *text = refuse ("Jarak dengan pasar tradisional kurang dari 500 meter.");
  g_autofree char *second = refuse ("Rencana kemitraan dengan UMKM tidak ada.");
  g_autofree char *deadline = expected_objection_deadline ();
  g_autofree char *objection = g_strdup_printf ("berhak mengajukan keberatan secara tertulis kepada Kepala Dinas "
                                                "Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kabupaten Sukamaju "
                                                "paling lambat 21 (dua puluh satu) hari kerja sejak tanggal surat ini, "
                                                "yaitu tanggal %s", deadline);
  static const char * const letter[] = {
    "PEMERINTAH KABUPATEN SUKAMAJU", "Sukamaju, ", "Nomor : 503/", "Kepada", "Yth. Sdr. Wahyu Pratama",
    "Perihal : Penolakan Permohonan Izin",
    "dengan ini kami sampaikan bahwa permohonan tersebut tidak dapat dikabulkan dengan alasan sebagai berikut:",
    "Jarak dengan pasar tradisional kurang dari 500 meter.", "berhak mengajukan keberatan",
    "KEPALA DINAS PENANAMAN MODAL", "Dr. Ir. Rudi Hartono, M.T.", "NIP. 196908141994031005", NULL
  };

  assert_in_order (text, letter);
  assert_has (text, objection);
  /* its own counter: the next refusal has the next number */
  g_assert_cmpint (refusal_sequence (second), ==, refusal_sequence (text) + 1);
}

/* The administrator writes a type's decree with the PUT of the permit
 * type: bad words are refused and change nothing, good ones are printed. */
static void
test_decree_edit (void)
{
  static const char *head =
    "{\"name\":\"Izin Uji Coba\",\"request_types\":[\"new\"],\"requirements\":[{\"code\":\"ktp\",\"title\":\"KTP\"}],"
    "\"fields\":[{\"name\":\"nama_usaha\",\"label\":\"Nama usaha\",\"type\":\"text\"},"
    "{\"name\":\"alamat_usaha\",\"label\":\"Alamat usaha\",\"type\":\"text\"},"
    "{\"name\":\"luas_lantai\",\"label\":\"Luas lantai\",\"type\":\"number\"},"
    "{\"name\":\"jam_operasional\",\"label\":\"Jam buka\",\"type\":\"text\"}],"
    "\"survey\":false,\"signing\":\"wet\",\"number_format\":\"UJI/{seq:03}/{year}\",\"validity_months\":6,";
  const char *admin = pz_test_login (ts, "admin");
  g_autofree char *bad = g_strconcat (head, "\"decree\":{\"considering\":[],\"observing\":[\"Peraturan Uji;\"]}}", NULL);
  g_autofree char *good = g_strconcat (head, "\"decree\":{\"considering\":[\"bahwa uji coba perlu diatur;\"],"
                                       "\"observing\":[\"Peraturan Uji Nomor 1 Tahun 2026;\"],"
                                       "\"obligations\":[\"menaati ketentuan uji coba;\"],"
                                       "\"provisions\":[\"Keputusan ini mulai berlaku pada tanggal ditetapkan.\"]}}", NULL);
  g_autoptr(PzResponse) refused = pz_test_request (ts, "PUT", "/api/v1/admin/permit-types/IZIN-UJI", admin, bad);
  g_autoptr(PzResponse) types = pz_test_request (ts, "GET", "/api/v1/permit-types", admin, NULL);
  g_autoptr(PzResponse) created = NULL;
  g_autoptr(GBytes) permit = NULL;
  g_autofree char *flat = NULL;
  g_autofree char *listed = NULL;
  JsonObject *decree;
  gint64 id;

  g_assert_cmpuint (refused->status, ==, 422);
  g_assert_cmpstr (pz_response_error_code (refused), ==, "invalid");
  listed = json_to_string (types->json, FALSE);
  g_assert_null (strstr (listed, "IZIN-UJI"));

  created = pz_test_request (ts, "PUT", "/api/v1/admin/permit-types/IZIN-UJI", admin, good);
  g_assert_cmpuint (created->status, ==, 201);
  decree = json_object_get_object_member (pz_response_object (created), "decree");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (decree, "considering"), 0), ==,
                   "bahwa uji coba perlu diatur;");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (decree, "copies")), ==, 0);

  id = pz_test_register (ts, pz_test_login (ts, "front_office"), "IZIN-UJI", "new");
  pz_test_drive_to (ts, id, "signing");
  permit = get_output (id, "permit");
  flat = flat_text (permit);
  {
    static const char * const words[] = {
      "TENTANG IZIN UJI COBA", "Menimbang : a. bahwa uji coba perlu diatur;",
      "Mengingat : 1. Peraturan Uji Nomor 1 Tahun 2026;", "MEMUTUSKAN:",
      "KESATU : Memberikan Izin Uji Coba kepada:", "KEDUA : Pemegang izin berkewajiban: 1. menaati ketentuan uji coba;",
      "KETIGA : Izin Uji Coba ini berlaku selama 6 (enam) bulan", "KEEMPAT : Keputusan ini mulai berlaku", NULL
    };
    assert_in_order (flat, words);
  }
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
  gint64 id;
  gint64 version;
  char  *token;
  guint  status;
  char  *number;
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
  g_test_add_func ("/server/outputs/timestamped-signature", test_timestamped_signature);
  g_test_add_func ("/server/outputs/remote-signature", test_remote_signature);
  g_test_add_func ("/server/outputs/wet-signature", test_wet_signature_permit);
  g_test_add_func ("/server/outputs/refusal", test_refusal_letter);
  g_test_add_func ("/server/outputs/decree-edit", test_decree_edit);
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
