/*
 * fit.c - fade fits per second: a 1,000-point capacity history with
 * cycles, calendar days and temperatures, so that model selection
 * runs over every capacity model of the catalogue; one thread, one
 * reused fader.  Baseline in the same run: a single forced linear fit
 * of the same history.  Target: 2,000 histories a second per core.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "battgrade.h"
#include "battgrade/fade.h"
#include "../tests/fadedata.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void history(bg_capacity_series *s, gsl_rng *rng, size_t n)
{
	size_t i;

	fd_alloc(s, n);
	for (i = 0; i < n; i++) {
		double x = (double)i;

		s->pts[i].cycle_count = x;
		s->pts[i].days = 1.3 * x + 40 * (1 - cos(x / 90));
		s->pts[i].temperature_c = 25 + 10 * (double)(i % 3);
		s->pts[i].capacity_ah = 2.0 * (1 - 3.1e-3 * pow(x, 0.71)) +
					gsl_ran_gaussian(rng, 0.004);
	}
}

static double rate(bg_fader *f, const bg_capacity_series *s,
		   const char *model, double secs, bg_fade_result *r)
{
	bg_fade_opts o;
	bg_error err;
	double t0 = now(), t;
	long k = 0;

	bg_fade_opts_init(&o);
	o.model = model;
	do {
		if (bg_fade_capacity(f, s, &o, r, &err) < 0) {
			fprintf(stderr, "fit: %s\n", err.msg);
			exit(1);
		}
		k++;
	} while ((t = now() - t0) < secs);
	return (double)k / t;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? strtod(argv[1], NULL) : 2.0, all, lin;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	bg_capacity_series s;
	bg_fade_result r;
	bg_fader *f;
	bg_error err;

	bg_init();
	if (bg_fader_new(&f, &err) < 0) {
		fprintf(stderr, "fit: %s\n", err.msg);
		return 1;
	}
	gsl_rng_set(rng, 1);
	history(&s, rng, 1000);
	lin = rate(f, &s, "linear", secs / 4, &r);
	all = rate(f, &s, "auto", secs, &r);
	printf("history: 1000 points, models tried: all capacity models "
	       "(selected %s, status %d)\n", r.model, r.status);
	printf("baseline (forced linear fit): %.0f fits/s\n", lin);
	printf("auto selection over all models: %.0f histories/s "
	       "(target 2000/s): %s\n", all, all >= 2000 ? "PASS" : "BELOW");
	fd_free(&s);
	bg_fader_free(f);
	gsl_rng_free(rng);
	return 0;
}
