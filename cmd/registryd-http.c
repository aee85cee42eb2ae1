/*
 * registryd-http.c - the registry's HTTP API (see battgrade-registry(7)
 * and docs/registry-openapi.yaml).
 *
 * One request is one call chain of the libmicrohttpd access handler:
 * the first call sees only the headers (authentication, rate limit and
 * a declared size over the limit are answered there, before any body
 * is read), later calls collect the body up to the limit, the last one
 * checks and stores it.  Nothing is stored unless every check passed,
 * and a 201 is sent only after the transaction committed, so a client
 * that never sees the answer can safely send the same file again: it
 * then gets 200.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <microhttpd.h>
#include <sodium.h>

#include "battgrade/regverify.h"
#include "registryd.h"

#define POOL_WAIT_S 5.0
#define LIST_LIMIT 1000

enum fault { FAULT_NONE, FAULT_503, FAULT_DROP_BEFORE, FAULT_DROP_AFTER,
	     FAULT_SLOW };

struct req {
	char *body;
	size_t len, cap;
	int too_large;
	int authed;
	enum fault fault;
	char issuer[128];
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Queue a response; body is copied.  retry_after_s > 0 adds the header. */
static enum MHD_Result send_body(struct MHD_Connection *c, unsigned status,
				 const char *ctype, const char *body,
				 size_t len, unsigned retry_after_s,
				 const char *hname, const char *hvalue)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	char ra[24];

	r = MHD_create_response_from_buffer(len, (void *)body,
					    MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", ctype);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	if (retry_after_s) {
		snprintf(ra, sizeof(ra), "%u", retry_after_s);
		MHD_add_response_header(r, "Retry-After", ra);
	}
	if (hname)
		MHD_add_response_header(r, hname, hvalue);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result send_json(struct MHD_Connection *c, unsigned status,
				 cJSON *v, unsigned retry_after_s,
				 const char *hname, const char *hvalue)
{
	char *s = v ? cJSON_PrintUnformatted(v) : NULL;
	enum MHD_Result ret;

	cJSON_Delete(v);
	if (!s)
		return MHD_NO;
	ret = send_body(c, status, "application/json", s, strlen(s),
			retry_after_s, hname, hvalue);
	free(s);
	return ret;
}

/* {"error": code, "message": msg}: machine code plus a readable line. */
static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status,
				  const char *code, const char *msg,
				  unsigned retry_after_s)
{
	cJSON *v = cJSON_CreateObject();

	cJSON_AddStringToObject(v, "error", code);
	cJSON_AddStringToObject(v, "message", msg);
	return send_json(c, status, v, retry_after_s, NULL, NULL);
}

static enum fault draw_fault(const struct registryd *d)
{
	double u;

	if (d->fault_rate <= 0)
		return FAULT_NONE;
	u = randombytes_uniform(1000000) / 1e6;
	if (u >= d->fault_rate)
		return FAULT_NONE;
	return (enum fault)(FAULT_503 + randombytes_uniform(4));
}

/* Issuer name of the request's bearer token into r->issuer; 0 or -1. */
static int authenticate(struct registryd *d, struct MHD_Connection *c,
			struct req *r)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						    "Authorization");
	bg_regdb *db;
	int rc;

	if (!h || strncmp(h, "Bearer ", 7) || strlen(h + 7) > 256)
		return -1;
	db = regd_pool_get(&d->pool, POOL_WAIT_S);
	if (!db)
		return -2;
	rc = bg_regdb_issuer_by_token(db, h + 7, r->issuer,
				      sizeof(r->issuer), NULL);
	regd_pool_put(&d->pool, db);
	return rc ? -1 : 0;
}

/* Answers that can be given from the headers of a POST alone. */
static enum MHD_Result post_headers(struct registryd *d,
				    struct MHD_Connection *c, struct req *r,
				    int *answered)
{
	const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						     "Content-Length");
	double wait;
	int a;

	*answered = 1;
	a = authenticate(d, c, r);
	if (a == -2)
		return send_error(c, 503, "busy", "database busy", 1);
	if (a)
		return send_error(c, 401, "unauthorized", "missing or unknown "
				  "bearer token", 0);
	if (!bg_ratelimit_take(d->rate, r->issuer, now_s(), &wait))
		return send_error(c, 429, "rate_limited", "too many uploads "
				  "for this issuer", (unsigned)wait + 1);
	if (cl && strtoull(cl, NULL, 10) > d->max_body)
		return send_error(c, 413, "too_large", "body exceeds the "
				  "size limit", 0);
	*answered = 0;
	return MHD_YES;
}

