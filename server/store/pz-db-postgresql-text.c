/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The PostgreSQL driver's text: the store's SQL in PostgreSQL's
 * placeholders, and a connection URI as a message may quote it. */
#define G_LOG_DOMAIN "pz-db"

#include "config.h"

#include <libpq-fe.h>
#include <string.h>

#include "pz-db-postgresql.h"

/* Rewrites SQLite's `?` and `?N` into `$N`, leaving string literals,
 * quoted identifiers, dollar-quoted bodies and comments as they are.  A
 * bare `?` takes the number after the largest one seen so far, as in
 * SQLite.  Returns the largest number in @n_params. */
char *
pz_db_postgresql_rewrite (const char *sql,
                          int        *n_params)
{
  GString *out = g_string_sized_new (strlen (sql) + 16);
  int max = 0;
  const char *p = sql;

  while (*p)
    {
      if (*p == '\'' || *p == '"')
        {
          char quote = *p;
          gboolean backslashes = quote == '\'' && p > sql && (p[-1] == 'E' || p[-1] == 'e');
          const char *start = p++;

          while (*p && *p != quote)
            {
              if (backslashes && *p == '\\' && p[1])
                p++;
              p++;
            }
          if (*p)
            p++;
          g_string_append_len (out, start, p - start);
        }
      else if (p[0] == '-' && p[1] == '-')
        {
          const char *start = p;

          while (*p && *p != '\n')
            p++;
          g_string_append_len (out, start, p - start);
        }
      else if (p[0] == '/' && p[1] == '*')
        {
          const char *end = strstr (p + 2, "*/");
          const char *stop = end ? end + 2 : p + strlen (p);

          g_string_append_len (out, p, stop - p);
          p = stop;
        }
      else if (*p == '$' && (p[1] == '$' || g_ascii_isalpha (p[1]) || p[1] == '_'))
        {
          /* $tag$ … $tag$; a $ followed by anything else is copied */
          const char *tag_end = p + 1;

          while (g_ascii_isalnum (*tag_end) || *tag_end == '_')
            tag_end++;
          if (*tag_end == '$')
            {
              g_autofree char *tag = g_strndup (p, tag_end - p + 1);
              const char *close = strstr (tag_end + 1, tag);
              const char *stop = close ? close + strlen (tag) : p + strlen (p);

              g_string_append_len (out, p, stop - p);
              p = stop;
            }
          else
            {
              g_string_append_len (out, p, tag_end - p);
              p = tag_end;
            }
        }
      else if (*p == '?')
        {
          int n;

          p++;
          if (g_ascii_isdigit (*p))
            {
              char *end;

              n = (int) strtol (p, &end, 10);
              p = end;
            }
          else
            n = max + 1;
          max = MAX (max, n);
          g_string_append_printf (out, "$%d", n);
        }
      else
        g_string_append_c (out, *p++);
    }
  *n_params = max;
  return g_string_free (out, FALSE);
}

/* The location as it may be quoted: the password of its user part and of
 * a password= parameter left out. */
char *
pz_db_postgresql_safe_uri (const char *uri)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *scheme_end = strstr (uri, "://");
  const char *p = uri;

  if (scheme_end)
    {
      const char *authority = scheme_end + 3;
      const char *authority_end = authority + strcspn (authority, "/?#");
      const char *at = g_strstr_len (authority, authority_end - authority, "@");
      const char *colon = at ? g_strstr_len (authority, at - authority, ":") : NULL;

      if (colon)
        {
          g_string_append_len (out, uri, colon - uri);
          p = at;
        }
    }
  while (*p)
    {
      const char *param = p;
      gboolean is_password = (p > uri && (p[-1] == '?' || p[-1] == '&')) &&
                             g_ascii_strncasecmp (p, "password=", 9) == 0;

      if (is_password)
        {
          p += strcspn (p, "&#");
          /* drop the parameter and its separator */
          if (*p == '&')
            p++;
          else if (out->len > 0 && (out->str[out->len - 1] == '&' || out->str[out->len - 1] == '?'))
            g_string_truncate (out, out->len - 1);
          continue;
        }
      g_string_append_c (out, *param);
      p = param + 1;
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* (transfer full) (nullable): the password @uri gives */
char *
pz_db_postgresql_password_of (const char *uri)
{
  PQconninfoOption *options = PQconninfoParse (uri, NULL);
  char *password = NULL;

  for (PQconninfoOption *o = options; o && o->keyword; o++)
    if (g_str_equal (o->keyword, "password") && o->val && *o->val)
      password = g_strdup (o->val);
  PQconninfoFree (options);
  return password;
}

/* Whether @sql begins with the keyword @word, in any case */
gboolean
pz_db_postgresql_starts_with_word (const char *sql,
                                   const char *word)
{
  while (g_ascii_isspace (*sql))
    sql++;
  return g_ascii_strncasecmp (sql, word, strlen (word)) == 0 &&
         (sql[strlen (word)] == '\0' || !g_ascii_isalpha (sql[strlen (word)]));
}
