/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-report"

#include "config.h"

#include <cairo-pdf.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "perizinan.h"
#include "pz-api.h"
#include "pz-file-item.h"
#include "pz-report-view.h"
#include "pz-widgets.h"

/* The heads' report: a period, then charts drawn with cairo (files per
 * month, each step's time against its standard, where files wait, the
 * satisfaction index) and the tables behind them. Every table exports as
 * CSV; the whole report as a PDF with the same charts. */
struct _PzReportView
{
  GtkBox        parent_instance;

  PzClient     *client;
  GCancellable *cancellable;
  guint         busy;
  JsonObject   *report;

  GtkWidget    *from;
  GtkWidget    *to;
  GtkWidget    *content;
  GtkWidget    *status;
};

G_DEFINE_FINAL_TYPE (PzReportView, pz_report_view, GTK_TYPE_BOX)

const char * const pz_report_tables[] = { "volume", "steps", "officers", "waiting", "service", "satisfaction", NULL };

typedef void (*ChartFunc) (cairo_t *cr, double width, double height, JsonObject *report, const GdkRGBA *fg);

/* Colours that read on light and dark backgrounds alike. */
static const double blue[3] = { 0.21, 0.52, 0.89 };
static const double green[3] = { 0.18, 0.62, 0.35 };
static const double red[3] = { 0.88, 0.27, 0.24 };
static const double amber[3] = { 0.90, 0.60, 0.10 };

static const char *
str (JsonObject *o,
     const char *member)
{
  JsonNode *n = o ? json_object_get_member (o, member) : NULL;
  return n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING ? json_node_get_string (n) : "";
}

/* A step's or a question's title as the server wrote it, in the server's
 * language: read in the user's where the catalogue has it. */
static const char *
server_title (JsonObject *o)
{
  const char *title = str (o, "title");

  return title && *title ? g_dgettext (GETTEXT_PACKAGE, title) : title;
}

static double
num (JsonObject *o,
     const char *member)
{
  JsonNode *n = o ? json_object_get_member (o, member) : NULL;
  return n && JSON_NODE_HOLDS_VALUE (n) ? json_node_get_double (n) : 0;
}

static JsonArray *
array (JsonObject *o,
       const char *member)
{
  JsonNode *n = o ? json_object_get_member (o, member) : NULL;
  return n && JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
}

static char *
minutes (double seconds)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.1f", seconds / 60.0));
}

static char *
percent (double share)
{
  return g_strdup_printf ("%.0f%%", share * 100.0);
}

/* Tables */

static void
add_row (GPtrArray *rows,
         ...)
{
  GStrvBuilder *b = g_strv_builder_new ();
  va_list args;
  char *field;

  va_start (args, rows);
  while ((field = va_arg (args, char *)))
    {
      g_strv_builder_add (b, field);
      g_free (field);
    }
  va_end (args);
  g_ptr_array_add (rows, g_strv_builder_end (b));
  g_strv_builder_unref (b);
}

