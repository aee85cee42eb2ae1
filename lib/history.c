/*
 * history.c - the streaming pass over a BMS log (see history.h).
 *
 * Each row updates the state of its module's track: the interval from
 * the previous sample is integrated with the trapezoidal rule (current,
 * power and time above limits all vary linearly between samples, so
 * sign changes and limit crossings are split at the interpolated
 * crossing point), then the sample itself opens, extends or closes
 * harmful events.  Nothing is integrated across a data gap or a
 * backward clock jump: both split the log.  Summaries and JSON are in
 * history-report.c; a regular file is read in chunks, possibly by
 * several threads, in history-chunk.c, whose states history-merge.c
 * joins with hist_join_row() below.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "battgrade/csvin.h"
#include "battgrade/number.h"
#include "history-int.h"
#include "i18n.h"

/* Upper edges of the C-rate bins (h^-1); the last bin is open. */
const double hist_c_edges[HIST_C_BINS] = { 0.1, 0.25, 0.5, 1, 2, 3, 5,
					   INFINITY };

static void count_cycle(void *ctx, double from, double to, double count);

/* fmin/fmax are library calls that honour NaN; values here are finite
 * (the reader rejects NaN), so plain comparisons do. */
static double dmin(double a, double b)
{
	return a < b ? a : b;
}

static double dmax(double a, double b)
{
	return a > b ? a : b;
}

static void track_limits(const bg_history *h, struct hist_track *t)
{
	t->vmax = (h->lim.max_cell_voltage_volt +
		   h->lim.overvoltage_tolerance_volt) * t->series;
	t->vmin = h->lim.min_cell_voltage_volt * t->series;
	t->imax_chg = h->lim.max_charge_c_rate * t->cap_ah;
	t->imax_dis = h->lim.max_discharge_c_rate * t->cap_ah;
	/* Below C/200 the current is rest: BMS current sensors read a
	 * few tenths of a percent of full scale when idle. */
	t->i_rest = 0.005 * t->cap_ah;
}

static void track_free(struct hist_track *t)
{
	if (!t)
		return;
	bg_rainflow_release(&t->rf);
	free(t->events);
	free(t->rf_full);
	free(t->rf_half);
	free(t->rf_list);
	free(t);
}

/* The bins of closed cycles, zero. */
static int rf_bins(struct hist_track *t)
{
	size_t n = HIST_RF_BINS * HIST_RF_BINS;

	return (t->rf_full = calloc(n, sizeof(*t->rf_full))) &&
	       (t->rf_half = calloc(n, sizeof(*t->rf_half))) ? 0 : -1;
}

static struct hist_track *track_new(bg_history *h, const char *id,
				    double cap_ah, int series)
{
	struct hist_track *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	if (bg_rainflow_init(&t->rf, HIST_RF_CAP, count_cycle, t, NULL) < 0) {
		track_free(t);
		return NULL;
	}
	snprintf(t->id, sizeof(t->id), "%s", id);
	t->cap_ah = cap_ah;
	t->series = series;
	t->temp_min = t->v_min_seen = INFINITY;
	t->temp_max = t->v_max_seen = -INFINITY;
	t->soc_q = -1;
	track_limits(h, t);
	return t;
}

struct hist_track *hist_track_add(bg_history *h, const char *id,
				  double cap_ah, int series)
{
	struct hist_track *t;

	if (h->ntr == h->trcap) {
		size_t n = h->trcap ? 2 * h->trcap : 8;
		struct hist_track **p = realloc(h->tr, n * sizeof(*p));

		if (!p)
			return NULL;
		h->tr = p;
		h->trcap = n;
	}
	if (!(t = track_new(h, id, cap_ah, series)))
		return NULL;
	h->tr[h->ntr++] = t;
	return t;
}

struct hist_track *hist_find(const bg_history *h, const char *id)
{
	size_t i;

	for (i = 0; i < h->ntr; i++)
		if (!strcmp(h->tr[i]->id, id))
			return h->tr[i];
	return NULL;
}

int bg_history_new(bg_history **out, const bg_chem_limits *lim,
		   double nominal_capacity_ah, bg_error *err)
{
	bg_history *h;

	*out = NULL;
	if (!lim || !(nominal_capacity_ah > 0) || !isfinite(nominal_capacity_ah))
		return bg_error_set(err, BG_EINVAL, NULL, 0, 0,
				    _("nominal capacity must be positive"));
	if (!(h = calloc(1, sizeof(*h))))
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
				    _("out of memory"));
	h->lim = *lim;
	if (h->lim.cells_series < 1)
		h->lim.cells_series = 1;
	h->cap_ah = nominal_capacity_ah;
	h->gap_s = 6 * 3600.0;
	h->manufacture_s = h->first_use_s = h->retirement_s = NAN;
	*out = h;
	return 0;
}

