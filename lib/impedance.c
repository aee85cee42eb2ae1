/*
 * impedance.c - impedance.csv: electrochemical impedance spectra (pack
 * data format v1, battgrade-pack(5)).
 *
 * One row is one frequency of one spectrum: module_id,
 * frequency_hertz, real_impedance_ohm, imaginary_impedance_ohm (BDF
 * names; negative imaginary part = capacitive), optionally the
 * temperature, soc_percent and measured_at of the spectrum.  Rows are
 * grouped into spectra by module and measured_at.  A frequency must be
 * positive and appear once per spectrum: the equivalent-circuit fits
 * and the Kramers-Kronig test treat the points as a function of
 * frequency.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "battgrade/pack.h"
#include "i18n.h"
#include "ingest-int.h"

/* Where each point came from, to locate a repeated frequency. */
struct pos {
	unsigned long line, col;
};

struct origin {
	size_t cap;
	struct pos *at;
};

struct loader {
	bg_csv *r;
	bg_colmap m;
	const bg_pack *pack;
	bg_spectrum_set *set;
	struct origin *orig;
	size_t cap_spectra, cap_orig, norig, last;
};

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

/* measured_at of the current row into buf (32 bytes), "" if absent. */
static int measured_at(const struct loader *l, char *buf, bg_error *err)
{
	int col = l->m.idx[BG_COL_MEASURED_AT];
	const char *s;
	size_t n;
	double t;

	buf[0] = '\0';
	if (col < 0)
		return 0;
	s = bg_csv_field(l->r, (size_t)col);
	while (*s == ' ')
		s++;
	n = strlen(s);
	while (n && s[n - 1] == ' ')
		n--;
	if (n >= 32)
		return bg_csv_error(l->r, (size_t)col, err, BG_EDATA,
				    _("measured_at longer than 31 bytes"));
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (n && bg_parse_time(buf, &t) < 0)
		return bg_csv_error(l->r, (size_t)col, err, BG_EDATA,
				    _("'%s' is not an ISO 8601 date-time"),
				    buf);
	return 0;
}

static int find_spectrum(struct loader *l, const char *id, const char *at,
			 bg_spectrum **out, bg_error *err)
{
	bg_spectrum_set *s = l->set;
	bg_spectrum *sp = NULL;
	size_t i;

	for (i = 0; i < s->nspectra; i++) {
		size_t k = (l->last + i) % s->nspectra;

		sp = &s->spectra[k];
		if (!strcmp(sp->module_id, id) &&
		    !strcmp(sp->measured_at, at)) {
			l->last = k;
			*out = sp;
			return 0;
		}
	}
	if (s->nspectra >= BG_MAX_SERIES)
		return bg_csv_error(l->r, 0, err, BG_EDATA,
				    _("more than %d spectra in one file"),
				    BG_MAX_SERIES);
	if (bg_ingest_grow(&s->spectra, &l->cap_spectra, s->nspectra + 1,
			   sizeof(*s->spectra)) < 0 ||
	    bg_ingest_grow(&l->orig, &l->cap_orig, s->nspectra + 1,
			   sizeof(*l->orig)) < 0)
		return bg_error_set(err, BG_ENOMEM, bg_csv_name(l->r), 0, 0,
				    _("out of memory"));
	sp = &s->spectra[s->nspectra];
	memset(sp, 0, sizeof(*sp));
	memset(&l->orig[s->nspectra], 0, sizeof(*l->orig));
	l->norig = s->nspectra + 1;
	memcpy(sp->module_id, id, strlen(id) + 1);
	memcpy(sp->measured_at, at, strlen(at) + 1);
	sp->temperature_c = NAN;
	sp->soc_percent = NAN;
	l->last = s->nspectra++;
	*out = sp;
	return 0;
}

static int append(struct loader *l, bg_spectrum *sp, double f, double re,
		  double im)
{
	struct origin *o = &l->orig[sp - l->set->spectra];
	size_t cap = o->cap, n = sp->n + 1;

	if (bg_ingest_grow(&sp->freq_hz, &cap, n, sizeof(double)) < 0 ||
	    (cap = o->cap, bg_ingest_grow(&sp->z_real_ohm, &cap, n,
					  sizeof(double))) < 0 ||
	    (cap = o->cap, bg_ingest_grow(&sp->z_imag_ohm, &cap, n,
					  sizeof(double))) < 0 ||
	    (cap = o->cap, bg_ingest_grow(&o->at, &cap, n,
					  sizeof(*o->at))) < 0)
		return BG_ENOMEM;
	o->cap = cap;
	o->at[sp->n].line = bg_csv_line(l->r);
	o->at[sp->n].col = bg_csv_column(l->r,
				(size_t)l->m.idx[BG_COL_FREQUENCY]);
	sp->freq_hz[sp->n] = f;
	sp->z_real_ohm[sp->n] = re;
	sp->z_imag_ohm[sp->n] = im;
	sp->n = n;
	return 0;
}

