/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the suites of the signers and of the long-term validation data
 * share: a temporary folder of their own, pdfsig and the verify command
 * run there, and a signed PDF's tail read by hand, not with the code that
 * writes it. */
#pragma once

#include <glib.h>

#include "pz-signer.h"

G_BEGIN_DECLS

extern char *workdir;   /* the suite's folder, removed at the end */

void        pz_test_signing_init (int                 *argc,
                                  char              ***argv,
                                  const char          *prefix);
int         pz_test_signing_run  (void);
gboolean    run                  (const char * const  *argv,
                                  char               **out);
char       *pdfsig               (GBytes              *pdf);
const char *after_signature      (GBytes              *pdf,
                                  gsize               *tail_len);
guint       dss_count            (GBytes              *pdf,
                                  const char          *name);
GBytes     *sign_with            (PzSigner            *signer,
                                  GBytes              *pdf,
                                  GError             **error);
int         verify_command       (GBytes              *file,
                                  const char          *name,
                                  char               **out);

G_END_DECLS
