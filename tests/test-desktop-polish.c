/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window as a GNOME app: sortable columns, empty pages, the shortcuts
 * window and the main menu, keys that close, accessible names, calendar
 * pickers, dates written the office's way, the due-soon badge. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "perizinan.h"
#include "pz-admin.h"
#include "pz-i18n.h"
#include "pz-document-view.h"
#include "pz-file-item.h"
#include "pz-report-view.h"
#include "pz-test-desktop.h"
#include "pz-test-server.h"
#include "pz-window.h"

/* Keys: what a key press does, found the way GTK finds it, in the shortcut
 * controllers of the focus widget and of every widget above it. */
static gboolean
trigger_matches (GtkShortcutTrigger *trigger,
                 guint               keyval,
                 GdkModifierType     mods)
{
  if (GTK_IS_ALTERNATIVE_TRIGGER (trigger))
    return trigger_matches (gtk_alternative_trigger_get_first (GTK_ALTERNATIVE_TRIGGER (trigger)), keyval, mods) ||
           trigger_matches (gtk_alternative_trigger_get_second (GTK_ALTERNATIVE_TRIGGER (trigger)), keyval, mods);
  if (GTK_IS_KEYVAL_TRIGGER (trigger))
    return gdk_keyval_to_lower (gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger))) ==
           gdk_keyval_to_lower (keyval) &&
           gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == mods;
  return FALSE;
}

static gboolean
press_key (GtkWidget      *focus,
           guint           keyval,
           GdkModifierType mods)
{
  for (GtkWidget *w = focus; w; w = gtk_widget_get_parent (w))
    {
      g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (w);

      for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
        {
          g_autoptr(GObject) c = g_list_model_get_item (controllers, i);

          if (!GTK_IS_SHORTCUT_CONTROLLER (c))
            continue;
          for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (c)); j++)
            {
              g_autoptr(GtkShortcut) s = g_list_model_get_item (G_LIST_MODEL (c), j);

              if (trigger_matches (gtk_shortcut_get_trigger (s), keyval, mods) &&
                  gtk_shortcut_action_activate (gtk_shortcut_get_action (s), GTK_SHORTCUT_ACTION_EXCLUSIVE, w,
                                                gtk_shortcut_get_arguments (s)))
                {
                  while (g_main_context_iteration (NULL, FALSE))
                    ;
                  return TRUE;
                }
            }
        }
    }
  return FALSE;
}

/* Whether a shortcut controller of @root or of a widget inside it answers
 * the key. */
static gboolean
key_bound (GtkWidget      *root,
           guint           keyval,
           GdkModifierType mods)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (root);

  for (guint c = 0; c < g_list_model_get_n_items (controllers); c++)
    {
      g_autoptr(GObject) ctl = g_list_model_get_item (controllers, c);

      if (GTK_IS_SHORTCUT_CONTROLLER (ctl))
        for (guint s = 0; s < g_list_model_get_n_items (G_LIST_MODEL (ctl)); s++)
          {
            g_autoptr(GtkShortcut) sc = g_list_model_get_item (G_LIST_MODEL (ctl), s);
            if (trigger_matches (gtk_shortcut_get_trigger (sc), keyval, mods))
              return TRUE;
          }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    if (key_bound (child, keyval, mods))
      return TRUE;
  return FALSE;
}

/* In a window: from its focus widget, or the window itself. */
static gboolean
press_in (GtkWidget      *window,
          guint           keyval,
          GdkModifierType mods)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  return press_key (focus ? focus : window, keyval, mods);
}

static GPtrArray *
column_texts (PzWindow *win,
              guint     column)
{
  GListModel *inbox = pz_window_get_inbox (win);
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < g_list_model_get_n_items (inbox); i++)
    {
      g_autoptr(PzFileItem) item = g_list_model_get_item (inbox, i);
      g_ptr_array_add (texts, g_strdup (pz_file_item_get_column (item, column)));
    }
  return texts;
}

static GtkColumnViewColumn *
column_titled (GtkColumnView *view,
               const char    *title)
{
  GListModel *columns = gtk_column_view_get_columns (view);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) c = g_list_model_get_item (columns, i);
      if (g_strcmp0 (gtk_column_view_column_get_title (c), title) == 0)
        return c;
    }
  return NULL;
}

/* A click on a column's header sorts by it, a second click the other way
 * round: what the header's click gesture asks of the view (GTK 4.8 has
 * no public way to read which column is sorted). */
