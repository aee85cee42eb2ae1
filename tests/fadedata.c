/*
 * fadedata.c - histories for the fade tests and benchmarks (see
 * fadedata.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "battgrade/csvin.h"
#include "fadedata.h"

int fd_alloc(bg_capacity_series *s, size_t n)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	s->pts = calloc(n ? n : 1, sizeof(*s->pts));
	if (!s->pts)
		return -1;
	s->n = n;
	for (i = 0; i < n; i++) {
		bg_capacity_point *p = &s->pts[i];

		p->cycle_count = p->days = p->capacity_ah = NAN;
		p->temperature_c = p->energy_wh = p->resistance_ohm = NAN;
	}
	return 0;
}

void fd_free(bg_capacity_series *s)
{
	free(s->pts);
	s->pts = NULL;
	s->n = 0;
}

int fd_real_path(char *buf, size_t len, const char *rel)
{
	const char *d = getenv("BG_SHARED_DATA");
	struct stat st;

	if (!d || !*d)
		return -1;
	snprintf(buf, len, "%s/real/%s", d, rel);
	{
		char dir[1024];

		snprintf(dir, sizeof(dir), "%s/real", d);
		if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
			return -1;
	}
	return 0;
}

static double opt(const bg_csv *r, int col, bg_error *err, int *rc)
{
	double v = NAN;
	int present = 0;

	if (col < 0 || *rc < 0)
		return NAN;
	*rc = bg_csv_double_opt(r, (size_t)col, &v, &present, err);
	return present ? v : NAN;
}

static int find(const bg_csv *r, const char *name)
{
	return name ? bg_csv_find(r, name) : -1;
}

static int grow(bg_capacity_series *s, size_t *cap)
{
	bg_capacity_point *p;

	if (s->n < *cap)
		return 0;
	*cap = *cap ? 2 * *cap : 256;
	p = realloc(s->pts, *cap * sizeof(*p));
	if (!p)
		return -1;
	s->pts = p;
	return 0;
}

int fd_read(bg_capacity_series *out, const char *path,
	    const struct fd_cols *c, bg_error *err)
{
	int ci, di, qi, ri, ti, ki, rc, all_zero = 1;
	size_t cap = 0, i;
	bg_csv *r;

	memset(out, 0, sizeof(*out));
	if ((rc = bg_csv_open(&r, path, NULL, err)) < 0)
		return rc;
	ci = find(r, c->cycle);
	di = find(r, c->days);
	qi = find(r, c->cap);
	ri = find(r, c->res);
	ti = find(r, c->temp);
	ki = find(r, c->key);
	while ((rc = bg_csv_next(r, err)) > 0) {
		bg_capacity_point p;

		if (ki >= 0 && strcmp(bg_csv_field(r, (size_t)ki), c->keyval))
			continue;
		p.cycle_count = opt(r, ci, err, &rc);
		p.days = opt(r, di, err, &rc);
		p.capacity_ah = opt(r, qi, err, &rc);
		p.resistance_ohm = opt(r, ri, err, &rc);
		p.temperature_c = opt(r, ti, err, &rc);
		p.energy_wh = NAN;
		if (rc < 0)
			break;
		if (p.cycle_count < c->min_cycle)
			continue;
		if (!(p.resistance_ohm > 0))
			p.resistance_ohm = NAN;
		if (p.cycle_count != 0)
			all_zero = 0;
		if (grow(out, &cap) < 0) {
			rc = BG_ENOMEM;
			break;
		}
		out->pts[out->n++] = p;
	}
	bg_csv_close(r);
	if (rc < 0) {
		fd_free(out);
		return rc;
	}
	if (c->zero_cycles_calendar && all_zero)
		for (i = 0; i < out->n; i++)
			out->pts[i].cycle_count = NAN;
	return 0;
}

#define NASA(id) { "NASA " id, "nasa_pcoe/" id "_capacity.csv", \
	{ "discharge_cycle", NULL, "capacity_Ah", NULL, NULL, NULL, NULL, \
	  0, 0 }, 2.0, 1.4, "1.4 Ah (30 % fade of 2 Ah, NASA README)" }
#define SEV(id) { "Severson " id, "severson2019/" id "_summary.csv", \
	{ "cycle", NULL, "discharge_capacity_Ah", "internal_resistance_ohm", \
	  "temperature_avg_C", NULL, NULL, 2, 0 }, 1.1, 0.88, \
	  "0.88 Ah (80 % of 1.1 Ah, the paper's cycle life)" }
#define DENSO(k) { "Denso series " k, \
	"nrel_denso/denso_shared_capacity_resistance.csv", \
	{ "equivalent_full_cycles", "time_days", "capacity_C3_Ah", \
	  "dcir_25C_ohm", NULL, "series_index", k, 0, 1 }, 46.7, \
	  0.88 * 46.7, \
	  "41.1 Ah (88 % of 46.7 Ah fresh: the data end at 75-93 %)" }

const struct fd_real fd_reals[] = {
	NASA("B0005"), NASA("B0006"),
	SEV("b2c0"), SEV("b2c1"), SEV("b2c2"), SEV("b2c4"), SEV("b2c6"),
	DENSO("1"), DENSO("4"), DENSO("12"), DENSO("14"), DENSO("27"),
	DENSO("30"),
};
const size_t fd_nreals = sizeof(fd_reals) / sizeof(fd_reals[0]);
