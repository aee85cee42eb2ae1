/*
 * rul.c - predictions of a fitted fade model and remaining useful life
 * with a prediction interval (DOMAIN 4.6).
 *
 * Delta method: Var[y(x)] = g' C g with g = dy/dtheta at x and C the
 * scaled parameter covariance; a prediction interval adds the residual
 * variance s^2 and uses the Student t quantile with n - p degrees of
 * freedom.  P50 end of life is where the fitted curve crosses the
 * threshold; P10 is the first x where the pessimistic one-sided 10 %
 * bound (lower for capacity, upper for resistance) crosses it.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "fade-int.h"

#define HORIZON_SPANS 10.0   /* search up to 10 history spans ahead */
#define GRID 100             /* coarse scan, then bisection */
#define XTOL 1e-7            /* relative tolerance of a crossing */
#define DAYS_PER_YEAR 365.25

/* Calendar days at axis value x: interpolated inside the history,
 * extrapolated beyond it at the duty of cpd cycles a day. */
static double days_at(const bg_fade_result *r, double x, double cpd)
{
	if (!isfinite(r->days_last))
		return NAN;
	if (x <= r->last_cycle && r->last_cycle > r->first_cycle)
		return r->days_first + (x - r->first_cycle) *
		       (r->days_last - r->days_first) /
		       (r->last_cycle - r->first_cycle);
	return r->days_last + (x - r->last_cycle) / cpd;
}

/* Value and standard deviation of a new observation at x (sd is NAN
 * when the covariance is unknown; with sd NULL only the value is
 * computed, which the median crossing needs). */
static int eval_at(const bg_fade_result *r, const struct bg_fade_eq *eq,
		   double x, double cpd, double *y, double *sd)
{
	double d, ld, lx = x > 0 ? log(x) : -INFINITY, tk = r->temp_mean_k;
	double g[BG_FADE_MAXP], v = 0;
	bg_fade_in in;
	size_t j, k, np = r->nparams;

	if (!eq || eq->np != np)
		return -1;
	d = days_at(r, x, cpd);
	ld = d > 0 ? log(d) : -INFINITY;
	in.n = 1;
	in.x = &x;
	in.lx = &lx;
	in.d = &d;
	in.ld = &ld;
	in.tk = &tk;
	eq->fn(r->param, &in, y, sd ? g : NULL);
	if (!sd)
		return 0;
	for (j = 0; j < np; j++)
		for (k = 0; k < np; k++)
			v += g[j] * r->covar[j][k] * g[k];
	*sd = sqrt(v + r->s2);
	return 0;
}

/* The quantile is asked for again and again with the same level and
 * degrees of freedom (every RUL of a module, every prediction of a
 * curve), and GSL's inversion is iterative: keep the last answer, per
 * thread since grading runs workers. */
static double tquant(const bg_fade_result *r, double p)
{
	static _Thread_local double last_p = NAN, last_dof = NAN, last_t;
	double dof = r->dof;

	if (!(dof >= 1))
		return NAN;
	if (p != last_p || dof != last_dof) {
		last_t = gsl_cdf_tdist_Pinv(p, dof);
		last_p = p;
		last_dof = dof;
	}
	return last_t;
}

int bg_fade_predict(const bg_fade_result *fit, double x, double level,
		    double *y, double *lo, double *hi)
{
	double sd, t;

	if (!fit || fit->status != BG_FADE_OK ||
	    eval_at(fit, bg_fade_eq_find(fit->equation), x,
		    fit->cycles_per_day, y, &sd) < 0)
		return BG_EINVAL;
	t = tquant(fit, 0.5 + level / 2);
	*lo = *y - t * sd;
	*hi = *y + t * sd;
	return 0;
}

/* How far past end of life the bound q standard deviations on the
 * pessimistic side is at x (>= 0: past it); NAN: cannot tell. */
static double beyond(const bg_fade_result *r, const struct bg_fade_eq *eq,
		     double x, double cpd, double thr, double q)
{
	double y, sd = 0, dir = r->resistance ? 1 : -1;

	if (eval_at(r, eq, x, cpd, &y, q != 0 ? &sd : NULL) < 0)
		return NAN;
	if (q != 0)
		y += dir * q * sd;
	if (!isfinite(y))
		return NAN;
	return r->resistance ? y - thr : thr - y;
}

/*
 * Shrink [lo, hi] (lo not past, hi past; flo, fhi their beyond()) to
 * XTOL by the Illinois variant of regula falsi (Dowell and Jarratt, BIT
 * 11 (1971) 168-174): superlinear on these smooth curves, so a few
 * evaluations where bisection needed about twenty.  Falls back to
 * bisection when a value is unknown.  Returns hi.
 */
