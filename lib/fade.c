/*
 * fade.c - fitting capacity and resistance histories: data set-up,
 * multi-start trust-region fits with bounds by transformation, scaled
 * covariance, AICc model choice, then knee and remaining life.
 *
 * Statistics follow DOMAIN section 4.6: gsl_multifit_nlinear with
 * analytic Jacobians; the covariance (J'J)^-1 is scaled by
 * s^2 = chi^2/(n-p) because the residuals are not weighted; models are
 * ranked by AICc = n ln(RSS/n) + 2K + 2K(K+1)/(n-K-1) with K = p + 1
 * (Burnham and Anderson 2002, the variance counted as a parameter).
 *
 * Speed: the fader keeps its buffers and one GSL workspace per
 * parameter count, so fitting a stream of histories of one length
 * allocates nothing.  Starting points are screened by their cost and
 * only the best ones are polished.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_multifit_nlinear.h>

#include "fade-int.h"
#include "nlchol-int.h"
#include "i18n.h"

#define MAX_COMBOS 32
#define MIN_POINTS 5
#define MIN_FADE 0.03
#define MIN_TEMP_SPREAD_K 5.0
#define MAX_ITER 200
#define PRE_ITER 10
#define PRUNE_AICC 2.0
#define MAX_RHO 0.9       /* variance inflation at most 19 */
#define XTOL 1e-6
#define GTOL 1e-6
#define FLAT_REL 1e-7
#define FLAT_ITER 3
#define NOGN_ITER 2   /* iterations in a row without a Gauss-Newton step */
#define AT_BOUND 1e-6   /* of a two-sided range: at the bound */
#define BEHIND_ITER 5  /* a further start is judged after 5 iterations */
#define BEHIND_COST 10.0 /* ... against 10 x the best start's cost */
#define SUB_N 32   /* points of the sub-sampled pre-fit */
#define WS_SLOTS 8 /* workspace sizes kept (capacity and resistance
		      histories differ in length) */

/* A least-squares problem: inputs and observations. */
struct prob {
	bg_fade_in in;
	const double *y;
};

struct bg_fader {
	struct bg_fade_model *models;
	size_t nmodels;
	size_t cap;                 /* points the buffers hold */
	double *x, *lx, *d, *ld, *tk, *y, *f, *J;
	/* workspaces by size (n, p), replaced round robin */
	gsl_multifit_nlinear_workspace *ws[WS_SLOTS];
	size_t ws_n[WS_SLOTS], ws_p[WS_SLOTS], ws_next;
	/* the whole history (in, y), its evenly spaced sub-sample for
	 * cheap pre-fits, and the problem being solved */
	bg_fade_in in;
	struct prob full, sub, *cur;
	double sx[SUB_N], slx[SUB_N], sd[SUB_N], sld[SUB_N], stk[SUB_N],
	       sy[SUB_N];
	const struct bg_fade_model *m;
	double th[BG_FADE_MAXP], dth[BG_FADE_MAXP];
	double jth[BG_FADE_MAXP];   /* theta of the Jacobian kept in J */
	int j_valid;
	double thu[BG_FADE_MAXP];   /* u that th and dth were computed at */
	int thu_valid;
	double y0, ylast, xlast;    /* data summary for starting rules */
	int have_days, have_temp, calendar_axis;
};

/* One candidate fit of a model. */
struct fit {
	int ok;
	double th[BG_FADE_MAXP];
	double rss;
};

void bg_fade_opts_init(bg_fade_opts *o)
{
	o->model = NULL;
	o->rated_capacity_ah = 0;
	o->eol_fraction = 0.6;
	o->cycles_per_day = 1;
	o->train_fraction = 1;
	o->eol_resistance_factor = 2;
	o->skip_p90 = 0;
}

int bg_fader_new(bg_fader **out, bg_error *err)
{
	bg_fader *f = calloc(1, sizeof(*f));
	int rc;

	*out = NULL;
	if (!f)
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
				    _("out of memory"));
	/* A singular J'J is an outcome here, never an abort (bg_init()
	 * does the same; a caller may have skipped it). */
	gsl_set_error_handler_off();
	if ((rc = bg_fade_catalogue_load(&f->models, &f->nmodels, err)) < 0) {
		free(f);
		return rc;
	}
	*out = f;
	return 0;
}

static void free_buffers(bg_fader *f)
{
	free(f->x);
	free(f->lx);
	free(f->d);
	free(f->ld);
	free(f->tk);
	free(f->y);
	free(f->f);
	free(f->J);
	f->x = f->lx = f->d = f->ld = f->tk = f->y = f->f = f->J = NULL;
	f->cap = 0;
}

void bg_fader_free(bg_fader *f)
{
	size_t i;

	if (!f)
		return;
	for (i = 0; i < WS_SLOTS; i++)
		if (f->ws[i])
			gsl_multifit_nlinear_free(f->ws[i]);
	free_buffers(f);
	free(f->models);
	free(f);
}

size_t bg_fader_nmodels(const bg_fader *f)
{
	return f->nmodels;
}

const char *bg_fader_model_name(const bg_fader *f, size_t i,
				int *resistance)
{
	if (i >= f->nmodels)
		return NULL;
	if (resistance)
		*resistance = f->models[i].resistance;
	return f->models[i].name;
}

