/*
 * history-chunk.c - a regular file read in chunks, in order or by
 * several threads, with the results of one pass (history-int.h,
 * hist_feed_chunked).
 *
 * The file is cut at fixed places: at the first line start after each
 * multiple of the chunk size (h->chunk_bytes, default 8 MiB), so the
 * chunks depend on the file only, never on the number of threads.  The
 * first chunk starts with the header, which gives every chunk its
 * columns, and is read straight into the log's state h; every other
 * chunk is read by its own range reader (csvin.h, pread on the shared
 * descriptor) into a state of its own, which is joined to h strictly
 * in file order (history-merge.c).  With one thread the same chunks
 * are read and joined one after the other; with more, workers read
 * chunks ahead while the calling thread joins them, and at most
 * threads + 1 chunk states are alive, so memory does not grow with the
 * file.
 *
 * A line start found by position can lie inside a quoted field that
 * holds a newline.  The reader of the chunk before then ends inside a
 * record; it reads on to the end of the file, as one pass would, and
 * the chunks after it are dropped.  Line numbers of a chunk count from
 * its start and are moved by the lines of the chunks before it; the
 * first error in file order is the one reported, with its true line.
 * A log without a SOC column is read in one pass: its coulomb-counted
 * SOC carries from row to row and cannot be joined.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "history-int.h"
#include "i18n.h"

/* Threads at most, and slots for their chunks (threads + 1). */
#define MAX_THREADS 64
#define MAX_SLOTS (MAX_THREADS + 1)

struct plan;

struct chunk {
	struct plan *p;
	size_t k;                    /* index in the file */
	unsigned long long off, end; /* bytes; BG_CSV_TO_EOF: to the end */
	bg_csv *r;
	bg_history *st;              /* its state; chunk 0 reads into h */
	int rc, done, extended;
	bg_error err;
	unsigned long lines;         /* newlines read */
	unsigned long long bytes;    /* bytes read so far */
};

