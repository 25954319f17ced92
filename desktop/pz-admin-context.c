/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-admin"

#include "config.h"

#include "perizinan.h"
#include "pz-admin-private.h"
#include "pz-file-item.h"
#include "pz-widgets.h"

/* The context */

PzAdminContext *
pz_admin_context_new (PzClient *client)
{
  PzAdminContext *ctx = g_rc_box_new0 (PzAdminContext);

  ctx->client = g_object_ref (client);
  ctx->cancellable = g_cancellable_new ();
  return ctx;
}

PzAdminContext *
pz_admin_context_ref (PzAdminContext *ctx)
{
  return g_rc_box_acquire (ctx);
}

static void
context_clear (gpointer data)
{
  PzAdminContext *ctx = data;

  g_clear_object (&ctx->client);
  g_clear_object (&ctx->cancellable);
}

void
pz_admin_context_unref (PzAdminContext *ctx)
{
  g_rc_box_release_full (ctx, context_clear);
}

/* Shared by the pages and dialogs */

const char * const pz_admin_office_roles[] = {
  "front_office", "tim_teknis", "back_office", "kasi", "kabid", "sekretaris", "kadis", "admin", NULL
};

void
pz_admin_clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))))
    gtk_list_box_remove (list, child);
}

GtkWidget *
pz_admin_button_new (const char *label,
                     gboolean    suggested)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  if (suggested)
    gtk_widget_add_css_class (button, "suggested-action");
  return button;
}

const char *
pz_admin_entry_text (GtkWidget *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

/**
 * pz_admin_refused:
 * @toast_on: a widget of the main window, told the refusal as a toast
 * @label: (nullable): where a refusal is told instead
 * @error: (nullable): the error of a request
 *
 * Returns: whether the request failed; a cancelled one is not told
 */
gboolean
pz_admin_refused (GtkWidget    *toast_on,
                  GtkLabel     *label,
                  const GError *error)
{
  JsonArray *details = pz_client_error_get_details (error);
  GString *text;

  if (error == NULL)
    {
      if (label)
        gtk_widget_set_visible (GTK_WIDGET (label), FALSE);
      return FALSE;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return TRUE;
  text = g_string_new (error->message);
  for (guint i = 0; details && i < json_array_get_length (details); i++)
    {
      JsonObject *d = json_array_get_object_element (details, i);
      g_string_append_printf (text, "\n• %s", pz_json_get_string (d, "message") ? pz_json_get_string (d, "message") : "");
    }
  if (label)
    {
      gtk_label_set_text (label, text->str);
      gtk_widget_set_visible (GTK_WIDGET (label), TRUE);
    }
  else
    pz_toast (toast_on, text->str);
  g_string_free (text, TRUE);
  return TRUE;
}
