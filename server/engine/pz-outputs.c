/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-outputs"

#include "config.h"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <string.h>

#include "pz-date.h"
#include "pz-outputs.h"

/* A4 in points, and the margins of an Indonesian office letter. */
#define PAGE_W 595.0
#define PAGE_H 842.0
/* the room for a visible electronic signature: four lines of small print */
#define SIGNATURE_BOX_H 50.0
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
 * Returns: (transfer full): e.g. "28 November 2026" or, with the office's
 *   zone, "28 November 2026 pukul 09.15 WIB"
 */
char *
pz_format_date_id (gint64     unix_time,
                   GTimeZone *tz,
                   gboolean   with_time)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_time);
  g_autoptr(GDateTime) t = g_date_time_to_timezone (utc, tz);

  if (with_time)
    {
      g_autofree char *zone = pz_time_zone_label (t);

      return g_strdup_printf ("%d %s %d pukul %02d.%02d %s", g_date_time_get_day_of_month (t),
                              months_id[g_date_time_get_month (t) - 1], g_date_time_get_year (t),
                              g_date_time_get_hour (t), g_date_time_get_minute (t), zone);
    }
  return g_strdup_printf ("%d %s %d", g_date_time_get_day_of_month (t),
                          months_id[g_date_time_get_month (t) - 1], g_date_time_get_year (t));
}

/**
 * pz_format_gdate_id:
 *
 * Returns: (transfer full): @date the Indonesian way, "2 Desember 2026"
 */
char *
pz_format_gdate_id (const GDate *date)
{
  return g_strdup_printf ("%d %s %d", g_date_get_day (date), months_id[g_date_get_month (date) - 1],
                          g_date_get_year (date));
}

const char *
pz_weekday_id (GDateWeekday weekday)
{
  static const char * const days[] = { "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu" };

  return days[CLAMP ((int) weekday, 1, 7) - 1];
}

/**
 * pz_number_in_words_id:
 * @n: a number below a trillion
 *
 * Returns: (transfer full): @n in Indonesian words, as a formal record
 *   spells out its date: "dua ribu dua puluh enam"
 */
char *
pz_number_in_words_id (guint64 n)
{
  static const char * const ones[] = {
    "nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh", "sebelas"
  };
  static const struct { guint64 unit; const char *word; const char *one; } scales[] = {
    { 1000000000, "miliar", "satu miliar" }, { 1000000, "juta", "satu juta" }, { 1000, "ribu", "seribu" },
    { 100, "ratus", "seratus" },
  };

  if (n < 12)
    return g_strdup (ones[n]);
  if (n < 20)
    return g_strdup_printf ("%s belas", ones[n - 10]);
  if (n < 100)
    {
      g_autofree char *rest = n % 10 ? pz_number_in_words_id (n % 10) : NULL;
      return g_strdup_printf ("%s puluh%s%s", ones[n / 10], rest ? " " : "", rest ? rest : "");
    }
  for (guint i = 0; i < G_N_ELEMENTS (scales); i++)
    if (n >= scales[i].unit)
      {
        guint64 head = n / scales[i].unit, tail = n % scales[i].unit;
        g_autofree char *head_words = head == 1 ? NULL : pz_number_in_words_id (head);
        g_autofree char *tail_words = tail ? pz_number_in_words_id (tail) : NULL;

        return g_strdup_printf ("%s%s%s%s%s", head == 1 ? scales[i].one : head_words, head == 1 ? "" : " ",
                                head == 1 ? "" : scales[i].word, tail ? " " : "", tail ? tail_words : "");
      }
  return g_strdup_printf ("%" G_GUINT64_FORMAT, n);
}

/**
 * pz_ordinal_dictum_id:
 *
 * Returns: the name of the @n-th dictum of a decree: KESATU, KEDUA, …
 */
const char *
pz_ordinal_dictum_id (guint n)
{
  static const char * const names[] = {
    "KESATU", "KEDUA", "KETIGA", "KEEMPAT", "KELIMA", "KEENAM", "KETUJUH", "KEDELAPAN", "KESEMBILAN",
    "KESEPULUH", "KESEBELAS", "KEDUA BELAS", "KETIGA BELAS", "KEEMPAT BELAS", "KELIMA BELAS"
  };

  return names[CLAMP (n, 1, G_N_ELEMENTS (names)) - 1];
}

