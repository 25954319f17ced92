/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Registration: a new file from the counter, checked against its
 * permit type. */
#define G_LOG_DOMAIN "pz-engine"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "pz-engine-private.h"

JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (text == NULL || !json_parser_load_from_data (parser, text, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_object_ref (json_node_get_object (root));
}

char *
object_to_string (JsonObject *obj)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, obj);
  return json_to_string (node, FALSE);
}

gboolean
reject_unknown_members (JsonObject         *obj,
                        const char         *prefix,
                        const char * const *known,
                        GPtrArray          *details)
{
  g_autoptr(GList) members = obj ? json_object_get_members (obj) : NULL;
  gboolean ok = TRUE;

  for (GList *l = members; l; l = l->next)
    if (!g_strv_contains (known, l->data))
      {
        g_autofree char *path = prefix ? g_strdup_printf ("%s.%s", prefix, (char *) l->data)
                                       : g_strdup (l->data);
        pz_detail_add (details, path, _("unknown field “%s”"), (char *) l->data);
        ok = FALSE;
      }
  return ok;
}

/* Registration */

/**
 * pz_engine_register:
 * @self: an engine
 * @user: who registers the file
 * @body: the request body of `POST /api/v1/applications`
 * @now: the current time
 * @details: where each field problem is added
 * @error: return location for an error
 *
 * Returns: (transfer full): the new file at the first step, or %NULL
 */
PzApplication *
pz_engine_register (PzEngine   *self,
                    PzUser     *user,
                    JsonObject *body,
                    gint64      now,
                    GPtrArray  *details,
                    GError    **error)
{
  static const char * const known[] = { "permit_type", "request_type", "applicant", "data", NULL };
  static const char * const applicant_known[] = { "name", "nik", "address", "phone", "email", NULL };
  g_autoptr(PzApplication) app = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *counter = NULL;
  PzPermitType *type;
  PzWorkflow *wf;
  const PzStep *start;
  JsonNode *applicant_node, *data_node;
  JsonObject *applicant = NULL, *data = NULL;
  const char *s;
  gint64 seq;
  PzEvent event = { 0 };

  if (!g_strv_contains ((const char * const *) user->roles, "front_office"))
    {
      engine_fail (error, PZ_ENGINE_ERROR_FORBIDDEN, _("Only the front office registers files"));
      return NULL;
    }

  if (!reject_unknown_members (body, NULL, known, details))
    {
      engine_fail (error, PZ_ENGINE_ERROR_BAD_REQUEST, _("The request has unknown fields"));
      return NULL;
    }

  type = pz_engine_get_permit_type (self, user->office_id, pz_json_get_string (body, "permit_type"));
  if (type == NULL)
    pz_detail_add (details, "permit_type", _("Choose one of the office's permit types"));
  else if (!pz_permit_type_has_request_type (type, pz_json_get_string (body, "request_type")))
    pz_detail_add (details, "request_type", _("Choose a request type this permit allows"));

  applicant_node = json_object_get_member (body, "applicant");
  if (applicant_node == NULL || !JSON_NODE_HOLDS_OBJECT (applicant_node))
    pz_detail_add (details, "applicant", _("The applicant's data are missing"));
  else
    {
      applicant = json_node_get_object (applicant_node);
      if (!reject_unknown_members (applicant, "applicant", applicant_known, details))
        {
          engine_fail (error, PZ_ENGINE_ERROR_BAD_REQUEST, _("The request has unknown fields"));
          return NULL;
        }
      if (!pz_valid_text (pz_json_get_string (applicant, "name"), 200))
        pz_detail_add (details, "applicant.name", _("Enter the applicant's name (at most 200 characters)"));
      if (!pz_valid_nik (pz_json_get_string (applicant, "nik")))
        pz_detail_add (details, "applicant.nik", _("The NIK must be the 16 digits on the ID card"));
      if (!pz_valid_text (pz_json_get_string (applicant, "address"), 500))
        pz_detail_add (details, "applicant.address", _("Enter the applicant's address (at most 500 characters)"));
      if (!pz_valid_phone (pz_json_get_string (applicant, "phone")))
        pz_detail_add (details, "applicant.phone",
                       _("Enter a phone number starting with 0 or +, 8 to 15 digits"));
      s = pz_json_get_string (applicant, "email");
      if (json_object_has_member (applicant, "email") &&
          !JSON_NODE_HOLDS_NULL (json_object_get_member (applicant, "email")) &&
          !(s && (*s == '\0' || pz_valid_email (s))))
        pz_detail_add (details, "applicant.email", _("The e-mail address is not valid"));
    }

  data_node = json_object_get_member (body, "data");
  if (data_node && !JSON_NODE_HOLDS_NULL (data_node))
    {
      if (!JSON_NODE_HOLDS_OBJECT (data_node))
        pz_detail_add (details, "data", _("The permit data must be an object"));
      else
        data = json_node_get_object (data_node);
    }
  if (type && data)
    pz_permit_type_check_data (type, data, FALSE, details);

  if (details->len > 0)
    {
      engine_fail (error, PZ_ENGINE_ERROR_RULE, _("Some of the data are missing or not valid"));
      return NULL;
    }

  wf = pz_engine_get_workflow (self, type->workflow);
  start = pz_workflow_get_start (wf, pz_permit_type_get_conditions (type));

  app = g_new0 (PzApplication, 1);
  app->office_id = user->office_id;
  app->permit_type = g_strdup (type->code);
  app->permit_type_version = type->version;
  app->request_type = g_strdup (pz_json_get_string (body, "request_type"));
  app->applicant_name = g_strstrip (g_strdup (pz_json_get_string (applicant, "name")));
  app->applicant_nik = g_strdup (pz_json_get_string (applicant, "nik"));
  app->applicant_address = g_strstrip (g_strdup (pz_json_get_string (applicant, "address")));
  app->applicant_phone = g_strdup (pz_json_get_string (applicant, "phone"));
  s = pz_json_get_string (applicant, "email");
  app->applicant_email = s && *s ? g_strdup (s) : NULL;
  app->data = data ? object_to_string (data) : g_strdup ("{}");
  app->step = g_strdup (start->id);
  app->status = g_strdup (pz_status_to_string (pz_step_get_status (start)));
  app->version = 1;
  app->step_entered_at = now;
  app->due_at = due_time (self, app->office_id, start, now);
  app->created_at = app->updated_at = now;
  app->created_by = app->updated_by = user->id;

  utc = g_date_time_new_from_unix_utc (now);
  local = g_date_time_to_timezone (utc, self->tz);
  counter = g_strdup_printf ("registration:%d", g_date_time_get_year (local));

  if (!pz_store_begin (self->store, &local_error))
    {
      internal (error, local_error);
      return NULL;
    }
  if (!pz_store_next_counter (self->store, user->office_id, counter, &seq, &local_error))
    goto fail;
  app->registration_number = g_strdup_printf ("REG-%d-%06" G_GINT64_FORMAT,
                                              g_date_time_get_year (local), seq);
  app->tracking_code = pz_tracking_code_new ();
  if (!pz_store_insert_application (self->store, app, &local_error))
    goto fail;

  event.application_id = app->id;
  event.at = now;
  event.user_id = user->id;
  event.role = (char *) "front_office";
  event.action = (char *) "register";
  event.to_step = app->step;
  if (!pz_store_insert_event (self->store, &event, &local_error) ||
      !pz_store_commit (self->store, &local_error))
    goto fail;

  return g_steal_pointer (&app);

fail:
  pz_store_rollback (self->store);
  internal (error, local_error);
  return NULL;
}

