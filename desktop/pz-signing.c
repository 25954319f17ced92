/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-signing"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "pz-api.h"
#include "pz-json-writer.h"
#include "pz-signing.h"

/* The Kadis's electronic signature: one permit after a confirmation that
 * says what is signed, or several at once with the passphrase typed once.
 * Each permit is still signed by its own request, on the version the Kadis
 * saw; the passphrase lives only as long as the signing does. */

static void
wipe (char **secret)
{
  if (*secret)
    {
      memset (*secret, 0, strlen (*secret));
      g_clear_pointer (secret, g_free);
    }
}

/* One permit */

typedef struct {
  PzSignConfirmed confirmed;
  gpointer        user_data;
  GtkWidget      *entry;
} Confirm;

static void
confirm_response (AdwMessageDialog *dialog,
                  const char       *response,
                  Confirm          *c)
{
  if (g_str_equal (response, "sign"))
    {
      g_autofree char *pass = g_strdup (gtk_editable_get_text (GTK_EDITABLE (c->entry)));

      gtk_editable_set_text (GTK_EDITABLE (c->entry), "");
      c->confirmed (pass, c->user_data);
      wipe (&pass);
    }
}

static void
passphrase_typed (GtkEditable      *entry,
                  AdwMessageDialog *dialog)
{
  adw_message_dialog_set_response_enabled (dialog, "sign", *gtk_editable_get_text (entry) != '\0');
}

/**
 * pz_sign_confirm:
 * @parent: the window
 * @file: the file whose permit is signed
 * @confirmed: called with the passphrase when the Kadis signs
 * @user_data: data for @confirmed
 *
 * Asks the Kadis to confirm what is signed (the file, the applicant, the
 * permit type and number) and the passphrase of the signing key.
 */
void
pz_sign_confirm (GtkWindow      *parent,
                 JsonObject     *file,
                 PzSignConfirmed confirmed,
                 gpointer        user_data)
{
  JsonObject *applicant = json_object_has_member (file, "applicant")
                            ? json_object_get_object_member (file, "applicant") : NULL;
  const char *number = pz_json_get_string (file, "permit_number");
  g_autofree char *body = g_strdup_printf (
    /* Translators: the file's number, the applicant, the permit type, the permit number */
    _("File: %s\nApplicant: %s\nPermit type: %s\nPermit number: %s\n\n"
      "Your electronic signature is put on this permit with the office's signing key. "
      "Type the key's passphrase to sign."),
    pz_json_get_string (file, "registration_number"), pz_json_get_string (applicant, "name"),
    pz_json_get_string (file, "permit_type_name"), number ? number : _("not yet given"));
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, _("Sign This Permit?"), body));
  GtkWidget *list = gtk_list_box_new ();
  Confirm *c = g_new0 (Confirm, 1);

  c->confirmed = confirmed;
  c->user_data = user_data;
  c->entry = adw_password_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (c->entry), _("Passphrase of the signing key"));
  adw_entry_row_set_activates_default (ADW_ENTRY_ROW (c->entry), TRUE);
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_append (GTK_LIST_BOX (list), c->entry);
  adw_message_dialog_set_extra_child (dialog, list);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "sign", _("_Sign"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "sign", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (dialog, "sign", FALSE);
  adw_message_dialog_set_default_response (dialog, "sign");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "pz-confirm", c, g_free);
  g_signal_connect (c->entry, "changed", G_CALLBACK (passphrase_typed), dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (confirm_response), c);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (c->entry);
}

/* Several permits */

struct _PzSignBatch
{
  AdwWindow     parent_instance;

  PzClient     *client;
  GCancellable *cancellable;
  GPtrArray    *files;       /* JsonObject summaries */
  GPtrArray    *checks;      /* GtkCheckButton per file */
  GPtrArray    *states;      /* GtkLabel per file */
  GArray       *signed_ok;   /* gboolean per file */
  GHashTable   *answered;    /* id -> version the signing's answer gave */
  GtkWidget    *passphrase;
  GtkWidget    *progress;
  GtkLabel     *message;
  GtkWidget    *sign_button;
  GString      *failures;
  char         *summary;

  char         *secret;      /* only while the batch runs */
  GArray       *queue;       /* indexes still to sign */
  guint         done;
  guint         total;
  guint         n_signed;
};

G_DEFINE_FINAL_TYPE (PzSignBatch, pz_sign_batch, ADW_TYPE_WINDOW)

