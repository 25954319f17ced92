/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-sign"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <string.h>

#include "pz-dss.h"
#include "pz-signer.h"

/* The Document Security Store (ETSI EN 319 142-1, PDF 2.0 12.8.4.3): the
 * validation data of a signature, added after it as an incremental update
 * of its own, which the signature does not cover and need not: the data
 * proves itself (each certificate, CRL and OCSP response is signed).
 *
 * The update is written in one canonical form, so that a verifier can
 * tell an update that only adds validation data from any other change:
 * it reads the data back and writes the update again from the signed
 * part; only the same bytes are a DSS update. */

PzValidationData *
pz_validation_data_new (void)
{
  PzValidationData *data = g_new0 (PzValidationData, 1);

  data->certs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  data->crls = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  data->ocsps = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  return data;
}

void
pz_validation_data_free (PzValidationData *data)
{
  if (data == NULL)
    return;
  g_ptr_array_unref (data->certs);
  g_ptr_array_unref (data->crls);
  g_ptr_array_unref (data->ocsps);
  g_free (data);
}

/**
 * pz_validation_data_add:
 * @list: one of the lists of a #PzValidationData
 * @der: an item
 *
 * Adds @der unless @list has it already or is full.
 *
 * Returns: whether it was added
 */
gboolean
pz_validation_data_add (GPtrArray *list,
                        GBytes    *der)
{
  if (der == NULL || g_bytes_get_size (der) == 0 || list->len >= PZ_DSS_MAX_ITEMS)
    return FALSE;
  for (guint i = 0; i < list->len; i++)
    if (g_bytes_equal (g_ptr_array_index (list, i), der))
      return FALSE;
  g_ptr_array_add (list, g_bytes_ref (der));
  return TRUE;
}

static const char *
find_last (const char *hay,
           gsize       len,
           const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = len >= n ? len - n + 1 : 0; i > 0; i--)
    if (memcmp (hay + i - 1, needle, n) == 0)
      return hay + i - 1;
  return NULL;
}

/* A non-negative decimal at @p (spaces first), below 10^15; -1 if none. */
static gint64
read_number (const char **p,
             const char  *end)
{
  gint64 v = 0;
  int digits = 0;

  while (*p < end && (**p == ' ' || **p == '\n' || **p == '\r'))
    (*p)++;
  while (*p < end && g_ascii_isdigit (**p) && digits < 15)
    {
      v = v * 10 + (**p - '0');
      (*p)++;
      digits++;
    }
  return digits ? v : -1;
}

static gint64
int_after (const char *p,
           const char *end,
           const char *key)
{
  const char *k = p ? g_strstr_len (p, end - p, key) : NULL;

  if (k == NULL)
    return -1;
  k += strlen (key);
  return read_number (&k, end);
}

/* The last signature's byte range; the last revision of a file we add a
 * DSS to is its signature. */
static gboolean
last_signature (const char *data,
                gsize       len,
                gint64      range[4])
{
  const char *at = find_last (data, len, "/ByteRange [");
  const char *p, *end = data + len;

  if (at == NULL)
    return FALSE;
  p = at + strlen ("/ByteRange [");
  for (int i = 0; i < 4; i++)
    if ((range[i] = read_number (&p, end)) < 0)
      return FALSE;
  return range[0] == 0 && range[1] > 0 && range[2] > range[1] && (guint64) range[2] + (guint64) range[3] <= len;
}

/* Where object @num starts, by the cross-reference tables of the file
 * (newest first, through /Prev); 0 if it is in none. */
static gsize
object_offset (const char *data,
               gsize       len,
               gint64      xref,
               gint64      num)
{
  const char *end = data + len;

  for (guint hops = 0; hops < 32 && xref > 0 && (guint64) xref + 4 < len; hops++)
    {
      const char *p = data + xref;
      const char *trailer;

      if (memcmp (p, "xref", 4) != 0)
        return 0;
      p += 4;
      trailer = g_strstr_len (p, end - p, "trailer");
      if (trailer == NULL)
        return 0;
      for (;;)
        {
          gint64 first = read_number (&p, trailer), count = read_number (&p, trailer);

          if (first < 0 || count < 0)
            break;
          while (p < trailer && (*p == '\n' || *p == '\r' || *p == ' '))
            p++;
          if (num >= first && num < first + count)
            {
              const char *entry = p + (num - first) * 20;
              const char *q = entry;
              gint64 off;

              if (entry + 18 > trailer || entry[17] != 'n')
                return 0;
              off = read_number (&q, entry + 10);
              return off > 0 && (guint64) off < len ? (gsize) off : 0;
            }
          if (count > (trailer - p) / 20)
            return 0;
          p += count * 20;
        }
      xref = int_after (trailer, end, "/Prev ");
    }
  return 0;
}

