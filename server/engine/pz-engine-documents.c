/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Documents: uploads streamed to a content-addressed blob store,
 * who may change them, checklist verdicts. */
#define G_LOG_DOMAIN "pz-engine"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "pz-engine-private.h"

/* Documents */

static gboolean
may_edit_documents (PzEngine      *self,
                    PzUser        *user,
                    PzApplication *app,
                    const char    *requirement,
                    GError       **error)
{
  PzPermitType *type;
  PzWorkflow *wf;
  const PzStep *step;

  if (!resolve (self, app, &type, &wf, &step, error))
    return FALSE;

  if (g_strcmp0 (requirement, "signed_permit") == 0)
    {
      if (step->form == PZ_FORM_SIGNATURE && type->signing == PZ_SIGNING_WET &&
          acting_role (step, user))
        return TRUE;
      if (step->form != PZ_FORM_SIGNATURE || type->signing != PZ_SIGNING_WET)
        return engine_fail (error, PZ_ENGINE_ERROR_NOT_FOUND,
                            _("This file takes no scan of a signed permit now"));
      return engine_fail (error, PZ_ENGINE_ERROR_FORBIDDEN,
                          _("Only the signer uploads the signed permit"));
    }

  if (pz_permit_type_find_requirement (type, app->request_type, requirement) == NULL)
    return engine_fail (error, PZ_ENGINE_ERROR_NOT_FOUND,
                        _("This permit type has no requirement “%s”"), requirement);
  if (!step->documents)
    return engine_fail (error, PZ_ENGINE_ERROR_FORBIDDEN,
                        _("The documents were already checked; they cannot change now"));
  if (acting_role (step, user) == NULL)
    return engine_fail (error, PZ_ENGINE_ERROR_FORBIDDEN,
                        _("Only the front office handles the documents at this step"));
  return TRUE;
}


static gboolean
errno_is_disk_full (int saved)
{
  return saved == ENOSPC || saved == EDQUOT || saved == EFBIG;
}

/**
 * pz_engine_upload_new:
 * @self: an engine
 * @error: return location for an error
 *
 * Starts receiving a document into a temporary file of the store, so that
 * memory stays flat whatever the size. Freeing an upload that was not
 * stored removes its file: an upload cut off halfway leaves nothing.
 *
 * Returns: (transfer full): the upload
 */
PzUpload *
pz_engine_upload_new (PzEngine *self,
                      GError  **error)
{
  g_autofree char *template = g_build_filename (self->files_dir, "tmp", "upload-XXXXXX", NULL);
  PzUpload *upload;
  int fd = g_mkstemp_full (template, O_RDWR | O_CLOEXEC, 0600);

  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Cannot receive the file: %s"), g_strerror (saved));
      return NULL;
    }
  upload = g_new0 (PzUpload, 1);
  upload->path = g_steal_pointer (&template);
  upload->fd = fd;
  upload->checksum = g_checksum_new (G_CHECKSUM_SHA256);
  return upload;
}

void
pz_upload_free (PzUpload *upload)
{
  if (upload == NULL)
    return;
  if (upload->fd >= 0)
    close (upload->fd);
  if (!upload->kept)
    g_unlink (upload->path);
  g_checksum_free (upload->checksum);
  g_free (upload->path);
  g_free (upload);
}

/**
 * pz_upload_write:
 * @upload: an upload
 * @data: the next bytes
 * @size: how many
 * @limit: the most bytes the upload may have
 *
 * Past @limit nothing more is written and the upload is marked too large.
 */
void
pz_upload_write (PzUpload   *upload,
                 const void *data,
                 gsize       size,
                 gsize       limit)
{
  const guint8 *p = data;

  if (upload->too_large || upload->failed)
    return;
  if (upload->size + size > limit)
    {
      upload->too_large = TRUE;
      return;
    }
  for (gsize i = 0; i < size && upload->size + i < sizeof upload->head; i++)
    upload->head[upload->size + i] = p[i];
  g_checksum_update (upload->checksum, data, (gssize) size);
  while (size > 0)
    {
      gssize n = write (upload->fd, p, size);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          upload->failed = TRUE;
          upload->write_errno = n < 0 ? errno : ENOSPC;
          return;
        }
      p += n;
      size -= (gsize) n;
      upload->size += (gsize) n;
    }
}

/**
 * pz_upload_get_write_error:
 * @upload: an upload
 *
 * Returns: 0, or the errno with which writing the upload to disk failed;
 *   after a failure the rest of the body is dropped
 */
int
pz_upload_get_write_error (PzUpload *upload)
{
  return upload->failed ? upload->write_errno : 0;
}

