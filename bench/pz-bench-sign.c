/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The time one permit signature takes: a PKCS#12 key, with and without a
 * timestamp authority.
 *
 *   perizinan-bench-sign [--count N] [--tsa URL]
 *
 * Prints the mean and the slowest signature in milliseconds. */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>

#include "pz-demo.h"
#include "pz-sign.h"

static void
measure (PzSigner   *signer,
         GBytes     *pdf,
         const char *label,
         int         count)
{
  gint64 total = 0, worst = 0;

  for (int i = 0; i < count; i++)
    {
      g_autoptr(GDateTime) when = g_date_time_new_now_utc ();
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) out = NULL;
      gint64 start = g_get_monotonic_time (), took;

      out = pz_signer_sign_pdf (signer, pdf, "Kepala Dinas", "Izin 1/2026", "Sukamaju", when, &error);
      took = g_get_monotonic_time () - start;
      if (out == NULL)
        {
          g_printerr ("%s: %s\n", label, error->message);
          exit (1);
        }
      total += took;
      worst = MAX (worst, took);
    }
  g_print ("%-22s %4d signatures: mean %.1f ms, slowest %.1f ms\n", label, count, total / 1000.0 / count,
           worst / 1000.0);
}

int
main (int    argc,
      char **argv)
{
  int count = 50;
  g_autofree char *tsa = NULL;
  GOptionEntry entries[] = {
    { "count", 'n', 0, G_OPTION_ARG_INT, &count, "Signatures per run", "N" },
    { "tsa", 0, 0, G_OPTION_ARG_STRING, &tsa, "A timestamp authority to measure too", "URL" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("pz-bench-sign-XXXXXX", NULL);
  g_autofree char *p12 = g_build_filename (dir, "kadis.p12", NULL);
  g_autoptr(PzSigner) signer = NULL;
  g_autoptr(GBytes) pdf = pz_demo_scan_pdf ("Izin", 1);

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || count < 1)
    {
      g_printerr ("%s\n", error ? error->message : "--count must be at least 1");
      return 2;
    }
  if (!pz_sign_create_identity (p12, "rahasia", "Kepala Dinas", "DPMPTSP", 30, &error) ||
      !(signer = pz_signer_open (p12, NULL, "rahasia", &error)))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  measure (signer, pdf, "PKCS#12, B-B", count);
  if (tsa)
    {
      pz_signer_set_timestamp_authority (signer, tsa, 10);
      measure (signer, pdf, "PKCS#12, B-T (TSA)", count);
    }
  g_unlink (p12);
  g_rmdir (dir);
  return 0;
}
