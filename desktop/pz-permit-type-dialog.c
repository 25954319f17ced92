/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-admin"

#include "config.h"

#include <glib/gi18n.h>

#include "perizinan.h"
#include "pz-file-item.h"
#include "pz-permit-type-dialog.h"
#include "pz-widgets.h"

/* A permit type, new or as a new edition of one: its standard, number
 * format, signing, request types, requirements and permit fields. Edits
 * stay here until saved. */
struct _PzPermitTypeDialog
{
  AdwWindow            parent_instance;

  PzAdminContext      *ctx;
  GtkWidget           *toast_on;       /* weak: the page that opened the dialog */
  JsonObject          *type;           /* a copy being edited; NULL for a new one */
  JsonArray           *requirements;
  JsonArray           *fields;
  GtkWidget           *request_rows[3];
  GtkWidget           *new_for[3];     /* the request types a new requirement is for */

  GtkLabel            *error;
  AdwPreferencesGroup *type_group;
  GtkWidget           *code;
  GtkWidget           *name;
  GtkWidget           *service_days;
  GtkWidget           *validity;
  GtkWidget           *number_format;
  GtkWidget           *number_preview;
  GtkSwitch           *survey;
  AdwComboRow         *signing;
  AdwPreferencesGroup *request_types_group;
  GtkListBox          *requirements_list;
  AdwPreferencesGroup *new_requirement_group;
  GtkWidget           *new_code;
  GtkWidget           *new_title;
  GtkSwitch           *new_mandatory;
  GtkListBox          *fields_list;
  GtkWidget           *field_name;
  GtkWidget           *field_label;
  AdwComboRow         *field_type;
  GtkSwitch           *field_required;
};

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PzPermitTypeDialog, pz_permit_type_dialog, ADW_TYPE_WINDOW)

static const char * const field_types[] = { "text", "textarea", "number", "date", NULL };

static const char *
field_type_title (const char *type)
{
  if (g_strcmp0 (type, "textarea") == 0)
    return _("Long text");
  if (g_strcmp0 (type, "number") == 0)
    return _("Number");
  if (g_strcmp0 (type, "date") == 0)
    return _("Date");
  return _("Text");
}

static GtkWidget *
trash_button (const char *label,
              guint       index)
{
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");

  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_object_set_data (G_OBJECT (remove), "index", GUINT_TO_POINTER (index));
  return remove;
}

static void fill_fields (PzPermitTypeDialog *self);

static void
remove_field_clicked (GtkButton          *button,
                      PzPermitTypeDialog *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "index"));

  if (index < json_array_get_length (self->fields))
    json_array_remove_element (self->fields, index);
  fill_fields (self);
}

static void
fill_fields (PzPermitTypeDialog *self)
{
  pz_admin_clear_list (self->fields_list);
  for (guint i = 0; i < json_array_get_length (self->fields); i++)
    {
      JsonObject *f = json_array_get_object_element (self->fields, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *remove = trash_button (_("Remove this field"), i);
      /* Translators: a permit field: name · type · required or not */
      g_autofree char *subtitle = g_strdup_printf ("%s · %s · %s", pz_json_get_string (f, "name"),
                                                   field_type_title (pz_json_get_string (f, "type")),
                                                   json_object_get_boolean_member_with_default (f, "required", TRUE)
                                                   ? _("required") : _("optional"));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), pz_json_get_string (f, "label"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      g_signal_connect (remove, "clicked", G_CALLBACK (remove_field_clicked), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
      gtk_list_box_append (self->fields_list, row);
    }
}

static void
add_field_clicked (PzPermitTypeDialog *self)
{
  JsonObject *f = json_object_new ();
  guint type = adw_combo_row_get_selected (self->field_type);

  json_object_set_string_member (f, "name", pz_admin_entry_text (self->field_name));
  json_object_set_string_member (f, "label", pz_admin_entry_text (self->field_label));
  json_object_set_string_member (f, "type", field_types[MIN (type, 3)]);
  json_object_set_boolean_member (f, "required", gtk_switch_get_active (self->field_required));
  json_array_add_object_element (self->fields, f);
  gtk_editable_set_text (GTK_EDITABLE (self->field_name), "");
  gtk_editable_set_text (GTK_EDITABLE (self->field_label), "");
  fill_fields (self);
}

static void
mandatory_toggled (GtkSwitch  *sw,
                   GParamSpec *pspec,
                   JsonObject *requirement)
{
  json_object_set_boolean_member (requirement, "mandatory", gtk_switch_get_active (sw));
}

static void fill_requirements (PzPermitTypeDialog *self);

static void
remove_requirement_clicked (GtkButton          *button,
                            PzPermitTypeDialog *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "index"));

  if (index < json_array_get_length (self->requirements))
    json_array_remove_element (self->requirements, index);
  fill_requirements (self);
}

