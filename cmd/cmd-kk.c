/*
 * cmd-kk.c - "battgrade kk": Lin-KK validation of impedance spectra
 * (Schoenleber et al. 2014); a spectrum that fails is to be re-measured,
 * not graded.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "battgrade/kk.h"
#include "cmd.h"
#include "eisin.h"

static const char usage[] =
	"battgrade kk [--drop-inductive] [--json] [--limit PCT] "
	"[--module ID] FILE|PACKDIR";

enum { O_DROP = 256, O_JSON, O_LIMIT, O_MODULE };

static const struct bg_opt opts[] = {
	{ O_DROP, "drop-inductive", 0, NULL,
	  N_("drop points with Im Z > 0 (else they are kept and counted)") },
	{ O_JSON, "json", 0, NULL, N_("JSON output, one object per spectrum") },
	{ O_LIMIT, "limit", 'l', "PCT",
	  N_("largest normalised residual of a valid spectrum (default 2)") },
	{ O_MODULE, "module", 'm', "ID", N_("only this module") },
	BG_OPT_END
};

static size_t count_inductive(const bg_spectrum *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->n; i++)
		n += s->z_imag_ohm[i] > 0;
	return n;
}

static void print_json(const bg_eisfile_spectra *set, size_t i,
		       const bg_kk_result *kk, double limit, int drop)
{
	const bg_spectrum *s = &set->spectra[i];
	cJSON *o = cJSON_CreateObject(), *k = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "module_id", s->module_id);
	cJSON_AddStringToObject(o, "spectrum", set->label[i]);
	cJSON_AddNumberToObject(o, "n_points", (double)s->n);
	cJSON_AddNumberToObject(k, "mu", kk->mu);
	cJSON_AddNumberToObject(k, "m", kk->m);
	cJSON_AddNumberToObject(k, "max_residual", kk->max_residual);
	cJSON_AddBoolToObject(k, "valid", kk->valid);
	cJSON_AddNumberToObject(k, "limit", limit);
	cJSON_AddNumberToObject(k, "n_inductive", (double)count_inductive(s));
	cJSON_AddNumberToObject(k, "n_dropped_inductive",
				(double)kk->n_dropped_inductive);
	cJSON_AddBoolToObject(k, "inductive_dropped", drop);
	cJSON_AddItemToObject(o, "kk", k);
	bg_json_print(stdout, o, 0);
	cJSON_Delete(o);
}

static int run(const bg_eisfile_spectra *set, double limit, int drop,
	       int json)
{
	static const char *const hdr[] = { "spectrum", "points", "inductive",
					   "M", "mu", "max_residual_%",
					   "valid" };
	struct bg_table *t = json ? NULL : bg_table_new(7, hdr);
	int status = 0;
	size_t i;

	for (i = 0; i < set->n; i++) {
		const bg_spectrum *s = &set->spectra[i];
		bg_kk_result kk;
		bg_error err;
		char b[5][32];
		int rc = bg_kk_test(s, limit, drop, &kk, &err);

		if (rc < 0) {
			cmd_warn(_("spectrum %s: %s"), eisin_name(set, i),
				 err.msg);
			status = bg_exit_worst(status, bg_exit_from_error(rc));
			continue;
		}
		if (!kk.valid)
			status = bg_exit_worst(status, BG_EXIT_DATAERR);
		if (json) {
			print_json(set, i, &kk, limit, drop);
		} else if (t) {
			const char *row[7] = {
				eisin_name(set, i),
				bg_fmt(b[0], 32, "%zu", s->n),
				bg_fmt(b[1], 32, "%zu%s", count_inductive(s),
				       drop ? _(" dropped") : ""),
				bg_fmt(b[2], 32, "%d", kk.m),
				bg_fmt(b[3], 32, "%.3f", kk.mu),
				bg_fmt(b[4], 32, "%.3f",
				       100 * kk.max_residual),
				kk.valid ? _("yes") : _("NO: re-test"),
			};

			bg_table_add(t, row);
		}
	}
	if (t)
		bg_table_print(t, stdout);
	bg_table_free(t);
	return status;
}

int cmd_kk(int argc, char **argv)
{
	const char *module = NULL, *arg;
	struct bg_optstate st;
	bg_eisfile_spectra *set;
	double limit = 100 * BG_KK_DEFAULT_LIMIT;
	int id, drop = 0, json = 0, rc;
	bg_error err;

	bg_opt_start(&st, argc, argv, opts, usage);
	while ((id = bg_opt_next(&st, &arg)) != BG_OPT_DONE) {
		if (id == BG_OPT_HELP)
			return 0;
		if (id == BG_OPT_ERROR)
			return BG_EXIT_USAGE;
		if (id == O_DROP)
			drop = 1;
		else if (id == O_JSON)
			json = 1;
		else if (id == O_MODULE)
			module = arg;
		else if (id == O_LIMIT &&
			 (bg_opt_double("limit", arg, &limit) < 0 ||
			  !(limit > 0) || limit >= 100)) {
			cmd_warn(_("--limit must be a percentage in (0, 100)"));
			return BG_EXIT_USAGE;
		}
	}
	if (st.optind != argc - 1) {
		cmd_warn(_("expected one FILE or PACKDIR"));
		fprintf(stderr, "%s: %s\n", _("usage"), usage);
		return BG_EXIT_USAGE;
	}
	if ((rc = eisin_spectra(&set, argv[st.optind], module, &err)) < 0) {
		cmd_report(&err);
		return bg_exit_from_error(rc);
	}
	rc = run(set, limit / 100, drop, json);
	bg_eisfile_spectra_free(set);
	return bg_exit_worst(rc, bg_out_finish());
}
