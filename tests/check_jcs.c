/*
 * check_jcs.c - RFC 8785 canonical JSON: the reference implementation's
 * object vectors, 25,000+ numbers against ECMAScript's serialisation,
 * and the strict parser's refusals with their positions.
 */
#include "config.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "battgrade.h"
#include "battgrade/jcs.h"
#include "battgrade/models.h"

static char *fixture(const char *name, size_t *len)
{
	const char *top = getenv("BG_TOP_SRCDIR");
	char path[4096];
	char *text = NULL;
	bg_error err;

	snprintf(path, sizeof(path), "%s/tests/fixtures/jcs/%s",
		 top ? top : ".", name);
	ck_assert_msg(bg_read_file(&text, len, path, 4 << 20, &err) == 0,
		      "cannot read %s: %s", path, err.msg);
	return text;
}

static void check_vector(const char *name)
{
	char in[64], outname[64], *src, *want, *got;
	size_t srclen, wantlen, gotlen;
	bg_error err;

	snprintf(in, sizeof(in), "%s.input.json", name);
	snprintf(outname, sizeof(outname), "%s.output.json", name);
	src = fixture(in, &srclen);
	want = fixture(outname, &wantlen);
	ck_assert_int_eq(bg_jcs_canonicalize(&got, &gotlen, src, srclen, in,
					     &err), 0);
	ck_assert_uint_eq(gotlen, wantlen);
	ck_assert_msg(memcmp(got, want, wantlen) == 0, "%s: got %s", name, got);
	/* Canonicalising the canonical form changes nothing. */
	free(src);
	ck_assert_int_eq(bg_jcs_canonicalize(&src, &srclen, got, gotlen, in,
					     &err), 0);
	ck_assert_str_eq(src, got);
	free(src);
	free(want);
	free(got);
}

START_TEST(test_jcs_rfc8785_vectors)
{
	static const char *const names[] = {
		"arrays", "french", "structures", "unicode", "values", "weird"
	};

	check_vector(names[_i]);
}
END_TEST

static double from_hex(const char *h)
{
	uint64_t bits = strtoull(h, NULL, 16);
	double d;

	memcpy(&d, &bits, sizeof(d));
	return d;
}

/* The double d written with fmt must canonicalise to want. */
static void check_respelled(const char *fmt, double d, const char *want)
{
	char json[80], *canon;
	size_t clen;
	bg_error err;

	snprintf(json, sizeof(json), fmt, d);
	if (strtod(json + 1, NULL) != d)
		return;         /* that spelling does not read back: skip */
	ck_assert_int_eq(bg_jcs_canonicalize(&canon, &clen, json, strlen(json),
					     NULL, &err), 0);
	ck_assert_msg(strcmp(canon, want) == 0, "%s: got %s, want %s", json,
		      canon, want);
	free(canon);
}

START_TEST(test_jcs_numbers_csv)
{
	char *text, *line, *next, buf[32], json[64], *canon;
	size_t len, n = 0, clen;
	bg_error err;
	int k;

	/* The parser and printf must not follow the program's locale. */
	setlocale(LC_ALL, "");
	text = fixture("numbers.csv", &len);
	line = strchr(text, '\n') + 1;   /* skip the header */
	for (; line && *line; line = next) {
		char *comma = strchr(line, ',');
		double d;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		ck_assert_ptr_nonnull(comma);
		*comma = '\0';
		d = from_hex(line);
		k = bg_jcs_number(buf, sizeof(buf), d);
		ck_assert_int_gt(k, 0);
		ck_assert_msg(strcmp(buf, comma + 1) == 0,
			      "%s: got %s, want %s", line, buf, comma + 1);
		/* And through the parser: the expected text is canonical. */
		snprintf(json, sizeof(json), "[%s]", comma + 1);
		ck_assert_int_eq(bg_jcs_canonicalize(&canon, &clen, json,
						     strlen(json), NULL, &err), 0);
		ck_assert_str_eq(canon, json);
		free(canon);
		/* other spellings of the same double: 17 and 16 digits, a
		 * trailing zero, an upper-case exponent */
		check_respelled("[%.16e]", d, json);
		check_respelled("[%.15e]", d, json);
		check_respelled("[%.17E]", d, json);
		n++;
	}
	ck_assert_uint_ge(n, 25000);
	free(text);
	setlocale(LC_ALL, "C");
}
END_TEST

START_TEST(test_jcs_number_forms)
{
	char buf[32];

	ck_assert_int_eq(bg_jcs_number(buf, sizeof(buf), -0.0), 1);
	ck_assert_str_eq(buf, "0");
	bg_jcs_number(buf, sizeof(buf), 1e21);
	ck_assert_str_eq(buf, "1e+21");
	bg_jcs_number(buf, sizeof(buf), 123e-20);
	ck_assert_str_eq(buf, "1.23e-18");
	bg_jcs_number(buf, sizeof(buf), 0.1 + 0.2);
	ck_assert_str_eq(buf, "0.30000000000000004");
	bg_jcs_number(buf, sizeof(buf), -2.5);
	ck_assert_str_eq(buf, "-2.5");
	ck_assert_int_eq(bg_jcs_number(buf, sizeof(buf), NAN), BG_EINVAL);
	ck_assert_int_eq(bg_jcs_number(buf, sizeof(buf), INFINITY), BG_EINVAL);
	ck_assert_int_eq(bg_jcs_number(buf, 8, 1.0), BG_EINVAL);
}
END_TEST

