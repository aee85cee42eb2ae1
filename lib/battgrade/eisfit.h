/*
 * eisfit.h - complex nonlinear least-squares (CNLS) fits of equivalent
 * circuits to impedance spectra.
 *
 * Residuals are the real and imaginary parts stacked, weighted as
 * chosen (DOMAIN.md 4.8; impedance.py weight_by_modulus): modulus
 * (default, sigma = |Z| on both parts), unit, or proportional
 * (sigma = |Z'| and |Z''| separately).  Positive parameters are fitted
 * as logarithms and CPE exponents through a logistic, so every result
 * is physical.  Starting values come from the spectrum itself
 * (high-frequency intercept, arc apex frequencies and widths, the
 * low-frequency tail), with several starts when the first one fits
 * badly.  The minimiser is GSL's trust-region gsl_multifit_nlinear
 * with the analytic Jacobian of circuit.h.
 *
 * A fitter keeps its workspaces between fits and allocates only when a
 * spectrum is longer or a circuit has more parameters than before: keep
 * one per thread.
 */
#ifndef BG_EISFIT_H
#define BG_EISFIT_H

#include <stddef.h>

#include "battgrade/error.h"
#include "battgrade/pack.h"

struct cJSON;

enum bg_eis_weighting {
	BG_EIS_WEIGHT_MODULUS = 0,      /* sigma = |Z| (default) */
	BG_EIS_WEIGHT_UNIT = 1,         /* sigma = 1 */
	BG_EIS_WEIGHT_PROPORTIONAL = 2  /* sigma = |Z'|, |Z''| (each floored
					   at 1e-3 |Z|) */
};

typedef struct bg_eis_fitter bg_eis_fitter;

/* A fitter with empty workspaces; free with bg_eis_fitter_free(). */
int bg_eis_fitter_new(bg_eis_fitter **out, bg_error *err);
void bg_eis_fitter_free(bg_eis_fitter *f);

typedef struct bg_eis_result {
	int status;             /* 0 ok, BG_ENOCONV when no start converged
				   or the best fit misses the data by more
				   than 20 % rms */
	char circuit[128];      /* canonical circuit string */
	size_t nparams;
	char param_name[16][16];
	double param[16], param_se[16];  /* value and standard error, SI */
	double chi2_dof;        /* weighted chi^2 / (2n - p) */
} bg_eis_result;

/*
 * Fit a circuit (string or template name, see bg_circuit_resolve()) to
 * spectrum s with weighting (enum bg_eis_weighting), automatic starting
 * values and multi-start.  Standard errors are sqrt(diag((J'J)^-1)) of
 * the transformed parameters scaled by chi2/dof, carried back by the
 * delta method.  Returns 0, BG_ENOCONV (out is still filled with the
 * best fit found), or BG_EDATA / BG_EINVAL for a bad circuit, fewer
 * points than parameters, or non-finite data.
 */
int bg_eis_fit(bg_eis_fitter *f, const bg_spectrum *s,
	       const char *circuit_or_template, int weighting,
	       bg_eis_result *out, bg_error *err);

/*
 * As bg_eis_fit() with a user guess: guess[i] is the starting value of
 * parameter i (nguess must equal the number of parameters, all values
 * positive, CPE exponents in (0,1]).  The guess is the first start;
 * the automatic starts follow only if it fits badly.
 */
int bg_eis_fit_guess(bg_eis_fitter *f, const bg_spectrum *s,
		     const char *circuit_or_template, int weighting,
		     const double *guess, size_t nguess, bg_eis_result *out,
		     bg_error *err);

/*
 * Figures of the last fit (borrowed, valid until the next fit): the
 * root-mean-square of the |Z|-normalised residuals whatever the
 * weighting, the number of starts tried and the total number of
 * iterations.
 */
double bg_eis_fitter_rms(const bg_eis_fitter *f);
int bg_eis_fitter_starts(const bg_eis_fitter *f);
int bg_eis_fitter_iterations(const bg_eis_fitter *f);

/*
 * Residuals of the last fit, (Z_data - Z_fit)/|Z_data| for the real and
 * imaginary parts, in order of decreasing frequency; freq_hz likewise.
 * All three arrays are borrowed; *n is the number of points.
 */
void bg_eis_fitter_residuals(const bg_eis_fitter *f, const double **freq_hz,
			     const double **res_re, const double **res_im,
			     size_t *n);

/*
 * Impedance of a fitted result at frequency f_hz (parses its circuit;
 * for plots and reports, not for inner loops).
 */
int bg_eis_result_eval(const bg_eis_result *r, double f_hz, double *z_re,
		       double *z_im, bg_error *err);

/*
 * {"circuit": ..., "status": "ok"|"not_converged", "params": {name:
 * {"value": v, "std_error": se}}, "chi2_dof": x}.  *out is owned by the
 * caller (cJSON_Delete).  Returns 0 or BG_ENOMEM.
 */
int bg_eis_result_to_json(const bg_eis_result *r, struct cJSON **out);

/* Parse "modulus", "unit" or "proportional"; -1 when unknown. */
int bg_eis_weighting_parse(const char *s);

#endif
