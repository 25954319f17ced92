/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-window"

#include "config.h"

#include <glib/gi18n.h>

#include "perizinan.h"
#include "pz-api.h"
#include "pz-registration-form.h"
#include "pz-window-private.h"

/* Registration at the counter: the form (PzRegistrationForm) in the file's
 * place, and its request sent. */

static void
form_register (PzWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.register", NULL);
}

static void
build_registration_form (PzWindow *self)
{
  GtkWidget *form;

  _pz_window_clear_file_box (self);
  self->file_id = 0;
  g_clear_pointer (&self->file, json_object_unref);

  if (g_hash_table_size (self->permit_types) == 0)
    {
      /* a new office: nothing to register under until its administrator
       * defines what the office issues */
      GtkWidget *empty = adw_status_page_new ();

      adw_status_page_set_icon_name (ADW_STATUS_PAGE (empty), "document-new-symbolic");
      adw_status_page_set_title (ADW_STATUS_PAGE (empty), _("No Permit Types Yet"));
      adw_status_page_set_description (ADW_STATUS_PAGE (empty),
                                       _("This office does not issue any permit yet. Its administrator "
                                         "adds the permit types under Administration, Permit Types."));
      gtk_widget_set_vexpand (empty, TRUE);
      pz_file_view_set_registration (self->file_view, empty);
      self->registration = NULL;
      _pz_window_forget_typed (self);
      return;
    }
  form = pz_registration_form_new (self->permit_types, self->kept_form);
  g_signal_connect_swapped (form, "register", G_CALLBACK (form_register), self);
  pz_file_view_set_registration (self->file_view, form);
  self->registration = PZ_REGISTRATION_FORM (form);

  _pz_window_forget_typed (self);
  pz_registration_form_focus (self->registration);
}

/* Whether the registration form on screen holds anything typed. */
static gboolean
registration_typed (PzWindow *self)
{
  if (self->file || self->registration == NULL)
    return FALSE;
  return pz_registration_form_is_typed (self->registration);
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
  if (self->registration)
    pz_registration_form_set_registering (self->registration, FALSE);
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

void
_pz_window_register_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  PzWindow *self = PZ_WINDOW (widget);
  g_autoptr(JsonNode) body = NULL;

  if (self->registration == NULL || !(body = pz_registration_form_build_request (self->registration)))
    return;
  _pz_window_set_busy (self, TRUE);
  gtk_widget_action_set_enabled (widget, "win.register", FALSE);
  pz_registration_form_set_registering (self->registration, TRUE);
  self->registering = TRUE;
  pz_api_register_async (self->client, body, self->cancellable, register_done, g_object_ref (self));
}
