/*
 * fademodels.c - the degradation equations: one function per model,
 * giving the value and the analytic Jacobian.
 *
 * The catalogue entry (models/degradation/<name>.json) names the
 * equation by its id and carries units, bounds and starting rules;
 * adding a model is adding that file and one function below, listed
 * in the table at the end.  Powers are written exp(z*log x) with the
 * logarithm precomputed per history: a fit evaluates them thousands of
 * times.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "fade-int.h"

/* x^z from log x; 0 for x <= 0 (lx = -INFINITY). */
static double powl_(double lx, double z)
{
	return isinf(lx) ? 0.0 : exp(z * lx);
}

/* log x^z derivative factor: x^z * log x, 0 for x <= 0. */
static double dpow(double xz, double lx)
{
	return isinf(lx) ? 0.0 : xz * lx;
}

/* Exponential with the argument clamped, so that a wild trial step of
 * the solver gives a huge but finite cost instead of inf or NaN. */
static double clexp(double a)
{
	return exp(a > 700.0 ? 700.0 : a);
}

/* Linear fade, Q = Q0 (1 - a x): the usual first-order description of
 * cycle fade in throughput (DOMAIN 4.2, GM/HRL NMC+LMO). */
static void linear(const double *th, const bg_fade_in *in, double *f,
		   double *J)
{
	size_t i;

	for (i = 0; i < in->n; i++) {
		double x = in->x[i];

		f[i] = th[0] * (1.0 - th[1] * x);
		if (J) {
			J[2 * i] = 1.0 - th[1] * x;
			J[2 * i + 1] = -th[0] * x;
		}
	}
}

/* Power law, Q = Q0 (1 - a x^z) (DOMAIN 4.1, the generic form of Wang
 * et al. 2011 and of the cycle term of NREL BLAST-Lite). */
static void power(const double *th, const bg_fade_in *in, double *f,
		  double *J)
{
	size_t i;

	for (i = 0; i < in->n; i++) {
		double xz = powl_(in->lx[i], th[2]);

		f[i] = th[0] * (1.0 - th[1] * xz);
		if (J) {
			J[3 * i] = 1.0 - th[1] * xz;
			J[3 * i + 1] = -th[0] * xz;
			J[3 * i + 2] = -th[0] * th[1] * dpow(xz, in->lx[i]);
		}
	}
}

/* Calendar + cycle, Q = Q0 (1 - k t^p - b x^z): a root-of-time calendar
 * term plus a power-law cycle term (DOMAIN 4.2; Schmalstieg et al. 2014,
 * NREL BLAST-Lite second-life Leaf model). */
static void calendar_cycle(const double *th, const bg_fade_in *in,
			   double *f, double *J)
{
	size_t i;

	for (i = 0; i < in->n; i++) {
		double tp = powl_(in->ld[i], th[2]);
		double xz = powl_(in->lx[i], th[4]);
		double loss = th[1] * tp + th[3] * xz;

		f[i] = th[0] * (1.0 - loss);
		if (J) {
			double *r = J + 5 * i;

			r[0] = 1.0 - loss;
			r[1] = -th[0] * tp;
			r[2] = -th[0] * th[1] * dpow(tp, in->ld[i]);
			r[3] = -th[0] * xz;
			r[4] = -th[0] * th[3] * dpow(xz, in->lx[i]);
		}
	}
}

/* Double exponential, Q = a e^{b x} + c e^{d x} (He et al. 2011, J.
 * Power Sources 196:10314): fits an accelerating tail. */
static void double_exp(const double *th, const bg_fade_in *in, double *f,
		       double *J)
{
	size_t i;

	for (i = 0; i < in->n; i++) {
		double x = in->x[i];
		double e1 = clexp(th[1] * x), e2 = clexp(th[3] * x);

		f[i] = th[0] * e1 + th[2] * e2;
		if (J) {
			double *r = J + 4 * i;

			r[0] = e1;
			r[1] = th[0] * x * e1;
			r[2] = e2;
			r[3] = th[2] * x * e2;
		}
	}
}

