/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The office's oversight from the desktop: late files, the reports (also in
 * the dark style), administration. */
#include "config.h"

#include <adwaita.h>
#include <poppler.h>
#include <sqlite3.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "pz-admin.h"
#include "pz-api.h"
#include "pz-report-view.h"
#include "pz-sign.h"
#include "pz-test-server.h"
#include "pz-test-desktop.h"
#include "pz-demo.h"
#include "pz-document-view.h"
#include "pz-file-item.h"
#include "pz-window.h"

static gboolean
late_alerted (PzWindow *win,
              gpointer  data)
{
  return pz_window_get_late_alerts (win) > GPOINTER_TO_UINT (data);
}

/* A file over its step's standard: the Kasi (superior of the front
 * office) is told once, and finds it under Late Files. */
static void
test_late_files (void)
{
  PzWindow *win = new_window ();
  gint64 id = pz_test_register (ts, pz_test_login (ts, "front_office"), "PBG", "new");
  g_autofree char *db_path = g_build_filename (pz_test_server_get_dir (ts), "perizinan.db", NULL);
  sqlite3 *db = NULL;
  char *sql;
  guint before;

  log_in (win, "kasi");
  wait_for (win, events_up, NULL, "the event stream");
  /* the registration's standard ran out a minute ago */
  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  sql = sqlite3_mprintf ("UPDATE applications SET due_at = %lld WHERE id = %lld",
                         (long long) (g_get_real_time () / G_USEC_PER_SEC - 60), (long long) id);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_free (sql);
  sqlite3_close (db);

  before = pz_window_get_late_alerts (win);
  /* the server's own look (every second for these tests) tells of it */
  wait_for (win, late_alerted, GUINT_TO_POINTER (before), "the late-file alert");
  before = pz_window_get_late_alerts (win);

  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (pz_window_get_late_button (win)), TRUE);
  wait_for (win, inbox_has, &id, "the late file in the list");
  {
    g_autoptr(PzResponse) r = pz_test_request (ts, "GET", "/api/v1/late-files", pz_test_login (ts, "kasi"), NULL);
    g_assert_cmpuint (g_list_model_get_n_items (pz_window_get_inbox (win)), ==,
                      json_object_get_int_member (pz_response_object (r), "total"));
  }
  save_screenshot (GTK_WIDGET (win), "late-files");
  /* looked at again, by the server too: nobody is told twice */
  for (gint64 until = g_get_monotonic_time () + 3 * G_USEC_PER_SEC / 2; g_get_monotonic_time () < until;)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (pz_window_get_late_alerts (win), ==, before);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (pz_window_get_late_button (win)), FALSE);
  gtk_window_destroy (GTK_WINDOW (win));
}

/* WCAG's relative luminance of a pixel as GDK downloads it: B, G, R. */
static double
luminance (const guchar *p)
{
  double c[3];

  for (int i = 0; i < 3; i++)
    {
      double v = p[2 - i] / 255.0;
      c[i] = v <= 0.03928 ? v / 12.92 : pow ((v + 0.055) / 1.055, 2.4);
    }
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}

/* The contrast of a chart's ink against what is behind it: the colour
 * most of the chart's pixels have is the background, the ink the pixel
 * that stands out most from it. */
static double
chart_contrast (PzWindow *win)
{
  GtkWidget *area = find_widget (pz_window_get_report_view (win), GTK_TYPE_DRAWING_AREA, NULL);
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GHashTable) counts = g_hash_table_new (NULL, NULL);
  graphene_rect_t bounds;
  int width, height, stride;
  g_autofree guchar *pixels = NULL;
  guint32 background = 0;
  guint best = 0;
  double bg_l, ink = 1.0;

  g_assert_nonnull (area);
  texture = render_widget (GTK_WIDGET (win));
  width = gdk_texture_get_width (texture);
  height = gdk_texture_get_height (texture);
  stride = width * 4;
  pixels = g_malloc ((gsize) stride * height);
  gdk_texture_download (texture, pixels, stride);
  g_assert_true (gtk_widget_compute_bounds (area, GTK_WIDGET (win), &bounds));
  for (int y = MAX (0, (int) bounds.origin.y); y < MIN (height, (int) (bounds.origin.y + bounds.size.height)); y++)
    for (int x = MAX (0, (int) bounds.origin.x); x < MIN (width, (int) (bounds.origin.x + bounds.size.width)); x++)
      {
        guint32 key = *(guint32 *) (pixels + y * stride + x * 4) & 0x00ffffff;
        guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, GUINT_TO_POINTER (key))) + 1;

        g_hash_table_insert (counts, GUINT_TO_POINTER (key), GUINT_TO_POINTER (n));
        if (n > best)
          {
            best = n;
            background = key;
          }
      }
  g_assert_cmpuint (best, >, 0);
  bg_l = luminance ((const guchar *) &background);
  {
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, counts);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      {
        guint32 color = GPOINTER_TO_UINT (key);
        double l = luminance ((const guchar *) &color);
        double ratio = (MAX (l, bg_l) + 0.05) / (MIN (l, bg_l) + 0.05);

        ink = MAX (ink, ratio);
      }
  }
  return ink;
}

/* The office of the CSV check: the demo office's people and permit types,
 * and two files of Surat Izin Praktik Dokter on Wednesday 4 March 2026,
 * within office hours: the first through every step in ten minutes a step
 * and issued, the second in twenty minutes a step and refused by the Kadis. */

static gint64
wib (int year, int month, int day, int hour, int minute)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("+07:00");
  g_autoptr(GDateTime) dt = g_date_time_new (tz, year, month, day, hour, minute, 0);

  return g_date_time_to_unix (dt);
}

