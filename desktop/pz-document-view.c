/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-document-view"

#include "config.h"

#include <glib/gi18n.h>

#include "pz-document-view.h"

#define CACHE_SIZE 12
#define SLOW_RENDER_MS 3000
#define THUMB_SCALE 0.12
#define MAX_THUMBS 200

/* Shows one page of a document at a time, rendered off the main thread,
 * with a small cache of rendered pages and a strip of thumbnails. A page
 * that takes long can be abandoned: the window stays responsive. */
struct _PzDocumentView
{
  GtkWidget        parent_instance;

  PzDocumentModel *model;
  GtkWidget       *box;
  GtkWidget       *page_label;
  GtkWidget       *zoom_label;
  GtkWidget       *scroller;
  GtkWidget       *picture;
  GtkWidget       *slow_bar;
  GtkWidget       *thumbs;

  GCancellable    *render_cancellable;
  char            *shown_key;
  char            *wanted_key;
  guint            slow_source;
  GHashTable      *cache;       /* key -> GdkTexture */
  GQueue           lru;         /* keys, newest first */
  GCancellable    *thumbs_cancellable;
  int              last_width;
};

G_DEFINE_FINAL_TYPE (PzDocumentView, pz_document_view, GTK_TYPE_WIDGET)

static void update (PzDocumentView *self);

static double
effective_scale (PzDocumentView *self)
{
  PzScan *doc = pz_document_model_get_document (self->model);
  double w, h, page_w;
  int avail;

  if (doc == NULL || !pz_document_model_get_fit_width (self->model))
    return pz_document_model_get_scale (self->model);
  pz_scan_get_page_size (doc, pz_document_model_get_page (self->model), &w, &h);
  page_w = pz_document_model_get_rotation (self->model) % 180 ? h : w;
  avail = gtk_widget_get_width (self->scroller) - 24;
  if (avail < 100 || page_w <= 0)
    avail = 600;
  return CLAMP (avail / page_w, 0.1, 8.0);
}

static char *
key_for (guint  page,
         double scale,
         int    rotation)
{
  return g_strdup_printf ("%u:%.3f:%d", page, scale, rotation);
}

static void
cache_put (PzDocumentView *self,
           const char     *key,
           GdkTexture     *texture)
{
  if (g_hash_table_contains (self->cache, key))
    return;
  g_hash_table_insert (self->cache, g_strdup (key), g_object_ref (texture));
  g_queue_push_head (&self->lru, g_strdup (key));
  while (g_queue_get_length (&self->lru) > CACHE_SIZE)
    {
      g_autofree char *old = g_queue_pop_tail (&self->lru);
      g_hash_table_remove (self->cache, old);
    }
}

static void
cache_clear (PzDocumentView *self)
{
  g_hash_table_remove_all (self->cache);
  g_queue_clear_full (&self->lru, g_free);
}

typedef struct {
  PzScan *document;
  guint   page;
  double  scale;
  int     rotation;
  char   *key;
} RenderJob;

static void
render_job_free (RenderJob *job)
{
  g_clear_object (&job->document);
  g_free (job->key);
  g_free (job);
}

static void
render_thread (GTask        *task,
               gpointer      source,
               gpointer      data,
               GCancellable *cancellable)
{
  RenderJob *job = data;
  GError *error = NULL;
  GdkTexture *texture = pz_scan_render (job->document, job->page, job->scale, job->rotation,
                                        cancellable, &error);

  if (texture)
    g_task_return_pointer (task, texture, g_object_unref);
  else
    g_task_return_error (task, error);
}

static void
stop_slow_timer (PzDocumentView *self)
{
  g_clear_handle_id (&self->slow_source, g_source_remove);
  gtk_widget_set_visible (self->slow_bar, FALSE);
}

