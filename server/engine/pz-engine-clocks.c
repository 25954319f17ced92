/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Clocks: due times by working days, the service standard, escalation
 * of late files, and who may read a file. */
#define G_LOG_DOMAIN "pz-engine"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "pz-engine-private.h"

gint64
due_time (PzEngine     *self,
          gint64        office_id,
          const PzStep *step,
          gint64        entered)
{
  PzCalendar *calendar = office_of (self, office_id)->calendar;
  g_autoptr(GDateTime) start = g_date_time_new_from_unix_utc (entered);
  g_autoptr(GDateTime) due = NULL;

  if (step->final || step->applicant_clock)
    return 0;
  if (step->standard_minutes)
    due = pz_calendar_add_office_seconds (calendar, start, step->standard_minutes * 60);
  else if (step->standard_working_days)
    due = pz_calendar_add_working_days (calendar, start, step->standard_working_days);
  return due ? g_date_time_to_unix (due) : 0;
}

/**
 * service_due_time:
 * @used: office seconds of the service standard used before @entered
 *
 * When the service standard runs out if the file goes on from @entered
 * into @to without waiting for the applicant; 0 while the clock stands.
 */
gint64
service_due_time (PzEngine     *self,
                  gint64        office_id,
                  PzPermitType *type,
                  const PzStep *to,
                  gint64        started,
                  gint64        used,
                  gint64        entered)
{
  PzCalendar *calendar = office_of (self, office_id)->calendar;
  gint64 standard, remaining;
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) due = NULL;

  if (!started || type == NULL || type->service_days == 0 || to->final || to->applicant_clock)
    return 0;
  standard = (gint64) type->service_days * pz_calendar_day_length (calendar);
  remaining = standard - used;
  if (remaining <= 0)
    return entered;
  start = g_date_time_new_from_unix_utc (entered);
  due = pz_calendar_add_office_seconds (calendar, start, remaining);
  return due ? g_date_time_to_unix (due) : 0;
}

/**
 * pz_engine_recompute_due_times:
 *
 * After the calendar changed (a day off, office hours), puts every open
 * file's step and service due times on the new calendar. The file's
 * version does not change: nothing about it changed but the calendar.
 *
 * Returns: how many files' due times moved, or -1 on error
 */
gint64
pz_engine_recompute_due_times (PzEngine *self,
                               gint64    office_id,
                               GError  **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) clocks = NULL;
  gint64 moved = 0;

  if (!pz_store_begin (self->store, &local_error))
    return internal (error, local_error), -1;
  if (!(clocks = pz_store_list_open_clocks (self->store, office_id, &local_error)))
    goto fail;
  for (guint i = 0; i < clocks->len; i++)
    {
      PzClockRow *row = g_ptr_array_index (clocks, i);
      PzApplication app = { 0 };
      PzPermitType *type;
      PzWorkflow *wf;
      const PzStep *step;
      gint64 due, service_due;

      app.office_id = office_id;
      app.permit_type = row->permit_type;
      app.permit_type_version = row->permit_type_version;
      type = pz_engine_get_file_permit_type (self, &app);
      wf = type ? pz_engine_get_workflow (self, type->workflow) : NULL;
      step = wf ? pz_workflow_get_step (wf, row->step) : NULL;
      if (step == NULL)
        continue;
      due = due_time (self, office_id, step, row->step_entered_at);
      service_due = service_due_time (self, office_id, type, step, row->service_started_at, row->service_seconds,
                                      row->step_entered_at);
      if (due == row->due_at && service_due == row->service_due_at)
        continue;
      if (!pz_store_set_due_times (self->store, row->id, due, service_due, &local_error))
        goto fail;
      moved++;
    }
  if (!pz_store_commit (self->store, &local_error))
    goto fail;
  return moved;

fail:
  pz_store_rollback (self->store);
  return internal (error, local_error), -1;
}