static int reserve(bg_fader *f, size_t n, bg_error *err)
{
	if (n <= f->cap)
		return 0;
	free_buffers(f);
	f->x = malloc(n * sizeof(double));
	f->lx = malloc(n * sizeof(double));
	f->d = malloc(n * sizeof(double));
	f->ld = malloc(n * sizeof(double));
	f->tk = malloc(n * sizeof(double));
	f->y = malloc(n * sizeof(double));
	f->f = malloc(n * sizeof(double));
	f->J = malloc(n * BG_FADE_MAXP * sizeof(double));
	if (!f->x || !f->lx || !f->d || !f->ld || !f->tk || !f->y || !f->f ||
	    !f->J) {
		free_buffers(f);
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
				    _("out of memory"));
	}
	f->cap = n;
	return 0;
}

/* ---- bounds by transformation -------------------------------------- */

/* theta from the unbounded variable u, and d theta / d u. */
static double to_theta(const struct bg_fade_param *p, double u, double *d)
{
	if (isinf(p->lo) && isinf(p->hi)) {
		*d = 1;
		return u;
	}
	if (isinf(p->hi)) {
		double e = exp(u > 700 ? 700 : u);

		*d = e;
		return p->lo + e;
	}
	if (isinf(p->lo)) {
		double e = exp(u > 700 ? 700 : u);

		*d = -e;
		return p->hi - e;
	}
	{
		double s = 1.0 / (1.0 + exp(-u));

		*d = (p->hi - p->lo) * s * (1.0 - s);
		return p->lo + (p->hi - p->lo) * s;
	}
}

/* Move theta strictly inside its bounds. */
static double clamp_in(const struct bg_fade_param *p, double th)
{
	double w = isfinite(p->hi - p->lo) ? 1e-3 * (p->hi - p->lo) : 0;

	if (!isfinite(th))
		th = isfinite(p->lo) ? p->lo + 1 : isfinite(p->hi) ?
		     p->hi - 1 : 0;
	if (isfinite(p->lo) && th <= p->lo + w)
		th = p->lo + (w > 0 ? w : 1e-6 * fmax(1.0, fabs(p->lo)));
	if (isfinite(p->hi) && th >= p->hi - w)
		th = p->hi - (w > 0 ? w : 1e-6 * fmax(1.0, fabs(p->hi)));
	return th;
}

static double to_u(const struct bg_fade_param *p, double th)
{
	th = clamp_in(p, th);
	if (isinf(p->lo) && isinf(p->hi))
		return th;
	if (isinf(p->hi))
		return log(th - p->lo);
	if (isinf(p->lo))
		return log(p->hi - th);
	return log((th - p->lo) / (p->hi - th));
}

/* th and dth at u.  GSL evaluates the Jacobian at the point whose
 * residuals it has just computed, and pinned() looks at that point
 * again: the transformation (an exp() per parameter) is redone only
 * when u changed, bit for bit, so the values are the same. */
static void set_theta(bg_fader *f, const gsl_vector *u)
{
	double ub[BG_FADE_MAXP];
	size_t j, np = f->m->np;

	for (j = 0; j < np; j++)
		ub[j] = u->data[j * u->stride];
	if (f->thu_valid && !memcmp(ub, f->thu, np * sizeof(double)))
		return;
	for (j = 0; j < np; j++)
		f->th[j] = to_theta(&f->m->par[j], ub[j], &f->dth[j]);
	memcpy(f->thu, ub, np * sizeof(double));
	f->thu_valid = 1;
}

static int cb_f(const gsl_vector *u, void *data, gsl_vector *r)
{
	bg_fader *f = data;
	const struct prob *pr = f->cur;
	size_t i;

	set_theta(f, u);
	/* The Jacobian costs little more once the powers are computed,
	 * and GSL asks for it at every accepted point: keep it. */
	f->m->eq->fn(f->th, &pr->in, r->data, f->J);
	memcpy(f->jth, f->th, sizeof(f->th));
	f->j_valid = 1;
	for (i = 0; i < pr->in.n; i++)
		r->data[i] -= pr->y[i];
	return GSL_SUCCESS;
}

static int cb_df(const gsl_vector *u, void *data, gsl_matrix *J)
{
	bg_fader *f = data;
	size_t i, j, np = f->m->np;

	set_theta(f, u);
	if (f->j_valid && !memcmp(f->jth, f->th, np * sizeof(double)))
		memcpy(J->data, f->J, f->cur->in.n * np * sizeof(double));
	else
		f->m->eq->fn(f->th, &f->cur->in, f->f, J->data);
	for (i = 0; i < f->cur->in.n; i++)
		for (j = 0; j < np; j++)
			J->data[i * J->tda + j] *= f->dth[j];
	return GSL_SUCCESS;
}

/* ---- starting values ----------------------------------------------- */

static double rss_at(bg_fader *f, const double *th)
{
	double s = 0;
	size_t i;

	const struct prob *pr = f->cur;

	f->m->eq->fn(th, &pr->in, f->f, NULL);
	for (i = 0; i < pr->in.n; i++) {
		double r = f->f[i] - pr->y[i];

		s += r * r;
	}
	return isfinite(s) ? s : INFINITY;
}

/* Starting point number k of the grid spanned by the multi-valued
 * parameters; the rules of the other parameters follow from it. */
