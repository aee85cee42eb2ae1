/*
 * check_registrydb.c - the registry's SQLite store.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "battgrade/error.h"
#include "battgrade/registrydb.h"

static char dir[] = "/tmp/check_registrydb.XXXXXX";
static char path[256];

static void setup(void)
{
	bg_init();
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/r.db", dir);
}

static void teardown(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	memcpy(dir + strlen(dir) - 6, "XXXXXX", 6);
}

static const char jwk[] = "{\"crv\":\"Ed25519\",\"kid\":\"k1\",\"kty\":\"OKP\","
			  "\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}";

static bg_regdb_cert cert(const char *id, const char *module,
			  const char *digest)
{
	bg_regdb_cert c = { 0 };

	c.id = (char *)id;
	c.module_id = (char *)module;
	c.pack_id = "P1";
	c.grade = "B";
	c.issuer = "acme";
	c.issued_at = "2026-01-02T03:04:05Z";
	c.digest = (char *)digest;
	c.body = "{\"certificate\":{}}";
	c.body_len = strlen(c.body);
	return c;
}

START_TEST(test_registrydb_issuer_token)
{
	char token[BG_REGDB_TOKEN_LEN + 1], name[64], *keys;
	bg_regdb *db;
	bg_error err;

	ck_assert_int_eq(bg_regdb_open(&db, path, &err), 0);
	ck_assert_int_eq(bg_regdb_issuer_add(db, "acme", "k1", jwk, 0, token,
					     &err), 0);
	ck_assert_uint_eq(strlen(token), BG_REGDB_TOKEN_LEN);
	ck_assert_int_eq(strncmp(token, "bgr_", 4), 0);
	ck_assert_int_eq(bg_regdb_issuer_by_token(db, token, name,
						  sizeof(name), &err), 0);
	ck_assert_str_eq(name, "acme");
	token[10] ^= 1;
	ck_assert_int_eq(bg_regdb_issuer_by_token(db, token, name,
						  sizeof(name), &err),
			 BG_EAUTH);
	ck_assert_int_eq(bg_regdb_issuer_add(db, "acme", "k2", jwk, 0, token,
					     &err), BG_EEXIST);
	ck_assert_int_eq(bg_regdb_issuer_add(db, "acme", "k1", jwk, 1, token,
					     &err), BG_EEXIST);
	ck_assert_int_eq(bg_regdb_issuer_add(db, "nobody", "k1", jwk, 1, token,
					     &err), BG_ENOENT);
	ck_assert_int_eq(bg_regdb_issuer_keys(db, "acme", &keys, &err), 0);
	ck_assert_ptr_nonnull(strstr(keys, "\"kid\":\"k1\""));
	ck_assert_int_eq(strncmp(keys, "{\"keys\":[{", 10), 0);
	free(keys);
	ck_assert_int_eq(bg_regdb_issuer_keys(db, "nobody", &keys, &err),
			 BG_ENOENT);
	bg_regdb_close(db);
}
END_TEST

/* The token is not stored: the raw database bytes do not contain it. */
START_TEST(test_registrydb_token_hashed)
{
	char token[BG_REGDB_TOKEN_LEN + 1], *raw = NULL;
	bg_regdb *db;
	bg_error err;
	size_t n = 0;
	FILE *f;

	ck_assert_int_eq(bg_regdb_open(&db, path, &err), 0);
	ck_assert_int_eq(bg_regdb_issuer_add(db, "acme", "k1", jwk, 0, token,
					     &err), 0);
	bg_regdb_close(db);
	f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	raw = malloc(1 << 20);
	n = fread(raw, 1, 1 << 20, f);
	fclose(f);
	ck_assert_uint_gt(n, 0);
	ck_assert_ptr_null(memmem(raw, n, token + 4, strlen(token + 4)));
	free(raw);
}
END_TEST

