/*
 * eisfile.c - read stand-alone impedance and pulse CSV files (see
 * eisfile.h) through the strict streaming reader of csvin.h.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "battgrade/csvin.h"
#include "battgrade/eisfile.h"
#include "i18n.h"

static const char *const col_f[] = { "frequency_hertz", "frequency_hz",
				     "freq_hz", "frequency", NULL };
static const char *const col_re[] = { "real_impedance_ohm", "z_real_ohm",
				      "zreal_ohm", NULL };
static const char *const col_im[] = { "imaginary_impedance_ohm",
				      "z_imag_ohm", "zimag_ohm", NULL };
static const char *const col_temp[] = { "temperature_celsius",
					"temperature_c",
					"eis_temperature_c", NULL };
static const char *const col_soc[] = { "soc_percent", "eis_soc_percent",
				       NULL };

/* A growable array of doubles. */
struct vec {
	double *v;
	size_t n, cap;
};

static int vec_push(struct vec *a, double x)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 64;
		double *v = realloc(a->v, cap * sizeof *v);

		if (!v)
			return BG_ENOMEM;
		a->v = v;
		a->cap = cap;
	}
	a->v[a->n++] = x;
	return 0;
}

static int is_number(const char *s)
{
	char *end;

	if (!*s)
		return 0;
	strtod(s, &end);
	return *end == '\0';
}

/* Open path, without a header when its first row is numeric. */
static int open_any(bg_csv **r, const char *path, int *headerless,
		    bg_error *err)
{
	bg_csv_opts o;
	int rc;

	*headerless = 0;
	if ((rc = bg_csv_open(r, path, NULL, err)) < 0)
		return rc;
	if (bg_csv_ncols(*r) == 0 || !is_number(bg_csv_colname(*r, 0)))
		return 0;
	bg_csv_close(*r);
	bg_csv_opts_init(&o);
	o.no_header = 1;
	*headerless = 1;
	return bg_csv_open(r, path, &o, err);
}

/* ---- spectra --------------------------------------------------------- */

struct sp_reader {
	bg_csv *r;
	int cf, cre, cim, ctemp, csoc, cmod, cat;
	int key[16];
	size_t nkey;
	bg_eisfile_spectra *set;
	struct vec f, re, im;
	char cur_key[BG_EISFILE_LABEL_MAX];
	double temp, soc;
	char module[BG_ID_MAX], at[32];
};

static int find_columns(struct sp_reader *s, int headerless, bg_error *err)
{
	size_t i;

	s->ctemp = s->csoc = s->cmod = s->cat = -1;
	s->nkey = 0;
	if (headerless) {
		if (bg_csv_ncols(s->r) != 3)
			return bg_csv_error(s->r, 0, err, BG_EDATA,
					    _("a file without header needs "
					      "three columns: frequency, Re Z, "
					      "Im Z"));
		s->cf = 0;
		s->cre = 1;
		s->cim = 2;
		return 0;
	}
	s->cf = bg_csv_find_any(s->r, col_f);
	s->cre = bg_csv_find_any(s->r, col_re);
	s->cim = bg_csv_find_any(s->r, col_im);
	if (s->cf < 0 || s->cre < 0 || s->cim < 0)
		return bg_error_set(err, BG_EDATA, bg_csv_name(s->r), 1, 1,
				    _("missing column: need frequency_hertz, "
				      "real_impedance_ohm and "
				      "imaginary_impedance_ohm (or "
				      "frequency_Hz, z_real_ohm, "
				      "z_imag_ohm)"));
	s->ctemp = bg_csv_find_any(s->r, col_temp);
	s->csoc = bg_csv_find_any(s->r, col_soc);
	s->cmod = bg_csv_find(s->r, "module_id");
	s->cat = bg_csv_find(s->r, "measured_at");
	for (i = 0; i < bg_csv_ncols(s->r) && s->nkey < 16; i++)
		if ((int)i != s->cf && (int)i != s->cre && (int)i != s->cim)
			s->key[s->nkey++] = (int)i;
	return 0;
}

static void row_key(const struct sp_reader *s, char *buf, size_t len)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < s->nkey && o < len; i++) {
		int n = snprintf(buf + o, len - o, "%s%s=%s", i ? ";" : "",
				 bg_csv_colname(s->r, s->key[i]),
				 bg_csv_field(s->r, s->key[i]));

		if (n < 0)
			break;
		o += (size_t)n;
	}
}

