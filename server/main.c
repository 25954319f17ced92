/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "perizinan-server"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <locale.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "pz-auth.h"
#include "pz-backup.h"
#include "pz-server.h"
#include "pz-config.h"
#include "pz-migrate.h"
#include "pz-store.h"
#include "pz-verify.h"


static gboolean
quit_on_signal (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

/* Parses a subcommand's options; the positional arguments must number
 * @n_args exactly. */
static gboolean
parse_subcommand (const char   *parameters,
                  const char   *summary,
                  GOptionEntry *entries,
                  int          *argc,
                  char       ***argv,
                  int           n_args)
{
  g_autoptr(GOptionContext) context = g_option_context_new (parameters);
  g_autoptr(GError) error = NULL;

  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return FALSE;
    }
  if (*argc != n_args + 1)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);
      g_printerr ("%s", help);
      return FALSE;
    }
  return TRUE;
}

static int
run_backup (int    argc,
            char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autoptr(GError) error = NULL;
  PzBackupStats stats = { 0 };
  GOptionEntry entries[] = {
    { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir,
      N_("The server's data directory"), N_("DIR") },
    { NULL }
  };

  if (!parse_subcommand (_("DEST"),
                         _("Copy the database and the stored files to DEST, a new directory, "
                           "while the server keeps running."),
                         entries, &argc, &argv, 1))
    return 2;
  if (data_dir == NULL)
    {
      g_printerr (_("Say which data directory to copy: --data-dir DIR\n"));
      return 2;
    }
  if (!pz_backup_create (data_dir, argv[1], &stats, &error))
    {
      g_printerr (_("Backup failed: %s\n"), error->message);
      return 1;
    }
  g_print (_("Backup complete in %s: %lld files, %lld stored documents (%.1f MiB)\n"),
           argv[1], (long long) stats.applications, (long long) stats.blobs,
           stats.bytes / 1048576.0);
  return 0;
}

static char *
utc_text (gint64   t,
          gpointer data)
{
  g_autoptr(GDateTime) d = g_date_time_new_from_unix_utc (t);

  return d ? g_date_time_format (d, "%Y-%m-%d %H:%M:%S UTC") : g_strdup ("?");
}

static const char *
translated (const char *msgid,
            gpointer    data)
{
  return _(msgid);
}

/* What each signature of a PDF says and whether it checks: for anyone
 * who holds a permit. 0: every signature checks; 1: one does not, or
 * there is none; 2: the file cannot be read or is no PDF. */
