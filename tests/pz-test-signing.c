/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the suites of the signers and of the long-term validation data
 * share: a folder of their own, the tools they run (pdfsig, the verify
 * command) and how they read a signed PDF by hand. */
#include "config.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "pz-sign.h"
#include "pz-test-signing.h"

char *workdir;

/**
 * pz_test_signing_init:
 * @prefix: the name of the suite's temporary folder, "pz-NAME-XXXXXX"
 */
void
pz_test_signing_init (int        *argc,
                      char     ***argv,
                      const char *prefix)
{
  g_autoptr(GError) error = NULL;

  g_test_init (argc, argv, NULL);
  workdir = g_dir_make_tmp (prefix, &error);
  g_assert_no_error (error);
}

/* Runs the tests, then removes the folder. */
int
pz_test_signing_run (void)
{
  int rc = g_test_run ();
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", workdir);

  if (system (cmd) != 0)
    g_printerr ("cannot remove %s\n", workdir);
  g_clear_pointer (&workdir, g_free);
  return rc;
}

gboolean
run (const char * const *argv,
     char              **out)
{
  g_autofree char *err = NULL;
  g_autofree char *ignored = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  /* the output is always taken: a tool's chatter is no TAP line */
  if (!g_spawn_sync (workdir, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, out ? out : &ignored, &err,
                     &status, &error))
    {
      g_test_message ("%s: %s", argv[0], error->message);
      return FALSE;
    }
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_test_message ("%s failed: %s", argv[0], err);
      return FALSE;
    }
  return TRUE;
}

char *
pdfsig (GBytes *pdf)
{
  g_autofree char *path = g_build_filename (workdir, "signed.pdf", NULL);
  const char *argv[] = { "pdfsig", path, NULL };
  char *out = NULL;

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (pdf, NULL), (gssize) g_bytes_get_size (pdf), NULL));
  run (argv, &out);
  return out ? out : g_strdup ("");
}

/* What follows the last signature's byte range: the DSS update, which
 * starts right where the signature's bytes end.  Read here by hand, not
 * with the code that writes it. */
const char *
after_signature (GBytes *pdf,
                 gsize  *tail_len)
{
  gsize len;
  const char *data = g_bytes_get_data (pdf, &len);
  const char *at = NULL;
  guint64 range[4];
  char *end;

  for (const char *p = data; (p = memmem (p, len - (gsize) (p - data), "/ByteRange [", 12)); p++)
    at = p;
  g_assert_nonnull (at);
  at += 12;
  for (int i = 0; i < 4; i++)
    {
      range[i] = g_ascii_strtoull (at, &end, 10);
      at = end;
    }
  g_assert_cmpuint (range[0], ==, 0);
  g_assert_cmpuint (range[2] + range[3], <, len);
  /* the signature ends its revision; the next one begins after it */
  g_assert_true (memcmp (data + range[2] + range[3] - 6, "%%EOF\n", 6) == 0);
  *tail_len = len - (gsize) (range[2] + range[3]);
  return data + range[2] + range[3];
}

/* the number of references in the array @name of the DSS after the signature */
guint
dss_count (GBytes     *pdf,
           const char *name)
{
  gsize tail_len;
  const char *tail = after_signature (pdf, &tail_len);
  g_autofree char *text = NULL;
  g_autofree char *key = g_strdup_printf ("/%s [", name);
  const char *dss, *p;
  guint n = 0;

  /* the certificates are binary: the DSS dictionary is after them */
  dss = memmem (tail, tail_len, "/Type /DSS", 10);
  g_assert_nonnull (dss);
  text = g_strndup (dss, tail_len - (gsize) (dss - tail));
  g_assert_null (strstr (text, "/ByteRange"));
  p = strstr (text, key);
  if (p == NULL || p > strstr (text, ">>"))
    return 0;
  for (p += strlen (key); *p != ']'; p++)
    if (*p == 'R')
      n++;
  return n;
}

GBytes *
sign_with (PzSigner *signer,
           GBytes   *pdf,
           GError  **error)
{
  g_autoptr(GDateTime) when = g_date_time_new_now_utc ();

  return pz_signer_sign_pdf (signer, pdf, "Kepala Dinas", "Izin 1/2026", "Sukamaju", when, error);
}

/* `perizinan-server verify FILE`: its exit status and what it says */
int
verify_command (GBytes     *file,
                const char *name,
                char      **out)
{
  g_autofree char *path = g_build_filename (workdir, name, NULL);
  const char *server = g_getenv ("PERIZINAN_SERVER");
  const char *argv[] = { server, "verify", path, NULL };
  g_autofree char *err = NULL;
  int status = 0;

  g_assert_nonnull (server);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (file, NULL), (gssize) g_bytes_get_size (file), NULL));
  g_assert_true (g_spawn_sync (workdir, (char **) argv, NULL, 0, NULL, NULL, out, &err, &status, NULL));
  g_test_message ("verify %s: %s%s", name, *out, err);
  if (err && *err)
    {
      char *both = g_strconcat (*out, err, NULL);
      g_free (*out);
      *out = both;
    }
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}
