/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-engine"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <time.h>

#include "pz-auth.h"
#include "pz-engine.h"
#include "pz-outputs.h"
#include "pz-sign.h"
#include "pz-tracking.h"

#define WORKFLOW_RESOURCES "/id/go/perizinan/workflows"
#define CALENDAR_RESOURCES "/id/go/perizinan/calendar"

/* The workflow authority: every rule of the procedure is checked here, and
 * every change is one transaction of the store. */
struct _PzEngine
{
  char       *data_dir;
  char       *files_dir;
  char       *workflows_dir;
  char       *public_url;      /* in force: the office profile's, else the configured one */
  char       *configured_url;
  GBytes     *logo;            /* (nullable): the office emblem, PNG */
  char       *signing_key;     /* PKCS#12 file */
  GTimeZone  *tz;
  PzStore    *store;
  PzCalendar *calendar;
  GHashTable *workflows;      /* id -> PzWorkflow */
  GPtrArray  *permit_types;   /* PzPermitType, by name */
  GHashTable *type_versions;  /* "code/version" -> PzPermitType: every edition */
};

G_DEFINE_QUARK (pz-engine-error-quark, pz_engine_error)

static gboolean G_GNUC_PRINTF (3, 4)
engine_fail (GError     **error,
             int          code,
             const char  *format,
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

static gboolean
internal (GError **error,
          GError  *cause)
{
  g_warning ("%s", cause->message);
  engine_fail (error, PZ_ENGINE_ERROR_INTERNAL, _("The server could not save the change: %s"),
               cause->message);
  return FALSE;
}

/* A full disk is the office's to fix, not a fault of the request. */
static gboolean
disk_full_or_internal (GError **error,
                       GError  *cause)
{
  if (g_error_matches (cause, G_FILE_ERROR, G_FILE_ERROR_NOSPC) ||
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
load_workflows (PzEngine  *self,
                GError   **error)
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

/* A new office starts with the national holidays and collective leave days
 * of the year, which it can then edit. */
static gboolean
seed_calendar (PzEngine  *self,
               GError   **error)
{
  g_autofree char *seeded = pz_store_get_setting (self->store, "calendar_seeded");
  g_auto(GStrv) names = NULL;

  if (seeded)
    return TRUE;
  names = g_resources_enumerate_children (CALENDAR_RESOURCES, 0, NULL);
  if (!pz_store_begin (self->store, error))
    return FALSE;
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
        goto fail;
      root = json_parser_get_root (parser);
      if (!JSON_NODE_HOLDS_ARRAY (root))
        continue;
      days = json_node_get_array (root);
      for (guint d = 0; d < json_array_get_length (days); d++)
        {
          JsonObject *day = json_array_get_object_element (days, d);

          if (!pz_store_put_holiday (self->store, json_object_get_string_member (day, "date"),
                                     json_object_get_string_member (day, "name"),
                                     json_object_get_string_member (day, "kind"), error))
            goto fail;
        }
    }
  if (!pz_store_set_setting (self->store, "calendar_seeded", "1", error) ||
      !pz_store_commit (self->store, error))
    goto fail;
  return TRUE;

fail:
  pz_store_rollback (self->store);
  return FALSE;
}

static void apply_office_profile (PzEngine *self);

/**
 * pz_engine_reload:
 * @self: an engine
 * @error: return location for an error
 *
 * Reads the permit types and the holidays from the store again.
 */
gboolean
pz_engine_reload (PzEngine  *self,
                  GError   **error)
{
  g_autoptr(GPtrArray) types = pz_store_load_permit_types (self->store, error);
  g_autoptr(GPtrArray) holidays = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  GHashTable *by_version;

  if (types == NULL)
    return FALSE;
  if (!pz_store_keep_permit_type_versions (self->store, types, error) ||
      !(versions = pz_store_load_permit_type_versions (self->store, NULL, error)))
    return FALSE;
  by_version = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) pz_permit_type_unref);
  for (guint i = 0; i < versions->len; i++)
    {
      PzPermitType *type = g_ptr_array_index (versions, i);
      g_hash_table_insert (by_version, g_strdup_printf ("%s/%u", type->code, type->version),
                           pz_permit_type_ref (type));
    }
  g_clear_pointer (&self->type_versions, g_hash_table_unref);
  self->type_versions = by_version;
  for (guint i = 0; i < types->len; i++)
    {
      PzPermitType *type = g_ptr_array_index (types, i);
      if (!g_hash_table_contains (self->workflows, type->workflow))
        {
          g_set_error (error, PZ_ENGINE_ERROR, PZ_ENGINE_ERROR_INTERNAL,
                       _("Permit type “%s” uses the unknown workflow “%s”"),
                       type->code, type->workflow);
          return FALSE;
        }
    }
  g_clear_pointer (&self->permit_types, g_ptr_array_unref);
  self->permit_types = g_steal_pointer (&types);

  apply_office_profile (self);
  if (!(holidays = pz_store_list_holidays (self->store, error)))
    return FALSE;
  pz_calendar_clear_holidays (self->calendar);
  for (guint i = 0; i < holidays->len; i++)
    {
      GDate date;
      if (pz_parse_date (g_ptr_array_index (holidays, i), &date))
        pz_calendar_add_holiday (self->calendar, &date);
    }
  return TRUE;
}

static gboolean
data_dir_fail (GError     **error,
               const char  *path,
               int          saved)
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
open_data_dir (const char  *data_dir,
               const char  *tmp_dir,
               const char  *db_path,
               GError     **error)
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
clean_tmp_dir (const char *tmp_dir)
{
  g_autoptr(GDir) dir = g_dir_open (tmp_dir, 0, NULL);
  const char *name;
  guint removed = 0;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *path = g_build_filename (tmp_dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_REGULAR) && g_unlink (path) == 0)
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
pz_engine_new (const char  *data_dir,
               const char  *workflows_dir,
               const char  *timezone,
               GError     **error)
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
  self->calendar = pz_calendar_new (self->tz);
  self->workflows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) pz_workflow_unref);

  tmp_dir = g_build_filename (self->files_dir, "tmp", NULL);
  db_path = g_build_filename (data_dir, "perizinan.db", NULL);
  if (!open_data_dir (data_dir, tmp_dir, db_path, error))
    {
      pz_engine_free (self);
      return NULL;
    }
  clean_tmp_dir (tmp_dir);

  if (!(self->store = pz_store_open (db_path, error)) ||
      !load_workflows (self, error) ||
      !seed_calendar (self, error) ||
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
  pz_store_free (self->store);
  g_clear_pointer (&self->calendar, pz_calendar_unref);
  g_clear_pointer (&self->tz, g_time_zone_unref);
  g_clear_pointer (&self->workflows, g_hash_table_unref);
  g_clear_pointer (&self->permit_types, g_ptr_array_unref);
  g_clear_pointer (&self->type_versions, g_hash_table_unref);
  g_free (self->data_dir);
  g_free (self->files_dir);
  g_free (self->workflows_dir);
  g_free (self->public_url);
  g_free (self->configured_url);
  g_clear_pointer (&self->logo, g_bytes_unref);
  g_free (self->signing_key);
  g_free (self);
}

PzStore *
pz_engine_get_store (PzEngine *self)
{
  return self->store;
}

