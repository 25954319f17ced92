/* SPDX-License-Identifier: GPL-3.0-or-later */
/* perizinan-bench: fills a data directory with many files, runs the real
 * server on it and measures over HTTP on loopback, then prints each figure
 * beside its limit and the ratio: the Kasi's and the front office's inbox
 * (requests per second, p50/p99) beside nginx serving the same bytes (if
 * installed), the inbox of 1000 items, approvals per second beside raw
 * SQLite commits per second on the same disk with the same journal and
 * sync settings, the report of the year while approvals run, the server's
 * peak RSS and its cold start. */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <math.h>
#include <cairo-pdf.h>

#include <json-glib/json-glib.h>

#include "pz-bench-fill.h"
#include "pz-bench-load.h"

static gint64 n_files = 100000;
static gint clients = 8;
static gint seconds = 5;
static gint connections = 16;
static gint64 n_approvals = 3000;
static char *data_dir_opt;
static char *server_path;
static gboolean keep;
static gint upload_mib = 20;

static GOptionEntry entries[] = {
  { "files", 'n', 0, G_OPTION_ARG_INT64, &n_files, "Files to create (default 100000)", "N" },
  { "clients", 'c', 0, G_OPTION_ARG_INT, &clients, "Concurrent approving clients (default 8)", "C" },
  { "seconds", 's', 0, G_OPTION_ARG_INT, &seconds, "Seconds of each inbox load (default 5)", "S" },
  { "connections", 0, 0, G_OPTION_ARG_INT, &connections, "Connections of the inbox load (default 16)", "C" },
  { "approvals", 'a', 0, G_OPTION_ARG_INT64, &n_approvals, "Approvals to send (default 3000)", "A" },
  { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir_opt, "Data directory (default: a new temporary one)", "DIR" },
  { "server", 0, 0, G_OPTION_ARG_FILENAME, &server_path, "The perizinan-server program", "PATH" },
  { "keep", 'k', 0, G_OPTION_ARG_NONE, &keep, "Keep the data directory", NULL },
  { "upload-mib", 'u', 0, G_OPTION_ARG_INT, &upload_mib, "Size of the uploaded PDF (default 20; 0 skips)", "MIB" },
  { NULL }
};

static GArray *targets;   /* files at kasi_verification, for approvals */

static guint
free_port (void)
{
  g_autoptr(GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_socket_bind (sock, addr, TRUE, NULL);
  bound = g_socket_get_local_address (sock, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static guint port;

static char *
login (SoupSession *session,
       const char  *user)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/api/v1/auth/login", port);
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"demo\"}", user);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  answer = soup_session_send_and_read (session, msg, NULL, NULL);
  if (answer == NULL || soup_message_get_status (msg) != 200 ||
      !json_parser_load_from_data (parser, g_bytes_get_data (answer, NULL), (gssize) g_bytes_get_size (answer), NULL))
    g_error ("login as %s failed", user);
  return g_strdup (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "token"));
}

static const char * const inbox_users[] = { "kasi", "front_office", "back_office", "kadis", "tim_teknis", "kabid" };
static char *tokens[G_N_ELEMENTS (inbox_users)];
static char *kasi_token;

typedef struct {
  guint   index;
  GArray *latencies;  /* gint64 µs */
  guint   errors;
  gint64  until;
} Worker;

static gint next_target;
static gint approve_from, approve_to;

