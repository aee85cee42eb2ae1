/*
 * check_csvin_bulk.c - the reader's bulk path (whole quote-free slices
 * fed to libcsv, lines counted in the row callback) gives the same
 * rows, lines, columns and errors as line-by-line reading, deep into
 * large inputs, across slice and buffer boundaries.
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

static Suite *bulk_suite(void)
{
	Suite *s = suite_create("csvin_bulk");
	TCase *tc = tcase_create("bulk");

	tcase_add_test(tc, test_csvin_bulk_lines_mem);
	tcase_add_test(tc, test_csvin_bulk_lines_file);
	tcase_add_test(tc, test_csvin_bulk_errors_deep);
	tcase_add_test(tc, test_csvin_bulk_quotes_midway);
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
