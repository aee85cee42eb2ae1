/*
 * check_grade.c - the rule engine under the default policy: every gate
 * and every boundary (exactly at the threshold, just above, just
 * below, missing input), table-driven.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "battgrade.h"
#include "battgrade/grade.h"

static bg_policy *pol;

static void setup(void)
{
	bg_error err;

	if (bg_policy_load(&pol, "default", &err))
		ck_abort_msg("default policy: %s", err.msg);
}

static void teardown(void)
{
	bg_policy_free(pol);
}

static int prof(const char *name)
{
	int k = bg_policy_profile_index(pol, name);

	ck_assert_int_ge(k, 0);
	return k;
}

/* A healthy, fully documented NMC module: grade A under default. */
static void healthy(bg_evidence *ev)
{
	size_t k;

	bg_evidence_init(ev);
	snprintf(ev->chemistry, sizeof(ev->chemistry), "NMC");
	ev->has_history = 1;
	ev->ev_overvoltage = ev->ev_undervoltage = 0;
	ev->ev_overtemperature = ev->ev_undertemp_charge = 0;
	ev->ev_overcurrent = 0;
	ev->capacity_measured = 1;
	ev->capacity_fit_ok = 1;
	ev->kk_valid = 1;
	ev->impedance_fit_ok = 1;
	ev->soh_capacity = 0.86;
	ev->soh_resistance = 1.2;
	ev->r_basis = BG_RBASIS_INITIAL;
	ev->knee_past = ev->knee_onset = 0;
	for (k = 0; k < BG_POLICY_MAX_PROFILES; k++) {
		ev->rul_p50_years[k] = 25;
		ev->rul_p10_years[k] = 18;
	}
}

enum field {
	F_NONE, F_HISTORY, F_OV, F_UV, F_OT, F_UTC, F_OC, F_CAPMEAS, F_CAPFIT,
	F_KK, F_ZFIT, F_SOHC, F_SOHR, F_KNEE, F_ONSET, F_RUL_HOME, F_RUL_TEL,
	F_RUL_PEAK, F_CHEM_LFP
};

static void set(bg_evidence *ev, enum field f, double v)
{
	switch (f) {
	case F_NONE: break;
	case F_HISTORY: ev->has_history = (int)v; break;
	case F_OV: ev->ev_overvoltage = v; break;
	case F_UV: ev->ev_undervoltage = v; break;
	case F_OT: ev->ev_overtemperature = v; break;
	case F_UTC: ev->ev_undertemp_charge = v; break;
	case F_OC: ev->ev_overcurrent = v; break;
	case F_CAPMEAS: ev->capacity_measured = v; break;
	case F_CAPFIT: ev->capacity_fit_ok = v; break;
	case F_KK: ev->kk_valid = v; break;
	case F_ZFIT: ev->impedance_fit_ok = v; break;
	case F_SOHC: ev->soh_capacity = v; break;
	case F_SOHR: ev->soh_resistance = v; break;
	case F_KNEE: ev->knee_past = v; break;
	case F_ONSET: ev->knee_onset = v; break;
	case F_RUL_HOME: ev->rul_p10_years[prof("home-storage")] = v; break;
	case F_RUL_TEL: ev->rul_p10_years[prof("telecom-backup")] = v; break;
	case F_RUL_PEAK: ev->rul_p10_years[prof("peak-shaving")] = v; break;
	case F_CHEM_LFP:
		snprintf(ev->chemistry, sizeof(ev->chemistry), "LFP");
		ev->soh_capacity = v;
		break;
	}
}

