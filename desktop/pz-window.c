/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "perizinan.h"
#include "pz-admin.h"
#include "pz-checklist.h"
#include "pz-report-view.h"
#include "pz-document-view.h"
#include "pz-file-item.h"
#include "pz-outcome.h"
#include "pz-signing.h"
#include "pz-widgets.h"
#include "pz-window-private.h"

G_DEFINE_FINAL_TYPE (PzWindow, pz_window, ADW_TYPE_APPLICATION_WINDOW)

void
_pz_window_toast (PzWindow   *self,
                  const char *text)
{
  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (text));
}

void
_pz_window_set_busy (PzWindow *self,
                     gboolean  busy)
{
  if (busy)
    self->busy++;
  else if (self->busy > 0)
    self->busy--;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), self->busy ? "progress" : NULL);
}

static void
show_banner (PzWindow   *self,
             const char *text)
{
  gtk_label_set_text (self->banner_label, text);
  gtk_revealer_set_reveal_child (self->banner_revealer, TRUE);
}

void
_pz_window_hide_banner (PzWindow *self)
{
  gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
}

/* The field to type in first on a page. */
static void
focus_page (PzWindow *self)
{
  const char *name = gtk_stack_get_visible_child_name (self->stack);

  if (g_strcmp0 (name, "connect") == 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->server_row));
  else if (g_strcmp0 (name, "login") == 0)
    {
      pz_login_page_focus (self->login_page);
    }
}

void
_pz_window_show_page (PzWindow   *self,
                      const char *name)
{
  gboolean working = g_str_equal (name, "main") || g_str_equal (name, "admin") || g_str_equal (name, "reports");

  gtk_stack_set_visible_child_name (self->stack, name);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.refresh", working);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.logout", working);
  if (self->admin_button)
    {
      g_signal_handlers_block_matched (self->admin_button, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->admin_button), g_str_equal (name, "admin"));
      g_signal_handlers_unblock_matched (self->admin_button, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
    }
  if (self->reports_button)
    {
      g_signal_handlers_block_matched (self->reports_button, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->reports_button), g_str_equal (name, "reports"));
      g_signal_handlers_unblock_matched (self->reports_button, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
    }
  gtk_widget_set_visible (self->new_button, g_str_equal (name, "main") && self->client &&
                          pz_client_user_has_role (self->client, "front_office"));
  /* the main menu offers what this page and this user can do */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.search", g_str_equal (name, "main"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-late", working && _pz_window_user_has_office_role (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-reports",
                                 working && self->reports_button && gtk_widget_get_visible (self->reports_button));
  focus_page (self);
}

/* An administrator who holds no office role works only in the
 * administration; one who does switches with the header button. */
gboolean
_pz_window_user_has_office_role (PzWindow *self)
{
  for (guint i = 0; pz_office_roles[i]; i++)
    if (pz_client_user_has_role (self->client, pz_office_roles[i]))
      return TRUE;
  return FALSE;
}

/* The page one comes back to: the administration for an administrator
 * without an office role, the files for everyone else. */
static const char *
home_page (PzWindow *self)
{
  return pz_client_user_has_role (self->client, "admin") && !_pz_window_user_has_office_role (self) ? "admin" : "main";
}

static void
admin_toggled (GtkToggleButton *button,
               PzWindow        *self)
{
  if (gtk_toggle_button_get_active (button))
    {
      pz_admin_view_reload (PZ_ADMIN_VIEW (self->admin));
      _pz_window_show_page (self, "admin");
    }
  else
    _pz_window_show_page (self, home_page (self));
}

gboolean
_pz_window_user_reads_reports (PzWindow *self)
{
  for (guint i = 0; pz_report_readers[i]; i++)
    if (pz_client_user_has_role (self->client, pz_report_readers[i]))
      return TRUE;
  return FALSE;
}

