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

/* A batch's commit, handed to the commit thread. */
typedef struct _Commit
{
  PzServer     *server;    /* main thread only; not used once finished */
  PzStore      *store;
  GMainContext *context;
  GPtrArray    *batch;     /* SoupServerMessage, paused */
  GPtrArray    *events;
  GMutex        lock;
  GCond         cond;
  gboolean      done;      /* under lock: the transaction has ended */
  GError       *error;     /* under lock: why it was not committed */
  gboolean      finished;  /* main thread: the answers have gone */
} Commit;

static void
commit_clear (Commit *c)
{
  g_clear_pointer (&c->batch, g_ptr_array_unref);
  g_clear_pointer (&c->events, g_ptr_array_unref);
  g_clear_pointer (&c->context, g_main_context_unref);
  g_clear_error (&c->error);
  g_mutex_clear (&c->lock);
  g_cond_clear (&c->cond);
}

static void
commit_unref (gpointer data)
{
  g_atomic_rc_box_release_full (data, (GDestroyNotify) commit_clear);
}

/* Answers what was held for a batch: its answers if it is on disk, else an
 * error in place of each; then the events and the outbox. */
static void
answer_batch (PzServer  *self,
              GPtrArray *batch,
              GPtrArray *events,
              GError    *error,
              gboolean   kick_later)
{
  if (error)
    g_warning ("Cannot commit %u actions: %s", batch->len, error->message);
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
  if (error == NULL)
    broadcast_all (self, events);
  /* the outbox reads the store: from the main loop, if this is a wait
   * inside another use of the store; and only if the batch queued a
   * message, as most actions do not */
  if (error == NULL && self->outbox && self->engine &&
      pz_store_messages_queued (pz_engine_get_store (self->engine)) != self->outbox_seen)
    {
      self->outbox_seen = pz_store_messages_queued (pz_engine_get_store (self->engine));
      if (kick_later)
        self->outbox_kick = TRUE;
      else
        pz_outbox_kick (self->outbox);
    }
}

/* On the main thread, once the commit thread has ended the transaction. */
static void
commit_finish (Commit *c)
{
  PzServer *self = c->server;

  g_assert (c->done && !c->finished && self->committing == c);
  /* self->committing's reference is dropped at the end */
  c->finished = TRUE;
  self->committing = NULL;
  pz_store_give_back (c->store);
  answer_batch (self, c->batch, c->events, c->error, TRUE);
  /* the requests that waited for the store, from the main loop: not from
   * within whoever waited here */
  resume_deferred (self);
  commit_unref (c);  /* self->committing's */
}

static gboolean
commit_done_cb (gpointer data)
{
  Commit *c = data;

  if (!c->finished)
    commit_finish (c);
  return G_SOURCE_REMOVE;
}

static Commit commit_stop;  /* tells the thread to end */

static gpointer
commit_thread_run (gpointer data)
{
  GAsyncQueue *queue = data;
  Commit *c;

  while ((c = g_async_queue_pop (queue)) != &commit_stop)
    {
      g_autoptr(GError) error = NULL;

      pz_store_commit_lent (c->store, &error);
      g_mutex_lock (&c->lock);
      c->error = g_steal_pointer (&error);
      c->done = TRUE;
      g_cond_signal (&c->cond);
      g_mutex_unlock (&c->lock);
      /* the answers go from the main loop (a source of its own, never
       * called here even if no thread runs that loop now); the queue's
       * reference is the callback's */
      {
        GSource *source = g_idle_source_new ();

        g_source_set_priority (source, G_PRIORITY_DEFAULT);
        g_source_set_callback (source, commit_done_cb, c, commit_unref);
        g_source_set_static_name (source, "[perizinan] commit done");
        g_source_attach (source, c->context);
        g_source_unref (source);
      }
    }
  g_async_queue_unref (queue);
  return NULL;
}

/* Waits for the commit in flight, if any, and sends its answers. */
static void
commit_wait (PzServer *self)
{
  Commit *c = self->committing;

  if (c == NULL)
    return;
  g_mutex_lock (&c->lock);
  while (!c->done)
    g_cond_wait (&c->cond, &c->lock);
  g_mutex_unlock (&c->lock);
  commit_finish (c);
}

/* Whoever uses the store while it is lent waits here for it (the
 * store's waiter): a timer, the outbox, a WebSocket's handshake. */
static void
store_waiter (gpointer data)
{
  commit_wait (data);
}

void
commit_thread_init (PzServer *self)
{
  pz_store_set_lend_waiter (pz_engine_get_store (self->engine), store_waiter, self);
}

/* Whether the store's connection is away, committing a batch. */
gboolean
store_busy (PzServer *self)
{
  return self->committing != NULL;
}

void
commit_thread_stop (PzServer *self)
{
  commit_wait (self);
  if (self->commit_thread == NULL)
    return;
  g_async_queue_push (self->commit_queue, &commit_stop);
  g_thread_join (g_steal_pointer (&self->commit_thread));
  g_clear_pointer (&self->commit_queue, g_async_queue_unref);
}

static void
take_batch (PzServer   *self,
            GPtrArray **batch,
            GPtrArray **events)
{
  if (self->batch_source)
    {
      GSource *source = g_main_context_find_source_by_id (g_main_context_get_thread_default (),
                                                          self->batch_source);
      if (source)
        g_source_destroy (source);
      self->batch_source = 0;
    }
  *batch = g_steal_pointer (&self->batch);
  *events = g_steal_pointer (&self->batch_events);
}

/* Everything written so far is committed when it returns: the commit in
 * flight and the batch open now, on this thread. For what must read its
 * own writes on the store's connection; the group commit goes to the
 * thread. */
void
flush_batch (PzServer *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) batch = NULL;
  g_autoptr(GPtrArray) events = NULL;
  PzStore *store;

  commit_wait (self);
  if (self->batch == NULL || self->engine == NULL)
    return;
  store = pz_engine_get_store (self->engine);
  take_batch (self, &batch, &events);
  if (!pz_store_commit (store, &error))
    pz_store_rollback (store);
  answer_batch (self, batch, events, error, FALSE);
}

/* The group commit: the batch's COMMIT, its sync and any checkpoint run on
 * the commit thread, and the main loop goes on answering reads. */
static void
flush_batch_async (PzServer *self)
{
  Commit *c;

  if (self->batch == NULL || self->engine == NULL)
    return;
  if (self->committing)
    {
      /* cannot be: a batch is not begun while the store is away */
      flush_batch (self);
      return;
    }
  if (self->commit_thread == NULL)
    {
      self->commit_queue = g_async_queue_new ();
      self->commit_thread = g_thread_new ("pz-commit", commit_thread_run, g_async_queue_ref (self->commit_queue));
    }
  c = g_atomic_rc_box_new0 (Commit);
  g_mutex_init (&c->lock);
  g_cond_init (&c->cond);
  c->server = self;
  c->store = pz_engine_get_store (self->engine);
  c->context = g_main_context_ref_thread_default ();
  take_batch (self, &c->batch, &c->events);
  self->committing = c;
  pz_store_lend (c->store, self->commit_thread);
  /* the thread's reference, handed on to the main loop's callback */
  g_async_queue_push (self->commit_queue, g_atomic_rc_box_acquire (c));
}

static gboolean
flush_batch_cb (gpointer data)
{
  PzServer *self = data;

  self->batch_source = 0;
  flush_batch_async (self);
  return G_SOURCE_REMOVE;
}

gboolean
join_batch (PzServer *self,
            GError  **error)
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
when_writable (PzServer  *self,
               WriteReady ready,
               gpointer   data)
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
