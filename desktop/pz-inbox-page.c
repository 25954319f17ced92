/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-inbox-page"

#include "config.h"

#include <glib/gi18n.h>

#include "pz-file-item.h"
#include "pz-inbox-page.h"
#include "pz-widgets.h"

/* The window's list: the counts of my day, the search, the filters, the
 * late files and the table of files. Which files it shows is the window's,
 * told by the signals when the user asks for others; the page shows the
 * model it is given. */
struct _PzInboxPage
{
  GtkBox          parent_instance;

  GtkLabel       *count_waiting;
  GtkLabel       *count_overdue;
  GtkLabel       *count_done;
  GtkSearchEntry *search_entry;
  GtkDropDown    *step_filter;
  GtkDropDown    *status_filter;
  GtkDropDown    *type_filter;
  GtkWidget      *late_button;
  GtkLabel       *list_title;
  GtkStack       *inbox_stack;
  GtkColumnView  *inbox_view;
  AdwStatusPage  *inbox_empty;

  GListModel     *files;
  GListModel     *sorted;         /* the files in the order of the column clicked */
  GPtrArray      *step_codes;     /* filter position -> step id (0: any) */
  GPtrArray      *type_codes;
  guint           filling;        /* the filters change without asking */
};

G_DEFINE_FINAL_TYPE (PzInboxPage, pz_inbox_page, GTK_TYPE_BOX)

