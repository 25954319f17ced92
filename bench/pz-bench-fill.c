/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fills a data directory with the demo office and many files, written
 * straight through the store in one transaction. */
#include "config.h"

#include "pz-bench-fill.h"
#include "pz-demo.h"
#include "pz-engine.h"
#include "pz-store.h"

/**
 * pz_bench_fill:
 * @dir: an empty data directory
 * @n_files: how many files
 * @only_step: (nullable): put every file at this step; otherwise they are
 *   spread over all steps
 *
 * Returns: (transfer full) (element-type PzBenchTarget): the files at
 *   `kasi_verification`, which the Kasi can approve
 */
GArray *
pz_bench_fill (const char *dir,
               gint64      n_files,
               const char *only_step)
{
  return pz_bench_fill_store (dir, NULL, n_files, only_step);
}

/* As pz_bench_fill(), with the office on the database of @store_url. */
GArray *
pz_bench_fill_store (const char *dir,
                     const char *store_url,
                     gint64      n_files,
                     const char *only_step)
{
  g_autoptr(GError) error = NULL;
  PzEngine *engine = pz_engine_new_with_store (dir, store_url, NULL, NULL, &error);
  PzStore *store;
  PzWorkflow *wf;
  g_autoptr(PzUser) front = NULL;
  GPtrArray *types;
  g_autoptr(GPtrArray) steps = g_ptr_array_new ();
  GArray *targets = g_array_new (FALSE, FALSE, sizeof (PzBenchTarget));
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 t0 = g_get_monotonic_time ();

  g_assert_no_error (error);
  {
    /* where the server keeps the office's signing key by default */
    g_autofree char *key = g_build_filename (dir, "signing.p12", NULL);
    pz_engine_set_signing_key (engine, key);
  }
  if (!pz_demo_populate (engine, &error))
    g_error ("%s", error->message);
  store = pz_engine_get_store (engine);
  wf = pz_engine_get_workflow (engine, "standard");
  types = pz_engine_list_permit_types (engine, PZ_STORE_FIRST_OFFICE);
  front = pz_store_find_user (store, PZ_STORE_FIRST_OFFICE, "front_office");
  for (guint i = 0; i < pz_workflow_get_n_steps (wf); i++)
    if (only_step == NULL || g_str_equal (pz_workflow_get_nth_step (wf, i)->id, only_step))
      g_ptr_array_add (steps, (gpointer) pz_workflow_get_nth_step (wf, i));
  g_assert_cmpuint (steps->len, >, 0);

  if (!pz_store_begin (store, &error))
    g_error ("%s", error->message);
  for (gint64 i = 0; i < n_files; i++)
    {
      const PzStep *step = g_ptr_array_index (steps, i % steps->len);
      PzPermitType *type = g_ptr_array_index (types, i % types->len);
      PzApplication app = { 0 };
      PzEvent ev = { 0 };
      g_autofree char *reg = g_strdup_printf ("BENCH-%08" G_GINT64_FORMAT, i + 1);
      g_autofree char *name = g_strdup_printf ("Pemohon Uji %" G_GINT64_FORMAT, i + 1);
      g_autofree char *nik = g_strdup_printf ("32010112038%05" G_GINT64_FORMAT, (i % 99999) + 1);
      gint64 entered = now - (i % 5000) * 60;
      g_autoptr(GDateTime) start = g_date_time_new_from_unix_utc (entered);
      g_autoptr(GDateTime) due = NULL;

      if (step->standard_minutes)
        due = pz_calendar_add_office_seconds (pz_engine_get_calendar (engine, PZ_STORE_FIRST_OFFICE), start, step->standard_minutes * 60);
      else if (step->standard_working_days)
        due = pz_calendar_add_working_days (pz_engine_get_calendar (engine, PZ_STORE_FIRST_OFFICE), start, step->standard_working_days);

      app.registration_number = reg;
      app.permit_type = type->code;
      app.request_type = (char *) "new";
      app.applicant_name = name;
      app.applicant_nik = nik;
      app.applicant_address = (char *) "Jl. Uji Beban No. 1";
      app.applicant_phone = (char *) "081200000000";
      app.data = (char *) "{}";
      app.step = step->id;
      app.status = (char *) pz_status_to_string (pz_step_get_status (step));
      app.version = 1;
      app.step_entered_at = entered;
      app.due_at = due ? g_date_time_to_unix (due) : 0;
      app.created_at = app.updated_at = entered;
      app.created_by = app.updated_by = front->id;
      if (!pz_store_insert_application (store, &app, &error))
        g_error ("%s", error->message);
      ev.application_id = app.id;
      ev.at = entered;
      ev.user_id = front->id;
      ev.role = (char *) "front_office";
      ev.action = (char *) "register";
      ev.to_step = step->id;
      if (!pz_store_insert_event (store, &ev, &error))
        g_error ("%s", error->message);
      if (g_str_equal (step->id, "kasi_verification"))
        {
          PzBenchTarget t = { app.id, 1 };
          g_array_append_val (targets, t);
        }
    }
  if (!pz_store_commit (store, &error))
    g_error ("%s", error->message);
  pz_engine_free (engine);
  g_print ("filled %" G_GINT64_FORMAT " files in %.1f s (%u at kasi_verification)\n", n_files,
           (g_get_monotonic_time () - t0) / 1e6, targets->len);
  return targets;
}

