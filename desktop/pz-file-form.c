/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-file-form"

#include "config.h"

#include <glib/gi18n.h>

#include "perizinan.h"
#include "pz-file-form.h"
#include "pz-file-item.h"
#include "pz-widgets.h"

/* The step of the open file this user acts on: the form the step asks for
 * (built from the permit type's fields and the step's definition), the
 * note, and one button per allowed action. The buttons are the window's
 * actions (win.act, win.approve-documents, win.upload-signed-scan), which
 * the window enables while nothing is on its way; the widget only shows
 * what was typed and gives it back. */
struct _PzFileForm
{
  GtkWidget    parent_instance;

  GtkLabel    *heading;
  GtkBox      *form_box;
  GtkLabel    *note_label;
  GtkTextView *note_view;
  GtkLabel    *error_label;
  GtkBox      *buttons;

  GHashTable  *form;     /* name -> GtkWidget where it is typed */
};

G_DEFINE_FINAL_TYPE (PzFileForm, pz_file_form, GTK_TYPE_WIDGET)

static void
pz_file_form_dispose (GObject *object)
{
  PzFileForm *self = PZ_FILE_FORM (object);
  GtkWidget *child;

  g_clear_pointer (&self->form, g_hash_table_unref);
  gtk_widget_dispose_template (GTK_WIDGET (object), PZ_TYPE_FILE_FORM);
  /* the frame holds the bound children, but is not bound itself */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))))
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (pz_file_form_parent_class)->dispose (object);
}

static void
pz_file_form_class_init (PzFileFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pz_file_form_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/id/go/perizinan/Perizinan/pz-file-form.ui");
  gtk_widget_class_bind_template_child (widget_class, PzFileForm, heading);
  gtk_widget_class_bind_template_child (widget_class, PzFileForm, form_box);
  gtk_widget_class_bind_template_child (widget_class, PzFileForm, note_label);
  gtk_widget_class_bind_template_child (widget_class, PzFileForm, note_view);
  gtk_widget_class_bind_template_child (widget_class, PzFileForm, error_label);
  gtk_widget_class_bind_template_child (widget_class, PzFileForm, buttons);
}

