/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-report"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "pz-json-writer.h"
#include "pz-report.h"

/* The oversight report for a period: files received and decided per
 * permit type and month, the time each step takes against its standard
 * (per step and per officer), the service standard kept, where files wait
 * now, and the applicants' satisfaction. Times are office time. */

const char * const pz_skm_elements[PZ_SKM_ELEMENTS + 1] = {
  "requirements", "procedure", "time", "cost", "product", "competence", "behaviour", "complaints",
  "facilities", NULL
};

static const char * const skm_titles[PZ_SKM_ELEMENTS] = {
  N_("Requirements"),
  N_("Procedure"),
  N_("Service time"),
  N_("Cost"),
  N_("Product"),
  N_("Staff competence"),
  N_("Staff behaviour"),
  N_("Complaints handling"),
  N_("Facilities"),
};

const char *
pz_skm_element_title (guint element)
{
  return element < PZ_SKM_ELEMENTS ? g_dgettext (GETTEXT_PACKAGE, skm_titles[element]) : NULL;
}

/**
 * pz_skm_category:
 * @index: the satisfaction index, 25 to 100
 *
 * Returns: the quality grade of PermenPAN-RB 14/2017: A (very good) to D
 */
const char *
pz_skm_category (double index)
{
  if (index >= 88.31)
    return "A";
  if (index >= 76.61)
    return "B";
  if (index >= 65.00)
    return "C";
  return "D";
}

/* Durations of one group (a step, or an officer at a step). */
typedef struct {
  GArray *seconds;      /* gint64 */
  gint64  standard;
  gint64  within;
  /* the five slowest: application id and seconds */
  gint64  slow_id[5];
  gint64  slow_s[5];
} Group;

static Group *
group_new (gint64 standard)
{
  Group *g = g_new0 (Group, 1);

  g->seconds = g_array_new (FALSE, FALSE, sizeof (gint64));
  g->standard = standard;
  for (guint i = 0; i < 5; i++)
    g->slow_s[i] = -1;
  return g;
}

static void
group_free (Group *g)
{
  g_array_unref (g->seconds);
  g_free (g);
}

static void
group_add (Group *g,
           gint64 seconds,
           gint64 application_id)
{
  g_array_append_val (g->seconds, seconds);
  if (g->standard == 0 || seconds <= g->standard)
    g->within++;
  if (seconds > g->slow_s[4])
    {
      guint i = 4;

      while (i > 0 && seconds > g->slow_s[i - 1])
        {
          g->slow_s[i] = g->slow_s[i - 1];
          g->slow_id[i] = g->slow_id[i - 1];
          i--;
        }
      g->slow_s[i] = seconds;
      g->slow_id[i] = application_id;
    }
}

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

/* The median (the mean of the two middle values for an even count) and the
 * 90th percentile by nearest rank. */
static void
group_stats (Group  *g,
             double *median,
             gint64 *p90)
{
  guint n = g->seconds->len;
  gint64 *v = (gint64 *) (void *) g->seconds->data;

  *median = 0;
  *p90 = 0;
  if (n == 0)
    return;
  g_array_sort (g->seconds, compare_int64);
  *median = n % 2 ? (double) v[n / 2] : ((double) v[n / 2 - 1] + (double) v[n / 2]) / 2.0;
  *p90 = v[(guint) ceil (0.9 * n) - 1];
}

static void
write_group_stats (PzJsonWriter *w,
                   Group        *g)
{
  double median;
  gint64 p90;

  group_stats (g, &median, &p90);
  pz_json_writer_member (w, "count");
  pz_json_writer_int (w, g->seconds->len);
  pz_json_writer_member (w, "median_seconds");
  pz_json_writer_double (w, median);
  pz_json_writer_member (w, "p90_seconds");
  pz_json_writer_int (w, p90);
  pz_json_writer_member (w, "standard_seconds");
  pz_json_writer_int (w, g->standard);
  pz_json_writer_member (w, "within_standard");
  pz_json_writer_double (w, g->seconds->len ? (double) g->within / g->seconds->len : 1.0);
}

static void
write_str (PzJsonWriter *w,
           const char   *name,
           const char   *value)
{
  pz_json_writer_member (w, name);
  if (value)
    pz_json_writer_string (w, value);
  else
    pz_json_writer_null (w);
}

