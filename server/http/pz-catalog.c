/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-catalog"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "pz-catalog.h"

struct _PzCatalog
{
  GBytes     *bytes;
  GHashTable *messages;   /* msgid -> msgstr, both pointing into bytes */
};

#define MO_MAGIC 0x950412deu

static guint32
read_u32 (const guint8 *p,
          gboolean      swap)
{
  guint32 v;

  memcpy (&v, p, 4);
  return swap ? GUINT32_SWAP_LE_BE (v) : v;
}

/* A string of the table at @table, entry @i: its bytes must lie inside the
 * file and end with a NUL, as msgfmt writes them. */
static const char *
entry (const guint8 *data,
       gsize         size,
       guint32       table,
       guint32       i,
       gboolean      swap)
{
  guint64 at = (guint64) table + (guint64) i * 8;
  guint32 len, offset;

  if (at + 8 > size)
    return NULL;
  len = read_u32 (data + at, swap);
  offset = read_u32 (data + at + 4, swap);
  if ((guint64) offset + len >= size || data[offset + len] != '\0')
    return NULL;
  return (const char *) data + offset;
}

/**
 * pz_catalog_new:
 * @localedir: where the catalogs are installed
 * @language: e.g. "id"
 * @error: return location for an error
 *
 * Reads @localedir/@language/LC_MESSAGES/GETTEXT_PACKAGE.mo.
 *
 * Returns: (transfer full): the catalog, or %NULL
 */
PzCatalog *
pz_catalog_new (const char *localedir,
                const char *language,
                GError    **error)
{
  g_autofree char *name = g_strconcat (GETTEXT_PACKAGE, ".mo", NULL);
  g_autofree char *path = g_build_filename (localedir, language, "LC_MESSAGES", name, NULL);
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (path, FALSE, error);
  g_autoptr(PzCatalog) self = NULL;
  const guint8 *data;
  gsize size;
  gboolean swap;
  guint32 n, originals, translations;

  if (mapped == NULL)
    return NULL;
  self = g_new0 (PzCatalog, 1);
  self->bytes = g_mapped_file_get_bytes (mapped);
  self->messages = g_hash_table_new (g_str_hash, g_str_equal);
  data = g_bytes_get_data (self->bytes, &size);
  if (size < 20)
    goto bad;
  swap = read_u32 (data, FALSE) != MO_MAGIC;
  if (read_u32 (data, swap) != MO_MAGIC)
    goto bad;
  n = read_u32 (data + 8, swap);
  originals = read_u32 (data + 12, swap);
  translations = read_u32 (data + 16, swap);
  for (guint32 i = 0; i < n; i++)
    {
      const char *msgid = entry (data, size, originals, i, swap);
      const char *msgstr = entry (data, size, translations, i, swap);

      if (msgid == NULL || msgstr == NULL)
        goto bad;
      /* the header (empty msgid) and empty translations stay untranslated;
       * a plural entry is looked up by its singular and gives form 0 */
      if (*msgid && *msgstr)
        g_hash_table_insert (self->messages, (gpointer) msgid, (gpointer) msgstr);
    }
  return g_steal_pointer (&self);

bad:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("%s is not a message catalog"), path);
  return NULL;
}

/**
 * pz_catalog_gettext:
 * @self: (nullable): a catalog
 * @msgid: an English message
 *
 * Returns: its translation, or @msgid itself if there is none
 */
const char *
pz_catalog_gettext (PzCatalog  *self,
                    const char *msgid)
{
  const char *msgstr = self ? g_hash_table_lookup (self->messages, msgid) : NULL;

  return msgstr ? msgstr : msgid;
}

void
pz_catalog_free (PzCatalog *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->messages);
  g_bytes_unref (self->bytes);
  g_free (self);
}
