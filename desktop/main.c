/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "pz-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(PzApplication) app = NULL;
  /* as the server does: the catalogs of a build tree, before installing */
  const char *localedir = g_getenv ("PERIZINAN_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir && *localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = pz_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
