/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-sign"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "pz-signer-private.h"
#include "pz-verify.h"

/* A remote signing service that follows BSrE's Esign Client Service API:
 * the PDF goes to POST /api/sign/pdf (multipart: file, nik, passphrase,
 * tampilan) with the office's client credentials (HTTP basic), and the
 * signed PDF comes back.  The key stays with the service; the passphrase
 * is held in memory for the one signing and never written, logged or put
 * in a message. */

#define MAX_SIGNED (64 * 1024 * 1024)
#define BSRE_WRONG_PASSPHRASE 2031

typedef struct
{
  char *url;
  char *authorization;
  char *nik;
  char *passphrase;
  guint timeout;
} Remote;

static void
wipe (char *secret)
{
  if (secret)
    {
      volatile char *p = secret;
      while (*p)
        *p++ = '\0';
      g_free (secret);
    }
}

static void
remote_close (PzSigner *self)
{
  Remote *r = self->backend_data;

  if (r == NULL)
    return;
  g_free (r->url);
  wipe (r->authorization);
  g_free (r->nik);
  wipe (r->passphrase);
  g_free (r);
}

static GBytes *
remote_sign_cms (PzSigner *self,
                 GBytes   *data,
                 GError  **error)
{
  g_set_error (error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_SERVICE,
               _("The signing service signs whole PDF documents only"));
  return NULL;
}

/* The service's refusal: {"error": "...", "status_code": N} */
static void
refusal (Remote  *r,
         guint    http_status,
         GBytes  *body,
         GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gint64 code = 0;
  const char *said = NULL;

  if (body && json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), (gssize) g_bytes_get_size (body),
                                          NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      JsonObject *o = json_node_get_object (json_parser_get_root (parser));
      JsonNode *c = json_object_get_member (o, "status_code");
      JsonNode *e = json_object_get_member (o, "error");

      if (c && JSON_NODE_HOLDS_VALUE (c) && json_node_get_value_type (c) == G_TYPE_INT64)
        code = json_node_get_int (c);
      if (e && JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING)
        said = json_node_get_string (e);
    }
  if (code == BSRE_WRONG_PASSPHRASE)
    {
      g_set_error (error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_PASSPHRASE, _("The passphrase is wrong; nothing was signed"));
      return;
    }
  if (http_status == SOUP_STATUS_UNAUTHORIZED)
    {
      g_set_error (error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_SERVICE,
                   _("The signing service refused the office's client credentials; nothing was signed"));
      return;
    }
  /* what the service says, unless it repeats a secret */
  if (said == NULL || !g_utf8_validate (said, -1, NULL) || strlen (said) > 300 ||
      (r->passphrase && *r->passphrase && strstr (said, r->passphrase)))
    said = "";
  g_set_error (error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_SERVICE,
               _("The signing service refused to sign (HTTP %u, code %d%s%s); nothing was signed"), http_status,
               (int) CLAMP (code, G_MININT, G_MAXINT), *said ? ": " : "", said);
}

