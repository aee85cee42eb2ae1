/*
 * check_config.c - configuration precedence and the token file rules.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "battgrade/conf.h"
#include "battgrade/error.h"

static char dir[] = "/tmp/check_config.XXXXXX";

static void write_file(const char *name, const char *text, int mode)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	ck_assert_int_eq(chmod(p, (mode_t)mode), 0);
}

static void setup(void)
{
	char p[512];

	bg_init();
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/battgrade", dir);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	setenv("XDG_CONFIG_HOME", dir, 1);
	setenv("XDG_STATE_HOME", dir, 1);
	unsetenv("BATTGRADE_CONFIG");
	unsetenv("BATTGRADE_REGISTRY");
	unsetenv("BATTGRADE_TOKEN_FILE");
	unsetenv("BATTGRADE_SPOOL");
}

static void teardown(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	memcpy(dir + strlen(dir) - 6, "XXXXXX", 6);
}

START_TEST(test_config_precedence)
{
	char want[512], p[512];
	bg_config c;
	bg_error err;

	ck_assert_int_eq(bg_config_load(&c, &err), 0);
	snprintf(want, sizeof(want), "%s/battgrade", dir);
	ck_assert_str_eq(c.spool, want);
	ck_assert_str_eq(c.registry, "");
	write_file("battgrade/config", "{\"registry\": \"https://a.example\","
		   " \"spool\": \"/s1\", \"ca_file\": \"/ca.pem\"}", 0644);
	ck_assert_int_eq(bg_config_load(&c, &err), 0);
	ck_assert_str_eq(c.registry, "https://a.example");
	ck_assert_str_eq(c.spool, "/s1");
	ck_assert_str_eq(c.ca_file, "/ca.pem");
	write_file("extra", "{\"registry\": \"https://b.example\"}", 0644);
	snprintf(p, sizeof(p), "%s/extra", dir);
	setenv("BATTGRADE_CONFIG", p, 1);
	ck_assert_int_eq(bg_config_load(&c, &err), 0);
	ck_assert_str_eq(c.registry, "https://b.example");
	ck_assert_str_eq(c.spool, "/s1"); /* kept from the user file */
	setenv("BATTGRADE_REGISTRY", "https://c.example", 1);
	setenv("BATTGRADE_SPOOL", "/s2", 1);
	ck_assert_int_eq(bg_config_load(&c, &err), 0);
	ck_assert_str_eq(c.registry, "https://c.example");
	ck_assert_str_eq(c.spool, "/s2");
}
END_TEST

START_TEST(test_config_malformed)
{
	bg_config c;
	bg_error err;

	write_file("battgrade/config", "{\"registry\": 42}", 0644);
	ck_assert_int_eq(bg_config_load(&c, &err), BG_ECONFIG);
	ck_assert_ptr_nonnull(strstr(err.file, "battgrade/config"));
	ck_assert_ptr_nonnull(strstr(err.msg, "registry"));
	write_file("battgrade/config", "[1, 2", 0644);
	ck_assert_int_eq(bg_config_load(&c, &err), BG_ECONFIG);
}
END_TEST

START_TEST(test_config_token_file)
{
	char tok[64], p[512];
	bg_error err;

	snprintf(p, sizeof(p), "%s/token", dir);
	write_file("token", "bgr_secret123\n", 0600);
	ck_assert_int_eq(bg_config_read_token(p, tok, sizeof(tok), &err), 0);
	ck_assert_str_eq(tok, "bgr_secret123");
	ck_assert_int_eq(chmod(p, 0640), 0);
	ck_assert_int_eq(bg_config_read_token(p, tok, sizeof(tok), &err),
			 BG_EPERM);
	ck_assert_ptr_null(strstr(err.msg, "secret"));
	ck_assert_ptr_nonnull(strstr(err.msg, "0640"));
	write_file("token", "two words\n", 0600);
	ck_assert_int_eq(bg_config_read_token(p, tok, sizeof(tok), &err),
			 BG_ECONFIG);
	write_file("token", "\n", 0600);
	ck_assert_int_eq(bg_config_read_token(p, tok, sizeof(tok), &err),
			 BG_ECONFIG);
	snprintf(p, sizeof(p), "%s/none", dir);
	ck_assert_int_eq(bg_config_read_token(p, tok, sizeof(tok), &err),
			 BG_ENOENT);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("sources");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_config_precedence);
	tcase_add_test(tc, test_config_malformed);
	tcase_add_test(tc, test_config_token_file);
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
