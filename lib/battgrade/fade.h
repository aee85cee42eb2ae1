/*
 * fade.h - capacity and resistance fade: model fits, model choice,
 * knee detection and remaining useful life with prediction intervals.
 *
 * The models are data files in models/degradation/ (one JSON file per
 * model), each backed by one C function giving the model's value and
 * its analytic Jacobian (lib/fademodels.c).  Fits use GSL's trust
 * region (gsl_multifit_nlinear), the covariance is scaled by
 * s^2 = chi^2/(n-p) and models are ranked by AICc; remaining life
 * comes from the delta method with a Student t quantile (DOMAIN
 * section 4.6).  A bg_fader is a reusable workspace: allocate one per
 * thread and reuse it for every module.
 */
#ifndef BG_FADE_H
#define BG_FADE_H

#include <stddef.h>

#include "battgrade/error.h"
#include "battgrade/pack.h"

struct cJSON;

typedef struct bg_fade_opts {
	const char *model;           /* "auto" or NULL = choose by AICc */
	double rated_capacity_ah;    /* <= 0: the first point */
	double eol_fraction;         /* default 0.6 (of rated capacity) */
	double cycles_per_day;       /* default 1 */
	double train_fraction;       /* default 1: fit the whole history */
	double eol_resistance_factor; /* default 2 (end of life at 2 x R0) */
	int skip_p90;                /* 1: leave eol_cycle_p90 NAN (one
					crossing search less; default 0) */
} bg_fade_opts;

/* Fill o with the defaults above. */
void bg_fade_opts_init(bg_fade_opts *o);

enum { BG_FADE_OK, BG_FADE_INSUFFICIENT, BG_FADE_NOCONV };

#define BG_FADE_MAXP 8

typedef struct bg_fade_result {
	int status;                  /* BG_FADE_OK, _INSUFFICIENT, _NOCONV */
	char model[32];
	size_t nparams;
	char param_name[8][16];
	double param[8], param_se[8];
	double aicc, rmse;
	double knee_cycle, knee_onset_cycle;   /* NAN = none */
	double eol_threshold_ah;     /* resistance fits: ohm */
	double eol_cycle_p50, eol_cycle_p10, rul_cycles_p50, rul_cycles_p10,
	       rul_years_p50, rul_years_p10;
	/* NAN when unknown or beyond horizon: then also rul_beyond_horizon */
	int rul_beyond_horizon;
	double last_cycle, capacity_now_ah, rated_capacity_ah;
	int rated_from_first_point;

	/* Additions beyond the grading contract. */
	char axis[8];                /* "cycles" or "days" (calendar only) */
	char equation[32];           /* equation id of the model */
	char param_unit[8][16];
	int resistance;              /* 1: a resistance-growth fit */
	size_t npoints;              /* points fitted */
	double s2;                   /* residual variance chi^2/(n-p) */
	double variance_inflation;   /* (1+rho)/(1-rho), rho = lag-1
					autocorrelation of residuals (>= 1) */
	double dof;                  /* n/inflation - p: for t quantiles */
	double covar[8][8];          /* covariance: inflation s^2 (J'J)^-1 */
	double horizon;              /* last axis value searched for EOL */
	double first_cycle;          /* axis value of the first point */
	double days_first, days_last; /* NAN without calendar time */
	double temp_mean_k;          /* NAN without temperatures */
	double cycles_per_day;       /* duty used for the figures above */
	double eol_cycle_p90;        /* optimistic end: [p10, p90] is the
					80 % interval; NAN beyond horizon */
} bg_fade_result;

typedef struct bg_fader bg_fader;  /* reusable workspace, one per thread */

/*
 * Allocate a fader and load the model catalogue from
 * <models>/degradation/<name>.json.  BG_ECONFIG when a model file is
 * malformed or names an unknown equation.  Free with bg_fader_free().
 */
int bg_fader_new(bg_fader **out, bg_error *err);
void bg_fader_free(bg_fader *f);

/*
 * Fit the capacity history s (capacity_ah against cycle_count, or
 * against days when the history has no cycle counts).  Returns 0 with
 * out->status telling whether there is a usable fit; a negative BG_E*
 * code only for bad arguments, unsorted data or a forced model that
 * is unknown or lacks its inputs.
 */
int bg_fade_capacity(bg_fader *f, const bg_capacity_series *s,
		     const bg_fade_opts *o, bg_fade_result *out,
		     bg_error *err);

/* The same for resistance_ohm; threshold = eol_resistance_factor x
 * r0_ohm (r0_ohm <= 0 or NAN: the first measured resistance). */
int bg_fade_resistance(bg_fader *f, const bg_capacity_series *s,
		       double r0_ohm, const bg_fade_opts *o,
		       bg_fade_result *out, bg_error *err);

/*
 * Remaining life of an earlier fit under another threshold (same unit
 * as the data) and duty, without refitting.  NAN when unknown or
 * beyond the horizon.  Returns 0, or BG_EINVAL when fit has no usable
 * model.  f may be NULL.
 */
int bg_fade_rul_years(bg_fader *f, const bg_fade_result *fit,
		      double eol_threshold_ah, double cycles_per_day,
		      double *p50_years, double *p10_years);

/*
 * bg_fade_rul_years for n duties at once (rc[k]: its return value for
 * cpd[k]), with the same results; cheaper because a model that does
 * not read calendar time crosses the threshold at the same axis value
 * whatever the duty.  Returns BG_EINVAL when fit has no usable model.
 */
int bg_fade_rul_years_n(const bg_fade_result *fit, double eol_threshold,
			size_t n, const double *cpd, double *p50_years,
			double *p10_years, int *rc);

/* The model prediction of a fit at axis value x: value and the lower
 * and upper bounds of its two-sided prediction interval of the given
 * level (e.g. 0.8: P10 and P90).  Used for plots. */
int bg_fade_predict(const bg_fade_result *fit, double x, double level,
		    double *y, double *lo, double *hi);

/* Status as the JSON string: "ok", "insufficient_history",
 * "no_convergence". */
const char *bg_fade_status_name(int status);

/* The result as a JSON object (keys of battgrade-fit(1)); *out is
 * owned by the caller (cJSON_Delete). */
int bg_fade_result_to_json(const bg_fade_result *r, struct cJSON **out);

/*
 * The picture of a fit (points, curve, 80 % band, threshold, knee) as
 * a figure of the plot module (battgrade/plot.h): write it with
 * bg_plot_write() or draw it into a page with bg_plot_draw().
 * s is the history that was fitted.  Free with bg_plot_free().
 */
struct bg_plot;
int bg_fade_plot(struct bg_plot **out, const bg_capacity_series *s,
		 const bg_fade_result *r, bg_error *err);

/* Names of the models in the catalogue for a kind ("capacity" or
 * "resistance"): count, and the i-th name (borrowed). */
size_t bg_fader_nmodels(const bg_fader *f);
const char *bg_fader_model_name(const bg_fader *f, size_t i,
				int *resistance);

#endif
