/*
 * cmd-convert.c - "battgrade convert": instrument and cycler files into
 * a pack directory (or CSV on stdout), the format found by content.
 *
 * Spectra (impedance analyser exports) become impedance.csv rows of one
 * module; cycler time series (BDF, Arbin, Maccor) become history.csv
 * and, into a pack with --module, capacity.csv (one capacity check per
 * cycle that discharged), or only one of them (--as history, --as
 * capacity), or pulse.csv (--as pulse).  A pack is extended, never silently changed: rows of a module
 * that is already there must be the same numbers, else nothing is
 * written and the command fails.  Every file is written to a temporary
 * file in the pack directory and renamed into place.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "battgrade/csvin.h"
#include "battgrade/formats.h"
#include "battgrade/models.h"
#include "cmd.h"

static const char usage[] =
	"battgrade convert [--detect] [--verbose] [--as WHAT] "
	"[--format NAME] [--module ID] [--to csv|pack] FILE... [DIR]";

enum { OPT_AS = 256, OPT_FORMAT, OPT_TO, OPT_DETECT, OPT_VERBOSE = 'v',
       OPT_MODULE = 'm' };

static const struct bg_opt opts[] = {
	{ OPT_DETECT, "detect", 0, NULL,
	  N_("print each file's format and exit") },
	{ OPT_VERBOSE, "verbose", 'v', NULL,
	  N_("report the format, unit conversions and quirks met") },
	{ OPT_AS, "as", 0, "WHAT",
	  N_("what cycler time series become: history, capacity or pulse "
	     "(default history, and capacity too into a pack with "
	     "--module)") },
	{ OPT_FORMAT, "format", 0, "NAME",
	  N_("read the files as format NAME instead of detecting it") },
	{ OPT_MODULE, "module", 'm', "ID",
	  N_("module the data belong to (needed for spectra and pulses)") },
	{ OPT_TO, "to", 0, "csv|pack",
	  N_("write CSV to stdout, or into the pack directory DIR") },
	BG_OPT_END
};

enum { AS_AUTO, AS_HISTORY, AS_CAPACITY, AS_PULSE };

struct conv {
	int detect, verbose, as, to_pack;
	bg_format fmt;
	const char *module, *dir;
	int made_manifest;
};

/* A table of new rows for one module: k named columns of numbers. */
struct rows {
	const char *file;          /* "impedance.csv", "pulse.csv" */
	size_t k, n;
	const char *const *names;
	double *v;                 /* n x k */
};

static void print_notes(const struct conv *c, const bg_formats_notes *n)
{
	if ((c->verbose || cmd_verbose) && n->len)
		fputs(n->text, stderr);
}

/* ---- CSV output ------------------------------------------------------ */

/* The shortest of %.15g, %.16g and %.17g that reads back as the same
 * double: no digit of the instrument's number is lost, none invented. */
static const char *fmt_num(char *buf, size_t len, double v)
{
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, len, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	return buf;
}

static void put_num(FILE *f, double v)
{
	char buf[40];

	fputs(fmt_num(buf, sizeof buf, v), f);
}

static void write_rows(FILE *f, const struct rows *r, const char *module,
		       int header)
{
	if (header) {
		if (module)
			fputs("module_id,", f);
		for (size_t j = 0; j < r->k; j++)
			fprintf(f, "%s%s", r->names[j], j + 1 < r->k ? "," : "\n");
	}
	for (size_t i = 0; i < r->n; i++) {
		if (module) {
			bg_csv_write_field(f, module);
			fputc(',', f);
		}
		for (size_t j = 0; j < r->k; j++) {
			put_num(f, r->v[i * r->k + j]);
			fputc(j + 1 < r->k ? ',' : '\n', f);
		}
	}
}

/* ---- atomic files ---------------------------------------------------- */

struct tmpfile {
	char tmp[4096], path[4096];
	FILE *f;
};

