/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-file-item"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "perizinan.h"
#include "pz-file-item.h"

/* One row of an inbox or a search: a file as lists show it. */
struct _PzFileItem
{
  GObject     parent_instance;
  gint64      id;
  char       *columns[PZ_N_FILE_COLUMNS];
  gint64      due;        /* unix time; 0: none */
  gint64      entered;
  PzDueState  due_state;
  JsonObject *summary;
};

G_DEFINE_FINAL_TYPE (PzFileItem, pz_file_item, G_TYPE_OBJECT)

static void
pz_file_item_finalize (GObject *object)
{
  PzFileItem *self = PZ_FILE_ITEM (object);

  for (guint i = 0; i < PZ_N_FILE_COLUMNS; i++)
    g_free (self->columns[i]);
  g_clear_pointer (&self->summary, json_object_unref);
  G_OBJECT_CLASS (pz_file_item_parent_class)->finalize (object);
}

static void
pz_file_item_class_init (PzFileItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pz_file_item_finalize;
}

static void
pz_file_item_init (PzFileItem *self)
{
}

/**
 * pz_format_duration:
 * @seconds: a length of time
 *
 * Returns: (transfer full): "5 min", "2 h 10 min" or "3 d 4 h"
 */
char *
pz_format_duration (gint64 seconds)
{
  gint64 minutes = MAX (seconds, 0) / 60;

  if (minutes < 60)
    return g_strdup_printf (_("%d min"), (int) minutes);
  if (minutes < 24 * 60)
    return g_strdup_printf (_("%d h %d min"), (int) (minutes / 60), (int) (minutes % 60));
  return g_strdup_printf (_("%d d %d h"), (int) MIN (minutes / (24 * 60), 99999),
                          (int) (minutes / 60 % 24));
}

/**
 * pz_format_local_time:
 * @iso8601: (nullable): a time as the server sends it
 *
 * Returns: (transfer full): the time as people at the office read it
 */
char *
pz_format_local_time (const char *iso8601)
{
  g_autoptr(GDateTime) t = iso8601 ? g_date_time_new_from_iso8601 (iso8601, NULL) : NULL;

  if (t == NULL)
    return g_strdup ("—");
  /* The office's own offset, as the server wrote it. */
  return pz_format_date_time (t);
}

const char *
pz_due_state_label (PzDueState state)
{
  switch (state)
    {
    case PZ_DUE_ON_TIME:
      return _("On time");
    case PZ_DUE_SOON:
      return _("Due soon");
    case PZ_DUE_OVERDUE:
      return _("Overdue");
    case PZ_DUE_ISSUED:
      return _("Issued");
    case PZ_DUE_REFUSED:
      return _("Refused");
    case PZ_DUE_NONE:
    default:
      return _("Waiting for applicant");
    }
}

const char *
pz_due_state_css_class (PzDueState state)
{
  switch (state)
    {
    case PZ_DUE_ON_TIME:
      return "success";
    case PZ_DUE_SOON:
      return "warning";
    case PZ_DUE_OVERDUE:
      return "error";
    case PZ_DUE_ISSUED:
      return "success";
    case PZ_DUE_REFUSED:
    case PZ_DUE_NONE:
    default:
      return "dim-label";
    }
}

/**
 * pz_due_state_for:
 * @entered: (nullable): when the file reached its step
 * @due: (nullable): when the step's standard runs out; %NULL: no clock
 * @now: the current time
 *
 * A file is due soon when less than a fifth of its step's standard is
 * left, so the badge means the same for a 30-minute step as for a
 * 10-day one: a file that has just arrived is on time.
 */
PzDueState
pz_due_state_for (GDateTime *entered,
                  GDateTime *due,
                  GDateTime *now)
{
  GTimeSpan left, standard;

  if (due == NULL)
    return PZ_DUE_NONE;
  left = g_date_time_difference (due, now);
  if (left < 0)
    return PZ_DUE_OVERDUE;
  /* without its start, the last hour counts as soon */
  standard = entered ? g_date_time_difference (due, entered) : 5 * G_TIME_SPAN_HOUR;
  if (standard > 0 && left * 5 < standard)
    return PZ_DUE_SOON;
  return PZ_DUE_ON_TIME;
}

/**
 * pz_file_item_new_from_json:
 * @summary: a file as `GET /api/v1/inbox` lists it
 * @now: the current time
 *
 * Returns: (transfer full): the row
 */
