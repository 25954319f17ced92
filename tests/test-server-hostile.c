/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One hostile client against the HTTP layer, over raw sockets: what an
 * HTTP client library would refuse to send or would hide. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "pz-test-server.h"

/* Log lines the server wrote, as a log collector would receive them. */
static GMutex log_lock;
static GString *log_text;

static GLogWriterOutput
capture_writer (GLogLevelFlags   level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         data)
{
  g_mutex_lock (&log_lock);
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE"))
      {
        if (fields[i].length < 0)
          g_string_append (log_text, fields[i].value);
        else
          g_string_append_len (log_text, fields[i].value, fields[i].length);
        g_string_append_c (log_text, '\n');
      }
  g_mutex_unlock (&log_lock);
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
    return g_log_writer_default (level, fields, n_fields, data);
  return G_LOG_WRITER_HANDLED;
}

static char *
log_snapshot (void)
{
  char *copy;

  g_mutex_lock (&log_lock);
  copy = g_strdup (log_text->str);
  g_mutex_unlock (&log_lock);
  return copy;
}

/* Raw sockets */

static int
connect_to (guint port)
{
  struct sockaddr_in addr = { 0 };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  g_assert_cmpint (fd, >=, 0);
  addr.sin_family = AF_INET;
  addr.sin_port = htons ((guint16) port);
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (connect (fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  return fd;
}

static void
send_all (int         fd,
          const char *data,
          gsize       size)
{
  while (size > 0)
    {
      gssize n = send (fd, data, size, MSG_NOSIGNAL);

      g_assert_cmpint (n, >, 0);
      data += n;
      size -= (gsize) n;
    }
}

/* Reads until the peer closes or @seconds pass; NULL if nothing came. */
static char *
read_answer (int    fd,
             double seconds)
{
  GString *text = g_string_new (NULL);
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  for (;;)
    {
      struct pollfd p = { fd, POLLIN, 0 };
      gint64 left = (end - g_get_monotonic_time ()) / 1000;
      char buf[4096];
      gssize n;

      if (left <= 0 || poll (&p, 1, (int) left) <= 0)
        break;
      n = recv (fd, buf, sizeof buf, 0);
      if (n <= 0)
        break;
      g_string_append_len (text, buf, n);
      /* a whole answer with its body is enough */
      {
        const char *head_end = strstr (text->str, "\r\n\r\n");
        const char *cl = g_strstr_len (text->str, head_end ? head_end - text->str : 0, "Content-Length: ");

        if (head_end && cl && text->len >= (gsize) (head_end + 4 - text->str) + g_ascii_strtoull (cl + 16, NULL, 10))
          break;
      }
    }
  if (text->len == 0)
    {
      g_string_free (text, TRUE);
      return NULL;
    }
  return g_string_free (text, FALSE);
}

static guint
status_of (const char *answer)
{
  if (answer == NULL || !g_str_has_prefix (answer, "HTTP/1.1 "))
    return 0;
  return (guint) g_ascii_strtoull (answer + 9, NULL, 10);
}

static const char *
body_of (const char *answer)
{
  const char *end = answer ? strstr (answer, "\r\n\r\n") : NULL;
  return end ? end + 4 : "";
}

/* One request on its own connection; the whole answer, or NULL. */
static char *
raw_request (guint       port,
             const char *request,
             gsize       size)
{
  int fd = connect_to (port);
  char *answer;

  send_all (fd, request, size);
  answer = read_answer (fd, 20);
  close (fd);
  return answer;
}

static char *
json_post_with (guint       port,
                const char *path,
                const char *token,
                const char *extra,
                const char *body,
                gsize       size)
{
  g_autofree char *auth = token ? g_strdup_printf ("Authorization: Bearer %s\r\n", token) : g_strdup ("");
  g_autofree char *head = g_strdup_printf ("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%s%s"
                                           "Content-Type: application/json\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n"
                                           "Connection: close\r\n\r\n", path, auth, extra, size);
  GString *request = g_string_new (head);

  g_string_append_len (request, body, (gssize) size);
  {
    char *answer = raw_request (port, request->str, request->len);
    g_string_free (request, TRUE);
    return answer;
  }
}

static char *
json_post (guint       port,
           const char *path,
           const char *token,
           const char *body,
           gsize       size)
{
  return json_post_with (port, path, token, "", body, size);
}

static void
assert_error_body (const char *answer,
                   const char *code)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *err;

  g_assert_true (json_parser_load_from_data (parser, body_of (answer), -1, &error));
  g_assert_no_error (error);
  err = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "error");
  g_assert_nonnull (err);
  g_assert_cmpstr (json_object_get_string_member (err, "code"), ==, code);
  g_assert_cmpstr (json_object_get_string_member (err, "message"), !=, "");
}

