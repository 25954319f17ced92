/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "perizinan.h"
#include "pz-admin.h"
#include "pz-api.h"
#include "pz-checklist.h"
#include "pz-report-view.h"
#include "pz-document-view.h"
#include "pz-file-item.h"
#include "pz-outcome.h"
#include "pz-signing.h"
#include "pz-widgets.h"
#include "pz-window-private.h"

/* The window's list: the inbox of what waits for me, its columns, the
 * filters, the search, the late files, and what the server's live events
 * change in it. */

static void open_found (PzWindow *self);
static void count_to_sign (PzWindow *self);

void
_pz_window_filter_changed (PzWindow *self)
{
  if (g_strcmp0 (pz_window_get_page (self), "main") == 0)
    _pz_window_load_inbox (self);
}

/* The filters offer the steps of the workflow and the office's permit
 * types, as the server sent them. */
void
_pz_window_fill_filters (PzWindow *self)
{
  g_autoptr(GtkStringList) steps = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) types = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) statuses = gtk_string_list_new (NULL);
  g_autoptr(GList) type_list = g_hash_table_get_values (self->permit_types);
  g_autoptr(GList) step_ids = g_hash_table_get_keys (self->steps);

  g_signal_handlers_block_by_func (self->step_filter, _pz_window_filter_changed, self);
  g_signal_handlers_block_by_func (self->status_filter, _pz_window_filter_changed, self);
  g_signal_handlers_block_by_func (self->type_filter, _pz_window_filter_changed, self);

  g_clear_pointer (&self->step_codes, g_ptr_array_unref);
  g_clear_pointer (&self->type_codes, g_ptr_array_unref);
  self->step_codes = g_ptr_array_new_with_free_func (g_free);
  self->type_codes = g_ptr_array_new_with_free_func (g_free);

  gtk_string_list_append (steps, _("Any step"));
  g_ptr_array_add (self->step_codes, NULL);
  /* in the order of the procedure */
  {
    g_autoptr(GPtrArray) ordered = g_ptr_array_new ();
    for (GList *l = step_ids; l; l = l->next)
      g_ptr_array_add (ordered, l->data);
    g_ptr_array_sort_with_data (ordered, _pz_window_compare_step_order, self);
    for (guint i = 0; i < ordered->len; i++)
      {
        gtk_string_list_append (steps, _pz_window_step_title (self, g_ptr_array_index (ordered, i)));
        g_ptr_array_add (self->step_codes, g_strdup (g_ptr_array_index (ordered, i)));
      }
  }

  gtk_string_list_append (types, _("Any permit type"));
  g_ptr_array_add (self->type_codes, NULL);
  type_list = g_list_sort (type_list, _pz_window_compare_by_name);
  for (GList *l = type_list; l; l = l->next)
    {
      gtk_string_list_append (types, pz_json_get_string (l->data, "name"));
      g_ptr_array_add (self->type_codes, g_strdup (pz_json_get_string (l->data, "code")));
    }

  gtk_string_list_append (statuses, _("Any status"));
  gtk_string_list_append (statuses, _("In progress"));
  gtk_string_list_append (statuses, _("Waiting for applicant"));
  gtk_string_list_append (statuses, _("Issued"));
  gtk_string_list_append (statuses, _("Refused"));

  gtk_drop_down_set_model (self->step_filter, G_LIST_MODEL (steps));
  gtk_drop_down_set_model (self->type_filter, G_LIST_MODEL (types));
  gtk_drop_down_set_model (self->status_filter, G_LIST_MODEL (statuses));
  gtk_drop_down_set_selected (self->step_filter, 0);
  gtk_drop_down_set_selected (self->type_filter, 0);
  gtk_drop_down_set_selected (self->status_filter, 0);

  g_signal_handlers_unblock_by_func (self->step_filter, _pz_window_filter_changed, self);
  g_signal_handlers_unblock_by_func (self->status_filter, _pz_window_filter_changed, self);
  g_signal_handlers_unblock_by_func (self->type_filter, _pz_window_filter_changed, self);
}

