/*
 * cmd-certify.c - "battgrade certify": sign one certificate per graded
 * module.
 *
 * Reads the JSON lines of "battgrade grade --json", builds each
 * module's battgrade-certificate/1 body, signs it with the issuer's
 * key and writes OUT/<certificate id>.json, atomically and never over
 * a different file.  OUT defaults to the outbox that "battgrade
 * publish" drains.  With --pdf a printable one-page certificate is
 * written beside each file.  Given a pack directory, it grades the pack
 * first with the default policy, when the build has the grading
 * library (lib/battgrade/assess.h; detected at compile time so that
 * this area builds on its own).
 */
#include "config.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "battgrade/cert.h"
#include "battgrade/certpdf.h"
#include "battgrade/jcs.h"
#include "battgrade/models.h"
#include "certcmd.h"
#include "cmd.h"

#if defined(__has_include)
#if __has_include("battgrade/assess.h")
#define BG_HAVE_ASSESS 1
#include "battgrade/assess.h"
#include "battgrade/policy.h"
#endif
#endif

#define MAX_GRADES_BYTES (256UL * 1024 * 1024)

static const char usage[] =
	"battgrade certify [--pdf] [--facility ID] [--issued-at TIME] "
	"[--issuer-id ID] [--key FILE] [--operator NAME] [--out DIR] "
	"[--registry-url URL] [--valid-days N] PACKDIR|GRADES.jsonl";

enum {
	OPT_PDF = 256, OPT_FACILITY, OPT_ISSUED, OPT_ISSUER, OPT_KEY,
	OPT_OPERATOR, OPT_OUT, OPT_REGISTRY, OPT_VALID
};

static const struct bg_opt opts[] = {
	{ OPT_PDF, "pdf", 0, NULL,
	  N_("also write a printable PDF per module") },
	{ OPT_FACILITY, "facility", 0, "ID", N_("test facility id") },
	{ OPT_ISSUED, "issued-at", 0, "TIME",
	  N_("issue time, UTC (2026-01-31T12:00:00Z or epoch seconds)") },
	{ OPT_ISSUER, "issuer-id", 0, "ID",
	  N_("repurposer id (default: the key id)") },
	{ OPT_KEY, "key", 0, "FILE",
	  N_("signing key (default $XDG_CONFIG_HOME/battgrade/battgrade.key)") },
	{ OPT_OPERATOR, "operator", 0, "NAME", N_("person who tested") },
	{ OPT_OUT, "out", 0, "DIR",
	  N_("output directory (default $XDG_STATE_HOME/battgrade/outbox)") },
	{ OPT_REGISTRY, "registry-url", 0, "URL",
	  N_("registry base URL for the record and QR code") },
	{ OPT_VALID, "valid-days", 0, "N",
	  N_("retest after N days (default 365)") },
	BG_OPT_END
};

struct certify {
	bg_cert_meta meta;
	bg_signing_key key;
	const char *keyfile, *out, *input;
	int pdf;
	struct bg_table *table;
	char outdir[4096], keypath[4096];
};

/* --issued-at, else SOURCE_DATE_EPOCH (reproducible builds), else now. */
static int issue_time(struct certify *c, const char *opt)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	bg_error err;

	if (!opt && sde && *sde)
		opt = sde;
	if (!opt) {
		c->meta.issued_at = time(NULL);
		return 0;
	}
	if (bg_cert_parse_time(&c->meta.issued_at, opt, &err) < 0) {
		cmd_warn(_("certify: %s"), err.msg);
		return BG_EXIT_USAGE;
	}
	return 0;
}

static int parse_opts(struct certify *c, int argc, char **argv, int *first)
{
	struct bg_optstate st;
	const char *arg, *when = NULL;
	long days;
	int o;

	certcmd_permute(argc, argv, opts);
	bg_opt_start(&st, argc, argv, opts, usage);
	while ((o = bg_opt_next(&st, &arg)) != BG_OPT_DONE) {
		switch (o) {
		case BG_OPT_HELP: return -1;
		case BG_OPT_ERROR: return BG_EXIT_USAGE;
		case OPT_PDF: c->pdf = 1; break;
		case OPT_FACILITY: c->meta.facility = arg; break;
		case OPT_ISSUED: when = arg; break;
		case OPT_ISSUER: c->meta.issuer_id = arg; break;
		case OPT_KEY: c->keyfile = arg; break;
		case OPT_OPERATOR: c->meta.operator_name = arg; break;
		case OPT_OUT: c->out = arg; break;
		case OPT_REGISTRY: c->meta.registry_url = arg; break;
		case OPT_VALID:
			if (bg_opt_long("--valid-days", arg, 1, 36600, &days) < 0)
				return BG_EXIT_USAGE;
			c->meta.valid_days = (int)days;
			break;
		}
	}
	if (st.optind != argc - 1) {
		fprintf(stderr, "%s: %s\n", _("usage"), usage);
		return BG_EXIT_USAGE;
	}
	*first = st.optind;
	return issue_time(c, when);
}