static int
run_verify (int    argc,
            char **argv)
{
  GOptionEntry entries[] = { { NULL } };
  const PzVerifyWords words = { translated, utc_text, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autofree char *contents = NULL;
  gsize len;
  gboolean all = TRUE;

  if (!parse_subcommand (_("FILE.pdf"),
                         _("Check the electronic signatures of a PDF: who signed, under which certificate "
                           "authority, when, whether the bytes are unchanged and whether the certificate "
                           "was valid then. Exits with 0 only when every signature checks."),
                         entries, &argc, &argv, 1))
    return 2;
  if (!g_file_get_contents (argv[1], &contents, &len, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  pdf = g_bytes_new_take (g_steal_pointer (&contents), len);
  checks = pz_verify_pdf (pdf, &error);
  if (checks == NULL)
    {
      g_printerr (_("%s: %s\n"), argv[1], error->message);
      return 2;
    }
  if (checks->len == 0)
    {
      g_print (_("%s: this PDF has no electronic signature\n"), argv[1]);
      return 1;
    }
  for (guint i = 0; i < checks->len; i++)
    {
      PzSignatureCheck *c = g_ptr_array_index (checks, i);
      gboolean last = i + 1 == checks->len;
      g_autoptr(GPtrArray) lines = pz_signature_report (c, last, &words);
      int width = 0;

      g_print (_("Signature %u of %u\n"), i + 1, checks->len);
      /* the values in one column, after the longest label */
      for (guint j = 0; j < lines->len; j++)
        width = MAX (width, (int) g_utf8_strlen (((PzVerifyLine *) g_ptr_array_index (lines, j))->label, -1));
      for (guint j = 0; j < lines->len; j++)
        {
          PzVerifyLine *line = g_ptr_array_index (lines, j);
          int pad = width + 1 - (int) g_utf8_strlen (line->label, -1);

          g_print ("  %s:%*s%s\n", line->label, pad, "", line->value);
        }
      all = all && pz_signature_check_holds (c, last);
    }
  g_print ("%s", all ? _("Every signature checks.\n") : _("NOT every signature checks.\n"));
  return all ? 0 : 1;
}

static int
run_restore (int    argc,
             char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autoptr(GError) error = NULL;
  PzBackupStats stats = { 0 };
  GOptionEntry entries[] = {
    { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir,
      N_("A new (or empty) data directory to restore into"), N_("DIR") },
    { NULL }
  };

  if (!parse_subcommand (_("SRC"),
                         _("Check the backup SRC and restore it into an empty data directory."),
                         entries, &argc, &argv, 1))
    return 2;
  if (data_dir == NULL)
    {
      g_printerr (_("Say where to restore: --data-dir DIR\n"));
      return 2;
    }
  if (!pz_backup_restore (argv[1], data_dir, &stats, &error))
    {
      g_printerr (_("Restore failed: %s\n"), error->message);
      return 1;
    }
  g_print (_("Restored into %s: %lld files, %lld stored documents, all checked\n"),
           data_dir, (long long) stats.applications, (long long) stats.blobs);
  return 0;
}

/* The password comes from the terminal without echo, asked twice; from a
 * pipe it is the first line. */
static char *
read_password (GError **error)
{
  gboolean tty = isatty (STDIN_FILENO);
  struct termios old, quiet;
  char first[512] = { 0 };
  char second[512] = { 0 };

  if (tty)
    {
      tcgetattr (STDIN_FILENO, &old);
      quiet = old;
      quiet.c_lflag &= ~(tcflag_t) ECHO;
      tcsetattr (STDIN_FILENO, TCSANOW, &quiet);
      g_printerr (_("Password: "));
    }
  if (fgets (first, sizeof first, stdin) == NULL)
    first[0] = 0;
  if (tty)
    {
      g_printerr (_("\nPassword again: "));
      if (fgets (second, sizeof second, stdin) == NULL)
        second[0] = 0;
      tcsetattr (STDIN_FILENO, TCSANOW, &old);
      g_printerr ("\n");
    }
  first[strcspn (first, "\r\n")] = 0;
  second[strcspn (second, "\r\n")] = 0;
  if (tty && strcmp (first, second) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("The two passwords differ"));
      return NULL;
    }
  if (g_utf8_strlen (first, -1) < PZ_AUTH_MIN_PASSWORD_LENGTH)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The password must have at least %d characters"), PZ_AUTH_MIN_PASSWORD_LENGTH);
      return NULL;
    }
  return g_strdup (first);
}

static int
run_create_admin (int    argc,
                  char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *full_name = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *password = NULL;
  g_autofree char *hash = NULL;
  g_autoptr(GError) error = NULL;
  const char *roles[] = { "admin", NULL };
  PzStore *store;
  PzUser *existing;
  GOptionEntry entries[] = {
    { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir,
      N_("The server's data directory (created if missing)"), N_("DIR") },
    { "full-name", 0, 0, G_OPTION_ARG_STRING, &full_name,
      N_("The administrator's name as the history shows it"), N_("NAME") },
    { NULL }
  };

  if (!parse_subcommand (_("USERNAME"),
                         _("Create the first administrator account; the password is read "
                           "from the terminal (or the first line of standard input)."),
                         entries, &argc, &argv, 1))
    return 2;
  if (data_dir == NULL)
    {
      g_printerr (_("Say which data directory: --data-dir DIR\n"));
      return 2;
    }
  if (!pz_auth_username_is_valid (argv[1]))
    {
      g_printerr (_("A username is 3 to 32 lower-case letters, digits, dots, dashes or underscores\n"));
      return 2;
    }
  if (!(password = read_password (&error)))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (g_mkdir_with_parents (data_dir, 0700) != 0)
    {
      g_printerr (_("Cannot create the data directory %s\n"), data_dir);
      return 1;
    }
  db_path = g_build_filename (data_dir, "perizinan.db", NULL);
  if (!(store = pz_store_open (db_path, &error)))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if ((existing = pz_store_find_user (store, PZ_STORE_FIRST_OFFICE, argv[1])))
    {
      pz_user_free (existing);
      pz_store_free (store);
      g_printerr (_("There is already a user named %s\n"), argv[1]);
      return 1;
    }
  if (!(hash = pz_auth_hash_password (password, &error)) ||
      pz_store_insert_user (store, PZ_STORE_FIRST_OFFICE, argv[1], full_name ? full_name : argv[1], NULL,
                            roles, hash, &error) <= 0)
    {
      pz_store_free (store);
      g_printerr ("%s\n", error ? error->message : _("Cannot create the user"));
      return 1;
    }
  pz_store_free (store);
  g_print (_("Administrator %s created\n"), argv[1]);
  return 0;
}

/* An office code: what a login names the office by, in lower case */
static gboolean
office_code_is_valid (const char *code)
{
  gsize n = strlen (code);

  if (n < 2 || n > 32)
    return FALSE;
  for (const char *p = code; *p; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '-')
      return FALSE;
  return TRUE;
}

/* Where a command finds the office's database: the SQLite file of
 * --data-dir, or the [store] of --config (its url on PostgreSQL, else its
 * data_dir).  (transfer full): %NULL when neither says, or the SQLite
 * file is missing, with the reason printed. */
static char *
command_database (const char *data_dir,
                  const char *config_file)
{
  g_autoptr(PzConfig) config = pz_config_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  if (config_file && !pz_config_load_file (config, config_file, &error))
    {
      g_printerr (_("Cannot read the configuration %s: %s\n"), config_file, error->message);
      return NULL;
    }
  if (config->store_url)
    return g_strdup (config->store_url);
  if (data_dir == NULL)
    data_dir = config->data_dir;
  if (data_dir == NULL)
    {
      g_printerr (_("Say which data directory: --data-dir DIR\n"));
      return NULL;
    }
  path = g_build_filename (data_dir, "perizinan.db", NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_printerr (_("There is no database in %s\n"), data_dir);
      return NULL;
    }
  return g_steal_pointer (&path);
}

static int
run_office_add (int    argc,
                char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *config_file = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *password = pz_auth_random_hex (12);
  g_autofree char *hash = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PzOffice) existing = NULL;
  const char *roles[] = { "admin", NULL };
  gint64 office_id = 0, user_id = 0;
  PzStore *store;
  GOptionEntry entries[] = {
    { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir,
      N_("The server's data directory"), N_("DIR") },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_file,
      N_("The server's configuration, whose [store] names the database"), N_("FILE") },
    { NULL }
  };

  if (!parse_subcommand (_("CODE NAME"),
                         _("Add an office to the deployment, with its administrator “admin”, "
                           "whose one-time password is printed once."),
                         entries, &argc, &argv, 2))
    return 2;
  if (data_dir == NULL && config_file == NULL)
    {
      g_printerr (_("Say which data directory: --data-dir DIR\n"));
      return 2;
    }
  if (!office_code_is_valid (argv[1]))
    {
      g_printerr (_("An office code is 2 to 32 lower-case letters, digits or dashes\n"));
      return 2;
    }
  if (!pz_valid_text (argv[2], 200) || *g_strstrip (argv[2]) == '\0')
    {
      g_printerr (_("Give the office a name\n"));
      return 2;
    }
  if (!(db_path = command_database (data_dir, config_file)))
    return 1;
  if (!(store = pz_store_open (db_path, &error)))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if ((existing = pz_store_find_office (store, argv[1])))
    {
      pz_store_free (store);
      g_printerr (_("There is already an office with the code %s\n"), argv[1]);
      return 1;
    }
  if (!(hash = pz_auth_hash_password (password, &error)) ||
      !pz_store_begin (store, &error))
    {
      pz_store_free (store);
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (!(office_id = pz_store_insert_office (store, argv[1], argv[2], g_get_real_time () / G_USEC_PER_SEC,
                                            &error)) ||
      !(user_id = pz_store_insert_user (store, office_id, "admin", _("Administrator"), NULL, roles, hash,
                                        &error)) ||
      !pz_store_set_password (store, user_id, hash, TRUE, &error) ||
      !pz_store_set_setting (store, office_id, "office_name", argv[2], &error) ||
      /* a new office starts with the year's national holidays */
      !pz_engine_seed_calendar (store, office_id, &error) ||
      !pz_store_commit (store, &error))
    {
      pz_store_rollback (store);
      pz_store_free (store);
      g_printerr ("%s\n", error ? error->message : _("Cannot create the office"));
      return 1;
    }
  pz_store_free (store);
  /* the only time the password is shown: it is to be changed at the first login */
  g_print (_("Office %s created; its administrator logs in as admin@%s with the one-time password %s\n"),
           argv[1], argv[1], password);
  return 0;
}