static void start_point(bg_fader *f, size_t k, double *th)
{
	const struct bg_fade_model *m = f->m;
	double J[BG_FADE_MAXP], val;
	bg_fade_in one;
	size_t j;

	for (j = 0; j < m->np; j++) {
		const struct bg_fade_param *p = &m->par[j];
		size_t nv = p->nvals ? p->nvals : 1;

		switch (p->start) {
		case BG_START_VALUE:
			th[j] = p->vals[0];
			break;
		case BG_START_VALUES:
		case BG_START_PER_X:
			th[j] = p->vals[k % nv];
			if (p->start == BG_START_PER_X)
				th[j] /= f->xlast > 0 ? f->xlast : 1;
			k /= nv;
			break;
		case BG_START_Y0:
			th[j] = f->y0;
			break;
		case BG_START_LOG_SLOPE:
			th[j] = f->y0 > 0 && f->ylast > 0 && f->xlast > 0 ?
				log(f->ylast / f->y0) / f->xlast : 0;
			break;
		default:
			th[j] = 0;
		}
	}
	/* Shares: a parameter entering linearly explains a share of the
	 * change seen up to the last point; its derivative there is
	 * independent of its own value. */
	one = f->cur->in;
	one.n = 1;
	one.x += f->cur->in.n - 1;
	one.lx += f->cur->in.n - 1;
	if (one.d) {
		one.d += f->cur->in.n - 1;
		one.ld += f->cur->in.n - 1;
	}
	if (one.tk)
		one.tk += f->cur->in.n - 1;
	for (j = 0; j < m->np; j++) {
		const struct bg_fade_param *p = &m->par[j];

		if (p->start != BG_START_SHARE)
			continue;
		m->eq->fn(th, &one, &val, J);
		th[j] = fabs(J[j]) > 0 ?
			p->share * (f->ylast - f->y0) / J[j] : 0;
	}
	for (j = 0; j < m->np; j++)
		th[j] = clamp_in(&m->par[j], th[j]);
}

static size_t ncombos(const struct bg_fade_model *m)
{
	size_t j, n = 1;

	for (j = 0; j < m->np; j++)
		if (m->par[j].start == BG_START_VALUES ||
		    m->par[j].start == BG_START_PER_X)
			n *= m->par[j].nvals;
	return n < MAX_COMBOS ? n : MAX_COMBOS;
}

/* Indices of the best nbest starting points by cost. */
static size_t best_starts(bg_fader *f, size_t *best, size_t nbest,
			  double th_all[][BG_FADE_MAXP])
{
	double cost[MAX_COMBOS];
	size_t n = ncombos(f->m), k, i, nb = 0;

	for (k = 0; k < n; k++) {
		start_point(f, k, th_all[k]);
		cost[k] = rss_at(f, th_all[k]);
	}
	for (i = 0; i < nbest && i < n; i++) {
		size_t arg = n;

		for (k = 0; k < n; k++)
			if (cost[k] < INFINITY &&
			    (arg == n || cost[k] < cost[arg]))
				arg = k;
		if (arg == n)
			break;
		best[nb++] = arg;
		cost[arg] = INFINITY;
	}
	return nb;
}

/* ---- the trust-region fit ------------------------------------------ */



/*
 * More's scaling, D_j = max over the iterations of |J column j| (More
 * 1978), exactly as GSL 2.7's gsl_multifit_nlinear_scale_more: the
 * same column norm as the reference BLAS dnrm2 of libgslcblas (scale
 * and sum of squares, a division per element), written out so that
 * each column is not a view passed through gsl_blas_dnrm2 and
 * cblas_dnrm2 (a third of all dnrm2 calls of a grading run).  Same
 * operations in the same order, so the same rounding: the fits are
 * bit-identical to those with GSL's own scaling.
 */
static double more_col_norm(const gsl_matrix *J, size_t j)
{
	const double *c = J->data + j;
	double scale = 0, ssq = 1;
	size_t i, n = J->size1;

	if (n == 1)
		return fabs(c[0]);
	for (i = 0; i < n; i++, c += J->tda) {
		double x = *c;

		if (x != 0.0) {
			double ax = fabs(x);

			if (scale < ax) {
				ssq = 1.0 + ssq * (scale / ax) * (scale / ax);
				scale = ax;
			} else {
				ssq += (ax / scale) * (ax / scale);
			}
		}
	}
	return scale * sqrt(ssq);
}

static int more_update(const gsl_matrix *J, gsl_vector *diag)
{
	size_t j;

	for (j = 0; j < J->size2; j++) {
		double norm = more_col_norm(J, j);
		double *dj = diag->data + j * diag->stride;

		if (norm == 0.0)
			norm = 1.0;
		*dj = *dj > norm ? *dj : norm;
	}
	return GSL_SUCCESS;
}

static int more_init(const gsl_matrix *J, gsl_vector *diag)
{
	gsl_vector_set_zero(diag);
	return more_update(J, diag);
}

static const gsl_multifit_nlinear_scale scale_more_inline = {
	"more", more_init, more_update
};