static int collect(struct registryd *d, struct req *r, const char *data,
		   size_t n)
{
	char *p;

	if (r->too_large || r->len + n > d->max_body) {
		r->too_large = 1;
		return 0;
	}
	if (r->len + n + 1 > r->cap) {
		r->cap = (r->len + n + 1) * 2;
		if (r->cap > d->max_body + 1)
			r->cap = d->max_body + 1;
		p = realloc(r->body, r->cap);
		if (!p)
			return -1;
		r->body = p;
	}
	memcpy(r->body + r->len, data, n);
	r->len += n;
	return 0;
}

static cJSON *receipt(const bg_upload_info *u, const bg_regdb_cert *stored,
		      const char *status)
{
	cJSON *v = cJSON_CreateObject();
	char loc[256];

	snprintf(loc, sizeof(loc), "/v1/certificates/%s", u->id);
	cJSON_AddStringToObject(v, "id", u->id);
	cJSON_AddStringToObject(v, "status", status);
	cJSON_AddStringToObject(v, "location", loc);
	cJSON_AddStringToObject(v, "digest", u->digest);
	cJSON_AddStringToObject(v, "issuer", stored->issuer);
	if (stored->received_at)
		cJSON_AddStringToObject(v, "received_at",
					stored->received_at);
	return v;
}

/* Store a verified upload and answer 201, 200 or 409. */
static enum MHD_Result store(struct registryd *d, struct MHD_Connection *c,
			     bg_regdb *db, struct req *r,
			     const bg_upload_info *u)
{
	bg_regdb_cert rec = { 0 }, back = { 0 };
	bg_error err;
	char loc[256];
	int outcome, rc;

	rec.id = (char *)u->id;
	rec.module_id = (char *)u->module_id;
	rec.pack_id = (char *)u->pack_id;
	rec.grade = (char *)u->grade;
	rec.issuer = r->issuer;
	rec.issued_at = (char *)u->issued_at;
	rec.digest = (char *)u->digest;
	rec.body = r->body;
	rec.body_len = r->len;
	rc = regd_committer_put(&d->commit, &rec, &outcome, &err);
	if (rc)
		return send_error(c, 503, "storage", err.msg, 1);
	if (outcome == BG_REGDB_CONFLICT)
		return send_error(c, 409, "conflict", "a different "
				  "certificate with this id is stored", 0);
	if (bg_regdb_cert_get(db, u->id, &back, &err))
		return send_error(c, 503, "storage", err.msg, 1);
	snprintf(loc, sizeof(loc), "/v1/certificates/%s", u->id);
	rc = send_json(c, outcome == BG_REGDB_CREATED ? 201 : 200,
		       receipt(u, &back, outcome == BG_REGDB_CREATED ?
			       "created" : "identical"), 0, "Location", loc);
	bg_regdb_cert_release(&back);
	return rc;
}

static enum MHD_Result post_body(struct registryd *d,
				 struct MHD_Connection *c, struct req *r)
{
	bg_upload_info u;
	bg_error err;
	char *keys = NULL;
	bg_regdb *db;
	enum MHD_Result ret;

	if (r->too_large)
		return send_error(c, 413, "too_large", "body exceeds the size "
				  "limit", 0);
	db = regd_pool_get(&d->pool, POOL_WAIT_S);
	if (!db)
		return send_error(c, 503, "busy", "database busy", 1);
	bg_error_clear(&err);
	if (bg_regdb_issuer_keys(db, r->issuer, &keys, &err))
		ret = send_error(c, 403, "no_keys", "issuer has no keys", 0);
	else if (bg_regverify_upload(r->body ? r->body : "", r->len, keys,
				     &u, &err))
		ret = send_error(c, u.malformed ? 400 : 422, u.malformed ?
				 "malformed" : "invalid", err.msg, 0);
	else
		ret = store(d, c, db, r, &u);
	regd_pool_put(&d->pool, db);
	free(keys);
	return ret;
}

