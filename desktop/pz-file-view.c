/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-file-view"

#include "config.h"

#include <glib/gi18n.h>

#include "perizinan.h"
#include "pz-file-history.h"
#include "pz-file-item.h"
#include "pz-file-view.h"
#include "pz-outcome.h"
#include "pz-widgets.h"

/* The window's right side: no file, the open file (or the registration
 * form) read from top to bottom, or its checklist viewer.
 *
 * The open file is built from the JSON the server sent: what it says, the
 * step's form and actions (PzFileForm), what the steps produced, the
 * checklist, the clocks and the history (PzFileHistory). A verdict given
 * from the checklist is asked of the window by ::verdict-requested; the
 * other buttons are the window's win.* actions, as in PzChecklistPage. */
struct _PzFileView
{
  GtkWidget            parent_instance;

  GtkStack            *stack;
  GtkScrolledWindow   *scrolled;
  GtkBox              *content;
  GtkBox              *file_box;
  GtkLabel            *number_label;
  GtkLabel            *applicant_label;
  GtkLabel            *step_badge;
  GtkLabel            *due_badge;
  GtkBox              *returned_box;
  PzFileForm          *form;
  AdwPreferencesGroup *outputs_group;
  AdwPreferencesGroup *checklist_group;
  GtkButton           *documents_button;
  AdwActionRow        *name_row;
  AdwActionRow        *nik_row;
  AdwActionRow        *address_row;
  AdwActionRow        *phone_row;
  AdwActionRow        *email_row;
  AdwPreferencesGroup *permit_group;
  AdwActionRow        *type_row;
  AdwActionRow        *permit_number_row;
  AdwActionRow        *tracking_row;
  AdwActionRow        *due_row;
  AdwPreferencesGroup *survey_group;
  AdwActionRow        *survey_date_row;
  AdwActionRow        *surveyor_row;
  AdwActionRow        *recommendation_row;
  AdwActionRow        *findings_row;
  PzFileHistory       *history;
  PzChecklistPage     *checklist_page;

  GtkWidget           *registration;  /* in the file's place, or NULL */
  char                *due_css;       /* the due badge's class of the moment */
};

G_DEFINE_FINAL_TYPE (PzFileView, pz_file_view, GTK_TYPE_WIDGET)

enum {
  VERDICT_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
pz_file_view_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), PZ_TYPE_FILE_VIEW);
  G_OBJECT_CLASS (pz_file_view_parent_class)->dispose (object);
}

static void
pz_file_view_finalize (GObject *object)
{
  g_free (PZ_FILE_VIEW (object)->due_css);
  G_OBJECT_CLASS (pz_file_view_parent_class)->finalize (object);
}

