/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HTTP load for the benchmark: wrk where it is installed (it costs the
 * machine less than any client of ours, so the server and not the client
 * sets the rate), else threads of libsoup clients; and nginx serving the
 * same bytes, as the limit beside the server's figures. */
#include "config.h"

#include <gio/gio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "pz-bench-load.h"

typedef struct {
  const char *url;
  const char *auth;
  GArray     *latencies;  /* gint64 µs */
  guint       errors;
  gint64      until;
} LoadWorker;

static gpointer
load_worker (gpointer data)
{
  LoadWorker *w = data;
  g_autoptr(SoupSession) session = soup_session_new ();

  while (g_get_monotonic_time () < w->until)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", w->url);
      g_autoptr(GBytes) answer = NULL;
      gint64 t0 = g_get_monotonic_time (), dt;

      if (w->auth)
        soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", w->auth);
      answer = soup_session_send_and_read (session, msg, NULL, NULL);
      dt = g_get_monotonic_time () - t0;
      if (answer == NULL || soup_message_get_status (msg) != 200)
        w->errors++;
      else
        g_array_append_val (w->latencies, dt);
    }
  return NULL;
}

static int
compare_i64 (gconstpointer a,
             gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

static gboolean
load_with_soup (const char  *url,
                const char  *auth,
                gint         connections,
                gint         seconds,
                PzBenchLoad *out)
{
  g_autofree LoadWorker *workers = g_new0 (LoadWorker, connections);
  g_autofree GThread **threads = g_new0 (GThread *, connections);
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 t0 = g_get_monotonic_time ();
  double elapsed;

  for (gint i = 0; i < connections; i++)
    {
      workers[i] = (LoadWorker) { url, auth, g_array_new (FALSE, FALSE, sizeof (gint64)), 0,
                                  t0 + (gint64) seconds * G_USEC_PER_SEC };
      threads[i] = g_thread_new ("load", load_worker, &workers[i]);
    }
  out->errors = 0;
  for (gint i = 0; i < connections; i++)
    {
      g_thread_join (threads[i]);
      g_array_append_vals (all, workers[i].latencies->data, workers[i].latencies->len);
      out->errors += workers[i].errors;
      g_array_unref (workers[i].latencies);
    }
  elapsed = (g_get_monotonic_time () - t0) / 1e6;
  g_array_sort (all, compare_i64);
  out->rps = all->len / elapsed;
  out->p50_ms = all->len ? g_array_index (all, gint64, all->len / 2) / 1000.0 : 0;
  out->p99_ms = all->len ? g_array_index (all, gint64, MIN (all->len - 1, (guint) (0.99 * all->len))) / 1000.0 : 0;
  out->client = "libsoup threads";
  return all->len > 0;
}

/* "1.23ms", "870.00us", "1.02s" */
static double
wrk_ms (const char *text)
{
  char *end = NULL;
  double v = g_ascii_strtod (text, &end);

  if (g_str_has_prefix (end, "us"))
    return v / 1000;
  if (g_str_has_prefix (end, "ms"))
    return v;
  if (g_str_has_prefix (end, "s"))
    return v * 1000;
  if (g_str_has_prefix (end, "m"))
    return v * 60000;
  return v;
}

static gboolean
load_with_wrk (const char  *wrk,
               const char  *url,
               const char  *auth,
               gint         connections,
               gint         seconds,
               PzBenchLoad *out)
{
  g_autofree char *duration = g_strdup_printf ("%ds", seconds);
  g_autofree char *conns = g_strdup_printf ("%d", connections);
  g_autofree char *threads = g_strdup_printf ("%d", MIN (connections, MAX (1, (int) g_get_num_processors ())));
  g_autofree char *header = auth ? g_strdup_printf ("Authorization: %s", auth) : NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean have_rps = FALSE;

  g_ptr_array_add (argv, (gpointer) wrk);
  g_ptr_array_add (argv, (gpointer) "--latency");
  g_ptr_array_add (argv, (gpointer) "-t");
  g_ptr_array_add (argv, threads);
  g_ptr_array_add (argv, (gpointer) "-c");
  g_ptr_array_add (argv, conns);
  g_ptr_array_add (argv, (gpointer) "-d");
  g_ptr_array_add (argv, duration);
  if (header)
    {
      g_ptr_array_add (argv, (gpointer) "-H");
      g_ptr_array_add (argv, header);
    }
  g_ptr_array_add (argv, (gpointer) url);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_newv ((const char * const *) argv->pdata, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  if (proc == NULL || !g_subprocess_communicate_utf8 (proc, NULL, NULL, &text, NULL, &error))
    return FALSE;
  memset (out, 0, sizeof *out);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      const char *l = g_strstrip (lines[i]);

      if (g_str_has_prefix (l, "50%"))
        out->p50_ms = wrk_ms (g_strchug ((char *) l + 3));
      else if (g_str_has_prefix (l, "99%"))
        out->p99_ms = wrk_ms (g_strchug ((char *) l + 3));
      else if (g_str_has_prefix (l, "Requests/sec:"))
        {
          out->rps = g_ascii_strtod (l + 13, NULL);
          have_rps = TRUE;
        }
      else if (g_str_has_prefix (l, "Non-2xx or 3xx responses:"))
        out->errors += (guint) g_ascii_strtoull (l + 25, NULL, 10);
      else if (g_str_has_prefix (l, "Socket errors:"))
        {
          /* "Socket errors: connect 0, read 0, write 0, timeout 0" */
          for (const char *p = l; (p = strpbrk (p, "0123456789"));)
            {
              char *end;
              out->errors += (guint) g_ascii_strtoull (p, &end, 10);
              p = end;
            }
        }
    }
  out->client = "wrk";
  return have_rps;
}

/**
 * pz_bench_load:
 * @url: what to GET
 * @auth: (nullable): the Authorization header's value
 * @connections: connections kept busy at once
 * @seconds: how long
 * @out: (out): the rate and latencies
 *
 * Returns: whether any request succeeded
 */
gboolean
pz_bench_load (const char  *url,
               const char  *auth,
               gint         connections,
               gint         seconds,
               PzBenchLoad *out)
{
  g_autofree char *wrk = g_find_program_in_path ("wrk");

  if (wrk && load_with_wrk (wrk, url, auth, connections, seconds, out))
    return TRUE;
  return load_with_soup (url, auth, connections, seconds, out);
}

/**
 * pz_bench_nginx_start:
 * @dir: a directory for nginx's configuration, logs and files
 * @path: the URL path to serve, e.g. `/api/v1/inbox`
 * @body: what to answer there
 * @port: the port to listen on
 *
 * Returns: (transfer full) (nullable): nginx, serving; %NULL if it is not
 *   installed or did not start
 */
GSubprocess *
pz_bench_nginx_start (const char *dir,
                      const char *path,
                      GBytes     *body,
                      guint       port)
{
  g_autofree char *nginx = g_find_program_in_path ("nginx");
  g_autofree char *root = g_build_filename (dir, "nginx", "root", NULL);
  g_autofree char *file = g_build_filename (root, path, NULL);
  g_autofree char *parent = g_path_get_dirname (file);
  g_autofree char *prefix = g_build_filename (dir, "nginx", NULL);
  g_autofree char *conf = g_build_filename (prefix, "nginx.conf", NULL);
  g_autofree char *log = g_build_filename (prefix, "error.log", NULL);
  g_autofree char *text = NULL;
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u%s", port, path);
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupSession) session = NULL;
  GSubprocess *proc;

  if (nginx == NULL && g_file_test ("/usr/sbin/nginx", G_FILE_TEST_IS_EXECUTABLE))
    nginx = g_strdup ("/usr/sbin/nginx");
  if (nginx == NULL)
    return NULL;
  g_mkdir_with_parents (parent, 0755);
  if (!g_file_set_contents (file, g_bytes_get_data (body, NULL), (gssize) g_bytes_get_size (body), NULL))
    return NULL;
  text = g_strdup_printf ("%s"
                          "worker_processes auto;\n"
                          "daemon off;\n"
                          "pid %s/nginx.pid;\n"
                          "error_log %s;\n"
                          "events { worker_connections 1024; }\n"
                          "http {\n"
                          "  access_log off;\n"
                          "  client_body_temp_path %s/tmp-body;\n"
                          "  proxy_temp_path %s/tmp-proxy;\n"
                          "  fastcgi_temp_path %s/tmp-fastcgi;\n"
                          "  uwsgi_temp_path %s/tmp-uwsgi;\n"
                          "  scgi_temp_path %s/tmp-scgi;\n"
                          "  keepalive_requests 1000000;\n"
                          "  server {\n"
                          "    listen 127.0.0.1:%u;\n"
                          "    root %s;\n"
                          "    location / { default_type application/json; }\n"
                          "  }\n"
                          "}\n",
                          /* a temporary directory is its owner's alone */
                          geteuid () == 0 ? "user root;\n" : "",
                          prefix, log, prefix, prefix, prefix, prefix, prefix, port, root);
  if (!g_file_set_contents (conf, text, -1, NULL))
    return NULL;
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                           nginx, "-p", prefix, "-e", log, "-c", conf, NULL);
  if (proc == NULL)
    return NULL;
  session = soup_session_new ();
  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
      g_autoptr(GBytes) got = soup_session_send_and_read (session, msg, NULL, NULL);

      if (got && soup_message_get_status (msg) == 200)
        {
          if (!g_bytes_equal (got, body))
            g_printerr ("nginx answers other bytes than the server\n");
          return proc;
        }
      g_usleep (20000);
    }
  pz_bench_nginx_stop (proc);
  return NULL;
}

