/*
 * registrydb.h - the registry server's store: issuers, their keys and
 * hashed tokens, and the certificates they uploaded (SQLite, WAL).
 *
 * One bg_regdb is one SQLite connection with its prepared statements;
 * it is not shared between threads (the server keeps a small pool).
 * Every statement is prepared once and bound: no SQL text is ever built
 * from request data.  Tokens are stored only as BLAKE2b hashes
 * (crypto_generichash), so a copy of the database does not reveal them.
 */
#ifndef BG_REGISTRYDB_H
#define BG_REGISTRYDB_H

#include <stddef.h>
#include <stdint.h>

#include "battgrade/error.h"

typedef struct bg_regdb bg_regdb;

/* A stored certificate as the server keeps it. */
typedef struct bg_regdb_cert {
	char *id;           /* certificate id */
	char *module_id;
	char *pack_id;      /* may be "" */
	char *grade;
	char *issuer;       /* name of the registry issuer that uploaded it */
	char *issued_at;    /* from the certificate, UTC */
	char *received_at;  /* when the registry stored it, UTC */
	char *digest;       /* hex SHA-256 of the normalised document */
	char *body;         /* the document exactly as uploaded */
	size_t body_len;
} bg_regdb_cert;

/* Outcome of bg_regdb_cert_put(). */
enum bg_regdb_put {
	BG_REGDB_CREATED = 0,   /* new certificate stored */
	BG_REGDB_IDENTICAL = 1, /* the same document was already there */
	BG_REGDB_CONFLICT = 2   /* same id, different content: not stored */
};

/*
 * Open (creating if needed) the database at path, switch it to WAL
 * mode and prepare all statements.  *out is owned by the caller and
 * freed with bg_regdb_close().  Returns 0, BG_EIO or BG_ENOMEM.
 */
int bg_regdb_open(bg_regdb **out, const char *path, bg_error *err);

/* Close the connection (checkpointing the WAL when it is the last);
 * NULL is a no-op. */
void bg_regdb_close(bg_regdb *db);

/*
 * Register issuer name with one public key (a JWK as JSON text, whose
 * key id is kid) and a fresh random token, written NUL-terminated to
 * token (at least BG_REGDB_TOKEN_LEN + 1 bytes).  Only the token's hash
 * is stored.  A second key for an existing issuer is added when
 * add_key is non-zero (the token is then left empty).  BG_EEXIST when
 * the issuer (or that key id) already exists.
 */
#define BG_REGDB_TOKEN_LEN 52
int bg_regdb_issuer_add(bg_regdb *db, const char *name, const char *kid,
			const char *jwk_json, int add_key, char *token,
			bg_error *err);

/*
 * Find the issuer of a bearer token: writes its name into name (len
 * bytes).  BG_EAUTH when no issuer has that token.
 */
int bg_regdb_issuer_by_token(bg_regdb *db, const char *token, char *name,
			     size_t len, bg_error *err);

/*
 * The keys of issuer name as a JWK set, {"keys":[...]}, in a heap
 * string owned by the caller.  BG_ENOENT when there is no such issuer.
 */
int bg_regdb_issuer_keys(bg_regdb *db, const char *name, char **out,
			 bg_error *err);

/*
 * Store c (its id, module_id, pack_id, grade, issuer, issued_at, digest
 * and body are read; received_at is set by the store) in one
 * transaction.  *outcome tells created, identical or conflict.
 */
int bg_regdb_cert_put(bg_regdb *db, const bg_regdb_cert *c, int *outcome,
		      bg_error *err);

/*
 * Store n certificates in one transaction, so one disk flush commits
 * them all (group commit); outcome[i] tells each one's fate.  Later
 * entries see earlier ones: the same id twice is created, then
 * identical or conflict.  On error nothing is stored.
 */
int bg_regdb_cert_put_many(bg_regdb *db, const bg_regdb_cert *const *c,
			   int *outcome, size_t n, bg_error *err);

/*
 * Load certificate id into *out (release with bg_regdb_cert_release).
 * BG_ENOENT when absent.
 */
int bg_regdb_cert_get(bg_regdb *db, const char *id, bg_regdb_cert *out,
		      bg_error *err);

/* Free the strings of a loaded certificate; safe on a zeroed record. */
void bg_regdb_cert_release(bg_regdb_cert *c);

/*
 * Call fn for each certificate of module_id (body not loaded), newest
 * first, at most limit of them; fn returns non-zero to stop.
 */
typedef int (*bg_regdb_cert_fn)(void *ctx, const bg_regdb_cert *c);
int bg_regdb_cert_list_module(bg_regdb *db, const char *module_id,
			      unsigned limit, bg_regdb_cert_fn fn, void *ctx,
			      bg_error *err);

/* Number of stored certificates. */
int bg_regdb_cert_count(bg_regdb *db, int64_t *out, bg_error *err);

#endif
