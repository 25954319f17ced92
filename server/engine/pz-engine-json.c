/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the engine answers: a file, its summary and clocks, the inbox
 * and late files, as JSON. */
#define G_LOG_DOMAIN "pz-engine"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "pz-engine-private.h"

static void write_time (PzJsonWriter *w, PzEngine *self, const char *name, gint64 t);

/* Answers */

static void
write_string (PzJsonWriter *w,
              const char   *name,
              const char   *value)
{
  pz_json_writer_member (w, name);
  pz_json_writer_string (w, value);
}

/* A step's standard in office seconds; 0 if it has none. */
gint64
pz_engine_step_standard (PzEngine     *self,
                         gint64        office_id,
                         const PzStep *step)
{
  if (step == NULL || step->final || step->applicant_clock)
    return 0;
  if (step->standard_minutes)
    return step->standard_minutes * 60;
  return (gint64) step->standard_working_days * pz_calendar_day_length (office_of (self, office_id)->calendar);
}

/* Each stay in a step against the step's standard, and the whole against
 * the service standard, in office time. */
static void
write_clocks (PzEngine      *self,
              PzJsonWriter  *w,
              PzApplication *app,
              PzWorkflow    *wf,
              PzPermitType  *type,
              GPtrArray     *events,
              gint64         now)
{
  const PzStep *current = wf ? pz_workflow_get_step (wf, app->step) : NULL;
  PzCalendar *calendar = office_of (self, app->office_id)->calendar;
  gint64 elapsed = 0;
  gint64 standard = type ? (gint64) type->service_days * pz_calendar_day_length (calendar) : 0;
  gint64 used;

  if (current && !current->final && !current->applicant_clock)
    {
      g_autoptr(GDateTime) from = g_date_time_new_from_unix_utc (app->step_entered_at);
      g_autoptr(GDateTime) until = g_date_time_new_from_unix_utc (now);
      elapsed = pz_calendar_office_seconds_between (calendar, from, until);
    }
  pz_json_writer_member (w, "clocks");
  pz_json_writer_begin_array (w);
  for (guint e = 0; events && e <= events->len; e++)
    {
      PzEvent *ev = e < events->len ? g_ptr_array_index (events, e) : NULL;
      const PzStep *step = wf ? pz_workflow_get_step (wf, ev ? ev->from_step : app->step) : NULL;
      gint64 seconds = ev ? ev->office_seconds : elapsed;
      gint64 step_standard = pz_engine_step_standard (self, app->office_id, step);

      if (step == NULL || step->final || step->applicant_clock || (ev && ev->from_step == NULL))
        continue;
      pz_json_writer_begin_object (w);
      write_string (w, "step", step->id);
      write_string (w, "title", g_dgettext (GETTEXT_PACKAGE, step->title));
      pz_json_writer_member (w, "office_seconds");
      pz_json_writer_int (w, seconds);
      pz_json_writer_member (w, "standard_seconds");
      pz_json_writer_int (w, step_standard);
      pz_json_writer_member (w, "standard_working_days");
      pz_json_writer_int (w, step->standard_minutes ? 0 : step->standard_working_days);
      pz_json_writer_member (w, "within_standard");
      pz_json_writer_bool (w, step_standard == 0 || seconds <= step_standard);
      pz_json_writer_member (w, "current");
      pz_json_writer_bool (w, ev == NULL);
      pz_json_writer_end_object (w);
    }
  pz_json_writer_end_array (w);

  used = app->service_seconds + (app->service_started_at ? elapsed : 0);
  pz_json_writer_member (w, "service");
  pz_json_writer_begin_object (w);
  write_time (w, self, "started_at", app->service_started_at);
  pz_json_writer_member (w, "office_seconds");
  pz_json_writer_int (w, used);
  pz_json_writer_member (w, "standard_seconds");
  pz_json_writer_int (w, standard);
  write_time (w, self, "due_at", app->service_due_at);
  pz_json_writer_member (w, "within_standard");
  pz_json_writer_bool (w, standard == 0 || used <= standard);
  pz_json_writer_member (w, "stopped");
  pz_json_writer_bool (w, current && current->applicant_clock);
  pz_json_writer_end_object (w);
}

