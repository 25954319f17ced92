/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define PZ_TYPE_REGISTRATION_FORM (pz_registration_form_get_type ())

G_DECLARE_FINAL_TYPE (PzRegistrationForm, pz_registration_form, PZ, REGISTRATION_FORM, GtkBox)

GtkWidget  *pz_registration_form_new             (GHashTable         *permit_types,
                                                  GHashTable         *kept);
GtkWidget  *pz_registration_form_get_field       (PzRegistrationForm *self,
                                                  const char         *name);
GHashTable *pz_registration_form_get_fields      (PzRegistrationForm *self);
gboolean    pz_registration_form_is_typed        (PzRegistrationForm *self);
void        pz_registration_form_set_error       (PzRegistrationForm *self,
                                                  const char         *message);
void        pz_registration_form_set_registering (PzRegistrationForm *self,
                                                  gboolean            registering);
JsonNode   *pz_registration_form_build_request   (PzRegistrationForm *self);
void        pz_registration_form_focus           (PzRegistrationForm *self);

G_END_DECLS
