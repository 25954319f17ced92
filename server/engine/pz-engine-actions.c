/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Acting on a file: the rules of each step (four eyes, documents
 * complete, survey, permit fields, signature), numbering, the transition. */
#define G_LOG_DOMAIN "pz-engine"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "pz-engine-private.h"

/* Acting on a file */

static gboolean
check_documents_complete (PzEngine      *self,
                          PzApplication *app,
                          PzPermitType  *type,
                          GPtrArray     *details,
                          GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) verdicts = pz_store_list_verdicts (self->store, app->id, &local_error);

  if (verdicts == NULL)
    return internal (error, local_error);

  for (guint i = 0; i < type->requirements->len; i++)
    {
      PzRequirement *r = g_ptr_array_index (type->requirements, i);
      g_autoptr(PzDocument) doc = NULL;
      g_autofree char *path = NULL;
      PzVerdict *verdict = NULL;
      const char *state;

      if (!r->mandatory || !g_strv_contains ((const char * const *) r->request_types,
                                             app->request_type))
        continue;
      for (guint v = 0; v < verdicts->len; v++)
        if (g_str_equal (((PzVerdict *) g_ptr_array_index (verdicts, v))->requirement, r->code))
          verdict = g_ptr_array_index (verdicts, v);

      path = g_strdup_printf ("checklist.%s", r->code);
      doc = pz_store_get_document (self->store, app->id, r->code);
      state = doc == NULL ? "missing" : verdict == NULL ? "uploaded" : verdict->verdict;
      /* the rule and its words are the desktop's too */
      if (pz_requirement_blocks_completion (r->mandatory, state))
        {
          g_autofree char *reason = pz_requirement_open_reason (r->title, state);
          pz_detail_add (details, path, "%s", reason);
        }
    }
  return TRUE;
}

static JsonObject *
not_ok_items (PzEngine      *self,
              PzApplication *app,
              PzPermitType  *type)
{
  g_autoptr(GPtrArray) verdicts = pz_store_list_verdicts (self->store, app->id, NULL);
  JsonObject *data = json_object_new ();
  JsonArray *items = json_array_new ();

  for (guint i = 0; verdicts && i < verdicts->len; i++)
    {
      PzVerdict *v = g_ptr_array_index (verdicts, i);
      const PzRequirement *r = pz_permit_type_find_requirement (type, app->request_type,
                                                                v->requirement);
      JsonObject *item;

      if (!g_str_equal (v->verdict, "not_ok"))
        continue;
      item = json_object_new ();
      json_object_set_string_member (item, "requirement", v->requirement);
      json_object_set_string_member (item, "title", r ? r->title : v->requirement);
      json_object_set_string_member (item, "note", v->note ? v->note : "");
      json_array_add_object_element (items, item);
    }
  json_object_set_array_member (data, "not_ok", items);
  return data;
}

static gboolean
check_survey (PzEngine   *self,
              JsonObject *data,
              gint64      now,
              PzUser     *user,
              char      **survey,
              GPtrArray  *details)
{
  static const char * const known[] = { "survey_date", "findings", "recommendation", NULL };
  const char *date = pz_json_get_string (data, "survey_date");
  const char *recommendation = pz_json_get_string (data, "recommendation");
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (now);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, self->tz);
  g_autoptr(JsonObject) out = NULL;
  GDate d, today;

  reject_unknown_members (data, "data", known, details);
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, g_date_time_get_day_of_month (local), g_date_time_get_month (local),
                  g_date_time_get_year (local));
  if (!pz_parse_date (date, &d))
    pz_detail_add (details, "data.survey_date", _("Enter the survey date (YYYY-MM-DD)"));
  else if (g_date_compare (&d, &today) > 0)
    pz_detail_add (details, "data.survey_date", _("The survey date cannot be in the future"));
  if (!pz_valid_text (pz_json_get_string (data, "findings"), PZ_MAX_TEXT))
    pz_detail_add (details, "data.findings",
                   _("Describe the findings of the survey (at most 4000 characters)"));
  if (g_strcmp0 (recommendation, "feasible") != 0 && g_strcmp0 (recommendation, "not_feasible") != 0)
    pz_detail_add (details, "data.recommendation",
                   _("The recommendation must be “feasible” or “not_feasible”"));
  if (details->len)
    return FALSE;

  out = json_object_new ();
  json_object_set_string_member (out, "survey_date", date);
  json_object_set_string_member (out, "findings", pz_json_get_string (data, "findings"));
  json_object_set_string_member (out, "recommendation", recommendation);
  json_object_set_string_member (out, "surveyor", user->full_name);
  if (user->nip && *user->nip)
    json_object_set_string_member (out, "surveyor_nip", user->nip);
  *survey = object_to_string (out);
  return TRUE;
}