/* One end of a move: a data directory, or a configuration file whose
 * [store] and [signing] say where the database, files and key are.  A data
 * directory that does not exist yet is created (for an office leaving a
 * cluster). */
typedef struct
{
  char *location;
  char *data_dir;
  char *signing_key;
} MigrateEnd;

static void
migrate_end_clear (MigrateEnd *end)
{
  g_free (end->location);
  g_free (end->data_dir);
  g_free (end->signing_key);
}

static gboolean
migrate_end_parse (const char *arg,
                   gboolean    create,
                   MigrateEnd *end)
{
  if (g_file_test (arg, G_FILE_TEST_IS_REGULAR))
    {
      g_autoptr(PzConfig) config = pz_config_new ();
      g_autoptr(GError) error = NULL;

      if (!pz_config_load_file (config, arg, &error))
        {
          g_printerr (_("Cannot read the configuration %s: %s\n"), arg, error->message);
          return FALSE;
        }
      if (config->data_dir == NULL)
        {
          g_printerr (_("The configuration %s does not say where the data live (data_dir)\n"), arg);
          return FALSE;
        }
      end->data_dir = g_strdup (config->data_dir);
      end->location = config->store_url ? g_strdup (config->store_url)
                                        : g_build_filename (end->data_dir, "perizinan.db", NULL);
      end->signing_key = config->signing_key ? g_strdup (config->signing_key)
                                             : g_build_filename (end->data_dir, "signing.p12", NULL);
    }
  else
    {
      end->data_dir = g_strdup (arg);
      end->location = g_build_filename (arg, "perizinan.db", NULL);
      end->signing_key = g_build_filename (arg, "signing.p12", NULL);
    }
  if (g_str_has_suffix (end->location, "perizinan.db") && !g_file_test (end->location, G_FILE_TEST_EXISTS))
    {
      if (!create)
        {
          g_printerr (_("There is no database in %s\n"), end->data_dir);
          return FALSE;
        }
    }
  if (create && g_mkdir_with_parents (end->data_dir, 0700) != 0)
    {
      g_printerr (_("Cannot create the data directory %s\n"), end->data_dir);
      return FALSE;
    }
  return TRUE;
}

