/*
 * eisfit.c - CNLS fits of equivalent circuits (circuit.h) to impedance
 * spectra with GSL's trust-region solver.
 *
 * Residual vector (2n rows): r_i = (Re Z_fit - Re Z_i)/s'_i and
 * r_{n+i} = (Im Z_fit - Im Z_i)/s''_i, with s = |Z_i| for modulus
 * weighting (Boukamp 1995; impedance.py weight_by_modulus), 1 for unit
 * and |Z'_i|, |Z''_i| for proportional weighting (DOMAIN.md 4.8).
 * Unknowns are u_k = ln(theta_k), or the logit of a CPE exponent, so
 * theta_k = exp(u_k) > 0 and alpha = 1/(1+exp(-u)) in (0,1); the
 * Jacobian in u is the circuit's dZ/dtheta times dtheta/du.
 *
 * Speed: the workspace, the sorted data, the Jacobian cache and the
 * parsed circuit stay in the fitter between fits; the residual
 * callback computes the Jacobian as well and the Jacobian callback
 * reuses it when GSL asks at the same point (it always does after an
 * accepted step), so each iteration evaluates the circuit once.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <gsl/gsl_statistics_double.h>

#include "battgrade/circuit.h"
#include "battgrade/eisfit.h"
#include "circuit-int.h"
#include "eisstart-int.h"
#include "nlchol-int.h"
#include "i18n.h"

#define MAXP BG_CIRCUIT_MAX_PARAMS
#define MAX_STARTS 8
#define GOOD_RMS 0.005          /* stop multi-start below 0.5 % rms, */
#define NOISE_FACTOR 1.5        /* or below 1.5 x the noise estimate */
#define MAX_ITER 100
#define BAD_RMS 0.20            /* above: not converged */

struct bg_eis_fitter {
	size_t cap, n, p;
	int weighting;
	struct eis_pt *pt;              /* data sorted by decreasing w */
	struct eis_pt *pt_tmp;          /* scratch for the start features */
	double *sr, *si;                /* 1/sigma of Re and Im rows */
	double *jac;                    /* cached Jacobian, 2n x p */
	double *res_re, *res_im, *fhz;  /* |Z|-normalised residuals */
	double *scratch;                /* 2n residuals */
	double jac_u[MAXP];
	int jac_ok;
	bg_circuit *circ;
	char circ_key[BG_CIRCUIT_MAX_LEN + 1];
	gsl_multifit_nlinear_workspace *ws;
	size_t ws_n, ws_p;
	gsl_matrix *covar;
	double rms;
	int starts, iters;
};

int bg_eis_fitter_new(bg_eis_fitter **out, bg_error *err)
{
	*out = calloc(1, sizeof **out);
	if (!*out)
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
				    _("out of memory"));
	return 0;
}

void bg_eis_fitter_free(bg_eis_fitter *f)
{
	if (!f)
		return;
	free(f->pt);
	free(f->pt_tmp);
	free(f->sr);
	free(f->si);
	free(f->jac);
	free(f->res_re);
	free(f->res_im);
	free(f->fhz);
	free(f->scratch);
	bg_circuit_free(f->circ);
	if (f->ws)
		gsl_multifit_nlinear_free(f->ws);
	if (f->covar)
		gsl_matrix_free(f->covar);
	free(f);
}

/* ---- workspaces ---------------------------------------------------- */

static int grow(bg_eis_fitter *f, size_t n, bg_error *err)
{
	void *a[9];
	size_t i;

	if (n <= f->cap)
		return 0;
	a[0] = realloc(f->pt, n * sizeof *f->pt);
	if (a[0])
		f->pt = a[0];
	a[1] = realloc(f->sr, n * sizeof(double));
	if (a[1])
		f->sr = a[1];
	a[2] = realloc(f->si, n * sizeof(double));
	if (a[2])
		f->si = a[2];
	a[3] = realloc(f->jac, 2 * n * MAXP * sizeof(double));
	if (a[3])
		f->jac = a[3];
	a[4] = realloc(f->res_re, n * sizeof(double));
	if (a[4])
		f->res_re = a[4];
	a[5] = realloc(f->res_im, n * sizeof(double));
	if (a[5])
		f->res_im = a[5];
	a[6] = realloc(f->fhz, n * sizeof(double));
	if (a[6])
		f->fhz = a[6];
	a[7] = realloc(f->scratch, 2 * n * sizeof(double));
	if (a[7])
		f->scratch = a[7];
	a[8] = realloc(f->pt_tmp, n * sizeof *f->pt_tmp);
	if (a[8])
		f->pt_tmp = a[8];
	for (i = 0; i < 9; i++)
		if (!a[i])
			return bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
					    _("out of memory"));
	f->cap = n;
	return 0;
}

