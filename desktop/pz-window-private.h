/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "pz-checklist-page.h"
#include "pz-client.h"
#include "pz-document-view.h"
#include "pz-file-view.h"
#include "pz-inbox-page.h"
#include "pz-login-page.h"
#include "pz-registration-form.h"
#include "pz-window.h"

G_BEGIN_DECLS

/* The staff's window: connect, log in, the inbox of what waits for me, and
 * the file with the actions this user may take now. The server decides
 * what is allowed; the window shows it and never loses what was typed. */
struct _PzWindow
{
  AdwApplicationWindow parent_instance;

  /* template */
  AdwWindowTitle  *window_title;
  GtkRevealer     *banner_revealer;
  GtkLabel        *banner_label;
  AdwToastOverlay *toasts;
  GtkStack        *stack;
  AdwEntryRow     *server_row;
  GtkLabel        *connect_error;
  PzLoginPage     *login_page;
  AdwPasswordEntryRow *new_password_row;
  AdwPasswordEntryRow *repeat_password_row;
  GtkLabel        *password_error;
  char            *login_password;  /* kept only until a required change is made */
  PzFileView      *file_view;
  GtkWidget       *new_button;
  AdwHeaderBar    *header_bar;
  GtkWidget       *admin_button;    /* between the files and the administration */
  GtkWidget       *admin;           /* PzAdminView */
  GtkWidget       *reports_button;
  GHashTable      *late_alerted;    /* "id/step/reason" told already */
  GPtrArray       *late_pending;    /* alerts gathered into one toast */
  guint            late_toast;      /* source id */
  GtkWidget       *reports;         /* PzReportView */
  PzInboxPage     *inbox_page;

  GSettings       *settings;
  PzClient        *client;
  GCancellable    *cancellable;
  GListStore      *inbox;
  GHashTable      *steps;          /* step id -> JsonObject */
  GHashTable      *permit_types;   /* code -> JsonObject */
  char            *start_step;
  guint            busy;

  JsonObject      *file;
  gint64           file_id;
  PzRegistrationForm *registration; /* the form in the file's place, or NULL */
  GHashTable      *kept_form;      /* name -> text typed, carried across reloads */

  /* the checklist viewer */
  PzChecklistPage *checklist_page;
  char            *docs_requirement;
  GCancellable    *docs_cancellable;

  GtkWidget       *preview_window;  /* PzOutputPreview */

  guint            inbox_reload;   /* source id: changes come in bursts */
  GHashTable      *known_ids;      /* files in the inbox at the last load */

  /* the action waiting to be sent again after the server came back */
  char            *pending_action;  /* set while an action waits: approve, return, refuse */
  gint64           pending_id;
  gint64           pending_version;
  char            *pending_note;
  JsonNode        *pending_data;    /* the step's form, or NULL */
  char            *pending_key;     /* the same for every retry */
  char            *pending_label;

  /* the day's work: after an action the next file of the inbox opens */
  gboolean         advance;        /* open the next file when the inbox comes */
  guint            advance_pos;    /* where the file acted on stood in the list */
  gint64           advance_from;   /* the file acted on */
  gboolean         scroll_top;     /* the next view built starts at its top */

  /* this desk's own action: its answer brings the file back and the inbox
   * is loaded after it, so the live event of that change asks for nothing */
  gint64           acting_id;      /* the file of the action on its way */
  gint64           acted_id;       /* the file of the last action answered */
  gint64           acted_version;  /* its version in that answer */
  gboolean         registering;    /* a registration on its way: the inbox is loaded after it */
  gboolean         missed_change;  /* a change announced meanwhile, to load if it fails */
  GtkWidget       *sign_batch;     /* PzSignBatch, while open: it loads nothing until it is done */
  guint            inbox_serial;   /* only the answer to the last request counts */
  char            *open_query;     /* Enter in the search: open what it finds */
  const char      *sign_passphrase;/* only while the signing request is built */
  GtkWidget       *sign_several_button;
};

/* pz-window.c */
void         _pz_window_toast (PzWindow   *self,
                               const char *text);
void         _pz_window_set_busy (PzWindow *self,
                                  gboolean  busy);
void         _pz_window_hide_banner (PzWindow *self);
void         _pz_window_show_page (PzWindow   *self,
                                   const char *name);
gboolean     _pz_window_user_has_office_role (PzWindow *self);
gboolean     _pz_window_user_reads_reports (PzWindow *self);
gboolean     _pz_window_handle_unreachable (PzWindow     *self,
                                            const GError *error);
JsonNode *   _pz_window_take_answer (PzWindow     *self,
                                     GObject      *source,
                                     GAsyncResult *result);

/* pz-window-login.c */
void         _pz_window_login_init (PzWindow *self);
void         _pz_window_connect_action (GtkWidget  *widget,
                                        const char *action_name,
                                        GVariant   *parameter);
void         _pz_window_change_server_action (GtkWidget  *widget,
                                              const char *action_name,
                                              GVariant   *parameter);
int          _pz_window_compare_step_order (gconstpointer a,
                                            gconstpointer b,
                                            gpointer      data);
