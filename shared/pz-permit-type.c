/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-permit-type"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pz-json-writer.h"
#include "pz-permit-type.h"
#include "pz-vocabulary.h"
#include "pz-validate.h"

G_DEFINE_QUARK (pz - permit - type - error - quark, pz_permit_type_error)

static const char * const field_type_names[] = { "text", "textarea", "number", "date", NULL };
static const char * const signing_names[] = { "electronic", "wet", NULL };

static void
requirement_free (PzRequirement *r)
{
  g_free (r->code);
  g_free (r->title);
  g_strfreev (r->request_types);
  g_free (r);
}

static void
field_free (PzField *f)
{
  g_free (f->name);
  g_free (f->label);
  g_free (f);
}

const char *
pz_signing_to_string (PzSigning signing)
{
  return signing_names[signing];
}

const char *
pz_field_type_to_string (PzFieldType type)
{
  return field_type_names[type];
}

PzPermitType *
pz_permit_type_ref (PzPermitType *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
pz_permit_type_unref (PzPermitType *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_free (self->code);
  g_free (self->name);
  g_free (self->workflow);
  g_strfreev (self->request_types);
  g_ptr_array_unref (self->requirements);
  g_ptr_array_unref (self->fields);
  g_free (self->number_format);
  g_strfreev (self->decree.considering);
  g_strfreev (self->decree.observing);
  g_strfreev (self->decree.obligations);
  g_strfreev (self->decree.provisions);
  g_strfreev (self->decree.copies);
  g_free (self->holder_photo);
  g_free (self);
}

G_GNUC_PRINTF (3, 4)
static gboolean
invalid (GError    **error,
         const char *code,
         const char *format,
         ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, PZ_PERMIT_TYPE_ERROR, PZ_PERMIT_TYPE_ERROR_INVALID,
               _("Permit type “%s”: %s"), code ? code : "?", what);
  return FALSE;
}

static gboolean
get_bool (JsonObject *obj,
          const char *name,
          gboolean    fallback)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return fallback;
  return json_node_get_boolean (node);
}

static gint64
get_int (JsonObject *obj,
         const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return -1;
  return json_node_get_int (node);
}

static char **
get_request_types (JsonObject *obj,
                   const char *name,
                   const char *code,
                   GError    **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonNode *node = json_object_get_member (obj, name);
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      invalid (error, code, _("“%s” must be a list"), name);
      return NULL;
    }
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *e = json_array_get_element (array, i);
      const char *s = NULL;

      if (JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING)
        s = json_node_get_string (e);
      if (s == NULL || !g_strv_contains (pz_request_types, s))
        {
          invalid (error, code, _("unknown request type “%s”"), s ? s : "?");
          return NULL;
        }
      g_strv_builder_add (builder, s);
    }
  return g_strv_builder_end (builder);
}

