/* SPDX-License-Identifier: GPL-3.0-or-later */
/* perizinan-bench-cluster: servers on one PostgreSQL database.
 *
 * A throwaway cluster with fsync on (as in production) is made on the disk
 * to measure, and filled with an office of many files.  Then, with 1, 2
 * and 3 servers started on it, the Kasi's inbox is loaded on all of them
 * at once and the Kasi's approvals are sent to them in turn; beside each
 * figure, PostgreSQL's own durable commit rate on the same disk with as
 * many connections (the limit: an approval is one durable commit).
 *
 * Before the rounds, the statements one approval costs, counted by
 * pg_stat_statements with one server: a figure that does not depend on
 * the load of the machine, as the rates do. */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "pz-bench-commits.h"
#include "pz-bench-fill.h"
#include "pz-bench-load.h"
#include "pz-db.h"
#include "pz-test-pg.h"

#define MAX_SERVERS 3

static gint64 n_files = 30000;
static gint clients = 16;
static gint seconds = 5;
static gint connections = 16;
static gint approvals = 1000;
static gint counted = 200;
static gboolean show_statements;
static char *folder;
static char *server_path;

static GOptionEntry entries[] = {
  { "files", 'n', 0, G_OPTION_ARG_INT64, &n_files, "Files to create (default 30000)", "N" },
  { "clients", 'c', 0, G_OPTION_ARG_INT, &clients, "Concurrent approving clients (default 16)", "C" },
  { "seconds", 's', 0, G_OPTION_ARG_INT, &seconds, "Seconds of each inbox load (default 5)", "S" },
  { "connections", 0, 0, G_OPTION_ARG_INT, &connections, "Connections of the inbox load (default 16)", "C" },
  { "approvals", 'a', 0, G_OPTION_ARG_INT, &approvals, "Approvals per round (default 1000)", "A" },
  { "counted", 0, 0, G_OPTION_ARG_INT, &counted, "Approvals whose statements are counted (default 200)", "N" },
  { "statements", 0, 0, G_OPTION_ARG_NONE, &show_statements, "List the statements of an approval", NULL },
  { "dir", 'd', 0, G_OPTION_ARG_FILENAME, &folder, "Folder on the disk to measure (default /var/tmp)", "DIR" },
  { "server", 0, 0, G_OPTION_ARG_FILENAME, &server_path, "The perizinan-server program", "PATH" },
  { NULL }
};

static GArray *targets;   /* PzBenchTarget at kasi_verification */
static gint next_target, last_target;
static guint ports[MAX_SERVERS];
static guint n_up;
static char *kasi_auth;

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

/* the file the servers of the count write their round trips to, or NULL */
static char *round_trips_file;

static GSubprocess *
start_server (const char *config,
              guint       port)
{
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  const char *argv[] = { server_path, "--config", config, "--port", port_text, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 2, NULL);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/healthz", port);
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  GSubprocess *p;

  if (round_trips_file)
    g_subprocess_launcher_setenv (launcher, "PZ_DB_ROUND_TRIPS_FILE", round_trips_file, TRUE);
  p = g_subprocess_launcher_spawnv (launcher, argv, &error);

  if (p == NULL)
    g_error ("%s", error->message);
  for (gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC; g_get_monotonic_time () < end;)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
      g_autoptr(GBytes) body = soup_session_send_and_read (session, msg, NULL, NULL);

      if (soup_message_get_status (msg) == 200)
        return p;
      g_usleep (100 * 1000);
    }
  g_error ("the server on port %u did not start", port);
}

static char *
login (guint       port,
       const char *user)
{
  g_autoptr(SoupSession) session = soup_session_new ();
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
    g_error ("login of %s failed", user);
  return g_strdup (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "token"));
}

typedef struct {
  guint       port;
  PzBenchLoad load;
} InboxJob;

static gpointer
inbox_thread (gpointer data)
{
  InboxJob *job = data;
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/api/v1/inbox", job->port);

  pz_bench_load (url, kasi_auth, MAX (connections / (gint) n_up, 1), seconds, &job->load);
  return NULL;
}

