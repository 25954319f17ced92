/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The engine on its own, without HTTP: finding a file's permit-type
 * edition, workflow and step. */
#include "config.h"

#include <glib/gstdio.h>

#include "pz-demo.h"
#include "pz-engine.h"
#include "pz-engine-private.h"
#include "pz-outputs.h"

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* A file's edition that the office does not hold is read under the type's
 * current edition; an unknown type has none. */
static void
test_file_edition (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("pz-engine-XXXXXX", &error);
  PzEngine *engine = dir ? pz_engine_new (dir, NULL, "Asia/Jakarta", &error) : NULL;
  PzApplication app = { 0 };
  PzPermitType *type;

  g_assert_no_error (error);
  g_assert_true (pz_demo_create_office (engine, &error));
  g_assert_no_error (error);

  app.office_id = PZ_STORE_FIRST_OFFICE;
  app.permit_type = (char *) "PBG";
  app.permit_type_version = 1;
  type = pz_engine_get_file_permit_type (engine, &app);
  g_assert_nonnull (type);
  g_assert_cmpstr (type->code, ==, "PBG");

  app.permit_type_version = 97;
  type = pz_engine_get_file_permit_type (engine, &app);
  g_assert_nonnull (type);
  g_assert_cmpstr (type->code, ==, "PBG");
  g_assert_true (type == pz_engine_get_permit_type (engine, PZ_STORE_FIRST_OFFICE, "PBG"));

  app.permit_type = (char *) "NO-SUCH-TYPE";
  g_assert_null (pz_engine_get_file_permit_type (engine, &app));

  pz_engine_free (engine);
  remove_tree (dir);
}

/* The office's [signing] key is the first office's: the Kadis of another
 * office signs only with an identity of their own. */
static void
test_office_key (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("pz-engine-XXXXXX", &error);
  PzEngine *engine = dir ? pz_engine_new (dir, NULL, "Asia/Jakarta", &error) : NULL;
  char *roles[] = { (char *) "kadis", NULL };
  char *acting[] = { NULL };
  PzUser kadis = { .id = 7, .username = (char *) "kadis", .roles = roles, .acting = acting,
                   .office_id = PZ_STORE_FIRST_OFFICE };
  g_autofree char *identity = NULL;
  g_autofree char *nik = NULL;
  gboolean office_key = FALSE;

  g_assert_no_error (error);
  pz_engine_set_signing_key (engine, "/nonexistent/office.p12");
  g_assert_true (signing_identity_of (engine, &kadis, &identity, &nik, &office_key));
  g_assert_true (office_key);
  g_assert_cmpstr (identity, ==, "/nonexistent/office.p12");
  g_clear_pointer (&identity, g_free);
  g_clear_pointer (&nik, g_free);

  kadis.office_id = 2;
  g_assert_false (signing_identity_of (engine, &kadis, &identity, &nik, &office_key));
  g_assert_false (office_key);
  g_assert_null (identity);

  pz_engine_free (engine);
  remove_tree (dir);
}

/* A time as the office writes it, with its zone: WIB, WITA or WIT, and
 * another zone by its offset. */
static void
test_time_zone_label (void)
{
  static const struct {
    const char *zone;
    const char *written;
  } cases[] = {
    { "Asia/Jakarta", "4 Desember 2026 pukul 10.15 WIB" },
    { "Asia/Pontianak", "4 Desember 2026 pukul 10.15 WIB" },
    { "Asia/Makassar", "4 Desember 2026 pukul 11.15 WITA" },
    { "Asia/Jayapura", "4 Desember 2026 pukul 12.15 WIT" },
    { "+05:30", "4 Desember 2026 pukul 08.45 UTC+05:30" },
    { "UTC", "4 Desember 2026 pukul 03.15 UTC+00:00" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GTimeZone) tz = g_time_zone_new_identifier (cases[i].zone);
      g_autofree char *written = NULL;
      g_autofree char *day = NULL;

      g_assert_nonnull (tz);
      /* 4 December 2026, 03.15 UTC */
      written = pz_format_date_id (1796354100, tz, TRUE);
      g_assert_cmpstr (written, ==, cases[i].written);
      day = pz_format_date_id (1796354100, tz, FALSE);
      g_assert_cmpstr (day, ==, "4 Desember 2026");
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/file-edition", test_file_edition);
  g_test_add_func ("/engine/office-key", test_office_key);
  g_test_add_func ("/engine/time-zone-label", test_time_zone_label);
  return g_test_run ();
}