static gboolean
is_code (const char *s)
{
  if (s == NULL || *s == '\0' || strlen (s) > 64)
    return FALSE;
  for (const char *p = s; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-')
      return FALSE;
  return TRUE;
}

/**
 * pz_number_format_is_valid:
 * @format: a permit number format such as `503/{seq:04}/DPMPTSP/{month_roman}/{year}`
 * @error: return location for an error
 *
 * Returns: whether @format uses known tokens and contains the sequence
 */
gboolean
pz_number_format_is_valid (const char *format,
                           GError    **error)
{
  gboolean has_seq = FALSE;

  if (format == NULL || *format == '\0' || strlen (format) > 200)
    {
      g_set_error (error, PZ_PERMIT_TYPE_ERROR, PZ_PERMIT_TYPE_ERROR_INVALID,
                   _("the number format is empty or too long"));
      return FALSE;
    }
  for (const char *p = format; *p; p++)
    {
      const char *end;
      g_autofree char *token = NULL;

      if (*p != '{')
        continue;
      end = strchr (p, '}');
      if (end == NULL)
        {
          g_set_error (error, PZ_PERMIT_TYPE_ERROR, PZ_PERMIT_TYPE_ERROR_INVALID,
                       _("the number format has an unclosed “{”"));
          return FALSE;
        }
      token = g_strndup (p + 1, end - p - 1);
      if (g_str_equal (token, "seq") ||
          (g_str_has_prefix (token, "seq:") && strlen (token) == 6 &&
           token[4] == '0' && token[5] >= '1' && token[5] <= '9'))
        has_seq = TRUE;
      else if (!g_str_equal (token, "year") && !g_str_equal (token, "month") &&
               !g_str_equal (token, "month_roman") && !g_str_equal (token, "code"))
        {
          g_set_error (error, PZ_PERMIT_TYPE_ERROR, PZ_PERMIT_TYPE_ERROR_INVALID,
                       _("the number format has an unknown token “{%s}”"), token);
          return FALSE;
        }
      p = end;
    }
  if (!has_seq)
    {
      g_set_error (error, PZ_PERMIT_TYPE_ERROR, PZ_PERMIT_TYPE_ERROR_INVALID,
                   _("the number format must contain “{seq}”"));
      return FALSE;
    }
  return TRUE;
}

typedef struct {
  const char *member;
  gsize       offset;
  gboolean    required;
} DecreePart;

static const DecreePart decree_parts[] = {
  { "considering", G_STRUCT_OFFSET (PzDecree, considering), TRUE },
  { "observing", G_STRUCT_OFFSET (PzDecree, observing), TRUE },
  { "obligations", G_STRUCT_OFFSET (PzDecree, obligations), FALSE },
  { "provisions", G_STRUCT_OFFSET (PzDecree, provisions), FALSE },
  { "copies", G_STRUCT_OFFSET (PzDecree, copies), FALSE },
};

#define DECREE_PART(decree, part) (*(char ***) G_STRUCT_MEMBER_P ((decree), (part)->offset))

/* The decree's words: every part a list of paragraphs; Menimbang and
 * Mengingat cannot be empty, since no decree stands without them. */
static gboolean
parse_decree (PzPermitType *self,
              JsonNode     *node,
              GError      **error)
{
  g_autoptr(GList) members = NULL;
  JsonObject *obj;

  for (guint i = 0; i < G_N_ELEMENTS (decree_parts); i++)
    DECREE_PART (&self->decree, &decree_parts[i]) = g_new0 (char *, 1);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, self->code, _("“decree” must be an object"));
  obj = json_node_get_object (node);
  members = json_object_get_members (obj);
  for (GList *l = members; l; l = l->next)
    {
      gboolean known = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (decree_parts); i++)
        known = known || g_str_equal (l->data, decree_parts[i].member);
      if (!known)
        return invalid (error, self->code, _("the decree has no part “%s”"), (const char *) l->data);
    }
  for (guint i = 0; i < G_N_ELEMENTS (decree_parts); i++)
    {
      const DecreePart *part = &decree_parts[i];
      JsonNode *member = json_object_get_member (obj, part->member);
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      JsonArray *array;

      if (member == NULL && !part->required)
        continue;
      if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member))
        return invalid (error, self->code, _("the decree's “%s” must be a list of paragraphs"), part->member);
      array = json_node_get_array (member);
      if (part->required && json_array_get_length (array) == 0)
        return invalid (error, self->code, _("the decree's “%s” cannot be empty"), part->member);
      if (json_array_get_length (array) > PZ_DECREE_MAX_ITEMS)
        return invalid (error, self->code, _("the decree's “%s” may have at most %d paragraphs"), part->member,
                        PZ_DECREE_MAX_ITEMS);
      for (guint j = 0; j < json_array_get_length (array); j++)
        {
          JsonNode *e = json_array_get_element (array, j);
          const char *text = NULL;

          if (JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING)
            text = json_node_get_string (e);
          if (!pz_valid_text (text, PZ_DECREE_MAX_CHARS))
            return invalid (error, self->code,
                            _("paragraph %u of the decree's “%s” must be text of at most %d characters, "
                              "without control characters"), j + 1, part->member, PZ_DECREE_MAX_CHARS);
          g_strv_builder_add (builder, text);
        }
      g_strfreev (DECREE_PART (&self->decree, part));
      DECREE_PART (&self->decree, part) = g_strv_builder_end (builder);
    }
  return TRUE;
}

/**
 * pz_permit_type_new_from_json:
 * @node: a permit type in the shape of `GET /api/v1/permit-types`
 * @error: return location for an error
 *
 * Returns: (transfer full): the permit type, or %NULL if @node is not a
 *   valid one
 */