static int tmp_open(struct tmpfile *t, const char *dir, const char *name,
		    bg_error *err)
{
	int fd;

	snprintf(t->path, sizeof t->path, "%s/%s", dir, name);
	snprintf(t->tmp, sizeof t->tmp, "%s/.%s.XXXXXX", dir, name);
	if ((fd = mkstemp(t->tmp)) < 0 || !(t->f = fdopen(fd, "w"))) {
		if (fd >= 0)
			close(fd);
		return bg_error_set(err, BG_ECANTCREAT, t->tmp, 0, 0,
				    _("cannot create: %s"), strerror(errno));
	}
	fchmod(fd, 0644);
	return 0;
}

static void tmp_discard(struct tmpfile *t)
{
	if (t->f)
		fclose(t->f);
	t->f = NULL;
	unlink(t->tmp);
}

static int tmp_commit(struct tmpfile *t, bg_error *err)
{
	int bad = fflush(t->f) != 0 || ferror(t->f);

	bad |= fclose(t->f) != 0;
	t->f = NULL;
	if (bad || rename(t->tmp, t->path) != 0) {
		int e = errno;
		unlink(t->tmp);
		return bg_error_set(err, BG_EIO, t->path, 0, 0,
				    _("cannot write: %s"), strerror(e));
	}
	return 0;
}

/* Copy file at path to f, ending with a newline. */
static int copy_into(FILE *f, const char *path, bg_error *err)
{
	char *buf;
	size_t len;
	int rc;

	if ((rc = bg_read_file(&buf, &len, path, (size_t)1 << 30, err)) < 0)
		return rc;
	fwrite(buf, 1, len, f);
	if (len && buf[len - 1] != '\n')
		fputc('\n', f);
	free(buf);
	return 0;
}

/* ---- extending pack files -------------------------------------------- */

static int same_num(double a, double b)
{
	return fabs(a - b) <= 1e-9 * fmax(fabs(a), fabs(b));
}

/* Column indices of r's columns in an existing file. */
static int find_cols(bg_csv *in, const struct rows *r, int *cols, int *mcol,
		     const char *path, bg_error *err)
{
	*mcol = bg_csv_find(in, "module_id");
	if (*mcol < 0)
		return bg_error_set(err, BG_EEXIST, path, 1, 0,
				    _("has no module_id column; battgrade "
				      "cannot add a module to it"));
	for (size_t j = 0; j < r->k; j++)
		if ((cols[j] = bg_csv_find(in, r->names[j])) < 0)
			return bg_error_set(err, BG_EEXIST, path, 1, 0,
					    _("has no '%s' column; battgrade "
					      "cannot add rows to it"),
					    r->names[j]);
	return 0;
}

/*
 * Rows of the module already in the file at path: 0 when there are
 * none, 1 when they are exactly r (nothing to do), BG_EEXIST when they
 * differ.
 */
static int existing_rows(const char *path, const struct rows *r,
			 const char *module, bg_error *err)
{
	bg_csv *in;
	int cols[8], mcol, rc, differs = 0;
	size_t m = 0;

	if ((rc = bg_csv_open(&in, path, NULL, err)) < 0)
		return rc;
	if ((rc = find_cols(in, r, cols, &mcol, path, err)) < 0)
		goto done;
	while ((rc = bg_csv_next(in, err)) > 0) {
		if (strcmp(bg_csv_field(in, (size_t)mcol), module))
			continue;
		for (size_t j = 0; j < r->k && m < r->n && !differs; j++) {
			double v;
			if ((rc = bg_csv_double(in, (size_t)cols[j], &v,
						err)) < 0)
				goto done;
			differs = !same_num(v, r->v[m * r->k + j]);
		}
		m++;
	}
	if (rc < 0)
		goto done;
	rc = m == 0 ? 0 : 1;
	if (m && (differs || m != r->n))
		rc = bg_error_set(err, BG_EEXIST, path, 0, 0,
				  _("already holds different data for module "
				    "'%s' (%zu rows, converting gives %zu); "
				    "nothing written"), module, m, r->n);
done:
	bg_csv_close(in);
	return rc;
}