/* The dictionary of the object at @offset, without its closing ">>". */
static char *
dict_at (const char *data,
         gsize       len,
         gsize       offset,
         gint64      num)
{
  g_autofree char *head = g_strdup_printf ("%" G_GINT64_FORMAT " 0 obj", num);
  const char *start = data + offset, *end, *open, *close;

  if (offset + strlen (head) >= len || memcmp (start, head, strlen (head)) != 0)
    return NULL;
  end = memmem (start, len - offset, "endobj", 6);
  open = end ? g_strstr_len (start, end - start, "<<") : NULL;
  if (open == NULL || memmem (start, (gsize) (end - start), "stream", 6))
    return NULL;
  close = find_last (open, (gsize) (end - open), ">>");
  return close ? g_strndup (open, (gsize) (close - open)) : NULL;
}

/**
 * pz_dss_signed_end:
 * @pdf: a signed PDF
 *
 * Returns: where the bytes the last signature covers end; 0 without one
 */
gsize
pz_dss_signed_end (GBytes *pdf)
{
  gsize len;
  const char *data = g_bytes_get_data (pdf, &len);
  gint64 range[4];

  return last_signature (data, len, range) ? (gsize) (range[2] + range[3]) : 0;
}

/**
 * pz_dss_vri_key:
 * @pdf: a PDF whose last revision is a signature
 *
 * Returns: (transfer full) (nullable): the key of the signature's entry in
 *   the DSS's /VRI: the SHA-1 of its /Contents (the whole string, as the
 *   file holds it), hexadecimal, upper case
 */
char *
pz_dss_vri_key (GBytes  *pdf,
                GError **error)
{
  gsize len;
  const char *data = g_bytes_get_data (pdf, &len);
  gint64 range[4];
  g_autoptr(GByteArray) contents = g_byte_array_new ();
  guint8 sha1[20];
  GString *key;

  if (!last_signature (data, len, range) || range[2] - range[1] < 2 || data[range[1]] != '<' ||
      data[range[2] - 1] != '>')
    {
      g_set_error (error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_PDF, _("The signed permit has no signature to keep "
                                                              "validation data for"));
      return NULL;
    }
  for (gint64 i = range[1] + 1; i + 2 < range[2]; i += 2)
    {
      int hi = g_ascii_xdigit_value (data[i]), lo = g_ascii_xdigit_value (data[i + 1]);
      guint8 b;

      if (hi < 0 || lo < 0)
        {
          g_set_error (error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_PDF, _("The signed permit has no signature to keep "
                                                                  "validation data for"));
          return NULL;
        }
      b = (guint8) (hi << 4 | lo);
      g_byte_array_append (contents, &b, 1);
    }
  gnutls_hash_fast (GNUTLS_DIG_SHA1, contents->data, contents->len, sha1);
  key = g_string_new (NULL);
  for (guint i = 0; i < sizeof sha1; i++)
    g_string_append_printf (key, "%02X", sha1[i]);
  return g_string_free (key, FALSE);
}

static void
append_refs (GString    *out,
             const char *name,
             gint64      first,
             guint       count)
{
  if (count == 0)
    return;
  g_string_append_printf (out, " /%s [", name);
  for (guint i = 0; i < count; i++)
    g_string_append_printf (out, "%s%" G_GINT64_FORMAT " 0 R", i ? " " : "", first + i);
  g_string_append_c (out, ']');
}

/**
 * pz_dss_append:
 * @signed_pdf: a PDF whose last revision is a signature over all of it
 * @data: the signature's validation data
 * @error: return location for an error
 *
 * Adds to @signed_pdf, as an incremental update after its signature, a
 * DSS with @data, and a /VRI entry that says the data is the signature's.
 * The same inputs give the same bytes.
 *
 * Returns: (transfer full) (nullable): the PDF with its DSS
 */
