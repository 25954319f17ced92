/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The engine, the workflow authority: loading the workflows,
 * its data folder, permit numbering; each office's state is pz-engine-offices.c. */
#define G_LOG_DOMAIN "pz-engine"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "pz-engine-private.h"

G_DEFINE_QUARK (pz - engine - error - quark, pz_engine_error)

gboolean
engine_fail (GError    **error,
             int         code,
             const char *format,
             ...)
{
  va_list args;

  va_start (args, format);
  g_set_error_literal (error, PZ_ENGINE_ERROR, code, "");
  g_free ((*error)->message);
  (*error)->message = g_strdup_vprintf (format, args);
  va_end (args);
  return FALSE;
}

gboolean
internal (GError **error,
          GError  *cause)
{
  if (g_error_matches (cause, PZ_STORE_ERROR, PZ_STORE_ERROR_BUSY))
    {
      g_message ("Busy: %s", cause->message);
      return engine_fail (error, PZ_ENGINE_ERROR_BUSY,
                          _("Another desk is saving the same records; nothing was saved. Try again in a moment"));
    }
  g_warning ("%s", cause->message);
  engine_fail (error, PZ_ENGINE_ERROR_INTERNAL, _("The server could not save the change: %s"),
               cause->message);
  return FALSE;
}

/* A full disk is the office's to fix, not a fault of the request. */
gboolean
disk_full_or_internal (GError **error,
                       GError  *cause)
{
  if (g_error_matches (cause, G_FILE_ERROR, G_FILE_ERROR_NOSPC) ||
      g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_NO_SPACE) ||
      g_error_matches (cause, PZ_STORE_ERROR, PZ_STORE_ERROR_FULL))
    {
      g_warning ("The disk is full: %s", cause->message);
      return engine_fail (error, PZ_ENGINE_ERROR_DISK_FULL,
                          _("The server's disk is full; nothing was saved. Ask the administrator "
                            "to free space, then try again"));
    }
  return internal (error, cause);
}

static gboolean
load_workflows (PzEngine *self,
                GError  **error)
{
  g_auto(GStrv) names = g_resources_enumerate_children (WORKFLOW_RESOURCES, 0, NULL);

  for (guint i = 0; names && names[i]; i++)
    {
      g_autofree char *path = g_build_path ("/", WORKFLOW_RESOURCES, names[i], NULL);
      g_autoptr(GBytes) bytes = g_resources_lookup_data (path, 0, error);
      PzWorkflow *wf;

      if (bytes == NULL)
        return FALSE;
      wf = pz_workflow_new_from_data (g_bytes_get_data (bytes, NULL),
                                      (gssize) g_bytes_get_size (bytes), names[i], error);
      if (wf == NULL)
        return FALSE;
      g_hash_table_replace (self->workflows, g_strdup (pz_workflow_get_id (wf)), wf);
    }

  /* An office's own definitions come after the built-in ones and may
   * replace them. */
  if (self->workflows_dir)
    {
      g_autoptr(GDir) dir = g_dir_open (self->workflows_dir, 0, error);
      const char *name;

      if (dir == NULL)
        return FALSE;
      while ((name = g_dir_read_name (dir)))
        {
          g_autofree char *path = NULL;
          PzWorkflow *wf;

          if (!g_str_has_suffix (name, ".json"))
            continue;
          path = g_build_filename (self->workflows_dir, name, NULL);
          if (!(wf = pz_workflow_new_from_file (path, error)))
            return FALSE;
          g_hash_table_replace (self->workflows, g_strdup (pz_workflow_get_id (wf)), wf);
        }
    }
  return TRUE;
}

static gboolean
data_dir_fail (GError    **error,
               const char *path,
               int         saved)
{
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
               _("Cannot use the data directory %s: %s"), path, g_strerror (saved));
  return FALSE;
}

/* The data directory holds personal data and the office's records: it is
 * the server's alone (0700, files 0600) whatever the umask, and a directory
 * the server cannot write is refused at start with its name, not found out
 * at the first upload. */