static GPtrArray *
build_table (JsonObject *report,
             const char *name)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  JsonArray *list = array (report, name);

  if (g_str_equal (name, "volume"))
    {
      add_row (rows, g_strdup (_("Month")), g_strdup (_("Permit type")), g_strdup (_("Received")),
               g_strdup (_("Issued")), g_strdup (_("Refused")), g_strdup (_("Still open")), NULL);
      for (guint i = 0; list && i < json_array_get_length (list); i++)
        {
          JsonObject *o = json_array_get_object_element (list, i);
          add_row (rows, g_strdup (str (o, "month")), g_strdup (str (o, "permit_type_name")),
                   g_strdup_printf ("%.0f", num (o, "received")), g_strdup_printf ("%.0f", num (o, "issued")),
                   g_strdup_printf ("%.0f", num (o, "refused")), g_strdup_printf ("%.0f", num (o, "in_progress")), NULL);
        }
    }
  else if (g_str_equal (name, "steps") || g_str_equal (name, "officers"))
    {
      gboolean officers = g_str_equal (name, "officers");

      if (officers)
        add_row (rows, g_strdup (_("Officer")), g_strdup (_("Step")), g_strdup (_("Stays")),
                 g_strdup (_("Median (min)")), g_strdup (_("90th percentile (min)")), g_strdup (_("Standard (min)")),
                 g_strdup (_("Within standard")), NULL);
      else
        add_row (rows, g_strdup (_("Step")), g_strdup (_("Stays")), g_strdup (_("Median (min)")),
                 g_strdup (_("90th percentile (min)")), g_strdup (_("Standard (min)")), g_strdup (_("Within standard")),
                 g_strdup (_("Slowest file")), NULL);
      for (guint i = 0; list && i < json_array_get_length (list); i++)
        {
          JsonObject *o = json_array_get_object_element (list, i);
          JsonArray *slow = array (o, "slowest");

          if (officers)
            add_row (rows, g_strdup (str (o, "full_name")), g_strdup (server_title (o)),
                     g_strdup_printf ("%.0f", num (o, "count")), minutes (num (o, "median_seconds")),
                     minutes (num (o, "p90_seconds")), minutes (num (o, "standard_seconds")),
                     percent (num (o, "within_standard")), NULL);
          else
            add_row (rows, g_strdup (server_title (o)), g_strdup_printf ("%.0f", num (o, "count")),
                     minutes (num (o, "median_seconds")), minutes (num (o, "p90_seconds")),
                     minutes (num (o, "standard_seconds")), percent (num (o, "within_standard")),
                     g_strdup (slow && json_array_get_length (slow)
                               ? str (json_array_get_object_element (slow, 0), "registration_number") : ""), NULL);
        }
    }
  else if (g_str_equal (name, "waiting"))
    {
      add_row (rows, g_strdup (_("Step")), g_strdup (_("Files")), g_strdup (_("Overdue")),
               g_strdup (_("Oldest (hours)")), NULL);
      for (guint i = 0; list && i < json_array_get_length (list); i++)
        {
          JsonObject *o = json_array_get_object_element (list, i);
          char buf[G_ASCII_DTOSTR_BUF_SIZE];

          add_row (rows, g_strdup (server_title (o)), g_strdup_printf ("%.0f", num (o, "count")),
                   g_strdup_printf ("%.0f", num (o, "overdue")),
                   g_strdup (g_ascii_formatd (buf, sizeof buf, "%.1f", num (o, "oldest_seconds") / 3600.0)), NULL);
        }
    }
  else if (g_str_equal (name, "service"))
    {
      JsonObject *s = json_object_get_object_member (report, "service");
      double day = MAX (1.0, num (s, "working_day_seconds"));
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      add_row (rows, g_strdup (_("Decided")), g_strdup (_("Within service standard")),
               g_strdup (_("Median (working days)")), NULL);
      add_row (rows, g_strdup_printf ("%.0f", num (s, "decided")), percent (num (s, "within_standard")),
               g_strdup (g_ascii_formatd (buf, sizeof buf, "%.2f", num (s, "median_seconds") / day)), NULL);
    }
  else if (g_str_equal (name, "satisfaction"))
    {
      JsonObject *s = json_object_get_object_member (report, "satisfaction");
      JsonArray *elements = array (s, "elements");
      char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE];

      add_row (rows, g_strdup (_("Element")), g_strdup (_("Mean (1–4)")), g_strdup (_("Index")), NULL);
      for (guint i = 0; elements && i < json_array_get_length (elements); i++)
        {
          JsonObject *o = json_array_get_object_element (elements, i);
          add_row (rows, g_strdup (server_title (o)), g_strdup (g_ascii_formatd (a, sizeof a, "%.2f", num (o, "mean"))),
                   g_strdup (g_ascii_formatd (b, sizeof b, "%.2f", num (o, "index"))), NULL);
        }
      if (num (s, "responses") > 0)
        add_row (rows, g_strdup_printf (_("Satisfaction index (%.0f answers, grade %s)"), num (s, "responses"),
                                        str (s, "category")),
                 g_strdup (""), g_strdup (g_ascii_formatd (b, sizeof b, "%.2f", num (s, "index"))), NULL);
    }
  return rows;
}

static const char *
table_title (const char *name)
{
  if (g_str_equal (name, "volume"))
    return _("Files per Month");
  if (g_str_equal (name, "steps"))
    return _("Time per Step against the Standard");
  if (g_str_equal (name, "officers"))
    return _("Time per Officer");
  if (g_str_equal (name, "waiting"))
    return _("Where Files Wait Now");
  if (g_str_equal (name, "service"))
    return _("Service Standard");
  return _("Applicants' Satisfaction (SKM)");
}