static void
fill_list (PzWindow   *self,
           JsonObject *answer)
{
  JsonArray *items = json_object_get_array_member (answer, "items");
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; items && i < json_array_get_length (items); i++)
    g_ptr_array_add (rows, pz_file_item_new_from_json (json_array_get_object_element (items, i), now));
  g_list_store_splice (self->inbox, 0, g_list_model_get_n_items (G_LIST_MODEL (self->inbox)),
                       rows->pdata, rows->len);
}

/* A file that enters my inbox while I work elsewhere raises a desktop
 * notification; the first load after logging in does not. */
static void
notify_new_files (PzWindow  *self,
                  JsonArray *items)
{
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  /* without a session bus there is no one to show a notification */
  if (app && g_application_get_dbus_connection (app) == NULL)
    app = NULL;

  for (guint i = 0; items && i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      gint64 *id = g_new (gint64, 1);

      *id = json_object_get_int_member_with_default (item, "id", 0);
      g_hash_table_add (ids, id);
      if (self->known_ids && !g_hash_table_contains (self->known_ids, id) && app)
        {
          g_autoptr(GNotification) n = g_notification_new (_("A file is waiting for you"));
          g_autofree char *body = g_strdup_printf ("%s · %s · %s", pz_json_get_string (item, "registration_number"),
                                                   pz_json_get_string (item, "applicant_name"),
                                                   g_dgettext (GETTEXT_PACKAGE, pz_json_get_string (item, "step_title")));
          g_autofree char *nid = g_strdup_printf ("file-%" G_GINT64_FORMAT, *id);

          g_notification_set_body (n, body);
          g_notification_set_default_action_and_target (n, "app.open-file", "x", *id);
          g_application_send_notification (app, nid, n);
        }
    }
  g_clear_pointer (&self->known_ids, g_hash_table_unref);
  self->known_ids = g_steal_pointer (&ids);
}

typedef struct {
  PzWindow *self;
  guint     serial;
} InboxLoad;

static void
inbox_done (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  InboxLoad *load = data;
  PzWindow *self = load->self;
  g_autoptr(JsonNode) node = _pz_window_take_answer (self, source, result);
  gboolean latest = load->serial == self->inbox_serial;

  g_free (load);
  /* an answer overtaken by a newer request (typing in the search) would
   * put back an older list */
  if (node == NULL || !latest)
    {
      g_object_unref (self);
      return;
    }
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *answer = json_node_get_object (node);
      g_autofree char *waiting = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                  json_object_get_int_member_with_default (answer, "total", 0));
      g_autofree char *overdue = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                  json_object_get_int_member_with_default (answer, "overdue", 0));
      g_autofree char *done = g_strdup_printf ("%" G_GINT64_FORMAT,
                                               json_object_get_int_member_with_default (answer, "done_today", 0));

      if (json_object_has_member (answer, "total") && !json_object_has_member (answer, "overdue"))
        {
          g_autofree char *title = g_strdup_printf (ngettext ("%lld late file: over its step's standard or near "
                                                              "the legal deadline",
                                                              "%lld late files: over their step's standard or near "
                                                              "the legal deadline",
                                                              (gulong) json_object_get_int_member (answer, "total")),
                                                    (long long) json_object_get_int_member (answer, "total"));
          gtk_label_set_text (self->list_title, title);
          adw_status_page_set_icon_name (self->inbox_empty, "task-due-symbolic");
          adw_status_page_set_title (self->inbox_empty, _("No Late Files"));
          adw_status_page_set_description (self->inbox_empty, _("Every file is within its step's standard."));
        }
      else if (json_object_has_member (answer, "total"))
        {
          gtk_label_set_text (self->count_waiting, waiting);
          gtk_label_set_text (self->count_overdue, overdue);
          gtk_label_set_text (self->count_done, done);
          gtk_label_set_text (self->list_title, _("Waiting for me, most urgent first"));
          adw_status_page_set_icon_name (self->inbox_empty, "object-select-symbolic");
          adw_status_page_set_title (self->inbox_empty, _("No Files Waiting"));
          adw_status_page_set_description (self->inbox_empty,
                                           _("Nothing waits for you now; new files appear here as they reach you."));
          notify_new_files (self, json_object_get_array_member (answer, "items"));
        }
      else
        {
          gtk_label_set_text (self->list_title, _("Search results, newest first"));
          adw_status_page_set_icon_name (self->inbox_empty, "edit-find-symbolic");
          adw_status_page_set_title (self->inbox_empty, _("No Matching Files"));
          adw_status_page_set_description (self->inbox_empty, _("Try another search or other filters."));
        }
      fill_list (self, answer);
      gtk_stack_set_visible_child_name (self->inbox_stack,
                                        g_list_model_get_n_items (G_LIST_MODEL (self->inbox)) ? "list" : "empty");
      if (self->advance)
        _pz_window_advance_to_next (self);
      if (self->open_query)
        open_found (self);
      count_to_sign (self);
    }
  g_object_unref (self);
}

