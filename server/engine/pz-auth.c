/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-auth"

#include "config.h"

#include <argon2.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>

#include "pz-auth.h"
#include "pz-store.h"

/* argon2id with the parameters OWASP recommends for interactive logins. */
#define ARGON_T_COST   2
#define ARGON_M_COST   (19 * 1024)
#define ARGON_PARALLEL 1
#define ARGON_SALT_LEN 16
#define ARGON_HASH_LEN 32

static void
random_bytes (guint8 *buf,
              gsize   len)
{
  /* gnutls draws from the kernel's generator; there is no fallback on
   * purpose: a token from a weak source is worse than no token. */
  if (gnutls_rnd (GNUTLS_RND_KEY, buf, len) != 0)
    g_error ("No secure random numbers available");
}

char *
pz_auth_hash_password (const char *password,
                       GError    **error)
{
  guint8 salt[ARGON_SALT_LEN];
  gsize len = argon2_encodedlen (ARGON_T_COST, ARGON_M_COST, ARGON_PARALLEL,
                                 ARGON_SALT_LEN, ARGON_HASH_LEN, Argon2_id);
  g_autofree char *encoded = g_malloc0 (len);
  int rc;

  random_bytes (salt, sizeof salt);
  rc = argon2id_hash_encoded (ARGON_T_COST, ARGON_M_COST, ARGON_PARALLEL,
                              password, strlen (password), salt, sizeof salt,
                              ARGON_HASH_LEN, encoded, len);
  if (rc != ARGON2_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Cannot hash the password: %s"), argon2_error_message (rc));
      return NULL;
    }
  return g_steal_pointer (&encoded);
}

gboolean
pz_auth_verify_password (const char *encoded,
                         const char *password)
{
  if (encoded == NULL || password == NULL)
    return FALSE;
  return argon2id_verify (encoded, password, strlen (password)) == ARGON2_OK;
}

char *
pz_auth_random_hex (gsize n_bytes)
{
  g_autofree guint8 *buf = g_malloc (n_bytes);
  GString *hex = g_string_sized_new (n_bytes * 2);

  random_bytes (buf, n_bytes);
  for (gsize i = 0; i < n_bytes; i++)
    g_string_append_printf (hex, "%02x", buf[i]);
  return g_string_free (hex, FALSE);
}

/**
 * pz_auth_new_token:
 *
 * Returns: (transfer full): a new bearer token of 256 random bits
 */
char *
pz_auth_new_token (void)
{
  return pz_auth_random_hex (32);
}

/**
 * pz_auth_hash_token:
 * @token: a bearer token
 *
 * Only this hash is stored: a copy of the database gives no live sessions.
 *
 * Returns: (transfer full): the SHA-256 of @token in hex
 */
char *
pz_auth_hash_token (const char *token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

/* Failed attempts per key (a user at an address, an address) with
 * exponential back-off: the first max_failures are free, then each further
 * attempt waits twice as long as the one before (1 s, 2 s, 4 s, … at most
 * the window). An attempt counts when it arrives, before its password is
 * checked, so attempts sent in parallel wait like attempts sent one after
 * the other. A key is forgotten after two windows without an attempt.
 * Times are in microseconds. */
typedef struct {
  guint  failures;
  gint64 last;
  gint64 next_allowed;
} ThrottleEntry;

struct _PzThrottle
{
  guint              max_failures;
  gint64             window;
  GHashTable        *entries;  /* key -> ThrottleEntry */
  /* shared by the servers on one database, while its bus is there */
  PzThrottleSharedBy shared_by;
  gpointer           shared_data;
  char              *scope;
};

/* The bus that counts for every server, or NULL to count here. */
static PzStoreBus *
shared (PzThrottle *self)
{
  return self->shared_by ? self->shared_by (self->shared_data) : NULL;
}

/**
 * pz_throttle_share:
 * @self: a throttle
 * @shared_by: gives the bus of the servers on the database, or %NULL
 *   while there is none (then this server counts alone)
 * @data: for @shared_by
 * @scope: what it counts, apart from the other throttles on the bus
 *
 * The failed attempts then count on every server of the database, on its
 * wall clock: a guesser gains nothing by being spread over them.
 */
void
pz_throttle_share (PzThrottle        *self,
                   PzThrottleSharedBy shared_by,
                   gpointer           data,
                   const char        *scope)
{
  self->shared_by = shared_by;
  self->shared_data = data;
  g_free (self->scope);
  self->scope = g_strdup (scope);
}

PzThrottle *
pz_throttle_new (guint  max_failures,
                 gint64 window_seconds)
{
  PzThrottle *self = g_new0 (PzThrottle, 1);

  self->max_failures = MAX (max_failures, 1);
  self->window = MAX (window_seconds, 1) * G_USEC_PER_SEC;
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return self;
}

void
pz_throttle_free (PzThrottle *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->entries);
  g_free (self->scope);
  g_free (self);
}

