/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Documents: uploads checked before they arrive, streamed to disk and
 * inspected in a confined process; document and output downloads; verdicts. */
#define G_LOG_DOMAIN "pz-server"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pz-http-private.h"

static void start_inspection (PzServer *self, Inspection *job);

static void
upload_chunk (SoupServerMessage *msg,
              GBytes            *chunk,
              UploadState       *st)
{
  gsize size;
  const void *data = g_bytes_get_data (chunk, &size);

  pz_upload_write (st->upload, data, size, st->limit);
}

void
inspection_free (Inspection *job)
{
  if (job->timeout)
    {
      GSource *source = g_main_context_find_source_by_id (g_main_context_get_thread_default (), job->timeout);
      if (source)
        g_source_destroy (source);
      job->timeout = 0;
    }
  g_clear_object (&job->process);
  g_clear_object (&job->msg);
  g_clear_object (&job->server);
  pz_user_free (job->user);
  g_free (job->requirement);
  g_free (job->idempotency_key);
  g_free (job->fingerprint);
  g_free (job);
}

static gboolean
inspection_timeout (gpointer data)
{
  Inspection *job = data;

  job->timeout = 0;
  job->timed_out = TRUE;
  g_subprocess_force_exit (job->process);
  return G_SOURCE_REMOVE;
}

static const char *
inspection_message (const char *problem)
{
  if (g_strcmp0 (problem, "encrypted") == 0)
    return _("The PDF is password-protected; ask for an unprotected scan");
  if (g_strcmp0 (problem, "no_pages") == 0 || g_strcmp0 (problem, "empty") == 0)
    return _("The file has no pages; scan the document again");
  if (g_strcmp0 (problem, "unsupported") == 0)
    return _("Only PDF, JPEG and PNG files are accepted");
  return _("The file is damaged or incomplete; scan the document again");
}

/* Answers the upload and lets the next one waiting be inspected. */
static void
inspection_end (Inspection *job)
{
  PzServer *self = g_object_ref (job->server);

  soup_server_message_unpause (job->msg);
  inspection_free (job);
  self->inspections_running--;
  while (self->inspections_running < self->config->inspect_running &&
         !g_queue_is_empty (&self->inspections_waiting))
    start_inspection (self, g_queue_pop_head (&self->inspections_waiting));
  g_object_unref (self);
}

static void
store_inspected (PzServer *self,
                 gpointer  data,
                 gboolean  writable)
{
  Inspection *job = data;
  UploadState *st = g_object_get_data (G_OBJECT (job->msg), "pz-upload");
  g_autoptr(GError) error = NULL;
  g_autoptr(PzDocument) doc = NULL;
  gboolean began = FALSE;

  if (!writable)
    {
      send_busy (job->msg, _("The database is busy with another program; try again in a moment"), 2);
      inspection_end (job);
      return;
    }
  /* nothing is acknowledged before it is on disk */
  flush_batch (self);
  began = job->idempotency_key && pz_store_begin (pz_engine_get_store (self->engine), &error);
  if (job->idempotency_key == NULL || began)
    doc = pz_engine_store_upload (self->engine, job->user, job->id, job->requirement, st->upload,
                                  (guint) CLAMP (job->pages, 0, G_MAXINT), now_seconds (), &error);
  if (doc == NULL)
    {
      if (began)
        pz_store_rollback (pz_engine_get_store (self->engine));
      send_gerror (job->msg, error, NULL);
    }
  else
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "requirement");
      json_builder_add_string_value (b, doc->requirement);
      json_builder_set_member_name (b, "sha256");
      json_builder_add_string_value (b, doc->sha256);
      json_builder_set_member_name (b, "size");
      json_builder_add_int_value (b, doc->size);
      json_builder_set_member_name (b, "content_type");
      json_builder_add_string_value (b, doc->content_type);
      json_builder_set_member_name (b, "pages");
      json_builder_add_int_value (b, doc->pages);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      if (job->idempotency_key)
        {
          /* the document and the answer to a retry are saved together */
          PzStore *store = pz_engine_get_store (self->engine);
          g_autofree char *text = json_to_string (root, FALSE);

          if (!pz_store_insert_idempotent (store, job->user->id, job->idempotency_key, job->fingerprint,
                                           201, text, now_seconds (), &error) ||
              !pz_store_commit (store, &error))
            {
              pz_store_rollback (store);
              g_warning ("Cannot save an upload: %s", error->message);
              send_gerror (job->msg, error, NULL);
              inspection_end (job);
              return;
            }
        }
      send_json (job->msg, 201, root);
      announce_id (self, job->user->office_id, job->id);
    }
  inspection_end (job);
}

