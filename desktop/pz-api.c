/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-api"

#include "config.h"

#include "pz-api.h"

/* Every path and body the desktop sends is made here, and only here. A
 * part of a path that comes from data (a requirement, a permit type's
 * code, a date) is escaped, so nothing typed can reach another route. */

static char *
escape (const char *part)
{
  return g_uri_escape_string (part ? part : "", NULL, FALSE);
}

static JsonNode *
object_node (JsonObject *obj)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, obj);
  return node;
}

static JsonNode *
finish_json (PzClient     *client,
             GAsyncResult *result,
             GError      **error)
{
  g_return_val_if_fail (PZ_IS_CLIENT (client), NULL);
  g_return_val_if_fail (g_task_is_valid (result, client), NULL);

  return pz_client_request_finish (client, result, NULL, error);
}

static GBytes *
finish_bytes (PzClient     *client,
              GAsyncResult *result,
              char        **content_type,
              GError      **error)
{
  g_return_val_if_fail (PZ_IS_CLIENT (client), NULL);
  g_return_val_if_fail (g_task_is_valid (result, client), NULL);

  return pz_client_get_bytes_finish (client, result, content_type, error);
}

static void
get (PzClient           *client,
     const char         *path,
     GCancellable       *cancellable,
     GAsyncReadyCallback callback,
     gpointer            user_data)
{
  pz_client_request_async (client, "GET", path, NULL, NULL, cancellable, callback, user_data);
}

/* The server and its reference data */

void
pz_api_healthz_async (PzClient           *client,
                      GCancellable       *cancellable,
                      GAsyncReadyCallback callback,
                      gpointer            user_data)
{
  get (client, "/healthz", cancellable, callback, user_data);
}

void
pz_api_list_workflows_async (PzClient           *client,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data)
{
  get (client, "/api/v1/workflows", cancellable, callback, user_data);
}

void
pz_api_list_permit_types_async (PzClient           *client,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
  get (client, "/api/v1/permit-types", cancellable, callback, user_data);
}

/* The session */

/**
 * pz_api_login_async:
 *
 * Logs in; on success the client holds the token and the user.
 */
void
pz_api_login_async (PzClient           *client,
                    const char         *username,
                    const char         *password,
                    GCancellable       *cancellable,
                    GAsyncReadyCallback callback,
                    gpointer            user_data)
{
  pz_client_login_async (client, username, password, cancellable, callback, user_data);
}

gboolean
pz_api_login_finish (PzClient     *client,
                     GAsyncResult *result,
                     GError      **error)
{
  return pz_client_login_finish (client, result, error);
}

void
pz_api_change_password_async (PzClient           *client,
                              const char         *old_password,
                              const char         *new_password,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  g_autoptr(JsonObject) obj = json_object_new ();
  g_autoptr(JsonNode) body = NULL;

  json_object_set_string_member (obj, "old_password", old_password);
  json_object_set_string_member (obj, "new_password", new_password);
  body = object_node (obj);
  pz_client_request_async (client, "POST", "/api/v1/auth/password", body, NULL, cancellable, callback, user_data);
}

/* Files */

void
pz_api_list_inbox_async (PzClient           *client,
                         guint               limit,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data)
{
  g_autofree char *path = limit ? g_strdup_printf ("/api/v1/inbox?limit=%u", limit) : g_strdup ("/api/v1/inbox");

  get (client, path, cancellable, callback, user_data);
}

/**
 * pz_api_search_files_async:
 * @query: what to look for; members left %NULL are not asked
 *
 * Searches every file the user may see (`GET /api/v1/applications`).
 */
