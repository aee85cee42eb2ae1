/*
 * history-report.c - summaries, event lists, rainflow bins and the JSON
 * report of a bg_history (see history.h).
 *
 * A module's figures come from its own track.  The pack's figures, for
 * a log whose rows carry module_id, combine the modules: energies and
 * event counts add up; Ah throughput is the modules' sum divided by the
 * modules in series (each series module carries the pack current);
 * minutes out of limits and coverage take the worst (largest) module,
 * a lower bound on the pack's time with some module out of limits;
 * histograms and rainflow counts are summed over modules (so their
 * unit is module-minutes and module-cycles).
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "history-int.h"
#include "i18n.h"

static const char *const event_names[BG_EV_NTYPES] = {
	"overvoltage", "undervoltage", "overtemperature",
	"undertemperature_charging", "overcurrent"
};

const char *bg_event_name(int type)
{
	return type >= 0 && type < BG_EV_NTYPES ? event_names[type] : "?";
}

/* A module track that the log has rows for. */
static int is_module(const struct hist_track *t)
{
	return t->id[0] != '\0' && t->rows > 0;
}

size_t bg_history_nmodules(const bg_history *h)
{
	size_t i, n = 0;

	for (i = 0; i < h->ntr; i++)
		n += is_module(h->tr[i]);
	return n;
}

const char *bg_history_module_id(const bg_history *h, size_t k)
{
	size_t i;

	for (i = 0; i < h->ntr; i++)
		if (is_module(h->tr[i]) && k-- == 0)
			return h->tr[i]->id;
	return NULL;
}

/* The tracks a report covers: one module, or every track of the pack. */
struct view {
	const struct hist_track **t;
	size_t n;
	int aggregate;
};

static int view_get(const bg_history *h, const char *module_id,
		    struct view *v)
{
	size_t i;

	v->n = 0;
	v->aggregate = 0;
	v->t = calloc(h->ntr + 1, sizeof(*v->t));
	if (!v->t)
		return BG_ENOMEM;
	if (module_id) {
		const struct hist_track *t = hist_find(h, module_id);

		if (!t || !*module_id) {
			free(v->t);
			return BG_EINVAL;
		}
		v->t[v->n++] = t;
		return 0;
	}
	/* The pack: its own rows (a pack-level log), else its modules'. */
	for (i = 0; i < h->ntr; i++)
		if (!h->tr[i]->id[0] && h->tr[i]->rows) {
			v->t[v->n++] = h->tr[i];
			return 0;
		}
	for (i = 0; i < h->ntr; i++)
		if (is_module(h->tr[i]))
			v->t[v->n++] = h->tr[i];
	v->aggregate = v->n > 0;
	return 0;
}

static double life_s(const bg_history *h)
{
	double life = h->retirement_s - h->first_use_s;

	return isfinite(life) && life > 0 ? life : NAN;
}

static void track_summary(const bg_history *h, const struct hist_track *t,
			  bg_history_summary *s)
{
	double life = life_s(h);
	int k;

	memset(s, 0, sizeof(*s));
	s->ah_throughput_charge = t->as_chg / 3600;
	s->ah_throughput_discharge = t->as_dis / 3600;
	s->energy_throughput_kwh = (t->ws_chg + t->ws_dis) / 3.6e6;
	s->equivalent_full_cycles = (s->ah_throughput_charge +
				     s->ah_throughput_discharge) /
				    (2 * t->cap_ah);
	s->coverage = isnan(life) ? NAN : fmin(1, t->covered_life_s / life);
	s->span_s = t->rows ? t->t_last - t->t_first : 0;
	s->rows = t->rows;
	s->gaps = t->gaps;
	s->clock_jumps = t->jumps;
	for (k = 0; k < BG_EV_NTYPES; k++)
		s->n_events[k] = t->n_events[k];
	s->minutes_above_temp = t->s_above / 60;
	s->minutes_below_temp = t->s_below / 60;
	s->minutes_charging_above = t->s_chg_above / 60;
	s->minutes_charging_below = t->s_chg_below / 60;
	s->minutes_high_soc = t->s_high_soc / 60;
}

