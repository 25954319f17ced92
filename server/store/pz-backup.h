/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PZ_BACKUP_ERROR (pz_backup_error_quark ())

typedef enum {
  PZ_BACKUP_ERROR_FAILED,
  PZ_BACKUP_ERROR_EXISTS,
  PZ_BACKUP_ERROR_NOT_FOUND,
  PZ_BACKUP_ERROR_DAMAGED,
  PZ_BACKUP_ERROR_TOO_NEW,
} PzBackupError;

typedef struct {
  gint64 applications;
  gint64 blobs;
  gint64 bytes;
} PzBackupStats;

GQuark   pz_backup_error_quark (void);

gboolean pz_backup_create      (const char     *data_dir,
                                const char     *dest,
                                PzBackupStats  *stats,
                                GError        **error);
gboolean pz_backup_restore     (const char     *src,
                                const char     *data_dir,
                                PzBackupStats  *stats,
                                GError        **error);
/* Copies @src to a new file @dst, on disk before it returns; with @sha256
 * the content must hash to it (else PZ_BACKUP_ERROR_DAMAGED). */
gboolean pz_backup_copy_file   (const char     *src,
                                const char     *dst,
                                int             mode,
                                const char     *sha256,
                                gint64         *bytes,
                                GError        **error);

G_END_DECLS