static void
reports_toggled (GtkToggleButton *button,
                 PzWindow        *self)
{
  if (gtk_toggle_button_get_active (button))
    {
      if (pz_report_view_get_report (PZ_REPORT_VIEW (self->reports)) == NULL)
        pz_report_view_load (PZ_REPORT_VIEW (self->reports), NULL, NULL);
      _pz_window_show_page (self, "reports");
    }
  else
    _pz_window_show_page (self, home_page (self));
}

/* A request that failed because the server could not be reached shows the
 * banner; anything else is for the caller to explain. */
gboolean
_pz_window_handle_unreachable (PzWindow     *self,
                               const GError *error)
{
  if (!g_error_matches (error, PZ_CLIENT_ERROR, PZ_CLIENT_ERROR_UNREACHABLE))
    return FALSE;
  show_banner (self, _("The server cannot be reached. Nothing you typed is lost; retry when the "
                       "network is back."));
  return TRUE;
}

/* Ends a request whose failure needs no more than telling the user: the
 * banner when the server is away, a toast otherwise. */
JsonNode *
_pz_window_take_answer (PzWindow     *self,
                        GObject      *source,
                        GAsyncResult *result)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = pz_client_request_finish (PZ_CLIENT (source), result, NULL, &error);

  _pz_window_set_busy (self, FALSE);
  if (node == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && !_pz_window_handle_unreachable (self, error))
        _pz_window_toast (self, error->message);
      return NULL;
    }
  _pz_window_hide_banner (self);
  return node;
}

/* The signature the Kadis puts on every permit changed hands: the Kadis
 * hears of it at once, wherever they are logged in. */
static void
certificate_replaced (PzWindow   *self,
                      const char *by,
                      const char *subject)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  g_autofree char *body = g_strdup_printf (_("%s installed a new signing certificate for %s; "
                                             "permits are signed with its passphrase from now on"),
                                           by, subject);
  AdwToast *t = adw_toast_new (body);

  adw_toast_set_timeout (t, 0);
  adw_toast_overlay_add_toast (self->toasts, t);
  if (app && g_application_get_dbus_connection (app))
    {
      g_autoptr(GNotification) n = g_notification_new (_("Signing Certificate Replaced"));

      g_notification_set_body (n, body);
      g_notification_set_priority (n, G_NOTIFICATION_PRIORITY_HIGH);
      g_application_send_notification (app, "signing-certificate", n);
    }
}

static void
pz_window_dispose (GObject *object)
{
  PzWindow *self = PZ_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  _pz_window_forget_login_password (self);
  g_clear_handle_id (&self->inbox_reload, g_source_remove);
  g_clear_handle_id (&self->late_toast, g_source_remove);
  g_clear_weak_pointer (&self->sign_batch);
  if (self->preview_window)
    gtk_window_destroy (GTK_WINDOW (self->preview_window));
  if (self->client)
    {
      g_signal_handlers_disconnect_by_data (self->client, self);
      pz_client_stop_events (self->client);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), PZ_TYPE_WINDOW);
  G_OBJECT_CLASS (pz_window_parent_class)->dispose (object);
}

static void
pz_window_finalize (GObject *object)
{
  PzWindow *self = PZ_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  g_clear_object (&self->settings);
  g_clear_object (&self->inbox);
  g_clear_pointer (&self->steps, g_hash_table_unref);
  g_clear_pointer (&self->permit_types, g_hash_table_unref);
  g_clear_pointer (&self->file, json_object_unref);
  g_clear_pointer (&self->known_ids, g_hash_table_unref);
  g_clear_pointer (&self->late_alerted, g_hash_table_unref);
  g_clear_pointer (&self->late_pending, g_ptr_array_unref);
  g_clear_object (&self->docs_cancellable);
  g_free (self->docs_requirement);
  g_free (self->start_step);
  g_free (self->open_query);
  _pz_window_forget_typed (self);
  _pz_window_clear_pending (self);
  G_OBJECT_CLASS (pz_window_parent_class)->finalize (object);
}

