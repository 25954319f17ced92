/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The desktop tests' hands and eyes: they find widgets by what a user
 * sees (a row's title, a button's label, a tooltip), wait for the window
 * to settle, and take screenshots. */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "pz-file-item.h"
#include "pz-document-view.h"
#include "pz-report-view.h"
#include "pz-test-desktop.h"

PzTestServer *ts;
AdwApplication *app;
GSettings *settings;

void
wait_for (PzWindow   *win,
          Condition   condition,
          gpointer    data,
          const char *what)
{
  gint64 until = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!condition (win, data))
    {
      if (g_get_monotonic_time () > until)
        g_error ("timed out waiting for %s", what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  /* let the widgets settle */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

gboolean
idle_on_page (PzWindow *win,
              gpointer  page)
{
  return !pz_window_is_busy (win) && g_strcmp0 (pz_window_get_page (win), page) == 0;
}

gboolean
file_loaded (PzWindow *win,
             gpointer  data)
{
  JsonObject *file = pz_window_get_file (win);
  gint64 *want = data;

  return !pz_window_is_busy (win) && file && json_object_get_int_member (file, "id") == want[0] &&
         json_object_get_int_member (file, "version") == want[1];
}

gboolean
banner_shown (PzWindow *win,
              gpointer  data)
{
  return !pz_window_is_busy (win) && pz_window_get_banner_shown (win);
}

gboolean
events_up (PzWindow *win,
           gpointer  data)
{
  return pz_client_get_events_connected (pz_window_get_client (win));
}

GtkWidget *
find_widget (GtkWidget  *root,
             GType       type,
             const char *title)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type) && gtk_widget_get_mapped (child))
        {
          if (title == NULL)
            return child;
          if (ADW_IS_PREFERENCES_ROW (child) &&
              g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (child)), title) == 0)
            return child;
          if (GTK_IS_BUTTON (child) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (child)), title) == 0)
            return child;
        }
      if ((found = find_widget (child, type, title)))
        return found;
    }
  return NULL;
}

GtkWidget *
find_group (GtkWidget  *root,
            const char *title)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (ADW_IS_PREFERENCES_GROUP (child) && gtk_widget_get_mapped (child) &&
          g_strcmp0 (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (child)), title) == 0)
        return child;
      if ((found = find_group (child, title)))
        return found;
    }
  return NULL;
}

static gboolean
count_frame (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       data)
{
  (*(guint *) data)++;
  return G_SOURCE_CONTINUE;
}

/* Waits until the window has been drawn as it now is. */
void
wait_for_frames (GtkWidget *widget)
{
  guint frames = 0;
  guint id = gtk_widget_add_tick_callback (widget, count_frame, &frames, NULL);
  gint64 until = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  gint64 settled = g_get_monotonic_time () + 400 * 1000;

  /* past any page transition (crossfade is 200 ms) */
  gtk_widget_queue_draw (widget);
  while ((frames < 3 || g_get_monotonic_time () < settled) && g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
  gtk_widget_remove_tick_callback (widget, id);
}

/* The window @widget is in as it is drawn now. */
GdkTexture *
render_widget (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  gint64 until = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  int w, h;

  /* a widget paintable made between a queued redraw (an answer that
   * changes a label) and the next frame has nothing to show: make it
   * again after the next frames until it shows the window */
  do
    {
      GtkSnapshot *snapshot = gtk_snapshot_new ();

      wait_for_frames (widget);
      g_clear_object (&paintable);
      paintable = gtk_widget_paintable_new (widget);
      w = gtk_widget_get_width (widget);
      h = gtk_widget_get_height (widget);
      gdk_paintable_snapshot (paintable, snapshot, w, h);
      node = gtk_snapshot_free_to_node (snapshot);
    }
  while (node == NULL && g_get_monotonic_time () < until);
  g_assert_nonnull (node);
  return gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)), node,
                                      &GRAPHENE_RECT_INIT (0, 0, w, h));
}

void
save_screenshot (GtkWidget  *widget,
                 const char *name)
{
  g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".",
                                           "screenshots", NULL);
  g_autofree char *file = g_strdup_printf ("%s.png", name);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  g_autoptr(GdkTexture) texture = NULL;

  g_mkdir_with_parents (dir, 0755);
  texture = render_widget (widget);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

