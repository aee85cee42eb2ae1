/*
 * csvin.c - strict, streaming CSV reading on top of libcsv.
 *
 * libcsv reports no line numbers, so the reader counts them itself, in
 * one of two ways.  Slices of input that hold no quote character and no
 * NUL byte and end with a newline (the common case: numeric logs) are
 * fed to libcsv whole, with CSV_REPALL_NL so that every newline reaches
 * the row callback and can be counted there; the rows of a slice wait
 * in a small queue.  Anything else is fed one physical line at a time,
 * which gives exact lines for quoted fields spanning lines and exact
 * columns for NUL bytes.  Either way errors carry the same line and
 * column, and a row's fields are copied once, into the queue.  Memory
 * is one input buffer plus the queue of one slice: it does not grow
 * with the file.  A range reader (bg_csv_open_range) reads its bytes
 * with pread(), so several of them can share one descriptor, each in
 * its own thread.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <csv.h>

#include "battgrade/csvin.h"
#include "number-int.h"
#include "i18n.h"

#define INBUF_SIZE (256 * 1024)
#define SLICE_SIZE (64 * 1024)
#define BULK_FAILED (-1000)   /* not a BG_E* code */

/* A complete row waiting in the queue. */
struct qrow {
	size_t first, nf;       /* its fields in qoff/qlen/qcol */
	unsigned long line;
};

struct bg_csv {
	struct csv_parser p;
	bg_csv_opts o;
	char *name;
	int fd;                 /* -1 for memory input */
	int fd_borrowed;        /* range reader: the caller closes fd */
	int ranged;             /* read [roff, rend) with pread() */
	unsigned long long roff, rend;
	int cut;                /* the range ended inside a record */
	const unsigned char *mem;
	size_t memlen;
	unsigned char *buf;     /* file input buffer */
	const unsigned char *in; /* current window: file buffer or memory */
	size_t pos, end;
	int eof, fini_done;
	unsigned long long consumed;

	unsigned long line;     /* line being fed, 1-based */
	unsigned long line_pos; /* bytes of that line already fed */
	unsigned long row_line; /* line where the pending row started */
	unsigned long col_run;  /* running column for field starts */
	int pending;            /* libcsv holds part of a row */
	int ready;              /* 2: hand the header row out as data */
	int bulk;               /* feeding a whole slice (lines counted in
				   on_row) rather than one line */
	int cr_pending;         /* bulk: last row ended with a bare CR */
	int overflow;           /* 1 field too long, 2 too many fields,
				   3 two records on one line, 4 no memory */
	size_t ovf_row;         /* queue index the overflow stops at */
	unsigned long ovf_line, ovf_col;

	char *row;              /* queued fields, each NUL-terminated */
	size_t rowlen, rowcap;
	size_t *qoff, *qlen;    /* per queued field */
	unsigned long *qcol;
	double *qval;           /* per queued field: its number, and */
	unsigned char *qst;     /* ST_*: converted, or kept as text */
	size_t qnf, fcap;       /* fields stored; capacity */
	size_t bf;              /* first field of the row being built */
	struct qrow *rows;      /* complete rows */
	size_t nrows, qhead, rowscap;

	const size_t *off, *len; /* the row handed out: views into the */
	const unsigned long *col; /* queue, valid until the next call */
	const double *val;
	const unsigned char *st;
	size_t nf;
	unsigned long cur_line; /* line of the row handed out */

	char **cols;
	size_t ncols;
	unsigned char *numeric; /* per header column: 1 = convert in the
				   field callback (bg_csv_set_numeric) */
	size_t nnumeric;        /* entries in numeric: 0 or ncols */
};

/* What the field callback did with a field. */
enum {
	ST_EMPTY,               /* numeric column, empty (or blanks) */
	ST_NUMBER,              /* numeric column, converted; text dropped */
	ST_BAD,                 /* numeric column, not a number; text kept */
	ST_INFINITE,            /* numeric column, NaN or infinite; kept */
	ST_TEXT                 /* text kept, to be converted on demand */
};

void bg_csv_opts_init(bg_csv_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->delim = ',';
	opts->max_field = 64 * 1024;
	opts->max_fields = 1024;
}