PzCalendar *
pz_engine_get_calendar (PzEngine *self)
{
  return self->calendar;
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

static void
apply_public_url (PzEngine *self)
{
  g_autofree char *profile = pz_store_get_setting (self->store, "public_url");

  g_free (self->public_url);
  self->public_url = g_strdup (profile && *profile ? profile : pz_engine_get_configured_public_url (self));
  while (g_str_has_suffix (self->public_url, "/"))
    self->public_url[strlen (self->public_url) - 1] = '\0';
}

/**
 * pz_engine_set_public_url:
 *
 * The address from the configuration; the office profile's, if set, wins.
 */
void
pz_engine_set_public_url (PzEngine   *self,
                          const char *url)
{
  g_free (self->configured_url);
  self->configured_url = g_strdup (url);
  apply_public_url (self);
}

GBytes *
pz_engine_get_logo (PzEngine *self)
{
  return self->logo;
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

/* The office profile's hours, emblem and address. */
static void
apply_office_profile (PzEngine *self)
{
  g_autofree char *opens = pz_store_get_setting (self->store, "office_opens");
  g_autofree char *closes = pz_store_get_setting (self->store, "office_closes");
  g_autofree char *logo = pz_store_get_setting (self->store, "logo_png");
  guint start = 7 * 60 + 30, end = 16 * 60;

  if (opens && closes && !(pz_parse_clock (opens, &start) && pz_parse_clock (closes, &end) && start < end))
    {
      g_warning ("The office hours %s–%s are not valid; 07:30–16:00 is used", opens, closes);
      start = 7 * 60 + 30;
      end = 16 * 60;
    }
  pz_calendar_set_office_hours (self->calendar, start, end);
  g_clear_pointer (&self->logo, g_bytes_unref);
  if (logo && *logo)
    {
      gsize len = 0;
      guchar *data = g_base64_decode (logo, &len);
      self->logo = g_bytes_new_take (data, len);
    }
  apply_public_url (self);
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

const char *
pz_engine_get_public_url (PzEngine *self)
{
  return self->public_url;
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
                           const char *code)
{
  for (guint i = 0; code && i < self->permit_types->len; i++)
    {
      PzPermitType *type = g_ptr_array_index (self->permit_types, i);
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
  PzPermitType *type = self->type_versions ? g_hash_table_lookup (self->type_versions, key) : NULL;

  return type ? type : pz_engine_get_permit_type (self, app->permit_type);
}

/**
 * pz_engine_get_permit_type_versions:
 *
 * Returns: (transfer none): "code/version" -> every edition of every type
 */
GHashTable *
pz_engine_get_permit_type_versions (PzEngine *self)
{
  return self->type_versions;
}

GPtrArray *
pz_engine_list_permit_types (PzEngine *self)
{
  return self->permit_types;
}

static char *
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
                                PzPermitType *type)
{
  g_autofree char *counter = permit_counter_name (self, type, g_get_real_time () / G_USEC_PER_SEC);
  gint64 last = 0;

  if (!pz_store_peek_counter (self->store, counter, &last, NULL))
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

static gint64
due_time (PzEngine     *self,
          const PzStep *step,
          gint64        entered)
{
  g_autoptr(GDateTime) start = g_date_time_new_from_unix_utc (entered);
  g_autoptr(GDateTime) due = NULL;

  if (step->final || step->applicant_clock)
    return 0;
  if (step->standard_minutes)
    due = pz_calendar_add_office_seconds (self->calendar, start, step->standard_minutes * 60);
  else if (step->standard_working_days)
    due = pz_calendar_add_working_days (self->calendar, start, step->standard_working_days);
  return due ? g_date_time_to_unix (due) : 0;
}

/**
 * service_due_time:
 * @used: office seconds of the service standard used before @entered
 *
 * When the service standard runs out if the file goes on from @entered
 * into @to without waiting for the applicant; 0 while the clock stands.
 */
static gint64
service_due_time (PzEngine     *self,
                  PzPermitType *type,
                  const PzStep *to,
                  gint64        started,
                  gint64        used,
                  gint64        entered)
{
  gint64 standard, remaining;
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) due = NULL;

  if (!started || type == NULL || type->service_days == 0 || to->final || to->applicant_clock)
    return 0;
  standard = (gint64) type->service_days * pz_calendar_day_length (self->calendar);
  remaining = standard - used;
  if (remaining <= 0)
    return entered;
  start = g_date_time_new_from_unix_utc (entered);
  due = pz_calendar_add_office_seconds (self->calendar, start, remaining);
  return due ? g_date_time_to_unix (due) : 0;
}

/**
 * pz_engine_recompute_due_times:
 *
 * After the calendar changed (a day off, office hours), puts every open
 * file's step and service due times on the new calendar. The file's
 * version does not change: nothing about it changed but the calendar.
 *
 * Returns: how many files' due times moved, or -1 on error
 */
gint64
pz_engine_recompute_due_times (PzEngine  *self,
                               GError   **error)
{
  sqlite3 *db = pz_store_get_db (self->store);
  sqlite3_stmt *select = NULL, *update = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 moved = 0;
  int rc;

  if (!pz_store_begin (self->store, &local_error))
    return internal (error, local_error), -1;
  if (sqlite3_prepare_v2 (db, "SELECT id, permit_type, permit_type_version, step, step_entered_at, "
                              "  service_started_at, service_seconds, due_at, service_due_at "
                              "FROM applications WHERE status IN ('in_progress', 'waiting_applicant')",
                          -1, &select, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, "UPDATE applications SET due_at = ?, service_due_at = ? WHERE id = ?",
                          -1, &update, NULL) != SQLITE_OK)
    goto fail;
  while ((rc = sqlite3_step (select)) == SQLITE_ROW)
    {
      PzApplication app = { 0 };
      PzPermitType *type;
      PzWorkflow *wf;
      const PzStep *step;
      gint64 due, service_due;

      app.permit_type = (char *) sqlite3_column_text (select, 1);
      app.permit_type_version = sqlite3_column_int64 (select, 2);
      type = pz_engine_get_file_permit_type (self, &app);
      wf = type ? pz_engine_get_workflow (self, type->workflow) : NULL;
      step = wf ? pz_workflow_get_step (wf, (const char *) sqlite3_column_text (select, 3)) : NULL;
      if (step == NULL)
        continue;
      due = due_time (self, step, sqlite3_column_int64 (select, 4));
      service_due = service_due_time (self, type, step, sqlite3_column_int64 (select, 5),
                                      sqlite3_column_int64 (select, 6), sqlite3_column_int64 (select, 4));
      if (due == sqlite3_column_int64 (select, 7) && service_due == sqlite3_column_int64 (select, 8))
        continue;
      sqlite3_reset (update);
      if (due)
        sqlite3_bind_int64 (update, 1, due);
      else
        sqlite3_bind_null (update, 1);
      if (service_due)
        sqlite3_bind_int64 (update, 2, service_due);
      else
        sqlite3_bind_null (update, 2);
      sqlite3_bind_int64 (update, 3, sqlite3_column_int64 (select, 0));
      if (sqlite3_step (update) != SQLITE_DONE)
        goto fail;
      moved++;
    }
  if (rc != SQLITE_DONE)
    goto fail;
  sqlite3_finalize (select);
  sqlite3_finalize (update);
  if (!pz_store_commit (self->store, &local_error))
    {
      pz_store_rollback (self->store);
      return internal (error, local_error), -1;
    }
  return moved;

fail:
  engine_fail (error, PZ_ENGINE_ERROR_INTERNAL, _("Database error: %s"), sqlite3_errmsg (db));
  sqlite3_finalize (select);
  sqlite3_finalize (update);
  pz_store_rollback (self->store);
  return -1;
}

/* Who answers for a role's lateness: front office, back office and the
 * technical team report to the Kasi, the Kasi to the Kabid, the Kabid to
 * the Sekretaris, the Sekretaris to the Kadis. */
const char *
pz_role_superior (const char *role)
{
  static const char * const pairs[][2] = {
    { "front_office", "kasi" }, { "back_office", "kasi" }, { "tim_teknis", "kasi" },
    { "kasi", "kabid" }, { "kabid", "sekretaris" }, { "sekretaris", "kadis" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    if (g_strcmp0 (role, pairs[i][0]) == 0)
      return pairs[i][1];
  return NULL;
}

void
pz_escalation_free (PzEscalation *e)
{
  g_free (e->step);
  g_free (e->reason);
  g_free (e->registration_number);
  g_strfreev (e->roles);
  g_free (e);
}

/* The roles told about a late file: the step's own and their superiors;
 * for the legal deadline, the Kadis. */
static char **
escalation_roles (PzEngine   *self,
                  const char *permit_type,
                  gint64      version,
                  const char *step_id,
                  const char *reason)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  PzApplication app = { 0 };
  PzPermitType *type;
  PzWorkflow *wf;
  const PzStep *step;

  if (g_str_equal (reason, "deadline"))
    {
      g_strv_builder_add (b, "kadis");
      return g_strv_builder_end (b);
    }
  app.permit_type = (char *) permit_type;
  app.permit_type_version = version;
  type = pz_engine_get_file_permit_type (self, &app);
  wf = type ? pz_engine_get_workflow (self, type->workflow) : NULL;
  step = wf ? pz_workflow_get_step (wf, step_id) : NULL;
  for (guint i = 0; step && step->roles[i]; i++)
    {
      const char *superior = pz_role_superior (step->roles[i]);

      if (g_hash_table_add (seen, step->roles[i]))
        g_strv_builder_add (b, step->roles[i]);
      if (superior && g_hash_table_add (seen, (gpointer) superior))
        g_strv_builder_add (b, superior);
    }
  return g_strv_builder_end (b);
}

/* How close to the legal deadline the Kadis is told: two working days. */
#define DEADLINE_WARNING_DAYS 2

/**
 * pz_engine_escalate:
 * @now: the current time
 *
 * Finds the files that became late since the last look: over their step's
 * standard (told to the step's roles and their superiors) or within two
 * working days of the service standard (told to the Kadis). Each file is
 * told once per step and reason; the record is kept in the same commit.
 *
 * Returns: (transfer container) (element-type PzEscalation): the new ones
 */
GPtrArray *
pz_engine_escalate (PzEngine  *self,
                    gint64     now,
                    GError   **error)
{
  sqlite3 *db = pz_store_get_db (self->store);
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) pz_escalation_free);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDateTime) now_dt = g_date_time_new_from_unix_utc (now);
  g_autoptr(GDateTime) soon_dt = pz_calendar_add_working_days (self->calendar, now_dt, DEADLINE_WARNING_DAYS);
  sqlite3_stmt *select = NULL, *insert = NULL;
  int rc;

  if (!pz_store_begin (self->store, &local_error))
    {
      internal (error, local_error);
      return NULL;
    }
  if (sqlite3_prepare_v2 (db,
                          "SELECT a.id, a.step, 'step', a.registration_number, a.permit_type, a.permit_type_version "
                          "FROM applications a WHERE a.due_at < ?1 AND a.status = 'in_progress' "
                          "  AND NOT EXISTS (SELECT 1 FROM escalations e WHERE e.application_id = a.id "
                          "                  AND e.step = a.step AND e.reason = 'step') "
                          "UNION ALL "
                          "SELECT a.id, a.step, 'deadline', a.registration_number, a.permit_type, a.permit_type_version "
                          "FROM applications a WHERE a.service_due_at <= ?2 AND a.status = 'in_progress' "
                          "  AND NOT EXISTS (SELECT 1 FROM escalations e WHERE e.application_id = a.id "
                          "                  AND e.step = '' AND e.reason = 'deadline') "
                          "ORDER BY 1", -1, &select, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, "INSERT OR IGNORE INTO escalations (application_id, step, reason, at) VALUES (?, ?, ?, ?)",
                          -1, &insert, NULL) != SQLITE_OK)
    goto fail;
  sqlite3_bind_int64 (select, 1, now);
  sqlite3_bind_int64 (select, 2, soon_dt ? g_date_time_to_unix (soon_dt) : now);
  while ((rc = sqlite3_step (select)) == SQLITE_ROW)
    {
      PzEscalation *e = g_new0 (PzEscalation, 1);

      e->application_id = sqlite3_column_int64 (select, 0);
      e->step = g_strdup ((const char *) sqlite3_column_text (select, 1));
      e->reason = g_strdup ((const char *) sqlite3_column_text (select, 2));
      e->registration_number = g_strdup ((const char *) sqlite3_column_text (select, 3));
      e->roles = escalation_roles (self, (const char *) sqlite3_column_text (select, 4),
                                   sqlite3_column_int64 (select, 5), e->step, e->reason);
      g_ptr_array_add (found, e);
      sqlite3_reset (insert);
      sqlite3_bind_int64 (insert, 1, e->application_id);
      sqlite3_bind_text (insert, 2, g_str_equal (e->reason, "deadline") ? "" : e->step, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (insert, 3, e->reason, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (insert, 4, now);
      if (sqlite3_step (insert) != SQLITE_DONE)
        goto fail;
    }
  if (rc != SQLITE_DONE)
    goto fail;
  sqlite3_finalize (select);
  sqlite3_finalize (insert);
  if (!pz_store_commit (self->store, &local_error))
    {
      pz_store_rollback (self->store);
      internal (error, local_error);
      return NULL;
    }
  return g_steal_pointer (&found);

fail:
  engine_fail (error, PZ_ENGINE_ERROR_INTERNAL, _("Database error: %s"), sqlite3_errmsg (db));
  sqlite3_finalize (select);
  sqlite3_finalize (insert);
  pz_store_rollback (self->store);
  return NULL;
}

/* A file's steps and rules follow its permit type's workflow. */
static gboolean
resolve (PzEngine       *self,
         PzApplication  *app,
         PzPermitType  **type,
         PzWorkflow    **wf,
         const PzStep  **step,
         GError        **error)
{
  *type = pz_engine_get_file_permit_type (self, app);
  *wf = *type ? pz_engine_get_workflow (self, (*type)->workflow) : NULL;
  *step = *wf ? pz_workflow_get_step (*wf, app->step) : NULL;
  if (*step == NULL)
    return engine_fail (error, PZ_ENGINE_ERROR_INTERNAL,
                        _("File %s is at step “%s”, which its workflow does not know"),
                        app->registration_number, app->step);
  return TRUE;
}

static const char *
acting_role (const PzStep *step,
             PzUser       *user)
{
  for (guint i = 0; user->roles[i]; i++)
    if (pz_step_has_role (step, user->roles[i]))
      return user->roles[i];
  return NULL;
}

/* The heads see every file: they supervise the steps below them. */
static const char * const heads[] = { "kasi", "kabid", "sekretaris", "kadis", NULL };

/**
 * pz_engine_may_read_files:
 * @user: who asks
 *
 * Returns: whether @user has a role that works on files (every role but
 *   the administrator's): only they may search and list files.
 */
gboolean
pz_engine_may_read_files (PzUser *user)
{
  for (guint i = 0; user->roles[i]; i++)
    if (!g_str_equal (user->roles[i], "admin"))
      return TRUE;
  return FALSE;
}

/**
 * pz_engine_may_read:
 * @self: an engine
 * @user: who asks
 * @app: a file
 * @error: return location for %PZ_ENGINE_ERROR_FORBIDDEN
 *
 * The applicant's data and documents are for the roles that work on a
 * step the file goes through (its workflow's steps that apply to its
 * permit type), and for the heads. The administrator role alone gives no
 * access to them.
 *
 * Returns: whether @user may read @app
 */
gboolean
pz_engine_may_read (PzEngine       *self,
                    PzUser         *user,
                    PzApplication  *app,
                    GError        **error)
{
  PzPermitType *type = pz_engine_get_file_permit_type (self, app);
  PzWorkflow *wf = type ? pz_engine_get_workflow (self, type->workflow) : NULL;
  PzConditions conditions = type ? pz_permit_type_get_conditions (type) : 0;

  for (guint i = 0; user->roles[i]; i++)
    {
      if (g_strv_contains (heads, user->roles[i]))
        return TRUE;
      for (guint n = 0; wf && n < pz_workflow_get_n_steps (wf); n++)
        {
          const PzStep *step = pz_workflow_get_nth_step (wf, n);

          if ((step->when & conditions) == step->when && pz_step_has_role (step, user->roles[i]))
            return TRUE;
        }
    }
  return engine_fail (error, PZ_ENGINE_ERROR_FORBIDDEN,
                      _("Your roles give no access to the applicants' data of this file"));
}

PzApplication *
pz_engine_get_application (PzEngine  *self,
                           gint64     id,
                           GError   **error)
{
  g_autoptr(GError) local_error = NULL;
  PzApplication *app = pz_store_get_application (self->store, id, &local_error);

  if (local_error)
    internal (error, local_error);
  else if (app == NULL)
    engine_fail (error, PZ_ENGINE_ERROR_NOT_FOUND, _("There is no file with this number"));
  return app;
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (text == NULL || !json_parser_load_from_data (parser, text, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_object_ref (json_node_get_object (root));
}

static char *
object_to_string (JsonObject *obj)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, obj);
  return json_to_string (node, FALSE);
}

static const char *
object_string (JsonObject *obj,
               const char *name)
{
  JsonNode *node = obj ? json_object_get_member (obj, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
reject_unknown_members (JsonObject         *obj,
                        const char         *prefix,
                        const char * const *known,
                        GPtrArray          *details)
{
  g_autoptr(GList) members = obj ? json_object_get_members (obj) : NULL;
  gboolean ok = TRUE;

  for (GList *l = members; l; l = l->next)
    if (!g_strv_contains (known, l->data))
      {
        g_autofree char *path = prefix ? g_strdup_printf ("%s.%s", prefix, (char *) l->data)
                                       : g_strdup (l->data);
        pz_detail_add (details, path, _("unknown field “%s”"), (char *) l->data);
        ok = FALSE;
      }
  return ok;
}

/* Registration */

/**
 * pz_engine_register:
 * @self: an engine
 * @user: who registers the file
 * @body: the request body of `POST /api/v1/applications`
 * @now: the current time
 * @details: where each field problem is added
 * @error: return location for an error
 *
 * Returns: (transfer full): the new file at the first step, or %NULL
 */
PzApplication *
pz_engine_register (PzEngine    *self,
                    PzUser      *user,
                    JsonObject  *body,
                    gint64       now,
                    GPtrArray   *details,
                    GError     **error)
{
  static const char * const known[] = { "permit_type", "request_type", "applicant", "data", NULL };
  static const char * const applicant_known[] = { "name", "nik", "address", "phone", "email", NULL };
  g_autoptr(PzApplication) app = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *counter = NULL;
  PzPermitType *type;
  PzWorkflow *wf;
  const PzStep *start;
  JsonNode *applicant_node, *data_node;
  JsonObject *applicant = NULL, *data = NULL;
  const char *s;
  gint64 seq;
  PzEvent event = { 0 };

  if (!g_strv_contains ((const char * const *) user->roles, "front_office"))
    {
      engine_fail (error, PZ_ENGINE_ERROR_FORBIDDEN, _("Only the front office registers files"));
      return NULL;
    }

  if (!reject_unknown_members (body, NULL, known, details))
    {
      engine_fail (error, PZ_ENGINE_ERROR_BAD_REQUEST, _("The request has unknown fields"));
      return NULL;
    }

  type = pz_engine_get_permit_type (self, object_string (body, "permit_type"));
  if (type == NULL)
    pz_detail_add (details, "permit_type", _("Choose one of the office's permit types"));
  else if (!pz_permit_type_has_request_type (type, object_string (body, "request_type")))
    pz_detail_add (details, "request_type", _("Choose a request type this permit allows"));

  applicant_node = json_object_get_member (body, "applicant");
  if (applicant_node == NULL || !JSON_NODE_HOLDS_OBJECT (applicant_node))
    pz_detail_add (details, "applicant", _("The applicant's data are missing"));
  else
    {
      applicant = json_node_get_object (applicant_node);
      if (!reject_unknown_members (applicant, "applicant", applicant_known, details))
        {
          engine_fail (error, PZ_ENGINE_ERROR_BAD_REQUEST, _("The request has unknown fields"));
          return NULL;
        }
      if (!pz_valid_text (object_string (applicant, "name"), 200))
        pz_detail_add (details, "applicant.name", _("Enter the applicant's name (at most 200 characters)"));
      if (!pz_valid_nik (object_string (applicant, "nik")))
        pz_detail_add (details, "applicant.nik", _("The NIK must be the 16 digits on the ID card"));
      if (!pz_valid_text (object_string (applicant, "address"), 500))
        pz_detail_add (details, "applicant.address", _("Enter the applicant's address (at most 500 characters)"));
      if (!pz_valid_phone (object_string (applicant, "phone")))
        pz_detail_add (details, "applicant.phone",
                       _("Enter a phone number starting with 0 or +, 8 to 15 digits"));
      s = object_string (applicant, "email");
      if (json_object_has_member (applicant, "email") &&
          !JSON_NODE_HOLDS_NULL (json_object_get_member (applicant, "email")) &&
          !(s && (*s == '\0' || pz_valid_email (s))))
        pz_detail_add (details, "applicant.email", _("The e-mail address is not valid"));
    }

  data_node = json_object_get_member (body, "data");
  if (data_node && !JSON_NODE_HOLDS_NULL (data_node))
    {
      if (!JSON_NODE_HOLDS_OBJECT (data_node))
        pz_detail_add (details, "data", _("The permit data must be an object"));
      else
        data = json_node_get_object (data_node);
    }
  if (type && data)
    pz_permit_type_check_data (type, data, FALSE, details);

  if (details->len > 0)
    {
      engine_fail (error, PZ_ENGINE_ERROR_RULE, _("Some of the data are missing or not valid"));
      return NULL;
    }

  wf = pz_engine_get_workflow (self, type->workflow);
  start = pz_workflow_get_start (wf, pz_permit_type_get_conditions (type));

  app = g_new0 (PzApplication, 1);
  app->permit_type = g_strdup (type->code);
  app->permit_type_version = type->version;
  app->request_type = g_strdup (object_string (body, "request_type"));
  app->applicant_name = g_strstrip (g_strdup (object_string (applicant, "name")));
  app->applicant_nik = g_strdup (object_string (applicant, "nik"));
  app->applicant_address = g_strstrip (g_strdup (object_string (applicant, "address")));
  app->applicant_phone = g_strdup (object_string (applicant, "phone"));
  s = object_string (applicant, "email");
  app->applicant_email = s && *s ? g_strdup (s) : NULL;
  app->data = data ? object_to_string (data) : g_strdup ("{}");
  app->step = g_strdup (start->id);
  app->status = g_strdup (pz_status_to_string (pz_step_get_status (start)));
  app->version = 1;
  app->step_entered_at = now;
  app->due_at = due_time (self, start, now);
  app->created_at = app->updated_at = now;
  app->created_by = app->updated_by = user->id;

  utc = g_date_time_new_from_unix_utc (now);
  local = g_date_time_to_timezone (utc, self->tz);
  counter = g_strdup_printf ("registration:%d", g_date_time_get_year (local));

  if (!pz_store_begin (self->store, &local_error))
    {
      internal (error, local_error);
      return NULL;
    }
  if (!pz_store_next_counter (self->store, counter, &seq, &local_error))
    goto fail;
  app->registration_number = g_strdup_printf ("REG-%d-%06" G_GINT64_FORMAT,
                                              g_date_time_get_year (local), seq);
  app->tracking_code = pz_tracking_code_new ();
  if (!pz_store_insert_application (self->store, app, &local_error))
    goto fail;

  event.application_id = app->id;
  event.at = now;
  event.user_id = user->id;
  event.role = (char *) "front_office";
  event.action = (char *) "register";
  event.to_step = app->step;
  if (!pz_store_insert_event (self->store, &event, &local_error) ||
      !pz_store_commit (self->store, &local_error))
    goto fail;

  return g_steal_pointer (&app);

fail:
  pz_store_rollback (self->store);
  internal (error, local_error);
  return NULL;
}

/* Separation of duties: whoever acted at a verification or decision step
 * (a "review" step) may not act at the review step that follows it on the
 * same file; another person must look. */
static gboolean
four_eyes (PzEngine       *self,
           PzApplication  *app,
           PzWorkflow     *wf,
           const PzStep   *step,
           PzUser         *user,
           GError        **error)
{
  g_autoptr(PzEvent) last = NULL;
  const PzStep *from;

  if (!step->review)
    return TRUE;
  last = pz_store_last_event (self->store, app->id);
  if (last == NULL || last->user_id != user->id || g_strcmp0 (last->to_step, app->step) != 0 ||
      last->from_step == NULL)
    return TRUE;
  from = pz_workflow_get_step (wf, last->from_step);
  if (from == NULL || !from->review || from == step)
    return TRUE;
  return engine_fail (error, PZ_ENGINE_ERROR_FORBIDDEN,
                      _("You acted on this file at “%s”; another person must act at “%s” (four eyes)"),
                      g_dgettext (GETTEXT_PACKAGE, from->title), g_dgettext (GETTEXT_PACKAGE, step->title));
}

/* Acting on a file */

static gboolean
check_documents_complete (PzEngine      *self,
                          PzApplication *app,
                          PzPermitType  *type,
                          GPtrArray     *details,
                          GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) verdicts = pz_store_list_verdicts (self->store, app->id, &local_error);

  if (verdicts == NULL)
    return internal (error, local_error);

  for (guint i = 0; i < type->requirements->len; i++)
    {
      PzRequirement *r = g_ptr_array_index (type->requirements, i);
      g_autoptr(PzDocument) doc = NULL;
      g_autofree char *path = NULL;
      PzVerdict *verdict = NULL;
      const char *state;

      if (!r->mandatory || !g_strv_contains ((const char * const *) r->request_types,
                                             app->request_type))
        continue;
      for (guint v = 0; v < verdicts->len; v++)
        if (g_str_equal (((PzVerdict *) g_ptr_array_index (verdicts, v))->requirement, r->code))
          verdict = g_ptr_array_index (verdicts, v);

      path = g_strdup_printf ("checklist.%s", r->code);
      doc = pz_store_get_document (self->store, app->id, r->code);
      state = doc == NULL ? "missing" : verdict == NULL ? "uploaded" : verdict->verdict;
      /* the rule and its words are the desktop's too */
      if (pz_requirement_blocks_completion (r->mandatory, state))
        {
          g_autofree char *reason = pz_requirement_open_reason (r->title, state);
          pz_detail_add (details, path, "%s", reason);
        }
    }
  return TRUE;
}

static JsonObject *
not_ok_items (PzEngine      *self,
              PzApplication *app,
              PzPermitType  *type)
{
  g_autoptr(GPtrArray) verdicts = pz_store_list_verdicts (self->store, app->id, NULL);
  JsonObject *data = json_object_new ();
  JsonArray *items = json_array_new ();

  for (guint i = 0; verdicts && i < verdicts->len; i++)
    {
      PzVerdict *v = g_ptr_array_index (verdicts, i);
      const PzRequirement *r = pz_permit_type_find_requirement (type, app->request_type,
                                                                v->requirement);
      JsonObject *item;

      if (!g_str_equal (v->verdict, "not_ok"))
        continue;
      item = json_object_new ();
      json_object_set_string_member (item, "requirement", v->requirement);
      json_object_set_string_member (item, "title", r ? r->title : v->requirement);
      json_object_set_string_member (item, "note", v->note ? v->note : "");
      json_array_add_object_element (items, item);
    }
  json_object_set_array_member (data, "not_ok", items);
  return data;
}

static gboolean
check_survey (PzEngine      *self,
              JsonObject    *data,
              gint64         now,
              PzUser        *user,
              char         **survey,
              GPtrArray     *details)
{
  static const char * const known[] = { "survey_date", "findings", "recommendation", NULL };
  const char *date = object_string (data, "survey_date");
  const char *recommendation = object_string (data, "recommendation");
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (now);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, self->tz);
  g_autoptr(JsonObject) out = NULL;
  GDate d, today;

  reject_unknown_members (data, "data", known, details);
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, g_date_time_get_day_of_month (local), g_date_time_get_month (local),
                  g_date_time_get_year (local));
  if (!pz_parse_date (date, &d))
    pz_detail_add (details, "data.survey_date", _("Enter the survey date (YYYY-MM-DD)"));
  else if (g_date_compare (&d, &today) > 0)
    pz_detail_add (details, "data.survey_date", _("The survey date cannot be in the future"));
  if (!pz_valid_text (object_string (data, "findings"), PZ_MAX_TEXT))
    pz_detail_add (details, "data.findings",
                   _("Describe the findings of the survey (at most 4000 characters)"));
  if (g_strcmp0 (recommendation, "feasible") != 0 && g_strcmp0 (recommendation, "not_feasible") != 0)
    pz_detail_add (details, "data.recommendation",
                   _("The recommendation must be “feasible” or “not_feasible”"));
  if (details->len)
    return FALSE;

  out = json_object_new ();
  json_object_set_string_member (out, "survey_date", date);
  json_object_set_string_member (out, "findings", object_string (data, "findings"));
  json_object_set_string_member (out, "recommendation", recommendation);
  json_object_set_string_member (out, "surveyor", user->full_name);
  if (user->nip && *user->nip)
    json_object_set_string_member (out, "surveyor_nip", user->nip);
  *survey = object_to_string (out);
  return TRUE;
}

static gboolean
check_permit_fields (PzApplication *app,
                     PzPermitType  *type,
                     JsonObject    *data,
                     char         **merged_text,
                     GPtrArray     *details)
{
  g_autoptr(JsonObject) merged = parse_object (app->data);
  g_autoptr(GList) members = data ? json_object_get_members (data) : NULL;

  if (merged == NULL)
    merged = json_object_new ();
  for (GList *l = members; l; l = l->next)
    json_object_set_member (merged, l->data,
                            json_node_copy (json_object_get_member (data, l->data)));
  if (!pz_permit_type_check_data (type, merged, TRUE, details))
    return FALSE;
  *merged_text = object_to_string (merged);
  return TRUE;
}

static gboolean
check_signature (PzEngine      *self,
                 PzApplication *app,
                 PzPermitType  *type,
                 JsonObject    *data,
                 GPtrArray     *details,
                 GError       **error)
{
  if (type->signing == PZ_SIGNING_WET)
    {
      static const char * const known[] = { NULL };
      g_autoptr(PzDocument) scan = pz_store_get_document (self->store, app->id, "signed_permit");

      reject_unknown_members (data, "data", known, details);
      if (scan == NULL)
        pz_detail_add (details, "documents.signed_permit",
                       _("Upload the scan of the permit signed on paper first"));
    }
  else
    {
      static const char * const known[] = { "passphrase", NULL };
      const char *passphrase = object_string (data, "passphrase");
      g_autoptr(GError) local_error = NULL;
      g_autoptr(PzSigner) signer = NULL;

      reject_unknown_members (data, "data", known, details);
      if (passphrase == NULL || *passphrase == '\0')
        pz_detail_add (details, "data.passphrase", _("Enter the passphrase of the signing key"));
      else if (self->signing_key == NULL || !g_file_test (self->signing_key, G_FILE_TEST_EXISTS))
        pz_detail_add (details, "data.passphrase",
                       _("The office has no signing certificate yet; ask the administrator"));
      else if (!(signer = pz_signer_open (self->signing_key, passphrase, &local_error)))
        pz_detail_add (details, "data.passphrase", "%s", local_error->message);
    }
  return TRUE;
}

static gboolean
check_step_form (PzEngine      *self,
                 PzApplication *app,
                 PzApplication *next,
                 PzPermitType  *type,
                 const PzStep  *step,
                 JsonObject    *data,
                 PzUser        *user,
                 gint64         now,
                 GPtrArray     *details,
                 GError       **error)
{
  static const char * const nothing[] = { NULL };

  switch (step->form)
    {
    case PZ_FORM_DOCUMENTS_COMPLETE:
      reject_unknown_members (data, "data", nothing, details);
      return check_documents_complete (self, app, type, details, error);
    case PZ_FORM_SURVEY:
      g_clear_pointer (&next->survey, g_free);
      check_survey (self, data, now, user, &next->survey, details);
      return TRUE;
    case PZ_FORM_PERMIT_FIELDS:
      {
        g_autofree char *merged = NULL;
        if (check_permit_fields (app, type, data, &merged, details))
          {
            g_free (next->data);
            next->data = g_steal_pointer (&merged);
          }
        return TRUE;
      }
    case PZ_FORM_SIGNATURE:
      return check_signature (self, app, type, data, details, error);
    case PZ_FORM_HANDOVER:
      {
        static const char * const known[] = { "received_by", NULL };
        const char *who = object_string (data, "received_by");

        reject_unknown_members (data, "data", known, details);
        if (!pz_valid_text (who, 200))
          pz_detail_add (details, "data.received_by",
                         _("Enter the name of the person who received the permit"));
        else
          {
            g_free (next->received_by);
            next->received_by = g_strstrip (g_strdup (who));
          }
        return TRUE;
      }
    case PZ_FORM_NUMBERING:
    case PZ_FORM_NONE:
    default:
      reject_unknown_members (data, "data", nothing, details);
      return TRUE;
    }
}

static gboolean
assign_number (PzEngine      *self,
               PzApplication *next,
               PzPermitType  *type,
               gint64         now,
               GError       **error)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (now);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, self->tz);
  g_autofree char *counter = permit_counter_name (self, type, now);
  gint64 seq;

  if (!pz_store_next_counter (self->store, counter, &seq, error))
    return FALSE;
  g_free (next->permit_number);
  next->permit_number = pz_permit_type_format_number (type, (guint64) seq, local);
  g_free (next->verify_token);
  next->verify_token = pz_auth_random_hex (16);
  return TRUE;
}

