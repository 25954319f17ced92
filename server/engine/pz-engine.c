/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The engine, the workflow authority: loading the office (workflows,
 * calendar, permit types, profile), its data folder, permit numbering. */
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

/**
 * pz_engine_seed_calendar:
 * @store: the store, in a transaction
 * @office_id: the office
 *
 * A new office starts with the national holidays and collective leave
 * days of the years the server knows, which it can then edit.  Does
 * nothing for an office that has been given them before.
 */
gboolean
pz_engine_seed_calendar (PzStore *store,
                         gint64   office_id,
                         GError **error)
{
  g_autofree char *seeded = pz_store_get_setting (store, office_id, "calendar_seeded");
  g_auto(GStrv) names = NULL;

  if (seeded)
    return TRUE;
  names = g_resources_enumerate_children (CALENDAR_RESOURCES, 0, NULL);
  for (guint i = 0; names && names[i]; i++)
    {
      g_autofree char *path = g_build_path ("/", CALENDAR_RESOURCES, names[i], NULL);
      g_autoptr(GBytes) bytes = g_resources_lookup_data (path, 0, NULL);
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonNode *root;
      JsonArray *days;

      if (bytes == NULL ||
          !json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                       (gssize) g_bytes_get_size (bytes), error))
        return FALSE;
      root = json_parser_get_root (parser);
      if (!JSON_NODE_HOLDS_ARRAY (root))
        continue;
      days = json_node_get_array (root);
      for (guint d = 0; d < json_array_get_length (days); d++)
        {
          JsonObject *day = json_array_get_object_element (days, d);

          if (!pz_store_put_holiday (store, office_id, json_object_get_string_member (day, "date"),
                                     json_object_get_string_member (day, "name"),
                                     json_object_get_string_member (day, "kind"), error))
            return FALSE;
        }
    }
  return pz_store_set_setting (store, office_id, "calendar_seeded", "1", error);
}

/* Every office of the store has its calendar; a data dir from before
 * calendars were seeded, or an office made without one, gets it now. */
static gboolean
seed_calendars (PzEngine *self,
                GError  **error)
{
  g_autoptr(GArray) ids = pz_store_list_office_ids (self->store, error);

  if (ids == NULL || !pz_store_begin (self->store, error))
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    if (!pz_engine_seed_calendar (self->store, g_array_index (ids, gint64, i), error))
      {
        pz_store_rollback (self->store);
        return FALSE;
      }
  if (!pz_store_commit (self->store, error))
    {
      pz_store_rollback (self->store);
      return FALSE;
    }
  return TRUE;
}

static void
office_state_free (OfficeState *office)
{
  g_clear_pointer (&office->calendar, pz_calendar_unref);
  g_clear_pointer (&office->permit_types, g_ptr_array_unref);
  g_clear_pointer (&office->type_versions, g_hash_table_unref);
  g_clear_pointer (&office->logo, g_bytes_unref);
  g_free (office->public_url);
  g_free (office);
}

/* The office profile's hours, emblem and address. */
static void
apply_office_profile (PzEngine    *self,
                      OfficeState *office)
{
  g_autofree char *opens = pz_store_get_setting (self->store, office->id, "office_opens");
  g_autofree char *closes = pz_store_get_setting (self->store, office->id, "office_closes");
  g_autofree char *logo = pz_store_get_setting (self->store, office->id, "logo_png");
  g_autofree char *url = pz_store_get_setting (self->store, office->id, "public_url");
  guint start = 7 * 60 + 30, end = 16 * 60;

  if (opens && closes && !(pz_parse_clock (opens, &start) && pz_parse_clock (closes, &end) && start < end))
    {
      g_warning ("The office hours %s–%s are not valid; 07:30–16:00 is used", opens, closes);
      start = 7 * 60 + 30;
      end = 16 * 60;
    }
  pz_calendar_set_office_hours (office->calendar, start, end);
  g_clear_pointer (&office->logo, g_bytes_unref);
  if (logo && *logo)
    {
      gsize len = 0;
      guchar *data = g_base64_decode (logo, &len);
      office->logo = g_bytes_new_take (data, len);
    }
  g_free (office->public_url);
  office->public_url = g_strdup (url && *url ? url : pz_engine_get_configured_public_url (self));
  while (g_str_has_suffix (office->public_url, "/"))
    office->public_url[strlen (office->public_url) - 1] = '\0';
}

