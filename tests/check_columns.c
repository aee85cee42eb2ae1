/*
 * check_columns.c - the column vocabulary: BDF names and preferred
 * labels, preference among alternatives, unknown columns, and which
 * pack schema a header is.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "battgrade.h"
#include "battgrade/columns.h"

static bg_csv *open_header(const char *hdr)
{
	bg_csv *r = NULL;
	bg_error err;

	ck_assert_int_eq(bg_csv_open_mem(&r, "t.csv", hdr, strlen(hdr), NULL,
					 &err), 0);
	return r;
}

START_TEST(test_columns_aliases)
{
	ck_assert_str_eq(bg_col_name(BG_COL_VOLTAGE), "voltage_volt");
	ck_assert_str_eq(bg_col_alias(BG_COL_TEST_TIME, 1), "Test Time / s");
	ck_assert_str_eq(bg_col_alias(BG_COL_TEMPERATURE, 0),
			 "surface_temperature_celsius");
	ck_assert_ptr_null(bg_col_alias(BG_COL_CURRENT, 2));
	ck_assert_ptr_null(bg_col_alias(BG_COL_COUNT, 0));
}
END_TEST

START_TEST(test_columns_map_bdf_labels)
{
	bg_csv *r = open_header("Voltage / V,step,TEST TIME / S,"
				"ambient_temperature_celsius,"
				"Surface Temperature T2 / degC,Current / A\n");
	bg_colmap m;
	bg_error err;

	ck_assert_int_eq(bg_colmap_init(&m, r, &err), 0);
	ck_assert_int_eq(m.idx[BG_COL_VOLTAGE], 0);
	ck_assert_int_eq(m.idx[BG_COL_TEST_TIME], 2);
	ck_assert_int_eq(m.idx[BG_COL_CURRENT], 5);
	/* a surface sensor is preferred to the ambient temperature */
	ck_assert_int_eq(m.idx[BG_COL_TEMPERATURE], 4);
	ck_assert_int_eq(m.idx[BG_COL_MODULE_ID], -1);
	ck_assert_uint_eq(bg_colmap_unknown(&m), 1);
	ck_assert(!m.known[1] && m.known[3]);
	ck_assert_int_eq(bg_colmap_schema(&m), BG_SCHEMA_HISTORY);
	bg_colmap_release(&m);
	bg_csv_close(r);
}
END_TEST

struct schema_case {
	const char *header;
	enum bg_schema schema;
};

static const struct schema_case schemas[] = {
	{ "module_id,cycle_count,capacity_ah\n", BG_SCHEMA_CAPACITY },
	{ "days,Capacity / Ah\n", BG_SCHEMA_CAPACITY },
	{ "frequency_hertz,real_impedance_ohm,imaginary_impedance_ohm\n",
	  BG_SCHEMA_IMPEDANCE },
	{ "module_id,test_time_second,current_ampere,voltage_volt\n",
	  BG_SCHEMA_PULSE },
	{ "Test Time / s,Voltage / V,Current / A\n", BG_SCHEMA_PULSE },
	{ "unix_time_second,current_ampere,voltage_volt\n",
	  BG_SCHEMA_HISTORY },
	{ "timestamp,current_ampere,voltage_volt,soc_percent\n",
	  BG_SCHEMA_HISTORY },
	{ "test_time_second,current_ampere,voltage_volt,"
	  "temperature_t1_celsius\n", BG_SCHEMA_HISTORY },
	{ "capacity_ah\n", BG_SCHEMA_UNKNOWN },
	{ "a,b,c\n", BG_SCHEMA_UNKNOWN },
};

START_TEST(test_columns_schema)
{
	bg_csv *r = open_header(schemas[_i].header);
	bg_colmap m;
	bg_error err;

	ck_assert_int_eq(bg_colmap_init(&m, r, &err), 0);
	ck_assert_msg(bg_colmap_schema(&m) == schemas[_i].schema,
		      "%s: %s", schemas[_i].header,
		      bg_schema_name(bg_colmap_schema(&m)));
	bg_colmap_release(&m);
	bg_csv_close(r);
}
END_TEST

START_TEST(test_columns_same_quantity_twice)
{
	bg_csv *r = open_header("voltage_volt,x,Voltage / V\n");
	bg_colmap m;
	bg_error err;

	ck_assert_int_eq(bg_colmap_init(&m, r, &err), BG_EDATA);
	ck_assert_uint_eq(err.line, 1);
	ck_assert_uint_eq(err.column, 16);
	ck_assert_ptr_null(m.known);
	bg_csv_close(r);
}
END_TEST

static Suite *columns_suite(void)
{
	Suite *s = suite_create("columns");
	TCase *tc = tcase_create("vocabulary");

	tcase_add_test(tc, test_columns_aliases);
	tcase_add_test(tc, test_columns_map_bdf_labels);
	tcase_add_loop_test(tc, test_columns_schema, 0,
			    sizeof(schemas) / sizeof(schemas[0]));
	tcase_add_test(tc, test_columns_same_quantity_twice);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(columns_suite());
	int failed;

	bg_init();
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
