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
#include "pz-window.h"

/* The staff's window: connect, log in, the inbox of what waits for me, and
 * the file with the actions this user may take now. The server decides
 * what is allowed; the window shows it and never loses what was typed. */
struct _PzWindow
{
  AdwApplicationWindow parent_instance;

  /* template */
  AdwWindowTitle  *window_title;
  GtkRevealer     *banner_revealer;
  GtkLabel        *banner_label;
  AdwToastOverlay *toasts;
  GtkStack        *stack;
  AdwEntryRow     *server_row;
  GtkLabel        *connect_error;
  AdwStatusPage   *login_page;
  AdwEntryRow     *username_row;
  AdwPasswordEntryRow *password_row;
  GtkLabel        *login_error;
  AdwPasswordEntryRow *new_password_row;
  AdwPasswordEntryRow *repeat_password_row;
  GtkLabel        *password_error;
  char            *login_password;  /* kept only until a required change is made */
  GtkLabel        *count_waiting;
  GtkLabel        *count_overdue;
  GtkLabel        *count_done;
  GtkDropDown     *step_filter;
  GtkDropDown     *status_filter;
  GtkDropDown     *type_filter;
  GPtrArray       *step_codes;     /* filter position -> step id (0: any) */
  GPtrArray       *type_codes;
  GtkSearchEntry  *search_entry;
  GtkLabel        *list_title;
  GtkColumnView   *inbox_view;
  GtkStack        *inbox_stack;
  AdwStatusPage   *inbox_empty;
  GListModel      *inbox_sorted;   /* the inbox in the order of the column clicked */
  GtkStack        *file_stack;
  GtkBox          *file_box;
  GtkWidget       *new_button;
  AdwHeaderBar    *header_bar;
  GtkWidget       *admin_button;    /* between the files and the administration */
  GtkWidget       *admin;           /* PzAdminView */
  GtkWidget       *reports_button;
  GtkWidget       *late_button;     /* the list shows the late files */
  GHashTable      *late_alerted;    /* "id/step/reason" told already */
  GPtrArray       *late_pending;    /* alerts gathered into one toast */
  guint            late_toast;      /* source id */
  GtkWidget       *reports;         /* PzReportView */
  GtkWidget       *inbox_box;

  GSettings       *settings;
  PzClient        *client;
  GCancellable    *cancellable;
  GListStore      *inbox;
  GHashTable      *steps;          /* step id -> JsonObject */
  GHashTable      *permit_types;   /* code -> JsonObject */
  char            *start_step;
  guint            busy;

  JsonObject      *file;
  gint64           file_id;
  GHashTable      *form;           /* name -> GtkWidget */
  GtkTextBuffer   *note;
  GtkLabel        *action_error;
  GHashTable      *kept_form;      /* name -> text typed, carried across reloads */

  /* the checklist viewer */
  GtkWidget       *docs_page;
  GtkListBox      *docs_list;
  GtkLabel        *docs_progress_label;
  PzDocumentView  *docs_view;
  GtkStack        *docs_stack;
  GtkEntry        *docs_note;
  GtkProgressBar  *docs_upload;
  GtkLabel        *docs_message;
  GtkWidget       *docs_actions;
  GtkWidget       *docs_ok;
  GtkWidget       *docs_upload_button;
  GtkWidget       *docs_not_ok;
  GtkWidget       *docs_next;
  GtkWidget       *docs_previous;
  GtkWidget       *docs_complete;
  char            *docs_requirement;
  GCancellable    *docs_cancellable;

  GtkWidget       *preview_window;
  PzDocumentView  *preview_view;

  guint            inbox_reload;   /* source id: changes come in bursts */
  GHashTable      *known_ids;      /* files in the inbox at the last load */

  /* the action waiting to be sent again after the server came back */
  char            *pending_path;
  JsonNode        *pending_body;
  char            *pending_key;
  char            *pending_label;

  /* the day's work: after an action the next file of the inbox opens */
  gboolean         advance;        /* open the next file when the inbox comes */
  guint            advance_pos;    /* where the file acted on stood in the list */
  gint64           advance_from;   /* the file acted on */
  gboolean         scroll_top;     /* the next view built starts at its top */
  guint            inbox_serial;   /* only the answer to the last request counts */
  char            *open_query;     /* Enter in the search: open what it finds */
  const char      *sign_passphrase;/* only while the signing request is built */
  GtkWidget       *sign_several_button;
};

G_DEFINE_FINAL_TYPE (PzWindow, pz_window, ADW_TYPE_APPLICATION_WINDOW)

static void load_inbox (PzWindow *self);
static void build_outputs (PzWindow *self);
static void fill_docs_list (PzWindow *self);
static void keep_typed (PzWindow *self);
static void load_file (PzWindow *self, gint64 id);
static void build_file_view (PzWindow *self);
static void docs_update_controls (PzWindow *self);
static void update_approve_documents (PzWindow *self);
static char *approve_documents_tooltip (PzWindow *self, gboolean with_key);
static JsonObject *step_of (PzWindow *self, const char *id);

/* The permit's fields of the open file: those of the edition of its permit
 * type it was registered under, as the server sends them. */
static JsonArray *
file_fields (JsonObject *file,
             JsonObject *type)
{
  if (file && json_object_has_member (file, "fields"))
    return json_object_get_array_member (file, "fields");
  return type && json_object_has_member (type, "fields") ? json_object_get_array_member (type, "fields") : NULL;
}

static void
toast (PzWindow   *self,
       const char *text)
{
  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (text));
}

static void
set_busy (PzWindow *self,
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

static void
hide_banner (PzWindow *self)
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
      const char *user = gtk_editable_get_text (GTK_EDITABLE (self->username_row));
      gtk_widget_grab_focus (GTK_WIDGET (*user ? GTK_WIDGET (self->password_row)
                                               : GTK_WIDGET (self->username_row)));
    }
}

static gboolean user_has_office_role (PzWindow *self);

static void
show_page (PzWindow   *self,
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
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-late", working && user_has_office_role (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-reports",
                                 working && self->reports_button && gtk_widget_get_visible (self->reports_button));
  focus_page (self);
}

/* An administrator who holds no office role works only in the
 * administration; one who does switches with the header button. */
static gboolean
user_has_office_role (PzWindow *self)
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
  return pz_client_user_has_role (self->client, "admin") && !user_has_office_role (self) ? "admin" : "main";
}

static void
admin_toggled (GtkToggleButton *button,
               PzWindow        *self)
{
  if (gtk_toggle_button_get_active (button))
    {
      pz_admin_view_reload (PZ_ADMIN_VIEW (self->admin));
      show_page (self, "admin");
    }
  else
    show_page (self, home_page (self));
}

static gboolean
user_reads_reports (PzWindow *self)
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
      show_page (self, "reports");
    }
  else
    show_page (self, home_page (self));
}

/* A request that failed because the server could not be reached shows the
 * banner; anything else is for the caller to explain. */
static gboolean
handle_unreachable (PzWindow     *self,
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
static JsonNode *
take_answer (PzWindow     *self,
             GObject      *source,
             GAsyncResult *result)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = pz_client_request_finish (PZ_CLIENT (source), result, NULL, &error);

  set_busy (self, FALSE);
  if (node == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && !handle_unreachable (self, error))
        toast (self, error->message);
      return NULL;
    }
  hide_banner (self);
  return node;
}

/* Connecting and logging in */

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
                  const char   *retry_action)
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
  g_object_set_data (G_OBJECT (dialog), "retry", (gpointer) retry_action);
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
  g_autoptr(JsonNode) node = pz_client_request_finish (PZ_CLIENT (source), result, NULL, &error);

  set_busy (self, FALSE);
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
  adw_status_page_set_description (self->login_page, pz_client_get_base_url (self->client));
  show_page (self, "login");
  g_object_unref (self);
}

static void
connect_action (GtkWidget  *widget,
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
  set_busy (self, TRUE);
  pz_client_request_async (self->client, "GET", "/healthz", NULL, NULL, self->cancellable,
                           healthz_done, g_object_ref (self));
}

static void
change_server_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  PzWindow *self = PZ_WINDOW (widget);

  gtk_editable_set_text (GTK_EDITABLE (self->server_row),
                         pz_client_get_base_url (self->client) ? pz_client_get_base_url (self->client) : "");
  show_page (self, "connect");
}

static void fill_filters (PzWindow *self);
static int compare_by_name (gconstpointer a, gconstpointer b);
static const char *step_title (PzWindow *self, const char *id);

static int
compare_step_order (gconstpointer a,
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
  fill_filters (self);
}

typedef struct {
  PzWindow *self;
  JsonNode *workflows;
  guint     waiting;
  gboolean  failed;
} Reference;

static void
reference_part_done (GObject      *source,
                     GAsyncResult *result,
                     gpointer      data)
{
  Reference *ref = data;
  PzWindow *self = ref->self;
  g_autoptr(GError) error = NULL;
  JsonNode *node = pz_client_request_finish (PZ_CLIENT (source), result, NULL, &error);

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

  set_busy (self, FALSE);
  if (ref->failed && error && !handle_unreachable (self, error))
    toast (self, error->message);
  if (!ref->failed)
    {
      JsonObject *user = pz_client_get_user (self->client);
      g_autofree char *subtitle = g_strdup_printf ("%s · %s", pz_json_get_string (user, "full_name"),
                                                   pz_client_get_base_url (self->client));

      adw_window_title_set_subtitle (self->window_title, subtitle);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-registration",
                                     pz_client_user_has_role (self->client, "front_office"));
      gtk_widget_set_visible (self->admin_button, pz_client_user_has_role (self->client, "admin") &&
                                                  user_has_office_role (self));
      gtk_widget_set_visible (self->reports_button, user_reads_reports (self));
      if (pz_client_user_has_role (self->client, "admin") && !user_has_office_role (self))
        {
          pz_admin_view_reload (PZ_ADMIN_VIEW (self->admin));
          show_page (self, "admin");
        }
      else
        show_page (self, "main");
      g_clear_pointer (&self->known_ids, g_hash_table_unref);
      load_inbox (self);
      pz_client_start_events (self->client);
      if (self->file_id)
        load_file (self, self->file_id);
    }
  g_clear_pointer (&ref->workflows, json_node_unref);
  g_free (ref);
  g_object_unref (self);
}

/* Workflows first, then permit types: the second answer is told apart by
 * arriving second. */
static void
workflows_done (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  Reference *ref = data;

  reference_part_done (source, result, ref);
  if (ref->waiting == 1)
    pz_client_request_async (ref->self->client, "GET", "/api/v1/permit-types", NULL, NULL,
                             ref->self->cancellable, reference_part_done, ref);
}

static void
load_reference (PzWindow *self)
{
  Reference *ref = g_new0 (Reference, 1);

  ref->self = g_object_ref (self);
  ref->waiting = 2;
  set_busy (self, TRUE);
  pz_client_request_async (self->client, "GET", "/api/v1/workflows", NULL, NULL, self->cancellable,
                           workflows_done, ref);
}

static void
forget_login_password (PzWindow *self)
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

  set_busy (self, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.login", TRUE);
  if (!pz_client_login_finish (PZ_CLIENT (source), result, &error))
    {
      if (!handle_untrusted (self, error, "win.login") && !handle_unreachable (self, error))
        {
          gtk_label_set_text (self->login_error, error->message);
          gtk_widget_set_visible (GTK_WIDGET (self->login_error), TRUE);
        }
      g_object_unref (self);
      return;
    }
  hide_banner (self);
  gtk_widget_set_visible (GTK_WIDGET (self->login_error), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  g_settings_set_string (self->settings, "last-username",
                         gtk_editable_get_text (GTK_EDITABLE (self->username_row)));
  if (json_object_get_boolean_member_with_default (pz_client_get_user (self->client),
                                                   "must_change_password", FALSE))
    {
      /* The server answers nothing else until the password is the user's own. */
      gtk_editable_set_text (GTK_EDITABLE (self->new_password_row), "");
      gtk_editable_set_text (GTK_EDITABLE (self->repeat_password_row), "");
      gtk_widget_set_visible (GTK_WIDGET (self->password_error), FALSE);
      show_page (self, "password");
      gtk_widget_grab_focus (GTK_WIDGET (self->new_password_row));
      g_object_unref (self);
      return;
    }
  forget_login_password (self);
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
  g_autoptr(JsonArray) details = NULL;
  g_autoptr(JsonNode) node = pz_client_request_finish (PZ_CLIENT (source), result, &details, &error);

  set_busy (self, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.change-password", TRUE);
  if (error)
    {
      if (handle_unreachable (self, error))
        ;
      else if (details && json_array_get_length (details) > 0)
        show_password_error (self, json_object_get_string_member_with_default (
                                     json_array_get_object_element (details, 0), "message", error->message));
      else
        show_password_error (self, error->message);
      g_object_unref (self);
      return;
    }
  forget_login_password (self);
  gtk_editable_set_text (GTK_EDITABLE (self->new_password_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->repeat_password_row), "");
  json_object_set_boolean_member (pz_client_get_user (self->client), "must_change_password", FALSE);
  load_reference (self);
  g_object_unref (self);
}

static void
change_password_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  PzWindow *self = PZ_WINDOW (widget);
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->new_password_row));
  const char *repeat = gtk_editable_get_text (GTK_EDITABLE (self->repeat_password_row));
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

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
      show_page (self, "login");
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->password_error), FALSE);
  json_object_set_string_member (body, "old_password", self->login_password);
  json_object_set_string_member (body, "new_password", password);
  json_node_set_object (node, body);
  set_busy (self, TRUE);
  gtk_widget_action_set_enabled (widget, "win.change-password", FALSE);
  pz_client_request_async (self->client, "POST", "/api/v1/auth/password", node, NULL,
                           self->cancellable, password_changed, g_object_ref (self));
}

