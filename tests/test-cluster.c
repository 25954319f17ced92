/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Three servers on one PostgreSQL database, behind the example HAProxy
 * configuration of data/server/haproxy.cfg: they make the demo office once,
 * take any request of a file's journey whichever server it reaches, number
 * permits without a gap when all three number at once, tell the desktops
 * connected to one of them what the others did, serve an office added
 * while they run with what it defines on any of them, and lose nothing
 * acknowledged when one of them is killed under load. */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>
#include <string.h>

#include "pz-test-pg.h"
#include "pz-test-server.h"

#define N_SERVERS 3

typedef struct {
  GSubprocess  *process;
  guint         port;
  PzTestServer *client;
} Instance;

static char *workdir;
static char *database;   /* the URI of the servers' database */
static char *config_path;
static Instance servers[N_SERVERS];
static GSubprocess *proxy;
static guint proxy_port;
static char *proxy_ca;

static guint
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, 0, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, any, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* What the test starts dies with it, even when it aborts. */
static void
die_with_test (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static GSubprocess *
spawn (const char * const *argv,
       GSubprocessFlags    flags)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);
  g_autoptr(GError) error = NULL;
  GSubprocess *p;

  g_subprocess_launcher_set_child_setup (launcher, die_with_test, NULL, NULL);
  p = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  return p;
}

static GSubprocess *
spawn_server (guint port)
{
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  const char *argv[] = { g_getenv ("PERIZINAN_SERVER"), "--config", config_path, "--port", port_text,
                         "--demo", NULL };
  return spawn (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
}

/* Up when its /healthz answers 200. */
static void
wait_healthy (guint port)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 2, NULL);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/healthz", port);

  for (gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC; g_get_monotonic_time () < end;)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
      g_autoptr(GBytes) body = soup_session_send_and_read (session, msg, NULL, NULL);

      if (soup_message_get_status (msg) == 200)
        return;
      g_usleep (100 * 1000);
    }
  g_error ("the server on port %u never became healthy", port);
}

/* The shipped example, with this machine's ports and certificate in place
 * of the example's: everything else is as an office would install it. */
static char *
proxy_config (guint http_port)
{
  g_autofree char *example = NULL;
  g_autofree char *pem = g_build_filename (workdir, "proxy.pem", NULL);
  g_autofree char *cert = g_build_filename (workdir, "proxy.crt", NULL);
  g_autofree char *key = g_build_filename (workdir, "proxy.key", NULL);
  g_autofree char *cert_pem = pz_test_make_certificate (cert, key);
  g_autofree char *key_pem = NULL;
  g_autofree char *both = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;
  g_autofree char *path = g_build_filename (workdir, "haproxy.cfg", NULL);
  g_autofree char *source = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "..", "data", "server", "haproxy.cfg",
                                              NULL);
  guint server = 0;

  g_assert_true (g_file_get_contents (key, &key_pem, NULL, NULL));
  both = g_strconcat (cert_pem, key_pem, NULL);
  g_assert_true (g_file_set_contents (pem, both, -1, NULL));
  proxy_ca = g_strdup (cert);

  g_assert_true (g_file_get_contents (source, &example, NULL, NULL));
  lines = g_strsplit (example, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_autofree char *line = g_strdup (lines[i]);
      char *text = g_strstrip (line);

      if (g_str_has_prefix (text, "log /dev/log"))
        continue;  /* no syslog here: the proxy logs nothing */
      if (g_str_has_prefix (text, "bind :443 "))
        g_string_append_printf (out, "    bind 127.0.0.1:%u %s\n", proxy_port,
                                strstr (text, "ssl crt /etc/haproxy/perizinan.pem") ? "ssl crt PEM alpn http/1.1" : "");
      else if (g_str_equal (text, "bind :80"))
        g_string_append_printf (out, "    bind 127.0.0.1:%u\n", http_port);
      else if (g_str_has_prefix (text, "server app"))
        {
          g_assert_cmpuint (server, <, N_SERVERS);
          g_string_append_printf (out, "    server app%u 127.0.0.1:%u check\n", server + 1, servers[server].port);
          server++;
        }
      else
        g_string_append_printf (out, "%s\n", lines[i]);
    }
  g_assert_cmpuint (server, ==, N_SERVERS);
  {
    g_autofree char *text = g_string_free (g_steal_pointer (&out), FALSE);
    g_auto(GStrv) parts = g_strsplit (text, "PEM", -1);
    g_autofree char *final = g_strjoinv (pem, parts);

    g_assert_true (g_file_set_contents (path, final, -1, NULL));
  }
  return g_steal_pointer (&path);
}