static void
pz_file_view_class_init (PzFileViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pz_file_view_dispose;
  object_class->finalize = pz_file_view_finalize;

  /**
   * PzFileView::verdict-requested:
   * @requirement: the document's requirement
   * @verdict: `ok` or `not_ok`
   *
   * A verdict button of the checklist was pressed.
   */
  signals[VERDICT_REQUESTED] = g_signal_new ("verdict-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                             NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  g_type_ensure (PZ_TYPE_CHECKLIST_PAGE);
  g_type_ensure (PZ_TYPE_FILE_FORM);
  g_type_ensure (PZ_TYPE_FILE_HISTORY);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/id/go/perizinan/Perizinan/pz-file-view.ui");
  gtk_widget_class_bind_template_child (widget_class, PzFileView, stack);
  gtk_widget_class_bind_template_child (widget_class, PzFileView, scrolled);
  gtk_widget_class_bind_template_child (widget_class, PzFileView, content);
  gtk_widget_class_bind_template_child (widget_class, PzFileView, file_box);
  gtk_widget_class_bind_template_child (widget_class, PzFileView, number_label);
  gtk_widget_class_bind_template_child (widget_class, PzFileView, applicant_label);
  gtk_widget_class_bind_template_child (widget_class, PzFileView, step_badge);
  gtk_widget_class_bind_template_child (widget_class, PzFileView, due_badge);
  gtk_widget_class_bind_template_child (widget_class, PzFileView, returned_box);
  gtk_widget_class_bind_template_child (widget_class, PzFileView, form);
  gtk_widget_class_bind_template_child (widget_class, PzFileView, outputs_group);
  gtk_widget_class_bind_template_child (widget_class, PzFileView, checklist_group);
  gtk_widget_class_bind_template_child (widget_class, PzFileView, documents_button);
  gtk_widget_class_bind_template_child (widget_class, PzFileView, name_row);
  gtk_widget_class_bind_template_child (widget_class, PzFileView, nik_row);
  gtk_widget_class_bind_template_child (widget_class, PzFileView, address_row);
  gtk_widget_class_bind_template_child (widget_class, PzFileView, phone_row);
  gtk_widget_class_bind_template_child (widget_class, PzFileView, email_row);
  gtk_widget_class_bind_template_child (widget_class, PzFileView, permit_group);
  gtk_widget_class_bind_template_child (widget_class, PzFileView, type_row);
  gtk_widget_class_bind_template_child (widget_class, PzFileView, permit_number_row);
  gtk_widget_class_bind_template_child (widget_class, PzFileView, tracking_row);
  gtk_widget_class_bind_template_child (widget_class, PzFileView, due_row);
  gtk_widget_class_bind_template_child (widget_class, PzFileView, survey_group);
  gtk_widget_class_bind_template_child (widget_class, PzFileView, survey_date_row);
  gtk_widget_class_bind_template_child (widget_class, PzFileView, surveyor_row);
  gtk_widget_class_bind_template_child (widget_class, PzFileView, recommendation_row);
  gtk_widget_class_bind_template_child (widget_class, PzFileView, findings_row);
  gtk_widget_class_bind_template_child (widget_class, PzFileView, history);
  gtk_widget_class_bind_template_child (widget_class, PzFileView, checklist_page);
}

static void
pz_file_view_init (PzFileView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_visible (GTK_WIDGET (self->file_box), FALSE);
}

GtkWidget *
pz_file_view_new (void)
{
  return g_object_new (PZ_TYPE_FILE_VIEW, NULL);
}

static void
set_value (AdwActionRow *row,
           const char   *value)
{
  adw_action_row_set_subtitle (row, value && *value ? value : "—");
}

static void
build_header (PzFileView *self,
              JsonObject *file,
              GHashTable *steps)
{
  JsonObject *applicant = json_object_get_object_member (file, "applicant");
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(PzFileItem) summary = pz_file_item_new_from_json (file, now);
  g_autofree char *sub = g_strdup_printf ("%s · %s", pz_json_get_string (applicant, "name"),
                                          pz_json_get_string (file, "permit_type_name"));
  const char *status = pz_json_get_string (file, "status");
  PzDueState due = pz_file_item_get_due_state (summary);
  JsonArray *allowed = json_object_get_array_member (file, "allowed_actions");
  GtkWidget *returned, *child;

  gtk_label_set_text (self->number_label, pz_json_get_string (file, "registration_number"));
  gtk_label_set_text (self->applicant_label, sub);
  gtk_label_set_text (self->step_badge, pz_step_title (steps, pz_json_get_string (file, "step")));
  /* a closed file says how it ended: issued or refused */
  gtk_widget_set_visible (GTK_WIDGET (self->step_badge),
                          g_strcmp0 (status, "in_progress") == 0 || g_strcmp0 (status, "waiting_applicant") == 0);
  gtk_label_set_text (self->due_badge, pz_due_state_label (due));
  if (self->due_css)
    gtk_widget_remove_css_class (GTK_WIDGET (self->due_badge), self->due_css);
  g_free (self->due_css);
  self->due_css = g_strdup (pz_due_state_css_class (due));
  if (self->due_css)
    gtk_widget_add_css_class (GTK_WIDGET (self->due_badge), self->due_css);

  /* why the file came back, before anything else is read */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->returned_box))))
    gtk_box_remove (self->returned_box, child);
  returned = allowed && json_array_get_length (allowed) ? pz_returned_banner_new (file) : NULL;
  if (returned)
    gtk_box_append (self->returned_box, returned);
  gtk_widget_set_visible (GTK_WIDGET (self->returned_box), returned != NULL);
}

/* What the steps produced (receipt, BAP, draft, permit, refusal): the
 * window previews, prints and saves them. */
