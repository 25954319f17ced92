/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define PZ_TYPE_FILE_ITEM (pz_file_item_get_type ())

G_DECLARE_FINAL_TYPE (PzFileItem, pz_file_item, PZ, FILE_ITEM, GObject)

/* How a file stands against its step's standard time. */
typedef enum {
  PZ_DUE_NONE,
  PZ_DUE_ON_TIME,
  PZ_DUE_SOON,
  PZ_DUE_OVERDUE,
  PZ_DUE_ISSUED,     /* closed: the permit was handed over */
  PZ_DUE_REFUSED,    /* closed: the file was refused */
} PzDueState;

PzFileItem  *pz_file_item_new_from_json  (JsonObject *summary,
                                          GDateTime  *now);
gint64       pz_file_item_get_id         (PzFileItem *self);
const char  *pz_file_item_get_column     (PzFileItem *self,
                                          guint       column);
PzDueState   pz_file_item_get_due_state  (PzFileItem *self);
JsonObject  *pz_file_item_get_summary    (PzFileItem *self);
PzDueState   pz_due_state_for            (GDateTime  *entered,
                                          GDateTime  *due,
                                          GDateTime  *now);
GtkSorter   *pz_file_item_sorter_new     (guint       column);
const char  *pz_due_state_label          (PzDueState  state);
const char  *pz_due_state_css_class      (PzDueState  state);
char        *pz_format_duration          (gint64      seconds);
char        *pz_format_local_time        (const char *iso8601);
void         pz_toast                    (GtkWidget  *widget,
                                          const char *text);

enum {
  PZ_FILE_COLUMN_REGISTRATION,
  PZ_FILE_COLUMN_APPLICANT,
  PZ_FILE_COLUMN_PERMIT,
  PZ_FILE_COLUMN_STEP,
  PZ_FILE_COLUMN_IN_STEP,
  PZ_FILE_COLUMN_DUE,
  PZ_N_FILE_COLUMNS
};

G_END_DECLS
