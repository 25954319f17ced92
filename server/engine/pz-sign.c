/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-sign"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "pz-dss.h"
#include "pz-outputs.h"
#include "pz-sign.h"
#include "pz-signer-private.h"

/* The office's electronic signature: a CMS signature, made by whichever
 * backend keeps the signer's key, embedded in the permit PDF as an
 * incremental update, so that any PDF reader (and poppler's pdfsig) can
 * check it and see any later change. */

/* bytes reserved for the CMS signature: the signer's certificate and a
 * timestamp token with the authority's certificate take about 4 KiB */
#define SIG_SPACE 16384

/* Minimal reading of the PDF the server itself wrote (cairo: a classic
 * cross-reference table), enough to add a signature as an update. */

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

static gint64
int_after (const char *p,
           const char *key)
{
  const char *k = p ? strstr (p, key) : NULL;
  return k ? g_ascii_strtoll (k + strlen (key), NULL, 10) : -1;
}

/* The dictionary of object @num, without its closing ">>". */
static char *
object_dict (const char *pdf,
             gsize       len,
             gint64      num)
{
  g_autofree char *head = g_strdup_printf ("\n%" G_GINT64_FORMAT " 0 obj", num);
  /* streams hold binary data, NULs included: search bytes, not strings */
  const char *start = memmem (pdf, len, head, strlen (head));
  const char *open, *end, *close;
  gsize rest;

  if (start == NULL)
    return NULL;
  rest = len - (gsize) (start - pdf);
  open = memmem (start, rest, "<<", 2);
  end = memmem (start, rest, "endobj", 6);
  if (open == NULL || end == NULL || open > end)
    return NULL;
  close = find_last (open, (gsize) (end - open), ">>");
  if (close == NULL)
    return NULL;
  return g_strndup (open, (gsize) (close - open));
}

static char *
pdf_string (const char *text)
{
  GString *out = g_string_new ("(");

  /* PDFDocEncoding covers Latin-1; other characters become '?' */
  for (const char *p = text; p && *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '(' || c == ')' || c == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, c < 0x80 ? (char) c : '?');
    }
  g_string_append_c (out, ')');
  return g_string_free (out, FALSE);
}

PzSignAppearance *
pz_sign_appearance_copy (const PzSignAppearance *appearance)
{
  PzSignAppearance *copy;

  if (appearance == NULL)
    return NULL;
  copy = g_memdup2 (appearance, sizeof *appearance);
  copy->lines = g_strdupv (appearance->lines);
  copy->time_prefix = g_strdup (appearance->time_prefix);
  copy->issuer_prefix = g_strdup (appearance->issuer_prefix);
  return copy;
}

void
pz_sign_appearance_free (PzSignAppearance *appearance)
{
  if (appearance == NULL)
    return;
  g_strfreev (appearance->lines);
  g_free (appearance->time_prefix);
  g_free (appearance->issuer_prefix);
  g_free (appearance);
}

static char *
pdf_number (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.2f", value));
}

/* @text as a string of the standard Helvetica's WinAnsiEncoding: Latin-1
 * and a few more; anything else becomes '?' */
static char *
winansi_string (const char *text,
                gsize      *chars)
{
  g_autofree char *bytes = g_convert_with_fallback (text ? text : "", -1, "CP1252", "UTF-8", "?", NULL, chars, NULL);
  GString *out = g_string_new ("(");

  if (bytes == NULL)
    {
      bytes = g_strdup ("?");
      *chars = 1;
    }
  for (const guchar *p = (const guchar *) bytes; *p; p++)
    {
      if (*p == '(' || *p == ')' || *p == '\\')
        g_string_append_printf (out, "\\%c", *p);
      else if (*p < 0x20 || *p >= 0x7f)
        g_string_append_printf (out, "\\%03o", *p);
      else
        g_string_append_c (out, (char) *p);
    }
  g_string_append_c (out, ')');
  return g_string_free (out, FALSE);
}

/* The certificate authority by its name: the organisation of an issuer's
 * distinguished name ("CN=…,O=Balai Besar Sertifikasi Elektronik,C=ID"),
 * else its common name, else the whole. */
