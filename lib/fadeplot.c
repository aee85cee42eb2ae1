/*
 * fadeplot.c - the picture of a fade fit: measured points (fitted and
 * held out), the fitted curve, its 80 % prediction band (P10..P90),
 * the end-of-life threshold and the knee, so that a technician sees
 * the fit at a glance.  Built on the shared plot module.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "battgrade/fade.h"
#include "battgrade/plot.h"
#include "i18n.h"

#define CURVE_N 200

static double value_of(const bg_capacity_point *p, int resistance)
{
	return resistance ? p->resistance_ohm : p->capacity_ah;
}

static double axis_of(const bg_capacity_point *p, const bg_fade_result *r)
{
	return strcmp(r->axis, "days") ? p->cycle_count : p->days;
}

/* Measured points: the first npoints usable ones were fitted. */
static int add_points(bg_plot *p, const bg_capacity_series *s,
		      const bg_fade_result *r)
{
	double *x = malloc((s->n + 1) * 2 * sizeof(double)), *y;
	size_t i, n = 0;
	int rc;

	if (!x)
		return BG_ENOMEM;
	y = x + s->n + 1;
	for (i = 0; i < s->n; i++) {
		double xi = axis_of(&s->pts[i], r);
		double yi = value_of(&s->pts[i], r->resistance);

		if (!isfinite(xi) || !isfinite(yi))
			continue;
		x[n] = xi;
		y[n] = yi;
		n++;
	}
	rc = bg_plot_add_series(p, _("measured (fitted)"), x, y,
				n < r->npoints ? n : r->npoints,
				BG_PLOT_POINTS);
	if (rc == 0 && n > r->npoints) {
		rc = bg_plot_add_series(p, _("measured (held out)"),
					x + r->npoints, y + r->npoints,
					n - r->npoints, BG_PLOT_POINTS);
		bg_plot_set_color(p, 0.55, 0.55, 0.55);
	}
	free(x);
	return rc;
}

/* Right end of the curve: the data and the end-of-life figures. */
static double right_end(const bg_capacity_series *s, const bg_fade_result *r)
{
	double hi = r->last_cycle;
	size_t i;

	for (i = 0; i < s->n; i++)
		if (isfinite(axis_of(&s->pts[i], r)))
			hi = fmax(hi, axis_of(&s->pts[i], r));
	hi = fmax(hi, isfinite(r->eol_cycle_p90) ? r->eol_cycle_p90 :
		  r->eol_cycle_p50);
	if (!isfinite(hi))
		hi = r->last_cycle;
	return fmin(hi * 1.05, r->horizon);
}

static int add_curve(bg_plot *p, const bg_capacity_series *s,
		     const bg_fade_result *r)
{
	double x[CURVE_N], y[CURVE_N], lo[CURVE_N], hi[CURVE_N];
	double a = r->first_cycle, b = right_end(s, r);
	char label[64];
	size_t i;
	int rc;

	for (i = 0; i < CURVE_N; i++) {
		x[i] = a + (b - a) * (double)i / (CURVE_N - 1);
		if (bg_fade_predict(r, x[i], 0.8, &y[i], &lo[i], &hi[i]) < 0)
			y[i] = lo[i] = hi[i] = NAN;
	}
	rc = bg_plot_add_band(p, _("80 % prediction interval"), x, lo, hi,
			      CURVE_N);
	snprintf(label, sizeof(label), "%s (%s)", _("fit"), r->model);
	if (rc == 0)
		rc = bg_plot_add_series(p, label, x, y, CURVE_N,
					BG_PLOT_LINES);
	if (rc == 0)
		bg_plot_set_color(p, 0.84, 0.15, 0.16);
	return rc;
}

static int add_marks(bg_plot *p, const bg_fade_result *r)
{
	char label[64];
	int rc;

	snprintf(label, sizeof(label), "%s %.4g %s", _("end of life"),
		 r->eol_threshold_ah, r->resistance ? "ohm" : "Ah");
	rc = bg_plot_add_hline(p, r->eol_threshold_ah, label);
	if (rc == 0 && isfinite(r->knee_cycle))
		rc = bg_plot_add_vline(p, r->knee_cycle, _("knee"));
	if (rc == 0 && isfinite(r->knee_onset_cycle))
		rc = bg_plot_add_vline(p, r->knee_onset_cycle,
				       _("knee onset"));
	if (rc == 0 && isfinite(r->eol_cycle_p10))
		rc = bg_plot_add_vline(p, r->eol_cycle_p10, "P10");
	return rc;
}

static void title(char *buf, size_t len, const char *id,
		  const bg_fade_result *r)
{
	if (r->status != BG_FADE_OK)
		snprintf(buf, len, "%s %s: %s", _("module"), *id ? id : "-",
			 bg_fade_status_name(r->status));
	else if (isfinite(r->rul_years_p50))
		snprintf(buf, len, "%s %s: RUL P50 %.1f y, P10 %.1f y",
			 _("module"), *id ? id : "-", r->rul_years_p50,
			 r->rul_years_p10);
	else
		snprintf(buf, len, "%s %s: %s", _("module"), *id ? id : "-",
			 _("end of life beyond the horizon"));
}

int bg_fade_plot(struct bg_plot **out, const bg_capacity_series *s,
		 const bg_fade_result *r, bg_error *err)
{
	char t[160];
	bg_plot *p;
	int rc;

	title(t, sizeof(t), s->module_id, r);
	if ((rc = bg_plot_new(&p, t, err)) < 0)
		return rc;
	rc = bg_plot_set_labels(p, strcmp(r->axis, "days") ?
				_("equivalent full cycles") : _("days"),
				r->resistance ? _("resistance (ohm)") :
				_("capacity (Ah)"));
	if (rc == 0 && r->status == BG_FADE_OK)
		rc = add_curve(p, s, r);
	if (rc == 0)
		rc = add_points(p, s, r);
	if (rc == 0 && isfinite(r->eol_threshold_ah))
		rc = add_marks(p, r);
	if (rc < 0) {
		bg_plot_free(p);
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
				    _("out of memory"));
	}
	*out = p;
	return 0;
}
