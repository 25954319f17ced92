/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "pz-i18n.h"

/**
 * pz_bind_translations:
 *
 * Reads the messages from the installed catalogue, or from the one
 * PERIZINAN_LOCALEDIR names (a build tree's `po`, as for the server), so
 * the app speaks Indonesian when run from the build tree too.
 */
void
pz_bind_translations (void)
{
  const char *dir = g_getenv ("PERIZINAN_LOCALEDIR");
  g_autofree char *absolute = dir && *dir ? g_canonicalize_filename (dir, NULL) : NULL;

  bindtextdomain (GETTEXT_PACKAGE, absolute ? absolute : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}
