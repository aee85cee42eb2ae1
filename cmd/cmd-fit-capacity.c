/*
 * cmd-fit-capacity.c - "battgrade fit capacity" and "battgrade fit
 * resistance": fade models fitted to each module's capacity (or
 * resistance) history, the model chosen by AICc, knee detection and
 * remaining life with P50 and P10 figures; optionally a picture.
 *
 * Input is a pack directory (rated capacity and initial resistance
 * from pack.json) or a lone capacity.csv (rated capacity from
 * --rated-capacity-ah, else the first measured point, and the output
 * says so).  Options may also follow the operand.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "battgrade/fade.h"
#include "battgrade/formats.h"
#include "battgrade/pack.h"
#include "battgrade/plot.h"
#include "cmd.h"

static const char usage_cap[] =
	"battgrade fit capacity [--json] [--verbose] [--cycles-per-day N] "
	"[--eol FRACTION] [--format NAME] [--model auto|NAME] [--module ID] "
	"[--plot FILE] [--rated-capacity-ah AH] [--train-fraction F] "
	"FILE|PACKDIR";
static const char usage_res[] =
	"battgrade fit resistance [--json] [--cycles-per-day N] "
	"[--eol FACTOR] [--model auto|NAME] [--module ID] [--plot FILE] "
	"[--r0-ohm OHM] [--train-fraction F] FILE|PACKDIR";

enum { O_JSON = 256, O_CPD, O_EOL, O_MODEL, O_MODULE, O_PLOT, O_RATED,
       O_TRAIN, O_FORMAT, O_VERBOSE };

static const struct bg_opt opts_cap[] = {
	{ O_JSON, "json", 0, NULL, N_("JSON output, one object per module") },
	{ O_VERBOSE, "verbose", 0, NULL,
	  N_("report a cycler file's format and the checks taken from it") },
	{ O_CPD, "cycles-per-day", 0, "N",
	  N_("duty for remaining life in years (default 1)") },
	{ O_EOL, "eol", 0, "FRACTION",
	  N_("end of life as a fraction of rated capacity (default 0.6)") },
	{ O_FORMAT, "format", 0, "NAME",
	  N_("read FILE as cycler format NAME (bdf, arbin, maccor) instead "
	     "of detecting it") },
	{ O_MODEL, "model", 0, "auto|NAME",
	  N_("model to fit (default auto: the lowest AICc)") },
	{ O_MODULE, "module", 0, "ID", N_("only this module") },
	{ O_PLOT, "plot", 0, "FILE",
	  N_("draw the fit into FILE (.svg, .png or .pdf)") },
	{ O_RATED, "rated-capacity-ah", 0, "AH",
	  N_("rated capacity (default: pack.json, else the first point)") },
	{ O_TRAIN, "train-fraction", 0, "F",
	  N_("fit only the first fraction F of each history") },
	BG_OPT_END
};

static const struct bg_opt opts_res[] = {
	{ O_JSON, "json", 0, NULL, N_("JSON output, one object per module") },
	{ O_CPD, "cycles-per-day", 0, "N",
	  N_("duty for remaining life in years (default 1)") },
	{ O_EOL, "eol", 0, "FACTOR",
	  N_("end of life at FACTOR x initial resistance (default 2)") },
	{ O_MODEL, "model", 0, "auto|NAME",
	  N_("model to fit (default auto: the lowest AICc)") },
	{ O_MODULE, "module", 0, "ID", N_("only this module") },
	{ O_PLOT, "plot", 0, "FILE",
	  N_("draw the fit into FILE (.svg, .png or .pdf)") },
	{ O_RATED, "r0-ohm", 0, "OHM",
	  N_("initial resistance (default: pack.json, else the first "
	     "point)") },
	{ O_TRAIN, "train-fraction", 0, "F",
	  N_("fit only the first fraction F of each history") },
	BG_OPT_END
};

struct fit_args {
	int resistance, json, verbose;
	bg_format fmt;
	const char *module, *plot, *input;
	double ref;               /* rated capacity or R0; 0 = default */
	bg_fade_opts o;
};

