/*
 * history.h - usage and abuse statistics from a pack's BMS log
 * (history.csv), in one streaming pass.
 *
 * The log has a time column (unix_time_second, an ISO 8601 timestamp,
 * or test_time_second), current_ampere (positive charges, as in the
 * Battery Data Format), voltage_volt, optionally a temperature column,
 * soc_percent and module_id; BDF's preferred labels ("Test Time / s")
 * work too.  Several files may be fed one after the other: they
 * continue the same log, so the result does not depend on how a log is
 * split into files.  Memory is bounded whatever the length of the log.
 *
 * What is computed, per module where rows carry module_id, and for the
 * pack (IEC 63338 traceability data; EU 2023/1542 Annex VII Part B):
 * charge and discharge Ah and energy throughput, integrated with the
 * trapezoidal rule between consecutive samples (split exactly where
 * the current changes sign); equivalent full cycles; rainflow counts of
 * SOC (ASTM E1049, see rainflow.h); time at temperature, above and
 * below the chemistry's limits, also while charging; time at high SOC;
 * C-rate histograms; harmful events with start, end and extreme; data
 * gaps, backward clock jumps (a reported defect that splits the log)
 * and coverage of the service life.
 */
#ifndef BG_HISTORY_H
#define BG_HISTORY_H

#include <stddef.h>

#include "battgrade/chemistry.h"
#include "battgrade/error.h"
#include "battgrade/formats.h"

struct cJSON;

typedef struct bg_history bg_history;

enum bg_event_type {
	BG_EV_OVERVOLTAGE,
	BG_EV_UNDERVOLTAGE,      /* deep discharge */
	BG_EV_OVERTEMP,
	BG_EV_UNDERTEMP_CHARGE,  /* charging below the charge window */
	BG_EV_OVERCURRENT,
	BG_EV_NTYPES
};

/* Stable machine name of an event type ("overvoltage", ...). */
const char *bg_event_name(int type);

typedef struct bg_event {
	int type;                /* enum bg_event_type */
	double start, end;       /* log time (seconds) of the first and last
				    sample out of limits */
	double extreme;          /* worst value: volt, celsius or ampere */
	unsigned long line;      /* line of the first sample; 0 if unknown */
} bg_event;

typedef struct bg_history_summary {
	double ah_throughput_charge, ah_throughput_discharge;
	double energy_throughput_kwh;       /* charge + discharge */
	double equivalent_full_cycles;      /* (Ah in + Ah out) / 2 C_nom */
	double coverage;                    /* 0..1, NAN unknown */
	double span_s;                      /* first to last sample */
	unsigned long rows, gaps, clock_jumps;
	unsigned long n_events[BG_EV_NTYPES];
	double minutes_above_temp, minutes_below_temp;
	double minutes_charging_above, minutes_charging_below;
	double minutes_high_soc;
} bg_history_summary;

/*
 * A new, empty history for a pack with those limits and nominal
 * capacity (Ah, > 0).  lim->cells_series scales the cell voltage limits
 * for rows without module_id.  *out is freed with bg_history_free().
 */
int bg_history_new(bg_history **out, const bg_chem_limits *lim,
		   double nominal_capacity_ah, bg_error *err);
void bg_history_free(bg_history *h);

/*
 * Declare a module of the manifest (optional).  Once one is declared,
 * a module_id not declared is BG_EDATA.  Undeclared modules of a lone
 * file get the pack's capacity and series count.
 */
int bg_history_add_module(bg_history *h, const char *module_id,
			  double nominal_capacity_ah, int cells_series,
			  bg_error *err);

/* Modules in series in the pack (manifest modules_series); the pack's
 * Ah throughput is the modules' sum divided by it.  Default: the
 * number of modules seen (all in series). */
void bg_history_set_modules_series(bg_history *h, int n);

/* Manifest dates in seconds since the epoch (NAN when unknown): give
 * calendar age and coverage of the service life. */
void bg_history_set_dates(bg_history *h, double manufacture_s,
			  double first_use_s, double retirement_s);

/* An interval longer than this (seconds, default 6 h) is a data gap:
 * nothing is integrated across it.  BMS loggers thin out their records
 * while a vehicle is parked (hourly or less) and the trapezoidal rule
 * is exact across such steady stretches; a longer silence means the
 * logger was off or data were lost. */
void bg_history_set_gap_s(bg_history *h, double seconds);

/* Called about every 64 Ki rows with the bytes read of the current
 * file (for a progress bar). */
void bg_history_set_progress(bg_history *h,
			     void (*fn)(void *ctx, unsigned long long bytes),
			     void *ctx);

/*
 * Feed a whole CSV file (path, "-" for standard input) or memory
 * buffer (name used in errors).  Bad data is BG_EDATA with file, line
 * and column; what was fed before the error stays counted.
 */
int bg_history_feed_file(bg_history *h, const char *path, bg_error *err);
int bg_history_feed_mem(bg_history *h, const char *name, const void *buf,
			size_t len, bg_error *err);

/*
 * Feed a cycler or BDF time series opened with bg_bdf_open_as()
 * (formats.h; name for messages), in BDF units and sign, as rows of the
 * pack (no module id).  Its time kind must match the earlier files'.
 */
int bg_history_feed_series(bg_history *h, bg_bdf *r, const char *name,
			   bg_error *err);

/*
 * Feed a log file of any kind battgrade reads: history.csv and BDF
 * files with its column names go to bg_history_feed_file(); other time
 * series (Arbin, Maccor, BDF with other units or labels), found by
 * content or forced with fmt (not BG_FORMAT_UNKNOWN), are converted by
 * the reader of formats.h.  The format and conversions are written to
 * notes (NULL allowed).
 */
int bg_history_feed_any(bg_history *h, const char *path, bg_format fmt,
			bg_formats_notes *notes, bg_error *err);

/* Totals for one module, or for the pack when module_id is NULL.
 * BG_EINVAL for an unknown module. */
int bg_history_summary_get(const bg_history *h, const char *module_id,
			   bg_history_summary *out);

/* Modules the log has rows for, in order of declaration or first
 * appearance (ids borrowed from h). */
size_t bg_history_nmodules(const bg_history *h);
const char *bg_history_module_id(const bg_history *h, size_t i);

/* Recorded events of a module (NULL = all of the pack, module by
 * module), events still open at the end of the log included.  Each
 * module keeps its first BG_HISTORY_MAX_EVENTS events in full; the
 * counts in the summary include the rest. */
#define BG_HISTORY_MAX_EVENTS 1000
size_t bg_history_event_count(const bg_history *h, const char *module_id);
int bg_history_event_get(const bg_history *h, const char *module_id,
			 size_t i, bg_event *out);

/*
 * Rainflow counts of SOC as a fraction (0..1), binned to 0.01 in depth
 * and mean: calls fn for every non-empty bin with its depth, mean,
 * count (1 or 0.5) and how many such cycles fell into it.  The residue
 * is included as half cycles.  Returns the number of bins visited.
 */
typedef void (*bg_history_bin_fn)(void *ctx, double depth, double mean,
				  double count, unsigned long n);
size_t bg_history_rainflow(const bg_history *h, const char *module_id,
			   bg_history_bin_fn fn, void *ctx);

/*
 * The report object (cJSON, owned by the caller): throughput, energy,
 * cycles, rainflow, DoD and C-rate histograms, temperature minutes and
 * histogram, events, gaps, clock jumps, coverage and ages.  For the
 * pack (module_id NULL) of a log with module ids, "modules" holds each
 * module's object.
 */
int bg_history_to_json(const bg_history *h, const char *module_id,
		       struct cJSON **out);

#endif
