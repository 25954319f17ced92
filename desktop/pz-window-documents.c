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

/* The checklist viewer: the documents of this file on the left, the one
 * chosen on the right, with the verdict and upload under it; and the scan
 * of a permit signed on paper. */

static void docs_update_controls (PzWindow *self);

static JsonObject *
checklist_item (PzWindow   *self,
                const char *requirement)
{
  JsonArray *checklist = self->file ? json_object_get_array_member (self->file, "checklist") : NULL;

  for (guint i = 0; checklist && i < json_array_get_length (checklist); i++)
    {
      JsonObject *item = json_array_get_object_element (checklist, i);
      if (g_strcmp0 (pz_json_get_string (item, "requirement"), requirement) == 0)
        return item;
    }
  return NULL;
}

static gboolean
docs_can_edit (PzWindow *self)
{
  JsonObject *step = self->file ? _pz_window_step_of (self, pz_json_get_string (self->file, "step")) : NULL;
  JsonArray *allowed = self->file ? json_object_get_array_member (self->file, "allowed_actions") : NULL;

  return step && json_object_get_boolean_member_with_default (step, "documents", FALSE) &&
         allowed && json_array_get_length (allowed) > 0;
}

void
_pz_window_docs_show_message (PzWindow   *self,
                              const char *text)
{
  gtk_label_set_text (self->docs_message, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->docs_message), text != NULL);
}

static void
document_loaded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  PzWindow *self = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *type = NULL;
  g_autoptr(GBytes) bytes = pz_api_get_document_finish (PZ_CLIENT (source), result, &type, &error);
  g_autoptr(PzScan) doc = NULL;

  _pz_window_set_busy (self, FALSE);
  if (bytes == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && !_pz_window_handle_unreachable (self, error))
        _pz_window_docs_show_message (self, error->message);
      g_object_unref (self);
      return;
    }
  if (!(doc = pz_scan_new_from_bytes (bytes, type, &error)))
    _pz_window_docs_show_message (self, _("The document cannot be shown; ask for a new scan"));
  else
    {
      pz_document_view_set_document (self->docs_view, doc);
      gtk_stack_set_visible_child_name (self->docs_stack, "document");
    }
  g_object_unref (self);
}

static void
docs_select (PzWindow   *self,
             const char *requirement)
{
  JsonObject *item = checklist_item (self, requirement);
  gboolean uploaded = item && g_strcmp0 (pz_json_get_string (item, "state"), "missing") != 0;
  gboolean editable = docs_can_edit (self);

  g_free (self->docs_requirement);
  self->docs_requirement = g_strdup (requirement);
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->docs_list)); row;
       row = gtk_widget_get_next_sibling (row))
    if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "requirement"), requirement) == 0)
      gtk_list_box_select_row (self->docs_list, GTK_LIST_BOX_ROW (row));
  _pz_window_docs_show_message (self, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->docs_note), item && pz_json_get_string (item, "note") ? pz_json_get_string (item, "note") : "");
  gtk_widget_set_sensitive (self->docs_actions, editable);
  gtk_widget_set_visible (self->docs_actions, editable);
  docs_update_controls (self);

  g_cancellable_cancel (self->docs_cancellable);
  g_clear_object (&self->docs_cancellable);
  pz_document_view_set_document (self->docs_view, NULL);
  if (!uploaded)
    {
      gtk_stack_set_visible_child_name (self->docs_stack, "missing");
      return;
    }
  self->docs_cancellable = g_cancellable_new ();
  _pz_window_set_busy (self, TRUE);
  pz_api_get_document_async (self->client, self->file_id, requirement, self->docs_cancellable, document_loaded,
                             g_object_ref (self));
}

static void
docs_row_activated (GtkListBox    *list,
                    GtkListBoxRow *row,
                    PzWindow      *self)
{
  const char *requirement = g_object_get_data (G_OBJECT (row), "requirement");

  if (g_strcmp0 (requirement, self->docs_requirement) != 0)
    docs_select (self, requirement);
}