static ThrottleEntry *
lookup (PzThrottle *self,
        const char *key,
        gint64      now)
{
  ThrottleEntry *e = g_hash_table_lookup (self->entries, key);

  if (e && now - e->last >= 2 * self->window && now >= e->next_allowed)
    {
      g_hash_table_remove (self->entries, key);
      return NULL;
    }
  return e;
}

/**
 * pz_throttle_check:
 * @self: a throttle
 * @key: who tries
 * @now: the current time in microseconds
 *
 * Returns: 0 if @key may try now, otherwise the microseconds to wait
 */
gint64
pz_throttle_check (PzThrottle *self,
                   const char *key,
                   gint64      now)
{
  PzStoreBus *bus = shared (self);
  ThrottleEntry *e;

  if (bus)
    return pz_store_bus_throttle_wait (bus, self->scope, key, g_get_real_time (), self->window);
  e = lookup (self, key, now);

  if (e == NULL || now >= e->next_allowed)
    return 0;
  return e->next_allowed - now;
}

/**
 * pz_throttle_attempt:
 * @self: a throttle
 * @key: who tries
 * @now: the current time in microseconds
 *
 * Counts an attempt of @key as failed, unless it must wait. A successful
 * attempt is then taken back with pz_throttle_reset() or
 * pz_throttle_forgive().
 *
 * Returns: 0 if the attempt may go on (and was counted), otherwise the
 *   microseconds to wait (and nothing was counted)
 */
gint64
pz_throttle_attempt (PzThrottle *self,
                     const char *key,
                     gint64      now)
{
  PzStoreBus *bus = shared (self);
  ThrottleEntry *e;

  if (bus)
    {
      gint64 real = g_get_real_time ();
      gint64 wait = pz_store_bus_throttle_wait (bus, self->scope, key, real, self->window);

      if (wait == 0)
        pz_store_bus_throttle_fail (bus, self->scope, key, real, self->max_failures, self->window);
      return wait;
    }
  e = lookup (self, key, now);

  if (e && now < e->next_allowed)
    return e->next_allowed - now;
  if (e == NULL)
    {
      /* Bound the memory an attacker with many names can make us hold. */
      if (g_hash_table_size (self->entries) > 100000)
        g_hash_table_remove_all (self->entries);
      e = g_new0 (ThrottleEntry, 1);
      g_hash_table_insert (self->entries, g_strdup (key), e);
    }
  e->failures++;
  e->last = now;
  if (e->failures >= self->max_failures)
    {
      guint excess = e->failures - self->max_failures;
      gint64 delay = excess >= 30 ? self->window
                                  : MIN (((gint64) 1 << excess) * G_USEC_PER_SEC, self->window);

      e->next_allowed = now + delay;
    }
  return 0;
}

/* Takes back one counted attempt: it turned out to be right. */
void
pz_throttle_forgive (PzThrottle *self,
                     const char *key)
{
  PzStoreBus *bus = shared (self);
  ThrottleEntry *e;

  if (bus)
    {
      pz_store_bus_throttle_forgive (bus, self->scope, key, self->max_failures);
      return;
    }
  e = g_hash_table_lookup (self->entries, key);

  if (e == NULL)
    return;
  if (e->failures <= 1)
    {
      g_hash_table_remove (self->entries, key);
      return;
    }
  e->failures--;
  if (e->failures < self->max_failures)
    e->next_allowed = 0;
}

void
pz_throttle_reset (PzThrottle *self,
                   const char *key)
{
  PzStoreBus *bus = shared (self);

  if (bus)
    {
      pz_store_bus_throttle_reset (bus, self->scope, key);
      return;
    }

  g_hash_table_remove (self->entries, key);
}

/**
 * pz_auth_username_is_valid:
 *
 * Returns: whether @username is 3 to 32 lower-case letters, digits, dots,
 *   dashes or underscores
 */
gboolean
pz_auth_username_is_valid (const char *username)
{
  gsize len = strlen (username);

  if (len < 3 || len > 32)
    return FALSE;
  for (const char *p = username; *p; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && !strchr ("._-", *p))
      return FALSE;
  return TRUE;
}