char *
pz_sign_issuer_name (const char *dn)
{
  g_autofree char *o = NULL;
  g_autofree char *cn = NULL;
  GString *part = g_string_new (NULL);

  if (dn == NULL || *dn == '\0')
    {
      g_string_free (part, TRUE);
      return NULL;
    }
  for (const char *p = dn;; p++)
    {
      if (*p == '\\' && p[1])
        {
          g_string_append_c (part, *++p);
          continue;
        }
      if (*p == ',' || *p == '\0')
        {
          g_strstrip (part->str);
          if (g_str_has_prefix (part->str, "O=") && !o)
            o = g_strdup (part->str + 2);
          else if (g_str_has_prefix (part->str, "CN=") && !cn)
            cn = g_strdup (part->str + 3);
          g_string_truncate (part, 0);
          if (*p == '\0')
            break;
          continue;
        }
      g_string_append_c (part, *p);
    }
  g_string_free (part, TRUE);
  return o ? g_steal_pointer (&o) : cn ? g_steal_pointer (&cn) : g_strdup (dn);
}

/* The appearance of the signature: its lines in Helvetica, as large as
 * the box allows and no larger than the letter's small print. */
static GString *
appearance_stream (const PzSignAppearance *ap,
                   GDateTime              *when,
                   const char             *issuer)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  GString *out = g_string_new (NULL);
  gsize longest = 1;
  double size, lead;
  g_autofree char *size_s = NULL;
  g_autofree char *lead_s = NULL;
  g_autofree char *top_s = NULL;

  for (guint i = 0; ap->lines && ap->lines[i]; i++)
    g_ptr_array_add (lines, g_strdup (ap->lines[i]));
  if (ap->time_prefix)
    {
      g_autofree char *at = pz_format_date_id (g_date_time_to_unix (when), g_date_time_get_timezone (when), TRUE);
      g_ptr_array_add (lines, g_strconcat (ap->time_prefix, at, NULL));
    }
  if (ap->issuer_prefix)
    {
      g_autofree char *label = pz_sign_issuer_name (issuer);
      g_ptr_array_add (lines, g_strconcat (ap->issuer_prefix, label ? label : "", NULL));
    }
  for (guint i = 0; i < lines->len; i++)
    longest = MAX (longest, (gsize) g_utf8_strlen (g_ptr_array_index (lines, i), -1));
  /* Helvetica's average letter is about half its size wide */
  size = MIN (7.5, (ap->height - 6) / (MAX (lines->len, 1) * 1.25));
  size = MAX (3.0, MIN (size, (ap->width - 6) / (longest * 0.5)));
  lead = size * 1.25;
  size_s = pdf_number (size);
  lead_s = pdf_number (lead);
  top_s = pdf_number (ap->height - 3 - size);
  g_string_append_printf (out, "q 0.1 0.25 0.18 rg BT /F1 %s Tf %s TL 4 %s Td\n", size_s, lead_s, top_s);
  for (guint i = 0; i < lines->len; i++)
    {
      gsize chars = 0;
      g_autofree char *s = winansi_string (g_ptr_array_index (lines, i), &chars);

      g_string_append_printf (out, "%s%s Tj\n", i ? "T* " : "", s);
    }
  g_string_append (out, "ET Q\n");
  return out;
}

/* The object number of page @n (1 for the first) of the flat page tree
 * cairo writes: the @n-th reference of its /Kids. */
static gint64
nth_kid (const char *pages_dict,
         guint       n)
{
  const char *p = strstr (pages_dict, "/Kids");

  if (p == NULL || !(p = strchr (p, '[')))
    return -1;
  p++;
  for (guint i = 1; i <= n; i++)
    {
      char *end;
      gint64 num = g_ascii_strtoll (p, &end, 10);

      if (end == p || num <= 0)
        return -1;
      p = strstr (end, "R");
      if (p == NULL)
        return -1;
      p++;
      if (i == n)
        return num;
    }
  return -1;
}

