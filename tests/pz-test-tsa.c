/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "pz-test-server.h"
#include "pz-test-tsa.h"

struct _PzTestTsa
{
  char            *dir;
  char            *url;
  char            *ca_file;
  GSocketListener *listener;
  GCancellable    *cancel;
  GThread         *thread;
  gint             mode;
  guint            requests;
  GBytes          *last_good;
};

static const char ts_config[] =
  "[ tsa ]\n"
  "default_tsa = tsa1\n"
  "[ tsa1 ]\n"
  "serial = %s/serial\n"
  "crypto_device = builtin\n"
  "signer_cert = %s/tsa.pem\n"
  "certs = %s/ca.pem\n"
  "signer_key = %s/tsa.key\n"
  "signer_digest = sha256\n"
  "default_policy = 1.3.6.1.4.1.99999.1\n"
  "digests = sha256\n"
  "accuracy = secs:1\n"
  "ordering = no\n"
  "tsa_name = yes\n"
  "ess_cert_id_chain = no\n"
  "ess_cert_id_alg = sha256\n";

static gboolean
make_authority (const char *dir)
{
  g_autofree char *ext = g_build_filename (dir, "tsa.ext", NULL);
  g_autofree char *conf = g_build_filename (dir, "ts.cnf", NULL);
  g_autofree char *serial = g_build_filename (dir, "serial", NULL);
  g_autofree char *conf_text = g_strdup_printf (ts_config, dir, dir, dir, dir);
  const char *ca[] = { "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key",
                       "-out", "ca.pem", "-days", "30", "-subj", "/CN=Test Root CA/O=Perizinan tests/C=ID",
                       "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                       NULL };
  const char *req[] = { "openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "tsa.key",
                        "-out", "tsa.csr", "-subj", "/CN=Test TSA/O=Perizinan tests/C=ID", NULL };
  const char *sign[] = { "openssl", "x509", "-req", "-in", "tsa.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                         "-CAcreateserial", "-days", "30", "-out", "tsa.pem", "-extfile", "tsa.ext", NULL };

  if (!g_file_set_contents (ext, "extendedKeyUsage=critical,timeStamping\n"
                            "keyUsage=critical,digitalSignature\nbasicConstraints=CA:FALSE\n", -1, NULL) ||
      !g_file_set_contents (conf, conf_text, -1, NULL) || !g_file_set_contents (serial, "01\n", -1, NULL))
    return FALSE;
  return pz_test_run_in (dir, ca) && pz_test_run_in (dir, req) && pz_test_run_in (dir, sign);
}

static GBytes *
stamp (PzTestTsa    *tsa,
       const guint8 *query,
       gsize         len)
{
  g_autofree char *q = g_build_filename (tsa->dir, "query.tsq", NULL);
  g_autofree char *r = g_build_filename (tsa->dir, "reply.tsr", NULL);
  char *reply = NULL;
  gsize reply_len;
  const char *argv[] = { "openssl", "ts", "-reply", "-config", "ts.cnf", "-queryfile", "query.tsq",
                         "-out", "reply.tsr", NULL };

  g_unlink (r);
  if (!g_file_set_contents (q, (const char *) query, (gssize) len, NULL) || !pz_test_run_in (tsa->dir, argv) ||
      !g_file_get_contents (r, &reply, &reply_len, NULL))
    return NULL;
  return g_bytes_new_take (reply, reply_len);
}

static void
answer (PzTestTsa         *tsa,
        GSocketConnection *conn)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  GString *head = g_string_new (NULL);
  g_autoptr(GBytes) reply = NULL;
  g_autofree guint8 *body = NULL;
  const char *status = "200 OK";
  gsize body_len = 0, done;
  char c;
  const char *cl;
  static const guint8 rejection[] = { 0x30, 0x05, 0x30, 0x03, 0x02, 0x01, 0x02 };

  /* the request's head, then its body */
  while (head->len < 8192 && !g_str_has_suffix (head->str, "\r\n\r\n"))
    {
      if (g_input_stream_read (in, &c, 1, NULL, NULL) != 1)
        goto out;
      g_string_append_c (head, c);
    }
  cl = strstr (head->str, "Content-Length: ");
  if (cl == NULL)
    cl = strstr (head->str, "content-length: ");
  if (cl)
    body_len = (gsize) g_ascii_strtoull (cl + 16, NULL, 10);
  if (body_len > 65536)
    goto out;
  body = g_malloc (body_len + 1);
  if (!g_input_stream_read_all (in, body, body_len, &done, NULL, NULL) || done != body_len)
    goto out;
  g_atomic_int_inc ((gint *) &tsa->requests);

  switch (g_atomic_int_get (&tsa->mode))
    {
    case PZ_TEST_TSA_GOOD:
      reply = stamp (tsa, body, body_len);
      if (reply)
        {
          g_clear_pointer (&tsa->last_good, g_bytes_unref);
          tsa->last_good = g_bytes_ref (reply);
        }
      break;
    case PZ_TEST_TSA_REPLAY:
      reply = tsa->last_good ? g_bytes_ref (tsa->last_good) : NULL;
      break;
    case PZ_TEST_TSA_GARBAGE:
      reply = g_bytes_new_static ("<html>Maintenance</html>", 24);
      break;
    case PZ_TEST_TSA_REJECT:
      reply = g_bytes_new_static (rejection, sizeof rejection);
      break;
    case PZ_TEST_TSA_SLOW:
      g_usleep (3 * G_USEC_PER_SEC);
      reply = stamp (tsa, body, body_len);
      break;
    case PZ_TEST_TSA_HTTP_500:
    default:
      status = "500 Internal Server Error";
      reply = g_bytes_new_static ("", 0);
      break;
    }
  if (reply == NULL)
    {
      status = "500 Internal Server Error";
      reply = g_bytes_new_static ("", 0);
    }
  {
    g_autofree char *h = g_strdup_printf ("HTTP/1.1 %s\r\nContent-Type: application/timestamp-reply\r\n"
                                          "Content-Length: %" G_GSIZE_FORMAT "\r\nConnection: close\r\n\r\n",
                                          status, g_bytes_get_size (reply));
    g_output_stream_write_all (out, h, strlen (h), NULL, NULL, NULL);
    g_output_stream_write_all (out, g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), NULL, NULL, NULL);
  }

out:
  g_string_free (head, TRUE);
  g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
}

