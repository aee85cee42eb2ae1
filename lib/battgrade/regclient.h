/*
 * regclient.h - talking to a certificate registry over HTTP(S).
 *
 * One bg_regclient keeps one libcurl handle, so consecutive requests
 * reuse the connection (and the TLS session).  HTTPS peers are always
 * verified, against ca_file when given; plain http:// is refused unless
 * the host is a loopback address.  Redirects are not followed.  The
 * bearer token is held only in the request headers and wiped on free;
 * it is never part of an error message.
 */
#ifndef BG_REGCLIENT_H
#define BG_REGCLIENT_H

#include <stddef.h>

#include "battgrade/error.h"

typedef struct bg_regclient bg_regclient;

/* One answer: the status and body of any HTTP response. */
typedef struct bg_reg_response {
	long status;          /* HTTP status */
	double retry_after_s; /* from Retry-After (seconds form), -1 if none */
	char *body;           /* NUL-terminated, owned by the record */
	size_t body_len;
	char link_keys[512];  /* target of Link rel="issuer-keys", or "" */
} bg_reg_response;

/*
 * A client for the registry at base_url (e.g. "https://reg.example/" or
 * "http://127.0.0.1:8470").  ca_file may be NULL or "".  BG_ECONFIG for a
 * URL that is not https or loopback http.  *out owned by the caller.
 */
int bg_regclient_new(bg_regclient **out, const char *base_url,
		     const char *ca_file, bg_error *err);
void bg_regclient_free(bg_regclient *c);

/* A second client with the same registry, CA file and token, for
 * another thread (a client is used by one thread at a time). */
int bg_regclient_dup(bg_regclient **out, const bg_regclient *c,
		     bg_error *err);

/* Send "Authorization: Bearer token" from now on (copied, wiped later). */
int bg_regclient_set_token(bg_regclient *c, const char *token,
			   bg_error *err);

/* Total time allowed per request, in seconds (default 30). */
void bg_regclient_set_timeout(bg_regclient *c, long seconds);

/*
 * POST a certificate file to /v1/certificates.  0 when an HTTP answer
 * came back (any status, in *out); BG_ENET when the exchange failed
 * (refused, dropped, timed out: worth retrying); BG_ECONFIG for TLS
 * verification failures.  Release *out with bg_reg_response_release.
 */
int bg_regclient_post_certificate(bg_regclient *c, const char *json,
				  size_t len, bg_reg_response *out,
				  bg_error *err);

/* GET path (e.g. "/v1/health"; the caller escapes it) with an Accept. */
int bg_regclient_get(bg_regclient *c, const char *path, const char *accept,
		     bg_reg_response *out, bg_error *err);

void bg_reg_response_release(bg_reg_response *r);

/* s percent-encoded for one URL path segment: heap string owned by the
 * caller (free()), NULL when out of memory. */
char *bg_regclient_escape(const char *s);

/* 1 when url is acceptable: https, or http to a loopback address. */
int bg_regclient_url_ok(const char *url);

#endif