static void
assert_alive (guint port)
{
  static const char healthz[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  g_autofree char *answer = raw_request (port, healthz, strlen (healthz));

  g_assert_cmpuint (status_of (answer), ==, 200);
}

/* A real server process, for what must be measured or limited on its own:
 * its memory, its file descriptors. */
typedef struct {
  GSubprocess *process;
  char        *dir;
  guint        port;
} Child;

static Child *
child_start (const char *config_text)
{
  Child *c = g_new0 (Child, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *data = NULL;
  g_autofree char *line = NULL;
  const char *server = g_getenv ("PERIZINAN_SERVER");
  const char *asan = g_getenv ("ASAN_OPTIONS");
  g_autofree char *asan_options = NULL;
  const char *colon;

  g_assert_nonnull (server);
  c->dir = g_dir_make_tmp ("perizinan-hostile-XXXXXX", &error);
  g_assert_no_error (error);
  conf = g_build_filename (c->dir, "server.conf", NULL);
  data = g_build_filename (c->dir, "data", NULL);
  g_assert_true (g_file_set_contents (conf, config_text, -1, NULL));
  /* What AddressSanitizer keeps of freed blocks (256 MiB by default) is
   * not the server's: measure the server. */
  asan_options = g_strdup_printf ("%s%squarantine_size_mb=1", asan ? asan : "", asan && *asan ? ":" : "");
  g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", asan_options, TRUE);
  c->process = g_subprocess_launcher_spawn (launcher, &error, server, "--data-dir", data, "--port", "0",
                                            "--config", conf, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (c->process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  colon = strrchr (line, ':');
  g_assert_nonnull (colon);
  c->port = (guint) g_ascii_strtoull (colon + 1, NULL, 10);
  g_assert_cmpuint (c->port, >, 0);
  return c;
}

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

static void
child_stop (Child *c)
{
  g_subprocess_send_signal (c->process, SIGTERM);
  g_subprocess_wait (c->process, NULL, NULL);
  g_object_unref (c->process);
  remove_tree (c->dir);
  g_free (c->dir);
  g_free (c);
}

static guint64
child_status_kib (Child      *c,
                  const char *field)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status", g_subprocess_get_identifier (c->process));
  g_autofree char *text = NULL;
  const char *at;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  at = strstr (text, field);
  g_assert_nonnull (at);
  return g_ascii_strtoull (at + strlen (field) + 1, NULL, 10);
}

/* 1. Nesting: a body of brackets is refused before a parser walks it. */
static void
test_nested_json (void)
{
  PzTestServer *ts = pz_test_server_start (NULL, TRUE);
  guint port = pz_test_server_get_port (ts);
  const char *kasi = pz_test_login (ts, "kasi");
  const char *admin = pz_test_login (ts, "admin");
  const char *front = pz_test_login (ts, "front_office");
  gsize size = 400 * 1024;
  g_autofree char *deep = g_malloc (size);
  gint64 id = pz_test_register (ts, front, "PBG", "new");
  g_autofree char *actions = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/actions", id);
  struct {
    const char *path;
    const char *token;
    const char *extra;
  } routes[] = {
    { "/api/v1/auth/login", NULL, "" },
    { "/api/v1/auth/password", kasi, "" },
    { "/api/v1/applications", front, "" },
    { actions, front, "Idempotency-Key: deep-1\r\n" },
    { "/api/v1/admin/users", admin, "" },
  };

  memset (deep, '[', size);
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      g_autofree char *answer = json_post_with (port, routes[i].path, routes[i].token, routes[i].extra, deep, size);

      g_test_message ("POST %s with %" G_GSIZE_FORMAT " bytes of '[': %.*s", routes[i].path, size,
                      answer ? (int) (strchr (answer, '\r') - answer) : 4, answer ? answer : "none");
      g_assert_cmpuint (status_of (answer), ==, 400);
      assert_error_body (answer, "bad_request");
      g_assert_nonnull (strstr (body_of (answer), "64"));
      assert_alive (port);
    }

  /* objects count as well, and 64 levels are still fine */
  {
    GString *objects = g_string_new (NULL);
    g_autofree char *answer = NULL;

    for (guint i = 0; i < 65; i++)
      g_string_append (objects, "{\"a\":");
    answer = json_post (port, "/api/v1/auth/login", NULL, objects->str, objects->len);
    g_assert_cmpuint (status_of (answer), ==, 400);
    g_assert_nonnull (strstr (body_of (answer), "64"));
    g_string_free (objects, TRUE);
  }
  {
    GString *ok = g_string_new ("{\"username\":\"nobody\",\"password\":\"x\",\"n\":");
    g_autofree char *answer = NULL;

    for (guint i = 0; i < 63; i++)
      g_string_append_c (ok, '[');
    for (guint i = 0; i < 63; i++)
      g_string_append_c (ok, ']');
    g_string_append_c (ok, '}');
    answer = json_post (port, "/api/v1/auth/login", NULL, ok->str, ok->len);
    /* parsed, and refused for its unknown field, not for its depth */
    g_assert_cmpuint (status_of (answer), ==, 400);
    g_assert_null (strstr (body_of (answer), "64"));
    g_assert_nonnull (strstr (body_of (answer), "“n”"));
    g_string_free (ok, TRUE);
  }
  /* brackets inside strings, with escaped quotes, are only text */
  {
    GString *text = g_string_new ("{\"username\":\"\\\"");
    g_autofree char *answer = NULL;

    for (guint i = 0; i < 150; i++)
      g_string_append (text, "[{\\\"");
    g_string_append (text, "\",\"password\":\"x\"}");
    answer = json_post (port, "/api/v1/auth/login", NULL, text->str, text->len);
    g_assert_cmpuint (status_of (answer), ==, 401);
    g_string_free (text, TRUE);
  }
  pz_test_server_free (ts);
}

/* 2. Bodies: 150 MiB sent to a JSON route and to the upload route, with a
 * Content-Length and chunked. The server answers 413, stops reading,
 * closes, and its memory stays put. */

#define HUGE_BODY ((gsize) 150 * 1024 * 1024)

/* Sends @head and then up to @total bytes of body (chunked when asked),
 * reading all the while; returns the answer. */
static char *
flood (guint       port,
       const char *head,
       gboolean    chunked,
       gsize      *sent)
{
  int fd = connect_to (port);
  static char block[64 * 1024];
  GString *answer = g_string_new (NULL);
  gsize body = 0;
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  g_autofree char *chunk_head = g_strdup_printf ("%zx\r\n", sizeof block);
  gboolean writing = TRUE;

  memset (block, 'x', sizeof block);
  {
    struct timeval tv = { 10, 0 };
    setsockopt (fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  }
  send_all (fd, head, strlen (head));
  while (g_get_monotonic_time () < deadline)
    {
      struct pollfd p = { fd, POLLIN | (writing ? POLLOUT : 0), 0 };
      char buf[4096];

      if (poll (&p, 1, 5000) <= 0)
        break;
      if (p.revents & (POLLIN | POLLHUP | POLLERR))
        {
          gssize n = recv (fd, buf, sizeof buf, MSG_DONTWAIT);

          if (n > 0)
            {
              g_string_append_len (answer, buf, n);
              continue;
            }
          if (n == 0 || (errno != EAGAIN && errno != EINTR))
            break;
        }
      if (writing && (p.revents & POLLOUT))
        {
          gssize n;

          if (body >= HUGE_BODY)
            {
              if (chunked)
                send (fd, "0\r\n\r\n", 5, MSG_NOSIGNAL);
              writing = FALSE;
              continue;
            }
          if (chunked)
            {
              /* a chunk at a time; a short write ends the test's interest */
              send (fd, chunk_head, strlen (chunk_head), MSG_NOSIGNAL);
              n = send (fd, block, sizeof block, MSG_NOSIGNAL);
              send (fd, "\r\n", 2, MSG_NOSIGNAL);
            }
          else
            n = send (fd, block, MIN (sizeof block, HUGE_BODY - body), MSG_NOSIGNAL | MSG_DONTWAIT);
          if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            writing = FALSE;  /* the server closed: read what it said */
          else if (n > 0)
            body += (gsize) n;
        }
    }
  close (fd);
  *sent = body;
  return g_string_free (answer, FALSE);
}

static void
test_huge_bodies (void)
{
  Child *c = child_start ("[limits]\nmax_body_kib=1024\nmax_upload_mib=20\n");
  g_autofree char *cl = g_strdup_printf ("%" G_GSIZE_FORMAT, HUGE_BODY);
  const char *paths[] = { "/api/v1/auth/login", "/api/v1/applications/1/documents/ktp" };
  guint64 rss_before, hwm_before, rss_after, hwm_after;

  assert_alive (c->port);
  /* warm up: what a first request and an answer cost */
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *answer = json_post (c->port, "/api/v1/auth/login", NULL, "{}", 2);
      g_assert_cmpuint (status_of (answer), ==, 400);
    }
  rss_before = child_status_kib (c, "VmRSS:");
  hwm_before = child_status_kib (c, "VmHWM:");

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    for (guint chunked = 0; chunked < 2; chunked++)
      {
        const char *method = i == 0 ? "POST" : "PUT";
        g_autofree char *head = g_strdup_printf ("%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                                 "Content-Type: application/json\r\n%s%s\r\n\r\n",
                                                 method, paths[i],
                                                 chunked ? "Transfer-Encoding: chunked" : "Content-Length: ",
                                                 chunked ? "" : cl);
        gsize sent = 0;
        g_autofree char *answer = flood (c->port, head, chunked, &sent);

        g_test_message ("%s %s, 150 MiB %s: %.*s after %" G_GSIZE_FORMAT " KiB sent; server VmRSS %" G_GUINT64_FORMAT
                        " KiB, VmHWM %" G_GUINT64_FORMAT " KiB",
                        method, paths[i], chunked ? "chunked" : "with Content-Length",
                        *answer ? (int) (strchr (answer, '\r') ? strchr (answer, '\r') - answer : 12) : 4,
                        *answer ? answer : "none", sent / 1024, child_status_kib (c, "VmRSS:"),
                        child_status_kib (c, "VmHWM:"));
        g_assert_cmpuint (status_of (answer), ==, 413);
        assert_error_body (answer, "too_large");
        g_assert_nonnull (strstr (answer, "Connection: close"));
        /* the server stopped reading long before the end */
        g_assert_cmpuint (sent, <, HUGE_BODY / 2);
        assert_alive (c->port);
      }

  rss_after = child_status_kib (c, "VmRSS:");
  hwm_after = child_status_kib (c, "VmHWM:");
  g_test_message ("server memory: VmRSS %" G_GUINT64_FORMAT " -> %" G_GUINT64_FORMAT " KiB, VmHWM %" G_GUINT64_FORMAT
                  " -> %" G_GUINT64_FORMAT " KiB (grew %" G_GINT64_FORMAT " KiB at most)",
                  rss_before, rss_after, hwm_before, hwm_after, (gint64) (hwm_after - hwm_before));
  g_assert_cmpuint (hwm_after, <, hwm_before + 8 * 1024);
  g_assert_cmpuint (rss_after, <, rss_before + 8 * 1024);
  child_stop (c);
}

/* 3. Metrics: 2000 made-up paths, methods and headers add no series. */

static guint
count_series (guint port)
{
  static const char req[] = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  g_autofree char *answer = raw_request (port, req, strlen (req));
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  g_assert_cmpuint (status_of (answer), ==, 200);
  lines = g_strsplit (body_of (answer), "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (*lines[i] && *lines[i] != '#' && g_str_has_prefix (lines[i], "perizinan_http_"))
      {
        n++;
      }
  return n;
}

static void
random_token (GString *out,
              guint    length)
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  for (guint i = 0; i < length; i++)
    g_string_append_c (out, alphabet[g_random_int_range (0, sizeof alphabet - 1)]);
}

static void
strange_request (guint port,
                 guint i)
{
  g_autoptr(GString) req = g_string_new (NULL);
  g_autofree char *answer = NULL;

  if (i % 3 == 0)
    random_token (req, 3 + i % 20);     /* a method no one knows */
  else
    g_string_append (req, i % 3 == 1 ? "GET" : "POST");
  g_string_append (req, " /");
  if (i % 2)
    g_string_append (req, "api/v1/");
  random_token (req, 5 + i % 40);       /* a path no one serves */
  g_string_append (req, "/");
  random_token (req, 4);
  g_string_append (req, " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-");
  random_token (req, 10);                /* a header no one reads */
  g_string_append (req, ": ");
  random_token (req, 10);
  g_string_append (req, "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  answer = raw_request (port, req->str, req->len);
  g_assert_cmpuint (status_of (answer), >=, 400);
}

static void
test_metrics_bounded (void)
{
  PzTestServer *ts = pz_test_server_start (NULL, TRUE);
  guint port = pz_test_server_get_port (ts);
  guint before, after;

  /* every kind once, so that each label it needs exists */
  for (guint i = 0; i < 12; i++)
    strange_request (port, i);
  count_series (port);  /* and /metrics itself */
  before = count_series (port);
  for (guint i = 0; i < 2000; i++)
    strange_request (port, i);
  after = count_series (port);
  g_test_message ("metrics series: %u before 2000 strange requests, %u after", before, after);
  g_assert_cmpuint (after, ==, before);
  pz_test_server_free (ts);
}

/* 4. Connections: idle and trickling ones are closed, one address may
 * not hold them all, and running out of descriptors does not stop the
 * server for good. */

static void
short_idle (PzConfig *config,
            gpointer  data)
{
  config->idle_timeout = 2;
  config->max_connections_per_client = GPOINTER_TO_UINT (data);
}

static gboolean
closed_within (int    fd,
               double seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (g_get_monotonic_time () < end)
    {
      struct pollfd p = { fd, POLLIN, 0 };
      char buf[512];

      if (poll (&p, 1, 100) > 0)
        {
          gssize n = recv (fd, buf, sizeof buf, MSG_DONTWAIT);
          if (n == 0 || (n < 0 && errno != EAGAIN))
            return TRUE;
        }
    }
  return FALSE;
}

static void
test_idle_connections (void)
{
  PzTestServer *ts = pz_test_server_start_configured (NULL, short_idle, GUINT_TO_POINTER (0));
  guint port = pz_test_server_get_port (ts);
  gint64 start;
  int fd;

  /* says nothing */
  fd = connect_to (port);
  start = g_get_monotonic_time ();
  g_assert_true (closed_within (fd, 8));
  g_test_message ("a silent connection was closed after %.1f s",
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
  close (fd);

  /* trickles its headers, a byte a second, never finishing */
  fd = connect_to (port);
  send_all (fd, "GET /healthz HTTP/1.1\r\n", 23);
  start = g_get_monotonic_time ();
  {
    gboolean closed = FALSE;

    for (guint i = 0; i < 10 && !closed; i++)
      {
        if (send (fd, "X", 1, MSG_NOSIGNAL) != 1)
          closed = TRUE;
        else
          closed = closed_within (fd, 1);
      }
    g_assert_true (closed);
  }
  g_test_message ("a connection trickling its headers was closed after %.1f s",
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
  close (fd);

  /* a kept-alive connection idle after its answer */
  fd = connect_to (port);
  send_all (fd, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 42);
  {
    g_autofree char *answer = read_answer (fd, 5);
    g_assert_cmpuint (status_of (answer), ==, 200);
  }
  g_assert_true (closed_within (fd, 8));
  close (fd);
  assert_alive (port);
  pz_test_server_free (ts);
}

static void
test_per_client_cap (void)
{
  PzTestServer *ts = pz_test_server_start_configured (NULL, short_idle, GUINT_TO_POINTER (5));
  guint port = pz_test_server_get_port (ts);
  int fds[5];
  int extra;
  g_autofree char *answer = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    fds[i] = connect_to (port);
  /* the five are taken in before the sixth comes */
  g_usleep (300 * 1000);
  extra = connect_to (port);
  send (extra, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 42, MSG_NOSIGNAL);
  answer = read_answer (extra, 5);
  g_test_message ("a sixth connection from the same address: %.*s",
                  answer ? (int) (strchr (answer, '\r') - answer) : 4, answer ? answer : "none");
  g_assert_cmpuint (status_of (answer), ==, 429);
  assert_error_body (answer, "too_many_connections");
  close (extra);
  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    close (fds[i]);

  /* once they are gone, the address is served again */
  {
    gboolean served = FALSE;

    for (guint tries = 0; tries < 100 && !served; tries++)
      {
        static const char healthz[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
        g_autofree char *again = raw_request (port, healthz, strlen (healthz));

        served = status_of (again) == 200;
        if (!served)
          g_usleep (100 * 1000);
      }
    g_assert_true (served);
  }
  pz_test_server_free (ts);
}

/* Answers GET /healthz on a new connection within @seconds. */
static gboolean
answers_within (guint  port,
                double seconds)
{
  static const char healthz[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  int fd = connect_to (port);
  g_autofree char *answer = NULL;

  send_all (fd, healthz, strlen (healthz));
  answer = read_answer (fd, seconds);
  close (fd);
  return status_of (answer) == 200;
}

static void
test_descriptors_run_out (void)
{
  Child *c = child_start ("[limits]\nconnections_per_client=0\n");
  pid_t pid = (pid_t) g_ascii_strtoll (g_subprocess_get_identifier (c->process), NULL, 10);
  struct rlimit limit = { 96, 96 };
  GArray *fds = g_array_new (FALSE, FALSE, sizeof (int));
  gint64 start;
  gboolean recovered = FALSE;

  assert_alive (c->port);
  g_assert_cmpint (prlimit (pid, RLIMIT_NOFILE, &limit, NULL), ==, 0);
  /* far more connections than it has descriptors left */
  for (guint i = 0; i < 300; i++)
    {
      int fd = connect_to (c->port);
      g_array_append_val (fds, fd);
    }
  g_usleep (G_USEC_PER_SEC);
  g_assert_false (answers_within (c->port, 2));
  for (guint i = 0; i < fds->len; i++)
    close (g_array_index (fds, int, i));
  g_array_free (fds, TRUE);

  /* the descriptors come back; so must the server */
  start = g_get_monotonic_time ();
  while (!recovered && g_get_monotonic_time () - start < 30 * G_USEC_PER_SEC)
    recovered = answers_within (c->port, 2);
  g_test_message ("after running out of descriptors, answering again after %.1f s",
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
  g_assert_true (recovered);
  child_stop (c);
}

static void
test_accept_rate (void)
{
  Child *c;
  struct rlimit own;
  int fds[1000];
  guint answered = 0;
  gint64 start, end;

  /* room for both ends of 1000 connections */
  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &own), ==, 0);
  if (own.rlim_cur < 2100)
    {
      own.rlim_cur = MIN (own.rlim_max, 4096);
      setrlimit (RLIMIT_NOFILE, &own);
    }
  c = child_start ("[limits]\nconnections_per_client=0\n");
  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    fds[i] = connect_to (c->port);
  g_usleep (G_USEC_PER_SEC);
  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    close (fds[i]);

  start = g_get_monotonic_time ();
  end = start + 3 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < end)
    if (answers_within (c->port, 5))
      answered++;
  g_test_message ("after 1000 idle connections closed: %.0f new connections answered per second",
                  answered / ((g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC));
  g_assert_cmpuint (answered, >, 30);
  child_stop (c);
}

/* 5. Metrics: only a local scraper no proxy forwarded, or the token. */

static void
with_token (PzConfig *config,
            gpointer  data)
{
  config->metrics_token = g_strdup ("s3cret-metrics-token");
}

static guint
metrics_status (guint       port,
                const char *extra_headers)
{
  g_autofree char *req = g_strdup_printf ("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n%sConnection: close\r\n\r\n",
                                          extra_headers);
  g_autofree char *answer = raw_request (port, req, strlen (req));
  return status_of (answer);
}

static void
test_metrics_access (void)
{
  PzTestServer *ts = pz_test_server_start_configured (NULL, with_token, NULL);
  guint port = pz_test_server_get_port (ts);
  g_autofree char *admin = g_strdup_printf ("Authorization: Bearer %s\r\nX-Forwarded-For: 203.0.113.9\r\n",
                                            pz_test_login (ts, "admin"));
  const char *proxied[] = {
    "X-Forwarded-For: 203.0.113.9\r\n", "Forwarded: for=203.0.113.9\r\n", "X-Real-IP: 203.0.113.9\r\n",
    "Via: 1.1 proxy\r\n", "X-Forwarded-Host: izin.example.id\r\n", "x-forwarded-proto: https\r\n",
    "True-Client-IP: 203.0.113.9\r\n", "CF-Connecting-IP: 203.0.113.9\r\n", "X-Client-IP: 203.0.113.9\r\n",
  };

  g_assert_cmpuint (metrics_status (port, ""), ==, 200);
  for (guint i = 0; i < G_N_ELEMENTS (proxied); i++)
    {
      g_test_message ("GET /metrics with %.*s", (int) strlen (proxied[i]) - 2, proxied[i]);
      g_assert_cmpuint (metrics_status (port, proxied[i]), ==, 401);
    }
  /* a user's session, even an administrator's, is not the token */
  g_assert_cmpuint (metrics_status (port, admin), ==, 401);
  g_assert_cmpuint (metrics_status (port, "Authorization: Bearer wrong\r\nVia: 1.1 proxy\r\n"), ==, 401);
  g_assert_cmpuint (metrics_status (port, "Authorization: Bearer s3cret-metrics-token\r\nVia: 1.1 proxy\r\n"), ==, 200);
  pz_test_server_free (ts);
}

/* 6. Logs: what a client typed is escaped, and a name no account has is
 * not written down. */
static void
test_logs (void)
{
  PzTestServer *ts = pz_test_server_start (NULL, TRUE);
  guint port = pz_test_server_get_port (ts);
  g_autofree char *log = NULL;

  {
    /* the password typed in the username box, with a forged line */
    const char *body = "{\"username\":\"Hunter2-Secret\\nFAKE Failed login for kadis from 10.0.0.1\",\"password\":\"x\"}";
    g_autofree char *answer = json_post (port, "/api/v1/auth/login", NULL, body, strlen (body));
    g_assert_cmpuint (status_of (answer), ==, 401);
  }
  {
    const char *body = "{\"username\":\"kasi\",\"password\":\"wrong\"}";
    g_autofree char *answer = json_post (port, "/api/v1/auth/login", NULL, body, strlen (body));
    g_assert_cmpuint (status_of (answer), ==, 401);
  }
  {
    /* a method with a terminal escape and a path with control bytes */
    static const char req[] = "GE\x1b[31mT /api/v1/%0aFAKE%1b[0m HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                              "User-Agent: evil\x1b[2J\r\nConnection: close\r\n\r\n";
    g_autofree char *answer = raw_request (port, req, strlen (req));
    g_assert_cmpuint (status_of (answer), >=, 400);
  }
  /* the access records are written once the answer is sent */
  g_usleep (200 * 1000);
  log = log_snapshot ();
  g_test_message ("log:\n%s", log);
  g_assert_null (strstr (log, "unter2"));
  g_assert_null (strstr (log, "FAKE"));
  g_assert_null (strchr (log, '\x1b'));
  g_assert_nonnull (strstr (log, "Failed login for kasi"));
  g_assert_nonnull (strstr (log, "unknown user"));
  /* every record is one line of printable text */
  for (const char *p = log; *p; p++)
    g_assert_true (*p == '\n' || (guchar) * p >= 0x20);
  pz_test_server_free (ts);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  log_text = g_string_new (NULL);
  g_log_set_writer_func (capture_writer, NULL, NULL);
  g_setenv ("G_MESSAGES_DEBUG", "perizinan-access", TRUE);
  g_test_add_func ("/server/hostile/nested-json", test_nested_json);
  g_test_add_func ("/server/hostile/huge-bodies", test_huge_bodies);
  g_test_add_func ("/server/hostile/metrics-bounded", test_metrics_bounded);
  g_test_add_func ("/server/hostile/idle-connections", test_idle_connections);
  g_test_add_func ("/server/hostile/per-client-cap", test_per_client_cap);
  g_test_add_func ("/server/hostile/descriptors-run-out", test_descriptors_run_out);
  g_test_add_func ("/server/hostile/accept-rate", test_accept_rate);
  g_test_add_func ("/server/hostile/metrics-access", test_metrics_access);
  g_test_add_func ("/server/hostile/logs", test_logs);
  ret = g_test_run ();
  g_string_free (log_text, TRUE);
  return ret;
}