/* Charts: each draws in a box of the given size with @fg as its ink. */

static void
set_rgb (cairo_t      *cr,
         const double *c,
         double        alpha)
{
  cairo_set_source_rgba (cr, c[0], c[1], c[2], alpha);
}

enum { LEFT, RIGHT, CENTER };

static void
label (cairo_t       *cr,
       const GdkRGBA *fg,
       const char    *text,
       double         x,
       double         y,
       double         max_width,
       int            align,
       double         size)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string ("Sans");
  int w, h;

  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_width (layout, (int) (max_width * PANGO_SCALE));
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, align == RIGHT ? x + max_width - w : align == CENTER ? x + (max_width - w) / 2 : x, y - h / 2.0);
  gdk_cairo_set_source_rgba (cr, fg);
  pango_cairo_show_layout (cr, layout);
  pango_font_description_free (font);
  g_object_unref (layout);
}

static void
draw_volume (cairo_t       *cr,
             double         width,
             double         height,
             JsonObject    *report,
             const GdkRGBA *fg)
{
  JsonArray *list = array (report, "volume");
  g_autoptr(GPtrArray) months = g_ptr_array_new ();
  double totals[64][3] = { { 0 } };
  double top = 1, left = 36, bottom = 34, plot_h = height - bottom - 10, slot;
  const double *colours[3] = { blue, green, red };
  const char *names[3] = { _("Received"), _("Issued"), _("Refused") };

  for (guint i = 0; list && i < json_array_get_length (list); i++)
    {
      JsonObject *o = json_array_get_object_element (list, i);
      guint m;

      for (m = 0; m < months->len; m++)
        if (g_str_equal (g_ptr_array_index (months, m), str (o, "month")))
          break;
      if (m == months->len)
        {
          if (months->len == G_N_ELEMENTS (totals))
            continue;
          g_ptr_array_add (months, (gpointer) str (o, "month"));
        }
      totals[m][0] += num (o, "received");
      totals[m][1] += num (o, "issued");
      totals[m][2] += num (o, "refused");
    }
  for (guint m = 0; m < months->len; m++)
    for (guint k = 0; k < 3; k++)
      top = MAX (top, totals[m][k]);
  if (months->len == 0)
    {
      label (cr, fg, _("No files in this period"), 0, height / 2, width, FALSE, 12);
      return;
    }
  /* axis and the scale's top */
  gdk_cairo_set_source_rgba (cr, fg);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, left, 10);
  cairo_line_to (cr, left, 10 + plot_h);
  cairo_line_to (cr, width, 10 + plot_h);
  cairo_stroke (cr);
  {
    g_autofree char *top_text = g_strdup_printf ("%.0f", top);
    label (cr, fg, top_text, 0, 12, left - 4, TRUE, 10);
    label (cr, fg, "0", 0, 10 + plot_h, left - 4, TRUE, 10);
  }
  slot = (width - left - 8) / months->len;
  for (guint m = 0; m < months->len; m++)
    {
      double bar = CLAMP ((slot - 8) / 3, 2, 28);
      double x = left + 4 + m * slot + (slot - 3 * bar) / 2;

      for (guint k = 0; k < 3; k++)
        {
          double h = plot_h * totals[m][k] / top;
          set_rgb (cr, colours[k], 0.85);
          cairo_rectangle (cr, x + k * bar, 10 + plot_h - h, bar - 1, h);
          cairo_fill (cr);
        }
      label (cr, fg, g_ptr_array_index (months, m), x - (slot - 3 * bar) / 2, height - bottom / 2 - 4, slot, CENTER, 10);
    }
  /* legend */
  for (guint k = 0; k < 3; k++)
    {
      double x = width - 3 * 96 + k * 96;
      set_rgb (cr, colours[k], 0.85);
      cairo_rectangle (cr, x, height - 12, 10, 10);
      cairo_fill (cr);
      label (cr, fg, names[k], x + 14, height - 7, 80, FALSE, 10);
    }
}

/* Median (filled) and 90th percentile (outline) as a multiple of each
 * step's standard; the line is the standard itself. */
