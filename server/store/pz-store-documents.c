/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Documents, checklist verdicts, outputs and idempotent answers. */
#define G_LOG_DOMAIN "pz-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include <gio/gio.h>

#include "pz-store-private.h"

/* Outputs */

gboolean
pz_store_put_output (PzStore    *self,
                     gint64      application_id,
                     const char *kind,
                     const char *sha256,
                     gint64      size,
                     gint64      at,
                     GError    **error)
{
  PzDbStmt *stmt = prepare (self,
                            "INSERT INTO outputs (application_id, kind, sha256, size, created_at) "
                            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (application_id, kind) DO UPDATE SET"
                            "  sha256 = excluded.sha256, size = excluded.size,"
                            "  created_at = excluded.created_at", error);
  if (stmt == NULL)
    return FALSE;
  pz_db_bind_int64 (stmt, 1, application_id);
  bind_text (stmt, 2, kind);
  bind_text (stmt, 3, sha256);
  pz_db_bind_int64 (stmt, 4, size);
  pz_db_bind_int64 (stmt, 5, at);
  return step_done (self, stmt, error);
}

/**
 * pz_store_list_outputs:
 * @self: a store
 * @application_id: the file
 *
 * Returns: (transfer container) (element-type PzDocument): the outputs, with
 *   the kind in the requirement member
 */
static PzDbStmt *
prepare_outputs_of (PzStore *self,
                    gint64   application_id)
{
  PzDbStmt *stmt = prepare (self,
                            "SELECT kind, sha256, size, created_at FROM outputs "
                            "WHERE application_id = ? ORDER BY created_at, kind", NULL);

  if (stmt)
    pz_db_bind_int64 (stmt, 1, application_id);
  return stmt;
}

static GPtrArray *
outputs_from (PzStore  *self,
              PzDbStmt *stmt)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) pz_document_free);

  while (stmt && db_step (self, stmt) == PZ_DB_STEP_ROW)
    {
      PzDocument *doc = g_new0 (PzDocument, 1);

      doc->requirement = column_text (stmt, 0);
      doc->sha256 = column_text (stmt, 1);
      doc->size = pz_db_column_int64 (stmt, 2);
      doc->uploaded_at = pz_db_column_int64 (stmt, 3);
      doc->content_type = g_strdup ("application/pdf");
      g_ptr_array_add (list, doc);
    }
  if (stmt)
    pz_db_reset (stmt);
  return list;
}

GPtrArray *
pz_store_list_outputs (PzStore *self,
                       gint64   application_id)
{
  return outputs_from (self, prepare_outputs_of (self, application_id));
}

PzApplication *
pz_store_find_by_verify_token (PzStore    *self,
                               const char *token)
{
  PzDbStmt *stmt = prepare (self, "SELECT " APP_COLUMNS " FROM applications WHERE verify_token = ?", NULL);
  PzApplication *app = NULL;

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, token);
  if (db_step (self, stmt) == PZ_DB_STEP_ROW)
    app = read_application (stmt);
  pz_db_reset (stmt);
  return app;
}

/* @code: in its printed form (pz_tracking_code_normalize()) */
PzApplication *
pz_store_find_by_tracking_code (PzStore    *self,
                                const char *code)
{
  PzDbStmt *stmt = prepare (self, "SELECT " APP_COLUMNS " FROM applications WHERE tracking_code = ?",
                            NULL);
  PzApplication *app = NULL;

  if (stmt == NULL || code == NULL)
    return NULL;
  bind_text (stmt, 1, code);
  if (db_step (self, stmt) == PZ_DB_STEP_ROW)
    app = read_application (stmt);
  pz_db_reset (stmt);
  return app;
}

/* Documents and checklist */

void
pz_document_free (PzDocument *doc)
{
  if (doc == NULL)
    return;
  g_free (doc->requirement);
  g_free (doc->sha256);
  g_free (doc->content_type);
  g_free (doc->uploaded_by);
  g_free (doc);
}

void
pz_verdict_free (PzVerdict *verdict)
{
  if (verdict == NULL)
    return;
  g_free (verdict->requirement);
  g_free (verdict->verdict);
  g_free (verdict->note);
  g_free (verdict->username);
  g_free (verdict);
}

/**
 * pz_store_insert_document:
 * @self: a store
 * @application_id: the file
 * @doc: the document; its blob must already be in the file store
 * @user_id: who uploaded it
 * @error: return location for an error
 *
 * Makes @doc the current document of its requirement; the one it replaces
 * stays in the history. A new document clears the requirement's verdict,
 * which was given on the old one.
 */