/* Options first, operands last, so that options may follow FILE. */
static char **permute(int argc, char **argv, const struct bg_opt *opts)
{
	char **v = malloc(((size_t)argc + 2) * sizeof(*v));
	int i, k = 1, nops = 0, end = 0;
	char **ops = v ? malloc(((size_t)argc + 1) * sizeof(*ops)) : NULL;

	if (!ops) {
		free(v);
		return NULL;
	}
	v[0] = argv[0];
	for (i = 1; i < argc; i++) {
		const struct bg_opt *o;

		if (end || argv[i][0] != '-' || !argv[i][1]) {
			ops[nops++] = argv[i];
			continue;
		}
		if (!strcmp(argv[i], "--")) {
			end = 1;
			continue;
		}
		v[k++] = argv[i];
		for (o = opts; o->name; o++)
			if (!strncmp(argv[i], "--", 2) &&
			    !strcmp(argv[i] + 2, o->name) && o->arg &&
			    i + 1 < argc)
				v[k++] = argv[++i];
	}
	v[k++] = "--";
	memcpy(v + k, ops, (size_t)nops * sizeof(*v));
	v[k + nops] = NULL;
	free(ops);
	return v;
}

static int number(const char *name, const char *arg, double lo, double hi,
		  int lo_open, double *out)
{
	if (bg_opt_double(name, arg, out) < 0)
		return -1;
	if ((lo_open ? *out <= lo : *out < lo) || *out > hi) {
		cmd_warn(_("--%s: '%s' is out of range"), name, arg);
		return -1;
	}
	return 0;
}

static int take(struct fit_args *a, int id, const char *arg)
{
	switch (id) {
	case O_JSON:
		a->json = 1;
		return 0;
	case O_CPD:
		return number("cycles-per-day", arg, 0, 1000, 1,
			      &a->o.cycles_per_day);
	case O_EOL:
		return a->resistance ?
		       number("eol", arg, 1, 100, 1,
			      &a->o.eol_resistance_factor) :
		       number("eol", arg, 0, 1, 1, &a->o.eol_fraction);
	case O_MODEL:
		a->o.model = arg;
		return 0;
	case O_MODULE:
		a->module = arg;
		return 0;
	case O_PLOT:
		a->plot = arg;
		return 0;
	case O_RATED:
		return number(a->resistance ? "r0-ohm" : "rated-capacity-ah",
			      arg, 0, 1e9, 1, &a->ref);
	case O_TRAIN:
		return number("train-fraction", arg, 0, 1, 1,
			      &a->o.train_fraction);
	case O_VERBOSE:
		a->verbose = 1;
		return 0;
	case O_FORMAT:
		if (bg_format_kind(a->fmt = bg_format_from_name(arg)) ==
		    BG_FORMAT_TIMESERIES)
			return 0;
		cmd_warn(_("'%s' is not a cycler format (bdf, arbin, "
			   "maccor)"), arg);
		return -1;
	}
	return -1;
}

/* Returns -1 to go on, else the exit status. */
static int parse_args(int argc, char **argv, struct fit_args *a)
{
	const struct bg_opt *opts = a->resistance ? opts_res : opts_cap;
	const char *usage = a->resistance ? usage_res : usage_cap, *arg;
	char **v = permute(argc, argv, opts);
	struct bg_optstate st;
	int id, n = 0, rc = -1;

	if (!v)
		return BG_EXIT_SOFTWARE;
	while (v[n])
		n++;
	bg_fade_opts_init(&a->o);
	bg_opt_start(&st, n, v, opts, usage);
	while (rc < 0 && (id = bg_opt_next(&st, &arg)) != BG_OPT_DONE) {
		if (id == BG_OPT_HELP)
			rc = 0;
		else if (id == BG_OPT_ERROR || take(a, id, arg) < 0)
			rc = BG_EXIT_USAGE;
	}
	if (rc < 0 && st.optind != n - 1) {
		cmd_warn(_("expected one FILE or PACKDIR"));
		fprintf(stderr, "%s: %s\n", _("usage"), usage);
		rc = BG_EXIT_USAGE;
	}
	if (rc < 0)
		a->input = v[st.optind];
	free(v);
	return rc;
}

