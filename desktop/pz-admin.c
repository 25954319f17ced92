/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-admin"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "perizinan.h"
#include "pz-admin-audit-page.h"
#include "pz-admin-calendar-page.h"
#include "pz-admin-private.h"
#include "pz-admin.h"
#include "pz-file-item.h"
#include "pz-widgets.h"

/* The administrator's pages: users and acting officials, the office
 * calendar and hours, the office profile with its emblem and signing
 * certificate, the permit types, and the audit log. Everything goes
 * through the server's admin API; nothing is kept here but what is shown. */
struct _PzAdminView
{
  GtkBox        parent_instance;

  PzAdminContext *ctx;

  AdwViewStack *stack;

  GtkListBox   *users_list;
  JsonArray    *users;

  PzAdminCalendarPage *calendar;

  JsonObject   *office;
  GtkWidget    *office_rows[6];
  GtkWidget    *certificate_warning;
  GtkWidget    *public_url_warning;
  GtkWidget    *certificate_subject;
  GtkWidget    *certificate_until;
  GtkPicture   *logo;
  GtkWidget    *logo_remove;

  GtkListBox   *types_list;
  JsonArray    *types;

  PzAdminAuditPage *audit;
};

G_DEFINE_FINAL_TYPE (PzAdminView, pz_admin_view, GTK_TYPE_BOX)

static const char * const office_members[] = {
  "name", "address", "city", "kadis_name", "kadis_nip", "public_base_url"
};



/* The context */

PzAdminContext *
pz_admin_context_new (PzClient *client)
{
  PzAdminContext *ctx = g_rc_box_new0 (PzAdminContext);

  ctx->client = g_object_ref (client);
  ctx->cancellable = g_cancellable_new ();
  return ctx;
}

PzAdminContext *
pz_admin_context_ref (PzAdminContext *ctx)
{
  return g_rc_box_acquire (ctx);
}

static void
context_clear (gpointer data)
{
  PzAdminContext *ctx = data;

  g_clear_object (&ctx->client);
  g_clear_object (&ctx->cancellable);
}

void
pz_admin_context_unref (PzAdminContext *ctx)
{
  g_rc_box_release_full (ctx, context_clear);
}

/* Shared by the pages and dialogs */

const char * const pz_admin_office_roles[] = {
  "front_office", "tim_teknis", "back_office", "kasi", "kabid", "sekretaris", "kadis", "admin", NULL
};

void
pz_admin_clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))))
    gtk_list_box_remove (list, child);
}

GtkWidget *
pz_admin_button_new (const char *label,
                     gboolean    suggested)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  if (suggested)
    gtk_widget_add_css_class (button, "suggested-action");
  return button;
}

const char *
pz_admin_entry_text (GtkWidget *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

/* The choices of a combo row whose labels are made at run time. */
void
pz_admin_set_combo_labels (AdwComboRow        *row,
                           const char * const *labels,
                           guint               selected)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (labels);

  adw_combo_row_set_model (row, G_LIST_MODEL (model));
  adw_combo_row_set_selected (row, selected);
}

/**
 * pz_admin_refused:
 * @toast_on: a widget of the main window, told the refusal as a toast
 * @label: (nullable): where a refusal is told instead
 * @error: (nullable): the error of a request
 *
 * Returns: whether the request failed; a cancelled one is not told
 */
gboolean
pz_admin_refused (GtkWidget    *toast_on,
                  GtkLabel     *label,
                  const GError *error)
{
  JsonArray *details = pz_client_error_get_details (error);
  GString *text;

  if (error == NULL)
    {
      if (label)
        gtk_widget_set_visible (GTK_WIDGET (label), FALSE);
      return FALSE;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return TRUE;
  text = g_string_new (error->message);
  for (guint i = 0; details && i < json_array_get_length (details); i++)
    {
      JsonObject *d = json_array_get_object_element (details, i);
      g_string_append_printf (text, "\n• %s", pz_json_get_string (d, "message") ? pz_json_get_string (d, "message") : "");
    }
  if (label)
    {
      gtk_label_set_text (label, text->str);
      gtk_widget_set_visible (GTK_WIDGET (label), TRUE);
    }
  else
    pz_toast (toast_on, text->str);
  g_string_free (text, TRUE);
  return TRUE;
}

/* A dialog of the administration: modal over the main window, closed
 * with Escape or Ctrl+W. */
void
pz_admin_window_setup (GtkWindow *window,
                       GtkWidget *parent)
{
  pz_window_add_close_keys (window);
  gtk_window_set_transient_for (window, GTK_WINDOW (gtk_widget_get_root (parent)));
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))))
    gtk_list_box_remove (list, child);
}

static GtkListBox *
boxed_list (void)
{
  GtkWidget *list = gtk_list_box_new ();

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  return GTK_LIST_BOX (list);
}

static GtkWidget *
group_new (GtkWidget  *page,
           const char *title,
           const char *description)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  if (description)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  return group;
}

static GtkWidget *
entry_row (GtkWidget  *group,
           const char *title,
           const char *text)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_editable_set_text (GTK_EDITABLE (row), text ? text : "");
  if (group)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  return row;
}

static GtkWidget *
button_new (const char *label,
            gboolean    suggested)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  if (suggested)
    gtk_widget_add_css_class (button, "suggested-action");
  return button;
}

static char *
error_text (const GError *error,
            JsonArray    *details)
{
  GString *text = g_string_new (error->message);

  for (guint i = 0; details && i < json_array_get_length (details); i++)
    {
      JsonObject *d = json_array_get_object_element (details, i);
      g_string_append_printf (text, "\n• %s", pz_json_get_string (d, "message") ? pz_json_get_string (d, "message") : "");
    }
  return g_string_free (text, FALSE);
}

/* Requests */

typedef void (*AdminDone) (PzAdminView *self, JsonNode *node, gpointer data);

typedef struct {
  PzAdminView    *self;
  AdminDone       done;
  gpointer        data;
  GDestroyNotify  destroy;
  GtkLabel       *error_label;   /* where a refusal is told, or a toast */
} Call;

static void
call_free (Call *c)
{
  if (c->destroy)
    c->destroy (c->data);
  g_clear_object (&c->error_label);
  g_object_unref (c->self);
  g_free (c);
}

static void
show_refusal (PzAdminView  *self,
              GtkLabel     *label,
              const GError *error,
              JsonArray    *details)
{
  g_autofree char *text = error_text (error, details);

  if (label)
    {
      gtk_label_set_text (label, text);
      gtk_widget_set_visible (GTK_WIDGET (label), TRUE);
    }
  else
    pz_toast (GTK_WIDGET (self), text);
}

