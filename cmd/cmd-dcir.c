/*
 * cmd-dcir.c - "battgrade dcir": DC internal resistance of current
 * pulses at the edge and at fixed times, and the HPPC discharge power
 * when a lower voltage limit is given.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "battgrade/dcir.h"
#include "cmd.h"
#include "eisin.h"

static const char usage[] =
	"battgrade dcir [--json] [--verbose] [--format NAME] [--module ID] "
	"[--times LIST] [--v-min VOLT] FILE|PACKDIR";

enum { O_JSON = 256, O_MODULE, O_TIMES, O_VMIN, O_FORMAT, O_VERBOSE };

static const struct bg_opt opts[] = {
	{ O_JSON, "json", 0, NULL, N_("JSON output, one object per module") },
	{ O_VERBOSE, "verbose", 0, NULL,
	  N_("report the file's format and unit conversions") },
	{ O_FORMAT, "format", 0, "NAME",
	  N_("read FILE as format NAME (bdf, arbin, maccor) instead of "
	     "detecting it") },
	{ O_MODULE, "module", 'm', "ID", N_("only this module") },
	{ O_TIMES, "times", 't', "LIST",
	  N_("seconds into the pulse, comma-separated (default 1,10,30)") },
	{ O_VMIN, "v-min", 0, "VOLT",
	  N_("lower voltage limit for the HPPC discharge power") },
	BG_OPT_END
};

static cJSON *num(double v)
{
	return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();
}

static cJSON *direction_json(double r0, const double *rt,
			     const bg_dcir_opts *o, size_t npulses)
{
	cJSON *d = cJSON_CreateObject(), *at = cJSON_CreateObject();
	char key[32];
	size_t k;

	cJSON_AddNumberToObject(d, "pulses", (double)npulses);
	cJSON_AddItemToObject(d, "r_ohmic_ohm", num(r0));
	for (k = 0; k < o->ntimes; k++) {
		snprintf(key, sizeof key, "%g", o->times_s[k]);
		cJSON_AddItemToObject(at, key, num(rt[k]));
	}
	cJSON_AddItemToObject(d, "r_at_s_ohm", at);
	return d;
}

static void print_json(const bg_pulse_series *p, const bg_dcir_result *r,
		       const bg_dcir_detail *d, const bg_dcir_opts *o)
{
	cJSON *j = cJSON_CreateObject();

	cJSON_AddStringToObject(j, "module_id", p->module_id);
	cJSON_AddItemToObject(j, "discharge",
			      direction_json(r->r_ohmic_discharge_ohm,
					     d->r_discharge_ohm, o,
					     d->ndischarge));
	cJSON_AddItemToObject(j, "charge",
			      direction_json(r->r_ohmic_charge_ohm,
					     d->r_charge_ohm, o, d->ncharge));
	cJSON_AddItemToObject(j, "ocv_v", num(d->ocv_v));
	cJSON_AddItemToObject(j, "power_capability_w",
			      num(r->power_capability_w));
	cJSON_AddItemToObject(j, "v_min_v", num(o->v_min_v));
	cJSON_AddStringToObject(j, "power_method",
				isfinite(r->power_capability_w)
				? "hppc_discharge_at_v_min" : "none");
	bg_json_print(stdout, j, 0);
	cJSON_Delete(j);
}

static const char *mohm(char *b, double v)
{
	return isfinite(v) ? bg_fmt(b, 32, "%.4g", 1e3 * v) : "-";
}

static void add_rows(struct bg_table *t, const bg_pulse_series *p,
		     const bg_dcir_result *r, const bg_dcir_detail *d,
		     const bg_dcir_opts *o)
{
	char b[2 + BG_DCIR_MAX_TIMES][32];
	const char *row[3 + BG_DCIR_MAX_TIMES];
	int dir;
	size_t k;

	for (dir = 0; dir < 2; dir++) {
		const double *rt = dir ? d->r_charge_ohm : d->r_discharge_ohm;

		row[0] = p->module_id[0] ? p->module_id : "-";
		row[1] = dir ? _("charge") : _("discharge");
		row[2] = mohm(b[0], dir ? r->r_ohmic_charge_ohm
					: r->r_ohmic_discharge_ohm);
		for (k = 0; k < o->ntimes; k++)
			row[3 + k] = mohm(b[1 + k], rt[k]);
		bg_table_add(t, row);
	}
}

static struct bg_table *new_table(const bg_dcir_opts *o)
{
	static char names[BG_DCIR_MAX_TIMES][32];
	const char *hdr[3 + BG_DCIR_MAX_TIMES] = { "module", "pulse",
						    "R_ohmic_mohm" };
	size_t k;

	for (k = 0; k < o->ntimes; k++)
		hdr[3 + k] = bg_fmt(names[k], 32, "R_%gs_mohm", o->times_s[k]);
	return bg_table_new(3 + o->ntimes, hdr);
}

static int run(const bg_eisfile_pulses *set, const double *vmin,
	       const bg_dcir_opts *o0, int json)
{
	bg_dcir_opts oc = *o0, *o = &oc;
	struct bg_table *t = json ? NULL : new_table(o);
	int status = 0;
	size_t i;

	for (i = 0; i < set->n; i++) {
		bg_dcir_result r;
		bg_dcir_detail d;
		bg_error err;
		int rc;

		/* --v-min wins; else the pack's limit for this module */
		oc.v_min_v = isfinite(o0->v_min_v) || !vmin ? o0->v_min_v
							     : vmin[i];
		rc = bg_dcir_compute_ex(&set->series[i], o, &r, &d, &err);

		if (rc < 0) {
			cmd_warn(_("module %s: %s"),
				 set->series[i].module_id[0]
				 ? set->series[i].module_id : "-", err.msg);
			status = bg_exit_worst(status, bg_exit_from_error(rc));
			continue;
		}
		if (json)
			print_json(&set->series[i], &r, &d, o);
		else if (t)
			add_rows(t, &set->series[i], &r, &d, o);
		if (!json && isfinite(r.power_capability_w))
			fprintf(stderr, _("%s: HPPC discharge power at %.3g V: "
					  "%.4g W\n"),
				set->series[i].module_id[0]
				? set->series[i].module_id : "-",
				o->v_min_v, r.power_capability_w);
	}
	if (t)
		bg_table_print(t, stdout);
	bg_table_free(t);
	return status;
}

