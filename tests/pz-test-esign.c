/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "pz-demo.h"
#include "pz-sign.h"
#include "pz-test-esign.h"
#include "pz-test-server.h"

struct _PzTestEsign
{
  char         *dir;
  char         *p12;
  char         *url;
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  GMutex        lock;
  GCond         ready;
  gint          mode;
  char         *last;     /* the last request's fields but the file, "name=value;" */
};

/* A test CA and the Kadis' certificate under it, in a PKCS#12 file. */
static gboolean
make_identity (const char *dir)
{
  g_autofree char *ext = g_build_filename (dir, "signer.ext", NULL);
  const char *ca[] = { "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key",
                       "-out", "ca.pem", "-days", "30", "-subj", "/CN=Test BSrE CA/O=Perizinan tests/C=ID",
                       "-addext", "basicConstraints=critical,CA:TRUE", NULL };
  const char *req[] = { "openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "signer.key",
                        "-out", "signer.csr", "-subj", "/CN=Dr. Rina Kusuma/O=Pemerintah Kabupaten Sukamaju/C=ID",
                        NULL };
  const char *sign[] = { "openssl", "x509", "-req", "-in", "signer.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                         "-CAcreateserial", "-days", "30", "-out", "signer.pem", "-extfile", "signer.ext", NULL };
  const char *p12[] = { "openssl", "pkcs12", "-export", "-inkey", "signer.key", "-in", "signer.pem", "-certfile",
                        "ca.pem", "-out", "signer.p12", "-passout", "pass:standin", NULL };

  if (!g_file_set_contents (ext, "keyUsage=critical,digitalSignature,nonRepudiation\n", -1, NULL))
    return FALSE;
  return pz_test_run_in (dir, ca) && pz_test_run_in (dir, req) && pz_test_run_in (dir, sign) && pz_test_run_in (dir, p12);
}

static void
reply_json (SoupServerMessage *msg,
            guint              status,
            const char        *json)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, json, strlen (json));
}

static void
handle_sign (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           data)
{
  PzTestEsign *e = data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *auth = soup_message_headers_get_one (headers, "Authorization");
  g_autofree char *pair = g_strdup_printf ("%s:%s", PZ_TEST_ESIGN_CLIENT, PZ_TEST_ESIGN_SECRET);
  g_autofree char *b64 = g_base64_encode ((const guchar *) pair, strlen (pair));
  g_autofree char *expected = g_strdup_printf ("Basic %s", b64);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(SoupMultipart) form = NULL;
  g_autoptr(GBytes) file = NULL;
  g_autoptr(GString) fields = g_string_new (NULL);
  g_autofree char *nik = NULL;
  g_autofree char *passphrase = NULL;
  g_autoptr(GHashTable) values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(PzSignAppearance) appearance = NULL;
  int mode = g_atomic_int_get (&e->mode);

  if (soup_server_message_get_method (msg) != SOUP_METHOD_POST)
    {
      soup_server_message_set_status (msg, 405, NULL);
      return;
    }
  if (g_strcmp0 (auth, expected) != 0)
    {
      reply_json (msg, 401, "{\"error\":\"Unauthorized\",\"status_code\":401}");
      return;
    }
  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  form = soup_multipart_new_from_message (headers, body);
  for (int i = 0; form && i < soup_multipart_get_length (form); i++)
    {
      SoupMessageHeaders *h;
      GBytes *part;
      g_autofree char *disposition = NULL;
      g_autoptr(GHashTable) params = NULL;
      const char *name;

      if (!soup_multipart_get_part (form, i, &h, &part) ||
          !soup_message_headers_get_content_disposition (h, &disposition, &params))
        continue;
      name = g_hash_table_lookup (params, "name");
      if (g_strcmp0 (name, "file") == 0)
        file = g_bytes_ref (part);
      else if (name)
        {
          g_autofree char *value = g_strndup (g_bytes_get_data (part, NULL), g_bytes_get_size (part));

          g_string_append_printf (fields, "%s=%s;", name, value);
          g_hash_table_replace (values, g_strdup (name), g_strdup (value));
          if (g_str_equal (name, "nik"))
            nik = g_steal_pointer (&value);
          else if (g_str_equal (name, "passphrase"))
            passphrase = g_steal_pointer (&value);
        }
    }
  g_mutex_lock (&e->lock);
  g_free (e->last);
  e->last = g_strdup (fields->str);
  g_mutex_unlock (&e->lock);

  if (file == NULL || g_strcmp0 (nik, PZ_TEST_ESIGN_NIK) != 0)
    {
      reply_json (msg, 400, "{\"error\":\"Pengguna tidak terdaftar\",\"status_code\":2021}");
      return;
    }
  if (g_strcmp0 (passphrase, PZ_TEST_ESIGN_PASSPHRASE) != 0)
    {
      reply_json (msg, 400, "{\"error\":\"Passphrase anda salah\",\"status_code\":2031}");
      return;
    }
  /* a visible signature: its page and box, as BSrE takes them (PDF
   * points from the page's lower left) */
  if (g_strcmp0 (g_hash_table_lookup (values, "tampilan"), "visible") == 0)
    {
      static const char * const place[] = { "page", "xAxis", "yAxis", "width", "height" };
      double v[G_N_ELEMENTS (place)];

      for (guint i = 0; i < G_N_ELEMENTS (place); i++)
        {
          const char *s = g_hash_table_lookup (values, place[i]);
          char *end = NULL;

          v[i] = s ? g_ascii_strtod (s, &end) : -1;
          if (s == NULL || end == s || *end || v[i] < 0 || (i >= 3 && v[i] < 1))
            {
              reply_json (msg, 400, "{\"error\":\"Koordinat tampilan tidak valid\",\"status_code\":2051}");
              return;
            }
        }
      appearance = g_new0 (PzSignAppearance, 1);
      appearance->page = (guint) v[0];
      appearance->x = v[1];
      appearance->y = v[2];
      appearance->width = v[3];
      appearance->height = v[4];
      appearance->lines = g_strsplit ("Ditandatangani secara elektronik oleh|Dr. Rina Kusuma", "|", -1);
      appearance->issuer_prefix = g_strdup ("Sertifikat elektronik: ");
    }
  else if (g_strcmp0 (g_hash_table_lookup (values, "tampilan"), "invisible") != 0)
    {
      reply_json (msg, 400, "{\"error\":\"Tampilan tidak valid\",\"status_code\":2050}");
      return;
    }
  if (mode == PZ_TEST_ESIGN_SLOW)
    g_usleep (3 * G_USEC_PER_SEC);
  if (mode == PZ_TEST_ESIGN_HTTP_500)
    {
      reply_json (msg, 500, "{\"error\":\"Internal Server Error\",\"status_code\":500}");
      return;
    }
  if (mode == PZ_TEST_ESIGN_GARBAGE)
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/pdf", SOUP_MEMORY_STATIC, "%PDF-oops", 9);
      return;
    }
  {
    g_autoptr(PzSigner) signer = pz_signer_open_pkcs12 (e->p12, "standin", NULL);
    g_autoptr(GBytes) other = mode == PZ_TEST_ESIGN_OTHER_PDF ? pz_demo_scan_pdf ("Lain", 1) : NULL;
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autoptr(GBytes) signed_pdf = signer ? pz_signer_sign_pdf_visible (signer, other ? other : file, "BSrE", "Izin",
                                                                        "Sukamaju", now, appearance, NULL)
                                          : NULL;

    if (signed_pdf == NULL)
      {
        reply_json (msg, 500, "{\"error\":\"cannot sign\",\"status_code\":500}");
        return;
      }
    soup_server_message_set_status (msg, 200, NULL);
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "id_dokumen", "standin-1");
    soup_server_message_set_response (msg, "application/pdf", SOUP_MEMORY_COPY, g_bytes_get_data (signed_pdf, NULL),
                                      g_bytes_get_size (signed_pdf));
  }
}

