/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The rules of administration: roles, the separation of the
 * administrator from the office's work, passwords. */
#define G_LOG_DOMAIN "pz-engine"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pz-engine-private.h"

/* Roles from a JSON array: every one known, none twice. */
char **
pz_engine_read_roles (JsonObject *body,
                      GPtrArray  *details)
{
  JsonNode *node = json_object_get_member (body, "roles");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *array;

  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (array = json_node_get_array (node)) == 0)
    {
      pz_detail_add (details, "roles", "%s", _("Give at least one role"));
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *e = json_array_get_element (array, i);
      const char *role = JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING
                         ? json_node_get_string (e) : NULL;

      if (role == NULL || !pz_role_is_known (role))
        {
          pz_detail_add (details, "roles", _("“%s” is not a role"), role ? role : "?");
          return NULL;
        }
      if (g_hash_table_add (seen, (gpointer) role))
        g_strv_builder_add (builder, role);
    }
  return g_strv_builder_end (builder);
}

/* Separation of duties: the administrator (users, roles, the signing key)
 * holds no office role, unless a small office allows it in its settings. */
void
pz_engine_check_roles (const char * const *roles,
                       gboolean            admin_may_hold_office_roles,
                       GPtrArray          *details)
{
  if (roles == NULL || admin_may_hold_office_roles ||
      !g_strv_contains (roles, "admin") || g_strv_length ((char **) roles) < 2)
    return;
  pz_detail_add (details, "roles", "%s",
                 _("The administrator cannot also hold an office role; a small office may allow it "
                   "with admin_may_hold_office_roles in the server's settings"));
}

/* An official's password is long enough. */
gboolean
pz_engine_check_password (const char *field,
                          const char *password,
                          GPtrArray  *details)
{
  if (g_utf8_strlen (password, -1) >= PZ_MIN_PASSWORD_LENGTH)
    return TRUE;
  pz_detail_add (details, field, _("At least %d characters"), PZ_MIN_PASSWORD_LENGTH);
  return FALSE;
}

/* A signing identity the administrator links to a user: with a remote
 * signing service the signer's NIK (16 digits); otherwise a pkcs11: URI of
 * a token, or the name of a PKCS#12 file in the data directory's signing
 * folder (a name, not a path). An empty one unlinks it. */
gboolean
pz_engine_check_signing_identity (PzEngine   *self,
                                  const char *identity,
                                  GPtrArray  *details)
{
  gsize len = strlen (identity);

  if (len == 0)
    return TRUE;
  if (self->remote_url)
    {
      gboolean digits = len == 16;

      for (const char *p = identity; digits && *p; p++)
        digits = g_ascii_isdigit (*p);
      if (!digits)
        pz_detail_add (details, "signing_identity", "%s",
                       _("The office signs through a signing service: give the signer's NIK of 16 digits"));
      return digits;
    }
  if (pz_signer_identity_is_pkcs11 (identity))
    {
      if (!pz_valid_text (identity, 1000))
        {
          pz_detail_add (details, "signing_identity", "%s", _("This pkcs11: URI is too long or not text"));
          return FALSE;
        }
      return TRUE;
    }
  {
    g_autofree char *path = NULL;
    gboolean name = len <= 100 && identity[0] != '.';

    for (const char *p = identity; name && *p; p++)
      name = g_ascii_isalnum (*p) || *p == '.' || *p == '_' || *p == '-';
    if (!name)
      {
        pz_detail_add (details, "signing_identity", "%s",
                       _("Give the name of a PKCS#12 file in the server's signing folder, or a pkcs11: URI"));
        return FALSE;
      }
    path = g_build_filename (self->data_dir, "signing", identity, NULL);
    if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
      {
        pz_detail_add (details, "signing_identity", _("There is no file %s in the server's signing folder"),
                       identity);
        return FALSE;
      }
  }
  return TRUE;
}
