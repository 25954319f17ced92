/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Matching a request against the route table. */
#include "config.h"

#include <string.h>

#include "pz-route.h"

/* Whether @segments fit @pattern; the segments at its `{…}` go to
 * @params. *@bad_id is set when only a `{…id}` that is not a number
 * stood in the way. */
static gboolean
fits (const char         *pattern,
      const char * const *segments,
      guint               n_segments,
      const char        **params,
      guint              *n_params,
      gboolean           *bad_id)
{
  const char *p = pattern;
  guint i = 0;
  gboolean numbers_ok = TRUE;

  *n_params = 0;
  while (*p == '/')
    p++;
  while (*p)
    {
      const char *end = strchr (p, '/');
      gsize len = end ? (gsize) (end - p) : strlen (p);

      if (i >= n_segments)
        return FALSE;
      if (p[0] == '{' && p[len - 1] == '}')
        {
          guint64 value;

          /* a name ending in "id" names a row by its number */
          if (len >= 4 && p[len - 3] == 'i' && p[len - 2] == 'd' &&
              !g_ascii_string_to_unsigned (segments[i], 10, 1, G_MAXINT64, &value, NULL))
            numbers_ok = FALSE;
          if (*n_params < PZ_ROUTE_MAX_PARAMS)
            params[(*n_params)++] = segments[i];
        }
      else if (strlen (segments[i]) != len || strncmp (segments[i], p, len) != 0)
        return FALSE;
      i++;
      p += len;
      while (*p == '/')
        p++;
    }
  if (i != n_segments)
    return FALSE;
  if (!numbers_ok)
    {
      *bad_id = TRUE;
      return FALSE;
    }
  return TRUE;
}

/**
 * pz_route_match:
 * @segments: the request's decoded path segments
 *
 * Finds the route of @method on the path; when the path is known but not
 * with @method, @match says which methods it has.
 */
void
pz_route_match (const PzRoute      *table,
                guint               n_routes,
                const char * const *segments,
                guint               n_segments,
                const char         *method,
                PzRouteMatch       *match)
{
  gboolean bad_id = FALSE;

  memset (match, 0, sizeof *match);
  for (guint r = 0; r < n_routes; r++)
    {
      const char *params[PZ_ROUTE_MAX_PARAMS];
      guint n_params;

      if (!fits (table[r].pattern, segments, n_segments, params, &n_params, &bad_id))
        continue;
      if (match->allow[0])
        g_strlcat (match->allow, ", ", sizeof match->allow);
      g_strlcat (match->allow, table[r].method, sizeof match->allow);
      if (match->kind == PZ_ROUTE_MATCH_FULL)
        continue;
      if (g_str_equal (table[r].method, method) || match->route == NULL)
        {
          match->route = &table[r];
          memcpy (match->params, params, sizeof params);
          match->n_params = n_params;
          match->kind = g_str_equal (table[r].method, method) ? PZ_ROUTE_MATCH_FULL : PZ_ROUTE_MATCH_PATH;
        }
    }
  if (match->route == NULL && bad_id)
    match->kind = PZ_ROUTE_MATCH_BAD_ID;
}

/**
 * pz_route_label:
 * @path: a request's raw path
 *
 * Returns: (transfer none): the pattern of the route @path belongs to, or
 *   "other": a label of the request metrics, so their number stays
 *   bounded whatever is asked.
 */
const char *
pz_route_label (const PzRoute *table,
                guint          n_routes,
                const char    *path)
{
  g_auto(GStrv) parts = g_strsplit (path, "/", 12);
  const char *segments[10];
  guint n = 0;
  PzRouteMatch match;

  for (guint i = 0; parts[i]; i++)
    if (*parts[i])
      {
        if (n == G_N_ELEMENTS (segments))
          return "other";
        segments[n++] = parts[i];
      }
  pz_route_match (table, n_routes, segments, n, "", &match);
  return match.route ? match.route->pattern : "other";
}
