/*
 * check_eisfit.c - CNLS fits: every template recovered from exact
 * synthetic spectra, standard errors that cover the truth at about the
 * stated rate under 1 % noise, impedance.py's example data reproduced,
 * and real spectra from the shared data fitted without a guess.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "battgrade.h"
#include "battgrade/eisfile.h"
#include "battgrade/eisfit.h"
#include "eis-synth.h"

static bg_eis_fitter *fitter;

static void setup(void)
{
	ck_assert_int_eq(bg_eis_fitter_new(&fitter, NULL), 0);
}

static void teardown(void)
{
	bg_eis_fitter_free(fitter);
}

/* Truths for the templates: battery-like, arcs a few decades apart. */
static const struct {
	const char *name, *circuit;
	double th[9];
	double fmin;
} truth[] = {
	{ "randles", "R0-p(R1-Wo1,C1)",
	  { 0.0186, 0.0117, 0.0627, 221.0, 1.17 }, 1e-3 },
	{ "randles-cpe", "R0-p(R1-Wo1,CPE1)",
	  { 0.021, 0.035, 0.05, 150.0, 0.8, 0.82 }, 1e-3 },
	{ "two-arc", "L0-R0-p(R1,CPE1)-p(R2,CPE2)-W1",
	  { 2e-7, 0.02, 0.008, 0.02, 0.88, 0.03, 30.0, 0.75, 0.004 }, 1e-2 },
};

START_TEST(test_eisfit_recovers_templates)
{
	struct synth y;
	bg_eis_result r;
	bg_error err;
	size_t k;
	int i = _i;

	ck_assert_int_eq(synth_make(&y, truth[i].circuit, truth[i].th, 60,
				    truth[i].fmin, 1e4, 0, 1), 0);
	ck_assert_int_eq(bg_eis_fit(fitter, &y.s, truth[i].name, 0, &r, &err),
			 0);
	ck_assert_str_eq(r.circuit, truth[i].circuit);
	for (k = 0; k < r.nparams; k++)
		ck_assert_msg(fabs(r.param[k] / truth[i].th[k] - 1) < 0.005,
			      "%s %s: %g, true %g", truth[i].name,
			      r.param_name[k], r.param[k], truth[i].th[k]);
	ck_assert(bg_eis_fitter_rms(fitter) < 1e-6);
}
END_TEST

/* Every weighting converges on exact data too. */
START_TEST(test_eisfit_weightings)
{
	struct synth y;
	bg_eis_result r;
	bg_error err;
	size_t k;
	int w;

	synth_make(&y, truth[2].circuit, truth[2].th, 60, 1e-2, 1e4, 0, 1);
	for (w = 0; w < 3; w++) {
		ck_assert_int_eq(bg_eis_fit(fitter, &y.s, "two-arc", w, &r,
					    &err), 0);
		for (k = 0; k < r.nparams; k++)
			ck_assert_msg(fabs(r.param[k] / truth[2].th[k] - 1) <
				      0.005, "weighting %d %s: %g", w,
				      r.param_name[k], r.param[k]);
	}
	ck_assert_int_eq(bg_eis_weighting_parse("proportional"),
			 BG_EIS_WEIGHT_PROPORTIONAL);
	ck_assert_int_eq(bg_eis_weighting_parse("square"), -1);
}
END_TEST

/*
 * 1 % noise on Re and Im (relative to |Z|), 100 seeds: the truth lies
 * within one standard error in about 68 % of the cases and within two
 * in about 95 % (normal approximation of the estimate).
 */
