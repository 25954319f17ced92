/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-admin"

#include "config.h"

#include <glib/gi18n.h>

#include "perizinan.h"
#include "pz-file-item.h"
#include "pz-user-dialog.h"
#include "pz-widgets.h"

/* A user, new or as the server has it: the account, the roles, a password
 * reset and the acting periods (Plh/Plt). */
struct _PzUserDialog
{
  AdwWindow            parent_instance;

  PzAdminContext      *ctx;
  GtkWidget           *toast_on;     /* weak: the page that opened the dialog */
  gint64               id;           /* 0: a new user */
  GPtrArray           *role_checks;  /* GtkCheckButton, data "role" */

  GtkWidget           *save;
  GtkLabel            *error;
  AdwPreferencesGroup *account_group;
  GtkWidget           *username;
  GtkWidget           *full_name;
  GtkWidget           *nip;
  GtkWidget           *signing_identity;
  GtkWidget           *password;
  GtkWidget           *active_row;
  GtkSwitch           *active;
  AdwPreferencesGroup *roles_group;
  GtkWidget           *password_group;
  GtkWidget           *reset_password;
  GtkWidget           *acting_group;
  GtkListBox          *acting_list;
  GtkWidget           *new_acting_group;
  AdwComboRow         *acting_role;
  AdwComboRow         *acting_kind;
  GtkWidget           *acting_from;
  GtkWidget           *acting_to;
};

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PzUserDialog, pz_user_dialog, ADW_TYPE_WINDOW)

/* An answer that comes after the dialog was closed changes nothing in it. */
static gboolean
closed (PzUserDialog *self)
{
  return self->error == NULL;
}

static void
toast (PzUserDialog *self,
       const char   *text)
{
  if (self->toast_on)
    pz_toast (self->toast_on, text);
}