static void add_summary(bg_history_summary *a, const bg_history_summary *b,
			int first)
{
	int k;

	a->ah_throughput_charge += b->ah_throughput_charge;
	a->ah_throughput_discharge += b->ah_throughput_discharge;
	a->energy_throughput_kwh += b->energy_throughput_kwh;
	a->coverage = first ? b->coverage : fmax(a->coverage, b->coverage);
	a->rows += b->rows;
	a->gaps += b->gaps;
	a->clock_jumps += b->clock_jumps;
	for (k = 0; k < BG_EV_NTYPES; k++)
		a->n_events[k] += b->n_events[k];
	a->minutes_above_temp = fmax(a->minutes_above_temp,
				     b->minutes_above_temp);
	a->minutes_below_temp = fmax(a->minutes_below_temp,
				     b->minutes_below_temp);
	a->minutes_charging_above = fmax(a->minutes_charging_above,
					 b->minutes_charging_above);
	a->minutes_charging_below = fmax(a->minutes_charging_below,
					 b->minutes_charging_below);
	a->minutes_high_soc = fmax(a->minutes_high_soc, b->minutes_high_soc);
}

static void view_summary(const bg_history *h, const struct view *v,
			 bg_history_summary *s)
{
	bg_history_summary m;
	double lo = INFINITY, hi = -INFINITY;
	size_t i, nmod = 0;
	int nser = h->modules_series;

	memset(s, 0, sizeof(*s));
	s->coverage = isnan(life_s(h)) ? NAN : 0;
	if (!v->aggregate) {
		if (v->n)
			track_summary(h, v->t[0], s);
		return;
	}
	for (i = 0; i < v->n; i++) {
		const struct hist_track *t = v->t[i];

		track_summary(h, t, &m);
		add_summary(s, &m, i == 0);
		nmod += t->rows > 0;
		if (t->rows) {
			lo = fmin(lo, t->t_first);
			hi = fmax(hi, t->t_last);
		}
	}
	if (nser <= 0)
		nser = nmod ? (int)nmod : 1;
	s->ah_throughput_charge /= nser;
	s->ah_throughput_discharge /= nser;
	s->equivalent_full_cycles = (s->ah_throughput_charge +
				     s->ah_throughput_discharge) /
				    (2 * h->cap_ah);
	s->span_s = hi > lo ? hi - lo : 0;
}

int bg_history_summary_get(const bg_history *h, const char *module_id,
			   bg_history_summary *out)
{
	struct view v;
	int rc;

	if ((rc = view_get(h, module_id, &v)) < 0)
		return rc;
	view_summary(h, &v, out);
	free(v.t);
	return 0;
}

/* ---- events -------------------------------------------------------- */

static size_t track_nev(const struct hist_track *t)
{
	size_t n = t->nev;
	int k;

	for (k = 0; k < BG_EV_NTYPES; k++)
		n += t->open[k].open;
	return n;
}

static void track_ev(const struct hist_track *t, size_t i, bg_event *e)
{
	int k;

	if (i < t->nev) {
		*e = t->events[i];
		return;
	}
	i -= t->nev;
	for (k = 0; k < BG_EV_NTYPES; k++) {
		if (!t->open[k].open || i-- != 0)
			continue;
		e->type = k;
		e->start = t->open[k].start;
		e->end = t->open[k].end;
		e->extreme = t->open[k].extreme;
		e->line = t->open[k].line;
		return;
	}
}

size_t bg_history_event_count(const bg_history *h, const char *module_id)
{
	struct view v;
	size_t i, n = 0;

	if (view_get(h, module_id, &v) < 0)
		return 0;
	for (i = 0; i < v.n; i++)
		n += track_nev(v.t[i]);
	free(v.t);
	return n;
}

int bg_history_event_get(const bg_history *h, const char *module_id,
			 size_t i, bg_event *out)
{
	struct view v;
	size_t k;
	int rc;

	if ((rc = view_get(h, module_id, &v)) < 0)
		return rc;
	for (k = 0, rc = BG_EINVAL; k < v.n; k++) {
		size_t n = track_nev(v.t[k]);

		if (i < n) {
			track_ev(v.t[k], i, out);
			rc = 0;
			break;
		}
		i -= n;
	}
	free(v.t);
	return rc;
}

/* ---- rainflow bins -------------------------------------------------- */

