/*
 * cert.c - signing and verifying battgrade-certificate/1 files.
 *
 * The signature covers the RFC 8785 canonical body.  A verifier could
 * canonicalise whatever it receives and check that, but then two
 * different files would carry the same valid signature; instead the
 * body must already be canonical byte for byte, so a certificate has
 * exactly one valid encoding and any re-encoding is caught as such.
 * The id is a hash of the body, so a changed body shows as "tampered"
 * before the signature is even looked at, and a registry can dedupe
 * by id.
 */
#include "config.h"

#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "battgrade/cert.h"
#include "battgrade/jcs.h"
#include "i18n.h"

const char *bg_cert_reason_name(bg_cert_reason reason)
{
	static const char *const names[] = {
		"valid", "malformed", "schema violation", "non-canonical",
		"tampered body", "unknown key", "bad signature",
	};

	if ((unsigned)reason >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[reason];
}

/* ---- time ---- */

int bg_cert_time(char *buf, size_t len, time_t t)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return BG_EINVAL;
	return 0;
}

static int all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (H. Hinnant, "chrono-compatible low-level date algorithms"). */
static long days_from_civil(long y, long m, long d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static long num(const char *s, size_t n)
{
	long v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* "YYYY-MM-DD": 0 and the day number, or -1. */
static int parse_date(const char *s, long *days)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
				     30, 31 };
	long y, m, d;

	if (strlen(s) < 10 || !all_digits(s, 4) || s[4] != '-' ||
	    !all_digits(s + 5, 2) || s[7] != '-' || !all_digits(s + 8, 2))
		return -1;
	y = num(s, 4), m = num(s + 5, 2), d = num(s + 8, 2);
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return -1;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return -1;
	*days = days_from_civil(y, m, d);
	return 0;
}

int bg_cert_parse_time(time_t *out, const char *s, bg_error *err)
{
	long days, h, mi, se;
	char *end;
	long long e;

	if (*s && all_digits(s, strlen(s)) && strlen(s) <= 12) {
		e = strtoll(s, &end, 10);
		*out = (time_t)e;
		return 0;
	}
	if (strlen(s) != 20 || parse_date(s, &days) < 0 || s[10] != 'T' ||
	    !all_digits(s + 11, 2) || s[13] != ':' || !all_digits(s + 14, 2) ||
	    s[16] != ':' || !all_digits(s + 17, 2) || s[19] != 'Z')
		return bg_error_set(err, BG_EDATA, NULL, 0, 0,
				    _("'%s' is not a UTC time like 2026-01-31T12:00:00Z"),
				    s);
	h = num(s + 11, 2), mi = num(s + 14, 2), se = num(s + 17, 2);
	if (h > 23 || mi > 59 || se > 59)
		return bg_error_set(err, BG_EDATA, NULL, 0, 0,
				    _("'%s' is not a valid time of day"), s);
	*out = (time_t)(days * 86400 + h * 3600 + mi * 60 + se);
	return 0;
}

/* ---- schema ---- */

struct sc {
	bg_error *err;
	int rc;
};

static int sfail(struct sc *c, const char *path, const char *what)
{
	if (c->rc == 0)
		c->rc = bg_error_set(c->err, BG_EDATA, NULL, 0, 0,
				     _("schema violation: %s %s"), path, what);
	return 0;
}

static const bg_json *obj(struct sc *c, const bg_json *v, const char *name,
			  const char *path)
{
	const bg_json *m = bg_json_member(v, name);

	if (!m || bg_json_typeof(m) != BG_JSON_OBJECT) {
		sfail(c, path, _("must be an object"));
		return NULL;
	}
	return m;
}

static const bg_json *arr(struct sc *c, const bg_json *v, const char *name,
			  const char *path)
{
	const bg_json *m = bg_json_member(v, name);

	if (!m || bg_json_typeof(m) != BG_JSON_ARRAY) {
		sfail(c, path, _("must be an array"));
		return NULL;
	}
	return m;
}

/* A short printable name: 1..128 bytes, no control characters. */
static const char *name_str(struct sc *c, const bg_json *v,
			    const char *name, const char *path, int optional)
{
	const bg_json *m = bg_json_member(v, name);
	const char *s;
	size_t len, i;

	if (optional && (!m || bg_json_typeof(m) == BG_JSON_NULL))
		return NULL;
	s = bg_json_string(m, &len);
	if (!s || len == 0 || len >= BG_CERT_NAME_MAX) {
		sfail(c, path, _("must be a string of 1 to 128 bytes"));
		return NULL;
	}
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			sfail(c, path, _("must not contain control characters"));
			return NULL;
		}
	return s;
}

