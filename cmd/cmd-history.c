/*
 * cmd-history.c - "battgrade history": usage and abuse statistics from
 * a pack's BMS log, as a readable summary or JSON.
 *
 * A lone log needs --chemistry and --nominal-capacity-ah; a pack
 * directory takes both, the modules and the service dates from its
 * pack.json (whose "limits" object may override the chemistry's; the
 * flags, when given, override pack.json).
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "battgrade/history.h"
#include "battgrade/pack.h"
#include "cmd.h"

enum { O_JSON = 256, O_CHEM, O_CAP, O_SERIES, O_GAP, O_FORMAT, O_VERBOSE };

static const struct bg_opt opts[] = {
	{ O_JSON, "json", 0, NULL, N_("print the report as JSON") },
	{ O_VERBOSE, "verbose", 0, NULL,
	  N_("report each file's format and unit conversions") },
	{ O_SERIES, "cells-series", 0, "N",
	  N_("cells in series behind the logged voltage (lone file; "
	     "default 1)") },
	{ O_CHEM, "chemistry", 0, "NAME",
	  N_("NMC, NCA, LFP, LMO or LTO (lone file)") },
	{ O_FORMAT, "format", 0, "NAME",
	  N_("read lone files as format NAME (bdf, arbin, maccor) instead "
	     "of detecting it") },
	{ O_GAP, "gap-seconds", 0, "S",
	  N_("longest interval that is not a data gap (default 21600)") },
	{ O_CAP, "nominal-capacity-ah", 0, "AH",
	  N_("nominal capacity of the logged unit (lone file)") },
	{ 'h', "help", 'h', NULL, N_("show this help") },
	BG_OPT_END
};

static const char usage[] =
	"battgrade history [--json] [--verbose] [--cells-series N] "
	"[--chemistry NAME] [--format NAME] [--gap-seconds S] "
	"[--nominal-capacity-ah AH] FILE...|PACKDIR";

struct hist_args {
	int json, verbose;
	bg_format fmt;
	long series;
	const char *chem;
	double cap_ah, gap_s;
};

static int parse_args(int argc, char **argv, struct hist_args *a,
		      int *first)
{
	struct bg_optstate st;
	const char *arg;
	int c;

	memset(a, 0, sizeof(*a));
	a->cap_ah = NAN;
	a->series = 1;
	bg_opt_start(&st, argc, argv, opts, usage);
	while ((c = bg_opt_next(&st, &arg)) != BG_OPT_DONE) {
		if (c == BG_OPT_HELP)
			return 0;
		if (c == BG_OPT_ERROR)
			return BG_EXIT_USAGE;
		if ((c == O_CAP && bg_opt_double("nominal-capacity-ah", arg,
						 &a->cap_ah) < 0) ||
		    (c == O_GAP && bg_opt_double("gap-seconds", arg,
						 &a->gap_s) < 0) ||
		    (c == O_SERIES && bg_opt_long("cells-series", arg, 1,
						  100000, &a->series) < 0))
			return BG_EXIT_USAGE;
		if (c == O_FORMAT &&
		    bg_format_kind(a->fmt = bg_format_from_name(arg)) !=
		    BG_FORMAT_TIMESERIES) {
			cmd_warn(_("'%s' is not a time-series format (bdf, "
				   "arbin, maccor)"), arg);
			return BG_EXIT_USAGE;
		}
		if (c == O_JSON)
			a->json = 1;
		else if (c == O_VERBOSE)
			a->verbose = 1;
		else if (c == O_CHEM)
			a->chem = arg;
	}
	*first = st.optind;
	if (st.optind >= argc) {
		cmd_warn(_("no log file or pack directory given"));
		fprintf(stderr, "%s: %s\n", _("usage"), usage);
		return BG_EXIT_USAGE;
	}
	return -1;
}

static int is_dir(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static void on_progress(void *ctx, unsigned long long bytes)
{
	bg_progress_update(ctx, bytes);
}

static unsigned long long file_size(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? (unsigned long long)sb.st_size : 0;
}

/* Feed every file, with a progress bar per file on a terminal; a lone
 * file may be a cycler or BDF time series (any != 0). */
static int feed_files(bg_history *h, char **files, int n, int any,
		      const struct hist_args *a, bg_error *err)
{
	struct bg_progress p;
	int i, rc = 0;

	bg_history_set_progress(h, on_progress, &p);
	for (i = 0; i < n && !rc; i++) {
		bg_formats_notes notes = { "", 0 };

		bg_progress_start(&p, _("reading"), file_size(files[i]));
		rc = any ? bg_history_feed_any(h, files[i], a->fmt, &notes, err)
			 : bg_history_feed_file(h, files[i], err);
		bg_progress_end(&p);
		if ((a->verbose || cmd_verbose) && notes.len)
			fputs(notes.text, stderr);
	}
	return rc;
}

