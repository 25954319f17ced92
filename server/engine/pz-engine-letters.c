/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The letters the steps produce: receipt, BAP, permit, refusal. */
#define G_LOG_DOMAIN "pz-engine"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "pz-engine-private.h"

/* Outputs: the documents the steps produce */

static const char *
request_type_id (const char *code)
{
  if (g_strcmp0 (code, "renewal") == 0)
    return "Perpanjangan";
  if (g_strcmp0 (code, "change") == 0)
    return "Perubahan";
  return "Baru";
}

char *
setting_or (PzEngine   *self,
            gint64      office_id,
            const char *key,
            const char *fallback)
{
  char *value = pz_store_get_setting (self->store, office_id, key);
  return value ? value : g_strdup (fallback);
}

/**
 * pz_engine_expected_completion:
 * @self: an engine
 * @app: a file
 *
 * The service standard counts from the moment the documents were complete
 * (the first document check approval), in working days.
 *
 * Returns: the expected completion time, or 0 if not known yet
 */
gint64
pz_engine_expected_completion (PzEngine      *self,
                               PzApplication *app)
{
  PzPermitType *type = pz_engine_get_file_permit_type (self, app);
  g_autoptr(GPtrArray) events = pz_store_list_events (self->store, app->id, NULL);
  gint64 complete = 0;

  for (guint i = 0; events && i < events->len && complete == 0; i++)
    {
      PzEvent *ev = g_ptr_array_index (events, i);
      PzWorkflow *wf = type ? pz_engine_get_workflow (self, type->workflow) : NULL;
      const PzStep *from = wf ? pz_workflow_get_step (wf, ev->from_step) : NULL;

      if (from && from->form == PZ_FORM_DOCUMENTS_COMPLETE && g_strcmp0 (ev->action, "approve") == 0)
        complete = ev->at;
    }
  if (complete == 0 || type == NULL || type->service_days == 0)
    return 0;
  {
    g_autoptr(GDateTime) start = g_date_time_new_from_unix_utc (complete);
    g_autoptr(GDateTime) due = pz_calendar_add_working_days (office_of (self, app->office_id)->calendar, start,
                                                             type->service_days);
    return due ? g_date_time_to_unix (due) : 0;
  }
}

/* A permit field as the letter prints it: dates the Indonesian way,
 * decimals with a comma. */
static char *
field_text (const PzField *f,
            JsonNode      *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    {
      GDate d;

      if (f->type == PZ_FIELD_DATE && pz_parse_date (json_node_get_string (node), &d))
        return pz_format_gdate_id (&d);
      return g_strdup (json_node_get_string (node));
    }
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    {
      double v = json_node_get_double (node);
      char *text = v == (double) (gint64) v ? g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) v)
                                            : g_strdup_printf ("%.2f", v);
      char *dot = strchr (text, '.');

      if (dot)
        *dot = ',';
      return text;
    }
  return NULL;
}

/* The permit's data, as rows: at @level 1 in a decree's dictum. Only the
 * fields that have a value when @only_set. */
static void
add_permit_fields (PzOutputContent *c,
                   PzPermitType    *type,
                   const char      *data_text,
                   gint             level,
                   gboolean         only_set)
{
  g_autoptr(JsonObject) data = parse_object (data_text);

  for (guint i = 0; type && i < type->fields->len; i++)
    {
      PzField *f = g_ptr_array_index (type->fields, i);
      g_autofree char *value = field_text (f, data ? json_object_get_member (data, f->name) : NULL);

      if (only_set && value == NULL)
        continue;
      if (level < 0)
        pz_output_content_add (c, f->label, value);
      else
        pz_output_content_block (c, PZ_BLOCK_ROW, (guint) level, f->label, NULL, value);
    }
}

/* The objection a citizen may raise against a decision: 21 working days
 * (Undang-Undang Nomor 30 Tahun 2014, Pasal 77), counted from the day after
 * the letter. */
#define OBJECTION_WORKING_DAYS 21

static void
objection_deadline (PzEngine *self,
                    gint64    office_id,
                    gint64    from,
                    GDate    *deadline)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (from);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, self->tz);
  guint counted = 0;

  g_date_clear (deadline, 1);
  g_date_set_dmy (deadline, g_date_time_get_day_of_month (local), g_date_time_get_month (local),
                  g_date_time_get_year (local));
  for (guint i = 0; counted < OBJECTION_WORKING_DAYS && i < 366; i++)
    {
      g_date_add_days (deadline, 1);
      if (pz_calendar_is_working_day (office_of (self, office_id)->calendar, deadline))
        counted++;
    }
}

