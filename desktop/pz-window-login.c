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

/* The window's first pages: the server to connect to (and whether to trust
 * its own certificate), the login, the change of a first password, and the
 * office's reference data (workflows, permit types) loaded after it. */

/* An office server with its own (self-signed) certificate: the user
 * compares its fingerprint with the one the administrator gives, once;
 * then the action that met it runs again. */
static void
trust_response (AdwMessageDialog *dialog,
                const char       *response,
                PzWindow         *self)
{
  const char *fingerprint = g_object_get_data (G_OBJECT (dialog), "fingerprint");
  const char *retry = g_object_get_data (G_OBJECT (dialog), "retry");

  if (g_strcmp0 (response, "trust") == 0)
    {
      g_auto(GStrv) known = g_settings_get_strv (self->settings, "trusted-certificates");
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) trusted = NULL;

      g_strv_builder_addv (builder, (const char **) known);
      if (!g_strv_contains ((const char * const *) known, fingerprint))
        g_strv_builder_add (builder, fingerprint);
      trusted = g_strv_builder_end (builder);
      g_settings_set_strv (self->settings, "trusted-certificates", (const char * const *) trusted);
      pz_client_set_trusted_certificates (self->client, (const char * const *) trusted);
      gtk_widget_activate_action (GTK_WIDGET (self), retry, NULL);
    }
}

static gboolean
handle_untrusted (PzWindow     *self,
                  const GError *error,
                  const char   *again)
{
  AdwMessageDialog *dialog;
  g_autofree char *body = NULL;
  g_autofree char *escaped = NULL;

  if (!g_error_matches (error, PZ_CLIENT_ERROR, PZ_CLIENT_ERROR_UNTRUSTED_CERTIFICATE))
    return FALSE;
  escaped = g_markup_escape_text (pz_client_get_base_url (self->client), -1);
  body = g_strdup_printf (_("The server at %s shows a certificate that no known authority vouches for, as an "
                            "office's own server does. Ask your administrator for its fingerprint and trust it "
                            "only if every character matches:\n\n<tt>%s</tt>"), escaped, error->message);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Trust This Server?"), NULL));
  adw_message_dialog_set_body_use_markup (dialog, TRUE);
  adw_message_dialog_set_body (dialog, body);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "trust", _("_Trust This Server"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "trust", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "fingerprint", g_strdup (error->message), g_free);
  g_object_set_data (G_OBJECT (dialog), "retry", (gpointer) again);
  g_signal_connect (dialog, "response", G_CALLBACK (trust_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

static void
healthz_done (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  PzWindow *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = pz_api_healthz_finish (PZ_CLIENT (source), result, &error);

  _pz_window_set_busy (self, FALSE);
  if (node == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (handle_untrusted (self, error, "win.connect"))
        {
          g_object_unref (self);
          return;
        }
      gtk_label_set_text (self->connect_error, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->connect_error), TRUE);
      g_object_unref (self);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->connect_error), FALSE);
  g_settings_set_string (self->settings, "server-url", pz_client_get_base_url (self->client));
  pz_login_page_set_server (self->login_page, pz_client_get_base_url (self->client));
  _pz_window_show_page (self, "login");
  g_object_unref (self);
}

void
_pz_window_connect_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  PzWindow *self = PZ_WINDOW (widget);
  const char *url = gtk_editable_get_text (GTK_EDITABLE (self->server_row));

  if (*url == '\0')
    {
      gtk_label_set_text (self->connect_error, _("Enter the server address, e.g. https://izin.example.go.id"));
      gtk_widget_set_visible (GTK_WIDGET (self->connect_error), TRUE);
      return;
    }
  pz_client_set_base_url (self->client, url);
  _pz_window_set_busy (self, TRUE);
  pz_api_healthz_async (self->client, self->cancellable, healthz_done, g_object_ref (self));
}