void
_pz_window_load_inbox (PzWindow *self)
{
  static const char * const statuses[] = { NULL, "in_progress", "waiting_applicant", "issued", "refused" };
  const char *q = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  guint step_i = gtk_drop_down_get_selected (self->step_filter);
  guint status_i = gtk_drop_down_get_selected (self->status_filter);
  guint type_i = gtk_drop_down_get_selected (self->type_filter);
  const char *step = self->step_codes && step_i < self->step_codes->len ? g_ptr_array_index (self->step_codes, step_i) : NULL;
  const char *status = status_i < G_N_ELEMENTS (statuses) ? statuses[status_i] : NULL;
  const char *type = self->type_codes && type_i < self->type_codes->len ? g_ptr_array_index (self->type_codes, type_i) : NULL;
  InboxLoad *load = g_new0 (InboxLoad, 1);

  _pz_window_set_busy (self, TRUE);
  load->self = g_object_ref (self);
  load->serial = ++self->inbox_serial;
  if ((q && *q) || step || status || type)
    {
      PzApplicationQuery query = { .q = q, .step = step, .status = status, .permit_type = type, .limit = 500 };

      pz_api_search_files_async (self->client, &query, self->cancellable, inbox_done, load);
    }
  else if (self->late_button && gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->late_button)))
    pz_api_list_late_files_async (self->client, self->cancellable, inbox_done, load);
  else
    pz_api_list_inbox_async (self->client, 10000, self->cancellable, inbox_done, load);
}

/* The list shows the inbox itself, not a search, a filter or the late files. */
gboolean
_pz_window_showing_inbox (PzWindow *self)
{
  const char *q = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  return !(q && *q) && gtk_drop_down_get_selected (self->step_filter) == 0 &&
         gtk_drop_down_get_selected (self->status_filter) == 0 &&
         gtk_drop_down_get_selected (self->type_filter) == 0 &&
         !(self->late_button && gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->late_button)));
}

/* Enter in the search opens the file whose registration number was typed,
 * or the only one found. */
static void
open_found (PzWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->inbox));
  g_autofree char *query = g_steal_pointer (&self->open_query);
  g_autofree char *wanted = g_utf8_casefold (g_strstrip (query), -1);
  gint64 found = 0;

  for (guint i = 0; i < n && found == 0; i++)
    {
      g_autoptr(PzFileItem) item = g_list_model_get_item (G_LIST_MODEL (self->inbox), i);
      g_autofree char *number = g_utf8_casefold (pz_file_item_get_column (item, PZ_FILE_COLUMN_REGISTRATION), -1);

      if (g_str_equal (number, wanted))
        found = pz_file_item_get_id (item);
    }
  if (found == 0 && n == 1)
    {
      g_autoptr(PzFileItem) item = g_list_model_get_item (G_LIST_MODEL (self->inbox), 0);
      found = pz_file_item_get_id (item);
    }
  if (found)
    {
      self->scroll_top = TRUE;
      pz_window_open_file (self, found);
    }
  else if (n == 0)
    _pz_window_toast (self, _("No file found"));
}

