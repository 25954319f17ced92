/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "perizinan-migrate"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "pz-backup.h"
#include "pz-migrate.h"
#include "pz-store-private.h"

/* An office moves with everything that is its own: its profile, users and
 * their roles and delegations, permit types with every edition, calendar,
 * counters, files with their whole history, documents, outputs, survey
 * answers, messages and audit trail, and the stored content and signing
 * identities those rows name.  Rows get new ids at the destination (other
 * offices may already hold the old ones); registration and permit numbers,
 * tracking codes and verification tokens stay what they were, so a receipt
 * or a permit printed before the move still leads to its file.  What
 * belongs to a running server is left behind: sessions (staff log in again),
 * retry answers and login throttling.  The whole move is one transaction on
 * each side; on any error nothing is written and every stored file it had
 * created is removed again. */

G_DEFINE_QUARK (pz - migrate - error - quark, pz_migrate_error)

/* How a column is copied, one letter each:
 *   t  text, as it is        i  integer, as it is
 *   o  the office's id       u  a user's id, renumbered
 *   a  a file's id, renumbered
 *   U  the row's id, renumbered as a user   A  … as a file
 *   x  the row's id, left to the destination */
typedef struct
{
  const char *table;
  const char *columns;
  const char *kinds;
  const char *rows;   /* which rows are the office's, one ? for its id */
} Table;

#define OF_OFFICE   "office_id = ?"
#define OF_USERS    "user_id IN (SELECT id FROM users WHERE office_id = ?)"
#define OF_FILES    "application_id IN (SELECT id FROM applications WHERE office_id = ?)"

/* in the order the foreign keys need */
static const Table tables[] = {
  { "office", "office_id, key, value", "ott", OF_OFFICE },
  { "users", "id, office_id, username, full_name, nip, password_hash, active, must_change_password,"
    " created_at, signing_identity", "Uottttiiit", OF_OFFICE },
  { "user_roles", "user_id, role", "ut", OF_USERS },
  { "acting", "id, user_id, role, kind, starts_on, ends_on, starts_at, ends_at, created_at, created_by,"
    " ended_at", "xuttttiiiui", OF_USERS },
  { "permit_types", "office_id, code, name, workflow, request_types, survey, signing, number_format,"
    " validity_months, service_days, version", "ottttittiii", OF_OFFICE },
  { "permit_type_requirements", "office_id, permit_type, position, code, title, mandatory, request_types",
    "otittit", OF_OFFICE },
  { "permit_type_fields", "office_id, permit_type, position, name, label, type, required", "otittti", OF_OFFICE },
  { "permit_type_versions", "office_id, code, version, definition, created_at", "otiti", OF_OFFICE },
  { "holidays", "office_id, date, name, kind", "ottt", OF_OFFICE },
  { "counters", "office_id, name, value", "oti", OF_OFFICE },
  { "applications", "id, office_id, registration_number, permit_type, request_type, applicant_name,"
    " applicant_nik, applicant_address, applicant_phone, applicant_email, data, survey, received_by, step,"
    " status, version, step_entered_at, due_at, permit_number, verify_token, created_at, updated_at,"
    " created_by, updated_by, permit_type_version, service_started_at, service_seconds, service_due_at,"
    " tracking_code", "Ao" "ttttttttttttt" "iii" "tt" "ii" "uu" "iiii" "t", OF_OFFICE },
  { "events", "id, application_id, at, user_id, role, action, from_step, to_step, note, office_seconds,"
    " data, acting, also_admin", "xaiutttttitti", OF_FILES },
  { "documents", "id, application_id, requirement, sha256, size, content_type, pages, uploaded_at,"
    " uploaded_by, current", "xattitiiui", OF_FILES },
  { "checklist", "application_id, requirement, verdict, note, at, user_id", "atttiu", OF_FILES },
  { "outputs", "application_id, kind, sha256, size, created_at", "attii", OF_FILES },
  { "escalations", "application_id, step, reason, at", "atti", OF_FILES },
  { "satisfaction", "application_id, at, u1, u2, u3, u4, u5, u6, u7, u8, u9, suggestion",
    "ai" "iiiiiiiii" "t", OF_FILES },
  { "outbox", "id, application_id, kind, recipient_name, email, phone, subject, body, created_at,"
    " email_done, command_done, attempts, next_attempt_at, last_error, office_id", "xa" "tttttt" "iiiii" "t" "o",
    OF_OFFICE },
  { "audit", "id, at, user_id, action, target, detail, office_id", "xiuttto", OF_OFFICE },
};