/* A store's error, as the engine's. */
static gboolean
report_fail (GError **error,
             GError  *local_error)
{
  g_set_error_literal (error, PZ_ENGINE_ERROR, PZ_ENGINE_ERROR_INTERNAL, local_error->message);
  g_error_free (local_error);
  return FALSE;
}

/* What a report needs of the engine, taken on the main thread so that the
 * report can be built in another one, on its own read-only connection. */
struct _PzReportContext
{
  char       *db_path;
  GTimeZone  *tz;
  PzCalendar *calendar;
  GHashTable *types;        /* code -> PzPermitType, the current editions */
  GHashTable *versions;     /* "code/version" -> PzPermitType */
  GHashTable *workflows;    /* id -> PzWorkflow */
  GDate       from;
  GDate       to;
  gint64      now;
  char       *generated_at;
  gint64      office_id;    /* whose officers */
  gint64      files_of;     /* whose files: 0 for every office's, where there is one */
};

typedef struct {
  PzReportContext *ctx;
  PzStore         *store;  /* a snapshot */
  gint64           from;
  gint64           to;
  gint64           now;
  gint64           tz_offset;
  GHashTable      *type_workflow; /* permit type code -> PzWorkflow */
  PzWorkflow      *only_workflow; /* if every type uses the same one */
} Report;

static gint64
step_standard (Report       *r,
               const PzStep *step)
{
  if (step == NULL || step->final || step->applicant_clock)
    return 0;
  if (step->standard_minutes)
    return step->standard_minutes * 60;
  return (gint64) step->standard_working_days * pz_calendar_day_length (r->ctx->calendar);
}

static PzWorkflow *
main_workflow (Report *r)
{
  return r->only_workflow ? r->only_workflow : g_hash_table_lookup (r->ctx->workflows, "standard");
}

static PzPermitType *
edition_of (Report     *r,
            const char *code,
            gint64      version)
{
  g_autofree char *key = g_strdup_printf ("%s/%" G_GINT64_FORMAT, code, version > 0 ? version : 1);
  PzPermitType *type = g_hash_table_lookup (r->ctx->versions, key);

  return type ? type : g_hash_table_lookup (r->ctx->types, code);
}

static const PzStep *
step_of (Report     *r,
         const char *permit_type,
         const char *step_id)
{
  PzWorkflow *wf = r->only_workflow ? r->only_workflow : g_hash_table_lookup (r->type_workflow, permit_type);

  return wf && step_id ? pz_workflow_get_step (wf, step_id) : NULL;
}

/* Received, issued, refused and still open, per month and permit type. */
static gboolean
write_volume (Report       *r,
              PzJsonWriter *w,
              GError      **error)
{
  GError *local_error = NULL;
  g_autoptr(GPtrArray) rows = pz_store_report_volume (r->store, r->ctx->files_of, r->from, r->to, r->tz_offset, &local_error);

  if (rows == NULL)
    return report_fail (error, local_error);
  pz_json_writer_member (w, "volume");
  pz_json_writer_begin_array (w);
  for (guint i = 0; i < rows->len; i++)
    {
      PzVolumeRow *v = g_ptr_array_index (rows, i);
      PzPermitType *type = g_hash_table_lookup (r->ctx->types, v->permit_type);

      pz_json_writer_begin_object (w);
      write_str (w, "month", v->month);
      write_str (w, "permit_type", v->permit_type);
      write_str (w, "permit_type_name", type ? type->name : v->permit_type);
      pz_json_writer_member (w, "received");
      pz_json_writer_int (w, v->received);
      pz_json_writer_member (w, "issued");
      pz_json_writer_int (w, v->issued);
      pz_json_writer_member (w, "refused");
      pz_json_writer_int (w, v->refused);
      pz_json_writer_member (w, "in_progress");
      pz_json_writer_int (w, v->open);
      pz_json_writer_end_object (w);
    }
  pz_json_writer_end_array (w);
  return TRUE;
}

