/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Signing: the office's key and its replacement, the signed permit,
 * and the messages to applicants. */
#define G_LOG_DOMAIN "pz-engine"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "pz-engine-private.h"

static gboolean
fsync_dir_of (const char *path,
              GError    **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int saved;

  if (fd >= 0 && fsync (fd) == 0)
    {
      close (fd);
      return TRUE;
    }
  saved = errno;
  if (fd >= 0)
    close (fd);
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: %s", dir, g_strerror (saved));
  return FALSE;
}

/**
 * pz_engine_install_signing_key:
 * @p12: a PKCS#12 file with the office's key and certificate
 * @passphrase: what opens it (the Kadis types it at each signing)
 * @current_passphrase: (nullable): what opens the key in place now
 *
 * Replacing a key in place needs the Kadis (or the acting Kadis) to
 * confirm it with the passphrase of the current key, which only they
 * hold: the administrator alone cannot swap the office's signature.
 * The first key of an office needs no confirmation.
 *
 * Checks that @passphrase opens @p12 and that its certificate is valid
 * now, then puts it in place of the signing key in one rename (the old one
 * is kept beside it as `.replaced-DATE`), and notes its subject and
 * validity in the office profile. The caller holds a transaction. Nothing
 * changes if any check fails: %PZ_ENGINE_ERROR_UNCONFIRMED without the
 * current key's passphrase, %PZ_ENGINE_ERROR_FORBIDDEN for a wrong
 * passphrase, %PZ_ENGINE_ERROR_RULE for a file that is no key or not
 * valid now.
 */
gboolean
pz_engine_install_signing_key (PzEngine   *self,
                               GBytes     *p12,
                               const char *passphrase,
                               const char *current_passphrase,
                               gint64      now,
                               GError    **error)
{
  g_autofree char *dir = g_path_get_dirname (self->signing_key);
  g_autofree char *tmp = g_build_filename (dir, ".signing-XXXXXX", NULL);
  g_autoptr(PzSigner) signer = NULL;
  g_autoptr(GError) local = NULL;
  gsize size;
  const guchar *data = g_bytes_get_data (p12, &size);
  gint64 not_before, not_after;
  int fd;

  if (pz_signer_identity_is_pkcs11 (self->signing_key))
    return engine_fail (error, PZ_ENGINE_ERROR_RULE,
                        _("The office signs with a token: its certificate is changed on the token"));
  if (g_file_test (self->signing_key, G_FILE_TEST_EXISTS))
    {
      g_autoptr(PzSigner) current = NULL;

      if (current_passphrase == NULL || *current_passphrase == '\0')
        return engine_fail (error, PZ_ENGINE_ERROR_UNCONFIRMED,
                            _("The Kadis confirms a new certificate with the passphrase of the current one"));
      current = pz_signer_open_pkcs12 (self->signing_key, current_passphrase, &local);
      if (current == NULL && g_error_matches (local, PZ_SIGN_ERROR, PZ_SIGN_ERROR_PASSPHRASE))
        return engine_fail (error, PZ_ENGINE_ERROR_UNCONFIRMED,
                            _("This is not the passphrase of the current signing key"));
      /* a current key that no longer opens at all cannot stop its own
       * replacement */
      g_clear_error (&local);
    }
  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;
      return engine_fail (error, PZ_ENGINE_ERROR_INTERNAL, _("Cannot write in %s: %s"), dir, g_strerror (saved));
    }
  {
    gsize done = 0;

    while (done < size)
      {
        gssize n = write (fd, data + done, size - done);
        if (n < 0 && errno == EINTR)
          continue;
        if (n <= 0)
          break;
        done += (gsize) n;
      }
    if (done < size || fsync (fd) != 0)
      {
        int saved = errno;
        close (fd);
        g_unlink (tmp);
        return engine_fail (error, PZ_ENGINE_ERROR_INTERNAL, _("Cannot write in %s: %s"), dir, g_strerror (saved));
      }
    close (fd);
  }

  if (!(signer = pz_signer_open_pkcs12 (tmp, passphrase, &local)))
    {
      g_unlink (tmp);
      if (g_error_matches (local, PZ_SIGN_ERROR, PZ_SIGN_ERROR_PASSPHRASE))
        return engine_fail (error, PZ_ENGINE_ERROR_FORBIDDEN, _("The passphrase does not open this file"));
      return engine_fail (error, PZ_ENGINE_ERROR_RULE,
                          _("This is not a PKCS#12 file with a key and a certificate"));
    }
  pz_signer_get_validity (signer, &not_before, &not_after);
  if (not_after <= now || not_before > now)
    {
      g_autofree char *end = pz_format_date_id (not_after <= now ? not_after : not_before, self->tz, FALSE);
      g_unlink (tmp);
      if (not_after <= now)
        return engine_fail (error, PZ_ENGINE_ERROR_RULE, _("This certificate expired on %s"), end);
      return engine_fail (error, PZ_ENGINE_ERROR_RULE, _("This certificate is valid only from %s"), end);
    }
  if (!pz_store_note_signing_certificate (self->store, signer, error))
    {
      g_unlink (tmp);
      return FALSE;
    }

  if (g_file_test (self->signing_key, G_FILE_TEST_EXISTS))
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (now);
      g_autofree char *stamp = g_date_time_format (utc, "%Y%m%dT%H%M%SZ");
      g_autofree char *kept = g_strdup_printf ("%s.replaced-%s", self->signing_key, stamp);

      if (link (self->signing_key, kept) != 0 && errno != EEXIST)
        {
          int saved = errno;
          g_unlink (tmp);
          return engine_fail (error, PZ_ENGINE_ERROR_INTERNAL, _("Cannot keep the old key as %s: %s"), kept,
                              g_strerror (saved));
        }
    }
  if (g_rename (tmp, self->signing_key) != 0)
    {
      int saved = errno;
      g_unlink (tmp);
      return engine_fail (error, PZ_ENGINE_ERROR_INTERNAL, _("Cannot put the key in place at %s: %s"),
                          self->signing_key, g_strerror (saved));
    }
  if (!fsync_dir_of (self->signing_key, &local))
    g_warning ("%s", local->message);
  return TRUE;
}

