/*
 * check_jws.c - Ed25519 JWS: the RFC 8037 appendix A example byte for
 * byte, detached signatures, JWK parsing, thumbprints and key sets,
 * and the signing key on disk with its permission rule.
 */
#include "config.h"

#include <check.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "battgrade.h"
#include "battgrade/jcs.h"
#include "battgrade/jws.h"
#include "battgrade/keys.h"
#include "battgrade/models.h"

static bg_json *vec;
static unsigned char sk[64], pk[32];

static const char *vs(const char *a, const char *b)
{
	const bg_json *o = b ? bg_json_member(bg_json_member(vec, a), b)
			     : bg_json_member(vec, a);

	ck_assert_ptr_nonnull(bg_json_string(o, NULL));
	return bg_json_string(o, NULL);
}

static void load_vector(void)
{
	const char *top = getenv("BG_TOP_SRCDIR");
	char path[4096], *text;
	unsigned char seed[32];
	const char *d;
	size_t len;
	bg_error err;

	bg_init();
	snprintf(path, sizeof(path),
		 "%s/tests/fixtures/jws/rfc8037-a4-ed25519.json",
		 top ? top : ".");
	ck_assert_int_eq(bg_read_file(&text, &len, path, 65536, &err), 0);
	ck_assert_int_eq(bg_json_parse(&vec, text, len, path, &err), 0);
	free(text);
	d = vs("private_jwk", "d");
	ck_assert_int_eq(bg_b64url_decode(seed, 32, d, strlen(d)), 32);
	crypto_sign_seed_keypair(pk, sk, seed);
}

static void free_vector(void)
{
	bg_json_free(vec);
}

START_TEST(test_jws_rfc8037_sign)
{
	char *jws;
	bg_error err;
	const char *payload = vs("payload", NULL);

	ck_assert_int_eq(bg_jws_sign(&jws, vs("protected_header", NULL),
				     payload, strlen(payload), 0, sk, &err), 0);
	ck_assert_str_eq(jws, vs("compact", NULL));
	free(jws);
}
END_TEST

START_TEST(test_jws_rfc8037_public_and_thumbprint)
{
	char *x = bg_b64url_encode(pk, 32);
	char kid[BG_JWK_KID_MAX];

	ck_assert_str_eq(x, vs("public_jwk", "x"));
	free(x);
	/* A.3: the RFC 7638 thumbprint of the public key. */
	bg_jwk_thumbprint(kid, pk);
	ck_assert_str_eq(kid, vs("jwk_thumbprint_sha256", NULL));
}
END_TEST

START_TEST(test_jws_rfc8037_verify)
{
	const char *c = vs("compact", NULL);
	char *bad = malloc(strlen(c) + 1);
	bg_jws j;
	bg_error err;

	memcpy(bad, c, strlen(c) + 1);
	ck_assert_int_eq(bg_jws_parse(&j, c, strlen(c), &err), 0);
	ck_assert_str_eq(j.kid, "");
	ck_assert_int_eq(bg_jws_verify(&j, NULL, 0, pk, &err), 0);
	/* detached payload given for an attached JWS: refused */
	ck_assert_int_eq(bg_jws_verify(&j, "x", 1, pk, &err), BG_EDATA);
	bg_jws_release(&j);
	/* one payload character changed: the signature no longer holds */
	bad[25] = bad[25] == 'A' ? 'B' : 'A';
	ck_assert_int_eq(bg_jws_parse(&j, bad, strlen(bad), &err), 0);
	ck_assert_int_eq(bg_jws_verify(&j, NULL, 0, pk, &err), BG_EAUTH);
	ck_assert_str_eq(err.msg, "bad signature");
	bg_jws_release(&j);
	free(bad);
}
END_TEST