typedef struct
{
  PzStore    *src;
  PzStore    *dst;
  gint64      src_office;
  gint64      dst_office;
  GHashTable *users;         /* old id → new id (gint64 *) */
  GHashTable *applications;
  GPtrArray  *created;       /* the files written at the destination, removed on failure */
} Move;

static gboolean
fail (GError    **error,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail (GError    **error,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, PZ_MIGRATE_ERROR, 0, message);
  return FALSE;
}

static gboolean
renumbered (GHashTable *map,
            gint64      old,
            gint64     *id)
{
  gint64 *found = g_hash_table_lookup (map, &old);

  if (!found)
    return FALSE;
  *id = *found;
  return TRUE;
}

static void
remember (GHashTable *map,
          gint64      old,
          gint64      id)
{
  g_hash_table_insert (map, g_memdup2 (&old, sizeof old), g_memdup2 (&id, sizeof id));
}

/* The INSERT for @table: every column but the ids the destination gives. */
static char *
insert_sql (const Table *table,
            char       **names)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GString) values = g_string_new (NULL);
  gboolean returning = FALSE;

  g_string_printf (sql, "INSERT INTO %s (", table->table);
  for (guint i = 0; names[i]; i++)
    {
      char kind = table->kinds[i];

      if (kind == 'x' || kind == 'U' || kind == 'A')
        {
          returning = returning || kind != 'x';
          continue;
        }
      if (values->len > 0)
        {
          g_string_append (sql, ", ");
          g_string_append (values, ", ");
        }
      g_string_append (sql, g_strstrip (names[i]));
      g_string_append_c (values, '?');
    }
  g_string_append_printf (sql, ") VALUES (%s)%s", values->str, returning ? " RETURNING id" : "");
  return g_strdup (sql->str);
}

static gboolean
copy_table (Move        *move,
            const Table *table,
            GError     **error)
{
  g_auto(GStrv) names = g_strsplit (table->columns, ",", -1);
  g_autofree char *select = g_strdup_printf ("SELECT %s FROM %s WHERE %s ORDER BY 1", table->columns,
                                             table->table, table->rows);
  g_autofree char *insert = insert_sql (table, names);
  PzDbStmt *from = prepare (move->src, select, error);
  PzDbStmt *to = prepare (move->dst, insert, error);
  PzDbStep step;

  g_assert (g_strv_length (names) == strlen (table->kinds));
  if (!from || !to)
    return FALSE;
  pz_db_bind_int64 (from, 1, move->src_office);
  while ((step = db_step (move->src, from)) == PZ_DB_STEP_ROW)
    {
      GHashTable *map = NULL;
      gint64 old_id = 0, new_id = 0;
      int param = 1;

      pz_db_reset (to);
      for (int i = 0; names[i]; i++)
        {
          char kind = table->kinds[i];
          gboolean null = pz_db_column_is_null (from, i);
          gint64 value = null || kind == 't' ? 0 : pz_db_column_int64 (from, i);

          switch (kind)
            {
            case 'U':
            case 'A':
              map = kind == 'U' ? move->users : move->applications;
              old_id = value;
              continue;
            case 'x':
              continue;
            case 'o':
              pz_db_bind_int64 (to, param, move->dst_office);
              break;
            case 'u':
            case 'a':
              if (null)
                pz_db_bind_null (to, param);
              else if (renumbered (kind == 'u' ? move->users : move->applications, value, &value))
                pz_db_bind_int64 (to, param, value);
              else if (kind == 'u')
                return fail (error, _("A row of %s names the user %lld, who is not of this office"),
                             table->table, (long long) value);
              else
                return fail (error, _("A row of %s names the file %lld, which is not of this office"),
                             table->table, (long long) value);
              break;
            case 'i':
              if (null)
                pz_db_bind_null (to, param);
              else
                pz_db_bind_int64 (to, param, value);
              break;
            default:
              if (null)
                pz_db_bind_null (to, param);
              else
                pz_db_bind_text (to, param, pz_db_column_text (from, i));
              break;
            }
          param++;
        }
      if (map)
        {
          if (!step_returning (move->dst, to, &new_id, error))
            return FALSE;
          remember (map, old_id, new_id);
        }
      else if (!step_done (move->dst, to, error))
        return FALSE;
    }
  if (step == PZ_DB_STEP_FAILED)
    return sql_error (move->src, error);
  return TRUE;
}

