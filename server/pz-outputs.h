/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

/* What one output says, in the office's words; pz-outputs lays it out. */
typedef struct {
  const char *label;
  char       *value;
} PzOutputRow;

typedef struct {
  const char *kind;            /* receipt, bap, draft, permit, refusal */
  const char *office_name;
  const char *office_address;
  GBytes     *logo_png;         /* (nullable): the office's emblem */
  const char *title;
  const char *subtitle;
  GPtrArray  *rows;            /* PzOutputRow */
  const char *list_title;
  GPtrArray  *list;            /* char *, e.g. the documents received */
  const char *body;            /* a paragraph: findings, reasons */
  const char *closing;         /* place and date */
  const char *signer_title;
  const char *signer_name;
  const char *signer_nip;
  const char *qr_url;
  const char *qr_caption;
  const char *qr_code;          /* (nullable): printed under the QR to be typed, the receipt's tracking code */
  const char *signed_statement;  /* replaces the space for a wet signature */
  gboolean    watermark_draft;
} PzOutputContent;

void     pz_output_content_init  (PzOutputContent *content);
void     pz_output_content_clear (PzOutputContent *content);
void     pz_output_content_add   (PzOutputContent *content,
                                  const char      *label,
                                  const char      *value);
GBytes  *pz_output_render        (const PzOutputContent *content);
cairo_surface_t *pz_output_load_png (GBytes       *png);
char    *pz_format_date_id       (gint64           unix_time,
                                  GTimeZone       *tz,
                                  gboolean         with_time);

G_END_DECLS
