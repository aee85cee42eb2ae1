/*
 * capcheck.c - capacity checks found in a cycler's time series: one
 * discharge capacity per cycle, with the cycle's age in equivalent full
 * cycles and days (formats.h, bg_formats_capacity_checks()).
 *
 * Cyclers count capacity in different ways: BDF's discharging_capacity_ah
 * runs from the start of the test, cycle_discharging_capacity_ah and
 * Arbin's Discharge_Capacity restart with every cycle, and Landt's and
 * Maccor's counters restart with every step.  A counter's rise is
 * summed over the cycle, and a fall is taken as a restart from zero,
 * which gives the cycle's discharge in all these cases.  Without a
 * counter the discharge current is integrated with the trapezoidal rule
 * between samples.  Equivalent full cycles follow the usual definition
 * (total charge plus discharge throughput over twice the reference
 * capacity; IEC 62660-1 cycle life, EU 2023/1542 Annex VII), counted
 * from the file's current, so they include every partial cycle.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "battgrade/formats.h"
#include "i18n.h"

struct cycle {
	double key;              /* the file's cycle number, or a count */
	double dis_ah;           /* discharge so far */
	double thr_ah;           /* charge + discharge since the start */
	double t_end;            /* time of the last discharging row */
	int had_dis;             /* a row discharged (not counter noise) */
	unsigned long first_line, last_line;
};

struct scan {
	bg_capacity_point *pts;
	size_t n, cap;
	struct cycle c;
	int have_prev, discharging, counter;
	double t0, i0, cap0, t_first, thr_ah, imax;
	double ref_ah;
	const char *name;
	bg_formats_notes *notes;
};

/* A current below this fraction of the largest seen is rest: cyclers
 * read a few ppm of full scale when idle. */
#define REST_FRACTION 1e-3

static void cycle_start(struct scan *s, double key, unsigned long line)
{
	memset(&s->c, 0, sizeof s->c);
	s->c.key = key;
	s->c.first_line = line;
}

static int push_point(struct scan *s)
{
	bg_capacity_point *p;

	if (s->n == s->cap) {
		size_t n = s->cap ? 2 * s->cap : 64;
		if (!(p = realloc(s->pts, n * sizeof *p)))
			return -1;
		s->pts = p;
		s->cap = n;
	}
	p = &s->pts[s->n++];
	p->cycle_count = s->c.thr_ah;  /* Ah for now: EFC at the end */
	p->days = (s->c.t_end - s->t_first) / 86400;
	p->capacity_ah = s->c.dis_ah;
	p->temperature_c = NAN;
	p->energy_wh = NAN;
	p->resistance_ohm = NAN;
	bg_formats_note(s->notes, "%s: check %zu: cycle %g, lines %lu-%lu, "
			"%.10g Ah", s->name, s->n, s->c.key, s->c.first_line,
			s->c.last_line, s->c.dis_ah);
	return 0;
}

/* The cycle just ended: a check when it discharged. */
static int cycle_end(struct scan *s)
{
	if (!(s->c.dis_ah > 0) || !s->c.had_dis)
		return 0;
	return push_point(s);
}

/* Discharge Ah between the previous row and r: the counter's rise (a
 * fall is a restart from zero), else the negative part of the current
 * integrated (trapezoidal rule, split at a zero crossing). */
static double discharge_step(const struct scan *s, const bg_bdf_row *r,
			     double dt)
{
	double a = s->i0, b = r->current_a;

	if (s->counter)
		return r->discharge_ah >= s->cap0 ? r->discharge_ah - s->cap0 :
		       r->discharge_ah;
	if (a >= 0 && b >= 0)
		return 0;
	if (a <= 0 && b <= 0)
		return -0.5 * (a + b) * dt / 3600;
	double f = a / (a - b);         /* fraction of dt before zero */
	return (a < 0 ? -0.5 * a * f : -0.5 * b * (1 - f)) * dt / 3600;
}

/* Does row r start a new cycle? */
static int new_cycle(const struct scan *s, const bg_bdf_row *r, int chg)
{
	if (!isnan(r->cycle) && !isnan(s->c.key) && r->cycle != s->c.key)
		return 1;
	/* without cycle numbers: a charge after a discharge */
	return isnan(r->cycle) && chg && s->c.dis_ah > 0;
}

