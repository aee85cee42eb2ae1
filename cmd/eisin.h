/*
 * eisin.h - input of the impedance commands: a lone CSV file or a pack
 * directory (its impedance.csv / pulse.csv), optionally narrowed to one
 * module.
 */
#ifndef BG_EISIN_H
#define BG_EISIN_H

#include "battgrade/eisfile.h"
#include "battgrade/formats.h"

/* Spectra of path (file or pack directory); module NULL for all. */
int eisin_spectra(bg_eisfile_spectra **out, const char *path,
		  const char *module, bg_error *err);

/*
 * Pulse series of path (file or pack directory); module NULL for all.
 * For a pack, *vmin (malloc'ed, one per series, NAN where unknown) is
 * the module's lower voltage limit: cells in series times the
 * chemistry's minimum cell voltage; NULL for a lone file.
 */
int eisin_pulses(bg_eisfile_pulses **out, double **vmin, const char *path,
		 const char *module, bg_error *err);

/* The same; a lone file may also be a cycler or BDF time series (one
 * series of module ""), found by content or read as fmt when that is
 * not BG_FORMAT_UNKNOWN; --verbose (cmd_verbose) prints its format and
 * conversions. */
int eisin_pulses_as(bg_eisfile_pulses **out, double **vmin,
		    const char *path, const char *module, bg_format fmt,
		    bg_error *err);

/* A name for spectrum i for tables: module id, label, or "-". */
const char *eisin_name(const bg_eisfile_spectra *s, size_t i);

/* Parse a comma-separated list of positive numbers; -1 and a message on
 * stderr when malformed or more than max. */
int eisin_list(const char *opt, const char *arg, double *out, size_t max,
	       size_t *n);

#endif