static void
fill_requirements (PzPermitTypeDialog *self)
{
  pz_admin_clear_list (self->requirements_list);
  for (guint i = 0; i < json_array_get_length (self->requirements); i++)
    {
      JsonObject *r = json_array_get_object_element (self->requirements, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *sw = gtk_switch_new ();
      GtkWidget *remove = trash_button (_("Remove this requirement"), i);
      JsonArray *for_types = json_object_has_member (r, "request_types")
                             ? json_object_get_array_member (r, "request_types") : NULL;
      g_autoptr(GString) subtitle = g_string_new (pz_json_get_string (r, "code"));

      for (guint k = 0; for_types && k < json_array_get_length (for_types); k++)
        g_string_append_printf (subtitle, "%s%s", k ? ", " : " · ",
                                pz_request_type_title (json_array_get_string_element (for_types, k)));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), pz_json_get_string (r, "title"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
      gtk_switch_set_active (GTK_SWITCH (sw), json_object_get_boolean_member_with_default (r, "mandatory", TRUE));
      gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (sw, _("Mandatory"));
      g_signal_connect (sw, "notify::active", G_CALLBACK (mandatory_toggled), r);
      g_signal_connect (remove, "clicked", G_CALLBACK (remove_requirement_clicked), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), sw);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
      gtk_list_box_append (self->requirements_list, row);
    }
}

static void
add_requirement_clicked (PzPermitTypeDialog *self)
{
  JsonObject *r = json_object_new ();
  JsonArray *for_types = json_array_new ();

  json_object_set_string_member (r, "code", pz_admin_entry_text (self->new_code));
  json_object_set_string_member (r, "title", pz_admin_entry_text (self->new_title));
  json_object_set_boolean_member (r, "mandatory", gtk_switch_get_active (self->new_mandatory));
  for (guint i = 0; pz_request_types[i]; i++)
    if (gtk_switch_get_active (g_object_get_data (G_OBJECT (self->new_for[i]), "switch")))
      json_array_add_string_element (for_types, pz_request_types[i]);
  json_object_set_array_member (r, "request_types", for_types);
  json_array_add_object_element (self->requirements, r);
  gtk_editable_set_text (GTK_EDITABLE (self->new_code), "");
  gtk_editable_set_text (GTK_EDITABLE (self->new_title), "");
  fill_requirements (self);
}

static void
type_saved (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(PzPermitTypeDialog) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = pz_api_save_permit_type_finish (PZ_CLIENT (source), result, &error);
  JsonObject *type = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  g_autofree char *text = NULL;

  self->ctx->busy--;
  if (self->error == NULL || pz_admin_refused (GTK_WIDGET (self), self->error, error))
    return;
  /* Translators: a permit type was saved as an edition */
  text = g_strdup_printf (_("Saved as edition %lld; files registered before keep theirs"),
                          (long long) (type ? json_object_get_int_member_with_default (type, "version", 0) : 0));
  if (self->toast_on)
    pz_toast (self->toast_on, text);
  g_signal_emit (self, signals[SAVED], 0);
  gtk_window_destroy (GTK_WINDOW (self));
}

