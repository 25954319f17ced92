/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The day of the officials after the counter, as they work it: open a
 * file and read it from its top, see why it came back, act, and go on
 * to the next file; the Kadis signs one permit or several at once; the
 * counter finds a finished permit by its number and hands it over. */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "pz-file-item.h"
#include "pz-signing.h"
#include "pz-test-desktop.h"

/* What the window shows on the file side: the view's scrolled window. */
static GtkAdjustment *
file_scroll (PzWindow *win)
{
  GtkWidget *stack = NULL;

  for (GtkWidget *w = find_any (GTK_WIDGET (win), GTK_TYPE_STACK); w; w = NULL)
    stack = w;
  g_assert_nonnull (stack);
  {
    GtkWidget *box = GTK_WIDGET (pz_window_get_form_widget (win, "note"));
    GtkWidget *title = NULL;

    /* the file's number, its title at the top of the view */
    if (box == NULL)
      title = find_label (GTK_WIDGET (win), json_object_get_string_member (pz_window_get_file (win),
                                                                           "registration_number"));
    box = box ? box : title;
    g_assert_nonnull (box);
    return gtk_scrolled_window_get_vadjustment (
      GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (gtk_widget_get_ancestor (box, ADW_TYPE_CLAMP),
                                                    GTK_TYPE_SCROLLED_WINDOW)));
  }
}

/* Scrolls the open file to its end, as a user reading it down does. */
static void
scroll_to_end (PzWindow *win)
{
  GtkAdjustment *adj = file_scroll (win);

  wait_for_frames (GTK_WIDGET (win));
  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
  wait_for_frames (GTK_WIDGET (win));
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), >, 100);
}

static void
assert_at_top (PzWindow *win)
{
  wait_for_frames (GTK_WIDGET (win));
  g_assert_cmpfloat (gtk_adjustment_get_value (file_scroll (win)), ==, 0);
}

typedef struct {
  gint64      id;       /* the file acted on */
  gint64      version;  /* its version after the action */
  gint64      next;     /* the file that must open next (0: none) */
  const char *toast;    /* what the toast must say */
  gboolean    seen;     /* the toast was shown */
  char       *shown;    /* its whole text */
  gboolean    on_desk;  /* judge by the window alone, asking the server nothing */
} Acted;

/* The action reached the server, its toast was shown and the window went
 * on by itself. */
static gboolean
went_on (PzWindow *win,
         gpointer  data)
{
  Acted *a = data;
  JsonObject *file = pz_window_get_file (win);

  if (a->toast && !a->seen && find_label (GTK_WIDGET (win), a->toast))
    {
      a->seen = TRUE;
      a->shown = g_strdup (gtk_label_get_text (GTK_LABEL (find_label (GTK_WIDGET (win), a->toast))));
    }
  if (pz_window_is_busy (win) || (a->toast && !a->seen) || (!a->on_desk && version_of_file (a->id) != a->version))
    return FALSE;
  if (a->next == 0)
    return file == NULL;
  return file && json_object_get_int_member (file, "id") == a->next;
}

static gboolean
toast_shown (PzWindow *win,
             gpointer  data)
{
  return find_label (GTK_WIDGET (win), data) != NULL;
}

/* The file that stands after @id in the list as it is now: the next
 * one of the pile. */
static gint64
next_in_list (PzWindow *win,
              gint64    id)
{
  GListModel *inbox = pz_window_get_inbox (win);
  guint n = g_list_model_get_n_items (inbox);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PzFileItem) item = g_list_model_get_item (inbox, i);

      if (pz_file_item_get_id (item) == id)
        {
          g_autoptr(PzFileItem) next = NULL;

          if (n == 1)
            return 0;
          next = g_list_model_get_item (inbox, i + 1 < n ? i + 1 : 0);
          return pz_file_item_get_id (next);
        }
    }
  g_error ("file %" G_GINT64_FORMAT " is not in the inbox", id);
}