/* Every stay in a step that ended in the period, per step and per officer. */
static gboolean
write_steps (Report       *r,
             PzJsonWriter *w,
             GError      **error)
{
  g_autoptr(GHashTable) steps = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) group_free);
  g_autoptr(GHashTable) officers = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) group_free);
  g_autoptr(GHashTable) users = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) g_strfreev);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autoptr(GList) officer_keys = NULL;
  g_autoptr(GPtrArray) user_list = NULL;
  g_autoptr(GPtrArray) stays = NULL;
  GError *local_error = NULL;

  if (!(user_list = pz_store_list_users (r->store, r->ctx->office_id, &local_error)))
    return report_fail (error, local_error);
  for (guint i = 0; i < user_list->len; i++)
    {
      PzUser *u = g_ptr_array_index (user_list, i);
      gint64 *id = g_new (gint64, 1);
      char **names = g_new0 (char *, 3);

      *id = u->id;
      names[0] = g_strdup (u->username);
      names[1] = g_strdup (u->full_name);
      g_hash_table_insert (users, id, names);
    }

  if (!(stays = pz_store_report_stays (r->store, r->ctx->files_of, r->from, r->to, r->only_workflow == NULL, &local_error)))
    return report_fail (error, local_error);
  for (guint i = 0; i < stays->len; i++)
    {
      PzStayRow *stay = g_ptr_array_index (stays, i);
      const PzStep *step = step_of (r, stay->permit_type, stay->step);
      gint64 user = stay->user_id;
      gint64 seconds = stay->office_seconds;
      gint64 app = stay->application_id;
      gint64 key;
      Group *g;

      if (step == NULL || step->final || step->applicant_clock)
        continue;
      if (!(g = g_hash_table_lookup (steps, step->id)))
        {
          g_hash_table_insert (steps, step->id, g = group_new (step_standard (r, step)));
          g_ptr_array_add (order, (gpointer) step);
        }
      group_add (g, seconds, app);
      /* an officer at a step: the user id and the step's place */
      {
        guint place = 0;

        g_ptr_array_find (order, step, &place);
        key = user * 256 + place;
      }
      if (!(g = g_hash_table_lookup (officers, &key)))
        {
          gint64 *k = g_new (gint64, 1);

          *k = key;
          g_hash_table_insert (officers, k, g = group_new (step_standard (r, step)));
        }
      group_add (g, seconds, app);
    }

  pz_json_writer_member (w, "steps");
  pz_json_writer_begin_array (w);
  {
    /* in the workflow's order */
    PzWorkflow *wf = main_workflow (r);
    g_autoptr(GPtrArray) sorted = g_ptr_array_new ();

    for (guint i = 0; wf && i < pz_workflow_get_n_steps (wf); i++)
      {
        const PzStep *s = pz_workflow_get_nth_step (wf, i);
        if (g_hash_table_contains (steps, s->id))
          g_ptr_array_add (sorted, (gpointer) s);
      }
    for (guint i = 0; i < order->len; i++)
      if (!g_ptr_array_find (sorted, g_ptr_array_index (order, i), NULL))
        g_ptr_array_add (sorted, g_ptr_array_index (order, i));

    for (guint i = 0; i < sorted->len; i++)
      {
        const PzStep *s = g_ptr_array_index (sorted, i);
        Group *g = g_hash_table_lookup (steps, s->id);

        pz_json_writer_begin_object (w);
        write_str (w, "step", s->id);
        write_str (w, "title", g_dgettext (GETTEXT_PACKAGE, s->title));
        write_group_stats (w, g);
        pz_json_writer_member (w, "slowest");
        pz_json_writer_begin_array (w);
        for (guint k = 0; k < 5 && g->slow_s[k] >= 0; k++)
          {
            g_autofree char *number = pz_store_get_registration_number (r->store, g->slow_id[k]);

            pz_json_writer_begin_object (w);
            pz_json_writer_member (w, "id");
            pz_json_writer_int (w, g->slow_id[k]);
            write_str (w, "registration_number", number);
            pz_json_writer_member (w, "seconds");
            pz_json_writer_int (w, g->slow_s[k]);
            pz_json_writer_end_object (w);
          }
        pz_json_writer_end_array (w);
        pz_json_writer_end_object (w);
      }
  }
  pz_json_writer_end_array (w);

  officer_keys = g_list_sort (g_hash_table_get_keys (officers), compare_int64);
  pz_json_writer_member (w, "officers");
  pz_json_writer_begin_array (w);
  for (GList *l = officer_keys; l; l = l->next)
    {
      gint64 key = *(gint64 *) l->data;
      gint64 user = key / 256;
      const PzStep *s = g_ptr_array_index (order, key % 256);
      char **names = g_hash_table_lookup (users, &user);

      pz_json_writer_begin_object (w);
      write_str (w, "username", names ? names[0] : NULL);
      write_str (w, "full_name", names ? names[1] : NULL);
      write_str (w, "step", s->id);
      write_str (w, "title", g_dgettext (GETTEXT_PACKAGE, s->title));
      write_group_stats (w, g_hash_table_lookup (officers, l->data));
      pz_json_writer_end_object (w);
    }
  pz_json_writer_end_array (w);
  return TRUE;
}

