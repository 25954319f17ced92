/* SPDX-License-Identifier: GPL-3.0-or-later */
/* perizinan-bench-desktop: how the desktop app feels with a busy office.
 * Start to the first frame of the login page; time to show an inbox of
 * 10,000 files; time from pressing Approve to the inbox showing the change.
 * Runs the real server on a filled data directory; needs a display (run it
 * under xvfb-run). */
#include "config.h"

#include <adwaita.h>
#include <stdlib.h>

#include "pz-bench-fill.h"
#include "pz-demo.h"
#include "pz-document-view.h"
#include "pz-file-item.h"
#include "pz-window.h"

static gint64 n_files = 10000;
static char *server_path;

static GOptionEntry entries[] = {
  { "files", 'n', 0, G_OPTION_ARG_INT64, &n_files, "Files in the Kasi's inbox (default 10000)", "N" },
  { "server", 0, 0, G_OPTION_ARG_FILENAME, &server_path, "The perizinan-server program", "PATH" },
  { NULL }
};

static gint64 painted_at;

static void
after_paint (GdkFrameClock *clock,
             gpointer       data)
{
  painted_at = g_get_monotonic_time ();
}

/* Runs the loop until @done, then until the next frame is on screen;
 * returns that moment. */
static gint64
until_painted (GtkWidget *window,
               gboolean ( *done ) (PzWindow *, gpointer),
               gpointer data)
{
  gint64 limit = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  gint64 seen;

  while (!done (PZ_WINDOW (window), data))
    {
      if (g_get_monotonic_time () > limit)
        g_error ("timed out");
      g_main_context_iteration (NULL, TRUE);
    }
  seen = g_get_monotonic_time ();
  painted_at = 0;
  gtk_widget_queue_draw (window);
  while (painted_at < seen)
    g_main_context_iteration (NULL, TRUE);
  return painted_at;
}

static gboolean
on_login_page (PzWindow *win,
               gpointer  data)
{
  return g_strcmp0 (pz_window_get_page (win), "login") == 0 && gtk_widget_get_mapped (GTK_WIDGET (win));
}

static gboolean
inbox_full (PzWindow *win,
            gpointer  data)
{
  return g_list_model_get_n_items (pz_window_get_inbox (win)) == (guint) GPOINTER_TO_UINT (data) &&
         !pz_window_is_busy (win);
}

static gboolean
file_open (PzWindow *win,
           gpointer  data)
{
  JsonObject *file = pz_window_get_file (win);
  return file && json_object_get_int_member (file, "id") == *(gint64 *) data && !pz_window_is_busy (win);
}

static gboolean
gone_from_inbox (PzWindow *win,
                 gpointer  data)
{
  GListModel *inbox = pz_window_get_inbox (win);

  if (pz_window_is_busy (win))
    return FALSE;
  for (guint i = 0; i < g_list_model_get_n_items (inbox); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (inbox, i);
      if (pz_file_item_get_id ((PzFileItem *) item) == *(gint64 *) data)
        return FALSE;
    }
  return TRUE;
}

static GtkWidget *
find_row (GtkWidget  *root,
          GType       type,
          const char *title)
{
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (c, type) &&
          g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (c)), title) == 0)
        return c;
      if ((found = find_row (c, type, title)))
        return found;
    }
  return NULL;
}