struct bins {
	unsigned long *full, *half;
};

static void bin_residue(void *ctx, double from, double to, double count)
{
	struct bins *b = ctx;
	double x = from / HIST_SOC_LEVELS, y = to / HIST_SOC_LEVELS;
	long d = lround(fabs(x - y) * (HIST_RF_BINS - 1));
	long m = lround((x + y) / 2 * (HIST_RF_BINS - 1));
	size_t k = (size_t)d * HIST_RF_BINS + (size_t)m;

	if (count >= 1)
		b->full[k]++;
	else
		b->half[k]++;
}

static int collect_bins(const struct view *v, struct bins *b)
{
	size_t n = HIST_RF_BINS * HIST_RF_BINS, i, k;

	b->full = calloc(n, sizeof(*b->full));
	b->half = calloc(n, sizeof(*b->half));
	if (!b->full || !b->half) {
		free(b->full);
		free(b->half);
		return BG_ENOMEM;
	}
	for (i = 0; i < v->n; i++) {
		const struct hist_track *t = v->t[i];

		for (k = 0; t->rf_full && k < n; k++) {
			b->full[k] += t->rf_full[k];
			b->half[k] += t->rf_half[k];
		}
		/* a track with few cycles keeps them as a list of bins */
		for (k = 0; !t->rf_full && k < t->rf_nlist; k++)
			if (t->rf_list[k] >> 15)
				b->half[t->rf_list[k] & 0x7fff]++;
			else
				b->full[t->rf_list[k] & 0x7fff]++;
		bg_rainflow_residue(&t->rf, bin_residue, b);
	}
	return 0;
}

size_t bg_history_rainflow(const bg_history *h, const char *module_id,
			   bg_history_bin_fn fn, void *ctx)
{
	struct view v;
	struct bins b;
	size_t d, m, visited = 0;

	if (view_get(h, module_id, &v) < 0)
		return 0;
	if (collect_bins(&v, &b) < 0) {
		free(v.t);
		return 0;
	}
	for (d = 0; d < HIST_RF_BINS; d++)
		for (m = 0; m < HIST_RF_BINS; m++) {
			size_t k = d * HIST_RF_BINS + m;
			double depth = d / (double)(HIST_RF_BINS - 1);
			double mean = m / (double)(HIST_RF_BINS - 1);

			if (b.full[k]) {
				fn(ctx, depth, mean, 1.0, b.full[k]);
				visited++;
			}
			if (b.half[k]) {
				fn(ctx, depth, mean, 0.5, b.half[k]);
				visited++;
			}
		}
	free(b.full);
	free(b.half);
	free(v.t);
	return visited;
}

/* ---- JSON ----------------------------------------------------------- */

struct rf_json {
	cJSON *list;
	double dod[10];          /* cycles per 0.1 of depth */
	double cycles, half_cycles;
	int oom;
};

static void rf_item(void *ctx, double depth, double mean, double count,
		    unsigned long n)
{
	struct rf_json *r = ctx;
	cJSON *o = cJSON_CreateObject();
	int b = (int)(depth * 10);

	if (!o || !cJSON_AddItemToArray(r->list, o)) {
		cJSON_Delete(o);
		r->oom = 1;
		return;
	}
	cJSON_AddNumberToObject(o, "depth", depth);
	cJSON_AddNumberToObject(o, "mean", mean);
	cJSON_AddNumberToObject(o, "count", count);
	cJSON_AddNumberToObject(o, "n", (double)n);
	r->dod[b > 9 ? 9 : b] += count * n;
	if (count >= 1)
		r->cycles += n;
	else
		r->half_cycles += n;
}

static cJSON *num_or_null(double x)
{
	return isfinite(x) ? cJSON_CreateNumber(x) : cJSON_CreateNull();
}