static int set_circuit(bg_eis_fitter *f, const char *spec, bg_error *err)
{
	char text[BG_CIRCUIT_MAX_LEN + 1];
	bg_circuit *c;
	int rc;

	if (f->circ && strlen(spec) < sizeof f->circ_key &&
	    !strcmp(spec, f->circ_key))
		return 0;
	if ((rc = bg_circuit_resolve(text, sizeof text, spec, err)) < 0)
		return rc;
	if ((rc = bg_circuit_parse(&c, text, err)) < 0)
		return rc;
	bg_circuit_free(f->circ);
	f->circ = c;
	snprintf(f->circ_key, sizeof f->circ_key, "%s", spec);
	return 0;
}

/*
 * More's scaling (D_j = max over iterations of the norm of column j of
 * J; More 1978, as gsl_multifit_nlinear_scale_more) with a plain
 * sum-of-squares norm: GSL's reference dnrm2 guards against overflow
 * with a division per element, which cost more than the circuit here;
 * J of a weighted, log-transformed fit has entries far from overflow.
 */
static double col_norm(const gsl_matrix *J, size_t j)
{
	double s = 0;
	size_t i;

	for (i = 0; i < J->size1; i++) {
		double v = J->data[i * J->tda + j];

		s += v * v;
	}
	return sqrt(s);
}

static int scale_init(const gsl_matrix *J, gsl_vector *diag)
{
	size_t j;

	for (j = 0; j < J->size2; j++) {
		double n = col_norm(J, j);

		gsl_vector_set(diag, j, n > 0 ? n : 1);
	}
	return GSL_SUCCESS;
}

static int scale_update(const gsl_matrix *J, gsl_vector *diag)
{
	size_t j;

	for (j = 0; j < J->size2; j++) {
		double n = col_norm(J, j), *d = gsl_vector_ptr(diag, j);

		*d = n > *d ? n : *d;
	}
	return GSL_SUCCESS;
}

static const gsl_multifit_nlinear_scale scale_more_fast = {
	"more-fast", scale_init, scale_update
};

static int set_workspace(bg_eis_fitter *f, bg_error *err)
{
	gsl_multifit_nlinear_parameters par =
		gsl_multifit_nlinear_default_parameters();
	size_t rows = 2 * f->n;

	if (f->ws && f->ws_n == rows && f->ws_p == f->p)
		return 0;
	if (f->ws)
		gsl_multifit_nlinear_free(f->ws);
	if (f->covar)
		gsl_matrix_free(f->covar);
	par.trs = gsl_multifit_nlinear_trs_lm;
	/* GSL's cholesky solver, bit-identical and cheaper */
	par.solver = &bg_nlinear_solver_cholesky;
	par.scale = &scale_more_fast;
	f->ws = gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &par,
					   rows, f->p);
	f->covar = gsl_matrix_alloc(f->p, f->p);
	if (!f->ws || !f->covar) {
		f->ws_n = 0;
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
				    _("out of memory"));
	}
	f->ws_n = rows;
	f->ws_p = f->p;
	return 0;
}

/* ---- data ---------------------------------------------------------- */

static int by_freq_desc(const void *a, const void *b)
{
	double x = ((const struct eis_pt *)a)->w;
	double y = ((const struct eis_pt *)b)->w;

	return (x < y) - (x > y);
}

static double sigma_floor(double v, double mod)
{
	v = fabs(v);
	return v > 1e-3 * mod ? v : 1e-3 * mod;
}