/* Append r's rows to a copy of the existing file, in its column order. */
static int append_rows(FILE *f, const char *path, const struct rows *r,
		       const char *module, bg_error *err)
{
	bg_csv *in;
	int cols[8], mcol, rc;
	char num[8][40];

	if ((rc = bg_csv_open(&in, path, NULL, err)) < 0)
		return rc;
	size_t nc = bg_csv_ncols(in);
	const char **fields = calloc(nc, sizeof *fields);
	if (!fields) {
		bg_csv_close(in);
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0, "oom");
	}
	if ((rc = find_cols(in, r, cols, &mcol, path, err)) >= 0 &&
	    (rc = copy_into(f, path, err)) >= 0)
		for (size_t i = 0; i < r->n; i++) {
			for (size_t j = 0; j < nc; j++)
				fields[j] = "";
			fields[mcol] = module;
			for (size_t j = 0; j < r->k; j++) {
				fmt_num(num[j], sizeof num[j],
					r->v[i * r->k + j]);
				fields[cols[j]] = num[j];
			}
			bg_csv_write_row(f, nc, fields);
		}
	free(fields);
	bg_csv_close(in);
	return rc;
}

/* Add a module's rows to DIR/r->file (creating it when absent). */
static int add_rows(const struct conv *c, const struct rows *r,
		    bg_error *err)
{
	struct tmpfile t = { 0 };
	char path[4096];
	struct stat st;
	int rc;

	snprintf(path, sizeof path, "%s/%s", c->dir, r->file);
	if (stat(path, &st) == 0) {
		if ((rc = existing_rows(path, r, c->module, err)) < 0)
			return rc;
		if (rc == 1) {
			cmd_warn(_("%s: module '%s' already there with the "
				   "same data; unchanged"), path, c->module);
			return 0;
		}
	}
	if ((rc = tmp_open(&t, c->dir, r->file, err)) < 0)
		return rc;
	if (stat(path, &st) == 0)
		rc = append_rows(t.f, path, r, c->module, err);
	else
		write_rows(t.f, r, c->module, 1);
	if (rc < 0) {
		tmp_discard(&t);
		return rc;
	}
	if ((rc = tmp_commit(&t, err)) < 0)
		return rc;
	if (c->verbose || cmd_verbose)
		cmd_warn(_("%s: %zu rows of module '%s' written"), path, r->n,
			 c->module);
	return 0;
}

/* ---- pack.json ------------------------------------------------------- */

static const char *const unknown_members[] = {
	"chemistry", "manufacturer", "model", "nominal_capacity_ah",
	"nominal_voltage_volt", "modules_series", "modules_parallel",
	"manufacture_date", "first_use_date", "retirement_date",
	"odometer_km", NULL
};

static cJSON *minimal_manifest(const struct conv *c, char **files, int n)
{
	cJSON *j = cJSON_CreateObject(), *mods, *prov, *src;
	const char *base = strrchr(c->dir, '/');

	if (!j)
		return NULL;
	cJSON_AddStringToObject(j, "pack_id", base && base[1] ? base + 1 :
				c->dir);
	for (int i = 0; unknown_members[i]; i++)
		cJSON_AddNullToObject(j, unknown_members[i]);
	mods = cJSON_AddArrayToObject(j, "modules");
	if (c->module) {
		cJSON *m = cJSON_CreateObject();
		cJSON_AddStringToObject(m, "module_id", c->module);
		cJSON_AddNullToObject(m, "nominal_capacity_ah");
		cJSON_AddNullToObject(m, "nominal_voltage_volt");
		cJSON_AddNullToObject(m, "cells_series");
		cJSON_AddNullToObject(m, "cells_parallel");
		cJSON_AddItemToArray(mods, m);
	}
	prov = cJSON_AddObjectToObject(j, "provenance");
	cJSON_AddStringToObject(prov, "created_by", "battgrade convert");
	src = cJSON_AddArrayToObject(prov, "sources");
	for (int i = 0; i < n; i++)
		cJSON_AddItemToArray(src, cJSON_CreateString(files[i]));
	return j;
}

