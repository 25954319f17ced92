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
#include "pz-output-preview.h"
#include "pz-signing.h"
#include "pz-widgets.h"
#include "pz-window-private.h"

/* What the steps produced (receipt, BAP, draft, permit, refusal):
 * preview, print and save a copy. */

typedef enum {
  OUTPUT_PREVIEW,
  OUTPUT_PRINT,
  OUTPUT_SAVE,
} OutputUse;

typedef struct {
  PzWindow *self;
  OutputUse use;
  char     *kind;
  GFile    *file;          /* save: where */
  char     *export_path;   /* print: to a PDF instead of a printer */
} OutputJob;

static void
output_job_free (OutputJob *job)
{
  g_object_unref (job->self);
  g_free (job->kind);
  g_clear_object (&job->file);
  g_free (job->export_path);
  g_free (job);
}

static const char *
output_title (const char *kind)
{
  return pz_output_kind_title (kind);
}

static void
draw_page (GtkPrintOperation *op,
           GtkPrintContext   *context,
           int                page,
           PzScan            *scan)
{
  pz_scan_draw (scan, (guint) page, gtk_print_context_get_cairo_context (context),
                gtk_print_context_get_width (context), gtk_print_context_get_height (context));
}

static void
print_scan (PzWindow   *self,
            PzScan     *scan,
            const char *title,
            const char *export_path)
{
  g_autoptr(GtkPrintOperation) op = gtk_print_operation_new ();
  g_autoptr(GtkPageSetup) setup = gtk_page_setup_new ();
  g_autoptr(GtkPaperSize) a4 = gtk_paper_size_new (GTK_PAPER_NAME_A4);
  g_autoptr(GError) error = NULL;
  GtkPrintOperationResult result;

  gtk_page_setup_set_paper_size_and_default_margins (setup, a4);
  gtk_print_operation_set_default_page_setup (op, setup);
  gtk_print_operation_set_job_name (op, title);
  gtk_print_operation_set_n_pages (op, (int) pz_scan_get_n_pages (scan));
  gtk_print_operation_set_use_full_page (op, FALSE);
  gtk_print_operation_set_embed_page_setup (op, TRUE);
  g_signal_connect (op, "draw-page", G_CALLBACK (draw_page), scan);
  if (export_path)
    gtk_print_operation_set_export_filename (op, export_path);
  result = gtk_print_operation_run (op, export_path ? GTK_PRINT_OPERATION_ACTION_EXPORT
                                                    : GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                                    GTK_WINDOW (self), &error);
  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    _pz_window_toast (self, error->message);
}

static void
preview_print (PzWindow   *self,
               const char *kind)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.print-output", "s", kind);
}

static void
preview_save (PzWindow   *self,
              const char *kind)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.save-output", "s", kind);
}

static void
preview_closed (PzWindow *self)
{
  self->preview_window = NULL;
}

static void
show_preview (PzWindow   *self,
              PzScan     *scan,
              const char *kind)
{
  g_autofree char *title = g_strdup_printf ("%s — %s", output_title (kind),
                                            pz_json_get_string (self->file, "registration_number"));

  if (self->preview_window == NULL)
    {
      self->preview_window = pz_output_preview_new (GTK_WINDOW (self));
      g_signal_connect_swapped (self->preview_window, "print", G_CALLBACK (preview_print), self);
      g_signal_connect_swapped (self->preview_window, "save", G_CALLBACK (preview_save), self);
      g_signal_connect_swapped (self->preview_window, "destroy", G_CALLBACK (preview_closed), self);
    }
  pz_output_preview_show (PZ_OUTPUT_PREVIEW (self->preview_window), scan, kind, title);
}

static void
output_saved (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  OutputJob *job = data;
  g_autoptr(GError) error = NULL;

  _pz_window_set_busy (job->self, FALSE);
  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    _pz_window_toast (job->self, error->message);
  else
    _pz_window_toast (job->self, _("Copy saved"));
  output_job_free (job);
}