static void
fill_step (PzWindow   *win,
           const char *step)
{
  if (g_str_equal (step, "technical_survey"))
    set_text (win, "findings", "Bangunan sesuai gambar; garis sempadan terpenuhi.");
  else if (g_str_equal (step, "data_entry"))
    {
      set_text (win, "field:fungsi_bangunan", "Rumah tinggal");
      set_text (win, "field:lokasi", "Jl. Mawar No. 1, Sukamaju");
      set_text (win, "field:luas_tanah", "120");
      set_text (win, "field:luas_bangunan", "96");
      set_text (win, "field:jumlah_lantai", "2");
    }
}

static gboolean
dialog_has_body (PzWindow *win,
                 gpointer  data)
{
  return dialog_shown (win, NULL);
}

/* Presses Sign Permit and types @passphrase in the confirmation, ready
 * to sign: it returns the confirmation. */
static GtkWidget *
sign_in_dialog (PzWindow   *win,
                gint64      id,
                const char *passphrase)
{
  g_autoptr(JsonObject) file = server_file (id);
  AdwMessageDialog *dialog;
  const char *body;
  GtkWidget *entry;

  click (GTK_WIDGET (win), "Sign Permit");
  wait_for (win, dialog_has_body, NULL, "the signing confirmation");
  dialog = open_message_dialog ();
  body = adw_message_dialog_get_body (dialog);
  /* it says what is signed */
  g_assert_nonnull (strstr (body, json_object_get_string_member (file, "registration_number")));
  g_assert_nonnull (strstr (body, json_object_get_string_member (json_object_get_object_member (file, "applicant"),
                                                                 "name")));
  g_assert_nonnull (strstr (body, "Persetujuan Bangunan Gedung"));
  g_assert_nonnull (strstr (body, json_object_get_string_member (file, "permit_number")));
  /* nothing is signed without the passphrase */
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "sign"));
  entry = find_widget (GTK_WIDGET (dialog), ADW_TYPE_PASSWORD_ENTRY_ROW, "Passphrase of the signing key");
  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), passphrase);
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "sign"));
  save_screenshot (GTK_WIDGET (dialog), "roles-sign-confirm");
  return GTK_WIDGET (dialog);
}

/* How many GET requests of @route the server has answered, from its
 * metrics: what the window asked, counted where it arrived. */
static guint64
requests_of (const char *route)
{
  g_autoptr(PzResponse) r = pz_test_request (ts, "GET", "/metrics", NULL, NULL);
  g_autofree char *text = NULL;
  g_autofree char *label = g_strdup_printf ("perizinan_http_requests_total{route=\"%s\",method=\"GET\",", route);
  g_auto(GStrv) lines = NULL;
  guint64 n = 0;

  g_assert_cmpuint (r->status, ==, 200);
  text = g_strndup (g_bytes_get_data (r->body, NULL), g_bytes_get_size (r->body));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (g_str_has_prefix (lines[i], label))
      n += g_ascii_strtoull (strrchr (lines[i], ' ') + 1, NULL, 10);
  return n;
}

/* Lets what is on its way arrive: the server's live events, the window's
 * reloads they start (a burst is gathered for 150 ms), their answers. */