/* Whose key signs for @user: their own signing identity (a PKCS#12 file
 * of the data directory's signing folder, a pkcs11: URI, or with a remote
 * signing service their NIK); else, for the Kadis in their own role, the
 * office's [signing] key.  An acting official signs only with their own,
 * and so does the Kadis of another office than the first: the [signing]
 * key is the first office's.
 * Returns FALSE for a signer without one. */
gboolean
signing_identity_of (PzEngine *self,
                     PzUser   *user,
                     char    **identity,
                     char    **nik,
                     gboolean *office_key)
{
  *identity = NULL;
  *nik = NULL;
  *office_key = FALSE;
  if (user->signing_identity && *user->signing_identity)
    {
      if (self->remote_url)
        *nik = g_strdup (user->signing_identity);
      else if (pz_signer_identity_is_pkcs11 (user->signing_identity))
        *identity = g_strdup (user->signing_identity);
      else
        *identity = g_build_filename (self->data_dir, "signing", user->signing_identity, NULL);
      return TRUE;
    }
  if (user->roles && g_strv_contains ((const char * const *) user->roles, "kadis") &&
      pz_user_acting_kind (user, "kadis") == NULL && user->office_id == PZ_STORE_FIRST_OFFICE)
    {
      *office_key = TRUE;
      if (self->remote_url)
        *nik = g_strdup (self->remote_nik);
      else
        *identity = g_strdup (self->signing_key);
      return TRUE;
    }
  return FALSE;
}

/* @user's signing identity, unlocked with @passphrase: through the
 * office's remote signing service, or a key in a file or on a token. */