static int lone_files(const struct hist_args *a, char **files, int n,
		      bg_history **out, bg_error *err)
{
	bg_chem_limits lim;
	int rc;

	if ((rc = bg_chem_limits_load(&lim, a->chem, err)) < 0)
		return rc;
	lim.cells_series = (int)a->series;
	if ((rc = bg_history_new(out, &lim, a->cap_ah, err)) < 0)
		return rc;
	if (a->gap_s > 0)
		bg_history_set_gap_s(*out, a->gap_s);
	return feed_files(*out, files, n, 1, a, err);
}

/* Limits of the pack's chemistry, overridden by pack.json "limits"
 * and --chemistry; the logged voltage of a pack-level log spans
 * modules_series x cells_series cells. */
static int pack_limits(const bg_pack *pack, const struct hist_args *a,
		       bg_chem_limits *lim, bg_error *err)
{
	const cJSON *over = cJSON_GetObjectItemCaseSensitive(pack->json,
							    "limits");
	char where[4200];
	int rc;

	if ((rc = bg_chem_limits_load(lim, a->chem ? a->chem
					       : pack->chemistry, err)) < 0)
		return rc;
	snprintf(where, sizeof(where), "%s/pack.json", pack->dir);
	if (over && (rc = bg_chem_limits_apply(lim, over, where, err)) < 0)
		return rc;
	lim->cells_series = pack->modules_series *
			    (pack->nmodules ? pack->modules[0].cells_series : 1);
	if (lim->cells_series < 1)
		lim->cells_series = 1;
	return 0;
}

static double date_s(const char *s)
{
	double t;

	return *s && bg_parse_time(s, &t) == 0 ? t : NAN;
}

static int pack_setup(bg_history *h, const bg_pack *pack, bg_error *err)
{
	size_t i;
	int rc;

	for (i = 0; i < pack->nmodules; i++)
		if ((rc = bg_history_add_module(h, pack->modules[i].module_id,
				pack->modules[i].nominal_capacity_ah,
				pack->modules[i].cells_series, err)) < 0)
			return rc;
	bg_history_set_modules_series(h, pack->modules_series);
	bg_history_set_dates(h, date_s(pack->manufacture_date),
			     date_s(pack->first_use_date),
			     date_s(pack->retirement_date));
	return 0;
}

static int pack_dir(const struct hist_args *a, const char *dir,
		    bg_history **out, bg_error *err)
{
	bg_chem_limits lim;
	bg_pack *pack = NULL;
	char path[4200];
	char *files[1];
	int rc;

	if ((rc = bg_pack_load(&pack, dir, err)) < 0)
		return rc;
	if ((rc = pack_limits(pack, a, &lim, err)) < 0 ||
	    (rc = bg_history_new(out, &lim, a->cap_ah > 0 ? a->cap_ah
				 : pack->nominal_capacity_ah, err)) < 0 ||
	    (rc = pack_setup(*out, pack, err)) < 0)
		goto done;
	if (a->gap_s > 0)
		bg_history_set_gap_s(*out, a->gap_s);
	if ((rc = bg_pack_path(pack, "history.csv", path, sizeof(path))) <= 0) {
		rc = bg_error_set(err, BG_ENOENT, path, 0, 0,
				  _("no BMS log (history.csv) in the pack: "
				    "without recorded history a pack cannot "
				    "be graded for reuse"));
		goto done;
	}
	files[0] = path;
	rc = feed_files(*out, files, 1, 0, a, err);
done:
	bg_pack_free(pack);
	return rc;
}

/* ---- the readable report ------------------------------------------ */

static void row2(struct bg_table *t, const char *k, const char *v)
{
	const char *cells[2];

	cells[0] = k;
	cells[1] = v;
	bg_table_add(t, cells);
}

