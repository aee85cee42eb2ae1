/*
 * fadejson.c - a fade fit as JSON, with the keys of battgrade-fit(1).
 * Unknown numbers (NAN: no knee, life beyond the horizon) are null.
 */
#include "config.h"

#include <math.h>

#include <cjson/cJSON.h>

#include "battgrade/fade.h"

static int num(cJSON *o, const char *k, double v)
{
	cJSON *x = isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();

	return x && cJSON_AddItemToObject(o, k, x) ? 0 : -1;
}

static int params(cJSON *o, const bg_fade_result *r)
{
	cJSON *p = cJSON_AddObjectToObject(o, "params");
	size_t j;

	if (!p)
		return -1;
	for (j = 0; j < r->nparams && j < BG_FADE_MAXP; j++) {
		cJSON *e = cJSON_AddObjectToObject(p, r->param_name[j]);

		if (!e || num(e, "value", r->param[j]) < 0 ||
		    num(e, "std_error", r->param_se[j]) < 0 ||
		    !cJSON_AddStringToObject(e, "unit", r->param_unit[j]))
			return -1;
	}
	return 0;
}

static int figures(cJSON *o, const bg_fade_result *r)
{
	int res = r->resistance;

	return num(o, "aicc", r->aicc) | num(o, "rmse", r->rmse) |
	       num(o, "knee_cycle", r->knee_cycle) |
	       num(o, "knee_onset_cycle", r->knee_onset_cycle) |
	       num(o, res ? "eol_threshold_ohm" : "eol_threshold_Ah",
		   r->eol_threshold_ah) |
	       num(o, "eol_cycle_p50", r->eol_cycle_p50) |
	       num(o, "eol_cycle_p10", r->eol_cycle_p10) |
	       num(o, "eol_cycle_p90", r->eol_cycle_p90) |
	       num(o, "rul_cycles_p50", r->rul_cycles_p50) |
	       num(o, "rul_cycles_p10", r->rul_cycles_p10) |
	       num(o, "rul_years_p50", r->rul_years_p50) |
	       num(o, "rul_years_p10", r->rul_years_p10) |
	       num(o, "last_cycle", r->last_cycle) |
	       num(o, res ? "resistance_now_ohm" : "capacity_now_Ah",
		   r->capacity_now_ah) |
	       num(o, res ? "r0_ohm" : "rated_capacity_Ah",
		   r->rated_capacity_ah) |
	       num(o, "cycles_per_day", r->cycles_per_day) |
	       num(o, "n_points", (double)r->npoints);
}

/* The fitted curve sampled at CURVE_POINTS points from the first check
 * to the P50 end of life (or the last check, whichever is later), as
 * [x, y] pairs: enough for a certificate or web page to draw it. */
#define CURVE_POINTS 25

static int curve(cJSON *o, const bg_fade_result *r)
{
	cJSON *a = cJSON_AddArrayToObject(o, "curve");
	double b = r->last_cycle, x, y, lo, hi;
	int i;

	if (!a)
		return -1;
	if (isfinite(r->eol_cycle_p50) && r->eol_cycle_p50 > b)
		b = r->eol_cycle_p50;
	for (i = 0; i < CURVE_POINTS; i++) {
		double xy[2];
		cJSON *p;

		x = r->first_cycle + (b - r->first_cycle) * i /
				     (CURVE_POINTS - 1);
		if (bg_fade_predict(r, x, 0.8, &y, &lo, &hi) < 0 ||
		    !isfinite(y))
			continue;
		xy[0] = x;
		xy[1] = y;
		if (!(p = cJSON_CreateDoubleArray(xy, 2)) ||
		    !cJSON_AddItemToArray(a, p))
			return -1;
	}
	return 0;
}

int bg_fade_result_to_json(const bg_fade_result *r, cJSON **out)
{
	cJSON *o = cJSON_CreateObject();
	int rc = 0;

	*out = NULL;
	if (!o)
		return BG_ENOMEM;
	if (!cJSON_AddStringToObject(o, "status",
				     bg_fade_status_name(r->status)) ||
	    !cJSON_AddStringToObject(o, "axis", r->axis[0] ? r->axis :
				     "cycles"))
		rc = -1;
	if (r->status == BG_FADE_OK) {
		if (!cJSON_AddStringToObject(o, "model", r->model) ||
		    !cJSON_AddStringToObject(o, "equation", r->equation) ||
		    params(o, r) < 0 || curve(o, r) < 0)
			rc = -1;
	} else if (!cJSON_AddNullToObject(o, "model"))
		rc = -1;
	if (rc == 0 && (figures(o, r) < 0 ||
			!cJSON_AddBoolToObject(o, "rul_beyond_horizon",
					       r->rul_beyond_horizon) ||
			!cJSON_AddBoolToObject(o, r->resistance ?
					       "r0_from_first_point" :
					       "rated_from_first_point",
					       r->rated_from_first_point)))
		rc = -1;
	if (rc < 0) {
		cJSON_Delete(o);
		return BG_ENOMEM;
	}
	*out = o;
	return 0;
}