enum { SIGNAL_FINISHED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void sign_next (PzSignBatch *self);

static void
set_message (PzSignBatch *self,
             const char  *text,
             gboolean     error)
{
  gtk_label_set_text (self->message, text);
  gtk_widget_set_visible (GTK_WIDGET (self->message), text && *text);
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->message), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->message), "error");
}

static void
set_running (PzSignBatch *self,
             gboolean     running)
{
  gtk_widget_set_sensitive (self->sign_button, !running);
  gtk_widget_set_sensitive (self->passphrase, !running);
  for (guint i = 0; i < self->checks->len; i++)
    gtk_widget_set_sensitive (g_ptr_array_index (self->checks, i),
                              !running && !g_array_index (self->signed_ok, gboolean, i));
}

static void
finish (PzSignBatch *self)
{
  guint failed = self->total - self->n_signed;
  g_autofree char *signed_text = g_strdup_printf (ngettext ("%u permit signed.", "%u permits signed.",
                                                            self->n_signed), self->n_signed);

  wipe (&self->secret);
  g_clear_pointer (&self->queue, g_array_unref);
  set_running (self, FALSE);
  g_free (self->summary);
  if (failed)
    {
      g_autofree char *failed_text = g_strdup_printf (ngettext ("%u not signed:", "%u not signed:", failed), failed);
      self->summary = g_strdup_printf ("%s %s\n%s", signed_text, failed_text, self->failures->str);
      set_message (self, self->summary, TRUE);
    }
  else
    {
      self->summary = g_strdup (signed_text);
      set_message (self, self->summary, FALSE);
    }
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress), 1.0);
  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (self->progress), signed_text);
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
}

static void
show_progress (PzSignBatch *self)
{
  /* Translators: permits done so far, and how many in all */
  g_autofree char *text = g_strdup_printf (_("Signing %u of %u…"), MIN (self->done + 1, self->total), self->total);

  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress),
                                 self->total ? (double) self->done / self->total : 0.0);
  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (self->progress), text);
}

static void
signed_one (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  PzSignBatch *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = pz_api_act_finish (PZ_CLIENT (source), result, &error);
  JsonArray *details = pz_client_error_get_details (error);
  guint i = g_array_index (self->queue, guint, 0);
  GtkLabel *state = g_ptr_array_index (self->states, i);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_object_unref (self);
      return;
    }
  g_array_remove_index (self->queue, 0);
  self->done++;
  gtk_widget_set_visible (GTK_WIDGET (state), TRUE);
  gtk_widget_remove_css_class (GTK_WIDGET (state), "dim-label");
  if (node)
    {
      JsonObject *after = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

      if (after)
        {
          gint64 *id = g_new (gint64, 1);
          gint64 *version = g_new (gint64, 1);

          *id = json_object_get_int_member_with_default (after, "id", 0);
          *version = json_object_get_int_member_with_default (after, "version", 0);
          g_hash_table_insert (self->answered, id, version);
        }
      self->n_signed++;
      g_array_index (self->signed_ok, gboolean, i) = TRUE;
      gtk_check_button_set_active (g_ptr_array_index (self->checks, i), FALSE);
      gtk_label_set_text (state, _("Signed"));
      gtk_widget_add_css_class (GTK_WIDGET (state), "success");
    }
  else
    {
      GString *why = g_string_new (error->message);

      for (guint d = 0; details && d < json_array_get_length (details); d++)
        g_string_append_printf (why, " %s", pz_json_get_string (json_array_get_object_element (details, d), "message"));
      gtk_label_set_text (state, _("Not signed"));
      gtk_widget_set_tooltip_text (GTK_WIDGET (state), why->str);
      gtk_widget_add_css_class (GTK_WIDGET (state), "error");
      g_string_append_printf (self->failures, "• %s: %s\n",
                              pz_json_get_string (g_ptr_array_index (self->files, i), "registration_number"), why->str);
      g_string_free (why, TRUE);
    }
  sign_next (self);
  g_object_unref (self);
}

static void
sign_next (PzSignBatch *self)
{
  JsonObject *file;
  g_autoptr(JsonObject) data = NULL;
  g_autoptr(JsonNode) data_node = NULL;
  g_autofree char *key = NULL;

  if (self->queue == NULL || self->queue->len == 0)
    {
      if (self->failures->len)
        g_string_truncate (self->failures, self->failures->len - 1);
      finish (self);
      return;
    }
  show_progress (self);
  file = g_ptr_array_index (self->files, g_array_index (self->queue, guint, 0));
  data = json_object_new ();
  json_object_set_string_member (data, "passphrase", self->secret);
  data_node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (data_node, data);
  key = g_uuid_string_random ();
  /* the version the Kadis saw listed: a file changed since is not signed */
  pz_api_act_async (self->client, json_object_get_int_member_with_default (file, "id", 0), "approve",
                    json_object_get_int_member_with_default (file, "version", 0), NULL, data_node, key,
                    self->cancellable, signed_one, g_object_ref (self));
}

