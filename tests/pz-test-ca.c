/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <libsoup/soup.h>
#include <string.h>

#include "pz-test-ca.h"
#include "pz-test-server.h"

struct _PzTestCa
{
  char         *dir;
  char         *p12;
  char         *url;
  char         *ocsp_url;
  GBytes       *crl;
  GBytes       *forged;
  GBytes       *revoking;   /* the CA's CRL that revokes the signer's certificate */
  guint8        serial[64]; /* the signer's certificate's */
  size_t        serial_len;
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  GMutex        lock;
  GCond         ready;
  gboolean      listening;
  gint          mode;
  guint         requests;
};

static gboolean
read_pem (const char     *path,
          gnutls_datum_t *out,
          char          **contents)
{
  gsize len;

  if (!g_file_get_contents (path, contents, &len, NULL))
    return FALSE;
  out->data = (unsigned char *) *contents;
  out->size = (unsigned int) len;
  return TRUE;
}

/* A CRL of the CA at @crt_path, signed with the key at @key_path, that
 * revokes one certificate (not the signer's), and @also if not NULL: DER. */
static GBytes *
make_crl (const char   *crt_path,
          const char   *key_path,
          const guint8 *also,
          size_t        also_len)
{
  g_autofree char *crt_pem = NULL;
  g_autofree char *key_pem = NULL;
  gnutls_datum_t crt_data, key_data, der = { NULL, 0 };
  gnutls_x509_crt_t crt = NULL;
  gnutls_x509_privkey_t key = NULL;
  gnutls_x509_crl_t crl = NULL;
  time_t now = time (NULL);
  static const guint8 revoked_serial[] = { 0x7e, 0x57 };
  GBytes *out = NULL;

  if (!read_pem (crt_path, &crt_data, &crt_pem) || !read_pem (key_path, &key_data, &key_pem))
    return NULL;
  if (gnutls_x509_crt_init (&crt) >= 0 && gnutls_x509_crt_import (crt, &crt_data, GNUTLS_X509_FMT_PEM) >= 0 &&
      gnutls_x509_privkey_init (&key) >= 0 &&
      gnutls_x509_privkey_import (key, &key_data, GNUTLS_X509_FMT_PEM) >= 0 &&
      gnutls_x509_crl_init (&crl) >= 0 && gnutls_x509_crl_set_version (crl, 2) >= 0 &&
      gnutls_x509_crl_set_this_update (crl, now - 60) >= 0 &&
      gnutls_x509_crl_set_next_update (crl, now + 7 * 24 * 3600) >= 0 &&
      gnutls_x509_crl_set_crt_serial (crl, revoked_serial, sizeof revoked_serial, now - 3600) >= 0 &&
      (also == NULL || gnutls_x509_crl_set_crt_serial (crl, also, also_len, now - 1800) >= 0) &&
      gnutls_x509_crl_sign2 (crl, crt, key, GNUTLS_DIG_SHA256, 0) >= 0 &&
      gnutls_x509_crl_export2 (crl, GNUTLS_X509_FMT_DER, &der) >= 0)
    out = g_bytes_new (der.data, der.size);
  gnutls_free (der.data);
  if (crl)
    gnutls_x509_crl_deinit (crl);
  if (key)
    gnutls_x509_privkey_deinit (key);
  if (crt)
    gnutls_x509_crt_deinit (crt);
  return out;
}

/* The responder's database (openssl ocsp -index): the signer's
 * certificate, valid. */
static gboolean
write_index (PzTestCa *ca)
{
  g_autofree char *path = g_build_filename (ca->dir, "signer.pem", NULL);
  g_autofree char *index = g_build_filename (ca->dir, "index.txt", NULL);
  g_autofree char *index_revoked = g_build_filename (ca->dir, "index-revoked.txt", NULL);
  g_autofree char *line_revoked = NULL;
  g_autofree char *revoked_text = NULL;
  g_autoptr(GDateTime) revoked_at = g_date_time_new_now_utc ();
  g_autofree char *pem = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GDateTime) end = NULL;
  g_autofree char *end_text = NULL;
  GString *serial_hex = g_string_new (NULL);
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t data;
  gboolean ok = FALSE;

  if (read_pem (path, &data, &pem) && gnutls_x509_crt_init (&crt) >= 0 &&
      gnutls_x509_crt_import (crt, &data, GNUTLS_X509_FMT_PEM) >= 0 &&
      (ca->serial_len = sizeof ca->serial, gnutls_x509_crt_get_serial (crt, ca->serial, &ca->serial_len) >= 0))
    {
      for (size_t i = 0; i < ca->serial_len; i++)
        g_string_append_printf (serial_hex, "%02X", ca->serial[i]);
      end = g_date_time_new_from_unix_utc (gnutls_x509_crt_get_expiration_time (crt));
      end_text = g_date_time_format (end, "%y%m%d%H%M%SZ");
      line = g_strdup_printf ("V\t%s\t\t%s\tunknown\t/C=ID/O=DPMPTSP Sukamaju/CN=Ir. Bambang Sutrisno\n", end_text,
                              serial_hex->str);
      revoked_text = g_date_time_format (revoked_at, "%y%m%d%H%M%SZ");
      line_revoked = g_strdup_printf ("R\t%s\t%s\t%s\tunknown\t/C=ID/O=DPMPTSP Sukamaju/CN=Ir. Bambang Sutrisno\n",
                                      end_text, revoked_text, serial_hex->str);
      ok = g_file_set_contents (index, line, -1, NULL) && g_file_set_contents (index_revoked, line_revoked, -1, NULL);
    }
  if (crt)
    gnutls_x509_crt_deinit (crt);
  g_string_free (serial_hex, TRUE);
  return ok;
}

