/*
 * eisfile.h - stand-alone impedance and pulse files as laboratories
 * and public data sets write them, beside the pack format of pack.h.
 *
 * Impedance: columns frequency_hertz | frequency_Hz, real_impedance_ohm
 * | z_real_ohm, imaginary_impedance_ohm | z_imag_ohm (Im Z negative
 * when capacitive), or three unnamed columns f, Re Z, Im Z with no
 * header (impedance.py's exampleData.csv).  Long files holding several
 * spectra are split into one spectrum per run of rows with equal values
 * in every other column (module_id, cycle, temperature, SOC ...) and
 * whenever a frequency repeats.  Pulse tests: test_time_second |
 * time_s, current_ampere | current_A (positive charges), voltage_volt |
 * voltage_V, optional module_id.
 */
#ifndef BG_EISFILE_H
#define BG_EISFILE_H

#include <stddef.h>

#include "battgrade/error.h"
#include "battgrade/pack.h"

#define BG_EISFILE_LABEL_MAX 96

typedef struct bg_eisfile_spectra {
	size_t n;
	bg_spectrum *spectra;
	/* per spectrum: the grouping columns as "name=value;...", "" when
	 * the file holds one spectrum */
	char (*label)[BG_EISFILE_LABEL_MAX];
} bg_eisfile_spectra;

/*
 * Read every spectrum of path.  Errors (BG_ENOENT, BG_EDATA with line
 * and column: missing columns, bad numbers, non-positive frequency)
 * leave *out NULL.  Free with bg_eisfile_spectra_free().
 */
int bg_eisfile_read_spectra(bg_eisfile_spectra **out, const char *path,
			    bg_error *err);
void bg_eisfile_spectra_free(bg_eisfile_spectra *s);

typedef struct bg_eisfile_pulses {
	size_t n;
	bg_pulse_series *series;
} bg_eisfile_pulses;

/* Read the pulse series of path, one per module_id (or one). */
int bg_eisfile_read_pulses(bg_eisfile_pulses **out, const char *path,
			   bg_error *err);
void bg_eisfile_pulses_free(bg_eisfile_pulses *p);

#endif
