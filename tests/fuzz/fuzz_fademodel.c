/*
 * fuzz_fademodel.c - a degradation model description
 * (models/degradation/<name>.json) is accepted or refused with a
 * message, never a crash, hang or leak.
 */
#include <stdint.h>
#include <stddef.h>

#include "battgrade.h"
#include "fade-int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bg_fade_model m;
	bg_error err;

	bg_init();
	if (bg_fade_model_parse(&m, "model.json", (const char *)data, size,
				&err) == 0 && m.np > BG_FADE_MAXP)
		__builtin_trap();
	return 0;
}