static void logout_action (GtkWidget *widget, const char *action_name, GVariant *parameter);

static void
cancel_password_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  PzWindow *self = PZ_WINDOW (widget);

  forget_login_password (self);
  gtk_editable_set_text (GTK_EDITABLE (self->new_password_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->repeat_password_row), "");
  logout_action (widget, NULL, NULL);
}

static void
login_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  PzWindow *self = PZ_WINDOW (widget);
  const char *user = gtk_editable_get_text (GTK_EDITABLE (self->username_row));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  if (*user == '\0' || *password == '\0')
    {
      gtk_label_set_text (self->login_error, _("Enter your username and password"));
      gtk_widget_set_visible (GTK_WIDGET (self->login_error), TRUE);
      return;
    }
  set_busy (self, TRUE);
  gtk_widget_action_set_enabled (widget, "win.login", FALSE);
  forget_login_password (self);
  self->login_password = g_strdup (password);
  pz_client_login_async (self->client, user, password, self->cancellable, login_done, g_object_ref (self));
}

static void filter_changed (PzWindow *self);
static void search_changed (PzWindow *self);
static void late_toggled (PzWindow *self);
static void clear_file_box (PzWindow *self);
static void clear_pending (PzWindow *self);
static void forget_typed (PzWindow *self);

static void
logout_action (GtkWidget  *widget,
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
  g_signal_handlers_block_by_func (self->search_entry, search_changed, self);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  g_signal_handlers_unblock_by_func (self->search_entry, search_changed, self);
  g_signal_handlers_block_by_func (self->step_filter, filter_changed, self);
  g_signal_handlers_block_by_func (self->status_filter, filter_changed, self);
  g_signal_handlers_block_by_func (self->type_filter, filter_changed, self);
  gtk_drop_down_set_selected (self->step_filter, 0);
  gtk_drop_down_set_selected (self->status_filter, 0);
  gtk_drop_down_set_selected (self->type_filter, 0);
  g_signal_handlers_unblock_by_func (self->step_filter, filter_changed, self);
  g_signal_handlers_unblock_by_func (self->status_filter, filter_changed, self);
  g_signal_handlers_unblock_by_func (self->type_filter, filter_changed, self);
  g_signal_handlers_block_by_func (self->late_button, late_toggled, self);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->late_button), FALSE);
  g_signal_handlers_unblock_by_func (self->late_button, late_toggled, self);
  gtk_label_set_text (self->count_waiting, "");
  gtk_label_set_text (self->count_overdue, "");
  gtk_label_set_text (self->count_done, "");
  gtk_label_set_text (self->list_title, "");

  g_cancellable_cancel (self->docs_cancellable);
  pz_document_view_set_document (self->docs_view, NULL);
  g_clear_pointer (&self->docs_requirement, g_free);
  if (self->preview_window)
    gtk_window_destroy (GTK_WINDOW (self->preview_window));
  clear_file_box (self);
  forget_typed (self);
  clear_pending (self);
  g_clear_pointer (&self->file, json_object_unref);
  self->file_id = 0;
  gtk_widget_set_visible (self->inbox_box, TRUE);
  gtk_stack_set_visible_child_name (self->file_stack, "empty");

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
  show_page (self, "login");
}

static void
session_expired (PzWindow *self)
{
  /* The file stays open underneath; after logging in again the user
   * carries on where they were, with what they typed. */
  gtk_label_set_text (self->login_error, _("Your session has ended; log in again to carry on."));
  gtk_widget_set_visible (GTK_WIDGET (self->login_error), TRUE);
  show_page (self, "login");
}

/* The inbox */

static void
filter_changed (PzWindow *self)
{
  if (g_strcmp0 (pz_window_get_page (self), "main") == 0)
    load_inbox (self);
}

/* The filters offer the steps of the workflow and the office's permit
 * types, as the server sent them. */
static void
fill_filters (PzWindow *self)
{
  g_autoptr(GtkStringList) steps = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) types = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) statuses = gtk_string_list_new (NULL);
  g_autoptr(GList) type_list = g_hash_table_get_values (self->permit_types);
  g_autoptr(GList) step_ids = g_hash_table_get_keys (self->steps);

  g_signal_handlers_block_by_func (self->step_filter, filter_changed, self);
  g_signal_handlers_block_by_func (self->status_filter, filter_changed, self);
  g_signal_handlers_block_by_func (self->type_filter, filter_changed, self);

  g_clear_pointer (&self->step_codes, g_ptr_array_unref);
  g_clear_pointer (&self->type_codes, g_ptr_array_unref);
  self->step_codes = g_ptr_array_new_with_free_func (g_free);
  self->type_codes = g_ptr_array_new_with_free_func (g_free);

  gtk_string_list_append (steps, _("Any step"));
  g_ptr_array_add (self->step_codes, NULL);
  /* in the order of the procedure */
  {
    g_autoptr(GPtrArray) ordered = g_ptr_array_new ();
    for (GList *l = step_ids; l; l = l->next)
      g_ptr_array_add (ordered, l->data);
    g_ptr_array_sort_with_data (ordered, compare_step_order, self);
    for (guint i = 0; i < ordered->len; i++)
      {
        gtk_string_list_append (steps, step_title (self, g_ptr_array_index (ordered, i)));
        g_ptr_array_add (self->step_codes, g_strdup (g_ptr_array_index (ordered, i)));
      }
  }

  gtk_string_list_append (types, _("Any permit type"));
  g_ptr_array_add (self->type_codes, NULL);
  type_list = g_list_sort (type_list, compare_by_name);
  for (GList *l = type_list; l; l = l->next)
    {
      gtk_string_list_append (types, pz_json_get_string (l->data, "name"));
      g_ptr_array_add (self->type_codes, g_strdup (pz_json_get_string (l->data, "code")));
    }

  gtk_string_list_append (statuses, _("Any status"));
  gtk_string_list_append (statuses, _("In progress"));
  gtk_string_list_append (statuses, _("Waiting for applicant"));
  gtk_string_list_append (statuses, _("Issued"));
  gtk_string_list_append (statuses, _("Refused"));

  gtk_drop_down_set_model (self->step_filter, G_LIST_MODEL (steps));
  gtk_drop_down_set_model (self->type_filter, G_LIST_MODEL (types));
  gtk_drop_down_set_model (self->status_filter, G_LIST_MODEL (statuses));
  gtk_drop_down_set_selected (self->step_filter, 0);
  gtk_drop_down_set_selected (self->type_filter, 0);
  gtk_drop_down_set_selected (self->status_filter, 0);

  g_signal_handlers_unblock_by_func (self->step_filter, filter_changed, self);
  g_signal_handlers_unblock_by_func (self->status_filter, filter_changed, self);
  g_signal_handlers_unblock_by_func (self->type_filter, filter_changed, self);
}

static void
fill_list (PzWindow   *self,
           JsonObject *answer)
{
  JsonArray *items = json_object_get_array_member (answer, "items");
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; items && i < json_array_get_length (items); i++)
    g_ptr_array_add (rows, pz_file_item_new_from_json (json_array_get_object_element (items, i), now));
  g_list_store_splice (self->inbox, 0, g_list_model_get_n_items (G_LIST_MODEL (self->inbox)),
                       rows->pdata, rows->len);
}

/* A file that enters my inbox while I work elsewhere raises a desktop
 * notification; the first load after logging in does not. */
static void
notify_new_files (PzWindow  *self,
                  JsonArray *items)
{
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  /* without a session bus there is no one to show a notification */
  if (app && g_application_get_dbus_connection (app) == NULL)
    app = NULL;

  for (guint i = 0; items && i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      gint64 *id = g_new (gint64, 1);

      *id = json_object_get_int_member_with_default (item, "id", 0);
      g_hash_table_add (ids, id);
      if (self->known_ids && !g_hash_table_contains (self->known_ids, id) && app)
        {
          g_autoptr(GNotification) n = g_notification_new (_("A file is waiting for you"));
          g_autofree char *body = g_strdup_printf ("%s · %s · %s", pz_json_get_string (item, "registration_number"),
                                                   pz_json_get_string (item, "applicant_name"),
                                                   g_dgettext (GETTEXT_PACKAGE, pz_json_get_string (item, "step_title")));
          g_autofree char *nid = g_strdup_printf ("file-%" G_GINT64_FORMAT, *id);

          g_notification_set_body (n, body);
          g_notification_set_default_action_and_target (n, "app.open-file", "x", *id);
          g_application_send_notification (app, nid, n);
        }
    }
  g_clear_pointer (&self->known_ids, g_hash_table_unref);
  self->known_ids = g_steal_pointer (&ids);
}

static void advance_to_next (PzWindow *self);
static void open_found (PzWindow *self);
static void count_to_sign (PzWindow *self);

typedef struct {
  PzWindow *self;
  guint     serial;
} InboxLoad;

static void
inbox_done (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  InboxLoad *load = data;
  PzWindow *self = load->self;
  g_autoptr(JsonNode) node = take_answer (self, source, result);
  gboolean latest = load->serial == self->inbox_serial;

  g_free (load);
  /* an answer overtaken by a newer request (typing in the search) would
   * put back an older list */
  if (node == NULL || !latest)
    {
      g_object_unref (self);
      return;
    }
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *answer = json_node_get_object (node);
      g_autofree char *waiting = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                  json_object_get_int_member_with_default (answer, "total", 0));
      g_autofree char *overdue = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                  json_object_get_int_member_with_default (answer, "overdue", 0));
      g_autofree char *done = g_strdup_printf ("%" G_GINT64_FORMAT,
                                               json_object_get_int_member_with_default (answer, "done_today", 0));

      if (json_object_has_member (answer, "total") && !json_object_has_member (answer, "overdue"))
        {
          g_autofree char *title = g_strdup_printf (ngettext ("%lld late file: over its step's standard or near "
                                                              "the legal deadline",
                                                              "%lld late files: over their step's standard or near "
                                                              "the legal deadline",
                                                              (gulong) json_object_get_int_member (answer, "total")),
                                                    (long long) json_object_get_int_member (answer, "total"));
          gtk_label_set_text (self->list_title, title);
          adw_status_page_set_icon_name (self->inbox_empty, "task-due-symbolic");
          adw_status_page_set_title (self->inbox_empty, _("No Late Files"));
          adw_status_page_set_description (self->inbox_empty, _("Every file is within its step's standard."));
        }
      else if (json_object_has_member (answer, "total"))
        {
          gtk_label_set_text (self->count_waiting, waiting);
          gtk_label_set_text (self->count_overdue, overdue);
          gtk_label_set_text (self->count_done, done);
          gtk_label_set_text (self->list_title, _("Waiting for me, most urgent first"));
          adw_status_page_set_icon_name (self->inbox_empty, "object-select-symbolic");
          adw_status_page_set_title (self->inbox_empty, _("No Files Waiting"));
          adw_status_page_set_description (self->inbox_empty,
                                           _("Nothing waits for you now; new files appear here as they reach you."));
          notify_new_files (self, json_object_get_array_member (answer, "items"));
        }
      else
        {
          gtk_label_set_text (self->list_title, _("Search results, newest first"));
          adw_status_page_set_icon_name (self->inbox_empty, "edit-find-symbolic");
          adw_status_page_set_title (self->inbox_empty, _("No Matching Files"));
          adw_status_page_set_description (self->inbox_empty, _("Try another search or other filters."));
        }
      fill_list (self, answer);
      gtk_stack_set_visible_child_name (self->inbox_stack,
                                        g_list_model_get_n_items (G_LIST_MODEL (self->inbox)) ? "list" : "empty");
      if (self->advance)
        advance_to_next (self);
      if (self->open_query)
        open_found (self);
      count_to_sign (self);
    }
  g_object_unref (self);
}