GBytes *
pz_dss_append (GBytes                 *signed_pdf,
               const PzValidationData *data,
               GError                **error)
{
  gsize len;
  const char *pdf = g_bytes_get_data (signed_pdf, &len);
  const char *end = pdf + len;
  const char *trailer = find_last (pdf, len, "trailer");
  const char *sx = find_last (pdf, len, "startxref");
  g_autofree char *key = NULL;
  g_autofree char *root_dict = NULL;
  g_autoptr(GArray) offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  gint64 range[4], size, root, info, prev, first, vri, dss;
  guint n_items;
  GString *out;
  gsize xref_at, at;
  const char *p;

  if (!(key = pz_dss_vri_key (signed_pdf, error)))
    return NULL;
  if (!last_signature (pdf, len, range) || (gsize) (range[2] + range[3]) != len || trailer == NULL || sx == NULL ||
      trailer < pdf + range[2])
    goto bad;
  size = int_after (trailer, end, "/Size ");
  root = int_after (trailer, end, "/Root ");
  info = int_after (trailer, end, "/Info ");
  p = sx + strlen ("startxref");
  prev = read_number (&p, end);
  if (size <= 0 || root <= 0 || prev <= 0 ||
      !(at = object_offset (pdf, len, prev, root)) || !(root_dict = dict_at (pdf, len, at, root)) ||
      strstr (root_dict, "/DSS"))
    goto bad;

  n_items = data->certs->len + data->crls->len + data->ocsps->len;
  first = size;
  vri = size + n_items;
  dss = vri + 1;
  out = g_string_new_len (pdf, (gssize) len);
  if (out->str[out->len - 1] != '\n')
    g_string_append_c (out, '\n');
  {
    GPtrArray *lists[] = { data->certs, data->crls, data->ocsps };
    gint64 num = first;

    for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
      for (guint i = 0; i < lists[l]->len; i++, num++)
        {
          gsize item_len;
          const char *item = g_bytes_get_data (g_ptr_array_index (lists[l], i), &item_len);

          g_array_append_val (offsets, out->len);
          g_string_append_printf (out, "%" G_GINT64_FORMAT " 0 obj\n<< /Length %" G_GSIZE_FORMAT " >>\nstream\n",
                                  num, item_len);
          g_string_append_len (out, item, (gssize) item_len);
          g_string_append (out, "\nendstream\nendobj\n");
        }
  }
  g_array_append_val (offsets, out->len);
  g_string_append_printf (out, "%" G_GINT64_FORMAT " 0 obj\n<< /%s << /Type /VRI", vri, key);
  append_refs (out, "Cert", first, data->certs->len);
  append_refs (out, "CRL", first + data->certs->len, data->crls->len);
  append_refs (out, "OCSP", first + data->certs->len + data->crls->len, data->ocsps->len);
  g_string_append (out, " >> >>\nendobj\n");
  g_array_append_val (offsets, out->len);
  g_string_append_printf (out, "%" G_GINT64_FORMAT " 0 obj\n<< /Type /DSS", dss);
  append_refs (out, "Certs", first, data->certs->len);
  append_refs (out, "CRLs", first + data->certs->len, data->crls->len);
  append_refs (out, "OCSPs", first + data->certs->len + data->crls->len, data->ocsps->len);
  g_string_append_printf (out, " /VRI %" G_GINT64_FORMAT " 0 R >>\nendobj\n", vri);
  /* the catalog again, with the DSS and the extension that defines it */
  g_array_append_val (offsets, out->len);
  g_string_append_printf (out, "%" G_GINT64_FORMAT " 0 obj\n%s\n/DSS %" G_GINT64_FORMAT " 0 R\n", root, root_dict,
                          dss);
  if (strstr (root_dict, "/Extensions") == NULL)
    g_string_append (out, "/Extensions << /ESIC << /BaseVersion /1.7 /ExtensionLevel 5 >> >>\n");
  g_string_append (out, ">>\nendobj\n");

  xref_at = out->len;
  g_string_append_printf (out, "xref\n%" G_GINT64_FORMAT " %u\n", first, n_items + 2);
  for (guint i = 0; i < n_items + 2; i++)
    g_string_append_printf (out, "%010" G_GSIZE_FORMAT " 00000 n \n", g_array_index (offsets, gsize, i));
  g_string_append_printf (out, "%" G_GINT64_FORMAT " 1\n%010" G_GSIZE_FORMAT " 00000 n \n", root,
                          g_array_index (offsets, gsize, n_items + 2));
  g_string_append_printf (out, "trailer\n<< /Size %" G_GINT64_FORMAT " /Root %" G_GINT64_FORMAT " 0 R", dss + 1,
                          root);
  if (info > 0)
    g_string_append_printf (out, " /Info %" G_GINT64_FORMAT " 0 R", info);
  g_string_append_printf (out, " /Prev %" G_GINT64_FORMAT " >>\nstartxref\n%" G_GSIZE_FORMAT "\n%%%%EOF\n", prev,
                          xref_at);
  return g_string_free_to_bytes (out);

bad:
  g_set_error (error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_PDF, _("The signed permit cannot take its validation data"));
  return NULL;
}

