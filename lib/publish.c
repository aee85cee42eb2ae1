/*
 * publish.c - the publishing loop (see publish.h).
 *
 * Exactly once follows from two facts.  The registry stores by
 * certificate id and answers 200 to an identical re-upload, so sending
 * a file again is harmless (at-least-once delivery becomes exactly-once
 * storage).  And the spool moves a file out of outbox/ only after the
 * registry has confirmed it, so nothing is dropped.  Backoff with
 * jitter spreads the retries of many recyclers' cron jobs that all
 * start at the same minute (M. Brooker, "Exponential Backoff And
 * Jitter", AWS Architecture Blog, 2015: "equal jitter").
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "battgrade/publish.h"
#include "i18n.h"

/* How one answer is treated. */
enum verdict { V_DELIVERED, V_REJECTED, V_TRANSIENT, V_AUTH };

struct run {
	bg_spool *sp;
	bg_regclient *c;
	const bg_publish_opts *o;
	bg_publish_notify fn;
	void *ctx;
	bg_publish_stats *st;
	double t0;
	unsigned streak;
};

void bg_publish_opts_init(bg_publish_opts *o)
{
	o->max_attempts = 6;
	o->base_delay_s = 0.1;
	o->max_delay_s = 30;
	o->max_run_s = 900;
	o->max_streak = 3;
	o->max_file = 1u << 20;
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void sleep_s(double s)
{
	struct timespec ts;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts))
		;
}

double bg_publish_backoff(const bg_publish_opts *o, unsigned k,
			  double retry_after_s)
{
	double d = o->base_delay_s * ldexp(1.0, (int)(k > 30 ? 30 : k) - 1);
	double u = randombytes_uniform(1000001) / 1e6;

	if (d > o->max_delay_s)
		d = o->max_delay_s;
	d = d / 2 + u * d / 2;
	return retry_after_s > d ? retry_after_s : d;
}

static enum verdict judge(long status)
{
	if (status == 200 || status == 201)
		return V_DELIVERED;
	if (status == 401 || status == 403)
		return V_AUTH;
	if (status == 408 || status == 425 || status == 429 || status >= 500)
		return V_TRANSIENT;
	if (status >= 400)
		return V_REJECTED;
	return V_TRANSIENT; /* 1xx/3xx: not the registry we expect */
}

/* "HTTP 422: <message from the registry>" into buf. */
static void reason(const bg_reg_response *r, char *buf, size_t len)
{
	cJSON *v = r->body ? cJSON_ParseWithLength(r->body, r->body_len)
			   : NULL;
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(v, "message");

	snprintf(buf, len, "HTTP %ld: %s", r->status, cJSON_IsString(m) ?
		 m->valuestring : "no reason given");
	cJSON_Delete(v);
}

static void tell(struct run *r, const char *id, int outcome,
		 const char *detail)
{
	if (r->fn)
		r->fn(r->ctx, id, outcome, detail);
}

/* Delivered: settle in sent/; the receipt marks created or identical. */
static int delivered(struct run *r, const char *id, bg_reg_response *resp,
		     bg_error *err)
{
	int created = resp->status == 201;
	int rc = bg_spool_mark_sent(r->sp, id, resp->body ? resp->body : "",
				    resp->body_len, err);

	if (rc == BG_ENOENT)
		return 0; /* moved meanwhile; the registry has it anyway */
	if (rc)
		return rc;
	if (created)
		r->st->created++;
	else
		r->st->identical++;
	tell(r, id, created ? BG_PUBLISH_CREATED : BG_PUBLISH_IDENTICAL,
	     created ? "created" : "identical");
	return 0;
}

static int rejected(struct run *r, const char *id, const char *why,
		    bg_error *err)
{
	char line[BG_ERROR_MSG_MAX + 64];
	int rc;

	snprintf(line, sizeof(line), "%s\n", why);
	rc = bg_spool_mark_rejected(r->sp, id, line, err);
	if (rc && rc != BG_ENOENT)
		return rc;
	r->st->rejected++;
	tell(r, id, BG_PUBLISH_REJECTED, why);
	return 0;
}

