/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pz-test-server.h"

/* Every demo user tries every action at every step. Only what the workflow
 * definition allows may succeed; everything else is a 403 that changes
 * nothing. */

static PzTestServer *ts;
static PzWorkflow *wf;

/* Who may do what at each step, and where a return or a refusal sends the
 * file: written from the office's procedure (the SOP's 11 steps), not
 * read from the workflow definition the server runs. */
static const struct {
  const char *step;
  const char *role;        /* the one role that acts here; NULL: nobody */
  const char *returns_to;  /* NULL: no return here */
  const char *refuses_to;  /* NULL: no refusal here */
} procedure[] = {
  { "registration", "front_office", NULL, NULL },
  { "document_check", "front_office", "waiting_applicant", NULL },
  { "waiting_applicant", "front_office", NULL, NULL },
  { "technical_survey", "tim_teknis", NULL, NULL },
  { "data_entry", "back_office", NULL, NULL },
  { "kasi_verification", "kasi", "data_entry", NULL },
  { "kabid_verification", "kabid", "data_entry", NULL },
  { "secretary_verification", "sekretaris", "data_entry", NULL },
  { "kadis_decision", "kadis", "data_entry", "refused" },
  { "numbering", "back_office", NULL, NULL },
  { "signing", "kadis", NULL, NULL },
  { "handover", "front_office", NULL, NULL },
  { "issued", NULL, NULL, NULL },
  { "refused", NULL, NULL, NULL },
};

/* Where @action by @role at @step sends the file, as the procedure says;
* NULL if it may not be done. An approval's target is not needed here. */
static const char *
expected_target (const char *step,
                 const char *role,
                 PzAction    action)
{
  for (guint i = 0; i < G_N_ELEMENTS (procedure); i++)
    {
      if (!g_str_equal (procedure[i].step, step))
        continue;
      if (procedure[i].role == NULL || !g_str_equal (procedure[i].role, role))
        return NULL;
      switch (action)
        {
        case PZ_ACTION_APPROVE:
          return "";
        case PZ_ACTION_RETURN:
          return procedure[i].returns_to;
        case PZ_ACTION_REFUSE:
          return procedure[i].refuses_to;
        default:
          return NULL;
        }
    }
  g_error ("the procedure has no step %s", step);
}

static const char * const users[] = {
  "front_office", "tim_teknis", "back_office", "kasi", "kabid", "sekretaris", "kadis", "admin", NULL
};

static JsonObject *
get_app (gint64 id)
{
  return pz_test_get_application (ts, pz_test_login (ts, "kadis"), id);
}

static gint64
new_file_at (const char *step)
{
  gint64 id = pz_test_register (ts, pz_test_login (ts, "front_office"), "PBG", "new");

  if (g_str_equal (step, "waiting_applicant"))
    {
      g_autoptr(JsonObject) app = NULL;
      g_autoptr(PzResponse) r = NULL;

      pz_test_drive_to (ts, id, "document_check");
      app = get_app (id);
      r = pz_test_act (ts, pz_test_login (ts, "front_office"), id, "return",
                       json_object_get_int_member (app, "version"), "Kurang lengkap", NULL);
      g_assert_cmpuint (r->status, ==, 200);
    }
  else if (g_str_equal (step, "refused"))
    {
      g_autoptr(JsonObject) app = NULL;
      g_autoptr(PzResponse) r = NULL;

      pz_test_drive_to (ts, id, "kadis_decision");
      app = get_app (id);
      r = pz_test_act (ts, pz_test_login (ts, "kadis"), id, "refuse",
                       json_object_get_int_member (app, "version"), "Tidak memenuhi syarat", NULL);
      g_assert_cmpuint (r->status, ==, 200);
    }
  else
    pz_test_drive_to (ts, id, step);
  return id;
}