static gsl_multifit_nlinear_workspace *workspace(bg_fader *f, size_t p)
{
	gsl_multifit_nlinear_parameters par;
	size_t n = f->cur->in.n, k;

	/* gsl_multifit_nlinear_init resets a workspace's whole state, so
	 * one of the right size serves any fit (-j 1 and -j N give the
	 * same bytes); the capacity and resistance histories of a module
	 * usually differ in length, and reallocating for each cost more
	 * than a fit's iterations. */
	for (k = 0; k < WS_SLOTS; k++)
		if (f->ws[k] && f->ws_n[k] == n && f->ws_p[k] == p)
			return f->ws[k];
	k = f->ws_next;
	f->ws_next = (k + 1) % WS_SLOTS;
	if (f->ws[k])
		gsl_multifit_nlinear_free(f->ws[k]);
	par = gsl_multifit_nlinear_default_parameters();
	par.solver = &bg_nlinear_solver_cholesky;
	par.scale = &scale_more_inline;
	/* Powell's dogleg takes the full Gauss-Newton step inside the
	 * trust region: from a pre-fit's optimum the polish on the whole
	 * history converges in 2-3 iterations (Levenberg-Marquardt's
	 * damping needed 6). */
	par.trs = gsl_multifit_nlinear_trs_dogleg;
	f->ws[k] = gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust,
					      &par, n, p);
	f->ws_n[k] = f->ws[k] ? n : 0;
	f->ws_p[k] = p;
	return f->ws[k];
}

static double cost(const gsl_multifit_nlinear_workspace *w)
{
	const gsl_vector *r = gsl_multifit_nlinear_residual(w);
	double c = 0;
	size_t i;

	for (i = 0; i < r->size; i++)
		c += r->data[i] * r->data[i];
	return c;
}

/*
 * A parameter is pinned at a bound when its transformed variable has
 * run so far out that d theta / d u is exactly zero in floating point
 * (the logistic of a two-sided bound saturates near |u| = 37, the
 * exponential of a one-sided one underflows).  Its Jacobian column is
 * then exactly zero and stays so: no step can move u again, J'J is
 * singular, so the dogleg's Gauss-Newton step no longer exists and
 * only scaled steepest-descent (Cauchy) steps remain.
 */
static int pinned(bg_fader *f, const gsl_vector *u)
{
	size_t j;

	set_theta(f, u);
	for (j = 0; j < f->m->np; j++)
		if (f->dth[j] == 0)
			return 1;
	return 0;
}

/*
 * The trust-region iterations with GSL's step and gradient tests, plus
 * one on the cost: a parameter pushed against its bound runs its
 * transformed variable off to infinity while the cost no longer moves,
 * so several iterations without relative progress (or rejected steps)
 * also count as converged.  Running out of iterations does not.
 *
 * A full fit with a parameter pinned at its bound (pinned() above) is
 * given up at once, as not converged: from there on it can only creep
 * by steepest descent, and on 16,000 generated histories 2,885 of the
 * 3,254 such fits of the capacity models ran out of iterations that
 * way (a third of all the fits' iterations were spent so), while the
 * rest stopped by the cost-flatness test at a point that depends on
 * rounding (6 of them were chosen by AICc).  Giving up is the
 * deterministic outcome.  Pre-fits are not given up: they only provide
 * a starting point, moved inside the bounds again by clamp_in().
 *
 * The same holds, a little more generally, when J'J is not positive
 * definite in floating point for NOGN_ITER iterations in a row (the
 * solver counts each Gauss-Newton step it could not form): the model
 * is not identifiable from these data near this point, typically a
 * double exponential whose rates merge (b -> d) while a -> -c grows
 * without bound.  Those fits then only take steepest-descent steps;
 * 1,330 of the 1,508 double_exp fits that ran out of iterations on the
 * generated histories were of this kind, and the fits given up by
 * this rule that would have converged were chosen by AICc for 4 of
 * 16,000 modules (each then graded on another model's fit, with a
 * remaining life closer to the generator's truth).
 *
 * A further starting point of a multi-start fit (behind: BEHIND_COST
 * times the cost the best start so far converged to; INFINITY for the
 * first start) is given up when, after BEHIND_ITER iterations or more,
 * its cost is still above that: multi-start is there to find a better
 * minimum, and a start still ten times worse after five iterations
 * did not find one.  On the 16,000 generated histories no abandoned
 * start would have ended below the first start's cost (with a margin
 * of 1 instead of 10, or a judgement after 1 iteration instead of 5,
 * up to 39 would have, and decided the fit), and the rule saves a
 * quarter of all fit iterations: double_exp's second start mostly
 * converges slowly back to the first one's minimum.
 */
static int iterate(bg_fader *f, gsl_multifit_nlinear_workspace *w,
		   size_t maxiter, int pre, double behind)
{
	double prev = cost(w), c;
	int st, info, flat = 0, nogn = 0;
	size_t it;

	for (it = 0; it < maxiter; it++) {
		unsigned long gn0 = bg_nlchol_gn_failures;

		st = gsl_multifit_nlinear_iterate(w);
		if (st != GSL_SUCCESS && st != GSL_ENOPROG)
			return st;
		nogn = bg_nlchol_gn_failures != gn0 ? nogn + 1 : 0;
		if (!pre && nogn >= NOGN_ITER)
			return GSL_ERANGE;
		if (gsl_multifit_nlinear_test(XTOL, GTOL, 0, &info, w) ==
		    GSL_SUCCESS)
			return GSL_SUCCESS;
		if (!pre && pinned(f, w->x))
			return GSL_ERANGE;
		c = cost(w);
		if (it + 1 >= BEHIND_ITER && c > behind)
			return GSL_ERANGE;
		flat = prev - c <= FLAT_REL * prev ? flat + 1 : 0;
		if (flat >= FLAT_ITER)
			return GSL_SUCCESS;
		prev = c;
	}
	return GSL_EMAXITER;
}