static char *setting_or (PzEngine *self, const char *key, const char *fallback);

#define DEFAULT_REFUSAL_NUMBER_FORMAT "503/{seq:04}/TOLAK/DPMPTSP/{year}"

static char *
next_refusal_number (PzEngine  *self,
                     gint64     now,
                     GError   **error)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (now);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, self->tz);
  g_autofree char *counter = g_strdup_printf ("refusal:%d", g_date_time_get_year (local));
  g_autofree char *format = setting_or (self, "refusal_number_format", DEFAULT_REFUSAL_NUMBER_FORMAT);
  gint64 seq;

  if (!pz_number_format_is_valid (format, NULL))
    {
      g_free (format);
      format = g_strdup (DEFAULT_REFUSAL_NUMBER_FORMAT);
    }
  if (!pz_store_next_counter (self->store, counter, &seq, error))
    return NULL;
  return pz_format_number (format, "TOLAK", (guint64) seq, local);
}

static PzApplication *
copy_application (PzApplication *app)
{
  PzApplication *copy = g_memdup2 (app, sizeof *app);

  copy->registration_number = g_strdup (app->registration_number);
  copy->permit_type = g_strdup (app->permit_type);
  copy->request_type = g_strdup (app->request_type);
  copy->applicant_name = g_strdup (app->applicant_name);
  copy->applicant_nik = g_strdup (app->applicant_nik);
  copy->applicant_address = g_strdup (app->applicant_address);
  copy->applicant_phone = g_strdup (app->applicant_phone);
  copy->applicant_email = g_strdup (app->applicant_email);
  copy->data = g_strdup (app->data);
  copy->survey = g_strdup (app->survey);
  copy->received_by = g_strdup (app->received_by);
  copy->step = g_strdup (app->step);
  copy->status = g_strdup (app->status);
  copy->permit_number = g_strdup (app->permit_number);
  copy->verify_token = g_strdup (app->verify_token);
  copy->tracking_code = g_strdup (app->tracking_code);
  return copy;
}

static GBytes *render_output (PzEngine *self, PzApplication *app, const char *kind, PzUser *actor,
                              const char *note, gint64 now, gboolean signed_electronically,
                              const char *letter_number);
static gboolean store_output (PzEngine *self, PzApplication *app, const char *kind, GBytes *pdf,
                              gint64 now, GError **error);
static gboolean sign_permit (PzEngine *self, PzApplication *app, PzPermitType *type, PzUser *user,
                             JsonObject *data, gint64 now, GError **error);
static PzMessage *compose_message (PzEngine *self, PzApplication *app, PzPermitType *type, const PzStep *from,
                                   PzAction action, const PzStep *to, PzWorkflow *wf, const char *note,
                                   JsonObject *returned_items, gint64 now);

static void
stale (PzEngine       *self,
       PzApplication  *app,
       GError        **error)
{
  g_autoptr(PzEvent) last = pz_store_last_event (self->store, app->id);
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (last ? last->at : app->updated_at);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, self->tz);
  g_autofree char *hhmm = g_date_time_format (local, "%H:%M");

  engine_fail (error, PZ_ENGINE_ERROR_STALE, _("The file was changed by %s at %s; reload it."),
               last ? last->username : "?", hhmm);
}

/**
 * pz_engine_act:
 * @self: an engine
 * @user: who acts
 * @application_id: the file
 * @request: the action, the version it is based on, its note and data
 * @now: the current time
 * @status: (out): the HTTP status of the answer
 * @changed: (out) (optional) (transfer full) (nullable): the file's new
 *   state if this call changed it (not for a repeated key)
 * @details: where each unmet rule is added
 * @error: return location for an error
 *
 * Checks role, step, version and the step's data, then writes the new state,
 * the event and the answer for the idempotency key in one transaction. A
 * repeated key gets the first answer again and changes nothing.
 *
 * Returns: (transfer full): the answer body (the file as the caller now
 *   sees it), or %NULL
 */
char *
pz_engine_act (PzEngine               *self,
               PzUser                 *user,
               gint64                  application_id,
               const PzActionRequest  *request,
               gint64                  now,
               guint                  *status,
               PzApplication         **changed,
               GPtrArray              *details,
               GError                **error)
{
  g_autoptr(PzApplication) app = NULL;
  g_autoptr(PzApplication) next = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) event_data = NULL;
  g_autofree char *event_data_text = NULL;
  g_autofree char *body = NULL;
  PzPermitType *type;
  PzWorkflow *wf;
  const PzStep *step, *to;
  PzAction action;
  PzEvent event = { 0 };

  if (changed)
    *changed = NULL;
  if (request->idempotency_key)
    {
      g_autofree char *fingerprint = NULL;
      g_autofree char *stored = NULL;
      guint stored_status;

      if (pz_store_find_idempotent (self->store, user->id, request->idempotency_key,
                                    &fingerprint, &stored_status, &stored))
        {
          if (g_strcmp0 (fingerprint, request->fingerprint) != 0)
            {
              engine_fail (error, PZ_ENGINE_ERROR_DUPLICATE,
                           _("This Idempotency-Key was already used for another request"));
              return NULL;
            }
          *status = stored_status;
          return g_steal_pointer (&stored);
        }
    }

  if (!(app = pz_engine_get_application (self, application_id, error)))
    return NULL;
  if (!resolve (self, app, &type, &wf, &step, error))
    return NULL;

  if (!pz_action_from_string (request->action, &action))
    {
      engine_fail (error, PZ_ENGINE_ERROR_BAD_REQUEST,
                   _("“action” must be “approve”, “return” or “refuse”"));
      return NULL;
    }
  /* A request based on an old version is answered with who changed the
   * file, whatever it asks: the caller's view is out of date. */
  if (request->version != app->version)
    {
      stale (self, app, error);
      return NULL;
    }
  if (!pz_step_allows (step, (const char * const *) user->roles, action))
    {
      engine_fail (error, PZ_ENGINE_ERROR_FORBIDDEN,
                   _("You may not “%s” this file at the step “%s”"),
                   request->action, g_dgettext (GETTEXT_PACKAGE, step->title));
      return NULL;
    }
  if (!four_eyes (self, app, wf, step, user, error))
    return NULL;

  if (action != PZ_ACTION_APPROVE && !pz_valid_text (request->note, PZ_MAX_TEXT))
    pz_detail_add (details, "note", _("Write a note saying why (at most 4000 characters)"));
  else if (request->note && *request->note && !pz_valid_text (request->note, PZ_MAX_TEXT))
    pz_detail_add (details, "note", _("The note is too long or has control characters"));

  next = copy_application (app);
  if (action == PZ_ACTION_APPROVE &&
      !check_step_form (self, app, next, type, step, request->data, user, now, details, error))
    return NULL;
  if (action != PZ_ACTION_APPROVE && request->data && json_object_get_size (request->data) > 0)
    pz_detail_add (details, "data", _("Only “approve” takes data"));
  if (details->len > 0)
    {
      engine_fail (error, PZ_ENGINE_ERROR_RULE, _("The step's conditions are not met"));
      return NULL;
    }

  to = pz_workflow_transition (wf, step, action, pz_permit_type_get_conditions (type), error);
  if (to == NULL)
    return NULL;

  g_free (next->step);
  next->step = g_strdup (to->id);
  g_free (next->status);
  next->status = g_strdup (pz_status_to_string (pz_step_get_status (to)));
  next->version = app->version + 1;
  next->step_entered_at = now;
  next->due_at = due_time (self, to, now);
  next->updated_at = now;
  next->updated_by = user->id;

  if (step->form == PZ_FORM_DOCUMENTS_COMPLETE && action == PZ_ACTION_RETURN)
    event_data = not_ok_items (self, app, type);
  else if (action == PZ_ACTION_APPROVE && request->data && json_object_get_size (request->data) > 0 &&
           step->form != PZ_FORM_SIGNATURE)
    event_data = json_object_ref (request->data);
  if (event_data)
    event_data_text = object_to_string (event_data);

  event.application_id = app->id;
  event.at = now;
  event.user_id = user->id;
  event.role = (char *) acting_role (step, user);
  event.acting = (char *) pz_user_acting_kind (user, event.role);
  event.also_admin = g_strv_contains ((const char * const *) user->roles, "admin");
  event.action = (char *) request->action;
  event.from_step = app->step;
  event.to_step = next->step;
  event.note = request->note && *request->note ? (char *) request->note : NULL;
  event.data = event_data_text;
  if (!step->applicant_clock)
    {
      g_autoptr(GDateTime) from = g_date_time_new_from_unix_utc (app->step_entered_at);
      g_autoptr(GDateTime) until = g_date_time_new_from_unix_utc (now);
      event.office_seconds = pz_calendar_office_seconds_between (self->calendar, from, until);
    }

  /* The service clock: from complete documents to the decision, in office
   * time, without the time the file waits for the applicant. */
  if (next->service_started_at && !step->applicant_clock)
    next->service_seconds += event.office_seconds;
  if (!app->service_started_at && step->form == PZ_FORM_DOCUMENTS_COMPLETE && action == PZ_ACTION_APPROVE)
    {
      next->service_started_at = now;
      next->service_seconds = 0;
    }
  next->service_due_at = service_due_time (self, type, to, next->service_started_at, next->service_seconds, now);

  if (!pz_store_begin (self->store, &local_error))
    {
      internal (error, local_error);
      return NULL;
    }
  if (step->form == PZ_FORM_NUMBERING && action == PZ_ACTION_APPROVE &&
      !assign_number (self, next, type, now, &local_error))
    goto fail;
  if (!pz_store_update_application (self->store, next, app->version, &local_error))
    {
      if (g_error_matches (local_error, PZ_STORE_ERROR, PZ_STORE_ERROR_STALE))
        {
          pz_store_rollback (self->store);
          stale (self, app, error);
          return NULL;
        }
      goto fail;
    }
  if (!pz_store_insert_event (self->store, &event, &local_error))
    goto fail;

  /* the outputs the step makes, in the same transaction as the action:
   * the receipt, the BAP, the numbered permit; a refusal its letter */
  {
    const char *kind = NULL;

    if (action == PZ_ACTION_APPROVE && step->output &&
        (g_str_equal (step->output, "receipt") || g_str_equal (step->output, "bap") ||
         g_str_equal (step->output, "permit")))
      kind = step->output;
    else if (to->final && to->output)
      kind = to->output;
    if (kind)
      {
        g_autofree char *letter_number = NULL;
        g_autoptr(GBytes) pdf = NULL;

        /* a refusal letter has its number from its own yearly counter,
         * taken in the same transaction: none is lost or given twice */
        if (g_str_equal (kind, "refusal") &&
            !(letter_number = next_refusal_number (self, now, &local_error)))
          goto fail;
        pdf = render_output (self, next, kind, user, request->note, now, FALSE, letter_number);

        if (pdf && !store_output (self, next, kind, pdf, now, &local_error))
          goto fail;
      }
    /* signing turns the numbered permit into the signed one: the PDF with
     * an embedded electronic signature, or the scan of the paper */
    if (action == PZ_ACTION_APPROVE && step->form == PZ_FORM_SIGNATURE &&
        !sign_permit (self, next, type, user, request->data, now, &local_error))
      goto fail;
  }
  {
    g_autoptr(PzMessage) message = compose_message (self, next, type, step, action, to, wf, request->note,
                                                    event_data, now);

    if (message && !pz_store_insert_message (self->store, message, &local_error))
      goto fail;
  }

  body = pz_engine_application_to_string (self, next, user, now);
  *status = 200;
  if (request->idempotency_key &&
      !pz_store_insert_idempotent (self->store, user->id, request->idempotency_key,
                                   request->fingerprint, *status, body, now, &local_error))
    goto fail;
  if (!pz_store_commit (self->store, &local_error))
    goto fail;

  if (changed)
    *changed = g_steal_pointer (&next);
  return g_steal_pointer (&body);