static int is_space(unsigned char c)
{
	return c == ' ';
}

static int grow_fields(bg_csv *r)
{
	size_t n = r->fcap ? 2 * r->fcap : 16;
	size_t *off = realloc(r->qoff, n * sizeof(*off));
	size_t *len;
	unsigned long *col;
	double *val;
	unsigned char *st;

	if (!off)
		return -1;
	r->qoff = off;
	len = realloc(r->qlen, n * sizeof(*len));
	if (!len)
		return -1;
	r->qlen = len;
	col = realloc(r->qcol, n * sizeof(*col));
	if (!col)
		return -1;
	r->qcol = col;
	val = realloc(r->qval, n * sizeof(*val));
	if (!val)
		return -1;
	r->qval = val;
	st = realloc(r->qst, n * sizeof(*st));
	if (!st)
		return -1;
	r->qst = st;
	r->fcap = n;
	return 0;
}

static void set_overflow(bg_csv *r, int kind, unsigned long line,
			 unsigned long col)
{
	r->overflow = kind;
	r->ovf_row = r->nrows;
	r->ovf_line = line;
	r->ovf_col = col;
}

static int grow_row(bg_csv *r, size_t need)
{
	size_t n = r->rowcap ? r->rowcap : 256;
	char *row;

	while (n < need)
		n *= 2;
	if (!(row = realloc(r->row, n)))
		return -1;
	r->row = row;
	r->rowcap = n;
	return 0;
}

/*
 * The number in a field of len bytes at s, the way bg_csv_double()
 * reads it: leading and trailing blanks ignored, empty is absent.
 * Returns ST_EMPTY, ST_NUMBER, ST_BAD or ST_INFINITE.
 */
static inline int parse_number(const char *s, size_t n, double *out)
{
	size_t k = 0;

	while (k < n && (s[k] == ' ' || s[k] == '\t'))
		k++;
	if (k == n)
		return ST_EMPTY;
	if (bg_number_parse(s + k, n - k, out) < 0)
		return ST_BAD;
	return isfinite(*out) ? ST_NUMBER : ST_INFINITE;
}

/*
 * Eight ASCII digits at p as one number, with three multiplications
 * instead of eight steps (timestamps have ten digits): 0 when they are
 * not all digits.  The digit test and the folding are D. Lemire's
 * ("Faster integer parsing", 2018; simdjson's
 * parse_eight_digits_unrolled).  Little-endian only.
 */
static inline int eight_digits(const unsigned char *p, uint64_t *out)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t mask = 0x000000FF000000FFULL;
	uint64_t v;

	memcpy(&v, p, 8);
	if (((v & 0xF0F0F0F0F0F0F0F0ULL) |
	     (((v + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) >> 4)) !=
	    0x3333333333333333ULL)
		return 0;
	v -= 0x3030303030303030ULL;
	v = v * 10 + (v >> 8);
	*out = ((v & mask) * (100 + (1000000ULL << 32)) +
		((v >> 16) & mask) * (1 + (10000ULL << 32))) >> 32;
	return 1;
#else
	(void)p;
	(void)out;
	return 0;
#endif
}

/*
 * The common field of a log, [-]digits[.digits] in at most 15 bytes
 * (so at most 15 digits), in one pass; -1 for anything else, which
 * parse_number() then reads.  The value is bit for bit the one
 * bg_number_parse() gives: the same significand m and the same one
 * correctly rounded division by an exact power of ten (Clinger).
 */
static inline int plain_decimal(const unsigned char *p, size_t n,
				double *out)
{
	const unsigned char *e = p + n, *d0, *f;
	uint64_t m = 0;
	unsigned d;
	int neg = 0;
	double v;

	if (n - 1 > 14) /* n == 0 or n > 15 */
		return -1;
	if (*p == '-') {
		neg = 1;
		p++;
	}
	d0 = p;
	if (e - p >= 8 && eight_digits(p, &m))
		p += 8;
	while (p < e && (d = (unsigned)*p - '0') < 10) {
		m = 10 * m + d;
		p++;
	}
	if (p == d0)
		return -1;
	v = (double)m;
	if (p < e) {
		if (*p != '.')
			return -1;
		f = ++p;
		while (p < e && (d = (unsigned)*p - '0') < 10) {
			m = 10 * m + d;
			p++;
		}
		if (p != e)
			return -1;
		v = (double)m / bg_pow10_exact[p - f];
	}
	*out = neg ? -v : v;
	return 0;
}

