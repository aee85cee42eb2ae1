/*
 * cert.h - signed grade certificates (schema battgrade-certificate/1).
 *
 * A certificate file is one JSON object
 *   {"certificate": BODY, "signature": "HEADER..SIGNATURE"}
 * where BODY is in RFC 8785 canonical form, its "id" is "bgc-" plus
 * the first 32 hex digits of the SHA-256 of the canonical body without
 * the "id" member (so the same grade of the same data, issued at the
 * same time, is the same certificate), and the signature is a compact
 * Ed25519 JWS over the canonical body with the payload detached and
 * the signer's RFC 7638 key id in the header.  battgrade-certificate(5)
 * documents every member; models/schema/certificate-1.schema.json is
 * the JSON Schema.
 */
#ifndef BG_CERT_H
#define BG_CERT_H

#include <stddef.h>
#include <time.h>

#include "battgrade/error.h"
#include "battgrade/jws.h"
#include "battgrade/keys.h"

struct cJSON;

#define BG_CERT_SCHEMA_ID "battgrade-certificate/1"
#define BG_CERT_ID_MAX 40        /* "bgc-" + 32 hex + NUL, rounded */
#define BG_CERT_NAME_MAX 129     /* ids and names: at most 128 bytes */
#define BG_CERT_MAX_BYTES (1024 * 1024) /* largest certificate file */

/* Why a certificate was refused. */
typedef enum bg_cert_reason {
	BG_CERT_VALID = 0,
	BG_CERT_MALFORMED,      /* not strict JSON / not {certificate,signature} */
	BG_CERT_SCHEMA,         /* body violates battgrade-certificate/1 */
	BG_CERT_NONCANONICAL,   /* body bytes are not its RFC 8785 form */
	BG_CERT_TAMPERED,       /* body does not hash to its id */
	BG_CERT_UNKNOWN_KEY,    /* no trusted key with the JWS kid */
	BG_CERT_BAD_SIGNATURE   /* malformed JWS or signature does not hold */
} bg_cert_reason;

/* What a verifier learns; filled as far as the file could be read. */
typedef struct bg_cert_info {
	bg_cert_reason reason;
	char id[BG_CERT_ID_MAX];
	char schema[BG_CERT_NAME_MAX];
	char module_id[BG_CERT_NAME_MAX];
	char pack_id[BG_CERT_NAME_MAX];
	char grade[8];          /* A, B, C, R or RETEST */
	char issuer_id[BG_CERT_NAME_MAX];
	char issued_at[32];     /* "YYYY-MM-DDThh:mm:ssZ" */
	char kid[BG_JWK_KID_MAX];
} bg_cert_info;

/* Who issues, when, and where the registry lives. */
typedef struct bg_cert_meta {
	const char *issuer_id;  /* repurposer id (required) */
	const char *facility;   /* test facility id, or NULL */
	const char *operator_name; /* person or team, or NULL */
	const char *registry_url;  /* base URL, or NULL */
	time_t issued_at;       /* seconds since the epoch, UTC */
	int valid_days;         /* retest after this many days */
	const char *tool_version;
} bg_cert_meta;

/*
 * Check a certificate file (len bytes; need not be NUL-terminated)
 * against the trusted keys: strict JSON, the {certificate, signature}
 * envelope, the schema, canonical body bytes, the id derived from the
 * body, the signing key's id in keys, and the Ed25519 signature.
 * Returns 0 when valid; otherwise BG_EDATA (malformed, schema,
 * non-canonical, tampered) or BG_EAUTH (unknown key, bad signature)
 * with the reason in out->reason and a message in err, or BG_ENOMEM.
 * out (may be NULL) is filled as far as the body could be read.
 * Thread safe (no shared state): a server may verify on many threads.
 */
int bg_cert_verify(const char *json, size_t len, const bg_jwk_set *keys,
		   bg_cert_info *out, bg_error *err);

/* Static, untranslated name of a reason ("tampered body", ...). */
const char *bg_cert_reason_name(bg_cert_reason reason);

/*
 * Build a certificate body (without "id") from one object of
 * "battgrade grade --json" output.  name and line locate the input in
 * messages.  *out is a cJSON tree owned by the caller.  Returns 0,
 * BG_EDATA (a required member missing or of the wrong type), BG_EINVAL
 * or BG_ENOMEM.
 */
int bg_cert_body_from_grade(struct cJSON **out, const struct cJSON *grade,
			    const bg_cert_meta *meta, const char *name,
			    unsigned long line, bg_error *err);

/*
 * Derive the id of body (its "id" member, if any, is ignored), set it,
 * and sign: *out gets the certificate file text (canonical envelope
 * and a newline; heap, owned by the caller), id the certificate id.
 * The body is checked against the schema first (BG_EINVAL when it
 * fails: that is a bug in the caller).  Returns 0, BG_EINVAL or
 * BG_ENOMEM.
 */
int bg_cert_sign(char **out, size_t *outlen, char id[BG_CERT_ID_MAX],
		 struct cJSON *body, const bg_signing_key *key,
		 bg_error *err);

/*
 * Write a certificate file as dir/<id>.json without replacing a
 * different one (see bg_file_write_new).  path (may be NULL) receives
 * the file name.  Returns 0 when written, 1 when the identical file was
 * already there, BG_EEXIST, BG_ECANTCREAT or BG_EIO.
 */
int bg_cert_write(char *path, size_t pathlen, const char *dir,
		  const char *id, const char *text, size_t len,
		  bg_error *err);

/* RFC 3339 UTC time "YYYY-MM-DDThh:mm:ssZ" into buf (>= 21 bytes). */
int bg_cert_time(char *buf, size_t len, time_t t);

/* Parse "YYYY-MM-DDThh:mm:ssZ" or a decimal epoch; 0 or BG_EDATA. */
int bg_cert_parse_time(time_t *out, const char *s, bg_error *err);

#endif
