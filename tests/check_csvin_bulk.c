/*
 * check_csvin_bulk.c - the reader's bulk path (whole quote-free slices
 * fed to libcsv, lines counted in the row callback) gives the same
 * rows, lines, columns and errors as line-by-line reading, deep into
 * large inputs, across slice and buffer boundaries; range readers
 * (parts of one file, as parallel history reading uses them) give the
 * rows and lines of one reader over the whole file.
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "battgrade.h"

#define NROWS 60000

/* A large log with CRLF and LF endings, blank lines, padded values.
 * expect_line[i] is the line of data row i. */
static char *make_log(size_t *len, unsigned long *expect_line)
{
	char *buf;
	FILE *f = open_memstream(&buf, len);
	unsigned long line = 1;
	int i;

	fputs("t,x,y\n", f);
	for (i = 0; i < NROWS; i++) {
		line++;
		if (i % 1000 == 7) { /* a blank line first */
			fputs(i % 2 ? "\r\n" : "\n", f);
			line++;
		}
		expect_line[i] = line;
		fprintf(f, "%d,%d.5, %d%s", i, i % 13, -i, i % 3 ? "\n" : "\r\n");
	}
	fclose(f);
	return buf;
}

static void check_rows(bg_csv *r, const unsigned long *expect_line)
{
	bg_error err;
	double v;
	int i = 0;

	while (bg_csv_next(r, &err) > 0) {
		ck_assert_int_lt(i, NROWS);
		ck_assert_uint_eq(bg_csv_line(r), expect_line[i]);
		ck_assert_int_eq(bg_csv_double(r, 0, &v, &err), 0);
		ck_assert_double_eq(v, i);
		ck_assert_int_eq(bg_csv_double(r, 1, &v, &err), 0);
		ck_assert_double_eq(v, i % 13 + 0.5);
		ck_assert_int_eq(bg_csv_double(r, 2, &v, &err), 0);
		ck_assert_double_eq(v, -i);
		ck_assert_uint_eq(bg_csv_column(r, 1),
				  bg_csv_field_len(r, 0) + 2);
		i++;
	}
	ck_assert_int_eq(i, NROWS);
}

START_TEST(test_csvin_bulk_lines_mem)
{
	static unsigned long lines[NROWS];
	size_t len;
	char *log = make_log(&len, lines);
	bg_error err;
	bg_csv *r;

	ck_assert_int_eq(bg_csv_open_mem(&r, "big.csv", log, len, NULL, &err),
			 0);
	check_rows(r, lines);
	ck_assert_uint_eq(bg_csv_offset(r), len);
	bg_csv_close(r);
	free(log);
}
END_TEST

START_TEST(test_csvin_bulk_lines_file)
{
	static unsigned long lines[NROWS];
	char path[] = "/tmp/bg_bulkXXXXXX";
	int fd = mkstemp(path);
	size_t len;
	char *log = make_log(&len, lines);
	bg_error err;
	bg_csv *r;

	ck_assert_int_eq(write(fd, log, len), (ssize_t)len);
	close(fd);
	ck_assert_int_eq(bg_csv_open(&r, path, NULL, &err), 0);
	check_rows(r, lines);
	bg_csv_close(r);
	unlink(path);
	free(log);
}
END_TEST

/* Replace data row k of the big log by text; return the error met. */
static int error_at(int k, const char *text, size_t textlen, bg_error *err,
		    unsigned long *line, int *rows_before)
{
	static unsigned long lines[NROWS];
	size_t len, a, b;
	char *log = make_log(&len, lines), *s, *mod;
	bg_csv *r;
	int rc, n = 0;

	/* Row k's text runs from the start of its line to its newline. */
	s = log;
	for (a = 0; a < lines[k] - 1; a++)
		s = strchr(s, '\n') + 1;
	a = (size_t)(s - log);
	b = (size_t)(strchr(s, '\n') - log) + 1;
	mod = malloc(len + textlen);
	memcpy(mod, log, a);
	memcpy(mod + a, text, textlen);
	memcpy(mod + a + textlen, log + b, len - b);
	len = a + textlen + len - b;
	*line = lines[k];
	ck_assert_int_eq(bg_csv_open_mem(&r, "e.csv", mod, len, NULL, err), 0);
	while ((rc = bg_csv_next(r, err)) > 0)
		n++;
	bg_csv_close(r);
	free(mod);
	free(log);
	*rows_before = n;
	return rc;
}

