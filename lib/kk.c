/*
 * kk.c - the Lin-KK test (Schoenleber et al., Electrochim. Acta 131
 * (2014) 20-27) with series inductance and capacitance, as in
 * impedance.py's validation.linKK(..., c=0.85, add_cap=True).
 *
 * Unknowns x = (R_ohm, R_1..R_M, L, 1/C) enter Z linearly:
 *	Z(w) = R_ohm + sum_k R_k/(1 + jw tau_k) + jwL - j/(wC),
 * so the fit is one linear least-squares problem per M on the stacked
 * real and imaginary rows, each divided by |Z_i| (Schoenleber eq. 9),
 * solved by Householder QR (kk_lsq).  tau_1 = 1/w_max,
 * tau_M = 1/w_min, log-spaced (eq. 11).  M grows from 1 until
 * mu = 1 - sum|R_k<0|/sum|R_k>=0| <= c (eq. 21), at most 50 or n,
 * and at least two per decade (see KK_MIN_PER_DECADE).
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "battgrade/kk.h"
#include "i18n.h"

#define KK_MAX_M 50
/*
 * Floor on M: two RC elements per decade.  Kept inductive points (cable
 * and skin effect, which RC elements can only mimic with negative R_k)
 * make mu fall below c at M = 3 or 4, far too few to follow the
 * spectrum; with the floor the NREL/DENSO and WMG spectra pass while
 * clean spectra still end at the larger M that mu picks (about 20 for
 * 60 points).
 */
#define KK_MIN_PER_DECADE 2.0

struct kk_data {
	size_t n;
	double *w, *zr, *zi, *mod;
	size_t *idx;
};

static void kk_tau(double *tau, int m, double wmin, double wmax)
{
	int k;

	if (m == 1) {
		tau[0] = 1 / sqrt(wmin * wmax);
		return;
	}
	for (k = 0; k < m; k++)
		tau[k] = exp(log(1 / wmax) + k * (log(1 / wmin) -
						  log(1 / wmax)) / (m - 1));
}

/*
 * Design matrix for M elements, column-major (column j at A + j*rows):
 * columns R_ohm, R_1..R_M, L, 1/C; real rows first, then imaginary.
 */
static void kk_rows(double *A, double *b, const struct kk_data *d,
		    const double *tau, int m)
{
	size_t i, n = d->n, rows = 2 * n;
	double *cl = A + (size_t)(m + 1) * rows, *cc = cl + rows;
	int k;

	for (i = 0; i < n; i++) {
		double w = d->w[i], s = 1 / d->mod[i];

		A[i] = s;
		A[n + i] = 0;
		for (k = 0; k < m; k++) {
			double wt = w * tau[k], den = 1 + wt * wt;
			double *c = A + (size_t)(1 + k) * rows;

			c[i] = s / den;
			c[n + i] = -s * wt / den;
		}
		cl[i] = 0;
		cl[n + i] = s * w;
		cc[i] = 0;
		cc[n + i] = -s / w;
		b[i] = d->zr[i] * s;
		b[n + i] = d->zi[i] * s;
	}
}

static double kk_mu(const double *x, int m)
{
	double neg = 0, pos = 0;
	int k;

	for (k = 0; k < m; k++) {
		double r = x[1 + k];

		if (r < 0)
			neg += -r;
		else
			pos += r;
	}
	return pos > 0 ? 1 - neg / pos : 0;
}

/* Two squares per step, still added one after the other in order. */
static double kk_norm(const double *v, size_t n)
{
	double s = 0;
	size_t i;

	for (i = 0; i + 2 <= n; i += 2) {
		s += v[i] * v[i];
		s += v[i + 1] * v[i + 1];
	}
	if (i < n)
		s += v[i] * v[i];
	return sqrt(s);
}

/* v[i] *= s and c[i] /= d: element-wise, so vectorising them changes no
 * result. */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("tree-loop-vectorize")))
#endif
static void kk_mul(double *restrict v, size_t n, double s)
{
	size_t i;

	for (i = 0; i < n; i++)
		v[i] *= s;
}

#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("tree-loop-vectorize")))
#endif
static void kk_div(double *restrict c, size_t n, double d)
{
	size_t i;

	for (i = 0; i < n; i++)
		c[i] /= d;
}

/* c -= tau u (u' c) with u = (1, v[j+1..rows-1]) on rows j.. of c. */
static void kk_reflect1(const double *v, size_t j, size_t rows, double tau,
			double *c)
{
	double w = c[j];
	size_t i;

	for (i = j + 1; i < rows; i++)
		w += v[i] * c[i];
	w *= tau;
	c[j] -= w;
	for (i = j + 1; i < rows; i++)
		c[i] -= w * v[i];
}