/* ---- input ------------------------------------------------------------ */

static int is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A cycler's time series (found by content, or --format): one
 * capacity check per cycle (formats.h); else capacity.csv. */
static int load_file(const struct fit_args *a, bg_capacity_set **set,
		     bg_error *err)
{
	bg_formats_notes notes = { "", 0 };
	bg_format f = a->fmt;
	int rc;

	if (f == BG_FORMAT_UNKNOWN &&
	    bg_formats_detect(&f, a->input, NULL) < 0)
		f = BG_FORMAT_UNKNOWN;
	if (a->resistance || bg_format_kind(f) != BG_FORMAT_TIMESERIES)
		return bg_capacity_load(set, a->input, NULL, err);
	rc = bg_formats_capacity_checks(set, a->input, f, a->ref, &notes,
					err);
	if ((a->verbose || cmd_verbose) && notes.len)
		fputs(notes.text, stderr);
	return rc;
}

static int load(const struct fit_args *a, bg_pack **pack,
		bg_capacity_set **set, bg_error *err)
{
	const char *input = a->input;
	char path[4096];
	int rc;

	*pack = NULL;
	if (!is_dir(input))
		return load_file(a, set, err);
	if ((rc = bg_pack_load(pack, input, err)) < 0)
		return rc;
	rc = bg_pack_path(*pack, "capacity.csv", path, sizeof(path));
	if (rc == 0)
		rc = bg_error_set(err, BG_ENOENT, input, 0, 0,
				  _("the pack has no capacity.csv"));
	else if (rc > 0)
		rc = bg_capacity_load(set, path, *pack, err);
	if (rc < 0) {
		bg_pack_free(*pack);
		*pack = NULL;
	}
	return rc;
}

/* Rated capacity (or R0) of a module: option, manifest, first point. */
static double reference(const struct fit_args *a, const bg_pack *pack,
			const char *id)
{
	const bg_module_info *m = pack ? bg_pack_module(pack, id) : NULL;

	if (a->ref > 0)
		return a->ref;
	if (!m)
		return 0;
	if (a->resistance)
		return isfinite(m->initial_resistance_ohm) ?
		       m->initial_resistance_ohm : 0;
	return m->nominal_capacity_ah;
}

/* ---- output ----------------------------------------------------------- */

static const char *fmt(char *buf, size_t len, const char *f, double v)
{
	if (!isfinite(v))
		return "-";
	return bg_fmt(buf, len, f, v);
}

static int add_row(struct bg_table *t, const char *id, const bg_fade_result *r)
{
	char b[9][32];
	const char *cells[12];
	int ok = r->status == BG_FADE_OK;

	cells[0] = *id ? id : "-";
	cells[1] = bg_fade_status_name(r->status);
	cells[2] = ok ? r->model : "-";
	cells[3] = fmt(b[0], 32, "%.4g", r->capacity_now_ah);
	cells[4] = r->rated_from_first_point ?
		   bg_fmt(b[1], 32, "%.4g*", r->rated_capacity_ah) :
		   fmt(b[1], 32, "%.4g", r->rated_capacity_ah);
	cells[5] = fmt(b[2], 32, "%.4g", r->eol_threshold_ah);
	cells[6] = ok ? (isnan(r->knee_cycle) ? "none" :
			 fmt(b[3], 32, "%.0f", r->knee_cycle)) : "-";
	cells[7] = ok ? (isnan(r->knee_onset_cycle) ? "none" :
			 fmt(b[4], 32, "%.0f", r->knee_onset_cycle)) : "-";
	cells[8] = fmt(b[5], 32, "%.0f", r->eol_cycle_p50);
	cells[9] = fmt(b[6], 32, "%.0f", r->eol_cycle_p10);
	cells[10] = ok && r->rul_beyond_horizon &&
		    isnan(r->rul_years_p50) ? _("beyond") :
		    fmt(b[7], 32, "%.1f", r->rul_years_p50);
	cells[11] = ok && r->rul_beyond_horizon &&
		    isnan(r->rul_years_p10) ? _("beyond") :
		    fmt(b[8], 32, "%.1f", r->rul_years_p10);
	return bg_table_add(t, cells);
}

