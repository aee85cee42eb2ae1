/*
 * check_publish.c - backoff, URL policy and upload acceptance: the
 * decisions of the publishing path that need no server.  The whole
 * path against a real server is in tests/cli/t7NN-registry-*.sh.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "battgrade/cert.h"
#include "battgrade/keys.h"
#include "battgrade/models.h"
#include "battgrade/publish.h"
#include "battgrade/regclient.h"
#include "battgrade/regverify.h"

START_TEST(test_publish_backoff_bounds)
{
	bg_publish_opts o;
	unsigned k;
	double d, lo, hi, want;
	int i;

	bg_init();
	bg_publish_opts_init(&o);
	for (k = 1; k <= 12; k++) {
		want = o.base_delay_s * (double)(1u << (k - 1));
		if (want > o.max_delay_s)
			want = o.max_delay_s;
		lo = 1e9;
		hi = 0;
		for (i = 0; i < 2000; i++) {
			d = bg_publish_backoff(&o, k, -1);
			lo = d < lo ? d : lo;
			hi = d > hi ? d : hi;
		}
		ck_assert_double_ge(lo, want / 2);
		ck_assert_double_le(hi, want);
		/* jitter really spreads: the range is mostly covered */
		ck_assert_double_gt(hi - lo, want * 0.4);
	}
	/* Retry-After wins when longer; never shortens the backoff. */
	ck_assert_double_eq(bg_publish_backoff(&o, 1, 7.0), 7.0);
	ck_assert_double_ge(bg_publish_backoff(&o, 9, 0.0), 12.8);
}
END_TEST

START_TEST(test_regclient_url_policy)
{
	ck_assert(bg_regclient_url_ok("https://registry.example/"));
	ck_assert(bg_regclient_url_ok("https://192.0.2.7:8443"));
	ck_assert(bg_regclient_url_ok("http://127.0.0.1:8470"));
	ck_assert(bg_regclient_url_ok("http://127.1.2.3"));
	ck_assert(bg_regclient_url_ok("http://localhost:1"));
	ck_assert(bg_regclient_url_ok("http://[::1]:8470/"));
	ck_assert(!bg_regclient_url_ok("http://registry.example"));
	ck_assert(!bg_regclient_url_ok("http://127.0.0.1.evil.example"));
	ck_assert(!bg_regclient_url_ok("http://10.0.0.1"));
	ck_assert(!bg_regclient_url_ok("ftp://127.0.0.1"));
	ck_assert(!bg_regclient_url_ok("file:///etc/passwd"));
	ck_assert(!bg_regclient_url_ok("not a url"));
}
END_TEST

START_TEST(test_regverify_ids)
{
	ck_assert(bg_regverify_id_ok("bgc-0123456789abcdef0123456789abcdef"));
	ck_assert(bg_regverify_id_ok("A.b_c:d-e"));
	ck_assert(!bg_regverify_id_ok(""));
	ck_assert(!bg_regverify_id_ok("../etc/passwd"));
	ck_assert(!bg_regverify_id_ok(".hidden"));
	ck_assert(!bg_regverify_id_ok("-rf"));
	ck_assert(!bg_regverify_id_ok("x'; DROP TABLE certificates;--"));
	ck_assert(!bg_regverify_id_ok("a/b"));
	ck_assert(!bg_regverify_id_ok("a%2fb"));
}
END_TEST

/* A real certificate: valid with its key, refused with another. */
START_TEST(test_regverify_upload)
{
	const char *top = getenv("BG_TOP_SRCDIR");
	char path[4096], id[BG_CERT_ID_MAX], *text, *line, *file, *keys;
	char tmpl[] = "/tmp/check_publish.XXXXXX";
	bg_signing_key key;
	bg_cert_meta meta = { 0 };
	bg_upload_info u;
	bg_error err;
	cJSON *grade, *body;
	size_t len, flen;

	bg_init();
	snprintf(path, sizeof(path), "%s/tests/fixtures/cert/grades.jsonl",
		 top ? top : ".");
	ck_assert_int_eq(bg_read_file(&text, &len, path, 1 << 20, &err), 0);
	line = strchr(text, '\n');
	*line = '\0';
	grade = cJSON_Parse(text);
	free(text);
	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	ck_assert_int_eq(bg_key_generate(NULL, tmpl, &err), 0);
	snprintf(path, sizeof(path), "%s/battgrade.key", tmpl);
	ck_assert_int_eq(bg_key_load(&key, path, &err), 0);
	meta.issuer_id = "DE-TEST-1";
	meta.issued_at = 1764144000;
	meta.valid_days = 365;
	ck_assert_int_eq(bg_cert_body_from_grade(&body, grade, &meta, "g", 1,
						 &err), 0);
	ck_assert_int_eq(bg_cert_sign(&file, &flen, id, body, &key, &err), 0);
	ck_assert_int_eq(bg_jwk_to_json(&text, &key.pub, &err), 0);
	len = strlen(text) + 16;
	keys = malloc(len);
	snprintf(keys, len, "{\"keys\":[%s]}", text);
	ck_assert_int_eq(bg_regverify_upload(file, flen, keys, &u, &err), 0);
	ck_assert_str_eq(u.id, id);
	ck_assert_str_eq(u.module_id, "M01");
	ck_assert_str_eq(u.grade, "A");
	ck_assert_str_eq(u.issuer_id, "DE-TEST-1");
	ck_assert_uint_eq(strlen(u.digest), 64);
	ck_assert_int_eq(u.malformed, 0);
	/* the key of nobody registered */
	ck_assert_int_eq(bg_regverify_upload(file, flen, "{\"keys\":[]}", &u,
					     &err), BG_EDATA);
	ck_assert_int_eq(bg_regverify_upload("{\"cert", 6, keys, &u, &err),
			 BG_EDATA);
	ck_assert_int_eq(u.malformed, 1);
	ck_assert_int_eq(bg_regverify_upload("{}", 2, keys, &u, &err),
			 BG_EDATA);
	ck_assert_int_eq(u.malformed, 0);
	bg_key_wipe(&key);
	free(keys);
	free(text);
	free(file);
	cJSON_Delete(body);
	cJSON_Delete(grade);
	snprintf(path, sizeof(path), "rm -rf '%s'", tmpl);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("publish");
	TCase *tc = tcase_create("decisions");

	tcase_add_test(tc, test_publish_backoff_bounds);
	tcase_add_test(tc, test_regclient_url_policy);
	tcase_add_test(tc, test_regverify_ids);
	tcase_add_test(tc, test_regverify_upload);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