static gint64
register_doctor (PzEngine   *engine,
                 const char *name,
                 gint64      when)
{
  g_autoptr(PzUser) front = pz_store_find_user (pz_engine_get_store (engine), PZ_STORE_FIRST_OFFICE, "front_office");
  g_autoptr(JsonObject) body = json_object_new ();
  JsonObject *applicant = json_object_new ();
  JsonObject *data = json_object_new ();
  g_autoptr(GPtrArray) details = pz_details_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PzApplication) file = NULL;

  json_object_set_string_member (body, "permit_type", "SIP-DOKTER");
  json_object_set_string_member (body, "request_type", "new");
  json_object_set_string_member (applicant, "name", name);
  json_object_set_string_member (applicant, "nik", "3201014507900002");
  json_object_set_string_member (applicant, "address", "Jl. Melati No. 17, Sukamaju");
  json_object_set_string_member (applicant, "phone", "081234567890");
  json_object_set_object_member (body, "applicant", applicant);
  json_object_set_string_member (data, "nomor_str", "3121100219987654");
  json_object_set_string_member (data, "tempat_praktik", "RSUD Sukamaju");
  json_object_set_string_member (data, "alamat_praktik", "Jl. Rumah Sakit No. 1, Sukamaju");
  json_object_set_object_member (body, "data", data);
  file = pz_engine_register (engine, front, body, when, details, &error);
  if (file == NULL)
    g_error ("registration: %s", error ? error->message : "refused");
  return file->id;
}

/* Takes the file through @steps steps, @minutes office minutes each from
 * @start; the last one is @last. */
static void
drive_file (PzEngine   *engine,
            gint64      id,
            gint64      start,
            guint       minutes,
            guint       steps,
            const char *last)
{
  for (guint i = 1; i <= steps; i++)
    {
      g_autoptr(GError) error = NULL;
      const char *action = i == steps ? last : "approve";

      if (!pz_demo_take_step (engine, id, action, start + (gint64) i * minutes * 60, &error))
        g_error ("%s at step %u: %s", action, i, error->message);
    }
}

static char *
make_known_office (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("pz-report-office-XXXXXX", &error);
  PzEngine *engine;

  g_assert_no_error (error);
  engine = pz_engine_new (dir, NULL, "+07:00", &error);
  g_assert_no_error (error);
  {
    g_autofree char *key = g_build_filename (dir, "signing.p12", NULL);
    pz_engine_set_signing_key (engine, key);
  }
  g_assert_true (pz_demo_create_office (engine, &error));
  g_assert_no_error (error);
  /* registration, document check, data entry, the four reviews, numbering,
   * signing, hand-over: issued at 10:40 */
  drive_file (engine, register_doctor (engine, "dr. Anisa Putri", wib (2026, 3, 4, 9, 0)),
              wib (2026, 3, 4, 9, 0), 10, 10, "approve");
  /* refused at the Kadis's decision, the seventh step, at 13:20 */
  drive_file (engine, register_doctor (engine, "dr. Rina Wulandari", wib (2026, 3, 4, 11, 0)),
              wib (2026, 3, 4, 11, 0), 20, 7, "refuse");
  pz_engine_free (engine);
  return dir;
}

