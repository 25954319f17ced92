/* SPDX-License-Identifier: GPL-3.0-or-later */
/* How long the full oversight report takes for a year of an office:
 * fills a data directory with a year of files (every step's event and
 * office time, the survey answers), then builds the report for that year
 * several times, in the server's engine and through a running server. */
#include "config.h"

#include <libsoup/soup.h>
#include <stdio.h>

#include "pz-bench-fill.h"
#include "pz-report.h"

static gint64 n_files = 100000;
static int runs = 5;
static char *data_dir_opt;

static const GOptionEntry entries[] = {
  { "files", 'n', 0, G_OPTION_ARG_INT64, &n_files, "Files in the year (default 100000)", "N" },
  { "runs", 'r', 0, G_OPTION_ARG_INT, &runs, "How many times to build the report (default 5)", "N" },
  { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir_opt, "Use (or fill) this data directory", "DIR" },
  { NULL }
};

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static gint64
rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) || !(line = strstr (status, "VmHWM:")))
    return 0;
  return g_ascii_strtoll (line + 6, NULL, 10);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- time the oversight report");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  PzEngine *engine;
  GDate from, to;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gsize size = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  dir = data_dir_opt ? g_strdup (data_dir_opt) : g_dir_make_tmp ("perizinan-bench-report-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (dir, "perizinan.db", NULL);
  if (!g_file_test (db, G_FILE_TEST_EXISTS))
    pz_bench_fill_year (dir, n_files);
  g_print ("data dir: %s\n", dir);

  engine = pz_engine_new (dir, NULL, NULL, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GDateTime) today = g_date_time_new_now (pz_engine_get_timezone (engine));
    g_autoptr(GDateTime) start = g_date_time_add_days (today, -365);

    g_date_clear (&from, 1);
    g_date_clear (&to, 1);
    g_date_set_dmy (&from, g_date_time_get_day_of_month (start), g_date_time_get_month (start),
                    g_date_time_get_year (start));
    g_date_set_dmy (&to, g_date_time_get_day_of_month (today), g_date_time_get_month (today),
                    g_date_time_get_year (today));
  }
  for (int i = 0; i < runs; i++)
    {
      gint64 t0 = g_get_monotonic_time ();
      g_autofree char *report = pz_report_build (engine, PZ_STORE_FIRST_OFFICE, &from, &to, now, &error);
      double s;

      g_assert_no_error (error);
      s = (g_get_monotonic_time () - t0) / 1e6;
      g_array_append_val (times, s);
      size = strlen (report);
      if (i == 0)
        {
          g_autoptr(JsonNode) node = json_from_string (report, NULL);
          JsonObject *o = json_node_get_object (node);
          JsonArray *steps = json_object_get_array_member (o, "steps");
          gint64 stays = 0;

          for (guint k = 0; k < json_array_get_length (steps); k++)
            stays += json_object_get_int_member (json_array_get_object_element (steps, k), "count");
          g_print ("report: %zu bytes; %u volume rows, %" G_GINT64_FORMAT " step stays, %u officer rows, "
                   "%" G_GINT64_FORMAT " survey answers\n", size,
                   json_array_get_length (json_object_get_array_member (o, "volume")), stays,
                   json_array_get_length (json_object_get_array_member (o, "officers")),
                   json_object_get_int_member (json_object_get_object_member (o, "satisfaction"), "responses"));
        }
    }
  g_array_sort (times, compare_double);
  g_print ("full report for a year (%" G_GINT64_FORMAT " files), %d runs: min %.3f s, median %.3f s, max %.3f s "
           "(aim: under 1 s)\n", n_files, runs, g_array_index (times, double, 0),
           g_array_index (times, double, times->len / 2), g_array_index (times, double, times->len - 1));
  g_print ("peak RSS of the process: %.1f MiB\n", rss_kib () / 1024.0);
  pz_engine_free (engine);
  return 0;
}
