/*
 * regclient.c - libcurl requests to a registry (see regclient.h).
 *
 * Security rules are enforced here, not left to callers: peer and host
 * verification are always on and there is no switch to turn them off
 * (curl's own advice: never disable CURLOPT_SSL_VERIFYPEER), and
 * credentials never travel over clear text off the machine.  Only the
 * http and https protocols are enabled, redirects are not followed, and
 * CURLOPT_VERBOSE is never set, since it would print the token.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <pthread.h>

#include <curl/curl.h>
#include <sodium.h>

#include "battgrade/regclient.h"
#include "i18n.h"

#define MAX_BODY (16u << 20)

struct bg_regclient {
	CURL *h;
	char *base;
	char *auth;          /* "Authorization: Bearer ..." or NULL */
	char *ca_file;
	long timeout_s;
	bg_reg_response *cur; /* response being filled */
};

static int host_is_loopback(const char *host)
{
	size_t n = strlen(host);

	if (!strcasecmp(host, "localhost") || !strcmp(host, "[::1]") ||
	    !strcmp(host, "::1"))
		return 1;
	return n >= 4 && !strncmp(host, "127.", 4) &&
	       strspn(host, "0123456789.") == n;
}

int bg_regclient_url_ok(const char *url)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	int ok = 0;

	if (!u)
		return 0;
	if (!curl_url_set(u, CURLUPART_URL, url, 0) &&
	    !curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) &&
	    !curl_url_get(u, CURLUPART_HOST, &host, 0))
		ok = !strcmp(scheme, "https") ||
		     (!strcmp(scheme, "http") && host_is_loopback(host));
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return ok;
}

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
	bg_reg_response *r = ctx;
	size_t m = size * n;
	char *nb;

	if (r->body_len + m > MAX_BODY)
		return 0;
	nb = realloc(r->body, r->body_len + m + 1);
	if (!nb)
		return 0;
	memcpy(nb + r->body_len, p, m);
	r->body = nb;
	r->body_len += m;
	r->body[r->body_len] = '\0';
	return m;
}

/* Header line: pick Retry-After (seconds) and Link rel="issuer-keys". */
static size_t on_header(char *p, size_t size, size_t n, void *ctx)
{
	bg_reg_response *r = ctx;
	size_t m = size * n;
	char line[1024], *end, *lt, *gt;
	double v;

	if (m >= sizeof(line))
		return m;
	memcpy(line, p, m);
	line[m] = '\0';
	if (!strncasecmp(line, "Retry-After:", 12)) {
		v = strtod(line + 12, &end);
		if (end != line + 12 && v >= 0)
			r->retry_after_s = v;
	} else if (!strncasecmp(line, "Link:", 5) &&
		   strstr(line, "rel=\"issuer-keys\"") &&
		   (lt = strchr(line, '<')) && (gt = strchr(lt, '>'))) {
		*gt = '\0';
		snprintf(r->link_keys, sizeof(r->link_keys), "%s", lt + 1);
	}
	return m;
}

static int setup(bg_regclient *c, bg_error *err)
{
	CURL *h = c->h;
	CURLcode rc = CURLE_OK;

	rc |= curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	rc |= curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	rc |= curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	rc |= curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	rc |= curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	rc |= curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	rc |= curl_easy_setopt(h, CURLOPT_USERAGENT, "battgrade/"
			       PACKAGE_VERSION);
	rc |= curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	rc |= curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	if (c->ca_file)
		rc |= curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_file);
	if (rc != CURLE_OK)
		return bg_error_set(err, BG_EINTERNAL, NULL, 0, 0,
				    _("cannot configure libcurl"));
	return 0;
}

static CURLcode curl_init_status = CURLE_FAILED_INIT;

static void curl_init_once(void)
{
	curl_init_status = curl_global_init(CURL_GLOBAL_DEFAULT);
}

int bg_regclient_new(bg_regclient **out, const char *base_url,
		     const char *ca_file, bg_error *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	bg_regclient *c;
	size_t n;

	*out = NULL;
	pthread_once(&once, curl_init_once);
	if (curl_init_status != CURLE_OK)
		return bg_error_set(err, BG_EINTERNAL, NULL, 0, 0,
				    _("cannot initialise libcurl"));
	if (!base_url || !base_url[0])
		return bg_error_set(err, BG_ECONFIG, NULL, 0, 0, _("no registry "
				    "URL: use --registry, BATTGRADE_REGISTRY or "
				    "the configuration file"));
	if (!bg_regclient_url_ok(base_url))
		return bg_error_set(err, BG_ECONFIG, NULL, 0, 0, _("registry "
				    "URL '%s': use https (plain http only to "
				    "a loopback address)"), base_url);
	if (!(c = calloc(1, sizeof(*c))) || !(c->base = strdup(base_url)) ||
	    !(c->h = curl_easy_init()) ||
	    (ca_file && ca_file[0] && !(c->ca_file = strdup(ca_file)))) {
		bg_regclient_free(c);
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0, "oom");
	}
	n = strlen(c->base);
	while (n && c->base[n - 1] == '/')
		c->base[--n] = '\0';
	c->timeout_s = 30;
	if (setup(c, err)) {
		bg_regclient_free(c);
		return err ? err->code : BG_EINTERNAL;
	}
	*out = c;
	return 0;
}