void bg_history_free(bg_history *h)
{
	size_t i;

	if (!h)
		return;
	for (i = 0; i < h->ntr; i++)
		track_free(h->tr[i]);
	free(h->tr);
	free(h);
}

int bg_history_add_module(bg_history *h, const char *id, double cap_ah,
			  int series, bg_error *err)
{
	if (!id || !*id || strlen(id) >= BG_ID_MAX || !(cap_ah > 0) ||
	    series < 1)
		return bg_error_set(err, BG_EINVAL, NULL, 0, 0,
				    _("bad module declaration"));
	if (hist_find(h, id))
		return bg_error_set(err, BG_EINVAL, NULL, 0, 0,
				    _("module '%s' declared twice"), id);
	if (!hist_track_add(h, id, cap_ah, series))
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
				    _("out of memory"));
	h->declared = 1;
	return 0;
}

void bg_history_set_modules_series(bg_history *h, int n)
{
	h->modules_series = n > 0 ? n : 0;
}

void bg_history_set_dates(bg_history *h, double manufacture_s,
			  double first_use_s, double retirement_s)
{
	h->manufacture_s = manufacture_s;
	h->first_use_s = first_use_s;
	h->retirement_s = retirement_s;
}

void bg_history_set_gap_s(bg_history *h, double seconds)
{
	if (seconds > 0)
		h->gap_s = seconds;
}

void bg_history_set_threads(bg_history *h, int n)
{
	h->threads = n > 0 ? n : 1;
}

void bg_history_set_chunk_bytes(bg_history *h, unsigned long long bytes)
{
	h->chunk_bytes = bytes;
}

void bg_history_set_progress(bg_history *h,
			     void (*fn)(void *ctx, unsigned long long bytes),
			     void *ctx)
{
	h->progress = fn;
	h->progress_ctx = ctx;
}

/* ---- rainflow of SOC --------------------------------------------- */

static size_t soc_bin(double x)
{
	long b = lround(x * (HIST_RF_BINS - 1));

	return b < 0 ? 0 : b >= HIST_RF_BINS ? HIST_RF_BINS - 1 : (size_t)b;
}

void hist_rf_count(struct hist_track *t, size_t k, int half)
{
	if (half)
		t->rf_half[k]++;
	else
		t->rf_full[k]++;
}

/* List the bin, or turn to bins when the list is full (history-int.h). */
static void __attribute__((noinline)) rf_list_add(struct hist_track *t,
						  size_t k, int half)
{
	size_t i;

	if (t->rf_nlist == t->rf_caplist &&
	    t->rf_caplist < HIST_RF_LIST_MAX) {
		size_t n = t->rf_caplist ? 2 * t->rf_caplist : 64;
		uint16_t *p = realloc(t->rf_list, n * sizeof(*p));

		if (p) {
			t->rf_list = p;
			t->rf_caplist = n;
		}
	}
	if (t->rf_nlist < t->rf_caplist) {
		t->rf_list[t->rf_nlist++] = (uint16_t)(k | (half ? 0x8000 : 0));
		return;
	}
	if (rf_bins(t) < 0) {
		t->rf_oom = 1;
		return;
	}
	for (i = 0; i < t->rf_nlist; i++)
		hist_rf_count(t, t->rf_list[i] & 0x7fff,
			      t->rf_list[i] >> 15);
	free(t->rf_list);
	t->rf_list = NULL;
	t->rf_nlist = t->rf_caplist = 0;
	hist_rf_count(t, k, half);
}

void hist_rf_add(struct hist_track *t, size_t k, int half)
{
	if (t->rf_full)
		hist_rf_count(t, k, half);
	else if (!t->rf_oom)
		rf_list_add(t, k, half);
}

int hist_rf_need_bins(struct hist_track *t)
{
	size_t i;

	if (t->rf_full)
		return 0;
	if (t->rf_oom || rf_bins(t) < 0) {
		t->rf_oom = 1;
		return -1;
	}
	for (i = 0; i < t->rf_nlist; i++)
		hist_rf_count(t, t->rf_list[i] & 0x7fff, t->rf_list[i] >> 15);
	free(t->rf_list);
	t->rf_list = NULL;
	t->rf_nlist = t->rf_caplist = 0;
	return 0;
}

