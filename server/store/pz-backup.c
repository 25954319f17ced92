/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "perizinan-backup"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "pz-backup.h"
#include "pz-store.h"

/* A backup is a directory holding a self-contained copy of the database
 * (taken with SQLite's online backup, so the server keeps running), the
 * content-addressed file store, the office's signing key if it lives in the
 * data directory, and a manifest.  Both a backup and a restore are built in
 * a sibling ".partial" directory and renamed into place only once complete
 * and checked: an interrupted run never leaves something that looks whole. */

#define DB_NAME       "perizinan.db"
#define FILES_NAME    "files"
#define KEY_NAME      "signing.p12"
#define MANIFEST_NAME "perizinan-backup.json"
#define MANIFEST_FORMAT 1

G_DEFINE_QUARK (pz - backup - error - quark, pz_backup_error)

static gboolean
set_errno_error (GError    **error,
                 int         saved,
                 const char *what,
                 const char *path)
{
  g_set_error (error, PZ_BACKUP_ERROR, PZ_BACKUP_ERROR_FAILED,
               "%s %s: %s", what, path, g_strerror (saved));
  return FALSE;
}

static gboolean
fsync_path (const char *path,
            GError    **error)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  int saved;

  if (fd < 0)
    return set_errno_error (error, errno, _("Cannot open"), path);
  if (fsync (fd) != 0)
    {
      saved = errno;
      close (fd);
      return set_errno_error (error, saved, _("Cannot write to disk"), path);
    }
  close (fd);
  return TRUE;
}

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    {
      g_remove (path);
      return;
    }
  while ((name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_remove (child);
    }
  g_dir_close (dir);
  g_rmdir (path);
}

static gboolean
is_hex (const char *s,
        gsize       len)
{
  if (strlen (s) != len)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isxdigit (s[i]) || g_ascii_isupper (s[i]))
      return FALSE;
  return TRUE;
}

/* The target must not exist or be an empty directory; the work happens in a
 * fresh sibling directory returned in @partial. */
static gboolean
prepare_target (const char *target,
                char      **partial,
                GError    **error)
{
  g_autofree char *tmp = NULL;

  if (g_file_test (target, G_FILE_TEST_EXISTS))
    {
      GDir *dir = g_dir_open (target, 0, NULL);
      gboolean empty = dir && g_dir_read_name (dir) == NULL;

      if (dir)
        g_dir_close (dir);
      if (!empty)
        {
          g_set_error (error, PZ_BACKUP_ERROR, PZ_BACKUP_ERROR_EXISTS,
                       _("%s already exists and is not an empty directory; "
                         "name a new one so nothing is overwritten"), target);
          return FALSE;
        }
    }
  tmp = g_strdup_printf ("%s.partial-XXXXXX", target);
  if (g_mkdtemp_full (tmp, 0700) == NULL)
    return set_errno_error (error, errno, _("Cannot create"), tmp);
  *partial = g_steal_pointer (&tmp);
  return TRUE;
}

static gboolean
finish_target (const char *partial,
               const char *target,
               GError    **error)
{
  g_autofree char *parent = g_path_get_dirname (target);

  if (!fsync_path (partial, error))
    return FALSE;
  if (g_file_test (target, G_FILE_TEST_IS_DIR) && g_rmdir (target) != 0)
    return set_errno_error (error, errno, _("Cannot replace the empty directory"), target);
  if (g_rename (partial, target) != 0)
    return set_errno_error (error, errno, _("Cannot rename into place"), target);
  return fsync_path (parent, error);
}

/* Copies one file, on disk before it returns; with @sha256 the content must
 * hash to it, so a damaged stored file is found rather than copied. */
gboolean
pz_backup_copy_file (const char *src,
                     const char *dst,
                     int         mode,
                     const char *sha256,
                     gint64     *bytes,
                     GError    **error)
{
  g_autoptr(GChecksum) sum = sha256 ? g_checksum_new (G_CHECKSUM_SHA256) : NULL;
  g_autofree char *buf = g_malloc (65536);
  int in = open (src, O_RDONLY | O_CLOEXEC);
  int out = -1;
  gboolean ok = FALSE;
  ssize_t n;

  if (in < 0)
    return set_errno_error (error, errno, _("Cannot read"), src);
  out = open (dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (out < 0)
    {
      set_errno_error (error, errno, _("Cannot create"), dst);
      goto out;
    }
  for (;;)
    {
      n = read (in, buf, 65536);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          set_errno_error (error, errno, _("Cannot read"), src);
          goto out;
        }
      if (n == 0)
        break;
      if (sum)
        g_checksum_update (sum, (const guchar *) buf, n);
      for (ssize_t done = 0; done < n;)
        {
          ssize_t w = write (out, buf + done, n - done);
          if (w < 0 && errno == EINTR)
            continue;
          if (w < 0)
            {
              set_errno_error (error, errno, _("Cannot write"), dst);
              goto out;
            }
          done += w;
        }
      if (bytes)
        *bytes += n;
    }
  if (fsync (out) != 0)
    {
      set_errno_error (error, errno, _("Cannot write to disk"), dst);
      goto out;
    }
  if (sum && g_strcmp0 (g_checksum_get_string (sum), sha256) != 0)
    {
      g_set_error (error, PZ_BACKUP_ERROR, PZ_BACKUP_ERROR_DAMAGED,
                   _("The stored file %s is damaged: its content no longer matches its checksum"),
                   src);
      goto out;
    }
  ok = TRUE;

out:
  close (in);
  if (out >= 0)
    close (out);
  return ok;
}