static gint64
number_of (GtkWidget *row)
{
  gint64 n = 0;

  if (!g_ascii_string_to_signed (pz_admin_entry_text (row), 10, 0, G_MAXINT32, &n, NULL))
    return -1;
  return n;
}

static const char *
code_of (PzPermitTypeDialog *self)
{
  return self->type ? pz_json_get_string (self->type, "code") : pz_admin_entry_text (self->code);
}

static void
save_clicked (PzPermitTypeDialog *self)
{
  g_autoptr(JsonObject) obj = self->type ? json_object_ref (self->type) : json_object_new ();
  JsonArray *types = json_array_new ();

  if (json_object_has_member (obj, "version"))
    json_object_remove_member (obj, "version");
  if (json_object_has_member (obj, "next_sequence"))
    json_object_remove_member (obj, "next_sequence");
  json_object_set_string_member (obj, "name", pz_admin_entry_text (self->name));
  json_object_set_int_member (obj, "service_days", number_of (self->service_days));
  json_object_set_int_member (obj, "validity_months", number_of (self->validity));
  json_object_set_string_member (obj, "number_format", pz_admin_entry_text (self->number_format));
  json_object_set_boolean_member (obj, "survey", gtk_switch_get_active (self->survey));
  json_object_set_string_member (obj, "signing", adw_combo_row_get_selected (self->signing) ? "wet" : "electronic");
  for (guint i = 0; pz_request_types[i]; i++)
    if (gtk_switch_get_active (g_object_get_data (G_OBJECT (self->request_rows[i]), "switch")))
      json_array_add_string_element (types, pz_request_types[i]);
  json_object_set_array_member (obj, "request_types", types);
  json_object_set_array_member (obj, "requirements", json_array_ref (self->requirements));
  json_object_set_array_member (obj, "fields", json_array_ref (self->fields));
  self->ctx->busy++;
  pz_api_save_permit_type_async (self->ctx->client, code_of (self), obj, self->ctx->cancellable, type_saved,
                                 g_object_ref (self));
}

static void
cancel_clicked (PzPermitTypeDialog *self)
{
  gtk_window_destroy (GTK_WINDOW (self));
}

/* The number the next permit of this type would get with the format as
 * typed, or why the format cannot be used. */
static void
update_number_preview (PzPermitTypeDialog *self)
{
  const char *format = pz_admin_entry_text (self->number_format);
  const char *code = code_of (self);
  gint64 next = self->type ? json_object_get_int_member_with_default (self->type, "next_sequence", 1) : 1;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *number = NULL;

  if (!pz_number_format_is_valid (format, &error))
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->number_preview), error->message);
      gtk_widget_add_css_class (self->number_preview, "error");
      return;
    }
  number = pz_format_number (format, code && *code ? code : "KODE", next > 0 ? (guint64) next : 1, now);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->number_preview), number);
  gtk_widget_remove_css_class (self->number_preview, "error");
}

/* A row with a switch, added at the end of @group; the switch is its
 * data "switch". */
static GtkWidget *
switch_row (AdwPreferencesGroup *group,
            const char          *title,
            gboolean             active)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *sw = gtk_switch_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_switch_set_active (GTK_SWITCH (sw), active);
  gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), sw);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), sw);
  adw_preferences_group_add (group, row);
  g_object_set_data (G_OBJECT (row), "switch", sw);
  return row;
}

static void
pz_permit_type_dialog_dispose (GObject *object)
{
  PzPermitTypeDialog *self = PZ_PERMIT_TYPE_DIALOG (object);

  g_clear_weak_pointer (&self->toast_on);
  gtk_widget_dispose_template (GTK_WIDGET (object), PZ_TYPE_PERMIT_TYPE_DIALOG);
  G_OBJECT_CLASS (pz_permit_type_dialog_parent_class)->dispose (object);
}