/* GET /v1/certificates/{id}: the file as uploaded, or the HTML page. */
static enum MHD_Result get_certificate(struct registryd *d,
				       struct MHD_Connection *c,
				       const char *id)
{
	const char *accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							 "Accept");
	bg_regdb_cert rec;
	bg_upload_info u;
	bg_error err;
	char link[300], *keys = NULL, *page;
	bg_regdb *db;
	enum MHD_Result ret;
	size_t len;
	int bad;

	if (!bg_regverify_id_ok(id))
		return send_error(c, 400, "bad_id", "malformed certificate "
				  "id", 0);
	db = regd_pool_get(&d->pool, POOL_WAIT_S);
	if (!db)
		return send_error(c, 503, "busy", "database busy", 1);
	bg_error_clear(&err);
	if (bg_regdb_cert_get(db, id, &rec, &err)) {
		regd_pool_put(&d->pool, db);
		return err.code == BG_ENOENT ?
		       send_error(c, 404, "not_found", "no such certificate",
				  0) : send_error(c, 503, "storage", err.msg, 1);
	}
	snprintf(link, sizeof(link), "</v1/issuers/%s/keys>; "
		 "rel=\"issuer-keys\"", rec.issuer);
	if (!accept || !strstr(accept, "text/html")) {
		regd_pool_put(&d->pool, db);
		ret = send_body(c, 200, "application/json", rec.body,
				rec.body_len, 0, "Link", link);
		bg_regdb_cert_release(&rec);
		return ret;
	}
	bad = bg_regdb_issuer_keys(db, rec.issuer, &keys, &err) ||
	      bg_regverify_upload(rec.body, rec.body_len, keys, &u, &err);
	regd_pool_put(&d->pool, db);
	page = regd_page(&rec, bad ? err.msg : "signature valid", !bad, &len);
	ret = page ? send_body(c, 200, "text/html; charset=utf-8", page, len,
			       0, "Link", link) : MHD_NO;
	free(page);
	free(keys);
	bg_regdb_cert_release(&rec);
	return ret;
}

static int list_one(void *ctx, const bg_regdb_cert *rec)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "id", rec->id);
	cJSON_AddStringToObject(o, "module_id", rec->module_id);
	cJSON_AddStringToObject(o, "pack_id", rec->pack_id);
	cJSON_AddStringToObject(o, "grade", rec->grade);
	cJSON_AddStringToObject(o, "issuer", rec->issuer);
	cJSON_AddStringToObject(o, "issued_at", rec->issued_at);
	cJSON_AddStringToObject(o, "received_at", rec->received_at);
	cJSON_AddItemToArray(ctx, o);
	return 0;
}

static enum MHD_Result get_module(struct registryd *d,
				  struct MHD_Connection *c,
				  const char *module)
{
	cJSON *v = cJSON_CreateObject(), *arr = cJSON_CreateArray();
	bg_error err;
	bg_regdb *db = regd_pool_get(&d->pool, POOL_WAIT_S);
	int rc;

	cJSON_AddStringToObject(v, "module_id", module);
	cJSON_AddItemToObject(v, "certificates", arr);
	if (!db) {
		cJSON_Delete(v);
		return send_error(c, 503, "busy", "database busy", 1);
	}
	rc = bg_regdb_cert_list_module(db, module, LIST_LIMIT, list_one, arr,
				       &err);
	regd_pool_put(&d->pool, db);
	if (rc) {
		cJSON_Delete(v);
		return send_error(c, 503, "storage", err.msg, 1);
	}
	return send_json(c, 200, v, 0, NULL, NULL);
}

static enum MHD_Result get_keys(struct registryd *d,
				struct MHD_Connection *c, const char *issuer)
{
	bg_regdb *db = regd_pool_get(&d->pool, POOL_WAIT_S);
	char *keys = NULL;
	enum MHD_Result ret;
	bg_error err;

	if (!db)
		return send_error(c, 503, "busy", "database busy", 1);
	bg_error_clear(&err);
	if (bg_regdb_issuer_keys(db, issuer, &keys, &err))
		ret = err.code == BG_ENOENT ?
		      send_error(c, 404, "not_found", "no such issuer", 0) :
		      send_error(c, 503, "storage", err.msg, 1);
	else
		ret = send_body(c, 200, "application/jwk-set+json", keys,
				strlen(keys), 0, NULL, NULL);
	regd_pool_put(&d->pool, db);
	free(keys);
	return ret;
}

static enum MHD_Result get_health(struct registryd *d,
				  struct MHD_Connection *c)
{
	bg_regdb *db = regd_pool_get(&d->pool, POOL_WAIT_S);
	cJSON *v;
	int64_t n = -1;

	if (!db)
		return send_error(c, 503, "busy", "database busy", 1);
	bg_regdb_cert_count(db, &n, NULL);
	regd_pool_put(&d->pool, db);
	v = cJSON_CreateObject();
	cJSON_AddStringToObject(v, "status", n >= 0 ? "ok" : "degraded");
	cJSON_AddNumberToObject(v, "certificates", (double)n);
	return send_json(c, n >= 0 ? 200 : 503, v, n >= 0 ? 0 : 1, NULL,
			 NULL);
}

