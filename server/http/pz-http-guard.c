/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-server"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pz-http-guard.h"

/* Request bodies */

/**
 * pz_json_depth_ok:
 * @data: a JSON text, not necessarily valid
 * @size: its length
 * @max_depth: the deepest nesting allowed
 *
 * Counts the nesting of arrays and objects without parsing, skipping
 * strings and their escapes, so that a parser is only given texts it can
 * walk without running out of stack.
 */
gboolean
pz_json_depth_ok (const char *data,
                  gsize       size,
                  guint       max_depth)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < size; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      switch (c)
        {
        case '"':
          in_string = TRUE;
          break;
        case '[':
        case '{':
          if (++depth > max_depth)
            return FALSE;
          break;
        case ']':
        case '}':
          if (depth > 0)
            depth--;
          break;
        default:
          break;
        }
    }
  return TRUE;
}

const char *
pz_method_label (const char *method)
{
  static const char * const known[] = {
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", NULL
  };

  for (guint i = 0; method && known[i]; i++)
    if (strcmp (method, known[i]) == 0)
      return known[i];
  return "OTHER";
}

/**
 * pz_has_proxy_header:
 * @headers: a request's headers
 *
 * Whether any header tells of a proxy or of a client behind one: the
 * standard Forwarded and Via, every X-Forwarded-*, and the names CDNs and
 * load balancers use for the client's address.
 */
gboolean
pz_has_proxy_header (SoupMessageHeaders *headers)
{
  static const char * const names[] = {
    "Forwarded", "Via", "X-Real-IP", "X-Client-IP", "True-Client-IP", "CF-Connecting-IP",
    "X-Cluster-Client-IP", "Fastly-Client-IP", "X-Originating-IP", "X-ProxyUser-Ip",
    "Client-IP", "X-Host", "X-Original-Forwarded-For", NULL
  };
  SoupMessageHeadersIter iter;
  const char *name, *value;

  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      if (g_ascii_strncasecmp (name, "X-Forwarded", strlen ("X-Forwarded")) == 0)
        return TRUE;
      for (guint i = 0; names[i]; i++)
        if (g_ascii_strcasecmp (name, names[i]) == 0)
          return TRUE;
    }
  return FALSE;
}

static char *
error_body (const char *code,
            const char *message)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, code);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

char *
pz_http_guard_too_large_body (void)
{
  return error_body ("too_large", _("The request is too large"));
}

/* Connections */

struct _PzHttpGuard
{
  SoupServer             *soup;
  guint                   idle_timeout;
  guint                   max_per_client;
  GHashTable             *open; /* GSocket -> Open */
  GHashTable             *per_address; /* address -> open connections */
  gboolean                https;

  GSocket                *listener;
  SoupServerListenOptions options;
  GSource                *watchdog;
  guint64                 accepted;
  guint64                 accepted_at_check;
  gboolean                was_pending;
  gint64                  last_refusal_log;

  PzHttpGuardRefused      refused_func;
  gpointer                refused_data;
};

static GQuark
deadline_quark (void)
{
  return g_quark_from_static_string ("pz-guard-deadline");
}

static GQuark
refusing_quark (void)
{
  return g_quark_from_static_string ("pz-guard-refusing");
}

typedef struct {
  char    *address;
  gint64   gone_since;  /* when the client was first seen gone, or 0 */
  GSource *idle;        /* between an answer and the next request */
} Open;

static void
open_stop_idle (Open *o)
{
  if (o->idle)
    {
      g_source_destroy (o->idle);
      g_clear_pointer (&o->idle, g_source_unref);
    }
}

static void
open_free (Open *o)
{
  open_stop_idle (o);
  g_free (o->address);
  g_free (o);
}

PzHttpGuard *
pz_http_guard_new (SoupServer *soup,
                   guint       idle_timeout,
                   guint       max_per_client)
{
  PzHttpGuard *self = g_new0 (PzHttpGuard, 1);

  self->soup = soup;
  self->idle_timeout = idle_timeout;
  self->max_per_client = max_per_client;
  self->open = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref, (GDestroyNotify) open_free);
  self->per_address = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return self;
}

