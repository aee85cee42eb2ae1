/*
 * knee.c - knee and knee onset of a fade history by (double)
 * Bacon-Watts.
 *
 * Bacon-Watts: y = a0 + a1 (x - x1) + a2 (x - x1) tanh((x - x1)/g),
 * and double Bacon-Watts adds a3 (x - x2) tanh((x - x2)/g) (Fermin-Cueto
 * et al. 2020, Energy and AI 1:100006; DOMAIN 4.4).  With the tiny g
 * the reference codes use (1e-8) the tanh is a sign function and the
 * model is a continuous broken line, linear in the a's once the break
 * points are fixed.  So the fit here is exact profile least squares:
 * for every candidate break point the a's come from the normal
 * equations built from suffix sums in O(1), and the break point with
 * the least residual wins.  The knee is the break of the single model;
 * the onset is the earlier break of the double model.
 *
 * A knee is reported only when the fade accelerates at the break (the
 * slope after it at least twice the slope before, and 1.5 times the
 * mean fade rate of the whole history, so that a flat start followed
 * by steady fade is not a knee), the broken line beats a straight line
 * with F-test p < 0.001, and at least max(3, n/20) points lie on each
 * side; otherwise "none" (NAN).
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "fade-int.h"

#define KNEE_P 1e-3
#define KNEE_MEAN 1.5   /* fade after the knee vs the mean fade rate */

/* Suffix sums over points k..n-1 of the normalised data. */
struct sums {
	size_t n;
	const double *x;
	double *N, *Sx, *Sxx, *Sy, *Sxy;
	double syy;
};

/* Solve the k x k system A b = v (k <= 4) by Gaussian elimination
 * with partial pivoting; -1 when singular. */
static int solve(double A[4][4], double *v, size_t k, double *b)
{
	size_t i, j, c, piv;

	for (c = 0; c < k; c++) {
		piv = c;
		for (i = c + 1; i < k; i++)
			if (fabs(A[i][c]) > fabs(A[piv][c]))
				piv = i;
		if (fabs(A[piv][c]) < 1e-12)
			return -1;
		for (j = 0; j < k; j++) {
			double t = A[c][j];

			A[c][j] = A[piv][j];
			A[piv][j] = t;
		}
		{
			double t = v[c];

			v[c] = v[piv];
			v[piv] = t;
		}
		for (i = c + 1; i < k; i++) {
			double f = A[i][c] / A[c][c];

			for (j = c; j < k; j++)
				A[i][j] -= f * A[c][j];
			v[i] -= f * v[c];
		}
	}
	for (i = k; i-- > 0;) {
		double s = v[i];

		for (j = i + 1; j < k; j++)
			s -= A[i][j] * b[j];
		b[i] = s / A[i][i];
	}
	return 0;
}

/*
 * Residual sum of squares of the broken line with breaks at the
 * points ks[0] < ks[1] (nh of them, 0..2), coefficients in beta
 * (intercept, slope, one per break).  Basis 1, x, (x - c)+.
 */
static double broken_rss(const struct sums *s, const size_t *ks,
			 size_t nh, double *beta)
{
	double A[4][4], v[4], w[4], c[2];
	size_t k = 2 + nh, i, j;

	A[0][0] = s->N[0];
	A[0][1] = A[1][0] = s->Sx[0];
	A[1][1] = s->Sxx[0];
	v[0] = s->Sy[0];
	v[1] = s->Sxy[0];
	for (i = 0; i < nh; i++) {
		size_t q = ks[i];

		c[i] = s->x[q];
		A[0][2 + i] = A[2 + i][0] = s->Sx[q] - c[i] * s->N[q];
		A[1][2 + i] = A[2 + i][1] = s->Sxx[q] - c[i] * s->Sx[q];
		A[2 + i][2 + i] = s->Sxx[q] - 2 * c[i] * s->Sx[q] +
				  c[i] * c[i] * s->N[q];
		v[2 + i] = s->Sxy[q] - c[i] * s->Sy[q];
	}
	if (nh == 2) {
		size_t q = ks[1];

		A[2][3] = A[3][2] = s->Sxx[q] - (c[0] + c[1]) * s->Sx[q] +
				    c[0] * c[1] * s->N[q];
	}
	memcpy(w, v, sizeof(w));
	if (solve(A, w, k, beta) < 0)
		return INFINITY;
	{
		double fit = 0;

		for (j = 0; j < k; j++)
			fit += beta[j] * v[j];
		return s->syy - fit;
	}
}

/* Best break in [lo, hi] by stride, others fixed; slot is its place
 * in ks. */