static void
start_proxy (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cfg = NULL;
  guint http_port = free_port ();

  proxy_port = free_port ();
  cfg = proxy_config (http_port);
  {
    const char *check[] = { "haproxy", "-c", "-q", "-f", cfg, NULL };
    g_autoptr(GSubprocess) p = g_subprocess_newv (check, G_SUBPROCESS_FLAGS_NONE, &error);

    g_assert_no_error (error);
    g_assert_true (g_subprocess_wait_check (p, NULL, &error));
    g_assert_no_error (error);
  }
  {
    const char *argv[] = { "haproxy", "-db", "-f", cfg, NULL };
    proxy = spawn (argv, G_SUBPROCESS_FLAGS_NONE);
  }
}

/* The three start at once, each told to make the demo office. */
static void
start_cluster (void)
{
  g_autofree char *files = g_build_filename (workdir, "data", NULL);
  g_autofree char *text = NULL;

  /* a new database on a throwaway cluster */
  database = pz_test_db_location (workdir);
  text = g_strdup_printf ("[server]\ndata_dir=%s\npublic_url=https://izin.example.id\n"
                          "[store]\nbackend=postgresql\nurl=%s\n", files, database);
  config_path = g_build_filename (workdir, "perizinan-server.conf", NULL);
  g_assert_true (g_file_set_contents (config_path, text, -1, NULL));

  for (guint i = 0; i < N_SERVERS; i++)
    {
      servers[i].port = free_port ();
      servers[i].process = spawn_server (servers[i].port);
    }
  for (guint i = 0; i < N_SERVERS; i++)
    {
      wait_healthy (servers[i].port);
      servers[i].client = pz_test_server_attach (servers[i].port);
    }
  start_proxy ();
}

/* A file of its own applicant: no two are the same person's, which the
 * rules of a permit type may refuse. */
static gint64
register_file (PzTestServer *ts,
               const char   *permit_type)
{
  static gint serial;
  guint n = (guint) g_atomic_int_add (&serial, 1);
  g_autofree char *body = g_strdup_printf ("{\"permit_type\":\"%s\",\"request_type\":\"new\","
                                           "\"applicant\":{\"name\":\"Pemohon %u\",\"nik\":\"320101120385%04u\","
                                           "\"address\":\"Jl. Mawar No. %u, Sukamaju\",\"phone\":\"0812345%05u\"}}",
                                           permit_type, n, n + 1, n + 1, n);
  g_autoptr(PzResponse) r = pz_test_request (ts, "POST", "/api/v1/applications", pz_test_login (ts, "front_office"),
                                             body);

  if (r->status != 201)
    g_error ("registration refused: %u %.*s", r->status, (int) g_bytes_get_size (r->body),
             (const char *) g_bytes_get_data (r->body, NULL));
  return json_object_get_int_member (pz_response_object (r), "id");
}

static gint64
sql_int (const char *sql)
{
  return pz_test_sql_int (database, sql);
}

/* Started together on an empty database, the three made one demo office:
 * eight users, four permit types, and the demo's files once. */
static void
test_demo_once (void)
{
  gint64 files = sql_int ("SELECT count(*) FROM applications");

  g_assert_cmpint (sql_int ("SELECT count(*) FROM users"), ==, 8);
  g_assert_cmpint (sql_int ("SELECT count(*) FROM permit_types"), ==, 4);
  g_assert_cmpint (sql_int ("SELECT count(DISTINCT registration_number) FROM applications"), ==, files);
  g_assert_cmpint (files, >, 0);
  for (guint i = 0; i < N_SERVERS; i++)
    {
      g_autoptr(PzResponse) r = pz_test_request (servers[i].client, "GET", "/api/v1/inbox",
                                                 pz_test_login (servers[i].client, "kasi"), NULL);
      g_assert_cmpuint (r->status, ==, 200);
    }
}

