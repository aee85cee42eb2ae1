/*
 * fadecat.c - the degradation model catalogue: models/degradation/<name>.json
 * read into model descriptions (parameters, units, bounds, starting
 * rules, inputs) and bound to their equation in fademodels.c.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "battgrade/models.h"
#include "fade-int.h"
#include "i18n.h"

#define MAX_MODELS 32
#define MAX_MODEL_FILE (64 * 1024)

static int bad(bg_error *err, const char *path, const char *what)
{
	return bg_error_set(err, BG_ECONFIG, path, 0, 0,
			    _("bad model file: %s"), what);
}

static int copy_str(char *dst, size_t len, const cJSON *v)
{
	if (!cJSON_IsString(v) || strlen(v->valuestring) >= len ||
	    !*v->valuestring)
		return -1;
	memcpy(dst, v->valuestring, strlen(v->valuestring) + 1);
	return 0;
}

static int read_bound(const cJSON *b, int i, double inf, double *out)
{
	const cJSON *v = cJSON_GetArrayItem(b, i);

	if (cJSON_IsNull(v)) {
		*out = inf;
		return 0;
	}
	if (!cJSON_IsNumber(v))
		return -1;
	*out = v->valuedouble;
	return 0;
}

static int read_values(struct bg_fade_param *p, const cJSON *vals)
{
	const cJSON *v;

	p->nvals = 0;
	cJSON_ArrayForEach(v, vals) {
		if (!cJSON_IsNumber(v) || p->nvals == BG_FADE_MAXVALS)
			return -1;
		p->vals[p->nvals++] = v->valuedouble;
	}
	return p->nvals ? 0 : -1;
}

/* "start": {"value": v} | {"values": [...]} | {"rule": "y0" |
 * "log_slope" | "share" (with "share") | "per_x" (with "values")}. */
static int read_start(struct bg_fade_param *p, const cJSON *s)
{
	const cJSON *rule = cJSON_GetObjectItemCaseSensitive(s, "rule");
	const cJSON *vals = cJSON_GetObjectItemCaseSensitive(s, "values");
	const cJSON *val = cJSON_GetObjectItemCaseSensitive(s, "value");
	const cJSON *sh = cJSON_GetObjectItemCaseSensitive(s, "share");

	if (!rule) {
		if (cJSON_IsNumber(val)) {
			p->start = BG_START_VALUE;
			p->vals[0] = val->valuedouble;
			p->nvals = 1;
			return 0;
		}
		p->start = BG_START_VALUES;
		return read_values(p, vals);
	}
	if (!cJSON_IsString(rule))
		return -1;
	if (!strcmp(rule->valuestring, "y0"))
		p->start = BG_START_Y0;
	else if (!strcmp(rule->valuestring, "log_slope"))
		p->start = BG_START_LOG_SLOPE;
	else if (!strcmp(rule->valuestring, "share")) {
		p->start = BG_START_SHARE;
		if (!cJSON_IsNumber(sh))
			return -1;
		p->share = sh->valuedouble;
	} else if (!strcmp(rule->valuestring, "per_x")) {
		p->start = BG_START_PER_X;
		return read_values(p, vals);
	} else
		return -1;
	return 0;
}

static int read_param(struct bg_fade_param *p, const cJSON *j)
{
	const cJSON *b = cJSON_GetObjectItemCaseSensitive(j, "bounds");

	memset(p, 0, sizeof(*p));
	if (copy_str(p->name, sizeof(p->name),
		     cJSON_GetObjectItemCaseSensitive(j, "name")) < 0 ||
	    copy_str(p->unit, sizeof(p->unit),
		     cJSON_GetObjectItemCaseSensitive(j, "unit")) < 0)
		return -1;
	if (!cJSON_IsArray(b) || cJSON_GetArraySize(b) != 2 ||
	    read_bound(b, 0, -INFINITY, &p->lo) < 0 ||
	    read_bound(b, 1, INFINITY, &p->hi) < 0 || !(p->lo < p->hi))
		return -1;
	return read_start(p, cJSON_GetObjectItemCaseSensitive(j, "start"));
}

static int read_inputs(struct bg_fade_model *m, const cJSON *in)
{
	const cJSON *v;

	m->inputs = 0;
	cJSON_ArrayForEach(v, in) {
		if (!cJSON_IsString(v))
			return -1;
		if (!strcmp(v->valuestring, "x"))
			m->inputs |= BG_FADE_IN_X;
		else if (!strcmp(v->valuestring, "days"))
			m->inputs |= BG_FADE_IN_DAYS;
		else if (!strcmp(v->valuestring, "temperature"))
			m->inputs |= BG_FADE_IN_TEMP;
		else
			return -1;
	}
	return 0;
}

