/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-demo"

#include "config.h"

#include <cairo-pdf.h>
#include <errno.h>
#include <glib/gi18n-lib.h>
#include <pango/pangocairo.h>

#include "pz-auth.h"
#include "pz-demo.h"
#include "pz-sign.h"

/* A demo office: one user per role, four permit types and files at
* different steps, all made through the same rules as real work. */

typedef struct {
  const char *username;
  const char *full_name;
  const char *nip;
} DemoUser;

/* the signing identity of the demo's Plh, in the signing folder */
#define DEMO_PLH_IDENTITY "sekretaris.p12"

static const DemoUser demo_users[] = {
  { "front_office", "Siti Rahmawati", "199003152015032001" },
  { "tim_teknis", "Ir. Bambang Sutrisno", "198207102008011003" },
  { "back_office", "Dewi Lestari, A.Md.", "199405222019032004" },
  { "kasi", "Agus Hermawan, S.T.", "198011052006041002" },
  { "kabid", "Dra. Nur Aini, M.Si.", "197506181998032003" },
  { "sekretaris", "Drs. Hendra Gunawan, M.M.", "197112091995031001" },
  { "kadis", "Dr. Ir. Rudi Hartono, M.T.", "196908141994031005" },
  { "admin", "Administrator Sistem", NULL },
};

typedef struct {
  const char *permit_type;
  const char *request_type;
  const char *name;
  const char *nik;
  const char *address;
  const char *phone;
  const char *email;
  const char *data;
  const char *target;     /* the step the file is left at */
  const char *finish;     /* NULL, "return" (at document check) or "refuse" */
  double      days_ago;
} DemoFile;

