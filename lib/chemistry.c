/*
 * chemistry.c - per-chemistry operating limits from models/chemistry/.
 *
 * The files are small JSON objects; every member is optional in an
 * override, required in a chemistry file.  Validation is strict
 * because a wrong limit silently turns abuse into "clean" history.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "battgrade/chemistry.h"
#include "battgrade/models.h"
#include "i18n.h"

static const char *const known[] = { "NMC", "NCA", "LFP", "LMO", "LTO",
				     NULL };

int bg_chem_known(const char *name)
{
	size_t i;

	for (i = 0; name && known[i]; i++)
		if (!strcasecmp(name, known[i]))
			return 1;
	return 0;
}

static int bad(bg_error *err, const char *file, const char *what)
{
	return bg_error_set(err, BG_ECONFIG, file, 0, 0, "%s", what);
}

/* A number member: 1 if present and set, 0 if absent, < 0 on error. */
static int num(const cJSON *o, const char *key, double *v, const char *file,
	       bg_error *err)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!it)
		return 0;
	if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble))
		return bg_error_set(err, BG_ECONFIG, file, 0, 0,
				    _("'%s' must be a number"), key);
	*v = it->valuedouble;
	return 1;
}

/* A [min, max] pair of numbers. */
static int range(const cJSON *o, const char *key, double *lo, double *hi,
		 const char *file, bg_error *err)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
	const cJSON *a, *b;

	if (!it)
		return 0;
	a = cJSON_GetArrayItem(it, 0);
	b = cJSON_GetArrayItem(it, 1);
	if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) != 2 ||
	    !cJSON_IsNumber(a) || !cJSON_IsNumber(b) ||
	    !(a->valuedouble < b->valuedouble))
		return bg_error_set(err, BG_ECONFIG, file, 0, 0,
				    _("'%s' must be [min, max] with "
				      "min < max"), key);
	*lo = a->valuedouble;
	*hi = b->valuedouble;
	return 1;
}

static int check(const bg_chem_limits *l, const char *file, bg_error *err)
{
	if (!(l->min_cell_voltage_volt > 0 &&
	      l->min_cell_voltage_volt < l->max_cell_voltage_volt))
		return bad(err, file, _("need 0 < min_cell_voltage_volt < "
					"max_cell_voltage_volt"));
	if (!(l->overvoltage_tolerance_volt >= 0 &&
	      l->overvoltage_tolerance_volt < 0.5))
		return bad(err, file, _("overvoltage_tolerance_volt must be "
					"in [0, 0.5)"));
	if (!(l->max_charge_c_rate > 0 && l->max_discharge_c_rate > 0))
		return bad(err, file, _("C-rate limits must be positive"));
	if (!(l->high_soc_percent > 0 && l->high_soc_percent <= 100))
		return bad(err, file, _("high_soc_percent must be in "
					"(0, 100]"));
	return 0;
}

int bg_chem_limits_apply(bg_chem_limits *l, const cJSON *o,
			 const char *file, bg_error *err)
{
	int rc;

	if (!cJSON_IsObject(o))
		return bad(err, file, _("limits must be a JSON object"));
	if ((rc = num(o, "max_cell_voltage_volt", &l->max_cell_voltage_volt,
		      file, err)) < 0 ||
	    (rc = num(o, "min_cell_voltage_volt", &l->min_cell_voltage_volt,
		      file, err)) < 0 ||
	    (rc = num(o, "overvoltage_tolerance_volt",
		      &l->overvoltage_tolerance_volt, file, err)) < 0 ||
	    (rc = range(o, "charge_temperature_celsius", &l->charge_temp_min_c,
			&l->charge_temp_max_c, file, err)) < 0 ||
	    (rc = range(o, "discharge_temperature_celsius",
			&l->discharge_temp_min_c, &l->discharge_temp_max_c,
			file, err)) < 0 ||
	    (rc = num(o, "max_charge_c_rate", &l->max_charge_c_rate, file,
		      err)) < 0 ||
	    (rc = num(o, "max_discharge_c_rate", &l->max_discharge_c_rate,
		      file, err)) < 0 ||
	    (rc = num(o, "high_soc_percent", &l->high_soc_percent, file,
		      err)) < 0)
		return rc;
	return check(l, file, err);
}

static const char *const required[] = {
	"max_cell_voltage_volt", "min_cell_voltage_volt",
	"overvoltage_tolerance_volt", "charge_temperature_celsius", "discharge_temperature_celsius",
	"max_charge_c_rate", "max_discharge_c_rate", "high_soc_percent", NULL
};

static int parse_file(bg_chem_limits *out, const char *text,
		      const char *path, bg_error *err)
{
	cJSON *root = cJSON_Parse(text);
	size_t i;
	int rc = 0;

	if (!root)
		return bg_error_set(err, BG_ECONFIG, path, 0, 0,
				    _("malformed JSON"));
	for (i = 0; required[i] && !rc; i++)
		if (!cJSON_GetObjectItemCaseSensitive(root, required[i]))
			rc = bg_error_set(err, BG_ECONFIG, path, 0, 0,
					  _("missing member '%s'"),
					  required[i]);
	if (!rc)
		rc = bg_chem_limits_apply(out, root, path, err);
	cJSON_Delete(root);
	return rc;
}

int bg_chem_limits_load(bg_chem_limits *out, const char *name,
			bg_error *err)
{
	char path[4096], *text;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!bg_chem_known(name))
		return bg_error_set(err, BG_ECONFIG, NULL, 0, 0,
				    _("unknown chemistry '%s' (known: NMC, "
				      "NCA, LFP, LMO, LTO)"), name ? name : "");
	for (i = 0; name[i] && i < sizeof(out->chemistry) - 1; i++)
		out->chemistry[i] = (char)(name[i] >= 'a' && name[i] <= 'z'
					   ? name[i] - 32 : name[i]);
	out->cells_series = 1;
	if ((rc = bg_models_path(path, sizeof(path), "chemistry",
				 out->chemistry, err)) < 0)
		return rc;
	if (strlen(path) + 6 > sizeof(path))
		return bg_error_set(err, BG_EINVAL, NULL, 0, 0,
				    _("model path too long"));
	memcpy(path + strlen(path), ".json", 6);
	if ((rc = bg_read_file(&text, NULL, path, 64 * 1024, err)) < 0) {
		if (rc == BG_ENOENT && err)
			err->code = BG_ECONFIG;
		return rc == BG_ENOENT ? BG_ECONFIG : rc;
	}
	rc = parse_file(out, text, path, err);
	free(text);
	return rc;
}