#define GAS_R 8.314462618   /* J/(mol K) */
#define T_REF 298.15        /* K: B is the fade coefficient at 25 C */

/*
 * Arrhenius-scaled throughput, Q = Q0 (1 - B e^{-Ea/R (1/T - 1/Tref)}
 * x^z) (Wang et al. 2011, J. Power Sources 196:3942, whose
 * B exp(-Ea/RT) is written here relative to 25 C so that B stays of
 * order one and the fit well conditioned).  T is the temperature of
 * each check.
 */
static void arrhenius(const double *th, const bg_fade_in *in, double *f,
		      double *J)
{
	size_t i;

	for (i = 0; i < in->n; i++) {
		double u = 1.0 / in->tk[i] - 1.0 / T_REF;
		double ar = clexp(-th[2] / GAS_R * u);
		double xz = powl_(in->lx[i], th[3]);
		double loss = th[1] * ar * xz;

		f[i] = th[0] * (1.0 - loss);
		if (J) {
			double *r = J + 4 * i;

			r[0] = 1.0 - loss;
			r[1] = -th[0] * ar * xz;
			r[2] = th[0] * loss * u / GAS_R;
			r[3] = -th[0] * th[1] * ar * dpow(xz, in->lx[i]);
		}
	}
}

/* Resistance growth, R = R0 (1 + a t^p + b x) (DOMAIN 4.5; the
 * resistance law of Schmalstieg et al. 2014 with a free time exponent).
 */
static void resistance_growth(const double *th, const bg_fade_in *in,
			      double *f, double *J)
{
	size_t i;

	for (i = 0; i < in->n; i++) {
		double tp = powl_(in->ld[i], th[2]);
		double x = in->x[i];
		double g = 1.0 + th[1] * tp + th[3] * x;

		f[i] = th[0] * g;
		if (J) {
			double *r = J + 4 * i;

			r[0] = g;
			r[1] = th[0] * tp;
			r[2] = th[0] * th[1] * dpow(tp, in->ld[i]);
			r[3] = th[0] * x;
		}
	}
}

/* Resistance growth on one axis, R = R0 (1 + a x^p): the form above
 * when only cycles or only calendar time is known. */
static void resistance_power(const double *th, const bg_fade_in *in,
			     double *f, double *J)
{
	size_t i;

	for (i = 0; i < in->n; i++) {
		double xp = powl_(in->lx[i], th[2]);

		f[i] = th[0] * (1.0 + th[1] * xp);
		if (J) {
			J[3 * i] = 1.0 + th[1] * xp;
			J[3 * i + 1] = th[0] * xp;
			J[3 * i + 2] = th[0] * th[1] * dpow(xp, in->lx[i]);
		}
	}
}

static const struct bg_fade_eq equations[] = {
	{ "linear", 2, BG_FADE_IN_X, linear },
	{ "power", 3, BG_FADE_IN_X, power },
	{ "calendar_cycle", 5, BG_FADE_IN_X | BG_FADE_IN_DAYS,
	  calendar_cycle },
	{ "double_exp", 4, BG_FADE_IN_X, double_exp },
	{ "arrhenius_throughput", 4, BG_FADE_IN_X | BG_FADE_IN_TEMP,
	  arrhenius },
	{ "resistance_growth", 4, BG_FADE_IN_X | BG_FADE_IN_DAYS,
	  resistance_growth },
	{ "resistance_power", 3, BG_FADE_IN_X, resistance_power },
};

const struct bg_fade_eq *bg_fade_eq_find(const char *id)
{
	size_t i;

	for (i = 0; i < sizeof(equations) / sizeof(equations[0]); i++)
		if (!strcmp(equations[i].id, id))
			return &equations[i];
	return NULL;
}
