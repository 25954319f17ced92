/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "perizinan.h"

G_BEGIN_DECLS

#define PZ_STORE_ERROR (pz_store_error_quark ())

typedef enum {
  PZ_STORE_ERROR_FAILED,
  PZ_STORE_ERROR_BUSY,
  PZ_STORE_ERROR_CONSTRAINT,
  PZ_STORE_ERROR_STALE,
  PZ_STORE_ERROR_TOO_NEW,
  PZ_STORE_ERROR_NOT_FOUND,
  PZ_STORE_ERROR_FULL,
} PzStoreError;

typedef struct _PzStore PzStore;
typedef struct _PzStoreBus PzStoreBus;

/* The office a database of one office holds (and that a login names when
 * it names none): the one a schema older than many offices becomes. */
#define PZ_STORE_FIRST_OFFICE 1

typedef struct {
  gint64   id;
  char    *username;
  char    *full_name;
  char    *nip;
  char   **roles;           /* their own, then those held as Plh/Plt now */
  char   **acting;          /* "plh:kadis": roles held as an acting official */
  char    *password_hash;
  gboolean active;
  gboolean must_change_password;
  char    *signing_identity; /* (nullable): what they sign with */
  gint64   office_id;       /* the office they belong to */
} PzUser;

/* A period in which a user holds another role as Plh or Plt. */
typedef struct {
  gint64  id;
  gint64  user_id;
  char   *role;
  char   *kind;       /* "plh" or "plt" */
  char   *starts_on;  /* YYYY-MM-DD, first day */
  char   *ends_on;    /* YYYY-MM-DD, last day */
  gint64  starts_at;
  gint64  ends_at;    /* the start of the day after @ends_on */
  gint64  ended_at;   /* 0 unless ended early */
} PzActing;

typedef struct {
  gint64  at;
  char   *username;   /* who made the change */
  char   *full_name;
  char   *action;
  char   *target;
  char   *detail;     /* JSON */
} PzAuditEntry;

typedef struct {
  gint64  id;
  char   *registration_number;
  char   *permit_type;
  char   *request_type;
  char   *applicant_name;
  char   *applicant_nik;
  char   *applicant_address;
  char   *applicant_phone;
  char   *applicant_email;
  char   *data;             /* JSON object */
  char   *survey;           /* JSON object or NULL */
  char   *received_by;
  char   *step;
  char   *status;
  gint64  version;
  gint64  step_entered_at;
  gint64  due_at;           /* 0: no due time */
  char   *permit_number;
  char   *verify_token;
  gint64  created_at;
  gint64  updated_at;
  gint64  created_by;
  gint64  updated_by;
  gint64  permit_type_version;  /* the edition of the permit type it was registered under */
  gint64  service_started_at;   /* 0 until the documents are complete */
  gint64  service_seconds;      /* office time used since, without the applicant's */
  gint64  service_due_at;       /* 0 while the clock stands (or before it starts) */
  char   *tracking_code;        /* the public code on the receipt (pz-tracking.h) */
  gint64  office_id;            /* the office whose file it is */
} PzApplication;

typedef struct {
  gint64  id;
  gint64  application_id;
  gint64  at;
  gint64  user_id;
  char   *username;
  char   *full_name;
  char   *role;
  char   *acting;           /* "plh"/"plt" if the role was held as acting official */
  char   *action;
  char   *from_step;
  char   *to_step;
  char   *note;
  gint64  office_seconds;
  char   *data;
  gboolean also_admin;      /* the user also held the administrator role */
} PzEvent;

typedef struct {
  gint64  id;
  char   *requirement;
  char   *sha256;
  gint64  size;
  char   *content_type;
  gint64  pages;
  gint64  uploaded_at;
  char   *uploaded_by;
} PzDocument;

typedef struct {
  char   *requirement;
  char   *verdict;
  char   *note;
  gint64  at;
  char   *username;
} PzVerdict;