static int add_row(struct loader *l, bg_error *err)
{
	char id[BG_ID_MAX], at[32];
	double f, re, im, temp, soc;
	bg_spectrum *sp = NULL;
	int fc = l->m.idx[BG_COL_FREQUENCY], rc;

	if ((rc = bg_ingest_module(l->r, l->m.idx[BG_COL_MODULE_ID], l->pack,
				   id, err)) < 0 ||
	    (rc = measured_at(l, at, err)) < 0 ||
	    (rc = bg_csv_double(l->r, (size_t)fc, &f, err)) < 0 ||
	    (rc = bg_csv_double(l->r, (size_t)l->m.idx[BG_COL_Z_REAL], &re,
				err)) < 0 ||
	    (rc = bg_csv_double(l->r, (size_t)l->m.idx[BG_COL_Z_IMAG], &im,
				err)) < 0 ||
	    (rc = opt_value(l, BG_COL_TEMPERATURE, &temp, err)) < 0 ||
	    (rc = opt_value(l, BG_COL_SOC, &soc, err)) < 0)
		return rc;
	if (!(f > 0))
		return bg_csv_error(l->r, (size_t)fc, err, BG_EDATA,
				    _("frequency must be positive, not %g"),
				    f);
	if (soc < 0 || soc > 100)
		return bg_csv_error(l->r, (size_t)l->m.idx[BG_COL_SOC], err,
				    BG_EDATA,
				    _("soc_percent must be within 0..100, "
				      "not %g"), soc);
	if ((rc = find_spectrum(l, id, at, &sp, err)) < 0)
		return rc;
	if (append(l, sp, f, re, im) < 0)
		return bg_error_set(err, BG_ENOMEM, bg_csv_name(l->r), 0, 0,
				    _("out of memory"));
	if (isnan(sp->temperature_c))
		sp->temperature_c = temp;
	if (isnan(sp->soc_percent))
		sp->soc_percent = soc;
	return 0;
}

struct fpoint {
	double f;
	unsigned long line, col;
};

static int by_freq_line(const void *a, const void *b)
{
	const struct fpoint *x = a, *y = b;

	if (x->f != y->f)
		return x->f < y->f ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

/* A repeated frequency is reported at the earliest line that repeats
 * one seen before, whatever order the file is in. */
static int check_repeats(const struct loader *l, size_t k, bg_error *err)
{
	const bg_spectrum *sp = &l->set->spectra[k];
	struct fpoint *p = malloc((sp->n ? sp->n : 1) * sizeof(*p));
	unsigned long worst = 0, col = 0;
	double f = 0;
	size_t i;

	if (!p)
		return bg_error_set(err, BG_ENOMEM, bg_csv_name(l->r), 0, 0,
				    _("out of memory"));
	for (i = 0; i < sp->n; i++) {
		p[i].f = sp->freq_hz[i];
		p[i].line = l->orig[k].at[i].line;
		p[i].col = l->orig[k].at[i].col;
	}
	qsort(p, sp->n, sizeof(*p), by_freq_line);
	for (i = 1; i < sp->n; i++)
		if (p[i].f == p[i - 1].f && (!worst || p[i].line < worst)) {
			worst = p[i].line;
			col = p[i].col;
			f = p[i].f;
		}
	free(p);
	if (!worst)
		return 0;
	return bg_error_set(err, BG_EDATA, bg_csv_name(l->r), worst, col,
			    _("frequency %g Hz repeated in the spectrum of "
			      "module '%s'"), f, sp->module_id);
}

static int setup(struct loader *l, bg_error *err)
{
	int rc;

	if ((rc = bg_colmap_init(&l->m, l->r, err)) < 0)
		return rc;
	if ((rc = bg_colmap_require(&l->m, l->r, BG_COL_FREQUENCY, err)) ||
	    (rc = bg_colmap_require(&l->m, l->r, BG_COL_Z_REAL, err)) ||
	    (rc = bg_colmap_require(&l->m, l->r, BG_COL_Z_IMAG, err)) ||
	    (rc = bg_ingest_need_module(&l->m, l->r, l->pack, err)))
		return rc;
	if (!(l->set = calloc(1, sizeof(*l->set))))
		return bg_error_set(err, BG_ENOMEM, bg_csv_name(l->r), 0, 0,
				    _("out of memory"));
	return 0;
}

static int finish(struct loader *l, bg_error *err)
{
	size_t i;
	int rc;

	if (!l->set->nspectra)
		return bg_error_set(err, BG_EDATA, bg_csv_name(l->r), 0, 0,
				    _("no data rows"));
	for (i = 0; i < l->set->nspectra; i++)
		if ((rc = check_repeats(l, i, err)) < 0)
			return rc;
	return 0;
}

int bg_spectrum_load_csv(bg_spectrum_set **out, bg_csv *r,
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
	if (rc < 0 || (rc = finish(&l, err)) < 0)
		goto done;
	*out = l.set;
	l.set = NULL;
done:
	for (i = 0; i < l.norig; i++)
		free(l.orig[i].at);
	free(l.orig);
	bg_spectrum_set_free(l.set);
	bg_colmap_release(&l.m);
	bg_csv_close(r);
	return rc < 0 ? rc : 0;
}

int bg_spectrum_load(bg_spectrum_set **out, const char *path,
		     const bg_pack *pack, bg_error *err)
{
	bg_csv *r;
	int rc;

	*out = NULL;
	if ((rc = bg_csv_open(&r, path, NULL, err)) < 0)
		return rc;
	return bg_spectrum_load_csv(out, r, pack, err);
}

int bg_spectrum_load_mem(bg_spectrum_set **out, const char *name,
			 const void *buf, size_t len, const bg_pack *pack,
			 bg_error *err)
{
	bg_csv *r;
	int rc;

	*out = NULL;
	if ((rc = bg_csv_open_mem(&r, name, buf, len, NULL, err)) < 0)
		return rc;
	return bg_spectrum_load_csv(out, r, pack, err);
}

void bg_spectrum_set_free(bg_spectrum_set *set)
{
	size_t i;

	if (!set)
		return;
	for (i = 0; i < set->nspectra; i++) {
		free(set->spectra[i].freq_hz);
		free(set->spectra[i].z_real_ohm);
		free(set->spectra[i].z_imag_ohm);
	}
	free(set->spectra);
	free(set);
}
