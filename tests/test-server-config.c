/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The example configuration shipped for offices stays true to the server:
 * as shipped it changes nothing, and every key in it, once uncommented, is
 * one the server reads. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "pz-config.h"

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
  g_assert_cmpuint (keys, >=, 22);

  path = write_config ("open.conf", open->str);
  g_assert_true (pz_config_load_file (config, path, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (config->data_dir, ==, "/var/lib/perizinan");
  g_assert_cmpstr (config->public_url, ==, "https://izin.example.go.id");
  g_assert_cmpstr (config->smtp_host, ==, "mail.example.go.id");
  g_assert_cmpstr (config->notify_command, ==, "/usr/local/bin/kirim-pesan");
  g_assert_cmpstr (config->timezone, ==, defaults->timezone);
  g_assert_cmpstr (config->address, ==, defaults->address);
  g_assert_cmpuint (config->port, ==, defaults->port);
  g_assert_cmpuint (config->max_body, ==, defaults->max_body);
  g_assert_cmpuint (config->max_upload, ==, defaults->max_upload);
  g_assert_cmpuint (config->inspect_timeout, ==, defaults->inspect_timeout);
  g_assert_cmpuint (config->session_hours, ==, defaults->session_hours);
  g_assert_cmpuint (config->login_max_failures_user, ==, defaults->login_max_failures_user);
  g_assert_cmpuint (config->login_max_failures_address, ==, defaults->login_max_failures_address);
  g_assert_cmpuint (config->login_window_seconds, ==, defaults->login_window_seconds);
  g_assert_cmpuint (config->smtp_port, ==, defaults->smtp_port);
  g_assert_true (config->smtp_starttls == defaults->smtp_starttls);
  g_assert_cmpuint (config->outbox_interval, ==, defaults->outbox_interval);

  /* and nothing in it is a key the server does not know */
  g_assert_true (g_key_file_load_from_data (kf, open->str, -1, G_KEY_FILE_NONE, NULL));
  {
    const char *known[] = {
      "server/data_dir", "server/address", "server/port", "server/public_url",
      "server/workflows_dir", "office/timezone", "limits/max_body_kib",
      "limits/max_upload_mib", "limits/inspect_timeout_seconds", "security/session_hours",
      "security/login_failures_per_user", "security/login_failures_per_address",
      "security/login_window_minutes", "signing/key", "smtp/host", "smtp/port",
      "smtp/starttls", "smtp/username", "smtp/password", "smtp/from", "notify/command",
      "notify/interval_seconds", NULL
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
  rc = g_test_run ();
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", workdir);
    g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
  }
  g_free (workdir);
  return rc;
}
