/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The whole app in Indonesian: every screen a role sees, with no English
 * message left, dates and numbers written the Indonesian way. */
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

static GHashTable *
english_messages (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "..", "po", "id.po", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *msgids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GString *id = NULL, *str = NULL, *current = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] || id; i++)
    {
      const char *line = lines[i] ? lines[i] : "";
      const char *quoted = NULL;

      if (g_str_has_prefix (line, "msgid "))
        {
          if (id && str && id->len && str->len && strcmp (id->str, str->str) != 0)
            {
              /* without the mnemonic: as a label shows it */
              GString *shown = g_string_new (NULL);
              for (const char *c = id->str; *c; c++)
                if (*c != '_')
                  g_string_append_c (shown, *c);
              g_hash_table_add (msgids, g_string_free (shown, FALSE));
            }
          if (id)
            g_string_free (id, TRUE);
          if (str)
            g_string_free (str, TRUE);
          id = g_string_new (NULL);
          str = NULL;
          current = id;
          quoted = line + 6;
        }
      else if (g_str_has_prefix (line, "msgstr ") || g_str_has_prefix (line, "msgstr[0] "))
        {
          str = g_string_new (NULL);
          current = str;
          quoted = strchr (line, ' ') + 1;
        }
      else if (g_str_has_prefix (line, "msgid_plural") || g_str_has_prefix (line, "msgstr["))
        current = NULL;
      else if (line[0] == '"')
        quoted = line;
      else if (line[0] == '\0' && lines[i] == NULL)
        {
          if (id)
            g_string_free (id, TRUE);
          if (str)
            g_string_free (str, TRUE);
          id = str = NULL;
          break;
        }
      if (quoted && current && quoted[0] == '"')
        {
          g_autofree char *inner = g_strndup (quoted + 1, strlen (quoted) - 2);
          g_autofree char *unescaped = g_strcompress (inner);
          g_string_append (current, unescaped);
        }
    }
  return msgids;
}

static void
find_english (GtkWidget  *root,
              GHashTable *msgids,
              const char *where,
              GPtrArray  *found)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      const char *tooltip = gtk_widget_get_tooltip_text (child);

      if (!gtk_widget_get_mapped (child))
        continue;
      if (GTK_IS_LABEL (child) && g_hash_table_contains (msgids, gtk_label_get_text (GTK_LABEL (child))))
        g_ptr_array_add (found, g_strdup_printf ("%s: “%s”", where, gtk_label_get_text (GTK_LABEL (child))));
      if (tooltip && g_hash_table_contains (msgids, tooltip))
        g_ptr_array_add (found, g_strdup_printf ("%s: tooltip “%s”", where, tooltip));
      find_english (child, msgids, where, found);
    }
}

/* Every window on screen. */
static void
check_screen (GHashTable *msgids,
              const char *where,
              GPtrArray  *found)
{
  g_autoptr(GList) windows = gtk_window_list_toplevels ();

  for (GList *l = windows; l; l = l->next)
    if (gtk_widget_get_mapped (l->data))
      {
        const char *title = gtk_window_get_title (l->data);

        if (title && g_hash_table_contains (msgids, title))
          g_ptr_array_add (found, g_strdup_printf ("%s: window title “%s”", where, title));
        wait_for_frames (l->data);
        find_english (l->data, msgids, where, found);
        /* and the window fits the office's 1024×600 screen */
        if (PZ_IS_WINDOW (l->data) && gtk_widget_get_width (l->data) > 1024)
          g_ptr_array_add (found, g_strdup_printf ("%s: the window is %d pixels wide", where,
                                                   gtk_widget_get_width (l->data)));
      }
}

static void
log_in_id (PzWindow   *win,
           const char *username,
           const char *page)
{
  GtkWidget *user = find_widget (GTK_WIDGET (win), ADW_TYPE_ENTRY_ROW, NULL);
  GtkWidget *pass = find_widget (GTK_WIDGET (win), ADW_TYPE_PASSWORD_ENTRY_ROW, NULL);

  gtk_editable_set_text (GTK_EDITABLE (user), username);
  gtk_editable_set_text (GTK_EDITABLE (pass), "demo");
  gtk_widget_activate_action (GTK_WIDGET (win), "win.login", NULL);
  wait_for (win, idle_on_page, (gpointer) page, "the first page");
}

