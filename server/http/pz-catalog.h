/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One language's messages of the server's gettext domain, read from its
 * compiled catalog (.mo), so that a page can be in that language whatever
 * the process locale is and whether or not the system has that locale. */
typedef struct _PzCatalog PzCatalog;

PzCatalog  *pz_catalog_new      (const char  *localedir,
                                 const char  *language,
                                 GError     **error);
const char *pz_catalog_gettext  (PzCatalog   *self,
                                 const char  *msgid);
void        pz_catalog_free     (PzCatalog   *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PzCatalog, pz_catalog_free)

G_END_DECLS
