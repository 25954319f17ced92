/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "perizinan.h"
#include "pz-sign.h"
#include "pz-store.h"

G_BEGIN_DECLS

#define PZ_ENGINE_ERROR (pz_engine_error_quark ())

/* The engine's refusals, in the workflow's own terms; the http layer
 * alone says which status each one is on the wire. */
typedef enum {
  PZ_ENGINE_ERROR_BAD_REQUEST,   /* the request is not well formed */
  PZ_ENGINE_ERROR_FORBIDDEN,     /* this user may not do this */
  PZ_ENGINE_ERROR_NOT_FOUND,     /* no such file, document or record */
  PZ_ENGINE_ERROR_STALE,         /* based on a version that is not the latest */
  PZ_ENGINE_ERROR_DUPLICATE,     /* it exists already */
  PZ_ENGINE_ERROR_TOO_LARGE,     /* more than the office accepts */
  PZ_ENGINE_ERROR_UNSUPPORTED,   /* a kind of content the office does not take */
  PZ_ENGINE_ERROR_RULE,          /* a rule of the procedure is not met */
  PZ_ENGINE_ERROR_INTERNAL,      /* the store failed */
  PZ_ENGINE_ERROR_DISK_FULL,     /* nothing was saved: the disk is full */
  PZ_ENGINE_ERROR_UNCONFIRMED,   /* the Kadis has not confirmed it */
  PZ_ENGINE_ERROR_UNAVAILABLE,   /* a service the office relies on (the timestamp authority) failed */
  PZ_ENGINE_ERROR_BUSY,          /* another server held what it needed too long: nothing saved, try again */
} PzEngineError;

typedef struct _PzEngine PzEngine;

/* A signing made off the main loop: prepared by the engine, run on a
 * worker thread, its result given back to pz_engine_act(). */
typedef struct _PzSignJob PzSignJob;

typedef struct {
  const char *action;
  gint64      version;
  const char *note;
  JsonObject *data;
  PzSignJob  *signing;  /* (nullable): the signature, made beforehand */
} PzActionRequest;

GQuark          pz_engine_error_quark        (void);

PzEngine       *pz_engine_new                (const char      *data_dir,
                                              const char      *workflows_dir,
                                              const char      *timezone,
                                              GError         **error);
PzEngine       *pz_engine_new_with_store     (const char      *data_dir,
                                              const char      *store_url,
                                              const char      *workflows_dir,
                                              const char      *timezone,
                                              GError         **error);
void            pz_engine_free               (PzEngine        *self);

PzStore        *pz_engine_get_store          (PzEngine        *self);
PzStore        *pz_engine_get_reader         (PzEngine        *self);
PzCalendar     *pz_engine_get_calendar       (PzEngine        *self,
                                              gint64           office_id);
GTimeZone      *pz_engine_get_timezone       (PzEngine        *self);
const char     *pz_engine_get_data_dir       (PzEngine        *self);
const char     *pz_engine_get_db_location    (PzEngine        *self);
void            pz_engine_set_public_url     (PzEngine        *self,
                                              const char      *url);
GBytes         *pz_engine_get_logo           (PzEngine        *self,
                                              gint64           office_id);

/* A file that became late, and whom to tell. */
typedef struct {
  gint64  application_id;
  char   *step;
  char   *reason;               /* "step": over the step's standard; "deadline": near the service standard */
  char   *registration_number;
  char  **roles;
  gint64  office_id;
} PzEscalation;

gint64          pz_engine_step_standard      (PzEngine        *self,
                                              gint64           office_id,
                                              const PzStep    *step);
void            pz_escalation_free           (PzEscalation    *e);
const char     *pz_role_superior             (const char      *role);
gint64          pz_engine_recompute_due_times (PzEngine       *self,
                                               gint64          office_id,
                                              GError         **error);
char           *pz_engine_late_files         (PzEngine        *self,
                                              PzUser          *user,
                                              gint64           now,
                                              GError         **error);
GPtrArray      *pz_engine_escalate           (PzEngine        *self,
                                              gint64           now,
                                              GError         **error);