static void
fill_docs_list (PzWindow *self)
{
  JsonArray *checklist = self->file ? json_object_get_array_member (self->file, "checklist") : NULL;
  GtkWidget *child;
  guint checked = 0, total = 0;
  g_autofree char *progress = NULL;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->docs_list))))
    gtk_list_box_remove (self->docs_list, child);
  for (guint i = 0; checklist && i < json_array_get_length (checklist); i++)
    {
      JsonObject *item = json_array_get_object_element (checklist, i);
      const char *state = pz_json_get_string (item, "state");
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *badge = gtk_label_new (NULL);
      g_autofree char *title = json_object_get_boolean_member_with_default (item, "mandatory", FALSE)
                                 ? g_strdup_printf ("%s *", pz_json_get_string (item, "title"))
                                 : g_strdup (pz_json_get_string (item, "title"));
      const char *text, *css;

      total++;
      if (pz_json_get_string (item, "verdict"))
        checked++;
      if (g_strcmp0 (state, "ok") == 0)
        text = _("OK"), css = "success";
      else if (g_strcmp0 (state, "not_ok") == 0)
        text = _("Not OK"), css = "error";
      else if (g_strcmp0 (state, "uploaded") == 0)
        text = _("Uploaded"), css = "warning";
      else
        text = _("Missing"), css = "dim-label";
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      gtk_label_set_text (GTK_LABEL (badge), text);
      gtk_widget_add_css_class (badge, "pz-badge");
      gtk_widget_add_css_class (badge, css);
      gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "requirement", g_strdup (pz_json_get_string (item, "requirement")), g_free);
      gtk_list_box_append (self->docs_list, row);
      if (g_strcmp0 (pz_json_get_string (item, "requirement"), self->docs_requirement) == 0)
        gtk_list_box_select_row (self->docs_list, GTK_LIST_BOX_ROW (row));
    }
  progress = g_strdup_printf (_("%u of %u checked"), checked, total);
  gtk_label_set_text (self->docs_progress_label, progress);
  docs_update_controls (self);
}

static void
docs_refresh_file (PzWindow   *self,
                   JsonObject *file)
{
  g_clear_pointer (&self->file, json_object_unref);
  self->file = json_object_ref (file);
  fill_docs_list (self);
}

static gboolean
file_allows (PzWindow   *self,
             const char *action)
{
  JsonArray *allowed = self->file ? json_object_get_array_member (self->file, "allowed_actions") : NULL;

  for (guint i = 0; allowed && i < json_array_get_length (allowed); i++)
    if (g_strcmp0 (json_array_get_string_element (allowed, i), action) == 0)
      return TRUE;
  return FALSE;
}

/* Why the step cannot be approved from its documents yet, or NULL: at the
 * document check, the mandatory documents still open. */
static char *
docs_not_complete (PzWindow *self)
{
  JsonObject *step = self->file ? _pz_window_step_of (self, pz_json_get_string (self->file, "step")) : NULL;

  if (step == NULL || g_strcmp0 (pz_json_get_string (step, "form"), "documents_complete") != 0)
    return NULL;
  return pz_checklist_open_items (json_object_get_array_member (self->file, "checklist"));
}

/* The step's approval, enabled only when it can go through; what holds it
 * back is said in the tooltip of the buttons that ask for it. */
void
_pz_window_update_approve_documents (PzWindow *self)
{
  g_autofree char *open = docs_not_complete (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.approve-documents",
                                 file_allows (self, "approve") && open == NULL);
}

char *
_pz_window_approve_documents_tooltip (PzWindow *self,
                                      gboolean  with_key)
{
  g_autofree char *open = docs_not_complete (self);

  if (open)
    /* Translators: followed by one line per document, e.g. "KTP: not uploaded" */
    return g_strdup_printf (_("Every mandatory document must be uploaded and marked OK first. Still open:\n%s"), open);
  return with_key ? g_strdup (_("Approve this step (Ctrl+Enter)")) : NULL;
}

