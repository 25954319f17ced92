/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The public pages: tracking by code, the satisfaction survey and the
* verification of a permit, in the office's language, rate-limited. */
#define G_LOG_DOMAIN "pz-server"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pz-http-private.h"
#include "pz-verify.h"

static void append_survey_form (Req *req, GString *html, const char *code);

static const char *public_css =
  "body{font-family:sans-serif;max-width:40em;margin:0 auto;padding:1em;color:#222;line-height:1.45}"
  "h1{font-size:1.3em}table{border-collapse:collapse;width:100%}td{padding:.35em .3em;border-bottom:1px solid #ddd;"
  "vertical-align:top}td:first-child{color:#555;width:40%}.ok{color:#1a7f37;font-weight:bold}"
  ".bad{color:#b42318;font-weight:bold}.hash{font-family:monospace;word-break:break-all;font-size:.85em}"
  "li{margin:.3em 0}.now{font-weight:bold}fieldset{border:1px solid #ddd;border-radius:6px;margin:.7em 0}"
  "legend{padding:0 .3em}label{display:inline-block;margin:.25em .8em .25em 0}textarea{width:100%}"
  "button{padding:.55em 1.3em;font-size:1em}";

/* The page may use its own style sheet (by its hash) and post its own
 * form; nothing else: no script, no frame, no outside resource. */
static const char *
public_page_policy (void)
{
  static gsize policy;

  if (g_once_init_enter (&policy))
    {
      guint8 digest[32];
      gsize len = sizeof digest;
      g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
      g_autofree char *b64 = NULL;

      g_checksum_update (sum, (const guchar *) public_css, -1);
      g_checksum_get_digest (sum, digest, &len);
      b64 = g_base64_encode (digest, len);
      g_once_init_leave (&policy, (gsize) g_strdup_printf ("default-src 'none'; style-src 'sha256-%s'; "
                                                           "form-action 'self'; base-uri 'none'; "
                                                           "frame-ancestors 'none'", b64));
    }
  return (const char *) policy;
}

/* A message of the public pages in PUBLIC_LANGUAGE. */
static const char *
tr (Req        *req,
    const char *msgid)
{
  return pz_catalog_gettext (req->server->public_catalog, msgid);
}

static const char *
tr_ctx (Req        *req,
        const char *context,
        const char *msgid)
{
  g_autofree char *key = g_strconcat (context, "\004", msgid, NULL);
  const char *msgstr = pz_catalog_gettext (req->server->public_catalog, key);

  return msgstr == key ? msgid : msgstr;
}

static void
send_html (Req     *req,
           guint    status,
           GString *html)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (req->msg);
  gsize len = html->len;

  soup_server_message_set_status (req->msg, status, NULL);
  soup_message_headers_replace (headers, "Content-Security-Policy", public_page_policy ());
  soup_message_headers_replace (headers, "Content-Language", PUBLIC_LANGUAGE);
  soup_server_message_set_response (req->msg, "text/html; charset=utf-8", SOUP_MEMORY_TAKE,
                                    g_string_free (html, FALSE), len);
}

static GString *
page_start (const char *title)
{
  GString *html = g_string_new ("<!DOCTYPE html><html lang=\"" PUBLIC_LANGUAGE "\"><head><meta charset=\"utf-8\">");
  g_autofree char *t = g_markup_escape_text (title, -1);

  g_string_append_printf (html, "<title>%s</title><meta name=\"viewport\" content=\"width=device-width, "
                          "initial-scale=1\"><style>%s</style></head><body>", t, public_css);
  return html;
}

/* A page of a heading and a paragraph (@text is markup). */
static void
simple_page (Req        *req,
             guint       status,
             const char *title,
             const char *text)
{
  GString *html = page_start (title);
  g_autofree char *t = g_markup_escape_text (title, -1);

  g_string_append_printf (html, "<h1>%s</h1><p>%s</p></body></html>", t, text);
  send_html (req, status, html);
}

/* The public routes share one budget per client; true if this request
 * is within it, else it is answered 429. */