void         _pz_window_forget_login_password (PzWindow *self);
void         _pz_window_change_password_action (GtkWidget  *widget,
                                                const char *action_name,
                                                GVariant   *parameter);
void         _pz_window_cancel_password_action (GtkWidget  *widget,
                                                const char *action_name,
                                                GVariant   *parameter);
void         _pz_window_login_action (GtkWidget  *widget,
                                      const char *action_name,
                                      GVariant   *parameter);
void         _pz_window_session_expired (PzWindow *self);
void         _pz_window_login_page_log_in (PzWindow *self);
void         _pz_window_login_page_change_server (PzWindow *self);

/* pz-window-inbox.c */
void         _pz_window_inbox_init (PzWindow *self);
void         _pz_window_filter_changed (PzWindow *self);
void         _pz_window_fill_filters (PzWindow *self);
void         _pz_window_load_inbox (PzWindow *self);
gboolean     _pz_window_showing_inbox (PzWindow *self);
gboolean     _pz_window_waits_for_signature (PzWindow   *self,
                                             JsonObject *summary);
void         _pz_window_search_changed (PzWindow *self);
void         _pz_window_application_changed (PzWindow   *self,
                                             gint64      id,
                                             const char *step,
                                             const char *status,
                                             gint64      version);
void         _pz_window_application_late (PzWindow   *self,
                                          gint64      id,
                                          const char *number,
                                          const char *step,
                                          const char *reason,
                                          char      **roles);
void         _pz_window_late_toggled (PzWindow *self);
void         _pz_window_events_connected (PzWindow *self);
int          _pz_window_compare_by_name (gconstpointer a,
                                         gconstpointer b);

/* pz-window-actions.c */
void         _pz_window_class_actions_init (PzWindowClass *klass);
void         _pz_window_logout_action (GtkWidget  *widget,
                                       const char *action_name,
                                       GVariant   *parameter);
void         _pz_window_clear_pending (PzWindow *self);
void         _pz_window_show_action_error (PzWindow   *self,
                                           const char *message,
                                           JsonArray  *details);
void         _pz_window_advance_to_next (PzWindow *self);
void         _pz_window_start_action (PzWindow   *self,
                                      const char *action);

/* pz-window-file.c */
JsonObject * _pz_window_step_of (PzWindow   *self,
                                 const char *id);
const char * _pz_window_step_title (PzWindow   *self,
                                    const char *id);
char *       _pz_window_action_label (PzWindow   *self,
                                      JsonObject *step,
                                      const char *action);
void         _pz_window_keep_typed (PzWindow *self);
void         _pz_window_forget_typed (PzWindow *self);
void         _pz_window_clear_file_box (PzWindow *self);
void         _pz_window_build_file_view (PzWindow *self);
void         _pz_window_load_file (PzWindow *self,
                                   gint64    id);
void         _pz_window_file_init (PzWindow *self);

/* pz-window-documents.c */
void         _pz_window_documents_init (PzWindow *self);
void         _pz_window_docs_show_message (PzWindow   *self,
                                           const char *text);
void         _pz_window_update_approve_documents (PzWindow *self);
char *       _pz_window_approve_documents_tooltip (PzWindow *self,
                                                   gboolean  with_key);
void         _pz_window_next_document_action (GtkWidget  *widget,
                                              const char *action_name,
                                              GVariant   *parameter);
void         _pz_window_previous_document_action (GtkWidget  *widget,
                                                  const char *action_name,
                                                  GVariant   *parameter);
void         _pz_window_approve_documents_action (GtkWidget  *widget,
                                                  const char *action_name,
                                                  GVariant   *parameter);
void         _pz_window_check_documents_action (GtkWidget  *widget,
                                                const char *action_name,
                                                GVariant   *parameter);
void         _pz_window_close_documents_action (GtkWidget  *widget,
                                                const char *action_name,
                                                GVariant   *parameter);
void         _pz_window_docs_verdict_action (GtkWidget  *widget,
                                             const char *action_name,
                                             GVariant   *parameter);
void         _pz_window_upload_action (GtkWidget  *widget,
                                       const char *action_name,
                                       GVariant   *parameter);
void         _pz_window_upload_signed_scan_action (GtkWidget  *widget,
                                                   const char *action_name,
                                                   GVariant   *parameter);

/* pz-window-outputs.c */
void         _pz_window_preview_output_action (GtkWidget  *widget,
                                               const char *action_name,
                                               GVariant   *parameter);
void         _pz_window_print_output_action (GtkWidget  *widget,
                                             const char *action_name,
                                             GVariant   *parameter);
void         _pz_window_save_output_action (GtkWidget  *widget,
                                            const char *action_name,
                                            GVariant   *parameter);

/* pz-window-registration.c */
void         _pz_window_new_registration_action (GtkWidget  *widget,
                                                 const char *action_name,
                                                 GVariant   *parameter);
void         _pz_window_register_action (GtkWidget  *widget,
                                         const char *action_name,
                                         GVariant   *parameter);

G_END_DECLS
