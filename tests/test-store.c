/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The store on its own, beside the HTTP suites: records go in and come
 * out as they went in, a rolled-back transaction leaves nothing, sessions
 * end by the clock, and the clocks' queries see the files they should. */
#include "config.h"

#include <glib/gstdio.h>

#include "pz-store.h"

typedef struct {
  char    *dir;
  PzStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("pz-store-XXXXXX", NULL);
  path = g_build_filename (f->dir, "perizinan.db", NULL);
  f->store = pz_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->store);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  pz_store_free (f->store);
  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (f->dir, name, NULL);
      g_unlink (child);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
}

static void
test_users (Fixture       *f,
            gconstpointer  data)
{
  static const char * const roles[] = { "kasi", NULL };
  g_autoptr(GError) error = NULL;
  gint64 count = -1;
  gint64 id = pz_store_insert_user (f->store, "siti", "Siti Aminah, S.H.", "198001012005012001", roles,
                                    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", &error);
  PzUser *user;

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  user = pz_store_find_user (f->store, "siti");
  g_assert_nonnull (user);
  g_assert_cmpint (user->id, ==, id);
  g_assert_cmpstr (user->full_name, ==, "Siti Aminah, S.H.");
  g_assert_cmpstr (user->nip, ==, "198001012005012001");
  g_assert_cmpstr (user->roles[0], ==, "kasi");
  g_assert_null (user->roles[1]);
  g_assert_true (user->active);
  pz_user_free (user);
  g_assert_null (pz_store_find_user (f->store, "nobody"));
  /* a second user of that name is refused */
  g_assert_cmpint (pz_store_insert_user (f->store, "siti", "Siti Lain", NULL, roles, "x", &error), <=, 0);
  g_assert_error (error, PZ_STORE_ERROR, PZ_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  g_assert_true (pz_store_count_users (f->store, &count, &error));
  g_assert_cmpint (count, ==, 1);
}

static void
test_rollback (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (pz_store_set_setting (f->store, "office_name", "DPMPTSP Kabupaten Sukamaju", &error));
  g_assert_true (pz_store_begin (f->store, &error));
  g_assert_true (pz_store_set_setting (f->store, "office_name", "Kantor Lain", &error));
  g_assert_true (pz_store_put_holiday (f->store, "2026-12-25", "Hari Raya Natal", "national", &error));
  pz_store_rollback (f->store);
  g_assert_no_error (error);
  {
    g_autofree char *name = pz_store_get_setting (f->store, "office_name");
    g_autoptr(GPtrArray) holidays = pz_store_list_holidays (f->store, &error);

    g_assert_cmpstr (name, ==, "DPMPTSP Kabupaten Sukamaju");
    g_assert_no_error (error);
    g_assert_cmpuint (holidays->len, ==, 0);
  }
  g_assert_false (pz_store_in_transaction (f->store));
}

static void
test_sessions (Fixture       *f,
               gconstpointer  data)
{
  static const char * const roles[] = { "front_office", NULL };
  g_autoptr(GError) error = NULL;
  gint64 id = pz_store_insert_user (f->store, "budi", "Budi Santoso", NULL, roles, "x", &error);
  gint64 expires = 0;
  PzUser *user;

  g_assert_no_error (error);
  g_assert_true (pz_store_insert_session (f->store, "hash-of-a-token", id, 1000, 1000 + 8 * 3600, &error));
  user = pz_store_session_user (f->store, "hash-of-a-token", 2000, &expires);
  g_assert_nonnull (user);
  g_assert_cmpstr (user->username, ==, "budi");
  g_assert_cmpint (expires, ==, 1000 + 8 * 3600);
  pz_user_free (user);
  /* past its end, or idle too long, a session is over */
  g_assert_null (pz_store_session_user (f->store, "hash-of-a-token", 1000 + 8 * 3600, NULL));
  g_assert_true (pz_store_touch_session (f->store, "hash-of-a-token", 2000, 3600));
  g_assert_false (pz_store_session_live (f->store, "hash-of-a-token", 2000 + 3600, 3600));
  g_assert_null (pz_store_session_user (f->store, "an unknown hash", 2000, NULL));
}

static void
test_clocks_empty (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) clocks = pz_store_list_open_clocks (f->store, &error);
  g_autoptr(GPtrArray) late = pz_store_list_new_escalations (f->store, 2000, 3000, &error);
  g_autoptr(GArray) ids = pz_store_list_late_ids (f->store, 2000, 3000, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (clocks->len, ==, 0);
  g_assert_cmpuint (late->len, ==, 0);
  g_assert_cmpuint (ids->len, ==, 0);
}

/* The report's reads on an empty office, through a snapshot of the file */
static void
test_report_empty (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "perizinan.db", NULL);
  g_autoptr(GError) error = NULL;
  PzStore *snapshot = pz_store_open_snapshot (path, &error);
  g_autoptr(GPtrArray) volume = NULL;
  g_autoptr(GPtrArray) stays = NULL;
  g_autoptr(GPtrArray) decided = NULL;
  g_autoptr(GPtrArray) waiting = NULL;
  PzSatisfactionSummary summary;

  g_assert_no_error (error);
  g_assert_nonnull (snapshot);
  volume = pz_store_report_volume (snapshot, 0, 2000000000, 25200, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (volume->len, ==, 0);
  stays = pz_store_report_stays (snapshot, 0, 2000000000, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stays->len, ==, 0);
  decided = pz_store_report_decided (snapshot, 0, 2000000000, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (decided->len, ==, 0);
  waiting = pz_store_report_waiting (snapshot, 1767225600, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (waiting->len, ==, 0);
  g_assert_true (pz_store_report_satisfaction (snapshot, 0, 2000000000, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpint (summary.responses, ==, 0);
  g_assert_cmpfloat (summary.mean[0], ==, 0.0);
  g_assert_null (pz_store_get_registration_number (snapshot, 1));
  g_assert_false (pz_store_has_satisfaction (snapshot, 1));
  pz_store_free (snapshot);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/store/users", Fixture, NULL, fixture_set_up, test_users, fixture_tear_down);
  g_test_add ("/store/rollback", Fixture, NULL, fixture_set_up, test_rollback, fixture_tear_down);
  g_test_add ("/store/sessions", Fixture, NULL, fixture_set_up, test_sessions, fixture_tear_down);
  g_test_add ("/store/clocks-empty", Fixture, NULL, fixture_set_up, test_clocks_empty, fixture_tear_down);
  g_test_add ("/store/report-empty", Fixture, NULL, fixture_set_up, test_report_empty, fixture_tear_down);
  return g_test_run ();
}
