/*
 * check_csvin.c - the strict streaming CSV reader: every rejected input
 * names its line and column; accepted variants (CRLF, BOM, quotes,
 * blank lines) read back exactly.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "battgrade.h"

static bg_csv *open_str(const char *s, bg_error *err, int *rc)
{
	bg_csv *r = NULL;

	*rc = bg_csv_open_mem(&r, "t.csv", s, strlen(s), NULL, err);
	return r;
}

/* Read the whole input; return the first error code or 0. */
static int drain(const char *s, bg_error *err, size_t *rows)
{
	bg_csv *r;
	double v;
	size_t i;
	int rc;

	*rows = 0;
	r = open_str(s, err, &rc);
	if (rc < 0)
		return rc;
	while ((rc = bg_csv_next(r, err)) > 0) {
		(*rows)++;
		for (i = 0; i < bg_csv_nfields(r); i++)
			if ((rc = bg_csv_double(r, i, &v, err)) < 0)
				goto out;
	}
out:
	bg_csv_close(r);
	return rc;
}

START_TEST(test_csvin_reads_values)
{
	bg_error err;
	bg_csv *r;
	double v;
	int rc;

	r = open_str("\xef\xbb\xbf time , Value\r\n1.5,\"2.25\"\r\n\r\n"
		     "3e2,-4\r\n", &err, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(bg_csv_ncols(r), 2);
	ck_assert_str_eq(bg_csv_colname(r, 0), "time");
	ck_assert_int_eq(bg_csv_find(r, "VALUE"), 1);
	ck_assert_int_eq(bg_csv_find(r, "missing"), -1);
	ck_assert_int_eq(bg_csv_next(r, &err), 1);
	ck_assert_uint_eq(bg_csv_line(r), 2);
	ck_assert_int_eq(bg_csv_double(r, 1, &v, &err), 0);
	ck_assert_double_eq(v, 2.25);
	ck_assert_int_eq(bg_csv_next(r, &err), 1);
	ck_assert_uint_eq(bg_csv_line(r), 4);
	ck_assert_int_eq(bg_csv_double(r, 0, &v, &err), 0);
	ck_assert_double_eq(v, 300.0);
	ck_assert_int_eq(bg_csv_next(r, &err), 0);
	bg_csv_close(r);
}
END_TEST

struct bad_case {
	const char *input;
	unsigned long line, column;
	const char *msg_part;
};

static const struct bad_case bad[] = {
	{ "", 0, 0, "empty file" },
	{ "a,b\n1,x2\n", 2, 3, "'x2' is not a number" },
	{ "a,b\n1,nan\n", 2, 3, "not a finite number" },
	{ "a,b\n1,inf\n", 2, 3, "not a finite number" },
	{ "a,b\n1,\n", 2, 3, "empty value in column 'b'" },
	{ "a,b\n1,2,3\n", 2, 5, "expected 2 fields, found 3" },
	{ "a,b\n1\n", 2, 0, "expected 2 fields, found 1" },
	{ "a,a\n1,2\n", 1, 3, "duplicate column 'a'" },
	{ "a,,c\n", 1, 3, "empty column name" },
	{ "a,b\n1,\"2\n", 2, 0, "unterminated quoted field" },
	{ "a,b\n1,2\"x\n", 2, 0, "malformed quoting" },
	{ "\xff\xfe" "a\0,\0", 1, 1, "UTF-16" },
	{ "a,b\n1,2\n3,\0\n", 3, 3, "NUL byte" },
	{ "a,b\r1,2\r3,4\r", 1, 0, "bare carriage-return" },
};

START_TEST(test_csvin_rejects)
{
	const struct bad_case *c = &bad[_i];
	size_t rows, len = strlen(c->input);
	bg_error err;
	bg_csv *r = NULL;
	int rc;

	/* inputs with NUL bytes: measure up to the final newline */
	if (c->input[0] == '\xff')
		len = 6;
	else if (strstr(c->msg_part, "NUL"))
		len = 13;
	bg_error_clear(&err);
	rc = bg_csv_open_mem(&r, "t.csv", c->input, len, NULL, &err);
	if (rc == 0) {
		double v;
		size_t i;

		rows = 0;
		while ((rc = bg_csv_next(r, &err)) > 0) {
			rows++;
			for (i = 0; i < bg_csv_nfields(r); i++)
				if ((rc = bg_csv_double(r, i, &v, &err)) < 0)
					break;
			if (rc < 0)
				break;
		}
		bg_csv_close(r);
	}
	ck_assert_msg(rc == BG_EDATA, "case %d: rc %d", _i, rc);
	ck_assert_str_eq(err.file, "t.csv");
	ck_assert_msg(strstr(err.msg, c->msg_part), "case %d: msg '%s'", _i,
		      err.msg);
	ck_assert_uint_eq(err.line, c->line);
	ck_assert_uint_eq(err.column, c->column);
}
END_TEST

START_TEST(test_csvin_quoted_newline_lines)
{
	bg_error err;
	size_t rows;
	bg_csv *r;
	int rc;

	r = open_str("a,b\n\"x\ny\",1\n2,3\n", &err, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(bg_csv_next(r, &err), 1);
	ck_assert_uint_eq(bg_csv_line(r), 2);
	ck_assert_str_eq(bg_csv_field(r, 0), "x\ny");
	ck_assert_int_eq(bg_csv_next(r, &err), 1);
	ck_assert_uint_eq(bg_csv_line(r), 4);
	bg_csv_close(r);
	ck_assert_int_eq(drain("a\n1\n2\n3", &err, &rows), 0);
	ck_assert_uint_eq(rows, 3);
}
END_TEST

START_TEST(test_csvin_file_streams)
{
	char path[] = "/tmp/bg_csvinXXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	bg_error err;
	bg_csv *r;
	double v, sum = 0;
	long i, n = 200000;

	fputs("t,x\n", f);
	for (i = 0; i < n; i++)
		fprintf(f, "%ld,%ld.25\n", i, i % 7);
	fclose(f);
	ck_assert_int_eq(bg_csv_open(&r, path, NULL, &err), 0);
	while (bg_csv_next(r, &err) > 0) {
		ck_assert_int_eq(bg_csv_double(r, 1, &v, &err), 0);
		sum += v;
	}
	/* sum of (i mod 7) + 0.25 over 200000 rows, exact in binary */
	ck_assert_double_eq(sum, 599994.0 + 0.25 * n);
	ck_assert_uint_eq(bg_csv_line(r), (unsigned long)n + 1);
	bg_csv_close(r);
	unlink(path);
	ck_assert_int_eq(bg_csv_open(&r, path, NULL, &err), BG_ENOENT);
}
END_TEST

START_TEST(test_csvin_limits)
{
	bg_csv_opts o;
	bg_error err;
	bg_csv *r;
	char *big = malloc(300);
	int rc;

	memset(big, '1', 299);
	big[0] = 'a';
	big[1] = '\n';
	big[299] = '\0';
	bg_csv_opts_init(&o);
	o.max_field = 100;
	rc = bg_csv_open_mem(&r, "t.csv", big, 299, &o, &err);
	if (rc == 0) {
		rc = bg_csv_next(r, &err);
		bg_csv_close(r);
	}
	ck_assert_int_eq(rc, BG_EDATA);
	ck_assert_ptr_nonnull(strstr(err.msg, "longer than 100"));
	free(big);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("csvin");
	TCase *ok = tcase_create("accept");
	TCase *ko = tcase_create("reject");

	tcase_add_test(ok, test_csvin_reads_values);
	tcase_add_test(ok, test_csvin_quoted_newline_lines);
	tcase_add_test(ok, test_csvin_file_streams);
	tcase_add_loop_test(ko, test_csvin_rejects, 0,
			    sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(ko, test_csvin_limits);
	suite_add_tcase(s, ok);
	suite_add_tcase(s, ko);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	bg_init();
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
