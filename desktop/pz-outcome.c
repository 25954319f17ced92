/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-outcome"

#include "config.h"

#include <glib/gi18n.h>

#include "perizinan.h"
#include "pz-file-item.h"
#include "pz-outcome.h"

/* What an action produced, told from the file as the server sent it back,
 * and why a file came back to the one who opens it. */

static JsonObject *
last_event (JsonObject *file)
{
  JsonArray *history = file && json_object_has_member (file, "history")
                         ? json_object_get_array_member (file, "history") : NULL;

  if (history == NULL || json_array_get_length (history) == 0)
    return NULL;
  return json_array_get_object_element (history, json_array_get_length (history) - 1);
}

static gboolean
has_output (JsonObject *file,
            const char *kind)
{
  JsonArray *outputs = file && json_object_has_member (file, "outputs")
                         ? json_object_get_array_member (file, "outputs") : NULL;

  for (guint i = 0; kind && outputs && i < json_array_get_length (outputs); i++)
    if (g_strcmp0 (pz_json_get_string (json_array_get_object_element (outputs, i), "kind"), kind) == 0)
      return TRUE;
  return FALSE;
}

static const char *
role_of (JsonObject *step)
{
  JsonArray *roles = step && json_object_has_member (step, "roles")
                       ? json_object_get_array_member (step, "roles") : NULL;

  if (roles == NULL || json_array_get_length (roles) == 0)
    return NULL;
  return pz_role_title (json_array_get_string_element (roles, 0));
}

static JsonObject *
step_named (GHashTable *steps,
            const char *id)
{
  return steps && id ? g_hash_table_lookup (steps, id) : NULL;
}

static char *
output_ready (const char *kind)
{
  if (g_strcmp0 (kind, "bap") == 0)
    return g_strdup (_("BAP ready"));
  if (g_strcmp0 (kind, "draft") == 0)
    return g_strdup (_("Draft permit ready"));
  if (g_strcmp0 (kind, "receipt") == 0)
    return g_strdup (_("Receipt ready"));
  if (g_strcmp0 (kind, "permit") == 0)
    return g_strdup (_("Permit ready"));
  if (g_strcmp0 (kind, "refusal") == 0)
    return g_strdup (_("Refusal letter ready"));
  return NULL;
}

/**
 * pz_outcome_text:
 * @before: (nullable): the file as it was when the action was taken
 * @after: the file the server answered with
 * @steps: step id → step definition
 *
 * Returns: (transfer full): what the action produced, for a toast:
 *   the permit number given, the document made, where the file went
 */
char *
pz_outcome_text (JsonObject *before,
                 JsonObject *after,
                 GHashTable *steps)
{
  JsonObject *ev = last_event (after);
  const char *action = pz_json_get_string (ev, "action");
  JsonObject *from = step_named (steps, pz_json_get_string (ev, "from_step"));
  JsonObject *to = step_named (steps, pz_json_get_string (after, "step"));
  const char *form = pz_json_get_string (from, "form");
  const char *number = pz_json_get_string (after, "permit_number");

  if (g_strcmp0 (action, "refuse") == 0)
    return g_strdup (has_output (after, "refusal") ? _("File refused; refusal letter ready") : _("File refused"));
  if (g_strcmp0 (action, "return") == 0)
    {
      if (g_strcmp0 (pz_json_get_string (to, "clock"), "applicant") == 0)
        return g_strdup (_("Returned to the applicant"));
      if (role_of (to))
        return g_strdup_printf (_("Returned to %s"), role_of (to));
      return g_strdup (_("Returned"));
    }
  /* the number is official from the moment it is given: say it */
  if (number && pz_json_get_string (before, "permit_number") == NULL)
    return g_strdup_printf (_("Number %s assigned"), number);
  if (g_strcmp0 (form, "signature") == 0)
    return g_strdup (_("Permit signed"));
  if (g_strcmp0 (form, "handover") == 0)
    {
      const char *who = pz_json_get_string (after, "received_by");
      return who ? g_strdup_printf (_("Permit handed over to %s"), who) : g_strdup (_("Permit handed over"));
    }
  if (has_output (after, pz_json_get_string (from, "output")))
    {
      char *ready = output_ready (pz_json_get_string (from, "output"));
      if (ready)
        return ready;
    }
  if (from && json_object_has_member (from, "actions") &&
      json_object_has_member (json_object_get_object_member (from, "actions"), "refuse") && role_of (to))
    return g_strdup_printf (_("Permit approved; forwarded to %s"), role_of (to));
  if (role_of (to))
    return g_strdup_printf (_("Forwarded to %s"), role_of (to));
  return g_strdup (_("Done"));
}

/**
 * pz_returned_text:
 * @file: a file
 *
 * Returns: (transfer full) (nullable): who sent the file back to the step
 *   it is at now, when, and their note; %NULL when it did not come back
 */
char *
pz_returned_text (JsonObject *file)
{
  JsonObject *ev = last_event (file);
  const char *role = pz_role_title (pz_json_get_string (ev, "role"));
  g_autofree char *when = NULL;
  g_autofree char *who = NULL;

  if (g_strcmp0 (pz_json_get_string (ev, "action"), "return") != 0 ||
      g_strcmp0 (pz_json_get_string (ev, "to_step"), pz_json_get_string (file, "step")) != 0)
    return NULL;
  when = pz_format_local_time (pz_json_get_string (ev, "at"));
  who = role ? g_strdup_printf ("%s (%s)", pz_json_get_string (ev, "full_name"), role)
             : g_strdup (pz_json_get_string (ev, "full_name"));
  if (pz_json_get_string (ev, "note"))
    /* Translators: who, when, and the note they wrote */
    return g_strdup_printf (_("Returned to you by %s on %s: “%s”"), who, when, pz_json_get_string (ev, "note"));
  return g_strdup_printf (_("Returned to you by %s on %s"), who, when);
}

/**
 * pz_returned_banner_new:
 * @file: a file
 *
 * Returns: (transfer floating) (nullable): a banner telling who returned the
 *   file and why, for the top of the file; %NULL when it was not returned
 */
GtkWidget *
pz_returned_banner_new (JsonObject *file)
{
  g_autofree char *text = pz_returned_text (file);
  GtkWidget *label;

  if (text == NULL)
    return NULL;
  label = gtk_label_new (text);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "pz-warning");
  gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
  return label;
}