static int load_data(bg_eis_fitter *f, const bg_spectrum *s, int weighting,
		     bg_error *err)
{
	double mean = 0;
	size_t i;
	int rc;

	if ((rc = grow(f, s->n, err)) < 0)
		return rc;
	for (i = 0; i < s->n; i++) {
		struct eis_pt *q = &f->pt[i];

		q->w = 2 * M_PI * s->freq_hz[i];
		circ_point(&q->cp, q->w);
		q->zr = s->z_real_ohm[i];
		q->zi = s->z_imag_ohm[i];
		if (!(q->w > 0) || !isfinite(q->w) || !isfinite(q->zr) ||
		    !isfinite(q->zi) || hypot(q->zr, q->zi) == 0)
			return bg_error_set(err, BG_EDATA, NULL, 0, 0,
					    _("spectrum point %zu is not "
					      "finite, zero or at a "
					      "non-positive frequency"), i + 1);
	}
	f->n = s->n;
	f->weighting = weighting;
	qsort(f->pt, f->n, sizeof *f->pt, by_freq_desc);
	/* Unit weights are all equal to 1/mean|Z| rather than 1 ohm^-1: the
	 * same minimum, but dimensionless residuals keep the convergence
	 * tolerances meaningful for milliohm cells. */
	for (i = 0; i < f->n; i++)
		mean += hypot(f->pt[i].zr, f->pt[i].zi) / f->n;
	for (i = 0; i < f->n; i++) {
		double mod = hypot(f->pt[i].zr, f->pt[i].zi);

		f->fhz[i] = f->pt[i].w / (2 * M_PI);
		if (weighting == BG_EIS_WEIGHT_UNIT) {
			f->sr[i] = f->si[i] = 1 / mean;
		} else if (weighting == BG_EIS_WEIGHT_PROPORTIONAL) {
			f->sr[i] = 1 / sigma_floor(f->pt[i].zr, mod);
			f->si[i] = 1 / sigma_floor(f->pt[i].zi, mod);
		} else {
			f->sr[i] = f->si[i] = 1 / mod;
		}
	}
	return 0;
}

/*
 * Noise of the data, relative to |Z|, from second differences along the
 * frequency axis: for a smooth spectrum sampled densely they are
 * dominated by noise, var(d) = 6 sigma^2.  The median makes the
 * estimate robust to the curvature at a few points.
 */
static double noise_estimate(bg_eis_fitter *f)
{
	double *d = f->scratch;
	size_t i, m = 0;

	for (i = 1; i + 1 < f->n; i++) {
		const struct eis_pt *a = &f->pt[i - 1], *b = &f->pt[i];
		const struct eis_pt *c = &f->pt[i + 1];
		double mod = hypot(b->zr, b->zi);

		d[m++] = fabs(a->zr - 2 * b->zr + c->zr) / mod;
		d[m++] = fabs(a->zi - 2 * b->zi + c->zi) / mod;
	}
	if (m == 0)
		return 0;
	return 1.4826 * gsl_stats_median(d, 1, m) / sqrt(6.0);
}

/* ---- transforms ---------------------------------------------------- */

static double to_theta(int kind, double u)
{
	return kind == BG_PARAM_FRACTION ? 1 / (1 + exp(-u)) : exp(u);
}

/* dtheta/du */
static double dtheta(int kind, double th)
{
	return kind == BG_PARAM_FRACTION ? th * (1 - th) : th;
}

static double to_u(int kind, double th)
{
	if (kind == BG_PARAM_FRACTION) {
		th = th < 0.02 ? 0.02 : th > 0.999 ? 0.999 : th;
		return log(th / (1 - th));
	}
	th = th < 1e-30 ? 1e-30 : th > 1e30 ? 1e30 : th;
	return log(th);
}

/* ---- residuals and Jacobian ---------------------------------------- */

static int eval_all(bg_eis_fitter *f, const double *u, double *r)
{
	const bg_circuit *c = f->circ;
	double th[MAXP], dth[MAXP], dz[2 * MAXP], zr, zi;
	size_t i, k, p = f->p, n = f->n;
	struct circ_prep prep;

	for (k = 0; k < p; k++) {
		th[k] = to_theta(c->pkind[k], u[k]);
		dth[k] = dtheta(c->pkind[k], th[k]);
	}
	circ_prepare(c, th, &prep);
	for (i = 0; i < n; i++) {
		double *jr = f->jac + i * p, *ji = f->jac + (n + i) * p;

		circ_eval_point(c, th, &prep, &f->pt[i].cp, &zr, &zi, dz);
		r[i] = (zr - f->pt[i].zr) * f->sr[i];
		r[n + i] = (zi - f->pt[i].zi) * f->si[i];
		for (k = 0; k < p; k++) {
			jr[k] = dz[2 * k] * dth[k] * f->sr[i];
			ji[k] = dz[2 * k + 1] * dth[k] * f->si[i];
		}
		if (!isfinite(r[i]) || !isfinite(r[n + i]))
			return GSL_EBADFUNC;
	}
	memcpy(f->jac_u, u, p * sizeof *u);
	f->jac_ok = 1;
	return GSL_SUCCESS;
}

