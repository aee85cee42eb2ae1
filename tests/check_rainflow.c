/*
 * check_rainflow.c - the streaming four-point rainflow counter against
 * the ASTM E1049-85 worked example (section 5.4.4, Fig. 6: ranges 3,
 * 4, 6, 8, 9 with 0.5, 1.5, 0.5, 1.0, 0.5 cycles) and against a plain
 * implementation of the standard's three-point procedure on random
 * sequences.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "battgrade.h"
#include "battgrade/rainflow.h"

struct cyc {
	double range, mean, count;
};

struct bag {
	struct cyc c[4096];
	size_t n;
};

static void collect(void *ctx, double from, double to, double count)
{
	struct bag *b = ctx;

	ck_assert_uint_lt(b->n, 4096);
	b->c[b->n].range = fabs(from - to);
	b->c[b->n].mean = (from + to) / 2;
	b->c[b->n].count = count;
	b->n++;
}

static int cmp(const void *pa, const void *pb)
{
	const struct cyc *a = pa, *b = pb;

	if (a->range != b->range)
		return a->range < b->range ? -1 : 1;
	if (a->mean != b->mean)
		return a->mean < b->mean ? -1 : 1;
	return (a->count > b->count) - (a->count < b->count);
}

/* Count a whole sequence with the streaming counter. */
static void stream_count(const double *x, size_t n, size_t cap,
			 struct bag *b)
{
	bg_rainflow rf;
	size_t i;

	b->n = 0;
	ck_assert_int_eq(bg_rainflow_init(&rf, cap, collect, b, NULL), 0);
	for (i = 0; i < n; i++)
		bg_rainflow_feed(&rf, x[i]);
	bg_rainflow_residue(&rf, collect, b);
	bg_rainflow_release(&rf);
	qsort(b->c, b->n, sizeof(b->c[0]), cmp);
}

/* ASTM E1049 5.4.4.2, three-point procedure, on the whole sequence:
 * reduce to peaks and valleys, then count with the starting point rule. */
static void astm_count(const double *x, size_t n, struct bag *b)
{
	double *tp = malloc((n + 1) * sizeof(*tp)), *s = malloc((n + 1) *
							      sizeof(*s));
	size_t m = 0, k = 0, i;

	for (i = 0; i < n; i++) {
		if (m && x[i] == tp[m - 1])
			continue;
		if (m >= 2 && (tp[m - 1] - tp[m - 2]) * (x[i] - tp[m - 1]) > 0)
			tp[m - 1] = x[i]; /* same direction: extend */
		else
			tp[m++] = x[i];
	}
	b->n = 0;
	for (i = 0; i < m; i++) {
		s[k++] = tp[i];
		while (k >= 3) {
			double X = fabs(s[k - 1] - s[k - 2]);
			double Y = fabs(s[k - 2] - s[k - 3]);

			if (X < Y)
				break;
			if (k == 3) { /* Y contains the starting point */
				collect(b, s[0], s[1], 0.5);
				s[0] = s[1];
				s[1] = s[2];
				k = 2;
			} else {
				collect(b, s[k - 3], s[k - 2], 1.0);
				s[k - 3] = s[k - 1];
				k -= 2;
			}
		}
	}
	for (i = 1; i < k; i++)
		collect(b, s[i - 1], s[i], 0.5);
	free(tp);
	free(s);
	qsort(b->c, b->n, sizeof(b->c[0]), cmp);
}

static double count_of_range(const struct bag *b, double range)
{
	double sum = 0;
	size_t i;

	for (i = 0; i < b->n; i++)
		if (fabs(b->c[i].range - range) < 1e-12)
			sum += b->c[i].count;
	return sum;
}

static const double astm[] = { -2, 1, -3, 5, -1, 3, -4, 4, -2 };

