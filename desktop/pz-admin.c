/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-admin"

#include "config.h"

#include <glib/gi18n.h>

#include "pz-admin-audit-page.h"
#include "pz-admin-calendar-page.h"
#include "pz-admin-office-page.h"
#include "pz-admin-private.h"
#include "pz-admin-types-page.h"
#include "pz-admin-users-page.h"
#include "pz-admin.h"

/* The administrator's pages: users and acting officials, the office
 * calendar and hours, the office profile with its emblem and signing
 * certificate, the permit types, and the audit log. Each page is a widget
 * of its own; the view switches between them and tells each what another
 * changed. Everything goes through the server's admin API; nothing is kept
 * here but what is shown. */
struct _PzAdminView
{
  GtkBox               parent_instance;

  PzAdminContext      *ctx;

  AdwViewStack        *stack;
  PzAdminUsersPage    *users;
  PzAdminCalendarPage *calendar;
  PzAdminOfficePage   *office;
  PzAdminTypesPage    *types;
  PzAdminAuditPage    *audit;
};

G_DEFINE_FINAL_TYPE (PzAdminView, pz_admin_view, GTK_TYPE_BOX)

/* the hours are saved on the calendar page, the profile on the office
 * page: each shows the office as the other saved it */
static void
calendar_office_changed (PzAdminView *self,
                         JsonObject  *office)
{
  pz_admin_office_page_show_office (self->office, office);
}

static void
office_office_changed (PzAdminView *self,
                       JsonObject  *office)
{
  pz_admin_calendar_page_show_office (self->calendar, office);
}

static void
page_changed (PzAdminView *self)
{
  const char *name = adw_view_stack_get_visible_child_name (self->stack);

  /* the log moves on while one works elsewhere */
  if (g_strcmp0 (name, "audit") == 0 && self->ctx && pz_client_get_token (self->ctx->client))
    pz_admin_audit_page_reload (self->audit);
}

static GtkWidget *
add_page (PzAdminView *self,
          GType        type,
          const char  *name,
          const char  *title,
          const char  *icon)
{
  GtkWidget *page = g_object_new (type, NULL);

  adw_view_stack_add_titled_with_icon (self->stack, page, name, title, icon);
  return page;
}

static void
pz_admin_view_dispose (GObject *object)
{
  PzAdminView *self = PZ_ADMIN_VIEW (object);

  if (self->ctx)
    g_cancellable_cancel (self->ctx->cancellable);
  G_OBJECT_CLASS (pz_admin_view_parent_class)->dispose (object);
}

static void
pz_admin_view_finalize (GObject *object)
{
  PzAdminView *self = PZ_ADMIN_VIEW (object);

  g_clear_pointer (&self->ctx, pz_admin_context_unref);
  G_OBJECT_CLASS (pz_admin_view_parent_class)->finalize (object);
}

static void
pz_admin_view_class_init (PzAdminViewClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pz_admin_view_dispose;
  G_OBJECT_CLASS (klass)->finalize = pz_admin_view_finalize;
}

static void
pz_admin_view_init (PzAdminView *self)
{
  GtkWidget *switcher = adw_view_switcher_new ();

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  self->stack = ADW_VIEW_STACK (adw_view_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);
  adw_view_switcher_set_stack (ADW_VIEW_SWITCHER (switcher), self->stack);
  adw_view_switcher_set_policy (ADW_VIEW_SWITCHER (switcher), ADW_VIEW_SWITCHER_POLICY_WIDE);
  gtk_widget_set_halign (switcher, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_top (switcher, 6);
  gtk_widget_set_margin_bottom (switcher, 6);
  gtk_box_append (GTK_BOX (self), switcher);
  gtk_box_append (GTK_BOX (self), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->stack));

  self->users = PZ_ADMIN_USERS_PAGE (add_page (self, PZ_TYPE_ADMIN_USERS_PAGE, "users", _("Users"),
                                               "system-users-symbolic"));
  self->calendar = PZ_ADMIN_CALENDAR_PAGE (add_page (self, PZ_TYPE_ADMIN_CALENDAR_PAGE, "calendar", _("Calendar"),
                                                     "x-office-calendar-symbolic"));
  self->office = PZ_ADMIN_OFFICE_PAGE (add_page (self, PZ_TYPE_ADMIN_OFFICE_PAGE, "office", _("Office"),
                                                 "user-home-symbolic"));
  self->types = PZ_ADMIN_TYPES_PAGE (add_page (self, PZ_TYPE_ADMIN_TYPES_PAGE, "types", _("Permit Types"),
                                               "view-list-symbolic"));
  self->audit = PZ_ADMIN_AUDIT_PAGE (add_page (self, PZ_TYPE_ADMIN_AUDIT_PAGE, "audit", _("Audit Log"),
                                               "document-open-recent-symbolic"));
  g_signal_connect_swapped (self->calendar, "office-changed", G_CALLBACK (calendar_office_changed), self);
  g_signal_connect_swapped (self->office, "office-changed", G_CALLBACK (office_office_changed), self);
  g_signal_connect_swapped (self->stack, "notify::visible-child", G_CALLBACK (page_changed), self);
}

GtkWidget *
pz_admin_view_new (PzClient *client)
{
  PzAdminView *self = g_object_new (PZ_TYPE_ADMIN_VIEW, NULL);

  self->ctx = pz_admin_context_new (client);
  pz_admin_users_page_set_context (self->users, self->ctx);
  pz_admin_calendar_page_set_context (self->calendar, self->ctx);
  pz_admin_office_page_set_context (self->office, self->ctx);
  pz_admin_types_page_set_context (self->types, self->ctx);
  pz_admin_audit_page_set_context (self->audit, self->ctx);
  return GTK_WIDGET (self);
}

/**
 * pz_admin_view_reload:
 *
 * Reads everything the pages show from the server again.
 */
void
pz_admin_view_reload (PzAdminView *self)
{
  pz_admin_users_page_reload (self->users);
  pz_admin_calendar_page_reload (self->calendar);
  pz_admin_office_page_reload (self->office);
  pz_admin_types_page_reload (self->types);
  pz_admin_audit_page_reload (self->audit);
}

gboolean
pz_admin_view_is_busy (PzAdminView *self)
{
  return self->ctx->busy > 0;
}

void
pz_admin_view_show_page (PzAdminView *self,
                         const char  *name)
{
  adw_view_stack_set_visible_child_name (self->stack, name);
}

JsonArray *
pz_admin_view_get_users (PzAdminView *self)
{
  return pz_admin_users_page_get_users (self->users);
}

JsonObject *
pz_admin_view_get_office (PzAdminView *self)
{
  return pz_admin_office_page_get_office (self->office);
}

GtkWidget *
pz_admin_view_get_certificate_warning (PzAdminView *self)
{
  return pz_admin_office_page_get_certificate_warning (self->office);
}