static gpointer
approve_worker (gpointer data)
{
  Worker *w = data;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *auth = g_strdup_printf ("Bearer %s", kasi_token);

  for (;;)
    {
      gint i = g_atomic_int_add (&next_target, 1);
      gint64 dt;

      if (i >= approve_to)
        break;
      if (pz_bench_approve (session, port, auth, &g_array_index (targets, PzBenchTarget, i), &dt))
        g_array_append_val (w->latencies, dt);
      else
        w->errors++;
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

static double
percentile (GArray *all,
            double  p)
{
  if (all->len == 0)
    return 0;
  return g_array_index (all, gint64, MIN (all->len - 1, (guint) (p * all->len))) / 1000.0;
}

static GArray *
run_workers (GThreadFunc func,
             gint64      until,
             guint      *errors,
             double     *elapsed)
{
  g_autofree Worker *workers = g_new0 (Worker, clients);
  g_autofree GThread **threads = g_new0 (GThread *, clients);
  GArray *all = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 t0 = g_get_monotonic_time ();

  *errors = 0;
  for (gint i = 0; i < clients; i++)
    {
      workers[i].index = (guint) i;
      workers[i].latencies = g_array_new (FALSE, FALSE, sizeof (gint64));
      workers[i].until = until;
      threads[i] = g_thread_new ("worker", func, &workers[i]);
    }
  for (gint i = 0; i < clients; i++)
    {
      g_thread_join (threads[i]);
      g_array_append_vals (all, workers[i].latencies->data, workers[i].latencies->len);
      *errors += workers[i].errors;
      g_array_unref (workers[i].latencies);
    }
  *elapsed = (g_get_monotonic_time () - t0) / 1e6;
  g_array_sort (all, compare_i64);
  return all;
}

static gint64
peak_rss_kib (const char *pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status", pid);
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents (path, &status, NULL, NULL) || !(line = strstr (status, "VmHWM:")))
    return -1;
  return g_ascii_strtoll (line + 6, NULL, 10);
}

/* CPU time (user + system) the process used so far, in seconds. */
static double
cpu_seconds (const char *pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/stat", pid);
  g_autofree char *stat = NULL;
  g_auto(GStrv) fields = NULL;
  const char *end;

  if (!g_file_get_contents (path, &stat, NULL, NULL) || !(end = strrchr (stat, ')')))
    return 0;
  fields = g_strsplit (end + 2, " ", -1);
  if (g_strv_length (fields) < 13)
    return 0;
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) / sysconf (_SC_CLK_TCK);
}

static gint64
current_rss_kib (const char *pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status", pid);
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents (path, &status, NULL, NULL) || !(line = strstr (status, "VmRSS:")))
    return -1;
  return g_ascii_strtoll (line + 6, NULL, 10);
}

static cairo_status_t
append_bytes (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* A scan-like PDF of about @mib MiB: one page of noise, which does not
 * compress. */
static GBytes *
big_pdf (int mib)
{
  int side = (int) sqrt ((double) mib * 1024 * 1024 / 3.0);
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, side, side);
  unsigned char *px = cairo_image_surface_get_data (image);
  int stride = cairo_image_surface_get_stride (image);
  GByteArray *out = g_byte_array_new ();
  cairo_surface_t *pdf;
  cairo_t *cr;
  guint32 x = 2463534242u;

  cairo_surface_flush (image);
  for (int y = 0; y < side; y++)
    for (int i = 0; i < side * 4; i++)
      {
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        px[y * stride + i] = (unsigned char) x;
      }
  cairo_surface_mark_dirty (image);
  pdf = cairo_pdf_surface_create_for_stream (append_bytes, out, side, side);
  cr = cairo_create (pdf);
  cairo_set_source_surface (cr, image, 0, 0);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_finish (pdf);
  cairo_surface_destroy (pdf);
  cairo_surface_destroy (image);
  return g_byte_array_free_to_bytes (out);
}

static gint64
register_file (SoupSession *session,
               const char  *token)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/api/v1/applications", port);
  const char *body = "{\"permit_type\":\"PBG\",\"request_type\":\"new\",\"applicant\":{\"name\":\"Uji Unggah\","
                     "\"nik\":\"3201011203850001\",\"address\":\"Jl. Uji\",\"phone\":\"081200000000\"}}";
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) bytes = g_bytes_new_static (body, strlen (body));
  g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  answer = soup_session_send_and_read (session, msg, NULL, NULL);
  if (answer == NULL || soup_message_get_status (msg) != 201 ||
      !json_parser_load_from_data (parser, g_bytes_get_data (answer, NULL), (gssize) g_bytes_get_size (answer), NULL))
    g_error ("registration failed");
  return json_object_get_int_member (json_node_get_object (json_parser_get_root (parser)), "id");
}

