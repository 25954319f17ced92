/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define PZ_WORKFLOW_ERROR (pz_workflow_error_quark ())

typedef enum {
  PZ_WORKFLOW_ERROR_PARSE,
  PZ_WORKFLOW_ERROR_INVALID,
  PZ_WORKFLOW_ERROR_NOT_ALLOWED,
} PzWorkflowError;

typedef enum {
  PZ_ACTION_APPROVE,
  PZ_ACTION_RETURN,
  PZ_ACTION_REFUSE,
  PZ_N_ACTIONS
} PzAction;

typedef enum {
  PZ_STATUS_IN_PROGRESS,
  PZ_STATUS_WAITING_APPLICANT,
  PZ_STATUS_ISSUED,
  PZ_STATUS_REFUSED,
} PzStatus;

/* What an `approve` at a step needs; the server implements each kind. */
typedef enum {
  PZ_FORM_NONE,
  PZ_FORM_DOCUMENTS_COMPLETE,
  PZ_FORM_SURVEY,
  PZ_FORM_PERMIT_FIELDS,
  PZ_FORM_NUMBERING,
  PZ_FORM_SIGNATURE,
  PZ_FORM_HANDOVER,
} PzForm;

/* Conditions a permit type sets; a step with `when` applies only if set. */
typedef enum {
  PZ_CONDITION_SURVEY = 1 << 0,
} PzConditions;

typedef struct {
  char        *id;
  char        *title;
  char       **roles;
  gint64       standard_minutes;      /* 0: no standard */
  guint        standard_working_days; /* 0: standard in minutes, if any */
  char        *output;
  PzForm       form;
  PzConditions when;
  gboolean     applicant_clock;       /* time here is the applicant's, not the office's */
  gboolean     documents;             /* the step's roles may upload and check documents */
  gboolean     review;                /* a verification or decision: four eyes, see DOMAIN.md */
  gboolean     final;
  PzStatus     final_status;
  char        *targets[PZ_N_ACTIONS];
} PzStep;

typedef struct _PzWorkflow PzWorkflow;

GQuark          pz_workflow_error_quark     (void);

PzWorkflow     *pz_workflow_new_from_data   (const char   *data,
                                             gssize        length,
                                             const char   *source,
                                             GError      **error);
PzWorkflow     *pz_workflow_new_from_file   (const char   *path,
                                             GError      **error);
PzWorkflow     *pz_workflow_ref             (PzWorkflow   *self);
void            pz_workflow_unref           (PzWorkflow   *self);

const char     *pz_workflow_get_id          (PzWorkflow   *self);
const char     *pz_workflow_get_title       (PzWorkflow   *self);
const PzStep   *pz_workflow_get_start       (PzWorkflow   *self,
                                             PzConditions  conditions);
const PzStep   *pz_workflow_get_step        (PzWorkflow   *self,
                                             const char   *id);
guint           pz_workflow_get_n_steps     (PzWorkflow   *self);
const PzStep   *pz_workflow_get_nth_step    (PzWorkflow   *self,
                                             guint         n);
const PzStep   *pz_workflow_transition      (PzWorkflow   *self,
                                             const PzStep *from,
                                             PzAction      action,
                                             PzConditions  conditions,
                                             GError      **error);
JsonNode       *pz_workflow_to_json         (PzWorkflow   *self);

gboolean        pz_step_has_role            (const PzStep *step,
                                             const char   *role);
gboolean        pz_step_allows              (const PzStep *step,
                                             const char * const *roles,
                                             PzAction      action);
PzStatus        pz_step_get_status          (const PzStep *step);

const char     *pz_action_to_string         (PzAction      action);
gboolean        pz_action_from_string       (const char   *str,
                                             PzAction     *action);
const char     *pz_status_to_string         (PzStatus      status);
gboolean        pz_status_from_string       (const char   *str,
                                             PzStatus     *status);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PzWorkflow, pz_workflow_unref)

G_END_DECLS