/* A session made on one server is good on the others; ended on one, it is
 * refused at once by all, though they had just seen it. */
static void
test_sessions_shared (void)
{
  g_autoptr(PzResponse) login = pz_test_request (servers[0].client, "POST", "/api/v1/auth/login", NULL,
                                                 "{\"username\":\"kabid\",\"password\":\"demo\"}");
  const char *token;

  g_assert_cmpuint (login->status, ==, 200);
  token = json_object_get_string_member (pz_response_object (login), "token");
  for (guint i = 0; i < N_SERVERS; i++)
    {
      g_autoptr(PzResponse) me = pz_test_request (servers[i].client, "GET", "/api/v1/me", token, NULL);
      g_assert_cmpuint (me->status, ==, 200);
    }
  {
    g_autoptr(PzResponse) out = pz_test_request (servers[1].client, "POST", "/api/v1/auth/logout", token, NULL);
    g_assert_cmpuint (out->status, ==, 204);
  }
  g_usleep (G_USEC_PER_SEC / 2);
  for (guint i = 0; i < N_SERVERS; i++)
    {
      g_autoptr(PzResponse) me = pz_test_request (servers[i].client, "GET", "/api/v1/me", token, NULL);
      g_assert_cmpuint (me->status, ==, 401);
    }
}

/* Wrong passwords for one user, spread over the three servers, count as
 * one guesser's: after the fifth (the default), the next try waits,
 * whichever server it reaches. */
static void
test_throttle_shared (void)
{
  const char *wrong = "{\"username\":\"tim_teknis\",\"password\":\"salah-sandi\"}";
  guint refused = 0;

  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(PzResponse) r = pz_test_request (servers[i % N_SERVERS].client, "POST", "/api/v1/auth/login", NULL,
                                                 wrong);
      g_assert_cmpuint (r->status, ==, 401);
    }
  for (guint i = 0; i < N_SERVERS; i++)
    {
      g_autoptr(PzResponse) r = pz_test_request (servers[i].client, "POST", "/api/v1/auth/login", NULL, wrong);

      g_test_message ("attempt on server %u: %u", i + 1, r->status);
      if (r->status == 429)
        refused++;
    }
  g_assert_cmpuint (refused, >=, 1);
  {
    /* and a right password, once the wait is over, counts nothing against it */
    g_autoptr(PzResponse) r = NULL;

    g_usleep (2 * G_USEC_PER_SEC + G_USEC_PER_SEC / 2);
    r = pz_test_request (servers[2].client, "POST", "/api/v1/auth/login", NULL,
                         "{\"username\":\"tim_teknis\",\"password\":\"demo\"}");
    g_assert_cmpuint (r->status, ==, 200);
  }
}

/* One file through all eleven steps to issued, each step on the next server; a
 * desktop on the third server hears of every change within a second. */
