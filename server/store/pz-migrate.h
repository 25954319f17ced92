/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Moving one office, with its whole history, from one deployment to
 * another: from an office's own SQLite file into a PostgreSQL cluster and
 * back out again. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PZ_MIGRATE_ERROR (pz_migrate_error_quark ())
GQuark   pz_migrate_error_quark (void);

/* One end of a move: where its database is, and the data directory whose
 * files/ and signing/ go with it. */
typedef struct
{
  const char *location;     /* the SQLite file or a postgresql:// URI */
  const char *data_dir;     /* files/ and signing/ */
  const char *signing_key;  /* the first office's key: a PKCS#12 file or a pkcs11: URI */
} PzMigrateEnd;

typedef struct
{
  char    *office;          /* the office's code at the destination */
  gboolean first;           /* it became the destination's first office */
  gint64   users;
  gint64   applications;
  gint64   blobs;           /* stored documents and outputs copied */
  gint64   identities;      /* signing identity files copied */
  char    *key_note;        /* what became of the office's own key, or NULL */
} PzMigrateStats;

void     pz_migrate_stats_clear (PzMigrateStats     *stats);

gboolean pz_migrate_office      (const PzMigrateEnd *from,
                                 const PzMigrateEnd *to,
                                 const char         *code,
                                 const char         *as,
                                 PzMigrateStats     *stats,
                                 GError            **error);

G_END_DECLS
