/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Administration: users, roles, passwords, the audit log and holidays. */
#define G_LOG_DOMAIN "pz-server"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pz-http-private.h"

/* Administration */

gboolean
require_admin (Req *req)
{
  if (g_strv_contains ((const char * const *) req->user->roles, "admin"))
    return TRUE;
  send_error (req->msg, 403, "forbidden", _("Only an administrator may do this"), NULL);
  return FALSE;
}



static char *
audit_detail (JsonObject *body)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonObject) copy = json_object_new ();
  g_autoptr(GList) members = json_object_get_members (body);

  /* never a password in the audit log */
  for (GList *l = members; l; l = l->next)
    if (!g_str_equal (l->data, "password"))
      json_object_set_member (copy, l->data, json_node_copy (json_object_get_member (body, l->data)));
  json_node_set_object (node, copy);
  return json_to_string (node, FALSE);
}

gboolean
commit_admin_change (Req        *req,
                     AdminChange change,
                     gpointer    data,
                     const char *action,
                     const char *target,
                     JsonObject *body)
{
  PzStore *store = pz_engine_get_store (req->server->engine);
  g_autofree char *detail = audit_detail (body);
  g_autoptr(GError) error = NULL;

  flush_batch (req->server);
  if (!pz_store_begin (store, &error))
    goto failed;
  if (!change (store, data, &error) ||
      !pz_store_insert_audit (store, req->user->id, req->now, action, target, detail, &error) ||
      !pz_store_commit (store, &error))
    {
      pz_store_rollback (store);
      goto failed;
    }
  /* roles, deactivation and passwords take effect on the next request,
   * and an ended session's event socket closes at once */
  sessions_ended (req->server, NULL);
  return TRUE;

failed:
  if (change == key_change && ((KeyChange *) data)->refusal)
    {
      const GError *refusal = ((KeyChange *) data)->refusal;
      g_autoptr(GPtrArray) details = pz_details_new ();

      if (refusal->code == PZ_ENGINE_ERROR_RULE || refusal->code == PZ_ENGINE_ERROR_FORBIDDEN ||
          refusal->code == PZ_ENGINE_ERROR_UNCONFIRMED)
        {
          pz_detail_add (details,
                         refusal->code == PZ_ENGINE_ERROR_UNCONFIRMED ? "current_passphrase"
                         : refusal->code == PZ_ENGINE_ERROR_FORBIDDEN ? "passphrase" : "pkcs12",
                         "%s", refusal->message);
          send_error (req->msg, 422, "invalid", _("Some fields need attention"), details);
        }
      else
        send_error (req->msg, 500, "internal", refusal->message, NULL);
      return FALSE;
    }
  if (g_error_matches (error, PZ_STORE_ERROR, PZ_STORE_ERROR_NOT_FOUND))
    send_error (req->msg, 404, "not_found", error->message, NULL);
  else if (g_error_matches (error, PZ_STORE_ERROR, PZ_STORE_ERROR_CONSTRAINT) && g_str_has_prefix (action, "user."))
    send_error (req->msg, 409, "duplicate", _("There is already a user with this username"), NULL);
  else
    send_error (req->msg, 500, "internal", _("The change could not be saved"), NULL);
  return FALSE;
}

void
handle_list_users (Req *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) users = pz_store_list_users (pz_engine_get_store (req->server->engine), req->user->office_id, &error);
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);

  if (users == NULL)
    {
      send_error (req->msg, 500, "internal", _("The users could not be read"), NULL);
      return;
    }
  for (guint i = 0; i < users->len; i++)
    {
      PzUser *u = g_ptr_array_index (users, i);
      JsonNode *j = user_json (u, 0, req->server->engine);
      json_object_set_int_member (json_node_get_object (j), "id", u->id);
      json_array_add_element (array, j);
    }
  json_node_set_array (node, array);
  send_json (req->msg, 200, node);
}

typedef struct {
  const char         *username;
  const char         *full_name;
  const char         *nip;
  const char * const *roles;
  const char         *hash;
  gint64              office_id;
  gint64              id;
} NewUser;

static gboolean
insert_user_change (PzStore *store,
                    gpointer data,
                    GError **error)
{
  NewUser *n = data;

  n->id = pz_store_insert_user (store, n->office_id, n->username, n->full_name, n->nip, n->roles, n->hash, error);
  return n->id > 0 && pz_store_set_password (store, n->id, n->hash, TRUE, error);
}


