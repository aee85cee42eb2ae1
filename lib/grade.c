/*
 * grade.c - the rule engine of the grading policy.
 *
 * DOMAIN.md "Recommended grading policy for v1": gates in order
 * (traceability, safety, measurement validity, state of health, knee,
 * remaining life); the lowest outcome wins.  The thresholds live in the
 * policy file; this file only compares and combines.
 */
#include "config.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#include "battgrade/grade.h"

void bg_evidence_init(bg_evidence *ev)
{
	size_t i;

	memset(ev, 0, sizeof(*ev));
	ev->has_history = 0;
	ev->ev_overvoltage = ev->ev_undervoltage = NAN;
	ev->ev_overtemperature = ev->ev_undertemp_charge = NAN;
	ev->ev_overcurrent = NAN;
	ev->capacity_measured = 0;
	ev->capacity_fit_ok = ev->kk_valid = ev->impedance_fit_ok = NAN;
	ev->soh_capacity = ev->soh_resistance = NAN;
	ev->r_basis = BG_RBASIS_UNKNOWN;
	ev->knee_past = ev->knee_onset = NAN;
	ev->knee_cycle = ev->knee_onset_cycle = NAN;
	for (i = 0; i < BG_POLICY_MAX_PROFILES; i++)
		ev->rul_p50_years[i] = ev->rul_p10_years[i] = NAN;
}

static double rul_input(const bg_evidence *ev, const bg_policy *p,
			const char *profile, int p10)
{
	int k = bg_policy_profile_index(p, profile);

	if (k < 0)
		return NAN;
	return p10 ? ev->rul_p10_years[k] : ev->rul_p50_years[k];
}

double bg_evidence_value(const bg_evidence *ev, const bg_policy *p,
			 const char *in)
{
	static const struct { const char *name; size_t off; } tab[] = {
		{ "events.overvoltage", offsetof(bg_evidence, ev_overvoltage) },
		{ "events.undervoltage",
		  offsetof(bg_evidence, ev_undervoltage) },
		{ "events.overtemperature",
		  offsetof(bg_evidence, ev_overtemperature) },
		{ "events.undertemp_charge",
		  offsetof(bg_evidence, ev_undertemp_charge) },
		{ "events.overcurrent", offsetof(bg_evidence, ev_overcurrent) },
		{ "capacity.measured",
		  offsetof(bg_evidence, capacity_measured) },
		{ "capacity.fit_ok", offsetof(bg_evidence, capacity_fit_ok) },
		{ "impedance.kk_valid", offsetof(bg_evidence, kk_valid) },
		{ "impedance.fit_ok",
		  offsetof(bg_evidence, impedance_fit_ok) },
		{ "soh_capacity", offsetof(bg_evidence, soh_capacity) },
		{ "soh_resistance", offsetof(bg_evidence, soh_resistance) },
		{ "knee.past", offsetof(bg_evidence, knee_past) },
		{ "knee.onset", offsetof(bg_evidence, knee_onset) },
	};
	size_t i;

	if (!strcmp(in, "history.present"))
		return ev->has_history ? 1 : 0;
	if (!strncmp(in, "rul_p10_years.", 14))
		return rul_input(ev, p, in + 14, 1);
	if (!strncmp(in, "rul_p50_years.", 14))
		return rul_input(ev, p, in + 14, 0);
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (!strcmp(in, tab[i].name))
			return *(const double *)((const char *)ev +
						 tab[i].off);
	return NAN;
}

/* 1 pass, 0 fail, -1 unknown. */
static int eval_test(const bg_evidence *ev, const bg_policy *p,
		     const bg_policy_test *t, double *value)
{
	*value = bg_evidence_value(ev, p, t->input);
	if (!isfinite(*value)) {
		*value = NAN;
		return -1;
	}
	return bg_policy_compare(t->op, *value, t->threshold);
}

static void eval_rule(bg_rule_result *r, const bg_policy *p, size_t i,
		      const bg_evidence *ev)
{
	const bg_policy_rule *ru = &p->rules[i];
	bg_policy_test main = { "", ru->op, 0 };
	double cond;
	int pass, any = 0;
	size_t k;

	r->rule = i;
	r->cap = BG_GRADE_NONE;
	memcpy(main.input, ru->input, sizeof(main.input));
	main.threshold = r->threshold = bg_policy_threshold(p, i,
							   ev->chemistry);
	pass = eval_test(ev, p, &main, &r->value);
	for (k = 0; k < ru->nor; k++)
		any |= eval_test(ev, p, &ru->or_[k], &r->or_value[k]) == 1;
	if (ru->has_when && eval_test(ev, p, &ru->when, &cond) != 1)
		r->outcome = BG_OUTCOME_NA;
	else if (pass == 1 || any)
		r->outcome = BG_OUTCOME_PASS;
	else if (pass < 0)
		r->outcome = BG_OUTCOME_UNKNOWN;
	else
		r->outcome = BG_OUTCOME_FAIL;
	if (r->outcome == BG_OUTCOME_UNKNOWN)
		r->cap = ru->on_unknown;
	else if (r->outcome == BG_OUTCOME_FAIL)
		r->cap = ru->on_fail;
}

/* Whether a module of this grade and evidence suits profile k. */
static int suits(const bg_policy_profile *pr, int grade,
		 const bg_evidence *ev, double p10)
{
	if (grade < BG_GRADE_C || !(pr->grades & (1u << grade)))
		return 0;
	if (!(ev->soh_capacity > pr->eol_soh_capacity))
		return 0;
	if (isfinite(ev->soh_resistance)) {
		if (ev->soh_resistance > pr->max_soh_resistance)
			return 0;
	} else if (pr->resistance_required) {
		return 0;
	}
	return !isfinite(p10) || p10 >= pr->min_p10_years;
}

static void eval_apps(bg_grade_result *out, const bg_policy *p,
		      const bg_evidence *ev)
{
	size_t k;

	out->napps = 0;
	for (k = 0; k < p->nprofiles; k++) {
		if (!suits(&p->profiles[k], out->grade, ev,
			   ev->rul_p10_years[k]))
			continue;
		out->apps[out->napps].profile = k;
		out->apps[out->napps].p50_years = ev->rul_p50_years[k];
		out->apps[out->napps].p10_years = ev->rul_p10_years[k];
		out->napps++;
	}
}

void bg_grade_eval(bg_grade_result *out, const bg_policy *p,
		   const bg_evidence *ev)
{
	size_t i;

	out->grade = BG_GRADE_A;
	out->deciding = -1;
	out->nrules = p->nrules;
	for (i = 0; i < p->nrules; i++) {
		bg_rule_result *r = &out->rules[i];

		eval_rule(r, p, i, ev);
		if (r->cap != BG_GRADE_NONE && r->cap < out->grade) {
			out->grade = r->cap;
			out->deciding = (int)i;
		}
	}
	eval_apps(out, p, ev);
}

const char *bg_outcome_name(int outcome)
{
	switch (outcome) {
	case BG_OUTCOME_PASS: return "pass";
	case BG_OUTCOME_FAIL: return "fail";
	case BG_OUTCOME_NA: return "not_applicable";
	default: return "unknown";
	}
}

const char *bg_r_basis_name(int basis)
{
	switch (basis) {
	case BG_RBASIS_INITIAL: return "initial_resistance_ohm";
	case BG_RBASIS_EARLIEST: return "earliest_recorded";
	default: return "unknown";
	}
}
