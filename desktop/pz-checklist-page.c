/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-checklist-page"

#include "config.h"

#include <glib/gi18n.h>

#include "perizinan.h"
#include "pz-checklist.h"
#include "pz-checklist-page.h"

/* The checklist viewer: the documents of a file on the left, the one
 * chosen on the right, with the verdict and upload under it. What the
 * verdicts and uploads do is the window's, reached through the win.*
 * actions of the buttons and the signals; the page shows what it is told. */
struct _PzChecklistPage
{
  GtkWidget       parent_instance;

  GtkWidget      *paned;
  GtkLabel       *progress_label;
  GtkWidget      *previous_button;
  GtkWidget      *next_button;
  GtkListBox     *list;
  GtkWidget      *complete_button;
  GtkWidget      *document_box;
  GtkStack       *stack;
  PzDocumentView *view;
  GtkProgressBar *upload_bar;
  GtkLabel       *message_label;
  GtkWidget      *actions;
  GtkWidget      *upload_button;
  GtkEntry       *note_entry;
  GtkWidget      *not_ok_button;
  GtkWidget      *ok_button;
};

G_DEFINE_FINAL_TYPE (PzChecklistPage, pz_checklist_page, GTK_TYPE_WIDGET)

enum {
  REQUIREMENT_ACTIVATED,
  FILE_DROPPED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
row_activated (GtkListBox      *list,
               GtkListBoxRow   *row,
               PzChecklistPage *self)
{
  g_signal_emit (self, signals[REQUIREMENT_ACTIVATED], 0, g_object_get_data (G_OBJECT (row), "requirement"));
}

static gboolean
file_dropped (GtkDropTarget   *target,
              const GValue    *value,
              double           x,
              double           y,
              PzChecklistPage *self)
{
  gboolean handled = FALSE;

  if (!G_VALUE_HOLDS (value, G_TYPE_FILE))
    return FALSE;
  g_signal_emit (self, signals[FILE_DROPPED], 0, g_value_get_object (value), &handled);
  return handled;
}

static void
pz_checklist_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), PZ_TYPE_CHECKLIST_PAGE);
  G_OBJECT_CLASS (pz_checklist_page_parent_class)->dispose (object);
}

static void
pz_checklist_page_class_init (PzChecklistPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pz_checklist_page_dispose;

  /**
   * PzChecklistPage::requirement-activated:
   * @requirement: the code of the document chosen in the list
   *
   * A document of the list was chosen.
   */
  signals[REQUIREMENT_ACTIVATED] = g_signal_new ("requirement-activated", G_TYPE_FROM_CLASS (klass),
                                                 G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                 G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * PzChecklistPage::file-dropped:
   * @file: the file dropped on the document
   *
   * A file was dropped on the document shown, to be uploaded as its scan.
   *
   * Returns: %TRUE if the file is taken
   */
  signals[FILE_DROPPED] = g_signal_new ("file-dropped", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        g_signal_accumulator_true_handled, NULL, NULL,
                                        G_TYPE_BOOLEAN, 1, G_TYPE_FILE);

  g_type_ensure (PZ_TYPE_DOCUMENT_VIEW);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/id/go/perizinan/Perizinan/pz-checklist-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PzChecklistPage, paned);
  gtk_widget_class_bind_template_child (widget_class, PzChecklistPage, progress_label);
  gtk_widget_class_bind_template_child (widget_class, PzChecklistPage, previous_button);
  gtk_widget_class_bind_template_child (widget_class, PzChecklistPage, next_button);
  gtk_widget_class_bind_template_child (widget_class, PzChecklistPage, list);
  gtk_widget_class_bind_template_child (widget_class, PzChecklistPage, complete_button);
  gtk_widget_class_bind_template_child (widget_class, PzChecklistPage, document_box);
  gtk_widget_class_bind_template_child (widget_class, PzChecklistPage, stack);
  gtk_widget_class_bind_template_child (widget_class, PzChecklistPage, view);
  gtk_widget_class_bind_template_child (widget_class, PzChecklistPage, upload_bar);
  gtk_widget_class_bind_template_child (widget_class, PzChecklistPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, PzChecklistPage, actions);
  gtk_widget_class_bind_template_child (widget_class, PzChecklistPage, upload_button);
  gtk_widget_class_bind_template_child (widget_class, PzChecklistPage, note_entry);
  gtk_widget_class_bind_template_child (widget_class, PzChecklistPage, not_ok_button);
  gtk_widget_class_bind_template_child (widget_class, PzChecklistPage, ok_button);
  gtk_widget_class_bind_template_callback (widget_class, row_activated);
}