static void
write_time (PzJsonWriter *w,
            PzEngine     *self,
            const char   *name,
            gint64        t)
{
  char buf[PZ_TIME_JSON_SIZE];

  pz_json_writer_member (w, name);
  if (t && format_time_json (self, t, buf))
    pz_json_writer_raw (w, buf);
  else if (t)
    {
      g_autofree char *s = pz_engine_format_time (self, t);
      pz_json_writer_string (w, s);
    }
  else
    pz_json_writer_null (w);
}

/* Stored JSON columns were written by the server itself. */
static void
write_raw (PzJsonWriter *w,
           const char   *name,
           const char   *json)
{
  pz_json_writer_member (w, name);
  pz_json_writer_raw (w, json);
}

static void
write_summary_members (PzEngine      *self,
                       PzJsonWriter  *w,
                       PzApplication *app,
                       gint64         now)
{
  PzPermitType *type = pz_engine_get_file_permit_type (self, app);
  PzWorkflow *wf = type ? pz_engine_get_workflow (self, type->workflow) : NULL;
  const PzStep *step = wf ? pz_workflow_get_step (wf, app->step) : NULL;

  pz_json_writer_member (w, "id");
  pz_json_writer_int (w, app->id);
  write_string (w, "registration_number", app->registration_number);
  write_string (w, "permit_type", app->permit_type);
  write_string (w, "permit_type_name", type ? type->name : NULL);
  write_string (w, "request_type", app->request_type);
  write_string (w, "step", app->step);
  write_string (w, "step_title", step ? g_dgettext (GETTEXT_PACKAGE, step->title) : NULL);
  write_string (w, "status", app->status);
  pz_json_writer_member (w, "version");
  pz_json_writer_int (w, app->version);
  write_time (w, self, "step_entered_at", app->step_entered_at);
  write_time (w, self, "due_at", app->due_at);
  pz_json_writer_member (w, "overdue");
  pz_json_writer_bool (w, app->due_at && app->due_at < now);
  write_string (w, "permit_number", app->permit_number);
  write_time (w, self, "created_at", app->created_at);
  write_time (w, self, "updated_at", app->updated_at);
}

/**
 * pz_engine_write_summary:
 * @self: an engine
 * @w: where to write
 * @app: a file
 * @now: the current time
 *
 * Writes the file as lists (inbox, search) show it.
 */
void
pz_engine_write_summary (PzEngine      *self,
                         PzJsonWriter  *w,
                         PzApplication *app,
                         gint64         now)
{
  pz_json_writer_begin_object (w);
  write_summary_members (self, w, app, now);
  write_string (w, "applicant_name", app->applicant_name);
  pz_json_writer_end_object (w);
}

/**
 * pz_engine_late_files:
 * @user: who asks
 *
 * The files late for @user: over their step's standard where the step is
 * one of @user's roles or of a role reporting to them, and for the Kadis
 * those within two working days of the service standard. Most late first.
 *
 * Returns: (transfer full): `{"items": [...], "total": n}`
 */
