/*
 * check_capacity.c - capacity.csv: columns in any order and under BDF
 * labels, grouping and sorting per module, and every bad input rejected
 * at its line and column.
 */
#include <math.h>
#include <stdlib.h>

#include "ingest-test.h"

static int load(const char *s, size_t len, const bg_pack *pack,
		bg_error *err)
{
	bg_capacity_set *set = NULL;
	int rc = bg_capacity_load_mem(&set, "t.csv", s, len, pack, err);

	bg_capacity_set_free(set);
	return rc;
}

START_TEST(test_capacity_reads_and_sorts)
{
	static const char in[] =
		"\xef\xbb\xbf" "Capacity / Ah,note,module_id,Cycle Count / 1,"
		"days,Ambient Temperature / degC,energy_wh,"
		"dc_internal_resistance_ohm\r\n"
		"91.25,late,A,1200,900,24.5,2310.5,0.0031\r\n"
		"99.75,,A,0,0,25,2560,0.0025\r\n"
		"\r\n"
		"97.5,\"x, y\",B,300,,,,\r\n"
		"95.125,mid,A,600,450,26,2440,0.0028\r\n";
	bg_capacity_set *set = NULL;
	bg_pack *p = test_pack();
	bg_error err;
	const bg_capacity_series *a;

	ck_assert_int_eq(bg_capacity_load_mem(&set, "t.csv", in,
					      sizeof(in) - 1, p, &err), 0);
	ck_assert_uint_eq(set->nseries, 2);
	a = &set->series[0];
	ck_assert_str_eq(a->module_id, "A");
	ck_assert_uint_eq(a->n, 3);
	ck_assert_double_eq(a->pts[0].cycle_count, 0);
	ck_assert_double_eq(a->pts[0].capacity_ah, 99.75);
	ck_assert_double_eq(a->pts[1].capacity_ah, 95.125);
	ck_assert_double_eq(a->pts[1].days, 450);
	ck_assert_double_eq(a->pts[2].temperature_c, 24.5);
	ck_assert_double_eq(a->pts[2].energy_wh, 2310.5);
	ck_assert_double_eq(a->pts[2].resistance_ohm, 0.0031);
	ck_assert_str_eq(set->series[1].module_id, "B");
	ck_assert(isnan(set->series[1].pts[0].days));
	ck_assert(isnan(set->series[1].pts[0].temperature_c));
	bg_capacity_set_free(set);
	bg_pack_free(p);
}
END_TEST

START_TEST(test_capacity_lone_file_by_days)
{
	static const char in[] = "days,capacity_ah\n730,60.5\n0,64\n365,62\n";
	bg_capacity_set *set = NULL;
	bg_error err;

	ck_assert_int_eq(bg_capacity_load_mem(&set, "t.csv", in,
					      sizeof(in) - 1, NULL, &err), 0);
	ck_assert_uint_eq(set->nseries, 1);
	ck_assert_str_eq(set->series[0].module_id, "");
	ck_assert(isnan(set->series[0].pts[0].cycle_count));
	ck_assert_double_eq(set->series[0].pts[0].days, 0);
	ck_assert_double_eq(set->series[0].pts[2].capacity_ah, 60.5);
	bg_capacity_set_free(set);
}
END_TEST

START_TEST(test_capacity_fixture_file)
{
	const char *top = getenv("BG_TOP_SRCDIR");
	char dir[1024], path[1100];
	bg_capacity_set *set = NULL;
	bg_pack *p = NULL;
	bg_error err;

	snprintf(dir, sizeof(dir), "%s/tests/fixtures/packs/good",
		 top ? top : ".");
	ck_assert_int_eq(bg_pack_load(&p, dir, &err), 0);
	ck_assert_int_eq(bg_pack_path(p, "capacity.csv", path, sizeof(path)),
			 1);
	ck_assert_int_eq(bg_capacity_load(&set, path, p, &err), 0);
	ck_assert_uint_eq(set->nseries, 3);
	ck_assert_double_eq(set->series[0].pts[1].capacity_ah, 60.2);
	ck_assert_double_eq(set->series[0].pts[2].cycle_count, 800);
	bg_capacity_set_free(set);
	ck_assert_int_eq(bg_capacity_load(&set, "/nonexistent.csv", p, &err),
			 BG_ENOENT);
	bg_pack_free(p);
}
END_TEST

