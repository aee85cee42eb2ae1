/*
 * fuzz_jcs.c - the strict JSON parser and the RFC 8785 writer: any
 * bytes are accepted or refused without crashing, whatever is accepted
 * canonicalises to a fixed point (canonical text reads back to itself),
 * and each number of a top-level array is written the same whether the
 * writer starts from its source text or from the bare double.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "battgrade.h"
#include "battgrade/jcs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void numbers_agree(const char *src, size_t size)
{
	char *one, plain[32];
	const bg_json *it;
	bg_json *v;
	size_t i, len;
	bg_error err;

	if (bg_json_parse(&v, src, size, "fuzz", &err) < 0)
		return;
	for (i = 0; (it = bg_json_item(v, i)) != NULL; i++) {
		if (bg_json_typeof(it) != BG_JSON_NUMBER ||
		    bg_jcs_write(&one, &len, it, &err) < 0)
			continue;
		if (bg_jcs_number(plain, sizeof(plain),
				  bg_json_number(it)) < 0 ||
		    strcmp(one, plain) != 0)
			abort();
		free(one);
	}
	bg_json_free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *c1 = NULL, *c2 = NULL;
	size_t l1, l2;
	bg_error err;

	bg_init();
	if (bg_jcs_canonicalize(&c1, &l1, (const char *)data, size, "fuzz",
				&err) < 0)
		return 0;
	if (bg_jcs_canonicalize(&c2, &l2, c1, l1, "canonical", &err) < 0 ||
	    l1 != l2 || memcmp(c1, c2, l1) != 0)
		abort();        /* canonical form must be a fixed point */
	free(c1);
	free(c2);
	numbers_agree((const char *)data, size);
	return 0;
}