static void
settle (PzWindow *win)
{
  gint64 until = g_get_monotonic_time () + 800 * 1000;

  while (g_get_monotonic_time () < until || pz_window_is_busy (win))
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* Each official after the counter: the file opens at its top, the action
 * is one click, the toast says what it produced and the next file of the
 * inbox opens, at its top too. */
static void
test_officials_day (void)
{
  static const struct { const char *role, *step, *button, *toast; } day[] = {
    { "tim_teknis", "technical_survey", "Submit Survey Report", "BAP ready" },
    { "back_office", "data_entry", "Submit Draft", "Draft permit ready" },
    { "kasi", "kasi_verification", "Forward to Division head", "Forwarded to Division head" },
    { "kabid", "kabid_verification", "Forward to Secretary", "Forwarded to Secretary" },
    { "sekretaris", "secretary_verification", "Forward to Head of office", "Forwarded to Head of office" },
    { "kadis", "kadis_decision", "Approve Permit", "Permit approved; forwarded to Back office" },
    { "back_office", "numbering", "Assign Number", NULL },
    { "kadis", "signing", "Sign Permit", "Permit signed" },
  };
  PzWindow *win = new_window ();
  const char *front = pz_test_login (ts, "front_office");

  gtk_window_set_default_size (GTK_WINDOW (win), 1024, 600);
  for (guint d = 0; d < G_N_ELEMENTS (day); d++)
    {
      gint64 a = pz_test_register (ts, front, "PBG", "new");
      gint64 b = pz_test_register (ts, front, "PBG", "new");
      Acted acted = { 0 };
      g_autofree char *shot = g_strdup_printf ("roles-%s", day[d].step);
      guint64 inbox_before, files_before;
      GtkWidget *dialog;

      pz_test_drive_to (ts, a, day[d].step);
      pz_test_drive_to (ts, b, day[d].step);
      g_test_message ("%s at %s", day[d].role, day[d].step);
      log_in (win, day[d].role);

      /* the file read before was left at its end; the next starts at its top */
      open_file (win, b);
      scroll_to_end (win);
      open_file (win, a);
      assert_at_top (win);
      save_screenshot (GTK_WIDGET (win), shot);

      fill_step (win, day[d].step);
      acted.id = a;
      acted.version = version_of_file (a) + 1;
      acted.next = next_in_list (win, a);
      g_assert_cmpint (acted.next, !=, 0);
      scroll_to_end (win);
      dialog = g_str_equal (day[d].step, "signing") ? sign_in_dialog (win, a, "demo") : NULL;
      settle (win);
      inbox_before = requests_of ("/api/v1/inbox");
      files_before = requests_of ("/api/v1/applications/{id}");
      if (dialog)
        click (dialog, "_Sign");
      else
        click (GTK_WIDGET (win), day[d].button);
      acted.toast = day[d].toast;
      if (acted.toast == NULL)
        acted.toast = "Number 503/";
      acted.on_desk = TRUE;
      wait_for (win, went_on, &acted, "the next file and the toast");
      /* one approval loads the inbox once, and reads only the next file:
       * the one acted on came back in the action's answer, and the live
       * event of the change is this desk's own */
      settle (win);
      g_assert_cmpuint (requests_of ("/api/v1/inbox") - inbox_before, ==, 1);
      g_assert_cmpuint (requests_of ("/api/v1/applications/{id}") - files_before, ==, 1);
      acted.on_desk = FALSE;
      wait_for (win, went_on, &acted, "the action on the server");
      {
        g_autoptr(JsonObject) after = server_file (a);

        g_assert_cmpstr (json_object_get_string_member (after, "step"), !=, day[d].step);
        if (day[d].toast == NULL)
          {
            /* the number the server gave, whole, in the toast */
            g_autofree char *numbered = g_strdup_printf ("Number %s assigned",
                                                         json_object_get_string_member (after, "permit_number"));
            g_assert_true (g_str_has_prefix (json_object_get_string_member (after, "permit_number"), "503/"));
            g_assert_cmpstr (acted.shown, ==, numbered);
          }
      }
      g_free (acted.shown);
      assert_at_top (win);
      log_out (win);
    }
  gtk_window_destroy (GTK_WINDOW (win));
}

static char *
full_name (const char *username)
{
  g_autoptr(PzResponse) me = pz_test_request (ts, "GET", "/api/v1/me", pz_test_login (ts, username), NULL);

  g_assert_cmpuint (me->status, ==, 200);
  return g_strdup (json_object_get_string_member (pz_response_object (me), "full_name"));
}

/* Sends a real Tab key press to a text view, as the keyboard does. */
static gboolean
press_tab (GtkWidget *view)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (view);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !handled; i++)
    {
      g_autoptr(GObject) c = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (c))
        g_signal_emit_by_name (c, "key-pressed", GDK_KEY_Tab, 23, 0, &handled);
    }
  return handled;
}

/* The Kabid sends a file back with a note; the back office sees at the top
 * of the file who sent it back and why; Tab leaves the note box. */