void
pz_http_guard_free (PzHttpGuard *self)
{
  if (self == NULL)
    return;
  if (self->watchdog)
    {
      g_source_destroy (self->watchdog);
      g_source_unref (self->watchdog);
    }
  g_clear_object (&self->listener);
  g_hash_table_unref (self->open);
  g_hash_table_unref (self->per_address);
  g_free (self);
}

void
pz_http_guard_set_refused_func (PzHttpGuard       *self,
                                PzHttpGuardRefused func,
                                gpointer           data)
{
  self->refused_func = func;
  self->refused_data = data;
}

/* Whether the client has closed its side of the connection. */
static gboolean
client_gone (GSocket *socket)
{
  GIOCondition cond = g_socket_condition_check (socket, G_IO_IN | G_IO_HUP | G_IO_ERR);
  char byte;

  if (cond & (G_IO_HUP | G_IO_ERR))
    return TRUE;
  return (cond & G_IO_IN) && recv (g_socket_get_fd (socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

/* How long a connection whose client has gone may stay open. libsoup 3.2
 * forgets a kept-alive connection whose client closes it at the wrong
 * moment, which would hold its descriptor for ever. */
#define GONE_SECONDS 5

/* Forgets the connections libsoup has closed, and closes those it forgot:
 * at once when @pressed (an address at its cap), else after a while. */
static void
sweep (PzHttpGuard *self,
       gboolean     pressed)
{
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  gpointer socket, value;

  g_hash_table_iter_init (&iter, self->open);
  while (g_hash_table_iter_next (&iter, &socket, &value))
    {
      Open *o = value;
      guint n;

      if (!g_socket_is_closed (socket))
        {
          if (!client_gone (socket))
            o->gone_since = 0;
          else if (o->gone_since == 0)
            o->gone_since = now;
          if (o->gone_since == 0 || (!pressed && now - o->gone_since < GONE_SECONDS * G_USEC_PER_SEC))
            continue;
          g_socket_close (socket, NULL);
        }
      n = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_address, o->address));
      if (n <= 1)
        g_hash_table_remove (self->per_address, o->address);
      else
        g_hash_table_insert (self->per_address, g_strdup (o->address), GUINT_TO_POINTER (n - 1));
      g_hash_table_iter_remove (&iter);
    }
}

/* libsoup stops accepting for good when an accept fails (no file
 * descriptor left, say). Once a second: connections waiting while none was
 * taken since the last look, and a descriptor free again, mean the
 * listener has stopped; another one takes over on the same socket. */
static gboolean
watch_listener (gpointer data)
{
  PzHttpGuard *self = data;
  gboolean pending = (g_socket_condition_check (self->listener, G_IO_IN) & G_IO_IN) != 0;

  sweep (self, FALSE);
  if (pending && self->was_pending && self->accepted == self->accepted_at_check)
    {
      int fd = dup (g_socket_get_fd (self->listener));

      if (fd >= 0)
        {
          g_autoptr(GError) error = NULL;

          close (fd);
          if (soup_server_listen_socket (self->soup, self->listener, self->options, &error))
            g_message ("Accepting connections again");
          else
            g_warning ("Cannot accept connections: %s", error->message);
          pending = FALSE;
        }
    }
  self->was_pending = pending;
  self->accepted_at_check = self->accepted;
  return G_SOURCE_CONTINUE;
}

void
pz_http_guard_watch_listener (PzHttpGuard            *self,
                              GSocket                *listener,
                              SoupServerListenOptions options)
{
  g_set_object (&self->listener, listener);
  self->options = options;
  self->https = (options & SOUP_SERVER_LISTEN_HTTPS) != 0;
  if (self->watchdog == NULL)
    {
      self->watchdog = g_timeout_source_new_seconds (1);
      g_source_set_callback (self->watchdog, watch_listener, self, NULL);
      g_source_attach (self->watchdog, g_main_context_get_thread_default ());
    }
}

/* Answers a connection over the cap (plain HTTP only: a TLS client gets the
 * connection closed) and shuts it; libsoup then closes it. */
static void
refuse_connection (PzHttpGuard *self,
                   GSocket     *socket,
                   const char  *address)
{
  gint64 now = g_get_monotonic_time ();

  if (!self->https)
    {
      g_autofree char *body = error_body ("too_many_connections",
                                          _("Too many connections from this address; close some and try again"));
      g_autofree char *answer = g_strdup_printf ("HTTP/1.1 429 Too Many Requests\r\n"
                                                 "Content-Type: application/json; charset=utf-8\r\n"
                                                 "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                                                 "Retry-After: 5\r\n"
                                                 "Connection: close\r\n\r\n%s",
                                                 strlen (body), body);

      g_socket_send (socket, answer, strlen (answer), NULL, NULL);
    }
  g_socket_shutdown (socket, TRUE, TRUE, NULL);
  /* one line a minute, however hard the client tries */
  if (now - self->last_refusal_log > 60 * G_USEC_PER_SEC)
    {
      g_autofree char *safe = pz_log_escape (address, 64);

      self->last_refusal_log = now;
      g_message ("Refused connections from %s: more than %u open", safe, self->max_per_client);
    }
}

static gboolean
deadline_passed (gpointer data)
{
  GSocket *socket = data;

  /* a shut socket ends the connection the next time libsoup reads */
  g_socket_shutdown (socket, TRUE, TRUE, NULL);
  return G_SOURCE_REMOVE;
}

static void
deadline_free (gpointer data)
{
  GSource *source = data;

  g_source_destroy (source);
  g_source_unref (source);
}

static void
headers_arrived (SoupServerMessage *msg,
                 gpointer           data)
{
  g_object_set_qdata (G_OBJECT (msg), deadline_quark (), NULL);
}

void
pz_http_guard_request_started (PzHttpGuard       *self,
                               SoupServerMessage *msg)
{
  GSocket *socket = soup_server_message_get_socket (msg);

  if (socket == NULL)
    return;

  {
    Open *o = g_hash_table_lookup (self->open, socket);

    if (o)
      open_stop_idle (o);
  }
  if (!g_hash_table_contains (self->open, socket))
    {
      /* a new connection */
      g_autoptr(GSocketAddress) remote = g_socket_get_remote_address (socket, NULL);
      g_autofree char *address = NULL;
      guint n;

      self->accepted++;
      if (G_IS_INET_SOCKET_ADDRESS (remote))
        address = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));
      else
        address = g_strdup ("unknown");
      n = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_address, address)) + 1;
      if (self->max_per_client && n > self->max_per_client)
        {
          sweep (self, TRUE);
          n = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_address, address)) + 1;
        }
      if (self->max_per_client && n > self->max_per_client)
        {
          refuse_connection (self, socket, address);
          return;
        }
      g_hash_table_insert (self->per_address, g_strdup (address), GUINT_TO_POINTER (n));
      {
        Open *o = g_new0 (Open, 1);

        o->address = g_steal_pointer (&address);
        g_hash_table_insert (self->open, g_object_ref (socket), o);
      }

      /* a silent connection (idle, or a client that stopped sending or
       * reading) fails its next read or write */
      g_socket_set_timeout (socket, self->idle_timeout);
    }

  /* the headers must come within the time, however slowly they trickle */
  {
    GSource *source = g_timeout_source_new_seconds (self->idle_timeout);

    g_source_set_callback (source, deadline_passed, g_object_ref (socket), g_object_unref);
    g_source_attach (source, g_main_context_get_thread_default ());
    g_object_set_qdata_full (G_OBJECT (msg), deadline_quark (), source, deadline_free);
    g_signal_connect (msg, "got-headers", G_CALLBACK (headers_arrived), NULL);
  }
}