static int cb_f(const gsl_vector *x, void *params, gsl_vector *fv)
{
	bg_eis_fitter *f = params;

	f->jac_ok = 0;
	return eval_all(f, x->data, fv->data);
}

static int cb_df(const gsl_vector *x, void *params, gsl_matrix *J)
{
	bg_eis_fitter *f = params;
	size_t i, rows = 2 * f->n;

	if (!f->jac_ok || memcmp(f->jac_u, x->data, f->p * sizeof(double))) {
		int rc = eval_all(f, x->data, f->scratch);

		if (rc)
			return rc;
	}
	if (J->tda == f->p)     /* GSL's own J: one block */
		memcpy(J->data, f->jac, rows * f->p * sizeof(double));
	else
		for (i = 0; i < rows; i++)
			memcpy(J->data + i * J->tda, f->jac + i * f->p,
			       f->p * sizeof(double));
	return GSL_SUCCESS;
}

/* ---- one start ----------------------------------------------------- */

static double run_start(bg_eis_fitter *f, const double *th0, double *u_out,
			int *ok)
{
	gsl_multifit_nlinear_fdf fdf;
	gsl_vector_view x0;
	double u[MAXP], chi2;
	size_t k;
	int info, rc;

	for (k = 0; k < f->p; k++)
		u[k] = to_u(f->circ->pkind[k], th0[k]);
	x0 = gsl_vector_view_array(u, f->p);
	fdf.f = cb_f;
	fdf.df = cb_df;
	fdf.fvv = NULL;
	fdf.n = 2 * f->n;
	fdf.p = f->p;
	fdf.params = f;
	*ok = 0;
	if (gsl_multifit_nlinear_init(&x0.vector, &fdf, f->ws))
		return INFINITY;
	/* xtol 1e-7 on log-parameters is a relative change of 1e-7, far
	 * below any standard error; gtol as GSL's default order. */
	rc = gsl_multifit_nlinear_driver(MAX_ITER, 1e-7, 1e-6, 0, NULL, NULL,
					 &info, f->ws);
	f->iters += (int)gsl_multifit_nlinear_niter(f->ws);
	f->starts++;
	gsl_blas_ddot(f->ws->f, f->ws->f, &chi2);
	if (!isfinite(chi2))
		return INFINITY;
	/* GSL_ENOPROG: no step lowers the cost any more, i.e. the
	 * minimum is reached to machine precision. */
	*ok = rc == GSL_SUCCESS || rc == GSL_ENOPROG;
	memcpy(u_out, f->ws->x->data, f->p * sizeof(double));
	return chi2;
}

static double rel_rms_eval(bg_eis_fitter *f, const double *u);

/*
 * rms of the |Z|-normalised residuals at u, filling the residual
 * arrays.  With modulus weighting these are GSL's own residuals when u
 * is its current point: no need to evaluate the circuit again.
 */
static double rel_rms(bg_eis_fitter *f, const double *u)
{
	const double *r = f->ws->f->data;
	double ss = 0;
	size_t i;

	if (f->weighting != BG_EIS_WEIGHT_MODULUS ||
	    memcmp(u, f->ws->x->data, f->p * sizeof *u))
		return rel_rms_eval(f, u);
	for (i = 0; i < f->n; i++) {
		f->res_re[i] = -r[i];
		f->res_im[i] = -r[f->n + i];
		ss += r[i] * r[i] + r[f->n + i] * r[f->n + i];
	}
	return sqrt(ss / (2.0 * f->n));
}

static double rel_rms_eval(bg_eis_fitter *f, const double *u)
{
	double th[MAXP], zr, zi, ss = 0;
	struct circ_prep prep;
	size_t i, k;

	for (k = 0; k < f->p; k++)
		th[k] = to_theta(f->circ->pkind[k], u[k]);
	circ_prepare(f->circ, th, &prep);
	for (i = 0; i < f->n; i++) {
		const struct eis_pt *q = &f->pt[i];
		double mod = hypot(q->zr, q->zi);

		circ_eval_point(f->circ, th, &prep, &q->cp, &zr, &zi, NULL);
		f->res_re[i] = (q->zr - zr) / mod;
		f->res_im[i] = (q->zi - zi) / mod;
		ss += f->res_re[i] * f->res_re[i] + f->res_im[i] * f->res_im[i];
	}
	return sqrt(ss / (2.0 * f->n));
}

