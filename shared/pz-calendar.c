/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-calendar"

#include "config.h"

#include "pz-calendar.h"

/* The office's working time: weekdays between opening and closing hours,
 * less holidays. All arithmetic is done on the office's local dates. */
struct _PzCalendar
{
  gatomicrefcount ref_count;
  GTimeZone      *tz;
  guint           start_minute;
  guint           end_minute;
  guint           weekdays;      /* bit n set: GDateWeekday n works */
  GHashTable     *holidays;      /* julian day number */
};

/* Guards against a calendar with no working day at all. */
#define MAX_DAYS_SCANNED (366 * 30)

PzCalendar *
pz_calendar_new (GTimeZone *tz)
{
  PzCalendar *self = g_new0 (PzCalendar, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->tz = tz ? g_time_zone_ref (tz) : g_time_zone_new_identifier ("+07:00");
  self->start_minute = 7 * 60 + 30;
  self->end_minute = 16 * 60;
  self->weekdays = (1 << G_DATE_MONDAY) | (1 << G_DATE_TUESDAY) | (1 << G_DATE_WEDNESDAY) |
                   (1 << G_DATE_THURSDAY) | (1 << G_DATE_FRIDAY);
  self->holidays = g_hash_table_new (NULL, NULL);
  return self;
}

/**
 * pz_calendar_copy:
 *
 * Returns: (transfer full): a calendar with the same hours, working days
 *   and holidays, which later changes to @self do not touch
 */
PzCalendar *
pz_calendar_copy (PzCalendar *self)
{
  PzCalendar *copy = pz_calendar_new (self->tz);
  GHashTableIter iter;
  gpointer day;

  copy->start_minute = self->start_minute;
  copy->end_minute = self->end_minute;
  copy->weekdays = self->weekdays;
  g_hash_table_iter_init (&iter, self->holidays);
  while (g_hash_table_iter_next (&iter, &day, NULL))
    g_hash_table_add (copy->holidays, day);
  return copy;
}

PzCalendar *
pz_calendar_ref (PzCalendar *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
pz_calendar_unref (PzCalendar *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_time_zone_unref (self->tz);
  g_hash_table_unref (self->holidays);
  g_free (self);
}

GTimeZone *
pz_calendar_get_timezone (PzCalendar *self)
{
  return self->tz;
}

/**
 * pz_calendar_set_office_hours:
 * @self: a calendar
 * @start_minute: opening, in minutes after midnight
 * @end_minute: closing, in minutes after midnight
 *
 * Returns: %FALSE, changing nothing, if the hours make no working day
 */
gboolean
pz_calendar_set_office_hours (PzCalendar *self,
                              guint       start_minute,
                              guint       end_minute)
{
  if (start_minute >= end_minute || end_minute > 24 * 60)
    return FALSE;
  self->start_minute = start_minute;
  self->end_minute = end_minute;
  return TRUE;
}

void
pz_calendar_get_office_hours (PzCalendar *self,
                              guint      *start_minute,
                              guint      *end_minute)
{
  *start_minute = self->start_minute;
  *end_minute = self->end_minute;
}

void
pz_calendar_set_working_weekdays (PzCalendar *self,
                                  guint       mask)
{
  self->weekdays = mask;
}

void
pz_calendar_add_holiday (PzCalendar  *self,
                         const GDate *date)
{
  g_return_if_fail (g_date_valid (date));
  g_hash_table_add (self->holidays, GUINT_TO_POINTER (g_date_get_julian (date)));
}

void
pz_calendar_clear_holidays (PzCalendar *self)
{
  g_hash_table_remove_all (self->holidays);
}

gboolean
pz_calendar_is_working_day (PzCalendar  *self,
                            const GDate *date)
{
  if (!(self->weekdays & (1u << g_date_get_weekday (date))))
    return FALSE;
  return !g_hash_table_contains (self->holidays, GUINT_TO_POINTER (g_date_get_julian (date)));
}

/**
 * pz_calendar_day_length:
 * @self: a calendar
 *
 * Returns: the length of one working day in seconds
 */
gint64
pz_calendar_day_length (PzCalendar *self)
{
  return (gint64) (self->end_minute - self->start_minute) * 60;
}

static void
local_date (PzCalendar *self,
            GDateTime  *when,
            GDate      *date,
            gint64     *second_of_day)
{
  g_autoptr(GDateTime) local = g_date_time_to_timezone (when, self->tz);

  g_date_clear (date, 1);
  g_date_set_dmy (date, g_date_time_get_day_of_month (local),
                  g_date_time_get_month (local), g_date_time_get_year (local));
  *second_of_day = g_date_time_get_hour (local) * 3600 + g_date_time_get_minute (local) * 60 +
                   g_date_time_get_second (local);
}

static GDateTime *
at_second (PzCalendar  *self,
           const GDate *date,
           gint64       second_of_day)
{
  return g_date_time_new (self->tz, g_date_get_year (date), g_date_get_month (date),
                          g_date_get_day (date), (int) (second_of_day / 3600),
                          (int) (second_of_day / 60 % 60), (double) (second_of_day % 60));
}

/**
 * pz_calendar_add_office_seconds:
 * @self: a calendar
 * @start: when the clock starts
 * @seconds: office time to add
 *
 * Counts @seconds of office time from @start: outside office hours, on
 * weekends and on holidays the clock stands still.
 *
 * Returns: (transfer full) (nullable): the moment the time is used up, or
 *   %NULL if the calendar has no working day for years
 */
GDateTime *
pz_calendar_add_office_seconds (PzCalendar *self,
                                GDateTime  *start,
                                gint64      seconds)
{
  gint64 open = (gint64) self->start_minute * 60;
  gint64 close = (gint64) self->end_minute * 60;
  GDate date;
  gint64 sec;

  g_return_val_if_fail (start != NULL, NULL);
  g_return_val_if_fail (seconds >= 0, NULL);

  local_date (self, start, &date, &sec);

  for (guint scanned = 0; scanned < MAX_DAYS_SCANNED; scanned++)
    {
      if (pz_calendar_is_working_day (self, &date) && sec < close)
        {
          gint64 from = MAX (sec, open);
          gint64 left_today = close - from;

          /* A clock that starts after closing has nothing to do today; one
           * that runs out exactly at closing ends today, not tomorrow. */
          if (seconds <= left_today)
            return at_second (self, &date, from + seconds);
          seconds -= left_today;
        }
      g_date_add_days (&date, 1);
      sec = 0;
    }

  return NULL;
}

/**
 * pz_calendar_add_working_days:
 * @self: a calendar
 * @start: when the clock starts
 * @days: working days
 *
 * Returns: (transfer full) (nullable): the moment @days working days of
 *   office time after @start
 */
GDateTime *
pz_calendar_add_working_days (PzCalendar *self,
                              GDateTime  *start,
                              guint       days)
{
  return pz_calendar_add_office_seconds (self, start, (gint64) days * pz_calendar_day_length (self));
}

/**
 * pz_calendar_office_seconds_between:
 * @self: a calendar
 * @from: start
 * @to: end
 *
 * Returns: the office time between @from and @to in seconds (0 if @to is
 *   not after @from)
 */
gint64
pz_calendar_office_seconds_between (PzCalendar *self,
                                    GDateTime  *from,
                                    GDateTime  *to)
{
  gint64 open = (gint64) self->start_minute * 60;
  gint64 close = (gint64) self->end_minute * 60;
  gint64 total = 0;
  GDate date, last;
  gint64 sec, last_sec;

  if (g_date_time_compare (from, to) >= 0)
    return 0;

  local_date (self, from, &date, &sec);
  local_date (self, to, &last, &last_sec);

  while (g_date_compare (&date, &last) <= 0)
    {
      gboolean is_last = g_date_compare (&date, &last) == 0;

      if (pz_calendar_is_working_day (self, &date))
        {
          gint64 a = MAX (sec, open);
          gint64 b = MIN (is_last ? last_sec : close, close);
          if (b > a)
            total += b - a;
        }
      g_date_add_days (&date, 1);
      sec = 0;
    }

  return total;
}
