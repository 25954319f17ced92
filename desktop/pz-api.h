/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pz-client.h"

G_BEGIN_DECLS

/* One call per endpoint of the server (data/openapi.json) that the
 * desktop uses. Each builds its path and body here; each _finish() gives
 * the answer or a PZ_CLIENT_ERROR whose server code and details are read
 * with pz_client_error_get_server_code() and pz_client_error_get_details(). */

/**
 * PzApplicationQuery:
 * @q: (nullable): words to look for
 * @step: (nullable): a workflow step
 * @status: (nullable): a status
 * @permit_type: (nullable): a permit type's code
 * @limit: at most this many; 0 for the server's default
 *
 * A search of all files, as `GET /api/v1/applications` takes it.
 */
typedef struct {
  const char *q;
  const char *step;
  const char *status;
  const char *permit_type;
  guint       limit;
} PzApplicationQuery;

/* The server and its reference data */

void        pz_api_healthz_async               (PzClient            *client,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
JsonNode   *pz_api_healthz_finish              (PzClient            *client,
                                                GAsyncResult        *result,
                                                GError             **error);
void        pz_api_list_workflows_async        (PzClient            *client,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
JsonNode   *pz_api_list_workflows_finish       (PzClient            *client,
                                                GAsyncResult        *result,
                                                GError             **error);
void        pz_api_list_permit_types_async     (PzClient            *client,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
JsonNode   *pz_api_list_permit_types_finish    (PzClient            *client,
                                                GAsyncResult        *result,
                                                GError             **error);

/* The session */

void        pz_api_login_async                 (PzClient            *client,
                                                const char          *username,
                                                const char          *password,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean    pz_api_login_finish                (PzClient            *client,
                                                GAsyncResult        *result,
                                                GError             **error);
void        pz_api_change_password_async       (PzClient            *client,
                                                const char          *old_password,
                                                const char          *new_password,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
JsonNode   *pz_api_change_password_finish      (PzClient            *client,
                                                GAsyncResult        *result,
                                                GError             **error);

/* Files */

void        pz_api_list_inbox_async            (PzClient            *client,
                                                guint                limit,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
JsonNode   *pz_api_list_inbox_finish           (PzClient            *client,
                                                GAsyncResult        *result,
                                                GError             **error);
void        pz_api_search_files_async          (PzClient            *client,
                                                const PzApplicationQuery *query,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
JsonNode   *pz_api_search_files_finish         (PzClient            *client,
                                                GAsyncResult        *result,
                                                GError             **error);
void        pz_api_list_late_files_async       (PzClient            *client,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
JsonNode   *pz_api_list_late_files_finish      (PzClient            *client,
                                                GAsyncResult        *result,
                                                GError             **error);
void        pz_api_get_file_async              (PzClient            *client,
                                                gint64               id,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
JsonNode   *pz_api_get_file_finish             (PzClient            *client,
                                                GAsyncResult        *result,
                                                GError             **error);
void        pz_api_register_async              (PzClient            *client,
                                                JsonNode            *application,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
JsonNode   *pz_api_register_finish             (PzClient            *client,
                                                GAsyncResult        *result,
                                                GError             **error);
void        pz_api_act_async                   (PzClient            *client,
                                                gint64               id,
                                                const char          *action,
                                                gint64               version,
                                                const char          *note,
                                                JsonNode            *data,
                                                const char          *idempotency_key,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
JsonNode   *pz_api_act_finish                  (PzClient            *client,
                                                GAsyncResult        *result,
                                                GError             **error);
void        pz_api_set_verdict_async           (PzClient            *client,
                                                gint64               id,
                                                const char          *requirement,
                                                const char          *verdict,
                                                const char          *note,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
JsonNode   *pz_api_set_verdict_finish          (PzClient            *client,
                                                GAsyncResult        *result,
                                                GError             **error);
void        pz_api_get_document_async          (PzClient            *client,
                                                gint64               id,
                                                const char          *requirement,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
GBytes     *pz_api_get_document_finish         (PzClient            *client,
                                                GAsyncResult        *result,
                                                char               **content_type,
                                                GError             **error);
void        pz_api_upload_document_async       (PzClient            *client,
                                                gint64               id,
                                                const char          *requirement,
                                                GBytes              *contents,
                                                const char          *content_type,
                                                PzProgressFunc       progress,
                                                gpointer             progress_data,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
JsonNode   *pz_api_upload_document_finish      (PzClient            *client,
                                                GAsyncResult        *result,
                                                GError             **error);
void        pz_api_upload_signed_permit_async  (PzClient            *client,
                                                gint64               id,
                                                GBytes              *contents,
                                                const char          *content_type,
                                                PzProgressFunc       progress,
                                                gpointer             progress_data,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
JsonNode   *pz_api_upload_signed_permit_finish (PzClient            *client,
                                                GAsyncResult        *result,
                                                GError             **error);
void        pz_api_get_output_async            (PzClient            *client,
                                                gint64               id,
                                                const char          *kind,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
GBytes     *pz_api_get_output_finish           (PzClient            *client,
                                                GAsyncResult        *result,
                                                char               **content_type,
                                                GError             **error);
void        pz_api_get_report_async            (PzClient            *client,
                                                const char          *from,
                                                const char          *to,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
JsonNode   *pz_api_get_report_finish           (PzClient            *client,
                                                GAsyncResult        *result,
                                                GError             **error);

/* Administration: users and acting officials */

void        pz_api_list_users_async            (PzClient            *client,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
JsonNode   *pz_api_list_users_finish           (PzClient            *client,
                                                GAsyncResult        *result,
                                                GError             **error);
void        pz_api_save_user_async             (PzClient            *client,
                                                gint64               id,
                                                JsonObject          *user,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
JsonNode   *pz_api_save_user_finish            (PzClient            *client,
                                                GAsyncResult        *result,
                                                GError             **error);
void        pz_api_reset_password_async        (PzClient            *client,
                                                gint64               user_id,
                                                const char          *password,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
JsonNode   *pz_api_reset_password_finish       (PzClient            *client,
                                                GAsyncResult        *result,
                                                GError             **error);
void        pz_api_list_acting_async           (PzClient            *client,
                                                gint64               user_id,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
JsonNode   *pz_api_list_acting_finish          (PzClient            *client,
                                                GAsyncResult        *result,
                                                GError             **error);
void        pz_api_add_acting_async            (PzClient            *client,
                                                gint64               user_id,
                                                const char          *role,
                                                const char          *kind,
                                                const char          *starts_on,
                                                const char          *ends_on,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
JsonNode   *pz_api_add_acting_finish           (PzClient            *client,
                                                GAsyncResult        *result,
                                                GError             **error);
void        pz_api_end_acting_async            (PzClient            *client,
                                                gint64               user_id,
                                                gint64               acting_id,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
JsonNode   *pz_api_end_acting_finish           (PzClient            *client,
                                                GAsyncResult        *result,
                                                GError             **error);

/* Administration: the calendar */

void        pz_api_list_holidays_async         (PzClient            *client,
                                                int                  year,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
JsonNode   *pz_api_list_holidays_finish        (PzClient            *client,
                                                GAsyncResult        *result,
                                                GError             **error);
void        pz_api_set_holiday_async           (PzClient            *client,
                                                const char          *date,
                                                const char          *name,
                                                const char          *kind,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
JsonNode   *pz_api_set_holiday_finish          (PzClient            *client,
                                                GAsyncResult        *result,
                                                GError             **error);
void        pz_api_remove_holiday_async        (PzClient            *client,
                                                const char          *date,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
JsonNode   *pz_api_remove_holiday_finish       (PzClient            *client,
                                                GAsyncResult        *result,
                                                GError             **error);

/* Administration: the office */

void        pz_api_get_office_async            (PzClient            *client,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
JsonNode   *pz_api_get_office_finish           (PzClient            *client,
                                                GAsyncResult        *result,
                                                GError             **error);
void        pz_api_update_office_async         (PzClient            *client,
                                                JsonObject          *changes,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
JsonNode   *pz_api_update_office_finish        (PzClient            *client,
                                                GAsyncResult        *result,
                                                GError             **error);
void        pz_api_get_logo_async              (PzClient            *client,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
GBytes     *pz_api_get_logo_finish             (PzClient            *client,
                                                GAsyncResult        *result,
                                                GError             **error);
void        pz_api_set_logo_async              (PzClient            *client,
                                                GBytes              *png,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
JsonNode   *pz_api_set_logo_finish             (PzClient            *client,
                                                GAsyncResult        *result,
                                                GError             **error);
void        pz_api_remove_logo_async           (PzClient            *client,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
JsonNode   *pz_api_remove_logo_finish          (PzClient            *client,
                                                GAsyncResult        *result,
                                                GError             **error);
void        pz_api_install_certificate_async   (PzClient            *client,
                                                GBytes              *pkcs12,
                                                const char          *passphrase,
                                                const char          *current_passphrase,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
JsonNode   *pz_api_install_certificate_finish  (PzClient            *client,
                                                GAsyncResult        *result,
                                                GError             **error);

/* Administration: permit types and the audit log */

void        pz_api_save_permit_type_async      (PzClient            *client,
                                                const char          *code,
                                                JsonObject          *type,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
JsonNode   *pz_api_save_permit_type_finish     (PzClient            *client,
                                                GAsyncResult        *result,
                                                GError             **error);
void        pz_api_list_audit_async            (PzClient            *client,
                                                guint                limit,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
JsonNode   *pz_api_list_audit_finish           (PzClient            *client,
                                                GAsyncResult        *result,
                                                GError             **error);

G_END_DECLS
