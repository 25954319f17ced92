/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-outputs"

#include "config.h"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <string.h>

#include "pz-outputs.h"

/* A4 in points, and the margins of an Indonesian office letter. */
#define PAGE_W 595.0
#define PAGE_H 842.0
#define MARGIN_L 70.0
#define MARGIN_R 56.0
#define MARGIN_T 50.0
#define MARGIN_B 60.0
#define TEXT_W (PAGE_W - MARGIN_L - MARGIN_R)

static const char * const months_id[] = {
  "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
  "Oktober", "November", "Desember"
};

/**
 * pz_format_date_id:
 * @unix_time: seconds since 1970
 * @tz: the office's time zone
 * @with_time: whether to add the time of day
 *
 * Returns: (transfer full): e.g. "28 November 2026" or "28 November 2026 pukul 09.15"
 */
char *
pz_format_date_id (gint64     unix_time,
                   GTimeZone *tz,
                   gboolean   with_time)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_time);
  g_autoptr(GDateTime) t = g_date_time_to_timezone (utc, tz);

  if (with_time)
    return g_strdup_printf ("%d %s %d pukul %02d.%02d", g_date_time_get_day_of_month (t),
                            months_id[g_date_time_get_month (t) - 1], g_date_time_get_year (t),
                            g_date_time_get_hour (t), g_date_time_get_minute (t));
  return g_strdup_printf ("%d %s %d", g_date_time_get_day_of_month (t),
                          months_id[g_date_time_get_month (t) - 1], g_date_time_get_year (t));
}

static void
row_free (PzOutputRow *row)
{
  g_free (row->value);
  g_free (row);
}

void
pz_output_content_init (PzOutputContent *content)
{
  memset (content, 0, sizeof *content);
  content->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
  content->list = g_ptr_array_new_with_free_func (g_free);
}

void
pz_output_content_clear (PzOutputContent *content)
{
  g_clear_pointer (&content->rows, g_ptr_array_unref);
  g_clear_pointer (&content->list, g_ptr_array_unref);
}

void
pz_output_content_add (PzOutputContent *content,
                       const char      *label,
                       const char      *value)
{
  PzOutputRow *row = g_new0 (PzOutputRow, 1);

  row->label = label;
  row->value = g_strdup (value && *value ? value : "-");
  g_ptr_array_add (content->rows, row);
}

typedef struct {
  cairo_t     *cr;
  PangoLayout *layout;
  double       y;
} Writer;

static double
text (Writer     *w,
      double      x,
      double      width,
      const char *font,
      const char *markup_or_text,
      gboolean    markup,
      PangoAlignment align)
{
  PangoFontDescription *desc = pango_font_description_from_string (font);
  int pw, ph;

  pango_layout_set_font_description (w->layout, desc);
  pango_font_description_free (desc);
  pango_layout_set_width (w->layout, (int) (width * PANGO_SCALE));
  pango_layout_set_alignment (w->layout, align);
  pango_layout_set_wrap (w->layout, PANGO_WRAP_WORD_CHAR);
  /* set_text keeps the attributes of earlier markup: drop them */
  pango_layout_set_attributes (w->layout, NULL);
  if (markup)
    pango_layout_set_markup (w->layout, markup_or_text, -1);
  else
    pango_layout_set_text (w->layout, markup_or_text, -1);
  cairo_move_to (w->cr, x, w->y);
  pango_cairo_show_layout (w->cr, w->layout);
  pango_layout_get_size (w->layout, &pw, &ph);
  return ph / (double) PANGO_SCALE;
}

static void
new_page_if_needed (Writer *w,
                    double  needed)
{
  if (w->y + needed <= PAGE_H - MARGIN_B)
    return;
  cairo_show_page (w->cr);
  w->y = MARGIN_T;
}

typedef struct {
  const guchar *data;
  gsize         left;
} PngReader;

