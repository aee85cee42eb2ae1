/*
 * fade-int.h - private parts of the fade module shared by its files:
 * the model equations (fademodels.c), the catalogue read from
 * models/degradation/<name>.json (fadecat.c), knee detection (knee.c) and
 * prediction / remaining life (rul.c).
 */
#ifndef BG_FADE_INT_H
#define BG_FADE_INT_H

#include <stddef.h>

#include "battgrade/error.h"
#include "battgrade/fade.h"

/* Inputs a model may need, besides the fitted axis x. */
enum {
	BG_FADE_IN_X = 1,      /* the axis: cycles, or days when calendar */
	BG_FADE_IN_DAYS = 2,   /* calendar days besides a cycle axis */
	BG_FADE_IN_TEMP = 4    /* temperature of every point */
};

/*
 * The inputs of n points.  Logarithms are precomputed once per history
 * so that x^z costs one exp(): lx[i] = log(x[i]), or -INFINITY when
 * x[i] <= 0 (a term x^z is then 0 and so is its derivative).
 */
typedef struct bg_fade_in {
	size_t n;
	const double *x, *lx;   /* axis */
	const double *d, *ld;   /* calendar days; NULL when absent */
	const double *tk;       /* temperature, kelvin; NULL when absent */
} bg_fade_in;

/*
 * A model equation: values f[0..n-1] at parameters th and, when J is
 * non-NULL, the analytic Jacobian J[i*np + j] = d f[i] / d th[j].
 */
typedef void (*bg_fade_fn)(const double *th, const bg_fade_in *in,
			   double *f, double *J);

struct bg_fade_eq {
	const char *id;
	size_t np;
	unsigned inputs;        /* BG_FADE_IN_* */
	bg_fade_fn fn;
};

/* The equation with that id, or NULL. */
const struct bg_fade_eq *bg_fade_eq_find(const char *id);

/* How a parameter's starting value is chosen (see battgrade-fit(1)). */
enum bg_fade_start {
	BG_START_VALUE,      /* a constant */
	BG_START_VALUES,     /* a grid of constants: multi-start */
	BG_START_Y0,         /* the initial value of the history */
	BG_START_SHARE,      /* explains a share of the observed change */
	BG_START_PER_X,      /* grid of values divided by the last x */
	BG_START_LOG_SLOPE   /* log(y_last / y0) / x_last */
};

#define BG_FADE_MAXVALS 6

struct bg_fade_param {
	char name[16], unit[16];
	double lo, hi;          /* -INFINITY / INFINITY when unbounded */
	int start;              /* enum bg_fade_start */
	double share;
	size_t nvals;
	double vals[BG_FADE_MAXVALS];
};

struct bg_fade_model {
	char name[32];
	char equation[32];
	int resistance;         /* 0 capacity, 1 resistance */
	const struct bg_fade_eq *eq;
	size_t np;
	struct bg_fade_param par[BG_FADE_MAXP];
	unsigned inputs;
	size_t fit_starts;      /* best starting points polished */
};

/* One model description from len bytes of JSON; name for messages.
 * BG_ECONFIG when malformed or naming an unknown equation. */
int bg_fade_model_parse(struct bg_fade_model *m, const char *name,
			const char *buf, size_t len, bg_error *err);

/* Load every *.json of <models>/degradation, sorted by file name. */
int bg_fade_catalogue_load(struct bg_fade_model **out, size_t *n,
			   bg_error *err);

/*
 * Knee and knee onset of a history by (double) Bacon-Watts in the limit
 * of a sharp transition; dir = -1 when the quantity falls with age
 * (capacity), +1 when it rises (resistance).  NAN when there is none.
 */
void bg_knee_find(const double *x, const double *y, size_t n, int dir,
		  double *knee, double *onset);

/* Fill the end-of-life and remaining-life figures of r for threshold
 * thr and duty cpd (rul.c). */
void bg_fade_rul_fill(bg_fade_result *r, double thr, double cpd);

/* The same, with the optimistic P90 crossing only when p90. */
void bg_fade_rul_fill_p90(bg_fade_result *r, double thr, double cpd,
			  int p90);

#endif
