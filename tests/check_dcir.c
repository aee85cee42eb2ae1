/*
 * check_dcir.c - pulse resistance against an analytic R0 + R1||C1 cell
 * answering discharge and charge pulses.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "battgrade.h"
#include "battgrade/dcir.h"

#define NMAX 4000

struct pulses {
	bg_pulse_series p;
	double t[NMAX], i[NMAX], u[NMAX];
};

static const double R0 = 0.010, R1 = 0.004, TAU = 8.0, OCV = 3.7;

/*
 * 10 s rest, 40 s discharge at -50 A, 60 s rest, 40 s charge at +30 A,
 * 30 s rest; 0.1 s samples; U = OCV + I R0 + u1, du1/dt = (I R1 - u1)/tau
 * integrated exactly per sample (the current is piecewise constant).
 */
static void make(struct pulses *x)
{
	double u1 = 0, dt = 0.1;
	size_t k, n = 0;

	for (k = 0; k < 1800 && n < NMAX; k++, n++) {
		double t = k * dt, i;

		i = t > 10 && t <= 50 ? -50 : t > 110 && t <= 150 ? 30 : 0;
		x->t[n] = t;
		x->i[n] = i;
		/* the step happens right after the previous sample */
		u1 = i * R1 + (u1 - i * R1) * exp(-dt / TAU);
		if (k == 0)
			u1 = 0;
		x->u[n] = OCV + i * R0 + u1;
	}
	memset(&x->p, 0, sizeof x->p);
	x->p.n = n;
	x->p.time_s = x->t;
	x->p.current_a = x->i;
	x->p.voltage_v = x->u;
}

/* R(t) of the model t seconds after the last rest sample. */
static double r_model(double t)
{
	return R0 + R1 * (1 - exp(-t / TAU));
}

START_TEST(test_dcir_model_cell)
{
	static struct pulses x;
	bg_dcir_result r;
	bg_error err;

	make(&x);
	ck_assert_int_eq(bg_dcir_compute(&x.p, &r, &err), 0);
	ck_assert_double_eq_tol(r.r_ohmic_discharge_ohm, r_model(0.1), 1e-6);
	ck_assert_double_eq_tol(r.r_1s_discharge_ohm, r_model(1), 1e-6);
	ck_assert_double_eq_tol(r.r_10s_discharge_ohm, r_model(10), 1e-6);
	ck_assert_double_eq_tol(r.r_30s_discharge_ohm, r_model(30), 1e-6);
	ck_assert_double_eq_tol(r.r_ohmic_charge_ohm, r_model(0.1), 1e-5);
	/* the charge pulse starts before the RC branch fully relaxed:
	 * within 1 % */
	ck_assert_double_eq_tol(r.r_10s_charge_ohm, r_model(10),
				0.01 * r_model(10));
	ck_assert(isnan(r.power_capability_w));
}
END_TEST

START_TEST(test_dcir_times_and_power)
{
	static struct pulses x;
	bg_dcir_result r;
	bg_dcir_detail d;
	bg_dcir_opts o;
	bg_error err;

	make(&x);
	bg_dcir_opts_init(&o);
	o.ntimes = 2;
	o.times_s[0] = 2;
	o.times_s[1] = 45;      /* longer than the 40 s pulse */
	o.v_min_v = 2.5;
	ck_assert_int_eq(bg_dcir_compute_ex(&x.p, &o, &r, &d, &err), 0);
	ck_assert_uint_eq(d.ndischarge, 1);
	ck_assert_uint_eq(d.ncharge, 1);
	ck_assert_double_eq_tol(d.r_discharge_ohm[0], r_model(2), 1e-6);
	ck_assert(isnan(d.r_discharge_ohm[1]));
	ck_assert_double_eq_tol(d.ocv_v, OCV, 1e-9);
	/* HPPC: P = Vmin (OCV - Vmin) / R10 */
	ck_assert_double_eq_tol(r.power_capability_w,
				2.5 * (OCV - 2.5) / r_model(10), 1e-3);
}
END_TEST

START_TEST(test_dcir_errors)
{
	static struct pulses x;
	bg_dcir_result r;
	bg_dcir_opts o;
	bg_error err;

	make(&x);
	x.t[100] = x.t[98];
	ck_assert_int_eq(bg_dcir_compute(&x.p, &r, &err), BG_EDATA);
	ck_assert_ptr_nonnull(strstr(err.msg, "backwards"));
	make(&x);
	memset(x.i, 0, sizeof x.i);
	ck_assert_int_eq(bg_dcir_compute(&x.p, &r, &err), BG_EDATA);
	make(&x);
	x.u[7] = NAN;
	ck_assert_int_eq(bg_dcir_compute(&x.p, &r, &err), BG_EDATA);
	make(&x);
	x.p.n = 1;
	ck_assert_int_eq(bg_dcir_compute(&x.p, &r, &err), BG_EDATA);
	make(&x);
	bg_dcir_opts_init(&o);
	o.times_s[1] = -1;
	ck_assert_int_eq(bg_dcir_compute_ex(&x.p, &o, &r, NULL, &err),
			 BG_EINVAL);
}
END_TEST

static Suite *dcir_suite(void)
{
	Suite *s = suite_create("dcir");
	TCase *t = tcase_create("pulses");

	tcase_add_test(t, test_dcir_model_cell);
	tcase_add_test(t, test_dcir_times_and_power);
	tcase_add_test(t, test_dcir_errors);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(dcir_suite());
	int failed;

	bg_init();
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
