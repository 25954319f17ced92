/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-admin"

#include "config.h"

#include <glib/gi18n.h>

#include "perizinan.h"
#include "pz-admin-calendar-page.h"
#include "pz-file-item.h"
#include "pz-widgets.h"

/* The office calendar: the hours working time is counted in, and the
 * days off of a year. */
struct _PzAdminCalendarPage
{
  AdwPreferencesPage   parent_instance;

  PzAdminContext      *ctx;

  GtkWidget           *opens;
  GtkWidget           *closes;
  GtkWidget           *holiday_date;
  GtkWidget           *holiday_name;
  AdwComboRow         *holiday_kind;
  AdwPreferencesGroup *holidays_group;
  GtkSpinButton       *year;
  GtkListBox          *holidays_list;
};

enum {
  OFFICE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PzAdminCalendarPage, pz_admin_calendar_page, ADW_TYPE_PREFERENCES_PAGE)

static void load_holidays (PzAdminCalendarPage *self);

static void
holiday_set (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  g_autoptr(PzAdminCalendarPage) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = pz_api_set_holiday_finish (PZ_CLIENT (source), result, &error);

  self->ctx->busy--;
  if (!pz_admin_refused (GTK_WIDGET (self), NULL, error))
    load_holidays (self);
}

static void
holiday_removed (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autoptr(PzAdminCalendarPage) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = pz_api_remove_holiday_finish (PZ_CLIENT (source), result, &error);

  self->ctx->busy--;
  if (!pz_admin_refused (GTK_WIDGET (self), NULL, error))
    load_holidays (self);
}

static void
remove_holiday_clicked (GtkButton           *button,
                        PzAdminCalendarPage *self)
{
  self->ctx->busy++;
  pz_api_remove_holiday_async (self->ctx->client, g_object_get_data (G_OBJECT (button), "date"),
                               self->ctx->cancellable, holiday_removed, g_object_ref (self));
}

static char *
long_date (const char *iso)
{
  GDate date;

  if (iso && pz_parse_date (iso, &date))
    return pz_format_date_long (&date);
  return g_strdup (iso ? iso : "");
}

static void
holidays_loaded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autoptr(PzAdminCalendarPage) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = pz_api_list_holidays_finish (PZ_CLIENT (source), result, &error);
  JsonArray *list = node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

  self->ctx->busy--;
  if (pz_admin_refused (GTK_WIDGET (self), NULL, error))
    return;
  pz_admin_clear_list (self->holidays_list);
  for (guint i = 0; list && i < json_array_get_length (list); i++)
    {
      JsonObject *h = json_array_get_object_element (list, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
      g_autofree char *when = long_date (pz_json_get_string (h, "date"));
      g_autofree char *subtitle = g_strdup_printf ("%s · %s", when, pz_holiday_kind_title (pz_json_get_string (h, "kind")));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), pz_json_get_string (h, "name"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (remove, "flat");
      gtk_widget_set_tooltip_text (remove, _("Make it a working day again"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Make it a working day again"), -1);
      g_object_set_data_full (G_OBJECT (remove), "date", g_strdup (pz_json_get_string (h, "date")), g_free);
      g_signal_connect (remove, "clicked", G_CALLBACK (remove_holiday_clicked), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
      gtk_list_box_append (self->holidays_list, row);
    }
  if (list == NULL || json_array_get_length (list) == 0)
    {
      GtkWidget *row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No days off entered for this year"));
      gtk_list_box_append (self->holidays_list, row);
    }
}

static void
load_holidays (PzAdminCalendarPage *self)
{
  int year = gtk_spin_button_get_value_as_int (self->year);
  /* Translators: the heading of the list of days off, with the year */
  g_autofree char *title = g_strdup_printf (_("Days Off in %d"), year);

  adw_preferences_group_set_title (self->holidays_group, title);
  if (self->ctx == NULL)
    return;
  self->ctx->busy++;
  pz_api_list_holidays_async (self->ctx->client, year, self->ctx->cancellable, holidays_loaded,
                              g_object_ref (self));
}

static void
add_holiday_clicked (PzAdminCalendarPage *self)
{
  guint kind = adw_combo_row_get_selected (self->holiday_kind);
  GDate date;

  /* the list shows the year of the day added */
  if (pz_parse_date (pz_admin_entry_text (self->holiday_date), &date))
    {
      g_signal_handlers_block_by_func (self->year, load_holidays, self);
      gtk_spin_button_set_value (self->year, g_date_get_year (&date));
      g_signal_handlers_unblock_by_func (self->year, load_holidays, self);
    }
  self->ctx->busy++;
  pz_api_set_holiday_async (self->ctx->client, pz_admin_entry_text (self->holiday_date),
                            pz_admin_entry_text (self->holiday_name), pz_holiday_kinds[MIN (kind, 2)],
                            self->ctx->cancellable, holiday_set, g_object_ref (self));
  gtk_editable_set_text (GTK_EDITABLE (self->holiday_name), "");
}

static void
hours_saved (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  g_autoptr(PzAdminCalendarPage) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = pz_api_update_office_finish (PZ_CLIENT (source), result, &error);

  self->ctx->busy--;
  if (pz_admin_refused (GTK_WIDGET (self), NULL, error))
    return;
  if (JSON_NODE_HOLDS_OBJECT (node))
    g_signal_emit (self, signals[OFFICE_CHANGED], 0, json_node_get_object (node));
  pz_toast (GTK_WIDGET (self), _("Office hours saved; working time is counted with them from now on"));
}

static void
save_hours_clicked (PzAdminCalendarPage *self)
{
  g_autoptr(JsonObject) obj = json_object_new ();

  json_object_set_string_member (obj, "opens", pz_admin_entry_text (self->opens));
  json_object_set_string_member (obj, "closes", pz_admin_entry_text (self->closes));
  self->ctx->busy++;
  pz_api_update_office_async (self->ctx->client, obj, self->ctx->cancellable, hours_saved, g_object_ref (self));
}

static void
pz_admin_calendar_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), PZ_TYPE_ADMIN_CALENDAR_PAGE);
  G_OBJECT_CLASS (pz_admin_calendar_page_parent_class)->dispose (object);
}