PzSigner *
open_signer (PzEngine   *self,
             PzUser     *user,
             const char *passphrase,
             GError    **error)
{
  g_autofree char *identity = NULL;
  g_autofree char *nik = NULL;
  gboolean office_key;

  if (!signing_identity_of (self, user, &identity, &nik, &office_key))
    {
      g_set_error (error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_KEY, _("You have no signing identity of your own"));
      return NULL;
    }
  if (self->remote_url)
    return pz_signer_open_remote (self->remote_url, self->remote_client_id, self->remote_client_secret,
                                  nik, passphrase, self->remote_timeout, error);
  return pz_signer_open (identity, self->signing_module, passphrase, error);
}

/* A signing off the main loop.  On the main loop the engine renders the
 * permit and makes room for its signature; a worker thread opens the
 * signer with the passphrase and makes the CMS (the timestamp authority's
 * or the remote service's round trip included), with copies of what it
 * needs: it touches neither the store nor the engine.  Back on the main
 * loop pz_engine_act() checks the file again and puts the signature in. */
struct _PzSignJob
{
  gint64            application_id;
  gint64            version;
  /* the identity, copied */
  char             *remote_url;
  char             *remote_client_id;
  char             *remote_client_secret;
  char             *remote_nik;
  guint             remote_timeout;
  char             *identity;
  char             *module;
  char             *tsa_url;
  guint             tsa_timeout;
  char             *tsa_ca;
  gboolean          validation_fetch;
  guint             validation_timeout;
  char             *passphrase; /* wiped once the signer is open */
  /* what is signed */
  GBytes           *pdf;     /* the permit; a remote service signs it whole */
  PzSignAppearance *appearance; /* (nullable): where the signature shows */
  PzSignSpace      *space;   /* other backends the bytes it leaves, made once the
                              * certificate (its issuer, for the appearance) is known */
  char             *name;
  char             *reason;
  char             *location;
  GTimeZone        *tz;      /* the office's, for the time of the signature */
  PzEngineClock     clock;
  GDateTime        *when;    /* the time the signature is made, once it is */
  /* the result */
  PzSigner         *signer;
  GBytes           *cms;
  GBytes           *signed_pdf;
  PzValidationData *validation; /* the signature's, for its DSS */
  GError           *error;
  gboolean          open_failed; /* the passphrase did not open the key */
  gboolean          office_key; /* the Kadis signs with the office's key */
};

static void
wipe (char *secret)
{
  if (secret)
    {
      volatile char *p = secret;
      while (*p)
        *p++ = '\0';
      g_free (secret);
    }
}

void
pz_sign_job_free (PzSignJob *signing)
{
  if (signing == NULL)
    return;
  g_free (signing->remote_url);
  g_free (signing->remote_client_id);
  wipe (signing->remote_client_secret);
  g_free (signing->remote_nik);
  g_free (signing->identity);
  g_free (signing->module);
  g_free (signing->tsa_url);
  g_free (signing->tsa_ca);
  wipe (signing->passphrase);
  g_clear_pointer (&signing->pdf, g_bytes_unref);
  g_clear_pointer (&signing->appearance, pz_sign_appearance_free);
  g_clear_pointer (&signing->space, pz_sign_space_free);
  g_free (signing->name);
  g_free (signing->reason);
  g_free (signing->location);
  g_clear_pointer (&signing->tz, g_time_zone_unref);
  g_clear_pointer (&signing->when, g_date_time_unref);
  g_clear_pointer (&signing->signer, pz_signer_free);
  g_clear_pointer (&signing->cms, g_bytes_unref);
  g_clear_pointer (&signing->validation, pz_validation_data_free);
  g_clear_pointer (&signing->signed_pdf, g_bytes_unref);
  g_clear_error (&signing->error);
  g_free (signing);
}

gint64
pz_sign_job_get_application_id (PzSignJob *signing)
{
  return signing->application_id;
}

const GError *
signing_open_error (PzSignJob *signing)
{
  return signing->open_failed ? signing->error : NULL;
}

/**
 * pz_engine_set_sign_clock:
 * @clock: (nullable): what tells the time a signature is made; %NULL for
 *   the real time
 */