static void
test_returned (void)
{
  PzWindow *win = new_window ();
  gint64 id = pz_test_register (ts, pz_test_login (ts, "front_office"), "PBG", "new");
  const char *note = "Luas bangunan pada draf tidak sama dengan gambar; mohon diperbaiki.";
  g_autofree char *kabid = full_name ("kabid");
  g_autofree char *kept = NULL;
  GtkWidget *view, *banner;
  GtkTextBuffer *buffer;
  GtkTextIter start, end;
  gint64 version;

  gtk_window_set_default_size (GTK_WINDOW (win), 1024, 600);
  pz_test_drive_to (ts, id, "kabid_verification");
  log_in (win, "kabid");
  open_file (win, id);

  /* the note is written; Tab goes on to the next control */
  view = pz_window_get_form_widget (win, "note");
  g_assert_true (GTK_IS_TEXT_VIEW (view));
  gtk_widget_grab_focus (view);
  g_assert_true (gtk_widget_has_focus (view));
  set_text (win, "note", note);
  g_assert_true (press_tab (view));
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  kept = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_cmpstr (kept, ==, note);
  g_assert_false (gtk_widget_has_focus (view));
  g_assert_nonnull (gtk_root_get_focus (GTK_ROOT (win)));
  g_assert_false (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (win)), view));

  version = version_of_file (id);
  click (GTK_WIDGET (win), "Return to Back office");
  {
    Acted acted = { id, version + 1, 0 };
    JsonObject *file;

    /* the Kabid's inbox goes on with whatever else waits there */
    for (gint64 until = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
         version_of_file (id) != version + 1 || pz_window_is_busy (win);)
      {
        g_assert_cmpint (g_get_monotonic_time (), <, until);
        g_main_context_iteration (NULL, FALSE);
      }
    wait_for (win, toast_shown, (gpointer) "Returned to Back office", "the toast of the return");
    file = pz_window_get_file (win);
    g_assert_true (file == NULL || json_object_get_int_member (file, "id") != acted.id);
  }
  log_out (win);

  log_in (win, "back_office");
  open_file (win, id);
  banner = find_label (GTK_WIDGET (win), "Returned to you by");
  g_assert_nonnull (banner);
  {
    const char *text = gtk_label_get_text (GTK_LABEL (banner));
    g_autofree char *who = g_strdup_printf ("Returned to you by %s (Division head)", kabid);

    g_assert_true (g_str_has_prefix (text, who));
    g_assert_nonnull (strstr (text, note));
  }
  save_screenshot (GTK_WIDGET (win), "roles-returned");
  gtk_window_destroy (GTK_WINDOW (win));
}

/* The Kadis refuses a file with a reason. */
static void
test_kadis_refuses (void)
{
  PzWindow *win = new_window ();
  gint64 id = pz_test_register (ts, pz_test_login (ts, "front_office"), "PBG", "new");
  const char *reason = "Lokasi berada di sempadan sungai; tidak sesuai rencana tata ruang.";
  gint64 version;

  pz_test_drive_to (ts, id, "kadis_decision");
  log_in (win, "kadis");
  open_file (win, id);
  version = version_of_file (id);
  set_text (win, "note", reason);
  click (GTK_WIDGET (win), "Refuse");
  wait_for (win, dialog_shown, NULL, "the refusal confirmation");
  click (GTK_WIDGET (open_message_dialog ()), "_Refuse");
  wait_for (win, toast_shown, (gpointer) "File refused; refusal letter ready", "the toast of the refusal");
  {
    g_autoptr(JsonObject) after = server_file (id);
    JsonArray *history = json_object_get_array_member (after, "history");
    JsonObject *last = json_array_get_object_element (history, json_array_get_length (history) - 1);

    g_assert_cmpint (json_object_get_int_member (after, "version"), ==, version + 1);
    g_assert_cmpstr (json_object_get_string_member (after, "status"), ==, "refused");
    g_assert_cmpstr (json_object_get_string_member (last, "note"), ==, reason);
  }
  gtk_window_destroy (GTK_WINDOW (win));
}

static gboolean
batch_done (PzWindow *win,
            gpointer  data)
{
  return !pz_window_is_busy (win) && !pz_sign_batch_is_running (data) && pz_sign_batch_get_summary (data) != NULL;
}

static GtkWidget *
row_of (GtkWidget  *root,
        const char *title)
{
  return find_widget (root, ADW_TYPE_ACTION_ROW, title);
}