PzWindow *
new_window (void)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", pz_test_server_get_port (ts));
  PzWindow *win;

  g_settings_set_string (settings, "server-url", url);
  win = pz_window_new (app, settings);
  gtk_window_set_default_size (GTK_WINDOW (win), 1280, 780);
  gtk_window_present (GTK_WINDOW (win));
  wait_for (win, idle_on_page, (gpointer) "login", "the login page");
  return win;
}

void
log_in (PzWindow   *win,
        const char *username)
{
  GtkWidget *user = find_widget (GTK_WIDGET (win), ADW_TYPE_ENTRY_ROW, "Username");
  GtkWidget *pass = find_widget (GTK_WIDGET (win), ADW_TYPE_PASSWORD_ENTRY_ROW, "Password");

  g_assert_nonnull (user);
  g_assert_nonnull (pass);
  gtk_editable_set_text (GTK_EDITABLE (user), username);
  gtk_editable_set_text (GTK_EDITABLE (pass), "demo");
  gtk_widget_activate_action (GTK_WIDGET (win), "win.login", NULL);
  wait_for (win, idle_on_page, (gpointer) "main", "the main page");
}

void
log_out (PzWindow *win)
{
  gtk_widget_activate_action (GTK_WIDGET (win), "win.logout", NULL);
  wait_for (win, idle_on_page, (gpointer) "login", "the login page");
}

JsonObject *
server_file (gint64 id)
{
  return pz_test_get_application (ts, pz_test_login (ts, "kadis"), id);
}

void
open_file (PzWindow *win,
           gint64    id)
{
  g_autoptr(JsonObject) file = server_file (id);
  gint64 want[2] = { id, json_object_get_int_member (file, "version") };
  GListModel *inbox = pz_window_get_inbox (win);
  GtkWidget *view = find_widget (GTK_WIDGET (win), GTK_TYPE_COLUMN_VIEW, NULL);
  gboolean found = FALSE;

  /* Open it the way a user does when it is in the list: activate its row. */
  for (guint i = 0; i < g_list_model_get_n_items (inbox); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (inbox, i);
      if (pz_file_item_get_id ((PzFileItem *) item) == id)
        {
          g_signal_emit_by_name (view, "activate", i);
          found = TRUE;
          break;
        }
    }
  if (!found)
    pz_window_open_file (win, id);
  wait_for (win, file_loaded, want, "the file");
}

void
set_text (PzWindow   *win,
          const char *name,
          const char *text)
{
  GtkWidget *w = pz_window_get_form_widget (win, name);

  g_assert_nonnull (w);
  if (GTK_IS_TEXT_VIEW (w))
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (w)), text, -1);
  else
    gtk_editable_set_text (GTK_EDITABLE (w), text);
}

void
press (GtkWidget *button)
{
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
}

gboolean
inbox_has (PzWindow *win,
           gpointer  data)
{
  GListModel *inbox = pz_window_get_inbox (win);

  for (guint i = 0; i < g_list_model_get_n_items (inbox); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (inbox, i);
      if (pz_file_item_get_id ((PzFileItem *) item) == *(gint64 *) data)
        return !pz_window_is_busy (win);
    }
  return FALSE;
}

gboolean
registration_shown (PzWindow *win,
                    gpointer  data)
{
  return !pz_window_is_busy (win) && pz_window_get_form_widget (win, "nik") != NULL;
}

gboolean
file_open (PzWindow *win,
           gpointer  data)
{
  return !pz_window_is_busy (win) && pz_window_get_file (win) != NULL;
}

/* Widget finders that go by what the user sees: a row's title, a label's
 * text, a widget's type; popovers (not mapped until they open) too. */
GtkWidget *
find_any (GtkWidget *root,
          GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        return child;
      if ((found = find_any (child, type)))
        return found;
    }
  return NULL;
}