fail:
  pz_store_rollback (self->store);
  internal (error, local_error);
  return NULL;
}

/* Documents */

static gboolean
may_edit_documents (PzEngine       *self,
                    PzUser         *user,
                    PzApplication  *app,
                    const char     *requirement,
                    GError        **error)
{
  PzPermitType *type;
  PzWorkflow *wf;
  const PzStep *step;

  if (!resolve (self, app, &type, &wf, &step, error))
    return FALSE;

  if (g_strcmp0 (requirement, "signed_permit") == 0)
    {
      if (step->form == PZ_FORM_SIGNATURE && type->signing == PZ_SIGNING_WET &&
          acting_role (step, user))
        return TRUE;
      if (step->form != PZ_FORM_SIGNATURE || type->signing != PZ_SIGNING_WET)
        return engine_fail (error, PZ_ENGINE_ERROR_NOT_FOUND,
                            _("This file takes no scan of a signed permit now"));
      return engine_fail (error, PZ_ENGINE_ERROR_FORBIDDEN,
                          _("Only the signer uploads the signed permit"));
    }

  if (pz_permit_type_find_requirement (type, app->request_type, requirement) == NULL)
    return engine_fail (error, PZ_ENGINE_ERROR_NOT_FOUND,
                        _("This permit type has no requirement “%s”"), requirement);
  if (!step->documents)
    return engine_fail (error, PZ_ENGINE_ERROR_FORBIDDEN,
                        _("The documents were already checked; they cannot change now"));
  if (acting_role (step, user) == NULL)
    return engine_fail (error, PZ_ENGINE_ERROR_FORBIDDEN,
                        _("Only the front office handles the documents at this step"));
  return TRUE;
}

struct _PzUpload
{
  char      *path;
  int        fd;
  GChecksum *checksum;
  gsize      size;
  guint8     head[8];
  gboolean   too_large;
  gboolean   failed;
  int        write_errno;   /* why it failed */
  gboolean   kept;
};

static gboolean
errno_is_disk_full (int saved)
{
  return saved == ENOSPC || saved == EDQUOT || saved == EFBIG;
}

/**
 * pz_engine_upload_new:
 * @self: an engine
 * @error: return location for an error
 *
 * Starts receiving a document into a temporary file of the store, so that
 * memory stays flat whatever the size. Freeing an upload that was not
 * stored removes its file: an upload cut off halfway leaves nothing.
 *
 * Returns: (transfer full): the upload
 */
PzUpload *
pz_engine_upload_new (PzEngine  *self,
                      GError   **error)
{
  g_autofree char *template = g_build_filename (self->files_dir, "tmp", "upload-XXXXXX", NULL);
  PzUpload *upload;
  int fd = g_mkstemp_full (template, O_RDWR | O_CLOEXEC, 0600);

  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Cannot receive the file: %s"), g_strerror (saved));
      return NULL;
    }
  upload = g_new0 (PzUpload, 1);
  upload->path = g_steal_pointer (&template);
  upload->fd = fd;
  upload->checksum = g_checksum_new (G_CHECKSUM_SHA256);
  return upload;
}

void
pz_upload_free (PzUpload *upload)
{
  if (upload == NULL)
    return;
  if (upload->fd >= 0)
    close (upload->fd);
  if (!upload->kept)
    g_unlink (upload->path);
  g_checksum_free (upload->checksum);
  g_free (upload->path);
  g_free (upload);
}

/**
 * pz_upload_write:
 * @upload: an upload
 * @data: the next bytes
 * @size: how many
 * @limit: the most bytes the upload may have
 *
 * Past @limit nothing more is written and the upload is marked too large.
 */
void
pz_upload_write (PzUpload   *upload,
                 const void *data,
                 gsize       size,
                 gsize       limit)
{
  const guint8 *p = data;

  if (upload->too_large || upload->failed)
    return;
  if (upload->size + size > limit)
    {
      upload->too_large = TRUE;
      return;
    }
  for (gsize i = 0; i < size && upload->size + i < sizeof upload->head; i++)
    upload->head[upload->size + i] = p[i];
  g_checksum_update (upload->checksum, data, (gssize) size);
  while (size > 0)
    {
      gssize n = write (upload->fd, p, size);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          upload->failed = TRUE;
          upload->write_errno = n < 0 ? errno : ENOSPC;
          return;
        }
      p += n;
      size -= (gsize) n;
      upload->size += (gsize) n;
    }
}

/**
 * pz_upload_get_write_error:
 * @upload: an upload
 *
 * Returns: 0, or the errno with which writing the upload to disk failed;
 *   after a failure the rest of the body is dropped
 */
int
pz_upload_get_write_error (PzUpload *upload)
{
  return upload->failed ? upload->write_errno : 0;
}

/**
 * pz_upload_is_disk_full:
 * @upload: an upload
 *
 * Returns: whether the upload could not be written because the disk (or
 *   the server's quota or file size limit) is full
 */
gboolean
pz_upload_is_disk_full (PzUpload *upload)
{
  return upload->failed && errno_is_disk_full (upload->write_errno);
}

gboolean
pz_upload_is_too_large (PzUpload *upload)
{
  return upload->too_large;
}

gsize
pz_upload_get_size (PzUpload *upload)
{
  return upload->size;
}

/* The SHA-256 of what was received, once all of it was. */
const char *
pz_upload_get_sha256 (PzUpload *upload)
{
  return g_checksum_get_string (upload->checksum);
}

const char *
pz_upload_get_path (PzUpload *upload)
{
  return upload->path;
}

/**
 * pz_upload_get_content_type:
 * @upload: an upload
 *
 * The type is decided from the content, never from the request's header.
 *
 * Returns: (nullable): `application/pdf`, `image/jpeg`, `image/png`, or
 *   %NULL for anything else
 */
const char *
pz_upload_get_content_type (PzUpload *upload)
{
  const guint8 *p = upload->head;
  gsize size = upload->size;

  if (size >= 5 && memcmp (p, "%PDF-", 5) == 0)
    return "application/pdf";
  if (size >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
    return "image/jpeg";
  if (size >= 8 && memcmp (p, "\x89PNG\r\n\x1a\n", 8) == 0)
    return "image/png";
  return NULL;
}

static char *
blob_path (PzEngine   *self,
           const char *sha256)
{
  char prefix[3] = { sha256[0], sha256[1], 0 };
  return g_build_filename (self->files_dir, prefix, sha256, NULL);
}

/* Content-addressed: the blob is complete and on disk before any row can
 * name it, and an identical upload costs nothing. */
static gboolean
keep_upload (PzEngine    *self,
             PzUpload    *upload,
             const char  *sha256,
             GError     **error)
{
  g_autofree char *path = blob_path (self, sha256);
  g_autofree char *dir = g_path_get_dirname (path);
  int saved;

  if (upload->failed)
    {
      errno = upload->write_errno;
      goto fail;
    }
  if (fsync (upload->fd) != 0)
    goto fail;
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;
  if (g_mkdir_with_parents (dir, 0700) != 0 || g_rename (upload->path, path) != 0)
    goto fail;
  upload->kept = TRUE;
  /* the new name is durable only once its directory is */
  {
    int dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0)
      {
        fsync (dfd);
        close (dfd);
      }
  }
  return TRUE;

fail:
  saved = errno;
  /* a quota or a file size limit is a full disk to the office */
  g_set_error (error, G_FILE_ERROR,
               errno_is_disk_full (saved) ? G_FILE_ERROR_NOSPC : g_file_error_from_errno (saved),
               "%s: %s", path, g_strerror (saved));
  return FALSE;
}

/**
 * pz_engine_check_upload:
 * @self: an engine
 * @user: who uploads
 * @application_id: the file
 * @requirement: the requirement code from the URL
 * @error: return location for an error
 *
 * Checked before a byte of the body is read, and again when storing.
 */
gboolean
pz_engine_check_upload (PzEngine    *self,
                        PzUser      *user,
                        gint64       application_id,
                        const char  *requirement,
                        GError     **error)
{
  g_autoptr(PzApplication) app = pz_engine_get_application (self, application_id, error);

  return app && may_edit_documents (self, user, app, requirement, error);
}

/**
 * pz_engine_store_upload:
 * @self: an engine
 * @user: who uploads
 * @application_id: the file
 * @requirement: the requirement code
 * @upload: the received and inspected upload
 * @pages: its page count as the inspection found it
 * @now: the current time
 * @error: return location for an error
 *
 * Returns: (transfer full): the stored document, or %NULL
 */
PzDocument *
pz_engine_store_upload (PzEngine    *self,
                        PzUser      *user,
                        gint64       application_id,
                        const char  *requirement,
                        PzUpload    *upload,
                        guint        pages,
                        gint64       now,
                        GError     **error)
{
  g_autoptr(PzApplication) app = NULL;
  g_autoptr(PzDocument) doc = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *type = pz_upload_get_content_type (upload);

  if (!(app = pz_engine_get_application (self, application_id, error)) ||
      !may_edit_documents (self, user, app, requirement, error))
    return NULL;
  if (upload->size == 0)
    {
      engine_fail (error, PZ_ENGINE_ERROR_RULE, _("The file is empty; scan the document again"));
      return NULL;
    }
  if (type == NULL)
    {
      engine_fail (error, PZ_ENGINE_ERROR_UNSUPPORTED, _("Only PDF, JPEG and PNG files are accepted"));
      return NULL;
    }

  doc = g_new0 (PzDocument, 1);
  doc->requirement = g_strdup (requirement);
  doc->sha256 = g_strdup (g_checksum_get_string (upload->checksum));
  doc->size = (gint64) upload->size;
  doc->content_type = g_strdup (type);
  doc->pages = pages;
  doc->uploaded_at = now;
  doc->uploaded_by = g_strdup (user->username);

  if (!keep_upload (self, upload, doc->sha256, &local_error))
    {
      disk_full_or_internal (error, local_error);
      return NULL;
    }
  if (!pz_store_begin (self->store, &local_error) ||
      !pz_store_insert_document (self->store, app->id, doc, user->id, &local_error) ||
      !pz_store_commit (self->store, &local_error))
    {
      pz_store_rollback (self->store);
      disk_full_or_internal (error, local_error);
      return NULL;
    }
  return g_steal_pointer (&doc);
}

/**
 * pz_engine_put_document:
 * @self: an engine
 * @user: who uploads
 * @application_id: the file
 * @requirement: the requirement code
 * @content: the file's bytes, already known to be sound
 * @pages: its page count
 * @now: the current time
 * @error: return location for an error
 *
 * For documents the server makes or trusts (the demo office); uploads from
 * clients go through pz_engine_upload_new() and an inspection.
 *
 * Returns: (transfer full): the stored document, or %NULL
 */
PzDocument *
pz_engine_put_document (PzEngine    *self,
                        PzUser      *user,
                        gint64       application_id,
                        const char  *requirement,
                        GBytes      *content,
                        guint        pages,
                        gint64       now,
                        GError     **error)
{
  g_autoptr(PzUpload) upload = pz_engine_upload_new (self, error);
  gsize size;
  const void *data = g_bytes_get_data (content, &size);

  if (upload == NULL)
    return NULL;
  pz_upload_write (upload, data, size, G_MAXSIZE);
  return pz_engine_store_upload (self, user, application_id, requirement, upload, pages, now, error);
}

/**
 * pz_engine_document_path:
 * @self: an engine
 * @user: who asks
 * @application_id: the file
 * @requirement: the requirement code
 * @content_type: (out): the document's type
 * @error: return location for an error
 *
 * Returns: (transfer full): where the current document's bytes are
 */
char *
pz_engine_document_path (PzEngine    *self,
                         PzUser      *user,
                         gint64       application_id,
                         const char  *requirement,
                         char       **content_type,
                         GError     **error)
{
  g_autoptr(PzApplication) app = NULL;
  g_autoptr(PzDocument) doc = NULL;

  if (!(app = pz_engine_get_application (self, application_id, error)) ||
      !pz_engine_may_read (self, user, app, error))
    return NULL;
  if (!(doc = pz_store_get_document (self->store, app->id, requirement)))
    {
      engine_fail (error, PZ_ENGINE_ERROR_NOT_FOUND, _("No document was uploaded for “%s”"),
                   requirement);
      return NULL;
    }
  *content_type = g_strdup (doc->content_type);
  return blob_path (self, doc->sha256);
}

gboolean
pz_engine_set_verdict (PzEngine    *self,
                       PzUser      *user,
                       gint64       application_id,
                       const char  *requirement,
                       const char  *verdict,
                       const char  *note,
                       gint64       now,
                       GPtrArray   *details,
                       GError     **error)
{
  g_autoptr(PzApplication) app = NULL;
  g_autoptr(PzDocument) doc = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!(app = pz_engine_get_application (self, application_id, error)) ||
      !may_edit_documents (self, user, app, requirement, error))
    return FALSE;

  if (g_strcmp0 (verdict, "ok") != 0 && g_strcmp0 (verdict, "not_ok") != 0)
    pz_detail_add (details, "verdict", _("The verdict must be “ok” or “not_ok”"));
  else if (g_str_equal (verdict, "not_ok") && !pz_valid_text (note, PZ_MAX_TEXT))
    pz_detail_add (details, "note", _("Say what is wrong with the document"));
  if (note && *note && !pz_valid_text (note, PZ_MAX_TEXT))
    pz_detail_add (details, "note", _("The note is too long or has control characters"));
  if (!(doc = pz_store_get_document (self->store, app->id, requirement)))
    pz_detail_add (details, "requirement", _("Upload the document before checking it"));
  if (details->len)
    return engine_fail (error, PZ_ENGINE_ERROR_RULE, _("The verdict cannot be recorded"));

  if (!pz_store_set_verdict (self->store, app->id, requirement, verdict,
                             note && *note ? note : NULL, user->id, now, &local_error))
    return internal (error, local_error);
  return TRUE;
}


