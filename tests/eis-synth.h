/*
 * eis-synth.h - synthetic impedance spectra for the eis tests and the
 * benchmark: a circuit with known parameters evaluated at log-spaced
 * frequencies, optionally with Gaussian noise proportional to |Z|.
 */
#ifndef BG_EIS_SYNTH_H
#define BG_EIS_SYNTH_H

#include <math.h>
#include <stdlib.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#include "battgrade/circuit.h"
#include "battgrade/pack.h"

struct synth {
	bg_spectrum s;
	double f[512], re[512], im[512];
};

/* xorshift64* and Box-Muller: a tiny seeded normal generator. */
static inline double synth_normal(unsigned long long *st)
{
	double u1, u2;

	do {
		*st ^= *st >> 12;
		*st ^= *st << 25;
		*st ^= *st >> 27;
		u1 = (double)((*st * 2685821657736338717ULL) >> 11) /
		     9007199254740992.0;
		*st ^= *st >> 12;
		*st ^= *st << 25;
		*st ^= *st >> 27;
		u2 = (double)((*st * 2685821657736338717ULL) >> 11) /
		     9007199254740992.0;
	} while (u1 <= 0);
	return sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}

/*
 * n points from fmax down to fmin; noise = relative sigma on Re and Im
 * (times |Z|), seed for the generator.  Returns 0 or -1 (bad circuit).
 */
static inline int synth_make(struct synth *y, const char *circuit,
			     const double *theta, size_t n, double fmin,
			     double fmax, double noise, unsigned long long seed)
{
	bg_circuit *c;
	size_t i;

	if (n > 512 || bg_circuit_parse(&c, circuit, NULL) < 0)
		return -1;
	seed = seed * 0x9E3779B97F4A7C15ULL + 1;
	for (i = 0; i < n; i++) {
		double t = n > 1 ? (double)i / (n - 1) : 0, m;

		y->f[i] = exp(log(fmax) + t * (log(fmin) - log(fmax)));
		bg_circuit_eval(c, theta, 2 * M_PI * y->f[i], &y->re[i],
				&y->im[i], NULL);
		m = hypot(y->re[i], y->im[i]);
		if (noise > 0) {
			y->re[i] += noise * m * synth_normal(&seed);
			y->im[i] += noise * m * synth_normal(&seed);
		}
	}
	bg_circuit_free(c);
	y->s.module_id[0] = '\0';
	y->s.measured_at[0] = '\0';
	y->s.n = n;
	y->s.freq_hz = y->f;
	y->s.z_real_ohm = y->re;
	y->s.z_imag_ohm = y->im;
	y->s.temperature_c = NAN;
	y->s.soc_percent = NAN;
	return 0;
}

#endif
