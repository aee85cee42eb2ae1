/*
 * check_cert.c - certificates: built from grade results, signed,
 * verified; and every kind of forgery refused with its reason: a
 * changed byte anywhere in the file, a signature taken from another
 * certificate, an untrusted key, a key id claimed by another key, a
 * non-canonical re-encoding, a schema violation.
 */
#include "config.h"

#include <check.h>
#include <pthread.h>
#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "battgrade.h"
#include "battgrade/cert.h"
#include "battgrade/certpdf.h"
#include "battgrade/jcs.h"
#include "battgrade/keys.h"
#include "battgrade/models.h"

#define NGRADES 4

/* LeakSanitizer hooks (used only in sanitizer builds): fontconfig keeps
 * its caches for the life of the process once cairo has drawn text. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_options(void);

const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}

const char *__lsan_default_options(void)
{
	return "print_suppressions=0";
}

static cJSON *grades[NGRADES];
static bg_signing_key key, other;
static bg_jwk_set trusted;
static bg_cert_meta meta;

static void make_key(bg_signing_key *k)
{
	crypto_sign_keypair(k->pub.pk, k->sk);
	bg_jwk_thumbprint(k->pub.kid, k->pub.pk);
}

static void setup(void)
{
	const char *top = getenv("BG_TOP_SRCDIR");
	char path[4096], *text, *line, *next;
	size_t len, n = 0;
	bg_error err;

	bg_init();
	snprintf(path, sizeof(path), "%s/tests/fixtures/cert/grades.jsonl",
		 top ? top : ".");
	ck_assert_int_eq(bg_read_file(&text, &len, path, 1 << 20, &err), 0);
	for (line = text; *line && n < NGRADES; line = next) {
		next = strchr(line, '\n');
		*next++ = '\0';
		grades[n] = cJSON_Parse(line);
		ck_assert_ptr_nonnull(grades[n]);
		n++;
	}
	ck_assert_uint_eq(n, NGRADES);
	free(text);
	make_key(&key);
	make_key(&other);
	bg_jwk_set_init(&trusted);
	ck_assert_int_eq(bg_jwk_set_add(&trusted, &key.pub, &err), 0);
	memset(&meta, 0, sizeof(meta));
	meta.issuer_id = "DE-REPURPOSE-0001";
	meta.facility = "Lab Kassel";
	meta.operator_name = "J. Doe";
	meta.issued_at = 1764144000;  /* 2025-11-26T08:00:00Z */
	meta.valid_days = 365;
}

static void teardown(void)
{
	int i;

	for (i = 0; i < NGRADES; i++)
		cJSON_Delete(grades[i]);
	bg_jwk_set_release(&trusted);
}

/* Certificate file for grade i, signed with k. */
static char *issue(int i, const bg_signing_key *k, char id[BG_CERT_ID_MAX],
		   size_t *len)
{
	cJSON *body;
	char *out;
	bg_error err;

	ck_assert_int_eq(bg_cert_body_from_grade(&body, grades[i], &meta,
						 "g.jsonl", (unsigned long)i + 1,
						 &err), 0);
	ck_assert_msg(bg_cert_sign(&out, len, id, body, k, &err) == 0, "%s",
		      err.msg);
	cJSON_Delete(body);
	return out;
}

START_TEST(test_cert_sign_verify)
{
	char id[BG_CERT_ID_MAX], *text;
	bg_cert_info info;
	size_t len;
	bg_error err;

	text = issue(_i, &key, id, &len);
	ck_assert_int_eq(strlen(id), 36);
	ck_assert_msg(bg_cert_verify(text, len, &trusted, &info, &err) == 0,
		      "%s", err.msg);
	ck_assert_int_eq(info.reason, BG_CERT_VALID);
	ck_assert_str_eq(info.id, id);
	ck_assert_str_eq(info.schema, "battgrade-certificate/1");
	ck_assert_str_eq(info.pack_id, "LEAF-2013-0042");
	ck_assert_str_eq(info.module_id,
			 cJSON_GetObjectItem(grades[_i], "module_id")->valuestring);
	ck_assert_str_eq(info.grade,
			 cJSON_GetObjectItem(grades[_i], "grade")->valuestring);
	ck_assert_str_eq(info.issuer_id, "DE-REPURPOSE-0001");
	ck_assert_str_eq(info.issued_at, "2025-11-26T08:00:00Z");
	ck_assert_str_eq(info.kid, key.pub.kid);
	free(text);
}
END_TEST