void
handle_create_user (Req *req)
{
  static const char * const known[] = { "username", "full_name", "nip", "roles", "password", NULL };
  g_autoptr(JsonObject) body = read_json_body (req);
  g_autoptr(GPtrArray) details = pz_details_new ();
  g_auto(GStrv) roles = NULL;
  g_autofree char *hash = NULL;
  g_autoptr(PzUser) user = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *username, *full_name, *nip, *password;
  NewUser n = { 0 };
  Argon *argon;

  if (body == NULL || !only_members (req, body, known) ||
      !get_member (req, body, "username", G_TYPE_STRING, TRUE, &username) ||
      !get_member (req, body, "full_name", G_TYPE_STRING, TRUE, &full_name) ||
      !get_member (req, body, "nip", G_TYPE_STRING, FALSE, &nip) ||
      !get_member (req, body, "password", G_TYPE_STRING, TRUE, &password))
    return;
  if (!pz_auth_username_is_valid (json_node_get_string (username)))
    pz_detail_add (details, "username", "%s",
                   _("3 to 32 lower-case letters, digits, dots, dashes or underscores"));
  if (!pz_valid_text (json_node_get_string (full_name), 200) || !*json_node_get_string (full_name))
    pz_detail_add (details, "full_name", "%s", _("Give the name as it is to appear in the history"));
  if (nip && !pz_valid_nip (json_node_get_string (nip)))
    pz_detail_add (details, "nip", "%s", _("A NIP has 18 digits"));
  pz_engine_check_password ("password", json_node_get_string (password), details);
  if (!json_object_has_member (body, "roles"))
    pz_detail_add (details, "roles", "%s", _("Give at least one role"));
  else
    roles = pz_engine_read_roles (body, details);
  pz_engine_check_roles ((const char * const *) roles, req->server->config->admin_office_roles, details);
  if (details->len)
    {
      send_error (req->msg, 422, "invalid", _("Some fields need attention"), details);
      return;
    }
  if (!(argon = argon_result (req, NULL, NULL, json_node_get_string (password))))
    return;
  if (!(hash = g_strdup (argon->hash)))
    {
      send_error (req->msg, 500, "internal", argon->hash_error, NULL);
      return;
    }
  n = (NewUser) { json_node_get_string (username), json_node_get_string (full_name),
                  nip ? json_node_get_string (nip) : NULL, (const char * const *) roles, hash, req->user->office_id, 0 };
  if (!commit_admin_change (req, insert_user_change, &n, "user.create", n.username, body))
    return;
  user = pz_store_get_user (pz_engine_get_store (req->server->engine), req->user->office_id, n.id);
  {
    g_autoptr(JsonNode) j = user_json (user, 0, req->server->engine);
    json_object_set_int_member (json_node_get_object (j), "id", user->id);
    send_json (req->msg, 201, j);
  }
}

typedef struct {
  PzUser             *user;
  const char * const *roles;
  const char         *keep_hash;
  gint64              now;
  gboolean            revoke;
} UserUpdate;

static gboolean
update_user_change (PzStore *store,
                    gpointer data,
                    GError **error)
{
  UserUpdate *u = data;

  return pz_store_update_user (store, u->user, u->roles, error) &&
         (!u->revoke || pz_store_revoke_user_sessions (store, u->user->id, NULL, u->now, error));
}

