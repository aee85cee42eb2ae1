/*
 * circuit-int.h - the parsed form of a circuit, shared by circuit.c
 * and the fitter (eisfit.c), which walks the elements to derive
 * starting values from a spectrum's features.
 */
#ifndef BG_CIRCUIT_INT_H
#define BG_CIRCUIT_INT_H

#include "battgrade/circuit.h"

enum el_type { EL_R, EL_C, EL_L, EL_CPE, EL_W, EL_WO, EL_WS };

/* Postfix program: an element pushes its impedance, a group pops its
 * children and pushes their series or parallel combination. */
enum op_code { OP_ELEM, OP_SERIES, OP_PARALLEL };

struct circ_op {
	unsigned char code;
	unsigned char arg;      /* element index or number of children */
};

struct circ_elem {
	int type;               /* enum el_type */
	int first;              /* index of its first parameter */
	int arc;                /* top-level parallel group it sits in
				   (0-based, in series order), or -1 */
	int in_branch;          /* inside a series branch of that group */
	char name[12];
};

#define CIRC_MAX_OPS 64

struct bg_circuit {
	size_t nparams, nelems, nops, narcs;
	struct circ_elem elems[BG_CIRCUIT_MAX_PARAMS];
	struct circ_op ops[CIRC_MAX_OPS];
	char pname[BG_CIRCUIT_MAX_PARAMS][16];
	int pkind[BG_CIRCUIT_MAX_PARAMS];
	char text[BG_CIRCUIT_MAX_LEN + 1];   /* canonical form */
};

/* Per-evaluation constants of each element (CPE: cos and sin of its
 * phase divided by Q), computed once per parameter vector. */
struct circ_prep {
	double k[BG_CIRCUIT_MAX_PARAMS][2];
};

void circ_prepare(const bg_circuit *c, const double *th,
		  struct circ_prep *prep);

/* An angular frequency with what elements need of it, computed once
 * per data point. */
struct circ_pt {
	double w, lw, isw;      /* w, log(w), 1/sqrt(w) */
};

void circ_point(struct circ_pt *pt, double w);

/* Z (and, when dz is non-NULL, dZ/dtheta as in bg_circuit_eval()) at
 * one point. */
void circ_eval_point(const bg_circuit *c, const double *th,
		     const struct circ_prep *prep, const struct circ_pt *pt,
		     double *z_re, double *z_im, double *dz);

#endif
