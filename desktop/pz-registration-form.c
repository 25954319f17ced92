/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-registration-form"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "perizinan.h"
#include "pz-registration-form.h"
#include "pz-widgets.h"

/* Registration at the counter: the new file's form, checked before it is
 * sent. Sending it is the window's, told by the signal; the form builds
 * the request and says what is wrong with what was typed. */
struct _PzRegistrationForm
{
  GtkBox       parent_instance;

  GtkLabel    *error_label;
  AdwComboRow *permit_type_row;
  AdwComboRow *request_type_row;
  GtkWidget   *applicant_group;
  AdwEntryRow *name_row;
  AdwEntryRow *nik_row;
  AdwEntryRow *address_row;
  AdwEntryRow *phone_row;
  AdwEntryRow *email_row;

  GtkWidget   *data_group;              /* the permit data of the chosen type */
  GtkWidget   *last_field;              /* Enter in it registers */
  GHashTable  *fields;                  /* name -> GtkWidget */
  GHashTable  *permit_types;            /* code -> JsonObject, the window's */
  GHashTable  *kept;                    /* name -> text, only while built */
};

G_DEFINE_FINAL_TYPE (PzRegistrationForm, pz_registration_form, GTK_TYPE_BOX)

enum {
  REGISTER,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char * const applicant_names[] = { "name", "nik", "address", "phone", "email" };

static void entry_activated (PzRegistrationForm *self,
                             GtkWidget          *row);

/* The text of a field; a choice among codes gives its code. */
static char *
field_text (GtkWidget *widget)
{
  GListModel *codes = widget ? g_object_get_data (G_OBJECT (widget), "codes") : NULL;

  if (ADW_IS_COMBO_ROW (widget) && codes)
    {
      guint i = adw_combo_row_get_selected (ADW_COMBO_ROW (widget));
      g_autoptr(GtkStringObject) code = i < g_list_model_get_n_items (codes) ? g_list_model_get_item (codes, i) : NULL;

      return g_strdup (code ? gtk_string_object_get_string (code) : "");
    }
  if (GTK_IS_EDITABLE (widget))
    return g_strdup (gtk_editable_get_text (GTK_EDITABLE (widget)));
  return g_strdup ("");
}

static const char *
kept_text (PzRegistrationForm *self,
           const char         *name)
{
  return self->kept ? g_hash_table_lookup (self->kept, name) : NULL;
}

static JsonObject *
selected_permit_type (PzRegistrationForm *self)
{
  g_autofree char *code = field_text (GTK_WIDGET (self->permit_type_row));

  return *code ? g_hash_table_lookup (self->permit_types, code) : NULL;
}

/* The permit's fields of a type, as the server sends them. */
static JsonArray *
type_fields (JsonObject *type)
{
  return type && json_object_has_member (type, "fields") ? json_object_get_array_member (type, "fields") : NULL;
}

/* The request types and the permit data of the chosen type; what was
 * typed in a field of the same name stays. */
static void
fill_registration_type (PzRegistrationForm *self)
{
  g_autofree char *kept_request = field_text (GTK_WIDGET (self->request_type_row));
  g_autoptr(GHashTable) typed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GtkStringList) request_labels = gtk_string_list_new (NULL);
  GtkStringList *request_codes = gtk_string_list_new (NULL);
  JsonObject *type = selected_permit_type (self);
  GHashTableIter iter;
  gpointer key, value;
  guint selected = 0;

  if (*kept_request == '\0')
    {
      g_free (kept_request);
      kept_request = g_strdup (kept_text (self, "request_type"));
    }

