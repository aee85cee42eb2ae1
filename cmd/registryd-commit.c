/*
 * registryd-commit.c - group commit: one disk flush for many uploads.
 *
 * With synchronous=FULL every SQLite commit waits for the disk (about
 * 2 ms here), which would cap the registry at a few hundred uploads a
 * second however many clients send at once.  Request threads therefore
 * hand their verified certificate to one committer thread and wait; the
 * committer stores everything that queued up meanwhile in a single
 * transaction and wakes them all.  A request still answers only after
 * its own certificate is on disk; under load the flush is shared
 * (the technique of database group commit, e.g. Helland et al., "Group
 * Commit Timers and High Volume Transaction Systems", HPTS 1987).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "registryd.h"

#define BATCH_MAX 256

struct regd_job {
	const bg_regdb_cert *cert;
	int outcome;
	int rc;
	int done;
	bg_error err;
	struct regd_job *next;
};

static void commit_batch(struct regd_committer *q, struct regd_job *head)
{
	const bg_regdb_cert *certs[BATCH_MAX] = { NULL };
	int outcome[BATCH_MAX];
	struct regd_job *j, *jobs[BATCH_MAX];
	bg_error err;
	size_t n = 0, i;
	int rc;

	for (j = head; j && n < BATCH_MAX; j = j->next, n++) {
		jobs[n] = j;
		certs[n] = j->cert;
	}
	rc = bg_regdb_cert_put_many(q->db, certs, outcome, n, &err);
	pthread_mutex_lock(&q->lock);
	for (i = 0; i < n; i++) {
		jobs[i]->rc = rc;
		jobs[i]->outcome = outcome[i];
		if (rc)
			jobs[i]->err = err;
		jobs[i]->done = 1;
	}
	pthread_cond_broadcast(&q->done);
	pthread_mutex_unlock(&q->lock);
}

/* Take up to BATCH_MAX queued jobs in arrival order. */
static struct regd_job *take(struct regd_committer *q)
{
	struct regd_job *head = q->head, *j = head;
	size_t n = 1;

	while (j && j->next && n < BATCH_MAX) {
		j = j->next;
		n++;
	}
	q->head = j ? j->next : NULL;
	if (!q->head)
		q->tail = NULL;
	if (j)
		j->next = NULL;
	return head;
}

static void *committer(void *arg)
{
	struct regd_committer *q = arg;
	struct regd_job *batch;

	pthread_mutex_lock(&q->lock);
	for (;;) {
		while (!q->head && !q->stopping)
			pthread_cond_wait(&q->work, &q->lock);
		if (!q->head && q->stopping)
			break;
		batch = take(q);
		pthread_mutex_unlock(&q->lock);
		commit_batch(q, batch);
		pthread_mutex_lock(&q->lock);
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

int regd_committer_start(struct regd_committer *q, const char *path,
			 bg_error *err)
{
	int rc;

	memset(q, 0, sizeof(*q));
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->work, NULL);
	pthread_cond_init(&q->done, NULL);
	if ((rc = bg_regdb_open(&q->db, path, err)))
		return rc;
	if (pthread_create(&q->tid, NULL, committer, q)) {
		bg_regdb_close(q->db);
		q->db = NULL;
		return bg_error_set(err, BG_EINTERNAL, NULL, 0, 0,
				    "cannot start the committer thread");
	}
	q->running = 1;
	return 0;
}

int regd_committer_put(struct regd_committer *q, const bg_regdb_cert *c,
		       int *outcome, bg_error *err)
{
	struct regd_job job = { c, BG_REGDB_CONFLICT, 0, 0, { 0 }, NULL };

	pthread_mutex_lock(&q->lock);
	if (q->tail)
		q->tail->next = &job;
	else
		q->head = &job;
	q->tail = &job;
	pthread_cond_signal(&q->work);
	while (!job.done)
		pthread_cond_wait(&q->done, &q->lock);
	pthread_mutex_unlock(&q->lock);
	*outcome = job.outcome;
	if (job.rc && err)
		*err = job.err;
	return job.rc;
}

void regd_committer_stop(struct regd_committer *q)
{
	if (q->running) {
		pthread_mutex_lock(&q->lock);
		q->stopping = 1;
		pthread_cond_signal(&q->work);
		pthread_mutex_unlock(&q->lock);
		pthread_join(q->tid, NULL);
		q->running = 0;
	}
	bg_regdb_close(q->db);
	q->db = NULL;
	pthread_cond_destroy(&q->work);
	pthread_cond_destroy(&q->done);
	pthread_mutex_destroy(&q->lock);
}
