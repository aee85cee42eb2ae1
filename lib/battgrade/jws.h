/*
 * jws.h - Ed25519 JSON Web Signatures and JSON Web Keys.
 *
 * Certificates are signed with Ed25519 (libsodium) as a compact JWS
 * (RFC 7515) with "alg":"EdDSA" (RFC 8037 section 3.1) and the
 * payload detached (RFC 7515 appendix F): the signature string is
 * "HEADER..SIGNATURE" and the verifier supplies the payload, the
 * canonical certificate body, itself.  Keys travel as JWKs of type
 * OKP, curve Ed25519 (RFC 8037 section 2); a key's id is its RFC 7638
 * SHA-256 thumbprint, so the id cannot be chosen to collide with
 * another issuer's key.  Same format as W3C Verifiable Credentials
 * tooling uses for Ed25519 JWS proofs.
 */
#ifndef BG_JWS_H
#define BG_JWS_H

#include <stddef.h>

#include "battgrade/error.h"

#define BG_ED25519_PUBLIC_BYTES 32
#define BG_ED25519_SECRET_BYTES 64   /* libsodium form: seed || public */
#define BG_ED25519_SIG_BYTES 64
#define BG_JWK_KID_MAX 48            /* 43 base64url chars + NUL */

/* An Ed25519 public key and its thumbprint id. */
typedef struct bg_jwk {
	unsigned char pk[BG_ED25519_PUBLIC_BYTES];
	char kid[BG_JWK_KID_MAX];
} bg_jwk;

/* A set of trusted public keys (caller storage, see _init/_release). */
typedef struct bg_jwk_set {
	bg_jwk *keys;
	size_t n, cap;
} bg_jwk_set;

/* A parsed compact JWS (caller storage, see bg_jws_release). */
typedef struct bg_jws {
	char *text;              /* owned copy of the compact form */
	size_t header_len;       /* length of the base64url header */
	size_t payload_len;      /* of the base64url payload, 0 if detached */
	char kid[BG_JWK_KID_MAX]; /* "" when the header has none */
	unsigned char sig[BG_ED25519_SIG_BYTES];
} bg_jws;

/*
 * base64url without padding (RFC 7515 section 2).  bg_b64url_encode
 * returns a heap string owned by the caller, or NULL on no memory.
 * bg_b64url_decode decodes exactly into out (outmax bytes at most),
 * refusing padding, stray characters and non-zero trailing bits;
 * returns the decoded length or -1.
 */
char *bg_b64url_encode(const void *bin, size_t len);
long bg_b64url_decode(unsigned char *out, size_t outmax, const char *s,
		      size_t len);

/* RFC 7638 thumbprint of an Ed25519 key: base64url(SHA-256 of
 * {"crv":"Ed25519","kty":"OKP","x":"..."}), into kid. */
void bg_jwk_thumbprint(char kid[BG_JWK_KID_MAX],
		       const unsigned char pk[BG_ED25519_PUBLIC_BYTES]);

/*
 * A public JWK from JSON text: kty "OKP", crv "Ed25519", x of 32
 * bytes.  A "kid" member, if present, must equal the thumbprint.  A
 * "d" member (private key) is refused: public key files must not hold
 * secrets.  Returns 0 or BG_EDATA.
 */
int bg_jwk_from_json(bg_jwk *out, const char *json, size_t len,
		     const char *name, bg_error *err);

/* The public JWK {"crv","kid","kty","x"} in canonical JSON; heap string
 * owned by the caller.  Returns 0 or BG_ENOMEM. */
int bg_jwk_to_json(char **out, const bg_jwk *key, bg_error *err);

void bg_jwk_set_init(bg_jwk_set *set);
void bg_jwk_set_release(bg_jwk_set *set);

/* Add one key (a duplicate id is ignored).  0 or BG_ENOMEM. */
int bg_jwk_set_add(bg_jwk_set *set, const bg_jwk *key, bg_error *err);

/*
 * Add the keys of a JWK set ({"keys":[...]}) or of a single JWK given
 * as JSON text.  Returns 0, BG_EDATA or BG_ENOMEM.
 */
int bg_jwk_set_add_json(bg_jwk_set *set, const char *json, size_t len,
			const char *name, bg_error *err);

/*
 * Load keys from path: a JWK or JWK set file, or a directory whose
 * *.jwk and *.json files each hold one.  Returns 0, BG_ENOENT,
 * BG_EIO, BG_EDATA (also for a directory without keys) or BG_ENOMEM.
 */
int bg_jwk_set_load(bg_jwk_set *set, const char *path, bg_error *err);

/* The key with that id, or NULL (borrowed from set). */
const bg_jwk *bg_jwk_set_find(const bg_jwk_set *set, const char *kid);

/*
 * Sign: compact JWS of payload with the protected header given as
 * JSON text (used verbatim, so the caller controls its bytes).  With
 * detached set, the payload part is left empty (RFC 7515 appendix F).
 * *out is a heap string owned by the caller.  0 or BG_ENOMEM.
 */
int bg_jws_sign(char **out, const char *header_json, const void *payload,
		size_t len, int detached,
		const unsigned char sk[BG_ED25519_SECRET_BYTES],
		bg_error *err);

/*
 * Sign with the header {"alg":"EdDSA","kid":KID}, payload detached:
 * the form certificates use.
 */
int bg_jws_sign_detached(char **out, const void *payload, size_t len,
			 const unsigned char sk[BG_ED25519_SECRET_BYTES],
			 const char *kid, bg_error *err);

/*
 * Split and check a compact JWS: three base64url parts, a JSON
 * header with "alg":"EdDSA" and no "crit" (no extension is
 * understood), an optional string "kid", a 64-byte signature.
 * Fills *out (release with bg_jws_release).  0, BG_EDATA or BG_ENOMEM.
 */
int bg_jws_parse(bg_jws *out, const char *compact, size_t len,
		 bg_error *err);

void bg_jws_release(bg_jws *jws);

/*
 * Verify jws with public key pk.  payload is the detached payload, or
 * NULL when the JWS carries its own.  Returns 0 when the signature is
 * valid, BG_EAUTH when it is not, BG_EDATA when the payload is given
 * twice or missing, BG_ENOMEM.
 */
int bg_jws_verify(const bg_jws *jws, const void *payload, size_t len,
		  const unsigned char pk[BG_ED25519_PUBLIC_BYTES],
		  bg_error *err);

#endif
