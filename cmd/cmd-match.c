/*
 * cmd-match.c - battgrade match: group graded modules (the JSONL of
 * battgrade grade --json, from any number of packs) into NsMp strings
 * within the policy's spreads, and compare with plain sorting.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "battgrade/match.h"
#include "battgrade/policy.h"
#include "cmd.h"

static const char usage[] =
	"battgrade match [--json] [--parallel M] [--policy NAME|FILE] "
	"[--series N] GRADES.jsonl|-";

enum { O_JSON = 256, O_PARALLEL, O_POLICY, O_SERIES };

static const struct bg_opt opts[] = {
	{ O_JSON, "json", 0, NULL, N_("print JSON instead of text") },
	{ O_PARALLEL, "parallel", 0, "M",
	  N_("modules in parallel per position (default 1)") },
	{ O_POLICY, "policy", 0, "NAME|FILE",
	  N_("policy giving the spreads (default: default)") },
	{ O_SERIES, "series", 0, "N",
	  N_("positions in series per string (default 4)") },
	BG_OPT_END
};

struct mods {
	bg_match_module *v;
	size_t n, cap;
};

static void copy_str(char *dst, size_t len, const cJSON *o, const char *k)
{
	const char *s = cJSON_GetStringValue(
		cJSON_GetObjectItemCaseSensitive(o, k));

	snprintf(dst, len, "%s", s ? s : "");
}

static double get_num(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* One JSONL line into a module; a line that is not a graded module is
 * a data error at that line. */
static int add_line(struct mods *ms, const char *path, unsigned long ln,
		    const char *line, size_t len)
{
	const char *end = NULL;
	bg_match_module *m;
	cJSON *o = cJSON_ParseWithLengthOpts(line, len, &end, 0);
	bg_error err;

	if (!o || !cJSON_IsObject(o) ||
	    !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, "grade")) ||
	    !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o,
							     "module_id"))) {
		bg_error_set(&err, BG_EDATA, path, ln,
			     o || !end ? 1 : (unsigned long)(end - line) + 1,
			     o ? _("not a graded module (no grade or "
				   "module_id)")
			       : _("JSON syntax error"));
		cJSON_Delete(o);
		cmd_report(&err);
		return -1;
	}
	if (ms->n == ms->cap) {
		size_t nc = ms->cap ? 2 * ms->cap : 256;
		bg_match_module *g = realloc(ms->v, nc * sizeof(*g));

		if (!g) {
			cJSON_Delete(o);
			return -1;
		}
		ms->v = g;
		ms->cap = nc;
	}
	m = &ms->v[ms->n++];
	copy_str(m->pack_id, sizeof(m->pack_id), o, "pack_id");
	copy_str(m->module_id, sizeof(m->module_id), o, "module_id");
	copy_str(m->chemistry, sizeof(m->chemistry), o, "chemistry");
	copy_str(m->grade, sizeof(m->grade), o, "grade");
	m->capacity_ah = get_num(o, "remaining_capacity_ah");
	m->resistance_ohm = get_num(o, "resistance_ohm");
	m->nominal_voltage_volt = get_num(o, "nominal_voltage_volt");
	cJSON_Delete(o);
	return 0;
}

static int read_grades(struct mods *ms, const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	unsigned long ln = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;

	if (!f) {
		cmd_warn(_("cannot open '%s'"), path);
		return BG_EXIT_NOINPUT;
	}
	while (!rc && (n = getline(&line, &cap, f)) >= 0) {
		ln++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n && add_line(ms, path, ln, line, (size_t)n))
			rc = BG_EXIT_DATAERR;
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return rc;
}

static const char *why_text(int why)
{
	switch (why) {
	case BG_MATCH_NOT_ELIGIBLE:
		return N_("graded R or RETEST, or capacity unknown");
	case BG_MATCH_NO_RESISTANCE:
		return N_("resistance unknown (needed in parallel)");
	default:
		return N_("no partners within the spreads");
	}
}

static const char *why_key(int why)
{
	switch (why) {
	case BG_MATCH_NOT_ELIGIBLE: return "not_eligible";
	case BG_MATCH_NO_RESISTANCE: return "resistance_unknown";
	default: return "no_partners";
	}
}

static void print_text(const struct mods *ms, const bg_match_opts *o,
		       const bg_match_result *r)
{
	size_t g, b, j;

	for (g = 0; g < r->ngroups; g++) {
		const bg_match_group *gr = &r->groups[g];
		const bg_match_module *first = &ms->v[gr->idx[0]];

		printf(_("group %zu: %zuS%zuP %s, grade %s, capacity spread "
			 "%.2f %%, resistance spread %.2f %%\n"), g + 1,
		       o->series, o->parallel, first->chemistry, gr->grade,
		       100 * gr->capacity_spread,
		       100 * gr->resistance_spread);
		for (b = 0; b < o->series; b++) {
			printf("  %zu:", b + 1);
			for (j = 0; j < o->parallel; j++) {
				const bg_match_module *m =
					&ms->v[gr->idx[b * o->parallel + j]];

				printf(" %s/%s (%.2f Ah, %.3f mOhm)",
				       m->pack_id, m->module_id,
				       m->capacity_ah,
				       1e3 * m->resistance_ohm);
			}
			putchar('\n');
		}
	}
	for (j = 0; j < r->nleft; j++)
		printf(_("left over: %s/%s grade %s: %s\n"),
		       ms->v[r->left[j]].pack_id, ms->v[r->left[j]].module_id,
		       ms->v[r->left[j]].grade, _(why_text(r->left_why[j])));
	printf(_("used %zu of %zu eligible modules in %zu groups; plain "
		 "sorting uses %zu in %zu groups\n"),
	       r->ngroups * o->series * o->parallel, r->eligible, r->ngroups,
	       r->baseline_used, r->baseline_groups);
}