static void
pz_file_form_init (PzFileForm *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->form = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

GtkWidget *
pz_file_form_new (void)
{
  return g_object_new (PZ_TYPE_FILE_FORM, NULL);
}

static const char *
first_role_title (JsonObject *step)
{
  JsonArray *roles = step && json_object_has_member (step, "roles")
                       ? json_object_get_array_member (step, "roles") : NULL;

  if (roles == NULL || json_array_get_length (roles) == 0)
    return NULL;
  return pz_role_title (json_array_get_string_element (roles, 0));
}

static const char *
target_of (JsonObject *step,
           const char *action)
{
  JsonObject *actions = json_object_get_object_member (step, "actions");
  return pz_json_get_string (actions, action);
}

/**
 * pz_file_form_action_label:
 * @steps: step id -> its definition
 * @start_step: the workflow's first step
 * @step: the step acted on
 * @action: `approve`, `return` or `refuse`
 *
 * What the button says comes from the step's definition: its form, where
 * the action leads and who acts there.
 *
 * Returns: (transfer full): the label of the action's button
 */
char *
pz_file_form_action_label (GHashTable *steps,
                           const char *start_step,
                           JsonObject *step,
                           const char *action)
{
  const char *form = pz_json_get_string (step, "form");
  const char *to = target_of (step, action);
  JsonObject *target = to && steps ? g_hash_table_lookup (steps, to) : NULL;

  if (g_str_equal (action, "refuse"))
    return g_strdup (_("Refuse"));
  if (g_str_equal (action, "return"))
    {
      if (g_strcmp0 (pz_json_get_string (target, "clock"), "applicant") == 0)
        return g_strdup (_("Return to Applicant"));
      return g_strdup_printf (_("Return to %s"), first_role_title (target));
    }
  if (g_strcmp0 (form, "survey") == 0)
    return g_strdup (_("Submit Survey Report"));
  if (g_strcmp0 (form, "permit_fields") == 0)
    return g_strdup (_("Submit Draft"));
  if (g_strcmp0 (form, "documents_complete") == 0)
    return g_strdup (_("Documents Complete"));
  if (g_strcmp0 (form, "numbering") == 0)
    return g_strdup (_("Assign Number"));
  if (g_strcmp0 (form, "signature") == 0)
    return g_strdup (_("Sign Permit"));
  if (g_strcmp0 (form, "handover") == 0)
    return g_strdup (_("Hand Over Permit"));
  if (target_of (step, "refuse"))
    return g_strdup (_("Approve Permit"));
  if (g_strcmp0 (pz_json_get_string (step, "clock"), "applicant") == 0)
    return g_strdup (_("Documents Brought In"));
  if (g_strcmp0 (pz_json_get_string (step, "id"), start_step) == 0)
    return g_strdup (_("Complete Registration"));
  if (first_role_title (target))
    return g_strdup_printf (_("Forward to %s"), first_role_title (target));
  return g_strdup (_("Approve"));
}

/**
 * pz_file_form_widget_text:
 * @widget: a widget of a form: an entry, a text view or a combo row
 *
 * Returns: (transfer full): what it holds; a combo row of codes gives the
 *   code chosen, the survey's recommendation `feasible` or `not_feasible`
 */
char *
pz_file_form_widget_text (GtkWidget *widget)
{
  if (GTK_IS_TEXT_VIEW (widget))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget));
      GtkTextIter start, end;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    }
  if (ADW_IS_COMBO_ROW (widget) && g_object_get_data (G_OBJECT (widget), "codes"))
    {
      /* a choice among codes (permit type, request type) gives its code */
      GListModel *codes = g_object_get_data (G_OBJECT (widget), "codes");
      guint i = adw_combo_row_get_selected (ADW_COMBO_ROW (widget));
      g_autoptr(GtkStringObject) code = i < g_list_model_get_n_items (codes) ? g_list_model_get_item (codes, i) : NULL;

      return g_strdup (code ? gtk_string_object_get_string (code) : "");
    }
  if (ADW_IS_COMBO_ROW (widget))
    return g_strdup (adw_combo_row_get_selected (ADW_COMBO_ROW (widget)) == 0 ? "feasible" : "not_feasible");
  if (GTK_IS_EDITABLE (widget))
    return g_strdup (gtk_editable_get_text (GTK_EDITABLE (widget)));
  return g_strdup ("");
}

static GtkWidget *
group_new (PzFileForm *self,
           const char *title)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  gtk_box_append (self->form_box, group);
  return group;
}

static GtkWidget *
entry_row (PzFileForm *self,
           GtkWidget  *group,
           GHashTable *kept,
           const char *name,
           const char *title,
           const char *value)
{
  GtkWidget *row = adw_entry_row_new ();
  const char *typed = kept ? g_hash_table_lookup (kept, name) : NULL;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_editable_set_text (GTK_EDITABLE (row), typed ? typed : value ? value : "");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  g_hash_table_insert (self->form, g_strdup (name), row);
  return row;
}

/* A text of several lines with its heading, as the note of the template. */
static void
text_area (PzFileForm *self,
           const char *name,
           const char *title,
           const char *kept)
{
  GtkWidget *label = gtk_label_new (title);
  GtkWidget *frame = gtk_frame_new (NULL);
  GtkWidget *view = gtk_text_view_new ();

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "heading");
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 8);
  gtk_widget_set_size_request (view, -1, 72);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  gtk_frame_set_child (GTK_FRAME (frame), view);
  gtk_box_append (self->form_box, label);
  gtk_box_append (self->form_box, frame);
  if (kept)
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), kept, -1);
  g_hash_table_insert (self->form, g_strdup (name), view);
}