START_TEST(test_cert_body_fields)
{
	char id[BG_CERT_ID_MAX], *text;
	const bg_json *b, *ms;
	bg_json *doc;
	size_t len;
	bg_error err;

	text = issue(0, &key, id, &len);
	ck_assert_int_eq(bg_json_parse(&doc, text, len, NULL, &err), 0);
	b = bg_json_member(doc, "certificate");
	ck_assert_str_eq(bg_json_string(bg_json_member(b, "validUntil"), NULL),
			 "2026-11-26");
	ms = bg_json_member(b, "measuredState");
	ck_assert_double_eq(bg_json_number(bg_json_member(
		bg_json_member(ms, "remainingCapacity"), "value")), 55.3);
	ck_assert_str_eq(bg_json_string(bg_json_member(
		bg_json_member(ms, "stateOfHealth"), "basis"), NULL), "Ah-based");
	ck_assert_double_eq(bg_json_number(bg_json_member(
		bg_json_member(bg_json_member(b, "history"), "energyThroughput"),
		"value")), 451.3);
	ck_assert_uint_eq(bg_json_count(bg_json_member(
		bg_json_member(b, "provenance"), "inputs")), 3);
	ck_assert_uint_eq(bg_json_count(bg_json_member(
		bg_json_member(b, "decision"), "rules")), 3);
	/* a module without EIS: impedance is null, not absent */
	bg_json_free(doc);
	free(text);
	text = issue(1, &key, id, &len);
	ck_assert_int_eq(bg_json_parse(&doc, text, len, NULL, &err), 0);
	b = bg_json_member(doc, "certificate");
	ck_assert_int_eq(bg_json_typeof(bg_json_member(b, "impedance")),
			 BG_JSON_NULL);
	bg_json_free(doc);
	free(text);
}
END_TEST

START_TEST(test_cert_deterministic)
{
	char id1[BG_CERT_ID_MAX], id2[BG_CERT_ID_MAX], *a, *b;
	size_t la, lb;

	a = issue(0, &key, id1, &la);
	b = issue(0, &key, id2, &lb);
	ck_assert_str_eq(id1, id2);
	ck_assert_uint_eq(la, lb);
	ck_assert_int_eq(memcmp(a, b, la), 0);
	free(b);
	meta.issued_at += 1;
	b = issue(0, &key, id2, &lb);
	ck_assert_str_ne(id1, id2);
	free(a);
	free(b);
}
END_TEST

/* Every single-byte change anywhere in the file is refused. */
START_TEST(test_cert_tampered_any_byte)
{
	char id[BG_CERT_ID_MAX], *text;
	bg_cert_info info;
	size_t len, i;
	bg_error err;
	int counts[7] = { 0 };

	text = issue(0, &key, id, &len);
	for (i = 0; i < len; i++) {
		text[i] ^= 0x01;
		ck_assert_msg(bg_cert_verify(text, len, &trusted, &info, &err) < 0,
			      "byte %zu changed and still valid", i);
		ck_assert_int_ne(info.reason, BG_CERT_VALID);
		counts[info.reason]++;
		text[i] ^= 0x01;
	}
	/* the body's own bytes mostly show as tampering */
	ck_assert_int_gt(counts[BG_CERT_TAMPERED], (int)len / 2);
	ck_assert_int_gt(counts[BG_CERT_BAD_SIGNATURE], 50);
	ck_assert_int_eq(bg_cert_verify(text, len, &trusted, &info, &err), 0);
	free(text);
}
END_TEST