/* What each control of the viewer can do for the document on screen; one
 * that cannot act says why in its tooltip. */
static void
docs_update_controls (PzWindow *self)
{
  JsonArray *checklist = self->file ? json_object_get_array_member (self->file, "checklist") : NULL;
  JsonObject *item = checklist_item (self, self->docs_requirement);
  gboolean uploaded = item && g_strcmp0 (pz_json_get_string (item, "state"), "missing") != 0;
  gboolean editable = docs_can_edit (self);
  const char *next = pz_checklist_neighbour (checklist, self->docs_requirement, 1);
  const char *previous = pz_checklist_neighbour (checklist, self->docs_requirement, -1);
  JsonObject *step = self->file ? _pz_window_step_of (self, pz_json_get_string (self->file, "step")) : NULL;
  g_autofree char *tooltip = NULL;

  if (self->docs_ok == NULL)
    return;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.document-verdict", editable && uploaded);
  if (uploaded)
    {
      gtk_widget_set_tooltip_text (self->docs_ok, _("The document is complete and valid (Alt+O)"));
      gtk_widget_set_tooltip_text (self->docs_not_ok,
                                   _("The document is wrong or incomplete; say why in the note (Alt+N)"));
    }
  else
    {
      gtk_widget_set_tooltip_text (self->docs_ok, _("Not uploaded yet: upload the scan before giving a verdict"));
      gtk_widget_set_tooltip_text (self->docs_not_ok, _("Not uploaded yet: upload the scan before giving a verdict"));
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.next-document", next != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.previous-document", previous != NULL);
  gtk_widget_set_tooltip_text (self->docs_next, next ? _("Next document (Alt+Page Down)")
                                                     : _("This is the last document"));
  gtk_widget_set_tooltip_text (self->docs_previous, previous ? _("Previous document (Alt+Page Up)")
                                                             : _("This is the first document"));

  _pz_window_update_approve_documents (self);
  gtk_widget_set_visible (self->docs_complete, editable && step && file_allows (self, "approve"));
  if (step && file_allows (self, "approve"))
    {
      g_autofree char *label = _pz_window_action_label (self, step, "approve");
      gtk_button_set_label (GTK_BUTTON (self->docs_complete), label);
    }
  tooltip = _pz_window_approve_documents_tooltip (self, TRUE);
  gtk_widget_set_tooltip_text (self->docs_complete, tooltip);
}

static void
docs_go (PzWindow *self,
         int       step)
{
  JsonArray *checklist = self->file ? json_object_get_array_member (self->file, "checklist") : NULL;
  const char *to = pz_checklist_neighbour (checklist, self->docs_requirement, step);

  if (to)
    {
      g_autofree char *keep = g_strdup (to);
      docs_select (self, keep);
    }
}

void
_pz_window_next_document_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  docs_go (PZ_WINDOW (widget), 1);
}

void
_pz_window_previous_document_action (GtkWidget  *widget,
                                     const char *action_name,
                                     GVariant   *parameter)
{
  docs_go (PZ_WINDOW (widget), -1);
}

void
_pz_window_approve_documents_action (GtkWidget  *widget,
                                     const char *action_name,
                                     GVariant   *parameter)
{
  PzWindow *self = PZ_WINDOW (widget);
  g_autofree char *open = docs_not_complete (self);

  /* the server refuses it too; this only saves the round trip */
  if (open || !file_allows (self, "approve"))
    return;
  _pz_window_start_action (self, "approve");
}