typedef struct {
  gint64       office_id;  /* the office whose files are searched */
  const char  *q;
  const char  *step;
  const char  *status;
  const char  *permit_type;
  gint64       before_id;  /* 0: from the newest */
  guint        limit;
} PzSearch;

GQuark         pz_store_error_quark        (void);

gboolean       pz_store_lock_setup         (PzStore        *self,
                                            gboolean        take,
                                            GError        **error);

/* The bus between the servers on one database (pz-store-bus.c) */

/* on the bus: an office's permit types, calendar or profile changed, or an
 * office arrived: every server reads the offices again */
#define PZ_STORE_BUS_OFFICE_CHANGED "office-changed"

PzStoreBus    *pz_store_bus_open           (const char     *location,
                                            GError        **error);
void           pz_store_bus_free           (PzStoreBus     *self);
int            pz_store_bus_socket         (PzStoreBus     *self);
gboolean       pz_store_bus_publish        (PzStoreBus     *self,
                                            const char     *event,
                                            GError        **error);
gboolean       pz_store_bus_publish_all    (PzStoreBus     *self,
                                            GPtrArray      *events,
                                            GError        **error);
char          *pz_store_bus_next           (PzStoreBus     *self,
                                            GError        **error);
gboolean       pz_store_bus_lead           (PzStoreBus     *self);
gint64         pz_store_bus_throttle_wait  (PzStoreBus     *self,
                                            const char     *scope,
                                            const char     *key,
                                            gint64          now,
                                            gint64          window);
void           pz_store_bus_throttle_fail  (PzStoreBus     *self,
                                            const char     *scope,
                                            const char     *key,
                                            gint64          now,
                                            guint           max_failures,
                                            gint64          window);
void           pz_store_bus_throttle_forgive (PzStoreBus   *self,
                                              const char   *scope,
                                              const char   *key,
                                              guint         max_failures);
void           pz_store_bus_throttle_reset (PzStoreBus     *self,
                                            const char     *scope,
                                            const char     *key);
void           pz_store_bus_throttle_purge (PzStoreBus     *self,
                                            gint64          before);

PzStore       *pz_store_open               (const char     *path,
                                            GError        **error);
PzStore       *pz_store_open_reader        (const char     *path,
                                            GError        **error);
void           pz_store_free               (PzStore        *self);
int            pz_store_schema_version     (void);
gboolean       pz_store_ping               (PzStore        *self);

gboolean       pz_store_begin              (PzStore        *self,
                                            GError        **error);
gboolean       pz_store_commit             (PzStore        *self,
                                            GError        **error);
void           pz_store_rollback           (PzStore        *self);
gboolean       pz_store_in_transaction     (PzStore        *self);
void           pz_store_lend               (PzStore        *self,
                                            GThread        *borrower);
gboolean       pz_store_commit_lent        (PzStore        *self,
                                            GError        **error);
void           pz_store_give_back          (PzStore        *self);
gboolean       pz_store_is_lent            (PzStore        *self);
void           pz_store_set_lend_waiter    (PzStore        *self,
                                            void          (*waiter) (gpointer data),
                                            gpointer        data);

/* What a store holds is the same as when its stamp was taken while the
 * stamp is the same: it moves with every row changed, every transaction
 * or savepoint ended (committed or rolled back) and every commit of
 * another connection. */
typedef struct {
  gint64 ends;
  gint64 changes;
  gint64 data_version;
} PzStoreStamp;

void           pz_store_get_stamp          (PzStore        *self,
                                            PzStoreStamp   *stamp);
void           pz_store_set_busy_timeout   (PzStore        *self,
                                            int             ms);
gboolean       pz_store_try_write_lock     (PzStore        *self);

/* Office profile */
char          *pz_store_get_setting        (PzStore        *self,
                                            gint64          office_id,
                                            const char     *key);
gboolean       pz_store_set_setting        (PzStore        *self,
                                            gint64          office_id,
                                            const char     *key,
                                            const char     *value,
                                            GError        **error);

/* Offices */
typedef struct {
  gint64  id;
  char   *code;   /* short, unique in the deployment */
  char   *name;
} PzOffice;

