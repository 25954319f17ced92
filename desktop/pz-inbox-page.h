/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PZ_TYPE_INBOX_PAGE (pz_inbox_page_get_type ())

G_DECLARE_FINAL_TYPE (PzInboxPage, pz_inbox_page, PZ, INBOX_PAGE, GtkBox)

GtkWidget  *pz_inbox_page_new                (void);
void        pz_inbox_page_set_files          (PzInboxPage  *self,
                                              GListModel   *files);
GListModel *pz_inbox_page_get_sorted_files   (PzInboxPage  *self);
void        pz_inbox_page_set_filters        (PzInboxPage  *self,
                                              const char  **step_ids,
                                              const char  **step_titles,
                                              const char  **type_codes,
                                              const char  **type_names);
const char *pz_inbox_page_get_search         (PzInboxPage  *self);
const char *pz_inbox_page_get_step           (PzInboxPage  *self);
const char *pz_inbox_page_get_status         (PzInboxPage  *self);
const char *pz_inbox_page_get_permit_type    (PzInboxPage  *self);
gboolean    pz_inbox_page_get_late           (PzInboxPage  *self);
void        pz_inbox_page_toggle_late        (PzInboxPage  *self);
GtkWidget  *pz_inbox_page_get_late_button    (PzInboxPage  *self);
gboolean    pz_inbox_page_is_filtered        (PzInboxPage  *self);
void        pz_inbox_page_reset              (PzInboxPage  *self);
void        pz_inbox_page_show_inbox         (PzInboxPage  *self,
                                              gint64        waiting,
                                              gint64        overdue,
                                              gint64        done_today);
void        pz_inbox_page_show_late          (PzInboxPage  *self,
                                              gint64        total);
void        pz_inbox_page_show_search        (PzInboxPage  *self);
void        pz_inbox_page_focus_search       (PzInboxPage  *self);

G_END_DECLS