static void
render_done (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  PzDocumentView *self = data;
  RenderJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = g_task_propagate_pointer (G_TASK (result), &error);

  /* an abandoned render finishes here and is dropped */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->model == NULL)
    {
      g_object_unref (self);
      return;
    }
  if (texture && pz_document_model_get_document (self->model) == job->document)
    cache_put (self, job->key, texture);
  if (g_strcmp0 (job->key, self->wanted_key) == 0)
    {
      stop_slow_timer (self);
      g_clear_object (&self->render_cancellable);
      if (texture)
        {
          gtk_picture_set_paintable (GTK_PICTURE (self->picture), GDK_PAINTABLE (texture));
          g_free (self->shown_key);
          self->shown_key = g_strdup (job->key);
        }
    }
  g_object_unref (self);
}

static gboolean
render_is_slow (gpointer data)
{
  PzDocumentView *self = data;

  self->slow_source = 0;
  gtk_widget_set_visible (self->slow_bar, TRUE);
  return G_SOURCE_REMOVE;
}

static void
abandon_clicked (PzDocumentView *self)
{
  g_cancellable_cancel (self->render_cancellable);
  g_clear_object (&self->render_cancellable);
  g_clear_pointer (&self->wanted_key, g_free);
  stop_slow_timer (self);
}

static void
update_labels (PzDocumentView *self)
{
  PzScan *doc = pz_document_model_get_document (self->model);
  g_autofree char *page = NULL;
  /* 100% is the page at its printed size on a 96 dpi screen */
  g_autofree char *zoom = g_strdup_printf ("%.0f%%", effective_scale (self) / (96.0 / 72.0) * 100);

  if (doc)
    page = g_strdup_printf (_("Page %u of %u"), pz_document_model_get_page (self->model) + 1,
                            pz_scan_get_n_pages (doc));
  gtk_label_set_text (GTK_LABEL (self->page_label), page ? page : "");
  gtk_label_set_text (GTK_LABEL (self->zoom_label), zoom);
}

static void
update (PzDocumentView *self)
{
  PzScan *doc = pz_document_model_get_document (self->model);
  double scale;
  guint page;
  int rotation;
  g_autofree char *key = NULL;
  GdkTexture *cached;
  RenderJob *job;
  GTask *task;

  update_labels (self);
  if (doc == NULL)
    {
      gtk_picture_set_paintable (GTK_PICTURE (self->picture), NULL);
      return;
    }
  scale = effective_scale (self);
  page = pz_document_model_get_page (self->model);
  rotation = pz_document_model_get_rotation (self->model);
  key = key_for (page, scale, rotation);
  if (g_strcmp0 (key, self->wanted_key) == 0)
    return;

  /* a newer wish replaces the one being rendered */
  g_cancellable_cancel (self->render_cancellable);
  g_clear_object (&self->render_cancellable);
  stop_slow_timer (self);
  g_free (self->wanted_key);
  self->wanted_key = g_strdup (key);

  if ((cached = g_hash_table_lookup (self->cache, key)))
    {
      gtk_picture_set_paintable (GTK_PICTURE (self->picture), GDK_PAINTABLE (cached));
      g_free (self->shown_key);
      self->shown_key = g_strdup (key);
      return;
    }

  self->render_cancellable = g_cancellable_new ();
  job = g_new0 (RenderJob, 1);
  job->document = g_object_ref (doc);
  job->page = page;
  job->scale = scale;
  job->rotation = rotation;
  job->key = g_steal_pointer (&key);
  task = g_task_new (NULL, self->render_cancellable, render_done, g_object_ref (self));
  g_task_set_task_data (task, job, (GDestroyNotify) render_job_free);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, render_thread);
  g_object_unref (task);
  self->slow_source = g_timeout_add (SLOW_RENDER_MS, render_is_slow, self);
}

/* Thumbnails: rendered one after another in the background, small. */

static void thumb_next (PzDocumentView *self, guint page);

static void
thumb_clicked (GtkButton      *button,
               PzDocumentView *self)
{
  pz_document_model_set_page (self->model, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "page")));
}