  /* the data fields typed so far, by name */
  g_hash_table_iter_init (&iter, self->fields);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_str_has_prefix (key, "field:"))
      {
        g_hash_table_insert (typed, g_strdup (key), field_text (value));
        g_hash_table_iter_remove (&iter);
      }
  if (self->data_group)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;

      if (focus && gtk_widget_is_ancestor (focus, self->data_group))
        gtk_root_set_focus (root, NULL);
      gtk_box_remove (GTK_BOX (self), self->data_group);
      self->data_group = NULL;
    }
  self->last_field = NULL;

  if (type)
    {
      JsonArray *rts = json_object_get_array_member (type, "request_types");

      for (guint i = 0; i < json_array_get_length (rts); i++)
        {
          const char *rt = json_array_get_string_element (rts, i);
          gtk_string_list_append (request_labels, pz_request_type_title (rt));
          gtk_string_list_append (request_codes, rt);
          if (g_strcmp0 (kept_request, rt) == 0)
            selected = i;
        }
    }
  g_object_set_data_full (G_OBJECT (self->request_type_row), "codes", request_codes, g_object_unref);
  adw_combo_row_set_model (self->request_type_row, G_LIST_MODEL (request_labels));
  adw_combo_row_set_selected (self->request_type_row, selected);

  if (type)
    {
      JsonArray *fields = type_fields (type);
      GtkWidget *group;

      group = adw_preferences_group_new ();
      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group),
                                       _("Permit data (can be completed by the back office)"));
      gtk_box_insert_child_after (GTK_BOX (self), group, self->applicant_group);
      self->data_group = group;
      for (guint i = 0; i < json_array_get_length (fields); i++)
        {
          JsonObject *f = json_array_get_object_element (fields, i);
          g_autofree char *name = g_strconcat ("field:", pz_json_get_string (f, "name"), NULL);
          const char *kept = g_hash_table_lookup (typed, name);
          GtkWidget *row = adw_entry_row_new ();

          if (kept == NULL)
            kept = kept_text (self, name);
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), pz_json_get_string (f, "label"));
          gtk_editable_set_text (GTK_EDITABLE (row), kept ? kept : "");
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
          g_hash_table_insert (self->fields, g_strdup (name), row);
          if (g_strcmp0 (pz_json_get_string (f, "type"), "date") == 0)
            pz_date_row_add_picker (ADW_ENTRY_ROW (row));
          g_signal_connect_swapped (row, "entry-activated", G_CALLBACK (entry_activated), self);
          self->last_field = row;
        }
    }
}

/* Enter moves on to the next field, and registers in the last one. */
static void
entry_activated (PzRegistrationForm *self,
                 GtkWidget          *row)
{
  if (row == self->last_field || (self->last_field == NULL && row == GTK_WIDGET (self->email_row)))
    {
      gtk_widget_activate_action (GTK_WIDGET (self), "registration.register", NULL);
      return;
    }
  gtk_widget_child_focus (GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (self))), GTK_DIR_TAB_FORWARD);
}

static void
register_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  g_signal_emit (widget, signals[REGISTER], 0);
}

static int
compare_by_name (gconstpointer a,
                 gconstpointer b)
{
  return g_utf8_collate (pz_json_get_string ((JsonObject *) a, "name"), pz_json_get_string ((JsonObject *) b, "name"));
}

static void
pz_registration_form_dispose (GObject *object)
{
  PzRegistrationForm *self = PZ_REGISTRATION_FORM (object);

  gtk_widget_dispose_template (GTK_WIDGET (object), PZ_TYPE_REGISTRATION_FORM);
  self->data_group = NULL;
  self->last_field = NULL;
  g_clear_pointer (&self->fields, g_hash_table_unref);
  g_clear_pointer (&self->permit_types, g_hash_table_unref);
  g_clear_pointer (&self->kept, g_hash_table_unref);
  G_OBJECT_CLASS (pz_registration_form_parent_class)->dispose (object);
}

static void
pz_registration_form_class_init (PzRegistrationFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pz_registration_form_dispose;

  /**
   * PzRegistrationForm::register:
   *
   * Register was pressed, or Enter in the last field.
   */
  signals[REGISTER] = g_signal_new ("register", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "registration.register", NULL, register_action);

  gtk_widget_class_set_template_from_resource (widget_class, "/id/go/perizinan/Perizinan/pz-registration-form.ui");
  gtk_widget_class_bind_template_child (widget_class, PzRegistrationForm, error_label);
  gtk_widget_class_bind_template_child (widget_class, PzRegistrationForm, permit_type_row);
  gtk_widget_class_bind_template_child (widget_class, PzRegistrationForm, request_type_row);
  gtk_widget_class_bind_template_child (widget_class, PzRegistrationForm, applicant_group);
  gtk_widget_class_bind_template_child (widget_class, PzRegistrationForm, name_row);
  gtk_widget_class_bind_template_child (widget_class, PzRegistrationForm, nik_row);
  gtk_widget_class_bind_template_child (widget_class, PzRegistrationForm, address_row);
  gtk_widget_class_bind_template_child (widget_class, PzRegistrationForm, phone_row);
  gtk_widget_class_bind_template_child (widget_class, PzRegistrationForm, email_row);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated);
}

static void
pz_registration_form_init (PzRegistrationForm *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_insert (self->fields, g_strdup ("permit_type"), self->permit_type_row);
  g_hash_table_insert (self->fields, g_strdup ("request_type"), self->request_type_row);
  g_hash_table_insert (self->fields, g_strdup ("name"), self->name_row);
  g_hash_table_insert (self->fields, g_strdup ("nik"), self->nik_row);
  g_hash_table_insert (self->fields, g_strdup ("address"), self->address_row);
  g_hash_table_insert (self->fields, g_strdup ("phone"), self->phone_row);
  g_hash_table_insert (self->fields, g_strdup ("email"), self->email_row);
}

