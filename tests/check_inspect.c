/*
 * check_inspect.c - file summaries: schema detection, streamed history
 * figures (rows, span, wall-clock jumps counted and located), module
 * coverage against a manifest, and rejected history rows.
 */
#include <math.h>
#include <stdlib.h>

#include "battgrade/inspect.h"
#include "ingest-test.h"

static int inspect(bg_file_summary *s, const char *in, const bg_pack *p,
		   enum bg_schema want, bg_error *err)
{
	return bg_inspect_mem(s, "t.csv", in, strlen(in), p, want, err);
}

START_TEST(test_inspect_history_jumps)
{
	static const char in[] =
		"unix_time_second,current_ampere,voltage_volt,"
		"Surface Temperature T1 / degC,soc_percent,module_id,x\n"
		"1000,1,50,20,50,A,q\n1010,1,50,20,,B,q\n"
		"990,1,50,20,50,A,q\n995,1,50,,50,B,q\n"
		"2000,1,50,20,50,A,q\n1500,1,50,20,50,A,q\n";
	bg_file_summary s;
	bg_pack *p = test_pack();
	bg_error err;

	ck_assert_int_eq(inspect(&s, in, p, BG_SCHEMA_UNKNOWN, &err), 0);
	ck_assert_int_eq(s.schema, BG_SCHEMA_HISTORY);
	ck_assert_uint_eq(s.rows, 6);
	ck_assert_double_eq(s.time_first_s, 1000);
	ck_assert_double_eq(s.time_last_s, 1500);
	ck_assert_double_eq(s.time_min_s, 990);
	ck_assert_double_eq(s.time_max_s, 2000);
	ck_assert_uint_eq(s.backward, 2);
	ck_assert_uint_eq(s.jump_line[0], 4);
	ck_assert_double_eq(s.jump_from_s[0], 1010);
	ck_assert_double_eq(s.jump_to_s[0], 990);
	ck_assert_uint_eq(s.jump_line[1], 7);
	ck_assert_uint_eq(s.nunknown, 1);
	ck_assert_str_eq(s.unknown, "x");
	ck_assert(s.module_seen[0] && s.module_seen[1]);
	ck_assert_uint_eq(s.bytes, sizeof(in) - 1);
	bg_file_summary_release(&s);
	bg_pack_free(p);
}
END_TEST

START_TEST(test_inspect_detects_schema)
{
	static const char cap[] = "days,capacity_ah\n10,5\n400,4.5\n";
	static const char eis[] = "frequency_hertz,real_impedance_ohm,"
		"imaginary_impedance_ohm\n1000,1,0\n0.5,2,-1\n";
	bg_file_summary s;
	bg_error err;

	ck_assert_int_eq(inspect(&s, cap, NULL, BG_SCHEMA_UNKNOWN, &err), 0);
	ck_assert_int_eq(s.schema, BG_SCHEMA_CAPACITY);
	ck_assert_int_eq(s.age_col, BG_COL_DAYS);
	ck_assert_double_eq(s.age_max, 400);
	ck_assert_uint_eq(s.rows, 2);
	bg_file_summary_release(&s);
	ck_assert_int_eq(inspect(&s, eis, NULL, BG_SCHEMA_UNKNOWN, &err), 0);
	ck_assert_int_eq(s.schema, BG_SCHEMA_IMPEDANCE);
	ck_assert_double_eq(s.freq_min_hz, 0.5);
	ck_assert_double_eq(s.freq_max_hz, 1000);
	ck_assert_uint_eq(s.nspectra, 1);
	bg_file_summary_release(&s);
	/* a pack member must have its own schema's columns */
	ck_assert_int_eq(inspect(&s, cap, NULL, BG_SCHEMA_PULSE, &err),
			 BG_EDATA);
	ck_assert(strstr(err.msg, "missing column 'test_time_second'"));
	bg_file_summary_release(&s);
}
END_TEST

/* Values outside the plain-decimal fast check are still accepted. */
START_TEST(test_inspect_history_number_forms)
{
	static const char in[] =
		"unix_time_second,current_ampere,voltage_volt,"
		"temperature_celsius,soc_percent\n"
		"1.7e9,1e1, 0x10 ,+2.5E1,5e1\n1700000001,-.5,16.,\t25\t,\n"
		"1700000002,0,16,25,100\n1700000003,0,16,25, +7. \n"
		"1700000004,0,16,25,-0\n1700000005,0,16,25,100.000\n";
	bg_file_summary s;
	bg_error err;

	ck_assert_int_eq(inspect(&s, in, NULL, BG_SCHEMA_UNKNOWN, &err), 0);
	ck_assert_uint_eq(s.rows, 6);
	ck_assert_double_eq(s.time_first_s, 1.7e9);
	ck_assert_double_eq(s.time_last_s, 1700000005);
	bg_file_summary_release(&s);
}
END_TEST

