/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "perizinan.h"
#include "pz-admin.h"
#include "pz-api.h"
#include "pz-checklist.h"
#include "pz-checklist-page.h"
#include "pz-report-view.h"
#include "pz-document-view.h"
#include "pz-file-item.h"
#include "pz-outcome.h"
#include "pz-signing.h"
#include "pz-widgets.h"
#include "pz-window-private.h"

/* What the checklist viewer (PzChecklistPage) does: the document chosen
 * loaded, its verdict and its upload sent; and the scan of a permit signed
 * on paper. */

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
  pz_checklist_page_set_message (self->checklist_page, text);
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
    pz_checklist_page_set_document (self->checklist_page, doc);
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
  pz_checklist_page_select (self->checklist_page, requirement);
  _pz_window_docs_show_message (self, NULL);
  pz_checklist_page_set_note (self->checklist_page, item ? pz_json_get_string (item, "note") : NULL);
  pz_checklist_page_set_editable (self->checklist_page, editable);
  docs_update_controls (self);

  g_cancellable_cancel (self->docs_cancellable);
  g_clear_object (&self->docs_cancellable);
  pz_checklist_page_set_document (self->checklist_page, NULL);
  if (!uploaded)
    {
      pz_checklist_page_show_missing (self->checklist_page);
      return;
    }
  self->docs_cancellable = g_cancellable_new ();
  _pz_window_set_busy (self, TRUE);
  pz_api_get_document_async (self->client, self->file_id, requirement, self->docs_cancellable, document_loaded,
                             g_object_ref (self));
}

static void
docs_requirement_activated (PzWindow   *self,
                            const char *requirement)
{
  if (g_strcmp0 (requirement, self->docs_requirement) != 0)
    docs_select (self, requirement);
}

static void
fill_docs_list (PzWindow *self)
{
  JsonArray *checklist = self->file ? json_object_get_array_member (self->file, "checklist") : NULL;

  pz_checklist_page_set_checklist (self->checklist_page, checklist, self->docs_requirement);
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
  g_autofree char *label = NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.document-verdict", editable && uploaded);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.next-document", next != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.previous-document", previous != NULL);
  pz_checklist_page_set_controls (self->checklist_page, uploaded, previous != NULL, next != NULL);

  _pz_window_update_approve_documents (self);
  if (step && file_allows (self, "approve"))
    label = _pz_window_action_label (self, step, "approve");
  tooltip = _pz_window_approve_documents_tooltip (self, TRUE);
  pz_checklist_page_set_complete (self->checklist_page, editable && step && file_allows (self, "approve"),
                                  label, tooltip);
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
  gtk_widget_set_visible (GTK_WIDGET (self->inbox_page), FALSE);
  pz_file_view_show (self->file_view, "documents");
  docs_select (self, first);
  gtk_widget_grab_focus (GTK_WIDGET (pz_checklist_page_get_document_view (self->checklist_page)));
}

void
_pz_window_close_documents_action (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *parameter)
{
  PzWindow *self = PZ_WINDOW (widget);

  if (g_strcmp0 (pz_file_view_get_shown (self->file_view), "documents") != 0)
    return;
  g_cancellable_cancel (self->docs_cancellable);
  pz_checklist_page_set_document (self->checklist_page, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->inbox_page), TRUE);
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
            pz_checklist_page_focus_upload (self->checklist_page);
          else
            gtk_widget_grab_focus (GTK_WIDGET (pz_checklist_page_get_document_view (self->checklist_page)));
        }
      else
        /* everything has its verdict: what comes next is the approval */
        pz_checklist_page_focus_complete (self->checklist_page);
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
  g_autofree char *note = g_strstrip (g_strdup (pz_checklist_page_get_note (self->checklist_page)));

  if (self->docs_requirement == NULL)
    return;
  if (g_str_equal (verdict, "not_ok") && *note == '\0')
    {
      _pz_window_docs_show_message (self, _("Write in the note what is wrong with the document, then press Not OK."));
      pz_checklist_page_focus_note (self->checklist_page);
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
  pz_checklist_page_set_upload_fraction (self->checklist_page, fraction);
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
  pz_checklist_page_set_uploading (self->checklist_page, FALSE);
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
  pz_checklist_page_set_uploading (self->checklist_page, TRUE);
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
file_dropped (PzWindow *self,
              GFile    *file)
{
  if (!docs_can_edit (self))
    return FALSE;
  pz_window_upload_file (self, file);
  return TRUE;
}

void
_pz_window_documents_init (PzWindow *self)
{
  g_signal_connect_swapped (self->checklist_page, "requirement-activated",
                            G_CALLBACK (docs_requirement_activated), self);
  g_signal_connect_swapped (self->checklist_page, "file-dropped", G_CALLBACK (file_dropped), self);
}

GtkWidget *
pz_window_get_document_view (PzWindow *self)
{
  return GTK_WIDGET (pz_checklist_page_get_document_view (self->checklist_page));
}

const char *
pz_window_get_document_requirement (PzWindow *self)
{
  return self->docs_requirement;
}