/* "/v1/modules/ID/certificates" -> ID in buf; 0 or -1. */
static int module_of(const char *url, char *buf, size_t len)
{
	static const char pre[] = "/v1/modules/", suf[] = "/certificates";
	size_t n = strlen(url), a = sizeof(pre) - 1, b = sizeof(suf) - 1;

	if (n <= a + b || strncmp(url, pre, a) || strcmp(url + n - b, suf) ||
	    n - a - b >= len)
		return -1;
	memcpy(buf, url + a, n - a - b);
	buf[n - a - b] = '\0';
	return strchr(buf, '/') ? -1 : 0;
}

/* "/v1/issuers/ID/keys" -> ID in buf; 0 or -1. */
static int issuer_of(const char *url, char *buf, size_t len)
{
	static const char pre[] = "/v1/issuers/", suf[] = "/keys";
	size_t n = strlen(url), a = sizeof(pre) - 1, b = sizeof(suf) - 1;

	if (n <= a + b || strncmp(url, pre, a) || strcmp(url + n - b, suf) ||
	    n - a - b >= len)
		return -1;
	memcpy(buf, url + a, n - a - b);
	buf[n - a - b] = '\0';
	return strchr(buf, '/') ? -1 : 0;
}

static enum MHD_Result route_get(struct registryd *d,
				 struct MHD_Connection *c, const char *url)
{
	static const char certs[] = "/v1/certificates/";
	char buf[256];

	if (!strcmp(url, "/v1/health"))
		return get_health(d, c);
	if (!strncmp(url, certs, sizeof(certs) - 1))
		return get_certificate(d, c, url + sizeof(certs) - 1);
	if (!module_of(url, buf, sizeof(buf)))
		return get_module(d, c, buf);
	if (!issuer_of(url, buf, sizeof(buf)))
		return get_keys(d, c, buf);
	return send_error(c, 404, "not_found", "no such resource", 0);
}

/* Apply the fault drawn for this request; 1 when it was answered or the
 * connection dropped (*ret set). */
static int apply_fault(struct registryd *d, struct MHD_Connection *c,
		       struct req *r, enum MHD_Result *ret)
{
	switch (r->fault) {
	case FAULT_503:
		*ret = send_error(c, 503, "unavailable", "injected fault",
				  d->retry_after_s);
		return 1;
	case FAULT_DROP_BEFORE:
		*ret = MHD_NO;
		return 1;
	case FAULT_SLOW:
		usleep(200000 + randombytes_uniform(800000));
		return 0;
	default:
		return 0;
	}
}

static enum MHD_Result handle_post(struct registryd *d,
				   struct MHD_Connection *c, struct req *r,
				   const char *data, size_t *size)
{
	enum MHD_Result ret;
	int answered;

	if (!r->authed) {
		r->authed = 1;
		ret = post_headers(d, c, r, &answered);
		return answered ? ret : MHD_YES;
	}
	if (*size) {
		if (collect(d, r, data, *size))
			return MHD_NO;
		*size = 0;
		return MHD_YES;
	}
	if (apply_fault(d, c, r, &ret))
		return ret;
	ret = post_body(d, c, r);
	return r->fault == FAULT_DROP_AFTER ? MHD_NO : ret;
}

enum MHD_Result regd_handle(void *cls, struct MHD_Connection *c, const char *url,
		const char *method, const char *version,
		const char *upload_data, size_t *upload_data_size,
		void **con_cls)
{
	struct registryd *d = cls;
	struct req *r = *con_cls;
	enum MHD_Result ret;

	(void)version;
	if (!r) {
		if (!(r = calloc(1, sizeof(*r))))
			return MHD_NO;
		r->fault = draw_fault(d);
		*con_cls = r;
		if (strcmp(method, "POST"))
			return MHD_YES;
	}
	if (!strcmp(method, "POST") && !strcmp(url, "/v1/certificates"))
		return handle_post(d, c, r, upload_data, upload_data_size);
	if (!strcmp(method, "POST"))
		return *upload_data_size ? (*upload_data_size = 0, MHD_YES) :
		       send_error(c, 404, "not_found", "no such resource", 0);
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return send_body(c, 405, "application/json",
				 "{\"error\":\"method\"}", 18, 0, "Allow",
				 "GET, HEAD, POST");
	if (apply_fault(d, c, r, &ret))
		return ret;
	ret = route_get(d, c, url);
	return r->fault == FAULT_DROP_AFTER ? MHD_NO : ret;
}

void regd_completed(void *cls, struct MHD_Connection *c, void **con_cls,
		    enum MHD_RequestTerminationCode toe)
{
	struct req *r = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (!r)
		return;
	free(r->body);
	free(r);
	*con_cls = NULL;
}
