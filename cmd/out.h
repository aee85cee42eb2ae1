/*
 * out.h - data on stdout: aligned tables for people, CSV and JSON for
 * scripts, and a progress bar on stderr when it is a terminal.
 *
 * JSON and CSV never pass through gettext and use the C locale's
 * number format, so scripts see the same bytes in every locale.
 */
#ifndef BG_OUT_H
#define BG_OUT_H

#include <stddef.h>
#include <stdio.h>

struct cJSON;

/* A text table: set the header, add rows, print aligned, free. */
struct bg_table;
struct bg_table *bg_table_new(size_t ncols, const char *const *header);
/* Add a row of ncols cells (copied); returns 0 or -1 on no memory. */
int bg_table_add(struct bg_table *t, const char *const *cells);
/* printf-style cell into a caller buffer, for convenience. */
const char *bg_fmt(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void bg_table_print(const struct bg_table *t, FILE *f);
void bg_table_free(struct bg_table *t);

/* Write one CSV field, quoted when it has to be (RFC 4180). */
void bg_csv_write_field(FILE *f, const char *s);
/* Write a row of n fields and a newline. */
void bg_csv_write_row(FILE *f, size_t n, const char *const *fields);

/*
 * Print a JSON value on one line (JSONL) or indented, followed by a
 * newline; returns 0 or -1 when cJSON ran out of memory.
 */
int bg_json_print(FILE *f, const struct cJSON *v, int pretty);

/* Progress on stderr, only when stderr is a terminal. */
struct bg_progress {
	int active;
	const char *what;
	unsigned long long total, done;
	double last;
};
void bg_progress_start(struct bg_progress *p, const char *what,
		       unsigned long long total);
void bg_progress_update(struct bg_progress *p, unsigned long long done);
void bg_progress_end(struct bg_progress *p);

/* Flush stdout and report a failed write; returns 0 or 74. */
int bg_out_finish(void);

#endif
