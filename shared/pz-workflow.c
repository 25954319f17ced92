/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-workflow"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pz-json-writer.h"
#include "pz-roles.h"
#include "pz-workflow.h"

struct _PzWorkflow
{
  gatomicrefcount ref_count;
  char           *id;
  char           *title;
  char           *start;
  GPtrArray      *steps;
  GHashTable     *by_id;
};

G_DEFINE_QUARK (pz - workflow - error - quark, pz_workflow_error)

static const char * const action_names[PZ_N_ACTIONS] = { "approve", "return", "refuse" };
static const char * const status_names[] = { "in_progress", "waiting_applicant", "issued", "refused" };
static const char * const form_names[] = {
  "none", "documents_complete", "survey", "permit_fields", "numbering", "signature", "handover",
};
static const char * const output_names[] = {
  "notification", "receipt", "bap", "draft", "permit", "refusal", NULL,
};

static void
pz_step_free (PzStep *step)
{
  g_free (step->id);
  g_free (step->title);
  g_strfreev (step->roles);
  g_free (step->output);
  for (guint i = 0; i < PZ_N_ACTIONS; i++)
    g_free (step->targets[i]);
  g_free (step);
}

const char *
pz_action_to_string (PzAction action)
{
  g_return_val_if_fail (action < PZ_N_ACTIONS, NULL);
  return action_names[action];
}

gboolean
pz_action_from_string (const char *str,
                       PzAction   *action)
{
  for (guint i = 0; i < PZ_N_ACTIONS; i++)
    if (g_strcmp0 (str, action_names[i]) == 0)
      {
        *action = i;
        return TRUE;
      }
  return FALSE;
}

const char *
pz_status_to_string (PzStatus status)
{
  g_return_val_if_fail (status < G_N_ELEMENTS (status_names), NULL);
  return status_names[status];
}

gboolean
pz_status_from_string (const char *str,
                       PzStatus   *status)
{
  for (guint i = 0; i < G_N_ELEMENTS (status_names); i++)
    if (g_strcmp0 (str, status_names[i]) == 0)
      {
        *status = i;
        return TRUE;
      }
  return FALSE;
}

static gboolean
is_identifier (const char *s)
{
  if (s == NULL || *s == '\0' || strlen (s) > 64)
    return FALSE;
  for (const char *p = s; *p; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '_')
      return FALSE;
  return TRUE;
}

/* Every error names the file and the place in it, so whoever edits a
 * definition can find the mistake without reading code. */
G_GNUC_PRINTF (5, 6)
static gboolean
fail (GError    **error,
      const char *source,
      guint       index,
      const char *step_id,
      const char *format,
      ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  if (index == G_MAXUINT)
    g_set_error (error, PZ_WORKFLOW_ERROR, PZ_WORKFLOW_ERROR_INVALID, "%s: %s", source, what);
  else
    g_set_error (error, PZ_WORKFLOW_ERROR, PZ_WORKFLOW_ERROR_INVALID,
                 "%s: steps[%u] (%s): %s", source, index, step_id ? step_id : "?", what);
  return FALSE;
}

static gboolean
parse_standard (JsonNode   *node,
                PzStep     *step,
                const char *source,
                guint       index,
                GError    **error)
{
  JsonObject *obj;
  GList *members;
  gboolean ok = TRUE;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, source, index, step->id, _("“standard” must be an object"));

  obj = json_node_get_object (node);
  members = json_object_get_members (obj);
  if (g_list_length (members) != 1)
    ok = fail (error, source, index, step->id,
               _("“standard” needs exactly one of “minutes” or “working_days”"));
  else
    {
      const char *unit = members->data;
      JsonNode *value = json_object_get_member (obj, unit);
      gint64 n = 0;

      if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_INT64)
        n = json_node_get_int (value);
      if (n <= 0 || n > 100000)
        ok = fail (error, source, index, step->id,
                   _("“standard.%s” must be a positive whole number"), unit);
      else if (g_str_equal (unit, "minutes"))
        step->standard_minutes = n;
      else if (g_str_equal (unit, "working_days"))
        step->standard_working_days = (guint) n;
      else
        ok = fail (error, source, index, step->id,
                   _("unknown unit “%s” in “standard”"), unit);
    }
  g_list_free (members);
  return ok;
}