/* Separation of duties: whoever acted at a verification or decision step
 * (a "review" step) may not act at the review step that follows it on the
 * same file; another person must look.  @last: the file's last event, if
 * it has one. */
gboolean
four_eyes_after (PzApplication *app,
                 PzWorkflow    *wf,
                 const PzStep  *step,
                 PzUser        *user,
                 PzEvent       *last,
                 GError       **error)
{
  const PzStep *from;

  if (!step->review)
    return TRUE;
  if (last == NULL || last->user_id != user->id || g_strcmp0 (last->to_step, app->step) != 0 ||
      last->from_step == NULL)
    return TRUE;
  from = pz_workflow_get_step (wf, last->from_step);
  if (from == NULL || !from->review || from == step)
    return TRUE;
  return engine_fail (error, PZ_ENGINE_ERROR_FORBIDDEN,
                      _("You acted on this file at “%s”; another person must act at “%s” (four eyes)"),
                      g_dgettext (GETTEXT_PACKAGE, from->title), g_dgettext (GETTEXT_PACKAGE, step->title));
}

/* The same, reading the last event where the step needs it. */
gboolean
four_eyes (PzEngine      *self,
           PzApplication *app,
           PzWorkflow    *wf,
           const PzStep  *step,
           PzUser        *user,
           GError       **error)
{
  g_autoptr(PzEvent) last = NULL;

  if (!step->review)
    return TRUE;
  last = pz_store_last_event (self->store, app->id);
  return four_eyes_after (app, wf, step, user, last, error);
}
