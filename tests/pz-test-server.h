/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "pz-server.h"

G_BEGIN_DECLS

/* A real perizinan server on a loopback port, run by its own thread and main
 * context, and a real HTTP client for the test to talk to it. */
typedef struct _PzTestServer PzTestServer;

typedef struct {
  guint     status;
  GBytes   *body;
  JsonNode *json;
  char     *content_type;
  SoupMessageHeaders *headers;
} PzResponse;

PzTestServer *pz_test_server_start    (const char    *data_dir,
                                       gboolean       demo);
PzTestServer *pz_test_server_start_on_port (const char *data_dir,
                                       gboolean       demo,
                                       guint          port);
PzTestServer *pz_test_server_start_inspecting (const char *inspect_program,
                                       guint          inspect_timeout);
typedef void (*PzTestConfigure) (PzConfig *config, gpointer data);
PzTestServer *pz_test_server_start_configured (const char *data_dir,
                                       PzTestConfigure configure,
                                       gpointer       data);
PzTestServer *pz_test_server_start_office (const char *data_dir,
                                       gboolean       demo,
                                       PzTestConfigure configure,
                                       gpointer       data);
gboolean      pz_test_on_postgresql   (void);
char         *pz_test_server_db_location (PzTestServer *ts);
char         *pz_test_db_location     (const char    *dir);
void          pz_test_add_func_sqlite (const char    *path,
                                       GTestFunc      func);
gint64        pz_test_server_sql      (PzTestServer  *ts,
                                       const char    *sql);
GPtrArray    *pz_test_server_sql_row  (PzTestServer  *ts,
                                       const char    *sql);
gint64        pz_test_server_sql_int  (PzTestServer  *ts,
                                       const char    *sql);
GPtrArray    *pz_test_sql_row         (const char    *location,
                                       const char    *sql);
gint64        pz_test_sql_int         (const char    *location,
                                       const char    *sql);
PzTestServer *pz_test_server_attach   (guint          port);
PzTestServer *pz_test_server_attach_https (guint       port,
                                           const char *ca_file);
void          pz_test_server_stop     (PzTestServer  *ts);
void          pz_test_server_free     (PzTestServer  *ts);
const char   *pz_test_server_get_dir  (PzTestServer  *ts);
PzEngine     *pz_test_server_get_engine (PzTestServer *ts);
guint         pz_test_server_get_port (PzTestServer  *ts);

PzResponse   *pz_test_request_full    (PzTestServer  *ts,
                                       const char    *method,
                                       const char    *path,
                                       const char    *token,
                                       const char    *content_type,
                                       GBytes        *body,
                                       const char    *idempotency_key);
PzResponse   *pz_test_get_public      (PzTestServer  *ts,
                                       const char    *path,
                                       const char    *accept);
PzResponse   *pz_test_request         (PzTestServer  *ts,
                                       const char    *method,
                                       const char    *path,
                                       const char    *token,
                                       const char    *json_body);
char         *pz_test_login           (PzTestServer  *ts,
                                       const char    *username);
void          pz_response_free        (PzResponse    *response);

JsonObject   *pz_response_object      (PzResponse    *response);
const char   *pz_response_error_code  (PzResponse    *response);

/* Application helpers over HTTP */
gint64        pz_test_register        (PzTestServer  *ts,
                                       const char    *token,
                                       const char    *permit_type,
                                       const char    *request_type);
JsonObject   *pz_test_get_application (PzTestServer  *ts,
                                       const char    *token,
                                       gint64         id);
PzResponse   *pz_test_act             (PzTestServer  *ts,
                                       const char    *token,
                                       gint64         id,
                                       const char    *action,
                                       gint64         version,
                                       const char    *note,
                                       const char    *data_json);
void          pz_test_complete_documents (PzTestServer *ts,
                                       const char    *token,
                                       gint64         id);
void          pz_test_advance         (PzTestServer  *ts,
                                       gint64         id);
void          pz_test_drive_to        (PzTestServer  *ts,
                                       gint64         id,
                                       const char    *step);

GBytes       *pz_test_png             (int            width,
                                       int            height);

char         *pz_test_make_certificate (const char   *cert_path,
                                       const char    *key_path);
char         *pz_test_run             (const char * const *argv);
gboolean      pz_test_run_in          (const char         *dir,
                                       const char * const *argv);
char         *pz_test_pdf_text        (GBytes        *pdf);
char         *pz_test_pdf_qr          (GBytes        *pdf);

typedef struct _PzTestEvents PzTestEvents;

PzTestEvents *pz_test_events_open     (PzTestServer  *ts,
                                       const char    *token);
const char   *pz_test_events_find     (PzTestEvents  *ev,
                                       const char    *type,
                                       guint          ms);
gboolean      pz_test_events_closed   (PzTestEvents  *ev,
                                       guint          ms);
guint         pz_test_events_wait_count (PzTestEvents *ev,
                                         guint         n,
                                         guint         ms);
const char   *pz_test_events_nth      (PzTestEvents  *ev,
                                       guint          i);
void          pz_test_events_free     (PzTestEvents  *ev);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PzResponse, pz_response_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PzTestEvents, pz_test_events_free)

G_END_DECLS