/* Running servers on the cluster read the offices again. */
static void
announce_office_change (const char *location)
{
  g_autoptr(GError) error = NULL;
  PzStoreBus *bus = pz_store_bus_open (location, &error);

  if (!bus || !pz_store_bus_publish (bus, PZ_STORE_BUS_OFFICE_CHANGED, &error))
    g_printerr (_("The running servers were not told; restart them: %s\n"), error->message);
  if (bus)
    pz_store_bus_free (bus);
}

static int
run_migrate (int    argc,
             char **argv)
{
  g_autofree char *office = NULL;
  g_autofree char *as = NULL;
  g_autoptr(GError) error = NULL;
  MigrateEnd from = { 0 }, to = { 0 };
  PzMigrateStats stats = { 0 };
  int status = 1;
  GOptionEntry entries[] = {
    { "office", 0, 0, G_OPTION_ARG_STRING, &office,
      N_("The office to move, when the source serves several"), N_("CODE") },
    { "as", 0, 0, G_OPTION_ARG_STRING, &as,
      N_("The office's code at the destination, when its own is taken there"), N_("CODE") },
    { NULL }
  };

  if (!parse_subcommand (_("FROM TO"),
                         _("Move an office with its users, files, documents, history and numbers from one "
                           "deployment to another: each of FROM and TO is a data directory or a "
                           "configuration file. Stop the server of FROM first; FROM is left as it was."),
                         entries, &argc, &argv, 2))
    return 2;
  if (as && !office_code_is_valid (as))
    {
      g_printerr (_("An office code is 2 to 32 lower-case letters, digits or dashes\n"));
      return 2;
    }
  if (migrate_end_parse (argv[1], FALSE, &from) && migrate_end_parse (argv[2], TRUE, &to))
    {
      PzMigrateEnd a = { from.location, from.data_dir, from.signing_key };
      PzMigrateEnd b = { to.location, to.data_dir, to.signing_key };

      if (pz_migrate_office (&a, &b, office, as, &stats, &error))
        {
          g_print (_("Office %s moved: %lld users, %lld files, %lld stored documents and outputs\n"),
                   stats.office, (long long) stats.users, (long long) stats.applications,
                   (long long) stats.blobs);
          if (stats.key_note)
            g_print ("%s\n", stats.key_note);
          if (b.location && g_str_has_prefix (b.location, "postgres"))
            announce_office_change (b.location);
          pz_migrate_stats_clear (&stats);
          status = 0;
        }
      else
        g_printerr (_("Nothing was moved: %s\n"), error->message);
    }
  migrate_end_clear (&from);
  migrate_end_clear (&to);
  return status;
}