static void print_totals(const bg_history *h, const bg_history_summary *s)
{
	const char *hdr[2] = { _("quantity"), _("value") };
	struct bg_table *t = bg_table_new(2, hdr);
	char b[128];

	if (!t)
		return;
	row2(t, _("rows"), bg_fmt(b, sizeof(b), "%lu", s->rows));
	row2(t, _("modules"), bg_fmt(b, sizeof(b), "%zu",
				    bg_history_nmodules(h)));
	row2(t, _("span (days)"), bg_fmt(b, sizeof(b), "%.2f",
					 s->span_s / 86400));
	row2(t, _("charge throughput (Ah)"),
	     bg_fmt(b, sizeof(b), "%.3f", s->ah_throughput_charge));
	row2(t, _("discharge throughput (Ah)"),
	     bg_fmt(b, sizeof(b), "%.3f", s->ah_throughput_discharge));
	row2(t, _("energy throughput (kWh)"),
	     bg_fmt(b, sizeof(b), "%.3f", s->energy_throughput_kwh));
	row2(t, _("equivalent full cycles"),
	     bg_fmt(b, sizeof(b), "%.2f", s->equivalent_full_cycles));
	row2(t, _("minutes above temperature limit"),
	     bg_fmt(b, sizeof(b), "%.1f", s->minutes_above_temp));
	row2(t, _("minutes below temperature limit"),
	     bg_fmt(b, sizeof(b), "%.1f", s->minutes_below_temp));
	row2(t, _("minutes charging above limit"),
	     bg_fmt(b, sizeof(b), "%.1f", s->minutes_charging_above));
	row2(t, _("minutes charging below limit"),
	     bg_fmt(b, sizeof(b), "%.1f", s->minutes_charging_below));
	row2(t, _("minutes at high SOC"),
	     bg_fmt(b, sizeof(b), "%.1f", s->minutes_high_soc));
	row2(t, _("data gaps"), bg_fmt(b, sizeof(b), "%lu", s->gaps));
	row2(t, _("backward clock jumps"),
	     bg_fmt(b, sizeof(b), "%lu", s->clock_jumps));
	row2(t, _("coverage of service life"), isnan(s->coverage)
	     ? _("unknown") : bg_fmt(b, sizeof(b), "%.1f %%",
				     100 * s->coverage));
	bg_table_print(t, stdout);
	bg_table_free(t);
}

struct rf_sum {
	double full, half;
};

static void rf_add(void *ctx, double depth, double mean, double count,
		   unsigned long n)
{
	struct rf_sum *r = ctx;

	(void)depth;
	(void)mean;
	if (count >= 1)
		r->full += n;
	else
		r->half += n;
}

static void print_events(const bg_history *h)
{
	const char *hdr[5] = { _("event"), _("start"), _("end"),
			       _("extreme"), _("line") };
	struct bg_table *t = bg_table_new(5, hdr);
	size_t i, n = bg_history_event_count(h, NULL);
	char b[4][64];
	bg_event e;

	if (!t)
		return;
	for (i = 0; i < n && bg_history_event_get(h, NULL, i, &e) == 0; i++) {
		const char *cells[5];

		cells[0] = bg_event_name(e.type);
		cells[1] = bg_fmt(b[0], sizeof(b[0]), "%.0f", e.start);
		cells[2] = bg_fmt(b[1], sizeof(b[1]), "%.0f", e.end);
		cells[3] = bg_fmt(b[2], sizeof(b[2]), "%.3f", e.extreme);
		cells[4] = bg_fmt(b[3], sizeof(b[3]), "%lu", e.line);
		bg_table_add(t, cells);
	}
	if (n) {
		printf("\n");
		bg_table_print(t, stdout);
	} else {
		printf("\n%s\n", _("no harmful events"));
	}
	bg_table_free(t);
}

static void print_report(const bg_history *h, const char *what)
{
	bg_history_summary s;
	struct rf_sum rf = { 0, 0 };

	bg_history_summary_get(h, NULL, &s);
	printf("%s\n\n", what);
	print_totals(h, &s);
	bg_history_rainflow(h, NULL, rf_add, &rf);
	printf("\n%s: %.0f %s, %.0f %s\n", _("rainflow (SOC)"), rf.full,
	       _("full cycles"), rf.half, _("half cycles"));
	print_events(h);
}

static int report(const bg_history *h, const char *what, int json)
{
	cJSON *o;

	if (!json) {
		print_report(h, what);
		return 0;
	}
	if (bg_history_to_json(h, NULL, &o) < 0)
		return BG_EXIT_SOFTWARE;
	cJSON_AddStringToObject(o, "source", what);
	if (bg_json_print(stdout, o, 1) < 0) {
		cJSON_Delete(o);
		return BG_EXIT_SOFTWARE;
	}
	cJSON_Delete(o);
	return 0;
}

int cmd_history(int argc, char **argv)
{
	struct hist_args a;
	bg_history *h = NULL;
	bg_error err;
	int first, rc;

	bg_error_clear(&err);
	if ((rc = parse_args(argc, argv, &a, &first)) >= 0)
		return rc;
	if (is_dir(argv[first])) {
		if (argc - first > 1) {
			cmd_warn(_("give one pack directory, or log files"));
			return BG_EXIT_USAGE;
		}
		rc = pack_dir(&a, argv[first], &h, &err);
	} else if (!a.chem || !(a.cap_ah > 0)) {
		cmd_warn(_("a log file without its pack needs --chemistry "
			   "and a positive --nominal-capacity-ah"));
		return BG_EXIT_USAGE;
	} else {
		rc = lone_files(&a, argv + first, argc - first, &h, &err);
	}
	if (rc < 0) {
		cmd_report(&err);
		bg_history_free(h);
		return bg_exit_from_error(rc);
	}
	rc = report(h, argv[first], a.json);
	bg_history_free(h);
	return rc ? rc : bg_out_finish();
}