/* A file of the list waits for the Kadis's electronic signature. */
gboolean
_pz_window_waits_for_signature (PzWindow   *self,
                                JsonObject *summary)
{
  JsonObject *step = _pz_window_step_of (self, pz_json_get_string (summary, "step"));
  JsonObject *type = g_hash_table_lookup (self->permit_types, pz_json_get_string (summary, "permit_type"));

  return g_strcmp0 (pz_json_get_string (step, "form"), "signature") == 0 && type &&
         g_strcmp0 (pz_json_get_string (type, "signing"), "wet") != 0;
}

static void
count_to_sign (PzWindow *self)
{
  guint n = 0;

  if (self->sign_several_button == NULL)
    return;
  gtk_widget_set_visible (self->sign_several_button, self->client && pz_client_user_has_role (self->client, "kadis"));
  if (!_pz_window_showing_inbox (self))
    return;
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->inbox)); i++)
    {
      g_autoptr(PzFileItem) item = g_list_model_get_item (G_LIST_MODEL (self->inbox), i);
      if (_pz_window_waits_for_signature (self, pz_file_item_get_summary (item)))
        n++;
    }
  gtk_widget_set_sensitive (self->sign_several_button, n > 0);
}

static void
search_activated (PzWindow *self)
{
  const char *q = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  if (q == NULL || *q == '\0')
    return;
  g_free (self->open_query);
  self->open_query = g_strdup (q);
  _pz_window_load_inbox (self);
}

void
_pz_window_search_changed (PzWindow *self)
{
  _pz_window_load_inbox (self);
}

static void
setup_label (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (GPOINTER_TO_UINT (data) == PZ_FILE_COLUMN_DUE)
    /* the date on one line, the time under it: never cut */
    gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_NONE);
  else if (GPOINTER_TO_UINT (data) == PZ_FILE_COLUMN_REGISTRATION)
    {
      /* an identifier is never cut: its column is as wide as the number */
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_NONE);
      gtk_label_set_selectable (GTK_LABEL (label), FALSE);
    }
  else
    {
      /* the rest takes two lines where the window is narrow */
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_lines (GTK_LABEL (label), 2);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
    }
  gtk_list_item_set_child (item, label);
}

static void
bind_label (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  data)
{
  PzFileItem *file = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);

  gtk_label_set_text (GTK_LABEL (label), pz_file_item_get_column (file, GPOINTER_TO_UINT (data)));
}

static void
setup_badge (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_widget_set_halign (label, GTK_ALIGN_START);
  gtk_widget_add_css_class (label, "pz-badge");
  gtk_list_item_set_child (item, label);
}

static void
bind_badge (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  data)
{
  PzFileItem *file = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  PzDueState state = pz_file_item_get_due_state (file);
  static const char * const classes[] = { "success", "warning", "error", "dim-label" };

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (label, classes[i]);
  gtk_widget_add_css_class (label, pz_due_state_css_class (state));
  gtk_label_set_text (GTK_LABEL (label), pz_due_state_label (state));
}

static void
add_column (PzWindow   *self,
            const char *title,
            guint       column,
            gboolean    expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *col;

  if (column == G_MAXUINT)
    {
      g_signal_connect (factory, "setup", G_CALLBACK (setup_badge), NULL);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_badge), NULL);
    }
  else
    {
      g_signal_connect (factory, "setup", G_CALLBACK (setup_label), GUINT_TO_POINTER (column));
      g_signal_connect (factory, "bind", G_CALLBACK (bind_label), GUINT_TO_POINTER (column));
    }
  col = gtk_column_view_column_new (title, factory);
  if (column != G_MAXUINT)
    {
      g_autoptr(GtkSorter) sorter = pz_file_item_sorter_new (column);
      gtk_column_view_column_set_sorter (col, sorter);
    }
  gtk_column_view_column_set_expand (col, expand);
  gtk_column_view_column_set_resizable (col, TRUE);
  gtk_column_view_append_column (self->inbox_view, col);
  g_object_unref (col);
}