int
main (int   argc,
      char *argv[])
{
  gint64 t_start = g_get_monotonic_time ();
  g_autoptr(GOptionContext) context = g_option_context_new ("- measure the perizinan desktop app");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *url = NULL;
  g_autofree char *port_text = NULL;
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GArray) targets = NULL;
  g_autoptr(GSettings) settings = NULL;
  AdwApplication *app;
  GtkWidget *window;
  gint64 t_frame, t_login, t_inbox, t_click, t_change, id;
  guint port = 28000 + g_random_int_range (0, 2000);

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  /* 1: start to the first frame of the login page */
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  gtk_init ();
  adw_init ();
  app = g_object_new (ADW_TYPE_APPLICATION, "application-id", "id.go.perizinan.Perizinan.Bench",
                      "flags", G_APPLICATION_NON_UNIQUE,
                      "resource-base-path", "/id/go/perizinan/Perizinan", NULL);
  g_application_register (G_APPLICATION (app), NULL, NULL);
  settings = g_settings_new (APP_ID);
  url = g_strdup_printf ("http://127.0.0.1:%u", port);
  g_settings_set_string (settings, "server-url", url);
  window = GTK_WIDGET (pz_window_new (app, settings));
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 780);
  gtk_window_present (GTK_WINDOW (window));
  gtk_widget_realize (window);
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (after_paint), NULL);
  t_frame = until_painted (window, on_login_page, NULL);
  g_print ("start to first frame of the login page: %.0f ms\n", (t_frame - t_start) / 1000.0);

  /* the office: every file at the Kasi's step */
  dir = g_dir_make_tmp ("perizinan-bench-desktop-XXXXXX", &error);
  g_assert_no_error (error);
  targets = pz_bench_fill (dir, n_files, "kasi_verification");
  port_text = g_strdup_printf ("%u", port);
  server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                             server_path ? server_path : PZ_SERVER_PATH,
                             "--data-dir", dir, "--port", port_text, NULL);
  g_assert_no_error (error);
  g_usleep (500 * 1000);

  /* 2: log in as the Kasi and show the inbox of N files */
  gtk_editable_set_text (GTK_EDITABLE (find_row (window, ADW_TYPE_ENTRY_ROW, "Username")), "kasi");
  gtk_editable_set_text (GTK_EDITABLE (find_row (window, ADW_TYPE_PASSWORD_ENTRY_ROW, "Password")), "demo");
  t_login = g_get_monotonic_time ();
  gtk_widget_activate_action (window, "win.login", NULL);
  t_inbox = until_painted (window, inbox_full, GUINT_TO_POINTER ((guint) targets->len));
  g_print ("log in to an inbox of %u files on screen: %.0f ms\n", targets->len, (t_inbox - t_login) / 1000.0);

  /* 3: approve the most urgent file; time until the inbox shows it gone */
  {
    g_autoptr(GObject) first = g_list_model_get_item (pz_window_get_inbox (PZ_WINDOW (window)), 0);
    id = pz_file_item_get_id ((PzFileItem *) first);
  }
  pz_window_open_file (PZ_WINDOW (window), id);
  until_painted (window, file_open, &id);
  t_click = g_get_monotonic_time ();
  gtk_widget_activate_action (window, "win.act", "s", "approve");
  t_change = until_painted (window, gone_from_inbox, &id);
  g_print ("Approve to the inbox showing the change: %.0f ms\n", (t_change - t_click) / 1000.0);

  gtk_window_destroy (GTK_WINDOW (window));

  /* 4: the first page of a 50-page scan in the viewer, against pdftoppm */
  {
    g_autoptr(GBytes) pdf = pz_demo_scan_pdf ("Gambar teknis bangunan", 50);
    g_autofree char *pdf_path = g_build_filename (dir, "scan.pdf", NULL);
    g_autofree char *out_prefix = g_build_filename (dir, "page", NULL);
    GtkWidget *viewer_window = gtk_window_new ();
    GtkWidget *view = pz_document_view_new ();
    g_autoptr(PzScan) scan = NULL;
    gint64 t0, t_viewer, t_ppm;
    int w, h;

    g_file_set_contents (pdf_path, g_bytes_get_data (pdf, NULL), (gssize) g_bytes_get_size (pdf), NULL);
    gtk_window_set_default_size (GTK_WINDOW (viewer_window), 900, 1000);
    gtk_window_set_child (GTK_WINDOW (viewer_window), view);
    gtk_window_present (GTK_WINDOW (viewer_window));
    while (!gtk_widget_get_mapped (view))
      g_main_context_iteration (NULL, TRUE);
    for (guint i = 0; i < 20; i++)
      g_main_context_iteration (NULL, FALSE);

    t0 = g_get_monotonic_time ();
    scan = pz_scan_new_from_bytes (pdf, "application/pdf", &error);
    g_assert_no_error (error);
    pz_document_view_set_document (PZ_DOCUMENT_VIEW (view), scan);
    while (pz_document_view_is_rendering (PZ_DOCUMENT_VIEW (view)) ||
           !pz_document_view_get_shown_size (PZ_DOCUMENT_VIEW (view), &w, &h))
      g_main_context_iteration (NULL, TRUE);
    t_viewer = g_get_monotonic_time () - t0;

    t0 = g_get_monotonic_time ();
    {
      g_autoptr(GSubprocess) ppm = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "pdftoppm", "-r", "96",
                                                     "-f", "1", "-l", "1", "-png", pdf_path, out_prefix, NULL);
      g_assert_no_error (error);
      g_subprocess_wait (ppm, NULL, NULL);
    }
    t_ppm = g_get_monotonic_time () - t0;
    g_print ("first page of a 50-page scan: viewer %.0f ms (%dx%d px, fit width), pdftoppm -r 96 %.0f ms\n",
             t_viewer / 1000.0, w, h, t_ppm / 1000.0);
    gtk_window_destroy (GTK_WINDOW (viewer_window));
  }

  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
    if (system (cmd) != 0)
      g_printerr ("could not remove %s\n", dir);
  }
  g_object_unref (app);
  return 0;
}
