/*
 * cmd-policy.c - battgrade policy: list the installed grading policies,
 * show one (its gates, thresholds per chemistry and application
 * profiles), or check a policy file before grading with it.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "battgrade/models.h"
#include "battgrade/policy.h"
#include "cmd.h"

static const char usage[] =
	"battgrade policy [--json] list | show NAME|FILE | check FILE...";

static const struct bg_opt opts[] = {
	{ 'j', "json", 0, NULL, N_("print JSON instead of a table") },
	BG_OPT_END
};

static int load(bg_policy **p, const char *name)
{
	bg_error err;
	int rc;

	bg_error_clear(&err);
	if ((rc = bg_policy_load(p, name, &err))) {
		cmd_report(&err);
		return bg_exit_from_error(rc);
	}
	return 0;
}

static int list(int json)
{
	static const char *const head[] = { "NAME", "VERSION", "SHA256",
					    "DESCRIPTION" };
	struct bg_table *t = NULL;
	cJSON *arr = NULL, *o;
	char **names, sha[16];
	size_t n, i;
	bg_policy *p;
	bg_error err;
	int rc, status = 0;

	bg_error_clear(&err);
	if ((rc = bg_policy_names(&names, &n, &err))) {
		cmd_report(&err);
		return bg_exit_from_error(rc);
	}
	if (json ? !(arr = cJSON_CreateArray()) : !(t = bg_table_new(4, head)))
		goto oom;
	for (i = 0; i < n; i++) {
		if ((rc = load(&p, names[i]))) {
			status = bg_exit_worst(status, rc);
			continue;
		}
		if (json) {
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "name", p->name);
			cJSON_AddStringToObject(o, "version", p->version);
			cJSON_AddStringToObject(o, "sha256", p->sha256_hex);
			cJSON_AddStringToObject(o, "description",
						p->description);
			cJSON_AddItemToArray(arr, o);
		} else {
			const char *row[4] = { p->name, p->version, sha,
					       p->description };

			snprintf(sha, sizeof(sha), "%.12s", p->sha256_hex);
			bg_table_add(t, row);
		}
		bg_policy_free(p);
	}
	if (json)
		bg_json_print(stdout, arr, 1);
	else
		bg_table_print(t, stdout);
	cJSON_Delete(arr);
	bg_table_free(t);
	bg_policy_names_free(names);
	return status;
oom:
	bg_policy_names_free(names);
	cmd_warn(_("out of memory"));
	return BG_EXIT_SOFTWARE;
}

/* Thresholds per chemistry, "NMC=0.8 LFP=0.82", when any differ. */
static void chem_thresholds(const bg_policy *p, size_t i, char *buf,
			    size_t len)
{
	size_t k, off = 0;

	buf[0] = '\0';
	for (k = 0; k < p->noverrides && off < len; k++) {
		if (p->overrides[k].rule != i)
			continue;
		off += (size_t)snprintf(buf + off, len - off, "%s%s=%g",
					off ? " " : "",
					p->overrides[k].chemistry,
					p->overrides[k].threshold);
	}
}