static void
load_inbox (PzWindow *self)
{
  static const char * const statuses[] = { NULL, "in_progress", "waiting_applicant", "issued", "refused" };
  const char *q = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  guint step_i = gtk_drop_down_get_selected (self->step_filter);
  guint status_i = gtk_drop_down_get_selected (self->status_filter);
  guint type_i = gtk_drop_down_get_selected (self->type_filter);
  const char *step = self->step_codes && step_i < self->step_codes->len ? g_ptr_array_index (self->step_codes, step_i) : NULL;
  const char *status = status_i < G_N_ELEMENTS (statuses) ? statuses[status_i] : NULL;
  const char *type = self->type_codes && type_i < self->type_codes->len ? g_ptr_array_index (self->type_codes, type_i) : NULL;
  g_autofree char *path = NULL;

  if ((q && *q) || step || status || type)
    {
      GString *p = g_string_new ("/api/v1/applications?limit=500");
      const struct { const char *name; const char *value; } params[] = {
        { "q", q && *q ? q : NULL }, { "step", step }, { "status", status }, { "permit_type", type },
      };

      for (guint i = 0; i < G_N_ELEMENTS (params); i++)
        if (params[i].value)
          {
            g_autofree char *escaped = g_uri_escape_string (params[i].value, NULL, FALSE);
            g_string_append_printf (p, "&%s=%s", params[i].name, escaped);
          }
      path = g_string_free (p, FALSE);
    }
  else if (self->late_button && gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->late_button)))
    path = g_strdup ("/api/v1/late-files");
  else
    path = g_strdup ("/api/v1/inbox?limit=10000");
  set_busy (self, TRUE);
  {
    InboxLoad *load = g_new0 (InboxLoad, 1);

    load->self = g_object_ref (self);
    load->serial = ++self->inbox_serial;
    pz_client_request_async (self->client, "GET", path, NULL, NULL, self->cancellable, inbox_done, load);
  }
}

/* The list shows the inbox itself, not a search, a filter or the late files. */
static gboolean
showing_inbox (PzWindow *self)
{
  const char *q = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  return !(q && *q) && gtk_drop_down_get_selected (self->step_filter) == 0 &&
         gtk_drop_down_get_selected (self->status_filter) == 0 &&
         gtk_drop_down_get_selected (self->type_filter) == 0 &&
         !(self->late_button && gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->late_button)));
}

/* Enter in the search opens the file whose registration number was typed,
 * or the only one found. */
static void
open_found (PzWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->inbox));
  g_autofree char *query = g_steal_pointer (&self->open_query);
  g_autofree char *wanted = g_utf8_casefold (g_strstrip (query), -1);
  gint64 found = 0;

  for (guint i = 0; i < n && found == 0; i++)
    {
      g_autoptr(PzFileItem) item = g_list_model_get_item (G_LIST_MODEL (self->inbox), i);
      g_autofree char *number = g_utf8_casefold (pz_file_item_get_column (item, PZ_FILE_COLUMN_REGISTRATION), -1);

      if (g_str_equal (number, wanted))
        found = pz_file_item_get_id (item);
    }
  if (found == 0 && n == 1)
    {
      g_autoptr(PzFileItem) item = g_list_model_get_item (G_LIST_MODEL (self->inbox), 0);
      found = pz_file_item_get_id (item);
    }
  if (found)
    {
      self->scroll_top = TRUE;
      pz_window_open_file (self, found);
    }
  else if (n == 0)
    toast (self, _("No file found"));
}

/* A file of the list waits for the Kadis's electronic signature. */
static gboolean
waits_for_signature (PzWindow   *self,
                     JsonObject *summary)
{
  JsonObject *step = step_of (self, pz_json_get_string (summary, "step"));
  JsonObject *type = g_hash_table_lookup (self->permit_types, pz_json_get_string (summary, "permit_type"));

  return g_strcmp0 (pz_json_get_string (step, "form"), "signature") == 0 && type &&
         g_strcmp0 (pz_json_get_string (type, "signing"), "wet") != 0;
}

static void
count_to_sign (PzWindow *self)
{
  guint n = 0;

  if (self->sign_several_button == NULL)
    return;
  gtk_widget_set_visible (self->sign_several_button, self->client && pz_client_user_has_role (self->client, "kadis"));
  if (!showing_inbox (self))
    return;
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->inbox)); i++)
    {
      g_autoptr(PzFileItem) item = g_list_model_get_item (G_LIST_MODEL (self->inbox), i);
      if (waits_for_signature (self, pz_file_item_get_summary (item)))
        n++;
    }
  gtk_widget_set_sensitive (self->sign_several_button, n > 0);
}

static void
sign_batch_finished (PzSignBatch *batch,
                     PzWindow    *self)
{
  toast (self, pz_sign_batch_get_summary (batch));
  load_inbox (self);
  if (self->file_id && self->pending_body == NULL)
    {
      keep_typed (self);
      load_file (self, self->file_id);
    }
}

static void
sign_inbox_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  PzWindow *self = data;
  g_autoptr(JsonNode) node = take_answer (self, source, result);
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
    if (waits_for_signature (self, json_array_get_object_element (items, i)))
      g_ptr_array_add (files, json_array_get_object_element (items, i));
  batch = pz_sign_batch_new (GTK_WINDOW (self), self->client, files);
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

  set_busy (self, TRUE);
  pz_client_request_async (self->client, "GET", "/api/v1/inbox?limit=10000", NULL, NULL, self->cancellable,
                           sign_inbox_done, g_object_ref (self));
}

static void
search_activated (PzWindow *self)
{
  const char *q = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  if (q == NULL || *q == '\0')
    return;
  g_free (self->open_query);
  self->open_query = g_strdup (q);
  load_inbox (self);
}

static void
search_changed (PzWindow *self)
{
  load_inbox (self);
}

static void
setup_label (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (GPOINTER_TO_UINT (data) == PZ_FILE_COLUMN_DUE)
    /* the date on one line, the time under it: never cut */
    gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_NONE);
  else if (GPOINTER_TO_UINT (data) == PZ_FILE_COLUMN_REGISTRATION)
    {
      /* an identifier is never cut: its column is as wide as the number */
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_NONE);
      gtk_label_set_selectable (GTK_LABEL (label), FALSE);
    }
  else
    {
      /* the rest takes two lines where the window is narrow */
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_lines (GTK_LABEL (label), 2);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
    }
  gtk_list_item_set_child (item, label);
}

static void
bind_label (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  data)
{
  PzFileItem *file = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);

  gtk_label_set_text (GTK_LABEL (label), pz_file_item_get_column (file, GPOINTER_TO_UINT (data)));
}

static void
setup_badge (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_widget_set_halign (label, GTK_ALIGN_START);
  gtk_widget_add_css_class (label, "pz-badge");
  gtk_list_item_set_child (item, label);
}

static void
bind_badge (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  data)
{
  PzFileItem *file = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  PzDueState state = pz_file_item_get_due_state (file);
  static const char * const classes[] = { "success", "warning", "error", "dim-label" };

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (label, classes[i]);
  gtk_widget_add_css_class (label, pz_due_state_css_class (state));
  gtk_label_set_text (GTK_LABEL (label), pz_due_state_label (state));
}

static void
add_column (PzWindow   *self,
            const char *title,
            guint       column,
            gboolean    expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *col;

  if (column == G_MAXUINT)
    {
      g_signal_connect (factory, "setup", G_CALLBACK (setup_badge), NULL);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_badge), NULL);
    }
  else
    {
      g_signal_connect (factory, "setup", G_CALLBACK (setup_label), GUINT_TO_POINTER (column));
      g_signal_connect (factory, "bind", G_CALLBACK (bind_label), GUINT_TO_POINTER (column));
    }
  col = gtk_column_view_column_new (title, factory);
  if (column != G_MAXUINT)
    {
      g_autoptr(GtkSorter) sorter = pz_file_item_sorter_new (column);
      gtk_column_view_column_set_sorter (col, sorter);
    }
  gtk_column_view_column_set_expand (col, expand);
  gtk_column_view_column_set_resizable (col, TRUE);
  gtk_column_view_append_column (self->inbox_view, col);
  g_object_unref (col);
}

static void
row_activated (GtkColumnView *view,
               guint          position,
               PzWindow      *self)
{
  g_autoptr(PzFileItem) item = g_list_model_get_item (self->inbox_sorted, position);

  if (item)
    pz_window_open_file (self, pz_file_item_get_id (item));
}

static gboolean
inbox_reload_cb (gpointer data)
{
  PzWindow *self = data;

  self->inbox_reload = 0;
  load_inbox (self);
  return G_SOURCE_REMOVE;
}

static void
application_changed (PzWindow   *self,
                     gint64      id,
                     const char *step,
                     const char *status,
                     gint64      version)
{
  if (g_strcmp0 (pz_window_get_page (self), "main") != 0)
    return;
  if (self->inbox_reload == 0)
    self->inbox_reload = g_timeout_add (150, inbox_reload_cb, self);
  if (id == self->file_id && self->file &&
      version != json_object_get_int_member_with_default (self->file, "version", 0) &&
      self->pending_body == NULL)
    {
      keep_typed (self);
      load_file (self, id);
    }
}

static gboolean
show_late_toast (gpointer data)
{
  PzWindow *self = data;

  self->late_toast = 0;
  if (self->late_pending->len == 1)
    toast (self, g_ptr_array_index (self->late_pending, 0));
  else if (self->late_pending->len > 1)
    {
      g_autofree char *text = g_strdup_printf (ngettext ("%u file became late; see Late Files",
                                                         "%u files became late; see Late Files",
                                                         self->late_pending->len),
                                               self->late_pending->len);
      toast (self, text);
    }
  g_ptr_array_set_size (self->late_pending, 0);
  return G_SOURCE_REMOVE;
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

/* A file became late: the people it concerns hear of it once. */
static void
application_late (PzWindow   *self,
                  gint64      id,
                  const char *number,
                  const char *step,
                  const char *reason,
                  char      **roles)
{
  g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT "/%s/%s", id, step, reason);
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  gboolean mine = FALSE;
  g_autofree char *body = NULL;

  for (guint i = 0; roles && roles[i]; i++)
    mine |= pz_client_user_has_role (self->client, roles[i]);
  if (!mine || !g_hash_table_add (self->late_alerted, g_strdup (key)))
    return;
  if (g_strcmp0 (reason, "deadline") == 0)
    body = g_strdup_printf (_("%s is near the end of its service standard"), number);
  else
    body = g_strdup_printf (_("%s is over the standard at %s"), number, step_title (self, step));
  /* several at once make one toast, not a queue of them */
  g_ptr_array_add (self->late_pending, g_strdup (body));
  if (self->late_toast == 0)
    self->late_toast = g_timeout_add (400, show_late_toast, self);
  if (app && g_application_get_dbus_connection (app))
    {
      g_autoptr(GNotification) n = g_notification_new (_("A file is late"));
      g_autofree char *nid = g_strdup_printf ("late-%s", key);

      g_notification_set_body (n, body);
      g_notification_set_priority (n, G_NOTIFICATION_PRIORITY_HIGH);
      g_notification_set_default_action_and_target (n, "app.open-file", "x", id);
      g_application_send_notification (app, nid, n);
    }
  if (self->late_button && gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->late_button)) &&
      self->inbox_reload == 0)
    self->inbox_reload = g_timeout_add (150, inbox_reload_cb, self);
}

static void
late_toggled (PzWindow *self)
{
  load_inbox (self);
}

static void
events_connected (PzWindow *self)
{
  /* what changed while the stream was down is not known: reload */
  if (g_strcmp0 (pz_window_get_page (self), "main") != 0)
    return;
  if (self->inbox_reload == 0)
    self->inbox_reload = g_timeout_add (150, inbox_reload_cb, self);
}

/* The file */

static JsonObject *
step_of (PzWindow   *self,
         const char *id)
{
  return id ? g_hash_table_lookup (self->steps, id) : NULL;
}