/* the context outlives dispose: an answer still on its way counts down */
static void
pz_admin_calendar_page_finalize (GObject *object)
{
  PzAdminCalendarPage *self = PZ_ADMIN_CALENDAR_PAGE (object);

  g_clear_pointer (&self->ctx, pz_admin_context_unref);
  G_OBJECT_CLASS (pz_admin_calendar_page_parent_class)->finalize (object);
}

static void
pz_admin_calendar_page_class_init (PzAdminCalendarPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = pz_admin_calendar_page_dispose;
  G_OBJECT_CLASS (klass)->finalize = pz_admin_calendar_page_finalize;

  /**
   * PzAdminCalendarPage::office-changed:
   * @office: the office as the server has it now
   *
   * The office hours were saved.
   */
  signals[OFFICE_CHANGED] =
    g_signal_new ("office-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, JSON_TYPE_OBJECT);

  gtk_widget_class_set_template_from_resource (widget_class, "/id/go/perizinan/Perizinan/pz-admin-calendar-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PzAdminCalendarPage, opens);
  gtk_widget_class_bind_template_child (widget_class, PzAdminCalendarPage, closes);
  gtk_widget_class_bind_template_child (widget_class, PzAdminCalendarPage, holiday_date);
  gtk_widget_class_bind_template_child (widget_class, PzAdminCalendarPage, holiday_name);
  gtk_widget_class_bind_template_child (widget_class, PzAdminCalendarPage, holiday_kind);
  gtk_widget_class_bind_template_child (widget_class, PzAdminCalendarPage, holidays_group);
  gtk_widget_class_bind_template_child (widget_class, PzAdminCalendarPage, year);
  gtk_widget_class_bind_template_child (widget_class, PzAdminCalendarPage, holidays_list);
  gtk_widget_class_bind_template_callback (widget_class, save_hours_clicked);
  gtk_widget_class_bind_template_callback (widget_class, add_holiday_clicked);
}

static void
pz_admin_calendar_page_init (PzAdminCalendarPage *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  gtk_widget_init_template (GTK_WIDGET (self));
  pz_date_row_add_picker (ADW_ENTRY_ROW (self->holiday_date));
  gtk_spin_button_set_value (self->year, g_date_time_get_year (now));
  g_signal_connect_swapped (self->year, "value-changed", G_CALLBACK (load_holidays), self);
}

void
pz_admin_calendar_page_set_context (PzAdminCalendarPage *self,
                                    PzAdminContext      *ctx)
{
  g_clear_pointer (&self->ctx, pz_admin_context_unref);
  self->ctx = pz_admin_context_ref (ctx);
}

/**
 * pz_admin_calendar_page_reload:
 *
 * Reads the days off of the year shown from the server.
 */
void
pz_admin_calendar_page_reload (PzAdminCalendarPage *self)
{
  load_holidays (self);
}

/**
 * pz_admin_calendar_page_show_office:
 * @office: the office, with its hours
 */
void
pz_admin_calendar_page_show_office (PzAdminCalendarPage *self,
                                    JsonObject          *office)
{
  gtk_editable_set_text (GTK_EDITABLE (self->opens), pz_json_get_string (office, "opens"));
  gtk_editable_set_text (GTK_EDITABLE (self->closes), pz_json_get_string (office, "closes"));
}