void
pz_api_search_files_async (PzClient                 *client,
                           const PzApplicationQuery *query,
                           GCancellable             *cancellable,
                           GAsyncReadyCallback       callback,
                           gpointer                  user_data)
{
  g_autoptr(GString) path = g_string_new ("/api/v1/applications");
  const struct { const char *name; const char *value; } params[] = {
    { "q", query->q && *query->q ? query->q : NULL }, { "step", query->step }, { "status", query->status },
    { "permit_type", query->permit_type },
  };
  char sep = '?';

  if (query->limit)
    {
      g_string_append_printf (path, "?limit=%u", query->limit);
      sep = '&';
    }
  for (guint i = 0; i < G_N_ELEMENTS (params); i++)
    if (params[i].value)
      {
        g_autofree char *escaped = escape (params[i].value);

        g_string_append_printf (path, "%c%s=%s", sep, params[i].name, escaped);
        sep = '&';
      }
  get (client, path->str, cancellable, callback, user_data);
}

void
pz_api_list_late_files_async (PzClient           *client,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  get (client, "/api/v1/late-files", cancellable, callback, user_data);
}

void
pz_api_get_file_async (PzClient           *client,
                       gint64              id,
                       GCancellable       *cancellable,
                       GAsyncReadyCallback callback,
                       gpointer            user_data)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT, id);

  get (client, path, cancellable, callback, user_data);
}

/**
 * pz_api_register_async:
 * @application: the new file as `POST /api/v1/applications` takes it
 */
void
pz_api_register_async (PzClient           *client,
                       JsonNode           *application,
                       GCancellable       *cancellable,
                       GAsyncReadyCallback callback,
                       gpointer            user_data)
{
  pz_client_request_async (client, "POST", "/api/v1/applications", application, NULL, cancellable, callback,
                           user_data);
}

/**
 * pz_api_act_async:
 * @id: the file
 * @action: `approve`, `return` or `reject`
 * @version: the version of the file the user saw; a newer one on the
 *   server refuses with 409 `stale_version`
 * @note: (nullable): the note, needed unless approving
 * @data: (nullable): the step's form, an object
 * @idempotency_key: (nullable): the same key for every retry of one action
 *
 * Moves a file on. A key used for another body refuses with 409 `duplicate`.
 */
void
pz_api_act_async (PzClient           *client,
                  gint64              id,
                  const char         *action,
                  gint64              version,
                  const char         *note,
                  JsonNode           *data,
                  const char         *idempotency_key,
                  GCancellable       *cancellable,
                  GAsyncReadyCallback callback,
                  gpointer            user_data)
{
  g_autoptr(JsonObject) obj = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/actions", id);

  json_object_set_string_member (obj, "action", action);
  json_object_set_int_member (obj, "version", version);
  if (note && *note)
    json_object_set_string_member (obj, "note", note);
  if (data)
    json_object_set_member (obj, "data", json_node_copy (data));
  body = object_node (obj);
  pz_client_request_async (client, "POST", path, body, idempotency_key, cancellable, callback, user_data);
}

/**
 * pz_api_set_verdict_async:
 * @verdict: `ok` or `not_ok`
 * @note: (nullable): why; an empty one is not sent
 *
 * The verdict on one document of the checklist.
 */
void
pz_api_set_verdict_async (PzClient           *client,
                          gint64              id,
                          const char         *requirement,
                          const char         *verdict,
                          const char         *note,
                          GCancellable       *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer            user_data)
{
  g_autoptr(JsonObject) obj = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *escaped = escape (requirement);
  g_autofree char *path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/checklist/%s", id, escaped);

  json_object_set_string_member (obj, "verdict", verdict);
  if (note && *note)
    json_object_set_string_member (obj, "note", note);
  body = object_node (obj);
  pz_client_request_async (client, "PUT", path, body, NULL, cancellable, callback, user_data);
}

static char *
document_path (gint64      id,
               const char *requirement)
{
  g_autofree char *escaped = escape (requirement);

  return g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/documents/%s", id, escaped);
}

void
pz_api_get_document_async (PzClient           *client,
                           gint64              id,
                           const char         *requirement,
                           GCancellable       *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer            user_data)
{
  g_autofree char *path = document_path (id, requirement);

  pz_client_get_bytes_async (client, path, cancellable, callback, user_data);
}

/**
 * pz_api_upload_document_async:
 * @content_type: (nullable): the type as far as the desktop knows
 * @progress: (nullable): told how much is sent, from 0 to 1
 */
