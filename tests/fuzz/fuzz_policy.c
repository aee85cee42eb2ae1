/*
 * fuzz_policy.c - the grading-policy parser must accept or reject any
 * bytes with an error, never crash, hang or read out of bounds; a
 * policy it accepts must grade an empty evidence record.
 */
#include <stdint.h>
#include <stddef.h>

#include "battgrade.h"
#include "battgrade/grade.h"
#include "battgrade/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bg_grade_result g;
	bg_evidence ev;
	bg_policy *p;
	bg_error err;

	bg_init();
	if (bg_policy_parse(&p, (const char *)data, size, "fuzz", &err))
		return 0;
	bg_evidence_init(&ev);
	bg_grade_eval(&g, p, &ev);
	bg_policy_free(p);
	return 0;
}
