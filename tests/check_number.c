/*
 * check_number.c - the fast decimal parser returns bit for bit what
 * strtod() returns, on hand-picked edge cases and on a million random
 * decimals of the shapes found in BMS logs and beyond.
 */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "battgrade.h"
#include "battgrade/number.h"

static void same_as_strtod(const char *s)
{
	double a = 0, b;
	char *end;

	ck_assert_msg(bg_parse_double(s, &a) == 0, "rejected '%s'", s);
	b = strtod(s, &end);
	ck_assert_msg(memcmp(&a, &b, sizeof(a)) == 0, "'%s': %.17g != %.17g",
		      s, a, b);
}

START_TEST(test_number_edges)
{
	static const char *const ok[] = {
		"0", "-0", "+0.0", "1", "-63.92", "45.278", "1700000000",
		"0.1", "0.000123", "5.", "+.5", "9007199254740992",
		"9007199254740993", "123456789012345678901234", "1e22", "1e23",
		"1.5e-7", "2.2250738585072014e-308", "4.9e-324", "1e308",
		"0.30000000000000004", " 7 ", "\t-2.5", "0x1p3",
		"00000000000000000000001.25", "1.7976931348623157e308",
		"3.14159265358979323846264338327950288",
	};
	static const char *const bad[] = {
		"", " ", "-", ".", "e5", "1e", "1e+", "1.2.3", "1,5", "nan",
		"inf", "-Infinity", "1e400", "12abc", "0x", "--1",
	};
	double v = 42;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		same_as_strtod(ok[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(bg_parse_double(bad[i], &v) == BG_EDATA,
			      "accepted '%s'", bad[i]);
		ck_assert_double_eq(v, 42);
	}
	ck_assert_int_eq(bg_parse_double("-0", &v), 0);
	ck_assert(signbit(v));
}
END_TEST

/* xorshift64*: a fixed sequence, so a failure reproduces. */
static uint64_t next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * UINT64_C(2685821657736338717);
}

START_TEST(test_number_random)
{
	uint64_t st = UINT64_C(0x9e3779b97f4a7c15);
	char buf[64];
	int i, k, n, frac;

	for (i = 0; i < 1000000; i++) {
		uint64_t r = next(&st);

		n = 0;
		if (r & 1)
			buf[n++] = '-';
		k = 1 + (int)((r >> 1) % 21);        /* digits */
		frac = (int)((r >> 6) % (unsigned)(k + 1));
		for (; k > 0; k--) {
			if (k == frac)
				buf[n++] = '.';
			buf[n++] = (char)('0' + next(&st) % 10);
		}
		if ((r >> 12) % 8 == 0)
			n += snprintf(buf + n, sizeof(buf) - (size_t)n, "e%d",
				      (int)((r >> 16) % 61) - 30);
		buf[n] = '\0';
		same_as_strtod(buf);
	}
}
END_TEST

static Suite *number_suite(void)
{
	Suite *s = suite_create("number");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_number_edges);
	tcase_add_test(tc, test_number_random);
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
