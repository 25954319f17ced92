/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-sign"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pz-verify.h"

/* What a signature's check means, in words: the one reading that the
 * command `perizinan-server verify` prints and the public page of a
 * permit shows, so that both say the same of the same file. */

/**
 * pz_signature_check_holds:
 * @check: a signature's check
 * @last: whether it is the file's last signature: nothing but its own
 *   validation data may follow it
 *
 * Returns: whether the signature checks, all told
 */
gboolean
pz_signature_check_holds (const PzSignatureCheck *check,
                          gboolean                last)
{
  return pz_signature_check_ok (check) && (!last || check->whole_file);
}

/**
 * pz_signature_check_long_term:
 *
 * Returns: what the validation data after the signature holds and says
 *   of revocation
 */
PzLongTerm
pz_signature_check_long_term (const PzSignatureCheck *check)
{
  if (check->revoked)
    return PZ_LONG_TERM_REVOKED;
  if (!check->validation_data)
    return PZ_LONG_TERM_NONE;
  return check->dss_crls + check->dss_ocsps > 0 ? PZ_LONG_TERM_NOT_REVOKED : PZ_LONG_TERM_NO_REVOCATION;
}

/**
 * pz_long_term_to_string:
 *
 * Returns: the word of the HTTP contract for @long_term
 */
const char *
pz_long_term_to_string (PzLongTerm long_term)
{
  switch (long_term)
    {
    case PZ_LONG_TERM_NO_REVOCATION:
      return "no_revocation_data";
    case PZ_LONG_TERM_NOT_REVOKED:
      return "not_revoked";
    case PZ_LONG_TERM_REVOKED:
      return "revoked";
    case PZ_LONG_TERM_NONE:
    default:
      return "none";
    }
}

void
pz_verify_line_free (PzVerifyLine *line)
{
  if (line == NULL)
    return;
  g_free (line->value);
  g_free (line);
}

static const char *tr (const PzVerifyWords *words,
                       const char          *msgid) G_GNUC_FORMAT (2);

static const char *
tr (const PzVerifyWords *words,
    const char          *msgid)
{
  return words->translate (msgid, words->data);
}

static void
add_line (GPtrArray   *lines,
          const char  *label,
          PzVerifyMark mark,
          char        *value)
{
  PzVerifyLine *line = g_new0 (PzVerifyLine, 1);

  line->label = label;
  line->mark = mark;
  line->value = value;
  g_ptr_array_add (lines, line);
}

/* "Name (C=..,O=..,CN=Name)": the name a person reads, and the whole
 * name that tells one Name from another */
static char *
named (const PzVerifyWords *words,
       const char          *name,
       const char          *dn)
{
  if (*dn == '\0')
    return g_strdup (tr (words, N_("(no certificate)")));
  if (g_strcmp0 (name, dn) == 0 || *name == '\0')
    return g_strdup (dn);
  return g_strdup_printf ("%s (%s)", name, dn);
}

/**
 * pz_signature_report:
 * @check: a signature's check
 * @last: whether it is the file's last signature
 * @words: the language and the clock of the report
 *
 * Returns: (transfer container) (element-type PzVerifyLine): who signed,
 *   under which authority, when and by whose clock, whether the bytes
 *   are unchanged, the signature and the certificate valid then, what
 *   the long-term validation data says, and whether it all checks
 */