gboolean
public_allowed (Req *req)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (req->msg);
  const char *accept = soup_message_headers_get_one (soup_server_message_get_request_headers (req->msg),
                                                     "Accept");
  char retry[16];
  guint wait;

  if (!G_IS_INET_SOCKET_ADDRESS (remote))
    return TRUE;
  wait = pz_rate_limit_take (req->server->public_limit,
                             g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)),
                             g_get_monotonic_time ());
  if (wait == 0)
    return TRUE;
  g_snprintf (retry, sizeof retry, "%u", wait);
  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg), "Retry-After", retry);
  if (accept && strstr (accept, "application/json"))
    send_error (req->msg, 429, "throttled",
                tr (req, N_("Too many requests from your address; wait a moment and try again")), NULL);
  else
    simple_page (req, 429, tr (req, N_("Too many requests")),
                 tr (req, N_("Please wait a moment, then try again.")));
  return FALSE;
}

static void
row (GString    *html,
     const char *label,
     const char *value,
     const char *css)
{
  g_autofree char *v = g_markup_escape_text (value ? value : "-", -1);

  g_string_append_printf (html, "<tr><td>%s</td><td%s%s%s>%s</td></tr>", label, css ? " class=\"" : "",
                          css ? css : "", css ? "\"" : "", v);
}

/* The last signature of the stored permit, as any holder of the file
 * would find it: NULL for a permit signed on paper (its scan, or a PDF
 * without an electronic signature). */
static PzSignatureCheck *
permit_signature (PzEngine      *engine,
                  PzApplication *app)
{
  g_autofree char *path = pz_engine_output_path (engine, app->id, "permit");
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  gsize len;

  if (path == NULL || !g_file_get_contents (path, &contents, &len, NULL))
    return NULL;
  pdf = g_bytes_new_take (g_steal_pointer (&contents), len);
  checks = pz_verify_pdf (pdf, NULL);
  if (checks == NULL || checks->len == 0)
    return NULL;
  return g_ptr_array_steal_index (checks, checks->len - 1);
}

static const char *
public_words_translate (const char *msgid,
                        gpointer    data)
{
  return tr (data, msgid);
}

static char *
public_words_time (gint64   unix_time,
                   gpointer data)
{
  Req *req = data;

  return pz_format_date_id (unix_time, pz_engine_get_timezone (req->server->engine), TRUE);
}

/* What `perizinan-server verify` says of the permit's last signature,
 * in the public page's language and the office's time. */
static void
signature_rows (Req              *req,
                GString          *html,
                PzSignatureCheck *sig)
{
  const PzVerifyWords words = { public_words_translate, public_words_time, req };
  g_autoptr(GPtrArray) lines = NULL;

  if (sig == NULL)
    {
      row (html, tr (req, N_("Electronic signature")),
           tr (req, N_("none: this permit was signed on paper; compare the document you hold with the authentic "
                       "one below")), NULL);
      return;
    }
  lines = pz_signature_report (sig, TRUE, &words);
  for (guint i = 0; i < lines->len; i++)
    {
      PzVerifyLine *line = g_ptr_array_index (lines, i);
      g_autofree char *label = g_markup_escape_text (line->label, -1);

      row (html, label, line->value,
           line->mark == PZ_VERIFY_MARK_OK ? "ok" : line->mark == PZ_VERIFY_MARK_BAD ? "bad" : NULL);
    }
}

