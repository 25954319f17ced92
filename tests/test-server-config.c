/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The example configuration shipped for offices stays true to the server:
 * as shipped it changes nothing, and every key in it, once uncommented, is
 * one the server reads. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>


#include "pz-config.h"
#include "pz-engine.h"
#include "pz-test-server.h"

static char *workdir;

static char *
example (void)
{
  g_autofree char *text = NULL;

  g_assert_true (g_file_get_contents (g_getenv ("PERIZINAN_EXAMPLE_CONFIG"), &text, NULL, NULL));
  return g_steal_pointer (&text);
}

static char *
write_config (const char *name,
              const char *text)
{
  char *path = g_build_filename (workdir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

/* As shipped, every key is commented out: the server runs on its defaults. */
static void
test_as_shipped (void)
{
  g_autofree char *text = example ();
  g_autofree char *path = write_config ("shipped.conf", text);
  g_autoptr(PzConfig) defaults = pz_config_new ();
  g_autoptr(PzConfig) config = pz_config_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (pz_config_load_file (config, path, &error));
  g_assert_no_error (error);
  g_assert_null (config->data_dir);
  g_assert_cmpstr (config->address, ==, defaults->address);
  g_assert_cmpuint (config->port, ==, defaults->port);
  g_assert_cmpuint (config->max_upload, ==, defaults->max_upload);
  g_assert_cmpuint (config->session_hours, ==, defaults->session_hours);
  g_assert_null (config->smtp_host);
}

/* Every "#key=value" line, uncommented, is read without error; the
 * defaults it documents are the server's own defaults. */
static void
test_every_key_known (void)
{
  g_autofree char *text = example ();
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(GString) open = g_string_new (NULL);
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(PzConfig) defaults = pz_config_new ();
  g_autoptr(PzConfig) config = pz_config_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  guint keys = 0;

  for (guint i = 0; lines[i]; i++)
    {
      const char *l = lines[i];
      const char *eq = strchr (l, '=');

      if (l[0] == '#' && eq && g_ascii_islower (l[1]) && !strchr (l, ' '))
        {
          g_string_append_printf (open, "%s\n", l + 1);
          keys++;
        }
      else
        g_string_append_printf (open, "%s\n", l);
    }
  g_test_message ("%u keys documented", keys);
  g_assert_cmpuint (keys, >=, 24);

  path = write_config ("open.conf", open->str);
  g_assert_true (pz_config_load_file (config, path, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (config->data_dir, ==, "/var/lib/perizinan");
  g_assert_cmpstr (config->public_url, ==, "https://izin.example.go.id");
  g_assert_cmpstr (config->smtp_host, ==, "mail.example.go.id");
  g_assert_cmpstr (config->tls_key, ==, "/etc/perizinan/tls/server.key");
  g_assert_cmpstr (config->notify_command, ==, "/usr/local/bin/kirim-pesan");
  g_assert_cmpstr (config->timezone, ==, defaults->timezone);
  g_assert_cmpstr (config->address, ==, defaults->address);
  g_assert_cmpuint (config->port, ==, defaults->port);
  g_assert_cmpuint (config->max_body, ==, defaults->max_body);
  g_assert_cmpuint (config->max_upload, ==, defaults->max_upload);
  g_assert_cmpuint (config->inspect_timeout, ==, defaults->inspect_timeout);
  g_assert_cmpuint (config->session_hours, ==, defaults->session_hours);
  g_assert_cmpuint (config->session_idle_seconds, ==, defaults->session_idle_seconds);
  g_assert_true (config->admin_office_roles == defaults->admin_office_roles);
  g_assert_cmpuint (config->login_max_failures_user, ==, defaults->login_max_failures_user);
  g_assert_cmpuint (config->login_max_failures_address, ==, defaults->login_max_failures_address);
  g_assert_cmpuint (config->login_window_seconds, ==, defaults->login_window_seconds);
  g_assert_cmpuint (config->smtp_port, ==, defaults->smtp_port);
  g_assert_true (config->smtp_starttls == defaults->smtp_starttls);
  g_assert_false (config->signing_validation_fetch);
  g_assert_cmpuint (config->signing_validation_timeout, ==, 5);
  g_assert_cmpuint (config->outbox_interval, ==, defaults->outbox_interval);
  g_assert_cmpuint (config->idle_timeout, ==, defaults->idle_timeout);
  g_assert_cmpuint (config->max_connections_per_client, ==, defaults->max_connections_per_client);

  /* and nothing in it is a key the server does not know */
  g_assert_true (g_key_file_load_from_data (kf, open->str, -1, G_KEY_FILE_NONE, NULL));
  {
    const char *known[] = {
      "server/data_dir", "server/address", "server/port", "server/public_url",
      "server/workflows_dir", "server/tls_certificate", "server/tls_key", "office/timezone", "limits/max_body_kib",
      "limits/max_upload_mib", "limits/inspect_timeout_seconds", "limits/inspections_at_once",
      "limits/inspections_waiting", "security/session_hours",
      "security/login_failures_per_user", "security/login_failures_per_address",
      "security/login_window_minutes", "security/session_idle_minutes",
      "security/admin_may_hold_office_roles", "signing/key", "signing/pkcs11_module", "signing/tsa_url",
      "signing/tsa_timeout_seconds", "signing/backend", "signing/remote_url", "signing/remote_client_id",
      "signing/remote_client_secret", "signing/remote_nik", "signing/remote_timeout_seconds",
      "signing/validation_fetch", "signing/tsa_ca", "signing/validation_timeout_seconds", "smtp/host", "smtp/port",
      "smtp/starttls", "smtp/username", "smtp/password", "smtp/from", "notify/command",
      "notify/interval_seconds", "limits/idle_timeout_seconds", "limits/connections_per_client",
      "security/metrics_token", "store/backend", NULL
    };
    g_auto(GStrv) groups = g_key_file_get_groups (kf, NULL);

    for (guint g = 0; groups[g]; g++)
      {
        g_auto(GStrv) names = g_key_file_get_keys (kf, groups[g], NULL, NULL);
        for (guint k = 0; names[k]; k++)
          {
            g_autofree char *full = g_strdup_printf ("%s/%s", groups[g], names[k]);
            if (!g_strv_contains (known, full))
              g_error ("the example documents %s, which the server does not read", full);
          }
      }
  }
}

/* A wrong value is refused with the key's name, and nothing is half-set. */
static void
test_bad_value (void)
{
  g_autofree char *path = write_config ("bad.conf", "[server]\nport=8081\naddress=0.0.0.0\n"
                                        "[limits]\nmax_upload_mib=lots\n");
  g_autoptr(PzConfig) config = pz_config_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (pz_config_load_file (config, path, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "max_upload_mib"));
  g_assert_cmpuint (config->port, ==, 8080);
  g_assert_cmpstr (config->address, ==, "127.0.0.1");
}

/* The timestamp authority: an HTTP address and a bounded wait. */
static void
test_timestamp_authority (void)
{
  g_autofree char *good = write_config ("tsa.conf", "[signing]\ntsa_url=http://tsa.example.go.id/tsr\n"
                                        "tsa_timeout_seconds=5\n");
  g_autofree char *ftp = write_config ("tsa-ftp.conf", "[signing]\ntsa_url=ftp://tsa.example.go.id/\n");
  g_autofree char *slow = write_config ("tsa-slow.conf", "[signing]\ntsa_timeout_seconds=600\n");
  g_autoptr(PzConfig) config = pz_config_new ();
  g_autoptr(GError) error = NULL;

  g_assert_null (config->signing_tsa_url);
  g_assert_cmpuint (config->signing_tsa_timeout, ==, 10);
  g_assert_true (pz_config_load_file (config, good, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (config->signing_tsa_url, ==, "http://tsa.example.go.id/tsr");
  g_assert_cmpuint (config->signing_tsa_timeout, ==, 5);
  g_assert_false (pz_config_load_file (config, ftp, &error));
  g_assert_nonnull (strstr (error->message, "tsa_url"));
  g_clear_error (&error);
  g_assert_false (pz_config_load_file (config, slow, &error));
  g_assert_nonnull (strstr (error->message, "tsa_timeout_seconds"));
  g_assert_cmpuint (config->signing_tsa_timeout, ==, 5);
  g_clear_error (&error);

  /* its trust anchors (the server checks the file when it starts) */
  {
    g_autofree char *with_ca_path = write_config ("tsa-ca.conf", "[signing]\ntsa_ca=/etc/perizinan/tsa-ca.pem\n");

    g_assert_null (config->signing_tsa_ca);
    g_assert_true (pz_config_load_file (config, with_ca_path, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (config->signing_tsa_ca, ==, "/etc/perizinan/tsa-ca.pem");
  }
}

/* The validation data's fetching: off by default, a boolean, a bounded wait. */
static void
test_validation_fetch (void)
{
  g_autofree char *good = write_config ("ltv.conf", "[signing]\nvalidation_fetch=true\n"
                                        "validation_timeout_seconds=3\n");
  g_autofree char *word = write_config ("ltv-word.conf", "[signing]\nvalidation_fetch=kadang\n");
  g_autofree char *slow = write_config ("ltv-slow.conf", "[signing]\nvalidation_fetch=false\n"
                                        "validation_timeout_seconds=600\n");
  g_autoptr(PzConfig) config = pz_config_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (config->signing_validation_fetch);
  g_assert_cmpuint (config->signing_validation_timeout, ==, 5);
  g_assert_true (pz_config_load_file (config, good, &error));
  g_assert_no_error (error);
  g_assert_true (config->signing_validation_fetch);
  g_assert_cmpuint (config->signing_validation_timeout, ==, 3);
  g_assert_false (pz_config_load_file (config, word, &error));
  g_assert_nonnull (strstr (error->message, "validation_fetch"));
  g_clear_error (&error);
  g_assert_false (pz_config_load_file (config, slow, &error));
  g_assert_nonnull (strstr (error->message, "validation_timeout_seconds"));
  /* nothing of a refused file is taken */
  g_assert_true (config->signing_validation_fetch);
  g_assert_cmpuint (config->signing_validation_timeout, ==, 3);
}

/* The remote signing service: an address and the Kadis' NIK, or nothing. */
static void
test_remote_signing (void)
{
  g_autofree char *good = write_config ("remote.conf", "[signing]\nbackend=remote\n"
                                        "remote_url=https://esign.example.go.id\n"
                                        "remote_client_id=perizinan\nremote_client_secret=s3cret\n"
                                        "remote_nik=3201010101700001\n");
  g_autofree char *no_nik = write_config ("remote-nik.conf", "[signing]\nbackend=remote\n"
                                          "remote_url=https://esign.example.go.id\nremote_nik=3201\n");
  g_autofree char *other = write_config ("remote-other.conf", "[signing]\nbackend=cloud\n");
  g_autoptr(PzConfig) config = pz_config_new ();
  g_autoptr(PzConfig) plain = pz_config_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (pz_config_load_file (config, good, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (config->signing_remote_url, ==, "https://esign.example.go.id");
  g_assert_cmpstr (config->signing_remote_nik, ==, "3201010101700001");
  g_assert_cmpstr (config->signing_remote_client_secret, ==, "s3cret");
  g_assert_cmpuint (config->signing_remote_timeout, ==, 30);
  g_assert_false (pz_config_load_file (plain, no_nik, &error));
  g_assert_nonnull (strstr (error->message, "remote_nik"));
  g_clear_error (&error);
  g_assert_false (pz_config_load_file (plain, other, &error));
  g_assert_nonnull (strstr (error->message, "backend"));
  g_assert_null (plain->signing_remote_url);
}

/* The store: SQLite in the data directory unless PostgreSQL is asked for
 * with its URI; half a setting is refused, never guessed. */
static void
test_store (void)
{
  g_autofree char *pg = write_config ("store-pg.conf", "[store]\nbackend=postgresql\n"
                                      "url=postgresql://perizinan@db.example.go.id/izin\n");
  g_autofree char *lite = write_config ("store-sqlite.conf", "[store]\nbackend=sqlite\n");
  g_autofree char *no_url = write_config ("store-no-url.conf", "[store]\nbackend=postgresql\n");
  g_autofree char *bad_url = write_config ("store-bad-url.conf", "[store]\nbackend=postgresql\n"
                                           "url=/var/lib/perizinan/perizinan.db\n");
  g_autofree char *stray = write_config ("store-stray.conf", "[store]\n"
                                         "url=postgresql://perizinan@db.example.go.id/izin\n");
  g_autofree char *other = write_config ("store-other.conf", "[store]\nbackend=mysql\n");
  g_autoptr(PzConfig) config = pz_config_new ();
  g_autoptr(PzConfig) plain = pz_config_new ();
  g_autoptr(GError) error = NULL;

  g_assert_null (config->store_url);
  g_assert_true (pz_config_load_file (config, pg, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (config->store_url, ==, "postgresql://perizinan@db.example.go.id/izin");
  g_assert_true (pz_config_load_file (plain, lite, &error));
  g_assert_no_error (error);
  g_assert_null (plain->store_url);

  g_assert_false (pz_config_load_file (plain, no_url, &error));
  g_assert_cmpstr (error->message, ==, "[store] backend=postgresql needs url, a postgresql:// connection URI");
  g_clear_error (&error);
  g_assert_false (pz_config_load_file (plain, bad_url, &error));
  g_assert_nonnull (strstr (error->message, "postgresql://"));
  g_clear_error (&error);
  g_assert_false (pz_config_load_file (plain, stray, &error));
  g_assert_nonnull (strstr (error->message, "backend=postgresql"));
  g_clear_error (&error);
  g_assert_false (pz_config_load_file (plain, other, &error));
  g_assert_cmpstr (error->message, ==, "[store] backend must be sqlite or postgresql");
  g_assert_null (plain->store_url);
}

/* A database the server cannot reach stops it at start with a message
 * that names the database but never its password. */
static void
test_store_unreachable (void)
{
  g_autofree char *dir = g_build_filename (workdir, "unreachable", NULL);
  g_autoptr(GError) error = NULL;
  PzEngine *engine;

  engine = pz_engine_new_with_store (dir, "postgresql://perizinan:Rahasia-123@/izin?host=/nonexistent&connect_timeout=2",
                                     NULL, NULL, &error);
  g_assert_null (engine);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "postgresql://perizinan"));
  g_assert_nonnull (strstr (error->message, "/izin"));
  g_assert_null (strstr (error->message, "Rahasia-123"));
}

typedef struct {
  const char *cert;
  const char *key;
} TlsFiles;

static void
configure_tls (PzConfig *config,
               gpointer  data)
{
  TlsFiles *files = data;

  config->tls_certificate = g_strdup (files->cert);
  config->tls_key = files->key ? g_strdup (files->key) : NULL;
}

static gboolean
accept_office_certificate (SoupMessage         *msg,
                           GTlsCertificate     *certificate,
                           GTlsCertificateFlags errors,
                           gpointer             data)
{
  g_autofree char *pem = NULL;

  g_object_get (certificate, "certificate-pem", &pem, NULL);
  /* accepted only because it is exactly the office's certificate */
  return g_strcmp0 (g_strstrip (pem), g_strstrip ((char *) data)) == 0;
}

/* With a certificate and key configured the server speaks HTTPS, and only
 * HTTPS, on its port. */
static void
test_https (void)
{
  g_autofree char *cert = g_build_filename (workdir, "server.crt", NULL);
  g_autofree char *key = g_build_filename (workdir, "server.key", NULL);
  g_autofree char *pem = pz_test_make_certificate (cert, key);
  TlsFiles files = { cert, key };
  PzTestServer *ts = pz_test_server_start_configured (NULL, configure_tls, &files);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *https = g_strdup_printf ("https://127.0.0.1:%u/healthz", pz_test_server_get_port (ts));
  g_autofree char *http = g_strdup_printf ("http://127.0.0.1:%u/healthz", pz_test_server_get_port (ts));
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", https);
    g_autoptr(GBytes) body = NULL;

    g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_office_certificate), pem);
    body = soup_session_send_and_read (session, msg, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
    g_assert_nonnull (soup_message_get_tls_peer_certificate (msg));
  }
  {
    /* a client that does not accept the certificate is not served */
    g_autoptr(SoupSession) fresh = soup_session_new ();
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", https);
    g_autoptr(GBytes) body = soup_session_send_and_read (fresh, msg, NULL, &error);

    g_assert_null (body);
    g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
    g_clear_error (&error);
  }
  {
    /* plain HTTP is not served */
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", http);
    g_autoptr(GBytes) body = soup_session_send_and_read (session, msg, NULL, &error);

    g_test_message ("plain HTTP: status %u, %s", soup_message_get_status (msg),
                    error ? error->message : "no error");
    g_assert_cmpuint (soup_message_get_status (msg), !=, 200);
    g_clear_error (&error);
  }
  pz_test_server_free (ts);
}

/* A certificate without its key, or a file that is not one, stops the
 * server at start with a message naming the file. */
static void
test_https_misconfigured (void)
{
  g_autofree char *cert = g_build_filename (workdir, "other.crt", NULL);
  g_autofree char *key = g_build_filename (workdir, "other.key", NULL);
  g_autofree char *pem = pz_test_make_certificate (cert, key);
  g_autofree char *dir = g_build_filename (workdir, "tls-data", NULL);
  g_autoptr(PzConfig) config = pz_config_new ();
  g_autoptr(GError) error = NULL;

  config->data_dir = g_strdup (dir);
  config->port = 0;
  config->tls_certificate = g_strdup (cert);
  {
    g_autoptr(PzServer) server = pz_server_new (config, &error);
    g_assert_no_error (error);
    g_assert_false (pz_server_listen (server, &error));
    g_assert_nonnull (strstr (error->message, "tls_key"));
    g_clear_error (&error);
  }
  config->tls_key = g_strdup (cert);  /* the certificate again, not a key */
  {
    g_autoptr(PzServer) server = pz_server_new (config, &error);
    g_assert_no_error (error);
    g_assert_false (pz_server_listen (server, &error));
    g_assert_nonnull (strstr (error->message, "other.crt"));
    g_test_message ("%s", error->message);
  }
}

/* The timestamp authorities' trust anchors are a PEM file of
 * certificates, or the server does not start: else it would refuse every
 * timestamp. */
static void
test_tsa_ca_misconfigured (void)
{
  g_autofree char *cert = g_build_filename (workdir, "tsa-root.crt", NULL);
  g_autofree char *key = g_build_filename (workdir, "tsa-root.key", NULL);
  g_autofree char *pem = pz_test_make_certificate (cert, key);
  g_autofree char *text = write_config ("tsa-root.txt", "not a certificate\n");
  g_autofree char *dir = g_build_filename (workdir, "tsa-data", NULL);
  const char *refused[] = { text, key, "/nonexistent/tsa-root.pem" };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(PzConfig) config = pz_config_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(PzServer) server = NULL;

      config->data_dir = g_strdup (dir);
      config->port = 0;
      config->signing_tsa_ca = g_strdup (refused[i]);
      server = pz_server_new (config, &error);
      g_assert_null (server);
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error->message, "tsa_ca"));
      g_assert_nonnull (strstr (error->message, refused[i]));
    }
  {
    g_autoptr(PzConfig) config = pz_config_new ();
    g_autoptr(GError) error = NULL;
    g_autoptr(PzServer) server = NULL;

    config->data_dir = g_strdup (dir);
    config->port = 0;
    config->signing_tsa_ca = g_strdup (cert);
    server = pz_server_new (config, &error);
    g_assert_no_error (error);
    g_assert_nonnull (server);
  }
}

int
main (int   argc,
      char *argv[])
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  workdir = g_dir_make_tmp ("pz-config-XXXXXX", NULL);
  g_test_add_func ("/server/config/as-shipped", test_as_shipped);
  g_test_add_func ("/server/config/every-key-known", test_every_key_known);
  g_test_add_func ("/server/config/bad-value", test_bad_value);
  g_test_add_func ("/server/config/timestamp-authority", test_timestamp_authority);
  g_test_add_func ("/server/config/validation-fetch", test_validation_fetch);
  g_test_add_func ("/server/config/remote-signing", test_remote_signing);
  g_test_add_func ("/server/config/store", test_store);
  g_test_add_func ("/server/config/store-unreachable", test_store_unreachable);
  g_test_add_func ("/server/config/https", test_https);
  g_test_add_func ("/server/config/https-misconfigured", test_https_misconfigured);
  g_test_add_func ("/server/config/tsa-ca-misconfigured", test_tsa_ca_misconfigured);
  rc = g_test_run ();
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", workdir);
    g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
  }
  g_free (workdir);
  return rc;
}
