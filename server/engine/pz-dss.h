/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <gnutls/x509.h>

G_BEGIN_DECLS

/* What a verifier needs to check a signature years later, when its
 * certificates have expired and their authorities may be gone (PAdES
 * B-LT): the certificates up to the roots, and the revocation data (CRLs,
 * OCSP responses) of the time of signing, each DER. */
typedef struct
{
  GPtrArray *certs;   /* (element-type GBytes) */
  GPtrArray *crls;    /* (element-type GBytes) */
  GPtrArray *ocsps;   /* (element-type GBytes): OCSPResponse */
  gboolean   revocation_fetched; /* whether the revocation data was looked for */
} PzValidationData;

/* No permit needs more; a file that says more is not believed */
#define PZ_DSS_MAX_ITEMS 64

PzValidationData *pz_validation_data_new     (void);
void              pz_validation_data_free    (PzValidationData *data);
gboolean          pz_validation_data_add     (GPtrArray        *list,
                                              GBytes           *der);

char             *pz_validation_find_revoked (const PzValidationData *data);
/* (transfer full) (nullable): a DER certificate, for gnutls_x509_crt_deinit() */
gnutls_x509_crt_t pz_validation_certificate (GBytes                 *der);
PzValidationData *pz_validation_collect      (GBytes           *cms,
                                              GPtrArray        *chain,
                                              gboolean          fetch,
                                              guint             timeout_seconds);
GBytes           *pz_pdf_signature_cms       (GBytes           *pdf);

char             *pz_dss_vri_key             (GBytes           *pdf,
                                              GError          **error);
gsize             pz_dss_signed_end          (GBytes           *pdf);
GBytes           *pz_dss_append              (GBytes           *signed_pdf,
                                              const PzValidationData *data,
                                              GError          **error);
PzValidationData *pz_dss_read                (GBytes           *pdf,
                                              gsize             signed_end);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PzValidationData, pz_validation_data_free)

G_END_DECLS