/* Who answers for a role's lateness: front office, back office and the
 * technical team report to the Kasi, the Kasi to the Kabid, the Kabid to
 * the Sekretaris, the Sekretaris to the Kadis. */
const char *
pz_role_superior (const char *role)
{
  static const char * const pairs[][2] = {
    { "front_office", "kasi" }, { "back_office", "kasi" }, { "tim_teknis", "kasi" },
    { "kasi", "kabid" }, { "kabid", "sekretaris" }, { "sekretaris", "kadis" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    if (g_strcmp0 (role, pairs[i][0]) == 0)
      return pairs[i][1];
  return NULL;
}

void
pz_escalation_free (PzEscalation *e)
{
  g_free (e->step);
  g_free (e->reason);
  g_free (e->registration_number);
  g_strfreev (e->roles);
  g_free (e);
}

/* The roles told about a late file: the step's own and their superiors;
 * for the legal deadline, the Kadis. */
char **
escalation_roles (PzEngine   *self,
                  gint64      office_id,
                  const char *permit_type,
                  gint64      version,
                  const char *step_id,
                  const char *reason)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  PzApplication app = { 0 };
  PzPermitType *type;
  PzWorkflow *wf;
  const PzStep *step;

  if (g_str_equal (reason, "deadline"))
    {
      g_strv_builder_add (b, "kadis");
      return g_strv_builder_end (b);
    }
  app.office_id = office_id;
  app.permit_type = (char *) permit_type;
  app.permit_type_version = version;
  type = pz_engine_get_file_permit_type (self, &app);
  wf = type ? pz_engine_get_workflow (self, type->workflow) : NULL;
  step = wf ? pz_workflow_get_step (wf, step_id) : NULL;
  for (guint i = 0; step && step->roles[i]; i++)
    {
      const char *superior = pz_role_superior (step->roles[i]);

      if (g_hash_table_add (seen, step->roles[i]))
        g_strv_builder_add (b, step->roles[i]);
      if (superior && g_hash_table_add (seen, (gpointer) superior))
        g_strv_builder_add (b, superior);
    }
  return g_strv_builder_end (b);
}

/**
 * pz_engine_escalate:
 * @now: the current time
 *
 * Finds the files that became late since the last look: over their step's
 * standard (told to the step's roles and their superiors) or within two
 * working days of the service standard (told to the Kadis). Each file is
 * told once per step and reason; the record is kept in the same commit.
 *
 * Returns: (transfer container) (element-type PzEscalation): the new ones
 */
GPtrArray *
pz_engine_escalate (PzEngine *self,
                    gint64    now,
                    GError  **error)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) pz_escalation_free);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDateTime) now_dt = g_date_time_new_from_unix_utc (now);
  g_autoptr(GArray) offices = NULL;

  if (!pz_store_begin (self->store, &local_error))
    {
      internal (error, local_error);
      return NULL;
    }
  if (!(offices = pz_store_list_office_ids (self->store, &local_error)))
    goto fail;
  /* each office by its own calendar */
  for (guint o = 0; o < offices->len; o++)
    {
      gint64 office_id = g_array_index (offices, gint64, o);
      g_autoptr(GDateTime) soon_dt = pz_calendar_add_working_days (office_of (self, office_id)->calendar,
                                                                   now_dt, DEADLINE_WARNING_DAYS);
      g_autoptr(GPtrArray) late = pz_store_list_new_escalations (self->store, office_id, now,
                                                                 soon_dt ? g_date_time_to_unix (soon_dt) : now,
                                                                 &local_error);

      if (late == NULL)
        goto fail;
      for (guint i = 0; i < late->len; i++)
        {
          PzClockRow *row = g_ptr_array_index (late, i);
          PzEscalation *e = g_new0 (PzEscalation, 1);

          e->application_id = row->id;
          e->office_id = row->office_id;
          e->step = g_strdup (row->step);
          e->reason = g_strdup (row->reason);
          e->registration_number = g_strdup (row->registration_number);
          e->roles = escalation_roles (self, row->office_id, row->permit_type, row->permit_type_version,
                                       e->step, e->reason);
          g_ptr_array_add (found, e);
          if (!pz_store_note_escalation (self->store, e->application_id,
                                         g_str_equal (e->reason, "deadline") ? "" : e->step, e->reason, now,
                                         &local_error))
            goto fail;
        }
    }
  if (!pz_store_commit (self->store, &local_error))
    goto fail;
  return g_steal_pointer (&found);

