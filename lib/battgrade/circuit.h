/*
 * circuit.h - equivalent circuits of impedance spectra, written in the
 * circuit-string language of impedance.py (Murbach et al. 2020,
 * ECSHackWeek/impedance.py): elements in series are joined by '-',
 * parallel groups are p(A,B,...), every element name is its type
 * followed by a numeric suffix, e.g. "L0-R0-p(R1,CPE1)-p(R2,CPE2)-W1".
 *
 * Element types and their parameters (impedance.py elements.py):
 *   R    R [ohm]                      Z = R
 *   C    C [F]                        Z = 1/(jwC)
 *   L    L [H]                        Z = jwL
 *   CPE  Q [F s^(a-1)], a in (0,1]    Z = 1/(Q (jw)^a)
 *   W    Aw [ohm s^-1/2]              Z = Aw (1-j)/sqrt(w)
 *   Wo   Z0 [ohm], tau [s]            Z = Z0 coth(sqrt(jw tau))/sqrt(jw tau)
 *   Ws   Z0 [ohm], tau [s]            Z = Z0 tanh(sqrt(jw tau))/sqrt(jw tau)
 * Parameters are named like impedance.py names them: "R0" for a
 * one-parameter element, "CPE1_0", "CPE1_1" for the others.
 *
 * A parsed circuit is immutable and may be evaluated from several
 * threads at once.
 */
#ifndef BG_CIRCUIT_H
#define BG_CIRCUIT_H

#include <stddef.h>

#include "battgrade/error.h"

/* Most parameters one circuit may have (bg_eis_result holds 16). */
#define BG_CIRCUIT_MAX_PARAMS 16
/* Longest circuit string accepted. */
#define BG_CIRCUIT_MAX_LEN 127

typedef struct bg_circuit bg_circuit;

/* What values a parameter may take; the fitter transforms accordingly. */
enum bg_param_kind {
	BG_PARAM_POSITIVE = 0,  /* (0, inf): fitted as its logarithm */
	BG_PARAM_FRACTION = 1   /* (0, 1]: CPE exponent, fitted by logistic */
};

/*
 * Parse a circuit string.  Spaces are ignored.  A syntax error, an
 * unknown element type, a repeated element name or more than
 * BG_CIRCUIT_MAX_PARAMS parameters is BG_EDATA with err->column the
 * 1-based column of the offending character (err->file is "circuit").
 * *out is owned by the caller; free with bg_circuit_free().
 */
int bg_circuit_parse(bg_circuit **out, const char *s, bg_error *err);

/* Free a circuit; NULL is a no-op. */
void bg_circuit_free(bg_circuit *c);

/* Number of parameters, and the name and kind of parameter i
 * (borrowed, lives as long as c). */
size_t bg_circuit_nparams(const bg_circuit *c);
const char *bg_circuit_param_name(const bg_circuit *c, size_t i);
int bg_circuit_param_kind(const bg_circuit *c, size_t i);

/*
 * Canonical string (no spaces) into buf; BG_EINVAL when it does not
 * fit.  Parsing the result gives the same circuit.
 */
int bg_circuit_to_string(const bg_circuit *c, char *buf, size_t len,
			 bg_error *err);

/*
 * Impedance at angular frequency omega [rad/s] for parameters theta
 * (nparams values): Re and Im into *z_re, *z_im.  When dz is non-NULL
 * it receives the analytic Jacobian, 2*nparams values: dz[2k] and
 * dz[2k+1] are Re and Im of dZ/dtheta_k.
 */
void bg_circuit_eval(const bg_circuit *c, const double *theta, double omega,
		     double *z_re, double *z_im, double *dz);

/*
 * Resolve a circuit given on the command line: a template name (a file
 * models/circuits/NAME.json with a "circuit" member) or else the string
 * itself.  Writes the circuit string into buf.
 */
int bg_circuit_resolve(char *buf, size_t len, const char *name_or_string,
		       bg_error *err);

#endif
