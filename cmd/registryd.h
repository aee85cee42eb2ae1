/*
 * registryd.h - what the parts of battgrade-registryd share.
 *
 * battgrade-registryd.c parses options and runs the daemon,
 * registryd-http.c answers requests, registryd-page.c renders the
 * printable HTML page of a certificate, registryd-pool.c lends SQLite
 * connections to request threads.
 */
#ifndef BG_REGISTRYD_H
#define BG_REGISTRYD_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <microhttpd.h>

#include "battgrade/ratelimit.h"
#include "battgrade/registrydb.h"

/* A fixed set of database connections shared by the request threads. */
struct regd_pool {
	pthread_mutex_t lock;
	pthread_cond_t freed;
	bg_regdb **db;
	int *busy;
	unsigned n;
};

int regd_pool_open(struct regd_pool *p, const char *path, unsigned n,
		   bg_error *err);
/* Borrow a connection, waiting at most timeout_s; NULL on timeout. */
bg_regdb *regd_pool_get(struct regd_pool *p, double timeout_s);
void regd_pool_put(struct regd_pool *p, bg_regdb *db);
void regd_pool_close(struct regd_pool *p);

/* The single writer that commits queued uploads together. */
struct regd_job;
struct regd_committer {
	pthread_mutex_t lock;
	pthread_cond_t work, done;
	struct regd_job *head, *tail;
	bg_regdb *db;
	pthread_t tid;
	int running, stopping;
};

int regd_committer_start(struct regd_committer *q, const char *path,
			 bg_error *err);
/* Store c, sharing a transaction with whatever else is queued; returns
 * once it is committed (or failed), with BG_REGDB_* in *outcome. */
int regd_committer_put(struct regd_committer *q, const bg_regdb_cert *c,
		       int *outcome, bg_error *err);
/* Commit what is queued, stop the thread, close its connection. */
void regd_committer_stop(struct regd_committer *q);

struct registryd {
	struct regd_pool pool;
	struct regd_committer commit;
	bg_ratelimit *rate;
	size_t max_body;        /* bytes */
	double fault_rate;      /* 0..1 */
	unsigned retry_after_s; /* sent with 429/503 from faults */
};

/* The MHD access handler (cls is the struct registryd). */
enum MHD_Result regd_handle(void *cls, struct MHD_Connection *c, const char *url,
		const char *method, const char *version,
		const char *upload_data, size_t *upload_data_size,
		void **con_cls);
/* MHD's request-completed callback: frees per-request state. */
void regd_completed(void *cls, struct MHD_Connection *c, void **con_cls,
		    enum MHD_RequestTerminationCode toe);

/*
 * The HTML page for a stored certificate: heap string owned by the
 * caller, NULL when out of memory.  status is a one-line verification
 * result, verified non-zero when the signature checked out.
 */
char *regd_page(const bg_regdb_cert *c, const char *status, int verified,
		size_t *len);

#endif
