/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The counter's and the officials' journeys with the app's own widgets: a file from
 * registration to hand-over, registering every demo permit type, a signed scan. */
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

/* A file from registration to hand-over, every step done with the app's own
 * widgets and actions by the role whose step it is. */
static void
test_full_flow (void)
{
  PzWindow *win = new_window ();
  gint64 id = pz_test_register (ts, pz_test_login (ts, "front_office"), "PBG", "new");
  g_autofree char *current_role = NULL;

  for (guint guard = 0; guard < 16; guard++)
    {
      g_autoptr(JsonObject) before = server_file (id);
      const char *step = json_object_get_string_member (before, "step");
      gint64 version = json_object_get_int_member (before, "version");
      g_autoptr(PzResponse) flows = NULL;
      JsonArray *steps;
      const char *role = NULL;
      gint64 want[2] = { id, version + 1 };

      if (g_str_equal (step, "issued"))
        break;
      flows = pz_test_request (ts, "GET", "/api/v1/workflows", pz_test_login (ts, "admin"), NULL);
      steps = json_object_get_array_member (json_array_get_object_element (json_node_get_array (flows->json), 0),
                                            "steps");
      for (guint i = 0; i < json_array_get_length (steps); i++)
        {
          JsonObject *s = json_array_get_object_element (steps, i);
          if (g_str_equal (json_object_get_string_member (s, "id"), step))
            role = json_array_get_string_element (json_object_get_array_member (s, "roles"), 0);
        }
      g_assert_nonnull (role);
      if (g_strcmp0 (role, current_role) != 0)
        {
          if (current_role)
            log_out (win);
          log_in (win, role);
          g_free (current_role);
          current_role = g_strdup (role);
        }
      open_file (win, id);

      if (g_str_equal (step, "document_check"))
        {
          /* the scans come in over the API (the checklist viewer is its own
           * piece); the officer's verdicts are given with the app's buttons */
          JsonArray *checklist = json_object_get_array_member (before, "checklist");

          for (guint i = 0; i < json_array_get_length (checklist); i++)
            {
              JsonObject *item = json_array_get_object_element (checklist, i);
              const char *code = json_object_get_string_member (item, "requirement");
              g_autofree char *path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/documents/%s",
                                                       id, code);
              g_autoptr(GBytes) pdf = pz_demo_scan_pdf (code, 1);
              g_autoptr(PzResponse) up = pz_test_request_full (ts, "PUT", path, pz_test_login (ts, "front_office"),
                                                               "application/pdf", pdf, NULL);
              g_assert_cmpuint (up->status, ==, 201);
            }
          pz_window_open_file (win, id);
          wait_for (win, file_loaded, (gint64[]) { id, version }, "the file with documents");
          for (guint i = 0; i < json_array_get_length (checklist); i++)
            {
              g_autoptr(JsonObject) now = NULL;
              GtkWidget *ok = NULL;

              for (GtkWidget *w = find_widget (GTK_WIDGET (win), GTK_TYPE_BUTTON, "OK"); w; w = NULL)
                ok = w;
              press (ok);
              /* the view rebuilds with one verdict more */
              for (gint64 until = g_get_monotonic_time () + 60 * G_USEC_PER_SEC; g_get_monotonic_time () < until;)
                {
                  g_main_context_iteration (NULL, FALSE);
                  if (!pz_window_is_busy (win))
                    break;
                }
              while (pz_window_is_busy (win))
                g_main_context_iteration (NULL, TRUE);
              now = server_file (id);
              g_assert_cmpuint (i + 1, <=, json_array_get_length (checklist));
            }
        }
      else if (g_str_equal (step, "technical_survey"))
        set_text (win, "findings", "Bangunan sesuai gambar; garis sempadan terpenuhi.");
      else if (g_str_equal (step, "data_entry"))
        {
          set_text (win, "field:fungsi_bangunan", "Rumah tinggal");
          set_text (win, "field:lokasi", "Jl. Mawar No. 1, Sukamaju");
          set_text (win, "field:luas_tanah", "120");
          set_text (win, "field:luas_bangunan", "96.5");
          set_text (win, "field:jumlah_lantai", "2");
        }

      g_test_message ("%s approves at %s", role, step);
      gtk_widget_activate_action (GTK_WIDGET (win), "win.act", "s", "approve");
      if (g_str_equal (step, "signing"))
        {
          /* the confirmation asks the passphrase */
          wait_for (win, dialog_shown, NULL, "the signing confirmation");
          type_into (GTK_WIDGET (open_message_dialog ()), "Passphrase of the signing key", "demo");
          click (GTK_WIDGET (open_message_dialog ()), "_Sign");
        }
      /* the file leaves this user's hands: the next one of the inbox opens */
      wait_for (win, acted_on, want, "the approved file");
      {
        g_autoptr(JsonObject) after = server_file (id);
        g_assert_cmpstr (json_object_get_string_member (after, "step"), !=, step);
        g_assert_cmpint (json_object_get_int_member (after, "version"), ==, version + 1);
      }
      if (g_str_equal (step, "kasi_verification"))
        {
          GtkWidget *clocks = find_group (GTK_WIDGET (win), "Time against the Standards");
          GtkWidget *scrolled;

          save_screenshot (GTK_WIDGET (win), "file-view");
          /* further down: the time each step took against its standard */
          g_assert_nonnull (clocks);
          scrolled = gtk_widget_get_ancestor (clocks, GTK_TYPE_SCROLLED_WINDOW);
          {
            graphene_point_t p;
            GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));

            g_assert_true (gtk_widget_compute_point (clocks, gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled)),
                                                     &GRAPHENE_POINT_INIT (0, 0), &p));
            gtk_adjustment_set_value (adj, p.y - 12);
          }
          save_screenshot (GTK_WIDGET (win), "file-clocks");
        }
    }
  {
    g_autoptr(JsonObject) done = server_file (id);
    JsonObject *data = json_object_get_object_member (done, "data");

    g_assert_cmpstr (json_object_get_string_member (done, "status"), ==, "issued");
    g_assert_cmpfloat (json_object_get_double_member (data, "luas_bangunan"), ==, 96.5);
    g_assert_cmpint (json_object_get_int_member (data, "jumlah_lantai"), ==, 2);
    g_assert_cmpstr (json_object_get_string_member (done, "received_by"), ==, "Wahyu Pratama");
    g_assert_nonnull (json_object_get_string_member (done, "permit_number"));
  }
  gtk_window_destroy (GTK_WINDOW (win));
}

