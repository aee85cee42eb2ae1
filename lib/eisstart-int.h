/*
 * eisstart-int.h - starting values for circuit fits from the features
 * of a spectrum (private to eisfit.c).
 */
#ifndef BG_EISSTART_INT_H
#define BG_EISSTART_INT_H

#include <stddef.h>

#include "circuit-int.h"

/* One measured point: angular frequency and impedance. */
struct eis_pt {
	double w, zr, zi;
	struct circ_pt cp;      /* w with its log and 1/sqrt */
};

#define EIS_MAX_ARCS 8

struct eis_features {
	double r_hf;            /* high-frequency intercept with Im Z = 0 */
	double l_h;             /* inductance from inductive points */
	double r_arcs;          /* width of all arcs together */
	double w_min, w_max;
	double tail_aw;         /* Warburg coefficient of the LF tail */
	double tail_r;          /* real-part growth along the LF tail */
	double tail_im;         /* -Im Z at the lowest frequency */
	size_t narcs;
	double arc_w[EIS_MAX_ARCS];  /* apex angular frequencies, HF first */
	double arc_r[EIS_MAX_ARCS];  /* widths */
	double blind_w[EIS_MAX_ARCS], blind_r[EIS_MAX_ARCS];  /* log-spaced,
					   equal widths, for multi-start */
};

/*
 * Features of pts (n points sorted by decreasing frequency) for a
 * circuit with narcs top-level parallel groups; tmp is scratch space
 * for n points (NULL: no correction for inductance).
 */
void eis_features(struct eis_features *ft, const struct eis_pt *pts,
		  size_t n, size_t narcs, struct eis_pt *tmp);

/*
 * Starting parameters number k (0 = the plain estimate, 1.. = variants
 * for multi-start: other CPE exponents, arc frequencies and orders,
 * diffusion time constants) for circuit c into th.
 */
void eis_start(double *th, const bg_circuit *c,
	       const struct eis_features *ft, int k);

#endif