static void
draw_steps (cairo_t       *cr,
            double         width,
            double         height,
            JsonObject    *report,
            const GdkRGBA *fg)
{
  JsonArray *list = array (report, "steps");
  guint n = list ? json_array_get_length (list) : 0;
  double left = MIN (200, width * 0.35), right = width - 8, row, scale_max = 3.0;

  if (n == 0)
    {
      label (cr, fg, _("No step finished in this period"), 0, height / 2, width, FALSE, 12);
      return;
    }
  row = (height - 24) / n;
  for (guint i = 0; i < n; i++)
    {
      JsonObject *o = json_array_get_object_element (list, i);
      double standard = num (o, "standard_seconds");
      double median = standard > 0 ? num (o, "median_seconds") / standard : 0;
      double p90 = standard > 0 ? num (o, "p90_seconds") / standard : 0;
      double y = 4 + i * row, w = right - left;
      const double *c = median <= 1 ? green : median <= 2 ? amber : red;

      label (cr, fg, server_title (o), 0, y + row / 2, left - 8, TRUE, 10);
      set_rgb (cr, c, 0.85);
      cairo_rectangle (cr, left, y + row * 0.2, w * MIN (median, scale_max) / scale_max, row * 0.6);
      cairo_fill (cr);
      set_rgb (cr, c, 1);
      cairo_set_line_width (cr, 1.2);
      cairo_rectangle (cr, left, y + row * 0.2, w * MIN (p90, scale_max) / scale_max, row * 0.6);
      cairo_stroke (cr);
    }
  /* the standard, and the scale */
  gdk_cairo_set_source_rgba (cr, fg);
  cairo_set_line_width (cr, 1.5);
  cairo_set_dash (cr, (double[]) { 4, 3 }, 2, 0);
  cairo_move_to (cr, left + (right - left) / scale_max, 2);
  cairo_line_to (cr, left + (right - left) / scale_max, height - 20);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  for (guint k = 0; k <= 3; k++)
    {
      g_autofree char *t = k == 1 ? g_strdup (_("standard")) : g_strdup_printf ("%u×", k);
      label (cr, fg, t, left + (right - left) * k / scale_max - 30, height - 8, 60, FALSE, 10);
    }
}

static void
draw_waiting (cairo_t       *cr,
              double         width,
              double         height,
              JsonObject    *report,
              const GdkRGBA *fg)
{
  JsonArray *list = array (report, "waiting");
  guint n = list ? json_array_get_length (list) : 0;
  double left = MIN (200, width * 0.35), right = width - 48, most = 1, row;

  if (n == 0)
    return;
  for (guint i = 0; i < n; i++)
    most = MAX (most, num (json_array_get_object_element (list, i), "count"));
  row = (height - 4) / n;
  for (guint i = 0; i < n; i++)
    {
      JsonObject *o = json_array_get_object_element (list, i);
      double y = 2 + i * row, count = num (o, "count"), overdue = num (o, "overdue");
      double w = (right - left) * count / most, wo = (right - left) * overdue / most;
      g_autofree char *n_text = g_strdup_printf ("%.0f", count);

      label (cr, fg, server_title (o), 0, y + row / 2, left - 8, TRUE, 10);
      set_rgb (cr, json_object_get_boolean_member_with_default (o, "applicant_clock", FALSE) ? amber : blue, 0.8);
      cairo_rectangle (cr, left, y + row * 0.2, w, row * 0.6);
      cairo_fill (cr);
      set_rgb (cr, red, 0.9);
      cairo_rectangle (cr, left, y + row * 0.2, wo, row * 0.6);
      cairo_fill (cr);
      if (json_object_get_boolean_member_with_default (o, "bottleneck", FALSE))
        {
          gdk_cairo_set_source_rgba (cr, fg);
          cairo_set_line_width (cr, 2);
          cairo_rectangle (cr, left - 2, y + row * 0.1, w + 4, row * 0.8);
          cairo_stroke (cr);
        }
      label (cr, fg, n_text, left + w + 4, y + row / 2, 44, FALSE, 10);
    }
}

