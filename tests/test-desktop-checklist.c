/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The counter with the mouse and the keyboard: the registration form, then
 * the checklist viewer, from the first upload to the receipt. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#include "pz-demo.h"
#include "pz-test-desktop.h"
#include "pz-test-server.h"
#include "pz-window.h"

/* What a key press does, found the way GTK finds it: the shortcut
 * controllers from the focus up to the window (the widgets' own keys and
 * their classes' bindings), then the window-wide ones (mnemonics). Returns
 * whether a shortcut took the key. */
static gboolean
trigger_matches (GtkShortcutTrigger *trigger,
                 guint               keyval,
                 GdkModifierType     mods)
{
  if (GTK_IS_KEYVAL_TRIGGER (trigger))
    return gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == gdk_keyval_to_lower (keyval) &&
           gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == mods;
  if (GTK_IS_MNEMONIC_TRIGGER (trigger))
    return mods == GDK_ALT_MASK &&
           gtk_mnemonic_trigger_get_keyval (GTK_MNEMONIC_TRIGGER (trigger)) == gdk_keyval_to_lower (keyval);
  if (GTK_IS_ALTERNATIVE_TRIGGER (trigger))
    return trigger_matches (gtk_alternative_trigger_get_first (GTK_ALTERNATIVE_TRIGGER (trigger)), keyval, mods) ||
           trigger_matches (gtk_alternative_trigger_get_second (GTK_ALTERNATIVE_TRIGGER (trigger)), keyval, mods);
  return FALSE;
}

static gboolean
widget_takes_key (GtkWidget      *widget,
                  guint           keyval,
                  GdkModifierType mods,
                  gboolean        managed)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  if (!gtk_widget_is_sensitive (widget) || !gtk_widget_get_mapped (widget))
    return FALSE;
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) c = g_list_model_get_item (controllers, i);
      gboolean is_managed;

      if (!GTK_IS_SHORTCUT_CONTROLLER (c))
        continue;
      is_managed = gtk_shortcut_controller_get_scope (GTK_SHORTCUT_CONTROLLER (c)) != GTK_SHORTCUT_SCOPE_LOCAL;
      if (is_managed != managed)
        continue;
      for (guint s = 0; s < g_list_model_get_n_items (G_LIST_MODEL (c)); s++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (c), s);

          if (trigger_matches (gtk_shortcut_get_trigger (shortcut), keyval, mods) &&
              gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), GTK_SHORTCUT_ACTION_EXCLUSIVE,
                                            widget, gtk_shortcut_get_arguments (shortcut)))
            return TRUE;
        }
    }
  return FALSE;
}

static gboolean
tree_takes_key (GtkWidget      *root,
                guint           keyval,
                GdkModifierType mods)
{
  if (widget_takes_key (root, keyval, mods, TRUE))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_get_mapped (child) && tree_takes_key (child, keyval, mods))
      return TRUE;
  return FALSE;
}

static gboolean
press_key (PzWindow       *win,
           guint           keyval,
           GdkModifierType mods)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (win));
  gboolean taken = FALSE;

  for (GtkWidget *w = focus ? focus : GTK_WIDGET (win); w && !taken; w = gtk_widget_get_parent (w))
    taken = widget_takes_key (w, keyval, mods, FALSE);
  if (!taken)
    taken = tree_takes_key (GTK_WIDGET (win), keyval, mods);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return taken;
}

/* The button that does an action, whatever its label says (the look test
 * runs in Indonesian too). */
static GtkWidget *
find_action_button (GtkWidget  *root,
                    const char *action,
                    const char *target)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child) && gtk_widget_get_mapped (child) &&
          g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (child)), action) == 0)
        {
          GVariant *t = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (child));

          if (target == NULL || (t && g_strcmp0 (g_variant_get_string (t, NULL), target) == 0))
            return child;
        }
      if ((found = find_action_button (child, action, target)))
        return found;
    }
  return NULL;
}

static GtkWidget *
must_find (GtkWidget  *root,
           const char *action,
           const char *target)
{
  GtkWidget *w = find_action_button (root, action, target);

  if (w == NULL)
    g_error ("no button for %s %s", action, target ? target : "");
  return w;
}