/*
 * Numeric column: convert straight from libcsv's buffer.  Empty fields
 * and numbers keep no text (an empty string stands for it); a bad
 * field keeps its text for the error message, which is only reported
 * when the caller reads the field, as before.  Returns 1 when the
 * field is stored, 0 when it must be stored as text.
 */
static int convert_field(bg_csv *r, const void *s, size_t len)
{
	double v = 0;
	int st = plain_decimal(s, len, &v) == 0
		 ? ST_NUMBER : parse_number((const char *)s, len, &v);

	if (st == ST_BAD || st == ST_INFINITE) {
		r->qst[r->qnf] = (unsigned char)st;
		return 0; /* keep the text */
	}
	r->qst[r->qnf] = (unsigned char)st;
	r->qval[r->qnf] = v;
	r->row[r->rowlen] = '\0';
	r->qoff[r->qnf] = r->rowlen;
	r->qlen[r->qnf] = 0;
	r->qcol[r->qnf] = r->col_run;
	r->col_run += len + 1;
	r->rowlen += 1;
	r->qnf++;
	return 1;
}

static void on_field(void *s, size_t len, void *data)
{
	bg_csv *r = data;
	size_t j = r->qnf - r->bf; /* the field's index in its row */

	if (r->overflow)
		return;
	if (j == 0 && r->bulk) {
		r->row_line = r->line;
		r->col_run = 1;
	}
	if (len > r->o.max_field) {
		set_overflow(r, 1, r->line, r->col_run);
		return;
	}
	if (j >= r->o.max_fields) {
		set_overflow(r, 2, r->row_line, 0);
		return;
	}
	if ((r->qnf == r->fcap && grow_fields(r) < 0) ||
	    (r->rowlen + len + 1 > r->rowcap &&
	     grow_row(r, r->rowlen + len + 1) < 0)) {
		set_overflow(r, 4, r->line, 0);
		return;
	}
	if (j < r->nnumeric && r->numeric[j]) {
		if (convert_field(r, s, len))
			return;
	} else {
		r->qst[r->qnf] = ST_TEXT;
	}
	if (len <= 16) { /* most fields: cheaper than a call to memcpy */
		char *d = r->row + r->rowlen;
		const char *src = s;
		size_t k;

		for (k = 0; k < len; k++)
			d[k] = src[k];
	} else {
		memcpy(r->row + r->rowlen, s, len);
	}
	r->row[r->rowlen + len] = '\0';
	r->qoff[r->qnf] = r->rowlen;
	r->qlen[r->qnf] = len;
	r->qcol[r->qnf] = r->col_run;
	r->col_run += len + 1;
	r->rowlen += len + 1;
	r->qnf++;
}

static void on_row(int c, void *data)
{
	bg_csv *r = data;
	struct qrow *q;

	if (r->overflow)
		return;
	if (r->qnf == r->bf) {
		/* An empty line, or the LF of a CRLF (CSV_REPALL_NL). */
		if (r->bulk && c == '\n') {
			r->line++;
			r->cr_pending = 0;
		}
		return;
	}
	/* Slow mode feeds one line: a second record in it, or in bulk
	 * mode a record after a bare CR, means CR line endings. */
	if ((!r->bulk && r->nrows) || (r->bulk && r->cr_pending)) {
		set_overflow(r, 3, r->line, 0);
		if (r->bulk) /* the line's first record fails with it */
			r->ovf_row = r->nrows - 1;
		return;
	}
	if (r->nrows == r->rowscap) {
		size_t n = r->rowscap ? 2 * r->rowscap : 64;

		if (!(q = realloc(r->rows, n * sizeof(*q)))) {
			set_overflow(r, 4, r->line, 0);
			return;
		}
		r->rows = q;
		r->rowscap = n;
	}
	q = &r->rows[r->nrows++];
	q->first = r->bf;
	q->nf = r->qnf - r->bf;
	q->line = r->row_line;
	r->bf = r->qnf;
	if (r->bulk) {
		if (c == '\n')
			r->line++;
		r->cr_pending = c == '\r';
	}
}