static gboolean
check_permit_fields (PzApplication *app,
                     PzPermitType  *type,
                     JsonObject    *data,
                     char         **merged_text,
                     GPtrArray     *details)
{
  g_autoptr(JsonObject) merged = parse_object (app->data);
  g_autoptr(GList) members = data ? json_object_get_members (data) : NULL;

  if (merged == NULL)
    merged = json_object_new ();
  for (GList *l = members; l; l = l->next)
    json_object_set_member (merged, l->data,
                            json_node_copy (json_object_get_member (data, l->data)));
  if (!pz_permit_type_check_data (type, merged, TRUE, details))
    return FALSE;
  *merged_text = object_to_string (merged);
  return TRUE;
}

static gboolean
check_signature (PzEngine      *self,
                 PzApplication *app,
                 PzPermitType  *type,
                 JsonObject    *data,
                 PzUser        *user,
                 PzSignJob     *signing,
                 GPtrArray     *details,
                 GError       **error)
{
  if (type->signing == PZ_SIGNING_WET)
    {
      static const char * const known[] = { NULL };
      g_autoptr(PzDocument) scan = pz_store_get_document (self->store, app->id, "signed_permit");

      reject_unknown_members (data, "data", known, details);
      if (scan == NULL)
        pz_detail_add (details, "documents.signed_permit",
                       _("Upload the scan of the permit signed on paper first"));
    }
  else
    {
      static const char * const known[] = { "passphrase", NULL };
      const char *passphrase = pz_json_get_string (data, "passphrase");
      g_autoptr(GError) local_error = NULL;
      g_autoptr(PzSigner) signer = NULL;
      g_autofree char *identity = NULL;
      g_autofree char *nik = NULL;
      gboolean office_key = FALSE;

      reject_unknown_members (data, "data", known, details);
      if (passphrase == NULL || *passphrase == '\0')
        pz_detail_add (details, "data.passphrase", _("Enter the passphrase of the signing key"));
      else if (!signing_identity_of (self, user, &identity, &nik, &office_key))
        pz_detail_add (details, "signing_identity",
                       _("You have no signing identity of your own; ask the administrator to link one to your "
                         "account"));
      else if (self->remote_url == NULL && office_key &&
               (identity == NULL ||
                (!pz_signer_identity_is_pkcs11 (identity) && !g_file_test (identity, G_FILE_TEST_EXISTS))))
        pz_detail_add (details, "data.passphrase",
                       _("The office has no signing certificate yet; ask the administrator"));
      else if (self->remote_url == NULL && !pz_signer_identity_is_pkcs11 (identity) &&
               !g_file_test (identity, G_FILE_TEST_EXISTS))
        pz_detail_add (details, "signing_identity",
                       _("Your signing identity is not in the server's signing folder; ask the administrator"));
      else if (signing)
        {
          /* opened beforehand, off the main loop */
          const GError *failed = signing_open_error (signing);

          if (failed)
            pz_detail_add (details, "data.passphrase", "%s", failed->message);
        }
      else if (!(signer = open_signer (self, user, passphrase, &local_error)))
        pz_detail_add (details, "data.passphrase", "%s", local_error->message);
    }
  return TRUE;
}

static gboolean
check_step_form (PzEngine      *self,
                 PzApplication *app,
                 PzApplication *next,
                 PzPermitType  *type,
                 const PzStep  *step,
                 JsonObject    *data,
                 PzUser        *user,
                 PzSignJob     *signing,
                 gint64         now,
                 GPtrArray     *details,
                 GError       **error)
{
  static const char * const nothing[] = { NULL };

  switch (step->form)
    {
    case PZ_FORM_DOCUMENTS_COMPLETE:
      reject_unknown_members (data, "data", nothing, details);
      return check_documents_complete (self, app, type, details, error);
    case PZ_FORM_SURVEY:
      g_clear_pointer (&next->survey, g_free);
      check_survey (self, data, now, user, &next->survey, details);
      return TRUE;
    case PZ_FORM_PERMIT_FIELDS:
      {
        g_autofree char *merged = NULL;
        if (check_permit_fields (app, type, data, &merged, details))
          {
            g_free (next->data);
            next->data = g_steal_pointer (&merged);
          }
        return TRUE;
      }
    case PZ_FORM_SIGNATURE:
      return check_signature (self, app, type, data, user, signing, details, error);
    case PZ_FORM_HANDOVER:
      {
        static const char * const known[] = { "received_by", NULL };
        const char *who = pz_json_get_string (data, "received_by");

        reject_unknown_members (data, "data", known, details);
        if (!pz_valid_text (who, 200))
          pz_detail_add (details, "data.received_by",
                         _("Enter the name of the person who received the permit"));
        else
          {
            g_free (next->received_by);
            next->received_by = g_strstrip (g_strdup (who));
          }
        return TRUE;
      }
    case PZ_FORM_NUMBERING:
    case PZ_FORM_NONE:
    default:
      reject_unknown_members (data, "data", nothing, details);
      return TRUE;
    }
}