static gboolean
open_data_dir (const char *data_dir,
               const char *tmp_dir,
               const char *db_path,
               GError    **error)
{
  int fd;

  if (g_mkdir_with_parents (data_dir, 0700) != 0)
    return data_dir_fail (error, data_dir, errno);
  if (!g_file_test (data_dir, G_FILE_TEST_IS_DIR))
    return data_dir_fail (error, data_dir, ENOTDIR);
  if (access (data_dir, R_OK | W_OK | X_OK) != 0)
    return data_dir_fail (error, data_dir, errno);
  if (g_mkdir_with_parents (tmp_dir, 0700) != 0 || access (tmp_dir, R_OK | W_OK | X_OK) != 0)
    return data_dir_fail (error, tmp_dir, errno);
  if (db_path == NULL)
    return TRUE;
  /* SQLite gives the WAL and shared-memory files the database's mode */
  fd = open (db_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return data_dir_fail (error, db_path, errno);
  close (fd);
  return TRUE;
}

/* An upload cut off by a crash or a restart leaves its temporary file;
 * none of them belongs to anything once the server starts. */
static void
clean_tmp_dir (const char *tmp_dir,
               GTimeSpan   min_age)
{
  g_autoptr(GDir) dir = g_dir_open (tmp_dir, 0, NULL);
  gint64 now = g_get_real_time ();
  const char *name;
  guint removed = 0;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
      GStatBuf st;

      if (g_lstat (path, &st) != 0 || !S_ISREG (st.st_mode) ||
          now - (gint64) st.st_mtime * G_USEC_PER_SEC < min_age)
        continue;
      if (g_unlink (path) == 0)
        removed++;
    }
  if (removed > 0)
    g_message ("Removed %u unfinished uploads from %s", removed, tmp_dir);
}

/**
 * pz_engine_new:
 * @data_dir: the server's data directory; created if missing
 * @workflows_dir: (nullable): a directory of extra workflow definitions
 * @timezone: (nullable): the office's time zone, e.g. `+07:00`
 * @error: return location for an error
 *
 * Returns: (transfer full): the engine, or %NULL
 */
PzEngine *
pz_engine_new (const char *data_dir,
               const char *workflows_dir,
               const char *timezone,
               GError    **error)
{
  return pz_engine_new_with_store (data_dir, NULL, workflows_dir, timezone, error);
}

/**
 * pz_engine_new_with_store:
 * @data_dir: the server's data directory (the stored documents); created if missing
 * @store_url: (nullable): a `postgresql://` connection URI; %NULL keeps the
 *   office in an SQLite database in @data_dir
 * @workflows_dir: (nullable): a directory of extra workflow definitions
 * @timezone: (nullable): the office's time zone, e.g. `+07:00`
 * @error: return location for an error
 *
 * On PostgreSQL several servers may share one database and, through a
 * shared @data_dir, the stored documents.
 *
 * Returns: (transfer full): the engine, or %NULL
 */
PzEngine *
pz_engine_new_with_store (const char *data_dir,
                          const char *store_url,
                          const char *workflows_dir,
                          const char *timezone,
                          GError    **error)
{
  PzEngine *self = g_new0 (PzEngine, 1);
  g_autofree char *db_path = NULL;
  g_autofree char *tmp_dir = NULL;

  self->data_dir = g_strdup (data_dir);
  self->files_dir = g_build_filename (data_dir, "files", NULL);
  self->workflows_dir = g_strdup (workflows_dir);
  self->tz = g_time_zone_new_identifier (timezone ? timezone : "+07:00");
  if (self->tz == NULL)
    {
      g_set_error (error, PZ_ENGINE_ERROR, PZ_ENGINE_ERROR_INTERNAL,
                   _("Unknown time zone “%s”"), timezone);
      pz_engine_free (self);
      return NULL;
    }
  self->workflows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) pz_workflow_unref);

  tmp_dir = g_build_filename (self->files_dir, "tmp", NULL);
  db_path = store_url ? NULL : g_build_filename (data_dir, "perizinan.db", NULL);
  if (!open_data_dir (data_dir, tmp_dir, db_path, error))
    {
      pz_engine_free (self);
      return NULL;
    }
  /* other servers may be receiving uploads into a shared directory: only
   * what is a day old is surely left over */
  clean_tmp_dir (tmp_dir, store_url ? G_TIME_SPAN_DAY : 0);
  self->db_location = store_url ? g_strdup (store_url) : g_steal_pointer (&db_path);

  if (!(self->store = pz_store_open (self->db_location, error)) ||
      !(self->reader = pz_store_open_reader (self->db_location, error)) ||
      !load_workflows (self, error) ||
      !seed_calendars (self, error) ||
      !keep_type_versions (self, error) ||
      !pz_engine_reload (self, error))
    {
      pz_engine_free (self);
      return NULL;
    }
  return self;
}

