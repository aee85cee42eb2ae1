/*
 * check_chemistry.c - chemistry limit files load, are consistent, and
 * pack.json-style overrides apply or are rejected with a reason.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "battgrade.h"
#include "battgrade/chemistry.h"

START_TEST(test_chemistry_loads_all)
{
	static const char *const names[] = { "NMC", "NCA", "LFP", "LMO",
					     "LTO" };
	bg_chem_limits l;
	bg_error err;
	size_t i;

	for (i = 0; i < 5; i++) {
		ck_assert_int_eq(bg_chem_limits_load(&l, names[i], &err), 0);
		ck_assert_str_eq(l.chemistry, names[i]);
		ck_assert(l.min_cell_voltage_volt > 1.0);
		ck_assert(l.max_cell_voltage_volt < 4.5);
		ck_assert(l.charge_temp_min_c < l.charge_temp_max_c);
		ck_assert(l.discharge_temp_min_c < l.discharge_temp_max_c);
		ck_assert_int_eq(l.cells_series, 1);
		ck_assert(l.overvoltage_tolerance_volt > 0 &&
			  l.overvoltage_tolerance_volt <= 0.1);
	}
	/* Chemistry-specific windows really differ. */
	ck_assert_int_eq(bg_chem_limits_load(&l, "lfp", &err), 0);
	ck_assert_double_eq(l.max_cell_voltage_volt, 3.65);
	ck_assert_int_eq(bg_chem_limits_load(&l, "LTO", &err), 0);
	ck_assert(l.charge_temp_min_c < 0);
}
END_TEST

START_TEST(test_chemistry_unknown)
{
	bg_chem_limits l;
	bg_error err;

	ck_assert_int_eq(bg_chem_limits_load(&l, "NiMH", &err), BG_ECONFIG);
	ck_assert(strstr(err.msg, "NiMH") != NULL);
	ck_assert_int_eq(bg_chem_known("nca"), 1);
	ck_assert_int_eq(bg_chem_known(""), 0);
}
END_TEST

START_TEST(test_chemistry_override)
{
	bg_chem_limits l;
	bg_error err;
	cJSON *o;

	ck_assert_int_eq(bg_chem_limits_load(&l, "NMC", &err), 0);
	o = cJSON_Parse("{\"max_cell_voltage_volt\": 4.15,"
			"\"charge_temperature_celsius\": [5, 40]}");
	ck_assert_int_eq(bg_chem_limits_apply(&l, o, "pack.json", &err), 0);
	ck_assert_double_eq(l.max_cell_voltage_volt, 4.15);
	ck_assert_double_eq(l.charge_temp_min_c, 5);
	ck_assert_double_eq(l.charge_temp_max_c, 40);
	ck_assert_double_eq(l.min_cell_voltage_volt, 2.5); /* untouched */
	cJSON_Delete(o);

	o = cJSON_Parse("{\"charge_temperature_celsius\": [40, 5]}");
	ck_assert_int_eq(bg_chem_limits_apply(&l, o, "pack.json", &err),
			 BG_ECONFIG);
	ck_assert_str_eq(err.file, "pack.json");
	cJSON_Delete(o);
	o = cJSON_Parse("{\"max_charge_c_rate\": \"fast\"}");
	ck_assert_int_eq(bg_chem_limits_apply(&l, o, "pack.json", &err),
			 BG_ECONFIG);
	ck_assert(strstr(err.msg, "max_charge_c_rate") != NULL);
	cJSON_Delete(o);
	o = cJSON_Parse("{\"overvoltage_tolerance_volt\": -0.1}");
	ck_assert_int_eq(bg_chem_limits_apply(&l, o, "pack.json", &err),
			 BG_ECONFIG);
	ck_assert(strstr(err.msg, "overvoltage_tolerance_volt") != NULL);
	cJSON_Delete(o);
	o = cJSON_Parse("{\"min_cell_voltage_volt\": 5}");
	ck_assert_int_eq(bg_chem_limits_apply(&l, o, "pack.json", &err),
			 BG_ECONFIG);
	cJSON_Delete(o);
}
END_TEST

static Suite *chemistry_suite(void)
{
	Suite *s = suite_create("chemistry");
	TCase *tc = tcase_create("limits");

	tcase_add_test(tc, test_chemistry_loads_all);
	tcase_add_test(tc, test_chemistry_unknown);
	tcase_add_test(tc, test_chemistry_override);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(chemistry_suite());
	int failed;

	bg_init();
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