static void
click_header (GtkColumnView *view,
              const char    *title,
              GtkSortType    order)
{
  GtkColumnViewColumn *column = column_titled (view, title);

  g_assert_nonnull (column);
  /* a column without a sorter cannot be sorted by a click */
  g_assert_nonnull (gtk_column_view_column_get_sorter (column));
  gtk_column_view_sort_by_column (view, column, order);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
assert_sorted (GPtrArray *texts,
               gboolean   ascending)
{
  for (guint i = 1; i < texts->len; i++)
    {
      int order = g_utf8_collate (g_ptr_array_index (texts, i - 1), g_ptr_array_index (texts, i));

      if (ascending ? order > 0 : order < 0)
        g_error ("not sorted at %u: “%s” then “%s”", i, (char *) g_ptr_array_index (texts, i - 1),
                 (char *) g_ptr_array_index (texts, i));
    }
}

/* The due times, in the order the list shows them. */
static GArray *
due_times (PzWindow *win)
{
  g_autoptr(PzResponse) r = pz_test_request (ts, "GET", "/api/v1/inbox?limit=500", pz_test_login (ts, "front_office"), NULL);
  JsonArray *items = json_object_get_array_member (pz_response_object (r), "items");
  GListModel *inbox = pz_window_get_inbox (win);
  GArray *times = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < g_list_model_get_n_items (inbox); i++)
    {
      g_autoptr(PzFileItem) item = g_list_model_get_item (inbox, i);

      for (guint j = 0; j < json_array_get_length (items); j++)
        {
          JsonObject *o = json_array_get_object_element (items, j);
          if (json_object_get_int_member (o, "id") == pz_file_item_get_id (item))
            {
              const char *due = json_object_get_string_member (o, "due_at");
              g_autoptr(GDateTime) t = due ? g_date_time_new_from_iso8601 (due, NULL) : NULL;
              gint64 v = t ? g_date_time_to_unix (t) : G_MAXINT64;
              g_array_append_val (times, v);
            }
        }
    }
  return times;
}

/* 1. The counter sorts the inbox by each column the header of which is
 * clicked: registration number, applicant, permit type, due. */
static void
test_inbox_sorts (void)
{
  PzWindow *win = new_window ();
  GtkColumnView *view;
  static const struct { const char *title; guint column; } sortable[] = {
    { "Registration no.", PZ_FILE_COLUMN_REGISTRATION },
    { "Applicant", PZ_FILE_COLUMN_APPLICANT },
    { "Permit", PZ_FILE_COLUMN_PERMIT },
  };

  /* files of two permit types waiting at the counter, besides the demo's */
  pz_test_register (ts, pz_test_login (ts, "front_office"), "PBG", "new");
  pz_test_register (ts, pz_test_login (ts, "front_office"), "REKLAME", "new");
  pz_test_register (ts, pz_test_login (ts, "front_office"), "PBG", "new");
  log_in (win, "front_office");
  view = GTK_COLUMN_VIEW (find_widget (GTK_WIDGET (win), GTK_TYPE_COLUMN_VIEW, NULL));
  g_assert_cmpuint (g_list_model_get_n_items (pz_window_get_inbox (win)), >=, 3);
  for (guint i = 0; i < G_N_ELEMENTS (sortable); i++)
    {
      g_autoptr(GPtrArray) up = NULL;
      g_autoptr(GPtrArray) down = NULL;

      click_header (view, sortable[i].title, GTK_SORT_ASCENDING);
      up = column_texts (win, sortable[i].column);
      assert_sorted (up, TRUE);
      click_header (view, sortable[i].title, GTK_SORT_DESCENDING);
      down = column_texts (win, sortable[i].column);
      assert_sorted (down, FALSE);
      /* the first becomes the last */
      g_assert_cmpstr (g_ptr_array_index (up, 0), ==, g_ptr_array_index (down, down->len - 1));
    }
  {
    g_autoptr(GArray) times = NULL;

    click_header (view, "Due", GTK_SORT_ASCENDING);
    times = due_times (win);
    g_assert_cmpuint (times->len, ==, g_list_model_get_n_items (pz_window_get_inbox (win)));
    for (guint i = 1; i < times->len; i++)
      g_assert_cmpint (g_array_index (times, gint64, i - 1), <=, g_array_index (times, gint64, i));
  }
  /* a click on a row opens the file of that row, in the order shown */
  {
    g_autoptr(PzFileItem) first = g_list_model_get_item (pz_window_get_inbox (win), 0);
    gint64 want[2] = { pz_file_item_get_id (first), version_of_file (pz_file_item_get_id (first)) };

    g_signal_emit_by_name (view, "activate", 0);
    wait_for (win, file_loaded, want, "the first file of the sorted list");
  }
  save_screenshot (GTK_WIDGET (win), "polish-sorted-by-due");
  gtk_window_destroy (GTK_WINDOW (win));
}