static int fail(bg_csv *r, bg_error *err, unsigned long line,
		unsigned long col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int fail(bg_csv *r, bg_error *err, unsigned long line,
		unsigned long col, const char *fmt, ...)
{
	char msg[BG_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return bg_error_set(err, BG_EDATA, r->name, line, col, "%s", msg);
}

/* The next buffer of a range reader: 0 at the range's end. */
static ssize_t range_read(bg_csv *r)
{
	size_t want = INBUF_SIZE;
	ssize_t n;

	if (r->rend != BG_CSV_TO_EOF && r->rend - r->roff < want)
		want = (size_t)(r->rend - r->roff);
	if (want == 0)
		return 0;
	do
		n = pread(r->fd, r->buf, want, (off_t)r->roff);
	while (n < 0 && errno == EINTR);
	if (n > 0)
		r->roff += (unsigned long long)n;
	return n;
}

static int refill(bg_csv *r, bg_error *err)
{
	ssize_t n;

	if (r->fd < 0) {
		r->eof = 1;
		return 0;
	}
	if (r->ranged)
		n = range_read(r);
	else
		do
			n = read(r->fd, r->buf, INBUF_SIZE);
		while (n < 0 && errno == EINTR);
	if (n < 0)
		return bg_error_set(err, BG_EIO, r->name, 0, 0,
				    _("read failed: %s"), strerror(errno));
	r->pos = 0;
	r->end = (size_t)n;
	if (n == 0)
		r->eof = 1;
	return 0;
}

static int overflow_error(bg_csv *r, bg_error *err)
{
	switch (r->overflow) {
	case 1:
		return fail(r, err, r->ovf_line, r->ovf_col,
			    _("field longer than %zu bytes"), r->o.max_field);
	case 2:
		return fail(r, err, r->ovf_line, 0,
			    _("more than %zu fields in one row"),
			    r->o.max_fields);
	case 3:
		return fail(r, err, r->ovf_line, 0,
			    _("two records on one line (bare carriage-return "
			      "line endings are not supported)"));
	default:
		return bg_error_set(err, BG_ENOMEM, r->name, r->ovf_line, 0,
				    _("out of memory"));
	}
}

/* Feed one line (or the part of it that is buffered) to libcsv. */
static int feed(bg_csv *r, bg_error *err)
{
	const unsigned char *seg = r->in + r->pos;
	size_t avail = r->end - r->pos;
	const unsigned char *nl = memchr(seg, '\n', avail);
	size_t n = nl ? (size_t)(nl - seg) + 1 : avail;
	const unsigned char *nul = memchr(seg, '\0', n);

	if (nul)
		return fail(r, err, r->line, r->line_pos + (nul - seg) + 1,
			    _("NUL byte in text (binary data?)"));
	if (r->line_pos == 0 && !r->pending && r->qnf == r->bf) {
		r->row_line = r->line;
		r->col_run = 1;
	}
	if (csv_parse(&r->p, seg, n, on_field, on_row, r) != n)
		return fail(r, err, r->line, 0, _("malformed quoting: %s"),
			    csv_strerror(csv_error(&r->p)));
	if (r->overflow)
		return overflow_error(r, err);
	r->pos += n;
	r->consumed += n;
	if (nl) {
		r->line++;
		r->line_pos = 0;
	} else {
		r->line_pos += n;
	}
	/* libcsv's state 0 is "no record begun": anything else means a
	 * quoted field or a record continues on the next line. */
	r->pending = !r->nrows && r->p.pstate != 0;
	return 0;
}

/*
 * Bulk feed: the longest run of whole lines within SLICE_SIZE that has
 * no quote and no NUL byte, when libcsv is between records.  Returns 1
 * when a slice was fed, 0 when the caller must feed one line instead.
 */
static int feed_bulk(bg_csv *r)
{
	const unsigned char *seg = r->in + r->pos;
	size_t n = r->end - r->pos;
	const unsigned char *nl;

	if (r->line_pos || r->pending || r->qnf != r->bf || r->p.pstate)
		return 0;
	if (n > SLICE_SIZE)
		n = SLICE_SIZE;
	if (!(nl = memrchr(seg, '\n', n)))
		return 0;
	n = (size_t)(nl - seg) + 1;
	if (memchr(seg, '"', n) || memchr(seg, '\0', n))
		return 0;
	r->bulk = 1;
	r->cr_pending = 0;
	/* Without quotes libcsv cannot fail; a short count would be a
	 * libcsv bug, reported as malformed input by the line feed. */
	if (csv_parse(&r->p, seg, n, on_field, on_row, r) != n) {
		r->bulk = 0;
		return BULK_FAILED;
	}
	r->bulk = 0;
	r->pos += n;
	r->consumed += n;
	return 1;
}

/* Drop the handed-out rows; keep a row still being built. */
static void compact(bg_csv *r)
{
	size_t k, n = r->qnf - r->bf, base;

	if (n) {
		base = r->qoff[r->bf];
		memmove(r->row, r->row + base, r->rowlen - base);
		r->rowlen -= base;
		for (k = 0; k < n; k++) {
			r->qoff[k] = r->qoff[r->bf + k] - base;
			r->qlen[k] = r->qlen[r->bf + k];
			r->qcol[k] = r->qcol[r->bf + k];
			r->qval[k] = r->qval[r->bf + k];
			r->qst[k] = r->qst[r->bf + k];
		}
	} else {
		r->rowlen = 0;
	}
	r->qnf = n;
	r->bf = 0;
	r->nrows = r->qhead = 0;
}

/* A range reader stopped by its end (not the file's) inside a record:
 * libcsv holds a quoted field or part of a row. */
static int range_cut(const bg_csv *r)
{
	return r->ranged && r->rend != BG_CSV_TO_EOF && r->roff == r->rend &&
	       (r->p.pstate != 0 || r->qnf != r->bf);
}

static int finish(bg_csv *r, bg_error *err)
{
	if (range_cut(r)) {
		r->cut = 1; /* end of the rows; bg_csv_range_extend() */
		return 0;
	}
	r->fini_done = 1;
	if (csv_fini(&r->p, on_field, on_row, r) != 0)
		return fail(r, err, r->row_line, 0,
			    _("unterminated quoted field at end of file"));
	if (r->overflow)
		return overflow_error(r, err);
	return 0;
}

/* Hand out the next queued row: 1, or an overflow met before it. */
static int pop_row(bg_csv *r, bg_error *err)
{
	const struct qrow *q;

	if (r->overflow && r->qhead == r->ovf_row)
		return overflow_error(r, err);
	q = &r->rows[r->qhead++];
	r->off = r->qoff + q->first;
	r->len = r->qlen + q->first;
	r->col = r->qcol + q->first;
	r->val = r->qval + q->first;
	r->st = r->qst + q->first;
	r->nf = q->nf;
	r->cur_line = q->line;
	return 1;
}

/* Read one raw record: 1, 0 at EOF, or < 0. */
static int read_record(bg_csv *r, bg_error *err)
{
	int rc;

	r->nf = 0;
	for (;;) {
		if (r->qhead < r->nrows || r->overflow)
			return pop_row(r, err);
		compact(r);
		if (r->pos == r->end) {
			if (r->eof) {
				if (r->fini_done)
					return 0;
				if ((rc = finish(r, err)) < 0)
					return rc;
				if (!r->nrows)
					return 0;
				continue;
			}
			if ((rc = refill(r, err)) < 0)
				return rc;
			continue;
		}
		if ((rc = feed_bulk(r)) == 0)
			rc = feed(r, err);
		if (rc == BULK_FAILED)
			return fail(r, err, r->line, 0, _("malformed input"));
		if (rc < 0)
			return rc;
	}
}

static int blank_row(const bg_csv *r)
{
	return r->nf == 1 && r->len[0] == 0 && r->st[0] != ST_NUMBER;
}

static int check_start(bg_csv *r, bg_error *err)
{
	const unsigned char *s = r->in + r->pos;
	size_t n = r->end - r->pos;

	if (n >= 2 && ((s[0] == 0xff && s[1] == 0xfe) ||
		       (s[0] == 0xfe && s[1] == 0xff)))
		return fail(r, err, 1, 1,
			    _("UTF-16 text is not supported; save the file "
			      "as UTF-8"));
	if (n >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf) {
		r->pos += 3;
		r->consumed += 3;
	}
	return 0;
}

static void trim(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	while (isspace((unsigned char)s[i]))
		i++;
	memmove(s, s + i, n - i + 1);
}

static int read_header(bg_csv *r, bg_error *err)
{
	size_t i, j;
	int rc;

	do
		rc = read_record(r, err);
	while (rc > 0 && blank_row(r));
	if (rc < 0)
		return rc;
	if (rc == 0)
		return fail(r, err, 0, 0, _("empty file"));
	if (r->o.no_header) {
		r->ncols = r->nf;
		r->ready = 2; /* hand this row out first */
		return 0;
	}
	r->cols = calloc(r->nf, sizeof(*r->cols));
	if (!r->cols)
		return bg_error_set(err, BG_ENOMEM, r->name, 0, 0, "oom");
	r->ncols = r->nf;
	for (i = 0; i < r->nf; i++) {
		r->cols[i] = strdup(r->row + r->off[i]);
		if (!r->cols[i])
			return bg_error_set(err, BG_ENOMEM, r->name, 0, 0,
					    "oom");
		trim(r->cols[i]);
		if (!r->cols[i][0])
			return fail(r, err, r->cur_line, r->col[i],
				    _("empty column name in header"));
		for (j = 0; j < i; j++)
			if (!strcasecmp(r->cols[j], r->cols[i]))
				return fail(r, err, r->cur_line, r->col[i],
					    _("duplicate column '%s'"),
					    r->cols[i]);
	}
	return 0;
}

static int setup(bg_csv *r, const bg_csv_opts *opts, bg_error *err)
{
	if (opts)
		r->o = *opts;
	else
		bg_csv_opts_init(&r->o);
	if (!r->o.delim)
		r->o.delim = ',';
	if (!r->o.max_field)
		r->o.max_field = 64 * 1024;
	if (!r->o.max_fields)
		r->o.max_fields = 1024;
	r->line = 1;
	if (csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL) != 0)
		return bg_error_set(err, BG_ENOMEM, r->name, 0, 0, "oom");
	csv_set_delim(&r->p, r->o.delim);
	/* libcsv's built-in test already treats space and tab as white
	 * space; a callback per byte costs about 6 % of a pass, so one is
	 * set only where tab is the delimiter. */
	if (r->o.delim == '\t')
		csv_set_space_func(&r->p, is_space);
	return 0;
}

static int open_common(bg_csv *r, const bg_csv_opts *opts, bg_error *err)
{
	unsigned long k;
	int rc;

	if ((rc = setup(r, opts, err)) < 0)
		return rc;
	if (r->fd >= 0 && (rc = refill(r, err)) < 0)
		return rc;
	if ((rc = check_start(r, err)) < 0)
		return rc;
	for (k = 0; k < r->o.skip_lines; k++)
		if ((rc = read_record(r, err)) <= 0)
			return rc < 0 ? rc : fail(r, err, 0, 0,
						  _("empty file"));
	return read_header(r, err);
}

static bg_csv *alloc_reader(const char *name)
{
	bg_csv *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->name = strdup(name);
	r->fd = -1;
	if (!r->name) {
		free(r);
		return NULL;
	}
	return r;
}

int bg_csv_open(bg_csv **out, const char *path, const bg_csv_opts *opts,
		bg_error *err)
{
	bg_csv *r;
	int rc;

	*out = NULL;
	if (!(r = alloc_reader(path)))
		return bg_error_set(err, BG_ENOMEM, path, 0, 0, "oom");
	if (!strcmp(path, "-"))
		r->fd = dup(STDIN_FILENO);
	else
		r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0) {
		rc = bg_error_set(err, errno == ENOENT ? BG_ENOENT : BG_EIO,
				  path, 0, 0, _("cannot open: %s"),
				  strerror(errno));
		bg_csv_close(r);
		return rc;
	}
	r->buf = malloc(INBUF_SIZE);
	r->in = r->buf;
	if (!r->buf) {
		bg_csv_close(r);
		return bg_error_set(err, BG_ENOMEM, path, 0, 0, "oom");
	}
	if ((rc = open_common(r, opts, err)) < 0) {
		bg_csv_close(r);
		return rc;
	}
	*out = r;
	return 0;
}