void           pz_office_free              (PzOffice       *office);
PzOffice      *pz_store_find_office        (PzStore        *self,
                                            const char     *code);
PzOffice      *pz_store_get_office         (PzStore        *self,
                                            gint64          id);
gint64         pz_store_count_offices      (PzStore        *self);
GArray        *pz_store_list_office_ids    (PzStore        *self,
                                            GError        **error);
gint64         pz_store_insert_office      (PzStore        *self,
                                            const char     *code,
                                            const char     *name,
                                            gint64          now,
                                            GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PzOffice, pz_office_free)

/* Users and sessions */
gboolean       pz_store_count_users        (PzStore        *self,
                                            gint64         *count,
                                            GError        **error);
gint64         pz_store_insert_user        (PzStore        *self,
                                            gint64          office_id,
                                            const char     *username,
                                            const char     *full_name,
                                            const char     *nip,
                                            const char * const *roles,
                                            const char     *password_hash,
                                            GError        **error);
PzUser        *pz_store_find_user          (PzStore        *self,
                                            gint64          office_id,
                                            const char     *username);
PzUser        *pz_store_get_user           (PzStore        *self,
                                            gint64          office_id,
                                            gint64          id);
GPtrArray     *pz_store_list_users         (PzStore        *self,
                                            gint64          office_id,
                                            GError        **error);
gboolean       pz_store_update_user        (PzStore        *self,
                                            const PzUser   *user,
                                            const char * const *roles,
                                            GError        **error);
const char    *pz_user_acting_kind         (const PzUser   *user,
                                            const char     *role);
gint64         pz_store_insert_acting      (PzStore        *self,
                                            const PzActing *acting,
                                            gint64          created_by,
                                            gint64          now,
                                            GError        **error);
GPtrArray     *pz_store_list_acting        (PzStore        *self,
                                            gint64          user_id,
                                            GError        **error);
gboolean       pz_store_end_acting         (PzStore        *self,
                                            gint64          user_id,
                                            gint64          id,
                                            gint64          now,
                                            GError        **error);
void           pz_acting_free              (PzActing       *acting);
gboolean       pz_store_set_password       (PzStore        *self,
                                            gint64          user_id,
                                            const char     *password_hash,
                                            gboolean        must_change,
                                            GError        **error);
gboolean       pz_store_revoke_user_sessions (PzStore      *self,
                                            gint64          user_id,
                                            const char     *keep_hash,
                                            gint64          now,
                                            GError        **error);
gboolean       pz_store_insert_audit       (PzStore        *self,
                                            gint64          user_id,
                                            gint64          at,
                                            const char     *action,
                                            const char     *target,
                                            const char     *detail_json,
                                            GError        **error);
GPtrArray     *pz_store_list_audit         (PzStore        *self,
                                            gint64          office_id,
                                            guint           limit,
                                            GError        **error);
void           pz_audit_entry_free         (PzAuditEntry   *entry);
gboolean       pz_store_insert_session     (PzStore        *self,
                                            const char     *token_hash,
                                            gint64          user_id,
                                            gint64          created_at,
                                            gint64          expires_at,
                                            GError        **error);
PzUser        *pz_store_session_user       (PzStore        *self,
                                            const char     *token_hash,
                                            gint64          now,
                                            gint64         *expires_at);
gboolean       pz_store_touch_session      (PzStore        *self,
                                            const char     *token_hash,
                                            gint64          now,
                                            gint64          idle_seconds);
gboolean       pz_store_session_live       (PzStore        *self,
                                            const char     *token_hash,
                                            gint64          now,
                                            gint64          idle_seconds);
gint64         pz_store_purge              (PzStore        *self,
                                            gint64          now,
                                            gint64          idle_seconds,
                                            gint64          idempotency_seconds,
                                            GError        **error);
gboolean       pz_store_revoke_session     (PzStore        *self,
                                            const char     *token_hash,
                                            gint64          now,
                                            GError        **error);

