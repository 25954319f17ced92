/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pz-document-model"

#include "config.h"

#include "pz-document-model.h"

/* What the document view shows: which document, which page, how large
 * and which way up. The view follows it; keys and buttons change it. */
struct _PzDocumentModel
{
  GObject  parent_instance;
  PzScan  *document;
  guint    page;
  double   scale;
  int      rotation;
  gboolean fit_width;
};

enum {
  PROP_0,
  PROP_DOCUMENT,
  PROP_PAGE,
  PROP_SCALE,
  PROP_ROTATION,
  PROP_FIT_WIDTH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (PzDocumentModel, pz_document_model, G_TYPE_OBJECT)

static void
pz_document_model_finalize (GObject *object)
{
  g_clear_object (&PZ_DOCUMENT_MODEL (object)->document);
  G_OBJECT_CLASS (pz_document_model_parent_class)->finalize (object);
}

static void
pz_document_model_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  PzDocumentModel *self = PZ_DOCUMENT_MODEL (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      g_value_set_object (value, self->document);
      break;
    case PROP_PAGE:
      g_value_set_uint (value, self->page);
      break;
    case PROP_SCALE:
      g_value_set_double (value, self->scale);
      break;
    case PROP_ROTATION:
      g_value_set_int (value, self->rotation);
      break;
    case PROP_FIT_WIDTH:
      g_value_set_boolean (value, self->fit_width);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pz_document_model_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  PzDocumentModel *self = PZ_DOCUMENT_MODEL (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      pz_document_model_set_document (self, g_value_get_object (value));
      break;
    case PROP_PAGE:
      pz_document_model_set_page (self, g_value_get_uint (value));
      break;
    case PROP_SCALE:
      pz_document_model_set_scale (self, g_value_get_double (value));
      break;
    case PROP_ROTATION:
      pz_document_model_set_rotation (self, g_value_get_int (value));
      break;
    case PROP_FIT_WIDTH:
      pz_document_model_set_fit_width (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pz_document_model_class_init (PzDocumentModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pz_document_model_finalize;
  object_class->get_property = pz_document_model_get_property;
  object_class->set_property = pz_document_model_set_property;

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL, PZ_TYPE_SCAN,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PAGE] =
    g_param_spec_uint ("page", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCALE] =
    g_param_spec_double ("scale", NULL, NULL, 0.1, 8.0, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ROTATION] =
    g_param_spec_int ("rotation", NULL, NULL, 0, 270, 0,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FIT_WIDTH] =
    g_param_spec_boolean ("fit-width", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pz_document_model_init (PzDocumentModel *self)
{
  self->scale = 1.0;
  self->fit_width = TRUE;
}

PzDocumentModel *
pz_document_model_new (void)
{
  return g_object_new (PZ_TYPE_DOCUMENT_MODEL, NULL);
}

PzScan *
pz_document_model_get_document (PzDocumentModel *self)
{
  return self->document;
}

void
pz_document_model_set_document (PzDocumentModel *self,
                                PzScan          *document)
{
  if (!g_set_object (&self->document, document))
    return;
  self->page = 0;
  self->rotation = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROTATION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
}

guint
pz_document_model_get_page (PzDocumentModel *self)
{
  return self->page;
}

/**
 * pz_document_model_set_page:
 * @self: a model
 * @page: a page, from 0; clamped to the document
 */
void
pz_document_model_set_page (PzDocumentModel *self,
                            guint            page)
{
  guint n = self->document ? pz_scan_get_n_pages (self->document) : 1;

  page = MIN (page, n ? n - 1 : 0);
  if (page == self->page)
    return;
  self->page = page;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGE]);
}

double
pz_document_model_get_scale (PzDocumentModel *self)
{
  return self->scale;
}

void
pz_document_model_set_scale (PzDocumentModel *self,
                             double           scale)
{
  scale = CLAMP (scale, 0.1, 8.0);
  if (G_APPROX_VALUE (scale, self->scale, 0.0001))
    return;
  self->scale = scale;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCALE]);
}

int
pz_document_model_get_rotation (PzDocumentModel *self)
{
  return self->rotation;
}

void
pz_document_model_set_rotation (PzDocumentModel *self,
                                int              rotation)
{
  rotation = ((rotation % 360) + 360) % 360 / 90 * 90;
  if (rotation == self->rotation)
    return;
  self->rotation = rotation;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROTATION]);
}

gboolean
pz_document_model_get_fit_width (PzDocumentModel *self)
{
  return self->fit_width;
}

void
pz_document_model_set_fit_width (PzDocumentModel *self,
                                 gboolean         fit_width)
{
  if (!fit_width == !self->fit_width)
    return;
  self->fit_width = !!fit_width;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIT_WIDTH]);
}