static guint
signings (gint64 id)
{
  g_autoptr(JsonObject) file = server_file (id);
  JsonArray *history = json_object_get_array_member (file, "history");
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (history); i++)
    {
      JsonObject *ev = json_array_get_object_element (history, i);
      if (g_strcmp0 (json_object_get_string_member (ev, "from_step"), "signing") == 0)
        n++;
    }
  return n;
}

/* The Kadis signs several permits at once: the passphrase typed once, one
 * request per permit; one signed meanwhile elsewhere fails alone, and the
 * window says which and why. */
static void
test_sign_several (void)
{
  PzWindow *win = new_window ();
  const char *front = pz_test_login (ts, "front_office");
  gint64 ids[3];
  char *numbers[3] = { NULL };
  GtkWidget *batch, *entry, *progress;
  g_autoptr(PzResponse) elsewhere = NULL;
  const char *summary;

  gtk_window_set_default_size (GTK_WINDOW (win), 1024, 600);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(JsonObject) f = NULL;

      ids[i] = pz_test_register (ts, front, "PBG", "new");
      pz_test_drive_to (ts, ids[i], "signing");
      f = server_file (ids[i]);
      numbers[i] = g_strdup (json_object_get_string_member (f, "registration_number"));
    }
  log_in (win, "kadis");
  g_assert_true (inbox_has (win, &ids[2]));
  click (GTK_WIDGET (win), "Sign _Several…");
  wait_for (win, dialog_window_shown, NULL, "the list of permits to sign");
  batch = open_dialog_window ();
  g_assert_true (PZ_IS_SIGN_BATCH (batch));
  /* the three wait with their box ticked; others of the demo are left */
  for (GtkWidget *r = find_widget (batch, ADW_TYPE_ACTION_ROW, NULL); r; r = gtk_widget_get_next_sibling (r))
    {
      const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (r));
      GtkWidget *check = find_any (r, GTK_TYPE_CHECK_BUTTON);
      gboolean ours = FALSE;

      for (guint i = 0; i < 3; i++)
        ours = ours || g_strcmp0 (title, numbers[i]) == 0;
      g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
      if (!ours)
        gtk_widget_activate (r);  /* a click on the row ticks its box */
      g_assert_cmpint (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)), ==, ours);
    }
  for (guint i = 0; i < 3; i++)
    g_assert_nonnull (row_of (batch, numbers[i]));
  save_screenshot (batch, "roles-sign-several");

  /* the second is signed in another window while the list is open */
  elsewhere = pz_test_act (ts, pz_test_login (ts, "kadis"), ids[1], "approve", version_of_file (ids[1]), NULL,
                           "{\"passphrase\":\"demo\"}");
  g_assert_cmpuint (elsewhere->status, ==, 200);

  entry = find_widget (batch, ADW_TYPE_PASSWORD_ENTRY_ROW, "Passphrase of the signing key");
  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), "demo");
  click (batch, "_Sign Ticked Permits");
  /* the passphrase is not left in the field while the permits are signed */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  progress = find_any (batch, GTK_TYPE_PROGRESS_BAR);
  g_assert_true (gtk_widget_get_visible (progress));
  wait_for (win, batch_done, batch, "the batch");
  save_screenshot (batch, "roles-sign-several-done");

  for (guint i = 0; i < 3; i += 2)
    {
      g_autoptr(JsonObject) f = server_file (ids[i]);
      g_assert_cmpstr (json_object_get_string_member (f, "step"), ==, "handover");
    }
  g_assert_cmpuint (signings (ids[0]), ==, 1);
  g_assert_cmpuint (signings (ids[1]), ==, 1);
  g_assert_cmpuint (signings (ids[2]), ==, 1);
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (progress)), ==, 1.0);

  summary = pz_sign_batch_get_summary (PZ_SIGN_BATCH (batch));
  g_assert_true (g_str_has_prefix (summary, "2 permits signed. 1 not signed:"));
  g_assert_nonnull (strstr (summary, numbers[1]));
  g_assert_null (strstr (summary, numbers[0]));
  /* why: the server's own words about the stale version */
  g_assert_nonnull (find_label (batch, summary));
  g_assert_nonnull (find_label (row_of (batch, numbers[1]), "Not signed"));
  g_assert_nonnull (find_label (row_of (batch, numbers[0]), "Signed"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");

  for (guint i = 0; i < 3; i++)
    g_free (numbers[i]);
  gtk_window_destroy (GTK_WINDOW (batch));
  gtk_window_destroy (GTK_WINDOW (win));
}

static GtkWidget *
badge_in (GtkWidget *root)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_LABEL (child) && gtk_widget_get_mapped (child) && gtk_widget_has_css_class (child, "pz-badge"))
        return child;
      if ((found = badge_in (child)))
        return found;
    }
  return NULL;
}