/* Outputs: the documents the steps produce */

static const char *
request_type_id (const char *code)
{
  if (g_strcmp0 (code, "renewal") == 0)
    return "Perpanjangan";
  if (g_strcmp0 (code, "change") == 0)
    return "Perubahan";
  return "Baru";
}

static char *
setting_or (PzEngine   *self,
            const char *key,
            const char *fallback)
{
  char *value = pz_store_get_setting (self->store, key);
  return value ? value : g_strdup (fallback);
}

/**
 * pz_engine_expected_completion:
 * @self: an engine
 * @app: a file
 *
 * The service standard counts from the moment the documents were complete
 * (the first document check approval), in working days.
 *
 * Returns: the expected completion time, or 0 if not known yet
 */
gint64
pz_engine_expected_completion (PzEngine      *self,
                               PzApplication *app)
{
  PzPermitType *type = pz_engine_get_file_permit_type (self, app);
  g_autoptr(GPtrArray) events = pz_store_list_events (self->store, app->id, NULL);
  gint64 complete = 0;

  for (guint i = 0; events && i < events->len && complete == 0; i++)
    {
      PzEvent *ev = g_ptr_array_index (events, i);
      PzWorkflow *wf = type ? pz_engine_get_workflow (self, type->workflow) : NULL;
      const PzStep *from = wf ? pz_workflow_get_step (wf, ev->from_step) : NULL;

      if (from && from->form == PZ_FORM_DOCUMENTS_COMPLETE && g_strcmp0 (ev->action, "approve") == 0)
        complete = ev->at;
    }
  if (complete == 0 || type == NULL || type->service_days == 0)
    return 0;
  {
    g_autoptr(GDateTime) start = g_date_time_new_from_unix_utc (complete);
    g_autoptr(GDateTime) due = pz_calendar_add_working_days (self->calendar, start, type->service_days);
    return due ? g_date_time_to_unix (due) : 0;
  }
}

/* A permit field as the letter prints it: dates the Indonesian way,
 * decimals with a comma. */
static char *
field_text (const PzField *f,
            JsonNode      *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    {
      GDate d;

      if (f->type == PZ_FIELD_DATE && pz_parse_date (json_node_get_string (node), &d))
        return pz_format_gdate_id (&d);
      return g_strdup (json_node_get_string (node));
    }
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    {
      double v = json_node_get_double (node);
      char *text = v == (double) (gint64) v ? g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) v)
                                            : g_strdup_printf ("%.2f", v);
      char *dot = strchr (text, '.');

      if (dot)
        *dot = ',';
      return text;
    }
  return NULL;
}

/* The permit's data, as rows: at @level 1 in a decree's dictum. Only the
 * fields that have a value when @only_set. */
static void
add_permit_fields (PzOutputContent *c,
                   PzPermitType    *type,
                   const char      *data_text,
                   gint             level,
                   gboolean         only_set)
{
  g_autoptr(JsonObject) data = parse_object (data_text);

  for (guint i = 0; type && i < type->fields->len; i++)
    {
      PzField *f = g_ptr_array_index (type->fields, i);
      g_autofree char *value = field_text (f, data ? json_object_get_member (data, f->name) : NULL);

      if (only_set && value == NULL)
        continue;
      if (level < 0)
        pz_output_content_add (c, f->label, value);
      else
        pz_output_content_block (c, PZ_BLOCK_ROW, (guint) level, f->label, NULL, value);
    }
}

/* The objection a citizen may raise against a decision: 21 working days
 * (Undang-Undang Nomor 30 Tahun 2014, Pasal 77), counted from the day after
 * the letter. */
#define OBJECTION_WORKING_DAYS 21

static void
objection_deadline (PzEngine *self,
                    gint64    from,
                    GDate    *deadline)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (from);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, self->tz);
  guint counted = 0;

  g_date_clear (deadline, 1);
  g_date_set_dmy (deadline, g_date_time_get_day_of_month (local), g_date_time_get_month (local),
                  g_date_time_get_year (local));
  for (guint i = 0; counted < OBJECTION_WORKING_DAYS && i < 366; i++)
    {
      g_date_add_days (deadline, 1);
      if (pz_calendar_is_working_day (self->calendar, deadline))
        counted++;
    }
}

/* The holder's photo, if the type asks for one and it was uploaded as a
 * PNG (the only picture format the server decodes itself). */
static cairo_surface_t *
holder_photo (PzEngine      *self,
              PzApplication *app,
              PzPermitType  *type)
{
  g_autoptr(PzDocument) doc = NULL;
  g_autofree char *path = NULL;
  g_autofree char *data = NULL;
  gsize size;

  if (type == NULL || type->holder_photo == NULL ||
      !(doc = pz_store_get_document (self->store, app->id, type->holder_photo)) ||
      g_strcmp0 (doc->content_type, "image/png") != 0)
    return NULL;
  path = blob_path (self, doc->sha256);
  if (!g_file_get_contents (path, &data, &size, NULL))
    return NULL;
  {
    g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&data), size);
    return pz_output_load_png (bytes);
  }
}

/* The certificate authority by its name: the organisation of an issuer's
 * distinguished name ("CN=…,O=Balai Besar Sertifikasi Elektronik,C=ID"),
 * else its common name, else the whole. */
static char *
issuer_name (const char *dn)
{
  g_autofree char *o = NULL;
  g_autofree char *cn = NULL;
  GString *part = g_string_new (NULL);

  if (dn == NULL || *dn == '\0')
    {
      g_string_free (part, TRUE);
      return NULL;
    }
  for (const char *p = dn;; p++)
    {
      if (*p == '\\' && p[1])
        {
          g_string_append_c (part, *++p);
          continue;
        }
      if (*p == ',' || *p == '\0')
        {
          g_strstrip (part->str);
          if (g_str_has_prefix (part->str, "O=") && !o)
            o = g_strdup (part->str + 2);
          else if (g_str_has_prefix (part->str, "CN=") && !cn)
            cn = g_strdup (part->str + 3);
          g_string_truncate (part, 0);
          if (*p == '\0')
            break;
          continue;
        }
      g_string_append_c (part, *p);
    }
  g_string_free (part, TRUE);
  return o ? g_steal_pointer (&o) : cn ? g_steal_pointer (&cn) : g_strdup (dn);
}

static char *
strup (GPtrArray  *owned,
       const char *text)
{
  char *up = g_utf8_strup (text, -1);

  g_ptr_array_add (owned, up);
  return up;
}

static const char *
own (GPtrArray *owned,
     char      *text)
{
  g_ptr_array_add (owned, text);
  return text;
}

static void
add_list_items (PzOutputContent  *c,
                const char       *label,
                char            **items,
                gboolean          letters)
{
  for (guint i = 0; items && items[i]; i++)
    {
      g_autofree char *marker = letters && i < 26 ? g_strdup_printf ("%c.", 'a' + i) : g_strdup_printf ("%u.", i + 1);

      pz_output_content_block (c, PZ_BLOCK_ITEM, 1, i == 0 ? label : NULL, marker, items[i]);
    }
}

/* Who approved the draft so far, and who sent it back */
static void
add_draft_approvals (PzEngine        *self,
                     PzApplication   *app,
                     PzOutputContent *c)
{
  g_autoptr(GPtrArray) events = pz_store_list_events (self->store, app->id, NULL);
  guint n = 0;

  pz_output_content_block (c, PZ_BLOCK_PARAGRAPH, 0, NULL, NULL, "Persetujuan draf sejauh ini:");
  for (guint i = 0; events && i < events->len; i++)
    {
      PzEvent *ev = g_ptr_array_index (events, i);
      g_autofree char *when = pz_format_date_id (ev->at, self->tz, TRUE);
      const char *role_title = pz_role_title (ev->role);
      g_autofree char *line = NULL;
      g_autofree char *marker = NULL;

      if (g_strcmp0 (ev->action, "approve") == 0 && g_str_has_suffix (ev->from_step ? ev->from_step : "", "_verification"))
        line = g_strdup_printf ("%s (%s), %s", ev->full_name, role_title ? role_title : ev->role, when);
      else if (g_strcmp0 (ev->action, "return") == 0)
        line = g_strdup_printf ("Dikembalikan oleh %s, %s: %s", ev->full_name, when, ev->note ? ev->note : "");
      if (line == NULL)
        continue;
      marker = g_strdup_printf ("%u.", ++n);
      pz_output_content_block (c, PZ_BLOCK_ITEM, 0, NULL, marker, line);
    }
  if (n == 0)
    pz_output_content_block (c, PZ_BLOCK_ITEM, 0, NULL, "-", "Belum ada");
}

/**
 * pz_engine_render_output:
 * @self: an engine
 * @app: the file, as it stands after the action that makes the output
 * @kind: `receipt`, `bap`, `draft`, `permit` or `refusal`
 * @actor: (nullable): who acts now
 * @note: (nullable): the action's note (the reasons of a refusal)
 * @now: the current time
 * @letter_number: (nullable): the refusal letter's number
 *
 * Returns: (transfer full) (nullable): the PDF
 */