static gboolean
count (PzStore    *store,
       const char *sql,
       gint64      office,
       gint64     *n,
       GError    **error)
{
  PzDbStmt *stmt = prepare (store, sql, error);

  if (!stmt)
    return FALSE;
  pz_db_bind_int64 (stmt, 1, office);
  if (db_step (store, stmt) != PZ_DB_STEP_ROW)
    return sql_error (store, error);
  *n = pz_db_column_int64 (stmt, 0);
  pz_db_reset (stmt);
  return TRUE;
}

/* The office being moved at the source: the one named, or the only one. */
static gboolean
find_source_office (Move       *move,
                    const char *code,
                    char      **found_code,
                    char      **name,
                    gint64     *created_at,
                    GError    **error)
{
  PzDbStmt *stmt = prepare (move->src, "SELECT id, code, name, created_at FROM offices"
                            " WHERE code = ? OR ? IS NULL ORDER BY id", error);
  PzDbStep step;
  guint n = 0;

  if (!stmt)
    return FALSE;
  if (code)
    {
      pz_db_bind_text (stmt, 1, code);
      pz_db_bind_text (stmt, 2, code);
    }
  else
    {
      pz_db_bind_null (stmt, 1);
      pz_db_bind_null (stmt, 2);
    }
  while ((step = db_step (move->src, stmt)) == PZ_DB_STEP_ROW)
    {
      if (n++ == 0)
        {
          move->src_office = pz_db_column_int64 (stmt, 0);
          *found_code = g_strdup (pz_db_column_text (stmt, 1));
          *name = g_strdup (pz_db_column_text (stmt, 2));
          *created_at = pz_db_column_int64 (stmt, 3);
        }
    }
  if (step == PZ_DB_STEP_FAILED)
    return sql_error (move->src, error);
  if (n == 0 && code)
    return fail (error, _("There is no office %s in the source"), code);
  if (n == 0)
    return fail (error, _("The source has no office"));
  if (n > 1)
    return fail (error, _("The source serves several offices: say which one with --office CODE"));
  return TRUE;
}

/* The destination's first office, if it is still as a new database makes
 * it (no users, no files, no permit types of its own): the moved office
 * takes its place, so that an office leaving the cluster for a data
 * directory of its own is that server's first office again. */
static gboolean
first_office_is_empty (PzStore  *store,
                       gboolean *empty,
                       GError  **error)
{
  gint64 offices = 0, users = 0, files = 0, editions = 0;

  if (!count (store, "SELECT count(*) FROM offices WHERE id = ?", PZ_STORE_FIRST_OFFICE, &offices, error) ||
      !count (store, "SELECT count(*) FROM users WHERE office_id = ?", PZ_STORE_FIRST_OFFICE, &users, error) ||
      !count (store, "SELECT count(*) FROM applications WHERE office_id = ?", PZ_STORE_FIRST_OFFICE, &files,
              error) ||
      !count (store, "SELECT count(*) FROM permit_type_versions WHERE office_id = ?", PZ_STORE_FIRST_OFFICE,
              &editions, error))
    return FALSE;
  *empty = offices == 1 && users == 0 && files == 0 && editions == 0;
  return TRUE;
}

static gboolean
run (Move    *move,
     GError **error,
     ...)
{
  va_list args;
  const char *sql;
  gboolean ok = TRUE;

  va_start (args, error);
  while (ok && (sql = va_arg (args, const char *)))
    {
      PzDbStmt *stmt = prepare (move->dst, sql, error);

      ok = stmt != NULL;
      if (ok)
        {
          pz_db_bind_int64 (stmt, 1, move->dst_office);
          ok = step_done (move->dst, stmt, error);
        }
    }
  va_end (args);
  return ok;
}