/* the context outlives dispose: an answer still on its way counts down */
static void
pz_permit_type_dialog_finalize (GObject *object)
{
  PzPermitTypeDialog *self = PZ_PERMIT_TYPE_DIALOG (object);

  g_clear_pointer (&self->type, json_object_unref);
  g_clear_pointer (&self->requirements, json_array_unref);
  g_clear_pointer (&self->fields, json_array_unref);
  g_clear_pointer (&self->ctx, pz_admin_context_unref);
  G_OBJECT_CLASS (pz_permit_type_dialog_parent_class)->finalize (object);
}

static void
pz_permit_type_dialog_class_init (PzPermitTypeDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = pz_permit_type_dialog_dispose;
  G_OBJECT_CLASS (klass)->finalize = pz_permit_type_dialog_finalize;

  /**
   * PzPermitTypeDialog::saved:
   *
   * The permit type was saved as a new edition.
   */
  signals[SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/id/go/perizinan/Perizinan/pz-permit-type-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, PzPermitTypeDialog, error);
  gtk_widget_class_bind_template_child (widget_class, PzPermitTypeDialog, type_group);
  gtk_widget_class_bind_template_child (widget_class, PzPermitTypeDialog, code);
  gtk_widget_class_bind_template_child (widget_class, PzPermitTypeDialog, name);
  gtk_widget_class_bind_template_child (widget_class, PzPermitTypeDialog, service_days);
  gtk_widget_class_bind_template_child (widget_class, PzPermitTypeDialog, validity);
  gtk_widget_class_bind_template_child (widget_class, PzPermitTypeDialog, number_format);
  gtk_widget_class_bind_template_child (widget_class, PzPermitTypeDialog, number_preview);
  gtk_widget_class_bind_template_child (widget_class, PzPermitTypeDialog, survey);
  gtk_widget_class_bind_template_child (widget_class, PzPermitTypeDialog, signing);
  gtk_widget_class_bind_template_child (widget_class, PzPermitTypeDialog, request_types_group);
  gtk_widget_class_bind_template_child (widget_class, PzPermitTypeDialog, requirements_list);
  gtk_widget_class_bind_template_child (widget_class, PzPermitTypeDialog, new_requirement_group);
  gtk_widget_class_bind_template_child (widget_class, PzPermitTypeDialog, new_code);
  gtk_widget_class_bind_template_child (widget_class, PzPermitTypeDialog, new_title);
  gtk_widget_class_bind_template_child (widget_class, PzPermitTypeDialog, new_mandatory);
  gtk_widget_class_bind_template_child (widget_class, PzPermitTypeDialog, fields_list);
  gtk_widget_class_bind_template_child (widget_class, PzPermitTypeDialog, field_name);
  gtk_widget_class_bind_template_child (widget_class, PzPermitTypeDialog, field_label);
  gtk_widget_class_bind_template_child (widget_class, PzPermitTypeDialog, field_type);
  gtk_widget_class_bind_template_child (widget_class, PzPermitTypeDialog, field_required);
  gtk_widget_class_bind_template_callback (widget_class, save_clicked);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked);
  gtk_widget_class_bind_template_callback (widget_class, update_number_preview);
  gtk_widget_class_bind_template_callback (widget_class, add_requirement_clicked);
  gtk_widget_class_bind_template_callback (widget_class, add_field_clicked);
}

static void
pz_permit_type_dialog_init (PzPermitTypeDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  pz_window_add_close_keys (GTK_WINDOW (self));
  for (guint i = 0; pz_request_types[i]; i++)
    {
      /* Translators: a new requirement applies to this request type */
      g_autofree char *title = g_strdup_printf (_("For “%s” requests"), pz_request_type_title (pz_request_types[i]));

      g_assert (i < G_N_ELEMENTS (self->new_for));
      self->new_for[i] = switch_row (self->new_requirement_group, title, TRUE);
    }
}