static void
build_survey (PzFileForm *self,
              GHashTable *kept)
{
  g_autoptr(GDateTime) today = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (today, "%Y-%m-%d");
  GtkWidget *combo = adw_combo_row_new ();
  const char *choices[] = { _("Feasible"), _("Not feasible"), NULL };
  const char *recommendation = kept ? g_hash_table_lookup (kept, "recommendation") : NULL;
  GtkWidget *group = group_new (self, _("Inspection report (BAP)"));

  pz_date_row_add_picker (ADW_ENTRY_ROW (entry_row (self, group, kept, "survey_date", _("Survey date (YYYY-MM-DD)"),
                                                    date)));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (combo), _("Recommendation"));
  adw_combo_row_set_model (ADW_COMBO_ROW (combo), G_LIST_MODEL (gtk_string_list_new (choices)));
  if (g_strcmp0 (recommendation, "not_feasible") == 0)
    adw_combo_row_set_selected (ADW_COMBO_ROW (combo), 1);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), combo);
  g_hash_table_insert (self->form, g_strdup ("recommendation"), combo);
  text_area (self, "findings", _("Findings"), kept ? g_hash_table_lookup (kept, "findings") : NULL);
}

static void
build_permit_fields (PzFileForm *self,
                     JsonObject *file,
                     JsonObject *type,
                     GHashTable *kept)
{
  JsonArray *fields = pz_file_fields (file, type);
  JsonObject *data = json_object_get_object_member (file, "data");
  GtkWidget *group = group_new (self, _("Permit data"));

  for (guint i = 0; fields && i < json_array_get_length (fields); i++)
    {
      JsonObject *f = json_array_get_object_element (fields, i);
      const char *name = pz_json_get_string (f, "name");
      g_autofree char *value = pz_json_node_to_text (data ? json_object_get_member (data, name) : NULL);
      g_autofree char *title = json_object_get_boolean_member_with_default (f, "required", FALSE)
                                 ? g_strdup_printf ("%s *", pz_json_get_string (f, "label"))
                                 : g_strdup (pz_json_get_string (f, "label"));
      g_autofree char *key = g_strconcat ("field:", name, NULL);
      GtkWidget *row = entry_row (self, group, kept, key, title, value);

      if (g_strcmp0 (pz_json_get_string (f, "type"), "date") == 0)
        pz_date_row_add_picker (ADW_ENTRY_ROW (row));
    }
}

static void
build_signature (PzFileForm *self,
                 JsonObject *file,
                 JsonObject *type)
{
  GtkWidget *group = group_new (self, _("Signature"));

  if (g_strcmp0 (pz_json_get_string (type, "signing"), "wet") == 0)
    {
      /* the permit is signed on paper: its scan is uploaded here */
      JsonArray *docs = json_object_get_array_member (file, "documents");
      JsonObject *scan = NULL;
      GtkWidget *scan_row = adw_action_row_new ();
      GtkWidget *button;
      g_autofree char *subtitle = NULL;

      for (guint i = 0; docs && i < json_array_get_length (docs); i++)
        if (g_strcmp0 (pz_json_get_string (json_array_get_object_element (docs, i), "requirement"), "signed_permit") == 0)
          scan = json_array_get_object_element (docs, i);
      if (scan)
        {
          g_autofree char *when = pz_format_local_time (pz_json_get_string (scan, "uploaded_at"));
          subtitle = g_strdup_printf (_("Uploaded by %s, %s; sign it off below"),
                                      pz_json_get_string (scan, "uploaded_by"), when);
        }
      else
        subtitle = g_strdup (_("Print the permit, have it signed and stamped, then upload its scan here"));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (scan_row), _("Scan of the signed permit"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (scan_row), subtitle);
      button = gtk_button_new_with_mnemonic (scan ? _("_Replace Scan…") : _("_Upload Signed Scan…"));
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.upload-signed-scan");
      if (scan == NULL)
        gtk_widget_add_css_class (button, "suggested-action");
      adw_action_row_add_suffix (ADW_ACTION_ROW (scan_row), button);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), scan_row);
    }
  else
    pz_group_add_info_row (ADW_PREFERENCES_GROUP (group), _("Electronic signature"),
                           _("Sign Permit shows what is signed and asks the passphrase of the signing key"));
}