PzFileItem *
pz_file_item_new_from_json (JsonObject *summary,
                            GDateTime  *now)
{
  PzFileItem *self = g_object_new (PZ_TYPE_FILE_ITEM, NULL);
  const char *due = pz_json_get_string (summary, "due_at");
  const char *entered = pz_json_get_string (summary, "step_entered_at");
  g_autoptr(GDateTime) due_t = due ? g_date_time_new_from_iso8601 (due, NULL) : NULL;
  g_autoptr(GDateTime) entered_t = entered ? g_date_time_new_from_iso8601 (entered, NULL) : NULL;

  self->id = json_object_get_int_member_with_default (summary, "id", 0);
  self->summary = json_object_ref (summary);
  self->columns[PZ_FILE_COLUMN_REGISTRATION] = g_strdup (pz_json_get_string (summary, "registration_number"));
  self->columns[PZ_FILE_COLUMN_APPLICANT] = g_strdup (pz_json_get_string (summary, "applicant_name"));
  self->columns[PZ_FILE_COLUMN_PERMIT] = g_strdup (pz_json_get_string (summary, "permit_type_name"));
  /* in the user's language, whatever the server's */
  self->columns[PZ_FILE_COLUMN_STEP] = pz_json_get_string (summary, "step_title")
    ? g_strdup (g_dgettext (GETTEXT_PACKAGE, pz_json_get_string (summary, "step_title"))) : NULL;
  self->columns[PZ_FILE_COLUMN_IN_STEP] =
    entered_t ? pz_format_duration (g_date_time_difference (now, entered_t) / G_TIME_SPAN_SECOND)
              : g_strdup ("—");
  if (due_t)
    {
      /* in a table: the day on one line, the time under it */
      g_autoptr(GDate) day = g_date_new_dmy (g_date_time_get_day_of_month (due_t), g_date_time_get_month (due_t),
                                             g_date_time_get_year (due_t));
      g_autofree char *date = pz_format_date (day);
      g_autofree char *time = pz_format_time (due_t);

      self->columns[PZ_FILE_COLUMN_DUE] = g_strdup_printf ("%s\n%s", date, time);
    }

  self->due = due_t ? g_date_time_to_unix (due_t) : 0;
  self->entered = entered_t ? g_date_time_to_unix (entered_t) : 0;
  /* a closed file has no due time: it says how it ended */
  if (g_strcmp0 (pz_json_get_string (summary, "status"), "issued") == 0)
    self->due_state = PZ_DUE_ISSUED;
  else if (g_strcmp0 (pz_json_get_string (summary, "status"), "refused") == 0)
    self->due_state = PZ_DUE_REFUSED;
  else
    self->due_state = pz_due_state_for (entered_t, due_t, now);

  for (guint i = 0; i < PZ_N_FILE_COLUMNS; i++)
    if (self->columns[i] == NULL)
      self->columns[i] = g_strdup ("—");
  return self;
}

gint64
pz_file_item_get_id (PzFileItem *self)
{
  return self->id;
}

const char *
pz_file_item_get_column (PzFileItem *self,
                         guint       column)
{
  g_return_val_if_fail (column < PZ_N_FILE_COLUMNS, NULL);
  return self->columns[column];
}

PzDueState
pz_file_item_get_due_state (PzFileItem *self)
{
  return self->due_state;
}

static int
compare_times (gint64 a,
               gint64 b)
{
  /* files without a clock come last */
  if (a == 0 || b == 0)
    return (a == 0) - (b == 0);
  return (a > b) - (a < b);
}

static int
compare_items (gconstpointer a,
               gconstpointer b,
               gpointer      data)
{
  const PzFileItem *x = a, *y = b;
  guint column = GPOINTER_TO_UINT (data);
  int order;

  if (column == PZ_FILE_COLUMN_DUE)
    order = compare_times (x->due, y->due);
  else if (column == PZ_FILE_COLUMN_IN_STEP)
    /* longest in the step first */
    order = compare_times (x->entered, y->entered);
  else
    {
      g_autofree char *kx = g_utf8_collate_key (x->columns[column], -1);
      g_autofree char *ky = g_utf8_collate_key (y->columns[column], -1);

      order = strcmp (kx, ky);
    }
  if (order == 0)
    order = (x->id > y->id) - (x->id < y->id);
  return order < 0 ? GTK_ORDERING_SMALLER : order > 0 ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
}

/**
 * pz_file_item_sorter_new:
 * @column: a PZ_FILE_COLUMN_*
 *
 * Returns: (transfer full): how a click on @column's header orders the list
 */
GtkSorter *
pz_file_item_sorter_new (guint column)
{
  g_return_val_if_fail (column < PZ_N_FILE_COLUMNS, NULL);
  return GTK_SORTER (gtk_custom_sorter_new (compare_items, GUINT_TO_POINTER (column), NULL));
}

/**
 * pz_file_item_get_summary:
 * @self: a row
 *
 * Returns: (transfer none): the file as the list gave it (its step,
 *   version, applicant and permit type)
 */
JsonObject *
pz_file_item_get_summary (PzFileItem *self)
{
  return self->summary;
}

/**
 * pz_toast:
 * @widget: a widget inside the window's toast overlay
 *
 * Shows @text in a toast of the window @widget is in.
 */
void
pz_toast (GtkWidget  *widget,
          const char *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);

  if (overlay)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
}