static const char *
step_title (PzWindow   *self,
            const char *id)
{
  const char *title = pz_json_get_string (step_of (self, id), "title");
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
static char *
action_label (PzWindow   *self,
              JsonObject *step,
              const char *action)
{
  const char *form = pz_json_get_string (step, "form");
  JsonObject *target = step_of (self, target_of (step, action));

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

static GtkWidget *
group_new (GtkBox     *box,
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

static GtkWidget *
entry_row (GtkWidget  *group,
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

static char *
widget_text (GtkWidget *widget)
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
static void
keep_typed (PzWindow *self)
{
  GHashTableIter iter;
  gpointer key, value;

  if (self->kept_form == NULL)
    self->kept_form = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_iter_init (&iter, self->form);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!ADW_IS_PASSWORD_ENTRY_ROW (value))
      g_hash_table_insert (self->kept_form, g_strdup (key), widget_text (value));
}

static void
forget_typed (PzWindow *self)
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
  g_autoptr(JsonArray) details = NULL;
  g_autoptr(JsonNode) node = pz_client_request_finish (PZ_CLIENT (source), result, &details, &error);

  set_busy (self, FALSE);
  if (node == NULL)
    {
      if (!handle_unreachable (self, error))
        {
          GString *text = g_string_new (error->message);
          for (guint i = 0; details && i < json_array_get_length (details); i++)
            g_string_append_printf (text, "\n• %s",
                                    pz_json_get_string (json_array_get_object_element (details, i), "message"));
          toast (self, text->str);
          g_string_free (text, TRUE);
        }
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      keep_typed (self);
      g_clear_pointer (&self->file, json_object_unref);
      self->file = json_object_ref (json_node_get_object (node));
      build_file_view (self);
    }
  g_object_unref (self);
}

static void
verdict_clicked (GtkButton *button,
                 PzWindow  *self)
{
  const char *requirement = g_object_get_data (G_OBJECT (button), "requirement");
  const char *verdict = g_object_get_data (G_OBJECT (button), "verdict");
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;
  g_autofree char *escaped = g_uri_escape_string (requirement, NULL, FALSE);
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

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "verdict");
  json_builder_add_string_value (b, verdict);
  if (g_str_equal (verdict, "not_ok"))
    {
      json_builder_set_member_name (b, "note");
      json_builder_add_string_value (b, note);
    }
  json_builder_end_object (b);
  body = json_builder_get_root (b);
  path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/checklist/%s", self->file_id, escaped);
  set_busy (self, TRUE);
  pz_client_request_async (self->client, "PUT", path, body, NULL, self->cancellable, verdict_done,
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

      group = group_new (box, _("Inspection report (BAP)"));
      pz_date_row_add_picker (ADW_ENTRY_ROW (entry_row (group, self, "survey_date", _("Survey date (YYYY-MM-DD)"),
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
      JsonArray *fields = file_fields (self->file, type);
      JsonObject *data = json_object_get_object_member (self->file, "data");

      group = group_new (box, _("Permit data"));
      for (guint i = 0; i < json_array_get_length (fields); i++)
        {
          JsonObject *f = json_array_get_object_element (fields, i);
          const char *name = pz_json_get_string (f, "name");
          g_autofree char *value = node_to_text (data ? json_object_get_member (data, name) : NULL);
          g_autofree char *title = json_object_get_boolean_member_with_default (f, "required", FALSE)
                                     ? g_strdup_printf ("%s *", pz_json_get_string (f, "label"))
                                     : g_strdup (pz_json_get_string (f, "label"));
          g_autofree char *key = g_strconcat ("field:", name, NULL);

          GtkWidget *row = entry_row (group, self, key, title, value, FALSE);

          if (g_strcmp0 (pz_json_get_string (f, "type"), "date") == 0)
            pz_date_row_add_picker (ADW_ENTRY_ROW (row));
        }
    }
  else if (g_strcmp0 (form, "signature") == 0 && type)
    {
      group = group_new (box, _("Signature"));
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

      group = group_new (box, _("Hand-over"));
      entry_row (group, self, "received_by", _("Received by"), pz_json_get_string (applicant, "name"), FALSE);
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

  heading = g_strdup_printf (_("Your step: %s"), step_title (self, pz_json_get_string (step, "id")));
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
          label = action_label (self, step, action);
          button = gtk_button_new_with_label (label);
          /* long Indonesian labels take two lines in a narrow pane */
          gtk_label_set_wrap (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button))), TRUE);
          gtk_label_set_justify (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button))), GTK_JUSTIFY_CENTER);
          if (g_str_equal (action, "approve") && g_strcmp0 (pz_json_get_string (step, "form"), "documents_complete") == 0)
            {
              /* insensitive, and saying why, while documents are open */
              g_autofree char *why = approve_documents_tooltip (self, FALSE);

              update_approve_documents (self);
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
  group = group_new (self->file_box, title);
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
  group = group_new (self->file_box, _("History"));
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
        subtitle = g_strdup_printf (_("%s · %s → %s · %s of office time"), when, step_title (self, from),
                                    step_title (self, pz_json_get_string (ev, "to_step")), spent);
      else
        subtitle = g_strdup_printf ("%s · %s", when, step_title (self, pz_json_get_string (ev, "to_step")));
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
  group = group_new (self->file_box, _("Time against the Standards"));
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

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), step_title (self, pz_json_get_string (c, "step")));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      badge = gtk_label_new (within ? (current ? _("Running") : _("Within")) : _("Late"));
      gtk_widget_add_css_class (badge, "pz-badge");
      gtk_widget_add_css_class (badge, within ? (current ? "dim-label" : "success") : "error");
      gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
}

static void
clear_file_box (PzWindow *self)
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
}

static void
build_file_view (PzWindow *self)
{
  JsonObject *applicant, *step, *type, *data, *survey;
  GtkWidget *header, *title, *subtitle, *badges, *group;
  g_autofree char *sub = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(PzFileItem) summary = NULL;

  clear_file_box (self);
  /* an approval given in the checklist viewer comes back to the file */
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->file_stack), "documents") == 0)
    {
      g_cancellable_cancel (self->docs_cancellable);
      pz_document_view_set_document (self->docs_view, NULL);
      gtk_widget_set_visible (self->inbox_box, TRUE);
    }
  if (self->file == NULL)
    {
      gtk_stack_set_visible_child_name (self->file_stack, "empty");
      return;
    }

  applicant = json_object_get_object_member (self->file, "applicant");
  step = step_of (self, pz_json_get_string (self->file, "step"));
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
    GtkWidget *step_badge = gtk_label_new (step_title (self, pz_json_get_string (self->file, "step")));
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
  build_outputs (self);
  build_checklist (self, step);

  group = group_new (self->file_box, _("Applicant"));
  add_info_row (group, _("Name"), pz_json_get_string (applicant, "name"));
  add_info_row (group, _("NIK"), pz_json_get_string (applicant, "nik"));
  add_info_row (group, _("Address"), pz_json_get_string (applicant, "address"));
  add_info_row (group, _("Phone"), pz_json_get_string (applicant, "phone"));
  add_info_row (group, _("E-mail"), pz_json_get_string (applicant, "email"));

  group = group_new (self->file_box, _("Permit"));
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
      JsonArray *fields = file_fields (self->file, type);

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

      group = group_new (self->file_box, _("Inspection report (BAP)"));
      add_info_row (group, _("Survey date"), survey_date);
      add_info_row (group, _("Surveyor"), pz_json_get_string (survey, "surveyor"));
      add_info_row (group, _("Recommendation"),
                    g_strcmp0 (pz_json_get_string (survey, "recommendation"), "feasible") == 0 ? _("Feasible")
                                                                                          : _("Not feasible"));
      add_info_row (group, _("Findings"), pz_json_get_string (survey, "findings"));
    }

  build_clocks (self);
  build_history (self);
  forget_typed (self);
  gtk_stack_set_visible_child_name (self->file_stack, "file");
  if (self->scroll_top)
    {
      /* a file opened is read from its top, wherever the last one was left */
      GtkWidget *scrolled = gtk_widget_get_ancestor (GTK_WIDGET (self->file_box), GTK_TYPE_SCROLLED_WINDOW);

      self->scroll_top = FALSE;
      gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled)), 0);
    }
}

static void
file_done (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  PzWindow *self = data;
  g_autoptr(JsonNode) node = take_answer (self, source, result);

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
      build_file_view (self);
    }
  g_object_unref (self);
}

static void
load_file (PzWindow *self,
           gint64    id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT, id);

  set_busy (self, TRUE);
  pz_client_request_async (self->client, "GET", path, NULL, NULL, self->cancellable, file_done,
                           g_object_ref (self));
}


/* The checklist viewer: the documents of this file on the left, the one
 * chosen on the right, with the verdict and upload under it. */

static JsonObject *
checklist_item (PzWindow   *self,
                const char *requirement)
{
  JsonArray *checklist = self->file ? json_object_get_array_member (self->file, "checklist") : NULL;

  for (guint i = 0; checklist && i < json_array_get_length (checklist); i++)
    {
      JsonObject *item = json_array_get_object_element (checklist, i);
      if (g_strcmp0 (pz_json_get_string (item, "requirement"), requirement) == 0)
        return item;
    }
  return NULL;
}

static gboolean
docs_can_edit (PzWindow *self)
{
  JsonObject *step = self->file ? step_of (self, pz_json_get_string (self->file, "step")) : NULL;
  JsonArray *allowed = self->file ? json_object_get_array_member (self->file, "allowed_actions") : NULL;

  return step && json_object_get_boolean_member_with_default (step, "documents", FALSE) &&
         allowed && json_array_get_length (allowed) > 0;
}

static void
docs_show_message (PzWindow   *self,
                   const char *text)
{
  gtk_label_set_text (self->docs_message, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->docs_message), text != NULL);
}

static void
document_loaded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  PzWindow *self = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *type = NULL;
  g_autoptr(GBytes) bytes = pz_client_get_bytes_finish (PZ_CLIENT (source), result, &type, &error);
  g_autoptr(PzScan) doc = NULL;

  set_busy (self, FALSE);
  if (bytes == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && !handle_unreachable (self, error))
        docs_show_message (self, error->message);
      g_object_unref (self);
      return;
    }
  if (!(doc = pz_scan_new_from_bytes (bytes, type, &error)))
    docs_show_message (self, _("The document cannot be shown; ask for a new scan"));
  else
    {
      pz_document_view_set_document (self->docs_view, doc);
      gtk_stack_set_visible_child_name (self->docs_stack, "document");
    }
  g_object_unref (self);
}

static void
docs_select (PzWindow   *self,
             const char *requirement)
{
  JsonObject *item = checklist_item (self, requirement);
  gboolean uploaded = item && g_strcmp0 (pz_json_get_string (item, "state"), "missing") != 0;
  gboolean editable = docs_can_edit (self);

  g_free (self->docs_requirement);
  self->docs_requirement = g_strdup (requirement);
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->docs_list)); row;
       row = gtk_widget_get_next_sibling (row))
    if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "requirement"), requirement) == 0)
      gtk_list_box_select_row (self->docs_list, GTK_LIST_BOX_ROW (row));
  docs_show_message (self, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->docs_note), item && pz_json_get_string (item, "note") ? pz_json_get_string (item, "note") : "");
  gtk_widget_set_sensitive (self->docs_actions, editable);
  gtk_widget_set_visible (self->docs_actions, editable);
  docs_update_controls (self);

  g_cancellable_cancel (self->docs_cancellable);
  g_clear_object (&self->docs_cancellable);
  pz_document_view_set_document (self->docs_view, NULL);
  if (!uploaded)
    {
      gtk_stack_set_visible_child_name (self->docs_stack, "missing");
      return;
    }
  {
    g_autofree char *escaped = g_uri_escape_string (requirement, NULL, FALSE);
    g_autofree char *path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/documents/%s",
                                             self->file_id, escaped);

    self->docs_cancellable = g_cancellable_new ();
    set_busy (self, TRUE);
    pz_client_get_bytes_async (self->client, path, self->docs_cancellable, document_loaded, g_object_ref (self));
  }
}

static void
docs_row_activated (GtkListBox    *list,
                    GtkListBoxRow *row,
                    PzWindow      *self)
{
  const char *requirement = g_object_get_data (G_OBJECT (row), "requirement");

  if (g_strcmp0 (requirement, self->docs_requirement) != 0)
    docs_select (self, requirement);
}

static void
fill_docs_list (PzWindow *self)
{
  JsonArray *checklist = self->file ? json_object_get_array_member (self->file, "checklist") : NULL;
  GtkWidget *child;
  guint checked = 0, total = 0;
  g_autofree char *progress = NULL;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->docs_list))))
    gtk_list_box_remove (self->docs_list, child);
  for (guint i = 0; checklist && i < json_array_get_length (checklist); i++)
    {
      JsonObject *item = json_array_get_object_element (checklist, i);
      const char *state = pz_json_get_string (item, "state");
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *badge = gtk_label_new (NULL);
      g_autofree char *title = json_object_get_boolean_member_with_default (item, "mandatory", FALSE)
                                 ? g_strdup_printf ("%s *", pz_json_get_string (item, "title"))
                                 : g_strdup (pz_json_get_string (item, "title"));
      const char *text, *css;

      total++;
      if (pz_json_get_string (item, "verdict"))
        checked++;
      if (g_strcmp0 (state, "ok") == 0)
        text = _("OK"), css = "success";
      else if (g_strcmp0 (state, "not_ok") == 0)
        text = _("Not OK"), css = "error";
      else if (g_strcmp0 (state, "uploaded") == 0)
        text = _("Uploaded"), css = "warning";
      else
        text = _("Missing"), css = "dim-label";
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      gtk_label_set_text (GTK_LABEL (badge), text);
      gtk_widget_add_css_class (badge, "pz-badge");
      gtk_widget_add_css_class (badge, css);
      gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "requirement", g_strdup (pz_json_get_string (item, "requirement")), g_free);
      gtk_list_box_append (self->docs_list, row);
      if (g_strcmp0 (pz_json_get_string (item, "requirement"), self->docs_requirement) == 0)
        gtk_list_box_select_row (self->docs_list, GTK_LIST_BOX_ROW (row));
    }
  progress = g_strdup_printf (_("%u of %u checked"), checked, total);
  gtk_label_set_text (self->docs_progress_label, progress);
  docs_update_controls (self);
}

