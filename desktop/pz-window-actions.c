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

/* The window's actions: acting on the open file (and going on to the next
 * of the pile), signing several, refreshing, retrying, logging out, and
 * the shortcuts of the main menu. */

void
_pz_window_logout_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  PzWindow *self = PZ_WINDOW (widget);

  pz_client_logout (self->client);
  g_clear_handle_id (&self->inbox_reload, g_source_remove);
  g_clear_handle_id (&self->late_toast, g_source_remove);
  g_clear_pointer (&self->known_ids, g_hash_table_unref);
  g_hash_table_remove_all (self->late_alerted);
  g_ptr_array_set_size (self->late_pending, 0);
  g_list_store_remove_all (self->inbox);

  /* nothing of the previous user stays on a shared counter PC: what they
   * searched and filtered, their counts, their open file and its scans,
   * what they typed, their reports and administration pages */
  pz_inbox_page_reset (self->inbox_page);

  g_cancellable_cancel (self->docs_cancellable);
  pz_checklist_page_set_document (self->checklist_page, NULL);
  g_clear_pointer (&self->docs_requirement, g_free);
  if (self->preview_window)
    gtk_window_destroy (GTK_WINDOW (self->preview_window));
  _pz_window_clear_file_box (self);
  _pz_window_forget_typed (self);
  _pz_window_clear_pending (self);
  g_clear_pointer (&self->file, json_object_unref);
  self->file_id = 0;
  gtk_widget_set_visible (GTK_WIDGET (self->inbox_page), TRUE);
  pz_file_view_show (self->file_view, "empty");

  /* the reports and the administration start afresh for the next user */
  gtk_stack_remove (self->stack, self->reports);
  self->reports = pz_report_view_new (self->client);
  gtk_stack_add_named (self->stack, self->reports, "reports");
  gtk_stack_remove (self->stack, self->admin);
  self->admin = pz_admin_view_new (self->client);
  gtk_stack_add_named (self->stack, self->admin, "admin");
  adw_window_title_set_subtitle (self->window_title, NULL);
  gtk_widget_set_visible (self->new_button, FALSE);
  gtk_widget_set_visible (self->admin_button, FALSE);
  gtk_widget_set_visible (self->reports_button, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-registration", FALSE);
  _pz_window_show_page (self, "login");
}

static void
sign_batch_finished (PzSignBatch *batch,
                     PzWindow    *self)
{
  _pz_window_toast (self, pz_sign_batch_get_summary (batch));
  _pz_window_load_inbox (self);
  if (self->file_id && self->pending_action == NULL)
    {
      _pz_window_keep_typed (self);
      _pz_window_load_file (self, self->file_id);
    }
}

static void
sign_inbox_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  PzWindow *self = data;
  g_autoptr(JsonNode) node = _pz_window_take_answer (self, source, result);
  JsonArray *items = node && JSON_NODE_HOLDS_OBJECT (node)
                       ? json_object_get_array_member (json_node_get_object (node), "items") : NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new ();
  PzSignBatch *batch;

  if (node == NULL)
    {
      g_object_unref (self);
      return;
    }
  for (guint i = 0; items && i < json_array_get_length (items); i++)
    if (_pz_window_waits_for_signature (self, json_array_get_object_element (items, i)))
      g_ptr_array_add (files, json_array_get_object_element (items, i));
  batch = pz_sign_batch_new (GTK_WINDOW (self), self->client, files);
  g_set_weak_pointer (&self->sign_batch, GTK_WIDGET (batch));
  g_signal_connect_object (batch, "finished", G_CALLBACK (sign_batch_finished), self, 0);
  gtk_window_present (GTK_WINDOW (batch));
  g_object_unref (self);
}

/* The Kadis signs the permits waiting in the inbox, several at once. */
static void
sign_several_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  PzWindow *self = PZ_WINDOW (widget);

  _pz_window_set_busy (self, TRUE);
  pz_api_list_inbox_async (self->client, 10000, self->cancellable, sign_inbox_done, g_object_ref (self));
}

