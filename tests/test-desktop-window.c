/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window at work: each role's inbox, a narrow window, logging out on a
 * shared PC, filters, the document viewer, the outputs, live updates. */
#include "config.h"

#include <adwaita.h>
#include <poppler.h>
#include <sqlite3.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "pz-admin.h"
#include "pz-report-view.h"
#include "pz-sign.h"
#include "pz-test-server.h"
#include "pz-test-desktop.h"
#include "pz-demo.h"
#include "pz-document-view.h"
#include "pz-file-item.h"
#include "pz-window.h"

/* Each role sees in its inbox exactly the files the server lists for it. */
static void
test_role_dashboards (void)
{
  PzWindow *win = new_window ();

  save_screenshot (GTK_WIDGET (win), "login");
  for (guint r = 0; demo_roles[r]; r++)
    {
      g_autoptr(PzResponse) inbox = pz_test_request (ts, "GET", "/api/v1/inbox?limit=500",
                                                     pz_test_login (ts, demo_roles[r]), NULL);
      JsonArray *items = json_object_get_array_member (pz_response_object (inbox), "items");
      GListModel *model;
      g_autofree char *name = g_strdup_printf ("dashboard-%s", demo_roles[r]);

      log_in (win, demo_roles[r]);
      model = pz_window_get_inbox (win);
      g_assert_cmpuint (g_list_model_get_n_items (model), ==, json_array_get_length (items));
      for (guint i = 0; i < json_array_get_length (items); i++)
        {
          g_autoptr(GObject) item = g_list_model_get_item (model, i);
          g_assert_cmpint (pz_file_item_get_id ((PzFileItem *) item), ==,
                           json_object_get_int_member (json_array_get_object_element (items, i), "id"));
        }
      if (json_array_get_length (items) > 0)
        open_file (win, json_object_get_int_member (json_array_get_object_element (items, 0), "id"));
      save_screenshot (GTK_WIDGET (win), name);
      log_out (win);
    }
  gtk_window_destroy (GTK_WINDOW (win));
}

static void
collect_numbers (GtkWidget *root,
                 GPtrArray *labels)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LABEL (child) && gtk_widget_get_mapped (child) &&
          g_str_has_prefix (gtk_label_get_text (GTK_LABEL (child)), "REG-"))
        g_ptr_array_add (labels, child);
      collect_numbers (child, labels);
    }
}

/* Journey 3: on a 1024×600 screen, with a file open beside it, the inbox
 * shows every registration number whole. */
static void
test_narrow_inbox (void)
{
  PzWindow *win = new_window ();
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  GListModel *inbox;

  gtk_window_set_default_size (GTK_WINDOW (win), 1024, 600);
  log_in (win, "kasi");
  inbox = pz_window_get_inbox (win);
  g_assert_cmpuint (g_list_model_get_n_items (inbox), >, 0);
  {
    g_autoptr(GObject) first = g_list_model_get_item (inbox, 0);
    open_file (win, pz_file_item_get_id ((PzFileItem *) first));
  }
  save_screenshot (GTK_WIDGET (win), "inbox-1024x600");
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (win)), <=, 1024);
  collect_numbers (find_widget (GTK_WIDGET (win), GTK_TYPE_COLUMN_VIEW, NULL), labels);
  g_assert_cmpuint (labels->len, >, 0);
  for (guint i = 0; i < labels->len; i++)
    {
      GtkLabel *label = g_ptr_array_index (labels, i);
      int natural = 0;
      graphene_rect_t bounds;
      GtkWidget *view = gtk_widget_get_ancestor (GTK_WIDGET (label), GTK_TYPE_SCROLLED_WINDOW);

      /* whole: not ellipsized, given its natural width, and inside the
       * visible part of the list */
      gtk_widget_measure (GTK_WIDGET (label), GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
      g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (label)));
      g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (label)), >=, natural);
      g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (label), view, &bounds));
      g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=, gtk_widget_get_width (view) + 0.5);
    }
  gtk_window_destroy (GTK_WINDOW (win));
}

/* Journey 7: on a shared counter PC, logging out leaves nothing of the
 * previous user in the window. */
