/*
 * regverify.c - the registry's acceptance checks for an upload.
 *
 * Order matters for the answer the client gets: not JSON at all is 400,
 * anything else wrong (shape, id, signature, key) is 422.  The digest
 * that decides "identical" versus "conflict" is taken over cJSON's
 * unformatted print of the parsed document, so a re-upload that only
 * differs in whitespace still counts as the same certificate.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sodium.h>

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

static void copy_field(char *dst, const cJSON *v)
{
	if (cJSON_IsString(v))
		snprintf(dst, BG_REGVERIFY_FIELD, "%s", v->valuestring);
	else
		dst[0] = '\0';
}

/* First string member found among the given paths ("a.b"). */
static const cJSON *pick(const cJSON *body, const char *const *paths)
{
	char part[64];
	const cJSON *v;
	const char *p, *dot;

	for (; *paths; paths++) {
		v = body;
		for (p = *paths; v && *p; p = dot ? dot + 1 : p + strlen(p)) {
			dot = strchr(p, '.');
			snprintf(part, sizeof(part), "%.*s",
				 (int)(dot ? (size_t)(dot - p) : strlen(p)), p);
			v = cJSON_GetObjectItemCaseSensitive(v, part);
		}
		if (cJSON_IsString(v))
			return v;
	}
	return NULL;
}

static void digest_of(const cJSON *doc, char hex[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char *s = cJSON_PrintUnformatted(doc);

	hex[0] = '\0';
	if (!s)
		return;
	crypto_hash_sha256(h, (const unsigned char *)s, strlen(s));
	sodium_bin2hex(hex, 65, h, sizeof(h));
	free(s);
}

/* The index fields; the id and module are required. */
static int index_fields(const cJSON *body, bg_upload_info *out,
			bg_error *err)
{
	static const char *const module[] = { "subject.module_id",
		"subject.moduleId", "module_id", NULL };
	static const char *const pack[] = { "subject.pack_id",
		"subject.packId", "pack_id", NULL };
	static const char *const grade[] = { "decision.grade", "grade", NULL };
	static const char *const issuer[] = { "issuer.id", "issuer", NULL };
	static const char *const issued[] = { "issued_at", "issuedAt", NULL };

	copy_field(out->module_id, pick(body, module));
	copy_field(out->pack_id, pick(body, pack));
	copy_field(out->grade, pick(body, grade));
	copy_field(out->issuer_id, pick(body, issuer));
	copy_field(out->issued_at, pick(body, issued));
	if (!out->module_id[0] || !out->grade[0] || !out->issued_at[0])
		return bg_error_set(err, BG_EDATA, NULL, 0, 0, _("certificate "
				    "lacks its module id, grade or issue "
				    "time"));
	return 0;
}

/*
 * The one place the signature is checked.  Until the certificate
 * module's verifier is merged this only finds the key named in the JWS
 * header among the issuer's keys.
 */
static int verify_signature(const char *json, size_t len,
			    const cJSON *doc, const char *keys_json,
			    bg_upload_info *out, bg_error *err)
{
	const cJSON *sig = cJSON_GetObjectItemCaseSensitive(doc, "signature");
	unsigned char hdr[512];
	size_t hlen = 0;
	const char *dot;
	cJSON *h, *keys;
	const cJSON *kid, *k;
	int found = 0;

	(void)json;
	(void)len;
	(void)out;
	dot = strchr(sig->valuestring, '.');
	if (!dot || sodium_base642bin(hdr, sizeof(hdr) - 1, sig->valuestring,
				      (size_t)(dot - sig->valuestring), NULL,
				      &hlen, NULL,
				      sodium_base64_VARIANT_URLSAFE_NO_PADDING))
		return bg_error_set(err, BG_EDATA, NULL, 0, 0,
				    _("signature is not a compact JWS"));
	hdr[hlen] = '\0';
	h = cJSON_Parse((const char *)hdr);
	keys = cJSON_Parse(keys_json);
	kid = cJSON_GetObjectItemCaseSensitive(h, "kid");
	cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(keys, "keys")) {
		const cJSON *kk = cJSON_GetObjectItemCaseSensitive(k, "kid");

		if (cJSON_IsString(kid) && cJSON_IsString(kk) &&
		    !strcmp(kid->valuestring, kk->valuestring))
			found = 1;
	}
	cJSON_Delete(h);
	cJSON_Delete(keys);
	return found ? 0 : bg_error_set(err, BG_EDATA, NULL, 0, 0,
					_("signed with a key not registered "
					  "for this issuer"));
}

static int check_shape(const cJSON *doc, bg_upload_info *out, bg_error *err)
{
	const cJSON *body = cJSON_GetObjectItemCaseSensitive(doc,
							    "certificate");
	const cJSON *sig = cJSON_GetObjectItemCaseSensitive(doc, "signature");
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(body, "id");

	if (!cJSON_IsObject(doc) || !cJSON_IsObject(body) ||
	    !cJSON_IsString(sig))
		return bg_error_set(err, BG_EDATA, NULL, 0, 0, _("not a "
				    "certificate file: needs \"certificate\" "
				    "and \"signature\""));
	if (!cJSON_IsString(id) || !bg_regverify_id_ok(id->valuestring))
		return bg_error_set(err, BG_EDATA, NULL, 0, 0, _("certificate "
				    "id missing or malformed"));
	copy_field(out->id, id);
	return index_fields(body, out, err);
}

int bg_regverify_upload(const char *json, size_t len, const char *keys_json,
			bg_upload_info *out, bg_error *err)
{
	cJSON *doc;
	int rc;

	memset(out, 0, sizeof(*out));
	doc = cJSON_ParseWithLength(json, len);
	if (!doc) {
		out->malformed = 1;
		return bg_error_set(err, BG_EDATA, NULL, 0, 0,
				    _("body is not valid JSON"));
	}
	rc = check_shape(doc, out, err);
	if (!rc)
		rc = verify_signature(json, len, doc, keys_json, out, err);
	if (!rc)
		digest_of(doc, out->digest);
	cJSON_Delete(doc);
	return rc;
}
