/*
 * grade.h - the rule engine: a plain evidence record in, a grade with
 * every rule's result and the suited applications out.
 *
 * The engine knows nothing about files or fits; lib/assess.c gathers
 * the evidence.  Each policy rule compares one evidence input with its
 * threshold (per chemistry): pass, fail (the rule caps the grade at its
 * on_fail grade) or unknown (the input is missing; capped at
 * on_unknown, or no effect).  A rule may hold alternatives ("or": it
 * passes when any of its tests passes) and a condition ("when": it
 * applies only when that test passes).  The grade is the lowest cap, R < RETEST
 * < C < B < A ("lowest outcome wins"); the deciding rule is the first
 * rule, in gate order, that imposed it.
 *
 * Evidence inputs (the names rules use):
 *   history.present         1 when a BMS history was read, else 0
 *   events.overvoltage, events.undervoltage, events.overtemperature,
 *   events.undertemp_charge, events.overcurrent
 *                           harmful-event counts (NAN: no history)
 *   capacity.measured       1 when a current capacity is known
 *   capacity.fit_ok         1 fit converged or history too short to
 *                           fit, 0 fit failed, NAN no capacity history
 *   impedance.kk_valid      1 Lin-KK valid, 0 invalid, NAN no spectrum
 *   impedance.fit_ok        1 circuit fit converged, 0 failed, NAN none
 *   soh_capacity            Q_meas / Q_rated (NAN unknown)
 *   soh_resistance          R_meas / R_BOL (NAN unknown)
 *   knee.past, knee.onset   1 seen, 0 none, NAN not assessable
 *   rul_p10_years.<profile>, rul_p50_years.<profile>
 *                           remaining years under that profile's duty
 *                           to its end of life (NAN unknown)
 */
#ifndef BG_GRADE_H
#define BG_GRADE_H

#include <stddef.h>

#include "battgrade/policy.h"

/* What R_BOL (the SOH_R denominator) rests on. */
enum bg_r_basis {
	BG_RBASIS_UNKNOWN = 0,   /* neither: SOH_R unknown */
	BG_RBASIS_INITIAL,       /* manifest initial_resistance_ohm */
	BG_RBASIS_EARLIEST       /* earliest recorded resistance */
};

typedef struct bg_evidence {
	char chemistry[8];              /* selects per-chemistry thresholds */
	int has_history;
	double ev_overvoltage, ev_undervoltage, ev_overtemperature;
	double ev_undertemp_charge, ev_overcurrent;
	double capacity_measured;       /* 1/0 */
	double capacity_fit_ok;         /* 1/0/NAN */
	double kk_valid;                /* 1/0/NAN */
	double impedance_fit_ok;        /* 1/0/NAN */
	double soh_capacity;
	double soh_resistance;
	int r_basis;                    /* enum bg_r_basis */
	double knee_past, knee_onset;   /* 1/0/NAN */
	double knee_cycle;              /* for the explanation; NAN none */
	double knee_onset_cycle;
	/* indexed like policy->profiles */
	double rul_p50_years[BG_POLICY_MAX_PROFILES];
	double rul_p10_years[BG_POLICY_MAX_PROFILES];
} bg_evidence;

/* Fill ev with "nothing known": no history, every number NAN. */
void bg_evidence_init(bg_evidence *ev);

/* The value of a named input (see above); NAN when unknown or when the
 * name is not an input. */
double bg_evidence_value(const bg_evidence *ev, const bg_policy *p,
			 const char *input);

/* not_applicable: the rule's "when" condition does not hold. */
enum bg_outcome {
	BG_OUTCOME_PASS, BG_OUTCOME_FAIL, BG_OUTCOME_UNKNOWN,
	BG_OUTCOME_NA
};

typedef struct bg_rule_result {
	size_t rule;          /* index into policy->rules */
	double value;         /* NAN when unknown */
	double threshold;     /* for the module's chemistry */
	int outcome;          /* enum bg_outcome */
	int cap;              /* grade this rule allows; BG_GRADE_NONE none */
	double or_value[BG_POLICY_MAX_OR];  /* the alternatives' values */
} bg_rule_result;

typedef struct bg_app_result {
	size_t profile;       /* index into policy->profiles */
	double p50_years, p10_years;   /* NAN unknown */
} bg_app_result;

typedef struct bg_grade_result {
	int grade;            /* enum bg_grade */
	int deciding;         /* index into rules[], -1 when all passed */
	size_t nrules;
	bg_rule_result rules[BG_POLICY_MAX_RULES];
	size_t napps;         /* suited applications, policy order */
	bg_app_result apps[BG_POLICY_MAX_PROFILES];
} bg_grade_result;

/*
 * Grade one module's evidence under policy p.  Never fails: missing
 * evidence is an "unknown" outcome handled by the policy.
 */
void bg_grade_eval(bg_grade_result *out, const bg_policy *p,
		   const bg_evidence *ev);

/* "pass", "fail", "unknown", "not_applicable" (static). */
const char *bg_outcome_name(int outcome);

/* "initial_resistance_ohm", "earliest_recorded", "unknown" (static). */
const char *bg_r_basis_name(int basis);

#endif