static void
login_done (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (pz_api_login_finish (PZ_CLIENT (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) data = TRUE;
}

/* what a spreadsheet needs to read UTF-8 */
#define BOM "\xef\xbb\xbf"

/* Each table of the report of March 2026, saved as CSV, byte for byte. */
static void
check_known_csv (void)
{
  static const struct {
    const char *table;
    const char *csv;
  } expected[] = {
    { "volume",
      BOM "Month,Permit type,Received,Issued,Refused,Still open\r\n"
      "2026-03,Surat Izin Praktik Dokter,2,1,1,0\r\n" },
    /* each step: ten minutes for the first file, twenty for the second */
    { "steps",
      BOM "Step,Stays,Median (min),90th percentile (min),Standard (min),Within standard,Slowest file\r\n"
      "Registration,2,15.0,20.0,30.0,100%,REG-2026-000002\r\n"
      "Document check,2,15.0,20.0,15.0,50%,REG-2026-000002\r\n"
      "Data entry,2,15.0,20.0,15.0,50%,REG-2026-000002\r\n"
      "Verification by the section head,2,15.0,20.0,5.0,0%,REG-2026-000002\r\n"
      "Verification by the division head,2,15.0,20.0,5.0,0%,REG-2026-000002\r\n"
      "Verification by the secretary,2,15.0,20.0,5.0,0%,REG-2026-000002\r\n"
      "Decision by the head of office,2,15.0,20.0,5.0,0%,REG-2026-000002\r\n"
      "Numbering and printing,1,10.0,10.0,5.0,0%,REG-2026-000001\r\n"
      "Signing by the head of office,1,10.0,10.0,5.0,0%,REG-2026-000001\r\n"
      "Hand-over to the applicant,1,10.0,10.0,5.0,0%,REG-2026-000001\r\n" },
    { "officers",
      BOM "Officer,Step,Stays,Median (min),90th percentile (min),Standard (min),Within standard\r\n"
      "Siti Rahmawati,Registration,2,15.0,20.0,30.0,100%\r\n"
      "Siti Rahmawati,Document check,2,15.0,20.0,15.0,50%\r\n"
      "Siti Rahmawati,Hand-over to the applicant,1,10.0,10.0,5.0,0%\r\n"
      "\"Dewi Lestari, A.Md.\",Data entry,2,15.0,20.0,15.0,50%\r\n"
      "\"Dewi Lestari, A.Md.\",Numbering and printing,1,10.0,10.0,5.0,0%\r\n"
      "\"Agus Hermawan, S.T.\",Verification by the section head,2,15.0,20.0,5.0,0%\r\n"
      "\"Dra. Nur Aini, M.Si.\",Verification by the division head,2,15.0,20.0,5.0,0%\r\n"
      "\"Drs. Hendra Gunawan, M.M.\",Verification by the secretary,2,15.0,20.0,5.0,0%\r\n"
      "\"Dr. Ir. Rudi Hartono, M.T.\",Decision by the head of office,2,15.0,20.0,5.0,0%\r\n"
      "\"Dr. Ir. Rudi Hartono, M.T.\",Signing by the head of office,1,10.0,10.0,5.0,0%\r\n" },
    /* both files are closed: no step of the workflow has one waiting */
    { "waiting",
      BOM "Step,Files,Overdue,Oldest (hours)\r\n"
      "Registration,0,0,0.0\r\n"
      "Document check,0,0,0.0\r\n"
      "Waiting for the applicant,0,0,0.0\r\n"
      "Technical survey,0,0,0.0\r\n"
      "Data entry,0,0,0.0\r\n"
      "Verification by the section head,0,0,0.0\r\n"
      "Verification by the division head,0,0,0.0\r\n"
      "Verification by the secretary,0,0,0.0\r\n"
      "Decision by the head of office,0,0,0.0\r\n"
      "Numbering and printing,0,0,0.0\r\n"
      "Signing by the head of office,0,0,0.0\r\n"
      "Hand-over to the applicant,0,0,0.0\r\n" },
    /* from complete documents to the decision: 8 × 600 s and 5 × 1 200 s,
     * the median 5 400 s of a 30 600 s working day */
    { "service",
      BOM "Decided,Within service standard,Median (working days)\r\n"
      "2,100%,0.18\r\n" },
    /* no applicant answered the survey */
    { "satisfaction",
      BOM "Element,Mean (1–4),Index\r\n"
      "Requirements,0.00,0.00\r\n"
      "Procedure,0.00,0.00\r\n"
      "Service time,0.00,0.00\r\n"
      "Cost,0.00,0.00\r\n"
      "Product,0.00,0.00\r\n"
      "Staff competence,0.00,0.00\r\n"
      "Staff behaviour,0.00,0.00\r\n"
      "Complaints handling,0.00,0.00\r\n"
      "Facilities,0.00,0.00\r\n" },
  };
  g_autofree char *office = make_known_office ();
  PzTestServer *known = pz_test_server_start (office, FALSE);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", pz_test_server_get_port (known));
  g_autoptr(PzClient) client = pz_client_new (url);
  g_autofree char *dir = g_dir_make_tmp ("pz-report-csv-XXXXXX", NULL);
  GtkWidget *view;
  gboolean logged_in = FALSE;

  pz_api_login_async (client, "kasi", "demo", NULL, login_done, &logged_in);
  while (!logged_in)
    g_main_context_iteration (NULL, TRUE);
  view = g_object_ref_sink (pz_report_view_new (client));
  pz_report_view_load (PZ_REPORT_VIEW (view), "2026-03-01", "2026-03-31");
  while (pz_report_view_is_busy (PZ_REPORT_VIEW (view)))
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (pz_report_view_get_report (PZ_REPORT_VIEW (view)));

  /* every table */
  g_assert_cmpuint (G_N_ELEMENTS (expected), ==, g_strv_length ((char **) pz_report_tables));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autofree char *name = g_strdup_printf ("%s.csv", expected[i].table);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;
      gsize len;

      g_assert_true (g_strv_contains (pz_report_tables, expected[i].table));
      g_assert_true (pz_report_view_export_csv (PZ_REPORT_VIEW (view), expected[i].table, file, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_get_contents (path, &text, &len, NULL));
      g_assert_cmpstr (text, ==, expected[i].csv);
      g_assert_cmpuint (len, ==, strlen (expected[i].csv));
      g_unlink (path);
    }
  g_rmdir (dir);
  g_object_unref (view);
  pz_test_server_free (known);
  {
    g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", office);
    g_assert_true (g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL));
  }
}

/* The Kasi opens the reports: the charts and tables of the server's
 * report; every table saved as CSV reads back the same; the whole report
 * saved as PDF opens and has every section; the tables of a known office,
 * saved as CSV, are the bytes expected. */
static void
test_reports (void)
{
  PzWindow *win = new_window ();
  PzReportView *view;
  g_autofree char *dir = g_dir_make_tmp ("pz-report-XXXXXX", NULL);
  g_autofree char *pdf_path = g_build_filename (dir, "report.pdf", NULL);
  g_autoptr(GFile) pdf = g_file_new_for_path (pdf_path);
  g_autoptr(GError) error = NULL;
  GtkWidget *button;

  log_in (win, "kasi");
  button = find_widget (GTK_WIDGET (win), GTK_TYPE_TOGGLE_BUTTON, NULL);
  g_assert_nonnull (button);
  view = PZ_REPORT_VIEW (pz_window_get_report_view (win));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), TRUE);
  {
    GtkWidget *reports = NULL;

    /* the header's toggle buttons: the one that opens the reports */
    for (GtkWidget *w = button; w; w = gtk_widget_get_next_sibling (w))
      if (GTK_IS_TOGGLE_BUTTON (w) && g_strcmp0 (gtk_widget_get_tooltip_text (w), "Reports") == 0)
        reports = w;
    if (reports == NULL)
      for (GtkWidget *w = button; w; w = gtk_widget_get_prev_sibling (w))
        if (GTK_IS_TOGGLE_BUTTON (w) && g_strcmp0 (gtk_widget_get_tooltip_text (w), "Reports") == 0)
          reports = w;
    g_assert_nonnull (reports);
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (reports), TRUE);
  }
  wait_for (win, report_shown, NULL, "the report");
  save_screenshot (GTK_WIDGET (win), "reports");
  g_assert_cmpfloat (chart_contrast (win), >=, 4.5);
  /* the charts take their ink from the style: readable in the dark one too */
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  save_screenshot (GTK_WIDGET (win), "reports-dark");
  {
    double dark = chart_contrast (win);

    g_test_message ("chart ink against its background in the dark style: %.1f:1", dark);
    g_assert_cmpfloat (dark, >=, 4.5);
  }
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);

  /* what the page shows is the server's report */
  {
    g_autoptr(PzResponse) r = pz_test_request (ts, "GET", "/api/v1/reports", pz_test_login (ts, "kasi"), NULL);
    JsonArray *waiting = json_object_get_array_member (pz_response_object (r), "waiting");
    g_autoptr(GPtrArray) rows = pz_report_view_get_table (view, "waiting");

    g_assert_cmpuint (rows->len, ==, json_array_get_length (waiting) + 1);
    for (guint i = 0; i < json_array_get_length (waiting); i++)
      {
        char **row = g_ptr_array_index (rows, i + 1);
        g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                  json_object_get_int_member (json_array_get_object_element (waiting, i),
                                                                              "count"));
        g_assert_cmpstr (row[1], ==, count);
      }
  }

  for (guint t = 0; pz_report_tables[t]; t++)
    {
      g_autofree char *name = g_strdup_printf ("%s.csv", pz_report_tables[t]);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(GPtrArray) rows = pz_report_view_get_table (view, pz_report_tables[t]);
      g_autoptr(GPtrArray) back = NULL;
      g_autofree char *text = NULL;
      gsize len;

      g_assert_true (pz_report_view_export_csv (view, pz_report_tables[t], file, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_get_contents (path, &text, &len, NULL));
      back = pz_csv_parse (text, len, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (back->len, ==, rows->len);
      for (guint r = 0; r < rows->len; r++)
        g_assert_true (g_strv_equal (g_ptr_array_index (rows, r), g_ptr_array_index (back, r)));
      g_unlink (path);
    }

  g_assert_true (pz_report_view_export_pdf (view, pdf, &error));
  g_assert_no_error (error);
  {
    g_autofree char *uri = g_file_get_uri (pdf);
    PopplerDocument *doc = poppler_document_new_from_file (uri, NULL, &error);
    GString *all = g_string_new (NULL);

    g_assert_no_error (error);
    g_assert_cmpint (poppler_document_get_n_pages (doc), >=, 1);
    for (int i = 0; i < poppler_document_get_n_pages (doc); i++)
      {
        PopplerPage *page = poppler_document_get_page (doc, i);
        g_autofree char *text = poppler_page_get_text (page);

        g_string_append (all, text);
        g_object_unref (page);
      }
    for (guint t = 0; pz_report_tables[t]; t++)
      g_assert_nonnull (strstr (all->str, t == 0 ? "Files per Month" : t == 1 ? "Time per Step" : t == 2 ? "Time per Officer"
                                          : t == 3 ? "Where Files Wait" : t == 4 ? "Service Standard" : "Satisfaction"));
    g_string_free (all, TRUE);
    g_object_unref (doc);
  }
  {
    /* kept beside the screenshots, to look at */
    g_autofree char *keep = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".",
                                              "screenshots", "report.pdf", NULL);
    g_autoptr(GFile) copy = g_file_new_for_path (keep);
    g_file_copy (pdf, copy, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, NULL);
  }
  g_unlink (pdf_path);
  g_rmdir (dir);
  gtk_window_destroy (GTK_WINDOW (win));

  check_known_csv ();
}

