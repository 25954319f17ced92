/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a driver of pz-db fills in: pz-db.c checks the arguments and
 * dispatches; each driver embeds PzDb and PzDbStmt first in its own. */
#pragma once

#include "pz-db.h"

G_BEGIN_DECLS

typedef struct _PzDbDriver PzDbDriver;

struct _PzDb
{
  const PzDbDriver *driver;
  PzDbKind          kind;
  GHashTable       *statements;  /* SQL text -> PzDbStmt, freed by driver->finalize */
};

struct _PzDbStmt
{
  PzDb *db;
  char *sql;  /* as the store wrote it */
};

struct _PzDbDriver
{
  void          (*close)            (PzDb *db);
  gboolean      (*exec)             (PzDb *db, const char *sql, GError **error);
  /* NULL: run at once */
  gboolean      (*exec_later)       (PzDb *db, const char *sql, GError **error);
  PzDbStmt     *(*prepare)          (PzDb *db, const char *sql, GError **error);
  void          (*finalize)         (PzDbStmt *stmt);
  void          (*clear_bindings)   (PzDbStmt *stmt);
  void          (*bind_int64)       (PzDbStmt *stmt, int i, gint64 value);
  void          (*bind_double)      (PzDbStmt *stmt, int i, double value);
  void          (*bind_text)        (PzDbStmt *stmt, int i, const char *text);
  void          (*bind_blob)        (PzDbStmt *stmt, int i, gconstpointer data, gsize size);
  void          (*bind_null)        (PzDbStmt *stmt, int i);
  PzDbStep      (*step)             (PzDbStmt *stmt, GError **error);
  void          (*reset)            (PzDbStmt *stmt);
  /* NULL: each statement runs at its first step */
  gboolean      (*run_together)     (PzDb *db, PzDbStmt **stmts, guint n, GError **error);
  int           (*column_count)     (PzDbStmt *stmt);
  gboolean      (*column_is_null)   (PzDbStmt *stmt, int i);
  gint64        (*column_int64)     (PzDbStmt *stmt, int i);
  double        (*column_double)    (PzDbStmt *stmt, int i);
  const char   *(*column_text)      (PzDbStmt *stmt, int i);
  gconstpointer (*column_blob)      (PzDbStmt *stmt, int i, gsize *size);
  gint64        (*changes)          (PzDb *db);
  gboolean      (*in_transaction)   (PzDb *db);
  void          (*set_busy_timeout) (PzDb *db, int ms);
  gint64        (*data_version)     (PzDb *db);
  gint64        (*total_changes)    (PzDb *db);
  /* notifications between connections; NULL where the engine has none */
  int           (*socket)           (PzDb *db);
  gboolean      (*listen)           (PzDb *db, const char *channel, GError **error);
  gboolean      (*notify)           (PzDb *db, const char *channel, const char * const *payloads, guint n,
                                     GError **error);
  char         *(*next_notification) (PzDb *db, GError **error);
};

/* pz-db-sqlite.c */
PzDb *pz_db_sqlite_open     (const char *path, PzDbOpenFlags flags, GError **error);
/* pz-db-postgresql.c */
PzDb *pz_db_postgresql_open (const char *uri, PzDbOpenFlags flags, GError **error);

/* pz-db.c: for the drivers' open */
void  pz_db_init            (PzDb *db, const PzDbDriver *driver, PzDbKind kind);

G_END_DECLS