START_TEST(test_cert_tampered_value)
{
	char id[BG_CERT_ID_MAX], *text, *p;
	bg_cert_info info;
	size_t len;
	bg_error err;

	text = issue(0, &key, id, &len);
	p = strstr(text, "\"grade\":\"A\"");
	ck_assert_ptr_nonnull(p);
	p[9] = 'B';
	ck_assert_int_eq(bg_cert_verify(text, len, &trusted, &info, &err),
			 BG_EDATA);
	ck_assert_int_eq(info.reason, BG_CERT_TAMPERED);
	ck_assert_ptr_nonnull(strstr(err.msg, "tampered body"));
	free(text);
}
END_TEST

START_TEST(test_cert_swapped_signature)
{
	char id1[BG_CERT_ID_MAX], id2[BG_CERT_ID_MAX], *a, *b, *sa, *sb, *x;
	bg_cert_info info;
	size_t la, lb;
	bg_error err;

	a = issue(0, &key, id1, &la);
	b = issue(2, &key, id2, &lb);
	sa = strstr(a, "\"signature\":\"");
	sb = strstr(b, "\"signature\":\"");
	ck_assert_uint_eq(strlen(sa), strlen(sb));  /* same length */
	x = malloc(la + 1);
	memcpy(x, a, la + 1);
	memcpy(x + (sa - a), sb, strlen(sb));
	ck_assert_int_eq(bg_cert_verify(x, la, &trusted, &info, &err), BG_EAUTH);
	ck_assert_int_eq(info.reason, BG_CERT_BAD_SIGNATURE);
	ck_assert_str_eq(info.id, id1);
	free(x);
	free(a);
	free(b);
}
END_TEST

START_TEST(test_cert_wrong_key)
{
	char id[BG_CERT_ID_MAX], *text;
	bg_signing_key liar;
	bg_cert_info info;
	size_t len;
	bg_error err;

	/* signed by a key nobody trusts */
	text = issue(1, &other, id, &len);
	ck_assert_int_eq(bg_cert_verify(text, len, &trusted, &info, &err),
			 BG_EAUTH);
	ck_assert_int_eq(info.reason, BG_CERT_UNKNOWN_KEY);
	ck_assert_ptr_nonnull(strstr(err.msg, other.pub.kid));
	ck_assert_int_eq(bg_cert_verify(text, len, NULL, &info, &err),
			 BG_EAUTH);
	free(text);
	/* signed by another key that claims the trusted key's id */
	liar = other;
	memcpy(liar.pub.kid, key.pub.kid, sizeof(liar.pub.kid));
	text = issue(1, &liar, id, &len);
	ck_assert_int_eq(bg_cert_verify(text, len, &trusted, &info, &err),
			 BG_EAUTH);
	ck_assert_int_eq(info.reason, BG_CERT_BAD_SIGNATURE);
	free(text);
}
END_TEST

/* Re-encode the body with cJSON (members in insertion order, other
 * number forms): the same data, not the same bytes. */
START_TEST(test_cert_noncanonical)
{
	char id[BG_CERT_ID_MAX], *text, *re, *body, *p;
	cJSON *doc;
	bg_cert_info info;
	size_t len;
	bg_error err;

	text = issue(0, &key, id, &len);
	doc = cJSON_Parse(text);
	body = cJSON_PrintUnformatted(cJSON_GetObjectItem(doc, "certificate"));
	re = malloc(len + 4096);
	snprintf(re, len + 4096, "{\"certificate\":%s,\"signature\":\"%s\"}",
		 body, cJSON_GetObjectItem(doc, "signature")->valuestring);
	ck_assert_int_eq(bg_cert_verify(re, strlen(re), &trusted, &info, &err),
			 BG_EDATA);
	ck_assert_int_eq(info.reason, BG_CERT_NONCANONICAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "non-canonical"));
	/* one space inside the body */
	snprintf(re, len + 4096, "%s", text);
	p = strchr(re + 1, '{');
	memmove(p + 2, p + 1, strlen(p + 1) + 1);
	p[1] = ' ';
	ck_assert_int_eq(bg_cert_verify(re, strlen(re), &trusted, &info, &err),
			 BG_EDATA);
	ck_assert_int_eq(info.reason, BG_CERT_NONCANONICAL);
	/* 55.3 written as 55.30 */
	snprintf(re, len + 4096, "%s", text);
	p = strstr(re, "55.3");
	memmove(p + 5, p + 4, strlen(p + 4) + 1);
	p[4] = '0';
	ck_assert_int_eq(bg_cert_verify(re, strlen(re), &trusted, &info, &err),
			 BG_EDATA);
	ck_assert_int_eq(info.reason, BG_CERT_NONCANONICAL);
	/* whitespace outside the body is fine: the envelope is not signed */
	snprintf(re, len + 4096, " {\"certificate\" : %.*s\n", (int)(len - 16),
		 text + 15);
	ck_assert_msg(bg_cert_verify(re, strlen(re), &trusted, &info, &err) == 0,
		      "%s", err.msg);
	free(re);
	cJSON_free(body);
	cJSON_Delete(doc);
	free(text);
}
END_TEST

