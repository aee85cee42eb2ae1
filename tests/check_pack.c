/*
 * check_pack.c - the pack manifest (pack.json): a valid manifest reads
 * back exactly; every malformed or invalid one is BG_EDATA located at
 * the offending text; ISO 8601 times convert exactly.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "battgrade.h"
#include "battgrade/pack.h"

#define L1 "{\n"
#define L2 "  \"pack_id\": \"P1\", \"chemistry\": \"NMC\",\n"
#define L3 "  \"nominal_capacity_ah\": 50, \"nominal_voltage_volt\": 350.4,\n"
#define L4 "  \"modules_series\": 2, \"modules_parallel\": 1,\n"
#define L5 "  \"modules\": [\n"
#define M(id, cap) "    {\"module_id\": \"" id "\", \"nominal_capacity_ah\": " \
	cap ", \"nominal_voltage_volt\": 175.2, \"cells_series\": 48, " \
	"\"cells_parallel\": 1}"
#define L6 M("A", "50") ",\n"
#define L7 M("B", "49.5") "\n"
#define L8 "  ]\n}\n"

static const char good[] = L1 L2 L3 L4 L5 L6 L7 L8;

static const char *srcdir(void)
{
	const char *s = getenv("BG_TOP_SRCDIR");

	return s ? s : ".";
}

START_TEST(test_pack_parse_good)
{
	bg_pack *p = NULL;
	bg_error err;

	bg_error_clear(&err);
	ck_assert_int_eq(bg_pack_parse(&p, "pack.json", good, strlen(good),
				       &err), 0);
	ck_assert_str_eq(p->pack_id, "P1");
	ck_assert_str_eq(p->chemistry, "NMC");
	ck_assert_double_eq(p->nominal_voltage_volt, 350.4);
	ck_assert_int_eq(p->modules_series, 2);
	ck_assert_uint_eq(p->nmodules, 2);
	ck_assert_str_eq(p->modules[1].module_id, "B");
	ck_assert_double_eq(p->modules[1].nominal_capacity_ah, 49.5);
	ck_assert_int_eq(p->modules[1].cells_series, 48);
	ck_assert_int_eq(p->modules[1].position, 1);
	ck_assert(isnan(p->modules[0].initial_resistance_ohm));
	ck_assert(isnan(p->odometer_km));
	ck_assert_str_eq(p->manufacture_date, "");
	ck_assert_ptr_eq(bg_pack_module(p, "B"), &p->modules[1]);
	ck_assert_ptr_null(bg_pack_module(p, "b"));
	bg_pack_free(p);
}
END_TEST

START_TEST(test_pack_load_fixture)
{
	char dir[1024], path[1200];
	bg_pack *p = NULL;
	bg_error err;

	snprintf(dir, sizeof(dir), "%s/tests/fixtures/packs/good", srcdir());
	ck_assert_int_eq(bg_pack_load(&p, dir, &err), 0);
	ck_assert_str_eq(p->dir, dir);
	ck_assert_str_eq(p->model, "FX-3");
	ck_assert_double_eq(p->odometer_km, 152340);
	ck_assert_str_eq(p->retirement_date, "2024-05-20T10:00:00Z");
	ck_assert_double_eq_tol(p->modules[2].initial_resistance_ohm, 0.0022,
				1e-15);
	ck_assert_ptr_nonnull(p->json);
	ck_assert_int_eq(bg_pack_path(p, "capacity.csv", path, sizeof(path)),
			 1);
	ck_assert(strstr(path, "/good/capacity.csv") != NULL);
	ck_assert_int_eq(bg_pack_path(p, "nothing.csv", path, sizeof(path)),
			 0);
	ck_assert_int_eq(bg_pack_path(p, "capacity.csv", path, 8), BG_EINVAL);
	bg_pack_free(p);
}
END_TEST

START_TEST(test_pack_load_missing)
{
	bg_pack *p = NULL;
	bg_error err;

	ck_assert_int_eq(bg_pack_load(&p, "/nonexistent/pack", &err),
			 BG_ENOENT);
	ck_assert_ptr_null(p);
	ck_assert_str_eq(err.file, "/nonexistent/pack/pack.json");
}
END_TEST

/*
 * Each bad manifest, the text where the error must point (first
 * occurrence of anchor, or the end of input when anchor is ""), and a
 * part of the message.
 */
struct bad_case {
	const char *json;
	const char *anchor;
	const char *msg;
};

