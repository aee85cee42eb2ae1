/*
 * assess.c - from a pack directory to graded modules.
 *
 * For each module: the latest capacity check gives SOH_C = Q/Q_rated;
 * the latest recorded DC resistance (else the pulse test's 10 s
 * discharge resistance) over R_BOL gives SOH_R, with R_BOL from the
 * manifest's initial_resistance_ohm or else the earliest recorded
 * resistance (DOMAIN.md section 4, SPEC 99100 resistance increase).
 * The capacity-fade fit (fade.h) gives the knee and, with a resistance
 * growth fit, the remaining life under each application's duty to the
 * policy's end of life (60 % SOH_C or SOH_R 2.0, whichever comes
 * first).  The latest spectrum is Lin-KK tested (kk.h) and fitted
 * (eisfit.h); pulses give DCIR (dcir.h); the BMS log gives throughput
 * and harmful events (history.h).  All of it becomes a bg_evidence for
 * the rule engine (grade.h) and one JSON object.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "battgrade/assess.h"
#include "battgrade/chemistry.h"
#include "battgrade/dcir.h"
#include "battgrade/eisfit.h"
#include "battgrade/fade.h"
#include "battgrade/grade.h"
#include "battgrade/history.h"
#include "battgrade/kk.h"
#include "battgrade/pack.h"
#include "assess-int.h"
#include "i18n.h"

#define DAYS_PER_YEAR 365.25

struct bg_assessor {
	const bg_policy *pol;
	bg_fader *fader;
	bg_eis_fitter *eis;
	int summary;
};

void bg_assessor_set_summary(bg_assessor *a, int summary)
{
	a->summary = summary < 0 ? 0 : summary > BG_ASSESS_ROW ? BG_ASSESS_ROW
							    : summary;
}

int bg_assessor_new(bg_assessor **out, const bg_policy *policy,
		    bg_error *err)
{
	bg_assessor *a = calloc(1, sizeof(*a));
	int rc;

	*out = NULL;
	if (!a)
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0, "oom");
	a->pol = policy;
	if ((rc = bg_fader_new(&a->fader, err)) ||
	    (rc = bg_eis_fitter_new(&a->eis, err))) {
		bg_assessor_free(a);
		return rc;
	}
	*out = a;
	return 0;
}

void bg_assessor_free(bg_assessor *a)
{
	if (!a)
		return;
	bg_fader_free(a->fader);
	bg_eis_fitter_free(a->eis);
	free(a);
}

/* ---- inputs: SHA-256 of every file read ------------------------------ */

static int hash_file(const char *path, char hex[65], bg_error *err)
{
	crypto_hash_sha256_state st;
	unsigned char buf[65536], h[crypto_hash_sha256_BYTES];
	FILE *f = fopen(path, "rb");
	size_t n, i;

	if (!f)
		return bg_error_set(err, BG_EIO, path, 0, 0,
				    _("cannot open: %s"), strerror(errno));
	crypto_hash_sha256_init(&st);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		crypto_hash_sha256_update(&st, buf, n);
	if (ferror(f)) {
		fclose(f);
		return bg_error_set(err, BG_EIO, path, 0, 0,
				    _("read failed"));
	}
	fclose(f);
	crypto_hash_sha256_final(&st, h);
	for (i = 0; i < sizeof(h); i++)
		snprintf(hex + 2 * i, 3, "%02x", h[i]);
	return 0;
}

static int add_input(struct packdata *pd, const char *name,
		     const char *path, bg_error *err)
{
	char hex[65];
	cJSON *o;
	int rc;

	if (!pd->inputs)        /* a summary: inputs are not reported */
		return 0;

	if ((rc = hash_file(path, hex, err)))
		return rc;
	if (!(o = cJSON_CreateObject()))
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0, "oom");
	cJSON_AddItemToArray(pd->inputs, o);
	cJSON_AddStringToObject(o, "file", name);
	cJSON_AddStringToObject(o, "sha256", hex);
	return 0;
}

/* ---- reading the pack ------------------------------------------------ */

double bg_assess_parse_date(const char *s)
{
	double t;

	return s[0] && bg_parse_time(s, &t) == 0 ? t : NAN;
}