static cairo_status_t
read_png (void          *closure,
          unsigned char *data,
          unsigned int   length)
{
  PngReader *r = closure;

  if (length > r->left)
    return CAIRO_STATUS_READ_ERROR;
  memcpy (data, r->data, length);
  r->data += length;
  r->left -= length;
  return CAIRO_STATUS_SUCCESS;
}

/**
 * pz_output_load_png:
 *
 * Returns: (transfer full) (nullable): the image, or %NULL if @png is not a
 *   PNG cairo can read or is larger than 2000 pixels a side
 */
cairo_surface_t *
pz_output_load_png (GBytes *png)
{
  static const guchar signature[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  PngReader r = { NULL, 0 };
  cairo_surface_t *surface;
  guint32 width, height;

  r.data = g_bytes_get_data (png, &r.left);
  /* the size from the header, before cairo allocates for it */
  if (r.left < 24 || memcmp (r.data, signature, 8) != 0 || memcmp (r.data + 12, "IHDR", 4) != 0)
    return NULL;
  memcpy (&width, r.data + 16, 4);
  memcpy (&height, r.data + 20, 4);
  width = GUINT32_FROM_BE (width);
  height = GUINT32_FROM_BE (height);
  if (width < 1 || height < 1 || width > 2000 || height > 2000)
    return NULL;
  surface = cairo_image_surface_create_from_png_stream (read_png, &r);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS ||
      cairo_image_surface_get_width (surface) < 1 || cairo_image_surface_get_height (surface) < 1 ||
      cairo_image_surface_get_width (surface) > 2000 || cairo_image_surface_get_height (surface) > 2000)
    {
      cairo_surface_destroy (surface);
      return NULL;
    }
  return surface;
}

static void
letterhead (Writer                *w,
            const PzOutputContent *c)
{
  double h;
  cairo_surface_t *logo = c->logo_png ? pz_output_load_png (c->logo_png) : NULL;

  if (logo)
    {
      /* the office's own emblem, fitted into 44 x 56 points */
      double iw = cairo_image_surface_get_width (logo), ih = cairo_image_surface_get_height (logo);
      double scale = MIN (44.0 / iw, 56.0 / ih);

      cairo_save (w->cr);
      cairo_translate (w->cr, MARGIN_L + (44 - iw * scale) / 2, MARGIN_T + (56 - ih * scale) / 2);
      cairo_scale (w->cr, scale, scale);
      cairo_set_source_surface (w->cr, logo, 0, 0);
      cairo_pattern_set_filter (cairo_get_source (w->cr), CAIRO_FILTER_BEST);
      cairo_paint (w->cr);
      cairo_restore (w->cr);
      cairo_surface_destroy (logo);
    }
  else
    {
  /* without one, a plain shield */
  cairo_save (w->cr);
  cairo_set_source_rgb (w->cr, 0.15, 0.35, 0.25);
  cairo_move_to (w->cr, MARGIN_L, MARGIN_T);
  cairo_line_to (w->cr, MARGIN_L + 44, MARGIN_T);
  cairo_line_to (w->cr, MARGIN_L + 44, MARGIN_T + 34);
  cairo_curve_to (w->cr, MARGIN_L + 44, MARGIN_T + 48, MARGIN_L + 22, MARGIN_T + 56, MARGIN_L + 22, MARGIN_T + 56);
  cairo_curve_to (w->cr, MARGIN_L + 22, MARGIN_T + 56, MARGIN_L, MARGIN_T + 48, MARGIN_L, MARGIN_T + 34);
  cairo_close_path (w->cr);
  cairo_fill (w->cr);
  cairo_restore (w->cr);
    }

  w->y = MARGIN_T - 2;
  h = text (w, MARGIN_L + 56, TEXT_W - 56, "Sans Bold 12",
            c->office_name ? c->office_name : "Dinas Penanaman Modal dan PTSP", FALSE, PANGO_ALIGN_CENTER);
  w->y += h + 2;
  h = text (w, MARGIN_L + 56, TEXT_W - 56, "Sans 8.5", c->office_address ? c->office_address : "", FALSE,
            PANGO_ALIGN_CENTER);
  w->y = MAX (w->y + h, MARGIN_T + 58) + 6;
  cairo_set_line_width (w->cr, 2.2);
  cairo_move_to (w->cr, MARGIN_L, w->y);
  cairo_line_to (w->cr, PAGE_W - MARGIN_R, w->y);
  cairo_stroke (w->cr);
  cairo_set_line_width (w->cr, 0.6);
  cairo_move_to (w->cr, MARGIN_L, w->y + 3);
  cairo_line_to (w->cr, PAGE_W - MARGIN_R, w->y + 3);
  cairo_stroke (w->cr);
  w->y += 20;
}

