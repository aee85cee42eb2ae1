/*
 * fuzz_csv.c - the streaming CSV reader must reject or accept any bytes
 * without crashing, hanging or reading out of bounds.
 */
#include <stdint.h>
#include <stddef.h>

#include "battgrade.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bg_csv *r;
	bg_error err;
	double v;
	size_t i;
	int rc;

	bg_init();
	if (bg_csv_open_mem(&r, "fuzz", data, size, NULL, &err) < 0)
		return 0;
	while ((rc = bg_csv_next(r, &err)) > 0)
		for (i = 0; i < bg_csv_nfields(r); i++)
			bg_csv_double(r, i, &v, &err);
	bg_csv_close(r);
	return 0;
}