START_TEST(test_eisfit_standard_errors_cover)
{
	int i = _i, seed, n1 = 0, n2 = 0, total = 0;
	struct synth y;
	bg_eis_result r;
	bg_error err;
	size_t k;

	for (seed = 1; seed <= 100; seed++) {
		synth_make(&y, truth[i].circuit, truth[i].th, 60,
			   truth[i].fmin, 1e4, 0.01, (unsigned)seed);
		ck_assert_int_eq(bg_eis_fit(fitter, &y.s, truth[i].name, 0,
					    &r, &err), 0);
		for (k = 0; k < r.nparams; k++) {
			double z = fabs(r.param[k] - truth[i].th[k]) /
				   r.param_se[k];

			n1 += z <= 1;
			n2 += z <= 2;
			total++;
		}
	}
	printf("%s: truth within 1 SE %.1f %%, 2 SE %.1f %% of %d\n",
	       truth[i].name, 100.0 * n1 / total, 100.0 * n2 / total, total);
	ck_assert_msg(n1 > 0.58 * total && n1 < 0.78 * total,
		      "%s: 1-SE coverage %d/%d", truth[i].name, n1, total);
	ck_assert_msg(n2 > 0.89 * total, "%s: 2-SE coverage %d/%d",
		      truth[i].name, n2, total);
}
END_TEST

/*
 * impedance.py's example (docs "Getting started"): inductive points
 * ignored, Randles R0-p(R1-Wo1,C1) fitted without weights gives
 * R0 = 1.86e-2, R1 = 1.17e-2, Wo1 = 6.27e-2 ohm / 221 s, C1 = 1.17 F.
 */
START_TEST(test_eisfit_impedance_py_example)
{
	static const double want[5] = { 1.862e-2, 1.168e-2, 6.27e-2, 221.2,
					 1.172 };
	const char *src = getenv("BG_TOP_SRCDIR");
	bg_eisfile_spectra *set;
	bg_spectrum s;
	bg_eis_result r;
	bg_error err;
	char path[1024];
	size_t i, k = 0;

	snprintf(path, sizeof path, "%s/tests/fixtures/eis/exampleData.csv",
		 src ? src : ".");
	ck_assert_msg(bg_eisfile_read_spectra(&set, path, &err) == 0, "%s",
		      err.msg);
	ck_assert_uint_eq(set->n, 1);
	s = set->spectra[0];
	for (i = 0; i < s.n; i++)
		if (s.z_imag_ohm[i] <= 0) {
			s.freq_hz[k] = s.freq_hz[i];
			s.z_real_ohm[k] = s.z_real_ohm[i];
			s.z_imag_ohm[k++] = s.z_imag_ohm[i];
		}
	s.n = k;
	ck_assert_int_eq(bg_eis_fit(fitter, &s, "randles", BG_EIS_WEIGHT_UNIT,
				    &r, &err), 0);
	for (i = 0; i < 5; i++)
		ck_assert_msg(fabs(r.param[i] / want[i] - 1) < 0.005,
			      "%s: %g, impedance.py %g", r.param_name[i],
			      r.param[i], want[i]);
	bg_eisfile_spectra_free(set);
}
END_TEST

START_TEST(test_eisfit_guess_and_errors)
{
	double guess[9], bad[2] = { 1, 2 };
	struct synth y;
	bg_eis_result r;
	bg_error err;
	size_t k;

	synth_make(&y, truth[2].circuit, truth[2].th, 60, 1e-2, 1e4, 0.002, 7);
	for (k = 0; k < 9; k++)
		guess[k] = truth[2].th[k] * (k % 2 ? 1.3 : 0.8);
	guess[4] = 0.8;
	ck_assert_int_eq(bg_eis_fit_guess(fitter, &y.s, "two-arc", 0, guess, 9,
					  &r, &err), 0);
	ck_assert(fabs(r.param[1] / truth[2].th[1] - 1) < 0.01);
	ck_assert_int_eq(bg_eis_fit_guess(fitter, &y.s, "two-arc", 0, bad, 2,
					  &r, &err), BG_EINVAL);
	guess[0] = -1;
	ck_assert_int_eq(bg_eis_fit_guess(fitter, &y.s, "two-arc", 0, guess, 9,
					  &r, &err), BG_EINVAL);
	ck_assert_int_eq(bg_eis_fit(fitter, &y.s, "R0-p(R1,X1)", 0, &r, &err),
			 BG_EDATA);
	ck_assert_uint_eq(err.column, 9);
	ck_assert_int_eq(bg_eis_fit(fitter, &y.s, "two-arc", 7, &r, &err),
			 BG_EINVAL);
	y.s.n = 4;      /* 8 equations for 9 parameters */
	ck_assert_int_eq(bg_eis_fit(fitter, &y.s, "two-arc", 0, &r, &err),
			 BG_EDATA);
	y.s.n = 60;
	y.re[3] = NAN;
	ck_assert_int_eq(bg_eis_fit(fitter, &y.s, "two-arc", 0, &r, &err),
			 BG_EDATA);
}
END_TEST