/* The service standard: files decided in the period, from complete
 * documents to the decision, without the applicant's time. */
static gboolean
write_service (Report       *r,
               PzJsonWriter *w,
               GError      **error)
{
  GError *local_error = NULL;
  g_autoptr(GPtrArray) rows = pz_store_report_decided (r->store, r->ctx->files_of, r->from, r->to, &local_error);
  gint64 within = 0;
  gint64 day = pz_calendar_day_length (r->ctx->calendar);
  Group *g;

  if (rows == NULL)
    return report_fail (error, local_error);
  g = group_new (0);
  for (guint i = 0; i < rows->len; i++)
    {
      PzClockRow *row = g_ptr_array_index (rows, i);
      PzPermitType *type = edition_of (r, row->permit_type, row->permit_type_version);
      gint64 used = row->service_seconds;

      if (type && (type->service_days == 0 || used <= (gint64) type->service_days * day))
        within++;
      group_add (g, used, row->id);
    }
  {
    double median;
    gint64 p90;

    group_stats (g, &median, &p90);
    pz_json_writer_member (w, "service");
    pz_json_writer_begin_object (w);
    pz_json_writer_member (w, "decided");
    pz_json_writer_int (w, g->seconds->len);
    pz_json_writer_member (w, "within_standard");
    pz_json_writer_double (w, g->seconds->len ? (double) within / g->seconds->len : 1.0);
    pz_json_writer_member (w, "median_seconds");
    pz_json_writer_double (w, median);
    pz_json_writer_member (w, "p90_seconds");
    pz_json_writer_int (w, p90);
    pz_json_writer_member (w, "working_day_seconds");
    pz_json_writer_int (w, day);
    pz_json_writer_end_object (w);
  }
  group_free (g);
  return TRUE;
}

/* Where files wait now: the bottleneck. */
static gboolean
write_waiting (Report       *r,
               PzJsonWriter *w,
               GError      **error)
{
  GError *local_error = NULL;
  PzCalendar *calendar = r->ctx->calendar;
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_utc (r->now);
  PzWorkflow *wf = main_workflow (r);
  g_autoptr(GPtrArray) list = pz_store_report_waiting (r->store, r->ctx->files_of, r->now, &local_error);
  g_autoptr(GHashTable) rows = g_hash_table_new (g_str_hash, g_str_equal);
  gint64 most = 0;

  if (list == NULL)
    return report_fail (error, local_error);
  for (guint i = 0; i < list->len; i++)
    {
      PzStepWaitRow *row = g_ptr_array_index (list, i);

      if (row->step == NULL)
        continue;
      g_hash_table_insert (rows, row->step, row);
      if (g_strcmp0 (row->step, "waiting_applicant") != 0)
        most = MAX (most, row->count);
    }

  pz_json_writer_member (w, "waiting");
  pz_json_writer_begin_array (w);
  for (guint i = 0; wf && i < pz_workflow_get_n_steps (wf); i++)
    {
      const PzStep *s = pz_workflow_get_nth_step (wf, i);
      PzStepWaitRow *v = g_hash_table_lookup (rows, s->id);
      gint64 oldest = 0;

      if (s->final)
        continue;
      if (v && v->count > 0)
        {
          g_autoptr(GDateTime) since = g_date_time_new_from_unix_utc (v->oldest_entered_at);
          oldest = s->applicant_clock ? r->now - v->oldest_entered_at
                                      : pz_calendar_office_seconds_between (calendar, since, now);
        }
      pz_json_writer_begin_object (w);
      write_str (w, "step", s->id);
      write_str (w, "title", g_dgettext (GETTEXT_PACKAGE, s->title));
      pz_json_writer_member (w, "count");
      pz_json_writer_int (w, v ? v->count : 0);
      pz_json_writer_member (w, "overdue");
      pz_json_writer_int (w, v ? v->overdue : 0);
      pz_json_writer_member (w, "oldest_seconds");
      pz_json_writer_int (w, oldest);
      pz_json_writer_member (w, "applicant_clock");
      pz_json_writer_bool (w, s->applicant_clock);
      pz_json_writer_member (w, "bottleneck");
      pz_json_writer_bool (w, v && most > 0 && v->count == most && !s->applicant_clock);
      pz_json_writer_end_object (w);
    }
  pz_json_writer_end_array (w);
  return TRUE;
}