static void
docs_refresh_file (PzWindow   *self,
                   JsonObject *file)
{
  g_clear_pointer (&self->file, json_object_unref);
  self->file = json_object_ref (file);
  fill_docs_list (self);
}

static gboolean
file_allows (PzWindow   *self,
             const char *action)
{
  JsonArray *allowed = self->file ? json_object_get_array_member (self->file, "allowed_actions") : NULL;

  for (guint i = 0; allowed && i < json_array_get_length (allowed); i++)
    if (g_strcmp0 (json_array_get_string_element (allowed, i), action) == 0)
      return TRUE;
  return FALSE;
}

/* Why the step cannot be approved from its documents yet, or NULL: at the
 * document check, the mandatory documents still open. */
static char *
docs_not_complete (PzWindow *self)
{
  JsonObject *step = self->file ? step_of (self, pz_json_get_string (self->file, "step")) : NULL;

  if (step == NULL || g_strcmp0 (pz_json_get_string (step, "form"), "documents_complete") != 0)
    return NULL;
  return pz_checklist_open_items (json_object_get_array_member (self->file, "checklist"));
}

/* The step's approval, enabled only when it can go through; what holds it
 * back is said in the tooltip of the buttons that ask for it. */
static void
update_approve_documents (PzWindow *self)
{
  g_autofree char *open = docs_not_complete (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.approve-documents",
                                 file_allows (self, "approve") && open == NULL);
}

static char *
approve_documents_tooltip (PzWindow *self,
                           gboolean  with_key)
{
  g_autofree char *open = docs_not_complete (self);

  if (open)
    /* Translators: followed by one line per document, e.g. "KTP: not uploaded" */
    return g_strdup_printf (_("Every mandatory document must be uploaded and marked OK first. Still open:\n%s"), open);
  return with_key ? g_strdup (_("Approve this step (Ctrl+Enter)")) : NULL;
}

/* What each control of the viewer can do for the document on screen; one
 * that cannot act says why in its tooltip. */
static void
docs_update_controls (PzWindow *self)
{
  JsonArray *checklist = self->file ? json_object_get_array_member (self->file, "checklist") : NULL;
  JsonObject *item = checklist_item (self, self->docs_requirement);
  gboolean uploaded = item && g_strcmp0 (pz_json_get_string (item, "state"), "missing") != 0;
  gboolean editable = docs_can_edit (self);
  const char *next = pz_checklist_neighbour (checklist, self->docs_requirement, 1);
  const char *previous = pz_checklist_neighbour (checklist, self->docs_requirement, -1);
  JsonObject *step = self->file ? step_of (self, pz_json_get_string (self->file, "step")) : NULL;
  g_autofree char *tooltip = NULL;

  if (self->docs_ok == NULL)
    return;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.document-verdict", editable && uploaded);
  if (uploaded)
    {
      gtk_widget_set_tooltip_text (self->docs_ok, _("The document is complete and valid (Alt+O)"));
      gtk_widget_set_tooltip_text (self->docs_not_ok,
                                   _("The document is wrong or incomplete; say why in the note (Alt+N)"));
    }
  else
    {
      gtk_widget_set_tooltip_text (self->docs_ok, _("Not uploaded yet: upload the scan before giving a verdict"));
      gtk_widget_set_tooltip_text (self->docs_not_ok, _("Not uploaded yet: upload the scan before giving a verdict"));
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.next-document", next != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.previous-document", previous != NULL);
  gtk_widget_set_tooltip_text (self->docs_next, next ? _("Next document (Alt+Page Down)")
                                                     : _("This is the last document"));
  gtk_widget_set_tooltip_text (self->docs_previous, previous ? _("Previous document (Alt+Page Up)")
                                                             : _("This is the first document"));

  update_approve_documents (self);
  gtk_widget_set_visible (self->docs_complete, editable && step && file_allows (self, "approve"));
  if (step && file_allows (self, "approve"))
    {
      g_autofree char *label = action_label (self, step, "approve");
      gtk_button_set_label (GTK_BUTTON (self->docs_complete), label);
    }
  tooltip = approve_documents_tooltip (self, TRUE);
  gtk_widget_set_tooltip_text (self->docs_complete, tooltip);
}

static void
docs_go (PzWindow *self,
         int       step)
{
  JsonArray *checklist = self->file ? json_object_get_array_member (self->file, "checklist") : NULL;
  const char *to = pz_checklist_neighbour (checklist, self->docs_requirement, step);

  if (to)
    {
      g_autofree char *keep = g_strdup (to);
      docs_select (self, keep);
    }
}

static void
next_document_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  docs_go (PZ_WINDOW (widget), 1);
}

static void
previous_document_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  docs_go (PZ_WINDOW (widget), -1);
}

static void start_action (PzWindow *self, const char *action);

static void
approve_documents_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  PzWindow *self = PZ_WINDOW (widget);
  g_autofree char *open = docs_not_complete (self);

  /* the server refuses it too; this only saves the round trip */
  if (open || !file_allows (self, "approve"))
    return;
  start_action (self, "approve");
}

static void
check_documents_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  PzWindow *self = PZ_WINDOW (widget);
  JsonArray *checklist = self->file ? json_object_get_array_member (self->file, "checklist") : NULL;
  const char *first = NULL;

  if (checklist == NULL || json_array_get_length (checklist) == 0)
    return;
  /* start at the first document still to check */
  for (guint i = 0; i < json_array_get_length (checklist) && first == NULL; i++)
    {
      JsonObject *item = json_array_get_object_element (checklist, i);
      if (g_strcmp0 (pz_json_get_string (item, "state"), "uploaded") == 0)
        first = pz_json_get_string (item, "requirement");
    }
  if (first == NULL)
    first = pz_json_get_string (json_array_get_object_element (checklist, 0), "requirement");
  g_free (self->docs_requirement);
  self->docs_requirement = g_strdup (first);
  fill_docs_list (self);
  /* the scans need the whole width; the inbox comes back on closing */
  gtk_widget_set_visible (self->inbox_box, FALSE);
  gtk_stack_set_visible_child_name (self->file_stack, "documents");
  docs_select (self, first);
  gtk_widget_grab_focus (GTK_WIDGET (self->docs_view));
}

static void
close_documents_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  PzWindow *self = PZ_WINDOW (widget);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->file_stack), "documents") != 0)
    return;
  g_cancellable_cancel (self->docs_cancellable);
  pz_document_view_set_document (self->docs_view, NULL);
  gtk_widget_set_visible (self->inbox_box, TRUE);
  build_file_view (self);
}

static void
docs_verdict_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  PzWindow *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) details = NULL;
  g_autoptr(JsonNode) node = pz_client_request_finish (PZ_CLIENT (source), result, &details, &error);

  set_busy (self, FALSE);
  if (node == NULL)
    {
      if (!handle_unreachable (self, error))
        docs_show_message (self, error->message);
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      const char *next;

      docs_refresh_file (self, json_node_get_object (node));
      /* on to the next document still without a verdict: the counter goes
       * through the list in one go, uploading what is missing on the way */
      next = pz_checklist_next_to_check (json_object_get_array_member (self->file, "checklist"),
                                         self->docs_requirement);
      if (next)
        {
          g_autofree char *keep = g_strdup (next);
          JsonObject *item = checklist_item (self, keep);

          docs_select (self, keep);
          if (g_strcmp0 (pz_json_get_string (item, "state"), "missing") == 0)
            gtk_widget_grab_focus (self->docs_upload_button);
          else
            gtk_widget_grab_focus (GTK_WIDGET (self->docs_view));
        }
      else if (gtk_widget_get_sensitive (self->docs_complete) && gtk_widget_get_visible (self->docs_complete))
        /* everything has its verdict: what comes next is the approval */
        gtk_widget_grab_focus (self->docs_complete);
    }
  g_object_unref (self);
}

static void
docs_verdict_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  PzWindow *self = PZ_WINDOW (widget);
  const char *verdict = g_variant_get_string (parameter, NULL);
  g_autofree char *note = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->docs_note))));
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  if (self->docs_requirement == NULL)
    return;
  if (g_str_equal (verdict, "not_ok") && *note == '\0')
    {
      docs_show_message (self, _("Write in the note what is wrong with the document, then press Not OK."));
      gtk_widget_grab_focus (GTK_WIDGET (self->docs_note));
      return;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "verdict");
  json_builder_add_string_value (b, verdict);
  if (*note)
    {
      json_builder_set_member_name (b, "note");
      json_builder_add_string_value (b, note);
    }
  json_builder_end_object (b);
  body = json_builder_get_root (b);
  escaped = g_uri_escape_string (self->docs_requirement, NULL, FALSE);
  path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/checklist/%s", self->file_id, escaped);
  docs_show_message (self, NULL);
  set_busy (self, TRUE);
  pz_client_request_async (self->client, "PUT", path, body, NULL, self->cancellable, docs_verdict_done,
                           g_object_ref (self));
}

static void
upload_progress (double   fraction,
                 gpointer data)
{
  PzWindow *self = data;
  gtk_progress_bar_set_fraction (self->docs_upload, fraction);
}

static void
docs_reloaded (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  PzWindow *self = data;
  g_autoptr(JsonNode) node = take_answer (self, source, result);

  if (node && JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autofree char *requirement = g_strdup (self->docs_requirement);

      docs_refresh_file (self, json_node_get_object (node));
      docs_select (self, requirement);
    }
  g_object_unref (self);
}

static void
upload_done (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  PzWindow *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = pz_client_request_finish (PZ_CLIENT (source), result, NULL, &error);

  set_busy (self, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->docs_upload), FALSE);
  if (node == NULL)
    {
      if (!handle_unreachable (self, error))
        docs_show_message (self, error->message);
      g_object_unref (self);
      return;
    }
  toast (self, _("Document uploaded"));
  /* reload the file to show the new state, and the new document */
  {
    g_autofree char *fpath = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT, self->file_id);

    set_busy (self, TRUE);
    pz_client_request_async (self->client, "GET", fpath, NULL, NULL, self->cancellable, docs_reloaded,
                             g_object_ref (self));
  }
  g_object_unref (self);
}

static void
upload_bytes (PzWindow   *self,
              GBytes     *bytes,
              const char *name)
{
  g_autofree char *escaped = g_uri_escape_string (self->docs_requirement, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/documents/%s",
                                           self->file_id, escaped);
  g_autofree char *type = g_content_type_guess (name, g_bytes_get_data (bytes, NULL),
                                                MIN (g_bytes_get_size (bytes), 4096), NULL);
  g_autofree char *mime = g_content_type_get_mime_type (type);

  docs_show_message (self, NULL);
  gtk_progress_bar_set_fraction (self->docs_upload, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->docs_upload), TRUE);
  set_busy (self, TRUE);
  pz_client_upload_async (self->client, path, bytes, mime ? mime : "application/octet-stream",
                          upload_progress, self, self->cancellable, upload_done, g_object_ref (self));
}

static void
file_read (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  PzWindow *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_file_load_bytes_finish (G_FILE (source), result, NULL, &error);
  g_autofree char *name = g_file_get_basename (G_FILE (source));

  set_busy (self, FALSE);
  if (bytes == NULL)
    docs_show_message (self, error->message);
  else
    upload_bytes (self, bytes, name);
  g_object_unref (self);
}

void
pz_window_upload_file (PzWindow *self,
                       GFile    *file)
{
  if (self->docs_requirement == NULL || !docs_can_edit (self))
    return;
  set_busy (self, TRUE);
  g_file_load_bytes_async (file, self->cancellable, file_read, g_object_ref (self));
}

static void
chooser_response (GtkNativeDialog *dialog,
                  int              response,
                  PzWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      pz_window_upload_file (self, file);
    }
  g_object_unref (dialog);
}

static void
upload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PzWindow *self = PZ_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Upload a Scan"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Upload"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("PDF, JPEG and PNG scans"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void show_action_error (PzWindow *self, const char *message, JsonArray *details);

/* The scan of a permit signed on paper, uploaded from the signing step. */
static void
signed_scan_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  PzWindow *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) details = NULL;
  g_autoptr(JsonNode) node = pz_client_request_finish (PZ_CLIENT (source), result, &details, &error);

  set_busy (self, FALSE);
  if (node == NULL)
    {
      if (!handle_unreachable (self, error))
        show_action_error (self, error->message, details);
      g_object_unref (self);
      return;
    }
  toast (self, _("Scan of the signed permit uploaded"));
  /* what was typed in the note stays across the reload */
  keep_typed (self);
  if (self->file_id)
    load_file (self, self->file_id);
  g_object_unref (self);
}

