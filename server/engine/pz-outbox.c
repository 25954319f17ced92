/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-outbox"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>

#include "pz-outbox.h"

/* Delivers the messages the actions wrote to the outbox: by e-mail over
 * SMTP and/or by running the office's gateway command (SMS, WhatsApp) with
 * the message as JSON on stdin. A message is marked per channel as soon as
 * that channel has it, so a restart resends only what was not delivered;
 * failures are retried with growing pauses. */
struct _PzOutbox
{
  PzStore       *store;
  PzOutboxConfig config;
  guint          timer;
  gboolean       busy;
  GCancellable  *cancellable;
  GSourceFunc    may_run;   /* whether this server delivers, of all on the database */
  gpointer       may_run_data;
  gboolean       retried;   /* what was being sent when the last holder stopped */
};

static void outbox_round (PzOutbox *self);

typedef struct {
  PzOutbox      *outbox;
  PzOutboxConfig config;     /* a copy: the thread must not need the outbox */
  PzMessage     *message;
  gboolean       email_ok;
  gboolean       command_ok;
  char          *error;
} Delivery;

static void
delivery_free (Delivery *d)
{
  g_free (d->config.smtp_host);
  g_free (d->config.smtp_username);
  g_free (d->config.smtp_password);
  g_free (d->config.smtp_from);
  g_free (d->config.command);
  pz_message_free (d->message);
  g_free (d->error);
  g_free (d);
}

/* SMTP, blocking: runs in a worker thread. */

static gboolean
smtp_reply (GDataInputStream *in,
            int               expect,
            GError          **error)
{
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line (in, NULL, NULL, error);

      if (line == NULL)
        {
          if (error && *error == NULL)
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "SMTP server closed the connection");
          return FALSE;
        }
      g_strchomp (line);
      if (strlen (line) < 4 || line[3] == ' ')
        {
          if (atoi (line) != expect)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "SMTP: %s", line);
              return FALSE;
            }
          return TRUE;
        }
    }
}

static gboolean
smtp_send (GOutputStream *out,
           const char    *text,
           GError       **error)
{
  return g_output_stream_write_all (out, text, strlen (text), NULL, NULL, error);
}

static char *
encode_header (const char *text)
{
  g_autofree char *b64 = g_base64_encode ((const guchar *) text, strlen (text));
  return g_strdup_printf ("=?UTF-8?B?%s?=", b64);
}

static gboolean
deliver_email (const PzOutboxConfig *config,
               PzMessage            *m,
               GError              **error)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  GOutputStream *out;
  g_autofree char *mail_from = NULL;
  g_autofree char *rcpt = NULL;
  g_autofree char *subject = encode_header (m->subject);
  g_autofree char *to_name = encode_header (m->recipient_name);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *date = g_date_time_format (now, "%a, %d %b %Y %H:%M:%S +0000");
  GString *data;
  const char *from = config->smtp_from ? config->smtp_from : "perizinan@localhost";

  g_socket_client_set_timeout (client, 30);
  conn = g_socket_client_connect_to_host (client, config->smtp_host, (guint16) config->smtp_port, NULL, error);
  if (conn == NULL)
    return FALSE;
  stream = G_IO_STREAM (g_object_ref (conn));
  in = g_data_input_stream_new (g_io_stream_get_input_stream (stream));
  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_ANY);
  out = g_io_stream_get_output_stream (stream);
  if (!smtp_reply (in, 220, error) || !smtp_send (out, "EHLO perizinan\r\n", error) || !smtp_reply (in, 250, error))
    return FALSE;

  if (config->smtp_starttls)
    {
      g_autoptr(GIOStream) tls = NULL;
      g_autoptr(GSocketConnectable) identity = g_network_address_new (config->smtp_host, (guint16) config->smtp_port);

      if (!smtp_send (out, "STARTTLS\r\n", error) || !smtp_reply (in, 220, error))
        return FALSE;
      tls = g_tls_client_connection_new (G_IO_STREAM (conn), identity, error);
      if (tls == NULL || !g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, error))
        return FALSE;
      g_clear_object (&in);
      g_clear_object (&stream);
      stream = g_steal_pointer (&tls);
      in = g_data_input_stream_new (g_io_stream_get_input_stream (stream));
      g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_ANY);
      out = g_io_stream_get_output_stream (stream);
      if (!smtp_send (out, "EHLO perizinan\r\n", error) || !smtp_reply (in, 250, error))
        return FALSE;
    }
  if (config->smtp_username && *config->smtp_username)
    {
      GString *plain = g_string_new (NULL);
      g_autofree char *b64 = NULL;
      g_autofree char *cmd = NULL;

      g_string_append_c (plain, '\0');
      g_string_append (plain, config->smtp_username);
      g_string_append_c (plain, '\0');
      g_string_append (plain, config->smtp_password ? config->smtp_password : "");
      b64 = g_base64_encode ((const guchar *) plain->str, plain->len);
      g_string_free (plain, TRUE);
      cmd = g_strdup_printf ("AUTH PLAIN %s\r\n", b64);
      if (!smtp_send (out, cmd, error) || !smtp_reply (in, 235, error))
        return FALSE;
    }

  mail_from = g_strdup_printf ("MAIL FROM:<%s>\r\n", from);
  rcpt = g_strdup_printf ("RCPT TO:<%s>\r\n", m->email);
  if (!smtp_send (out, mail_from, error) || !smtp_reply (in, 250, error) ||
      !smtp_send (out, rcpt, error) || !smtp_reply (in, 250, error) ||
      !smtp_send (out, "DATA\r\n", error) || !smtp_reply (in, 354, error))
    return FALSE;

  data = g_string_new (NULL);
  g_string_append_printf (data, "From: %s\r\nTo: %s <%s>\r\nSubject: %s\r\nDate: %s\r\n"
                          "Message-ID: <outbox-%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT "@perizinan>\r\n"
                          "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                          "Content-Transfer-Encoding: 8bit\r\n\r\n",
                          from, to_name, m->email, subject, date, m->id, m->created_at);
  {
    g_auto(GStrv) lines = g_strsplit (m->body, "\n", -1);

    for (guint i = 0; lines[i]; i++)
      {
        if (lines[i][0] == '.')
          g_string_append_c (data, '.');   /* dot-stuffing */
        g_string_append (data, lines[i]);
        g_string_append (data, "\r\n");
      }
  }
  g_string_append (data, ".\r\n");
  if (!smtp_send (out, data->str, error))
    {
      g_string_free (data, TRUE);
      return FALSE;
    }
  g_string_free (data, TRUE);
  if (!smtp_reply (in, 250, error))
    return FALSE;
  smtp_send (out, "QUIT\r\n", NULL);
  return TRUE;
}