/* ---- canonical order of equivalent arcs ---------------------------- */

/*
 * Two top-level parallel groups of the same make, e.g. p(R1,CPE1) and
 * p(R2,CPE2), can trade their values without changing Z: order them by
 * time constant, fastest (high frequency) first, so results compare
 * across fits.  tau = (R Q)^(1/a) for R||CPE, R C for R||C.
 */
static int arc_span(const bg_circuit *c, size_t arc, size_t *e0, size_t *e1)
{
	size_t e;

	*e0 = *e1 = 0;
	for (e = 0; e < c->nelems; e++)
		if (c->elems[e].arc == (int)arc) {
			if (*e1 == 0)
				*e0 = e;
			*e1 = e + 1;
		}
	return *e1 > *e0;
}

static double arc_tau(const bg_circuit *c, const double *th, size_t e0,
		      size_t e1)
{
	double r = NAN, q = NAN, a = 1;
	size_t e;

	for (e = e0; e < e1; e++) {
		const struct circ_elem *el = &c->elems[e];

		if (el->in_branch)
			return NAN;
		if (el->type == EL_R)
			r = th[el->first];
		else if (el->type == EL_C)
			q = th[el->first];
		else if (el->type == EL_CPE) {
			q = th[el->first];
			a = th[el->first + 1];
		}
	}
	return pow(r * q, 1 / a);
}

static int same_make(const bg_circuit *c, size_t a0, size_t a1, size_t b0,
		     size_t b1)
{
	size_t k;

	if (a1 - a0 != b1 - b0)
		return 0;
	for (k = 0; k < a1 - a0; k++)
		if (c->elems[a0 + k].type != c->elems[b0 + k].type)
			return 0;
	return 1;
}

static void swap_params(const bg_circuit *c, double *u, size_t a0,
			size_t a1, size_t b0)
{
	size_t k, j;

	for (k = 0; k < a1 - a0; k++) {
		const struct circ_elem *x = &c->elems[a0 + k];
		const struct circ_elem *y = &c->elems[b0 + k];
		int np = x->type == EL_CPE || x->type == EL_WO ||
			 x->type == EL_WS ? 2 : 1;

		for (j = 0; j < (size_t)np; j++) {
			double t = u[x->first + j];

			u[x->first + j] = u[y->first + j];
			u[y->first + j] = t;
		}
	}
}

static void order_arcs(const bg_circuit *c, double *u)
{
	double th[MAXP];
	size_t i, j, k, a0, a1, b0, b1;

	for (i = 0; i + 1 < c->narcs; i++)
		for (j = 0; j + 1 < c->narcs - i; j++) {
			if (!arc_span(c, j, &a0, &a1) ||
			    !arc_span(c, j + 1, &b0, &b1) ||
			    !same_make(c, a0, a1, b0, b1))
				continue;
			for (k = 0; k < c->nparams; k++)
				th[k] = to_theta(c->pkind[k], u[k]);
			if (arc_tau(c, th, a0, a1) > arc_tau(c, th, b0, b1))
				swap_params(c, u, a0, a1, b0);
		}
}

/* ---- results ------------------------------------------------------- */

/*
 * (J'J)^-1 into f->covar: J'J formed over the contiguous rows of J and
 * inverted by Cholesky (a 9 x 9 matrix here), which costs a fraction of
 * the pivoted QR of the 2n x p Jacobian that gsl_multifit_nlinear_covar
 * does; that one stays the fallback for a rank-deficient J.
 */
static int covariance(bg_eis_fitter *f, const gsl_matrix *J)
{
	gsl_matrix *c = f->covar;
	size_t i, a, b, p = f->p;

	gsl_matrix_set_zero(c);
	for (i = 0; i < J->size1; i++) {
		const double *r = J->data + i * J->tda;

		for (a = 0; a < p; a++)
			for (b = 0; b <= a; b++)
				c->data[a * c->tda + b] += r[a] * r[b];
	}
	if (gsl_linalg_cholesky_decomp1(c) == 0 &&
	    gsl_linalg_cholesky_invert(c) == 0)
		return 0;
	return gsl_multifit_nlinear_covar(J, 1e-12, c);
}

