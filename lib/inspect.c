/*
 * inspect.c - validate one pack CSV file and summarise it.
 *
 * The small files go through their loaders, so inspect accepts exactly
 * what the fits will accept.  history.csv is streamed row by row with
 * only the running figures kept: its memory does not grow with the
 * file.  A backward jump of a BMS log's wall clock (a clock reset, a
 * merged log) is a defect the history analysis splits the log at; it
 * is counted and located here, not rejected.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "battgrade/inspect.h"
#include "i18n.h"
#include "ingest-int.h"

static void init_summary(bg_file_summary *s, const bg_pack *pack)
{
	memset(s, 0, sizeof(*s));
	s->time_col = -1;
	s->age_col = -1;
	s->time_first_s = s->time_last_s = NAN;
	s->time_min_s = s->time_max_s = NAN;
	s->freq_min_hz = s->freq_max_hz = NAN;
	s->age_min = s->age_max = NAN;
	s->pack = pack;
}

static void widen(double *lo, double *hi, double v)
{
	if (isnan(*lo) || v < *lo)
		*lo = v;
	if (isnan(*hi) || v > *hi)
		*hi = v;
}

static void mark_module(bg_file_summary *s, const char *id)
{
	const bg_module_info *m;

	if (s->module_seen && (m = bg_pack_module(s->pack, id)))
		s->module_seen[m->position] = 1;
}

static void list_unknown(bg_file_summary *s, const bg_colmap *m,
			 const bg_csv *r)
{
	size_t i, n = 0, k;
	const char *name;

	for (i = 0; i < m->ncols; i++) {
		if (m->known[i])
			continue;
		s->nunknown++;
		name = bg_csv_colname(r, i);
		k = strlen(name);
		if (n + k + 6 >= sizeof(s->unknown)) {
			if (n + 4 < sizeof(s->unknown))
				memcpy(s->unknown + n, "...", 4);
			return;
		}
		if (n)
			memcpy(s->unknown + n, ", ", 2), n += 2;
		memcpy(s->unknown + n, name, k + 1);
		n += k;
	}
}

/* ---- the small files, through their loaders ------------------------ */

static int sum_capacity(bg_file_summary *s, bg_csv *r, bg_error *err)
{
	bg_capacity_set *set;
	size_t i, j;
	int rc;

	if ((rc = bg_capacity_load_csv(&set, r, s->pack, err)) < 0)
		return rc;
	s->nmodules = set->nseries;
	for (i = 0; i < set->nseries; i++) {
		const bg_capacity_series *se = &set->series[i];

		mark_module(s, se->module_id);
		s->rows += se->n;
		for (j = 0; j < se->n; j++) {
			double age = isnan(se->pts[j].cycle_count) ?
				     se->pts[j].days : se->pts[j].cycle_count;

			s->age_col = isnan(se->pts[j].cycle_count) ?
				     BG_COL_DAYS : BG_COL_CYCLE_COUNT;
			widen(&s->age_min, &s->age_max, age);
		}
	}
	bg_capacity_set_free(set);
	return 0;
}

static int sum_impedance(bg_file_summary *s, bg_csv *r, bg_error *err)
{
	bg_spectrum_set *set;
	size_t i, j;
	int rc;

	if ((rc = bg_spectrum_load_csv(&set, r, s->pack, err)) < 0)
		return rc;
	s->nspectra = set->nspectra;
	for (i = 0; i < set->nspectra; i++) {
		const bg_spectrum *sp = &set->spectra[i];

		mark_module(s, sp->module_id);
		s->rows += sp->n;
		for (j = 0; j < sp->n; j++)
			widen(&s->freq_min_hz, &s->freq_max_hz,
			      sp->freq_hz[j]);
		for (j = 0; j < i; j++)
			if (!strcmp(set->spectra[j].module_id, sp->module_id))
				break;
		s->nmodules += j == i;
	}
	bg_spectrum_set_free(set);
	return 0;
}