/**
 * pz_output_letterhead_region:
 * @region: (nullable): the office profile's region, "Kabupaten Sukamaju"
 * @office_name: (nullable): the office's name
 *
 * The line above the office's name in the letterhead. Without a region in
 * the profile, the one the office's name ends with ("… Kota Sukamaju").
 *
 * Returns: (transfer full) (nullable): "PEMERINTAH KABUPATEN SUKAMAJU"
 */
char *
pz_output_letterhead_region (const char *region,
                             const char *office_name)
{
  g_autofree char *found = NULL;

  if (region == NULL || *region == '\0')
    {
      static const char * const words[] = { " Kabupaten ", " Kota ", " Provinsi ", NULL };

      for (guint i = 0; words[i] && office_name && !found; i++)
        {
          const char *at = g_strrstr (office_name, words[i]);
          if (at)
            found = g_strdup (at + 1);
        }
      region = found;
    }
  if (region == NULL || *region == '\0')
    return NULL;
  {
    g_autofree char *upper = g_utf8_strup (region, -1);
    return g_str_has_prefix (upper, "PEMERINTAH ") ? g_steal_pointer (&upper)
                                                   : g_strdup_printf ("PEMERINTAH %s", upper);
  }
}

static void
row_free (PzOutputRow *row)
{
  g_free (row->value);
  g_free (row);
}

static void
block_free (PzOutputBlock *block)
{
  g_free (block->label);
  g_free (block->marker);
  g_free (block->text);
  g_free (block);
}

void
pz_output_content_init (PzOutputContent *content)
{
  memset (content, 0, sizeof *content);
  content->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
  content->list = g_ptr_array_new_with_free_func (g_free);
  content->blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) block_free);
  content->copies = g_ptr_array_new_with_free_func (g_free);
}

void
pz_output_content_clear (PzOutputContent *content)
{
  g_clear_pointer (&content->rows, g_ptr_array_unref);
  g_clear_pointer (&content->list, g_ptr_array_unref);
  g_clear_pointer (&content->blocks, g_ptr_array_unref);
  g_clear_pointer (&content->copies, g_ptr_array_unref);
  g_clear_pointer (&content->photo, cairo_surface_destroy);
}

/**
 * pz_output_content_block:
 * @kind: what the block is
 * @level: 0 from the margin, 1 in the body column of a decree
 * @label: (nullable): "Menimbang", "KESATU", a row's label
 * @marker: (nullable): "a.", "1."
 * @text: the words
 */
void
pz_output_content_block (PzOutputContent *content,
                         PzBlockKind      kind,
                         guint            level,
                         const char      *label,
                         const char      *marker,
                         const char      *text)
{
  PzOutputBlock *block = g_new0 (PzOutputBlock, 1);

  block->kind = kind;
  block->level = level;
  block->label = g_strdup (label);
  block->marker = g_strdup (marker);
  block->text = g_strdup (text && *text ? text : "-");
  g_ptr_array_add (content->blocks, block);
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
  cairo_t               *cr;
  PangoLayout           *layout;
  const PzOutputContent *c;
  double                 y;
  double                 bottom;       /* where the text of a page must end */
  double                 side_bottom;  /* where a PZ_BLOCK_SIDE ends */
  int                    page;
} Writer;

/* the columns of a decree: "Menimbang :" then the body */
#define LABEL_W 76.0
#define BODY_X (MARGIN_L + LABEL_W + 12)
#define BODY_W (PAGE_W - MARGIN_R - BODY_X)
#define MARKER_W 18.0
/* a letter's addressee and its signature block */
#define SIDE_X (MARGIN_L + TEXT_W / 2 - 12)
#define LETTER_SIDE_X (MARGIN_L + TEXT_W * 0.6)
#define FONT "Sans 9"
#define FONT_BOLD "Sans Bold 9"

