/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Answers and what requests carry: JSON and error bodies, request bodies
 * and their members, query parameters, idempotency keys. */
#define G_LOG_DOMAIN "pz-server"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pz-http-private.h"

gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Answers */

void
send_json (SoupServerMessage *msg,
           guint              status,
           JsonNode          *node)
{
  g_autofree char *text = json_to_string (node, FALSE);
  gsize len = strlen (text);

  /* An answer replaces any set before it (a held success whose commit
   * then failed): a client always reads one JSON document. */
  soup_message_body_truncate (soup_server_message_get_response_body (msg));
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_TAKE,
                                    g_steal_pointer (&text), len);
}

void
send_text_json (SoupServerMessage *msg,
                guint              status,
                const char        *text)
{
  soup_message_body_truncate (soup_server_message_get_response_body (msg));
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_COPY,
                                    text, strlen (text));
}

void
send_error (SoupServerMessage *msg,
            guint              status,
            const char        *code,
            const char        *message,
            GPtrArray         *details)
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
  if (details && details->len)
    {
      json_builder_set_member_name (b, "details");
      json_builder_add_value (b, pz_details_to_json (details));
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  send_json (msg, status, root);
}

void
send_gerror (SoupServerMessage *msg,
             const GError      *error,
             GPtrArray         *details)
{
  static const struct {
    guint       status;
    const char *code;
  } map[] = {
    [PZ_ENGINE_ERROR_BAD_REQUEST] = { 400, "bad_request" },
    [PZ_ENGINE_ERROR_FORBIDDEN] = { 403, "forbidden" },
    [PZ_ENGINE_ERROR_NOT_FOUND] = { 404, "not_found" },
    [PZ_ENGINE_ERROR_STALE] = { 409, "stale_version" },
    [PZ_ENGINE_ERROR_DUPLICATE] = { 409, "duplicate" },
    [PZ_ENGINE_ERROR_TOO_LARGE] = { 413, "too_large" },
    [PZ_ENGINE_ERROR_UNSUPPORTED] = { 415, "unsupported_type" },
    [PZ_ENGINE_ERROR_RULE] = { 422, "rule_unmet" },
    [PZ_ENGINE_ERROR_INTERNAL] = { 500, "internal" },
    [PZ_ENGINE_ERROR_DISK_FULL] = { 507, "disk_full" },
    [PZ_ENGINE_ERROR_UNCONFIRMED] = { 422, "unconfirmed" },
    [PZ_ENGINE_ERROR_UNAVAILABLE] = { 503, "unavailable" },
  };

  if (g_error_matches (error, PZ_ENGINE_ERROR, PZ_ENGINE_ERROR_BUSY))
    send_busy (msg, error->message, 1);
  else if (error->domain == PZ_ENGINE_ERROR && error->code >= 0 && error->code < (int) G_N_ELEMENTS (map) &&
           error->code != PZ_ENGINE_ERROR_INTERNAL)
    send_error (msg, map[error->code].status, map[error->code].code, error->message, details);
  else
    {
      /* the details (a path, an SQL error) go to the log, never to the client */
      g_autofree char *safe = pz_log_escape (error->message, 1000);

      g_warning ("Unexpected error: %s", safe);
      send_error (msg, 500, "internal", _("The server met an unexpected problem"), NULL);
    }
}

/* 507: nothing of the request was kept; the office frees space and the
 * client tries again. */
void
send_disk_full (SoupServerMessage *msg)
{
  send_error (msg, 507, "disk_full",
              _("The server's disk is full; nothing was saved. Ask the administrator to free space, then try again"),
              NULL);
}

void
bad_request (Req        *req,
             const char *message)
{
  send_error (req->msg, 400, "bad_request", message, NULL);
}

/* Request bodies */

