/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Event sockets, as a desktop opens them on /api/v1/events. */
#include "config.h"

#include <string.h>

#include "pz-test-server.h"

struct _PzTestEvents
{
  SoupSession             *session;
  SoupWebsocketConnection *conn;
  GPtrArray               *messages;
  gboolean                 failed;
  gboolean                 closed;
};

static void
events_message (SoupWebsocketConnection *conn,
                int                      type,
                GBytes                  *message,
                PzTestEvents            *ev)
{
  g_ptr_array_add (ev->messages, g_strndup (g_bytes_get_data (message, NULL), g_bytes_get_size (message)));
}

static void
events_closed (SoupWebsocketConnection *conn,
               PzTestEvents            *ev)
{
  ev->closed = TRUE;
}

static void
events_connected (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  PzTestEvents *ev = data;
  g_autoptr(GError) error = NULL;

  ev->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (ev->conn == NULL)
    {
      ev->failed = TRUE;
      return;
    }
  g_signal_connect (ev->conn, "message", G_CALLBACK (events_message), ev);
  g_signal_connect (ev->conn, "closed", G_CALLBACK (events_closed), ev);
}

static void
spin_until (PzTestEvents *ev,
            gint64 until,
            gboolean ( *done ) (PzTestEvents *, gconstpointer),
            gconstpointer data)
{
  while (!(done && done (ev, data)) && g_get_monotonic_time () < until)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
}

/**
 * pz_test_events_open:
 *
 * Opens `/api/v1/events` with @token on the calling thread's default
 * main context, and waits until the server has had the time to close it
 * again if it would. Asserts that the socket opened.
 */
PzTestEvents *
pz_test_events_open (PzTestServer *ts,
                     const char   *token)
{
  PzTestEvents *ev = g_new0 (PzTestEvents, 1);
  g_autofree char *url = g_strdup_printf ("ws://127.0.0.1:%u/api/v1/events", pz_test_server_get_port (ts));
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
  gint64 until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  ev->session = soup_session_new ();
  ev->messages = g_ptr_array_new_with_free_func (g_free);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_session_websocket_connect_async (ev->session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL, events_connected, ev);
  while (ev->conn == NULL && !ev->failed && g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (ev->conn);
  spin_until (ev, g_get_monotonic_time () + 300 * 1000, NULL, NULL);
  return ev;
}

static gboolean
has_type (PzTestEvents *ev,
          gconstpointer type)
{
  g_autofree char *needle = g_strdup_printf ("\"type\":\"%s\"", (const char *) type);

  for (guint i = 0; i < ev->messages->len; i++)
    if (strstr (g_ptr_array_index (ev->messages, i), needle))
      return TRUE;
  return FALSE;
}

static gboolean
has_count (PzTestEvents *ev,
           gconstpointer data)
{
  const guint *n = data;
  return ev->messages->len >= *n;
}

/* Waits up to @ms for the @n-th event since the socket opened; returns how
 * many have come. */
guint
pz_test_events_wait_count (PzTestEvents *ev,
                           guint         n,
                           guint         ms)
{
  spin_until (ev, g_get_monotonic_time () + (gint64) ms * 1000, has_count, &n);
  return ev->messages->len;
}

/* (transfer none): the @i-th event received */
const char *
pz_test_events_nth (PzTestEvents *ev,
                    guint         i)
{
  return i < ev->messages->len ? g_ptr_array_index (ev->messages, i) : NULL;
}

/**
 * pz_test_events_find:
 * @type: an event's `type`
 * @ms: how long to wait for it
 *
 * Returns: (transfer none) (nullable): the first event of @type received
 * within @ms, as its JSON text.
 */
const char *
pz_test_events_find (PzTestEvents *ev,
                     const char   *type,
                     guint         ms)
{
  g_autofree char *needle = g_strdup_printf ("\"type\":\"%s\"", type);

  spin_until (ev, g_get_monotonic_time () + (gint64) ms * 1000, has_type, type);
  for (guint i = 0; i < ev->messages->len; i++)
    if (strstr (g_ptr_array_index (ev->messages, i), needle))
      return g_ptr_array_index (ev->messages, i);
  return NULL;
}

static gboolean
is_closed (PzTestEvents *ev,
           gconstpointer data)
{
  return ev->closed;
}

/* Whether the server closed the socket within @ms. */
gboolean
pz_test_events_closed (PzTestEvents *ev,
                       guint         ms)
{
  spin_until (ev, g_get_monotonic_time () + (gint64) ms * 1000, is_closed, NULL);
  return ev->closed;
}

void
pz_test_events_free (PzTestEvents *ev)
{
  if (ev->conn && !ev->closed)
    {
      soup_websocket_connection_close (ev->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      pz_test_events_closed (ev, 2000);
    }
  g_clear_object (&ev->conn);
  g_clear_object (&ev->session);
  g_ptr_array_unref (ev->messages);
  g_free (ev);
}