static struct bg_table *new_table(const struct fit_args *a)
{
	const char *h[12] = { "module", "status", "model",
			      a->resistance ? "now_ohm" : "now_Ah",
			      a->resistance ? "r0_ohm" : "rated_Ah",
			      a->resistance ? "eol_ohm" : "eol_Ah",
			      "knee", "onset", "eol_p50", "eol_p10",
			      "rul_y_p50", "rul_y_p10" };

	return bg_table_new(12, h);
}

static int print_json(const char *id, const bg_fade_result *r)
{
	cJSON *o;
	int rc;

	if (bg_fade_result_to_json(r, &o) < 0)
		return BG_EXIT_SOFTWARE;
	if (!cJSON_AddStringToObject(o, "module_id", id)) {
		cJSON_Delete(o);
		return BG_EXIT_SOFTWARE;
	}
	rc = bg_json_print(stdout, o, 0);
	cJSON_Delete(o);
	return rc < 0 ? BG_EXIT_SOFTWARE : 0;
}

/* FILE, or FILE with "-ID" before its extension when several modules
 * are drawn. */
static int plot_path(char *buf, size_t len, const char *file,
		     const char *id, int many)
{
	const char *dot = strrchr(file, '.'), *slash = strrchr(file, '/');
	size_t stem;

	if (!many || !*id)
		return snprintf(buf, len, "%s", file) < (int)len ? 0 : -1;
	if (!dot || (slash && dot < slash))
		dot = file + strlen(file);
	stem = (size_t)(dot - file);
	return snprintf(buf, len, "%.*s-%s%s", (int)stem, file, id, dot) <
	       (int)len ? 0 : -1;
}

static int write_plot(const char *file, const bg_capacity_series *s,
		      const bg_fade_result *r, int many, bg_error *err)
{
	char path[4096];
	bg_plot *p;
	int rc;

	if (plot_path(path, sizeof(path), file, s->module_id, many) < 0)
		return bg_error_set(err, BG_EINVAL, file, 0, 0,
				    _("plot file name too long"));
	if ((rc = bg_fade_plot(&p, s, r, err)) < 0)
		return rc;
	rc = bg_plot_write(p, path, 720, 450, err);
	bg_plot_free(p);
	return rc;
}

/* ---- the command -------------------------------------------------------- */

static int fit_one(bg_fader *f, const struct fit_args *a,
		   const bg_pack *pack, const bg_capacity_series *s,
		   int many, struct bg_table *t)
{
	bg_fade_opts o = a->o;
	bg_fade_result r;
	bg_error err;
	double ref = reference(a, pack, s->module_id);
	const char *who = *s->module_id ? s->module_id : a->input;
	int rc;

	o.rated_capacity_ah = ref;
	rc = a->resistance ? bg_fade_resistance(f, s, ref, &o, &r, &err)
			   : bg_fade_capacity(f, s, &o, &r, &err);
	if (rc < 0) {
		bg_error_prefix(&err, "%s", who);
		cmd_report(&err);
		return bg_exit_from_error(rc);
	}
	if (r.rated_from_first_point && r.npoints)
		cmd_warn(a->resistance ?
			 _("%s: no initial resistance given: the first "
			   "measured value %.4g ohm is used") :
			 _("%s: no rated capacity given: the first "
			   "measured capacity %.4g Ah is used as rated"),
			 who, r.rated_capacity_ah);
	if (!strcmp(r.axis, "days") && r.npoints)
		cmd_warn(_("%s: no cycle counts: fitted against calendar "
			   "days, remaining life in days"), who);
	if (a->plot && (rc = write_plot(a->plot, s, &r, many, &err)) < 0) {
		cmd_report(&err);
		return bg_exit_from_error(rc);
	}
	if (a->json)
		return print_json(s->module_id, &r);
	return add_row(t, s->module_id, &r) < 0 ? BG_EXIT_SOFTWARE : 0;
}