static void
add_string_or_null (JsonBuilder *b,
                    const char  *name,
                    const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
signature_json (JsonBuilder      *b,
                PzEngine         *engine,
                PzSignatureCheck *sig)
{
  g_autofree char *iso = NULL;
  g_autofree char *from = NULL;
  g_autofree char *until = NULL;
  PzLongTerm long_term;

  json_builder_set_member_name (b, "signature");
  if (sig == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  iso = sig->signed_at ? pz_engine_format_time (engine, sig->signed_at) : NULL;
  from = sig->not_before ? pz_engine_format_time (engine, sig->not_before) : NULL;
  until = sig->not_after ? pz_engine_format_time (engine, sig->not_after) : NULL;
  long_term = pz_signature_check_long_term (sig);
  json_builder_begin_object (b);
  add_string_or_null (b, "signer", sig->subject);
  add_string_or_null (b, "signer_name", sig->signer_name);
  add_string_or_null (b, "authority", sig->issuer);
  add_string_or_null (b, "authority_name", sig->issuer_name);
  add_string_or_null (b, "signed_at", iso);
  json_builder_set_member_name (b, "signed_at_source");
  json_builder_add_string_value (b, sig->signed_at_source == PZ_SIGNED_AT_TIMESTAMP ? "timestamp"
                                    : sig->signed_at_source == PZ_SIGNED_AT_SIGNING_TIME ? "signing_time"
                                    : "unknown");
  add_string_or_null (b, "timestamp_authority", sig->timestamp_authority);
  json_builder_set_member_name (b, "timestamp_valid");
  json_builder_add_boolean_value (b, sig->timestamp_authority && sig->timestamp_valid);
  json_builder_set_member_name (b, "unchanged");
  json_builder_add_boolean_value (b, sig->digest_matches && sig->signature_valid);
  json_builder_set_member_name (b, "whole_file");
  json_builder_add_boolean_value (b, sig->whole_file);
  add_string_or_null (b, "certificate_not_before", from);
  add_string_or_null (b, "certificate_not_after", until);
  json_builder_set_member_name (b, "certificate_valid_at_signing");
  json_builder_add_boolean_value (b, sig->certificate_valid_then);
  json_builder_set_member_name (b, "long_term");
  if (sig->validation_data)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "certificates");
      json_builder_add_int_value (b, sig->dss_certs);
      json_builder_set_member_name (b, "crls");
      json_builder_add_int_value (b, sig->dss_crls);
      json_builder_set_member_name (b, "ocsp_responses");
      json_builder_add_int_value (b, sig->dss_ocsps);
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "revocation");
  json_builder_add_string_value (b, pz_long_term_to_string (long_term));
  add_string_or_null (b, "revoked", sig->revoked);
  json_builder_set_member_name (b, "valid");
  json_builder_add_boolean_value (b, pz_signature_check_holds (sig, TRUE));
  json_builder_end_object (b);
}

