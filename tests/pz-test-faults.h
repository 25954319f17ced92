/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the suites of faults and of the document inspector share: a demo
 * office they share, the server's log kept to be checked, error bodies,
 * requests from threads of their own, and an upload. */
#pragma once

#include "pz-test-server.h"

extern GString *log_text;

PzTestServer *shared_server          (void);
void          faults_log_init        (void);
void          faults_log_clear       (void);
gboolean      logged                 (const char *text);
char         *doc_path               (gint64      id,
                                      const char *requirement);
const char   *error_message          (PzResponse *r);
void          assert_one_error_body  (PzResponse *r,
                                      const char *code);

/* A request from a thread of its own, with a session of its own. */
typedef struct {
  guint       port;
  const char *method;
  char       *path;
  const char *token;
  GBytes     *body;
  const char *content_type;
  guint       status;
  GBytes     *answer;
  char       *retry_after;
  gint64      took;
  gint        done;
} Call;

gpointer      call_thread            (gpointer      data);
void          call_clear             (Call         *c);
const char   *call_error_code        (Call         *c);
PzResponse   *upload                 (PzTestServer *ts,
                                      gint64        id,
                                      const char   *requirement,
                                      GBytes       *body);
