/*
 * jws.c - compact JWS with Ed25519 (RFC 7515, RFC 8037) and Ed25519
 * JWKs with RFC 7638 thumbprints, on libsodium.
 *
 * Ed25519 signatures are deterministic (RFC 8032 section 5.1.6), so
 * signing the RFC 8037 appendix A.4 example reproduces its signature
 * byte for byte; the tests hold the code to that.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "battgrade/jcs.h"
#include "battgrade/jws.h"
#include "battgrade/models.h"
#include "i18n.h"

#define B64V sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define MAX_KEYFILE (1024 * 1024)
/* Key ids are RFC 7638 thumbprints: base64url characters only. */
#define B64URL_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
	"0123456789-_"

char *bg_b64url_encode(const void *bin, size_t len)
{
	size_t n = sodium_base64_ENCODED_LEN(len, B64V);
	char *out = malloc(n);

	if (out)
		sodium_bin2base64(out, n, bin, len, B64V);
	return out;
}

long bg_b64url_decode(unsigned char *out, size_t outmax, const char *s,
		      size_t len)
{
	const char *end;
	size_t n;

	/* libsodium rejects padding and non-zero trailing bits in this
	 * variant; a stop before the end means a stray character. */
	if (sodium_base642bin(out, outmax, s, len, NULL, &n, &end, B64V) != 0
	    || end != s + len)
		return -1;
	return (long)n;
}

void bg_jwk_thumbprint(char kid[BG_JWK_KID_MAX],
		       const unsigned char pk[BG_ED25519_PUBLIC_BYTES])
{
	char x[64], json[128];
	unsigned char h[crypto_hash_sha256_BYTES];
	int n;

	/* RFC 7638 section 3.2: required members only, sorted, no
	 * whitespace; for OKP they are crv, kty, x (RFC 8037 appendix
	 * A.3). */
	sodium_bin2base64(x, sizeof(x), pk, BG_ED25519_PUBLIC_BYTES, B64V);
	n = snprintf(json, sizeof(json),
		     "{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"%s\"}", x);
	crypto_hash_sha256(h, (const unsigned char *)json, (size_t)n);
	sodium_bin2base64(kid, BG_JWK_KID_MAX, h, sizeof(h), B64V);
}

static int str_member(const bg_json *v, const char *name, const char *want)
{
	const char *s = bg_json_string(bg_json_member(v, name), NULL);

	return s && strcmp(s, want) == 0;
}

static int jwk_from_tree(bg_jwk *out, const bg_json *v, const char *name,
			 bg_error *err)
{
	const char *x, *kid;
	size_t xlen;

	if (!v || bg_json_typeof(v) != BG_JSON_OBJECT)
		return bg_error_set(err, BG_EDATA, name, 0, 0,
				    _("a JWK must be a JSON object"));
	if (!str_member(v, "kty", "OKP") || !str_member(v, "crv", "Ed25519"))
		return bg_error_set(err, BG_EDATA, name, 0, 0,
				    _("not an Ed25519 key (need kty OKP, crv Ed25519)"));
	if (bg_json_member(v, "d"))
		return bg_error_set(err, BG_EDATA, name, 0, 0,
				    _("public key file holds a private key ('d'): refusing it"));
	x = bg_json_string(bg_json_member(v, "x"), &xlen);
	if (!x || bg_b64url_decode(out->pk, sizeof(out->pk), x, xlen) !=
	    BG_ED25519_PUBLIC_BYTES)
		return bg_error_set(err, BG_EDATA, name, 0, 0,
				    _("JWK 'x' is not a base64url Ed25519 public key"));
	bg_jwk_thumbprint(out->kid, out->pk);
	kid = bg_json_string(bg_json_member(v, "kid"), NULL);
	if (kid && strcmp(kid, out->kid) != 0)
		return bg_error_set(err, BG_EDATA, name, 0, 0,
				    _("JWK 'kid' '%s' is not the key's thumbprint '%s'"),
				    kid, out->kid);
	return 0;
}

int bg_jwk_from_json(bg_jwk *out, const char *json, size_t len,
		     const char *name, bg_error *err)
{
	bg_json *v;
	int rc;

	rc = bg_json_parse(&v, json, len, name, err);
	if (rc < 0)
		return rc;
	rc = jwk_from_tree(out, v, name, err);
	bg_json_free(v);
	return rc;
}

int bg_jwk_to_json(char **out, const bg_jwk *key, bg_error *err)
{
	char x[64];
	size_t n = 160;

	sodium_bin2base64(x, sizeof(x), key->pk, sizeof(key->pk), B64V);
	*out = malloc(n);
	if (!*out)
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
				    _("out of memory"));
	snprintf(*out, n,
		 "{\"crv\":\"Ed25519\",\"kid\":\"%s\",\"kty\":\"OKP\",\"x\":\"%s\"}",
		 key->kid, x);
	return 0;
}

void bg_jwk_set_init(bg_jwk_set *set)
{
	memset(set, 0, sizeof(*set));
}

