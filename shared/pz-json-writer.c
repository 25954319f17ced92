/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-json-writer"

#include "config.h"

#include <math.h>

#include "pz-json-writer.h"

#define MAX_DEPTH 64

struct _PzJsonWriter
{
  GString *out;
  guint    depth;
  gboolean first[MAX_DEPTH];   /* nothing written yet at this level */
  gboolean after_member;       /* a member name waits for its value */
};

PzJsonWriter *
pz_json_writer_new (void)
{
  PzJsonWriter *self = g_new0 (PzJsonWriter, 1);

  self->out = g_string_sized_new (1024);
  self->first[0] = TRUE;
  return self;
}

void
pz_json_writer_free (PzJsonWriter *self)
{
  if (self == NULL)
    return;
  g_string_free (self->out, TRUE);
  g_free (self);
}

/**
 * pz_json_writer_free_to_string:
 * @self: (transfer full): a writer whose every object and array is closed
 *
 * Returns: (transfer full): the JSON text
 */
char *
pz_json_writer_free_to_string (PzJsonWriter *self)
{
  char *text;

  g_warn_if_fail (self->depth == 0);
  text = g_string_free (self->out, FALSE);
  g_free (self);
  return text;
}

static void
before_value (PzJsonWriter *self)
{
  if (self->after_member)
    {
      self->after_member = FALSE;
      return;
    }
  if (!self->first[self->depth])
    g_string_append_c (self->out, ',');
  self->first[self->depth] = FALSE;
}

static void
push (PzJsonWriter *self,
      char          open)
{
  before_value (self);
  g_string_append_c (self->out, open);
  g_return_if_fail (self->depth + 1 < MAX_DEPTH);
  self->depth++;
  self->first[self->depth] = TRUE;
}

static void
pop (PzJsonWriter *self,
     char          close)
{
  g_return_if_fail (self->depth > 0);
  self->depth--;
  g_string_append_c (self->out, close);
}

void
pz_json_writer_begin_object (PzJsonWriter *self)
{
  push (self, '{');
}

void
pz_json_writer_end_object (PzJsonWriter *self)
{
  pop (self, '}');
}

void
pz_json_writer_begin_array (PzJsonWriter *self)
{
  push (self, '[');
}

void
pz_json_writer_end_array (PzJsonWriter *self)
{
  pop (self, ']');
}

static void
append_escaped (GString    *out,
                const char *s)
{
  static const char hex[] = "0123456789abcdef";
  const unsigned char *run = (const unsigned char *) s;
  const unsigned char *p;

  g_string_append_c (out, '"');
  /* what needs no escape goes in whole runs */
  for (p = run; *p; p++)
    {
      if (*p >= 0x20 && *p != '"' && *p != '\\')
        continue;
      g_string_append_len (out, (const char *) run, p - run);
      run = p + 1;
      switch (*p)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        default:
          g_string_append (out, "\\u00");
          g_string_append_c (out, hex[*p >> 4]);
          g_string_append_c (out, hex[*p & 15]);
          break;
        }
    }
  g_string_append_len (out, (const char *) run, p - run);
  g_string_append_c (out, '"');
}

void
pz_json_writer_member (PzJsonWriter *self,
                       const char   *name)
{
  before_value (self);
  append_escaped (self->out, name);
  g_string_append_c (self->out, ':');
  self->after_member = TRUE;
}

/**
 * pz_json_writer_string:
 * @self: a writer
 * @value: (nullable): valid UTF-8, or %NULL for a JSON null
 */
void
pz_json_writer_string (PzJsonWriter *self,
                       const char   *value)
{
  before_value (self);
  if (value == NULL)
    g_string_append (self->out, "null");
  else if (!g_utf8_validate (value, -1, NULL))
    append_escaped (self->out, "\xef\xbf\xbd");
  else
    append_escaped (self->out, value);
}

void
pz_json_writer_int (PzJsonWriter *self,
                    gint64        value)
{
  char buf[24];
  char *p = buf + sizeof buf;
  guint64 u = value < 0 ? 0 - (guint64) value : (guint64) value;

  before_value (self);
  do
    *--p = (char) ('0' + u % 10);
  while ((u /= 10) != 0);
  if (value < 0)
    *--p = '-';
  g_string_append_len (self->out, p, buf + sizeof buf - p);
}

/* A number as JSON writes it, whatever the locale; null if not finite. */
void
pz_json_writer_double (PzJsonWriter *self,
                       double        value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  before_value (self);
  if (!isfinite (value))
    g_string_append (self->out, "null");
  else
    g_string_append (self->out, g_ascii_formatd (buf, sizeof buf, "%.10g", value));
}

void
pz_json_writer_bool (PzJsonWriter *self,
                     gboolean      value)
{
  before_value (self);
  g_string_append (self->out, value ? "true" : "false");
}

void
pz_json_writer_null (PzJsonWriter *self)
{
  before_value (self);
  g_string_append (self->out, "null");
}

/**
 * pz_json_writer_raw:
 * @self: a writer
 * @json: (nullable): a complete JSON value this program wrote itself, or
 *   %NULL for a JSON null
 */
void
pz_json_writer_raw (PzJsonWriter *self,
                    const char   *json)
{
  before_value (self);
  g_string_append (self->out, json ? json : "null");
}

const char *
pz_json_get_string (JsonObject *obj,
                    const char *member)
{
  JsonNode *node = obj ? json_object_get_member (obj, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}
