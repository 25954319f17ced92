/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pz-metrics.h"

/* Upper bounds of the latency histogram, in seconds: from a cached inbox
 * read to an upload being inspected. */
static const double buckets[] = { 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                  0.25, 0.5, 1, 2.5, 5, 10, 30 };
#define N_BUCKETS G_N_ELEMENTS (buckets)

typedef struct {
  guint64 counts[N_BUCKETS];  /* not cumulative; summed when written */
  guint64 total;
  double  sum;
} Histogram;

struct _PzMetrics
{
  GHashTable *requests;   /* "route\nmethod\nstatus" -> guint64* */
  GHashTable *latency;    /* route -> Histogram* */
};

PzMetrics *
pz_metrics_new (void)
{
  PzMetrics *self = g_new0 (PzMetrics, 1);

  self->requests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->latency = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return self;
}

void
pz_metrics_free (PzMetrics *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->requests);
  g_hash_table_unref (self->latency);
  g_free (self);
}

/**
 * pz_metrics_record:
 * @route: the route's template, such as `/api/v1/applications/{id}`; a
 *   fixed set, so the number of series stays bounded
 */
void
pz_metrics_record (PzMetrics  *self,
                   const char *route,
                   const char *method,
                   guint       status,
                   double      seconds)
{
  g_autofree char *key = g_strdup_printf ("%s\n%s\n%u", route, method, status);
  guint64 *count = g_hash_table_lookup (self->requests, key);
  Histogram *h = g_hash_table_lookup (self->latency, route);

  if (count == NULL)
    {
      count = g_new0 (guint64, 1);
      g_hash_table_insert (self->requests, g_steal_pointer (&key), count);
    }
  (*count)++;

  if (h == NULL)
    {
      h = g_new0 (Histogram, 1);
      g_hash_table_insert (self->latency, g_strdup (route), h);
    }
  for (guint i = 0; i < N_BUCKETS; i++)
    if (seconds <= buckets[i])
      {
        h->counts[i]++;
        break;
      }
  h->total++;
  h->sum += seconds;
}

void
pz_metrics_append_label (GString    *out,
                         const char *value)
{
  g_string_append_c (out, '"');
  for (const char *p = value; *p; p++)
    {
      if (*p == '\\')
        g_string_append (out, "\\\\");
      else if (*p == '"')
        g_string_append (out, "\\\"");
      else if (*p == '\n')
        g_string_append (out, "\\n");
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

static GPtrArray *
sorted_keys (GHashTable *table)
{
  GPtrArray *keys = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare_strings);
  return keys;
}

void
pz_metrics_write (PzMetrics *self,
                  GString   *out)
{
  g_autoptr(GPtrArray) keys = sorted_keys (self->requests);
  g_autoptr(GPtrArray) routes = sorted_keys (self->latency);

  g_string_append (out,
                   "# HELP perizinan_http_requests_total HTTP requests answered, by route, method and status.\n"
                   "# TYPE perizinan_http_requests_total counter\n");
  for (guint i = 0; i < keys->len; i++)
    {
      g_auto(GStrv) parts = g_strsplit (g_ptr_array_index (keys, i), "\n", 3);
      guint64 *count = g_hash_table_lookup (self->requests, g_ptr_array_index (keys, i));

      g_string_append (out, "perizinan_http_requests_total{route=");
      pz_metrics_append_label (out, parts[0]);
      g_string_append (out, ",method=");
      pz_metrics_append_label (out, parts[1]);
      g_string_append (out, ",status=");
      pz_metrics_append_label (out, parts[2]);
      g_string_append_printf (out, "} %" G_GUINT64_FORMAT "\n", *count);
    }

  g_string_append (out,
                   "# HELP perizinan_http_request_duration_seconds Time from a request's arrival to its answer being sent.\n"
                   "# TYPE perizinan_http_request_duration_seconds histogram\n");
  for (guint r = 0; r < routes->len; r++)
    {
      const char *route = g_ptr_array_index (routes, r);
      Histogram *h = g_hash_table_lookup (self->latency, route);
      guint64 cumulative = 0;
      char le[G_ASCII_DTOSTR_BUF_SIZE];

      for (guint i = 0; i < N_BUCKETS; i++)
        {
          cumulative += h->counts[i];
          g_string_append (out, "perizinan_http_request_duration_seconds_bucket{route=");
          pz_metrics_append_label (out, route);
          g_string_append_printf (out, ",le=\"%s\"} %" G_GUINT64_FORMAT "\n",
                                  g_ascii_formatd (le, sizeof le, "%g", buckets[i]), cumulative);
        }
      g_string_append (out, "perizinan_http_request_duration_seconds_bucket{route=");
      pz_metrics_append_label (out, route);
      g_string_append_printf (out, ",le=\"+Inf\"} %" G_GUINT64_FORMAT "\n", h->total);
      g_string_append (out, "perizinan_http_request_duration_seconds_sum{route=");
      pz_metrics_append_label (out, route);
      g_string_append_printf (out, "} %s\n", g_ascii_formatd (le, sizeof le, "%.6f", h->sum));
      g_string_append (out, "perizinan_http_request_duration_seconds_count{route=");
      pz_metrics_append_label (out, route);
      g_string_append_printf (out, "} %" G_GUINT64_FORMAT "\n", h->total);
    }
}