static void
pz_window_class_init (PzWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pz_window_dispose;
  object_class->finalize = pz_window_finalize;

  g_type_ensure (PZ_TYPE_LOGIN_PAGE);
  g_type_ensure (PZ_TYPE_FILE_VIEW);
  g_type_ensure (PZ_TYPE_INBOX_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class, "/id/go/perizinan/Perizinan/pz-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PzWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, server_row);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, connect_error);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, login_page);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, new_password_row);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, repeat_password_row);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, password_error);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, file_view);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, new_button);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, inbox_page);
  gtk_widget_class_bind_template_callback_full (widget_class, "login_page_log_in",
                                                G_CALLBACK (_pz_window_login_page_log_in));
  gtk_widget_class_bind_template_callback_full (widget_class, "login_page_change_server",
                                                G_CALLBACK (_pz_window_login_page_change_server));

  _pz_window_class_actions_init (klass);
}

static void
pz_window_init (PzWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->checklist_page = pz_file_view_get_checklist_page (self->file_view);

  self->cancellable = g_cancellable_new ();
  self->inbox = g_list_store_new (PZ_TYPE_FILE_ITEM);
  self->steps = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_unref);
  self->permit_types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_unref);

  _pz_window_inbox_init (self);
  _pz_window_login_init (self);
  _pz_window_documents_init (self);
  _pz_window_file_init (self);
  /* before the window is shown, focus cannot be given yet */
  g_signal_connect_after (self, "map", G_CALLBACK (focus_page), NULL);
}

/**
 * pz_window_new:
 * @app: the application
 * @settings: the app's settings (server address, last username)
 *
 * Returns: (transfer full): a window on the connect or the login page
 */
PzWindow *
pz_window_new (AdwApplication *app,
               GSettings      *settings)
{
  PzWindow *self = g_object_new (PZ_TYPE_WINDOW, "application", app, NULL);
  g_autofree char *url = g_settings_get_string (settings, "server-url");
  g_autofree char *user = g_settings_get_string (settings, "last-username");

  self->settings = g_object_ref (settings);
  self->client = pz_client_new (*url ? url : NULL);
  {
    g_auto(GStrv) trusted = g_settings_get_strv (settings, "trusted-certificates");
    pz_client_set_trusted_certificates (self->client, (const char * const *) trusted);
  }
  g_signal_connect_swapped (self->client, "session-expired", G_CALLBACK (_pz_window_session_expired), self);
  g_signal_connect_swapped (self->client, "application-changed", G_CALLBACK (_pz_window_application_changed), self);
  g_signal_connect_swapped (self->client, "events-connected", G_CALLBACK (_pz_window_events_connected), self);
  g_signal_connect_swapped (self->client, "application-late", G_CALLBACK (_pz_window_application_late), self);
  g_signal_connect_swapped (self->client, "signing-certificate-replaced", G_CALLBACK (certificate_replaced), self);
  self->late_alerted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->late_pending = g_ptr_array_new_with_free_func (g_free);
  self->sign_several_button = gtk_button_new_with_mnemonic (_("Sign _Several…"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->sign_several_button), "win.sign-several");
  gtk_widget_set_tooltip_text (self->sign_several_button,
                               _("Sign several permits waiting for your electronic signature at once"));
  gtk_widget_set_visible (self->sign_several_button, FALSE);
  /* in the header: the filter row has no room left at 1024 pixels */
  adw_header_bar_pack_start (self->header_bar, self->sign_several_button);

  self->admin = pz_admin_view_new (self->client);
  gtk_stack_add_named (self->stack, self->admin, "admin");
  self->admin_button = gtk_toggle_button_new ();
  gtk_button_set_icon_name (GTK_BUTTON (self->admin_button), "emblem-system-symbolic");
  gtk_widget_set_tooltip_text (self->admin_button, _("Administration"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->admin_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Administration"), -1);
  gtk_widget_set_visible (self->admin_button, FALSE);
  g_signal_connect (self->admin_button, "toggled", G_CALLBACK (admin_toggled), self);
  adw_header_bar_pack_end (self->header_bar, self->admin_button);

  self->reports = pz_report_view_new (self->client);
  gtk_stack_add_named (self->stack, self->reports, "reports");
  self->reports_button = gtk_toggle_button_new ();
  gtk_button_set_icon_name (GTK_BUTTON (self->reports_button), "x-office-spreadsheet-symbolic");
  gtk_widget_set_tooltip_text (self->reports_button, _("Reports"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->reports_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Reports"), -1);
  gtk_widget_set_visible (self->reports_button, FALSE);
  g_signal_connect (self->reports_button, "toggled", G_CALLBACK (reports_toggled), self);
  adw_header_bar_pack_end (self->header_bar, self->reports_button);

  if (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (self)))
    pz_window_add_close_keys (GTK_WINDOW (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (self))));
  pz_login_page_set_username (self->login_page, user);
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), url);
  if (*url)
    {
      pz_login_page_set_server (self->login_page, url);
      _pz_window_show_page (self, "login");
    }
  else
    _pz_window_show_page (self, "connect");
  return self;
}