static PzStep *
parse_step (JsonNode   *node,
            const char *source,
            guint       index,
            GError    **error)
{
  static const char * const known_members[] = {
    "id", "title", "roles", "standard", "output", "form", "when", "clock", "documents", "review", "final",
    "actions", NULL
  };
  PzStep *step;
  JsonObject *obj;
  JsonNode *member;
  g_autoptr(GList) members = NULL;
  const char *s;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      fail (error, source, index, NULL, _("a step must be an object"));
      return NULL;
    }

  obj = json_node_get_object (node);
  step = g_new0 (PzStep, 1);
  step->id = g_strdup (pz_json_get_string (obj, "id"));

  if (!is_identifier (step->id))
    {
      fail (error, source, index, step->id,
            _("“id” must be a short name of lower-case letters, digits and “_”"));
      goto error;
    }

  members = json_object_get_members (obj);
  for (GList *l = members; l; l = l->next)
    if (!g_strv_contains (known_members, l->data))
      {
        fail (error, source, index, step->id, _("unknown member “%s”"), (char *) l->data);
        goto error;
      }

  s = pz_json_get_string (obj, "title");
  if (s == NULL || *s == '\0')
    {
      fail (error, source, index, step->id, _("“title” is missing"));
      goto error;
    }
  step->title = g_strdup (s);

  if ((member = json_object_get_member (obj, "final")))
    {
      s = pz_json_get_string (obj, "final");
      if (g_strcmp0 (s, "issued") == 0)
        step->final_status = PZ_STATUS_ISSUED;
      else if (g_strcmp0 (s, "refused") == 0)
        step->final_status = PZ_STATUS_REFUSED;
      else
        {
          fail (error, source, index, step->id, _("“final” must be “issued” or “refused”"));
          goto error;
        }
      step->final = TRUE;
    }

  if ((member = json_object_get_member (obj, "roles")))
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (member))
        {
          fail (error, source, index, step->id, _("“roles” must be a list"));
          goto error;
        }
      array = json_node_get_array (member);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *r = json_array_get_element (array, i);
          const char *role = NULL;

          if (JSON_NODE_HOLDS_VALUE (r) && json_node_get_value_type (r) == G_TYPE_STRING)
            role = json_node_get_string (r);
          if (!pz_role_is_known (role))
            {
              fail (error, source, index, step->id, _("unknown role “%s”"), role ? role : "?");
              goto error;
            }
          g_strv_builder_add (builder, role);
        }
      step->roles = g_strv_builder_end (builder);
    }
  else
    step->roles = g_new0 (char *, 1);

  if (!step->final && step->roles[0] == NULL)
    {
      fail (error, source, index, step->id, _("no role acts at this step"));
      goto error;
    }
  if (step->final && step->roles[0] != NULL)
    {
      fail (error, source, index, step->id, _("a final step has no roles"));
      goto error;
    }

  if ((member = json_object_get_member (obj, "standard")) &&
      !parse_standard (member, step, source, index, error))
    goto error;

  if ((member = json_object_get_member (obj, "output")))
    {
      s = pz_json_get_string (obj, "output");
      if (s == NULL || !g_strv_contains (output_names, s))
        {
          fail (error, source, index, step->id, _("unknown output “%s”"), s ? s : "?");
          goto error;
        }
      step->output = g_strdup (s);
    }

  if ((member = json_object_get_member (obj, "form")))
    {
      gboolean found = FALSE;

      s = pz_json_get_string (obj, "form");
      for (guint i = 0; i < G_N_ELEMENTS (form_names); i++)
        if (g_strcmp0 (s, form_names[i]) == 0)
          {
            step->form = i;
            found = TRUE;
          }
      if (!found)
        {
          fail (error, source, index, step->id, _("unknown form “%s”"), s ? s : "?");
          goto error;
        }
    }

  if ((member = json_object_get_member (obj, "when")))
    {
      s = pz_json_get_string (obj, "when");
      if (g_strcmp0 (s, "survey") == 0)
        step->when = PZ_CONDITION_SURVEY;
      else
        {
          fail (error, source, index, step->id, _("unknown condition “%s”"), s ? s : "?");
          goto error;
        }
    }

  if ((member = json_object_get_member (obj, "clock")))
    {
      s = pz_json_get_string (obj, "clock");
      if (g_strcmp0 (s, "applicant") == 0)
        step->applicant_clock = TRUE;
      else if (g_strcmp0 (s, "office") != 0)
        {
          fail (error, source, index, step->id, _("“clock” must be “office” or “applicant”"));
          goto error;
        }
    }

  if ((member = json_object_get_member (obj, "documents")))
    {
      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_BOOLEAN)
        {
          fail (error, source, index, step->id, _("“documents” must be true or false"));
          goto error;
        }
      step->documents = json_node_get_boolean (member);
    }

  if ((member = json_object_get_member (obj, "review")))
    {
      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_BOOLEAN)
        {
          fail (error, source, index, step->id, _("“review” must be true or false"));
          goto error;
        }
      step->review = json_node_get_boolean (member);
    }

  if ((member = json_object_get_member (obj, "actions")))
    {
      JsonObject *actions;
      g_autoptr(GList) names = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (member))
        {
          fail (error, source, index, step->id, _("“actions” must be an object"));
          goto error;
        }
      actions = json_node_get_object (member);
      names = json_object_get_members (actions);
      for (GList *l = names; l; l = l->next)
        {
          PzAction action;
          const char *target = pz_json_get_string (actions, l->data);

          if (!pz_action_from_string (l->data, &action))
            {
              fail (error, source, index, step->id, _("unknown action “%s”"), (char *) l->data);
              goto error;
            }
          if (target == NULL)
            {
              fail (error, source, index, step->id,
                    _("action “%s” must name the step it leads to"), (char *) l->data);
              goto error;
            }
          step->targets[action] = g_strdup (target);
        }
    }

  if (step->final && (step->targets[PZ_ACTION_APPROVE] || step->targets[PZ_ACTION_RETURN] ||
                      step->targets[PZ_ACTION_REFUSE]))
    {
      fail (error, source, index, step->id, _("a final step has no actions"));
      goto error;
    }
  if (!step->final && step->targets[PZ_ACTION_APPROVE] == NULL)
    {
      fail (error, source, index, step->id, _("a step needs an “approve” action"));
      goto error;
    }
  if (step->final)
    step->applicant_clock = FALSE;

  return step;