static void
draw_satisfaction (cairo_t       *cr,
                   double         width,
                   double         height,
                   JsonObject    *report,
                   const GdkRGBA *fg)
{
  JsonObject *s = json_object_get_object_member (report, "satisfaction");
  JsonArray *elements = array (s, "elements");
  guint n = elements ? json_array_get_length (elements) : 0;
  double left = MIN (220, width * 0.38), right = width - 48, row;

  if (num (s, "responses") == 0)
    {
      label (cr, fg, _("No survey answers in this period"), 0, height / 2, width, FALSE, 12);
      return;
    }
  row = (height - 4) / MAX (1, n);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *o = json_array_get_object_element (elements, i);
      double index = num (o, "index"), y = 2 + i * row;
      g_autofree char *t = g_strdup_printf ("%.1f", index);

      label (cr, fg, server_title (o), 0, y + row / 2, left - 8, TRUE, 10);
      set_rgb (cr, index >= 88.31 ? green : index >= 76.61 ? blue : index >= 65 ? amber : red, 0.85);
      cairo_rectangle (cr, left, y + row * 0.2, (right - left) * index / 100.0, row * 0.6);
      cairo_fill (cr);
      label (cr, fg, t, left + (right - left) * index / 100.0 + 4, y + row / 2, 44, FALSE, 10);
    }
}

typedef struct {
  const char *table;
  ChartFunc   chart;
  double      height;
} Section;

static const Section sections[] = {
  { "volume", draw_volume, 200 },
  { "steps", draw_steps, 260 },
  { "waiting", draw_waiting, 250 },
  { "service", NULL, 0 },
  { "officers", NULL, 0 },
  { "satisfaction", draw_satisfaction, 220 },
};

/* On screen */

static void
draw_area (GtkDrawingArea *area,
           cairo_t        *cr,
           int             width,
           int             height,
           gpointer        data)
{
  PzReportView *self = PZ_REPORT_VIEW (gtk_widget_get_ancestor (GTK_WIDGET (area), PZ_TYPE_REPORT_VIEW));
  const Section *section = data;
  GdkRGBA fg;

  if (self == NULL || self->report == NULL)
    return;
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &fg);
  section->chart (cr, width, height, self->report, &fg);
}

/* A column of numbers (or shares) is right-aligned; text stays left. */
static gboolean
numeric_column (GPtrArray *rows,
                guint      column)
{
  gboolean any = FALSE;

  for (guint r = 1; r < rows->len; r++)
    {
      char **fields = g_ptr_array_index (rows, r);
      const char *f;
      char *end;

      if (column >= g_strv_length (fields) || !*(f = fields[column]))
        continue;
      g_ascii_strtod (f, &end);
      if (end == f || (*end && strcmp (end, "%") != 0))
        return FALSE;
      any = TRUE;
    }
  return any;
}

static GtkWidget *
table_grid (GPtrArray *rows)
{
  GtkWidget *grid = gtk_grid_new ();

  gtk_grid_set_column_spacing (GTK_GRID (grid), 18);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 4);
  for (guint r = 0; r < rows->len; r++)
    {
      char **fields = g_ptr_array_index (rows, r);

      for (guint c = 0; fields[c]; c++)
        {
          GtkWidget *cell = gtk_label_new (fields[c]);

          gtk_label_set_xalign (GTK_LABEL (cell), numeric_column (rows, c) ? 1 : 0);
          gtk_label_set_selectable (GTK_LABEL (cell), TRUE);
          if (r == 0)
            gtk_widget_add_css_class (cell, "heading");
          else if (c > 0)
            gtk_widget_add_css_class (cell, "numeric");
          gtk_grid_attach (GTK_GRID (grid), cell, (int) c, (int) r, 1, 1);
        }
    }
  return grid;
}

static char *
default_name (PzReportView *self,
              const char   *what,
              const char   *extension)
{
  JsonObject *period = json_object_get_object_member (self->report, "period");
  return g_strdup_printf ("laporan-%s-%s_%s.%s", what, str (period, "from"), str (period, "to"), extension);
}


static void
save_response (GtkNativeDialog *chooser,
               int              response,
               PzReportView    *self)
{
  const char *table = g_object_get_data (G_OBJECT (chooser), "table");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autoptr(GError) error = NULL;
      gboolean ok = table ? pz_report_view_export_csv (self, table, file, &error)
                          : pz_report_view_export_pdf (self, file, &error);

      pz_toast (GTK_WIDGET (self), ok ? _("Saved") : error->message);
    }
  g_object_unref (chooser);
}