int bg_csv_open_mem(bg_csv **out, const char *name, const void *buf,
		    size_t len, const bg_csv_opts *opts, bg_error *err)
{
	bg_csv *r;
	int rc;

	*out = NULL;
	if (!(r = alloc_reader(name)))
		return bg_error_set(err, BG_ENOMEM, name, 0, 0, "oom");
	r->in = buf ? buf : (const unsigned char *)"";
	r->end = len;
	r->eof = 1;
	if ((rc = open_common(r, opts, err)) < 0) {
		bg_csv_close(r);
		return rc;
	}
	*out = r;
	return 0;
}

/* Column names of a range that has no header row: copied. */
static int copy_names(bg_csv *r, const char *const *names, size_t ncols)
{
	size_t i;

	if (!ncols || !(r->cols = calloc(ncols, sizeof(*r->cols))))
		return -1;
	r->ncols = ncols;
	for (i = 0; i < ncols; i++)
		if (!(r->cols[i] = strdup(names[i])))
			return -1;
	return 0;
}

int bg_csv_open_range(bg_csv **out, const char *name, int fd,
		      unsigned long long off, unsigned long long end,
		      const char *const *names, size_t ncols,
		      const bg_csv_opts *opts, bg_error *err)
{
	bg_csv *r;
	int rc;

	*out = NULL;
	if (!(r = alloc_reader(name)))
		return bg_error_set(err, BG_ENOMEM, name, 0, 0, "oom");
	r->fd = fd;
	r->fd_borrowed = 1;
	r->ranged = 1;
	r->roff = off;
	r->rend = end < off ? off : end;
	if (!(r->buf = malloc(INBUF_SIZE)) ||
	    (names && copy_names(r, names, ncols) < 0)) {
		bg_csv_close(r);
		return bg_error_set(err, BG_ENOMEM, name, 0, 0, "oom");
	}
	r->in = r->buf;
	rc = names ? setup(r, opts, err) : open_common(r, opts, err);
	if (rc < 0) {
		bg_csv_close(r);
		return rc;
	}
	*out = r;
	return 0;
}

