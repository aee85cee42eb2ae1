/*
 * fuzz_circuit.c - the circuit-string parser must accept or reject any
 * bytes without crashing; what it accepts must print back to a string
 * that parses to the same circuit and evaluate to finite numbers.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "battgrade.h"
#include "battgrade/circuit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void exercise(const bg_circuit *c)
{
	double th[BG_CIRCUIT_MAX_PARAMS], dz[2 * BG_CIRCUIT_MAX_PARAMS];
	double zr, zi, w;
	size_t k, n = bg_circuit_nparams(c);

	for (k = 0; k < n; k++)
		th[k] = bg_circuit_param_kind(c, k) == BG_PARAM_FRACTION
			? 0.8 : 1.0 + 0.1 * (double)k;
	for (w = 1e-3; w < 1e6; w *= 100) {
		bg_circuit_eval(c, th, w, &zr, &zi, dz);
		if (isnan(zr) || isnan(zi))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[256], back[256], again[256];
	bg_circuit *c, *c2;
	bg_error err;

	if (size >= sizeof s)
		size = sizeof s - 1;
	memcpy(s, data, size);
	s[size] = '\0';
	if (bg_circuit_parse(&c, s, &err) < 0) {
		if (err.column == 0 || err.column > strlen(s) + 1)
			abort();        /* the column must point into s */
		return 0;
	}
	if (bg_circuit_to_string(c, back, sizeof back, &err) < 0 ||
	    bg_circuit_parse(&c2, back, &err) < 0)
		abort();
	if (bg_circuit_to_string(c2, again, sizeof again, &err) < 0 ||
	    strcmp(back, again) ||
	    bg_circuit_nparams(c) != bg_circuit_nparams(c2))
		abort();
	exercise(c);
	bg_circuit_free(c);
	bg_circuit_free(c2);
	return 0;
}