int bg_regclient_dup(bg_regclient **out, const bg_regclient *c,
		     bg_error *err)
{
	int rc = bg_regclient_new(out, c->base, c->ca_file, err);

	if (rc || !c->auth)
		return rc;
	if (!((*out)->auth = strdup(c->auth))) {
		bg_regclient_free(*out);
		*out = NULL;
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0, "oom");
	}
	(*out)->timeout_s = c->timeout_s;
	return 0;
}

void bg_regclient_free(bg_regclient *c)
{
	if (!c)
		return;
	if (c->h)
		curl_easy_cleanup(c->h);
	if (c->auth) {
		sodium_memzero(c->auth, strlen(c->auth));
		free(c->auth);
	}
	free(c->base);
	free(c->ca_file);
	free(c);
}

int bg_regclient_set_token(bg_regclient *c, const char *token,
			   bg_error *err)
{
	size_t n = strlen(token) + 32;

	if (c->auth) {
		sodium_memzero(c->auth, strlen(c->auth));
		free(c->auth);
	}
	if (!(c->auth = malloc(n)))
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0, "oom");
	snprintf(c->auth, n, "Authorization: Bearer %s", token);
	return 0;
}

void bg_regclient_set_timeout(bg_regclient *c, long seconds)
{
	c->timeout_s = seconds > 0 ? seconds : 30;
}

void bg_reg_response_release(bg_reg_response *r)
{
	if (!r)
		return;
	free(r->body);
	memset(r, 0, sizeof(*r));
	r->retry_after_s = -1;
}

static int classify(CURLcode rc, bg_error *err)
{
	switch (rc) {
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		return bg_error_set(err, BG_ECONFIG, NULL, 0, 0, _("registry: "
				    "%s"), curl_easy_strerror(rc));
	default:
		return bg_error_set(err, BG_ENET, NULL, 0, 0, _("registry: %s"),
				    curl_easy_strerror(rc));
	}
}

/* Perform one request whose method and body are already set. */
static int perform(bg_regclient *c, const char *path,
		   struct curl_slist *hdr, bg_reg_response *out,
		   bg_error *err)
{
	size_t n = strlen(c->base) + strlen(path) + 1;
	char *url = malloc(n);
	CURLcode rc;

	memset(out, 0, sizeof(*out));
	out->retry_after_s = -1;
	if (!url)
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0, "oom");
	snprintf(url, n, "%s%s", c->base, path);
	curl_easy_setopt(c->h, CURLOPT_URL, url);
	curl_easy_setopt(c->h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c->h, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(c->h, CURLOPT_HEADERDATA, out);
	curl_easy_setopt(c->h, CURLOPT_TIMEOUT, c->timeout_s);
	rc = curl_easy_perform(c->h);
	curl_easy_setopt(c->h, CURLOPT_HTTPHEADER, NULL);
	free(url);
	if (rc != CURLE_OK) {
		bg_reg_response_release(out);
		return classify(rc, err);
	}
	curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &out->status);
	return 0;
}

int bg_regclient_post_certificate(bg_regclient *c, const char *json,
				  size_t len, bg_reg_response *out,
				  bg_error *err)
{
	struct curl_slist *hdr = NULL, *t;
	int rc;

	t = curl_slist_append(hdr, "Content-Type: application/json");
	if (t && c->auth)
		t = curl_slist_append(hdr = t, c->auth);
	if (t)
		t = curl_slist_append(hdr = t, "Expect:");
	if (!t) {
		curl_slist_free_all(hdr);
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0, "oom");
	}
	hdr = t;
	curl_easy_setopt(c->h, CURLOPT_POST, 1L);
	curl_easy_setopt(c->h, CURLOPT_POSTFIELDS, json);
	curl_easy_setopt(c->h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	rc = perform(c, "/v1/certificates", hdr, out, err);
	curl_slist_free_all(hdr);
	return rc;
}

int bg_regclient_get(bg_regclient *c, const char *path, const char *accept,
		     bg_reg_response *out, bg_error *err)
{
	struct curl_slist *hdr = NULL;
	char line[256];
	int rc;

	snprintf(line, sizeof(line), "Accept: %s",
		 accept ? accept : "application/json");
	if (!(hdr = curl_slist_append(NULL, line)))
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0, "oom");
	curl_easy_setopt(c->h, CURLOPT_HTTPGET, 1L);
	rc = perform(c, path, hdr, out, err);
	curl_slist_free_all(hdr);
	return rc;
}

char *bg_regclient_escape(const char *s)
{
	char *e = curl_easy_escape(NULL, s, 0), *copy;

	if (!e)
		return NULL;
	copy = strdup(e);
	curl_free(e);
	return copy;
}
