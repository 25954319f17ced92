/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sessions and connections: a stopped server, a stale version that keeps the
 * note, an expired session, the first password, the login focus, a
 * self-signed server. */
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

int
main (int   argc,
      char *argv[])
{
  int ret;

  pz_test_desktop_init (&argc, &argv);

  g_test_add_func ("/desktop/server-stopped", test_server_stopped);
  g_test_add_func ("/desktop/stale-keeps-note", test_stale_keeps_note);
  g_test_add_func ("/desktop/session-expired", test_session_expired);
  g_test_add_func ("/desktop/first-password", test_first_password);
  g_test_add_func ("/desktop/login-focus", test_login_focus);
  g_test_add_func ("/desktop/self-signed-server", test_self_signed_server);
  ret = pz_test_desktop_run ();
  if (stopped)
    pz_test_server_free (stopped);
  return ret;
}
