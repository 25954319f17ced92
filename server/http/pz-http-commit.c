/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Group commit: actions that arrive together share one transaction and
 * one durable commit; writes wait (off the main loop) for a database
 * another program holds. */
#define G_LOG_DOMAIN "pz-server"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pz-http-private.h"

static gboolean write_wait_retry (gpointer data);

/* Group commit */

void
flush_batch (PzServer *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) batch = NULL;
  g_autoptr(GPtrArray) events = NULL;
  PzStore *store;

  if (self->batch == NULL || self->engine == NULL)
    return;
  store = pz_engine_get_store (self->engine);
  if (self->batch_source)
    {
      GSource *source = g_main_context_find_source_by_id (g_main_context_get_thread_default (),
                                                          self->batch_source);
      if (source)
        g_source_destroy (source);
      self->batch_source = 0;
    }
  batch = g_steal_pointer (&self->batch);
  events = g_steal_pointer (&self->batch_events);

  if (!pz_store_commit (store, &error))
    {
      pz_store_rollback (store);
      g_warning ("Cannot commit %u actions: %s", batch->len, error->message);
    }
  for (guint i = 0; i < batch->len; i++)
    {
      SoupServerMessage *msg = g_ptr_array_index (batch, i);

      /* the answer held for this commit is replaced, never added to */
      if (error && g_error_matches (error, PZ_STORE_ERROR, PZ_STORE_ERROR_FULL))
        send_disk_full (msg);
      else if (error)
        send_error (msg, 500, "internal", _("The server could not save the change; try again"), NULL);
      soup_server_message_unpause (msg);
    }
  for (guint i = 0; error == NULL && i < events->len; i++)
    broadcast (self, g_ptr_array_index (events, i));
  if (error == NULL && self->outbox)
    pz_outbox_kick (self->outbox);
}

static gboolean
flush_batch_cb (gpointer data)
{
  PzServer *self = data;

  self->batch_source = 0;
  flush_batch (self);
  return G_SOURCE_REMOVE;
}

gboolean
join_batch (PzServer  *self,
            GError   **error)
{
  if (self->batch)
    return TRUE;
  if (!pz_store_begin (pz_engine_get_store (self->engine), error))
    return FALSE;
  self->batch = g_ptr_array_new_with_free_func (g_object_unref);
  self->batch_events = g_ptr_array_new_with_free_func (g_free);
  /* At the sockets' own priority: the commit runs once the requests that
   * are ready now have been handled, so a busy server batches more and an
   * idle one answers at once. */
  {
    g_autoptr(GSource) source = g_idle_source_new ();

    g_source_set_priority (source, G_PRIORITY_DEFAULT);
    g_source_set_callback (source, flush_batch_cb, self, NULL);
    g_source_set_static_name (source, "[perizinan] group commit");
    self->batch_source = g_source_attach (source, g_main_context_get_thread_default ());
  }
  return TRUE;
}

void
hold_for_batch (PzServer          *self,
                SoupServerMessage *msg)
{
  soup_server_message_pause (msg);
  g_ptr_array_add (self->batch, g_object_ref (msg));
}

/* The write lock.  Another process (a backup, an administrator's sqlite3)
 * may hold the database's write lock for a while. Waiting for it inside
 * SQLite would stop the main loop, and with it /healthz and every read;
 * so the main connection never waits long, and a request that is to write
 * waits here, on a timer, while everything else is answered. */

#define WRITE_WAIT_SECONDS 5

static void
write_wait_schedule (WriteWait *w)
{
  w->source = g_timeout_source_new (w->delay_ms);
  g_source_set_callback (w->source, write_wait_retry, w, NULL);
  g_source_set_static_name (w->source, "[perizinan] write lock");
  g_source_attach (w->source, g_main_context_get_thread_default ());
}

void
write_wait_end (WriteWait *w,
                gboolean   writable)
{
  PzServer *self = w->server;

  if (w->source)
    {
      g_source_destroy (w->source);
      g_clear_pointer (&w->source, g_source_unref);
    }
  self->write_waits = g_list_remove (self->write_waits, w);
  w->ready (self, w->data, writable);
  g_free (w);
}

static gboolean
write_wait_retry (gpointer data)
{
  WriteWait *w = data;
  PzServer *self = w->server;

  g_clear_pointer (&w->source, g_source_unref);
  if (pz_store_try_write_lock (pz_engine_get_store (self->engine)))
    write_wait_end (w, TRUE);
  else if (g_get_monotonic_time () >= w->deadline)
    {
      g_message ("The database stayed locked by another program for %d s; a request was refused",
                 WRITE_WAIT_SECONDS);
      write_wait_end (w, FALSE);
    }
  else
    {
      w->delay_ms = MIN (w->delay_ms * 2, 100);
      write_wait_schedule (w);
    }
  return G_SOURCE_REMOVE;
}

/* Calls @ready at once if the write lock is free, else once it is, or with
 * @writable %FALSE after WRITE_WAIT_SECONDS. */
void
when_writable (PzServer   *self,
               WriteReady  ready,
               gpointer    data)
{
  WriteWait *w;

  if (pz_store_try_write_lock (pz_engine_get_store (self->engine)))
    {
      ready (self, data, TRUE);
      return;
    }
  w = g_new0 (WriteWait, 1);
  w->server = self;
  w->ready = ready;
  w->data = data;
  w->deadline = g_get_monotonic_time () + WRITE_WAIT_SECONDS * G_USEC_PER_SEC;
  w->delay_ms = 5;
  self->write_waits = g_list_append (self->write_waits, w);
  write_wait_schedule (w);
}

void
send_busy (SoupServerMessage *msg,
           const char        *message,
           guint              retry_after)
{
  g_autofree char *seconds = g_strdup_printf ("%u", retry_after);

  send_error (msg, 503, "busy", message, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", seconds);
}
