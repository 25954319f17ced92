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

/* What the window's list (PzInboxPage) shows: the inbox of what waits for
 * me, a search, the filters or the late files, loaded; and what the
 * server's live events change in it. */

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
  g_autoptr(GList) type_list = g_hash_table_get_values (self->permit_types);
  g_autoptr(GList) step_ids = g_hash_table_get_keys (self->steps);
  g_autoptr(GPtrArray) ordered = g_ptr_array_new ();
  g_autoptr(GPtrArray) titles = g_ptr_array_new ();
  g_autoptr(GPtrArray) codes = g_ptr_array_new ();
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  /* in the order of the procedure */
  for (GList *l = step_ids; l; l = l->next)
    g_ptr_array_add (ordered, l->data);
  g_ptr_array_sort_with_data (ordered, _pz_window_compare_step_order, self);
  for (guint i = 0; i < ordered->len; i++)
    g_ptr_array_add (titles, (gpointer) _pz_window_step_title (self, g_ptr_array_index (ordered, i)));
  g_ptr_array_add (ordered, NULL);
  g_ptr_array_add (titles, NULL);

  type_list = g_list_sort (type_list, _pz_window_compare_by_name);
  for (GList *l = type_list; l; l = l->next)
    {
      g_ptr_array_add (codes, (gpointer) pz_json_get_string (l->data, "code"));
      g_ptr_array_add (names, (gpointer) pz_json_get_string (l->data, "name"));
    }
  g_ptr_array_add (codes, NULL);
  g_ptr_array_add (names, NULL);

  pz_inbox_page_set_filters (self->inbox_page, (const char **) ordered->pdata, (const char **) titles->pdata,
                             (const char **) codes->pdata, (const char **) names->pdata);
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

      fill_list (self, answer);
      if (json_object_has_member (answer, "total") && !json_object_has_member (answer, "overdue"))
        pz_inbox_page_show_late (self->inbox_page, json_object_get_int_member (answer, "total"));
      else if (json_object_has_member (answer, "total"))
        {
          pz_inbox_page_show_inbox (self->inbox_page, json_object_get_int_member_with_default (answer, "total", 0),
                                    json_object_get_int_member_with_default (answer, "overdue", 0),
                                    json_object_get_int_member_with_default (answer, "done_today", 0));
          notify_new_files (self, json_object_get_array_member (answer, "items"));
        }
      else
        pz_inbox_page_show_search (self->inbox_page);
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
  const char *q = pz_inbox_page_get_search (self->inbox_page);
  const char *step = pz_inbox_page_get_step (self->inbox_page);
  const char *status = pz_inbox_page_get_status (self->inbox_page);
  const char *type = pz_inbox_page_get_permit_type (self->inbox_page);
  InboxLoad *load = g_new0 (InboxLoad, 1);

  _pz_window_set_busy (self, TRUE);
  load->self = g_object_ref (self);
  load->serial = ++self->inbox_serial;
  if ((q && *q) || step || status || type)
    {
      PzApplicationQuery query = { .q = q, .step = step, .status = status, .permit_type = type, .limit = 500 };

      pz_api_search_files_async (self->client, &query, self->cancellable, inbox_done, load);
    }
  else if (pz_inbox_page_get_late (self->inbox_page))
    pz_api_list_late_files_async (self->client, self->cancellable, inbox_done, load);
  else
    pz_api_list_inbox_async (self->client, 10000, self->cancellable, inbox_done, load);
}

/* The list shows the inbox itself, not a search, a filter or the late files. */
gboolean
_pz_window_showing_inbox (PzWindow *self)
{
  return !pz_inbox_page_is_filtered (self->inbox_page);
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
  const char *q = pz_inbox_page_get_search (self->inbox_page);

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
file_activated (PzWindow *self,
                gint64    id)
{
  pz_window_open_file (self, id);
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
  if (pz_inbox_page_get_late (self->inbox_page) && self->inbox_reload == 0)
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
  pz_inbox_page_set_files (self->inbox_page, G_LIST_MODEL (self->inbox));
  g_signal_connect_swapped (self->inbox_page, "search-changed", G_CALLBACK (_pz_window_search_changed), self);
  g_signal_connect_swapped (self->inbox_page, "search-activated", G_CALLBACK (search_activated), self);
  g_signal_connect_swapped (self->inbox_page, "filter-changed", G_CALLBACK (_pz_window_filter_changed), self);
  g_signal_connect_swapped (self->inbox_page, "late-toggled", G_CALLBACK (_pz_window_late_toggled), self);
  g_signal_connect_swapped (self->inbox_page, "file-activated", G_CALLBACK (file_activated), self);
}