struct _PzSignSpace
{
  GString *out;           /* the PDF with its signature dictionary */
  gsize    contents_at;   /* the hex string that will hold the CMS */
  gsize    contents_end;
};

/**
 * pz_sign_space_new:
 * @pdf: a PDF the server made
 * @name: the signer's name
 * @reason: why it is signed
 * @location: where
 * @when: the signing time
 * @appearance: (nullable): where and what the signature shows; %NULL for
 *   an invisible signature
 * @issuer: (nullable): the issuer of the signer's certificate, for the
 *   appearance
 * @error: return location for an error
 *
 * Adds to @pdf, as an incremental update, a signature dictionary with room
 * for the CMS signature, all but which the signature will cover. Quick: the
 * slow part of a signing (the key, the timestamp) is not needed here.
 *
 * Returns: (transfer full) (nullable): the PDF waiting for its signature
 */
PzSignSpace *
pz_sign_space_new (GBytes                 *pdf,
                   const char             *name,
                   const char             *reason,
                   const char             *location,
                   GDateTime              *when,
                   const PzSignAppearance *appearance,
                   const char             *issuer,
                   GError                **error)
{
  gsize len;
  const char *data = g_bytes_get_data (pdf, &len);
  const char *trailer = find_last (data, len, "trailer");
  const char *sx = find_last (data, len, "startxref");
  gint64 size, root, info, prev, pages, page;
  g_autofree char *root_dict = NULL;
  g_autofree char *pages_dict = NULL;
  g_autofree char *page_dict = NULL;
  g_autofree char *m = NULL;
  g_autofree char *n_str = pdf_string (name);
  g_autofree char *r_str = pdf_string (reason);
  g_autofree char *l_str = pdf_string (location);
  g_autofree char *zeros = g_strnfill (SIG_SPACE * 2, '0');
  GString *out;
  gsize offsets[6];
  gint64 numbers[6];
  guint n_objects = 5;
  gsize contents_at, contents_end, byterange_at, xref_at;
  PzSignSpace *space;

  if (trailer == NULL || sx == NULL)
    goto bad;
  size = int_after (trailer, "/Size ");
  root = int_after (trailer, "/Root ");
  info = int_after (trailer, "/Info ");
  prev = g_ascii_strtoll (sx + strlen ("startxref"), NULL, 10);
  if (size <= 0 || root <= 0 || prev <= 0 || !(root_dict = object_dict (data, len, root)))
    goto bad;
  pages = int_after (root_dict, "/Pages ");
  if (pages <= 0 || !(pages_dict = object_dict (data, len, pages)))
    goto bad;
  page = nth_kid (pages_dict, appearance ? MAX (appearance->page, 1) : 1);
  if (page <= 0 || !(page_dict = object_dict (data, len, page)) || strstr (page_dict, "/Annots"))
    goto bad;

  m = g_date_time_format (when, "D:%Y%m%d%H%M%S");
  {
    /* the time zone as PDF writes it: +07'00' */
    gint64 off = g_date_time_get_utc_offset (when) / G_TIME_SPAN_SECOND;
    char *with_tz = g_strdup_printf ("%s%c%02d'%02d'", m, off < 0 ? '-' : '+', (int) (ABS (off) / 3600),
                                     (int) (ABS (off) / 60 % 60));
    g_free (m);
    m = with_tz;
  }

  out = g_string_new_len (data, (gssize) len);
  if (out->str[out->len - 1] != '\n')
    g_string_append_c (out, '\n');

  /* the signature value, with room for the CMS */
  numbers[0] = size;
  offsets[0] = out->len;
  g_string_append_printf (out, "%" G_GINT64_FORMAT " 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite "
                          "/SubFilter /ETSI.CAdES.detached\n/ByteRange ", size);
  byterange_at = out->len;
  g_string_append (out, "[0 0000000000 0000000000 0000000000]");
  g_string_append (out, "\n/Contents ");
  contents_at = out->len;
  g_string_append_printf (out, "<%s>", zeros);
  contents_end = out->len;
  g_string_append_printf (out, "\n/M (%s) /Name %s /Reason %s /Location %s >>\nendobj\n", m, n_str, r_str, l_str);

  /* the signature field, as a widget of page 1 */
  numbers[1] = size + 1;
  offsets[1] = out->len;
  if (appearance)
    {
      g_autofree char *x1 = pdf_number (appearance->x);
      g_autofree char *y1 = pdf_number (appearance->y);
      g_autofree char *x2 = pdf_number (appearance->x + appearance->width);
      g_autofree char *y2 = pdf_number (appearance->y + appearance->height);

      g_string_append_printf (out, "%" G_GINT64_FORMAT " 0 obj\n<< /Type /Annot /Subtype /Widget /FT /Sig "
                              "/Rect [%s %s %s %s] /F 132 /T (Tanda tangan elektronik) /V %" G_GINT64_FORMAT " 0 R "
                              "/P %" G_GINT64_FORMAT " 0 R /AP << /N %" G_GINT64_FORMAT " 0 R >> >>\nendobj\n",
                              size + 1, x1, y1, x2, y2, size, page, size + 3);
    }
  else
    g_string_append_printf (out, "%" G_GINT64_FORMAT " 0 obj\n<< /Type /Annot /Subtype /Widget /FT /Sig "
                            "/Rect [0 0 0 0] /F 132 /T (Tanda tangan elektronik) /V %" G_GINT64_FORMAT " 0 R "
                            "/P %" G_GINT64_FORMAT " 0 R >>\nendobj\n", size + 1, size, page);
  numbers[2] = size + 2;
  offsets[2] = out->len;
  g_string_append_printf (out, "%" G_GINT64_FORMAT " 0 obj\n<< /Fields [%" G_GINT64_FORMAT " 0 R] /SigFlags 3 >>\n"
                          "endobj\n", size + 2, size + 1);
  numbers[3] = root;
  offsets[3] = out->len;
  g_string_append_printf (out, "%" G_GINT64_FORMAT " 0 obj\n%s\n/AcroForm %" G_GINT64_FORMAT " 0 R\n>>\nendobj\n",
                          root, root_dict, size + 2);
  numbers[4] = page;
  offsets[4] = out->len;
  g_string_append_printf (out, "%" G_GINT64_FORMAT " 0 obj\n%s\n/Annots [%" G_GINT64_FORMAT " 0 R]\n>>\nendobj\n",
                          page, page_dict, size + 1);
  if (appearance)
    {
      g_autoptr(GString) stream = appearance_stream (appearance, when, issuer);
      g_autofree char *w = pdf_number (appearance->width);
      g_autofree char *h = pdf_number (appearance->height);

      numbers[5] = size + 3;
      offsets[5] = out->len;
      n_objects = 6;
      g_string_append_printf (out, "%" G_GINT64_FORMAT " 0 obj\n<< /Type /XObject /Subtype /Form /BBox [0 0 %s %s] "
                              "/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
                              "/Encoding /WinAnsiEncoding >> >> >> /Length %" G_GSIZE_FORMAT " >>\nstream\n%s"
                              "endstream\nendobj\n", size + 3, w, h, stream->len, stream->str);
    }

  xref_at = out->len;
  g_string_append (out, "xref\n");
  for (guint i = 0; i < n_objects; i++)
    g_string_append_printf (out, "%" G_GINT64_FORMAT " 1\n%010" G_GSIZE_FORMAT " 00000 n \n", numbers[i], offsets[i]);
  g_string_append_printf (out, "trailer\n<< /Size %" G_GINT64_FORMAT " /Root %" G_GINT64_FORMAT " 0 R",
                          size + (appearance ? 4 : 3), root);
  if (info > 0)
    g_string_append_printf (out, " /Info %" G_GINT64_FORMAT " 0 R", info);
  g_string_append_printf (out, " /Prev %" G_GINT64_FORMAT " >>\nstartxref\n%" G_GSIZE_FORMAT "\n%%%%EOF\n", prev, xref_at);

  /* the byte range covers all but the signature's hex string */
  {
    char range[64];
    int n = g_snprintf (range, sizeof range, "[0 %010" G_GSIZE_FORMAT " %010" G_GSIZE_FORMAT " %010" G_GSIZE_FORMAT "]",
                        contents_at, contents_end, out->len - contents_end);
    memcpy (out->str + byterange_at, range, (size_t) n);
  }

  space = g_new0 (PzSignSpace, 1);
  space->out = out;
  space->contents_at = contents_at;
  space->contents_end = contents_end;
  return space;

bad:
  g_set_error (error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_PDF, _("The permit PDF cannot take a signature"));
  return NULL;
}