static int sum_pulse(bg_file_summary *s, bg_csv *r, bg_error *err)
{
	bg_pulse_set *set;
	size_t i;
	int rc;

	if ((rc = bg_pulse_load_csv(&set, r, s->pack, err)) < 0)
		return rc;
	s->nmodules = set->nseries;
	s->time_col = BG_COL_TEST_TIME;
	for (i = 0; i < set->nseries; i++) {
		const bg_pulse_series *se = &set->series[i];

		mark_module(s, se->module_id);
		s->rows += se->n;
		widen(&s->time_min_s, &s->time_max_s, se->time_s[0]);
		widen(&s->time_min_s, &s->time_max_s, se->time_s[se->n - 1]);
	}
	s->time_first_s = s->time_min_s;
	s->time_last_s = s->time_max_s;
	bg_pulse_set_free(set);
	return 0;
}

/* ---- history.csv, streamed ------------------------------------------ */

struct hist {
	bg_file_summary *s;
	bg_csv *r;
	const bg_colmap *m;
	int tq;                 /* the time quantity used */
	double prev;
	size_t last_module;
};

/* Quantity q of the current row (NAN when the column is absent, or
 * empty and not required); csvin's parser is the exact fast one. */
static int number(const struct hist *h, enum bg_col q, int required,
		  double *v, bg_error *err)
{
	int c = h->m->idx[q], present;

	*v = NAN;
	if (c < 0)
		return 0;
	if (required)
		return bg_csv_double(h->r, (size_t)c, v, err);
	return bg_csv_double_opt(h->r, (size_t)c, v, &present, err);
}

/*
 * 1 when the n bytes at s are a plain decimal, [+-]digits[.digits]
 * with outer blanks: always a finite number, so a column whose value
 * inspect does not need is validated without converting it.  Any other
 * text (exponents, hexadecimal, junk, empty) goes through number() for
 * the verdict and the message.
 */
static int plain_decimal(const char *s, size_t n)
{
	const char *e = s + n;
	int digits = 0, dot = 0;

	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	if (s < e && (*s == '-' || *s == '+'))
		s++;
	for (; s < e; s++) {
		if (*s >= '0' && *s <= '9')
			digits++;
		else if (*s == '.' && !dot)
			dot = 1;
		else
			return 0;
	}
	return digits > 0;
}

/* Check quantity q of the current row is a number (or empty when not
 * required) without keeping its value. */
static int check_number(const struct hist *h, enum bg_col q, int required,
			bg_error *err)
{
	int c = h->m->idx[q];
	double v;

	if (c < 0 || plain_decimal(bg_csv_field(h->r, (size_t)c),
				   bg_csv_field_len(h->r, (size_t)c)))
		return 0;
	return number(h, q, required, &v, err);
}

/*
 * soc_percent within 0..100.  A plain decimal with no minus sign and at
 * most two integer digits is in range by its shape; anything else is
 * converted and compared.
 */
static int check_soc(const struct hist *h, bg_error *err)
{
	int c = h->m->idx[BG_COL_SOC];
	const char *f;
	size_t n, k = 0, ints = 0;
	double v;
	int rc;

	if (c < 0)
		return 0;
	f = bg_csv_field(h->r, (size_t)c);
	n = bg_csv_field_len(h->r, (size_t)c);
	while (k < n && (f[k] == ' ' || f[k] == '\t'))
		k++;
	if (k < n && f[k] == '+')
		k++;
	while (k + ints < n && f[k + ints] >= '0' && f[k + ints] <= '9')
		ints++;
	if (ints && ints <= 2 && plain_decimal(f + k, n - k))
		return 0;
	if ((rc = number(h, BG_COL_SOC, 0, &v, err)) < 0)
		return rc;
	if (v < 0 || v > 100)
		return bg_csv_error(h->r, (size_t)c, err, BG_EDATA,
				    _("soc_percent must be within 0..100, "
				      "not %g"), v);
	return 0;
}