START_TEST(test_csvin_bulk_errors_deep)
{
	unsigned long line;
	bg_error err;
	int before;

	ck_assert_int_eq(error_at(40000, "1,2\n", 4, &err, &line, &before),
			 BG_EDATA);
	ck_assert_uint_eq(err.line, line);
	ck_assert_int_eq(before, 40000);
	ck_assert(strstr(err.msg, "expected 3 fields") != NULL);

	ck_assert_int_eq(error_at(30001, "1,2,3\r4,5,6\n", 12, &err, &line,
				  &before), BG_EDATA);
	ck_assert_uint_eq(err.line, line);
	ck_assert_int_eq(before, 30001);
	ck_assert(strstr(err.msg, "two records") != NULL);

	ck_assert_int_eq(error_at(20002, "1,2\0,3\n", 7, &err, &line,
				  &before), BG_EDATA);
	ck_assert_uint_eq(err.line, line);
	ck_assert_uint_eq(err.column, 4);
	ck_assert(strstr(err.msg, "NUL") != NULL);
}
END_TEST

START_TEST(test_csvin_bulk_quotes_midway)
{
	static const char text[] = "\"1\",\"2\n\",3\n";
	unsigned long line;
	bg_error err;
	int before;

	/* A quoted field spanning two lines at row 25000: the rows after
	 * it keep their line numbers (one more than without it), so a
	 * ragged row much later is reported at its true line. */
	static unsigned long lines[NROWS];
	size_t len, a, b, c, d;
	char *log = make_log(&len, lines), *s, *mod;
	bg_csv *r;
	int rc, n = 0;

	(void)before;
	(void)line;
	s = log;
	for (a = 0; a < lines[25000] - 1; a++)
		s = strchr(s, '\n') + 1;
	a = (size_t)(s - log);
	b = (size_t)(strchr(s, '\n') - log) + 1;
	s = log;
	for (c = 0; c < lines[50000] - 1; c++)
		s = strchr(s, '\n') + 1;
	c = (size_t)(s - log);
	d = (size_t)(strchr(s, '\n') - log) + 1;
	mod = malloc(len + 64);
	memcpy(mod, log, a);
	memcpy(mod + a, text, sizeof(text) - 1);
	memcpy(mod + a + sizeof(text) - 1, log + b, c - b);
	memcpy(mod + a + sizeof(text) - 1 + c - b, "9,9\n", 4);
	memcpy(mod + a + sizeof(text) - 1 + c - b + 4, log + d, len - d);
	len = a + sizeof(text) - 1 + c - b + 4 + len - d;
	ck_assert_int_eq(bg_csv_open_mem(&r, "q.csv", mod, len, NULL, &err),
			 0);
	while ((rc = bg_csv_next(r, &err)) > 0) {
		if (n == 25001)
			ck_assert_uint_eq(bg_csv_line(r), lines[25001] + 1);
		n++;
	}
	ck_assert_int_eq(rc, BG_EDATA);
	ck_assert_int_eq(n, 50000);
	ck_assert_uint_eq(err.line, lines[50000] + 1);
	bg_csv_close(r);
	free(mod);
	free(log);
}
END_TEST

/* Read all of buf twice, as text and with numeric columns 0 and 2
 * (bg_csv_set_numeric); both must agree row by row: values, presence,
 * lines, columns, and the same error at the same place. */
static int same_both_ways(const char *buf, size_t len, int opt)
{
	static const int cols[] = { 0, 2, -1 };
	bg_csv *a, *b;
	bg_error ea, eb;
	double va, vb;
	int ra, rb, pa = 0, pb = 0, n = 0;
	size_t i, diff = 0; /* asserted once: ck_assert() is costly */

	ck_assert_int_eq(bg_csv_open_mem(&a, "n.csv", buf, len, NULL, &ea), 0);
	ck_assert_int_eq(bg_csv_open_mem(&b, "n.csv", buf, len, NULL, &eb), 0);
	ck_assert_int_eq(bg_csv_set_numeric(b, cols, 3, &eb), 0);
	for (;;) {
		ra = bg_csv_next(a, &ea);
		rb = bg_csv_next(b, &eb);
		if (ra != rb || ra <= 0)
			break;
		n++;
		diff += bg_csv_line(a) != bg_csv_line(b);
		for (i = 0; i < bg_csv_nfields(a); i++) {
			diff += bg_csv_column(a, i) != bg_csv_column(b, i);
			va = vb = -1;
			ra = opt ? bg_csv_double_opt(a, i, &va, &pa, &ea)
				 : bg_csv_double(a, i, &va, &ea);
			rb = opt ? bg_csv_double_opt(b, i, &vb, &pb, &eb)
				 : bg_csv_double(b, i, &vb, &eb);
			if (ra != rb || ra < 0)
				goto out;
			diff += pa != pb || memcmp(&va, &vb, sizeof(va)) != 0;
		}
	}
out:
	ck_assert_int_eq(ra, rb);
	ck_assert_uint_eq(diff, 0);
	ck_assert_int_gt(n, 0);
	if (ra < 0) {
		ck_assert_str_eq(ea.msg, eb.msg);
		ck_assert_uint_eq(ea.line, eb.line);
		ck_assert_uint_eq(ea.column, eb.column);
	}
	bg_csv_close(a);
	bg_csv_close(b);
	return n;
}