static GtkWidget *
find_status_page (GtkWidget  *root,
                  const char *title)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (ADW_IS_STATUS_PAGE (child) && gtk_widget_get_mapped (child) &&
          g_strcmp0 (adw_status_page_get_title (ADW_STATUS_PAGE (child)), title) == 0)
        return child;
      if ((found = find_status_page (child, title)))
        return found;
    }
  return NULL;
}

static gboolean
status_page_shown (PzWindow *win,
                   gpointer  title)
{
  return !pz_window_is_busy (win) && find_status_page (GTK_WIDGET (win), title) != NULL;
}

/* 1. An empty inbox says so in a status page; so does a search that finds
 * nothing, and the administrator's audit log filtered to nothing. */
static void
test_empty_pages (void)
{
  PzWindow *win = new_window ();
  const char *token = pz_test_login (ts, "sekretaris");
  GtkWidget *page, *search;

  /* the Sekretaris's files go on, so nothing waits for them */
  for (;;)
    {
      g_autoptr(PzResponse) r = pz_test_request (ts, "GET", "/api/v1/inbox?limit=500", token, NULL);
      JsonArray *items = json_object_get_array_member (pz_response_object (r), "items");

      if (json_array_get_length (items) == 0)
        break;
      pz_test_advance (ts, json_object_get_int_member (json_array_get_object_element (items, 0), "id"));
    }
  log_in (win, "sekretaris");
  wait_for (win, status_page_shown, (gpointer) "No Files Waiting", "the empty inbox");
  page = find_status_page (GTK_WIDGET (win), "No Files Waiting");
  g_assert_nonnull (adw_status_page_get_description (ADW_STATUS_PAGE (page)));
  g_assert_cmpuint (strlen (adw_status_page_get_description (ADW_STATUS_PAGE (page))), >, 20);
  g_assert_false (gtk_widget_get_mapped (find_any (GTK_WIDGET (win), GTK_TYPE_COLUMN_VIEW)));
  save_screenshot (GTK_WIDGET (win), "polish-empty-inbox");
  log_out (win);

  /* a search that matches nothing */
  log_in (win, "kadis");
  g_assert_true (gtk_widget_get_mapped (find_any (GTK_WIDGET (win), GTK_TYPE_COLUMN_VIEW)));
  search = find_widget (GTK_WIDGET (win), GTK_TYPE_SEARCH_ENTRY, NULL);
  gtk_editable_set_text (GTK_EDITABLE (search), "zzzz-nobody-of-this-name");
  wait_for (win, status_page_shown, (gpointer) "No Matching Files", "the empty search");
  gtk_editable_set_text (GTK_EDITABLE (search), "");
  log_out (win);

  /* the audit log, filtered to nothing */
  {
    GtkWidget *user = find_widget (GTK_WIDGET (win), ADW_TYPE_ENTRY_ROW, "Username");
    GtkWidget *pass = find_widget (GTK_WIDGET (win), ADW_TYPE_PASSWORD_ENTRY_ROW, "Password");
    GtkWidget *filter;

    gtk_editable_set_text (GTK_EDITABLE (user), "admin");
    gtk_editable_set_text (GTK_EDITABLE (pass), "demo");
    gtk_widget_activate_action (GTK_WIDGET (win), "win.login", NULL);
    wait_for (win, admin_idle, NULL, "the administration");
    pz_admin_view_show_page (PZ_ADMIN_VIEW (pz_window_get_admin_view (win)), "audit");
    wait_for (win, admin_idle, NULL, "the audit log");
    filter = find_widget (GTK_WIDGET (win), GTK_TYPE_SEARCH_ENTRY, NULL);
    g_assert_nonnull (filter);
    g_assert_null (find_status_page (GTK_WIDGET (win), "No Matching Entries"));
    gtk_editable_set_text (GTK_EDITABLE (filter), "zzzz-no-such-change");
    wait_for (win, status_page_shown, (gpointer) "No Matching Entries", "the empty audit log");
    save_screenshot (GTK_WIDGET (win), "polish-empty-audit");
    gtk_editable_set_text (GTK_EDITABLE (filter), "");
    while (g_main_context_iteration (NULL, FALSE))
      ;
    g_assert_null (find_status_page (GTK_WIDGET (win), "No Matching Entries"));
  }
  log_out (win);
  gtk_window_destroy (GTK_WINDOW (win));
}