void
handle_update_user (Req   *req,
                    gint64 id)
{
  static const char * const known[] = { "full_name", "nip", "roles", "active", "signing_identity", NULL };
  g_autoptr(JsonObject) body = read_json_body (req);
  g_autoptr(GPtrArray) details = pz_details_new ();
  g_autoptr(PzUser) user = pz_store_get_user (pz_engine_get_store (req->server->engine), req->user->office_id, id);
  g_auto(GStrv) roles = NULL;
  JsonNode *full_name, *nip, *active, *identity = NULL;
  UserUpdate u = { 0 };

  if (user == NULL)
    {
      send_error (req->msg, 404, "not_found", _("There is no such user"), NULL);
      return;
    }
  if (body == NULL || !only_members (req, body, known) ||
      !get_member (req, body, "full_name", G_TYPE_STRING, FALSE, &full_name) ||
      !get_member (req, body, "nip", G_TYPE_STRING, FALSE, &nip) ||
      !get_member (req, body, "active", G_TYPE_BOOLEAN, FALSE, &active))
    return;
  /* null unlinks it, as an empty string does */
  if (json_object_has_member (body, "signing_identity") &&
      !JSON_NODE_HOLDS_NULL (json_object_get_member (body, "signing_identity")) &&
      !get_member (req, body, "signing_identity", G_TYPE_STRING, FALSE, &identity))
    return;
  if (identity)
    pz_engine_check_signing_identity (req->server->engine, json_node_get_string (identity), details);
  if (full_name && (!pz_valid_text (json_node_get_string (full_name), 200) || !*json_node_get_string (full_name)))
    pz_detail_add (details, "full_name", "%s", _("Give the name as it is to appear in the history"));
  if (nip && !pz_valid_nip (json_node_get_string (nip)))
    pz_detail_add (details, "nip", "%s", _("A NIP has 18 digits"));
  if (json_object_has_member (body, "roles"))
    roles = pz_engine_read_roles (body, details);
  pz_engine_check_roles ((const char * const *) roles, req->server->config->admin_office_roles, details);
  if (user->id == req->user->id && active && !json_node_get_boolean (active))
    pz_detail_add (details, "active", "%s", _("You cannot deactivate your own account"));
  if (user->id == req->user->id && roles && !g_strv_contains ((const char * const *) roles, "admin"))
    pz_detail_add (details, "roles", "%s", _("You cannot take the administrator role from yourself"));
  if (details->len)
    {
      send_error (req->msg, 422, "invalid", _("Some fields need attention"), details);
      return;
    }

  if (full_name)
    {
      g_free (user->full_name);
      user->full_name = g_strdup (json_node_get_string (full_name));
    }
  if (nip)
    {
      g_free (user->nip);
      user->nip = g_strdup (json_node_get_string (nip));
    }
  if (json_object_has_member (body, "signing_identity"))
    {
      const char *text = identity ? json_node_get_string (identity) : NULL;

      g_free (user->signing_identity);
      user->signing_identity = text && *text ? g_strdup (text) : NULL;
    }
  u.revoke = active && user->active && !json_node_get_boolean (active);
  if (active)
    user->active = json_node_get_boolean (active);
  u.user = user;
  u.roles = (const char * const *) roles;
  u.now = req->now;
  if (!commit_admin_change (req, update_user_change, &u,
                            active && !user->active ? "user.deactivate" : "user.update",
                            user->username, body))
    return;
  {
    g_autoptr(PzUser) fresh = pz_store_get_user (pz_engine_get_store (req->server->engine), req->user->office_id, id);
    g_autoptr(JsonNode) j = user_json (fresh, 0, req->server->engine);
    json_object_set_int_member (json_node_get_object (j), "id", fresh->id);
    send_json (req->msg, 200, j);
  }
}

typedef struct {
  gint64      id;
  const char *hash;
  gboolean    must_change;
  const char *keep_hash;
  gint64      now;
} PasswordChange;

static gboolean
password_change (PzStore *store,
                 gpointer data,
                 GError **error)
{
  PasswordChange *p = data;

  return pz_store_set_password (store, p->id, p->hash, p->must_change, error) &&
         pz_store_revoke_user_sessions (store, p->id, p->keep_hash, p->now, error);
}

/* An administrator sets a new password, which the user must change at the
 * next login; the user's sessions end. */
void
handle_reset_password (Req   *req,
                       gint64 id)
{
  static const char * const known[] = { "password", NULL };
  g_autoptr(JsonObject) body = read_json_body (req);
  g_autoptr(GPtrArray) details = pz_details_new ();
  g_autoptr(PzUser) user = pz_store_get_user (pz_engine_get_store (req->server->engine), req->user->office_id, id);
  g_autofree char *hash = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *password;
  PasswordChange p = { 0 };
  Argon *argon;

  if (user == NULL)
    {
      send_error (req->msg, 404, "not_found", _("There is no such user"), NULL);
      return;
    }
  if (body == NULL || !only_members (req, body, known) ||
      !get_member (req, body, "password", G_TYPE_STRING, TRUE, &password))
    return;
  if (!pz_engine_check_password ("password", json_node_get_string (password), details))
    {
      send_error (req->msg, 422, "invalid", _("Some fields need attention"), details);
      return;
    }
  if (!(argon = argon_result (req, NULL, NULL, json_node_get_string (password))))
    return;
  if (!(hash = g_strdup (argon->hash)))
    {
      send_error (req->msg, 500, "internal", argon->hash_error, NULL);
      return;
    }
  p = (PasswordChange) { id, hash, TRUE, NULL, req->now };
  if (commit_admin_change (req, password_change, &p, "user.reset_password", user->username, body))
    soup_server_message_set_status (req->msg, 204, NULL);
}

