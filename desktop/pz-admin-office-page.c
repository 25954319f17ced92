/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-admin"

#include "config.h"

#include <glib/gi18n.h>

#include "perizinan.h"
#include "pz-admin-office-page.h"
#include "pz-file-item.h"
#include "pz-widgets.h"

/* The office profile printed on every document, its emblem, and the
 * signing certificate with the warning when it runs out. */
struct _PzAdminOfficePage
{
  AdwPreferencesPage parent_instance;

  PzAdminContext    *ctx;
  JsonObject        *office;

  GtkWidget         *certificate_warning;
  GtkWidget         *name_row;
  GtkWidget         *address_row;
  GtkWidget         *city_row;
  GtkWidget         *kadis_name_row;
  GtkWidget         *kadis_nip_row;
  GtkWidget         *public_url_row;
  GtkWidget         *public_url_warning;
  GtkPicture        *logo;
  GtkWidget         *logo_remove;
  GtkWidget         *certificate_subject;
  GtkWidget         *certificate_until;

  GtkWidget         *rows[6];    /* the entry rows, in the order of office_members */
};

enum {
  OFFICE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PzAdminOfficePage, pz_admin_office_page, ADW_TYPE_PREFERENCES_PAGE)

static const char * const office_members[] = {
  "name", "address", "city", "kadis_name", "kadis_nip", "public_base_url"
};

G_STATIC_ASSERT (G_N_ELEMENTS (office_members) == G_N_ELEMENTS (((PzAdminOfficePage *) NULL)->rows));

static void
logo_fetched (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(PzAdminOfficePage) self = data;
  g_autoptr(GBytes) bytes = pz_api_get_logo_finish (PZ_CLIENT (source), result, NULL);
  g_autoptr(GdkTexture) texture = bytes ? gdk_texture_new_from_bytes (bytes, NULL) : NULL;

  self->ctx->busy--;
  gtk_picture_set_paintable (self->logo, GDK_PAINTABLE (texture));
}

static gboolean
url_is_loopback (const char *url)
{
  g_autoptr(GUri) uri = url && *url ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *host = uri ? g_uri_get_host (uri) : NULL;

  if (host == NULL)
    return url == NULL || *url == '\0';
  return g_ascii_strcasecmp (host, "localhost") == 0 || g_str_has_prefix (host, "127.") ||
         g_str_equal (host, "::1") || g_str_equal (host, "[::1]") || g_str_equal (host, "0.0.0.0");
}

/* QR codes on receipts and permits point at the public address; one that
* only this machine can reach makes every code useless to the citizen. */
static void
update_public_url_warning (PzAdminOfficePage *self)
{
  const char *text = pz_admin_entry_text (self->public_url_row);
  const char *configured = self->office ? pz_json_get_string (self->office, "public_url_configured") : NULL;

  /* empty: the server's configured address is used */
  gtk_widget_set_visible (self->public_url_warning, url_is_loopback (*text ? text : configured));
}

static void
show_certificate (PzAdminOfficePage *self,
                  JsonObject        *cert)
{
  if (cert == NULL)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->certificate_subject),
                                   _("Not known yet: it is read when the key is installed or first used"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->certificate_until), "—");
      gtk_widget_set_visible (self->certificate_warning, FALSE);
      return;
    }
  {
    g_autofree char *until = pz_format_local_time (pz_json_get_string (cert, "not_after"));
    gint64 days = json_object_get_int_member_with_default (cert, "days_left", 0);
    /* Translators: the end of the signing certificate, and the days left */
    g_autofree char *until_text = g_strdup_printf (ngettext ("%s (%lld day left)", "%s (%lld days left)",
                                                             (gulong) days), until, (long long) days);

    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->certificate_subject), pz_json_get_string (cert, "subject"));
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->certificate_until), until_text);
    if (json_object_get_boolean_member_with_default (cert, "expired", FALSE))
      {
        gtk_label_set_text (GTK_LABEL (self->certificate_warning),
                            _("The signing certificate has expired: permits cannot be signed electronically "
                              "until a new one is installed."));
        gtk_widget_set_visible (self->certificate_warning, TRUE);
      }
    else if (json_object_get_boolean_member_with_default (cert, "expiring_soon", FALSE))
      {
        g_autofree char *text = g_strdup_printf (g_dngettext (NULL,
                                                              "The signing certificate ends in %lld day. Ask the certificate "
                                                              "authority (BSrE) for the new one and install it here.",
                                                              "The signing certificate ends in %lld days. Ask the certificate "
                                                              "authority (BSrE) for the new one and install it here.",
                                                              (gulong) days), (long long) days);
        gtk_label_set_text (GTK_LABEL (self->certificate_warning), text);
        gtk_widget_set_visible (self->certificate_warning, TRUE);
      }
    else
      gtk_widget_set_visible (self->certificate_warning, FALSE);
  }
}