/* a deep copy: edits stay here until saved */
static JsonObject *
copy_object (JsonObject *obj)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) copy = NULL;

  json_node_set_object (node, obj);
  text = json_to_string (node, FALSE);
  copy = json_from_string (text, NULL);
  return json_object_ref (json_node_get_object (copy));
}

/**
 * pz_permit_type_dialog_new:
 * @ctx: the administration's client and busy count
 * @parent: the page the dialog is opened from; it tells what was done
 * @type: (nullable): the permit type as the server has it; %NULL for a new one
 *
 * Returns: (transfer none): the dialog, modal over @parent's window
 */
PzPermitTypeDialog *
pz_permit_type_dialog_new (PzAdminContext *ctx,
                           GtkWidget      *parent,
                           JsonObject     *type)
{
  PzPermitTypeDialog *self = g_object_new (PZ_TYPE_PERMIT_TYPE_DIALOG, NULL);
  JsonArray *rt = type ? json_object_get_array_member (type, "request_types") : NULL;
  g_autofree char *days = NULL;
  g_autofree char *validity = NULL;

  self->ctx = pz_admin_context_ref (ctx);
  g_set_weak_pointer (&self->toast_on, parent);
  gtk_window_set_transient_for (GTK_WINDOW (self), GTK_WINDOW (gtk_widget_get_root (parent)));
  gtk_window_set_title (GTK_WINDOW (self), type ? pz_json_get_string (type, "name") : _("New Permit Type"));
  if (type)
    self->type = copy_object (type);
  self->requirements = self->type && json_object_has_member (self->type, "requirements")
                       ? json_array_ref (json_object_get_array_member (self->type, "requirements")) : json_array_new ();
  self->fields = self->type && json_object_has_member (self->type, "fields")
                 ? json_array_ref (json_object_get_array_member (self->type, "fields")) : json_array_new ();

  if (type)
    adw_preferences_group_set_description (self->type_group,
                                           _("A change makes a new edition: files already registered keep the one they started with"));
  gtk_widget_set_visible (self->code, type == NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->name), type && pz_json_get_string (type, "name") ? pz_json_get_string (type, "name") : "");
  days = g_strdup_printf ("%lld", (long long) (type ? json_object_get_int_member_with_default (type, "service_days", 0) : 5));
  gtk_editable_set_text (GTK_EDITABLE (self->service_days), days);
  validity = g_strdup_printf ("%lld", (long long) (type ? json_object_get_int_member_with_default (type, "validity_months", 0) : 0));
  gtk_editable_set_text (GTK_EDITABLE (self->validity), validity);
  /* the format's "changed" shows the preview */
  {
    const char *format = type ? pz_json_get_string (type, "number_format") : "{seq:04}/{code}/{year}";

    gtk_editable_set_text (GTK_EDITABLE (self->number_format), format ? format : "");
  }
  update_number_preview (self);
  if (type == NULL)
    g_signal_connect_swapped (self->code, "changed", G_CALLBACK (update_number_preview), self);
  gtk_switch_set_active (self->survey, type ? json_object_get_boolean_member_with_default (type, "survey", FALSE) : FALSE);
  adw_combo_row_set_selected (self->signing, g_strcmp0 (type ? pz_json_get_string (type, "signing") : NULL, "wet") == 0 ? 1 : 0);

  for (guint i = 0; pz_request_types[i]; i++)
    {
      gboolean on = rt == NULL && i == 0;

      for (guint j = 0; rt && j < json_array_get_length (rt); j++)
        on |= g_strcmp0 (json_array_get_string_element (rt, j), pz_request_types[i]) == 0;
      g_assert (i < G_N_ELEMENTS (self->request_rows));
      self->request_rows[i] = switch_row (self->request_types_group, pz_request_type_title (pz_request_types[i]), on);
    }
  fill_requirements (self);
  fill_fields (self);
  return self;
}