static void
sign_clicked (PzSignBatch *self)
{
  const char *pass = gtk_editable_get_text (GTK_EDITABLE (self->passphrase));

  if (self->queue)
    return;
  self->queue = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < self->checks->len; i++)
    if (gtk_check_button_get_active (g_ptr_array_index (self->checks, i)) &&
        !g_array_index (self->signed_ok, gboolean, i))
      g_array_append_val (self->queue, i);
  if (self->queue->len == 0)
    {
      g_clear_pointer (&self->queue, g_array_unref);
      set_message (self, _("Tick the permits to sign."), TRUE);
      return;
    }
  if (*pass == '\0')
    {
      g_clear_pointer (&self->queue, g_array_unref);
      set_message (self, _("Type the passphrase of the signing key."), TRUE);
      gtk_widget_grab_focus (self->passphrase);
      return;
    }
  /* typed once, used for this batch, then gone */
  self->secret = g_strdup (pass);
  gtk_editable_set_text (GTK_EDITABLE (self->passphrase), "");
  self->total = self->queue->len;
  self->done = 0;
  self->n_signed = 0;
  g_string_truncate (self->failures, 0);
  set_message (self, NULL, FALSE);
  gtk_widget_set_visible (self->progress, TRUE);
  set_running (self, TRUE);
  for (guint i = 0; i < self->queue->len; i++)
    {
      GtkWidget *state = g_ptr_array_index (self->states, g_array_index (self->queue, guint, i));

      gtk_label_set_text (GTK_LABEL (state), _("Waiting"));
      gtk_widget_set_tooltip_text (state, NULL);
      gtk_widget_remove_css_class (state, "error");
      gtk_widget_add_css_class (state, "dim-label");
      gtk_widget_set_visible (state, TRUE);
    }
  sign_next (self);
}

static void
pz_sign_batch_dispose (GObject *object)
{
  PzSignBatch *self = PZ_SIGN_BATCH (object);

  g_cancellable_cancel (self->cancellable);
  wipe (&self->secret);
  G_OBJECT_CLASS (pz_sign_batch_parent_class)->dispose (object);
}

static void
pz_sign_batch_finalize (GObject *object)
{
  PzSignBatch *self = PZ_SIGN_BATCH (object);

  g_clear_object (&self->client);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->files, g_ptr_array_unref);
  g_clear_pointer (&self->checks, g_ptr_array_unref);
  g_clear_pointer (&self->states, g_ptr_array_unref);
  g_clear_pointer (&self->signed_ok, g_array_unref);
  g_clear_pointer (&self->answered, g_hash_table_unref);
  g_clear_pointer (&self->queue, g_array_unref);
  g_string_free (self->failures, TRUE);
  g_free (self->summary);
  G_OBJECT_CLASS (pz_sign_batch_parent_class)->finalize (object);
}

