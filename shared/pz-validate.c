/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-validate"

#include "config.h"

#include <string.h>

#include "pz-validate.h"

typedef struct {
  char *field;
  char *message;
} PzDetail;

static void
pz_detail_free (PzDetail *detail)
{
  g_free (detail->field);
  g_free (detail->message);
  g_free (detail);
}

/**
 * pz_details_new:
 *
 * Returns: (transfer full): a list of field problems for a 422 answer
 */
GPtrArray *
pz_details_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) pz_detail_free);
}

void
pz_detail_add (GPtrArray  *details,
               const char *field,
               const char *format,
               ...)
{
  PzDetail *detail = g_new0 (PzDetail, 1);
  va_list args;

  va_start (args, format);
  detail->message = g_strdup_vprintf (format, args);
  va_end (args);
  detail->field = g_strdup (field);
  g_ptr_array_add (details, detail);
}

JsonNode *
pz_details_to_json (GPtrArray *details)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_array (b);
  for (guint i = 0; details && i < details->len; i++)
    {
      PzDetail *detail = g_ptr_array_index (details, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "field");
      json_builder_add_string_value (b, detail->field);
      json_builder_set_member_name (b, "message");
      json_builder_add_string_value (b, detail->message);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return json_builder_get_root (b);
}

static gboolean
all_digits (const char *s,
            gsize       len)
{
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

/**
 * pz_valid_nip:
 *
 * Returns: whether @nip is a civil servant's number: 18 digits
 */
gboolean
pz_valid_nip (const char *nip)
{
  return nip != NULL && strlen (nip) == 18 && strspn (nip, "0123456789") == 18;
}

/**
 * pz_valid_nik:
 * @nik: a national ID number
 *
 * A NIK is 16 digits: region (6), birth date (6, day + 40 for women),
 * serial (4).
 *
 * Returns: whether @nik has that shape
 */
gboolean
pz_valid_nik (const char *nik)
{
  int day, month;

  if (nik == NULL || strlen (nik) != 16 || !all_digits (nik, 16))
    return FALSE;
  day = (nik[6] - '0') * 10 + (nik[7] - '0');
  month = (nik[8] - '0') * 10 + (nik[9] - '0');
  if (day > 40)
    day -= 40;
  if (day < 1 || day > 31 || month < 1 || month > 12)
    return FALSE;
  return strncmp (nik + 12, "0000", 4) != 0;
}

/**
 * pz_valid_phone:
 * @phone: a phone number as typed
 *
 * Returns: whether @phone is an Indonesian or international number: a leading
 *   `+` or `0`, 8 to 15 digits, spaces and dashes allowed between them
 */
gboolean
pz_valid_phone (const char *phone)
{
  guint digits = 0;

  if (phone == NULL || (phone[0] != '+' && phone[0] != '0'))
    return FALSE;
  for (const char *p = phone[0] == '+' ? phone + 1 : phone; *p; p++)
    {
      if (g_ascii_isdigit (*p))
        digits++;
      else if (*p != ' ' && *p != '-')
        return FALSE;
    }
  return digits >= 8 && digits <= 15;
}

gboolean
pz_valid_email (const char *email)
{
  const char *at, *dot;

  if (email == NULL || strlen (email) > 254)
    return FALSE;
  at = strchr (email, '@');
  if (at == NULL || at == email || strchr (at + 1, '@'))
    return FALSE;
  dot = strrchr (at, '.');
  if (dot == NULL || dot == at + 1 || dot[1] == '\0')
    return FALSE;
  for (const char *p = email; *p; p++)
    if ((guchar) * p <= ' ' || *p == '<' || *p == '>' || *p == ',' || *p == ';')
      return FALSE;
  return TRUE;
}

/**
 * pz_parse_date:
 * @text: a date as `YYYY-MM-DD`
 * @date: (out) (optional): the date
 *
 * Returns: whether @text is a real calendar date
 */
gboolean
pz_parse_date (const char *text,
               GDate      *date)
{
  GDate d;
  guint y, m, dd;

  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-' ||
      !all_digits (text, 4) || !all_digits (text + 5, 2) || !all_digits (text + 8, 2))
    return FALSE;
  y = (guint) g_ascii_strtoull (text, NULL, 10);
  m = (guint) g_ascii_strtoull (text + 5, NULL, 10);
  dd = (guint) g_ascii_strtoull (text + 8, NULL, 10);
  if (y < 1900 || !g_date_valid_dmy (dd, m, y))
    return FALSE;
  g_date_clear (&d, 1);
  g_date_set_dmy (&d, dd, m, y);
  if (date)
    *date = d;
  return TRUE;
}

/**
 * pz_valid_text:
 * @text: a text
 * @max_chars: the most characters allowed
 *
 * Returns: whether @text is non-blank, at most @max_chars long and free of
 *   control characters other than newlines and tabs
 */
gboolean
pz_valid_text (const char *text,
               gsize       max_chars)
{
  gboolean blank = TRUE;

  if (text == NULL || !g_utf8_validate (text, -1, NULL) || g_utf8_strlen (text, -1) > (glong) max_chars)
    return FALSE;
  for (const char *p = text; *p; p++)
    {
      if ((guchar) * p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r')
        return FALSE;
      if (!g_ascii_isspace (*p))
        blank = FALSE;
    }
  return !blank;
}

/**
 * pz_fingerprint_sha256:
 *
 * Returns: (transfer full): the SHA-256 of @data as certificate fingerprints
 *   are shown (`openssl x509 -fingerprint -sha256`): AB:CD:…
 */
char *
pz_fingerprint_sha256 (const guint8 *data,
                       gsize         length)
{
  g_autofree char *hex = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, length);
  GString *out = g_string_new (NULL);

  for (guint i = 0; hex[i]; i += 2)
    g_string_append_printf (out, "%s%c%c", i ? ":" : "", g_ascii_toupper (hex[i]), g_ascii_toupper (hex[i + 1]));
  return g_string_free (out, FALSE);
}

/* @text made safe for one log line: control characters, backslashes and
 * quotes escaped, invalid UTF-8 replaced, at most @max_chars characters. */
char *
pz_log_escape (const char *text,
               gsize       max_chars)
{
  GString *out;
  const char *p;
  gsize n = 0;

  if (text == NULL)
    return g_strdup ("-");
  out = g_string_new (NULL);
  for (p = text; *p && n < max_chars; n++)
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      if (c == (gunichar) - 1 || c == (gunichar) - 2)
        {
          g_string_append_printf (out, "\\x%02x", (guchar) * p);
          p++;
          continue;
        }
      if (c == '\\')
        g_string_append (out, "\\\\");
      else if (c == '"')
        g_string_append (out, "\\\"");
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029 ||
               (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      p = g_utf8_next_char (p);
    }
  if (*p)
    g_string_append (out, "…");
  return g_string_free (out, FALSE);
}
