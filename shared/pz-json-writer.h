/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A small streaming JSON writer for the answers the server sends most: it
 * writes straight into a string instead of building a tree first. */
typedef struct _PzJsonWriter PzJsonWriter;

PzJsonWriter *pz_json_writer_new          (void);
void          pz_json_writer_free         (PzJsonWriter *self);
char         *pz_json_writer_free_to_string (PzJsonWriter *self);

void          pz_json_writer_begin_object (PzJsonWriter *self);
void          pz_json_writer_end_object   (PzJsonWriter *self);
void          pz_json_writer_begin_array  (PzJsonWriter *self);
void          pz_json_writer_end_array    (PzJsonWriter *self);
void          pz_json_writer_member       (PzJsonWriter *self,
                                           const char   *name);
void          pz_json_writer_string       (PzJsonWriter *self,
                                           const char   *value);
void          pz_json_writer_double       (PzJsonWriter *self,
                                           double        value);
void          pz_json_writer_int          (PzJsonWriter *self,
                                           gint64        value);
void          pz_json_writer_bool         (PzJsonWriter *self,
                                           gboolean      value);
void          pz_json_writer_null         (PzJsonWriter *self);
void          pz_json_writer_raw          (PzJsonWriter *self,
                                           const char   *json);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PzJsonWriter, pz_json_writer_free)

/* The one reader of a text member: NULL when @obj is NULL, the member is
 * missing or is not a string. */
const char   *pz_json_get_string        (JsonObject   *obj,
                                          const char   *member);

G_END_DECLS