void
pz_http_guard_request_finished (PzHttpGuard       *self,
                                SoupServerMessage *msg)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  Open *o = socket ? g_hash_table_lookup (self->open, socket) : NULL;

  if (o == NULL || g_socket_is_closed (socket))
    return;
  /* a kept-alive connection has this long to send its next request */
  open_stop_idle (o);
  o->idle = g_timeout_source_new_seconds (self->idle_timeout);
  g_source_set_callback (o->idle, deadline_passed, g_object_ref (socket), g_object_unref);
  g_source_attach (o->idle, g_main_context_get_thread_default ());
}

/* Refusing: the answer is written on the connection taken from libsoup,
 * which would otherwise read the whole body before answering. */

typedef struct {
  SoupServerMessage *msg;
  GIOStream         *stream;
  GSocket           *socket;
  gboolean           https;
  char              *answer;
  gsize              drained;
  GCancellable      *cancellable;
  GSource           *timer;
  char               buffer[16384];
} Refusal;

static void
refusal_free (Refusal *r)
{
  g_clear_object (&r->msg);
  g_clear_object (&r->stream);
  if (r->socket)
    g_socket_close (r->socket, NULL);
  g_clear_object (&r->socket);
  g_free (r->answer);
  g_clear_object (&r->cancellable);
  if (r->timer)
    {
      g_source_destroy (r->timer);
      g_source_unref (r->timer);
    }
  g_free (r);
}