static void
signed_scan_read (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  PzWindow *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_file_load_bytes_finish (G_FILE (source), result, NULL, &error);
  g_autofree char *name = g_file_get_basename (G_FILE (source));

  set_busy (self, FALSE);
  if (bytes == NULL)
    show_action_error (self, error->message, NULL);
  else if (self->file_id)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/documents/signed_permit",
                                               self->file_id);
      g_autofree char *type = g_content_type_guess (name, g_bytes_get_data (bytes, NULL),
                                                    MIN (g_bytes_get_size (bytes), 4096), NULL);
      g_autofree char *mime = g_content_type_get_mime_type (type);

      set_busy (self, TRUE);
      pz_client_upload_async (self->client, path, bytes, mime ? mime : "application/octet-stream",
                              NULL, NULL, self->cancellable, signed_scan_done, g_object_ref (self));
    }
  g_object_unref (self);
}

static void
signed_scan_chosen (GtkNativeDialog *dialog,
                    int              response,
                    PzWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT && self->file_id)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file)
        {
          set_busy (self, TRUE);
          g_file_load_bytes_async (file, self->cancellable, signed_scan_read, g_object_ref (self));
        }
    }
  g_object_unref (dialog);
}

static void
upload_signed_scan_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  PzWindow *self = PZ_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->file_id == 0)
    return;
  chooser = gtk_file_chooser_native_new (_("Upload the Scan of the Signed Permit"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Upload"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("PDF, JPEG and PNG scans"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (signed_scan_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static gboolean
file_dropped (GtkDropTarget *target,
              const GValue  *value,
              double         x,
              double         y,
              PzWindow      *self)
{
  if (!G_VALUE_HOLDS (value, G_TYPE_FILE) || !docs_can_edit (self))
    return FALSE;
  pz_window_upload_file (self, g_value_get_object (value));
  return TRUE;
}

static void
build_docs_page (PzWindow *self)
{
  GtkWidget *paned, *left, *header, *back, *scroll, *right, *bar, *ok, *not_ok, *upload, *missing;
  GtkWidget *previous, *next, *complete;
  GtkDropTarget *drop;

  paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  /* wide enough for "1 dari 6 diperiksa" beside the buttons */
  gtk_paned_set_position (GTK_PANED (paned), 300);
  gtk_paned_set_shrink_start_child (GTK_PANED (paned), FALSE);

  left = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_margin_start (header, 6);
  gtk_widget_set_margin_top (header, 6);
  back = gtk_button_new_from_icon_name ("go-previous-symbolic");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (back), "win.close-documents");
  gtk_widget_set_tooltip_text (back, _("Back to the file (Escape)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (back), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Back to the file"), -1);
  gtk_widget_add_css_class (back, "flat");
  self->docs_progress_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->docs_progress_label), "heading");
  gtk_widget_set_hexpand (GTK_WIDGET (self->docs_progress_label), TRUE);
  gtk_label_set_xalign (self->docs_progress_label, 0);
  gtk_label_set_ellipsize (self->docs_progress_label, PANGO_ELLIPSIZE_END);
  previous = gtk_button_new_from_icon_name ("go-up-symbolic");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (previous), "win.previous-document");
  gtk_accessible_update_property (GTK_ACCESSIBLE (previous), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Previous document"), -1);
  gtk_widget_add_css_class (previous, "flat");
  next = gtk_button_new_from_icon_name ("go-down-symbolic");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (next), "win.next-document");
  gtk_accessible_update_property (GTK_ACCESSIBLE (next), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Next document"), -1);
  gtk_widget_add_css_class (next, "flat");
  gtk_widget_set_margin_end (next, 6);
  self->docs_previous = previous;
  self->docs_next = next;
  gtk_box_append (GTK_BOX (header), back);
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (self->docs_progress_label));
  gtk_box_append (GTK_BOX (header), previous);
  gtk_box_append (GTK_BOX (header), next);
  gtk_box_append (GTK_BOX (left), header);
  self->docs_list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->docs_list, GTK_SELECTION_SINGLE);
  gtk_widget_add_css_class (GTK_WIDGET (self->docs_list), "navigation-sidebar");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->docs_list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Required documents"), -1);
  g_signal_connect (self->docs_list, "row-activated", G_CALLBACK (docs_row_activated), self);
  scroll = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (scroll, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroll), GTK_WIDGET (self->docs_list));
  gtk_box_append (GTK_BOX (left), scroll);
  /* under the list it completes: the approval of the step, once the
   * documents allow it */
  complete = gtk_button_new_with_label (_("Documents Complete"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (complete), "win.approve-documents");
  gtk_widget_add_css_class (complete, "suggested-action");
  gtk_widget_set_margin_start (complete, 6);
  gtk_widget_set_margin_end (complete, 6);
  gtk_widget_set_margin_bottom (complete, 6);
  self->docs_complete = complete;
  gtk_box_append (GTK_BOX (left), complete);
  gtk_paned_set_start_child (GTK_PANED (paned), left);

  right = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  self->docs_stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->docs_stack), TRUE);
  self->docs_view = PZ_DOCUMENT_VIEW (pz_document_view_new ());
  gtk_stack_add_named (self->docs_stack, GTK_WIDGET (self->docs_view), "document");
  missing = adw_status_page_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (missing), "document-open-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (missing), _("Not Uploaded Yet"));
  adw_status_page_set_description (ADW_STATUS_PAGE (missing),
                                   _("Upload the scan with the button below, or drop the file here."));
  gtk_stack_add_named (self->docs_stack, missing, "missing");
  gtk_box_append (GTK_BOX (right), GTK_WIDGET (self->docs_stack));

  self->docs_upload = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_widget_set_visible (GTK_WIDGET (self->docs_upload), FALSE);
  gtk_box_append (GTK_BOX (right), GTK_WIDGET (self->docs_upload));
  self->docs_message = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->docs_message, TRUE);
  gtk_label_set_xalign (self->docs_message, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->docs_message), "error");
  gtk_widget_set_margin_start (GTK_WIDGET (self->docs_message), 12);
  gtk_widget_set_visible (GTK_WIDGET (self->docs_message), FALSE);
  gtk_box_append (GTK_BOX (right), GTK_WIDGET (self->docs_message));

  bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_add_css_class (bar, "toolbar");
  self->docs_note = GTK_ENTRY (gtk_entry_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (self->docs_note), TRUE);
  gtk_entry_set_placeholder_text (self->docs_note, _("Note: what is wrong with this document"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->docs_note), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Note on this document"), -1);
  upload = gtk_button_new_with_mnemonic (_("_Upload…"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (upload), "win.upload-document");
  gtk_widget_set_tooltip_text (upload, _("Upload the scan of this document from a file on this computer"));
  self->docs_upload_button = upload;
  not_ok = gtk_button_new_with_label (_("Not OK"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (not_ok), "win.document-verdict");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (not_ok), "s", "not_ok");
  gtk_widget_add_css_class (not_ok, "destructive-action");
  ok = gtk_button_new_with_label (_("OK"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (ok), "win.document-verdict");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (ok), "s", "ok");
  gtk_widget_add_css_class (ok, "suggested-action");
  gtk_box_append (GTK_BOX (bar), upload);
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->docs_note));
  gtk_box_append (GTK_BOX (bar), not_ok);
  gtk_box_append (GTK_BOX (bar), ok);
  self->docs_actions = bar;
  self->docs_ok = ok;
  self->docs_not_ok = not_ok;
  gtk_box_append (GTK_BOX (right), bar);
  gtk_paned_set_end_child (GTK_PANED (paned), right);

  drop = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (file_dropped), self);
  gtk_widget_add_controller (right, GTK_EVENT_CONTROLLER (drop));

  pz_checklist_add_shortcuts (paned);
  self->docs_page = paned;
  gtk_stack_add_named (self->file_stack, paned, "documents");
}

GtkWidget *
pz_window_get_document_view (PzWindow *self)
{
  return GTK_WIDGET (self->docs_view);
}

const char *
pz_window_get_document_requirement (PzWindow *self)
{
  return self->docs_requirement;
}


/* Outputs: preview, print and save what the steps produced */

typedef enum {
  OUTPUT_PREVIEW,
  OUTPUT_PRINT,
  OUTPUT_SAVE,
} OutputUse;

typedef struct {
  PzWindow  *self;
  OutputUse  use;
  char      *kind;
  GFile     *file;         /* save: where */
  char      *export_path;  /* print: to a PDF instead of a printer */
} OutputJob;

static void
output_job_free (OutputJob *job)
{
  g_object_unref (job->self);
  g_free (job->kind);
  g_clear_object (&job->file);
  g_free (job->export_path);
  g_free (job);
}

static const char *
output_title (const char *kind)
{
  return pz_output_kind_title (kind);
}

static void
draw_page (GtkPrintOperation *op,
           GtkPrintContext   *context,
           int                page,
           PzScan            *scan)
{
  pz_scan_draw (scan, (guint) page, gtk_print_context_get_cairo_context (context),
                gtk_print_context_get_width (context), gtk_print_context_get_height (context));
}

static void
print_scan (PzWindow   *self,
            PzScan     *scan,
            const char *title,
            const char *export_path)
{
  g_autoptr(GtkPrintOperation) op = gtk_print_operation_new ();
  g_autoptr(GtkPageSetup) setup = gtk_page_setup_new ();
  g_autoptr(GtkPaperSize) a4 = gtk_paper_size_new (GTK_PAPER_NAME_A4);
  g_autoptr(GError) error = NULL;
  GtkPrintOperationResult result;

  gtk_page_setup_set_paper_size_and_default_margins (setup, a4);
  gtk_print_operation_set_default_page_setup (op, setup);
  gtk_print_operation_set_job_name (op, title);
  gtk_print_operation_set_n_pages (op, (int) pz_scan_get_n_pages (scan));
  gtk_print_operation_set_use_full_page (op, FALSE);
  gtk_print_operation_set_embed_page_setup (op, TRUE);
  g_signal_connect (op, "draw-page", G_CALLBACK (draw_page), scan);
  if (export_path)
    gtk_print_operation_set_export_filename (op, export_path);
  result = gtk_print_operation_run (op, export_path ? GTK_PRINT_OPERATION_ACTION_EXPORT
                                                    : GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                                    GTK_WINDOW (self), &error);
  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    toast (self, error->message);
}

static void
preview_print_clicked (PzWindow *self)
{
  const char *kind = g_object_get_data (G_OBJECT (self->preview_window), "kind");
  gtk_widget_activate_action (GTK_WIDGET (self), "win.print-output", "s", kind);
}

static void
preview_save_clicked (PzWindow *self)
{
  const char *kind = g_object_get_data (G_OBJECT (self->preview_window), "kind");
  gtk_widget_activate_action (GTK_WIDGET (self), "win.save-output", "s", kind);
}

static void
preview_closed (PzWindow *self)
{
  self->preview_window = NULL;
  self->preview_view = NULL;
}

static void
show_preview (PzWindow   *self,
              PzScan     *scan,
              const char *kind)
{
  GtkWidget *box, *header, *print, *save;
  g_autofree char *title = g_strdup_printf ("%s — %s", output_title (kind),
                                            pz_json_get_string (self->file, "registration_number"));

  if (self->preview_window == NULL)
    {
      self->preview_window = adw_window_new ();
      gtk_window_set_transient_for (GTK_WINDOW (self->preview_window), GTK_WINDOW (self));
      gtk_window_set_default_size (GTK_WINDOW (self->preview_window), 760, 900);
      gtk_window_set_hide_on_close (GTK_WINDOW (self->preview_window), FALSE);
      pz_window_add_close_keys (GTK_WINDOW (self->preview_window));
      box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
      header = adw_header_bar_new ();
      print = gtk_button_new_with_mnemonic (_("_Print"));
      gtk_widget_add_css_class (print, "suggested-action");
      g_signal_connect_swapped (print, "clicked", G_CALLBACK (preview_print_clicked), self);
      save = gtk_button_new_with_mnemonic (_("_Save a Copy…"));
      g_signal_connect_swapped (save, "clicked", G_CALLBACK (preview_save_clicked), self);
      adw_header_bar_pack_start (ADW_HEADER_BAR (header), print);
      adw_header_bar_pack_start (ADW_HEADER_BAR (header), save);
      gtk_box_append (GTK_BOX (box), header);
      self->preview_view = PZ_DOCUMENT_VIEW (pz_document_view_new ());
      gtk_widget_set_vexpand (GTK_WIDGET (self->preview_view), TRUE);
      gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->preview_view));
      adw_window_set_content (ADW_WINDOW (self->preview_window), box);
      g_signal_connect_swapped (self->preview_window, "destroy", G_CALLBACK (preview_closed), self);
    }
  g_object_set_data_full (G_OBJECT (self->preview_window), "kind", g_strdup (kind), g_free);
  gtk_window_set_title (GTK_WINDOW (self->preview_window), title);
  pz_document_view_set_document (self->preview_view, scan);
  gtk_window_present (GTK_WINDOW (self->preview_window));
}

static void
output_saved (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  OutputJob *job = data;
  g_autoptr(GError) error = NULL;

  set_busy (job->self, FALSE);
  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    toast (job->self, error->message);
  else
    toast (job->self, _("Copy saved"));
  output_job_free (job);
}