static char *
message_json (PzMessage *m)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, m->id);
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, m->kind);
  json_builder_set_member_name (b, "registration_number");
  json_builder_add_string_value (b, m->registration_number);
  json_builder_set_member_name (b, "to");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, m->recipient_name);
  json_builder_set_member_name (b, "email");
  json_builder_add_string_value (b, m->email);
  json_builder_set_member_name (b, "phone");
  json_builder_add_string_value (b, m->phone);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "subject");
  json_builder_add_string_value (b, m->subject);
  json_builder_set_member_name (b, "body");
  json_builder_add_string_value (b, m->body);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static gboolean
deliver_command (const PzOutboxConfig *config,
                 PzMessage            *m,
                 GError              **error)
{
  g_autofree char *json = message_json (m);
  g_autoptr(GSubprocess) proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE,
                                                  error, "/bin/sh", "-c", config->command, NULL);

  if (proc == NULL || !g_subprocess_communicate_utf8 (proc, json, NULL, NULL, NULL, error))
    return FALSE;
  if (!g_subprocess_get_successful (proc))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "gateway command exited with status %d",
                   g_subprocess_get_exit_status (proc));
      return FALSE;
    }
  return TRUE;
}

static void
deliver_thread (GTask        *task,
                gpointer      source,
                gpointer      data,
                GCancellable *cancellable)
{
  Delivery *d = data;
  const PzOutboxConfig *config = &d->config;
  g_autoptr(GError) error = NULL;

  if (!d->message->email_done)
    {
      if (!deliver_email (config, d->message, &error))
        d->error = g_strdup (error->message);
      else
        d->email_ok = TRUE;
      g_clear_error (&error);
    }
  if (!d->message->command_done)
    {
      if (!deliver_command (config, d->message, &error))
        d->error = g_strdup (error->message);
      else
        d->command_ok = TRUE;
    }
  g_task_return_boolean (task, TRUE);
}

static void
delivered (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Delivery *d = g_task_get_task_data (G_TASK (result));
  PzOutbox *self;
  PzMessage *m = d->message;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;   /* the outbox is gone; the message stays queued */
  self = d->outbox;
  m->email_done = m->email_done || d->email_ok;
  m->command_done = m->command_done || d->command_ok;
  if (!m->email_done || !m->command_done)
    {
      m->attempts++;
      /* 30 s, 1, 2, 4 … minutes, at most an hour */
      m->next_attempt_at = now + MIN ((gint64) 30 << MIN (m->attempts - 1, 7), 3600);
      g_free (m->last_error);
      m->last_error = g_strdup (d->error);
      {
        /* what a mail server or a gateway said: escaped, on one line */
        g_autofree char *said = pz_log_escape (d->error ? d->error : "?", 500);

        g_message ("Message %" G_GINT64_FORMAT " to %s not delivered (attempt %d): %s", m->id,
                   m->registration_number, m->attempts, said);
      }
    }
  if (!pz_store_update_message (self->store, m, now, &error))
    g_warning ("Cannot record the delivery of message %" G_GINT64_FORMAT ": %s", m->id, error->message);
  self->busy = FALSE;
  outbox_round (self);
}