static void
pz_checklist_page_init (PzChecklistPage *self)
{
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));

  drop = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (file_dropped), self);
  gtk_widget_add_controller (self->document_box, GTK_EVENT_CONTROLLER (drop));
  pz_checklist_add_shortcuts (self->paned);
}

GtkWidget *
pz_checklist_page_new (void)
{
  return g_object_new (PZ_TYPE_CHECKLIST_PAGE, NULL);
}

/**
 * pz_checklist_page_set_checklist:
 * @checklist: (nullable): the file's checklist
 * @selected: (nullable): the requirement whose row is selected
 *
 * One row per document with its state, and how many have their verdict.
 */
void
pz_checklist_page_set_checklist (PzChecklistPage *self,
                                 JsonArray       *checklist,
                                 const char      *selected)
{
  GtkWidget *child;
  guint checked = 0, total = 0;
  g_autofree char *progress = NULL;

  g_return_if_fail (PZ_IS_CHECKLIST_PAGE (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))))
    gtk_list_box_remove (self->list, child);
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
      gtk_list_box_append (self->list, row);
      if (g_strcmp0 (pz_json_get_string (item, "requirement"), selected) == 0)
        gtk_list_box_select_row (self->list, GTK_LIST_BOX_ROW (row));
    }
  progress = g_strdup_printf (_("%u of %u checked"), checked, total);
  gtk_label_set_text (self->progress_label, progress);
}

void
pz_checklist_page_select (PzChecklistPage *self,
                          const char      *requirement)
{
  g_return_if_fail (PZ_IS_CHECKLIST_PAGE (self));

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->list)); row;
       row = gtk_widget_get_next_sibling (row))
    if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "requirement"), requirement) == 0)
      gtk_list_box_select_row (self->list, GTK_LIST_BOX_ROW (row));
}

/**
 * pz_checklist_page_set_message:
 * @message: (nullable): what went wrong; %NULL hides the last one
 */
void
pz_checklist_page_set_message (PzChecklistPage *self,
                               const char      *message)
{
  g_return_if_fail (PZ_IS_CHECKLIST_PAGE (self));

  gtk_label_set_text (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}

const char *
pz_checklist_page_get_note (PzChecklistPage *self)
{
  g_return_val_if_fail (PZ_IS_CHECKLIST_PAGE (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->note_entry));
}

void
pz_checklist_page_set_note (PzChecklistPage *self,
                            const char      *note)
{
  g_return_if_fail (PZ_IS_CHECKLIST_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->note_entry), note ? note : "");
}

/* The verdict and upload bar, only where this user may act on the file. */
void
pz_checklist_page_set_editable (PzChecklistPage *self,
                                gboolean         editable)
{
  g_return_if_fail (PZ_IS_CHECKLIST_PAGE (self));

  gtk_widget_set_sensitive (self->actions, editable);
  gtk_widget_set_visible (self->actions, editable);
}

/**
 * pz_checklist_page_set_document:
 * @document: (nullable): the scan to show; %NULL drops the one shown
 */
void
pz_checklist_page_set_document (PzChecklistPage *self,
                                PzScan          *document)
{
  g_return_if_fail (PZ_IS_CHECKLIST_PAGE (self));

  pz_document_view_set_document (self->view, document);
  if (document)
    gtk_stack_set_visible_child_name (self->stack, "document");
}

/* The document chosen has no scan yet. */
void
pz_checklist_page_show_missing (PzChecklistPage *self)
{
  g_return_if_fail (PZ_IS_CHECKLIST_PAGE (self));

  gtk_stack_set_visible_child_name (self->stack, "missing");
}