char *
pz_engine_late_files (PzEngine *self,
                      PzUser   *user,
                      gint64    now,
                      GError  **error)
{
  g_autoptr(GDateTime) now_dt = g_date_time_new_from_unix_utc (now);
  g_autoptr(GDateTime) soon_dt = pz_calendar_add_working_days (office_of (self, user->office_id)->calendar, now_dt,
                                                               DEADLINE_WARNING_DAYS);
  gboolean kadis = g_strv_contains ((const char * const *) user->roles, "kadis");
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GArray) ids = pz_store_list_late_ids (self->store, user->office_id, now, soon_dt ? g_date_time_to_unix (soon_dt) : now,
                                                  &local_error);
  PzJsonWriter *w;
  gint64 total = 0;

  if (ids == NULL)
    {
      internal (error, local_error);
      return NULL;
    }
  w = pz_json_writer_new ();
  pz_json_writer_begin_object (w);
  pz_json_writer_member (w, "items");
  pz_json_writer_begin_array (w);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(PzApplication) app = pz_store_get_application (self->store, user->office_id,
                                                               g_array_index (ids, gint64, i), NULL);
      gboolean step_late, deadline_near, mine = FALSE;
      g_auto(GStrv) roles = NULL;

      if (app == NULL)
        continue;
      step_late = app->due_at && app->due_at < now;
      deadline_near = app->service_due_at && soon_dt && app->service_due_at <= g_date_time_to_unix (soon_dt);
      if (step_late)
        {
          roles = escalation_roles (self, app->office_id, app->permit_type, app->permit_type_version, app->step,
                                    "step");
          for (guint r = 0; roles[r] && !mine; r++)
            mine = g_strv_contains ((const char * const *) user->roles, roles[r]);
        }
      if (!mine && !(deadline_near && kadis))
        continue;
      total++;
      pz_json_writer_begin_object (w);
      write_summary_members (self, w, app, now);
      write_string (w, "applicant_name", app->applicant_name);
      pz_json_writer_member (w, "reasons");
      pz_json_writer_begin_array (w);
      if (step_late && mine)
        pz_json_writer_string (w, "step");
      if (deadline_near && kadis)
        pz_json_writer_string (w, "deadline");
      pz_json_writer_end_array (w);
      write_time (w, self, "service_due_at", app->service_due_at);
      pz_json_writer_end_object (w);
    }
  pz_json_writer_end_array (w);
  pz_json_writer_member (w, "total");
  pz_json_writer_int (w, total);
  pz_json_writer_end_object (w);
  return pz_json_writer_free_to_string (w);
}

/**
 * pz_engine_application_to_string:
 * @self: an engine
 * @app: a file
 * @user: who asks; decides `allowed_actions`
 * @now: the current time
 *
 * Returns: (transfer full): the file as `GET /api/v1/applications/{id}` shows it
 */