static const struct gcase {
	const char *what;
	enum field f;
	double v;
	const char *grade, *deciding; /* deciding NULL: none failed */
	enum field f2;                /* a second change, or F_NONE */
	double v2;
} cases[] = {
	{ "healthy", F_NONE, 0, "A", NULL },
	/* traceability */
	{ "no history", F_HISTORY, 0, "R", "history.present" },
	/* safety: allowance 0 over-charge / deep-discharge events */
	{ "1 over-voltage", F_OV, 1, "R", "events.overvoltage" },
	{ "0 over-voltage", F_OV, 0, "A", NULL },
	{ "over-voltage unknown", F_OV, NAN, "A", NULL },
	{ "1 under-voltage", F_UV, 1, "R", "events.undervoltage" },
	{ "over-temp at allowance", F_OT, 0, "A", NULL },
	{ "over-temp above", F_OT, 1, "R", "events.overtemperature" },
	{ "under-temp charge at", F_UTC, 5, "A", NULL },
	{ "under-temp charge above", F_UTC, 6, "C",
	  "events.undertemp_charge" },
	{ "over-current at", F_OC, 5, "A", NULL },
	{ "over-current above", F_OC, 6, "C", "events.overcurrent" },
	/* measurement validity */
	{ "no capacity", F_CAPMEAS, 0, "RETEST", "capacity.measured" },
	{ "capacity fit failed", F_CAPFIT, 0, "RETEST", "capacity.fit" },
	{ "no capacity history", F_CAPFIT, NAN, "A", NULL },
	{ "KK invalid", F_KK, 0, "RETEST", "impedance.kk" },
	{ "no spectrum", F_KK, NAN, "A", NULL },
	{ "circuit fit failed", F_ZFIT, 0, "RETEST", "impedance.fit" },
	/* SOH_C bands 0.80 / 0.70 / 0.60, >= passes */
	{ "SOH_C at 0.80", F_SOHC, 0.80, "A", NULL },
	{ "SOH_C above 0.80", F_SOHC, 0.8001, "A", NULL },
	{ "SOH_C below 0.80", F_SOHC, 0.7999, "B", "soh_capacity.A" },
	{ "SOH_C at 0.70", F_SOHC, 0.70, "B", "soh_capacity.A" },
	{ "SOH_C below 0.70", F_SOHC, 0.6999, "C", "soh_capacity.B" },
	{ "SOH_C at 0.60", F_SOHC, 0.60, "C", "soh_capacity.B" },
	{ "SOH_C below 0.60", F_SOHC, 0.5999, "R", "soh_capacity.C" },
	{ "SOH_C unknown", F_SOHC, NAN, "A", NULL },
	/* per chemistry: LFP needs 0.82 for A */
	{ "LFP SOH_C 0.81", F_CHEM_LFP, 0.81, "B", "soh_capacity.A" },
	{ "LFP SOH_C at 0.82", F_CHEM_LFP, 0.82, "A", NULL },
	/* SOH_R bands 1.5 / 1.75 / 2.0, <= passes */
	{ "SOH_R at 1.5", F_SOHR, 1.5, "A", NULL },
	{ "SOH_R above 1.5", F_SOHR, 1.5001, "B", "soh_resistance.A" },
	{ "SOH_R below 1.5", F_SOHR, 1.4999, "A", NULL },
	{ "SOH_R at 1.75", F_SOHR, 1.75, "B", "soh_resistance.A" },
	{ "SOH_R above 1.75", F_SOHR, 1.7501, "C", "soh_resistance.B" },
	{ "SOH_R at 2.0", F_SOHR, 2.0, "C", "soh_resistance.B" },
	{ "SOH_R above 2.0", F_SOHR, 2.0001, "R", "soh_resistance.C" },
	{ "SOH_R unknown", F_SOHR, NAN, "A", NULL },
	/* knee */
	{ "past knee", F_KNEE, 1, "R", "knee.point" },
	{ "knee onset", F_ONSET, 1, "C", "knee.onset" },
	{ "knee unknown", F_KNEE, NAN, "A", NULL },
	/* remaining life, P10 years: home 10 / 8, telecom 5 */
	{ "home P10 at 10", F_RUL_HOME, 10, "A", NULL },
	{ "home P10 below 10", F_RUL_HOME, 9.99, "B", "rul.A" },
	{ "home P10 at 8", F_RUL_HOME, 8, "B", "rul.A" },
	{ "home P10 below 8, peak at 5", F_RUL_HOME, 7.99, "B", "rul.A",
	  F_RUL_PEAK, 5 },
	{ "home P10 below 8, peak below 5", F_RUL_HOME, 7.99, "C", "rul.B",
	  F_RUL_PEAK, 4.99 },
	{ "home at 8, peak below 5", F_RUL_HOME, 8, "B", "rul.A",
	  F_RUL_PEAK, 4.99 },
	/* a known failure is not rescued by an unknown alternative */
	{ "home below 8, peak unknown", F_RUL_HOME, 7.99, "C", "rul.B",
	  F_RUL_PEAK, NAN },
	{ "home P10 unknown", F_RUL_HOME, NAN, "A", NULL },
	/* backup P10 >= 5 only matters with a knee onset */
	{ "telecom P10 below 5, no onset", F_RUL_TEL, 4.99, "A", NULL },
	{ "onset, telecom P10 at 5", F_RUL_TEL, 5, "C", "knee.onset",
	  F_ONSET, 1 },
	{ "onset, telecom P10 below 5", F_RUL_TEL, 4.99, "R", "rul.C",
	  F_ONSET, 1 },
	{ "onset, telecom P10 unknown", F_RUL_TEL, NAN, "C", "knee.onset",
	  F_ONSET, 1 },
};