/* The numbers of the references of the array @name in @dict. */
static GArray *
read_refs (const char *dict,
           const char *dict_end,
           const char *name)
{
  g_autofree char *head = g_strdup_printf (" /%s [", name);
  const char *p = g_strstr_len (dict, dict_end - dict, head);
  GArray *refs = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (p == NULL)
    return refs;
  p += strlen (head);
  while (p < dict_end && *p != ']' && refs->len <= PZ_DSS_MAX_ITEMS)
    {
      gint64 num = read_number (&p, dict_end);

      if (num < 0 || p + 4 > dict_end || memcmp (p, " 0 R", 4) != 0)
        break;
      p += 4;
      g_array_append_val (refs, num);
    }
  return refs;
}

/* The stream of object @num in @tail, as pz_dss_append() writes it. */
static GBytes *
read_stream (GBytes     *pdf,
             const char *tail,
             const char *tail_end,
             gint64      num)
{
  g_autofree char *head = g_strdup_printf ("%" G_GINT64_FORMAT " 0 obj\n<< /Length ", num);
  /* the items are binary: search bytes, not a string */
  const char *p = memmem (tail, (gsize) (tail_end - tail), head, strlen (head));
  const char *data = g_bytes_get_data (pdf, NULL);
  gint64 length;

  if (p == NULL || (p != tail && p[-1] != '\n'))
    return NULL;
  p += strlen (head);
  length = read_number (&p, tail_end);
  if (length <= 0 || p + strlen (" >>\nstream\n") > tail_end || memcmp (p, " >>\nstream\n", 11) != 0)
    return NULL;
  p += 11;
  if (length > tail_end - p)
    return NULL;
  return g_bytes_new_from_bytes (pdf, (gsize) (p - data), (gsize) length);
}

/**
 * pz_dss_read:
 * @pdf: a signed PDF
 * @signed_end: where the bytes its last signature covers end
 *
 * Reads the validation data of what follows @signed_end, if that is a DSS
 * update as pz_dss_append() makes it, and nothing else.
 *
 * Returns: (transfer full) (nullable): the validation data, or %NULL if
 *   the bytes after the signature are anything else
 */
PzValidationData *
pz_dss_read (GBytes *pdf,
             gsize   signed_end)
{
  gsize len;
  const char *data = g_bytes_get_data (pdf, &len);
  const char *tail, *tail_end = data + len, *dss, *dss_end;
  g_autoptr(PzValidationData) found = pz_validation_data_new ();
  g_autoptr(GBytes) prefix = NULL;
  g_autoptr(GBytes) again = NULL;
  static const char * const names[] = { "Certs", "CRLs", "OCSPs" };

  if (signed_end >= len)
    return NULL;
  tail = data + signed_end;
  dss = memmem (tail, (gsize) (tail_end - tail), " 0 obj\n<< /Type /DSS", 20);
  dss_end = dss ? g_strstr_len (dss, tail_end - dss, ">>\nendobj\n") : NULL;
  if (dss_end == NULL)
    return NULL;
  for (guint n = 0; n < G_N_ELEMENTS (names); n++)
    {
      GPtrArray *list = n == 0 ? found->certs : n == 1 ? found->crls : found->ocsps;
      g_autoptr(GArray) refs = read_refs (dss, dss_end, names[n]);

      for (guint i = 0; i < refs->len; i++)
        {
          g_autoptr(GBytes) item = read_stream (pdf, tail, tail_end, g_array_index (refs, gint64, i));

          if (item == NULL || list->len >= PZ_DSS_MAX_ITEMS)
            return NULL;
          g_ptr_array_add (list, g_steal_pointer (&item));
        }
    }
  /* the same update, written again from the signed part, is the tail */
  prefix = g_bytes_new_from_bytes (pdf, 0, signed_end);
  again = pz_dss_append (prefix, found, NULL);
  if (again == NULL || !g_bytes_equal (again, pdf))
    return NULL;
  return g_steal_pointer (&found);
}