/* The labels of a menu model, mnemonics kept, with their actions. */
static void
menu_items (GMenuModel *menu,
            GHashTable *items)
{
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autofree char *label = NULL;
      g_autofree char *action = NULL;
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);

      if (section)
        menu_items (section, items);
      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_LABEL, "s", &label) &&
          g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_ACTION, "s", &action))
        g_hash_table_insert (items, g_steal_pointer (&label), g_steal_pointer (&action));
    }
}

static void
collect_shortcuts (GtkWidget *root,
                   GPtrArray *shortcuts)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_SHORTCUTS_SHORTCUT (child))
        g_ptr_array_add (shortcuts, child);
      collect_shortcuts (child, shortcuts);
    }
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
preview_gone (PzWindow *win,
              gpointer  data)
{
  return pz_window_get_preview (win) == NULL;
}

/* 2. Ctrl+? and the main menu open a shortcuts window that lists keys the
 * window really answers; the menu offers the main actions; Escape and
 * Ctrl+W close previews and dialogs. */
static void
test_shortcuts_and_menu (void)
{
  PzWindow *win = new_window ();
  GtkWidget *menu_button, *overlay;
  g_autoptr(GHashTable) items = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) shortcuts = g_ptr_array_new ();
  static const struct { const char *label; const char *action; } wanted[] = {
    { "_New Registration", "win.new-registration" },
    { "_Search", "win.search" },
    { "_Refresh", "win.refresh" },
    { "_Late Files", "win.show-late" },
    { "Re_ports", "win.show-reports" },
    { "_Log Out", "win.logout" },
    { "_Keyboard Shortcuts", "win.show-help-overlay" },
    { "_About Perizinan", "app.about" },
  };
  gint64 id = pz_test_register (ts, pz_test_login (ts, "front_office"), "PBG", "new");

  /* past the document check, it has a receipt */
  pz_test_drive_to (ts, id, "technical_survey");
  log_in (win, "front_office");
  menu_button = find_any (GTK_WIDGET (win), GTK_TYPE_MENU_BUTTON);
  g_assert_nonnull (menu_button);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (menu_button), ==, "Main Menu");
  menu_items (gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (menu_button)), items);
  for (guint i = 0; i < G_N_ELEMENTS (wanted); i++)
    g_assert_cmpstr (g_hash_table_lookup (items, wanted[i].label), ==, wanted[i].action);
  gtk_menu_button_popup (GTK_MENU_BUTTON (menu_button));
  save_screenshot (GTK_WIDGET (win), "polish-main-menu");
  gtk_menu_button_popdown (GTK_MENU_BUTTON (menu_button));

  /* Late Files from the menu shows the late files, and back */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.show-late", NULL));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (pz_window_get_late_button (win))));
  wait_for (win, idle_on_page, (gpointer) "main", "the late files");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.show-late", NULL));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (pz_window_get_late_button (win))));
  wait_for (win, idle_on_page, (gpointer) "main", "the inbox");

  /* Ctrl+? opens the shortcuts window */
  g_assert_true (press_in (GTK_WIDGET (win), GDK_KEY_question, GDK_CONTROL_MASK));
  wait_for (win, toplevel_shown, GSIZE_TO_POINTER (GTK_TYPE_SHORTCUTS_WINDOW), "the shortcuts window");
  overlay = visible_toplevel (GTK_TYPE_SHORTCUTS_WINDOW);
  save_screenshot (overlay, "polish-shortcuts");
  collect_shortcuts (overlay, shortcuts);
  g_assert_cmpuint (shortcuts->len, >=, 6);
  /* each key it lists is one the app answers */
  for (guint i = 0; i < shortcuts->len; i++)
    {
      g_autofree char *accels = NULL;
      g_auto(GStrv) each = NULL;

      g_object_get (g_ptr_array_index (shortcuts, i), "accelerator", &accels, NULL);
      /* one named by its action shows the keys the application gives it */
      if (accels == NULL || *accels == '\0')
        continue;
      each = g_strsplit (accels, " ", -1);
      for (guint k = 0; each[k]; k++)
        {
          guint keyval;
          GdkModifierType mods;
          gboolean bound = FALSE;

          g_assert_true (gtk_accelerator_parse (each[k], &keyval, &mods));
          /* bound in the window or a widget in it (the checklist's, the
           * scan's), or in the close keys every preview and dialog has */
          bound = key_bound (GTK_WIDGET (win), keyval, mods) || key_bound (overlay, keyval, mods);
          /* Quit is the application's, which this test's stand-in
           * application does not have (pz-application.c binds it) */
          if (!bound && keyval == GDK_KEY_q && mods == GDK_CONTROL_MASK)
            bound = TRUE;
          if (!bound)
            g_error ("the shortcuts window lists %s, which nothing answers", each[k]);
        }
    }
  /* Ctrl+W closes it */
  g_assert_true (press_in (overlay, GDK_KEY_w, GDK_CONTROL_MASK));
  wait_for (win, toplevel_gone, GSIZE_TO_POINTER (GTK_TYPE_SHORTCUTS_WINDOW), "the shortcuts window to close");

  /* and the main menu's Keyboard Shortcuts opens it too */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.show-help-overlay", NULL));
  wait_for (win, toplevel_shown, GSIZE_TO_POINTER (GTK_TYPE_SHORTCUTS_WINDOW), "the shortcuts window");
  gtk_window_close (GTK_WINDOW (visible_toplevel (GTK_TYPE_SHORTCUTS_WINDOW)));
  wait_for (win, toplevel_gone, GSIZE_TO_POINTER (GTK_TYPE_SHORTCUTS_WINDOW), "the shortcuts window to close");

  /* a preview closes with Escape, and again with Ctrl+W */
  open_file (win, id);
  for (guint k = 0; k < 2; k++)
    {
      GtkWidget *preview;

      press (find_tooltip (GTK_WIDGET (win), "Preview"));
      wait_for (win, preview_shown, NULL, "the receipt preview");
      preview = gtk_widget_get_ancestor (pz_window_get_preview (win), GTK_TYPE_WINDOW);
      g_assert_true (press_in (preview, k ? GDK_KEY_w : GDK_KEY_Escape, k ? GDK_CONTROL_MASK : 0));
      wait_for (win, preview_gone, NULL, "the preview to close");
    }
  log_out (win);

  /* a dialog of the administration closes with Escape and with Ctrl+W */
  {
    GtkWidget *user = find_widget (GTK_WIDGET (win), ADW_TYPE_ENTRY_ROW, "Username");
    GtkWidget *pass = find_widget (GTK_WIDGET (win), ADW_TYPE_PASSWORD_ENTRY_ROW, "Password");

    gtk_editable_set_text (GTK_EDITABLE (user), "admin");
    gtk_editable_set_text (GTK_EDITABLE (pass), "demo");
    gtk_widget_activate_action (GTK_WIDGET (win), "win.login", NULL);
    wait_for (win, admin_idle, NULL, "the administration");
    for (guint k = 0; k < 2; k++)
      {
        click (GTK_WIDGET (win), "_Add User…");
        wait_for (win, dialog_window_shown, NULL, "the new-user dialog");
        g_assert_true (press_in (open_dialog_window (), k ? GDK_KEY_w : GDK_KEY_Escape, k ? GDK_CONTROL_MASK : 0));
        wait_for (win, dialog_window_gone, NULL, "the dialog to close");
      }
  }
  log_out (win);
  gtk_window_destroy (GTK_WINDOW (win));
}

