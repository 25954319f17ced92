/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Users, their roles, sessions and acting officials. */
#define G_LOG_DOMAIN "pz-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pz-store-private.h"

/* Users and sessions */

void
pz_user_free (PzUser *user)
{
  if (user == NULL)
    return;
  g_free (user->username);
  g_free (user->full_name);
  g_free (user->nip);
  g_strfreev (user->roles);
  g_strfreev (user->acting);
  g_free (user->password_hash);
  g_free (user->signing_identity);
  g_free (user);
}

PzUser *
pz_user_copy (const PzUser *user)
{
  PzUser *copy = g_new0 (PzUser, 1);

  copy->id = user->id;
  copy->username = g_strdup (user->username);
  copy->full_name = g_strdup (user->full_name);
  copy->nip = g_strdup (user->nip);
  copy->roles = g_strdupv (user->roles);
  copy->acting = g_strdupv (user->acting);
  copy->password_hash = g_strdup (user->password_hash);
  copy->active = user->active;
  copy->must_change_password = user->must_change_password;
  copy->signing_identity = g_strdup (user->signing_identity);
  copy->office_id = user->office_id;
  return copy;
}

gboolean
pz_store_count_users (PzStore *self,
                      gint64  *count,
                      GError **error)
{
  PzDbStmt *stmt = prepare (self, "SELECT count(*) FROM users", error);

  if (stmt == NULL)
    return FALSE;
  if (db_step (self, stmt) != PZ_DB_STEP_ROW)
    {
      pz_db_reset (stmt);
      return sql_error (self, error);
    }
  *count = pz_db_column_int64 (stmt, 0);
  pz_db_reset (stmt);
  return TRUE;
}

gint64
pz_store_insert_user (PzStore            *self,
                      gint64              office_id,
                      const char         *username,
                      const char         *full_name,
                      const char         *nip,
                      const char * const *roles,
                      const char         *password_hash,
                      GError            **error)
{
  PzDbStmt *stmt;
  gint64 id;

  stmt = prepare (self,
                  "INSERT INTO users (username, full_name, nip, password_hash, created_at, office_id) "
                  "VALUES (?, ?, ?, ?, ?, ?) RETURNING id", error);
  if (stmt == NULL)
    return 0;
  bind_text (stmt, 1, username);
  bind_text (stmt, 2, full_name);
  bind_text (stmt, 3, nip);
  bind_text (stmt, 4, password_hash);
  pz_db_bind_int64 (stmt, 5, g_get_real_time () / G_USEC_PER_SEC);
  pz_db_bind_int64 (stmt, 6, office_id);
  if (!step_returning (self, stmt, &id, error))
    return 0;

  for (guint i = 0; roles && roles[i]; i++)
    {
      if (!(stmt = prepare (self, "INSERT INTO user_roles (user_id, role) VALUES (?, ?)", error)))
        return 0;
      pz_db_bind_int64 (stmt, 1, id);
      bind_text (stmt, 2, roles[i]);
      if (!step_done (self, stmt, error))
        return 0;
    }
  return id;
}

/* A user's roles: their own first, then those they hold as Plh/Plt right
 * now (which @acting lists as "kind:role"). */
static void
load_roles (PzStore *self,
            PzUser  *user)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) acting = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  PzDbStmt *stmt = prepare (self,
                            "SELECT role, NULL FROM user_roles WHERE user_id = ?1 "
                            "UNION ALL "
                            "SELECT role, kind FROM acting WHERE user_id = ?1 AND ended_at IS NULL "
                            "  AND starts_at <= ?2 AND ends_at > ?2 "
                            "  AND role NOT IN (SELECT role FROM user_roles WHERE user_id = ?1) "
                            "ORDER BY 2 NULLS FIRST, 1", NULL);

  if (stmt)
    {
      pz_db_bind_int64 (stmt, 1, user->id);
      pz_db_bind_int64 (stmt, 2, g_get_real_time () / G_USEC_PER_SEC);
      while (db_step (self, stmt) == PZ_DB_STEP_ROW)
        {
          const char *role = pz_db_column_text (stmt, 0);
          const char *kind = pz_db_column_text (stmt, 1);

          if (!g_hash_table_add (seen, g_strdup (role)))
            continue;
          g_strv_builder_add (builder, role);
          if (kind)
            {
              g_autofree char *entry = g_strdup_printf ("%s:%s", kind, role);
              g_strv_builder_add (acting, entry);
            }
        }
      pz_db_reset (stmt);
    }
  g_strfreev (user->roles);
  g_strfreev (user->acting);
  user->roles = g_strv_builder_end (builder);
  user->acting = g_strv_builder_end (acting);
}