enum {
  SEARCH_CHANGED,
  SEARCH_ACTIVATED,
  FILTER_CHANGED,
  LATE_TOGGLED,
  FILE_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char * const statuses[] = { NULL, "in_progress", "waiting_applicant", "issued", "refused" };

static void
search_changed (PzInboxPage *self)
{
  if (self->filling == 0)
    g_signal_emit (self, signals[SEARCH_CHANGED], 0);
}

static void
search_activated (PzInboxPage *self)
{
  g_signal_emit (self, signals[SEARCH_ACTIVATED], 0);
}

static void
filter_changed (PzInboxPage *self)
{
  if (self->filling == 0)
    g_signal_emit (self, signals[FILTER_CHANGED], 0);
}

static void
late_toggled (PzInboxPage *self)
{
  if (self->filling == 0)
    g_signal_emit (self, signals[LATE_TOGGLED], 0);
}

static void
row_activated (GtkColumnView *view,
               guint          position,
               PzInboxPage   *self)
{
  g_autoptr(PzFileItem) item = self->sorted ? g_list_model_get_item (self->sorted, position) : NULL;

  if (item)
    g_signal_emit (self, signals[FILE_ACTIVATED], 0, pz_file_item_get_id (item));
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
add_column (PzInboxPage *self,
            const char  *title,
            guint        column,
            gboolean     expand)
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
pz_inbox_page_dispose (GObject *object)
{
  PzInboxPage *self = PZ_INBOX_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (object), PZ_TYPE_INBOX_PAGE);
  g_clear_object (&self->sorted);
  g_clear_object (&self->files);
  G_OBJECT_CLASS (pz_inbox_page_parent_class)->dispose (object);
}

static void
pz_inbox_page_finalize (GObject *object)
{
  PzInboxPage *self = PZ_INBOX_PAGE (object);

  g_clear_pointer (&self->step_codes, g_ptr_array_unref);
  g_clear_pointer (&self->type_codes, g_ptr_array_unref);
  G_OBJECT_CLASS (pz_inbox_page_parent_class)->finalize (object);
}

static void
pz_inbox_page_class_init (PzInboxPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pz_inbox_page_dispose;
  object_class->finalize = pz_inbox_page_finalize;

  /**
   * PzInboxPage::search-changed:
   *
   * What is searched for was typed.
   */
  signals[SEARCH_CHANGED] = g_signal_new ("search-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                          NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * PzInboxPage::search-activated:
   *
   * Enter was pressed in the search.
   */
  signals[SEARCH_ACTIVATED] = g_signal_new ("search-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                            NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * PzInboxPage::filter-changed:
   *
   * Another step, status or permit type was chosen.
   */
  signals[FILTER_CHANGED] = g_signal_new ("filter-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                          NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * PzInboxPage::late-toggled:
   *
   * Late Files was pressed.
   */
  signals[LATE_TOGGLED] = g_signal_new ("late-toggled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * PzInboxPage::file-activated:
   * @id: the file's id
   *
   * A file of the list was chosen.
   */
  signals[FILE_ACTIVATED] = g_signal_new ("file-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                          NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class, "/id/go/perizinan/Perizinan/pz-inbox-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PzInboxPage, count_waiting);
  gtk_widget_class_bind_template_child (widget_class, PzInboxPage, count_overdue);
  gtk_widget_class_bind_template_child (widget_class, PzInboxPage, count_done);
  gtk_widget_class_bind_template_child (widget_class, PzInboxPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, PzInboxPage, step_filter);
  gtk_widget_class_bind_template_child (widget_class, PzInboxPage, status_filter);
  gtk_widget_class_bind_template_child (widget_class, PzInboxPage, type_filter);
  gtk_widget_class_bind_template_child (widget_class, PzInboxPage, late_button);
  gtk_widget_class_bind_template_child (widget_class, PzInboxPage, list_title);
  gtk_widget_class_bind_template_child (widget_class, PzInboxPage, inbox_stack);
  gtk_widget_class_bind_template_child (widget_class, PzInboxPage, inbox_view);
  gtk_widget_class_bind_template_child (widget_class, PzInboxPage, inbox_empty);
  gtk_widget_class_bind_template_callback (widget_class, late_toggled);
}

static void
pz_inbox_page_init (PzInboxPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

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
  g_signal_connect_swapped (self->search_entry, "search-changed", G_CALLBACK (search_changed), self);
  g_signal_connect_swapped (self->search_entry, "activate", G_CALLBACK (search_activated), self);
  g_signal_connect_swapped (self->step_filter, "notify::selected", G_CALLBACK (filter_changed), self);
  g_signal_connect_swapped (self->status_filter, "notify::selected", G_CALLBACK (filter_changed), self);
  g_signal_connect_swapped (self->type_filter, "notify::selected", G_CALLBACK (filter_changed), self);
  gtk_label_set_text (self->count_waiting, "—");
  gtk_label_set_text (self->count_overdue, "—");
  gtk_label_set_text (self->count_done, "—");
}

GtkWidget *
pz_inbox_page_new (void)
{
  return g_object_new (PZ_TYPE_INBOX_PAGE, NULL);
}

/**
 * pz_inbox_page_set_files:
 * @files: a model of #PzFileItem, in the server's order
 *
 * The list shows @files, in the server's order until a column's header
 * is clicked.
 */
void
pz_inbox_page_set_files (PzInboxPage *self,
                         GListModel  *files)
{
  GtkSelectionModel *selection;

  g_return_if_fail (PZ_IS_INBOX_PAGE (self));
  g_return_if_fail (G_IS_LIST_MODEL (files));

  g_set_object (&self->files, files);
  g_clear_object (&self->sorted);
  self->sorted = G_LIST_MODEL (gtk_sort_list_model_new (g_object_ref (files),
                                                        g_object_ref (gtk_column_view_get_sorter (self->inbox_view))));
  selection = GTK_SELECTION_MODEL (gtk_single_selection_new (g_object_ref (self->sorted)));
  gtk_single_selection_set_autoselect (GTK_SINGLE_SELECTION (selection), FALSE);
  gtk_column_view_set_model (self->inbox_view, selection);
  g_object_unref (selection);
}

/**
 * pz_inbox_page_get_sorted_files:
 *
 * Returns: (transfer none) (nullable): the files in the order shown
 */
GListModel *
pz_inbox_page_get_sorted_files (PzInboxPage *self)
{
  g_return_val_if_fail (PZ_IS_INBOX_PAGE (self), NULL);

  return self->sorted;
}

/**
 * pz_inbox_page_set_filters:
 * @step_ids: (array zero-terminated=1): the steps, in the order of the procedure
 * @step_titles: (array zero-terminated=1): their titles
 * @type_codes: (array zero-terminated=1): the permit types, in the order shown
 * @type_names: (array zero-terminated=1): their names
 *
 * The choices of the filters, each after its "any"; the filters go back
 * to it without a signal.
 */
void
pz_inbox_page_set_filters (PzInboxPage *self,
                           const char **step_ids,
                           const char **step_titles,
                           const char **type_codes,
                           const char **type_names)
{
  g_autoptr(GtkStringList) steps = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) types = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) status_list = gtk_string_list_new (NULL);

  g_return_if_fail (PZ_IS_INBOX_PAGE (self));

  self->filling++;
  g_clear_pointer (&self->step_codes, g_ptr_array_unref);
  g_clear_pointer (&self->type_codes, g_ptr_array_unref);
  self->step_codes = g_ptr_array_new_with_free_func (g_free);
  self->type_codes = g_ptr_array_new_with_free_func (g_free);

  gtk_string_list_append (steps, _("Any step"));
  g_ptr_array_add (self->step_codes, NULL);
  for (guint i = 0; step_ids && step_ids[i]; i++)
    {
      gtk_string_list_append (steps, step_titles[i]);
      g_ptr_array_add (self->step_codes, g_strdup (step_ids[i]));
    }

  gtk_string_list_append (types, _("Any permit type"));
  g_ptr_array_add (self->type_codes, NULL);
  for (guint i = 0; type_codes && type_codes[i]; i++)
    {
      gtk_string_list_append (types, type_names[i]);
      g_ptr_array_add (self->type_codes, g_strdup (type_codes[i]));
    }

  gtk_string_list_append (status_list, _("Any status"));
  gtk_string_list_append (status_list, _("In progress"));
  gtk_string_list_append (status_list, _("Waiting for applicant"));
  gtk_string_list_append (status_list, _("Issued"));
  gtk_string_list_append (status_list, _("Refused"));

  gtk_drop_down_set_model (self->step_filter, G_LIST_MODEL (steps));
  gtk_drop_down_set_model (self->type_filter, G_LIST_MODEL (types));
  gtk_drop_down_set_model (self->status_filter, G_LIST_MODEL (status_list));
  gtk_drop_down_set_selected (self->step_filter, 0);
  gtk_drop_down_set_selected (self->type_filter, 0);
  gtk_drop_down_set_selected (self->status_filter, 0);
  self->filling--;
}

const char *
pz_inbox_page_get_search (PzInboxPage *self)
{
  g_return_val_if_fail (PZ_IS_INBOX_PAGE (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
}

/**
 * pz_inbox_page_get_step:
 *
 * Returns: (nullable): the step chosen in the filter, or %NULL for any
 */
const char *
pz_inbox_page_get_step (PzInboxPage *self)
{
  guint i;

  g_return_val_if_fail (PZ_IS_INBOX_PAGE (self), NULL);

  i = gtk_drop_down_get_selected (self->step_filter);
  return self->step_codes && i < self->step_codes->len ? g_ptr_array_index (self->step_codes, i) : NULL;
}

/**
 * pz_inbox_page_get_status:
 *
 * Returns: (nullable): the status chosen in the filter, or %NULL for any
 */
const char *
pz_inbox_page_get_status (PzInboxPage *self)
{
  guint i;

  g_return_val_if_fail (PZ_IS_INBOX_PAGE (self), NULL);

  i = gtk_drop_down_get_selected (self->status_filter);
  return i < G_N_ELEMENTS (statuses) ? statuses[i] : NULL;
}

/**
 * pz_inbox_page_get_permit_type:
 *
 * Returns: (nullable): the permit type chosen in the filter, or %NULL for any
 */
const char *
pz_inbox_page_get_permit_type (PzInboxPage *self)
{
  guint i;

  g_return_val_if_fail (PZ_IS_INBOX_PAGE (self), NULL);

  i = gtk_drop_down_get_selected (self->type_filter);
  return self->type_codes && i < self->type_codes->len ? g_ptr_array_index (self->type_codes, i) : NULL;
}

/* Whether the list is to show the late files. */
gboolean
pz_inbox_page_get_late (PzInboxPage *self)
{
  g_return_val_if_fail (PZ_IS_INBOX_PAGE (self), FALSE);

  return gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->late_button));
}

/* As if Late Files was pressed. */
void
pz_inbox_page_toggle_late (PzInboxPage *self)
{
  g_return_if_fail (PZ_IS_INBOX_PAGE (self));

  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->late_button),
                                !gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->late_button)));
}