static void
ask_file (PzReportView *self,
          const char   *table)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (table ? _("Export Table") : _("Export Report"),
                                                               GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), NULL);
  g_autofree char *name = default_name (self, table ? table : "lengkap", table ? "csv" : "pdf");

  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_object_set_data (G_OBJECT (chooser), "table", (gpointer) table);
  g_signal_connect (chooser, "response", G_CALLBACK (save_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
csv_clicked (GtkButton    *button,
             PzReportView *self)
{
  ask_file (self, g_object_get_data (G_OBJECT (button), "table"));
}

static void
pdf_clicked (PzReportView *self)
{
  if (self->report)
    ask_file (self, NULL);
}

static void
rebuild (PzReportView *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->content)))
    gtk_box_remove (GTK_BOX (self->content), child);
  if (self->report == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    {
      const Section *s = &sections[i];
      g_autoptr(GPtrArray) rows = build_table (self->report, s->table);
      GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      GtkWidget *title = gtk_label_new (table_title (s->table));
      GtkWidget *csv = gtk_button_new_with_mnemonic (_("Export _CSV…"));
      GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

      gtk_widget_add_css_class (title, "title-4");
      gtk_label_set_xalign (GTK_LABEL (title), 0);
      gtk_widget_set_hexpand (title, TRUE);
      gtk_box_append (GTK_BOX (header), title);
      g_object_set_data (G_OBJECT (csv), "table", (gpointer) s->table);
      g_signal_connect (csv, "clicked", G_CALLBACK (csv_clicked), self);
      gtk_box_append (GTK_BOX (header), csv);
      gtk_box_append (GTK_BOX (self->content), header);

      gtk_widget_add_css_class (card, "card");
      gtk_widget_add_css_class (card, "pz-report-card");
      if (s->chart)
        {
          GtkWidget *area = gtk_drawing_area_new ();

          gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (area), (int) s->height);
          gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), draw_area, (gpointer) s, NULL);
          gtk_accessible_update_property (GTK_ACCESSIBLE (area), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          table_title (s->table), -1);
          gtk_box_append (GTK_BOX (card), area);
        }
      gtk_box_append (GTK_BOX (card), table_grid (rows));
      gtk_box_append (GTK_BOX (self->content), card);
    }
}

static void
report_done (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  PzReportView *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = pz_api_get_report_finish (PZ_CLIENT (source), result, &error);
  JsonArray *details = pz_client_error_get_details (error);

  self->busy--;
  if (node && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *period;
      g_autofree char *text = NULL;

      g_clear_pointer (&self->report, json_object_unref);
      self->report = json_object_ref (json_node_get_object (node));
      period = json_object_get_object_member (self->report, "period");
      gtk_editable_set_text (GTK_EDITABLE (self->from), str (period, "from"));
      gtk_editable_set_text (GTK_EDITABLE (self->to), str (period, "to"));
      {
        g_autofree char *from = pz_format_date_text (str (period, "from"));
        g_autofree char *to = pz_format_date_text (str (period, "to"));

        text = g_strdup_printf (_("From %s to %s; files waiting as of now"), from, to);
      }
      gtk_label_set_text (GTK_LABEL (self->status), text);
      rebuild (self);
    }
  else if (error && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      GString *text = g_string_new (error->message);

      for (guint i = 0; details && i < json_array_get_length (details); i++)
        g_string_append_printf (text, " %s", str (json_array_get_object_element (details, i), "message"));
      gtk_label_set_text (GTK_LABEL (self->status), text->str);
      g_string_free (text, TRUE);
    }
  g_object_unref (self);
}

/**
 * pz_report_view_load:
 * @from: (nullable): the first day, YYYY-MM-DD; %NULL: 1 January
 * @to: (nullable): the last day; %NULL: today
 */
void
pz_report_view_load (PzReportView *self,
                     const char   *from,
                     const char   *to)
{
  self->busy++;
  pz_api_get_report_async (self->client, from, to, self->cancellable, report_done, g_object_ref (self));
}

static void
show_clicked (PzReportView *self)
{
  pz_report_view_load (self, gtk_editable_get_text (GTK_EDITABLE (self->from)),
                       gtk_editable_get_text (GTK_EDITABLE (self->to)));
}

/* Export */

gboolean
pz_report_view_export_csv (PzReportView *self,
                           const char   *name,
                           GFile        *file,
                           GError      **error)
{
  g_autoptr(GPtrArray) rows = pz_report_view_get_table (self, name);
  g_autoptr(GString) out = g_string_new (NULL);

  if (rows == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("Show a report first"));
      return FALSE;
    }
  for (guint i = 0; i < rows->len; i++)
    pz_csv_append_row (out, g_ptr_array_index (rows, i));
  return g_file_replace_contents (file, out->str, out->len, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL,
                                  NULL, error);
}

