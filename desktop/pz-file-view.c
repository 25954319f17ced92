/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-file-view"

#include "config.h"

#include "pz-file-view.h"

/* The window's right side: no file, the open file (or the registration
 * form) read from top to bottom, or its checklist viewer. */
struct _PzFileView
{
  GtkWidget          parent_instance;

  GtkStack          *stack;
  GtkScrolledWindow *scrolled;
  GtkBox            *content;
  PzChecklistPage   *checklist_page;
};

G_DEFINE_FINAL_TYPE (PzFileView, pz_file_view, GTK_TYPE_WIDGET)

static void
pz_file_view_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), PZ_TYPE_FILE_VIEW);
  G_OBJECT_CLASS (pz_file_view_parent_class)->dispose (object);
}

static void
pz_file_view_class_init (PzFileViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pz_file_view_dispose;

  g_type_ensure (PZ_TYPE_CHECKLIST_PAGE);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/id/go/perizinan/Perizinan/pz-file-view.ui");
  gtk_widget_class_bind_template_child (widget_class, PzFileView, stack);
  gtk_widget_class_bind_template_child (widget_class, PzFileView, scrolled);
  gtk_widget_class_bind_template_child (widget_class, PzFileView, content);
  gtk_widget_class_bind_template_child (widget_class, PzFileView, checklist_page);
}

static void
pz_file_view_init (PzFileView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
pz_file_view_new (void)
{
  return g_object_new (PZ_TYPE_FILE_VIEW, NULL);
}

/**
 * pz_file_view_get_content:
 *
 * Returns: (transfer none): the box the open file is shown in
 */
GtkBox *
pz_file_view_get_content (PzFileView *self)
{
  g_return_val_if_fail (PZ_IS_FILE_VIEW (self), NULL);

  return self->content;
}

/**
 * pz_file_view_get_checklist_page:
 *
 * Returns: (transfer none): the checklist viewer of the open file
 */
PzChecklistPage *
pz_file_view_get_checklist_page (PzFileView *self)
{
  g_return_val_if_fail (PZ_IS_FILE_VIEW (self), NULL);

  return self->checklist_page;
}

/**
 * pz_file_view_get_shown:
 *
 * Returns: `empty`, `file` or `documents`
 */
const char *
pz_file_view_get_shown (PzFileView *self)
{
  g_return_val_if_fail (PZ_IS_FILE_VIEW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

/**
 * pz_file_view_show:
 * @page: `empty` (no file open), `file` or `documents` (its checklist)
 */
void
pz_file_view_show (PzFileView *self,
                   const char *page)
{
  g_return_if_fail (PZ_IS_FILE_VIEW (self));

  gtk_stack_set_visible_child_name (self->stack, page);
}

/* A file opened is read from its top, wherever the last one was left. */
void
pz_file_view_scroll_to_top (PzFileView *self)
{
  g_return_if_fail (PZ_IS_FILE_VIEW (self));

  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scrolled), 0);
}