static int flush_spectrum(struct sp_reader *s)
{
	bg_eisfile_spectra *set = s->set;
	bg_spectrum *sp, *a;
	void *l;

	if (s->f.n == 0)
		return 0;
	a = realloc(set->spectra, (set->n + 1) * sizeof *a);
	if (!a)
		return BG_ENOMEM;
	set->spectra = a;
	l = realloc(set->label, (set->n + 1) * sizeof *set->label);
	if (!l)
		return BG_ENOMEM;
	set->label = l;
	sp = &set->spectra[set->n];
	memset(sp, 0, sizeof *sp);
	snprintf(set->label[set->n], BG_EISFILE_LABEL_MAX, "%s", s->cur_key);
	snprintf(sp->module_id, sizeof sp->module_id, "%s", s->module);
	snprintf(sp->measured_at, sizeof sp->measured_at, "%s", s->at);
	sp->temperature_c = s->temp;
	sp->soc_percent = s->soc;
	sp->n = s->f.n;
	sp->freq_hz = s->f.v;
	sp->z_real_ohm = s->re.v;
	sp->z_imag_ohm = s->im.v;
	set->n++;
	memset(&s->f, 0, sizeof s->f);
	memset(&s->re, 0, sizeof s->re);
	memset(&s->im, 0, sizeof s->im);
	return 0;
}

static int seen(const struct vec *f, double x)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (f->v[i] == x)
			return 1;
	return 0;
}

static double opt_col(const bg_csv *r, int c, bg_error *err, int *rc)
{
	double v = NAN;
	int present = 0;

	if (c >= 0 && (*rc = bg_csv_double_opt(r, (size_t)c, &v, &present,
						err)) < 0)
		return NAN;
	return present ? v : NAN;
}

static int read_row(struct sp_reader *s, bg_error *err)
{
	char key[BG_EISFILE_LABEL_MAX];
	double f, re, im;
	int rc = 0;

	if ((rc = bg_csv_double(s->r, s->cf, &f, err)) < 0 ||
	    (rc = bg_csv_double(s->r, s->cre, &re, err)) < 0 ||
	    (rc = bg_csv_double(s->r, s->cim, &im, err)) < 0)
		return rc;
	if (!(f > 0))
		return bg_csv_error(s->r, s->cf, err, BG_EDATA,
				    _("frequency must be positive"));
	row_key(s, key, sizeof key);
	if (strcmp(key, s->cur_key) || seen(&s->f, f)) {
		if ((rc = flush_spectrum(s)) < 0)
			return bg_error_set(err, rc, NULL, 0, 0,
					    _("out of memory"));
		snprintf(s->cur_key, sizeof s->cur_key, "%s", key);
		s->temp = opt_col(s->r, s->ctemp, err, &rc);
		s->soc = opt_col(s->r, s->csoc, err, &rc);
		if (rc < 0)
			return rc;
		snprintf(s->module, sizeof s->module, "%s",
			 s->cmod >= 0 ? bg_csv_field(s->r, s->cmod) : "");
		snprintf(s->at, sizeof s->at, "%s",
			 s->cat >= 0 ? bg_csv_field(s->r, s->cat) : "");
	}
	if (vec_push(&s->f, f) || vec_push(&s->re, re) ||
	    vec_push(&s->im, im))
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
				    _("out of memory"));
	return 0;
}

int bg_eisfile_read_spectra(bg_eisfile_spectra **out, const char *path,
			    bg_error *err)
{
	struct sp_reader s;
	int rc, headerless;

	*out = NULL;
	memset(&s, 0, sizeof s);
	s.set = calloc(1, sizeof *s.set);
	if (!s.set)
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
				    _("out of memory"));
	s.cur_key[0] = '\x01';  /* no row seen yet */
	if ((rc = open_any(&s.r, path, &headerless, err)) < 0)
		goto out;
	if ((rc = find_columns(&s, headerless, err)) < 0)
		goto out;
	while ((rc = bg_csv_next(s.r, err)) > 0)
		if ((rc = read_row(&s, err)) < 0)
			goto out;
	if (rc == 0 && (rc = flush_spectrum(&s)) < 0)
		bg_error_set(err, rc, NULL, 0, 0, _("out of memory"));
	if (rc == 0 && s.set->n == 0)
		rc = bg_error_set(err, BG_EDATA, path, 0, 0,
				  _("no impedance data"));
	if (rc == 0 && s.set->n == 1)
		s.set->label[0][0] = '\0';