/* Does the manifest at path list the module? -1 when unreadable. */
static int manifest_has(const char *path, const char *module)
{
	char *buf;
	size_t len;
	cJSON *j, *m;
	int found = 0;

	if (bg_read_file(&buf, &len, path, (size_t)16 << 20, NULL) < 0)
		return -1;
	j = cJSON_ParseWithLength(buf, len);
	free(buf);
	if (!j)
		return -1;
	cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(j, "modules")) {
		cJSON *id = cJSON_GetObjectItemCaseSensitive(m, "module_id");
		found |= cJSON_IsString(id) && !strcmp(id->valuestring, module);
	}
	cJSON_Delete(j);
	return found;
}

/* Create DIR and a minimal pack.json when there is none; never edit an
 * existing manifest, but say when it lacks the module. */
static int ensure_manifest(struct conv *c, char **files, int n,
			   bg_error *err)
{
	struct tmpfile t = { 0 };
	char path[4096];
	struct stat st;
	int rc;

	if (mkdir(c->dir, 0777) != 0 && errno != EEXIST)
		return bg_error_set(err, BG_ECANTCREAT, c->dir, 0, 0,
				    _("cannot create directory: %s"),
				    strerror(errno));
	snprintf(path, sizeof path, "%s/pack.json", c->dir);
	if (stat(path, &st) == 0) {
		if (c->module && manifest_has(path, c->module) == 0)
			cmd_warn(_("%s does not list module '%s': add it "
				   "before grading"), path, c->module);
		return 0;
	}
	cJSON *j = minimal_manifest(c, files, n);
	char *text = j ? cJSON_Print(j) : NULL;
	cJSON_Delete(j);
	if (!text)
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0, "oom");
	if ((rc = tmp_open(&t, c->dir, "pack.json", err)) >= 0) {
		fprintf(t.f, "%s\n", text);
		rc = tmp_commit(&t, err);
	}
	free(text);
	if (rc < 0)
		return rc;
	c->made_manifest = 1;
	cmd_warn(_("created %s; instrument files do not say these, fill "
		   "them in: chemistry, manufacturer, model, "
		   "nominal_capacity_ah, nominal_voltage_volt, modules_series, "
		   "modules_parallel, manufacture_date, first_use_date, "
		   "retirement_date, odometer_km and each module's "
		   "nominal_capacity_ah, nominal_voltage_volt, cells_series, "
		   "cells_parallel"), path);
	return 0;
}

/* ---- conversions ----------------------------------------------------- */

static const char *const spec_names[] = {
	"frequency_hertz", "real_impedance_ohm", "imaginary_impedance_ohm"
};
static const char *const pulse_names[] = {
	"test_time_second", "current_ampere", "voltage_volt"
};

static int need_module(const struct conv *c, const char *file,
		       const char *what, bg_error *err)
{
	if (c->module || !c->to_pack)
		return 0;
	return bg_error_set(err, BG_EINVAL, NULL, 0, 0,
			    _("%s: %s belong to one module: say which with "
			      "--module ID"), file, what);
}

