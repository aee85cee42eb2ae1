/*
 * history-merge.c - joining the state of a chunk of a log, processed
 * on its own, to the state of everything before it (history-int.h,
 * hist_merge), so that the result is what one pass over both gives.
 *
 * Per module track: the counts, sums and histograms of the chunk add;
 * extremes take the min or max; the interval between the last sample
 * before the chunk and the chunk's first sample, which the chunk could
 * not see, is integrated by hist_join_row() with the pass's own rules
 * (data gap, backward clock jump, trapezoids split at sign changes and
 * limit crossings, time at high SOC); an event open before the chunk
 * whose condition still holds at its first row is one event with the
 * one the chunk opened there (same start, line and worst value as the
 * pass, one count); the rainflow residue of the chunk continues the
 * one before it (Amzallag et al., Int. J. Fatigue 16 (1994) 287; see
 * bg_rainflow_append).  Line numbers of the chunk count from its own
 * start and are moved by the lines before it.
 *
 * Sums are added in a different order than one pass adds them, so the
 * last bit of a throughput or a time can differ from it; everything
 * counted (rows, events, cycles, gaps, jumps, their lines) is exact.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "history-int.h"
#include "i18n.h"

/* The worst value of an event, as event_mark() in history.c keeps it:
 * the lowest for the "under" events, else the largest magnitude; the
 * earlier value wins a tie. */
static int worse(int type, double v, double extreme)
{
	if (type == BG_EV_UNDERVOLTAGE || type == BG_EV_UNDERTEMP_CHARGE)
		return v < extreme;
	return fabs(v) > fabs(extreme);
}

static void move_lines(struct hist_track *t, unsigned long base)
{
	size_t i;
	int k;

	t->first.line += base;
	for (i = 0; i < t->nev; i++)
		t->events[i].line += base;
	for (k = 0; k < BG_EV_NTYPES; k++)
		if (t->open[k].open)
			t->open[k].line += base;
	for (i = 0; i < t->jumps && i < HIST_MAX_JUMPS; i++)
		t->jump[i].line += base;
}

static void add_array(double *a, const double *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		a[i] += b[i];
}

static void add_sums(struct hist_track *m, const struct hist_track *b)
{
	size_t i, n = HIST_RF_BINS * HIST_RF_BINS;

	if (!m->rows)
		m->t_first = b->t_first;
	m->t_first = fmin(m->t_first, b->t_first);
	m->t_last = fmax(m->t_last, b->t_last);
	m->rows += b->rows;
	m->gaps += b->gaps;
	m->gap_s += b->gap_s;
	m->covered_s += b->covered_s;
	m->covered_life_s += b->covered_life_s;
	m->as_chg += b->as_chg;
	m->as_dis += b->as_dis;
	m->ws_chg += b->ws_chg;
	m->ws_dis += b->ws_dis;
	m->s_above += b->s_above;
	m->s_below += b->s_below;
	m->s_chg_above += b->s_chg_above;
	m->s_chg_below += b->s_chg_below;
	m->s_high_soc += b->s_high_soc;
	m->s_temp += b->s_temp;
	m->s_soc += b->s_soc;
	m->s_rest += b->s_rest;
	add_array(m->s_temp_hist, b->s_temp_hist, HIST_T_BINS);
	add_array(m->s_crate_chg, b->s_crate_chg, HIST_C_BINS);
	add_array(m->s_crate_dis, b->s_crate_dis, HIST_C_BINS);
	m->temp_min = fmin(m->temp_min, b->temp_min);
	m->temp_max = fmax(m->temp_max, b->temp_max);
	m->v_min_seen = fmin(m->v_min_seen, b->v_min_seen);
	m->v_max_seen = fmax(m->v_max_seen, b->v_max_seen);
	if (!b->rf_full) {
		for (i = 0; i < b->rf_nlist; i++)
			hist_rf_add(m, b->rf_list[i] & 0x7fff,
				    b->rf_list[i] >> 15);
		return;
	}
	if (hist_rf_need_bins(m) < 0)
		return; /* rf_oom set: reported with the report */
	for (i = 0; i < n; i++) {
		m->rf_full[i] += b->rf_full[i];
		m->rf_half[i] += b->rf_half[i];
	}
}

/* An event of m still open (carry) goes on as b's first event of its
 * type, opened at b's first row: that one gets its start, line and,
 * unless b saw worse, its extreme. */