static double
lay_out (Writer        *w,
         double         width,
         const char    *font,
         const char    *markup_or_text,
         gboolean       markup,
         PangoAlignment align,
         gboolean       justify)
{
  PangoFontDescription *desc = pango_font_description_from_string (font);
  int pw, ph;

  pango_layout_set_font_description (w->layout, desc);
  pango_font_description_free (desc);
  pango_layout_set_width (w->layout, (int) (width * PANGO_SCALE));
  pango_layout_set_alignment (w->layout, align);
  pango_layout_set_justify (w->layout, justify);
  pango_layout_set_wrap (w->layout, PANGO_WRAP_WORD_CHAR);
  /* set_text keeps the attributes of earlier markup: drop them */
  pango_layout_set_attributes (w->layout, NULL);
  if (markup)
    pango_layout_set_markup (w->layout, markup_or_text, -1);
  else
    pango_layout_set_text (w->layout, markup_or_text, -1);
  pango_layout_get_size (w->layout, &pw, &ph);
  return ph / (double) PANGO_SCALE;
}

static double
measure (Writer     *w,
         double      width,
         const char *font,
         const char *str,
         gboolean    justify)
{
  return lay_out (w, width, font, str, FALSE, PANGO_ALIGN_LEFT, justify);
}

static double
text_full (Writer        *w,
           double         x,
           double         width,
           const char    *font,
           const char    *markup_or_text,
           gboolean       markup,
           PangoAlignment align,
           gboolean       justify)
{
  double h = lay_out (w, width, font, markup_or_text, markup, align, justify);

  cairo_move_to (w->cr, x, w->y);
  pango_cairo_show_layout (w->cr, w->layout);
  return h;
}

static double
text (Writer        *w,
      double         x,
      double         width,
      const char    *font,
      const char    *markup_or_text,
      gboolean       markup,
      PangoAlignment align)
{
  return text_full (w, x, width, font, markup_or_text, markup, align, FALSE);
}

/* The foot of every page: the legal note of an electronic signature */
static void watermark (cairo_t *cr);

static void
page_foot (Writer *w)
{
  if (w->c->footer)
    {
      double save = w->y, h = measure (w, TEXT_W, "Sans Italic 6.5", w->c->footer, FALSE);

      w->y = PAGE_H - MARGIN_B + 26 - h;
      cairo_save (w->cr);
      cairo_set_line_width (w->cr, 0.5);
      cairo_move_to (w->cr, MARGIN_L, w->y - 4);
      cairo_line_to (w->cr, PAGE_W - MARGIN_R, w->y - 4);
      cairo_stroke (w->cr);
      cairo_restore (w->cr);
      text_full (w, MARGIN_L, TEXT_W, "Sans Italic 6.5", w->c->footer, FALSE, PANGO_ALIGN_CENTER, FALSE);
      w->y = save;
    }
}