out:
	bg_csv_close(s.r);
	free(s.f.v);
	free(s.re.v);
	free(s.im.v);
	if (rc < 0)
		bg_eisfile_spectra_free(s.set);
	else
		*out = s.set;
	return rc < 0 ? rc : 0;
}

void bg_eisfile_spectra_free(bg_eisfile_spectra *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++) {
		free(s->spectra[i].freq_hz);
		free(s->spectra[i].z_real_ohm);
		free(s->spectra[i].z_imag_ohm);
	}
	free(s->spectra);
	free(s->label);
	free(s);
}

/* ---- pulses ---------------------------------------------------------- */

static const char *const col_t[] = { "test_time_second", "test_time_s",
				     "time_s", "time_second", NULL };
static const char *const col_i[] = { "current_ampere", "current_a", NULL };
static const char *const col_u[] = { "voltage_volt", "voltage_v", NULL };

static int pulse_flush(bg_eisfile_pulses *p, const char *module,
		       struct vec *t, struct vec *i, struct vec *u)
{
	bg_pulse_series *a, *s;

	if (t->n == 0)
		return 0;
	a = realloc(p->series, (p->n + 1) * sizeof *a);
	if (!a)
		return BG_ENOMEM;
	p->series = a;
	s = &p->series[p->n++];
	snprintf(s->module_id, sizeof s->module_id, "%s", module);
	s->n = t->n;
	s->time_s = t->v;
	s->current_a = i->v;
	s->voltage_v = u->v;
	memset(t, 0, sizeof *t);
	memset(i, 0, sizeof *i);
	memset(u, 0, sizeof *u);
	return 0;
}

static int pulse_rows(bg_csv *r, bg_eisfile_pulses *p, bg_error *err)
{
	int ct = bg_csv_find_any(r, col_t), ci = bg_csv_find_any(r, col_i);
	int cu = bg_csv_find_any(r, col_u), cm = bg_csv_find(r, "module_id");
	struct vec t = { 0 }, i = { 0 }, u = { 0 };
	char module[BG_ID_MAX] = "";
	double x[3];
	int rc;

	if (ct < 0 || ci < 0 || cu < 0)
		return bg_error_set(err, BG_EDATA, bg_csv_name(r), 1, 1,
				    _("missing column: need "
				      "test_time_second, current_ampere and "
				      "voltage_volt"));
	while ((rc = bg_csv_next(r, err)) > 0) {
		const char *m = cm >= 0 ? bg_csv_field(r, cm) : "";

		if ((rc = bg_csv_double(r, ct, &x[0], err)) < 0 ||
		    (rc = bg_csv_double(r, ci, &x[1], err)) < 0 ||
		    (rc = bg_csv_double(r, cu, &x[2], err)) < 0)
			break;
		if (strcmp(m, module) && t.n) {
			if ((rc = pulse_flush(p, module, &t, &i, &u)) < 0)
				break;
		}
		snprintf(module, sizeof module, "%s", m);
		if (t.n && x[0] < t.v[t.n - 1]) {
			rc = bg_csv_error(r, ct, err, BG_EDATA,
					  _("time goes backwards"));
			break;
		}
		if ((rc = vec_push(&t, x[0])) < 0 ||
		    (rc = vec_push(&i, x[1])) < 0 ||
		    (rc = vec_push(&u, x[2])) < 0)
			break;
	}
	if (rc == 0)
		rc = pulse_flush(p, module, &t, &i, &u);
	if (rc == BG_ENOMEM)
		bg_error_set(err, rc, NULL, 0, 0, _("out of memory"));
	free(t.v);
	free(i.v);
	free(u.v);
	return rc;
}

int bg_eisfile_read_pulses(bg_eisfile_pulses **out, const char *path,
			   bg_error *err)
{
	bg_eisfile_pulses *p;
	bg_csv *r;
	int rc;

	*out = NULL;
	if ((rc = bg_csv_open(&r, path, NULL, err)) < 0)
		return rc;
	p = calloc(1, sizeof *p);
	if (!p) {
		bg_csv_close(r);
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
				    _("out of memory"));
	}
	rc = pulse_rows(r, p, err);
	bg_csv_close(r);
	if (rc == 0 && p->n == 0)
		rc = bg_error_set(err, BG_EDATA, path, 0, 0,
				  _("no pulse data"));
	if (rc < 0) {
		bg_eisfile_pulses_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

void bg_eisfile_pulses_free(bg_eisfile_pulses *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n; i++) {
		free(p->series[i].time_s);
		free(p->series[i].current_a);
		free(p->series[i].voltage_v);
	}
	free(p->series);
	free(p);
}