static void
check_step (gconstpointer data)
{
  const char *step_id = data;
  gboolean final = TRUE;
  gint64 id = new_file_at (step_id);
  g_autoptr(JsonObject) before = get_app (id);
  gint64 version = json_object_get_int_member (before, "version");
  guint allowed_count = 0;

  for (guint u = 0; users[u]; u++)
    {
      const char *token = pz_test_login (ts, users[u]);
      g_autoptr(JsonObject) seen = NULL;
      JsonArray *offered = NULL;

      /* the administrator does not see the applicant's data at all */
      if (g_str_equal (users[u], "admin"))
        {
          g_autofree char *path = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT, id);
          g_autoptr(PzResponse) r = pz_test_request (ts, "GET", path, token, NULL);
          g_assert_cmpuint (r->status, ==, 403);
        }
      else
        {
          seen = pz_test_get_application (ts, token, id);
          offered = json_object_get_array_member (seen, "allowed_actions");
        }

      for (PzAction a = 0; a < PZ_N_ACTIONS; a++)
        {
          gboolean allowed = expected_target (step_id, users[u], a) != NULL;
          gboolean listed = FALSE;

          for (guint i = 0; offered && i < json_array_get_length (offered); i++)
            if (g_str_equal (json_array_get_string_element (offered, i), pz_action_to_string (a)))
              listed = TRUE;
          /* The server offers exactly what the definition allows. */
          g_assert_cmpint (listed, ==, allowed);

          if (allowed)
            {
              allowed_count++;
              continue;
            }
          {
            g_autoptr(PzResponse) r = pz_test_act (ts, token, id, pz_action_to_string (a), version,
                                                   "catatan", NULL);
            g_autoptr(JsonObject) after = get_app (id);

            if (r->status != 403)
              g_error ("%s %s at %s: expected 403, got %u", users[u], pz_action_to_string (a),
                       step_id, r->status);
            g_assert_cmpstr (pz_response_error_code (r), ==, "forbidden");
            g_assert_cmpint (json_object_get_int_member (after, "version"), ==, version);
            g_assert_cmpstr (json_object_get_string_member (after, "step"), ==, step_id);
          }
        }
    }

  /* Each allowed non-approve action succeeds on a file of its own at this
   * step (approve is what drives every file forward). */
  for (guint u = 0; users[u]; u++)
    {
      for (PzAction a = PZ_ACTION_RETURN; a < PZ_N_ACTIONS; a++)
        {
          g_autoptr(JsonObject) app = NULL;
          g_autoptr(PzResponse) r = NULL;
          const char *to = expected_target (step_id, users[u], a);
          gint64 other;

          if (to == NULL)
            continue;
          other = new_file_at (step_id);
          app = get_app (other);
          r = pz_test_act (ts, pz_test_login (ts, users[u]), other, pz_action_to_string (a),
                           json_object_get_int_member (app, "version"), "Perlu diperbaiki", NULL);
          g_assert_cmpuint (r->status, ==, 200);
          g_assert_cmpstr (json_object_get_string_member (pz_response_object (r), "step"), ==, to);
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (procedure); i++)
    if (g_str_equal (procedure[i].step, step_id))
      final = procedure[i].role == NULL;
  if (final)
    g_assert_cmpuint (allowed_count, ==, 0);
  else
    g_assert_cmpuint (allowed_count, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  path = g_test_build_filename (G_TEST_DIST, "..", "data", "workflows", "standard.json", NULL);
  wf = pz_workflow_new_from_file (path, &error);
  g_assert_no_error (error);
  ts = pz_test_server_start (NULL, TRUE);
  /* the definition has the procedure's steps, no more, no fewer */
  g_assert_cmpuint (pz_workflow_get_n_steps (wf), ==, G_N_ELEMENTS (procedure));

  /* the steps come from the procedure, the oracle, not from the
   * definition under test; each must be one of the definition's */
  for (guint i = 0; i < G_N_ELEMENTS (procedure); i++)
    {
      g_autofree char *name = g_strdup_printf ("/server/matrix/%s", procedure[i].step);
      gboolean known = FALSE;

      for (guint k = 0; k < pz_workflow_get_n_steps (wf); k++)
        known |= g_str_equal (pz_workflow_get_nth_step (wf, k)->id, procedure[i].step);
      g_assert_true (known);
      g_test_add_data_func (name, procedure[i].step, check_step);
    }
  ret = g_test_run ();
  pz_test_server_free (ts);
  pz_workflow_unref (wf);
  return ret;
}