/* Rainflow callback: values are SOC levels on the 1/1000 grid. */
static void count_cycle(void *ctx, double from, double to, double count)
{
	struct hist_track *t = ctx;
	double a = from / HIST_SOC_LEVELS, b = to / HIST_SOC_LEVELS;
	size_t k = soc_bin(fabs(a - b)) * HIST_RF_BINS + soc_bin((a + b) / 2);

	hist_rf_add(t, k, count < 1);
}

/* lround(y) clamped to 0..HIST_SOC_LEVELS, without the libm call:
 * y - trunc(y) is exact for these magnitudes, so ties round away
 * from zero exactly as lround() does. */
static long soc_level(double y)
{
	long q;

	if (!(y > 0))
		return 0;
	if (y >= HIST_SOC_LEVELS)
		return HIST_SOC_LEVELS;
	q = (long)y;
	return y - (double)q >= 0.5 ? q + 1 : q;
}

static void feed_soc(struct hist_track *t, double soc_frac)
{
	long q = soc_level(soc_frac * HIST_SOC_LEVELS);

	if (q != t->soc_q) {
		t->soc_q = q;
		bg_rainflow_feed(&t->rf, (double)q);
	}
}

/* ---- events ------------------------------------------------------ */

void hist_event_push(struct hist_track *t, const bg_event *e)
{
	if (t->nev == t->evcap && t->evcap < BG_HISTORY_MAX_EVENTS) {
		size_t n = t->evcap ? 2 * t->evcap : 16;
		bg_event *p;

		if (n > BG_HISTORY_MAX_EVENTS)
			n = BG_HISTORY_MAX_EVENTS;
		if ((p = realloc(t->events, n * sizeof(*p)))) {
			t->events = p;
			t->evcap = n;
		}
	}
	if (t->nev < t->evcap)
		t->events[t->nev++] = *e;
}

/* Out of line: most samples open and close nothing. */
static void __attribute__((noinline)) event_end(struct hist_track *t,
						int type)
{
	struct hist_open *o = &t->open[type];
	bg_event e;

	o->open = 0;
	t->first_open &= ~(1u << type);
	e.type = type;
	e.start = o->start;
	e.end = o->end;
	e.extreme = o->extreme;
	e.line = o->line;
	hist_event_push(t, &e);
}

static inline void event_close(struct hist_track *t, int type)
{
	if (t->open[type].open)
		event_end(t, type);
}

static void events_close_all(struct hist_track *t)
{
	int k;

	for (k = 0; k < BG_EV_NTYPES; k++)
		event_close(t, k);
}

/* One sample of an event condition: hi selects max (else min) as the
 * extreme; for over-current the larger magnitude wins. */
static inline void event_mark(struct hist_track *t, int type, int on,
			      double time, double value, unsigned long line)
{
	struct hist_open *o = &t->open[type];

	if (!on) {
		event_close(t, type);
		return;
	}
	if (!o->open) {
		o->open = 1;
		o->start = o->end = time;
		o->extreme = value;
		o->line = line;
		t->n_events[type]++;
		return;
	}
	o->end = time;
	if (type == BG_EV_UNDERVOLTAGE || type == BG_EV_UNDERTEMP_CHARGE
	    ? value < o->extreme : fabs(value) > fabs(o->extreme))
		o->extreme = value;
}

static double temp_upper(const bg_chem_limits *l)
{
	return dmax(l->charge_temp_max_c, l->discharge_temp_max_c);
}

static double temp_lower(const bg_chem_limits *l)
{
	return dmin(l->charge_temp_min_c, l->discharge_temp_min_c);
}

static void sample_events(const bg_history *h, struct hist_track *t,
			  double time, double i, double v, double temp,
			  int temp_ok, unsigned long line)
{
	int charging = i > t->i_rest;

	event_mark(t, BG_EV_OVERVOLTAGE, v > t->vmax, time, v, line);
	event_mark(t, BG_EV_UNDERVOLTAGE, v < t->vmin, time, v, line);
	event_mark(t, BG_EV_OVERCURRENT,
		   i > t->imax_chg || -i > t->imax_dis, time, i, line);
	if (!temp_ok) {
		event_close(t, BG_EV_OVERTEMP);
		event_close(t, BG_EV_UNDERTEMP_CHARGE);
		return;
	}
	event_mark(t, BG_EV_OVERTEMP, temp > temp_upper(&h->lim), time, temp,
		   line);
	event_mark(t, BG_EV_UNDERTEMP_CHARGE,
		   charging && temp < h->lim.charge_temp_min_c, time, temp,
		   line);
}