static void
call_done (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Call *c = data;
  g_autoptr(GError) error = NULL;
  JsonArray *details = NULL;
  JsonNode *node = pz_client_request_finish (PZ_CLIENT (source), result, &details, &error);

  c->self->ctx->busy--;
  if (node)
    {
      if (c->error_label)
        gtk_widget_set_visible (GTK_WIDGET (c->error_label), FALSE);
      c->done (c->self, node, c->data);
      json_node_unref (node);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_refusal (c->self, c->error_label, error, details);
  g_clear_pointer (&details, json_array_unref);
  call_free (c);
}

/* What is done with the answer of a pz_api call started with call_done. */
static Call *
call (PzAdminView    *self,
      GtkLabel       *error_label,
      AdminDone       done,
      gpointer        data,
      GDestroyNotify  destroy)
{
  Call *c = g_new0 (Call, 1);

  c->self = g_object_ref (self);
  c->done = done;
  c->data = data;
  c->destroy = destroy;
  c->error_label = error_label ? g_object_ref (error_label) : NULL;
  self->ctx->busy++;
  return c;
}

/* A small dialog window: a header bar with Cancel and a main button, a
 * scrolled preferences page, and a label for the server's refusal. */
typedef struct {
  GtkWidget *window;
  GtkWidget *page;
  GtkWidget *save;
  GtkLabel  *error;
} Dialog;

static void
dialog_new (Dialog      *d,
            GtkWidget   *parent,
            const char  *title,
            const char  *save_label)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  GtkWidget *error_group;

  d->window = adw_window_new ();
  pz_window_add_close_keys (GTK_WINDOW (d->window));
  gtk_window_set_title (GTK_WINDOW (d->window), title);
  gtk_window_set_modal (GTK_WINDOW (d->window), TRUE);
  gtk_window_set_transient_for (GTK_WINDOW (d->window), GTK_WINDOW (gtk_widget_get_root (parent)));
  gtk_window_set_default_size (GTK_WINDOW (d->window), 560, 680);
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (gtk_window_destroy), d->window);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  d->save = gtk_button_new_with_mnemonic (save_label);
  gtk_widget_add_css_class (d->save, "suggested-action");
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), d->save);
  gtk_box_append (GTK_BOX (box), header);
  d->page = adw_preferences_page_new ();
  gtk_widget_set_vexpand (d->page, TRUE);
  gtk_box_append (GTK_BOX (box), d->page);
  adw_window_set_content (ADW_WINDOW (d->window), box);

  error_group = adw_preferences_group_new ();
  d->error = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (d->error, TRUE);
  gtk_label_set_xalign (d->error, 0);
  gtk_widget_add_css_class (GTK_WIDGET (d->error), "error");
  gtk_widget_set_visible (GTK_WIDGET (d->error), FALSE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (error_group), GTK_WIDGET (d->error));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (d->page), ADW_PREFERENCES_GROUP (error_group));
}

static GtkWidget *
switch_row (GtkWidget  *group,
            const char *title,
            const char *subtitle,
            gboolean    active)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *sw = gtk_switch_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_switch_set_active (GTK_SWITCH (sw), active);
  gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), sw);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), sw);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  g_object_set_data (G_OBJECT (row), "switch", sw);
  return row;
}

static gboolean
switch_row_active (GtkWidget *row)
{
  return gtk_switch_get_active (g_object_get_data (G_OBJECT (row), "switch"));
}

static GtkWidget *
combo_row (GtkWidget          *group,
           const char         *title,
           const char * const *labels,
           guint               selected)
{
  GtkWidget *row = adw_combo_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (gtk_string_list_new (labels)));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), selected);
  if (group)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  return row;
}

static const char *
entry_text (GtkWidget *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

/* Users */

static void load_users (PzAdminView *self);

static char *
roles_text (JsonObject *user)
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

typedef struct {
  PzAdminView *self;
  Dialog       d;
  gint64       id;           /* 0: a new user */
  GtkWidget   *username;
  GtkWidget   *full_name;
  GtkWidget   *nip;
  GtkWidget   *password;
  GtkWidget   *active;
  GtkWidget   *reset_password;
  GPtrArray   *role_checks;  /* GtkCheckButton, data "role" */
  GtkListBox  *acting_list;
  GtkWidget   *acting_role;
  GtkWidget   *acting_kind;
  GtkWidget   *acting_from;
  GtkWidget   *acting_to;
} UserDialog;

static void
user_dialog_free (gpointer data)
{
  UserDialog *u = data;

  g_ptr_array_unref (u->role_checks);
  g_object_unref (u->self);
  g_free (u);
}

static const char * const office_roles[] = {
  "front_office", "tim_teknis", "back_office", "kasi", "kabid", "sekretaris", "kadis", "admin", NULL
};

static void
user_saved (PzAdminView *self,
            JsonNode    *node,
            gpointer     data)
{
  GtkWidget *window = data;

  pz_toast (GTK_WIDGET (self), _("Saved"));
  gtk_window_destroy (GTK_WINDOW (window));
  load_users (self);
}

static void
user_save_clicked (UserDialog *u)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;

  json_builder_begin_object (b);
  if (u->id == 0)
    {
      json_builder_set_member_name (b, "username");
      json_builder_add_string_value (b, entry_text (u->username));
      json_builder_set_member_name (b, "password");
      json_builder_add_string_value (b, entry_text (u->password));
    }
  json_builder_set_member_name (b, "full_name");
  json_builder_add_string_value (b, entry_text (u->full_name));
  if (*entry_text (u->nip))
    {
      json_builder_set_member_name (b, "nip");
      json_builder_add_string_value (b, entry_text (u->nip));
    }
  json_builder_set_member_name (b, "roles");
  json_builder_begin_array (b);
  for (guint i = 0; i < u->role_checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (u->role_checks, i);
      if (gtk_check_button_get_active (check))
        json_builder_add_string_value (b, g_object_get_data (G_OBJECT (check), "role"));
    }
  json_builder_end_array (b);
  if (u->active)
    {
      json_builder_set_member_name (b, "active");
      json_builder_add_boolean_value (b, switch_row_active (u->active));
    }
  json_builder_end_object (b);
  body = json_builder_get_root (b);
  pz_api_save_user_async (u->self->ctx->client, u->id, json_node_get_object (body), u->self->ctx->cancellable, call_done,
                          call (u->self, u->d.error, user_saved, g_object_ref (u->d.window), g_object_unref));
}

static void
password_reset (PzAdminView *self,
                JsonNode    *node,
                gpointer     data)
{
  pz_toast (GTK_WIDGET (self), _("Password reset: the user chooses a new one at the next login"));
}

static void
reset_password_clicked (UserDialog *u)
{
  pz_api_reset_password_async (u->self->ctx->client, u->id, entry_text (u->reset_password), u->self->ctx->cancellable,
                               call_done, call (u->self, u->d.error, password_reset, NULL, NULL));
  gtk_editable_set_text (GTK_EDITABLE (u->reset_password), "");
}

static void load_acting (UserDialog *u);

static void
acting_changed (PzAdminView *self,
                JsonNode    *node,
                gpointer     data)
{
  UserDialog *u = data;

  load_acting (u);
  load_users (self);
}

static void
end_acting_clicked (GtkButton  *button,
                    UserDialog *u)
{
  pz_api_end_acting_async (u->self->ctx->client, u->id, *(gint64 *) g_object_get_data (G_OBJECT (button), "id"),
                           u->self->ctx->cancellable, call_done, call (u->self, u->d.error, acting_changed, u, NULL));
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
acting_loaded (PzAdminView *self,
               JsonNode    *node,
               gpointer     data)
{
  UserDialog *u = data;
  JsonArray *list = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

  clear_list (u->acting_list);
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
          GtkWidget *end = button_new (_("_End Now"), FALSE);
          gint64 *id = g_new (gint64, 1);

          *id = json_object_get_int_member (a, "id");
          g_object_set_data_full (G_OBJECT (end), "id", id, g_free);
          g_signal_connect (end, "clicked", G_CALLBACK (end_acting_clicked), u);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), end);
        }
      gtk_list_box_append (u->acting_list, row);
    }
  if (list == NULL || json_array_get_length (list) == 0)
    {
      GtkWidget *row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No acting periods"));
      gtk_list_box_append (u->acting_list, row);
    }
}