/**
 * pz_registration_form_new:
 * @permit_types: code -> JsonObject, the permit types of the office
 * @kept: (nullable): name -> text typed before, put back in the fields
 *
 * Returns: (transfer floating): the form of a new registration
 */
GtkWidget *
pz_registration_form_new (GHashTable *permit_types,
                          GHashTable *kept)
{
  PzRegistrationForm *self = g_object_new (PZ_TYPE_REGISTRATION_FORM, NULL);
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  GtkStringList *codes = gtk_string_list_new (NULL);
  g_autoptr(GList) types = g_hash_table_get_values (permit_types);
  const char *kept_type;
  guint selected = 0, i = 0;

  self->permit_types = g_hash_table_ref (permit_types);
  self->kept = kept ? g_hash_table_ref (kept) : NULL;
  kept_type = kept_text (self, "permit_type");

  types = g_list_sort (types, compare_by_name);
  for (GList *l = types; l; l = l->next, i++)
    {
      gtk_string_list_append (names, pz_json_get_string (l->data, "name"));
      gtk_string_list_append (codes, pz_json_get_string (l->data, "code"));
      if (g_strcmp0 (kept_type, pz_json_get_string (l->data, "code")) == 0)
        selected = i;
    }
  g_object_set_data_full (G_OBJECT (self->permit_type_row), "codes", codes, g_object_unref);
  adw_combo_row_set_model (self->permit_type_row, G_LIST_MODEL (names));
  adw_combo_row_set_selected (self->permit_type_row, selected);

  for (i = 0; i < G_N_ELEMENTS (applicant_names); i++)
    {
      const char *text = kept_text (self, applicant_names[i]);

      gtk_editable_set_text (GTK_EDITABLE (g_hash_table_lookup (self->fields, applicant_names[i])), text ? text : "");
    }

  fill_registration_type (self);
  g_signal_connect_swapped (self->permit_type_row, "notify::selected", G_CALLBACK (fill_registration_type), self);
  /* what was typed before is back; a later change of type keeps only what
   * is on screen */
  g_clear_pointer (&self->kept, g_hash_table_unref);
  return GTK_WIDGET (self);
}

/**
 * pz_registration_form_get_field:
 * @name: `permit_type`, `request_type`, an applicant's field such as `nik`,
 *   or a permit field such as `field:luas_tanah`
 *
 * Returns: (transfer none) (nullable): the widget where that is typed
 */
GtkWidget *
pz_registration_form_get_field (PzRegistrationForm *self,
                                const char         *name)
{
  g_return_val_if_fail (PZ_IS_REGISTRATION_FORM (self), NULL);

  return g_hash_table_lookup (self->fields, name);
}

/**
 * pz_registration_form_get_fields:
 *
 * Returns: (transfer none): name -> the widget where that is typed
 */
GHashTable *
pz_registration_form_get_fields (PzRegistrationForm *self)
{
  g_return_val_if_fail (PZ_IS_REGISTRATION_FORM (self), NULL);

  return self->fields;
}

/* Whether anything was typed, that a new form would throw away. */
gboolean
pz_registration_form_is_typed (PzRegistrationForm *self)
{
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (PZ_IS_REGISTRATION_FORM (self), FALSE);

  g_hash_table_iter_init (&iter, self->fields);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (GTK_IS_EDITABLE (value) && *gtk_editable_get_text (GTK_EDITABLE (value)))
      return TRUE;
  return FALSE;
}

/**
 * pz_registration_form_set_error:
 * @message: (nullable): what went wrong; %NULL hides the last one
 */