static const DemoFile demo_files[] = {
  { "PBG", "new", "Budi Santoso", "3201011203850001", "Jl. Merdeka No. 12, Kel. Sukamaju, Kec. Kota",
    "081234567890", "budi.santoso@example.id",
    "{\"fungsi_bangunan\":\"Rumah tinggal\",\"lokasi\":\"Jl. Merdeka No. 12, Sukamaju\","
    "\"luas_tanah\":150,\"luas_bangunan\":120,\"jumlah_lantai\":2}",
    "registration", NULL, 0 },
  { "SIP-DOKTER", "new", "dr. Anisa Putri", "3201014507900002", "Perum Griya Asri Blok C-7, Sukamaju",
    "082112345678", "anisa.putri@example.id",
    "{\"nomor_str\":\"3121100220145678\",\"tempat_praktik\":\"Klinik Pratama Sehat Bersama\","
    "\"alamat_praktik\":\"Jl. Diponegoro No. 45, Sukamaju\",\"jadwal_praktik\":\"Senin–Jumat 16.00–20.00\"}",
    "document_check", NULL, 0.1 },
  { "REKLAME", "new", "CV Cahaya Abadi", "3201012208780003", "Jl. Sudirman No. 88, Sukamaju",
    "0226012345", NULL,
    "{\"jenis_reklame\":\"Billboard\",\"lokasi\":\"Simpang Jl. Sudirman – Jl. Ahmad Yani\","
    "\"ukuran\":24,\"naskah\":\"Cahaya Abadi – Toko Bangunan Terlengkap\",\"mulai_tayang\":\"2027-01-02\"}",
    "document_check", "return", 2 },
  { "PBG", "change", "Hj. Ratna Sari", "3201016103720004", "Jl. Pahlawan No. 3, Sukamaju",
    "085711223344", "ratna.sari@example.id",
    "{\"fungsi_bangunan\":\"Rumah toko\",\"lokasi\":\"Jl. Pahlawan No. 3, Sukamaju\","
    "\"luas_tanah\":200,\"luas_bangunan\":320,\"jumlah_lantai\":3}",
    "technical_survey", NULL, 6 },
  { "TOKO-MODERN", "new", "PT Maju Bersama Retail", "3201010101800005", "Jl. Raya Sukamaju Km 4",
    "0226098765", "perizinan@majubersama.example.id",
    "{\"nama_usaha\":\"Maju Mart Sukamaju\",\"alamat_usaha\":\"Jl. Raya Sukamaju Km 4\","
    "\"luas_lantai\":380,\"jam_operasional\":\"07.00–22.00\"}",
    "data_entry", NULL, 5 },
  { "PBG", "new", "Ahmad Fauzi", "3201011509880006", "Kp. Cibeureum RT 02/05, Sukamaju",
    "081398765432", NULL,
    "{\"fungsi_bangunan\":\"Rumah tinggal\",\"lokasi\":\"Kp. Cibeureum RT 02/05, Sukamaju\","
    "\"luas_tanah\":90,\"luas_bangunan\":72,\"jumlah_lantai\":1}",
    "kasi_verification", NULL, 7 },
  { "SIP-DOKTER", "renewal", "dr. Yusuf Maulana, Sp.A.", "3201010304750007", "Jl. Kenanga No. 9, Sukamaju",
    "081122334455", "yusuf.maulana@example.id",
    "{\"nomor_str\":\"3121100219987654\",\"tempat_praktik\":\"RSUD Sukamaju\","
    "\"alamat_praktik\":\"Jl. Rumah Sakit No. 1, Sukamaju\",\"jadwal_praktik\":\"Senin–Sabtu 08.00–14.00\"}",
    "kadis_decision", NULL, 1 },
  { "REKLAME", "renewal", "PT Sinar Jaya Media", "3201012511820008", "Jl. Gatot Subroto No. 21, Sukamaju",
    "0226054321", "admin@sinarjaya.example.id",
    "{\"jenis_reklame\":\"Baliho\",\"lokasi\":\"Depan Pasar Baru Sukamaju\",\"ukuran\":12,"
    "\"naskah\":\"Sinar Jaya Media – Pasang Iklan Di Sini\",\"mulai_tayang\":\"2026-12-15\"}",
    "numbering", NULL, 9 },
  { "SIP-DOKTER", "new", "drg. Maya Kusuma", "3201015012920009", "Jl. Melati No. 17, Sukamaju",
    "087812341234", "maya.kusuma@example.id",
    "{\"nomor_str\":\"3221100221112233\",\"tempat_praktik\":\"Praktik Mandiri drg. Maya\","
    "\"alamat_praktik\":\"Jl. Melati No. 17, Sukamaju\"}",
    "handover", NULL, 4 },
  { "SIP-DOKTER", "new", "dr. Rina Wulandari", "3201016208910010", "Jl. Anggrek No. 5, Sukamaju",
    "081355566677", "rina.w@example.id",
    "{\"nomor_str\":\"3121100223334444\",\"tempat_praktik\":\"Klinik Utama Medika\","
    "\"alamat_praktik\":\"Jl. Anggrek No. 5, Sukamaju\"}",
    "issued", NULL, 12 },
  { "TOKO-MODERN", "new", "PT Serba Ada Nusantara", "3201011010790011", "Jl. Veteran No. 2, Sukamaju",
    "0226077788", NULL,
    "{\"nama_usaha\":\"Serba Ada Mart\",\"alamat_usaha\":\"Jl. Veteran No. 2 (depan Pasar Tradisional)\","
    "\"luas_lantai\":420,\"jam_operasional\":\"24 jam\"}",
    "kadis_decision", "refuse", 15 },
};

