/*
 * check_policy.c - reading, validating and hashing grading policies.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "battgrade.h"
#include "battgrade/policy.h"

/* A small but complete policy; tests break one thing at a time. */
static const char good[] =
	"{\"name\":\"t\",\"version\":\"2\",\n"
	" \"end_of_life\":{\"soh_capacity\":0.6,\"soh_resistance\":2},\n"
	" \"matching\":{\"parallel_resistance_spread\":0.1,"
	"\"series_capacity_spread\":0.05},\n"
	" \"gates\":[{\"id\":\"health\",\"rules\":[\n"
	"  {\"id\":\"c.A\",\"input\":\"soh_capacity\",\"op\":\">=\","
	"\"threshold\":0.8,\"on_fail\":\"B\"},\n"
	"  {\"id\":\"l.A\",\"input\":\"rul_p10_years.home\",\"op\":\">=\","
	"\"threshold\":10,\"on_fail\":\"B\",\"on_unknown\":\"RETEST\"}]}],\n"
	" \"chemistry\":{\"LFP\":{\"c.A\":0.85}},\n"
	" \"applications\":[{\"name\":\"home\",\"duty\":{\"cycles_per_day\":1,"
	"\"depth_of_discharge\":0.8,\"c_rate\":0.5,\"temperature_c\":25},"
	"\"grades\":[\"A\",\"B\"],\"end_of_life_soh_capacity\":0.6,"
	"\"min_p10_years\":8,\"max_soh_resistance\":1.75}]}\n";

static int parse_with(const char *from, const char *to, bg_error *err,
		      bg_policy **out)
{
	char buf[4096];
	const char *at = strstr(good, from);
	size_t pre;

	ck_assert_ptr_nonnull(at);
	pre = (size_t)(at - good);
	snprintf(buf, sizeof(buf), "%.*s%s%s", (int)pre, good, to,
		 at + strlen(from));
	return bg_policy_parse(out, buf, strlen(buf), "p.json", err);
}

START_TEST(test_policy_parse_good)
{
	bg_policy *p;
	bg_error err;

	ck_assert_int_eq(bg_policy_parse(&p, good, strlen(good), "p.json",
					 &err), 0);
	ck_assert_str_eq(p->name, "t");
	ck_assert_str_eq(p->version, "2");
	ck_assert_uint_eq(p->nrules, 2);
	ck_assert_uint_eq(p->nprofiles, 1);
	ck_assert_str_eq(p->rules[0].gate, "health");
	ck_assert_int_eq(p->rules[0].on_fail, BG_GRADE_B);
	ck_assert_int_eq(p->rules[0].on_unknown, BG_GRADE_NONE);
	ck_assert_int_eq(p->rules[1].on_unknown, BG_GRADE_RETEST);
	ck_assert_double_eq(bg_policy_threshold(p, 0, "NMC"), 0.8);
	ck_assert_double_eq(bg_policy_threshold(p, 0, "LFP"), 0.85);
	ck_assert_double_eq(bg_policy_threshold(p, 0, NULL), 0.8);
	ck_assert_double_eq(p->profiles[0].depth_of_discharge, 0.8);
	ck_assert_uint_eq(p->profiles[0].grades,
			  (1u << BG_GRADE_A) | (1u << BG_GRADE_B));
	ck_assert_double_eq(p->series_capacity_spread, 0.05);
	bg_policy_free(p);
}
END_TEST

/* The hash is of the exact bytes: one more space, another hash.  The
 * expected value was computed with sha256sum(1) over the same bytes. */