static void show_table(const bg_policy *p)
{
	static const char *const rh[] = { "GATE", "RULE", "INPUT", "TEST",
					  "ON FAIL", "UNKNOWN",
					  "PER CHEMISTRY" };
	static const char *const ah[] = { "APPLICATION", "CYCLES/DAY", "DOD",
					  "C-RATE", "TEMP C", "GRADES",
					  "EOL SOH_C", "MIN P10 Y",
					  "MAX SOH_R" };
	struct bg_table *t = bg_table_new(7, rh);
	char test[64], chem[128], b[6][24];
	size_t i;
	int g;

	printf("%s %s\nsha256 %s\n%s\n\n", p->name, p->version,
	       p->sha256_hex, p->path);
	for (i = 0; t && i < p->nrules; i++) {
		const bg_policy_rule *r = &p->rules[i];
		const char *row[7] = { r->gate, r->id, r->input, test,
				       bg_grade_name(r->on_fail),
				       r->on_unknown == BG_GRADE_NONE
					       ? "-"
					       : bg_grade_name(r->on_unknown),
				       chem };

		snprintf(test, sizeof(test), "%s %g %s",
			 bg_policy_op_name(r->op), r->threshold, r->unit);
		chem_thresholds(p, i, chem, sizeof(chem));
		bg_table_add(t, row);
	}
	bg_table_print(t, stdout);
	bg_table_free(t);
	putchar('\n');
	t = bg_table_new(9, ah);
	for (i = 0; t && i < p->nprofiles; i++) {
		const bg_policy_profile *a = &p->profiles[i];
		const char *row[9] = { a->name, b[0], b[1], b[2], b[3], b[4],
				       b[5], test, chem };

		bg_fmt(b[0], sizeof(b[0]), "%g", a->cycles_per_day);
		bg_fmt(b[1], sizeof(b[1]), "%g", a->depth_of_discharge);
		bg_fmt(b[2], sizeof(b[2]), "%g", a->c_rate);
		bg_fmt(b[3], sizeof(b[3]), "%g", a->temperature_c);
		b[4][0] = '\0';
		for (g = BG_GRADE_A; g >= BG_GRADE_C; g--)
			if (a->grades & (1u << g))
				strncat(b[4], bg_grade_name(g), 2);
		bg_fmt(b[5], sizeof(b[5]), "%g", a->eol_soh_capacity);
		bg_fmt(test, sizeof(test), "%g", a->min_p10_years);
		bg_fmt(chem, sizeof(chem), "%g%s", a->max_soh_resistance,
		       a->resistance_required ? " (required)" : "");
		bg_table_add(t, row);
	}
	bg_table_print(t, stdout);
	bg_table_free(t);
}

static int show(const char *name, int json)
{
	bg_policy *p;
	char *text;
	bg_error err;
	int rc;

	if ((rc = load(&p, name)))
		return rc;
	if (!json) {
		show_table(p);
		bg_policy_free(p);
		return 0;
	}
	/* The file itself is the JSON form: print exactly what was hashed. */
	bg_error_clear(&err);
	if ((rc = bg_read_file(&text, NULL, p->path, 1 << 20, &err))) {
		cmd_report(&err);
		bg_policy_free(p);
		return bg_exit_from_error(rc);
	}
	fputs(text, stdout);
	free(text);
	bg_policy_free(p);
	return 0;
}

static int check(char **files, int n, int json)
{
	bg_policy *p;
	int i, rc, status = 0;

	for (i = 0; i < n; i++) {
		if ((rc = load(&p, files[i]))) {
			status = bg_exit_worst(status, rc);
			continue;
		}
		if (json) {
			cJSON *o = cJSON_CreateObject();

			cJSON_AddStringToObject(o, "file", files[i]);
			cJSON_AddStringToObject(o, "name", p->name);
			cJSON_AddStringToObject(o, "version", p->version);
			cJSON_AddStringToObject(o, "sha256", p->sha256_hex);
			cJSON_AddNumberToObject(o, "rules", (double)p->nrules);
			cJSON_AddNumberToObject(o, "applications",
						(double)p->nprofiles);
			bg_json_print(stdout, o, 0);
			cJSON_Delete(o);
		}
		else
			printf(_("%s: ok: policy %s %s, %zu rules, %zu "
				 "applications, sha256 %s\n"), files[i],
			       p->name, p->version, p->nrules, p->nprofiles,
			       p->sha256_hex);
		bg_policy_free(p);
	}
	return status;
}

int cmd_policy(int argc, char **argv)
{
	struct bg_optstate st;
	const char *arg, *verb;
	int c, json = 0, rc = 0, nops;
	char **ops;

	bg_opt_start(&st, argc, argv, opts, usage);
	while ((c = bg_opt_next(&st, &arg)) != BG_OPT_DONE) {
		if (c == BG_OPT_HELP)
			return 0;
		if (c == BG_OPT_ERROR)
			return BG_EXIT_USAGE;
		if (c == 'j')
			json = 1;
	}
	ops = argv + st.optind;
	nops = argc - st.optind;
	verb = nops > 0 ? ops[0] : "";
	if (!strcmp(verb, "list") && nops == 1)
		rc = list(json);
	else if (!strcmp(verb, "show") && nops == 2)
		rc = show(ops[1], json);
	else if (!strcmp(verb, "check") && nops >= 2)
		rc = check(ops + 1, nops - 1, json);
	else {
		fprintf(stderr, "%s: %s\n", _("usage"), usage);
		return BG_EXIT_USAGE;
	}
	return bg_exit_worst(rc, bg_out_finish());
}
