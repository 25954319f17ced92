/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-ratelimit"

#include "config.h"

#include <gnutls/crypto.h>
#include <math.h>
#include <string.h>

#include "pz-ratelimit.h"

/* Each address hashes to one set of WAYS slots; a newcomer to a full set
 * takes the slot whose bucket is fullest, which is the one whose loss
 * forgets the least (a full bucket is the same as no entry). */
#define WAYS 8

typedef struct {
  guint8   key[16];
  gboolean used;
  double   tokens;
  gint64   at;      /* µs, when tokens was last brought up to date */
} Slot;

struct _PzRateLimit
{
  Slot   *slots;
  guint   n_sets;
  double  per_second;
  double  burst;
  guint64 seed;
};

PzRateLimit *
pz_rate_limit_new (guint  n_slots,
                   double per_second,
                   double burst)
{
  PzRateLimit *self = g_new0 (PzRateLimit, 1);

  self->n_sets = MAX (1, n_slots / WAYS);
  self->slots = g_new0 (Slot, (gsize) self->n_sets * WAYS);
  self->per_second = per_second;
  self->burst = MAX (1.0, burst);
  /* a secret seed: nobody can pick addresses that all fall in one set */
  if (gnutls_rnd (GNUTLS_RND_NONCE, &self->seed, sizeof self->seed) != 0)
    self->seed = (guint64) g_get_monotonic_time () ^ ((guint64) g_random_int () << 32);
  return self;
}

void
pz_rate_limit_free (PzRateLimit *self)
{
  if (self == NULL)
    return;
  g_free (self->slots);
  g_free (self);
}

guint
pz_rate_limit_get_n_slots (PzRateLimit *self)
{
  return self->n_sets * WAYS;
}

/* The client an address stands for: an IPv4 address (also when it comes
 * mapped into IPv6), or an IPv6 /64, the least a household or a phone is
 * given, so that one host cannot walk through its own prefix. */
static void
client_key (GInetAddress *address,
            guint8        key[16])
{
  const guint8 *bytes = g_inet_address_to_bytes (address);
  static const guint8 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

  memset (key, 0, 16);
  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4)
    memcpy (key + 12, bytes, 4);
  else if (memcmp (bytes, mapped, 12) == 0)
    memcpy (key + 12, bytes + 12, 4);
  else
    {
      memcpy (key, bytes, 8);
      key[15] = 6;   /* never equal to an IPv4 key */
    }
}

static guint64
mix (guint64 h)
{
  h ^= h >> 33;
  h *= G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
  h ^= h >> 33;
  h *= G_GUINT64_CONSTANT (0xc4ceb9fe1a85ec53);
  h ^= h >> 33;
  return h;
}

static double
refilled (PzRateLimit *self,
          Slot        *slot,
          gint64       now)
{
  double elapsed = now > slot->at ? (now - slot->at) / (double) G_USEC_PER_SEC : 0;

  return MIN (self->burst, slot->tokens + elapsed * self->per_second);
}

/**
 * pz_rate_limit_take:
 * @self: a rate limit
 * @address: the client's address
 * @now_usec: the monotonic time
 *
 * Takes one token from the client's bucket.
 *
 * Returns: 0 if the request may go ahead, else the seconds to wait (≥ 1)
 */
guint
pz_rate_limit_take (PzRateLimit  *self,
                    GInetAddress *address,
                    gint64        now_usec)
{
  guint8 key[16];
  guint64 a, b;
  Slot *set, *slot = NULL;
  double tokens;

  client_key (address, key);
  memcpy (&a, key, 8);
  memcpy (&b, key + 8, 8);
  set = self->slots + (mix (mix (a ^ self->seed) ^ b) % self->n_sets) * WAYS;

  for (guint i = 0; i < WAYS && slot == NULL; i++)
    if (set[i].used && memcmp (set[i].key, key, 16) == 0)
      slot = &set[i];
  if (slot == NULL)
    {
      double fullest = -1;

      for (guint i = 0; i < WAYS; i++)
        {
          double t = set[i].used ? refilled (self, &set[i], now_usec) : self->burst + 1;

          if (t > fullest)
            {
              fullest = t;
              slot = &set[i];
            }
        }
      memcpy (slot->key, key, 16);
      slot->used = TRUE;
      slot->tokens = self->burst;
      slot->at = now_usec;
    }

  tokens = refilled (self, slot, now_usec);
  slot->at = now_usec;
  if (tokens >= 1.0)
    {
      slot->tokens = tokens - 1.0;
      return 0;
    }
  slot->tokens = tokens;
  if (self->per_second <= 0)
    return 3600;
  return (guint) MAX (1.0, ceil ((1.0 - tokens) / self->per_second));
}