error:
  pz_step_free (step);
  return NULL;
}

static void
mark_reachable (PzWorkflow *self,
                const char *id,
                GHashTable *seen)
{
  const PzStep *step = g_hash_table_lookup (self->by_id, id);

  if (step == NULL || g_hash_table_contains (seen, id))
    return;
  g_hash_table_add (seen, (gpointer) step->id);
  for (guint a = 0; a < PZ_N_ACTIONS; a++)
    if (step->targets[a])
      mark_reachable (self, step->targets[a], seen);
}

static gboolean
validate_graph (PzWorkflow *self,
                const char *source,
                GError    **error)
{
  g_autoptr(GHashTable) reachable = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) finishing = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean changed = TRUE;

  for (guint i = 0; i < self->steps->len; i++)
    {
      const PzStep *step = g_ptr_array_index (self->steps, i);

      for (guint a = 0; a < PZ_N_ACTIONS; a++)
        if (step->targets[a] && !g_hash_table_contains (self->by_id, step->targets[a]))
          return fail (error, source, i, step->id,
                       _("action “%s” leads to a missing step “%s”"),
                       action_names[a], step->targets[a]);
      if (step->targets[PZ_ACTION_REFUSE])
        {
          const PzStep *to = g_hash_table_lookup (self->by_id, step->targets[PZ_ACTION_REFUSE]);
          if (!to->final || to->final_status != PZ_STATUS_REFUSED)
            return fail (error, source, i, step->id,
                         _("action “refuse” must lead to a final step that refuses"));
        }
      if (step->when)
        {
          const PzStep *to = g_hash_table_lookup (self->by_id, step->targets[PZ_ACTION_APPROVE]);
          if (to->when)
            return fail (error, source, i, step->id,
                         _("a conditional step must lead to an unconditional one"));
        }
    }

  if (!g_hash_table_contains (self->by_id, self->start))
    return fail (error, source, G_MAXUINT, NULL, _("the start step “%s” does not exist"),
                 self->start);

  mark_reachable (self, self->start, reachable);
  for (guint i = 0; i < self->steps->len; i++)
    {
      const PzStep *step = g_ptr_array_index (self->steps, i);
      if (!g_hash_table_contains (reachable, step->id))
        return fail (error, source, i, step->id, _("no action leads to this step"));
    }

  /* Every step must have a way to an issued or refused end. */
  while (changed)
    {
      changed = FALSE;
      for (guint i = 0; i < self->steps->len; i++)
        {
          const PzStep *step = g_ptr_array_index (self->steps, i);

          if (g_hash_table_contains (finishing, step->id))
            continue;
          if (step->final)
            {
              g_hash_table_add (finishing, step->id);
              changed = TRUE;
              continue;
            }
          for (guint a = 0; a < PZ_N_ACTIONS; a++)
            if (step->targets[a] && g_hash_table_contains (finishing, step->targets[a]))
              {
                g_hash_table_add (finishing, step->id);
                changed = TRUE;
                break;
              }
        }
    }
  for (guint i = 0; i < self->steps->len; i++)
    {
      const PzStep *step = g_ptr_array_index (self->steps, i);
      if (!g_hash_table_contains (finishing, step->id))
        return fail (error, source, i, step->id, _("there is no way to finish from this step"));
    }

  return TRUE;
}