/* Acting */

void
_pz_window_clear_pending (PzWindow *self)
{
  g_clear_pointer (&self->pending_action, g_free);
  self->pending_id = 0;
  self->pending_version = 0;
  g_clear_pointer (&self->pending_note, g_free);
  g_clear_pointer (&self->pending_data, json_node_unref);
  g_clear_pointer (&self->pending_key, g_free);
  g_clear_pointer (&self->pending_label, g_free);
}

void
_pz_window_show_action_error (PzWindow   *self,
                              const char *message,
                              JsonArray  *details)
{
  GString *text = g_string_new (message);

  for (guint i = 0; details && i < json_array_get_length (details); i++)
    g_string_append_printf (text, "\n• %s", pz_json_get_string (json_array_get_object_element (details, i), "message"));
  if (g_strcmp0 (pz_file_view_get_shown (self->file_view), "documents") == 0)
    _pz_window_docs_show_message (self, text->str);
  else if (self->registration)
    pz_registration_form_set_error (self->registration, text->str);
  else if (!pz_file_form_set_error (pz_file_view_get_form (self->file_view), text->str))
    _pz_window_toast (self, text->str);
  g_string_free (text, TRUE);
}

static guint
inbox_position (PzWindow *self,
                gint64    id)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->inbox)); i++)
    {
      g_autoptr(PzFileItem) item = g_list_model_get_item (G_LIST_MODEL (self->inbox), i);
      if (pz_file_item_get_id (item) == id)
        return i;
    }
  return 0;
}

/* After an official's action the file has left their hands: the next
 * one of the inbox opens, as the next file of a pile on the desk. At the
 * counter the applicant is still standing there, and a file that stays
 * with this user (or a search being worked through) stays open. */
static gboolean
should_advance (PzWindow   *self,
                JsonObject *after)
{
  JsonObject *step = self->file ? _pz_window_step_of (self, pz_json_get_string (self->file, "step")) : NULL;
  JsonArray *roles = step && json_object_has_member (step, "roles") ? json_object_get_array_member (step, "roles")
                                                                     : NULL;
  JsonArray *allowed = json_object_has_member (after, "allowed_actions")
                         ? json_object_get_array_member (after, "allowed_actions") : NULL;

  if (allowed && json_array_get_length (allowed) > 0)
    return FALSE;
  for (guint i = 0; roles && i < json_array_get_length (roles); i++)
    if (g_strcmp0 (json_array_get_string_element (roles, i), "front_office") == 0)
      return FALSE;
  return _pz_window_showing_inbox (self);
}

/* The inbox answered after an action: open the file that now stands
 * where the one acted on stood, or the first; none left shows the list. */
void
_pz_window_advance_to_next (PzWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->inbox));
  guint start = self->advance_pos < n ? self->advance_pos : 0;
  gint64 next = 0;

  self->advance = FALSE;
  for (guint k = 0; k < n && next == 0; k++)
    {
      g_autoptr(PzFileItem) item = g_list_model_get_item (G_LIST_MODEL (self->inbox), (start + k) % n);

      if (pz_file_item_get_id (item) != self->advance_from)
        next = pz_file_item_get_id (item);
    }
  if (next)
    {
      pz_window_open_file (self, next);
      return;
    }
  self->file_id = 0;
  g_clear_pointer (&self->file, json_object_unref);
  _pz_window_build_file_view (self);
}

