/*
 * chemistry.h - operating limits per cell chemistry.
 *
 * The limits that decide what counts as abuse in a BMS log (voltage
 * window, charge and discharge temperature windows, C-rates, the
 * high-SOC threshold) live in models/chemistry/<NAME>.json, one file
 * per chemistry, each with its sources.  A pack.json may override any
 * member with a "limits" object.  Voltages are per cell: a module log
 * is judged against cells_series times the cell limit.
 */
#ifndef BG_CHEMISTRY_H
#define BG_CHEMISTRY_H

#include "battgrade/error.h"

struct cJSON;

typedef struct bg_chem_limits {
	char chemistry[8];              /* NMC, NCA, LFP, LMO or LTO */
	double max_cell_voltage_volt;   /* charge (CV) voltage */
	double min_cell_voltage_volt;   /* discharge cut-off */
	double overvoltage_tolerance_volt; /* per cell: an over-voltage
					   event needs max + tolerance, since
					   a charger regulates at max */
	double charge_temp_min_c, charge_temp_max_c;
	double discharge_temp_min_c, discharge_temp_max_c;
	double max_charge_c_rate;       /* per hour, of nominal capacity */
	double max_discharge_c_rate;
	double high_soc_percent;
	int cells_series;               /* cells in series behind the
					   logged voltage; 1 = cell level */
} bg_chem_limits;

/*
 * Load models/chemistry/<name>.json (name case-insensitive) into *out,
 * with cells_series = 1.  BG_ECONFIG for an unknown chemistry or a
 * malformed file (named with line and column).
 */
int bg_chem_limits_load(bg_chem_limits *out, const char *name,
			bg_error *err);

/*
 * Apply the members present in a JSON limits object (the same keys as
 * the chemistry files) on top of *lim.  file names the source in
 * errors.  BG_ECONFIG when a member has the wrong type or the result
 * is inconsistent (min >= max, non-positive rates).
 */
int bg_chem_limits_apply(bg_chem_limits *lim, const struct cJSON *obj,
			 const char *file, bg_error *err);

/* Is name one of the known chemistries? */
int bg_chem_known(const char *name);

#endif
