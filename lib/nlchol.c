/*
 * nlchol.c - a Cholesky normal-equations solver for gsl_multifit_nlinear
 * (the fade and impedance fits), bit-identical to GSL 2.7's "cholesky"
 * solver and cheaper on small problems.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_multifit_nlinear.h>

#include "nlchol-int.h"

/*
 * The normal-equations solver of the trust-region steps: GSL 2.7's
 * "cholesky" solver (J'J by dsyrk, J'J + mu D'D = L L' by the level-2
 * Cholesky, -J'f by dgemv, two triangular solves; Golub and Van Loan,
 * Matrix Computations, 4th ed., 4.2.5 and 3.1) written out with the same
 * operations in the same order, so the same rounding: on the small
 * problems of the fade and circuit fits (p <= 5 and 8 or so) GSL's generic BLAS and view layers cost
 * more than the arithmetic.  The fits are sensitive to rounding (a fit
 * pushed against a bound stops by cost flatness), so bit-identical
 * results matter: fade parameters, covariances and grades were compared
 * byte for byte with GSL's solver.  Not positive definite: GSL_EDOM, as
 * GSL's.  rcond (not used by the fits) goes through GSL.
 */
struct chol {
	size_t p;
	double *jtj, *l, *rhs;       /* p x p lower, p x p lower, p */
	gsl_matrix *mc;              /* for rcond */
	gsl_permutation *perm;
	gsl_vector *work;
};

static void chol_free(void *vs)
{
	struct chol *s = vs;

	if (!s)
		return;
	free(s->jtj);
	gsl_matrix_free(s->mc);
	gsl_permutation_free(s->perm);
	gsl_vector_free(s->work);
	free(s);
}

static void *chol_alloc(const size_t n, const size_t p)
{
	struct chol *s = calloc(1, sizeof(*s));

	(void)n;
	if (!s)
		return NULL;
	s->p = p;
	s->jtj = malloc((2 * p * p + p) * sizeof(double));
	s->mc = gsl_matrix_alloc(p, p);
	s->perm = gsl_permutation_alloc(p);
	s->work = gsl_vector_alloc(3 * p);
	if (!s->jtj || !s->mc || !s->perm || !s->work) {
		chol_free(s);
		return NULL;
	}
	s->l = s->jtj + p * p;
	s->rhs = s->l + p * p;
	return s;
}

_Thread_local unsigned long bg_nlchol_gn_failures;

static int chol_init(const void *vt, void *vs)
{
	const gsl_multifit_nlinear_trust_state *t = vt;
	struct chol *s = vs;
	const gsl_matrix *J = t->J;
	size_t a, b, i, p = s->p, n = J->size1, tda = J->tda;

	/* Up to four sums per pass over the rows, two rows per step,
	 * each sum adding its products in row order from 0: the same
	 * rounding as one at a time, with less loop overhead. */
	for (a = 0; a < p; a++) {
		for (b = 0; b + 3 <= a; b += 4) {
			const double *r = J->data;
			double s0 = 0, s1 = 0, s2 = 0, s3 = 0;

			for (i = 0; i + 2 <= n; i += 2, r += 2 * tda) {
				const double *q = r + tda;

				s0 += r[a] * r[b];
				s1 += r[a] * r[b + 1];
				s2 += r[a] * r[b + 2];
				s3 += r[a] * r[b + 3];
				s0 += q[a] * q[b];
				s1 += q[a] * q[b + 1];
				s2 += q[a] * q[b + 2];
				s3 += q[a] * q[b + 3];
			}
			if (i < n) {
				s0 += r[a] * r[b];
				s1 += r[a] * r[b + 1];
				s2 += r[a] * r[b + 2];
				s3 += r[a] * r[b + 3];
			}
			s->jtj[a * p + b] = s0;
			s->jtj[a * p + b + 1] = s1;
			s->jtj[a * p + b + 2] = s2;
			s->jtj[a * p + b + 3] = s3;
		}
		for (; b <= a; b += 2) {
			const double *r = J->data;
			double s0 = 0, s1 = 0;

			if (b + 1 <= a) {
				for (i = 0; i + 2 <= n; i += 2, r += 2 * tda) {
					const double *q = r + tda;

					s0 += r[a] * r[b];
					s1 += r[a] * r[b + 1];
					s0 += q[a] * q[b];
					s1 += q[a] * q[b + 1];
				}
				if (i < n) {
					s0 += r[a] * r[b];
					s1 += r[a] * r[b + 1];
				}
				s->jtj[a * p + b + 1] = s1;
			} else {
				for (i = 0; i + 2 <= n; i += 2, r += 2 * tda) {
					s0 += r[a] * r[b];
					s0 += r[tda + a] * r[tda + b];
				}
				if (i < n)
					s0 += r[a] * r[b];
			}
			s->jtj[a * p + b] = s0;
		}
	}
	return GSL_SUCCESS;
}