static JsonObject *
certificate_of (JsonObject *office)
{
  JsonNode *cert = office ? json_object_get_member (office, "signing_certificate") : NULL;

  return cert && JSON_NODE_HOLDS_OBJECT (cert) ? json_node_get_object (cert) : NULL;
}

/* Shows @node, the office as the server answered it, and tells the other
 * pages. */
static void
office_answered (PzAdminOfficePage *self,
                 JsonNode          *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return;
  pz_admin_office_page_show_office (self, json_node_get_object (node));
  g_signal_emit (self, signals[OFFICE_CHANGED], 0, self->office);
}

static void
office_loaded (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  g_autoptr(PzAdminOfficePage) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = pz_api_get_office_finish (PZ_CLIENT (source), result, &error);

  self->ctx->busy--;
  if (!pz_admin_refused (GTK_WIDGET (self), NULL, error))
    office_answered (self, node);
}

static void
office_saved (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(PzAdminOfficePage) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = pz_api_update_office_finish (PZ_CLIENT (source), result, &error);

  self->ctx->busy--;
  if (pz_admin_refused (GTK_WIDGET (self), NULL, error))
    return;
  office_answered (self, node);
  pz_toast (GTK_WIDGET (self), _("Office profile saved; new documents use it"));
}

static void
save_office_clicked (PzAdminOfficePage *self)
{
  g_autoptr(JsonObject) obj = json_object_new ();

  for (guint i = 0; i < G_N_ELEMENTS (office_members); i++)
    {
      const char *text = pz_admin_entry_text (self->rows[i]);

      if (g_str_equal (office_members[i], "public_base_url") && *text == '\0')
        json_object_set_null_member (obj, office_members[i]);
      else
        json_object_set_string_member (obj, office_members[i], text);
    }
  self->ctx->busy++;
  pz_api_update_office_async (self->ctx->client, obj, self->ctx->cancellable, office_saved, g_object_ref (self));
}

static void
logo_uploaded (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  g_autoptr(PzAdminOfficePage) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = pz_api_set_logo_finish (PZ_CLIENT (source), result, &error);

  self->ctx->busy--;
  if (pz_admin_refused (GTK_WIDGET (self), NULL, error))
    return;
  pz_toast (GTK_WIDGET (self), _("Emblem saved; new documents carry it"));
  pz_admin_office_page_reload (self);
}

static void
logo_chosen (GtkNativeDialog   *chooser,
             int                response,
             PzAdminOfficePage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autoptr(GBytes) bytes = g_file_load_bytes (file, NULL, NULL, NULL);

      if (bytes)
        {
          self->ctx->busy++;
          pz_api_set_logo_async (self->ctx->client, bytes, self->ctx->cancellable, logo_uploaded, g_object_ref (self));
        }
    }
  g_object_unref (chooser);
}