void
handle_verify (Req        *req,
               const char *token,
               gboolean    pdf)
{
  PzEngine *engine = req->server->engine;
  g_autoptr(PzApplication) app = NULL;
  g_autofree char *path = NULL;
  g_autofree char *sha = NULL;
  g_autofree char *issued = NULL;
  g_autofree char *until = NULL;
  g_autoptr(GPtrArray) outputs = NULL;
  PzSignatureCheck *sig = NULL;
  PzPermitType *type;
  const char *accept = soup_message_headers_get_one (soup_server_message_get_request_headers (req->msg), "Accept");
  gboolean json = accept && strstr (accept, "application/json");
  gboolean valid;
  gint64 issued_at = 0;

  if (strlen (token) == 32)
    app = pz_store_find_by_verify_token (pz_engine_get_store (engine), token);
  if (app)
    {
      outputs = pz_store_list_outputs (pz_engine_get_store (engine), app->id);
      for (guint i = 0; i < outputs->len; i++)
        {
          PzDocument *o = g_ptr_array_index (outputs, i);
          if (g_str_equal (o->requirement, "permit"))
            {
              sha = g_strdup (o->sha256);
              issued_at = o->uploaded_at;
            }
        }
    }
  if (app == NULL || sha == NULL)
    {
      if (json)
        send_error (req->msg, 404, "not_found", tr (req, N_("No permit issued by this office has this code.")),
                    NULL);
      else
        simple_page (req, 404, tr (req, N_("Permit not found")),
                     tr (req, N_("The code in this QR matches no permit issued by this office. The document "
                                 "you hold may <b>not be authentic</b>; contact the issuing office.")));
      return;
    }
  if (pdf)
    {
      /* a download to compare with the SHA-256 on the page, never shown
       * inside the page's origin */
      g_autofree char *filename = g_strdup_printf ("izin-%s.pdf", app->registration_number);
      path = pz_engine_output_path (engine, app->id, "permit");
      send_file (req->msg, path, "application/pdf", filename, TRUE);
      return;
    }

  type = pz_engine_get_file_permit_type (engine, app);
  issued = pz_format_date_id (issued_at, pz_engine_get_timezone (engine), FALSE);
  valid = TRUE;
  if (type && type->validity_months)
    {
      g_autoptr(GDateTime) from = g_date_time_new_from_unix_utc (issued_at);
      g_autoptr(GDateTime) end = g_date_time_add_months (from, (int) type->validity_months);
      until = pz_format_date_id (g_date_time_to_unix (end), pz_engine_get_timezone (engine), FALSE);
      valid = g_date_time_to_unix (end) > req->now;
    }
  sig = permit_signature (engine, app);
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *issued_iso = pz_engine_format_time (engine, issued_at);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "permit_number");
      json_builder_add_string_value (b, app->permit_number);
      json_builder_set_member_name (b, "holder");
      json_builder_add_string_value (b, app->applicant_name);
      json_builder_set_member_name (b, "permit_type");
      json_builder_add_string_value (b, type ? type->name : app->permit_type);
      json_builder_set_member_name (b, "issued");
      json_builder_add_string_value (b, issued_iso);
      json_builder_set_member_name (b, "valid_until");
      if (until)
        json_builder_add_string_value (b, until);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "status");
      json_builder_add_string_value (b, valid ? "valid" : "expired");
      json_builder_set_member_name (b, "sha256");
      json_builder_add_string_value (b, sha);
      signature_json (b, engine, sig);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      send_json (req->msg, 200, root);
      pz_signature_check_free (sig);
      return;
    }
  {
    GString *html = page_start (tr (req, N_("Permit verification")));
    g_autofree char *download = g_strdup_printf ("/verify/%s/pdf", token);

    g_string_append_printf (html, "<h1>%s</h1><p>%s</p><table>", tr (req, N_("Permit verification")),
                            tr (req, N_("This permit is registered with the issuing office.")));
    row (html, tr (req, N_("Permit number")), app->permit_number, NULL);
    row (html, tr (req, N_("Permit holder")), app->applicant_name, NULL);
    row (html, tr (req, N_("Permit type")), type ? type->name : app->permit_type, NULL);
    row (html, tr (req, N_("Issued on")), issued, NULL);
    row (html, tr (req, N_("Valid until")), until ? until : tr (req, N_("As long as its data do not change")),
         NULL);
    row (html, tr (req, N_("Status")), valid ? tr (req, N_("VALID")) : tr (req, N_("NO LONGER VALID")),
         valid ? "ok" : "bad");
    signature_rows (req, html, sig);
    pz_signature_check_free (sig);
    row (html, tr (req, N_("SHA-256 of the authentic document")), sha, "hash");
    g_string_append_printf (html, "</table><p><a href=\"%s\">%s</a>. %s</p></body></html>", download,
                            tr (req, N_("Download the authentic permit document (PDF)")),
                            tr (req, N_("The SHA-256 fingerprint of the file you hold must be the same as above.")));
    send_html (req, 200, html);
  }
}

static char *
initials (const char *name)
{
  GString *out = g_string_new (NULL);
  g_auto(GStrv) words = g_strsplit (name ? name : "", " ", -1);

  for (guint i = 0; words[i]; i++)
    if (*words[i] && g_unichar_isalpha (g_utf8_get_char (words[i])))
      {
        g_string_append_unichar (out, g_unichar_toupper (g_utf8_get_char (words[i])));
        g_string_append_c (out, '.');
      }
  return g_string_free (out, FALSE);
}

/* The file a tracking code (as typed) opens, or NULL; a registration
 * number opens nothing. */
static PzApplication *
find_tracked (Req        *req,
              const char *typed)
{
  g_autofree char *code = pz_tracking_code_normalize (typed);

  return code ? pz_store_find_by_tracking_code (pz_engine_get_store (req->server->engine), code) : NULL;
}

/* The same answer for a code that opens nothing, whatever it was. */
static void
track_not_found (Req *req)
{
  simple_page (req, 404, tr (req, N_("File not found")),
               tr (req, N_("Check the tracking code on your receipt: four groups of four letters and digits, "
                           "such as 7KQ2-M9XD-4HRT-ZP3W.")));
}