char *
pz_engine_application_to_string (PzEngine      *self,
                                 PzApplication *app,
                                 PzUser        *user,
                                 gint64         now)
{
  PzJsonWriter *w = pz_json_writer_new ();
  g_autoptr(GPtrArray) docs = NULL;
  g_autoptr(GPtrArray) verdicts = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) outputs = NULL;
  PzPermitType *type = pz_engine_get_file_permit_type (self, app);
  PzWorkflow *wf = type ? pz_engine_get_workflow (self, type->workflow) : NULL;
  const PzStep *step = wf ? pz_workflow_get_step (wf, app->step) : NULL;

  pz_store_read_file_parts (self->store, app->id, &docs, &verdicts, &events, &outputs);
  pz_json_writer_begin_object (w);
  write_summary_members (self, w, app, now);

  pz_json_writer_member (w, "applicant");
  pz_json_writer_begin_object (w);
  write_string (w, "name", app->applicant_name);
  write_string (w, "nik", app->applicant_nik);
  write_string (w, "address", app->applicant_address);
  write_string (w, "phone", app->applicant_phone);
  write_string (w, "email", app->applicant_email);
  pz_json_writer_end_object (w);

  write_raw (w, "data", app->data);
  write_raw (w, "survey", app->survey);
  write_string (w, "received_by", app->received_by);
  /* printed on the receipt; what the public tracking page and survey need */
  write_string (w, "tracking_code", app->tracking_code);

  /* the permit's fields as in the edition the file was registered under */
  pz_json_writer_member (w, "permit_type_version");
  pz_json_writer_int (w, type ? type->version : app->permit_type_version);
  pz_json_writer_member (w, "fields");
  pz_json_writer_begin_array (w);
  for (guint i = 0; type && i < type->fields->len; i++)
    {
      PzField *f = g_ptr_array_index (type->fields, i);

      pz_json_writer_begin_object (w);
      write_string (w, "name", f->name);
      write_string (w, "label", f->label);
      write_string (w, "type", pz_field_type_to_string (f->type));
      pz_json_writer_member (w, "required");
      pz_json_writer_bool (w, f->required);
      pz_json_writer_end_object (w);
    }
  pz_json_writer_end_array (w);

  pz_json_writer_member (w, "allowed_actions");
  pz_json_writer_begin_array (w);
  for (guint a = 0; step && a < PZ_N_ACTIONS; a++)
    if (pz_step_allows (step, (const char * const *) user->roles, a))
      pz_json_writer_string (w, pz_action_to_string (a));
  pz_json_writer_end_array (w);

  pz_json_writer_member (w, "checklist");
  pz_json_writer_begin_array (w);
  for (guint i = 0; type && i < type->requirements->len; i++)
    {
      PzRequirement *r = g_ptr_array_index (type->requirements, i);
      PzDocument *doc = NULL;
      PzVerdict *verdict = NULL;

      if (!g_strv_contains ((const char * const *) r->request_types, app->request_type))
        continue;
      for (guint d = 0; docs && d < docs->len; d++)
        if (g_str_equal (((PzDocument *) g_ptr_array_index (docs, d))->requirement, r->code))
          doc = g_ptr_array_index (docs, d);
      for (guint v = 0; verdicts && v < verdicts->len; v++)
        if (g_str_equal (((PzVerdict *) g_ptr_array_index (verdicts, v))->requirement, r->code))
          verdict = g_ptr_array_index (verdicts, v);

      pz_json_writer_begin_object (w);
      write_string (w, "requirement", r->code);
      write_string (w, "title", r->title);
      pz_json_writer_member (w, "mandatory");
      pz_json_writer_bool (w, r->mandatory);
      write_string (w, "state", verdict ? verdict->verdict : doc ? "uploaded" : "missing");
      write_string (w, "verdict", verdict ? verdict->verdict : NULL);
      write_string (w, "note", verdict ? verdict->note : NULL);
      write_string (w, "checked_by", verdict ? verdict->username : NULL);
      write_time (w, self, "checked_at", verdict ? verdict->at : 0);
      pz_json_writer_end_object (w);
    }
  pz_json_writer_end_array (w);

  pz_json_writer_member (w, "documents");
  pz_json_writer_begin_array (w);
  for (guint d = 0; docs && d < docs->len; d++)
    {
      PzDocument *doc = g_ptr_array_index (docs, d);

      pz_json_writer_begin_object (w);
      write_string (w, "requirement", doc->requirement);
      write_string (w, "sha256", doc->sha256);
      pz_json_writer_member (w, "size");
      pz_json_writer_int (w, doc->size);
      write_string (w, "content_type", doc->content_type);
      pz_json_writer_member (w, "pages");
      pz_json_writer_int (w, doc->pages);
      write_time (w, self, "uploaded_at", doc->uploaded_at);
      write_string (w, "uploaded_by", doc->uploaded_by);
      pz_json_writer_end_object (w);
    }
  pz_json_writer_end_array (w);

  pz_json_writer_member (w, "outputs");
  pz_json_writer_begin_array (w);
  {
    if (has_draft (self, app, events))
      {
        g_autofree char *url = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/outputs/draft", app->id);

        pz_json_writer_begin_object (w);
        write_string (w, "kind", "draft");
        write_string (w, "url", url);
        pz_json_writer_end_object (w);
      }
    for (guint i = 0; i < outputs->len; i++)
      {
        PzDocument *o = g_ptr_array_index (outputs, i);
        g_autofree char *url = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/outputs/%s", app->id,
                                                o->requirement);

        pz_json_writer_begin_object (w);
        write_string (w, "kind", o->requirement);
        write_string (w, "url", url);
        write_string (w, "sha256", o->sha256);
        write_time (w, self, "created_at", o->uploaded_at);
        pz_json_writer_end_object (w);
      }
  }
  pz_json_writer_end_array (w);

  pz_json_writer_member (w, "history");
  pz_json_writer_begin_array (w);
  for (guint e = 0; events && e < events->len; e++)
    {
      PzEvent *ev = g_ptr_array_index (events, e);

      pz_json_writer_begin_object (w);
      write_time (w, self, "at", ev->at);
      write_string (w, "user", ev->username);
      write_string (w, "full_name", ev->full_name);
      write_string (w, "role", ev->role);
      write_string (w, "acting", ev->acting);
      if (ev->also_admin)
        {
          pz_json_writer_member (w, "also_admin");
          pz_json_writer_bool (w, TRUE);
        }
      write_string (w, "action", ev->action);
      write_string (w, "from_step", ev->from_step);
      write_string (w, "to_step", ev->to_step);
      write_string (w, "note", ev->note);
      pz_json_writer_member (w, "office_seconds");
      pz_json_writer_int (w, ev->office_seconds);
      write_raw (w, "data", ev->data);
      pz_json_writer_end_object (w);
    }
  pz_json_writer_end_array (w);

  write_clocks (self, w, app, wf, type, events, now);

  pz_json_writer_member (w, "verify_url");
  if (app->verify_token)
    {
      g_autofree char *url = g_strdup_printf ("%s/verify/%s", office_of (self, app->office_id)->public_url,
                                              app->verify_token);
      pz_json_writer_string (w, url);
    }
  else
    pz_json_writer_null (w);

  pz_json_writer_end_object (w);
  return pz_json_writer_free_to_string (w);
}