/* A user changes their own password (required after a reset); their other
 * sessions end, this one goes on. */
void
handle_change_password (Req *req)
{
  static const char * const known[] = { "old_password", "new_password", NULL };
  g_autoptr(JsonObject) body = read_json_body (req);
  g_autoptr(GPtrArray) details = pz_details_new ();
  g_autoptr(PzUser) user = pz_store_get_user (pz_engine_get_store (req->server->engine), req->user->office_id, req->user->id);
  g_autofree char *token = bearer_token (req);
  g_autofree char *keep = pz_auth_hash_token (token);
  g_autofree char *hash = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *old_password, *new_password;
  PasswordChange p = { 0 };
  g_autofree char *key = NULL;
  Argon *argon;

  if (body == NULL || !only_members (req, body, known) ||
      !get_member (req, body, "old_password", G_TYPE_STRING, TRUE, &old_password) ||
      !get_member (req, body, "new_password", G_TYPE_STRING, TRUE, &new_password))
    return;
  if (pz_engine_check_password ("new_password", json_node_get_string (new_password), details) &&
      g_str_equal (json_node_get_string (old_password), json_node_get_string (new_password)))
    pz_detail_add (details, "new_password", "%s", _("Choose a password different from the current one"));
  if (details->len)
    {
      send_error (req->msg, 422, "invalid", _("Some fields need attention"), details);
      return;
    }
  /* the old password is a secret to guess like the one at the login */
  key = throttle_user_key ("password", user, client_address (req));
  if (g_object_get_data (G_OBJECT (req->msg), "pz-argon") == NULL &&
      !throttle_attempt (req, key, client_address (req)))
    return;
  if (!(argon = argon_result (req, user->password_hash, json_node_get_string (old_password),
                              json_node_get_string (new_password))))
    return;
  if (!argon->verified)
    {
      pz_detail_add (details, "old_password", "%s", _("This is not your current password"));
      send_error (req->msg, 422, "invalid", _("Some fields need attention"), details);
      return;
    }
  throttle_success (req->server, key, client_address (req));
  if (!(hash = g_strdup (argon->hash)))
    {
      send_error (req->msg, 500, "internal", argon->hash_error, NULL);
      return;
    }
  p = (PasswordChange) { user->id, hash, FALSE, keep, req->now };
  {
    /* the audit record names the change, never the passwords */
    g_autoptr(JsonObject) none = json_object_new ();
    if (commit_admin_change (req, password_change, &p, "user.change_password", user->username, none))
      soup_server_message_set_status (req->msg, 204, NULL);
  }
}

void
handle_audit (Req *req)
{
  guint64 limit = 200;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);

  if (!query_uint (req, "limit", 1, 10000, 200, &limit))
    return;
  if (!(entries = pz_store_list_audit (pz_engine_get_store (req->server->engine), req->user->office_id, (guint) limit, &error)))
    {
      send_error (req->msg, 500, "internal", _("The audit log could not be read"), NULL);
      return;
    }
  for (guint i = 0; i < entries->len; i++)
    {
      PzAuditEntry *e = g_ptr_array_index (entries, i);
      g_autoptr(JsonObject) o = json_object_new ();
      g_autofree char *at = pz_engine_format_time (req->server->engine, e->at);
      JsonNode *detail = json_from_string (e->detail, NULL);

      json_object_set_string_member (o, "at", at);
      json_object_set_string_member (o, "by", e->username);
      json_object_set_string_member (o, "by_name", e->full_name);
      json_object_set_string_member (o, "action", e->action);
      json_object_set_string_member (o, "target", e->target);
      json_object_set_member (o, "detail", detail ? detail : json_node_new (JSON_NODE_NULL));
      json_array_add_object_element (array, g_steal_pointer (&o));
    }
  json_node_set_array (node, array);
  send_json (req->msg, 200, node);
}

/* The office calendar: national holidays, collective leave, regional days. */

void
handle_list_holidays (Req *req)
{
  guint64 year = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);

  if (!query_uint (req, "year", 2000, 2100, 0, &year))
    return;
  if (!(rows = pz_store_list_holiday_rows (pz_engine_get_store (req->server->engine), req->user->office_id,
                                           (guint) year, &error)))
    {
      send_error (req->msg, 500, "internal", _("The calendar could not be read"), NULL);
      return;
    }
  for (guint i = 0; i < rows->len; i++)
    {
      char **row = g_ptr_array_index (rows, i);
      JsonObject *o = json_object_new ();

      json_object_set_string_member (o, "date", row[0]);
      json_object_set_string_member (o, "name", row[1]);
      json_object_set_string_member (o, "kind", row[2]);
      json_array_add_object_element (array, o);
    }
  json_node_set_array (node, array);
  send_json (req->msg, 200, node);
}

