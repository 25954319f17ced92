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

  if (!(db = pz_db_open (location, PZ_DB_OPEN_DEFAULT, &db_error)))
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
  g_autoptr(GError) db_error = NULL;

  if (strlen (event) > MAX_PAYLOAD)
    {
      g_set_error (error, PZ_STORE_ERROR, PZ_STORE_ERROR_FAILED,
                   _("An event of %zu bytes is too long for the other servers"), strlen (event));
      return FALSE;
    }
  if (!pz_db_notify (self->db, CHANNEL, event, &db_error))
    {
      g_set_error (error, PZ_STORE_ERROR, PZ_STORE_ERROR_FAILED, _("Database error: %s"), db_error->message);
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