static void
build_outputs (PzFileView *self,
               JsonObject *file)
{
  JsonArray *outputs = json_object_get_array_member (file, "outputs");

  pz_group_clear (self->outputs_group);
  gtk_widget_set_visible (GTK_WIDGET (self->outputs_group), outputs && json_array_get_length (outputs) > 0);
  for (guint i = 0; outputs && i < json_array_get_length (outputs); i++)
    {
      JsonObject *o = json_array_get_object_element (outputs, i);
      const char *kind = pz_json_get_string (o, "kind");
      GtkWidget *row = adw_action_row_new ();
      static const struct { const char *icon; const char *action; const char *label; } buttons[] = {
        { "edit-find-symbolic", "win.preview-output", N_("Preview") },
        { "document-print-symbolic", "win.print-output", N_("Print") },
        { "document-save-symbolic", "win.save-output", N_("Save a copy") },
      };

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), pz_output_kind_title (kind));
      if (pz_json_get_string (o, "created_at"))
        {
          g_autofree char *when = pz_format_local_time (pz_json_get_string (o, "created_at"));
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), when);
        }
      for (guint b = 0; b < G_N_ELEMENTS (buttons); b++)
        {
          GtkWidget *button = gtk_button_new_from_icon_name (buttons[b].icon);
          g_autofree char *a11y = g_strdup_printf ("%s: %s", _(buttons[b].label), pz_output_kind_title (kind));

          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          gtk_widget_add_css_class (button, "flat");
          gtk_widget_set_tooltip_text (button, _(buttons[b].label));
          gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
          gtk_actionable_set_action_name (GTK_ACTIONABLE (button), buttons[b].action);
          gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", kind);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
        }
      pz_group_add_row (self->outputs_group, row);
    }
}

static void
verdict_clicked (GtkButton  *button,
                 PzFileView *self)
{
  g_signal_emit (self, signals[VERDICT_REQUESTED], 0, g_object_get_data (G_OBJECT (button), "requirement"),
                 g_object_get_data (G_OBJECT (button), "verdict"));
}

static void
add_verdict_buttons (PzFileView *self,
                     GtkWidget  *row,
                     JsonObject *item,
                     const char *state)
{
  static const struct { const char *verdict; const char *label; } buttons[] = {
    { "ok", N_("OK") }, { "not_ok", N_("Not OK") },
  };

  for (guint b = 0; b < G_N_ELEMENTS (buttons); b++)
    {
      g_autofree char *a11y = NULL;
      GtkWidget *button;

      /* only the verdict it does not have yet */
      if (g_strcmp0 (state, buttons[b].verdict) == 0)
        continue;
      button = gtk_button_new_with_label (_(buttons[b].label));
      a11y = g_strdup_printf ("%s: %s", _(buttons[b].label), pz_json_get_string (item, "title"));
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
      g_object_set_data_full (G_OBJECT (button), "requirement", g_strdup (pz_json_get_string (item, "requirement")),
                              g_free);
      g_object_set_data (G_OBJECT (button), "verdict", (gpointer) buttons[b].verdict);
      g_signal_connect (button, "clicked", G_CALLBACK (verdict_clicked), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }
}

static void
build_checklist (PzFileView *self,
                 JsonObject *file,
                 JsonObject *step)
{
  JsonArray *checklist = json_object_get_array_member (file, "checklist");
  JsonArray *allowed = json_object_get_array_member (file, "allowed_actions");
  gboolean can_check = step && json_object_get_boolean_member_with_default (step, "documents", FALSE) &&
                       allowed && json_array_get_length (allowed) > 0;
  guint checked = 0, total = 0;
  g_autofree char *title = NULL;

  pz_group_clear (self->checklist_group);
  gtk_widget_set_visible (GTK_WIDGET (self->checklist_group), checklist && json_array_get_length (checklist) > 0);
  if (checklist == NULL || json_array_get_length (checklist) == 0)
    return;
  for (guint i = 0; i < json_array_get_length (checklist); i++)
    {
      total++;
      if (pz_json_get_string (json_array_get_object_element (checklist, i), "verdict"))
        checked++;
    }
  title = g_strdup_printf (_("Documents (%u of %u checked)"), checked, total);
  adw_preferences_group_set_title (self->checklist_group, title);
  gtk_button_set_label (self->documents_button, can_check ? _("_Check Documents") : _("_View Documents"));
  if (can_check)
    gtk_widget_add_css_class (GTK_WIDGET (self->documents_button), "suggested-action");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->documents_button), "suggested-action");

  for (guint i = 0; i < json_array_get_length (checklist); i++)
    {
      JsonObject *item = json_array_get_object_element (checklist, i);
      const char *state = pz_json_get_string (item, "state");
      const char *note = pz_json_get_string (item, "note");
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *badge = gtk_label_new (NULL);
      g_autofree char *row_title = json_object_get_boolean_member_with_default (item, "mandatory", FALSE)
                                     ? g_strdup_printf ("%s *", pz_json_get_string (item, "title"))
                                     : g_strdup (pz_json_get_string (item, "title"));
      const char *state_text, *css;

      if (g_strcmp0 (state, "ok") == 0)
        state_text = _("OK"), css = "success";
      else if (g_strcmp0 (state, "not_ok") == 0)
        state_text = _("Not OK"), css = "error";
      else if (g_strcmp0 (state, "uploaded") == 0)
        state_text = _("Uploaded"), css = "warning";
      else
        state_text = _("Missing"), css = "dim-label";

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), row_title);
      if (note)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), note);
      gtk_label_set_text (GTK_LABEL (badge), state_text);
      gtk_widget_add_css_class (badge, "pz-badge");
      gtk_widget_add_css_class (badge, css);
      gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge);
      if (can_check && g_strcmp0 (state, "missing") != 0)
        add_verdict_buttons (self, row, item, state);
      pz_group_add_row (self->checklist_group, row);
    }
}

