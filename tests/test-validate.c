/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "perizinan.h"

static void
test_nik (void)
{
  g_assert_true (pz_valid_nik ("3201011203850001"));
  g_assert_true (pz_valid_nik ("3201015507900002"));   /* women: day + 40 */
  g_assert_false (pz_valid_nik ("320101120385000"));   /* 15 digits */
  g_assert_false (pz_valid_nik ("32010112038500011"));
  g_assert_false (pz_valid_nik ("3201011203850000"));  /* serial 0000 */
  g_assert_false (pz_valid_nik ("3201013213850001"));  /* month 13 */
  g_assert_false (pz_valid_nik ("32010112038500a1"));
  g_assert_false (pz_valid_nik (NULL));
  g_assert_true (pz_valid_nip ("196908141994031005"));
  g_assert_false (pz_valid_nip ("19690814199403100"));
  g_assert_false (pz_valid_nip ("19690814199403100a"));
  g_assert_false (pz_valid_nip (NULL));
}

static void
test_phone_email_date (void)
{
  g_assert_true (pz_valid_phone ("081234567890"));
  g_assert_true (pz_valid_phone ("+62 812-3456-7890"));
  g_assert_true (pz_valid_phone ("0226012345"));
  g_assert_false (pz_valid_phone ("12345"));
  g_assert_false (pz_valid_phone ("0812abc4567"));
  g_assert_false (pz_valid_phone ("0812345678901234567"));
  g_assert_true (pz_valid_email ("budi@example.id"));
  g_assert_false (pz_valid_email ("budi@"));
  g_assert_false (pz_valid_email ("budi example@x.id"));
  g_assert_false (pz_valid_email ("@x.id"));
  g_assert_true (pz_parse_date ("2026-02-28", NULL));
  g_assert_false (pz_parse_date ("2026-02-29", NULL));
  g_assert_true (pz_parse_date ("2028-02-29", NULL));
  g_assert_false (pz_parse_date ("2026-2-28", NULL));
  g_assert_false (pz_valid_text ("   ", 10));
  g_assert_false (pz_valid_text ("a\001b", 10));
  g_assert_false (pz_valid_text ("abcdefghijk", 10));
  g_assert_true (pz_valid_text ("Jl. Merdeka\nNo. 1", 100));
}

static PzPermitType *
parse_type (const char *json,
            GError    **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  return pz_permit_type_new_from_json (json_parser_get_root (parser), error);
}

static const char *type_json =
  "{\"code\":\"PBG\",\"name\":\"Persetujuan Bangunan Gedung\",\"request_types\":[\"new\",\"renewal\"],"
  "\"requirements\":[{\"code\":\"ktp\",\"title\":\"KTP\"},"
  "{\"code\":\"old\",\"title\":\"Izin lama\",\"request_types\":[\"renewal\"]}],"
  "\"fields\":[{\"name\":\"luas\",\"label\":\"Luas\",\"type\":\"number\"},"
  "{\"name\":\"mulai\",\"label\":\"Mulai\",\"type\":\"date\",\"required\":false},"
  "{\"name\":\"lokasi\",\"label\":\"Lokasi\",\"type\":\"text\"}],"
  "\"survey\":true,\"signing\":\"electronic\","
  "\"number_format\":\"503/{seq:04}/DPMPTSP/{month_roman}/{year}\",\"validity_months\":12}";

static void
test_permit_type (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PzPermitType) type = parse_type (type_json, &error);
  g_autoptr(GDateTime) when = g_date_time_new_utc (2026, 9, 3, 3, 0, 0);
  g_autofree char *number = NULL;
  g_autoptr(GPtrArray) details = pz_details_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(PzPermitType) copy = NULL;

  g_assert_no_error (error);
  number = pz_permit_type_format_number (type, 42, when);
  g_assert_cmpstr (number, ==, "503/0042/DPMPTSP/IX/2026");
  g_assert_nonnull (pz_permit_type_find_requirement (type, "renewal", "old"));
  g_assert_null (pz_permit_type_find_requirement (type, "new", "old"));
  g_assert_null (pz_permit_type_find_requirement (type, "new", "../ktp"));
  g_assert_cmpint (pz_permit_type_get_conditions (type), ==, PZ_CONDITION_SURVEY);

  g_assert_true (json_parser_load_from_data (parser,
                                             "{\"luas\":\"besar\",\"mulai\":\"2026-13-01\",\"warna\":\"merah\"}", -1, NULL));
  g_assert_false (pz_permit_type_check_data (type, json_node_get_object (json_parser_get_root (parser)),
                                             TRUE, details));
  /* wrong number, wrong date, unknown field, missing lokasi */
  g_assert_cmpuint (details->len, ==, 4);

  g_ptr_array_set_size (details, 0);
  g_assert_true (json_parser_load_from_data (parser, "{\"luas\":120.5,\"lokasi\":\"Jl. A\"}", -1, NULL));
  g_assert_true (pz_permit_type_check_data (type, json_node_get_object (json_parser_get_root (parser)),
                                            TRUE, details));

  again = pz_permit_type_to_json (type);
  copy = pz_permit_type_new_from_json (again, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (copy->number_format, ==, type->number_format);
  g_assert_cmpuint (copy->requirements->len, ==, 2);
}

