/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The open file as a widget of its own: given a file as the server sends
 * it, it shows what a person reads and asks the window, by a signal, for
 * the verdict pressed; a reload shows the new file alone. No server: the
 * file is a fixed one. */
#include "config.h"

#include <adwaita.h>

#include "pz-file-view.h"
#include "pz-test-desktop.h"

static const char step_json[] =
  "{\"id\":\"check\",\"title\":\"Document check\",\"documents\":true,\"form\":\"documents_complete\","
  " \"roles\":[\"back_office\"],\"actions\":{\"approve\":\"entry\",\"return\":\"registration\"}}";

/* a file at the document check: one document uploaded, one OK */
static const char file_json[] =
  "{\"id\":7,\"version\":3,\"registration_number\":\"REG-2026-000042\",\"status\":\"in_progress\","
  " \"step\":\"check\",\"permit_type\":\"pbg\",\"permit_type_name\":\"Building approval\","
  " \"tracking_code\":\"TRK-42\",\"due_at\":\"2026-11-30T09:00:00Z\","
  " \"applicant\":{\"name\":\"Ahmad Fauzi\",\"nik\":\"3201010101010001\",\"address\":\"Jl. Merdeka 1\","
  "   \"phone\":\"0812\",\"email\":\"a@example.id\"},"
  " \"data\":{\"luas\":120},"
  " \"fields\":[{\"name\":\"luas\",\"label\":\"Floor area\",\"type\":\"number\",\"required\":true}],"
  " \"allowed_actions\":[\"approve\",\"return\"],\"outputs\":[],"
  " \"checklist\":[{\"requirement\":\"ktp\",\"title\":\"ID card\",\"mandatory\":true,\"state\":\"uploaded\"},"
  "   {\"requirement\":\"npwp\",\"title\":\"Tax number\",\"mandatory\":false,\"state\":\"ok\",\"verdict\":\"ok\"}],"
  " \"history\":[{\"action\":\"register\",\"full_name\":\"Siti\",\"at\":\"2026-11-27T01:11:00Z\","
  "   \"to_step\":\"check\"}]}";

/* the same file later, seen by one who cannot act: closed, nothing to do */
static const char closed_json[] =
  "{\"id\":7,\"version\":9,\"registration_number\":\"REG-2026-000042\",\"status\":\"issued\","
  " \"step\":\"done\",\"permit_type\":\"pbg\",\"permit_type_name\":\"Building approval\","
  " \"applicant\":{\"name\":\"Ahmad Fauzi\"},\"data\":{\"luas\":120},"
  " \"fields\":[{\"name\":\"luas\",\"label\":\"Floor area\",\"type\":\"number\"}],"
  " \"allowed_actions\":[],\"outputs\":[{\"kind\":\"permit\",\"created_at\":\"2026-12-01T02:00:00Z\"}],"
  " \"history\":[{\"action\":\"register\",\"full_name\":\"Siti\",\"at\":\"2026-11-27T01:11:00Z\","
  "   \"to_step\":\"check\"},"
  "   {\"action\":\"approve\",\"full_name\":\"Budi\",\"at\":\"2026-11-28T01:11:00Z\","
  "   \"from_step\":\"check\",\"to_step\":\"done\",\"office_seconds\":600}],"
  " \"checklist\":[{\"requirement\":\"ktp\",\"title\":\"ID card\",\"mandatory\":true,\"state\":\"ok\"}]}";

static JsonObject *
parse (const char *json)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  g_assert_nonnull (node);
  return json_object_ref (json_node_get_object (node));
}

static guint
count_rows (GtkWidget *group)
{
  guint n = 0;

  g_assert_nonnull (group);
  for (GtkWidget *w = find_widget (group, ADW_TYPE_ACTION_ROW, NULL); w; w = gtk_widget_get_next_sibling (w))
    if (ADW_IS_ACTION_ROW (w))
      n++;
  return n;
}

static void
verdict_requested (PzFileView *view,
                   const char *requirement,
                   const char *verdict,
                   GPtrArray  *asked)
{
  g_ptr_array_add (asked, g_strdup_printf ("%s=%s", requirement, verdict));
}

