/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "perizinan.h"

static PzWorkflow *
load_standard (void)
{
  g_autoptr(GError) error = NULL;
  const char *path = g_test_get_filename (G_TEST_DIST, "..", "data", "workflows", "standard.json",
                                          NULL);
  PzWorkflow *wf = pz_workflow_new_from_file (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (wf);
  return wf;
}

static const char *
next (PzWorkflow  *wf,
      const char  *from,
      PzAction     action,
      PzConditions conditions)
{
  g_autoptr(GError) error = NULL;
  const PzStep *step = pz_workflow_get_step (wf, from);
  const PzStep *to;

  g_assert_nonnull (step);
  to = pz_workflow_transition (wf, step, action, conditions, &error);
  if (to == NULL)
    {
      g_assert_error (error, PZ_WORKFLOW_ERROR, PZ_WORKFLOW_ERROR_NOT_ALLOWED);
      return NULL;
    }
  g_assert_no_error (error);
  return to->id;
}

/* Every transition of the SOP, one by one, with and without the survey. */
static void
test_standard_transitions (void)
{
  g_autoptr(PzWorkflow) wf = load_standard ();
  static const struct {
    const char *from;
    PzAction    action;
    const char *with_survey;
    const char *without_survey;
  } table[] = {
    { "registration", PZ_ACTION_APPROVE, "document_check", "document_check" },
    { "registration", PZ_ACTION_RETURN, NULL, NULL },
    { "registration", PZ_ACTION_REFUSE, NULL, NULL },
    { "document_check", PZ_ACTION_APPROVE, "technical_survey", "data_entry" },
    { "document_check", PZ_ACTION_RETURN, "waiting_applicant", "waiting_applicant" },
    { "document_check", PZ_ACTION_REFUSE, NULL, NULL },
    { "waiting_applicant", PZ_ACTION_APPROVE, "document_check", "document_check" },
    { "waiting_applicant", PZ_ACTION_RETURN, NULL, NULL },
    { "technical_survey", PZ_ACTION_APPROVE, "data_entry", "data_entry" },
    { "technical_survey", PZ_ACTION_RETURN, NULL, NULL },
    { "data_entry", PZ_ACTION_APPROVE, "kasi_verification", "kasi_verification" },
    { "data_entry", PZ_ACTION_RETURN, NULL, NULL },
    { "kasi_verification", PZ_ACTION_APPROVE, "kabid_verification", "kabid_verification" },
    { "kasi_verification", PZ_ACTION_RETURN, "data_entry", "data_entry" },
    { "kasi_verification", PZ_ACTION_REFUSE, NULL, NULL },
    { "kabid_verification", PZ_ACTION_APPROVE, "secretary_verification", "secretary_verification" },
    { "kabid_verification", PZ_ACTION_RETURN, "data_entry", "data_entry" },
    { "kabid_verification", PZ_ACTION_REFUSE, NULL, NULL },
    { "secretary_verification", PZ_ACTION_APPROVE, "kadis_decision", "kadis_decision" },
    { "secretary_verification", PZ_ACTION_RETURN, "data_entry", "data_entry" },
    { "secretary_verification", PZ_ACTION_REFUSE, NULL, NULL },
    { "kadis_decision", PZ_ACTION_APPROVE, "numbering", "numbering" },
    { "kadis_decision", PZ_ACTION_RETURN, "data_entry", "data_entry" },
    { "kadis_decision", PZ_ACTION_REFUSE, "refused", "refused" },
    { "numbering", PZ_ACTION_APPROVE, "signing", "signing" },
    { "numbering", PZ_ACTION_RETURN, NULL, NULL },
    { "signing", PZ_ACTION_APPROVE, "handover", "handover" },
    { "signing", PZ_ACTION_REFUSE, NULL, NULL },
    { "handover", PZ_ACTION_APPROVE, "issued", "issued" },
    { "issued", PZ_ACTION_APPROVE, NULL, NULL },
    { "refused", PZ_ACTION_APPROVE, NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      g_assert_cmpstr (next (wf, table[i].from, table[i].action, PZ_CONDITION_SURVEY), ==,
                       table[i].with_survey);
      g_assert_cmpstr (next (wf, table[i].from, table[i].action, 0), ==, table[i].without_survey);
    }

  g_assert_cmpstr (pz_workflow_get_start (wf, 0)->id, ==, "registration");
  g_assert_cmpint (pz_step_get_status (pz_workflow_get_step (wf, "waiting_applicant")), ==,
                   PZ_STATUS_WAITING_APPLICANT);
  g_assert_cmpint (pz_step_get_status (pz_workflow_get_step (wf, "issued")), ==, PZ_STATUS_ISSUED);
  g_assert_cmpint (pz_step_get_status (pz_workflow_get_step (wf, "refused")), ==, PZ_STATUS_REFUSED);
  g_assert_cmpint (pz_step_get_status (pz_workflow_get_step (wf, "kasi_verification")), ==,
                   PZ_STATUS_IN_PROGRESS);
  g_assert_cmpint (pz_workflow_get_step (wf, "technical_survey")->standard_working_days, ==, 3);
  g_assert_cmpint (pz_workflow_get_step (wf, "registration")->standard_minutes, ==, 30);
  g_assert_true (pz_workflow_get_step (wf, "waiting_applicant")->applicant_clock);
}

static void
test_standard_roles (void)
{
  g_autoptr(PzWorkflow) wf = load_standard ();
  const char *kasi[] = { "kasi", NULL };
  const char *kadis[] = { "kadis", NULL };
  const char *both[] = { "front_office", "kadis", NULL };
  const PzStep *decision = pz_workflow_get_step (wf, "kadis_decision");
  const PzStep *verification = pz_workflow_get_step (wf, "kasi_verification");

  g_assert_true (pz_step_allows (verification, kasi, PZ_ACTION_APPROVE));
  g_assert_true (pz_step_allows (verification, kasi, PZ_ACTION_RETURN));
  g_assert_false (pz_step_allows (verification, kasi, PZ_ACTION_REFUSE));
  g_assert_false (pz_step_allows (verification, kadis, PZ_ACTION_APPROVE));
  g_assert_true (pz_step_allows (decision, kadis, PZ_ACTION_REFUSE));
  g_assert_true (pz_step_allows (decision, both, PZ_ACTION_APPROVE));
  g_assert_false (pz_step_allows (decision, kasi, PZ_ACTION_REFUSE));
  g_assert_false (pz_step_allows (decision, NULL, PZ_ACTION_APPROVE));
  g_assert_false (pz_step_allows (pz_workflow_get_step (wf, "issued"), kadis, PZ_ACTION_APPROVE));
}

static void
test_json_round_trip (void)
{
  g_autoptr(PzWorkflow) wf = load_standard ();
  g_autoptr(JsonNode) node = pz_workflow_to_json (wf);
  g_autofree char *text = json_to_string (node, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(PzWorkflow) again = NULL;
  g_autoptr(JsonNode) node2 = NULL;
  g_autofree char *text2 = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *obj;
  GList *steps;

  /* The served form carries derived members (status, clock) that a
   * definition does not take; strip them and load it again. */
  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  obj = json_node_get_object (json_parser_get_root (parser));
  steps = json_array_get_elements (json_object_get_array_member (obj, "steps"));
  for (GList *l = steps; l; l = l->next)
    json_object_remove_member (json_node_get_object (l->data), "status");
  g_list_free (steps);
  text2 = json_to_string (json_parser_get_root (parser), FALSE);
  again = pz_workflow_new_from_data (text2, -1, "served.json", &error);
  g_assert_no_error (error);
  node2 = pz_workflow_to_json (again);
  g_assert_true (json_node_equal (node, node2));
}

static const char *base_steps =
  "{\"id\":\"a\",\"title\":\"A\",\"roles\":[\"kasi\"],\"actions\":{\"approve\":\"done\"}},"
  "{\"id\":\"done\",\"title\":\"Done\",\"final\":\"issued\"}";

static void
expect_invalid (const char *json,
                const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PzWorkflow) wf = pz_workflow_new_from_data (json, -1, "office.json", &error);

  g_assert_null (wf);
  g_assert_nonnull (error);
  if (!g_str_has_prefix (error->message, "office.json") || !strstr (error->message, fragment))
    g_error ("error “%s” does not name the file and “%s”", error->message, fragment);
}

static void
test_loader_errors (void)
{
  g_autofree char *ok = g_strdup_printf ("{\"id\":\"x\",\"title\":\"X\",\"start\":\"a\",\"steps\":[%s]}",
                                         base_steps);
  g_autoptr(GError) error = NULL;
  g_autoptr(PzWorkflow) wf = pz_workflow_new_from_data (ok, -1, "office.json", &error);

  g_assert_no_error (error);
  g_assert_nonnull (wf);

  expect_invalid ("{\"id\":", "office.json");
  expect_invalid ("[]", "JSON object");
  expect_invalid ("{\"id\":\"x\",\"title\":\"X\",\"start\":\"a\",\"steps\":[]}", "steps");
  /* unknown role */
  expect_invalid ("{\"id\":\"x\",\"title\":\"X\",\"start\":\"a\",\"steps\":["
                  "{\"id\":\"a\",\"title\":\"A\",\"roles\":[\"lurah\"],\"actions\":{\"approve\":\"done\"}},"
                  "{\"id\":\"done\",\"title\":\"Done\",\"final\":\"issued\"}]}",
                  "steps[0] (a): unknown role “lurah”");
  /* action to a missing step */
  expect_invalid ("{\"id\":\"x\",\"title\":\"X\",\"start\":\"a\",\"steps\":["
                  "{\"id\":\"a\",\"title\":\"A\",\"roles\":[\"kasi\"],\"actions\":{\"approve\":\"done\",\"return\":\"nowhere\"}},"
                  "{\"id\":\"done\",\"title\":\"Done\",\"final\":\"issued\"}]}",
                  "steps[0] (a): action “return” leads to a missing step “nowhere”");
  /* unreachable step */
  expect_invalid ("{\"id\":\"x\",\"title\":\"X\",\"start\":\"a\",\"steps\":["
                  "{\"id\":\"a\",\"title\":\"A\",\"roles\":[\"kasi\"],\"actions\":{\"approve\":\"done\"}},"
                  "{\"id\":\"orphan\",\"title\":\"O\",\"roles\":[\"kabid\"],\"actions\":{\"approve\":\"done\"}},"
                  "{\"id\":\"done\",\"title\":\"Done\",\"final\":\"issued\"}]}",
                  "steps[1] (orphan): no action leads to this step");
  /* no way to finish */
  expect_invalid ("{\"id\":\"x\",\"title\":\"X\",\"start\":\"a\",\"steps\":["
                  "{\"id\":\"a\",\"title\":\"A\",\"roles\":[\"kasi\"],\"actions\":{\"approve\":\"b\",\"return\":\"done\"}},"
                  "{\"id\":\"b\",\"title\":\"B\",\"roles\":[\"kabid\"],\"actions\":{\"approve\":\"c\"}},"
                  "{\"id\":\"c\",\"title\":\"C\",\"roles\":[\"kabid\"],\"actions\":{\"approve\":\"b\"}},"
                  "{\"id\":\"done\",\"title\":\"Done\",\"final\":\"issued\"}]}",
                  "steps[1] (b): there is no way to finish");
  /* unknown start */
  expect_invalid ("{\"id\":\"x\",\"title\":\"X\",\"start\":\"zzz\",\"steps\":[{\"id\":\"done\",\"title\":\"D\",\"final\":\"issued\"}]}",
                  "start step “zzz”");
  /* duplicate, typo'd member, bad standard, refuse to a non-refusing end */
  expect_invalid ("{\"id\":\"x\",\"title\":\"X\",\"start\":\"a\",\"steps\":["
                  "{\"id\":\"a\",\"title\":\"A\",\"roles\":[\"kasi\"],\"actions\":{\"approve\":\"done\"}},"
                  "{\"id\":\"a\",\"title\":\"A\",\"roles\":[\"kasi\"],\"actions\":{\"approve\":\"done\"}},"
                  "{\"id\":\"done\",\"title\":\"Done\",\"final\":\"issued\"}]}",
                  "steps[1] (a): another step has the same id");
  expect_invalid ("{\"id\":\"x\",\"title\":\"X\",\"start\":\"a\",\"steps\":["
                  "{\"id\":\"a\",\"title\":\"A\",\"role\":[\"kasi\"],\"actions\":{\"approve\":\"done\"}},"
                  "{\"id\":\"done\",\"title\":\"Done\",\"final\":\"issued\"}]}",
                  "unknown member “role”");
  expect_invalid ("{\"id\":\"x\",\"title\":\"X\",\"start\":\"a\",\"steps\":["
                  "{\"id\":\"a\",\"title\":\"A\",\"roles\":[\"kasi\"],\"standard\":{\"minutes\":-5},\"actions\":{\"approve\":\"done\"}},"
                  "{\"id\":\"done\",\"title\":\"Done\",\"final\":\"issued\"}]}",
                  "standard.minutes");
  expect_invalid ("{\"id\":\"x\",\"title\":\"X\",\"start\":\"a\",\"steps\":["
                  "{\"id\":\"a\",\"title\":\"A\",\"roles\":[\"kasi\"],\"actions\":{\"approve\":\"done\",\"refuse\":\"done\"}},"
                  "{\"id\":\"done\",\"title\":\"Done\",\"final\":\"issued\"}]}",
                  "“refuse” must lead to a final step that refuses");
  expect_invalid ("{\"id\":\"x\",\"title\":\"X\",\"start\":\"a\",\"steps\":["
                  "{\"id\":\"a\",\"title\":\"A\",\"roles\":[\"kasi\"],\"actions\":{\"approve\":\"done\",\"escalate\":\"done\"}},"
                  "{\"id\":\"done\",\"title\":\"Done\",\"final\":\"issued\"}]}",
                  "unknown action “escalate”");
  expect_invalid ("{\"id\":\"x\",\"title\":\"X\",\"start\":\"a\",\"steps\":["
                  "{\"id\":\"a\",\"title\":\"A\",\"roles\":[\"kasi\"],\"when\":\"moon\",\"actions\":{\"approve\":\"done\"}},"
                  "{\"id\":\"done\",\"title\":\"Done\",\"final\":\"issued\"}]}",
                  "unknown condition “moon”");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/workflow/standard/transitions", test_standard_transitions);
  g_test_add_func ("/workflow/standard/roles", test_standard_roles);
  g_test_add_func ("/workflow/json-round-trip", test_json_round_trip);
  g_test_add_func ("/workflow/loader-errors", test_loader_errors);
  return g_test_run ();
}