void
handle_track (Req        *req,
              const char *typed)
{
  PzEngine *engine = req->server->engine;
  g_autoptr(PzApplication) app = find_tracked (req, typed);
  g_autoptr(GPtrArray) events = NULL;
  g_autofree char *who = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GString) handlers = NULL;
  PzPermitType *type;
  PzWorkflow *wf;
  const PzStep *step;
  GString *html;
  gint64 expected_at;

  if (app == NULL)
    {
      track_not_found (req);
      return;
    }
  type = pz_engine_get_file_permit_type (engine, app);
  wf = type ? pz_engine_get_workflow (engine, type->workflow) : NULL;
  step = wf ? pz_workflow_get_step (wf, app->step) : NULL;
  events = pz_store_list_events (pz_engine_get_store (engine), app->id, NULL);
  who = initials (app->applicant_name);
  expected_at = pz_engine_expected_completion (engine, app);
  expected = expected_at ? pz_format_date_id (expected_at, pz_engine_get_timezone (engine), FALSE) : NULL;
  if (step && step->roles && g_strcmp0 (app->status, "in_progress") == 0)
    {
      handlers = g_string_new (NULL);
      for (guint i = 0; step->roles[i]; i++)
        {
          const char *title = pz_role_title (step->roles[i]);

          g_string_append_printf (handlers, "%s%s", i ? ", " : "", title ? tr (req, title) : step->roles[i]);
        }
    }

  html = page_start (tr (req, N_("Application tracking")));
  g_string_append_printf (html, "<h1>%s</h1><table>", tr (req, N_("Application tracking")));
  row (html, tr (req, N_("Registration number")), app->registration_number, NULL);
  row (html, tr (req, N_("Applicant")), who, NULL);
  row (html, tr (req, N_("Permit type")), type ? type->name : app->permit_type, NULL);
  row (html, tr (req, N_("Current step")), step ? tr (req, step->title) : app->step, "now");
  if (handlers)
    row (html, tr (req, N_("Handled by")), handlers->str, NULL);
  row (html, tr (req, N_("Expected completion")),
       expected ? expected : tr (req, N_("Set once the documents are complete")), NULL);
  g_string_append_printf (html, "</table><h2>%s</h2><ol>", tr (req, N_("History")));
  for (guint i = 0; events && i < events->len; i++)
    {
      PzEvent *ev = g_ptr_array_index (events, i);
      const PzStep *to = wf ? pz_workflow_get_step (wf, ev->to_step) : NULL;
      g_autofree char *when = pz_format_date_id (ev->at, pz_engine_get_timezone (engine), TRUE);
      g_autofree char *title = g_markup_escape_text (to ? tr (req, to->title) : ev->to_step, -1);

      g_string_append_printf (html, "<li>%s — %s</li>", when, title);
    }
  g_string_append (html, "</ol>");
  if (g_strcmp0 (app->status, "issued") == 0)
    {
      if (pz_store_has_satisfaction (pz_engine_get_store (engine), app->id))
        g_string_append_printf (html, "<h2>%s</h2><p>%s</p>", tr (req, N_("Community satisfaction survey")),
                                tr (req, N_("Thank you, we have received your answers.")));
      else
        append_survey_form (req, html, app->tracking_code);
    }
  g_string_append (html, "</body></html>");
  send_html (req, 200, html);
}

/* The nine questions of the SKM as the citizen reads them. */
static const char * const skm_questions[PZ_SKM_ELEMENTS] = {
  N_("What do you think of how well the service's requirements fit the kind of service?"),
  N_("How easy did you find the procedure of this office?"),
  N_("What do you think of how quickly the service was given?"),
  N_("What do you think of how fair the cost or fee of the service is?"),
  N_("What do you think of how well what you received matches what the service standard promises?"),
  N_("What do you think of the competence of the staff who served you?"),
  N_("What do you think of the staff's conduct: their courtesy and friendliness?"),
  N_("What do you think of how complaints, suggestions and feedback are handled?"),
  N_("What do you think of the quality of the facilities?"),
};

static const char * const skm_answers[4] = {
  NC_("survey answer", "Poor"), NC_("survey answer", "Fair"), NC_("survey answer", "Good"),
  NC_("survey answer", "Very good"),
};

