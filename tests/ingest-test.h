/*
 * ingest-test.h - what the loader suites (check_capacity, check_impedance,
 * check_pulse) share: a two-module manifest and a table runner that
 * asserts code, line, column and message of each rejected input.
 */
#ifndef BG_INGEST_TEST_H
#define BG_INGEST_TEST_H

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "battgrade.h"
#include "battgrade/pack.h"

static const char test_manifest[] =
	"{\"pack_id\": \"T\", \"chemistry\": \"LFP\", "
	"\"nominal_capacity_ah\": 100, \"nominal_voltage_volt\": 51.2, "
	"\"modules_series\": 2, \"modules_parallel\": 1, \"modules\": ["
	"{\"module_id\": \"A\", \"nominal_capacity_ah\": 100, "
	"\"nominal_voltage_volt\": 25.6, \"cells_series\": 8, "
	"\"cells_parallel\": 1},"
	"{\"module_id\": \"B\", \"nominal_capacity_ah\": 100, "
	"\"nominal_voltage_volt\": 25.6, \"cells_series\": 8, "
	"\"cells_parallel\": 1}]}";

static bg_pack *test_pack(void)
{
	bg_pack *p = NULL;
	bg_error err;

	ck_assert_int_eq(bg_pack_parse(&p, "pack.json", test_manifest,
				       strlen(test_manifest), &err), 0);
	return p;
}

/* A rejected input: len 0 means strlen(input). */
struct csv_case {
	const char *input;
	size_t len;
	unsigned long line, column;
	const char *msg;
};

/* Load input with load(); frees what it returns on success. */
typedef int (*test_loader)(const char *input, size_t len,
			   const bg_pack *pack, bg_error *err);

static void check_rejects(const struct csv_case *c, int i, test_loader load,
			  int with_pack)
{
	bg_pack *p = with_pack ? test_pack() : NULL;
	size_t len = c->len ? c->len : strlen(c->input);
	bg_error err;
	int rc;

	bg_error_clear(&err);
	rc = load(c->input, len, p, &err);
	ck_assert_msg(rc == BG_EDATA, "case %d: returned %d (%s)", i, rc,
		      err.msg);
	ck_assert_str_eq(err.file, "t.csv");
	ck_assert_msg(strstr(err.msg, c->msg) != NULL,
		      "case %d: message '%s' lacks '%s'", i, err.msg, c->msg);
	ck_assert_msg(err.line == c->line && err.column == c->column,
		      "case %d: at %lu:%lu, expected %lu:%lu (%s)", i,
		      err.line, err.column, c->line, c->column, err.msg);
	bg_pack_free(p);
}

#endif
