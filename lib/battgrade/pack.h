/*
 * pack.h - pack data format v1: the manifest and the per-module data
 * files (capacity checks, impedance spectra, pulse tests).
 *
 * A pack is a directory with pack.json and CSV files; see
 * battgrade-pack(5).  Every CSV also works as a stand-alone file.
 * Column names follow the Battery Data Format (BDF) where BDF has one;
 * current is positive when it charges the module.
 *
 * API CONTRACT (fixed; implemented in lib/pack.c, lib/capacity.c,
 * lib/impedance.c, lib/pulse.c).
 */
#ifndef BG_PACK_H
#define BG_PACK_H

#include <stddef.h>

#include "battgrade/error.h"

#define BG_ID_MAX 64

typedef struct bg_module_info {
	char module_id[BG_ID_MAX];
	double nominal_capacity_ah;
	double nominal_voltage_volt;
	int cells_series, cells_parallel;
	double initial_resistance_ohm;  /* NAN when not given */
	int position;                    /* 0-based order in the manifest */
} bg_module_info;

typedef struct bg_pack {
	char *dir;                       /* the pack directory */
	char pack_id[BG_ID_MAX];
	char chemistry[8];               /* NMC, NCA, LFP, LMO or LTO */
	char manufacturer[128];
	char model[128];
	double nominal_capacity_ah;
	double nominal_voltage_volt;
	int modules_series, modules_parallel;
	char manufacture_date[32];       /* ISO 8601 as given, "" if absent */
	char first_use_date[32];
	char retirement_date[32];
	double odometer_km;              /* NAN when absent */
	size_t nmodules;
	bg_module_info *modules;
	struct cJSON *json;              /* the whole manifest, for optional
					    members (provenance, limits) */
} bg_pack;

/*
 * Load and validate dir/pack.json: required members and types, known
 * chemistry, unique module ids, positive capacities.  Errors name
 * pack.json with line and column.  *out is freed with bg_pack_free().
 */
int bg_pack_load(bg_pack **out, const char *dir, bg_error *err);
void bg_pack_free(bg_pack *pack);

/*
 * The same from a manifest in memory (len bytes, need not be
 * NUL-terminated); name is used in messages; pack->dir is NULL, so
 * bg_pack_path() resolves names against the current directory.
 */
int bg_pack_parse(bg_pack **out, const char *name, const char *buf,
		  size_t len, bg_error *err);

/* The module with that id, or NULL (borrowed from pack). */
const bg_module_info *bg_pack_module(const bg_pack *pack, const char *id);

/*
 * Path of a member file of the pack ("capacity.csv", ...) into buf.
 * Returns 1 when the file exists, 0 when it does not, or BG_EINVAL when
 * buf is too small.
 */
int bg_pack_path(const bg_pack *pack, const char *name, char *buf,
		 size_t len);

/* Seconds since the epoch of an ISO 8601 date or date-time (UTC when no
 * zone is given); BG_EDATA when malformed. */
int bg_parse_time(const char *s, double *out);

/* ---- capacity.csv: capacity checks across a module's life ---------- */

typedef struct bg_capacity_point {
	double cycle_count;       /* equivalent full cycles or cycle index;
				     NAN when the file has none */
	double days;              /* days since first use; NAN if absent */
	double capacity_ah;
	double temperature_c;     /* NAN if absent */
	double energy_wh;         /* NAN if absent */
	double resistance_ohm;    /* dc_internal_resistance_ohm; NAN if absent */
} bg_capacity_point;

typedef struct bg_capacity_series {
	char module_id[BG_ID_MAX];
	size_t n;
	bg_capacity_point *pts;   /* sorted by cycle_count, else days */
} bg_capacity_series;

typedef struct bg_capacity_set {
	size_t nseries;
	bg_capacity_series *series;
} bg_capacity_set;

/*
 * Read capacity.csv (columns: module_id, cycle_count and/or days,
 * capacity_ah, optional temperature, energy_wh and
 * dc_internal_resistance_ohm).  When pack is non-NULL, module ids must
 * be in its manifest; a file without module_id is one series with id
 * "" (a lone file).  Free with bg_capacity_set_free().
 */
int bg_capacity_load(bg_capacity_set **out, const char *path,
		     const bg_pack *pack, bg_error *err);
void bg_capacity_set_free(bg_capacity_set *set);

/* The same from len bytes of CSV text in memory; name for messages. */
int bg_capacity_load_mem(bg_capacity_set **out, const char *name,
			 const void *buf, size_t len, const bg_pack *pack,
			 bg_error *err);

/* ---- impedance.csv: EIS spectra ------------------------------------ */

typedef struct bg_spectrum {
	char module_id[BG_ID_MAX];
	char measured_at[32];     /* "" when absent */
	size_t n;
	double *freq_hz;          /* as in the file (any order), all > 0,
				     no repeats */
	double *z_real_ohm;
	double *z_imag_ohm;       /* negative = capacitive */
	double temperature_c;     /* NAN if absent */
	double soc_percent;       /* NAN if absent */
} bg_spectrum;

typedef struct bg_spectrum_set {
	size_t nspectra;
	bg_spectrum *spectra;
} bg_spectrum_set;

/*
 * Read impedance.csv (module_id, frequency_hertz, real_impedance_ohm,
 * imaginary_impedance_ohm, optional temperature, soc_percent,
 * measured_at).  Rows are grouped into spectra by module and
 * measured_at.  Non-positive or repeated frequencies are BG_EDATA.
 */
int bg_spectrum_load(bg_spectrum_set **out, const char *path,
		     const bg_pack *pack, bg_error *err);
void bg_spectrum_set_free(bg_spectrum_set *set);

/* The same from len bytes of CSV text in memory; name for messages. */
int bg_spectrum_load_mem(bg_spectrum_set **out, const char *name,
			 const void *buf, size_t len, const bg_pack *pack,
			 bg_error *err);

/* ---- pulse.csv: current-pulse (HPPC-style) tests ------------------- */

typedef struct bg_pulse_series {
	char module_id[BG_ID_MAX];
	size_t n;
	double *time_s;           /* test_time_second, non-decreasing */
	double *current_a;        /* positive charges */
	double *voltage_v;
} bg_pulse_series;

typedef struct bg_pulse_set {
	size_t nseries;
	bg_pulse_series *series;
} bg_pulse_set;

/* Read pulse.csv (module_id, test_time_second, current_ampere,
 * voltage_volt); time going backwards is BG_EDATA. */
int bg_pulse_load(bg_pulse_set **out, const char *path, const bg_pack *pack,
		  bg_error *err);
void bg_pulse_set_free(bg_pulse_set *set);

/* The same from len bytes of CSV text in memory; name for messages. */
int bg_pulse_load_mem(bg_pulse_set **out, const char *name, const void *buf,
		      size_t len, const bg_pack *pack, bg_error *err);

#endif