void
pz_engine_free (PzEngine *self)
{
  if (self == NULL)
    return;
  pz_store_free (self->reader);
  pz_store_free (self->store);
  g_clear_pointer (&self->inbox_pages, g_hash_table_unref);
  g_clear_pointer (&self->done_today, g_hash_table_unref);
  g_clear_pointer (&self->offices, g_hash_table_unref);
  g_clear_pointer (&self->tz, g_time_zone_unref);
  g_clear_pointer (&self->workflows, g_hash_table_unref);
  g_free (self->data_dir);
  g_free (self->db_location);
  g_free (self->files_dir);
  g_free (self->workflows_dir);
  g_free (self->configured_url);
  g_free (self->signing_key);
  g_free (self->signing_module);
  g_free (self->tsa_url);
  g_free (self->tsa_ca);
  g_free (self->remote_url);
  g_free (self->remote_client_id);
  g_free (self->remote_client_secret);
  g_free (self->remote_nik);
  g_free (self);
}

/**
 * pz_engine_get_reader:
 *
 * Returns: (transfer none): the read-only connection the inbox and the
 *   health check read from, which sees the last commit while the store's
 *   own connection writes or commits
 */
PzStore *
pz_engine_get_reader (PzEngine *self)
{
  return self->reader;
}

PzStore *
pz_engine_get_store (PzEngine *self)
{
  return self->store;
}

GTimeZone *
pz_engine_get_timezone (PzEngine *self)
{
  return self->tz;
}

const char *
pz_engine_get_data_dir (PzEngine *self)
{
  return self->data_dir;
}

/* The SQLite database's path, or the PostgreSQL connection URI. */
const char *
pz_engine_get_db_location (PzEngine *self)
{
  return self->db_location;
}

/* Reads "HH:MM" as minutes since midnight. */
gboolean
pz_parse_clock (const char *text,
                guint      *minute)
{
  guint h, m;

  if (text == NULL || strlen (text) != 5 || text[2] != ':' ||
      !g_ascii_isdigit (text[0]) || !g_ascii_isdigit (text[1]) ||
      !g_ascii_isdigit (text[3]) || !g_ascii_isdigit (text[4]))
    return FALSE;
  h = (guint) (text[0] - '0') * 10 + (guint) (text[1] - '0');
  m = (guint) (text[3] - '0') * 10 + (guint) (text[4] - '0');
  if (h > 23 || m > 59)
    return FALSE;
  *minute = h * 60 + m;
  return TRUE;
}

void
pz_engine_set_signing_key (PzEngine   *self,
                           const char *path)
{
  g_free (self->signing_key);
  self->signing_key = g_strdup (path);
}

const char *
pz_engine_get_signing_key (PzEngine *self)
{
  return self->signing_key;
}

/**
 * pz_engine_set_signing_module:
 * @module: (nullable): the PKCS#11 module of the token a `pkcs11:` signing
 *   key is on; %NULL for the modules p11-kit knows
 */