/* files/ab/abcdef…: every blob is named by its SHA-256.  The "tmp"
 * directory of uploads in progress is not part of the data. */
static gboolean
copy_blobs (const char    *src_root,
            const char    *dst_root,
            PzBackupStats *stats,
            GError       **error)
{
  g_autofree char *src_files = g_build_filename (src_root, FILES_NAME, NULL);
  g_autofree char *dst_files = g_build_filename (dst_root, FILES_NAME, NULL);
  g_autoptr(GDir) dir = NULL;
  const char *prefix;

  if (g_mkdir (dst_files, 0700) != 0)
    return set_errno_error (error, errno, _("Cannot create"), dst_files);
  if (!g_file_test (src_files, G_FILE_TEST_IS_DIR))
    return TRUE;
  if (!(dir = g_dir_open (src_files, 0, error)))
    return FALSE;

  while ((prefix = g_dir_read_name (dir)))
    {
      g_autofree char *src_sub = g_build_filename (src_files, prefix, NULL);
      g_autofree char *dst_sub = g_build_filename (dst_files, prefix, NULL);
      g_autoptr(GDir) sub = NULL;
      const char *name;

      if (!is_hex (prefix, 2) || !g_file_test (src_sub, G_FILE_TEST_IS_DIR))
        continue;
      if (g_mkdir (dst_sub, 0700) != 0)
        return set_errno_error (error, errno, _("Cannot create"), dst_sub);
      if (!(sub = g_dir_open (src_sub, 0, error)))
        return FALSE;
      while ((name = g_dir_read_name (sub)))
        {
          g_autofree char *from = NULL;
          g_autofree char *to = NULL;

          if (!is_hex (name, 64) || strncmp (name, prefix, 2) != 0)
            continue;
          from = g_build_filename (src_sub, name, NULL);
          to = g_build_filename (dst_sub, name, NULL);
          if (!pz_backup_copy_file (from, to, 0600, name, &stats->bytes, error))
            return FALSE;
          stats->blobs++;
        }
      if (!fsync_path (dst_sub, error))
        return FALSE;
    }
  return fsync_path (dst_files, error);
}

static gboolean
copy_key (const char *src_root,
          const char *dst_root,
          GError    **error)
{
  g_autofree char *from = g_build_filename (src_root, KEY_NAME, NULL);
  g_autofree char *to = g_build_filename (dst_root, KEY_NAME, NULL);

  if (!g_file_test (from, G_FILE_TEST_IS_REGULAR))
    return TRUE;
  return pz_backup_copy_file (from, to, 0600, NULL, NULL, error);
}

static gboolean
db_error (sqlite3    *db,
          const char *path,
          GError    **error)
{
  g_set_error (error, PZ_BACKUP_ERROR, PZ_BACKUP_ERROR_FAILED,
               _("Database %s: %s"), path, db ? sqlite3_errmsg (db) : _("cannot open"));
  return FALSE;
}

/* A database copy is usable when SQLite finds it intact, its schema is one
 * this build knows, and every stored file it names is in the copy. */