/* The big log with data row k replaced by text. */
static char *replace_row(const char *log, const unsigned long *lines, int k,
			 const char *text, size_t *len)
{
	const char *s;
	char *mod;
	size_t a, b, tl = strlen(text);

	s = log;
	for (a = 0; a < lines[k] - 1; a++)
		s = strchr(s, '\n') + 1;
	a = (size_t)(s - log);
	b = (size_t)(strchr(s, '\n') - log) + 1;
	mod = malloc(*len + tl);
	memcpy(mod, log, a);
	memcpy(mod + a, text, tl);
	memcpy(mod + a + tl, log + b, *len - b);
	*len = a + tl + *len - b;
	return mod;
}

START_TEST(test_csvin_bulk_numeric_same)
{
	static const char *const rows[] = {
		"1,2,3\n", "1,2,x\n", "y,2,3\n", " ,2,3\n", "1,2,\n",
		"1,2,inf\n", "1,2,nan\n", "1,2,1e999\n", "1,2,3x\n",
		"1,2,x,4\n", "1,2\n", "1,2, -0.25e-3 \n", "\"7\",2,8\n",
		"12345678901234567890,2,3\n", NULL
	};
	static unsigned long lines[NROWS];
	const char *const *t;
	size_t len;
	char *log = make_log(&len, lines), *mod;
	size_t mlen;
	int opt;

	same_both_ways(log, len, 0);
	for (t = rows; *t; t++)
		for (opt = 0; opt < 2; opt++) {
			mlen = len;
			mod = replace_row(log, lines, 9000, *t, &mlen);
			same_both_ways(mod, mlen, opt);
			free(mod);
		}
	free(log);
	/* One numeric column: a number is not a blank line. */
	same_both_ways("v\n5\n\n6\n", 8, 1);
}
END_TEST

/* Random short decimals (signs, leading zeros, dots at either end, up
 * to 16 characters): bit for bit the same value both ways. */
START_TEST(test_csvin_bulk_numeric_random)
{
	char *buf;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	unsigned long x = 12345;
	int i, k, n, dot;

	fputs("a,b,c\n", f);
	for (i = 0; i < 30000; i++) {
		for (k = 0; k < 3; k++) {
			x = x * 6364136223846793005UL + 1442695040888963407UL;
			n = 1 + (int)(x >> 60);
			if ((x >> 20) % 3 == 0)
				fputc('-', f);
			fputc('0' + (int)((x >> 40) % 10), f);
			for (dot = 0; n > 1; n--) {
				x = x * 6364136223846793005UL + 1;
				if ((x >> 59) == 0 && !dot++)
					fputc('.', f);
				else
					fputc('0' + (int)((x >> 33) % 10), f);
			}
			fputc(k < 2 ? ',' : '\n', f);
		}
	}
	fclose(f);
	ck_assert_int_eq(same_both_ways(buf, len, 1), 30000);
	free(buf);
}
END_TEST

/* ---- range readers ------------------------------------------------ */

#define RROWS 40000

/* A log with quoted fields, some holding a newline, and CRLF lines. */
static char *make_quoted_log(size_t *len)
{
	static char *buf; /* static: open_memstream keeps its address */
	FILE *f = open_memstream(&buf, len);
	int i;

	fputs("t,note,x\n", f);
	for (i = 0; i < RROWS; i++)
		fprintf(f, "%d,%s,%d.25%s", i,
			i % 97 == 5 ? "\"two\nlines\"" : i % 11 ? "plain"
			: "\"quoted, with comma\"", i % 7,
			i % 3 ? "\n" : "\r\n");
	fclose(f);
	return buf;
}

struct rrow {
	unsigned long line;
	char text[64];
};

static void rrow_get(bg_csv *r, unsigned long base, struct rrow *o)
{
	o->line = bg_csv_line(r) + base;
	snprintf(o->text, sizeof(o->text), "%s|%s|%s", bg_csv_field(r, 0),
		 bg_csv_field(r, 1), bg_csv_field(r, 2));
}

/* Start of the line after byte at (as a chunker finds it, blind to
 * quotes). */
static size_t next_line(const char *log, size_t len, size_t at)
{
	const char *nl = memchr(log + at, '\n', len - at);

	return nl ? (size_t)(nl - log) + 1 : len;
}