void
pz_api_upload_document_async (PzClient           *client,
                              gint64              id,
                              const char         *requirement,
                              GBytes             *contents,
                              const char         *content_type,
                              PzProgressFunc      progress,
                              gpointer            progress_data,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  g_autofree char *path = document_path (id, requirement);

  pz_client_upload_async (client, path, contents, content_type ? content_type : "application/octet-stream",
                          progress, progress_data, cancellable, callback, user_data);
}

/**
 * pz_api_upload_signed_permit_async:
 *
 * The scan of a permit signed on paper (wet signing).
 */
void
pz_api_upload_signed_permit_async (PzClient           *client,
                                   gint64              id,
                                   GBytes             *contents,
                                   const char         *content_type,
                                   PzProgressFunc      progress,
                                   gpointer            progress_data,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data)
{
  pz_api_upload_document_async (client, id, "signed_permit", contents, content_type, progress, progress_data,
                                cancellable, callback, user_data);
}

/**
 * pz_api_get_output_async:
 * @kind: e.g. `receipt`, `permit`
 *
 * A document the server makes from the file (a PDF).
 */
void
pz_api_get_output_async (PzClient           *client,
                         gint64              id,
                         const char         *kind,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data)
{
  g_autofree char *escaped = escape (kind);
  g_autofree char *path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/outputs/%s", id, escaped);

  pz_client_get_bytes_async (client, path, cancellable, callback, user_data);
}

/**
 * pz_api_get_report_async:
 * @from: (nullable): the first day, YYYY-MM-DD; %NULL or empty: the server's default
 * @to: (nullable): the last day
 */
void
pz_api_get_report_async (PzClient           *client,
                         const char         *from,
                         const char         *to,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data)
{
  g_autoptr(GString) path = g_string_new ("/api/v1/reports");
  const char *sep = "?";

  if (from && *from)
    {
      g_autofree char *e = escape (from);
      g_string_append_printf (path, "%sfrom=%s", sep, e);
      sep = "&";
    }
  if (to && *to)
    {
      g_autofree char *e = escape (to);
      g_string_append_printf (path, "%sto=%s", sep, e);
    }
  get (client, path->str, cancellable, callback, user_data);
}

/* Administration: users and acting officials */

void
pz_api_list_users_async (PzClient           *client,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data)
{
  get (client, "/api/v1/admin/users", cancellable, callback, user_data);
}

/**
 * pz_api_save_user_async:
 * @id: the user; 0 creates one (@user then has `username` and `password`)
 * @user: the members to set
 *
 * A username taken already refuses with 409 `duplicate`.
 */
void
pz_api_save_user_async (PzClient           *client,
                        gint64              id,
                        JsonObject         *user,
                        GCancellable       *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer            user_data)
{
  g_autoptr(JsonNode) body = object_node (user);
  g_autofree char *path = NULL;

  if (id == 0)
    {
      pz_client_request_async (client, "POST", "/api/v1/admin/users", body, NULL, cancellable, callback, user_data);
      return;
    }
  path = g_strdup_printf ("/api/v1/admin/users/%" G_GINT64_FORMAT, id);
  pz_client_request_async (client, "PATCH", path, body, NULL, cancellable, callback, user_data);
}

void
pz_api_reset_password_async (PzClient           *client,
                             gint64              user_id,
                             const char         *password,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data)
{
  g_autoptr(JsonObject) obj = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/admin/users/%" G_GINT64_FORMAT "/password", user_id);

  json_object_set_string_member (obj, "password", password);
  body = object_node (obj);
  pz_client_request_async (client, "POST", path, body, NULL, cancellable, callback, user_data);
}

void
pz_api_list_acting_async (PzClient           *client,
                          gint64              user_id,
                          GCancellable       *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer            user_data)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/admin/users/%" G_GINT64_FORMAT "/acting", user_id);

  get (client, path, cancellable, callback, user_data);
}

/**
 * pz_api_add_acting_async:
 * @role: the role held for the period
 * @kind: `plh` (standing in) or `plt` (a vacant post)
 * @starts_on: the first day, YYYY-MM-DD
 * @ends_on: the last day
 */