static void
draw_qr (cairo_t    *cr,
         const char *url,
         double      x,
         double      y,
         double      size)
{
  QRcode *qr = QRcode_encodeString (url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  double module;

  if (qr == NULL)
    return;
  module = size / (qr->width + 8);
  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, x, y, size, size);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  for (int r = 0; r < qr->width; r++)
    for (int col = 0; col < qr->width; col++)
      if (qr->data[r * qr->width + col] & 1)
        cairo_rectangle (cr, x + (col + 4) * module, y + (r + 4) * module, module, module);
  cairo_fill (cr);
  cairo_restore (cr);
  QRcode_free (qr);
}

static void
watermark (cairo_t *cr)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *desc = pango_font_description_from_string ("Sans Bold 110");

  cairo_save (cr);
  cairo_translate (cr, PAGE_W / 2, PAGE_H / 2);
  cairo_rotate (cr, -G_PI / 5);
  pango_layout_set_font_description (layout, desc);
  pango_layout_set_text (layout, "DRAF", -1);
  {
    int pw, ph;
    pango_layout_get_size (layout, &pw, &ph);
    cairo_move_to (cr, -pw / 2.0 / PANGO_SCALE, -ph / 2.0 / PANGO_SCALE);
  }
  cairo_set_source_rgba (cr, 0.8, 0.1, 0.1, 0.13);
  pango_cairo_show_layout (cr, layout);
  cairo_restore (cr);
  pango_font_description_free (desc);
  g_object_unref (layout);
}