static void
refusal_closed (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  g_io_stream_close_finish (G_IO_STREAM (source), result, NULL);
  refusal_free (data);
}

static void
refusal_close (Refusal *r)
{
  if (r->timer)
    {
      g_source_destroy (r->timer);
      g_clear_pointer (&r->timer, g_source_unref);
    }
  g_io_stream_close_async (r->stream, G_PRIORITY_DEFAULT, NULL, refusal_closed, r);
}

/* The client may still be sending: what it sent is read and dropped for a
 * moment, so that closing does not reset the connection before it has read
 * the answer. Bounded in time and bytes. */
#define LINGER_BYTES (1024 * 1024)
#define LINGER_SECONDS 2

static void drain (Refusal *r);

static void
drained (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Refusal *r = data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n <= 0)
    {
      refusal_close (r);
      return;
    }
  r->drained += (gsize) n;
  if (r->drained >= LINGER_BYTES)
    refusal_close (r);
  else
    drain (r);
}

static void
drain (Refusal *r)
{
  g_input_stream_read_async (g_io_stream_get_input_stream (r->stream), r->buffer, sizeof r->buffer,
                             G_PRIORITY_DEFAULT, r->cancellable, drained, r);
}

static gboolean
linger_over (gpointer data)
{
  Refusal *r = data;

  g_clear_pointer (&r->timer, g_source_unref);
  g_cancellable_cancel (r->cancellable);
  return G_SOURCE_REMOVE;
}

static void
refusal_written (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  Refusal *r = data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL))
    {
      refusal_close (r);
      return;
    }
  /* no more to say: the client sees the end of the answer */
  if (r->socket && !r->https)
    g_socket_shutdown (r->socket, FALSE, TRUE, NULL);
  r->cancellable = g_cancellable_new ();
  r->timer = g_timeout_source_new_seconds (LINGER_SECONDS);
  g_source_set_callback (r->timer, linger_over, r, NULL);
  g_source_attach (r->timer, g_main_context_get_thread_default ());
  drain (r);
}

static gboolean
refusal_take (gpointer data)
{
  Refusal *r = data;

  r->stream = soup_server_message_steal_connection (r->msg);
  g_clear_object (&r->msg);
  if (r->stream == NULL)
    {
      refusal_free (r);
      return G_SOURCE_REMOVE;
    }
  g_output_stream_write_all_async (g_io_stream_get_output_stream (r->stream), r->answer, strlen (r->answer),
                                   G_PRIORITY_DEFAULT, NULL, refusal_written, r);
  return G_SOURCE_REMOVE;
}