/**
 * pz_inbox_page_get_late_button:
 *
 * Returns: (transfer none): the Late Files toggle
 */
GtkWidget *
pz_inbox_page_get_late_button (PzInboxPage *self)
{
  g_return_val_if_fail (PZ_IS_INBOX_PAGE (self), NULL);

  return self->late_button;
}

/* Whether the list shows a search, a filter or the late files rather than
 * the inbox itself. */
gboolean
pz_inbox_page_is_filtered (PzInboxPage *self)
{
  const char *q;

  g_return_val_if_fail (PZ_IS_INBOX_PAGE (self), FALSE);

  q = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  return (q && *q) || gtk_drop_down_get_selected (self->step_filter) != 0 ||
         gtk_drop_down_get_selected (self->status_filter) != 0 ||
         gtk_drop_down_get_selected (self->type_filter) != 0 || pz_inbox_page_get_late (self);
}

/* Back to the inbox itself, with nothing counted yet, and without a
 * signal: after logging out. */
void
pz_inbox_page_reset (PzInboxPage *self)
{
  g_return_if_fail (PZ_IS_INBOX_PAGE (self));

  self->filling++;
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_drop_down_set_selected (self->step_filter, 0);
  gtk_drop_down_set_selected (self->status_filter, 0);
  gtk_drop_down_set_selected (self->type_filter, 0);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->late_button), FALSE);
  self->filling--;
  gtk_label_set_text (self->count_waiting, "");
  gtk_label_set_text (self->count_overdue, "");
  gtk_label_set_text (self->count_done, "");
  gtk_label_set_text (self->list_title, "");
}

