/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "perizinan.h"
#include "pz-admin.h"
#include "pz-api.h"
#include "pz-checklist.h"
#include "pz-report-view.h"
#include "pz-document-view.h"
#include "pz-file-item.h"
#include "pz-outcome.h"
#include "pz-signing.h"
#include "pz-widgets.h"
#include "pz-window-private.h"

/* The open file: what it says, the form of the step and its actions, the
 * checklist, the clocks and the history, built afresh at each load. */

/* The permit's fields of the open file: those of the edition of its permit
 * type it was registered under, as the server sends them. */
JsonArray *
_pz_window_file_fields (JsonObject *file,
                        JsonObject *type)
{
  if (file && json_object_has_member (file, "fields"))
    return json_object_get_array_member (file, "fields");
  return type && json_object_has_member (type, "fields") ? json_object_get_array_member (type, "fields") : NULL;
}

/* The file */

JsonObject *
_pz_window_step_of (PzWindow   *self,
                    const char *id)
{
  return id ? g_hash_table_lookup (self->steps, id) : NULL;
}

const char *
_pz_window_step_title (PzWindow   *self,
                       const char *id)
{
  const char *title = pz_json_get_string (_pz_window_step_of (self, id), "title");
  return title ? g_dgettext (GETTEXT_PACKAGE, title) : id;
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

/* What the button says comes from the step's definition: its form, where
 * the action leads and who acts there. */
char *
_pz_window_action_label (PzWindow   *self,
                         JsonObject *step,
                         const char *action)
{
  const char *form = pz_json_get_string (step, "form");
  JsonObject *target = _pz_window_step_of (self, target_of (step, action));

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
  if (g_strcmp0 (pz_json_get_string (step, "id"), self->start_step) == 0)
    return g_strdup (_("Complete Registration"));
  if (first_role_title (target))
    return g_strdup_printf (_("Forward to %s"), first_role_title (target));
  return g_strdup (_("Approve"));
}

GtkWidget *
_pz_window_group_new (GtkBox     *box,
                      const char *title)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  gtk_box_append (box, group);
  return group;
}

static void
add_info_row (GtkWidget  *group,
              const char *title,
              const char *value)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value && *value ? value : "—");
  gtk_widget_add_css_class (row, "property");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
}

static char *
node_to_text (JsonNode *node)
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

GtkWidget *
_pz_window_entry_row (GtkWidget  *group,
                      PzWindow   *self,
                      const char *name,
                      const char *title,
                      const char *value,
                      gboolean    password)
{
  GtkWidget *row = password ? adw_password_entry_row_new () : adw_entry_row_new ();
  const char *kept = self->kept_form ? g_hash_table_lookup (self->kept_form, name) : NULL;

  if (password)
    pz_password_row_label_peek (ADW_PASSWORD_ENTRY_ROW (row));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_editable_set_text (GTK_EDITABLE (row), kept ? kept : value ? value : "");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  g_hash_table_insert (self->form, g_strdup (name), row);
  return row;
}

static GtkWidget *
text_area (GtkBox     *box,
           PzWindow   *self,
           const char *name,
           const char *title,
           const char *kept)
{
  GtkWidget *label = gtk_label_new (title);
  GtkWidget *frame = gtk_frame_new (NULL);
  GtkWidget *view = gtk_text_view_new ();

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  /* long in Indonesian: it must not widen the file past a small screen */
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "heading");
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  /* a note is prose: Tab goes on to the next field, as in any form */
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 8);
  gtk_widget_set_size_request (view, -1, 72);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  gtk_frame_set_child (GTK_FRAME (frame), view);
  gtk_box_append (box, label);
  gtk_box_append (box, frame);
  if (kept)
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), kept, -1);
  if (name)
    g_hash_table_insert (self->form, g_strdup (name), view);
  return view;
}

char *
_pz_window_widget_text (GtkWidget *widget)
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

/* Keeps what the user typed so that a reload (after a 409, a new login or
 * a retry) puts it back. */