void
pz_engine_set_sign_clock (PzEngine     *self,
                          PzEngineClock clock)
{
  self->sign_clock = clock;
}

/* The moment a signature is made, in the office's time zone. */
static GDateTime *
signing_moment (PzEngineClock clock,
                GTimeZone    *tz)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (clock ? clock () : g_get_real_time () / G_USEC_PER_SEC);

  return g_date_time_to_timezone (utc, tz);
}

/**
 * pz_engine_prepare_signing:
 * @self: an engine
 * @user: who acts
 * @application_id: the file
 * @request: the action
 * @now: the time the permit is prepared (the signature's own is taken
 *   when it is made)
 *
 * For an electronic signing that may go ahead (the Kadis approves a file
 * at its signing step, with its version, and a passphrase), renders the
 * permit and makes room for its signature.  Anything else (another action,
 * a request pz_engine_act() will refuse) is left to pz_engine_act().
 *
 * Returns: (transfer full) (nullable): the signing to run with
 *   pz_sign_job_run(), or %NULL
 */
PzSignJob *
pz_engine_prepare_signing (PzEngine              *self,
                           PzUser                *user,
                           gint64                 application_id,
                           const PzActionRequest *request,
                           gint64                 now)
{
  g_autoptr(PzApplication) app = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) pdf = NULL;
  PzPermitType *type;
  PzWorkflow *wf;
  const PzStep *step;
  PzAction action;
  const char *passphrase = request->data ? pz_json_get_string (request->data, "passphrase") : NULL;
  g_autofree char *identity = NULL;
  g_autofree char *nik = NULL;
  gboolean office_key;
  PzSignJob *signing;

  if (!pz_action_from_string (request->action, &action) || action != PZ_ACTION_APPROVE ||
      passphrase == NULL || *passphrase == '\0' || json_object_get_size (request->data) != 1 ||
      (request->note && *request->note && !pz_valid_text (request->note, PZ_MAX_TEXT)))
    return NULL;
  if (!(app = pz_engine_get_application (self, user->office_id, application_id, NULL)) ||
      !resolve (self, app, &type, &wf, &step, NULL) || request->version != app->version ||
      step->form != PZ_FORM_SIGNATURE || type->signing == PZ_SIGNING_WET ||
      !pz_step_allows (step, (const char * const *) user->roles, action) ||
      !four_eyes (self, app, wf, step, user, &local_error))
    return NULL;
  if (!signing_identity_of (self, user, &identity, &nik, &office_key) ||
      (self->remote_url == NULL &&
       (identity == NULL ||
        (!pz_signer_identity_is_pkcs11 (identity) && !g_file_test (identity, G_FILE_TEST_EXISTS)))))
    return NULL;

  signing = g_new0 (PzSignJob, 1);
  signing->office_key = office_key;
  signing->application_id = app->id;
  signing->version = app->version;
  signing->remote_url = g_strdup (self->remote_url);
  signing->remote_client_id = g_strdup (self->remote_client_id);
  signing->remote_client_secret = g_strdup (self->remote_client_secret);
  signing->remote_nik = g_steal_pointer (&nik);
  signing->remote_timeout = self->remote_timeout;
  signing->identity = g_steal_pointer (&identity);
  signing->module = g_strdup (self->signing_module);
  signing->tsa_url = g_strdup (self->tsa_url);
  signing->tsa_timeout = self->tsa_timeout;
  signing->tsa_ca = g_strdup (self->tsa_ca);
  signing->validation_fetch = self->validation_fetch;
  signing->validation_timeout = self->validation_timeout;
  signing->passphrase = g_strdup (passphrase);
  signing->name = g_strdup (user->full_name);
  signing->reason = g_strdup_printf ("Izin %s", app->permit_number);
  signing->location = setting_or (self, app->office_id, "office_city", "Sukamaju");
  signing->tz = g_time_zone_ref (self->tz);
  signing->clock = self->sign_clock;
  signing->pdf = pz_engine_render_signed_permit (self, app, user, now, &signing->appearance);
  return signing;
}