static void fill_result(bg_eis_fitter *f, const double *u, double chi2,
			bg_eis_result *out)
{
	const bg_circuit *c = f->circ;
	double dof = 2.0 * f->n - f->p, s2 = chi2 / dof;
	size_t k;
	int rc;

	memset(out, 0, sizeof *out);
	snprintf(out->circuit, sizeof out->circuit, "%s", c->text);
	out->nparams = f->p;
	out->chi2_dof = s2;
	/* J at the solution for the covariance: GSL's own when u is its
	 * current point, else evaluated again. */
	if (!memcmp(u, f->ws->x->data, f->p * sizeof *u)) {
		rc = covariance(f, f->ws->J);
	} else {
		gsl_matrix_view J = gsl_matrix_view_array(f->jac, 2 * f->n,
							  f->p);

		rc = eval_all(f, u, f->scratch);
		if (rc == 0)
			rc = covariance(f, &J.matrix);
	}
	for (k = 0; k < f->p; k++) {
		double th = to_theta(c->pkind[k], u[k]);
		double var = rc == 0 ? gsl_matrix_get(f->covar, k, k) * s2
				     : NAN;

		snprintf(out->param_name[k], sizeof out->param_name[k], "%s",
			 c->pname[k]);
		out->param[k] = th;
		out->param_se[k] = var >= 0 ? sqrt(var) *
					      dtheta(c->pkind[k], th) : NAN;
	}
}

static int check_input(bg_eis_fitter *f, const bg_spectrum *s,
		       const char *circuit, int weighting, bg_error *err)
{
	int rc;

	if (weighting < BG_EIS_WEIGHT_MODULUS ||
	    weighting > BG_EIS_WEIGHT_PROPORTIONAL)
		return bg_error_set(err, BG_EINVAL, NULL, 0, 0,
				    _("unknown weighting %d"), weighting);
	if ((rc = set_circuit(f, circuit, err)) < 0)
		return rc;
	f->p = f->circ->nparams;
	if (2 * s->n <= f->p)
		return bg_error_set(err, BG_EDATA, NULL, 0, 0,
				    _("%zu points cannot determine %zu "
				      "parameters"), s->n, f->p);
	if ((rc = load_data(f, s, weighting, err)) < 0)
		return rc;
	return set_workspace(f, err);
}

static int fit(bg_eis_fitter *f, const bg_spectrum *s, const char *circuit,
	       int weighting, const double *guess, size_t nguess,
	       bg_eis_result *out, bg_error *err)
{
	double th[MAXP], u[MAXP], best_u[MAXP], chi2, best = INFINITY;
	double prev = INFINITY, good, rms;
	struct eis_features feat;
	int rc, ok, any_ok = 0, k;

	f->starts = f->iters = 0;
	f->rms = NAN;
	if ((rc = check_input(f, s, circuit, weighting, err)) < 0)
		return rc;
	if (guess && nguess != f->p)
		return bg_error_set(err, BG_EINVAL, NULL, 0, 0,
				    _("%zu starting values for %zu "
				      "parameters"), nguess, f->p);
	eis_features(&feat, f->pt, f->n, f->circ->narcs, f->pt_tmp);
	good = GOOD_RMS;        /* raised to the noise level when needed */
	for (k = guess ? -1 : 0; k < MAX_STARTS; k++) {
		if (k < 0)
			memcpy(th, guess, f->p * sizeof *th);
		else
			eis_start(th, f->circ, &feat, k);
		chi2 = run_start(f, th, u, &ok);
		if (chi2 < best) {
			best = chi2;
			memcpy(best_u, u, f->p * sizeof *u);
		}
		rms = rel_rms(f, best_u);
		if (rms >= good && good == GOOD_RMS)
			good = fmax(GOOD_RMS, NOISE_FACTOR * noise_estimate(f));
		/* a start that hit the iteration limit still counts when it
		 * fits to the noise level */
		any_ok |= ok || (chi2 <= best && rms < good);
		/* Good enough; or two starts in a row reached the best
		 * minimum, and it is near the noise or three starts were
		 * tried (a model that cannot fit the data closer). */
		if (rms < good ||
		    (fabs(chi2 - prev) <= 1e-6 * chi2 &&
		     fabs(chi2 - best) <= 1e-6 * chi2 &&
		     (rms < 1.2 * good || k >= 2)))
			break;
		prev = chi2;
	}
	if (!isfinite(best))
		return bg_error_set(err, BG_ENOCONV, NULL, 0, 0,
				    _("no start gave a finite fit"));
	order_arcs(f->circ, best_u);
	f->rms = rel_rms(f, best_u);
	fill_result(f, best_u, best, out);
	if (!any_ok || !(f->rms <= BAD_RMS)) {
		out->status = BG_ENOCONV;
		return bg_error_set(err, BG_ENOCONV, NULL, 0, 0,
				    _("fit of %s did not converge (rms "
				      "residual %.3g %%)"), out->circuit,
				    100 * f->rms);
	}
	return 0;
}

