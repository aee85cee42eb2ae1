/*
 * regcertgen.c - signed certificates in bulk, for the registry's tests
 * and benchmark.
 *
 * usage: regcertgen GRADES.jsonl KEYDIR OUTDIR COUNT [FIRST]
 *
 * Creates an Ed25519 key in KEYDIR when there is none (battgrade.key,
 * battgrade.pub.jwk), then issues COUNT certificates into OUTDIR from
 * the grade records of GRADES.jsonl taken in turn, module i being
 * "M<FIRST+i>" of pack "P<(FIRST+i)/8>", each signed with the real
 * certificate code (cert.h).  Running "battgrade certify" per module
 * would measure process start-up, not the registry.  Prints the ids.
 * REGCERTGEN_ISSUER and REGCERTGEN_TIME (epoch seconds) override the
 * issuer id and the issue time, so two keys can sign the same bodies.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "battgrade/cert.h"
#include "battgrade/keys.h"
#include "battgrade/models.h"

#define MAX_GRADES 64

static int load_grades(const char *path, cJSON **g, int *n)
{
	char *text, *line, *next;
	bg_error err;
	size_t len;

	if (bg_read_file(&text, &len, path, 1 << 22, &err)) {
		fprintf(stderr, "regcertgen: %s: %s\n", path, err.msg);
		return -1;
	}
	for (*n = 0, line = text; *line && *n < MAX_GRADES; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		if (*line && !(g[(*n)++] = cJSON_Parse(line)))
			return -1;
	}
	free(text);
	return *n ? 0 : -1;
}

static int load_key(const char *dir, bg_signing_key *key)
{
	char path[4096];
	struct stat st;
	bg_error err;

	snprintf(path, sizeof(path), "%s/%s", dir, BG_KEY_FILE);
	if (stat(path, &st) && bg_key_generate(NULL, dir, &err)) {
		fprintf(stderr, "regcertgen: %s\n", err.msg);
		return -1;
	}
	if (bg_key_load(key, path, &err)) {
		fprintf(stderr, "regcertgen: %s\n", err.msg);
		return -1;
	}
	return 0;
}

/* Issue certificate number i from grade record g. */
static int issue(const cJSON *g, long i, const bg_cert_meta *meta,
		 const bg_signing_key *key, const char *outdir)
{
	char id[BG_CERT_ID_MAX], name[32], *text = NULL;
	cJSON *rec = cJSON_Duplicate(g, 1), *body = NULL;
	bg_error err;
	size_t len;
	int rc;

	snprintf(name, sizeof(name), "M%06ld", i);
	cJSON_ReplaceItemInObject(rec, "module_id", cJSON_CreateString(name));
	snprintf(name, sizeof(name), "P%05ld", i / 8);
	cJSON_ReplaceItemInObject(rec, "pack_id", cJSON_CreateString(name));
	rc = bg_cert_body_from_grade(&body, rec, meta, "grades", 1, &err);
	if (!rc)
		rc = bg_cert_sign(&text, &len, id, body, key, &err);
	if (!rc)
		rc = bg_cert_write(NULL, 0, outdir, id, text, len, &err);
	if (rc < 0)
		fprintf(stderr, "regcertgen: %s\n", err.msg);
	else
		printf("%s\n", id);
	cJSON_Delete(rec);
	cJSON_Delete(body);
	free(text);
	return rc < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	cJSON *g[MAX_GRADES];
	bg_signing_key key;
	bg_cert_meta meta;
	long count, first = 0, i;
	int n = 0, rc = 0;

	if (argc < 5 || argc > 6) {
		fprintf(stderr, "usage: regcertgen GRADES.jsonl KEYDIR OUTDIR "
			"COUNT [FIRST]\n");
		return 64;
	}
	count = strtol(argv[4], NULL, 10);
	if (argc == 6)
		first = strtol(argv[5], NULL, 10);
	if (bg_init() || load_grades(argv[1], g, &n) ||
	    load_key(argv[2], &key))
		return 1;
	memset(&meta, 0, sizeof(meta));
	meta.issuer_id = getenv("REGCERTGEN_ISSUER") ?
			 getenv("REGCERTGEN_ISSUER") : "DE-REPURPOSE-0001";
	meta.facility = "test bench";
	meta.issued_at = getenv("REGCERTGEN_TIME") ?
			 (time_t)strtoll(getenv("REGCERTGEN_TIME"), NULL, 10) :
			 time(NULL);
	meta.valid_days = 365;
	meta.tool_version = PACKAGE_VERSION;
	for (i = 0; i < count && !rc; i++)
		rc = issue(g[(first + i) % n], first + i, &meta, &key,
			   argv[3]);
	bg_key_wipe(&key);
	while (n)
		cJSON_Delete(g[--n]);
	return rc ? 1 : 0;
}