static void
load_acting (UserDialog *u)
{
  pz_api_list_acting_async (u->self->ctx->client, u->id, u->self->ctx->cancellable, call_done,
                            call (u->self, u->d.error, acting_loaded, u, NULL));
}

static void
add_acting_clicked (UserDialog *u)
{
  guint role = adw_combo_row_get_selected (ADW_COMBO_ROW (u->acting_role));

  pz_api_add_acting_async (u->self->ctx->client, u->id, office_roles[MIN (role, g_strv_length ((char **) office_roles) - 2)],
                           adw_combo_row_get_selected (ADW_COMBO_ROW (u->acting_kind)) ? "plt" : "plh",
                           entry_text (u->acting_from), entry_text (u->acting_to), u->self->ctx->cancellable, call_done,
                           call (u->self, u->d.error, acting_changed, u, NULL));
}

static void
open_user_dialog (PzAdminView *self,
                  JsonObject  *user)
{
  UserDialog *u = g_new0 (UserDialog, 1);
  GtkWidget *group, *roles_group;
  JsonArray *roles = user ? json_object_get_array_member (user, "roles") : NULL;

  u->self = g_object_ref (self);
  u->id = user ? json_object_get_int_member (user, "id") : 0;
  u->role_checks = g_ptr_array_new ();
  dialog_new (&u->d, GTK_WIDGET (self), user ? _("Edit User") : _("New User"), user ? _("_Save") : _("_Create"));
  g_object_set_data_full (G_OBJECT (u->d.window), "user-dialog", u, user_dialog_free);

  group = group_new (u->d.page, _("Account"), user ? pz_json_get_string (user, "username") : NULL);
  if (user == NULL)
    u->username = entry_row (group, _("Username"), NULL);
  u->full_name = entry_row (group, _("Full Name"), pz_json_get_string (user, "full_name"));
  u->nip = entry_row (group, _("NIP (18 digits)"), pz_json_get_string (user, "nip"));
  if (user == NULL)
    {
      u->password = adw_password_entry_row_new ();
      pz_password_row_label_peek (ADW_PASSWORD_ENTRY_ROW (u->password));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (u->password), _("First Password"));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), u->password);
    }
  else
    u->active = switch_row (group, _("Active"), _("A deactivated user cannot log in; the history keeps the name"),
                            json_object_get_boolean_member_with_default (user, "active", TRUE));

  roles_group = group_new (u->d.page, _("Roles"), NULL);
  for (guint i = 0; office_roles[i]; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();
      gboolean has = FALSE;

      for (guint r = 0; roles && r < json_array_get_length (roles); r++)
        has |= g_strcmp0 (json_array_get_string_element (roles, r), office_roles[i]) == 0;
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), has);
      g_object_set_data (G_OBJECT (check), "role", (gpointer) office_roles[i]);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), pz_role_title (office_roles[i]));
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (roles_group), row);
      g_ptr_array_add (u->role_checks, check);
    }

  if (user)
    {
      GtkWidget *pw_group = group_new (u->d.page, _("Password"),
                                       _("A new password the user must change at the next login"));
      GtkWidget *reset = button_new (_("_Reset Password"), FALSE);
      GtkWidget *acting_group;
      GtkWidget *add;
      const char *labels[G_N_ELEMENTS (office_roles)];
      const char *kinds[] = { _("Plh (standing in while away)"), _("Plt (vacant post)"), NULL };
      g_autoptr(GDateTime) today = g_date_time_new_now_local ();
      g_autofree char *today_text = g_date_time_format (today, "%Y-%m-%d");

      u->reset_password = adw_password_entry_row_new ();
      pz_password_row_label_peek (ADW_PASSWORD_ENTRY_ROW (u->reset_password));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (u->reset_password), _("New Password"));
      adw_entry_row_add_suffix (ADW_ENTRY_ROW (u->reset_password), reset);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (pw_group), u->reset_password);
      g_signal_connect_swapped (reset, "clicked", G_CALLBACK (reset_password_clicked), u);

      acting_group = group_new (u->d.page, _("Acting Official (Plh/Plt)"),
                                _("Another role held for a period; documents signed in it say so"));
      u->acting_list = boxed_list ();
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (acting_group), GTK_WIDGET (u->acting_list));
      for (guint i = 0; office_roles[i + 1]; i++)
        labels[i] = pz_role_title (office_roles[i]);
      labels[g_strv_length ((char **) office_roles) - 1] = NULL;
      group = group_new (u->d.page, _("New Acting Period"), NULL);
      u->acting_role = combo_row (group, _("Role"), labels, 6);
      u->acting_kind = combo_row (group, _("Kind"), kinds, 0);
      u->acting_from = entry_row (group, _("First Day (YYYY-MM-DD)"), today_text);
      pz_date_row_add_picker (ADW_ENTRY_ROW (u->acting_from));
      u->acting_to = entry_row (group, _("Last Day (YYYY-MM-DD)"), NULL);
      pz_date_row_add_picker (ADW_ENTRY_ROW (u->acting_to));
      add = button_new (_("_Add Period"), FALSE);
      adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), add);
      g_signal_connect_swapped (add, "clicked", G_CALLBACK (add_acting_clicked), u);
      load_acting (u);
    }
  g_signal_connect_swapped (u->d.save, "clicked", G_CALLBACK (user_save_clicked), u);
  gtk_window_present (GTK_WINDOW (u->d.window));
}

static void
user_row_activated (AdwActionRow *row,
                    PzAdminView  *self)
{
  open_user_dialog (self, g_object_get_data (G_OBJECT (row), "user"));
}

static void
users_loaded (PzAdminView *self,
              JsonNode    *node,
              gpointer     data)
{
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return;
  g_clear_pointer (&self->users, json_array_unref);
  self->users = json_array_ref (json_node_get_array (node));
  clear_list (self->users_list);
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
      gtk_list_box_append (self->users_list, row);
    }
}

static void
load_users (PzAdminView *self)
{
  pz_api_list_users_async (self->ctx->client, self->ctx->cancellable, call_done, call (self, NULL, users_loaded, NULL, NULL));
}

/* Office profile */

static void
logo_fetched (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  PzAdminView *self = data;
  g_autoptr(GBytes) bytes = pz_api_get_logo_finish (PZ_CLIENT (source), result, NULL);
  g_autoptr(GdkTexture) texture = bytes ? gdk_texture_new_from_bytes (bytes, NULL) : NULL;

  self->ctx->busy--;
  gtk_picture_set_paintable (self->logo, GDK_PAINTABLE (texture));
  g_object_unref (self);
}

static gboolean
url_is_loopback (const char *url)
{
  g_autoptr(GUri) uri = url && *url ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *host = uri ? g_uri_get_host (uri) : NULL;

  if (host == NULL)
    return url == NULL || *url == '\0';
  return g_ascii_strcasecmp (host, "localhost") == 0 || g_str_has_prefix (host, "127.") ||
         g_str_equal (host, "::1") || g_str_equal (host, "[::1]") || g_str_equal (host, "0.0.0.0");
}