static GtkWidget *
button_with_icon (GtkWidget  *root,
                  const char *icon)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child) && g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (child)), icon) == 0)
        return child;
      if ((found = button_with_icon (child, icon)))
        return found;
    }
  return NULL;
}

static void
assert_label (GtkWidget  *widget,
              const char *label)
{
  g_assert_nonnull (widget);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label);
}

/* 3. The controls a screen reader lands on have names: the buttons inside
 * the filter drop-downs, and the eye of the password. */
static void
test_accessible_names (void)
{
  PzWindow *win = new_window ();
  GtkWidget *pass = find_widget (GTK_WIDGET (win), ADW_TYPE_PASSWORD_ENTRY_ROW, "Password");
  GtkWidget *dropdowns[3] = { NULL };
  static const char * const names[] = { "Step", "Status", "Permit type" };
  guint n = 0;

  /* the eye shows the password, and says so; pressed, it hides it */
  {
    GtkWidget *eye = button_with_icon (pass, "view-reveal-symbolic");

    g_assert_nonnull (eye);
    assert_label (eye, "Show Password");
    press (eye);
    assert_label (eye, "Hide Password");
    press (eye);
    assert_label (eye, "Show Password");
  }
  log_in (win, "kadis");
  for (GtkWidget *w = find_widget (GTK_WIDGET (win), GTK_TYPE_DROP_DOWN, NULL); w && n < 3;
       w = gtk_widget_get_next_sibling (w))
    if (GTK_IS_DROP_DOWN (w))
      dropdowns[n++] = w;
  g_assert_cmpuint (n, ==, 3);
  for (guint i = 0; i < n; i++)
    {
      GtkWidget *button = find_any (dropdowns[i], GTK_TYPE_TOGGLE_BUTTON);

      /* what takes the focus is the button inside */
      g_assert_true (gtk_widget_get_focusable (button));
      assert_label (button, names[i]);
    }
  /* the calendar buttons of the report period */
  gtk_widget_activate_action (GTK_WIDGET (win), "win.show-reports", NULL);
  wait_for (win, idle_on_page, (gpointer) "reports", "the reports");
  {
    GtkWidget *picker = find_any (pz_window_get_report_view (win), GTK_TYPE_MENU_BUTTON);

    g_assert_nonnull (picker);
    g_assert_cmpstr (gtk_widget_get_tooltip_text (picker), ==, "Choose a Date");
    assert_label (find_any (picker, GTK_TYPE_TOGGLE_BUTTON), "Choose a Date");
  }
  log_out (win);
  gtk_window_destroy (GTK_WINDOW (win));
}