void
_pz_window_keep_typed (PzWindow *self)
{
  GHashTableIter iter;
  gpointer key, value;

  if (self->kept_form == NULL)
    self->kept_form = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_iter_init (&iter, self->form);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!ADW_IS_PASSWORD_ENTRY_ROW (value))
      g_hash_table_insert (self->kept_form, g_strdup (key), _pz_window_widget_text (value));
  if (self->registration)
    {
      g_hash_table_iter_init (&iter, pz_registration_form_get_fields (self->registration));
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (self->kept_form, g_strdup (key), _pz_window_widget_text (value));
    }
}

void
_pz_window_forget_typed (PzWindow *self)
{
  g_clear_pointer (&self->kept_form, g_hash_table_unref);
}

static void
verdict_done (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  PzWindow *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = pz_api_set_verdict_finish (PZ_CLIENT (source), result, &error);
  JsonArray *details = pz_client_error_get_details (error);

  _pz_window_set_busy (self, FALSE);
  if (node == NULL)
    {
      if (!_pz_window_handle_unreachable (self, error))
        {
          GString *text = g_string_new (error->message);
          for (guint i = 0; details && i < json_array_get_length (details); i++)
            g_string_append_printf (text, "\n• %s",
                                    pz_json_get_string (json_array_get_object_element (details, i), "message"));
          _pz_window_toast (self, text->str);
          g_string_free (text, TRUE);
        }
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      _pz_window_keep_typed (self);
      g_clear_pointer (&self->file, json_object_unref);
      self->file = json_object_ref (json_node_get_object (node));
      _pz_window_build_file_view (self);
    }
  g_object_unref (self);
}

static void
verdict_clicked (GtkButton *button,
                 PzWindow  *self)
{
  const char *requirement = g_object_get_data (G_OBJECT (button), "requirement");
  const char *verdict = g_object_get_data (G_OBJECT (button), "verdict");
  g_autofree char *note = NULL;

  if (self->note)
    {
      GtkTextIter start, end;
      gtk_text_buffer_get_bounds (self->note, &start, &end);
      note = g_strstrip (gtk_text_buffer_get_text (self->note, &start, &end, FALSE));
    }
  if (g_str_equal (verdict, "not_ok") && (note == NULL || *note == '\0'))
    {
      gtk_label_set_text (self->action_error, _("Write in the note what is wrong with the document, then press Not OK."));
      gtk_widget_set_visible (GTK_WIDGET (self->action_error), TRUE);
      return;
    }

  _pz_window_set_busy (self, TRUE);
  /* the note goes with a Not OK only: an OK says nothing more */
  pz_api_set_verdict_async (self->client, self->file_id, requirement, verdict,
                            g_str_equal (verdict, "not_ok") ? note : NULL, self->cancellable, verdict_done,
                            g_object_ref (self));
}