static int row_time(const struct hist *h, double *t, bg_error *err)
{
	int c = h->m->idx[h->tq];
	const char *f;

	if (h->tq != BG_COL_TIMESTAMP)
		return number(h, (enum bg_col)h->tq, 1, t, err);
	f = bg_csv_field(h->r, (size_t)c);
	while (*f == ' ')
		f++;
	if (bg_parse_time(f, t) < 0)
		return bg_csv_error(h->r, (size_t)c, err, BG_EDATA,
				    _("'%s' is not an ISO 8601 date-time"),
				    bg_csv_field(h->r, (size_t)c));
	return 0;
}

static int hist_module(struct hist *h, bg_error *err)
{
	const bg_pack *p = h->s->pack;
	char id[BG_ID_MAX];
	int rc;

	if (!p || h->m->idx[BG_COL_MODULE_ID] < 0)
		return 0;
	/* Logs list modules in turn: try the one after the last first. */
	if (h->last_module < p->nmodules &&
	    !strcmp(bg_csv_field(h->r, (size_t)h->m->idx[BG_COL_MODULE_ID]),
		    p->modules[h->last_module].module_id)) {
		h->s->module_seen[h->last_module] = 1;
		h->last_module = (h->last_module + 1) % p->nmodules;
		return 0;
	}
	if ((rc = bg_ingest_module(h->r, h->m->idx[BG_COL_MODULE_ID], p, id,
				   err)) < 0)
		return rc;
	h->last_module = (size_t)bg_pack_module(p, id)->position;
	h->s->module_seen[h->last_module] = 1;
	h->last_module = (h->last_module + 1) % p->nmodules;
	return 0;
}

static void backward_jump(struct hist *h, double t)
{
	bg_file_summary *s = h->s;

	if (s->backward < BG_INSPECT_JUMPS) {
		s->jump_line[s->backward] = bg_csv_line(h->r);
		s->jump_from_s[s->backward] = h->prev;
		s->jump_to_s[s->backward] = t;
	}
	s->backward++;
}

static int hist_row(struct hist *h, bg_error *err)
{
	bg_file_summary *s = h->s;
	double t;
	int rc;

	if ((rc = row_time(h, &t, err)) < 0 ||
	    (rc = check_number(h, BG_COL_CURRENT, 1, err)) < 0 ||
	    (rc = check_number(h, BG_COL_VOLTAGE, 1, err)) < 0 ||
	    (rc = check_number(h, BG_COL_TEMPERATURE, 0, err)) < 0 ||
	    (rc = check_soc(h, err)) < 0 ||
	    (rc = hist_module(h, err)) < 0)
		return rc;
	if (s->rows && t < h->prev) {
		if (h->tq == BG_COL_TEST_TIME)
			return bg_csv_error(h->r, (size_t)h->m->idx[h->tq],
					    err, BG_EDATA,
					    _("test time goes backwards: %g s "
					      "after %g s"), t, h->prev);
		backward_jump(h, t);
	}
	if (!s->rows)
		s->time_first_s = t;
	s->time_last_s = t;
	widen(&s->time_min_s, &s->time_max_s, t);
	h->prev = t;
	s->rows++;
	return 0;
}