void
pz_engine_set_signing_module (PzEngine   *self,
                              const char *module)
{
  g_free (self->signing_module);
  self->signing_module = g_strdup (module);
}

/**
 * pz_engine_set_timestamp_authority:
 * @url: (nullable): the RFC 3161 timestamp authority that stamps each
 *   signature (PAdES B-T); %NULL for none (B-B)
 * @timeout_seconds: how long a signing waits for it
 */
void
pz_engine_set_timestamp_authority (PzEngine   *self,
                                   const char *url,
                                   guint       timeout_seconds)
{
  g_free (self->tsa_url);
  self->tsa_url = url && *url ? g_strdup (url) : NULL;
  self->tsa_timeout = timeout_seconds;
}

/**
 * pz_engine_set_timestamp_trust:
 * @ca_file: (nullable): the certificates (PEM) of the timestamp authorities
 *   the office trusts; a timestamp whose authority does not chain up to
 *   one of them is refused at signing, and nothing is signed
 */
void
pz_engine_set_timestamp_trust (PzEngine   *self,
                               const char *ca_file)
{
  g_free (self->tsa_ca);
  self->tsa_ca = ca_file && *ca_file ? g_strdup (ca_file) : NULL;
}

/**
 * pz_engine_set_validation_fetch:
 * @fetch: whether a signing fetches the CRLs and OCSP responses of the
 *   certificates from the addresses they name, for the validation data
 *   each permit keeps (PAdES B-LT); without, it keeps the certificates
 * @timeout_seconds: how long a signing waits for each address
 */
void
pz_engine_set_validation_fetch (PzEngine *self,
                                gboolean  fetch,
                                guint     timeout_seconds)
{
  self->validation_fetch = fetch;
  self->validation_timeout = timeout_seconds ? timeout_seconds : 5;
}

/**
 * pz_engine_set_remote_signing:
 * @url: (nullable): the base address of the office's BSrE Esign Client
 *   Service (or a provincial service with its API); %NULL: the signing key
 *   is a file or on a token
 * @client_id: the office's client credentials at the service
 * @client_secret: their secret
 * @nik: the Kadis' NIK, as the service knows them
 * @timeout_seconds: how long a signing waits for the service
 */
void
pz_engine_set_remote_signing (PzEngine   *self,
                              const char *url,
                              const char *client_id,
                              const char *client_secret,
                              const char *nik,
                              guint       timeout_seconds)
{
  g_free (self->remote_url);
  g_free (self->remote_client_id);
  g_free (self->remote_client_secret);
  g_free (self->remote_nik);
  self->remote_url = url && *url ? g_strdup (url) : NULL;
  self->remote_client_id = g_strdup (client_id);
  self->remote_client_secret = g_strdup (client_secret);
  self->remote_nik = g_strdup (nik);
  self->remote_timeout = timeout_seconds;
}

/**
 * pz_engine_get_configured_public_url:
 * @self: an engine
 *
 * Returns: the public address used when the office profile has none
 */
const char *
pz_engine_get_configured_public_url (PzEngine *self)
{
  return self->configured_url ? self->configured_url : "http://localhost:8080";
}

char *
permit_counter_name (PzEngine     *self,
                     PzPermitType *type,
                     gint64        now)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (now);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, self->tz);

  return g_strdup_printf ("permit:%s:%d", type->code, g_date_time_get_year (local));
}

/**
 * pz_engine_next_permit_sequence:
 * @self: an engine
 * @type: a permit type
 *
 * Returns: the sequence the next permit of @type numbered now would get
 */
gint64
pz_engine_next_permit_sequence (PzEngine     *self,
                                gint64        office_id,
                                PzPermitType *type)
{
  g_autofree char *counter = permit_counter_name (self, type, g_get_real_time () / G_USEC_PER_SEC);
  gint64 last = 0;

  if (!pz_store_peek_counter (self->store, office_id, counter, &last, NULL))
    last = 0;
  return last + 1;
}