static int is_hex(const char *s, size_t n)
{
	size_t i;

	if (!s || strlen(s) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static void sha_str(struct sc *c, const bg_json *v, const char *name,
		    const char *path)
{
	if (!is_hex(bg_json_string(bg_json_member(v, name), NULL), 64))
		sfail(c, path, _("must be 64 lowercase hex digits (SHA-256)"));
}

static const char *const top_members[] = {
	"schema", "id", "issuedAt", "validUntil", "issuer", "subject",
	"history", "measuredState", "impedance", "degradationModel",
	"decision", "provenance", "registry", NULL
};

static void check_top(struct sc *c, const bg_json *b)
{
	const char *s;
	size_t i, n = bg_json_count(b);
	time_t t;
	long days;

	/* Unknown members are refused: a verifier must understand all it
	 * vouches for (names are unique, so counting the known suffices). */
	for (i = 0; top_members[i]; i++)
		if (bg_json_member(b, top_members[i]))
			n--;
	if (n != 0)
		sfail(c, "certificate", _("has members this schema does not define"));
	s = bg_json_string(bg_json_member(b, "schema"), NULL);
	if (!s || strcmp(s, BG_CERT_SCHEMA_ID) != 0)
		sfail(c, "schema", _("must be \"battgrade-certificate/1\""));
	s = bg_json_string(bg_json_member(b, "id"), NULL);
	if (!s || strncmp(s, "bgc-", 4) != 0 || !is_hex(s + 4, 32))
		sfail(c, "id", _("must be \"bgc-\" and 32 lowercase hex digits"));
	s = bg_json_string(bg_json_member(b, "issuedAt"), NULL);
	if (!s || bg_cert_parse_time(&t, s, NULL) < 0 || strlen(s) != 20)
		sfail(c, "issuedAt", _("must be a UTC time YYYY-MM-DDThh:mm:ssZ"));
	s = bg_json_string(bg_json_member(b, "validUntil"), NULL);
	if (!s || strlen(s) != 10 || parse_date(s, &days) < 0)
		sfail(c, "validUntil", _("must be a date YYYY-MM-DD"));
	if (bg_json_member(b, "registry"))
		name_str(c, b, "registry", "registry", 1);
	if (bg_json_member(b, "impedance") &&
	    bg_json_typeof(bg_json_member(b, "impedance")) != BG_JSON_NULL)
		obj(c, b, "impedance", "impedance");
	obj(c, b, "history", "history");
	obj(c, b, "measuredState", "measuredState");
	obj(c, b, "degradationModel", "degradationModel");
}

static void check_decision(struct sc *c, const bg_json *b)
{
	const bg_json *d = obj(c, b, "decision", "decision"), *p;
	const char *g;

	if (!d)
		return;
	g = bg_json_string(bg_json_member(d, "grade"), NULL);
	if (!g || (strcmp(g, "RETEST") != 0 &&
		   (strlen(g) != 1 || !strchr("ABCR", g[0]))))
		sfail(c, "decision.grade",
		      _("must be one of A, B, C, R, RETEST"));
	arr(c, d, "applications", "decision.applications");
	arr(c, d, "rules", "decision.rules");
	p = obj(c, d, "policy", "decision.policy");
	if (!p)
		return;
	name_str(c, p, "name", "decision.policy.name", 0);
	name_str(c, p, "version", "decision.policy.version", 0);
	sha_str(c, p, "sha256", "decision.policy.sha256");
}

static void check_parties(struct sc *c, const bg_json *b)
{
	const bg_json *o;

	if ((o = obj(c, b, "issuer", "issuer")) != NULL) {
		name_str(c, o, "id", "issuer.id", 0);
		name_str(c, o, "facility", "issuer.facility", 1);
		name_str(c, o, "operator", "issuer.operator", 1);
	}
	if ((o = obj(c, b, "subject", "subject")) != NULL) {
		name_str(c, o, "moduleId", "subject.moduleId", 0);
		name_str(c, o, "packId", "subject.packId", 0);
	}
}

static void check_provenance(struct sc *c, const bg_json *b)
{
	const bg_json *p = obj(c, b, "provenance", "provenance"), *in, *t, *f;
	size_t i;

	if (!p)
		return;
	in = arr(c, p, "inputs", "provenance.inputs");
	for (i = 0; in && (f = bg_json_item(in, i)) != NULL; i++) {
		if (bg_json_typeof(f) != BG_JSON_OBJECT) {
			sfail(c, "provenance.inputs[]", _("must be objects"));
			break;
		}
		if (!bg_json_string(bg_json_member(f, "file"), NULL))
			sfail(c, "provenance.inputs[].file", _("must be a string"));
		sha_str(c, f, "sha256", "provenance.inputs[].sha256");
	}
	if ((t = obj(c, p, "tool", "provenance.tool")) != NULL) {
		name_str(c, t, "name", "provenance.tool.name", 0);
		name_str(c, t, "version", "provenance.tool.version", 0);
	}
}

/* The body against battgrade-certificate/1; 0 or BG_EDATA. */
static int check_schema(const bg_json *body, bg_error *err)
{
	struct sc c = { err, 0 };

	if (bg_json_typeof(body) != BG_JSON_OBJECT)
		return sfail(&c, "certificate", _("must be an object")), c.rc;
	check_top(&c, body);
	check_parties(&c, body);
	check_decision(&c, body);
	check_provenance(&c, body);
	return c.rc;
}

/* ---- id ---- */

/*
 * The id of a canonical body: SHA-256 over the canonical form of the
 * body without its "id" member.  Removing a member from canonical JSON
 * leaves it canonical, so nothing is re-encoded: the bytes of
 * "id":"..." (and one comma) are cut out of the body's source bytes,
 * which the caller has checked to be canonical.
 */
static int derive_id(char id[BG_CERT_ID_MAX], const char *src,
		     const bg_json *body, bg_error *err)
{
	static const char key[] = "\"id\":";
	const size_t klen = sizeof(key) - 1;
	const bg_json *v = bg_json_member(body, "id");
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state st;
	size_t boff, blen, off, vlen, cut, cutlen;

	bg_json_span(body, &boff, &blen);
	bg_json_span(v, &off, &vlen);
	cut = off - klen;
	cutlen = vlen + klen;
	if (off < boff + 1 + klen || memcmp(src + cut, key, klen) != 0)
		return bg_error_set(err, BG_EINTERNAL, NULL, 0, 0,
				    "id member not where expected");
	if (src[cut - 1] == ',')        /* not the first member */
		cut--, cutlen++;
	else if (src[cut + cutlen] == ',')
		cutlen++;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)src + boff,
				  cut - boff);
	crypto_hash_sha256_update(&st, (const unsigned char *)src + cut +
				  cutlen, boff + blen - cut - cutlen);
	crypto_hash_sha256_final(&st, h);
	memcpy(id, "bgc-", 4);
	sodium_bin2hex(id + 4, BG_CERT_ID_MAX - 4, h, 16);
	return 0;
}