JsonObject *
read_json_body (Req *req)
{
  SoupMessageBody *body = soup_server_message_get_request_body (req->msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) error = NULL;
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  JsonNode *root;

  if (size > req->server->config->max_body)
    {
      send_error (req->msg, 413, "too_large", _("The request is too large"), NULL);
      return NULL;
    }
  if (size == 0)
    {
      bad_request (req, _("The request needs a JSON body"));
      return NULL;
    }
  if (!g_utf8_validate_len (data, size, NULL))
    {
      bad_request (req, _("The request is not valid UTF-8"));
      return NULL;
    }
  /* the parser recurses: a deep text would exhaust the stack */
  if (!pz_json_depth_ok (data, size, PZ_JSON_MAX_DEPTH))
    {
      g_autofree char *message = g_strdup_printf (_("The request nests arrays and objects deeper than %d levels"),
                                                  PZ_JSON_MAX_DEPTH);
      bad_request (req, message);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, data, (gssize) size, &error))
    {
      g_autofree char *message = g_strdup_printf (_("The request is not valid JSON: %s"),
                                                  error->message);
      bad_request (req, message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      bad_request (req, _("The request body must be a JSON object"));
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

gboolean
only_members (Req                *req,
              JsonObject         *obj,
              const char * const *known)
{
  g_autoptr(GList) members = json_object_get_members (obj);

  for (GList *l = members; l; l = l->next)
    if (!g_strv_contains (known, l->data))
      {
        g_autofree char *message = g_strdup_printf (_("Unknown field “%s”"), (char *) l->data);
        bad_request (req, message);
        return FALSE;
      }
  return TRUE;
}

/* Reads an optional member of the given type; wrong types are a 400. */
gboolean
get_member (Req        *req,
            JsonObject *obj,
            const char *name,
            GType       type,
            gboolean    required,
            JsonNode  **out)
{
  JsonNode *node = json_object_get_member (obj, name);
  gboolean ok;

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        {
          g_autofree char *message = g_strdup_printf (_("“%s” is required"), name);
          bad_request (req, message);
          return FALSE;
        }
      return TRUE;
    }
  if (type == JSON_TYPE_OBJECT)
    ok = JSON_NODE_HOLDS_OBJECT (node);
  else
    ok = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
  if (!ok)
    {
      g_autofree char *message = g_strdup_printf (_("“%s” has the wrong type"), name);
      bad_request (req, message);
      return FALSE;
    }
  *out = node;
  return TRUE;
}

const char *
query_string (Req        *req,
              const char *name)
{
  const char *text = req->query ? g_hash_table_lookup (req->query, name) : NULL;
  return text && *text ? text : NULL;
}

void
handle_search (Req *req)
{
  g_autoptr(GPtrArray) apps = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PzJsonWriter) w = NULL;
  g_autofree char *text = NULL;
  PzSearch search = { 0 };
  guint64 limit, cursor;

  if (!pz_engine_may_read_files (req->user))
    {
      send_error (req->msg, 403, "forbidden", _("Your roles give no access to the applicants' data"), NULL);
      return;
    }
  if (!query_uint (req, "limit", 1, 500, 50, &limit) ||
      !query_uint (req, "cursor", 1, G_MAXINT64, 0, &cursor))
    return;
  search.office_id = req->user->office_id;
  search.q = query_string (req, "q");
  search.step = query_string (req, "step");
  search.status = query_string (req, "status");
  search.permit_type = query_string (req, "permit_type");
  search.limit = (guint) limit;
  search.before_id = (gint64) cursor;
  if ((search.q && (strlen (search.q) > 200 || !g_utf8_validate (search.q, -1, NULL))) ||
      (search.step && strlen (search.step) > 64) || (search.status && strlen (search.status) > 64) ||
      (search.permit_type && strlen (search.permit_type) > 64))
    {
      bad_request (req, _("A search term is too long"));
      return;
    }

  if (!(apps = pz_store_search (pz_engine_get_store (req->server->engine), &search, &error)))
    {
      send_error (req->msg, 500, "internal", error->message, NULL);
      return;
    }

  w = pz_json_writer_new ();
  pz_json_writer_begin_object (w);
  pz_json_writer_member (w, "items");
  pz_json_writer_begin_array (w);
  for (guint i = 0; i < apps->len; i++)
    pz_engine_write_summary (req->server->engine, w, g_ptr_array_index (apps, i), req->now);
  pz_json_writer_end_array (w);
  pz_json_writer_member (w, "next_cursor");
  if (apps->len == limit)
    {
      PzApplication *last = g_ptr_array_index (apps, apps->len - 1);
      g_autofree char *next = g_strdup_printf ("%" G_GINT64_FORMAT, last->id);
      pz_json_writer_string (w, next);
    }
  else
    pz_json_writer_null (w);
  pz_json_writer_end_object (w);
  text = pz_json_writer_free_to_string (g_steal_pointer (&w));
  send_text_json (req->msg, 200, text);
}

