/* SPDX-License-Identifier: GPL-3.0-or-later */
/* perizinan-inspect: opens one uploaded document and says what it is.
 *
 * Uploads come from the public, and some files make document libraries
 * loop or grow without end. The server runs this program for each upload
 * with limits on memory and CPU time, so such a file costs one refused
 * upload and never the server. It prints one line of JSON: the type and
 * pages, or the problem. */
#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <poppler.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

static void
limit (int      resource,
       rlim_t   value)
{
  struct rlimit rl = { value, value };
  setrlimit (resource, &rl);
}

static int
answer_error (const char *problem)
{
  printf ("{\"error\":\"%s\"}\n", problem);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize size;

  if (argc != 3)
    {
      fprintf (stderr, "usage: perizinan-inspect CONTENT-TYPE FILE\n");
      return 2;
    }

  /* Limits first, before any byte of the file is read. (AddressSanitizer
   * reserves terabytes of address space for itself: its test builds go
   * without the memory limit and keep the others.) */
#ifndef __SANITIZE_ADDRESS__
  limit (RLIMIT_AS, (rlim_t) 768 * 1024 * 1024);
#endif
  limit (RLIMIT_CPU, 10);
  limit (RLIMIT_NOFILE, 32);

  if (!g_file_get_contents (argv[2], &data, &size, &error))
    return answer_error ("unreadable");
  if (size == 0)
    return answer_error ("empty");

  if (g_str_equal (argv[1], "application/pdf"))
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
      PopplerDocument *doc = poppler_document_new_from_bytes (bytes, NULL, &error);
      int pages;

      if (doc == NULL)
        {
          if (g_error_matches (error, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED))
            return answer_error ("encrypted");
          return answer_error ("damaged");
        }
      pages = poppler_document_get_n_pages (doc);
      if (pages <= 0)
        return answer_error ("no_pages");
      /* Reading every page's size makes poppler parse the page tree, where
       * a truncated file shows itself. */
      for (int i = 0; i < pages; i++)
        {
          PopplerPage *page = poppler_document_get_page (doc, i);
          double w = 0, h = 0;

          if (page == NULL)
            return answer_error ("damaged");
          poppler_page_get_size (page, &w, &h);
          g_object_unref (page);
          if (w <= 0 || h <= 0)
            return answer_error ("damaged");
        }
      g_object_unref (doc);
      printf ("{\"pages\":%d}\n", pages);
      return 0;
    }

  if (g_str_equal (argv[1], "image/jpeg") || g_str_equal (argv[1], "image/png"))
    {
      g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new_with_mime_type (argv[1], &error);
      GdkPixbuf *pixbuf;

      if (loader == NULL)
        return answer_error ("unsupported");
      if (!gdk_pixbuf_loader_write (loader, (const guchar *) data, size, &error) ||
          !gdk_pixbuf_loader_close (loader, &error) ||
          !(pixbuf = gdk_pixbuf_loader_get_pixbuf (loader)))
        return answer_error ("damaged");
      printf ("{\"pages\":1,\"width\":%d,\"height\":%d}\n", gdk_pixbuf_get_width (pixbuf),
              gdk_pixbuf_get_height (pixbuf));
      return 0;
    }

  return answer_error ("unsupported");
}
