/*
 * fuzz_impedance.c - the impedance.csv loader must accept or reject any bytes with
 * a located error, without crashing, hanging or reading out of bounds.
 * The first byte chooses a run with or without the manifest.
 */
#include <stdint.h>
#include <stddef.h>

#include "fuzz-pack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const bg_pack *pack = fuzz_pack(&data, &size);
	bg_spectrum_set *set = NULL;
	bg_error err;

	bg_spectrum_load_mem(&set, "impedance.csv", data, size, pack, &err);
	bg_spectrum_set_free(set);
	return 0;
}