static void
settle (PzWindow *win)
{
  while (pz_window_is_busy (win) || g_main_context_iteration (NULL, FALSE))
    g_main_context_iteration (NULL, FALSE);
}

static gboolean
idle (PzWindow *win,
      gpointer  data)
{
  return !pz_window_is_busy (win);
}

typedef struct { gint64 id; const char *requirement; const char *state; } ItemState;

static const char *
server_state (gint64      id,
              const char *requirement)
{
  static char state[32];
  g_autoptr(JsonObject) file = server_file (id);
  JsonArray *checklist = json_object_get_array_member (file, "checklist");

  for (guint i = 0; i < json_array_get_length (checklist); i++)
    {
      JsonObject *item = json_array_get_object_element (checklist, i);

      if (g_strcmp0 (json_object_get_string_member (item, "requirement"), requirement) == 0)
        {
          g_strlcpy (state, json_object_get_string_member (item, "state"), sizeof state);
          return state;
        }
    }
  return NULL;
}

static gboolean
item_in_state (PzWindow *win,
               gpointer  data)
{
  ItemState *want = data;
  JsonObject *file = pz_window_get_file (win);
  JsonArray *checklist = file ? json_object_get_array_member (file, "checklist") : NULL;

  if (pz_window_is_busy (win) || checklist == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (checklist); i++)
    {
      JsonObject *item = json_array_get_object_element (checklist, i);

      if (g_strcmp0 (json_object_get_string_member (item, "requirement"), want->requirement) == 0)
        return g_strcmp0 (json_object_get_string_member (item, "state"), want->state) == 0;
    }
  return FALSE;
}

typedef struct { gint64 id; const char *step; } AtStep;

static gboolean
file_at_step (PzWindow *win,
              gpointer  data)
{
  AtStep *want = data;
  JsonObject *file = pz_window_get_file (win);

  return !pz_window_is_busy (win) && file && json_object_get_int_member (file, "id") == want->id &&
         g_strcmp0 (json_object_get_string_member (file, "step"), want->step) == 0;
}

static gboolean
documents_shown (PzWindow *win,
                 gpointer  data)
{
  return !pz_window_is_busy (win) && pz_window_get_document_requirement (win) &&
         find_action_button (GTK_WIDGET (win), "win.close-documents", NULL) != NULL;
}

static gboolean
preview_ready (PzWindow *win,
               gpointer  data)
{
  return !pz_window_is_busy (win) && pz_window_get_preview (win) != NULL &&
         gtk_widget_get_mapped (pz_window_get_preview (win));
}

static void
assert_tooltip_has (GtkWidget  *widget,
                    const char *part)
{
  const char *tip = gtk_widget_get_tooltip_text (widget);

  if (tip == NULL || strstr (tip, part) == NULL)
    g_error ("tooltip “%s” does not say “%s”", tip ? tip : "(none)", part);
}

/* Chooses @path in the file chooser that @button opens, and accepts it. */
static void
upload_through_chooser (PzWindow   *win,
                        GtkWidget  *button,
                        const char *path)
{
  g_autoptr(GFile) scan = g_file_new_for_path (path);
  GtkWidget *chooser;

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
}

static const char *
entry_text (PzWindow   *win,
            const char *title)
{
  return gtk_editable_get_text (GTK_EDITABLE (row (win, title)));
}

static const char *
combo_text (PzWindow   *win,
            const char *title)
{
  GObject *item = adw_combo_row_get_selected_item (ADW_COMBO_ROW (row (win, title)));

  return item ? gtk_string_object_get_string (GTK_STRING_OBJECT (item)) : NULL;
}

/* The counter opens the form with Ctrl+N; a second Ctrl+N on a half-typed
 * form asks first and Keep keeps every value; a NIK that breaks the rule is
 * explained with the focus on it; Enter in the last field registers. Then
 * the documents: each uploaded with the viewer's Upload button, checked
 * with Alt+O or OK (each moving on to the next document), Not OK needs a
 * note, and Documents Complete stays insensitive, saying why, until every
 * mandatory document is OK. The receipt is then there to see. */
