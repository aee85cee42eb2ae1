/*
 * keys.h - the issuer's Ed25519 signing key on disk.
 *
 * A signing key is a private JWK (RFC 8037 section 2: kty OKP, crv
 * Ed25519, d = the 32-byte seed, x = the public key) in a file created
 * with mode 0600.  A key file that group or others may read is refused
 * wherever it is used: a leaked key lets anyone issue certificates in
 * the repurposer's name.  The public half is written beside it as a
 * JWK with its thumbprint as "kid", ready to register with a registry.
 */
#ifndef BG_KEYS_H
#define BG_KEYS_H

#include "battgrade/error.h"
#include "battgrade/jws.h"

#define BG_KEY_FILE "battgrade.key"
#define BG_PUBKEY_FILE "battgrade.pub.jwk"

typedef struct bg_signing_key {
	unsigned char sk[BG_ED25519_SECRET_BYTES];
	bg_jwk pub;
} bg_signing_key;

/*
 * Create a new key pair in dir (which must exist): dir/battgrade.key
 * (0600) and dir/battgrade.pub.jwk (0644).  Never replaces an existing
 * file: BG_EEXIST then.  *out (may be NULL) gets the public key.
 * Returns 0, BG_EEXIST, BG_ECANTCREAT or BG_EIO.
 */
int bg_key_generate(bg_jwk *out, const char *dir, bg_error *err);

/*
 * Load a signing key.  BG_EPERM when the file is readable or writable
 * by group or others, BG_ENOENT, BG_EIO, BG_EDATA for a malformed key
 * or one whose x does not match d.
 */
int bg_key_load(bg_signing_key *out, const char *path, bg_error *err);

/* Wipe a loaded key from memory. */
void bg_key_wipe(bg_signing_key *key);

/*
 * Write data to path atomically and without replacing anything: a
 * temporary file in the same directory (created with mode), fsync,
 * then link(2) to the final name.  When path exists with identical
 * bytes, returns 1 (nothing to do); with different bytes, BG_EEXIST.
 * Returns 0 when written, BG_ECANTCREAT or BG_EIO otherwise.
 */
int bg_file_write_new(const char *path, const void *data, size_t len,
		      unsigned mode, bg_error *err);

#endif