static double refine(const bg_fade_result *r, const struct bg_fade_eq *eq,
		     double cpd, double thr, double q, double lo, double hi,
		     double flo, double fhi)
{
	int i, side = 0;

	for (i = 0; i < 60 && hi - lo > XTOL * fabs(hi); i++) {
		double mid = 0.5 * (lo + hi), fm;

		if (isfinite(flo) && isfinite(fhi) && fhi - flo > 0) {
			double t = hi - fhi * (hi - lo) / (fhi - flo);

			if (t > lo && t < hi)
				mid = t;
		}
		fm = beyond(r, eq, mid, cpd, thr, q);
		if (fm >= 0) {
			hi = mid;
			fhi = fm;
			if (side > 0)
				flo *= 0.5;
			side = 1;
		} else {
			lo = mid;
			flo = fm;
			if (side < 0)
				fhi *= 0.5;
			side = -1;
		}
	}
	return hi;
}

/*
 * First x in [first, horizon] past end of life, refined to XTOL; NAN
 * when none (or unknown).  The coarse scan starts at grid point start
 * (0: at first); *stop gets the grid point where it stopped (past end
 * of life or unknown there), GRID + 1 when it found none.
 */
static double crossing(const bg_fade_result *r, double cpd, double thr,
		       double q, int start, int *stop)
{
	/* the equation is looked up once: this loop is grading's hot path */
	const struct bg_fade_eq *eq = bg_fade_eq_find(r->equation);
	double a = r->first_cycle, h = r->horizon, fprev, fx = NAN;
	int i;

	*stop = 0;
	if (start <= 0) {
		fprev = beyond(r, eq, a, cpd, thr, q);
		if (isnan(fprev) || fprev >= 0)
			return fprev >= 0 ? a : NAN;
		start = 1;
	} else if (start > GRID) {
		*stop = GRID + 1;
		return NAN;
	} else {
		fprev = beyond(r, eq, start == 1 ? a :
			       a + (h - a) * (start - 1) / GRID, cpd, thr, q);
	}
	for (i = start; i <= GRID; i++) {
		double x = a + (h - a) * i / GRID;

		fx = beyond(r, eq, x, cpd, thr, q);
		if (isnan(fx))
			break;
		if (fx >= 0)
			break;
		fprev = fx;
	}
	*stop = i;
	if (i > GRID || isnan(fx))
		return NAN;
	return refine(r, eq, cpd, thr, q, a + (h - a) * (i - 1) / GRID,
		      a + (h - a) * i / GRID, fprev, fx);
}

/*
 * The P10 and P50 crossings.  The pessimistic bound is past end of life
 * wherever the median is (beyond() with q > 0 is never below beyond()
 * with q = 0: y -/+ q sd rounds monotonically), so every grid point
 * before the one where the P10 scan stopped is not past for the median
 * either, and the median's scan starts there: the same crossing with
 * fewer evaluations, and none when the P10 bound never crosses.
 */
static void crossings(const bg_fade_result *r, double cpd, double thr,
		      double q, int p10_known, double *e50, double *e10)
{
	int s10 = 0, s50;

	*e10 = p10_known ? crossing(r, cpd, thr, q, 0, &s10) : NAN;
	*e50 = crossing(r, cpd, thr, 0, s10, &s50);
}

static double years(const bg_fade_result *r, double rul, double cpd)
{
	if (!strcmp(r->axis, "days"))
		return rul / DAYS_PER_YEAR;
	return rul / (cpd * DAYS_PER_YEAR);
}

/* As bg_fade_rul_fill; the optimistic P90 crossing only when p90. */
static void rul_fill(bg_fade_result *r, double thr, double cpd, int p90)
{
	double q = tquant(r, 0.9);

	r->cycles_per_day = cpd;
	r->eol_threshold_ah = thr;
	r->horizon = r->last_cycle +
		     HORIZON_SPANS * (r->last_cycle - r->first_cycle);
	int p10_known = isfinite(q) && isfinite(r->covar[0][0]), s90;

	crossings(r, cpd, thr, q, p10_known, &r->eol_cycle_p50,
		  &r->eol_cycle_p10);
	r->eol_cycle_p90 = p10_known && p90 ?
			   crossing(r, cpd, thr, -q, 0, &s90) : NAN;
	r->rul_cycles_p50 = fmax(0, r->eol_cycle_p50 - r->last_cycle);
	r->rul_cycles_p10 = fmax(0, r->eol_cycle_p10 - r->last_cycle);
	if (isnan(r->eol_cycle_p50))
		r->rul_cycles_p50 = NAN;
	if (isnan(r->eol_cycle_p10))
		r->rul_cycles_p10 = NAN;
	r->rul_years_p50 = years(r, r->rul_cycles_p50, cpd);
	r->rul_years_p10 = years(r, r->rul_cycles_p10, cpd);
	r->rul_beyond_horizon = isnan(r->eol_cycle_p50) ||
				(p10_known && isnan(r->eol_cycle_p10));
}