/*
 * A parameter bounded on both sides (an exponent, an activation
 * energy: the catalogue's range of plausible values, not a physical
 * zero) that ends within AT_BOUND of its range from a bound has run
 * into it.  Whether such a fit saturated the transformation (pinned(),
 * given up) or stopped by the cost-flatness or step test a few ulps
 * short of it is a matter of rounding; both are treated alike, as not
 * converged, so that a grade never hangs on which one happened.
 * One-sided bounds (a fade coefficient >= 0) are left alone: a term
 * that vanishes is a legitimate answer.
 */
static int at_bound(const bg_fader *f)
{
	size_t j;

	for (j = 0; j < f->m->np; j++) {
		const struct bg_fade_param *p = &f->m->par[j];
		double w = AT_BOUND * (p->hi - p->lo);

		if (isfinite(w) &&
		    (f->th[j] - p->lo < w || p->hi - f->th[j] < w))
			return 1;
	}
	return 0;
}

static void fit_from(bg_fader *f, const double *th0, double behind,
		     struct fit *out)
{
	const struct bg_fade_model *m = f->m;
	gsl_multifit_nlinear_workspace *w = workspace(f, m->np);
	gsl_multifit_nlinear_fdf fdf;
	double ubuf[BG_FADE_MAXP];
	gsl_vector_view u = gsl_vector_view_array(ubuf, m->np);
	int status;
	size_t j;

	out->ok = 0;
	f->j_valid = 0;
	f->thu_valid = 0;       /* th of another model, or stale */
	if (!w)
		return;
	for (j = 0; j < m->np; j++)
		ubuf[j] = to_u(&m->par[j], th0[j]);
	fdf.f = cb_f;
	fdf.df = cb_df;
	fdf.fvv = NULL;
	fdf.n = f->cur->in.n;
	fdf.p = m->np;
	fdf.params = f;
	if (gsl_multifit_nlinear_init(&u.vector, &fdf, w) != GSL_SUCCESS)
		return;
	status = iterate(f, w, f->cur == &f->sub ? PRE_ITER : MAX_ITER,
			 f->cur == &f->sub, behind);
	/* a pre-fit only provides a starting point: take it as it is */
	if (status == GSL_EMAXITER && f->cur == &f->sub)
		status = GSL_SUCCESS;
	if (status != GSL_SUCCESS)
		return;
	set_theta(f, w->x);
	if (f->cur != &f->sub && at_bound(f))
		return;
	memcpy(out->th, f->th, sizeof(out->th));
	out->rss = rss_at(f, out->th);
	out->ok = isfinite(out->rss);
}

/* Best of the screened starting points on the current problem. */
static void fit_starts(bg_fader *f, struct fit *best)
{
	double th_all[MAX_COMBOS][BG_FADE_MAXP];
	size_t idx[MAX_COMBOS], nb, i;
	struct fit c;

	best->ok = 0;
	nb = best_starts(f, idx, f->m->fit_starts, th_all);
	for (i = 0; i < nb; i++) {
		/* pre-fits are not judged: they only give a starting point */
		fit_from(f, th_all[idx[i]], best->ok && f->cur != &f->sub ?
			 BEHIND_COST * best->rss : INFINITY, &c);
		if (c.ok && (!best->ok || c.rss < best->rss))
			*best = c;
	}
}

/* Every k-th point (first and last included) for the pre-fits. */
static void subsample(bg_fader *f)
{
	size_t n = f->in.n, k, i;

	f->full.in = f->in;
	f->full.y = f->y;
	f->cur = &f->full;
	f->sub.in.n = 0;
	if (n < 4 * SUB_N)
		return;
	for (k = 0; k < SUB_N; k++) {
		i = (size_t)((double)k * (double)(n - 1) / (SUB_N - 1) + 0.5);
		f->sx[k] = f->x[i];
		f->slx[k] = f->lx[i];
		f->sd[k] = f->d[i];
		f->sld[k] = f->ld[i];
		f->stk[k] = f->tk[i];
		f->sy[k] = f->y[i];
	}
	f->sub.in.n = SUB_N;
	f->sub.in.x = f->sx;
	f->sub.in.lx = f->slx;
	f->sub.in.d = f->in.d ? f->sd : NULL;
	f->sub.in.ld = f->in.d ? f->sld : NULL;
	f->sub.in.tk = f->in.tk ? f->stk : NULL;
	f->sub.y = f->sy;
}

/* ---- data set-up ----------------------------------------------------- */

static double value_of(const bg_capacity_point *p, int resistance)
{
	return resistance ? p->resistance_ohm : p->capacity_ah;
}

static int axis_is_cycles(const bg_capacity_series *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (isfinite(s->pts[i].cycle_count))
			return 1;
	return 0;
}

static double safe_log(double v)
{
	return v > 0 ? log(v) : -INFINITY;
}

/* Copy the usable points (finite axis and value) of the first
 * train_fraction of the history into the fader. */