/* SIGTERM to the master, which ends its workers (SIGKILL would leave them
 * running). */
void
pz_bench_nginx_stop (GSubprocess *nginx)
{
  if (nginx == NULL)
    return;
  g_subprocess_send_signal (nginx, SIGTERM);
  g_subprocess_wait (nginx, NULL, NULL);
  g_object_unref (nginx);
}

/**
 * pz_bench_approve:
 * @session: the sending client's own session
 * @port: the server's, on 127.0.0.1
 * @auth: the `Authorization` header of the approving user
 * @target: the file and the version it is at
 * @micros: (out): how long the answer took
 *
 * Sends one `approve` with its own idempotency key, as the desktop does.
 *
 * Returns: whether it was answered 200
 */
gboolean
pz_bench_approve (SoupSession         *session,
                  guint                port,
                  const char          *auth,
                  const PzBenchTarget *target,
                  gint64              *micros)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/api/v1/applications/%" G_GINT64_FORMAT "/actions",
                                          port, target->id);
  g_autofree char *body = g_strdup_printf ("{\"action\":\"approve\",\"version\":%" G_GINT64_FORMAT "}",
                                           target->version);
  g_autofree char *key = g_uuid_string_random ();
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr(GBytes) answer = NULL;
  gint64 t0;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Idempotency-Key", key);
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  t0 = g_get_monotonic_time ();
  answer = soup_session_send_and_read (session, msg, NULL, NULL);
  *micros = g_get_monotonic_time () - t0;
  return answer != NULL && soup_message_get_status (msg) == 200;
}