static cairo_status_t
write_to_string (void                *closure,
                 const unsigned char *data,
                 unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

#define PDF_W 595.0
#define PDF_H 842.0
#define PDF_MARGIN 48.0

typedef struct {
  cairo_t *cr;
  double   y;
} Page;

static void
need (Page  *p,
      double height)
{
  if (p->y + height > PDF_H - PDF_MARGIN)
    {
      cairo_show_page (p->cr);
      p->y = PDF_MARGIN;
    }
}

static double
pdf_text (Page       *p,
          const char *text,
          const char *font,
          double      x,
          double      width,
          gboolean    right)
{
  PangoLayout *layout = pango_cairo_create_layout (p->cr);
  PangoFontDescription *desc = pango_font_description_from_string (font);
  int w, h;

  pango_layout_set_font_description (layout, desc);
  pango_layout_set_text (layout, text, -1);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_set_source_rgb (p->cr, 0, 0, 0);
  cairo_move_to (p->cr, right ? x + width - w : x, p->y);
  pango_cairo_show_layout (p->cr, layout);
  pango_font_description_free (desc);
  g_object_unref (layout);
  return h;
}

gboolean
pz_report_view_export_pdf (PzReportView *self,
                           GFile        *file,
                           GError      **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  cairo_surface_t *surface;
  GdkRGBA ink = { 0.1, 0.1, 0.1, 1 };
  JsonObject *period;
  Page p;
  cairo_status_t status;

  if (self->report == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("Show a report first"));
      return FALSE;
    }
  period = json_object_get_object_member (self->report, "period");
  surface = cairo_pdf_surface_create_for_stream (write_to_string, bytes, PDF_W, PDF_H);
  p.cr = cairo_create (surface);
  p.y = PDF_MARGIN;
  {
    g_autofree char *from = pz_format_date_text (str (period, "from"));
    g_autofree char *to = pz_format_date_text (str (period, "to"));
    g_autofree char *made = pz_format_date_text (str (self->report, "generated_at"));
    g_autofree char *title = g_strdup_printf (_("Service Report %s to %s"), from, to);
    g_autofree char *generated = g_strdup_printf (_("Made %s; files waiting as of then"), made);

    p.y += pdf_text (&p, title, "Sans Bold 16", PDF_MARGIN, PDF_W - 2 * PDF_MARGIN, FALSE) + 4;
    p.y += pdf_text (&p, generated, "Sans 9", PDF_MARGIN, PDF_W - 2 * PDF_MARGIN, FALSE) + 16;
  }
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    {
      const Section *s = &sections[i];
      g_autoptr(GPtrArray) rows = build_table (self->report, s->table);
      guint columns = rows->len ? g_strv_length (g_ptr_array_index (rows, 0)) : 1;
      double first = (PDF_W - 2 * PDF_MARGIN) * (columns > 4 ? 0.32 : 0.45);
      double other = (PDF_W - 2 * PDF_MARGIN - first) / MAX (1, columns - 1);

      need (&p, 40 + s->height);
      p.y += pdf_text (&p, table_title (s->table), "Sans Bold 12", PDF_MARGIN, PDF_W - 2 * PDF_MARGIN, FALSE) + 8;
      if (s->chart)
        {
          cairo_save (p.cr);
          cairo_translate (p.cr, PDF_MARGIN, p.y);
          s->chart (p.cr, PDF_W - 2 * PDF_MARGIN, s->height, self->report, &ink);
          cairo_restore (p.cr);
          p.y += s->height + 10;
        }
      for (guint r = 0; r < rows->len; r++)
        {
          char **fields = g_ptr_array_index (rows, r);
          double h = 0;

          need (&p, 14);
          for (guint c = 0; fields[c]; c++)
            h = MAX (h, pdf_text (&p, fields[c], r == 0 ? "Sans Bold 7.5" : "Sans 7.5",
                                  c == 0 ? PDF_MARGIN : PDF_MARGIN + first + (c - 1) * other,
                                  (c == 0 ? first : other) - 4, numeric_column (rows, c)));
          p.y += h + 2;
        }
      p.y += 18;
    }
  cairo_destroy (p.cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", cairo_status_to_string (status));
      return FALSE;
    }
  return g_file_replace_contents (file, (const char *) bytes->data, bytes->len, NULL, FALSE,
                                  G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, error);
}