static cairo_status_t
append_to_array (void                *closure,
                 const unsigned char *data,
                 unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/**
 * pz_demo_scan_pdf:
 * @title: the text on each page
 * @pages: how many pages
 *
 * Returns: (transfer full): a small A4 PDF standing in for a scanned document
 */
GBytes *
pz_demo_scan_pdf (const char *title,
                  guint       pages)
{
  GByteArray *out = g_byte_array_new ();
  cairo_surface_t *surface = cairo_pdf_surface_create_for_stream (append_to_array, out, 595, 842);
  cairo_t *cr = cairo_create (surface);
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string ("Sans 16");

  pango_layout_set_font_description (layout, font);
  pango_layout_set_width (layout, 451 * PANGO_SCALE);
  for (guint p = 1; p <= pages; p++)
    {
      g_autofree char *text = g_strdup_printf ("%s\n\n(%u / %u)", title, p, pages);

      cairo_set_source_rgb (cr, 0.97, 0.97, 0.95);
      cairo_paint (cr);
      cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
      cairo_rectangle (cr, 60, 60, 475, 722);
      cairo_set_line_width (cr, 1.5);
      cairo_stroke (cr);
      cairo_move_to (cr, 72, 90);
      pango_layout_set_text (layout, text, -1);
      pango_cairo_show_layout (cr, layout);
      cairo_show_page (cr);
    }
  pango_font_description_free (font);
  g_object_unref (layout);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  cairo_surface_destroy (surface);
  return g_byte_array_free_to_bytes (out);
}

static PzUser *
user_for_step (PzStore      *store,
               const PzStep *step)
{
  return pz_store_find_user (store, PZ_STORE_FIRST_OFFICE, step->roles[0]);
}

static gboolean
act (PzEngine   *engine,
     PzUser     *user,
     gint64      id,
     const char *action,
     const char *note,
     JsonObject *data,
     gint64      now,
     GError    **error)
{
  g_autoptr(PzApplication) app = pz_engine_get_application (engine, PZ_STORE_FIRST_OFFICE, id, error);
  g_autoptr(GPtrArray) details = pz_details_new ();
  g_autofree char *answer = NULL;
  PzActionRequest request = { 0 };

  if (app == NULL)
    return FALSE;
  request.action = action;
  request.version = app->version;
  request.note = note;
  request.data = data;
  answer = pz_engine_act (engine, user, id, &request, now, NULL, details, error);
  /* name what was missing, for whoever reads the error */
  if (answer == NULL && error && *error && details->len)
    {
      g_autoptr(JsonNode) named = pz_details_to_json (details);
      g_autofree char *text = json_to_string (named, FALSE);

      g_prefix_error (error, "%s ", text);
    }
  return answer != NULL;
}

static gboolean
check_documents (PzEngine      *engine,
                 PzUser        *user,
                 PzApplication *app,
                 gboolean       all_ok,
                 gint64         now,
                 GError       **error)
{
  PzPermitType *type = pz_engine_get_file_permit_type (engine, app);
  gboolean first = TRUE;

  for (guint i = 0; i < type->requirements->len; i++)
    {
      PzRequirement *r = g_ptr_array_index (type->requirements, i);
      g_autoptr(GBytes) pdf = NULL;
      g_autoptr(PzDocument) doc = NULL;
      g_autoptr(GPtrArray) details = pz_details_new ();
      gboolean ok = all_ok || !first;

      if (!g_strv_contains ((const char * const *) r->request_types, app->request_type))
        continue;
      pdf = pz_demo_scan_pdf (r->title, 1 + i % 3);
      if (!(doc = pz_engine_put_document (engine, user, app->id, r->code, pdf, 1 + i % 3, now, error)))
        return FALSE;
      if (!pz_engine_set_verdict (engine, user, app->id, r->code, ok ? "ok" : "not_ok",
                                  ok ? NULL : "Scan buram, tidak terbaca; mohon unggah ulang",
                                  now, details, error))
        return FALSE;
      first = FALSE;
    }
  return TRUE;
}

/**
 * pz_demo_take_step:
 * @action: `approve`, `return` or `refuse`
 * @now: when it happens
 *
 * Does, as the demo user of the file's step, what the step needs (the
 * documents, the survey report, the signature, the hand-over) and takes
 * @action, at @now.
 */
gboolean
pz_demo_take_step (PzEngine   *engine,
                   gint64      id,
                   const char *action,
                   gint64      now,
                   GError    **error)
{
  PzStore *store = pz_engine_get_store (engine);
  g_autoptr(PzApplication) app = pz_engine_get_application (engine, PZ_STORE_FIRST_OFFICE, id, error);
  g_autoptr(PzUser) user = NULL;
  g_autoptr(JsonObject) data = json_object_new ();
  gboolean approve = g_str_equal (action, "approve");
  PzPermitType *type;
  const PzStep *step;

  if (app == NULL)
    return FALSE;
  type = pz_engine_get_file_permit_type (engine, app);
  step = pz_workflow_get_step (pz_engine_get_workflow (engine, type->workflow), app->step);
  user = user_for_step (store, step);
  if (step->applicant_clock && approve)
    {
      /* the applicant brings new scans of what was not right */
      g_autoptr(GPtrArray) verdicts = pz_store_list_verdicts (store, id, NULL);

      for (guint i = 0; verdicts && i < verdicts->len; i++)
        {
          PzVerdict *v = g_ptr_array_index (verdicts, i);
          g_autoptr(GBytes) pdf = NULL;
          g_autoptr(PzDocument) doc = NULL;

          if (g_strcmp0 (v->verdict, "not_ok") != 0)
            continue;
          pdf = pz_demo_scan_pdf (v->requirement, 1);
          if (!(doc = pz_engine_put_document (engine, user, id, v->requirement, pdf, 1, now, error)))
            return FALSE;
        }
    }
  switch (step->form)
    {
    case PZ_FORM_DOCUMENTS_COMPLETE:
      if (!check_documents (engine, user, app, approve, now, error))
        return FALSE;
      break;
    case PZ_FORM_SURVEY:
      {
        g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (now);
        g_autoptr(GDateTime) local = g_date_time_to_timezone (when, pz_engine_get_timezone (engine));
        g_autofree char *date = g_date_time_format (local, "%Y-%m-%d");

        json_object_set_string_member (data, "survey_date", date);
        json_object_set_string_member (data, "findings",
                                       "Lokasi sesuai dengan permohonan; bangunan/titik sesuai tata ruang.");
        json_object_set_string_member (data, "recommendation", "feasible");
      }
      break;
    case PZ_FORM_SIGNATURE:
      if (type->signing == PZ_SIGNING_WET)
        {
          g_autoptr(GBytes) scan = pz_demo_scan_pdf ("Izin yang sudah ditandatangani basah", 1);
          g_autoptr(PzDocument) doc = pz_engine_put_document (engine, user, id, "signed_permit",
                                                              scan, 1, now, error);
          if (doc == NULL)
            return FALSE;
        }
      else
        json_object_set_string_member (data, "passphrase", "demo");
      break;
    case PZ_FORM_HANDOVER:
      json_object_set_string_member (data, "received_by", app->applicant_name);
      break;
    case PZ_FORM_NONE:
    case PZ_FORM_PERMIT_FIELDS:
    case PZ_FORM_NUMBERING:
    default:
      break;
    }

  if (g_str_equal (action, "return"))
    return act (engine, user, id, "return", "KTP tidak terbaca; pemohon diminta membawa scan yang jelas.",
                NULL, now, error);
  if (g_str_equal (action, "refuse"))
    return act (engine, user, id, "refuse",
                "Lokasi berada dalam radius zona pasar tradisional sesuai Perda; permohonan ditolak.",
                NULL, now, error);
  return act (engine, user, id, "approve", NULL, approve ? data : NULL, now, error);
}

static gboolean
drive (PzEngine       *engine,
       const DemoFile *file,
       gint64          id,
       gint64          start,
       GError        **error)
{
  gint64 now = start;

  for (guint guard = 0; guard < 32; guard++)
    {
      g_autoptr(PzApplication) app = pz_engine_get_application (engine, PZ_STORE_FIRST_OFFICE, id, error);
      PzPermitType *type;
      const PzStep *step;
      gboolean last;

      if (app == NULL)
        return FALSE;
      type = pz_engine_get_file_permit_type (engine, app);
      step = pz_workflow_get_step (pz_engine_get_workflow (engine, type->workflow), app->step);
      last = g_str_equal (step->id, file->target);
      if (last && file->finish == NULL)
        return TRUE;
      now += 25 * 60;
      if (step->form == PZ_FORM_SURVEY)
        now += 2 * 86400;
      if (!pz_demo_take_step (engine, id, last ? file->finish : "approve", now, error))
        return FALSE;
      if (last)
        return TRUE;
    }
  g_set_error (error, PZ_ENGINE_ERROR, PZ_ENGINE_ERROR_INTERNAL, "demo file never reached %s",
               file->target);
  return FALSE;
}

static gboolean
create_office (PzEngine *engine,
               GError  **error)
{
  PzStore *store = pz_engine_get_store (engine);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *demo_hash = NULL;
  const char *key = pz_engine_get_signing_key (engine);
  JsonArray *types;

  if (!(demo_hash = pz_auth_hash_password ("demo", error)))
    return FALSE;
  /* the demo Kadis signs with a self-signed certificate; passphrase "demo" */
  if (key && !g_file_test (key, G_FILE_TEST_EXISTS) &&
      !pz_sign_create_identity (key, "demo", "Dr. Ir. Rudi Hartono, M.T.",
                                "DPMPTSP Kabupaten Sukamaju (demo)", 365, error))
    return FALSE;
  /* the sekretaris, the demo's Plh of the Kadis, signs with a certificate
   * of their own, made the same way, in the signing folder */
  {
    g_autofree char *folder = g_build_filename (pz_engine_get_data_dir (engine), "signing", NULL);
    g_autofree char *own = g_build_filename (folder, DEMO_PLH_IDENTITY, NULL);

    if (g_mkdir_with_parents (folder, 0700) != 0)
      {
        int saved = errno;
        g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: %s", folder, g_strerror (saved));
        return FALSE;
      }
    if (!g_file_test (own, G_FILE_TEST_EXISTS) &&
        !pz_sign_create_identity (own, "demo", "Drs. Hendra Gunawan, M.M.",
                                  "DPMPTSP Kabupaten Sukamaju (demo)", 365, error))
      return FALSE;
  }
  if (!(bytes = g_resources_lookup_data ("/id/go/perizinan/demo/permit-types.json", 0, error)) ||
      !json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                   (gssize) g_bytes_get_size (bytes), error))
    return FALSE;
  types = json_node_get_array (json_parser_get_root (parser));

  if (!pz_store_begin (store, error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (demo_users); i++)
    {
      const char *roles[] = { demo_users[i].username, NULL };
      gint64 id;

      if (!(id = pz_store_insert_user (store, PZ_STORE_FIRST_OFFICE, demo_users[i].username, demo_users[i].full_name,
                                       demo_users[i].nip, roles, demo_hash, error)))
        goto fail;
      if (g_str_equal (demo_users[i].username, "sekretaris"))
        {
          g_autoptr(PzUser) plh = pz_store_get_user (store, PZ_STORE_FIRST_OFFICE, id);

          plh->signing_identity = g_strdup (DEMO_PLH_IDENTITY);
          if (!pz_store_update_user (store, plh, NULL, error))
            goto fail;
        }
    }

  for (guint i = 0; i < json_array_get_length (types); i++)
    {
      g_autoptr(PzPermitType) type = pz_permit_type_new_from_json (json_array_get_element (types, i),
                                                                   error);
      if (type == NULL || !pz_store_put_permit_type (store, PZ_STORE_FIRST_OFFICE, type, error))
        goto fail;
    }

  if (key)
    {
      g_autoptr(PzSigner) signer = pz_signer_open_pkcs12 (key, "demo", error);

      if (signer == NULL || !pz_store_note_signing_certificate (store, signer, error))
        goto fail;
    }
  if (!pz_store_set_setting (store, PZ_STORE_FIRST_OFFICE, "office_name",
                             "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kabupaten Sukamaju",
                             error) ||
      !pz_store_set_setting (store, PZ_STORE_FIRST_OFFICE, "office_address",
                             "Jl. Pemuda No. 1, Sukamaju 40111 · Telp. (022) 600 1234", error) ||
      !pz_store_set_setting (store, PZ_STORE_FIRST_OFFICE, "office_region", "Kabupaten Sukamaju", error) ||
      !pz_store_set_setting (store, PZ_STORE_FIRST_OFFICE, "kadis_name", "Dr. Ir. Rudi Hartono, M.T.", error) ||
      !pz_store_set_setting (store, PZ_STORE_FIRST_OFFICE, "kadis_nip", "196908141994031005", error) ||
      !pz_store_set_setting (store, PZ_STORE_FIRST_OFFICE, "demo", "1", error))
    goto fail;

  if (pz_store_commit (store, error))
    return TRUE;

fail:
  pz_store_rollback (store);
  return FALSE;
}

/**
 * pz_demo_create_office:
 *
 * The demo office without files: its users (password `demo`), permit
 * types, profile and signing key.
 */
gboolean
pz_demo_create_office (PzEngine *engine,
                       GError  **error)
{
  return create_office (engine, error) && pz_engine_reload (engine, error);
}

/**
 * pz_demo_populate:
 * @engine: an engine on an empty data directory
 * @error: return location for an error
 *
 * Fills an empty data directory with the demo office; a directory that has
 * users already is left as it is.
 */
static gboolean populate (PzEngine *engine,
                          GError  **error);

gboolean
pz_demo_populate (PzEngine *engine,
                  GError  **error)
{
  PzStore *store = pz_engine_get_store (engine);
  gboolean ok;

  /* other servers may be starting on the same database */
  if (!pz_store_lock_setup (store, TRUE, error))
    return FALSE;
  ok = populate (engine, error);
  pz_store_lock_setup (store, FALSE, NULL);
  return ok;
}

static gboolean
populate (PzEngine *engine,
          GError  **error)
{
  PzStore *store = pz_engine_get_store (engine);
  g_autoptr(PzUser) front = NULL;
  gint64 users = 0;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (!pz_store_count_users (store, &users, error))
    return FALSE;
  /* made already, perhaps by another server started at the same time */
  if (users > 0)
    return pz_engine_reload (engine, error);

  if (!pz_demo_create_office (engine, error))
    return FALSE;

  front = pz_store_find_user (store, PZ_STORE_FIRST_OFFICE, "front_office");
  for (guint i = 0; i < G_N_ELEMENTS (demo_files); i++)
    {
      const DemoFile *f = &demo_files[i];
      g_autoptr(JsonObject) body = json_object_new ();
      JsonObject *applicant = json_object_new ();
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GPtrArray) details = pz_details_new ();
      g_autoptr(PzApplication) app = NULL;
      gint64 start = now - (gint64) (f->days_ago * 86400);

      json_object_set_string_member (body, "permit_type", f->permit_type);
      json_object_set_string_member (body, "request_type", f->request_type);
      json_object_set_string_member (applicant, "name", f->name);
      json_object_set_string_member (applicant, "nik", f->nik);
      json_object_set_string_member (applicant, "address", f->address);
      json_object_set_string_member (applicant, "phone", f->phone);
      if (f->email)
        json_object_set_string_member (applicant, "email", f->email);
      json_object_set_object_member (body, "applicant", applicant);
      if (!json_parser_load_from_data (parser, f->data, -1, error))
        return FALSE;
      json_object_set_member (body, "data", json_node_copy (json_parser_get_root (parser)));

      if (!(app = pz_engine_register (engine, front, body, start, details, error)) ||
          !drive (engine, f, app->id, start, error))
        {
          g_prefix_error (error, "demo file %u: ", i);
          return FALSE;
        }
    }
  return TRUE;
}
