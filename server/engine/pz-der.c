/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "pz-der.h"

/**
 * pz_der_next:
 * @cursor: what is left to read; advanced past the element read
 * @tag: (out): the element's tag
 * @content: (out) (optional): its content
 * @whole: (out) (optional): the element with its tag and length
 *
 * Reads one element. Multi-byte tags, indefinite lengths, lengths over
 * 16 MiB and lengths beyond the end of @cursor are refused.
 *
 * Returns: whether an element was read
 */
gboolean
pz_der_next (PzDer  *cursor,
             guint8 *tag,
             PzDer  *content,
             PzDer  *whole)
{
  const guint8 *p = cursor->data;
  gsize left = cursor->len, head = 2, len;

  if (left < 2 || (p[0] & 0x1f) == 0x1f)
    return FALSE;
  len = p[1];
  if (len & 0x80)
    {
      gsize n = len & 0x7f;

      if (n == 0 || n > 3 || left < 2 + n)
        return FALSE;
      len = 0;
      for (gsize i = 0; i < n; i++)
        len = (len << 8) | p[2 + i];
      head += n;
    }
  if (len > left - head)
    return FALSE;
  *tag = p[0];
  if (content)
    {
      content->data = p + head;
      content->len = len;
    }
  if (whole)
    {
      whole->data = p;
      whole->len = head + len;
    }
  cursor->data += head + len;
  cursor->len -= head + len;
  return TRUE;
}

/* Reads one element, which must have @tag. */
gboolean
pz_der_expect (PzDer *cursor,
               guint8 tag,
               PzDer *content,
               PzDer *whole)
{
  PzDer copy = *cursor;
  guint8 got;

  if (!pz_der_next (&copy, &got, content, whole) || got != tag)
    return FALSE;
  *cursor = copy;
  return TRUE;
}

static void
append_length (GByteArray *out,
               gsize       len)
{
  guint8 b[5];
  guint n = 0;

  if (len < 0x80)
    {
      b[0] = (guint8) len;
      g_byte_array_append (out, b, 1);
      return;
    }
  for (gsize l = len; l; l >>= 8)
    n++;
  b[0] = (guint8) (0x80 | n);
  for (guint i = 0; i < n; i++)
    b[1 + i] = (guint8) (len >> (8 * (n - 1 - i)));
  g_byte_array_append (out, b, n + 1);
}

void
pz_der_append (GByteArray   *out,
               guint8        tag,
               const guint8 *content,
               gsize         len)
{
  g_byte_array_append (out, &tag, 1);
  append_length (out, len);
  if (len)
    g_byte_array_append (out, content, (guint) len);
}

static GByteArray *
oid_content (const char *dotted)
{
  g_auto(GStrv) arcs = g_strsplit (dotted, ".", -1);
  GByteArray *out = g_byte_array_new ();
  guint n = g_strv_length (arcs);

  g_return_val_if_fail (n >= 2, out);
  for (guint i = 1; i < n; i++)
    {
      guint64 v = g_ascii_strtoull (arcs[i], NULL, 10);
      guint8 b[10];
      guint k = 0;

      if (i == 1)
        v += 40 * g_ascii_strtoull (arcs[0], NULL, 10);
      do
        {
          b[k++] = (guint8) (v & 0x7f);
          v >>= 7;
        }
      while (v);
      while (k--)
        {
          guint8 c = b[k] | (k ? 0x80 : 0);
          g_byte_array_append (out, &c, 1);
        }
    }
  return out;
}

void
pz_der_append_oid (GByteArray *out,
                   const char *dotted)
{
  g_autoptr(GByteArray) c = oid_content (dotted);

  pz_der_append (out, PZ_DER_OID, c->data, c->len);
}

/* Whether @content (an OID's content) is @dotted. */
gboolean
pz_der_is_oid (const PzDer *content,
               const char  *dotted)
{
  g_autoptr(GByteArray) c = oid_content (dotted);

  return c->len == content->len && memcmp (c->data, content->data, c->len) == 0;
}

/**
 * pz_der_parse_time:
 * @content: a UTCTime's or GeneralizedTime's content
 * @tag: which of the two
 *
 * Returns: the Unix time, or -1 if @content is not a time in UTC ("Z")
 *   of whole seconds, fractions allowed and dropped
 */
gint64
pz_der_parse_time (const PzDer *content,
                   guint8       tag)
{
  char text[32];
  gsize n = content->len, digits = tag == PZ_DER_UTC_TIME ? 12 : 14;
  int f[7] = { 0 };
  g_autoptr(GDateTime) t = NULL;

  if (n >= sizeof text || n < digits + 1 || content->data[n - 1] != 'Z')
    return -1;
  memcpy (text, content->data, n);
  text[n] = '\0';
  for (gsize i = 0; i < digits; i++)
    if (!g_ascii_isdigit (text[i]))
      return -1;
  if (n > digits + 1 && (text[digits] != '.' || n < digits + 3))
    return -1;
  for (gsize i = digits + 1; i + 1 < n; i++)
    if (!g_ascii_isdigit (text[i]))
      return -1;
  {
    const char *p = text;
    if (tag == PZ_DER_UTC_TIME)
      {
        f[0] = (p[0] - '0') * 10 + (p[1] - '0');
        f[0] += f[0] < 50 ? 2000 : 1900;
        p += 2;
      }
    else
      {
        f[0] = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
        p += 4;
      }
    for (int i = 1; i < 6; i++, p += 2)
      f[i] = (p[0] - '0') * 10 + (p[1] - '0');
  }
  t = g_date_time_new_utc (f[0], f[1], f[2], f[3], f[4], f[5]);
  return t ? g_date_time_to_unix (t) : -1;
}