static gboolean
list_badge_says (PzWindow *win,
                 gpointer  data)
{
  GtkWidget *list = find_widget (GTK_WIDGET (win), GTK_TYPE_COLUMN_VIEW, NULL);
  GtkWidget *badge = badge_in (list);

  return !pz_window_is_busy (win) && g_list_model_get_n_items (pz_window_get_inbox (win)) == 1 && badge &&
         g_strcmp0 (gtk_label_get_text (GTK_LABEL (badge)), data) == 0;
}

/* The counter: the applicant gives the registration number, it is typed
 * in the search and Enter opens the file; handed over, it says Issued. */
static void
test_handover (void)
{
  PzWindow *win = new_window ();
  gint64 id = pz_test_register (ts, pz_test_login (ts, "front_office"), "PBG", "new");
  g_autoptr(JsonObject) file = NULL;
  const char *number;
  GtkWidget *search;
  gint64 version;

  gtk_window_set_default_size (GTK_WINDOW (win), 1024, 600);
  pz_test_drive_to (ts, id, "handover");
  file = server_file (id);
  number = json_object_get_string_member (file, "registration_number");
  version = json_object_get_int_member (file, "version");
  log_in (win, "front_office");
  search = find_widget (GTK_WIDGET (win), GTK_TYPE_SEARCH_ENTRY, NULL);
  g_assert_nonnull (search);
  type_in (search, number, TRUE);
  wait_for (win, file_loaded, (gint64[]) { id, version }, "the file found by its number");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (pz_window_get_form_widget (win, "received_by"))), ==,
                   json_object_get_string_member (json_object_get_object_member (file, "applicant"), "name"));
  click (GTK_WIDGET (win), "Hand Over Permit");
  wait_for (win, toast_shown, (gpointer) "Permit handed over to Wahyu Pratama", "the toast of the hand-over");
  wait_for (win, file_loaded, (gint64[]) { id, version + 1 }, "the issued file");
  {
    g_autoptr(JsonObject) issued = server_file (id);
    g_assert_cmpstr (json_object_get_string_member (issued, "status"), ==, "issued");
  }
  /* in the search results and on the file */
  wait_for (win, list_badge_says, (gpointer) "Issued", "the Issued badge in the list");
  {
    /* the file's side: the clamp the history is in */
    GtkWidget *history = find_group (GTK_WIDGET (win), "History");
    GtkWidget *view = gtk_widget_get_ancestor (history, ADW_TYPE_CLAMP);
    GtkWidget *badge = badge_in (view);

    g_assert_nonnull (badge);
    g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (badge)), ==, "Issued");
  }
  save_screenshot (GTK_WIDGET (win), "roles-handover");
  gtk_window_destroy (GTK_WINDOW (win));
}

/* The counter registers a file with the live events on: the answer brings
 * the new file, the inbox is loaded once after it, and the event of the new
 * file, this desk's own, asks for nothing more. */