int bg_csv_range_cut(const bg_csv *r)
{
	return r->cut;
}

void bg_csv_range_extend(bg_csv *r, unsigned long long end)
{
	if (!r->ranged || end <= r->rend)
		return;
	r->rend = end;
	r->cut = 0;
	r->eof = 0;
}

unsigned long bg_csv_newlines(const bg_csv *r)
{
	return r->line - 1;
}

void bg_csv_close(bg_csv *r)
{
	size_t i;

	if (!r)
		return;
	if (r->fd >= 0 && !r->fd_borrowed)
		close(r->fd);
	csv_free(&r->p);
	for (i = 0; r->cols && i < r->ncols; i++)
		free(r->cols[i]);
	free(r->cols);
	free(r->buf);
	free(r->row);
	free(r->qoff);
	free(r->qlen);
	free(r->qcol);
	free(r->qval);
	free(r->qst);
	free(r->numeric);
	free(r->rows);
	free(r->name);
	free(r);
}

size_t bg_csv_ncols(const bg_csv *r)
{
	return r->ncols;
}

const char *bg_csv_colname(const bg_csv *r, size_t i)
{
	if (!r->cols || i >= r->ncols)
		return "";
	return r->cols[i];
}

int bg_csv_find(const bg_csv *r, const char *name)
{
	size_t i;

	for (i = 0; r->cols && i < r->ncols; i++)
		if (!strcasecmp(r->cols[i], name))
			return (int)i;
	return -1;
}