static void
thumb_done (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  PzDocumentView *self = data;
  RenderJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = g_task_propagate_pointer (G_TASK (result), &error);
  guint page = job->page;

  if (texture && self->model && pz_document_model_get_document (self->model) == job->document)
    {
      GtkWidget *button = gtk_button_new ();
      GtkWidget *picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));
      g_autofree char *name = g_strdup_printf (_("Page %u"), page + 1);

      gtk_picture_set_can_shrink (GTK_PICTURE (picture), FALSE);
      gtk_button_set_child (GTK_BUTTON (button), picture);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_tooltip_text (button, name);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      g_object_set_data (G_OBJECT (button), "page", GUINT_TO_POINTER (page));
      g_signal_connect (button, "clicked", G_CALLBACK (thumb_clicked), self);
      gtk_box_append (GTK_BOX (self->thumbs), button);
      thumb_next (self, page + 1);
    }
  g_object_unref (self);
}

static void
thumb_next (PzDocumentView *self,
            guint           page)
{
  PzScan *doc = pz_document_model_get_document (self->model);
  RenderJob *job;
  GTask *task;

  if (doc == NULL || page >= pz_scan_get_n_pages (doc) || page >= MAX_THUMBS ||
      pz_scan_get_n_pages (doc) < 2)
    return;
  job = g_new0 (RenderJob, 1);
  job->document = g_object_ref (doc);
  job->page = page;
  job->scale = THUMB_SCALE;
  task = g_task_new (NULL, self->thumbs_cancellable, thumb_done, g_object_ref (self));
  g_task_set_task_data (task, job, (GDestroyNotify) render_job_free);
  g_task_run_in_thread (task, render_thread);
  g_object_unref (task);
}

static void
document_changed (PzDocumentView *self)
{
  GtkWidget *child;

  cache_clear (self);
  g_clear_pointer (&self->wanted_key, g_free);
  g_clear_pointer (&self->shown_key, g_free);
  g_cancellable_cancel (self->thumbs_cancellable);
  g_clear_object (&self->thumbs_cancellable);
  self->thumbs_cancellable = g_cancellable_new ();
  while ((child = gtk_widget_get_first_child (self->thumbs)))
    gtk_box_remove (GTK_BOX (self->thumbs), child);
  gtk_widget_set_visible (gtk_widget_get_parent (gtk_widget_get_parent (self->thumbs)),
                          pz_document_model_get_document (self->model) &&
                          pz_scan_get_n_pages (pz_document_model_get_document (self->model)) > 1);
  update (self);
  thumb_next (self, 0);
}

/* Actions */

static void
page_action (GtkWidget  *widget,
             const char *name,
             GVariant   *param)
{
  PzDocumentView *self = PZ_DOCUMENT_VIEW (widget);
  guint page = pz_document_model_get_page (self->model);

  if (g_str_equal (name, "document.next-page"))
    pz_document_model_set_page (self->model, page + 1);
  else if (page > 0)
    pz_document_model_set_page (self->model, page - 1);
}

static void
zoom_action (GtkWidget  *widget,
             const char *name,
             GVariant   *param)
{
  PzDocumentView *self = PZ_DOCUMENT_VIEW (widget);
  double scale = effective_scale (self);

  if (g_str_equal (name, "document.fit-width"))
    {
      pz_document_model_set_fit_width (self->model, TRUE);
      return;
    }
  pz_document_model_set_fit_width (self->model, FALSE);
  pz_document_model_set_scale (self->model, g_str_equal (name, "document.zoom-in") ? scale * 1.25 : scale / 1.25);
}

static void
rotate_action (GtkWidget  *widget,
               const char *name,
               GVariant   *param)
{
  PzDocumentView *self = PZ_DOCUMENT_VIEW (widget);
  pz_document_model_set_rotation (self->model, pz_document_model_get_rotation (self->model) + 90);
}

static gboolean
size_changed (gpointer data)
{
  PzDocumentView *self = data;
  int width = self->scroller ? gtk_widget_get_width (self->scroller) : 0;

  if (self->model && width != self->last_width && pz_document_model_get_fit_width (self->model))
    {
      self->last_width = width;
      update (self);
    }
  return G_SOURCE_REMOVE;
}