/**
 * pz_upload_is_disk_full:
 * @upload: an upload
 *
 * Returns: whether the upload could not be written because the disk (or
 *   the server's quota or file size limit) is full
 */
gboolean
pz_upload_is_disk_full (PzUpload *upload)
{
  return upload->failed && errno_is_disk_full (upload->write_errno);
}

gboolean
pz_upload_is_too_large (PzUpload *upload)
{
  return upload->too_large;
}

gsize
pz_upload_get_size (PzUpload *upload)
{
  return upload->size;
}

/* The SHA-256 of what was received, once all of it was. */
const char *
pz_upload_get_sha256 (PzUpload *upload)
{
  return g_checksum_get_string (upload->checksum);
}

const char *
pz_upload_get_path (PzUpload *upload)
{
  return upload->path;
}

/**
 * pz_upload_get_content_type:
 * @upload: an upload
 *
 * The type is decided from the content, never from the request's header.
 *
 * Returns: (nullable): `application/pdf`, `image/jpeg`, `image/png`, or
 *   %NULL for anything else
 */
const char *
pz_upload_get_content_type (PzUpload *upload)
{
  const guint8 *p = upload->head;
  gsize size = upload->size;

  if (size >= 5 && memcmp (p, "%PDF-", 5) == 0)
    return "application/pdf";
  if (size >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
    return "image/jpeg";
  if (size >= 8 && memcmp (p, "\x89PNG\r\n\x1a\n", 8) == 0)
    return "image/png";
  return NULL;
}

char *
blob_path (PzEngine   *self,
           const char *sha256)
{
  char prefix[3] = { sha256[0], sha256[1], 0 };
  return g_build_filename (self->files_dir, prefix, sha256, NULL);
}

/* Content-addressed: the blob is complete and on disk before any row can
 * name it, and an identical upload costs nothing. */
gboolean
keep_upload (PzEngine   *self,
             PzUpload   *upload,
             const char *sha256,
             GError    **error)
{
  g_autofree char *path = blob_path (self, sha256);
  g_autofree char *dir = g_path_get_dirname (path);
  int saved;

  if (upload->failed)
    {
      errno = upload->write_errno;
      goto fail;
    }
  if (fsync (upload->fd) != 0)
    goto fail;
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;
  if (g_mkdir_with_parents (dir, 0700) != 0 || g_rename (upload->path, path) != 0)
    goto fail;
  upload->kept = TRUE;
  /* the new name is durable only once its directory is */
  {
    int dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0)
      {
        fsync (dfd);
        close (dfd);
      }
  }
  return TRUE;

fail:
  saved = errno;
  /* a quota or a file size limit is a full disk to the office */
  g_set_error (error, G_FILE_ERROR,
               errno_is_disk_full (saved) ? G_FILE_ERROR_NOSPC : g_file_error_from_errno (saved),
               "%s: %s", path, g_strerror (saved));
  return FALSE;
}

/**
 * pz_engine_check_upload:
 * @self: an engine
 * @user: who uploads
 * @application_id: the file
 * @requirement: the requirement code from the URL
 * @error: return location for an error
 *
 * Checked before a byte of the body is read, and again when storing.
 */
gboolean
pz_engine_check_upload (PzEngine   *self,
                        PzUser     *user,
                        gint64      application_id,
                        const char *requirement,
                        GError    **error)
{
  g_autoptr(PzApplication) app = pz_engine_get_application (self, user->office_id, application_id, error);

  return app && may_edit_documents (self, user, app, requirement, error);
}

/**
 * pz_engine_store_upload:
 * @self: an engine
 * @user: who uploads
 * @application_id: the file
 * @requirement: the requirement code
 * @upload: the received and inspected upload
 * @pages: its page count as the inspection found it
 * @now: the current time
 * @error: return location for an error
 *
 * Returns: (transfer full): the stored document, or %NULL
 */