static void
test_file_view (void)
{
  g_autoptr(GHashTable) steps = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                       (GDestroyNotify) json_object_unref);
  g_autoptr(GHashTable) types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                       (GDestroyNotify) json_object_unref);
  g_autoptr(GHashTable) kept = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(JsonObject) file = parse (file_json);
  g_autoptr(JsonObject) closed = parse (closed_json);
  g_autoptr(GPtrArray) asked = g_ptr_array_new_with_free_func (g_free);
  GtkWidget *window = gtk_window_new ();
  PzFileView *view = PZ_FILE_VIEW (pz_file_view_new ());
  PzFileForm *form = pz_file_view_get_form (view);
  GtkWidget *ktp, *note;
  g_autofree char *typed = NULL;

  g_hash_table_insert (steps, g_strdup ("check"), parse (step_json));
  g_hash_table_insert (steps, g_strdup ("registration"),
                       parse ("{\"id\":\"registration\",\"title\":\"Registration\",\"roles\":[\"front_office\"]}"));
  g_hash_table_insert (types, g_strdup ("pbg"), parse ("{\"code\":\"pbg\",\"name\":\"Building approval\"}"));
  g_hash_table_insert (kept, g_strdup ("note"), g_strdup ("KTP is blurred"));
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 700);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));
  g_signal_connect (view, "verdict-requested", G_CALLBACK (verdict_requested), asked);
  gtk_window_present (GTK_WINDOW (window));

  pz_file_view_set_file (view, file, steps, types, "registration", kept, "Still open: ID card");
  wait_for_frames (window);
  g_assert_cmpstr (pz_file_view_get_shown (view), ==, "file");
  g_assert_nonnull (find_label (window, "REG-2026-000042"));
  g_assert_nonnull (find_label (window, "Your step: Document check"));
  g_assert_nonnull (find_group (window, "Documents (1 of 2 checked)"));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (find_widget (window, ADW_TYPE_ACTION_ROW, "NIK"))),
                   ==, "3201010101010001");
  /* what was typed before the reload is back in the note */
  note = pz_file_form_get_widget (form, "note");
  g_assert_true (GTK_IS_TEXT_VIEW (note));
  typed = pz_file_form_get_note (form);
  g_assert_cmpstr (typed, ==, "KTP is blurred");
  g_assert_nonnull (find_widget (window, GTK_TYPE_BUTTON, "Return to Front office"));
  g_assert_nonnull (find_widget (window, GTK_TYPE_BUTTON, "Documents Complete"));
  /* Service standard absent: Permit type, number, tracking code, step due, one field */
  g_assert_cmpuint (count_rows (find_group (window, "Permit")), ==, 5);
  g_assert_cmpuint (count_rows (find_group (window, "History")), ==, 1);
  g_assert_null (find_group (window, "Documents produced"));

  /* the uploaded document has both verdicts, the one marked OK only Not OK */
  ktp = find_widget (window, ADW_TYPE_ACTION_ROW, "ID card *");
  g_assert_nonnull (ktp);
  press (find_widget (ktp, GTK_TYPE_BUTTON, "Not OK"));
  press (find_widget (ktp, GTK_TYPE_BUTTON, "OK"));
  g_assert_null (find_widget (find_widget (window, ADW_TYPE_ACTION_ROW, "Tax number"), GTK_TYPE_BUTTON, "OK"));
  press (find_widget (find_widget (window, ADW_TYPE_ACTION_ROW, "Tax number"), GTK_TYPE_BUTTON, "Not OK"));
  g_assert_cmpuint (asked->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (asked, 0), ==, "ktp=not_ok");
  g_assert_cmpstr (g_ptr_array_index (asked, 1), ==, "ktp=ok");
  g_assert_cmpstr (g_ptr_array_index (asked, 2), ==, "npwp=not_ok");

  /* reloaded as a file nobody can act on: the new file alone, no form,
   * no verdicts, no rows of the last one left behind */
  pz_file_view_set_file (view, closed, steps, types, "registration", NULL, NULL);
  wait_for_frames (window);
  g_assert_null (pz_file_form_get_widget (form, "note"));
  g_assert_null (pz_file_form_get_note (form));
  g_assert_false (pz_file_form_set_error (form, "nowhere to show it"));
  g_assert_null (find_widget (window, GTK_TYPE_TEXT_VIEW, NULL));
  g_assert_null (find_widget (window, GTK_TYPE_BUTTON, "Documents Complete"));
  g_assert_null (find_label (window, "Your step"));
  g_assert_nonnull (find_group (window, "Documents (0 of 1 checked)"));
  g_assert_null (find_widget (window, ADW_TYPE_ACTION_ROW, "Tax number"));
  g_assert_null (find_widget (find_widget (window, ADW_TYPE_ACTION_ROW, "ID card *"), GTK_TYPE_BUTTON, "Not OK"));
  g_assert_cmpuint (count_rows (find_group (window, "Permit")), ==, 5);
  g_assert_cmpuint (count_rows (find_group (window, "History")), ==, 2);
  g_assert_nonnull (find_widget (window, ADW_TYPE_ACTION_ROW, "Approved by Budi"));
  g_assert_cmpuint (count_rows (find_group (window, "Documents produced")), ==, 1);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (find_widget (window, ADW_TYPE_ACTION_ROW, "NIK"))),
                   ==, "—");

  pz_file_view_clear (view);
  wait_for_frames (window);
  g_assert_null (find_label (window, "REG-2026-000042"));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/desktop-file-view/file-view", test_file_view);
  return g_test_run ();
}