/* The holder's photo, if the type asks for one and it was uploaded as a
 * PNG (the only picture format the server decodes itself). */
static cairo_surface_t *
holder_photo (PzEngine      *self,
              PzApplication *app,
              PzPermitType  *type)
{
  g_autoptr(PzDocument) doc = NULL;
  g_autofree char *path = NULL;
  g_autofree char *data = NULL;
  gsize size;

  if (type == NULL || type->holder_photo == NULL ||
      !(doc = pz_store_get_document (self->store, app->id, type->holder_photo)) ||
      g_strcmp0 (doc->content_type, "image/png") != 0)
    return NULL;
  path = blob_path (self, doc->sha256);
  if (!g_file_get_contents (path, &data, &size, NULL))
    return NULL;
  {
    g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&data), size);
    return pz_output_load_png (bytes);
  }
}


static char *
strup (GPtrArray  *owned,
       const char *text)
{
  char *up = g_utf8_strup (text, -1);

  g_ptr_array_add (owned, up);
  return up;
}

static const char *
own (GPtrArray *owned,
     char      *text)
{
  g_ptr_array_add (owned, text);
  return text;
}

static void
add_list_items (PzOutputContent *c,
                const char      *label,
                char           **items,
                gboolean         letters)
{
  for (guint i = 0; items && items[i]; i++)
    {
      g_autofree char *marker = letters && i < 26 ? g_strdup_printf ("%c.", 'a' + i) : g_strdup_printf ("%u.", i + 1);

      pz_output_content_block (c, PZ_BLOCK_ITEM, 1, i == 0 ? label : NULL, marker, items[i]);
    }
}

/* Who approved the draft so far, and who sent it back */
static void
add_draft_approvals (PzEngine        *self,
                     PzApplication   *app,
                     PzOutputContent *c)
{
  g_autoptr(GPtrArray) events = pz_store_list_events (self->store, app->id, NULL);
  guint n = 0;

  pz_output_content_block (c, PZ_BLOCK_PARAGRAPH, 0, NULL, NULL, "Persetujuan draf sejauh ini:");
  for (guint i = 0; events && i < events->len; i++)
    {
      PzEvent *ev = g_ptr_array_index (events, i);
      g_autofree char *when = pz_format_date_id (ev->at, self->tz, TRUE);
      const char *role_title = pz_role_title (ev->role);
      g_autofree char *line = NULL;
      g_autofree char *marker = NULL;

      if (g_strcmp0 (ev->action, "approve") == 0 && g_str_has_suffix (ev->from_step ? ev->from_step : "", "_verification"))
        line = g_strdup_printf ("%s (%s), %s", ev->full_name, role_title ? role_title : ev->role, when);
      else if (g_strcmp0 (ev->action, "return") == 0)
        line = g_strdup_printf ("Dikembalikan oleh %s, %s: %s", ev->full_name, when, ev->note ? ev->note : "");
      if (line == NULL)
        continue;
      marker = g_strdup_printf ("%u.", ++n);
      pz_output_content_block (c, PZ_BLOCK_ITEM, 0, NULL, marker, line);
    }
  if (n == 0)
    pz_output_content_block (c, PZ_BLOCK_ITEM, 0, NULL, "-", "Belum ada");
}

/**
 * pz_engine_render_output:
 * @self: an engine
 * @app: the file, as it stands after the action that makes the output
 * @kind: `receipt`, `bap`, `draft`, `permit` or `refusal`
 * @actor: (nullable): who acts now
 * @note: (nullable): the action's note (the reasons of a refusal)
 * @now: the current time
 * @letter_number: (nullable): the refusal letter's number
 *
 * Returns: (transfer full) (nullable): the PDF
 */
static GBytes *render_letter (PzEngine          *self,
                              PzApplication     *app,
                              const char        *kind,
                              PzUser            *actor,
                              const char        *note,
                              gint64             now,
                              gboolean           signed_electronically,
                              const char        *letter_number,
                              PzSignAppearance **appearance);

