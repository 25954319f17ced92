/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The event stream: /api/v1/events, what is announced on it, and the
 * sockets that close with their session. */
#define G_LOG_DOMAIN "pz-server"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib-unix.h>
#include <string.h>

#include "pz-http-private.h"

char *
event_json (gint64      office_id,
            gint64      id,
            const char *step,
            const char *status,
            gint64      version)
{
  g_autoptr(PzJsonWriter) w = pz_json_writer_new ();

  pz_json_writer_begin_object (w);
  pz_json_writer_member (w, "type");
  pz_json_writer_string (w, "application.changed");
  pz_json_writer_member (w, "office");
  pz_json_writer_int (w, office_id);
  pz_json_writer_member (w, "id");
  pz_json_writer_int (w, id);
  pz_json_writer_member (w, "step");
  pz_json_writer_string (w, step);
  pz_json_writer_member (w, "status");
  pz_json_writer_string (w, status);
  pz_json_writer_member (w, "version");
  pz_json_writer_int (w, version);
  pz_json_writer_end_object (w);
  return pz_json_writer_free_to_string (g_steal_pointer (&w));
}

/* The office an event is of, from its "office" member (our own writer's
 * compact JSON); 0 for one that concerns every office. */
static gint64
event_office (const char *text)
{
  const char *member = strstr (text, "\"office\":");

  return member ? g_ascii_strtoll (member + strlen ("\"office\":"), NULL, 10) : 0;
}

/* To the desktops of the event's office connected here. */
static void
deliver (PzServer   *self,
         const char *text)
{
  gint64 office = event_office (text);

  for (guint i = 0; i < self->sockets->len; i++)
    {
      SoupWebsocketConnection *conn = g_ptr_array_index (self->sockets, i);
      gint64 theirs = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (conn), "pz-office"));

      if (office != 0 && theirs != office)
        continue;
      if (soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_send_text (conn, text);
    }
}

/* To the desktops connected here and, through the bus, to those of the
 * other servers on the database. */
void
broadcast (PzServer   *self,
           const char *text)
{
  g_autoptr(GError) error = NULL;

  deliver (self, text);
  if (self->bus && !pz_store_bus_publish (self->bus, text, &error))
    g_message ("The other servers do not hear of this change: %s", error->message);
}

/* The same for each of @texts (char *), with one round trip to the bus:
 * the events of a batch's commit. */
void
broadcast_all (PzServer  *self,
               GPtrArray *texts)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < texts->len; i++)
    deliver (self, g_ptr_array_index (texts, i));
  if (self->bus && texts->len > 0 && !pz_store_bus_publish_all (self->bus, texts, &error))
    g_message ("The other servers do not hear of these changes: %s", error->message);
}

static void bus_lost (PzServer *self);


/**
 * reload_office:
 * @self: a server
 * @error: return location for an error
 *
 * What the engine keeps of the office (permit types, calendar, profile)
 * is read again, here and on the other servers on the database.
 */
gboolean
reload_office (PzServer *self,
               GError  **error)
{
  g_autoptr(GError) bus_error = NULL;

  if (self->bus && !pz_store_bus_publish (self->bus, PZ_STORE_BUS_OFFICE_CHANGED, &bus_error))
    g_message ("The other servers do not hear that the office changed: %s", bus_error->message);
  return pz_engine_reload (self->engine, error);
}

/* on the bus: sessions another server ended, by the hash of their token,
 * or "*" for all of them (a user's roles, password or state changed) */
#define SESSIONS_ENDED "sessions-ended:"

static void
forget_sessions (PzServer   *self,
                 const char *hash)
{
  if (g_str_equal (hash, "*"))
    g_hash_table_remove_all (self->sessions);
  else
    g_hash_table_remove (self->sessions, hash);
  close_ended_sockets (self);
}

/**
 * sessions_ended:
 * @self: a server
 * @hash: (nullable): the hash of the token of the session that ended, or
 *   %NULL when any session may have (roles, passwords, deactivation)
 *
 * Forgets what this server and the others keep of them, and closes their
 * event sockets at once.
 */
