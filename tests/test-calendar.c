/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "perizinan.h"

static GTimeZone *wib;

static GDateTime *
at (int y, int m, int d, int h, int min)
{
  return g_date_time_new (wib, y, m, d, h, min, 0);
}

static void
assert_time (GDateTime  *t,
             const char *expected)
{
  g_autofree char *s = NULL;

  g_assert_nonnull (t);
  s = g_date_time_format (t, "%Y-%m-%d %H:%M");
  g_assert_cmpstr (s, ==, expected);
}

static PzCalendar *
calendar_2026 (void)
{
  PzCalendar *cal = pz_calendar_new (wib);
  const char *days[] = { "2026-12-24", "2026-12-25", "2027-01-01", "2026-08-17", NULL };

  for (guint i = 0; days[i]; i++)
    {
      GDate d;
      g_assert_true (pz_parse_date (days[i], &d));
      pz_calendar_add_holiday (cal, &d);
    }
  return cal;
}

static GDateTime *
add_minutes (PzCalendar *cal,
             GDateTime  *start,
             gint64      minutes)
{
  g_autoptr(GDateTime) s = start;
  return pz_calendar_add_office_seconds (cal, s, minutes * 60);
}

static void
test_within_day (void)
{
  g_autoptr(PzCalendar) cal = calendar_2026 ();
  g_autoptr(GDateTime) a = add_minutes (cal, at (2026, 11, 25, 9, 0), 30);
  g_autoptr(GDateTime) b = add_minutes (cal, at (2026, 11, 25, 6, 0), 15);
  g_autoptr(GDateTime) c = add_minutes (cal, at (2026, 11, 25, 15, 30), 30);
  g_autoptr(GDateTime) d = add_minutes (cal, at (2026, 11, 25, 17, 0), 5);

  assert_time (a, "2026-11-25 09:30");
  /* Before opening the clock starts at 07:30. */
  assert_time (b, "2026-11-25 07:45");
  /* Running out exactly at closing ends the same day. */
  assert_time (c, "2026-11-25 16:00");
  /* After closing it starts the next morning. */
  assert_time (d, "2026-11-26 07:35");
}

static void
test_weekend (void)
{
  g_autoptr(PzCalendar) cal = calendar_2026 ();
  g_autoptr(GDateTime) fri = add_minutes (cal, at (2026, 11, 27, 15, 50), 30);
  g_autoptr(GDateTime) sat = add_minutes (cal, at (2026, 11, 28, 10, 0), 15);
  g_autoptr(GDateTime) a = at (2026, 11, 27, 15, 0);
  g_autoptr(GDateTime) b = at (2026, 11, 30, 8, 0);

  assert_time (fri, "2026-11-30 07:50");
  assert_time (sat, "2026-11-30 07:45");
  g_assert_cmpint (pz_calendar_office_seconds_between (cal, a, b), ==, 90 * 60);
  g_assert_cmpint (pz_calendar_office_seconds_between (cal, b, a), ==, 0);
}

static void
test_holidays_and_days (void)
{
  g_autoptr(PzCalendar) cal = calendar_2026 ();
  g_autoptr(GDateTime) start = at (2026, 12, 23, 15, 0);
  g_autoptr(GDateTime) due = pz_calendar_add_working_days (cal, start, 3);
  g_autoptr(GDateTime) monday = at (2026, 12, 28, 7, 30);
  GDate d;

  /* Thu 24 and Fri 25 are off, then the weekend: Mon, Tue and most of Wed. */
  assert_time (due, "2026-12-30 15:00");
  g_assert_cmpint (pz_calendar_office_seconds_between (cal, start, monday), ==, 3600);
  g_assert_cmpint (pz_calendar_office_seconds_between (cal, start, due), ==,
                   3 * pz_calendar_day_length (cal));

  g_date_clear (&d, 1);
  g_date_set_dmy (&d, 17, 8, 2026);
  g_assert_false (pz_calendar_is_working_day (cal, &d));
  g_date_set_dmy (&d, 18, 8, 2026);
  g_assert_true (pz_calendar_is_working_day (cal, &d));
}

static void
test_year_end (void)
{
  g_autoptr(PzCalendar) cal = calendar_2026 ();
  g_autoptr(GDateTime) due = add_minutes (cal, at (2026, 12, 31, 15, 45), 30);
  g_autoptr(GDateTime) long_due = NULL;
  g_autoptr(GDateTime) start = at (2026, 12, 31, 8, 0);

  /* 1 January is a holiday and 2–3 January a weekend. */
  assert_time (due, "2027-01-04 07:45");
  long_due = pz_calendar_add_working_days (cal, start, 10);
  assert_time (long_due, "2027-01-15 08:00");
}

static void
test_editing (void)
{
  g_autoptr(PzCalendar) cal = pz_calendar_new (wib);
  g_autoptr(GDateTime) before = add_minutes (cal, at (2026, 12, 23, 15, 0), 120);
  g_autoptr(GDateTime) after = NULL;
  g_autoptr(GDateTime) none = NULL;
  g_autoptr(GDateTime) start = at (2026, 1, 5, 8, 0);
  GDate d;

  assert_time (before, "2026-12-24 08:30");
  g_date_clear (&d, 1);
  g_date_set_dmy (&d, 24, 12, 2026);
  pz_calendar_add_holiday (cal, &d);
  after = add_minutes (cal, at (2026, 12, 23, 15, 0), 120);
  assert_time (after, "2026-12-25 08:30");

  g_assert_false (pz_calendar_set_office_hours (cal, 16 * 60, 8 * 60));
  g_assert_true (pz_calendar_set_office_hours (cal, 8 * 60, 14 * 60 + 30));
  g_assert_cmpint (pz_calendar_day_length (cal), ==, 390 * 60);

  pz_calendar_set_working_weekdays (cal, 0);
  none = pz_calendar_add_office_seconds (cal, start, 60);
  g_assert_null (none);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  wib = g_time_zone_new_identifier ("+07:00");
  g_test_add_func ("/calendar/within-day", test_within_day);
  g_test_add_func ("/calendar/weekend", test_weekend);
  g_test_add_func ("/calendar/holidays-and-days", test_holidays_and_days);
  g_test_add_func ("/calendar/year-end", test_year_end);
  g_test_add_func ("/calendar/editing", test_editing);
  return g_test_run ();
}
