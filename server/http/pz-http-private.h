/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the rooms of the HTTP layer share: the server's state, a request
 * being answered, and the functions one room offers the others. */
#pragma once

#include <libsoup/soup.h>
#include <sys/socket.h>

#include "pz-auth.h"
#include "pz-catalog.h"
#include "pz-demo.h"
#include "pz-inspect.h"
#include "pz-http-guard.h"
#include "pz-outbox.h"
#include "pz-metrics.h"
#include "pz-outputs.h"
#include "pz-ratelimit.h"
#include "pz-report.h"
#include "pz-route.h"
#include "pz-server.h"
#include "pz-tracking.h"

G_BEGIN_DECLS

struct _PzServer
{
  GObject      parent_instance;
  PzConfig    *config;
  SoupServer  *soup;
  PzEngine    *engine;
  PzThrottle  *throttle_user;
  PzThrottle  *throttle_address;
  char        *dummy_hash;
  guint        port;

  /* Actions that arrive together share one transaction and one durable
   * commit; their answers are held until it is on disk. */
  GPtrArray   *batch;        /* SoupServerMessage, paused */
  guint        batch_source;
  GSource     *certificate_check;
  GSource     *escalation_check;
  GSource     *purge_check;
  GPtrArray   *batch_events; /* JSON texts, sent once the batch is on disk */
  /* The durable commit of a batch runs on a thread of its own, the store's
   * connection lent to it; meanwhile the inbox and /healthz are answered
   * from the reader, and what needs the store waits in @deferred. */
  GThread     *commit_thread;
  GAsyncQueue *commit_queue;  /* Commit, for the thread */
  struct _Commit *committing; /* the one in flight, or NULL */
  GQueue       deferred;      /* Deferred: requests waiting for the store */
  guint        deferred_source;
  gboolean     outbox_kick;   /* due from deferred_source */
  gint64       outbox_seen;   /* pz_store_messages_queued() at the last kick */

  GPtrArray   *sockets;      /* SoupWebsocketConnection: /api/v1/events */
  PzStoreBus  *bus;          /* to and from the other servers on the database */
  GSource     *bus_watch;
  GSource     *bus_retry;

  /* token hash -> Session: spares two queries on every request */
  GHashTable  *sessions;

  PzOutbox    *outbox;
  GSocket     *listen_socket;

  PzMetrics   *metrics;

  /* Document inspections: a few at once, a bounded queue behind them. */
  guint        inspections_running;
  GQueue       inspections_waiting;   /* Inspection, not started */
  gboolean     sandbox_logged;

  GList       *write_waits;           /* WriteWait: for another process's write lock */

  /* application id -> SignFlight: signatures being made on a worker */
  GHashTable  *signings;
  GMutex       signing_lock;
  GCond        signing_done;
  guint        signings_running;  /* workers not yet ended, under signing_lock */

  PzCatalog   *public_catalog;  /* the public pages' language; NULL: English */
  PzRateLimit *public_limit;
  PzHttpGuard *guard;
};

typedef struct {
  PzUser *user;
  gint64  expires_at;
  gint64  checked_at;
  gint64  last_seen;   /* the last request */
  gint64  touched_at;  /* when last_seen was last written to the database */
} Session;

/* How often (at most) the time of a session's last request is written
 * down; more often for a short idle timeout. */
#define SESSION_TOUCH_SECONDS 60

/* How long a session read from the database is trusted without reading it
 * again. Logging out here drops it at once; an administrator's change to a
 * user takes effect within this time. */
#define SESSION_CACHE_SECONDS 30

typedef struct {
  PzServer          *server;
  SoupServerMessage *msg;
  const char        *method;
  char             **seg;
  guint              n_seg;
  GHashTable        *query;
  PzUser            *user;
  gint64             now;
  const char        *param[PZ_ROUTE_MAX_PARAMS];  /* the path's {…} segments */
} Req;

typedef void (*WriteReady) (PzServer *self,
                            gpointer  data,
                            gboolean  writable);

typedef struct {
  PzServer  *server;
  WriteReady ready;
  gpointer   data;
  gint64     deadline;
  guint      delay_ms;
  GSource   *source;
} WriteWait;

/* argon2 takes tens of milliseconds and 19 MiB: it never runs on the main
 * loop. A handler that needs it asks argon_result(); the first time the
 * work is started in a thread and the request paused; once it is done the
 * request is routed again and the handler finds the result. */
typedef struct {
  char     *encoded;        /* verified against verify_password */
  char     *verify_password;
  char     *hash_password;  /* hashed into hash */
  gboolean  verified;
  char     *hash;
  char     *hash_error;
} Argon;

/* Uploads: streamed to a temporary file while they arrive, inspected in a
 * separate process with limits, then stored. */

