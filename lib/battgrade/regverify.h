/*
 * regverify.h - what the registry checks before it stores an upload.
 *
 * An upload is a certificate file, {"certificate": {...}, "signature":
 * "<compact detached JWS>"}.  It is stored only when it parses, has the
 * shape of a certificate, carries an id that is safe to use in a URL and
 * a file name, and its signature verifies against one of the keys
 * registered for the issuer whose token came with it.  Signature
 * checking itself is the certificate module's (cert.h); this module
 * only decides what the registry accepts.
 */
#ifndef BG_REGVERIFY_H
#define BG_REGVERIFY_H

#include <stddef.h>

#include "battgrade/error.h"

#define BG_REGVERIFY_FIELD 160

/* What the registry indexes from an accepted upload. */
typedef struct bg_upload_info {
	char id[BG_REGVERIFY_FIELD];
	char module_id[BG_REGVERIFY_FIELD];
	char pack_id[BG_REGVERIFY_FIELD];
	char grade[BG_REGVERIFY_FIELD];
	char issuer_id[BG_REGVERIFY_FIELD]; /* as named in the certificate */
	char issued_at[BG_REGVERIFY_FIELD];
	char digest[65];    /* hex SHA-256 of the normalised document */
	int malformed;      /* 1 when the body is not JSON at all */
} bg_upload_info;

/*
 * Check the upload json (len bytes, need not be NUL-terminated) against
 * the JWK set keys_json ({"keys":[...]}) of the uploading issuer; fill
 * *out.  Returns 0 when acceptable; BG_EDATA with out->malformed set
 * when it is not JSON; BG_EDATA when the shape, id or signature is
 * wrong (err says which); BG_ENOMEM.
 */
int bg_regverify_upload(const char *json, size_t len, const char *keys_json,
			bg_upload_info *out, bg_error *err);

/* 1 when id is a well-formed certificate id: 1 to 128 characters from
 * [A-Za-z0-9._:-], not starting with '.' or '-'. */
int bg_regverify_id_ok(const char *id);

#endif
