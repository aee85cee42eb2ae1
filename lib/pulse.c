/*
 * pulse.c - pulse.csv: current-pulse (HPPC-style) tests (pack data
 * format v1, battgrade-pack(5)).
 *
 * One row is one sample: module_id, test_time_second, current_ampere
 * (BDF sign: positive charges the module), voltage_volt.  Samples are
 * grouped per module; within a module test time must not go backwards,
 * because the DC resistance is read from the voltage step at each
 * current step (DOMAIN.md, HPPC: R = dV/dI) and a reordered record
 * would produce steps that never happened.
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
	bg_pulse_set *set;
	size_t cap_series, *cap, cap_cap, last;
};

static int series_for(struct loader *l, const char *id,
		      bg_pulse_series **out, bg_error *err)
{
	bg_pulse_set *s = l->set;
	size_t i;

	for (i = 0; i < s->nseries; i++) {
		size_t k = (l->last + i) % s->nseries;

		if (!strcmp(s->series[k].module_id, id)) {
			*out = &s->series[l->last = k];
			return 0;
		}
	}
	if (s->nseries >= BG_MAX_SERIES)
		return bg_csv_error(l->r, 0, err, BG_EDATA,
				    _("more than %d modules in one file"),
				    BG_MAX_SERIES);
	if (bg_ingest_grow(&s->series, &l->cap_series, s->nseries + 1,
			   sizeof(*s->series)) < 0 ||
	    bg_ingest_grow(&l->cap, &l->cap_cap, s->nseries + 1,
			   sizeof(*l->cap)) < 0)
		return bg_error_set(err, BG_ENOMEM, bg_csv_name(l->r), 0, 0,
				    _("out of memory"));
	memset(&s->series[s->nseries], 0, sizeof(*s->series));
	memcpy(s->series[s->nseries].module_id, id, strlen(id) + 1);
	l->cap[s->nseries] = 0;
	l->last = s->nseries;
	*out = &s->series[s->nseries++];
	return 0;
}

static int append(struct loader *l, bg_pulse_series *se, double t,
		  double i, double v)
{
	size_t *cap = &l->cap[se - l->set->series], c, n = se->n + 1;

	if ((c = *cap, bg_ingest_grow(&se->time_s, &c, n, sizeof(double))) ||
	    (c = *cap, bg_ingest_grow(&se->current_a, &c, n,
				      sizeof(double))) ||
	    (c = *cap, bg_ingest_grow(&se->voltage_v, &c, n,
				      sizeof(double))))
		return bg_error_set(NULL, BG_ENOMEM, NULL, 0, 0, "oom");
	*cap = c;
	se->time_s[se->n] = t;
	se->current_a[se->n] = i;
	se->voltage_v[se->n] = v;
	se->n = n;
	return 0;
}

static int add_row(struct loader *l, bg_error *err)
{
	int tc = l->m.idx[BG_COL_TEST_TIME];
	char id[BG_ID_MAX];
	bg_pulse_series *se = NULL;
	double t, i, v;
	int rc;

	if ((rc = bg_ingest_module(l->r, l->m.idx[BG_COL_MODULE_ID], l->pack,
				   id, err)) < 0 ||
	    (rc = bg_csv_double(l->r, (size_t)tc, &t, err)) < 0 ||
	    (rc = bg_csv_double(l->r, (size_t)l->m.idx[BG_COL_CURRENT], &i,
				err)) < 0 ||
	    (rc = bg_csv_double(l->r, (size_t)l->m.idx[BG_COL_VOLTAGE], &v,
				err)) < 0 ||
	    (rc = series_for(l, id, &se, err)) < 0)
		return rc;
	if (se->n && t < se->time_s[se->n - 1])
		return bg_csv_error(l->r, (size_t)tc, err, BG_EDATA,
				    _("test time goes backwards: %g s after "
				      "%g s (module '%s')"), t,
				    se->time_s[se->n - 1], id);
	if (append(l, se, t, i, v) < 0)
		return bg_error_set(err, BG_ENOMEM, bg_csv_name(l->r), 0, 0,
				    _("out of memory"));
	return 0;
}

static int setup(struct loader *l, bg_error *err)
{
	int rc;

	if ((rc = bg_colmap_init(&l->m, l->r, err)) < 0)
		return rc;
	if ((rc = bg_colmap_require(&l->m, l->r, BG_COL_TEST_TIME, err)) ||
	    (rc = bg_colmap_require(&l->m, l->r, BG_COL_CURRENT, err)) ||
	    (rc = bg_colmap_require(&l->m, l->r, BG_COL_VOLTAGE, err)) ||
	    (rc = bg_ingest_need_module(&l->m, l->r, l->pack, err)))
		return rc;
	if (!(l->set = calloc(1, sizeof(*l->set))))
		return bg_error_set(err, BG_ENOMEM, bg_csv_name(l->r), 0, 0,
				    _("out of memory"));
	return 0;
}

int bg_pulse_load_csv(bg_pulse_set **out, bg_csv *r,
		      const bg_pack *pack, bg_error *err)
{
	struct loader l = { .r = r, .pack = pack };
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
	*out = l.set;
	l.set = NULL;
done:
	bg_pulse_set_free(l.set);
	free(l.cap);
	bg_colmap_release(&l.m);
	bg_csv_close(r);
	return rc < 0 ? rc : 0;
}

int bg_pulse_load(bg_pulse_set **out, const char *path, const bg_pack *pack,
		  bg_error *err)
{
	bg_csv *r;
	int rc;

	*out = NULL;
	if ((rc = bg_csv_open(&r, path, NULL, err)) < 0)
		return rc;
	return bg_pulse_load_csv(out, r, pack, err);
}

int bg_pulse_load_mem(bg_pulse_set **out, const char *name, const void *buf,
		      size_t len, const bg_pack *pack, bg_error *err)
{
	bg_csv *r;
	int rc;

	*out = NULL;
	if ((rc = bg_csv_open_mem(&r, name, buf, len, NULL, err)) < 0)
		return rc;
	return bg_pulse_load_csv(out, r, pack, err);
}

void bg_pulse_set_free(bg_pulse_set *set)
{
	size_t i;

	if (!set)
		return;
	for (i = 0; i < set->nseries; i++) {
		free(set->series[i].time_s);
		free(set->series[i].current_a);
		free(set->series[i].voltage_v);
	}
	free(set->series);
	free(set);
}