/* Each must be refused as bad data at the given line and column. */
static const struct {
	const char *json;
	unsigned long line, col;
	const char *msg;
} bad[] = {
	{ "{\"a\":1,\"a\":2}", 1, 8, "duplicate" },
	{ "[1,]", 1, 4, "invalid value" },
	{ "[01]", 1, 3, "expected ','" },
	{ "[1.]", 1, 2, "invalid number" },
	{ "[+1]", 1, 2, "invalid value" },
	{ "[1e400]", 1, 2, "out of range" },
	{ "[\"\\ud800\"]", 1, 3, "lone high surrogate" },
	{ "[\"\\udc00x\"]", 1, 3, "lone low surrogate" },
	{ "[\"\xc0\xaf\"]", 1, 3, "invalid UTF-8" },
	{ "[\"\xed\xa0\x80\"]", 1, 3, "invalid UTF-8" },
	{ "[\"a\tb\"]", 1, 4, "control character" },
	{ "[\"\\x\"]", 1, 3, "invalid escape" },
	{ "{\n  \"a\": tru }", 2, 8, "invalid value" },
	{ "{} x", 1, 4, "trailing data" },
	{ "", 1, 1, "unexpected end" },
	{ "[\"abc", 1, 2, "unterminated" },
	{ "{\"a\" 1}", 1, 6, "expected ':'" },
	{ "[NaN]", 1, 2, "invalid value" },
};

START_TEST(test_jcs_refuses)
{
	bg_json *v = (bg_json *)1;
	bg_error err;

	ck_assert_int_eq(bg_json_parse(&v, bad[_i].json, strlen(bad[_i].json),
				       "t.json", &err), BG_EDATA);
	ck_assert_ptr_null(v);
	ck_assert_str_eq(err.file, "t.json");
	ck_assert_msg(err.line == bad[_i].line && err.column == bad[_i].col,
		      "%s: at %lu:%lu, want %lu:%lu (%s)", bad[_i].json,
		      err.line, err.column, bad[_i].line, bad[_i].col, err.msg);
	ck_assert_msg(strstr(err.msg, bad[_i].msg) != NULL, "%s: message %s",
		      bad[_i].json, err.msg);
}
END_TEST

START_TEST(test_jcs_depth_limit)
{
	char deep[200];
	bg_json *v;
	bg_error err;
	int i;

	for (i = 0; i < 100; i++) {
		deep[i] = '[';
		deep[199 - i] = ']';
	}
	ck_assert_int_eq(bg_json_parse(&v, deep, 200, NULL, &err), BG_EDATA);
	ck_assert_ptr_nonnull(strstr(err.msg, "too deep"));
	ck_assert_int_eq(bg_json_parse(&v, deep + 40, 120, NULL, &err), 0);
	bg_json_free(v);
}
END_TEST

START_TEST(test_jcs_spans_and_access)
{
	const char *src = "{ \"b\" : [1, \"x\\u0000y\"], \"a\":{\"k\":-1.5e3} }";
	const bg_json *b, *a;
	size_t off, len, slen;
	bg_json *v;
	bg_error err;

	ck_assert_int_eq(bg_json_parse(&v, src, strlen(src), NULL, &err), 0);
	b = bg_json_member(v, "b");
	bg_json_span(b, &off, &len);
	ck_assert_uint_eq(off, 8);
	ck_assert_int_eq(memcmp(src + off, "[1, \"x\\u0000y\"]", len), 0);
	ck_assert_uint_eq(bg_json_count(b), 2);
	ck_assert_double_eq(bg_json_number(bg_json_item(b, 0)), 1.0);
	ck_assert_ptr_nonnull(bg_json_string(bg_json_item(b, 1), &slen));
	ck_assert_uint_eq(slen, 3);
	ck_assert_ptr_null(bg_json_item(b, 2));
	a = bg_json_member(v, "a");
	ck_assert_double_eq(bg_json_number(bg_json_member(a, "k")), -1500.0);
	ck_assert_ptr_null(bg_json_member(v, "c"));
	bg_json_free(v);
}
END_TEST

START_TEST(test_jcs_from_cjson)
{
	cJSON *o = cJSON_CreateObject();
	char *out;
	size_t len;
	bg_error err;

	cJSON_AddNumberToObject(o, "z", 0.1);
	cJSON_AddNumberToObject(o, "b", 1e-7);
	cJSON_AddStringToObject(o, "\xc3\xa9", "\x7f\n");
	cJSON_AddNumberToObject(o, "a", 333333333.33333329);
	ck_assert_int_eq(bg_jcs_from_cjson(&out, &len, o, &err), 0);
	ck_assert_str_eq(out, "{\"a\":333333333.3333333,\"b\":1e-7,"
			      "\"z\":0.1,\"\xc3\xa9\":\"\x7f\\n\"}");
	free(out);
	cJSON_AddNumberToObject(o, "nan", NAN);
	ck_assert_int_eq(bg_jcs_from_cjson(&out, &len, o, &err), BG_EINVAL);
	cJSON_Delete(o);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("jcs");
	TCase *tc = tcase_create("vectors");
	TCase *tp = tcase_create("parser");

	tcase_add_loop_test(tc, test_jcs_rfc8785_vectors, 0, 6);
	tcase_add_test(tc, test_jcs_numbers_csv);
	tcase_add_test(tc, test_jcs_number_forms);
	tcase_add_test(tc, test_jcs_from_cjson);
	tcase_add_loop_test(tp, test_jcs_refuses, 0,
			    (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tp, test_jcs_depth_limit);
	tcase_add_test(tp, test_jcs_spans_and_access);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, tp);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	bg_init();
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
