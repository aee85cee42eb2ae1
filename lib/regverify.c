/*
 * regverify.c - the registry's acceptance checks for an upload.
 *
 * Not JSON at all is 400, anything else wrong (shape, schema, id,
 * signature, key) is 422.
 * Everything about the certificate itself is decided by bg_cert_verify
 * (cert.h); the registry adds only that the key must be one registered
 * for the issuer whose token came with the upload.  The digest
 * that decides "identical" versus "conflict" is the SHA-256 of the bytes
 * as uploaded: the registry serves those very bytes back, so "identical"
 * means byte for byte (a trailing newline aside).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "battgrade/cert.h"
#include "battgrade/jws.h"
#include "battgrade/regverify.h"
#include "i18n.h"

int bg_regverify_id_ok(const char *id)
{
	size_t i, n = strlen(id);

	if (n == 0 || n > 128 || id[0] == '.' || id[0] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		char c = id[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == ':' || c == '-'))
			return 0;
	}
	return 1;
}

/* SHA-256 of the document as uploaded, trailing white space aside. */
static void digest_of(const char *json, size_t len, char hex[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	while (len && (json[len - 1] == '\n' || json[len - 1] == '\r' ||
		       json[len - 1] == ' ' || json[len - 1] == '\t'))
		len--;
	crypto_hash_sha256(h, (const unsigned char *)json, len);
	sodium_bin2hex(hex, 65, h, sizeof(h));
}

static void copy_info(bg_upload_info *out, const bg_cert_info *in)
{
	snprintf(out->id, sizeof(out->id), "%s", in->id);
	snprintf(out->module_id, sizeof(out->module_id), "%s", in->module_id);
	snprintf(out->pack_id, sizeof(out->pack_id), "%s", in->pack_id);
	snprintf(out->grade, sizeof(out->grade), "%s", in->grade);
	snprintf(out->issuer_id, sizeof(out->issuer_id), "%s", in->issuer_id);
	snprintf(out->issued_at, sizeof(out->issued_at), "%s", in->issued_at);
}

/*
 * The one place the signature is checked: the certificate module's
 * verifier (schema, canonical body, id, key id, Ed25519), against only
 * the keys of the uploading issuer.
 */
static int verify_signature(const char *json, size_t len,
			    const char *keys_json, bg_upload_info *out,
			    bg_error *err)
{
	bg_jwk_set keys;
	bg_cert_info info;
	int rc;

	memset(&info, 0, sizeof(info));
	bg_jwk_set_init(&keys);
	rc = bg_jwk_set_add_json(&keys, keys_json, strlen(keys_json),
				 "issuer keys", err);
	if (!rc)
		rc = bg_cert_verify(json, len, &keys, &info, err);
	bg_jwk_set_release(&keys);
	copy_info(out, &info);
	if (!rc && !bg_regverify_id_ok(out->id))
		rc = bg_error_set(err, BG_EDATA, NULL, 0, 0,
				  _("certificate id '%s' is malformed"),
				  out->id);
	return rc == BG_ENOMEM ? rc : rc ? BG_EDATA : 0;
}

int bg_regverify_upload(const char *json, size_t len, const char *keys_json,
			bg_upload_info *out, bg_error *err)
{
	cJSON *doc;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = verify_signature(json, len, keys_json, out, err);
	if (!rc) {
		digest_of(json, len, out->digest);
		return 0;
	}
	/* Only a refused upload is parsed again, to tell "not JSON at all"
	 * (400) from "JSON but not a valid certificate" (422). */
	doc = cJSON_ParseWithLength(json, len);
	if (!doc) {
		out->malformed = 1;
		bg_error_set(err, BG_EDATA, NULL, 0, 0,
			     _("body is not valid JSON"));
	}
	cJSON_Delete(doc);
	return rc;
}