typedef struct {
  gint64      id;
  GBytes     *pdf;
  const char *token;
  guint       status;
} UploadJob;

static gpointer
upload_worker (gpointer data)
{
  UploadJob *job = data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 120, NULL);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/api/v1/applications/%" G_GINT64_FORMAT
                                          "/documents/gambar_teknis", port, job->id);
  g_autoptr(SoupMessage) msg = soup_message_new ("PUT", url);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", job->token);
  g_autoptr(GBytes) answer = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_message_set_request_body_from_bytes (msg, "application/pdf", job->pdf);
  answer = soup_session_send_and_read (session, msg, NULL, NULL);
  job->status = soup_message_get_status (msg);
  return NULL;
}

static gint
  running_uploads;

static gpointer
counted_upload_worker (gpointer data)
{
  upload_worker (data);
  g_atomic_int_add (&running_uploads, -1);
  return NULL;
}

static void
bench_uploads (SoupSession *session,
               const char  *token,
               const char  *pid)
{
  g_autoptr(GBytes) pdf = big_pdf (upload_mib - 1);
  UploadJob one = { register_file (session, token), pdf, token, 0 };
  UploadJob four[4];
  GThread *threads[4];
  gint64 t0, idle, peak;
  double secs;

  t0 = g_get_monotonic_time ();
  upload_worker (&one);
  secs = (g_get_monotonic_time () - t0) / 1e6;
  g_print ("upload of a %.1f MiB PDF: %.2f s, %.0f MiB/s (received, inspected, stored), status %u\n",
           g_bytes_get_size (pdf) / 1048576.0, secs, g_bytes_get_size (pdf) / 1048576.0 / secs, one.status);

  idle = current_rss_kib (pid);
  peak = idle;
  g_atomic_int_set (&running_uploads, 4);
  for (guint i = 0; i < 4; i++)
    {
      four[i] = (UploadJob) { register_file (session, token), pdf, token, 0 };
      threads[i] = g_thread_new ("upload", counted_upload_worker, &four[i]);
    }
  while (g_atomic_int_get (&running_uploads) > 0)
    {
      peak = MAX (peak, current_rss_kib (pid));
      g_usleep (5000);
    }
  for (guint i = 0; i < 4; i++)
    g_thread_join (threads[i]);
  g_print ("4 uploads at once: server RSS %.1f MiB before, peak %.1f MiB (+%.1f MiB for 4 x %.0f MiB), statuses %u %u %u %u\n",
           idle / 1024.0, peak / 1024.0, (peak - idle) / 1024.0, g_bytes_get_size (pdf) / 1048576.0,
           four[0].status, four[1].status, four[2].status, four[3].status);
}

static double
raw_commits_per_second (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "raw-commit-test.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  sqlite3 *db;
  sqlite3_stmt *stmt;
  gint64 t0, n = 0;
  double elapsed;

  if (sqlite3_open (path, &db) != SQLITE_OK)
    g_error ("cannot open %s", path);
  sqlite3_exec (db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT)", NULL, NULL, NULL);
  sqlite3_prepare_v2 (db, "INSERT INTO t (v) VALUES ('x')", -1, &stmt, NULL);
  t0 = g_get_monotonic_time ();
  while (g_get_monotonic_time () - t0 < 3 * G_USEC_PER_SEC)
    {
      sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
      sqlite3_step (stmt);
      sqlite3_reset (stmt);
      sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
      n++;
    }
  elapsed = (g_get_monotonic_time () - t0) / 1e6;
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  return n / elapsed;
}

