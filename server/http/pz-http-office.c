/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The office: its profile, emblem, signing certificate, permit types and
 * acting officials. */
#define G_LOG_DOMAIN "pz-server"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pz-http-private.h"

static void
add_setting (JsonBuilder *b,
             PzStore     *store,
             gint64       office_id,
             const char  *member,
             const char  *key)
{
  g_autofree char *value = pz_store_get_setting (store, office_id, key);

  json_builder_set_member_name (b, member);
  if (value && *value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static JsonNode *
office_json (Req *req)
{
  PzEngine *engine = req->server->engine;
  PzStore *store = pz_engine_get_store (engine);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *not_after = pz_store_get_setting (store, PZ_STORE_FIRST_OFFICE, "signing_not_after");
  g_autofree char *not_before = pz_store_get_setting (store, PZ_STORE_FIRST_OFFICE, "signing_not_before");
  guint opens, closes;

  pz_calendar_get_office_hours (pz_engine_get_calendar (engine, req->user->office_id), &opens, &closes);
  json_builder_begin_object (b);
  add_setting (b, store, req->user->office_id, "name", "office_name");
  add_setting (b, store, req->user->office_id, "address", "office_address");
  add_setting (b, store, req->user->office_id, "city", "office_city");
  add_setting (b, store, req->user->office_id, "region", "office_region");
  add_setting (b, store, req->user->office_id, "refusal_number_format", "refusal_number_format");
  add_setting (b, store, req->user->office_id, "kadis_name", "kadis_name");
  add_setting (b, store, req->user->office_id, "kadis_nip", "kadis_nip");
  add_setting (b, store, req->user->office_id, "public_base_url", "public_url");
  json_builder_set_member_name (b, "public_url_in_force");
  json_builder_add_string_value (b, pz_engine_get_public_url (engine, req->user->office_id));
  json_builder_set_member_name (b, "public_url_configured");
  json_builder_add_string_value (b, pz_engine_get_configured_public_url (engine));
  {
    g_autofree char *o = g_strdup_printf ("%02u:%02u", opens / 60, opens % 60);
    g_autofree char *c = g_strdup_printf ("%02u:%02u", closes / 60, closes % 60);

    json_builder_set_member_name (b, "opens");
    json_builder_add_string_value (b, o);
    json_builder_set_member_name (b, "closes");
    json_builder_add_string_value (b, c);
  }
  json_builder_set_member_name (b, "has_logo");
  json_builder_add_boolean_value (b, pz_engine_get_logo (engine, req->user->office_id) != NULL);
  json_builder_set_member_name (b, "signing_certificate");
  if (not_after)
    {
      gint64 end = g_ascii_strtoll (not_after, NULL, 10);
      gint64 start = not_before ? g_ascii_strtoll (not_before, NULL, 10) : 0;
      gint64 days_left = end > req->now ? (end - req->now) / 86400 : 0;
      g_autofree char *end_text = pz_engine_format_time (engine, end);
      g_autofree char *start_text = pz_engine_format_time (engine, start);

      json_builder_begin_object (b);
      add_setting (b, store, PZ_STORE_FIRST_OFFICE, "subject", "signing_subject");
      add_setting (b, store, PZ_STORE_FIRST_OFFICE, "issuer", "signing_issuer");
      json_builder_set_member_name (b, "not_before");
      json_builder_add_string_value (b, start_text);
      json_builder_set_member_name (b, "not_after");
      json_builder_add_string_value (b, end_text);
      json_builder_set_member_name (b, "days_left");
      json_builder_add_int_value (b, days_left);
      json_builder_set_member_name (b, "expired");
      json_builder_add_boolean_value (b, end <= req->now);
      json_builder_set_member_name (b, "expiring_soon");
      json_builder_add_boolean_value (b, end > req->now && days_left < CERTIFICATE_WARNING_DAYS);
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

void
handle_get_office (Req *req)
{
  g_autoptr(JsonNode) node = office_json (req);
  send_json (req->msg, 200, node);
}

typedef struct {
  const char *member;
  const char *key;
  gsize       max_chars;
} ProfileField;

static const ProfileField profile_fields[] = {
  { "name", "office_name", 300 },
  { "address", "office_address", 500 },
  { "city", "office_city", 100 },
  { "region", "office_region", 100 },
  { "refusal_number_format", "refusal_number_format", 200 },
  { "kadis_name", "kadis_name", 200 },
  { "kadis_nip", "kadis_nip", 18 },
  { "public_base_url", "public_url", 500 },
  { "opens", "office_opens", 5 },
  { "closes", "office_closes", 5 },
};

typedef struct {
  JsonObject *body;
  gint64      office_id;
} ProfileChange;

static gboolean
profile_change (PzStore *store,
                gpointer data,
                GError **error)
{
  ProfileChange *c = data;

  for (guint i = 0; i < G_N_ELEMENTS (profile_fields); i++)
    {
      JsonNode *node = json_object_get_member (c->body, profile_fields[i].member);

      if (node && !pz_store_set_setting (store, c->office_id, profile_fields[i].key,
                                         JSON_NODE_HOLDS_NULL (node) ? "" : json_node_get_string (node), error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
valid_public_url (const char *text)
{
  g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);

  return uri && (g_str_equal (g_uri_get_scheme (uri), "https") || g_str_equal (g_uri_get_scheme (uri), "http")) &&
         g_uri_get_host (uri) && *g_uri_get_host (uri) && g_uri_get_query (uri) == NULL &&
         g_uri_get_fragment (uri) == NULL && g_uri_get_userinfo (uri) == NULL;
}

void
handle_patch_office (Req *req)
{
  static const char * const known[] = {
    "name", "address", "city", "region", "refusal_number_format", "kadis_name", "kadis_nip", "public_base_url",
    "opens", "closes", NULL
  };
  g_autoptr(JsonObject) body = read_json_body (req);
  g_autoptr(GPtrArray) details = pz_details_new ();
  g_autoptr(GError) error = NULL;
  guint opens = 0, closes = 0, now_opens, now_closes;
  ProfileChange change;

  if (body == NULL || !only_members (req, body, known))
    return;
  for (guint i = 0; i < G_N_ELEMENTS (profile_fields); i++)
    {
      JsonNode *node = json_object_get_member (body, profile_fields[i].member);
      const char *value;

      if (node == NULL)
        continue;
      /* only the public address may be emptied: then the configured one counts */
      if (JSON_NODE_HOLDS_NULL (node) && g_str_equal (profile_fields[i].member, "public_base_url"))
        continue;
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          pz_detail_add (details, profile_fields[i].member, "%s", _("Must be text"));
          continue;
        }
      value = json_node_get_string (node);
      if (!pz_valid_text (value, profile_fields[i].max_chars) ||
          (!*value && g_strcmp0 (profile_fields[i].member, "kadis_nip") != 0 &&
           g_strcmp0 (profile_fields[i].member, "region") != 0 &&
           g_strcmp0 (profile_fields[i].member, "refusal_number_format") != 0 &&
           g_strcmp0 (profile_fields[i].member, "public_base_url") != 0))
        pz_detail_add (details, profile_fields[i].member, "%s", _("Fill this in (not too long)"));
    }
  if (!details->len)
    {
      JsonNode *nip = json_object_get_member (body, "kadis_nip");
      JsonNode *url = json_object_get_member (body, "public_base_url");
      JsonNode *o = json_object_get_member (body, "opens");
      JsonNode *c = json_object_get_member (body, "closes");

      pz_calendar_get_office_hours (pz_engine_get_calendar (req->server->engine, req->user->office_id),
                                    &now_opens, &now_closes);
      if (nip && *json_node_get_string (nip) &&
          !pz_valid_nip (json_node_get_string (nip)))
        pz_detail_add (details, "kadis_nip", "%s", _("A NIP has 18 digits"));
      {
        JsonNode *format = json_object_get_member (body, "refusal_number_format");
        g_autoptr(GError) format_error = NULL;

        if (format && *json_node_get_string (format) &&
            !pz_number_format_is_valid (json_node_get_string (format), &format_error))
          pz_detail_add (details, "refusal_number_format", "%s", format_error->message);
      }
      if (url && !JSON_NODE_HOLDS_NULL (url) && *json_node_get_string (url) &&
          !valid_public_url (json_node_get_string (url)))
        pz_detail_add (details, "public_base_url", "%s",
                       _("Give the address citizens reach the server at, such as https://izin.example.go.id"));
      opens = now_opens;
      closes = now_closes;
      if (o && !pz_parse_clock (json_node_get_string (o), &opens))
        pz_detail_add (details, "opens", "%s", _("Give the time as HH:MM"));
      if (c && !pz_parse_clock (json_node_get_string (c), &closes))
        pz_detail_add (details, "closes", "%s", _("Give the time as HH:MM"));
      if (!details->len && opens >= closes)
        pz_detail_add (details, "closes", "%s", _("The office must close after it opens"));
      if (!details->len && (o || c))
        {
          /* both are kept, so the hours stay a pair */
          g_autofree char *ot = g_strdup_printf ("%02u:%02u", opens / 60, opens % 60);
          g_autofree char *ct = g_strdup_printf ("%02u:%02u", closes / 60, closes % 60);
          json_object_set_string_member (body, "opens", ot);
          json_object_set_string_member (body, "closes", ct);
        }
    }
  if (details->len)
    {
      send_error (req->msg, 422, "invalid", _("Some fields need attention"), details);
      return;
    }
  change.body = body;
  change.office_id = req->user->office_id;
  if (!commit_admin_change (req, profile_change, &change, "office.update", "office", body))
    return;
  reload_calendar (req);
  handle_get_office (req);
}

typedef struct {
  gint64      office_id;
  const char *value;   /* base64 PNG, or "" */
} LogoChange;

static gboolean
logo_change (PzStore *store,
             gpointer data,
             GError **error)
{
  return pz_store_set_setting (store, ((LogoChange *) data)->office_id, "logo_png",
                               ((LogoChange *) data)->value, error);
}

#define MAX_LOGO_BYTES (512 * 1024)

void
handle_put_logo (Req *req)
{
  SoupMessageBody *body = soup_server_message_get_request_body (req->msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(JsonObject) audit = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *encoded = NULL;
  cairo_surface_t *image;
  LogoChange change;

  if (g_bytes_get_size (bytes) > MAX_LOGO_BYTES)
    {
      send_error (req->msg, 413, "too_large", _("The emblem may be at most 512 KiB"), NULL);
      return;
    }
  if (!(image = pz_output_load_png (bytes)))
    {
      send_error (req->msg, 415, "unsupported_type",
                  _("The emblem must be a PNG picture of at most 2000 × 2000 pixels"), NULL);
      return;
    }
  json_object_set_int_member (audit, "width", cairo_image_surface_get_width (image));
  json_object_set_int_member (audit, "height", cairo_image_surface_get_height (image));
  json_object_set_int_member (audit, "bytes", (gint64) g_bytes_get_size (bytes));
  cairo_surface_destroy (image);
  encoded = g_base64_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  change.office_id = req->user->office_id;
  change.value = encoded;
  if (!commit_admin_change (req, logo_change, &change, "office.logo", "office", audit))
    return;
  if (!reload_office (req->server, &error))
    g_warning ("The office profile could not be reloaded: %s", error->message);
  soup_server_message_set_status (req->msg, 204, NULL);
}

void
handle_get_logo (Req *req)
{
  GBytes *logo = pz_engine_get_logo (req->server->engine, req->user->office_id);

  if (logo == NULL)
    {
      send_error (req->msg, 404, "not_found", _("The office has no emblem yet"), NULL);
      return;
    }
  soup_server_message_set_status (req->msg, 200, NULL);
  soup_server_message_set_response (req->msg, "image/png", SOUP_MEMORY_COPY,
                                    g_bytes_get_data (logo, NULL), g_bytes_get_size (logo));
}

void
handle_delete_logo (Req *req)
{
  g_autoptr(JsonObject) none = json_object_new ();
  g_autoptr(GError) error = NULL;
  LogoChange change = { req->user->office_id, "" };

  if (!commit_admin_change (req, logo_change, &change, "office.logo_removed", "office", none))
    return;
  if (!reload_office (req->server, &error))
    g_warning ("The office profile could not be reloaded: %s", error->message);
  soup_server_message_set_status (req->msg, 204, NULL);
}

gboolean
key_change (PzStore *store,
            gpointer data,
            GError **error)
{
  KeyChange *k = data;

  if (pz_engine_install_signing_key (k->engine, k->p12, k->passphrase, k->current_passphrase, k->now, &k->refusal))
    return TRUE;
  g_set_error_literal (error, PZ_STORE_ERROR, PZ_STORE_ERROR_FAILED, k->refusal->message);
  return FALSE;
}

#define MAX_PKCS12_BYTES (64 * 1024)

/* Tells every session of the Kadis and of an acting Kadis that the
 * office's signing certificate was replaced, and by whom: nobody else
 * signs with it, so nobody else is told. */
static void
announce_new_certificate (Req *req)
{
  PzStore *store = pz_engine_get_store (req->server->engine);
  g_autofree char *subject = pz_store_get_setting (store, PZ_STORE_FIRST_OFFICE, "signing_subject");
  g_autofree char *not_after = pz_store_get_setting (store, PZ_STORE_FIRST_OFFICE, "signing_not_after");
  g_autoptr(PzJsonWriter) w = pz_json_writer_new ();
  g_autofree char *text = NULL;

  pz_json_writer_begin_object (w);
  pz_json_writer_member (w, "type");
  pz_json_writer_string (w, "signing_certificate.replaced");
  pz_json_writer_member (w, "by");
  pz_json_writer_string (w, req->user->full_name);
  pz_json_writer_member (w, "subject");
  pz_json_writer_string (w, subject ? subject : "");
  pz_json_writer_member (w, "not_after");
  pz_json_writer_int (w, not_after ? g_ascii_strtoll (not_after, NULL, 10) : 0);
  pz_json_writer_end_object (w);
  text = pz_json_writer_free_to_string (g_steal_pointer (&w));

  for (guint i = 0; i < req->server->sockets->len; i++)
    {
      SoupWebsocketConnection *conn = g_ptr_array_index (req->server->sockets, i);
      const char *hash = g_object_get_data (G_OBJECT (conn), "pz-token-hash");
      g_autoptr(PzUser) user = NULL;

      if (soup_websocket_connection_get_state (conn) != SOUP_WEBSOCKET_STATE_OPEN)
        continue;
      user = pz_store_session_user (store, hash, req->now, NULL);
      if (user && user->roles && g_strv_contains ((const char * const *) user->roles, "kadis"))
        soup_websocket_connection_send_text (conn, text);
    }
}

void
handle_put_certificate (Req *req)
{
  static const char * const known[] = { "pkcs12", "passphrase", "current_passphrase", NULL };
  g_autoptr(JsonObject) body = read_json_body (req);
  g_autoptr(GPtrArray) details = pz_details_new ();
  g_autoptr(GBytes) p12 = NULL;
  g_autoptr(JsonObject) audit = json_object_new ();
  g_autofree char *guess_key = NULL;
  JsonNode *encoded, *passphrase, *current = NULL;
  KeyChange k = { 0 };

  if (body == NULL || !only_members (req, body, known) ||
      !get_member (req, body, "pkcs12", G_TYPE_STRING, TRUE, &encoded) ||
      !get_member (req, body, "passphrase", G_TYPE_STRING, TRUE, &passphrase) ||
      !get_member (req, body, "current_passphrase", G_TYPE_STRING, FALSE, &current))
    return;
  {
    gsize len = 0;
    guchar *data = g_base64_decode (json_node_get_string (encoded), &len);

    p12 = g_bytes_new_take (data, len);
  }
  if (g_bytes_get_size (p12) == 0 || g_bytes_get_size (p12) > MAX_PKCS12_BYTES)
    pz_detail_add (details, "pkcs12", "%s", _("Give the PKCS#12 file (.p12 or .pfx) in base64, at most 64 KiB"));
  if (!*json_node_get_string (passphrase))
    pz_detail_add (details, "passphrase", "%s", _("Give the passphrase that opens the file"));
  if (details->len)
    {
      send_error (req->msg, 422, "invalid", _("Some fields need attention"), details);
      return;
    }
  /* the current key's passphrase is the Kadis's secret: guessing it is
   * throttled like guessing it at a signing */
  if (current)
    {
      guess_key = throttle_user_key ("passphrase", req->user, client_address (req));
      if (!throttle_attempt (req, guess_key, client_address (req)))
        return;
    }
  k.engine = req->server->engine;
  k.p12 = p12;
  k.passphrase = json_node_get_string (passphrase);
  k.current_passphrase = current ? json_node_get_string (current) : NULL;
  k.now = req->now;
  /* never the key nor its passphrases in the audit log */
  json_object_set_int_member (audit, "bytes", (gint64) g_bytes_get_size (p12));
  json_object_set_boolean_member (audit, "confirmed_with_current_passphrase", current != NULL);
  if (!commit_admin_change (req, key_change, &k, "office.signing_certificate", "office", audit))
    {
      g_clear_error (&k.refusal);
      return;
    }
  if (guess_key)
    throttle_success (req->server, guess_key, client_address (req));
  announce_new_certificate (req);
  handle_get_office (req);
}

/* Permit types: every change is a new edition; files keep theirs */

typedef struct {
  gint64        office_id;
  PzPermitType *type;
} TypeChange;

static gboolean
put_permit_type_change (PzStore *store,
                        gpointer data,
                        GError **error)
{
  TypeChange *change = data;

  return pz_store_put_permit_type (store, change->office_id, change->type, error);
}

void
handle_put_permit_type (Req        *req,
                        const char *code)
{
  static const char * const known[] = {
    "code", "name", "workflow", "request_types", "requirements", "fields", "survey", "signing",
    "number_format", "validity_months", "service_days", "decree", "holder_photo", NULL
  };
  g_autoptr(JsonObject) body = read_json_body (req);

  g_autoptr(GPtrArray) details = pz_details_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PzPermitType) type = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonNode *member;
  PzPermitType *current = pz_engine_get_permit_type (req->server->engine, req->user->office_id, code);
  TypeChange change = { req->user->office_id, NULL };
  guint before = current ? current->version : 0;

  /* what a GET of the list added for reading only: a client may send back
   * the object it read */
  if (body && json_object_has_member (body, "next_sequence"))
    json_object_remove_member (body, "next_sequence");
  if (body == NULL || !only_members (req, body, known))
    return;
  member = json_object_get_member (body, "code");
  if (member && (!JSON_NODE_HOLDS_VALUE (member) || g_strcmp0 (json_node_get_string (member), code) != 0))
    {
      pz_detail_add (details, "code", "%s", _("The code in the address and in the body differ"));
      send_error (req->msg, 422, "invalid", _("Some fields need attention"), details);
      return;
    }
  json_object_set_string_member (body, "code", code);
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, body);
  if (!(type = pz_permit_type_new_from_json (node, &error)))
    pz_detail_add (details, "definition", "%s", error->message);
  else if (pz_engine_get_workflow (req->server->engine, type->workflow) == NULL)
    pz_detail_add (details, "workflow", _("There is no workflow “%s”"), type->workflow);
  if (details->len)
    {
      send_error (req->msg, 422, "invalid", _("Some fields need attention"), details);
      return;
    }
  change.type = type;
  if (!commit_admin_change (req, put_permit_type_change, &change, "permit_type.put", code, body))
    return;
  if (!reload_office (req->server, &error))
    g_warning ("The permit types could not be reloaded: %s", error->message);
  {
    g_autoptr(JsonNode) j = pz_permit_type_to_json (type);
    send_json (req->msg, before == 0 ? 201 : 200, j);
  }
}

void
handle_permit_type_versions (Req        *req,
                             const char *code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) versions = pz_store_load_permit_type_versions (pz_engine_get_store (req->server->engine),
                                                                      req->user->office_id, code, &error);
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);

  if (versions == NULL)
    {
      send_error (req->msg, 500, "internal", _("The permit type's editions could not be read"), NULL);
      return;
    }
  if (versions->len == 0)
    {
      send_error (req->msg, 404, "not_found", _("There is no such permit type"), NULL);
      return;
    }
  for (guint i = 0; i < versions->len; i++)
    json_array_add_element (array, pz_permit_type_to_json (g_ptr_array_index (versions, i)));
  json_node_set_array (node, array);
  send_json (req->msg, 200, node);
}

/* Acting officials (Plh/Plt) */

static JsonNode *
acting_json (PzActing *a,
             gint64    now)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, a->id);
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, a->role);
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, a->kind);
  json_builder_set_member_name (b, "starts_on");
  json_builder_add_string_value (b, a->starts_on);
  json_builder_set_member_name (b, "ends_on");
  json_builder_add_string_value (b, a->ends_on);
  json_builder_set_member_name (b, "state");
  json_builder_add_string_value (b, a->ended_at ? "ended_early"
                                    : now < a->starts_at ? "planned"
                                    : now < a->ends_at ? "in_force" : "over");
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