static void
row_activated (GtkColumnView *view,
               guint          position,
               PzWindow      *self)
{
  g_autoptr(PzFileItem) item = g_list_model_get_item (self->inbox_sorted, position);

  if (item)
    pz_window_open_file (self, pz_file_item_get_id (item));
}

static gboolean
inbox_reload_cb (gpointer data)
{
  PzWindow *self = data;

  self->inbox_reload = 0;
  _pz_window_load_inbox (self);
  return G_SOURCE_REMOVE;
}

void
_pz_window_application_changed (PzWindow   *self,
                                gint64      id,
                                const char *step,
                                const char *status,
                                gint64      version)
{
  if (g_strcmp0 (pz_window_get_page (self), "main") != 0)
    return;
  /* what this desk's own action changed: the action's answer brought the
   * file back and the inbox is loaded once after it */
  if ((self->acting_id && id == self->acting_id) || (id == self->acted_id && version <= self->acted_version))
    return;
  /* the Kadis's signing of several: the inbox and the open file are loaded
   * once when the batch is done, and its own changes ask for nothing after */
  if (self->sign_batch &&
      (pz_sign_batch_is_running (PZ_SIGN_BATCH (self->sign_batch)) ||
       version <= pz_sign_batch_get_signed_version (PZ_SIGN_BATCH (self->sign_batch), id)))
    return;
  if (self->registering)
    self->missed_change = TRUE;  /* the answer of the registration loads the inbox */
  else if (self->inbox_reload == 0)
    self->inbox_reload = g_timeout_add (150, inbox_reload_cb, self);
  if (id == self->file_id && self->file &&
      version != json_object_get_int_member_with_default (self->file, "version", 0) &&
      self->pending_action == NULL)
    {
      _pz_window_keep_typed (self);
      _pz_window_load_file (self, id);
    }
}

static gboolean
show_late_toast (gpointer data)
{
  PzWindow *self = data;

  self->late_toast = 0;
  if (self->late_pending->len == 1)
    _pz_window_toast (self, g_ptr_array_index (self->late_pending, 0));
  else if (self->late_pending->len > 1)
    {
      g_autofree char *text = g_strdup_printf (ngettext ("%u file became late; see Late Files",
                                                         "%u files became late; see Late Files",
                                                         self->late_pending->len),
                                               self->late_pending->len);
      _pz_window_toast (self, text);
    }
  g_ptr_array_set_size (self->late_pending, 0);
  return G_SOURCE_REMOVE;
}

/* A file became late: the people it concerns hear of it once. */
void
_pz_window_application_late (PzWindow   *self,
                             gint64      id,
                             const char *number,
                             const char *step,
                             const char *reason,
                             char      **roles)
{
  g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT "/%s/%s", id, step, reason);
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  gboolean mine = FALSE;
  g_autofree char *body = NULL;

  for (guint i = 0; roles && roles[i]; i++)
    mine |= pz_client_user_has_role (self->client, roles[i]);
  if (!mine || !g_hash_table_add (self->late_alerted, g_strdup (key)))
    return;
  if (g_strcmp0 (reason, "deadline") == 0)
    body = g_strdup_printf (_("%s is near the end of its service standard"), number);
  else
    body = g_strdup_printf (_("%s is over the standard at %s"), number, _pz_window_step_title (self, step));
  /* several at once make one toast, not a queue of them */
  g_ptr_array_add (self->late_pending, g_strdup (body));
  if (self->late_toast == 0)
    self->late_toast = g_timeout_add (400, show_late_toast, self);
  if (app && g_application_get_dbus_connection (app))
    {
      g_autoptr(GNotification) n = g_notification_new (_("A file is late"));
      g_autofree char *nid = g_strdup_printf ("late-%s", key);

      g_notification_set_body (n, body);
      g_notification_set_priority (n, G_NOTIFICATION_PRIORITY_HIGH);
      g_notification_set_default_action_and_target (n, "app.open-file", "x", id);
      g_application_send_notification (app, nid, n);
    }
  if (self->late_button && gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->late_button)) &&
      self->inbox_reload == 0)
    self->inbox_reload = g_timeout_add (150, inbox_reload_cb, self);
}