/* A day off added: every open file's due times move in the same request. */
static void
bench_day_off (SoupSession *session)
{
  g_autofree char *admin = login (session, "admin");
  g_autofree char *auth = g_strdup_printf ("Bearer %s", admin);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) later = g_date_time_add_days (now, 1);
  g_autofree char *date = g_date_time_format (later, "%Y-%m-%d");
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/api/v1/admin/holidays/%s", port, date);
  const char *body = "{\"name\":\"Hari uji beban\",\"kind\":\"regional\"}";

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new (i == 0 ? "PUT" : "DELETE", url);
      g_autoptr(GBytes) bytes = i == 0 ? g_bytes_new_static (body, strlen (body)) : NULL;
      g_autoptr(GBytes) answer = NULL;
      gint64 t0 = g_get_monotonic_time ();

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
      if (bytes)
        soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
      answer = soup_session_send_and_read (session, msg, NULL, NULL);
      g_print ("%s a day off (due times of every open file recomputed): %.2f s, status %u\n",
               i == 0 ? "adding" : "removing", (g_get_monotonic_time () - t0) / 1e6, soup_message_get_status (msg));
    }
}

static GArray *
run_approvals (gint    from,
               gint    count,
               guint  *errors,
               double *elapsed)
{
  approve_from = MIN (from, (gint) targets->len);
  approve_to = MIN (from + count, (gint) targets->len);
  g_atomic_int_set (&next_target, approve_from);
  return run_workers (approve_worker, 0, errors, elapsed);
}

static char *
report_url (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) start = g_date_time_add_days (now, -365);
  g_autofree char *from = g_date_time_format (start, "%Y-%m-%d");
  g_autofree char *to = g_date_time_format (now, "%Y-%m-%d");

  return g_strdup_printf ("http://127.0.0.1:%u/api/v1/reports?from=%s&to=%s", port, from, to);
}

/* Seconds for one report of the year before now, through the server. */
static double
time_report (SoupSession *session)
{
  g_autofree char *url = report_url ();
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", kasi_token);
  g_autoptr(GBytes) answer = NULL;
  gint64 t0 = g_get_monotonic_time ();

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  answer = soup_session_send_and_read (session, msg, NULL, NULL);
  if (answer == NULL || soup_message_get_status (msg) != 200)
    g_error ("report failed: %u", soup_message_get_status (msg));
  return (g_get_monotonic_time () - t0) / 1e6;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median (GArray *values)
{
  if (values->len == 0)
    return 0;
  g_array_sort (values, compare_double);
  return g_array_index (values, double, values->len / 2);
}

static gint reports_stop;

static gpointer
report_loop (gpointer data)
{
  GArray *times = data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 120, NULL);

  while (!g_atomic_int_get (&reports_stop))
    {
      double s = time_report (session);
      g_array_append_val (times, s);
    }
  return NULL;
}

static GBytes *
get_bytes (SoupSession *session,
           const char  *path,
           const char  *token)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u%s", port, path);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
  g_autoptr(GBytes) answer = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  answer = soup_session_send_and_read (session, msg, NULL, NULL);
  if (answer == NULL || soup_message_get_status (msg) != 200)
    g_error ("GET %s failed", path);
  return g_steal_pointer (&answer);
}

static GSubprocess *
start_server (const char *dir,
              double     *ready_s)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/healthz", port);
  gint64 t0 = g_get_monotonic_time ();
  GSubprocess *server;

  server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, server_path, "--data-dir", dir,
                             "--port", port_text, NULL);
  g_assert_no_error (error);
  for (guint i = 0; i < 6000; i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
      g_autoptr(GBytes) b = soup_session_send_and_read (session, msg, NULL, NULL);

      if (b && soup_message_get_status (msg) == 200)
        break;
      g_usleep (5000);
    }
  *ready_s = (g_get_monotonic_time () - t0) / 1e6;
  return server;
}

static void
row (const char *what,
     const char *value,
     const char *limit,
     double      ratio,
     const char *goal)
{
  g_autofree char *r = ratio >= 0 ? g_strdup_printf ("%.2f", ratio) : g_strdup ("");

  g_print ("%-30s %-26s %-30s %-6s %s\n", what, value, limit, r, goal);
}