static int sum_history(bg_file_summary *s, bg_csv *r, const bg_colmap *m,
		       bg_error *err)
{
	static const int pref[] = { BG_COL_UNIX_TIME, BG_COL_TIMESTAMP,
				    BG_COL_TEST_TIME };
	struct hist h = { s, r, m, -1, 0, 0 };
	size_t i;
	int rc;

	for (i = 0; i < 3 && h.tq < 0; i++)
		if (m->idx[pref[i]] >= 0)
			h.tq = pref[i];
	if (h.tq < 0)
		return bg_error_set(err, BG_EDATA, bg_csv_name(r),
				    m->header_line, 0,
				    _("missing column 'unix_time_second', "
				      "'timestamp' or 'test_time_second'"));
	if ((rc = bg_colmap_require(m, r, BG_COL_CURRENT, err)) < 0 ||
	    (rc = bg_colmap_require(m, r, BG_COL_VOLTAGE, err)) < 0 ||
	    (rc = bg_colmap_require(m, r, BG_COL_TEMPERATURE, err)) < 0)
		return rc;
	s->time_col = h.tq;
	/* convert the numeric columns as libcsv hands them over, without
	 * copying their text: the checks below then read stored values */
	{
		const int num[] = {
			h.tq == BG_COL_TIMESTAMP ? -1 : m->idx[h.tq],
			m->idx[BG_COL_CURRENT], m->idx[BG_COL_VOLTAGE],
			m->idx[BG_COL_TEMPERATURE], m->idx[BG_COL_SOC],
		};

		if ((rc = bg_csv_set_numeric(r, num, 5, err)) < 0)
			return rc;
	}
	while ((rc = bg_csv_next(r, err)) > 0)
		if ((rc = hist_row(&h, err)) < 0)
			return rc;
	if (rc < 0)
		return rc;
	if (!s->rows)
		return bg_error_set(err, BG_EDATA, bg_csv_name(r), 0, 0,
				    _("no data rows"));
	s->bytes = bg_csv_offset(r);
	return 0;
}

/* ---- dispatch ------------------------------------------------------- */

static int schema_of(bg_file_summary *s, const bg_colmap *m,
		     const bg_csv *r, enum bg_schema want, bg_error *err)
{
	s->schema = want != BG_SCHEMA_UNKNOWN ? want : bg_colmap_schema(m);
	if (s->schema != BG_SCHEMA_UNKNOWN)
		return 0;
	return bg_error_set(err, BG_EDATA, bg_csv_name(r), m->header_line, 0,
			    _("not a capacity, impedance, pulse or history "
			      "file: no known set of columns"));
}

static int inspect(bg_file_summary *s, bg_csv *r, const bg_pack *pack,
		   enum bg_schema want, bg_error *err)
{
	bg_colmap m;
	int rc;

	init_summary(s, pack);
	if (pack && !(s->module_seen = calloc(pack->nmodules + 1, 1))) {
		bg_csv_close(r);
		return bg_error_set(err, BG_ENOMEM, bg_csv_name(r), 0, 0,
				    _("out of memory"));
	}
	if ((rc = bg_colmap_init(&m, r, err)) < 0) {
		bg_csv_close(r);
		return rc;
	}
	list_unknown(s, &m, r);
	if ((rc = schema_of(s, &m, r, want, err)) < 0 ||
	    s->schema == BG_SCHEMA_HISTORY) {
		if (!rc)
			rc = sum_history(s, r, &m, err);
		bg_colmap_release(&m);
		bg_csv_close(r);
		return rc;
	}
	bg_colmap_release(&m);
	s->bytes = 0;
	if (s->schema == BG_SCHEMA_CAPACITY)
		return sum_capacity(s, r, err);
	if (s->schema == BG_SCHEMA_IMPEDANCE)
		return sum_impedance(s, r, err);
	return sum_pulse(s, r, err);
}

int bg_inspect_file(bg_file_summary *out, const char *path,
		    const bg_pack *pack, enum bg_schema want, bg_error *err)
{
	bg_csv *r;
	int rc;

	init_summary(out, pack);
	if ((rc = bg_csv_open(&r, path, NULL, err)) < 0)
		return rc;
	return inspect(out, r, pack, want, err);
}

int bg_inspect_mem(bg_file_summary *out, const char *name, const void *buf,
		   size_t len, const bg_pack *pack, enum bg_schema want,
		   bg_error *err)
{
	bg_csv *r;
	int rc;

	init_summary(out, pack);
	if ((rc = bg_csv_open_mem(&r, name, buf, len, NULL, err)) < 0)
		return rc;
	return inspect(out, r, pack, want, err);
}

void bg_file_summary_release(bg_file_summary *s)
{
	if (!s)
		return;
	free(s->module_seen);
	s->module_seen = NULL;
}