START_TEST(test_rainflow_astm_example)
{
	static struct bag b;
	double total = 0;
	size_t i;

	stream_count(astm, 9, 64, &b);
	ck_assert_double_eq(count_of_range(&b, 3), 0.5);
	ck_assert_double_eq(count_of_range(&b, 4), 1.5);
	ck_assert_double_eq(count_of_range(&b, 6), 0.5);
	ck_assert_double_eq(count_of_range(&b, 8), 1.0);
	ck_assert_double_eq(count_of_range(&b, 9), 0.5);
	for (i = 0; i < b.n; i++)
		total += b.c[i].count;
	ck_assert_double_eq(total, 4.0);
	/* The one full cycle of range 4 is E-F: -1 to 3, mean 1. */
	for (i = 0; i < b.n; i++)
		if (b.c[i].count == 1.0 && b.c[i].range == 4)
			ck_assert_double_eq(b.c[i].mean, 1.0);
}
END_TEST

START_TEST(test_rainflow_ignores_non_reversals)
{
	static struct bag a, b;
	double x[64];
	size_t i, n = 0;

	/* The example sampled densely: straight lines between the
	 * reversals, with repeated values. */
	for (i = 0; i + 1 < 9; i++) {
		x[n++] = astm[i];
		x[n++] = astm[i];
		x[n++] = astm[i] + (astm[i + 1] - astm[i]) / 3;
		x[n++] = astm[i] + 2 * (astm[i + 1] - astm[i]) / 3;
	}
	x[n++] = astm[8];
	stream_count(astm, 9, 64, &a);
	stream_count(x, n, 64, &b);
	ck_assert_uint_eq(a.n, b.n);
	for (i = 0; i < a.n; i++) {
		ck_assert_double_eq_tol(a.c[i].range, b.c[i].range, 1e-12);
		ck_assert_double_eq(a.c[i].count, b.c[i].count);
	}
}
END_TEST

START_TEST(test_rainflow_matches_astm_procedure)
{
	static struct bag a, b;
	static double x[2000];
	unsigned seed = 12345;
	int trial;
	size_t i;

	for (trial = 0; trial < 200; trial++) {
		size_t n = 2 + (size_t)(rand_r(&seed) % 1500);

		for (i = 0; i < n; i++)
			x[i] = (double)rand_r(&seed) / RAND_MAX * 100 - 20;
		stream_count(x, n, 4096, &a);
		astm_count(x, n, &b);
		ck_assert_uint_eq(a.n, b.n);
		for (i = 0; i < a.n; i++) {
			ck_assert_double_eq(a.c[i].range, b.c[i].range);
			ck_assert_double_eq(a.c[i].mean, b.c[i].mean);
			ck_assert_double_eq(a.c[i].count, b.c[i].count);
		}
	}
}
END_TEST

START_TEST(test_rainflow_residue_is_a_view)
{
	static struct bag a, b, scratch;
	bg_rainflow rf;
	unsigned seed = 777;
	double x[500];
	size_t i;

	for (i = 0; i < 500; i++)
		x[i] = rand_r(&seed) % 1000;
	stream_count(x, 500, 4096, &a);
	b.n = 0;
	ck_assert_int_eq(bg_rainflow_init(&rf, 4096, collect, &b, NULL), 0);
	for (i = 0; i < 500; i++) {
		bg_rainflow_feed(&rf, x[i]);
		if (i % 37 == 0) {
			scratch.n = 0;
			bg_rainflow_residue(&rf, collect, &scratch);
		}
	}
	bg_rainflow_residue(&rf, collect, &b);
	bg_rainflow_release(&rf);
	qsort(b.c, b.n, sizeof(b.c[0]), cmp);
	ck_assert_uint_eq(a.n, b.n);
	for (i = 0; i < a.n; i++)
		ck_assert_double_eq(a.c[i].range, b.c[i].range);
}
END_TEST