static cairo_status_t
append (void                *closure,
        const unsigned char *data,
        unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/**
 * pz_output_render:
 * @content: what the document says
 *
 * Returns: (transfer full): an A4 PDF with the office letterhead
 */
GBytes *
pz_output_render (const PzOutputContent *c)
{
  GByteArray *out = g_byte_array_new ();
  cairo_surface_t *surface = cairo_pdf_surface_create_for_stream (append, out, PAGE_W, PAGE_H);
  Writer w = { 0 };
  double h, label_w = 175;

  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, c->title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Perizinan " PACKAGE_VERSION);
  w.cr = cairo_create (surface);
  w.layout = pango_cairo_create_layout (w.cr);
  cairo_set_source_rgb (w.cr, 0, 0, 0);

  if (c->watermark_draft)
    watermark (w.cr);
  letterhead (&w, c);

  h = text (&w, MARGIN_L, TEXT_W, "Sans Bold 13", c->title, FALSE, PANGO_ALIGN_CENTER);
  w.y += h + 2;
  if (c->subtitle)
    {
      h = text (&w, MARGIN_L, TEXT_W, "Sans 10", c->subtitle, FALSE, PANGO_ALIGN_CENTER);
      w.y += h;
    }
  w.y += 16;

  for (guint i = 0; i < c->rows->len; i++)
    {
      PzOutputRow *row = g_ptr_array_index (c->rows, i);
      double lh, vh;

      new_page_if_needed (&w, 16);
      lh = text (&w, MARGIN_L, label_w, "Sans 10", row->label, FALSE, PANGO_ALIGN_LEFT);
      text (&w, MARGIN_L + label_w, 10, "Sans 10", ":", FALSE, PANGO_ALIGN_LEFT);
      vh = text (&w, MARGIN_L + label_w + 12, TEXT_W - label_w - 12, "Sans 10", row->value, FALSE,
                 PANGO_ALIGN_LEFT);
      w.y += MAX (lh, vh) + 4;
    }

  if (c->list_title)
    {
      w.y += 8;
      new_page_if_needed (&w, 30);
      h = text (&w, MARGIN_L, TEXT_W, "Sans Bold 10", c->list_title, FALSE, PANGO_ALIGN_LEFT);
      w.y += h + 4;
      for (guint i = 0; i < c->list->len; i++)
        {
          g_autofree char *line = g_strdup_printf ("%u.", i + 1);

          new_page_if_needed (&w, 16);
          text (&w, MARGIN_L + 6, 20, "Sans 10", line, FALSE, PANGO_ALIGN_LEFT);
          h = text (&w, MARGIN_L + 26, TEXT_W - 26, "Sans 10", g_ptr_array_index (c->list, i), FALSE,
                    PANGO_ALIGN_LEFT);
          w.y += h + 3;
        }
    }

  if (c->body)
    {
      w.y += 10;
      new_page_if_needed (&w, 40);
      h = text (&w, MARGIN_L, TEXT_W, "Sans 10", c->body, FALSE, PANGO_ALIGN_LEFT);
      w.y += h + 6;
    }

  /* the closing block: QR on the left, the signer on the right */
  w.y += 18;
  new_page_if_needed (&w, 150);
  {
    double top = w.y, right_x = MARGIN_L + TEXT_W / 2 + 20, right_w = TEXT_W / 2 - 20;

    if (c->qr_url)
      {
        draw_qr (w.cr, c->qr_url, MARGIN_L, top, 96);
        if (c->qr_caption)
          {
            w.y = top + 98;
            h = text (&w, MARGIN_L, 150, "Sans 7", c->qr_caption, FALSE, PANGO_ALIGN_LEFT);
            if (c->qr_code)
              {
                w.y += h + 1;
                text (&w, MARGIN_L, 170, "Monospace Bold 10", c->qr_code, FALSE, PANGO_ALIGN_LEFT);
              }
          }
      }
    w.y = top;
    if (c->closing)
      {
        h = text (&w, right_x, right_w, "Sans 10", c->closing, FALSE, PANGO_ALIGN_LEFT);
        w.y += h + 2;
      }
    if (c->signer_title)
      {
        h = text (&w, right_x, right_w, "Sans Bold 10", c->signer_title, FALSE, PANGO_ALIGN_LEFT);
        w.y += h + 4;
        if (c->signed_statement)
          {
            double top_box = w.y;

            w.y += 4;
            h = text (&w, right_x + 6, right_w - 12, "Sans 7", c->signed_statement, FALSE, PANGO_ALIGN_LEFT);
            cairo_save (w.cr);
            cairo_set_source_rgb (w.cr, 0.15, 0.35, 0.25);
            cairo_set_line_width (w.cr, 0.8);
            cairo_rectangle (w.cr, right_x, top_box, right_w, h + 8);
            cairo_stroke (w.cr);
            cairo_restore (w.cr);
            w.y += h + 12;
          }
        else
          w.y += 48;
      }
    if (c->signer_name)
      {
        g_autofree char *name = g_markup_printf_escaped ("<u>%s</u>", c->signer_name);
        h = text (&w, right_x, right_w, "Sans Bold 10", name, TRUE, PANGO_ALIGN_LEFT);
        w.y += h;
      }
    if (c->signer_nip)
      {
        g_autofree char *nip = g_strdup_printf ("NIP. %s", c->signer_nip);
        text (&w, right_x, right_w, "Sans 10", nip, FALSE, PANGO_ALIGN_LEFT);
      }
  }

  g_object_unref (w.layout);
  cairo_destroy (w.cr);
  cairo_surface_finish (surface);
  cairo_surface_destroy (surface);
  return g_byte_array_free_to_bytes (out);
}