/* QR codes on receipts and permits point at the public address; one that
 * only this machine can reach makes every code useless to the citizen. */
static void
update_public_url_warning (PzAdminView *self)
{
  guint row = G_N_ELEMENTS (office_members) - 1;
  const char *text = entry_text (self->office_rows[row]);
  const char *configured = self->office ? pz_json_get_string (self->office, "public_url_configured") : NULL;

  /* empty: the server's configured address is used */
  gtk_widget_set_visible (self->public_url_warning, url_is_loopback (*text ? text : configured));
}

static void
office_loaded (PzAdminView *self,
               JsonNode    *node,
               gpointer     data)
{
  JsonObject *cert;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return;
  g_clear_pointer (&self->office, json_object_unref);
  self->office = json_object_ref (json_node_get_object (node));
  for (guint i = 0; i < G_N_ELEMENTS (office_members); i++)
    gtk_editable_set_text (GTK_EDITABLE (self->office_rows[i]),
                           pz_json_get_string (self->office, office_members[i]) ? pz_json_get_string (self->office, office_members[i]) : "");
  pz_admin_calendar_page_show_office (self->calendar, self->office);
  update_public_url_warning (self);

  cert = json_object_get_member (self->office, "signing_certificate") &&
         JSON_NODE_HOLDS_OBJECT (json_object_get_member (self->office, "signing_certificate"))
         ? json_object_get_object_member (self->office, "signing_certificate") : NULL;
  if (cert)
    {
      g_autofree char *until = pz_format_local_time (pz_json_get_string (cert, "not_after"));
      gint64 days = json_object_get_int_member_with_default (cert, "days_left", 0);
      /* Translators: the end of the signing certificate, and the days left */
      g_autofree char *until_text = g_strdup_printf (ngettext ("%s (%lld day left)", "%s (%lld days left)",
                                                                  (gulong) days), until, (long long) days);

      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->certificate_subject), pz_json_get_string (cert, "subject"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->certificate_until), until_text);
      if (json_object_get_boolean_member_with_default (cert, "expired", FALSE))
        {
          gtk_label_set_text (GTK_LABEL (self->certificate_warning),
                              _("The signing certificate has expired: permits cannot be signed electronically "
                                "until a new one is installed."));
          gtk_widget_set_visible (self->certificate_warning, TRUE);
        }
      else if (json_object_get_boolean_member_with_default (cert, "expiring_soon", FALSE))
        {
          g_autofree char *text = g_strdup_printf (g_dngettext (NULL,
                                                   "The signing certificate ends in %lld day. Ask the certificate "
                                                   "authority (BSrE) for the new one and install it here.",
                                                   "The signing certificate ends in %lld days. Ask the certificate "
                                                   "authority (BSrE) for the new one and install it here.",
                                                   (gulong) days), (long long) days);
          gtk_label_set_text (GTK_LABEL (self->certificate_warning), text);
          gtk_widget_set_visible (self->certificate_warning, TRUE);
        }
      else
        gtk_widget_set_visible (self->certificate_warning, FALSE);
    }
  else
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->certificate_subject),
                                   _("Not known yet: it is read when the key is installed or first used"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->certificate_until), "—");
      gtk_widget_set_visible (self->certificate_warning, FALSE);
    }

  gtk_widget_set_visible (self->logo_remove, json_object_get_boolean_member_with_default (self->office, "has_logo", FALSE));
  if (json_object_get_boolean_member_with_default (self->office, "has_logo", FALSE))
    {
      self->ctx->busy++;
      pz_api_get_logo_async (self->ctx->client, self->ctx->cancellable, logo_fetched, g_object_ref (self));
    }
  else
    gtk_picture_set_paintable (self->logo, NULL);
}

static void
load_office (PzAdminView *self)
{
  pz_api_get_office_async (self->ctx->client, self->ctx->cancellable, call_done, call (self, NULL, office_loaded, NULL, NULL));
}

static void
office_saved (PzAdminView *self,
              JsonNode    *node,
              gpointer     data)
{
  office_loaded (self, node, NULL);
  pz_toast (GTK_WIDGET (self), _("Office profile saved; new documents use it"));
}

static void
save_office_clicked (PzAdminView *self)
{
  g_autoptr(JsonObject) obj = json_object_new ();

  for (guint i = 0; i < G_N_ELEMENTS (office_members); i++)
    {
      const char *text = entry_text (self->office_rows[i]);

      if (g_str_equal (office_members[i], "public_base_url") && *text == '\0')
        json_object_set_null_member (obj, office_members[i]);
      else
        json_object_set_string_member (obj, office_members[i], text);
    }
  pz_api_update_office_async (self->ctx->client, obj, self->ctx->cancellable, call_done,
                              call (self, NULL, office_saved, NULL, NULL));
}

static void
logo_uploaded (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  PzAdminView *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = pz_api_set_logo_finish (PZ_CLIENT (source), result, &error);

  self->ctx->busy--;
  if (node)
    {
      pz_toast (GTK_WIDGET (self), _("Emblem saved; new documents carry it"));
      load_office (self);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    pz_toast (GTK_WIDGET (self), error->message);
  g_object_unref (self);
}

/* Sends @png as the office emblem. */
static void
upload_logo (PzAdminView *self,
             GBytes      *png)
{
  self->ctx->busy++;
  pz_api_set_logo_async (self->ctx->client, png, self->ctx->cancellable, logo_uploaded, g_object_ref (self));
}

static void
logo_chosen (GtkNativeDialog *chooser,
             int              response,
             PzAdminView     *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autoptr(GBytes) bytes = g_file_load_bytes (file, NULL, NULL, NULL);

      if (bytes)
        upload_logo (self, bytes);
    }
  g_object_unref (chooser);
}