/* ---- integration of one interval --------------------------------- */

/* Integral of the positive and negative parts of a quantity varying
 * linearly from a to b over dt (trapezoidal rule, split at the zero
 * crossing so each part is exact for piecewise-linear signals). */
static void split_trapezoid(double a, double b, double dt, double *pos,
			    double *neg)
{
	if (a >= 0 && b >= 0) {
		*pos += 0.5 * (a + b) * dt;
	} else if (a <= 0 && b <= 0) {
		*neg -= 0.5 * (a + b) * dt;
	} else {
		double f = a / (a - b); /* fraction of dt before the zero */

		if (a > 0) {
			*pos += 0.5 * a * f * dt;
			*neg -= 0.5 * b * (1 - f) * dt;
		} else {
			*neg -= 0.5 * a * f * dt;
			*pos += 0.5 * b * (1 - f) * dt;
		}
	}
}

/* Time within dt that a linear signal from a to b spends above lim. */
static double time_above(double a, double b, double lim, double dt)
{
	if (a > lim && b > lim)
		return dt;
	if (a <= lim && b <= lim)
		return 0;
	return (a > lim ? (a - lim) / (a - b) : (b - lim) / (b - a)) * dt;
}

static double time_below(double a, double b, double lim, double dt)
{
	return time_above(-a, -b, -lim, dt);
}

static size_t temp_bin(double temp)
{
	/* floor(q) + 1 clamped to the bins; truncation is floor for
	 * q >= 0, and every q < 0 lands in bin 0. */
	double q = (temp - HIST_T_LO) / HIST_T_STEP;

	if (!(q >= 0))
		return 0;
	return q >= HIST_T_BINS - 2 ? HIST_T_BINS - 1 : (size_t)q + 1;
}

static void crate_time(struct hist_track *t, double imid, double dt)
{
	double c = fabs(imid) / t->cap_ah;
	double *bins;
	size_t k = 0;

	if (fabs(imid) <= t->i_rest) {
		t->s_rest += dt;
		return;
	}
	bins = imid > 0 ? t->s_crate_chg : t->s_crate_dis;
	while (k < HIST_C_BINS - 1 && c > hist_c_edges[k])
		k++;
	bins[k] += dt;
}

static void temp_time(const bg_history *h, struct hist_track *t,
		      double temp1, double dt, int charging)
{
	const bg_chem_limits *l = &h->lim;
	double a = t->temp0;

	t->s_temp += dt;
	t->s_temp_hist[temp_bin(0.5 * (a + temp1))] += dt;
	t->s_above += time_above(a, temp1, temp_upper(l), dt);
	t->s_below += time_below(a, temp1, temp_lower(l), dt);
	if (charging) {
		t->s_chg_above += time_above(a, temp1, l->charge_temp_max_c,
					     dt);
		t->s_chg_below += time_below(a, temp1, l->charge_temp_min_c,
					     dt);
	}
}

/* Part of [t0, t1] inside the service life (wall-clock logs only). */
static double life_overlap(const bg_history *h, double t0, double t1)
{
	double lo = h->first_use_s, hi = h->retirement_s;

	if (h->time_kind == TIME_TEST || isnan(lo) || isnan(hi))
		return t1 - t0;
	lo = dmax(lo, t0);
	hi = dmin(hi, t1);
	return hi > lo ? hi - lo : 0;
}

static void integrate(const bg_history *h, struct hist_track *t, double t1,
		      double i1, double v1, double temp1, int temp_ok)
{
	double dt = t1 - t->t0, imid = 0.5 * (t->i0 + i1);

	split_trapezoid(t->i0, i1, dt, &t->as_chg, &t->as_dis);
	split_trapezoid(t->v0 * t->i0, v1 * i1, dt, &t->ws_chg, &t->ws_dis);
	t->covered_s += dt;
	t->covered_life_s += life_overlap(h, t->t0, t1);
	crate_time(t, imid, dt);
	if (temp_ok && t->prev_temp_ok)
		temp_time(h, t, temp1, dt, imid > t->i_rest);
}

/* SOC at the new sample: the column's, or coulomb counting (clamped to
 * 0..1, the way a BMS resets its counter at full and empty). */
