/*
 * eisin.c - where the impedance commands read their data from.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "eisin.h"

static int is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* path itself, or path/member when path is a directory */
static int member(char *buf, size_t len, const char *path,
		  const char *name, bg_error *err)
{
	int n = is_dir(path) ? snprintf(buf, len, "%s/%s", path, name)
			     : snprintf(buf, len, "%s", path);

	if (n < 0 || (size_t)n >= len)
		return bg_error_set(err, BG_EINVAL, path, 0, 0,
				    _("path too long"));
	return 0;
}

int eisin_spectra(bg_eisfile_spectra **out, const char *path,
		  const char *module, bg_error *err)
{
	bg_eisfile_spectra *s;
	char file[4096];
	size_t i, k = 0;
	int rc;

	if ((rc = member(file, sizeof file, path, "impedance.csv", err)) < 0 ||
	    (rc = bg_eisfile_read_spectra(&s, file, err)) < 0)
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
		return bg_error_set(err, BG_EDATA, file, 0, 0,
				    _("no spectrum of module '%s'"), module);
	}
	*out = s;
	return 0;
}

int eisin_pulses(bg_eisfile_pulses **out, const char *path,
		 const char *module, bg_error *err)
{
	bg_eisfile_pulses *p;
	char file[4096];
	size_t i, k = 0;
	int rc;

	if ((rc = member(file, sizeof file, path, "pulse.csv", err)) < 0 ||
	    (rc = bg_eisfile_read_pulses(&p, file, err)) < 0)
		return rc;
	for (i = 0; module && i < p->n; i++) {
		if (strcmp(p->series[i].module_id, module)) {
			free(p->series[i].time_s);
			free(p->series[i].current_a);
			free(p->series[i].voltage_v);
			continue;
		}
		p->series[k++] = p->series[i];
	}
	if (module)
		p->n = k;
	if (p->n == 0) {
		bg_eisfile_pulses_free(p);
		return bg_error_set(err, BG_EDATA, file, 0, 0,
				    _("no pulse series of module '%s'"),
				    module);
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