/* What makes two requests the same: the path and the body (or, for an
 * upload, the file's SHA-256). */
char *
request_fingerprint (Req        *req,
                     const void *content,
                     gssize      length)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  g_checksum_update (sum, (const guchar *) g_uri_get_path (soup_server_message_get_uri (req->msg)), -1);
  g_checksum_update (sum, (const guchar *) "\n", 1);
  g_checksum_update (sum, content, length);
  return g_strdup (g_checksum_get_string (sum));
}

/* Answers a request seen before with its first answer (or 409 if the key
 * came with another request); FALSE if the key is new. */
gboolean
replay_idempotent (PzServer          *self,
                   SoupServerMessage *msg,
                   PzUser            *user,
                   const char        *key,
                   const char        *fingerprint)
{
  g_autofree char *stored_fingerprint = NULL;
  g_autofree char *stored = NULL;
  guint status;

  if (!pz_store_find_idempotent (pz_engine_get_store (self->engine), user->id, key,
                                 &stored_fingerprint, &status, &stored))
    return FALSE;
  if (g_strcmp0 (stored_fingerprint, fingerprint) != 0)
    send_error (msg, 409, "duplicate", _("This Idempotency-Key was already used for another request"), NULL);
  else
    send_text_json (msg, status, stored);
  return TRUE;
}

void
handle_register (Req *req)
{
  g_autoptr(JsonObject) body = read_json_body (req);
  g_autoptr(GPtrArray) details = pz_details_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PzApplication) app = NULL;
  g_autofree char *text = NULL;
  g_autofree char *fingerprint = NULL;
  PzStore *store = pz_engine_get_store (req->server->engine);
  const char *key;

  if (body == NULL || !read_idempotency_key (req, FALSE, &key))
    return;
  if (key)
    {
      g_autoptr(GBytes) raw = soup_message_body_flatten (soup_server_message_get_request_body (req->msg));

      fingerprint = request_fingerprint (req, g_bytes_get_data (raw, NULL), (gssize) g_bytes_get_size (raw));
      if (replay_idempotent (req->server, req->msg, req->user, key, fingerprint))
        return;
      /* the file and the answer to a retry are saved together */
      if (!pz_store_begin (store, &error))
        {
          send_error (req->msg, 500, "internal", _("The server could not start a transaction"), NULL);
          return;
        }
    }
  app = pz_engine_register (req->server->engine, req->user, body, req->now, details, &error);
  if (app == NULL)
    {
      if (key)
        pz_store_rollback (store);
      send_gerror (req->msg, error, details);
      return;
    }
  text = pz_engine_application_to_string (req->server->engine, app, req->user, req->now);
  if (key && (!pz_store_insert_idempotent (store, req->user->id, key, fingerprint, 201, text, req->now, &error) ||
              !pz_store_commit (store, &error)))
    {
      pz_store_rollback (store);
      g_warning ("Cannot save a registration: %s", error->message);
      send_error (req->msg, 500, "internal", _("The server could not save the change; try again"), NULL);
      return;
    }
  send_text_json (req->msg, 201, text);
  announce (req->server, app);
}
