/*
 * cmd-verify.c - "battgrade verify": check certificates offline.
 *
 * Each certificate is checked against a set of trusted public keys
 * (bg_cert_verify): exit 0 when all are valid, 65 when any is not,
 * with the reason on stderr as "FILE: reason: detail".
 */
#include "config.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "battgrade/cert.h"
#include "battgrade/models.h"
#include "certcmd.h"
#include "battgrade/regclient.h"
#include "cmd.h"

static const char usage[] =
	"battgrade verify [--json] [--keys DIR] [--pubkey FILE] [--registry URL] CERT...";

enum { OPT_JSON = 'j', OPT_KEYS = 'k', OPT_PUBKEY = 'p', OPT_REGISTRY = 'r' };

static const struct bg_opt opts[] = {
	{ OPT_JSON, "json", 0, NULL, N_("one JSON object per certificate") },
	{ OPT_KEYS, "keys", 0, "DIR",
	  N_("trust the *.jwk keys in DIR (or a JWK set file)") },
	{ OPT_PUBKEY, "pubkey", 0, "FILE",
	  N_("trust the public key (JWK) in FILE") },
	{ OPT_REGISTRY, "registry", 0, "URL",
	  N_("also trust the issuer keys the registry at URL serves") },
	BG_OPT_END
};

/* The keys given, or the default public key beside the default key
 * and $XDG_CONFIG_HOME/battgrade/trusted/. */
static int default_keys(bg_jwk_set *set, bg_error *err)
{
	char path[4096];
	struct stat st;
	int rc;

	if (certcmd_config_path(path, sizeof(path), BG_PUBKEY_FILE) == 0 &&
	    stat(path, &st) == 0) {
		rc = bg_jwk_set_load(set, path, err);
		if (rc < 0)
			return rc;
	}
	if (certcmd_config_path(path, sizeof(path), "trusted") == 0 &&
	    stat(path, &st) == 0) {
		rc = bg_jwk_set_load(set, path, err);
		if (rc < 0)
			return rc;
	}
	if (set->n == 0)
		return bg_error_set(err, BG_ENOENT, NULL, 0, 0,
				    _("no trusted keys: use --pubkey FILE or --keys DIR"));
	return 0;
}

/*
 * The registry serves each certificate with a Link to its issuer's keys
 * (JWK set); those keys join the trusted set.  The registry vouches for
 * them: it registered the issuer.  Over https its peer is verified;
 * plain http is accepted only to loopback (bg_regclient_new).
 */
static int registry_keys(bg_regclient *c, const char *text, size_t len,
			 bg_jwk_set *set, bg_error *err)
{
	cJSON *doc = cJSON_ParseWithLength(text, len);
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(doc, "certificate"), "id");
	bg_reg_response r, k;
	char *esc, path[512];
	int rc;

	if (!cJSON_IsString(id) || !(esc = bg_regclient_escape(id->valuestring))) {
		cJSON_Delete(doc);
		return 0; /* malformed: bg_cert_verify says why */
	}
	snprintf(path, sizeof(path), "/v1/certificates/%s", esc);
	free(esc);
	cJSON_Delete(doc);
	if ((rc = bg_regclient_get(c, path, "application/json", &r, err)) < 0)
		return rc;
	if (r.status != 200 || !r.link_keys[0]) {
		rc = bg_error_set(err, BG_EPROTO, NULL, 0, 0,
				  _("registry has no record of %s (HTTP %ld)"),
				  path, r.status);
		bg_reg_response_release(&r);
		return rc;
	}
	rc = bg_regclient_get(c, r.link_keys, "application/jwk-set+json", &k,
			      err);
	bg_reg_response_release(&r);
	if (rc < 0)
		return rc;
	rc = k.status == 200 ? bg_jwk_set_add_json(set, k.body, k.body_len,
						   "registry", err)
			     : bg_error_set(err, BG_EPROTO, NULL, 0, 0,
					    _("issuer keys: HTTP %ld"), k.status);
	bg_reg_response_release(&k);
	return rc;
}

static void print_json(const char *file, const bg_cert_info *in, int rc,
		       const bg_error *err)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return;
	cJSON_AddStringToObject(o, "file", file);
	cJSON_AddBoolToObject(o, "valid", rc == 0);
	cJSON_AddStringToObject(o, "reason", bg_cert_reason_name(in->reason));
	if (rc < 0)
		cJSON_AddStringToObject(o, "message", err->msg);
	cJSON_AddStringToObject(o, "id", in->id);
	cJSON_AddStringToObject(o, "module_id", in->module_id);
	cJSON_AddStringToObject(o, "pack_id", in->pack_id);
	cJSON_AddStringToObject(o, "grade", in->grade);
	cJSON_AddStringToObject(o, "issuer_id", in->issuer_id);
	cJSON_AddStringToObject(o, "issued_at", in->issued_at);
	cJSON_AddStringToObject(o, "kid", in->kid);
	bg_json_print(stdout, o, 0);
	cJSON_Delete(o);
}