/**
 * pz_sign_space_get_covered:
 * @space: a PDF waiting for its signature
 *
 * Returns: (transfer full): the bytes the signature covers
 */
GBytes *
pz_sign_space_get_covered (PzSignSpace *space)
{
  GString *out = space->out;
  GByteArray *covered = g_byte_array_sized_new ((guint) (out->len - (space->contents_end - space->contents_at)));

  g_byte_array_append (covered, (const guint8 *) out->str, (guint) space->contents_at);
  g_byte_array_append (covered, (const guint8 *) out->str + space->contents_end,
                       (guint) (out->len - space->contents_end));
  return g_byte_array_free_to_bytes (covered);
}

/**
 * pz_sign_space_fill:
 * @space: a PDF waiting for its signature
 * @cms: the detached CMS signature over pz_sign_space_get_covered()
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the signed PDF
 */
GBytes *
pz_sign_space_fill (PzSignSpace *space,
                    GBytes      *cms,
                    GError     **error)
{
  gsize cms_len;
  const guint8 *cms_data = g_bytes_get_data (cms, &cms_len);
  char *copy;

  if (cms_len > SIG_SPACE)
    {
      g_set_error (error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_KEY,
                   _("The signature (%u bytes) is larger than the %u bytes the permit keeps for it; "
                     "nothing was signed"), (guint) MIN (cms_len, G_MAXUINT), (guint) SIG_SPACE);
      return NULL;
    }
  copy = g_memdup2 (space->out->str, space->out->len);
  for (gsize i = 0; i < cms_len; i++)
    {
      static const char hex[] = "0123456789abcdef";
      copy[space->contents_at + 1 + i * 2] = hex[cms_data[i] >> 4];
      copy[space->contents_at + 2 + i * 2] = hex[cms_data[i] & 15];
    }
  return g_bytes_new_take (copy, space->out->len);
}