GtkWidget *
find_label (GtkWidget  *root,
            const char *part)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_LABEL (child) && gtk_widget_get_mapped (child) &&
          strstr (gtk_label_get_text (GTK_LABEL (child)), part))
        return child;
      if ((found = find_label (child, part)))
        return found;
    }
  return NULL;
}

GtkWidget *
row (PzWindow   *win,
     const char *title)
{
  GtkWidget *w = find_widget (GTK_WIDGET (win), ADW_TYPE_PREFERENCES_ROW, title);

  g_assert_nonnull (w);
  return w;
}

/* Picks a choice of a combo row as a click in its popover does. */
void
pick (GtkWidget  *combo,
      const char *label)
{
  GListModel *model = adw_combo_row_get_model (ADW_COMBO_ROW (combo));
  guint i;

  for (i = 0; i < g_list_model_get_n_items (model); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (model), i), label) == 0)
      break;
  g_assert_cmpuint (i, <, g_list_model_get_n_items (model));
  adw_combo_row_set_selected (ADW_COMBO_ROW (combo), i);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (combo)), ==, i);
}

/* Types as a user does, then presses Enter in the field. */
void
type_in (GtkWidget  *entry,
         const char *text,
         gboolean    enter)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  if (enter)
    {
      GtkWidget *delegate = find_any (entry, GTK_TYPE_TEXT);

      g_assert_nonnull (delegate);
      /* what the Enter key does in the text */
      g_signal_emit_by_name (delegate, "activate");
    }
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

GtkWidget *
last_entry_row (GtkWidget *root)
{
  GtkWidget *last = NULL;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (ADW_IS_ENTRY_ROW (child) && gtk_widget_get_mapped (child))
        last = child;
      else if ((found = last_entry_row (child)))
        last = found;
    }
  return last;
}

GtkWidget *
find_dialog (void)
{
  GListModel *tops = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (tops); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (tops, i);
      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return GTK_WIDGET (w);
    }
  return NULL;
}

gboolean
new_file_open (PzWindow *win,
               gpointer  data)
{
  JsonObject *file = pz_window_get_file (win);

  return !pz_window_is_busy (win) && file && json_object_get_int_member (file, "id") > *(gint64 *) data;
}

GtkWidget *
find_toplevel (GType type)
{
  GListModel *tops = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (tops); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (tops, i);
      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return GTK_WIDGET (w);
    }
  return NULL;
}

GtkWidget *
find_tooltip (GtkWidget  *root,
              const char *tooltip)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child) && gtk_widget_get_mapped (child) &&
          g_strcmp0 (gtk_widget_get_tooltip_text (child), tooltip) == 0)
        return child;
      if ((found = find_tooltip (child, tooltip)))
        return found;
    }
  return NULL;
}

gboolean
page_shown (PzWindow *win,
            gpointer  data)
{
  PzDocumentView *view = PZ_DOCUMENT_VIEW (pz_window_get_document_view (win));
  int w, h;

  return !pz_window_is_busy (win) && !pz_document_view_is_rendering (view) &&
         pz_document_view_get_shown_size (view, &w, &h) &&
         pz_document_model_get_page (pz_document_view_get_model (view)) == GPOINTER_TO_UINT (data);
}

gint64
version_of_file (gint64 id)
{
  g_autoptr(JsonObject) file = server_file (id);
  return json_object_get_int_member (file, "version");
}