static gboolean
check_copy (const char    *root,
            PzBackupStats *stats,
            GError       **error)
{
  g_autofree char *db_path = g_build_filename (root, DB_NAME, NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;
  int version;

  if (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
    {
      db_error (db, db_path, error);
      goto out;
    }
  if (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL) != SQLITE_OK)
    {
      g_set_error (error, PZ_BACKUP_ERROR, PZ_BACKUP_ERROR_DAMAGED,
                   _("The database copy cannot be read: %s"), sqlite3_errmsg (db));
      goto out;
    }
  if (sqlite3_step (stmt) != SQLITE_ROW ||
      g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") != 0)
    {
      g_set_error (error, PZ_BACKUP_ERROR, PZ_BACKUP_ERROR_DAMAGED,
                   _("The database copy is damaged: %s"),
                   sqlite3_column_text (stmt, 0) ? (const char *) sqlite3_column_text (stmt, 0)
                                                 : sqlite3_errmsg (db));
      goto out;
    }
  sqlite3_finalize (stmt);
  stmt = NULL;

  sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL);
  version = sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int (stmt, 0) : 0;
  sqlite3_finalize (stmt);
  stmt = NULL;
  if (version > pz_store_schema_version ())
    {
      g_set_error (error, PZ_BACKUP_ERROR, PZ_BACKUP_ERROR_TOO_NEW,
                   _("The copy was made by a newer version of Perizinan (schema %d); "
                     "upgrade this server first"), version);
      goto out;
    }
  if (version < 1)
    {
      g_set_error (error, PZ_BACKUP_ERROR, PZ_BACKUP_ERROR_DAMAGED,
                   _("%s is not a Perizinan database"), db_path);
      goto out;
    }

  if (sqlite3_prepare_v2 (db, "SELECT count(*) FROM applications", -1, &stmt, NULL) != SQLITE_OK ||
      sqlite3_step (stmt) != SQLITE_ROW)
    {
      db_error (db, db_path, error);
      goto out;
    }
  stats->applications = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  stmt = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT sha256 FROM documents UNION SELECT sha256 FROM outputs",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      db_error (db, db_path, error);
      goto out;
    }
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *sha = (const char *) sqlite3_column_text (stmt, 0);
      char prefix[3] = { 0 };
      g_autofree char *blob = NULL;

      if (sha == NULL || !is_hex (sha, 64))
        continue;
      memcpy (prefix, sha, 2);
      blob = g_build_filename (root, FILES_NAME, prefix, sha, NULL);
      if (!g_file_test (blob, G_FILE_TEST_IS_REGULAR))
        {
          g_set_error (error, PZ_BACKUP_ERROR, PZ_BACKUP_ERROR_DAMAGED,
                       _("The copy lacks the stored file %s that its database names"), sha);
          goto out;
        }
    }
  ok = TRUE;

out:
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return ok;
}

