/*
 * eisin.c - where the impedance commands read their data from.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>
#include <math.h>

#include "battgrade/chemistry.h"
#include "battgrade/csvin.h"
#include "battgrade/formats.h"
#include "battgrade/pack.h"
#include "cmd.h"
#include "eisin.h"

static int is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static double *dup_array(const double *a, size_t n)
{
	double *d = malloc(n * sizeof *d + 1);

	if (d)
		memcpy(d, a, n * sizeof *d);
	return d;
}

/* Copy the spectra of a pack into the commands' own form. */
static int from_pack_spectra(bg_eisfile_spectra **out,
			     const bg_spectrum_set *ps, bg_error *err)
{
	bg_eisfile_spectra *s = calloc(1, sizeof *s);
	size_t i;

	if (!s || !(s->spectra = calloc(ps->nspectra + 1, sizeof *s->spectra))
	    || !(s->label = calloc(ps->nspectra + 1, sizeof *s->label)))
		goto oom;
	for (i = 0; i < ps->nspectra; i++) {
		const bg_spectrum *p = &ps->spectra[i];
		bg_spectrum *q = &s->spectra[i];

		*q = *p;
		q->freq_hz = dup_array(p->freq_hz, p->n);
		q->z_real_ohm = dup_array(p->z_real_ohm, p->n);
		q->z_imag_ohm = dup_array(p->z_imag_ohm, p->n);
		s->n++;
		if (!q->freq_hz || !q->z_real_ohm || !q->z_imag_ohm)
			goto oom;
		snprintf(s->label[i], sizeof s->label[i], "%s",
			 p->measured_at);
	}
	*out = s;
	return 0;
oom:
	bg_eisfile_spectra_free(s);
	return bg_error_set(err, BG_ENOMEM, NULL, 0, 0, _("out of memory"));
}

static int from_pack_pulses(bg_eisfile_pulses **out, const bg_pulse_set *ps,
			    bg_error *err)
{
	bg_eisfile_pulses *p = calloc(1, sizeof *p);
	size_t i;

	if (!p || !(p->series = calloc(ps->nseries + 1, sizeof *p->series)))
		goto oom;
	for (i = 0; i < ps->nseries; i++) {
		const bg_pulse_series *a = &ps->series[i];
		bg_pulse_series *b = &p->series[i];

		*b = *a;
		b->time_s = dup_array(a->time_s, a->n);
		b->current_a = dup_array(a->current_a, a->n);
		b->voltage_v = dup_array(a->voltage_v, a->n);
		p->n++;
		if (!b->time_s || !b->current_a || !b->voltage_v)
			goto oom;
	}
	*out = p;
	return 0;
oom:
	bg_eisfile_pulses_free(p);
	return bg_error_set(err, BG_ENOMEM, NULL, 0, 0, _("out of memory"));
}

/*
 * Lower voltage limit of each series' module: cells in series times the
 * chemistry's minimum cell voltage (models/chemistry, with the
 * manifest's "limits" on top); NAN where unknown.
 */
static void module_vmin(const bg_pack *pack, const bg_eisfile_pulses *p,
			double *vmin)
{
	const cJSON *limits;
	bg_chem_limits lim;
	size_t i;

	for (i = 0; i < p->n; i++)
		vmin[i] = NAN;
	if (bg_chem_limits_load(&lim, pack->chemistry, NULL) < 0)
		return;
	limits = cJSON_GetObjectItemCaseSensitive(pack->json, "limits");
	if (limits && bg_chem_limits_apply(&lim, limits, "pack.json",
					   NULL) < 0)
		return;
	for (i = 0; i < p->n; i++) {
		const bg_module_info *m =
			bg_pack_module(pack, p->series[i].module_id);

		if (m && m->cells_series > 0)
			vmin[i] = m->cells_series * lim.min_cell_voltage_volt;
	}
}

/*
 * A pack directory goes through the pack loaders (manifest checked,
 * module ids validated); which == 0 for impedance.csv, 1 for pulse.csv.
 */
static int load_pack(void **out, const char *dir, int which, double **vmin,
		     bg_error *err)
{
	const char *name = which ? "pulse.csv" : "impedance.csv";
	bg_spectrum_set *ss = NULL;
	bg_pulse_set *ps = NULL;
	bg_pack *pack;
	char path[4096];
	int rc;

	if ((rc = bg_pack_load(&pack, dir, err)) < 0)
		return rc;
	rc = bg_pack_path(pack, name, path, sizeof path);
	if (rc == 0)
		rc = bg_error_set(err, BG_ENOENT, dir, 0, 0,
				  _("pack has no %s"), name);
	else if (rc < 0)
		rc = bg_error_set(err, rc, dir, 0, 0, _("path too long"));
	else if (which == 0 &&
		 (rc = bg_spectrum_load(&ss, path, pack, err)) == 0)
		rc = from_pack_spectra((bg_eisfile_spectra **)out, ss, err);
	else if (which == 1 &&
		 (rc = bg_pulse_load(&ps, path, pack, err)) == 0 &&
		 (rc = from_pack_pulses((bg_eisfile_pulses **)out, ps, err)) ==
		 0 && vmin) {
		const bg_eisfile_pulses *p = *out;

		*vmin = malloc((p->n + 1) * sizeof **vmin);
		if (*vmin)
			module_vmin(pack, p, *vmin);
	}
	if (ss)
		bg_spectrum_set_free(ss);
	if (ps)
		bg_pulse_set_free(ps);
	bg_pack_free(pack);
	return rc < 0 ? rc : 0;
}