static void
build_permit (PzFileView *self,
              JsonObject *file,
              JsonObject *type)
{
  g_autofree char *due = pz_format_local_time (pz_json_get_string (file, "due_at"));
  JsonObject *service = json_object_has_member (file, "service") ? json_object_get_object_member (file, "service") : NULL;
  JsonObject *data = json_object_get_object_member (file, "data");

  pz_group_clear (self->permit_group);
  set_value (self->type_row, pz_json_get_string (file, "permit_type_name"));
  set_value (self->permit_number_row, pz_json_get_string (file, "permit_number"));
  set_value (self->tracking_row, pz_json_get_string (file, "tracking_code"));
  set_value (self->due_row, due);
  if (service)
    {
      double used = json_object_get_int_member_with_default (service, "office_seconds", 0) / 3600.0;
      double standard = json_object_get_int_member_with_default (service, "standard_seconds", 0) / 3600.0;
      g_autofree char *text = NULL;
      g_autofree char *service_due = NULL;

      if (pz_json_get_string (service, "started_at") == NULL)
        text = g_strdup (_("Counts from the approval of the document check"));
      else
        /* Translators: office hours used of the service standard, and the share */
        text = g_strdup_printf (_("%.1f of %.1f office hours used (%.0f%%)"), used, standard,
                                standard > 0 ? 100.0 * used / standard : 0.0);
      pz_group_add_info_row (self->permit_group, _("Service standard"), text);
      if (json_object_get_boolean_member_with_default (service, "stopped", FALSE))
        service_due = g_strdup (_("The clock stands while the file waits for the applicant"));
      else if (pz_json_get_string (service, "due_at"))
        service_due = pz_format_local_time (pz_json_get_string (service, "due_at"));
      if (service_due)
        pz_group_add_info_row (self->permit_group, _("Service due"), service_due);
    }
  if (type && data)
    {
      JsonArray *fields = pz_file_fields (file, type);

      for (guint i = 0; fields && i < json_array_get_length (fields); i++)
        {
          JsonObject *f = json_array_get_object_element (fields, i);
          g_autofree char *value = pz_json_node_to_text (json_object_get_member (data, pz_json_get_string (f, "name")));

          /* a date reads as the office writes it */
          if (g_strcmp0 (pz_json_get_string (f, "type"), "date") == 0 && pz_parse_date (value, NULL))
            {
              g_autofree char *typed = g_steal_pointer (&value);
              value = pz_format_date_text (typed);
            }
          pz_group_add_info_row (self->permit_group, pz_json_get_string (f, "label"), value);
        }
    }
}

static void
build_survey (PzFileView *self,
              JsonObject *file)
{
  JsonObject *survey = json_object_has_member (file, "survey") &&
                       JSON_NODE_HOLDS_OBJECT (json_object_get_member (file, "survey"))
                         ? json_object_get_object_member (file, "survey") : NULL;
  g_autofree char *survey_date = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->survey_group), survey != NULL);
  if (survey == NULL)
    return;
  survey_date = pz_format_date_text (pz_json_get_string (survey, "survey_date"));
  set_value (self->survey_date_row, survey_date);
  set_value (self->surveyor_row, pz_json_get_string (survey, "surveyor"));
  set_value (self->recommendation_row,
             g_strcmp0 (pz_json_get_string (survey, "recommendation"), "feasible") == 0 ? _("Feasible")
                                                                                   : _("Not feasible"));
  set_value (self->findings_row, pz_json_get_string (survey, "findings"));
}

/**
 * pz_file_view_set_file:
 * @file: the open file, as the server sent it
 * @steps: step id -> definition
 * @permit_types: code -> permit type
 * @start_step: the workflow's first step
 * @kept: (nullable): name -> what was typed in the step's form before a
 *   reload, put back
 * @approve_tooltip: (nullable): why the documents cannot be approved yet
 *
 * Shows @file, read from its top, in place of what was shown.
 */