START_TEST(test_policy_sha256_of_bytes)
{
	static const char tiny[] =
		"{\"name\":\"x\",\"version\":\"1\",\"end_of_life\":"
		"{\"soh_capacity\":0.6,\"soh_resistance\":2},\"matching\":"
		"{\"parallel_resistance_spread\":0.1,\"series_capacity_spread"
		"\":0.05},\"gates\":[{\"id\":\"g\",\"rules\":[{\"id\":\"r\","
		"\"input\":\"soh_capacity\",\"op\":\">=\",\"threshold\":0.6,"
		"\"on_fail\":\"R\"}]}],\"applications\":[]}";
	bg_policy *p, *q;
	char spaced[sizeof(tiny) + 1];

	ck_assert_int_eq(bg_policy_parse(&p, tiny, strlen(tiny), "x", NULL),
			 0);
	ck_assert_str_eq(p->sha256_hex, "67585cb4cc3e2b8f1482581827bcec82"
			 "3e5951e01e2f81350f30f5eed89f4db1");
	snprintf(spaced, sizeof(spaced), "%s ", tiny);
	ck_assert_int_eq(bg_policy_parse(&q, spaced, strlen(spaced), "x",
					 NULL), 0);
	ck_assert_str_ne(p->sha256_hex, q->sha256_hex);
	bg_policy_free(p);
	bg_policy_free(q);
}
END_TEST

START_TEST(test_policy_syntax_error_location)
{
	bg_policy *p = (bg_policy *)1;
	bg_error err;

	/* Drop the comma after "version":"2" on line 1. */
	ck_assert_int_eq(parse_with("\"2\",", "\"2\" ", &err, &p), BG_ECONFIG);
	ck_assert_ptr_null(p);
	ck_assert_str_eq(err.file, "p.json");
	ck_assert_uint_eq(err.line, 2);
	ck_assert_uint_eq(err.column, 2);
}
END_TEST

/* Each semantic error names the member path. */
static const struct {
	const char *from, *to, *msg;
} semantic[] = {
	{ "\">=\",\"threshold\":0.8", "\"=>\",\"threshold\":0.8",
	  "gates[0].rules[0].op: '=>' is not one of" },
	{ "\"threshold\":0.8,", "\"threshold\":\"0.8\",",
	  "gates[0].rules[0].threshold: must be a number" },
	{ "\"on_fail\":\"B\"}", "\"on_fail\":\"D\"}",
	  "gates[0].rules[0].on_fail: 'D' is not a grade" },
	{ "\"input\":\"soh_capacity\"", "\"input\":\"soh_capcity\"",
	  "gates[0].rules[0].input: 'soh_capcity' is not evidence" },
	{ "rul_p10_years.home", "rul_p10_years.office",
	  "gates[0].rules[1].input: 'rul_p10_years.office'" },
	{ "\"id\":\"l.A\"", "\"id\":\"c.A\"",
	  "gates[0].rules[1].id: rule 'c.A' defined twice" },
	{ "\"version\":\"2\",", "",
	  "version: required member missing" },
	{ "\"c_rate\":0.5", "\"c_rate\":-1",
	  "applications[0].duty.c_rate: -1 is outside" },
	{ "\"LFP\":{\"c.A\":0.85}", "\"LFP\":{\"c.Z\":0.85}",
	  "chemistry.LFP.c.Z: no rule 'c.Z'" },
	{ "\"LFP\":{", "\"XYZ\":{", "chemistry.XYZ: unknown member" },
	{ "\"name\":\"t\",", "\"name\":\"t\",\"colour\":1,",
	  "colour: unknown member" },
	{ "\"grades\":[\"A\",\"B\"]", "\"grades\":[\"R\"]",
	  "applications[0].grades: only grades A, B and C" },
	{ "\"on_unknown\":\"RETEST\"}", "\"on_unknown\":\"RETEST\","
	  "\"or\":{}}", "gates[0].rules[1].or: must be an array" },
	{ "\"on_unknown\":\"RETEST\"}", "\"on_unknown\":\"RETEST\","
	  "\"when\":{\"input\":\"knee\",\"op\":\">=\",\"threshold\":1}}",
	  "gates[0].rules[1].when.input: 'knee' is not evidence" },
	{ "\"on_unknown\":\"RETEST\"}", "\"on_unknown\":\"RETEST\","
	  "\"or\":[{\"input\":\"soh_capacity\",\"op\":\">=\"}]}",
	  "gates[0].rules[1].or[0].threshold: required member missing" },
	{ "\"on_fail\":\"B\",\"on_unknown\"", "\"on_fail\":\"B\",\"unit\":7,"
	  "\"on_unknown\"", "gates[0].rules[1].unit: must be a string" },
};

