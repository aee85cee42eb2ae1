/*
 * check_capcheck.c - capacity checks from cycler time series
 * (lib/capcheck.c): synthetic cycling with known capacities in every
 * way cyclers count (current only, a counter restarting per step, one
 * running from the start, no cycle numbers), the running discharge at
 * the end left out, and the real Maccor export's check as printed.
 */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "battgrade.h"
#include "battgrade/formats.h"

#define NCYC 12
#define I_A 2.0          /* charge and discharge current */
#define DT_S 10.0        /* sampling interval */

enum counter { C_NONE, C_STEP, C_TOTAL };

/* Discharge duration of cycle k (1-based): the capacity fades by 1 %
 * of 2 Ah per cycle, and a 7 s remainder keeps the last interval
 * shorter than the sampling. */
static double t_dis(int k)
{
	return 3600.0 * (1 - 0.01 * k) + 7;
}

static double cap_of(int k)
{
	return I_A * t_dis(k) / 3600;
}

struct text {
	char *s;
	size_t len, cap;
};

static void put(struct text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->cap - t->len < 256) {
		t->cap = t->cap ? 2 * t->cap : 1 << 16;
		t->s = realloc(t->s, t->cap);
		ck_assert_ptr_nonnull(t->s);
	}
	va_start(ap, fmt);
	n = vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

struct gen {
	struct text t;
	double time, total_dis;
	int cycles, counter;
};

/* One constant-current segment from g->time for dur seconds; rows every
 * DT_S and one at the end; the next segment starts at the same time. */
static void segment(struct gen *g, int cycle, double amp, double dur)
{
	double t0 = g->time, step_dis = 0;

	for (double u = 0;; u = fmin(u + DT_S, dur)) {
		double dis = amp < 0 ? -amp * u / 3600 : 0;
		put(&g->t, "%.3f,%.4f,%.4f", t0 + u, amp, amp < 0 ?
		    3.6 - u / 1e4 : 3.6 + u / 1e4);
		if (g->cycles)
			put(&g->t, ",%d", cycle);
		if (g->counter == C_STEP)
			put(&g->t, ",%.10f", dis);
		else if (g->counter == C_TOTAL)
			put(&g->t, ",%.10f", g->total_dis + dis);
		put(&g->t, "\n");
		step_dis = dis;
		if (u >= dur)
			break;
	}
	g->total_dis += step_dis;
	g->time = t0 + dur;
}

/* NCYC cycles: a charge, a rest, a discharge of cap_of(k); the last
 * cycle cut in the middle of its discharge when cut is set. */
static char *cycling(int cycles, int counter, int cut, size_t *len)
{
	struct gen g = { { NULL, 0, 0 }, 0, 0, cycles, counter };

	put(&g.t, "test_time_second,current_ampere,voltage_volt%s%s\n",
	    cycles ? ",cycle_count" : "",
	    counter == C_STEP ? ",cycle_discharging_capacity_ah" :
	    counter == C_TOTAL ? ",discharging_capacity_ah" : "");
	for (int k = 1; k <= NCYC; k++) {
		segment(&g, k, I_A, t_dis(k));
		segment(&g, k, 0, 600);
		segment(&g, k, -I_A, cut && k == NCYC ? t_dis(k) / 2 :
			t_dis(k));
		if (!(cut && k == NCYC))
			segment(&g, k, 0, 600);
	}
	*len = g.t.len;
	return g.t.s;
}

static void check_series(const bg_capacity_set *set, int n, double ref)
{
	double efc = 0;

	ck_assert_uint_eq(set->nseries, 1);
	ck_assert_str_eq(set->series[0].module_id, "");
	ck_assert_uint_eq(set->series[0].n, (size_t)n);
	for (int k = 1; k <= n; k++) {
		const bg_capacity_point *p = &set->series[0].pts[k - 1];
		/* throughput of the cycle: charge and discharge */
		efc += 2 * cap_of(k) / (2 * ref);
		ck_assert_msg(fabs(p->capacity_ah - cap_of(k)) < 1e-9,
			      "cycle %d: %.12g Ah, want %.12g", k,
			      p->capacity_ah, cap_of(k));
		ck_assert_msg(fabs(p->cycle_count - efc) < 1e-9,
			      "cycle %d: %.12g EFC, want %.12g", k,
			      p->cycle_count, efc);
		ck_assert(isnan(p->temperature_c));
	}
}

static const struct {
	int cycles, counter;
} ways[] = {
	{ 1, C_NONE }, { 1, C_STEP }, { 1, C_TOTAL }, { 0, C_NONE },
	{ 0, C_STEP },
};