static int history_open(struct packdata *pd, const char *path,
			bg_error *err)
{
	const bg_pack *pk = pd->pack;
	const cJSON *limits;
	bg_chem_limits lim;
	size_t i;
	int rc;

	if ((rc = bg_chem_limits_load(&lim, pk->chemistry, err)))
		return rc;
	limits = cJSON_GetObjectItemCaseSensitive(pk->json, "limits");
	if (limits && (rc = bg_chem_limits_apply(&lim, limits, "pack.json",
						 err)))
		return rc;
	/* A log without module ids records the pack voltage. */
	lim.cells_series = pk->modules_series *
			   (pk->nmodules ? pk->modules[0].cells_series : 1);
	if ((rc = bg_history_new(&pd->hist, &lim, pk->nominal_capacity_ah,
				 err)))
		return rc;
	for (i = 0; i < pk->nmodules; i++)
		if ((rc = bg_history_add_module(
			     pd->hist, pk->modules[i].module_id,
			     pk->modules[i].nominal_capacity_ah,
			     pk->modules[i].cells_series, err)))
			return rc;
	bg_history_set_modules_series(pd->hist, pk->modules_series);
	bg_history_set_dates(pd->hist, bg_assess_parse_date(pk->manufacture_date),
			     bg_assess_parse_date(pk->first_use_date),
			     bg_assess_parse_date(pk->retirement_date));
	return bg_history_feed_file(pd->hist, path, err);
}

/* Load one optional member file; *found tells whether it exists. */
static int load_member(struct packdata *pd, const char *name, bg_error *err)
{
	char path[4096];
	int rc = bg_pack_path(pd->pack, name, path, sizeof(path));

	if (rc < 0)
		return bg_error_set(err, rc, pd->pack->dir, 0, 0,
				    _("path too long"));
	if (rc == 0)
		return 0;
	if ((rc = add_input(pd, name, path, err)))
		return rc;
	if (!strcmp(name, "capacity.csv"))
		return bg_capacity_load(&pd->cap, path, pd->pack, err);
	if (!strcmp(name, "impedance.csv"))
		return bg_spectrum_load(&pd->spec, path, pd->pack, err);
	if (!strcmp(name, "pulse.csv"))
		return bg_pulse_load(&pd->pulse, path, pd->pack, err);
	return history_open(pd, path, err);
}

static int packdata_load(struct packdata *pd, const char *dir, int hash,
			 bg_error *err)
{
	static const char *const members[] = {
		"capacity.csv", "impedance.csv", "pulse.csv", "history.csv"
	};
	char path[4096];
	size_t i;
	int rc;

	memset(pd, 0, sizeof(*pd));
	if (hash && !(pd->inputs = cJSON_CreateArray()))
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0, "oom");
	if ((rc = bg_pack_load(&pd->pack, dir, err)))
		return rc;
	if (bg_pack_path(pd->pack, "pack.json", path, sizeof(path)) == 1 &&
	    (rc = add_input(pd, "pack.json", path, err)))
		return rc;
	for (i = 0; i < sizeof(members) / sizeof(members[0]); i++)
		if ((rc = load_member(pd, members[i], err)))
			return rc;
	return 0;
}

static void packdata_free(struct packdata *pd)
{
	bg_history_free(pd->hist);
	bg_pulse_set_free(pd->pulse);
	bg_spectrum_set_free(pd->spec);
	bg_capacity_set_free(pd->cap);
	bg_pack_free(pd->pack);
	cJSON_Delete(pd->inputs);
}

static const bg_capacity_series *find_capacity(const struct packdata *pd,
					       const char *id)
{
	size_t i;

	for (i = 0; pd->cap && i < pd->cap->nseries; i++)
		if (!strcmp(pd->cap->series[i].module_id, id))
			return &pd->cap->series[i];
	return NULL;
}

/* The module's latest spectrum (measured_at is ISO 8601, so the
 * greatest string is the latest; ties keep the last in the file). */
static const bg_spectrum *find_spectrum(const struct packdata *pd,
					const char *id)
{
	const bg_spectrum *best = NULL;
	size_t i;

	for (i = 0; pd->spec && i < pd->spec->nspectra; i++) {
		const bg_spectrum *s = &pd->spec->spectra[i];

		if (strcmp(s->module_id, id))
			continue;
		if (!best || strcmp(s->measured_at, best->measured_at) >= 0)
			best = s;
	}
	return best;
}

