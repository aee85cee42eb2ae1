/*
 * fuzz_jcs.c - the strict JSON parser and the RFC 8785 writer: any
 * bytes are accepted or refused without crashing, and whatever is
 * accepted canonicalises to a fixed point (canonical text reads back
 * to itself).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "battgrade.h"
#include "battgrade/jcs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
	return 0;
}