static int open_key(struct certify *c)
{
	bg_error err;
	int rc;

	if (!c->keyfile) {
		if (certcmd_config_path(c->keypath, sizeof(c->keypath),
					BG_KEY_FILE) < 0) {
			cmd_warn(_("certify: no HOME: give --key FILE"));
			return BG_EXIT_USAGE;
		}
		c->keyfile = c->keypath;
	}
	rc = bg_key_load(&c->key, c->keyfile, &err);
	if (rc < 0) {
		cmd_report(&err);
		if (rc == BG_ENOENT)
			cmd_warn(_("certify: create a key with 'battgrade keygen' or give --key FILE"));
		return bg_exit_from_error(rc);
	}
	if (!c->meta.issuer_id)
		c->meta.issuer_id = c->key.pub.kid;
	return 0;
}

static int open_out(struct certify *c)
{
	if (!c->out) {
		if (certcmd_outbox(c->outdir, sizeof(c->outdir)) < 0) {
			cmd_warn(_("certify: no HOME: give --out DIR"));
			return BG_EXIT_USAGE;
		}
		c->out = c->outdir;
	}
	if (certcmd_mkdirs(c->out, 0700) < 0) {
		cmd_warn(_("certify: cannot create '%s': %s"), c->out,
			 strerror(errno));
		return BG_EXIT_CANTCREAT;
	}
	return 0;
}

static int write_pdf(struct certify *c, const char *id, const cJSON *body)
{
	char path[4096];
	bg_error err;
	int rc;

	snprintf(path, sizeof(path), "%s/%s.pdf", c->out, id);
	rc = bg_certpdf_write(path, id, body, &err);
	if (rc < 0) {
		cmd_report(&err);
		return rc == BG_EEXIST ? BG_EXIT_CANTCREAT
				       : bg_exit_from_error(rc);
	}
	return 0;
}

/* Strictly validated first (line and column of any fault), then read
 * into cJSON to build the body. */
static int read_grade(cJSON **g, const char *line, size_t len,
		      const char *name, unsigned long lineno)
{
	bg_json *strict;
	bg_error err;

	if (bg_json_parse(&strict, line, len, name, &err) < 0) {
		err.line = lineno;
		cmd_report(&err);
		return BG_EXIT_DATAERR;
	}
	bg_json_free(strict);
	*g = cJSON_ParseWithLength(line, len);
	return *g ? 0 : BG_EXIT_SOFTWARE;
}

static void add_row(struct certify *c, const char *id, const cJSON *body,
		    int rc, const char *path)
{
	const cJSON *s = cJSON_GetObjectItem(body, "subject");
	const char *row[] = {
		id, cJSON_GetObjectItem(s, "packId")->valuestring,
		cJSON_GetObjectItem(s, "moduleId")->valuestring,
		cJSON_GetObjectItem(cJSON_GetObjectItem(body, "decision"),
				    "grade")->valuestring,
		rc == 1 ? "unchanged" : "new", path
	};

	bg_table_add(c->table, row);
}

/* Certify one grade result; name and lineno locate it in messages. */
static int certify_grade(struct certify *c, const cJSON *g,
			 const char *name, unsigned long lineno)
{
	char id[BG_CERT_ID_MAX], path[4096], *text = NULL;
	cJSON *body = NULL;
	size_t tlen;
	bg_error err;
	int rc, st = 0;

	rc = bg_cert_body_from_grade(&body, g, &c->meta, name, lineno, &err);
	if (rc == 0)
		rc = bg_cert_sign(&text, &tlen, id, body, &c->key, &err);
	if (rc == 0)
		rc = bg_cert_write(path, sizeof(path), c->out, id, text, tlen,
				   &err);
	if (rc < 0) {
		cmd_report(&err);
		st = rc == BG_EEXIST ? BG_EXIT_CANTCREAT : bg_exit_from_error(rc);
	} else {
		add_row(c, id, body, rc, path);
		if (c->pdf)
			st = write_pdf(c, id, body);
	}
	free(text);
	cJSON_Delete(body);
	return st;
}

