/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "pz-vocabulary.h"

const char * const pz_request_types[] = { "new", "renewal", "change", NULL };

const char * const pz_holiday_kinds[] = { "national", "cuti_bersama", "regional", NULL };

/* Returns: (transfer none): how a request type reads; an unknown code as it is */
const char *
pz_request_type_title (const char *code)
{
  if (g_strcmp0 (code, "new") == 0)
    return _("New");
  if (g_strcmp0 (code, "renewal") == 0)
    return _("Renewal");
  if (g_strcmp0 (code, "change") == 0)
    return _("Change");
  return code;
}

/* Returns: (transfer none): how a kind of day off reads */
const char *
pz_holiday_kind_title (const char *kind)
{
  if (g_strcmp0 (kind, "cuti_bersama") == 0)
    return _("Collective leave");
  if (g_strcmp0 (kind, "regional") == 0)
    return _("Regional day off");
  return _("National holiday");
}

/* Returns: (transfer none): the name of a document a step produces */
const char *
pz_output_kind_title (const char *kind)
{
  if (g_strcmp0 (kind, "receipt") == 0)
    return _("Receipt");
  if (g_strcmp0 (kind, "bap") == 0)
    return _("Inspection report (BAP)");
  if (g_strcmp0 (kind, "draft") == 0)
    return _("Draft permit");
  if (g_strcmp0 (kind, "permit") == 0)
    return _("Permit");
  if (g_strcmp0 (kind, "refusal") == 0)
    return _("Refusal letter");
  return kind;
}