/*
 * An impedance analyser's export (Gamry, BioLogic, ZPlot, ...), found by
 * its content: 1 when path is not one (it is then read as a CSV of the
 * pack format or the shared real-data layout), 0 with *out, or < 0.
 */
static int from_instrument(bg_eisfile_spectra **out, const char *path,
			   bg_error *err)
{
	bg_formats_notes notes = { "", 0 };
	bg_spectrum_set *set = NULL;
	bg_eisfile_spectra *s;
	bg_format f;
	int rc;

	if (bg_formats_detect(&f, path, NULL) < 0 || f == BG_FORMAT_PLAIN ||
	    bg_format_kind(f) != BG_FORMAT_SPECTRUM)
		return 1;
	if ((rc = bg_formats_load_spectra(&set, path, f, &notes, err)) < 0)
		return rc;
	if (cmd_verbose)
		fprintf(stderr, _("%s: read as %s\n%s"), path,
			bg_format_label(f), notes.text);
	s = calloc(1, sizeof(*s));
	if (!s || !(s->label = calloc(set->nspectra ? set->nspectra : 1,
				      sizeof(*s->label)))) {
		free(s);
		bg_formats_spectra_free(set);
		return bg_error_set(err, BG_ENOMEM, path, 0, 0, "oom");
	}
	s->n = set->nspectra;
	s->spectra = set->spectra; /* arrays move to the command's set */
	free(set);
	*out = s;
	return 0;
}

int eisin_spectra(bg_eisfile_spectra **out, const char *path,
		  const char *module, bg_error *err)
{
	bg_eisfile_spectra *s;
	size_t i, k = 0;
	int rc;

	if (is_dir(path))
		rc = load_pack((void **)&s, path, 0, NULL, err);
	else if ((rc = from_instrument(&s, path, err)) == 1)
		rc = bg_eisfile_read_spectra(&s, path, err);
	if (rc < 0)
		return rc;
	for (i = 0; module && i < s->n; i++) {
		if (strcmp(s->spectra[i].module_id, module)) {
			free(s->spectra[i].freq_hz);
			free(s->spectra[i].z_real_ohm);
			free(s->spectra[i].z_imag_ohm);
			continue;
		}
		s->spectra[k] = s->spectra[i];
		memcpy(s->label[k], s->label[i], sizeof s->label[k]);
		k++;
	}
	if (module)
		s->n = k;
	if (s->n == 0) {
		bg_eisfile_spectra_free(s);
		return bg_error_set(err, BG_EDATA, path, 0, 0,
				    _("no spectrum of module '%s'"),
				    module ? module : "");
	}
	*out = s;
	return 0;
}

/* Append one row to the series (arrays grown by doubling). */
static int series_push(bg_pulse_series *s, size_t *cap, const bg_bdf_row *r)
{
	if (s->n == *cap) {
		size_t n = *cap ? 2 * *cap : 1024;
		double *t = realloc(s->time_s, n * sizeof *t);
		if (t)
			s->time_s = t;
		double *i = t ? realloc(s->current_a, n * sizeof *i) : NULL;
		if (i)
			s->current_a = i;
		double *v = i ? realloc(s->voltage_v, n * sizeof *v) : NULL;
		if (!v)
			return -1;
		s->voltage_v = v;
		*cap = n;
	}
	s->time_s[s->n] = r->time_s;
	s->current_a[s->n] = r->current_a;
	s->voltage_v[s->n++] = r->voltage_v;
	return 0;
}

static int read_series(bg_eisfile_pulses *p, bg_bdf *b, const char *path,
		       bg_error *err)
{
	bg_bdf_row row;
	size_t cap = 0;
	int rc;

	if (bg_bdf_unix_time(b))
		return bg_error_set(err, BG_EDATA, path, 1, 0,
				    _("a pulse test needs test time "
				      "(test_time_second), not wall-clock "
				      "time"));
	while ((rc = bg_bdf_next(b, &row, err)) > 0)
		if (series_push(&p->series[0], &cap, &row) < 0)
			return bg_error_set(err, BG_ENOMEM, path, 0, 0, "oom");
	return rc;
}