static void
choose_logo_clicked (PzAdminView *self)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Choose the Office Emblem"),
                                                               GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), NULL);
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("PNG pictures"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_unref (filter);
  g_signal_connect (chooser, "response", G_CALLBACK (logo_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
logo_removed (PzAdminView *self,
              JsonNode    *node,
              gpointer     data)
{
  load_office (self);
}

static void
remove_logo_clicked (PzAdminView *self)
{
  pz_api_remove_logo_async (self->ctx->client, self->ctx->cancellable, call_done, call (self, NULL, logo_removed, NULL, NULL));
}

static void
certificate_installed (PzAdminView *self,
                       JsonNode    *node,
                       gpointer     data)
{
  office_loaded (self, node, NULL);
  pz_toast (GTK_WIDGET (self), _("Signing certificate installed; the Kadis signs with its passphrase from now on"));
}

typedef struct {
  PzAdminView *self;
  GBytes      *p12;
  GtkWidget   *passphrase;
  GtkWidget   *current;
} KeyInstall;

static void
key_install_free (gpointer data)
{
  KeyInstall *k = data;

  g_bytes_unref (k->p12);
  g_object_unref (k->self);
  g_free (k);
}

static void
passphrase_response (AdwMessageDialog *dialog,
                     const char       *response,
                     KeyInstall       *k)
{
  if (g_strcmp0 (response, "install") != 0)
    return;
  pz_api_install_certificate_async (k->self->ctx->client, k->p12, entry_text (k->passphrase),
                                    k->current ? entry_text (k->current) : NULL, k->self->ctx->cancellable, call_done,
                                    call (k->self, NULL, certificate_installed, NULL, NULL));
}

/* Asks the passphrase of a PKCS#12 file, then sends both. */
static void
ask_passphrase (PzAdminView *self,
                GBytes      *p12)
{
  KeyInstall *k = g_new0 (KeyInstall, 1);
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (
    GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), _("Install Signing Certificate?"),
    _("Type the passphrase of the file. The Kadis types the same passphrase to sign each permit; "
      "it is not stored.")));
  GtkWidget *list = GTK_WIDGET (boxed_list ());

  k->self = g_object_ref (self);
  k->p12 = g_bytes_ref (p12);
  k->passphrase = adw_password_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (k->passphrase), _("Passphrase"));
  gtk_list_box_append (GTK_LIST_BOX (list), k->passphrase);
  /* a key in place is replaced only with the Kadis's consent */
  if (self->office && json_object_get_member (self->office, "signing_certificate") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (self->office, "signing_certificate")))
    {
      adw_message_dialog_set_body (dialog,
                                   _("Type the passphrase of the file. The Kadis (or the acting Kadis) confirms "
                                     "the replacement by typing the passphrase of the current key. Neither is stored."));
      k->current = adw_password_entry_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (k->current), _("Current Key's Passphrase (Kadis)"));
      gtk_list_box_append (GTK_LIST_BOX (list), k->current);
    }
  adw_message_dialog_set_extra_child (dialog, list);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "install", _("_Install"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "install", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "install");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "key-install", k, key_install_free);
  g_signal_connect (dialog, "response", G_CALLBACK (passphrase_response), k);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
certificate_chosen (GtkNativeDialog *chooser,
                    int              response,
                    PzAdminView     *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = g_file_load_bytes (file, NULL, NULL, &error);

      if (bytes)
        ask_passphrase (self, bytes);
      else
        pz_toast (GTK_WIDGET (self), error->message);
    }
  g_object_unref (chooser);
}

static void
install_certificate_clicked (PzAdminView *self)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Choose the Signing Certificate"),
                                                               GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), NULL);
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("PKCS#12 files (.p12, .pfx)"));
  gtk_file_filter_add_pattern (filter, "*.p12");
  gtk_file_filter_add_pattern (filter, "*.pfx");
  gtk_file_filter_add_mime_type (filter, "application/x-pkcs12");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_unref (filter);
  g_signal_connect (chooser, "response", G_CALLBACK (certificate_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Permit types */

static void load_types (PzAdminView *self);

typedef struct {
  PzAdminView *self;
  Dialog       d;
  JsonObject  *type;          /* a copy being edited; NULL for a new one */
  GtkWidget   *code;
  GtkWidget   *name;
  GtkWidget   *service_days;
  GtkWidget   *validity;
  GtkWidget   *number_format;
  GtkWidget   *number_preview;
  GtkWidget   *survey;
  GtkWidget   *signing;
  GtkWidget   *request_rows[3];
  GtkListBox  *requirements_list;
  JsonArray   *requirements;
  GtkWidget   *new_code;
  GtkWidget   *new_title;
  GtkWidget   *new_mandatory;
  GtkWidget   *new_for[3];     /* the request types a new requirement is for */
  GtkListBox  *fields_list;
  JsonArray   *fields;
  GtkWidget   *field_name;
  GtkWidget   *field_label;
  GtkWidget   *field_type;
  GtkWidget   *field_required;
} TypeDialog;

static const char * const field_types[] = { "text", "textarea", "number", "date", NULL };

static void
type_dialog_free (gpointer data)
{
  TypeDialog *t = data;

  g_clear_pointer (&t->type, json_object_unref);
  g_clear_pointer (&t->requirements, json_array_unref);
  g_clear_pointer (&t->fields, json_array_unref);
  g_object_unref (t->self);
  g_free (t);
}

static void fill_requirements (TypeDialog *t);


static const char *
field_type_title (const char *type)
{
  if (g_strcmp0 (type, "textarea") == 0)
    return _("Long text");
  if (g_strcmp0 (type, "number") == 0)
    return _("Number");
  if (g_strcmp0 (type, "date") == 0)
    return _("Date");
  return _("Text");
}

static void fill_fields (TypeDialog *t);

static void
remove_field_clicked (GtkButton  *button,
                      TypeDialog *t)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "index"));

  if (index < json_array_get_length (t->fields))
    json_array_remove_element (t->fields, index);
  fill_fields (t);
}

static void
fill_fields (TypeDialog *t)
{
  clear_list (t->fields_list);
  for (guint i = 0; i < json_array_get_length (t->fields); i++)
    {
      JsonObject *f = json_array_get_object_element (t->fields, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
      /* Translators: a permit field: name · type · required or not */
      g_autofree char *subtitle = g_strdup_printf ("%s · %s · %s", pz_json_get_string (f, "name"),
                                                   field_type_title (pz_json_get_string (f, "type")),
                                                   json_object_get_boolean_member_with_default (f, "required", TRUE)
                                                   ? _("required") : _("optional"));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), pz_json_get_string (f, "label"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (remove, "flat");
      gtk_widget_set_tooltip_text (remove, _("Remove this field"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Remove this field"), -1);
      g_object_set_data (G_OBJECT (remove), "index", GUINT_TO_POINTER (i));
      g_signal_connect (remove, "clicked", G_CALLBACK (remove_field_clicked), t);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
      gtk_list_box_append (t->fields_list, row);
    }
}

static void
add_field_clicked (TypeDialog *t)
{
  JsonObject *f = json_object_new ();
  guint type = adw_combo_row_get_selected (ADW_COMBO_ROW (t->field_type));

  json_object_set_string_member (f, "name", entry_text (t->field_name));
  json_object_set_string_member (f, "label", entry_text (t->field_label));
  json_object_set_string_member (f, "type", field_types[MIN (type, 3)]);
  json_object_set_boolean_member (f, "required", switch_row_active (t->field_required));
  json_array_add_object_element (t->fields, f);
  gtk_editable_set_text (GTK_EDITABLE (t->field_name), "");
  gtk_editable_set_text (GTK_EDITABLE (t->field_label), "");
  fill_fields (t);
}

static void
mandatory_toggled (GtkSwitch  *sw,
                   GParamSpec *pspec,
                   JsonObject *requirement)
{
  json_object_set_boolean_member (requirement, "mandatory", gtk_switch_get_active (sw));
}

static void
remove_requirement_clicked (GtkButton  *button,
                            TypeDialog *t)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "index"));

  if (index < json_array_get_length (t->requirements))
    json_array_remove_element (t->requirements, index);
  fill_requirements (t);
}