/* The counter registers an applicant: a wrong NIK is caught before anything
 * is sent, then the file is created with what was typed. */
static void
test_registration (void)
{
  PzWindow *win = new_window ();
  g_autoptr(PzResponse) before = NULL;
  g_autoptr(PzResponse) after = NULL;
  g_autoptr(PzResponse) found = NULL;
  JsonObject *file;
  gint64 count;

  log_in (win, "front_office");
  before = pz_test_request (ts, "GET", "/api/v1/applications?limit=500", pz_test_login (ts, "kadis"), NULL);
  count = json_array_get_length (json_object_get_array_member (pz_response_object (before), "items"));

  gtk_widget_activate_action (GTK_WIDGET (win), "win.new-registration", NULL);
  wait_for (win, registration_shown, NULL, "the registration form");
  set_text (win, "name", "Rudi Setiawan");
  set_text (win, "nik", "32010");
  set_text (win, "address", "Jl. Kenari No. 4, Sukamaju");
  set_text (win, "phone", "0812 3456 7890");
  gtk_widget_activate_action (GTK_WIDGET (win), "win.register", NULL);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (pz_window_get_file (win));
  g_assert_true (gtk_widget_has_css_class (pz_window_get_form_widget (win, "nik"), "error"));
  g_assert_false (gtk_widget_has_css_class (pz_window_get_form_widget (win, "name"), "error"));
  save_screenshot (GTK_WIDGET (win), "registration");

  set_text (win, "nik", "3201010505800007");
  gtk_widget_activate_action (GTK_WIDGET (win), "win.register", NULL);
  wait_for (win, file_open, NULL, "the registered file");
  file = pz_window_get_file (win);
  g_assert_cmpstr (json_object_get_string_member (file, "step"), ==, "registration");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (file, "applicant"), "nik"), ==,
                   "3201010505800007");

  after = pz_test_request (ts, "GET", "/api/v1/applications?limit=500", pz_test_login (ts, "kadis"), NULL);
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (pz_response_object (after), "items")), ==,
                   count + 1);
  found = pz_test_request (ts, "GET", "/api/v1/applications?q=3201010505800007", pz_test_login (ts, "kadis"), NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (pz_response_object (found), "items")), ==, 1);
  gtk_window_destroy (GTK_WINDOW (win));
}

