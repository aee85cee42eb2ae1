/*
 * fadedata.h - capacity histories for the fade tests and benchmarks:
 * synthetic ones with known parameters, and the real measured
 * histories of $BG_SHARED_DATA/real read straight from their CSVs.
 */
#ifndef FADEDATA_H
#define FADEDATA_H

#include <stddef.h>

#include "battgrade/error.h"
#include "battgrade/pack.h"

/* Columns of a real data file; NULL when absent.  Rows whose key
 * column differs from keyval are skipped, as are rows with cycle below
 * min_cycle. */
struct fd_cols {
	const char *cycle, *days, *cap, *res, *temp;
	const char *key, *keyval;
	double min_cycle;
	int zero_cycles_calendar; /* all cycles 0: use days as the axis */
};

int fd_read(bg_capacity_series *out, const char *path,
	    const struct fd_cols *c, bg_error *err);

/* An empty series of n points (all NAN); free with fd_free. */
int fd_alloc(bg_capacity_series *s, size_t n);
void fd_free(bg_capacity_series *s);

/* $BG_SHARED_DATA/real/<rel> into buf; 0 when the directory exists. */
int fd_real_path(char *buf, size_t len, const char *rel);

/* The real histories used by tests and the back-test. */
struct fd_real {
	const char *name;        /* e.g. "NASA B0005" */
	const char *file;        /* relative to real/ */
	struct fd_cols cols;
	double rated_ah;         /* rated (nominal) capacity */
	double eol_ah;           /* end-of-life threshold */
	const char *eol_note;
};
extern const struct fd_real fd_reals[];
extern const size_t fd_nreals;

#endif