typedef struct {
  PzUpload *upload;
  gsize     limit;
} UploadState;

typedef struct {
  PzServer          *server;
  SoupServerMessage *msg;
  PzUser            *user;
  gint64             id;
  char              *requirement;
  const char        *type;
  gint64             pages;     /* as the inspection found them */
  GSubprocess       *process;
  guint              timeout;
  gboolean           timed_out;
  char              *idempotency_key;
  char              *fingerprint;
} Inspection;

/* Public pages: no login, readable on a phone, in the public's language
 * (PUBLIC_LANGUAGE) whatever the server's locale: the office's citizens
 * read Indonesian, as on the receipt and the letters they hold. */

#define PUBLIC_LANGUAGE "id"

/* The public may ask this often from one address (an IPv6 /64), on
 * average, after a first burst; an office's public connection behind one
 * carrier address still gets a page a second. */
#define PUBLIC_RATE_PER_SECOND 1.0
#define PUBLIC_BURST           60.0
#define PUBLIC_RATE_SLOTS      4096

/* Writes a change and its audit record in one transaction. */
typedef gboolean (*AdminChange) (PzStore *store, gpointer data, GError **error);

/* A new signing key: the engine's refusal is told to the administrator. */
typedef struct {
  PzEngine   *engine;
  GBytes     *p12;
  const char *passphrase;
  const char *current_passphrase;
  gint64      now;
  GError     *refusal;
} KeyChange;

/* Office profile */

#define CERTIFICATE_WARNING_DAYS 30

/* pz-http-reply.c */
gint64 now_seconds (void);
void send_json (SoupServerMessage *msg,
                guint              status,
                JsonNode          *node);
void send_text_json (SoupServerMessage *msg,
                     guint              status,
                     const char        *text);
void send_error (SoupServerMessage *msg,
                 guint              status,
                 const char        *code,
                 const char        *message,
                 GPtrArray         *details);
void send_gerror (SoupServerMessage *msg,
                  const GError      *error,
                  GPtrArray         *details);
void send_disk_full (SoupServerMessage *msg);
void bad_request (Req        *req,
                  const char *message);
JsonObject *read_json_body (Req *req);
gboolean only_members (Req                *req,
                       JsonObject         *obj,
                       const char * const *known);
gboolean get_member (Req         *req,
                     JsonObject  *obj,
                     const char  *name,
                     GType        type,
                     gboolean     required,
                     JsonNode   **out);
const char *query_string (Req        *req,
                          const char *name);
void handle_search (Req *req);
char *request_fingerprint (Req        *req,
                           const void *content,
                           gssize      length);
gboolean replay_idempotent (PzServer          *self,
                            SoupServerMessage *msg,
                            PzUser            *user,
                            const char        *key,
                            const char        *fingerprint);
void handle_register (Req *req);

/* pz-http-events.c */
char *event_json (gint64      office_id,
                  gint64      id,
                  const char *step,
                  const char *status,
                  gint64      version);
void events_bus_start (PzServer *self);
void events_bus_stop (PzServer *self);
gboolean server_leads (PzServer *self);
PzStoreBus *server_bus (gpointer data);
gboolean reload_office (PzServer *self,
                        GError  **error);
GSourceFunc server_leads_func (void);
void sessions_ended (PzServer   *self,
                     const char *hash);
void broadcast (PzServer   *self,
                const char *text);
void broadcast_all (PzServer  *self,
                    GPtrArray *texts);
void announce (PzServer      *self,
               PzApplication *app);
void announce_id (PzServer *self,
                  gint64    office_id,
                  gint64    id);
void websocket_callback (SoupServer              *soup,
                         SoupServerMessage       *msg,
                         const char              *path,
                         SoupWebsocketConnection *conn,
                         gpointer                 data);
void close_ended_sockets (PzServer *self);
gboolean purge_cb (gpointer data);

/* pz-http-commit.c */
void flush_batch (PzServer *self);
void commit_thread_init (PzServer *self);
void commit_thread_stop (PzServer *self);
gboolean store_busy (PzServer *self);
void defer_request (Req *req);
void resume_deferred (PzServer *self);
void refuse_deferred (PzServer *self);
gboolean join_batch (PzServer  *self,
                     GError   **error);
void hold_for_batch (PzServer          *self,
                     SoupServerMessage *msg);
void write_wait_end (WriteWait *w,
                     gboolean   writable);
void when_writable (PzServer   *self,
                    WriteReady  ready,
                    gpointer    data);
void send_busy (SoupServerMessage *msg,
                const char        *message,
                guint              retry_after);

/* pz-http-session.c */
void session_free (Session *s);
JsonNode *user_json (PzUser *user,
                     gint64  expires_at,
                     PzEngine *engine);
