/*
 * dcir.h - DC internal resistance from current pulses (HPPC-style).
 *
 * A pulse is a step of the current away from rest (|I| before the step
 * below 20 % of |I| after it) held roughly constant (within 10 % of
 * the step).  For each pulse R(t) = |(U(t0 + t) - U_rest) / (I(t0 + t)
 * - I_rest)| with t0 the last rest sample before the step; the ohmic
 * resistance uses the first sample under load (the voltage jump at the
 * edge).  Values are averaged over all pulses of each direction.
 * Method after the FreedomCAR Battery Test Manual (INEEL/EXT-03-03274,
 * 2003, "HPPC test") and IEC 61960-3:2017 7.8 (DC resistance).
 */
#ifndef BG_DCIR_H
#define BG_DCIR_H

#include <stddef.h>

#include "battgrade/error.h"
#include "battgrade/pack.h"

#define BG_DCIR_MAX_TIMES 8

typedef struct bg_dcir_result {
	double r_ohmic_discharge_ohm, r_1s_discharge_ohm,
	       r_10s_discharge_ohm, r_30s_discharge_ohm;
	double r_ohmic_charge_ohm, r_1s_charge_ohm, r_10s_charge_ohm,
	       r_30s_charge_ohm;
	double power_capability_w;  /* NAN when unknown */
} bg_dcir_result;

/* Options of bg_dcir_compute_ex(). */
typedef struct bg_dcir_opts {
	size_t ntimes;                   /* at most BG_DCIR_MAX_TIMES */
	double times_s[BG_DCIR_MAX_TIMES];  /* > 0, seconds after t0 */
	double v_min_v;     /* lower voltage limit for the power estimate;
			       NAN when unknown */
} bg_dcir_opts;

/* What bg_dcir_compute_ex() found besides bg_dcir_result. */
typedef struct bg_dcir_detail {
	size_t ndischarge, ncharge;      /* pulses found */
	double r_discharge_ohm[BG_DCIR_MAX_TIMES];  /* at opts times; NAN */
	double r_charge_ohm[BG_DCIR_MAX_TIMES];     /* when too short */
	double ocv_v;           /* mean rest voltage before discharge pulses */
	double i_discharge_a;   /* mean discharge pulse current (< 0) */
} bg_dcir_detail;

/* Times 1, 10 and 30 s, no voltage limit. */
void bg_dcir_opts_init(bg_dcir_opts *o);

/*
 * Resistances at the edge and 1, 10, 30 s for discharge and charge
 * pulses; a value is NAN when no pulse of that direction lasts long
 * enough.  power_capability_w is NAN here (no voltage limit known).
 * Returns 0, or BG_EDATA (fewer than 2 samples, non-finite values, time
 * going backwards, no pulse found).
 */
int bg_dcir_compute(const bg_pulse_series *p, bg_dcir_result *out,
		    bg_error *err);

/*
 * As bg_dcir_compute() with options; detail (may be NULL) receives the
 * resistances at opts->times_s.  With a voltage limit v_min_v the
 * discharge power capability is the HPPC estimate (FreedomCAR manual,
 * eq. for "discharge pulse power capability"):
 *	P = V_min (OCV - V_min) / R_10s,discharge
 * using the 10 s resistance, or the longest one measured below 10 s.
 */
int bg_dcir_compute_ex(const bg_pulse_series *p, const bg_dcir_opts *opts,
		       bg_dcir_result *out, bg_dcir_detail *detail,
		       bg_error *err);

#endif