GBytes *
render_output (PzEngine      *self,
               PzApplication *app,
               const char    *kind,
               PzUser        *actor,
               const char    *note,
               gint64         now,
               gboolean       signed_electronically,
               const char    *letter_number)
{
  return render_letter (self, app, kind, actor, note, now, signed_electronically, letter_number, NULL);
}

/* As render_output(); with @appearance, a signed permit leaves its
 * statement's box empty for the signature's appearance, which is returned
 * there: its place and what it says. */
static GBytes *
render_letter (PzEngine          *self,
               PzApplication     *app,
               const char        *kind,
               PzUser            *actor,
               const char        *note,
               gint64             now,
               gboolean           signed_electronically,
               const char        *letter_number,
               PzSignAppearance **appearance)
{
  PzOutputPlace place = { 0 };
  PzPermitType *type = pz_engine_get_file_permit_type (self, app);
  g_autofree char *office = setting_or (self, app->office_id, "office_name", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu");
  g_autofree char *address = setting_or (self, app->office_id, "office_address", "");
  g_autofree char *region = setting_or (self, app->office_id, "office_region", NULL);
  g_autofree char *kadis = setting_or (self, app->office_id, "kadis_name", "");
  g_autofree char *kadis_nip = setting_or (self, app->office_id, "kadis_nip", NULL);
  g_autofree char *issuer_dn = setting_or (self, PZ_STORE_FIRST_OFFICE, "signing_issuer", NULL);
  g_autofree char *issuer = pz_sign_issuer_name (issuer_dn);
  g_autofree char *office_up = g_utf8_strup (office, -1);
  /* a Plh/Plt signs in their own name, under their acting title */
  const char *acting = actor ? pz_user_acting_kind (actor, "kadis") : NULL;
  const char *acting_prefix = acting == NULL ? "" : g_str_equal (acting, "plt") ? "Plt. " : "Plh. ";
  g_autofree char *signer_title = g_strdup_printf ("%sKEPALA %s,", acting_prefix, office_up);
  const char *signer_role = acting == NULL ? "Kepala Dinas"
                            : g_str_equal (acting, "plt") ? "Plt. Kepala Dinas" : "Plh. Kepala Dinas";
  g_autofree char *city = setting_or (self, app->office_id, "office_city", "Sukamaju");
  g_autofree char *today = pz_format_date_id (now, self->tz, FALSE);
  g_autofree char *closing = g_strdup_printf ("%s, %s", city, today);
  OfficeState *office_state = office_of (self, app->office_id);
  g_autofree char *track = g_strdup_printf ("%s/track/%s", office_state->public_url, app->tracking_code);
  g_autofree char *verify = app->verify_token ? g_strdup_printf ("%s/verify/%s", office_state->public_url,
                                                                 app->verify_token) : NULL;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);  /* strings the content points to */
  const char *type_name = type ? type->name : app->permit_type;
  PzOutputContent c;
  GBytes *pdf;
  g_autofree char *statement = NULL;
  g_autofree char *head = NULL;

  pz_output_content_init (&c);
  c.kind = kind;
  c.region = region;
  c.office_name = office;
  c.office_address = address;
  c.logo_png = office_state->logo;
  c.closing = closing;

  if (g_str_equal (kind, "receipt"))
    {
      g_autoptr(GPtrArray) docs = pz_store_list_documents (self->store, app->id, NULL);
      g_autofree char *received = pz_format_date_id (now, self->tz, TRUE);
      gint64 expected = pz_engine_expected_completion (self, app);
      g_autofree char *expected_text = expected ? pz_format_date_id (expected, self->tz, FALSE) : NULL;

      c.title = "TANDA TERIMA BERKAS PERMOHONAN IZIN";
      subtitle = g_strdup_printf ("Nomor Pendaftaran: %s", app->registration_number);
      c.subtitle = subtitle;
      pz_output_content_add (&c, "Nama pemohon", app->applicant_name);
      pz_output_content_add (&c, "NIK", app->applicant_nik);
      pz_output_content_add (&c, "Alamat", app->applicant_address);
      pz_output_content_add (&c, "Jenis izin", type_name);
      pz_output_content_add (&c, "Jenis permohonan", request_type_id (app->request_type));
      pz_output_content_add (&c, "Diterima", received);
      pz_output_content_add (&c, "Petugas", actor ? actor->full_name : NULL);
      pz_output_content_add (&c, "Perkiraan selesai", expected_text);
      pz_output_content_add (&c, "Kode lacak", app->tracking_code);
      c.list_title = "Dokumen persyaratan yang diterima:";
      /* in the order of the checklist, as the applicant handed them over;
       * then any the permit type no longer lists */
      for (guint pass = 0; pass < 2; pass++)
        for (guint i = 0; docs && i < (pass == 0 && type ? type->requirements->len : pass == 0 ? 0 : docs->len); i++)
          {
            const PzRequirement *r = NULL;
            PzDocument *d = NULL;

            if (pass == 0)
              {
                PzRequirement *want = g_ptr_array_index (type->requirements, i);

                if (!g_strv_contains ((const char * const *) want->request_types, app->request_type))
                  continue;
                for (guint j = 0; j < docs->len && d == NULL; j++)
                  if (g_str_equal (((PzDocument *) g_ptr_array_index (docs, j))->requirement, want->code))
                    d = g_ptr_array_index (docs, j);
                r = want;
              }
            else
              {
                d = g_ptr_array_index (docs, i);
                if (type && pz_permit_type_find_requirement (type, app->request_type, d->requirement))
                  continue;
              }
            if (d)
              g_ptr_array_add (c.list, g_strdup_printf ("%s (%" G_GINT64_FORMAT " hlm.)", r ? r->title : d->requirement,
                                                        MAX (d->pages, 1)));
          }
      body = g_strdup_printf ("Simpan tanda terima ini. Perkembangan berkas dapat diikuti dengan memindai "
                              "kode QR atau membuka %s, dan tanda terima ini ditunjukkan saat pengambilan "
                              "izin. Kode lacak hanya untuk Anda: jangan dibagikan.", track);
      c.body = body;
      c.signer_title = "Petugas Front Office";
      c.signer_name = actor ? actor->full_name : NULL;
      c.signer_nip = actor ? actor->nip : NULL;
      c.qr_url = track;
      c.qr_caption = "Lacak berkas dengan kode:";
      c.qr_code = app->tracking_code;
    }
  else if (g_str_equal (kind, "bap"))
    {
      g_autoptr(JsonObject) survey = parse_object (app->survey);
      const char *date = survey ? pz_json_get_string (survey, "survey_date") : NULL;
      const char *rec = survey ? pz_json_get_string (survey, "recommendation") : NULL;
      const char *surveyor = survey && pz_json_get_string (survey, "surveyor")
                             ? own (owned, g_strdup (pz_json_get_string (survey, "surveyor"))) : NULL;
      const char *surveyor_nip = survey && pz_json_get_string (survey, "surveyor_nip")
                                 ? own (owned, g_strdup (pz_json_get_string (survey, "surveyor_nip"))) : NULL;
      GDate d;
      g_autofree char *opening = NULL;

      if (date && pz_parse_date (date, &d))
        {
          g_autofree char *day = pz_number_in_words_id (g_date_get_day (&d));
          g_autofree char *year = pz_number_in_words_id (g_date_get_year (&d));
          g_autofree char *plain = pz_format_gdate_id (&d);
          static const char * const months[] = {
            "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
            "November", "Desember"
          };

          opening = g_strdup_printf ("Pada hari ini %s tanggal %s bulan %s tahun %s (%s), kami yang bertanda "
                                     "tangan di bawah ini:", pz_weekday_id (g_date_get_weekday (&d)), day,
                                     months[g_date_get_month (&d) - 1], year, plain);
          c.closing = own (owned, g_strdup_printf ("%s, %s", city, plain));
        }
      else
        opening = g_strdup ("Pada hari ini, kami yang bertanda tangan di bawah ini:");
      c.title = "BERITA ACARA PEMERIKSAAN LAPANGAN";
      subtitle = g_strdup_printf ("Nomor Pendaftaran: %s", app->registration_number);
      c.subtitle = subtitle;
      pz_output_content_block (&c, PZ_BLOCK_PARAGRAPH, 0, NULL, NULL, opening);
      pz_output_content_block (&c, PZ_BLOCK_ROW, 3, "Nama", NULL, surveyor);
      pz_output_content_block (&c, PZ_BLOCK_ROW, 3, "NIP", NULL, surveyor_nip);
      pz_output_content_block (&c, PZ_BLOCK_ROW, 3, "Jabatan", NULL, "Tim Teknis");
      pz_output_content_block (&c, PZ_BLOCK_PARAGRAPH, 0, NULL, NULL,
                               own (owned, g_strdup_printf ("selaku Tim Teknis pada %s, telah melakukan pemeriksaan "
                                                            "lapangan atas permohonan izin dengan data sebagai berikut:",
                                                            office)));
      pz_output_content_block (&c, PZ_BLOCK_ROW, 3, "Nomor pendaftaran", NULL, app->registration_number);
      pz_output_content_block (&c, PZ_BLOCK_ROW, 3, "Nama pemohon", NULL, app->applicant_name);
      pz_output_content_block (&c, PZ_BLOCK_ROW, 3, "Alamat pemohon", NULL, app->applicant_address);
      pz_output_content_block (&c, PZ_BLOCK_ROW, 3, "Jenis izin", NULL, type_name);
      pz_output_content_block (&c, PZ_BLOCK_ROW, 3, "Jenis permohonan", NULL, request_type_id (app->request_type));
      add_permit_fields (&c, type, app->data, 3, TRUE);
      pz_output_content_block (&c, PZ_BLOCK_PARAGRAPH, 0, NULL, NULL, "Hasil pemeriksaan lapangan:");
      pz_output_content_block (&c, PZ_BLOCK_PARAGRAPH, 1, NULL, NULL,
                               survey ? pz_json_get_string (survey, "findings") : NULL);
      pz_output_content_block (&c, PZ_BLOCK_PARAGRAPH, 0, NULL, NULL,
                               g_strcmp0 (rec, "feasible") == 0
                               ? "Berdasarkan hasil pemeriksaan tersebut, Tim Teknis merekomendasikan bahwa "
                               "permohonan ini LAYAK diterbitkan izinnya."
                               : "Berdasarkan hasil pemeriksaan tersebut, Tim Teknis merekomendasikan bahwa "
                               "permohonan ini TIDAK LAYAK diterbitkan izinnya.");
      pz_output_content_block (&c, PZ_BLOCK_PARAGRAPH, 0, NULL, NULL,
                               "Demikian Berita Acara Pemeriksaan ini dibuat dengan sebenarnya, disaksikan oleh "
                               "pemohon atau kuasanya, untuk dipergunakan sebagaimana mestinya.");
      c.cosigner_title = "Pemohon / Kuasa,";
      c.cosigner_name = app->applicant_name;
      c.signer_title = "Tim Teknis,";
      c.signer_name = surveyor;
      c.signer_nip = surveyor_nip;
      c.qr_url = track;
      c.qr_caption = "Pindai untuk memeriksa berkas";
    }
  else if ((g_str_equal (kind, "draft") || g_str_equal (kind, "permit")) && type && type->decree.considering[0])
    {
      gboolean draft = g_str_equal (kind, "draft");
      const char *type_up = strup (owned, type->name);
      g_autofree char *validity = NULL;
      guint dictum = 1;

      /* the decree: KEPUTUSAN KEPALA DINAS … NOMOR … TENTANG … */
      title = g_strdup_printf ("KEPUTUSAN KEPALA %s", office_up);
      c.title = title;
      subtitle = g_strdup_printf ("NOMOR: %s\nTENTANG\n%s", draft ? "(diberikan setelah penetapan)" : app->permit_number,
                                  type_up);
      c.subtitle = subtitle;
      c.watermark_draft = draft;
      pz_output_content_block (&c, PZ_BLOCK_HEADING, 0, NULL, NULL,
                               own (owned, g_strdup_printf ("KEPALA %s,", office_up)));
      add_list_items (&c, "Menimbang", type->decree.considering, TRUE);
      add_list_items (&c, "Mengingat", type->decree.observing, FALSE);
      pz_output_content_block (&c, PZ_BLOCK_HEADING, 0, NULL, NULL, "MEMUTUSKAN:");
      pz_output_content_block (&c, PZ_BLOCK_ITEM, 0, "Menetapkan", NULL,
                               own (owned, g_strdup_printf ("KEPUTUSAN KEPALA %s TENTANG %s.", office_up, type_up)));
      pz_output_content_block (&c, PZ_BLOCK_ITEM, 0, pz_ordinal_dictum_id (dictum++), NULL,
                               own (owned, g_strdup_printf ("Memberikan %s kepada:", type->name)));
      pz_output_content_block (&c, PZ_BLOCK_ROW, 1, "Nama", NULL, app->applicant_name);
      pz_output_content_block (&c, PZ_BLOCK_ROW, 1, "NIK", NULL, app->applicant_nik);
      pz_output_content_block (&c, PZ_BLOCK_ROW, 1, "Alamat", NULL, app->applicant_address);
      pz_output_content_block (&c, PZ_BLOCK_ROW, 1, "Jenis permohonan", NULL, request_type_id (app->request_type));
      add_permit_fields (&c, type, app->data, 1, FALSE);
      if (type->decree.obligations[0])
        {
          pz_output_content_block (&c, PZ_BLOCK_ITEM, 0, pz_ordinal_dictum_id (dictum++), NULL,
                                   "Pemegang izin berkewajiban:");
          add_list_items (&c, NULL, type->decree.obligations, FALSE);
        }
      if (type->validity_months)
        {
          g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (now);
          g_autoptr(GDateTime) until = g_date_time_add_months (utc, (int) type->validity_months);
          g_autofree char *until_text = pz_format_date_id (g_date_time_to_unix (until), self->tz, FALSE);
          g_autofree char *months = pz_number_in_words_id (type->validity_months);

          validity = g_strdup_printf ("%s ini berlaku selama %u (%s) bulan sejak tanggal ditetapkan, yaitu sampai "
                                      "dengan tanggal %s, dan dapat diperpanjang sesuai ketentuan.", type->name,
                                      type->validity_months, months, until_text);
        }
      else
        validity = g_strdup_printf ("%s ini berlaku selama tidak ada perubahan data sebagaimana tercantum dalam "
                                    "Diktum KESATU.", type->name);
      pz_output_content_block (&c, PZ_BLOCK_ITEM, 0, pz_ordinal_dictum_id (dictum++), NULL, validity);
      for (guint i = 0; type->decree.provisions[i]; i++)
        pz_output_content_block (&c, PZ_BLOCK_ITEM, 0, pz_ordinal_dictum_id (dictum++), NULL,
                                 type->decree.provisions[i]);
      for (guint i = 0; type->decree.copies[i]; i++)
        g_ptr_array_add (c.copies, g_strdup (type->decree.copies[i]));
      if (draft)
        add_draft_approvals (self, app, &c);
      c.closing = own (owned, g_strdup_printf ("Ditetapkan di %s\npada tanggal %s", city, draft ? "…" : today));
      if (type->holder_photo)
        {
          c.photo_frame = TRUE;
          c.photo = holder_photo (self, app, type);
        }
    }
  else if (g_str_equal (kind, "draft") || g_str_equal (kind, "permit"))
    {
      gboolean draft = g_str_equal (kind, "draft");

      title = g_ascii_strup (type_name, -1);
      c.title = title;
      subtitle = draft ? g_strdup ("Nomor: (diberikan setelah penetapan)")
                       : g_strdup_printf ("Nomor: %s", app->permit_number);
      c.subtitle = subtitle;
      c.watermark_draft = draft;
      pz_output_content_add (&c, "Diberikan kepada", app->applicant_name);
      pz_output_content_add (&c, "NIK", app->applicant_nik);
      pz_output_content_add (&c, "Alamat", app->applicant_address);
      add_permit_fields (&c, type, app->data, -1, FALSE);
      if (type && type->validity_months)
        {
          g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (now);
          g_autoptr(GDateTime) until = g_date_time_add_months (utc, (int) type->validity_months);
          g_autofree char *until_text = pz_format_date_id (g_date_time_to_unix (until), self->tz, FALSE);
          pz_output_content_add (&c, "Berlaku sampai", until_text);
        }
      else
        pz_output_content_add (&c, "Masa berlaku", "Selama tidak ada perubahan data");
      if (draft)
        add_draft_approvals (self, app, &c);
      if (type && type->holder_photo)
        {
          c.photo_frame = TRUE;
          c.photo = holder_photo (self, app, type);
        }
    }
  else if (g_str_equal (kind, "refusal"))
    {
      g_autofree char *registered = pz_format_date_id (app->created_at, self->tz, FALSE);
      g_autofree char *deadline_text = NULL;
      g_autofree char *addressee = NULL;
      GDate deadline;

      objection_deadline (self, app->office_id, now, &deadline);
      deadline_text = pz_format_gdate_id (&deadline);
      /* a letter: place and date, its number and subject beside the addressee */
      pz_output_content_block (&c, PZ_BLOCK_SIDE, 0, NULL, NULL, closing);
      c.closing = NULL;
      pz_output_content_block (&c, PZ_BLOCK_PARAGRAPH, 0, NULL, NULL, " ");
      addressee = g_strdup_printf ("Kepada\nYth. Sdr. %s\n%s\ndi tempat", app->applicant_name,
                                   app->applicant_address ? app->applicant_address : "");
      pz_output_content_block (&c, PZ_BLOCK_SIDE, 0, NULL, NULL, addressee);
      pz_output_content_block (&c, PZ_BLOCK_ROW, 2, "Nomor", NULL, letter_number);
      pz_output_content_block (&c, PZ_BLOCK_ROW, 2, "Sifat", NULL, "Penting");
      pz_output_content_block (&c, PZ_BLOCK_ROW, 2, "Lampiran", NULL, "-");
      pz_output_content_block (&c, PZ_BLOCK_ROW, 2, "Perihal", NULL,
                               own (owned, g_strdup_printf ("Penolakan Permohonan %s", type_name)));
      pz_output_content_block (&c, PZ_BLOCK_PARAGRAPH, 0, NULL, NULL, " ");
      pz_output_content_block (&c, PZ_BLOCK_PARAGRAPH, 0, NULL, NULL,
                               own (owned, g_strdup_printf ("Menindaklanjuti permohonan %s (%s) Saudara yang terdaftar "
                                                            "pada tanggal %s dengan Nomor Pendaftaran %s, dengan ini "
                                                            "kami sampaikan bahwa permohonan tersebut tidak dapat "
                                                            "dikabulkan dengan alasan sebagai berikut:",
                                                            type_name, request_type_id (app->request_type),
                                                            registered, app->registration_number)));
      pz_output_content_block (&c, PZ_BLOCK_PARAGRAPH, 1, NULL, NULL, note);
      pz_output_content_block (&c, PZ_BLOCK_PARAGRAPH, 0, NULL, NULL,
                               own (owned, g_strdup_printf ("Apabila Saudara tidak sependapat dengan keputusan ini, "
                                                            "Saudara berhak mengajukan keberatan secara tertulis "
                                                            "kepada Kepala %s paling lambat %d (%s) hari kerja sejak "
                                                            "tanggal surat ini, yaitu tanggal %s, sesuai Pasal 77 "
                                                            "Undang-Undang Nomor 30 Tahun 2014 tentang Administrasi "
                                                            "Pemerintahan. Saudara juga dapat mengajukan permohonan "
                                                            "baru setelah alasan penolakan di atas terpenuhi.",
                                                            office, OBJECTION_WORKING_DAYS, "dua puluh satu",
                                                            deadline_text)));
      pz_output_content_block (&c, PZ_BLOCK_PARAGRAPH, 0, NULL, NULL,
                               "Demikian disampaikan, atas perhatian Saudara diucapkan terima kasih.");
      c.qr_url = track;
      c.qr_caption = "Lacak berkas";
    }
  else
    {
      pz_output_content_clear (&c);
      return NULL;
    }

  /* the decision's signature: the Kadis, or whoever acts for them */
  if (g_str_equal (kind, "draft") || g_str_equal (kind, "permit") || g_str_equal (kind, "refusal"))
    {
      c.signer_title = signer_title;
      c.signer_name = acting ? actor->full_name : kadis;
      c.signer_nip = acting ? actor->nip : kadis_nip;
    }
  if (g_str_equal (kind, "permit"))
    {
      c.qr_url = verify;
      c.qr_caption = "Pindai untuk memeriksa keaslian izin";
      if (signed_electronically)
        {
          g_autofree char *at = pz_format_date_id (now, self->tz, TRUE);

          head = g_strdup_printf ("Ditandatangani secara elektronik oleh\n%s (%s)", c.signer_name, signer_role);
          statement = g_strdup_printf ("%s\npada %s", head, at);
          c.signed_statement = statement;
          if (appearance)
            c.signature_place = &place;
          c.footer = own (owned, g_strdup_printf ("Dokumen ini telah ditandatangani secara elektronik menggunakan "
                                                  "sertifikat elektronik yang diterbitkan oleh %s, sehingga tidak "
                                                  "memerlukan tanda tangan dan cap basah (Undang-Undang Nomor 11 "
                                                  "Tahun 2008 tentang Informasi dan Transaksi Elektronik). Keaslian "
                                                  "dokumen dapat diperiksa dengan memindai kode QR.",
                                                  issuer && *issuer ? issuer : "penyelenggara sertifikasi elektronik"));
        }
    }

  pdf = pz_output_render (&c);
  pz_output_content_clear (&c);
  if (appearance && place.page > 0)
    {
      PzSignAppearance *ap = g_new0 (PzSignAppearance, 1);

      /* the statement, in the letter's language, then the authority */
      ap->page = place.page;
      ap->x = place.x;
      ap->y = place.y;
      ap->width = place.width;
      ap->height = place.height;
      /* the time is the signature's own, written when it is made */
      ap->lines = g_strsplit (head, "\n", -1);
      ap->time_prefix = g_strdup ("pada ");
      ap->issuer_prefix = g_strdup ("Sertifikat elektronik: ");
      *appearance = ap;
    }
  return pdf;
}