START_TEST(test_registrydb_put_idempotent)
{
	bg_regdb_cert a = cert("bgc-1", "M1", "d1"), b = cert("bgc-1", "M1",
							       "d2"), got;
	bg_regdb *db;
	bg_error err;
	int64_t n;
	int out;

	ck_assert_int_eq(bg_regdb_open(&db, path, &err), 0);
	ck_assert_int_eq(bg_regdb_cert_put(db, &a, &out, &err), 0);
	ck_assert_int_eq(out, BG_REGDB_CREATED);
	ck_assert_int_eq(bg_regdb_cert_put(db, &a, &out, &err), 0);
	ck_assert_int_eq(out, BG_REGDB_IDENTICAL);
	ck_assert_int_eq(bg_regdb_cert_put(db, &b, &out, &err), 0);
	ck_assert_int_eq(out, BG_REGDB_CONFLICT);
	ck_assert_int_eq(bg_regdb_cert_count(db, &n, &err), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(bg_regdb_cert_get(db, "bgc-1", &got, &err), 0);
	ck_assert_str_eq(got.digest, "d1");
	ck_assert_str_eq(got.body, a.body);
	ck_assert_uint_eq(got.body_len, a.body_len);
	ck_assert_uint_eq(strlen(got.received_at), 24);
	bg_regdb_cert_release(&got);
	ck_assert_int_eq(bg_regdb_cert_get(db, "bgc-2", &got, &err),
			 BG_ENOENT);
	bg_regdb_close(db);
	/* Reopening finds it: committed, not cached. */
	ck_assert_int_eq(bg_regdb_open(&db, path, &err), 0);
	ck_assert_int_eq(bg_regdb_cert_count(db, &n, &err), 0);
	ck_assert_int_eq(n, 1);
	bg_regdb_close(db);
}
END_TEST

static int collect(void *ctx, const bg_regdb_cert *c)
{
	char *ids = ctx;
	size_t n = strlen(ids);

	snprintf(ids + n, 256 - n, "%s;", c->id);
	return 0;
}

START_TEST(test_registrydb_list_injection)
{
	static const char evil[] = "M1' OR '1'='1";
	bg_regdb_cert a = cert("bgc-a", "M1", "d"), b = cert("bgc-b", evil,
							      "d");
	char ids[256] = "";
	bg_regdb *db;
	bg_error err;
	int out;

	ck_assert_int_eq(bg_regdb_open(&db, path, &err), 0);
	ck_assert_int_eq(bg_regdb_cert_put(db, &a, &out, &err), 0);
	ck_assert_int_eq(bg_regdb_cert_put(db, &b, &out, &err), 0);
	ck_assert_int_eq(bg_regdb_cert_list_module(db, "M1", 10, collect, ids,
						   &err), 0);
	ck_assert_str_eq(ids, "bgc-a;");
	ids[0] = '\0';
	ck_assert_int_eq(bg_regdb_cert_list_module(db, evil, 10, collect, ids,
						   &err), 0);
	ck_assert_str_eq(ids, "bgc-b;");
	ids[0] = '\0';
	ck_assert_int_eq(bg_regdb_cert_list_module(db, "x'; DROP TABLE "
						   "certificates;--", 10,
						   collect, ids, &err), 0);
	ck_assert_str_eq(ids, "");
	bg_regdb_close(db);
}
END_TEST

START_TEST(test_registrydb_open_fails)
{
	bg_regdb *db;
	bg_error err;

	ck_assert_int_eq(bg_regdb_open(&db, "/nonexistent/dir/r.db", &err),
			 BG_EIO);
	ck_assert_ptr_null(db);
	ck_assert_str_eq(err.file, "/nonexistent/dir/r.db");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("registrydb");
	TCase *tc = tcase_create("store");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_registrydb_issuer_token);
	tcase_add_test(tc, test_registrydb_token_hashed);
	tcase_add_test(tc, test_registrydb_put_idempotent);
	tcase_add_test(tc, test_registrydb_list_injection);
	tcase_add_test(tc, test_registrydb_open_fails);
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