static void
test_journey_across_servers (void)
{
  PzTestServer *watcher = servers[2].client;
  g_autoptr(PzTestEvents) events = pz_test_events_open (watcher, pz_test_login (watcher, "kadis"));
  gint64 id = register_file (servers[0].client, "SIP-DOKTER");
  guint changes = 0;

  for (guint turn = 1; turn < 40; turn++)
    {
      PzTestServer *ts = servers[turn % N_SERVERS].client;
      g_autoptr(JsonObject) app = pz_test_get_application (ts, pz_test_login (ts, "front_office"), id);
      const char *step = json_object_get_string_member (app, "step");
      gint64 before = json_object_get_int_member (app, "version");
      guint seen, heard;

      if (g_str_equal (step, "issued"))
        break;
      heard = pz_test_events_wait_count (events, 0, 0);
      g_test_message ("turn %u: %s on server %u", turn, step, turn % N_SERVERS + 1);
      pz_test_advance (ts, id);
      {
        g_autoptr(JsonObject) after = pz_test_get_application (watcher, pz_test_login (watcher, "front_office"), id);
        g_assert_cmpint (json_object_get_int_member (after, "version"), >, before);
      }
      changes++;
      /* the announcement of this step's action, within a second, whichever
       * server took it */
      seen = pz_test_events_wait_count (events, heard + 1, 1000);
      g_assert_cmpuint (seen, >, heard);
    }
  {
    g_autoptr(JsonObject) app = pz_test_get_application (watcher, pz_test_login (watcher, "front_office"), id);
    g_autofree char *needle = g_strdup_printf ("\"id\":%" G_GINT64_FORMAT, id);
    guint about = 0;

    g_assert_cmpstr (json_object_get_string_member (app, "step"), ==, "issued");
    g_assert_nonnull (json_object_get_string_member (app, "permit_number"));
    /* every change of the file was announced on the watcher's server */
    for (guint i = 0; pz_test_events_nth (events, i); i++)
      if (strstr (pz_test_events_nth (events, i), needle) &&
          strstr (pz_test_events_nth (events, i), "application.changed"))
        about++;
    g_test_message ("%u changes, %u announced on the third server", changes, about);
    g_assert_cmpuint (about, >=, changes);
  }
}

typedef struct {
  PzTestServer *client;
  gint64        ids[4];
  guint         n;
} NumberingJob;

static gpointer
number_thread (gpointer data)
{
  NumberingJob *job = data;

  for (guint i = 0; i < job->n; i++)
    pz_test_advance (job->client, job->ids[i]);
  return NULL;
}

/* Files at the numbering step on all three servers are numbered at once:
 * the permit numbers of the year run on without a gap or a repeat. */
static void
test_numbering_at_once (void)
{
  NumberingJob jobs[N_SERVERS] = { 0 };
  GThread *threads[N_SERVERS];
  gint64 before = sql_int ("SELECT count(*) FROM applications WHERE permit_number IS NOT NULL");

  for (guint s = 0; s < N_SERVERS; s++)
    {
      jobs[s].client = pz_test_server_attach (servers[s].port);
      jobs[s].n = 3;
      for (guint i = 0; i < jobs[s].n; i++)
        {
          jobs[s].ids[i] = register_file (jobs[s].client, "SIP-DOKTER");
          pz_test_drive_to (jobs[s].client, jobs[s].ids[i], "numbering");
        }
    }
  for (guint s = 0; s < N_SERVERS; s++)
    threads[s] = g_thread_new ("numbering", number_thread, &jobs[s]);
  for (guint s = 0; s < N_SERVERS; s++)
    g_thread_join (threads[s]);

  {
    gint64 numbered = sql_int ("SELECT count(*) FROM applications WHERE permit_number IS NOT NULL");
    gint64 distinct = sql_int ("SELECT count(DISTINCT permit_number) FROM applications "
                               "WHERE permit_number IS NOT NULL");
    gint64 issued = sql_int ("SELECT count(*) FROM applications WHERE permit_number IS NOT NULL"
                             "  AND permit_type = 'SIP-DOKTER'");
    /* every number the counter gave is on a permit: none was lost to a
     * rolled-back action, none given twice */
    gint64 given = sql_int ("SELECT coalesce (sum (value), 0) FROM counters WHERE name LIKE 'permit:SIP-DOKTER:%'");

    g_assert_cmpint (numbered - before, ==, N_SERVERS * 3);
    g_assert_cmpint (distinct, ==, numbered);
    g_test_message ("SIP-DOKTER: %" G_GINT64_FORMAT " numbers given, %" G_GINT64_FORMAT " permits", given, issued);
    g_assert_cmpint (given, ==, issued);
  }
  for (guint s = 0; s < N_SERVERS; s++)
    pz_test_server_free (jobs[s].client);
}