void
_pz_window_check_documents_action (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *parameter)
{
  PzWindow *self = PZ_WINDOW (widget);
  JsonArray *checklist = self->file ? json_object_get_array_member (self->file, "checklist") : NULL;
  const char *first = NULL;

  if (checklist == NULL || json_array_get_length (checklist) == 0)
    return;
  /* start at the first document still to check */
  for (guint i = 0; i < json_array_get_length (checklist) && first == NULL; i++)
    {
      JsonObject *item = json_array_get_object_element (checklist, i);
      if (g_strcmp0 (pz_json_get_string (item, "state"), "uploaded") == 0)
        first = pz_json_get_string (item, "requirement");
    }
  if (first == NULL)
    first = pz_json_get_string (json_array_get_object_element (checklist, 0), "requirement");
  g_free (self->docs_requirement);
  self->docs_requirement = g_strdup (first);
  fill_docs_list (self);
  /* the scans need the whole width; the inbox comes back on closing */
  gtk_widget_set_visible (self->inbox_box, FALSE);
  gtk_stack_set_visible_child_name (self->file_stack, "documents");
  docs_select (self, first);
  gtk_widget_grab_focus (GTK_WIDGET (self->docs_view));
}

void
_pz_window_close_documents_action (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *parameter)
{
  PzWindow *self = PZ_WINDOW (widget);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->file_stack), "documents") != 0)
    return;
  g_cancellable_cancel (self->docs_cancellable);
  pz_document_view_set_document (self->docs_view, NULL);
  gtk_widget_set_visible (self->inbox_box, TRUE);
  _pz_window_build_file_view (self);
}

static void
docs_verdict_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  PzWindow *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = pz_api_set_verdict_finish (PZ_CLIENT (source), result, &error);

  _pz_window_set_busy (self, FALSE);
  if (node == NULL)
    {
      if (!_pz_window_handle_unreachable (self, error))
        _pz_window_docs_show_message (self, error->message);
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      const char *next;

      docs_refresh_file (self, json_node_get_object (node));
      /* on to the next document still without a verdict: the counter goes
       * through the list in one go, uploading what is missing on the way */
      next = pz_checklist_next_to_check (json_object_get_array_member (self->file, "checklist"),
                                         self->docs_requirement);
      if (next)
        {
          g_autofree char *keep = g_strdup (next);
          JsonObject *item = checklist_item (self, keep);

          docs_select (self, keep);
          if (g_strcmp0 (pz_json_get_string (item, "state"), "missing") == 0)
            gtk_widget_grab_focus (self->docs_upload_button);
          else
            gtk_widget_grab_focus (GTK_WIDGET (self->docs_view));
        }
      else if (gtk_widget_get_sensitive (self->docs_complete) && gtk_widget_get_visible (self->docs_complete))
        /* everything has its verdict: what comes next is the approval */
        gtk_widget_grab_focus (self->docs_complete);
    }
  g_object_unref (self);
}

void
_pz_window_docs_verdict_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  PzWindow *self = PZ_WINDOW (widget);
  const char *verdict = g_variant_get_string (parameter, NULL);
  g_autofree char *note = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->docs_note))));

  if (self->docs_requirement == NULL)
    return;
  if (g_str_equal (verdict, "not_ok") && *note == '\0')
    {
      _pz_window_docs_show_message (self, _("Write in the note what is wrong with the document, then press Not OK."));
      gtk_widget_grab_focus (GTK_WIDGET (self->docs_note));
      return;
    }
  _pz_window_docs_show_message (self, NULL);
  _pz_window_set_busy (self, TRUE);
  pz_api_set_verdict_async (self->client, self->file_id, self->docs_requirement, verdict, note, self->cancellable,
                            docs_verdict_done, g_object_ref (self));
}

static void
upload_progress (double   fraction,
                 gpointer data)
{
  PzWindow *self = data;
  gtk_progress_bar_set_fraction (self->docs_upload, fraction);
}

static void
docs_reloaded (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  PzWindow *self = data;
  g_autoptr(JsonNode) node = _pz_window_take_answer (self, source, result);

  if (node && JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autofree char *requirement = g_strdup (self->docs_requirement);

      docs_refresh_file (self, json_node_get_object (node));
      docs_select (self, requirement);
    }
  g_object_unref (self);
}

