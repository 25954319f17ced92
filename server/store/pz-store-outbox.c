/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The outbox: messages to applicants waiting to be delivered. */
#define G_LOG_DOMAIN "pz-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pz-store-private.h"

/* Outbox */

void
pz_message_free (PzMessage *m)
{
  if (m == NULL)
    return;
  g_free (m->kind);
  g_free (m->recipient_name);
  g_free (m->email);
  g_free (m->phone);
  g_free (m->subject);
  g_free (m->body);
  g_free (m->registration_number);
  g_free (m->last_error);
  g_free (m);
}

gboolean
pz_store_insert_message (PzStore   *self,
                         PzMessage *m,
                         GError   **error)
{
  PzDbStmt *stmt = prepare (self,
                            "INSERT INTO outbox (application_id, kind, recipient_name, email, phone, subject,"
                            "  body, created_at, next_attempt_at, office_id)"
                            "  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
                            "          (SELECT office_id FROM applications WHERE id = ?1)) RETURNING id", error);
  if (stmt == NULL)
    return FALSE;
  pz_db_bind_int64 (stmt, 1, m->application_id);
  bind_text (stmt, 2, m->kind);
  bind_text (stmt, 3, m->recipient_name);
  bind_text (stmt, 4, m->email);
  bind_text (stmt, 5, m->phone);
  bind_text (stmt, 6, m->subject);
  bind_text (stmt, 7, m->body);
  pz_db_bind_int64 (stmt, 8, m->created_at);
  pz_db_bind_int64 (stmt, 9, m->created_at);
  if (!step_returning (self, stmt, &m->id, error))
    return FALSE;
  self->messages_queued++;
  return TRUE;
}

/**
 * pz_store_messages_queued:
 * @self: a store
 *
 * Returns: how many messages were put in the outbox through @self since
 *   it opened (also those whose transaction was then rolled back): when
 *   it has not moved since a commit, that commit queued none
 */
gint64
pz_store_messages_queued (PzStore *self)
{
  return self->messages_queued;
}

/**
 * pz_store_due_messages:
 * @self: a store
 * @now: the current time
 * @limit: the most messages
 *
 * Returns: (transfer container) (element-type PzMessage): the messages with a
 *   channel still to deliver whose time has come
 */
GPtrArray *
pz_store_due_messages (PzStore *self,
                       gint64   now,
                       guint    limit)
{
  PzDbStmt *stmt = prepare (self,
                            "SELECT o.id, o.application_id, o.kind, o.recipient_name, o.email, o.phone,"
                            "  o.subject, o.body, o.created_at, o.email_done, o.command_done, o.attempts,"
                            "  a.registration_number "
                            "FROM outbox o JOIN applications a ON a.id = o.application_id "
                            "WHERE (o.email_done IS NULL OR o.command_done IS NULL) AND o.next_attempt_at <= ? "
                            "ORDER BY o.next_attempt_at, o.id LIMIT ?", NULL);
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) pz_message_free);

  if (stmt == NULL)
    return list;
  pz_db_bind_int64 (stmt, 1, now);
  pz_db_bind_int64 (stmt, 2, (int) limit);
  while (db_step (self, stmt) == PZ_DB_STEP_ROW)
    {
      PzMessage *m = g_new0 (PzMessage, 1);

      m->id = pz_db_column_int64 (stmt, 0);
      m->application_id = pz_db_column_int64 (stmt, 1);
      m->kind = column_text (stmt, 2);
      m->recipient_name = column_text (stmt, 3);
      m->email = column_text (stmt, 4);
      m->phone = column_text (stmt, 5);
      m->subject = column_text (stmt, 6);
      m->body = column_text (stmt, 7);
      m->created_at = pz_db_column_int64 (stmt, 8);
      m->email_done = !pz_db_column_is_null (stmt, 9);
      m->command_done = !pz_db_column_is_null (stmt, 10);
      m->attempts = pz_db_column_int64 (stmt, 11);
      m->registration_number = column_text (stmt, 12);
      g_ptr_array_add (list, m);
    }
  pz_db_reset (stmt);
  return list;
}

/**
 * pz_store_update_message:
 * @self: a store
 * @m: the message with its new state: channels done, attempts, next time
 * @error: return location for an error
 */
gboolean
pz_store_update_message (PzStore   *self,
                         PzMessage *m,
                         gint64     now,
                         GError   **error)
{
  PzDbStmt *stmt = prepare (self,
                            "UPDATE outbox SET email_done = CASE WHEN ? <> 0 THEN coalesce (email_done, ?) END,"
                            "  command_done = CASE WHEN ? <> 0 THEN coalesce (command_done, ?) END,"
                            "  attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  pz_db_bind_int64 (stmt, 1, m->email_done);
  pz_db_bind_int64 (stmt, 2, now);
  pz_db_bind_int64 (stmt, 3, m->command_done);
  pz_db_bind_int64 (stmt, 4, now);
  pz_db_bind_int64 (stmt, 5, m->attempts);
  pz_db_bind_int64 (stmt, 6, m->next_attempt_at);
  bind_text (stmt, 7, m->last_error);
  pz_db_bind_int64 (stmt, 8, m->id);
  return step_done (self, stmt, error);
}

/* After a restart, what is still queued is tried at once: the reason it
 * failed (a mail server down, a wrong setting) may be gone. */
gboolean
pz_store_retry_pending_messages (PzStore *self,
                                 gint64   now,
                                 GError **error)
{
  PzDbStmt *stmt = prepare (self,
                            "UPDATE outbox SET next_attempt_at = ? "
                            "WHERE (email_done IS NULL OR command_done IS NULL) AND next_attempt_at > ?", error);
  if (stmt == NULL)
    return FALSE;
  pz_db_bind_int64 (stmt, 1, now);
  pz_db_bind_int64 (stmt, 2, now);
  return step_done (self, stmt, error);
}

gint64
pz_store_count_pending_messages (PzStore *self)
{
  PzDbStmt *stmt = prepare (self, "SELECT count(*) FROM outbox WHERE email_done IS NULL OR command_done IS NULL",
                            NULL);
  gint64 n = 0;

  if (stmt && db_step (self, stmt) == PZ_DB_STEP_ROW)
    n = pz_db_column_int64 (stmt, 0);
  if (stmt)
    pz_db_reset (stmt);
  return n;
}