static void
show_list (PzInboxPage *self)
{
  gboolean any = self->files && g_list_model_get_n_items (self->files) > 0;

  gtk_stack_set_visible_child_name (self->inbox_stack, any ? "list" : "empty");
}

/* The files given are the inbox, with the counts of my day. */
void
pz_inbox_page_show_inbox (PzInboxPage *self,
                          gint64       waiting,
                          gint64       overdue,
                          gint64       done_today)
{
  g_autofree char *w = g_strdup_printf ("%" G_GINT64_FORMAT, waiting);
  g_autofree char *o = g_strdup_printf ("%" G_GINT64_FORMAT, overdue);
  g_autofree char *d = g_strdup_printf ("%" G_GINT64_FORMAT, done_today);

  g_return_if_fail (PZ_IS_INBOX_PAGE (self));

  gtk_label_set_text (self->count_waiting, w);
  gtk_label_set_text (self->count_overdue, o);
  gtk_label_set_text (self->count_done, d);
  gtk_label_set_text (self->list_title, _("Waiting for me, most urgent first"));
  adw_status_page_set_icon_name (self->inbox_empty, "object-select-symbolic");
  adw_status_page_set_title (self->inbox_empty, _("No Files Waiting"));
  adw_status_page_set_description (self->inbox_empty,
                                   _("Nothing waits for you now; new files appear here as they reach you."));
  show_list (self);
}

/* The files given are the late ones. */
void
pz_inbox_page_show_late (PzInboxPage *self,
                         gint64       total)
{
  g_autofree char *title = g_strdup_printf (ngettext ("%lld late file: over its step's standard or near "
                                                      "the legal deadline",
                                                      "%lld late files: over their step's standard or near "
                                                      "the legal deadline",
                                                      (gulong) total),
                                            (long long) total);

  g_return_if_fail (PZ_IS_INBOX_PAGE (self));

  gtk_label_set_text (self->list_title, title);
  adw_status_page_set_icon_name (self->inbox_empty, "task-due-symbolic");
  adw_status_page_set_title (self->inbox_empty, _("No Late Files"));
  adw_status_page_set_description (self->inbox_empty, _("Every file is within its step's standard."));
  show_list (self);
}

/* The files given are what a search or the filters found. */
void
pz_inbox_page_show_search (PzInboxPage *self)
{
  g_return_if_fail (PZ_IS_INBOX_PAGE (self));

  gtk_label_set_text (self->list_title, _("Search results, newest first"));
  adw_status_page_set_icon_name (self->inbox_empty, "edit-find-symbolic");
  adw_status_page_set_title (self->inbox_empty, _("No Matching Files"));
  adw_status_page_set_description (self->inbox_empty, _("Try another search or other filters."));
  show_list (self);
}

void
pz_inbox_page_focus_search (PzInboxPage *self)
{
  g_return_if_fail (PZ_IS_INBOX_PAGE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}