/**
 * pz_sign_job_run:
 * @signing: a prepared signing
 *
 * Opens the signer with the passphrase and signs: the slow part, on any
 * thread.  The passphrase is wiped once used.  Its result, or its failure,
 * is kept for pz_engine_act().
 *
 * Returns: whether a signature was made
 */
gboolean
pz_sign_job_run (PzSignJob *signing)
{
  if (signing->remote_url)
    signing->signer = pz_signer_open_remote (signing->remote_url, signing->remote_client_id,
                                             signing->remote_client_secret, signing->remote_nik,
                                             signing->passphrase, signing->remote_timeout, &signing->error);
  else
    signing->signer = pz_signer_open (signing->identity, signing->module, signing->passphrase, &signing->error);
  g_clear_pointer (&signing->passphrase, wipe);
  if (signing->signer == NULL)
    {
      signing->open_failed = TRUE;
      return FALSE;
    }
  /* the time is the signature's, not the request's: the signer may have
  * waited for its key (a token, a costly passphrase) or for a thread */
  signing->when = signing_moment (signing->clock, signing->tz);
  pz_signer_set_timestamp_authority (signing->signer, signing->tsa_url, signing->tsa_timeout);
  pz_signer_set_timestamp_trust (signing->signer, signing->tsa_ca);
  pz_signer_set_validation_fetch (signing->signer, signing->validation_fetch, signing->validation_timeout);
  if (!pz_signer_signs_whole_pdf (signing->signer))
    {
      g_autofree char *issuer = pz_signer_get_issuer (signing->signer);
      g_autoptr(GBytes) covered = NULL;
      g_autoptr(GPtrArray) chain = NULL;

      signing->space = pz_sign_space_new (signing->pdf, signing->name, signing->reason, signing->location,
                                          signing->when, signing->appearance, issuer, &signing->error);
      if (signing->space == NULL)
        return FALSE;
      covered = pz_sign_space_get_covered (signing->space);
      signing->cms = pz_signer_sign_cms (signing->signer, covered, &signing->error);
      if (signing->cms == NULL)
        return FALSE;
      /* the revocation data is fetched here, off the main loop; the DSS
       * is added with the signature */
      chain = pz_signer_get_chain (signing->signer);
      signing->validation = pz_validation_collect (signing->cms, chain, signing->validation_fetch,
                                                   signing->validation_timeout);
      if (!pz_sign_check_not_revoked (signing->validation, &signing->error))
        {
          g_clear_pointer (&signing->cms, g_bytes_unref);
          return FALSE;
        }
      return TRUE;
    }
  signing->signed_pdf = pz_signer_sign_pdf_visible (signing->signer, signing->pdf, signing->name, signing->reason,
                                                    signing->location, signing->when, signing->appearance,
                                                    &signing->error);
  return signing->signed_pdf != NULL;
}

/* The signature that turns the numbered permit into the signed one: made
 * now, or beforehand off the main loop (@signing). */