/**
 * pz_user_acting_kind:
 *
 * Returns: (nullable): "plh" or "plt" if @user holds @role only as an acting
 *   official, %NULL if it is their own role or not theirs at all
 */
const char *
pz_user_acting_kind (const PzUser *user,
                     const char   *role)
{
  for (guint i = 0; role && user->acting && user->acting[i]; i++)
    {
      const char *colon = strchr (user->acting[i], ':');

      if (colon && g_str_equal (colon + 1, role))
        return g_str_has_prefix (user->acting[i], "plt:") ? "plt" : "plh";
    }
  return NULL;
}

#define USER_COLUMNS "u.id, u.username, u.full_name, u.nip, u.password_hash, u.active, " \
  "u.must_change_password, u.signing_identity, u.office_id"

static PzUser *
read_user (PzStore  *self,
           PzDbStmt *stmt)
{
  PzUser *user = g_new0 (PzUser, 1);

  user->id = pz_db_column_int64 (stmt, 0);
  user->username = column_text (stmt, 1);
  user->full_name = column_text (stmt, 2);
  user->nip = column_text (stmt, 3);
  user->password_hash = column_text (stmt, 4);
  user->active = pz_db_column_int64 (stmt, 5) != 0;
  user->must_change_password = pz_db_column_int64 (stmt, 6) != 0;
  user->signing_identity = column_text (stmt, 7);
  user->office_id = pz_db_column_int64 (stmt, 8);
  return user;
}

static PzUser *
query_user (PzStore  *self,
            PzDbStmt *stmt)
{
  PzUser *user = NULL;

  if (db_step (self, stmt) == PZ_DB_STEP_ROW)
    user = read_user (self, stmt);
  pz_db_reset (stmt);
  if (user)
    load_roles (self, user);
  return user;
}

PzUser *
pz_store_find_user (PzStore    *self,
                    gint64      office_id,
                    const char *username)
{
  PzDbStmt *stmt = prepare (self, "SELECT " USER_COLUMNS " FROM users u "
                            "WHERE u.username = ? AND u.office_id = ?", NULL);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, username);
  pz_db_bind_int64 (stmt, 2, office_id);
  return query_user (self, stmt);
}

PzUser *
pz_store_get_user (PzStore *self,
                   gint64   office_id,
                   gint64   id)
{
  PzDbStmt *stmt = prepare (self, "SELECT " USER_COLUMNS " FROM users u "
                            "WHERE u.id = ? AND u.office_id = ?", NULL);

  if (stmt == NULL)
    return NULL;
  pz_db_bind_int64 (stmt, 1, id);
  pz_db_bind_int64 (stmt, 2, office_id);
  return query_user (self, stmt);
}

/**
 * pz_store_list_users:
 *
 * Returns: (transfer full): every user, active or not, by username
 */