void
_pz_window_late_toggled (PzWindow *self)
{
  _pz_window_load_inbox (self);
}

void
_pz_window_events_connected (PzWindow *self)
{
  /* what changed while the stream was down is not known: reload */
  if (g_strcmp0 (pz_window_get_page (self), "main") != 0)
    return;
  if (self->inbox_reload == 0)
    self->inbox_reload = g_timeout_add (150, inbox_reload_cb, self);
}

int
_pz_window_compare_by_name (gconstpointer a,
                            gconstpointer b)
{
  return g_utf8_collate (pz_json_get_string ((JsonObject *) a, "name"), pz_json_get_string ((JsonObject *) b, "name"));
}

void
_pz_window_inbox_init (PzWindow *self)
{
  {
    GtkSelectionModel *selection;

    /* in the server's order until a column's header is clicked */
    self->inbox_sorted = G_LIST_MODEL (gtk_sort_list_model_new (
                                         G_LIST_MODEL (g_object_ref (self->inbox)), g_object_ref (gtk_column_view_get_sorter (self->inbox_view))));
    selection = GTK_SELECTION_MODEL (gtk_single_selection_new (g_object_ref (self->inbox_sorted)));
    gtk_single_selection_set_autoselect (GTK_SINGLE_SELECTION (selection), FALSE);
    gtk_column_view_set_model (self->inbox_view, selection);
    g_object_unref (selection);
  }
  add_column (self, _("Registration no."), PZ_FILE_COLUMN_REGISTRATION, FALSE);
  add_column (self, _("Applicant"), PZ_FILE_COLUMN_APPLICANT, TRUE);
  add_column (self, _("Permit"), PZ_FILE_COLUMN_PERMIT, TRUE);
  add_column (self, _("Step"), PZ_FILE_COLUMN_STEP, TRUE);
  add_column (self, _("In step"), PZ_FILE_COLUMN_IN_STEP, FALSE);
  add_column (self, _("Due"), PZ_FILE_COLUMN_DUE, FALSE);
  add_column (self, _("Status"), G_MAXUINT, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->inbox_view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Files"), -1);
  g_signal_connect (self->inbox_view, "activate", G_CALLBACK (row_activated), self);
  /* the filters give up width before the window does */
  pz_drop_down_ellipsize (self->step_filter);
  pz_drop_down_ellipsize (self->status_filter);
  pz_drop_down_ellipsize (self->type_filter);
  gtk_label_set_ellipsize (self->list_title, PANGO_ELLIPSIZE_END);
  /* what a screen reader says on the controls themselves */
  pz_name_control (GTK_WIDGET (self->step_filter), _("Step"));
  pz_name_control (GTK_WIDGET (self->status_filter), _("Status"));
  pz_name_control (GTK_WIDGET (self->type_filter), _("Permit type"));
  g_signal_connect_swapped (self->search_entry, "search-changed", G_CALLBACK (_pz_window_search_changed), self);
  g_signal_connect_swapped (self->search_entry, "activate", G_CALLBACK (search_activated), self);
  g_signal_connect_swapped (self->step_filter, "notify::selected", G_CALLBACK (_pz_window_filter_changed), self);
  g_signal_connect_swapped (self->status_filter, "notify::selected", G_CALLBACK (_pz_window_filter_changed), self);
  g_signal_connect_swapped (self->type_filter, "notify::selected", G_CALLBACK (_pz_window_filter_changed), self);
  gtk_label_set_text (self->count_waiting, "—");
  gtk_label_set_text (self->count_overdue, "—");
  gtk_label_set_text (self->count_done, "—");
}
