/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The event stream: /api/v1/events, what is announced on it, and the
 * sockets that close with their session. */
#define G_LOG_DOMAIN "pz-server"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pz-http-private.h"

char *
event_json (gint64      id,
            const char *step,
            const char *status,
            gint64      version)
{
  g_autoptr(PzJsonWriter) w = pz_json_writer_new ();

  pz_json_writer_begin_object (w);
  pz_json_writer_member (w, "type");
  pz_json_writer_string (w, "application.changed");
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

void
broadcast (PzServer   *self,
           const char *text)
{
  for (guint i = 0; i < self->sockets->len; i++)
    {
      SoupWebsocketConnection *conn = g_ptr_array_index (self->sockets, i);

      if (soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_send_text (conn, text);
    }
}

/* Tells every connected desktop that a file changed; the desktops fetch
 * what they show. */
void
announce (PzServer      *self,
          PzApplication *app)
{
  g_autofree char *text = event_json (app->id, app->step, app->status, app->version);
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
  n = pz_store_purge (pz_engine_get_store (self->engine), now_seconds (), self->config->session_idle_seconds,
                      self->config->idempotency_seconds, &error);
  if (n < 0)
    g_warning ("Cannot delete ended sessions: %s", error->message);
  else if (n > 0)
    g_debug ("Deleted %" G_GINT64_FORMAT " ended sessions and old retry answers", n);
  return G_SOURCE_CONTINUE;
}