#define H "timestamp,current_ampere,voltage_volt,temperature_celsius\n"

static const struct csv_case bad[] = {
	{ H, 0, 0, 0, "no data rows" },
	{ H "2024-01-01T00:00:00Z,1,2,3\n2024-01-01 25:00,1,2,3\n", 0, 3, 1,
	  "'2024-01-01 25:00' is not an ISO 8601 date-time" },
	{ "test_time_second,current_ampere,voltage_volt,temperature_celsius\n"
	  "0,1,2,3\n5,1,2,3\n4,1,2,3\n", 0, 4, 1,
	  "test time goes backwards: 4 s after 5 s" },
	{ "unix_time_second,current_ampere,voltage_volt\n1,2,3\n", 0, 1, 0,
	  "missing column 'surface_temperature_celsius'" },
	{ "current_ampere,voltage_volt,temperature_celsius,soc_percent\n"
	  "1,2,3,4\n", 0, 1, 0, "not a capacity, impedance, pulse or "
	  "history file" },
	{ H "2024-01-01T00:00:00Z,1,2,-inf\n", 0, 2, 26, "not a finite" },
	{ H "2024-01-01T00:00:00Z,1.2.3,2,3\n", 0, 2, 22,
	  "'1.2.3' is not a number (column 'current_ampere')" },
	{ H "2024-01-01T00:00:00Z,1,-,3\n", 0, 2, 24,
	  "'-' is not a number (column 'voltage_volt')" },
	{ H "2024-01-01T00:00:00Z,1,1e999,3\n", 0, 2, 24,
	  "'1e999' is not a finite number" },
	{ H "2024-01-01T00:00:00Z,1,2, \n2024-01-01T00:00:01Z,,2,3\n", 0,
	  3, 22, "empty value in column 'current_ampere'" },
	{ "unix_time_second,current_ampere,voltage_volt,temperature_celsius,"
	  "soc_percent\n1,1,2,3,101\n", 0, 2, 9,
	  "soc_percent must be within 0..100" },
	{ "unix_time_second,current_ampere,voltage_volt,temperature_celsius,"
	  "soc_percent\n1,1,2,3,99.9\n2,1,2,3,100.5\n", 0, 3, 9,
	  "soc_percent must be within 0..100, not 100.5" },
	{ "unix_time_second,current_ampere,voltage_volt,temperature_celsius,"
	  "soc_percent\n1,1,2,3,5e3\n", 0, 2, 9,
	  "soc_percent must be within 0..100, not 5000" },
	{ "unix_time_second,current_ampere,voltage_volt,temperature_celsius,"
	  "soc_percent\n1,1,2,3,-0.5\n", 0, 2, 9,
	  "soc_percent must be within 0..100, not -0.5" },
	{ "unix_time_second,current_ampere,voltage_volt,temperature_celsius,"
	  "soc_percent\n1,1,2,3,4.5.6\n", 0, 2, 9,
	  "'4.5.6' is not a number (column 'soc_percent')" },
	{ "unix_time_second,current_ampere,voltage_volt,temperature_celsius,"
	  "module_id\n1,1,2,3,A\n2,1,2,3,Z\n", 0, 3, 9,
	  "module 'Z' is not in the manifest" },
};

static int load_history(const char *s, size_t len, const bg_pack *pack,
			bg_error *err)
{
	bg_file_summary sum;
	int rc = bg_inspect_mem(&sum, "t.csv", s, len, pack,
				BG_SCHEMA_UNKNOWN, err);

	bg_file_summary_release(&sum);
	return rc;
}

START_TEST(test_inspect_rejects)
{
	check_rejects(&bad[_i], _i, load_history, 1);
}
END_TEST

static Suite *inspect_suite(void)
{
	Suite *s = suite_create("inspect");
	TCase *tc = tcase_create("summary");

	tcase_add_test(tc, test_inspect_history_jumps);
	tcase_add_test(tc, test_inspect_detects_schema);
	tcase_add_test(tc, test_inspect_history_number_forms);
	tcase_add_loop_test(tc, test_inspect_rejects, 0,
			    sizeof(bad) / sizeof(bad[0]));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(inspect_suite());
	int failed;

	bg_init();
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