static void
output_fetched (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  OutputJob *job = data;
  PzWindow *self = job->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = pz_client_get_bytes_finish (PZ_CLIENT (source), result, NULL, &error);
  g_autoptr(PzScan) scan = NULL;

  set_busy (self, FALSE);
  if (bytes == NULL)
    {
      if (!handle_unreachable (self, error))
        toast (self, error->message);
      output_job_free (job);
      return;
    }
  if (job->use == OUTPUT_SAVE)
    {
      set_busy (self, TRUE);
      g_file_replace_contents_bytes_async (job->file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                           self->cancellable, output_saved, job);
      return;
    }
  if (!(scan = pz_scan_new_from_bytes (bytes, "application/pdf", &error)))
    toast (self, _("The document cannot be shown"));
  else if (job->use == OUTPUT_PREVIEW)
    show_preview (self, scan, job->kind);
  else
    print_scan (self, scan, output_title (job->kind), job->export_path);
  output_job_free (job);
}

static void
fetch_output (PzWindow   *self,
              OutputJob  *job)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/outputs/%s",
                                           self->file_id, job->kind);

  set_busy (self, TRUE);
  pz_client_get_bytes_async (self->client, path, self->cancellable, output_fetched, job);
}

static OutputJob *
output_job (PzWindow   *self,
            OutputUse   use,
            const char *kind)
{
  OutputJob *job = g_new0 (OutputJob, 1);

  job->self = g_object_ref (self);
  job->use = use;
  job->kind = g_strdup (kind);
  return job;
}

/**
 * pz_window_preview_output:
 * @self: a window with a file open
 * @kind: `receipt`, `bap`, `draft`, `permit` or `refusal`
 */
void
pz_window_preview_output (PzWindow   *self,
                          const char *kind)
{
  fetch_output (self, output_job (self, OUTPUT_PREVIEW, kind));
}

/**
 * pz_window_print_output:
 * @self: a window with a file open
 * @kind: the output
 * @export_path: (nullable): a PDF file to print to, without the dialog
 */
void
pz_window_print_output (PzWindow   *self,
                        const char *kind,
                        const char *export_path)
{
  OutputJob *job = output_job (self, OUTPUT_PRINT, kind);

  job->export_path = g_strdup (export_path);
  fetch_output (self, job);
}

void
pz_window_save_output (PzWindow   *self,
                       const char *kind,
                       GFile      *file)
{
  OutputJob *job = output_job (self, OUTPUT_SAVE, kind);

  job->file = g_object_ref (file);
  fetch_output (self, job);
}

GtkWidget *
pz_window_get_preview (PzWindow *self)
{
  return self->preview_view ? GTK_WIDGET (self->preview_view) : NULL;
}

static void
preview_output_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  pz_window_preview_output (PZ_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
print_output_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  pz_window_print_output (PZ_WINDOW (widget), g_variant_get_string (parameter, NULL), NULL);
}

static void
save_chooser_response (GtkNativeDialog *dialog,
                       int              response,
                       PzWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      pz_window_save_output (self, g_object_get_data (G_OBJECT (dialog), "kind"), file);
    }
  g_object_unref (dialog);
}

static void
save_output_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  PzWindow *self = PZ_WINDOW (widget);
  const char *kind = g_variant_get_string (parameter, NULL);
  g_autofree char *name = g_strdup_printf ("%s-%s.pdf", kind, pz_json_get_string (self->file, "registration_number"));
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Save a Copy"), GTK_WINDOW (self),
                                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"),
                                                               _("_Cancel"));

  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_object_set_data_full (G_OBJECT (chooser), "kind", g_strdup (kind), g_free);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (save_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
build_outputs (PzWindow *self)
{
  JsonArray *outputs = json_object_get_array_member (self->file, "outputs");
  GtkWidget *group;

  if (outputs == NULL || json_array_get_length (outputs) == 0)
    return;
  group = group_new (self->file_box, _("Documents produced"));
  for (guint i = 0; i < json_array_get_length (outputs); i++)
    {
      JsonObject *o = json_array_get_object_element (outputs, i);
      const char *kind = pz_json_get_string (o, "kind");
      GtkWidget *row = adw_action_row_new ();
      static const struct { const char *icon; const char *action; const char *label; } buttons[] = {
        { "edit-find-symbolic", "win.preview-output", N_("Preview") },
        { "document-print-symbolic", "win.print-output", N_("Print") },
        { "document-save-symbolic", "win.save-output", N_("Save a copy") },
      };

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), output_title (kind));
      if (pz_json_get_string (o, "created_at"))
        {
          g_autofree char *when = pz_format_local_time (pz_json_get_string (o, "created_at"));
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), when);
        }
      for (guint b = 0; b < G_N_ELEMENTS (buttons); b++)
        {
          GtkWidget *button = gtk_button_new_from_icon_name (buttons[b].icon);
          g_autofree char *a11y = g_strdup_printf ("%s: %s", _(buttons[b].label), output_title (kind));

          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          gtk_widget_add_css_class (button, "flat");
          gtk_widget_set_tooltip_text (button, _(buttons[b].label));
          gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
          gtk_actionable_set_action_name (GTK_ACTIONABLE (button), buttons[b].action);
          gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", kind);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
        }
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
}

/* Acting */

static void
clear_pending (PzWindow *self)
{
  g_clear_pointer (&self->pending_path, g_free);
  g_clear_pointer (&self->pending_body, json_node_unref);
  g_clear_pointer (&self->pending_key, g_free);
  g_clear_pointer (&self->pending_label, g_free);
}

static void
show_action_error (PzWindow   *self,
                   const char *message,
                   JsonArray  *details)
{
  GString *text = g_string_new (message);

  for (guint i = 0; details && i < json_array_get_length (details); i++)
    g_string_append_printf (text, "\n• %s", pz_json_get_string (json_array_get_object_element (details, i), "message"));
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->file_stack), "documents") == 0)
    docs_show_message (self, text->str);
  else if (self->action_error)
    {
      gtk_label_set_text (self->action_error, text->str);
      gtk_widget_set_visible (GTK_WIDGET (self->action_error), TRUE);
    }
  else
    toast (self, text->str);
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
  JsonObject *step = self->file ? step_of (self, pz_json_get_string (self->file, "step")) : NULL;
  JsonArray *roles = step && json_object_has_member (step, "roles") ? json_object_get_array_member (step, "roles")
                                                                     : NULL;
  JsonArray *allowed = json_object_has_member (after, "allowed_actions")
                         ? json_object_get_array_member (after, "allowed_actions") : NULL;

  if (allowed && json_array_get_length (allowed) > 0)
    return FALSE;
  for (guint i = 0; roles && i < json_array_get_length (roles); i++)
    if (g_strcmp0 (json_array_get_string_element (roles, i), "front_office") == 0)
      return FALSE;
  return showing_inbox (self);
}

/* The inbox answered after an action: open the file that now stands
 * where the one acted on stood, or the first; none left shows the list. */
static void
advance_to_next (PzWindow *self)
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
  build_file_view (self);
}

static void
act_done (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  PzWindow *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) details = NULL;
  g_autoptr(JsonNode) node = pz_client_request_finish (PZ_CLIENT (source), result, &details, &error);

  set_busy (self, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.act", TRUE);

  if (node == NULL)
    {
      if (handle_unreachable (self, error))
        ; /* kept in pending; Retry sends the same request again */
      else if (g_error_matches (error, PZ_CLIENT_ERROR, PZ_CLIENT_ERROR_STALE))
        {
          clear_pending (self);
          toast (self, error->message);
          keep_typed (self);
          load_file (self, self->file_id);
          load_inbox (self);
        }
      else if (g_error_matches (error, PZ_CLIENT_ERROR, PZ_CLIENT_ERROR_UNAUTHORIZED))
        keep_typed (self);  /* session-expired shows the login page */
      else
        {
          clear_pending (self);
          show_action_error (self, error->message, details);
        }
      g_object_unref (self);
      return;
    }

  hide_banner (self);
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
  clear_pending (self);
  forget_typed (self);
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      gboolean advance = should_advance (self, json_node_get_object (node));

      g_clear_pointer (&self->file, json_object_unref);
      self->file = json_object_ref (json_node_get_object (node));
      build_file_view (self);
      if (advance)
        {
          self->advance = TRUE;
          self->advance_from = self->file_id;
          self->advance_pos = inbox_position (self, self->file_id);
        }
    }
  load_inbox (self);
  g_object_unref (self);
}

static void
send_pending (PzWindow *self)
{
  set_busy (self, TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.act", FALSE);
  pz_client_request_async (self->client, "POST", self->pending_path, self->pending_body,
                           self->pending_key, self->cancellable, act_done, g_object_ref (self));
}

/* Reads the step's form into the action's data; a value that cannot be
 * right is refused here, before anything is sent. */
static gboolean
collect_data (PzWindow    *self,
              JsonObject  *step,
              JsonBuilder *b,
              GString     *problems)
{
  const char *form = pz_json_get_string (step, "form");
  JsonObject *type = g_hash_table_lookup (self->permit_types, pz_json_get_string (self->file, "permit_type"));

  json_builder_set_member_name (b, "data");
  json_builder_begin_object (b);
  if (g_strcmp0 (form, "survey") == 0)
    {
      g_autofree char *date = widget_text (g_hash_table_lookup (self->form, "survey_date"));
      g_autofree char *findings = widget_text (g_hash_table_lookup (self->form, "findings"));
      g_autofree char *rec = widget_text (g_hash_table_lookup (self->form, "recommendation"));

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
      JsonArray *fields = file_fields (self->file, type);

      for (guint i = 0; i < json_array_get_length (fields); i++)
        {
          JsonObject *f = json_array_get_object_element (fields, i);
          const char *name = pz_json_get_string (f, "name");
          const char *ftype = pz_json_get_string (f, "type");
          g_autofree char *key = g_strconcat ("field:", name, NULL);
          GtkWidget *w = g_hash_table_lookup (self->form, key);
          g_autofree char *value = w ? g_strstrip (widget_text (w)) : g_strdup ("");

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
      g_autofree char *who = g_strstrip (widget_text (g_hash_table_lookup (self->form, "received_by")));

      if (*who == '\0')
        g_string_append_printf (problems, "• %s\n", _("Enter who received the permit"));
      json_builder_set_member_name (b, "received_by");
      json_builder_add_string_value (b, who);
    }
  json_builder_end_object (b);
  return problems->len == 0;
}

static void
start_action (PzWindow   *self,
              const char *action)
{
  JsonObject *step = step_of (self, pz_json_get_string (self->file, "step"));
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autofree char *note = NULL;
  GtkTextIter start, end;

  if (self->file == NULL || step == NULL || self->note == NULL)
    return;
  gtk_text_buffer_get_bounds (self->note, &start, &end);
  note = g_strstrip (gtk_text_buffer_get_text (self->note, &start, &end, FALSE));

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "action");
  json_builder_add_string_value (b, action);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, json_object_get_int_member (self->file, "version"));
  if (*note)
    {
      json_builder_set_member_name (b, "note");
      json_builder_add_string_value (b, note);
    }
  else if (!g_str_equal (action, "approve"))
    g_string_append_printf (problems, "• %s\n", _("Write in the note why the file goes back or is refused"));
  if (g_str_equal (action, "approve"))
    collect_data (self, step, b, problems);
  json_builder_end_object (b);

  if (problems->len)
    {
      g_string_truncate (problems, problems->len - 1);
      show_action_error (self, problems->str, NULL);
      return;
    }
  if (self->action_error)
    gtk_widget_set_visible (GTK_WIDGET (self->action_error), FALSE);

  clear_pending (self);
  self->pending_path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/actions", self->file_id);
  self->pending_body = json_builder_get_root (b);
  self->pending_key = g_uuid_string_random ();
  self->pending_label = action_label (self, step, action);
  send_pending (self);
}

static void
sign_confirmed (const char *passphrase,
                gpointer    data)
{
  PzWindow *self = data;

  self->sign_passphrase = passphrase;
  start_action (self, "approve");
  self->sign_passphrase = NULL;
}

/* The permit of the open file is signed electronically (not on paper). */
static gboolean
signs_electronically (PzWindow *self)
{
  JsonObject *step = self->file ? step_of (self, pz_json_get_string (self->file, "step")) : NULL;
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
    start_action (self, "refuse");
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
  start_action (self, action);
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
  load_inbox (self);
  if (self->file_id)
    {
      keep_typed (self);
      load_file (self, self->file_id);
    }
}

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  PzWindow *self = PZ_WINDOW (widget);

  hide_banner (self);
  if (self->pending_body)
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
    show_page (self, "main");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->late_button),
                                !gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->late_button)));
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
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* Registration at the counter */

static void clear_file_box (PzWindow *self);

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

static void build_registration_form (PzWindow *self);

static int
compare_by_name (gconstpointer a,
                 gconstpointer b)
{
  return g_utf8_collate (pz_json_get_string ((JsonObject *) a, "name"), pz_json_get_string ((JsonObject *) b, "name"));
}

static void registration_entry_activated (GtkWidget *row, PzWindow *self);