void
_pz_window_change_server_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  PzWindow *self = PZ_WINDOW (widget);

  gtk_editable_set_text (GTK_EDITABLE (self->server_row),
                         pz_client_get_base_url (self->client) ? pz_client_get_base_url (self->client) : "");
  _pz_window_show_page (self, "connect");
}

int
_pz_window_compare_step_order (gconstpointer a,
                               gconstpointer b,
                               gpointer      data)
{
  PzWindow *self = data;
  JsonObject *sa = g_hash_table_lookup (self->steps, *(const char * const *) a);
  JsonObject *sb = g_hash_table_lookup (self->steps, *(const char * const *) b);

  return (int) json_object_get_int_member_with_default (sa, "position", 0) -
         (int) json_object_get_int_member_with_default (sb, "position", 0);
}

static void
index_reference (PzWindow *self,
                 JsonNode *workflows,
                 JsonNode *types)
{
  g_hash_table_remove_all (self->steps);
  g_hash_table_remove_all (self->permit_types);
  if (JSON_NODE_HOLDS_ARRAY (workflows))
    {
      JsonArray *list = json_node_get_array (workflows);

      for (guint w = 0; w < json_array_get_length (list); w++)
        {
          JsonObject *wf = json_array_get_object_element (list, w);
          JsonArray *steps = json_object_get_array_member (wf, "steps");

          if (w == 0)
            {
              g_free (self->start_step);
              self->start_step = g_strdup (pz_json_get_string (wf, "start"));
            }
          for (guint i = 0; i < json_array_get_length (steps); i++)
            {
              JsonObject *step = json_array_get_object_element (steps, i);

              if (!g_hash_table_contains (self->steps, pz_json_get_string (step, "id")))
                json_object_set_int_member (step, "position", g_hash_table_size (self->steps));
              g_hash_table_insert (self->steps, g_strdup (pz_json_get_string (step, "id")), json_object_ref (step));
            }
        }
    }
  if (JSON_NODE_HOLDS_ARRAY (types))
    {
      JsonArray *list = json_node_get_array (types);

      for (guint i = 0; i < json_array_get_length (list); i++)
        {
          JsonObject *t = json_array_get_object_element (list, i);
          g_hash_table_insert (self->permit_types, g_strdup (pz_json_get_string (t, "code")), json_object_ref (t));
        }
    }
  _pz_window_fill_filters (self);
}

typedef struct {
  PzWindow *self;
  JsonNode *workflows;
  guint     waiting;
  gboolean  failed;
} Reference;

/* Takes @node, one answer of the two. */
static void
reference_part_done (Reference    *ref,
                     JsonNode     *node,
                     const GError *error)
{
  PzWindow *self = ref->self;

  if (node == NULL)
    ref->failed = TRUE;
  else if (ref->workflows == NULL && JSON_NODE_HOLDS_ARRAY (node) &&
           json_array_get_length (json_node_get_array (node)) > 0 &&
           json_object_has_member (json_array_get_object_element (json_node_get_array (node), 0), "steps"))
    ref->workflows = json_node_ref (node);
  else if (!ref->failed)
    {
      index_reference (self, ref->workflows, node);
    }
  if (node)
    json_node_unref (node);

  if (--ref->waiting > 0)
    return;

  _pz_window_set_busy (self, FALSE);
  if (ref->failed && error && !_pz_window_handle_unreachable (self, error))
    _pz_window_toast (self, error->message);
  if (!ref->failed)
    {
      JsonObject *user = pz_client_get_user (self->client);
      g_autofree char *subtitle = g_strdup_printf ("%s · %s", pz_json_get_string (user, "full_name"),
                                                   pz_client_get_base_url (self->client));

      adw_window_title_set_subtitle (self->window_title, subtitle);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-registration",
                                     pz_client_user_has_role (self->client, "front_office"));
      gtk_widget_set_visible (self->admin_button, pz_client_user_has_role (self->client, "admin") &&
                              _pz_window_user_has_office_role (self));
      gtk_widget_set_visible (self->reports_button, _pz_window_user_reads_reports (self));
      if (pz_client_user_has_role (self->client, "admin") && !_pz_window_user_has_office_role (self))
        {
          pz_admin_view_reload (PZ_ADMIN_VIEW (self->admin));
          _pz_window_show_page (self, "admin");
        }
      else
        _pz_window_show_page (self, "main");
      g_clear_pointer (&self->known_ids, g_hash_table_unref);
      _pz_window_load_inbox (self);
      pz_client_start_events (self->client);
      if (self->file_id)
        _pz_window_load_file (self, self->file_id);
    }
  g_clear_pointer (&ref->workflows, json_node_unref);
  g_free (ref);
  g_object_unref (self);
}