PzPermitType *
pz_permit_type_new_from_json (JsonNode *node,
                              GError  **error)
{
  g_autoptr(PzPermitType) self = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *obj;
  JsonNode *member;
  const char *s;
  gint64 n;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      invalid (error, NULL, _("must be an object"));
      return NULL;
    }
  obj = json_node_get_object (node);

  self = g_new0 (PzPermitType, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->requirements = g_ptr_array_new_with_free_func ((GDestroyNotify) requirement_free);
  self->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) field_free);

  s = pz_json_get_string (obj, "code");
  if (!is_code (s))
    {
      invalid (error, s, _("“code” must be letters, digits, “-” or “_”"));
      return NULL;
    }
  self->code = g_strdup (s);

  s = pz_json_get_string (obj, "name");
  if (!pz_valid_text (s, 200))
    {
      invalid (error, self->code, _("“name” is missing"));
      return NULL;
    }
  self->name = g_strdup (s);
  self->workflow = g_strdup (pz_json_get_string (obj, "workflow") ? pz_json_get_string (obj, "workflow") : "standard");

  if (!(self->request_types = get_request_types (obj, "request_types", self->code, error)))
    return NULL;
  if (self->request_types[0] == NULL)
    {
      invalid (error, self->code, _("there must be at least one request type"));
      return NULL;
    }

  member = json_object_get_member (obj, "requirements");
  if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member))
    {
      invalid (error, self->code, _("“requirements” must be a list"));
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (member)); i++)
    {
      JsonNode *e = json_array_get_element (json_node_get_array (member), i);
      PzRequirement *r;
      JsonObject *ro;

      if (!JSON_NODE_HOLDS_OBJECT (e))
        {
          invalid (error, self->code, _("requirement %u must be an object"), i);
          return NULL;
        }
      ro = json_node_get_object (e);
      r = g_new0 (PzRequirement, 1);
      g_ptr_array_add (self->requirements, r);
      r->code = g_strdup (pz_json_get_string (ro, "code"));
      r->title = g_strdup (pz_json_get_string (ro, "title"));
      r->mandatory = get_bool (ro, "mandatory", TRUE);
      if (!is_code (r->code) || !pz_valid_text (r->title, 200))
        {
          invalid (error, self->code, _("requirement %u needs a “code” and a “title”"), i);
          return NULL;
        }
      for (guint j = 0; j + 1 < self->requirements->len; j++)
        if (g_str_equal (((PzRequirement *) g_ptr_array_index (self->requirements, j))->code, r->code))
          {
            invalid (error, self->code, _("requirement “%s” is listed twice"), r->code);
            return NULL;
          }
      if (json_object_has_member (ro, "request_types"))
        {
          if (!(r->request_types = get_request_types (ro, "request_types", self->code, error)))
            return NULL;
        }
      else
        r->request_types = g_strdupv (self->request_types);
    }

  member = json_object_get_member (obj, "fields");
  if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member))
    {
      invalid (error, self->code, _("“fields” must be a list"));
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (member)); i++)
    {
      JsonNode *e = json_array_get_element (json_node_get_array (member), i);
      gboolean found = FALSE;
      PzField *f;
      JsonObject *fo;

      if (!JSON_NODE_HOLDS_OBJECT (e))
        {
          invalid (error, self->code, _("field %u must be an object"), i);
          return NULL;
        }
      fo = json_node_get_object (e);
      f = g_new0 (PzField, 1);
      g_ptr_array_add (self->fields, f);
      f->name = g_strdup (pz_json_get_string (fo, "name"));
      f->label = g_strdup (pz_json_get_string (fo, "label"));
      f->required = get_bool (fo, "required", TRUE);
      if (!is_code (f->name) || !pz_valid_text (f->label, 200))
        {
          invalid (error, self->code, _("field %u needs a “name” and a “label”"), i);
          return NULL;
        }
      for (guint j = 0; j + 1 < self->fields->len; j++)
        if (g_str_equal (((PzField *) g_ptr_array_index (self->fields, j))->name, f->name))
          {
            invalid (error, self->code, _("field “%s” is listed twice"), f->name);
            return NULL;
          }
      s = pz_json_get_string (fo, "type");
      for (guint t = 0; field_type_names[t]; t++)
        if (g_strcmp0 (s, field_type_names[t]) == 0)
          {
            f->type = t;
            found = TRUE;
          }
      if (!found)
        {
          invalid (error, self->code, _("field “%s” has an unknown type “%s”"), f->name, s ? s : "?");
          return NULL;
        }
    }

  self->survey = get_bool (obj, "survey", FALSE);

  s = pz_json_get_string (obj, "signing");
  if (g_strcmp0 (s, "wet") == 0)
    self->signing = PZ_SIGNING_WET;
  else if (g_strcmp0 (s, "electronic") == 0)
    self->signing = PZ_SIGNING_ELECTRONIC;
  else
    {
      invalid (error, self->code, _("“signing” must be “electronic” or “wet”"));
      return NULL;
    }

  s = pz_json_get_string (obj, "number_format");
  if (!pz_number_format_is_valid (s, &local_error))
    {
      invalid (error, self->code, "%s", local_error->message);
      return NULL;
    }
  self->number_format = g_strdup (s);

  n = get_int (obj, "validity_months");
  if (n < 0 || n > 1200)
    {
      invalid (error, self->code, _("“validity_months” must be a whole number of months (0 for no end)"));
      return NULL;
    }
  self->validity_months = (guint) n;

  n = json_object_has_member (obj, "service_days") ? get_int (obj, "service_days") : 0;
  if (n < 0 || n > 365)
    {
      invalid (error, self->code, _("“service_days” must be a whole number of working days"));
      return NULL;
    }
  self->service_days = (guint) n;

  /* set by the server: which edition of the type this is */
  n = json_object_has_member (obj, "version") ? get_int (obj, "version") : 0;
  if (n < 0)
    {
      invalid (error, self->code, _("“version” must be a positive whole number"));
      return NULL;
    }
  self->version = (guint) n;

  if (!parse_decree (self, json_object_get_member (obj, "decree"), error))
    return NULL;

  member = json_object_get_member (obj, "holder_photo");
  if (member && !JSON_NODE_HOLDS_NULL (member))
    {
      const PzRequirement *photo = NULL;

      s = JSON_NODE_HOLDS_VALUE (member) && json_node_get_value_type (member) == G_TYPE_STRING
          ? json_node_get_string (member) : NULL;
      for (guint i = 0; s && i < self->requirements->len; i++)
        if (g_str_equal (((PzRequirement *) g_ptr_array_index (self->requirements, i))->code, s))
          photo = g_ptr_array_index (self->requirements, i);
      if (photo == NULL)
        {
          invalid (error, self->code, _("“holder_photo” must name one of the requirements"));
          return NULL;
        }
      self->holder_photo = g_strdup (s);
    }

  return g_steal_pointer (&self);
}