static gboolean
server_has_user (const char *username)
{
  g_autoptr(PzResponse) r = pz_test_request (ts, "GET", "/api/v1/admin/users", pz_test_login (ts, "admin"), NULL);
  JsonArray *users = json_node_get_array (r->json);

  for (guint i = 0; i < json_array_get_length (users); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (users, i), "username"), username))
      return TRUE;
  return FALSE;
}

/* The administrator works in the administration pages: adds a user with
* a role, a day off, changes the office profile, sees the certificate
* warning, the permit types and the audit log; the server has it all. */
static void
test_administration (void)
{
  PzWindow *win = new_window ();
  PzAdminView *admin;
  GtkWidget *dialog;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *next_year_day = g_strdup_printf ("%d-03-17", g_date_time_get_year (now) + 1);
  g_autofree char *holidays_path = g_strdup_printf ("/api/v1/admin/holidays?year=%d", g_date_time_get_year (now) + 1);

  /* a certificate with 10 days left, with the passphrase the demo uses */
  {
    g_autofree char *dir = g_dir_make_tmp ("pz-admin-XXXXXX", NULL);
    g_autofree char *path = g_build_filename (dir, "short.p12", NULL);
    g_autofree char *contents = NULL;
    g_autofree char *encoded = NULL;
    g_autofree char *body = NULL;
    gsize len;
    g_autoptr(PzResponse) r = NULL;

    g_assert_true (pz_sign_create_identity (path, "demo", "Dr. Ir. Rudi Hartono, M.T.", "DPMPTSP Sukamaju", 10, NULL));
    g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
    encoded = g_base64_encode ((const guchar *) contents, len);
    body = g_strdup_printf ("{\"pkcs12\":\"%s\",\"passphrase\":\"demo\",\"current_passphrase\":\"demo\"}", encoded);
    r = pz_test_request (ts, "PUT", "/api/v1/admin/office/signing-certificate", pz_test_login (ts, "admin"), body);
    g_assert_cmpuint (r->status, ==, 200);
    g_unlink (path);
    g_rmdir (dir);
  }

  {
    GtkWidget *user = find_widget (GTK_WIDGET (win), ADW_TYPE_ENTRY_ROW, "Username");
    GtkWidget *pass = find_widget (GTK_WIDGET (win), ADW_TYPE_PASSWORD_ENTRY_ROW, "Password");

    gtk_editable_set_text (GTK_EDITABLE (user), "admin");
    gtk_editable_set_text (GTK_EDITABLE (pass), "demo");
    gtk_widget_activate_action (GTK_WIDGET (win), "win.login", NULL);
    wait_for (win, admin_idle, NULL, "the administration");
  }
  admin = PZ_ADMIN_VIEW (pz_window_get_admin_view (win));
  g_assert_nonnull (pz_admin_view_get_users (admin));
  g_assert_cmpuint (json_array_get_length (pz_admin_view_get_users (admin)), >=, 8);
  save_screenshot (GTK_WIDGET (win), "admin-users");

  /* a new officer */
  click (GTK_WIDGET (win), "_Add User…");
  wait_for (win, dialog_window_shown, NULL, "the new-user dialog");
  dialog = open_dialog_window ();
  type_into (dialog, "Username", "wulan");
  type_into (dialog, "Full Name", "Wulan Sari, S.Sos.");
  {
    GtkWidget *pw = find_widget (dialog, ADW_TYPE_PASSWORD_ENTRY_ROW, "First Password");
    GtkWidget *row = find_widget (dialog, ADW_TYPE_ACTION_ROW, "Front office");

    gtk_editable_set_text (GTK_EDITABLE (pw), "sementara-wulan");
    g_assert_nonnull (row);
    adw_action_row_activate (ADW_ACTION_ROW (row));
  }
  save_screenshot (dialog, "admin-new-user");
  click (dialog, "_Create");
  wait_for (win, dialog_window_gone, NULL, "the dialog to close");
  g_assert_true (server_has_user ("wulan"));

  /* a day off next year */
  pz_admin_view_show_page (admin, "calendar");
  type_into (GTK_WIDGET (win), "Date (YYYY-MM-DD)", next_year_day);
  type_into (GTK_WIDGET (win), "Name", "Hari Jadi Kabupaten");
  click (GTK_WIDGET (win), "_Add Day Off");
  wait_for (win, admin_idle, NULL, "the day off");
  {
    g_autoptr(PzResponse) r = pz_test_request (ts, "GET", holidays_path, pz_test_login (ts, "admin"), NULL);
    g_assert_nonnull (strstr ((const char *) g_bytes_get_data (r->body, NULL), "Hari Jadi Kabupaten"));
  }
  save_screenshot (GTK_WIDGET (win), "admin-calendar");

  /* the office profile, and the certificate's warning */
  pz_admin_view_show_page (admin, "office");
  wait_for (win, admin_idle, NULL, "the office page");
  g_assert_true (gtk_widget_get_visible (pz_admin_view_get_certificate_warning (admin)));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (pz_admin_view_get_certificate_warning (admin))), "days"));
  type_into (GTK_WIDGET (win), "City", "Sukamaju Baru");
  click (GTK_WIDGET (win), "_Save Profile");
  wait_for (win, admin_idle, NULL, "the profile to be saved");
  {
    g_autoptr(JsonObject) office = server_get ("/api/v1/admin/office");
    g_assert_cmpstr (json_object_get_string_member (office, "city"), ==, "Sukamaju Baru");
  }
  save_screenshot (GTK_WIDGET (win), "admin-office");

  /* a public address only this machine can reach makes every QR code
   * useless, and the page says so; empty falls back to the configured
   * address, a public one on this server */
  {
    GtkWidget *warning = find_label_any (GTK_WIDGET (win), "Every QR code would point at");

    g_assert_nonnull (warning);
    type_into (GTK_WIDGET (win), "Public Address (for QR codes)", "http://localhost:8080");
    g_assert_true (gtk_widget_get_visible (warning));
    type_into (GTK_WIDGET (win), "Public Address (for QR codes)", "https://izin.sukamajukab.go.id");
    g_assert_false (gtk_widget_get_visible (warning));
    type_into (GTK_WIDGET (win), "Public Address (for QR codes)", "http://127.0.0.1:8080/");
    g_assert_true (gtk_widget_get_visible (warning));
    type_into (GTK_WIDGET (win), "Public Address (for QR codes)", "");
    g_assert_false (gtk_widget_get_visible (warning));
  }

  pz_admin_view_show_page (admin, "types");
  wait_for (win, admin_idle, NULL, "the permit types");
  save_screenshot (GTK_WIDGET (win), "admin-types");
  {
    GtkWidget *row = find_widget (GTK_WIDGET (win), ADW_TYPE_ACTION_ROW, "Persetujuan Bangunan Gedung");

    g_assert_nonnull (row);
    g_signal_emit_by_name (row, "activated");
    wait_for (win, dialog_window_shown, NULL, "the permit type dialog");
    save_screenshot (open_dialog_window (), "admin-permit-type");

    /* the next number, previewed live as the format is typed */
    {
      static const char *roman[] = { "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII" };
      g_autoptr(PzResponse) r = pz_test_request (ts, "GET", "/api/v1/applications?limit=500",
                                                 pz_test_login (ts, "kadis"), NULL);
      JsonArray *items = json_object_get_array_member (json_node_get_object (r->json), "items");
      GtkWidget *preview = find_widget (open_dialog_window (), ADW_TYPE_ACTION_ROW, "Next Number");
      g_autofree char *year = g_strdup_printf ("/%d", g_date_time_get_year (now));
      g_autofree char *expected = NULL;
      guint numbered = 0;

      for (guint i = 0; i < json_array_get_length (items); i++)
        {
          JsonObject *item = json_array_get_object_element (items, i);
          const char *number = json_object_get_string_member_with_default (item, "permit_number", NULL);

          if (number && g_str_equal (json_object_get_string_member (item, "permit_type"), "PBG") &&
              g_str_has_suffix (number, year))
            numbered++;
        }
      expected = g_strdup_printf ("IMB-%03u/PBG/%s/%d", numbered + 1,
                                  roman[g_date_time_get_month (now) - 1], g_date_time_get_year (now));
      g_assert_nonnull (preview);
      type_into (open_dialog_window (), "Number Format", "IMB-{seq:03}/{code}/{month_roman}/{year}");
      g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (preview)), ==, expected);
      type_into (open_dialog_window (), "Number Format", "IMB-{seq:03}/{kode}");
      g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (preview)), "{kode}"));
    }
    click (open_dialog_window (), "_Cancel");
    wait_for (win, dialog_window_gone, NULL, "the dialog to close");
  }
  /* a new edition of the permit type: one more requirement and field */
  {
    g_autoptr(JsonObject) before = NULL;
    g_autoptr(JsonObject) after = NULL;
    GtkWidget *row = find_widget (GTK_WIDGET (win), ADW_TYPE_ACTION_ROW, "Izin Reklame");
    g_autoptr(PzResponse) r1 = pz_test_request (ts, "GET", "/api/v1/permit-types", pz_test_login (ts, "admin"), NULL);
    g_autoptr(PzResponse) r2 = NULL;
    JsonArray *types = json_node_get_array (r1->json);

    for (guint i = 0; i < json_array_get_length (types); i++)
      if (g_str_equal (json_object_get_string_member (json_array_get_object_element (types, i), "code"), "REKLAME"))
        before = json_object_ref (json_array_get_object_element (types, i));
    g_assert_nonnull (row);
    g_signal_emit_by_name (row, "activated");
    wait_for (win, dialog_window_shown, NULL, "the permit type dialog");
    dialog = open_dialog_window ();
    type_into (dialog, "Code (letters, digits, _)", "sppl");
    type_into (dialog, "Title", "Surat pernyataan pemasangan sesuai lokasi");
    click (dialog, "_Add Requirement");
    type_into (dialog, "Name (letters, digits, _)", "tinggi_pemasangan");
    type_into (dialog, "Label", "Tinggi pemasangan (m)");
    click (dialog, "Add _Field");
    click (dialog, "_Save");
    wait_for (win, dialog_window_gone, NULL, "the dialog to close");
    r2 = pz_test_request (ts, "GET", "/api/v1/permit-types", pz_test_login (ts, "admin"), NULL);
    types = json_node_get_array (r2->json);
    for (guint i = 0; i < json_array_get_length (types); i++)
      if (g_str_equal (json_object_get_string_member (json_array_get_object_element (types, i), "code"), "REKLAME"))
        after = json_object_ref (json_array_get_object_element (types, i));
    g_assert_cmpint (json_object_get_int_member (after, "version"), ==, json_object_get_int_member (before, "version") + 1);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (after, "requirements")), ==,
                      json_array_get_length (json_object_get_array_member (before, "requirements")) + 1);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (after, "fields")), ==,
                      json_array_get_length (json_object_get_array_member (before, "fields")) + 1);
  }

  pz_admin_view_show_page (admin, "audit");
  wait_for (win, admin_idle, NULL, "the audit log");
  g_assert_nonnull (find_widget (GTK_WIDGET (win), ADW_TYPE_ACTION_ROW, "user.create · wulan"));
  save_screenshot (GTK_WIDGET (win), "admin-audit");
  gtk_window_destroy (GTK_WINDOW (win));
}