/* J'J + mu D'D into the lower triangle of a (row stride p). */
static void chol_augment(const struct chol *s, double mu,
			 const gsl_vector *d, double *a, size_t tda)
{
	size_t i, j, p = s->p;

	for (i = 0; i < p; i++)
		for (j = 0; j <= i; j++)
			a[i * tda + j] = s->jtj[i * p + j];
	if (mu != 0)
		for (i = 0; i < p; i++)
			a[i * tda + i] += mu * d->data[i * d->stride] *
					  d->data[i * d->stride];
}

static int chol_presolve(const double mu, const void *vt, void *vs)
{
	const gsl_multifit_nlinear_trust_state *t = vt;
	struct chol *s = vs;
	double *l = s->l;
	size_t i, j, k, p = s->p;

	chol_augment(s, mu, t->diag, l, p);
	for (j = 0; j < p; j++) {
		double ajj, r;

		for (i = j; i < p; i++) {
			double sum = 0;

			for (k = 0; k < j; k++)
				sum += l[i * p + k] * l[j * p + k];
			l[i * p + j] -= sum;
		}
		ajj = l[j * p + j];
		if (ajj <= 0) {
			if (mu == 0)
				bg_nlchol_gn_failures++;
			return GSL_EDOM;
		}
		r = 1.0 / sqrt(ajj);
		for (i = j; i < p; i++)
			l[i * p + j] *= r;
	}
	return GSL_SUCCESS;
}

static int chol_solve(const gsl_vector *f, gsl_vector *x, const void *vt,
		      void *vs)
{
	const gsl_multifit_nlinear_trust_state *t = vt;
	const gsl_matrix *J = t->J;
	struct chol *s = vs;
	double *l = s->l, *y = s->rhs;
	size_t i, k, p = s->p;

	/* rhs = -J' f, row by row as dgemv (skipping zero residuals) */
	for (k = 0; k < p; k++)
		y[k] = 0;
	for (i = 0; i < J->size1; i++) {
		double fi = -f->data[i * f->stride];

		if (fi == 0)
			continue;
		for (k = 0; k < p; k++)
			y[k] += fi * J->data[i * J->tda + k];
	}
	for (i = 0; i < p; i++) {            /* L z = rhs */
		double v = y[i];

		for (k = 0; k < i; k++)
			v -= l[i * p + k] * y[k];
		y[i] = v / l[i * p + i];
	}
	for (i = p; i-- > 0;) {              /* L' x = z */
		double v = y[i];

		for (k = i + 1; k < p; k++)
			v -= l[k * p + i] * y[k];
		y[i] = v / l[i * p + i];
	}
	for (k = 0; k < p; k++)
		x->data[k * x->stride] = y[k];
	return GSL_SUCCESS;
}

static int chol_rcond(double *rcond, void *vs)
{
	struct chol *s = vs;
	gsl_vector_view d = gsl_vector_view_array(s->rhs, s->p);
	double rc;
	int st;

	gsl_vector_set_zero(&d.vector);
	chol_augment(s, 0, &d.vector, s->mc->data, s->mc->tda);
	if ((st = gsl_linalg_mcholesky_decomp(s->mc, s->perm, NULL)) ||
	    (st = gsl_linalg_mcholesky_rcond(s->mc, s->perm, &rc, s->work)))
		return st;
	*rcond = sqrt(rc);
	return GSL_SUCCESS;
}

const gsl_multifit_nlinear_solver bg_nlinear_solver_cholesky = {
	"bg_cholesky", chol_alloc, chol_init, chol_presolve, chol_solve,
	chol_rcond, chol_free
};