static void
append_survey_form (Req        *req,
                    GString    *html,
                    const char *code)
{
  g_string_append_printf (html, "<h2>%s</h2><p>%s</p><form method=\"post\" action=\"/track/%s/survey\">",
                          tr (req, N_("Community satisfaction survey")),
                          tr (req, N_("Your permit has been handed over. Help us improve our service by "
                                      "answering the nine questions below.")),
                          code);
  for (guint i = 0; i < PZ_SKM_ELEMENTS; i++)
    {
      g_string_append_printf (html, "<fieldset><legend>%u. %s</legend>", i + 1, tr (req, skm_questions[i]));
      for (guint a = 0; a < 4; a++)
        g_string_append_printf (html, "<label><input type=\"radio\" name=\"u%u\" value=\"%u\" required> %s</label> ",
                                i + 1, a + 1, tr_ctx (req, "survey answer", skm_answers[a]));
      g_string_append (html, "</fieldset>");
    }
  g_string_append_printf (html, "<p><label>%s<br><textarea name=\"saran\" rows=\"3\" maxlength=\"1000\"></textarea>"
                          "</label></p><p><button type=\"submit\">%s</button></p></form>",
                          tr (req, N_("Suggestions (optional)")), tr (req, N_("Send answers")));
}

static void
survey_page (Req        *req,
             guint       status,
             const char *title,
             const char *text,
             const char *code)
{
  GString *html = page_start (title);

  g_string_append_printf (html, "<h1>%s</h1><p>%s</p><p><a href=\"/track/%s\">%s</a></p></body></html>",
                          title, text, code, tr (req, N_("Back to the file's page")));
  send_html (req, status, html);
}

/* The applicant's answers to the survey: once per file, after hand-over,
 * under the file's tracking code. */
void
handle_survey (Req        *req,
               const char *typed)
{
  PzEngine *engine = req->server->engine;
  g_autoptr(PzApplication) app = find_tracked (req, typed);
  SoupMessageBody *body = soup_server_message_get_request_body (req->msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autofree char *text = NULL;
  g_autoptr(GHashTable) form = NULL;
  g_autoptr(GError) error = NULL;
  int answers[PZ_SKM_ELEMENTS];
  const char *suggestion;
  const char *code;

  if (app == NULL)
    {
      track_not_found (req);
      return;
    }
  code = app->tracking_code;
  if (g_strcmp0 (app->status, "issued") != 0)
    {
      survey_page (req, 409, tr (req, N_("Not open for answers yet")),
                   tr (req, N_("The survey can be answered once the permit has been handed over to you.")), code);
      return;
    }
  if (g_bytes_get_size (bytes) > 8192)
    {
      survey_page (req, 413, tr (req, N_("Answers too long")),
                   tr (req, N_("Suggestions may have at most 1000 characters.")), code);
      return;
    }
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  form = soup_form_decode (text);
  for (guint i = 0; i < PZ_SKM_ELEMENTS; i++)
    {
      char key[4];
      const char *value;

      g_snprintf (key, sizeof key, "u%u", i + 1);
      value = g_hash_table_lookup (form, key);
      if (value == NULL || strlen (value) != 1 || value[0] < '1' || value[0] > '4')
        {
          survey_page (req, 422, tr (req, N_("Answers incomplete")),
                       tr (req, N_("Please answer all nine questions, then send again.")), code);
          return;
        }
      answers[i] = value[0] - '0';
    }
  suggestion = g_hash_table_lookup (form, "saran");
  if (suggestion && !pz_valid_text (suggestion, 1000))
    {
      survey_page (req, 422, tr (req, N_("Suggestion not accepted")),
                   tr (req, N_("Suggestions may have at most 1000 characters.")), code);
      return;
    }
  flush_batch (req->server);
  if (!pz_store_put_satisfaction (pz_engine_get_store (engine), app->id, answers, suggestion, req->now, &error))
    {
      if (g_error_matches (error, PZ_STORE_ERROR, PZ_STORE_ERROR_CONSTRAINT))
        survey_page (req, 409, tr (req, N_("Already answered")),
                     tr (req, N_("We have already received the answers for this file.")), code);
      else
        survey_page (req, 500, tr (req, N_("Something went wrong")),
                     tr (req, N_("Your answers were not saved; please try again later.")), code);
      return;
    }
  survey_page (req, 200, tr (req, N_("Thank you")),
               tr (req, N_("We have received your answers; they help us improve our service.")), code);
}