/* Journey 1: the counter registers a file of every permit type and every
 * request type of the demo office with the mouse and the keyboard. The
 * form keeps what was typed while the type changes, Enter in the last field
 * registers, a stray Ctrl+N asks before throwing a half-typed form away, and
 * a wrong NIK is explained with the focus on it. */
static void
test_counter_every_type (void)
{
  static const struct { const char *code, *name, *request, *request_label; } cases[] = {
    { "PBG", "Persetujuan Bangunan Gedung", "new", "New" },
    { "PBG", "Persetujuan Bangunan Gedung", "renewal", "Renewal" },
    { "PBG", "Persetujuan Bangunan Gedung", "change", "Change" },
    { "REKLAME", "Izin Reklame", "new", "New" },
    { "REKLAME", "Izin Reklame", "renewal", "Renewal" },
    { "SIP-DOKTER", "Surat Izin Praktik Dokter", "new", "New" },
    { "SIP-DOKTER", "Surat Izin Praktik Dokter", "renewal", "Renewal" },
    { "TOKO-MODERN", "Izin Usaha Toko Modern", "new", "New" },
    { "TOKO-MODERN", "Izin Usaha Toko Modern", "renewal", "Renewal" },
    { "TOKO-MODERN", "Izin Usaha Toko Modern", "change", "Change" },
  };
  PzWindow *win = new_window ();
  gint64 last_id = 0;

  log_in (win, "front_office");

  /* a half-typed form is kept when Ctrl+N is pressed by mistake */
  gtk_widget_activate_action (GTK_WIDGET (win), "win.new-registration", NULL);
  wait_for (win, registration_shown, NULL, "the registration form");
  type_in (row (win, "Name *"), "Setengah Diketik", FALSE);
  gtk_widget_activate_action (GTK_WIDGET (win), "win.new-registration", NULL);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_nonnull (find_dialog ());
  press (find_widget (find_dialog (), GTK_TYPE_BUTTON, "_Keep Typing"));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row (win, "Name *"))), ==, "Setengah Diketik");
  gtk_widget_activate_action (GTK_WIDGET (win), "win.new-registration", NULL);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_nonnull (find_dialog ());
  press (find_widget (find_dialog (), GTK_TYPE_BUTTON, "_Discard"));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (find_dialog ());
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row (win, "Name *"))), ==, "");

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autofree char *name = g_strdup_printf ("Pemohon %s %s", cases[c].code, cases[c].request);
      g_autoptr(JsonObject) saved = NULL;
      GtkWidget *focus;

      if (c > 0)
        gtk_widget_activate_action (GTK_WIDGET (win), "win.new-registration", NULL);
      wait_for (win, registration_shown, NULL, "the registration form");
      g_assert_null (find_dialog ());
      /* the applicant first, then the type: what was typed stays */
      type_in (row (win, "Name *"), name, FALSE);
      type_in (row (win, "NIK (16 digits) *"), "32010", FALSE);
      pick (row (win, "Permit type"), cases[c].name);
      pick (row (win, "Request type"), cases[c].request_label);
      g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row (win, "Name *"))), ==, name);
      g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row (win, "NIK (16 digits) *"))), ==, "32010");
      type_in (row (win, "Address *"), "Jl. Kenari No. 4, Sukamaju", FALSE);
      type_in (row (win, "Phone *"), "0812 3456 7890", FALSE);

      /* Enter in the last field: the wrong NIK is told, with the rule,
       * and the focus goes to it */
      type_in (last_entry_row (GTK_WIDGET (win)), "", TRUE);
      g_assert_null (pz_window_get_file (win));
      g_assert_nonnull (find_label (GTK_WIDGET (win), "5 digits were typed"));
      g_assert_nonnull (find_label (GTK_WIDGET (win), "16 digits on the ID card"));
      focus = gtk_root_get_focus (GTK_ROOT (win));
      g_assert_nonnull (focus);
      g_assert_true (gtk_widget_is_ancestor (focus, row (win, "NIK (16 digits) *")));
      if (c == 0)
        save_screenshot (GTK_WIDGET (win), "registration-nik");

      type_in (row (win, "NIK (16 digits) *"), "3201010505800007", FALSE);
      g_assert_cmpstr (adw_combo_row_get_selected_item (ADW_COMBO_ROW (row (win, "Permit type"))) ?
                       gtk_string_object_get_string (adw_combo_row_get_selected_item (ADW_COMBO_ROW (row (win, "Permit type")))) : NULL,
                       ==, cases[c].name);
      type_in (last_entry_row (GTK_WIDGET (win)), "", TRUE);
      wait_for (win, new_file_open, &last_id, "the registered file");
      last_id = json_object_get_int_member (pz_window_get_file (win), "id");

      /* what the server saved */
      saved = server_file (last_id);
      g_assert_cmpstr (json_object_get_string_member (saved, "permit_type"), ==, cases[c].code);
      g_assert_cmpstr (json_object_get_string_member (saved, "request_type"), ==, cases[c].request);
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (saved, "applicant"), "name"), ==,
                       name);
      g_assert_cmpstr (json_object_get_string_member (saved, "step"), ==, "registration");
    }
  gtk_window_destroy (GTK_WINDOW (win));
}