fail:
  pz_store_rollback (self->store);
  internal (error, local_error);
  return NULL;
}

/* A file's steps and rules follow its permit type's workflow. */
gboolean
resolve (PzEngine      *self,
         PzApplication *app,
         PzPermitType **type,
         PzWorkflow   **wf,
         const PzStep **step,
         GError       **error)
{
  *type = pz_engine_get_file_permit_type (self, app);
  *wf = *type ? pz_engine_get_workflow (self, (*type)->workflow) : NULL;
  *step = *wf ? pz_workflow_get_step (*wf, app->step) : NULL;
  if (*step == NULL)
    return engine_fail (error, PZ_ENGINE_ERROR_INTERNAL,
                        _("File %s is at step “%s”, which its workflow does not know"),
                        app->registration_number, app->step);
  return TRUE;
}

const char *
acting_role (const PzStep *step,
             PzUser       *user)
{
  for (guint i = 0; user->roles[i]; i++)
    if (pz_step_has_role (step, user->roles[i]))
      return user->roles[i];
  return NULL;
}

/* The heads see every file: they supervise the steps below them. */
static const char * const heads[] = { "kasi", "kabid", "sekretaris", "kadis", NULL };

/**
 * pz_engine_may_read_files:
 * @user: who asks
 *
 * Returns: whether @user has a role that works on files (every role but
 *   the administrator's): only they may search and list files.
 */
gboolean
pz_engine_may_read_files (PzUser *user)
{
  for (guint i = 0; user->roles[i]; i++)
    if (!g_str_equal (user->roles[i], "admin"))
      return TRUE;
  return FALSE;
}

/**
 * pz_engine_may_read:
 * @self: an engine
 * @user: who asks
 * @app: a file
 * @error: return location for %PZ_ENGINE_ERROR_FORBIDDEN
 *
 * The applicant's data and documents are for the roles that work on a
 * step the file goes through (its workflow's steps that apply to its
 * permit type), and for the heads. The administrator role alone gives no
 * access to them.
 *
 * Returns: whether @user may read @app
 */
gboolean
pz_engine_may_read (PzEngine      *self,
                    PzUser        *user,
                    PzApplication *app,
                    GError       **error)
{
  PzPermitType *type = pz_engine_get_file_permit_type (self, app);
  PzWorkflow *wf = type ? pz_engine_get_workflow (self, type->workflow) : NULL;
  PzConditions conditions = type ? pz_permit_type_get_conditions (type) : 0;

  for (guint i = 0; user->roles[i]; i++)
    {
      if (g_strv_contains (heads, user->roles[i]))
        return TRUE;
      for (guint n = 0; wf && n < pz_workflow_get_n_steps (wf); n++)
        {
          const PzStep *step = pz_workflow_get_nth_step (wf, n);

          if ((step->when & conditions) == step->when && pz_step_has_role (step, user->roles[i]))
            return TRUE;
        }
    }
  return engine_fail (error, PZ_ENGINE_ERROR_FORBIDDEN,
                      _("Your roles give no access to the applicants' data of this file"));
}

PzApplication *
pz_engine_get_application (PzEngine *self,
                           gint64    office_id,
                           gint64    id,
                           GError  **error)
{
  g_autoptr(GError) local_error = NULL;
  PzApplication *app = pz_store_get_application (self->store, office_id, id, &local_error);

  if (local_error)
    internal (error, local_error);
  else if (app == NULL)
    engine_fail (error, PZ_ENGINE_ERROR_NOT_FOUND, _("There is no file with this number"));
  return app;
}
