/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The document inspector under attack: how many run at once, images that
 * would take more pixels than allowed, and the sandbox it runs in (with
 * Landlock, and with seccomp alone as on a kernel without it). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "pz-test-faults.h"

static const char *self_path;

/* An inspector that notes whether another one runs at the same time, then
 * hands over to the real one. */
static char *
write_counting_inspector (const char *dir)
{
  g_autofree char *script = g_build_filename (dir, "inspect.sh", NULL);
  g_autofree char *text = g_strdup_printf (
    "#!/bin/sh\n"
    "if ! mkdir '%s/running' 2>/dev/null; then echo overlap >> '%s/overlaps'; fi\n"
    "echo run >> '%s/runs'\n"
    "sleep 3\n"
    "rmdir '%s/running' 2>/dev/null\n"
    "exec '%s' \"$@\"\n",
    dir, dir, dir, dir, g_getenv ("PERIZINAN_INSPECT"));

  g_assert_true (g_file_set_contents (script, text, -1, NULL));
  g_chmod (script, 0755);
  return g_steal_pointer (&script);
}

typedef struct {
  char *program;
} CapConfig;

static void
configure_cap (PzConfig *config,
               gpointer  data)
{
  CapConfig *cap = data;

  g_free (config->inspect_program);
  config->inspect_program = g_strdup (cap->program);
  config->inspect_timeout = 30;
  config->inspect_running = 1;
  config->inspect_waiting = 1;
}

/* Four uploads at once with room for one inspection and one waiting: two
 * are stored, one after the other, and two are told to come back. */
static void
test_inspection_cap (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pz-faults-XXXXXX", NULL);
  CapConfig cap = { write_counting_inspector (dir) };
  PzTestServer *ts = pz_test_server_start_configured (NULL, configure_cap, &cap);
  gint64 id = pz_test_register (ts, pz_test_login (ts, "front_office"), "PBG", "new");
  const char *requirements[] = { "ktp", "npwp", "bukti_tanah", "surat_pernyataan" };
  Call calls[4] = { { 0 } };
  GThread *threads[4];
  guint stored = 0, refused = 0;
  g_autofree char *runs_path = g_build_filename (dir, "runs", NULL);
  g_autofree char *overlaps_path = g_build_filename (dir, "overlaps", NULL);
  g_autofree char *runs = NULL;

  for (guint i = 0; i < 4; i++)
    {
      calls[i].port = pz_test_server_get_port (ts);
      calls[i].method = "PUT";
      calls[i].path = doc_path (id, requirements[i]);
      calls[i].token = pz_test_login (ts, "front_office");
      calls[i].body = pz_test_png (100 + (int) i, 80);
      calls[i].content_type = "image/png";
    }
  for (guint i = 0; i < 4; i++)
    threads[i] = g_thread_new ("upload", call_thread, &calls[i]);
  for (guint i = 0; i < 4; i++)
    g_thread_join (threads[i]);
  for (guint i = 0; i < 4; i++)
    {
      g_test_message ("upload %s: %u (%s) after %.1f s, Retry-After %s", requirements[i], calls[i].status,
                      calls[i].status == 201 ? "stored" : call_error_code (&calls[i]), calls[i].took / 1e6,
                      calls[i].retry_after);
      if (calls[i].status == 201)
        stored++;
      else
        {
          g_assert_cmpuint (calls[i].status, ==, 503);
          g_assert_cmpstr (call_error_code (&calls[i]), ==, "busy");
          g_assert_cmpstr (calls[i].retry_after, ==, "5");
          refused++;
        }
    }
  g_assert_cmpuint (stored, ==, 2);
  g_assert_cmpuint (refused, ==, 2);
  g_assert_true (g_file_get_contents (runs_path, &runs, NULL, NULL));
  g_assert_cmpstr (runs, ==, "run\nrun\n");
  g_assert_false (g_file_test (overlaps_path, G_FILE_TEST_EXISTS));
  /* the server says how the inspector is confined */
  g_assert_true (logged ("The document inspector runs confined by"));

  for (guint i = 0; i < 4; i++)
    call_clear (&calls[i]);
  pz_test_server_free (ts);
  {
    g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", dir);
    g_assert_cmpint (system (rm), ==, 0);
  }
  g_free (cap.program);
}