typedef struct {
  GPtrArray *apps;
  guint      pos;
} InboxQueue;

typedef struct {
  GBytes      *prefix;        /* the answer up to the value of done_today */
  PzStoreStamp stamp;         /* of the store it was read from */
  gint64       built;         /* the time it is true from */
  gint64       valid_until;   /* and until: the next due time at its steps */
} InboxPage;

typedef struct {
  gint64       user_id;
  gint64       midnight;
  PzStoreStamp stamp;
  gint64       count;
} DoneToday;

static void
inbox_page_free (InboxPage *page)
{
  g_bytes_unref (page->prefix);
  g_free (page);
}

/* The most the rendered inboxes hold before they are all let go. */
#define INBOX_PAGES_MAX_BYTES (16 * 1024 * 1024)

/* Everything of the inbox but the user's own count of the day: the same for
 * every user with these roles, until the store changes or a file at one of
 * their steps becomes overdue. */
static InboxPage *
build_inbox_page (PzEngine *self,
                  PzStore  *reads,
                  PzUser   *user,
                  guint     limit,
                  gint64    now,
                  GError  **error)
{
  g_autoptr(PzJsonWriter) w = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) queues = g_array_new (FALSE, TRUE, sizeof (InboxQueue));
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) workflows = pz_engine_list_workflows (self);
  gint64 total = 0, overdue = 0, valid_until = G_MAXINT64;
  gboolean ok = TRUE;
  InboxPage *page = NULL;

  for (guint wi = 0; wi < workflows->len && ok; wi++)
    {
      PzWorkflow *wf = g_ptr_array_index (workflows, wi);

      for (guint i = 0; i < pz_workflow_get_n_steps (wf) && ok; i++)
        {
          const PzStep *step = pz_workflow_get_nth_step (wf, i);
          InboxQueue q = { 0 };
          gint64 count, late, next_due;

          if (step->final || g_hash_table_contains (seen, step->id) || !acting_role (step, user))
            continue;
          g_hash_table_add (seen, step->id);
          if (!(q.apps = pz_store_inbox_step (reads, user->office_id, step->id, limit, &local_error)) ||
              !pz_store_count_step (reads, user->office_id, step->id, now, &count, &late, &local_error) ||
              !pz_store_next_due (reads, user->office_id, step->id, now, &next_due, &local_error))
            {
              g_clear_pointer (&q.apps, g_ptr_array_unref);
              ok = FALSE;
              break;
            }
          total += count;
          valid_until = MIN (valid_until, next_due);
          overdue += late;
          g_array_append_val (queues, q);
        }
    }

  if (ok)
    {
      w = pz_json_writer_new ();
      pz_json_writer_begin_object (w);
      pz_json_writer_member (w, "items");
      pz_json_writer_begin_array (w);
      for (guint n = 0; n < limit; n++)
        {
          InboxQueue *best = NULL;

          for (guint i = 0; i < queues->len; i++)
            {
              InboxQueue *q = &g_array_index (queues, InboxQueue, i);
              PzApplication *head, *best_head;

              if (q->pos >= q->apps->len)
                continue;
              if (best == NULL)
                {
                  best = q;
                  continue;
                }
              head = g_ptr_array_index (q->apps, q->pos);
              best_head = g_ptr_array_index (best->apps, best->pos);
              /* Due first (earliest first), then those without a due time by age. */
              if ((head->due_at && !best_head->due_at) ||
                  (head->due_at && best_head->due_at && head->due_at < best_head->due_at) ||
                  (!head->due_at && !best_head->due_at &&
                   head->step_entered_at < best_head->step_entered_at))
                best = q;
            }
          if (best == NULL)
            break;
          pz_engine_write_summary (self, w, g_ptr_array_index (best->apps, best->pos), now);
          best->pos++;
        }
      pz_json_writer_end_array (w);
      pz_json_writer_member (w, "total");
      pz_json_writer_int (w, total);
      pz_json_writer_member (w, "overdue");
      pz_json_writer_int (w, overdue);
      /* its value is the user's own, written after this */
      pz_json_writer_member (w, "done_today");
      pz_json_writer_int (w, 0);
      pz_json_writer_end_object (w);
    }

  for (guint i = 0; i < queues->len; i++)
    g_ptr_array_unref (g_array_index (queues, InboxQueue, i).apps);

  if (!ok)
    {
      internal (error, local_error);
      return NULL;
    }
  page = g_new0 (InboxPage, 1);
  {
    char *text = pz_json_writer_free_to_string (g_steal_pointer (&w));
    gsize len = strlen (text);

    g_assert (g_str_has_suffix (text, ":0}"));
    page->prefix = g_bytes_new_take (text, len - 2);
  }
  page->built = now;
  page->valid_until = valid_until;
  return page;
}