static void
upload_done (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  PzWindow *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = pz_api_upload_document_finish (PZ_CLIENT (source), result, &error);

  _pz_window_set_busy (self, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->docs_upload), FALSE);
  if (node == NULL)
    {
      if (!_pz_window_handle_unreachable (self, error))
        _pz_window_docs_show_message (self, error->message);
      g_object_unref (self);
      return;
    }
  _pz_window_toast (self, _("Document uploaded"));
  /* reload the file to show the new state, and the new document */
  _pz_window_set_busy (self, TRUE);
  pz_api_get_file_async (self->client, self->file_id, self->cancellable, docs_reloaded, g_object_ref (self));
  g_object_unref (self);
}

static void
upload_bytes (PzWindow   *self,
              GBytes     *bytes,
              const char *name)
{
  g_autofree char *type = g_content_type_guess (name, g_bytes_get_data (bytes, NULL),
                                                MIN (g_bytes_get_size (bytes), 4096), NULL);
  g_autofree char *mime = g_content_type_get_mime_type (type);

  _pz_window_docs_show_message (self, NULL);
  gtk_progress_bar_set_fraction (self->docs_upload, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->docs_upload), TRUE);
  _pz_window_set_busy (self, TRUE);
  pz_api_upload_document_async (self->client, self->file_id, self->docs_requirement, bytes, mime, upload_progress,
                                self, self->cancellable, upload_done, g_object_ref (self));
}

static void
file_read (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  PzWindow *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_file_load_bytes_finish (G_FILE (source), result, NULL, &error);
  g_autofree char *name = g_file_get_basename (G_FILE (source));

  _pz_window_set_busy (self, FALSE);
  if (bytes == NULL)
    _pz_window_docs_show_message (self, error->message);
  else
    upload_bytes (self, bytes, name);
  g_object_unref (self);
}

void
pz_window_upload_file (PzWindow *self,
                       GFile    *file)
{
  if (self->docs_requirement == NULL || !docs_can_edit (self))
    return;
  _pz_window_set_busy (self, TRUE);
  g_file_load_bytes_async (file, self->cancellable, file_read, g_object_ref (self));
}

static void
chooser_response (GtkNativeDialog *dialog,
                  int              response,
                  PzWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      pz_window_upload_file (self, file);
    }
  g_object_unref (dialog);
}

void
_pz_window_upload_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  PzWindow *self = PZ_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Upload a Scan"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Upload"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("PDF, JPEG and PNG scans"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* The scan of a permit signed on paper, uploaded from the signing step. */
static void
signed_scan_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  PzWindow *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = pz_api_upload_signed_permit_finish (PZ_CLIENT (source), result, &error);
  JsonArray *details = pz_client_error_get_details (error);

  _pz_window_set_busy (self, FALSE);
  if (node == NULL)
    {
      if (!_pz_window_handle_unreachable (self, error))
        _pz_window_show_action_error (self, error->message, details);
      g_object_unref (self);
      return;
    }
  _pz_window_toast (self, _("Scan of the signed permit uploaded"));
  /* what was typed in the note stays across the reload */
  _pz_window_keep_typed (self);
  if (self->file_id)
    _pz_window_load_file (self, self->file_id);
  g_object_unref (self);
}

static void
signed_scan_read (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  PzWindow *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_file_load_bytes_finish (G_FILE (source), result, NULL, &error);
  g_autofree char *name = g_file_get_basename (G_FILE (source));

  _pz_window_set_busy (self, FALSE);
  if (bytes == NULL)
    _pz_window_show_action_error (self, error->message, NULL);
  else if (self->file_id)
    {
      g_autofree char *type = g_content_type_guess (name, g_bytes_get_data (bytes, NULL),
                                                    MIN (g_bytes_get_size (bytes), 4096), NULL);
      g_autofree char *mime = g_content_type_get_mime_type (type);

      _pz_window_set_busy (self, TRUE);
      pz_api_upload_signed_permit_async (self->client, self->file_id, bytes, mime, NULL, NULL, self->cancellable,
                                         signed_scan_done, g_object_ref (self));
    }
  g_object_unref (self);
}