static void
test_registration_loads_once (void)
{
  PzWindow *win = new_window ();
  guint64 inbox_before, files_before;

  log_in (win, "front_office");
  wait_for (win, events_up, NULL, "the live events");
  gtk_widget_activate_action (GTK_WIDGET (win), "win.new-registration", NULL);
  wait_for (win, registration_shown, NULL, "the registration form");
  set_text (win, "name", "Sri Wahyuni");
  set_text (win, "nik", "3201014107850003");
  set_text (win, "address", "Jl. Melati No. 9, Sukamaju");
  set_text (win, "phone", "0813 2222 3333");
  settle (win);
  inbox_before = requests_of ("/api/v1/inbox");
  files_before = requests_of ("/api/v1/applications/{id}");
  gtk_widget_activate_action (GTK_WIDGET (win), "win.register", NULL);
  wait_for (win, file_open, NULL, "the registered file");
  settle (win);
  g_assert_cmpuint (requests_of ("/api/v1/inbox") - inbox_before, ==, 1);
  g_assert_cmpuint (requests_of ("/api/v1/applications/{id}") - files_before, ==, 0);
  g_assert_cmpstr (json_object_get_string_member (pz_window_get_file (win), "step"), ==, "registration");
  gtk_window_destroy (GTK_WINDOW (win));
}

/* The Kadis signs two permits at once, the file of one of them open: the
 * inbox is loaded once when the batch is done and the open file read once,
 * not again for each live event of the permits signed. */
static void
test_sign_several_loads_once (void)
{
  PzWindow *win = new_window ();
  const char *front = pz_test_login (ts, "front_office");
  gint64 ids[2];
  char *numbers[2] = { NULL };
  GtkWidget *batch, *entry;
  guint64 inbox_before, files_before;

  gtk_window_set_default_size (GTK_WINDOW (win), 1024, 600);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(JsonObject) f = NULL;

      ids[i] = pz_test_register (ts, front, "PBG", "new");
      pz_test_drive_to (ts, ids[i], "signing");
      f = server_file (ids[i]);
      numbers[i] = g_strdup (json_object_get_string_member (f, "registration_number"));
    }
  log_in (win, "kadis");
  wait_for (win, events_up, NULL, "the live events");
  open_file (win, ids[0]);
  click (GTK_WIDGET (win), "Sign _Several…");
  wait_for (win, dialog_window_shown, NULL, "the list of permits to sign");
  batch = open_dialog_window ();
  g_assert_true (PZ_IS_SIGN_BATCH (batch));
  /* only the two of this test stay ticked */
  for (GtkWidget *r = find_widget (batch, ADW_TYPE_ACTION_ROW, NULL); r; r = gtk_widget_get_next_sibling (r))
    {
      const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (r));

      if (g_strcmp0 (title, numbers[0]) != 0 && g_strcmp0 (title, numbers[1]) != 0)
        gtk_widget_activate (r);
    }
  entry = find_widget (batch, ADW_TYPE_PASSWORD_ENTRY_ROW, "Passphrase of the signing key");
  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), "demo");
  settle (win);
  inbox_before = requests_of ("/api/v1/inbox");
  files_before = requests_of ("/api/v1/applications/{id}");
  click (batch, "_Sign Ticked Permits");
  wait_for (win, batch_done, batch, "the batch");
  settle (win);
  g_assert_cmpstr (pz_sign_batch_get_summary (PZ_SIGN_BATCH (batch)), ==, "2 permits signed.");
  g_assert_cmpuint (requests_of ("/api/v1/inbox") - inbox_before, ==, 1);
  g_assert_cmpuint (requests_of ("/api/v1/applications/{id}") - files_before, ==, 1);
  g_assert_cmpstr (json_object_get_string_member (pz_window_get_file (win), "step"), ==, "handover");
  gtk_window_destroy (GTK_WINDOW (batch));
  gtk_window_destroy (GTK_WINDOW (win));
  for (guint i = 0; i < 2; i++)
    g_free (numbers[i]);
}

int
main (int   argc,
      char *argv[])
{
  pz_test_desktop_init (&argc, &argv);
  g_test_add_func ("/desktop-roles/officials-day", test_officials_day);
  g_test_add_func ("/desktop-roles/returned", test_returned);
  g_test_add_func ("/desktop-roles/kadis-refuses", test_kadis_refuses);
  g_test_add_func ("/desktop-roles/sign-several", test_sign_several);
  g_test_add_func ("/desktop-roles/registration-loads-once", test_registration_loads_once);
  g_test_add_func ("/desktop-roles/sign-several-loads-once", test_sign_several_loads_once);
  g_test_add_func ("/desktop-roles/handover", test_handover);
  return pz_test_desktop_run ();
}
