/*
 * ingest-int.h - private helpers shared by the pack file loaders
 * (capacity.c, impedance.c, pulse.c).
 */
#ifndef BG_INGEST_INT_H
#define BG_INGEST_INT_H

#include <stddef.h>

#include "battgrade/columns.h"
#include "battgrade/csvin.h"
#include "battgrade/pack.h"

/* Distinct modules (or spectra) accepted in one file without a
 * manifest: bounds the work a hostile file can cause. */
#define BG_MAX_SERIES 10000

/*
 * The module id of the current row into id (BG_ID_MAX bytes): from
 * column col, trimmed; or, when the file has no module_id column
 * (col < 0), the manifest's only module, or "" for a lone file.  Ids
 * not in the manifest are BG_EDATA at that field.
 */
int bg_ingest_module(const bg_csv *r, int col, const bg_pack *pack,
		     char *id, bg_error *err);

/* Fail unless a file without module_id can be read against pack
 * (a manifest with exactly one module). */
int bg_ingest_need_module(const bg_colmap *m, const bg_csv *r,
			  const bg_pack *pack, bg_error *err);

/* Grow *p (of *cap elements of size sz) to hold n; 0 or BG_ENOMEM. */
int bg_ingest_grow(void *p, size_t *cap, size_t n, size_t sz);

/*
 * The loaders over a reader just opened (header read, no row yet);
 * they take ownership of r and close it.
 */
int bg_capacity_load_csv(bg_capacity_set **out, bg_csv *r,
			 const bg_pack *pack, bg_error *err);
int bg_spectrum_load_csv(bg_spectrum_set **out, bg_csv *r,
			 const bg_pack *pack, bg_error *err);
int bg_pulse_load_csv(bg_pulse_set **out, bg_csv *r, const bg_pack *pack,
		      bg_error *err);

#endif