AdwMessageDialog *
open_message_dialog (void)
{
  g_autoptr(GList) windows = gtk_window_list_toplevels ();

  for (GList *l = windows; l; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

gboolean
dialog_shown (PzWindow *win,
              gpointer  data)
{
  return !pz_window_is_busy (win) && open_message_dialog () != NULL;
}

GtkWidget *
open_dialog_window (void)
{
  g_autoptr(GList) windows = gtk_window_list_toplevels ();

  for (GList *l = windows; l; l = l->next)
    if (ADW_IS_WINDOW (l->data) && !PZ_IS_WINDOW (l->data) && !ADW_IS_MESSAGE_DIALOG (l->data) &&
        gtk_widget_get_mapped (l->data))
      return l->data;
  return NULL;
}

gboolean
dialog_window_shown (PzWindow *win,
                     gpointer  data)
{
  return !pz_window_is_busy (win) && open_dialog_window () != NULL;
}

gboolean
dialog_window_gone (PzWindow *win,
                    gpointer  data)
{
  return !pz_window_is_busy (win) && open_dialog_window () == NULL;
}

void
click (GtkWidget  *root,
       const char *label)
{
  GtkWidget *button = find_widget (root, GTK_TYPE_BUTTON, label);

  if (button == NULL)
    g_error ("no button “%s”", label);
  g_signal_emit_by_name (button, "clicked");
}

void
type_into (GtkWidget  *root,
           const char *title,
           const char *text)
{
  GtkWidget *row = find_widget (root, ADW_TYPE_ENTRY_ROW, title);

  if (row == NULL)
    g_error ("no entry “%s”", title);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

GtkWidget *
find_label_any (GtkWidget  *root,
                const char *prefix)
{
  if (GTK_IS_LABEL (root) && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (root)), prefix))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label_any (child, prefix);

      if (found)
        return found;
    }
  return NULL;
}

gboolean
admin_idle (PzWindow *win,
            gpointer  data)
{
  return !pz_window_is_busy (win) && g_strcmp0 (pz_window_get_page (win), "admin") == 0;
}

JsonObject *
server_get (const char *path)
{
  g_autoptr(PzResponse) r = pz_test_request (ts, "GET", path, pz_test_login (ts, "admin"), NULL);

  g_assert_cmpuint (r->status, ==, 200);
  return json_object_ref (pz_response_object (r));
}

static void
look_often (PzConfig *config,
            gpointer  data)
{
  /* files made late by a test are told of within a second */
  config->escalation_interval = 1;
}

/* Starts GTK, the application and one demo office server. */
void
pz_test_desktop_init (int    *argc,
                      char ***argv)
{
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  gtk_test_init (argc, argv, NULL);
  adw_init ();

  app = g_object_new (ADW_TYPE_APPLICATION, "application-id", "id.go.perizinan.Perizinan.Test",
                      "flags", G_APPLICATION_NON_UNIQUE,
                      "resource-base-path", "/id/go/perizinan/Perizinan", NULL);
  g_application_register (G_APPLICATION (app), NULL, NULL);
  settings = g_settings_new (APP_ID);
  ts = pz_test_server_start_configured (NULL, look_often, NULL);
}

/* Runs the tests added, then lets what is still in flight finish. */
int
pz_test_desktop_run (void)
{
  int ret = g_test_run ();

  /* let requests and renders still in flight finish before the end */
  for (gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC / 2; g_get_monotonic_time () < until;)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (10 * 1000);
  g_clear_pointer (&ts, pz_test_server_free);
  g_clear_object (&settings);
  g_clear_object (&app);
  return ret;
}

/* The window is idle and the file is at the version after the action. */
gboolean
acted_on (PzWindow *win,
          gpointer  data)
{
  gint64 *want = data;

  return !pz_window_is_busy (win) && version_of_file (want[0]) == want[1];
}

gboolean
report_shown (PzWindow *win,
              gpointer  data)
{
  return !pz_window_is_busy (win) && g_strcmp0 (pz_window_get_page (win), "reports") == 0 &&
         pz_report_view_get_report (PZ_REPORT_VIEW (pz_window_get_report_view (win))) != NULL;
}

const char * const demo_roles[] = {
  "front_office", "tim_teknis", "back_office", "kasi", "kabid", "sekretaris", "kadis", NULL
};

/* The visible toplevel of @type (a dialog, the shortcuts window, a preview). */
GtkWidget *
visible_toplevel (GType type)
{
  g_autoptr(GList) windows = gtk_window_list_toplevels ();

  for (GList *l = windows; l; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

gboolean
toplevel_shown (PzWindow *win,
                gpointer  type)
{
  GtkWidget *w = visible_toplevel (GPOINTER_TO_SIZE (type));
  return w && gtk_widget_get_mapped (w);
}

gboolean
toplevel_gone (PzWindow *win,
               gpointer  type)
{
  return visible_toplevel (GPOINTER_TO_SIZE (type)) == NULL;
}

/* The inbox as the list shows it, top to bottom. */
