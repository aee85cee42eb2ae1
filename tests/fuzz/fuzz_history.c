/*
 * fuzz_history.c - the BMS-log pass must accept or reject any bytes
 * without crashing, hanging or reading out of bounds, and its reports
 * must build on whatever it accepted.
 */
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "battgrade.h"
#include "battgrade/history.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void ignore_bin(void *ctx, double depth, double mean, double count,
		       unsigned long n)
{
	(void)ctx;
	(void)depth;
	(void)mean;
	(void)count;
	(void)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bg_chem_limits lim = {
		"NMC", 4.2, 2.5, 0.05, 0, 45, -20, 60, 2, 4, 90, 1
	};
	bg_history_summary s;
	bg_history *h;
	bg_error err;
	cJSON *o = NULL;

	bg_init();
	if (bg_history_new(&h, &lim, 10, &err) < 0)
		return 0;
	bg_history_set_dates(h, 0, 1e8, 2e9);
	/* Twice: the second feed continues the first log. */
	bg_history_feed_mem(h, "fuzz", data, size, &err);
	bg_history_feed_mem(h, "fuzz", data, size, &err);
	bg_history_summary_get(h, NULL, &s);
	bg_history_rainflow(h, NULL, ignore_bin, NULL);
	if (bg_history_to_json(h, NULL, &o) == 0)
		cJSON_Delete(o);
	bg_history_free(h);
	return 0;
}