/* One POST; *v the verdict, why the reason when not delivered. */
static int attempt(struct run *r, const char *id, const char *body,
		   size_t len, enum verdict *v, double *retry_after,
		   char *why, size_t whylen, bg_error *err)
{
	bg_reg_response resp;
	bg_error e;
	int rc;

	r->st->attempts++;
	*retry_after = -1;
	rc = bg_regclient_post_certificate(r->c, body, len, &resp, &e);
	if (rc == BG_ENET) {
		*v = V_TRANSIENT;
		snprintf(why, whylen, "%s", e.msg);
		return 0;
	}
	if (rc) {
		*err = e;
		return rc;
	}
	*v = judge(resp.status);
	*retry_after = resp.retry_after_s;
	reason(&resp, why, whylen);
	if (*v == V_DELIVERED)
		rc = delivered(r, id, &resp, err);
	bg_reg_response_release(&resp);
	return rc;
}

/* Deliver one certificate, retrying transient failures.  Returns 0 or
 * a fatal BG_E*; *stop set when the run must end (auth, give up). */
static int one(struct run *r, const char *id, const char *body,
	       size_t len, int *stop, bg_error *err)
{
	char why[BG_ERROR_MSG_MAX + 64] = "";
	double ra, wait, left;
	enum verdict v = V_TRANSIENT;
	unsigned k;
	int rc;

	for (k = 1; k <= r->o->max_attempts; k++) {
		if ((rc = attempt(r, id, body, len, &v, &ra, why, sizeof(why),
				  err)))
			return rc;
		if (v != V_TRANSIENT)
			break;
		wait = bg_publish_backoff(r->o, k, ra);
		left = r->o->max_run_s - (mono_s() - r->t0);
		if (k == r->o->max_attempts || wait > left)
			break;
		sleep_s(wait);
	}
	r->streak = v == V_TRANSIENT ? r->streak + 1 : 0;
	if (v == V_REJECTED)
		return rejected(r, id, why, err);
	if (v == V_AUTH) {
		r->st->auth_refused = 1;
		*stop = 1;
		tell(r, id, BG_PUBLISH_AUTH, why);
	} else if (v == V_TRANSIENT) {
		r->st->deferred++;
		*stop = r->streak >= r->o->max_streak;
		tell(r, id, BG_PUBLISH_DEFERRED, why);
	}
	return 0;
}

static int publish_id(struct run *r, const char *id, int *stop,
		      bg_error *err)
{
	char *body = NULL;
	size_t len = 0;
	bg_error e;
	int rc = bg_spool_read(r->sp, id, r->o->max_file, &body, &len, &e);

	if (rc == BG_ENOENT)
		return 0;
	if (rc == BG_EDATA)
		return rejected(r, id, e.msg, err);
	if (rc) {
		*err = e;
		return rc;
	}
	rc = one(r, id, body, len, stop, err);
	free(body);
	return rc;
}

int bg_publish_run(bg_spool *sp, bg_regclient *c, const bg_publish_opts *o,
		   bg_publish_notify fn, void *ctx, bg_publish_stats *out,
		   bg_error *err)
{
	struct run r = { sp, c, o, fn, ctx, out, mono_s(), 0 };
	char **ids = NULL;
	size_t n = 0, i;
	int rc, stop = 0;

	memset(out, 0, sizeof(*out));
	if ((rc = bg_spool_list(sp, &ids, &n, err)))
		return rc;
	for (i = 0; i < n && !rc && !stop; i++)
		rc = publish_id(&r, ids[i], &stop, err);
	if (stop && !out->auth_refused)
		for (; i < n; i++) {
			out->deferred++;
			tell(&r, ids[i], BG_PUBLISH_DEFERRED, _("registry "
			     "unreachable; left for the next run"));
		}
	bg_spool_ids_free(ids, n);
	return rc;
}