void
handle_list_acting (Req   *req,
                    gint64 user_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PzUser) user = pz_store_get_user (pz_engine_get_store (req->server->engine), req->user->office_id, user_id);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(JsonArray) items = json_array_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);

  if (user == NULL)
    {
      send_error (req->msg, 404, "not_found", _("There is no such user"), NULL);
      return;
    }
  if (!(list = pz_store_list_acting (pz_engine_get_store (req->server->engine), user_id, &error)))
    {
      send_error (req->msg, 500, "internal", _("The acting periods could not be read"), NULL);
      return;
    }
  for (guint i = 0; i < list->len; i++)
    json_array_add_element (items, acting_json (g_ptr_array_index (list, i), req->now));
  json_node_set_array (node, items);
  send_json (req->msg, 200, node);
}

typedef struct {
  PzActing *acting;
  gint64    by;
  gint64    now;
} ActingInsert;

static gboolean
insert_acting_change (PzStore *store,
                      gpointer data,
                      GError **error)
{
  ActingInsert *ins = data;

  ins->acting->id = pz_store_insert_acting (store, ins->acting, ins->by, ins->now, error);
  return ins->acting->id != 0;
}

/* The start of @date's day in the office's time zone. */
static gint64
office_midnight (Req   *req,
                 GDate *date)
{
  g_autoptr(GDateTime) dt = g_date_time_new (pz_engine_get_timezone (req->server->engine),
                                             g_date_get_year (date), g_date_get_month (date),
                                             g_date_get_day (date), 0, 0, 0);
  return g_date_time_to_unix (dt);
}