/* A username taken already: the server's 409 `duplicate` (not a stale
 * version) is told in the dialog, which stays open with what was typed,
 * and the username row is marked. */
static void
test_administration_refusal (void)
{
  PzWindow *win = new_window ();
  GtkWidget *dialog, *label, *username;

  {
    GtkWidget *user = find_widget (GTK_WIDGET (win), ADW_TYPE_ENTRY_ROW, "Username");
    GtkWidget *pass = find_widget (GTK_WIDGET (win), ADW_TYPE_PASSWORD_ENTRY_ROW, "Password");

    gtk_editable_set_text (GTK_EDITABLE (user), "admin");
    gtk_editable_set_text (GTK_EDITABLE (pass), "demo");
    gtk_widget_activate_action (GTK_WIDGET (win), "win.login", NULL);
    wait_for (win, admin_idle, NULL, "the administration");
  }
  click (GTK_WIDGET (win), "_Add User…");
  wait_for (win, dialog_window_shown, NULL, "the new-user dialog");
  dialog = open_dialog_window ();
  type_into (dialog, "Username", "kasi");
  type_into (dialog, "Full Name", "Kasi Kedua");
  gtk_editable_set_text (GTK_EDITABLE (find_widget (dialog, ADW_TYPE_PASSWORD_ENTRY_ROW, "First Password")),
                         "sementara-kasi");
  adw_action_row_activate (ADW_ACTION_ROW (find_widget (dialog, ADW_TYPE_ACTION_ROW, "Front office")));
  username = find_widget (dialog, ADW_TYPE_ENTRY_ROW, "Username");
  g_assert_false (gtk_widget_has_css_class (username, "error"));
  click (dialog, "_Create");
  wait_for (win, admin_idle, NULL, "the refusal");
  g_assert_true (open_dialog_window () == dialog);
  label = find_label (dialog, "There is already a user with this username");
  g_assert_nonnull (label);
  g_assert_true (gtk_widget_get_visible (label));
  g_assert_true (gtk_widget_has_css_class (username, "error"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_widget (dialog, ADW_TYPE_ENTRY_ROW, "Full Name"))), ==,
                   "Kasi Kedua");
  save_screenshot (dialog, "admin-user-taken");
  gtk_window_destroy (GTK_WINDOW (dialog));
  wait_for (win, dialog_window_gone, NULL, "the dialog to close");
  gtk_window_destroy (GTK_WINDOW (win));
}