/**
 * pz_engine_list_workflows:
 * @self: an engine
 *
 * Returns: (transfer container) (element-type PzWorkflow): the workflows
 */
GPtrArray *
pz_engine_list_workflows (PzEngine *self)
{
  GPtrArray *list = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->workflows);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (list, value);
  return list;
}

PzWorkflow *
pz_engine_get_workflow (PzEngine   *self,
                        const char *id)
{
  return g_hash_table_lookup (self->workflows, id);
}

/**
 * pz_engine_format_time:
 * @self: an engine
 * @unix_time: seconds since 1970
 *
 * Every answer carries several times, so this avoids GDateTime's general
 * formatter: the office's offset, then plain arithmetic.
 *
 * Returns: (transfer full): ISO 8601 in the office's time zone, e.g.
 *   `2026-11-30T07:45:00+07:00`
 */
static void
two_digits (char *p,
            guint v)
{
  p[0] = (char) ('0' + v / 10 % 10);
  p[1] = (char) ('0' + v % 10);
}

/* Days since 1970-01-01 to a date of the proleptic Gregorian calendar
 * (Howard Hinnant's civil_from_days). */
static void
civil_from_days (gint64  days,
                 gint64 *year,
                 guint  *month,
                 guint  *day)
{
  gint64 z = days + 719468;
  gint64 era = (z >= 0 ? z : z - 146096) / 146097;
  guint doe = (guint) (z - era * 146097);
  guint yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  guint doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  guint mp = (5 * doy + 2) / 153;

  *day = doy - (153 * mp + 2) / 5 + 1;
  *month = mp < 10 ? mp + 3 : mp - 9;
  *year = (gint64) yoe + era * 400 + (*month <= 2);
}

/* Writes what pz_engine_format_time() returns, in quotes, without a
 * formatter or an allocation: the inbox writes four per file. FALSE (and
 * nothing written) outside the years 1970 to 9999. */
gboolean
format_time_json (PzEngine *self,
                  gint64    unix_time,
                  char      buf[PZ_TIME_JSON_SIZE])
{
  int interval = g_time_zone_find_interval (self->tz, G_TIME_TYPE_UNIVERSAL, unix_time);
  gint32 offset = interval >= 0 ? g_time_zone_get_offset (self->tz, interval) : 0;
  gint64 local = unix_time + offset;
  guint off = (guint) ABS (offset);
  gint64 year, secs;
  guint month, day;

  if (local < 0 || local > G_GINT64_CONSTANT (253402300799) || off / 3600 > 99)
    return FALSE;
  civil_from_days (local / 86400, &year, &month, &day);
  secs = local % 86400;
  buf[0] = '"';
  two_digits (buf + 1, (guint) (year / 100));
  two_digits (buf + 3, (guint) (year % 100));
  buf[5] = '-';
  two_digits (buf + 6, month);
  buf[8] = '-';
  two_digits (buf + 9, day);
  buf[11] = 'T';
  two_digits (buf + 12, (guint) (secs / 3600));
  buf[14] = ':';
  two_digits (buf + 15, (guint) (secs / 60 % 60));
  buf[17] = ':';
  two_digits (buf + 18, (guint) (secs % 60));
  buf[20] = offset < 0 ? '-' : '+';
  two_digits (buf + 21, off / 3600);
  buf[23] = ':';
  two_digits (buf + 24, off / 60 % 60);
  buf[26] = '"';
  buf[27] = '\0';
  return TRUE;
}

char *
pz_engine_format_time (PzEngine *self,
                       gint64    unix_time)
{
  int interval = g_time_zone_find_interval (self->tz, G_TIME_TYPE_UNIVERSAL, unix_time);
  gint32 offset = interval >= 0 ? g_time_zone_get_offset (self->tz, interval) : 0;
  time_t local = (time_t) (unix_time + offset);
  struct tm tm;
  gint32 off = ABS (offset);

  gmtime_r (&local, &tm);
  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                          tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, offset < 0 ? '-' : '+',
                          off / 3600, off / 60 % 60);
}