/* The satisfaction index: per element the mean answer (1 to 4) and that
 * times 25; the index is the mean of the elements, times 25. */
static gboolean
write_satisfaction (Report       *r,
                    PzJsonWriter *w,
                    GError      **error)
{
  GError *local_error = NULL;
  PzSatisfactionSummary summary;
  gint64 n = 0;
  double mean[PZ_SKM_ELEMENTS] = { 0 };
  double total = 0;

  if (!pz_store_report_satisfaction (r->store, r->ctx->files_of, r->from, r->to, &summary, &local_error))
    return report_fail (error, local_error);
  n = summary.responses;
  for (guint i = 0; i < PZ_SKM_ELEMENTS; i++)
    {
      mean[i] = summary.mean[i];
      total += mean[i];
    }

  pz_json_writer_member (w, "satisfaction");
  pz_json_writer_begin_object (w);
  pz_json_writer_member (w, "responses");
  pz_json_writer_int (w, n);
  pz_json_writer_member (w, "elements");
  pz_json_writer_begin_array (w);
  for (guint i = 0; i < PZ_SKM_ELEMENTS; i++)
    {
      pz_json_writer_begin_object (w);
      write_str (w, "element", pz_skm_elements[i]);
      write_str (w, "title", pz_skm_element_title (i));
      pz_json_writer_member (w, "mean");
      pz_json_writer_double (w, mean[i]);
      pz_json_writer_member (w, "index");
      pz_json_writer_double (w, mean[i] * 25.0);
      pz_json_writer_end_object (w);
    }
  pz_json_writer_end_array (w);
  pz_json_writer_member (w, "index");
  if (n > 0)
    pz_json_writer_double (w, total / PZ_SKM_ELEMENTS * 25.0);
  else
    pz_json_writer_null (w);
  write_str (w, "category", n > 0 ? pz_skm_category (total / PZ_SKM_ELEMENTS * 25.0) : NULL);
  pz_json_writer_end_object (w);
  return TRUE;
}

/**
 * pz_report_context_new:
 * @from: the first day of the period (office dates)
 * @to: the last day, inclusive
 *
 * Takes, on the engine's thread, what the report needs.
 */
PzReportContext *
pz_report_context_new (PzEngine    *engine,
                       gint64       office_id,
                       const GDate *from,
                       const GDate *to,
                       gint64       now)
{
  PzReportContext *ctx = g_new0 (PzReportContext, 1);
  GPtrArray *types = pz_engine_list_permit_types (engine, office_id);
  g_autoptr(GPtrArray) workflows = pz_engine_list_workflows (engine);
  GHashTableIter iter;
  gpointer key, value;

  ctx->db_path = g_strdup (pz_engine_get_db_location (engine));
  ctx->tz = g_time_zone_ref (pz_engine_get_timezone (engine));
  ctx->calendar = pz_calendar_copy (pz_engine_get_calendar (engine, office_id));
  ctx->types = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) pz_permit_type_unref);
  for (guint i = 0; i < types->len; i++)
    {
      PzPermitType *t = g_ptr_array_index (types, i);
      g_hash_table_insert (ctx->types, t->code, pz_permit_type_ref (t));
    }
  ctx->versions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) pz_permit_type_unref);
  g_hash_table_iter_init (&iter, pz_engine_get_permit_type_versions (engine, office_id));
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (ctx->versions, g_strdup (key), pz_permit_type_ref (value));
  ctx->workflows = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) pz_workflow_unref);
  for (guint i = 0; i < workflows->len; i++)
    {
      PzWorkflow *wf = g_ptr_array_index (workflows, i);
      g_hash_table_insert (ctx->workflows, (gpointer) pz_workflow_get_id (wf), pz_workflow_ref (wf));
    }
  ctx->from = *from;
  ctx->to = *to;
  ctx->now = now;
  ctx->office_id = office_id;
  /* a server of one office reads its files without asking whose they are */
  ctx->files_of = pz_store_count_offices (pz_engine_get_store (engine)) > 1 ? office_id : 0;
  ctx->generated_at = pz_engine_format_time (engine, now);
  return ctx;
}