START_TEST(test_rainflow_bounded_stack)
{
	static struct bag b;
	bg_rainflow rf;
	double total = 0, x;
	size_t i;

	/* A growing oscillation never closes a cycle: with room for 8
	 * points the oldest ranges leave as half cycles and every range
	 * is still counted exactly once. */
	b.n = 0;
	ck_assert_int_eq(bg_rainflow_init(&rf, 8, collect, &b, NULL), 0);
	for (i = 0; i < 100; i++) {
		x = (i % 2 ? 1.0 : -1.0) * (double)(i + 1);
		bg_rainflow_feed(&rf, x);
	}
	ck_assert_uint_le(rf.n, 8);
	ck_assert_uint_gt(rf.overflows, 0);
	bg_rainflow_residue(&rf, collect, &b);
	bg_rainflow_release(&rf);
	ck_assert_uint_eq(b.n, 99);
	for (i = 0; i < b.n; i++)
		total += b.c[i].count;
	ck_assert_double_eq(total, 49.5);
	ck_assert_int_eq(bg_rainflow_init(&rf, 2, collect, &b, NULL),
			 BG_EINVAL);
}
END_TEST

/* Count x in parts cut at cuts[0..ncuts-1]: each part from an empty
 * counter, appended to the first in order (closed cycles of every
 * part land in the same bag). */
static void split_count(const double *x, size_t n, const size_t *cuts,
			size_t ncuts, struct bag *b)
{
	bg_rainflow whole, part;
	size_t k, i, from = 0;

	b->n = 0;
	ck_assert_int_eq(bg_rainflow_init(&whole, 4096, collect, b, NULL), 0);
	for (k = 0; k <= ncuts; k++) {
		size_t to = k < ncuts ? cuts[k] : n;

		ck_assert_int_eq(bg_rainflow_init(&part, 4096, collect, b,
						  NULL), 0);
		for (i = from; i < to; i++)
			bg_rainflow_feed(k ? &part : &whole, x[i]);
		if (k)
			bg_rainflow_append(&whole, &part);
		bg_rainflow_release(&part);
		from = to;
	}
	bg_rainflow_residue(&whole, collect, b);
	bg_rainflow_release(&whole);
	qsort(b->c, b->n, sizeof(b->c[0]), cmp);
}

static int cmp_size(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;

	return (a > b) - (a < b);
}

/* Concatenation rule (Amzallag et al. 1994): counting the parts on
 * their own and appending gives exactly the counts of the whole, for
 * random signals (continuous, and on a coarse grid with repeats and
 * monotone runs across the cuts) cut at random places. */
START_TEST(test_rainflow_append_equals_whole)
{
	static struct bag a, b;
	static double x[1500];
	unsigned seed = 4242;
	size_t cuts[8], i;
	int trial;

	for (trial = 0; trial < 600; trial++) {
		size_t n = 1 + (size_t)(rand_r(&seed) % 1200);
		size_t ncuts = (size_t)(rand_r(&seed) % 9), k;
		int grid = trial % 3;

		for (i = 0; i < n; i++)
			x[i] = grid == 0 ? (double)rand_r(&seed) / RAND_MAX
			       : grid == 1 ? (double)(rand_r(&seed) % 7)
			       : (i ? x[i - 1] : 50) +
				 (double)(rand_r(&seed) % 5) - 2;
		for (k = 0; k < ncuts; k++)
			cuts[k] = (size_t)rand_r(&seed) % (n + 1);
		qsort(cuts, ncuts, sizeof(cuts[0]), cmp_size);
		stream_count(x, n, 4096, &a);
		split_count(x, n, cuts, ncuts, &b);
		ck_assert_uint_eq(a.n, b.n);
		for (i = 0; i < a.n; i++) {
			ck_assert_double_eq(a.c[i].range, b.c[i].range);
			ck_assert_double_eq(a.c[i].mean, b.c[i].mean);
			ck_assert_double_eq(a.c[i].count, b.c[i].count);
		}
	}
}
END_TEST

static Suite *rainflow_suite(void)
{
	Suite *s = suite_create("rainflow");
	TCase *tc = tcase_create("astm");

	tcase_add_test(tc, test_rainflow_astm_example);
	tcase_add_test(tc, test_rainflow_ignores_non_reversals);
	tcase_add_test(tc, test_rainflow_matches_astm_procedure);
	tcase_add_test(tc, test_rainflow_residue_is_a_view);
	tcase_add_test(tc, test_rainflow_bounded_stack);
	tcase_add_test(tc, test_rainflow_append_equals_whole);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(rainflow_suite());
	int failed;

	bg_init();
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
