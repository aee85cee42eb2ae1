/*
 * bench_eis.c - speed of equivalent-circuit fits.
 *
 * Synthetic: 60-point spectra (10 kHz .. 10 mHz) of the two-arc battery
 * circuit L0-R0-p(R1,CPE1)-p(R2,CPE2)-W1 (9 parameters), automatic
 * start, one thread, one reused fitter; every fit timed on its own.
 * Baseline in the same run: the same fits with a new fitter each time
 * (workspaces allocated per fit).  Real: every spectrum of the shared
 * data files, two-arc circuit, plus the Lin-KK test.
 *
 *	bench_eis [NFITS]      (default 2000)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "battgrade/eisfile.h"
#include "battgrade/eisfit.h"
#include "battgrade/error.h"
#include "battgrade/kk.h"
#include "../tests/eis-synth.h"

#define NSPEC 200

static const double truth[9] = { 2e-7, 0.02, 0.008, 0.02, 0.88, 0.03,
				 30.0, 0.75, 0.004 };

/*
 * The thread's CPU time: the build machine is shared, and wall-clock
 * time per fit would measure the other processes as much as the fit.
 * fits/s below is from the same clock (one thread).
 */
static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static double wall_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double pct(double *v, size_t n, double p)
{
	qsort(v, n, sizeof *v, cmp);
	return v[(size_t)(p * (n - 1))];
}

/* Fit nfits spectra (cycling over NSPEC); fresh: a new fitter per fit. */
static void synthetic(double noise, size_t nfits, int fresh)
{
	static struct synth y[NSPEC];
	double *t = malloc(nfits * sizeof *t), *rms = malloc(nfits *
							      sizeof *rms);
	bg_eis_fitter *f = NULL;
	bg_eis_result r;
	bg_error err;
	size_t i, fails = 0;
	long iters = 0, starts = 0;
	double total = 0, w0;

	for (i = 0; i < NSPEC; i++)
		synth_make(&y[i], "L0-R0-p(R1,CPE1)-p(R2,CPE2)-W1", truth, 60,
			   1e-2, 1e4, noise, i + 1);
	if (!fresh)
		bg_eis_fitter_new(&f, &err);
	w0 = wall_us();
	for (i = 0; i < nfits; i++) {
		double t0 = now_us();

		if (fresh)
			bg_eis_fitter_new(&f, &err);
		if (bg_eis_fit(f, &y[i % NSPEC].s, "two-arc", 0, &r, &err))
			fails++;
		iters += bg_eis_fitter_iterations(f);
		starts += bg_eis_fitter_starts(f);
		rms[i] = bg_eis_fitter_rms(f);
		if (fresh) {
			bg_eis_fitter_free(f);
			f = NULL;
		}
		t[i] = now_us() - t0;
		total += t[i];
	}
	w0 = wall_us() - w0;
	bg_eis_fitter_free(f);
	printf("%-8s noise %3.1f %%  %5zu fits  CPU median %6.1f us  p90 %6.1f"
	       " us  %6.0f fits/s (wall %6.0f)  iter %4.1f  starts %4.2f  "
	       "rms median %.3g %% max %.3g %%  failed %zu\n",
	       fresh ? "baseline" : "reused", 100 * noise, nfits,
	       pct(t, nfits, 0.5), pct(t, nfits, 0.9), 1e6 * nfits / total,
	       1e6 * nfits / w0,
	       (double)iters / nfits, (double)starts / nfits,
	       100 * pct(rms, nfits, 0.5), 100 * pct(rms, nfits, 1.0), fails);
	free(t);
	free(rms);
}

static void real_file(bg_eis_fitter *f, const char *dir, const char *name)
{
	char path[1024];
	bg_eisfile_spectra *set;
	bg_eis_result r;
	bg_kk_result kk;
	bg_error err;
	double *t, *rms, *kr;
	size_t i, ok = 0, kk_ok = 0;

	snprintf(path, sizeof path, "%s/real/%s", dir, name);
	if (bg_eisfile_read_spectra(&set, path, &err) < 0) {
		printf("%s: %s\n", name, err.msg);
		return;
	}
	t = malloc(3 * set->n * sizeof *t);
	rms = t + set->n;
	kr = rms + set->n;
	for (i = 0; i < set->n; i++) {
		double t0 = now_us();

		ok += bg_eis_fit(f, &set->spectra[i], "two-arc", 0, &r,
				 &err) == 0;
		t[i] = now_us() - t0;
		rms[i] = bg_eis_fitter_rms(f);
		bg_kk_test(&set->spectra[i], 0.02, 1, &kk, &err);
		kk_ok += kk.valid;
		kr[i] = kk.max_residual;
	}
	printf("%-46s %4zu spectra x %3zu pts  fit ok %4zu  CPU median %6.0f us"
	       "  rms median %.2f %% max %.2f %%  KK valid %4zu (max res "
	       "%.2f %%)\n", name, set->n, set->spectra[0].n, ok,
	       pct(t, set->n, 0.5), 100 * pct(rms, set->n, 0.5),
	       100 * pct(rms, set->n, 1.0), kk_ok,
	       100 * pct(kr, set->n, 1.0));
	free(t);
	bg_eisfile_spectra_free(set);
}

int main(int argc, char **argv)
{
	static const char *const files[] = {
		"zhang2020_eis/25C01_eis_stateV_all.csv",
		"zhang2020_eis/25C02_eis_stateV_all.csv",
		"nrel_denso/denso_series01_eis.csv",
		"nrel_denso/denso_series04_eis.csv",
		"nrel_denso/denso_series12_eis.csv",
		"nrel_denso/denso_series14_eis.csv",
		"nrel_denso/denso_series27_eis.csv",
		"nrel_denso/denso_series30_eis.csv",
		"faraji_niri2023/cell02_eis.csv",
		"faraji_niri2023/cell03_eis.csv",
		"faraji_niri2023/cell12_eis.csv",
		"faraji_niri2023/cell13_eis.csv",
		"faraji_niri2023/cell15_eis.csv",
		"faraji_niri2023/cell17_eis.csv",
		"faraji_niri2023/cell18_eis.csv",
		"faraji_niri2023/cell20_eis.csv",
		"faraji_niri2023/cell28_eis.csv",
		"faraji_niri2023/cell29_eis.csv",
	};
	size_t nfits = argc > 1 ? strtoul(argv[1], NULL, 10) : 2000, i;
	const char *dir = getenv("BG_SHARED_DATA");
	bg_eis_fitter *f;

	bg_init();
	printf("two-arc circuit, 60 points, automatic start, one thread\n");
	synthetic(0.0, nfits, 0);
	synthetic(0.002, nfits, 0);
	synthetic(0.002, nfits, 1);
	synthetic(0.01, nfits, 0);
	if (!dir || !*dir) {
		printf("BG_SHARED_DATA not set: no real spectra\n");
		return 0;
	}
	printf("\nreal spectra (two-arc, modulus weighting, auto start; KK "
	       "with inductive points dropped):\n");
	bg_eis_fitter_new(&f, NULL);
	for (i = 0; i < sizeof files / sizeof files[0]; i++)
		real_file(f, dir, files[i]);
	bg_eis_fitter_free(f);
	return 0;
}
