/*
 * check_number.c - bg_parse_double returns exactly strtod()'s double on
 * decimals of every shape, and rejects what is not one number.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "battgrade.h"
#include "battgrade/number.h"

static void same_as_strtod(const char *s)
{
	double a, b = strtod(s, NULL);

	ck_assert_msg(bg_parse_double(s, strlen(s), &a) == 0, "'%s'", s);
	ck_assert_msg(memcmp(&a, &b, sizeof(a)) == 0, "'%s': %.17g != %.17g",
		      s, a, b);
}

START_TEST(test_number_exact_random)
{
	unsigned seed = 2024;
	char buf[64];
	int i;

	for (i = 0; i < 200000; i++) {
		int digits = 1 + rand_r(&seed) % 18;
		int point = rand_r(&seed) % (digits + 1);
		int k, n = 0;

		if (rand_r(&seed) % 2)
			buf[n++] = '-';
		for (k = 0; k < digits; k++) {
			if (k == point && k)
				buf[n++] = '.';
			buf[n++] = (char)('0' + rand_r(&seed) % 10);
		}
		if (rand_r(&seed) % 5 == 0)
			n += snprintf(buf + n, sizeof(buf) - (size_t)n, "e%d",
				      rand_r(&seed) % 61 - 30);
		buf[n] = '\0';
		same_as_strtod(buf);
	}
}
END_TEST

START_TEST(test_number_shapes)
{
	static const char *const ok[] = {
		"0", "-0", "3.7", "  3.7\t", "+12", ".5", "5.", "1e3",
		"1E-3", "0.000123", "007.50", "123456789012345",
		"1234567890123456789", "4.9e-324", "1.7976931348623157e308",
		"0x1p3", "3.14159265358979323846", NULL
	};
	static const char *const bad[] = {
		"", " ", "abc", "1.2.3", "1e", "--1", "1,5", "3.7V", ".", "e5",
		NULL
	};
	double v;
	size_t i;

	for (i = 0; ok[i]; i++)
		same_as_strtod(ok[i]);
	for (i = 0; bad[i]; i++)
		ck_assert_msg(bg_parse_double(bad[i], strlen(bad[i]), &v) < 0,
			      "'%s' accepted", bad[i]);
	/* Not NUL-terminated: only len bytes count. */
	ck_assert_int_eq(bg_parse_double("12345", 3, &v), 0);
	ck_assert_double_eq(v, 123);
	ck_assert_int_eq(bg_parse_double("nan", 3, &v), 0);
	ck_assert(isnan(v));
}
END_TEST

static Suite *number_suite(void)
{
	Suite *s = suite_create("number");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_number_exact_random);
	tcase_add_test(tc, test_number_shapes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(number_suite());
	int failed;

	bg_init();
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