static void
add_strv (JsonBuilder  *b,
          char * const *strv)
{
  json_builder_begin_array (b);
  for (guint i = 0; strv && strv[i]; i++)
    json_builder_add_string_value (b, strv[i]);
  json_builder_end_array (b);
}

JsonNode *
pz_permit_type_to_json (PzPermitType *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, self->code);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, self->name);
  json_builder_set_member_name (b, "workflow");
  json_builder_add_string_value (b, self->workflow);
  json_builder_set_member_name (b, "request_types");
  add_strv (b, self->request_types);
  json_builder_set_member_name (b, "requirements");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->requirements->len; i++)
    {
      PzRequirement *r = g_ptr_array_index (self->requirements, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "code");
      json_builder_add_string_value (b, r->code);
      json_builder_set_member_name (b, "title");
      json_builder_add_string_value (b, r->title);
      json_builder_set_member_name (b, "mandatory");
      json_builder_add_boolean_value (b, r->mandatory);
      json_builder_set_member_name (b, "request_types");
      add_strv (b, r->request_types);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "fields");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->fields->len; i++)
    {
      PzField *f = g_ptr_array_index (self->fields, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, f->name);
      json_builder_set_member_name (b, "label");
      json_builder_add_string_value (b, f->label);
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, field_type_names[f->type]);
      json_builder_set_member_name (b, "required");
      json_builder_add_boolean_value (b, f->required);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "survey");
  json_builder_add_boolean_value (b, self->survey);
  json_builder_set_member_name (b, "signing");
  json_builder_add_string_value (b, signing_names[self->signing]);
  json_builder_set_member_name (b, "number_format");
  json_builder_add_string_value (b, self->number_format);
  json_builder_set_member_name (b, "validity_months");
  json_builder_add_int_value (b, self->validity_months);
  json_builder_set_member_name (b, "service_days");
  json_builder_add_int_value (b, self->service_days);
  /* a decree has its considerations: without them there is none */
  json_builder_set_member_name (b, "decree");
  if (self->decree.considering[0])
    {
      json_builder_begin_object (b);
      for (guint i = 0; i < G_N_ELEMENTS (decree_parts); i++)
        {
          json_builder_set_member_name (b, decree_parts[i].member);
          add_strv (b, DECREE_PART (&self->decree, &decree_parts[i]));
        }
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "holder_photo");
  if (self->holder_photo)
    json_builder_add_string_value (b, self->holder_photo);
  else
    json_builder_add_null_value (b);
  if (self->version > 0)
    {
      json_builder_set_member_name (b, "version");
      json_builder_add_int_value (b, self->version);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

PzConditions
pz_permit_type_get_conditions (PzPermitType *self)
{
  return self->survey ? PZ_CONDITION_SURVEY : 0;
}

gboolean
pz_permit_type_has_request_type (PzPermitType *self,
                                 const char   *request_type)
{
  return request_type != NULL &&
         g_strv_contains ((const char * const *) self->request_types, request_type);
}

/**
 * pz_permit_type_find_requirement:
 * @self: a permit type
 * @request_type: the file's request type
 * @code: a requirement code as sent by a client
 *
 * Returns: (nullable) (transfer none): the requirement @code for
 *   @request_type, or %NULL if there is none such
 */
const PzRequirement *
pz_permit_type_find_requirement (PzPermitType *self,
                                 const char   *request_type,
                                 const char   *code)
{
  for (guint i = 0; code && i < self->requirements->len; i++)
    {
      PzRequirement *r = g_ptr_array_index (self->requirements, i);

      if (g_str_equal (r->code, code) &&
          g_strv_contains ((const char * const *) r->request_types, request_type))
        return r;
    }
  return NULL;
}

/**
 * pz_requirement_blocks_completion:
 * @mandatory: whether the requirement is mandatory
 * @state: the item's state as the file shows it: `missing`, `uploaded`,
 *   `ok` or `not_ok`
 *
 * The rule of the document check: the documents are complete only when
 * every mandatory requirement is uploaded and marked OK.
 *
 * Returns: %TRUE if the item still keeps the check from completing
 */
gboolean
pz_requirement_blocks_completion (gboolean    mandatory,
                                  const char *state)
{
  return mandatory && g_strcmp0 (state, "ok") != 0;
}

/**
 * pz_requirement_open_reason:
 * @title: the requirement's title
 * @state: (nullable): the item's state, as for
 *   pz_requirement_blocks_completion()
 *
 * Returns: (transfer full): why the item keeps the check from completing,
 *   as the officer reads it: "KTP: not uploaded"
 */
char *
pz_requirement_open_reason (const char *title,
                            const char *state)
{
  if (state == NULL || g_str_equal (state, "missing"))
    return g_strdup_printf (_("%s: not uploaded"), title);
  if (g_str_equal (state, "not_ok"))
    return g_strdup_printf (_("%s: marked not OK"), title);
  return g_strdup_printf (_("%s: not checked yet"), title);
}

const PzField *
pz_permit_type_find_field (PzPermitType *self,
                           const char   *name)
{
  for (guint i = 0; name && i < self->fields->len; i++)
    {
      PzField *f = g_ptr_array_index (self->fields, i);
      if (g_str_equal (f->name, name))
        return f;
    }
  return NULL;
}

/**
 * pz_permit_type_check_data:
 * @self: a permit type
 * @data: (nullable): the permit's data as sent by a client
 * @require_all: whether every required field must be there
 * @details: where each problem is added
 *
 * Returns: whether @data fits the permit type's fields
 */
gboolean
pz_permit_type_check_data (PzPermitType *self,
                           JsonObject   *data,
                           gboolean      require_all,
                           GPtrArray    *details)
{
  g_autoptr(GList) members = data ? json_object_get_members (data) : NULL;
  guint before = details->len;

  for (GList *l = members; l; l = l->next)
    {
      const PzField *f = pz_permit_type_find_field (self, l->data);
      JsonNode *node = json_object_get_member (data, l->data);
      g_autofree char *path = g_strdup_printf ("data.%s", (char *) l->data);
      GType vt = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;

      if (f == NULL)
        {
          pz_detail_add (details, path, _("“%s” is not a field of this permit type"), (char *) l->data);
          continue;
        }
      if (JSON_NODE_HOLDS_NULL (node))
        {
          if (f->required && require_all)
            pz_detail_add (details, path, _("%s is required"), f->label);
          continue;
        }
      switch (f->type)
        {
        case PZ_FIELD_NUMBER:
          if (vt != G_TYPE_INT64 && vt != G_TYPE_DOUBLE)
            pz_detail_add (details, path, _("%s must be a number"), f->label);
          else if (json_node_get_double (node) < 0)
            pz_detail_add (details, path, _("%s cannot be negative"), f->label);
          break;
        case PZ_FIELD_DATE:
          if (vt != G_TYPE_STRING || !pz_parse_date (json_node_get_string (node), NULL))
            pz_detail_add (details, path, _("%s must be a date (YYYY-MM-DD)"), f->label);
          break;
        case PZ_FIELD_TEXT:
        case PZ_FIELD_TEXTAREA:
        default:
          if (vt != G_TYPE_STRING)
            pz_detail_add (details, path, _("%s must be text"), f->label);
          else if (!pz_valid_text (json_node_get_string (node),
                                   f->type == PZ_FIELD_TEXT ? 500 : PZ_MAX_TEXT))
            pz_detail_add (details, path, _("%s is empty, too long or has control characters"),
                           f->label);
          break;
        }
    }

  if (require_all)
    for (guint i = 0; i < self->fields->len; i++)
      {
        PzField *f = g_ptr_array_index (self->fields, i);
        JsonNode *node = data ? json_object_get_member (data, f->name) : NULL;

        if (f->required && node == NULL)
          {
            g_autofree char *path = g_strdup_printf ("data.%s", f->name);
            pz_detail_add (details, path, _("%s is required"), f->label);
          }
      }

  return details->len == before;
}

static const char *
roman_month (int month)
{
  static const char * const romans[] = {
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"
  };
  return romans[CLAMP (month, 1, 12) - 1];
}

/**
 * pz_format_number:
 * @format: a number format that pz_number_format_is_valid() accepts
 * @code: what `{code}` stands for
 * @sequence: the number in its yearly sequence
 * @when: the moment of numbering, in the office's time zone
 *
 * Returns: (transfer full): the official number, e.g. of a letter
 */
char *
pz_format_number (const char *format,
                  const char *code,
                  guint64     sequence,
                  GDateTime  *when)
{
  GString *out = g_string_new (NULL);

  for (const char *p = format; *p; p++)
    {
      const char *end = *p == '{' ? strchr (p, '}') : NULL;
      g_autofree char *token = NULL;

      if (end == NULL)
        {
          g_string_append_c (out, *p);
          continue;
        }
      token = g_strndup (p + 1, end - p - 1);
      if (g_str_equal (token, "seq"))
        g_string_append_printf (out, "%" G_GUINT64_FORMAT, sequence);
      else if (g_str_has_prefix (token, "seq:") && strlen (token) == 6)
        g_string_append_printf (out, "%0*" G_GUINT64_FORMAT, token[5] - '0', sequence);
      else if (g_str_equal (token, "year"))
        g_string_append_printf (out, "%04d", g_date_time_get_year (when));
      else if (g_str_equal (token, "month"))
        g_string_append_printf (out, "%02d", g_date_time_get_month (when));
      else if (g_str_equal (token, "month_roman"))
        g_string_append (out, roman_month (g_date_time_get_month (when)));
      else if (g_str_equal (token, "code"))
        g_string_append (out, code);
      p = end;
    }
  return g_string_free (out, FALSE);
}

/**
 * pz_permit_type_format_number:
 * @self: a permit type
 * @sequence: the number in this permit type's yearly sequence
 * @when: the moment of numbering, in the office's time zone
 *
 * Returns: (transfer full): the official permit number
 */
char *
pz_permit_type_format_number (PzPermitType *self,
                              guint64       sequence,
                              GDateTime    *when)
{
  return pz_format_number (self->number_format, self->code, sequence, when);
}