/* Picks @day in the calendar the button beside @entry opens. */
static void
pick_day (GtkWidget *button,
          int        year,
          int        month,
          int        day)
{
  GtkWidget *popover = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button)));
  GtkWidget *calendar;
  g_autoptr(GDateTime) date = g_date_time_new_local (year, month, day, 12, 0, 0);

  /* as a user scrolls to the field first; a window just opened is on
   * its monitor once it has been drawn */
  gtk_widget_grab_focus (button);
  wait_for_frames (GTK_WIDGET (gtk_widget_get_root (button)));
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_true (gtk_widget_get_mapped (popover));
  calendar = find_any (popover, GTK_TYPE_CALENDAR);
  g_assert_nonnull (calendar);
  /* what a click on the day does: select it */
  gtk_calendar_select_day (GTK_CALENDAR (calendar), date);
  g_signal_emit_by_name (calendar, "day-selected");
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_false (gtk_widget_get_mapped (popover));
}

static GtkWidget *
picker_of (GtkWidget *row)
{
  GtkWidget *button = find_any (row, GTK_TYPE_MENU_BUTTON);

  g_assert_nonnull (button);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==, "Choose a Date");
  g_assert_true (GTK_IS_CALENDAR (gtk_popover_get_child (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button)))));
  return button;
}

/* The entries of a bar and the calendar button joined to each. */
static void
collect_date_fields (GtkWidget  *root,
                     GtkWidget **entries,
                     GtkWidget **buttons,
                     guint      *n)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child && *n < 2; child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_ENTRY (child) && gtk_widget_get_mapped (child))
        {
          entries[*n] = child;
          buttons[*n] = find_any (gtk_widget_get_parent (child), GTK_TYPE_MENU_BUTTON);
          g_assert_nonnull (buttons[*n]);
          (*n)++;
        }
      else
        collect_date_fields (child, entries, buttons, n);
    }
}

static gboolean
report_period_shown (PzWindow *win,
                     gpointer  data)
{
  GtkWidget *reports = pz_window_get_report_view (win);

  return !pz_window_is_busy (win) && !pz_report_view_is_busy (PZ_REPORT_VIEW (reports)) &&
         find_label (reports, "From ") != NULL && find_label (reports, "January") != NULL;
}

static gboolean
holiday_listed (PzWindow *win,
                gpointer  data)
{
  return !pz_window_is_busy (win) && admin_idle (win, NULL) && find_label (GTK_WIDGET (win), data) != NULL;
}

/* 4. Every date field has a calendar beside it, and dates read "2 December
 * 2026" (one formatter, in shared/, "2 Desember 2026" in Indonesian). */
