/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The bus: what one server announces reaches the desktops connected to the
 * other servers on the same database, through a connection of its own
 * that listens (PostgreSQL's LISTEN and NOTIFY). */
#define G_LOG_DOMAIN "pz-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pz-store-private.h"

#define CHANNEL "perizinan_events"
/* PostgreSQL refuses a payload of 8000 bytes or more */
#define MAX_PAYLOAD 7999

/* the advisory lock of the server that runs the periodic jobs */
#define LEAD_LOCK "7402190512"

struct _PzStoreBus
{
  PzDb    *db;
  gboolean leads;
};

/**
 * pz_store_bus_open:
 * @location: the database, as for pz_store_open()
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the bus, or %NULL with @error set;
 *   %NULL without an error on SQLite, where one server is alone on its
 *   database and needs none
 */
PzStoreBus *
pz_store_bus_open (const char *location,
                   GError    **error)
{
  g_autoptr(GError) db_error = NULL;
  PzStoreBus *self;
  PzDb *db;

  /* its LISTEN and its lock go with its connection: a lost one is a lost
   * bus, which the server opens anew */
  if (!(db = pz_db_open (location, PZ_DB_OPEN_NO_RECONNECT, &db_error)))
    {
      g_autofree char *where = pz_db_safe_location (location);

      g_set_error (error, PZ_STORE_ERROR, PZ_STORE_ERROR_FAILED,
                   _("Cannot open the database %s: %s"), where, db_error->message);
      return NULL;
    }
  if (pz_db_kind (db) == PZ_DB_SQLITE)
    {
      pz_db_close (db);
      return NULL;
    }
  if (!pz_db_listen (db, CHANNEL, &db_error))
    {
      g_set_error (error, PZ_STORE_ERROR, PZ_STORE_ERROR_FAILED, _("Database error: %s"), db_error->message);
      pz_db_close (db);
      return NULL;
    }
  self = g_new0 (PzStoreBus, 1);
  self->db = db;
  return self;
}

void
pz_store_bus_free (PzStoreBus *self)
{
  if (self == NULL)
    return;
  pz_db_close (self->db);
  g_free (self);
}

/* The socket to watch: readable when something may have arrived. */
int
pz_store_bus_socket (PzStoreBus *self)
{
  return pz_db_socket (self->db);
}

/**
 * pz_store_bus_lead:
 * @self: a bus
 *
 * Whether this server runs the periodic jobs (escalation, purges, the
 * delivery of messages) for every server on the database: the first to ask
 * takes a lock that its connection holds until it ends, and when it ends
 * (the server stops or dies) the next to ask takes it over.
 */
gboolean
pz_store_bus_lead (PzStoreBus *self)
{
  PzDbStmt *stmt;

  if (self->leads)
    return TRUE;
  if (!(stmt = pz_db_prepare (self->db, "SELECT pg_try_advisory_lock (" LEAD_LOCK ")", NULL)))
    return FALSE;
  if (pz_db_step (stmt, NULL) == PZ_DB_STEP_ROW)
    {
      const char *got = pz_db_column_text (stmt, 0);

      self->leads = got && (got[0] == 't' || got[0] == '1');
      pz_db_reset (stmt);
    }
  if (self->leads)
    g_message ("This server now runs the periodic jobs of all the servers on the database");
  return self->leads;
}

/* Sends @event to the other servers; they hear it at once. */
gboolean
pz_store_bus_publish (PzStoreBus *self,
                      const char *event,
                      GError    **error)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new ();

  g_ptr_array_add (events, (gpointer) event);
  return pz_store_bus_publish_all (self, events, error);
}

/* Sends @events (char *) to the other servers, in one round trip; they
 * hear them at once, in their order.  One too long for the bus is not
 * sent (and is the error), the others are. */
gboolean
pz_store_bus_publish_all (PzStoreBus *self,
                          GPtrArray  *events,
                          GError    **error)
{
  g_autoptr(GError) db_error = NULL;
  g_autoptr(GPtrArray) fit = g_ptr_array_sized_new (events->len);
  gsize too_long = 0;

  for (guint i = 0; i < events->len; i++)
    {
      const char *event = g_ptr_array_index (events, i);

      if (strlen (event) <= MAX_PAYLOAD)
        g_ptr_array_add (fit, (gpointer) event);
      else if (too_long == 0)
        too_long = strlen (event);
    }
  if (!pz_db_notify_all (self->db, CHANNEL, (const char * const *) fit->pdata, fit->len, &db_error))
    {
      g_set_error (error, PZ_STORE_ERROR, PZ_STORE_ERROR_FAILED, _("Database error: %s"), db_error->message);
      return FALSE;
    }
  if (too_long)
    {
      g_set_error (error, PZ_STORE_ERROR, PZ_STORE_ERROR_FAILED,
                   _("An event of %zu bytes is too long for the other servers"), too_long);
      return FALSE;
    }
  return TRUE;
}

/**
 * pz_store_bus_next:
 * @self: a bus
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the next event another server sent,
 *   %NULL when none is waiting, or %NULL with @error set when the
 *   connection is lost (open another bus)
 */
char *
pz_store_bus_next (PzStoreBus *self,
                   GError    **error)
{
  g_autoptr(GError) db_error = NULL;
  char *event = pz_db_next_notification (self->db, &db_error);

  if (db_error)
    g_set_error_literal (error, PZ_STORE_ERROR, PZ_STORE_ERROR_FAILED, db_error->message);
  return event;
}

/* The failed logins, counted for every server on the database (times in
 * microseconds of the wall clock, which the servers share). */