static int verify_one(const char *file, bg_jwk_set *keys, bg_regclient *reg,
		      int json, struct bg_table *t)
{
	const char *path = strcmp(file, "-") ? file : "/dev/stdin";
	bg_cert_info info;
	char *text;
	size_t len;
	bg_error err;
	int rc;

	rc = bg_read_file(&text, &len, path, BG_CERT_MAX_BYTES, &err);
	if (rc < 0) {
		cmd_report(&err);
		return rc == BG_EDATA ? BG_EXIT_DATAERR : bg_exit_from_error(rc);
	}
	if (reg && (rc = registry_keys(reg, text, len, keys, &err)) < 0) {
		free(text);
		fprintf(stderr, "%s: %s\n", file, err.msg);
		return bg_exit_from_error(rc);
	}
	rc = bg_cert_verify(text, len, keys, &info, &err);
	free(text);
	if (rc < 0 && rc != BG_ENOMEM)
		fprintf(stderr, "%s: %s\n", file, err.msg);
	if (json) {
		print_json(file, &info, rc, &err);
	} else {
		const char *row[] = { file, rc == 0 ? "valid" : "INVALID",
				      bg_cert_reason_name(info.reason),
				      info.id, info.module_id, info.grade,
				      info.issuer_id };

		bg_table_add(t, row);
	}
	if (rc == BG_ENOMEM)
		return BG_EXIT_SOFTWARE;
	return rc == 0 ? BG_EXIT_OK : BG_EXIT_DATAERR;
}

static int load_keys(bg_jwk_set *set, const char *path)
{
	bg_error err;
	int rc = bg_jwk_set_load(set, path, &err);

	if (rc < 0) {
		cmd_report(&err);
		return rc == BG_ENOENT ? BG_EXIT_NOINPUT : BG_EXIT_DATAERR;
	}
	return 0;
}

static int run(int argc, char **argv, int first, int json, bg_jwk_set *set,
	       bg_regclient *reg)
{
	static const char *const head[] = { "file", "status", "reason", "id",
					    "module", "grade", "issuer" };
	struct bg_table *t = json ? NULL : bg_table_new(7, head);
	int i, status = BG_EXIT_OK;

	if (!json && !t)
		return BG_EXIT_SOFTWARE;
	for (i = first; i < argc; i++)
		status = bg_exit_worst(status, verify_one(argv[i], set, reg, json,
							   t));
	if (t) {
		bg_table_print(t, stdout);
		bg_table_free(t);
	}
	return bg_exit_worst(status, bg_out_finish());
}

int cmd_verify(int argc, char **argv)
{
	struct bg_optstate st;
	const char *arg;
	bg_jwk_set set;
	bg_error err;
	bg_regclient *reg = NULL;
	const char *registry = NULL;
	int c, json = 0, rc = 0, given = 0;

	bg_jwk_set_init(&set);
	certcmd_permute(argc, argv, opts);
	bg_opt_start(&st, argc, argv, opts, usage);
	while (rc == 0 && (c = bg_opt_next(&st, &arg)) != BG_OPT_DONE) {
		if (c == BG_OPT_HELP || c == BG_OPT_ERROR) {
			bg_jwk_set_release(&set);
			return c == BG_OPT_HELP ? BG_EXIT_OK : BG_EXIT_USAGE;
		}
		if (c == OPT_JSON)
			json = 1;
		else if (c == OPT_KEYS || c == OPT_PUBKEY)
			rc = load_keys(&set, arg), given = 1;
		else if (c == OPT_REGISTRY)
			registry = arg;
	}
	if (rc == 0 && registry) {
		if (bg_regclient_new(&reg, registry, NULL, &err) < 0) {
			cmd_report(&err);
			rc = bg_exit_from_error(err.code);
		}
		given = 1;
	}
	if (rc == 0 && st.optind >= argc) {
		fprintf(stderr, "%s: %s\n", _("usage"), usage);
		rc = BG_EXIT_USAGE;
	}
	if (rc == 0 && !given && (rc = default_keys(&set, &err)) < 0) {
		cmd_report(&err);
		rc = BG_EXIT_NOINPUT;
	}
	if (rc == 0)
		rc = run(argc, argv, st.optind, json, &set, reg);
	bg_regclient_free(reg);
	bg_jwk_set_release(&set);
	return rc;
}