static void
act_done (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  PzWindow *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = pz_api_act_finish (PZ_CLIENT (source), result, &error);
  JsonArray *details = pz_client_error_get_details (error);

  _pz_window_set_busy (self, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.act", TRUE);
  self->acting_id = 0;

  if (node == NULL)
    {
      if (_pz_window_handle_unreachable (self, error))
        ; /* kept in pending; Retry sends the same request again */
      else if (g_error_matches (error, PZ_CLIENT_ERROR, PZ_CLIENT_ERROR_STALE))
        {
          _pz_window_clear_pending (self);
          _pz_window_toast (self, error->message);
          _pz_window_keep_typed (self);
          _pz_window_load_file (self, self->file_id);
          _pz_window_load_inbox (self);
        }
      else if (g_error_matches (error, PZ_CLIENT_ERROR, PZ_CLIENT_ERROR_UNAUTHORIZED))
        _pz_window_keep_typed (self);  /* session-expired shows the login page */
      else
        {
          _pz_window_clear_pending (self);
          _pz_window_show_action_error (self, error->message, details);
        }
      g_object_unref (self);
      return;
    }

  _pz_window_hide_banner (self);
  {
    /* what the action produced, read from the file the server sent back */
    g_autofree char *done = JSON_NODE_HOLDS_OBJECT (node)
                              ? pz_outcome_text (self->file, json_node_get_object (node), self->steps)
                              : g_strdup_printf (_("Done: %s"), self->pending_label ? self->pending_label : "");
    AdwToast *t = adw_toast_new (done);
    JsonArray *outputs = JSON_NODE_HOLDS_OBJECT (node)
                           ? json_object_get_array_member (json_node_get_object (node), "outputs") : NULL;
    JsonArray *history = JSON_NODE_HOLDS_OBJECT (node)
                           ? json_object_get_array_member (json_node_get_object (node), "history") : NULL;
    JsonObject *last = history && json_array_get_length (history)
                         ? json_array_get_object_element (history, json_array_get_length (history) - 1) : NULL;

    /* the counter prints the receipt in one click right after the check */
    for (guint i = 0; outputs && last && i < json_array_get_length (outputs); i++)
      {
        JsonObject *o = json_array_get_object_element (outputs, i);
        if (g_strcmp0 (pz_json_get_string (o, "kind"), "receipt") == 0 &&
            g_strcmp0 (pz_json_get_string (o, "created_at"), pz_json_get_string (last, "at")) == 0)
          {
            adw_toast_set_button_label (t, _("_Print Receipt"));
            adw_toast_set_action_name (t, "win.print-output");
            adw_toast_set_action_target_value (t, g_variant_new_string ("receipt"));
            adw_toast_set_timeout (t, 10);
          }
      }
    adw_toast_overlay_add_toast (self->toasts, t);
  }
  _pz_window_clear_pending (self);
  _pz_window_forget_typed (self);
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      gboolean advance = should_advance (self, json_node_get_object (node));

      self->acted_id = json_object_get_int_member_with_default (json_node_get_object (node), "id", 0);
      self->acted_version = json_object_get_int_member_with_default (json_node_get_object (node), "version", 0);
      g_clear_pointer (&self->file, json_object_unref);
      self->file = json_object_ref (json_node_get_object (node));
      _pz_window_build_file_view (self);
      if (advance)
        {
          self->advance = TRUE;
          self->advance_from = self->file_id;
          self->advance_pos = inbox_position (self, self->file_id);
        }
    }
  _pz_window_load_inbox (self);
  g_object_unref (self);
}