static int load_points(bg_fader *f, const bg_capacity_series *s,
		       int resistance, double frac, bg_error *err)
{
	int cyc = axis_is_cycles(s);
	size_t i, n = 0, keep;
	double tmin = INFINITY, tmax = -INFINITY;
	int rc;

	if ((rc = reserve(f, s->n ? s->n : 1, err)) < 0)
		return rc;
	f->have_days = cyc;
	f->have_temp = 1;
	for (i = 0; i < s->n; i++) {
		const bg_capacity_point *p = &s->pts[i];
		double x = cyc ? p->cycle_count : p->days;
		double v = value_of(p, resistance);

		if (!isfinite(x) || !isfinite(v))
			continue;
		if (n && x < f->x[n - 1])
			return bg_error_set(err, BG_EDATA, NULL, 0, 0,
					    _("module '%s': history not sorted "
					      "by age"), s->module_id);
		f->x[n] = x;
		f->y[n] = v;
		f->d[n] = p->days;
		f->tk[n] = p->temperature_c + 273.15;
		if (!isfinite(p->days))
			f->have_days = 0;
		if (!isfinite(p->temperature_c))
			f->have_temp = 0;
		n++;
	}
	keep = frac < 1 ? (size_t)floor(frac * (double)n + 0.5) : n;
	f->in.n = keep < n ? keep : n;
	for (i = 0; i < f->in.n; i++) {
		f->lx[i] = safe_log(f->x[i]);
		f->ld[i] = safe_log(f->d[i]);
		tmin = fmin(tmin, f->tk[i]);
		tmax = fmax(tmax, f->tk[i]);
	}
	if (f->have_temp && !(tmax - tmin >= MIN_TEMP_SPREAD_K))
		f->have_temp = 0;
	f->calendar_axis = !cyc;
	f->in.x = f->x;
	f->in.lx = f->lx;
	f->in.d = f->have_days ? f->d : NULL;
	f->in.ld = f->have_days ? f->ld : NULL;
	f->in.tk = f->have_temp ? f->tk : NULL;
	subsample(f);
	return 0;
}

/* Least-squares line through the points [a, b); value at x0 and x1. */
static void line_at(const bg_fader *f, size_t a, size_t b, double x0,
		    double x1, double *y0, double *y1)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0, n = (double)(b - a), k, c;
	size_t i;

	for (i = a; i < b; i++) {
		sx += f->x[i];
		sy += f->y[i];
		sxx += f->x[i] * f->x[i];
		sxy += f->x[i] * f->y[i];
	}
	k = n * sxx - sx * sx;
	k = k != 0 ? (n * sxy - sx * sy) / k : 0;
	c = (sy - k * sx) / n;
	*y0 = c + k * x0;
	*y1 = c + k * x1;
}

/* Summary for starting rules; returns the relative change seen over
 * the history by a straight line (the fade test of DOMAIN "Fit
 * rules"). */
static double summarise(bg_fader *f)
{
	size_t n = f->in.n, head = n / 5 > 5 ? n / 5 : (n < 5 ? n : 5);
	size_t tail = n / 10 > 3 ? n / 10 : (n < 3 ? n : 3), i;
	double a, b, s = 0;

	line_at(f, 0, head, 0, f->x[0], &f->y0, &a);
	for (i = n - tail; i < n; i++)
		s += f->y[i];
	f->ylast = s / (double)tail;
	f->xlast = f->x[n - 1];
	line_at(f, 0, n, f->x[0], f->x[n - 1], &a, &b);
	return a != 0 ? fabs(b - a) / fabs(a) : 0;
}

/* ---- results --------------------------------------------------------- */

static int applicable(const bg_fader *f, const struct bg_fade_model *m,
		      int resistance)
{
	if (m->resistance != resistance)
		return 0;
	if ((m->inputs & BG_FADE_IN_DAYS) && !f->in.d)
		return 0;
	if ((m->inputs & BG_FADE_IN_TEMP) && !f->in.tk)
		return 0;
	return f->in.n > m->np + 1;
}

static double aicc(double rss, size_t n, size_t p, double scale)
{
	double k = (double)p + 1, nn = (double)n;
	double floor_ = nn * 1e-28 * scale * scale;

	return nn * log(fmax(rss, floor_) / nn) + 2 * k +
	       2 * k * (k + 1) / (nn - k - 1);
}

/* Covariance s^2 (J'J)^-1 at theta in the natural parameters; NAN
 * entries when J'J is singular. */
static void covariance(bg_fader *f, const struct fit *b, bg_fade_result *r)
{
	size_t np = f->m->np, n = f->in.n, i, j, k;
	double a[BG_FADE_MAXP * BG_FADE_MAXP] = { 0 };
	gsl_matrix_view A = gsl_matrix_view_array(a, np, np);
	int ok;

	f->j_valid = 0;
	f->m->eq->fn(b->th, &f->in, f->f, f->J);
	for (i = 0; i < n; i++)
		for (j = 0; j < np; j++)
			for (k = 0; k <= j; k++)
				a[j * np + k] += f->J[i * np + j] *
						 f->J[i * np + k];
	for (j = 0; j < np; j++)
		for (k = 0; k < j; k++)
			a[k * np + j] = a[j * np + k];
	ok = gsl_linalg_cholesky_decomp1(&A.matrix) == GSL_SUCCESS &&
	     gsl_linalg_cholesky_invert(&A.matrix) == GSL_SUCCESS;
	for (j = 0; j < np; j++) {
		for (k = 0; k < np; k++)
			r->covar[j][k] = ok ? r->variance_inflation * r->s2 *
					      a[j * np + k] : NAN;
		r->param_se[j] = sqrt(r->covar[j][j]);
	}
}