/* A correctly signed body that breaks the schema is still refused. */
START_TEST(test_cert_schema_violation)
{
	static const char *const edits[][2] = {
		{ "\"grade\":\"A\"", "\"grade\":\"X\"" },
		{ "\"schema\":\"battgrade-certificate/1\"",
		  "\"schema\":\"battgrade-certificate/9\"" },
		{ "\"issuedAt\":\"2025-11-26T08:00:00Z\"",
		  "\"issuedAt\":\"2025-11-26 08:00:00\"" },
		{ "\"validUntil\":\"2026-11-26\"", "\"validUntil\":\"2026-02-30\"" },
		{ "\"moduleId\":\"M01\"", "\"moduleId\":\"\"" },
		{ "\"policy\":{\"name\":\"default\"", "\"policy\":{\"name\":7" },
		{ "\"decision\":{", "\"decisio\":{" },
		{ "\"registry\"", "\"extra\"" },
	};
	char id[BG_CERT_ID_MAX], *text, *canon, *jws, *file, *sig;
	cJSON *doc, *body;
	bg_cert_info info;
	size_t len, clen;
	bg_error err;
	char *p, *edited;

	meta.registry_url = "https://registry.example/";
	text = issue(0, &key, id, &len);
	meta.registry_url = NULL;
	doc = cJSON_Parse(text);
	body = cJSON_GetObjectItem(doc, "certificate");
	ck_assert_int_eq(bg_jcs_from_cjson(&canon, &clen, body, &err), 0);
	p = strstr(canon, edits[_i][0]);
	ck_assert_ptr_nonnull(p);
	edited = malloc(clen + 64);
	snprintf(edited, clen + 64, "%.*s%s%s", (int)(p - canon), canon,
		 edits[_i][1], p + strlen(edits[_i][0]));
	/* sign the canonical form of the edited body */
	free(canon);
	ck_assert_int_eq(bg_jcs_canonicalize(&canon, &clen, edited,
					     strlen(edited), NULL, &err), 0);
	ck_assert_int_eq(bg_jws_sign_detached(&jws, canon, clen, key.sk,
					      key.pub.kid, &err), 0);
	len = clen + strlen(jws) + 64;
	file = malloc(len);
	sig = jws;
	snprintf(file, len, "{\"certificate\":%s,\"signature\":\"%s\"}",
		 canon, sig);
	ck_assert_int_eq(bg_cert_verify(file, strlen(file), &trusted, &info,
					&err), BG_EDATA);
	ck_assert_msg(info.reason == BG_CERT_SCHEMA, "%s: reason %s (%s)",
		      edits[_i][1], bg_cert_reason_name(info.reason), err.msg);
	ck_assert_ptr_nonnull(strstr(err.msg, "schema violation"));
	free(file);
	free(jws);
	free(canon);
	free(edited);
	cJSON_Delete(doc);
	free(text);
}
END_TEST