gboolean
pz_store_insert_document (PzStore    *self,
                          gint64      application_id,
                          PzDocument *doc,
                          gint64      user_id,
                          GError    **error)
{
  PzDbStmt *stmt;

  stmt = prepare (self,
                  "UPDATE documents SET current = 0 "
                  "WHERE application_id = ? AND requirement = ? AND current = 1", error);
  if (stmt == NULL)
    return FALSE;
  pz_db_bind_int64 (stmt, 1, application_id);
  bind_text (stmt, 2, doc->requirement);
  if (!step_done (self, stmt, error))
    return FALSE;

  stmt = prepare (self, "DELETE FROM checklist WHERE application_id = ? AND requirement = ?", error);
  if (stmt == NULL)
    return FALSE;
  pz_db_bind_int64 (stmt, 1, application_id);
  bind_text (stmt, 2, doc->requirement);
  if (!step_done (self, stmt, error))
    return FALSE;

  stmt = prepare (self,
                  "INSERT INTO documents (application_id, requirement, sha256, size, content_type,"
                  "  pages, uploaded_at, uploaded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", error);
  if (stmt == NULL)
    return FALSE;
  pz_db_bind_int64 (stmt, 1, application_id);
  bind_text (stmt, 2, doc->requirement);
  bind_text (stmt, 3, doc->sha256);
  pz_db_bind_int64 (stmt, 4, doc->size);
  bind_text (stmt, 5, doc->content_type);
  pz_db_bind_int64 (stmt, 6, doc->pages);
  pz_db_bind_int64 (stmt, 7, doc->uploaded_at);
  pz_db_bind_int64 (stmt, 8, user_id);
  return step_returning (self, stmt, &doc->id, error);
}

#define DOCUMENT_QUERY \
  "SELECT d.id, d.requirement, d.sha256, d.size, d.content_type, d.pages, d.uploaded_at," \
  "  u.username FROM documents d JOIN users u ON u.id = d.uploaded_by " \
  "WHERE d.application_id = ? AND d.current = 1 "

static PzDocument *
read_document (PzDbStmt *stmt)
{
  PzDocument *doc = g_new0 (PzDocument, 1);

  doc->id = pz_db_column_int64 (stmt, 0);
  doc->requirement = column_text (stmt, 1);
  doc->sha256 = column_text (stmt, 2);
  doc->size = pz_db_column_int64 (stmt, 3);
  doc->content_type = column_text (stmt, 4);
  doc->pages = pz_db_column_int64 (stmt, 5);
  doc->uploaded_at = pz_db_column_int64 (stmt, 6);
  doc->uploaded_by = column_text (stmt, 7);
  return doc;
}

static PzDbStmt *
prepare_documents_of (PzStore *self,
                      gint64   application_id,
                      GError **error)
{
  PzDbStmt *stmt = prepare (self, DOCUMENT_QUERY "ORDER BY d.requirement", error);

  if (stmt)
    pz_db_bind_int64 (stmt, 1, application_id);
  return stmt;
}

static GPtrArray *
documents_from (PzStore  *self,
                PzDbStmt *stmt)
{
  GPtrArray *docs = g_ptr_array_new_with_free_func ((GDestroyNotify) pz_document_free);

  while (db_step (self, stmt) == PZ_DB_STEP_ROW)
    g_ptr_array_add (docs, read_document (stmt));
  pz_db_reset (stmt);
  return docs;
}

GPtrArray *
pz_store_list_documents (PzStore *self,
                         gint64   application_id,
                         GError **error)
{
  PzDbStmt *stmt = prepare_documents_of (self, application_id, error);

  return stmt ? documents_from (self, stmt) : NULL;
}

PzDocument *
pz_store_get_document (PzStore    *self,
                       gint64      application_id,
                       const char *requirement)
{
  PzDbStmt *stmt = prepare (self, DOCUMENT_QUERY "AND d.requirement = ?", NULL);
  PzDocument *doc = NULL;

  if (stmt == NULL)
    return NULL;
  pz_db_bind_int64 (stmt, 1, application_id);
  bind_text (stmt, 2, requirement);
  if (db_step (self, stmt) == PZ_DB_STEP_ROW)
    doc = read_document (stmt);
  pz_db_reset (stmt);
  return doc;
}