static void
inspection_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  Inspection *job = data;
  PzServer *self = job->server;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *answer = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &out, NULL, &error);
  if (out && json_parser_load_from_data (parser, out, -1, NULL) && json_parser_get_root (parser) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    answer = json_node_get_object (json_parser_get_root (parser));

  if (answer && !self->sandbox_logged)
    {
      const char *sandbox = json_object_get_string_member_with_default (answer, "sandbox", "none");

      self->sandbox_logged = TRUE;
      if (g_str_equal (sandbox, "landlock+seccomp"))
        g_message ("The document inspector runs confined by Landlock and seccomp");
      else if (g_str_equal (sandbox, "seccomp"))
        g_message ("The document inspector runs confined by seccomp only: this kernel has no Landlock");
    }

  if (job->timed_out || answer == NULL)
    {
      /* killed by its limits or the clock: the file is too much to check */
      g_message ("Inspection of an upload for %s failed%s", job->requirement,
                 job->timed_out ? " (time limit)" : "");
      send_error (job->msg, 422, "rule_unmet",
                  _("The file is too complex to check; scan it again at a lower resolution"), NULL);
    }
  else if (g_strcmp0 (json_object_get_string_member_with_default (answer, "error", NULL),
                      "unconfined") == 0)
    {
      g_warning ("The document inspector cannot confine itself on this system; uploads are refused");
      send_error (job->msg, 500, "internal", _("The server cannot check documents now"), NULL);
    }
  else if (g_strcmp0 (json_object_get_string_member_with_default (answer, "error", NULL),
                      "too_many_pixels") == 0)
    {
      g_autofree char *message =
        g_strdup_printf (_("The image is %d × %d pixels, more than the %d megapixels the office accepts; "
                           "scan it again at a lower resolution"),
                         (int) json_object_get_int_member_with_default (answer, "width", 0),
                         (int) json_object_get_int_member_with_default (answer, "height", 0),
                         PZ_INSPECT_MAX_MEGAPIXELS);
      send_error (job->msg, 422, "rule_unmet", message, NULL);
    }
  else if (json_object_has_member (answer, "error"))
    {
      send_error (job->msg, 422, "rule_unmet",
                  inspection_message (json_object_get_string_member (answer, "error")), NULL);
    }
  else
    {
      job->pages = json_object_get_int_member_with_default (answer, "pages", 0);
      when_writable (self, store_inspected, job);
      return;
    }
  inspection_end (job);
}

