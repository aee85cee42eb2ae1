/*
 * check_match.c - grouping modules into NsMp strings within spreads.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "battgrade.h"
#include "battgrade/match.h"

static void mod(bg_match_module *m, const char *id, const char *chem,
		const char *grade, double cap, double r)
{
	memset(m, 0, sizeof(*m));
	snprintf(m->pack_id, sizeof(m->pack_id), "p");
	snprintf(m->module_id, sizeof(m->module_id), "%s", id);
	snprintf(m->chemistry, sizeof(m->chemistry), "%s", chem);
	snprintf(m->grade, sizeof(m->grade), "%s", grade);
	m->capacity_ah = cap;
	m->resistance_ohm = r;
	m->nominal_voltage_volt = 48;
}

START_TEST(test_match_spread)
{
	double v[] = { 10, 12, 11 }, w[] = { 5 };

	ck_assert_double_eq_tol(bg_match_spread(v, 3), 2.0 / 11, 1e-12);
	ck_assert_double_eq(bg_match_spread(w, 1), 0);
}
END_TEST

/* Plain sorting cuts [100,120] [121,140]: both too wide.  The sweep
 * leaves 100 over and pairs 120/121 and 140/141. */
START_TEST(test_match_beats_sorting)
{
	static const double caps[] = { 141, 100, 121, 140, 120 };
	bg_match_opts o = { 2, 1, 0.05, 0.10 };
	bg_match_module m[5];
	bg_match_result r;
	char id[8];
	size_t i;

	for (i = 0; i < 5; i++) {
		snprintf(id, sizeof(id), "M%zu", i);
		mod(&m[i], id, "NMC", "B", caps[i], 0.01);
	}
	ck_assert_int_eq(bg_match(m, 5, &o, &r, NULL), 0);
	ck_assert_uint_eq(r.ngroups, 2);
	ck_assert_uint_eq(r.baseline_used, 0);
	ck_assert_uint_eq(r.nleft, 1);
	ck_assert_uint_eq(r.left[0], 1);
	ck_assert_int_eq(r.left_why[0], BG_MATCH_NO_PARTNERS);
	ck_assert_uint_eq(r.groups[0].idx[0], 4);
	ck_assert_uint_eq(r.groups[0].idx[1], 2);
	ck_assert_double_eq_tol(r.groups[0].capacity_spread, 1.0 / 120.5,
				1e-12);
	bg_match_result_release(&r);
}
END_TEST

/* 2S2P: blocks pair close resistances; unknown resistance, R grades
 * and another chemistry stay out. */
START_TEST(test_match_parallel_blocks)
{
	bg_match_opts o = { 2, 2, 0.05, 0.10 };
	bg_match_module m[8];
	bg_match_result r;
	size_t b;

	mod(&m[0], "a", "NMC", "A", 50.0, 0.0100);
	mod(&m[1], "b", "NMC", "B", 50.5, 0.0150);
	mod(&m[2], "c", "NMC", "A", 50.2, 0.0105);
	mod(&m[3], "d", "NMC", "C", 50.8, 0.0160);
	mod(&m[4], "e", "NMC", "A", 50.1, NAN);
	mod(&m[5], "f", "NMC", "R", 50.3, 0.0101);
	mod(&m[6], "g", "LFP", "A", 50.3, 0.0101);
	mod(&m[7], "h", "NMC", "RETEST", 50.3, 0.0101);
	ck_assert_int_eq(bg_match(m, 8, &o, &r, NULL), 0);
	ck_assert_uint_eq(r.ngroups, 1);
	ck_assert_uint_eq(r.eligible, 5);
	ck_assert_str_eq(r.groups[0].grade, "C");
	for (b = 0; b < 2; b++) {
		const bg_match_module *x = &m[r.groups[0].idx[2 * b]];
		const bg_match_module *y = &m[r.groups[0].idx[2 * b + 1]];

		ck_assert(fabs(x->resistance_ohm - y->resistance_ohm) /
			  x->resistance_ohm < 0.10);
	}
	ck_assert_double_le(r.groups[0].resistance_spread, 0.10);
	ck_assert_double_le(r.groups[0].capacity_spread, 0.05);
	ck_assert_uint_eq(r.nleft, 4);
	bg_match_result_release(&r);
}
END_TEST

/* Random fleets: every group within both spreads, every module used at
 * most once, used + left over = all, and never fewer than sorting. */
START_TEST(test_match_random_invariants)
{
	bg_match_opts o = { 3, 2, 0.05, 0.10 };
	enum { N = 300 };
	bg_match_module *m = calloc(N, sizeof(*m));
	bg_match_result r;
	char *seen = calloc(N, 1), id[16];
	size_t i, g, k, used = 0;
	unsigned s = 12345u + (unsigned)_i;

	for (i = 0; i < N; i++) {
		s = s * 1103515245u + 12345u;
		double cap = 40 + 20.0 * ((s >> 8) % 1000) / 1000;
		s = s * 1103515245u + 12345u;
		double res = 0.008 + 0.006 * ((s >> 8) % 1000) / 1000;

		snprintf(id, sizeof(id), "M%zu", i);
		mod(&m[i], id, i % 7 ? "NMC" : "LFP", i % 11 ? "B" : "R", cap,
		    res);
	}
	ck_assert_int_eq(bg_match(m, N, &o, &r, NULL), 0);
	for (g = 0; g < r.ngroups; g++) {
		ck_assert_double_le(r.groups[g].capacity_spread, 0.05);
		ck_assert_double_le(r.groups[g].resistance_spread, 0.10);
		for (k = 0; k < 6; k++) {
			ck_assert_int_eq(seen[r.groups[g].idx[k]], 0);
			seen[r.groups[g].idx[k]] = 1;
			ck_assert_str_eq(m[r.groups[g].idx[k]].chemistry,
					 m[r.groups[g].idx[0]].chemistry);
			used++;
		}
	}
	for (k = 0; k < r.nleft; k++) {
		ck_assert_int_eq(seen[r.left[k]], 0);
		seen[r.left[k]] = 1;
	}
	ck_assert_uint_eq(used + r.nleft, N);
	ck_assert_uint_ge(used, r.baseline_used);
	ck_assert_uint_gt(r.ngroups, 10);
	bg_match_result_release(&r);
	free(seen);
	free(m);
}
END_TEST

START_TEST(test_match_bad_options)
{
	bg_match_opts o = { 0, 1, 0.05, 0.10 };
	bg_match_module m[1];
	bg_match_result r;
	bg_error err;

	mod(&m[0], "a", "NMC", "A", 50, 0.01);
	ck_assert_int_eq(bg_match(m, 1, &o, &r, &err), BG_EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("match");
	TCase *tc = tcase_create("groups");
	SRunner *sr;
	int failed;

	bg_init();
	tcase_add_test(tc, test_match_spread);
	tcase_add_test(tc, test_match_beats_sorting);
	tcase_add_test(tc, test_match_parallel_blocks);
	tcase_add_loop_test(tc, test_match_random_invariants, 0, 5);
	tcase_add_test(tc, test_match_bad_options);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