/* A session of office "kab-lain" on server @i. */
static char *
other_office_login (guint       i,
                    const char *password)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"admin@kab-lain\",\"password\":\"%s\"}", password);
  g_autoptr(PzResponse) r = pz_test_request (servers[i].client, "POST", "/api/v1/auth/login", NULL, body);

  g_assert_cmpuint (r->status, ==, 200);
  return g_strdup (json_object_get_string_member (pz_response_object (r), "token"));
}

static gboolean
lists_type (guint       i,
            const char *token,
            const char *name)
{
  g_autoptr(PzResponse) r = pz_test_request (servers[i].client, "GET", "/api/v1/permit-types", token, NULL);
  JsonArray *types;

  g_assert_cmpuint (r->status, ==, 200);
  types = json_node_get_array (r->json);
  return json_array_get_length (types) == 1 &&
         g_strcmp0 (json_object_get_string_member (json_array_get_object_element (types, 0), "name"), name) == 0;
}

/* An office added while the servers run is served by all three, and what
 * its administrator defines on one server (a permit type, the office
 * hours) is in force on the others within a second, though they had
 * already read the office before. */
static void
test_office_everywhere (void)
{
  const char *argv[] = { g_getenv ("PERIZINAN_SERVER"), "office", "add", "kab-lain", "Kabupaten Lain",
                         "--config", config_path, NULL };
  g_autofree char *out = pz_test_run (argv);
  g_autoptr(GRegex) re = g_regex_new ("admin@kab-lain .* ([0-9a-f]{24})\\s*$", 0, 0, NULL);
  g_autoptr(GMatchInfo) m = NULL;
  g_autofree char *one_time = NULL;
  g_autofree char *token = NULL;
  const char *name = "Persetujuan Bangunan Gedung Kabupaten Lain";
  gboolean seen = FALSE;

  g_assert_true (g_regex_match (re, out, 0, &m));
  one_time = g_match_info_fetch (m, 1);
  {
    g_autofree char *first = other_office_login (0, one_time);
    g_autofree char *change = g_strdup_printf ("{\"old_password\":\"%s\",\"new_password\":\"Sandi-Lain-2026\"}",
                                               one_time);
    g_autoptr(PzResponse) c = pz_test_request (servers[1].client, "POST", "/api/v1/auth/password", first, change);

    g_assert_cmpuint (c->status, <, 300);
  }
  token = other_office_login (2, "Sandi-Lain-2026");
  /* every server reads the new office: no permit types yet */
  for (guint i = 0; i < N_SERVERS; i++)
    g_assert_false (lists_type (i, token, name));

  {
    g_autofree char *body = g_strdup_printf ("{\"name\":\"%s\",\"workflow\":\"standard\",\"request_types\":[\"new\"],"
                                             "\"requirements\":[{\"code\":\"ktp\",\"title\":\"KTP pemohon\","
                                             "\"mandatory\":true}],\"fields\":[],\"survey\":false,"
                                             "\"signing\":\"electronic\",\"number_format\":\"PBG/{seq:04}/{year}\","
                                             "\"validity_months\":0,\"service_days\":10}", name);
    g_autoptr(PzResponse) put = pz_test_request (servers[0].client, "PUT", "/api/v1/admin/permit-types/PBG", token,
                                                 body);
    g_autoptr(PzResponse) hours = pz_test_request (servers[1].client, "PATCH", "/api/v1/admin/office", token,
                                                   "{\"opens\":\"08:00\",\"closes\":\"15:30\"}");

    g_assert_cmpuint (put->status, ==, 201);
    g_assert_cmpuint (hours->status, ==, 200);
  }
  for (guint tries = 0; tries < 10 && !seen; tries++)
    {
      g_usleep (G_USEC_PER_SEC / 10);
      seen = TRUE;
      for (guint i = 0; i < N_SERVERS; i++)
        {
          g_autoptr(PzResponse) office = pz_test_request (servers[i].client, "GET", "/api/v1/admin/office", token,
                                                          NULL);

          seen = seen && lists_type (i, token, name) &&
                 g_strcmp0 (json_object_get_string_member (pz_response_object (office), "opens"), "08:00") == 0;
        }
    }
  g_assert_true (seen);
  /* and the demo office's own is untouched */
  g_assert_cmpint (sql_int ("SELECT count(*) FROM permit_types WHERE office_id = 1"), ==, 4);
  g_assert_cmpint (sql_int ("SELECT count(*) FROM permit_types WHERE code = 'PBG'"), ==, 2);
}