static void add_rainflow(cJSON *o, const bg_history *h, const char *id)
{
	struct rf_json r;
	cJSON *dod;
	int k;

	memset(&r, 0, sizeof(r));
	r.list = cJSON_AddArrayToObject(o, "rainflow");
	if (!r.list)
		return;
	bg_history_rainflow(h, id, rf_item, &r);
	cJSON_AddNumberToObject(o, "rainflow_full_cycles", r.cycles);
	cJSON_AddNumberToObject(o, "rainflow_half_cycles", r.half_cycles);
	if (!(dod = cJSON_AddArrayToObject(o, "dod_histogram")))
		return;
	for (k = 0; k < 10; k++) {
		cJSON *b = cJSON_CreateObject();

		if (!b || !cJSON_AddItemToArray(dod, b)) {
			cJSON_Delete(b);
			return;
		}
		cJSON_AddNumberToObject(b, "from", k / 10.0);
		cJSON_AddNumberToObject(b, "to", (k + 1) / 10.0);
		cJSON_AddNumberToObject(b, "cycles", r.dod[k]);
	}
}

/* ISO 8601 UTC text of a wall-clock log time, for certificates that
 * list negative events with a timestamp. */
static void add_iso(cJSON *o, const char *key, const bg_history *h,
		    double t)
{
	char buf[32];
	struct tm tm;
	time_t sec;

	if (h->time_kind != TIME_UNIX && h->time_kind != TIME_ISO)
		return;
	if (!(t > -1e11 && t < 1e11))
		return;
	sec = (time_t)floor(t);
	if (!gmtime_r(&sec, &tm) ||
	    !strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
		return;
	cJSON_AddStringToObject(o, key, buf);
}

static void add_events(cJSON *o, const bg_history *h, const char *id,
		       const bg_history_summary *s)
{
	cJSON *list = cJSON_AddArrayToObject(o, "events");
	cJSON *cnt = cJSON_AddObjectToObject(o, "event_counts");
	size_t i, n = bg_history_event_count(h, id);
	unsigned long total = 0;
	bg_event e;
	int k;

	for (k = 0; cnt && k < BG_EV_NTYPES; k++) {
		cJSON_AddNumberToObject(cnt, event_names[k],
					(double)s->n_events[k]);
		total += s->n_events[k];
	}
	for (i = 0; list && i < n; i++) {
		cJSON *ev = cJSON_CreateObject();

		if (!ev || bg_history_event_get(h, id, i, &e) < 0 ||
		    !cJSON_AddItemToArray(list, ev)) {
			cJSON_Delete(ev);
			return;
		}
		cJSON_AddStringToObject(ev, "type", event_names[e.type]);
		cJSON_AddNumberToObject(ev, "start", e.start);
		cJSON_AddNumberToObject(ev, "end", e.end);
		add_iso(ev, "start_utc", h, e.start);
		add_iso(ev, "end_utc", h, e.end);
		cJSON_AddNumberToObject(ev, "extreme", e.extreme);
		cJSON_AddNumberToObject(ev, "line", (double)e.line);
	}
	cJSON_AddBoolToObject(o, "events_truncated", total > n);
}

static void add_temperature(cJSON *o, const bg_history *h,
			    const struct view *v, const bg_history_summary *s)
{
	cJSON *tm = cJSON_AddObjectToObject(o, "temperature_minutes");
	cJSON *hist = cJSON_AddArrayToObject(o, "temperature_histogram");
	double known = 0;
	size_t i, k;

	for (i = 0; i < v->n; i++)
		known += v->t[i]->s_temp;
	if (tm) {
		int have = known > 0;

		cJSON_AddItemToObject(tm, "above", num_or_null(
			have ? s->minutes_above_temp : NAN));
		cJSON_AddItemToObject(tm, "below", num_or_null(
			have ? s->minutes_below_temp : NAN));
		cJSON_AddItemToObject(tm, "charging_above", num_or_null(
			have ? s->minutes_charging_above : NAN));
		cJSON_AddItemToObject(tm, "charging_below", num_or_null(
			have ? s->minutes_charging_below : NAN));
		cJSON_AddNumberToObject(tm, "upper_limit_celsius",
					fmax(h->lim.charge_temp_max_c,
					     h->lim.discharge_temp_max_c));
		cJSON_AddNumberToObject(tm, "lower_limit_celsius",
					fmin(h->lim.charge_temp_min_c,
					     h->lim.discharge_temp_min_c));
		cJSON_AddNumberToObject(tm, "charge_max_celsius",
					h->lim.charge_temp_max_c);
		cJSON_AddNumberToObject(tm, "charge_min_celsius",
					h->lim.charge_temp_min_c);
	}
	for (k = 0; hist && k < HIST_T_BINS; k++) {
		cJSON *b = cJSON_CreateObject();
		double sum = 0;

		for (i = 0; i < v->n; i++)
			sum += v->t[i]->s_temp_hist[k];
		if (!b || !cJSON_AddItemToArray(hist, b)) {
			cJSON_Delete(b);
			return;
		}
		cJSON_AddItemToObject(b, "from_celsius", num_or_null(
			k ? HIST_T_LO + (k - 1.0) * HIST_T_STEP : -INFINITY));
		cJSON_AddItemToObject(b, "to_celsius", num_or_null(
			k < HIST_T_BINS - 1 ? HIST_T_LO + k * HIST_T_STEP
					    : INFINITY));
		cJSON_AddNumberToObject(b, "minutes", sum / 60);
	}
}

static cJSON *crate_list(const struct view *v, int charge)
{
	cJSON *list = cJSON_CreateArray();
	size_t i, k;

	for (k = 0; list && k < HIST_C_BINS; k++) {
		cJSON *b = cJSON_CreateObject();
		double sum = 0;

		for (i = 0; i < v->n; i++)
			sum += charge ? v->t[i]->s_crate_chg[k]
				      : v->t[i]->s_crate_dis[k];
		if (!b || !cJSON_AddItemToArray(list, b)) {
			cJSON_Delete(b);
			break;
		}
		cJSON_AddNumberToObject(b, "from", k ? hist_c_edges[k - 1] : 0);
		cJSON_AddItemToObject(b, "to", num_or_null(hist_c_edges[k]));
		cJSON_AddNumberToObject(b, "minutes", sum / 60);
	}
	return list;
}

static void add_crate(cJSON *o, const struct view *v)
{
	cJSON *c = cJSON_AddObjectToObject(o, "c_rate_minutes");
	double rest = 0;
	size_t i;

	if (!c)
		return;
	for (i = 0; i < v->n; i++)
		rest += v->t[i]->s_rest;
	cJSON_AddItemToObject(c, "charge", crate_list(v, 1));
	cJSON_AddItemToObject(c, "discharge", crate_list(v, 0));
	cJSON_AddNumberToObject(c, "rest", rest / 60);
}

static void add_jumps(cJSON *o, const struct view *v)
{
	cJSON *list = cJSON_AddArrayToObject(o, "clock_jump_list");
	size_t i, k;

	for (i = 0; list && i < v->n; i++)
		for (k = 0; k < v->t[i]->jumps && k < HIST_MAX_JUMPS; k++) {
			cJSON *j = cJSON_CreateObject();

			if (!j || !cJSON_AddItemToArray(list, j)) {
				cJSON_Delete(j);
				return;
			}
			if (v->t[i]->id[0])
				cJSON_AddStringToObject(j, "module_id",
							v->t[i]->id);
			cJSON_AddNumberToObject(j, "line",
						(double)v->t[i]->jump[k].line);
			cJSON_AddNumberToObject(j, "from", v->t[i]->jump[k].from);
			cJSON_AddNumberToObject(j, "to", v->t[i]->jump[k].to);
		}
}

static const char *time_base(int kind)
{
	switch (kind) {
	case TIME_UNIX:
		return "unix_time_second";
	case TIME_ISO:
		return "iso8601";
	case TIME_TEST:
		return "test_time_second";
	default:
		return "none";
	}
}

static void add_totals(cJSON *o, const bg_history *h, const struct view *v,
		       const bg_history_summary *s)
{
	double ws_chg = 0, ws_dis = 0, gap = 0, cov = 0;
	size_t i;

	for (i = 0; i < v->n; i++) {
		ws_chg += v->t[i]->ws_chg;
		ws_dis += v->t[i]->ws_dis;
		gap += v->t[i]->gap_s;
		cov = fmax(cov, v->t[i]->covered_s);
	}
	cJSON_AddNumberToObject(o, "rows", (double)s->rows);
	cJSON_AddStringToObject(o, "time_base", time_base(h->time_kind));
	cJSON_AddNumberToObject(o, "span_s", s->span_s);
	cJSON_AddNumberToObject(o, "covered_s", cov);
	cJSON_AddStringToObject(o, "integration", "trapezoidal");
	cJSON_AddNumberToObject(o, "ah_throughput_charge",
				s->ah_throughput_charge);
	cJSON_AddNumberToObject(o, "ah_throughput_discharge",
				s->ah_throughput_discharge);
	cJSON_AddNumberToObject(o, "energy_throughput_kWh",
				s->energy_throughput_kwh);
	cJSON_AddNumberToObject(o, "energy_charge_kWh", ws_chg / 3.6e6);
	cJSON_AddNumberToObject(o, "energy_discharge_kWh", ws_dis / 3.6e6);
	cJSON_AddNumberToObject(o, "equivalent_full_cycles",
				s->equivalent_full_cycles);
	cJSON_AddNumberToObject(o, "minutes_high_soc", s->minutes_high_soc);
	cJSON_AddNumberToObject(o, "gaps", (double)s->gaps);
	cJSON_AddNumberToObject(o, "gap_s", gap);
	cJSON_AddNumberToObject(o, "clock_jumps", (double)s->clock_jumps);
	cJSON_AddItemToObject(o, "coverage", num_or_null(s->coverage));
}

/* The thresholds the events were judged against (logged units). */
static void add_limits(cJSON *o, const bg_history *h,
		       const struct hist_track *t)
{
	cJSON *l = cJSON_AddObjectToObject(o, "limits");

	if (!l)
		return;
	cJSON_AddNumberToObject(l, "overvoltage_volt", t->vmax);
	cJSON_AddNumberToObject(l, "undervoltage_volt", t->vmin);
	cJSON_AddNumberToObject(l, "max_charge_current_ampere", t->imax_chg);
	cJSON_AddNumberToObject(l, "max_discharge_current_ampere",
				t->imax_dis);
	cJSON_AddNumberToObject(l, "cells_series", t->series);
	cJSON_AddNumberToObject(l, "high_soc_percent",
				h->lim.high_soc_percent);
}

static void add_ages(cJSON *o, const bg_history *h)
{
	cJSON_AddItemToObject(o, "calendar_age_days", num_or_null(
		(h->retirement_s - h->manufacture_s) / 86400));
	cJSON_AddItemToObject(o, "service_days", num_or_null(
		(h->retirement_s - h->first_use_s) / 86400));
}

static void add_modules(cJSON *o, const bg_history *h)
{
	cJSON *list = cJSON_AddArrayToObject(o, "modules");
	size_t i, n = bg_history_nmodules(h);

	for (i = 0; list && i < n; i++) {
		cJSON *m = NULL;

		if (bg_history_to_json(h, bg_history_module_id(h, i), &m) < 0 ||
		    !cJSON_AddItemToArray(list, m)) {
			cJSON_Delete(m);
			return;
		}
	}
}

int bg_history_to_json(const bg_history *h, const char *module_id,
		       cJSON **out)
{
	bg_history_summary s;
	struct view v;
	cJSON *o;
	int rc;

	*out = NULL;
	if ((rc = view_get(h, module_id, &v)) < 0)
		return rc;
	view_summary(h, &v, &s);
	if (!(o = cJSON_CreateObject())) {
		free(v.t);
		return BG_ENOMEM;
	}
	cJSON_AddItemToObject(o, "module_id", module_id
			      ? cJSON_CreateString(module_id)
			      : cJSON_CreateNull());
	cJSON_AddStringToObject(o, "chemistry", h->lim.chemistry);
	cJSON_AddNumberToObject(o, "nominal_capacity_ah", module_id
				? v.t[0]->cap_ah : h->cap_ah);
	add_totals(o, h, &v, &s);
	if (v.n)
		add_limits(o, h, v.t[0]);
	add_ages(o, h);
	cJSON_AddStringToObject(o, "soc_source", h->any_soc_column
				? "soc_percent" : "coulomb_counting");
	add_rainflow(o, h, module_id);
	add_temperature(o, h, &v, &s);
	add_crate(o, &v);
	add_events(o, h, module_id, &s);
	add_jumps(o, &v);
	if (!module_id && v.aggregate) {
		cJSON_AddStringToObject(o, "aggregation", "modules");
		add_modules(o, h);
	}
	free(v.t);
	*out = o;
	return 0;
}