static GBytes *
render_output (PzEngine      *self,
               PzApplication *app,
               const char    *kind,
               PzUser        *actor,
               const char    *note,
               gint64         now,
               gboolean       signed_electronically,
               const char    *letter_number)
{
  PzPermitType *type = pz_engine_get_file_permit_type (self, app);
  g_autofree char *office = setting_or (self, "office_name", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu");
  g_autofree char *address = setting_or (self, "office_address", "");
  g_autofree char *region = setting_or (self, "office_region", NULL);
  g_autofree char *kadis = setting_or (self, "kadis_name", "");
  g_autofree char *kadis_nip = setting_or (self, "kadis_nip", NULL);
  g_autofree char *issuer_dn = setting_or (self, "signing_issuer", NULL);
  g_autofree char *issuer = issuer_name (issuer_dn);
  g_autofree char *office_up = g_utf8_strup (office, -1);
  /* a Plh/Plt signs in their own name, under their acting title */
  const char *acting = actor ? pz_user_acting_kind (actor, "kadis") : NULL;
  const char *acting_prefix = acting == NULL ? "" : g_str_equal (acting, "plt") ? "Plt. " : "Plh. ";
  g_autofree char *signer_title = g_strdup_printf ("%sKEPALA %s,", acting_prefix, office_up);
  const char *signer_role = acting == NULL ? "Kepala Dinas"
                            : g_str_equal (acting, "plt") ? "Plt. Kepala Dinas" : "Plh. Kepala Dinas";
  g_autofree char *city = setting_or (self, "office_city", "Sukamaju");
  g_autofree char *today = pz_format_date_id (now, self->tz, FALSE);
  g_autofree char *closing = g_strdup_printf ("%s, %s", city, today);
  g_autofree char *track = g_strdup_printf ("%s/track/%s", self->public_url, app->tracking_code);
  g_autofree char *verify = app->verify_token ? g_strdup_printf ("%s/verify/%s", self->public_url,
                                                                 app->verify_token) : NULL;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);  /* strings the content points to */
  const char *type_name = type ? type->name : app->permit_type;
  PzOutputContent c;
  GBytes *pdf;
  g_autofree char *statement = NULL;

  pz_output_content_init (&c);
  c.kind = kind;
  c.region = region;
  c.office_name = office;
  c.office_address = address;
  c.logo_png = self->logo;
  c.closing = closing;

  if (g_str_equal (kind, "receipt"))
    {
      g_autoptr(GPtrArray) docs = pz_store_list_documents (self->store, app->id, NULL);
      g_autofree char *received = pz_format_date_id (now, self->tz, TRUE);
      gint64 expected = pz_engine_expected_completion (self, app);
      g_autofree char *expected_text = expected ? pz_format_date_id (expected, self->tz, FALSE) : NULL;

      c.title = "TANDA TERIMA BERKAS PERMOHONAN IZIN";
      subtitle = g_strdup_printf ("Nomor Pendaftaran: %s", app->registration_number);
      c.subtitle = subtitle;
      pz_output_content_add (&c, "Nama pemohon", app->applicant_name);
      pz_output_content_add (&c, "NIK", app->applicant_nik);
      pz_output_content_add (&c, "Alamat", app->applicant_address);
      pz_output_content_add (&c, "Jenis izin", type_name);
      pz_output_content_add (&c, "Jenis permohonan", request_type_id (app->request_type));
      pz_output_content_add (&c, "Diterima", received);
      pz_output_content_add (&c, "Petugas", actor ? actor->full_name : NULL);
      pz_output_content_add (&c, "Perkiraan selesai", expected_text);
      pz_output_content_add (&c, "Kode lacak", app->tracking_code);
      c.list_title = "Dokumen persyaratan yang diterima:";
      /* in the order of the checklist, as the applicant handed them over;
       * then any the permit type no longer lists */
      for (guint pass = 0; pass < 2; pass++)
        for (guint i = 0; docs && i < (pass == 0 && type ? type->requirements->len : pass == 0 ? 0 : docs->len); i++)
          {
            const PzRequirement *r = NULL;
            PzDocument *d = NULL;

            if (pass == 0)
              {
                PzRequirement *want = g_ptr_array_index (type->requirements, i);

                if (!g_strv_contains ((const char * const *) want->request_types, app->request_type))
                  continue;
                for (guint j = 0; j < docs->len && d == NULL; j++)
                  if (g_str_equal (((PzDocument *) g_ptr_array_index (docs, j))->requirement, want->code))
                    d = g_ptr_array_index (docs, j);
                r = want;
              }
            else
              {
                d = g_ptr_array_index (docs, i);
                if (type && pz_permit_type_find_requirement (type, app->request_type, d->requirement))
                  continue;
              }
            if (d)
              g_ptr_array_add (c.list, g_strdup_printf ("%s (%" G_GINT64_FORMAT " hlm.)", r ? r->title : d->requirement,
                                                        MAX (d->pages, 1)));
          }
      body = g_strdup_printf ("Simpan tanda terima ini. Perkembangan berkas dapat diikuti dengan memindai "
                              "kode QR atau membuka %s, dan tanda terima ini ditunjukkan saat pengambilan "
                              "izin. Kode lacak hanya untuk Anda: jangan dibagikan.", track);
      c.body = body;
      c.signer_title = "Petugas Front Office";
      c.signer_name = actor ? actor->full_name : NULL;
      c.signer_nip = actor ? actor->nip : NULL;
      c.qr_url = track;
      c.qr_caption = "Lacak berkas dengan kode:";
      c.qr_code = app->tracking_code;
    }
  else if (g_str_equal (kind, "bap"))
    {
      g_autoptr(JsonObject) survey = parse_object (app->survey);
      const char *date = survey ? object_string (survey, "survey_date") : NULL;
      const char *rec = survey ? object_string (survey, "recommendation") : NULL;
      const char *surveyor = survey && object_string (survey, "surveyor")
                             ? own (owned, g_strdup (object_string (survey, "surveyor"))) : NULL;
      const char *surveyor_nip = survey && object_string (survey, "surveyor_nip")
                                 ? own (owned, g_strdup (object_string (survey, "surveyor_nip"))) : NULL;
      GDate d;
      g_autofree char *opening = NULL;

      if (date && pz_parse_date (date, &d))
        {
          g_autofree char *day = pz_number_in_words_id (g_date_get_day (&d));
          g_autofree char *year = pz_number_in_words_id (g_date_get_year (&d));
          g_autofree char *plain = pz_format_gdate_id (&d);
          static const char * const months[] = {
            "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
            "November", "Desember"
          };

          opening = g_strdup_printf ("Pada hari ini %s tanggal %s bulan %s tahun %s (%s), kami yang bertanda "
                                     "tangan di bawah ini:", pz_weekday_id (g_date_get_weekday (&d)), day,
                                     months[g_date_get_month (&d) - 1], year, plain);
          c.closing = own (owned, g_strdup_printf ("%s, %s", city, plain));
        }
      else
        opening = g_strdup ("Pada hari ini, kami yang bertanda tangan di bawah ini:");
      c.title = "BERITA ACARA PEMERIKSAAN LAPANGAN";
      subtitle = g_strdup_printf ("Nomor Pendaftaran: %s", app->registration_number);
      c.subtitle = subtitle;
      pz_output_content_block (&c, PZ_BLOCK_PARAGRAPH, 0, NULL, NULL, opening);
      pz_output_content_block (&c, PZ_BLOCK_ROW, 3, "Nama", NULL, surveyor);
      pz_output_content_block (&c, PZ_BLOCK_ROW, 3, "NIP", NULL, surveyor_nip);
      pz_output_content_block (&c, PZ_BLOCK_ROW, 3, "Jabatan", NULL, "Tim Teknis");
      pz_output_content_block (&c, PZ_BLOCK_PARAGRAPH, 0, NULL, NULL,
                               own (owned, g_strdup_printf ("selaku Tim Teknis pada %s, telah melakukan pemeriksaan "
                                                            "lapangan atas permohonan izin dengan data sebagai berikut:",
                                                            office)));
      pz_output_content_block (&c, PZ_BLOCK_ROW, 3, "Nomor pendaftaran", NULL, app->registration_number);
      pz_output_content_block (&c, PZ_BLOCK_ROW, 3, "Nama pemohon", NULL, app->applicant_name);
      pz_output_content_block (&c, PZ_BLOCK_ROW, 3, "Alamat pemohon", NULL, app->applicant_address);
      pz_output_content_block (&c, PZ_BLOCK_ROW, 3, "Jenis izin", NULL, type_name);
      pz_output_content_block (&c, PZ_BLOCK_ROW, 3, "Jenis permohonan", NULL, request_type_id (app->request_type));
      add_permit_fields (&c, type, app->data, 3, TRUE);
      pz_output_content_block (&c, PZ_BLOCK_PARAGRAPH, 0, NULL, NULL, "Hasil pemeriksaan lapangan:");
      pz_output_content_block (&c, PZ_BLOCK_PARAGRAPH, 1, NULL, NULL,
                               survey ? object_string (survey, "findings") : NULL);
      pz_output_content_block (&c, PZ_BLOCK_PARAGRAPH, 0, NULL, NULL,
                               g_strcmp0 (rec, "feasible") == 0
                               ? "Berdasarkan hasil pemeriksaan tersebut, Tim Teknis merekomendasikan bahwa "
                                 "permohonan ini LAYAK diterbitkan izinnya."
                               : "Berdasarkan hasil pemeriksaan tersebut, Tim Teknis merekomendasikan bahwa "
                                 "permohonan ini TIDAK LAYAK diterbitkan izinnya.");
      pz_output_content_block (&c, PZ_BLOCK_PARAGRAPH, 0, NULL, NULL,
                               "Demikian Berita Acara Pemeriksaan ini dibuat dengan sebenarnya, disaksikan oleh "
                               "pemohon atau kuasanya, untuk dipergunakan sebagaimana mestinya.");
      c.cosigner_title = "Pemohon / Kuasa,";
      c.cosigner_name = app->applicant_name;
      c.signer_title = "Tim Teknis,";
      c.signer_name = surveyor;
      c.signer_nip = surveyor_nip;
      c.qr_url = track;
      c.qr_caption = "Pindai untuk memeriksa berkas";
    }
  else if ((g_str_equal (kind, "draft") || g_str_equal (kind, "permit")) && type && type->decree.considering[0])
    {
      gboolean draft = g_str_equal (kind, "draft");
      const char *type_up = strup (owned, type->name);
      g_autofree char *validity = NULL;
      guint dictum = 1;

      /* the decree: KEPUTUSAN KEPALA DINAS … NOMOR … TENTANG … */
      title = g_strdup_printf ("KEPUTUSAN KEPALA %s", office_up);
      c.title = title;
      subtitle = g_strdup_printf ("NOMOR: %s\nTENTANG\n%s", draft ? "(diberikan setelah penetapan)" : app->permit_number,
                                  type_up);
      c.subtitle = subtitle;
      c.watermark_draft = draft;
      pz_output_content_block (&c, PZ_BLOCK_HEADING, 0, NULL, NULL,
                               own (owned, g_strdup_printf ("KEPALA %s,", office_up)));
      add_list_items (&c, "Menimbang", type->decree.considering, TRUE);
      add_list_items (&c, "Mengingat", type->decree.observing, FALSE);
      pz_output_content_block (&c, PZ_BLOCK_HEADING, 0, NULL, NULL, "MEMUTUSKAN:");
      pz_output_content_block (&c, PZ_BLOCK_ITEM, 0, "Menetapkan", NULL,
                               own (owned, g_strdup_printf ("KEPUTUSAN KEPALA %s TENTANG %s.", office_up, type_up)));
      pz_output_content_block (&c, PZ_BLOCK_ITEM, 0, pz_ordinal_dictum_id (dictum++), NULL,
                               own (owned, g_strdup_printf ("Memberikan %s kepada:", type->name)));
      pz_output_content_block (&c, PZ_BLOCK_ROW, 1, "Nama", NULL, app->applicant_name);
      pz_output_content_block (&c, PZ_BLOCK_ROW, 1, "NIK", NULL, app->applicant_nik);
      pz_output_content_block (&c, PZ_BLOCK_ROW, 1, "Alamat", NULL, app->applicant_address);
      pz_output_content_block (&c, PZ_BLOCK_ROW, 1, "Jenis permohonan", NULL, request_type_id (app->request_type));
      add_permit_fields (&c, type, app->data, 1, FALSE);
      if (type->decree.obligations[0])
        {
          pz_output_content_block (&c, PZ_BLOCK_ITEM, 0, pz_ordinal_dictum_id (dictum++), NULL,
                                   "Pemegang izin berkewajiban:");
          add_list_items (&c, NULL, type->decree.obligations, FALSE);
        }
      if (type->validity_months)
        {
          g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (now);
          g_autoptr(GDateTime) until = g_date_time_add_months (utc, (int) type->validity_months);
          g_autofree char *until_text = pz_format_date_id (g_date_time_to_unix (until), self->tz, FALSE);
          g_autofree char *months = pz_number_in_words_id (type->validity_months);

          validity = g_strdup_printf ("%s ini berlaku selama %u (%s) bulan sejak tanggal ditetapkan, yaitu sampai "
                                      "dengan tanggal %s, dan dapat diperpanjang sesuai ketentuan.", type->name,
                                      type->validity_months, months, until_text);
        }
      else
        validity = g_strdup_printf ("%s ini berlaku selama tidak ada perubahan data sebagaimana tercantum dalam "
                                    "Diktum KESATU.", type->name);
      pz_output_content_block (&c, PZ_BLOCK_ITEM, 0, pz_ordinal_dictum_id (dictum++), NULL, validity);
      for (guint i = 0; type->decree.provisions[i]; i++)
        pz_output_content_block (&c, PZ_BLOCK_ITEM, 0, pz_ordinal_dictum_id (dictum++), NULL,
                                 type->decree.provisions[i]);
      for (guint i = 0; type->decree.copies[i]; i++)
        g_ptr_array_add (c.copies, g_strdup (type->decree.copies[i]));
      if (draft)
        add_draft_approvals (self, app, &c);
      c.closing = own (owned, g_strdup_printf ("Ditetapkan di %s\npada tanggal %s", city, draft ? "…" : today));
      if (type->holder_photo)
        {
          c.photo_frame = TRUE;
          c.photo = holder_photo (self, app, type);
        }
    }
  else if (g_str_equal (kind, "draft") || g_str_equal (kind, "permit"))
    {
      gboolean draft = g_str_equal (kind, "draft");

      title = g_ascii_strup (type_name, -1);
      c.title = title;
      subtitle = draft ? g_strdup ("Nomor: (diberikan setelah penetapan)")
                       : g_strdup_printf ("Nomor: %s", app->permit_number);
      c.subtitle = subtitle;
      c.watermark_draft = draft;
      pz_output_content_add (&c, "Diberikan kepada", app->applicant_name);
      pz_output_content_add (&c, "NIK", app->applicant_nik);
      pz_output_content_add (&c, "Alamat", app->applicant_address);
      add_permit_fields (&c, type, app->data, -1, FALSE);
      if (type && type->validity_months)
        {
          g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (now);
          g_autoptr(GDateTime) until = g_date_time_add_months (utc, (int) type->validity_months);
          g_autofree char *until_text = pz_format_date_id (g_date_time_to_unix (until), self->tz, FALSE);
          pz_output_content_add (&c, "Berlaku sampai", until_text);
        }
      else
        pz_output_content_add (&c, "Masa berlaku", "Selama tidak ada perubahan data");
      if (draft)
        add_draft_approvals (self, app, &c);
      if (type && type->holder_photo)
        {
          c.photo_frame = TRUE;
          c.photo = holder_photo (self, app, type);
        }
    }
  else if (g_str_equal (kind, "refusal"))
    {
      g_autofree char *registered = pz_format_date_id (app->created_at, self->tz, FALSE);
      g_autofree char *deadline_text = NULL;
      g_autofree char *addressee = NULL;
      GDate deadline;

      objection_deadline (self, now, &deadline);
      deadline_text = pz_format_gdate_id (&deadline);
      /* a letter: place and date, its number and subject beside the addressee */
      pz_output_content_block (&c, PZ_BLOCK_SIDE, 0, NULL, NULL, closing);
      c.closing = NULL;
      pz_output_content_block (&c, PZ_BLOCK_PARAGRAPH, 0, NULL, NULL, " ");
      addressee = g_strdup_printf ("Kepada\nYth. Sdr. %s\n%s\ndi tempat", app->applicant_name,
                                   app->applicant_address ? app->applicant_address : "");
      pz_output_content_block (&c, PZ_BLOCK_SIDE, 0, NULL, NULL, addressee);
      pz_output_content_block (&c, PZ_BLOCK_ROW, 2, "Nomor", NULL, letter_number);
      pz_output_content_block (&c, PZ_BLOCK_ROW, 2, "Sifat", NULL, "Penting");
      pz_output_content_block (&c, PZ_BLOCK_ROW, 2, "Lampiran", NULL, "-");
      pz_output_content_block (&c, PZ_BLOCK_ROW, 2, "Perihal", NULL,
                               own (owned, g_strdup_printf ("Penolakan Permohonan %s", type_name)));
      pz_output_content_block (&c, PZ_BLOCK_PARAGRAPH, 0, NULL, NULL, " ");
      pz_output_content_block (&c, PZ_BLOCK_PARAGRAPH, 0, NULL, NULL,
                               own (owned, g_strdup_printf ("Menindaklanjuti permohonan %s (%s) Saudara yang terdaftar "
                                                            "pada tanggal %s dengan Nomor Pendaftaran %s, dengan ini "
                                                            "kami sampaikan bahwa permohonan tersebut tidak dapat "
                                                            "dikabulkan dengan alasan sebagai berikut:",
                                                            type_name, request_type_id (app->request_type),
                                                            registered, app->registration_number)));
      pz_output_content_block (&c, PZ_BLOCK_PARAGRAPH, 1, NULL, NULL, note);
      pz_output_content_block (&c, PZ_BLOCK_PARAGRAPH, 0, NULL, NULL,
                               own (owned, g_strdup_printf ("Apabila Saudara tidak sependapat dengan keputusan ini, "
                                                            "Saudara berhak mengajukan keberatan secara tertulis "
                                                            "kepada Kepala %s paling lambat %d (%s) hari kerja sejak "
                                                            "tanggal surat ini, yaitu tanggal %s, sesuai Pasal 77 "
                                                            "Undang-Undang Nomor 30 Tahun 2014 tentang Administrasi "
                                                            "Pemerintahan. Saudara juga dapat mengajukan permohonan "
                                                            "baru setelah alasan penolakan di atas terpenuhi.",
                                                            office, OBJECTION_WORKING_DAYS, "dua puluh satu",
                                                            deadline_text)));
      pz_output_content_block (&c, PZ_BLOCK_PARAGRAPH, 0, NULL, NULL,
                               "Demikian disampaikan, atas perhatian Saudara diucapkan terima kasih.");
      c.qr_url = track;
      c.qr_caption = "Lacak berkas";
    }
  else
    {
      pz_output_content_clear (&c);
      return NULL;
    }

  /* the decision's signature: the Kadis, or whoever acts for them */
  if (g_str_equal (kind, "draft") || g_str_equal (kind, "permit") || g_str_equal (kind, "refusal"))
    {
      c.signer_title = signer_title;
      c.signer_name = acting ? actor->full_name : kadis;
      c.signer_nip = acting ? actor->nip : kadis_nip;
    }
  if (g_str_equal (kind, "permit"))
    {
      c.qr_url = verify;
      c.qr_caption = "Pindai untuk memeriksa keaslian izin";
      if (signed_electronically)
        {
          g_autofree char *at = pz_format_date_id (now, self->tz, TRUE);

          statement = g_strdup_printf ("Ditandatangani secara elektronik oleh\n%s (%s)\npada %s", c.signer_name,
                                       signer_role, at);
          c.signed_statement = statement;
          c.footer = own (owned, g_strdup_printf ("Dokumen ini telah ditandatangani secara elektronik menggunakan "
                                                  "sertifikat elektronik yang diterbitkan oleh %s, sehingga tidak "
                                                  "memerlukan tanda tangan dan cap basah (Undang-Undang Nomor 11 "
                                                  "Tahun 2008 tentang Informasi dan Transaksi Elektronik). Keaslian "
                                                  "dokumen dapat diperiksa dengan memindai kode QR.",
                                                  issuer && *issuer ? issuer : "penyelenggara sertifikasi elektronik"));
        }
    }

  pdf = pz_output_render (&c);
  pz_output_content_clear (&c);
  return pdf;
}

GBytes *
pz_engine_render_output (PzEngine      *self,
                         PzApplication *app,
                         const char    *kind,
                         PzUser        *actor,
                         const char    *note,
                         gint64         now)
{
  return render_output (self, app, kind, actor, note, now, FALSE, NULL);
}

/**
 * pz_engine_render_signed_permit:
 * @self: an engine
 * @app: a numbered file
 * @actor: the Kadis who signs
 * @now: the signing time
 *
 * Returns: (transfer full): the permit with the statement that it is signed
 *   electronically, ready for the signature itself
 */
GBytes *
pz_engine_render_signed_permit (PzEngine      *self,
                                PzApplication *app,
                                PzUser        *actor,
                                gint64         now)
{
  return render_output (self, app, "permit", actor, NULL, now, TRUE, NULL);
}

static gboolean
store_output (PzEngine      *self,
              PzApplication *app,
              const char    *kind,
              GBytes        *pdf,
              gint64         now,
              GError       **error)
{
  g_autoptr(PzUpload) upload = pz_engine_upload_new (self, error);
  g_autofree char *sha = NULL;
  gsize size;
  const void *data = g_bytes_get_data (pdf, &size);

  if (upload == NULL)
    return FALSE;
  pz_upload_write (upload, data, size, G_MAXSIZE);
  sha = g_strdup (g_checksum_get_string (upload->checksum));
  if (!keep_upload (self, upload, sha, error))
    return FALSE;
  return pz_store_put_output (self->store, app->id, kind, sha, (gint64) size, now, error);
}

/* What the office profile shows of the signing certificate: it can only be
 * read with the passphrase, so it is noted whenever the key is opened. */
gboolean
pz_store_note_signing_certificate (PzStore   *store,
                                   PzSigner  *signer,
                                   GError   **error)
{
  g_autofree char *subject = pz_signer_get_subject (signer);
  g_autofree char *issuer = pz_signer_get_issuer (signer);
  g_autofree char *known = pz_store_get_setting (store, "signing_subject");
  g_autofree char *known_end = pz_store_get_setting (store, "signing_not_after");
  g_autofree char *not_before_text = NULL;
  g_autofree char *not_after_text = NULL;
  gint64 not_before, not_after;

  pz_signer_get_validity (signer, &not_before, &not_after);
  not_before_text = g_strdup_printf ("%" G_GINT64_FORMAT, not_before);
  not_after_text = g_strdup_printf ("%" G_GINT64_FORMAT, not_after);
  if (g_strcmp0 (known, subject) == 0 && g_strcmp0 (known_end, not_after_text) == 0)
    return TRUE;
  return pz_store_set_setting (store, "signing_subject", subject, error) &&
         pz_store_set_setting (store, "signing_issuer", issuer, error) &&
         pz_store_set_setting (store, "signing_not_before", not_before_text, error) &&
         pz_store_set_setting (store, "signing_not_after", not_after_text, error);
}

static gboolean
fsync_dir_of (const char  *path,
              GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int saved;

  if (fd >= 0 && fsync (fd) == 0)
    {
      close (fd);
      return TRUE;
    }
  saved = errno;
  if (fd >= 0)
    close (fd);
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: %s", dir, g_strerror (saved));
  return FALSE;
}

