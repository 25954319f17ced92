/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "pz-roles.h"

const char * const pz_roles[] = {
  "pemohon",
  "front_office",
  "tim_teknis",
  "back_office",
  "kasi",
  "kabid",
  "sekretaris",
  "kadis",
  "admin",
  NULL
};

const char * const pz_office_roles[] = {
  "front_office", "tim_teknis", "back_office", "kasi", "kabid", "sekretaris", "kadis", NULL
};

/* The report is for the heads of the office and the administrator. */
const char * const pz_report_readers[] = {
  "kasi", "kabid", "sekretaris", "kadis", "admin", NULL
};

/* Whether one of @held is one of @wanted. */
gboolean
pz_roles_any (const char * const *held,
              const char * const *wanted)
{
  for (guint i = 0; held && held[i]; i++)
    if (g_strv_contains (wanted, held[i]))
      return TRUE;
  return FALSE;
}

static const char * const role_titles[] = {
  N_("Applicant"),
  N_("Front office"),
  N_("Technical team"),
  N_("Back office"),
  N_("Section head"),
  N_("Division head"),
  N_("Secretary"),
  N_("Head of office"),
  N_("Administrator"),
};

G_STATIC_ASSERT (G_N_ELEMENTS (role_titles) == G_N_ELEMENTS (pz_roles) - 1);

gboolean
pz_role_is_known (const char *role)
{
  return role != NULL && g_strv_contains (pz_roles, role);
}

/**
 * pz_role_title:
 * @role: a role id such as `kasi`
 *
 * Returns: (transfer none): the translated title of @role, or %NULL if unknown
 */
const char *
pz_role_title (const char *role)
{
  for (guint i = 0; pz_roles[i] != NULL; i++)
    if (g_strcmp0 (pz_roles[i], role) == 0)
      return g_dgettext (GETTEXT_PACKAGE, role_titles[i]);
  return NULL;
}