int cmd_dcir(int argc, char **argv)
{
	const char *module = NULL, *arg;
	struct bg_optstate st;
	bg_eisfile_pulses *set;
	bg_format fmt = BG_FORMAT_UNKNOWN;
	double *vmin;
	bg_dcir_opts o;
	int id, json = 0, rc;
	bg_error err;

	bg_dcir_opts_init(&o);
	bg_opt_start(&st, argc, argv, opts, usage);
	while ((id = bg_opt_next(&st, &arg)) != BG_OPT_DONE) {
		if (id == BG_OPT_HELP)
			return 0;
		if (id == BG_OPT_ERROR)
			return BG_EXIT_USAGE;
		if (id == O_FORMAT && bg_format_kind(fmt = bg_format_from_name(
		    arg)) != BG_FORMAT_TIMESERIES) {
			cmd_warn(_("'%s' is not a time-series format (bdf, "
				   "arbin, maccor)"), arg);
			return BG_EXIT_USAGE;
		}
		if (id == O_VERBOSE)
			cmd_verbose = cmd_verbose ? cmd_verbose : 1;
		if (id == O_JSON)
			json = 1;
		else if (id == O_MODULE)
			module = arg;
		else if (id == O_TIMES &&
			 eisin_list("times", arg, o.times_s, BG_DCIR_MAX_TIMES,
				    &o.ntimes) < 0)
			return BG_EXIT_USAGE;
		else if (id == O_VMIN &&
			 bg_opt_double("v-min", arg, &o.v_min_v) < 0)
			return BG_EXIT_USAGE;
	}
	if (st.optind != argc - 1) {
		cmd_warn(_("expected one FILE or PACKDIR"));
		fprintf(stderr, "%s: %s\n", _("usage"), usage);
		return BG_EXIT_USAGE;
	}
	if ((rc = eisin_pulses_as(&set, &vmin, argv[st.optind], module, fmt,
				  &err)) < 0) {
		cmd_report(&err);
		return bg_exit_from_error(rc);
	}
	rc = run(set, vmin, &o, json);
	free(vmin);
	bg_eisfile_pulses_free(set);
	return bg_exit_worst(rc, bg_out_finish());
}
