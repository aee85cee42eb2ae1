/*
 * check_circuit.c - the circuit-string language: round trips, errors
 * located at their column, and every element's analytic Jacobian
 * against central finite differences.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "battgrade.h"
#include "battgrade/circuit.h"

START_TEST(test_circuit_round_trip)
{
	static const char *const in[] = {
		"R0", "R0-C1", "L0-R0-p(R1,CPE1)-p(R2,CPE2)-W1",
		"R0-p(R1-Wo1,C1)", "R0-p(R1,C1)-p(R2-Wo1,C2)",
		"p(R1,C1,L1)", "R0-p(p(R1,C1),R2-Ws1)",
	};
	char buf[128], buf2[128];
	bg_circuit *c, *c2;
	bg_error err;
	size_t i;

	for (i = 0; i < sizeof in / sizeof in[0]; i++) {
		ck_assert_int_eq(bg_circuit_parse(&c, in[i], &err), 0);
		ck_assert_int_eq(bg_circuit_to_string(c, buf, sizeof buf,
						      &err), 0);
		ck_assert_str_eq(buf, in[i]);
		ck_assert_int_eq(bg_circuit_parse(&c2, buf, &err), 0);
		ck_assert_int_eq(bg_circuit_to_string(c2, buf2, sizeof buf2,
						      &err), 0);
		ck_assert_str_eq(buf, buf2);
		ck_assert_uint_eq(bg_circuit_nparams(c),
				  bg_circuit_nparams(c2));
		bg_circuit_free(c);
		bg_circuit_free(c2);
	}
	/* spaces are ignored */
	ck_assert_int_eq(bg_circuit_parse(&c, " R0 - p( R1 , CPE1 ) ", &err),
			 0);
	bg_circuit_to_string(c, buf, sizeof buf, &err);
	ck_assert_str_eq(buf, "R0-p(R1,CPE1)");
	bg_circuit_free(c);
}
END_TEST

START_TEST(test_circuit_param_names)
{
	bg_circuit *c;
	bg_error err;

	ck_assert_int_eq(bg_circuit_parse(&c, "L0-R0-p(R1,CPE1)-Wo2", &err),
			 0);
	ck_assert_uint_eq(bg_circuit_nparams(c), 7);
	ck_assert_str_eq(bg_circuit_param_name(c, 0), "L0");
	ck_assert_str_eq(bg_circuit_param_name(c, 3), "CPE1_0");
	ck_assert_str_eq(bg_circuit_param_name(c, 4), "CPE1_1");
	ck_assert_str_eq(bg_circuit_param_name(c, 6), "Wo2_1");
	ck_assert_int_eq(bg_circuit_param_kind(c, 4), BG_PARAM_FRACTION);
	ck_assert_int_eq(bg_circuit_param_kind(c, 3), BG_PARAM_POSITIVE);
	ck_assert_ptr_null(bg_circuit_param_name(c, 7));
	bg_circuit_free(c);
}
END_TEST

/* Each bad string fails with BG_EDATA at the given 1-based column. */
START_TEST(test_circuit_errors_column)
{
	static const struct {
		const char *s;
		unsigned long col;
	} bad[] = {
		{ "", 1 },               { "R0-", 4 },
		{ "R0-X1", 4 },          { "R0-p(R1,C1", 11 },
		{ "R0-p(R1)", 8 },       { "R0--C1", 4 },
		{ "R0-C", 5 },           { "R0-R0", 4 },
		{ "R0-p(R1;C1)", 8 },    { "R0)", 3 },
		{ "Q1", 1 },             { "R0-p(R1,C1)x", 12 },
		{ "CPE", 4 },            { "R0-p(,C1)", 6 },
	};
	bg_circuit *c;
	bg_error err;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_msg(bg_circuit_parse(&c, bad[i].s, &err) == BG_EDATA,
			      "'%s' accepted", bad[i].s);
		ck_assert_ptr_null(c);
		ck_assert_msg(err.column == bad[i].col,
			      "'%s': column %lu, expected %lu (%s)", bad[i].s,
			      err.column, bad[i].col, err.msg);
		ck_assert_str_eq(err.file, "circuit");
	}
}
END_TEST

START_TEST(test_circuit_limits)
{
	char s[200] = "R0";
	size_t o = 2;
	bg_circuit *c;
	bg_error err;
	int k;

	/* 17 parameters: one too many */
	for (k = 1; k <= 8; k++)
		o += (size_t)snprintf(s + o, sizeof s - o, "-CPE%d", k);
	ck_assert_int_eq(bg_circuit_parse(&c, s, &err), BG_EDATA);
	ck_assert_ptr_nonnull(strstr(err.msg, "16"));
	/* deep nesting is refused, not a stack overflow */
	memset(s, 0, sizeof s);
	for (k = 0; k < 40; k++)
		memcpy(s + 2 * k, "p(", 2);
	ck_assert_int_eq(bg_circuit_parse(&c, s, &err), BG_EDATA);
}
END_TEST