static void
pz_document_view_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  PzDocumentView *self = PZ_DOCUMENT_VIEW (widget);

  gtk_widget_allocate (self->box, width, height, baseline, NULL);
  if (ABS (gtk_widget_get_width (self->scroller) - self->last_width) > 8)
    g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, size_changed, g_object_ref (self), g_object_unref);
}

static void
pz_document_view_measure (GtkWidget     *widget,
                          GtkOrientation orientation,
                          int            for_size,
                          int           *minimum,
                          int           *natural,
                          int           *minimum_baseline,
                          int           *natural_baseline)
{
  gtk_widget_measure (PZ_DOCUMENT_VIEW (widget)->box, orientation, for_size, minimum, natural,
                      minimum_baseline, natural_baseline);
}

static GtkWidget *
tool_button (const char *icon,
             const char *action,
             const char *label)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_widget_add_css_class (button, "flat");
  return button;
}

static void
pz_document_view_dispose (GObject *object)
{
  PzDocumentView *self = PZ_DOCUMENT_VIEW (object);

  g_cancellable_cancel (self->render_cancellable);
  g_cancellable_cancel (self->thumbs_cancellable);
  g_clear_handle_id (&self->slow_source, g_source_remove);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  self->scroller = NULL;
  if (self->model)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->model);
  G_OBJECT_CLASS (pz_document_view_parent_class)->dispose (object);
}

static void
pz_document_view_finalize (GObject *object)
{
  PzDocumentView *self = PZ_DOCUMENT_VIEW (object);

  g_clear_object (&self->render_cancellable);
  g_clear_object (&self->thumbs_cancellable);
  cache_clear (self);
  g_hash_table_unref (self->cache);
  g_free (self->shown_key);
  g_free (self->wanted_key);
  G_OBJECT_CLASS (pz_document_view_parent_class)->finalize (object);
}