static void
fill_requirements (TypeDialog *t)
{
  clear_list (t->requirements_list);
  for (guint i = 0; i < json_array_get_length (t->requirements); i++)
    {
      JsonObject *r = json_array_get_object_element (t->requirements, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *sw = gtk_switch_new ();
      GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");

      JsonArray *for_types = json_object_has_member (r, "request_types")
                             ? json_object_get_array_member (r, "request_types") : NULL;
      GString *subtitle = g_string_new (pz_json_get_string (r, "code"));

      for (guint k = 0; for_types && k < json_array_get_length (for_types); k++)
        g_string_append_printf (subtitle, "%s%s", k ? ", " : " · ", pz_request_type_title (json_array_get_string_element (for_types, k)));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), pz_json_get_string (r, "title"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
      g_string_free (subtitle, TRUE);
      gtk_switch_set_active (GTK_SWITCH (sw), json_object_get_boolean_member_with_default (r, "mandatory", TRUE));
      gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (sw, _("Mandatory"));
      g_signal_connect (sw, "notify::active", G_CALLBACK (mandatory_toggled), r);
      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (remove, "flat");
      gtk_widget_set_tooltip_text (remove, _("Remove this requirement"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Remove this requirement"), -1);
      g_object_set_data (G_OBJECT (remove), "index", GUINT_TO_POINTER (i));
      g_signal_connect (remove, "clicked", G_CALLBACK (remove_requirement_clicked), t);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), sw);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
      gtk_list_box_append (t->requirements_list, row);
    }
}

static void
add_requirement_clicked (TypeDialog *t)
{
  JsonObject *r = json_object_new ();

  json_object_set_string_member (r, "code", entry_text (t->new_code));
  json_object_set_string_member (r, "title", entry_text (t->new_title));
  json_object_set_boolean_member (r, "mandatory", switch_row_active (t->new_mandatory));
  {
    JsonArray *for_types = json_array_new ();

    for (guint i = 0; pz_request_types[i]; i++)
      if (switch_row_active (t->new_for[i]))
        json_array_add_string_element (for_types, pz_request_types[i]);
    json_object_set_array_member (r, "request_types", for_types);
  }
  json_array_add_object_element (t->requirements, r);
  gtk_editable_set_text (GTK_EDITABLE (t->new_code), "");
  gtk_editable_set_text (GTK_EDITABLE (t->new_title), "");
  fill_requirements (t);
}

static void
type_saved (PzAdminView *self,
            JsonNode    *node,
            gpointer     data)
{
  GtkWidget *window = data;
  JsonObject *type = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  /* Translators: a permit type was saved as an edition */
  g_autofree char *text = g_strdup_printf (_("Saved as edition %lld; files registered before keep theirs"),
                                           (long long) (type ? json_object_get_int_member_with_default (type, "version", 0) : 0));

  pz_toast (GTK_WIDGET (self), text);
  gtk_window_destroy (GTK_WINDOW (window));
  load_types (self);
}

static gint64
number_of (GtkWidget *row)
{
  gint64 n = 0;

  if (!g_ascii_string_to_signed (entry_text (row), 10, 0, G_MAXINT32, &n, NULL))
    return -1;
  return n;
}

static void
type_save_clicked (TypeDialog *t)
{
  g_autoptr(JsonObject) obj = t->type ? json_object_ref (t->type) : json_object_new ();
  const char *code = t->type ? pz_json_get_string (t->type, "code") : entry_text (t->code);
  JsonArray *types = json_array_new ();

  if (json_object_has_member (obj, "version"))
    json_object_remove_member (obj, "version");
  if (json_object_has_member (obj, "next_sequence"))
    json_object_remove_member (obj, "next_sequence");
  json_object_set_string_member (obj, "name", entry_text (t->name));
  json_object_set_int_member (obj, "service_days", number_of (t->service_days));
  json_object_set_int_member (obj, "validity_months", number_of (t->validity));
  json_object_set_string_member (obj, "number_format", entry_text (t->number_format));
  json_object_set_boolean_member (obj, "survey", switch_row_active (t->survey));
  json_object_set_string_member (obj, "signing",
                                 adw_combo_row_get_selected (ADW_COMBO_ROW (t->signing)) ? "wet" : "electronic");
  for (guint i = 0; pz_request_types[i]; i++)
    if (switch_row_active (t->request_rows[i]))
      json_array_add_string_element (types, pz_request_types[i]);
  json_object_set_array_member (obj, "request_types", types);
  json_object_set_array_member (obj, "requirements", json_array_ref (t->requirements));
  json_object_set_array_member (obj, "fields", json_array_ref (t->fields));
  pz_api_save_permit_type_async (t->self->ctx->client, code, obj, t->self->ctx->cancellable, call_done,
                                 call (t->self, t->d.error, type_saved, g_object_ref (t->d.window), g_object_unref));
}

/* The number the next permit of this type would get with the format as
 * typed, or why the format cannot be used. */
static void
update_number_preview (TypeDialog *t)
{
  const char *format = entry_text (t->number_format);
  const char *code = t->type ? pz_json_get_string (t->type, "code") : entry_text (t->code);
  gint64 next = t->type ? json_object_get_int_member_with_default (t->type, "next_sequence", 1) : 1;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *number = NULL;

  if (!pz_number_format_is_valid (format, &error))
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (t->number_preview), error->message);
      gtk_widget_add_css_class (t->number_preview, "error");
      return;
    }
  number = pz_format_number (format, code && *code ? code : "KODE",
                             next > 0 ? (guint64) next : 1, now);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (t->number_preview), number);
  gtk_widget_remove_css_class (t->number_preview, "error");
}

