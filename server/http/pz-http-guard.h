/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "pz-validate.h"

G_BEGIN_DECLS

/* Defences of the HTTP layer against one hostile client: request bodies
 * bounded while they arrive, nesting bounded before a parser sees them,
 * idle connections closed, connections per client address capped, and an
 * accept loop that survives running out of file descriptors. */

/* Deepest nesting of arrays and objects a JSON request may have. */
#define PZ_JSON_MAX_DEPTH 64

gboolean    pz_json_depth_ok      (const char *data,
                                   gsize       size,
                                   guint       max_depth);


/* The method as a metrics label: one of the methods the server knows, or
 * "OTHER". */
const char *pz_method_label       (const char *method);

/* Whether a request carries any header a proxy adds on the way. */
gboolean    pz_has_proxy_header   (SoupMessageHeaders *headers);

typedef struct _PzHttpGuard PzHttpGuard;

PzHttpGuard *pz_http_guard_new    (SoupServer *soup,
                                   guint       idle_timeout,
                                   guint       max_per_client);
void        pz_http_guard_free    (PzHttpGuard *self);

/* Starts watching the listening socket: accepting resumes by itself after
 * the process ran out of file descriptors. */
void        pz_http_guard_watch_listener (PzHttpGuard             *self,
                                          GSocket                 *listener,
                                          SoupServerListenOptions  options);

/* From the server's "request-started": times the connection out, counts
 * it against its client address. */
void        pz_http_guard_request_started (PzHttpGuard       *self,
                                           SoupServerMessage *msg);

/* From the server's "request-finished": times a kept-alive connection out
 * until its next request. */
void        pz_http_guard_request_finished (PzHttpGuard       *self,
                                            SoupServerMessage *msg);

/* From the message's "got-headers": bounds the body to @limit bytes while
 * it arrives; @keep whether the handler reads it. Returns FALSE if the
 * request was refused. */
gboolean    pz_http_guard_limit_body (PzHttpGuard       *self,
                                      SoupServerMessage *msg,
                                      gsize              limit,
                                      gboolean           keep);

/* Answers @msg with @status and the JSON @body at once, without reading
 * the rest of its request, and closes the connection. */
void        pz_http_guard_refuse  (PzHttpGuard       *self,
                                   SoupServerMessage *msg,
                                   guint              status,
                                   const char        *body);

/* Called with each refused message, before its connection is taken. */
typedef void (*PzHttpGuardRefused) (SoupServerMessage *msg,
                                    guint              status,
                                    gpointer           data);
void        pz_http_guard_set_refused_func (PzHttpGuard        *self,
                                            PzHttpGuardRefused  func,
                                            gpointer            data);

/* The JSON error body of a refused request that is too large. */
char       *pz_http_guard_too_large_body (void);

G_END_DECLS
