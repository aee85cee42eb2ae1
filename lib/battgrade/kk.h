/*
 * kk.h - Kramers-Kronig validation of impedance spectra by the Lin-KK
 * test (Schoenleber, Klotz, Ivers-Tiffee, Electrochim. Acta 131 (2014)
 * 20-27, doi:10.1016/j.electacta.2014.01.034).
 *
 * The spectrum is fitted by linear least squares with a KK-consistent
 * model, R_ohm + jwL + 1/(jwC) + sum_k R_k/(1 + jw tau_k), tau_k
 * log-spaced from 1/w_max to 1/w_min; the number M of RC elements grows
 * until mu = 1 - sum|R_k<0|/sum|R_k>=0| < c = 0.85 (over-fitting), but
 * to at least two elements per decade of frequency.  The
 * residuals, normalised by |Z|, must stay below a limit: larger ones
 * mean drift, non-linearity or noise, i.e. an invalid measurement.
 */
#ifndef BG_KK_H
#define BG_KK_H

#include <stddef.h>

#include "battgrade/error.h"
#include "battgrade/pack.h"

/* The mu threshold of Schoenleber et al. 2014. */
#define BG_KK_MU_C 0.85
/* Default residual limit (fraction of |Z|): 2 %. */
#define BG_KK_DEFAULT_LIMIT 0.02

typedef struct bg_kk_result {
	double mu;              /* mu at the chosen M */
	int m;                  /* number of RC elements */
	double max_residual;    /* largest |res|/|Z| over Re and Im */
	int valid;              /* 1 when max_residual <= limit */
	size_t n_dropped_inductive;  /* points with Im Z > 0 dropped */
} bg_kk_result;

/*
 * Test spectrum s.  limit is the largest acceptable normalised residual
 * as a fraction (0.02 = 2 %).  drop_inductive: 1 drops points with
 * Im Z > 0 before the test (counted in n_dropped_inductive), 0 keeps
 * them (the model's inductance absorbs cable inductance).  Returns 0,
 * or BG_EDATA when fewer than 4 points remain or the data are not
 * finite, BG_EINVAL for a non-positive limit, BG_ENOMEM.
 */
int bg_kk_test(const bg_spectrum *s, double limit, int drop_inductive,
	       bg_kk_result *out, bg_error *err);

/*
 * As bg_kk_test(), also returning the normalised residuals of the kept
 * points in order of decreasing frequency: res_re[i], res_im[i] for
 * i < *nres (arrays of
 * s->n entries supplied by the caller; NULL to skip), and the index in s
 * of each kept point in idx (may be NULL).
 */
int bg_kk_test_residuals(const bg_spectrum *s, double limit,
			 int drop_inductive, bg_kk_result *out,
			 double *res_re, double *res_im, size_t *idx,
			 size_t *nres, bg_error *err);

#endif