static void
build_form (PzFileForm *self,
            JsonObject *file,
            JsonObject *step,
            JsonObject *type,
            GHashTable *kept)
{
  const char *form = pz_json_get_string (step, "form");

  if (g_strcmp0 (form, "survey") == 0)
    build_survey (self, kept);
  else if (g_strcmp0 (form, "permit_fields") == 0 && type)
    build_permit_fields (self, file, type, kept);
  else if (g_strcmp0 (form, "signature") == 0 && type)
    build_signature (self, file, type);
  else if (g_strcmp0 (form, "handover") == 0)
    {
      JsonObject *applicant = json_object_get_object_member (file, "applicant");
      GtkWidget *group = group_new (self, _("Hand-over"));

      entry_row (self, group, kept, "received_by", _("Received by"), pz_json_get_string (applicant, "name"));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->form_box), gtk_widget_get_first_child (GTK_WIDGET (self->form_box)) != NULL);
}

static void
build_buttons (PzFileForm *self,
               JsonObject *step,
               JsonArray  *allowed,
               GHashTable *steps,
               const char *start_step,
               const char *approve_tooltip)
{
  /* refuse first, approve last: the usual place of the main button */
  for (int pass = 0; pass < 3; pass++)
    {
      static const char * const order[] = { "refuse", "return", "approve" };

      for (guint i = 0; i < json_array_get_length (allowed); i++)
        {
          const char *action = json_array_get_string_element (allowed, i);
          g_autofree char *label = NULL;
          GtkWidget *button;

          if (!g_str_equal (action, order[pass]))
            continue;
          label = pz_file_form_action_label (steps, start_step, step, action);
          button = gtk_button_new_with_label (label);
          /* long Indonesian labels take two lines in a narrow pane */
          gtk_label_set_wrap (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button))), TRUE);
          gtk_label_set_justify (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button))), GTK_JUSTIFY_CENTER);
          if (g_str_equal (action, "approve") && g_strcmp0 (pz_json_get_string (step, "form"), "documents_complete") == 0)
            {
              /* insensitive, and saying why, while documents are open */
              gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.approve-documents");
              gtk_widget_set_tooltip_text (button, approve_tooltip);
            }
          else
            {
              gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.act");
              gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", action);
            }
          if (g_str_equal (action, "approve"))
            gtk_widget_add_css_class (button, "suggested-action");
          else if (g_str_equal (action, "refuse"))
            gtk_widget_add_css_class (button, "destructive-action");
          gtk_box_append (self->buttons, button);
        }
    }
}

/* Takes away what the last step built: its form, its buttons, its error. */
void
pz_file_form_clear (PzFileForm *self)
{
  GtkWidget *child;

  g_return_if_fail (PZ_IS_FILE_FORM (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->form_box))))
    gtk_box_remove (self->form_box, child);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->buttons))))
    gtk_box_remove (self->buttons, child);
  g_hash_table_remove_all (self->form);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->note_view), "", -1);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->form_box), FALSE);
}

/**
 * pz_file_form_set_step:
 * @file: the open file, as the server sent it
 * @step: (nullable): the definition of its step
 * @type: (nullable): its permit type
 * @steps: step id -> definition, for the labels of the buttons
 * @start_step: the workflow's first step
 * @kept: (nullable): name -> what was typed before a reload
 * @approve_tooltip: (nullable): why the documents cannot be approved yet
 *
 * Builds the form of @step and the buttons of the actions @file allows.
 *
 * Returns: whether this user may act on the file: the form is shown then
 */