START_TEST(test_jws_detached_roundtrip)
{
	const char *body = "{\"a\":1}";
	unsigned char pk2[32], sk2[64];
	char kid[BG_JWK_KID_MAX], *jws;
	bg_jws j;
	bg_error err;

	bg_jwk_thumbprint(kid, pk);
	ck_assert_int_eq(bg_jws_sign_detached(&jws, body, strlen(body), sk,
					      kid, &err), 0);
	ck_assert_ptr_nonnull(strstr(jws, ".."));
	ck_assert_int_eq(bg_jws_parse(&j, jws, strlen(jws), &err), 0);
	ck_assert_str_eq(j.kid, kid);
	ck_assert_int_eq(bg_jws_verify(&j, body, strlen(body), pk, &err), 0);
	ck_assert_int_eq(bg_jws_verify(&j, "{\"a\":2}", 7, pk, &err),
			 BG_EAUTH);
	ck_assert_int_eq(bg_jws_verify(&j, NULL, 0, pk, &err), BG_EDATA);
	crypto_sign_keypair(pk2, sk2);
	ck_assert_int_eq(bg_jws_verify(&j, body, strlen(body), pk2, &err),
			 BG_EAUTH);
	bg_jws_release(&j);
	free(jws);
}
END_TEST

static const char *const bad_jws[] = {
	"abc",
	"a.b",
	"a.b.c.d",
	"eyJhbGciOiJFZERTQSJ9..AAAA",
	/* {"alg":"none"} */
	"eyJhbGciOiJub25lIn0..hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg",
	/* {"alg":"EdDSA","crit":["b64"],"b64":false} */
	"eyJhbGciOiJFZERTQSIsImNyaXQiOlsiYjY0Il0sImI2NCI6ZmFsc2V9..hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg",
	/* padding is not base64url */
	"eyJhbGciOiJFZERTQSJ9..hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg==",
	/* {"alg":"EdDSA","kid":"a\nb"} */
	"eyJhbGciOiJFZERTQSIsImtpZCI6ImFcbmIifQ..hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg",
	/* {"alg":"EdDSA","kid":7} */
	"eyJhbGciOiJFZERTQSIsImtpZCI6N30..hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg",
};

START_TEST(test_jws_parse_refuses)
{
	bg_jws j;
	bg_error err;

	ck_assert_int_eq(bg_jws_parse(&j, bad_jws[_i], strlen(bad_jws[_i]),
				      &err), BG_EDATA);
	ck_assert_ptr_null(j.text);
}
END_TEST

START_TEST(test_jws_jwk_parse)
{
	char *json;
	bg_jwk k, k2;
	bg_error err;
	const char *priv = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"d\":\"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}";
	const char *pub = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}";
	const char *rsa = "{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}";
	const char *badkid = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"me\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}";
	const char *shortx = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHUR\"}";

	ck_assert_int_eq(bg_jwk_from_json(&k, pub, strlen(pub), "k.jwk", &err),
			 0);
	ck_assert_str_eq(k.kid, "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
	ck_assert_int_eq(bg_jwk_to_json(&json, &k, &err), 0);
	ck_assert_int_eq(bg_jwk_from_json(&k2, json, strlen(json), NULL, &err),
			 0);
	ck_assert_int_eq(memcmp(k.pk, k2.pk, 32), 0);
	free(json);
	ck_assert_int_eq(bg_jwk_from_json(&k, priv, strlen(priv), "k", &err),
			 BG_EDATA);
	ck_assert_ptr_nonnull(strstr(err.msg, "private"));
	ck_assert_int_eq(bg_jwk_from_json(&k, rsa, strlen(rsa), "k", &err),
			 BG_EDATA);
	ck_assert_int_eq(bg_jwk_from_json(&k, badkid, strlen(badkid), "k",
					  &err), BG_EDATA);
	ck_assert_int_eq(bg_jwk_from_json(&k, shortx, strlen(shortx), "k",
					  &err), BG_EDATA);
}
END_TEST