void bg_jwk_set_release(bg_jwk_set *set)
{
	free(set->keys);
	memset(set, 0, sizeof(*set));
}

int bg_jwk_set_add(bg_jwk_set *set, const bg_jwk *key, bg_error *err)
{
	bg_jwk *nk;
	size_t ncap;

	if (bg_jwk_set_find(set, key->kid))
		return 0;
	if (set->n == set->cap) {
		ncap = set->cap ? set->cap * 2 : 4;
		nk = realloc(set->keys, ncap * sizeof(*nk));
		if (!nk)
			return bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
					    _("out of memory"));
		set->keys = nk;
		set->cap = ncap;
	}
	set->keys[set->n++] = *key;
	return 0;
}

const bg_jwk *bg_jwk_set_find(const bg_jwk_set *set, const char *kid)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (strcmp(set->keys[i].kid, kid) == 0)
			return &set->keys[i];
	return NULL;
}

static int add_array(bg_jwk_set *set, const bg_json *arr, const char *name,
		     bg_error *err)
{
	const bg_json *item;
	bg_jwk key;
	size_t i;
	int rc;

	for (i = 0; (item = bg_json_item(arr, i)) != NULL; i++) {
		rc = jwk_from_tree(&key, item, name, err);
		if (rc == 0)
			rc = bg_jwk_set_add(set, &key, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int bg_jwk_set_add_json(bg_jwk_set *set, const char *json, size_t len,
			const char *name, bg_error *err)
{
	const bg_json *keys;
	bg_json *v;
	bg_jwk key;
	int rc;

	rc = bg_json_parse(&v, json, len, name, err);
	if (rc < 0)
		return rc;
	keys = bg_json_member(v, "keys");
	if (keys && bg_json_typeof(keys) == BG_JSON_ARRAY) {
		rc = add_array(set, keys, name, err);
	} else {
		rc = jwk_from_tree(&key, v, name, err);
		if (rc == 0)
			rc = bg_jwk_set_add(set, &key, err);
	}
	bg_json_free(v);
	return rc;
}

static int load_file(bg_jwk_set *set, const char *path, bg_error *err)
{
	char *text;
	size_t len;
	int rc;

	rc = bg_read_file(&text, &len, path, MAX_KEYFILE, err);
	if (rc < 0)
		return rc;
	rc = bg_jwk_set_add_json(set, text, len, path, err);
	free(text);
	return rc;
}

static int key_name(const char *n)
{
	size_t len = strlen(n);

	if (n[0] == '.')
		return 0;
	return (len > 4 && strcmp(n + len - 4, ".jwk") == 0) ||
	       (len > 5 && strcmp(n + len - 5, ".json") == 0);
}

static int load_dir(bg_jwk_set *set, const char *path, bg_error *err)
{
	struct dirent *de;
	char full[4096];
	size_t files = 0;
	DIR *d = opendir(path);
	int rc = 0;

	if (!d)
		return bg_error_set(err, BG_EIO, path, 0, 0, "%s",
				    strerror(errno));
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (!key_name(de->d_name))
			continue;
		if (snprintf(full, sizeof(full), "%s/%s", path, de->d_name) >=
		    (int)sizeof(full))
			continue;
		rc = load_file(set, full, err);
		files++;
	}
	closedir(d);
	if (rc == 0 && files == 0)
		rc = bg_error_set(err, BG_EDATA, path, 0, 0,
				  _("no *.jwk key files in this directory"));
	return rc;
}

int bg_jwk_set_load(bg_jwk_set *set, const char *path, bg_error *err)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return bg_error_set(err, errno == ENOENT ? BG_ENOENT : BG_EIO,
				    path, 0, 0, "%s", strerror(errno));
	if (S_ISDIR(st.st_mode))
		return load_dir(set, path, err);
	return load_file(set, path, err);
}

int bg_jws_sign(char **out, const char *header_json, const void *payload,
		size_t len, int detached,
		const unsigned char sk[BG_ED25519_SECRET_BYTES],
		bg_error *err)
{
	unsigned char sig[BG_ED25519_SIG_BYTES];
	char *h, *p, *s, *input = NULL;
	size_t hl, pl, sl;
	int rc = BG_ENOMEM;

	*out = NULL;
	h = bg_b64url_encode(header_json, strlen(header_json));
	p = bg_b64url_encode(payload, len);
	if (!h || !p)
		goto done;
	hl = strlen(h);
	pl = strlen(p);
	input = malloc(hl + pl + 2 + sodium_base64_ENCODED_LEN(sizeof(sig), B64V));
	if (!input)
		goto done;
	/* RFC 7515 section 5.1: sign ASCII(BASE64URL(header) || '.' ||
	 * BASE64URL(payload)), even when the payload is then detached. */
	memcpy(input, h, hl);
	input[hl] = '.';
	memcpy(input + hl + 1, p, pl + 1);
	crypto_sign_detached(sig, NULL, (const unsigned char *)input,
			     hl + 1 + pl, sk);
	if (detached)
		input[hl + 1] = '\0';
	sl = strlen(input);
	input[sl] = '.';
	s = input + sl + 1;
	sodium_bin2base64(s, sodium_base64_ENCODED_LEN(sizeof(sig), B64V), sig,
			  sizeof(sig), B64V);
	*out = input;
	input = NULL;
	rc = 0;
done:
	free(h);
	free(p);
	free(input);
	if (rc < 0)
		bg_error_set(err, rc, NULL, 0, 0, _("out of memory"));
	return rc;
}

int bg_jws_sign_detached(char **out, const void *payload, size_t len,
			 const unsigned char sk[BG_ED25519_SECRET_BYTES],
			 const char *kid, bg_error *err)
{
	char header[128];

	/* Canonical (RFC 8785) header: members already in order. */
	snprintf(header, sizeof(header), "{\"alg\":\"EdDSA\",\"kid\":\"%s\"}",
		 kid);
	return bg_jws_sign(out, header, payload, len, 1, sk, err);
}

static int check_header(bg_jws *out, const char *b64, size_t len,
			bg_error *err)
{
	unsigned char hdr[1024];
	const bg_json *kid;
	const char *k;
	bg_json *v;
	long n;
	int rc;

	n = bg_b64url_decode(hdr, sizeof(hdr), b64, len);
	if (n < 0)
		return bg_error_set(err, BG_EDATA, NULL, 0, 0,
				    _("JWS header is not base64url (or too long)"));
	rc = bg_json_parse(&v, (const char *)hdr, (size_t)n, "JWS header", err);
	if (rc < 0)
		return rc;
	rc = BG_EDATA;
	kid = bg_json_member(v, "kid");
	k = bg_json_string(kid, NULL);
	if (!str_member(v, "alg", "EdDSA"))
		bg_error_set(err, rc, NULL, 0, 0,
			     _("JWS 'alg' is not EdDSA"));
	else if (bg_json_member(v, "crit"))
		bg_error_set(err, rc, NULL, 0, 0,
			     _("JWS header has 'crit' extensions this verifier does not know"));
	else if (kid && (!k || strlen(k) >= sizeof(out->kid) ||
			 strspn(k, B64URL_CHARS) != strlen(k)))
		bg_error_set(err, rc, NULL, 0, 0, _("JWS 'kid' is malformed"));
	else
		rc = 0;
	if (rc == 0 && k)
		memcpy(out->kid, k, strlen(k) + 1);
	bg_json_free(v);
	return rc;
}

int bg_jws_parse(bg_jws *out, const char *compact, size_t len,
		 bg_error *err)
{
	const char *d1, *d2;
	int rc;

	memset(out, 0, sizeof(*out));
	d1 = memchr(compact, '.', len);
	d2 = d1 ? memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - compact)) : NULL;
	if (!d2 || memchr(d2 + 1, '.', len - (size_t)(d2 + 1 - compact)))
		return bg_error_set(err, BG_EDATA, NULL, 0, 0,
				    _("a compact JWS has exactly three parts"));
	out->header_len = (size_t)(d1 - compact);
	out->payload_len = (size_t)(d2 - d1 - 1);
	if (bg_b64url_decode(out->sig, sizeof(out->sig), d2 + 1,
			     len - (size_t)(d2 + 1 - compact)) !=
	    BG_ED25519_SIG_BYTES)
		return bg_error_set(err, BG_EDATA, NULL, 0, 0,
				    _("JWS signature is not 64 base64url bytes"));
	rc = check_header(out, compact, out->header_len, err);
	if (rc < 0)
		return rc;
	out->text = malloc(len + 1);
	if (!out->text)
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
				    _("out of memory"));
	memcpy(out->text, compact, len);
	out->text[len] = '\0';
	return 0;
}