static void
user_saved (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(PzUserDialog) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = pz_api_save_user_finish (PZ_CLIENT (source), result, &error);

  self->ctx->busy--;
  if (closed (self))
    return;
  /* 409 `duplicate`: the username is taken, the row says so */
  if (g_strcmp0 (pz_client_error_get_server_code (error), "duplicate") == 0)
    gtk_widget_add_css_class (self->username, "error");
  else
    gtk_widget_remove_css_class (self->username, "error");
  if (pz_admin_refused (GTK_WIDGET (self), self->error, error))
    return;
  toast (self, _("Saved"));
  g_signal_emit (self, signals[CHANGED], 0);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
save_clicked (PzUserDialog *self)
{
  g_autoptr(JsonObject) obj = json_object_new ();
  JsonArray *roles = json_array_new ();

  if (self->id == 0)
    {
      json_object_set_string_member (obj, "username", pz_admin_entry_text (self->username));
      json_object_set_string_member (obj, "password", pz_admin_entry_text (self->password));
    }
  json_object_set_string_member (obj, "full_name", pz_admin_entry_text (self->full_name));
  if (*pz_admin_entry_text (self->nip))
    json_object_set_string_member (obj, "nip", pz_admin_entry_text (self->nip));
  for (guint i = 0; i < self->role_checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (self->role_checks, i);

      if (gtk_check_button_get_active (check))
        json_array_add_string_element (roles, g_object_get_data (G_OBJECT (check), "role"));
    }
  json_object_set_array_member (obj, "roles", roles);
  if (self->id != 0)
    {
      json_object_set_boolean_member (obj, "active", gtk_switch_get_active (self->active));
      /* empty unlinks it */
      json_object_set_string_member (obj, "signing_identity", pz_admin_entry_text (self->signing_identity));
    }
  self->ctx->busy++;
  pz_api_save_user_async (self->ctx->client, self->id, obj, self->ctx->cancellable, user_saved, g_object_ref (self));
}

static void
cancel_clicked (PzUserDialog *self)
{
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
password_reset (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  g_autoptr(PzUserDialog) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = pz_api_reset_password_finish (PZ_CLIENT (source), result, &error);

  self->ctx->busy--;
  if (closed (self) || pz_admin_refused (GTK_WIDGET (self), self->error, error))
    return;
  toast (self, _("Password reset: the user chooses a new one at the next login"));
}

static void
reset_password_clicked (PzUserDialog *self)
{
  self->ctx->busy++;
  pz_api_reset_password_async (self->ctx->client, self->id, pz_admin_entry_text (self->reset_password),
                               self->ctx->cancellable, password_reset, g_object_ref (self));
  gtk_editable_set_text (GTK_EDITABLE (self->reset_password), "");
}

static void load_acting (PzUserDialog *self);

static void
acting_changed (PzUserDialog *self,
                GAsyncResult *result,
                JsonNode *(*finish)(PzClient *, GAsyncResult *, GError **))
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = finish (self->ctx->client, result, &error);

  self->ctx->busy--;
  if (closed (self) || pz_admin_refused (GTK_WIDGET (self), self->error, error))
    return;
  load_acting (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
acting_ended (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(PzUserDialog) self = data;

  acting_changed (self, result, pz_api_end_acting_finish);
}

static void
acting_added (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(PzUserDialog) self = data;

  acting_changed (self, result, pz_api_add_acting_finish);
}

static void
end_acting_clicked (GtkButton    *button,
                    PzUserDialog *self)
{
  self->ctx->busy++;
  pz_api_end_acting_async (self->ctx->client, self->id, *(gint64 *) g_object_get_data (G_OBJECT (button), "id"),
                           self->ctx->cancellable, acting_ended, g_object_ref (self));
}

static const char *
acting_state_title (const char *state)
{
  if (g_strcmp0 (state, "planned") == 0)
    return _("Planned");
  if (g_strcmp0 (state, "in_force") == 0)
    return _("In force");
  if (g_strcmp0 (state, "ended_early") == 0)
    return _("Ended early");
  return _("Over");
}

static void
acting_loaded (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  g_autoptr(PzUserDialog) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = pz_api_list_acting_finish (PZ_CLIENT (source), result, &error);
  JsonArray *list = node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

  self->ctx->busy--;
  if (closed (self) || pz_admin_refused (GTK_WIDGET (self), self->error, error))
    return;
  pz_admin_clear_list (self->acting_list);
  for (guint i = 0; list && i < json_array_get_length (list); i++)
    {
      JsonObject *a = json_array_get_object_element (list, i);
      GtkWidget *row = adw_action_row_new ();
      const char *state = pz_json_get_string (a, "state");
      const char *role = pz_role_title (pz_json_get_string (a, "role"));
      g_autofree char *title = g_strdup_printf ("%s %s", g_strcmp0 (pz_json_get_string (a, "kind"), "plt") == 0 ? "Plt" : "Plh",
                                                role ? role : "?");
      /* Translators: an acting period: first day – last day · state */
      g_autofree char *subtitle = g_strdup_printf (_("%s to %s · %s"), pz_json_get_string (a, "starts_on"),
                                                   pz_json_get_string (a, "ends_on"), acting_state_title (state));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      if (g_strcmp0 (state, "planned") == 0 || g_strcmp0 (state, "in_force") == 0)
        {
          GtkWidget *end = pz_admin_button_new (_("_End Now"), FALSE);
          gint64 *id = g_new (gint64, 1);

          *id = json_object_get_int_member (a, "id");
          g_object_set_data_full (G_OBJECT (end), "id", id, g_free);
          g_signal_connect (end, "clicked", G_CALLBACK (end_acting_clicked), self);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), end);
        }
      gtk_list_box_append (self->acting_list, row);
    }
  if (list == NULL || json_array_get_length (list) == 0)
    {
      GtkWidget *row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No acting periods"));
      gtk_list_box_append (self->acting_list, row);
    }
}

static void
load_acting (PzUserDialog *self)
{
  self->ctx->busy++;
  pz_api_list_acting_async (self->ctx->client, self->id, self->ctx->cancellable, acting_loaded, g_object_ref (self));
}

static void
add_acting_clicked (PzUserDialog *self)
{
  guint role = adw_combo_row_get_selected (self->acting_role);
  guint last = g_strv_length ((char **) pz_admin_office_roles) - 2;   /* not "admin" */

  self->ctx->busy++;
  pz_api_add_acting_async (self->ctx->client, self->id, pz_admin_office_roles[MIN (role, last)],
                           adw_combo_row_get_selected (self->acting_kind) ? "plt" : "plh",
                           pz_admin_entry_text (self->acting_from), pz_admin_entry_text (self->acting_to),
                           self->ctx->cancellable, acting_added, g_object_ref (self));
}

static void
pz_user_dialog_dispose (GObject *object)
{
  PzUserDialog *self = PZ_USER_DIALOG (object);

  g_clear_weak_pointer (&self->toast_on);
  gtk_widget_dispose_template (GTK_WIDGET (object), PZ_TYPE_USER_DIALOG);
  G_OBJECT_CLASS (pz_user_dialog_parent_class)->dispose (object);
}

/* the context outlives dispose: an answer still on its way counts down */
static void
pz_user_dialog_finalize (GObject *object)
{
  PzUserDialog *self = PZ_USER_DIALOG (object);

  g_clear_pointer (&self->role_checks, g_ptr_array_unref);
  g_clear_pointer (&self->ctx, pz_admin_context_unref);
  G_OBJECT_CLASS (pz_user_dialog_parent_class)->finalize (object);
}

static void
pz_user_dialog_class_init (PzUserDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = pz_user_dialog_dispose;
  G_OBJECT_CLASS (klass)->finalize = pz_user_dialog_finalize;

  /**
   * PzUserDialog::changed:
   *
   * The user was saved, or an acting period of theirs added or ended.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/id/go/perizinan/Perizinan/pz-user-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, PzUserDialog, save);
  gtk_widget_class_bind_template_child (widget_class, PzUserDialog, error);
  gtk_widget_class_bind_template_child (widget_class, PzUserDialog, account_group);
  gtk_widget_class_bind_template_child (widget_class, PzUserDialog, username);
  gtk_widget_class_bind_template_child (widget_class, PzUserDialog, full_name);
  gtk_widget_class_bind_template_child (widget_class, PzUserDialog, nip);
  gtk_widget_class_bind_template_child (widget_class, PzUserDialog, signing_identity);
  gtk_widget_class_bind_template_child (widget_class, PzUserDialog, password);
  gtk_widget_class_bind_template_child (widget_class, PzUserDialog, active_row);
  gtk_widget_class_bind_template_child (widget_class, PzUserDialog, active);
  gtk_widget_class_bind_template_child (widget_class, PzUserDialog, roles_group);
  gtk_widget_class_bind_template_child (widget_class, PzUserDialog, password_group);
  gtk_widget_class_bind_template_child (widget_class, PzUserDialog, reset_password);
  gtk_widget_class_bind_template_child (widget_class, PzUserDialog, acting_group);
  gtk_widget_class_bind_template_child (widget_class, PzUserDialog, acting_list);
  gtk_widget_class_bind_template_child (widget_class, PzUserDialog, new_acting_group);
  gtk_widget_class_bind_template_child (widget_class, PzUserDialog, acting_role);
  gtk_widget_class_bind_template_child (widget_class, PzUserDialog, acting_kind);
  gtk_widget_class_bind_template_child (widget_class, PzUserDialog, acting_from);
  gtk_widget_class_bind_template_child (widget_class, PzUserDialog, acting_to);
  gtk_widget_class_bind_template_callback (widget_class, save_clicked);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked);
  gtk_widget_class_bind_template_callback (widget_class, reset_password_clicked);
  gtk_widget_class_bind_template_callback (widget_class, add_acting_clicked);
}

static void
pz_user_dialog_init (PzUserDialog *self)
{
  g_autoptr(GtkStringList) roles = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  self->role_checks = g_ptr_array_new ();
  pz_window_add_close_keys (GTK_WINDOW (self));
  pz_password_row_label_peek (ADW_PASSWORD_ENTRY_ROW (self->password));
  pz_password_row_label_peek (ADW_PASSWORD_ENTRY_ROW (self->reset_password));
  pz_date_row_add_picker (ADW_ENTRY_ROW (self->acting_from));
  pz_date_row_add_picker (ADW_ENTRY_ROW (self->acting_to));

  /* the roles one may act in: all but the administrator's */
  for (guint i = 0; pz_admin_office_roles[i + 1]; i++)
    gtk_string_list_append (roles, pz_role_title (pz_admin_office_roles[i]));
  adw_combo_row_set_model (self->acting_role, G_LIST_MODEL (roles));
  adw_combo_row_set_selected (self->acting_role, 6);
}

static void
add_role_rows (PzUserDialog *self,
               JsonArray    *roles)
{
  for (guint i = 0; pz_admin_office_roles[i]; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();
      gboolean has = FALSE;

      for (guint r = 0; roles && r < json_array_get_length (roles); r++)
        has |= g_strcmp0 (json_array_get_string_element (roles, r), pz_admin_office_roles[i]) == 0;
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), has);
      g_object_set_data (G_OBJECT (check), "role", (gpointer) pz_admin_office_roles[i]);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), pz_role_title (pz_admin_office_roles[i]));
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      adw_preferences_group_add (self->roles_group, row);
      g_ptr_array_add (self->role_checks, check);
    }
}