START_TEST(test_cert_malformed)
{
	static const char *const bad[] = {
		"", "[]", "{\"certificate\":{}}",
		"{\"certificate\":{},\"signature\":\"x\",\"z\":1}",
		"{\"certificate\":[],\"signature\":\"x\"}",
		"{\"certificate\":{},\"signature\":1}",
		"{\"certificate\":{},\"certificate\":{}}",
	};
	bg_cert_info info;
	bg_error err;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(bg_cert_verify(bad[i], strlen(bad[i]),
						&trusted, &info, &err),
				 BG_EDATA);
		ck_assert_int_eq(info.reason, BG_CERT_MALFORMED);
	}
	ck_assert_int_eq(bg_cert_verify("{\"certificate\":{},\"signature\":\"x\"}",
					34, &trusted, &info, &err), BG_EDATA);
	ck_assert_int_eq(info.reason, BG_CERT_SCHEMA);
	ck_assert_str_eq(bg_cert_reason_name(BG_CERT_NONCANONICAL),
			 "non-canonical");
	ck_assert_str_eq(bg_cert_reason_name((bg_cert_reason)99), "unknown");
}
END_TEST

START_TEST(test_cert_grade_input_errors)
{
	cJSON *g = cJSON_Duplicate(grades[0], 1), *body;
	bg_cert_meta m = meta;
	bg_error err;

	cJSON_DeleteItemFromObject(g, "module_id");
	ck_assert_int_eq(bg_cert_body_from_grade(&body, g, &meta, "g.jsonl", 7,
						 &err), BG_EDATA);
	ck_assert_ptr_null(body);
	ck_assert_str_eq(err.file, "g.jsonl");
	ck_assert_uint_eq(err.line, 7);
	ck_assert_ptr_nonnull(strstr(err.msg, "module_id"));
	cJSON_Delete(g);
	g = cJSON_Duplicate(grades[0], 1);
	cJSON_DeleteItemFromObject(g, "inputs");
	ck_assert_int_eq(bg_cert_body_from_grade(&body, g, &meta, "g", 1, &err),
			 BG_EDATA);
	cJSON_Delete(g);
	m.issuer_id = NULL;
	ck_assert_int_eq(bg_cert_body_from_grade(&body, grades[0], &m, "g", 1,
						 &err), BG_EINVAL);
	ck_assert_int_eq(bg_cert_body_from_grade(&body, cJSON_GetObjectItem(
		grades[0], "rules"), &meta, "g", 1, &err), BG_EDATA);
}
END_TEST