/* A session token for @username of office "kantor-baru", whose first
 * password @one_time is replaced by @lasting. */
static char *
first_login (const char *username,
             const char *one_time,
             const char *lasting)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s@kantor-baru\",\"password\":\"%s\"}", username, one_time);
  g_autoptr(PzResponse) r = pz_test_request (ts, "POST", "/api/v1/auth/login", NULL, body);
  g_autofree char *change = g_strdup_printf ("{\"old_password\":\"%s\",\"new_password\":\"%s\"}", one_time, lasting);
  g_autofree char *again = g_strdup_printf ("{\"username\":\"%s@kantor-baru\",\"password\":\"%s\"}", username, lasting);
  g_autoptr(PzResponse) c = NULL;
  g_autoptr(PzResponse) l = NULL;

  g_assert_cmpuint (r->status, ==, 200);
  c = pz_test_request (ts, "POST", "/api/v1/auth/password",
                       json_object_get_string_member (pz_response_object (r), "token"), change);
  g_assert_cmpuint (c->status, <, 300);
  l = pz_test_request (ts, "POST", "/api/v1/auth/login", NULL, again);
  g_assert_cmpuint (l->status, ==, 200);
  return g_strdup (json_object_get_string_member (pz_response_object (l), "token"));
}

static gboolean
no_types_shown (PzWindow *win,
                gpointer  data)
{
  return !pz_window_is_busy (win) && find_label (GTK_WIDGET (win), "No Permit Types Yet") != NULL;
}