START_TEST(test_policy_semantic_errors)
{
	bg_policy *p;
	bg_error err;

	bg_error_clear(&err);
	ck_assert_int_eq(parse_with(semantic[_i].from, semantic[_i].to, &err,
				    &p), BG_ECONFIG);
	ck_assert_ptr_null(p);
	ck_assert_str_eq(err.file, "p.json");
	if (!strstr(err.msg, semantic[_i].msg))
		ck_abort_msg("case %d: got '%s', want '%s'", _i, err.msg,
			     semantic[_i].msg);
}
END_TEST

START_TEST(test_policy_default_installed)
{
	bg_policy *p;
	bg_error err;
	char **names;
	size_t n, i;
	int found = 0;

	ck_assert_int_eq(bg_policy_names(&names, &n, &err), 0);
	for (i = 0; i < n; i++)
		found |= !strcmp(names[i], "default");
	ck_assert_int_eq(found, 1);
	ck_assert_ptr_null(names[n]);
	bg_policy_names_free(names);
	ck_assert_int_eq(bg_policy_load(&p, "default", &err), 0);
	ck_assert_str_eq(p->name, "default");
	ck_assert_uint_eq(strlen(p->sha256_hex), 64);
	ck_assert_int_ge(bg_policy_profile_index(p, "home-storage"), 0);
	ck_assert_int_ge(bg_policy_profile_index(p, "frequency-regulation"),
			 0);
	ck_assert_int_ge(bg_policy_profile_index(p, "ev-fast-charger-buffer"),
			 0);
	ck_assert_int_ge(bg_policy_profile_index(p, "peak-shaving"), 0);
	ck_assert_int_ge(bg_policy_profile_index(p, "telecom-backup"), 0);
	ck_assert_int_ge(bg_policy_profile_index(p, "disaster-backup"), 0);
	ck_assert_int_eq(bg_policy_profile_index(p, "moon-base"), -1);
	bg_policy_free(p);
	ck_assert_int_eq(bg_policy_load(&p, "no-such-policy", &err),
			 BG_ENOENT);
	ck_assert_ptr_nonnull(strstr(err.msg, "no-such-policy"));
	ck_assert_int_eq(bg_policy_load(&p, "/nonexistent/p.json", &err),
			 BG_ENOENT);
}
END_TEST

START_TEST(test_policy_compare_ops)
{
	ck_assert(bg_policy_compare(BG_OP_GE, 0.8, 0.8));
	ck_assert(!bg_policy_compare(BG_OP_GT, 0.8, 0.8));
	ck_assert(bg_policy_compare(BG_OP_LE, 1.5, 1.5));
	ck_assert(!bg_policy_compare(BG_OP_LT, 1.5, 1.5));
	ck_assert(bg_policy_compare(BG_OP_EQ, 1, 1));
	ck_assert_int_eq(bg_grade_parse("RETEST"), BG_GRADE_RETEST);
	ck_assert_int_eq(bg_grade_parse("a"), BG_GRADE_NONE);
	ck_assert_str_eq(bg_grade_name(BG_GRADE_C), "C");
	ck_assert_int_lt(BG_GRADE_R, BG_GRADE_RETEST);
}
END_TEST

static Suite *policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_policy_parse_good);
	tcase_add_test(tc, test_policy_sha256_of_bytes);
	tcase_add_test(tc, test_policy_syntax_error_location);
	tcase_add_loop_test(tc, test_policy_semantic_errors, 0,
			    sizeof(semantic) / sizeof(semantic[0]));
	tcase_add_test(tc, test_policy_default_installed);
	tcase_add_test(tc, test_policy_compare_ops);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(policy_suite());
	int failed;

	bg_init();
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