static void update_soc(const bg_history *h, struct hist_track *t, double dt,
		       double i1, double soc_pct, int soc_ok, int integrated)
{
	double soc;

	if (soc_ok) {
		soc = soc_pct / 100;
	} else if (!h->any_soc_column) {
		if (!t->cc_started) {
			t->cc_started = 1;
			t->cc_soc = 0.5; /* unknown start: mid-range */
		} else if (integrated) {
			t->cc_soc += 0.5 * (t->i0 + i1) * dt /
				     (3600 * t->cap_ah);
			t->cc_soc = dmin(1, dmax(0, t->cc_soc));
		}
		soc = t->cc_soc;
	} else {
		t->prev_soc_ok = 0;
		return;
	}
	if (integrated && t->prev_soc_ok)
		t->s_high_soc += time_above(t->soc0 * 100, soc * 100,
					    h->lim.high_soc_percent, dt);
	if (integrated)
		t->s_soc += dt;
	t->soc0 = soc;
	t->prev_soc_ok = 1;
	feed_soc(t, soc);
}

static void split_log(struct hist_track *t)
{
	events_close_all(t);
	t->have_prev = 0;
}

/* The interval from t's previous sample to r, dt long: a backward
 * clock jump or a data gap splits the log, else it is integrated.
 * Returns 1 when integrated. */
static inline int interval(const bg_history *h, struct hist_track *t,
			   const struct hist_row *r, double dt)
{
	if (t->have_prev && dt < 0) {
		if (t->jumps < HIST_MAX_JUMPS) {
			t->jump[t->jumps].line = r->line;
			t->jump[t->jumps].from = t->t0;
			t->jump[t->jumps].to = r->time;
		}
		t->jumps++;
		split_log(t);
	} else if (t->have_prev && dt > h->gap_s) {
		t->gaps++;
		t->gap_s += dt;
		split_log(t);
	} else if (t->have_prev) {
		integrate(h, t, r->time, r->i, r->v, r->temp, r->temp_ok);
		return 1;
	}
	return 0;
}

/* The events open after a track's first row (for hist_merge()). */
static unsigned open_mask(const struct hist_track *t)
{
	unsigned m = 0;
	int k;

	for (k = 0; k < BG_EV_NTYPES; k++)
		m |= (unsigned)t->open[k].open << k;
	return m;
}

void hist_process_row(bg_history *h, struct hist_track *t,
		      const struct hist_row *r)
{
	double dt = t->have_prev ? r->time - t->t0 : 0;
	int integrated;

	t->rows++;
	integrated = interval(h, t, r, dt);
	if (t->rows == 1)
		t->t_first = r->time;
	t->t_first = dmin(t->t_first, r->time);
	t->t_last = dmax(t->t_last, r->time);
	update_soc(h, t, dt, r->i, r->soc, r->soc_ok, integrated);
	sample_events(h, t, r->time, r->i, r->v, r->temp, r->temp_ok,
		      r->line);
	if (r->temp_ok) {
		t->temp_min = dmin(t->temp_min, r->temp);
		t->temp_max = dmax(t->temp_max, r->temp);
	}
	t->v_min_seen = dmin(t->v_min_seen, r->v);
	t->v_max_seen = dmax(t->v_max_seen, r->v);
	if (t->rows == 1) {
		t->first = *r;
		t->first_on = t->first_open = open_mask(t);
	}
	t->have_prev = 1;
	t->t0 = r->time;
	t->i0 = r->i;
	t->v0 = r->v;
	t->temp0 = r->temp;
	t->prev_temp_ok = r->temp_ok;
}

void hist_join_row(bg_history *h, struct hist_track *t,
		   const struct hist_row *r, unsigned on)
{
	/* hist_process_row()'s order of ending events at a sample */
	static const int order[BG_EV_NTYPES] = {
		BG_EV_OVERVOLTAGE, BG_EV_UNDERVOLTAGE, BG_EV_OVERCURRENT,
		BG_EV_OVERTEMP, BG_EV_UNDERTEMP_CHARGE
	};
	double dt = t->have_prev ? r->time - t->t0 : 0;
	int k;

	/* update_soc() for the interval: only a SOC column's rows are
	 * read in chunks (coulomb counting carries the SOC along). */
	if (interval(h, t, r, dt) && r->soc_ok) {
		double soc = r->soc / 100;

		if (t->prev_soc_ok)
			t->s_high_soc += time_above(t->soc0 * 100, soc * 100,
						    h->lim.high_soc_percent,
						    dt);
		t->s_soc += dt;
	}
	for (k = 0; k < BG_EV_NTYPES; k++)
		if (!(on >> order[k] & 1))
			event_close(t, order[k]);
}