static void
log_in_as (PzWindow   *win,
           const char *username,
           const char *password)
{
  gtk_editable_set_text (GTK_EDITABLE (find_widget (GTK_WIDGET (win), ADW_TYPE_ENTRY_ROW, "Username")), username);
  gtk_editable_set_text (GTK_EDITABLE (find_widget (GTK_WIDGET (win), ADW_TYPE_PASSWORD_ENTRY_ROW, "Password")),
                         password);
  gtk_widget_activate_action (GTK_WIDGET (win), "win.login", NULL);
  wait_for (win, idle_on_page, (gpointer) "main", "the main page");
}

/* The counter officer of an office the operator just added, on the
 * server that was running: no permit types yet, and the window says so
 * rather than offering an empty form; once the office's administrator
 * defines one, it is the only one on offer, in the office's own name. */
static void
test_new_office (void)
{
  const char *argv[] = { g_getenv ("PERIZINAN_SERVER"), "office", "add", "kantor-baru", "Kantor Baru",
                         "--data-dir", pz_test_server_get_dir (ts), NULL };
  g_autofree char *out = pz_test_run (argv);
  g_autoptr(GRegex) re = g_regex_new ("admin@kantor-baru .* ([0-9a-f]{24})\\s*$", 0, 0, NULL);
  g_autoptr(GMatchInfo) m = NULL;
  g_autofree char *one_time = NULL;
  g_autofree char *admin = NULL;
  g_autofree char *front = NULL;
  PzWindow *win;
  GtkWidget *new_button, *combo;
  GListModel *names;

  g_assert_true (g_regex_match (re, out, 0, &m));
  one_time = g_match_info_fetch (m, 1);
  admin = first_login ("admin", one_time, "Sandi-Admin-Baru-2026");
  {
    g_autoptr(PzResponse) r = pz_test_request (ts, "POST", "/api/v1/admin/users", admin,
                                               "{\"username\":\"front_office\",\"full_name\":\"Loket Baru\","
                                               "\"roles\":[\"front_office\"],\"password\":\"Sandi-Sekali-2026\"}");
    g_assert_cmpuint (r->status, ==, 201);
  }
  front = first_login ("front_office", "Sandi-Sekali-2026", "Sandi-Loket-Baru-2026");

  win = new_window ();
  log_in_as (win, "front_office@kantor-baru", "Sandi-Loket-Baru-2026");
  new_button = find_widget (GTK_WIDGET (win), GTK_TYPE_BUTTON, "_New Registration");
  g_assert_nonnull (new_button);
  press (new_button);
  wait_for (win, no_types_shown, NULL, "the office without permit types");
  g_assert_false (registration_shown (win, NULL));
  g_assert_null (find_widget (GTK_WIDGET (win), GTK_TYPE_BUTTON, "_Register"));
  save_screenshot (GTK_WIDGET (win), "new-office-no-types");
  log_out (win);

  /* the office's administrator defines the one permit it issues */
  {
    g_autoptr(PzResponse) r = pz_test_request (ts, "PUT", "/api/v1/admin/permit-types/PBG", admin,
                                               "{\"name\":\"Persetujuan Bangunan Gedung Kantor Baru\","
                                               "\"workflow\":\"standard\",\"request_types\":[\"new\"],"
                                               "\"requirements\":[{\"code\":\"ktp\",\"title\":\"KTP pemohon\","
                                               "\"mandatory\":true}],\"fields\":[],\"survey\":true,"
                                               "\"signing\":\"electronic\",\"number_format\":\"PBG/{seq:04}/{year}\","
                                               "\"validity_months\":0,\"service_days\":10}");
    g_assert_cmpuint (r->status, ==, 201);
  }
  log_in_as (win, "front_office@kantor-baru", "Sandi-Loket-Baru-2026");
  press (find_widget (GTK_WIDGET (win), GTK_TYPE_BUTTON, "_New Registration"));
  wait_for (win, registration_shown, NULL, "the registration form");
  g_assert_null (find_label (GTK_WIDGET (win), "No Permit Types Yet"));
  combo = find_widget (GTK_WIDGET (win), ADW_TYPE_COMBO_ROW, "Permit type");
  g_assert_nonnull (combo);
  names = adw_combo_row_get_model (ADW_COMBO_ROW (combo));
  g_assert_cmpuint (g_list_model_get_n_items (names), ==, 1);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (names), 0), ==,
                   "Persetujuan Bangunan Gedung Kantor Baru");
  save_screenshot (GTK_WIDGET (win), "new-office-one-type");
  gtk_window_destroy (GTK_WINDOW (win));
}