static gboolean
docs_open (PzWindow *win,
           gpointer  data)
{
  return !pz_window_is_busy (win) && pz_window_get_document_requirement (win) != NULL;
}

static void
test_indonesian (void)
{
  g_autoptr(GHashTable) msgids = english_messages ();
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *locale_dir = NULL;
  PzWindow *win;
  GtkWidget *menu_button;

  g_assert_cmpuint (g_hash_table_size (msgids), >, 500);
  g_assert_true (g_hash_table_contains (msgids, "Log In"));
  /* An office PC runs in id_ID.UTF-8; gettext reads no catalogue in the C
   * locale the tests run in. The locale is compiled here from the
   * system's definitions, so the test needs none installed. */
  {
    g_autofree char *dir = g_dir_make_tmp ("pz-locale-XXXXXX", NULL);
    g_autofree char *out = g_build_filename (dir, "id_ID.UTF-8", NULL);
    const char *argv[] = { "localedef", "-i", "id_ID", "-f", "UTF-8", out, NULL };
    int status = 0;

    if (setlocale (LC_MESSAGES, "id_ID.UTF-8") == NULL)
      {
        g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                                     NULL, NULL, NULL, NULL, &status, NULL));
        g_setenv ("LOCPATH", dir, TRUE);
        g_assert_nonnull (setlocale (LC_MESSAGES, "id_ID.UTF-8"));
      }
    locale_dir = g_steal_pointer (&dir);
  }
  /* as the app does at its start, with the build's catalogue */
  g_setenv ("LANGUAGE", "id", TRUE);
  pz_bind_translations ();
  g_assert_cmpstr (_("Log In"), !=, "Log In");

  win = new_window ();
  gtk_window_set_default_size (GTK_WINDOW (win), 1024, 600);
  check_screen (msgids, "login", found);
  save_screenshot (GTK_WIDGET (win), "polish-id-login");

  for (guint r = 0; demo_roles[r]; r++)
    {
      g_autofree char *where = g_strdup_printf ("%s inbox", demo_roles[r]);
      g_autofree char *shot = g_strdup_printf ("polish-id-%s", demo_roles[r]);

      log_in_id (win, demo_roles[r], "main");
      check_screen (msgids, where, found);
      menu_button = find_any (GTK_WIDGET (win), GTK_TYPE_MENU_BUTTON);
      gtk_menu_button_popup (GTK_MENU_BUTTON (menu_button));
      check_screen (msgids, "the main menu", found);
      gtk_menu_button_popdown (GTK_MENU_BUTTON (menu_button));
      /* the first file of the list, as the user opens it */
      if (g_list_model_get_n_items (pz_window_get_inbox (win)) > 0)
        {
          g_autoptr(PzFileItem) first = g_list_model_get_item (pz_window_get_inbox (win), 0);
          gint64 id = pz_file_item_get_id (first);
          g_autofree char *file_where = g_strdup_printf ("%s file", demo_roles[r]);

          open_file (win, id);
          check_screen (msgids, file_where, found);
          save_screenshot (GTK_WIDGET (win), shot);
          gtk_widget_activate_action (GTK_WIDGET (win), "win.check-documents", NULL);
          if (gtk_widget_get_mapped (pz_window_get_document_view (win)))
            {
              wait_for (win, docs_open, NULL, "the checklist");
              check_screen (msgids, "the checklist", found);
              if (r == 0)
                save_screenshot (GTK_WIDGET (win), "polish-id-checklist");
              gtk_widget_activate_action (GTK_WIDGET (win), "win.close-documents", NULL);
            }
        }
      if (r == 0)
        {
          gtk_widget_activate_action (GTK_WIDGET (win), "win.new-registration", NULL);
          wait_for (win, registration_shown, NULL, "the registration form");
          check_screen (msgids, "the registration form", found);
          save_screenshot (GTK_WIDGET (win), "polish-id-registration");
          /* the question before what was typed is thrown away */
          set_text (win, "name", "Budi");
          gtk_widget_activate_action (GTK_WIDGET (win), "win.new-registration", NULL);
          wait_for (win, dialog_shown, NULL, "the discard question");
          check_screen (msgids, "the discard question", found);
          adw_message_dialog_response (open_message_dialog (), "discard");
          while (g_main_context_iteration (NULL, FALSE))
            ;
          gtk_widget_activate_action (GTK_WIDGET (win), "win.show-late", NULL);
          wait_for (win, idle_on_page, (gpointer) "main", "the late files");
          check_screen (msgids, "the late files", found);
          gtk_widget_activate_action (GTK_WIDGET (win), "win.show-late", NULL);
          wait_for (win, idle_on_page, (gpointer) "main", "the inbox");
          /* the shortcuts */
          gtk_widget_activate_action (GTK_WIDGET (win), "win.show-help-overlay", NULL);
          wait_for (win, toplevel_shown, GSIZE_TO_POINTER (GTK_TYPE_SHORTCUTS_WINDOW), "the shortcuts window");
          check_screen (msgids, "the shortcuts window", found);
          save_screenshot (visible_toplevel (GTK_TYPE_SHORTCUTS_WINDOW), "polish-id-shortcuts");
          gtk_window_close (GTK_WINDOW (visible_toplevel (GTK_TYPE_SHORTCUTS_WINDOW)));
          wait_for (win, toplevel_gone, GSIZE_TO_POINTER (GTK_TYPE_SHORTCUTS_WINDOW), "the shortcuts to close");
        }
      if (g_strcmp0 (demo_roles[r], "kadis") == 0)
        {
          gtk_widget_activate_action (GTK_WIDGET (win), "win.show-reports", NULL);
          wait_for (win, idle_on_page, (gpointer) "reports", "the reports");
          {
            PzReportView *view = PZ_REPORT_VIEW (pz_window_get_report_view (win));
            gint64 until = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

            while ((pz_report_view_is_busy (view) || pz_report_view_get_report (view) == NULL) &&
                   g_get_monotonic_time () < until)
              g_main_context_iteration (NULL, TRUE);
          }
          check_screen (msgids, "the reports", found);
          save_screenshot (GTK_WIDGET (win), "polish-id-reports");
        }
      log_out (win);
    }

  /* the administrator's pages and dialogs */
  log_in_id (win, "admin", "admin");
  {
    PzAdminView *admin = PZ_ADMIN_VIEW (pz_window_get_admin_view (win));
    static const char * const pages[] = { "users", "calendar", "office", "types", "audit" };

    for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
      {
        g_autofree char *where = g_strdup_printf ("administration: %s", pages[i]);
        g_autofree char *shot = g_strdup_printf ("polish-id-admin-%s", pages[i]);
        GtkWidget *row;

        pz_admin_view_show_page (admin, pages[i]);
        wait_for (win, admin_idle, NULL, "the page");
        check_screen (msgids, where, found);
        save_screenshot (GTK_WIDGET (win), shot);
        /* the dialog each list opens */
        if ((i == 0 || i == 3) && (row = find_widget (GTK_WIDGET (win), ADW_TYPE_ACTION_ROW, NULL)))
          {
            g_autofree char *dialog_where = g_strdup_printf ("administration: %s dialog", pages[i]);
            GtkWidget *dialog;

            g_signal_emit_by_name (row, "activated");
            wait_for (win, dialog_window_shown, NULL, "the dialog");
            wait_for (win, admin_idle, NULL, "the dialog's data");
            dialog = open_dialog_window ();
            check_screen (msgids, dialog_where, found);
            {
              g_autofree char *dshot = g_strdup_printf ("polish-id-admin-%s-dialog", pages[i]);
              save_screenshot (dialog, dshot);
            }
            gtk_window_destroy (GTK_WINDOW (dialog));
            wait_for (win, dialog_window_gone, NULL, "the dialog to close");
          }
      }
  }
  log_out (win);
  gtk_window_destroy (GTK_WINDOW (win));

  for (guint i = 0; i < found->len; i++)
    g_test_message ("still in English or too wide: %s", (char *) g_ptr_array_index (found, i));
  if (found->len)
    g_error ("%u messages still in English or too wide, the first: %s", found->len, (char *) g_ptr_array_index (found, 0));
  g_unsetenv ("LANGUAGE");
  setlocale (LC_MESSAGES, "");
  pz_bind_translations ();
  if (locale_dir)
    {
      g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", locale_dir);
      g_assert_true (g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL));
    }
}

int
main (int   argc,
      char *argv[])
{
  /* accessible properties are read from the test backend's contexts */
  g_setenv ("GTK_A11Y", "test", TRUE);
  pz_test_desktop_init (&argc, &argv);

  /* the process reads Indonesian from here on */
  g_test_add_func ("/polish/indonesian", test_indonesian);
  return pz_test_desktop_run ();
}