void
pz_api_add_acting_async (PzClient           *client,
                         gint64              user_id,
                         const char         *role,
                         const char         *kind,
                         const char         *starts_on,
                         const char         *ends_on,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data)
{
  g_autoptr(JsonObject) obj = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/admin/users/%" G_GINT64_FORMAT "/acting", user_id);

  json_object_set_string_member (obj, "role", role);
  json_object_set_string_member (obj, "kind", kind);
  json_object_set_string_member (obj, "starts_on", starts_on);
  json_object_set_string_member (obj, "ends_on", ends_on);
  body = object_node (obj);
  pz_client_request_async (client, "POST", path, body, NULL, cancellable, callback, user_data);
}

void
pz_api_end_acting_async (PzClient           *client,
                         gint64              user_id,
                         gint64              acting_id,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/admin/users/%" G_GINT64_FORMAT "/acting/%" G_GINT64_FORMAT,
                                           user_id, acting_id);

  pz_client_request_async (client, "DELETE", path, NULL, NULL, cancellable, callback, user_data);
}

/* Administration: the calendar */

void
pz_api_list_holidays_async (PzClient           *client,
                            int                 year,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/admin/holidays?year=%d", year);

  get (client, path, cancellable, callback, user_data);
}

/**
 * pz_api_set_holiday_async:
 * @date: the day, YYYY-MM-DD
 * @kind: one of pz_holiday_kinds
 */
void
pz_api_set_holiday_async (PzClient           *client,
                          const char         *date,
                          const char         *name,
                          const char         *kind,
                          GCancellable       *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer            user_data)
{
  g_autoptr(JsonObject) obj = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *escaped = escape (date);
  g_autofree char *path = g_strdup_printf ("/api/v1/admin/holidays/%s", escaped);

  json_object_set_string_member (obj, "name", name);
  json_object_set_string_member (obj, "kind", kind);
  body = object_node (obj);
  pz_client_request_async (client, "PUT", path, body, NULL, cancellable, callback, user_data);
}

void
pz_api_remove_holiday_async (PzClient           *client,
                             const char         *date,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data)
{
  g_autofree char *escaped = escape (date);
  g_autofree char *path = g_strdup_printf ("/api/v1/admin/holidays/%s", escaped);

  pz_client_request_async (client, "DELETE", path, NULL, NULL, cancellable, callback, user_data);
}

/* Administration: the office */

void
pz_api_get_office_async (PzClient           *client,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data)
{
  get (client, "/api/v1/admin/office", cancellable, callback, user_data);
}

/**
 * pz_api_update_office_async:
 * @changes: the members to change (office hours, the profile)
 */
void
pz_api_update_office_async (PzClient           *client,
                            JsonObject         *changes,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  g_autoptr(JsonNode) body = object_node (changes);

  pz_client_request_async (client, "PATCH", "/api/v1/admin/office", body, NULL, cancellable, callback, user_data);
}

void
pz_api_get_logo_async (PzClient           *client,
                       GCancellable       *cancellable,
                       GAsyncReadyCallback callback,
                       gpointer            user_data)
{
  pz_client_get_bytes_async (client, "/api/v1/admin/office/logo", cancellable, callback, user_data);
}

GBytes *
pz_api_get_logo_finish (PzClient     *client,
                        GAsyncResult *result,
                        GError      **error)
{
  return finish_bytes (client, result, NULL, error);
}

void
pz_api_set_logo_async (PzClient           *client,
                       GBytes             *png,
                       GCancellable       *cancellable,
                       GAsyncReadyCallback callback,
                       gpointer            user_data)
{
  pz_client_upload_async (client, "/api/v1/admin/office/logo", png, "image/png", NULL, NULL, cancellable,
                          callback, user_data);
}

void
pz_api_remove_logo_async (PzClient           *client,
                          GCancellable       *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer            user_data)
{
  pz_client_request_async (client, "DELETE", "/api/v1/admin/office/logo", NULL, NULL, cancellable, callback,
                           user_data);
}

