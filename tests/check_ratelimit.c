/*
 * check_ratelimit.c - per-issuer token buckets.
 */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "battgrade/ratelimit.h"

START_TEST(test_ratelimit_burst_then_rate)
{
	bg_ratelimit *rl;
	double wait;
	int i;

	ck_assert_int_eq(bg_ratelimit_new(&rl, 10.0, 5.0, 4), 0);
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(bg_ratelimit_take(rl, "a", 100.0, &wait), 1);
	ck_assert_int_eq(bg_ratelimit_take(rl, "a", 100.0, &wait), 0);
	ck_assert_double_eq_tol(wait, 0.1, 1e-9);
	/* 0.05 s later half a token: still refused, 0.05 s to go. */
	ck_assert_int_eq(bg_ratelimit_take(rl, "a", 100.05, &wait), 0);
	ck_assert_double_eq_tol(wait, 0.05, 1e-9);
	ck_assert_int_eq(bg_ratelimit_take(rl, "a", 100.1, &wait), 1);
	/* Another issuer has its own bucket. */
	ck_assert_int_eq(bg_ratelimit_take(rl, "b", 100.1, &wait), 1);
	/* A long pause refills only up to the burst. */
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(bg_ratelimit_take(rl, "a", 200.0, &wait), 1);
	ck_assert_int_eq(bg_ratelimit_take(rl, "a", 200.0, &wait), 0);
	bg_ratelimit_free(rl);
}
END_TEST

START_TEST(test_ratelimit_sustained_rate)
{
	bg_ratelimit *rl;
	double wait, t;
	int granted = 0;

	/* Over 10 s at 1 ms steps, 7/s with burst 3 grants 3 + 70. */
	ck_assert_int_eq(bg_ratelimit_new(&rl, 7.0, 3.0, 4), 0);
	for (t = 0; t < 10.0 - 1e-9; t += 0.001)
		granted += bg_ratelimit_take(rl, "a", t, &wait);
	ck_assert_int_ge(granted, 72);
	ck_assert_int_le(granted, 73);
	bg_ratelimit_free(rl);
}
END_TEST

START_TEST(test_ratelimit_disabled_and_eviction)
{
	bg_ratelimit *rl;
	double wait;
	int i;

	ck_assert_int_eq(bg_ratelimit_new(&rl, 0, 1, 1), 0);
	for (i = 0; i < 1000; i++)
		ck_assert_int_eq(bg_ratelimit_take(rl, "a", 0, &wait), 1);
	bg_ratelimit_free(rl);
	/* One slot: a second issuer evicts the first, which starts full. */
	ck_assert_int_eq(bg_ratelimit_new(&rl, 1, 1, 1), 0);
	ck_assert_int_eq(bg_ratelimit_take(rl, "a", 0, &wait), 1);
	ck_assert_int_eq(bg_ratelimit_take(rl, "a", 0, &wait), 0);
	ck_assert_int_eq(bg_ratelimit_take(rl, "b", 0, &wait), 1);
	ck_assert_int_eq(bg_ratelimit_take(rl, "a", 0, &wait), 1);
	bg_ratelimit_free(rl);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ratelimit");
	TCase *tc = tcase_create("bucket");

	tcase_add_test(tc, test_ratelimit_burst_then_rate);
	tcase_add_test(tc, test_ratelimit_sustained_rate);
	tcase_add_test(tc, test_ratelimit_disabled_and_eviction);
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