static gboolean
assign_number (PzEngine      *self,
               PzApplication *next,
               PzPermitType  *type,
               gint64         now,
               GError       **error)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (now);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, self->tz);
  g_autofree char *counter = permit_counter_name (self, type, now);
  gint64 seq;

  if (!pz_store_next_counter (self->store, next->office_id, counter, &seq, error))
    return FALSE;
  g_free (next->permit_number);
  next->permit_number = pz_permit_type_format_number (type, (guint64) seq, local);
  g_free (next->verify_token);
  next->verify_token = pz_auth_random_hex (16);
  return TRUE;
}

#define DEFAULT_REFUSAL_NUMBER_FORMAT "503/{seq:04}/TOLAK/DPMPTSP/{year}"

static char *
next_refusal_number (PzEngine *self,
                     gint64    office_id,
                     gint64    now,
                     GError  **error)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (now);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, self->tz);
  g_autofree char *counter = g_strdup_printf ("refusal:%d", g_date_time_get_year (local));
  g_autofree char *format = setting_or (self, office_id, "refusal_number_format", DEFAULT_REFUSAL_NUMBER_FORMAT);
  gint64 seq;

  if (!pz_number_format_is_valid (format, NULL))
    {
      g_free (format);
      format = g_strdup (DEFAULT_REFUSAL_NUMBER_FORMAT);
    }
  if (!pz_store_next_counter (self->store, office_id, counter, &seq, error))
    return NULL;
  return pz_format_number (format, "TOLAK", (guint64) seq, local);
}

static PzApplication *
copy_application (PzApplication *app)
{
  PzApplication *copy = g_memdup2 (app, sizeof *app);

  copy->registration_number = g_strdup (app->registration_number);
  copy->permit_type = g_strdup (app->permit_type);
  copy->request_type = g_strdup (app->request_type);
  copy->applicant_name = g_strdup (app->applicant_name);
  copy->applicant_nik = g_strdup (app->applicant_nik);
  copy->applicant_address = g_strdup (app->applicant_address);
  copy->applicant_phone = g_strdup (app->applicant_phone);
  copy->applicant_email = g_strdup (app->applicant_email);
  copy->data = g_strdup (app->data);
  copy->survey = g_strdup (app->survey);
  copy->received_by = g_strdup (app->received_by);
  copy->step = g_strdup (app->step);
  copy->status = g_strdup (app->status);
  copy->permit_number = g_strdup (app->permit_number);
  copy->verify_token = g_strdup (app->verify_token);
  copy->tracking_code = g_strdup (app->tracking_code);
  return copy;
}

static void
stale (PzEngine      *self,
       PzApplication *app,
       GError       **error)
{
  g_autoptr(PzEvent) last = pz_store_last_event (self->store, app->id);
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (last ? last->at : app->updated_at);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, self->tz);
  g_autofree char *hhmm = g_date_time_format (local, "%H:%M");

  engine_fail (error, PZ_ENGINE_ERROR_STALE, _("The file was changed by %s at %s; reload it."),
               last ? last->username : "?", hhmm);
}

/**
 * pz_engine_act:
 * @self: an engine
 * @user: who acts
 * @application_id: the file
 * @request: the action, the version it is based on, its note and data
 * @now: the current time
 * @changed: (out) (optional) (transfer full) (nullable): the file's new
 *   state
 * @details: where each unmet rule is added
 * @error: return location for an error
 *
 * Checks role, step, version and the step's data, then writes the new state,
 * and the event in one transaction (a savepoint inside the caller's, so
 * whoever keeps the answer for a retry saves it in the same commit).
 *
 * Returns: (transfer full): the answer body (the file as the caller now
 *   sees it), or %NULL
 */
