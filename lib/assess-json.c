/*
 * assess-json.c - a graded module as JSON: the object of
 * battgrade grade --json and of the certificate (keys in assess.h and
 * battgrade-grade(1)).  Unknown numbers are null, never NaN.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "battgrade/assess.h"
#include "assess-int.h"

/* ---- JSON helpers ---------------------------------------------------- */

/* A number, or null when it is not finite (JSON has no NaN). */
static void add_num(cJSON *o, const char *key, double v)
{
	if (isfinite(v))
		cJSON_AddNumberToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

static void add_str(cJSON *o, const char *key, const char *s)
{
	if (s && *s)
		cJSON_AddStringToObject(o, key, s);
	else
		cJSON_AddNullToObject(o, key);
}

/* ---- the module's JSON ------------------------------------------------- */

static cJSON *rules_json(const bg_policy *p, const bg_grade_result *g)
{
	cJSON *arr = cJSON_CreateArray(), *o, *alts, *t;
	size_t i, k;

	for (i = 0; arr && i < g->nrules; i++) {
		const bg_rule_result *r = &g->rules[i];
		const bg_policy_rule *ru = &p->rules[r->rule];

		o = cJSON_CreateObject();
		cJSON_AddItemToArray(arr, o);
		cJSON_AddStringToObject(o, "id", ru->id);
		cJSON_AddStringToObject(o, "gate", ru->gate);
		cJSON_AddStringToObject(o, "input", ru->input);
		add_num(o, "value", r->value);
		cJSON_AddStringToObject(o, "op", bg_policy_op_name(ru->op));
		add_num(o, "threshold", r->threshold);
		cJSON_AddStringToObject(o, "unit", ru->unit);
		cJSON_AddStringToObject(o, "outcome",
					bg_outcome_name(r->outcome));
		if (r->cap == BG_GRADE_NONE)
			cJSON_AddNullToObject(o, "cap");
		else
			cJSON_AddStringToObject(o, "cap",
						bg_grade_name(r->cap));
		if (!ru->nor)
			continue;
		alts = cJSON_AddArrayToObject(o, "or");
		for (k = 0; k < ru->nor; k++) {
			t = cJSON_CreateObject();
			cJSON_AddItemToArray(alts, t);
			cJSON_AddStringToObject(t, "input", ru->or_[k].input);
			add_num(t, "value", r->or_value[k]);
			cJSON_AddStringToObject(
				t, "op", bg_policy_op_name(ru->or_[k].op));
			add_num(t, "threshold", ru->or_[k].threshold);
		}
	}
	return arr;
}

static cJSON *apps_json(const bg_policy *p, const bg_grade_result *g,
			const struct module_state *ms)
{
	cJSON *arr = cJSON_CreateArray(), *o;
	size_t i;

	for (i = 0; arr && i < g->napps; i++) {
		const bg_policy_profile *pr = &p->profiles[g->apps[i].profile];

		o = cJSON_CreateObject();
		cJSON_AddItemToArray(arr, o);
		cJSON_AddStringToObject(o, "name", pr->name);
		add_num(o, "p50_years", g->apps[i].p50_years);
		add_num(o, "p10_years", g->apps[i].p10_years);
		cJSON_AddBoolToObject(o, "beyond_horizon",
				      ms->beyond[g->apps[i].profile]);
		add_num(o, "cycles_per_day", pr->cycles_per_day);
		add_num(o, "depth_of_discharge", pr->depth_of_discharge);
		add_num(o, "c_rate", pr->c_rate);
		add_num(o, "temperature_c", pr->temperature_c);
	}
	return arr;
}

/* The measured history as [[x, capacity_ah], ...], x the cycle count
 * (or days when the file has no cycle counts): the points a
 * certificate or a registry page plots under the fit. */
static void add_points(cJSON *o, const bg_capacity_series *s)
{
	cJSON *pts, *pt;
	size_t i;
	int days = s->n && !isfinite(s->pts[0].cycle_count);

	/* One "points" key whatever the fit's own JSON holds. */
	cJSON_DeleteItemFromObjectCaseSensitive(o, "points");
	cJSON_DeleteItemFromObjectCaseSensitive(o, "points_axis");
	pts = cJSON_AddArrayToObject(o, "points");
	for (i = 0; pts && i < s->n; i++) {
		double x = days ? s->pts[i].days : s->pts[i].cycle_count;

		if (!isfinite(x) || !isfinite(s->pts[i].capacity_ah))
			continue;
		pt = cJSON_CreateArray();
		cJSON_AddItemToArray(pt, cJSON_CreateNumber(x));
		cJSON_AddItemToArray(pt, cJSON_CreateNumber(
						 s->pts[i].capacity_ah));
		cJSON_AddItemToArray(pts, pt);
	}
	cJSON_AddStringToObject(o, "points_axis", days ? "days" : "cycles");
}

static cJSON *fade_json(const struct module_state *ms)
{
	cJSON *o = NULL;

	if (!ms->cap)
		return cJSON_CreateNull();
	if (!ms->have_fade || bg_fade_result_to_json(&ms->fade, &o)) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "status", "error");
		cJSON_AddStringToObject(o, "error", ms->fade_error);
	}
	add_points(o, ms->cap);
	return o;
}