void
handle_create_acting (Req   *req,
                      gint64 user_id)
{
  static const char * const known[] = { "role", "kind", "starts_on", "ends_on", NULL };
  g_autoptr(JsonObject) body = read_json_body (req);
  g_autoptr(GPtrArray) details = pz_details_new ();
  g_autoptr(PzUser) user = pz_store_get_user (pz_engine_get_store (req->server->engine), req->user->office_id, user_id);
  JsonNode *role, *kind, *starts_on, *ends_on;
  GDate start, end;
  gboolean start_ok = FALSE, end_ok = FALSE;
  PzActing a = { 0 };

  if (user == NULL)
    {
      send_error (req->msg, 404, "not_found", _("There is no such user"), NULL);
      return;
    }
  if (body == NULL || !only_members (req, body, known) ||
      !get_member (req, body, "role", G_TYPE_STRING, TRUE, &role) ||
      !get_member (req, body, "kind", G_TYPE_STRING, TRUE, &kind) ||
      !get_member (req, body, "starts_on", G_TYPE_STRING, TRUE, &starts_on) ||
      !get_member (req, body, "ends_on", G_TYPE_STRING, TRUE, &ends_on))
    return;
  a.role = (char *) json_node_get_string (role);
  a.kind = (char *) json_node_get_string (kind);
  a.starts_on = (char *) json_node_get_string (starts_on);
  a.ends_on = (char *) json_node_get_string (ends_on);
  if (!pz_role_is_known (a.role) || g_str_equal (a.role, "admin") || g_str_equal (a.role, "pemohon"))
    pz_detail_add (details, "role", "%s", _("Choose an office role (an acting official cannot be an administrator)"));
  else if (!user->active)
    pz_detail_add (details, "role", "%s", _("This account is deactivated"));
  else if (g_strv_contains ((const char * const *) user->roles, a.role) &&
           pz_user_acting_kind (user, a.role) == NULL)
    pz_detail_add (details, "role", "%s", _("The user already holds this role"));
  if (!g_str_equal (a.kind, "plh") && !g_str_equal (a.kind, "plt"))
    pz_detail_add (details, "kind", "%s", _("Choose “plh” (standing in while the official is away) or “plt” (filling a vacant post)"));
  if (!(start_ok = strlen (a.starts_on) == 10 && pz_parse_date (a.starts_on, &start)))
    pz_detail_add (details, "starts_on", "%s", _("Give the first day as YYYY-MM-DD"));
  if (!(end_ok = strlen (a.ends_on) == 10 && pz_parse_date (a.ends_on, &end)))
    pz_detail_add (details, "ends_on", "%s", _("Give the last day as YYYY-MM-DD"));
  if (start_ok && end_ok)
    {
      a.starts_at = office_midnight (req, &start);
      g_date_add_days (&end, 1);
      a.ends_at = office_midnight (req, &end);
      if (a.ends_at <= a.starts_at)
        pz_detail_add (details, "ends_on", "%s", _("The last day cannot come before the first"));
      else if (a.ends_at <= req->now)
        pz_detail_add (details, "ends_on", "%s", _("This period is already over"));
    }
  if (details->len)
    {
      send_error (req->msg, 422, "invalid", _("Some fields need attention"), details);
      return;
    }
  a.user_id = user_id;
  {
    g_autofree char *target = g_strdup_printf ("%s %s:%s", user->username, a.kind, a.role);
    ActingInsert ins = { &a, req->user->id, req->now };

    if (!commit_admin_change (req, insert_acting_change, &ins, "acting.create", target, body))
      return;
  }
  {
    g_autoptr(JsonNode) j = acting_json (&a, req->now);
    send_json (req->msg, 201, j);
  }
}