static int convert_spectrum(struct conv *c, const char *file, bg_format fmt,
			    bg_error *err)
{
	bg_formats_notes notes = { "", 0 };
	bg_spectrum_set *set;
	int rc;

	if ((rc = need_module(c, file, _("impedance spectra"), err)) < 0)
		return rc;
	rc = bg_formats_load_spectra(&set, file, fmt, &notes, err);
	print_notes(c, &notes);
	if (rc < 0)
		return rc;
	const bg_spectrum *s = &set->spectra[0];
	struct rows r = { "impedance.csv", 3, s->n, spec_names, NULL };
	if (!(r.v = malloc(3 * s->n * sizeof *r.v))) {
		bg_formats_spectra_free(set);
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0, "oom");
	}
	for (size_t i = 0; i < s->n; i++) {
		r.v[3 * i] = s->freq_hz[i];
		r.v[3 * i + 1] = s->z_real_ohm[i];
		r.v[3 * i + 2] = s->z_imag_ohm[i];
	}
	if (c->to_pack)
		rc = add_rows(c, &r, err);
	else
		write_rows(stdout, &r, c->module, 1);
	free(r.v);
	bg_formats_spectra_free(set);
	return rc;
}

static int convert_pulse(struct conv *c, const char *file, bg_error *err)
{
	bg_formats_notes notes = { "", 0 };
	struct rows r = { "pulse.csv", 3, 0, pulse_names, NULL };
	size_t cap = 0;
	bg_bdf_row row;
	bg_bdf *b;
	int rc;

	if ((rc = need_module(c, file, _("pulse tests"), err)) < 0)
		return rc;
	if ((rc = bg_bdf_open_as(&b, file, NULL, 0, c->fmt, &notes, err)) < 0)
		goto out;
	if (bg_bdf_unix_time(b)) {
		rc = bg_error_set(err, BG_EDATA, file, 1, 0, _("a pulse test "
				  "needs test_time_second"));
		goto out;
	}
	while ((rc = bg_bdf_next(b, &row, err)) > 0) {
		if (r.n == cap) {
			cap = cap ? 2 * cap : 1024;
			double *v = realloc(r.v, 3 * cap * sizeof *v);
			if (!v) {
				rc = bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
						  "oom");
				goto out;
			}
			r.v = v;
		}
		r.v[3 * r.n] = row.time_s;
		r.v[3 * r.n + 1] = row.current_a;
		r.v[3 * r.n++ + 2] = row.voltage_v;
	}
	if (rc == 0)
		rc = c->to_pack ? add_rows(c, &r, err) :
		     (write_rows(stdout, &r, c->module, 1), 0);
out:
	bg_bdf_close(b);
	print_notes(c, &notes);
	free(r.v);
	return rc;
}

static void history_header(FILE *f, const bg_bdf *b, const char *module)
{
	const char *tn = bg_bdf_temperature_name(b);

	fprintf(f, "%s,current_ampere,voltage_volt",
		bg_bdf_unix_time(b) ? "unix_time_second" : "test_time_second");
	if (tn)
		fprintf(f, ",%s", tn);
	fputs(module ? ",module_id\n" : "\n", f);
}

/* A number as the file wrote it when it needed no conversion. */
static void put_value(FILE *f, const char *text, double v)
{
	if (text)
		fputs(text, f);
	else if (!isnan(v))
		put_num(f, v);
}

static void history_row(FILE *f, const bg_bdf *b, const bg_bdf_row *r,
			const char *module)
{
	put_value(f, r->time_text, r->time_s);
	fputc(',', f);
	put_value(f, r->current_text, r->current_a);
	fputc(',', f);
	put_value(f, r->voltage_text, r->voltage_v);
	if (bg_bdf_temperature_name(b)) {
		fputc(',', f);
		put_value(f, r->temperature_text, r->temperature_c);
	}
	if (module) {
		fputc(',', f);
		bg_csv_write_field(f, module);
	}
	fputc('\n', f);
}

/* 1 when the two files have the same bytes. */
static int same_file(const char *a, const char *b)
{
	FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
	char x[65536], y[65536];
	int same = fa && fb;

	while (same) {
		size_t n = fread(x, 1, sizeof x, fa);
		size_t m = fread(y, 1, sizeof y, fb);
		same = n == m && !memcmp(x, y, n);
		if (n == 0 || n < sizeof x)
			break;
	}
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	return same;
}

