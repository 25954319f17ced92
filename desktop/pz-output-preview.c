/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-output-preview"

#include "config.h"

#include "pz-document-view.h"
#include "pz-output-preview.h"
#include "pz-widgets.h"

/* A document a step produced (receipt, BAP, draft, permit, refusal), shown
 * in a window of its own beside the file, with Print and Save a Copy: what
 * those do is the window's, told by the signals. */
struct _PzOutputPreview
{
  AdwWindow       parent_instance;

  PzDocumentView *view;
  char           *kind;
};

G_DEFINE_FINAL_TYPE (PzOutputPreview, pz_output_preview, ADW_TYPE_WINDOW)

enum {
  PRINT,
  SAVE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
print_clicked (PzOutputPreview *self)
{
  g_signal_emit (self, signals[PRINT], 0, self->kind);
}

static void
save_clicked (PzOutputPreview *self)
{
  g_signal_emit (self, signals[SAVE], 0, self->kind);
}

static void
pz_output_preview_finalize (GObject *object)
{
  PzOutputPreview *self = PZ_OUTPUT_PREVIEW (object);

  g_free (self->kind);
  G_OBJECT_CLASS (pz_output_preview_parent_class)->finalize (object);
}

static void
pz_output_preview_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), PZ_TYPE_OUTPUT_PREVIEW);
  G_OBJECT_CLASS (pz_output_preview_parent_class)->dispose (object);
}

static void
pz_output_preview_class_init (PzOutputPreviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pz_output_preview_dispose;
  object_class->finalize = pz_output_preview_finalize;

  /**
   * PzOutputPreview::print:
   * @kind: the output shown
   *
   * Print was pressed.
   */
  signals[PRINT] = g_signal_new ("print", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * PzOutputPreview::save:
   * @kind: the output shown
   *
   * Save a Copy was pressed.
   */
  signals[SAVE] = g_signal_new ("save", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (PZ_TYPE_DOCUMENT_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/id/go/perizinan/Perizinan/pz-output-preview.ui");
  gtk_widget_class_bind_template_child (widget_class, PzOutputPreview, view);
  gtk_widget_class_bind_template_callback (widget_class, print_clicked);
  gtk_widget_class_bind_template_callback (widget_class, save_clicked);
}

static void
pz_output_preview_init (PzOutputPreview *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  pz_window_add_close_keys (GTK_WINDOW (self));
}

/**
 * pz_output_preview_new:
 * @parent: the window of the file
 *
 * Returns: (transfer none): a preview, shown by pz_output_preview_show()
 */
GtkWidget *
pz_output_preview_new (GtkWindow *parent)
{
  return g_object_new (PZ_TYPE_OUTPUT_PREVIEW, "transient-for", parent, NULL);
}

/**
 * pz_output_preview_show:
 * @self: a preview
 * @scan: the document
 * @kind: which output it is
 * @title: the window's title
 */
void
pz_output_preview_show (PzOutputPreview *self,
                        PzScan          *scan,
                        const char      *kind,
                        const char      *title)
{
  g_free (self->kind);
  self->kind = g_strdup (kind);
  gtk_window_set_title (GTK_WINDOW (self), title);
  pz_document_view_set_document (self->view, scan);
  gtk_window_present (GTK_WINDOW (self));
}

const char *
pz_output_preview_get_kind (PzOutputPreview *self)
{
  return self->kind;
}

GtkWidget *
pz_output_preview_get_view (PzOutputPreview *self)
{
  return GTK_WIDGET (self->view);
}