static cJSON *module_json(const bg_match_module *m)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "pack_id", m->pack_id);
	cJSON_AddStringToObject(o, "module_id", m->module_id);
	cJSON_AddStringToObject(o, "grade", m->grade);
	cJSON_AddNumberToObject(o, "capacity_ah", m->capacity_ah);
	if (isfinite(m->resistance_ohm))
		cJSON_AddNumberToObject(o, "resistance_ohm", m->resistance_ohm);
	else
		cJSON_AddNullToObject(o, "resistance_ohm");
	return o;
}

static void print_json(const struct mods *ms, const bg_match_opts *o,
		       const bg_match_result *r)
{
	cJSON *root = cJSON_CreateObject(), *gs, *g, *blocks, *blk, *left, *x;
	size_t i, b, j;

	gs = cJSON_AddArrayToObject(root, "groups");
	for (i = 0; i < r->ngroups; i++) {
		g = cJSON_CreateObject();
		cJSON_AddItemToArray(gs, g);
		cJSON_AddNumberToObject(g, "group", (double)i + 1);
		cJSON_AddNumberToObject(g, "series", (double)o->series);
		cJSON_AddNumberToObject(g, "parallel", (double)o->parallel);
		cJSON_AddStringToObject(g, "chemistry",
					ms->v[r->groups[i].idx[0]].chemistry);
		cJSON_AddStringToObject(g, "grade", r->groups[i].grade);
		cJSON_AddNumberToObject(g, "capacity_spread",
					r->groups[i].capacity_spread);
		cJSON_AddNumberToObject(g, "resistance_spread",
					r->groups[i].resistance_spread);
		blocks = cJSON_AddArrayToObject(g, "positions");
		for (b = 0; b < o->series; b++) {
			blk = cJSON_CreateArray();
			cJSON_AddItemToArray(blocks, blk);
			for (j = 0; j < o->parallel; j++)
				cJSON_AddItemToArray(blk, module_json(
					&ms->v[r->groups[i].idx[b * o->parallel
								+ j]]));
		}
	}
	left = cJSON_AddArrayToObject(root, "left_over");
	for (j = 0; j < r->nleft; j++) {
		x = module_json(&ms->v[r->left[j]]);
		cJSON_AddStringToObject(x, "reason", why_key(r->left_why[j]));
		cJSON_AddItemToArray(left, x);
	}
	x = cJSON_AddObjectToObject(root, "summary");
	cJSON_AddNumberToObject(x, "modules", (double)ms->n);
	cJSON_AddNumberToObject(x, "eligible", (double)r->eligible);
	cJSON_AddNumberToObject(x, "used", (double)(r->ngroups * o->series *
						    o->parallel));
	cJSON_AddNumberToObject(x, "groups", (double)r->ngroups);
	cJSON_AddNumberToObject(x, "sorted_used", (double)r->baseline_used);
	cJSON_AddNumberToObject(x, "sorted_groups",
				(double)r->baseline_groups);
	cJSON_AddNumberToObject(x, "capacity_spread_limit",
				o->capacity_spread);
	cJSON_AddNumberToObject(x, "resistance_spread_limit",
				o->resistance_spread);
	bg_json_print(stdout, root, 1);
	cJSON_Delete(root);
}

int cmd_match(int argc, char **argv)
{
	struct bg_optstate st;
	struct mods ms = { NULL, 0, 0 };
	bg_match_opts o = { 4, 1, 0, 0 };
	const char *arg, *policy = "default";
	bg_match_result r;
	bg_policy *pol = NULL;
	bg_error err;
	long v;
	int c, json = 0, rc;

	bg_opt_start(&st, argc, argv, opts, usage);
	while ((c = bg_opt_next(&st, &arg)) != BG_OPT_DONE) {
		if (c == BG_OPT_HELP)
			return 0;
		if (c == BG_OPT_ERROR)
			return BG_EXIT_USAGE;
		if (c == O_JSON)
			json = 1;
		else if (c == O_POLICY)
			policy = arg;
		else if (bg_opt_long(c == O_SERIES ? "series" : "parallel",
				     arg, 1, 1000, &v))
			return BG_EXIT_USAGE;
		else if (c == O_SERIES)
			o.series = (size_t)v;
		else
			o.parallel = (size_t)v;
	}
	if (st.optind != argc - 1) {
		fprintf(stderr, "%s: %s\n", _("usage"), usage);
		return BG_EXIT_USAGE;
	}
	bg_error_clear(&err);
	if ((rc = bg_policy_load(&pol, policy, &err))) {
		cmd_report(&err);
		return bg_exit_from_error(rc);
	}
	o.capacity_spread = pol->series_capacity_spread;
	o.resistance_spread = pol->parallel_resistance_spread;
	if (!(rc = read_grades(&ms, argv[argc - 1]))) {
		if (bg_match(ms.v, ms.n, &o, &r, &err)) {
			cmd_report(&err);
			rc = BG_EXIT_SOFTWARE;
		} else {
			if (json)
				print_json(&ms, &o, &r);
			else
				print_text(&ms, &o, &r);
			bg_match_result_release(&r);
		}
	}
	free(ms.v);
	bg_policy_free(pol);
	return bg_exit_worst(rc, bg_out_finish());
}
