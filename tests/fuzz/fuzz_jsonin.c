/*
 * fuzz_jsonin.c - the JSON inputs not covered by their own harness:
 * one line of "battgrade grade --json" turned into a certificate body
 * (certify's input), a JWK or JWK set (verify --keys, the registry's
 * issuer keys) and a chemistry "limits" override from pack.json.  Each
 * must accept or reject any bytes without crashing or leaking.
 */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "battgrade.h"
#include "battgrade/cert.h"
#include "battgrade/chemistry.h"
#include "battgrade/jws.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void grade_line(const cJSON *g)
{
	bg_cert_meta meta;
	cJSON *body = NULL;
	bg_error err;

	memset(&meta, 0, sizeof(meta));
	meta.issuer_id = "FUZZ-0001";
	meta.issued_at = 1764115200;
	meta.valid_days = 365;
	meta.tool_version = "fuzz";
	if (bg_cert_body_from_grade(&body, g, &meta, "fuzz", 1, &err) == 0)
		cJSON_Delete(body);
}

static void limits(const cJSON *o)
{
	bg_chem_limits lim;
	bg_error err;

	if (bg_chem_limits_load(&lim, "NMC", &err) == 0)
		bg_chem_limits_apply(&lim, o, "fuzz", &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bg_jwk_set set;
	bg_error err;
	cJSON *doc;

	bg_init();
	bg_jwk_set_init(&set);
	bg_jwk_set_add_json(&set, (const char *)data, size, "fuzz", &err);
	bg_jwk_set_release(&set);
	doc = cJSON_ParseWithLength((const char *)data, size);
	if (doc) {
		grade_line(doc);
		limits(doc);
		cJSON_Delete(doc);
	}
	return 0;
}