gboolean
pz_store_set_verdict (PzStore    *self,
                      gint64      application_id,
                      const char *requirement,
                      const char *verdict,
                      const char *note,
                      gint64      user_id,
                      gint64      at,
                      GError    **error)
{
  PzDbStmt *stmt = prepare (self,
                            "INSERT INTO checklist (application_id, requirement, verdict, note,"
                            "  at, user_id) VALUES (?, ?, ?, ?, ?, ?) "
                            "ON CONFLICT (application_id, requirement) DO UPDATE SET"
                            "  verdict = excluded.verdict, note = excluded.note,"
                            "  at = excluded.at, user_id = excluded.user_id", error);
  if (stmt == NULL)
    return FALSE;
  pz_db_bind_int64 (stmt, 1, application_id);
  bind_text (stmt, 2, requirement);
  bind_text (stmt, 3, verdict);
  bind_text (stmt, 4, note);
  pz_db_bind_int64 (stmt, 5, at);
  pz_db_bind_int64 (stmt, 6, user_id);
  return step_done (self, stmt, error);
}

static PzDbStmt *
prepare_verdicts_of (PzStore *self,
                     gint64   application_id,
                     GError **error)
{
  PzDbStmt *stmt = prepare (self,
                            "SELECT c.requirement, c.verdict, c.note, c.at, u.username "
                            "FROM checklist c JOIN users u ON u.id = c.user_id "
                            "WHERE c.application_id = ?", error);

  if (stmt)
    pz_db_bind_int64 (stmt, 1, application_id);
  return stmt;
}

static GPtrArray *
verdicts_from (PzStore  *self,
               PzDbStmt *stmt)
{
  GPtrArray *verdicts = g_ptr_array_new_with_free_func ((GDestroyNotify) pz_verdict_free);

  while (db_step (self, stmt) == PZ_DB_STEP_ROW)
    {
      PzVerdict *v = g_new0 (PzVerdict, 1);

      v->requirement = column_text (stmt, 0);
      v->verdict = column_text (stmt, 1);
      v->note = column_text (stmt, 2);
      v->at = pz_db_column_int64 (stmt, 3);
      v->username = column_text (stmt, 4);
      g_ptr_array_add (verdicts, v);
    }
  pz_db_reset (stmt);
  return verdicts;
}

GPtrArray *
pz_store_list_verdicts (PzStore *self,
                        gint64   application_id,
                        GError **error)
{
  PzDbStmt *stmt = prepare_verdicts_of (self, application_id, error);

  return stmt ? verdicts_from (self, stmt) : NULL;
}

/**
 * pz_store_read_file_parts:
 * @self: a store
 * @application_id: the file
 * @documents: (out) (transfer container): as pz_store_list_documents() gives them
 * @verdicts: (out) (transfer container): as pz_store_list_verdicts()
 * @events: (out) (transfer container) (nullable): as pz_store_list_events()
 * @outputs: (out) (transfer container): as pz_store_list_outputs()
 *
 * What a file's page shows beside the file itself, read together: on
 * PostgreSQL in one round trip.  A list that cannot be read is empty
 * (@events %NULL), as each alone would give it.
 */
void
pz_store_read_file_parts (PzStore    *self,
                          gint64      application_id,
                          GPtrArray **documents,
                          GPtrArray **verdicts,
                          GPtrArray **events,
                          GPtrArray **outputs)
{
  /* prepared first, all of them: preparing one again resets it */
  PzDbStmt *stmts[] = {
    prepare_documents_of (self, application_id, NULL),
    prepare_verdicts_of (self, application_id, NULL),
    prepare_events_of (self, application_id, NULL),
    prepare_outputs_of (self, application_id),
  };
  gboolean all = TRUE;

  for (gsize i = 0; i < G_N_ELEMENTS (stmts); i++)
    all = all && stmts[i] != NULL;
  /* if they fail together, each runs again alone and fails as it would */
  if (all)
    pz_db_run_together (self->db, stmts, G_N_ELEMENTS (stmts), NULL);
  *documents = stmts[0] ? documents_from (self, stmts[0])
                        : g_ptr_array_new_with_free_func ((GDestroyNotify) pz_document_free);
  *verdicts = stmts[1] ? verdicts_from (self, stmts[1])
                       : g_ptr_array_new_with_free_func ((GDestroyNotify) pz_verdict_free);
  *events = stmts[2] ? events_from (self, stmts[2], NULL) : NULL;
  *outputs = outputs_from (self, stmts[3]);
}