typedef struct {
  gint64   user_id;
  gint64   id;
  gint64   now;
  gboolean found;
} ActingEnd;

static gboolean
end_acting_change (PzStore *store,
                   gpointer data,
                   GError **error)
{
  ActingEnd *e = data;
  g_autoptr(GError) local = NULL;

  e->found = pz_store_end_acting (store, e->user_id, e->id, e->now, &local);
  if (local)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (!e->found)
    g_set_error_literal (error, PZ_STORE_ERROR, PZ_STORE_ERROR_NOT_FOUND,
                         _("That period is neither running nor still to come"));
  return e->found;
}

void
handle_end_acting (Req   *req,
                   gint64 user_id,
                   gint64 id)
{
  g_autoptr(JsonObject) none = json_object_new ();
  g_autoptr(PzUser) user = pz_store_get_user (pz_engine_get_store (req->server->engine), req->user->office_id, user_id);
  g_autofree char *target = NULL;
  ActingEnd e = { user_id, id, req->now, FALSE };

  if (user == NULL)
    {
      send_error (req->msg, 404, "not_found", _("There is no such user"), NULL);
      return;
    }
  target = g_strdup_printf ("%s #%" G_GINT64_FORMAT, user->username, id);
  json_object_set_int_member (none, "id", id);
  if (commit_admin_change (req, end_acting_change, &e, "acting.end", target, none))
    soup_server_message_set_status (req->msg, 204, NULL);
}

GQuark
started_quark (void)
{
  return g_quark_from_static_string ("pz-request-started");
}