gboolean
sign_permit (PzEngine      *self,
             PzApplication *app,
             PzPermitType  *type,
             PzUser        *user,
             JsonObject    *data,
             PzSignJob     *signing,
             gint64         now,
             GError       **error)
{
  g_autoptr(GBytes) signed_pdf = NULL;

  if (type->signing == PZ_SIGNING_WET)
    {
      g_autoptr(PzDocument) scan = pz_store_get_document (self->store, app->id, "signed_permit");
      g_autofree char *path = scan ? blob_path (self, scan->sha256) : NULL;
      g_autofree char *contents = NULL;
      gsize len;

      if (path == NULL || !g_file_get_contents (path, &contents, &len, error))
        return FALSE;
      signed_pdf = g_bytes_new_take (g_steal_pointer (&contents), len);
    }
  else if (signing)
    {
      if (signing->application_id != app->id || signing->error)
        {
          if (signing->error)
            g_propagate_error (error, g_error_copy (signing->error));
          else
            g_set_error (error, PZ_SIGN_ERROR, PZ_SIGN_ERROR_PDF, _("The signature was made for another file"));
          return FALSE;
        }
      /* the profile shows the office's certificate; a remote service tells
       * its certificate only with the signed PDF */
      if (signing->space && signing->office_key &&
          !pz_store_note_signing_certificate (self->store, signing->signer, error))
        return FALSE;
      if (signing->space)
        {
          g_autoptr(GBytes) bare = pz_sign_space_fill (signing->space, signing->cms, error);

          if (bare)
            signed_pdf = pz_sign_add_validation (bare, signing->validation);
        }
      else
        signed_pdf = g_bytes_ref (signing->signed_pdf);
      if (signed_pdf == NULL)
        return FALSE;
    }
  else
    {
      g_autoptr(PzSigner) signer = open_signer (self, user, pz_json_get_string (data, "passphrase"), error);
      g_autofree char *identity = NULL;
      g_autofree char *nik = NULL;
      gboolean office_key = FALSE;
      g_autoptr(GBytes) pdf = NULL;
      g_autoptr(GDateTime) when = NULL;
      g_autofree char *city = setting_or (self, app->office_id, "office_city", "Sukamaju");
      g_autofree char *reason = NULL;
      g_autoptr(PzSignAppearance) appearance = NULL;

      if (signer == NULL)
        return FALSE;
      signing_identity_of (self, user, &identity, &nik, &office_key);
      pz_signer_set_timestamp_authority (signer, self->tsa_url, self->tsa_timeout);
      pz_signer_set_timestamp_trust (signer, self->tsa_ca);
      pz_signer_set_validation_fetch (signer, self->validation_fetch, self->validation_timeout);
      /* a remote service tells its certificate only with the signed PDF */
      if (self->remote_url == NULL && office_key && !pz_store_note_signing_certificate (self->store, signer, error))
        return FALSE;
      pdf = pz_engine_render_signed_permit (self, app, user, now, &appearance);
      reason = g_strdup_printf ("Izin %s", app->permit_number);
      when = signing_moment (self->sign_clock, self->tz);
      signed_pdf = pz_signer_sign_pdf_visible (signer, pdf, user->full_name, reason, city, when, appearance, error);
      if (signed_pdf == NULL)
        return FALSE;
    }
  return store_output (self, app, "permit", signed_pdf, now, error);
}

/* What the applicant is told, and when: registered, returned for
 * completion, ready for pick-up, refused. */