/**
 * pz_user_dialog_new:
 * @ctx: the administration's client and busy count
 * @parent: the page the dialog is opened from; it tells what was done
 * @user: (nullable): the user as the server has it; %NULL for a new one
 *
 * Returns: (transfer none): the dialog, modal over @parent's window
 */
PzUserDialog *
pz_user_dialog_new (PzAdminContext *ctx,
                    GtkWidget      *parent,
                    JsonObject     *user)
{
  PzUserDialog *self = g_object_new (PZ_TYPE_USER_DIALOG, NULL);
  gboolean is_new = user == NULL;

  self->ctx = pz_admin_context_ref (ctx);
  g_set_weak_pointer (&self->toast_on, parent);
  self->id = user ? json_object_get_int_member (user, "id") : 0;
  gtk_window_set_transient_for (GTK_WINDOW (self), GTK_WINDOW (gtk_widget_get_root (parent)));
  gtk_window_set_title (GTK_WINDOW (self), is_new ? _("New User") : _("Edit User"));
  gtk_button_set_label (GTK_BUTTON (self->save), is_new ? _("_Create") : _("_Save"));

  adw_preferences_group_set_description (self->account_group, user ? pz_json_get_string (user, "username") : NULL);
  gtk_widget_set_visible (self->username, is_new);
  gtk_widget_set_visible (self->password, is_new);
  gtk_widget_set_visible (self->active_row, !is_new);
  gtk_editable_set_text (GTK_EDITABLE (self->full_name), user && pz_json_get_string (user, "full_name")
                                                         ? pz_json_get_string (user, "full_name") : "");
  gtk_editable_set_text (GTK_EDITABLE (self->nip), user && pz_json_get_string (user, "nip")
                                                   ? pz_json_get_string (user, "nip") : "");
  gtk_widget_set_visible (self->signing_identity, !is_new);
  gtk_editable_set_text (GTK_EDITABLE (self->signing_identity),
                         user && pz_json_get_string (user, "signing_identity")
                         ? pz_json_get_string (user, "signing_identity") : "");
  gtk_switch_set_active (self->active, user ? json_object_get_boolean_member_with_default (user, "active", TRUE) : TRUE);
  add_role_rows (self, user ? json_object_get_array_member (user, "roles") : NULL);

  gtk_widget_set_visible (self->password_group, !is_new);
  gtk_widget_set_visible (self->acting_group, !is_new);
  gtk_widget_set_visible (self->new_acting_group, !is_new);
  if (!is_new)
    {
      g_autoptr(GDateTime) today = g_date_time_new_now_local ();
      g_autofree char *today_text = g_date_time_format (today, "%Y-%m-%d");

      gtk_editable_set_text (GTK_EDITABLE (self->acting_from), today_text);
      load_acting (self);
    }
  return self;
}