/**
 * pz_engine_install_signing_key:
 * @p12: a PKCS#12 file with the office's key and certificate
 * @passphrase: what opens it (the Kadis types it at each signing)
 * @current_passphrase: (nullable): what opens the key in place now
 *
 * Replacing a key in place needs the Kadis (or the acting Kadis) to
 * confirm it with the passphrase of the current key, which only they
 * hold: the administrator alone cannot swap the office's signature.
 * The first key of an office needs no confirmation.
 *
 * Checks that @passphrase opens @p12 and that its certificate is valid
 * now, then puts it in place of the signing key in one rename (the old one
 * is kept beside it as `.replaced-DATE`), and notes its subject and
 * validity in the office profile. The caller holds a transaction. Nothing
 * changes if any check fails: %PZ_ENGINE_ERROR_UNCONFIRMED without the
 * current key's passphrase, %PZ_ENGINE_ERROR_FORBIDDEN for a wrong
 * passphrase, %PZ_ENGINE_ERROR_RULE for a file that is no key or not
 * valid now.
 */
gboolean
pz_engine_install_signing_key (PzEngine    *self,
                               GBytes      *p12,
                               const char  *passphrase,
                               const char  *current_passphrase,
                               gint64       now,
                               GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (self->signing_key);
  g_autofree char *tmp = g_build_filename (dir, ".signing-XXXXXX", NULL);
  g_autoptr(PzSigner) signer = NULL;
  g_autoptr(GError) local = NULL;
  gsize size;
  const guchar *data = g_bytes_get_data (p12, &size);
  gint64 not_before, not_after;
  int fd;

  if (g_file_test (self->signing_key, G_FILE_TEST_EXISTS))
    {
      g_autoptr(PzSigner) current = NULL;

      if (current_passphrase == NULL || *current_passphrase == '\0')
        return engine_fail (error, PZ_ENGINE_ERROR_UNCONFIRMED,
                            _("The Kadis confirms a new certificate with the passphrase of the current one"));
      current = pz_signer_open (self->signing_key, current_passphrase, &local);
      if (current == NULL && g_error_matches (local, PZ_SIGN_ERROR, PZ_SIGN_ERROR_PASSPHRASE))
        return engine_fail (error, PZ_ENGINE_ERROR_UNCONFIRMED,
                            _("This is not the passphrase of the current signing key"));
      /* a current key that no longer opens at all cannot stop its own
       * replacement */
      g_clear_error (&local);
    }
  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;
      return engine_fail (error, PZ_ENGINE_ERROR_INTERNAL, _("Cannot write in %s: %s"), dir, g_strerror (saved));
    }
  {
    gsize done = 0;

    while (done < size)
      {
        gssize n = write (fd, data + done, size - done);
        if (n < 0 && errno == EINTR)
          continue;
        if (n <= 0)
          break;
        done += (gsize) n;
      }
    if (done < size || fsync (fd) != 0)
      {
        int saved = errno;
        close (fd);
        g_unlink (tmp);
        return engine_fail (error, PZ_ENGINE_ERROR_INTERNAL, _("Cannot write in %s: %s"), dir, g_strerror (saved));
      }
    close (fd);
  }

  if (!(signer = pz_signer_open (tmp, passphrase, &local)))
    {
      g_unlink (tmp);
      if (g_error_matches (local, PZ_SIGN_ERROR, PZ_SIGN_ERROR_PASSPHRASE))
        return engine_fail (error, PZ_ENGINE_ERROR_FORBIDDEN, _("The passphrase does not open this file"));
      return engine_fail (error, PZ_ENGINE_ERROR_RULE,
                          _("This is not a PKCS#12 file with a key and a certificate"));
    }
  pz_signer_get_validity (signer, &not_before, &not_after);
  if (not_after <= now || not_before > now)
    {
      g_autofree char *end = pz_format_date_id (not_after <= now ? not_after : not_before, self->tz, FALSE);
      g_unlink (tmp);
      if (not_after <= now)
        return engine_fail (error, PZ_ENGINE_ERROR_RULE, _("This certificate expired on %s"), end);
      return engine_fail (error, PZ_ENGINE_ERROR_RULE, _("This certificate is valid only from %s"), end);
    }
  if (!pz_store_note_signing_certificate (self->store, signer, error))
    {
      g_unlink (tmp);
      return FALSE;
    }

  if (g_file_test (self->signing_key, G_FILE_TEST_EXISTS))
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (now);
      g_autofree char *stamp = g_date_time_format (utc, "%Y%m%dT%H%M%SZ");
      g_autofree char *kept = g_strdup_printf ("%s.replaced-%s", self->signing_key, stamp);

      if (link (self->signing_key, kept) != 0 && errno != EEXIST)
        {
          int saved = errno;
          g_unlink (tmp);
          return engine_fail (error, PZ_ENGINE_ERROR_INTERNAL, _("Cannot keep the old key as %s: %s"), kept,
                              g_strerror (saved));
        }
    }
  if (g_rename (tmp, self->signing_key) != 0)
    {
      int saved = errno;
      g_unlink (tmp);
      return engine_fail (error, PZ_ENGINE_ERROR_INTERNAL, _("Cannot put the key in place at %s: %s"),
                          self->signing_key, g_strerror (saved));
    }
  if (!fsync_dir_of (self->signing_key, &local))
    g_warning ("%s", local->message);
  return TRUE;
}

static gboolean
sign_permit (PzEngine      *self,
             PzApplication *app,
             PzPermitType  *type,
             PzUser        *user,
             JsonObject    *data,
             gint64         now,
             GError       **error)
{
  g_autoptr(GBytes) signed_pdf = NULL;

  if (type->signing == PZ_SIGNING_WET)
    {
      g_autoptr(PzDocument) scan = pz_store_get_document (self->store, app->id, "signed_permit");
      g_autofree char *path = scan ? blob_path (self, scan->sha256) : NULL;
      g_autofree char *contents = NULL;
      gsize len;

      if (path == NULL || !g_file_get_contents (path, &contents, &len, error))
        return FALSE;
      signed_pdf = g_bytes_new_take (g_steal_pointer (&contents), len);
    }
  else
    {
      g_autoptr(PzSigner) signer = pz_signer_open (self->signing_key, object_string (data, "passphrase"), error);
      g_autoptr(GBytes) pdf = NULL;
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (now);
      g_autoptr(GDateTime) when = g_date_time_to_timezone (utc, self->tz);
      g_autofree char *office = setting_or (self, "office_name", "");
      g_autofree char *city = setting_or (self, "office_city", "Sukamaju");
      g_autofree char *reason = NULL;

      if (signer == NULL)
        return FALSE;
      if (!pz_store_note_signing_certificate (self->store, signer, error))
        return FALSE;
      pdf = pz_engine_render_signed_permit (self, app, user, now);
      reason = g_strdup_printf ("Izin %s", app->permit_number);
      signed_pdf = pz_signer_sign_pdf (signer, pdf, user->full_name, reason, city, when, error);
      if (signed_pdf == NULL)
        return FALSE;
      (void) office;
    }
  return store_output (self, app, "permit", signed_pdf, now, error);
}

/* What the applicant is told, and when: registered, returned for
 * completion, ready for pick-up, refused. */
static PzMessage *
compose_message (PzEngine      *self,
                 PzApplication *app,
                 PzPermitType  *type,
                 const PzStep  *from,
                 PzAction       action,
                 const PzStep  *to,
                 PzWorkflow    *wf,
                 const char    *note,
                 JsonObject    *returned_items,
                 gint64         now)
{
  g_autofree char *office = setting_or (self, "office_name", "DPMPTSP");
  g_autofree char *track = g_strdup_printf ("%s/track/%s", self->public_url, app->tracking_code);
  const char *type_name = type ? type->name : app->permit_type;
  PzMessage *m;
  GString *body = g_string_new (NULL);

  m = g_new0 (PzMessage, 1);
  m->application_id = app->id;
  m->recipient_name = g_strdup (app->applicant_name);
  m->email = g_strdup (app->applicant_email);
  m->phone = g_strdup (app->applicant_phone);
  m->created_at = now;
  g_string_append_printf (body, "Yth. %s,\n\n", app->applicant_name);

  if (action == PZ_ACTION_APPROVE && g_strcmp0 (from->id, pz_workflow_get_start (wf, 0)->id) == 0)
    {
      m->kind = g_strdup ("registered");
      m->subject = g_strdup_printf ("Permohonan izin terdaftar: %s", app->registration_number);
      g_string_append_printf (body, "Permohonan %s Anda telah terdaftar dengan nomor %s.\n"
                                    "Perkembangan berkas dapat diikuti di %s\n", type_name,
                              app->registration_number, track);
    }
  else if (action == PZ_ACTION_RETURN && from->form == PZ_FORM_DOCUMENTS_COMPLETE)
    {
      JsonArray *items = returned_items ? json_object_get_array_member (returned_items, "not_ok") : NULL;

      m->kind = g_strdup ("returned");
      m->subject = g_strdup_printf ("Berkas %s perlu dilengkapi", app->registration_number);
      g_string_append_printf (body, "Berkas permohonan %s (%s) belum lengkap. Mohon lengkapi:\n",
                              app->registration_number, type_name);
      for (guint i = 0; items && i < json_array_get_length (items); i++)
        {
          JsonObject *item = json_array_get_object_element (items, i);
          g_string_append_printf (body, "- %s: %s\n", object_string (item, "title"), object_string (item, "note"));
        }
      if (note)
        g_string_append_printf (body, "\nCatatan petugas: %s\n", note);
      g_string_append_printf (body, "\nSilakan datang ke loket dengan dokumen yang diperbaiki. %s\n", track);
    }
  else if (to->form == PZ_FORM_HANDOVER)
    {
      m->kind = g_strdup ("ready");
      m->subject = g_strdup_printf ("Izin Anda siap diambil: %s", app->registration_number);
      g_string_append_printf (body, "%s Anda dengan nomor %s telah terbit dan dapat diambil di loket "
                                    "pelayanan dengan membawa tanda terima (%s).\n", type_name,
                              app->permit_number ? app->permit_number : "-", app->registration_number);
    }
  else if (to->final && to->final_status == PZ_STATUS_REFUSED)
    {
      m->kind = g_strdup ("refused");
      m->subject = g_strdup_printf ("Permohonan izin %s ditolak", app->registration_number);
      g_string_append_printf (body, "Dengan menyesal kami sampaikan bahwa permohonan %s Anda (%s) tidak dapat "
                                    "dikabulkan.\nAlasan: %s\nSurat penolakan dapat diambil di loket pelayanan.\n",
                              type_name, app->registration_number, note ? note : "-");
    }
  else
    {
      g_string_free (body, TRUE);
      pz_message_free (m);
      return NULL;
    }
  g_string_append_printf (body, "\nHormat kami,\n%s\n", office);
  m->body = g_string_free (body, FALSE);
  return m;
}

/**
 * pz_engine_output_path:
 * @self: an engine
 * @application_id: the file
 * @kind: the output
 *
 * Returns: (transfer full) (nullable): where the stored output is
 */
char *
pz_engine_output_path (PzEngine   *self,
                       gint64      application_id,
                       const char *kind)
{
  g_autoptr(GPtrArray) outputs = pz_store_list_outputs (self->store, application_id);

  for (guint i = 0; i < outputs->len; i++)
    {
      PzDocument *o = g_ptr_array_index (outputs, i);
      if (g_str_equal (o->requirement, kind))
        return blob_path (self, o->sha256);
    }
  return NULL;
}

/* The draft exists from data entry on: once back office has entered the
 * permit data, each verifier sees the permit as it will read. */
static gboolean
has_draft (PzEngine      *self,
           PzApplication *app,
           GPtrArray     *events)
{
  PzPermitType *type = pz_engine_get_file_permit_type (self, app);
  PzWorkflow *wf = type ? pz_engine_get_workflow (self, type->workflow) : NULL;

  for (guint i = 0; events && wf && i < events->len; i++)
    {
      PzEvent *ev = g_ptr_array_index (events, i);
      const PzStep *from = pz_workflow_get_step (wf, ev->from_step);

      if (from && g_strcmp0 (from->output, "draft") == 0 && g_strcmp0 (ev->action, "approve") == 0)
        return TRUE;
    }
  return FALSE;
}

/* Answers */

static void
write_string (PzJsonWriter *w,
              const char   *name,
              const char   *value)
{
  pz_json_writer_member (w, name);
  pz_json_writer_string (w, value);
}

/* A step's standard in office seconds; 0 if it has none. */
gint64
pz_engine_step_standard (PzEngine     *self,
                         const PzStep *step)
{
  if (step == NULL || step->final || step->applicant_clock)
    return 0;
  if (step->standard_minutes)
    return step->standard_minutes * 60;
  return (gint64) step->standard_working_days * pz_calendar_day_length (self->calendar);
}

static void write_time (PzJsonWriter *w, PzEngine *self, const char *name, gint64 t);

/* Each stay in a step against the step's standard, and the whole against
 * the service standard, in office time. */
static void
write_clocks (PzEngine      *self,
              PzJsonWriter  *w,
              PzApplication *app,
              PzWorkflow    *wf,
              PzPermitType  *type,
              GPtrArray     *events,
              gint64         now)
{
  const PzStep *current = wf ? pz_workflow_get_step (wf, app->step) : NULL;
  gint64 elapsed = 0;
  gint64 standard = type ? (gint64) type->service_days * pz_calendar_day_length (self->calendar) : 0;
  gint64 used;

  if (current && !current->final && !current->applicant_clock)
    {
      g_autoptr(GDateTime) from = g_date_time_new_from_unix_utc (app->step_entered_at);
      g_autoptr(GDateTime) until = g_date_time_new_from_unix_utc (now);
      elapsed = pz_calendar_office_seconds_between (self->calendar, from, until);
    }
  pz_json_writer_member (w, "clocks");
  pz_json_writer_begin_array (w);
  for (guint e = 0; events && e <= events->len; e++)
    {
      PzEvent *ev = e < events->len ? g_ptr_array_index (events, e) : NULL;
      const PzStep *step = wf ? pz_workflow_get_step (wf, ev ? ev->from_step : app->step) : NULL;
      gint64 seconds = ev ? ev->office_seconds : elapsed;
      gint64 step_standard = pz_engine_step_standard (self, step);

      if (step == NULL || step->final || step->applicant_clock || (ev && ev->from_step == NULL))
        continue;
      pz_json_writer_begin_object (w);
      write_string (w, "step", step->id);
      write_string (w, "title", g_dgettext (GETTEXT_PACKAGE, step->title));
      pz_json_writer_member (w, "office_seconds");
      pz_json_writer_int (w, seconds);
      pz_json_writer_member (w, "standard_seconds");
      pz_json_writer_int (w, step_standard);
      pz_json_writer_member (w, "standard_working_days");
      pz_json_writer_int (w, step->standard_minutes ? 0 : step->standard_working_days);
      pz_json_writer_member (w, "within_standard");
      pz_json_writer_bool (w, step_standard == 0 || seconds <= step_standard);
      pz_json_writer_member (w, "current");
      pz_json_writer_bool (w, ev == NULL);
      pz_json_writer_end_object (w);
    }
  pz_json_writer_end_array (w);

  used = app->service_seconds + (app->service_started_at ? elapsed : 0);
  pz_json_writer_member (w, "service");
  pz_json_writer_begin_object (w);
  write_time (w, self, "started_at", app->service_started_at);
  pz_json_writer_member (w, "office_seconds");
  pz_json_writer_int (w, used);
  pz_json_writer_member (w, "standard_seconds");
  pz_json_writer_int (w, standard);
  write_time (w, self, "due_at", app->service_due_at);
  pz_json_writer_member (w, "within_standard");
  pz_json_writer_bool (w, standard == 0 || used <= standard);
  pz_json_writer_member (w, "stopped");
  pz_json_writer_bool (w, current && current->applicant_clock);
  pz_json_writer_end_object (w);
}

static void
write_time (PzJsonWriter *w,
            PzEngine     *self,
            const char   *name,
            gint64        t)
{
  pz_json_writer_member (w, name);
  if (t)
    {
      g_autofree char *s = pz_engine_format_time (self, t);
      pz_json_writer_string (w, s);
    }
  else
    pz_json_writer_null (w);
}

/* Stored JSON columns were written by the server itself. */
static void
write_raw (PzJsonWriter *w,
           const char   *name,
           const char   *json)
{
  pz_json_writer_member (w, name);
  pz_json_writer_raw (w, json);
}