static GBytes *
remote_sign_pdf (PzSigner               *self,
                 GBytes                 *pdf,
                 const char             *reason,
                 const char             *location,
                 const PzSignAppearance *appearance,
                 GError                **error)
{
  Remote *r = self->backend_data;
  g_autoptr(SoupMultipart) form = soup_multipart_new (SOUP_FORM_MIME_TYPE_MULTIPART);
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  g_autofree char *endpoint = g_strdup_printf ("%s/api/sign/pdf", r->url);
  PzSignatureCheck *last;

  soup_multipart_append_form_file (form, "file", "permit.pdf", "application/pdf", pdf);
  soup_multipart_append_form_string (form, "nik", r->nik);
  soup_multipart_append_form_string (form, "passphrase", r->passphrase);
  /* a visible signature where the letter left room for it: the page
   * and the box in PDF points from the page's lower left */
  soup_multipart_append_form_string (form, "tampilan", appearance ? "visible" : "invisible");
  if (appearance)
    {
      const struct { const char *name; double value; } place[] = {
        { "page", appearance->page }, { "xAxis", appearance->x }, { "yAxis", appearance->y },
        { "width", appearance->width }, { "height", appearance->height },
      };

      for (guint i = 0; i < G_N_ELEMENTS (place); i++)
        {
          char number[G_ASCII_DTOSTR_BUF_SIZE];

          g_ascii_formatd (number, sizeof number, "%.0f", place[i].value);
          soup_multipart_append_form_string (form, place[i].name, number);
        }
    }
  soup_multipart_append_form_string (form, "reason", reason ? reason : "");
  soup_multipart_append_form_string (form, "location", location ? location : "");
  msg = soup_message_new_from_multipart (endpoint, form);
  if (msg == NULL)
    {
      g_set_error (error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_SERVICE, _("“%s” is not the address of a signing service"),
                   r->url);
      return NULL;
    }
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", r->authorization);
  session = soup_session_new_with_options ("timeout", r->timeout, "idle-timeout", r->timeout,
                                           "user-agent", "perizinan-server", NULL);
  reply = soup_session_send_and_read (session, msg, NULL, &local);
  if (reply == NULL)
    {
      g_set_error (error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_SERVICE,
                   _("The signing service at %s cannot be reached (%s); nothing was signed"), r->url,
                   local->message);
      return NULL;
    }
  if (soup_message_get_status (msg) != SOUP_STATUS_OK)
    {
      refusal (r, soup_message_get_status (msg), reply, error);
      return NULL;
    }
  /* what comes back must be this permit, signed, and nothing else */
  if (g_bytes_get_size (reply) > MAX_SIGNED || !(checks = pz_verify_pdf (reply, NULL)) || checks->len == 0 ||
      !(last = g_ptr_array_index (checks, checks->len - 1))->whole_file || !pz_signature_check_ok (last) ||
      g_bytes_get_size (reply) <= g_bytes_get_size (pdf) ||
      memcmp (g_bytes_get_data (reply, NULL), g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf)) != 0)
    {
      g_set_error (error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_SERVICE,
                   _("The signing service did not answer with this permit, signed; nothing was signed"));
      return NULL;
    }
  return g_steal_pointer (&reply);
}

static const PzSignerBackend remote_backend = {
  "remote",
  remote_sign_cms,
  remote_close,
  remote_sign_pdf,
};

/**
 * pz_signer_open_remote:
 * @url: the signing service's base address (before /api/sign/pdf)
 * @client_id: the office's client credentials at the service
 * @client_secret: and their secret
 * @nik: the signer's NIK, as the service knows the signer
 * @passphrase: the signer's passphrase, for this signing only
 * @timeout_seconds: how long to wait for the service
 * @error: return location for an error
 *
 * Nothing is sent yet: the service checks the passphrase when it signs.
 *
 * Returns: (transfer full): the signer
 */
PzSigner *
pz_signer_open_remote (const char *url,
                       const char *client_id,
                       const char *client_secret,
                       const char *nik,
                       const char *passphrase,
                       guint       timeout_seconds,
                       GError    **error)
{
  PzSigner *self;
  Remote *r;
  g_autofree char *pair = NULL;
  g_autofree char *b64 = NULL;

  if (url == NULL || !(g_str_has_prefix (url, "http://") || g_str_has_prefix (url, "https://")))
    {
      g_set_error (error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_SERVICE, _("The signing service has no http:// or https:// address"));
      return NULL;
    }
  if (nik == NULL || strlen (nik) != 16 || strspn (nik, "0123456789") != 16)
    {
      g_set_error (error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_SERVICE, _("The signer's NIK must be 16 digits"));
      return NULL;
    }
  if (passphrase == NULL || *passphrase == '\0')
    {
      g_set_error (error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_PASSPHRASE, _("The passphrase is wrong; nothing was signed"));
      return NULL;
    }
  self = pz_signer_new (&remote_backend);
  r = g_new0 (Remote, 1);
  r->url = g_strdup (url);
  while (g_str_has_suffix (r->url, "/"))
    r->url[strlen (r->url) - 1] = '\0';
  pair = g_strdup_printf ("%s:%s", client_id ? client_id : "", client_secret ? client_secret : "");
  b64 = g_base64_encode ((const guchar *) pair, strlen (pair));
  r->authorization = g_strdup_printf ("Basic %s", b64);
  memset (pair, 0, strlen (pair));
  memset (b64, 0, strlen (b64));
  r->nik = g_strdup (nik);
  r->passphrase = g_strdup (passphrase);
  r->timeout = timeout_seconds ? timeout_seconds : 30;
  self->backend_data = r;
  return self;
}