GPtrArray *
pz_store_list_users (PzStore *self,
                     gint64   office_id,
                     GError **error)
{
  PzDbStmt *stmt = prepare (self, "SELECT " USER_COLUMNS " FROM users u WHERE u.office_id = ? "
                            "ORDER BY u.username", error);
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func ((GDestroyNotify) pz_user_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  pz_db_bind_int64 (stmt, 1, office_id);
  while ((rc = db_step (self, stmt)) == PZ_DB_STEP_ROW)
    g_ptr_array_add (users, read_user (self, stmt));
  pz_db_reset (stmt);
  if (rc != PZ_DB_STEP_DONE)
    {
      sql_error (self, error);
      return NULL;
    }
  for (guint i = 0; i < users->len; i++)
    {
      PzUser *u = g_ptr_array_index (users, i);
      load_roles (self, u);
    }
  return g_steal_pointer (&users);
}

/**
 * pz_store_update_user:
 * @roles: (nullable): the new roles, or %NULL to keep them
 *
 * Writes @user's name, NIP, active flag and signing identity, and its
 * roles if given.
 */
gboolean
pz_store_update_user (PzStore            *self,
                      const PzUser       *user,
                      const char * const *roles,
                      GError            **error)
{
  PzDbStmt *stmt = prepare (self, "UPDATE users SET full_name = ?, nip = ?, active = ?, signing_identity = ? "
                            "WHERE id = ? AND office_id = ?", error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, user->full_name);
  bind_text (stmt, 2, user->nip);
  pz_db_bind_int64 (stmt, 3, user->active ? 1 : 0);
  bind_text (stmt, 4, user->signing_identity);
  pz_db_bind_int64 (stmt, 5, user->id);
  pz_db_bind_int64 (stmt, 6, user->office_id);
  if (!step_done (self, stmt, error))
    return FALSE;
  if (pz_db_changes (self->db) == 0)
    {
      g_set_error (error, PZ_STORE_ERROR, PZ_STORE_ERROR_NOT_FOUND, "no such user");
      return FALSE;
    }
  if (roles == NULL)
    return TRUE;
  if (!(stmt = prepare (self, "DELETE FROM user_roles WHERE user_id = ?", error)))
    return FALSE;
  pz_db_bind_int64 (stmt, 1, user->id);
  if (!step_done (self, stmt, error))
    return FALSE;
  for (guint i = 0; roles[i]; i++)
    {
      if (!(stmt = prepare (self, "INSERT INTO user_roles (user_id, role) VALUES (?, ?) ON CONFLICT DO NOTHING", error)))
        return FALSE;
      pz_db_bind_int64 (stmt, 1, user->id);
      bind_text (stmt, 2, roles[i]);
      if (!step_done (self, stmt, error))
        return FALSE;
    }
  return TRUE;
}

/* Acting officials */

void
pz_acting_free (PzActing *a)
{
  if (a == NULL)
    return;
  g_free (a->role);
  g_free (a->kind);
  g_free (a->starts_on);
  g_free (a->ends_on);
  g_free (a);
}

gint64
pz_store_insert_acting (PzStore        *self,
                        const PzActing *a,
                        gint64          created_by,
                        gint64          now,
                        GError        **error)
{
  PzDbStmt *stmt = prepare (self,
                            "INSERT INTO acting (user_id, role, kind, starts_on, ends_on, starts_at,"
                            "  ends_at, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                            error);
  if (stmt == NULL)
    return 0;
  pz_db_bind_int64 (stmt, 1, a->user_id);
  bind_text (stmt, 2, a->role);
  bind_text (stmt, 3, a->kind);
  bind_text (stmt, 4, a->starts_on);
  bind_text (stmt, 5, a->ends_on);
  pz_db_bind_int64 (stmt, 6, a->starts_at);
  pz_db_bind_int64 (stmt, 7, a->ends_at);
  pz_db_bind_int64 (stmt, 8, now);
  pz_db_bind_int64 (stmt, 9, created_by);
  {
    gint64 id;

    if (!step_returning (self, stmt, &id, error))
      return 0;
    return id;
  }
}

/**
 * pz_store_list_acting:
 * @user_id: a user, or 0 for every user
 *
 * Returns: (transfer full) (element-type PzActing): the acting periods,
 *   newest first, ended ones included
 */
GPtrArray *
pz_store_list_acting (PzStore *self,
                      gint64   user_id,
                      GError **error)
{
  PzDbStmt *stmt = prepare (self,
                            "SELECT id, user_id, role, kind, starts_on, ends_on, starts_at, ends_at,"
                            "  ended_at FROM acting WHERE ?1 = 0 OR user_id = ?1 "
                            "ORDER BY starts_at DESC, id DESC", error);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) pz_acting_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  pz_db_bind_int64 (stmt, 1, user_id);
  while ((rc = db_step (self, stmt)) == PZ_DB_STEP_ROW)
    {
      PzActing *a = g_new0 (PzActing, 1);

      a->id = pz_db_column_int64 (stmt, 0);
      a->user_id = pz_db_column_int64 (stmt, 1);
      a->role = column_text (stmt, 2);
      a->kind = column_text (stmt, 3);
      a->starts_on = column_text (stmt, 4);
      a->ends_on = column_text (stmt, 5);
      a->starts_at = pz_db_column_int64 (stmt, 6);
      a->ends_at = pz_db_column_int64 (stmt, 7);
      a->ended_at = pz_db_column_int64 (stmt, 8);
      g_ptr_array_add (list, a);
    }
  pz_db_reset (stmt);
  if (rc != PZ_DB_STEP_DONE)
    {
      sql_error (self, error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

/**
 * pz_store_end_acting:
 *
 * Ends a period early. Returns %FALSE without an error if @id is not one of
 * @user_id's periods still running or to come.
 */
gboolean
pz_store_end_acting (PzStore *self,
                     gint64   user_id,
                     gint64   id,
                     gint64   now,
                     GError **error)
{
  PzDbStmt *stmt = prepare (self,
                            "UPDATE acting SET ended_at = ?3 WHERE id = ?1 AND user_id = ?2 "
                            "AND ended_at IS NULL AND ends_at > ?3", error);
  if (stmt == NULL)
    return FALSE;
  pz_db_bind_int64 (stmt, 1, id);
  pz_db_bind_int64 (stmt, 2, user_id);
  pz_db_bind_int64 (stmt, 3, now);
  if (!step_done (self, stmt, error))
    return FALSE;
  return pz_db_changes (self->db) > 0;
}

gboolean
pz_store_set_password (PzStore    *self,
                       gint64      user_id,
                       const char *password_hash,
                       gboolean    must_change,
                       GError    **error)
{
  PzDbStmt *stmt = prepare (self,
                            "UPDATE users SET password_hash = ?, must_change_password = ? WHERE id = ?",
                            error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, password_hash);
  pz_db_bind_int64 (stmt, 2, must_change ? 1 : 0);
  pz_db_bind_int64 (stmt, 3, user_id);
  return step_done (self, stmt, error);
}

/* Ends every session of a user, but @keep_hash's (the one asking). */
gboolean
pz_store_revoke_user_sessions (PzStore    *self,
                               gint64      user_id,
                               const char *keep_hash,
                               gint64      now,
                               GError    **error)
{
  PzDbStmt *stmt = prepare (self,
                            "UPDATE sessions SET revoked_at = ? WHERE user_id = ? "
                            "AND revoked_at IS NULL AND token_hash IS DISTINCT FROM ?", error);

  if (stmt == NULL)
    return FALSE;
  pz_db_bind_int64 (stmt, 1, now);
  pz_db_bind_int64 (stmt, 2, user_id);
  bind_text (stmt, 3, keep_hash);
  return step_done (self, stmt, error);
}

gboolean
pz_store_insert_audit (PzStore    *self,
                       gint64      user_id,
                       gint64      at,
                       const char *action,
                       const char *target,
                       const char *detail_json,
                       GError    **error)
{
  PzDbStmt *stmt = prepare (self,
                            "INSERT INTO audit (at, user_id, action, target, detail, office_id) "
                            "VALUES (?1, ?2, ?3, ?4, ?5, (SELECT office_id FROM users WHERE id = ?2))",
                            error);

  if (stmt == NULL)
    return FALSE;
  pz_db_bind_int64 (stmt, 1, at);
  pz_db_bind_int64 (stmt, 2, user_id);
  bind_text (stmt, 3, action);
  bind_text (stmt, 4, target);
  bind_text (stmt, 5, detail_json);
  return step_done (self, stmt, error);
}

/**
 * pz_store_list_audit:
 * @limit: the newest this many
 *
 * Returns: (transfer full): PzAuditEntry, newest first
 */
GPtrArray *
pz_store_list_audit (PzStore *self,
                     gint64   office_id,
                     guint    limit,
                     GError **error)
{
  PzDbStmt *stmt = prepare (self,
                            "SELECT a.at, u.username, u.full_name, a.action, a.target, a.detail "
                            "FROM audit a JOIN users u ON u.id = a.user_id "
                            "WHERE a.office_id = ?2 ORDER BY a.id DESC LIMIT ?1", error);
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) pz_audit_entry_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  pz_db_bind_int64 (stmt, 1, (int) limit);
  pz_db_bind_int64 (stmt, 2, office_id);
  while ((rc = db_step (self, stmt)) == PZ_DB_STEP_ROW)
    {
      PzAuditEntry *e = g_new0 (PzAuditEntry, 1);

      e->at = pz_db_column_int64 (stmt, 0);
      e->username = column_text (stmt, 1);
      e->full_name = column_text (stmt, 2);
      e->action = column_text (stmt, 3);
      e->target = column_text (stmt, 4);
      e->detail = column_text (stmt, 5);
      g_ptr_array_add (entries, e);
    }
  pz_db_reset (stmt);
  if (rc != PZ_DB_STEP_DONE)
    {
      sql_error (self, error);
      return NULL;
    }
  return g_steal_pointer (&entries);
}

void
pz_audit_entry_free (PzAuditEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->username);
  g_free (entry->full_name);
  g_free (entry->action);
  g_free (entry->target);
  g_free (entry->detail);
  g_free (entry);
}

gboolean
pz_store_insert_session (PzStore    *self,
                         const char *token_hash,
                         gint64      user_id,
                         gint64      created_at,
                         gint64      expires_at,
                         GError    **error)
{
  PzDbStmt *stmt = prepare (self,
                            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) "
                            "VALUES (?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, token_hash);
  pz_db_bind_int64 (stmt, 2, user_id);
  pz_db_bind_int64 (stmt, 3, created_at);
  pz_db_bind_int64 (stmt, 4, expires_at);
  return step_done (self, stmt, error);
}

/**
 * pz_store_session_user:
 * @self: a store
 * @token_hash: the hash of a bearer token
 * @now: the current time
 * @expires_at: (out) (optional): when the session ends
 *
 * Returns: (transfer full) (nullable): the active user of a live session
 */
PzUser *
pz_store_session_user (PzStore    *self,
                       const char *token_hash,
                       gint64      now,
                       gint64     *expires_at)
{
  PzDbStmt *stmt = prepare (self,
                            "SELECT " USER_COLUMNS ", s.expires_at FROM sessions s "
                            "JOIN users u ON u.id = s.user_id "
                            "WHERE s.token_hash = ? AND s.revoked_at IS NULL "
                            "AND s.expires_at > ? AND u.active = 1", NULL);
  PzUser *user = NULL;

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, token_hash);
  pz_db_bind_int64 (stmt, 2, now);
  if (db_step (self, stmt) == PZ_DB_STEP_ROW)
    {
      user = read_user (self, stmt);
      if (expires_at)
        *expires_at = pz_db_column_int64 (stmt, 9);
    }
  pz_db_reset (stmt);
  if (user)
    load_roles (self, user);
  return user;
}

/**
 * pz_store_touch_session:
 * @self: a store
 * @token_hash: the hash of a bearer token
 * @now: the current time
 * @idle_seconds: how long a session may go without a request
 *
 * Notes a request of a live session.
 *
 * Returns: whether the session is live (not revoked, not expired, not idle)
 */
gboolean
pz_store_touch_session (PzStore    *self,
                        const char *token_hash,
                        gint64      now,
                        gint64      idle_seconds)
{
  PzDbStmt *stmt = prepare (self,
                            "UPDATE sessions SET last_seen_at = ?1 "
                            "WHERE token_hash = ?2 AND revoked_at IS NULL AND expires_at > ?1 "
                            "AND COALESCE(last_seen_at, created_at) > ?1 - ?3", NULL);

  if (stmt == NULL)
    return FALSE;
  pz_db_bind_int64 (stmt, 1, now);
  bind_text (stmt, 2, token_hash);
  pz_db_bind_int64 (stmt, 3, idle_seconds);
  /* the note can wait for the next request; a database another program
   * holds for writing must not end the session */
  if (!step_done (self, stmt, NULL))
    return pz_store_session_live (self, token_hash, now, idle_seconds);
  return pz_db_changes (self->db) > 0;
}

/* Whether a session is live, without noting a request. */
gboolean
pz_store_session_live (PzStore    *self,
                       const char *token_hash,
                       gint64      now,
                       gint64      idle_seconds)
{
  PzDbStmt *stmt = prepare (self,
                            "SELECT 1 FROM sessions s JOIN users u ON u.id = s.user_id "
                            "WHERE s.token_hash = ?2 AND s.revoked_at IS NULL AND s.expires_at > ?1 "
                            "AND COALESCE(s.last_seen_at, s.created_at) > ?1 - ?3 AND u.active = 1", NULL);
  gboolean live;

  if (stmt == NULL)
    return FALSE;
  pz_db_bind_int64 (stmt, 1, now);
  bind_text (stmt, 2, token_hash);
  pz_db_bind_int64 (stmt, 3, idle_seconds);
  live = db_step (self, stmt) == PZ_DB_STEP_ROW;
  pz_db_reset (stmt);
  return live;
}

/**
 * pz_store_purge:
 * @self: a store
 * @now: the current time
 * @idle_seconds: how long a session may go without a request
 * @idempotency_seconds: how long the answer to a retry is kept
 *
 * Deletes the sessions that ended (logged out, expired, idle) and the
 * answers kept for retries that are older than @idempotency_seconds.
 *
 * Returns: the number of rows deleted, or -1
 */
gint64
pz_store_purge (PzStore *self,
                gint64   now,
                gint64   idle_seconds,
                gint64   idempotency_seconds,
                GError **error)
{
  PzDbStmt *sessions = prepare (self,
                                "DELETE FROM sessions WHERE revoked_at IS NOT NULL OR expires_at <= ?1 "
                                "OR COALESCE(last_seen_at, created_at) <= ?1 - ?2", error);
  PzDbStmt *idem;
  gint64 n;

  if (sessions == NULL)
    return -1;
  pz_db_bind_int64 (sessions, 1, now);
  pz_db_bind_int64 (sessions, 2, idle_seconds);
  if (!step_done (self, sessions, error))
    return -1;
  n = pz_db_changes (self->db);
  if (!(idem = prepare (self, "DELETE FROM idempotency WHERE created_at <= ?", error)))
    return -1;
  pz_db_bind_int64 (idem, 1, now - idempotency_seconds);
  if (!step_done (self, idem, error))
    return -1;
  return n + pz_db_changes (self->db);
}

gboolean
pz_store_revoke_session (PzStore    *self,
                         const char *token_hash,
                         gint64      now,
                         GError    **error)
{
  PzDbStmt *stmt = prepare (self,
                            "UPDATE sessions SET revoked_at = ? "
                            "WHERE token_hash = ? AND revoked_at IS NULL", error);
  if (stmt == NULL)
    return FALSE;
  pz_db_bind_int64 (stmt, 1, now);
  bind_text (stmt, 2, token_hash);
  return step_done (self, stmt, error);
}