void
pz_report_context_free (PzReportContext *ctx)
{
  if (ctx == NULL)
    return;
  g_free (ctx->db_path);
  g_time_zone_unref (ctx->tz);
  pz_calendar_unref (ctx->calendar);
  g_hash_table_unref (ctx->types);
  g_hash_table_unref (ctx->versions);
  g_hash_table_unref (ctx->workflows);
  g_free (ctx->generated_at);
  g_free (ctx);
}

/**
 * pz_report_context_build:
 *
 * Builds the report on a read-only connection of its own, in one read
 * transaction (a consistent view while the server goes on writing). Any
 * thread may call it.
 *
 * Returns: (transfer full): the report as JSON
 */
char *
pz_report_context_build (PzReportContext *ctx,
                         GError         **error)
{
  Report r = { 0 };
  GError *local_error = NULL;
  PzJsonWriter *w = NULL;
  GDate end = ctx->to;
  GHashTableIter iter;
  gpointer key, value;
  gboolean first = TRUE;
  gboolean ok;

  r.ctx = ctx;
  r.now = ctx->now;
  {
    g_autoptr(GDateTime) a = g_date_time_new (ctx->tz, g_date_get_year (&ctx->from), g_date_get_month (&ctx->from),
                                              g_date_get_day (&ctx->from), 0, 0, 0);
    g_autoptr(GDateTime) b = NULL;

    g_date_add_days (&end, 1);
    b = g_date_time_new (ctx->tz, g_date_get_year (&end), g_date_get_month (&end), g_date_get_day (&end), 0, 0, 0);
    r.from = g_date_time_to_unix (a);
    r.to = g_date_time_to_unix (b);
    r.tz_offset = g_date_time_get_utc_offset (a) / G_USEC_PER_SEC;
  }
  r.type_workflow = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_iter_init (&iter, ctx->types);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      PzWorkflow *wf = g_hash_table_lookup (ctx->workflows, ((PzPermitType *) value)->workflow);

      g_hash_table_insert (r.type_workflow, key, wf);
      if (first)
        r.only_workflow = wf;
      else if (wf != r.only_workflow)
        r.only_workflow = NULL;
      first = FALSE;
    }

  if (!(r.store = pz_store_open_snapshot (ctx->db_path, &local_error)))
    {
      g_hash_table_unref (r.type_workflow);
      report_fail (error, local_error);
      return NULL;
    }

  w = pz_json_writer_new ();
  pz_json_writer_begin_object (w);
  pz_json_writer_member (w, "period");
  pz_json_writer_begin_object (w);
  {
    char buf[16];

    g_date_strftime (buf, sizeof buf, "%Y-%m-%d", &ctx->from);
    write_str (w, "from", buf);
    g_date_strftime (buf, sizeof buf, "%Y-%m-%d", &ctx->to);
    write_str (w, "to", buf);
  }
  pz_json_writer_end_object (w);
  write_str (w, "generated_at", ctx->generated_at);
  ok = write_volume (&r, w, error) && write_steps (&r, w, error) && write_service (&r, w, error) &&
       write_waiting (&r, w, error) && write_satisfaction (&r, w, error);
  pz_store_free (r.store);
  g_hash_table_unref (r.type_workflow);
  if (!ok)
    {
      pz_json_writer_free (w);
      return NULL;
    }
  pz_json_writer_end_object (w);
  return pz_json_writer_free_to_string (w);
}

/**
 * pz_report_build:
 *
 * The report, built right away on the calling thread.
 */
char *
pz_report_build (PzEngine    *engine,
                 gint64       office_id,
                 const GDate *from,
                 const GDate *to,
                 gint64       now,
                 GError     **error)
{
  PzReportContext *ctx = pz_report_context_new (engine, office_id, from, to, now);
  char *report = pz_report_context_build (ctx, error);

  pz_report_context_free (ctx);
  return report;
}