static gpointer
serve (gpointer data)
{
  PzTestTsa *tsa = data;

  for (;;)
    {
      g_autoptr(GSocketConnection) conn = g_socket_listener_accept (tsa->listener, NULL, tsa->cancel, NULL);

      if (conn == NULL)
        break;
      answer (tsa, conn);
    }
  return NULL;
}

/**
 * pz_test_tsa_start:
 * @dir: an empty directory the authority may keep its files in
 *
 * Returns: (nullable): the authority, listening on 127.0.0.1; %NULL if
 *   openssl cannot make it
 */
PzTestTsa *
pz_test_tsa_start (const char *dir)
{
  PzTestTsa *tsa;
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  if (!make_authority (dir))
    return NULL;
  tsa = g_new0 (PzTestTsa, 1);
  tsa->dir = g_strdup (dir);
  tsa->ca_file = g_build_filename (dir, "ca.pem", NULL);
  tsa->listener = g_socket_listener_new ();
  tsa->cancel = g_cancellable_new ();
  g_assert_true (g_socket_listener_add_address (tsa->listener, any, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                                NULL, &bound, NULL));
  tsa->url = g_strdup_printf ("http://127.0.0.1:%u/tsa",
                              g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  tsa->thread = g_thread_new ("test-tsa", serve, tsa);
  return tsa;
}

void
pz_test_tsa_stop (PzTestTsa *tsa)
{
  if (tsa == NULL)
    return;
  g_cancellable_cancel (tsa->cancel);
  g_thread_join (tsa->thread);
  g_socket_listener_close (tsa->listener);
  g_object_unref (tsa->listener);
  g_object_unref (tsa->cancel);
  g_clear_pointer (&tsa->last_good, g_bytes_unref);
  g_free (tsa->url);
  g_free (tsa->ca_file);
  g_free (tsa->dir);
  g_free (tsa);
}

const char *
pz_test_tsa_url (PzTestTsa *tsa)
{
  return tsa->url;
}

const char *
pz_test_tsa_ca_file (PzTestTsa *tsa)
{
  return tsa->ca_file;
}

void
pz_test_tsa_set_mode (PzTestTsa    *tsa,
                      PzTestTsaMode mode)
{
  g_atomic_int_set (&tsa->mode, (gint) mode);
}

guint
pz_test_tsa_requests (PzTestTsa *tsa)
{
  return (guint) g_atomic_int_get ((gint *) &tsa->requests);
}

/* The address of a port nothing listens on: an authority that is down. */
char *
pz_test_closed_url (void)
{
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GSocketAddress) bound = NULL;
  guint port;

  g_assert_true (g_socket_bind (sock, any, TRUE, NULL));
  bound = g_socket_get_local_address (sock, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (sock, NULL);
  return g_strdup_printf ("http://127.0.0.1:%u/tsa", port);
}