static void
write_summary_members (PzEngine      *self,
                       PzJsonWriter  *w,
                       PzApplication *app,
                       gint64         now)
{
  PzPermitType *type = pz_engine_get_file_permit_type (self, app);
  PzWorkflow *wf = type ? pz_engine_get_workflow (self, type->workflow) : NULL;
  const PzStep *step = wf ? pz_workflow_get_step (wf, app->step) : NULL;

  pz_json_writer_member (w, "id");
  pz_json_writer_int (w, app->id);
  write_string (w, "registration_number", app->registration_number);
  write_string (w, "permit_type", app->permit_type);
  write_string (w, "permit_type_name", type ? type->name : NULL);
  write_string (w, "request_type", app->request_type);
  write_string (w, "step", app->step);
  write_string (w, "step_title", step ? g_dgettext (GETTEXT_PACKAGE, step->title) : NULL);
  write_string (w, "status", app->status);
  pz_json_writer_member (w, "version");
  pz_json_writer_int (w, app->version);
  write_time (w, self, "step_entered_at", app->step_entered_at);
  write_time (w, self, "due_at", app->due_at);
  pz_json_writer_member (w, "overdue");
  pz_json_writer_bool (w, app->due_at && app->due_at < now);
  write_string (w, "permit_number", app->permit_number);
  write_time (w, self, "created_at", app->created_at);
  write_time (w, self, "updated_at", app->updated_at);
}

/**
 * pz_engine_write_summary:
 * @self: an engine
 * @w: where to write
 * @app: a file
 * @now: the current time
 *
 * Writes the file as lists (inbox, search) show it.
 */
void
pz_engine_write_summary (PzEngine      *self,
                         PzJsonWriter  *w,
                         PzApplication *app,
                         gint64         now)
{
  pz_json_writer_begin_object (w);
  write_summary_members (self, w, app, now);
  write_string (w, "applicant_name", app->applicant_name);
  pz_json_writer_end_object (w);
}

/**
 * pz_engine_late_files:
 * @user: who asks
 *
 * The files late for @user: over their step's standard where the step is
 * one of @user's roles or of a role reporting to them, and for the Kadis
 * those within two working days of the service standard. Most late first.
 *
 * Returns: (transfer full): `{"items": [...], "total": n}`
 */
char *
pz_engine_late_files (PzEngine  *self,
                      PzUser    *user,
                      gint64     now,
                      GError   **error)
{
  sqlite3 *db = pz_store_get_db (self->store);
  g_autoptr(GDateTime) now_dt = g_date_time_new_from_unix_utc (now);
  g_autoptr(GDateTime) soon_dt = pz_calendar_add_working_days (self->calendar, now_dt, DEADLINE_WARNING_DAYS);
  gboolean kadis = g_strv_contains ((const char * const *) user->roles, "kadis");
  PzJsonWriter *w = pz_json_writer_new ();
  sqlite3_stmt *stmt = NULL;
  gint64 total = 0;
  int rc;

  if (sqlite3_prepare_v2 (db, "SELECT id FROM applications WHERE status = 'in_progress' "
                              "  AND (due_at < ?1 OR service_due_at <= ?2) "
                              "ORDER BY min(coalesce(due_at, ?2), coalesce(service_due_at, ?2)), id",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      pz_json_writer_free (w);
      engine_fail (error, PZ_ENGINE_ERROR_INTERNAL, _("Database error: %s"), sqlite3_errmsg (db));
      return NULL;
    }
  sqlite3_bind_int64 (stmt, 1, now);
  sqlite3_bind_int64 (stmt, 2, soon_dt ? g_date_time_to_unix (soon_dt) : now);
  pz_json_writer_begin_object (w);
  pz_json_writer_member (w, "items");
  pz_json_writer_begin_array (w);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(PzApplication) app = pz_store_get_application (self->store, sqlite3_column_int64 (stmt, 0), NULL);
      gboolean step_late, deadline_near, mine = FALSE;
      g_auto(GStrv) roles = NULL;

      if (app == NULL)
        continue;
      step_late = app->due_at && app->due_at < now;
      deadline_near = app->service_due_at && soon_dt && app->service_due_at <= g_date_time_to_unix (soon_dt);
      if (step_late)
        {
          roles = escalation_roles (self, app->permit_type, app->permit_type_version, app->step, "step");
          for (guint i = 0; roles[i] && !mine; i++)
            mine = g_strv_contains ((const char * const *) user->roles, roles[i]);
        }
      if (!mine && !(deadline_near && kadis))
        continue;
      total++;
      pz_json_writer_begin_object (w);
      write_summary_members (self, w, app, now);
      write_string (w, "applicant_name", app->applicant_name);
      pz_json_writer_member (w, "reasons");
      pz_json_writer_begin_array (w);
      if (step_late && mine)
        pz_json_writer_string (w, "step");
      if (deadline_near && kadis)
        pz_json_writer_string (w, "deadline");
      pz_json_writer_end_array (w);
      write_time (w, self, "service_due_at", app->service_due_at);
      pz_json_writer_end_object (w);
    }
  sqlite3_finalize (stmt);
  pz_json_writer_end_array (w);
  pz_json_writer_member (w, "total");
  pz_json_writer_int (w, total);
  pz_json_writer_end_object (w);
  if (rc != SQLITE_DONE)
    {
      pz_json_writer_free (w);
      engine_fail (error, PZ_ENGINE_ERROR_INTERNAL, _("Database error: %s"), sqlite3_errmsg (db));
      return NULL;
    }
  return pz_json_writer_free_to_string (w);
}

/**
 * pz_engine_application_to_string:
 * @self: an engine
 * @app: a file
 * @user: who asks; decides `allowed_actions`
 * @now: the current time
 *
 * Returns: (transfer full): the file as `GET /api/v1/applications/{id}` shows it
 */
char *
pz_engine_application_to_string (PzEngine      *self,
                                 PzApplication *app,
                                 PzUser        *user,
                                 gint64         now)
{
  PzJsonWriter *w = pz_json_writer_new ();
  g_autoptr(GPtrArray) docs = pz_store_list_documents (self->store, app->id, NULL);
  g_autoptr(GPtrArray) verdicts = pz_store_list_verdicts (self->store, app->id, NULL);
  g_autoptr(GPtrArray) events = pz_store_list_events (self->store, app->id, NULL);
  PzPermitType *type = pz_engine_get_file_permit_type (self, app);
  PzWorkflow *wf = type ? pz_engine_get_workflow (self, type->workflow) : NULL;
  const PzStep *step = wf ? pz_workflow_get_step (wf, app->step) : NULL;

  pz_json_writer_begin_object (w);
  write_summary_members (self, w, app, now);

  pz_json_writer_member (w, "applicant");
  pz_json_writer_begin_object (w);
  write_string (w, "name", app->applicant_name);
  write_string (w, "nik", app->applicant_nik);
  write_string (w, "address", app->applicant_address);
  write_string (w, "phone", app->applicant_phone);
  write_string (w, "email", app->applicant_email);
  pz_json_writer_end_object (w);

  write_raw (w, "data", app->data);
  write_raw (w, "survey", app->survey);
  write_string (w, "received_by", app->received_by);
  /* printed on the receipt; what the public tracking page and survey need */
  write_string (w, "tracking_code", app->tracking_code);

  /* the permit's fields as in the edition the file was registered under */
  pz_json_writer_member (w, "permit_type_version");
  pz_json_writer_int (w, type ? type->version : app->permit_type_version);
  pz_json_writer_member (w, "fields");
  pz_json_writer_begin_array (w);
  for (guint i = 0; type && i < type->fields->len; i++)
    {
      PzField *f = g_ptr_array_index (type->fields, i);

      pz_json_writer_begin_object (w);
      write_string (w, "name", f->name);
      write_string (w, "label", f->label);
      write_string (w, "type", pz_field_type_to_string (f->type));
      pz_json_writer_member (w, "required");
      pz_json_writer_bool (w, f->required);
      pz_json_writer_end_object (w);
    }
  pz_json_writer_end_array (w);

  pz_json_writer_member (w, "allowed_actions");
  pz_json_writer_begin_array (w);
  for (guint a = 0; step && a < PZ_N_ACTIONS; a++)
    if (pz_step_allows (step, (const char * const *) user->roles, a))
      pz_json_writer_string (w, pz_action_to_string (a));
  pz_json_writer_end_array (w);

  pz_json_writer_member (w, "checklist");
  pz_json_writer_begin_array (w);
  for (guint i = 0; type && i < type->requirements->len; i++)
    {
      PzRequirement *r = g_ptr_array_index (type->requirements, i);
      PzDocument *doc = NULL;
      PzVerdict *verdict = NULL;

      if (!g_strv_contains ((const char * const *) r->request_types, app->request_type))
        continue;
      for (guint d = 0; docs && d < docs->len; d++)
        if (g_str_equal (((PzDocument *) g_ptr_array_index (docs, d))->requirement, r->code))
          doc = g_ptr_array_index (docs, d);
      for (guint v = 0; verdicts && v < verdicts->len; v++)
        if (g_str_equal (((PzVerdict *) g_ptr_array_index (verdicts, v))->requirement, r->code))
          verdict = g_ptr_array_index (verdicts, v);

      pz_json_writer_begin_object (w);
      write_string (w, "requirement", r->code);
      write_string (w, "title", r->title);
      pz_json_writer_member (w, "mandatory");
      pz_json_writer_bool (w, r->mandatory);
      write_string (w, "state", verdict ? verdict->verdict : doc ? "uploaded" : "missing");
      write_string (w, "verdict", verdict ? verdict->verdict : NULL);
      write_string (w, "note", verdict ? verdict->note : NULL);
      write_string (w, "checked_by", verdict ? verdict->username : NULL);
      write_time (w, self, "checked_at", verdict ? verdict->at : 0);
      pz_json_writer_end_object (w);
    }
  pz_json_writer_end_array (w);

  pz_json_writer_member (w, "documents");
  pz_json_writer_begin_array (w);
  for (guint d = 0; docs && d < docs->len; d++)
    {
      PzDocument *doc = g_ptr_array_index (docs, d);

      pz_json_writer_begin_object (w);
      write_string (w, "requirement", doc->requirement);
      write_string (w, "sha256", doc->sha256);
      pz_json_writer_member (w, "size");
      pz_json_writer_int (w, doc->size);
      write_string (w, "content_type", doc->content_type);
      pz_json_writer_member (w, "pages");
      pz_json_writer_int (w, doc->pages);
      write_time (w, self, "uploaded_at", doc->uploaded_at);
      write_string (w, "uploaded_by", doc->uploaded_by);
      pz_json_writer_end_object (w);
    }
  pz_json_writer_end_array (w);

  pz_json_writer_member (w, "outputs");
  pz_json_writer_begin_array (w);
  {
    g_autoptr(GPtrArray) outputs = pz_store_list_outputs (self->store, app->id);

    if (has_draft (self, app, events))
      {
        g_autofree char *url = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/outputs/draft", app->id);

        pz_json_writer_begin_object (w);
        write_string (w, "kind", "draft");
        write_string (w, "url", url);
        pz_json_writer_end_object (w);
      }
    for (guint i = 0; i < outputs->len; i++)
      {
        PzDocument *o = g_ptr_array_index (outputs, i);
        g_autofree char *url = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/outputs/%s", app->id,
                                                o->requirement);

        pz_json_writer_begin_object (w);
        write_string (w, "kind", o->requirement);
        write_string (w, "url", url);
        write_string (w, "sha256", o->sha256);
        write_time (w, self, "created_at", o->uploaded_at);
        pz_json_writer_end_object (w);
      }
  }
  pz_json_writer_end_array (w);

  pz_json_writer_member (w, "history");
  pz_json_writer_begin_array (w);
  for (guint e = 0; events && e < events->len; e++)
    {
      PzEvent *ev = g_ptr_array_index (events, e);

      pz_json_writer_begin_object (w);
      write_time (w, self, "at", ev->at);
      write_string (w, "user", ev->username);
      write_string (w, "full_name", ev->full_name);
      write_string (w, "role", ev->role);
      write_string (w, "acting", ev->acting);
      if (ev->also_admin)
        {
          pz_json_writer_member (w, "also_admin");
          pz_json_writer_bool (w, TRUE);
        }
      write_string (w, "action", ev->action);
      write_string (w, "from_step", ev->from_step);
      write_string (w, "to_step", ev->to_step);
      write_string (w, "note", ev->note);
      pz_json_writer_member (w, "office_seconds");
      pz_json_writer_int (w, ev->office_seconds);
      write_raw (w, "data", ev->data);
      pz_json_writer_end_object (w);
    }
  pz_json_writer_end_array (w);

  write_clocks (self, w, app, wf, type, events, now);

  pz_json_writer_member (w, "verify_url");
  if (app->verify_token)
    {
      g_autofree char *url = g_strdup_printf ("%s/verify/%s", self->public_url, app->verify_token);
      pz_json_writer_string (w, url);
    }
  else
    pz_json_writer_null (w);

  pz_json_writer_end_object (w);
  return pz_json_writer_free_to_string (w);
}

typedef struct {
  GPtrArray *apps;
  guint      pos;
} InboxQueue;

/**
 * pz_engine_inbox:
 * @self: an engine
 * @user: whose inbox
 * @limit: the most files to list
 * @now: the current time
 * @error: return location for an error
 *
 * Each step the user acts at is read in due order through its index, and
 * the lists are merged, so the cost follows @limit, not the number of files.
 *
 * Returns: (transfer full): `{"items", "total", "overdue", "done_today"}` as JSON text
 */
char *
pz_engine_inbox (PzEngine  *self,
                 PzUser    *user,
                 guint      limit,
                 gint64     now,
                 GError   **error)
{
  g_autoptr(PzJsonWriter) w = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) queues = g_array_new (FALSE, TRUE, sizeof (InboxQueue));
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) workflows = pz_engine_list_workflows (self);
  gint64 total = 0, overdue = 0, done_today = 0;
  gboolean ok = TRUE;

  for (guint wi = 0; wi < workflows->len && ok; wi++)
    {
      PzWorkflow *wf = g_ptr_array_index (workflows, wi);

      for (guint i = 0; i < pz_workflow_get_n_steps (wf) && ok; i++)
        {
          const PzStep *step = pz_workflow_get_nth_step (wf, i);
          InboxQueue q = { 0 };
          gint64 count, late;

          if (step->final || g_hash_table_contains (seen, step->id) || !acting_role (step, user))
            continue;
          g_hash_table_add (seen, step->id);
          if (!(q.apps = pz_store_inbox_step (self->store, step->id, limit, &local_error)) ||
              !pz_store_count_step (self->store, step->id, now, &count, &late, &local_error))
            {
              g_clear_pointer (&q.apps, g_ptr_array_unref);
              ok = FALSE;
              break;
            }
          total += count;
          overdue += late;
          g_array_append_val (queues, q);
        }
    }

  if (ok)
    {
      /* since midnight at the office */
      int interval = g_time_zone_find_interval (self->tz, G_TIME_TYPE_UNIVERSAL, now);
      gint64 offset = interval >= 0 ? g_time_zone_get_offset (self->tz, interval) : 0;
      gint64 midnight = (now + offset) - ((now + offset) % 86400) - offset;

      ok = pz_store_count_user_events (self->store, user->id, midnight, &done_today, &local_error);
    }

  if (ok)
    {
      w = pz_json_writer_new ();
      pz_json_writer_begin_object (w);
      pz_json_writer_member (w, "items");
      pz_json_writer_begin_array (w);
      for (guint n = 0; n < limit; n++)
        {
          InboxQueue *best = NULL;

          for (guint i = 0; i < queues->len; i++)
            {
              InboxQueue *q = &g_array_index (queues, InboxQueue, i);
              PzApplication *head, *best_head;

              if (q->pos >= q->apps->len)
                continue;
              if (best == NULL)
                {
                  best = q;
                  continue;
                }
              head = g_ptr_array_index (q->apps, q->pos);
              best_head = g_ptr_array_index (best->apps, best->pos);
              /* Due first (earliest first), then those without a due time by age. */
              if ((head->due_at && !best_head->due_at) ||
                  (head->due_at && best_head->due_at && head->due_at < best_head->due_at) ||
                  (!head->due_at && !best_head->due_at &&
                   head->step_entered_at < best_head->step_entered_at))
                best = q;
            }
          if (best == NULL)
            break;
          pz_engine_write_summary (self, w, g_ptr_array_index (best->apps, best->pos), now);
          best->pos++;
        }
      pz_json_writer_end_array (w);
      pz_json_writer_member (w, "total");
      pz_json_writer_int (w, total);
      pz_json_writer_member (w, "overdue");
      pz_json_writer_int (w, overdue);
      pz_json_writer_member (w, "done_today");
      pz_json_writer_int (w, done_today);
      pz_json_writer_end_object (w);
    }

  for (guint i = 0; i < queues->len; i++)
    g_ptr_array_unref (g_array_index (queues, InboxQueue, i).apps);

  if (!ok)
    {
      internal (error, local_error);
      return NULL;
    }
  return pz_json_writer_free_to_string (g_steal_pointer (&w));
}