/* ---- ISO 8601 timestamps ----------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant,
 * "chrono-compatible low-level date algorithms", days_from_civil). */
static long days_from_civil(long y, long m, long d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* n decimal digits at *p into *v; advances *p. */
static int digits(const char **p, const char *e, int n, long *v)
{
	*v = 0;
	for (; n > 0; n--, (*p)++) {
		if (*p >= e || **p < '0' || **p > '9')
			return -1;
		*v = 10 * *v + (**p - '0');
	}
	return 0;
}

static int expect(const char **p, const char *e, char c)
{
	if (*p >= e || **p != c)
		return -1;
	(*p)++;
	return 0;
}

static int parse_zone(const char *p, const char *e, double *off)
{
	long zh, zm = 0;
	int sign;

	*off = 0;
	if (p == e)
		return 0;
	if (*p == 'Z' || *p == 'z')
		return p + 1 == e ? 0 : -1;
	if (*p != '+' && *p != '-')
		return -1;
	sign = *p++ == '-' ? -1 : 1;
	if (digits(&p, e, 2, &zh) < 0)
		return -1;
	if (p < e && *p == ':')
		p++;
	if (p < e && digits(&p, e, 2, &zm) < 0)
		return -1;
	if (p != e || zh > 23 || zm > 59)
		return -1;
	*off = sign * (zh * 3600.0 + zm * 60.0);
	return 0;
}

/*
 * Seconds since the epoch of YYYY-MM-DD[(T| )hh:mm[:ss[.fff]]][zone]
 * (ISO 8601 extended format; UTC when no zone is given).  Written
 * here rather than with strptime/timegm for speed and because those
 * depend on the environment's time zone.
 */
int hist_parse_iso(const char *s, size_t n, double *out)
{
	const char *p = s, *e = s + n;
	long y, mo, d, hh = 0, mm = 0, ss = 0;
	double frac = 0, scale = 0.1, off;

	while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	if (digits(&p, e, 4, &y) < 0 || expect(&p, e, '-') < 0 ||
	    digits(&p, e, 2, &mo) < 0 || expect(&p, e, '-') < 0 ||
	    digits(&p, e, 2, &d) < 0)
		return -1;
	if (p < e && (*p == 'T' || *p == 't' || *p == ' ')) {
		p++;
		if (digits(&p, e, 2, &hh) < 0 || expect(&p, e, ':') < 0 ||
		    digits(&p, e, 2, &mm) < 0)
			return -1;
		if (p < e && *p == ':') {
			p++;
			if (digits(&p, e, 2, &ss) < 0)
				return -1;
			if (p < e && (*p == '.' || *p == ','))
				for (p++; p < e && *p >= '0' && *p <= '9';
				     p++, scale /= 10)
					frac += (*p - '0') * scale;
		}
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || hh > 24 || mm > 59 ||
	    ss > 60 || parse_zone(p, e, &off) < 0)
		return -1;
	*out = days_from_civil(y, mo, d) * 86400.0 + hh * 3600.0 +
	       mm * 60.0 + ss + frac - off;
	return 0;
}

/* ---- columns and the row loop ------------------------------------ */

static const char *const unix_names[] = { "unix_time_second",
					  "Unix Time / s", NULL };
static const char *const iso_names[] = { "timestamp", "date_time",
					 "datetime", "Date Time", NULL };
static const char *const test_names[] = { "test_time_second",
					  "Test Time / s", NULL };
static const char *const i_names[] = { "current_ampere", "Current / A",
				       NULL };
static const char *const v_names[] = { "voltage_volt", "Voltage / V", NULL };
static const char *const temp_names[] = {
	"surface_temperature_celsius", "Surface Temperature / degC",
	"temperature_t1_celsius", "Temperature T1 / degC",
	"Surface Temperature T1 / degC",
	"cell_temperature_celsius", "module_temperature_celsius",
	"ambient_temperature_celsius", "Ambient Temperature / degC", NULL
};
static const char *const soc_names[] = { "soc_percent", "SOC / %", NULL };
static const char *const module_names[] = { "module_id", NULL };

int hist_find_cols(bg_history *h, bg_csv *r, struct hist_cols *c,
		   bg_error *err)
{
	int kind = TIME_UNIX;

	if ((c->time = bg_csv_find_any(r, unix_names)) < 0) {
		kind = TIME_ISO;
		if ((c->time = bg_csv_find_any(r, iso_names)) < 0) {
			kind = TIME_TEST;
			c->time = bg_csv_find_any(r, test_names);
		}
	}
	c->i = bg_csv_find_any(r, i_names);
	c->v = bg_csv_find_any(r, v_names);
	c->temp = bg_csv_find_any(r, temp_names);
	c->soc = bg_csv_find_any(r, soc_names);
	c->module = bg_csv_find_any(r, module_names);
	c->kind = kind;
	if (c->time < 0 || c->i < 0 || c->v < 0)
		return bg_error_set(err, BG_EDATA, bg_csv_name(r), 1, 0,
				    _("missing column '%s' (a history log "
				      "needs unix_time_second, timestamp or "
				      "test_time_second, current_ampere and "
				      "voltage_volt)"),
				    c->time < 0 ? "unix_time_second"
				    : c->i < 0 ? "current_ampere"
				    : "voltage_volt");
	if (h->time_kind != TIME_NONE && h->time_kind != kind)
		return bg_error_set(err, BG_EDATA, bg_csv_name(r), 1,
				    bg_csv_column(r, (size_t)c->time),
				    _("time column '%s' differs in kind from "
				      "the earlier files of this log"),
				    bg_csv_colname(r, (size_t)c->time));
	if (c->module >= 0 ? h->had_plain_rows : h->had_module_col)
		return bg_error_set(err, BG_EDATA, bg_csv_name(r), 1, 0,
				    _("some files of this log have module_id "
				      "and some do not"));
	h->time_kind = kind;
	if (c->module >= 0)
		h->had_module_col = 1;
	else
		h->had_plain_rows = 1;
	if (c->soc >= 0)
		h->any_soc_column = 1;
	return 0;
}

static int read_time(const bg_history *h, bg_csv *r, int col, double *out,
		     bg_error *err)
{
	size_t n = bg_csv_field_len(r, (size_t)col);

	if (h->time_kind != TIME_ISO)
		return bg_csv_double(r, (size_t)col, out, err);
	if (hist_parse_iso(bg_csv_field(r, (size_t)col), n, out) < 0)
		return bg_csv_error(r, (size_t)col, err, BG_EDATA,
				    _("'%s' is not an ISO 8601 date-time"),
				    bg_csv_field(r, (size_t)col));
	return 0;
}

static int read_row(const bg_history *h, bg_csv *r,
		    const struct hist_cols *c, struct hist_row *row,
		    bg_error *err)
{
	int rc;

	row->line = bg_csv_line(r);
	if ((rc = read_time(h, r, c->time, &row->time, err)) < 0 ||
	    (rc = bg_csv_double(r, (size_t)c->i, &row->i, err)) < 0 ||
	    (rc = bg_csv_double(r, (size_t)c->v, &row->v, err)) < 0)
		return rc;
	row->temp_ok = row->soc_ok = 0;
	if (c->temp >= 0 &&
	    (rc = bg_csv_double_opt(r, (size_t)c->temp, &row->temp,
				    &row->temp_ok, err)) < 0)
		return rc;
	if (c->soc >= 0) {
		if ((rc = bg_csv_double_opt(r, (size_t)c->soc, &row->soc,
					    &row->soc_ok, err)) < 0)
			return rc;
		if (row->soc_ok && (row->soc < 0 || row->soc > 100))
			return bg_csv_error(r, (size_t)c->soc, err, BG_EDATA,
					    _("soc_percent %g is outside "
					      "0..100"), row->soc);
	}
	return 0;
}

/* The manifest module id of a chunk's state. */
static const struct hist_proto *proto_find(const bg_history *h,
					   const char *id)
{
	size_t i;

	for (i = 0; i < h->nproto; i++)
		if (!strcmp(h->proto[i].id, id))
			return &h->proto[i];
	return NULL;
}

/* The first row of a module: its track, unless the id is wrong. */
static int new_track(bg_history *h, bg_csv *r, const struct hist_cols *c,
		     const char *id, struct hist_track **out, bg_error *err)
{
	const struct hist_proto *p = *id ? proto_find(h, id) : NULL;
	struct hist_track *t;

	if (h->declared && *id && !p)
		return bg_csv_error(r, (size_t)c->module, err, BG_EDATA,
				    _("module '%s' is not in the manifest"),
				    id);
	/* Each module keeps about 100 KiB of counters. */
	if (h->ntr >= HIST_MAX_MODULES)
		return bg_csv_error(r, (size_t)c->module, err, BG_EDATA,
				    _("more than %d modules in one log"),
				    HIST_MAX_MODULES);
	if (!(t = hist_track_add(h, id, p ? p->cap_ah : h->cap_ah,
				 p ? p->series : h->lim.cells_series)))
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
				    _("out of memory"));
	t->first_col = c->module >= 0 ? bg_csv_column(r, (size_t)c->module)
				      : 0;
	h->last = h->ntr - 1;
	*out = t;
	return 0;
}