static void
signed_scan_chosen (GtkNativeDialog *dialog,
                    int              response,
                    PzWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT && self->file_id)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file)
        {
          _pz_window_set_busy (self, TRUE);
          g_file_load_bytes_async (file, self->cancellable, signed_scan_read, g_object_ref (self));
        }
    }
  g_object_unref (dialog);
}

void
_pz_window_upload_signed_scan_action (GtkWidget  *widget,
                                      const char *action_name,
                                      GVariant   *parameter)
{
  PzWindow *self = PZ_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->file_id == 0)
    return;
  chooser = gtk_file_chooser_native_new (_("Upload the Scan of the Signed Permit"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Upload"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("PDF, JPEG and PNG scans"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (signed_scan_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static gboolean
file_dropped (GtkDropTarget *target,
              const GValue  *value,
              double         x,
              double         y,
              PzWindow      *self)
{
  if (!G_VALUE_HOLDS (value, G_TYPE_FILE) || !docs_can_edit (self))
    return FALSE;
  pz_window_upload_file (self, g_value_get_object (value));
  return TRUE;
}

void
_pz_window_documents_init (PzWindow *self)
{
  GtkWidget *paned, *left, *header, *back, *scroll, *right, *bar, *ok, *not_ok, *upload, *missing;
  GtkWidget *previous, *next, *complete;
  GtkDropTarget *drop;

  paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  /* wide enough for "1 dari 6 diperiksa" beside the buttons */
  gtk_paned_set_position (GTK_PANED (paned), 300);
  gtk_paned_set_shrink_start_child (GTK_PANED (paned), FALSE);

  left = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_margin_start (header, 6);
  gtk_widget_set_margin_top (header, 6);
  back = gtk_button_new_from_icon_name ("go-previous-symbolic");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (back), "win.close-documents");
  gtk_widget_set_tooltip_text (back, _("Back to the file (Escape)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (back), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Back to the file"), -1);
  gtk_widget_add_css_class (back, "flat");
  self->docs_progress_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->docs_progress_label), "heading");
  gtk_widget_set_hexpand (GTK_WIDGET (self->docs_progress_label), TRUE);
  gtk_label_set_xalign (self->docs_progress_label, 0);
  gtk_label_set_ellipsize (self->docs_progress_label, PANGO_ELLIPSIZE_END);
  previous = gtk_button_new_from_icon_name ("go-up-symbolic");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (previous), "win.previous-document");
  gtk_accessible_update_property (GTK_ACCESSIBLE (previous), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Previous document"), -1);
  gtk_widget_add_css_class (previous, "flat");
  next = gtk_button_new_from_icon_name ("go-down-symbolic");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (next), "win.next-document");
  gtk_accessible_update_property (GTK_ACCESSIBLE (next), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Next document"), -1);
  gtk_widget_add_css_class (next, "flat");
  gtk_widget_set_margin_end (next, 6);
  self->docs_previous = previous;
  self->docs_next = next;
  gtk_box_append (GTK_BOX (header), back);
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (self->docs_progress_label));
  gtk_box_append (GTK_BOX (header), previous);
  gtk_box_append (GTK_BOX (header), next);
  gtk_box_append (GTK_BOX (left), header);
  self->docs_list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->docs_list, GTK_SELECTION_SINGLE);
  gtk_widget_add_css_class (GTK_WIDGET (self->docs_list), "navigation-sidebar");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->docs_list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Required documents"), -1);
  g_signal_connect (self->docs_list, "row-activated", G_CALLBACK (docs_row_activated), self);
  scroll = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (scroll, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroll), GTK_WIDGET (self->docs_list));
  gtk_box_append (GTK_BOX (left), scroll);
  /* under the list it completes: the approval of the step, once the
   * documents allow it */
  complete = gtk_button_new_with_label (_("Documents Complete"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (complete), "win.approve-documents");
  gtk_widget_add_css_class (complete, "suggested-action");
  gtk_widget_set_margin_start (complete, 6);
  gtk_widget_set_margin_end (complete, 6);
  gtk_widget_set_margin_bottom (complete, 6);
  self->docs_complete = complete;
  gtk_box_append (GTK_BOX (left), complete);
  gtk_paned_set_start_child (GTK_PANED (paned), left);

  right = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  self->docs_stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->docs_stack), TRUE);
  self->docs_view = PZ_DOCUMENT_VIEW (pz_document_view_new ());
  gtk_stack_add_named (self->docs_stack, GTK_WIDGET (self->docs_view), "document");
  missing = adw_status_page_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (missing), "document-open-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (missing), _("Not Uploaded Yet"));
  adw_status_page_set_description (ADW_STATUS_PAGE (missing),
                                   _("Upload the scan with the button below, or drop the file here."));
  gtk_stack_add_named (self->docs_stack, missing, "missing");
  gtk_box_append (GTK_BOX (right), GTK_WIDGET (self->docs_stack));

  self->docs_upload = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_widget_set_visible (GTK_WIDGET (self->docs_upload), FALSE);
  gtk_box_append (GTK_BOX (right), GTK_WIDGET (self->docs_upload));
  self->docs_message = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->docs_message, TRUE);
  gtk_label_set_xalign (self->docs_message, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->docs_message), "error");
  gtk_widget_set_margin_start (GTK_WIDGET (self->docs_message), 12);
  gtk_widget_set_visible (GTK_WIDGET (self->docs_message), FALSE);
  gtk_box_append (GTK_BOX (right), GTK_WIDGET (self->docs_message));

  bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_add_css_class (bar, "toolbar");
  self->docs_note = GTK_ENTRY (gtk_entry_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (self->docs_note), TRUE);
  gtk_entry_set_placeholder_text (self->docs_note, _("Note: what is wrong with this document"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->docs_note), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Note on this document"), -1);
  upload = gtk_button_new_with_mnemonic (_("_Upload…"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (upload), "win.upload-document");
  gtk_widget_set_tooltip_text (upload, _("Upload the scan of this document from a file on this computer"));
  self->docs_upload_button = upload;
  not_ok = gtk_button_new_with_label (_("Not OK"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (not_ok), "win.document-verdict");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (not_ok), "s", "not_ok");
  gtk_widget_add_css_class (not_ok, "destructive-action");
  ok = gtk_button_new_with_label (_("OK"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (ok), "win.document-verdict");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (ok), "s", "ok");
  gtk_widget_add_css_class (ok, "suggested-action");
  gtk_box_append (GTK_BOX (bar), upload);
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->docs_note));
  gtk_box_append (GTK_BOX (bar), not_ok);
  gtk_box_append (GTK_BOX (bar), ok);
  self->docs_actions = bar;
  self->docs_ok = ok;
  self->docs_not_ok = not_ok;
  gtk_box_append (GTK_BOX (right), bar);
  gtk_paned_set_end_child (GTK_PANED (paned), right);

  drop = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (file_dropped), self);
  gtk_widget_add_controller (right, GTK_EVENT_CONTROLLER (drop));

  pz_checklist_add_shortcuts (paned);
  self->docs_page = paned;
  gtk_stack_add_named (self->file_stack, paned, "documents");
}

GtkWidget *
pz_window_get_document_view (PzWindow *self)
{
  return GTK_WIDGET (self->docs_view);
}

const char *
pz_window_get_document_requirement (PzWindow *self)
{
  return self->docs_requirement;
}