/* Known impedances: R + 1/(jwC) at w = 1/(RC) and a Warburg. */
START_TEST(test_circuit_values)
{
	double th[2] = { 2.0, 0.5 }, zr, zi;
	bg_circuit *c;
	bg_error err;

	ck_assert_int_eq(bg_circuit_parse(&c, "p(R1,C1)", &err), 0);
	bg_circuit_eval(c, th, 1.0, &zr, &zi, NULL);
	ck_assert_double_eq_tol(zr, 1.0, 1e-12);    /* R/2 at the apex */
	ck_assert_double_eq_tol(zi, -1.0, 1e-12);
	bg_circuit_free(c);
	ck_assert_int_eq(bg_circuit_parse(&c, "W1", &err), 0);
	th[0] = 3.0;
	bg_circuit_eval(c, th, 4.0, &zr, &zi, NULL);
	ck_assert_double_eq_tol(zr, 1.5, 1e-12);
	ck_assert_double_eq_tol(zi, -1.5, 1e-12);
	bg_circuit_free(c);
	/* finite Warburg (short) tends to Z0 at low frequency, open to a
	 * capacitor Z0/(jw tau) */
	ck_assert_int_eq(bg_circuit_parse(&c, "Ws1", &err), 0);
	th[0] = 0.7;
	th[1] = 10;
	bg_circuit_eval(c, th, 1e-7, &zr, &zi, NULL);
	ck_assert_double_eq_tol(zr, 0.7, 1e-6);
	bg_circuit_free(c);
	ck_assert_int_eq(bg_circuit_parse(&c, "Wo1", &err), 0);
	bg_circuit_eval(c, th, 1e-5, &zr, &zi, NULL);
	ck_assert_double_eq_tol(zi, -0.7 / (1e-5 * 10), 1e-3 * 0.7e4);
	bg_circuit_free(c);
}
END_TEST

/* Central differences with a relative step; every element type. */
START_TEST(test_circuit_jacobian_fd)
{
	static const char *const circ[] = {
		"L0-R0-p(R1,CPE1)-p(R2-Wo1,C2)-Ws1-W1",
		"p(R1,C1,L1)-p(p(R2,CPE2),R3-Ws2)",
	};
	static const double th0[2][14] = {
		{ 3e-7, 0.02, 0.01, 3.0, 0.8, 0.03, 0.05, 120, 40, 0.01, 30,
		  0.004 },
		{ 0.1, 2.0, 1e-4, 0.5, 0.2, 0.73, 0.3, 0.2, 5 },
	};
	double w, dz[32], zp[2], zm[2], th[14];

	bg_circuit *c;
	bg_error err;
	size_t i, k, np;

	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(bg_circuit_parse(&c, circ[i], &err), 0);
		np = bg_circuit_nparams(c);
		for (w = 1e-3; w < 1e6; w *= 7.3) {
			memcpy(th, th0[i], sizeof th);
			double z0r, z0i;

			bg_circuit_eval(c, th, w, &z0r, &z0i, dz);
			for (k = 0; k < np; k++) {
				double h = 1e-6 * th[k], fr, fi, scale;

				th[k] = th0[i][k] + h;
				bg_circuit_eval(c, th, w, &zp[0], &zp[1], NULL);
				th[k] = th0[i][k] - h;
				bg_circuit_eval(c, th, w, &zm[0], &zm[1], NULL);
				th[k] = th0[i][k];
				fr = (zp[0] - zm[0]) / (2 * h);
				fi = (zp[1] - zm[1]) / (2 * h);
				/* rounding of the difference: eps |Z| / h */
				scale = fabs(fr) + fabs(fi) +
					1e-4 * hypot(z0r, z0i) / th[k];
				ck_assert_msg(fabs(fr - dz[2 * k]) +
					      fabs(fi - dz[2 * k + 1]) <
					      1e-5 * scale,
					      "%s d/d%s at w=%g: analytic "
					      "%g%+gj, numeric %g%+gj",
					      circ[i],
					      bg_circuit_param_name(c, k), w,
					      dz[2 * k], dz[2 * k + 1], fr, fi);
			}
		}
		bg_circuit_free(c);
	}
}
END_TEST

START_TEST(test_circuit_templates)
{
	char buf[128];
	bg_error err;

	ck_assert_int_eq(bg_circuit_resolve(buf, sizeof buf, "randles-cpe",
					    &err), 0);
	ck_assert_str_eq(buf, "R0-p(R1-Wo1,CPE1)");
	ck_assert_int_eq(bg_circuit_resolve(buf, sizeof buf, "two-arc", &err),
			 0);
	ck_assert_str_eq(buf, "L0-R0-p(R1,CPE1)-p(R2,CPE2)-W1");
	ck_assert_int_eq(bg_circuit_resolve(buf, sizeof buf, "randles", &err),
			 0);
	ck_assert_str_eq(buf, "R0-p(R1-Wo1,C1)");
	/* a circuit string passes through */
	ck_assert_int_eq(bg_circuit_resolve(buf, sizeof buf, "R0-C1", &err),
			 0);
	ck_assert_str_eq(buf, "R0-C1");
	ck_assert_int_eq(bg_circuit_resolve(buf, sizeof buf, "no-such",
					    &err), BG_EDATA);
	ck_assert_ptr_nonnull(strstr(err.msg, "no-such"));
}
END_TEST

static Suite *circuit_suite(void)
{
	Suite *s = suite_create("circuit");
	TCase *p = tcase_create("parse"), *e = tcase_create("eval");

	tcase_add_test(p, test_circuit_round_trip);
	tcase_add_test(p, test_circuit_param_names);
	tcase_add_test(p, test_circuit_errors_column);
	tcase_add_test(p, test_circuit_limits);
	tcase_add_test(p, test_circuit_templates);
	tcase_add_test(e, test_circuit_values);
	tcase_add_test(e, test_circuit_jacobian_fd);
	suite_add_tcase(s, p);
	suite_add_tcase(s, e);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(circuit_suite());
	int failed;

	bg_init();
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
