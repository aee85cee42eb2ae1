/*
 * cmd-fit-impedance.c - "battgrade fit impedance": equivalent-circuit
 * fits of impedance spectra with their Kramers-Kronig check.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "battgrade/circuit.h"
#include "battgrade/eisfit.h"
#include "battgrade/eisplot.h"
#include "battgrade/kk.h"
#include "cmd.h"
#include "eisin.h"

static const char usage[] =
	"battgrade fit impedance [--drop-inductive] [--json] "
	"[--circuit STR|TEMPLATE] "
	"[--guess LIST] [--module ID] [--plot FILE] "
	"[--weight modulus|unit|proportional] FILE|PACKDIR";

enum { O_DROP = 250, O_JSON = 256, O_CIRCUIT, O_GUESS, O_MODULE, O_PLOT,
       O_WEIGHT };

static const struct bg_opt opts[] = {
	{ O_DROP, "drop-inductive", 0, NULL,
	  N_("ignore points with Im Z > 0 (fit and Kramers-Kronig test)") },
	{ O_JSON, "json", 0, NULL, N_("JSON output, one object per spectrum") },
	{ O_CIRCUIT, "circuit", 'c', "STR|TEMPLATE",
	  N_("circuit string or template (default two-arc)") },
	{ O_GUESS, "guess", 0, "LIST",
	  N_("starting values, comma-separated, in parameter order") },
	{ O_MODULE, "module", 'm', "ID", N_("only this module") },
	{ O_PLOT, "plot", 0, "FILE",
	  N_("Nyquist and Bode plots of the first spectrum (.svg/.png/.pdf)") },
	{ O_WEIGHT, "weight", 'w', "modulus|unit|proportional",
	  N_("residual weighting (default modulus)") },
	BG_OPT_END
};

struct fit_args {
	const char *circuit, *module, *plot;
	int weight, json, drop;
	double guess[16];
	size_t nguess;
};

static cJSON *residuals_json(const bg_eis_fitter *f)
{
	const double *fh, *rr, *ri;
	cJSON *o = cJSON_CreateObject();
	size_t n;

	bg_eis_fitter_residuals(f, &fh, &rr, &ri, &n);
	cJSON_AddItemToObject(o, "frequency_hz",
			      cJSON_CreateDoubleArray(fh, (int)n));
	cJSON_AddItemToObject(o, "real", cJSON_CreateDoubleArray(rr, (int)n));
	cJSON_AddItemToObject(o, "imag", cJSON_CreateDoubleArray(ri, (int)n));
	return o;
}

static cJSON *kk_json(const bg_kk_result *kk, int kk_rc)
{
	cJSON *o;

	if (kk_rc < 0)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "mu", kk->mu);
	cJSON_AddNumberToObject(o, "m", kk->m);
	cJSON_AddNumberToObject(o, "max_residual", kk->max_residual);
	cJSON_AddBoolToObject(o, "valid", kk->valid);
	return o;
}

static int print_json(const bg_eisfile_spectra *set, size_t i,
		      const bg_eis_result *r, const bg_eis_fitter *f,
		      const bg_kk_result *kk, int kk_rc)
{
	const bg_spectrum *s = &set->spectra[i];
	cJSON *o;
	int rc;

	if (bg_eis_result_to_json(r, &o) < 0)
		return -1;
	cJSON_AddStringToObject(o, "module_id", s->module_id);
	cJSON_AddStringToObject(o, "spectrum", set->label[i]);
	cJSON_AddNumberToObject(o, "n_points", (double)s->n);
	cJSON_AddNumberToObject(o, "rms_residual", bg_eis_fitter_rms(f));
	cJSON_AddItemToObject(o, "kk", kk_json(kk, kk_rc));
	cJSON_AddItemToObject(o, "residuals", residuals_json(f));
	rc = bg_json_print(stdout, o, 0);
	cJSON_Delete(o);
	return rc;
}

static void print_table(const bg_eisfile_spectra *set, size_t i,
			const bg_eis_result *r, const bg_eis_fitter *f,
			const bg_kk_result *kk, int kk_rc)
{
	static const char *const hdr[] = { "parameter", "value",
					   "std_error", "rel_error_%" };
	struct bg_table *t = bg_table_new(4, hdr);
	char b[3][32];
	size_t k;

	printf("%s %s  %s %s  n=%zu\n", _("spectrum"), eisin_name(set, i),
	       _("circuit"), r->circuit, set->spectra[i].n);
	for (k = 0; t && k < r->nparams; k++) {
		const char *row[4] = {
			r->param_name[k],
			bg_fmt(b[0], sizeof b[0], "%.6g", r->param[k]),
			bg_fmt(b[1], sizeof b[1], "%.3g", r->param_se[k]),
			bg_fmt(b[2], sizeof b[2], "%.3g",
			       100 * r->param_se[k] / r->param[k]),
		};

		bg_table_add(t, row);
	}
	if (t)
		bg_table_print(t, stdout);
	bg_table_free(t);
	printf("%s %s  chi2/dof %.4g  %s %.3g %%\n", _("status"),
	       r->status ? _("not converged") : _("ok"), r->chi2_dof,
	       _("rms residual"), 100 * bg_eis_fitter_rms(f));
	if (kk_rc == 0)
		printf("Lin-KK: M %d  mu %.3f  %s %.3g %%  %s\n", kk->m,
		       kk->mu, _("max residual"), 100 * kk->max_residual,
		       kk->valid ? _("valid") : _("INVALID: re-test"));
	printf("\n");
}

/* Keep only capacitive points (impedance.py preprocessing.ignoreBelowX):
 * compacts the spectrum in place. */