static gboolean
file_has_scan (PzWindow *win,
               gpointer  data)
{
  JsonObject *file = pz_window_get_file (win);
  JsonArray *docs = file ? json_object_get_array_member (file, "documents") : NULL;

  if (pz_window_is_busy (win) || docs == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (docs); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (docs, i), "requirement"),
                   "signed_permit") == 0)
      return TRUE;
  return FALSE;
}

typedef struct { gint64 id; const char *step; } AtStep;

static gboolean
server_at_step (PzWindow *win,
                gpointer  data)
{
  AtStep *want = data;
  g_autoptr(JsonObject) file = NULL;

  file = server_file (want->id);
  return g_strcmp0 (json_object_get_string_member (file, "step"), want->step) == 0;
}

/* Journey 2: a billboard permit is signed on paper; at the signing step the
 * Kadis uploads its scan with the button there, through the file chooser,
 * and signs it off. */
static void
test_signed_scan (void)
{
  PzWindow *win = new_window ();
  gint64 id = pz_test_register (ts, pz_test_login (ts, "front_office"), "REKLAME", "new");
  g_autoptr(GBytes) png = pz_test_png (400, 560);
  g_autofree char *dir = g_dir_make_tmp ("pz-scan-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "ditandatangani.png", NULL);
  g_autoptr(GFile) scan = g_file_new_for_path (path);
  g_autoptr(JsonObject) after = NULL;
  GtkWidget *button, *chooser;

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (png, NULL), g_bytes_get_size (png), NULL));
  pz_test_drive_to (ts, id, "signing");
  log_in (win, "kadis");
  open_file (win, id);
  g_assert_false (file_has_scan (win, NULL));

  button = find_widget (GTK_WIDGET (win), GTK_TYPE_BUTTON, "_Upload Signed Scan…");
  g_assert_nonnull (button);
  save_screenshot (GTK_WIDGET (win), "signing-wet");
  press (button);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  chooser = find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG);
  g_assert_nonnull (chooser);
  g_assert_true (gtk_file_chooser_set_file (GTK_FILE_CHOOSER (chooser), scan, NULL));
  /* the chooser has found the file in its folder: click Upload */
  for (gint64 until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC; g_get_monotonic_time () < until;)
    {
      g_autoptr(GFile) chosen = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (chosen && g_file_equal (chosen, scan))
        break;
      g_main_context_iteration (NULL, FALSE);
    }
  for (gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC / 2; g_get_monotonic_time () < until;)
    g_main_context_iteration (NULL, FALSE);
  press (find_widget (chooser, GTK_TYPE_BUTTON, "_Upload"));
  wait_for (win, file_has_scan, NULL, "the uploaded scan");
  g_assert_nonnull (find_widget (GTK_WIDGET (win), GTK_TYPE_BUTTON, "_Replace Scan…"));

  press (find_widget (GTK_WIDGET (win), GTK_TYPE_BUTTON, "Sign Permit"));
  {
    AtStep want = { id, "handover" };
    wait_for (win, server_at_step, &want, "the signed file");
  }
  after = server_file (id);
  g_assert_cmpstr (json_object_get_string_member (after, "step"), ==, "handover");
  g_unlink (path);
  g_rmdir (dir);
  gtk_window_destroy (GTK_WINDOW (win));
}

int
main (int   argc,
      char *argv[])
{
  pz_test_desktop_init (&argc, &argv);

  g_test_add_func ("/desktop/full-flow", test_full_flow);
  g_test_add_func ("/desktop/registration", test_registration);
  g_test_add_func ("/desktop/counter-every-type", test_counter_every_type);
  g_test_add_func ("/desktop/signed-scan", test_signed_scan);
  return pz_test_desktop_run ();
}
