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

G_END_DECLS