static void
pz_sign_batch_class_init (PzSignBatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pz_sign_batch_dispose;
  object_class->finalize = pz_sign_batch_finalize;

  /**
   * PzSignBatch::finished:
   *
   * Every permit of the batch was tried; the summary says how it went.
   */
  signals[SIGNAL_FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_add_binding_action (GTK_WIDGET_CLASS (klass), GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
pz_sign_batch_init (PzSignBatch *self)
{
  self->cancellable = g_cancellable_new ();
  self->checks = g_ptr_array_new ();
  self->states = g_ptr_array_new ();
  self->signed_ok = g_array_new (FALSE, TRUE, sizeof (gboolean));
  self->answered = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->failures = g_string_new (NULL);
}

/**
 * pz_sign_batch_new:
 * @parent: the window
 * @client: the signed-in client
 * @files: (element-type JsonObject): the files waiting for the Kadis's
 *   electronic signature, as the inbox lists them
 *
 * Returns: (transfer none): the window listing @files with check boxes
 *   and one passphrase for all of them
 */
PzSignBatch *
pz_sign_batch_new (GtkWindow *parent,
                   PzClient  *client,
                   GPtrArray *files)
{
  PzSignBatch *self = g_object_new (PZ_TYPE_SIGN_BATCH, "transient-for", parent, "modal", TRUE,
                                    "destroy-with-parent", TRUE, "title", _("Sign Several Permits"),
                                    "default-width", 560, "default-height", 520, NULL);
  GtkWidget *outer = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *intro, *list, *pass_list, *buttons;

  self->client = g_object_ref (client);
  self->files = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  for (guint i = 0; i < files->len; i++)
    g_ptr_array_add (self->files, json_object_ref (g_ptr_array_index (files, i)));
  g_array_set_size (self->signed_ok, self->files->len);

  adw_window_set_content (ADW_WINDOW (self), outer);
  gtk_box_append (GTK_BOX (outer), header);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (outer), scrolled);
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 640);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  adw_clamp_set_child (ADW_CLAMP (clamp), box);

  intro = gtk_label_new (self->files->len
                           ? _("Tick the permits to sign, then type the passphrase of the signing key once. "
                               "Each permit is signed on its own; one that cannot be signed leaves the others signed.")
                           : _("No permit is waiting for your electronic signature."));
  gtk_label_set_wrap (GTK_LABEL (intro), TRUE);
  gtk_label_set_xalign (GTK_LABEL (intro), 0);
  gtk_box_append (GTK_BOX (box), intro);

  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Permits waiting for signature"), -1);
  for (guint i = 0; i < self->files->len; i++)
    {
      JsonObject *f = g_ptr_array_index (self->files, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();
      GtkWidget *state = gtk_label_new (NULL);
      const char *number = pz_json_get_string (f, "permit_number");
      /* Translators: applicant · permit type · permit number */
      g_autofree char *subtitle = g_strdup_printf ("%s · %s · %s", pz_json_get_string (f, "applicant_name"),
                                                   pz_json_get_string (f, "permit_type_name"), number ? number : "—");

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), pz_json_get_string (f, "registration_number"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      pz_json_get_string (f, "registration_number"), -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      gtk_widget_add_css_class (state, "pz-badge");
      gtk_widget_set_valign (state, GTK_ALIGN_CENTER);
      gtk_widget_set_visible (state, FALSE);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), state);
      gtk_list_box_append (GTK_LIST_BOX (list), row);
      g_ptr_array_add (self->checks, check);
      g_ptr_array_add (self->states, state);
    }
  if (self->files->len)
    gtk_box_append (GTK_BOX (box), list);
  else
    g_object_ref_sink (list), g_object_unref (list);

  pass_list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (pass_list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (pass_list, "boxed-list");
  self->passphrase = adw_password_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->passphrase), _("Passphrase of the signing key"));
  g_signal_connect_swapped (self->passphrase, "entry-activated", G_CALLBACK (sign_clicked), self);
  gtk_list_box_append (GTK_LIST_BOX (pass_list), self->passphrase);
  gtk_box_append (GTK_BOX (box), pass_list);
  gtk_widget_set_visible (pass_list, self->files->len > 0);

  self->progress = gtk_progress_bar_new ();
  gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (self->progress), TRUE);
  gtk_widget_set_visible (self->progress, FALSE);
  gtk_box_append (GTK_BOX (box), self->progress);

  self->message = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->message, TRUE);
  gtk_label_set_wrap_mode (self->message, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (self->message, 0);
  gtk_label_set_selectable (self->message, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->message), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->message));

  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  self->sign_button = gtk_button_new_with_mnemonic (_("_Sign Ticked Permits"));
  gtk_widget_add_css_class (self->sign_button, "suggested-action");
  g_signal_connect_swapped (self->sign_button, "clicked", G_CALLBACK (sign_clicked), self);
  gtk_box_append (GTK_BOX (buttons), self->sign_button);
  gtk_widget_set_visible (self->sign_button, self->files->len > 0);
  gtk_box_append (GTK_BOX (box), buttons);
  return self;
}

gboolean
pz_sign_batch_is_running (PzSignBatch *self)
{
  return self->queue != NULL;
}

/**
 * pz_sign_batch_get_signed_version:
 * @id: a file
 *
 * Returns: the version of @id in the answer to its signing by this batch,
 *   0 if the batch has not signed it
 */
gint64
pz_sign_batch_get_signed_version (PzSignBatch *self,
                                  gint64       id)
{
  gint64 *version = g_hash_table_lookup (self->answered, &id);

  return version ? *version : 0;
}

/**
 * pz_sign_batch_get_summary:
 * @self: a batch
 *
 * Returns: (nullable): how many were signed and which were not, and why,
 *   once the batch has run
 */
const char *
pz_sign_batch_get_summary (PzSignBatch *self)
{
  return self->summary;
}