/* The database drops every connection of the servers (a restart, a
 * failover): each server connects again by itself, answers its health
 * check, takes actions, and its desktops hear the others' changes again. */
static void
test_database_dropped (void)
{
  PzTestServer *watcher = servers[2].client;
  g_autoptr(PzTestEvents) events = pz_test_events_open (watcher, pz_test_login (watcher, "kasi"));
  gint64 dropped = sql_int ("SELECT count (pg_terminate_backend (pid)) FROM pg_stat_activity"
                            " WHERE datname = current_database () AND pid <> pg_backend_pid ()"
                            "   AND application_name = 'perizinan-server'");
  gint64 id;
  guint heard;

  g_test_message ("%" G_GINT64_FORMAT " connections of the servers dropped", dropped);
  g_assert_cmpint (dropped, >=, N_SERVERS * 3);
  for (guint i = 0; i < N_SERVERS; i++)
    wait_healthy (servers[i].port);
  /* the bus of each server is made again within its two seconds */
  g_usleep (3 * G_USEC_PER_SEC);
  heard = pz_test_events_wait_count (events, 0, 0);
  id = register_file (servers[0].client, "REKLAME");
  for (guint i = 0; i < N_SERVERS; i++)
    {
      g_autoptr(JsonObject) app = pz_test_get_application (servers[i].client,
                                                           pz_test_login (servers[i].client, "front_office"), id);
      g_assert_cmpstr (json_object_get_string_member (app, "step"), ==, "registration");
    }
  g_assert_cmpuint (pz_test_events_wait_count (events, heard + 1, 1000), >, heard);
}

typedef struct {
  gint    stop;
  GMutex  lock;
  GArray *acknowledged;   /* gint64 ids answered 201 */
  guint   refused;
} Load;

static gpointer
load_thread (gpointer data)
{
  Load *load = data;
  PzTestServer *via = pz_test_server_attach_https (proxy_port, proxy_ca);
  const char *body = "{\"permit_type\":\"PBG\",\"request_type\":\"new\","
                     "\"applicant\":{\"name\":\"Sri Wahyuni\",\"nik\":\"3201014506900002\","
                     "\"address\":\"Jl. Melati No. 2, Sukamaju\",\"phone\":\"081234500123\"}}";
  const char *token = pz_test_login (via, "front_office");

  while (!g_atomic_int_get (&load->stop))
    {
      g_autoptr(PzResponse) r = pz_test_request (via, "POST", "/api/v1/applications", token, body);

      g_mutex_lock (&load->lock);
      if (r->status == 201)
        {
          gint64 id = json_object_get_int_member (pz_response_object (r), "id");
          g_array_append_val (load->acknowledged, id);
        }
      else
        load->refused++;
      g_mutex_unlock (&load->lock);
    }
  pz_test_server_free (via);
  return NULL;
}

/* Registrations pour in through the proxy; one server is killed (no
 * shutdown, as a power cut or the OOM killer would) and started again.
 * Every registration that was answered 201 is in the database, the
 * registration numbers run on without a gap, and the proxy kept serving. */