/**
 * pz_api_install_certificate_async:
 * @pkcs12: the key and certificate, a PKCS#12 file
 * @passphrase: its passphrase
 * @current_passphrase: (nullable): the passphrase of the key in place,
 *   which the Kadis types to consent to its replacement
 */
void
pz_api_install_certificate_async (PzClient           *client,
                                  GBytes             *pkcs12,
                                  const char         *passphrase,
                                  const char         *current_passphrase,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data)
{
  g_autoptr(JsonObject) obj = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *encoded = g_base64_encode (g_bytes_get_data (pkcs12, NULL), g_bytes_get_size (pkcs12));

  json_object_set_string_member (obj, "pkcs12", encoded);
  json_object_set_string_member (obj, "passphrase", passphrase);
  if (current_passphrase)
    json_object_set_string_member (obj, "current_passphrase", current_passphrase);
  body = object_node (obj);
  pz_client_request_async (client, "PUT", "/api/v1/admin/office/signing-certificate", body, NULL, cancellable,
                           callback, user_data);
}

/* Administration: permit types and the audit log */

/**
 * pz_api_save_permit_type_async:
 * @code: the type's code; a new code makes a new type
 * @type: the whole type; saving makes a new edition
 */
void
pz_api_save_permit_type_async (PzClient           *client,
                               const char         *code,
                               JsonObject         *type,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data)
{
  g_autoptr(JsonNode) body = object_node (type);
  g_autofree char *escaped = escape (code);
  g_autofree char *path = g_strdup_printf ("/api/v1/admin/permit-types/%s", escaped);

  pz_client_request_async (client, "PUT", path, body, NULL, cancellable, callback, user_data);
}

void
pz_api_list_audit_async (PzClient           *client,
                         guint               limit,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data)
{
  g_autofree char *path = limit ? g_strdup_printf ("/api/v1/admin/audit?limit=%u", limit)
                                : g_strdup ("/api/v1/admin/audit");

  get (client, path, cancellable, callback, user_data);
}

/* The answers */

JsonNode *
pz_api_healthz_finish (PzClient     *client,
                       GAsyncResult *result,
                       GError      **error)
{
  return finish_json (client, result, error);
}

JsonNode *
pz_api_list_workflows_finish (PzClient     *client,
                              GAsyncResult *result,
                              GError      **error)
{
  return finish_json (client, result, error);
}

JsonNode *
pz_api_list_permit_types_finish (PzClient     *client,
                                 GAsyncResult *result,
                                 GError      **error)
{
  return finish_json (client, result, error);
}

JsonNode *
pz_api_change_password_finish (PzClient     *client,
                               GAsyncResult *result,
                               GError      **error)
{
  return finish_json (client, result, error);
}

JsonNode *
pz_api_list_inbox_finish (PzClient     *client,
                          GAsyncResult *result,
                          GError      **error)
{
  return finish_json (client, result, error);
}

JsonNode *
pz_api_search_files_finish (PzClient     *client,
                            GAsyncResult *result,
                            GError      **error)
{
  return finish_json (client, result, error);
}

JsonNode *
pz_api_list_late_files_finish (PzClient     *client,
                               GAsyncResult *result,
                               GError      **error)
{
  return finish_json (client, result, error);
}

JsonNode *
pz_api_get_file_finish (PzClient     *client,
                        GAsyncResult *result,
                        GError      **error)
{
  return finish_json (client, result, error);
}

JsonNode *
pz_api_register_finish (PzClient     *client,
                        GAsyncResult *result,
                        GError      **error)
{
  return finish_json (client, result, error);
}

JsonNode *
pz_api_act_finish (PzClient     *client,
                   GAsyncResult *result,
                   GError      **error)
{
  return finish_json (client, result, error);
}

JsonNode *
pz_api_set_verdict_finish (PzClient     *client,
                           GAsyncResult *result,
                           GError      **error)
{
  return finish_json (client, result, error);
}

