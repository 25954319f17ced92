/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the rooms of the engine share: its state and the helpers one
 * room offers the others. */
#pragma once

#include <time.h>

#include "pz-auth.h"
#include "pz-engine.h"
#include "pz-outputs.h"
#include "pz-sign.h"
#include "pz-tracking.h"

G_BEGIN_DECLS

#define WORKFLOW_RESOURCES "/id/go/perizinan/workflows"
#define CALENDAR_RESOURCES "/id/go/perizinan/calendar"

/* The workflow authority: every rule of the procedure is checked here, and
 * every change is one transaction of the store. */
struct _PzEngine
{
  char       *data_dir;
  char       *db_location; /* the SQLite file or the PostgreSQL URI */
  char       *files_dir;
  char       *workflows_dir;
  char       *configured_url;
  char       *signing_key;     /* PKCS#12 file, or a pkcs11: URI */
  char       *signing_module;  /* (nullable): the PKCS#11 module of a token */
  char       *tsa_url;         /* (nullable): the timestamp authority of signatures */
  guint       tsa_timeout;     /* seconds */
  char       *tsa_ca;          /* (nullable): the authorities trusted to stamp (PEM) */
  char       *remote_url;      /* (nullable): a BSrE Esign Client Service signs */
  char       *remote_client_id;
  char       *remote_client_secret;
  char       *remote_nik;
  guint       remote_timeout;
  gboolean    validation_fetch; /* CRLs and OCSP responses from the certificates' addresses */
  guint       validation_timeout;
  GTimeZone  *tz;
  PzStore    *store;
  PzStore    *reader;         /* the inbox's reads: not held up by a commit */
  GHashTable *workflows;      /* id -> PzWorkflow */
  GHashTable *offices;        /* office id -> OfficeState: what each office defines */
  GHashTable *inbox_pages;    /* "limit|roles" -> InboxPage: rendered inboxes */
  gsize       inbox_bytes;    /* what they hold */
  GHashTable *done_today;     /* user id -> DoneToday: their count of the day */
  PzEngineClock sign_clock;   /* (nullable): the time a signature is made; the real time if unset */
};

/* What the engine keeps of one office, read from the store when it is
 * first needed and again whenever it changes (pz_engine_reload). */
typedef struct
{
  gint64      id;
  PzCalendar *calendar;       /* its office hours and holidays */
  GPtrArray  *permit_types;   /* PzPermitType, by name */
  GHashTable *type_versions;  /* "code/version" -> PzPermitType: every edition */
  GBytes     *logo;           /* (nullable): the office emblem, PNG */
  char       *public_url;     /* in force: the office profile's, else the configured one */
} OfficeState;

struct _PzUpload
{
  char      *path;
  int        fd;
  GChecksum *checksum;
  gsize      size;
  guint8     head[8];
  gboolean   too_large;
  gboolean   failed;
  int        write_errno;   /* why it failed */
  gboolean   kept;
};

/* How close to the legal deadline the Kadis is told: two working days. */
#define DEADLINE_WARNING_DAYS 2

/* pz-engine-offices.c */
OfficeState *office_of (PzEngine *self,
                        gint64    office_id);
gboolean seed_calendars (PzEngine *self,
                         GError  **error);
gboolean keep_type_versions (PzEngine *self,
                             GError  **error);

/* pz-engine.c */
gboolean engine_fail (GError     **error,
                      int          code,
                      const char  *format,
                      ...) G_GNUC_PRINTF (3, 4);
gboolean internal (GError **error,
                   GError  *cause);
gboolean disk_full_or_internal (GError **error,
                                GError  *cause);
char *permit_counter_name (PzEngine     *self,
                           PzPermitType *type,
                           gint64        now);

/* pz-engine-clocks.c */
gint64 due_time (PzEngine     *self,
                 gint64        office_id,
                 const PzStep *step,
                 gint64        entered);
gint64 service_due_time (PzEngine     *self,
                         gint64        office_id,
                         PzPermitType *type,
                         const PzStep *to,
                         gint64        started,
                         gint64        used,
                         gint64        entered);
char **escalation_roles (PzEngine   *self,
                         gint64      office_id,
                         const char *permit_type,
                         gint64      version,
                         const char *step_id,
                         const char *reason);
gboolean resolve (PzEngine       *self,
                  PzApplication  *app,
                  PzPermitType  **type,
                  PzWorkflow    **wf,
                  const PzStep  **step,
                  GError        **error);
const char *acting_role (const PzStep *step,
                         PzUser       *user);

/* pz-engine-register.c */
JsonObject *parse_object (const char *text);
char *object_to_string (JsonObject *obj);
gboolean reject_unknown_members (JsonObject         *obj,
                                 const char         *prefix,
                                 const char * const *known,
                                 GPtrArray          *details);
gboolean four_eyes (PzEngine       *self,
                    PzApplication  *app,
                    PzWorkflow     *wf,
                    const PzStep   *step,
                    PzUser         *user,
                    GError        **error);
gboolean four_eyes_after (PzApplication  *app,
                          PzWorkflow     *wf,
                          const PzStep   *step,
                          PzUser         *user,
                          PzEvent        *last,
                          GError        **error);

/* pz-engine-documents.c */
char *blob_path (PzEngine   *self,
                 const char *sha256);
gboolean keep_upload (PzEngine    *self,
                      PzUpload    *upload,
                      const char  *sha256,
                      GError     **error);

/* pz-engine-letters.c */
char *setting_or (PzEngine   *self,
                  gint64      office_id,
                  const char *key,
                  const char *fallback);
GBytes *render_output (PzEngine      *self,
                       PzApplication *app,
                       const char    *kind,
                       PzUser        *actor,
                       const char    *note,
                       gint64         now,
                       gboolean       signed_electronically,
                       const char    *letter_number);
gboolean store_output (PzEngine      *self,
                       PzApplication *app,
                       const char    *kind,
                       GBytes        *pdf,
                       gint64         now,
                       GError       **error);

/* pz-engine-signing.c */
gboolean signing_identity_of (PzEngine *self,
                              PzUser   *user,
                              char    **identity,
                              char    **nik,
                              gboolean *office_key);
PzSigner *open_signer (PzEngine    *self,
                       PzUser      *user,
                       const char  *passphrase,
                       GError     **error);
gboolean sign_permit (PzEngine      *self,
                      PzApplication *app,
                      PzPermitType  *type,
                      PzUser        *user,
                      JsonObject    *data,
                      PzSignJob     *signing,
                      gint64         now,
                      GError       **error);
const GError *signing_open_error (PzSignJob *signing);
PzMessage *compose_message (PzEngine      *self,
                            PzApplication *app,
                            PzPermitType  *type,
                            const PzStep  *from,
                            PzAction       action,
                            const PzStep  *to,
                            PzWorkflow    *wf,
                            const char    *note,
                            JsonObject    *returned_items,
                            gint64         now);
gboolean has_draft (PzEngine      *self,
                    PzApplication *app,
                    GPtrArray     *events);

/* pz_engine_format_time() in quotes, as JSON: 27 characters and the
 * closing nul for the years 1970 to 9999. */
#define PZ_TIME_JSON_SIZE 32
gboolean format_time_json (PzEngine *self,
                           gint64    unix_time,
                           char      buf[PZ_TIME_JSON_SIZE]);

G_END_DECLS
