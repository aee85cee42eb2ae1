/*
 * ratelimit.c - per-issuer token buckets (see ratelimit.h).
 *
 * Issuers are few (one per recycling facility), so buckets live in a
 * small array searched linearly under one mutex; when it is full the
 * least recently used bucket is reused, which at worst grants an
 * evicted issuer a fresh burst.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "battgrade/error.h"
#include "battgrade/ratelimit.h"

#define KEY_MAX 128

struct bucket {
	char key[KEY_MAX];
	double tokens;
	double last_s;
};

struct bg_ratelimit {
	pthread_mutex_t lock;
	double rate, burst;
	unsigned n, max;
	struct bucket *b;
};

int bg_ratelimit_new(bg_ratelimit **out, double rate_per_s, double burst,
		     unsigned max_keys)
{
	bg_ratelimit *rl = calloc(1, sizeof(*rl));

	*out = NULL;
	if (!rl || !(rl->b = calloc(max_keys ? max_keys : 1,
				    sizeof(*rl->b)))) {
		free(rl);
		return BG_ENOMEM;
	}
	pthread_mutex_init(&rl->lock, NULL);
	rl->rate = rate_per_s;
	rl->burst = burst < 1 ? 1 : burst;
	rl->max = max_keys ? max_keys : 1;
	*out = rl;
	return 0;
}

void bg_ratelimit_free(bg_ratelimit *rl)
{
	if (!rl)
		return;
	pthread_mutex_destroy(&rl->lock);
	free(rl->b);
	free(rl);
}

/* The bucket of key, created full (or recycled) when absent. */
static struct bucket *find(bg_ratelimit *rl, const char *key, double now)
{
	unsigned i, lru = 0;

	for (i = 0; i < rl->n; i++) {
		if (!strcmp(rl->b[i].key, key))
			return &rl->b[i];
		if (rl->b[i].last_s < rl->b[lru].last_s)
			lru = i;
	}
	i = rl->n < rl->max ? rl->n++ : lru;
	snprintf(rl->b[i].key, KEY_MAX, "%s", key);
	rl->b[i].tokens = rl->burst;
	rl->b[i].last_s = now;
	return &rl->b[i];
}

int bg_ratelimit_take(bg_ratelimit *rl, const char *key, double now_s,
		      double *wait_s)
{
	struct bucket *b;
	int ok;

	*wait_s = 0;
	if (rl->rate <= 0)
		return 1;
	pthread_mutex_lock(&rl->lock);
	b = find(rl, key, now_s);
	if (now_s > b->last_s)
		b->tokens += (now_s - b->last_s) * rl->rate;
	if (b->tokens > rl->burst)
		b->tokens = rl->burst;
	b->last_s = now_s;
	ok = b->tokens >= 1.0 - 1e-9; /* clock differences are inexact */
	if (ok)
		b->tokens -= 1.0;
	else
		*wait_s = (1.0 - b->tokens) / rl->rate;
	pthread_mutex_unlock(&rl->lock);
	return ok;
}