/* Read the file in ranges cut at cuts[]: lines offset by the newlines
 * of the ranges before; a range that ends inside a record reads on to
 * the end of the file and the ranges after it are dropped.  Returns
 * the rows read; *ncut counts the cuts met. */
static size_t read_ranges(int fd, const size_t *cuts, size_t ncuts,
			  struct rrow *rows, int *ncut)
{
	const char *names[3];
	char *keep[3];
	unsigned long base = 0;
	size_t n = 0, k, j;
	bg_error err;
	bg_csv *r;
	int rc;

	*ncut = 0;
	for (k = 0; k <= ncuts; k++) {
		unsigned long long off = k ? cuts[k - 1] : 0;
		unsigned long long end = k < ncuts ? cuts[k] : BG_CSV_TO_EOF;

		ck_assert_int_eq(bg_csv_open_range(&r, "q.csv", fd, off, end,
						   k ? names : NULL, 3, NULL,
						   &err), 0);
		if (!k)
			for (j = 0; j < 3; j++)
				names[j] = keep[j] =
					strdup(bg_csv_colname(r, j));
		for (;;) {
			while ((rc = bg_csv_next(r, &err)) > 0)
				rrow_get(r, base, &rows[n++]);
			ck_assert_int_eq(rc, 0);
			if (!bg_csv_range_cut(r))
				break;
			(*ncut)++;
			bg_csv_range_extend(r, BG_CSV_TO_EOF);
			end = BG_CSV_TO_EOF;
		}
		base += bg_csv_newlines(r);
		bg_csv_close(r);
		if (end == BG_CSV_TO_EOF)
			break;
	}
	for (j = 0; j < 3; j++)
		free(keep[j]);
	return n;
}

START_TEST(test_csvin_range_equals_whole)
{
	static struct rrow want[RROWS], got[RROWS + 10];
	char path[] = "/tmp/bg_rangeXXXXXX";
	int fd = mkstemp(path), cuts_met = 0, ncut;
	size_t len, n = 0, cuts[12], k, i;
	char *log = make_quoted_log(&len);
	unsigned seed = 99;
	bg_error err;
	bg_csv *r;
	int trial;

	ck_assert_int_eq(write(fd, log, len), (ssize_t)len);
	ck_assert_int_eq(bg_csv_open(&r, path, NULL, &err), 0);
	while (bg_csv_next(r, &err) > 0)
		rrow_get(r, 0, &want[n++]);
	bg_csv_close(r);
	ck_assert_uint_eq(n, RROWS);
	for (trial = 0; trial < 40; trial++) {
		size_t ncuts = 1 + (size_t)(rand_r(&seed) % 12), m = 0;
		size_t prev = 0;

		for (k = 0; k < ncuts; k++) {
			size_t at = prev + 1 + (size_t)rand_r(&seed) %
				    (len / ncuts);
			size_t c = at < len ? next_line(log, len, at) : len;

			/* every third trial: one cut inside "two\nlines" */
			if (trial % 3 == 0 && k == ncuts / 2) {
				const char *q = strstr(log + prev + 1, "two\n");
				c = q ? (size_t)(q - log) + 4 : c;
			}
			if (c >= len || c <= prev)
				break;
			cuts[m++] = prev = c;
		}
		n = read_ranges(fd, cuts, m, got, &ncut);
		cuts_met += ncut;
		ck_assert_uint_eq(n, RROWS);
		/* one assertion per trial: Check's are slow by the million */
		for (i = 0; i < n && got[i].line == want[i].line &&
			    !strcmp(got[i].text, want[i].text); i++)
			;
		if (i < n)
			ck_abort_msg("row %zu: line %lu '%s', want %lu '%s'",
				     i, got[i].line, got[i].text, want[i].line,
				     want[i].text);
	}
	ck_assert_int_gt(cuts_met, 5);
	close(fd);
	unlink(path);
	free(log);
}
END_TEST

static Suite *bulk_suite(void)
{
	Suite *s = suite_create("csvin_bulk");
	TCase *tc = tcase_create("bulk");

	tcase_add_test(tc, test_csvin_bulk_lines_mem);
	tcase_add_test(tc, test_csvin_bulk_lines_file);
	tcase_add_test(tc, test_csvin_bulk_errors_deep);
	tcase_add_test(tc, test_csvin_bulk_quotes_midway);
	tcase_add_test(tc, test_csvin_bulk_numeric_same);
	tcase_add_test(tc, test_csvin_bulk_numeric_random);
	tcase_add_test(tc, test_csvin_range_equals_whole);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(bulk_suite());
	int failed;

	bg_init();
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