static void drop_inductive(bg_spectrum *s)
{
	size_t i, k = 0;

	for (i = 0; i < s->n; i++) {
		if (s->z_imag_ohm[i] > 0)
			continue;
		s->freq_hz[k] = s->freq_hz[i];
		s->z_real_ohm[k] = s->z_real_ohm[i];
		s->z_imag_ohm[k++] = s->z_imag_ohm[i];
	}
	s->n = k;
}

static int fit_one(bg_eis_fitter *f, bg_eisfile_spectra *set, size_t i,
		   const struct fit_args *a)
{
	bg_spectrum *s = &set->spectra[i];
	bg_kk_result kk;
	bg_eis_result r;
	bg_error err;
	int rc, kk_rc;

	if (a->drop)
		drop_inductive(s);

	rc = a->nguess ? bg_eis_fit_guess(f, s, a->circuit, a->weight,
					  a->guess, a->nguess, &r, &err)
		       : bg_eis_fit(f, s, a->circuit, a->weight, &r, &err);
	if (rc < 0 && rc != BG_ENOCONV) {
		cmd_report(&err);
		return bg_exit_from_error(rc);
	}
	if (rc == BG_ENOCONV)
		cmd_warn(_("spectrum %s: %s"), eisin_name(set, i), err.msg);
	kk_rc = bg_kk_test(s, BG_KK_DEFAULT_LIMIT, 0, &kk, &err);
	if (a->json)
		print_json(set, i, &r, f, &kk, kk_rc);
	else
		print_table(set, i, &r, f, &kk, kk_rc);
	if (a->plot && i == 0 &&
	    bg_eis_plot_write(a->plot, s, &r, strcmp(eisin_name(set, i), "-")
			      ? eisin_name(set, i) : NULL, &err) < 0) {
		cmd_report(&err);
		return bg_exit_from_error(err.code);
	}
	return bg_exit_from_error(rc);
}

/* A bad circuit is a usage error, reported once with its column. */
static int check_circuit(const char *spec, size_t nguess)
{
	char text[BG_CIRCUIT_MAX_LEN + 1];
	bg_circuit *c;
	bg_error err;
	size_t np;

	if (bg_circuit_resolve(text, sizeof text, spec, &err) < 0 ||
	    bg_circuit_parse(&c, text, &err) < 0) {
		cmd_report(&err);
		return BG_EXIT_USAGE;
	}
	np = bg_circuit_nparams(c);
	bg_circuit_free(c);
	if (nguess && nguess != np) {
		cmd_warn(_("--guess has %zu values, circuit %s has %zu "
			   "parameters"), nguess, text, np);
		return BG_EXIT_USAGE;
	}
	return 0;
}

static int parse_args(int argc, char **argv, struct fit_args *a, int *ind)
{
	struct bg_optstate st;
	const char *arg;
	int id;

	memset(a, 0, sizeof *a);
	a->circuit = "two-arc";
	bg_opt_start(&st, argc, argv, opts, usage);
	while ((id = bg_opt_next(&st, &arg)) != BG_OPT_DONE) {
		if (id == BG_OPT_HELP)
			return 0;
		if (id == BG_OPT_ERROR)
			return BG_EXIT_USAGE;
		if (id == O_JSON)
			a->json = 1;
		else if (id == O_DROP)
			a->drop = 1;
		else if (id == O_CIRCUIT)
			a->circuit = arg;
		else if (id == O_MODULE)
			a->module = arg;
		else if (id == O_PLOT)
			a->plot = arg;
		else if (id == O_GUESS &&
			 eisin_list("guess", arg, a->guess, 16, &a->nguess) < 0)
			return BG_EXIT_USAGE;
		else if (id == O_WEIGHT &&
			 (a->weight = bg_eis_weighting_parse(arg)) < 0) {
			cmd_warn(_("unknown weighting '%s' (modulus, unit, "
				   "proportional)"), arg);
			return BG_EXIT_USAGE;
		}
	}
	if (st.optind != argc - 1) {
		cmd_warn(_("expected one FILE or PACKDIR"));
		fprintf(stderr, "%s: %s\n", _("usage"), usage);
		return BG_EXIT_USAGE;
	}
	*ind = st.optind;
	return -1;
}

int cmd_fit_impedance(int argc, char **argv)
{
	bg_eisfile_spectra *set;
	bg_eis_fitter *f;
	struct fit_args a;
	bg_error err;
	int rc, ind, status = 0;
	size_t i;

	if ((rc = parse_args(argc, argv, &a, &ind)) >= 0)
		return rc;
	if ((rc = check_circuit(a.circuit, a.nguess)) != 0)
		return rc;
	if ((rc = eisin_spectra(&set, argv[ind], a.module, &err)) < 0) {
		cmd_report(&err);
		return bg_exit_from_error(rc);
	}
	if (bg_eis_fitter_new(&f, &err) < 0) {
		bg_eisfile_spectra_free(set);
		cmd_report(&err);
		return BG_EXIT_SOFTWARE;
	}
	for (i = 0; i < set->n; i++)
		status = bg_exit_worst(status, fit_one(f, set, i, &a));
	bg_eis_fitter_free(f);
	bg_eisfile_spectra_free(set);
	return bg_exit_worst(status, bg_out_finish());
}
