/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Messages to applicants: written with the action, delivered by e-mail to a
 * real SMTP server on loopback (aiosmtpd) and by the gateway command, and
 * never lost or sent twice across a restart. */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "pz-test-server.h"

static char *workdir;
static char *maildir;
static char *gateway_log;
static GSubprocess *smtp_sink;
static guint smtp_port;

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

static void
start_sink (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *listen = NULL;

  smtp_port = free_port ();
  listen = g_strdup_printf ("127.0.0.1:%u", smtp_port);
  smtp_sink = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                                "aiosmtpd", "-n", "-l", listen, "-c", "aiosmtpd.handlers.Mailbox", maildir, NULL);
  g_assert_no_error (error);
  /* wait until it accepts */
  for (guint i = 0; i < 100; i++)
    {
      g_autoptr(GSocketClient) c = g_socket_client_new ();
      g_autoptr(GSocketConnection) conn = g_socket_client_connect_to_host (c, "127.0.0.1", (guint16) smtp_port, NULL, NULL);
      if (conn)
        return;
      g_usleep (100 * 1000);
    }
  g_error ("the SMTP sink did not start");
}

/* How many delivered mails mention @needle. */
static guint
mails_with (const char *needle)
{
  g_autofree char *dir = g_build_filename (maildir, "new", NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *text = NULL;

      if (g_file_get_contents (path, &text, NULL, NULL) && strstr (text, needle))
        n++;
    }
  return n;
}

static guint
gateway_lines_with (const char *needle)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  if (!g_file_get_contents (gateway_log, &text, NULL, NULL))
    return 0;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (strstr (lines[i], needle))
      n++;
  return n;
}

static void
configure_working (PzConfig *config,
                   gpointer  data)
{
  config->smtp_host = g_strdup ("127.0.0.1");
  config->smtp_port = smtp_port;
  config->smtp_starttls = FALSE;
  config->smtp_from = g_strdup ("perizinan@sukamaju.example.id");
  config->notify_command = g_strdup_printf ("cat >> '%s'; echo >> '%s'", gateway_log, gateway_log);
  config->outbox_interval = 1;
}

static void
configure_broken (PzConfig *config,
                  gpointer  data)
{
  config->smtp_host = g_strdup ("127.0.0.1");
  config->smtp_port = free_port ();   /* nobody listens */
  config->smtp_starttls = FALSE;
  config->outbox_interval = 1;
}

/* Each test counts only its own mail: the demo office numbers files the
 * same way in every new data directory. */
