/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "pz-workflow.h"

G_BEGIN_DECLS

#define PZ_PERMIT_TYPE_ERROR (pz_permit_type_error_quark ())

typedef enum {
  PZ_PERMIT_TYPE_ERROR_INVALID,
} PzPermitTypeError;

typedef enum {
  PZ_FIELD_TEXT,
  PZ_FIELD_TEXTAREA,
  PZ_FIELD_NUMBER,
  PZ_FIELD_DATE,
} PzFieldType;

typedef enum {
  PZ_SIGNING_ELECTRONIC,
  PZ_SIGNING_WET,
} PzSigning;

typedef struct {
  char      *code;
  char      *title;
  gboolean   mandatory;
  char     **request_types;
} PzRequirement;

typedef struct {
  char        *name;
  char        *label;
  PzFieldType  type;
  gboolean     required;
} PzField;

/* The words of the decree (Keputusan Kepala Dinas) that grants the permit:
 * what the office set for this permit type. Each is a %NULL-terminated list
 * of paragraphs; an empty list when not set. */
typedef struct {
  char **considering;   /* Menimbang */
  char **observing;     /* Mengingat */
  char **obligations;   /* the holder's conditions and obligations */
  char **provisions;    /* further dictums of Memutuskan */
  char **copies;        /* Tembusan */
} PzDecree;

typedef struct {
  gatomicrefcount  ref_count;
  char            *code;
  char            *name;
  char            *workflow;
  char           **request_types;
  GPtrArray       *requirements;  /* PzRequirement */
  GPtrArray       *fields;        /* PzField */
  gboolean         survey;
  PzSigning        signing;
  char            *number_format;
  guint            validity_months;
  guint            service_days;
  guint            version;       /* the edition a file was registered under; 0: none yet */
  PzDecree         decree;
  char            *holder_photo;  /* (nullable): the requirement whose photo the permit shows */
} PzPermitType;

/* The most paragraphs of each part of a decree, and their length. */
#define PZ_DECREE_MAX_ITEMS 30
#define PZ_DECREE_MAX_CHARS 1000

/* The longest text a permit field or note may hold. */
#define PZ_MAX_TEXT 4000

GQuark         pz_permit_type_error_quark      (void);

PzPermitType  *pz_permit_type_new_from_json    (JsonNode      *node,
                                                GError       **error);
JsonNode      *pz_permit_type_to_json          (PzPermitType  *self);
PzPermitType  *pz_permit_type_ref              (PzPermitType  *self);
void           pz_permit_type_unref            (PzPermitType  *self);

PzConditions   pz_permit_type_get_conditions   (PzPermitType  *self);
gboolean       pz_permit_type_has_request_type (PzPermitType  *self,
                                                const char    *request_type);
const PzRequirement *pz_permit_type_find_requirement (PzPermitType *self,
                                                const char    *request_type,
                                                const char    *code);
gboolean       pz_requirement_blocks_completion (gboolean    mandatory,
                                                const char *state);
char          *pz_requirement_open_reason (const char *title,
                                           const char *state);
const PzField *pz_permit_type_find_field       (PzPermitType  *self,
                                                const char    *name);
gboolean       pz_permit_type_check_data       (PzPermitType  *self,
                                                JsonObject    *data,
                                                gboolean       require_all,
                                                GPtrArray     *details);
char          *pz_format_number                (const char    *format,
                                                const char    *code,
                                                guint64        sequence,
                                                GDateTime     *when);
char          *pz_permit_type_format_number    (PzPermitType  *self,
                                                guint64        sequence,
                                                GDateTime     *when);
gboolean       pz_number_format_is_valid       (const char    *format,
                                                GError       **error);

const char    *pz_signing_to_string            (PzSigning      signing);
const char    *pz_field_type_to_string         (PzFieldType    type);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PzPermitType, pz_permit_type_unref)

G_END_DECLS