int bg_csv_find_any(const bg_csv *r, const char *const *names)
{
	int i;

	for (; *names; names++)
		if ((i = bg_csv_find(r, *names)) >= 0)
			return i;
	return -1;
}

int bg_csv_next(bg_csv *r, bg_error *err)
{
	int rc;

	if (r->ready == 2) {
		r->ready = 1;
		return 1;
	}
	do
		rc = read_record(r, err);
	while (rc > 0 && blank_row(r));
	if (rc <= 0)
		return rc;
	if (r->nf != r->ncols)
		return fail(r, err, r->cur_line,
			    r->nf > r->ncols ? r->col[r->ncols] : 0,
			    _("expected %zu fields, found %zu"), r->ncols,
			    r->nf);
	return 1;
}

size_t bg_csv_nfields(const bg_csv *r)
{
	return r->nf;
}

const char *bg_csv_field(const bg_csv *r, size_t i)
{
	return i < r->nf ? r->row + r->off[i] : "";
}

size_t bg_csv_field_len(const bg_csv *r, size_t i)
{
	return i < r->nf ? r->len[i] : 0;
}

unsigned long bg_csv_line(const bg_csv *r)
{
	return r->cur_line;
}

unsigned long bg_csv_column(const bg_csv *r, size_t i)
{
	return i < r->nf ? r->col[i] : 0;
}