static int scan_row(struct scan *s, const bg_bdf_row *r)
{
	double rest, dt;
	int chg, dis;

	s->imax = fmax(s->imax, fabs(r->current_a));
	rest = REST_FRACTION * s->imax;
	chg = r->state ? r->state == 'C' : r->current_a > rest;
	dis = r->state ? r->state == 'D' : r->current_a < -rest;
	if (!s->have_prev) {
		s->t_first = r->time_s;
		s->counter = !isnan(r->discharge_ah);
		cycle_start(s, isnan(r->cycle) ? 1 : r->cycle, r->line);
	} else if (new_cycle(s, r, chg)) {
		if (cycle_end(s) < 0)
			return -1;
		cycle_start(s, isnan(r->cycle) ? s->c.key + 1 : r->cycle,
			    r->line);
	}
	if (s->have_prev) {
		dt = r->time_s - s->t0;
		s->thr_ah += fabs(0.5 * (s->i0 + r->current_a)) * dt / 3600;
		double d = discharge_step(s, r, dt);
		if (s->counter && isnan(r->discharge_ah))
			d = 0;
		if (d > 0)
			s->c.dis_ah += d;
		if (d > 0 || dis) {     /* the discharge's end so far */
			s->c.t_end = r->time_s;
			s->c.last_line = r->line;
			s->c.thr_ah = s->thr_ah;
		}
	}
	s->c.had_dis |= dis;
	s->discharging = dis;
	s->have_prev = 1;
	s->t0 = r->time_s;
	s->i0 = r->current_a;
	if (!isnan(r->discharge_ah))   /* an empty field keeps the last */
		s->cap0 = r->discharge_ah;
	return 0;
}

/* Throughput (Ah) to equivalent full cycles, once the reference
 * capacity is known. */
static void to_efc(struct scan *s)
{
	double ref = s->ref_ah > 0 ? s->ref_ah : s->pts[0].capacity_ah;

	for (size_t i = 0; i < s->n; i++)
		s->pts[i].cycle_count /= 2 * ref;
	bg_formats_note(s->notes, "%s: equivalent full cycles over %.10g Ah "
			"(%s)", s->name, ref, s->ref_ah > 0 ?
			"reference capacity" : "first check's capacity");
}

static int finish(struct scan *s, bg_bdf *b, bg_capacity_set **out,
		  bg_error *err)
{
	bg_capacity_set *set;

	if (s->discharging)
		bg_formats_note(s->notes, "%s: cycle %g still discharging at "
				"the end of the file: not a capacity check",
				s->name, s->c.key);
	else if (s->have_prev && cycle_end(s) < 0)
		return bg_error_set(err, BG_ENOMEM, s->name, 0, 0, "oom");
	if (s->n == 0)
		return bg_error_set(err, BG_EDATA, s->name, 0, 0,
				    _("no complete discharge in %lu rows: no "
				      "capacity check to take"),
				    bg_bdf_rows(b));
	to_efc(s);
	if (!(set = calloc(1, sizeof *set)) ||
	    !(set->series = calloc(1, sizeof *set->series))) {
		free(set);
		return bg_error_set(err, BG_ENOMEM, s->name, 0, 0, "oom");
	}
	set->nseries = 1;
	set->series[0].n = s->n;
	set->series[0].pts = s->pts;
	s->pts = NULL;
	*out = set;
	return 0;
}

static int checks(bg_capacity_set **out, const char *name, const void *buf,
		  size_t len, bg_format fmt, double ref_ah,
		  bg_formats_notes *notes, bg_error *err)
{
	struct scan s;
	bg_bdf_row row;
	bg_bdf *b;
	int rc;

	*out = NULL;
	memset(&s, 0, sizeof s);
	s.ref_ah = ref_ah;
	s.name = name;
	s.notes = notes;
	if ((rc = bg_bdf_open_as(&b, name, buf, len, fmt, notes, err)) < 0)
		return rc;
	while ((rc = bg_bdf_next(b, &row, err)) > 0)
		if (scan_row(&s, &row) < 0) {
			rc = bg_error_set(err, BG_ENOMEM, name, 0, 0, "oom");
			break;
		}
	if (rc == 0) {
		bg_formats_note(notes, "%s: discharge from %s", name,
				s.counter ? "the file's capacity counter" :
				"the current, integrated");
		rc = finish(&s, b, out, err);
	}
	free(s.pts);
	bg_bdf_close(b);
	return rc;
}

int bg_formats_capacity_checks(bg_capacity_set **out, const char *path,
			       bg_format fmt, double ref_capacity_ah,
			       bg_formats_notes *notes, bg_error *err)
{
	return checks(out, path, NULL, 0, fmt, ref_capacity_ah, notes, err);
}

int bg_formats_capacity_checks_mem(bg_capacity_set **out, const char *name,
				   const void *buf, size_t len,
				   bg_format fmt, double ref_capacity_ah,
				   bg_formats_notes *notes, bg_error *err)
{
	return checks(out, name, buf ? buf : "", len, fmt, ref_capacity_ah,
		      notes, err);
}