static int row_track(bg_history *h, bg_csv *r, const struct hist_cols *c,
		     struct hist_track **out, bg_error *err)
{
	const char *id = c->module >= 0 ? bg_csv_field(r, (size_t)c->module)
					: "";
	struct hist_track *t;

	if (h->last < h->ntr && !strcmp(h->tr[h->last]->id, id)) {
		*out = h->tr[h->last];
		return 0;
	}
	if (c->module >= 0 && (!*id || strlen(id) >= BG_ID_MAX))
		return bg_csv_error(r, (size_t)c->module, err, BG_EDATA,
				    _("module_id must be 1 to %d bytes"),
				    BG_ID_MAX - 1);
	if (!(t = hist_find(h, id)))
		return new_track(h, r, c, id, out, err);
	for (h->last = 0; h->tr[h->last] != t; h->last++)
		;
	*out = t;
	return 0;
}

/* The number columns are converted as libcsv hands them over (no copy
 * of their text); an ISO time column stays text. */
int hist_set_numeric(const bg_history *h, bg_csv *r,
		     const struct hist_cols *c, bg_error *err)
{
	int cols[5] = { h->time_kind == TIME_ISO ? -1 : c->time, c->i, c->v,
			c->temp, c->soc };

	return bg_csv_set_numeric(r, cols, 5, err);
}