static void
open_type_dialog (PzAdminView *self,
                  JsonObject  *type)
{
  TypeDialog *t = g_new0 (TypeDialog, 1);
  GtkWidget *group, *add;
  const char *signings[] = { _("Electronic (certificate)"), _("Wet (signed on paper, then scanned)"), NULL };
  JsonArray *rt = type ? json_object_get_array_member (type, "request_types") : NULL;
  g_autofree char *validity = NULL;
  g_autofree char *days = NULL;

  t->self = g_object_ref (self);
  if (type)
    {
      /* a deep copy: edits stay here until saved */
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
      g_autofree char *text = NULL;
      g_autoptr(JsonNode) copy = NULL;

      json_node_set_object (node, type);
      text = json_to_string (node, FALSE);
      copy = json_from_string (text, NULL);
      t->type = json_object_ref (json_node_get_object (copy));
    }
  t->requirements = t->type && json_object_has_member (t->type, "requirements")
                    ? json_array_ref (json_object_get_array_member (t->type, "requirements")) : json_array_new ();
  t->fields = t->type && json_object_has_member (t->type, "fields")
              ? json_array_ref (json_object_get_array_member (t->type, "fields")) : json_array_new ();
  dialog_new (&t->d, GTK_WIDGET (self), type ? pz_json_get_string (type, "name") : _("New Permit Type"), _("_Save"));
  g_object_set_data_full (G_OBJECT (t->d.window), "type-dialog", t, type_dialog_free);

  group = group_new (t->d.page, _("Permit Type"),
                     type ? _("A change makes a new edition: files already registered keep the one they started with")
                          : NULL);
  if (type == NULL)
    t->code = entry_row (group, _("Code (letters, digits, -)"), NULL);
  t->name = entry_row (group, _("Name"), pz_json_get_string (type, "name"));
  days = g_strdup_printf ("%lld", (long long) (type ? json_object_get_int_member_with_default (type, "service_days", 0) : 5));
  t->service_days = entry_row (group, _("Service Standard (working days)"), days);
  validity = g_strdup_printf ("%lld", (long long) (type ? json_object_get_int_member_with_default (type, "validity_months", 0) : 0));
  t->validity = entry_row (group, _("Validity (months, 0 for no end)"), validity);
  t->number_format = entry_row (group, _("Number Format"),
                                type ? pz_json_get_string (type, "number_format") : "{seq:04}/{code}/{year}");
  gtk_widget_set_tooltip_text (t->number_format,
                               _("Tokens: {seq}, {seq:04} (zero-padded), {year}, {month}, {month_roman}, {code}"));
  t->number_preview = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (t->number_preview), _("Next Number"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), t->number_preview);
  g_signal_connect_swapped (t->number_format, "changed", G_CALLBACK (update_number_preview), t);
  if (t->code)
    g_signal_connect_swapped (t->code, "changed", G_CALLBACK (update_number_preview), t);
  update_number_preview (t);
  t->survey = switch_row (group, _("Technical Survey"), _("The technical team inspects the site (BAP)"),
                          type ? json_object_get_boolean_member_with_default (type, "survey", FALSE) : FALSE);
  t->signing = combo_row (group, _("Signing"), signings,
                          g_strcmp0 (pz_json_get_string (type, "signing"), "wet") == 0 ? 1 : 0);

  group = group_new (t->d.page, _("Request Types"), NULL);
  {
    for (guint i = 0; pz_request_types[i]; i++)
      {
        gboolean on = rt == NULL && i == 0;

        for (guint j = 0; rt && j < json_array_get_length (rt); j++)
          on |= g_strcmp0 (json_array_get_string_element (rt, j), pz_request_types[i]) == 0;
        t->request_rows[i] = switch_row (group, pz_request_type_title (pz_request_types[i]), NULL, on);
      }
  }

  group = group_new (t->d.page, _("Requirements"), _("The documents the applicant brings; the switch makes one mandatory"));
  t->requirements_list = boxed_list ();
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (t->requirements_list));
  fill_requirements (t);

  group = group_new (t->d.page, _("New Requirement"), NULL);
  t->new_code = entry_row (group, _("Code (letters, digits, _)"), NULL);
  t->new_title = entry_row (group, _("Title"), NULL);
  t->new_mandatory = switch_row (group, _("Mandatory"), NULL, TRUE);
  for (guint i = 0; pz_request_types[i]; i++)
    {
      /* Translators: a new requirement applies to this request type */
      g_autofree char *title = g_strdup_printf (_("For “%s” requests"), pz_request_type_title (pz_request_types[i]));
      t->new_for[i] = switch_row (group, title, NULL, TRUE);
    }
  add = button_new (_("_Add Requirement"), FALSE);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), add);
  g_signal_connect_swapped (add, "clicked", G_CALLBACK (add_requirement_clicked), t);

  group = group_new (t->d.page, _("Permit Fields"), _("What the back office fills in and the permit prints"));
  t->fields_list = boxed_list ();
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (t->fields_list));
  fill_fields (t);
  group = group_new (t->d.page, _("New Field"), NULL);
  t->field_name = entry_row (group, _("Name (letters, digits, _)"), NULL);
  t->field_label = entry_row (group, _("Label"), NULL);
  {
    const char *types[] = { _("Text"), _("Long text"), _("Number"), _("Date"), NULL };
    t->field_type = combo_row (group, _("Type"), types, 0);
  }
  t->field_required = switch_row (group, _("Required"), NULL, TRUE);
  add = button_new (_("Add _Field"), FALSE);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), add);
  g_signal_connect_swapped (add, "clicked", G_CALLBACK (add_field_clicked), t);

  g_signal_connect_swapped (t->d.save, "clicked", G_CALLBACK (type_save_clicked), t);
  gtk_window_present (GTK_WINDOW (t->d.window));
}

static void
type_row_activated (AdwActionRow *row,
                    PzAdminView  *self)
{
  open_type_dialog (self, g_object_get_data (G_OBJECT (row), "type"));
}

static void
types_loaded (PzAdminView *self,
              JsonNode    *node,
              gpointer     data)
{
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return;
  g_clear_pointer (&self->types, json_array_unref);
  self->types = json_array_ref (json_node_get_array (node));
  clear_list (self->types_list);
  for (guint i = 0; i < json_array_get_length (self->types); i++)
    {
      JsonObject *type = json_array_get_object_element (self->types, i);
      GtkWidget *row = adw_action_row_new ();
      gint64 days = json_object_get_int_member_with_default (type, "service_days", 0);
      /* Translators: code · edition · service standard */
      g_autofree char *subtitle = g_strdup_printf (ngettext ("%s · edition %lld · %lld working day",
                                                                "%s · edition %lld · %lld working days", (gulong) days),
                                                   pz_json_get_string (type, "code"),
                                                   (long long) json_object_get_int_member_with_default (type, "version", 1),
                                                   (long long) days);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), pz_json_get_string (type, "name"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "type", json_object_ref (type), (GDestroyNotify) json_object_unref);
      g_signal_connect (row, "activated", G_CALLBACK (type_row_activated), self);
      gtk_list_box_append (self->types_list, row);
    }
}

static void
load_types (PzAdminView *self)
{
  pz_api_list_permit_types_async (self->ctx->client, self->ctx->cancellable, call_done,
                                  call (self, NULL, types_loaded, NULL, NULL));
}

/* Building the pages */

static GtkWidget *
add_page (PzAdminView *self,
          const char  *name,
          const char  *title,
          const char  *icon)
{
  GtkWidget *page = adw_preferences_page_new ();

  adw_view_stack_add_titled_with_icon (self->stack, page, name, title, icon);
  return page;
}

static void
new_user_clicked (PzAdminView *self)
{
  open_user_dialog (self, NULL);
}

static void
new_type_clicked (PzAdminView *self)
{
  open_type_dialog (self, NULL);
}

static void
build_users_page (PzAdminView *self)
{
  GtkWidget *page = add_page (self, "users", _("Users"), "system-users-symbolic");
  GtkWidget *group = group_new (page, _("Users"), _("Nobody is deleted: a deactivated user keeps their name in the history"));
  GtkWidget *add = button_new (_("_Add User…"), TRUE);

  self->users_list = boxed_list ();
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->users_list));
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), add);
  g_signal_connect_swapped (add, "clicked", G_CALLBACK (new_user_clicked), self);
}

