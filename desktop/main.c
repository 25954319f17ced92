/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "pz-application.h"
#include "pz-i18n.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(PzApplication) app = NULL;

  setlocale (LC_ALL, "");
  pz_bind_translations ();

  app = pz_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