static void
test_counter_journey (void)
{
  PzWindow *win = new_window ();
  g_autofree char *dir = g_dir_make_tmp ("pz-checklist-XXXXXX", NULL);
  g_autoptr(GPtrArray) scans = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonObject) registered = NULL;
  JsonArray *checklist;
  GtkWidget *focus, *data_field, *ok, *not_ok, *upload, *complete, *next, *previous, *button, *dialog;
  gint64 id;
  guint n;

  log_in (win, "front_office");

  /* Ctrl+N: the form, the caret in the name */
  g_assert_true (press_key (win, GDK_KEY_n, GDK_CONTROL_MASK));
  wait_for (win, registration_shown, NULL, "the registration form");
  pick (row (win, "Permit type"), "Izin Reklame");
  pick (row (win, "Request type"), "Renewal");
  type_in (row (win, "Name *"), "Siti Rahmawati", FALSE);
  type_in (row (win, "NIK (16 digits) *"), "3201014", FALSE);
  type_in (row (win, "Address *"), "Jl. Melati No. 9, Sukamaju", FALSE);
  type_in (row (win, "Phone *"), "0813 2222 3333", FALSE);
  type_in (row (win, "E-mail"), "siti@example.id", FALSE);
  data_field = last_entry_row (GTK_WIDGET (win));
  g_assert_true (ADW_IS_ENTRY_ROW (data_field));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (data_field)), !=, "E-mail");
  type_in (data_field, "2026-12-10", FALSE);

  /* a stray Ctrl+N asks; Keep keeps everything typed and chosen */
  g_assert_true (press_key (win, GDK_KEY_n, GDK_CONTROL_MASK));
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "Discard the Registration Being Typed?");
  g_assert_nonnull (find_widget (dialog, GTK_TYPE_BUTTON, "_Discard"));
  press (find_widget (dialog, GTK_TYPE_BUTTON, "_Keep Typing"));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (find_dialog ());
  g_assert_cmpstr (combo_text (win, "Permit type"), ==, "Izin Reklame");
  g_assert_cmpstr (combo_text (win, "Request type"), ==, "Renewal");
  g_assert_cmpstr (entry_text (win, "Name *"), ==, "Siti Rahmawati");
  g_assert_cmpstr (entry_text (win, "NIK (16 digits) *"), ==, "3201014");
  g_assert_cmpstr (entry_text (win, "Address *"), ==, "Jl. Melati No. 9, Sukamaju");
  g_assert_cmpstr (entry_text (win, "Phone *"), ==, "0813 2222 3333");
  g_assert_cmpstr (entry_text (win, "E-mail"), ==, "siti@example.id");
  g_assert_true (last_entry_row (GTK_WIDGET (win)) == data_field);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (data_field)), ==, "2026-12-10");

  /* Enter in the last field: the NIK's rule, and the caret in the NIK */
  type_in (data_field, "2026-12-10", TRUE);
  g_assert_null (pz_window_get_file (win));
  g_assert_nonnull (find_label (GTK_WIDGET (win), "7 digits were typed"));
  g_assert_nonnull (find_label (GTK_WIDGET (win), "The NIK is the 16 digits on the ID card (KTP)"));
  focus = gtk_root_get_focus (GTK_ROOT (win));
  g_assert_nonnull (focus);
  g_assert_true (gtk_widget_is_ancestor (focus, row (win, "NIK (16 digits) *")));
  g_assert_true (gtk_widget_has_css_class (row (win, "NIK (16 digits) *"), "error"));
  g_assert_false (gtk_widget_has_css_class (row (win, "Name *"), "error"));

  type_in (row (win, "NIK (16 digits) *"), "3201014512900003", FALSE);
  type_in (last_entry_row (GTK_WIDGET (win)), "2026-12-10", TRUE);
  settle (win);
  if (find_label (GTK_WIDGET (win), "•"))
    g_error ("not registered: %s", gtk_label_get_text (GTK_LABEL (find_label (GTK_WIDGET (win), "•"))));
  {
    gint64 none = 0;
    wait_for (win, new_file_open, &none, "the registered file");
  }
  id = json_object_get_int_member (pz_window_get_file (win), "id");
  registered = server_file (id);
  g_assert_cmpstr (json_object_get_string_member (registered, "permit_type"), ==, "REKLAME");
  g_assert_cmpstr (json_object_get_string_member (registered, "request_type"), ==, "renewal");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (registered, "applicant"), "email"),
                   ==, "siti@example.id");

  /* the registration is completed with its button */
  press (find_widget (GTK_WIDGET (win), GTK_TYPE_BUTTON, "Complete Registration"));
  {
    AtStep want = { id, "document_check" };
    wait_for (win, file_at_step, &want, "the document check");
  }
  /* the approval of the check cannot act yet, and says why */
  button = find_widget (GTK_WIDGET (win), GTK_TYPE_BUTTON, "Documents Complete");
  g_assert_nonnull (button);
  g_assert_false (gtk_widget_is_sensitive (button));
  assert_tooltip_has (button, "Every mandatory document must be uploaded and marked OK first");
  assert_tooltip_has (button, "not uploaded");

  g_clear_pointer (&registered, json_object_unref);
  registered = server_file (id);
  checklist = json_object_get_array_member (registered, "checklist");
  n = json_array_get_length (checklist);
  g_assert_cmpuint (n, >=, 2);
  for (guint i = 0; i < n; i++)
    {
      const char *code = json_object_get_string_member (json_array_get_object_element (checklist, i), "requirement");
      g_autofree char *name = g_strdup_printf ("%s.pdf", code);
      char *path = g_build_filename (dir, name, NULL);
      g_autoptr(GBytes) pdf = pz_demo_scan_pdf (code, 1);

      g_assert_true (g_file_set_contents (path, g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf), NULL));
      g_ptr_array_add (scans, path);
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (checklist, i), "state"), ==,
                       "missing");
    }

  press (find_widget (GTK_WIDGET (win), GTK_TYPE_BUTTON, "_Check Documents"));
  wait_for (win, documents_shown, NULL, "the checklist viewer");
  ok = must_find (GTK_WIDGET (win), "win.document-verdict", "ok");
  not_ok = must_find (GTK_WIDGET (win), "win.document-verdict", "not_ok");
  upload = must_find (GTK_WIDGET (win), "win.upload-document", NULL);
  complete = must_find (GTK_WIDGET (win), "win.approve-documents", NULL);
  next = must_find (GTK_WIDGET (win), "win.next-document", NULL);
  previous = must_find (GTK_WIDGET (win), "win.previous-document", NULL);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (complete)), ==, "Documents Complete");

  /* the first document is not uploaded: no verdict can be given on it */
  g_assert_cmpstr (pz_window_get_document_requirement (win), ==,
                   json_object_get_string_member (json_array_get_object_element (checklist, 0), "requirement"));
  g_assert_false (gtk_widget_is_sensitive (ok));
  g_assert_false (gtk_widget_is_sensitive (not_ok));
  assert_tooltip_has (ok, "Not uploaded yet");
  assert_tooltip_has (not_ok, "Not uploaded yet");
  g_assert_false (press_key (win, GDK_KEY_o, GDK_ALT_MASK));
  settle (win);
  g_assert_cmpstr (server_state (id, pz_window_get_document_requirement (win)), ==, "missing");
  g_assert_false (gtk_widget_is_sensitive (complete));
  assert_tooltip_has (complete, "not uploaded");
  g_assert_false (gtk_widget_is_sensitive (previous));
  assert_tooltip_has (previous, "first document");
  g_assert_true (gtk_widget_is_sensitive (next));
  assert_tooltip_has (next, "Alt+Page Down");
  save_screenshot (GTK_WIDGET (win), "checklist-missing");

  /* Alt+Page Down and Alt+Page Up go through the documents */
  g_assert_true (press_key (win, GDK_KEY_Page_Down, GDK_ALT_MASK));
  settle (win);
  g_assert_cmpstr (pz_window_get_document_requirement (win), ==,
                   json_object_get_string_member (json_array_get_object_element (checklist, 1), "requirement"));
  g_assert_true (press_key (win, GDK_KEY_Page_Up, GDK_ALT_MASK));
  settle (win);
  g_assert_cmpstr (pz_window_get_document_requirement (win), ==,
                   json_object_get_string_member (json_array_get_object_element (checklist, 0), "requirement"));

  for (guint i = 0; i < n; i++)
    {
      JsonObject *item = json_array_get_object_element (checklist, i);
      const char *code = json_object_get_string_member (item, "requirement");
      ItemState uploaded = { id, code, "uploaded" };
      ItemState checked = { id, code, "ok" };

      g_assert_cmpstr (pz_window_get_document_requirement (win), ==, code);
      upload_through_chooser (win, upload, g_ptr_array_index (scans, i));
      wait_for (win, item_in_state, &uploaded, "the uploaded document");
      g_assert_cmpstr (server_state (id, code), ==, "uploaded");
      g_assert_true (gtk_widget_is_sensitive (ok));
      assert_tooltip_has (ok, "(Alt+O)");
      assert_tooltip_has (not_ok, "(Alt+N)");
      if (i + 1 < n)
        g_assert_false (gtk_widget_is_sensitive (complete));
      if (i == 0)
        save_screenshot (GTK_WIDGET (win), "checklist-uploaded");

      if (i + 1 == n)
        {
          ItemState refused = { id, code, "not_ok" };

          /* Not OK needs a note: the caret goes there */
          g_assert_true (press_key (win, GDK_KEY_n, GDK_ALT_MASK));
          settle (win);
          g_assert_nonnull (find_label (GTK_WIDGET (win), "Write in the note what is wrong"));
          g_assert_cmpstr (server_state (id, code), ==, "uploaded");
          focus = gtk_root_get_focus (GTK_ROOT (win));
          g_assert_true (GTK_IS_ENTRY (gtk_widget_get_ancestor (focus, GTK_TYPE_ENTRY)));
          gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_ancestor (focus, GTK_TYPE_ENTRY)),
                                 "Halaman kedua tidak terbaca");
          g_assert_true (press_key (win, GDK_KEY_n, GDK_ALT_MASK));
          wait_for (win, item_in_state, &refused, "the document marked not OK");
          g_assert_cmpstr (server_state (id, code), ==, "not_ok");
          /* every document has its verdict: it stays on this one */
          g_assert_cmpstr (pz_window_get_document_requirement (win), ==, code);
          if (json_object_get_boolean_member (item, "mandatory"))
            {
              g_assert_false (gtk_widget_is_sensitive (complete));
              assert_tooltip_has (complete, "marked not OK");
            }
          save_screenshot (GTK_WIDGET (win), "checklist-not-ok");
          /* the applicant brings a better copy: OK now, with the button */
          press (ok);
        }
      else if (i == 0)
        g_assert_true (press_key (win, GDK_KEY_o, GDK_ALT_MASK));
      else
        press (ok);
      wait_for (win, item_in_state, &checked, "the document marked OK");
      g_assert_cmpstr (server_state (id, code), ==, "ok");
      if (i + 1 < n)
        {
          /* OK goes on to the next document, the caret on its upload */
          g_assert_cmpstr (pz_window_get_document_requirement (win), ==,
                           json_object_get_string_member (json_array_get_object_element (checklist, i + 1),
                                                          "requirement"));
          g_assert_true (gtk_root_get_focus (GTK_ROOT (win)) == upload ||
                         gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (win)), upload));
          g_assert_false (gtk_widget_is_sensitive (complete));
        }
    }

  /* every mandatory document is OK: the check can complete */
  g_assert_true (gtk_widget_is_sensitive (complete));
  assert_tooltip_has (complete, "Ctrl+Enter");
  g_assert_true (gtk_root_get_focus (GTK_ROOT (win)) == complete);
  save_screenshot (GTK_WIDGET (win), "checklist-complete");
  press (complete);
  {
    AtStep want = { id, "technical_survey" };
    wait_for (win, file_at_step, &want, "the file past the document check");
  }
  {
    g_autoptr(JsonObject) after = server_file (id);
    g_assert_cmpstr (json_object_get_string_member (after, "step"), ==, "technical_survey");
  }
  /* back on the file, the inbox beside it, and the receipt there to see */
  g_assert_null (find_action_button (GTK_WIDGET (win), "win.close-documents", NULL));
  g_assert_nonnull (find_widget (GTK_WIDGET (win), ADW_TYPE_PREFERENCES_ROW, "Receipt"));
  press (find_tooltip (GTK_WIDGET (win), "Preview"));
  wait_for (win, preview_ready, NULL, "the receipt preview");
  {
    GtkWidget *preview = gtk_widget_get_ancestor (pz_window_get_preview (win), GTK_TYPE_WINDOW);
    g_autofree char *path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/outputs/receipt", id);
    g_autoptr(PzResponse) receipt = pz_test_request_full (ts, "GET", path, pz_test_login (ts, "front_office"),
                                                          NULL, NULL, NULL);
    g_autofree char *text = NULL;

    g_assert_true (g_str_has_prefix (gtk_window_get_title (GTK_WINDOW (preview)), "Receipt — "));
    g_assert_nonnull (find_widget (preview, GTK_TYPE_BUTTON, "_Print"));
    g_assert_cmpuint (receipt->status, ==, 200);
    text = pz_test_pdf_text (receipt->body);
    g_assert_nonnull (strstr (text, "Siti Rahmawati"));
    save_screenshot (preview, "checklist-receipt");
    gtk_window_destroy (GTK_WINDOW (preview));
  }

  for (guint i = 0; i < scans->len; i++)
    g_unlink (g_ptr_array_index (scans, i));
  g_rmdir (dir);
  gtk_window_destroy (GTK_WINDOW (win));
}