/* What the server stores as a user's signing identity, read beside it */
static char *
stored_signing_identity (const char *username)
{
  g_autofree char *sql = g_strdup_printf ("SELECT signing_identity FROM users WHERE username = '%s'", username);
  g_autoptr(GPtrArray) row = pz_test_server_sql_row (ts, sql);

  g_assert_nonnull (row);
  return g_strdup (g_ptr_array_index (row, 0));
}

/* The user's dialog, opened from their row of the users page */
static GtkWidget *
open_user (PzWindow   *win,
           const char *full_name)
{
  GtkWidget *row = find_widget (GTK_WIDGET (win), ADW_TYPE_ACTION_ROW, full_name);

  g_assert_nonnull (row);
  g_signal_emit_by_name (row, "activated");
  wait_for (win, dialog_window_shown, NULL, "the user's dialog");
  return open_dialog_window ();
}

#define SIGNING_IDENTITY_ROW "Signing Identity (PKCS#12 file, pkcs11: URI or NIK)"

/* The administrator links the Plh to another signing identity in the
 * users dialog: the row shows the one they have; a path out of the signing
 * folder is refused and the dialog stays open, the link as it was; a file
 * of the folder is stored; an empty row unlinks. */
static void
test_signing_identity (void)
{
  PzWindow *win = new_window ();
  g_autofree char *target = g_build_filename (pz_test_server_get_dir (ts), "signing", "plh-baru.p12", NULL);
  g_autofree char *stored = NULL;
  GtkWidget *dialog, *identity;

  g_assert_true (pz_sign_create_identity (target, "baru", "Drs. Hendra Gunawan, M.M.", "DPMPTSP Sukamaju", 30, NULL));
  {
    GtkWidget *user = find_widget (GTK_WIDGET (win), ADW_TYPE_ENTRY_ROW, "Username");
    GtkWidget *pass = find_widget (GTK_WIDGET (win), ADW_TYPE_PASSWORD_ENTRY_ROW, "Password");

    gtk_editable_set_text (GTK_EDITABLE (user), "admin");
    gtk_editable_set_text (GTK_EDITABLE (pass), "demo");
    gtk_widget_activate_action (GTK_WIDGET (win), "win.login", NULL);
    wait_for (win, admin_idle, NULL, "the administration");
  }

  dialog = open_user (win, "Drs. Hendra Gunawan, M.M.");
  identity = find_widget (dialog, ADW_TYPE_ENTRY_ROW, SIGNING_IDENTITY_ROW);
  g_assert_nonnull (identity);
  g_assert_true (gtk_widget_get_visible (identity));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (identity)), ==, "sekretaris.p12");

  /* out of the signing folder: refused, nothing changed */
  type_into (dialog, SIGNING_IDENTITY_ROW, "../signing.p12");
  click (dialog, "_Save");
  wait_for (win, admin_idle, NULL, "the refusal");
  g_assert_true (open_dialog_window () == dialog);
  stored = stored_signing_identity ("sekretaris");
  g_assert_cmpstr (stored, ==, "sekretaris.p12");
  g_clear_pointer (&stored, g_free);

  /* another file of the folder: stored */
  type_into (dialog, SIGNING_IDENTITY_ROW, "plh-baru.p12");
  click (dialog, "_Save");
  wait_for (win, dialog_window_gone, NULL, "the dialog to close");
  stored = stored_signing_identity ("sekretaris");
  g_assert_cmpstr (stored, ==, "plh-baru.p12");
  g_clear_pointer (&stored, g_free);

  /* the dialog shows it again; emptied, it unlinks */
  wait_for (win, admin_idle, NULL, "the users");
  dialog = open_user (win, "Drs. Hendra Gunawan, M.M.");
  identity = find_widget (dialog, ADW_TYPE_ENTRY_ROW, SIGNING_IDENTITY_ROW);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (identity)), ==, "plh-baru.p12");
  type_into (dialog, SIGNING_IDENTITY_ROW, "");
  click (dialog, "_Save");
  wait_for (win, dialog_window_gone, NULL, "the dialog to close");
  stored = stored_signing_identity ("sekretaris");
  g_assert_null (stored);

  /* and back to the demo's own */
  wait_for (win, admin_idle, NULL, "the users");
  dialog = open_user (win, "Drs. Hendra Gunawan, M.M.");
  type_into (dialog, SIGNING_IDENTITY_ROW, "sekretaris.p12");
  click (dialog, "_Save");
  wait_for (win, dialog_window_gone, NULL, "the dialog to close");
  stored = stored_signing_identity ("sekretaris");
  g_assert_cmpstr (stored, ==, "sekretaris.p12");
  g_unlink (target);
  gtk_window_destroy (GTK_WINDOW (win));
}

int
main (int   argc,
      char *argv[])
{
  pz_test_desktop_init (&argc, &argv);

  g_test_add_func ("/desktop/late-files", test_late_files);
  g_test_add_func ("/desktop/reports", test_reports);
  g_test_add_func ("/desktop/administration", test_administration);
  g_test_add_func ("/desktop/administration-refusal", test_administration_refusal);
  g_test_add_func ("/desktop/administration-signing-identity", test_signing_identity);
  g_test_add_func ("/desktop/new-office", test_new_office);
  return pz_test_desktop_run ();
}
