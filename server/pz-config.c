/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-config"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pz-config.h"

/**
 * pz_config_new:
 *
 * Returns: (transfer full): the settings a server has when nothing is configured
 */
PzConfig *
pz_config_new (void)
{
  PzConfig *self = g_new0 (PzConfig, 1);

  self->address = g_strdup ("127.0.0.1");
  self->port = 8080;
  self->timezone = g_strdup ("+07:00");
  self->max_body = 1024 * 1024;
  self->max_upload = 20 * 1024 * 1024;
  self->session_hours = 12;
  self->session_idle_seconds = 60 * 60;
  self->purge_interval = 3600;
  self->escalation_interval = 60;
  self->idempotency_seconds = 7 * 24 * 3600;
  self->login_max_failures_user = 5;
  self->login_max_failures_address = 20;
  self->login_window_seconds = 15 * 60;
  self->inspect_timeout = 20;
  self->inspect_running = MAX (g_get_num_processors (), 1);
  self->inspect_waiting = 16;
  self->smtp_port = 587;
  self->signing_tsa_timeout = 10;
  self->signing_remote_timeout = 30;
  self->signing_validation_timeout = 5;
  self->smtp_starttls = TRUE;
  self->outbox_interval = 30;
  self->idle_timeout = 75;
  self->max_connections_per_client = 64;
  return self;
}

void
pz_config_free (PzConfig *self)
{
  if (self == NULL)
    return;
  g_free (self->data_dir);
  g_free (self->store_url);
  g_free (self->address);
  g_free (self->timezone);
  g_free (self->public_url);
  g_free (self->workflows_dir);
  g_free (self->tls_certificate);
  g_free (self->tls_key);
  g_free (self->inspect_program);
  g_free (self->signing_key);
  g_free (self->signing_pkcs11_module);
  g_free (self->signing_tsa_url);
  g_free (self->signing_tsa_ca);
  g_free (self->signing_remote_url);
  g_free (self->signing_remote_client_id);
  g_free (self->signing_remote_client_secret);
  g_free (self->signing_remote_nik);
  g_free (self->smtp_host);
  g_free (self->smtp_username);
  g_free (self->smtp_password);
  g_free (self->smtp_from);
  g_free (self->notify_command);
  g_free (self->metrics_token);
  g_free (self);
}

static gboolean
read_uint (GKeyFile   *kf,
           const char *group,
           const char *key,
           guint64     min,
           guint64     max,
           guint64    *out,
           GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *text = g_key_file_get_string (kf, group, key, &local_error);
  guint64 value;

  if (text == NULL)
    return TRUE;  /* not set: keep the default */
  if (!g_ascii_string_to_unsigned (g_strstrip (text), 10, min, max, &value, NULL))
    {
      g_autofree char *lo = g_strdup_printf ("%" G_GUINT64_FORMAT, min);
      g_autofree char *hi = g_strdup_printf ("%" G_GUINT64_FORMAT, max);

      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   _("[%s] %s must be a whole number from %s to %s"), group, key, lo, hi);
      return FALSE;
    }
  *out = value;
  return TRUE;
}

static void
read_string (GKeyFile   *kf,
             const char *group,
             const char *key,
             char      **out)
{
  char *text = g_key_file_get_string (kf, group, key, NULL);

  if (text)
    {
      g_free (*out);
      *out = g_strstrip (text);
    }
}

/**
 * pz_config_load_file:
 * @self: the settings
 * @path: a key file, see `data/perizinan-server.conf`
 * @error: return location for an error
 *
 * Returns: whether the file was read; a bad value names its key
 */