#define H "module_id,cycle_count,capacity_ah\n"

static const struct csv_case bad[] = {
	{ "", 0, 0, 0, "empty file" },
	{ "\xef\xbb\xbf", 0, 0, 0, "empty file" },
	{ H, 0, 0, 0, "no data rows" },
	{ "module_id,cycle_count\nA,1\n", 0, 1, 0,
	  "missing column 'capacity_ah'" },
	{ "module_id,capacity_ah\nA,1\n", 0, 1, 0,
	  "missing column 'cycle_count' or 'days'" },
	{ "cycle_count,capacity_ah\n1,2\n", 0, 1, 0,
	  "missing column 'module_id'" },
	{ "module_id,cycle_count,capacity_ah,Capacity / Ah\nA,1,2,2\n", 0, 1,
	  35, "columns 'capacity_ah' and 'Capacity / Ah' are the same" },
	{ "module_id,cycle_count,capacity_ah,cycle_count\nA,1,2,3\n", 0, 1, 35,
	  "duplicate column 'cycle_count'" },
	{ H "A,0,64\nA,10,6x3\n", 0, 3, 6, "'6x3' is not a number" },
	{ H "A,0,64\nB,10,nan\n", 0, 3, 6, "not a finite number" },
	{ H "A,0,64\nB,10,-Inf\n", 0, 3, 6, "not a finite number" },
	{ H "A,0,64\nB,10,\n", 0, 3, 6, "empty value in column 'capacity_ah'" },
	{ H "A,,64\n", 0, 2, 3, "empty value in column 'cycle_count'" },
	{ H "A,0,0\n", 0, 2, 5, "capacity_ah must be positive" },
	{ H "A,-1,60\n", 0, 2, 3, "cycle_count must not be negative" },
	{ H "A,0,64\nB,10\n", 0, 3, 0, "expected 3 fields, found 2" },
	{ H "A,0,64,1\n", 0, 2, 8, "expected 3 fields, found 4" },
	{ H "A,0,\"64\n", 0, 2, 0, "unterminated quoted field" },
	{ H "A,0,64\nZ,1,60\n", 0, 3, 1, "module 'Z' is not in the manifest" },
	{ H ",0,64\n", 0, 2, 1, "empty module_id" },
	{ H "A,0,64\nB,1,6\0\n", sizeof(H) + 12, 3, 6, "NUL byte" },
	{ H "A,0,64\n\x01\x02\xff\xfe,\x80,\x90\n", 0, 3, 1,
	  "module '\x01\x02\xff\xfe' is not in the manifest" },
	{ "\xff\xfem\0o\0", 6, 1, 1, "UTF-16" },
	{ "module_id,days,capacity_ah,surface_temperature_celsius\n"
	  "A,1,60,-300\n", 0, 2, 8, "below absolute zero" },
};

START_TEST(test_capacity_rejects)
{
	check_rejects(&bad[_i], _i, load, 1);
}
END_TEST

START_TEST(test_capacity_rejects_long_field)
{
	size_t n = 70 * 1024;
	char *s = malloc(n + 64);
	int len;

	len = snprintf(s, n + 64, "%sA,0,", H);
	memset(s + len, '7', n);
	memcpy(s + len + n, "\n", 2);
	{
		const struct csv_case c = { s, 0, 2, 5, "field longer than" };

		check_rejects(&c, 0, load, 1);
	}
	free(s);
}
END_TEST

static Suite *capacity_suite(void)
{
	Suite *s = suite_create("capacity");
	TCase *tc = tcase_create("read");

	tcase_add_test(tc, test_capacity_reads_and_sorts);
	tcase_add_test(tc, test_capacity_lone_file_by_days);
	tcase_add_test(tc, test_capacity_fixture_file);
	suite_add_tcase(s, tc);
	tc = tcase_create("reject");
	tcase_add_loop_test(tc, test_capacity_rejects, 0,
			    sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_capacity_rejects_long_field);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(capacity_suite());
	int failed;

	bg_init();
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
