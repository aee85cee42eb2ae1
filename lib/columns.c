/*
 * columns.c - the column vocabulary of the pack CSV files: BDF
 * machine-readable names, BDF preferred labels and common aliases.
 *
 * Names and labels are those of the Battery Data Format (LF Energy,
 * Battery Data Alliance, github.com/battery-data-alliance/
 * battery-data-format, README "Preferred Label" tables).  Quantities BDF
 * does not name (module_id, soc_percent, capacity_ah, days) follow its
 * quantity_unit style.  One entry is one column; a quantity with several
 * entries takes the first present (e.g. surface before ambient
 * temperature).
 */
#include "config.h"

#include <stdlib.h>
#include <strings.h>

#include "battgrade/columns.h"
#include "i18n.h"

struct entry {
	enum bg_col q;
	const char *names[6];
};

static const struct entry vocab[] = {
	{ BG_COL_MODULE_ID, { "module_id", "Module ID", "module" } },
	{ BG_COL_TEST_TIME, { "test_time_second", "Test Time / s" } },
	{ BG_COL_UNIX_TIME, { "unix_time_second", "Unix Time / s" } },
	{ BG_COL_TIMESTAMP, { "timestamp", "date_time", "datetime",
			      "Date Time" } },
	{ BG_COL_CURRENT, { "current_ampere", "Current / A" } },
	{ BG_COL_VOLTAGE, { "voltage_volt", "Voltage / V" } },
	{ BG_COL_TEMPERATURE, { "surface_temperature_celsius",
				"Surface Temperature / degC" } },
	{ BG_COL_TEMPERATURE, { "temperature_celsius", "Temperature / degC" } },
	{ BG_COL_TEMPERATURE, { "temperature_t1_celsius",
				"Surface Temperature T1 / degC" } },
	{ BG_COL_TEMPERATURE, { "temperature_t2_celsius",
				"Surface Temperature T2 / degC" } },
	{ BG_COL_TEMPERATURE, { "temperature_t3_celsius",
				"Surface Temperature T3 / degC" } },
	{ BG_COL_TEMPERATURE, { "temperature_t4_celsius",
				"Surface Temperature T4 / degC" } },
	{ BG_COL_TEMPERATURE, { "temperature_t5_celsius",
				"Surface Temperature T5 / degC" } },
	{ BG_COL_TEMPERATURE, { "ambient_temperature_celsius",
				"Ambient Temperature / degC" } },
	{ BG_COL_SOC, { "soc_percent", "State of Charge / %", "SOC / %" } },
	{ BG_COL_CYCLE_COUNT, { "cycle_count", "Cycle Count / 1" } },
	{ BG_COL_DAYS, { "days", "days_since_first_use", "age_day",
			 "Days / d" } },
	{ BG_COL_CAPACITY, { "capacity_ah", "Capacity / Ah" } },
	{ BG_COL_ENERGY, { "energy_wh", "Energy / Wh" } },
	{ BG_COL_RESISTANCE, { "dc_internal_resistance_ohm",
			       "DC Internal Resistance / Ohm" } },
	{ BG_COL_RESISTANCE, { "internal_resistance_ohm",
			       "Internal Resistance / Ohm" } },
	{ BG_COL_FREQUENCY, { "frequency_hertz", "Frequency / Hz" } },
	{ BG_COL_Z_REAL, { "real_impedance_ohm", "Real Impedance / Ohm" } },
	{ BG_COL_Z_IMAG, { "imaginary_impedance_ohm",
			   "Imaginary Impedance / Ohm" } },
	{ BG_COL_MEASURED_AT, { "measured_at", "Measured At" } },
};

#define NVOCAB (sizeof(vocab) / sizeof(vocab[0]))

const char *bg_col_name(enum bg_col q)
{
	size_t i;

	for (i = 0; i < NVOCAB; i++)
		if (vocab[i].q == q)
			return vocab[i].names[0];
	return "";
}

const char *bg_col_alias(enum bg_col q, size_t i)
{
	size_t e, j;

	for (e = 0; e < NVOCAB; e++) {
		if (vocab[e].q != q)
			continue;
		for (j = 0; j < 6 && vocab[e].names[j]; j++)
			if (i-- == 0)
				return vocab[e].names[j];
	}
	return NULL;
}

