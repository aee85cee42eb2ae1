/*
 * fuzz_formats.c - format detection, every spectrum reader and the
 * BDF/Arbin/Maccor time-series reader must accept or reject any bytes
 * without crashing, hanging or reading out of bounds; each input is also
 * read as each spectrum format in turn (--format), as each time-series
 * format, and through the capacity checks taken from a cycler series.
 */
#include <stdint.h>
#include <stddef.h>

#include "battgrade.h"
#include "battgrade/formats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	bg_formats_notes notes = { "", 0 };
	bg_spectrum_set *set;
	bg_format fmt;
	bg_error err;

	bg_init();
	if (bg_formats_detect_mem(&fmt, "fuzz", buf, size, &err) == 0 &&
	    bg_formats_read_spectrum_mem(&set, "fuzz", buf, size, fmt, &notes,
					 &err) == 0)
		bg_formats_spectra_free(set);
	for (int f = 1; f < BG_FORMAT_COUNT; f++) {
		if (bg_format_kind((bg_format)f) != BG_FORMAT_SPECTRUM)
			continue;
		notes.len = 0;
		if (bg_formats_read_spectrum_mem(&set, "fuzz", buf, size,
						 (bg_format)f, &notes,
						 &err) == 0)
			bg_formats_spectra_free(set);
	}
	bg_bdf *b;
	bg_bdf_row row;
	notes.len = 0;
	if (bg_bdf_open_mem(&b, "fuzz", buf, size, &notes, &err) == 0) {
		while (bg_bdf_next(b, &row, &err) > 0)
			;
		bg_bdf_close(b);
	}
	for (int f = 1; f < BG_FORMAT_COUNT; f++) {
		if (bg_format_kind((bg_format)f) != BG_FORMAT_TIMESERIES)
			continue;
		notes.len = 0;
		if (bg_bdf_open_as(&b, "fuzz", buf ? buf : "", size,
				   (bg_format)f, &notes, &err) == 0) {
			while (bg_bdf_next(b, &row, &err) > 0)
				;
			bg_bdf_close(b);
		}
	}
	bg_capacity_set *cap;
	notes.len = 0;
	if (bg_formats_capacity_checks_mem(&cap, "fuzz", buf, size,
					   BG_FORMAT_UNKNOWN, 0, &notes,
					   &err) == 0)
		bg_capacity_set_free(cap);
	return 0;
}