static cJSON *impedance_json(const struct module_state *ms)
{
	cJSON *o, *fit = NULL, *kk;

	if (!ms->have_spectrum)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	if (ms->eis_rc == 0 || ms->eis_rc == BG_ENOCONV)
		bg_eis_result_to_json(&ms->eis, &fit);
	cJSON_AddItemToObject(o, "fit", fit ? fit : cJSON_CreateNull());
	if (ms->kk_error) {
		cJSON_AddNullToObject(o, "kk");
		return o;
	}
	kk = cJSON_AddObjectToObject(o, "kk");
	add_num(kk, "mu", ms->kk.mu);
	cJSON_AddNumberToObject(kk, "m", ms->kk.m);
	add_num(kk, "max_residual", ms->kk.max_residual);
	cJSON_AddBoolToObject(kk, "valid", ms->kk.valid);
	return o;
}

static cJSON *dcir_json(const struct module_state *ms)
{
	const bg_dcir_result *d = &ms->dcir;
	cJSON *o;

	if (!ms->have_dcir)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	add_num(o, "r_ohmic_discharge_ohm", d->r_ohmic_discharge_ohm);
	add_num(o, "r_1s_discharge_ohm", d->r_1s_discharge_ohm);
	add_num(o, "r_10s_discharge_ohm", d->r_10s_discharge_ohm);
	add_num(o, "r_30s_discharge_ohm", d->r_30s_discharge_ohm);
	add_num(o, "r_ohmic_charge_ohm", d->r_ohmic_charge_ohm);
	add_num(o, "r_1s_charge_ohm", d->r_1s_charge_ohm);
	add_num(o, "r_10s_charge_ohm", d->r_10s_charge_ohm);
	add_num(o, "r_30s_charge_ohm", d->r_30s_charge_ohm);
	add_num(o, "power_capability_w", d->power_capability_w);
	return o;
}

#define HISTORY_MAX_EVENTS 100

static void history_events(cJSON *o, const bg_history *h, const char *id,
			   const bg_history_summary *sum)
{
	cJSON *cnt = cJSON_AddObjectToObject(o, "event_counts");
	cJSON *list = cJSON_AddArrayToObject(o, "events"), *e;
	size_t i, n = bg_history_event_count(h, id);
	unsigned long total = 0;
	bg_event ev;
	int k;

	for (k = 0; k < BG_EV_NTYPES; k++) {
		cJSON_AddNumberToObject(cnt, bg_event_name(k),
					(double)sum->n_events[k]);
		total += sum->n_events[k];
	}
	for (i = 0; i < n && i < HISTORY_MAX_EVENTS; i++) {
		if (bg_history_event_get(h, id, i, &ev) < 0)
			break;
		e = cJSON_CreateObject();
		cJSON_AddItemToArray(list, e);
		cJSON_AddStringToObject(e, "type", bg_event_name(ev.type));
		cJSON_AddNumberToObject(e, "start", ev.start);
		cJSON_AddNumberToObject(e, "end", ev.end);
		add_num(e, "extreme", ev.extreme);
	}
	cJSON_AddBoolToObject(o, "events_truncated", total > i);
}

/*
 * The history figures a grade and a certificate need (EU 2023/1542
 * Annex VII Part B; IEC 63338): throughput, cycles, coverage,
 * temperature minutes and harmful events, with the key names of
 * battgrade-history(1).  The full report (rainflow, histograms) stays
 * with "battgrade history --json": it is several times the size of a
 * module's grade and half the cost of grading it.
 */
