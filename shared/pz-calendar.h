/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _PzCalendar PzCalendar;

PzCalendar  *pz_calendar_new                 (GTimeZone   *tz);
PzCalendar  *pz_calendar_ref                 (PzCalendar  *self);
PzCalendar  *pz_calendar_copy                (PzCalendar  *self);
void         pz_calendar_unref               (PzCalendar  *self);

GTimeZone   *pz_calendar_get_timezone        (PzCalendar  *self);
gboolean     pz_calendar_set_office_hours    (PzCalendar  *self,
                                              guint        start_minute,
                                              guint        end_minute);
void         pz_calendar_get_office_hours    (PzCalendar  *self,
                                              guint       *start_minute,
                                              guint       *end_minute);
void         pz_calendar_set_working_weekdays (PzCalendar *self,
                                              guint        mask);
void         pz_calendar_add_holiday         (PzCalendar  *self,
                                              const GDate *date);
void         pz_calendar_clear_holidays      (PzCalendar  *self);
gboolean     pz_calendar_is_working_day      (PzCalendar  *self,
                                              const GDate *date);
gint64       pz_calendar_day_length          (PzCalendar  *self);

GDateTime   *pz_calendar_add_office_seconds  (PzCalendar  *self,
                                              GDateTime   *start,
                                              gint64       seconds);
GDateTime   *pz_calendar_add_working_days    (PzCalendar  *self,
                                              GDateTime   *start,
                                              guint        days);
gint64       pz_calendar_office_seconds_between (PzCalendar *self,
                                              GDateTime   *from,
                                              GDateTime   *to);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PzCalendar, pz_calendar_unref)

G_END_DECLS