gboolean        pz_store_note_signing_certificate (PzStore    *store,
                                              PzSigner        *signer,
                                              GError         **error);
gboolean        pz_engine_install_signing_key (PzEngine       *self,
                                              GBytes          *p12,
                                              const char      *passphrase,
                                              const char      *current_passphrase,
                                              gint64           now,
                                              GError         **error);
gboolean        pz_parse_clock               (const char      *text,
                                              guint           *minute);
gboolean        pz_engine_reload             (PzEngine        *self,
                                              GError         **error);
gboolean        pz_engine_seed_calendar      (PzStore         *store,
                                              gint64           office_id,
                                              GError         **error);
PzPermitType   *pz_engine_get_permit_type    (PzEngine        *self,
                                              gint64           office_id,
                                              const char      *code);
PzPermitType   *pz_engine_get_file_permit_type (PzEngine      *self,
                                              PzApplication   *app);
GHashTable     *pz_engine_get_permit_type_versions (PzEngine  *self,
                                                   gint64     office_id);
GPtrArray      *pz_engine_list_permit_types  (PzEngine        *self,
                                              gint64           office_id);
gint64          pz_engine_next_permit_sequence (PzEngine      *self,
                                                gint64         office_id,
                                                PzPermitType  *type);
GPtrArray      *pz_engine_list_workflows     (PzEngine        *self);
PzWorkflow     *pz_engine_get_workflow       (PzEngine        *self,
                                              const char      *id);

PzApplication  *pz_engine_register           (PzEngine        *self,
                                              PzUser          *user,
                                              JsonObject      *body,
                                              gint64           now,
                                              GPtrArray       *details,
                                              GError         **error);
gboolean        pz_engine_may_read_files     (PzUser          *user);
gboolean        pz_engine_may_read           (PzEngine        *self,
                                              PzUser          *user,
                                              PzApplication   *app,
                                              GError         **error);
char           *pz_engine_act                (PzEngine        *self,
                                              PzUser          *user,
                                              gint64           application_id,
                                              const PzActionRequest *request,
                                              gint64           now,
                                              PzApplication  **changed,
                                              GPtrArray       *details,
                                              GError         **error);
PzSignJob      *pz_engine_prepare_signing    (PzEngine        *self,
                                              PzUser          *user,
                                              gint64           application_id,
                                              const PzActionRequest *request,
                                              gint64           now);
gboolean        pz_sign_job_run               (PzSignJob       *signing);
gint64          pz_sign_job_get_application_id (PzSignJob      *signing);
void            pz_sign_job_free              (PzSignJob       *signing);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PzSignJob, pz_sign_job_free)

typedef struct _PzUpload PzUpload;

PzUpload       *pz_engine_upload_new         (PzEngine        *self,
                                              GError         **error);
void            pz_upload_write              (PzUpload        *upload,
                                              const void      *data,
                                              gsize            size,
                                              gsize            limit);
gboolean        pz_upload_is_too_large       (PzUpload        *upload);
int             pz_upload_get_write_error    (PzUpload        *upload);
gboolean        pz_upload_is_disk_full       (PzUpload        *upload);
gsize           pz_upload_get_size           (PzUpload        *upload);
const char     *pz_upload_get_path           (PzUpload        *upload);
const char     *pz_upload_get_sha256         (PzUpload        *upload);
const char     *pz_upload_get_content_type   (PzUpload        *upload);
void            pz_upload_free               (PzUpload        *upload);
gboolean        pz_engine_check_upload       (PzEngine        *self,
                                              PzUser          *user,
                                              gint64           application_id,
                                              const char      *requirement,
                                              GError         **error);
PzDocument     *pz_engine_store_upload       (PzEngine        *self,
                                              PzUser          *user,
                                              gint64           application_id,
                                              const char      *requirement,
                                              PzUpload        *upload,
                                              guint            pages,
                                              gint64           now,
                                              GError         **error);
