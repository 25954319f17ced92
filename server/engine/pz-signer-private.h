/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a signing backend provides, and what the backends share. */
#pragma once

#include <gnutls/abstract.h>
#include <gnutls/x509.h>

#include "pz-signer.h"

G_BEGIN_DECLS

typedef struct
{
  const char *name;
  /* a detached CMS SignedData over @data, DER */
  GBytes   *(*sign_cms) (PzSigner     *self,
                         GBytes       *data,
                         GError      **error);
  void      (*close)    (PzSigner     *self);
  /* (nullable): a backend that signs whole PDFs itself (a remote service) */
  GBytes   *(*sign_pdf) (PzSigner     *self,
                         GBytes       *pdf,
                         const char   *reason,
                         const char   *location,
                         const PzSignAppearance *appearance,
                         GError      **error);
} PzSignerBackend;

struct _PzSigner
{
  const PzSignerBackend *backend;
  gnutls_x509_crt_t     *chain;      /* the signer's certificate first */
  unsigned int           chain_len;
  gnutls_privkey_t       key;        /* (nullable): a backend that signs itself has none */
  gpointer               backend_data;
  char                  *tsa_url;    /* (nullable): the timestamp authority */
  guint                  tsa_timeout;
  char                  *tsa_ca;     /* (nullable): the authorities trusted to stamp */
  gboolean               validation_fetch; /* CRLs and OCSP from the certificates' addresses */
  guint                  validation_timeout;
};

PzSigner *pz_signer_new           (const PzSignerBackend *backend);
gboolean  pz_signer_fail          (GError     **error,
                                   int          code,
                                   const char  *what,
                                   int          rc);
GBytes   *pz_signer_sign_cms_with_key (PzSigner  *self,
                                       GBytes    *data,
                                       GError   **error);

G_END_DECLS