static void
test_logout_clears (void)
{
  PzWindow *win = new_window ();
  GtkWidget *search, *dropdowns[3] = { NULL };
  GtkWidget *waiting;
  guint n = 0;
  GListModel *inbox;

  log_in (win, "kadis");
  search = find_widget (GTK_WIDGET (win), GTK_TYPE_SEARCH_ENTRY, NULL);
  for (GtkWidget *w = find_widget (GTK_WIDGET (win), GTK_TYPE_DROP_DOWN, NULL); w && n < 3;
       w = gtk_widget_get_next_sibling (w))
    if (GTK_IS_DROP_DOWN (w))
      dropdowns[n++] = w;
  g_assert_cmpuint (n, ==, 3);
  /* the count over "waiting for me" */
  waiting = gtk_widget_get_prev_sibling (find_label (GTK_WIDGET (win), "waiting for me"));
  g_assert_true (GTK_IS_LABEL (waiting));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (waiting)), !=, "");
  inbox = pz_window_get_inbox (win);
  g_assert_cmpuint (g_list_model_get_n_items (inbox), >, 0);
  {
    g_autoptr(GObject) first = g_list_model_get_item (inbox, 0);
    open_file (win, pz_file_item_get_id ((PzFileItem *) first));
  }
  gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdowns[1]), 3);
  gtk_editable_set_text (GTK_EDITABLE (search), "REG");
  wait_for (win, idle_on_page, (gpointer) "main", "the search");
  /* and the reports read */
  press (find_tooltip (GTK_WIDGET (win), "Reports"));
  wait_for (win, report_shown, NULL, "the report");
  log_out (win);

  /* nothing is left on the window */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (search)), ==, "");
  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (dropdowns[i])), ==, 0);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (waiting)), ==, "");
  g_assert_cmpuint (g_list_model_get_n_items (pz_window_get_inbox (win)), ==, 0);
  g_assert_null (pz_window_get_file (win));

  /* the next user sees their own inbox, unfiltered */
  log_in (win, "front_office");
  {
    g_autoptr(PzResponse) own = pz_test_request (ts, "GET", "/api/v1/inbox?limit=500",
                                                 pz_test_login (ts, "front_office"), NULL);
    g_autofree char *total = g_strdup_printf ("%" G_GINT64_FORMAT,
                                              json_object_get_int_member (pz_response_object (own), "total"));

    g_assert_cmpuint (g_list_model_get_n_items (pz_window_get_inbox (win)), ==,
                      json_array_get_length (json_object_get_array_member (pz_response_object (own), "items")));
    g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (waiting)), ==, total);
  }
  g_assert_null (pz_window_get_file (win));
  g_assert_null (pz_report_view_get_report (PZ_REPORT_VIEW (pz_window_get_report_view (win))));
  save_screenshot (GTK_WIDGET (win), "after-logout");
  gtk_window_destroy (GTK_WINDOW (win));
}

static gboolean
list_matches (PzWindow *win,
              gpointer  data)
{
  JsonArray *items = data;
  GListModel *inbox = pz_window_get_inbox (win);

  if (pz_window_is_busy (win) || g_list_model_get_n_items (inbox) != json_array_get_length (items))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (inbox, i);
      if (pz_file_item_get_id ((PzFileItem *) item) !=
          json_object_get_int_member (json_array_get_object_element (items, i), "id"))
        return FALSE;
    }
  return TRUE;
}

