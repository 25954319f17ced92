/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

/* Where on which page a box of the letter is, in PDF points from the
 * page's lower left */
typedef struct {
  guint  page;     /* 1 for the first; 0 if none was drawn */
  double x, y, width, height;
} PzOutputPlace;

/* What one output says, in the office's words; pz-outputs lays it out. */
typedef struct {
  const char *label;
  char       *value;
} PzOutputRow;

/* The parts of a letter's body, in the columns of a decree:
 *   Menimbang : a. bahwa ...
 *               b. bahwa ...
 *   KESATU    : Memberikan ... kepada:
 *               Nama     : ...          */
typedef enum {
  PZ_BLOCK_PARAGRAPH,   /* justified text; level 1 starts in the body column */
  PZ_BLOCK_HEADING,     /* centred, bold */
  PZ_BLOCK_ITEM,        /* an optional label and colon, an optional marker ("a."), hanging text */
  PZ_BLOCK_ROW,         /* label : value; level 1 in the body column, level 2 a letter's narrow head */
  PZ_BLOCK_SIDE,        /* text in the right half, beside the blocks that follow (a letter's addressee) */
} PzBlockKind;

typedef struct {
  PzBlockKind  kind;
  guint        level;
  char        *label;
  char        *marker;
  char        *text;
} PzOutputBlock;

typedef struct {
  const char *kind;            /* receipt, bap, draft, permit, refusal */
  const char *region;          /* (nullable): "Kabupaten Sukamaju": the government over the office */
  const char *office_name;
  const char *office_address;
  GBytes     *logo_png;         /* (nullable): the office's emblem */
  const char *title;
  const char *subtitle;
  GPtrArray  *rows;            /* PzOutputRow */
  const char *list_title;
  GPtrArray  *list;            /* char *, e.g. the documents received */
  GPtrArray  *blocks;          /* PzOutputBlock, after the rows and the list */
  const char *body;            /* a paragraph: findings, reasons */
  const char *closing;         /* place and date */
  const char *signer_title;
  const char *signer_name;
  const char *signer_nip;
  const char *cosigner_title;  /* (nullable): a second signature on the left: the applicant, a witness */
  const char *cosigner_name;
  const char *qr_url;
  const char *qr_caption;
  const char *qr_code;          /* (nullable): printed under the QR to be typed, the receipt's tracking code */
  const char *signed_statement;  /* replaces the space for a wet signature */
  PzOutputPlace *signature_place; /* (nullable) (out): with it, the statement's box is left empty for the
                                   * appearance of the signature itself, and its place told here */
  const char *footer;          /* (nullable): at the foot of every page, e.g. the electronic signature's legal note */
  GPtrArray  *copies;          /* char *: Tembusan, under the signature */
  cairo_surface_t *photo;      /* (nullable): the holder's photo, beside the signature */
  gboolean    photo_frame;     /* a frame for the photo even without one */
  gboolean    watermark_draft;
} PzOutputContent;

void     pz_output_content_init  (PzOutputContent *content);
void     pz_output_content_clear (PzOutputContent *content);
void     pz_output_content_add   (PzOutputContent *content,
                                  const char      *label,
                                  const char      *value);
void     pz_output_content_block (PzOutputContent *content,
                                  PzBlockKind      kind,
                                  guint            level,
                                  const char      *label,
                                  const char      *marker,
                                  const char      *text);
GBytes  *pz_output_render        (const PzOutputContent *content);
char    *pz_output_letterhead_region (const char *region,
                                  const char      *office_name);
cairo_surface_t *pz_output_load_png (GBytes       *png);
char    *pz_format_date_id       (gint64           unix_time,
                                  GTimeZone       *tz,
                                  gboolean         with_time);
char    *pz_format_gdate_id      (const GDate     *date);
const char *pz_weekday_id        (GDateWeekday     weekday);
char    *pz_number_in_words_id   (guint64          n);
const char *pz_ordinal_dictum_id (guint            n);

G_END_DECLS