void
pz_http_guard_refuse (PzHttpGuard       *self,
                      SoupServerMessage *msg,
                      guint              status,
                      const char        *body)
{
  SoupMessageHeadersIter iter;
  const char *name, *value;
  GString *answer;
  GSocket *socket;
  Refusal *r;

  if (g_object_get_qdata (G_OBJECT (msg), refusing_quark ()))
    return;
  g_object_set_qdata (G_OBJECT (msg), refusing_quark (), GINT_TO_POINTER (1));
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  if (self->refused_func)
    self->refused_func (msg, status, self->refused_data);

  answer = g_string_new (NULL);
  g_string_append_printf (answer, "HTTP/1.1 %u %s\r\n", status, soup_status_get_phrase (status));
  soup_message_headers_iter_init (&iter, soup_server_message_get_response_headers (msg));
  while (soup_message_headers_iter_next (&iter, &name, &value))
    if (g_ascii_strcasecmp (name, "Content-Length") != 0 && g_ascii_strcasecmp (name, "Content-Type") != 0 &&
        g_ascii_strcasecmp (name, "Connection") != 0 && g_ascii_strcasecmp (name, "Transfer-Encoding") != 0)
      g_string_append_printf (answer, "%s: %s\r\n", name, value);
  g_string_append_printf (answer, "Content-Type: application/json; charset=utf-8\r\n"
                          "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                          "Connection: close\r\n\r\n%s", strlen (body), body);

  r = g_new0 (Refusal, 1);
  r->msg = g_object_ref (msg);
  r->https = self->https;
  r->answer = g_string_free (answer, FALSE);
  socket = soup_server_message_get_socket (msg);
  if (socket)
    r->socket = g_object_ref (socket);
  /* no more reading here; the connection is taken once libsoup is out of
   * its read loop */
  soup_server_message_pause (msg);
  {
    g_autoptr(GSource) idle = g_idle_source_new ();

    g_source_set_priority (idle, G_PRIORITY_HIGH);
    g_source_set_callback (idle, refusal_take, r, NULL);
    g_source_attach (idle, g_main_context_get_thread_default ());
  }
}

/* Past its limit, a body is read and dropped for a while, so that a client
 * that sends it all before reading (most do) gets the answer; past this,
 * reading stops. */
#define DRAIN_BYTES (4 * 1024 * 1024)

typedef struct {
  PzHttpGuard *guard;
  gsize        limit;
  gsize        received;
} BodyCount;

/* Answers 413 once the body is read, and drops the rest of it. */
static void
answer_too_large (SoupServerMessage *msg)
{
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  if (soup_server_message_get_status (msg) == 0)
    {
      char *body = pz_http_guard_too_large_body ();

      soup_server_message_set_status (msg, 413, NULL);
      soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_TAKE,
                                        body, strlen (body));
    }
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
}

static void
body_chunk (SoupServerMessage *msg,
            GBytes            *chunk,
            BodyCount         *count)
{
  gsize before = count->received;

  count->received += g_bytes_get_size (chunk);
  if (count->received > count->limit && before <= count->limit)
    answer_too_large (msg);
  if (count->received > count->limit + DRAIN_BYTES)
    {
      g_autofree char *body = pz_http_guard_too_large_body ();

      pz_http_guard_refuse (count->guard, msg, 413, body);
    }
}

gboolean
pz_http_guard_limit_body (PzHttpGuard       *self,
                          SoupServerMessage *msg,
                          gsize              limit,
                          gboolean           keep)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);
  goffset length = soup_message_headers_get_content_length (headers);
  BodyCount *count;

  if (encoding == SOUP_ENCODING_CONTENT_LENGTH && length > (goffset) limit)
    {
      if (length - (goffset) limit > DRAIN_BYTES)
        {
          g_autofree char *body = pz_http_guard_too_large_body ();

          pz_http_guard_refuse (self, msg, 413, body);
          return FALSE;
        }
      answer_too_large (msg);
    }
  if (!keep)
    soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  if (encoding == SOUP_ENCODING_NONE)
    return TRUE;
  count = g_new0 (BodyCount, 1);
  count->guard = self;
  count->limit = limit;
  g_signal_connect_data (msg, "got-chunk", G_CALLBACK (body_chunk), count, (GClosureNotify) (void (*)(void))g_free, 0);
  return soup_server_message_get_status (msg) != 413;
}