PzMessage *
compose_message (PzEngine      *self,
                 PzApplication *app,
                 PzPermitType  *type,
                 const PzStep  *from,
                 PzAction       action,
                 const PzStep  *to,
                 PzWorkflow    *wf,
                 const char    *note,
                 JsonObject    *returned_items,
                 gint64         now)
{
  g_autofree char *office = NULL;
  g_autofree char *track = g_strdup_printf ("%s/track/%s", office_of (self, app->office_id)->public_url,
                                            app->tracking_code);
  const char *type_name = type ? type->name : app->permit_type;
  PzMessage *m;
  GString *body = g_string_new (NULL);

  m = g_new0 (PzMessage, 1);
  m->application_id = app->id;
  m->recipient_name = g_strdup (app->applicant_name);
  m->email = g_strdup (app->applicant_email);
  m->phone = g_strdup (app->applicant_phone);
  m->created_at = now;
  g_string_append_printf (body, "Yth. %s,\n\n", app->applicant_name);

  if (action == PZ_ACTION_APPROVE && g_strcmp0 (from->id, pz_workflow_get_start (wf, 0)->id) == 0)
    {
      m->kind = g_strdup ("registered");
      m->subject = g_strdup_printf ("Permohonan izin terdaftar: %s", app->registration_number);
      g_string_append_printf (body, "Permohonan %s Anda telah terdaftar dengan nomor %s.\n"
                              "Perkembangan berkas dapat diikuti di %s\n", type_name,
                              app->registration_number, track);
    }
  else if (action == PZ_ACTION_RETURN && from->form == PZ_FORM_DOCUMENTS_COMPLETE)
    {
      JsonArray *items = returned_items ? json_object_get_array_member (returned_items, "not_ok") : NULL;

      m->kind = g_strdup ("returned");
      m->subject = g_strdup_printf ("Berkas %s perlu dilengkapi", app->registration_number);
      g_string_append_printf (body, "Berkas permohonan %s (%s) belum lengkap. Mohon lengkapi:\n",
                              app->registration_number, type_name);
      for (guint i = 0; items && i < json_array_get_length (items); i++)
        {
          JsonObject *item = json_array_get_object_element (items, i);
          g_string_append_printf (body, "- %s: %s\n", pz_json_get_string (item, "title"), pz_json_get_string (item, "note"));
        }
      if (note)
        g_string_append_printf (body, "\nCatatan petugas: %s\n", note);
      g_string_append_printf (body, "\nSilakan datang ke loket dengan dokumen yang diperbaiki. %s\n", track);
    }
  else if (to->form == PZ_FORM_HANDOVER)
    {
      m->kind = g_strdup ("ready");
      m->subject = g_strdup_printf ("Izin Anda siap diambil: %s", app->registration_number);
      g_string_append_printf (body, "%s Anda dengan nomor %s telah terbit dan dapat diambil di loket "
                              "pelayanan dengan membawa tanda terima (%s).\n", type_name,
                              app->permit_number ? app->permit_number : "-", app->registration_number);
    }
  else if (to->final && to->final_status == PZ_STATUS_REFUSED)
    {
      m->kind = g_strdup ("refused");
      m->subject = g_strdup_printf ("Permohonan izin %s ditolak", app->registration_number);
      g_string_append_printf (body, "Dengan menyesal kami sampaikan bahwa permohonan %s Anda (%s) tidak dapat "
                              "dikabulkan.\nAlasan: %s\nSurat penolakan dapat diambil di loket pelayanan.\n",
                              type_name, app->registration_number, note ? note : "-");
    }
  else
    {
      g_string_free (body, TRUE);
      pz_message_free (m);
      return NULL;
    }
  /* read only for a message that goes: most actions send none */
  office = setting_or (self, app->office_id, "office_name", "DPMPTSP");
  g_string_append_printf (body, "\nHormat kami,\n%s\n", office);
  m->body = g_string_free (body, FALSE);
  return m;
}

/**
 * pz_engine_output_path:
 * @self: an engine
 * @application_id: the file
 * @kind: the output
 *
 * Returns: (transfer full) (nullable): where the stored output is
 */
char *
pz_engine_output_path (PzEngine   *self,
                       gint64      application_id,
                       const char *kind)
{
  g_autoptr(GPtrArray) outputs = pz_store_list_outputs (self->store, application_id);

  for (guint i = 0; i < outputs->len; i++)
    {
      PzDocument *o = g_ptr_array_index (outputs, i);
      if (g_str_equal (o->requirement, kind))
        return blob_path (self, o->sha256);
    }
  return NULL;
}

/* The draft exists from data entry on: once back office has entered the
 * permit data, each verifier sees the permit as it will read. */
gboolean
has_draft (PzEngine      *self,
           PzApplication *app,
           GPtrArray     *events)
{
  PzPermitType *type = pz_engine_get_file_permit_type (self, app);
  PzWorkflow *wf = type ? pz_engine_get_workflow (self, type->workflow) : NULL;

  for (guint i = 0; events && wf && i < events->len; i++)
    {
      PzEvent *ev = g_ptr_array_index (events, i);
      const PzStep *from = pz_workflow_get_step (wf, ev->from_step);

      if (from && g_strcmp0 (from->output, "draft") == 0 && g_strcmp0 (ev->action, "approve") == 0)
        return TRUE;
    }
  return FALSE;
}