/* The widget */

static void
pz_report_view_dispose (GObject *object)
{
  PzReportView *self = PZ_REPORT_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  g_clear_pointer (&self->report, json_object_unref);
  G_OBJECT_CLASS (pz_report_view_parent_class)->dispose (object);
}

static void
pz_report_view_class_init (PzReportViewClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pz_report_view_dispose;
}

static GtkWidget *
period_entry (const char *placeholder,
              const char *accessible)
{
  GtkWidget *entry = gtk_entry_new ();

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), placeholder);
  gtk_editable_set_width_chars (GTK_EDITABLE (entry), 11);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  return entry;
}

/* the entry and its calendar button, joined as GNOME apps join them */
static GtkWidget *
date_field (GtkWidget *entry)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *button = pz_date_button_new (GTK_EDITABLE (entry));

  gtk_widget_remove_css_class (button, "flat");
  gtk_widget_add_css_class (box, "linked");
  gtk_box_append (GTK_BOX (box), entry);
  gtk_box_append (GTK_BOX (box), button);
  return box;
}

static void
pz_report_view_init (PzReportView *self)
{
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *show = gtk_button_new_with_mnemonic (_("_Show"));
  GtkWidget *pdf = gtk_button_new_with_mnemonic (_("Export _PDF…"));
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();

  self->cancellable = g_cancellable_new ();
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_widget_set_margin_start (bar, 12);
  gtk_widget_set_margin_end (bar, 12);
  gtk_widget_set_margin_top (bar, 8);
  gtk_widget_set_margin_bottom (bar, 8);
  gtk_box_append (GTK_BOX (bar), gtk_label_new (_("From")));
  self->from = period_entry (_("YYYY-MM-DD"), _("First day"));
  gtk_box_append (GTK_BOX (bar), date_field (self->from));
  gtk_box_append (GTK_BOX (bar), gtk_label_new (_("to")));
  self->to = period_entry (_("YYYY-MM-DD"), _("Last day"));
  gtk_box_append (GTK_BOX (bar), date_field (self->to));
  gtk_widget_add_css_class (show, "suggested-action");
  g_signal_connect_swapped (show, "clicked", G_CALLBACK (show_clicked), self);
  g_signal_connect_swapped (self->to, "activate", G_CALLBACK (show_clicked), self);
  g_signal_connect_swapped (self->from, "activate", G_CALLBACK (show_clicked), self);
  gtk_box_append (GTK_BOX (bar), show);
  self->status = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->status, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (self->status), 0);
  gtk_label_set_ellipsize (GTK_LABEL (self->status), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (self->status, TRUE);
  gtk_box_append (GTK_BOX (bar), self->status);
  g_signal_connect_swapped (pdf, "clicked", G_CALLBACK (pdf_clicked), self);
  gtk_box_append (GTK_BOX (bar), pdf);
  gtk_box_append (GTK_BOX (self), bar);
  gtk_box_append (GTK_BOX (self), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));

  self->content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_top (self->content, 18);
  gtk_widget_set_margin_bottom (self->content, 24);
  gtk_widget_set_margin_start (self->content, 12);
  gtk_widget_set_margin_end (self->content, 12);
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 960);
  adw_clamp_set_child (ADW_CLAMP (clamp), self->content);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (self), scrolled);
}

GtkWidget *
pz_report_view_new (PzClient *client)
{
  PzReportView *self = g_object_new (PZ_TYPE_REPORT_VIEW, NULL);

  self->client = g_object_ref (client);
  return GTK_WIDGET (self);
}

gboolean
pz_report_view_is_busy (PzReportView *self)
{
  return self->busy > 0;
}

JsonObject *
pz_report_view_get_report (PzReportView *self)
{
  return self->report;
}

/**
 * pz_report_view_get_table:
 *
 * Returns: (transfer full) (nullable) (element-type GStrv): the rows of
 *   table @name, its header first, as shown and exported
 */
GPtrArray *
pz_report_view_get_table (PzReportView *self,
                          const char   *name)
{
  if (self->report == NULL || !g_strv_contains (pz_report_tables, name))
    return NULL;
  return build_table (self->report, name);
}