GBytes *
pz_engine_render_output (PzEngine      *self,
                         PzApplication *app,
                         const char    *kind,
                         PzUser        *actor,
                         const char    *note,
                         gint64         now)
{
  return render_output (self, app, kind, actor, note, now, FALSE, NULL);
}

/**
 * pz_engine_render_signed_permit:
 * @self: an engine
 * @app: a numbered file
 * @actor: the Kadis who signs
 * @now: the signing time
 *
 * @appearance: (out) (optional): where the signature shows on the permit,
 *   and what it says there
 *
 * Returns: (transfer full): the permit with the statement that it is signed
 *   electronically, ready for the signature itself; with @appearance, its
 *   box left for the signature's appearance
 */
GBytes *
pz_engine_render_signed_permit (PzEngine          *self,
                                PzApplication     *app,
                                PzUser            *actor,
                                gint64             now,
                                PzSignAppearance **appearance)
{
  if (appearance)
    *appearance = NULL;
  return render_letter (self, app, "permit", actor, NULL, now, TRUE, NULL, appearance);
}

gboolean
store_output (PzEngine      *self,
              PzApplication *app,
              const char    *kind,
              GBytes        *pdf,
              gint64         now,
              GError       **error)
{
  g_autoptr(PzUpload) upload = pz_engine_upload_new (self, error);
  g_autofree char *sha = NULL;
  gsize size;
  const void *data = g_bytes_get_data (pdf, &size);

  if (upload == NULL)
    return FALSE;
  pz_upload_write (upload, data, size, G_MAXSIZE);
  sha = g_strdup (g_checksum_get_string (upload->checksum));
  if (!keep_upload (self, upload, sha, error))
    return FALSE;
  return pz_store_put_output (self->store, app->id, kind, sha, (gint64) size, now, error);
}