/* A PNG whose header claims 30000 × 30000 pixels (900 megapixels, 2.7 GB
 * decoded) with almost nothing behind it. */
static GBytes *
huge_png (void)
{
  static const guint8 head[] = {
    0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
    0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0x75, 0x30, 0, 0, 0x75, 0x30, 8, 2, 0, 0, 0,
    0xe9, 0x45, 0x6f, 0xed,
  };
  GByteArray *bytes = g_byte_array_new ();
  g_autoptr(GBytes) small = pz_test_png (8, 8);
  gsize size;
  const guint8 *p = g_bytes_get_data (small, &size);

  /* the small image's IDAT and IEND after the big header: a decoder
   * would allocate for the header's size before it found out */
  g_byte_array_append (bytes, head, sizeof head);
  g_byte_array_append (bytes, p + 33, (guint) (size - 33));
  return g_byte_array_free_to_bytes (bytes);
}

/* A baseline JPEG header claiming 20000 × 15000 pixels (300 megapixels). */
static GBytes *
huge_jpeg (void)
{
  static const guint8 jpeg[] = {
    0xff, 0xd8,
    0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
    0xff, 0xc0, 0, 17, 8, 0x3a, 0x98, 0x4e, 0x20, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1,
    0xff, 0xd9,
  };
  return g_bytes_new_static (jpeg, sizeof jpeg);
}

/* Images too large to decode are refused from their header with a clear
 * message; an ordinary one still goes through. */
static void
test_pixel_limit (void)
{
  PzTestServer *ts = shared_server ();
  gint64 id = pz_test_register (ts, pz_test_login (ts, "front_office"), "PBG", "new");
  g_autoptr(GBytes) png = huge_png ();
  g_autoptr(GBytes) jpeg = huge_jpeg ();
  g_autoptr(GBytes) fine = pz_test_png (2480, 3508);
  g_autoptr(PzResponse) a = upload (ts, id, "ktp", png);
  g_autoptr(PzResponse) b = upload (ts, id, "npwp", jpeg);
  g_autoptr(PzResponse) c = upload (ts, id, "bukti_tanah", fine);

  g_test_message ("30000×30000 PNG: %u %s", a->status, a->json ? error_message (a) : "");
  g_test_message ("20000×15000 JPEG: %u %s", b->status, b->json ? error_message (b) : "");
  g_assert_cmpuint (a->status, ==, 422);
  assert_one_error_body (a, "rule_unmet");
  g_assert_nonnull (strstr (error_message (a), "30000 × 30000"));
  g_assert_nonnull (strstr (error_message (a), "megapixels"));
  g_assert_cmpuint (b->status, ==, 422);
  g_assert_nonnull (strstr (error_message (b), "20000 × 15000"));
  g_assert_cmpuint (c->status, ==, 201);
}

/* Runs @argv as a kernel without Landlock would: the calls answer ENOSYS. */
static int
without_landlock (char **argv)
{
  struct sock_filter filter[] = {
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, __NR_landlock_create_ruleset, 0, 1),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = { G_N_ELEMENTS (filter), filter };

  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
    return 1;
  execv (argv[0], argv);
  return 1;
}

/* The inspector, once confined, tries what a hostile file would make it
 * try: open the database and the signing key, make sockets, signal the
 * server. All fail, with Landlock or (on a kernel without) seccomp alone. */
