/*
 * registryd-pool.c - SQLite connections lent to request threads.
 *
 * A SQLite connection must not be used by two threads at once, and
 * opening one per request costs more than the request.  The daemon
 * opens a few at start and lends them out; a thread that waits too long
 * answers 503 instead of queueing without bound.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "registryd.h"

int regd_pool_open(struct regd_pool *p, const char *path, unsigned n,
		   bg_error *err)
{
	unsigned i;
	int rc;

	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->freed, NULL);
	p->n = 0;
	p->db = calloc(n, sizeof(*p->db));
	p->busy = calloc(n, sizeof(*p->busy));
	if (!p->db || !p->busy)
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0, "oom");
	for (i = 0; i < n; i++) {
		rc = bg_regdb_open(&p->db[i], path, err);
		if (rc)
			return rc;
		p->n++;
	}
	return 0;
}

bg_regdb *regd_pool_get(struct regd_pool *p, double timeout_s)
{
	struct timespec until;
	bg_regdb *db = NULL;
	unsigned i;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += (time_t)timeout_s;
	pthread_mutex_lock(&p->lock);
	while (!db && rc != ETIMEDOUT) {
		for (i = 0; i < p->n && !db; i++)
			if (!p->busy[i]) {
				p->busy[i] = 1;
				db = p->db[i];
			}
		if (!db)
			rc = pthread_cond_timedwait(&p->freed, &p->lock,
						    &until);
	}
	pthread_mutex_unlock(&p->lock);
	return db;
}

void regd_pool_put(struct regd_pool *p, bg_regdb *db)
{
	unsigned i;

	pthread_mutex_lock(&p->lock);
	for (i = 0; i < p->n; i++)
		if (p->db[i] == db)
			p->busy[i] = 0;
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->lock);
}

void regd_pool_close(struct regd_pool *p)
{
	unsigned i;

	for (i = 0; i < p->n; i++)
		bg_regdb_close(p->db[i]);
	free(p->db);
	free(p->busy);
	p->db = NULL;
	p->busy = NULL;
	p->n = 0;
	pthread_cond_destroy(&p->freed);
	pthread_mutex_destroy(&p->lock);
}