static gboolean
place_office (Move           *move,
              const char     *code,
              const char     *name,
              gint64          created_at,
              PzMigrateStats *stats,
              GError        **error)
{
  gboolean empty = FALSE;
  gint64 clash = 0;
  PzDbStmt *stmt;

  if (!first_office_is_empty (move->dst, &empty, error))
    return FALSE;
  stmt = prepare (move->dst, "SELECT count(*) FROM offices WHERE code = ? AND id <> ?", error);
  if (!stmt)
    return FALSE;
  pz_db_bind_text (stmt, 1, code);
  pz_db_bind_int64 (stmt, 2, empty ? PZ_STORE_FIRST_OFFICE : 0);
  if (db_step (move->dst, stmt) != PZ_DB_STEP_ROW)
    return sql_error (move->dst, error);
  clash = pz_db_column_int64 (stmt, 0);
  pz_db_reset (stmt);
  if (clash)
    return fail (error, _("The destination already has an office with the code %s: give the moved office "
                          "another with --as CODE"), code);
  if (empty)
    {
      move->dst_office = PZ_STORE_FIRST_OFFICE;
      stats->first = TRUE;
      /* what a new database gave its first office makes way for the moved office's own */
      if (!run (move, error,
                "DELETE FROM office WHERE office_id = ?",
                "DELETE FROM holidays WHERE office_id = ?",
                "DELETE FROM counters WHERE office_id = ?",
                "DELETE FROM permit_type_fields WHERE office_id = ?",
                "DELETE FROM permit_type_requirements WHERE office_id = ?",
                "DELETE FROM permit_types WHERE office_id = ?",
                NULL))
        return FALSE;
      stmt = prepare (move->dst, "UPDATE offices SET code = ?, name = ?, created_at = ? WHERE id = ?", error);
      if (!stmt)
        return FALSE;
      pz_db_bind_text (stmt, 1, code);
      pz_db_bind_text (stmt, 2, name);
      pz_db_bind_int64 (stmt, 3, created_at);
      pz_db_bind_int64 (stmt, 4, PZ_STORE_FIRST_OFFICE);
      return step_done (move->dst, stmt, error);
    }
  stmt = prepare (move->dst, "INSERT INTO offices (code, name, created_at) VALUES (?, ?, ?) RETURNING id",
                  error);
  if (!stmt)
    return FALSE;
  pz_db_bind_text (stmt, 1, code);
  pz_db_bind_text (stmt, 2, name);
  pz_db_bind_int64 (stmt, 3, created_at);
  return step_returning (move->dst, stmt, &move->dst_office, error);
}

static gboolean
is_sha256 (const char *text)
{
  if (!text || strlen (text) != 64)
    return FALSE;
  for (const char *p = text; *p; p++)
    if (!g_ascii_isxdigit (*p) || g_ascii_isupper (*p))
      return FALSE;
  return TRUE;
}

/* Copies @src to @dst (a new file, checked against @sha256 when given),
 * through a temporary name; a @dst already there must be the same. */
static gboolean
place_file (Move       *move,
            const char *src,
            const char *dst,
            const char *sha256,
            gboolean   *copied,
            GError    **error)
{
  g_autofree char *dir = g_path_get_dirname (dst);
  g_autofree char *partial = g_strconcat (dst, ".migrating", NULL);
  g_autofree char *have = NULL, *want = NULL;
  gsize have_len = 0, want_len = 0;

  *copied = FALSE;
  if (g_file_test (dst, G_FILE_TEST_EXISTS))
    {
      if (!g_file_get_contents (src, &want, &want_len, error) ||
          !g_file_get_contents (dst, &have, &have_len, error))
        return FALSE;
      if (sha256)
        {
          g_autofree char *sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) want,
                                                              want_len);
          if (strcmp (sum, sha256) != 0)
            return fail (error, _("The stored file %s is damaged: its content no longer matches its checksum"),
                         src);
        }
      if (have_len != want_len || memcmp (have, want, have_len) != 0)
        return fail (error, _("%s is already at the destination with other content"), dst);
      return TRUE;
    }
  if (g_mkdir_with_parents (dir, 0700) != 0)
    return fail (error, _("Cannot create %s: %s"), dir, g_strerror (errno));
  g_unlink (partial);
  if (!pz_backup_copy_file (src, partial, 0600, sha256, NULL, error))
    {
      g_unlink (partial);
      return FALSE;
    }
  if (g_rename (partial, dst) != 0)
    {
      int saved = errno;

      g_unlink (partial);
      return fail (error, _("Cannot rename into place %s: %s"), dst, g_strerror (saved));
    }
  g_ptr_array_add (move->created, g_strdup (dst));
  *copied = TRUE;
  return TRUE;
}