static void
test_kill_under_load (void)
{
  Load load = { 0 };
  GThread *threads[4];
  gint64 before = sql_int ("SELECT count(*) FROM applications");

  g_mutex_init (&load.lock);
  load.acknowledged = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("load", load_thread, &load);

  g_usleep (G_USEC_PER_SEC * 3 / 2);
  g_subprocess_send_signal (servers[1].process, SIGKILL);
  g_assert_true (g_subprocess_wait (servers[1].process, NULL, NULL));
  g_clear_object (&servers[1].process);
  g_usleep (G_USEC_PER_SEC);
  servers[1].process = spawn_server (servers[1].port);
  wait_healthy (servers[1].port);
  g_usleep (G_USEC_PER_SEC * 3 / 2);
  g_atomic_int_set (&load.stop, 1);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);

  g_test_message ("%u registrations acknowledged, %u refused while a server was down", load.acknowledged->len,
                  load.refused);
  g_assert_cmpuint (load.acknowledged->len, >, 10);
  for (guint i = 0; i < load.acknowledged->len; i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM applications WHERE id = %" G_GINT64_FORMAT,
                                              g_array_index (load.acknowledged, gint64, i));
      g_assert_cmpint (sql_int (sql), ==, 1);
    }
  {
    gint64 after = sql_int ("SELECT count(*) FROM applications");
    /* REG-2026-000123: the year's sequence is its last part */
    gint64 files = sql_int ("SELECT count(*) FROM applications");
    gint64 given = sql_int ("SELECT coalesce (sum (value), 0) FROM counters WHERE name LIKE 'registration:%'");
    g_autoptr(GPtrArray) seq = pz_test_sql_row (database, "SELECT min (n), max (n), count (*) FROM ("
                                                "  SELECT split_part (registration_number, '-', 3)::int AS n,"
                                                "         split_part (registration_number, '-', 2) AS y"
                                                "  FROM applications) AS numbers"
                                                " GROUP BY y ORDER BY y DESC LIMIT 1");

    g_assert_cmpint (after - before, >=, load.acknowledged->len);
    g_test_message ("this year's registrations %s to %s, %s of them; %" G_GINT64_FORMAT " numbers given for %"
                    G_GINT64_FORMAT " files", (char *) seq->pdata[0], (char *) seq->pdata[1],
                    (char *) seq->pdata[2], given, files);
    g_assert_cmpint (given, ==, files);
    g_assert_cmpint (g_ascii_strtoll (seq->pdata[1], NULL, 10) - g_ascii_strtoll (seq->pdata[0], NULL, 10) + 1, ==,
                     g_ascii_strtoll (seq->pdata[2], NULL, 10));
  }
  g_array_unref (load.acknowledged);
  g_mutex_clear (&load.lock);
}

static void
stop_cluster (void)
{
  if (proxy)
    {
      g_subprocess_send_signal (proxy, SIGTERM);
      g_subprocess_wait (proxy, NULL, NULL);
      g_clear_object (&proxy);
    }
  for (guint i = 0; i < N_SERVERS; i++)
    {
      g_clear_pointer (&servers[i].client, pz_test_server_free);
      if (servers[i].process)
        {
          g_subprocess_send_signal (servers[i].process, SIGTERM);
          g_subprocess_wait (servers[i].process, NULL, NULL);
          g_clear_object (&servers[i].process);
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *haproxy = g_find_program_in_path ("haproxy");
  int status;

  g_test_init (&argc, &argv, NULL);
  if (haproxy == NULL)
    {
      g_test_skip ("haproxy is not installed (tools/install-deps.sh installs it)");
      return 77;
    }
  {
    g_autoptr(GError) error = NULL;

    workdir = g_dir_make_tmp ("pz-cluster-XXXXXX", &error);
    g_assert_no_error (error);
  }
  g_setenv ("PZ_TEST_POSTGRESQL", "1", TRUE);
  start_cluster ();
  g_test_add_func ("/cluster/demo-once", test_demo_once);
  g_test_add_func ("/cluster/sessions-shared", test_sessions_shared);
  g_test_add_func ("/cluster/throttle-shared", test_throttle_shared);
  g_test_add_func ("/cluster/journey-across-servers", test_journey_across_servers);
  g_test_add_func ("/cluster/numbering-at-once", test_numbering_at_once);
  g_test_add_func ("/cluster/office-everywhere", test_office_everywhere);
  g_test_add_func ("/cluster/database-dropped", test_database_dropped);
  g_test_add_func ("/cluster/kill-under-load", test_kill_under_load);
  status = g_test_run ();
  stop_cluster ();
  {
    g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", workdir);
    if (system (rm) != 0)
      g_printerr ("could not remove %s\n", workdir);
  }
  return status;
}