void bg_jws_release(bg_jws *jws)
{
	free(jws->text);
	memset(jws, 0, sizeof(*jws));
}

int bg_jws_verify(const bg_jws *jws, const void *payload, size_t len,
		  const unsigned char pk[BG_ED25519_PUBLIC_BYTES],
		  bg_error *err)
{
	char *p = NULL, *input;
	size_t pl, hl = jws->header_len;
	int rc;

	if ((payload != NULL) == (jws->payload_len != 0))
		return bg_error_set(err, BG_EDATA, NULL, 0, 0,
				    payload ? _("JWS payload is not detached")
					    : _("JWS payload is detached but none was given"));
	if (payload) {
		p = bg_b64url_encode(payload, len);
		if (!p)
			return bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
					    _("out of memory"));
		pl = strlen(p);
	} else {
		pl = jws->payload_len;
	}
	input = malloc(hl + pl + 2);
	if (!input) {
		free(p);
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
				    _("out of memory"));
	}
	memcpy(input, jws->text, hl + 1);
	memcpy(input + hl + 1, p ? p : jws->text + hl + 1, pl);
	rc = crypto_sign_verify_detached(jws->sig, (unsigned char *)input,
					 hl + 1 + pl, pk);
	free(input);
	free(p);
	if (rc != 0)
		return bg_error_set(err, BG_EAUTH, NULL, 0, 0,
				    _("bad signature"));
	return 0;
}