/* What the office profile shows of the signing certificate: it can only be
 * read with the passphrase, so it is noted whenever the key is opened. */
gboolean
pz_store_note_signing_certificate (PzStore  *store,
                                   PzSigner *signer,
                                   GError  **error)
{
  g_autofree char *subject = pz_signer_get_subject (signer);
  g_autofree char *issuer = pz_signer_get_issuer (signer);
  g_autofree char *known = pz_store_get_setting (store, PZ_STORE_FIRST_OFFICE, "signing_subject");
  g_autofree char *known_end = pz_store_get_setting (store, PZ_STORE_FIRST_OFFICE, "signing_not_after");
  g_autofree char *not_before_text = NULL;
  g_autofree char *not_after_text = NULL;
  gint64 not_before, not_after;

  pz_signer_get_validity (signer, &not_before, &not_after);
  not_before_text = g_strdup_printf ("%" G_GINT64_FORMAT, not_before);
  not_after_text = g_strdup_printf ("%" G_GINT64_FORMAT, not_after);
  if (g_strcmp0 (known, subject) == 0 && g_strcmp0 (known_end, not_after_text) == 0)
    return TRUE;
  return pz_store_set_setting (store, PZ_STORE_FIRST_OFFICE, "signing_subject", subject, error) &&
         pz_store_set_setting (store, PZ_STORE_FIRST_OFFICE, "signing_issuer", issuer, error) &&
         pz_store_set_setting (store, PZ_STORE_FIRST_OFFICE, "signing_not_before", not_before_text, error) &&
         pz_store_set_setting (store, PZ_STORE_FIRST_OFFICE, "signing_not_after", not_after_text, error);
}