void
pz_registration_form_set_error (PzRegistrationForm *self,
                                const char         *message)
{
  g_return_if_fail (PZ_IS_REGISTRATION_FORM (self));

  if (message)
    gtk_label_set_text (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

/* While the window registers, Register cannot be pressed again. */
void
pz_registration_form_set_registering (PzRegistrationForm *self,
                                      gboolean            registering)
{
  g_return_if_fail (PZ_IS_REGISTRATION_FORM (self));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "registration.register", !registering);
}

static void
mark_invalid (PzRegistrationForm *self,
              const char         *name,
              GString            *problems,
              const char         *message)
{
  GtkWidget *widget = g_hash_table_lookup (self->fields, name);

  gtk_widget_add_css_class (widget, "error");
  /* the first field at fault takes the focus */
  if (problems->len == 0)
    gtk_widget_grab_focus (widget);
  g_string_append_printf (problems, "• %s\n", message);
}

/* The NIK rule, told with what is wrong in the one typed. */
static char *
nik_problem (const char *nik)
{
  const char *rule = _("The NIK is the 16 digits on the ID card (KTP): 6 for the region, 6 for the birth "
                       "date as DDMMYY (40 added to the day for women) and 4 for the serial number, "
                       "which is not 0000.");
  gsize len = strlen (nik), digits = strspn (nik, "0123456789");
  g_autofree char *what = NULL;

  if (len == 0)
    what = g_strdup (_("Enter the applicant's NIK."));
  else if (digits != len)
    what = g_strdup (_("Only digits may be typed, without spaces or dots."));
  else if (len != 16)
    what = g_strdup_printf (ngettext ("%u digit was typed.", "%u digits were typed.", (gulong) len), (guint) len);
  else if (strncmp (nik + 12, "0000", 4) == 0)
    what = g_strdup (_("The serial number (the last 4 digits) cannot be 0000."));
  else
    what = g_strdup_printf (_("Digits 7 to 12 (%.6s) are not a birth date."), nik + 6);
  return g_strdup_printf ("%s %s", what, rule);
}

/**
 * pz_registration_form_build_request:
 *
 * Checks what was typed; each field at fault is marked, the first takes
 * the focus and the problems are shown at the top.
 *
 * Returns: (transfer full) (nullable): the body of the registration, or
 *   %NULL if something must be corrected first
 */
JsonNode *
pz_registration_form_build_request (PzRegistrationForm *self)
{
  JsonObject *type;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autofree char *rt = NULL;
  g_auto(GStrv) values = g_new0 (char *, G_N_ELEMENTS (applicant_names) + 1);
  JsonArray *fields;

  g_return_val_if_fail (PZ_IS_REGISTRATION_FORM (self), NULL);

  if ((type = selected_permit_type (self)) == NULL)
    return NULL;
  rt = field_text (GTK_WIDGET (self->request_type_row));
  for (guint i = 0; i < G_N_ELEMENTS (applicant_names); i++)
    {
      GtkWidget *widget = g_hash_table_lookup (self->fields, applicant_names[i]);

      values[i] = g_strstrip (field_text (widget));
      gtk_widget_remove_css_class (widget, "error");
    }

  if (!pz_valid_text (values[0], 200))
    mark_invalid (self, "name", problems, _("Enter the applicant's name"));
  if (!pz_valid_nik (values[1]))
    {
      g_autofree char *why = nik_problem (values[1]);
      mark_invalid (self, "nik", problems, why);
    }
  if (!pz_valid_text (values[2], 500))
    mark_invalid (self, "address", problems, _("Enter the applicant's address"));
  if (!pz_valid_phone (values[3]))
    mark_invalid (self, "phone", problems, _("Enter a phone number starting with 0 or +, 8 to 15 digits"));
  if (*values[4] && !pz_valid_email (values[4]))
    mark_invalid (self, "email", problems, _("The e-mail address is not valid"));

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "permit_type");
  json_builder_add_string_value (b, pz_json_get_string (type, "code"));
  json_builder_set_member_name (b, "request_type");
  json_builder_add_string_value (b, *rt ? rt : "new");
  json_builder_set_member_name (b, "applicant");
  json_builder_begin_object (b);
  for (guint i = 0; i < G_N_ELEMENTS (applicant_names); i++)
    if (*values[i])
      {
        json_builder_set_member_name (b, applicant_names[i]);
        json_builder_add_string_value (b, values[i]);
      }
  json_builder_end_object (b);

  /* the permit fields typed so far; the same checks as at data entry, but
   * none is required yet */
  fields = type_fields (type);
  json_builder_set_member_name (b, "data");
  json_builder_begin_object (b);
  for (guint i = 0; fields && i < json_array_get_length (fields); i++)
    {
      JsonObject *f = json_array_get_object_element (fields, i);
      g_autofree char *key = g_strconcat ("field:", pz_json_get_string (f, "name"), NULL);
      g_autofree char *value = g_strstrip (field_text (g_hash_table_lookup (self->fields, key)));

      if (*value == '\0')
        continue;
      json_builder_set_member_name (b, pz_json_get_string (f, "name"));
      if (g_strcmp0 (pz_json_get_string (f, "type"), "number") == 0)
        {
          char *end = NULL;
          double d = g_ascii_strtod (value, &end);

          if (end == value || *end != '\0')
            g_string_append_printf (problems, _("• %s must be a number\n"), pz_json_get_string (f, "label"));
          json_builder_add_double_value (b, d);
        }
      else
        json_builder_add_string_value (b, value);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);

  if (problems->len)
    {
      g_string_truncate (problems, problems->len - 1);
      pz_registration_form_set_error (self, problems->str);
      return NULL;
    }
  return json_builder_get_root (b);
}

/* The first field to type in. */
void
pz_registration_form_focus (PzRegistrationForm *self)
{
  g_return_if_fail (PZ_IS_REGISTRATION_FORM (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
}
