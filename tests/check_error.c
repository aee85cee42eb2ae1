/*
 * check_error.c - the error record and its formatting.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "battgrade.h"

START_TEST(test_error_format_location)
{
	bg_error err;
	char buf[256];
	int rc;

	rc = bg_error_set(&err, BG_EDATA, "pack/capacity.csv", 12, 7,
			  "'%s' is not a number", "abc");
	ck_assert_int_eq(rc, BG_EDATA);
	bg_error_format(&err, buf, sizeof(buf));
	ck_assert_str_eq(buf,
			 "pack/capacity.csv:12:7: 'abc' is not a number");
	err.column = 0;
	bg_error_format(&err, buf, sizeof(buf));
	ck_assert_str_eq(buf, "pack/capacity.csv:12: 'abc' is not a number");
	err.line = 0;
	bg_error_format(&err, buf, sizeof(buf));
	ck_assert_str_eq(buf, "pack/capacity.csv: 'abc' is not a number");
}
END_TEST

START_TEST(test_error_no_file_and_prefix)
{
	bg_error err;
	char buf[256];

	bg_error_set(&err, BG_ECONFIG, NULL, 0, 0, "bad key");
	bg_error_prefix(&err, "policy %s", "default");
	bg_error_format(&err, buf, sizeof(buf));
	ck_assert_str_eq(buf, "policy default: bad key");
	ck_assert_int_eq(bg_error_set(NULL, BG_EIO, NULL, 0, 0, "x"), BG_EIO);
}
END_TEST

START_TEST(test_error_truncates)
{
	bg_error err;
	char big[2000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	bg_error_set(&err, BG_EDATA, big, 1, 1, "%s", big);
	ck_assert_uint_eq(strlen(err.file), BG_ERROR_FILE_MAX - 1);
	ck_assert_uint_eq(strlen(err.msg), BG_ERROR_MSG_MAX - 1);
}
END_TEST

START_TEST(test_error_strerror)
{
	ck_assert_str_eq(bg_strerror(BG_EDATA), "bad data");
	ck_assert_str_eq(bg_strerror(BG_ECANTCREAT), "cannot create file");
	ck_assert_str_eq(bg_strerror(-999), "unknown error");
	ck_assert_int_eq(bg_init(), 0);
	ck_assert_int_eq(bg_init(), 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("error");
	TCase *tc = tcase_create("format");

	tcase_add_test(tc, test_error_format_location);
	tcase_add_test(tc, test_error_no_file_and_prefix);
	tcase_add_test(tc, test_error_truncates);
	tcase_add_test(tc, test_error_strerror);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