static void
choose_logo_clicked (PzAdminOfficePage *self)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Choose the Office Emblem"),
                                                               GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), NULL);
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("PNG pictures"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_unref (filter);
  g_signal_connect (chooser, "response", G_CALLBACK (logo_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
logo_removed (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(PzAdminOfficePage) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = pz_api_remove_logo_finish (PZ_CLIENT (source), result, &error);

  self->ctx->busy--;
  if (!pz_admin_refused (GTK_WIDGET (self), NULL, error))
    pz_admin_office_page_reload (self);
}

static void
remove_logo_clicked (PzAdminOfficePage *self)
{
  self->ctx->busy++;
  pz_api_remove_logo_async (self->ctx->client, self->ctx->cancellable, logo_removed, g_object_ref (self));
}

static void
certificate_installed (GObject      *source,
                       GAsyncResult *result,
                       gpointer      data)
{
  g_autoptr(PzAdminOfficePage) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = pz_api_install_certificate_finish (PZ_CLIENT (source), result, &error);

  self->ctx->busy--;
  if (pz_admin_refused (GTK_WIDGET (self), NULL, error))
    return;
  office_answered (self, node);
  pz_toast (GTK_WIDGET (self), _("Signing certificate installed; the Kadis signs with its passphrase from now on"));
}

typedef struct {
  PzAdminOfficePage *self;
  GBytes            *p12;
  GtkWidget         *passphrase;
  GtkWidget         *current;
} KeyInstall;

static void
key_install_free (gpointer data)
{
  KeyInstall *k = data;

  g_bytes_unref (k->p12);
  g_object_unref (k->self);
  g_free (k);
}

static void
passphrase_response (AdwMessageDialog *dialog,
                     const char       *response,
                     KeyInstall       *k)
{
  PzAdminContext *ctx = k->self->ctx;

  if (g_strcmp0 (response, "install") != 0)
    return;
  ctx->busy++;
  pz_api_install_certificate_async (ctx->client, k->p12, pz_admin_entry_text (k->passphrase),
                                    k->current ? pz_admin_entry_text (k->current) : NULL, ctx->cancellable,
                                    certificate_installed, g_object_ref (k->self));
}

/* Asks the passphrase of a PKCS#12 file, then sends both. */
static void
ask_passphrase (PzAdminOfficePage *self,
                GBytes            *p12)
{
  KeyInstall *k = g_new0 (KeyInstall, 1);
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (
                                                   GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), _("Install Signing Certificate?"),
                                                   _("Type the passphrase of the file. The Kadis types the same passphrase to sign each permit; "
                                                     "it is not stored.")));
  GtkWidget *list = gtk_list_box_new ();

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  k->self = g_object_ref (self);
  k->p12 = g_bytes_ref (p12);
  k->passphrase = adw_password_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (k->passphrase), _("Passphrase"));
  gtk_list_box_append (GTK_LIST_BOX (list), k->passphrase);
  /* a key in place is replaced only with the Kadis's consent */
  if (certificate_of (self->office))
    {
      adw_message_dialog_set_body (dialog,
                                   _("Type the passphrase of the file. The Kadis (or the acting Kadis) confirms "
                                     "the replacement by typing the passphrase of the current key. Neither is stored."));
      k->current = adw_password_entry_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (k->current), _("Current Key's Passphrase (Kadis)"));
      gtk_list_box_append (GTK_LIST_BOX (list), k->current);
    }
  adw_message_dialog_set_extra_child (dialog, list);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "install", _("_Install"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "install", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "install");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "key-install", k, key_install_free);
  g_signal_connect (dialog, "response", G_CALLBACK (passphrase_response), k);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
certificate_chosen (GtkNativeDialog   *chooser,
                    int                response,
                    PzAdminOfficePage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = g_file_load_bytes (file, NULL, NULL, &error);

      if (bytes)
        ask_passphrase (self, bytes);
      else
        pz_toast (GTK_WIDGET (self), error->message);
    }
  g_object_unref (chooser);
}