char *bearer_token (Req *req);
gboolean authenticate (Req *req);
char *throttle_key (const char *kind,
                    const char *username,
                    const char *address);
char *throttle_user_key (const char   *kind,
                         const PzUser *user,
                         const char   *address);
const char *client_address (Req *req);
gboolean throttle_attempt (Req        *req,
                           const char *key,
                           const char *address);
void throttle_success (PzServer   *self,
                       const char *key,
                       const char *address);
void handle_login (Req *req);
Argon *argon_result (Req        *req,
                     const char *encoded,
                     const char *verify_password,
                     const char *hash_password);
void handle_logout (Req *req);
void handle_me (Req *req);

/* pz-http-files.c */
void handle_workflows (Req *req);
void handle_permit_types (Req *req);
gboolean query_uint (Req        *req,
                     const char *name,
                     guint64     min,
                     guint64     max,
                     guint64     fallback,
                     guint64    *out);
gboolean read_idempotency_key (Req         *req,
                               gboolean     required,
                               const char **out);
void escalate (PzServer *self);
gboolean escalate_cb (gpointer data);
void handle_late_files (Req *req);
void handle_report (Req *req);
void handle_inbox (Req *req);
void handle_application (Req    *req,
                         gint64  id);
void handle_action (Req    *req,
                    gint64  id);
void upload_state_free (UploadState *st);
void refuse_signings (PzServer *self);

/* pz-http-documents.c */
void inspection_free (Inspection *job);
void handle_put_document (Req        *req,
                          gint64      id,
                          const char *requirement);
void handle_get_document (Req        *req,
                          gint64      id,
                          const char *requirement);
void handle_verdict (Req        *req,
                     gint64      id,
                     const char *requirement);
void send_file (SoupServerMessage *msg,
                const char        *path,
                const char        *content_type,
                const char        *filename,
                gboolean           attachment);
void handle_output (Req        *req,
                    gint64      id,
                    const char *kind);
void early_callback (SoupServer        *soup,
                     SoupServerMessage *msg,
                     const char        *path,
                     GHashTable        *query,
                     gpointer           data);
gboolean check_certificate (gpointer data);

/* pz-http-public.c */
gboolean public_allowed (Req *req);
void handle_verify (Req        *req,
                    const char *token,
                    gboolean    pdf);
void handle_track (Req        *req,
                   const char *typed);
void handle_survey (Req        *req,
                    const char *typed);

/* pz-http-admin.c */
gboolean require_admin (Req *req);
gboolean commit_admin_change (Req         *req,
                              AdminChange  change,
                              gpointer     data,
                              const char  *action,
                              const char  *target,
                              JsonObject  *body);
void handle_list_users (Req *req);
void handle_create_user (Req *req);
void handle_update_user (Req    *req,
                         gint64  id);
void handle_reset_password (Req    *req,
                            gint64  id);
void handle_change_password (Req *req);
void handle_audit (Req *req);
void handle_list_holidays (Req *req);
void reload_calendar (Req *req);
void handle_put_holiday (Req        *req,
                         const char *date);
void handle_delete_holiday (Req        *req,
                            const char *date);

/* pz-http-office.c */
void handle_get_office (Req *req);
void handle_patch_office (Req *req);
void handle_put_logo (Req *req);
void handle_get_logo (Req *req);
void handle_delete_logo (Req *req);
gboolean key_change (PzStore  *store,
                     gpointer  data,
                     GError  **error);
void handle_put_certificate (Req *req);
void handle_put_permit_type (Req        *req,
                             const char *code);
void handle_permit_type_versions (Req        *req,
                                  const char *code);
void handle_list_acting (Req    *req,
                         gint64  user_id);
void handle_create_acting (Req    *req,
                           gint64  user_id);
void handle_end_acting (Req    *req,
                        gint64  user_id,
                        gint64  id);
GQuark started_quark (void);

/* pz-http-observe.c */
void handle_openapi (Req *req);
void handle_healthz (Req *req);
GQuark request_user_quark (void);
void request_refused (SoupServerMessage *msg,
                      guint              status,
                      gpointer           data);
void request_started (SoupServer        *soup,
                      SoupServerMessage *msg,
                      gpointer           data);
void request_finished (SoupServer        *soup,
                       SoupServerMessage *msg,
                       gpointer           data);
void handle_metrics (Req *req);

/* pz-server.c */
const char *route_label (const char *path);
PzRouteBody route_body (PzServer          *self,
                        SoupServerMessage *msg);
void match_request (Req          *req,
                    PzRouteMatch *match);
void route (Req *req);
gboolean split_path (const char  *path,
                     char      ***out,
                     guint       *n);

G_END_DECLS