/* A BMS log or cycler series into history.csv, streamed: created when
 * absent, left alone when identical, refused when different. */
static int convert_history(struct conv *c, const char *file, bg_error *err)
{
	bg_formats_notes notes = { "", 0 };
	struct tmpfile t = { 0 };
	struct stat st;
	bg_bdf_row row;
	bg_bdf *b;
	FILE *f = stdout;
	int rc;

	if ((rc = bg_bdf_open_as(&b, file, NULL, 0, c->fmt, &notes, err)) < 0)
		goto out;
	if (c->to_pack && (rc = tmp_open(&t, c->dir, "history.csv", err)) < 0)
		goto out;
	if (c->to_pack)
		f = t.f;
	history_header(f, b, c->module);
	while ((rc = bg_bdf_next(b, &row, err)) > 0)
		history_row(f, b, &row, c->module);
	if (rc < 0 || !c->to_pack)
		goto out;
	if (stat(t.path, &st) != 0) {
		rc = tmp_commit(&t, err);
		goto out;
	}
	fflush(t.f);
	if (same_file(t.tmp, t.path))
		cmd_warn(_("%s: same data already there; unchanged"), t.path);
	else
		rc = bg_error_set(err, BG_EEXIST, t.path, 0, 0,
				  _("exists with different data; nothing "
				    "written (remove it or convert into "
				    "another pack)"));
out:
	if (t.f)
		tmp_discard(&t);
	if (rc >= 0 && b && (c->verbose || cmd_verbose))
		bg_formats_note(&notes, "%s: %lu rows", file, bg_bdf_rows(b));
	bg_bdf_close(b);
	print_notes(c, &notes);
	return rc < 0 ? rc : 0;
}

/* The module's nominal capacity in an existing pack.json, else 0:
 * the reference of the checks' equivalent full cycles. */
static double manifest_capacity(const struct conv *c)
{
	char path[4096], *buf;
	size_t len;
	double v = 0;
	cJSON *j, *m;

	snprintf(path, sizeof path, "%s/pack.json", c->dir);
	if (bg_read_file(&buf, &len, path, (size_t)16 << 20, NULL) < 0)
		return 0;
	j = cJSON_ParseWithLength(buf, len);
	free(buf);
	cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(j, "modules")) {
		cJSON *id = cJSON_GetObjectItemCaseSensitive(m, "module_id");
		cJSON *cap = cJSON_GetObjectItemCaseSensitive(m,
							"nominal_capacity_ah");
		if (cJSON_IsString(id) && !strcmp(id->valuestring, c->module) &&
		    cJSON_IsNumber(cap) && cap->valuedouble > 0)
			v = cap->valuedouble;
	}
	cJSON_Delete(j);
	return v;
}

static const char *const cap_names[] = { "cycle_count", "days",
					 "capacity_ah" };

/* Capacity checks of a cycler series into capacity.csv (or stdout). */
static int convert_capacity(struct conv *c, const char *file, bg_error *err)
{
	bg_formats_notes notes = { "", 0 };
	struct rows r = { "capacity.csv", 3, 0, cap_names, NULL };
	bg_capacity_set *set;
	int rc;

	if ((rc = need_module(c, file, _("capacity checks"), err)) < 0)
		return rc;
	rc = bg_formats_capacity_checks(&set, file, c->fmt, c->to_pack ?
					manifest_capacity(c) : 0, &notes, err);
	print_notes(c, &notes);
	if (rc < 0)
		return rc;
	const bg_capacity_series *s = &set->series[0];
	if (!(r.v = malloc(3 * s->n * sizeof *r.v))) {
		bg_capacity_set_free(set);
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0, "oom");
	}
	for (size_t i = 0; i < s->n; i++) {
		r.v[3 * i] = s->pts[i].cycle_count;
		r.v[3 * i + 1] = s->pts[i].days;
		r.v[3 * i + 2] = s->pts[i].capacity_ah;
	}
	r.n = s->n;
	if (c->to_pack)
		rc = add_rows(c, &r, err);
	else
		write_rows(stdout, &r, c->module, 1);
	free(r.v);
	bg_capacity_set_free(set);
	return rc;
}