/* The filters under the search field list what the server finds. */
static void
test_filters (void)
{
  PzWindow *win = new_window ();
  g_autoptr(PzResponse) refused = NULL;
  g_autoptr(PzResponse) reklame = NULL;
  GtkWidget *status, *type;
  GtkWidget *dropdowns[3] = { NULL };
  guint n = 0;

  log_in (win, "kadis");
  /* the three drop-downs in the order they stand: step, status, type */
  for (GtkWidget *w = find_widget (GTK_WIDGET (win), GTK_TYPE_DROP_DOWN, NULL); w && n < 3;
       w = gtk_widget_get_next_sibling (w))
    if (GTK_IS_DROP_DOWN (w))
      dropdowns[n++] = w;
  g_assert_cmpuint (n, ==, 3);
  status = dropdowns[1];
  type = dropdowns[2];

  refused = pz_test_request (ts, "GET", "/api/v1/applications?limit=500&status=refused", pz_test_login (ts, "kadis"), NULL);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (status), 4);
  wait_for (win, list_matches, json_object_get_array_member (pz_response_object (refused), "items"), "refused files");
  g_assert_cmpuint (g_list_model_get_n_items (pz_window_get_inbox (win)), >=, 1);

  gtk_drop_down_set_selected (GTK_DROP_DOWN (status), 0);
  for (guint i = 0; i < g_list_model_get_n_items (gtk_drop_down_get_model (GTK_DROP_DOWN (type))); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (gtk_drop_down_get_model (GTK_DROP_DOWN (type))), i),
                   "Izin Reklame") == 0)
      gtk_drop_down_set_selected (GTK_DROP_DOWN (type), i);
  reklame = pz_test_request (ts, "GET", "/api/v1/applications?limit=500&permit_type=REKLAME", pz_test_login (ts, "kadis"), NULL);
  wait_for (win, list_matches, json_object_get_array_member (pz_response_object (reklame), "items"), "billboard files");
  save_screenshot (GTK_WIDGET (win), "filters");
  gtk_window_destroy (GTK_WINDOW (win));
}

static gboolean
checklist_state (PzWindow *win,
                 gpointer  data)
{
  const char **want = data;
  JsonObject *file = pz_window_get_file (win);
  JsonArray *checklist;

  if (pz_window_is_busy (win) || file == NULL)
    return FALSE;
  checklist = json_object_get_array_member (file, "checklist");
  for (guint i = 0; i < json_array_get_length (checklist); i++)
    {
      JsonObject *item = json_array_get_object_element (checklist, i);
      if (g_str_equal (json_object_get_string_member (item, "requirement"), want[0]))
        return g_strcmp0 (json_object_get_string_member (item, "state"), want[1]) == 0;
    }
  return FALSE;
}

/* The counter checks the scans: a multi-page PDF pages and zooms, an image
 * shows, a verdict and an upload reach the server. */