static void tmpdir(char *buf, size_t n)
{
	snprintf(buf, n, "%s/bgjwsXXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(buf));
}

static void rmtree(const char *dir)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_keys_generate_load_perms)
{
	char dir[256], path[512], pub[512];
	bg_signing_key key;
	bg_jwk_set set;
	bg_jwk k;
	struct stat st;
	bg_error err;

	tmpdir(dir, sizeof(dir));
	ck_assert_int_eq(bg_key_generate(&k, dir, &err), 0);
	snprintf(path, sizeof(path), "%s/battgrade.key", dir);
	snprintf(pub, sizeof(pub), "%s/battgrade.pub.jwk", dir);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(bg_key_load(&key, path, &err), 0);
	ck_assert_str_eq(key.pub.kid, k.kid);
	/* the public file loads as a key set with the same id */
	bg_jwk_set_init(&set);
	ck_assert_int_eq(bg_jwk_set_load(&set, pub, &err), 0);
	ck_assert_ptr_nonnull(bg_jwk_set_find(&set, k.kid));
	ck_assert_int_eq(bg_jwk_set_load(&set, dir, &err), 0);
	ck_assert_uint_eq(set.n, 1);
	bg_jwk_set_release(&set);
	/* never replaced */
	ck_assert_int_eq(bg_key_generate(NULL, dir, &err), BG_EEXIST);
	/* group-readable: refused */
	ck_assert_int_eq(chmod(path, 0640), 0);
	ck_assert_int_eq(bg_key_load(&key, path, &err), BG_EPERM);
	ck_assert_ptr_nonnull(strstr(err.msg, "chmod 600"));
	ck_assert_int_eq(chmod(path, 0604), 0);
	ck_assert_int_eq(bg_key_load(&key, path, &err), BG_EPERM);
	/* a public key file is not a signing key */
	ck_assert_int_eq(chmod(pub, 0600), 0);
	ck_assert_int_eq(bg_key_load(&key, pub, &err), BG_EDATA);
	snprintf(path, sizeof(path), "%s/none.key", dir);
	ck_assert_int_eq(bg_key_load(&key, path, &err), BG_ENOENT);
	rmtree(dir);
}
END_TEST

START_TEST(test_keys_write_new)
{
	char dir[256], path[512];
	bg_error err;

	tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/c.json", dir);
	ck_assert_int_eq(bg_file_write_new(path, "abc", 3, 0644, &err), 0);
	ck_assert_int_eq(bg_file_write_new(path, "abc", 3, 0644, &err), 1);
	ck_assert_int_eq(bg_file_write_new(path, "abd", 3, 0644, &err),
			 BG_EEXIST);
	ck_assert_int_eq(bg_file_write_new(path, "abcd", 4, 0644, &err),
			 BG_EEXIST);
	snprintf(path, sizeof(path), "%s/no/such/dir/c.json", dir);
	ck_assert_int_eq(bg_file_write_new(path, "abc", 3, 0644, &err),
			 BG_ECANTCREAT);
	rmtree(dir);
}
END_TEST

START_TEST(test_keys_set_json)
{
	bg_jwk_set set;
	bg_error err;
	const char *jwks = "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"},{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}]}";

	bg_jwk_set_init(&set);
	ck_assert_int_eq(bg_jwk_set_add_json(&set, jwks, strlen(jwks), NULL,
					     &err), 0);
	ck_assert_uint_eq(set.n, 1);
	ck_assert_ptr_null(bg_jwk_set_find(&set, "nope"));
	ck_assert_int_eq(bg_jwk_set_add_json(&set, "{\"keys\":[1]}", 12, NULL,
					     &err), BG_EDATA);
	ck_assert_int_eq(bg_jwk_set_load(&set, "/nonexistent/x.jwk", &err),
			 BG_ENOENT);
	bg_jwk_set_release(&set);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("jws");
	TCase *tv = tcase_create("rfc8037");
	TCase *tk = tcase_create("keys");

	tcase_add_checked_fixture(tv, load_vector, free_vector);
	tcase_add_test(tv, test_jws_rfc8037_sign);
	tcase_add_test(tv, test_jws_rfc8037_public_and_thumbprint);
	tcase_add_test(tv, test_jws_rfc8037_verify);
	tcase_add_test(tv, test_jws_detached_roundtrip);
	tcase_add_loop_test(tv, test_jws_parse_refuses, 0,
			    (int)(sizeof(bad_jws) / sizeof(bad_jws[0])));
	tcase_add_test(tk, test_jws_jwk_parse);
	tcase_add_test(tk, test_keys_generate_load_perms);
	tcase_add_test(tk, test_keys_write_new);
	tcase_add_test(tk, test_keys_set_json);
	suite_add_tcase(s, tv);
	suite_add_tcase(s, tk);
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