void
sessions_ended (PzServer   *self,
                const char *hash)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *message = g_strconcat (SESSIONS_ENDED, hash ? hash : "*", NULL);

  forget_sessions (self, hash ? hash : "*");
  if (self->bus && !pz_store_bus_publish (self->bus, message, &error))
    g_message ("The other servers do not hear that sessions ended: %s", error->message);
}

static gboolean
bus_readable (gint         fd,
              GIOCondition condition,
              gpointer     data)
{
  PzServer *self = data;
  g_autoptr(GError) error = NULL;
  char *event;

  while ((event = pz_store_bus_next (self->bus, &error)))
    {
      if (g_str_has_prefix (event, SESSIONS_ENDED))
        forget_sessions (self, event + strlen (SESSIONS_ENDED));
      else if (g_str_equal (event, PZ_STORE_BUS_OFFICE_CHANGED))
        {
          g_autoptr(GError) reload_error = NULL;

          if (!pz_engine_reload (self->engine, &reload_error))
            g_warning ("The office could not be reloaded: %s", reload_error->message);
        }
      else if (event[0] == '{')
        deliver (self, event);
      g_free (event);
    }
  if (error)
    {
      g_message ("%s; connecting again", error->message);
      bus_lost (self);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
bus_retry_cb (gpointer data)
{
  PzServer *self = data;

  g_clear_pointer (&self->bus_retry, g_source_unref);
  events_bus_start (self);
  return G_SOURCE_REMOVE;
}

static void
bus_lost (PzServer *self)
{
  if (self->bus_watch)
    {
      g_source_destroy (self->bus_watch);
      g_clear_pointer (&self->bus_watch, g_source_unref);
    }
  g_clear_pointer (&self->bus, pz_store_bus_free);
  if (self->bus_retry == NULL)
    {
      self->bus_retry = g_timeout_source_new_seconds (2);
      g_source_set_callback (self->bus_retry, bus_retry_cb, self, NULL);
      g_source_attach (self->bus_retry, g_main_context_get_thread_default ());
    }
}

/**
 * events_bus_start:
 * @self: a server
 *
 * On a database several servers may share, listens for what the others
 * announce, and tries again every two seconds while it cannot.
 */
void
events_bus_start (PzServer *self)
{
  g_autoptr(GError) error = NULL;
  const char *location = pz_engine_get_db_location (self->engine);

  if (self->bus || !(self->bus = pz_store_bus_open (location, &error)))
    {
      if (error)
        {
          g_message ("The other servers' changes are not heard: %s", error->message);
          bus_lost (self);
        }
      return;
    }
  self->bus_watch = g_unix_fd_source_new (pz_store_bus_socket (self->bus), G_IO_IN | G_IO_ERR | G_IO_HUP);
  g_source_set_callback (self->bus_watch, G_SOURCE_FUNC (bus_readable), self, NULL);
  g_source_attach (self->bus_watch, g_main_context_get_thread_default ());
  /* what arrived while the connection was being made */
  bus_readable (-1, G_IO_IN, self);
}

/**
 * server_leads:
 * @self: a server
 *
 * Whether the periodic jobs that change the office (escalation, purges,
 * messages) run here: always on SQLite, where the server is alone; on
 * PostgreSQL on one server of all those on the database at a time.
 */
gboolean
server_leads (PzServer *self)
{
  const char *location = pz_engine_get_db_location (self->engine);

  if (!g_str_has_prefix (location, "postgresql://") && !g_str_has_prefix (location, "postgres://"))
    return TRUE;
  return self->bus && pz_store_bus_lead (self->bus);
}

static gboolean
outbox_leads (gpointer data)
{
  return server_leads (data);
}

/* (nullable): the bus to the other servers, while it is there */
PzStoreBus *
server_bus (gpointer data)
{
  PzServer *self = data;
  return self->bus;
}

/* for the outbox, which asks before each round */
GSourceFunc
server_leads_func (void)
{
  return outbox_leads;
}

void
events_bus_stop (PzServer *self)
{
  if (self->bus_watch)
    {
      g_source_destroy (self->bus_watch);
      g_clear_pointer (&self->bus_watch, g_source_unref);
    }
  if (self->bus_retry)
    {
      g_source_destroy (self->bus_retry);
      g_clear_pointer (&self->bus_retry, g_source_unref);
    }
  g_clear_pointer (&self->bus, pz_store_bus_free);
}

/* Tells every connected desktop that a file changed; the desktops fetch
 * what they show. */
void
announce (PzServer      *self,
          PzApplication *app)
{
  g_autofree char *text = event_json (app->office_id, app->id, app->step, app->status, app->version);
  broadcast (self, text);
}

void
announce_id (PzServer *self,
             gint64    office_id,
             gint64    id)
{
  g_autoptr(PzApplication) app = pz_engine_get_application (self->engine, office_id, id, NULL);

  if (app)
    announce (self, app);
}

static void
socket_closed (SoupWebsocketConnection *conn,
               PzServer                *self)
{
  g_ptr_array_remove (self->sockets, conn);
}

void
websocket_callback (SoupServer              *soup,
                    SoupServerMessage       *msg,
                    const char              *path,
                    SoupWebsocketConnection *conn,
                    gpointer                 data)
{
  PzServer *self = data;
  Req req = { 0 };
  g_autofree char *token = NULL;
  g_autofree char *hash = NULL;
  g_autoptr(PzUser) user = NULL;

  /* libsoup answers the handshake before any handler can refuse it; a
   * socket without a live session is closed before it hears anything. */
  req.server = self;
  req.msg = msg;
  token = bearer_token (&req);
  hash = token ? pz_auth_hash_token (token) : NULL;
  user = hash && pz_store_touch_session (pz_engine_get_store (self->engine), hash, now_seconds (),
                                         self->config->session_idle_seconds)
         ? pz_store_session_user (pz_engine_get_store (self->engine), hash, now_seconds (), NULL) : NULL;
  if (user == NULL)
    {
      soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, "unauthorized");
      return;
    }

  /* the socket lives only as long as its session */
  g_object_set_data_full (G_OBJECT (conn), "pz-token-hash", g_steal_pointer (&hash), g_free);
  g_object_set_data (G_OBJECT (conn), "pz-office", GSIZE_TO_POINTER ((gsize) user->office_id));
  soup_websocket_connection_set_keepalive_interval (conn, 30);
  g_signal_connect_object (conn, "closed", G_CALLBACK (socket_closed), self, 0);
  g_ptr_array_add (self->sockets, g_object_ref (conn));
}

/* Closes the event sockets whose session ended: logged out, its
 * password reset, its user deactivated, expired or idle. */
void
close_ended_sockets (PzServer *self)
{
  PzStore *store = pz_engine_get_store (self->engine);
  g_autoptr(GPtrArray) ended = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 now = now_seconds ();

  for (guint i = 0; i < self->sockets->len; i++)
    {
      SoupWebsocketConnection *conn = g_ptr_array_index (self->sockets, i);
      const char *hash = g_object_get_data (G_OBJECT (conn), "pz-token-hash");

      if (!pz_store_session_live (store, hash, now, self->config->session_idle_seconds))
        g_ptr_array_add (ended, g_object_ref (conn));
    }
  for (guint i = 0; i < ended->len; i++)
    {
      SoupWebsocketConnection *conn = g_ptr_array_index (ended, i);

      if (soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, "session ended");
    }
}

/* Ended sessions and old answers to retries are deleted now and then. */
gboolean
purge_cb (gpointer data)
{
  PzServer *self = data;
  g_autoptr(GError) error = NULL;
  gint64 n;

  flush_batch (self);
  close_ended_sockets (self);
  if (!server_leads (self))
    return G_SOURCE_CONTINUE;
  /* failed logins not tried again for a day */
  if (self->bus)
    pz_store_bus_throttle_purge (self->bus, g_get_real_time () - G_TIME_SPAN_DAY);
  n = pz_store_purge (pz_engine_get_store (self->engine), now_seconds (), self->config->session_idle_seconds,
                      self->config->idempotency_seconds, &error);
  if (n < 0)
    g_warning ("Cannot delete ended sessions: %s", error->message);
  else if (n > 0)
    g_debug ("Deleted %" G_GINT64_FORMAT " ended sessions and old retry answers", n);
  return G_SOURCE_CONTINUE;
}
