/*
 * check_pulse.c - pulse.csv: samples grouped per module, a plain BDF
 * file read as it is, and every bad input (time going backwards first)
 * rejected at its line and column.
 */
#include <math.h>
#include <stdlib.h>

#include "ingest-test.h"

static int load(const char *s, size_t len, const bg_pack *pack,
		bg_error *err)
{
	bg_pulse_set *set = NULL;
	int rc = bg_pulse_load_mem(&set, "t.csv", s, len, pack, err);

	bg_pulse_set_free(set);
	return rc;
}

START_TEST(test_pulse_groups_modules)
{
	static const char in[] =
		"voltage_volt,module_id,current_ampere,test_time_second\n"
		"26.5,A,0,0\n26.1,B,0,0\n25.9,A,-100,1.5\n"
		"25.7,B,-100,1\n26.4,A,0,11.5\n";
	bg_pulse_set *set = NULL;
	bg_pack *p = test_pack();
	bg_error err;

	ck_assert_int_eq(bg_pulse_load_mem(&set, "t.csv", in, sizeof(in) - 1,
					   p, &err), 0);
	ck_assert_uint_eq(set->nseries, 2);
	ck_assert_str_eq(set->series[0].module_id, "A");
	ck_assert_uint_eq(set->series[0].n, 3);
	ck_assert_double_eq(set->series[0].time_s[2], 11.5);
	ck_assert_double_eq(set->series[0].current_a[1], -100);
	ck_assert_double_eq(set->series[1].voltage_v[1], 25.7);
	bg_pulse_set_free(set);
	bg_pack_free(p);
}
END_TEST

/* BDF's own sample file with preferred labels (shared data), as is. */
START_TEST(test_pulse_bdf_sample)
{
	const char *top = getenv("BG_TOP_SRCDIR");
	char path[1024];
	bg_pulse_set *set = NULL;
	bg_error err;

	/* a copy of the shared BDF sample (tests/fixtures/formats/README) */
	snprintf(path, sizeof(path), "%s/tests/fixtures/formats/sample.bdf.csv",
		 top ? top : ".");
	ck_assert_int_eq(bg_pulse_load(&set, path, NULL, &err), 0);
	ck_assert_uint_eq(set->nseries, 1);
	ck_assert_uint_gt(set->series[0].n, 1);
	ck_assert_double_eq(set->series[0].voltage_v[0], 3.7);
	ck_assert_double_eq(set->series[0].current_a[0], 0.1);
	bg_pulse_set_free(set);
}
END_TEST

/* The Neware file whose name says its time column is broken: the
 * loader must find the backward step, not hide it. */
START_TEST(test_pulse_bdf_time_bug)
{
	const char *top = getenv("BG_TOP_SRCDIR");
	char path[1024];
	bg_pulse_set *set = NULL;
	bg_error err;

	/* the first 800 lines of the shared Neware file: they hold its
	 * first backward step (tests/fixtures/formats/README) */
	snprintf(path, sizeof(path), "%s/tests/fixtures/formats/SINTEF__"
		 "SLPBA842124HV__Neware__Time_Bug.head800.bdf.csv",
		 top ? top : ".");
	ck_assert_int_eq(bg_pulse_load(&set, path, NULL, &err), BG_EDATA);
	ck_assert(strstr(err.msg, "test time goes backwards") != NULL);
	ck_assert_uint_gt(err.line, 2);
	ck_assert_uint_eq(err.column, 1);
}
END_TEST

#define H "module_id,test_time_second,current_ampere,voltage_volt\n"

static const struct csv_case bad[] = {
	{ "", 0, 0, 0, "empty file" },
	{ H "\n\n", 0, 0, 0, "no data rows" },
	{ "module_id,test_time_second,voltage_volt\nA,1,2\n", 0, 1, 0,
	  "missing column 'current_ampere'" },
	{ H "A,0,0,26\nA,1,-50,25.5\nB,0,0,26\nA,0.5,0,26\n", 0, 5, 3,
	  "test time goes backwards: 0.5 s after 1 s (module 'A')" },
	{ H "A,0,0,26\nA,1,-50,2 5.5\n", 0, 3, 9, "'2 5.5' is not a number" },
	{ H "A,0,0,26\nA,1,inf,25\n", 0, 3, 5, "not a finite number" },
	{ H "A,0,0,26\nA,1,-50\n", 0, 3, 0, "expected 4 fields, found 3" },
	{ H "A,0,0,26\nC,1,-50,25\n", 0, 3, 1, "not in the manifest" },
	{ H "A,0,0,\"26\n", 0, 2, 0, "unterminated quoted field" },
	{ "module_id,Test Time / s,test_time_second,current_ampere,"
	  "voltage_volt\nA,1,1,2,3\n", 0, 1, 25, "same quantity" },
};

START_TEST(test_pulse_rejects)
{
	check_rejects(&bad[_i], _i, load, 1);
}
END_TEST

static Suite *pulse_suite(void)
{
	Suite *s = suite_create("pulse");
	TCase *tc = tcase_create("read");

	tcase_add_test(tc, test_pulse_groups_modules);
	tcase_add_test(tc, test_pulse_bdf_sample);
	tcase_add_test(tc, test_pulse_bdf_time_bug);
	suite_add_tcase(s, tc);
	tc = tcase_create("reject");
	tcase_add_loop_test(tc, test_pulse_rejects, 0,
			    sizeof(bad) / sizeof(bad[0]));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(pulse_suite());
	int failed;

	bg_init();
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