/* Idempotency */

/* An answer is kept deflated: an action's (about 3 KB of JSON) to about a
 * third of its size. */
static GBytes *
convert_all (GConverter   *converter,
             gconstpointer data,
             gsize         len,
             GError      **error)
{
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) out = g_converter_output_stream_new (memory, converter);

  if (!g_output_stream_write_all (out, data, len, NULL, NULL, error) ||
      !g_output_stream_close (out, NULL, error))
    return NULL;
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

/* One compressor, reset for each answer: making one costs more than
 * deflating an answer. */
static GBytes *
pack_answer (PzStore    *self,
             const char *body,
             GError    **error)
{
  gsize len = strlen (body), size = len + 64, done = 0;
  g_autofree guint8 *out = NULL;

  if (self->packer == NULL)
    self->packer = G_CONVERTER (g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW, 1));
  g_converter_reset (self->packer);
  out = g_malloc (size);
  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      gsize read = 0, written = 0;
      GConverterResult r = g_converter_convert (self->packer, body, len, out + done, size - done,
                                                G_CONVERTER_INPUT_AT_END, &read, &written, &local_error);

      body += read;
      len -= read;
      done += written;
      if (r == G_CONVERTER_FINISHED)
        break;
      if (r == G_CONVERTER_ERROR && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          g_converter_reset (self->packer);
          return NULL;
        }
      size *= 2;
      out = g_realloc (out, size);
    }
  return g_bytes_new_take (g_steal_pointer (&out), done);
}

static char *
unpack_answer (gconstpointer data,
               gsize         len)
{
  g_autoptr(GZlibDecompressor) inflate = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW);
  g_autoptr(GBytes) text = convert_all (G_CONVERTER (inflate), data, len, NULL);
  gsize size;
  const char *p;

  if (text == NULL)
    return NULL;
  p = g_bytes_get_data (text, &size);
  return g_strndup (p, size);
}

gboolean
pz_store_find_idempotent (PzStore    *self,
                          gint64      user_id,
                          const char *key,
                          char      **fingerprint,
                          guint      *status,
                          char      **body)
{
  PzDbStmt *stmt = prepare (self,
                            "SELECT fingerprint, status, body, packed FROM idempotency "
                            "WHERE user_id = ? AND key = ?", NULL);
  gboolean found = FALSE;

  if (stmt == NULL)
    return FALSE;
  pz_db_bind_int64 (stmt, 1, user_id);
  bind_text (stmt, 2, key);
  if (db_step (self, stmt) == PZ_DB_STEP_ROW)
    {
      *fingerprint = column_text (stmt, 0);
      *status = (guint) pz_db_column_int64 (stmt, 1);
      /* rows from before the answers were packed have them as text */
      if (!pz_db_column_is_null (stmt, 3))
        {
          gsize size;
          gconstpointer data = pz_db_column_blob (stmt, 3, &size);

          *body = unpack_answer (data, size);
        }
      else
        *body = column_text (stmt, 2);
      found = *body != NULL;
      if (!found)
        {
          g_warning ("The kept answer to a retry of key %s cannot be unpacked", key);
          g_clear_pointer (fingerprint, g_free);
        }
    }
  pz_db_reset (stmt);
  return found;
}

gboolean
pz_store_insert_idempotent (PzStore    *self,
                            gint64      user_id,
                            const char *key,
                            const char *fingerprint,
                            guint       status,
                            const char *body,
                            gint64      at,
                            GError    **error)
{
  g_autoptr(GBytes) packed = NULL;
  PzDbStmt *stmt;

  if (!(packed = pack_answer (self, body, error)))
    return FALSE;
  stmt = prepare (self,
                  "INSERT INTO idempotency (user_id, key, fingerprint, status, body, packed,"
                  "  created_at) VALUES (?, ?, ?, ?, '', ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  pz_db_bind_int64 (stmt, 1, user_id);
  bind_text (stmt, 2, key);
  bind_text (stmt, 3, fingerprint);
  pz_db_bind_int64 (stmt, 4, (int) status);
  pz_db_bind_blob (stmt, 5, g_bytes_get_data (packed, NULL), g_bytes_get_size (packed));
  pz_db_bind_int64 (stmt, 6, at);
  return step_done (self, stmt, error);
}
