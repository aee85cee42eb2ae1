/*
 * cmd-registry.c - "battgrade registry get|list": look certificates up
 * in a registry.
 *
 * "get" prints the certificate's key facts and checks its signature
 * against the issuer keys the registry publishes (the Link header of
 * the answer names them), or with --json the file exactly as stored,
 * ready for "battgrade verify".  "list --module ID" shows every
 * certificate a module has had, newest first: a module regraded after
 * a year of second life has two.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "battgrade/regverify.h"
#include "cmd.h"
#include "regcmd.h"
#include "regopt.h"

static const char usage[] =
	"battgrade registry get [--json] [--registry URL] ID\n"
	"   or: battgrade registry list [--json] [--registry URL] "
	"--module ID";

enum { O_JSON = 256, O_REGISTRY, O_MODULE };

static const struct bg_opt opts[] = {
	{ O_JSON, "json", 0, NULL, N_("print JSON: the certificate file as "
				      "stored, or the list") },
	{ O_MODULE, "module", 0, "ID", N_("module whose certificates to "
					  "list") },
	{ O_REGISTRY, "registry", 0, "URL", N_("registry base URL") },
	BG_OPT_END
};

struct args {
	int json;
	const char *registry, *module, *verb, *id;
};

/* Map an HTTP status that is not 200 to a message and exit status. */
static int http_fail(const bg_reg_response *r, const char *what)
{
	if (r->status == 404) {
		cmd_warn(_("%s: not in the registry"), what);
		return BG_EXIT_NOINPUT;
	}
	cmd_warn(_("%s: registry answered HTTP %ld"), what, r->status);
	return r->status == 429 || r->status >= 500 ? BG_EXIT_TEMPFAIL :
	       BG_EXIT_UNAVAILABLE;
}

static int fetch(bg_regclient *c, const char *path, bg_reg_response *r,
		 const char *what)
{
	bg_error err;

	if (bg_regclient_get(c, path, "application/json", r, &err)) {
		cmd_report(&err);
		return bg_exit_from_error(err.code);
	}
	if (r->status != 200) {
		int rc = http_fail(r, what);

		bg_reg_response_release(r);
		return rc;
	}
	return 0;
}

/* Check the certificate against the issuer keys the registry serves. */
static void check(bg_regclient *c, const bg_reg_response *r, char *status,
		  size_t len)
{
	bg_reg_response keys;
	bg_upload_info u;
	bg_error err;

	if (!r->link_keys[0] || bg_regclient_get(c, r->link_keys,
						 "application/jwk-set+json",
						 &keys, &err)) {
		snprintf(status, len, "%s", _("not checked: issuer keys "
					      "unavailable"));
		return;
	}
	if (keys.status != 200)
		snprintf(status, len, _("not checked: issuer keys unavailable "
			 "(HTTP %ld)"), keys.status);
	else if (!bg_regverify_upload(r->body, r->body_len, keys.body, &u,
				      &err))
		snprintf(status, len, "%s", _("signature valid"));
	else
		snprintf(status, len, _("NOT VALID: %s"), err.msg);
	bg_reg_response_release(&keys);
}

static const char *str_at(const cJSON *body, const char *a, const char *b)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, a);

	if (b)
		v = cJSON_GetObjectItemCaseSensitive(v, b);
	return cJSON_IsString(v) ? v->valuestring : "";
}

static void show(const bg_reg_response *r, const char *status)
{
	cJSON *doc = cJSON_ParseWithLength(r->body, r->body_len);
	const cJSON *b = cJSON_GetObjectItemCaseSensitive(doc, "certificate");
	bg_upload_info u;

	bg_regverify_upload(r->body, r->body_len, "{\"keys\":[]}", &u, NULL);
	printf("%-12s %s\n", _("id"), str_at(b, "id", NULL));
	printf("%-12s %s\n", _("module"), u.module_id);
	printf("%-12s %s\n", _("pack"), u.pack_id);
	printf("%-12s %s\n", _("grade"), u.grade);
	printf("%-12s %s\n", _("issued at"), u.issued_at);
	printf("%-12s %s\n", _("issuer"), u.issuer_id);
	printf("%-12s %s\n", _("signature"), status);
	cJSON_Delete(doc);
}

