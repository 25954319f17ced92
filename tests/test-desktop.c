/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The desktop app's real widgets under Xvfb, against a real server on a
 * loopback socket. */
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

static PzTestServer *stopped;

static const char * const roles[] = {
  "front_office", "tim_teknis", "back_office", "kasi", "kabid", "sekretaris", "kadis", NULL
};

















/* Each role sees in its inbox exactly the files the server lists for it. */
static void
test_role_dashboards (void)
{
  PzWindow *win = new_window ();

  save_screenshot (GTK_WIDGET (win), "login");
  for (guint r = 0; roles[r]; r++)
    {
      g_autoptr(PzResponse) inbox = pz_test_request (ts, "GET", "/api/v1/inbox?limit=500",
                                                     pz_test_login (ts, roles[r]), NULL);
      JsonArray *items = json_object_get_array_member (pz_response_object (inbox), "items");
      GListModel *model;
      g_autofree char *name = g_strdup_printf ("dashboard-%s", roles[r]);

      log_in (win, roles[r]);
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



/* The action reached the server; the window may have gone on to the next file. */
static gboolean
acted_on (PzWindow *win,
          gpointer  data)
{
  gint64 *want = data;

  return !pz_window_is_busy (win) && version_of_file (want[0]) == want[1];
}

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

/* The server goes away while the Kasi writes a note: the banner says so,
 * the note stays, and the same action goes through once it is back. */
static void
test_server_stopped (void)
{
  PzWindow *win = new_window ();
  gint64 id = pz_test_register (ts, pz_test_login (ts, "front_office"), "SIP-DOKTER", "new");
  g_autofree char *dir = NULL;
  guint port = pz_test_server_get_port (ts);
  const char *note = "Nomor STR pada draf tidak sama dengan STR; mohon diperbaiki.";
  GtkTextBuffer *buffer;
  GtkTextIter start, end;
  g_autofree char *kept = NULL;
  gint64 version;

  pz_test_drive_to (ts, id, "kasi_verification");
  {
    g_autoptr(JsonObject) file = server_file (id);
    version = json_object_get_int_member (file, "version");
  }
  log_in (win, "kasi");
  open_file (win, id);
  set_text (win, "note", note);

  dir = g_strdup (pz_test_server_get_dir (ts));
  pz_test_server_stop (ts);
  gtk_widget_activate_action (GTK_WIDGET (win), "win.act", "s", "return");
  wait_for (win, banner_shown, NULL, "the unreachable banner");
  save_screenshot (GTK_WIDGET (win), "server-unreachable");

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (pz_window_get_form_widget (win, "note")));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  kept = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_cmpstr (kept, ==, note);

  /* the same server comes back on the same address (the stopped one keeps
   * the data directory until the end) */
  stopped = ts;
  ts = pz_test_server_start_on_port (dir, TRUE, port);
  gtk_widget_activate_action (GTK_WIDGET (win), "win.retry", NULL);
  wait_for (win, acted_on, (gint64[]) { id, version + 1 }, "the returned file");
  {
    g_autoptr(JsonObject) after = server_file (id);
    JsonArray *history = json_object_get_array_member (after, "history");
    JsonObject *last = json_array_get_object_element (history, json_array_get_length (history) - 1);

    g_assert_cmpstr (json_object_get_string_member (after, "step"), ==, "data_entry");
    g_assert_cmpstr (json_object_get_string_member (last, "note"), ==, note);
  }
  g_assert_false (pz_window_get_banner_shown (win));
  /* the event stream finds the restarted server by itself */
  wait_for (win, events_up, NULL, "the event stream after the restart");
  gtk_window_destroy (GTK_WINDOW (win));
}

/* Two counter desks work on the same file: the other desk's change comes
 * first, so this one hears who changed the file, sees it reloaded, and
 * keeps the note it was writing. */
static void
test_stale_keeps_note (void)
{
  PzWindow *win = new_window ();
  const char *front = pz_test_login (ts, "front_office");
  gint64 id = pz_test_register (ts, front, "SIP-DOKTER", "renewal");
  const char *note = "Pas foto tidak berwarna; minta pemohon membawa yang baru.";
  g_autoptr(PzResponse) back = NULL;
  g_autoptr(PzResponse) again = NULL;
  GtkTextBuffer *buffer;
  GtkTextIter start, end;
  g_autofree char *kept = NULL;
  gint64 version;

  pz_test_drive_to (ts, id, "document_check");
  log_in (win, "front_office");
  open_file (win, id);
  set_text (win, "note", note);
  {
    g_autoptr(JsonObject) file = server_file (id);
    version = json_object_get_int_member (file, "version");
  }
  back = pz_test_act (ts, front, id, "return", version, "STR belum dilegalisir", NULL);
  g_assert_cmpuint (back->status, ==, 200);
  again = pz_test_act (ts, front, id, "approve", version + 1, NULL, NULL);
  g_assert_cmpuint (again->status, ==, 200);

  gtk_widget_activate_action (GTK_WIDGET (win), "win.act", "s", "return");
  wait_for (win, file_loaded, (gint64[]) { id, version + 2 }, "the reloaded file");

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (pz_window_get_form_widget (win, "note")));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  kept = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_cmpstr (kept, ==, note);
  {
    g_autoptr(JsonObject) after = server_file (id);
    /* nothing was sent on the stale version */
    g_assert_cmpint (json_object_get_int_member (after, "version"), ==, version + 2);
    g_assert_cmpstr (json_object_get_string_member (after, "step"), ==, "document_check");
  }
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


static gboolean
report_shown (PzWindow *win,
              gpointer  data)
{
  return !pz_window_is_busy (win) && g_strcmp0 (pz_window_get_page (win), "reports") == 0 &&
         pz_report_view_get_report (PZ_REPORT_VIEW (pz_window_get_report_view (win))) != NULL;
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

/* The session ends while the Kasi works (expired or revoked): the app asks
 * to log in again and carries on with the same file and the same note. */
static void
test_session_expired (void)
{
  PzWindow *win = new_window ();
  gint64 id = pz_test_register (ts, pz_test_login (ts, "front_office"), "SIP-DOKTER", "new");
  const char *note = "Draf belum mencantumkan jadwal praktik.";
  g_autoptr(PzResponse) revoke = NULL;
  GtkTextBuffer *buffer;
  GtkTextIter start, end;
  g_autofree char *kept = NULL;
  gint64 version;

  pz_test_drive_to (ts, id, "kasi_verification");
  log_in (win, "kasi");
  open_file (win, id);
  set_text (win, "note", note);
  {
    g_autoptr(JsonObject) file = server_file (id);
    version = json_object_get_int_member (file, "version");
  }

  revoke = pz_test_request (ts, "POST", "/api/v1/auth/logout",
                            pz_client_get_token (pz_window_get_client (win)), NULL);
  g_assert_cmpuint (revoke->status, ==, 204);
  gtk_widget_activate_action (GTK_WIDGET (win), "win.refresh", NULL);
  wait_for (win, idle_on_page, (gpointer) "login", "the login page");

  log_in (win, "kasi");
  wait_for (win, file_loaded, (gint64[]) { id, version }, "the same file");
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (pz_window_get_form_widget (win, "note")));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  kept = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_cmpstr (kept, ==, note);

  gtk_widget_activate_action (GTK_WIDGET (win), "win.act", "s", "return");
  wait_for (win, acted_on, (gint64[]) { id, version + 1 }, "the returned file");
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

/* On a busy morning the officer types at once: the window opens with the
 * caret in the username, or in the password when the name is remembered. */
static void
test_login_focus (void)
{
  PzWindow *win;
  GtkWidget *focus;

  /* started with --server where the settings are empty */
  g_settings_set_string (settings, "last-username", "");
  g_settings_set_string (settings, "server-url", "");
  win = pz_window_new (app, settings);
  {
    g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", pz_test_server_get_port (ts));
    pz_window_use_server (win, url);
  }
  gtk_window_present (GTK_WINDOW (win));
  wait_for (win, idle_on_page, (gpointer) "login", "the login page");
  focus = gtk_root_get_focus (GTK_ROOT (win));
  g_assert_nonnull (focus);
  g_assert_true (gtk_widget_is_ancestor (focus, find_widget (GTK_WIDGET (win), ADW_TYPE_ENTRY_ROW, "Username")));
  gtk_window_destroy (GTK_WINDOW (win));

  g_settings_set_string (settings, "last-username", "kasi");
  win = new_window ();
  focus = gtk_root_get_focus (GTK_ROOT (win));
  g_assert_nonnull (focus);
  g_assert_true (gtk_widget_is_ancestor (focus, find_widget (GTK_WIDGET (win), ADW_TYPE_PASSWORD_ENTRY_ROW, "Password")));
  gtk_window_destroy (GTK_WINDOW (win));
}

/* A new officer, whose password the administrator set, logs in: the app
 * asks for a password of their own, refuses one that is too short or
 * mistyped, and then opens their inbox. */
static void
test_first_password (void)
{
  PzWindow *win = new_window ();
  g_autoptr(PzResponse) made = pz_test_request (ts, "POST", "/api/v1/admin/users", pz_test_login (ts, "admin"),
                                                "{\"username\":\"rahmat\",\"full_name\":\"Rahmat Hidayat\","
                                                "\"roles\":[\"back_office\"],\"password\":\"dari-admin-123\"}");
  GtkWidget *user = find_widget (GTK_WIDGET (win), ADW_TYPE_ENTRY_ROW, "Username");
  GtkWidget *pass = find_widget (GTK_WIDGET (win), ADW_TYPE_PASSWORD_ENTRY_ROW, "Password");
  GtkWidget *first, *again;

  g_assert_cmpuint (made->status, ==, 201);
  gtk_editable_set_text (GTK_EDITABLE (user), "rahmat");
  gtk_editable_set_text (GTK_EDITABLE (pass), "dari-admin-123");
  gtk_widget_activate_action (GTK_WIDGET (win), "win.login", NULL);
  wait_for (win, idle_on_page, (gpointer) "password", "the new-password page");
  first = find_widget (GTK_WIDGET (win), ADW_TYPE_PASSWORD_ENTRY_ROW, "New Password");
  again = find_widget (GTK_WIDGET (win), ADW_TYPE_PASSWORD_ENTRY_ROW, "New Password Again");
  g_assert_nonnull (first);
  g_assert_nonnull (again);

  gtk_editable_set_text (GTK_EDITABLE (first), "pendek");
  gtk_editable_set_text (GTK_EDITABLE (again), "pendek");
  gtk_widget_activate_action (GTK_WIDGET (win), "win.change-password", NULL);
  g_assert_cmpstr (pz_window_get_page (win), ==, "password");

  gtk_editable_set_text (GTK_EDITABLE (first), "sandi-rahmat-sendiri");
  gtk_editable_set_text (GTK_EDITABLE (again), "sandi-rahmat-sendri");
  gtk_widget_activate_action (GTK_WIDGET (win), "win.change-password", NULL);
  g_assert_cmpstr (pz_window_get_page (win), ==, "password");
  save_screenshot (GTK_WIDGET (win), "first-password");

  gtk_editable_set_text (GTK_EDITABLE (again), "sandi-rahmat-sendiri");
  gtk_widget_activate_action (GTK_WIDGET (win), "win.change-password", NULL);
  wait_for (win, idle_on_page, (gpointer) "main", "the main page");

  /* the server took it: the new password logs in, the old one does not */
  {
    g_autoptr(PzResponse) old = pz_test_request (ts, "POST", "/api/v1/auth/login", NULL,
                                                 "{\"username\":\"rahmat\",\"password\":\"dari-admin-123\"}");
    g_autoptr(PzResponse) fresh = pz_test_request (ts, "POST", "/api/v1/auth/login", NULL,
                                                   "{\"username\":\"rahmat\",\"password\":\"sandi-rahmat-sendiri\"}");
    g_assert_cmpuint (old->status, ==, 401);
    g_assert_cmpuint (fresh->status, ==, 200);
  }
  gtk_window_destroy (GTK_WINDOW (win));
}

static void
configure_tls (PzConfig *config,
               gpointer  data)
{
  char **files = data;

  config->tls_certificate = g_strdup (files[0]);
  config->tls_key = g_strdup (files[1]);
}



/* An office server with its own certificate: the desktop shows the
 * fingerprint and goes on only once the user trusts it; declined, nothing
 * is sent; trusted, it is remembered and asked no more. */
static void
test_self_signed_server (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pz-tls-XXXXXX", NULL);
  g_autofree char *cert = g_build_filename (dir, "server.crt", NULL);
  g_autofree char *key = g_build_filename (dir, "server.key", NULL);
  g_autofree char *pem = pz_test_make_certificate (cert, key);
  char *files[] = { cert, key };
  PzTestServer *tls = pz_test_server_start_configured (NULL, configure_tls, files);
  g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%u", pz_test_server_get_port (tls));
  g_autoptr(GTlsCertificate) certificate = g_tls_certificate_new_from_pem (pem, -1, NULL);
  g_autofree char *fingerprint = pz_client_certificate_fingerprint (certificate);
  g_autofree char *old_url = g_settings_get_string (settings, "server-url");
  PzWindow *win;
  AdwMessageDialog *dialog;
  GtkWidget *user, *pass;

  g_settings_set_strv (settings, "trusted-certificates", NULL);
  g_settings_set_string (settings, "server-url", url);
  win = pz_window_new (app, settings);
  gtk_window_set_default_size (GTK_WINDOW (win), 1280, 780);
  gtk_window_present (GTK_WINDOW (win));
  wait_for (win, idle_on_page, (gpointer) "login", "the login page");
  user = find_widget (GTK_WIDGET (win), ADW_TYPE_ENTRY_ROW, "Username");
  pass = find_widget (GTK_WIDGET (win), ADW_TYPE_PASSWORD_ENTRY_ROW, "Password");
  gtk_editable_set_text (GTK_EDITABLE (user), "kasi");
  gtk_editable_set_text (GTK_EDITABLE (pass), "demo");

  /* declined: still on the login page, nothing trusted */
  gtk_widget_activate_action (GTK_WIDGET (win), "win.login", NULL);
  wait_for (win, dialog_shown, NULL, "the trust question");
  dialog = open_message_dialog ();
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), fingerprint));
  save_screenshot (GTK_WIDGET (dialog), "trust-certificate");
  adw_message_dialog_response (dialog, "cancel");
  wait_for (win, idle_on_page, (gpointer) "login", "the login page");
  g_assert_null (pz_client_get_token (pz_window_get_client (win)));
  {
    g_auto(GStrv) trusted = g_settings_get_strv (settings, "trusted-certificates");
    g_assert_cmpuint (g_strv_length (trusted), ==, 0);
  }

  /* trusted: logged in, and remembered */
  gtk_widget_activate_action (GTK_WIDGET (win), "win.login", NULL);
  wait_for (win, dialog_shown, NULL, "the trust question");
  adw_message_dialog_response (open_message_dialog (), "trust");
  wait_for (win, idle_on_page, (gpointer) "main", "the main page");
  {
    g_auto(GStrv) trusted = g_settings_get_strv (settings, "trusted-certificates");
    g_assert_true (g_strv_contains ((const char * const *) trusted, fingerprint));
  }
  gtk_window_destroy (GTK_WINDOW (win));

  /* a new window does not ask again */
  win = pz_window_new (app, settings);
  gtk_window_present (GTK_WINDOW (win));
  wait_for (win, idle_on_page, (gpointer) "login", "the login page");
  log_in (win, "kasi");
  g_assert_null (open_message_dialog ());
  gtk_window_destroy (GTK_WINDOW (win));

  g_settings_set_string (settings, "server-url", old_url);
  pz_test_server_free (tls);
  g_unlink (cert);
  g_unlink (key);
  g_rmdir (dir);
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