static char *
find_inspector (void)
{
  g_autofree char *self_path = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *next_to_me = NULL;
  const char *env = g_getenv ("PERIZINAN_INSPECT");

  if (env && *env)
    return g_strdup (env);
  if (self_path)
    {
      g_autofree char *dir = g_path_get_dirname (self_path);
      next_to_me = g_build_filename (dir, "perizinan-inspect", NULL);
      if (g_file_test (next_to_me, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&next_to_me);
    }
  return g_build_filename (LIBEXECDIR, "perizinan-inspect", NULL);
}

/* The message is paused; its answer comes from inspection_end(). */
static void
start_inspection (PzServer   *self,
                  Inspection *job)
{
  UploadState *st = g_object_get_data (G_OBJECT (job->msg), "pz-upload");
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *program = NULL;

  program = self->config->inspect_program ? g_strdup (self->config->inspect_program) : find_inspector ();
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  self->inspections_running++;
  job->process = g_subprocess_launcher_spawn (launcher, &error, program, job->type,
                                              pz_upload_get_path (st->upload), NULL);
  if (job->process == NULL)
    {
      g_warning ("Cannot run the document inspector %s: %s", program, error->message);
      send_error (job->msg, 500, "internal", _("The server cannot check documents now"), NULL);
      inspection_end (job);
      return;
    }
  {
    g_autoptr(GSource) source = g_timeout_source_new_seconds (self->config->inspect_timeout);

    g_source_set_callback (source, inspection_timeout, job, NULL);
    job->timeout = g_source_attach (source, g_main_context_get_thread_default ());
  }
  g_subprocess_communicate_utf8_async (job->process, NULL, NULL, inspection_done, job);
}

void
handle_put_document (Req        *req,
                     gint64      id,
                     const char *requirement)
{
  PzServer *self = req->server;
  UploadState *st = g_object_get_data (G_OBJECT (req->msg), "pz-upload");
  Inspection *job;
  const char *type;
  const char *key;
  g_autofree char *fingerprint = NULL;

  if (st == NULL)
    {
      send_error (req->msg, 500, "internal", _("The server could not receive the file"), NULL);
      return;
    }
  if (!read_idempotency_key (req, FALSE, &key))
    return;
  if (pz_upload_is_too_large (st->upload))
    {
      send_error (req->msg, 413, "too_large", _("The file is larger than the office allows"), NULL);
      return;
    }
  if (pz_upload_get_write_error (st->upload))
    {
      /* what reached the disk is a torn file: never inspect it as the scan */
      g_warning ("An upload for %s could not be written to disk: %s", requirement,
                 g_strerror (pz_upload_get_write_error (st->upload)));
      if (pz_upload_is_disk_full (st->upload))
        send_disk_full (req->msg);
      else
        send_error (req->msg, 500, "internal", _("The server could not receive the file"), NULL);
      return;
    }
  if (pz_upload_get_size (st->upload) == 0)
    {
      send_error (req->msg, 422, "rule_unmet", _("The file is empty; scan the document again"), NULL);
      return;
    }
  if (!(type = pz_upload_get_content_type (st->upload)))
    {
      send_error (req->msg, 415, "unsupported_type", _("Only PDF, JPEG and PNG files are accepted"), NULL);
      return;
    }
  if (key)
    {
      fingerprint = request_fingerprint (req, pz_upload_get_sha256 (st->upload), -1);
      if (replay_idempotent (req->server, req->msg, req->user, key, fingerprint))
        return;
    }
  if (self->inspections_running >= self->config->inspect_running &&
      g_queue_get_length (&self->inspections_waiting) >= self->config->inspect_waiting)
    {
      g_message ("Upload for %s refused: %u inspections running and %u waiting", requirement,
                 self->inspections_running, g_queue_get_length (&self->inspections_waiting));
      send_busy (req->msg, _("The server is checking many documents right now; try again in a few seconds"), 5);
      return;
    }

  job = g_new0 (Inspection, 1);
  job->server = g_object_ref (self);
  job->msg = g_object_ref (req->msg);
  job->user = pz_user_copy (req->user);
  job->id = id;
  job->requirement = g_strdup (requirement);
  job->type = type;
  job->idempotency_key = g_strdup (key);
  job->fingerprint = g_steal_pointer (&fingerprint);
  soup_server_message_pause (req->msg);
  if (self->inspections_running < self->config->inspect_running)
    start_inspection (self, job);
  else
    g_queue_push_tail (&self->inspections_waiting, job);
}

/* How a download is to be handled, with a file name that no browser can
 * read as a path or a second header field. */
static void
set_disposition (SoupServerMessage *msg,
                 gboolean           attachment,
                 const char        *filename)
{
  g_autofree char *safe = g_strdup (filename);
  g_autofree char *disposition = NULL;

  for (char *p = safe; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '-' && *p != '_')
      *p = '_';
  disposition = g_strdup_printf ("%s; filename=\"%s\"", attachment ? "attachment" : "inline", safe);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Content-Disposition",
                                disposition);
}