/* Reads what @office_id defines: its permit types and their editions,
 * its profile and its calendar. */
static OfficeState *
load_office (PzEngine *self,
             gint64    office_id,
             GError  **error)
{
  g_autoptr(GPtrArray) types = pz_store_load_permit_types (self->store, office_id, error);
  g_autoptr(GPtrArray) holidays = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  OfficeState *office;

  if (types == NULL ||
      !(versions = pz_store_load_permit_type_versions (self->store, office_id, NULL, error)) ||
      !(holidays = pz_store_list_holidays (self->store, office_id, error)))
    return NULL;
  for (guint i = 0; i < types->len; i++)
    {
      PzPermitType *type = g_ptr_array_index (types, i);
      if (!g_hash_table_contains (self->workflows, type->workflow))
        {
          g_set_error (error, PZ_ENGINE_ERROR, PZ_ENGINE_ERROR_INTERNAL,
                       _("Permit type “%s” uses the unknown workflow “%s”"),
                       type->code, type->workflow);
          return NULL;
        }
    }

  office = g_new0 (OfficeState, 1);
  office->id = office_id;
  office->type_versions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                 (GDestroyNotify) pz_permit_type_unref);
  for (guint i = 0; i < versions->len; i++)
    {
      PzPermitType *type = g_ptr_array_index (versions, i);
      g_hash_table_insert (office->type_versions, g_strdup_printf ("%s/%u", type->code, type->version),
                           pz_permit_type_ref (type));
    }
  office->permit_types = g_steal_pointer (&types);
  office->calendar = pz_calendar_new (self->tz);
  for (guint i = 0; i < holidays->len; i++)
    {
      GDate date;
      if (pz_parse_date (g_ptr_array_index (holidays, i), &date))
        pz_calendar_add_holiday (office->calendar, &date);
    }
  apply_office_profile (self, office);
  return office;
}

/**
 * office_of:
 * @office_id: an office of the store
 *
 * What the engine keeps of the office, read now if it was not yet (an
 * office added since the last reload).  An office that cannot be read
 * has no permit types and the usual office hours until the next reload.
 *
 * Returns: (transfer none): the office's state
 */
OfficeState *
office_of (PzEngine *self,
           gint64    office_id)
{
  OfficeState *office = g_hash_table_lookup (self->offices, &office_id);
  g_autoptr(GError) error = NULL;

  if (office)
    return office;
  if (!(office = load_office (self, office_id, &error)))
    {
      g_warning ("Office %" G_GINT64_FORMAT " cannot be read: %s", office_id, error->message);
      office = g_new0 (OfficeState, 1);
      office->id = office_id;
      office->permit_types = g_ptr_array_new_with_free_func ((GDestroyNotify) pz_permit_type_unref);
      office->type_versions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                     (GDestroyNotify) pz_permit_type_unref);
      office->calendar = pz_calendar_new (self->tz);
      office->public_url = g_strdup (pz_engine_get_configured_public_url (self));
    }
  g_hash_table_insert (self->offices, g_memdup2 (&office->id, sizeof office->id), office);
  return office;
}

/**
 * pz_engine_reload:
 * @self: an engine
 * @error: return location for an error
 *
 * Reads what every office defines (permit types, holidays, profile) from
 * the store again.
 */