static gboolean
make_identity (PzTestCa *ca)
{
  g_autofree char *ext = g_build_filename (ca->dir, "signer.ext", NULL);
  g_autofree char *ext_text = g_strdup_printf ("keyUsage=critical,digitalSignature,nonRepudiation\n"
                                               "crlDistributionPoints=URI:%s\n"
                                               "authorityInfoAccess=OCSP;URI:%s\n", ca->url, ca->ocsp_url);
  g_autofree char *ca_pem = g_build_filename (ca->dir, "ca.pem", NULL);
  g_autofree char *ca_key = g_build_filename (ca->dir, "ca.key", NULL);
  g_autofree char *other_key = g_build_filename (ca->dir, "other.key", NULL);
  g_autofree char *pass = g_strdup ("pass:" PZ_TEST_CA_PASSPHRASE);
  const char *root[] = { "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key",
                         "-out", "ca.pem", "-days", "30", "-subj", "/CN=Test LTV CA/O=Perizinan tests/C=ID",
                         "-addext", "basicConstraints=critical,CA:TRUE",
                         "-addext", "keyUsage=critical,keyCertSign,cRLSign", NULL };
  const char *other[] = { "openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                          "-out", "other.key", NULL };
  const char *req[] = { "openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "signer.key",
                        "-out", "signer.csr", "-subj", "/CN=Ir. Bambang Sutrisno/O=DPMPTSP Sukamaju/C=ID", NULL };
  const char *sign[] = { "openssl", "x509", "-req", "-in", "signer.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                         "-CAcreateserial", "-days", "30", "-out", "signer.pem", "-extfile", "signer.ext", NULL };
  const char *p12[] = { "openssl", "pkcs12", "-export", "-inkey", "signer.key", "-in", "signer.pem", "-certfile",
                        "ca.pem", "-out", "signer.p12", "-passout", pass, NULL };

  if (!g_file_set_contents (ext, ext_text, -1, NULL) || !pz_test_run_in (ca->dir, root) ||
      !pz_test_run_in (ca->dir, other) || !pz_test_run_in (ca->dir, req) || !pz_test_run_in (ca->dir, sign) ||
      !pz_test_run_in (ca->dir, p12))
    return FALSE;
  if (!write_index (ca))
    return FALSE;
  ca->crl = make_crl (ca_pem, ca_key, NULL, 0);
  ca->forged = make_crl (ca_pem, other_key, NULL, 0);
  ca->revoking = make_crl (ca_pem, ca_key, ca->serial, ca->serial_len);
  return ca->crl != NULL && ca->forged != NULL && ca->revoking != NULL;
}

static void
handle_crl (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           data)
{
  PzTestCa *ca = data;
  GBytes *body;

  g_atomic_int_inc ((gint *) &ca->requests);
  switch (g_atomic_int_get (&ca->mode))
    {
    case PZ_TEST_CA_GOOD:
      body = ca->crl;
      break;
    case PZ_TEST_CA_FORGED:
      body = ca->forged;
      break;
    case PZ_TEST_CA_REVOKED:
      body = ca->revoking;
      break;
    case PZ_TEST_CA_GARBAGE:
    default:
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, "<html>Maintenance</html>", 24);
      return;
    }
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/pkix-crl", SOUP_MEMORY_COPY, g_bytes_get_data (body, NULL),
                                    g_bytes_get_size (body));
}