static size_t search(const struct sums *s, size_t *ks, size_t nh,
		     size_t slot, size_t lo, size_t hi, size_t stride,
		     double *best_rss)
{
	double beta[4];
	size_t k, best = lo;

	*best_rss = INFINITY;
	for (k = lo; k <= hi; k += stride) {
		double rss;

		ks[slot] = k;
		rss = broken_rss(s, ks, nh, beta);
		if (rss < *best_rss) {
			*best_rss = rss;
			best = k;
		}
	}
	ks[slot] = best;
	return best;
}

/* Coarse search, then refined around the coarse optimum. */
static size_t search2(const struct sums *s, size_t *ks, size_t nh,
		      size_t slot, size_t lo, size_t hi, double *rss)
{
	size_t stride = (hi - lo) / 128 + 1, b;

	b = search(s, ks, nh, slot, lo, hi, stride, rss);
	if (stride > 1)
		b = search(s, ks, nh, slot, b > lo + stride ? b - stride : lo,
			   b + stride < hi ? b + stride : hi, 1, rss);
	return b;
}

static int make_sums(struct sums *s, const double *x, const double *y,
		     size_t n, int dir, double *xs)
{
	double x0 = x[0], span = x[n - 1] - x[0], ym = 0, ysd = 0;
	size_t i;

	if (!(span > 0))
		return -1;
	s->n = n;
	s->N = calloc(5 * (n + 1), sizeof(double));
	if (!s->N)
		return -1;
	s->Sx = s->N + (n + 1);
	s->Sxx = s->Sx + (n + 1);
	s->Sy = s->Sxx + (n + 1);
	s->Sxy = s->Sy + (n + 1);
	for (i = 0; i < n; i++)
		ym += y[i];
	ym /= (double)n;
	for (i = 0; i < n; i++)
		ysd += (y[i] - ym) * (y[i] - ym);
	ysd = sqrt(ysd / (double)n);
	if (!(ysd > 0))
		ysd = 1;
	s->syy = 0;
	for (i = n; i-- > 0;) {
		double xi = (x[i] - x0) / span;
		double yi = dir * (y[i] - ym) / ysd;

		xs[i] = xi;
		s->N[i] = s->N[i + 1] + 1;
		s->Sx[i] = s->Sx[i + 1] + xi;
		s->Sxx[i] = s->Sxx[i + 1] + xi * xi;
		s->Sy[i] = s->Sy[i + 1] + yi;
		s->Sxy[i] = s->Sxy[i + 1] + xi * yi;
		s->syy += yi * yi;
	}
	s->x = xs;
	return 0;
}

/* Does the break at ks[0] make a significant, accelerating knee? */
static int is_knee(const struct sums *s, size_t k, double rss_knee)
{
	double beta[4], rss_lin, F, dof = (double)s->n - 4, mean_slope;

	rss_lin = broken_rss(s, &k, 0, beta);
	mean_slope = beta[1];
	broken_rss(s, &k, 1, beta);
	if (!(beta[2] > 0) || !(beta[1] + beta[2] > 2 * fmax(beta[1], 0)) ||
	    !(mean_slope > 0) || !(beta[1] + beta[2] > KNEE_MEAN * mean_slope))
		return 0;
	if (rss_knee <= 1e-20 * rss_lin)
		return 1;
	F = (rss_lin - rss_knee) / (rss_knee / dof);
	return F > 0 && dof >= 1 && gsl_cdf_fdist_Q(F, 2, dof) < KNEE_P;
}

void bg_knee_find(const double *x, const double *y, size_t n, int dir,
		  double *knee, double *onset)
{
	size_t m = n / 20 > 3 ? n / 20 : 3, ks[2], k1, k2, round;
	double *xs, rss, beta[4];
	struct sums s;

	*knee = *onset = NAN;
	if (n < 2 * m + 4 || !(xs = malloc(n * sizeof(double))))
		return;
	if (make_sums(&s, x, y, n, dir, xs) < 0) {
		free(xs);
		return;
	}
	k2 = search2(&s, ks, 1, 0, m, n - m - 1, &rss);
	if (!is_knee(&s, k2, rss))
		goto out;
	*knee = x[k2];
	/* Onset: the earlier break of the double model, found by
	 * alternating the two one-dimensional searches. */
	if (k2 < 2 * m)
		goto out;
	k1 = m;
	for (round = 0; round < 2; round++) {
		ks[1] = k2;
		k1 = search2(&s, ks, 2, 0, m, k2 - m, &rss);
		ks[0] = k1;
		if (k1 + m > n - m - 1)
			break;
		k2 = search2(&s, ks, 2, 1, k1 + m, n - m - 1, &rss);
	}
	ks[0] = k1;
	ks[1] = k2;
	broken_rss(&s, ks, 2, beta);
	if (beta[2] > 0 && beta[3] > 0)
		*onset = x[k1];
out:
	free(s.N);
	free(xs);
}