static int get(bg_regclient *c, const struct args *a)
{
	char path[300], status[BG_ERROR_MSG_MAX + 64];
	bg_reg_response r;
	int rc;

	if (!bg_regverify_id_ok(a->id)) {
		cmd_warn(_("'%s' is not a certificate id"), a->id);
		return BG_EXIT_DATAERR;
	}
	snprintf(path, sizeof(path), "/v1/certificates/%s", a->id);
	if ((rc = fetch(c, path, &r, a->id)))
		return rc;
	if (a->json) {
		fwrite(r.body, 1, r.body_len, stdout);
		if (r.body_len && r.body[r.body_len - 1] != '\n')
			putchar('\n');
	} else {
		check(c, &r, status, sizeof(status));
		show(&r, status);
	}
	bg_reg_response_release(&r);
	return 0;
}

static int list(bg_regclient *c, const struct args *a)
{
	char *esc = bg_regclient_escape(a->module), *path;
	bg_reg_response r;
	const cJSON *e;
	cJSON *doc;
	size_t n;
	int rc;

	if (!esc || !(path = malloc(n = strlen(esc) + 40))) {
		free(esc);
		return BG_EXIT_SOFTWARE;
	}
	snprintf(path, n, "/v1/modules/%s/certificates", esc);
	free(esc);
	rc = fetch(c, path, &r, a->module);
	free(path);
	if (rc)
		return rc;
	doc = cJSON_ParseWithLength(r.body, r.body_len);
	if (a->json)
		bg_json_print(stdout, doc, 1);
	else
		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(doc,
				   "certificates"))
			printf("%s\t%s\t%s\t%s\n", str_at(e, "id", NULL),
			       str_at(e, "grade", NULL),
			       str_at(e, "issued_at", NULL),
			       str_at(e, "issuer", NULL));
	rc = cJSON_IsObject(doc) ? 0 : BG_EXIT_UNAVAILABLE;
	cJSON_Delete(doc);
	bg_reg_response_release(&r);
	return rc;
}

static int parse(int argc, char **argv, struct args *a)
{
	struct bg_optstate st;
	const char *arg;
	int c;

	regopt_permute(argc, argv, opts);
	bg_opt_start(&st, argc, argv, opts, usage);
	while ((c = bg_opt_next(&st, &arg)) != BG_OPT_DONE) {
		switch (c) {
		case BG_OPT_HELP: return 0;
		case BG_OPT_ERROR: return BG_EXIT_USAGE;
		case O_JSON: a->json = 1; break;
		case O_REGISTRY: a->registry = arg; break;
		case O_MODULE: a->module = arg; break;
		}
	}
	a->verb = st.optind < argc ? argv[st.optind] : "";
	a->id = st.optind + 1 < argc ? argv[st.optind + 1] : NULL;
	if ((!strcmp(a->verb, "get") && a->id && st.optind + 2 == argc &&
	     !a->module) ||
	    (!strcmp(a->verb, "list") && a->module && st.optind + 1 == argc))
		return -1;
	fprintf(stderr, "%s: %s\n", _("usage"), usage);
	return BG_EXIT_USAGE;
}

int cmd_registry(int argc, char **argv)
{
	struct args a = { 0 };
	bg_regclient *c = NULL;
	bg_config cfg;
	int rc = parse(argc, argv, &a);

	if (rc >= 0)
		return rc;
	if ((rc = regcmd_config(&cfg, a.registry, NULL, NULL)) ||
	    (rc = regcmd_client(&c, &cfg, 0)))
		return rc;
	rc = !strcmp(a.verb, "get") ? get(c, &a) : list(c, &a);
	bg_regclient_free(c);
	return bg_exit_worst(rc, bg_out_finish());
}