/* Workflows first, then permit types: the second answer is told apart by
 * arriving second. */
static void
permit_types_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = pz_api_list_permit_types_finish (PZ_CLIENT (source), result, &error);

  reference_part_done (data, node, error);
}

static void
workflows_done (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  Reference *ref = data;
  g_autoptr(GError) error = NULL;
  JsonNode *node = pz_api_list_workflows_finish (PZ_CLIENT (source), result, &error);

  reference_part_done (ref, node, error);
  if (ref->waiting == 1)
    pz_api_list_permit_types_async (ref->self->client, ref->self->cancellable, permit_types_done, ref);
}

static void
load_reference (PzWindow *self)
{
  Reference *ref = g_new0 (Reference, 1);

  ref->self = g_object_ref (self);
  ref->waiting = 2;
  _pz_window_set_busy (self, TRUE);
  pz_api_list_workflows_async (self->client, self->cancellable, workflows_done, ref);
}

void
_pz_window_forget_login_password (PzWindow *self)
{
  if (self->login_password)
    memset (self->login_password, 0, strlen (self->login_password));
  g_clear_pointer (&self->login_password, g_free);
}

static void
login_done (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  PzWindow *self = data;
  g_autoptr(GError) error = NULL;

  _pz_window_set_busy (self, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.login", TRUE);
  pz_login_page_set_logging_in (self->login_page, FALSE);
  if (!pz_api_login_finish (PZ_CLIENT (source), result, &error))
    {
      if (!handle_untrusted (self, error, "win.login") && !_pz_window_handle_unreachable (self, error))
        pz_login_page_set_error (self->login_page, error->message);
      g_object_unref (self);
      return;
    }
  _pz_window_hide_banner (self);
  pz_login_page_set_error (self->login_page, NULL);
  pz_login_page_clear_password (self->login_page);
  g_settings_set_string (self->settings, "last-username", pz_login_page_get_username (self->login_page));
  if (json_object_get_boolean_member_with_default (pz_client_get_user (self->client),
                                                   "must_change_password", FALSE))
    {
      /* The server answers nothing else until the password is the user's own. */
      gtk_editable_set_text (GTK_EDITABLE (self->new_password_row), "");
      gtk_editable_set_text (GTK_EDITABLE (self->repeat_password_row), "");
      gtk_widget_set_visible (GTK_WIDGET (self->password_error), FALSE);
      _pz_window_show_page (self, "password");
      gtk_widget_grab_focus (GTK_WIDGET (self->new_password_row));
      g_object_unref (self);
      return;
    }
  _pz_window_forget_login_password (self);
  load_reference (self);
  g_object_unref (self);
}

static void
show_password_error (PzWindow   *self,
                     const char *message)
{
  gtk_label_set_text (self->password_error, message);
  gtk_widget_set_visible (GTK_WIDGET (self->password_error), TRUE);
}

static void
password_changed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  PzWindow *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = pz_api_change_password_finish (PZ_CLIENT (source), result, &error);
  JsonArray *details = pz_client_error_get_details (error);

  _pz_window_set_busy (self, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.change-password", TRUE);
  if (error)
    {
      if (_pz_window_handle_unreachable (self, error))
        ;
      else if (details && json_array_get_length (details) > 0)
        show_password_error (self, json_object_get_string_member_with_default (
                               json_array_get_object_element (details, 0), "message", error->message));
      else
        show_password_error (self, error->message);
      g_object_unref (self);
      return;
    }
  _pz_window_forget_login_password (self);
  gtk_editable_set_text (GTK_EDITABLE (self->new_password_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->repeat_password_row), "");
  json_object_set_boolean_member (pz_client_get_user (self->client), "must_change_password", FALSE);
  load_reference (self);
  g_object_unref (self);
}

void
_pz_window_change_password_action (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *parameter)
{
  PzWindow *self = PZ_WINDOW (widget);
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->new_password_row));
  const char *repeat = gtk_editable_get_text (GTK_EDITABLE (self->repeat_password_row));

  if (g_utf8_strlen (password, -1) < PZ_MIN_PASSWORD_LENGTH)
    {
      g_autofree char *text = g_strdup_printf (_("The password needs at least %d characters"), PZ_MIN_PASSWORD_LENGTH);

      show_password_error (self, text);
      return;
    }
  if (!g_str_equal (password, repeat))
    {
      show_password_error (self, _("The two passwords differ; type them again"));
      return;
    }
  if (self->login_password == NULL)
    {
      _pz_window_show_page (self, "login");
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->password_error), FALSE);
  _pz_window_set_busy (self, TRUE);
  gtk_widget_action_set_enabled (widget, "win.change-password", FALSE);
  pz_api_change_password_async (self->client, self->login_password, password, self->cancellable, password_changed,
                                g_object_ref (self));
}

