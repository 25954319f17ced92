/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-admin"

#include "config.h"

#include <glib/gi18n.h>

#include "perizinan.h"
#include "pz-admin-users-page.h"
#include "pz-file-item.h"
#include "pz-user-dialog.h"

/* The office's users with their roles and acting periods; a row opens the
 * user's dialog. */
struct _PzAdminUsersPage
{
  AdwPreferencesPage parent_instance;

  PzAdminContext    *ctx;
  JsonArray         *users;

  GtkListBox        *list;
};

G_DEFINE_FINAL_TYPE (PzAdminUsersPage, pz_admin_users_page, ADW_TYPE_PREFERENCES_PAGE)

static char *
roles_text (JsonObject * user)
{
  JsonArray *roles = json_object_get_array_member (user, "roles");
  JsonArray *acting = json_object_has_member (user, "acting") ? json_object_get_array_member (user, "acting") : NULL;
  GString *out = g_string_new (NULL);

  for (guint i = 0; roles && i < json_array_get_length (roles); i++)
    {
      const char *title = pz_role_title (json_array_get_string_element (roles, i));
      g_string_append_printf (out, "%s%s", out->len ? ", " : "", title ? title : "?");
    }
  for (guint i = 0; acting && i < json_array_get_length (acting); i++)
    {
      JsonObject *a = json_array_get_object_element (acting, i);
      const char *title = pz_role_title (pz_json_get_string (a, "role"));

      /* Translators: an acting official, e.g. "Plh Head of office" */
      g_string_append_printf (out, ", %s %s", g_strcmp0 (pz_json_get_string (a, "kind"), "plt") == 0 ? "Plt" : "Plh",
                              title ? title : "?");
    }
  return g_string_free (out, FALSE);
}

static void
open_dialog (PzAdminUsersPage *self,
             JsonObject       *user)
{
  PzUserDialog *dialog = pz_user_dialog_new (self->ctx, GTK_WIDGET (self), user);

  g_signal_connect_object (dialog, "changed", G_CALLBACK (pz_admin_users_page_reload), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
new_user_clicked (PzAdminUsersPage *self)
{
  open_dialog (self, NULL);
}

static void
user_row_activated (AdwActionRow     *row,
                    PzAdminUsersPage *self)
{
  open_dialog (self, g_object_get_data (G_OBJECT (row), "user"));
}

static void
users_loaded (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(PzAdminUsersPage) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = pz_api_list_users_finish (PZ_CLIENT (source), result, &error);

  self->ctx->busy--;
  if (pz_admin_refused (GTK_WIDGET (self), NULL, error) || !JSON_NODE_HOLDS_ARRAY (node) || self->list == NULL)
    return;
  g_clear_pointer (&self->users, json_array_unref);
  self->users = json_array_ref (json_node_get_array (node));
  pz_admin_clear_list (self->list);
  for (guint i = 0; i < json_array_get_length (self->users); i++)
    {
      JsonObject *user = json_array_get_object_element (self->users, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *roles = roles_text (user);
      g_autofree char *subtitle = g_strdup_printf ("%s · %s", pz_json_get_string (user, "username"), roles);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), pz_json_get_string (user, "full_name"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      if (!json_object_get_boolean_member_with_default (user, "active", TRUE))
        {
          GtkWidget *tag = gtk_label_new (_("Deactivated"));
          gtk_widget_add_css_class (tag, "dim-label");
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), tag);
        }
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "user", json_object_ref (user), (GDestroyNotify) json_object_unref);
      g_signal_connect (row, "activated", G_CALLBACK (user_row_activated), self);
      gtk_list_box_append (self->list, row);
    }
}

static void
pz_admin_users_page_dispose (GObject *object)
{
  PzAdminUsersPage *self = PZ_ADMIN_USERS_PAGE (object);

  g_clear_pointer (&self->users, json_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (object), PZ_TYPE_ADMIN_USERS_PAGE);
  G_OBJECT_CLASS (pz_admin_users_page_parent_class)->dispose (object);
}

/* the context outlives dispose: an answer still on its way counts down */
static void
pz_admin_users_page_finalize (GObject *object)
{
  PzAdminUsersPage *self = PZ_ADMIN_USERS_PAGE (object);

  g_clear_pointer (&self->ctx, pz_admin_context_unref);
  G_OBJECT_CLASS (pz_admin_users_page_parent_class)->finalize (object);
}

static void
pz_admin_users_page_class_init (PzAdminUsersPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = pz_admin_users_page_dispose;
  G_OBJECT_CLASS (klass)->finalize = pz_admin_users_page_finalize;
  gtk_widget_class_set_template_from_resource (widget_class, "/id/go/perizinan/Perizinan/pz-admin-users-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PzAdminUsersPage, list);
  gtk_widget_class_bind_template_callback (widget_class, new_user_clicked);
}

static void
pz_admin_users_page_init (PzAdminUsersPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
pz_admin_users_page_set_context (PzAdminUsersPage *self,
                                 PzAdminContext   *ctx)
{
  g_clear_pointer (&self->ctx, pz_admin_context_unref);
  self->ctx = pz_admin_context_ref (ctx);
}

/**
 * pz_admin_users_page_reload:
 *
 * Reads the users from the server.
 */
void
pz_admin_users_page_reload (PzAdminUsersPage *self)
{
  self->ctx->busy++;
  pz_api_list_users_async (self->ctx->client, self->ctx->cancellable, users_loaded, g_object_ref (self));
}

/**
 * pz_admin_users_page_get_users:
 *
 * Returns: (transfer none) (nullable): the users as last read
 */
JsonArray *
pz_admin_users_page_get_users (PzAdminUsersPage *self)
{
  return self->users;
}
