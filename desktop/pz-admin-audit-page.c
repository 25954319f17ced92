/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-admin"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "perizinan.h"
#include "pz-admin-audit-page.h"
#include "pz-file-item.h"

/* The audit log: every administrative change, filtered by what is typed. */
struct _PzAdminAuditPage
{
  AdwPreferencesPage parent_instance;

  PzAdminContext    *ctx;

  GtkSearchEntry    *search;
  GtkListBox        *list;
  AdwStatusPage     *empty;
};

G_DEFINE_FINAL_TYPE (PzAdminAuditPage, pz_admin_audit_page, ADW_TYPE_PREFERENCES_PAGE)

/* The log filtered by what is typed: in the change, its target, who made
 * it, or its detail. */
static gboolean
row_matches (GtkListBoxRow *row,
             gpointer       data)
{
  PzAdminAuditPage *self = data;
  const char *typed = gtk_editable_get_text (GTK_EDITABLE (self->search));
  g_autofree char *wanted = NULL;
  g_autofree char *text = NULL;
  g_autofree char *folded = NULL;

  if (typed == NULL || *typed == '\0' || !ADW_IS_ACTION_ROW (row))
    return TRUE;
  wanted = g_utf8_casefold (typed, -1);
  text = g_strconcat (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), "\n",
                      adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), NULL);
  folded = g_utf8_casefold (text, -1);
  return strstr (folded, wanted) != NULL;
}

/* The status page stands in for the list when nothing is left in it. */
static void
search_changed (PzAdminAuditPage *self)
{
  gboolean any = FALSE;

  gtk_list_box_invalidate_filter (self->list);
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->list)); row && !any;
       row = gtk_widget_get_next_sibling (row))
    any = GTK_IS_LIST_BOX_ROW (row) && row_matches (GTK_LIST_BOX_ROW (row), self);
  gtk_widget_set_visible (GTK_WIDGET (self->list), any);
  gtk_widget_set_visible (GTK_WIDGET (self->empty), !any);
  if (*gtk_editable_get_text (GTK_EDITABLE (self->search)) == '\0')
    {
      adw_status_page_set_title (self->empty, _("No Changes Yet"));
      adw_status_page_set_description (self->empty, _("Every change an administrator makes is written here."));
    }
  else
    {
      adw_status_page_set_title (self->empty, _("No Matching Entries"));
      adw_status_page_set_description (self->empty, _("No change in the log has what was typed; try other words."));
    }
}

static void
audit_loaded (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(PzAdminAuditPage) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = pz_api_list_audit_finish (PZ_CLIENT (source), result, &error);
  JsonArray *list = node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

  self->ctx->busy--;
  if (pz_admin_refused (GTK_WIDGET (self), NULL, error))
    return;
  pz_admin_clear_list (self->list);
  for (guint i = 0; list && i < json_array_get_length (list); i++)
    {
      JsonObject *e = json_array_get_object_element (list, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *when = pz_format_local_time (pz_json_get_string (e, "at"));
      g_autofree char *title = g_strdup_printf ("%s · %s", pz_json_get_string (e, "action"), pz_json_get_string (e, "target"));
      g_autofree char *detail = NULL;
      g_autofree char *subtitle = NULL;
      JsonNode *d = json_object_get_member (e, "detail");

      if (d && JSON_NODE_HOLDS_OBJECT (d) && json_object_get_size (json_node_get_object (d)) > 0)
        detail = json_to_string (d, FALSE);
      /* Translators: when · who (username) */
      subtitle = g_strdup_printf (_("%s · %s (%s)%s%s"), when, pz_json_get_string (e, "by_name"), pz_json_get_string (e, "by"),
                                  detail ? "\n" : "", detail ? detail : "");
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
      gtk_list_box_append (self->list, row);
    }
  search_changed (self);
}

static void
pz_admin_audit_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), PZ_TYPE_ADMIN_AUDIT_PAGE);
  G_OBJECT_CLASS (pz_admin_audit_page_parent_class)->dispose (object);
}

/* the context outlives dispose: an answer still on its way counts down */
static void
pz_admin_audit_page_finalize (GObject *object)
{
  PzAdminAuditPage *self = PZ_ADMIN_AUDIT_PAGE (object);

  g_clear_pointer (&self->ctx, pz_admin_context_unref);
  G_OBJECT_CLASS (pz_admin_audit_page_parent_class)->finalize (object);
}

static void
pz_admin_audit_page_class_init (PzAdminAuditPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = pz_admin_audit_page_dispose;
  G_OBJECT_CLASS (klass)->finalize = pz_admin_audit_page_finalize;
  gtk_widget_class_set_template_from_resource (widget_class, "/id/go/perizinan/Perizinan/pz-admin-audit-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PzAdminAuditPage, search);
  gtk_widget_class_bind_template_child (widget_class, PzAdminAuditPage, list);
  gtk_widget_class_bind_template_child (widget_class, PzAdminAuditPage, empty);
  gtk_widget_class_bind_template_callback (widget_class, search_changed);
}

static void
pz_admin_audit_page_init (PzAdminAuditPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_list_box_set_filter_func (self->list, row_matches, self, NULL);
}

void
pz_admin_audit_page_set_context (PzAdminAuditPage *self,
                                 PzAdminContext   *ctx)
{
  g_clear_pointer (&self->ctx, pz_admin_context_unref);
  self->ctx = pz_admin_context_ref (ctx);
}

/**
 * pz_admin_audit_page_reload:
 *
 * Reads the latest 200 changes from the server.
 */
void
pz_admin_audit_page_reload (PzAdminAuditPage *self)
{
  self->ctx->busy++;
  pz_api_list_audit_async (self->ctx->client, 200, self->ctx->cancellable, audit_loaded, g_object_ref (self));
}