/**
 * pz_workflow_new_from_data:
 * @data: the JSON definition
 * @length: length of @data, or -1 if nul-terminated
 * @source: name of the definition's origin (a file name) for error messages
 * @error: return location for an error
 *
 * Parses and checks a workflow definition. A bad definition is refused with
 * an error naming @source and the place of the mistake.
 *
 * Returns: (transfer full): the workflow, or %NULL
 */
PzWorkflow *
pz_workflow_new_from_data (const char *data,
                           gssize      length,
                           const char *source,
                           GError    **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(PzWorkflow) self = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonObject *obj;
  JsonNode *steps;
  const char *s;

  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      g_set_error (error, PZ_WORKFLOW_ERROR, PZ_WORKFLOW_ERROR_PARSE,
                   "%s: %s", source, local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      fail (error, source, G_MAXUINT, NULL, _("the definition must be a JSON object"));
      return NULL;
    }
  obj = json_node_get_object (root);

  self = g_new0 (PzWorkflow, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) pz_step_free);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);

  s = pz_json_get_string (obj, "id");
  if (!is_identifier (s))
    {
      fail (error, source, G_MAXUINT, NULL, _("“id” is missing or not a short lower-case name"));
      return NULL;
    }
  self->id = g_strdup (s);
  self->title = g_strdup (pz_json_get_string (obj, "title"));
  if (self->title == NULL)
    {
      fail (error, source, G_MAXUINT, NULL, _("“title” is missing"));
      return NULL;
    }
  self->start = g_strdup (pz_json_get_string (obj, "start"));
  if (self->start == NULL)
    {
      fail (error, source, G_MAXUINT, NULL, _("“start” is missing"));
      return NULL;
    }

  steps = json_object_get_member (obj, "steps");
  if (steps == NULL || !JSON_NODE_HOLDS_ARRAY (steps) ||
      json_array_get_length (json_node_get_array (steps)) == 0)
    {
      fail (error, source, G_MAXUINT, NULL, _("“steps” must be a non-empty list"));
      return NULL;
    }

  for (guint i = 0; i < json_array_get_length (json_node_get_array (steps)); i++)
    {
      PzStep *step = parse_step (json_array_get_element (json_node_get_array (steps), i),
                                 source, i, error);
      if (step == NULL)
        return NULL;
      if (g_hash_table_contains (self->by_id, step->id))
        {
          fail (error, source, i, step->id, _("another step has the same id"));
          pz_step_free (step);
          return NULL;
        }
      g_ptr_array_add (self->steps, step);
      g_hash_table_insert (self->by_id, step->id, step);
    }

  if (!validate_graph (self, source, error))
    return NULL;

  return g_steal_pointer (&self);
}