int bg_eis_fit(bg_eis_fitter *f, const bg_spectrum *s,
	       const char *circuit_or_template, int weighting,
	       bg_eis_result *out, bg_error *err)
{
	return fit(f, s, circuit_or_template, weighting, NULL, 0, out, err);
}

int bg_eis_fit_guess(bg_eis_fitter *f, const bg_spectrum *s,
		     const char *circuit_or_template, int weighting,
		     const double *guess, size_t nguess, bg_eis_result *out,
		     bg_error *err)
{
	size_t k;

	for (k = 0; k < nguess; k++)
		if (!(guess[k] > 0) || !isfinite(guess[k]))
			return bg_error_set(err, BG_EINVAL, NULL, 0, 0,
					    _("starting value %zu is not "
					      "positive"), k + 1);
	return fit(f, s, circuit_or_template, weighting, guess, nguess, out,
		   err);
}

double bg_eis_fitter_rms(const bg_eis_fitter *f)
{
	return f->rms;
}

int bg_eis_fitter_starts(const bg_eis_fitter *f)
{
	return f->starts;
}

int bg_eis_fitter_iterations(const bg_eis_fitter *f)
{
	return f->iters;
}

void bg_eis_fitter_residuals(const bg_eis_fitter *f, const double **freq_hz,
			     const double **res_re, const double **res_im,
			     size_t *n)
{
	*freq_hz = f->fhz;
	*res_re = f->res_re;
	*res_im = f->res_im;
	*n = f->n;
}

int bg_eis_result_eval(const bg_eis_result *r, double f_hz, double *z_re,
		       double *z_im, bg_error *err)
{
	bg_circuit *c;
	int rc;

	if ((rc = bg_circuit_parse(&c, r->circuit, err)) < 0)
		return rc;
	if (c->nparams != r->nparams) {
		bg_circuit_free(c);
		return bg_error_set(err, BG_EINVAL, NULL, 0, 0,
				    _("result does not match its circuit"));
	}
	bg_circuit_eval(c, r->param, 2 * M_PI * f_hz, z_re, z_im, NULL);
	bg_circuit_free(c);
	return 0;
}

static cJSON *num(double v)
{
	return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();
}

int bg_eis_result_to_json(const bg_eis_result *r, struct cJSON **out)
{
	cJSON *o = cJSON_CreateObject(), *params = cJSON_CreateObject();
	size_t k;

	*out = NULL;
	if (!o || !params) {
		cJSON_Delete(o);
		cJSON_Delete(params);
		return BG_ENOMEM;
	}
	cJSON_AddStringToObject(o, "circuit", r->circuit);
	cJSON_AddStringToObject(o, "status",
				r->status == 0 ? "ok" : "not_converged");
	cJSON_AddItemToObject(o, "params", params);
	for (k = 0; k < r->nparams && k < 16; k++) {
		cJSON *p = cJSON_CreateObject();

		if (!p)
			break;
		cJSON_AddItemToObject(p, "value", num(r->param[k]));
		cJSON_AddItemToObject(p, "std_error", num(r->param_se[k]));
		cJSON_AddItemToObject(params, r->param_name[k], p);
	}
	cJSON_AddItemToObject(o, "chi2_dof", num(r->chi2_dof));
	if (k < r->nparams) {
		cJSON_Delete(o);
		return BG_ENOMEM;
	}
	*out = o;
	return 0;
}

int bg_eis_weighting_parse(const char *s)
{
	if (!strcmp(s, "modulus"))
		return BG_EIS_WEIGHT_MODULUS;
	if (!strcmp(s, "unit"))
		return BG_EIS_WEIGHT_UNIT;
	if (!strcmp(s, "proportional"))
		return BG_EIS_WEIGHT_PROPORTIONAL;
	return -1;
}