static int
compare_strings (const void *a,
                 const void *b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static char *
inbox_key (PzUser *user,
           guint   limit)
{
  g_auto(GStrv) roles = g_strdupv (user->roles);
  g_autofree char *joined = NULL;

  qsort (roles, g_strv_length (roles), sizeof (char *), compare_strings);
  joined = g_strjoinv ("\n", roles);
  return g_strdup_printf ("%" G_GINT64_FORMAT "|%u|%s", user->office_id, limit, joined);
}

/* The user's inbox from the cache, read again where it is out of date
 * unless @may_read is %FALSE: then returns 0 for what is to be read. */
static int
inbox_read (PzEngine *self,
            PzStore  *reads,
            PzUser   *user,
            guint     limit,
            gint64    now,
            gboolean  may_read,
            GBytes  **page_out,
            gint64   *done_out,
            GError  **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *key = inbox_key (user, limit);
  PzStoreStamp stamp;
  InboxPage *page;
  gint64 done_today = 0;

  if (self->inbox_pages == NULL)
    self->inbox_pages = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                               (GDestroyNotify) inbox_page_free);
  pz_store_get_stamp (reads, &stamp);
  page = g_hash_table_lookup (self->inbox_pages, key);
  if (page && (memcmp (&page->stamp, &stamp, sizeof stamp) != 0 || now < page->built || now > page->valid_until))
    {
      if (!may_read)
        return 0;
      self->inbox_bytes -= g_bytes_get_size (page->prefix);
      g_hash_table_remove (self->inbox_pages, key);
      page = NULL;
    }
  if (page == NULL)
    {
      if (!may_read)
        return 0;
      if (!(page = build_inbox_page (self, reads, user, limit, now, error)))
        return -1;
      page->stamp = stamp;
      if (self->inbox_bytes + g_bytes_get_size (page->prefix) > INBOX_PAGES_MAX_BYTES)
        {
          g_hash_table_remove_all (self->inbox_pages);
          self->inbox_bytes = 0;
        }
      self->inbox_bytes += g_bytes_get_size (page->prefix);
      g_hash_table_insert (self->inbox_pages, g_steal_pointer (&key), page);
    }

  {
    /* since midnight at the office; kept like the page, and for the day */
    int interval = g_time_zone_find_interval (self->tz, G_TIME_TYPE_UNIVERSAL, now);
    gint64 offset = interval >= 0 ? g_time_zone_get_offset (self->tz, interval) : 0;
    gint64 midnight = (now + offset) - ((now + offset) % 86400) - offset;
    DoneToday *done;

    if (self->done_today == NULL || g_hash_table_size (self->done_today) > 10000)
      {
        g_clear_pointer (&self->done_today, g_hash_table_unref);
        self->done_today = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
      }
    done = g_hash_table_lookup (self->done_today, &user->id);
    if (done && done->midnight == midnight && memcmp (&done->stamp, &stamp, sizeof stamp) == 0)
      done_today = done->count;
    else
      {
        if (!may_read)
          return 0;
        if (!pz_store_count_user_events (reads, user->id, midnight, &done_today, &local_error))
          {
            internal (error, local_error);
            return -1;
          }
        if (done == NULL)
          {
            done = g_new0 (DoneToday, 1);
            done->user_id = user->id;
            g_hash_table_insert (self->done_today, &done->user_id, done);
          }
        done->midnight = midnight;
        done->stamp = stamp;
        done->count = done_today;
      }
  }
  *page_out = g_bytes_ref (page->prefix);
  *done_out = done_today;
  return 1;
}