JsonNode *
pz_api_upload_document_finish (PzClient     *client,
                               GAsyncResult *result,
                               GError      **error)
{
  return finish_json (client, result, error);
}

JsonNode *
pz_api_upload_signed_permit_finish (PzClient     *client,
                                    GAsyncResult *result,
                                    GError      **error)
{
  return finish_json (client, result, error);
}

JsonNode *
pz_api_get_report_finish (PzClient     *client,
                          GAsyncResult *result,
                          GError      **error)
{
  return finish_json (client, result, error);
}

JsonNode *
pz_api_list_users_finish (PzClient     *client,
                          GAsyncResult *result,
                          GError      **error)
{
  return finish_json (client, result, error);
}

JsonNode *
pz_api_save_user_finish (PzClient     *client,
                         GAsyncResult *result,
                         GError      **error)
{
  return finish_json (client, result, error);
}

JsonNode *
pz_api_reset_password_finish (PzClient     *client,
                              GAsyncResult *result,
                              GError      **error)
{
  return finish_json (client, result, error);
}

JsonNode *
pz_api_list_acting_finish (PzClient     *client,
                           GAsyncResult *result,
                           GError      **error)
{
  return finish_json (client, result, error);
}

JsonNode *
pz_api_add_acting_finish (PzClient     *client,
                          GAsyncResult *result,
                          GError      **error)
{
  return finish_json (client, result, error);
}

JsonNode *
pz_api_end_acting_finish (PzClient     *client,
                          GAsyncResult *result,
                          GError      **error)
{
  return finish_json (client, result, error);
}

JsonNode *
pz_api_list_holidays_finish (PzClient     *client,
                             GAsyncResult *result,
                             GError      **error)
{
  return finish_json (client, result, error);
}

JsonNode *
pz_api_set_holiday_finish (PzClient     *client,
                           GAsyncResult *result,
                           GError      **error)
{
  return finish_json (client, result, error);
}

JsonNode *
pz_api_remove_holiday_finish (PzClient     *client,
                              GAsyncResult *result,
                              GError      **error)
{
  return finish_json (client, result, error);
}

JsonNode *
pz_api_get_office_finish (PzClient     *client,
                          GAsyncResult *result,
                          GError      **error)
{
  return finish_json (client, result, error);
}

JsonNode *
pz_api_update_office_finish (PzClient     *client,
                             GAsyncResult *result,
                             GError      **error)
{
  return finish_json (client, result, error);
}

JsonNode *
pz_api_set_logo_finish (PzClient     *client,
                        GAsyncResult *result,
                        GError      **error)
{
  return finish_json (client, result, error);
}

JsonNode *
pz_api_remove_logo_finish (PzClient     *client,
                           GAsyncResult *result,
                           GError      **error)
{
  return finish_json (client, result, error);
}

JsonNode *
pz_api_install_certificate_finish (PzClient     *client,
                                   GAsyncResult *result,
                                   GError      **error)
{
  return finish_json (client, result, error);
}

JsonNode *
pz_api_save_permit_type_finish (PzClient     *client,
                                GAsyncResult *result,
                                GError      **error)
{
  return finish_json (client, result, error);
}

JsonNode *
pz_api_list_audit_finish (PzClient     *client,
                          GAsyncResult *result,
                          GError      **error)
{
  return finish_json (client, result, error);
}

/**
 * pz_api_get_document_finish:
 * @content_type: (out) (optional) (transfer full): the answer's type
 *
 * Returns: (transfer full): the bytes
 */
GBytes *
pz_api_get_document_finish (PzClient     *client,
                            GAsyncResult *result,
                            char        **content_type,
                            GError      **error)
{
  return finish_bytes (client, result, content_type, error);
}

/**
 * pz_api_get_output_finish:
 * @content_type: (out) (optional) (transfer full): the answer's type
 *
 * Returns: (transfer full): the bytes
 */
GBytes *
pz_api_get_output_finish (PzClient     *client,
                          GAsyncResult *result,
                          char        **content_type,
                          GError      **error)
{
  return finish_bytes (client, result, content_type, error);
}