static const struct bad_case bad[] = {
	{ "", "", "empty manifest" },
	{ "  \n\t", "", "empty manifest" },
	{ L1 L2 L3 "  \"modules_series\": 2 \"modules_parallel\": 1,\n" L5 L6
	  L7 L8, "\"modules_parallel\"", "malformed JSON" },
	{ L1 L2 L3 L4 L5 L6 L7 "  ]\n", "", "malformed JSON" },
	{ L1 L2 L3 L4 L5 L6 L7 L8 "x", "x", "malformed JSON" },
	{ "[1, 2]", "[", "must be a JSON object" },
	{ L1 "  \"pack_id\": \"P1\", \"chemistry\": \"NiCd\",\n" L3 L4 L5 L6
	  L7 L8, "\"NiCd\"", "unknown chemistry NiCd" },
	{ L1 "  \"pack_id\": \"P1\", \"chemistry\": \"nmc\",\n" L3 L4 L5 L6
	  L7 L8, "\"nmc\"", "unknown chemistry nmc" },
	{ L1 "  \"pack_id\": \"P1\",\n" L3 L4 L5 L6 L7 L8, "{",
	  "missing member 'chemistry'" },
	{ L1 "  \"pack_id\": 7, \"chemistry\": \"NMC\",\n" L3 L4 L5 L6 L7 L8,
	  "7", "'pack_id' must be a string" },
	{ L1 L2 "  \"nominal_capacity_ah\": -50, \"nominal_voltage_volt\": "
	  "350.4,\n" L4 L5 L6 L7 L8, "-50",
	  "'nominal_capacity_ah' must be positive" },
	{ L1 L2 "  \"nominal_capacity_ah\": \"50\", \"nominal_voltage_volt\": "
	  "350.4,\n" L4 L5 L6 L7 L8, "\"50\"",
	  "'nominal_capacity_ah' must be a number" },
	{ L1 L2 L3 "  \"modules_series\": 2.5, \"modules_parallel\": 1,\n" L5
	  L6 L7 L8, "2.5", "'modules_series' must be a whole number" },
	{ L1 L2 L3 L4 L5 L6 M("A", "50") "\n" L8, "\"A\", \"nominal_capacity_ah\": 50, \"nominal_voltage_volt\": 175.2, \"cells_series\": 48, \"cells_parallel\": 1}\n",
	  "duplicate module_id 'A'" },
	{ L1 L2 L3 L4 L5 L6 M("B", "-3") "\n" L8, "-3",
	  "'nominal_capacity_ah' must be positive" },
	{ L1 L2 L3 L4 "  \"modules\": []\n}\n", "[]",
	  "'modules' must be a non-empty array" },
	{ L1 L2 L3 L4 "\"modules\": [ 3 ]}", "3 ]",
	  "must be an object" },
	{ L1 L2 L3 L4 L5 L6 "    {\"module_id\": \"B\"}\n" L8,
	  "{\"module_id\": \"B\"}", "missing member 'nominal_capacity_ah'" },
	{ L1 L2 L3 L4 "  \"manufacture_date\": \"2016-02-30\",\n" L5 L6 L7
	  L8, "\"2016-02-30\"", "not an ISO 8601 date" },
	{ L1 L2 L3 L4 "  \"odometer_km\": -1,\n" L5 L6 L7 L8, "-1",
	  "must not be negative" },
	{ L1 L2 "  \"pack_id\": \"P2\",\n" L3 L4 L5 L6 L7 L8, "{",
	  "member 'pack_id' given twice" },
	{ L1 L2 L3 L4 L5 "    {\"module_id\": \"A,1\", \"nominal_capacity_ah\": "
	  "50, \"nominal_voltage_volt\": 175.2, \"cells_series\": 48, "
	  "\"cells_parallel\": 1}\n" L8, "\"A,1\"", "has a comma" },
	{ L1 L2 L3 L4 "  \"provenance\": \"me\",\n" L5 L6 L7 L8, "\"me\"",
	  "'provenance' must be an object" },
	{ "{\"a\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
	  "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
	  "", "malformed JSON" },
};

static void expected_pos(const char *text, const char *anchor,
			 unsigned long *line, unsigned long *col)
{
	const char *at = *anchor ? strstr(text, anchor) : text + strlen(text);
	const char *p;

	ck_assert_msg(at != NULL, "anchor '%s' not in input", anchor);
	*line = 1;
	*col = 1;
	for (p = text; p < at; p++) {
		if (*p == '\n')
			(*line)++, *col = 1;
		else
			(*col)++;
	}
}