static void
test_document_viewer (void)
{
  PzWindow *win = new_window ();
  const char *front = pz_test_login (ts, "front_office");
  gint64 id = pz_test_register (ts, front, "PBG", "new");
  g_autoptr(GBytes) pdf = pz_demo_scan_pdf ("Gambar teknis", 5);
  g_autoptr(GBytes) png = pz_test_png (900, 600);
  g_autofree char *pdf_path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/documents/gambar_teknis", id);
  g_autofree char *png_path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/documents/ktp", id);
  g_autoptr(PzResponse) up1 = NULL;
  g_autoptr(PzResponse) up2 = NULL;
  PzDocumentView *view;
  PzDocumentModel *model;
  int w1, h1, w2, h2;
  const char *want_ok[] = { "gambar_teknis", "ok" };
  const char *want_uploaded[] = { "npwp", "uploaded" };

  pz_test_drive_to (ts, id, "document_check");
  up1 = pz_test_request_full (ts, "PUT", pdf_path, front, "application/pdf", pdf, NULL);
  up2 = pz_test_request_full (ts, "PUT", png_path, front, "image/png", png, NULL);
  g_assert_cmpuint (up1->status, ==, 201);
  g_assert_cmpuint (up2->status, ==, 201);

  log_in (win, "front_office");
  open_file (win, id);
  gtk_widget_activate_action (GTK_WIDGET (win), "win.check-documents", NULL);
  view = PZ_DOCUMENT_VIEW (pz_window_get_document_view (win));
  model = pz_document_view_get_model (view);
  /* the first document still to check is the ID card scan: an image */
  wait_for (win, page_shown, GUINT_TO_POINTER (0), "the first document");
  g_assert_cmpstr (pz_window_get_document_requirement (win), ==, "ktp");
  g_assert_cmpuint (pz_scan_get_n_pages (pz_document_model_get_document (model)), ==, 1);

  /* the five-page drawing */
  {
    GtkWidget *row = NULL;
    for (GtkWidget *w = find_widget (GTK_WIDGET (win), ADW_TYPE_ACTION_ROW, "Gambar teknis bangunan (arsitektur, struktur, utilitas) *");
         w; w = NULL)
      row = w;
    g_assert_nonnull (row);
    g_signal_emit_by_name (gtk_widget_get_parent (row), "row-activated", row);
  }
  wait_for (win, page_shown, GUINT_TO_POINTER (0), "the PDF");
  g_assert_cmpuint (pz_scan_get_n_pages (pz_document_model_get_document (model)), ==, 5);

  gtk_widget_activate_action (GTK_WIDGET (view), "document.next-page", NULL);
  gtk_widget_activate_action (GTK_WIDGET (view), "document.next-page", NULL);
  wait_for (win, page_shown, GUINT_TO_POINTER (2), "page 3");
  g_assert_true (pz_document_view_get_shown_size (view, &w1, &h1));
  gtk_widget_activate_action (GTK_WIDGET (view), "document.zoom-in", NULL);
  wait_for (win, page_shown, GUINT_TO_POINTER (2), "page 3 larger");
  g_assert_true (pz_document_view_get_shown_size (view, &w2, &h2));
  g_assert_cmpint (w2, >, w1);
  g_assert_cmpint (h2, >, h1);
  gtk_widget_activate_action (GTK_WIDGET (view), "document.rotate", NULL);
  wait_for (win, page_shown, GUINT_TO_POINTER (2), "page 3 turned");
  g_assert_true (pz_document_view_get_shown_size (view, &w1, &h1));
  g_assert_cmpint (w1, ==, h2);
  save_screenshot (GTK_WIDGET (win), "document-viewer");

  /* the verdict goes to the server */
  gtk_widget_activate_action (GTK_WIDGET (win), "win.document-verdict", "s", "ok");
  wait_for (win, checklist_state, want_ok, "the verdict");
  {
    g_autoptr(JsonObject) file = server_file (id);
    JsonArray *checklist = json_object_get_array_member (file, "checklist");
    gboolean found = FALSE;
    for (guint i = 0; i < json_array_get_length (checklist); i++)
      {
        JsonObject *item = json_array_get_object_element (checklist, i);
        if (g_str_equal (json_object_get_string_member (item, "requirement"), "gambar_teknis"))
          {
            g_assert_cmpstr (json_object_get_string_member (item, "verdict"), ==, "ok");
            found = TRUE;
          }
      }
    g_assert_true (found);
  }

  /* an upload from a file, as a drop or the file chooser gives it */
  {
    GtkWidget *row = find_widget (GTK_WIDGET (win), ADW_TYPE_ACTION_ROW, "NPWP pemohon *");
    g_autofree char *tmp = g_build_filename (g_get_tmp_dir (), "npwp-scan.pdf", NULL);
    g_autoptr(GFile) file = g_file_new_for_path (tmp);
    g_autoptr(GBytes) scan = pz_demo_scan_pdf ("NPWP", 1);

    g_assert_true (g_file_set_contents (tmp, g_bytes_get_data (scan, NULL), (gssize) g_bytes_get_size (scan), NULL));
    g_assert_nonnull (row);
    g_signal_emit_by_name (gtk_widget_get_parent (row), "row-activated", row);
    while (g_main_context_iteration (NULL, FALSE))
      ;
    g_assert_cmpstr (pz_window_get_document_requirement (win), ==, "npwp");
    pz_window_upload_file (win, file);
    wait_for (win, checklist_state, want_uploaded, "the uploaded scan");
    wait_for (win, page_shown, GUINT_TO_POINTER (0), "the uploaded scan shown");
    g_unlink (tmp);
  }
  gtk_widget_activate_action (GTK_WIDGET (win), "win.close-documents", NULL);
  gtk_window_destroy (GTK_WINDOW (win));
}

static gboolean
preview_shown (PzWindow *win,
               gpointer  data)
{
  GtkWidget *view = pz_window_get_preview (win);
  int w, h;

  return !pz_window_is_busy (win) && view && !pz_document_view_is_rendering (PZ_DOCUMENT_VIEW (view)) &&
         pz_document_view_get_shown_size (PZ_DOCUMENT_VIEW (view), &w, &h);
}

static gboolean
file_written (PzWindow *win,
              gpointer  data)
{
  return !pz_window_is_busy (win) && g_file_test (data, G_FILE_TEST_EXISTS);
}

