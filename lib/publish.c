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
#include <pthread.h>
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

/* What the workers of one run share, under lock. */
struct run {
	pthread_mutex_t lock;
	bg_spool *sp;
	const bg_publish_opts *o;
	bg_publish_notify fn;
	void *ctx;
	bg_publish_stats *st;
	double t0;
	unsigned streak;
	char **ids;
	size_t n, next;
	int stop;
};

/* One worker: its own connection, its first fatal error. */
struct worker {
	struct run *r;
	bg_regclient *c;
	pthread_t tid;
	int rc;
	bg_error err;
};

void bg_publish_opts_init(bg_publish_opts *o)
{
	o->max_attempts = 6;
	o->base_delay_s = 0.1;
	o->max_delay_s = 30;
	o->max_run_s = 900;
	o->max_streak = 3;
	o->max_file = 1u << 20;
	o->parallel = 8;
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

/* Count an outcome and tell the caller, one worker at a time. */
static void tell(struct run *r, const char *id, int outcome,
		 const char *detail)
{
	size_t *count[] = { &r->st->created, &r->st->identical,
			    &r->st->rejected, &r->st->deferred, NULL };

	pthread_mutex_lock(&r->lock);
	if (count[outcome])
		(*count[outcome])++;
	if (outcome == BG_PUBLISH_AUTH) {
		r->st->auth_refused = 1;
		r->stop = 1;
	}
	if (outcome == BG_PUBLISH_DEFERRED &&
	    ++r->streak >= r->o->max_streak)
		r->stop = 1;
	else if (outcome != BG_PUBLISH_DEFERRED)
		r->streak = 0;
	if (r->fn)
		r->fn(r->ctx, id, outcome, detail);
	pthread_mutex_unlock(&r->lock);
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
	tell(r, id, BG_PUBLISH_REJECTED, why);
	return 0;
}

/* One POST; *v the verdict, why the reason when not delivered. */
static int attempt(struct worker *w, const char *id, const char *body,
		   size_t len, enum verdict *v, double *retry_after,
		   char *why, size_t whylen, bg_error *err)
{
	struct run *r = w->r;
	bg_reg_response resp;
	bg_error e;
	int rc;

	pthread_mutex_lock(&r->lock);
	r->st->attempts++;
	pthread_mutex_unlock(&r->lock);
	*retry_after = -1;
	rc = bg_regclient_post_certificate(w->c, body, len, &resp, &e);
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
 * a fatal BG_E*. */
static int one(struct worker *w, const char *id, const char *body,
	       size_t len, bg_error *err)
{
	char why[BG_ERROR_MSG_MAX + 64] = "";
	struct run *r = w->r;
	double ra, wait, left;
	enum verdict v = V_TRANSIENT;
	unsigned k;
	int rc;

	for (k = 1; k <= r->o->max_attempts; k++) {
		if ((rc = attempt(w, id, body, len, &v, &ra, why, sizeof(why),
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
	if (v == V_REJECTED)
		return rejected(r, id, why, err);
	if (v == V_AUTH)
		tell(r, id, BG_PUBLISH_AUTH, why);
	else if (v == V_TRANSIENT)
		tell(r, id, BG_PUBLISH_DEFERRED, why);
	return 0;
}

static int publish_id(struct worker *w, const char *id, bg_error *err)
{
	struct run *r = w->r;
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
	rc = one(w, id, body, len, err);
	free(body);
	return rc;
}

/* The next id to send, or NULL when done or stopped. */
static const char *take(struct run *r)
{
	const char *id = NULL;

	pthread_mutex_lock(&r->lock);
	if (!r->stop && r->next < r->n)
		id = r->ids[r->next++];
	pthread_mutex_unlock(&r->lock);
	return id;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	const char *id;

	while (!w->rc && (id = take(w->r)))
		w->rc = publish_id(w, id, &w->err);
	if (w->rc) {
		pthread_mutex_lock(&w->r->lock);
		w->r->stop = 1;
		pthread_mutex_unlock(&w->r->lock);
	}
	return NULL;
}

/* Run the workers: the first uses c, the others a copy of it. */
static int run_workers(struct run *r, bg_regclient *c, bg_error *err)
{
	unsigned n = r->o->parallel ? r->o->parallel : 1, i, started = 0;
	struct worker *w = calloc(n, sizeof(*w));
	int rc = 0;

	if (!w)
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0, "oom");
	for (i = 0; i < n && (size_t)i < r->n; i++) {
		w[i].r = r;
		w[i].c = c;
		if (i && bg_regclient_dup(&w[i].c, c, err))
			break;
		if (pthread_create(&w[i].tid, NULL, work, &w[i])) {
			if (i)
				bg_regclient_free(w[i].c);
			break;
		}
		started++;
	}
	for (i = 0; i < started; i++) {
		pthread_join(w[i].tid, NULL);
		if (w[i].rc && !rc) {
			rc = w[i].rc;
			*err = w[i].err;
		}
		if (i)
			bg_regclient_free(w[i].c);
	}
	free(w);
	return rc;
}

int bg_publish_run(bg_spool *sp, bg_regclient *c, const bg_publish_opts *o,
		   bg_publish_notify fn, void *ctx, bg_publish_stats *out,
		   bg_error *err)
{
	struct run r = { .sp = sp, .o = o, .fn = fn, .ctx = ctx, .st = out,
			 .t0 = mono_s() };
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = bg_spool_list(sp, &r.ids, &r.n, err)))
		return rc;
	pthread_mutex_init(&r.lock, NULL);
	rc = run_workers(&r, c, err);
	if (!rc && r.stop && !out->auth_refused)
		for (; r.next < r.n; r.next++)
			tell(&r, r.ids[r.next], BG_PUBLISH_DEFERRED,
			     _("registry unreachable; left for the next run"));
	pthread_mutex_destroy(&r.lock);
	bg_spool_ids_free(r.ids, r.n);
	if (!rc)
		rc = bg_spool_sync(sp, err);
	return rc;
}