static void
new_page_if_needed (Writer *w,
                    double  needed)
{
  g_autofree char *number = NULL;

  if (w->y + needed <= w->bottom)
    return;
  page_foot (w);
  cairo_show_page (w->cr);
  w->page++;
  if (w->c->watermark_draft)
    watermark (w->cr);
  /* a continued page of an official letter is numbered at its head */
  w->y = MARGIN_T - 20;
  number = g_strdup_printf ("- %d -", w->page);
  text (w, MARGIN_L, TEXT_W, "Sans 9", number, FALSE, PANGO_ALIGN_CENTER);
  w->y = MARGIN_T;
  w->side_bottom = 0;
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
  g_autofree char *region = pz_output_letterhead_region (c->region, c->office_name);
  g_autofree char *office = NULL;

  if (logo)
    {
      /* the region's own emblem, fitted into 50 x 62 points */
      double iw = cairo_image_surface_get_width (logo), ih = cairo_image_surface_get_height (logo);
      double scale = MIN (50.0 / iw, 62.0 / ih);

      cairo_save (w->cr);
      cairo_translate (w->cr, MARGIN_L + (50 - iw * scale) / 2, MARGIN_T + (62 - ih * scale) / 2);
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
      cairo_move_to (w->cr, MARGIN_L + 3, MARGIN_T + 2);
      cairo_line_to (w->cr, MARGIN_L + 47, MARGIN_T + 2);
      cairo_line_to (w->cr, MARGIN_L + 47, MARGIN_T + 38);
      cairo_curve_to (w->cr, MARGIN_L + 47, MARGIN_T + 52, MARGIN_L + 25, MARGIN_T + 60, MARGIN_L + 25, MARGIN_T + 60);
      cairo_curve_to (w->cr, MARGIN_L + 25, MARGIN_T + 60, MARGIN_L + 3, MARGIN_T + 52, MARGIN_L + 3, MARGIN_T + 38);
      cairo_close_path (w->cr);
      cairo_fill (w->cr);
      cairo_restore (w->cr);
    }

  /* PEMERINTAH KABUPATEN …, then the office without the region it repeats */
  office = g_utf8_strup (c->office_name ? c->office_name : "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", -1);
  if (region)
    {
      const char *tail = region + strlen ("PEMERINTAH ");
      gsize ol = strlen (office), tl = strlen (tail);

      if (ol > tl + 1 && g_str_has_suffix (office, tail) && office[ol - tl - 1] == ' ')
        office[ol - tl - 1] = '\0';
    }
  w->y = MARGIN_T - 4;
  if (region)
    {
      h = text (w, MARGIN_L + 58, TEXT_W - 58, "Sans Bold 12", region, FALSE, PANGO_ALIGN_CENTER);
      w->y += h + 1;
    }
  h = text (w, MARGIN_L + 58, TEXT_W - 58, "Sans Bold 13", office, FALSE, PANGO_ALIGN_CENTER);
  w->y += h + 2;
  h = text (w, MARGIN_L + 58, TEXT_W - 58, "Sans 8.5", c->office_address ? c->office_address : "", FALSE,
            PANGO_ALIGN_CENTER);
  w->y = MAX (w->y + h, MARGIN_T + 64) + 5;
  cairo_set_line_width (w->cr, 2.2);
  cairo_move_to (w->cr, MARGIN_L, w->y);
  cairo_line_to (w->cr, PAGE_W - MARGIN_R, w->y);
  cairo_stroke (w->cr);
  cairo_set_line_width (w->cr, 0.6);
  cairo_move_to (w->cr, MARGIN_L, w->y + 3);
  cairo_line_to (w->cr, PAGE_W - MARGIN_R, w->y + 3);
  cairo_stroke (w->cr);
  w->y += 18;
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

static void
draw_block (Writer              *w,
            const PzOutputBlock *b)
{
  double h;

  if (b->kind != PZ_BLOCK_SIDE && !(b->kind == PZ_BLOCK_ROW && b->level == 2))
    {
      w->y = MAX (w->y, w->side_bottom);
      w->side_bottom = 0;
    }
  switch (b->kind)
    {
    case PZ_BLOCK_HEADING:
      h = lay_out (w, TEXT_W, FONT_BOLD, b->text, FALSE, PANGO_ALIGN_CENTER, FALSE);
      w->y += 4;
      new_page_if_needed (w, h + 20);
      h = text (w, MARGIN_L, TEXT_W, FONT_BOLD, b->text, FALSE, PANGO_ALIGN_CENTER);
      w->y += h + 4;
      break;

    case PZ_BLOCK_PARAGRAPH:
      {
        double x = b->level ? BODY_X : MARGIN_L;

        h = measure (w, PAGE_W - MARGIN_R - x, FONT, b->text, TRUE);
        new_page_if_needed (w, MIN (h, 60));
        h = text_full (w, x, PAGE_W - MARGIN_R - x, FONT, b->text, FALSE, PANGO_ALIGN_LEFT, TRUE);
        w->y += h + 4;
      }
      break;

    case PZ_BLOCK_ITEM:
      {
        double x = b->label || b->level ? BODY_X : MARGIN_L + 6;
        double tx = x + (b->marker ? MARKER_W : 0);

        h = measure (w, PAGE_W - MARGIN_R - tx, FONT, b->text, TRUE);
        if (b->label)
          h = MAX (h, measure (w, LABEL_W, FONT, b->label, FALSE));
        new_page_if_needed (w, h);
        if (b->label)
          {
            text (w, MARGIN_L, LABEL_W, FONT, b->label, FALSE, PANGO_ALIGN_LEFT);
            text (w, MARGIN_L + LABEL_W + 2, 10, FONT, ":", FALSE, PANGO_ALIGN_LEFT);
          }
        if (b->marker)
          text (w, x, MARKER_W, FONT, b->marker, FALSE, PANGO_ALIGN_LEFT);
        h = MAX (h, text_full (w, tx, PAGE_W - MARGIN_R - tx, FONT, b->text, FALSE, PANGO_ALIGN_LEFT, TRUE));
        w->y += h + 2;
      }
      break;

    case PZ_BLOCK_ROW:
      {
        double x = b->level == 1 ? BODY_X : b->level == 3 ? MARGIN_L + 24 : MARGIN_L;
        double lw = b->level == 1 ? 118 : b->level == 2 ? 58 : b->level == 3 ? 130 : 150;
        double vw = b->level == 2 ? LETTER_SIDE_X - MARGIN_L - lw - 22 : PAGE_W - MARGIN_R - x - lw - 12;
        double lh, vh;

        vh = measure (w, vw, FONT, b->text, FALSE);
        new_page_if_needed (w, vh);
        lh = text (w, x, lw, FONT, b->label ? b->label : "", FALSE, PANGO_ALIGN_LEFT);
        text (w, x + lw, 10, FONT, ":", FALSE, PANGO_ALIGN_LEFT);
        vh = text (w, x + lw + 10, vw, FONT, b->text, FALSE, PANGO_ALIGN_LEFT);
        w->y += MAX (lh, vh) + 2;
      }
      break;

    case PZ_BLOCK_SIDE:
      {
        double x = LETTER_SIDE_X;

        h = text (w, x, PAGE_W - MARGIN_R - x, FONT, b->text, FALSE, PANGO_ALIGN_LEFT);
        w->side_bottom = w->y + h + 8;
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
draw_photo (Writer *w,
            double  x,
            double  y)
{
  /* a pas foto 3 x 4 cm */
  const double fw = 85, fh = 113;

  cairo_save (w->cr);
  if (w->c->photo)
    {
      double iw = cairo_image_surface_get_width (w->c->photo), ih = cairo_image_surface_get_height (w->c->photo);
      double scale = MAX (fw / iw, fh / ih);

      cairo_rectangle (w->cr, x, y, fw, fh);
      cairo_clip (w->cr);
      cairo_translate (w->cr, x + (fw - iw * scale) / 2, y + (fh - ih * scale) / 2);
      cairo_scale (w->cr, scale, scale);
      cairo_set_source_surface (w->cr, w->c->photo, 0, 0);
      cairo_pattern_set_filter (cairo_get_source (w->cr), CAIRO_FILTER_BEST);
      cairo_paint (w->cr);
      cairo_restore (w->cr);
      cairo_save (w->cr);
    }
  else
    {
      double save = w->y;

      w->y = y + fh / 2 - 10;
      text (w, x, fw, "Sans 7", "Pas foto\n3 × 4 cm", FALSE, PANGO_ALIGN_CENTER);
      w->y = save;
    }
  cairo_set_line_width (w->cr, 0.6);
  cairo_rectangle (w->cr, x, y, fw, fh);
  cairo_stroke (w->cr);
  cairo_restore (w->cr);
}

/* The closing: the signer on the right; on the left the holder's photo and
 * the QR code, or a second signature (the applicant or a witness). */
static void
signature_block (Writer *w)
{
  const PzOutputContent *c = w->c;
  double right_x = SIDE_X, right_w = PAGE_W - MARGIN_R - right_x;
  double top, h, left_bottom = 0, right_bottom, qr_x = MARGIN_L;
  const double qr_size = 90;

  w->y = MAX (w->y, w->side_bottom) + 12;
  {
    /* the block stays on one page: measured as it will be drawn */
    double right = (c->closing ? measure (w, right_w, FONT, c->closing, FALSE) + 6 : 0) +
                   (c->signer_title ? measure (w, right_w, FONT_BOLD, c->signer_title, FALSE) + 4 : 0) +
                   (c->signed_statement && c->signature_place ? SIGNATURE_BOX_H + 12 :
                    c->signed_statement ? measure (w, right_w - 12, "Sans 7", c->signed_statement, FALSE) + 16 : 48) +
                   26;
    double left = c->photo || c->photo_frame ? 125 : c->qr_url ? qr_size + 24 : 0;

    new_page_if_needed (w, MAX (left, right));
  }
  top = w->y;

  if (c->photo || c->photo_frame)
    {
      draw_photo (w, MARGIN_L, top + 10);
      qr_x = MARGIN_L + 85 + 8;
      left_bottom = top + 10 + 113;
    }
  if (c->cosigner_title)
    {
      /* the applicant signs on the left, the QR code between the two */
      const double cw = SIDE_X - MARGIN_L - 84, small_qr = 68;
      double ch;
      g_autofree char *name = g_markup_printf_escaped ("( <u>%s</u> )", c->cosigner_name ? c->cosigner_name
                                                        : "                                   ");

      w->y = top;
      ch = text (w, MARGIN_L, cw, FONT, c->cosigner_title, FALSE, PANGO_ALIGN_CENTER);
      w->y = top + ch + 56;
      ch = text (w, MARGIN_L, cw, FONT_BOLD, name, TRUE, PANGO_ALIGN_CENTER);
      left_bottom = w->y + ch;
      if (c->qr_url)
        {
          draw_qr (w->cr, c->qr_url, MARGIN_L + cw + 6, top + 8, small_qr);
          if (c->qr_caption)
            {
              w->y = top + 8 + small_qr;
              h = text (w, MARGIN_L + cw, small_qr + 12, "Sans 6.5", c->qr_caption, FALSE, PANGO_ALIGN_CENTER);
              left_bottom = MAX (left_bottom, w->y + h);
            }
        }
    }
  else if (c->qr_url)
    {
      draw_qr (w->cr, c->qr_url, qr_x, top + 6, qr_size);
      if (c->qr_caption)
        {
          w->y = top + 6 + qr_size + 1;
          h = text (w, qr_x, MAX (qr_size + 30, 120), "Sans 7", c->qr_caption, FALSE, PANGO_ALIGN_LEFT);
          left_bottom = MAX (left_bottom, w->y + h);
          if (c->qr_code)
            {
              w->y += h + 1;
              h = text (w, qr_x, 170, "Monospace Bold 10", c->qr_code, FALSE, PANGO_ALIGN_LEFT);
              left_bottom = MAX (left_bottom, w->y + h);
            }
        }
      left_bottom = MAX (left_bottom, top + 6 + qr_size);
    }

  w->y = top;
  if (c->closing)
    {
      h = text (w, right_x, right_w, FONT, c->closing, FALSE, PANGO_ALIGN_LEFT);
      w->y += h + 6;
    }
  if (c->signer_title)
    {
      h = text (w, right_x, right_w, FONT_BOLD, c->signer_title, FALSE, PANGO_ALIGN_LEFT);
      w->y += h + 4;
      if (c->signed_statement && c->signature_place)
        {
          /* left empty: the signature shows itself there */
          cairo_save (w->cr);
          cairo_set_source_rgb (w->cr, 0.15, 0.35, 0.25);
          cairo_set_line_width (w->cr, 0.8);
          cairo_rectangle (w->cr, right_x, w->y, right_w, SIGNATURE_BOX_H);
          cairo_stroke (w->cr);
          cairo_restore (w->cr);
          c->signature_place->page = (guint) w->page;
          c->signature_place->x = right_x + 1;
          c->signature_place->y = PAGE_H - (w->y + SIGNATURE_BOX_H) + 1;
          c->signature_place->width = right_w - 2;
          c->signature_place->height = SIGNATURE_BOX_H - 2;
          w->y += SIGNATURE_BOX_H + 4;
        }
      else if (c->signed_statement)
        {
          double top_box = w->y;

          w->y += 4;
          h = text (w, right_x + 6, right_w - 12, "Sans 7", c->signed_statement, FALSE, PANGO_ALIGN_LEFT);
          cairo_save (w->cr);
          cairo_set_source_rgb (w->cr, 0.15, 0.35, 0.25);
          cairo_set_line_width (w->cr, 0.8);
          cairo_rectangle (w->cr, right_x, top_box, right_w, h + 8);
          cairo_stroke (w->cr);
          cairo_restore (w->cr);
          w->y += h + 12;
        }
      else
        w->y += 48;
    }
  if (c->signer_name)
    {
      g_autofree char *name = g_markup_printf_escaped ("<u>%s</u>", c->signer_name);
      h = text (w, right_x, right_w, FONT_BOLD, name, TRUE, PANGO_ALIGN_LEFT);
      w->y += h;
    }
  if (c->signer_nip)
    {
      g_autofree char *nip = g_strdup_printf ("NIP. %s", c->signer_nip);
      h = text (w, right_x, right_w, FONT, nip, FALSE, PANGO_ALIGN_LEFT);
      w->y += h;
    }
  right_bottom = w->y;
  w->y = MAX (left_bottom, right_bottom) + 10;

  if (c->copies && c->copies->len)
    {
      w->y += 2;
      new_page_if_needed (w, 11 * (c->copies->len + 1));
      h = text (w, MARGIN_L, TEXT_W, "Sans 8", "Tembusan:", FALSE, PANGO_ALIGN_LEFT);
      w->y += h;
      for (guint i = 0; i < c->copies->len; i++)
        {
          g_autofree char *n = g_strdup_printf ("%u.", i + 1);

          text (w, MARGIN_L, 16, "Sans 8", n, FALSE, PANGO_ALIGN_LEFT);
          h = text (w, MARGIN_L + 16, TEXT_W - 16, "Sans 8", g_ptr_array_index (c->copies, i), FALSE,
                    PANGO_ALIGN_LEFT);
          w->y += h;
        }
    }
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
  double h, label_w = 160;

  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, c->title ? c->title : c->subtitle);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Perizinan " PACKAGE_VERSION);
  w.cr = cairo_create (surface);
  w.layout = pango_cairo_create_layout (w.cr);
  w.c = c;
  w.page = 1;
  w.bottom = PAGE_H - MARGIN_B;
  cairo_set_source_rgb (w.cr, 0, 0, 0);
  if (c->footer)
    w.bottom -= measure (&w, TEXT_W, "Sans Italic 6.5", c->footer, FALSE) - 14;

  if (c->watermark_draft)
    watermark (w.cr);
  letterhead (&w, c);

  if (c->title)
    {
      h = text (&w, MARGIN_L, TEXT_W, "Sans Bold 11.5", c->title, FALSE, PANGO_ALIGN_CENTER);
      w.y += h + 2;
    }
  if (c->subtitle)
    {
      h = text (&w, MARGIN_L, TEXT_W, FONT, c->subtitle, FALSE, PANGO_ALIGN_CENTER);
      w.y += h;
    }
  if (c->title || c->subtitle)
    w.y += 14;

  for (guint i = 0; i < c->rows->len; i++)
    {
      PzOutputRow *row = g_ptr_array_index (c->rows, i);
      double lh, vh;

      vh = measure (&w, TEXT_W - label_w - 12, FONT, row->value, FALSE);
      new_page_if_needed (&w, vh);
      lh = text (&w, MARGIN_L, label_w, FONT, row->label, FALSE, PANGO_ALIGN_LEFT);
      text (&w, MARGIN_L + label_w, 10, FONT, ":", FALSE, PANGO_ALIGN_LEFT);
      vh = text (&w, MARGIN_L + label_w + 12, TEXT_W - label_w - 12, FONT, row->value, FALSE,
                 PANGO_ALIGN_LEFT);
      w.y += MAX (lh, vh) + 4;
    }

  if (c->list_title)
    {
      w.y += 8;
      new_page_if_needed (&w, 30);
      h = text_full (&w, MARGIN_L, TEXT_W, FONT_BOLD, c->list_title, FALSE, PANGO_ALIGN_LEFT, FALSE);
      w.y += h + 4;
      for (guint i = 0; i < c->list->len; i++)
        {
          g_autofree char *line = g_strdup_printf ("%u.", i + 1);

          h = measure (&w, TEXT_W - 26, FONT, g_ptr_array_index (c->list, i), FALSE);
          new_page_if_needed (&w, h);
          text (&w, MARGIN_L + 6, 20, FONT, line, FALSE, PANGO_ALIGN_LEFT);
          h = text (&w, MARGIN_L + 26, TEXT_W - 26, FONT, g_ptr_array_index (c->list, i), FALSE,
                    PANGO_ALIGN_LEFT);
          w.y += h + 3;
        }
    }

  for (guint i = 0; i < c->blocks->len; i++)
    draw_block (&w, g_ptr_array_index (c->blocks, i));

  if (c->body)
    {
      w.y += 10;
      h = measure (&w, TEXT_W, FONT, c->body, TRUE);
      new_page_if_needed (&w, MIN (h, 60));
      h = text_full (&w, MARGIN_L, TEXT_W, FONT, c->body, FALSE, PANGO_ALIGN_LEFT, TRUE);
      w.y += h + 6;
    }

  signature_block (&w);
  page_foot (&w);

  g_object_unref (w.layout);
  cairo_destroy (w.cr);
  cairo_surface_finish (surface);
  cairo_surface_destroy (surface);
  return g_byte_array_free_to_bytes (out);
}