START_TEST(test_cert_write_no_overwrite)
{
	char dir[] = "/tmp/bgcertXXXXXX", path[4096], id[BG_CERT_ID_MAX];
	char id2[BG_CERT_ID_MAX], *a, *b, cmd[4200];
	size_t la, lb;
	bg_error err;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	a = issue(0, &key, id, &la);
	ck_assert_int_eq(bg_cert_write(path, sizeof(path), dir, id, a, la,
				       &err), 0);
	ck_assert_ptr_nonnull(strstr(path, id));
	ck_assert_int_eq(bg_cert_write(NULL, 0, dir, id, a, la, &err), 1);
	b = issue(1, &key, id2, &lb);
	/* a different certificate under an existing name: refused */
	ck_assert_int_eq(bg_cert_write(NULL, 0, dir, id, b, lb, &err),
			 BG_EEXIST);
	free(a);
	free(b);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(test_cert_time)
{
	char buf[32];
	time_t t;
	bg_error err;

	ck_assert_int_eq(bg_cert_parse_time(&t, "2024-02-29T23:59:59Z", &err), 0);
	ck_assert_int_eq(bg_cert_time(buf, sizeof(buf), t), 0);
	ck_assert_str_eq(buf, "2024-02-29T23:59:59Z");
	ck_assert_int_eq(bg_cert_parse_time(&t, "1700000000", &err), 0);
	ck_assert_int_eq((long long)t, 1700000000LL);
	ck_assert_int_eq(bg_cert_parse_time(&t, "2023-02-29T00:00:00Z", &err),
			 BG_EDATA);
	ck_assert_int_eq(bg_cert_parse_time(&t, "2024-01-01T24:00:00Z", &err),
			 BG_EDATA);
	ck_assert_int_eq(bg_cert_parse_time(&t, "2024-01-01 00:00:00", &err),
			 BG_EDATA);
	ck_assert_int_eq(bg_cert_parse_time(&t, "", &err), BG_EDATA);
}
END_TEST

START_TEST(test_cert_pdf)
{
	char dir[] = "/tmp/bgpdfXXXXXX", path[4096], cmd[4200], head[6] = "";
	char id[BG_CERT_ID_MAX], *text, *qr;
	cJSON *g = cJSON_Duplicate(grades[0], 1), *body;
	bg_error err;
	size_t len;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	/* a long name in several scripts must be cut at a character
	 * boundary (cairo refuses broken UTF-8) */
	cJSON_ReplaceItemInObject(g, "manufacturer", cJSON_CreateString(
		"\xc3\x9c" "berlandwerke \xe5\x8c\x97\xe4\xba\xac \xc3\x9c" "berlandwerke "
		"\xe5\x8c\x97\xe4\xba\xac\xe5\x8c\x97\xe4\xba\xac\xe5\x8c\x97"));
	meta.registry_url = "https://registry.example.org/";
	ck_assert_int_eq(bg_cert_body_from_grade(&body, g, &meta, "g", 1,
						 &err), 0);
	text = NULL;
	ck_assert_int_eq(bg_cert_sign(&text, &len, id, body, &key, &err), 0);
	qr = bg_certpdf_qr_text(id, body);
	ck_assert_str_eq(qr + strlen(qr) - 36, id);
	ck_assert_int_eq(strncmp(qr, "https://registry.example.org/v1/certificates/",
				 45), 0);
	free(qr);
	snprintf(path, sizeof(path), "%s/%s.pdf", dir, id);
	ck_assert_msg(bg_certpdf_write(path, id, body, &err) == 0, "%s",
		      err.msg);
	f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fread(head, 1, 5, f), 5);
	fclose(f);
	ck_assert_str_eq(head, "%PDF-");
	/* rendering again replaces the page */
	ck_assert_int_eq(bg_certpdf_write(path, id, body, &err), 0);
	snprintf(path, sizeof(path), "%s/no/such/dir/x.pdf", dir);
	ck_assert_int_eq(bg_certpdf_write(path, id, body, &err),
			 BG_ECANTCREAT);
	free(text);
	cJSON_Delete(body);
	cJSON_Delete(g);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

struct vjob {
	const char *text;
	size_t len;
	int bad;
};

static void *verify_many(void *arg)
{
	struct vjob *j = arg;
	bg_cert_info info;
	bg_error err;
	int i;

	for (i = 0; i < 200; i++)
		j->bad += bg_cert_verify(j->text, j->len, &trusted, &info,
					 &err) != 0 ||
			  info.reason != BG_CERT_VALID;
	return NULL;
}

/* Verification shares no state: four threads at once all agree. */
START_TEST(test_cert_verify_threads)
{
	char id[BG_CERT_ID_MAX];
	struct vjob jobs[4];
	pthread_t th[4];
	int i;

	for (i = 0; i < 4; i++) {
		jobs[i].text = issue(i, &key, id, &jobs[i].len);
		jobs[i].bad = 0;
	}
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, verify_many,
						&jobs[i]), 0);
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		ck_assert_int_eq(jobs[i].bad, 0);
		free((char *)jobs[i].text);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("cert");
	TCase *tc = tcase_create("sign");
	TCase *tf = tcase_create("forgery");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_checked_fixture(tf, setup, teardown);
	tcase_add_loop_test(tc, test_cert_sign_verify, 0, NGRADES);
	tcase_add_test(tc, test_cert_body_fields);
	tcase_add_test(tc, test_cert_deterministic);
	tcase_add_test(tc, test_cert_grade_input_errors);
	tcase_add_test(tc, test_cert_write_no_overwrite);
	tcase_add_test(tc, test_cert_time);
	tcase_add_test(tc, test_cert_pdf);
	tcase_add_test(tc, test_cert_verify_threads);
	tcase_add_test(tf, test_cert_tampered_any_byte);
	tcase_add_test(tf, test_cert_tampered_value);
	tcase_add_test(tf, test_cert_swapped_signature);
	tcase_add_test(tf, test_cert_wrong_key);
	tcase_add_test(tf, test_cert_noncanonical);
	tcase_add_loop_test(tf, test_cert_schema_violation, 0, 8);
	tcase_add_test(tf, test_cert_malformed);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, tf);
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
