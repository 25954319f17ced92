/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "pz-date.h"
#include "pz-validate.h"

/* Dates as the office writes them, day, month name and year: "2 Desember
* 2026" in Indonesian, "2 December 2026" in English. The month names come
* from the translation, not from the C library's locale, so they follow
* the language the user reads even where that locale is not installed. */

static const char * const months[] = {
  NC_("month", "January"), NC_("month", "February"), NC_("month", "March"), NC_("month", "April"),
  NC_("month", "May"), NC_("month", "June"), NC_("month", "July"), NC_("month", "August"),
  NC_("month", "September"), NC_("month", "October"), NC_("month", "November"), NC_("month", "December"),
};

static const char * const weekdays[] = {
  NC_("weekday", "Monday"), NC_("weekday", "Tuesday"), NC_("weekday", "Wednesday"), NC_("weekday", "Thursday"),
  NC_("weekday", "Friday"), NC_("weekday", "Saturday"), NC_("weekday", "Sunday"),
};

static char *
format_dmy (int day,
            int month,
            int year)
{
  /* Translators: a date: day, month name, year, e.g. "2 December 2026" */
  return g_strdup_printf (C_("date", "%1$d %2$s %3$d"), day,
                          g_dpgettext2 (GETTEXT_PACKAGE, "month", months[CLAMP (month, 1, 12) - 1]), year);
}

/**
 * pz_format_date:
 * @date: a valid day
 *
 * Returns: (transfer full): "2 Desember 2026" / "2 December 2026"
 */
char *
pz_format_date (const GDate *date)
{
  g_return_val_if_fail (date && g_date_valid (date), g_strdup (""));
  return format_dmy (g_date_get_day (date), g_date_get_month (date), g_date_get_year (date));
}

/**
 * pz_format_date_long:
 * @date: a valid day
 *
 * Returns: (transfer full): with the day of the week, "Rabu, 2 Desember 2026"
 */
char *
pz_format_date_long (const GDate *date)
{
  g_autofree char *day = NULL;

  g_return_val_if_fail (date && g_date_valid (date), g_strdup (""));
  day = pz_format_date (date);
  /* Translators: day of the week, then the date: "Wednesday, 2 December 2026" */
  return g_strdup_printf (C_("date", "%1$s, %2$s"),
                          g_dpgettext2 (GETTEXT_PACKAGE, "weekday",
                                        weekdays[CLAMP ((int) g_date_get_weekday (date), 1, 7) - 1]),
                          day);
}

/**
 * pz_format_date_time:
 * @time: a moment, in the time zone it is to be read in
 *
 * Returns: (transfer full): "2 Desember 2026 pukul 09.15" / "2 December 2026, 09:15"
 */
char *
pz_format_date_time (GDateTime *time)
{
  g_autofree char *day = NULL;

  g_return_val_if_fail (time != NULL, g_strdup (""));
  day = format_dmy (g_date_time_get_day_of_month (time), g_date_time_get_month (time),
                    g_date_time_get_year (time));
  /* Translators: a date, then the hour and minute: "2 December 2026, 09:15" */
  return g_strdup_printf (C_("date", "%1$s, %2$02d:%3$02d"), day, g_date_time_get_hour (time),
                          g_date_time_get_minute (time));
}

/**
 * pz_format_time:
 * @time: a moment
 *
 * Returns: (transfer full): its hour and minute, "09.15" / "09:15"
 */
char *
pz_format_time (GDateTime *time)
{
  g_return_val_if_fail (time != NULL, g_strdup (""));
  /* Translators: the hour and minute: "09:15" */
  return g_strdup_printf (C_("time", "%1$02d:%2$02d"), g_date_time_get_hour (time), g_date_time_get_minute (time));
}

/**
 * pz_format_date_text:
 * @text: (nullable): a day as "YYYY-MM-DD" or a moment in ISO 8601
 *
 * Returns: (transfer full): the day as pz_format_date() writes it, a moment
 *   as pz_format_date_time() does (in the offset it was written with); what
 *   is neither is given back as it is, "—" for nothing
 */
char *
pz_format_date_text (const char *text)
{
  GDate date;

  if (text == NULL || *text == '\0')
    return g_strdup ("—");
  if (pz_parse_date (text, &date))
    return pz_format_date (&date);
  {
    g_autoptr(GDateTime) t = g_date_time_new_from_iso8601 (text, NULL);

    if (t)
      return pz_format_date_time (t);
  }
  return g_strdup (text);
}

/**
 * pz_time_zone_label:
 * @time: a moment, in the time zone it is read in
 *
 * Indonesia's three zones by the names the offices write after a time:
 * WIB (UTC+7, western), WITA (UTC+8, central), WIT (UTC+9, eastern).
 *
 * Returns: (transfer full): "WIB", "WITA" or "WIT"; for another zone its
 *   offset, "UTC+05:30"
 */
char *
pz_time_zone_label (GDateTime *time)
{
  GTimeSpan offset;

  g_return_val_if_fail (time != NULL, g_strdup (""));
  offset = g_date_time_get_utc_offset (time);
  if (offset == 7 * G_TIME_SPAN_HOUR)
    return g_strdup ("WIB");
  if (offset == 8 * G_TIME_SPAN_HOUR)
    return g_strdup ("WITA");
  if (offset == 9 * G_TIME_SPAN_HOUR)
    return g_strdup ("WIT");
  return g_date_time_format (time, "UTC%:z");
}