void bg_fade_rul_fill(bg_fade_result *r, double thr, double cpd)
{
	rul_fill(r, thr, cpd, 1);
}

void bg_fade_rul_fill_p90(bg_fade_result *r, double thr, double cpd,
			  int p90)
{
	rul_fill(r, thr, cpd, p90);
}

/*
 * End-of-life crossings (P50, P10) of fit at threshold thr under duty
 * cpd, as rul_fill computes them.  The fit's own crossings are reused
 * when threshold and duty are the fit's: the same arithmetic on the
 * same values would give the same numbers.
 */
static void eol_pair(const bg_fade_result *fit, double thr, double cpd,
		     double *e50, double *e10)
{
	bg_fade_result tmp;

	if (thr == fit->eol_threshold_ah && cpd == fit->cycles_per_day) {
		*e50 = fit->eol_cycle_p50;
		*e10 = fit->eol_cycle_p10;
		return;
	}
	tmp = *fit;
	rul_fill(&tmp, thr, cpd, 0);
	*e50 = tmp.eol_cycle_p50;
	*e10 = tmp.eol_cycle_p10;
}

/* Remaining years from an end-of-life axis value, as rul_fill. */
static double years_to(const bg_fade_result *r, double eol, double cpd)
{
	return isnan(eol) ? NAN
			  : years(r, fmax(0, eol - r->last_cycle), cpd);
}

int bg_fade_rul_years_n(const bg_fade_result *fit, double eol_threshold,
			size_t n, const double *cpd, double *p50_years,
			double *p10_years, int *rc)
{
	const struct bg_fade_eq *eq;
	double e50 = NAN, e10 = NAN, ref;
	int shared, have = 0;
	size_t k;

	if (!fit || fit->status != BG_FADE_OK ||
	    !isfinite(eol_threshold)) {
		for (k = 0; k < n; k++) {
			p50_years[k] = p10_years[k] = NAN;
			rc[k] = BG_EINVAL;
		}
		return BG_EINVAL;
	}
	/*
	 * The duty enters a crossing only through the calendar days
	 * extrapolated beyond the history (days_at), which only models
	 * reading calendar time use: for the others one crossing in axis
	 * units serves every duty, and only its conversion to years
	 * differs.  The reference duty is the fit's own, whose crossings
	 * are already known.
	 */
	eq = bg_fade_eq_find(fit->equation);
	shared = eq && !(eq->inputs & BG_FADE_IN_DAYS);
	ref = fit->cycles_per_day;
	for (k = 0; k < n; k++) {
		p50_years[k] = p10_years[k] = NAN;
		rc[k] = cpd[k] > 0 ? 0 : BG_EINVAL;
		if (rc[k])
			continue;
		if (!shared)
			eol_pair(fit, eol_threshold, cpd[k], &e50, &e10);
		else if (!have++)
			eol_pair(fit, eol_threshold, ref > 0 ? ref : cpd[k],
				 &e50, &e10);
		p50_years[k] = years_to(fit, e50, cpd[k]);
		p10_years[k] = years_to(fit, e10, cpd[k]);
	}
	return 0;
}

int bg_fade_rul_years(bg_fader *f, const bg_fade_result *fit,
		      double eol_threshold_ah, double cycles_per_day,
		      double *p50_years, double *p10_years)
{
	bg_fade_result tmp;

	(void)f;
	*p50_years = *p10_years = NAN;
	if (!fit || fit->status != BG_FADE_OK || !(cycles_per_day > 0) ||
	    !isfinite(eol_threshold_ah))
		return BG_EINVAL;
	tmp = *fit;
	/* only P50 and P10 are returned: skip the P90 crossing */
	rul_fill(&tmp, eol_threshold_ah, cycles_per_day, 0);
	*p50_years = tmp.rul_years_p50;
	*p10_years = tmp.rul_years_p10;
	return 0;
}