void
_pz_window_cancel_password_action (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *parameter)
{
  PzWindow *self = PZ_WINDOW (widget);

  _pz_window_forget_login_password (self);
  gtk_editable_set_text (GTK_EDITABLE (self->new_password_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->repeat_password_row), "");
  _pz_window_logout_action (widget, NULL, NULL);
}

void
_pz_window_login_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  PzWindow *self = PZ_WINDOW (widget);
  const char *user = pz_login_page_get_username (self->login_page);
  const char *password = pz_login_page_get_password (self->login_page);

  if (*user == '\0' || *password == '\0')
    {
      pz_login_page_set_error (self->login_page, _("Enter your username and password"));
      return;
    }
  _pz_window_set_busy (self, TRUE);
  gtk_widget_action_set_enabled (widget, "win.login", FALSE);
  pz_login_page_set_logging_in (self->login_page, TRUE);
  _pz_window_forget_login_password (self);
  self->login_password = g_strdup (password);
  pz_api_login_async (self->client, user, password, self->cancellable, login_done, g_object_ref (self));
}

void
_pz_window_session_expired (PzWindow *self)
{
  /* The file stays open underneath; after logging in again the user
   * carries on where they were, with what they typed. */
  pz_login_page_set_error (self->login_page, _("Your session has ended; log in again to carry on."));
  _pz_window_show_page (self, "login");
}

static void
activate_connect (PzWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.connect", NULL);
}

static void
activate_change_password (PzWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.change-password", NULL);
}

/* The page's Log In and Change Server are the window's actions. */
void
_pz_window_login_page_log_in (PzWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.login", NULL);
}

void
_pz_window_login_page_change_server (PzWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.change-server", NULL);
}

void
_pz_window_login_init (PzWindow *self)
{
  pz_password_row_label_peek (self->new_password_row);
  pz_password_row_label_peek (self->repeat_password_row);
  g_signal_connect_swapped (self->server_row, "entry-activated", G_CALLBACK (activate_connect), self);
  g_signal_connect_swapped (self->new_password_row, "entry-activated", G_CALLBACK (activate_change_password), self);
  g_signal_connect_swapped (self->repeat_password_row, "entry-activated", G_CALLBACK (activate_change_password), self);
}
