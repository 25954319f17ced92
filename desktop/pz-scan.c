/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-scan"

#include "config.h"

#include <glib/gi18n.h>
#include <poppler.h>

#include "pz-scan.h"

/* The thin wrapper of the document view: a PDF through Poppler or a scan
 * as an image, both rendered to textures. Rendering runs in worker
 * threads, one page at a time per document. */
struct _PzScan
{
  GObject          parent_instance;
  GMutex           lock;
  GBytes          *bytes;
  PopplerDocument *pdf;
  cairo_surface_t *image;
};

G_DEFINE_FINAL_TYPE (PzScan, pz_scan, G_TYPE_OBJECT)

static void
pz_scan_finalize (GObject *object)
{
  PzScan *self = PZ_SCAN (object);

  g_clear_object (&self->pdf);
  g_clear_pointer (&self->image, cairo_surface_destroy);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (pz_scan_parent_class)->finalize (object);
}

static void
pz_scan_class_init (PzScanClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pz_scan_finalize;
}

static void
pz_scan_init (PzScan *self)
{
  g_mutex_init (&self->lock);
}

/**
 * pz_scan_new_from_bytes:
 * @bytes: the document as the server sent it
 * @content_type: `application/pdf`, `image/jpeg` or `image/png`
 * @error: return location for an error
 *
 * Returns: (transfer full): the document, or %NULL if it cannot be shown
 */
PzScan *
pz_scan_new_from_bytes (GBytes     *bytes,
                        const char *content_type,
                        GError    **error)
{
  g_autoptr(PzScan) self = g_object_new (PZ_TYPE_SCAN, NULL);

  self->bytes = g_bytes_ref (bytes);
  if (g_strcmp0 (content_type, "application/pdf") == 0)
    {
      self->pdf = poppler_document_new_from_bytes (bytes, NULL, error);
      if (self->pdf == NULL)
        return NULL;
    }
  else
    {
      g_autoptr(GdkTexture) texture = gdk_texture_new_from_bytes (bytes, error);
      int w, h;

      if (texture == NULL)
        return NULL;
      w = gdk_texture_get_width (texture);
      h = gdk_texture_get_height (texture);
      self->image = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
      cairo_surface_flush (self->image);
      gdk_texture_download (texture, cairo_image_surface_get_data (self->image),
                            (gsize) cairo_image_surface_get_stride (self->image));
      cairo_surface_mark_dirty (self->image);
    }
  return g_steal_pointer (&self);
}

guint
pz_scan_get_n_pages (PzScan *self)
{
  return self->pdf ? (guint) poppler_document_get_n_pages (self->pdf) : 1;
}

/**
 * pz_scan_get_page_size:
 * @self: a document
 * @page: a page, from 0
 * @width: (out): in points (an image's pixel counts as one point at 96 dpi)
 * @height: (out): likewise
 */
void
pz_scan_get_page_size (PzScan *self,
                       guint   page,
                       double *width,
                       double *height)
{
  g_mutex_lock (&self->lock);
  if (self->pdf)
    {
      PopplerPage *p = poppler_document_get_page (self->pdf, (int) page);

      *width = *height = 0;
      if (p)
        {
          poppler_page_get_size (p, width, height);
          g_object_unref (p);
        }
    }
  else
    {
      *width = cairo_image_surface_get_width (self->image) * 72.0 / 96.0;
      *height = cairo_image_surface_get_height (self->image) * 72.0 / 96.0;
    }
  g_mutex_unlock (&self->lock);
}

/**
 * pz_scan_draw:
 * @self: a document
 * @page: a page, from 0
 * @cr: where to draw, e.g. a printer's page
 * @width: the room's width in the context's units
 * @height: the room's height
 *
 * Draws the page as large as fits, centred, as vector graphics where the
 * document has them.
 */
void
pz_scan_draw (PzScan  *self,
              guint    page,
              cairo_t *cr,
              double   width,
              double   height)
{
  double w, h, scale;

  pz_scan_get_page_size (self, page, &w, &h);
  if (w <= 0 || h <= 0)
    return;
  scale = MIN (width / w, height / h);
  cairo_save (cr);
  cairo_translate (cr, (width - w * scale) / 2, (height - h * scale) / 2);
  cairo_scale (cr, scale, scale);
  g_mutex_lock (&self->lock);
  if (self->pdf)
    {
      PopplerPage *p = poppler_document_get_page (self->pdf, (int) page);
      if (p)
        {
          poppler_page_render_for_printing (p, cr);
          g_object_unref (p);
        }
    }
  else
    {
      cairo_scale (cr, 72.0 / 96.0, 72.0 / 96.0);
      cairo_set_source_surface (cr, self->image, 0, 0);
      cairo_paint (cr);
    }
  g_mutex_unlock (&self->lock);
  cairo_restore (cr);
}

/**
 * pz_scan_render:
 * @self: a document
 * @page: a page, from 0
 * @scale: pixels per point
 * @rotation: 0, 90, 180 or 270 degrees clockwise
 * @cancellable: (nullable): checked before the work starts
 * @error: return location for an error
 *
 * Safe to call from a worker thread.
 *
 * Returns: (transfer full): the page as a texture
 */
GdkTexture *
pz_scan_render (PzScan       *self,
                guint         page,
                double        scale,
                int           rotation,
                GCancellable *cancellable,
                GError      **error)
{
  double w, h;
  int pw, ph;
  cairo_surface_t *surface;
  cairo_t *cr;
  g_autoptr(GBytes) pixels = NULL;
  GdkTexture *texture;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  pz_scan_get_page_size (self, page, &w, &h);
  if (w <= 0 || h <= 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("The page cannot be shown"));
      return NULL;
    }
  rotation = ((rotation % 360) + 360) % 360;
  pw = (int) MAX (1, (rotation % 180 ? h : w) * scale + 0.5);
  ph = (int) MAX (1, (rotation % 180 ? w : h) * scale + 0.5);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, pw, ph);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_translate (cr, pw / 2.0, ph / 2.0);
  cairo_rotate (cr, rotation * G_PI / 180.0);
  cairo_translate (cr, -w * scale / 2.0, -h * scale / 2.0);
  cairo_scale (cr, scale, scale);

  g_mutex_lock (&self->lock);
  if (self->pdf)
    {
      PopplerPage *p = poppler_document_get_page (self->pdf, (int) page);
      if (p)
        {
          poppler_page_render (p, cr);
          g_object_unref (p);
        }
    }
  else
    {
      cairo_scale (cr, 72.0 / 96.0, 72.0 / 96.0);
      cairo_set_source_surface (cr, self->image, 0, 0);
      cairo_paint (cr);
    }
  g_mutex_unlock (&self->lock);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  pixels = g_bytes_new (cairo_image_surface_get_data (surface),
                        (gsize) cairo_image_surface_get_stride (surface) * (gsize) ph);
  texture = gdk_memory_texture_new (pw, ph, GDK_MEMORY_DEFAULT, pixels,
                                    (gsize) cairo_image_surface_get_stride (surface));
  cairo_surface_destroy (surface);
  return texture;
}