typedef struct {
  gint64      office_id;
  const char *date;
  const char *name;
  const char *kind;
  gboolean    deleted;
} HolidayChange;

static gboolean
put_holiday_change (PzStore *store,
                    gpointer data,
                    GError **error)
{
  HolidayChange *h = data;
  return pz_store_put_holiday (store, h->office_id, h->date, h->name, h->kind, error);
}

static gboolean
delete_holiday_change (PzStore *store,
                       gpointer data,
                       GError **error)
{
  HolidayChange *h = data;
  return pz_store_delete_holiday (store, h->office_id, h->date, &h->deleted, error);
}

/* The calendar changed: open files' due times follow it at once. */
void
reload_calendar (Req *req)
{
  g_autoptr(GError) error = NULL;
  gint64 moved;

  if (!reload_office (req->server, &error))
    g_warning ("The calendar could not be reloaded: %s", error->message);
  g_clear_error (&error);
  flush_batch (req->server);
  moved = pz_engine_recompute_due_times (req->server->engine, req->user->office_id, &error);
  if (moved < 0)
    g_warning ("Due times could not be recomputed: %s", error->message);
  else if (moved > 0)
    {
      /* every open list may show other due times now */
      g_autofree char *text = g_strdup_printf ("{\"type\":\"calendar.changed\",\"office\":%" G_GINT64_FORMAT "}",
                                               req->user->office_id);
      broadcast (req->server, text);
    }
  escalate (req->server);
}

static gboolean
holiday_date (Req        *req,
              const char *text)
{
  GDate date;

  if (strlen (text) == 10 && pz_parse_date (text, &date))
    return TRUE;
  send_error (req->msg, 404, "not_found", _("A holiday is named by its date, YYYY-MM-DD"), NULL);
  return FALSE;
}

void
handle_put_holiday (Req        *req,
                    const char *date)
{
  static const char * const known[] = { "name", "kind", NULL };
  g_autoptr(JsonObject) body = read_json_body (req);
  g_autoptr(GPtrArray) details = pz_details_new ();
  JsonNode *name, *kind;
  HolidayChange h = { 0 };

  if (!holiday_date (req, date))
    return;
  if (body == NULL || !only_members (req, body, known) ||
      !get_member (req, body, "name", G_TYPE_STRING, TRUE, &name) ||
      !get_member (req, body, "kind", G_TYPE_STRING, TRUE, &kind))
    return;
  if (!pz_valid_text (json_node_get_string (name), 200) || !*json_node_get_string (name))
    pz_detail_add (details, "name", "%s", _("Give the day's name, as in the decree"));
  if (!g_strv_contains (pz_holiday_kinds, json_node_get_string (kind)))
    pz_detail_add (details, "kind", "%s", _("One of national, cuti_bersama or regional"));
  if (details->len)
    {
      send_error (req->msg, 422, "invalid", _("Some fields need attention"), details);
      return;
    }
  h = (HolidayChange) { req->user->office_id, date, json_node_get_string (name), json_node_get_string (kind),
                        FALSE };
  json_object_set_string_member (body, "date", date);
  if (!commit_admin_change (req, put_holiday_change, &h, "holiday.put", date, body))
    return;
  reload_calendar (req);
  json_object_remove_member (body, "date");
  {
    g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
    JsonObject *o = json_object_new ();

    json_object_set_string_member (o, "date", date);
    json_object_set_string_member (o, "name", h.name);
    json_object_set_string_member (o, "kind", h.kind);
    json_node_take_object (node, o);
    send_json (req->msg, 200, node);
  }
}

void
handle_delete_holiday (Req        *req,
                       const char *date)
{
  g_autoptr(JsonObject) none = json_object_new ();
  HolidayChange h = { req->user->office_id, date, NULL, NULL, FALSE };

  if (!holiday_date (req, date))
    return;
  if (!commit_admin_change (req, delete_holiday_change, &h, "holiday.delete", date, none))
    return;
  if (!h.deleted)
    {
      send_error (req->msg, 404, "not_found", _("There is no holiday on that date"), NULL);
      return;
    }
  reload_calendar (req);
  soup_server_message_set_status (req->msg, 204, NULL);
}
