/*
 * capacity.c - capacity.csv: the capacity checks of each module across
 * its life (pack data format v1, battgrade-pack(5)).
 *
 * One row is one check: module_id, the module's age as cycle_count
 * and/or days since first use, the measured capacity_ah, and
 * optionally the temperature, energy_wh and DC resistance of that
 * check.  Rows are grouped per module and sorted by age, so the fade
 * models see each module's history in order.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "battgrade/pack.h"
#include "i18n.h"
#include "ingest-int.h"

struct loader {
	bg_csv *r;
	bg_colmap m;
	const bg_pack *pack;
	bg_capacity_set *set;
	size_t cap_series, *cap_pts, cap_cap, last;
	int by_cycle;
};

/* An optional column's value, NAN when the column or value is absent. */
static int opt_value(const struct loader *l, enum bg_col q, double *v,
		     bg_error *err)
{
	int present = 0, rc;

	*v = NAN;
	if (l->m.idx[q] < 0)
		return 0;
	rc = bg_csv_double_opt(l->r, (size_t)l->m.idx[q], v, &present, err);
	if (!present)
		*v = NAN;
	return rc;
}

static int must_be(const struct loader *l, enum bg_col q, double v,
		   int positive, bg_error *err)
{
	if (isnan(v) || (positive ? v > 0 : v >= 0))
		return 0;
	return bg_csv_error(l->r, (size_t)l->m.idx[q], err, BG_EDATA,
			    positive ? _("%s must be positive, not %g")
				     : _("%s must not be negative, not %g"),
			    bg_col_name(q), v);
}

static int read_point(struct loader *l, bg_capacity_point *pt,
		      bg_error *err)
{
	int rc;

	if ((rc = opt_value(l, BG_COL_CYCLE_COUNT, &pt->cycle_count, err)) ||
	    (rc = opt_value(l, BG_COL_DAYS, &pt->days, err)) ||
	    (rc = bg_csv_double(l->r, (size_t)l->m.idx[BG_COL_CAPACITY],
				&pt->capacity_ah, err)) ||
	    (rc = opt_value(l, BG_COL_TEMPERATURE, &pt->temperature_c, err)) ||
	    (rc = opt_value(l, BG_COL_ENERGY, &pt->energy_wh, err)) ||
	    (rc = opt_value(l, BG_COL_RESISTANCE, &pt->resistance_ohm, err)))
		return rc;
	/* The sort key must be there on every row. */
	if (isnan(l->by_cycle ? pt->cycle_count : pt->days))
		return bg_csv_error(l->r, (size_t)l->m.idx[l->by_cycle ?
				    BG_COL_CYCLE_COUNT : BG_COL_DAYS], err,
				    BG_EDATA, _("empty value in column '%s'"),
				    bg_col_name(l->by_cycle ?
				    BG_COL_CYCLE_COUNT : BG_COL_DAYS));
	if ((rc = must_be(l, BG_COL_CYCLE_COUNT, pt->cycle_count, 0, err)) ||
	    (rc = must_be(l, BG_COL_DAYS, pt->days, 0, err)) ||
	    (rc = must_be(l, BG_COL_CAPACITY, pt->capacity_ah, 1, err)) ||
	    (rc = must_be(l, BG_COL_ENERGY, pt->energy_wh, 1, err)) ||
	    (rc = must_be(l, BG_COL_RESISTANCE, pt->resistance_ohm, 1, err)))
		return rc;
	if (pt->temperature_c < -273.15)
		return bg_csv_error(l->r, (size_t)l->m.idx[BG_COL_TEMPERATURE],
				    err, BG_EDATA,
				    _("temperature below absolute zero: %g"),
				    pt->temperature_c);
	return 0;
}

/* The series of module id into *out, created when new. */
static int series_for(struct loader *l, const char *id,
		      bg_capacity_series **out, bg_error *err)
{
	bg_capacity_set *s = l->set;
	size_t i;

	if (s->nseries && !strcmp(s->series[l->last].module_id, id)) {
		*out = &s->series[l->last];
		return 0;
	}
	for (i = 0; i < s->nseries; i++)
		if (!strcmp(s->series[i].module_id, id)) {
			*out = &s->series[l->last = i];
			return 0;
		}
	if (s->nseries >= BG_MAX_SERIES)
		return bg_csv_error(l->r, (size_t)l->m.idx[BG_COL_MODULE_ID],
				    err, BG_EDATA,
				    _("more than %d modules in one file"),
				    BG_MAX_SERIES);
	if (bg_ingest_grow(&s->series, &l->cap_series, s->nseries + 1,
			   sizeof(*s->series)) < 0 ||
	    bg_ingest_grow(&l->cap_pts, &l->cap_cap, s->nseries + 1,
			   sizeof(*l->cap_pts)) < 0)
		return bg_error_set(err, BG_ENOMEM, bg_csv_name(l->r), 0, 0,
				    _("out of memory"));
	memset(&s->series[s->nseries], 0, sizeof(*s->series));
	memcpy(s->series[s->nseries].module_id, id, strlen(id) + 1);
	l->cap_pts[s->nseries] = 0;
	l->last = s->nseries;
	*out = &s->series[s->nseries++];
	return 0;
}

