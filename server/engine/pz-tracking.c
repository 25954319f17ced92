/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-tracking"

#include "config.h"

#include <gnutls/crypto.h>
#include <string.h>

#include "pz-tracking.h"

static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

#define CODE_SYMBOLS 16   /* 16 × 5 = 80 bits */
#define GROUP 4

/**
 * pz_tracking_code_new:
 *
 * A new tracking code from the kernel's generator: unrelated to the
 * registration number and not guessable.
 *
 * Returns: (transfer full): the code in its printed form
 */
char *
pz_tracking_code_new (void)
{
  guint8 bytes[10];
  GString *code = g_string_sized_new (PZ_TRACKING_CODE_LENGTH);
  guint64 high, low;

  if (gnutls_rnd (GNUTLS_RND_KEY, bytes, sizeof bytes) != 0)
    g_error ("No secure random numbers available");
  /* 80 bits as 40 + 40, five bits per symbol */
  high = low = 0;
  for (guint i = 0; i < 5; i++)
    {
      high = (high << 8) | bytes[i];
      low = (low << 8) | bytes[i + 5];
    }
  for (guint i = 0; i < CODE_SYMBOLS; i++)
    {
      guint64 half = i < 8 ? high : low;
      guint shift = 35 - 5 * (i % 8);

      if (i && i % GROUP == 0)
        g_string_append_c (code, '-');
      g_string_append_c (code, alphabet[(half >> shift) & 31]);
    }
  return g_string_free (code, FALSE);
}

/**
 * pz_tracking_code_normalize:
 * @input: a code as a person typed it
 *
 * Reads a code the way Crockford's base32 is meant to be read: any case,
 * with or without the dashes and spaces, O read as 0, I and L as 1.
 *
 * Returns: (transfer full) (nullable): the code in its printed form, or
 *   %NULL if @input cannot be one (a registration number, for one)
 */
char *
pz_tracking_code_normalize (const char *input)
{
  char symbols[CODE_SYMBOLS];
  guint n = 0;
  GString *code;

  if (input == NULL || strlen (input) > 40)
    return NULL;
  for (const char *p = input; *p; p++)
    {
      char c = g_ascii_toupper (*p);

      if (c == '-' || c == ' ')
        continue;
      if (c == 'O')
        c = '0';
      else if (c == 'I' || c == 'L')
        c = '1';
      if (strchr (alphabet, c) == NULL || c == '\0' || n == CODE_SYMBOLS)
        return NULL;
      symbols[n++] = c;
    }
  if (n != CODE_SYMBOLS)
    return NULL;
  code = g_string_sized_new (PZ_TRACKING_CODE_LENGTH);
  for (guint i = 0; i < CODE_SYMBOLS; i++)
    {
      if (i && i % GROUP == 0)
        g_string_append_c (code, '-');
      g_string_append_c (code, symbols[i]);
    }
  return g_string_free (code, FALSE);
}