#define FMT(...) g_strdup_printf (__VA_ARGS__)

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- measure perizinan-server");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GArray) approvals = NULL;
  g_autoptr(GArray) approvals2 = NULL;
  g_autoptr(GArray) alone = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) together = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GBytes) kasi_page = NULL;
  g_autofree char *kasi_auth = NULL;
  g_autofree char *front_auth = NULL;
  g_autofree char *inbox_url = NULL;
  g_autofree char *inbox1000_url = NULL;
  PzBenchLoad nginx_load = { 0 }, healthz_load = { 0 }, kasi_load = { 0 }, front_load = { 0 }, big_load = { 0 };
  gboolean have_nginx = FALSE;
  guint errors, errors2;
  double elapsed, elapsed2, approve_rps, approve2_rps, raw, cpu, first_start, cold_start;
  double kasi_cpu, front_cpu, big_cpu, approve_cpu;
  gint64 idle_rss, peak;
  const char *pid;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (server_path == NULL)
    server_path = g_strdup (PZ_SERVER_PATH);

  dir = data_dir_opt ? g_strdup (data_dir_opt) : g_dir_make_tmp ("perizinan-bench-XXXXXX", &error);
  g_assert_no_error (error);
  g_print ("data dir: %s\n", dir);
  targets = pz_bench_fill (dir, n_files, NULL);

  port = free_port ();
  server = start_server (dir, &first_start);
  pid = g_subprocess_get_identifier (server);
  g_print ("first start (gives %" G_GINT64_FORMAT " files their tracking codes): %.2f s\n", n_files, first_start);

  session = soup_session_new ();
  for (guint i = 0; i < G_N_ELEMENTS (inbox_users); i++)
    tokens[i] = login (session, inbox_users[i]);
  kasi_token = tokens[0];
  kasi_auth = g_strdup_printf ("Bearer %s", tokens[0]);
  front_auth = g_strdup_printf ("Bearer %s", tokens[1]);
  idle_rss = peak_rss_kib (pid);
  inbox_url = g_strdup_printf ("http://127.0.0.1:%u/api/v1/inbox", port);
  inbox1000_url = g_strdup_printf ("http://127.0.0.1:%u/api/v1/inbox?limit=1000", port);

  /* the limit: nginx serving the bytes of the Kasi's inbox */
  kasi_page = get_bytes (session, "/api/v1/inbox", kasi_token);
  {
    g_autofree char *nginx_dir = g_build_filename (dir, "nginx-limit", NULL);
    guint nginx_port = free_port ();
    GSubprocess *nginx = pz_bench_nginx_start (nginx_dir, "/api/v1/inbox", kasi_page, nginx_port);

    if (nginx)
      {
        g_autofree char *nginx_url = g_strdup_printf ("http://127.0.0.1:%u/api/v1/inbox", nginx_port);

        have_nginx = TRUE;
        pz_bench_load (nginx_url, NULL, connections, seconds, &nginx_load);
        pz_bench_nginx_stop (nginx);
        g_print ("nginx, the same %zu bytes: %.0f req/s, p50 %.2f ms, p99 %.2f ms, %u errors (%s)\n",
                 g_bytes_get_size (kasi_page), nginx_load.rps, nginx_load.p50_ms, nginx_load.p99_ms,
                 nginx_load.errors, nginx_load.client);
      }
    else
      g_print ("nginx not found: the inbox's limit is n/a\n");
  }

  /* the HTTP floor: /healthz, the least the server answers */
  {
    g_autofree char *healthz_url = g_strdup_printf ("http://127.0.0.1:%u/healthz", port);

    pz_bench_load (healthz_url, NULL, connections, seconds, &healthz_load);
    g_print ("/healthz: %.0f req/s, p50 %.2f ms, p99 %.2f ms, %u errors\n",
             healthz_load.rps, healthz_load.p50_ms, healthz_load.p99_ms, healthz_load.errors);
  }

  /* server CPU per request as well: it holds when other programs share the
   * machine, where rates and latencies do not */
  cpu = cpu_seconds (pid);
  pz_bench_load (inbox_url, kasi_auth, connections, seconds, &kasi_load);
  kasi_cpu = (cpu_seconds (pid) - cpu) * 1000 / MAX (1, kasi_load.rps * seconds);
  g_print ("Kasi's inbox (%zu bytes): %.0f req/s, p50 %.2f ms, p99 %.2f ms, %u errors (%d connections, %s); "
           "server CPU %.3f ms per request\n",
           g_bytes_get_size (kasi_page), kasi_load.rps, kasi_load.p50_ms, kasi_load.p99_ms, kasi_load.errors,
           connections, kasi_load.client, kasi_cpu);
  cpu = cpu_seconds (pid);
  pz_bench_load (inbox_url, front_auth, connections, seconds, &front_load);
  front_cpu = (cpu_seconds (pid) - cpu) * 1000 / MAX (1, front_load.rps * seconds);
  g_print ("front office's inbox: %.0f req/s, p50 %.2f ms, p99 %.2f ms, %u errors; server CPU %.3f ms per request\n",
           front_load.rps, front_load.p50_ms, front_load.p99_ms, front_load.errors, front_cpu);
  cpu = cpu_seconds (pid);
  pz_bench_load (inbox1000_url, kasi_auth, connections, seconds, &big_load);
  big_cpu = (cpu_seconds (pid) - cpu) * 1000 / MAX (1, big_load.rps * seconds);
  g_print ("Kasi's inbox ?limit=1000: %.0f req/s, p50 %.2f ms, p99 %.2f ms, %u errors; server CPU %.3f ms per request\n",
           big_load.rps, big_load.p50_ms, big_load.p99_ms, big_load.errors, big_cpu);

  cpu = cpu_seconds (pid);
  approvals = run_approvals (0, (gint) n_approvals, &errors, &elapsed);
  cpu = cpu_seconds (pid) - cpu;
  approve_rps = approvals->len / elapsed;
  g_print ("approve: %u actions in %.1f s with %d clients: %.0f actions/s, p50 %.2f ms, p99 %.2f ms, %u errors\n",
           approvals->len, elapsed, clients, approve_rps, percentile (approvals, 0.50), percentile (approvals, 0.99),
           errors);
  approve_cpu = approvals->len ? cpu * 1000 / approvals->len : 0;
  g_print ("server CPU per approval: %.3f ms\n", approve_cpu);

  /* the report of the year alone, then while approvals run */
  for (guint i = 0; i < 3; i++)
    {
      double s = time_report (session);
      g_array_append_val (alone, s);
    }
  {
    GThread *reporter;

    g_atomic_int_set (&reports_stop, 0);
    reporter = g_thread_new ("report", report_loop, together);
    approvals2 = run_approvals ((gint) n_approvals, (gint) n_approvals, &errors2, &elapsed2);
    g_atomic_int_set (&reports_stop, 1);
    g_thread_join (reporter);
  }
  approve2_rps = approvals2->len / elapsed2;
  g_print ("report of the year (%" G_GINT64_FORMAT " files): alone median %.3f s; while approving median %.3f s "
           "(%u runs); approvals meanwhile %.0f/s, p99 %.2f ms, %u errors\n",
           n_files, median (alone), median (together), together->len, approve2_rps,
           percentile (approvals2, 0.99), errors2);

  peak = peak_rss_kib (pid);
  g_print ("server RSS: %.1f MiB after start, peak %.1f MiB under the inbox, approval and report load\n",
           idle_rss / 1024.0, peak / 1024.0);

  if (upload_mib > 1)
    bench_uploads (session, tokens[1], pid);
  bench_day_off (session);

  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
  g_clear_object (&server);

  server = start_server (dir, &cold_start);
  g_print ("cold start on %" G_GINT64_FORMAT " files: %.3f s to the first answer\n", n_files, cold_start);
  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);

  raw = raw_commits_per_second (dir);
  g_print ("raw SQLite (WAL, synchronous=FULL, same disk): %.0f commits/s\n", raw);

  g_print ("\n%-30s %-26s %-30s %-6s %s\n", "measure", "now", "limit beside it", "ratio", "goal");
  {
    g_autofree char *a = FMT ("%.0f req/s", kasi_load.rps);
    g_autofree char *b = have_nginx ? FMT ("nginx %.0f req/s", nginx_load.rps) : g_strdup ("limit: n/a");
    row ("Kasi's inbox, 100 items", a, b, have_nginx ? kasi_load.rps / nginx_load.rps : -1, ">= 0.40");
  }
  {
    g_autofree char *a = FMT ("%.0f req/s", healthz_load.rps);
    g_autofree char *b = have_nginx ? FMT ("nginx %.0f req/s", nginx_load.rps) : g_strdup ("limit: n/a");
    row ("HTTP floor (/healthz)", a, b, have_nginx ? healthz_load.rps / nginx_load.rps : -1,
         "the most the inbox can reach");
  }
  {
    g_autofree char *a = FMT ("p99 %.2f ms", kasi_load.p99_ms);
    g_autofree char *b = FMT ("%d connections", connections);
    row ("Kasi's inbox latency", a, b, kasi_load.p99_ms / 5.0, "p99 <= 5 ms (ratio to 5 ms <= 1)");
  }
  {
    g_autofree char *a = FMT ("%.3f ms", kasi_cpu);
    g_autofree char *b = FMT ("front office %.3f ms", front_cpu);
    row ("server CPU per inbox", a, b, front_cpu / kasi_cpu, "~1; limit=1000: see above");
  }
  {
    g_autofree char *a = FMT ("%.0f req/s, p99 %.2f ms", front_load.rps, front_load.p99_ms);
    g_autofree char *b = FMT ("Kasi's %.0f req/s", kasi_load.rps);
    row ("front office's inbox", a, b, front_load.rps / kasi_load.rps, "~1 (cost independent of files)");
  }
  {
    g_autofree char *a = FMT ("%.0f req/s, p99 %.2f ms", big_load.rps, big_load.p99_ms);
    row ("Kasi's inbox ?limit=1000", a, "20 ms", big_load.p99_ms / 20.0, "p99 <= 20 ms (ratio <= 1)");
  }
  {
    g_autofree char *a = FMT ("%.0f /s", approve_rps);
    g_autofree char *b = FMT ("raw durable commit %.0f /s", raw);
    row ("approvals", a, b, approve_rps / raw, ">= 0.50");
  }
  {
    g_autofree char *a = FMT ("%.3f ms", approve_cpu);
    row ("server CPU per approval", a, "", -1, "");
  }
  {
    g_autofree char *a = FMT ("p99 %.2f ms", percentile (approvals, 0.99));
    g_autofree char *b = FMT ("%d clients", clients);
    row ("approval latency", a, b, percentile (approvals, 0.99) / 10.0, "p99 <= 10 ms (ratio <= 1)");
  }
  {
    g_autofree char *a = FMT ("peak %.1f MiB", peak / 1024.0);
    row ("server RSS under load", a, "64 MiB", peak / 1024.0 / 64.0, "< 1");
  }
  {
    g_autofree char *a = FMT ("%.3f s", median (together));
    g_autofree char *b = FMT ("1 s; alone %.3f s", median (alone));
    row ("report while approving", a, b, median (together) / median (alone), "< 1 s, slowdown <= 1.10");
  }
  {
    g_autofree char *a = FMT ("%.0f /s", approve2_rps);
    g_autofree char *b = FMT ("alone %.0f /s", approve_rps);
    row ("approvals while reporting", a, b, approve2_rps / approve_rps, ">= 0.90");
  }
  {
    g_autofree char *a = FMT ("%.3f s", cold_start);
    row ("cold start", a, "1 s", cold_start, "< 1");
  }

  if (!keep && data_dir_opt == NULL)
    {
      g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
      if (system (cmd) != 0)
        g_printerr ("could not remove %s\n", dir);
    }
  return 0;
}