/* Reference data */
gboolean       pz_store_put_permit_type    (PzStore        *self,
                                            gint64          office_id,
                                            PzPermitType   *type,
                                            GError        **error);
GPtrArray     *pz_store_load_permit_types  (PzStore        *self,
                                            gint64          office_id,
                                            GError        **error);
gboolean       pz_store_keep_permit_type_versions (PzStore   *self,
                                            gint64          office_id,
                                            GPtrArray      *types,
                                            GError        **error);
GPtrArray     *pz_store_load_permit_type_versions (PzStore   *self,
                                            gint64          office_id,
                                            const char     *code,
                                            GError        **error);
gboolean       pz_store_put_holiday        (PzStore        *self,
                                            gint64          office_id,
                                            const char     *date,
                                            const char     *name,
                                            const char     *kind,
                                            GError        **error);
GPtrArray     *pz_store_list_holidays      (PzStore        *self,
                                            gint64          office_id,
                                            GError        **error);
GPtrArray     *pz_store_list_holiday_rows  (PzStore        *self,
                                            gint64          office_id,
                                            guint           year,
                                            GError        **error);
gboolean       pz_store_delete_holiday     (PzStore        *self,
                                            gint64          office_id,
                                            const char     *date,
                                            gboolean       *deleted,
                                            GError        **error);
gboolean       pz_store_next_counter       (PzStore        *self,
                                            gint64          office_id,
                                            const char     *name,
                                            gint64         *value,
                                            GError        **error);
gboolean       pz_store_peek_counter       (PzStore        *self,
                                            gint64          office_id,
                                            const char     *name,
                                            gint64         *value,
                                            GError        **error);

/* Applications */
gboolean       pz_store_insert_application (PzStore        *self,
                                            PzApplication  *app,
                                            GError        **error);
PzApplication *pz_store_get_application    (PzStore        *self,
                                            gint64          office_id,
                                            gint64          id,
                                            GError        **error);
gboolean       pz_store_update_application (PzStore        *self,
                                            PzApplication  *app,
                                            gint64          expected_version,
                                            GError        **error);
GPtrArray     *pz_store_inbox_step         (PzStore        *self,
                                            gint64          office_id,
                                            const char     *step,
                                            guint           limit,
                                            GError        **error);
GHashTable    *pz_store_count_by_step      (PzStore        *self,
                                            gint64          office_id,
                                            gint64          overdue_before,
                                            GError        **error);
gboolean       pz_store_next_due           (PzStore        *self,
                                            gint64          office_id,
                                            const char     *step,
                                            gint64          from,
                                            gint64         *next,
                                            GError        **error);
gboolean       pz_store_count_step         (PzStore        *self,
                                            gint64          office_id,
                                            const char     *step,
                                            gint64          overdue_before,
                                            gint64         *count,
                                            gint64         *overdue,
                                            GError        **error);
GPtrArray     *pz_store_search             (PzStore        *self,
                                            const PzSearch *search,
                                            GError        **error);

gint64         pz_store_insert_event       (PzStore        *self,
                                            PzEvent        *event,
                                            GError        **error);
GPtrArray     *pz_store_list_events        (PzStore        *self,
                                            gint64          application_id,
                                            GError        **error);
PzApplication *pz_store_get_application_with_last_event (PzStore  *self,
                                                        gint64    office_id,
                                                        gint64    id,
                                                        PzEvent **last,
                                                        GError  **error);
PzEvent       *pz_store_last_event         (PzStore        *self,
                                            gint64          application_id);
gboolean       pz_store_count_user_events  (PzStore        *self,
                                            gint64          user_id,
                                            gint64          since,
                                            gint64         *count,
                                            GError        **error);

/* Documents and checklist */
gboolean       pz_store_insert_document    (PzStore        *self,
                                            gint64          application_id,
                                            PzDocument     *doc,
                                            gint64          user_id,
                                            GError        **error);
GPtrArray     *pz_store_list_documents     (PzStore        *self,
                                            gint64          application_id,
                                            GError        **error);
