/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-window"

#include "config.h"

#include <glib/gi18n.h>

#include "perizinan.h"
#include "pz-api.h"
#include "pz-file-form.h"
#include "pz-widgets.h"
#include "pz-window-private.h"

/* The open file: loaded through pz-api and handed to PzFileView, which
 * builds it; what the user typed in its form is kept across reloads, and a
 * verdict asked for in its checklist is sent from here. */

JsonObject *
_pz_window_step_of (PzWindow   *self,
                    const char *id)
{
  return id ? g_hash_table_lookup (self->steps, id) : NULL;
}

const char *
_pz_window_step_title (PzWindow   *self,
                       const char *id)
{
  return pz_step_title (self->steps, id);
}

char *
_pz_window_action_label (PzWindow   *self,
                         JsonObject *step,
                         const char *action)
{
  return pz_file_form_action_label (self->steps, self->start_step, step, action);
}

/* Keeps what the user typed so that a reload (after a 409, a new login or
 * a retry) puts it back. */
void
_pz_window_keep_typed (PzWindow *self)
{
  GHashTableIter iter;
  gpointer key, value;

  if (self->kept_form == NULL)
    self->kept_form = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  pz_file_form_keep_typed (pz_file_view_get_form (self->file_view), self->kept_form);
  if (self->registration)
    {
      g_hash_table_iter_init (&iter, pz_registration_form_get_fields (self->registration));
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (self->kept_form, g_strdup (key), pz_file_form_widget_text (value));
    }
}

void
_pz_window_forget_typed (PzWindow *self)
{
  g_clear_pointer (&self->kept_form, g_hash_table_unref);
}

static void
verdict_done (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  PzWindow *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = pz_api_set_verdict_finish (PZ_CLIENT (source), result, &error);
  JsonArray *details = pz_client_error_get_details (error);

  _pz_window_set_busy (self, FALSE);
  if (node == NULL)
    {
      if (!_pz_window_handle_unreachable (self, error))
        {
          GString *text = g_string_new (error->message);
          for (guint i = 0; details && i < json_array_get_length (details); i++)
            g_string_append_printf (text, "\n• %s",
                                    pz_json_get_string (json_array_get_object_element (details, i), "message"));
          _pz_window_toast (self, text->str);
          g_string_free (text, TRUE);
        }
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      _pz_window_keep_typed (self);
      g_clear_pointer (&self->file, json_object_unref);
      self->file = json_object_ref (json_node_get_object (node));
      _pz_window_build_file_view (self);
    }
  g_object_unref (self);
}

/* A verdict button of the file's checklist. */
static void
verdict_requested (PzWindow   *self,
                   const char *requirement,
                   const char *verdict)
{
  PzFileForm *form = pz_file_view_get_form (self->file_view);
  g_autofree char *note = pz_file_form_get_note (form);

  if (g_str_equal (verdict, "not_ok") && (note == NULL || *note == '\0'))
    {
      pz_file_form_set_error (form, _("Write in the note what is wrong with the document, then press Not OK."));
      return;
    }

  _pz_window_set_busy (self, TRUE);
  /* the note goes with a Not OK only: an OK says nothing more */
  pz_api_set_verdict_async (self->client, self->file_id, requirement, verdict,
                            g_str_equal (verdict, "not_ok") ? note : NULL, self->cancellable, verdict_done,
                            g_object_ref (self));
}

void
_pz_window_clear_file_box (PzWindow *self)
{
  pz_file_view_clear (self->file_view);
  self->registration = NULL;
}

/* Whether the file's form shows Documents Complete: the approval of a
 * step whose form is the document check. */
static gboolean
documents_complete_shown (PzWindow *self)
{
  JsonObject *step = _pz_window_step_of (self, pz_json_get_string (self->file, "step"));
  JsonArray *allowed = json_object_get_array_member (self->file, "allowed_actions");

  if (step == NULL || g_strcmp0 (pz_json_get_string (step, "form"), "documents_complete") != 0)
    return FALSE;
  for (guint i = 0; allowed && i < json_array_get_length (allowed); i++)
    if (g_strcmp0 (json_array_get_string_element (allowed, i), "approve") == 0)
      return TRUE;
  return FALSE;
}

void
_pz_window_build_file_view (PzWindow *self)
{
  g_autofree char *approve_tooltip = NULL;

  _pz_window_clear_file_box (self);
  /* an approval given in the checklist viewer comes back to the file */
  if (g_strcmp0 (pz_file_view_get_shown (self->file_view), "documents") == 0)
    {
      g_cancellable_cancel (self->docs_cancellable);
      pz_checklist_page_set_document (self->checklist_page, NULL);
      gtk_widget_set_visible (GTK_WIDGET (self->inbox_page), TRUE);
    }
  if (self->file == NULL)
    {
      pz_file_view_show (self->file_view, "empty");
      return;
    }

  if (documents_complete_shown (self))
    {
      /* the Documents Complete button is the win.approve-documents action:
       * insensitive, and saying why, while documents are open */
      _pz_window_update_approve_documents (self);
      approve_tooltip = _pz_window_approve_documents_tooltip (self, FALSE);
    }
  pz_file_view_set_file (self->file_view, self->file, self->steps, self->permit_types, self->start_step,
                         self->kept_form, approve_tooltip);
  _pz_window_forget_typed (self);
  if (self->scroll_top)
    {
      self->scroll_top = FALSE;
      pz_file_view_scroll_to_top (self->file_view);
    }
}

static void
file_done (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  PzWindow *self = data;
  g_autoptr(JsonNode) node = _pz_window_take_answer (self, source, result);

  if (node == NULL)
    {
      g_object_unref (self);
      return;
    }
  if (JSON_NODE_HOLDS_OBJECT (node) &&
      json_object_get_int_member_with_default (json_node_get_object (node), "id", 0) == self->file_id)
    {
      g_clear_pointer (&self->file, json_object_unref);
      self->file = json_object_ref (json_node_get_object (node));
      _pz_window_build_file_view (self);
    }
  g_object_unref (self);
}

void
_pz_window_load_file (PzWindow *self,
                      gint64    id)
{
  _pz_window_set_busy (self, TRUE);
  pz_api_get_file_async (self->client, id, self->cancellable, file_done, g_object_ref (self));
}

void
_pz_window_file_init (PzWindow *self)
{
  g_signal_connect_swapped (self->file_view, "verdict-requested", G_CALLBACK (verdict_requested), self);
}