static const char *rule_id(const bg_grade_result *g)
{
	return g->deciding < 0 ? NULL : pol->rules[g->deciding].id;
}

START_TEST(test_grade_gates_and_boundaries)
{
	const struct gcase *c = &cases[_i];
	bg_grade_result g;
	bg_evidence ev;
	const char *d;

	healthy(&ev);
	set(&ev, c->f, c->v);
	set(&ev, c->f2, c->v2);
	bg_grade_eval(&g, pol, &ev);
	d = rule_id(&g);
	if (strcmp(bg_grade_name(g.grade), c->grade))
		ck_abort_msg("%s: grade %s, want %s (deciding %s)", c->what,
			     bg_grade_name(g.grade), c->grade, d ? d : "-");
	if (c->deciding ? !d || strcmp(d, c->deciding) : d != NULL)
		ck_abort_msg("%s: deciding %s, want %s", c->what,
			     d ? d : "-", c->deciding ? c->deciding : "-");
}
END_TEST

/* Lowest outcome wins; R beats RETEST; ties go to the earlier gate. */
START_TEST(test_grade_lowest_wins)
{
	bg_grade_result g;
	bg_evidence ev;

	healthy(&ev);
	ev.kk_valid = 0;          /* RETEST */
	ev.soh_capacity = 0.5;    /* R */
	bg_grade_eval(&g, pol, &ev);
	ck_assert_str_eq(bg_grade_name(g.grade), "R");
	ck_assert_str_eq(rule_id(&g), "soh_capacity.C");
	healthy(&ev);
	ev.soh_capacity = 0.75;   /* B */
	ev.soh_resistance = 1.9;  /* C */
	ev.knee_onset = 1;        /* C, later gate */
	bg_grade_eval(&g, pol, &ev);
	ck_assert_str_eq(bg_grade_name(g.grade), "C");
	ck_assert_str_eq(rule_id(&g), "soh_resistance.B");
	healthy(&ev);
	ev.has_history = 0;
	ev.ev_overvoltage = 3;
	bg_grade_eval(&g, pol, &ev);
	ck_assert_str_eq(rule_id(&g), "history.present");
}
END_TEST

/* Rule results carry value, per-chemistry threshold and outcome. */
START_TEST(test_grade_rule_results)
{
	bg_grade_result g;
	bg_evidence ev;
	size_t i;
	int seen = 0;

	healthy(&ev);
	ev.soh_resistance = NAN;
	snprintf(ev.chemistry, sizeof(ev.chemistry), "LFP");
	ev.soh_capacity = 0.81;
	bg_grade_eval(&g, pol, &ev);
	ck_assert_uint_eq(g.nrules, pol->nrules);
	for (i = 0; i < g.nrules; i++) {
		const char *id = pol->rules[g.rules[i].rule].id;

		if (!strcmp(id, "soh_capacity.A")) {
			ck_assert_double_eq(g.rules[i].value, 0.81);
			ck_assert_double_eq(g.rules[i].threshold, 0.82);
			ck_assert_int_eq(g.rules[i].outcome, BG_OUTCOME_FAIL);
			ck_assert_int_eq(g.rules[i].cap, BG_GRADE_B);
			seen++;
		} else if (!strcmp(id, "soh_resistance.C")) {
			ck_assert(isnan(g.rules[i].value));
			ck_assert_int_eq(g.rules[i].outcome,
					 BG_OUTCOME_UNKNOWN);
			ck_assert_int_eq(g.rules[i].cap, BG_GRADE_NONE);
			seen++;
		} else if (!strcmp(id, "soh_capacity.B")) {
			ck_assert_int_eq(g.rules[i].outcome, BG_OUTCOME_PASS);
			seen++;
		}
	}
	ck_assert_int_eq(seen, 3);
}
END_TEST

