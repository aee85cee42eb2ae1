/*
 * backtest.c - back-test of the fade fits on the real histories of
 * $BG_SHARED_DATA/real: fit the first 50 % and 70 % of each history
 * (model chosen by AICc), predict the end-of-life cycle and compare
 * with the cycle where the measured capacity first fell below the
 * threshold.  Prints a Markdown table; exit 77 without the data.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "battgrade.h"
#include "battgrade/fade.h"
#include "../tests/fadedata.h"

/* First axis value with capacity below thr, or NAN. */
static double observed_eol(const bg_capacity_series *s, double thr)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		double x = isfinite(s->pts[i].cycle_count) ?
			   s->pts[i].cycle_count : s->pts[i].days;

		if (s->pts[i].capacity_ah < thr)
			return x;
	}
	return NAN;
}

static const char *num(char *buf, size_t len, double v)
{
	if (isfinite(v))
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "-");
	return buf;
}

static void row(bg_fader *f, const struct fd_real *d,
		const bg_capacity_series *s, double frac, int *inside,
		int *rows, double *abs_err)
{
	char a[32], b[32], c[32], e[32], g[32];
	double obs = observed_eol(s, d->eol_ah), err;
	bg_fade_result r;
	bg_fade_opts o;
	bg_error er;
	int in;

	bg_fade_opts_init(&o);
	o.rated_capacity_ah = d->rated_ah;
	o.eol_fraction = d->eol_ah / d->rated_ah;
	o.train_fraction = frac;
	if (bg_fade_capacity(f, s, &o, &r, &er) < 0) {
		printf("| %s | %.0f %% | error: %s |\n", d->name, frac * 100,
		       er.msg);
		return;
	}
	if (r.status != BG_FADE_OK) {
		printf("| %s | %.0f %% | %zu | %s | %s | - | - | - | - | %s |\n",
		       d->name, frac * 100, r.npoints,
		       bg_fade_status_name(r.status), num(a, 32, obs), r.axis);
		return;
	}
	err = r.eol_cycle_p50 - obs;
	in = isfinite(obs) && obs >= r.eol_cycle_p10 &&
	     (obs <= r.eol_cycle_p90 || isnan(r.eol_cycle_p90));
	printf("| %s | %.0f %% | %zu | %s | %s | %s | %s | %s .. %s | %s | %s |\n",
	       d->name, frac * 100, r.npoints, r.model, num(a, 32, obs),
	       num(b, 32, r.eol_cycle_p50), isfinite(err) && isfinite(obs) ?
	       (snprintf(e, 32, "%+.0f (%+.1f %%)", err, 100 * err / obs), e) :
	       "-", num(c, 32, r.eol_cycle_p10),
	       num(g, 32, r.eol_cycle_p90), !isfinite(obs) ? "n/a" :
	       in ? "yes" : "no", r.axis);
	if (isfinite(obs) && isfinite(err)) {
		(*rows)++;
		*inside += in;
		*abs_err += fabs(err / obs);
	}
}

int main(void)
{
	char path[1024];
	bg_fader *f;
	bg_error err;
	size_t i;
	int inside = 0, rows = 0;
	double abs_err = 0;

	if (fd_real_path(path, sizeof(path), "") < 0) {
		fprintf(stderr, "backtest: BG_SHARED_DATA/real not found: "
			"skipped\n");
		return 77;
	}
	bg_init();
	if (bg_fader_new(&f, &err) < 0) {
		fprintf(stderr, "backtest: %s\n", err.msg);
		return 1;
	}
	printf("| history | trained on | points | model | observed EOL | "
	       "predicted P50 | error | P10 .. P90 | observed inside | "
	       "axis |\n|---|---|---|---|---|---|---|---|---|---|\n");
	for (i = 0; i < fd_nreals; i++) {
		bg_capacity_series s;

		fd_real_path(path, sizeof(path), fd_reals[i].file);
		if (fd_read(&s, path, &fd_reals[i].cols, &err) < 0) {
			fprintf(stderr, "backtest: %s: %s\n", path, err.msg);
			return 1;
		}
		row(f, &fd_reals[i], &s, 0.5, &inside, &rows, &abs_err);
		row(f, &fd_reals[i], &s, 0.7, &inside, &rows, &abs_err);
		fd_free(&s);
	}
	printf("\nThresholds: ");
	for (i = 0; i < fd_nreals; i += 1)
		if (i == 0 || fd_reals[i].eol_note != fd_reals[i - 1].eol_note)
			printf("%s%s: %s", i ? "; " : "", fd_reals[i].name,
			       fd_reals[i].eol_note);
	printf(".\nRows with an observed end of life: %d; mean |error| "
	       "%.1f %%; observed inside the 80 %% interval: %d of %d.\n",
	       rows, rows ? 100 * abs_err / rows : 0, inside, rows);
	bg_fader_free(f);
	return 0;
}
