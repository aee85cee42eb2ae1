/*
 * csvin.h - strict, streaming CSV reading on top of libcsv.
 *
 * A reader owns one input buffer and one row buffer; a row returned by
 * bg_csv_next() stays valid until the next call.  Memory is bounded by
 * the longest row, whatever the length of the file.  Every error names
 * file, line and column.
 *
 *	bg_csv *r;
 *	if (bg_csv_open(&r, path, NULL, err) < 0) return err->code;
 *	int t = bg_csv_find(r, "test_time_second");
 *	while ((rc = bg_csv_next(r, err)) > 0)
 *		bg_csv_double(r, t, &x, err);
 *	bg_csv_close(r);
 */
#ifndef BG_CSVIN_H
#define BG_CSVIN_H

#include <stddef.h>

#include "battgrade/error.h"

typedef struct bg_csv bg_csv;

typedef struct bg_csv_opts {
	unsigned char delim;    /* ',' by default; '\t' for TSV */
	int no_header;          /* 1: no header row, columns are unnamed */
	size_t max_field;       /* longest field accepted (default 64 KiB) */
	size_t max_fields;      /* most fields per row (default 1024) */
	unsigned long skip_lines; /* lines to skip before the header */
} bg_csv_opts;

/* Fill opts with the defaults. */
void bg_csv_opts_init(bg_csv_opts *opts);

/*
 * Open path ("-" is standard input) and read its header row.
 * opts may be NULL for the defaults.  Fails with BG_ENOENT, BG_EIO or
 * BG_EDATA (empty file, duplicate or empty column names, UTF-16, NUL
 * bytes).  A UTF-8 byte-order mark at the very start is skipped.
 * *out is owned by the caller and freed with bg_csv_close().
 */
int bg_csv_open(bg_csv **out, const char *path, const bg_csv_opts *opts,
		bg_error *err);

/* The same over a memory buffer (not copied; must outlive the reader).
 * name is used in error messages. */
int bg_csv_open_mem(bg_csv **out, const char *name, const void *buf,
		    size_t len, const bg_csv_opts *opts, bg_error *err);

/* Free the reader; NULL is a no-op. */
void bg_csv_close(bg_csv *r);

/* Header: number of columns and the name of column i (borrowed). */
size_t bg_csv_ncols(const bg_csv *r);
const char *bg_csv_colname(const bg_csv *r, size_t i);

/*
 * Index of the column named name (compared case-insensitively, outer
 * white space ignored), or -1.
 */
int bg_csv_find(const bg_csv *r, const char *name);

/* First of several alternative names that is present, or -1. */
int bg_csv_find_any(const bg_csv *r, const char *const *names);

/*
 * Read the next data row.  Returns 1 when a row is ready, 0 at end of
 * file, or a negative code: ragged rows (a field count different from
 * the header's), unterminated quotes, over-long fields and NUL bytes
 * are BG_EDATA.  Blank lines are skipped.
 */
int bg_csv_next(bg_csv *r, bg_error *err);

/* Fields of the current row: count, text (NUL-terminated, borrowed). */
size_t bg_csv_nfields(const bg_csv *r);
const char *bg_csv_field(const bg_csv *r, size_t i);
size_t bg_csv_field_len(const bg_csv *r, size_t i);

/* 1-based line where the current row starts, and the 1-based byte column
 * where field i starts (exact for unquoted fields). */
unsigned long bg_csv_line(const bg_csv *r);
unsigned long bg_csv_column(const bg_csv *r, size_t i);
const char *bg_csv_name(const bg_csv *r);

/* Bytes consumed so far (for progress and throughput figures). */
unsigned long long bg_csv_offset(const bg_csv *r);

/*
 * Parse field i as a finite double.  Empty fields, trailing junk, NaN
 * and infinities are BG_EDATA with file, line, column and the column's
 * name in the message.  bg_csv_double_opt() returns 0 and sets *present
 * to 0 for an empty field instead of failing.
 */
int bg_csv_double(const bg_csv *r, size_t i, double *out, bg_error *err);
int bg_csv_double_opt(const bg_csv *r, size_t i, double *out, int *present,
		      bg_error *err);

/* Report an error located at field i of the current row. */
int bg_csv_error(const bg_csv *r, size_t i, bg_error *err, int code,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*
 * Fast path for numeric columns (call after opening, before reading
 * rows; cols are column indexes, -1 entries ignored).  Those columns
 * are converted while libcsv hands each field over, without copying
 * their text: bg_csv_double() and bg_csv_double_opt() then return the
 * stored value, with exactly the results and errors (file, line,
 * column) they give otherwise.  For these columns bg_csv_field()
 * returns "" and bg_csv_field_len() 0, except for a field that is not
 * a finite number, whose text is kept for the error message.
 */
int bg_csv_set_numeric(bg_csv *r, const int *cols, size_t n, bg_error *err);

/*
 * Range readers, for reading parts of one regular file in parallel.
 * Open a reader over bytes [off, end) of the file open as fd (end =
 * BG_CSV_TO_EOF: to the end of the file).  It reads with pread(), so
 * readers in several threads may share fd, which stays the caller's.
 * With names NULL the range starts with the header row, as in
 * bg_csv_open(); otherwise it holds data rows only, with the ncols
 * columns named by names (copied), and its lines count from 1 at off.
 * name is used in error messages.
 */
#define BG_CSV_TO_EOF (~0ULL)
int bg_csv_open_range(bg_csv **out, const char *name, int fd,
		      unsigned long long off, unsigned long long end,
		      const char *const *names, size_t ncols,
		      const bg_csv_opts *opts, bg_error *err);

/* 1 when bg_csv_next() returned 0 because the range ended inside a
 * record (a quoted field or a row goes on past end: the range was not
 * cut at a record boundary), 0 otherwise. */
int bg_csv_range_cut(const bg_csv *r);

/* Move the end of a range reader further (BG_CSV_TO_EOF: the end of
 * the file); after a cut, bg_csv_next() then goes on with the record
 * that was cut, as one reader over the whole would have. */
void bg_csv_range_extend(bg_csv *r, unsigned long long end);

/* Newlines read so far: after bg_csv_next() returned 0, the lines of
 * the input (a last line without a newline not counted). */
unsigned long bg_csv_newlines(const bg_csv *r);

#endif