static void
send_pending (PzWindow *self)
{
  _pz_window_set_busy (self, TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.act", FALSE);
  self->acting_id = self->file_id;
  pz_api_act_async (self->client, self->pending_id, self->pending_action, self->pending_version,
                    self->pending_note, self->pending_data, self->pending_key, self->cancellable, act_done,
                    g_object_ref (self));
}

static GtkWidget *
form_widget (PzWindow   *self,
             const char *name)
{
  return pz_file_form_get_widget (pz_file_view_get_form (self->file_view), name);
}

/* Reads the step's form into the action's data, an object; a value that
 * cannot be right is refused here, before anything is sent. */
static gboolean
collect_data (PzWindow    *self,
              JsonObject  *step,
              JsonBuilder *b,
              GString     *problems)
{
  const char *form = pz_json_get_string (step, "form");
  JsonObject *type = g_hash_table_lookup (self->permit_types, pz_json_get_string (self->file, "permit_type"));

  json_builder_begin_object (b);
  if (g_strcmp0 (form, "survey") == 0)
    {
      g_autofree char *date = pz_file_form_widget_text (form_widget (self, "survey_date"));
      g_autofree char *findings = pz_file_form_widget_text (form_widget (self, "findings"));
      g_autofree char *rec = pz_file_form_widget_text (form_widget (self, "recommendation"));

      if (!pz_parse_date (g_strstrip (date), NULL))
        g_string_append_printf (problems, "• %s\n", _("The survey date must be a date such as 2026-11-30"));
      if (!pz_valid_text (findings, 4000))
        g_string_append_printf (problems, "• %s\n", _("Describe the findings of the survey"));
      json_builder_set_member_name (b, "survey_date");
      json_builder_add_string_value (b, date);
      json_builder_set_member_name (b, "findings");
      json_builder_add_string_value (b, findings);
      json_builder_set_member_name (b, "recommendation");
      json_builder_add_string_value (b, rec);
    }
  else if (g_strcmp0 (form, "permit_fields") == 0 && type)
    {
      JsonArray *fields = pz_file_fields (self->file, type);

      for (guint i = 0; i < json_array_get_length (fields); i++)
        {
          JsonObject *f = json_array_get_object_element (fields, i);
          const char *name = pz_json_get_string (f, "name");
          const char *ftype = pz_json_get_string (f, "type");
          g_autofree char *key = g_strconcat ("field:", name, NULL);
          GtkWidget *w = form_widget (self, key);
          g_autofree char *value = w ? g_strstrip (pz_file_form_widget_text (w)) : g_strdup ("");

          if (*value == '\0')
            {
              if (json_object_get_boolean_member_with_default (f, "required", FALSE))
                g_string_append_printf (problems, _("• %s is required\n"), pz_json_get_string (f, "label"));
              continue;
            }
          json_builder_set_member_name (b, name);
          if (g_strcmp0 (ftype, "number") == 0)
            {
              char *end = NULL;
              double d = g_ascii_strtod (value, &end);

              if (end == value || *end != '\0')
                g_string_append_printf (problems, _("• %s must be a number\n"), pz_json_get_string (f, "label"));
              if (d == (double) (gint64) d)
                json_builder_add_int_value (b, (gint64) d);
              else
                json_builder_add_double_value (b, d);
            }
          else
            {
              if (g_strcmp0 (ftype, "date") == 0 && !pz_parse_date (value, NULL))
                g_string_append_printf (problems, _("• %s must be a date such as 2026-11-30\n"),
                                        pz_json_get_string (f, "label"));
              json_builder_add_string_value (b, value);
            }
        }
    }
  else if (g_strcmp0 (form, "signature") == 0 && self->sign_passphrase)
    {
      const char *pass = self->sign_passphrase;

      if (*pass == '\0')
        g_string_append_printf (problems, "• %s\n", _("Enter the passphrase of the signing key"));
      json_builder_set_member_name (b, "passphrase");
      json_builder_add_string_value (b, pass);
    }
  else if (g_strcmp0 (form, "handover") == 0)
    {
      g_autofree char *who = g_strstrip (pz_file_form_widget_text (form_widget (self, "received_by")));

      if (*who == '\0')
        g_string_append_printf (problems, "• %s\n", _("Enter who received the permit"));
      json_builder_set_member_name (b, "received_by");
      json_builder_add_string_value (b, who);
    }
  json_builder_end_object (b);
  return problems->len == 0;
}

void
_pz_window_start_action (PzWindow   *self,
                         const char *action)
{
  JsonObject *step = _pz_window_step_of (self, pz_json_get_string (self->file, "step"));
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autofree char *note = pz_file_form_get_note (pz_file_view_get_form (self->file_view));

  if (self->file == NULL || step == NULL || note == NULL)
    return;

  if (*note == '\0' && !g_str_equal (action, "approve"))
    g_string_append_printf (problems, "• %s\n", _("Write in the note why the file goes back or is refused"));
  if (g_str_equal (action, "approve"))
    collect_data (self, step, b, problems);

  if (problems->len)
    {
      g_string_truncate (problems, problems->len - 1);
      _pz_window_show_action_error (self, problems->str, NULL);
      return;
    }
  pz_file_form_set_error (pz_file_view_get_form (self->file_view), NULL);

  _pz_window_clear_pending (self);
  self->pending_action = g_strdup (action);
  self->pending_id = self->file_id;
  self->pending_version = json_object_get_int_member (self->file, "version");
  self->pending_note = *note ? g_steal_pointer (&note) : NULL;
  self->pending_data = g_str_equal (action, "approve") ? json_builder_get_root (b) : NULL;
  self->pending_key = g_uuid_string_random ();
  self->pending_label = _pz_window_action_label (self, step, action);
  send_pending (self);
}

static void
sign_confirmed (const char *passphrase,
                gpointer    data)
{
  PzWindow *self = data;

  self->sign_passphrase = passphrase;
  _pz_window_start_action (self, "approve");
  self->sign_passphrase = NULL;
}

/* The permit of the open file is signed electronically (not on paper). */
static gboolean
signs_electronically (PzWindow *self)
{
  JsonObject *step = self->file ? _pz_window_step_of (self, pz_json_get_string (self->file, "step")) : NULL;
  JsonObject *type = self->file ? g_hash_table_lookup (self->permit_types, pz_json_get_string (self->file, "permit_type"))
                                : NULL;

  return g_strcmp0 (pz_json_get_string (step, "form"), "signature") == 0 && type &&
         g_strcmp0 (pz_json_get_string (type, "signing"), "wet") != 0;
}

static void
refuse_response (AdwMessageDialog *dialog,
                 const char       *response,
                 PzWindow         *self)
{
  if (g_str_equal (response, "refuse"))
    _pz_window_start_action (self, "refuse");
}

static void
act_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  PzWindow *self = PZ_WINDOW (widget);
  const char *action = g_variant_get_string (parameter, NULL);

  if (g_str_equal (action, "refuse") && !g_object_get_data (G_OBJECT (self), "no-confirm"))
    {
      AdwMessageDialog *dialog;
      g_autofree char *heading = g_strdup_printf (_("Refuse %s?"), pz_json_get_string (self->file, "registration_number"));

      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading,
                                                           _("The file is closed as refused and the applicant gets a refusal letter with your note. "
                                                             "This cannot be undone.")));
      adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "refuse", _("_Refuse"), NULL);
      adw_message_dialog_set_response_appearance (dialog, "refuse", ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_default_response (dialog, "cancel");
      adw_message_dialog_set_close_response (dialog, "cancel");
      g_signal_connect (dialog, "response", G_CALLBACK (refuse_response), self);
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }
  if (g_str_equal (action, "approve") && signs_electronically (self))
    {
      pz_sign_confirm (GTK_WINDOW (self), self->file, sign_confirmed, self);
      return;
    }
  _pz_window_start_action (self, action);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  PzWindow *self = PZ_WINDOW (widget);

  if (g_strcmp0 (pz_window_get_page (self), "admin") == 0)
    {
      pz_admin_view_reload (PZ_ADMIN_VIEW (self->admin));
      return;
    }
  if (g_strcmp0 (pz_window_get_page (self), "reports") == 0)
    {
      JsonObject *report = pz_report_view_get_report (PZ_REPORT_VIEW (self->reports));
      JsonObject *period = report ? json_object_get_object_member (report, "period") : NULL;

      pz_report_view_load (PZ_REPORT_VIEW (self->reports),
                           period ? json_object_get_string_member (period, "from") : NULL,
                           period ? json_object_get_string_member (period, "to") : NULL);
      return;
    }
  _pz_window_load_inbox (self);
  if (self->file_id)
    {
      _pz_window_keep_typed (self);
      _pz_window_load_file (self, self->file_id);
    }
}

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  PzWindow *self = PZ_WINDOW (widget);

  _pz_window_hide_banner (self);
  if (self->pending_action)
    send_pending (self);
  else if (gtk_stack_get_visible_child_name (self->stack) &&
           g_str_equal (gtk_stack_get_visible_child_name (self->stack), "main"))
    refresh_action (widget, NULL, NULL);
}