static void
probe_inspector (PzTestServer *ts,
                 gboolean      no_landlock)
{
  g_autofree char *db = g_build_filename (pz_test_server_get_dir (ts), "perizinan.db", NULL);
  g_autofree char *key = g_build_filename (pz_test_server_get_dir (ts), "signing.p12", NULL);
  g_autofree char *image = g_build_filename (pz_test_server_get_dir (ts), "files", "tmp", "probe.png", NULL);
  g_autoptr(GBytes) png = pz_test_png (64, 48);
  const char *targets[] = { db, key };

  g_assert_true (g_file_test (key, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_set_contents (image, g_bytes_get_data (png, NULL), (gssize) g_bytes_get_size (png), NULL));
  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      const char *direct[] = { g_getenv ("PERIZINAN_INSPECT"), "image/png", image, NULL };
      const char *wrapped[] = { self_path, "--without-landlock", g_getenv ("PERIZINAN_INSPECT"), "image/png",
                                image, NULL };
      const char * const *argv = no_landlock ? wrapped : direct;
      g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
      g_autoptr(GSubprocess) proc = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autofree char *out = NULL;
      JsonObject *answer, *probe;
      const char *sandbox;

      g_subprocess_launcher_setenv (launcher, "PERIZINAN_INSPECT_PROBE", targets[i], TRUE);
      proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
      g_assert_no_error (error);
      g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, NULL, &error);
      g_assert_no_error (error);
      g_test_message ("inspector probing %s: %s", targets[i], out);
      g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
      answer = json_node_get_object (json_parser_get_root (parser));
      g_assert_true (json_object_has_member (answer, "probe"));
      probe = json_object_get_object_member (answer, "probe");
      g_assert_cmpint (json_object_get_int_member (probe, "open"), ==, EACCES);
      g_assert_cmpint (json_object_get_int_member (probe, "socket_inet"), ==, EACCES);
      g_assert_cmpint (json_object_get_int_member (probe, "socket_unix"), ==, EACCES);
      g_assert_cmpint (json_object_get_int_member (probe, "kill_parent"), ==, EPERM);
      sandbox = json_object_get_string_member (answer, "sandbox");
      if (no_landlock)
        g_assert_cmpstr (sandbox, ==, "seccomp");
      g_assert_true (g_str_equal (sandbox, "seccomp") || g_str_equal (sandbox, "landlock+seccomp"));
      if (!no_landlock && g_str_equal (sandbox, "seccomp"))
        g_test_message ("this kernel has no Landlock: the inspector is confined by seccomp alone");
    }
  g_unlink (image);
}

static void
test_inspector_sandbox (void)
{
  probe_inspector (shared_server (), FALSE);
}

static void
configure_no_landlock (PzConfig *config,
                       gpointer  data)
{
  g_free (config->inspect_program);
  config->inspect_program = g_strdup (data);
}

/* Without Landlock the inspector still confines itself, the server says
 * so in its log, and uploads go on. */
static void
test_inspector_without_landlock (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pz-faults-XXXXXX", NULL);
  g_autofree char *script = g_build_filename (dir, "inspect.sh", NULL);
  g_autofree char *text = g_strdup_printf ("#!/bin/sh\nexec '%s' --without-landlock '%s' \"$@\"\n", self_path,
                                           g_getenv ("PERIZINAN_INSPECT"));
  g_autoptr(GBytes) png = pz_test_png (120, 90);
  PzTestServer *ts;
  gint64 id;

  probe_inspector (shared_server (), TRUE);
  g_assert_true (g_file_set_contents (script, text, -1, NULL));
  g_chmod (script, 0755);
  ts = pz_test_server_start_configured (NULL, configure_no_landlock, script);
  id = pz_test_register (ts, pz_test_login (ts, "front_office"), "PBG", "new");
  {
    g_autoptr(PzResponse) r = upload (ts, id, "ktp", png);
    g_assert_cmpuint (r->status, ==, 201);
  }
  g_assert_true (logged ("confined by seccomp only: this kernel has no Landlock"));
  pz_test_server_free (ts);
  g_unlink (script);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  if (argc > 2 && g_str_equal (argv[1], "--without-landlock"))
    return without_landlock (argv + 2);

  self_path = argv[0];
  g_test_init (&argc, &argv, NULL);
  faults_log_init ();

  g_test_add_func ("/server/inspector/inspection-cap", test_inspection_cap);
  g_test_add_func ("/server/inspector/pixel-limit", test_pixel_limit);
  g_test_add_func ("/server/inspector/inspector-sandbox", test_inspector_sandbox);
  g_test_add_func ("/server/inspector/inspector-without-landlock", test_inspector_without_landlock);
  {
    int ret = g_test_run ();

    faults_log_clear ();
    return ret;
  }
}