struct plan {
	bg_history *h;
	const char *path;
	int fd;
	unsigned long long size, step;
	size_t n;                    /* chunks */
	struct hist_cols cols;
	char **names;
	size_t ncols;
	struct hist_proto *proto;
	size_t nproto;
	bg_history *tmpl;            /* settings of the chunk states */
	struct chunk *slot;          /* chunk k in slot k % nslots */
	size_t nslots, nthreads;
	size_t next, joined;         /* next chunk to start; chunks joined */
	int stop;                    /* no chunk after the last joined */
	unsigned long long bytes_joined;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

/* Offset of the first line start at or after pos (pos > 0: just after
 * the first newline at pos - 1 or later); size when there is none. */
static int line_start(int fd, unsigned long long pos,
		      unsigned long long size, unsigned long long *out)
{
	char buf[4096];
	unsigned long long at = pos - 1;

	while (at < size) {
		ssize_t n = pread(fd, buf, sizeof(buf), (off_t)at);
		const char *nl;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		if ((nl = memchr(buf, '\n', (size_t)n))) {
			*out = at + (unsigned long long)(nl - buf) + 1;
			return 0;
		}
		at += (unsigned long long)n;
	}
	*out = size;
	return 0;
}

/* The byte range of chunk k; a chunk that would end at the end of the
 * file reads to its end. */
static int chunk_range(const struct plan *p, struct chunk *c, bg_error *err)
{
	c->off = 0;
	c->end = BG_CSV_TO_EOF;
	if ((c->k && line_start(p->fd, c->k * p->step, p->size, &c->off) < 0)
	    || (c->k + 1 < p->n &&
		line_start(p->fd, (c->k + 1) * p->step, p->size,
			   &c->end) < 0))
		return bg_error_set(err, BG_EIO, p->path, 0, 0,
				    _("read failed: %s"), strerror(errno));
	if (c->end >= p->size)
		c->end = BG_CSV_TO_EOF;
	return 0;
}

/* Open the first chunk and read the header.  A header that runs past
 * the chunk's end (a quoted name holding a newline, or no newline at
 * all) leaves no header in the chunk: then the file is one chunk. */
static int open_first(struct plan *p, struct chunk *c, bg_error *err)
{
	int rc = bg_csv_open_range(&c->r, p->path, p->fd, 0, c->end, NULL, 0,
				   NULL, err);

	if (rc < 0 && c->end != BG_CSV_TO_EOF) {
		p->n = 1;
		c->end = BG_CSV_TO_EOF;
		rc = bg_csv_open_range(&c->r, p->path, p->fd, 0, c->end, NULL,
				       0, NULL, err);
	}
	return rc;
}

/* Progress, and whether to stop: a chunk before this one ended the
 * reading (an error, or a reader that went on to the end). */
static int tick(void *ctx, unsigned long long bytes)
{
	struct chunk *c = ctx;
	struct plan *p = c->p;
	int stop;

	if (p->nthreads <= 1) {
		c->bytes = bytes;
		if (p->h->progress)
			p->h->progress(p->h->progress_ctx,
				       p->bytes_joined + bytes);
		return 0;
	}
	pthread_mutex_lock(&p->mu);
	c->bytes = bytes;
	stop = p->stop;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return stop;
}

/* Open the reader of chunk k > 0 and its state. */
static int chunk_open(struct plan *p, struct chunk *c)
{
	int rc;

	if (!(c->st = hist_chunk_state(p->tmpl, p->proto, p->nproto)))
		return bg_error_set(&c->err, BG_ENOMEM, NULL, 0, 0,
				    _("out of memory"));
	if ((rc = bg_csv_open_range(&c->r, p->path, p->fd, c->off, c->end,
				    (const char *const *)p->names, p->ncols,
				    NULL, &c->err)) < 0)
		return rc;
	return hist_set_numeric(c->st, c->r, &p->cols, &c->err);
}

/* Read chunk c into its state (chunk 0: into h). */
static void chunk_read(struct plan *p, struct chunk *c)
{
	bg_history *st = c->k ? NULL : p->h;
	int rc = 0;

	if (c->k) {
		if (c->end != BG_CSV_TO_EOF && c->end <= c->off)
			return; /* a line longer than a chunk: no rows */
		rc = chunk_open(p, c);
		st = c->st;
	}
	while (rc == 0) {
		rc = hist_read_rows(st, c->r, &p->cols, tick, c, &c->err);
		if (rc < 0 || !bg_csv_range_cut(c->r))
			break;
		/* The next chunk starts inside a quoted field: read on. */
		c->extended = 1;
		bg_csv_range_extend(c->r, BG_CSV_TO_EOF);
	}
	c->rc = rc;
	if (c->r) {
		c->lines = bg_csv_newlines(c->r);
		tick(c, bg_csv_offset(c->r));
		bg_csv_close(c->r);
		c->r = NULL;
	}
}

/* Slot c for chunk k (under the lock when threads are at work). */
static void chunk_init(struct plan *p, struct chunk *c, size_t k)
{
	if (!k)
		return; /* set up with the header */
	memset(c, 0, sizeof(*c));
	c->p = p;
	c->k = k;
}

static void chunk_run(struct plan *p, struct chunk *c)
{
	if (c->k && (c->rc = chunk_range(p, c, &c->err)) < 0)
		return;
	chunk_read(p, c);
}

/* Join chunk c, read after lines_before lines, to h. */
static int chunk_join(struct plan *p, struct chunk *c,
		      unsigned long lines_before, bg_error *err)
{
	int rc = 0;

	if (c->st) {
		rc = hist_merge(p->h, c->st, lines_before, p->path, err);
		bg_history_free(c->st);
		c->st = NULL;
		if (rc < 0)
			return rc;
	}
	if (c->rc < 0) {
		*err = c->err;
		if (c->k && err->line)
			err->line += lines_before;
		return c->rc;
	}
	return 0;
}

static void *worker(void *arg)
{
	struct plan *p = arg;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		struct chunk *c;
		size_t k;

		while (!p->stop && p->next < p->n &&
		       p->next - p->joined >= p->nslots)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->stop || p->next >= p->n)
			break;
		k = p->next++;
		c = &p->slot[k % p->nslots];
		chunk_init(p, c, k);
		pthread_mutex_unlock(&p->mu);
		chunk_run(p, c);
		pthread_mutex_lock(&p->mu);
		c->done = 1;
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* Wait for chunk k, reporting the progress of the chunks in work. */
static void wait_chunk(struct plan *p, struct chunk *c, size_t k)
{
	pthread_mutex_lock(&p->mu);
	while (!(c->done && c->k == k)) {
		pthread_cond_wait(&p->cv, &p->mu);
		if (p->h->progress) {
			unsigned long long b = p->bytes_joined;
			size_t j;

			for (j = p->joined; j < p->next; j++)
				b += p->slot[j % p->nslots].bytes;
			pthread_mutex_unlock(&p->mu);
			p->h->progress(p->h->progress_ctx, b);
			pthread_mutex_lock(&p->mu);
		}
	}
	pthread_mutex_unlock(&p->mu);
}

/* Read and join every chunk in order; workers read ahead. */
static int run_all(struct plan *p, bg_error *err)
{
	unsigned long lines = 0;
	size_t k;
	int rc = 0, last;

	for (k = 0; k < p->n; k++) {
		struct chunk *c = &p->slot[k % p->nslots];

		if (p->nthreads > 1) {
			wait_chunk(p, c, k);
		} else {
			chunk_init(p, c, k);
			chunk_run(p, c);
		}
		rc = chunk_join(p, c, lines, err);
		lines += c->lines;
		last = rc < 0 || c->extended;
		pthread_mutex_lock(&p->mu);
		p->joined = k + 1;
		p->bytes_joined += c->bytes;
		c->done = 0; /* the slot is free for chunk k + nslots */
		p->stop = last;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		if (last)
			break;
	}
	return rc;
}

static int run_threads(struct plan *p, bg_error *err)
{
	pthread_t tid[MAX_THREADS];
	size_t i, started = 0;
	int rc;

	for (i = 0; i < p->nthreads; i++, started++)
		if (pthread_create(&tid[i], NULL, worker, p) != 0)
			break;
	if (!started) {
		p->nthreads = 1; /* no thread to be had: read in order */
		return run_all(p, err);
	}
	rc = run_all(p, err);
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	for (i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	return rc;
}

/* The manifest's modules, for chunk states to give new tracks. */
static int snapshot_modules(struct plan *p)
{
	const bg_history *h = p->h;
	size_t i;

	if (!h->declared || !h->ntr)
		return 0;
	if (!(p->proto = calloc(h->ntr, sizeof(*p->proto))))
		return -1;
	for (i = 0; i < h->ntr; i++) {
		if (!h->tr[i]->id[0])
			continue;
		p->proto[p->nproto].id = h->tr[i]->id;
		p->proto[p->nproto].cap_ah = h->tr[i]->cap_ah;
		p->proto[p->nproto].series = h->tr[i]->series;
		p->nproto++;
	}
	return 0;
}

/* Header names, for the readers of the chunks after the first. */
static int copy_names(struct plan *p, const bg_csv *r)
{
	size_t i;

	p->ncols = bg_csv_ncols(r);
	if (!(p->names = calloc(p->ncols ? p->ncols : 1, sizeof(char *))))
		return -1;
	for (i = 0; i < p->ncols; i++)
		if (!(p->names[i] = strdup(bg_csv_colname(r, i))))
			return -1;
	return 0;
}

/* Everything the chunks after the first share, once the header of
 * the first is read. */
static int plan_chunks(struct plan *p, bg_error *err)
{
	bg_history *h = p->h;

	if (!h->any_soc_column || p->n < 2) {
		p->n = 1; /* one pass */
		bg_csv_range_extend(p->slot[0].r, BG_CSV_TO_EOF);
		p->slot[0].end = BG_CSV_TO_EOF;
		return 0;
	}
	if (copy_names(p, p->slot[0].r) < 0 || snapshot_modules(p) < 0 ||
	    !(p->tmpl = hist_chunk_state(h, NULL, 0)))
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
				    _("out of memory"));
	p->tmpl->proto = p->proto;
	p->tmpl->nproto = p->nproto;
	p->nthreads = h->threads > 1 ? (size_t)h->threads : 1;
	if (p->nthreads > p->n)
		p->nthreads = p->n;
	if (p->nthreads > MAX_THREADS)
		p->nthreads = MAX_THREADS;
	return 0;
}

/* Chunk 0 opened with the header; the plan for the rest. */
static int plan_start(struct plan *p, bg_error *err)
{
	struct chunk *c;
	int rc;

	p->step = p->h->chunk_bytes ? p->h->chunk_bytes : HIST_CHUNK_BYTES;
	p->n = p->size > p->step ? (size_t)((p->size + p->step - 1) / p->step)
				 : 1;
	p->nslots = MAX_SLOTS;
	if (!(p->slot = calloc(MAX_SLOTS, sizeof(*p->slot))))
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
				    _("out of memory"));
	c = &p->slot[0];
	c->p = p;
	if ((rc = chunk_range(p, c, err)) < 0 ||
	    (rc = open_first(p, c, err)) < 0 ||
	    (rc = hist_find_cols(p->h, c->r, &p->cols, err)) < 0 ||
	    (rc = hist_set_numeric(p->h, c->r, &p->cols, err)) < 0)
		return rc;
	if ((rc = plan_chunks(p, err)) < 0)
		return rc;
	p->nslots = p->nthreads + 1;
	return 0;
}