void
pz_file_view_set_file (PzFileView *self,
                       JsonObject *file,
                       GHashTable *steps,
                       GHashTable *permit_types,
                       const char *start_step,
                       GHashTable *kept,
                       const char *approve_tooltip)
{
  JsonObject *applicant, *step, *type;
  const char *step_id;

  g_return_if_fail (PZ_IS_FILE_VIEW (self));
  g_return_if_fail (file != NULL);

  pz_file_view_clear (self);
  applicant = json_object_get_object_member (file, "applicant");
  step_id = pz_json_get_string (file, "step");
  step = step_id && steps ? g_hash_table_lookup (steps, step_id) : NULL;
  type = permit_types && pz_json_get_string (file, "permit_type")
           ? g_hash_table_lookup (permit_types, pz_json_get_string (file, "permit_type")) : NULL;

  build_header (self, file, steps);
  pz_file_form_set_step (self->form, file, step, type, steps, start_step, kept, approve_tooltip);
  build_outputs (self, file);
  build_checklist (self, file, step);
  set_value (self->name_row, pz_json_get_string (applicant, "name"));
  set_value (self->nik_row, pz_json_get_string (applicant, "nik"));
  set_value (self->address_row, pz_json_get_string (applicant, "address"));
  set_value (self->phone_row, pz_json_get_string (applicant, "phone"));
  set_value (self->email_row, pz_json_get_string (applicant, "email"));
  build_permit (self, file, type);
  build_survey (self, file);
  pz_file_history_set_file (self->history, file, steps);
  gtk_widget_set_visible (GTK_WIDGET (self->file_box), TRUE);
  pz_file_view_show (self, "file");
}

/* Takes the open file (or the registration form) away. */
void
pz_file_view_clear (PzFileView *self)
{
  GtkRoot *root;
  GtkWidget *focus;

  g_return_if_fail (PZ_IS_FILE_VIEW (self));

  /* Move the focus out before its widget goes: the scrolled view keeps
   * following a focus widget that no longer exists otherwise. */
  root = gtk_widget_get_root (GTK_WIDGET (self));
  focus = root ? gtk_root_get_focus (root) : NULL;
  if (focus && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->content)))
    gtk_root_set_focus (root, NULL);
  if (self->registration)
    gtk_box_remove (self->content, g_steal_pointer (&self->registration));
  pz_file_form_clear (self->form);
  gtk_widget_set_visible (GTK_WIDGET (self->form), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->file_box), FALSE);
}

/**
 * pz_file_view_set_registration:
 * @form: (transfer floating): the form of a new registration
 *
 * Shows @form in the file's place.
 */
void
pz_file_view_set_registration (PzFileView *self,
                               GtkWidget  *form)
{
  g_return_if_fail (PZ_IS_FILE_VIEW (self));

  pz_file_view_clear (self);
  self->registration = form;
  gtk_box_append (self->content, form);
  pz_file_view_show (self, "file");
}

/**
 * pz_file_view_get_form:
 *
 * Returns: (transfer none): the form of the open file's step
 */
PzFileForm *
pz_file_view_get_form (PzFileView *self)
{
  g_return_val_if_fail (PZ_IS_FILE_VIEW (self), NULL);

  return self->form;
}

/**
 * pz_file_view_get_checklist_page:
 *
 * Returns: (transfer none): the checklist viewer of the open file
 */
PzChecklistPage *
pz_file_view_get_checklist_page (PzFileView *self)
{
  g_return_val_if_fail (PZ_IS_FILE_VIEW (self), NULL);

  return self->checklist_page;
}

/**
 * pz_file_view_get_shown:
 *
 * Returns: `empty`, `file` or `documents`
 */
const char *
pz_file_view_get_shown (PzFileView *self)
{
  g_return_val_if_fail (PZ_IS_FILE_VIEW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

/**
 * pz_file_view_show:
 * @page: `empty` (no file open), `file` or `documents` (its checklist)
 */
void
pz_file_view_show (PzFileView *self,
                   const char *page)
{
  g_return_if_fail (PZ_IS_FILE_VIEW (self));

  gtk_stack_set_visible_child_name (self->stack, page);
}

/* A file opened is read from its top, wherever the last one was left. */
void
pz_file_view_scroll_to_top (PzFileView *self)
{
  g_return_if_fail (PZ_IS_FILE_VIEW (self));

  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scrolled), 0);
}