void
handle_get_document (Req        *req,
                     gint64      id,
                     const char *requirement)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *path = pz_engine_document_path (req->server->engine, req->user, id, requirement,
                                                   &content_type, &error);
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) bytes = NULL;

  if (path == NULL)
    {
      send_gerror (req->msg, error, NULL);
      return;
    }
  if (!(mapped = g_mapped_file_new (path, FALSE, &error)))
    {
      g_warning ("Stored document missing: %s", error->message);
      send_error (req->msg, 500, "internal", _("The stored document cannot be read"), NULL);
      return;
    }
  bytes = g_mapped_file_get_bytes (mapped);
  soup_server_message_set_status (req->msg, 200, NULL);
  soup_message_headers_set_content_type (soup_server_message_get_response_headers (req->msg),
                                         content_type, NULL);
  {
    /* an applicant's upload: saved, never opened in a browser's page */
    g_autofree char *filename = g_strdup_printf ("%s-%" G_GINT64_FORMAT ".%s", requirement, id,
                                                 g_str_equal (content_type, "application/pdf") ? "pdf"
                                                 : g_str_equal (content_type, "image/png") ? "png" : "jpg");
    set_disposition (req->msg, TRUE, filename);
  }
  soup_message_body_append_bytes (soup_server_message_get_response_body (req->msg), bytes);
}

void
handle_verdict (Req        *req,
                gint64      id,
                const char *requirement)
{
  static const char * const known[] = { "verdict", "note", NULL };
  g_autoptr(JsonObject) body = read_json_body (req);
  g_autoptr(GPtrArray) details = pz_details_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *verdict, *note;

  if (body == NULL || !only_members (req, body, known) ||
      !get_member (req, body, "verdict", G_TYPE_STRING, TRUE, &verdict) ||
      !get_member (req, body, "note", G_TYPE_STRING, FALSE, &note))
    return;
  if (!pz_engine_set_verdict (req->server->engine, req->user, id, requirement,
                              json_node_get_string (verdict),
                              note ? json_node_get_string (note) : NULL, req->now, details, &error))
    {
      send_gerror (req->msg, error, details);
      return;
    }
  handle_application (req, id);
  announce_id (req->server, req->user->office_id, id);
}

/* Outputs */

void
send_file (SoupServerMessage *msg,
           const char        *path,
           const char        *content_type,
           const char        *filename,
           gboolean           attachment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (path, FALSE, &error);
  g_autoptr(GBytes) bytes = NULL;

  if (mapped == NULL)
    {
      g_warning ("Stored file missing: %s", error->message);
      send_error (msg, 500, "internal", _("The stored document cannot be read"), NULL);
      return;
    }
  bytes = g_mapped_file_get_bytes (mapped);
  soup_server_message_set_status (msg, 200, NULL);
  soup_message_headers_set_content_type (soup_server_message_get_response_headers (msg), content_type, NULL);
  set_disposition (msg, attachment, filename);
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), bytes);
}

