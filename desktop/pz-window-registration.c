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

/* Registration at the counter: the new file's form, checked before it is
 * sent. */

static void registration_entry_activated (GtkWidget *row, PzWindow *self);

static JsonObject *
selected_permit_type (PzWindow *self)
{
  GtkWidget *combo = g_hash_table_lookup (self->form, "permit_type");
  GListModel *codes = combo ? g_object_get_data (G_OBJECT (combo), "codes") : NULL;
  guint i = combo ? adw_combo_row_get_selected (ADW_COMBO_ROW (combo)) : GTK_INVALID_LIST_POSITION;
  g_autoptr(GtkStringObject) code = NULL;

  if (codes == NULL || i == GTK_INVALID_LIST_POSITION)
    return NULL;
  code = g_list_model_get_item (codes, i);
  return code ? g_hash_table_lookup (self->permit_types, gtk_string_object_get_string (code)) : NULL;
}

static const char *
request_type_label (const char *code)
{
  return pz_request_type_title (code);
}

/* The request types and the permit data of the chosen type; what was
 * typed in a field of the same name stays. */
static void
fill_registration_type (PzWindow *self)
{
  GtkWidget *request = g_hash_table_lookup (self->form, "request_type");
  GtkWidget *combo = g_hash_table_lookup (self->form, "permit_type");
  GtkWidget *old_group = combo ? g_object_get_data (G_OBJECT (combo), "data-group") : NULL;
  GtkWidget *applicant_group = combo ? g_object_get_data (G_OBJECT (combo), "applicant-group") : NULL;
  g_autofree char *kept_request = request ? _pz_window_widget_text (request) : NULL;
  g_autoptr(GHashTable) typed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GtkStringList) request_labels = gtk_string_list_new (NULL);
  GtkStringList *request_codes = gtk_string_list_new (NULL);
  JsonObject *type = selected_permit_type (self);
  GHashTableIter iter;
  gpointer key, value;
  guint selected = 0;

  if (request == NULL || applicant_group == NULL)
    {
      g_object_unref (request_codes);
      return;
    }
  if (kept_request == NULL || *kept_request == '\0')
    {
      g_free (kept_request);
      kept_request = g_strdup (self->kept_form ? g_hash_table_lookup (self->kept_form, "request_type") : NULL);
    }

  /* the data fields typed so far, by name */
  g_hash_table_iter_init (&iter, self->form);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_str_has_prefix (key, "field:"))
      {
        g_hash_table_insert (typed, g_strdup (key), _pz_window_widget_text (value));
        g_hash_table_iter_remove (&iter);
      }
  if (old_group)
    {
      GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

      if (focus && gtk_widget_is_ancestor (focus, old_group))
        gtk_root_set_focus (GTK_ROOT (self), NULL);
      gtk_box_remove (self->file_box, old_group);
      g_object_set_data (G_OBJECT (combo), "data-group", NULL);
    }

  if (type)
    {
      JsonArray *rts = json_object_get_array_member (type, "request_types");

      for (guint i = 0; i < json_array_get_length (rts); i++)
        {
          const char *rt = json_array_get_string_element (rts, i);
          gtk_string_list_append (request_labels, request_type_label (rt));
          gtk_string_list_append (request_codes, rt);
          if (g_strcmp0 (kept_request, rt) == 0)
            selected = i;
        }
    }
  g_object_set_data_full (G_OBJECT (request), "codes", request_codes, g_object_unref);
  adw_combo_row_set_model (ADW_COMBO_ROW (request), G_LIST_MODEL (request_labels));
  adw_combo_row_set_selected (ADW_COMBO_ROW (request), selected);

  if (type)
    {
      JsonArray *fields = _pz_window_file_fields (NULL, type);
      GtkWidget *group, *last = NULL;

      group = adw_preferences_group_new ();
      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group),
                                       _("Permit data (can be completed by the back office)"));
      gtk_box_insert_child_after (self->file_box, group, applicant_group);
      g_object_set_data (G_OBJECT (combo), "data-group", group);
      for (guint i = 0; i < json_array_get_length (fields); i++)
        {
          JsonObject *f = json_array_get_object_element (fields, i);
          g_autofree char *name = g_strconcat ("field:", pz_json_get_string (f, "name"), NULL);
          const char *kept = g_hash_table_lookup (typed, name);

          if (kept == NULL && self->kept_form)
            kept = g_hash_table_lookup (self->kept_form, name);
          last = _pz_window_entry_row (group, self, name, pz_json_get_string (f, "label"), kept, FALSE);
          if (g_strcmp0 (pz_json_get_string (f, "type"), "date") == 0)
            pz_date_row_add_picker (ADW_ENTRY_ROW (last));
          g_signal_connect (last, "entry-activated", G_CALLBACK (registration_entry_activated), self);
        }
      /* Enter in the last field registers */
      g_object_set_data (G_OBJECT (combo), "last-field", last);
    }
}

