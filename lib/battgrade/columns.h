/*
 * columns.h - the column vocabulary of the pack CSV files.
 *
 * Every quantity battgrade reads from a CSV file has one canonical
 * name, in the Battery Data Format's (BDF) machine-readable style
 * quantity_unit, and aliases: BDF's preferred label ("Voltage / V")
 * and a few common spellings.  Some quantities have several
 * alternative sources (a temperature may come from the surface, a
 * numbered sensor or the ambient); the first alternative present in
 * the header wins.  Columns are matched case-insensitively, in any
 * order; columns that match nothing are "unknown" and ignored.
 */
#ifndef BG_COLUMNS_H
#define BG_COLUMNS_H

#include <stddef.h>

#include "battgrade/csvin.h"
#include "battgrade/error.h"

enum bg_col {
	BG_COL_MODULE_ID,
	BG_COL_TEST_TIME,      /* test_time_second, s since test start */
	BG_COL_UNIX_TIME,      /* unix_time_second */
	BG_COL_TIMESTAMP,      /* ISO 8601 date-time text */
	BG_COL_CURRENT,        /* current_ampere, positive charges */
	BG_COL_VOLTAGE,        /* voltage_volt */
	BG_COL_TEMPERATURE,    /* a temperature in degrees Celsius */
	BG_COL_SOC,            /* soc_percent */
	BG_COL_CYCLE_COUNT,    /* cycle_count */
	BG_COL_DAYS,           /* days since first use */
	BG_COL_CAPACITY,       /* capacity_ah, one capacity check */
	BG_COL_ENERGY,         /* energy_wh of that check */
	BG_COL_RESISTANCE,     /* dc_internal_resistance_ohm */
	BG_COL_FREQUENCY,      /* frequency_hertz */
	BG_COL_Z_REAL,         /* real_impedance_ohm */
	BG_COL_Z_IMAG,         /* imaginary_impedance_ohm */
	BG_COL_MEASURED_AT,    /* ISO 8601 time of a measurement */
	BG_COL_COUNT
};

/* Canonical name of a quantity ("voltage_volt"); static storage. */
const char *bg_col_name(enum bg_col q);

/*
 * The i-th accepted header name of q (0 is the canonical name), in
 * order of preference, or NULL after the last; static storage.
 */
const char *bg_col_alias(enum bg_col q, size_t i);

/*
 * A header mapped onto the vocabulary: idx[q] is the column index of
 * quantity q or -1; known[i] is 1 when header column i matched some
 * quantity (even an alternative that lost to a preferred one).
 */
typedef struct bg_colmap {
	int idx[BG_COL_COUNT];
	size_t ncols;
	unsigned char *known;   /* ncols flags, owned */
	unsigned long header_line;
} bg_colmap;

/*
 * Map the header of r.  Two header columns that are spellings of the
 * same column (e.g. "voltage_volt" and "Voltage / V") are BG_EDATA at
 * the second one's line and column.  Call it right after bg_csv_open(),
 * before the first bg_csv_next() (it reads the header's positions).
 * Release with bg_colmap_release().
 */
int bg_colmap_init(bg_colmap *m, const bg_csv *r, bg_error *err);
void bg_colmap_release(bg_colmap *m);

/* Number of unknown (ignored) columns; their names are
 * bg_csv_colname(r, i) for each i with !m->known[i]. */
size_t bg_colmap_unknown(const bg_colmap *m);

/*
 * Fail with BG_EDATA "missing column 'NAME'" (line 1) unless quantity q
 * is present.
 */
int bg_colmap_require(const bg_colmap *m, const bg_csv *r, enum bg_col q,
		      bg_error *err);

/*
 * The schemas of the pack's CSV files, detected from a header: which
 * file a lone CSV is.  BG_SCHEMA_UNKNOWN when no schema's required
 * columns are all present.
 */
enum bg_schema {
	BG_SCHEMA_UNKNOWN,
	BG_SCHEMA_CAPACITY,
	BG_SCHEMA_IMPEDANCE,
	BG_SCHEMA_PULSE,
	BG_SCHEMA_HISTORY
};
enum bg_schema bg_colmap_schema(const bg_colmap *m);

/* "capacity", "impedance", "pulse", "history" or "unknown". */
const char *bg_schema_name(enum bg_schema s);

#endif