PzWorkflow *
pz_workflow_new_from_file (const char *path,
                           GError    **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *base = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  base = g_path_get_basename (path);
  return pz_workflow_new_from_data (contents, (gssize) length, base, error);
}

PzWorkflow *
pz_workflow_ref (PzWorkflow *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
pz_workflow_unref (PzWorkflow *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_free (self->id);
  g_free (self->title);
  g_free (self->start);
  g_hash_table_unref (self->by_id);
  g_ptr_array_unref (self->steps);
  g_free (self);
}

const char *
pz_workflow_get_id (PzWorkflow *self)
{
  return self->id;
}

const char *
pz_workflow_get_title (PzWorkflow *self)
{
  return self->title;
}

const PzStep *
pz_workflow_get_step (PzWorkflow *self,
                      const char *id)
{
  if (id == NULL)
    return NULL;
  return g_hash_table_lookup (self->by_id, id);
}

guint
pz_workflow_get_n_steps (PzWorkflow *self)
{
  return self->steps->len;
}

const PzStep *
pz_workflow_get_nth_step (PzWorkflow *self,
                          guint       n)
{
  g_return_val_if_fail (n < self->steps->len, NULL);
  return g_ptr_array_index (self->steps, n);
}

/* A step whose condition the permit type does not meet is passed over, as
 * if it had been approved at once. */
static const PzStep *
resolve (PzWorkflow   *self,
         const PzStep *step,
         PzConditions  conditions)
{
  if (step->when && (step->when & conditions) != step->when)
    return g_hash_table_lookup (self->by_id, step->targets[PZ_ACTION_APPROVE]);
  return step;
}

const PzStep *
pz_workflow_get_start (PzWorkflow  *self,
                       PzConditions conditions)
{
  return resolve (self, g_hash_table_lookup (self->by_id, self->start), conditions);
}

/**
 * pz_workflow_transition:
 * @self: a workflow
 * @from: the current step
 * @action: the action taken
 * @conditions: the permit type's conditions
 * @error: return location for an error
 *
 * Returns: (transfer none): the step @action at @from leads to, or %NULL
 *   with %PZ_WORKFLOW_ERROR_NOT_ALLOWED if the step has no such action
 */
const PzStep *
pz_workflow_transition (PzWorkflow   *self,
                        const PzStep *from,
                        PzAction      action,
                        PzConditions  conditions,
                        GError      **error)
{
  const PzStep *to;

  g_return_val_if_fail (from != NULL, NULL);
  g_return_val_if_fail (action < PZ_N_ACTIONS, NULL);

  if (from->targets[action] == NULL)
    {
      g_set_error (error, PZ_WORKFLOW_ERROR, PZ_WORKFLOW_ERROR_NOT_ALLOWED,
                   _("“%s” is not possible at the step “%s”"),
                   action_names[action], from->id);
      return NULL;
    }
  to = g_hash_table_lookup (self->by_id, from->targets[action]);
  return resolve (self, to, conditions);
}

gboolean
pz_step_has_role (const PzStep *step,
                  const char   *role)
{
  return role != NULL && g_strv_contains ((const char * const *) step->roles, role);
}

/**
 * pz_step_allows:
 * @step: a step
 * @roles: (nullable): the caller's roles
 * @action: an action
 *
 * Returns: whether someone holding @roles may take @action at @step
 */
gboolean
pz_step_allows (const PzStep       *step,
                const char * const *roles,
                PzAction            action)
{
  if (step->final || action >= PZ_N_ACTIONS || step->targets[action] == NULL || roles == NULL)
    return FALSE;
  for (guint i = 0; roles[i]; i++)
    if (pz_step_has_role (step, roles[i]))
      return TRUE;
  return FALSE;
}

PzStatus
pz_step_get_status (const PzStep *step)
{
  if (step->final)
    return step->final_status;
  if (step->applicant_clock)
    return PZ_STATUS_WAITING_APPLICANT;
  return PZ_STATUS_IN_PROGRESS;
}

/**
 * pz_workflow_to_json:
 * @self: a workflow
 *
 * Returns: (transfer full): the definition as served by `GET /api/v1/workflows`
 */
JsonNode *
pz_workflow_to_json (PzWorkflow *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, self->id);
  json_builder_set_member_name (b, "title");
  json_builder_add_string_value (b, self->title);
  json_builder_set_member_name (b, "start");
  json_builder_add_string_value (b, self->start);
  json_builder_set_member_name (b, "steps");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->steps->len; i++)
    {
      const PzStep *step = g_ptr_array_index (self->steps, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, step->id);
      json_builder_set_member_name (b, "title");
      json_builder_add_string_value (b, step->title);
      json_builder_set_member_name (b, "roles");
      json_builder_begin_array (b);
      for (guint r = 0; step->roles[r]; r++)
        json_builder_add_string_value (b, step->roles[r]);
      json_builder_end_array (b);
      if (step->standard_minutes || step->standard_working_days)
        {
          json_builder_set_member_name (b, "standard");
          json_builder_begin_object (b);
          json_builder_set_member_name (b, step->standard_minutes ? "minutes" : "working_days");
          json_builder_add_int_value (b, step->standard_minutes ? step->standard_minutes
                                                                : step->standard_working_days);
          json_builder_end_object (b);
        }
      if (step->output)
        {
          json_builder_set_member_name (b, "output");
          json_builder_add_string_value (b, step->output);
        }
      if (step->form != PZ_FORM_NONE)
        {
          json_builder_set_member_name (b, "form");
          json_builder_add_string_value (b, form_names[step->form]);
        }
      if (step->when & PZ_CONDITION_SURVEY)
        {
          json_builder_set_member_name (b, "when");
          json_builder_add_string_value (b, "survey");
        }
      json_builder_set_member_name (b, "documents");
      json_builder_add_boolean_value (b, step->documents);
      json_builder_set_member_name (b, "review");
      json_builder_add_boolean_value (b, step->review);
      json_builder_set_member_name (b, "clock");
      json_builder_add_string_value (b, step->applicant_clock ? "applicant" : "office");
      json_builder_set_member_name (b, "status");
      json_builder_add_string_value (b, pz_status_to_string (pz_step_get_status (step)));
      if (step->final)
        {
          json_builder_set_member_name (b, "final");
          json_builder_add_string_value (b, pz_status_to_string (step->final_status));
        }
      json_builder_set_member_name (b, "actions");
      json_builder_begin_object (b);
      for (guint a = 0; a < PZ_N_ACTIONS; a++)
        if (step->targets[a])
          {
            json_builder_set_member_name (b, action_names[a]);
            json_builder_add_string_value (b, step->targets[a]);
          }
      json_builder_end_object (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  return json_builder_get_root (b);
}