/* Every stored document and output of the office, by its checksum. */
static gboolean
copy_blobs (Move               *move,
            const PzMigrateEnd *from,
            const PzMigrateEnd *to,
            PzMigrateStats     *stats,
            GError            **error)
{
  PzDbStmt *stmt = prepare (move->src,
                            "SELECT sha256 FROM documents WHERE " OF_FILES
                            " UNION SELECT sha256 FROM outputs WHERE " OF_FILES " ORDER BY 1", error);
  PzDbStep step;

  if (!stmt)
    return FALSE;
  pz_db_bind_int64 (stmt, 1, move->src_office);
  pz_db_bind_int64 (stmt, 2, move->src_office);
  while ((step = db_step (move->src, stmt)) == PZ_DB_STEP_ROW)
    {
      const char *sha = pz_db_column_text (stmt, 0);
      g_autofree char *prefix = NULL, *src = NULL, *dst = NULL;
      gboolean copied;

      if (!is_sha256 (sha))
        return fail (error, _("A stored file is named %s, which is not a checksum"), sha ? sha : "");
      prefix = g_strndup (sha, 2);
      src = g_build_filename (from->data_dir, "files", prefix, sha, NULL);
      dst = g_build_filename (to->data_dir, "files", prefix, sha, NULL);
      if (!g_file_test (src, G_FILE_TEST_IS_REGULAR))
        return fail (error, _("The stored file %s is missing"), src);
      if (!place_file (move, src, dst, sha, &copied, error))
        return FALSE;
      stats->blobs++;
    }
  if (step == PZ_DB_STEP_FAILED)
    return sql_error (move->src, error);
  return TRUE;
}

static gboolean
same_content (const char *a,
              const char *b)
{
  g_autofree char *x = NULL, *y = NULL;
  gsize nx = 0, ny = 0;

  return g_file_get_contents (a, &x, &nx, NULL) && g_file_get_contents (b, &y, &ny, NULL) &&
         nx == ny && memcmp (x, y, nx) == 0;
}

static gboolean
rename_identity (Move       *move,
                 const char *identity,
                 const char *renamed,
                 GError    **error)
{
  PzDbStmt *stmt = prepare (move->dst, "UPDATE users SET signing_identity = ?"
                            " WHERE office_id = ? AND signing_identity = ?", error);

  if (!stmt)
    return FALSE;
  pz_db_bind_text (stmt, 1, renamed);
  pz_db_bind_int64 (stmt, 2, move->dst_office);
  pz_db_bind_text (stmt, 3, identity);
  return step_done (move->dst, stmt, error);
}

static gboolean
is_key_file (const char *identity)
{
  return identity && *identity && !g_str_has_prefix (identity, "pkcs11:");
}

/* The signing identities in files: the users' own, in signing/, and the
 * office's key, which serves its Kepala Dinas when the office is a
 * server's first office (see signing_identity_of()). */