START_TEST(test_pack_rejects)
{
	const struct bad_case *c = &bad[_i];
	unsigned long line, col;
	bg_pack *p = NULL;
	bg_error err;

	bg_error_clear(&err);
	expected_pos(c->json, c->anchor, &line, &col);
	ck_assert_int_eq(bg_pack_parse(&p, "pack.json", c->json,
				       strlen(c->json), &err), BG_EDATA);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(err.code, BG_EDATA);
	ck_assert_str_eq(err.file, "pack.json");
	ck_assert_msg(strstr(err.msg, c->msg) != NULL,
		      "case %d: message '%s' lacks '%s'", _i, err.msg, c->msg);
	ck_assert_msg(err.line == line && err.column == col,
		      "case %d: at %lu:%lu, expected %lu:%lu (%s)", _i,
		      err.line, err.column, line, col, err.msg);
}
END_TEST

START_TEST(test_pack_rejects_nul_and_bom)
{
	static const char nul[] = "{\n \"pack_id\"\0: 1}";
	char *bom = malloc(sizeof(good) + 3);
	bg_pack *p = NULL;
	bg_error err;

	ck_assert_int_eq(bg_pack_parse(&p, "pack.json", nul, sizeof(nul) - 1,
				       &err), BG_EDATA);
	ck_assert_uint_eq(err.line, 2);
	ck_assert_uint_eq(err.column, 11);
	ck_assert(strstr(err.msg, "NUL byte") != NULL);
	/* a UTF-8 byte-order mark is tolerated */
	memcpy(bom, "\xef\xbb\xbf", 3);
	memcpy(bom + 3, good, sizeof(good));
	ck_assert_int_eq(bg_pack_parse(&p, "pack.json", bom, strlen(bom),
				       &err), 0);
	ck_assert_uint_eq(p->nmodules, 2);
	bg_pack_free(p);
	free(bom);
}
END_TEST

struct time_case {
	const char *text;
	double secs;
};

/* Expected values from `date -u -d TEXT +%s` (GNU coreutils). */
static const struct time_case times[] = {
	{ "1970-01-01", 0 },
	{ "2016-06-15", 1465948800 },
	{ "2000-02-29", 951782400 },
	{ "2024-05-20T10:00:00Z", 1716199200 },
	{ "2024-05-20 10:00:00", 1716199200 },
	{ "2024-05-20T10:00", 1716199200 },
	{ "2024-05-20T12:00:00+02:00", 1716199200 },
	{ "2024-05-20T05:30:00-0430", 1716199200 },
	{ "2024-05-20T10:00:00.25Z", 1716199200.25 },
	{ "1969-12-31T23:59:59Z", -1 },
	{ "2100-03-01", 4107542400 },
};

static const char *const bad_times[] = {
	"", "2024", "2024-13-01", "2023-02-29", "2024-04-31", "2024-05-20T",
	"2024-05-20T25:00", "2024-05-20T10:60", "2024-05-20T10:00:00X",
	"2024-05-20T10:00:00+2", "24-05-20", "2024/05/20", "2024-05-20x",
	"2024-05-20T10:00:00.", "2024-05-20T10:00:00+24:00",
};

START_TEST(test_pack_parse_time)
{
	size_t i;
	double t;

	for (i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		ck_assert_msg(bg_parse_time(times[i].text, &t) == 0, "%s",
			      times[i].text);
		ck_assert_msg(t == times[i].secs, "%s: %.3f != %.3f",
			      times[i].text, t, times[i].secs);
	}
	for (i = 0; i < sizeof(bad_times) / sizeof(bad_times[0]); i++)
		ck_assert_msg(bg_parse_time(bad_times[i], &t) == BG_EDATA,
			      "accepted '%s'", bad_times[i]);
}
END_TEST

static Suite *pack_suite(void)
{
	Suite *s = suite_create("pack");
	TCase *tc = tcase_create("manifest");

	tcase_add_test(tc, test_pack_parse_good);
	tcase_add_test(tc, test_pack_load_fixture);
	tcase_add_test(tc, test_pack_load_missing);
	tcase_add_loop_test(tc, test_pack_rejects, 0,
			    sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_pack_rejects_nul_and_bom);
	suite_add_tcase(s, tc);
	tc = tcase_create("time");
	tcase_add_test(tc, test_pack_parse_time);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(pack_suite());
	int failed;

	bg_init();
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