/* The decree's words are part of the definition and read back the same */
static void
test_permit_type_decree (void)
{
  static const char *json =
    "{\"code\":\"SIP\",\"name\":\"Surat Izin Praktik\",\"request_types\":[\"new\"],"
    "\"requirements\":[{\"code\":\"ktp\",\"title\":\"KTP\"},{\"code\":\"pas_foto\",\"title\":\"Pas foto\"}],"
    "\"fields\":[],\"signing\":\"electronic\",\"number_format\":\"{seq}\",\"validity_months\":60,"
    "\"holder_photo\":\"pas_foto\","
    "\"decree\":{\"considering\":[\"bahwa a;\",\"bahwa b;\"],\"observing\":[\"Undang-Undang Nomor 17 Tahun 2023;\"],"
    "\"obligations\":[\"berpraktik di tempat yang diizinkan;\"],\"copies\":[\"Arsip.\"]}}";
  g_autoptr(GError) error = NULL;
  g_autoptr(PzPermitType) type = parse_type (json, &error);
  g_autoptr(PzPermitType) plain = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(JsonNode) plain_json = NULL;
  g_autoptr(PzPermitType) copy = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (type->decree.considering), ==, 2);
  g_assert_cmpstr (type->decree.considering[1], ==, "bahwa b;");
  g_assert_cmpstr (type->decree.observing[0], ==, "Undang-Undang Nomor 17 Tahun 2023;");
  g_assert_cmpuint (g_strv_length (type->decree.provisions), ==, 0);
  g_assert_cmpstr (type->decree.copies[0], ==, "Arsip.");
  g_assert_cmpstr (type->holder_photo, ==, "pas_foto");

  again = pz_permit_type_to_json (type);
  copy = pz_permit_type_new_from_json (again, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (copy->decree.obligations[0], ==, "berpraktik di tempat yang diizinkan;");
  g_assert_cmpstr (copy->holder_photo, ==, "pas_foto");

  /* a type without a decree says so, and reads back without one */
  plain = parse_type (type_json, &error);
  g_assert_no_error (error);
  plain_json = pz_permit_type_to_json (plain);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (json_node_get_object (plain_json), "decree")));
  g_clear_pointer (&copy, pz_permit_type_unref);
  copy = pz_permit_type_new_from_json (plain_json, &error);
  g_assert_no_error (error);
  g_assert_null (copy->decree.considering[0]);
  g_assert_null (copy->holder_photo);
}