static PzDbStmt *
throttle_statement (PzStoreBus *self,
                    const char *sql,
                    const char *scope,
                    const char *key)
{
  g_autoptr(GError) error = NULL;
  PzDbStmt *stmt = pz_db_prepare (self->db, sql, &error);

  if (stmt == NULL)
    {
      g_message ("The login throttle is not shared: %s", error->message);
      return NULL;
    }
  pz_db_bind_text (stmt, 1, scope);
  pz_db_bind_text (stmt, 2, key);
  return stmt;
}

static gboolean
throttle_done (PzDbStmt *stmt)
{
  g_autoptr(GError) error = NULL;

  if (pz_db_step (stmt, &error) == PZ_DB_STEP_FAILED)
    {
      g_message ("The login throttle is not shared: %s", error->message);
      return FALSE;
    }
  pz_db_reset (stmt);
  return TRUE;
}

/**
 * pz_store_bus_throttle_wait:
 *
 * Returns: how long (µs) @key must wait before it may try again, 0 if it
 *   may try now; a key not seen for two windows is forgotten
 */
gint64
pz_store_bus_throttle_wait (PzStoreBus *self,
                            const char *scope,
                            const char *key,
                            gint64      now,
                            gint64      window)
{
  PzDbStmt *stmt = throttle_statement (self, "SELECT next_allowed, last FROM login_throttle "
                                       "WHERE scope = ? AND key = ?", scope, key);
  gint64 wait = 0;

  if (stmt == NULL)
    return 0;
  if (pz_db_step (stmt, NULL) == PZ_DB_STEP_ROW)
    {
      gint64 next_allowed = pz_db_column_int64 (stmt, 0);
      gint64 last = pz_db_column_int64 (stmt, 1);

      if (!(now - last >= 2 * window && now >= next_allowed))
        wait = MAX (next_allowed - now, 0);
      pz_db_reset (stmt);
    }
  return wait;
}

/* Counts one failed attempt of @key: past @max_failures each further one
 * waits twice as long as the one before, at most @window. */
void
pz_store_bus_throttle_fail (PzStoreBus *self,
                            const char *scope,
                            const char *key,
                            gint64      now,
                            guint       max_failures,
                            gint64      window)
{
  PzDbStmt *stmt = throttle_statement (self,
                                       "INSERT INTO login_throttle (scope, key, failures, last) VALUES (?1, ?2, 1, ?3) "
                                       "ON CONFLICT (scope, key) DO UPDATE SET "
                                       "  failures = CASE WHEN ?3 - login_throttle.last >= ?4"
                                       "    AND ?3 >= login_throttle.next_allowed THEN 1"
                                       "    ELSE login_throttle.failures + 1 END,"
                                       "  next_allowed = CASE WHEN ?3 - login_throttle.last >= ?4"
                                       "    AND ?3 >= login_throttle.next_allowed THEN 0"
                                       "    ELSE login_throttle.next_allowed END,"
                                       "  last = ?3 "
                                       "RETURNING failures", scope, key);
  gint64 failures = 0;

  if (stmt == NULL)
    return;
  pz_db_bind_int64 (stmt, 3, now);
  pz_db_bind_int64 (stmt, 4, 2 * window);
  if (pz_db_step (stmt, NULL) == PZ_DB_STEP_ROW)
    {
      failures = pz_db_column_int64 (stmt, 0);
      pz_db_reset (stmt);
    }
  if (failures >= max_failures)
    {
      gint64 excess = failures - max_failures;
      gint64 delay = excess >= 30 ? window : MIN (((gint64) 1 << excess) * G_USEC_PER_SEC, window);

      if ((stmt = throttle_statement (self, "UPDATE login_throttle SET next_allowed = ?3 "
                                      "WHERE scope = ?1 AND key = ?2", scope, key)))
        {
          pz_db_bind_int64 (stmt, 3, now + delay);
          throttle_done (stmt);
        }
    }
}

/* Takes back one counted attempt of @key: it turned out to be right. */
void
pz_store_bus_throttle_forgive (PzStoreBus *self,
                               const char *scope,
                               const char *key,
                               guint       max_failures)
{
  PzDbStmt *stmt = throttle_statement (self, "DELETE FROM login_throttle "
                                       "WHERE scope = ? AND key = ? AND failures <= 1", scope, key);

  if (stmt == NULL || !throttle_done (stmt))
    return;
  if ((stmt = throttle_statement (self, "UPDATE login_throttle SET failures = failures - 1,"
                                  "  next_allowed = CASE WHEN failures - 1 < ?3 THEN 0 ELSE next_allowed END "
                                  "WHERE scope = ?1 AND key = ?2", scope, key)))
    {
      pz_db_bind_int64 (stmt, 3, max_failures);
      throttle_done (stmt);
    }
}

void
pz_store_bus_throttle_reset (PzStoreBus *self,
                             const char *scope,
                             const char *key)
{
  PzDbStmt *stmt = throttle_statement (self, "DELETE FROM login_throttle WHERE scope = ? AND key = ?", scope, key);

  if (stmt)
    throttle_done (stmt);
}

/* Forgets the keys that tried nothing since @before. */
void
pz_store_bus_throttle_purge (PzStoreBus *self,
                             gint64      before)
{
  g_autoptr(GError) error = NULL;
  PzDbStmt *stmt = pz_db_prepare (self->db, "DELETE FROM login_throttle WHERE last < ?", &error);

  if (stmt == NULL)
    return;
  pz_db_bind_int64 (stmt, 1, before);
  throttle_done (stmt);
}