/* The counter previews the receipt, prints it and keeps a copy. */
static void
test_outputs (void)
{
  PzWindow *win = new_window ();
  gint64 id = pz_test_register (ts, pz_test_login (ts, "front_office"), "PBG", "new");
  g_autofree char *save_path = g_build_filename (g_get_tmp_dir (), "perizinan-receipt-copy.pdf", NULL);
  g_autofree char *print_path = g_build_filename (g_get_tmp_dir (), "perizinan-receipt-printed.pdf", NULL);
  g_autoptr(GFile) save_file = g_file_new_for_path (save_path);
  g_autofree char *server_path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/outputs/receipt", id);
  g_autoptr(PzResponse) original = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *printed = NULL;
  gsize saved_len, printed_len;

  g_unlink (save_path);
  g_unlink (print_path);
  pz_test_drive_to (ts, id, "technical_survey");
  original = pz_test_request_full (ts, "GET", server_path, pz_test_login (ts, "front_office"), NULL, NULL, NULL);
  g_assert_cmpuint (original->status, ==, 200);

  log_in (win, "front_office");
  pz_window_open_file (win, id);
  wait_for (win, file_loaded, (gint64[]) { id, version_of_file (id) }, "the file");
  pz_window_preview_output (win, "receipt");
  wait_for (win, preview_shown, NULL, "the receipt preview");
  save_screenshot (gtk_widget_get_ancestor (pz_window_get_preview (win), GTK_TYPE_WINDOW), "receipt-preview");

  pz_window_save_output (win, "receipt", save_file);
  wait_for (win, file_written, save_path, "the saved copy");
  g_assert_true (g_file_get_contents (save_path, &saved, &saved_len, NULL));
  g_assert_cmpmem (saved, saved_len, g_bytes_get_data (original->body, NULL), g_bytes_get_size (original->body));

  pz_window_print_output (win, "receipt", print_path);
  wait_for (win, file_written, print_path, "the printed receipt");
  g_assert_true (g_file_get_contents (print_path, &printed, &printed_len, NULL));
  g_assert_true (g_str_has_prefix (printed, "%PDF"));
  g_assert_cmpuint (printed_len, >, 1000);

  g_unlink (save_path);
  g_unlink (print_path);
  gtk_window_destroy (GTK_WINDOW (win));
}

/* Kasi and Kabid work in two windows: the Kasi's approval shows in the
 * Kabid's inbox without a reload.  The window never polls, so the file can
 * only arrive through the event stream; how fast is measured by
 * perizinan-bench-desktop, not here. */
static void
test_live_updates (void)
{
  PzWindow *kasi = new_window ();
  PzWindow *kabid = new_window ();
  gint64 id = pz_test_register (ts, pz_test_login (ts, "front_office"), "SIP-DOKTER", "new");
  gint64 t0, elapsed;

  pz_test_drive_to (ts, id, "kasi_verification");
  log_in (kasi, "kasi");
  log_in (kabid, "kabid");
  wait_for (kabid, events_up, NULL, "the event stream");
  g_assert_false (inbox_has (kabid, &id));

  open_file (kasi, id);
  t0 = g_get_monotonic_time ();
  gtk_widget_activate_action (GTK_WIDGET (kasi), "win.act", "s", "approve");
  wait_for (kabid, inbox_has, &id, "the file in the Kabid's inbox");
  elapsed = g_get_monotonic_time () - t0;
  g_test_message ("approval to the other inbox: %.0f ms", elapsed / 1000.0);

  gtk_window_destroy (GTK_WINDOW (kasi));
  gtk_window_destroy (GTK_WINDOW (kabid));
}

int
main (int   argc,
      char *argv[])
{
  pz_test_desktop_init (&argc, &argv);

  g_test_add_func ("/desktop/role-dashboards", test_role_dashboards);
  g_test_add_func ("/desktop/narrow-inbox", test_narrow_inbox);
  g_test_add_func ("/desktop/logout-clears", test_logout_clears);
  g_test_add_func ("/desktop/filters", test_filters);
  g_test_add_func ("/desktop/document-viewer", test_document_viewer);
  g_test_add_func ("/desktop/outputs", test_outputs);
  g_test_add_func ("/desktop/live-updates", test_live_updates);
  return pz_test_desktop_run ();
}
