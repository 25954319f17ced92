/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-login-page"

#include "config.h"

#include "pz-login-page.h"
#include "pz-widgets.h"

/* The login page: the server's address, a username and a password. What
 * logging in does is the window's, told by the signals; the page shows
 * what the window says back. */
struct _PzLoginPage
{
  GtkWidget            parent_instance;

  AdwStatusPage       *status_page;
  AdwEntryRow         *username_row;
  AdwPasswordEntryRow *password_row;
  GtkLabel            *error_label;
};

G_DEFINE_FINAL_TYPE (PzLoginPage, pz_login_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SERVER,
  PROP_USERNAME,
  N_PROPS
};

enum {
  LOG_IN,
  CHANGE_SERVER,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
log_in_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  g_signal_emit (widget, signals[LOG_IN], 0);
}

static void
change_server_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  g_signal_emit (widget, signals[CHANGE_SERVER], 0);
}

static void
entry_activated (PzLoginPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "login.log-in", NULL);
}

static void
username_changed (PzLoginPage *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USERNAME]);
}

static void
pz_login_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), PZ_TYPE_LOGIN_PAGE);
  G_OBJECT_CLASS (pz_login_page_parent_class)->dispose (object);
}

static void
pz_login_page_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  PzLoginPage *self = PZ_LOGIN_PAGE (object);

  switch (prop_id)
    {
    case PROP_SERVER:
      g_value_set_string (value, pz_login_page_get_server (self));
      break;
    case PROP_USERNAME:
      g_value_set_string (value, pz_login_page_get_username (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pz_login_page_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  PzLoginPage *self = PZ_LOGIN_PAGE (object);

  switch (prop_id)
    {
    case PROP_SERVER:
      pz_login_page_set_server (self, g_value_get_string (value));
      break;
    case PROP_USERNAME:
      pz_login_page_set_username (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pz_login_page_class_init (PzLoginPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pz_login_page_dispose;
  object_class->get_property = pz_login_page_get_property;
  object_class->set_property = pz_login_page_set_property;

  /**
   * PzLoginPage:server:
   *
   * The address of the server, shown under the title.
   */
  properties[PROP_SERVER] = g_param_spec_string ("server", NULL, NULL, NULL,
                                                 G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                                 G_PARAM_STATIC_STRINGS);
  /**
   * PzLoginPage:username:
   *
   * The username typed.
   */
  properties[PROP_USERNAME] = g_param_spec_string ("username", NULL, NULL, NULL,
                                                   G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                                   G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PzLoginPage::log-in:
   *
   * Log In was pressed, or Enter in a field.
   */
  signals[LOG_IN] = g_signal_new ("log-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * PzLoginPage::change-server:
   *
   * Change Server was pressed.
   */
  signals[CHANGE_SERVER] = g_signal_new ("change-server", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                         NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "login.log-in", NULL, log_in_action);
  gtk_widget_class_install_action (widget_class, "login.change-server", NULL, change_server_action);

  /* one child, the status page, given the whole page */
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/id/go/perizinan/Perizinan/pz-login-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PzLoginPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, PzLoginPage, username_row);
  gtk_widget_class_bind_template_child (widget_class, PzLoginPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, PzLoginPage, error_label);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated);
  gtk_widget_class_bind_template_callback (widget_class, username_changed);
}

static void
pz_login_page_init (PzLoginPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  pz_password_row_label_peek (self->password_row);
}

GtkWidget *
pz_login_page_new (void)
{
  return g_object_new (PZ_TYPE_LOGIN_PAGE, NULL);
}

const char *
pz_login_page_get_server (PzLoginPage *self)
{
  g_return_val_if_fail (PZ_IS_LOGIN_PAGE (self), NULL);

  return adw_status_page_get_description (self->status_page);
}

void
pz_login_page_set_server (PzLoginPage *self,
                          const char  *server)
{
  g_return_if_fail (PZ_IS_LOGIN_PAGE (self));

  if (g_strcmp0 (server, adw_status_page_get_description (self->status_page)) == 0)
    return;
  adw_status_page_set_description (self->status_page, server);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER]);
}

const char *
pz_login_page_get_username (PzLoginPage *self)
{
  g_return_val_if_fail (PZ_IS_LOGIN_PAGE (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->username_row));
}

/* The "changed" of the row notifies. */
void
pz_login_page_set_username (PzLoginPage *self,
                            const char  *username)
{
  g_return_if_fail (PZ_IS_LOGIN_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->username_row), username ? username : "");
}

const char *
pz_login_page_get_password (PzLoginPage *self)
{
  g_return_val_if_fail (PZ_IS_LOGIN_PAGE (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->password_row));
}

void
pz_login_page_clear_password (PzLoginPage *self)
{
  g_return_if_fail (PZ_IS_LOGIN_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
}

/**
 * pz_login_page_set_error:
 * @message: (nullable): what went wrong; %NULL hides the last one
 */
void
pz_login_page_set_error (PzLoginPage *self,
                         const char  *message)
{
  g_return_if_fail (PZ_IS_LOGIN_PAGE (self));

  if (message)
    gtk_label_set_text (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

/* While the window logs in, Log In cannot be pressed again. */
void
pz_login_page_set_logging_in (PzLoginPage *self,
                              gboolean     logging_in)
{
  g_return_if_fail (PZ_IS_LOGIN_PAGE (self));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "login.log-in", !logging_in);
}

/* The field to type in first: the password once the username is there. */
void
pz_login_page_focus (PzLoginPage *self)
{
  g_return_if_fail (PZ_IS_LOGIN_PAGE (self));

  if (*gtk_editable_get_text (GTK_EDITABLE (self->username_row)))
    gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->username_row));
}