static int add_row(struct loader *l, bg_error *err)
{
	char id[BG_ID_MAX];
	bg_capacity_point pt;
	bg_capacity_series *se = NULL;
	size_t k;
	int rc;

	if ((rc = bg_ingest_module(l->r, l->m.idx[BG_COL_MODULE_ID], l->pack,
				   id, err)) < 0 ||
	    (rc = read_point(l, &pt, err)) < 0 ||
	    (rc = series_for(l, id, &se, err)) < 0)
		return rc;
	k = (size_t)(se - l->set->series);
	if (bg_ingest_grow(&se->pts, &l->cap_pts[k], se->n + 1,
			   sizeof(*se->pts)) < 0)
		return bg_error_set(err, BG_ENOMEM, bg_csv_name(l->r), 0, 0,
				    _("out of memory"));
	se->pts[se->n++] = pt;
	return 0;
}

static int by_cycle(const void *a, const void *b)
{
	const bg_capacity_point *x = a, *y = b;

	if (x->cycle_count != y->cycle_count)
		return x->cycle_count < y->cycle_count ? -1 : 1;
	if (x->days != y->days && !isnan(x->days) && !isnan(y->days))
		return x->days < y->days ? -1 : 1;
	return 0;
}

static int by_days(const void *a, const void *b)
{
	const bg_capacity_point *x = a, *y = b;

	if (x->days != y->days)
		return x->days < y->days ? -1 : 1;
	return 0;
}

static int setup(struct loader *l, bg_error *err)
{
	int rc;

	if ((rc = bg_colmap_init(&l->m, l->r, err)) < 0)
		return rc;
	if ((rc = bg_colmap_require(&l->m, l->r, BG_COL_CAPACITY, err)) < 0 ||
	    (rc = bg_ingest_need_module(&l->m, l->r, l->pack, err)) < 0)
		return rc;
	if (l->m.idx[BG_COL_CYCLE_COUNT] < 0 && l->m.idx[BG_COL_DAYS] < 0)
		return bg_error_set(err, BG_EDATA, bg_csv_name(l->r),
				    l->m.header_line, 0,
				    _("missing column 'cycle_count' or "
				      "'days'"));
	l->by_cycle = l->m.idx[BG_COL_CYCLE_COUNT] >= 0;
	if (!(l->set = calloc(1, sizeof(*l->set))))
		return bg_error_set(err, BG_ENOMEM, bg_csv_name(l->r), 0, 0,
				    _("out of memory"));
	return 0;
}

int bg_capacity_load_csv(bg_capacity_set **out, bg_csv *r,
			 const bg_pack *pack, bg_error *err)
{
	struct loader l = { .r = r, .pack = pack };
	size_t i;
	int rc;

	if ((rc = setup(&l, err)) < 0)
		goto done;
	while ((rc = bg_csv_next(r, err)) > 0)
		if ((rc = add_row(&l, err)) < 0)
			goto done;
	if (rc < 0)
		goto done;
	if (!l.set->nseries) {
		rc = bg_error_set(err, BG_EDATA, bg_csv_name(r), 0, 0,
				  _("no data rows"));
		goto done;
	}
	for (i = 0; i < l.set->nseries; i++)
		qsort(l.set->series[i].pts, l.set->series[i].n,
		      sizeof(bg_capacity_point), l.by_cycle ? by_cycle
							    : by_days);
	*out = l.set;
	l.set = NULL;
done:
	bg_capacity_set_free(l.set);
	free(l.cap_pts);
	bg_colmap_release(&l.m);
	bg_csv_close(r);
	return rc < 0 ? rc : 0;
}

int bg_capacity_load(bg_capacity_set **out, const char *path,
		     const bg_pack *pack, bg_error *err)
{
	bg_csv *r;
	int rc;

	*out = NULL;
	if ((rc = bg_csv_open(&r, path, NULL, err)) < 0)
		return rc;
	return bg_capacity_load_csv(out, r, pack, err);
}

int bg_capacity_load_mem(bg_capacity_set **out, const char *name,
			 const void *buf, size_t len, const bg_pack *pack,
			 bg_error *err)
{
	bg_csv *r;
	int rc;

	*out = NULL;
	if ((rc = bg_csv_open_mem(&r, name, buf, len, NULL, err)) < 0)
		return rc;
	return bg_capacity_load_csv(out, r, pack, err);
}

void bg_capacity_set_free(bg_capacity_set *set)
{
	size_t i;

	if (!set)
		return;
	for (i = 0; i < set->nseries; i++)
		free(set->series[i].pts);
	free(set->series);
	free(set);
}
