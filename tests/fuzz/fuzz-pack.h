/*
 * fuzz-pack.h - a two-module manifest (ids A and B) for the CSV loader
 * harnesses, parsed once; the first input byte chooses whether the
 * loader runs with it (odd) or as a lone file (even).
 */
#ifndef BG_FUZZ_PACK_H
#define BG_FUZZ_PACK_H

#include <string.h>

#include "battgrade.h"
#include "battgrade/pack.h"

static const bg_pack *fuzz_pack(const uint8_t **data, size_t *size)
{
	static const char m[] =
		"{\"pack_id\": \"F\", \"chemistry\": \"NMC\", "
		"\"nominal_capacity_ah\": 50, \"nominal_voltage_volt\": 100, "
		"\"modules_series\": 2, \"modules_parallel\": 1, \"modules\": ["
		"{\"module_id\": \"A\", \"nominal_capacity_ah\": 50, "
		"\"nominal_voltage_volt\": 50, \"cells_series\": 12, "
		"\"cells_parallel\": 1}, {\"module_id\": \"B\", "
		"\"nominal_capacity_ah\": 50, \"nominal_voltage_volt\": 50, "
		"\"cells_series\": 12, \"cells_parallel\": 1}]}";
	static bg_pack *pack;
	int with;

	bg_init();
	if (!pack && bg_pack_parse(&pack, "pack.json", m, strlen(m), NULL))
		return NULL;
	if (!*size)
		return NULL;
	with = **data & 1;
	(*data)++;
	(*size)--;
	return with ? pack : NULL;
}

#endif