int hist_read_rows(bg_history *h, bg_csv *r, const struct hist_cols *c,
		   int (*tick)(void *ctx, unsigned long long bytes),
		   void *ctx, bg_error *err)
{
	struct hist_row row;
	struct hist_track *t = NULL;
	unsigned long n = 0;
	int rc;

	while ((rc = bg_csv_next(r, err)) > 0) {
		if ((rc = read_row(h, r, c, &row, err)) < 0 ||
		    (rc = row_track(h, r, c, &t, err)) < 0)
			return rc;
		hist_process_row(h, t, &row);
		if (tick && !(++n & 0xffff) && tick(ctx, bg_csv_offset(r)))
			return HIST_STOPPED;
	}
	return rc;
}

static int progress_tick(void *ctx, unsigned long long bytes)
{
	const bg_history *h = ctx;

	h->progress(h->progress_ctx, bytes);
	return 0;
}

int hist_check_memory(const bg_history *h, bg_error *err)
{
	size_t i;

	for (i = 0; i < h->ntr; i++)
		if (h->tr[i]->rf_oom)
			return bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
					    _("out of memory"));
	return 0;
}

/* One stream, read in one pass. */
static int feed(bg_history *h, bg_csv *r, bg_error *err)
{
	struct hist_cols c;
	int rc;

	if ((rc = hist_find_cols(h, r, &c, err)) < 0 ||
	    (rc = hist_set_numeric(h, r, &c, err)) < 0 ||
	    (rc = hist_read_rows(h, r, &c, h->progress ? progress_tick : NULL,
				 h, err)) < 0)
		return rc;
	h->bytes += bg_csv_offset(r);
	return hist_check_memory(h, err);
}

int bg_history_feed_file(bg_history *h, const char *path, bg_error *err)
{
	bg_csv *r;
	int rc;

	if (strcmp(path, "-") &&
	    (rc = hist_feed_chunked(h, path, err)) <= 0)
		return rc < 0 ? rc : hist_check_memory(h, err);
	if ((rc = bg_csv_open(&r, path, NULL, err)) < 0)
		return rc;
	rc = feed(h, r, err);
	bg_csv_close(r);
	return rc;
}

int bg_history_feed_mem(bg_history *h, const char *name, const void *buf,
			size_t len, bg_error *err)
{
	bg_csv *r;
	int rc;

	if ((rc = bg_csv_open_mem(&r, name, buf, len, NULL, err)) < 0)
		return rc;
	rc = feed(h, r, err);
	bg_csv_close(r);
	return rc;
}