const char *bg_csv_name(const bg_csv *r)
{
	return r->name;
}

unsigned long long bg_csv_offset(const bg_csv *r)
{
	return r->consumed;
}

int bg_csv_error(const bg_csv *r, size_t i, bg_error *err, int code,
		 const char *fmt, ...)
{
	char msg[BG_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return bg_error_set(err, code, r->name, r->cur_line,
			    bg_csv_column(r, i), "%s", msg);
}

static const char *colname_or_index(const bg_csv *r, size_t i, char *tmp,
				    size_t n)
{
	if (r->cols && i < r->ncols)
		return r->cols[i];
	snprintf(tmp, n, "#%zu", i + 1);
	return tmp;
}

/* Kept out of line: only reached on bad input. */
static int __attribute__((noinline)) not_a_number(const bg_csv *r, size_t i,
						  int finite, bg_error *err)
{
	char tmp[32];

	if (finite)
		return bg_csv_error(r, i, err, BG_EDATA,
				    _("'%s' is not a number (column '%s')"),
				    bg_csv_field(r, i),
				    colname_or_index(r, i, tmp, sizeof(tmp)));
	return bg_csv_error(r, i, err, BG_EDATA,
			    _("'%s' is not a finite number (column '%s')"),
			    bg_csv_field(r, i),
			    colname_or_index(r, i, tmp, sizeof(tmp)));
}

/* The parse behind both exported functions, with the number parser
 * inlined and no call through the PLT. */
static inline int csv_double(const bg_csv *r, size_t i, double *out,
			     int *present, bg_error *err)
{
	double v = 0;
	int st;

	*present = 0;
	if (i >= r->nf)
		return 0;
	st = r->st[i];
	if (st == ST_NUMBER)
		v = r->val[i];
	else if (st == ST_TEXT)
		st = parse_number(r->row + r->off[i], r->len[i], &v);
	if (st == ST_EMPTY)
		return 0;
	if (st != ST_NUMBER)
		return not_a_number(r, i, st == ST_BAD, err);
	*out = v;
	*present = 1;
	return 0;
}

int bg_csv_double_opt(const bg_csv *r, size_t i, double *out, int *present,
		      bg_error *err)
{
	return csv_double(r, i, out, present, err);
}

int bg_csv_double(const bg_csv *r, size_t i, double *out, bg_error *err)
{
	char tmp[32];
	int present, rc;

	if ((rc = csv_double(r, i, out, &present, err)) < 0)
		return rc;
	if (!present)
		return bg_csv_error(r, i, err, BG_EDATA,
				    _("empty value in column '%s'"),
				    colname_or_index(r, i, tmp, sizeof(tmp)));
	return 0;
}

int bg_csv_set_numeric(bg_csv *r, const int *cols, size_t n, bg_error *err)
{
	size_t k;

	if (!r->numeric && r->ncols &&
	    !(r->numeric = calloc(r->ncols, 1)))
		return bg_error_set(err, BG_ENOMEM, r->name, 0, 0,
				    _("out of memory"));
	for (k = 0; k < n; k++)
		if (cols[k] >= 0 && (size_t)cols[k] < r->ncols)
			r->numeric[cols[k]] = 1;
	r->nnumeric = r->numeric ? r->ncols : 0;
	return 0;
}