gboolean
pz_engine_reload (PzEngine *self,
                  GError  **error)
{
  g_autoptr(GArray) ids = pz_store_list_office_ids (self->store, error);
  g_autoptr(GHashTable) offices = NULL;

  /* the inboxes show the types' names and the steps' titles */
  if (self->inbox_pages)
    g_hash_table_remove_all (self->inbox_pages);
  self->inbox_bytes = 0;
  if (ids == NULL)
    return FALSE;
  offices = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) office_state_free);
  for (guint i = 0; i < ids->len; i++)
    {
      OfficeState *office = load_office (self, g_array_index (ids, gint64, i), error);

      if (office == NULL)
        return FALSE;
      g_hash_table_insert (offices, g_memdup2 (&office->id, sizeof office->id), office);
    }
  g_clear_pointer (&self->offices, g_hash_table_unref);
  self->offices = g_steal_pointer (&offices);
  return TRUE;
}

/* A data dir from before editions were kept: each type's current
 * definition becomes its edition. */
static gboolean
keep_type_versions (PzEngine *self,
                    GError  **error)
{
  g_autoptr(GArray) ids = pz_store_list_office_ids (self->store, error);

  if (ids == NULL)
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    {
      gint64 office_id = g_array_index (ids, gint64, i);
      g_autoptr(GPtrArray) types = pz_store_load_permit_types (self->store, office_id, error);

      if (types == NULL || !pz_store_keep_permit_type_versions (self->store, office_id, types, error))
        return FALSE;
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

PzCalendar *
pz_engine_get_calendar (PzEngine *self,
                        gint64    office_id)
{
  return office_of (self, office_id)->calendar;
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

/**
 * pz_engine_set_public_url:
 *
 * The address from the configuration; an office profile's, if set, wins.
 */
void
pz_engine_set_public_url (PzEngine   *self,
                          const char *url)
{
  g_autoptr(GError) error = NULL;

  g_free (self->configured_url);
  self->configured_url = g_strdup (url);
  if (self->offices && !pz_engine_reload (self, &error))
    g_warning ("The offices could not be read again: %s", error->message);
}

/**
 * pz_engine_get_logo:
 *
 * Returns: (transfer none) (nullable): the emblem @office_id prints on its letters, PNG
 */
GBytes *
pz_engine_get_logo (PzEngine *self,
                    gint64    office_id)
{
  return office_of (self, office_id)->logo;
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

const char *
pz_engine_get_public_url (PzEngine *self,
                          gint64    office_id)
{
  return office_of (self, office_id)->public_url;
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

PzPermitType *
pz_engine_get_permit_type (PzEngine   *self,
                           gint64      office_id,
                           const char *code)
{
  GPtrArray *types = office_of (self, office_id)->permit_types;

  for (guint i = 0; code && i < types->len; i++)
    {
      PzPermitType *type = g_ptr_array_index (types, i);
      if (g_str_equal (type->code, code))
        return type;
    }
  return NULL;
}

/**
 * pz_engine_get_file_permit_type:
 *
 * The edition of the permit type @app was registered under; a file whose
 * edition is not known (a store written by an older server, a damaged
 * row) is read with the type's current edition rather than not at all.
 *
 * Returns: (transfer none) (nullable): the edition, or %NULL when the
 *   type itself is unknown
 */
PzPermitType *
pz_engine_get_file_permit_type (PzEngine      *self,
                                PzApplication *app)
{
  g_autofree char *key = g_strdup_printf ("%s/%" G_GINT64_FORMAT, app->permit_type,
                                          app->permit_type_version > 0 ? app->permit_type_version : 1);
  PzPermitType *type = g_hash_table_lookup (office_of (self, app->office_id)->type_versions, key);

  return type ? type : pz_engine_get_permit_type (self, app->office_id, app->permit_type);
}

/**
 * pz_engine_get_permit_type_versions:
 *
 * Returns: (transfer none): "code/version" -> every edition of every type
 */
GHashTable *
pz_engine_get_permit_type_versions (PzEngine *self,
                                    gint64    office_id)
{
  return office_of (self, office_id)->type_versions;
}

GPtrArray *
pz_engine_list_permit_types (PzEngine *self,
                             gint64    office_id)
{
  return office_of (self, office_id)->permit_types;
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