static void
test_dates (void)
{
  PzWindow *win = new_window ();
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  int year = g_date_time_get_year (now) + 2;
  g_autofree char *iso = g_strdup_printf ("%d-12-02", year);
  g_autofree char *shown = g_strdup_printf ("2 December %d", year);
  GtkWidget *row, *dialog;

  /* the formatter */
  {
    GDate d;
    g_autofree char *a = NULL;
    g_autofree char *b = NULL;
    g_autofree char *c = NULL;

    g_date_clear (&d, 1);
    g_date_set_dmy (&d, 2, 12, 2026);
    a = pz_format_date (&d);
    g_assert_cmpstr (a, ==, "2 December 2026");
    b = pz_format_date_long (&d);
    g_assert_cmpstr (b, ==, "Wednesday, 2 December 2026");
    c = pz_format_date_text ("2026-12-02T09:05:00+07:00");
    g_assert_cmpstr (c, ==, "2 December 2026, 09:05");
  }

  /* the office calendar: a day off picked in the calendar */
  {
    GtkWidget *user = find_widget (GTK_WIDGET (win), ADW_TYPE_ENTRY_ROW, "Username");
    GtkWidget *pass = find_widget (GTK_WIDGET (win), ADW_TYPE_PASSWORD_ENTRY_ROW, "Password");
    PzAdminView *admin = PZ_ADMIN_VIEW (pz_window_get_admin_view (win));
    GtkWidget *year_button;

    gtk_editable_set_text (GTK_EDITABLE (user), "admin");
    gtk_editable_set_text (GTK_EDITABLE (pass), "demo");
    gtk_widget_activate_action (GTK_WIDGET (win), "win.login", NULL);
    wait_for (win, admin_idle, NULL, "the administration");
    pz_admin_view_show_page (admin, "calendar");
    wait_for (win, admin_idle, NULL, "the calendar page");
    row = find_widget (GTK_WIDGET (win), ADW_TYPE_ENTRY_ROW, "Date (YYYY-MM-DD)");
    g_assert_nonnull (row);
    pick_day (picker_of (row), year, 12, 2);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, iso);
    type_into (GTK_WIDGET (win), "Name", "Hari Ulang Tahun Kota");
    click (GTK_WIDGET (win), "_Add Day Off");
    wait_for (win, admin_idle, NULL, "the day off");
    year_button = find_widget (GTK_WIDGET (win), GTK_TYPE_SPIN_BUTTON, NULL);
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (year_button), year);
    /* listed with its day of the week, the office's way */
    {
      g_autofree char *listed = g_strdup_printf ("2 December %d", year);
      wait_for (win, holiday_listed, listed, "the day off in the list");
    }
    save_screenshot (GTK_WIDGET (win), "polish-holiday-picked");

    /* the acting period of a user */
    pz_admin_view_show_page (admin, "users");
    wait_for (win, admin_idle, NULL, "the users");
    {
      GtkWidget *kasi = find_widget (GTK_WIDGET (win), ADW_TYPE_ACTION_ROW, NULL);

      g_assert_nonnull (kasi);
      adw_action_row_activate (ADW_ACTION_ROW (kasi));
    }
    wait_for (win, dialog_window_shown, NULL, "the user dialog");
    dialog = open_dialog_window ();
    row = find_widget (dialog, ADW_TYPE_ENTRY_ROW, "Last Day (YYYY-MM-DD)");
    g_assert_nonnull (row);
    pick_day (picker_of (row), year, 12, 2);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, iso);
    picker_of (find_widget (dialog, ADW_TYPE_ENTRY_ROW, "First Day (YYYY-MM-DD)"));
    gtk_window_destroy (GTK_WINDOW (dialog));
    wait_for (win, dialog_window_gone, NULL, "the dialog to close");
    log_out (win);
  }

  /* the report period */
  {
    GtkWidget *reports;
    GtkWidget *buttons[2] = { NULL };
    GtkWidget *entries[2] = { NULL };
    guint n = 0;

    log_in (win, "kadis");
    gtk_widget_activate_action (GTK_WIDGET (win), "win.show-reports", NULL);
    wait_for (win, idle_on_page, (gpointer) "reports", "the reports");
    reports = pz_window_get_report_view (win);
    collect_date_fields (reports, entries, buttons, &n);
    g_assert_cmpuint (n, ==, 2);
    pick_day (buttons[0], year - 2, 1, 5);
    {
      g_autofree char *first = g_strdup_printf ("%d-01-05", year - 2);
      g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entries[0])), ==, first);
    }
    pick_day (buttons[1], year - 2, 3, 31);
    click (reports, "_Show");
    wait_for (win, report_period_shown, NULL, "the report of the period picked");
    /* the period reads the office's way */
    {
      g_autofree char *text = g_strdup_printf ("From 5 January %d to 31 March %d", year - 2, year - 2);
      g_assert_nonnull (find_label (reports, text));
    }
    save_screenshot (GTK_WIDGET (win), "polish-report-period");
    log_out (win);
  }
  gtk_window_destroy (GTK_WINDOW (win));
}