void
pz_sign_space_free (PzSignSpace *space)
{
  if (space == NULL)
    return;
  g_string_free (space->out, TRUE);
  g_free (space);
}

/**
 * pz_signer_sign_pdf:
 * @signer: an unlocked signer
 * @pdf: a PDF the server made
 * @name: the signer's name
 * @reason: why it is signed
 * @location: where
 * @when: the signing time
 * @error: return location for an error
 *
 * Returns: (transfer full): @pdf with an embedded detached CMS signature over
 *   the whole file but the signature itself
 */
GBytes *
pz_signer_sign_pdf (PzSigner   *signer,
                    GBytes     *pdf,
                    const char *name,
                    const char *reason,
                    const char *location,
                    GDateTime  *when,
                    GError    **error)
{
  return pz_signer_sign_pdf_visible (signer, pdf, name, reason, location, when, NULL, error);
}

/**
 * pz_signer_sign_pdf_visible:
 * @signer: an unlocked signer
 * @pdf: a PDF the server made
 * @name: the signer's name
 * @reason: why it is signed
 * @location: where
 * @when: the signing time
 * @appearance: (nullable): where and what the signature shows
 * @error: return location for an error
 *
 * As pz_signer_sign_pdf(), with a visible signature where @appearance says.
 *
 * Returns: (transfer full): the signed PDF
 */