static gboolean
copy_identities (Move               *move,
                 const PzMigrateEnd *from,
                 const PzMigrateEnd *to,
                 const char         *code,
                 PzMigrateStats     *stats,
                 GError            **error)
{
  PzDbStmt *stmt = prepare (move->src, "SELECT DISTINCT signing_identity FROM users"
                            " WHERE office_id = ? AND signing_identity IS NOT NULL ORDER BY 1", error);
  PzDbStep step;
  gboolean copied;

  if (!stmt)
    return FALSE;
  pz_db_bind_int64 (stmt, 1, move->src_office);
  while ((step = db_step (move->src, stmt)) == PZ_DB_STEP_ROW)
    {
      const char *identity = pz_db_column_text (stmt, 0);
      g_autofree char *src = NULL, *dst = NULL;

      if (!is_key_file (identity) || strchr (identity, '/') || identity[0] == '.')
        continue;
      src = g_build_filename (from->data_dir, "signing", identity, NULL);
      dst = g_build_filename (to->data_dir, "signing", identity, NULL);
      if (!g_file_test (src, G_FILE_TEST_IS_REGULAR))
        continue;  /* the server already says the user has none */
      if (g_file_test (dst, G_FILE_TEST_EXISTS) && !same_content (src, dst))
        {
          /* another office's identity of that name: this one takes the office's code before it */
          g_autofree char *renamed = g_strconcat (code, "-", identity, NULL);

          g_free (dst);
          dst = g_build_filename (to->data_dir, "signing", renamed, NULL);
          if (!rename_identity (move, identity, renamed, error))
            return FALSE;
        }
      if (!place_file (move, src, dst, NULL, &copied, error))
        return FALSE;
      stats->identities += copied;
    }
  if (step == PZ_DB_STEP_FAILED)
    return sql_error (move->src, error);

  if (move->src_office == PZ_STORE_FIRST_OFFICE && is_key_file (from->signing_key) &&
      g_file_test (from->signing_key, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *name = NULL, *dst = NULL;

      if (stats->first && is_key_file (to->signing_key) && !g_file_test (to->signing_key, G_FILE_TEST_EXISTS))
        {
          if (!place_file (move, from->signing_key, to->signing_key, NULL, &copied, error))
            return FALSE;
          stats->key_note = g_strdup_printf (_("The office's signing key is now %s"), to->signing_key);
          return TRUE;
        }
      /* not the first office there: the key becomes its Kepala Dinas's own identity */
      name = g_strconcat (code, ".p12", NULL);
      dst = g_build_filename (to->data_dir, "signing", name, NULL);
      if (!place_file (move, from->signing_key, dst, NULL, &copied, error))
        return FALSE;
      stmt = prepare (move->dst, "UPDATE users SET signing_identity = ? WHERE office_id = ?"
                      " AND (signing_identity IS NULL OR signing_identity = '')"
                      " AND id IN (SELECT user_id FROM user_roles WHERE role = 'kadis')", error);
      if (!stmt)
        return FALSE;
      pz_db_bind_text (stmt, 1, name);
      pz_db_bind_int64 (stmt, 2, move->dst_office);
      if (!step_done (move->dst, stmt, error))
        return FALSE;
      stats->key_note = g_strdup_printf (_("The office's signing key is now its Kepala Dinas's own identity, "
                                           "%s in the signing folder"), name);
    }
  return TRUE;
}

static gboolean
count_moved (Move           *move,
             PzMigrateStats *stats,
             GError        **error)
{
  return count (move->dst, "SELECT count(*) FROM users WHERE office_id = ?", move->dst_office, &stats->users,
                error) &&
         count (move->dst, "SELECT count(*) FROM applications WHERE office_id = ?", move->dst_office,
                &stats->applications, error);
}

void
pz_migrate_stats_clear (PzMigrateStats *stats)
{
  g_clear_pointer (&stats->office, g_free);
  g_clear_pointer (&stats->key_note, g_free);
}

/**
 * pz_migrate_office:
 * @from: where the office is
 * @to: where it goes; its database is created if there is none
 * @code: (nullable): the office to move; %NULL when the source has one
 * @as: (nullable): its code at the destination, when not its own
 * @stats: (out caller-allocates): what was moved
 * @error: return location for an error
 *
 * Copies the office with its whole history.  The source is only read: stop
 * its server first, and let the staff log in to the destination.
 */
gboolean
pz_migrate_office (const PzMigrateEnd *from,
                   const PzMigrateEnd *to,
                   const char         *code,
                   const char         *as,
                   PzMigrateStats     *stats,
                   GError            **error)
{
  Move move = { 0 };
  g_autofree char *found = NULL, *name = NULL;
  gint64 created_at = 0;
  gboolean reading = FALSE, ok = FALSE;

  memset (stats, 0, sizeof *stats);
  if (g_strcmp0 (from->location, to->location) == 0)
    return fail (error, _("The source and the destination are the same database"));
  if (!(move.src = pz_store_open (from->location, error)))
    return FALSE;
  if (!(move.dst = pz_store_open (to->location, error)))
    {
      pz_store_free (move.src);
      return FALSE;
    }
  move.users = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  move.applications = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  move.created = g_ptr_array_new_with_free_func (g_free);

  if (!pz_db_exec (move.src->db, begin_read_sql (move.src), error))
    goto out;
  reading = TRUE;
  if (!find_source_office (&move, code, &found, &name, &created_at, error))
    goto out;
  stats->office = g_strdup (as ? as : found);
  if (!pz_store_begin (move.dst, error))
    goto out;
  if (!place_office (&move, stats->office, name, created_at, stats, error))
    goto rollback;
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    if (!copy_table (&move, &tables[i], error))
      goto rollback;
  if (!copy_blobs (&move, from, to, stats, error) ||
      !copy_identities (&move, from, to, stats->office, stats, error) ||
      !count_moved (&move, stats, error) ||
      !pz_store_commit (move.dst, error))
    goto rollback;
  ok = TRUE;
  goto out;

rollback:
  pz_store_rollback (move.dst);
out:
  if (reading)
    pz_db_exec (move.src->db, "ROLLBACK", NULL);
  if (!ok)
    for (guint i = 0; i < move.created->len; i++)
      g_unlink (g_ptr_array_index (move.created, i));
  g_hash_table_unref (move.users);
  g_hash_table_unref (move.applications);
  g_ptr_array_unref (move.created);
  pz_store_free (move.src);
  pz_store_free (move.dst);
  if (!ok)
    pz_migrate_stats_clear (stats);
  return ok;
}