static void set_code(bg_error *err, int code)
{
	if (err)
		err->code = code;
}

/* ---- verify ---- */

static void copy_str(char *dst, size_t n, const bg_json *v)
{
	const char *s = bg_json_string(v, NULL);

	if (s && strlen(s) < n)
		memcpy(dst, s, strlen(s) + 1);
}

static void fill_info(bg_cert_info *out, const bg_json *b)
{
	const bg_json *subj = bg_json_member(b, "subject");

	copy_str(out->id, sizeof(out->id), bg_json_member(b, "id"));
	copy_str(out->schema, sizeof(out->schema), bg_json_member(b, "schema"));
	copy_str(out->module_id, sizeof(out->module_id),
		 bg_json_member(subj, "moduleId"));
	copy_str(out->pack_id, sizeof(out->pack_id),
		 bg_json_member(subj, "packId"));
	copy_str(out->grade, sizeof(out->grade),
		 bg_json_member(bg_json_member(b, "decision"), "grade"));
	copy_str(out->issuer_id, sizeof(out->issuer_id),
		 bg_json_member(bg_json_member(b, "issuer"), "id"));
	copy_str(out->issued_at, sizeof(out->issued_at),
		 bg_json_member(b, "issuedAt"));
}

static int refuse(bg_cert_info *out, bg_cert_reason r, int code,
		  bg_error *err, const char *fmt, const char *arg)
{
	out->reason = r;
	return bg_error_set(err, code, NULL, 0, 0, fmt, arg);
}