/* --model must name a model of the right kind: said once, as a usage
 * error listing the choices. */
static int check_model(const bg_fader *f, const struct fit_args *a)
{
	size_t i, n = bg_fader_nmodels(f);
	int res;

	if (!a->o.model || !strcmp(a->o.model, "auto"))
		return 0;
	for (i = 0; i < n; i++)
		if (!strcmp(bg_fader_model_name(f, i, &res), a->o.model) &&
		    res == a->resistance)
			return 0;
	cmd_warn(_("--model: unknown %s model '%s'; choose auto or one "
		   "of:"), a->resistance ? "resistance" : "capacity",
		 a->o.model);
	for (i = 0; i < n; i++)
		if (bg_fader_model_name(f, i, &res) && res == a->resistance)
			fprintf(stderr, "    %s\n",
				bg_fader_model_name(f, i, NULL));
	return BG_EXIT_USAGE;
}

static int run(const struct fit_args *a, const bg_pack *pack,
	       const bg_capacity_set *set)
{
	struct bg_table *t = a->json ? NULL : new_table(a);
	int status = 0, found = 0;
	bg_fader *f;
	bg_error err;
	size_t i;

	if (!a->json && !t)
		return BG_EXIT_SOFTWARE;
	if (bg_fader_new(&f, &err) < 0) {
		cmd_report(&err);
		bg_table_free(t);
		return bg_exit_from_error(err.code);
	}
	if ((status = check_model(f, a)) != 0) {
		bg_fader_free(f);
		bg_table_free(t);
		return status;
	}
	for (i = 0; i < set->nseries; i++) {
		const bg_capacity_series *s = &set->series[i];

		if (a->module && strcmp(a->module, s->module_id))
			continue;
		found = 1;
		status = bg_exit_worst(status, fit_one(f, a, pack, s,
						       set->nseries > 1 &&
						       !a->module, t));
	}
	if (!found) {
		cmd_warn(_("%s: no module '%s'"), a->input,
			 a->module ? a->module : "");
		status = bg_exit_worst(status, BG_EXIT_DATAERR);
	}
	if (t) {
		bg_table_print(t, stdout);
		bg_table_free(t);
	}
	bg_fader_free(f);
	return status;
}

static int fit_command(int argc, char **argv, int resistance)
{
	struct fit_args a;
	bg_capacity_set *set = NULL;
	bg_pack *pack = NULL;
	bg_error err;
	int rc;

	memset(&a, 0, sizeof(a));
	a.resistance = resistance;
	if ((rc = parse_args(argc, argv, &a)) >= 0)
		return rc;
	if ((rc = load(&a, &pack, &set, &err)) < 0) {
		cmd_report(&err);
		return bg_exit_from_error(rc);
	}
	rc = run(&a, pack, set);
	bg_capacity_set_free(set);
	bg_pack_free(pack);
	if (a.plot)
		bg_plot_release();
	return bg_exit_worst(rc, bg_out_finish());
}

int cmd_fit_capacity(int argc, char **argv)
{
	return fit_command(argc, argv, 0);
}

int cmd_fit_resistance(int argc, char **argv)
{
	return fit_command(argc, argv, 1);
}