static void carry_over(const struct hist_open *carry, int type,
		       double *start, double *extreme, unsigned long *line)
{
	*start = carry->start;
	*line = carry->line;
	if (!worse(type, *extreme, carry->extreme))
		*extreme = carry->extreme;
}

static void merge_events(struct hist_track *m, const struct hist_track *b)
{
	struct hist_open carry[BG_EV_NTYPES];
	unsigned cont = 0;
	size_t i;
	int k;

	/* hist_join_row() ended the events of m that b's first row does
	 * not continue; those left open continue. */
	for (k = 0; k < BG_EV_NTYPES; k++) {
		carry[k] = m->open[k];
		if (m->open[k].open && (b->first_on >> k & 1))
			cont |= 1u << k;
		m->n_events[k] += b->n_events[k] - (cont >> k & 1);
	}
	for (i = 0; i < b->nev; i++) {
		bg_event e = b->events[i];

		if (cont >> e.type & 1 && !(b->first_open >> e.type & 1)) {
			carry_over(&carry[e.type], e.type, &e.start,
				   &e.extreme, &e.line);
			cont &= ~(1u << e.type);
		}
		hist_event_push(m, &e);
	}
	for (k = 0; k < BG_EV_NTYPES; k++) {
		m->open[k] = b->open[k];
		/* Still open at the end of b: the continued event, unless
		 * it ended after b's list filled up (then it is counted
		 * but not listed, as in one pass). */
		if (cont >> k & 1 && b->first_open >> k & 1)
			carry_over(&carry[k], k, &m->open[k].start,
				   &m->open[k].extreme, &m->open[k].line);
	}
}

static void merge_jumps(struct hist_track *m, const struct hist_track *b)
{
	unsigned long j;

	for (j = 0; j < b->jumps && j < HIST_MAX_JUMPS; j++)
		if (m->jumps + j < HIST_MAX_JUMPS)
			m->jump[m->jumps + j] = b->jump[j];
	m->jumps += b->jumps;
}

/* The last sample of b is the previous sample of the log now. */
static void take_prev(struct hist_track *m, const struct hist_track *b)
{
	m->have_prev = b->have_prev;
	m->prev_temp_ok = b->prev_temp_ok;
	m->prev_soc_ok = b->prev_soc_ok;
	m->t0 = b->t0;
	m->i0 = b->i0;
	m->v0 = b->v0;
	m->temp0 = b->temp0;
	m->soc0 = b->soc0;
	if (b->soc_q >= 0)
		m->soc_q = b->soc_q;
	if (b->cc_started) {
		m->cc_soc = b->cc_soc;
		m->cc_started = 1;
	}
}

static void merge_track(bg_history *h, struct hist_track *m,
			struct hist_track *b)
{
	hist_join_row(h, m, &b->first, b->first_on);
	merge_events(m, b);
	merge_jumps(m, b);
	add_sums(m, b);
	bg_rainflow_append(&m->rf, &b->rf);
	take_prev(m, b);
}

/* Would the chunk's new modules take h past HIST_MAX_MODULES?  Then
 * the error of one pass, at the first row of the first one too many. */
static int check_modules(const bg_history *h, const bg_history *c,
			 const char *name, bg_error *err)
{
	size_t i, n = h->ntr;

	for (i = 0; i < c->ntr; i++) {
		if (hist_find(h, c->tr[i]->id))
			continue;
		if (n++ >= HIST_MAX_MODULES)
			return bg_error_set(err, BG_EDATA, name,
					    c->tr[i]->first.line,
					    c->tr[i]->first_col,
					    _("more than %d modules in one "
					      "log"), HIST_MAX_MODULES);
	}
	return 0;
}

int hist_merge(bg_history *h, bg_history *c, unsigned long line_base,
	       const char *name, bg_error *err)
{
	size_t i;
	int rc;

	for (i = 0; i < c->ntr; i++) {
		if (c->tr[i]->rf_oom)
			return bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
					    _("out of memory"));
		move_lines(c->tr[i], line_base);
	}
	if ((rc = check_modules(h, c, name, err)) < 0)
		return rc;
	for (i = 0; i < c->ntr; i++) {
		struct hist_track *b = c->tr[i], *m = hist_find(h, b->id);

		if (!b->rows)
			continue;
		if (!m && !(m = hist_track_add(h, b->id, b->cap_ah,
					       b->series)))
			return bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
					    _("out of memory"));
		if (!m->rows)
			m->first_col = b->first_col;
		merge_track(h, m, b);
	}
	return 0;
}