typedef struct {
  guint   worker;
  GArray *latencies;
  guint   errors;
} Approver;

static gpointer
approve_thread (gpointer data)
{
  Approver *a = data;
  g_autoptr(SoupSession) session = soup_session_new ();

  for (guint n = 0;; n++)
    {
      gint i = g_atomic_int_add (&next_target, 1);
      gint64 dt;

      if (i >= last_target)
        break;
      /* each approval to the next server, as a proxy would spread them */
      if (pz_bench_approve (session, ports[(a->worker + n) % n_up], kasi_auth,
                            &g_array_index (targets, PzBenchTarget, i), &dt))
        g_array_append_val (a->latencies, dt);
      else
        a->errors++;
    }
  return NULL;
}

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* what the servers ran, without the benchmark's own questions */
#define STATEMENTS_OF_SERVERS " FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%'"

static gint64
round_trips_now (void)
{
  g_autofree char *text = NULL;

  /* the last answer's commit is done; what the server does after it
   * (the events to the other servers) a moment later */
  g_usleep (300 * 1000);
  if (!g_file_get_contents (round_trips_file, &text, NULL, NULL))
    return 0;
  return g_ascii_strtoll (text, NULL, 10);
}

static gint64
sum_of (PzDb       *db,
        const char *sql)
{
  g_autoptr(GError) error = NULL;
  PzDbStmt *stmt = pz_db_prepare (db, sql, &error);
  gint64 n = 0;

  if (stmt == NULL || pz_db_step (stmt, &error) == PZ_DB_STEP_FAILED)
    g_error ("%s", error->message);
  n = pz_db_column_int64 (stmt, 0);
  pz_db_reset (stmt);
  return n;
}

static void
reset_statements (PzDb *db)
{
  g_autoptr(GError) error = NULL;

  if (!pz_db_exec (db, "SELECT pg_stat_statements_reset ()", &error))
    g_error ("%s", error->message);
}

static void
list_statements (PzDb *db,
                 guint n)
{
  g_autoptr(GError) error = NULL;
  PzDbStmt *stmt = pz_db_prepare (db, "SELECT calls, CASE WHEN toplevel THEN '' ELSE '  ' END"
                                  " || regexp_replace (query, '\\s+', ' ', 'g')"
                                  STATEMENTS_OF_SERVERS " ORDER BY toplevel DESC, calls DESC, query", &error);

  if (stmt == NULL)
    g_error ("%s", error->message);
  while (pz_db_step (stmt, NULL) == PZ_DB_STEP_ROW)
    printf ("  %7.2f  %.160s\n", pz_db_column_int64 (stmt, 0) / (double) n, pz_db_column_text (stmt, 1));
}

/* Approvals sent by @n_clients at once to one server, then the statements
 * it ran for them. */
static void
count_round (PzDb *db,
             gint  n_clients)
{
  g_autofree Approver *approvers = g_new0 (Approver, n_clients);
  g_autofree GThread **workers = g_new0 (GThread *, n_clients);
  gint first = g_atomic_int_get (&next_target);
  guint errors = 0, n;
  gint64 sent, nested, trips;

  trips = round_trips_now ();
  reset_statements (db);
  last_target = MIN (first + counted, (gint) targets->len);
  for (gint i = 0; i < n_clients; i++)
    {
      approvers[i].worker = (guint) i;
      approvers[i].latencies = g_array_new (FALSE, FALSE, sizeof (gint64));
      workers[i] = g_thread_new ("approve", approve_thread, &approvers[i]);
    }
  for (gint i = 0; i < n_clients; i++)
    {
      g_thread_join (workers[i]);
      errors += approvers[i].errors;
      g_array_unref (approvers[i].latencies);
    }
  n = (guint) MAX (last_target - first, 1);
  trips = round_trips_now () - trips;
  sent = sum_of (db, "SELECT coalesce (sum (calls), 0)" STATEMENTS_OF_SERVERS " AND toplevel");
  nested = sum_of (db, "SELECT coalesce (sum (calls), 0)" STATEMENTS_OF_SERVERS " AND NOT toplevel");
  printf ("%7d  %9u  %11.2f  %10.2f  %15.2f  %6u\n", n_clients, n, trips / (double) n, sent / (double) n,
          nested / (double) n, errors);
  if (show_statements)
    list_statements (db, n);
  fflush (stdout);
}