/**
 * pz_engine_inbox_parts:
 * @self: an engine
 * @user: whose inbox
 * @limit: the most files to list
 * @now: the current time
 * @page: (out) (transfer full): the answer up to the value of `done_today`,
 *   shared by every user of the same roles
 * @done_today: (out): the user's count of the day, which ends the answer
 *   followed by `}`
 * @error: return location for an error
 *
 * pz_engine_inbox() in two parts, so that the rendered page is sent as it
 * is kept, without a copy.
 */
gboolean
pz_engine_inbox_parts (PzEngine *self,
                       PzUser   *user,
                       guint     limit,
                       gint64    now,
                       GBytes  **page,
                       gint64   *done_today,
                       GError  **error)
{
  g_autoptr(GError) local_error = NULL;
  int found;

  /* from the cache, if its stamp is the reader's now: one statement */
  if (inbox_read (self, self->reader, user, limit, now, FALSE, page, done_today, NULL) > 0)
    return TRUE;
  /* else in one read transaction on the reader: every step's list and
   * count are of the same commit, and a commit in progress holds up none
   * of it */
  if (!pz_store_begin (self->reader, &local_error))
    {
      internal (error, local_error);
      return FALSE;
    }
  found = inbox_read (self, self->reader, user, limit, now, TRUE, page, done_today, error);
  pz_store_rollback (self->reader);
  return found > 0;
}

/**
 * pz_engine_inbox:
 * @self: an engine
 * @user: whose inbox
 * @limit: the most files to list
 * @now: the current time
 * @error: return location for an error
 *
 * Each step the user acts at is read in due order through its index, and
 * the lists are merged, so the cost follows @limit, not the number of files.
 * The answer is kept for every user of the same roles until the store
 * changes or a file at one of the steps becomes overdue; only the user's
 * count of the day is read each time.
 *
 * Returns: (transfer full): `{"items", "total", "overdue", "done_today"}` as JSON text
 */
char *
pz_engine_inbox (PzEngine *self,
                 PzUser   *user,
                 guint     limit,
                 gint64    now,
                 GError  **error)
{
  g_autoptr(GBytes) page = NULL;
  gint64 done_today;
  GString *out;

  if (!pz_engine_inbox_parts (self, user, limit, now, &page, &done_today, error))
    return NULL;
  out = g_string_sized_new (g_bytes_get_size (page) + 24);
  g_string_append_len (out, g_bytes_get_data (page, NULL), (gssize) g_bytes_get_size (page));
  g_string_append_printf (out, "%" G_GINT64_FORMAT "}", done_today);
  return g_string_free (out, FALSE);
}