/* The main menu's Late Files and Reports do what their buttons do. */
static void
show_late_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  PzWindow *self = PZ_WINDOW (widget);

  if (g_strcmp0 (pz_window_get_page (self), "main") != 0)
    _pz_window_show_page (self, "main");
  pz_inbox_page_toggle_late (self->inbox_page);
}

static void
show_reports_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  PzWindow *self = PZ_WINDOW (widget);

  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->reports_button), TRUE);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PzWindow *self = PZ_WINDOW (widget);
  pz_inbox_page_focus_search (self->inbox_page);
}

void
_pz_window_class_actions_init (PzWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_install_action (widget_class, "win.connect", NULL, _pz_window_connect_action);
  gtk_widget_class_install_action (widget_class, "win.change-server", NULL, _pz_window_change_server_action);
  gtk_widget_class_install_action (widget_class, "win.login", NULL, _pz_window_login_action);
  gtk_widget_class_install_action (widget_class, "win.change-password", NULL, _pz_window_change_password_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-password", NULL, _pz_window_cancel_password_action);
  gtk_widget_class_install_action (widget_class, "win.logout", NULL, _pz_window_logout_action);
  gtk_widget_class_install_action (widget_class, "win.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "win.retry", NULL, retry_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.show-late", NULL, show_late_action);
  gtk_widget_class_install_action (widget_class, "win.show-reports", NULL, show_reports_action);
  gtk_widget_class_install_action (widget_class, "win.act", "s", act_action);
  gtk_widget_class_install_action (widget_class, "win.sign-several", NULL, sign_several_action);
  gtk_widget_class_install_action (widget_class, "win.new-registration", NULL, _pz_window_new_registration_action);
  gtk_widget_class_install_action (widget_class, "win.upload-signed-scan", NULL, _pz_window_upload_signed_scan_action);
  gtk_widget_class_install_action (widget_class, "win.register", NULL, _pz_window_register_action);
  gtk_widget_class_install_action (widget_class, "win.check-documents", NULL, _pz_window_check_documents_action);
  gtk_widget_class_install_action (widget_class, "win.close-documents", NULL, _pz_window_close_documents_action);
  gtk_widget_class_install_action (widget_class, "win.document-verdict", "s", _pz_window_docs_verdict_action);
  gtk_widget_class_install_action (widget_class, "win.upload-document", NULL, _pz_window_upload_action);
  gtk_widget_class_install_action (widget_class, "win.next-document", NULL, _pz_window_next_document_action);
  gtk_widget_class_install_action (widget_class, "win.previous-document", NULL, _pz_window_previous_document_action);
  gtk_widget_class_install_action (widget_class, "win.approve-documents", NULL, _pz_window_approve_documents_action);
  gtk_widget_class_install_action (widget_class, "win.preview-output", "s", _pz_window_preview_output_action);
  gtk_widget_class_install_action (widget_class, "win.print-output", "s", _pz_window_print_output_action);
  gtk_widget_class_install_action (widget_class, "win.save-output", "s", _pz_window_save_output_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.new-registration", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.close-documents", NULL);
}