static void
count_statements (const char *config,
                  const char *uri)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) server = NULL;
  PzDb *db;

  if (counted <= 0)
    return;
  if (!(db = pz_db_open (uri, PZ_DB_OPEN_DEFAULT, &error)) ||
      !pz_db_exec (db, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements", &error))
    g_error ("%s", error->message);
  n_up = 1;
  ports[0] = free_port ();
  /* once without the count: the first start of a server on the new
   * office does the work of a first start (tracking codes for every file) */
  server = start_server (config, ports[0]);
  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
  g_clear_object (&server);
  round_trips_file = g_build_filename (g_get_tmp_dir (), "pz-bench-round-trips-XXXXXX", NULL);
  g_close (g_mkstemp (round_trips_file), NULL);
  server = start_server (config, ports[0]);
  {
    g_autofree char *token = login (ports[0], "kasi");
    g_free (kasi_auth);
    kasi_auth = g_strdup_printf ("Bearer %s", token);
  }
  /* BEGIN and COMMIT, prepared statements, are not counted by
   * pg_stat_statements: add the batches' two */
  printf ("What one approval costs, one server: its round trips to the database (counted by the\n"
          "server), the statements it sent (pg_stat_statements, without each batch's BEGIN and\n"
          "COMMIT) and those run inside them (triggers, key checks)\n\n");
  printf ("clients  approvals  round trips        sent  in triggers etc  errors\n");
  /* the first ones prepare the statements the others run */
  last_target = MIN (g_atomic_int_get (&next_target) + 20, (gint) targets->len);
  {
    Approver warm = { 0 };

    warm.latencies = g_array_new (FALSE, FALSE, sizeof (gint64));
    approve_thread (&warm);
    g_array_unref (warm.latencies);
  }
  count_round (db, 1);
  count_round (db, clients);
  printf ("\n");
  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
  g_unlink (round_trips_file);
  g_clear_pointer (&round_trips_file, g_free);
  pz_db_close (db);
}

static void
run_round (guint                    n,
           const char              *config,
           const PzBenchCommitRate *limit)
{
  GSubprocess *servers[MAX_SERVERS] = { NULL };
  InboxJob inbox[MAX_SERVERS] = { { 0 } };
  GThread *threads[MAX_SERVERS];
  g_autofree Approver *approvers = g_new0 (Approver, clients);
  g_autofree GThread **workers = g_new0 (GThread *, clients);
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (gint64));
  double inbox_rps = 0, inbox_p99 = 0, approve_rps, elapsed;
  guint errors = 0;
  gint64 t0;

  n_up = n;
  for (guint i = 0; i < n; i++)
    {
      ports[i] = free_port ();
      servers[i] = start_server (config, ports[i]);
    }
  {
    g_autofree char *token = login (ports[0], "kasi");
    g_free (kasi_auth);
    kasi_auth = g_strdup_printf ("Bearer %s", token);
  }

  for (guint i = 0; i < n; i++)
    {
      inbox[i].port = ports[i];
      threads[i] = g_thread_new ("inbox", inbox_thread, &inbox[i]);
    }
  for (guint i = 0; i < n; i++)
    {
      g_thread_join (threads[i]);
      inbox_rps += inbox[i].load.rps;
      inbox_p99 = MAX (inbox_p99, inbox[i].load.p99_ms);
      errors += inbox[i].load.errors;
    }

  last_target = MIN (g_atomic_int_get (&next_target) + approvals, (gint) targets->len);
  t0 = g_get_monotonic_time ();
  for (gint i = 0; i < clients; i++)
    {
      approvers[i].worker = (guint) i;
      approvers[i].latencies = g_array_new (FALSE, FALSE, sizeof (gint64));
      workers[i] = g_thread_new ("approve", approve_thread, &approvers[i]);
    }
  for (gint i = 0; i < clients; i++)
    {
      g_thread_join (workers[i]);
      g_array_append_vals (all, approvers[i].latencies->data, approvers[i].latencies->len);
      errors += approvers[i].errors;
      g_array_unref (approvers[i].latencies);
    }
  elapsed = (g_get_monotonic_time () - t0) / (double) G_USEC_PER_SEC;
  g_array_sort (all, compare_int64);
  approve_rps = all->len / elapsed;

  printf ("%7u  %9.0f  %8.1f  %11.0f  %8.1f  %8.1f  %10.2f  %6u\n", n, inbox_rps, inbox_p99, approve_rps,
          all->len ? g_array_index (all, gint64, all->len / 2) / 1000.0 : 0.0,
          all->len ? g_array_index (all, gint64, MIN (all->len - 1, all->len * 99 / 100)) / 1000.0 : 0.0,
          approve_rps / limit->per_second, errors);
  fflush (stdout);

  for (guint i = 0; i < n; i++)
    {
      g_subprocess_send_signal (servers[i], SIGTERM);
      g_subprocess_wait (servers[i], NULL, NULL);
      g_object_unref (servers[i]);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- measure servers on one PostgreSQL database");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *files = NULL;
  g_autofree char *config = NULL;
  g_autofree char *text = NULL;
  g_autofree char *office = NULL;
  PzBenchCommitRate limit;
  PzTestPg *pg;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (server_path == NULL)
    server_path = g_strdup (PZ_SERVER_PATH);
  if (!(pg = pz_test_pg_new_with (folder ? folder : "/var/tmp", TRUE,
                                  "shared_preload_libraries = 'pg_stat_statements'\n"
                                  "pg_stat_statements.track = all", &error)))
    {
      g_printerr ("No cluster: %s\n", error->message);
      return 1;
    }
  office = pz_test_pg_uri_for (pg, "perizinan", NULL, "perizinan");
  dir = g_build_filename (pz_test_pg_dir (pg), "office", NULL);
  files = g_build_filename (dir, "data", NULL);
  g_mkdir_with_parents (files, 0700);

  /* the limit first, on the same disk, with as many connections as clients */
  if (!pz_bench_pg_prepare (office, &error) || !pz_bench_pg_commits (office, clients, seconds, &limit, &error))
    {
      g_printerr ("%s\n", error->message);
      pz_test_pg_free (pg);
      return 1;
    }
  printf ("PostgreSQL's durable commit rate, %d connections: %.0f commits/s (p50 %.2f ms, p99 %.2f ms)\n",
          clients, limit.per_second, limit.p50_ms, limit.p99_ms);

  targets = pz_bench_fill_store (files, office, n_files, NULL);
  text = g_strdup_printf ("[server]\ndata_dir=%s\n[store]\nbackend=postgresql\nurl=%s\n", files, office);
  config = g_build_filename (dir, "perizinan-server.conf", NULL);
  g_file_set_contents (config, text, -1, NULL);

  printf ("\n%" G_GINT64_FORMAT " files, %u at kasi_verification; inbox: %d connections over %d s; "
          "approvals: %d clients, %d per round\n\n", n_files, targets->len, connections, seconds, clients, approvals);
  count_statements (config, office);
  printf ("servers  inbox r/s  p99 (ms)  approvals/s  p50 (ms)  p99 (ms)  ÷ commit/s  errors\n");
  for (guint n = 1; n <= MAX_SERVERS; n++)
    run_round (n, config, &limit);
  g_array_unref (targets);
  g_free (kasi_auth);
  pz_test_pg_free (pg);
  return 0;
}