char *
pz_engine_act (PzEngine              *self,
               PzUser                *user,
               gint64                 application_id,
               const PzActionRequest *request,
               gint64                 now,
               PzApplication        **changed,
               GPtrArray             *details,
               GError               **error)
{
  g_autoptr(PzApplication) app = NULL;
  g_autoptr(PzApplication) next = NULL;
  g_autoptr(PzEvent) last = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) event_data = NULL;
  g_autofree char *event_data_text = NULL;
  g_autofree char *body = NULL;
  PzPermitType *type;
  PzWorkflow *wf;
  const PzStep *step, *to;
  PzAction action;
  PzEvent event = { 0 };

  if (changed)
    *changed = NULL;
  /* the last event with it: four eyes needs it at a review step */
  app = pz_store_get_application_with_last_event (self->store, user->office_id, application_id, &last,
                                                  &local_error);
  if (local_error)
    {
      internal (error, local_error);
      return NULL;
    }
  if (app == NULL)
    {
      engine_fail (error, PZ_ENGINE_ERROR_NOT_FOUND, _("There is no file with this number"));
      return NULL;
    }
  if (!resolve (self, app, &type, &wf, &step, error))
    return NULL;

  if (!pz_action_from_string (request->action, &action))
    {
      engine_fail (error, PZ_ENGINE_ERROR_BAD_REQUEST,
                   _("“action” must be “approve”, “return” or “refuse”"));
      return NULL;
    }
  /* A request based on an old version is answered with who changed the
   * file, whatever it asks: the caller's view is out of date. */
  if (request->version != app->version)
    {
      stale (self, app, error);
      return NULL;
    }
  if (!pz_step_allows (step, (const char * const *) user->roles, action))
    {
      engine_fail (error, PZ_ENGINE_ERROR_FORBIDDEN,
                   _("You may not “%s” this file at the step “%s”"),
                   request->action, g_dgettext (GETTEXT_PACKAGE, step->title));
      return NULL;
    }
  if (!four_eyes_after (app, wf, step, user, last, error))
    return NULL;

  if (action != PZ_ACTION_APPROVE && !pz_valid_text (request->note, PZ_MAX_TEXT))
    pz_detail_add (details, "note", _("Write a note saying why (at most 4000 characters)"));
  else if (request->note && *request->note && !pz_valid_text (request->note, PZ_MAX_TEXT))
    pz_detail_add (details, "note", _("The note is too long or has control characters"));

  next = copy_application (app);
  if (action == PZ_ACTION_APPROVE &&
      !check_step_form (self, app, next, type, step, request->data, user, request->signing, now, details, error))
    return NULL;
  if (action != PZ_ACTION_APPROVE && request->data && json_object_get_size (request->data) > 0)
    pz_detail_add (details, "data", _("Only “approve” takes data"));
  if (details->len > 0)
    {
      engine_fail (error, PZ_ENGINE_ERROR_RULE, _("The step's conditions are not met"));
      return NULL;
    }

  to = pz_workflow_transition (wf, step, action, pz_permit_type_get_conditions (type), error);
  if (to == NULL)
    return NULL;

  g_free (next->step);
  next->step = g_strdup (to->id);
  g_free (next->status);
  next->status = g_strdup (pz_status_to_string (pz_step_get_status (to)));
  next->version = app->version + 1;
  next->step_entered_at = now;
  next->due_at = due_time (self, app->office_id, to, now);
  next->updated_at = now;
  next->updated_by = user->id;

  if (step->form == PZ_FORM_DOCUMENTS_COMPLETE && action == PZ_ACTION_RETURN)
    event_data = not_ok_items (self, app, type);
  else if (action == PZ_ACTION_APPROVE && request->data && json_object_get_size (request->data) > 0 &&
           step->form != PZ_FORM_SIGNATURE)
    event_data = json_object_ref (request->data);
  if (event_data)
    event_data_text = object_to_string (event_data);

  event.application_id = app->id;
  event.at = now;
  event.user_id = user->id;
  event.role = (char *) acting_role (step, user);
  event.acting = (char *) pz_user_acting_kind (user, event.role);
  event.also_admin = g_strv_contains ((const char * const *) user->roles, "admin");
  event.action = (char *) request->action;
  event.from_step = app->step;
  event.to_step = next->step;
  event.note = request->note && *request->note ? (char *) request->note : NULL;
  event.data = event_data_text;
  if (!step->applicant_clock)
    {
      g_autoptr(GDateTime) from = g_date_time_new_from_unix_utc (app->step_entered_at);
      g_autoptr(GDateTime) until = g_date_time_new_from_unix_utc (now);
      event.office_seconds = pz_calendar_office_seconds_between (office_of (self, app->office_id)->calendar, from, until);
    }

  /* The service clock: from complete documents to the decision, in office
   * time, without the time the file waits for the applicant. */
  if (next->service_started_at && !step->applicant_clock)
    next->service_seconds += event.office_seconds;
  if (!app->service_started_at && step->form == PZ_FORM_DOCUMENTS_COMPLETE && action == PZ_ACTION_APPROVE)
    {
      next->service_started_at = now;
      next->service_seconds = 0;
    }
  next->service_due_at = service_due_time (self, app->office_id, type, to, next->service_started_at,
                                           next->service_seconds, now);

  if (!pz_store_begin (self->store, &local_error))
    {
      internal (error, local_error);
      return NULL;
    }
  if (step->form == PZ_FORM_NUMBERING && action == PZ_ACTION_APPROVE &&
      !assign_number (self, next, type, now, &local_error))
    goto fail;
  if (!pz_store_update_application (self->store, next, app->version, &local_error))
    {
      if (g_error_matches (local_error, PZ_STORE_ERROR, PZ_STORE_ERROR_STALE))
        {
          pz_store_rollback (self->store);
          stale (self, app, error);
          return NULL;
        }
      goto fail;
    }
  if (!pz_store_insert_event (self->store, &event, &local_error))
    goto fail;

  /* the outputs the step makes, in the same transaction as the action:
   * the receipt, the BAP, the numbered permit; a refusal its letter */
  {
    const char *kind = NULL;

    if (action == PZ_ACTION_APPROVE && step->output &&
        (g_str_equal (step->output, "receipt") || g_str_equal (step->output, "bap") ||
         g_str_equal (step->output, "permit")))
      kind = step->output;
    else if (to->final && to->output)
      kind = to->output;
    if (kind)
      {
        g_autofree char *letter_number = NULL;
        g_autoptr(GBytes) pdf = NULL;

        /* a refusal letter has its number from its own yearly counter,
        * taken in the same transaction: none is lost or given twice */
        if (g_str_equal (kind, "refusal") &&
            !(letter_number = next_refusal_number (self, app->office_id, now, &local_error)))
          goto fail;
        pdf = render_output (self, next, kind, user, request->note, now, FALSE, letter_number);

        if (pdf && !store_output (self, next, kind, pdf, now, &local_error))
          goto fail;
      }
    /* signing turns the numbered permit into the signed one: the PDF with
     * an embedded electronic signature, or the scan of the paper */
    if (action == PZ_ACTION_APPROVE && step->form == PZ_FORM_SIGNATURE &&
        !sign_permit (self, next, type, user, request->data, request->signing, now, &local_error))
      {
        /* an authority that is down is no fault of the server's: say so,
         * and the file stays as it was, unsigned */
        /* a remote service checks the passphrase only when it signs */
        if (g_error_matches (local_error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_PASSPHRASE) ||
            g_error_matches (local_error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_REVOKED))
          {
            pz_store_rollback (self->store);
            engine_fail (error, PZ_ENGINE_ERROR_RULE, "%s", local_error->message);
            return NULL;
          }
        if (g_error_matches (local_error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_TIMESTAMP) ||
            g_error_matches (local_error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_SERVICE))
          {
            pz_store_rollback (self->store);
            g_message ("%s", local_error->message);
            engine_fail (error, PZ_ENGINE_ERROR_UNAVAILABLE, "%s", local_error->message);
            return NULL;
          }
        goto fail;
      }
  }
  {
    g_autoptr(PzMessage) message = compose_message (self, next, type, step, action, to, wf, request->note,
                                                    event_data, now);

    if (message && !pz_store_insert_message (self->store, message, &local_error))
      goto fail;
  }

  body = pz_engine_application_to_string (self, next, user, now);
  if (!pz_store_commit (self->store, &local_error))
    goto fail;

  if (changed)
    *changed = g_steal_pointer (&next);
  return g_steal_pointer (&body);

fail:
  pz_store_rollback (self->store);
  disk_full_or_internal (error, local_error);
  return NULL;
}
