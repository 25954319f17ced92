/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-application"

#include "config.h"

#include <glib/gi18n.h>

#include "pz-application.h"
#include "pz-window.h"

struct _PzApplication
{
  AdwApplication parent_instance;
  GSettings     *settings;
  char          *server;    /* --server: used even where settings cannot be saved */
};

G_DEFINE_FINAL_TYPE (PzApplication, pz_application, ADW_TYPE_APPLICATION)

static void
pz_application_activate (GApplication *app)
{
  PzApplication *self = PZ_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    {
      window = GTK_WINDOW (pz_window_new (ADW_APPLICATION (app), self->settings));
      if (self->server)
        pz_window_use_server (PZ_WINDOW (window), self->server);
    }
  gtk_window_present (window);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (data));
  const char *developers[] = { _("The Perizinan developers"), NULL };

  adw_show_about_window (parent,
                         "application-name", _("Perizinan"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "developer-name", _("The Perizinan developers"),
                         "developers", developers,
                         "comments", _("Permit processing for one-stop service offices"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         NULL);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       data)
{
  g_application_quit (G_APPLICATION (data));
}

/* A notification's "open": bring the window up on that file. */
static void
open_file_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       data)
{
  GtkWindow *window;

  g_application_activate (G_APPLICATION (data));
  window = gtk_application_get_active_window (GTK_APPLICATION (data));
  if (PZ_IS_WINDOW (window))
    pz_window_open_file (PZ_WINDOW (window), g_variant_get_int64 (parameter));
}

static const GActionEntry app_actions[] = {
  { "open-file", open_file_action, "x", NULL, NULL, { 0 } },
  { "about", about_action, NULL, NULL, NULL, { 0 } },
  { "quit", quit_action, NULL, NULL, NULL, { 0 } },
};

static void
pz_application_startup (GApplication *app)
{
  const char *quit_accels[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (pz_application_parent_class)->startup (app);
  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
}

static int
pz_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  PzApplication *self = PZ_APPLICATION (app);
  const char *server = NULL;

  if (g_variant_dict_lookup (options, "server", "&s", &server) && server && *server)
    {
      g_settings_set_string (self->settings, "server-url", server);
      g_free (self->server);
      self->server = g_strdup (server);
    }
  return -1;
}

static void
pz_application_finalize (GObject *object)
{
  PzApplication *self = PZ_APPLICATION (object);

  g_clear_object (&self->settings);
  g_free (self->server);
  G_OBJECT_CLASS (pz_application_parent_class)->finalize (object);
}

static void
pz_application_class_init (PzApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = pz_application_finalize;
  app_class->activate = pz_application_activate;
  app_class->startup = pz_application_startup;
  app_class->handle_local_options = pz_application_handle_local_options;
}

static void
pz_application_init (PzApplication *self)
{
  self->settings = g_settings_new (APP_ID);
  g_application_add_main_option (G_APPLICATION (self), "server", 's', G_OPTION_FLAG_NONE,
                                 G_OPTION_ARG_STRING, _("Address of the office's Perizinan server"),
                                 _("URL"));
}

PzApplication *
pz_application_new (void)
{
  return g_object_new (PZ_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/id/go/perizinan/Perizinan",
                       NULL);
}

GSettings *
pz_application_get_settings (PzApplication *self)
{
  return self->settings;
}
