/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pz-csv.h"

#define BOM "\xef\xbb\xbf"

/**
 * pz_csv_append_row:
 * @out: the CSV so far; an empty string gets the byte-order mark first
 * @fields: the row's fields
 */
void
pz_csv_append_row (GString            *out,
                   const char * const *fields)
{
  if (out->len == 0)
    g_string_append (out, BOM);
  for (guint i = 0; fields[i]; i++)
    {
      const char *f = fields[i];

      if (i)
        g_string_append_c (out, ',');
      if (strpbrk (f, ",\"\r\n") || (*f == ' ' || (*f && f[strlen (f) - 1] == ' ')))
        {
          g_string_append_c (out, '"');
          for (const char *p = f; *p; p++)
            {
              if (*p == '"')
                g_string_append_c (out, '"');
              g_string_append_c (out, *p);
            }
          g_string_append_c (out, '"');
        }
      else
        g_string_append (out, f);
    }
  g_string_append (out, "\r\n");
}

/**
 * pz_csv_parse:
 *
 * Reads what pz_csv_append_row() writes (and other RFC 4180 CSV).
 *
 * Returns: (transfer full) (element-type GStrv): the rows
 */
GPtrArray *
pz_csv_parse (const char *text,
              gsize       length,
              GError    **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GPtrArray) row = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) field = g_string_new (NULL);
  const char *p = text, *end = text + length;
  gboolean quoted = FALSE, any = FALSE;

  if (length >= 3 && memcmp (p, BOM, 3) == 0)
    p += 3;
  while (p < end)
    {
      char c = *p++;

      any = TRUE;
      if (quoted)
        {
          if (c == '"' && p < end && *p == '"')
            {
              g_string_append_c (field, '"');
              p++;
            }
          else if (c == '"')
            quoted = FALSE;
          else
            g_string_append_c (field, c);
        }
      else if (c == '"' && field->len == 0)
        quoted = TRUE;
      else if (c == ',')
        {
          g_ptr_array_add (row, g_strdup (field->str));
          g_string_truncate (field, 0);
        }
      else if (c == '\r' || c == '\n')
        {
          if (c == '\r' && p < end && *p == '\n')
            p++;
          g_ptr_array_add (row, g_strdup (field->str));
          g_string_truncate (field, 0);
          g_ptr_array_add (row, NULL);
          g_ptr_array_add (rows, g_ptr_array_steal (row, NULL));
          g_ptr_array_set_free_func (row, g_free);
          any = FALSE;
        }
      else
        g_string_append_c (field, c);
    }
  if (quoted)
    {
      g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_PARSE, _("A quoted field is not closed"));
      return NULL;
    }
  if (any)
    {
      g_ptr_array_add (row, g_strdup (field->str));
      g_ptr_array_add (row, NULL);
      g_ptr_array_add (rows, g_ptr_array_steal (row, NULL));
    }
  return g_steal_pointer (&rows);
}