PzDocument     *pz_engine_put_document       (PzEngine        *self,
                                              PzUser          *user,
                                              gint64           application_id,
                                              const char      *requirement,
                                              GBytes          *content,
                                              guint            pages,
                                              gint64           now,
                                              GError         **error);
char           *pz_engine_document_path      (PzEngine        *self,
                                              PzUser          *user,
                                              gint64           application_id,
                                              const char      *requirement,
                                              char           **content_type,
                                              GError         **error);
gboolean        pz_engine_set_verdict        (PzEngine        *self,
                                              PzUser          *user,
                                              gint64           application_id,
                                              const char      *requirement,
                                              const char      *verdict,
                                              const char      *note,
                                              gint64           now,
                                              GPtrArray       *details,
                                              GError         **error);

PzApplication  *pz_engine_get_application    (PzEngine        *self,
                                              gint64           office_id,
                                              gint64           id,
                                              GError         **error);
char           *pz_engine_application_to_string (PzEngine      *self,
                                              PzApplication   *app,
                                              PzUser          *user,
                                              gint64           now);
void            pz_engine_write_summary      (PzEngine        *self,
                                              PzJsonWriter    *writer,
                                              PzApplication   *app,
                                              gint64           now);
char           *pz_engine_inbox              (PzEngine        *self,
                                              PzUser          *user,
                                              guint            limit,
                                              gint64           now,
                                              GError         **error);
gboolean        pz_engine_inbox_parts        (PzEngine        *self,
                                              PzUser          *user,
                                              guint            limit,
                                              gint64           now,
                                              GBytes         **page,
                                              gint64          *done_today,
                                              GError         **error);
GBytes         *pz_engine_render_output      (PzEngine        *self,
                                              PzApplication   *app,
                                              const char      *kind,
                                              PzUser          *actor,
                                              const char      *note,
                                              gint64           now);
GBytes         *pz_engine_render_signed_permit (PzEngine          *self,
                                                PzApplication     *app,
                                                PzUser            *actor,
                                                gint64             now,
                                                PzSignAppearance **appearance);
void            pz_engine_set_signing_key    (PzEngine        *self,
                                              const char      *path);
const char     *pz_engine_get_signing_key    (PzEngine        *self);
/* The time in Unix seconds, as a signature reads it. */
typedef gint64 (*PzEngineClock) (void);

void            pz_engine_set_sign_clock     (PzEngine        *self,
                                              PzEngineClock    clock);
void            pz_engine_set_timestamp_authority (PzEngine   *self,
                                                   const char *url,
                                                   guint       timeout_seconds);
void            pz_engine_set_remote_signing (PzEngine   *self,
                                              const char *url,
                                              const char *client_id,
                                              const char *client_secret,
                                              const char *nik,
                                              guint       timeout_seconds);
void            pz_engine_set_timestamp_trust (PzEngine   *self,
                                               const char *ca_file);
void            pz_engine_set_validation_fetch (PzEngine *self,
                                                gboolean  fetch,
                                                guint     timeout_seconds);
void            pz_engine_set_signing_module (PzEngine        *self,
                                              const char      *module);
char           *pz_engine_output_path        (PzEngine        *self,
                                              gint64           application_id,
                                              const char      *kind);
gint64          pz_engine_expected_completion (PzEngine       *self,
                                              PzApplication   *app);
const char     *pz_engine_get_public_url     (PzEngine        *self,
                                              gint64           office_id);
const char     *pz_engine_get_configured_public_url (PzEngine   *self);
char           *pz_engine_format_time        (PzEngine        *self,
                                              gint64           unix_time);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PzUpload, pz_upload_free)

/* Administration rules */
char          **pz_engine_read_roles         (JsonObject      *body,
                                              GPtrArray       *details);
gboolean        pz_engine_check_signing_identity (PzEngine    *self,
                                              const char      *identity,
                                              GPtrArray       *details);
void            pz_engine_check_roles        (const char * const *roles,
                                              gboolean         admin_may_hold_office_roles,
                                              GPtrArray       *details);
gboolean        pz_engine_check_password     (const char      *field,
                                              const char      *password,
                                              GPtrArray       *details);

G_END_DECLS