/* history.csv, and into a pack with a module capacity.csv as well when
 * the series holds checks (none is not an error here). */
static int convert_series(struct conv *c, const char *file, bg_error *err)
{
	bg_error e2;
	int rc;

	switch (c->as) {
	case AS_PULSE: return convert_pulse(c, file, err);
	case AS_HISTORY: return convert_history(c, file, err);
	case AS_CAPACITY: return convert_capacity(c, file, err);
	}
	if ((rc = convert_history(c, file, err)) < 0 || !c->to_pack ||
	    !c->module)
		return rc;
	bg_error_clear(&e2);
	/* no check at all: BG_EDATA without a line (formats.h) */
	if ((rc = convert_capacity(c, file, &e2)) < 0 && e2.code == BG_EDATA &&
	    e2.line == 0) {
		if (c->verbose || cmd_verbose)
			cmd_report(&e2);
		return 0;
	}
	if (rc < 0)
		*err = e2;
	return rc;
}

static int convert_file(struct conv *c, const char *file, bg_error *err)
{
	bg_format fmt = c->fmt;
	int rc;

	if (fmt == BG_FORMAT_UNKNOWN &&
	    (rc = bg_formats_detect(&fmt, file, err)) < 0)
		return rc;
	if (bg_format_kind(fmt) == BG_FORMAT_SPECTRUM)
		return convert_spectrum(c, file, fmt, err);
	return convert_series(c, file, err);
}

static int detect_files(char **files, int n)
{
	int status = 0;

	for (int i = 0; i < n; i++) {
		bg_error err;
		bg_format fmt;
		bg_error_clear(&err);
		if (bg_formats_detect(&fmt, files[i], &err) < 0) {
			cmd_report(&err);
			status = bg_exit_worst(status,
					       bg_exit_from_error(err.code));
			continue;
		}
		printf("%s\t%s\t%s\n", files[i], bg_format_name(fmt),
		       bg_format_label(fmt));
	}
	return bg_exit_worst(status, bg_out_finish());
}

static int parse_opts(struct conv *c, struct bg_optstate *st, int *status)
{
	const char *arg;
	int id;

	while ((id = bg_opt_next(st, &arg)) != BG_OPT_DONE) {
		switch (id) {
		case BG_OPT_HELP: *status = 0; return -1;
		case BG_OPT_ERROR: *status = BG_EXIT_USAGE; return -1;
		case OPT_DETECT: c->detect = 1; break;
		case OPT_VERBOSE: c->verbose = 1; break;
		case OPT_MODULE: c->module = arg; break;
		case OPT_AS:
			c->as = !strcmp(arg, "history") ? AS_HISTORY :
				!strcmp(arg, "capacity") ? AS_CAPACITY :
				!strcmp(arg, "pulse") ? AS_PULSE : -1;
			if (c->as < 0)
				goto bad;
			break;
		case OPT_FORMAT:
			if ((c->fmt = bg_format_from_name(arg)) ==
			    BG_FORMAT_UNKNOWN)
				goto bad;
			break;
		case OPT_TO:
			if (strcmp(arg, "pack") && strcmp(arg, "csv"))
				goto bad;
			c->to_pack = !strcmp(arg, "pack") ? 1 : -1;
			break;
		}
	}
	return 0;
bad:
	cmd_warn(_("bad value '%s' (see battgrade convert --help)"), arg);
	*status = BG_EXIT_USAGE;
	return -1;
}

/* Options may follow the files ("convert a.DTA --to pack DIR"): move
 * them in front, as the option parser stops at the first operand. */