PzDocument    *pz_store_get_document       (PzStore        *self,
                                            gint64          application_id,
                                            const char     *requirement);
gboolean       pz_store_set_verdict        (PzStore        *self,
                                            gint64          application_id,
                                            const char     *requirement,
                                            const char     *verdict,
                                            const char     *note,
                                            gint64          user_id,
                                            gint64          at,
                                            GError        **error);
GPtrArray     *pz_store_list_verdicts      (PzStore        *self,
                                            gint64          application_id,
                                            GError        **error);

/* Outbox: a channel is done when delivered, or not applicable (marked at
 * once); a message leaves the queue when both are done. */
typedef struct {
  gint64   id;
  gint64   application_id;
  char    *kind;
  char    *recipient_name;
  char    *email;
  char    *phone;
  char    *subject;
  char    *body;
  char    *registration_number;
  gint64   created_at;
  gboolean email_done;
  gboolean command_done;
  int      attempts;
  gint64   next_attempt_at;
  char    *last_error;
} PzMessage;

void           pz_message_free             (PzMessage      *m);
gboolean       pz_store_insert_message     (PzStore        *self,
                                            PzMessage      *m,
                                            GError        **error);
gint64         pz_store_messages_queued    (PzStore        *self);
GPtrArray     *pz_store_due_messages       (PzStore        *self,
                                            gint64          now,
                                            guint           limit);
gboolean       pz_store_update_message     (PzStore        *self,
                                            PzMessage      *m,
                                            gint64          now,
                                            GError        **error);
gint64         pz_store_count_pending_messages (PzStore    *self);
gboolean       pz_store_retry_pending_messages (PzStore    *self,
                                            gint64          now,
                                            GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PzMessage, pz_message_free)

/* Outputs and public look-ups */
gboolean       pz_store_put_output         (PzStore        *self,
                                            gint64          application_id,
                                            const char     *kind,
                                            const char     *sha256,
                                            gint64          size,
                                            gint64          at,
                                            GError        **error);
GPtrArray     *pz_store_list_outputs       (PzStore        *self,
                                            gint64          application_id);
void           pz_store_read_file_parts    (PzStore        *self,
                                            gint64          application_id,
                                            GPtrArray     **documents,
                                            GPtrArray     **verdicts,
                                            GPtrArray     **events,
                                            GPtrArray     **outputs);
PzApplication *pz_store_find_by_verify_token (PzStore      *self,
                                            const char     *token);
PzApplication *pz_store_find_by_tracking_code (PzStore     *self,
                                               const char  *code);

/* Idempotency */
gboolean       pz_store_find_idempotent    (PzStore        *self,
                                            gint64          user_id,
                                            const char     *key,
                                            char          **fingerprint,
                                            guint          *status,
                                            char          **body);
gboolean       pz_store_insert_idempotent  (PzStore        *self,
                                            gint64          user_id,
                                            const char     *key,
                                            const char     *fingerprint,
                                            guint           status,
                                            const char     *body,
                                            gint64          at,
                                            GError        **error);

void           pz_user_free                (PzUser         *user);
PzUser        *pz_user_copy                (const PzUser   *user);
void           pz_application_free         (PzApplication  *app);
void           pz_event_free               (PzEvent        *event);
void           pz_document_free            (PzDocument     *doc);
void           pz_verdict_free             (PzVerdict      *verdict);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PzUser, pz_user_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PzApplication, pz_application_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PzEvent, pz_event_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PzDocument, pz_document_free)

/* A file's clocks, or a late file to tell of (@reason set) */
typedef struct {
  gint64  id;
  char   *permit_type;
  gint64  permit_type_version;
  char   *step;
  char   *registration_number;
  char   *reason;
  gint64  step_entered_at;
  gint64  service_started_at;
  gint64  service_seconds;
  gint64  due_at;
  gint64  service_due_at;
  gint64  office_id;     /* of a late file: whose desktops to tell */
} PzClockRow;