static void
output_fetched (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  OutputJob *job = data;
  PzWindow *self = job->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = pz_api_get_output_finish (PZ_CLIENT (source), result, NULL, &error);
  g_autoptr(PzScan) scan = NULL;

  _pz_window_set_busy (self, FALSE);
  if (bytes == NULL)
    {
      if (!_pz_window_handle_unreachable (self, error))
        _pz_window_toast (self, error->message);
      output_job_free (job);
      return;
    }
  if (job->use == OUTPUT_SAVE)
    {
      _pz_window_set_busy (self, TRUE);
      g_file_replace_contents_bytes_async (job->file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                           self->cancellable, output_saved, job);
      return;
    }
  if (!(scan = pz_scan_new_from_bytes (bytes, "application/pdf", &error)))
    _pz_window_toast (self, _("The document cannot be shown"));
  else if (job->use == OUTPUT_PREVIEW)
    show_preview (self, scan, job->kind);
  else
    print_scan (self, scan, output_title (job->kind), job->export_path);
  output_job_free (job);
}

static void
fetch_output (PzWindow  *self,
              OutputJob *job)
{
  _pz_window_set_busy (self, TRUE);
  pz_api_get_output_async (self->client, self->file_id, job->kind, self->cancellable, output_fetched, job);
}

static OutputJob *
output_job (PzWindow   *self,
            OutputUse   use,
            const char *kind)
{
  OutputJob *job = g_new0 (OutputJob, 1);

  job->self = g_object_ref (self);
  job->use = use;
  job->kind = g_strdup (kind);
  return job;
}

/**
 * pz_window_preview_output:
 * @self: a window with a file open
 * @kind: `receipt`, `bap`, `draft`, `permit` or `refusal`
 */
void
pz_window_preview_output (PzWindow   *self,
                          const char *kind)
{
  fetch_output (self, output_job (self, OUTPUT_PREVIEW, kind));
}

/**
 * pz_window_print_output:
 * @self: a window with a file open
 * @kind: the output
 * @export_path: (nullable): a PDF file to print to, without the dialog
 */
void
pz_window_print_output (PzWindow   *self,
                        const char *kind,
                        const char *export_path)
{
  OutputJob *job = output_job (self, OUTPUT_PRINT, kind);

  job->export_path = g_strdup (export_path);
  fetch_output (self, job);
}

void
pz_window_save_output (PzWindow   *self,
                       const char *kind,
                       GFile      *file)
{
  OutputJob *job = output_job (self, OUTPUT_SAVE, kind);

  job->file = g_object_ref (file);
  fetch_output (self, job);
}

GtkWidget *
pz_window_get_preview (PzWindow *self)
{
  return self->preview_window ? pz_output_preview_get_view (PZ_OUTPUT_PREVIEW (self->preview_window)) : NULL;
}

void
_pz_window_preview_output_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  pz_window_preview_output (PZ_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

void
_pz_window_print_output_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  pz_window_print_output (PZ_WINDOW (widget), g_variant_get_string (parameter, NULL), NULL);
}

static void
save_chooser_response (GtkNativeDialog *dialog,
                       int              response,
                       PzWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      pz_window_save_output (self, g_object_get_data (G_OBJECT (dialog), "kind"), file);
    }
  g_object_unref (dialog);
}

void
_pz_window_save_output_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  PzWindow *self = PZ_WINDOW (widget);
  const char *kind = g_variant_get_string (parameter, NULL);
  g_autofree char *name = g_strdup_printf ("%s-%s.pdf", kind, pz_json_get_string (self->file, "registration_number"));
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Save a Copy"), GTK_WINDOW (self),
                                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"),
                                                               _("_Cancel"));

  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_object_set_data_full (G_OBJECT (chooser), "kind", g_strdup (kind), g_free);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (save_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}