static char **options_first(int argc, char **argv)
{
	char **v = calloc((size_t)argc + 2, sizeof *v);
	int k = 1, end = 0;

	if (!v)
		return NULL;
	v[0] = argv[0];
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (end || a[0] != '-' || !a[1])
			continue;
		if (!strcmp(a, "--")) {
			end = 1;
			continue;
		}
		v[k++] = argv[i];
		int takes = !strchr(a, '=') && (!strcmp(a, "--as") ||
			    !strcmp(a, "--format") || !strcmp(a, "--module") ||
			    !strcmp(a, "-m") || !strcmp(a, "--to"));
		if (takes && i + 1 < argc)
			v[k++] = argv[++i];
	}
	v[k++] = "--";
	end = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!end && !strcmp(a, "--")) {
			end = 1;
			continue;
		}
		if (end || a[0] != '-' || !a[1]) {
			v[k++] = argv[i];
			continue;
		}
		if (!strchr(a, '=') && (!strcmp(a, "--as") ||
		    !strcmp(a, "--format") || !strcmp(a, "--module") ||
		    !strcmp(a, "-m") || !strcmp(a, "--to")))
			i++;
	}
	v[k] = NULL;
	return v;
}

static int run(int argc, char **argv)
{
	struct conv c = { 0 };
	struct bg_optstate st;
	int status = 0, nfiles;

	bg_opt_start(&st, argc, argv, opts, usage);
	if (parse_opts(&c, &st, &status) < 0)
		return status;
	char **files = argv + st.optind;
	nfiles = argc - st.optind;
	if (c.detect && nfiles > 0)
		return detect_files(files, nfiles);
	if (c.detect) {
		fprintf(stderr, "%s: %s\n", _("usage"), usage);
		return BG_EXIT_USAGE;
	}
	if (c.to_pack == 1)
		c.dir = nfiles > 1 ? files[--nfiles] : NULL;
	if (!c.detect && (!c.to_pack || nfiles < 1 || (c.to_pack == 1 &&
	    !c.dir) || (c.to_pack == -1 && nfiles != 1))) {
		cmd_warn(_("say --to csv FILE or --to pack FILE... DIR"));
		fprintf(stderr, "%s: %s\n", _("usage"), usage);
		return BG_EXIT_USAGE;
	}
	if (c.to_pack == -1)
		c.to_pack = 0;
	bg_error err;
	bg_error_clear(&err);
	/* every file must be readable and of a known format before the pack
	 * directory is touched */
	for (int i = 0; i < nfiles; i++) {
		bg_format f;
		if (c.fmt != BG_FORMAT_UNKNOWN && access(files[i], R_OK) != 0)
			bg_error_set(&err, BG_ENOENT, files[i], 0, 0,
				     _("cannot open: %s"), strerror(errno));
		else if (c.fmt == BG_FORMAT_UNKNOWN)
			bg_formats_detect(&f, files[i], &err);
		if (err.code < 0) {
			cmd_report(&err);
			return bg_exit_from_error(err.code);
		}
	}
	if (c.to_pack && ensure_manifest(&c, files, nfiles, &err) < 0) {
		cmd_report(&err);
		return bg_exit_from_error(err.code);
	}
	for (int i = 0; i < nfiles; i++) {
		bg_error_clear(&err);
		if (convert_file(&c, files[i], &err) < 0) {
			cmd_report(&err);
			status = bg_exit_worst(status, err.code == BG_EINVAL ?
					       BG_EXIT_USAGE :
					       bg_exit_from_error(err.code));
		}
	}
	return bg_exit_worst(status, bg_out_finish());
}

int cmd_convert(int argc, char **argv)
{
	char **av = options_first(argc, argv);
	int ac = 0, status;

	if (!av)
		return BG_EXIT_SOFTWARE;
	while (av[ac])
		ac++;
	status = run(ac, av);
	free(av);
	return status;
}