void           pz_clock_row_free             (PzClockRow     *row);
GPtrArray     *pz_store_list_open_clocks     (PzStore        *self,
                                              gint64          office_id,
                                              GError        **error);
gboolean       pz_store_set_due_times        (PzStore        *self,
                                              gint64          id,
                                              gint64          due_at,
                                              gint64          service_due_at,
                                              GError        **error);
GPtrArray     *pz_store_list_new_escalations (PzStore        *self,
                                              gint64          office_id,
                                              gint64          now,
                                              gint64          soon,
                                              GError        **error);
gboolean       pz_store_note_escalation      (PzStore        *self,
                                              gint64          id,
                                              const char     *step,
                                              const char     *reason,
                                              gint64          at,
                                              GError        **error);
GArray        *pz_store_list_late_ids        (PzStore        *self,
                                              gint64          office_id,
                                              gint64          now,
                                              gint64          soon,
                                              GError        **error);

/* The oversight report's rows (pz-store-report.c), read from a snapshot;
 * each of one office's files, or with @office_id 0 of every office's */
PzStore       *pz_store_open_snapshot        (const char     *path,
                                              GError        **error);

/* Files received and decided in a month (office time) of one permit type */
typedef struct {
  char   *month;          /* YYYY-MM */
  char   *permit_type;
  gint64  received;
  gint64  open;           /* of those received, still in progress or waiting */
  gint64  issued;
  gint64  refused;
} PzVolumeRow;

/* A stay in a step, ended by an event */
typedef struct {
  gint64  application_id;
  char   *permit_type;    /* only if asked for */
  char   *step;           /* the step left */
  gint64  user_id;        /* who ended it */
  gint64  office_seconds;
} PzStayRow;

/* The open files at one step now */
typedef struct {
  char   *step;
  gint64  count;
  gint64  overdue;
  gint64  oldest_entered_at;
} PzStepWaitRow;

/* The nine elements of the satisfaction survey (SKM, PermenPAN-RB 14/2017) */
#define PZ_SKM_ELEMENTS 9

typedef struct {
  gint64  responses;
  double  mean[PZ_SKM_ELEMENTS];  /* 0 without responses */
} PzSatisfactionSummary;

void           pz_volume_row_free            (PzVolumeRow    *row);
void           pz_stay_row_free              (PzStayRow      *row);
void           pz_step_wait_row_free         (PzStepWaitRow  *row);
GPtrArray     *pz_store_report_volume        (PzStore        *self,
                                              gint64          office_id,
                                              gint64          from,
                                              gint64          to,
                                              gint64          tz_offset,
                                              GError        **error);
GPtrArray     *pz_store_report_stays         (PzStore        *self,
                                              gint64          office_id,
                                              gint64          from,
                                              gint64          to,
                                              gboolean        with_permit_type,
                                              GError        **error);
GPtrArray     *pz_store_report_decided       (PzStore        *self,
                                              gint64          office_id,
                                              gint64          from,
                                              gint64          to,
                                              GError        **error);
GPtrArray     *pz_store_report_waiting       (PzStore        *self,
                                              gint64          office_id,
                                              gint64          now,
                                              GError        **error);
gboolean       pz_store_report_satisfaction  (PzStore        *self,
                                              gint64          office_id,
                                              gint64          from,
                                              gint64          to,
                                              PzSatisfactionSummary *summary,
                                              GError        **error);
char          *pz_store_get_registration_number (PzStore     *self,
                                              gint64          id);
gboolean       pz_store_put_satisfaction     (PzStore        *self,
                                              gint64          application_id,
                                              const int       answers[PZ_SKM_ELEMENTS],
                                              const char     *suggestion,
                                              gint64          now,
                                              GError        **error);
gboolean       pz_store_has_satisfaction     (PzStore        *self,
                                              gint64          application_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PzVolumeRow, pz_volume_row_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PzStayRow, pz_stay_row_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PzStepWaitRow, pz_step_wait_row_free)

G_END_DECLS