/**
 * pz_window_use_server:
 * @url: the server's address, as given on the command line
 *
 * Goes to the login page of @url.
 */
void
pz_window_use_server (PzWindow   *self,
                      const char *url)
{
  pz_client_set_base_url (self->client, url);
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), url);
  pz_login_page_set_server (self->login_page, url);
  _pz_window_show_page (self, "login");
}

PzClient *
pz_window_get_client (PzWindow *self)
{
  return self->client;
}

const char *
pz_window_get_page (PzWindow *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}

GListModel *
pz_window_get_inbox (PzWindow *self)
{
  return pz_inbox_page_get_sorted_files (self->inbox_page);
}

void
pz_window_open_file (PzWindow *self,
                     gint64    id)
{
  if (id != self->file_id)
    _pz_window_forget_typed (self);
  else
    _pz_window_keep_typed (self);
  self->file_id = id;
  self->scroll_top = TRUE;
  _pz_window_load_file (self, id);
}

/**
 * pz_window_get_file:
 * @self: a window
 *
 * Returns: (transfer none) (nullable): the open file as last loaded
 */
JsonObject *
pz_window_get_file (PzWindow *self)
{
  return self->file;
}

/**
 * pz_window_get_form_widget:
 * @self: a window
 * @name: `note`, or a form field such as `received_by` or `field:luas_tanah`
 *
 * Returns: (transfer none) (nullable): the widget where that is typed
 */
GtkWidget *
pz_window_get_form_widget (PzWindow   *self,
                           const char *name)
{
  if (self->registration)
    return pz_registration_form_get_field (self->registration, name);
  return pz_file_form_get_widget (pz_file_view_get_form (self->file_view), name);
}

gboolean
pz_window_is_busy (PzWindow *self)
{
  return self->busy > 0 || (self->admin && pz_admin_view_is_busy (PZ_ADMIN_VIEW (self->admin))) ||
         (self->reports && pz_report_view_is_busy (PZ_REPORT_VIEW (self->reports)));
}

GtkWidget *
pz_window_get_admin_view (PzWindow *self)
{
  return self->admin;
}

GtkWidget *
pz_window_get_report_view (PzWindow *self)
{
  return self->reports;
}

GtkWidget *
pz_window_get_late_button (PzWindow *self)
{
  return pz_inbox_page_get_late_button (self->inbox_page);
}

guint
pz_window_get_late_alerts (PzWindow *self)
{
  return g_hash_table_size (self->late_alerted);
}

gboolean
pz_window_get_banner_shown (PzWindow *self)
{
  return gtk_revealer_get_reveal_child (self->banner_revealer);
}