/* kk_reflect1 on two columns at once, each with the same operations in
 * the same order (so the same rounding) as one at a time.  The updates
 * are element-wise, so letting GCC vectorise them changes no result
 * (the sums stay in order: no reassociation is allowed). */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("tree-loop-vectorize")))
#endif
static void kk_reflect2(const double *restrict v, size_t j, size_t rows,
			double tau, double *restrict c, double *restrict e)
{
	double w = c[j], z = e[j];
	size_t i;

	for (i = j + 1; i < rows; i++) {
		w += v[i] * c[i];
		z += v[i] * e[i];
	}
	w *= tau;
	z *= tau;
	c[j] -= w;
	e[j] -= z;
	for (i = j + 1; i < rows; i++) {
		c[i] -= w * v[i];
		e[i] -= z * v[i];
	}
}

/* kk_reflect1 on five columns at once, as kk_reflect4. */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("tree-loop-vectorize")))
#endif
static void kk_reflect5(const double *restrict v, size_t j, size_t rows,
			double tau, double *restrict c0, double *restrict c1,
			double *restrict c2, double *restrict c3,
			double *restrict c4)
{
	double w0 = c0[j], w1 = c1[j], w2 = c2[j], w3 = c3[j], w4 = c4[j];
	size_t i;

	for (i = j + 1; i < rows; i++) {
		w0 += v[i] * c0[i];
		w1 += v[i] * c1[i];
		w2 += v[i] * c2[i];
		w3 += v[i] * c3[i];
		w4 += v[i] * c4[i];
	}
	w0 *= tau;
	w1 *= tau;
	w2 *= tau;
	w3 *= tau;
	w4 *= tau;
	c0[j] -= w0;
	c1[j] -= w1;
	c2[j] -= w2;
	c3[j] -= w3;
	c4[j] -= w4;
	for (i = j + 1; i < rows; i++) {
		c0[i] -= w0 * v[i];
		c1[i] -= w1 * v[i];
		c2[i] -= w2 * v[i];
		c3[i] -= w3 * v[i];
		c4[i] -= w4 * v[i];
	}
}

/* kk_reflect1 on three columns at once, as kk_reflect4. */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("tree-loop-vectorize")))
#endif
static void kk_reflect3(const double *restrict v, size_t j, size_t rows,
			double tau, double *restrict c0, double *restrict c1,
			double *restrict c2)
{
	double w0 = c0[j], w1 = c1[j], w2 = c2[j];
	size_t i;

	for (i = j + 1; i < rows; i++) {
		w0 += v[i] * c0[i];
		w1 += v[i] * c1[i];
		w2 += v[i] * c2[i];
	}
	w0 *= tau;
	w1 *= tau;
	w2 *= tau;
	c0[j] -= w0;
	c1[j] -= w1;
	c2[j] -= w2;
	for (i = j + 1; i < rows; i++) {
		c0[i] -= w0 * v[i];
		c1[i] -= w1 * v[i];
		c2[i] -= w2 * v[i];
	}
}

/* kk_reflect1 on four columns at once, each with the same operations in
 * the same order as one at a time: one pass over v instead of two. */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("tree-loop-vectorize")))
#endif
static void kk_reflect4(const double *restrict v, size_t j, size_t rows,
			double tau, double *restrict c0, double *restrict c1,
			double *restrict c2, double *restrict c3)
{
	double w0 = c0[j], w1 = c1[j], w2 = c2[j], w3 = c3[j];
	size_t i;

	for (i = j + 1; i < rows; i++) {
		w0 += v[i] * c0[i];
		w1 += v[i] * c1[i];
		w2 += v[i] * c2[i];
		w3 += v[i] * c3[i];
	}
	w0 *= tau;
	w1 *= tau;
	w2 *= tau;
	w3 *= tau;
	c0[j] -= w0;
	c1[j] -= w1;
	c2[j] -= w2;
	c3[j] -= w3;
	for (i = j + 1; i < rows; i++) {
		c0[i] -= w0 * v[i];
		c1[i] -= w1 * v[i];
		c2[i] -= w2 * v[i];
		c3[i] -= w3 * v[i];
	}
}

