/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "pz-test-server.h"
#include "pz-window.h"

G_BEGIN_DECLS

/* What every desktop test shares: one office server with the demo data,
 * the application and its settings, set up by pz_test_desktop_init(). */
extern PzTestServer   *ts;
extern AdwApplication *app;
extern GSettings      *settings;

typedef gboolean (*Condition) (PzWindow *win, gpointer data);

void pz_test_desktop_init (int *argc, char ***argv);
int pz_test_desktop_run (void);

void wait_for (PzWindow *win, Condition condition, gpointer data, const char *what);
gboolean idle_on_page (PzWindow *win, gpointer page);
gboolean file_loaded (PzWindow *win, gpointer data);
gboolean banner_shown (PzWindow *win, gpointer data);
gboolean events_up (PzWindow *win, gpointer data);
GtkWidget *find_widget (GtkWidget *root, GType type, const char *title);
GtkWidget *find_group (GtkWidget *root, const char *title);
void wait_for_frames (GtkWidget *widget);
GdkTexture *render_widget (GtkWidget *widget);
void save_screenshot (GtkWidget *widget, const char *name);
PzWindow *new_window (void);
void log_in (PzWindow *win, const char *username);
void log_out (PzWindow *win);
JsonObject *server_file (gint64 id);
void open_file (PzWindow *win, gint64 id);
void set_text (PzWindow *win, const char *name, const char *text);
void press (GtkWidget *button);
gboolean inbox_has (PzWindow *win, gpointer data);
gboolean registration_shown (PzWindow *win, gpointer data);
gboolean file_open (PzWindow *win, gpointer data);
GtkWidget *find_any (GtkWidget *root, GType type);
GtkWidget *find_label (GtkWidget *root, const char *part);
GtkWidget *row (PzWindow *win, const char *title);
void pick (GtkWidget *combo, const char *label);
void type_in (GtkWidget *entry, const char *text, gboolean enter);
GtkWidget *last_entry_row (GtkWidget *root);
GtkWidget *find_dialog (void);
gboolean new_file_open (PzWindow *win, gpointer data);
GtkWidget *find_toplevel (GType type);
GtkWidget *find_tooltip (GtkWidget *root, const char *tooltip);
gboolean page_shown (PzWindow *win, gpointer data);
gint64 version_of_file (gint64 id);
AdwMessageDialog *open_message_dialog (void);
gboolean dialog_shown (PzWindow *win, gpointer data);
GtkWidget *open_dialog_window (void);
gboolean dialog_window_shown (PzWindow *win, gpointer data);
gboolean dialog_window_gone (PzWindow *win, gpointer data);
void click (GtkWidget *root, const char *label);
void type_into (GtkWidget *root, const char *title, const char *text);
GtkWidget *find_label_any (GtkWidget *root, const char *prefix);
gboolean admin_idle (PzWindow *win, gpointer data);
JsonObject *server_get (const char *path);
gboolean acted_on (PzWindow *win, gpointer data);
gboolean report_shown (PzWindow *win, gpointer data);
extern const char * const demo_roles[];
GtkWidget *visible_toplevel (GType type);
gboolean toplevel_shown (PzWindow *win, gpointer type);
gboolean toplevel_gone (PzWindow *win, gpointer type);

G_END_DECLS