/* The request types and the permit data of the chosen type; what was
 * typed in a field of the same name stays. */
static void
fill_registration_type (PzWindow *self)
{
  GtkWidget *request = g_hash_table_lookup (self->form, "request_type");
  GtkWidget *combo = g_hash_table_lookup (self->form, "permit_type");
  GtkWidget *old_group = combo ? g_object_get_data (G_OBJECT (combo), "data-group") : NULL;
  GtkWidget *applicant_group = combo ? g_object_get_data (G_OBJECT (combo), "applicant-group") : NULL;
  g_autofree char *kept_request = request ? widget_text (request) : NULL;
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
        g_hash_table_insert (typed, g_strdup (key), widget_text (value));
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
      JsonArray *fields = file_fields (NULL, type);
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
          last = entry_row (group, self, name, pz_json_get_string (f, "label"), kept, FALSE);
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

  clear_file_box (self);
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

  types = g_list_sort (types, compare_by_name);
  group = group_new (self->file_box, _("Permit"));
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

  group = group_new (self->file_box, _("Applicant"));
  g_object_set_data (G_OBJECT (combo), "applicant-group", group);
  for (i = 0; i < G_N_ELEMENTS (applicant); i++)
    g_signal_connect (entry_row (group, self, applicant[i].name, _(applicant[i].title), NULL, FALSE),
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

  forget_typed (self);
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
      forget_typed (self);
      build_registration_form (self);
    }
}

static void
new_registration_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  PzWindow *self = PZ_WINDOW (widget);
  GtkWidget *dialog;

  if (!registration_typed (self))
    {
      forget_typed (self);
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
  g_autoptr(JsonArray) details = NULL;
  g_autoptr(JsonNode) node = pz_client_request_finish (PZ_CLIENT (source), result, &details, &error);

  set_busy (self, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.register", TRUE);
  if (node == NULL)
    {
      if (!handle_unreachable (self, error))
        show_action_error (self, error->message, details);
      g_object_unref (self);
      return;
    }
  hide_banner (self);
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *file = json_node_get_object (node);
      g_autofree char *done = g_strdup_printf (_("Registered as %s"), pz_json_get_string (file, "registration_number"));

      toast (self, done);
      g_clear_pointer (&self->file, json_object_unref);
      self->file = json_object_ref (file);
      self->file_id = json_object_get_int_member_with_default (file, "id", 0);
      build_file_view (self);
    }
  load_inbox (self);
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

static void
register_action (GtkWidget  *widget,
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
      values[i] = g_strstrip (widget_text (g_hash_table_lookup (self->form, applicant[i])));
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
    JsonArray *fields = file_fields (NULL, type);

    json_builder_set_member_name (b, "data");
    json_builder_begin_object (b);
    for (guint i = 0; i < json_array_get_length (fields); i++)
      {
        JsonObject *f = json_array_get_object_element (fields, i);
        g_autofree char *key = g_strconcat ("field:", pz_json_get_string (f, "name"), NULL);
        g_autofree char *value = g_strstrip (widget_text (g_hash_table_lookup (self->form, key)));

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
      show_action_error (self, problems->str, NULL);
      return;
    }
  body = json_builder_get_root (b);
  set_busy (self, TRUE);
  gtk_widget_action_set_enabled (widget, "win.register", FALSE);
  pz_client_request_async (self->client, "POST", "/api/v1/applications", body, NULL, self->cancellable,
                           register_done, g_object_ref (self));
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

static void
activate_login (PzWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.login", NULL);
}

static void
pz_window_dispose (GObject *object)
{
  PzWindow *self = PZ_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  forget_login_password (self);
  g_clear_handle_id (&self->inbox_reload, g_source_remove);
  g_clear_handle_id (&self->late_toast, g_source_remove);
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
  g_clear_object (&self->inbox_sorted);
  g_clear_object (&self->inbox);
  g_clear_pointer (&self->steps, g_hash_table_unref);
  g_clear_pointer (&self->permit_types, g_hash_table_unref);
  g_clear_pointer (&self->form, g_hash_table_unref);
  g_clear_pointer (&self->file, json_object_unref);
  g_clear_pointer (&self->known_ids, g_hash_table_unref);
  g_clear_pointer (&self->late_alerted, g_hash_table_unref);
  g_clear_pointer (&self->late_pending, g_ptr_array_unref);
  g_clear_object (&self->docs_cancellable);
  g_free (self->docs_requirement);
  g_clear_pointer (&self->step_codes, g_ptr_array_unref);
  g_clear_pointer (&self->type_codes, g_ptr_array_unref);
  g_free (self->start_step);
  g_free (self->open_query);
  forget_typed (self);
  clear_pending (self);
  G_OBJECT_CLASS (pz_window_parent_class)->finalize (object);
}

static void
pz_window_class_init (PzWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pz_window_dispose;
  object_class->finalize = pz_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/id/go/perizinan/Perizinan/pz-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PzWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, server_row);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, connect_error);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, login_page);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, username_row);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, password_row);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, login_error);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, new_password_row);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, repeat_password_row);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, password_error);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, count_waiting);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, count_overdue);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, count_done);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, step_filter);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, status_filter);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, type_filter);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, list_title);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, inbox_view);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, inbox_stack);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, inbox_empty);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, file_stack);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, file_box);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, new_button);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, PzWindow, inbox_box);

  gtk_widget_class_install_action (widget_class, "win.connect", NULL, connect_action);
  gtk_widget_class_install_action (widget_class, "win.change-server", NULL, change_server_action);
  gtk_widget_class_install_action (widget_class, "win.login", NULL, login_action);
  gtk_widget_class_install_action (widget_class, "win.change-password", NULL, change_password_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-password", NULL, cancel_password_action);
  gtk_widget_class_install_action (widget_class, "win.logout", NULL, logout_action);
  gtk_widget_class_install_action (widget_class, "win.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "win.retry", NULL, retry_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.show-late", NULL, show_late_action);
  gtk_widget_class_install_action (widget_class, "win.show-reports", NULL, show_reports_action);
  gtk_widget_class_install_action (widget_class, "win.act", "s", act_action);
  gtk_widget_class_install_action (widget_class, "win.sign-several", NULL, sign_several_action);
  gtk_widget_class_install_action (widget_class, "win.new-registration", NULL, new_registration_action);
  gtk_widget_class_install_action (widget_class, "win.upload-signed-scan", NULL, upload_signed_scan_action);
  gtk_widget_class_install_action (widget_class, "win.register", NULL, register_action);
  gtk_widget_class_install_action (widget_class, "win.check-documents", NULL, check_documents_action);
  gtk_widget_class_install_action (widget_class, "win.close-documents", NULL, close_documents_action);
  gtk_widget_class_install_action (widget_class, "win.document-verdict", "s", docs_verdict_action);
  gtk_widget_class_install_action (widget_class, "win.upload-document", NULL, upload_action);
  gtk_widget_class_install_action (widget_class, "win.next-document", NULL, next_document_action);
  gtk_widget_class_install_action (widget_class, "win.previous-document", NULL, previous_document_action);
  gtk_widget_class_install_action (widget_class, "win.approve-documents", NULL, approve_documents_action);
  gtk_widget_class_install_action (widget_class, "win.preview-output", "s", preview_output_action);
  gtk_widget_class_install_action (widget_class, "win.print-output", "s", print_output_action);
  gtk_widget_class_install_action (widget_class, "win.save-output", "s", save_output_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.new-registration", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.close-documents", NULL);
}

static void
pz_window_init (PzWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->inbox = g_list_store_new (PZ_TYPE_FILE_ITEM);
  self->steps = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_unref);
  self->permit_types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_unref);
  self->form = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  {
    GtkSelectionModel *selection;

    /* in the server's order until a column's header is clicked */
    self->inbox_sorted = G_LIST_MODEL (gtk_sort_list_model_new (
      G_LIST_MODEL (g_object_ref (self->inbox)), g_object_ref (gtk_column_view_get_sorter (self->inbox_view))));
    selection = GTK_SELECTION_MODEL (gtk_single_selection_new (g_object_ref (self->inbox_sorted)));
    gtk_single_selection_set_autoselect (GTK_SINGLE_SELECTION (selection), FALSE);
    gtk_column_view_set_model (self->inbox_view, selection);
    g_object_unref (selection);
  }
  add_column (self, _("Registration no."), PZ_FILE_COLUMN_REGISTRATION, FALSE);
  add_column (self, _("Applicant"), PZ_FILE_COLUMN_APPLICANT, TRUE);
  add_column (self, _("Permit"), PZ_FILE_COLUMN_PERMIT, TRUE);
  add_column (self, _("Step"), PZ_FILE_COLUMN_STEP, TRUE);
  add_column (self, _("In step"), PZ_FILE_COLUMN_IN_STEP, FALSE);
  add_column (self, _("Due"), PZ_FILE_COLUMN_DUE, FALSE);
  add_column (self, _("Status"), G_MAXUINT, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->inbox_view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Files"), -1);
  g_signal_connect (self->inbox_view, "activate", G_CALLBACK (row_activated), self);
  /* the filters give up width before the window does */
  pz_drop_down_ellipsize (self->step_filter);
  pz_drop_down_ellipsize (self->status_filter);
  pz_drop_down_ellipsize (self->type_filter);
  gtk_label_set_ellipsize (self->list_title, PANGO_ELLIPSIZE_END);
  /* what a screen reader says on the controls themselves */
  pz_name_control (GTK_WIDGET (self->step_filter), _("Step"));
  pz_name_control (GTK_WIDGET (self->status_filter), _("Status"));
  pz_name_control (GTK_WIDGET (self->type_filter), _("Permit type"));
  pz_password_row_label_peek (self->password_row);
  pz_password_row_label_peek (self->new_password_row);
  pz_password_row_label_peek (self->repeat_password_row);
  build_docs_page (self);
  g_signal_connect_swapped (self->search_entry, "search-changed", G_CALLBACK (search_changed), self);
  g_signal_connect_swapped (self->search_entry, "activate", G_CALLBACK (search_activated), self);
  g_signal_connect_swapped (self->step_filter, "notify::selected", G_CALLBACK (filter_changed), self);
  g_signal_connect_swapped (self->status_filter, "notify::selected", G_CALLBACK (filter_changed), self);
  g_signal_connect_swapped (self->type_filter, "notify::selected", G_CALLBACK (filter_changed), self);
  g_signal_connect_swapped (self->server_row, "entry-activated", G_CALLBACK (activate_connect), self);
  g_signal_connect_swapped (self->username_row, "entry-activated", G_CALLBACK (activate_login), self);
  g_signal_connect_swapped (self->password_row, "entry-activated", G_CALLBACK (activate_login), self);
  /* before the window is shown, focus cannot be given yet */
  g_signal_connect_after (self, "map", G_CALLBACK (focus_page), NULL);
  g_signal_connect_swapped (self->new_password_row, "entry-activated", G_CALLBACK (activate_change_password), self);
  g_signal_connect_swapped (self->repeat_password_row, "entry-activated", G_CALLBACK (activate_change_password), self);
  gtk_label_set_text (self->count_waiting, "—");
  gtk_label_set_text (self->count_overdue, "—");
  gtk_label_set_text (self->count_done, "—");
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
  g_signal_connect_swapped (self->client, "session-expired", G_CALLBACK (session_expired), self);
  g_signal_connect_swapped (self->client, "application-changed", G_CALLBACK (application_changed), self);
  g_signal_connect_swapped (self->client, "events-connected", G_CALLBACK (events_connected), self);
  g_signal_connect_swapped (self->client, "application-late", G_CALLBACK (application_late), self);
  g_signal_connect_swapped (self->client, "signing-certificate-replaced", G_CALLBACK (certificate_replaced), self);
  self->late_alerted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->late_pending = g_ptr_array_new_with_free_func (g_free);
  self->late_button = gtk_toggle_button_new_with_mnemonic (_("_Late Files"));
  gtk_widget_set_tooltip_text (self->late_button,
                               _("Files over their step's standard, yours or of those who report to you"));
  g_signal_connect_swapped (self->late_button, "toggled", G_CALLBACK (late_toggled), self);
  gtk_box_append (GTK_BOX (gtk_widget_get_parent (GTK_WIDGET (self->step_filter))), self->late_button);
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
  gtk_editable_set_text (GTK_EDITABLE (self->username_row), user);
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), url);
  if (*url)
    {
      adw_status_page_set_description (self->login_page, url);
      show_page (self, "login");
    }
  else
    show_page (self, "connect");
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
  adw_status_page_set_description (self->login_page, url);
  show_page (self, "login");
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
  return self->inbox_sorted;
}

void
pz_window_open_file (PzWindow *self,
                     gint64    id)
{
  if (id != self->file_id)
    forget_typed (self);
  else
    keep_typed (self);
  self->file_id = id;
  self->scroll_top = TRUE;
  load_file (self, id);
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
  return g_hash_table_lookup (self->form, name);
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
  return self->late_button;
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