gboolean
pz_config_load_file (PzConfig   *self,
                     const char *path,
                     GError    **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  guint64 port = self->port, max_body = self->max_body / 1024;
  guint64 max_upload = self->max_upload / (1024 * 1024), hours = self->session_hours;
  guint64 fail_user = self->login_max_failures_user;
  guint64 fail_addr = self->login_max_failures_address;
  guint64 window = self->login_window_seconds / 60;
  guint64 idle = self->session_idle_seconds / 60;
  gboolean admin_office = self->admin_office_roles;
  guint64 inspect_timeout = self->inspect_timeout;
  guint64 inspect_running = self->inspect_running;
  guint64 inspect_waiting = self->inspect_waiting;
  guint64 smtp_port = self->smtp_port;
  guint64 tsa_timeout = self->signing_tsa_timeout;
  guint64 remote_timeout = self->signing_remote_timeout;
  guint64 validation_timeout = self->signing_validation_timeout;
  gboolean validation_fetch = self->signing_validation_fetch;
  guint64 outbox_interval = self->outbox_interval;
  gboolean smtp_starttls = self->smtp_starttls;
  guint64 idle_timeout = self->idle_timeout;
  guint64 per_client = self->max_connections_per_client;

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, error))
    return FALSE;

  /* Every value is checked before any is taken: a bad file changes nothing. */
  if (!read_uint (kf, "server", "port", 0, 65535, &port, error) ||
      !read_uint (kf, "limits", "max_body_kib", 1, 64 * 1024, &max_body, error) ||
      !read_uint (kf, "limits", "max_upload_mib", 1, 1024, &max_upload, error) ||
      !read_uint (kf, "security", "session_hours", 1, 24 * 30, &hours, error) ||
      !read_uint (kf, "security", "session_idle_minutes", 1, 24 * 60, &idle, error) ||
      !read_uint (kf, "security", "login_failures_per_user", 1, 1000, &fail_user, error) ||
      !read_uint (kf, "security", "login_failures_per_address", 1, 100000, &fail_addr, error) ||
      !read_uint (kf, "security", "login_window_minutes", 1, 24 * 60, &window, error) ||
      !read_uint (kf, "limits", "inspect_timeout_seconds", 1, 600, &inspect_timeout, error) ||
      !read_uint (kf, "limits", "inspections_at_once", 1, 64, &inspect_running, error) ||
      !read_uint (kf, "limits", "inspections_waiting", 0, 1000, &inspect_waiting, error) ||
      !read_uint (kf, "smtp", "port", 1, 65535, &smtp_port, error) ||
      !read_uint (kf, "signing", "tsa_timeout_seconds", 1, 120, &tsa_timeout, error) ||
      !read_uint (kf, "signing", "remote_timeout_seconds", 1, 300, &remote_timeout, error) ||
      !read_uint (kf, "signing", "validation_timeout_seconds", 1, 60, &validation_timeout, error) ||
      !read_uint (kf, "notify", "interval_seconds", 1, 3600, &outbox_interval, error) ||
      !read_uint (kf, "limits", "idle_timeout_seconds", 35, 3600, &idle_timeout, error) ||
      !read_uint (kf, "limits", "connections_per_client", 0, 100000, &per_client, error))
    return FALSE;

  {
    g_autofree char *backend = g_key_file_get_string (kf, "store", "backend", NULL);
    g_autofree char *url = g_key_file_get_string (kf, "store", "url", NULL);

    if (backend)
      g_strstrip (backend);
    if (url)
      g_strstrip (url);
    if (backend && g_strcmp0 (backend, "sqlite") != 0 && g_strcmp0 (backend, "postgresql") != 0)
      {
        g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                     _("[store] backend must be sqlite or postgresql"));
        return FALSE;
      }
    if (g_strcmp0 (backend, "postgresql") == 0 &&
        (url == NULL || !(g_str_has_prefix (url, "postgresql://") || g_str_has_prefix (url, "postgres://"))))
      {
        g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                     _("[store] backend=postgresql needs url, a postgresql:// connection URI"));
        return FALSE;
      }
    if (g_strcmp0 (backend, "postgresql") != 0 && url && *url)
      {
        g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                     _("[store] url is for backend=postgresql; the SQLite database is in the data directory"));
        return FALSE;
      }
    if (g_strcmp0 (backend, "postgresql") == 0)
      {
        g_free (self->store_url);
        self->store_url = g_strdup (url);
      }
  }

  {
    g_autofree char *tsa = g_key_file_get_string (kf, "signing", "tsa_url", NULL);

    if (tsa && *g_strstrip (tsa) && !g_str_has_prefix (tsa, "http://") && !g_str_has_prefix (tsa, "https://"))
      {
        g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                     _("[signing] tsa_url must be an http:// or https:// address"));
        return FALSE;
      }
  }

  {
    g_autofree char *backend = g_key_file_get_string (kf, "signing", "backend", NULL);
    g_autofree char *url = g_key_file_get_string (kf, "signing", "remote_url", NULL);
    g_autofree char *nik = g_key_file_get_string (kf, "signing", "remote_nik", NULL);

    if (backend && g_strcmp0 (g_strstrip (backend), "file") != 0 && g_strcmp0 (backend, "remote") != 0)
      {
        g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                     _("[signing] backend must be file or remote"));
        return FALSE;
      }
    if (g_strcmp0 (backend, "remote") == 0 &&
        (url == NULL || !(g_str_has_prefix (g_strstrip (url), "http://") || g_str_has_prefix (url, "https://")) ||
         nik == NULL || strlen (g_strstrip (nik)) != 16 || strspn (nik, "0123456789") != 16))
      {
        g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                     _("[signing] backend=remote needs remote_url (http:// or https://) and remote_nik (16 digits)"));
        return FALSE;
      }
    if (g_strcmp0 (backend, "remote") == 0)
      {
        g_free (self->signing_remote_url);
        self->signing_remote_url = g_strdup (url);
        g_free (self->signing_remote_nik);
        self->signing_remote_nik = g_strdup (nik);
      }
  }

  if (g_key_file_has_key (kf, "smtp", "starttls", NULL))
    {
      g_autoptr(GError) local_error = NULL;
      gboolean starttls = g_key_file_get_boolean (kf, "smtp", "starttls", &local_error);

      if (local_error)
        {
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                       _("[smtp] starttls must be true or false"));
          return FALSE;
        }
      smtp_starttls = starttls;
    }

  if (g_key_file_has_key (kf, "signing", "validation_fetch", NULL))
    {
      g_autoptr(GError) local_error = NULL;
      gboolean value = g_key_file_get_boolean (kf, "signing", "validation_fetch", &local_error);

      if (local_error)
        {
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                       _("[signing] validation_fetch must be true or false"));
          return FALSE;
        }
      validation_fetch = value;
    }

  if (g_key_file_has_key (kf, "security", "admin_may_hold_office_roles", NULL))
    {
      g_autoptr(GError) local_error = NULL;
      gboolean value = g_key_file_get_boolean (kf, "security", "admin_may_hold_office_roles", &local_error);

      if (local_error)
        {
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                       _("[security] admin_may_hold_office_roles must be true or false"));
          return FALSE;
        }
      admin_office = value;
    }

  read_string (kf, "server", "data_dir", &self->data_dir);
  read_string (kf, "server", "address", &self->address);
  read_string (kf, "server", "public_url", &self->public_url);
  read_string (kf, "server", "workflows_dir", &self->workflows_dir);
  read_string (kf, "server", "tls_certificate", &self->tls_certificate);
  read_string (kf, "server", "tls_key", &self->tls_key);
  read_string (kf, "office", "timezone", &self->timezone);
  read_string (kf, "signing", "key", &self->signing_key);
  read_string (kf, "signing", "pkcs11_module", &self->signing_pkcs11_module);
  read_string (kf, "signing", "tsa_url", &self->signing_tsa_url);
  read_string (kf, "signing", "tsa_ca", &self->signing_tsa_ca);
  read_string (kf, "signing", "remote_client_id", &self->signing_remote_client_id);
  read_string (kf, "signing", "remote_client_secret", &self->signing_remote_client_secret);
  read_string (kf, "smtp", "host", &self->smtp_host);
  read_string (kf, "smtp", "username", &self->smtp_username);
  read_string (kf, "smtp", "password", &self->smtp_password);
  read_string (kf, "smtp", "from", &self->smtp_from);
  read_string (kf, "notify", "command", &self->notify_command);
  read_string (kf, "security", "metrics_token", &self->metrics_token);

  self->smtp_starttls = smtp_starttls;
  self->port = (guint) port;
  self->max_body = (gsize) max_body * 1024;
  self->max_upload = (gsize) max_upload * 1024 * 1024;
  self->session_hours = (guint) hours;
  self->session_idle_seconds = (guint) idle * 60;
  self->admin_office_roles = admin_office;
  self->login_max_failures_user = (guint) fail_user;
  self->login_max_failures_address = (guint) fail_addr;
  self->login_window_seconds = (guint) window * 60;
  self->inspect_timeout = (guint) inspect_timeout;
  self->inspect_running = (guint) inspect_running;
  self->inspect_waiting = (guint) inspect_waiting;
  self->smtp_port = (guint) smtp_port;
  self->signing_tsa_timeout = (guint) tsa_timeout;
  self->signing_remote_timeout = (guint) remote_timeout;
  self->signing_validation_timeout = (guint) validation_timeout;
  self->signing_validation_fetch = validation_fetch;
  self->outbox_interval = (guint) outbox_interval;
  self->idle_timeout = (guint) idle_timeout;
  self->max_connections_per_client = (guint) per_client;
  return TRUE;
}
