/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-widgets"

#include "config.h"

#include <glib/gi18n.h>

#include "perizinan.h"
#include "pz-widgets.h"

/* Small pieces the window, the administration and the reports share. */

static GtkWidget *
first_of_type (GtkWidget *root,
               GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        return child;
      if ((found = first_of_type (child, type)))
        return found;
    }
  return NULL;
}

static void
date_picked (GtkCalendar *calendar,
             GtkEditable *entry)
{
  g_autoptr(GDateTime) date = gtk_calendar_get_date (calendar);
  g_autofree char *text = g_date_time_format (date, "%Y-%m-%d");
  GtkWidget *popover = gtk_widget_get_ancestor (GTK_WIDGET (calendar), GTK_TYPE_POPOVER);

  gtk_editable_set_text (entry, text);
  if (popover)
    gtk_popover_popdown (GTK_POPOVER (popover));
}

/* The calendar opens on the day already typed, or on today. */
static void
picker_shown (GtkPopover  *popover,
              GtkEditable *entry)
{
  GtkCalendar *calendar = GTK_CALENDAR (gtk_popover_get_child (popover));
  GDate typed;
  g_autoptr(GDateTime) day = NULL;

  if (pz_parse_date (gtk_editable_get_text (entry), &typed))
    day = g_date_time_new_local (g_date_get_year (&typed), g_date_get_month (&typed), g_date_get_day (&typed),
                                 12, 0, 0);
  else
    day = g_date_time_new_now_local ();
  g_signal_handlers_block_by_func (calendar, date_picked, entry);
  gtk_calendar_select_day (calendar, day);
  g_signal_handlers_unblock_by_func (calendar, date_picked, entry);
}

/**
 * pz_date_button_new:
 * @entry: where the date is typed, as YYYY-MM-DD
 *
 * Returns: (transfer floating): a button beside @entry that opens a
 *   calendar; the day picked is written into @entry
 */
GtkWidget *
pz_date_button_new (GtkEditable *entry)
{
  GtkWidget *button = gtk_menu_button_new ();
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *calendar = gtk_calendar_new ();

  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "x-office-calendar-symbolic");
  gtk_widget_set_tooltip_text (button, _("Choose a Date"));
  pz_name_control (button, _("Choose a Date"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_popover_set_child (GTK_POPOVER (popover), calendar);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), popover);
  g_signal_connect_object (calendar, "day-selected", G_CALLBACK (date_picked), entry, 0);
  g_signal_connect_object (popover, "show", G_CALLBACK (picker_shown), entry, 0);
  return button;
}

/**
 * pz_date_row_add_picker:
 * @row: an entry row for a date
 *
 * Puts a calendar button at the end of @row.
 */
void
pz_date_row_add_picker (AdwEntryRow *row)
{
  adw_entry_row_add_suffix (row, pz_date_button_new (GTK_EDITABLE (row)));
}

/**
 * pz_window_add_close_keys:
 * @window: a preview or a dialog
 *
 * Escape and Ctrl+W close @window, as in every GNOME app.
 */
void
pz_window_add_close_keys (GtkWindow *window)
{
  GtkEventController *keys = gtk_shortcut_controller_new ();

  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
                                        gtk_shortcut_new (gtk_alternative_trigger_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                                                                                       gtk_keyval_trigger_new (GDK_KEY_w, GDK_CONTROL_MASK)),
                                                          gtk_named_action_new ("window.close")));
  gtk_widget_add_controller (GTK_WIDGET (window), keys);
}

/**
 * pz_empty_page_new:
 *
 * Returns: (transfer floating): what a list shows when it has nothing
 */
GtkWidget *
pz_empty_page_new (const char *icon_name,
                   const char *title,
                   const char *description)
{
  GtkWidget *page = adw_status_page_new ();

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (page), icon_name);
  adw_status_page_set_title (ADW_STATUS_PAGE (page), title);
  adw_status_page_set_description (ADW_STATUS_PAGE (page), description);
  gtk_widget_set_vexpand (page, TRUE);
  return page;
}

/**
 * pz_name_control:
 * @control: a drop-down or a menu button
 *
 * Names @control for screen readers. The focus lands on the toggle
 * button inside it, which would otherwise be read as only what it shows
 * (the choice of a drop-down, nothing for an icon).
 */
void
pz_name_control (GtkWidget  *control,
                 const char *label)
{
  GtkWidget *button = first_of_type (control, GTK_TYPE_TOGGLE_BUTTON);

  gtk_accessible_update_property (GTK_ACCESSIBLE (control), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  if (button)
    gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static GtkWidget *
peek_button (GtkWidget *root)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child) &&
          (g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (child)), "view-reveal-symbolic") == 0 ||
           g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (child)), "view-conceal-symbolic") == 0))
        return child;
      if ((found = peek_button (child)))
        return found;
    }
  return NULL;
}