gboolean
pz_file_form_set_step (PzFileForm *self,
                       JsonObject *file,
                       JsonObject *step,
                       JsonObject *type,
                       GHashTable *steps,
                       const char *start_step,
                       GHashTable *kept,
                       const char *approve_tooltip)
{
  JsonArray *allowed = file ? json_object_get_array_member (file, "allowed_actions") : NULL;
  g_autofree char *heading = NULL;
  const char *note_title;
  const char *note = kept ? g_hash_table_lookup (kept, "note") : NULL;
  gboolean can_send_back = FALSE;

  g_return_val_if_fail (PZ_IS_FILE_FORM (self), FALSE);

  pz_file_form_clear (self);
  if (allowed == NULL || json_array_get_length (allowed) == 0 || step == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      return FALSE;
    }

  heading = g_strdup_printf (_("Your step: %s"), pz_step_title (steps, pz_json_get_string (step, "id")));
  gtk_label_set_text (self->heading, heading);
  build_form (self, file, step, type, kept);

  for (guint i = 0; i < json_array_get_length (allowed); i++)
    if (!g_str_equal (json_array_get_string_element (allowed, i), "approve"))
      can_send_back = TRUE;
  note_title = can_send_back ? _("Note (needed to return or refuse)") : _("Note (optional)");
  gtk_label_set_text (self->note_label, note_title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->note_view), GTK_ACCESSIBLE_PROPERTY_LABEL, note_title, -1);
  if (note)
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->note_view), note, -1);
  g_hash_table_insert (self->form, g_strdup ("note"), self->note_view);

  build_buttons (self, step, allowed, steps, start_step, approve_tooltip);
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
  return TRUE;
}

/**
 * pz_file_form_get_widget:
 * @name: `note`, or a field of the step's form such as `received_by` or
 *   `field:luas_tanah`
 *
 * Returns: (transfer none) (nullable): the widget where that is typed
 */
GtkWidget *
pz_file_form_get_widget (PzFileForm *self,
                         const char *name)
{
  g_return_val_if_fail (PZ_IS_FILE_FORM (self), NULL);

  return g_hash_table_lookup (self->form, name);
}

/**
 * pz_file_form_get_note:
 *
 * Returns: (transfer full) (nullable): the note typed, without the blanks
 *   around it, or %NULL when the user cannot act on the file
 */
char *
pz_file_form_get_note (PzFileForm *self)
{
  g_return_val_if_fail (PZ_IS_FILE_FORM (self), NULL);

  if (!g_hash_table_contains (self->form, "note"))
    return NULL;
  return g_strstrip (pz_file_form_widget_text (GTK_WIDGET (self->note_view)));
}

/**
 * pz_file_form_set_error:
 * @text: (nullable): what is wrong, or %NULL to hide the last error
 *
 * Returns: whether the form is there to show it
 */
gboolean
pz_file_form_set_error (PzFileForm *self,
                        const char *text)
{
  g_return_val_if_fail (PZ_IS_FILE_FORM (self), FALSE);

  if (!g_hash_table_contains (self->form, "note"))
    return FALSE;
  if (text)
    gtk_label_set_text (self->error_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), text != NULL);
  return TRUE;
}

/* Copies what the user typed into @kept, so that a reload (after a 409, a
 * new login or a retry) puts it back. A password is never kept. */
void
pz_file_form_keep_typed (PzFileForm *self,
                         GHashTable *kept)
{
  GHashTableIter iter;
  gpointer key, value;

  g_return_if_fail (PZ_IS_FILE_FORM (self));

  g_hash_table_iter_init (&iter, self->form);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!ADW_IS_PASSWORD_ENTRY_ROW (value))
      g_hash_table_insert (kept, g_strdup (key), pz_file_form_widget_text (value));
}
