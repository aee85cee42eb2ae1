/*
 * check_kk.c - the Lin-KK test: consistent spectra (synthetic and
 * measured) pass, spectra with drift fail, inductive points are dropped
 * or kept as asked, bad input is refused.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "battgrade.h"
#include "battgrade/eisfile.h"
#include "battgrade/kk.h"
#include "eis-synth.h"

static const double two_arc[9] = { 2e-7, 0.02, 0.008, 0.02, 0.88, 0.03,
				   30.0, 0.75, 0.004 };

START_TEST(test_kk_consistent_synthetic)
{
	struct synth y;
	bg_kk_result r;
	bg_error err;

	synth_make(&y, "L0-R0-p(R1,CPE1)-p(R2,CPE2)-W1", two_arc, 60, 1e-2,
		   1e4, 0, 1);
	ck_assert_int_eq(bg_kk_test(&y.s, 0.02, 0, &r, &err), 0);
	ck_assert(r.valid);
	ck_assert(r.max_residual < 0.005);
	ck_assert(r.mu <= BG_KK_MU_C);
	ck_assert(r.m >= 12 && r.m <= 50);
	ck_assert_uint_eq(r.n_dropped_inductive, 0);
	/* 0.3 % noise stays within a 2 % limit */
	synth_make(&y, "L0-R0-p(R1,CPE1)-p(R2,CPE2)-W1", two_arc, 60, 1e-2,
		   1e4, 0.003, 3);
	ck_assert_int_eq(bg_kk_test(&y.s, 0.02, 0, &r, &err), 0);
	ck_assert_msg(r.valid, "max residual %g", r.max_residual);
}
END_TEST

/*
 * Drift: the cell starts to change (warming, relaxing) during the last
 * quarter of a sweep run from high to low frequency, so the impedance
 * of those points is scaled by a factor growing to 1 + total - not a
 * linear, time-invariant system.
 */
static void drift(bg_spectrum *s, double total)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		double t = (double)i / (double)(s->n - 1);
		double f = t > 0.75 ? 1 + total * (t - 0.75) / 0.25 : 1;

		s->z_real_ohm[i] *= f;
		s->z_imag_ohm[i] *= f;
	}
}

START_TEST(test_kk_drift_fails)
{
	struct synth y;
	bg_kk_result r;
	bg_error err;

	synth_make(&y, "L0-R0-p(R1,CPE1)-p(R2,CPE2)-W1", two_arc, 60, 1e-2,
		   1e4, 0, 1);
	drift(&y.s, 0.15);
	ck_assert_int_eq(bg_kk_test(&y.s, 0.02, 0, &r, &err), 0);
	ck_assert_msg(!r.valid, "drifting spectrum passed: %g",
		      r.max_residual);
	/* a looser limit accepts it: the verdict follows the limit */
	ck_assert_int_eq(bg_kk_test(&y.s, r.max_residual * 1.01, 0, &r, &err),
			 0);
	ck_assert(r.valid);
}
END_TEST

START_TEST(test_kk_inductive)
{
	struct synth y;
	bg_kk_result r;
	bg_error err;
	size_t i, nind = 0;

	synth_make(&y, "L0-R0-p(R1,CPE1)-p(R2,CPE2)-W1", two_arc, 60, 1e-2,
		   1e5, 0, 1);
	for (i = 0; i < y.s.n; i++)
		nind += y.s.z_imag_ohm[i] > 0;
	ck_assert(nind > 3);
	ck_assert_int_eq(bg_kk_test(&y.s, 0.02, 1, &r, &err), 0);
	ck_assert_uint_eq(r.n_dropped_inductive, nind);
	ck_assert(r.valid);
	ck_assert_int_eq(bg_kk_test(&y.s, 0.02, 0, &r, &err), 0);
	ck_assert_uint_eq(r.n_dropped_inductive, 0);
	ck_assert(r.valid);     /* the model's L absorbs a pure inductance */
}
END_TEST

START_TEST(test_kk_errors)
{
	struct synth y;
	bg_kk_result r;
	bg_error err;

	synth_make(&y, "R0-p(R1,C1)", two_arc + 1, 3, 1, 100, 0, 1);
	ck_assert_int_eq(bg_kk_test(&y.s, 0.02, 0, &r, &err), BG_EDATA);
	synth_make(&y, "R0-p(R1,C1)", two_arc + 1, 20, 1, 100, 0, 1);
	ck_assert_int_eq(bg_kk_test(&y.s, 0, 0, &r, &err), BG_EINVAL);
	y.f[4] = -1;
	ck_assert_int_eq(bg_kk_test(&y.s, 0.02, 0, &r, &err), BG_EDATA);
	ck_assert_ptr_nonnull(strstr(err.msg, "5"));
}
END_TEST

/* Measured spectra pass (inductive points dropped, as for cells on
 * long cables); the same spectra with drift fail. */
START_TEST(test_kk_real_and_corrupted)
{
	static const char *const files[] = {
		"zhang2020_eis/eis/25C01_stateV_cycle001.csv",
		"zhang2020_eis/eis/25C01_stateV_cycle261.csv",
		"zhang2020_eis/eis/25C02_stateV_cycle091.csv",
		"nrel_denso/denso_series12_eis.csv",
		"faraji_niri2023/cell28_eis.csv",
	};
	const char *dir = getenv("BG_SHARED_DATA");
	bg_eisfile_spectra *set;
	bg_kk_result r;
	bg_error err;
	char path[1024];
	size_t f, i;

	for (f = 0; f < sizeof files / sizeof files[0]; f++) {
		snprintf(path, sizeof path, "%s/real/%s", dir, files[f]);
		ck_assert_msg(bg_eisfile_read_spectra(&set, path, &err) == 0,
			      "%s", err.msg);
		for (i = 0; i < set->n; i++) {
			ck_assert_int_eq(bg_kk_test(&set->spectra[i], 0.02, 1,
						    &r, &err), 0);
			ck_assert_msg(r.valid, "%s #%zu: %g", files[f], i,
				      r.max_residual);
			drift(&set->spectra[i], 0.15);
			ck_assert_int_eq(bg_kk_test(&set->spectra[i], 0.02, 1,
						    &r, &err), 0);
			ck_assert_msg(!r.valid, "%s #%zu drifted: %g",
				      files[f], i, r.max_residual);
		}
		bg_eisfile_spectra_free(set);
	}
}
END_TEST

static Suite *kk_suite(void)
{
	Suite *s = suite_create("kk");
	TCase *syn = tcase_create("synthetic"), *real = tcase_create("real");
	const char *dir = getenv("BG_SHARED_DATA");

	tcase_add_test(syn, test_kk_consistent_synthetic);
	tcase_add_test(syn, test_kk_drift_fails);
	tcase_add_test(syn, test_kk_inductive);
	tcase_add_test(syn, test_kk_errors);
	suite_add_tcase(s, syn);
	if (dir && *dir) {
		tcase_add_test(real, test_kk_real_and_corrupted);
		suite_add_tcase(s, real);
	} else {
		printf("BG_SHARED_DATA not set: real-spectrum KK skipped\n");
	}
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(kk_suite());
	int failed;

	bg_init();
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