/*
 * Householder QR least squares (Golub and Van Loan, Matrix
 * Computations, 4th ed., algorithms 5.1.1 and 5.3.2), the same
 * reflections as gsl_linalg_QR_decomp + QR_lssolve, written out on a
 * column-major array: these problems are small (2n x (M+3) with n of
 * 30 to 60) and solved several times per spectrum, so GSL's per-element
 * calls and allocations dominated.  A (rows x cols) and b are
 * overwritten; x gets cols values.  Returns -1 when R is singular.
 */
static int kk_lsq(double *A, double *b, size_t rows, size_t cols, double *x)
{
	size_t j, k;

	for (j = 0; j < cols; j++) {
		double *v = A + j * rows, alpha = v[j], nrm, beta, tau, s;

		nrm = kk_norm(v + j + 1, rows - j - 1);
		if (nrm == 0)
			continue;       /* nothing below the diagonal */
		beta = -copysign(hypot(alpha, nrm), alpha);
		tau = (beta - alpha) / beta;
		s = 1 / (alpha - beta);
		kk_mul(v + j + 1, rows - j - 1, s);
		v[j] = beta;
		/* apply H = I - tau u u' (u = (1, v[j+1..])) to the rest
		 * of A and to b, four columns per pass over v (five in
		 * the last pass, or three, two or one after it) */
		for (k = j + 1; k + 3 <= cols; k += 4) {
			if (k + 4 == cols) {    /* five left, b the last */
				kk_reflect5(v, j, rows, tau, A + k * rows,
					    A + (k + 1) * rows,
					    A + (k + 2) * rows,
					    A + (k + 3) * rows, b);
				k += 5;
				break;
			}
			kk_reflect4(v, j, rows, tau, A + k * rows,
				    A + (k + 1) * rows, A + (k + 2) * rows,
				    k + 3 < cols ? A + (k + 3) * rows : b);
		}
		if (k + 2 == cols) {    /* three left, b the last */
			kk_reflect3(v, j, rows, tau, A + k * rows,
				    A + (k + 1) * rows, b);
			k += 3;
		}
		for (; k + 1 <= cols; k += 2)
			kk_reflect2(v, j, rows, tau, A + k * rows,
				    k + 1 < cols ? A + (k + 1) * rows : b);
		if (k == cols)
			kk_reflect1(v, j, rows, tau, b);
	}
	for (j = cols; j-- > 0;) {
		double s = b[j], rjj = A[j * rows + j];

		for (k = j + 1; k < cols; k++)
			s -= A[k * rows + j] * x[k];
		if (rjj == 0)
			return -1;
		x[j] = s / rjj;
	}
	return 0;
}

/*
 * Least squares for M elements; x gets the solution, *mu its mu.
 * Columns are scaled to unit norm first: R and 1/C differ by many
 * decades, which would otherwise spoil the conditioning.  A and b are
 * scratch of 2n (M+3) and 2n values.
 */
static int kk_solve(const struct kk_data *d, int m, double *A, double *b,
		    double *x, double *mu, double *tau)
{
	size_t rows = 2 * d->n, cols = (size_t)m + 3, j;
	double scale[KK_MAX_M + 3];

	kk_tau(tau, m, d->w[d->n - 1], d->w[0]);
	kk_rows(A, b, d, tau, m);
	for (j = 0; j < cols; j++) {
		double *c = A + j * rows, nrm = kk_norm(c, rows);

		scale[j] = nrm > 0 ? nrm : 1;
		kk_div(c, rows, scale[j]);
	}
	if (kk_lsq(A, b, rows, cols, x) < 0)
		return BG_EDATA;
	for (j = 0; j < cols; j++)
		x[j] /= scale[j];
	*mu = kk_mu(x, m);
	return 0;
}

static double kk_residuals(const struct kk_data *d, const double *x,
			   const double *tau, int m, double *rr, double *ri)
{
	double worst = 0;
	size_t i;
	int k;

	for (i = 0; i < d->n; i++) {
		double w = d->w[i], zr = x[0];
		double zi = w * x[m + 1] - x[m + 2] / w;

		for (k = 0; k < m; k++) {
			double wt = w * tau[k], den = 1 + wt * wt;

			zr += x[1 + k] / den;
			zi -= x[1 + k] * wt / den;
		}
		zr = (d->zr[i] - zr) / d->mod[i];
		zi = (d->zi[i] - zi) / d->mod[i];
		if (rr) {
			rr[i] = zr;
			ri[i] = zi;
		}
		worst = fmax(worst, fmax(fabs(zr), fabs(zi)));
	}
	return worst;
}