/* The envelope: exactly "certificate" (object) and "signature" (string). */
static int envelope(const bg_json *doc, const bg_json **body,
		    const char **sig, size_t *siglen)
{
	*body = bg_json_member(doc, "certificate");
	*sig = bg_json_string(bg_json_member(doc, "signature"), siglen);
	return bg_json_typeof(doc) == BG_JSON_OBJECT &&
	       bg_json_count(doc) == 2 && *body && *sig &&
	       bg_json_typeof(*body) == BG_JSON_OBJECT;
}

/* Body canonical?  1 yes, 0 no, <0 error; *canon gets the form. */
static int canonical_body(const char *json, const bg_json *body,
			  char **canon, size_t *clen, bg_error *err)
{
	size_t off, len;
	int rc;

	rc = bg_jcs_write(canon, clen, body, err);
	if (rc < 0)
		return rc;
	bg_json_span(body, &off, &len);
	return len == *clen && memcmp(json + off, *canon, len) == 0;
}

static int check_signature(const char *sig, size_t siglen, const char *canon,
			   size_t clen, const bg_jwk_set *keys,
			   bg_cert_info *out, bg_error *err)
{
	const bg_jwk *key;
	bg_jws jws;
	int rc;

	rc = bg_jws_parse(&jws, sig, siglen, err);
	if (rc == BG_ENOMEM)
		return rc;
	if (rc < 0) {
		out->reason = BG_CERT_BAD_SIGNATURE;
		bg_error_prefix(err, _("bad signature"));
		set_code(err, BG_EAUTH);
		return BG_EAUTH;
	}
	memcpy(out->kid, jws.kid, sizeof(out->kid));
	key = keys ? bg_jwk_set_find(keys, jws.kid) : NULL;
	if (!key && !jws.kid[0])
		rc = refuse(out, BG_CERT_UNKNOWN_KEY, BG_EAUTH, err, "%s",
			    _("unknown key: the signature names no key id"));
	else if (!key)
		rc = refuse(out, BG_CERT_UNKNOWN_KEY, BG_EAUTH, err,
			    _("unknown key: no trusted key has id '%s'"),
			    jws.kid);
	else if ((rc = bg_jws_verify(&jws, canon, clen, key->pk, err)) < 0)
		out->reason = rc == BG_EAUTH || rc == BG_EDATA
			      ? BG_CERT_BAD_SIGNATURE : out->reason;
	if (rc == BG_EDATA) {
		rc = BG_EAUTH;
		set_code(err, rc);
	}
	bg_jws_release(&jws);
	return rc;
}

static int verify_body(const char *json, const bg_json *body,
		       const char *sig, size_t siglen, const bg_jwk_set *keys,
		       bg_cert_info *out, bg_error *err)
{
	char id[BG_CERT_ID_MAX], *canon = NULL;
	size_t clen;
	int rc;

	fill_info(out, body);
	rc = canonical_body(json, body, &canon, &clen, err);
	if (rc == 0)
		rc = refuse(out, BG_CERT_NONCANONICAL, BG_EDATA, err, "%s",
			    _("non-canonical: the certificate body is not in RFC 8785 form"));
	else if (rc > 0 && (rc = check_schema(body, err)) < 0)
		out->reason = BG_CERT_SCHEMA;
	else if (rc >= 0 && (rc = derive_id(id, json, body, err)) == 0
		 && strcmp(id, out->id) != 0)
		rc = refuse(out, BG_CERT_TAMPERED, BG_EDATA, err,
			    _("tampered body: its content hashes to %s, not to its id"),
			    id);
	else if (rc == 0)
		rc = check_signature(sig, siglen, canon, clen, keys, out, err);
	free(canon);
	return rc;
}

int bg_cert_verify(const char *json, size_t len, const bg_jwk_set *keys,
		   bg_cert_info *out, bg_error *err)
{
	bg_cert_info local;
	const bg_json *body;
	const char *sig;
	size_t siglen;
	bg_json *doc;
	int rc;

	if (!out)
		out = &local;
	memset(out, 0, sizeof(*out));
	if (len > BG_CERT_MAX_BYTES)
		return refuse(out, BG_CERT_MALFORMED, BG_EDATA, err, "%s",
			      _("certificate larger than 1 MiB"));
	rc = bg_json_parse(&doc, json, len, NULL, err);
	if (rc < 0) {
		out->reason = BG_CERT_MALFORMED;
		return rc;
	}
	if (!envelope(doc, &body, &sig, &siglen))
		rc = refuse(out, BG_CERT_MALFORMED, BG_EDATA, err, "%s",
			    _("not a certificate: need exactly {\"certificate\": {...}, \"signature\": \"...\"}"));
	else
		rc = verify_body(json, body, sig, siglen, keys, out, err);
	bg_json_free(doc);
	if (rc == 0)
		out->reason = BG_CERT_VALID;
	return rc;
}

