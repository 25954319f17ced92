/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "perizinan-server"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "pz-server.h"

static gboolean
quit_on_signal (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PzConfig) config = pz_config_new ();
  g_autoptr(PzServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *address = NULL;
  g_autofree char *config_file = NULL;
  g_autofree char *public_url = NULL;
  gint port = -1;
  gboolean demo = FALSE;
  gboolean version = FALSE;
  GOptionEntry entries[] = {
    { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir,
      N_("Directory for the database and stored files (created if missing)"), N_("DIR") },
    { "port", 'p', 0, G_OPTION_ARG_INT, &port,
      N_("TCP port to listen on (default 8080; 0 picks a free one)"), N_("PORT") },
    { "address", 'a', 0, G_OPTION_ARG_STRING, &address,
      N_("IP address to listen on (default 127.0.0.1; 0.0.0.0 for all)"), N_("ADDRESS") },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_file,
      N_("Configuration file (a key file; options given here win over it)"), N_("FILE") },
    { "public-url", 0, 0, G_OPTION_ARG_STRING, &public_url,
      N_("Address citizens use to reach the public pages, for QR codes"), N_("URL") },
    { "demo", 0, 0, G_OPTION_ARG_NONE, &demo,
      N_("Fill an empty data directory with a demo office (users' password: demo)"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Print the version and exit"), NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("Perizinan server: the permit workflow of a one-stop "
                                           "service office, over HTTP."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (version)
    {
      g_print ("perizinan-server %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (config_file && !pz_config_load_file (config, config_file, &error))
    {
      g_printerr (_("Cannot read the configuration %s: %s\n"), config_file, error->message);
      return 2;
    }
  if (data_dir)
    {
      g_free (config->data_dir);
      config->data_dir = g_steal_pointer (&data_dir);
    }
  if (address)
    {
      g_free (config->address);
      config->address = g_steal_pointer (&address);
    }
  if (public_url)
    {
      g_free (config->public_url);
      config->public_url = g_steal_pointer (&public_url);
    }
  if (port > 65535)
    {
      g_printerr (_("The port must be between 0 and 65535\n"));
      return 2;
    }
  if (port >= 0)
    config->port = (guint) port;
  config->demo = demo;

  if (config->data_dir == NULL)
    {
      g_printerr (_("Say where the data live: --data-dir DIR (or data_dir in the configuration)\n"));
      return 2;
    }

  if (!(server = pz_server_new (config, &error)) || !pz_server_listen (server, &error))
    {
      g_printerr (_("The server cannot start: %s\n"), error->message);
      return 1;
    }
  g_print (_("Perizinan server listening on http://%s:%u/\n"), config->address,
           pz_server_get_port (server));

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_on_signal, loop);
  g_unix_signal_add (SIGTERM, quit_on_signal, loop);
  g_main_loop_run (loop);

  pz_server_shutdown (server);
  return 0;
}