/* The keys the viewer answers to are named in the shortcuts window. */
static void
test_shortcuts_window (void)
{
  PzWindow *win = new_window ();
  GtkShortcutsWindow *overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (win));
  static const char * const keys[] = {
    "<Control>n", "<Alt>o", "<Alt>n", "<Alt>Page_Down", "<Alt>Page_Up", "<Control>Return", NULL
  };

  g_assert_nonnull (overlay);
  for (guint k = 0; keys[k]; k++)
    {
      gboolean found = FALSE;
      GtkWidget *stack = GTK_WIDGET (overlay);
      g_autoptr(GPtrArray) pending = g_ptr_array_new ();

      g_ptr_array_add (pending, stack);
      while (pending->len && !found)
        {
          GtkWidget *w = g_ptr_array_steal_index (pending, pending->len - 1);

          if (GTK_IS_SHORTCUTS_SHORTCUT (w))
            {
              g_autofree char *accel = NULL;

              g_object_get (w, "accelerator", &accel, NULL);
              found = g_strcmp0 (accel, keys[k]) == 0;
            }
          for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
            g_ptr_array_add (pending, c);
        }
      if (!found)
        g_error ("the shortcuts window does not name %s", keys[k]);
    }
  /* the menu opens it */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.show-help-overlay", NULL));
  gtk_window_destroy (GTK_WINDOW (overlay));
  gtk_window_destroy (GTK_WINDOW (win));
}

