/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-file-history"

#include "config.h"

#include <glib/gi18n.h>

#include "perizinan.h"
#include "pz-file-history.h"
#include "pz-file-item.h"
#include "pz-widgets.h"

/* The end of the open file: its clocks against the standards and its
 * history, the last event first. */
struct _PzFileHistory
{
  GtkBox               parent_instance;

  AdwPreferencesGroup *clocks_group;
  AdwPreferencesGroup *history_group;
};

G_DEFINE_FINAL_TYPE (PzFileHistory, pz_file_history, GTK_TYPE_BOX)

static void
pz_file_history_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), PZ_TYPE_FILE_HISTORY);
  G_OBJECT_CLASS (pz_file_history_parent_class)->dispose (object);
}

static void
pz_file_history_class_init (PzFileHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pz_file_history_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/id/go/perizinan/Perizinan/pz-file-history.ui");
  gtk_widget_class_bind_template_child (widget_class, PzFileHistory, clocks_group);
  gtk_widget_class_bind_template_child (widget_class, PzFileHistory, history_group);
}

static void
pz_file_history_init (PzFileHistory *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
pz_file_history_new (void)
{
  return g_object_new (PZ_TYPE_FILE_HISTORY, NULL);
}

static const char *
event_action_label (const char *action)
{
  if (g_strcmp0 (action, "register") == 0)
    return _("Registered");
  if (g_strcmp0 (action, "approve") == 0)
    return _("Approved");
  if (g_strcmp0 (action, "return") == 0)
    return _("Returned");
  if (g_strcmp0 (action, "refuse") == 0)
    return _("Refused");
  return action;
}

static gboolean
build_history (PzFileHistory *self,
               JsonObject    *file,
               GHashTable    *steps)
{
  JsonArray *history = json_object_get_array_member (file, "history");

  if (history == NULL)
    return FALSE;
  for (guint i = json_array_get_length (history); i > 0; i--)
    {
      JsonObject *ev = json_array_get_object_element (history, i - 1);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *when = pz_format_local_time (pz_json_get_string (ev, "at"));
      g_autofree char *spent = pz_format_duration (json_object_get_int_member_with_default (ev, "office_seconds", 0));
      const char *acting = pz_json_get_string (ev, "acting");
      const char *role_title = pz_role_title (pz_json_get_string (ev, "role"));
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;
      const char *note = pz_json_get_string (ev, "note");
      const char *from = pz_json_get_string (ev, "from_step");
      const char *to = pz_json_get_string (ev, "to_step");

      if (acting && role_title)
        /* Translators: "Approve by Budi as Plh Head of office"; the third is Plh or Plt */
        title = g_strdup_printf (_("%s by %s as %s %s"), event_action_label (pz_json_get_string (ev, "action")),
                                 pz_json_get_string (ev, "full_name"), g_str_equal (acting, "plt") ? "Plt" : "Plh",
                                 role_title);
      else
        title = g_strdup_printf (_("%s by %s"), event_action_label (pz_json_get_string (ev, "action")),
                                 pz_json_get_string (ev, "full_name"));
      if (from)
        subtitle = g_strdup_printf (_("%s · %s → %s · %s of office time"), when, pz_step_title (steps, from),
                                    pz_step_title (steps, to), spent);
      else
        subtitle = g_strdup_printf ("%s · %s", when, pz_step_title (steps, to));
      if (note)
        {
          char *with_note = g_strdup_printf ("%s\n“%s”", subtitle, note);
          g_free (subtitle);
          subtitle = with_note;
        }
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      pz_group_add_row (self->history_group, row);
    }
  return TRUE;
}

/* Office time in hours and minutes: a "day" of it is not 24 hours. */
static char *
office_time (gint64 seconds)
{
  gint64 minutes = MAX (seconds, 0) / 60;

  if (minutes < 60)
    return g_strdup_printf (_("%d min"), (int) minutes);
  return g_strdup_printf (_("%d h %d min"), (int) MIN (minutes / 60, 999999), (int) (minutes % 60));
}

/* Each stay in a step against the step's standard, in office time. */
static gboolean
build_clocks (PzFileHistory *self,
              JsonObject    *file,
              GHashTable    *steps)
{
  JsonArray *clocks = json_object_has_member (file, "clocks") ? json_object_get_array_member (file, "clocks") : NULL;

  if (clocks == NULL || json_array_get_length (clocks) == 0)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (clocks); i++)
    {
      JsonObject *c = json_array_get_object_element (clocks, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *badge;
      g_autofree char *spent = office_time (json_object_get_int_member_with_default (c, "office_seconds", 0));
      gint64 days = json_object_get_int_member_with_default (c, "standard_working_days", 0);
      g_autofree char *standard = days > 0
        ? g_strdup_printf (ngettext ("%lld working day", "%lld working days", (gulong) days), (long long) days)
        : office_time (json_object_get_int_member_with_default (c, "standard_seconds", 0));
      /* Translators: office time spent, and the step's standard */
      g_autofree char *subtitle = g_strdup_printf (_("%s of office time; standard %s"), spent, standard);
      gboolean within = json_object_get_boolean_member_with_default (c, "within_standard", TRUE);
      gboolean current = json_object_get_boolean_member_with_default (c, "current", FALSE);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), pz_step_title (steps, pz_json_get_string (c, "step")));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      badge = gtk_label_new (within ? (current ? _("Running") : _("Within")) : _("Late"));
      gtk_widget_add_css_class (badge, "pz-badge");
      gtk_widget_add_css_class (badge, within ? (current ? "dim-label" : "success") : "error");
      gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge);
      pz_group_add_row (self->clocks_group, row);
    }
  return TRUE;
}

/**
 * pz_file_history_set_file:
 * @file: (nullable): the open file, as the server sent it
 * @steps: step id -> definition, for the steps' titles
 */
void
pz_file_history_set_file (PzFileHistory *self,
                          JsonObject    *file,
                          GHashTable    *steps)
{
  gboolean clocks, history;

  g_return_if_fail (PZ_IS_FILE_HISTORY (self));

  pz_group_clear (self->clocks_group);
  pz_group_clear (self->history_group);
  clocks = file && build_clocks (self, file, steps);
  history = file && build_history (self, file, steps);
  gtk_widget_set_visible (GTK_WIDGET (self->clocks_group), clocks);
  gtk_widget_set_visible (GTK_WIDGET (self->history_group), history);
  /* nothing to show takes no room in the file either */
  gtk_widget_set_visible (GTK_WIDGET (self), clocks || history);
}