static int read_model(struct bg_fade_model *m, const cJSON *j,
		      const char *path, bg_error *err)
{
	const cJSON *kind = cJSON_GetObjectItemCaseSensitive(j, "kind");
	const cJSON *pars = cJSON_GetObjectItemCaseSensitive(j, "parameters");
	const cJSON *fs = cJSON_GetObjectItemCaseSensitive(j, "fit_starts");
	const cJSON *p;

	memset(m, 0, sizeof(*m));
	if (copy_str(m->name, sizeof(m->name),
		     cJSON_GetObjectItemCaseSensitive(j, "name")) < 0 ||
	    copy_str(m->equation, sizeof(m->equation),
		     cJSON_GetObjectItemCaseSensitive(j, "equation")) < 0)
		return bad(err, path, _("'name' or 'equation' missing"));
	m->eq = bg_fade_eq_find(m->equation);
	if (!m->eq)
		return bg_error_set(err, BG_ECONFIG, path, 0, 0,
				    _("unknown equation '%s'"), m->equation);
	if (!cJSON_IsString(kind) ||
	    (strcmp(kind->valuestring, "capacity") &&
	     strcmp(kind->valuestring, "resistance")))
		return bad(err, path, _("'kind' must be capacity or "
					"resistance"));
	m->resistance = !strcmp(kind->valuestring, "resistance");
	if (read_inputs(m, cJSON_GetObjectItemCaseSensitive(j, "inputs")) < 0
	    || m->inputs != m->eq->inputs)
		return bad(err, path, _("'inputs' do not match the equation"));
	m->fit_starts = cJSON_IsNumber(fs) && fs->valuedouble >= 1 ?
			(size_t)fmin(fs->valuedouble, 8) : 1;
	cJSON_ArrayForEach(p, pars) {
		if (m->np == BG_FADE_MAXP ||
		    read_param(&m->par[m->np], p) < 0)
			return bad(err, path, _("malformed parameter"));
		m->np++;
	}
	if (m->np != m->eq->np)
		return bad(err, path, _("parameter count does not match the "
					"equation"));
	return 0;
}

int bg_fade_model_parse(struct bg_fade_model *m, const char *name,
			const char *buf, size_t len, bg_error *err)
{
	cJSON *j = cJSON_ParseWithLength(buf, len);
	int rc;

	if (!j)
		return bad(err, name, _("not valid JSON"));
	rc = read_model(m, j, name, err);
	cJSON_Delete(j);
	return rc;
}

static int load_one(struct bg_fade_model *m, const char *path,
		    bg_error *err)
{
	char *text = NULL;
	size_t len;
	int rc;

	if ((rc = bg_read_file(&text, &len, path, MAX_MODEL_FILE, err)) < 0)
		return rc;
	rc = bg_fade_model_parse(m, path, text, len, err);
	free(text);
	return rc;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_dir(const char *dir, char **names, size_t *n,
		    bg_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	*n = 0;
	if (!d)
		return bg_error_set(err, BG_ECONFIG, dir, 0, 0,
				    _("cannot open the model catalogue"));
	while ((e = readdir(d)) && *n < MAX_MODELS) {
		size_t len = strlen(e->d_name);

		if (len > 5 && !strcmp(e->d_name + len - 5, ".json") &&
		    e->d_name[0] != '.')
			if ((names[*n] = strdup(e->d_name)))
				(*n)++;
	}
	closedir(d);
	qsort(names, *n, sizeof(*names), cmp_names);
	return 0;
}

int bg_fade_catalogue_load(struct bg_fade_model **out, size_t *nout,
			   bg_error *err)
{
	char dir[1024], path[1400], *names[MAX_MODELS];
	struct bg_fade_model *m = NULL;
	size_t n = 0, i;
	int rc;

	*out = NULL;
	*nout = 0;
	if ((rc = bg_models_path(dir, sizeof(dir), NULL, "degradation",
				 err)) < 0 ||
	    (rc = list_dir(dir, names, &n, err)) < 0)
		return rc;
	if (!n)
		rc = bg_error_set(err, BG_ECONFIG, dir, 0, 0,
				  _("no degradation models found"));
	else if (!(m = calloc(n, sizeof(*m))))
		rc = bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
				  _("out of memory"));
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (rc == 0)
			rc = load_one(&m[i], path, err);
		free(names[i]);
	}
	if (rc < 0) {
		free(m);
		return rc;
	}
	*out = m;
	*nout = n;
	return 0;
}