/* Copy the kept points sorted by decreasing frequency. */
static int kk_load(struct kk_data *d, const bg_spectrum *s, int drop,
		   size_t *ndropped, bg_error *err)
{
	size_t i, j, n = 0;

	d->w = malloc(4 * s->n * sizeof(double) + 1);
	d->idx = malloc(s->n * sizeof(size_t) + 1);
	if (!d->w || !d->idx)
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
				    _("out of memory"));
	d->zr = d->w + s->n;
	d->zi = d->zr + s->n;
	d->mod = d->zi + s->n;
	*ndropped = 0;
	for (i = 0; i < s->n; i++) {
		double f = s->freq_hz[i], zr = s->z_real_ohm[i];
		double zi = s->z_imag_ohm[i];

		if (!(f > 0) || !isfinite(f) || !isfinite(zr) ||
		    !isfinite(zi) || hypot(zr, zi) == 0)
			return bg_error_set(err, BG_EDATA, NULL, 0, 0,
					    _("spectrum point %zu is not "
					      "finite, zero or at a "
					      "non-positive frequency"), i + 1);
		if (drop && zi > 0) {
			(*ndropped)++;
			continue;
		}
		/* insertion sort by decreasing frequency (n is small) */
		for (j = n; j > 0 && d->w[j - 1] < 2 * M_PI * f; j--) {
			d->w[j] = d->w[j - 1];
			d->zr[j] = d->zr[j - 1];
			d->zi[j] = d->zi[j - 1];
			d->idx[j] = d->idx[j - 1];
		}
		d->w[j] = 2 * M_PI * f;
		d->zr[j] = zr;
		d->zi[j] = zi;
		d->idx[j] = i;
		n++;
	}
	d->n = n;
	for (i = 0; i < n; i++)
		d->mod[i] = hypot(d->zr[i], d->zi[i]);
	if (n < 4)
		return bg_error_set(err, BG_EDATA, NULL, 0, 0,
				    _("%zu points left: too few for the "
				      "Kramers-Kronig test"), n);
	return 0;
}

int bg_kk_test_residuals(const bg_spectrum *s, double limit,
			 int drop_inductive, bg_kk_result *out,
			 double *res_re, double *res_im, size_t *idx,
			 size_t *nres, bg_error *err)
{
	struct kk_data d = { 0, NULL, NULL, NULL, NULL, NULL };
	double tau[KK_MAX_M], x[KK_MAX_M + 3], mu = 1, *A = NULL;
	int m = 0, mmax, mmin, rc;

	memset(out, 0, sizeof *out);
	if (!(limit > 0))
		return bg_error_set(err, BG_EINVAL, NULL, 0, 0,
				    _("residual limit must be positive"));
	if ((rc = kk_load(&d, s, drop_inductive, &out->n_dropped_inductive,
			  err)) < 0)
		goto out;
	/* 2n real equations for M + 3 unknowns, keeping some redundancy */
	mmax = (int)(d.n < KK_MAX_M ? d.n : KK_MAX_M);
	mmin = (int)ceil(KK_MIN_PER_DECADE * log10(d.w[0] / d.w[d.n - 1]));
	mmin = mmin < mmax ? mmin : mmax;
	/* scratch for the largest problem, and the right-hand side */
	A = malloc(2 * d.n * ((size_t)mmax + 4) * sizeof *A);
	if (!A) {
		rc = bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
				  _("out of memory"));
		goto out;
	}
	/* below the floor mu is not consulted, so start solving there */
	m = mmin > 1 ? mmin - 1 : 0;
	while ((mu > BG_KK_MU_C || m < mmin) && m < mmax) {
		m++;
		if ((rc = kk_solve(&d, m, A + 2 * d.n, A, x, &mu, tau)) < 0) {
			bg_error_set(err, rc, NULL, 0, 0,
				     _("Lin-KK least squares failed at M = "
				       "%d"), m);
			goto out;
		}
	}
	out->mu = mu;
	out->m = m;
	out->max_residual = kk_residuals(&d, x, tau, m, res_re, res_im);
	out->valid = out->max_residual <= limit;
	if (idx)
		memcpy(idx, d.idx, d.n * sizeof *idx);
	if (nres)
		*nres = d.n;
	rc = 0;
out:
	free(A);
	free(d.w);
	free(d.idx);
	return rc;
}

int bg_kk_test(const bg_spectrum *s, double limit, int drop_inductive,
	       bg_kk_result *out, bg_error *err)
{
	return bg_kk_test_residuals(s, limit, drop_inductive, out, NULL, NULL,
				    NULL, NULL, err);
}