/* The Kasi opens the reports: the charts and tables of the server's
 * report; every table saved as CSV reads back the same; the whole report
 * saved as PDF opens and has every section. */
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
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  pz_test_desktop_init (&argc, &argv);

  g_test_add_func ("/desktop/role-dashboards", test_role_dashboards);
  g_test_add_func ("/desktop/full-flow", test_full_flow);
  g_test_add_func ("/desktop/registration", test_registration);
  g_test_add_func ("/desktop/counter-every-type", test_counter_every_type);
  g_test_add_func ("/desktop/signed-scan", test_signed_scan);
  g_test_add_func ("/desktop/narrow-inbox", test_narrow_inbox);
  g_test_add_func ("/desktop/logout-clears", test_logout_clears);
  g_test_add_func ("/desktop/filters", test_filters);
  g_test_add_func ("/desktop/document-viewer", test_document_viewer);
  g_test_add_func ("/desktop/outputs", test_outputs);
  g_test_add_func ("/desktop/live-updates", test_live_updates);
  g_test_add_func ("/desktop/server-stopped", test_server_stopped);
  g_test_add_func ("/desktop/stale-keeps-note", test_stale_keeps_note);
  g_test_add_func ("/desktop/session-expired", test_session_expired);
  g_test_add_func ("/desktop/first-password", test_first_password);
  g_test_add_func ("/desktop/login-focus", test_login_focus);
  g_test_add_func ("/desktop/self-signed-server", test_self_signed_server);
  g_test_add_func ("/desktop/late-files", test_late_files);
  g_test_add_func ("/desktop/reports", test_reports);
  g_test_add_func ("/desktop/administration", test_administration);
  ret = pz_test_desktop_run ();
  if (stopped)
    pz_test_server_free (stopped);
  return ret;
}