static void
install_certificate_clicked (PzAdminOfficePage *self)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Choose the Signing Certificate"),
                                                               GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), NULL);
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("PKCS#12 files (.p12, .pfx)"));
  gtk_file_filter_add_pattern (filter, "*.p12");
  gtk_file_filter_add_pattern (filter, "*.pfx");
  gtk_file_filter_add_mime_type (filter, "application/x-pkcs12");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_unref (filter);
  g_signal_connect (chooser, "response", G_CALLBACK (certificate_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
pz_admin_office_page_dispose (GObject *object)
{
  PzAdminOfficePage *self = PZ_ADMIN_OFFICE_PAGE (object);

  g_clear_pointer (&self->office, json_object_unref);
  gtk_widget_dispose_template (GTK_WIDGET (object), PZ_TYPE_ADMIN_OFFICE_PAGE);
  G_OBJECT_CLASS (pz_admin_office_page_parent_class)->dispose (object);
}

/* the context outlives dispose: an answer still on its way counts down */
static void
pz_admin_office_page_finalize (GObject *object)
{
  PzAdminOfficePage *self = PZ_ADMIN_OFFICE_PAGE (object);

  g_clear_pointer (&self->ctx, pz_admin_context_unref);
  G_OBJECT_CLASS (pz_admin_office_page_parent_class)->finalize (object);
}

static void
pz_admin_office_page_class_init (PzAdminOfficePageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = pz_admin_office_page_dispose;
  G_OBJECT_CLASS (klass)->finalize = pz_admin_office_page_finalize;

  /**
   * PzAdminOfficePage::office-changed:
   * @office: the office as the server has it now
   *
   * The office was read from the server, or saved.
   */
  signals[OFFICE_CHANGED] =
    g_signal_new ("office-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, JSON_TYPE_OBJECT);

  gtk_widget_class_set_template_from_resource (widget_class, "/id/go/perizinan/Perizinan/pz-admin-office-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PzAdminOfficePage, certificate_warning);
  gtk_widget_class_bind_template_child (widget_class, PzAdminOfficePage, name_row);
  gtk_widget_class_bind_template_child (widget_class, PzAdminOfficePage, address_row);
  gtk_widget_class_bind_template_child (widget_class, PzAdminOfficePage, city_row);
  gtk_widget_class_bind_template_child (widget_class, PzAdminOfficePage, kadis_name_row);
  gtk_widget_class_bind_template_child (widget_class, PzAdminOfficePage, kadis_nip_row);
  gtk_widget_class_bind_template_child (widget_class, PzAdminOfficePage, public_url_row);
  gtk_widget_class_bind_template_child (widget_class, PzAdminOfficePage, public_url_warning);
  gtk_widget_class_bind_template_child (widget_class, PzAdminOfficePage, logo);
  gtk_widget_class_bind_template_child (widget_class, PzAdminOfficePage, logo_remove);
  gtk_widget_class_bind_template_child (widget_class, PzAdminOfficePage, certificate_subject);
  gtk_widget_class_bind_template_child (widget_class, PzAdminOfficePage, certificate_until);
  gtk_widget_class_bind_template_callback (widget_class, save_office_clicked);
  gtk_widget_class_bind_template_callback (widget_class, update_public_url_warning);
  gtk_widget_class_bind_template_callback (widget_class, choose_logo_clicked);
  gtk_widget_class_bind_template_callback (widget_class, remove_logo_clicked);
  gtk_widget_class_bind_template_callback (widget_class, install_certificate_clicked);
}

static void
pz_admin_office_page_init (PzAdminOfficePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows[0] = self->name_row;
  self->rows[1] = self->address_row;
  self->rows[2] = self->city_row;
  self->rows[3] = self->kadis_name_row;
  self->rows[4] = self->kadis_nip_row;
  self->rows[5] = self->public_url_row;
}

void
pz_admin_office_page_set_context (PzAdminOfficePage *self,
                                  PzAdminContext    *ctx)
{
  g_clear_pointer (&self->ctx, pz_admin_context_unref);
  self->ctx = pz_admin_context_ref (ctx);
}

/**
 * pz_admin_office_page_reload:
 *
 * Reads the office from the server; #PzAdminOfficePage::office-changed
 * tells it.
 */
void
pz_admin_office_page_reload (PzAdminOfficePage *self)
{
  self->ctx->busy++;
  pz_api_get_office_async (self->ctx->client, self->ctx->cancellable, office_loaded, g_object_ref (self));
}

/**
 * pz_admin_office_page_show_office:
 * @office: the office as the server has it
 *
 * Shows @office, and fetches its emblem.
 */
void
pz_admin_office_page_show_office (PzAdminOfficePage *self,
                                  JsonObject        *office)
{
  gboolean has_logo;

  json_object_ref (office);
  g_clear_pointer (&self->office, json_object_unref);
  self->office = office;
  for (guint i = 0; i < G_N_ELEMENTS (office_members); i++)
    gtk_editable_set_text (GTK_EDITABLE (self->rows[i]),
                           pz_json_get_string (office, office_members[i]) ? pz_json_get_string (office, office_members[i]) : "");
  update_public_url_warning (self);
  show_certificate (self, certificate_of (office));

  has_logo = json_object_get_boolean_member_with_default (office, "has_logo", FALSE);
  gtk_widget_set_visible (self->logo_remove, has_logo);
  if (has_logo)
    {
      self->ctx->busy++;
      pz_api_get_logo_async (self->ctx->client, self->ctx->cancellable, logo_fetched, g_object_ref (self));
    }
  else
    gtk_picture_set_paintable (self->logo, NULL);
}

/**
 * pz_admin_office_page_get_office:
 *
 * Returns: (transfer none) (nullable): the office as last read
 */
JsonObject *
pz_admin_office_page_get_office (PzAdminOfficePage *self)
{
  return self->office;
}

/**
 * pz_admin_office_page_get_certificate_warning:
 *
 * Returns: (transfer none): the label that warns of the certificate's end
 */
GtkWidget *
pz_admin_office_page_get_certificate_warning (PzAdminOfficePage *self)
{
  return self->certificate_warning;
}