GBytes *
pz_signer_sign_pdf_visible (PzSigner               *signer,
                            GBytes                 *pdf,
                            const char             *name,
                            const char             *reason,
                            const char             *location,
                            GDateTime              *when,
                            const PzSignAppearance *appearance,
                            GError                **error)
{
  PzSignSpace *space;
  g_autoptr(GBytes) covered = NULL;
  g_autoptr(GBytes) cms = NULL;
  g_autoptr(GBytes) signed_pdf = NULL;
  g_autoptr(PzValidationData) validation = NULL;

  /* a remote service signs the whole document itself */
  if (signer->backend->sign_pdf)
    signed_pdf = signer->backend->sign_pdf (signer, pdf, reason, location, appearance, error);
  else
    {
      g_autofree char *issuer = pz_signer_get_issuer (signer);

      if (!(space = pz_sign_space_new (pdf, name, reason, location, when, appearance, issuer, error)))
        return NULL;
      covered = pz_sign_space_get_covered (space);
      if ((cms = pz_signer_sign_cms (signer, covered, error)))
        signed_pdf = pz_sign_space_fill (space, cms, error);
      pz_sign_space_free (space);
    }
  if (signed_pdf == NULL)
    return NULL;
  validation = pz_signer_collect_validation (signer, signed_pdf);
  if (!pz_sign_check_not_revoked (validation, error))
    return NULL;
  return pz_sign_add_validation (signed_pdf, validation);
}

/**
 * pz_sign_check_not_revoked:
 * @validation: a signature's validation data, just fetched
 * @error: return location for %PZ_SIGN_ERROR_REVOKED
 *
 * A signature under a certificate its authority has revoked is no
 * signature: it is not kept.
 *
 * Returns: whether no certificate of @validation is revoked
 */
gboolean
pz_sign_check_not_revoked (const PzValidationData *validation,
                           GError                **error)
{
  g_autofree char *revoked = pz_validation_find_revoked (validation);

  if (revoked == NULL)
    return TRUE;
  g_set_error (error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_REVOKED,
               _("The certificate of %s is revoked, its authority says; nothing was signed"), revoked);
  return FALSE;
}

/**
 * pz_signer_collect_validation:
 * @signer: the signer that made the last signature of @signed_pdf
 * @signed_pdf: a signed PDF
 *
 * Gathers the validation data of the signature: the certificates of its
 * CMS, its timestamp token and the signer's chain, and the revocation data
 * if @signer may fetch it.  Slow then: call it off the main loop.
 *
 * Returns: (transfer full): the validation data
 */
PzValidationData *
pz_signer_collect_validation (PzSigner *signer,
                              GBytes   *signed_pdf)
{
  g_autoptr(GBytes) cms = pz_pdf_signature_cms (signed_pdf);
  g_autoptr(GPtrArray) chain = pz_signer_get_chain (signer);

  return pz_validation_collect (cms, chain, signer->validation_fetch, signer->validation_timeout);
}

/**
 * pz_sign_add_validation:
 * @signed_pdf: a PDF just signed
 * @validation: the signature's validation data
 *
 * Adds the validation data after the signature (PAdES B-LT).  A PDF that
 * cannot take it (a remote service's own layout) stays as signed, B-T.
 *
 * Returns: (transfer full): @signed_pdf with its validation data
 */
GBytes *
pz_sign_add_validation (GBytes                 *signed_pdf,
                        const PzValidationData *validation)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(PzValidationData) already = pz_dss_read (signed_pdf, pz_dss_signed_end (signed_pdf));
  GBytes *out;

  /* a service that added the validation data itself */
  if (already)
    return g_bytes_ref (signed_pdf);
  out = pz_dss_append (signed_pdf, validation, &local);
  if (out == NULL)
    {
      g_warning ("The permit is signed without its long-term validation data: %s", local->message);
      return g_bytes_ref (signed_pdf);
    }
  return out;
}

/**
 * pz_signer_signs_whole_pdf:
 * @signer: an unlocked signer
 *
 * Returns: whether @signer signs whole PDF documents itself (a remote
 *   service) rather than the bytes of a prepared signature
 */
gboolean
pz_signer_signs_whole_pdf (PzSigner *signer)
{
  return signer->backend->sign_pdf != NULL;
}
