/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-admin"

#include "config.h"

#include <glib/gi18n.h>

#include "perizinan.h"
#include "pz-admin-types-page.h"
#include "pz-file-item.h"
#include "pz-permit-type-dialog.h"

/* The permit types the office issues, each in its latest edition; a row
 * opens the type's dialog. */
struct _PzAdminTypesPage
{
  AdwPreferencesPage parent_instance;

  PzAdminContext    *ctx;

  GtkListBox        *list;
};

G_DEFINE_FINAL_TYPE (PzAdminTypesPage, pz_admin_types_page, ADW_TYPE_PREFERENCES_PAGE)

static void
open_dialog (PzAdminTypesPage *self,
             JsonObject       *type)
{
  PzPermitTypeDialog *dialog = pz_permit_type_dialog_new (self->ctx, GTK_WIDGET (self), type);

  g_signal_connect_object (dialog, "saved", G_CALLBACK (pz_admin_types_page_reload), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
new_type_clicked (PzAdminTypesPage *self)
{
  open_dialog (self, NULL);
}

static void
type_row_activated (AdwActionRow     *row,
                    PzAdminTypesPage *self)
{
  open_dialog (self, g_object_get_data (G_OBJECT (row), "type"));
}

static void
types_loaded (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(PzAdminTypesPage) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = pz_api_list_permit_types_finish (PZ_CLIENT (source), result, &error);
  JsonArray *types;

  self->ctx->busy--;
  if (pz_admin_refused (GTK_WIDGET (self), NULL, error) || !JSON_NODE_HOLDS_ARRAY (node) || self->list == NULL)
    return;
  types = json_node_get_array (node);
  pz_admin_clear_list (self->list);
  for (guint i = 0; i < json_array_get_length (types); i++)
    {
      JsonObject *type = json_array_get_object_element (types, i);
      GtkWidget *row = adw_action_row_new ();
      gint64 days = json_object_get_int_member_with_default (type, "service_days", 0);
      /* Translators: code · edition · service standard */
      g_autofree char *subtitle = g_strdup_printf (ngettext ("%s · edition %lld · %lld working day",
                                                             "%s · edition %lld · %lld working days", (gulong) days),
                                                   pz_json_get_string (type, "code"),
                                                   (long long) json_object_get_int_member_with_default (type, "version", 1),
                                                   (long long) days);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), pz_json_get_string (type, "name"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "type", json_object_ref (type), (GDestroyNotify) json_object_unref);
      g_signal_connect (row, "activated", G_CALLBACK (type_row_activated), self);
      gtk_list_box_append (self->list, row);
    }
}

static void
pz_admin_types_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), PZ_TYPE_ADMIN_TYPES_PAGE);
  G_OBJECT_CLASS (pz_admin_types_page_parent_class)->dispose (object);
}

/* the context outlives dispose: an answer still on its way counts down */
static void
pz_admin_types_page_finalize (GObject *object)
{
  PzAdminTypesPage *self = PZ_ADMIN_TYPES_PAGE (object);

  g_clear_pointer (&self->ctx, pz_admin_context_unref);
  G_OBJECT_CLASS (pz_admin_types_page_parent_class)->finalize (object);
}

static void
pz_admin_types_page_class_init (PzAdminTypesPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = pz_admin_types_page_dispose;
  G_OBJECT_CLASS (klass)->finalize = pz_admin_types_page_finalize;
  gtk_widget_class_set_template_from_resource (widget_class, "/id/go/perizinan/Perizinan/pz-admin-types-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PzAdminTypesPage, list);
  gtk_widget_class_bind_template_callback (widget_class, new_type_clicked);
}

static void
pz_admin_types_page_init (PzAdminTypesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
pz_admin_types_page_set_context (PzAdminTypesPage *self,
                                 PzAdminContext   *ctx)
{
  g_clear_pointer (&self->ctx, pz_admin_context_unref);
  self->ctx = pz_admin_context_ref (ctx);
}

/**
 * pz_admin_types_page_reload:
 *
 * Reads the permit types from the server.
 */
void
pz_admin_types_page_reload (PzAdminTypesPage *self)
{
  self->ctx->busy++;
  pz_api_list_permit_types_async (self->ctx->client, self->ctx->cancellable, types_loaded, g_object_ref (self));
}