static int certify_one(struct certify *c, const char *line, size_t len,
		       unsigned long lineno)
{
	cJSON *g = NULL;
	int st = read_grade(&g, line, len, c->input, lineno);

	if (st == 0)
		st = certify_grade(c, g, c->input, lineno);
	cJSON_Delete(g);
	return st;
}

#ifdef BG_HAVE_ASSESS
/* Grade the pack in dir with the default policy, then certify each
 * module as "battgrade grade --json" would have given it. */
static int certify_pack(struct certify *c, const char *dir)
{
	bg_policy *pol = NULL;
	bg_assessor *a = NULL;
	cJSON *mods = NULL, *m;
	unsigned long i = 0;
	bg_error err;
	int rc, st = 0;

	rc = bg_policy_load(&pol, "default", &err);
	if (rc == 0)
		rc = bg_assessor_new(&a, pol, &err);
	if (rc == 0)
		rc = bg_assess_pack(a, dir, &mods, &err);
	if (rc < 0) {
		cmd_report(&err);
		st = bg_exit_from_error(rc);
	}
	cJSON_ArrayForEach(m, mods)
		st = bg_exit_worst(st, certify_grade(c, m, dir, ++i));
	cJSON_Delete(mods);
	bg_assessor_free(a);
	bg_policy_free(pol);
	return st;
}
#else
static int certify_pack(struct certify *c, const char *dir)
{
	(void)c;
	cmd_warn(_("certify: '%s' is a directory: this build certifies grade results; run 'battgrade grade --json %s > grades.jsonl' and certify that file"),
		 dir, dir);
	return BG_EXIT_UNAVAILABLE;
}
#endif

static int certify_lines(struct certify *c, char *text, size_t len)
{
	unsigned long lineno = 0;
	size_t n = 0, i = 0, count = 0;
	int status = 0;

	while (i < len) {
		char *nl = memchr(text + i, '\n', len - i);

		n = nl ? (size_t)(nl - (text + i)) : len - i;
		lineno++;
		if (n > 0 && text[i + n - 1] == '\r')
			n--;
		if (strspn(text + i, " \t") < n) {
			status = bg_exit_worst(status,
					       certify_one(c, text + i, n, lineno));
			count++;
		}
		i += (nl ? (size_t)(nl - (text + i)) + 1 : len - i);
	}
	if (count == 0) {
		cmd_warn(_("certify: '%s' holds no grade results"), c->input);
		status = BG_EXIT_DATAERR;
	}
	return status;
}

static int certify_input(struct certify *c)
{
	const char *path = strcmp(c->input, "-") ? c->input : "/dev/stdin";
	struct stat sb;
	char *text;
	size_t len;
	bg_error err;
	int rc;

	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
		return certify_pack(c, c->input);
	rc = bg_read_file(&text, &len, path, MAX_GRADES_BYTES, &err);
	if (rc < 0) {
		cmd_report(&err);
		return bg_exit_from_error(rc);
	}
	rc = certify_lines(c, text, len);
	free(text);
	return rc;
}

int cmd_certify(int argc, char **argv)
{
	static const char *const head[] = { "certificate", "pack", "module",
					    "grade", "status", "file" };
	struct certify c;
	int first, rc;

	memset(&c, 0, sizeof(c));
	c.meta.valid_days = 365;
	c.meta.tool_version = PACKAGE_VERSION;
	rc = parse_opts(&c, argc, argv, &first);
	if (rc)
		return rc < 0 ? BG_EXIT_OK : rc;
	c.input = argv[first];
	rc = open_key(&c);
	if (rc == 0)
		rc = open_out(&c);
	if (rc == 0) {
		c.table = bg_table_new(6, head);
		rc = c.table ? certify_input(&c) : BG_EXIT_SOFTWARE;
		if (c.table)
			bg_table_print(c.table, stdout);
		bg_table_free(c.table);
		rc = bg_exit_worst(rc, bg_out_finish());
	}
	bg_key_wipe(&c.key);
	return rc;
}