static void
test_permit_type_decree_errors (void)
{
  static const char *head =
    "{\"code\":\"X\",\"name\":\"X\",\"request_types\":[\"new\"],\"requirements\":[{\"code\":\"foto\",\"title\":\"F\"}],"
    "\"fields\":[],\"signing\":\"wet\",\"number_format\":\"{seq}\",\"validity_months\":0,";
  const char *bad[] = {
    "\"decree\":{\"considering\":[],\"observing\":[\"UU\"]}}",             /* no consideration */
    "\"decree\":{\"considering\":[\"bahwa\"]}}",                           /* no legal basis */
    "\"decree\":{\"considering\":[\"bahwa\"],\"observing\":[\"UU\"],\"menimbang\":[]}}",  /* unknown part */
    "\"decree\":{\"considering\":[\"bahwa\"],\"observing\":[42]}}",        /* not text */
    "\"decree\":{\"considering\":[\"  \"],\"observing\":[\"UU\"]}}",        /* blank */
    "\"decree\":{\"considering\":[\"bahwa\\u0007\"],\"observing\":[\"UU\"]}}",  /* a control character */
    "\"decree\":[\"bahwa\"]}",
    "\"holder_photo\":\"ktp\"}",                                           /* no such requirement */
    NULL
  };

  for (guint i = 0; bad[i]; i++)
    {
      g_autofree char *json = g_strconcat (head, bad[i], NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(PzPermitType) type = parse_type (json, &error);

      if (type)
        g_error ("accepted: %s", bad[i]);
      g_assert_error (error, PZ_PERMIT_TYPE_ERROR, PZ_PERMIT_TYPE_ERROR_INVALID);
    }
  {
    /* a paragraph too long */
    g_autofree char *longer = g_strnfill (PZ_DECREE_MAX_CHARS + 1, 'a');
    g_autofree char *json = g_strdup_printf ("%s\"decree\":{\"considering\":[\"%s\"],\"observing\":[\"UU\"]}}", head, longer);
    g_autoptr(GError) error = NULL;
    g_autoptr(PzPermitType) type = parse_type (json, &error);

    g_assert_null (type);
  }
}

static void
test_permit_type_errors (void)
{
  const char *bad[] = {
    "{\"code\":\"../x\",\"name\":\"X\",\"request_types\":[\"new\"],\"requirements\":[],\"fields\":[],"
    "\"signing\":\"wet\",\"number_format\":\"{seq}\",\"validity_months\":0}",
    "{\"code\":\"X\",\"name\":\"X\",\"request_types\":[\"old\"],\"requirements\":[],\"fields\":[],"
    "\"signing\":\"wet\",\"number_format\":\"{seq}\",\"validity_months\":0}",
    "{\"code\":\"X\",\"name\":\"X\",\"request_types\":[\"new\"],\"requirements\":[],\"fields\":[],"
    "\"signing\":\"wet\",\"number_format\":\"503/{year}\",\"validity_months\":0}",
    "{\"code\":\"X\",\"name\":\"X\",\"request_types\":[\"new\"],\"requirements\":[],\"fields\":[],"
    "\"signing\":\"wet\",\"number_format\":\"{seq}/{weekday}\",\"validity_months\":0}",
    "{\"code\":\"X\",\"name\":\"X\",\"request_types\":[\"new\"],\"requirements\":[],\"fields\":[],"
    "\"signing\":\"blue ink\",\"number_format\":\"{seq}\",\"validity_months\":0}",
    "{\"code\":\"X\",\"name\":\"X\",\"request_types\":[\"new\"],\"requirements\":[{\"code\":\"a\",\"title\":\"A\"},"
    "{\"code\":\"a\",\"title\":\"B\"}],\"fields\":[],\"signing\":\"wet\",\"number_format\":\"{seq}\",\"validity_months\":0}",
    NULL
  };

  for (guint i = 0; bad[i]; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PzPermitType) type = parse_type (bad[i], &error);

      g_assert_null (type);
      g_assert_error (error, PZ_PERMIT_TYPE_ERROR, PZ_PERMIT_TYPE_ERROR_INVALID);
    }
}

/* A table written as CSV reads back the same, whatever its fields hold. */
static void
test_csv_round_trip (void)
{
  const char *rows[][4] = {
    { "Bulan", "Jenis izin", "Diterima", NULL },
    { "2026-03", "Surat Izin Praktik Dokter, spesialis", "12", NULL },
    { "2026-04", "Izin \"Reklame\" besar", "0", NULL },
    { "", "baris\ndua", " spasi ", NULL },
  };
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    pz_csv_append_row (out, rows[i]);
  g_assert_true (g_str_has_prefix (out->str, "\xef\xbb\xbf"));
  g_assert_nonnull (strstr (out->str, "\"Izin \"\"Reklame\"\" besar\""));
  back = pz_csv_parse (out->str, out->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, G_N_ELEMENTS (rows));
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      char **fields = g_ptr_array_index (back, i);
      g_assert_cmpuint (g_strv_length (fields), ==, 3);
      for (guint k = 0; k < 3; k++)
        g_assert_cmpstr (fields[k], ==, rows[i][k]);
    }
  g_clear_pointer (&back, g_ptr_array_unref);
  back = pz_csv_parse ("a,\"b", 4, &error);
  g_assert_null (back);
  g_assert_nonnull (error);
}

/* As openssl prints a certificate's fingerprint. */
static void
test_fingerprint (void)
{
  g_autofree char *f = pz_fingerprint_sha256 ((const guint8 *) "abc", 3);

  g_assert_cmpstr (f, ==, "BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/validate/nik", test_nik);
  g_test_add_func ("/validate/phone-email-date", test_phone_email_date);
  g_test_add_func ("/permit-type/parse-format-check", test_permit_type);
  g_test_add_func ("/permit-type/errors", test_permit_type_errors);
  g_test_add_func ("/permit-type/decree", test_permit_type_decree);
  g_test_add_func ("/permit-type/decree-errors", test_permit_type_decree_errors);
  g_test_add_func ("/validate/csv-round-trip", test_csv_round_trip);
  g_test_add_func ("/validate/fingerprint", test_fingerprint);
  return g_test_run ();
}
