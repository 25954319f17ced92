/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Who may send a request to a route, checked in this order before the
 * method: a public page is rate-limited per client; a session route needs
 * a live session (even one that must still change its password); a user
 * route a session whose password is chosen; an admin route the admin role. */
typedef enum {
  PZ_ROUTE_OPEN,
  PZ_ROUTE_PAGE,
  PZ_ROUTE_SESSION,
  PZ_ROUTE_USER,
  PZ_ROUTE_ADMIN,
} PzRouteAccess;

typedef enum {
  PZ_ROUTE_BODY_JSON,     /* bounded by max_body, parsed as JSON */
  PZ_ROUTE_BODY_UPLOAD,   /* bounded by max_upload, checked before it arrives, streamed */
} PzRouteBody;

/**
 * PzRoute:
 * @method: the HTTP method
 * @pattern: the path as data/openapi.json writes it, `{name}` for a
 *   segment (a name ending in `id` takes a positive number only)
 * @access: who may send it
 * @body: what its body is
 * @handler: (nullable): what answers it; %NULL for a route served by
 *   another handler of the server (the event WebSocket)
 *
 * One row of the route table, which alone decides dispatch, the `Allow`
 * header of a 405, the label of the request metrics, the body limit and
 * the upload pre-check, and the access level.
 */
typedef struct {
  const char    *method;
  const char    *pattern;
  PzRouteAccess  access;
  PzRouteBody    body;
  gpointer       handler;
} PzRoute;

#define PZ_ROUTE_MAX_PARAMS 4

typedef enum {
  PZ_ROUTE_MATCH_NONE,      /* no route has this path: 404 */
  PZ_ROUTE_MATCH_BAD_ID,    /* the path's {…id} is no number: 404 */
  PZ_ROUTE_MATCH_PATH,      /* the path is known, not with this method: 405 */
  PZ_ROUTE_MATCH_FULL,
} PzRouteMatchKind;

typedef struct {
  PzRouteMatchKind  kind;
  const PzRoute    *route;     /* the route of the path (of the method, if FULL) */
  const char       *params[PZ_ROUTE_MAX_PARAMS];
  guint             n_params;
  char              allow[64]; /* the path's methods, "GET, POST" */
} PzRouteMatch;

void         pz_route_match        (const PzRoute     *table,
                                    guint              n_routes,
                                    const char * const *segments,
                                    guint              n_segments,
                                    const char        *method,
                                    PzRouteMatch      *match);
const char  *pz_route_label        (const PzRoute     *table,
                                    guint              n_routes,
                                    const char        *path);

G_END_DECLS
