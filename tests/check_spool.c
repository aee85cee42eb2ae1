/*
 * check_spool.c - the outbox/sent/rejected spool and its lock.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "battgrade/error.h"
#include "battgrade/spool.h"

static char dir[] = "/tmp/check_spool.XXXXXX";
static char root[256];

static void setup(void)
{
	bg_init();
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(root, sizeof(root), "%s/state/battgrade", dir);
}

static void teardown(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	memcpy(dir + strlen(dir) - 6, "XXXXXX", 6);
}

static void put(const char *sub, const char *name, const char *text)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s/%s", root, sub, name);
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static int exists(const char *sub, const char *name)
{
	char p[512];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s/%s", root, sub, name);
	return stat(p, &st) == 0;
}

START_TEST(test_spool_list_and_settle)
{
	bg_spool *sp;
	bg_error err;
	char **ids, *body;
	size_t n, len, o, s, r;

	ck_assert_int_eq(bg_spool_open(&sp, root, &err), 0);
	put("outbox", "bgc-b.json", "{\"b\":1}");
	put("outbox", "bgc-a.json", "{\"a\":1}");
	put("outbox", ".tmp-1-bgc-c.json", "partial");
	put("outbox", "notes.txt", "x");
	put("outbox", "bad id.json", "x");
	ck_assert_int_eq(bg_spool_list(sp, &ids, &n, &err), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(ids[0], "bgc-a");
	ck_assert_str_eq(ids[1], "bgc-b");
	bg_spool_ids_free(ids, n);
	ck_assert_int_eq(bg_spool_read(sp, "bgc-a", 100, &body, &len, &err),
			 0);
	ck_assert_str_eq(body, "{\"a\":1}");
	ck_assert_uint_eq(len, 7);
	free(body);
	ck_assert_int_eq(bg_spool_read(sp, "bgc-a", 3, &body, &len, &err),
			 BG_EDATA);
	ck_assert_int_eq(bg_spool_mark_sent(sp, "bgc-a", "{\"r\":1}", 7,
					    &err), 0);
	ck_assert(exists("sent", "bgc-a.json"));
	ck_assert(exists("sent", "bgc-a.receipt.json"));
	ck_assert(!exists("outbox", "bgc-a.json"));
	ck_assert_int_eq(bg_spool_mark_rejected(sp, "bgc-b", "HTTP 422", &err),
			 0);
	ck_assert(exists("rejected", "bgc-b.json"));
	ck_assert(exists("rejected", "bgc-b.reason.txt"));
	/* Gone meanwhile (another run sent it): ENOENT, nothing written. */
	ck_assert_int_eq(bg_spool_read(sp, "bgc-a", 100, &body, &len, &err),
			 BG_ENOENT);
	ck_assert_int_eq(bg_spool_count(sp, &o, &s, &r, &err), 0);
	ck_assert_uint_eq(o, 0);
	ck_assert_uint_eq(s, 1); /* receipts are not counted */
	ck_assert_uint_eq(r, 1);
	bg_spool_free(sp);
}
END_TEST

START_TEST(test_spool_lock_and_sweep)
{
	bg_spool *a, *b;
	bg_error err;

	ck_assert_int_eq(bg_spool_open(&a, root, &err), 0);
	ck_assert_int_eq(bg_spool_open(&b, root, &err), 0);
	put("sent", ".tmp-99-bgc-x.receipt.json", "half");
	ck_assert_int_eq(bg_spool_lock(a, 0, &err), 0);
	ck_assert(!exists("sent", ".tmp-99-bgc-x.receipt.json"));
	ck_assert_int_eq(bg_spool_lock(b, 0.1, &err), BG_EUNAVAIL);
	bg_spool_free(a); /* releases */
	ck_assert_int_eq(bg_spool_lock(b, 0, &err), 0);
	bg_spool_free(b);
}
END_TEST

START_TEST(test_spool_dirs_private)
{
	char p[512];
	struct stat st;
	bg_spool *sp;
	bg_error err;

	ck_assert_int_eq(bg_spool_open(&sp, root, &err), 0);
	snprintf(p, sizeof(p), "%s/outbox", root);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_eq(st.st_mode & 077, 0);
	bg_spool_free(sp);
	snprintf(p, sizeof(p), "%s/file", dir);
	put("outbox", "../../../file", "x"); /* a file where a dir must be */
	snprintf(p, sizeof(p), "%s/file/spool", dir);
	ck_assert_int_eq(bg_spool_open(&sp, p, &err), BG_ECANTCREAT);
	ck_assert_ptr_null(sp);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("spool");
	TCase *tc = tcase_create("files");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_spool_list_and_settle);
	tcase_add_test(tc, test_spool_lock_and_sweep);
	tcase_add_test(tc, test_spool_dirs_private);
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