/*
 * Measured histories have serially correlated residuals (capacity
 * recovering after rests, a model that is not quite right), which makes
 * s^2 (J'J)^-1 far too optimistic.  With lag-1 autocorrelation rho of
 * the residuals, an AR(1) error model inflates the variance of the
 * estimates by (1 + rho)/(1 - rho) and leaves n (1 - rho)/(1 + rho)
 * effective points (e.g. Bence 1995, Ecology 76:628; the usual
 * effective-sample-size correction).  Independent noise gives rho near
 * 0 and a factor near 1; rho <= 0 is not credited, rho is capped at 0.9.
 */
static double inflation(bg_fader *f, const struct fit *b)
{
	double num = 0, den = 0, rho, prev = 0;
	size_t i;

	f->m->eq->fn(b->th, &f->in, f->f, NULL);
	for (i = 0; i < f->in.n; i++) {
		double e = f->f[i] - f->y[i];

		den += e * e;
		if (i)
			num += e * prev;
		prev = e;
	}
	/* exact data: the residuals are rounding noise */
	if (den <= 1e-24 * (double)f->in.n * f->y0 * f->y0)
		return 1;
	rho = num / den;
	if (!(rho > 0))
		return 1;
	rho = fmin(rho, MAX_RHO);
	return (1 + rho) / (1 - rho);
}

static void fill_fit(bg_fader *f, const struct fit *b, bg_fade_result *r)
{
	const struct bg_fade_model *m = f->m;
	size_t j, n = f->in.n;

	r->status = BG_FADE_OK;
	snprintf(r->model, sizeof(r->model), "%s", m->name);
	snprintf(r->equation, sizeof(r->equation), "%s", m->equation);
	r->nparams = m->np;
	for (j = 0; j < m->np; j++) {
		snprintf(r->param_name[j], sizeof(r->param_name[j]), "%s",
			 m->par[j].name);
		snprintf(r->param_unit[j], sizeof(r->param_unit[j]), "%s",
			 m->par[j].unit);
		r->param[j] = b->th[j];
	}
	r->s2 = b->rss / (double)(n - m->np);
	r->rmse = sqrt(b->rss / (double)n);
	r->aicc = aicc(b->rss, n, m->np, f->y0);
	r->variance_inflation = inflation(f, b);
	r->dof = (double)n / r->variance_inflation - (double)m->np;
	covariance(f, b, r);
}

/*
 * Phase 1 of model selection, on the sub-sample of long histories:
 * fit every model roughly, project its AICc to the whole history from
 * the residual per point, and drop the models projected more than
 * PRUNE_AICC above the best (Burnham and Anderson: a difference over 2
 * means much less support), so that only contenders are polished.
 */
static void prefit(bg_fader *f, int *use, struct fit *pre)
{
	double proj[64], best = INFINITY;
	size_t i, n = f->in.n, ns = f->sub.in.n;

	for (i = 0; i < f->nmodels; i++) {
		pre[i].ok = 0;
		if (!use[i] || !ns)
			continue;
		f->m = &f->models[i];
		f->cur = &f->sub;
		fit_starts(f, &pre[i]);
		f->cur = &f->full;
		proj[i] = pre[i].ok ? aicc(pre[i].rss * (double)n / (double)ns,
					   n, f->m->np, f->y0) : INFINITY;
		best = fmin(best, proj[i]);
	}
	for (i = 0; i < f->nmodels; i++)
		if (use[i] && ns && !(proj[i] <= best + PRUNE_AICC))
			use[i] = 0;
}

/* Phase 2: the fit on the whole history, from the pre-fit when there
 * is one.  Returns 1 when it converged. */
static int polish(bg_fader *f, const struct fit *pre, struct fit *out)
{
	f->cur = &f->full;
	if (pre->ok)
		fit_from(f, pre->th, INFINITY, out);
	else
		fit_starts(f, out);
	return out->ok;
}

static void init_result(bg_fade_result *r)
{
	size_t j, k;

	memset(r, 0, sizeof(*r));
	r->aicc = r->rmse = NAN;
	r->knee_cycle = r->knee_onset_cycle = NAN;
	r->eol_threshold_ah = NAN;
	r->eol_cycle_p50 = r->eol_cycle_p10 = r->eol_cycle_p90 = NAN;
	r->rul_cycles_p50 = r->rul_cycles_p10 = NAN;
	r->rul_years_p50 = r->rul_years_p10 = NAN;
	r->last_cycle = r->capacity_now_ah = r->rated_capacity_ah = NAN;
	r->s2 = r->horizon = r->days_last = r->temp_mean_k = NAN;
	r->variance_inflation = r->dof = NAN;
	r->first_cycle = r->days_first = NAN;
	for (j = 0; j < BG_FADE_MAXP; j++) {
		r->param[j] = r->param_se[j] = NAN;
		for (k = 0; k < BG_FADE_MAXP; k++)
			r->covar[j][k] = NAN;
	}
}