static void
build_form (PzWindow   *self,
            GtkBox     *box,
            JsonObject *step)
{
  const char *form = pz_json_get_string (step, "form");
  JsonObject *type = g_hash_table_lookup (self->permit_types, pz_json_get_string (self->file, "permit_type"));
  GtkWidget *group;

  if (g_strcmp0 (form, "survey") == 0)
    {
      g_autoptr(GDateTime) today = g_date_time_new_now_local ();
      g_autofree char *date = g_date_time_format (today, "%Y-%m-%d");
      GtkWidget *combo = adw_combo_row_new ();
      const char *choices[] = { _("Feasible"), _("Not feasible"), NULL };
      const char *kept = self->kept_form ? g_hash_table_lookup (self->kept_form, "recommendation") : NULL;

      group = _pz_window_group_new (box, _("Inspection report (BAP)"));
      pz_date_row_add_picker (ADW_ENTRY_ROW (_pz_window_entry_row (group, self, "survey_date", _("Survey date (YYYY-MM-DD)"),
                                                                   date, FALSE)));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (combo), _("Recommendation"));
      adw_combo_row_set_model (ADW_COMBO_ROW (combo), G_LIST_MODEL (gtk_string_list_new (choices)));
      if (g_strcmp0 (kept, "not_feasible") == 0)
        adw_combo_row_set_selected (ADW_COMBO_ROW (combo), 1);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), combo);
      g_hash_table_insert (self->form, g_strdup ("recommendation"), combo);
      text_area (box, self, "findings", _("Findings"),
                 self->kept_form ? g_hash_table_lookup (self->kept_form, "findings") : NULL);
    }
  else if (g_strcmp0 (form, "permit_fields") == 0 && type)
    {
      JsonArray *fields = _pz_window_file_fields (self->file, type);
      JsonObject *data = json_object_get_object_member (self->file, "data");

      group = _pz_window_group_new (box, _("Permit data"));
      for (guint i = 0; i < json_array_get_length (fields); i++)
        {
          JsonObject *f = json_array_get_object_element (fields, i);
          const char *name = pz_json_get_string (f, "name");
          g_autofree char *value = node_to_text (data ? json_object_get_member (data, name) : NULL);
          g_autofree char *title = json_object_get_boolean_member_with_default (f, "required", FALSE)
                                     ? g_strdup_printf ("%s *", pz_json_get_string (f, "label"))
                                     : g_strdup (pz_json_get_string (f, "label"));
          g_autofree char *key = g_strconcat ("field:", name, NULL);

          GtkWidget *row = _pz_window_entry_row (group, self, key, title, value, FALSE);

          if (g_strcmp0 (pz_json_get_string (f, "type"), "date") == 0)
            pz_date_row_add_picker (ADW_ENTRY_ROW (row));
        }
    }
  else if (g_strcmp0 (form, "signature") == 0 && type)
    {
      group = _pz_window_group_new (box, _("Signature"));
      if (g_strcmp0 (pz_json_get_string (type, "signing"), "wet") == 0)
        {
          /* the permit is signed on paper: its scan is uploaded here */
          JsonArray *docs = json_object_get_array_member (self->file, "documents");
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
        add_info_row (group, _("Electronic signature"),
                      _("Sign Permit shows what is signed and asks the passphrase of the signing key"));
    }
  else if (g_strcmp0 (form, "handover") == 0)
    {
      JsonObject *applicant = json_object_get_object_member (self->file, "applicant");

      group = _pz_window_group_new (box, _("Hand-over"));
      _pz_window_entry_row (group, self, "received_by", _("Received by"), pz_json_get_string (applicant, "name"), FALSE);
    }
}

static void
build_actions (PzWindow   *self,
               JsonObject *step)
{
  JsonArray *allowed = json_object_get_array_member (self->file, "allowed_actions");
  GtkWidget *frame, *box, *buttons, *title;
  g_autofree char *heading = NULL;

  self->note = NULL;
  self->action_error = NULL;
  if (allowed == NULL || json_array_get_length (allowed) == 0 || step == NULL)
    return;

  frame = gtk_frame_new (NULL);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_add_css_class (box, "pz-actions");
  gtk_frame_set_child (GTK_FRAME (frame), box);
  gtk_box_append (self->file_box, frame);

  heading = g_strdup_printf (_("Your step: %s"), _pz_window_step_title (self, pz_json_get_string (step, "id")));
  title = gtk_label_new (heading);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "title-4");
  gtk_box_append (GTK_BOX (box), title);

  build_form (self, GTK_BOX (box), step);

  {
    gboolean can_send_back = FALSE;

    for (guint i = 0; i < json_array_get_length (allowed); i++)
      if (!g_str_equal (json_array_get_string_element (allowed, i), "approve"))
        can_send_back = TRUE;
    self->note = gtk_text_view_get_buffer (GTK_TEXT_VIEW (
                                             text_area (GTK_BOX (box), self, "note",
                                                        can_send_back ? _("Note (needed to return or refuse)") : _("Note (optional)"),
                                                        self->kept_form ? g_hash_table_lookup (self->kept_form, "note") : NULL)));
  }

  self->action_error = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->action_error, TRUE);
  gtk_label_set_xalign (self->action_error, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->action_error), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->action_error), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->action_error));

  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  gtk_box_append (GTK_BOX (box), buttons);
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
          label = _pz_window_action_label (self, step, action);
          button = gtk_button_new_with_label (label);
          /* long Indonesian labels take two lines in a narrow pane */
          gtk_label_set_wrap (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button))), TRUE);
          gtk_label_set_justify (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button))), GTK_JUSTIFY_CENTER);
          if (g_str_equal (action, "approve") && g_strcmp0 (pz_json_get_string (step, "form"), "documents_complete") == 0)
            {
              /* insensitive, and saying why, while documents are open */
              g_autofree char *why = _pz_window_approve_documents_tooltip (self, FALSE);

              _pz_window_update_approve_documents (self);
              gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.approve-documents");
              gtk_widget_set_tooltip_text (button, why);
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
          gtk_box_append (GTK_BOX (buttons), button);
        }
    }
}