static void
outbox_round (PzOutbox *self)
{
  g_autoptr(GPtrArray) due = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (self->busy || (self->may_run && !self->may_run (self->may_run_data)))
    return;
  if (!self->retried)
    {
      pz_store_retry_pending_messages (self->store, now, NULL);
      self->retried = TRUE;
    }
  due = pz_store_due_messages (self->store, now, 20);
  for (guint i = 0; i < due->len; i++)
    {
      PzMessage *m = g_ptr_array_index (due, i);
      gboolean changed = FALSE;

      /* channels that do not apply are done at once */
      if (!m->email_done && (self->config.smtp_host == NULL || m->email == NULL || *m->email == '\0'))
        m->email_done = changed = TRUE;
      if (!m->command_done && self->config.command == NULL)
        m->command_done = changed = TRUE;
      if (m->email_done && m->command_done)
        {
          if (changed)
            pz_store_update_message (self->store, m, now, NULL);
          continue;
        }
      {
        Delivery *d = g_new0 (Delivery, 1);
        g_autoptr(GTask) task = g_task_new (NULL, self->cancellable, delivered, NULL);

        d->outbox = self;
        d->config = self->config;
        d->config.smtp_host = g_strdup (self->config.smtp_host);
        d->config.smtp_username = g_strdup (self->config.smtp_username);
        d->config.smtp_password = g_strdup (self->config.smtp_password);
        d->config.smtp_from = g_strdup (self->config.smtp_from);
        d->config.command = g_strdup (self->config.command);
        d->message = g_steal_pointer (&due->pdata[i]);
        g_task_set_task_data (task, d, (GDestroyNotify) delivery_free);
        self->busy = TRUE;
        g_task_run_in_thread (task, deliver_thread);
        return;   /* one at a time; the next round follows its result */
      }
    }
}

static gboolean
outbox_timer (gpointer data)
{
  outbox_round (data);
  return G_SOURCE_CONTINUE;
}

/**
 * pz_outbox_new:
 * @store: the store whose outbox to deliver
 * @config: how to deliver
 *
 * Returns: (transfer full): the sender, already at work
 */
PzOutbox *
pz_outbox_new (PzStore              *store,
               const PzOutboxConfig *config)
{
  PzOutbox *self = g_new0 (PzOutbox, 1);
  g_autoptr(GSource) source = g_timeout_source_new_seconds (MAX (config->interval, 1));

  self->store = store;
  self->config = *config;
  self->config.smtp_host = g_strdup (config->smtp_host);
  self->config.smtp_username = g_strdup (config->smtp_username);
  self->config.smtp_password = g_strdup (config->smtp_password);
  self->config.smtp_from = g_strdup (config->smtp_from);
  self->config.command = g_strdup (config->command);
  self->cancellable = g_cancellable_new ();
  g_source_set_callback (source, outbox_timer, self, NULL);
  self->timer = g_source_attach (source, g_main_context_get_thread_default ());
  return self;
}

/**
 * pz_outbox_kick:
 * @self: a sender
 *
 * New messages were committed: deliver now rather than at the next round.
 */
/**
 * pz_outbox_set_may_run:
 * @self: a sender
 * @may_run: asked before each round whether this server delivers
 * @data: for @may_run
 *
 * Of several servers on one database, one delivers at a time.
 */
void
pz_outbox_set_may_run (PzOutbox   *self,
                       GSourceFunc may_run,
                       gpointer    data)
{
  self->may_run = may_run;
  self->may_run_data = data;
}

void
pz_outbox_kick (PzOutbox *self)
{
  outbox_round (self);
}

void
pz_outbox_free (PzOutbox *self)
{
  GSource *source;

  if (self == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  source = g_main_context_find_source_by_id (g_main_context_get_thread_default (), self->timer);
  if (source)
    g_source_destroy (source);
  g_clear_object (&self->cancellable);
  g_free (self->config.smtp_host);
  g_free (self->config.smtp_username);
  g_free (self->config.smtp_password);
  g_free (self->config.smtp_from);
  g_free (self->config.command);
  g_free (self);
}