static int has_app(const bg_grade_result *g, const char *name)
{
	size_t i;

	for (i = 0; i < g->napps; i++)
		if (!strcmp(pol->profiles[g->apps[i].profile].name, name))
			return 1;
	return 0;
}

/* Applications follow the grade, the profile's resistance limit and
 * its P10 years; the years reported are the profile's own. */
START_TEST(test_grade_applications)
{
	bg_grade_result g;
	bg_evidence ev;
	int fr = prof("frequency-regulation");

	healthy(&ev);
	ev.rul_p50_years[fr] = 30;
	ev.rul_p10_years[fr] = 21;
	bg_grade_eval(&g, pol, &ev);
	ck_assert_uint_eq(g.napps, pol->nprofiles);
	ck_assert_uint_eq(g.apps[0].profile, (size_t)fr);
	ck_assert_double_eq(g.apps[0].p50_years, 30);
	ck_assert_double_eq(g.apps[0].p10_years, 21);
	/* R limit 1.30 for FCR: at passes, above fails */
	ev.soh_resistance = 1.30;
	bg_grade_eval(&g, pol, &ev);
	ck_assert(has_app(&g, "frequency-regulation"));
	ev.soh_resistance = 1.31;
	bg_grade_eval(&g, pol, &ev);
	ck_assert(!has_app(&g, "frequency-regulation"));
	ck_assert(has_app(&g, "home-storage"));
	/* unknown resistance: not for power uses, fine for energy uses */
	ev.soh_resistance = NAN;
	bg_grade_eval(&g, pol, &ev);
	ck_assert(!has_app(&g, "ev-fast-charger-buffer"));
	ck_assert(has_app(&g, "peak-shaving"));
	/* P10 below the FCR minimum of 8 years */
	healthy(&ev);
	ev.rul_p10_years[fr] = 7.9;
	bg_grade_eval(&g, pol, &ev);
	ck_assert(!has_app(&g, "frequency-regulation"));
	/* grade C: backup uses only */
	healthy(&ev);
	ev.soh_capacity = 0.65;
	bg_grade_eval(&g, pol, &ev);
	ck_assert_str_eq(bg_grade_name(g.grade), "C");
	ck_assert(!has_app(&g, "home-storage"));
	ck_assert(has_app(&g, "telecom-backup"));
	ck_assert(has_app(&g, "disaster-backup"));
	/* R and RETEST suit nothing */
	ev.soh_capacity = 0.55;
	bg_grade_eval(&g, pol, &ev);
	ck_assert_uint_eq(g.napps, 0);
	healthy(&ev);
	ev.kk_valid = 0;
	bg_grade_eval(&g, pol, &ev);
	ck_assert_uint_eq(g.napps, 0);
}
END_TEST

START_TEST(test_grade_evidence_names)
{
	bg_evidence ev;

	healthy(&ev);
	ev.rul_p50_years[prof("telecom-backup")] = 12.5;
	ck_assert_double_eq(bg_evidence_value(&ev, pol, "soh_capacity"),
			    0.86);
	ck_assert_double_eq(bg_evidence_value(&ev, pol,
					      "rul_p50_years.telecom-backup"),
			    12.5);
	ck_assert(isnan(bg_evidence_value(&ev, pol, "rul_p50_years.mars")));
	ck_assert(isnan(bg_evidence_value(&ev, pol, "bogus")));
	bg_evidence_init(&ev);
	ck_assert_double_eq(bg_evidence_value(&ev, pol, "history.present"),
			    0);
	ck_assert(isnan(bg_evidence_value(&ev, pol, "events.overvoltage")));
	ck_assert_str_eq(bg_r_basis_name(BG_RBASIS_EARLIEST),
			 "earliest_recorded");
}
END_TEST

static Suite *grade_suite(void)
{
	Suite *s = suite_create("grade");
	TCase *tc = tcase_create("rules");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_grade_gates_and_boundaries, 0,
			    sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_grade_lowest_wins);
	tcase_add_test(tc, test_grade_rule_results);
	tcase_add_test(tc, test_grade_applications);
	tcase_add_test(tc, test_grade_evidence_names);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(grade_suite());
	int failed;

	bg_init();
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