static void
build_checklist (PzWindow   *self,
                 JsonObject *step)
{
  JsonArray *checklist = json_object_get_array_member (self->file, "checklist");
  JsonArray *allowed = json_object_get_array_member (self->file, "allowed_actions");
  gboolean can_check = step && json_object_get_boolean_member_with_default (step, "documents", FALSE) &&
                       allowed && json_array_get_length (allowed) > 0;
  guint checked = 0, total = 0;
  g_autofree char *title = NULL;
  GtkWidget *group;

  if (checklist == NULL || json_array_get_length (checklist) == 0)
    return;
  for (guint i = 0; i < json_array_get_length (checklist); i++)
    {
      JsonObject *item = json_array_get_object_element (checklist, i);
      total++;
      if (pz_json_get_string (item, "verdict"))
        checked++;
    }
  title = g_strdup_printf (_("Documents (%u of %u checked)"), checked, total);
  group = _pz_window_group_new (self->file_box, title);
  {
    GtkWidget *open = gtk_button_new_with_mnemonic (can_check ? _("_Check Documents") : _("_View Documents"));

    gtk_actionable_set_action_name (GTK_ACTIONABLE (open), "win.check-documents");
    gtk_widget_set_valign (open, GTK_ALIGN_CENTER);
    if (can_check)
      gtk_widget_add_css_class (open, "suggested-action");
    adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), open);
  }

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
              g_object_set_data_full (G_OBJECT (button), "requirement",
                                      g_strdup (pz_json_get_string (item, "requirement")), g_free);
              g_object_set_data (G_OBJECT (button), "verdict", (gpointer) buttons[b].verdict);
              g_signal_connect (button, "clicked", G_CALLBACK (verdict_clicked), self);
              adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
            }
        }
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
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

static void
build_history (PzWindow *self)
{
  JsonArray *history = json_object_get_array_member (self->file, "history");
  GtkWidget *group;

  if (history == NULL)
    return;
  group = _pz_window_group_new (self->file_box, _("History"));
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

      if (acting && role_title)
        /* Translators: "Approve by Budi as Plh Head of office"; the third is Plh or Plt */
        title = g_strdup_printf (_("%s by %s as %s %s"), event_action_label (pz_json_get_string (ev, "action")),
                                 pz_json_get_string (ev, "full_name"), g_str_equal (acting, "plt") ? "Plt" : "Plh",
                                 role_title);
      else
        title = g_strdup_printf (_("%s by %s"), event_action_label (pz_json_get_string (ev, "action")),
                                 pz_json_get_string (ev, "full_name"));
      if (from)
        subtitle = g_strdup_printf (_("%s · %s → %s · %s of office time"), when, _pz_window_step_title (self, from),
                                    _pz_window_step_title (self, pz_json_get_string (ev, "to_step")), spent);
      else
        subtitle = g_strdup_printf ("%s · %s", when, _pz_window_step_title (self, pz_json_get_string (ev, "to_step")));
      if (note)
        {
          char *with_note = g_strdup_printf ("%s\n“%s”", subtitle, note);
          g_free (subtitle);
          subtitle = with_note;
        }
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
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
static void
build_clocks (PzWindow *self)
{
  JsonArray *clocks = json_object_has_member (self->file, "clocks")
                      ? json_object_get_array_member (self->file, "clocks") : NULL;
  GtkWidget *group;

  if (clocks == NULL || json_array_get_length (clocks) == 0)
    return;
  group = _pz_window_group_new (self->file_box, _("Time against the Standards"));
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

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _pz_window_step_title (self, pz_json_get_string (c, "step")));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      badge = gtk_label_new (within ? (current ? _("Running") : _("Within")) : _("Late"));
      gtk_widget_add_css_class (badge, "pz-badge");
      gtk_widget_add_css_class (badge, within ? (current ? "dim-label" : "success") : "error");
      gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
}