static void plan_free(struct plan *p)
{
	size_t i;

	for (i = 0; p->slot && i < MAX_SLOTS; i++) {
		bg_csv_close(p->slot[i].r);
		bg_history_free(p->slot[i].st);
	}
	free(p->slot);
	for (i = 0; p->names && i < p->ncols; i++)
		free(p->names[i]);
	free(p->names);
	free(p->proto);
	bg_history_free(p->tmpl);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	if (p->fd >= 0)
		close(p->fd);
}

int hist_feed_chunked(bg_history *h, const char *path, bg_error *err)
{
	struct plan p;
	struct stat sb;
	int rc;

	/* Anything but a regular file (a pipe, a terminal) is a stream;
	 * so is what cannot be opened, for the stream reader's error. */
	if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
		return 1;
	memset(&p, 0, sizeof(p));
	p.h = h;
	p.path = path;
	if ((p.fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    fstat(p.fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		if (p.fd >= 0)
			close(p.fd);
		return 1;
	}
	p.size = (unsigned long long)sb.st_size;
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	if ((rc = plan_start(&p, err)) == 0) {
		rc = p.nthreads > 1 ? run_threads(&p, err) : run_all(&p, err);
		if (rc == 0)
			h->bytes += p.bytes_joined;
	}
	plan_free(&p);
	return rc;
}

bg_history *hist_chunk_state(const bg_history *h,
			     const struct hist_proto *proto, size_t nproto)
{
	bg_history *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->lim = h->lim;
	c->cap_ah = h->cap_ah;
	c->gap_s = h->gap_s;
	c->manufacture_s = h->manufacture_s;
	c->first_use_s = h->first_use_s;
	c->retirement_s = h->retirement_s;
	c->modules_series = h->modules_series;
	c->declared = h->declared;
	c->time_kind = h->time_kind;
	c->had_module_col = h->had_module_col;
	c->had_plain_rows = h->had_plain_rows;
	c->any_soc_column = h->any_soc_column;
	c->any_cc = h->any_cc;
	c->threads = 1;
	c->proto = proto;
	c->nproto = nproto;
	return c;
}
