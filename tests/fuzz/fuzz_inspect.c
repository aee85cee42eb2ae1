/*
 * fuzz_inspect.c - the streamed history scan (and schema detection) of
 * "battgrade inspect" over any bytes.  The first byte chooses a run
 * with or without the manifest.
 */
#include <stdint.h>
#include <stddef.h>

#include "battgrade/inspect.h"
#include "fuzz-pack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const bg_pack *pack = fuzz_pack(&data, &size);
	bg_file_summary s;
	bg_error err;

	bg_inspect_mem(&s, "history.csv", data, size, pack, BG_SCHEMA_UNKNOWN,
		       &err);
	bg_file_summary_release(&s);
	return 0;
}