static cJSON *history_json(const struct packdata *pd, const char *scope)
{
	const char *id = scope && *scope ? scope : NULL;
	const bg_pack *pk = pd->pack;
	bg_history_summary s;
	cJSON *o, *tm;

	if (!scope || bg_history_summary_get(pd->hist, id, &s))
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "scope", id ? "module" : "pack");
	cJSON_AddNumberToObject(o, "rows", (double)s.rows);
	cJSON_AddNumberToObject(o, "span_s", s.span_s);
	cJSON_AddNumberToObject(o, "ah_throughput_charge",
				s.ah_throughput_charge);
	cJSON_AddNumberToObject(o, "ah_throughput_discharge",
				s.ah_throughput_discharge);
	cJSON_AddNumberToObject(o, "energy_throughput_kWh",
				s.energy_throughput_kwh);
	cJSON_AddNumberToObject(o, "equivalent_full_cycles",
				s.equivalent_full_cycles);
	cJSON_AddNumberToObject(o, "minutes_high_soc", s.minutes_high_soc);
	cJSON_AddNumberToObject(o, "gaps", (double)s.gaps);
	cJSON_AddNumberToObject(o, "clock_jumps", (double)s.clock_jumps);
	add_num(o, "coverage", s.coverage);
	add_num(o, "calendar_age_days",
		(bg_assess_parse_date(pk->retirement_date) -
		 bg_assess_parse_date(pk->manufacture_date)) / 86400);
	add_num(o, "service_days", (bg_assess_parse_date(pk->retirement_date) -
				    bg_assess_parse_date(pk->first_use_date)) / 86400);
	tm = cJSON_AddObjectToObject(o, "temperature_minutes");
	add_num(tm, "above", s.minutes_above_temp);
	add_num(tm, "below", s.minutes_below_temp);
	add_num(tm, "charging_above", s.minutes_charging_above);
	add_num(tm, "charging_below", s.minutes_charging_below);
	history_events(o, pd->hist, id, &s);
	return o;
}

static void identity_json(cJSON *o, const bg_policy *p,
			  const struct packdata *pd, const bg_module_info *m,
			  const bg_grade_result *g)
{
	cJSON_AddStringToObject(o, "pack_id", pd->pack->pack_id);
	cJSON_AddStringToObject(o, "module_id", m->module_id);
	cJSON_AddStringToObject(o, "grade", bg_grade_name(g->grade));
	if (g->deciding < 0)
		cJSON_AddNullToObject(o, "deciding_rule");
	else
		cJSON_AddStringToObject(o, "deciding_rule",
					p->rules[g->deciding].id);
	cJSON_AddStringToObject(o, "policy", p->name);
	cJSON_AddStringToObject(o, "policy_version", p->version);
	cJSON_AddStringToObject(o, "policy_sha256", p->sha256_hex);
	add_str(o, "chemistry", pd->pack->chemistry);
	add_str(o, "manufacturer", pd->pack->manufacturer);
	add_str(o, "model", pd->pack->model);
	cJSON_AddNumberToObject(o, "position", m->position);
}

static void state_json(cJSON *o, const struct module_state *ms,
		       const bg_evidence *ev, const bg_policy *p)
{
	const bg_module_info *m = ms->info;
	int ref = p->reference_profile;

	add_num(o, "rated_capacity_ah", m->nominal_capacity_ah);
	add_num(o, "nominal_voltage_volt", m->nominal_voltage_volt);
	add_num(o, "remaining_capacity_ah", ms->capacity_ah);
	add_num(o, "soh_capacity", ev->soh_capacity);
	add_num(o, "capacity_fade_percent", (1 - ev->soh_capacity) * 100);
	add_num(o, "resistance_ohm", ms->r_now_ohm);
	add_str(o, "resistance_source", ms->r_source);
	add_num(o, "resistance_bol_ohm", ms->r_bol_ohm);
	cJSON_AddStringToObject(o, "resistance_basis",
				bg_r_basis_name(ev->r_basis));
	add_num(o, "soh_resistance", ev->soh_resistance);
	add_num(o, "resistance_increase_percent",
		(ev->soh_resistance - 1) * 100);
	add_str(o, "rul_application", ref >= 0 ? p->profiles[ref].name : NULL);
	add_num(o, "rul_years_p50", ref >= 0 ? ev->rul_p50_years[ref] : NAN);
	add_num(o, "rul_years_p10", ref >= 0 ? ev->rul_p10_years[ref] : NAN);
	add_num(o, "knee_cycle", ev->knee_cycle);
	add_num(o, "knee_onset_cycle", ev->knee_onset_cycle);
}

cJSON *bg_assess_module_json(const bg_policy *p, const struct packdata *pd,
			     struct module_state *ms, const bg_evidence *ev,
			     const bg_grade_result *g, const char *scope,
			     int summary)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return NULL;
	identity_json(o, p, pd, ms->info, g);
	cJSON_AddItemToObject(o, "applications", apps_json(p, g, ms));
	if (summary < BG_ASSESS_ROW)
		cJSON_AddItemToObject(o, "rules", rules_json(p, g));
	state_json(o, ms, ev, p);
	if (ms->notes)
		cJSON_AddItemToObject(o, "notes", ms->notes);
	ms->notes = NULL;
	if (summary)
		return o;
	cJSON_AddItemToObject(o, "fade", fade_json(ms));
	cJSON_AddItemToObject(o, "impedance", impedance_json(ms));
	cJSON_AddItemToObject(o, "dcir", dcir_json(ms));
	cJSON_AddItemToObject(o, "history", history_json(pd, scope));
	cJSON_AddItemToObject(o, "inputs", cJSON_Duplicate(pd->inputs, 1));
	return o;
}