/* Which models to try: all applicable ones, or the one forced. */
static int choose_models(bg_fader *f, const char *name, int resistance,
			 int *use, bg_error *err)
{
	size_t i;
	int any = 0;

	for (i = 0; i < f->nmodels; i++) {
		const struct bg_fade_model *m = &f->models[i];

		use[i] = 0;
		if (name && strcmp(name, "auto") && strcmp(name, m->name))
			continue;
		if (name && strcmp(name, "auto") && m->resistance != resistance)
			return bg_error_set(err, BG_EINVAL, NULL, 0, 0,
					    _("model '%s' is a %s model"), name,
					    m->resistance ? "resistance" :
					    "capacity");
		if (!applicable(f, m, resistance)) {
			if (name && strcmp(name, "auto"))
				return bg_error_set(err, BG_EDATA, NULL, 0, 0,
						    _("model '%s' needs inputs "
						      "the history lacks "
						      "(calendar days, or "
						      "temperatures varying by "
						      "5 K or more)"), name);
			continue;
		}
		use[i] = 1;
		any = 1;
	}
	if (!any && name && strcmp(name, "auto"))
		return bg_error_set(err, BG_EINVAL, NULL, 0, 0,
				    _("unknown model '%s'"), name);
	return 0;
}

static void fill_context(bg_fader *f, const bg_fade_opts *o,
			 bg_fade_result *r)
{
	size_t n = f->in.n, i;
	double t = 0;

	snprintf(r->axis, sizeof(r->axis), "%s",
		 f->calendar_axis ? "days" : "cycles");
	r->npoints = n;
	r->first_cycle = f->x[0];
	r->last_cycle = f->x[n - 1];
	r->capacity_now_ah = f->y[n - 1];
	r->cycles_per_day = o->cycles_per_day;
	if (f->in.d) {
		r->days_first = f->d[0];
		r->days_last = f->d[n - 1];
	}
	if (f->in.tk) {
		for (i = 0; i < n; i++)
			t += f->tk[i];
		r->temp_mean_k = t / (double)n;
	}
}

static int fit_series(bg_fader *f, const bg_capacity_series *s,
		      const bg_fade_opts *o, int resistance, double ref,
		      double thr, bg_fade_result *r, bg_error *err)
{
	int use[64] = { 0 }, rc, found = 0;
	struct fit best = { 0 }, c, pre[64];
	size_t i, bi = 0;
	double fade, best_aicc = INFINITY;

	init_result(r);
	r->resistance = resistance;
	if (!o || !(o->train_fraction > 0 && o->train_fraction <= 1) ||
	    !(o->cycles_per_day > 0))
		return bg_error_set(err, BG_EINVAL, NULL, 0, 0,
				    _("bad fit options"));
	if ((rc = load_points(f, s, resistance, o->train_fraction, err)) < 0)
		return rc;
	r->status = BG_FADE_INSUFFICIENT;
	r->npoints = f->in.n;
	if (f->in.n == 0)
		return 0;
	fill_context(f, o, r);
	r->rated_capacity_ah = ref > 0 ? ref : f->y[0];
	r->rated_from_first_point = !(ref > 0);
	r->eol_threshold_ah = thr * r->rated_capacity_ah;
	if ((rc = choose_models(f, o->model, resistance, use, err)) < 0)
		return rc;
	if (f->in.n < MIN_POINTS || (fade = summarise(f)) < MIN_FADE)
		return 0;
	prefit(f, use, pre);
	for (i = 0; i < f->nmodels; i++) {
		if (!use[i])
			continue;
		f->m = &f->models[i];
		if (!polish(f, &pre[i], &c))
			continue;
		if (aicc(c.rss, f->in.n, f->m->np, f->y0) < best_aicc) {
			best_aicc = aicc(c.rss, f->in.n, f->m->np, f->y0);
			best = c;
			bi = i;
			found = 1;
		}
	}
	r->status = BG_FADE_NOCONV;
	if (!found)
		return 0;
	f->m = &f->models[bi];
	fill_fit(f, &best, r);
	bg_knee_find(f->x, f->y, f->in.n, resistance ? 1 : -1,
		     &r->knee_cycle, &r->knee_onset_cycle);
	bg_fade_rul_fill_p90(r, r->eol_threshold_ah, o->cycles_per_day,
			     !o->skip_p90);
	return 0;
}

int bg_fade_capacity(bg_fader *f, const bg_capacity_series *s,
		     const bg_fade_opts *o, bg_fade_result *out,
		     bg_error *err)
{
	return fit_series(f, s, o, 0, o ? o->rated_capacity_ah : 0,
			  o ? o->eol_fraction : 0, out, err);
}

int bg_fade_resistance(bg_fader *f, const bg_capacity_series *s,
		       double r0_ohm, const bg_fade_opts *o,
		       bg_fade_result *out, bg_error *err)
{
	return fit_series(f, s, o, 1, isfinite(r0_ohm) ? r0_ohm : 0,
			  o ? o->eol_resistance_factor : 0, out, err);
}

const char *bg_fade_status_name(int status)
{
	switch (status) {
	case BG_FADE_OK:
		return "ok";
	case BG_FADE_INSUFFICIENT:
		return "insufficient_history";
	default:
		return "no_convergence";
	}
}