static void
pz_document_view_class_init (PzDocumentViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pz_document_view_dispose;
  object_class->finalize = pz_document_view_finalize;
  widget_class->size_allocate = pz_document_view_size_allocate;
  widget_class->measure = pz_document_view_measure;

  gtk_widget_class_install_action (widget_class, "document.next-page", NULL, page_action);
  gtk_widget_class_install_action (widget_class, "document.previous-page", NULL, page_action);
  gtk_widget_class_install_action (widget_class, "document.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "document.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "document.fit-width", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "document.rotate", NULL, rotate_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, 0, "document.next-page", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, 0, "document.previous-page", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "document.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "document.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK, "document.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "document.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK, "document.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "document.fit-width", NULL);

  gtk_widget_class_set_css_name (widget_class, "pz-document-view");
}

static void
pz_document_view_init (PzDocumentView *self)
{
  GtkWidget *toolbar, *spacer, *label, *button, *thumb_scroller;

  self->model = pz_document_model_new ();
  self->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->thumbs_cancellable = g_cancellable_new ();
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  toolbar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  gtk_widget_add_css_class (toolbar, "toolbar");
  gtk_box_append (GTK_BOX (toolbar), tool_button ("go-previous-symbolic", "document.previous-page",
                                                  _("Previous page (Page Up)")));
  self->page_label = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->page_label, "numeric");
  gtk_box_append (GTK_BOX (toolbar), self->page_label);
  gtk_box_append (GTK_BOX (toolbar), tool_button ("go-next-symbolic", "document.next-page",
                                                  _("Next page (Page Down)")));
  spacer = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_set_hexpand (spacer, TRUE);
  gtk_box_append (GTK_BOX (toolbar), spacer);
  gtk_box_append (GTK_BOX (toolbar), tool_button ("zoom-out-symbolic", "document.zoom-out", _("Zoom out (Ctrl+−)")));
  self->zoom_label = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->zoom_label, "numeric");
  gtk_box_append (GTK_BOX (toolbar), self->zoom_label);
  gtk_box_append (GTK_BOX (toolbar), tool_button ("zoom-in-symbolic", "document.zoom-in", _("Zoom in (Ctrl++)")));
  gtk_box_append (GTK_BOX (toolbar), tool_button ("zoom-fit-best-symbolic", "document.fit-width",
                                                  _("Fit width (Ctrl+0)")));
  gtk_box_append (GTK_BOX (toolbar), tool_button ("object-rotate-right-symbolic", "document.rotate",
                                                  _("Rotate")));
  gtk_box_append (GTK_BOX (self->box), toolbar);

  self->slow_bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_add_css_class (self->slow_bar, "pz-banner");
  label = gtk_label_new (_("This page takes long to show."));
  gtk_widget_set_hexpand (label, TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  button = gtk_button_new_with_mnemonic (_("_Stop"));
  g_signal_connect_swapped (button, "clicked", G_CALLBACK (abandon_clicked), self);
  gtk_box_append (GTK_BOX (self->slow_bar), label);
  gtk_box_append (GTK_BOX (self->slow_bar), button);
  gtk_widget_set_visible (self->slow_bar, FALSE);
  gtk_box_append (GTK_BOX (self->box), self->slow_bar);

  self->picture = gtk_picture_new ();
  gtk_picture_set_can_shrink (GTK_PICTURE (self->picture), FALSE);
  gtk_widget_set_halign (self->picture, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (self->picture, GTK_ALIGN_START);
  gtk_widget_set_margin_top (self->picture, 12);
  gtk_widget_set_margin_bottom (self->picture, 12);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->picture), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Document page"), -1);
  self->scroller = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (self->scroller, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), self->picture);
  gtk_box_append (GTK_BOX (self->box), self->scroller);

  self->thumbs = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_margin_start (self->thumbs, 6);
  gtk_widget_set_margin_end (self->thumbs, 6);
  thumb_scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (thumb_scroller), GTK_POLICY_AUTOMATIC, GTK_POLICY_NEVER);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (thumb_scroller), self->thumbs);
  gtk_widget_set_visible (thumb_scroller, FALSE);
  gtk_box_append (GTK_BOX (self->box), thumb_scroller);

  g_signal_connect_swapped (self->model, "notify::document", G_CALLBACK (document_changed), self);
  g_signal_connect_swapped (self->model, "notify::page", G_CALLBACK (update), self);
  g_signal_connect_swapped (self->model, "notify::scale", G_CALLBACK (update), self);
  g_signal_connect_swapped (self->model, "notify::rotation", G_CALLBACK (update), self);
  g_signal_connect_swapped (self->model, "notify::fit-width", G_CALLBACK (update), self);
}

GtkWidget *
pz_document_view_new (void)
{
  return g_object_new (PZ_TYPE_DOCUMENT_VIEW, NULL);
}

PzDocumentModel *
pz_document_view_get_model (PzDocumentView *self)
{
  return self->model;
}

void
pz_document_view_set_document (PzDocumentView *self,
                               PzScan         *document)
{
  pz_document_model_set_document (self->model, document);
}

gboolean
pz_document_view_is_rendering (PzDocumentView *self)
{
  return self->wanted_key && g_strcmp0 (self->wanted_key, self->shown_key) != 0;
}

/**
 * pz_document_view_get_shown_size:
 * @self: a view
 * @width: (out): pixels of the page on screen
 * @height: (out): likewise
 *
 * Returns: whether a page is shown
 */
gboolean
pz_document_view_get_shown_size (PzDocumentView *self,
                                 int            *width,
                                 int            *height)
{
  GdkPaintable *p = gtk_picture_get_paintable (GTK_PICTURE (self->picture));

  if (p == NULL)
    return FALSE;
  *width = gdk_paintable_get_intrinsic_width (p);
  *height = gdk_paintable_get_intrinsic_height (p);
  return TRUE;
}