static void
permit_type_selected (PzWindow *self)
{
  fill_registration_type (self);
}

/* Enter moves on to the next field, and registers in the last one. */
static void
registration_entry_activated (GtkWidget *row,
                              PzWindow  *self)
{
  GtkWidget *combo = g_hash_table_lookup (self->form, "permit_type");
  GtkWidget *last = combo ? g_object_get_data (G_OBJECT (combo), "last-field") : NULL;
  GtkWidget *email = g_hash_table_lookup (self->form, "email");

  if (row == last || (last == NULL && row == email))
    {
      gtk_widget_activate_action (GTK_WIDGET (self), "win.register", NULL);
      return;
    }
  gtk_widget_child_focus (GTK_WIDGET (self), GTK_DIR_TAB_FORWARD);
}

static void
build_registration_form (PzWindow *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  GtkStringList *codes = gtk_string_list_new (NULL);
  g_autoptr(GList) types = g_hash_table_get_values (self->permit_types);
  const char *kept_type = self->kept_form ? g_hash_table_lookup (self->kept_form, "permit_type") : NULL;
  static const struct { const char *name; const char *title; } applicant[] = {
    { "name", N_("Name *") },
    { "nik", N_("NIK (16 digits) *") },
    { "address", N_("Address *") },
    { "phone", N_("Phone *") },
    { "email", N_("E-mail") },
  };
  GtkWidget *title, *group, *combo, *request, *button, *box;
  guint selected = 0, i = 0;

  _pz_window_clear_file_box (self);
  self->file_id = 0;
  g_clear_pointer (&self->file, json_object_unref);

  title = gtk_label_new (_("New Registration"));
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "title-1");
  gtk_box_append (self->file_box, title);

  /* problems show at the top, where the officer looks first */
  self->action_error = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->action_error, TRUE);
  gtk_label_set_xalign (self->action_error, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->action_error), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->action_error), FALSE);
  gtk_box_append (self->file_box, GTK_WIDGET (self->action_error));

  types = g_list_sort (types, _pz_window_compare_by_name);
  group = _pz_window_group_new (self->file_box, _("Permit"));
  combo = adw_combo_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (combo), _("Permit type"));
  for (GList *l = types; l; l = l->next, i++)
    {
      gtk_string_list_append (names, pz_json_get_string (l->data, "name"));
      gtk_string_list_append (codes, pz_json_get_string (l->data, "code"));
      if (g_strcmp0 (kept_type, pz_json_get_string (l->data, "code")) == 0)
        selected = i;
    }
  g_object_set_data_full (G_OBJECT (combo), "codes", codes, g_object_unref);
  adw_combo_row_set_model (ADW_COMBO_ROW (combo), G_LIST_MODEL (names));
  adw_combo_row_set_selected (ADW_COMBO_ROW (combo), selected);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), combo);
  g_hash_table_insert (self->form, g_strdup ("permit_type"), combo);

  request = adw_combo_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (request), _("Request type"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), request);
  g_hash_table_insert (self->form, g_strdup ("request_type"), request);

  group = _pz_window_group_new (self->file_box, _("Applicant"));
  g_object_set_data (G_OBJECT (combo), "applicant-group", group);
  for (i = 0; i < G_N_ELEMENTS (applicant); i++)
    g_signal_connect (_pz_window_entry_row (group, self, applicant[i].name, _(applicant[i].title), NULL, FALSE),
                      "entry-activated", G_CALLBACK (registration_entry_activated), self);

  fill_registration_type (self);
  g_signal_connect_swapped (combo, "notify::selected", G_CALLBACK (permit_type_selected), self);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  button = gtk_button_new_with_mnemonic (_("_Register"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.register");
  gtk_widget_set_halign (button, GTK_ALIGN_END);
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_box_append (GTK_BOX (box), button);
  gtk_box_append (self->file_box, box);

  _pz_window_forget_typed (self);
  gtk_stack_set_visible_child_name (self->file_stack, "file");
  gtk_widget_grab_focus (g_hash_table_lookup (self->form, "name"));
}

/* Whether the registration form on screen holds anything typed. */
static gboolean
registration_typed (PzWindow *self)
{
  GHashTableIter iter;
  gpointer key, value;

  if (self->file || !g_hash_table_contains (self->form, "permit_type"))
    return FALSE;
  g_hash_table_iter_init (&iter, self->form);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (GTK_IS_EDITABLE (value) && *gtk_editable_get_text (GTK_EDITABLE (value)))
      return TRUE;
  return FALSE;
}

static void
discard_response (AdwMessageDialog *dialog,
                  const char       *response,
                  PzWindow         *self)
{
  if (g_strcmp0 (response, "discard") == 0)
    {
      _pz_window_forget_typed (self);
      build_registration_form (self);
    }
}

void
_pz_window_new_registration_action (GtkWidget  *widget,
                                    const char *action_name,
                                    GVariant   *parameter)
{
  PzWindow *self = PZ_WINDOW (widget);
  GtkWidget *dialog;

  if (!registration_typed (self))
    {
      _pz_window_forget_typed (self);
      build_registration_form (self);
      return;
    }
  /* a half-typed registration is not thrown away by a stray Ctrl+N */
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Discard the Registration Being Typed?"),
                                   _("What was typed in the form is lost."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", _("_Keep Typing"),
                                    "discard", _("_Discard"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (discard_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
register_done (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  PzWindow *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = pz_api_register_finish (PZ_CLIENT (source), result, &error);
  JsonArray *details = pz_client_error_get_details (error);

  _pz_window_set_busy (self, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.register", TRUE);
  self->registering = FALSE;
  if (node == NULL)
    {
      if (!_pz_window_handle_unreachable (self, error))
        _pz_window_show_action_error (self, error->message, details);
      if (self->missed_change)
        _pz_window_load_inbox (self);
      self->missed_change = FALSE;
      g_object_unref (self);
      return;
    }
  self->missed_change = FALSE;
  _pz_window_hide_banner (self);
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *file = json_node_get_object (node);
      g_autofree char *done = g_strdup_printf (_("Registered as %s"), pz_json_get_string (file, "registration_number"));

      _pz_window_toast (self, done);
      g_clear_pointer (&self->file, json_object_unref);
      self->file = json_object_ref (file);
      self->file_id = json_object_get_int_member_with_default (file, "id", 0);
      /* the live event of the new file is this desk's own */
      self->acted_id = self->file_id;
      self->acted_version = json_object_get_int_member_with_default (file, "version", 0);
      _pz_window_build_file_view (self);
    }
  _pz_window_load_inbox (self);
  g_object_unref (self);
}

static void
mark_invalid (PzWindow   *self,
              const char *name,
              GString    *problems,
              const char *message)
{
  GtkWidget *widget = g_hash_table_lookup (self->form, name);

  gtk_widget_add_css_class (widget, "error");
  /* the first field at fault takes the focus */
  if (problems->len == 0)
    gtk_widget_grab_focus (widget);
  g_string_append_printf (problems, "• %s\n", message);
}

/* The NIK rule, told with what is wrong in the one typed. */
static char *
nik_problem (const char *nik)
{
  const char *rule = _("The NIK is the 16 digits on the ID card (KTP): 6 for the region, 6 for the birth "
                       "date as DDMMYY (40 added to the day for women) and 4 for the serial number, "
                       "which is not 0000.");
  gsize len = strlen (nik), digits = strspn (nik, "0123456789");
  g_autofree char *what = NULL;

  if (len == 0)
    what = g_strdup (_("Enter the applicant's NIK."));
  else if (digits != len)
    what = g_strdup (_("Only digits may be typed, without spaces or dots."));
  else if (len != 16)
    what = g_strdup_printf (ngettext ("%u digit was typed.", "%u digits were typed.", (gulong) len), (guint) len);
  else if (strncmp (nik + 12, "0000", 4) == 0)
    what = g_strdup (_("The serial number (the last 4 digits) cannot be 0000."));
  else
    what = g_strdup_printf (_("Digits 7 to 12 (%.6s) are not a birth date."), nik + 6);
  return g_strdup_printf ("%s %s", what, rule);
}

void
_pz_window_register_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  PzWindow *self = PZ_WINDOW (widget);
  JsonObject *type = selected_permit_type (self);
  GtkWidget *request = g_hash_table_lookup (self->form, "request_type");
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autoptr(GtkStringObject) rt = NULL;
  static const char * const applicant[] = { "name", "nik", "address", "phone", "email" };
  g_auto(GStrv) values = g_new0 (char *, G_N_ELEMENTS (applicant) + 1);

  if (type == NULL || request == NULL)
    return;
  rt = g_list_model_get_item (G_LIST_MODEL (g_object_get_data (G_OBJECT (request), "codes")),
                              adw_combo_row_get_selected (ADW_COMBO_ROW (request)));
  for (guint i = 0; i < G_N_ELEMENTS (applicant); i++)
    {
      values[i] = g_strstrip (_pz_window_widget_text (g_hash_table_lookup (self->form, applicant[i])));
      gtk_widget_remove_css_class (g_hash_table_lookup (self->form, applicant[i]), "error");
    }

  if (!pz_valid_text (values[0], 200))
    mark_invalid (self, "name", problems, _("Enter the applicant's name"));
  if (!pz_valid_nik (values[1]))
    {
      g_autofree char *why = nik_problem (values[1]);
      mark_invalid (self, "nik", problems, why);
    }
  if (!pz_valid_text (values[2], 500))
    mark_invalid (self, "address", problems, _("Enter the applicant's address"));
  if (!pz_valid_phone (values[3]))
    mark_invalid (self, "phone", problems, _("Enter a phone number starting with 0 or +, 8 to 15 digits"));
  if (*values[4] && !pz_valid_email (values[4]))
    mark_invalid (self, "email", problems, _("The e-mail address is not valid"));

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "permit_type");
  json_builder_add_string_value (b, pz_json_get_string (type, "code"));
  json_builder_set_member_name (b, "request_type");
  json_builder_add_string_value (b, rt ? gtk_string_object_get_string (rt) : "new");
  json_builder_set_member_name (b, "applicant");
  json_builder_begin_object (b);
  for (guint i = 0; i < G_N_ELEMENTS (applicant); i++)
    if (*values[i])
      {
        json_builder_set_member_name (b, applicant[i]);
        json_builder_add_string_value (b, values[i]);
      }
  json_builder_end_object (b);
  {
    /* the permit fields typed so far; the same checks as at data entry,
     * but none is required yet */
    JsonArray *fields = _pz_window_file_fields (NULL, type);

    json_builder_set_member_name (b, "data");
    json_builder_begin_object (b);
    for (guint i = 0; i < json_array_get_length (fields); i++)
      {
        JsonObject *f = json_array_get_object_element (fields, i);
        g_autofree char *key = g_strconcat ("field:", pz_json_get_string (f, "name"), NULL);
        g_autofree char *value = g_strstrip (_pz_window_widget_text (g_hash_table_lookup (self->form, key)));

        if (*value == '\0')
          continue;
        json_builder_set_member_name (b, pz_json_get_string (f, "name"));
        if (g_strcmp0 (pz_json_get_string (f, "type"), "number") == 0)
          {
            char *end = NULL;
            double d = g_ascii_strtod (value, &end);

            if (end == value || *end != '\0')
              g_string_append_printf (problems, _("• %s must be a number\n"), pz_json_get_string (f, "label"));
            json_builder_add_double_value (b, d);
          }
        else
          json_builder_add_string_value (b, value);
      }
    json_builder_end_object (b);
  }
  json_builder_end_object (b);

  if (problems->len)
    {
      g_string_truncate (problems, problems->len - 1);
      _pz_window_show_action_error (self, problems->str, NULL);
      return;
    }
  body = json_builder_get_root (b);
  _pz_window_set_busy (self, TRUE);
  gtk_widget_action_set_enabled (widget, "win.register", FALSE);
  self->registering = TRUE;
  pz_api_register_async (self->client, body, self->cancellable, register_done, g_object_ref (self));
}