/* Logs in by the fields' places, not their (translated) titles. */
static void
log_in_any_language (PzWindow   *win,
                     const char *username)
{
  GtkWidget *pass = find_widget (GTK_WIDGET (win), ADW_TYPE_PASSWORD_ENTRY_ROW, NULL);
  GtkWidget *user = find_widget (GTK_WIDGET (win), ADW_TYPE_ENTRY_ROW, NULL);

  g_assert_nonnull (user);
  g_assert_nonnull (pass);
  if (user == pass)
    user = find_widget (gtk_widget_get_parent (gtk_widget_get_parent (pass)), ADW_TYPE_ENTRY_ROW, NULL);
  gtk_editable_set_text (GTK_EDITABLE (user), username);
  gtk_editable_set_text (GTK_EDITABLE (pass), "demo");
  gtk_widget_activate_action (GTK_WIDGET (win), "win.login", NULL);
  wait_for (win, idle_on_page, (gpointer) "main", "the main page");
}

/* The viewer at 1024×600, in whatever language the environment asks for
 * (LANGUAGE=id for Indonesian): nothing is cut off, every control fits. */
static void
test_look (void)
{
  PzWindow *win = new_window ();
  gint64 id = pz_test_register (ts, pz_test_login (ts, "front_office"), "PBG", "new");
  g_autoptr(JsonObject) file = NULL;
  JsonArray *checklist;
  const char *lang = g_getenv ("LANGUAGE") ? g_getenv ("LANGUAGE") : "en";
  g_autofree char *shot = NULL;
  GtkWidget *complete, *ok;
  int min_width, nat_width, min_height;
  graphene_rect_t bounds;
  GtkWidget *page, *progress;

  pz_test_drive_to (ts, id, "document_check");
  file = server_file (id);
  checklist = json_object_get_array_member (file, "checklist");
  /* one document uploaded and checked, one uploaded, the rest missing */
  for (guint i = 0; i < 2; i++)
    {
      const char *code = json_object_get_string_member (json_array_get_object_element (checklist, i), "requirement");
      g_autofree char *path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/documents/%s", id, code);
      g_autoptr(GBytes) pdf = pz_demo_scan_pdf (code, 2);
      g_autoptr(PzResponse) up = pz_test_request_full (ts, "PUT", path, pz_test_login (ts, "front_office"),
                                                       "application/pdf", pdf, NULL);
      g_assert_cmpuint (up->status, ==, 201);
    }
  gtk_window_set_default_size (GTK_WINDOW (win), 1024, 600);
  log_in_any_language (win, "front_office");
  open_file (win, id);
  press (must_find (GTK_WIDGET (win), "win.check-documents", NULL));
  wait_for (win, documents_shown, NULL, "the checklist viewer");
  g_assert_true (press_key (win, GDK_KEY_o, GDK_ALT_MASK));
  wait_for (win, idle, NULL, "the verdict");
  settle (win);
  shot = g_strdup_printf ("checklist-1024x600-%s", lang);
  save_screenshot (GTK_WIDGET (win), shot);
  g_free (shot);
  /* the viewer does not need more than the screen */
  page = gtk_widget_get_ancestor (must_find (GTK_WIDGET (win), "win.close-documents", NULL), GTK_TYPE_PANED);
  gtk_widget_measure (page, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
  g_assert_cmpint (min_width, <=, 1024 - 20);
  gtk_widget_measure (page, GTK_ORIENTATION_VERTICAL, 1024 - 20, &min_height, NULL, NULL, NULL);
  g_assert_cmpint (min_height, <=, 600 - 60);
  /* the whole count of the documents shows */
  progress = find_label (page, "6");
  g_assert_nonnull (progress);
  g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (progress))));

  /* the buttons show their whole labels */
  complete = must_find (GTK_WIDGET (win), "win.approve-documents", NULL);
  ok = must_find (GTK_WIDGET (win), "win.document-verdict", "ok");
  gtk_widget_measure (complete, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, &nat_width, NULL, NULL);
  g_assert_true (gtk_widget_compute_bounds (complete, complete, &bounds));
  g_assert_cmpfloat (bounds.size.width, >=, nat_width);
  gtk_widget_measure (ok, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, &nat_width, NULL, NULL);
  g_assert_true (gtk_widget_compute_bounds (ok, ok, &bounds));
  g_assert_cmpfloat (bounds.size.width, >=, nat_width);
  /* a missing one */
  g_assert_true (press_key (win, GDK_KEY_Page_Down, GDK_ALT_MASK));
  settle (win);
  shot = g_strdup_printf ("checklist-1024x600-missing-%s", lang);
  save_screenshot (GTK_WIDGET (win), shot);
  gtk_window_destroy (GTK_WINDOW (win));
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("PERIZINAN_LOCALEDIR");

  /* the app's own words, in the language LANGUAGE asks for (English when
   * unset, which the journeys' finders expect) */
  bindtextdomain (GETTEXT_PACKAGE, localedir && *localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  pz_test_desktop_init (&argc, &argv);
  /* gtk_test_init() leaves the C locale, where gettext reads no LANGUAGE */
  setlocale (LC_ALL, "");
  g_test_add_func ("/desktop/checklist/counter-journey", test_counter_journey);
  g_test_add_func ("/desktop/checklist/shortcuts-window", test_shortcuts_window);
  g_test_add_func ("/desktop/checklist/look", test_look);
  return pz_test_desktop_run ();
}