void
_pz_window_clear_file_box (PzWindow *self)
{
  GtkWidget *child;
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  /* Move the focus out before its widget goes: the scrolled view keeps
   * following a focus widget that no longer exists otherwise. */
  if (focus && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->file_box)))
    gtk_root_set_focus (GTK_ROOT (self), NULL);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->file_box))))
    gtk_box_remove (self->file_box, child);
  g_hash_table_remove_all (self->form);
  self->note = NULL;
  self->action_error = NULL;
  self->registration = NULL;
}

void
_pz_window_build_file_view (PzWindow *self)
{
  JsonObject *applicant, *step, *type, *data, *survey;
  GtkWidget *header, *title, *subtitle, *badges, *group;
  g_autofree char *sub = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(PzFileItem) summary = NULL;

  _pz_window_clear_file_box (self);
  /* an approval given in the checklist viewer comes back to the file */
  if (g_strcmp0 (pz_file_view_get_shown (self->file_view), "documents") == 0)
    {
      g_cancellable_cancel (self->docs_cancellable);
      pz_checklist_page_set_document (self->checklist_page, NULL);
      gtk_widget_set_visible (GTK_WIDGET (self->inbox_page), TRUE);
    }
  if (self->file == NULL)
    {
      pz_file_view_show (self->file_view, "empty");
      return;
    }

  applicant = json_object_get_object_member (self->file, "applicant");
  step = _pz_window_step_of (self, pz_json_get_string (self->file, "step"));
  type = g_hash_table_lookup (self->permit_types, pz_json_get_string (self->file, "permit_type"));
  summary = pz_file_item_new_from_json (self->file, now);

  header = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  title = gtk_label_new (pz_json_get_string (self->file, "registration_number"));
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_selectable (GTK_LABEL (title), TRUE);
  gtk_widget_add_css_class (title, "title-1");
  sub = g_strdup_printf ("%s · %s", pz_json_get_string (applicant, "name"), pz_json_get_string (self->file, "permit_type_name"));
  subtitle = gtk_label_new (sub);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_wrap (GTK_LABEL (subtitle), TRUE);
  gtk_widget_add_css_class (subtitle, "title-4");
  badges = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  {
    GtkWidget *step_badge = gtk_label_new (_pz_window_step_title (self, pz_json_get_string (self->file, "step")));
    GtkWidget *due_badge = gtk_label_new (pz_due_state_label (pz_file_item_get_due_state (summary)));

    gtk_widget_add_css_class (step_badge, "pz-badge");
    gtk_widget_add_css_class (step_badge, "dim-label");
    gtk_widget_add_css_class (due_badge, "pz-badge");
    gtk_widget_add_css_class (due_badge, pz_due_state_css_class (pz_file_item_get_due_state (summary)));
    if (g_strcmp0 (pz_json_get_string (self->file, "status"), "in_progress") == 0 ||
        g_strcmp0 (pz_json_get_string (self->file, "status"), "waiting_applicant") == 0)
      {
        gtk_box_append (GTK_BOX (badges), step_badge);
        gtk_box_append (GTK_BOX (badges), due_badge);
      }
    else
      {
        /* a closed file says how it ended: issued or refused */
        gtk_box_append (GTK_BOX (badges), due_badge);
        g_object_ref_sink (step_badge), g_object_unref (step_badge);
      }
  }
  gtk_box_append (GTK_BOX (header), title);
  gtk_box_append (GTK_BOX (header), subtitle);
  gtk_box_append (GTK_BOX (header), badges);
  gtk_box_append (self->file_box, header);
  {
    /* why the file came back, before anything else is read */
    JsonArray *allowed = json_object_get_array_member (self->file, "allowed_actions");
    GtkWidget *returned = allowed && json_array_get_length (allowed) ? pz_returned_banner_new (self->file) : NULL;

    if (returned)
      gtk_box_append (self->file_box, returned);
  }

  build_actions (self, step);
  _pz_window_build_outputs (self);
  build_checklist (self, step);

  group = _pz_window_group_new (self->file_box, _("Applicant"));
  add_info_row (group, _("Name"), pz_json_get_string (applicant, "name"));
  add_info_row (group, _("NIK"), pz_json_get_string (applicant, "nik"));
  add_info_row (group, _("Address"), pz_json_get_string (applicant, "address"));
  add_info_row (group, _("Phone"), pz_json_get_string (applicant, "phone"));
  add_info_row (group, _("E-mail"), pz_json_get_string (applicant, "email"));

  group = _pz_window_group_new (self->file_box, _("Permit"));
  add_info_row (group, _("Permit type"), pz_json_get_string (self->file, "permit_type_name"));
  add_info_row (group, _("Permit number"), pz_json_get_string (self->file, "permit_number"));
  add_info_row (group, _("Tracking code"), pz_json_get_string (self->file, "tracking_code"));
  {
    g_autofree char *due = pz_format_local_time (pz_json_get_string (self->file, "due_at"));
    JsonObject *service = json_object_has_member (self->file, "service")
                          ? json_object_get_object_member (self->file, "service") : NULL;

    add_info_row (group, _("Step due"), due);
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
        add_info_row (group, _("Service standard"), text);
        if (json_object_get_boolean_member_with_default (service, "stopped", FALSE))
          service_due = g_strdup (_("The clock stands while the file waits for the applicant"));
        else if (pz_json_get_string (service, "due_at"))
          service_due = pz_format_local_time (pz_json_get_string (service, "due_at"));
        if (service_due)
          add_info_row (group, _("Service due"), service_due);
      }
  }
  data = json_object_get_object_member (self->file, "data");
  if (type && data)
    {
      JsonArray *fields = _pz_window_file_fields (self->file, type);

      for (guint i = 0; i < json_array_get_length (fields); i++)
        {
          JsonObject *f = json_array_get_object_element (fields, i);
          g_autofree char *value = node_to_text (json_object_get_member (data, pz_json_get_string (f, "name")));

          /* a date reads as the office writes it */
          if (g_strcmp0 (pz_json_get_string (f, "type"), "date") == 0 && pz_parse_date (value, NULL))
            {
              g_autofree char *typed = g_steal_pointer (&value);
              value = pz_format_date_text (typed);
            }
          add_info_row (group, pz_json_get_string (f, "label"), value);
        }
    }

  survey = json_object_has_member (self->file, "survey") &&
           JSON_NODE_HOLDS_OBJECT (json_object_get_member (self->file, "survey"))
             ? json_object_get_object_member (self->file, "survey") : NULL;
  if (survey)
    {
      g_autofree char *survey_date = pz_format_date_text (pz_json_get_string (survey, "survey_date"));

      group = _pz_window_group_new (self->file_box, _("Inspection report (BAP)"));
      add_info_row (group, _("Survey date"), survey_date);
      add_info_row (group, _("Surveyor"), pz_json_get_string (survey, "surveyor"));
      add_info_row (group, _("Recommendation"),
                    g_strcmp0 (pz_json_get_string (survey, "recommendation"), "feasible") == 0 ? _("Feasible")
                                                                                          : _("Not feasible"));
      add_info_row (group, _("Findings"), pz_json_get_string (survey, "findings"));
    }

  build_clocks (self);
  build_history (self);
  _pz_window_forget_typed (self);
  pz_file_view_show (self->file_view, "file");
  if (self->scroll_top)
    {
      self->scroll_top = FALSE;
      pz_file_view_scroll_to_top (self->file_view);
    }
}

static void
file_done (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  PzWindow *self = data;
  g_autoptr(JsonNode) node = _pz_window_take_answer (self, source, result);

  if (node == NULL)
    {
      g_object_unref (self);
      return;
    }
  if (JSON_NODE_HOLDS_OBJECT (node) &&
      json_object_get_int_member_with_default (json_node_get_object (node), "id", 0) == self->file_id)
    {
      g_clear_pointer (&self->file, json_object_unref);
      self->file = json_object_ref (json_node_get_object (node));
      _pz_window_build_file_view (self);
    }
  g_object_unref (self);
}

void
_pz_window_load_file (PzWindow *self,
                      gint64    id)
{
  _pz_window_set_busy (self, TRUE);
  pz_api_get_file_async (self->client, id, self->cancellable, file_done, g_object_ref (self));
}
