/*
 * fuzz_manifest.c - the pack.json reader must accept or reject any
 * bytes with a located error, without crashing, hanging or leaking.
 */
#include <stdint.h>
#include <stddef.h>

#include "battgrade.h"
#include "battgrade/pack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bg_pack *p = NULL;
	bg_error err;

	bg_init();
	if (bg_pack_parse(&p, "pack.json", (const char *)data, size, &err) == 0)
		bg_pack_module(p, p->modules[0].module_id);
	bg_pack_free(p);
	return 0;
}