START_TEST(test_capcheck_synthetic_every_counter)
{
	bg_formats_notes notes = { "", 0 };
	bg_capacity_set *set;
	bg_error err;
	size_t len;
	char *buf = cycling(ways[_i].cycles, ways[_i].counter, 0, &len);

	ck_assert_int_eq(bg_formats_capacity_checks_mem(&set, "syn.csv", buf,
				len, BG_FORMAT_UNKNOWN, 2.0, &notes, &err), 0);
	check_series(set, NCYC, 2.0);
	/* days: the end of cycle 1's discharge */
	ck_assert(fabs(set->series[0].pts[0].days -
		       (2 * t_dis(1) + 600) / 86400) < 1e-12);
	ck_assert_ptr_nonnull(strstr(notes.text, ways[_i].counter ?
				     "the file's capacity counter" :
				     "the current, integrated"));
	bg_capacity_set_free(set);
	free(buf);
}
END_TEST

START_TEST(test_capcheck_running_discharge_left_out)
{
	bg_formats_notes notes = { "", 0 };
	bg_capacity_set *set;
	bg_error err;
	size_t len;
	char *buf = cycling(1, C_STEP, 1, &len);

	ck_assert_int_eq(bg_formats_capacity_checks_mem(&set, "cut.csv", buf,
				len, BG_FORMAT_BDF, 2.0, &notes, &err), 0);
	check_series(set, NCYC - 1, 2.0);
	ck_assert_ptr_nonnull(strstr(notes.text, "still discharging"));
	bg_capacity_set_free(set);
	free(buf);
}
END_TEST

/* Without a reference the first check's capacity is the unit. */
START_TEST(test_capcheck_reference_default)
{
	bg_capacity_set *set;
	bg_error err;
	size_t len;
	char *buf = cycling(1, C_NONE, 0, &len);

	ck_assert_int_eq(bg_formats_capacity_checks_mem(&set, "syn.csv", buf,
				len, BG_FORMAT_UNKNOWN, 0, NULL, &err), 0);
	check_series(set, NCYC, cap_of(1));
	bg_capacity_set_free(set);
	free(buf);
}
END_TEST

START_TEST(test_capcheck_no_discharge)
{
	static const char chg[] = "test_time_second,current_ampere,"
				  "voltage_volt\n0,1,3.6\n10,1,3.7\n";
	bg_capacity_set *set = NULL;
	bg_error err;

	ck_assert_int_eq(bg_formats_capacity_checks_mem(&set, "c.csv", chg,
				sizeof chg - 1, BG_FORMAT_UNKNOWN, 0, NULL,
				&err), BG_EDATA);
	ck_assert_uint_eq(err.line, 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "no complete discharge"));
	ck_assert_ptr_null(set);
}
END_TEST

/* beep's Maccor export: one discharge in cycle 0, Amp-hr 0.1247312174
 * on line 50 (Rec# 48, Test (Sec) 52.7700); cycle 1 only charges. */
START_TEST(test_capcheck_maccor_real)
{
	bg_formats_notes notes = { "", 0 };
	bg_capacity_set *set;
	bg_error err;
	char path[4096];
	const char *top = getenv("BG_TOP_SRCDIR");

	snprintf(path, sizeof path, "%s/tests/fixtures/formats/"
		 "xTESLADIAG_000019_CH70.head114.070", top ? top : ".");
	ck_assert_int_eq(bg_formats_capacity_checks(&set, path,
				BG_FORMAT_UNKNOWN, 0, &notes, &err), 0);
	ck_assert_uint_eq(set->series[0].n, 1);
	ck_assert(fabs(set->series[0].pts[0].capacity_ah - 0.1247312174) <
		  1e-12);
	ck_assert(fabs(set->series[0].pts[0].days - 52.77 / 86400) < 1e-12);
	/* one discharge of the reference capacity: half a full cycle,
	 * to the trapezoid's agreement with the cycler's counter */
	ck_assert(fabs(set->series[0].pts[0].cycle_count - 0.5) < 1e-3);
	ck_assert_ptr_nonnull(strstr(notes.text, "cycle 0, lines 3-50"));
	bg_capacity_set_free(set);
}
END_TEST

static Suite *capcheck_suite(void)
{
	Suite *s = suite_create("capcheck");
	TCase *tc = tcase_create("synthetic");

	tcase_add_loop_test(tc, test_capcheck_synthetic_every_counter, 0,
			    sizeof ways / sizeof ways[0]);
	tcase_add_test(tc, test_capcheck_running_discharge_left_out);
	tcase_add_test(tc, test_capcheck_reference_default);
	tcase_add_test(tc, test_capcheck_no_discharge);
	suite_add_tcase(s, tc);
	tc = tcase_create("real");
	tcase_add_test(tc, test_capcheck_maccor_real);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr;
	int failed;

	bg_init();
	sr = srunner_create(capcheck_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