static void
build_office_page (PzAdminView *self)
{
  GtkWidget *page = add_page (self, "office", _("Office"), "user-home-symbolic");
  const char *titles[] = {
    _("Office Name"), _("Address"), _("City"), _("Head of Office (Kadis)"), _("Kadis NIP"),
    _("Public Address (for QR codes)")
  };
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *save = button_new (_("_Save Profile"), TRUE);
  GtkWidget *choose, *install, *frame;

  G_STATIC_ASSERT (G_N_ELEMENTS (titles) == G_N_ELEMENTS (office_members));
  self->certificate_warning = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->certificate_warning), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->certificate_warning), 0);
  gtk_widget_add_css_class (self->certificate_warning, "pz-warning");
  gtk_widget_set_visible (self->certificate_warning, FALSE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->certificate_warning);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  group = group_new (page, _("Office Profile"), _("Printed on every document made from now on"));
  for (guint i = 0; i < G_N_ELEMENTS (office_members); i++)
    self->office_rows[i] = entry_row (group, titles[i], NULL);
  self->public_url_warning =
    gtk_label_new (_("Every QR code would point at this server’s local address, which no citizen can open. "
                     "Enter the address the public reaches this server at, e.g. https://izin.example.go.id"));
  gtk_label_set_wrap (GTK_LABEL (self->public_url_warning), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->public_url_warning), 0);
  gtk_widget_add_css_class (self->public_url_warning, "pz-warning");
  gtk_widget_set_visible (self->public_url_warning, FALSE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->public_url_warning);
  g_signal_connect_swapped (self->office_rows[G_N_ELEMENTS (office_members) - 1], "changed",
                            G_CALLBACK (update_public_url_warning), self);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), save);
  g_signal_connect_swapped (save, "clicked", G_CALLBACK (save_office_clicked), self);

  group = group_new (page, _("Emblem"), _("A PNG picture for the letterhead"));
  {
    GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

    self->logo = GTK_PICTURE (gtk_picture_new ());
    gtk_widget_set_size_request (GTK_WIDGET (self->logo), 72, 90);
    frame = gtk_frame_new (NULL);
    gtk_frame_set_child (GTK_FRAME (frame), GTK_WIDGET (self->logo));
    gtk_box_append (GTK_BOX (box), frame);
    choose = button_new (_("_Choose Emblem…"), FALSE);
    g_signal_connect_swapped (choose, "clicked", G_CALLBACK (choose_logo_clicked), self);
    gtk_box_append (GTK_BOX (box), choose);
    self->logo_remove = button_new (_("_Remove"), FALSE);
    gtk_widget_add_css_class (self->logo_remove, "destructive-action");
    g_signal_connect_swapped (self->logo_remove, "clicked", G_CALLBACK (remove_logo_clicked), self);
    gtk_box_append (GTK_BOX (box), self->logo_remove);
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), box);
  }

  group = group_new (page, _("Signing Certificate"), _("The office's key for electronic signatures (PKCS#12 from BSrE)"));
  self->certificate_subject = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->certificate_subject), _("Issued To"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->certificate_subject);
  self->certificate_until = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->certificate_until), _("Valid Until"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->certificate_until);
  install = button_new (_("_Install Certificate…"), FALSE);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), install);
  g_signal_connect_swapped (install, "clicked", G_CALLBACK (install_certificate_clicked), self);
}

static void
build_types_page (PzAdminView *self)
{
  GtkWidget *page = add_page (self, "types", _("Permit Types"), "view-list-symbolic");
  GtkWidget *group = group_new (page, _("Permit Types"), _("Requirements, signing and the service standard of each permit"));
  GtkWidget *add = button_new (_("_New Permit Type…"), FALSE);

  self->types_list = boxed_list ();
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->types_list));
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), add);
  g_signal_connect_swapped (add, "clicked", G_CALLBACK (new_type_clicked), self);
}

static void
office_changed (PzAdminView *self,
                JsonObject  *office)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, office);
  office_loaded (self, node, NULL);
}

static void
page_changed (PzAdminView *self)
{
  const char *name = adw_view_stack_get_visible_child_name (self->stack);

  /* the log moves on while one works elsewhere */
  if (g_strcmp0 (name, "audit") == 0 && self->ctx && pz_client_get_token (self->ctx->client))
    pz_admin_audit_page_reload (self->audit);
}

static void
pz_admin_view_dispose (GObject *object)
{
  PzAdminView *self = PZ_ADMIN_VIEW (object);

  if (self->ctx)
    g_cancellable_cancel (self->ctx->cancellable);
  g_clear_pointer (&self->users, json_array_unref);
  g_clear_pointer (&self->types, json_array_unref);
  g_clear_pointer (&self->office, json_object_unref);
  G_OBJECT_CLASS (pz_admin_view_parent_class)->dispose (object);
}

static void
pz_admin_view_finalize (GObject *object)
{
  PzAdminView *self = PZ_ADMIN_VIEW (object);

  g_clear_pointer (&self->ctx, pz_admin_context_unref);
  G_OBJECT_CLASS (pz_admin_view_parent_class)->finalize (object);
}

static void
pz_admin_view_class_init (PzAdminViewClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pz_admin_view_dispose;
  G_OBJECT_CLASS (klass)->finalize = pz_admin_view_finalize;
}

static void
pz_admin_view_init (PzAdminView *self)
{
  GtkWidget *switcher = adw_view_switcher_new ();

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  self->stack = ADW_VIEW_STACK (adw_view_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);
  adw_view_switcher_set_stack (ADW_VIEW_SWITCHER (switcher), self->stack);
  adw_view_switcher_set_policy (ADW_VIEW_SWITCHER (switcher), ADW_VIEW_SWITCHER_POLICY_WIDE);
  gtk_widget_set_halign (switcher, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_top (switcher, 6);
  gtk_widget_set_margin_bottom (switcher, 6);
  gtk_box_append (GTK_BOX (self), switcher);
  gtk_box_append (GTK_BOX (self), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->stack));
  build_users_page (self);
  self->calendar = g_object_new (PZ_TYPE_ADMIN_CALENDAR_PAGE, NULL);
  adw_view_stack_add_titled_with_icon (self->stack, GTK_WIDGET (self->calendar), "calendar", _("Calendar"),
                                       "x-office-calendar-symbolic");
  g_signal_connect_swapped (self->calendar, "office-changed", G_CALLBACK (office_changed), self);
  build_office_page (self);
  build_types_page (self);
  self->audit = g_object_new (PZ_TYPE_ADMIN_AUDIT_PAGE, NULL);
  adw_view_stack_add_titled_with_icon (self->stack, GTK_WIDGET (self->audit), "audit", _("Audit Log"),
                                       "document-open-recent-symbolic");
  g_signal_connect_swapped (self->stack, "notify::visible-child", G_CALLBACK (page_changed), self);
}

GtkWidget *
pz_admin_view_new (PzClient *client)
{
  PzAdminView *self = g_object_new (PZ_TYPE_ADMIN_VIEW, NULL);

  self->ctx = pz_admin_context_new (client);
  pz_admin_audit_page_set_context (self->audit, self->ctx);
  pz_admin_calendar_page_set_context (self->calendar, self->ctx);
  return GTK_WIDGET (self);
}

/**
 * pz_admin_view_reload:
 *
 * Reads everything the pages show from the server again.
 */
void
pz_admin_view_reload (PzAdminView *self)
{
  load_users (self);
  pz_admin_calendar_page_reload (self->calendar);
  load_office (self);
  load_types (self);
  pz_admin_audit_page_reload (self->audit);
}

gboolean
pz_admin_view_is_busy (PzAdminView *self)
{
  return self->ctx->busy > 0;
}

void
pz_admin_view_show_page (PzAdminView *self,
                         const char  *name)
{
  adw_view_stack_set_visible_child_name (self->stack, name);
}

JsonArray *
pz_admin_view_get_users (PzAdminView *self)
{
  return self->users;
}

JsonObject *
pz_admin_view_get_office (PzAdminView *self)
{
  return self->office;
}

GtkWidget *
pz_admin_view_get_certificate_warning (PzAdminView *self)
{
  return self->certificate_warning;
}