static const bg_pulse_series *find_pulse(const struct packdata *pd,
					 const char *id)
{
	size_t i;

	for (i = 0; pd->pulse && i < pd->pulse->nseries; i++)
		if (!strcmp(pd->pulse->series[i].module_id, id))
			return &pd->pulse->series[i];
	return NULL;
}

/* ---- one module -------------------------------------------------------- */

static void note(struct module_state *ms, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note(struct module_state *ms, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	if (!ms->notes)         /* a summary without notes */
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	cJSON_AddItemToArray(ms->notes, cJSON_CreateString(buf));
}

/* Latest capacity and resistance, earliest resistance. */
static void capacity_state(struct module_state *ms, bg_evidence *ev)
{
	const bg_capacity_series *s = ms->cap;
	double first_r = NAN;
	size_t i, nr = 0;

	ms->capacity_ah = ms->r_now_ohm = NAN;
	for (i = 0; s && i < s->n; i++) {
		if (isfinite(s->pts[i].capacity_ah))
			ms->capacity_ah = s->pts[i].capacity_ah;
		if (isfinite(s->pts[i].resistance_ohm)) {
			if (!nr++)
				first_r = s->pts[i].resistance_ohm;
			ms->r_now_ohm = s->pts[i].resistance_ohm;
		}
	}
	ev->capacity_measured = isfinite(ms->capacity_ah) ? 1 : 0;
	if (isfinite(ms->capacity_ah) && ms->info->nominal_capacity_ah > 0)
		ev->soh_capacity = ms->capacity_ah /
				   ms->info->nominal_capacity_ah;
	else
		note(ms, "no capacity check: SOH_C unknown");
	ms->r_source = isfinite(ms->r_now_ohm) ? "capacity_check" : NULL;
	if (!isfinite(ms->r_now_ohm) && ms->have_dcir &&
	    isfinite(ms->dcir.r_10s_discharge_ohm)) {
		ms->r_now_ohm = ms->dcir.r_10s_discharge_ohm;
		ms->r_source = "pulse_10s_discharge";
	}
	ms->r_bol_ohm = NAN;
	if (isfinite(ms->info->initial_resistance_ohm) &&
	    ms->info->initial_resistance_ohm > 0) {
		ms->r_bol_ohm = ms->info->initial_resistance_ohm;
		ev->r_basis = BG_RBASIS_INITIAL;
	} else if (nr >= 2 && first_r > 0) {
		ms->r_bol_ohm = first_r;
		ev->r_basis = BG_RBASIS_EARLIEST;
		note(ms, "R_BOL is the earliest recorded resistance "
		     "(no initial_resistance_ohm in the manifest)");
	}
	if (isfinite(ms->r_now_ohm) && isfinite(ms->r_bol_ohm))
		ev->soh_resistance = ms->r_now_ohm / ms->r_bol_ohm;
	else
		note(ms, "resistance increase unknown: %s",
		     !isfinite(ms->r_now_ohm) ? "no resistance measured"
		     : "neither initial_resistance_ohm nor an earlier "
		       "recorded resistance");
}

static void fade_fits(bg_assessor *a, struct module_state *ms,
		      bg_evidence *ev)
{
	const bg_policy *p = a->pol;
	bg_fade_opts o;
	bg_error e;

	ms->have_fade = ms->have_rfade = 0;
	if (!ms->cap || !ms->cap->n) {
		note(ms, "no capacity history: no fade fit, RUL unknown");
		return;
	}
	bg_fade_opts_init(&o);
	o.rated_capacity_ah = ms->info->nominal_capacity_ah;
	o.eol_fraction = p->eol_soh_capacity;
	o.eol_resistance_factor = p->eol_soh_resistance;
	/* the optimistic P90 end of life is only in the full JSON */
	o.skip_p90 = a->summary != BG_ASSESS_FULL;
	if (p->reference_profile >= 0)
		o.cycles_per_day =
			p->profiles[p->reference_profile].cycles_per_day *
			p->profiles[p->reference_profile].depth_of_discharge;
	bg_error_clear(&e);
	if (bg_fade_capacity(a->fader, ms->cap, &o, &ms->fade, &e)) {
		ev->capacity_fit_ok = 0;
		snprintf(ms->fade_error, sizeof(ms->fade_error), "%s", e.msg);
		note(ms, "capacity fit failed: %s", e.msg);
		return;
	}
	ms->have_fade = 1;
	ev->capacity_fit_ok = ms->fade.status == BG_FADE_NOCONV ? 0 : 1;
	if (ms->fade.status == BG_FADE_INSUFFICIENT)
		note(ms, "capacity history too short for a fit (fewer than "
		     "5 points or under 3 %% fade): graded on the current "
		     "state only");
	if (ms->fade.status == BG_FADE_OK) {
		ev->knee_cycle = ms->fade.knee_cycle;
		ev->knee_onset_cycle = ms->fade.knee_onset_cycle;
		ev->knee_past = isfinite(ms->fade.knee_cycle) &&
				ms->fade.knee_cycle <= ms->fade.last_cycle;
		ev->knee_onset = isfinite(ms->fade.knee_onset_cycle);
	}
	if (isfinite(ms->r_bol_ohm) && !strcmp(ms->r_source ? ms->r_source
					       : "", "capacity_check") &&
	    bg_fade_resistance(a->fader, ms->cap, ms->r_bol_ohm, &o,
			       &ms->rfade, NULL) == 0 &&
	    ms->rfade.status == BG_FADE_OK)
		ms->have_rfade = 1;
}

/* Remaining years of one fit to thr under efc_per_day (p50, p10 and
 * rc as bg_fade_rul_years gave them).  Past the search horizon the
 * horizon itself is a lower bound (flagged). */
static void rul_of(const bg_fade_result *fit, double efc_per_day, int rc,
		   double *p50, double *p10, int *beyond)
{
	double horizon;

	*beyond = 0;
	if (fit->status != BG_FADE_OK || rc) {
		*p50 = *p10 = NAN;
		return;
	}
	if (isfinite(*p50))
		return;
	horizon = fit->horizon - fit->last_cycle;
	if (strcmp(fit->axis, "days"))
		horizon /= efc_per_day;
	*p50 = *p10 = horizon / DAYS_PER_YEAR;
	*beyond = isfinite(*p50) && *p50 > 0;
	if (!*beyond)
		*p50 = *p10 = NAN;
}

/* NaN-aware minimum: unknown when either is unknown. */
static double min_known(double a, double b, int b_used)
{
	if (!b_used)
		return a;
	return isfinite(a) && isfinite(b) ? fmin(a, b) : NAN;
}

/* The policy's horizon bounds every prediction: beyond it the years
 * are the horizon itself, flagged, never centuries extrapolated from a
 * cycle-only model at a backup duty of a few cycles a year. */
static void cap_years(double max, double *p50, double *p10, int *beyond)
{
	if (isfinite(*p50) && *p50 > max) {
		*p50 = max;
		*beyond = 1;
	}
	if (isfinite(*p10) && *p10 > max)
		*p10 = max;
}

/* The capacity fit's remaining years under the duties efc[0..n-1] of
 * profiles idx[]: one call per distinct end-of-life threshold. */
static void capacity_ruls(const bg_policy *p, const struct module_state *ms,
			  const size_t *idx, size_t n, const double *efc,
			  double *c50, double *c10, int *crc)
{
	double thr[BG_POLICY_MAX_PROFILES], e[BG_POLICY_MAX_PROFILES],
	       y50[BG_POLICY_MAX_PROFILES], y10[BG_POLICY_MAX_PROFILES];
	int rc[BG_POLICY_MAX_PROFILES], done[BG_POLICY_MAX_PROFILES] = { 0 };
	size_t k, j, m, pos[BG_POLICY_MAX_PROFILES];

	for (k = 0; k < n; k++)
		thr[k] = p->profiles[idx[k]].eol_soh_capacity *
			 ms->info->nominal_capacity_ah;
	for (k = 0; k < n; k++) {
		if (done[k])
			continue;
		for (j = k, m = 0; j < n; j++)
			if (!done[j] && (thr[j] == thr[k] ||
					 (isnan(thr[j]) && isnan(thr[k])))) {
				pos[m] = j;
				e[m++] = efc[j];
				done[j] = 1;
			}
		bg_fade_rul_years_n(&ms->fade, thr[k], m, e, y50, y10, rc);
		for (j = 0; j < m; j++) {
			c50[pos[j]] = y50[j];
			c10[pos[j]] = y10[j];
			crc[pos[j]] = rc[j];
		}
	}
}

/* Remaining life under each profile in mask (bit k: profile k).  All
 * profiles share one end-of-life threshold per fit in the usual
 * policy, so each fit's crossings are asked for all duties at once
 * (bg_fade_rul_years_n shares what does not depend on the duty). */
static void rul_profiles(bg_assessor *a, struct module_state *ms,
			 bg_evidence *ev, unsigned mask)
{
	const bg_policy *p = a->pol;
	double efc[BG_POLICY_MAX_PROFILES], c50[BG_POLICY_MAX_PROFILES],
	       c10[BG_POLICY_MAX_PROFILES], r50[BG_POLICY_MAX_PROFILES],
	       r10[BG_POLICY_MAX_PROFILES];
	int crc[BG_POLICY_MAX_PROFILES], rrc[BG_POLICY_MAX_PROFILES];
	size_t k, n = 0, idx[BG_POLICY_MAX_PROFILES];
	int cb, rb;

	if (!ms->have_fade || ms->fade.status != BG_FADE_OK)
		return;
	for (k = 0; k < p->nprofiles; k++) {
		if (!(mask & (1u << k)))
			continue;
		r50[n] = r10[n] = NAN;
		idx[n] = k;
		efc[n++] = p->profiles[k].cycles_per_day *
			   p->profiles[k].depth_of_discharge;
	}
	capacity_ruls(p, ms, idx, n, efc, c50, c10, crc);
	if (ms->have_rfade)
		bg_fade_rul_years_n(&ms->rfade,
				    p->eol_soh_resistance * ms->r_bol_ohm, n,
				    efc, r50, r10, rrc);
	for (k = 0; k < n; k++) {
		size_t i = idx[k];

		rul_of(&ms->fade, efc[k], crc[k], &c50[k], &c10[k], &cb);
		rb = 1;
		if (ms->have_rfade)
			rul_of(&ms->rfade, efc[k], rrc[k], &r50[k], &r10[k],
			       &rb);
		ev->rul_p50_years[i] = min_known(c50[k], r50[k],
						 ms->have_rfade);
		ev->rul_p10_years[i] = min_known(c10[k], r10[k],
						 ms->have_rfade);
		ms->beyond[i] = cb && rb;
		cap_years(p->max_service_years, &ev->rul_p50_years[i],
			  &ev->rul_p10_years[i], &ms->beyond[i]);
	}
}

/* Profiles whose remaining life some rule reads, and the reference. */
static unsigned rule_profiles(const bg_policy *p)
{
	static const char *const pre[] = { "rul_p10_years.",
					   "rul_p50_years." };
	unsigned mask = p->reference_profile >= 0
				? 1u << p->reference_profile : 0;
	const char *in[2 + 2 * BG_POLICY_MAX_OR];
	size_t i, j, k, n;
	int prof;

	for (i = 0; i < p->nrules; i++) {
		const bg_policy_rule *r = &p->rules[i];

		n = 0;
		in[n++] = r->input;
		if (r->has_when)
			in[n++] = r->when.input;
		for (k = 0; k < r->nor; k++)
			in[n++] = r->or_[k].input;
		for (j = 0; j < n; j++)
			for (k = 0; k < 2; k++)
				if (!strncmp(in[j], pre[k], 14) &&
				    (prof = bg_policy_profile_index(
					     p, in[j] + 14)) >= 0)
					mask |= 1u << prof;
	}
	return mask;
}

/*
 * Remaining life is the costly part of grading: compute it for the
 * profiles the rules read, grade, then only for the profiles the
 * grade allows (a module graded R or RETEST suits none), and grade
 * again with those figures (which cannot change the grade: no rule
 * reads them).
 */
static void grade_with_rul(bg_assessor *a, struct module_state *ms,
			   bg_evidence *ev, bg_grade_result *g)
{
	const bg_policy *p = a->pol;
	unsigned done = rule_profiles(p), more = 0;
	size_t k;

	rul_profiles(a, ms, ev, done);
	bg_grade_eval(g, p, ev);
	for (k = 0; k < p->nprofiles; k++)
		if (!(done & (1u << k)) && g->grade >= BG_GRADE_C &&
		    (p->profiles[k].grades & (1u << g->grade)))
			more |= 1u << k;
	if (!more)
		return;
	rul_profiles(a, ms, ev, more);
	bg_grade_eval(g, p, ev);
}

static void impedance_state(bg_assessor *a, struct module_state *ms,
			    const bg_spectrum *s, bg_evidence *ev)
{
	bg_error e;

	ms->have_spectrum = s != NULL;
	if (!s)
		return;
	bg_error_clear(&e);
	ms->kk_error = bg_kk_test(s, a->pol->kk_max_residual,
				  a->pol->drop_inductive, &ms->kk, &e);
	ev->kk_valid = !ms->kk_error && ms->kk.valid ? 1 : 0;
	if (ms->kk_error)
		note(ms, "Lin-KK test impossible: %s", e.msg);
	ms->eis_rc = bg_eis_fit(a->eis, s, a->pol->circuit,
				BG_EIS_WEIGHT_MODULUS, &ms->eis, &e);
	ev->impedance_fit_ok = ms->eis_rc == 0 ? 1 : 0;
	if (ms->eis_rc && ms->eis_rc != BG_ENOCONV)
		note(ms, "impedance fit impossible: %s", e.msg);
}

static void history_state(const struct packdata *pd,
			  const struct module_state *ms, bg_evidence *ev,
			  const char **scope)
{
	bg_history_summary sum;
	const char *id = ms->info->module_id;

	*scope = NULL;
	if (!pd->hist)
		return;
	if (bg_history_summary_get(pd->hist, id, &sum) == 0 && sum.rows) {
		*scope = id;
	} else if (bg_history_summary_get(pd->hist, NULL, &sum) == 0 &&
		   sum.rows) {
		*scope = "";
	} else {
		return;
	}
	ev->has_history = 1;
	ev->ev_overvoltage = (double)sum.n_events[BG_EV_OVERVOLTAGE];
	ev->ev_undervoltage = (double)sum.n_events[BG_EV_UNDERVOLTAGE];
	ev->ev_overtemperature = (double)sum.n_events[BG_EV_OVERTEMP];
	ev->ev_undertemp_charge =
		(double)sum.n_events[BG_EV_UNDERTEMP_CHARGE];
	ev->ev_overcurrent = (double)sum.n_events[BG_EV_OVERCURRENT];
}

static cJSON *module_json(bg_assessor *a, const struct packdata *pd,
			  const bg_module_info *m)
{
	const bg_policy *p = a->pol;
	const bg_pulse_series *ps = find_pulse(pd, m->module_id);
	struct module_state *ms = calloc(1, sizeof(*ms));
	bg_grade_result *g = malloc(sizeof(*g));
	const char *scope;
	bg_evidence ev;
	cJSON *o = NULL;

	if (!ms || !g || (a->summary < BG_ASSESS_ROW &&
			  !(ms->notes = cJSON_CreateArray())))
		goto done;
	ms->info = m;
	ms->cap = find_capacity(pd, m->module_id);
	bg_evidence_init(&ev);
	snprintf(ev.chemistry, sizeof(ev.chemistry), "%s",
		 pd->pack->chemistry);
	ms->have_dcir = ps && bg_dcir_compute(ps, &ms->dcir, NULL) == 0;
	capacity_state(ms, &ev);
	fade_fits(a, ms, &ev);
	impedance_state(a, ms, find_spectrum(pd, m->module_id), &ev);
	history_state(pd, ms, &ev, &scope);
	if (!scope)
		note(ms, "no BMS history for this module: no traceability");
	grade_with_rul(a, ms, &ev, g);
	o = bg_assess_module_json(p, pd, ms, &ev, g, scope, a->summary);
done:
	if (ms)
		cJSON_Delete(ms->notes);
	free(ms);
	free(g);
	return o;
}

int bg_assess_pack(bg_assessor *a, const char *dir, cJSON **out,
		   bg_error *err)
{
	struct packdata pd;
	cJSON *arr = NULL, *m;
	size_t i;
	int rc;

	*out = NULL;
	if ((rc = packdata_load(&pd, dir, !a->summary, err)))
		goto done;
	if (!(arr = cJSON_CreateArray())) {
		rc = bg_error_set(err, BG_ENOMEM, NULL, 0, 0, "oom");
		goto done;
	}
	for (i = 0; i < pd.pack->nmodules; i++) {
		if (!(m = module_json(a, &pd, &pd.pack->modules[i]))) {
			rc = bg_error_set(err, BG_ENOMEM, NULL, 0, 0, "oom");
			goto done;
		}
		cJSON_AddItemToArray(arr, m);
	}
	*out = arr;
	arr = NULL;
done:
	cJSON_Delete(arr);
	packdata_free(&pd);
	return rc;
}