START_TEST(test_eisfit_json)
{
	struct synth y;
	bg_eis_result r;
	bg_error err;
	cJSON *j;
	const cJSON *p;

	synth_make(&y, truth[0].circuit, truth[0].th, 40, 1e-3, 1e4, 0, 1);
	ck_assert_int_eq(bg_eis_fit(fitter, &y.s, "randles", 0, &r, &err), 0);
	ck_assert_int_eq(bg_eis_result_to_json(&r, &j), 0);
	ck_assert_str_eq(cJSON_GetObjectItem(j, "status")->valuestring, "ok");
	p = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "params"), "Wo1_1");
	ck_assert_double_eq_tol(cJSON_GetObjectItem(p, "value")->valuedouble,
				221.0, 1.0);
	ck_assert(cJSON_IsNumber(cJSON_GetObjectItem(p, "std_error")));
	cJSON_Delete(j);
}
END_TEST

/* Real spectra: converge without a guess to a few per cent rms. */
START_TEST(test_eisfit_real_spectra)
{
	static const struct {
		const char *file;
		double max_rms;
	} files[] = {
		{ "zhang2020_eis/eis/25C01_stateV_cycle001.csv", 0.02 },
		{ "zhang2020_eis/eis/25C02_stateV_cycle181.csv", 0.02 },
		{ "nrel_denso/denso_series30_eis.csv", 0.05 },
		{ "faraji_niri2023/cell17_eis.csv", 0.04 },
	};
	const char *dir = getenv("BG_SHARED_DATA");
	bg_eisfile_spectra *set;
	bg_eis_result r;
	bg_error err;
	char path[1024];
	size_t f, i;

	for (f = 0; f < sizeof files / sizeof files[0]; f++) {
		snprintf(path, sizeof path, "%s/real/%s", dir, files[f].file);
		ck_assert_msg(bg_eisfile_read_spectra(&set, path, &err) == 0,
			      "%s", err.msg);
		for (i = 0; i < set->n; i++) {
			ck_assert_msg(bg_eis_fit(fitter, &set->spectra[i],
						 "two-arc", 0, &r, &err) == 0,
				      "%s #%zu: %s", files[f].file, i,
				      err.msg);
			ck_assert_msg(bg_eis_fitter_rms(fitter) <
				      files[f].max_rms, "%s #%zu: rms %g",
				      files[f].file, i,
				      bg_eis_fitter_rms(fitter));
		}
		bg_eisfile_spectra_free(set);
	}
}
END_TEST

static Suite *eisfit_suite(void)
{
	Suite *s = suite_create("eisfit");
	TCase *syn = tcase_create("synthetic"), *real = tcase_create("real");
	const char *dir = getenv("BG_SHARED_DATA");

	tcase_add_checked_fixture(syn, setup, teardown);
	tcase_add_loop_test(syn, test_eisfit_recovers_templates, 0, 3);
	tcase_add_test(syn, test_eisfit_weightings);
	tcase_add_loop_test(syn, test_eisfit_standard_errors_cover, 0, 3);
	tcase_add_test(syn, test_eisfit_impedance_py_example);
	tcase_add_test(syn, test_eisfit_guess_and_errors);
	tcase_add_test(syn, test_eisfit_json);
	suite_add_tcase(s, syn);
	if (dir && *dir) {
		tcase_add_checked_fixture(real, setup, teardown);
		tcase_add_test(real, test_eisfit_real_spectra);
		suite_add_tcase(s, real);
	} else {
		printf("BG_SHARED_DATA not set: real-spectrum fits skipped\n");
	}
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(eisfit_suite());
	int failed;

	bg_init();
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