static gboolean
snapshot_database (const char *src_path,
                   const char *dst_path,
                   GError    **error)
{
  sqlite3 *src = NULL;
  sqlite3 *dst = NULL;
  sqlite3_backup *backup;
  gboolean ok = FALSE;
  int rc;

  if (sqlite3_open_v2 (src_path, &src, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
    {
      db_error (src, src_path, error);
      goto out;
    }
  sqlite3_busy_timeout (src, 10000);
  if (sqlite3_open_v2 (dst_path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
    {
      db_error (dst, dst_path, error);
      goto out;
    }
  if (!(backup = sqlite3_backup_init (dst, "main", src, "main")))
    {
      db_error (dst, dst_path, error);
      goto out;
    }
  /* One step: the whole copy is read in one transaction, so it is the
   * database as of one commit while the server goes on writing (WAL). */
  for (int tries = 0; tries < 100; tries++)
    {
      rc = sqlite3_backup_step (backup, -1);
      if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
        break;
      g_usleep (50 * 1000);
    }
  sqlite3_backup_finish (backup);
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, PZ_BACKUP_ERROR, PZ_BACKUP_ERROR_FAILED,
                   _("Cannot copy the database: %s"), sqlite3_errstr (rc));
      goto out;
    }
  /* The copy is one file, not a database with a write-ahead log beside it. */
  if (sqlite3_exec (dst, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL) != SQLITE_OK)
    {
      db_error (dst, dst_path, error);
      goto out;
    }
  ok = TRUE;

out:
  sqlite3_close (dst);
  sqlite3_close (src);
  return ok && fsync_path (dst_path, error);
}

static gboolean
write_manifest (const char          *root,
                const PzBackupStats *stats,
                GError             **error)
{
  g_autofree char *path = g_build_filename (root, MANIFEST_NAME, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *when = g_date_time_format_iso8601 (now);
  g_autofree char *text = g_strdup_printf ("{\n"
                                           "  \"format\": %d,\n"
                                           "  \"made_by\": \"perizinan-server %s\",\n"
                                           "  \"created_at\": \"%s\",\n"
                                           "  \"schema\": %d,\n"
                                           "  \"applications\": %" G_GINT64_FORMAT ",\n"
                                           "  \"stored_files\": %" G_GINT64_FORMAT ",\n"
                                           "  \"stored_bytes\": %" G_GINT64_FORMAT "\n"
                                           "}\n",
                                           MANIFEST_FORMAT, PACKAGE_VERSION, when,
                                           pz_store_schema_version (), stats->applications,
                                           stats->blobs, stats->bytes);

  return g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

/**
 * pz_backup_create:
 * @data_dir: a server's data directory; the server may be running
 * @dest: where the backup goes: a new path or an empty directory
 * @stats: (out): what was copied
 * @error: return location for an error
 *
 * Makes a consistent copy of the database and the stored files.  Files are
 * copied after the database snapshot; as a stored file is on disk before any
 * row names it, every file the copy's database names is in the copy.
 *
 * Returns: %TRUE once @dest holds a complete, checked backup
 */
gboolean
pz_backup_create (const char    *data_dir,
                  const char    *dest,
                  PzBackupStats *stats,
                  GError       **error)
{
  g_autofree char *db_path = g_build_filename (data_dir, DB_NAME, NULL);
  g_autofree char *partial = NULL;
  g_autofree char *copy_path = NULL;
  PzBackupStats counted = { 0 };

  if (!g_file_test (db_path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, PZ_BACKUP_ERROR, PZ_BACKUP_ERROR_NOT_FOUND,
                   _("There is no Perizinan database in %s"), data_dir);
      return FALSE;
    }
  if (!prepare_target (dest, &partial, error))
    return FALSE;
  copy_path = g_build_filename (partial, DB_NAME, NULL);

  if (!snapshot_database (db_path, copy_path, error) ||
      !copy_blobs (data_dir, partial, &counted, error) ||
      !copy_key (data_dir, partial, error) ||
      !check_copy (partial, &counted, error) ||
      !write_manifest (partial, &counted, error) ||
      !finish_target (partial, dest, error))
    {
      remove_tree (partial);
      return FALSE;
    }
  if (stats)
    *stats = counted;
  return TRUE;
}

static gboolean
read_manifest (const char *src,
               GError    **error)
{
  g_autofree char *path = g_build_filename (src, MANIFEST_NAME, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local = NULL;
  JsonNode *root;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, PZ_BACKUP_ERROR, PZ_BACKUP_ERROR_NOT_FOUND,
                   _("%s is not a Perizinan backup: it has no %s"), src, MANIFEST_NAME);
      return FALSE;
    }
  if (!json_parser_load_from_file (parser, path, &local) ||
      !(root = json_parser_get_root (parser)) || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, PZ_BACKUP_ERROR, PZ_BACKUP_ERROR_DAMAGED,
                   _("The backup's %s is damaged"), MANIFEST_NAME);
      return FALSE;
    }
  if (json_object_get_int_member_with_default (json_node_get_object (root), "format", 0)
      != MANIFEST_FORMAT)
    {
      g_set_error (error, PZ_BACKUP_ERROR, PZ_BACKUP_ERROR_TOO_NEW,
                   _("The backup was made in a format this version does not know; "
                     "restore it with the version that made it"));
      return FALSE;
    }
  return TRUE;
}

/**
 * pz_backup_restore:
 * @src: a backup made by pz_backup_create()
 * @data_dir: a new path or an empty directory
 * @stats: (out): what was restored
 * @error: return location for an error
 *
 * Checks the backup while copying it (every stored file against its
 * checksum, the database with SQLite's integrity check, every file the
 * database names) and only then puts it at @data_dir.
 *
 * Returns: %TRUE once @data_dir holds the restored data
 */
gboolean
pz_backup_restore (const char    *src,
                   const char    *data_dir,
                   PzBackupStats *stats,
                   GError       **error)
{
  g_autofree char *db_path = g_build_filename (src, DB_NAME, NULL);
  g_autofree char *partial = NULL;
  g_autofree char *copy_path = NULL;
  PzBackupStats counted = { 0 };

  if (!read_manifest (src, error))
    return FALSE;
  if (!g_file_test (db_path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, PZ_BACKUP_ERROR, PZ_BACKUP_ERROR_DAMAGED,
                   _("The backup %s has no database"), src);
      return FALSE;
    }
  if (!prepare_target (data_dir, &partial, error))
    return FALSE;
  copy_path = g_build_filename (partial, DB_NAME, NULL);

  if (!pz_backup_copy_file (db_path, copy_path, 0600, NULL, NULL, error) ||
      !copy_blobs (src, partial, &counted, error) ||
      !copy_key (src, partial, error) ||
      !check_copy (partial, &counted, error) ||
      !finish_target (partial, data_dir, error))
    {
      remove_tree (partial);
      return FALSE;
    }
  if (stats)
    *stats = counted;
  return TRUE;
}