/* Does the pulse CSV reader (eisfile.h) read the file as it is: its
 * column names, or a module_id column? */
static int pulse_native(const char *path)
{
	static const char *const t[] = { "test_time_second", "time_s", NULL };
	static const char *const i[] = { "current_ampere", "current_A", NULL };
	static const char *const v[] = { "voltage_volt", "voltage_V", NULL };
	bg_csv *r;
	int yes;

	if (bg_csv_open(&r, path, NULL, NULL) < 0)
		return 1;
	yes = bg_csv_find(r, "module_id") >= 0 ||
	      (bg_csv_find_any(r, t) >= 0 && bg_csv_find_any(r, i) >= 0 &&
	       bg_csv_find_any(r, v) >= 0);
	bg_csv_close(r);
	return yes;
}

/*
 * A cycler or BDF time series (Arbin, Maccor, BDF: found by content,
 * or fmt) as one pulse series of module "": 1 when path is not one (it
 * is then read as a pulse CSV), 0 with *out, or < 0.  A BDF file the
 * pulse CSV reader reads as it is (pulse.csv) goes to that reader.
 */
static int from_series(bg_eisfile_pulses **out, const char *path,
		       bg_format fmt, bg_error *err)
{
	bg_formats_notes notes = { "", 0 };
	bg_eisfile_pulses *p;
	bg_format f = fmt;
	bg_bdf *b;
	int rc;

	if (f == BG_FORMAT_UNKNOWN && bg_formats_detect(&f, path, NULL) < 0)
		return 1;
	if (bg_format_kind(f) != BG_FORMAT_TIMESERIES ||
	    (fmt == BG_FORMAT_UNKNOWN && f == BG_FORMAT_BDF &&
	     pulse_native(path)))
		return 1;
	if ((rc = bg_bdf_open_as(&b, path, NULL, 0, fmt, &notes, err)) < 0)
		return rc;
	p = calloc(1, sizeof *p);
	if (!p || !(p->series = calloc(1, sizeof *p->series))) {
		free(p);
		bg_bdf_close(b);
		return bg_error_set(err, BG_ENOMEM, path, 0, 0, "oom");
	}
	p->n = 1;
	rc = read_series(p, b, path, err);
	if (rc == 0 && p->series[0].n == 0)
		rc = bg_error_set(err, BG_EDATA, path, 0, 0, _("no rows"));
	bg_bdf_close(b);
	if (cmd_verbose && notes.len)
		fputs(notes.text, stderr);
	if (rc < 0) {
		bg_eisfile_pulses_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

int eisin_pulses(bg_eisfile_pulses **out, double **vmin, const char *path,
		 const char *module, bg_error *err)
{
	return eisin_pulses_as(out, vmin, path, module, BG_FORMAT_UNKNOWN,
			       err);
}

int eisin_pulses_as(bg_eisfile_pulses **out, double **vmin,
		    const char *path, const char *module, bg_format fmt,
		    bg_error *err)
{
	bg_eisfile_pulses *p;
	size_t i, k = 0;
	int rc;

	*vmin = NULL;
	if (is_dir(path))
		rc = load_pack((void **)&p, path, 1, vmin, err);
	else if ((rc = from_series(&p, path, fmt, err)) == 1)
		rc = bg_eisfile_read_pulses(&p, path, err);
	if (rc < 0)
		return rc;
	for (i = 0; module && i < p->n; i++) {
		if (strcmp(p->series[i].module_id, module)) {
			free(p->series[i].time_s);
			free(p->series[i].current_a);
			free(p->series[i].voltage_v);
			continue;
		}
		if (*vmin)
			(*vmin)[k] = (*vmin)[i];
		p->series[k++] = p->series[i];
	}
	if (module)
		p->n = k;
	if (p->n == 0) {
		free(*vmin);
		*vmin = NULL;
		bg_eisfile_pulses_free(p);
		return bg_error_set(err, BG_EDATA, path, 0, 0,
				    _("no pulse series of module '%s'"),
				    module ? module : "");
	}
	*out = p;
	return 0;
}

const char *eisin_name(const bg_eisfile_spectra *s, size_t i)
{
	if (s->spectra[i].module_id[0])
		return s->spectra[i].module_id;
	return s->label[i][0] ? s->label[i] : "-";
}

int eisin_list(const char *opt, const char *arg, double *out, size_t max,
	       size_t *n)
{
	const char *p = arg;
	char *end;

	*n = 0;
	for (;;) {
		double v;

		errno = 0;
		v = strtod(p, &end);
		if (end == p || errno || !(v > 0) || *n >= max ||
		    (*end != ',' && *end != '\0')) {
			cmd_warn(_("option '--%s': '%s' is not a list of at "
				   "most %zu positive numbers"), opt, arg,
				 max);
			return -1;
		}
		out[(*n)++] = v;
		if (*end == '\0')
			return 0;
		p = end + 1;
	}
}