/**
 * pz_bench_fill_year:
 * @dir: an empty data directory
 * @n_files: how many files, registered evenly over the year before now
 *
 * A year of an office: each file goes step by step with its events (and
 * office time) as far as it got: most are issued, some refused, the
 * youngest still open; a third of the issued ones answered the survey.
 */
void
pz_bench_fill_year (const char *dir,
                    gint64      n_files)
{
  g_autoptr(GError) error = NULL;
  PzEngine *engine = pz_engine_new (dir, NULL, NULL, &error);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261128);
  PzStore *store;
  PzWorkflow *wf;
  GPtrArray *types;
  g_autoptr(GPtrArray) chain = g_ptr_array_new ();
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func ((GDestroyNotify) pz_user_free);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 year = 365 * 86400;
  gint64 t0 = g_get_monotonic_time ();
  gint64 n_events = 0;

  g_assert_no_error (error);
  {
    g_autofree char *key = g_build_filename (dir, "signing.p12", NULL);
    pz_engine_set_signing_key (engine, key);
  }
  if (!pz_demo_create_office (engine, &error))
    g_error ("%s", error->message);
  store = pz_engine_get_store (engine);
  wf = pz_engine_get_workflow (engine, "standard");
  types = pz_engine_list_permit_types (engine, PZ_STORE_FIRST_OFFICE);
  /* the main path: every step but the applicant's and the ends */
  for (guint i = 0; i < pz_workflow_get_n_steps (wf); i++)
    {
      const PzStep *step = pz_workflow_get_nth_step (wf, i);
      if (!step->final && !step->applicant_clock)
        g_ptr_array_add (chain, (gpointer) step);
    }
  for (guint i = 0; i < chain->len; i++)
    g_ptr_array_add (users, pz_store_find_user (store, PZ_STORE_FIRST_OFFICE, ((const PzStep *) g_ptr_array_index (chain, i))->roles[0]));

  if (!pz_store_begin (store, &error))
    g_error ("%s", error->message);
  for (gint64 i = 0; i < n_files; i++)
    {
      PzPermitType *type = g_ptr_array_index (types, i % types->len);
      PzApplication app = { 0 };
      g_autofree char *reg = g_strdup_printf ("YEAR-%08" G_GINT64_FORMAT, i + 1);
      g_autofree char *name = g_strdup_printf ("Pemohon Tahunan %" G_GINT64_FORMAT, i + 1);
      gint64 created = now - year + (year * i) / n_files;
      gint64 t = created;
      /* the youngest files are not through yet; one in twenty is refused */
      guint reach = created > now - 14 * 86400 ? (guint) g_rand_int_range (rand, 1, (gint32) chain->len)
                                               : chain->len;
      gboolean refused = reach == chain->len && i % 20 == 7;
      const PzStep *last = NULL;

      app.registration_number = reg;
      app.permit_type = type->code;
      app.permit_type_version = type->version;
      app.request_type = (char *) "new";
      app.applicant_name = name;
      app.applicant_nik = (char *) "3201011203850001";
      app.applicant_address = (char *) "Jl. Uji Beban No. 1";
      app.applicant_phone = (char *) "081200000000";
      app.data = (char *) "{}";
      app.step = (char *) "registration";
      app.status = (char *) "in_progress";
      app.version = 1;
      app.created_at = created;
      app.created_by = app.updated_by = ((PzUser *) g_ptr_array_index (users, 0))->id;
      if (!pz_store_insert_application (store, &app, &error))
        g_error ("%s", error->message);
      {
        PzEvent ev = { 0 };
        ev.application_id = app.id;
        ev.at = t;
        ev.user_id = app.created_by;
        ev.role = (char *) "front_office";
        ev.action = (char *) "register";
        ev.to_step = (char *) "registration";
        if (!pz_store_insert_event (store, &ev, &error))
          g_error ("%s", error->message);
        n_events++;
      }
      for (guint k = 0; k < reach; k++)
        {
          const PzStep *from = g_ptr_array_index (chain, k);
          const PzStep *to = k + 1 < chain->len ? g_ptr_array_index (chain, k + 1) : NULL;
          gint64 standard = pz_engine_step_standard (engine, PZ_STORE_FIRST_OFFICE, from);
          /* most within the standard, some up to three times over */
          gint64 spent = MAX (60, (gint64) (standard * g_rand_double_range (rand, 0.3, g_rand_int_range (rand, 0, 5) ? 1.0 : 3.0)));
          PzEvent ev = { 0 };

          if (k + 1 == reach && reach < chain->len)
            break;
          t += spent;
          ev.application_id = app.id;
          ev.at = t;
          ev.user_id = ((PzUser *) g_ptr_array_index (users, k))->id;
          ev.role = from->roles[0];
          ev.action = (char *) (refused && g_str_equal (from->id, "kadis_decision") ? "refuse" : "approve");
          ev.from_step = from->id;
          ev.to_step = refused && g_str_equal (from->id, "kadis_decision") ? (char *) "refused"
                       : to ? to->id : (char *) "issued";
          ev.office_seconds = spent;
          if (!pz_store_insert_event (store, &ev, &error))
            g_error ("%s", error->message);
          n_events++;
          if (g_str_equal (from->id, "document_check"))
            app.service_started_at = t;
          else if (app.service_started_at)
            app.service_seconds += spent;
          last = to;
          if (refused && g_str_equal (from->id, "kadis_decision"))
            {
              last = NULL;
              break;
            }
        }
      app.version = 2;
      app.step_entered_at = t;
      app.updated_at = t;
      if (reach < chain->len && last)
        {
          app.step = last->id;
          app.status = (char *) "in_progress";
        }
      else
        {
          app.step = (char *) (refused ? "refused" : "issued");
          app.status = app.step;
        }
      if (!pz_store_update_application (store, &app, 1, &error))
        g_error ("%s", error->message);
      if (!refused && reach == chain->len && i % 3 == 0)
        {
          int answers[PZ_SKM_ELEMENTS];

          for (int q = 0; q < PZ_SKM_ELEMENTS; q++)
            answers[q] = g_rand_int_range (rand, 2, 5);
          if (!pz_store_put_satisfaction (store, app.id, answers, NULL, t + 3600, &error))
            g_error ("survey: %s", error->message);
        }
    }
  if (!pz_store_commit (store, &error))
    g_error ("%s", error->message);
  pz_engine_free (engine);
  g_print ("filled a year: %" G_GINT64_FORMAT " files, %" G_GINT64_FORMAT " events in %.1f s\n", n_files, n_events,
           (g_get_monotonic_time () - t0) / 1e6);
}