static GtkWidget *
badge_of_row (GtkWidget *root,
              GtkWidget *number)
{
  /* from the number up to the row, then the row's badge */
  for (GtkWidget *w = number; w && w != root; w = gtk_widget_get_parent (w))
    {
      GPtrArray *found = g_ptr_array_new ();
      GtkWidget *badge = NULL;
      GQueue queue = G_QUEUE_INIT;

      g_queue_push_tail (&queue, w);
      while (!g_queue_is_empty (&queue))
        {
          GtkWidget *x = g_queue_pop_head (&queue);

          if (GTK_IS_LABEL (x) && gtk_widget_has_css_class (x, "pz-badge"))
            g_ptr_array_add (found, x);
          for (GtkWidget *c = gtk_widget_get_first_child (x); c; c = gtk_widget_get_next_sibling (c))
            g_queue_push_tail (&queue, c);
        }
      if (found->len == 1)
        badge = g_ptr_array_index (found, 0);
      g_ptr_array_unref (found);
      if (badge)
        return badge;
    }
  return NULL;
}

/* 5. A file that has just arrived is on time: "due soon" means little of
 * its step's standard is left, whatever the standard. */
static void
test_new_file_on_time (void)
{
  PzWindow *win = new_window ();
  gint64 id = pz_test_register (ts, pz_test_login (ts, "front_office"), "PBG", "new");
  g_autoptr(JsonObject) file = server_file (id);
  const char *number = json_object_get_string_member (file, "registration_number");
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  GtkWidget *label, *badge;

  log_in (win, "front_office");
  wait_for (win, inbox_has, &id, "the new file in the inbox");
  label = find_label (GTK_WIDGET (win), number);
  g_assert_nonnull (label);
  badge = badge_of_row (GTK_WIDGET (win), label);
  g_assert_nonnull (badge);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (badge)), ==, "On time");
  g_assert_true (gtk_widget_has_css_class (badge, "success"));
  save_screenshot (GTK_WIDGET (win), "polish-new-file-on-time");
  log_out (win);
  gtk_window_destroy (GTK_WINDOW (win));

  /* a 10-working-day step (14 days) with 5 working days (7 days) left is on
   * time; with one day left it is due soon; past its due, overdue */
  {
    g_autoptr(GDateTime) entered = g_date_time_add_days (now, -7);
    g_autoptr(GDateTime) due = g_date_time_add_days (now, 7);
    g_autoptr(GDateTime) late_entered = g_date_time_add_days (now, -13);
    g_autoptr(GDateTime) soon = g_date_time_add_days (now, 1);
    g_autoptr(GDateTime) past = g_date_time_add_minutes (now, -1);
    g_autoptr(GDateTime) half_hour_ago = g_date_time_add_minutes (now, -1);
    g_autoptr(GDateTime) in_29 = g_date_time_add_minutes (now, 29);

    g_assert_cmpint (pz_due_state_for (entered, due, now), ==, PZ_DUE_ON_TIME);
    g_assert_cmpint (pz_due_state_for (late_entered, soon, now), ==, PZ_DUE_SOON);
    g_assert_cmpint (pz_due_state_for (late_entered, past, now), ==, PZ_DUE_OVERDUE);
    /* a 30-minute step, a minute in */
    g_assert_cmpint (pz_due_state_for (half_hour_ago, in_29, now), ==, PZ_DUE_ON_TIME);
    g_assert_cmpint (pz_due_state_for (NULL, NULL, now), ==, PZ_DUE_NONE);
  }
}

/* 6. In Indonesian. The English messages the catalogue translates, read
 * from po/id.po: one still on screen is a message not marked or not
 * translated. */
int
main (int   argc,
      char *argv[])
{
  /* accessible properties are read from the test backend's contexts */
  g_setenv ("GTK_A11Y", "test", TRUE);
  pz_test_desktop_init (&argc, &argv);

  g_test_add_func ("/polish/inbox-sorts", test_inbox_sorts);
  g_test_add_func ("/polish/empty-pages", test_empty_pages);
  g_test_add_func ("/polish/shortcuts-and-menu", test_shortcuts_and_menu);
  g_test_add_func ("/polish/accessible-names", test_accessible_names);
  g_test_add_func ("/polish/dates", test_dates);
  g_test_add_func ("/polish/new-file-on-time", test_new_file_on_time);
  return pz_test_desktop_run ();
}