static gpointer
serve (gpointer data)
{
  PzTestEsign *e = data;
  g_autoptr(SoupServer) server = NULL;
  GSList *uris;

  g_main_context_push_thread_default (e->context);
  server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server, "/api/sign/pdf", handle_sign, e, NULL);
  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, NULL));
  uris = soup_server_get_uris (server);
  g_mutex_lock (&e->lock);
  e->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_cond_signal (&e->ready);
  g_mutex_unlock (&e->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_main_loop_run (e->loop);
  soup_server_disconnect (server);
  g_main_context_pop_thread_default (e->context);
  return NULL;
}

PzTestEsign *
pz_test_esign_start (const char *dir)
{
  PzTestEsign *e;

  if (!make_identity (dir))
    return NULL;
  e = g_new0 (PzTestEsign, 1);
  e->dir = g_strdup (dir);
  e->p12 = g_build_filename (dir, "signer.p12", NULL);
  e->context = g_main_context_new ();
  e->loop = g_main_loop_new (e->context, FALSE);
  g_mutex_init (&e->lock);
  g_cond_init (&e->ready);
  g_mutex_lock (&e->lock);
  e->thread = g_thread_new ("test-esign", serve, e);
  while (e->url == NULL)
    g_cond_wait (&e->ready, &e->lock);
  g_mutex_unlock (&e->lock);
  return e;
}

static gboolean
quit (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
pz_test_esign_stop (PzTestEsign *e)
{
  if (e == NULL)
    return;
  g_main_context_invoke (e->context, quit, e->loop);
  g_thread_join (e->thread);
  g_main_loop_unref (e->loop);
  g_main_context_unref (e->context);
  g_mutex_clear (&e->lock);
  g_cond_clear (&e->ready);
  g_free (e->last);
  g_free (e->url);
  g_free (e->p12);
  g_free (e->dir);
  g_free (e);
}

const char *
pz_test_esign_url (PzTestEsign *e)
{
  return e->url;
}

void
pz_test_esign_set_mode (PzTestEsign    *e,
                        PzTestEsignMode mode)
{
  g_atomic_int_set (&e->mode, (gint) mode);
}

/* The fields of the last request but the file: "nik=...;passphrase=...;" */
char *
pz_test_esign_last_request (PzTestEsign *e)
{
  char *out;

  g_mutex_lock (&e->lock);
  out = g_strdup (e->last ? e->last : "");
  g_mutex_unlock (&e->lock);
  return out;
}