GPtrArray *
pz_signature_report (const PzSignatureCheck *check,
                     gboolean                last,
                     const PzVerifyWords    *words)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func ((GDestroyNotify) pz_verify_line_free);
  g_autofree char *when = check->signed_at ? words->format_time (check->signed_at, words->data) : NULL;
  g_autofree char *from = check->not_before ? words->format_time (check->not_before, words->data) : g_strdup ("?");
  g_autofree char *until = check->not_after ? words->format_time (check->not_after, words->data) : g_strdup ("?");
  gboolean holds = pz_signature_check_holds (check, last);

  add_line (lines, tr (words, N_("Signed by")), PZ_VERIFY_MARK_NONE,
            named (words, check->signer_name, check->subject));
  add_line (lines, tr (words, N_("Authority")), PZ_VERIFY_MARK_NONE,
            named (words, check->issuer_name, check->issuer));
  switch (check->signed_at_source)
    {
    case PZ_SIGNED_AT_TIMESTAMP:
      add_line (lines, tr (words, N_("Signed at")), PZ_VERIFY_MARK_OK,
                g_strdup_printf (tr (words, N_("%s (the timestamp of %s)")), when, check->timestamp_authority));
      break;
    case PZ_SIGNED_AT_SIGNING_TIME:
      add_line (lines, tr (words, N_("Signed at")), PZ_VERIFY_MARK_NONE,
                g_strdup_printf (tr (words, N_("%s (the signer's own statement: no timestamp)")), when));
      break;
    case PZ_SIGNED_AT_UNKNOWN:
    default:
      add_line (lines, tr (words, N_("Signed at")), PZ_VERIFY_MARK_BAD, g_strdup (tr (words, N_("unknown"))));
      break;
    }
  if (check->timestamp_authority && !check->timestamp_valid)
    add_line (lines, tr (words, N_("Timestamp")), PZ_VERIFY_MARK_BAD,
              g_strdup (tr (words, N_("INVALID: it is not a valid timestamp of this signature"))));
  add_line (lines, tr (words, N_("Bytes")), check->digest_matches ? PZ_VERIFY_MARK_OK : PZ_VERIFY_MARK_BAD,
            g_strdup (check->digest_matches ? tr (words, N_("unchanged since signing"))
                                            : tr (words, N_("CHANGED since signing"))));
  add_line (lines, tr (words, N_("Signature")), check->signature_valid ? PZ_VERIFY_MARK_OK : PZ_VERIFY_MARK_BAD,
            g_strdup (check->signature_valid ? tr (words, N_("valid for the signer's certificate"))
                                             : tr (words, N_("INVALID"))));
  if (check->certificate_valid_then)
    add_line (lines, tr (words, N_("Certificate")), PZ_VERIFY_MARK_OK,
              g_strdup_printf (tr (words, N_("valid at signing time (%s to %s)")), from, until));
  else
    add_line (lines, tr (words, N_("Certificate")), PZ_VERIFY_MARK_BAD,
              g_strdup_printf (tr (words, N_("NOT valid at signing time (%s to %s)")), from, until));
  switch (pz_signature_check_long_term (check))
    {
    case PZ_LONG_TERM_REVOKED:
      add_line (lines, tr (words, N_("Long-term")), PZ_VERIFY_MARK_BAD,
                g_strdup_printf (tr (words, N_("REVOKED: the revocation data says the certificate of %s is revoked")),
                                 check->revoked));
      break;
    case PZ_LONG_TERM_NOT_REVOKED:
      add_line (lines, tr (words, N_("Long-term")), PZ_VERIFY_MARK_OK,
                g_strdup_printf (tr (words, N_("long-term validation data: present (%u certificates, %u CRLs, "
                                               "%u OCSP responses)")),
                                 check->dss_certs, check->dss_crls, check->dss_ocsps));
      break;
    case PZ_LONG_TERM_NO_REVOCATION:
      add_line (lines, tr (words, N_("Long-term")), PZ_VERIFY_MARK_NONE,
                g_strdup_printf (tr (words, N_("long-term validation data: present (%u certificates); "
                                               "the revocation data (CRL, OCSP) is missing")),
                                 check->dss_certs));
      break;
    case PZ_LONG_TERM_NONE:
    default:
      add_line (lines, tr (words, N_("Long-term")), PZ_VERIFY_MARK_NONE,
                g_strdup (tr (words, N_("no long-term validation data"))));
      break;
    }
  if (!check->whole_file)
    add_line (lines, tr (words, N_("Coverage")), last ? PZ_VERIFY_MARK_BAD : PZ_VERIFY_MARK_NONE,
              g_strdup (last ? tr (words, N_("the file was CHANGED after this signature"))
                             : tr (words, N_("a later revision of the file follows"))));
  add_line (lines, tr (words, N_("Result")), holds ? PZ_VERIFY_MARK_OK : PZ_VERIFY_MARK_BAD,
            g_strdup (holds ? tr (words, N_("checks")) : tr (words, N_("DOES NOT CHECK"))));
  return lines;
}
