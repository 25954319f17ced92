/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the checklist viewer works out from a file's checklist: which
 * document comes next, what still keeps the check from completing, and the
 * keys the counter uses instead of the mouse. */
#include "config.h"

#include <glib/gi18n.h>

#include "pz-checklist.h"
#include "pz-permit-type.h"

static const char *
item_string (JsonObject *item,
             const char *name)
{
  JsonNode *node = json_object_get_member (item, name);

  return node && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : NULL;
}

/**
 * pz_checklist_open_items:
 * @checklist: the file's `checklist`
 *
 * Returns: (transfer full) (nullable): one line per mandatory document that
 *   keeps the check from completing and why, or %NULL when none does
 */
char *
pz_checklist_open_items (JsonArray *checklist)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; checklist && i < json_array_get_length (checklist); i++)
    {
      JsonObject *item = json_array_get_object_element (checklist, i);
      const char *state = item_string (item, "state");
      const char *title = item_string (item, "title");

      if (!pz_requirement_blocks_completion (json_object_get_boolean_member_with_default (item, "mandatory", FALSE),
                                             state))
        continue;
      if (text->len)
        g_string_append_c (text, '\n');
      /* the same words the server answers with when it refuses */
      {
        g_autofree char *reason = pz_requirement_open_reason (title, state);
        g_string_append (text, reason);
      }
    }
  return text->len ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

static int
index_of (JsonArray  *checklist,
          const char *requirement)
{
  for (guint i = 0; checklist && i < json_array_get_length (checklist); i++)
    if (g_strcmp0 (item_string (json_array_get_object_element (checklist, i), "requirement"), requirement) == 0)
      return (int) i;
  return -1;
}

/**
 * pz_checklist_next_to_check:
 * @checklist: the file's `checklist`
 * @current: (nullable): the document on screen
 *
 * The document to show once @current has its verdict: the next one with
 * no verdict yet (uploaded or still to upload), from the start again after
 * the last.
 *
 * Returns: (transfer none) (nullable): its requirement, or %NULL when every
 *   other document has its verdict
 */
const char *
pz_checklist_next_to_check (JsonArray  *checklist,
                            const char *current)
{
  guint n = checklist ? json_array_get_length (checklist) : 0;
  int at = index_of (checklist, current);
  guint start = at < 0 ? 0 : (guint) at + 1;

  for (guint k = 0; k < n; k++)
    {
      guint i = (start + k) % n;
      JsonObject *item = json_array_get_object_element (checklist, i);

      if ((int) i != at && item_string (item, "verdict") == NULL)
        return item_string (item, "requirement");
    }
  return NULL;
}

/**
 * pz_checklist_neighbour:
 * @checklist: the file's `checklist`
 * @current: (nullable): the document on screen
 * @step: 1 for the next document, -1 for the one before
 *
 * Returns: (transfer none) (nullable): the requirement beside @current in
 *   the list, or %NULL at either end
 */
const char *
pz_checklist_neighbour (JsonArray  *checklist,
                        const char *current,
                        int         step)
{
  int at = index_of (checklist, current) + step;

  if (checklist == NULL || at < 0 || at >= (int) json_array_get_length (checklist))
    return NULL;
  return item_string (json_array_get_object_element (checklist, (guint) at), "requirement");
}

/**
 * pz_checklist_add_shortcuts:
 * @page: the checklist viewer
 *
 * The keys of the check, wherever the focus is in the viewer: Alt+O and
 * Alt+N give the verdict (the same in every language, unlike mnemonics),
 * Alt+Page Down and Alt+Page Up go through the documents (Page Down alone
 * turns the scan's pages), Ctrl+Enter completes the check. The shortcuts
 * window (ui/gtk/help-overlay.ui) and the tooltips name the same keys.
 */
void
pz_checklist_add_shortcuts (GtkWidget *page)
{
  static const struct {
    guint           keyval;
    GdkModifierType mods;
    const char     *action;
    const char     *target;
  } keys[] = {
    { GDK_KEY_o, GDK_ALT_MASK, "win.document-verdict", "ok" },
    { GDK_KEY_n, GDK_ALT_MASK, "win.document-verdict", "not_ok" },
    { GDK_KEY_Page_Down, GDK_ALT_MASK, "win.next-document", NULL },
    { GDK_KEY_Page_Up, GDK_ALT_MASK, "win.previous-document", NULL },
    { GDK_KEY_Return, GDK_CONTROL_MASK, "win.approve-documents", NULL },
    { GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "win.approve-documents", NULL },
  };
  GtkEventController *controller = gtk_shortcut_controller_new ();

  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (controller), GTK_SHORTCUT_SCOPE_LOCAL);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      GtkShortcut *shortcut = gtk_shortcut_new (gtk_keyval_trigger_new (keys[i].keyval, keys[i].mods),
                                                gtk_named_action_new (keys[i].action));

      if (keys[i].target)
        gtk_shortcut_set_arguments (shortcut, g_variant_new_string (keys[i].target));
      gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller), shortcut);
    }
  gtk_widget_add_controller (page, controller);
}