/* Index of the vocabulary entry a header name belongs to, or -1. */
static int entry_of(const char *name)
{
	size_t i, j;

	for (i = 0; i < NVOCAB; i++)
		for (j = 0; j < 6 && vocab[i].names[j]; j++)
			if (!strcasecmp(vocab[i].names[j], name))
				return (int)i;
	return -1;
}

int bg_colmap_init(bg_colmap *m, const bg_csv *r, bg_error *err)
{
	int owner[NVOCAB];
	int prio[BG_COL_COUNT];
	size_t i;
	int e;

	for (i = 0; i < BG_COL_COUNT; i++) {
		m->idx[i] = -1;
		prio[i] = (int)NVOCAB;
	}
	for (i = 0; i < NVOCAB; i++)
		owner[i] = -1;
	m->ncols = bg_csv_ncols(r);
	m->header_line = bg_csv_line(r) ? bg_csv_line(r) : 1;
	m->known = calloc(m->ncols ? m->ncols : 1, 1);
	if (!m->known)
		return bg_error_set(err, BG_ENOMEM, bg_csv_name(r), 0, 0,
				    _("out of memory"));
	for (i = 0; i < m->ncols; i++) {
		if ((e = entry_of(bg_csv_colname(r, i))) < 0)
			continue;
		if (owner[e] >= 0) {
			int rc = bg_error_set(err, BG_EDATA, bg_csv_name(r),
				bg_csv_line(r), bg_csv_column(r, i),
				_("columns '%s' and '%s' are the same "
				  "quantity"),
				bg_csv_colname(r, (size_t)owner[e]),
				bg_csv_colname(r, i));

			bg_colmap_release(m);
			return rc;
		}
		owner[e] = (int)i;
		m->known[i] = 1;
		if (e < prio[vocab[e].q]) {
			prio[vocab[e].q] = e;
			m->idx[vocab[e].q] = (int)i;
		}
	}
	return 0;
}

void bg_colmap_release(bg_colmap *m)
{
	if (!m)
		return;
	free(m->known);
	m->known = NULL;
	m->ncols = 0;
}

size_t bg_colmap_unknown(const bg_colmap *m)
{
	size_t i, n = 0;

	for (i = 0; i < m->ncols; i++)
		n += !m->known[i];
	return n;
}

int bg_colmap_require(const bg_colmap *m, const bg_csv *r, enum bg_col q,
		      bg_error *err)
{
	if (m->idx[q] >= 0)
		return 0;
	return bg_error_set(err, BG_EDATA, bg_csv_name(r), m->header_line, 0,
			    _("missing column '%s'"), bg_col_name(q));
}

enum bg_schema bg_colmap_schema(const bg_colmap *m)
{
	const int *x = m->idx;
	int has_time = x[BG_COL_TEST_TIME] >= 0 || x[BG_COL_UNIX_TIME] >= 0 ||
		       x[BG_COL_TIMESTAMP] >= 0;

	if (x[BG_COL_FREQUENCY] >= 0 && x[BG_COL_Z_REAL] >= 0 &&
	    x[BG_COL_Z_IMAG] >= 0)
		return BG_SCHEMA_IMPEDANCE;
	if (x[BG_COL_CAPACITY] >= 0 &&
	    (x[BG_COL_CYCLE_COUNT] >= 0 || x[BG_COL_DAYS] >= 0))
		return BG_SCHEMA_CAPACITY;
	if (!has_time || x[BG_COL_CURRENT] < 0 || x[BG_COL_VOLTAGE] < 0)
		return BG_SCHEMA_UNKNOWN;
	/* A pulse test is a short lab record against test time; a BMS
	 * log carries wall-clock time or a temperature. */
	if (x[BG_COL_TEST_TIME] >= 0 && x[BG_COL_UNIX_TIME] < 0 &&
	    x[BG_COL_TIMESTAMP] < 0 && x[BG_COL_TEMPERATURE] < 0)
		return BG_SCHEMA_PULSE;
	return BG_SCHEMA_HISTORY;
}

const char *bg_schema_name(enum bg_schema s)
{
	static const char *const names[] = {
		"unknown", "capacity", "impedance", "pulse", "history"
	};

	if ((int)s < 0 || (size_t)s >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[s];
}