PzDocument *
pz_engine_store_upload (PzEngine   *self,
                        PzUser     *user,
                        gint64      application_id,
                        const char *requirement,
                        PzUpload   *upload,
                        guint       pages,
                        gint64      now,
                        GError    **error)
{
  g_autoptr(PzApplication) app = NULL;
  g_autoptr(PzDocument) doc = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *type = pz_upload_get_content_type (upload);

  if (!(app = pz_engine_get_application (self, user->office_id, application_id, error)) ||
      !may_edit_documents (self, user, app, requirement, error))
    return NULL;
  if (upload->size == 0)
    {
      engine_fail (error, PZ_ENGINE_ERROR_RULE, _("The file is empty; scan the document again"));
      return NULL;
    }
  if (type == NULL)
    {
      engine_fail (error, PZ_ENGINE_ERROR_UNSUPPORTED, _("Only PDF, JPEG and PNG files are accepted"));
      return NULL;
    }

  doc = g_new0 (PzDocument, 1);
  doc->requirement = g_strdup (requirement);
  doc->sha256 = g_strdup (g_checksum_get_string (upload->checksum));
  doc->size = (gint64) upload->size;
  doc->content_type = g_strdup (type);
  doc->pages = pages;
  doc->uploaded_at = now;
  doc->uploaded_by = g_strdup (user->username);

  if (!keep_upload (self, upload, doc->sha256, &local_error))
    {
      disk_full_or_internal (error, local_error);
      return NULL;
    }
  if (!pz_store_begin (self->store, &local_error) ||
      !pz_store_insert_document (self->store, app->id, doc, user->id, &local_error) ||
      !pz_store_commit (self->store, &local_error))
    {
      pz_store_rollback (self->store);
      disk_full_or_internal (error, local_error);
      return NULL;
    }
  return g_steal_pointer (&doc);
}

/**
 * pz_engine_put_document:
 * @self: an engine
 * @user: who uploads
 * @application_id: the file
 * @requirement: the requirement code
 * @content: the file's bytes, already known to be sound
 * @pages: its page count
 * @now: the current time
 * @error: return location for an error
 *
 * For documents the server makes or trusts (the demo office); uploads from
 * clients go through pz_engine_upload_new() and an inspection.
 *
 * Returns: (transfer full): the stored document, or %NULL
 */
PzDocument *
pz_engine_put_document (PzEngine   *self,
                        PzUser     *user,
                        gint64      application_id,
                        const char *requirement,
                        GBytes     *content,
                        guint       pages,
                        gint64      now,
                        GError    **error)
{
  g_autoptr(PzUpload) upload = pz_engine_upload_new (self, error);
  gsize size;
  const void *data = g_bytes_get_data (content, &size);

  if (upload == NULL)
    return NULL;
  pz_upload_write (upload, data, size, G_MAXSIZE);
  return pz_engine_store_upload (self, user, application_id, requirement, upload, pages, now, error);
}

/**
 * pz_engine_document_path:
 * @self: an engine
 * @user: who asks
 * @application_id: the file
 * @requirement: the requirement code
 * @content_type: (out): the document's type
 * @error: return location for an error
 *
 * Returns: (transfer full): where the current document's bytes are
 */
char *
pz_engine_document_path (PzEngine   *self,
                         PzUser     *user,
                         gint64      application_id,
                         const char *requirement,
                         char      **content_type,
                         GError    **error)
{
  g_autoptr(PzApplication) app = NULL;
  g_autoptr(PzDocument) doc = NULL;

  if (!(app = pz_engine_get_application (self, user->office_id, application_id, error)) ||
      !pz_engine_may_read (self, user, app, error))
    return NULL;
  if (!(doc = pz_store_get_document (self->store, app->id, requirement)))
    {
      engine_fail (error, PZ_ENGINE_ERROR_NOT_FOUND, _("No document was uploaded for “%s”"),
                   requirement);
      return NULL;
    }
  *content_type = g_strdup (doc->content_type);
  return blob_path (self, doc->sha256);
}

gboolean
pz_engine_set_verdict (PzEngine   *self,
                       PzUser     *user,
                       gint64      application_id,
                       const char *requirement,
                       const char *verdict,
                       const char *note,
                       gint64      now,
                       GPtrArray  *details,
                       GError    **error)
{
  g_autoptr(PzApplication) app = NULL;
  g_autoptr(PzDocument) doc = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!(app = pz_engine_get_application (self, user->office_id, application_id, error)) ||
      !may_edit_documents (self, user, app, requirement, error))
    return FALSE;

  if (g_strcmp0 (verdict, "ok") != 0 && g_strcmp0 (verdict, "not_ok") != 0)
    pz_detail_add (details, "verdict", _("The verdict must be “ok” or “not_ok”"));
  else if (g_str_equal (verdict, "not_ok") && !pz_valid_text (note, PZ_MAX_TEXT))
    pz_detail_add (details, "note", _("Say what is wrong with the document"));
  if (note && *note && !pz_valid_text (note, PZ_MAX_TEXT))
    pz_detail_add (details, "note", _("The note is too long or has control characters"));
  if (!(doc = pz_store_get_document (self->store, app->id, requirement)))
    pz_detail_add (details, "requirement", _("Upload the document before checking it"));
  if (details->len)
    return engine_fail (error, PZ_ENGINE_ERROR_RULE, _("The verdict cannot be recorded"));

  if (!pz_store_set_verdict (self->store, app->id, requirement, verdict,
                             note && *note ? note : NULL, user->id, now, &local_error))
    return internal (error, local_error);
  return TRUE;
}