/* ---- sign and write ---- */

static int envelope_text(char **out, size_t *outlen, const char *canon,
			 size_t clen, const char *jws)
{
	static const char a[] = "{\"certificate\":", b[] = ",\"signature\":\"";
	size_t jl = strlen(jws), n = sizeof(a) - 1 + clen + sizeof(b) - 1 +
				     jl + 3;
	char *p = malloc(n + 1);

	/* Canonical as it stands: members sorted, a base64url string
	 * needs no escaping. */
	if (!p)
		return BG_ENOMEM;
	memcpy(p, a, sizeof(a) - 1);
	memcpy(p + sizeof(a) - 1, canon, clen);
	memcpy(p + sizeof(a) - 1 + clen, b, sizeof(b) - 1);
	memcpy(p + n - 3 - jl, jws, jl);
	memcpy(p + n - 3, "\"}\n", 4);
	*out = p;
	*outlen = n;
	return 0;
}

/* The id of a canonical body without "id": "bgc-" + 32 hex of SHA-256. */
static void id_of(char id[BG_CERT_ID_MAX], const char *canon, size_t len)
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)canon, len);
	memcpy(id, "bgc-", 4);
	sodium_bin2hex(id + 4, BG_CERT_ID_MAX - 4, h, 16);
}

/*
 * The canonical body with its id: the id member put in front of the
 * canonical body without it, then canonicalised again (cheap: every
 * number is already in its shortest form).  *tree keeps the parse for
 * the schema check.
 */
static int with_id(char **out, size_t *outlen, bg_json **tree,
		   const char *canon, size_t clen, const char *id,
		   bg_error *err)
{
	size_t n = clen + BG_CERT_ID_MAX + 16;
	char *text = malloc(n);
	int rc, len;

	if (!text)
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
				    _("out of memory"));
	len = snprintf(text, n, "{\"id\":\"%s\"%s%s", id,
		       clen > 2 ? "," : "", canon + 1);
	rc = bg_json_parse(tree, text, (size_t)len, NULL, err);
	if (rc == 0)
		rc = bg_jcs_write(out, outlen, *tree, err);
	free(text);
	return rc;
}

int bg_cert_sign(char **out, size_t *outlen, char id[BG_CERT_ID_MAX],
		 cJSON *body, const bg_signing_key *key, bg_error *err)
{
	char *bare = NULL, *canon = NULL, *jws = NULL;
	bg_json *tree = NULL;
	size_t blen, clen;
	int rc;

	*out = NULL;
	cJSON_DeleteItemFromObjectCaseSensitive(body, "id");
	rc = bg_jcs_from_cjson(&bare, &blen, body, err);
	if (rc == 0) {
		id_of(id, bare, blen);
		if (!cJSON_AddStringToObject(body, "id", id))
			rc = bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
					  _("out of memory"));
	}
	if (rc == 0)
		rc = with_id(&canon, &clen, &tree, bare, blen, id, err);
	if (rc == 0 && check_schema(tree, err) < 0) {
		rc = BG_EINVAL;
		set_code(err, rc);
	}
	if (rc == 0)
		rc = bg_jws_sign_detached(&jws, canon, clen, key->sk,
					  key->pub.kid, err);
	if (rc == 0 && envelope_text(out, outlen, canon, clen, jws) < 0)
		rc = bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
				  _("out of memory"));
	bg_json_free(tree);
	free(bare);
	free(canon);
	free(jws);
	return rc;
}

int bg_cert_write(char *path, size_t pathlen, const char *dir,
		  const char *id, const char *text, size_t len,
		  bg_error *err)
{
	char buf[4096];

	if (!path) {
		path = buf;
		pathlen = sizeof(buf);
	}
	if (snprintf(path, pathlen, "%s/%s.json", dir, id) >= (int)pathlen)
		return bg_error_set(err, BG_ECANTCREAT, dir, 0, 0,
				    _("path too long"));
	return bg_file_write_new(path, text, len, 0644, err);
}