static void
name_peek (GtkText    *text,
           GParamSpec *pspec,
           GtkWidget  *peek)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (peek), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  gtk_text_get_visibility (text) ? _("Hide Password") : _("Show Password"), -1);
}

/**
 * pz_password_row_label_peek:
 *
 * Names the eye button of @row, which has only an icon (and a tooltip
 * screen readers do not take for its name).
 */
void
pz_password_row_label_peek (AdwPasswordEntryRow *row)
{
  GtkWidget *peek = peek_button (GTK_WIDGET (row));
  GtkEditable *text = gtk_editable_get_delegate (GTK_EDITABLE (row));

  if (peek == NULL || !GTK_IS_TEXT (text))
    return;
  name_peek (GTK_TEXT (text), NULL, peek);
  g_signal_connect_object (text, "notify::visibility", G_CALLBACK (name_peek), peek, G_CONNECT_AFTER);
}

static void
setup_choice (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_width_chars (GTK_LABEL (label), 6);
  gtk_list_item_set_child (item, label);
}

static void
setup_list_choice (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   gpointer                  data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_list_item_set_child (item, label);
}

static void
bind_choice (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  data)
{
  GObject *choice = gtk_list_item_get_item (item);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)),
                      GTK_IS_STRING_OBJECT (choice) ? gtk_string_object_get_string (GTK_STRING_OBJECT (choice)) : "");
}

/**
 * pz_drop_down_ellipsize:
 *
 * Lets @drop_down shrink below its longest choice, cutting the choice
 * shown with "…"; its list still shows every choice whole.
 */
void
pz_drop_down_ellipsize (GtkDropDown *drop_down)
{
  g_autoptr(GtkListItemFactory) shown = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkListItemFactory) listed = gtk_signal_list_item_factory_new ();

  g_signal_connect (shown, "setup", G_CALLBACK (setup_choice), NULL);
  g_signal_connect (shown, "bind", G_CALLBACK (bind_choice), NULL);
  g_signal_connect (listed, "setup", G_CALLBACK (setup_list_choice), NULL);
  g_signal_connect (listed, "bind", G_CALLBACK (bind_choice), NULL);
  gtk_drop_down_set_factory (drop_down, shown);
  gtk_drop_down_set_list_factory (drop_down, listed);
}

/* Rows added with pz_group_add_row() are those pz_group_clear() takes
 * away: a group of a template keeps its own. */
void
pz_group_add_row (AdwPreferencesGroup *group,
                  GtkWidget           *row)
{
  GPtrArray *rows = g_object_get_data (G_OBJECT (group), "pz-rows");

  if (rows == NULL)
    {
      rows = g_ptr_array_new ();
      g_object_set_data_full (G_OBJECT (group), "pz-rows", rows, (GDestroyNotify) g_ptr_array_unref);
    }
  g_ptr_array_add (rows, row);
  adw_preferences_group_add (group, row);
}

void
pz_group_add_info_row (AdwPreferencesGroup *group,
                       const char          *title,
                       const char          *value)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value && *value ? value : "—");
  gtk_widget_add_css_class (row, "property");
  pz_group_add_row (group, row);
}

void
pz_group_clear (AdwPreferencesGroup *group)
{
  GPtrArray *rows = g_object_get_data (G_OBJECT (group), "pz-rows");

  for (guint i = 0; rows && i < rows->len; i++)
    adw_preferences_group_remove (group, g_ptr_array_index (rows, i));
  if (rows)
    g_ptr_array_set_size (rows, 0);
}

/* A value of the permit's data as it is typed and read. */
char *
pz_json_node_to_text (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("");
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType t = json_node_get_value_type (node);
      if (t == G_TYPE_STRING)
        return g_strdup (json_node_get_string (node));
      if (t == G_TYPE_INT64)
        return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
      if (t == G_TYPE_DOUBLE)
        {
          char buf[G_ASCII_DTOSTR_BUF_SIZE];
          return g_strdup (g_ascii_dtostr (buf, sizeof buf, json_node_get_double (node)));
        }
      if (t == G_TYPE_BOOLEAN)
        return g_strdup (json_node_get_boolean (node) ? _("Yes") : _("No"));
    }
  return json_to_string (node, FALSE);
}

/* The permit's fields of a file: those of the edition of its permit type
 * it was registered under, as the server sends them. */
JsonArray *
pz_file_fields (JsonObject *file,
                JsonObject *type)
{
  if (file && json_object_has_member (file, "fields"))
    return json_object_get_array_member (file, "fields");
  return type && json_object_has_member (type, "fields") ? json_object_get_array_member (type, "fields") : NULL;
}

/* A step's title in the user's language, or its id when the office has
 * no such step. */
const char *
pz_step_title (GHashTable *steps,
               const char *id)
{
  JsonObject *step = id && steps ? g_hash_table_lookup (steps, id) : NULL;
  const char *title = pz_json_get_string (step, "title");

  return title ? g_dgettext (GETTEXT_PACKAGE, title) : id;
}
