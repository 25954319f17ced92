/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fills a data directory with the demo office and many files, written
 * straight through the store in one transaction. */
#include "config.h"

#include "pz-bench-fill.h"
#include "pz-demo.h"
#include "pz-engine.h"

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
  g_autoptr(GError) error = NULL;
  PzEngine *engine = pz_engine_new (dir, NULL, NULL, &error);
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
  types = pz_engine_list_permit_types (engine);
  front = pz_store_find_user (store, "front_office");
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
        due = pz_calendar_add_office_seconds (pz_engine_get_calendar (engine), start, step->standard_minutes * 60);
      else if (step->standard_working_days)
        due = pz_calendar_add_working_days (pz_engine_get_calendar (engine), start, step->standard_working_days);

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