void
pz_checklist_page_set_uploading (PzChecklistPage *self,
                                 gboolean         uploading)
{
  g_return_if_fail (PZ_IS_CHECKLIST_PAGE (self));

  if (uploading)
    gtk_progress_bar_set_fraction (self->upload_bar, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->upload_bar), uploading);
}

void
pz_checklist_page_set_upload_fraction (PzChecklistPage *self,
                                       double           fraction)
{
  g_return_if_fail (PZ_IS_CHECKLIST_PAGE (self));

  gtk_progress_bar_set_fraction (self->upload_bar, fraction);
}

/**
 * pz_checklist_page_set_controls:
 * @uploaded: whether the document shown has a scan to give a verdict on
 * @has_previous: whether a document comes before it
 * @has_next: whether a document comes after it
 *
 * A control that cannot act says why in its tooltip.
 */
void
pz_checklist_page_set_controls (PzChecklistPage *self,
                                gboolean         uploaded,
                                gboolean         has_previous,
                                gboolean         has_next)
{
  g_return_if_fail (PZ_IS_CHECKLIST_PAGE (self));

  if (uploaded)
    {
      gtk_widget_set_tooltip_text (self->ok_button, _("The document is complete and valid (Alt+O)"));
      gtk_widget_set_tooltip_text (self->not_ok_button,
                                   _("The document is wrong or incomplete; say why in the note (Alt+N)"));
    }
  else
    {
      gtk_widget_set_tooltip_text (self->ok_button, _("Not uploaded yet: upload the scan before giving a verdict"));
      gtk_widget_set_tooltip_text (self->not_ok_button,
                                   _("Not uploaded yet: upload the scan before giving a verdict"));
    }
  gtk_widget_set_tooltip_text (self->next_button, has_next ? _("Next document (Alt+Page Down)")
                                                           : _("This is the last document"));
  gtk_widget_set_tooltip_text (self->previous_button, has_previous ? _("Previous document (Alt+Page Up)")
                                                                   : _("This is the first document"));
}

/**
 * pz_checklist_page_set_complete:
 * @visible: whether the step's approval is offered under the list
 * @label: (nullable): the approval's label; %NULL keeps the last one
 * @tooltip: (nullable): what holds it back, or its key
 */
void
pz_checklist_page_set_complete (PzChecklistPage *self,
                                gboolean         visible,
                                const char      *label,
                                const char      *tooltip)
{
  g_return_if_fail (PZ_IS_CHECKLIST_PAGE (self));

  gtk_widget_set_visible (self->complete_button, visible);
  if (label)
    gtk_button_set_label (GTK_BUTTON (self->complete_button), label);
  gtk_widget_set_tooltip_text (self->complete_button, tooltip);
}

/* Once every document has its verdict, what comes next is the approval.
 * Returns whether it could take the focus. */
gboolean
pz_checklist_page_focus_complete (PzChecklistPage *self)
{
  g_return_val_if_fail (PZ_IS_CHECKLIST_PAGE (self), FALSE);

  if (!gtk_widget_get_sensitive (self->complete_button) || !gtk_widget_get_visible (self->complete_button))
    return FALSE;
  gtk_widget_grab_focus (self->complete_button);
  return TRUE;
}

void
pz_checklist_page_focus_upload (PzChecklistPage *self)
{
  g_return_if_fail (PZ_IS_CHECKLIST_PAGE (self));

  gtk_widget_grab_focus (self->upload_button);
}

void
pz_checklist_page_focus_note (PzChecklistPage *self)
{
  g_return_if_fail (PZ_IS_CHECKLIST_PAGE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->note_entry));
}

/**
 * pz_checklist_page_get_document_view:
 *
 * Returns: (transfer none): the view of the document chosen
 */
PzDocumentView *
pz_checklist_page_get_document_view (PzChecklistPage *self)
{
  g_return_val_if_fail (PZ_IS_CHECKLIST_PAGE (self), NULL);

  return self->view;
}