static int
run_server (int   argc,
            char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PzConfig) config = pz_config_new ();
  g_autoptr(PzServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *address = NULL;
  g_autofree char *config_file = NULL;
  g_autofree char *public_url = NULL;
  gint port = -1;
  gboolean demo = FALSE;
  gboolean version = FALSE;
  GOptionEntry entries[] = {
    { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir,
      N_("Directory for the database and stored files (created if missing)"), N_("DIR") },
    { "port", 'p', 0, G_OPTION_ARG_INT, &port,
      N_("TCP port to listen on (default 8080; 0 picks a free one)"), N_("PORT") },
    { "address", 'a', 0, G_OPTION_ARG_STRING, &address,
      N_("IP address to listen on (default 127.0.0.1; 0.0.0.0 for all)"), N_("ADDRESS") },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_file,
      N_("Configuration file (a key file; options given here win over it)"), N_("FILE") },
    { "public-url", 0, 0, G_OPTION_ARG_STRING, &public_url,
      N_("Address citizens use to reach the public pages, for QR codes"), N_("URL") },
    { "demo", 0, 0, G_OPTION_ARG_NONE, &demo,
      N_("Fill an empty data directory with a demo office (users' password: demo)"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Print the version and exit"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("[backup|restore|create-admin|verify|office add|migrate]"));
  g_option_context_set_summary (context, _("Perizinan server: the permit workflow of a one-stop "
                                           "service office, over HTTP."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (version)
    {
      g_print ("perizinan-server %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (config_file && !pz_config_load_file (config, config_file, &error))
    {
      g_printerr (_("Cannot read the configuration %s: %s\n"), config_file, error->message);
      return 2;
    }
  if (data_dir)
    {
      g_free (config->data_dir);
      config->data_dir = g_steal_pointer (&data_dir);
    }
  if (address)
    {
      g_free (config->address);
      config->address = g_steal_pointer (&address);
    }
  if (public_url)
    {
      g_free (config->public_url);
      config->public_url = g_steal_pointer (&public_url);
    }
  if (port > 65535)
    {
      g_printerr (_("The port must be between 0 and 65535\n"));
      return 2;
    }
  if (port >= 0)
    config->port = (guint) port;
  config->demo = demo;

  if (config->data_dir == NULL)
    {
      g_printerr (_("Say where the data live: --data-dir DIR (or data_dir in the configuration)\n"));
      return 2;
    }

  if (!(server = pz_server_new (config, &error)) || !pz_server_listen (server, &error))
    {
      g_printerr (_("The server cannot start: %s\n"), error->message);
      return 1;
    }
  g_print (_("Perizinan server listening on %s://%s:%u/\n"),
           pz_server_is_https (server) ? "https" : "http", config->address,
           pz_server_get_port (server));

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_on_signal, loop);
  g_unix_signal_add (SIGTERM, quit_on_signal, loop);
  g_main_loop_run (loop);

  pz_server_shutdown (server);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  /* Everything the server writes (database, WAL, stored documents, keys,
   * backups) holds personal data: the owner's alone whatever umask the
   * server was started with. */
  umask (0077);

#ifdef __GLIBC__
  /* One malloc arena for every thread: what the report's and the commit's
   * threads free is used again by the main loop, instead of each thread
   * keeping a heap of its own (about 20 MiB each at 100 000 files). */
  mallopt (M_ARENA_MAX, 1);
#endif

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc > 1 && strcmp (argv[1], "backup") == 0)
    return run_backup (argc - 1, argv + 1);
  if (argc > 1 && strcmp (argv[1], "restore") == 0)
    return run_restore (argc - 1, argv + 1);
  if (argc > 1 && strcmp (argv[1], "verify") == 0)
    return run_verify (argc - 1, argv + 1);
  if (argc > 1 && strcmp (argv[1], "create-admin") == 0)
    return run_create_admin (argc - 1, argv + 1);
  if (argc > 2 && strcmp (argv[1], "office") == 0 && strcmp (argv[2], "add") == 0)
    return run_office_add (argc - 2, argv + 2);
  if (argc > 1 && strcmp (argv[1], "migrate") == 0)
    return run_migrate (argc - 1, argv + 1);
  return run_server (argc, argv);
}
