/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char    *data_dir;
  char    *store_url;         /* NULL: SQLite, perizinan.db in data_dir; else a postgresql:// URI */
  char    *address;
  guint    port;
  gboolean demo;
  char    *timezone;
  char    *public_url;
  char    *workflows_dir;
  char    *tls_certificate;   /* PEM; with tls_key the server speaks HTTPS only */
  char    *tls_key;
  gsize    max_body;          /* bytes of a JSON request */
  gsize    max_upload;        /* bytes of an uploaded document */
  guint    session_hours;
  guint    session_idle_seconds; /* a session ends after this long without a request */
  guint    purge_interval;    /* seconds between purges of ended sessions and old retry answers */
  guint    escalation_interval; /* seconds between looks for files that became late */
  guint    idempotency_seconds; /* how long the answer to a retried request is kept */
  gboolean admin_office_roles; /* a small office: the administrator may hold office roles */
  guint    login_max_failures_user;
  guint    login_max_failures_address;
  guint    login_window_seconds;
  char    *inspect_program;   /* NULL: found next to the server */
  char    *signing_key;       /* PKCS#12 or a pkcs11: URI; NULL: signing.p12 in the data directory */
  char    *signing_pkcs11_module; /* NULL: the modules p11-kit knows */
  char    *signing_tsa_url;   /* NULL: no signature timestamp (PAdES B-B) */
  guint    signing_tsa_timeout; /* seconds */
  char    *signing_tsa_ca;    /* NULL: any authority's timestamp; else the PEM file of those trusted */
  char    *signing_remote_url;  /* NULL: the key is a file or on a token; else BSrE's Esign Client Service */
  char    *signing_remote_client_id;
  char    *signing_remote_client_secret;
  char    *signing_remote_nik;  /* the Kadis' NIK at the service */
  guint    signing_remote_timeout; /* seconds */
  gboolean signing_validation_fetch; /* CRLs and OCSP responses fetched for B-LT */
  guint    signing_validation_timeout; /* seconds */
  char    *smtp_host;         /* NULL: no e-mail to applicants */
  guint    smtp_port;
  gboolean smtp_starttls;
  char    *smtp_username;
  char    *smtp_password;
  char    *smtp_from;
  char    *notify_command;    /* gateway for SMS/WhatsApp: message as JSON on stdin */
  guint    outbox_interval;   /* seconds */
  guint    inspect_timeout;   /* seconds one upload's inspection may take */
  guint    inspect_running;   /* inspections at once */
  guint    inspect_waiting;   /* uploads that may wait for one; more get 503 */
  guint    idle_timeout;      /* seconds a connection may stay silent */
  guint    max_connections_per_client; /* open connections per client address; 0: no cap */
  char    *metrics_token;     /* NULL: /metrics for local scrapers only */
} PzConfig;

PzConfig *pz_config_new       (void);
gboolean  pz_config_load_file (PzConfig    *self,
                               const char  *path,
                               GError     **error);
void      pz_config_free      (PzConfig    *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PzConfig, pz_config_free)

G_END_DECLS
