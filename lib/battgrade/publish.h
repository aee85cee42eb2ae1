/*
 * publish.h - deliver every certificate in a spool to a registry,
 * exactly once, whatever the network or the server does.
 *
 * Each certificate in outbox/ is POSTed; 201 (created) and 200 (the
 * identical file was already there) both mean delivered and move it to
 * sent/ with the receipt; 400, 409, 413, 422 and other refusals of the
 * file itself move it to rejected/ with the reason.  Transient failures
 * (no connection, dropped connection, timeout, 429, 5xx) are retried
 * with exponential backoff and jitter, never sooner than Retry-After,
 * and a certificate still failing after the attempts or the time
 * allowed stays in outbox/ for the next run.  401 and 403 stop the run:
 * the token is wrong for every file, so none is blamed.
 */
#ifndef BG_PUBLISH_H
#define BG_PUBLISH_H

#include <stddef.h>

#include "battgrade/error.h"
#include "battgrade/regclient.h"
#include "battgrade/spool.h"

typedef struct bg_publish_opts {
	unsigned max_attempts;   /* per certificate and run (6) */
	double base_delay_s;     /* first backoff step (0.1 s) */
	double max_delay_s;      /* longest single wait (30 s) */
	double max_run_s;        /* whole run, waits included (900 s) */
	unsigned max_streak;     /* certificates deferred in a row before the
				    run gives up on the registry (3) */
	size_t max_file;         /* largest certificate file sent (1 MiB) */
	unsigned parallel;       /* uploads in flight at once (8) */
} bg_publish_opts;

/* Fill o with the defaults above. */
void bg_publish_opts_init(bg_publish_opts *o);

enum bg_publish_outcome {
	BG_PUBLISH_CREATED,   /* stored by this upload */
	BG_PUBLISH_IDENTICAL, /* was already there: delivered */
	BG_PUBLISH_REJECTED,  /* refused for good, now in rejected/ */
	BG_PUBLISH_DEFERRED,  /* still in outbox/ for the next run */
	BG_PUBLISH_AUTH       /* token refused: run stopped */
};

typedef struct bg_publish_stats {
	size_t created, identical, rejected, deferred;
	size_t attempts;      /* POSTs made */
	int auth_refused;     /* 1 when 401/403 stopped the run */
} bg_publish_stats;

/* Told about each certificate as it is settled; detail is a one-line
 * reason (or the registry's status word); never contains the token. */
typedef void (*bg_publish_notify)(void *ctx, const char *id, int outcome,
				  const char *detail);

/*
 * Publish everything in sp's outbox (the caller holds the spool lock),
 * o->parallel certificates at a time, each over its own connection (c
 * and copies of it); fn is called from those threads, one at a time.
 * Returns 0 when the run completed (see *out for what happened to each
 * certificate) or a negative BG_E* when it could not go on (TLS
 * verification failed, spool unwritable); certificates not reached stay
 * queued.
 */
int bg_publish_run(bg_spool *sp, bg_regclient *c, const bg_publish_opts *o,
		   bg_publish_notify fn, void *ctx, bg_publish_stats *out,
		   bg_error *err);

/*
 * The backoff before attempt k (k >= 1) of a certificate: "equal
 * jitter", a uniformly random wait in [d/2, d] with d = min(max_delay,
 * base * 2^(k-1)), and never less than retry_after_s (< 0: none).
 */
double bg_publish_backoff(const bg_publish_opts *o, unsigned k,
			  double retry_after_s);

#endif