void
handle_output (Req        *req,
               gint64      id,
               const char *kind)
{
  static const char * const kinds[] = { "receipt", "bap", "draft", "permit", "refusal", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(PzApplication) app = pz_engine_get_application (req->server->engine, req->user->office_id, id, &error);
  g_autofree char *filename = NULL;

  if (app == NULL || !pz_engine_may_read (req->server->engine, req->user, app, &error))
    {
      send_gerror (req->msg, error, NULL);
      return;
    }
  if (!g_strv_contains (kinds, kind))
    {
      send_error (req->msg, 404, "not_found", _("There is no such output"), NULL);
      return;
    }
  filename = g_strdup_printf ("%s-%s.pdf", kind, app->registration_number);
  if (g_str_equal (kind, "draft"))
    {
      /* the draft is the permit as it would read now: made when asked */
      g_autoptr(GBytes) pdf = NULL;

      if (app->permit_number == NULL && app->data && g_strcmp0 (app->data, "{}") != 0)
        pdf = pz_engine_render_output (req->server->engine, app, "draft", req->user, NULL, req->now);
      if (pdf == NULL)
        {
          send_error (req->msg, 404, "not_found", _("This file has no draft (yet, or any more)"), NULL);
          return;
        }
      soup_server_message_set_status (req->msg, 200, NULL);
      soup_message_headers_set_content_type (soup_server_message_get_response_headers (req->msg),
                                             "application/pdf", NULL);
      set_disposition (req->msg, FALSE, filename);
      soup_message_body_append_bytes (soup_server_message_get_response_body (req->msg), pdf);
      return;
    }
  {
    g_autofree char *path = pz_engine_output_path (req->server->engine, id, kind);

    if (path == NULL)
      {
        send_error (req->msg, 404, "not_found", _("This file has no such output yet"), NULL);
        return;
      }
    send_file (req->msg, path, "application/pdf", filename, FALSE);
  }
}

/* A document upload is checked (who, which file, which requirement)
 * before its body is read, and then streamed to disk. */
static void
prepare_upload (PzServer          *self,
                SoupServerMessage *msg)
{
  g_autoptr(GError) error = NULL;
  Req req = { 0 };
  UploadState *st;
  const char *requirement;
  gint64 id;

  PzRouteMatch match;

  req.server = self;
  req.msg = msg;
  req.method = soup_server_message_get_method (msg);
  req.now = now_seconds ();
  if (!split_path (g_uri_get_path (soup_server_message_get_uri (msg)), &req.seg, &req.n_seg))
    goto out;
  match_request (&req, &match);
  /* anything else, a malformed number included, the handlers answer */
  if (match.kind != PZ_ROUTE_MATCH_FULL || match.route->body != PZ_ROUTE_BODY_UPLOAD)
    goto out;
  id = g_ascii_strtoll (match.params[0], NULL, 10);
  requirement = match.params[1];
  flush_batch (self);
  if (!authenticate (&req))
    goto out;
  if (!pz_engine_check_upload (self->engine, req.user, id, requirement, &error))
    {
      send_gerror (msg, error, NULL);
      goto out;
    }
  st = g_new0 (UploadState, 1);
  st->limit = self->config->max_upload;
  if (!(st->upload = pz_engine_upload_new (self->engine, &error)))
    {
      g_free (st);
      g_warning ("%s", error->message);
      if (g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOSPC))
        send_disk_full (msg);
      else
        send_error (msg, 500, "internal", _("The server could not receive the file"), NULL);
      goto out;
    }
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  g_object_set_data_full (G_OBJECT (msg), "pz-upload", st, (GDestroyNotify) upload_state_free);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (upload_chunk), st);

out:
  g_strfreev (req.seg);
  pz_user_free (req.user);
}

/* An oversized body is refused from its headers by request_got_headers(),
 * which runs next. */
void
early_callback (SoupServer        *soup,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           data)
{
  PzServer *self = data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  goffset length = soup_message_headers_get_content_length (headers);
  PzRouteBody body = route_body (self, msg);
  gsize limit = body == PZ_ROUTE_BODY_UPLOAD ? self->config->max_upload : self->config->max_body;

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      length > (goffset) limit)
    return;

  if (body == PZ_ROUTE_BODY_UPLOAD)
    prepare_upload (self, msg);
}

/* Warns in the log, at start and twice a day, while the signing
 * certificate has less than a month left. */
gboolean
check_certificate (gpointer data)
{
  PzServer *self = data;
  g_autofree char *not_after = pz_store_get_setting (pz_engine_get_store (self->engine), PZ_STORE_FIRST_OFFICE, "signing_not_after");
  gint64 now = now_seconds ();
  gint64 end;

  if (not_after == NULL)
    return G_SOURCE_CONTINUE;
  end = g_ascii_strtoll (not_after, NULL, 10);
  if (end <= now)
    g_warning ("The office's signing certificate has expired: electronic signing fails until a new one is installed");
  else if (end - now < CERTIFICATE_WARNING_DAYS * 86400)
    g_warning ("The office's signing certificate ends in %lld days: install the new one from the office profile",
               (long long) ((end - now) / 86400));
  return G_SOURCE_CONTINUE;
}