/* An OCSP response from the CA itself, made by openssl's responder */
static void
handle_ocsp (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           data)
{
  PzTestCa *ca = data;
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autofree char *req = g_build_filename (ca->dir, "ocsp-req.der", NULL);
  g_autofree char *resp = g_build_filename (ca->dir, "ocsp-resp.der", NULL);
  g_autofree char *answer = NULL;
  gsize answer_len;
  int mode = g_atomic_int_get (&ca->mode);
  const char *argv[] = { "openssl", "ocsp", "-index", mode == PZ_TEST_CA_REVOKED ? "index-revoked.txt" : "index.txt",
                         "-rsigner", "ca.pem", "-rkey", "ca.key",
                         "-CA", "ca.pem", "-reqin", "ocsp-req.der", "-respout", "ocsp-resp.der", "-ndays", "1",
                         NULL };

  g_atomic_int_inc ((gint *) &ca->requests);
  if ((mode != PZ_TEST_CA_GOOD && mode != PZ_TEST_CA_REVOKED) ||
      !g_file_set_contents (req, g_bytes_get_data (body, NULL), (gssize) g_bytes_get_size (body), NULL) ||
      !pz_test_run_in (ca->dir, argv) || !g_file_get_contents (resp, &answer, &answer_len, NULL))
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, "<html>Maintenance</html>", 24);
      return;
    }
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/ocsp-response", SOUP_MEMORY_COPY, answer, answer_len);
}

static gpointer
serve (gpointer data)
{
  PzTestCa *ca = data;
  g_autoptr(SoupServer) server = NULL;
  GSList *uris;

  g_main_context_push_thread_default (ca->context);
  server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server, "/ca.crl", handle_crl, ca, NULL);
  soup_server_add_handler (server, "/ocsp", handle_ocsp, ca, NULL);
  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, NULL));
  uris = soup_server_get_uris (server);
  g_mutex_lock (&ca->lock);
  ca->url = g_strdup_printf ("http://127.0.0.1:%d/ca.crl", g_uri_get_port (uris->data));
  ca->ocsp_url = g_strdup_printf ("http://127.0.0.1:%d/ocsp", g_uri_get_port (uris->data));
  ca->listening = TRUE;
  g_cond_signal (&ca->ready);
  g_mutex_unlock (&ca->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_main_loop_run (ca->loop);
  soup_server_disconnect (server);
  g_main_context_pop_thread_default (ca->context);
  return NULL;
}

static gboolean
quit (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

/* Stops answering: the CRL's address can no longer be reached. */
void
pz_test_ca_close (PzTestCa *ca)
{
  if (ca->thread == NULL)
    return;
  g_main_context_invoke (ca->context, quit, ca->loop);
  g_thread_join (ca->thread);
  ca->thread = NULL;
}

PzTestCa *
pz_test_ca_start (const char *dir)
{
  PzTestCa *ca = g_new0 (PzTestCa, 1);

  ca->dir = g_strdup (dir);
  ca->p12 = g_build_filename (dir, "signer.p12", NULL);
  ca->context = g_main_context_new ();
  ca->loop = g_main_loop_new (ca->context, FALSE);
  g_mutex_init (&ca->lock);
  g_cond_init (&ca->ready);
  g_mutex_lock (&ca->lock);
  ca->thread = g_thread_new ("test-ca", serve, ca);
  while (!ca->listening)
    g_cond_wait (&ca->ready, &ca->lock);
  g_mutex_unlock (&ca->lock);
  /* the certificate names the server's address: made once it listens */
  if (!make_identity (ca))
    {
      pz_test_ca_stop (ca);
      return NULL;
    }
  return ca;
}

void
pz_test_ca_stop (PzTestCa *ca)
{
  if (ca == NULL)
    return;
  pz_test_ca_close (ca);
  g_main_loop_unref (ca->loop);
  g_main_context_unref (ca->context);
  g_mutex_clear (&ca->lock);
  g_cond_clear (&ca->ready);
  g_clear_pointer (&ca->crl, g_bytes_unref);
  g_clear_pointer (&ca->forged, g_bytes_unref);
  g_clear_pointer (&ca->revoking, g_bytes_unref);
  g_free (ca->url);
  g_free (ca->ocsp_url);
  g_free (ca->p12);
  g_free (ca->dir);
  g_free (ca);
}

const char *
pz_test_ca_p12 (PzTestCa *ca)
{
  return ca->p12;
}

const char *
pz_test_ca_crl_url (PzTestCa *ca)
{
  return ca->url;
}

void
pz_test_ca_set_mode (PzTestCa    *ca,
                     PzTestCaMode mode)
{
  g_atomic_int_set (&ca->mode, (gint) mode);
}

guint
pz_test_ca_requests (PzTestCa *ca)
{
  return (guint) g_atomic_int_get ((gint *) &ca->requests);
}
