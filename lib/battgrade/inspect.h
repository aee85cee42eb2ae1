/*
 * inspect.h - validate one pack CSV file and summarise it, for
 * "battgrade inspect".
 *
 * Capacity, impedance and pulse files are read whole with their
 * loaders (they are small).  history.csv, a BMS log of possibly tens of
 * millions of rows, is streamed: memory stays bounded by one row.  In
 * a log's wall-clock time (unix_time_second or an ISO 8601 timestamp) a
 * backward jump is a defect that is counted and located, not an error;
 * test time going backwards is an error, as in pulse.csv.
 */
#ifndef BG_INSPECT_H
#define BG_INSPECT_H

#include "battgrade/columns.h"
#include "battgrade/error.h"
#include "battgrade/pack.h"

#define BG_INSPECT_JUMPS 5     /* backward jumps located in a summary */
#define BG_INSPECT_UNKNOWN 512 /* bytes of unknown column names kept */

typedef struct bg_file_summary {
	enum bg_schema schema;
	unsigned long long rows;
	unsigned long long bytes;
	size_t nmodules;          /* series/modules seen (0 if no column) */
	size_t nspectra;          /* impedance: spectra */
	int time_col;             /* BG_COL_TEST_TIME, _UNIX_TIME,
				     _TIMESTAMP, or -1 */
	double time_first_s, time_last_s;  /* NAN when no time column */
	double time_min_s, time_max_s;
	double freq_min_hz, freq_max_hz;   /* impedance; NAN otherwise */
	double age_min, age_max;  /* capacity: cycle_count or days */
	int age_col;              /* BG_COL_CYCLE_COUNT or BG_COL_DAYS */
	unsigned long backward;   /* wall-clock backward jumps */
	unsigned long jump_line[BG_INSPECT_JUMPS];
	double jump_from_s[BG_INSPECT_JUMPS], jump_to_s[BG_INSPECT_JUMPS];
	size_t nunknown;          /* ignored columns */
	char unknown[BG_INSPECT_UNKNOWN]; /* their names, ", "-joined,
					     truncated with "..." */
	const bg_pack *pack;      /* borrowed, may be NULL */
	unsigned char *module_seen; /* pack->nmodules flags, owned */
} bg_file_summary;

/*
 * Validate and summarise the CSV file at path ("-" for standard
 * input).  want is the schema the file must have (a pack member), or
 * BG_SCHEMA_UNKNOWN to detect it from the header (a lone file; an
 * undetectable header is BG_EDATA).  With pack, module ids must be in
 * the manifest and module_seen[i] tells which modules the file covers.
 * Release with bg_file_summary_release().
 */
int bg_inspect_file(bg_file_summary *out, const char *path,
		    const bg_pack *pack, enum bg_schema want, bg_error *err);

/* The same over len bytes in memory; name for messages. */
int bg_inspect_mem(bg_file_summary *out, const char *name, const void *buf,
		   size_t len, const bg_pack *pack, enum bg_schema want,
		   bg_error *err);

void bg_file_summary_release(bg_file_summary *s);

#endif