static void
clear_mail (void)
{
  g_autofree char *dir = g_build_filename (maildir, "new", NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_unlink (gateway_log);
}

static gboolean
wait_until (guint (    *count ) (const char *),
            const char *needle,
            guint       want)
{
  for (guint i = 0; i < 200; i++)
    {
      if (count (needle) >= want)
        return TRUE;
      g_usleep (50 * 1000);
    }
  return FALSE;
}

static gint64
version_of (PzTestServer *ts,
            gint64        id)
{
  g_autoptr(JsonObject) app = pz_test_get_application (ts, pz_test_login (ts, "kadis"), id);
  return json_object_get_int_member (app, "version");
}

static char *
registration_of (PzTestServer *ts,
                 gint64        id)
{
  g_autoptr(JsonObject) app = pz_test_get_application (ts, pz_test_login (ts, "kadis"), id);
  return g_strdup (json_object_get_string_member (app, "registration_number"));
}

static void
configure_slow_rounds (PzConfig *config,
                       gpointer  data)
{
  configure_working (config, data);
  config->outbox_interval = 3600;
}

/* A message goes out as soon as the action that wrote it is committed,
 * not at the outbox's next round. */
static void
test_sent_at_commit (void)
{
  PzTestServer *ts;
  gint64 id;
  g_autofree char *reg = NULL;

  clear_mail ();
  ts = pz_test_server_start_configured (NULL, configure_slow_rounds, NULL);
  id = pz_test_register (ts, pz_test_login (ts, "front_office"), "SIP-DOKTER", "new");
  reg = registration_of (ts, id);
  /* an action that writes no message, then one that does */
  g_assert_cmpuint (gateway_lines_with (reg), ==, 0);
  pz_test_advance (ts, id);   /* registration complete: "registered" */
  g_assert_true (wait_until (gateway_lines_with, reg, 1));
  g_assert_true (wait_until (mails_with, reg, 1));
  pz_test_server_free (ts);
}

/* Registered, returned with what is missing, ready, refused: each by
 * e-mail and by the gateway. */
static void
test_messages (void)
{
  PzTestServer *ts;
  gint64 id;
  g_autofree char *reg = NULL;
  g_autoptr(PzResponse) back = NULL;
  g_autofree char *vpath = NULL;

  clear_mail ();
  ts = pz_test_server_start_configured (NULL, configure_working, NULL);
  id = pz_test_register (ts, pz_test_login (ts, "front_office"), "SIP-DOKTER", "new");
  reg = registration_of (ts, id);
  vpath = g_strdup_printf ("/api/v1/applications/%" G_GINT64_FORMAT "/checklist/ktp", id);

  pz_test_advance (ts, id);   /* registration complete */
  g_assert_true (wait_until (mails_with, reg, 1));
  g_assert_true (wait_until (gateway_lines_with, reg, 1));
  g_assert_cmpuint (gateway_lines_with ("\"kind\":\"registered\""), >=, 1);

  /* returned: the applicant is told which document and why */
  pz_test_complete_documents (ts, pz_test_login (ts, "front_office"), id);
  {
    g_autoptr(PzResponse) v = pz_test_request (ts, "PUT", vpath, pz_test_login (ts, "front_office"),
                                               "{\"verdict\":\"not_ok\",\"note\":\"Foto KTP terpotong\"}");
    g_assert_cmpuint (v->status, ==, 200);
  }
  back = pz_test_act (ts, pz_test_login (ts, "front_office"), id, "return", version_of (ts, id),
                      "Mohon bawa KTP asli", NULL);
  g_assert_cmpuint (back->status, ==, 200);
  g_assert_true (wait_until (mails_with, "Foto KTP terpotong", 1));

  /* the rest of the way to pick-up */
  pz_test_drive_to (ts, id, "handover");
  g_assert_true (wait_until (gateway_lines_with, "\"kind\":\"ready\"", 1));
  g_assert_true (wait_until (mails_with, reg, 3));
  g_usleep (1500 * 1000);
  /* registered, returned, ready: three mails, each once */
  g_assert_cmpuint (mails_with (reg), ==, 3);
  pz_test_server_free (ts);
}

/* The mail server is down; the server is stopped with the message queued;
 * it comes back with a working mail server and sends it exactly once. */
static void
test_restart_sends_once (void)
{
  PzTestServer *broken;
  PzTestServer *fixed;
  gint64 id;
  g_autofree char *reg = NULL;
  g_autofree char *dir = NULL;

  clear_mail ();
  broken = pz_test_server_start_configured (NULL, configure_broken, NULL);
  id = pz_test_register (broken, pz_test_login (broken, "front_office"), "PBG", "new");
  reg = registration_of (broken, id);
  dir = g_strdup (pz_test_server_get_dir (broken));

  pz_test_advance (broken, id);
  g_usleep (1500 * 1000);           /* it tried and failed */
  g_assert_cmpuint (mails_with (reg), ==, 0);
  pz_test_server_stop (broken);     /* the queue stays in the database */

  fixed = pz_test_server_start_configured (dir, configure_working, NULL);
  g_assert_true (wait_until (mails_with, reg, 1));
  g_usleep (2500 * 1000);           /* more rounds: nothing is sent again */
  g_assert_cmpuint (mails_with (reg), ==, 1);
  pz_test_server_free (fixed);
  pz_test_server_free (broken);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *sink = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  if (!(sink = g_find_program_in_path ("aiosmtpd")))
    {
      g_test_skip ("aiosmtpd (python3-aiosmtpd) is not installed");
      return 77;
    }
  workdir = g_dir_make_tmp ("perizinan-notify-XXXXXX", NULL);
  maildir = g_build_filename (workdir, "maildir", NULL);
  gateway_log = g_build_filename (workdir, "gateway.log", NULL);
  start_sink ();
  g_test_add_func ("/server/notify/messages", test_messages);
  g_test_add_func ("/server/notify/restart-sends-once", test_restart_sends_once);
  g_test_add_func ("/server/notify/sent-at-commit", test_sent_at_commit);
  ret = g_test_run ();
  g_subprocess_force_exit (smtp_sink);
  g_subprocess_wait (smtp_sink, NULL, NULL);
  g_clear_object (&smtp_sink);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", workdir);
    if (system (cmd) != 0)
      g_printerr ("could not remove %s\n", workdir);
  }
  return ret;
}
