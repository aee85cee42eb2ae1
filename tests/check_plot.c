/*
 * check_plot.c - the shared plotting module: files in each format with
 * the right signature, written atomically, refusals for unknown
 * formats and unwritable places, and drawing confined to the rectangle
 * asked for in a caller's cairo context.
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "battgrade.h"
#include "battgrade/plot.h"

static char dir[64];

static void setup(void)
{
	ck_assert_int_eq(bg_init(), 0);
	snprintf(dir, sizeof(dir), "/tmp/bgplotXXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];

	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.') {
			snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
			unlink(p);
		}
	if (d)
		closedir(d);
	rmdir(dir);
	bg_plot_release();
}

/* A fade-style figure: points, a fitted line, a band, two references. */
static bg_plot *figure(void)
{
	double x[50], y[50], fit[50], lo[50], hi[50];
	bg_plot *p;
	bg_error err;
	size_t i;

	for (i = 0; i < 50; i++) {
		x[i] = 20.0 * (double)i;
		fit[i] = 2.0 * (1 - 3.1e-3 * pow(x[i], 0.71));
		y[i] = fit[i] + 0.01 * sin(7.3 * (double)i);
		lo[i] = fit[i] - 0.03;
		hi[i] = fit[i] + 0.03;
	}
	y[10] = NAN;
	ck_assert_int_eq(bg_plot_new(&p, "Module M01", &err), 0);
	ck_assert_int_eq(bg_plot_set_labels(p, "cycles", "capacity (Ah)"), 0);
	ck_assert_int_eq(bg_plot_add_band(p, "80 % interval", x, lo, hi, 50),
			 0);
	ck_assert_int_eq(bg_plot_add_series(p, "measured", x, y, 50,
					    BG_PLOT_POINTS), 0);
	ck_assert_int_eq(bg_plot_add_series(p, "power law", x, fit, 50,
					    BG_PLOT_LINES), 0);
	ck_assert_int_eq(bg_plot_add_hline(p, 1.2, "end of life"), 0);
	ck_assert_int_eq(bg_plot_add_vline(p, 600, "knee"), 0);
	return p;
}

static void expect_prefix(const char *path, const char *magic, size_t n)
{
	char buf[64] = { 0 };
	FILE *f = fopen(path, "rb");
	struct stat st;

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fread(buf, 1, n, f), n);
	fclose(f);
	ck_assert_msg(!memcmp(buf, magic, n), "%s: bad signature", path);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_gt(st.st_size, 500);
}

static size_t files_in_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

START_TEST(test_plot_writes_each_format)
{
	bg_plot *p = figure();
	char path[256];
	bg_error err;

	snprintf(path, sizeof(path), "%s/fit.svg", dir);
	ck_assert_int_eq(bg_plot_write(p, path, 640, 420, &err), 0);
	expect_prefix(path, "<?xml", 5);
	snprintf(path, sizeof(path), "%s/fit.PNG", dir);
	ck_assert_int_eq(bg_plot_write(p, path, 640, 420, &err), 0);
	expect_prefix(path, "\x89PNG", 4);
	snprintf(path, sizeof(path), "%s/fit.pdf", dir);
	ck_assert_int_eq(bg_plot_write(p, path, 640, 420, &err), 0);
	expect_prefix(path, "%PDF", 4);
	/* no temporary files left behind */
	ck_assert_uint_eq(files_in_dir(), 3);
	bg_plot_free(p);
}
END_TEST

START_TEST(test_plot_refuses_bad_targets)
{
	bg_plot *p = figure();
	char path[256];
	bg_error err;

	snprintf(path, sizeof(path), "%s/fit.gif", dir);
	ck_assert_int_eq(bg_plot_write(p, path, 640, 420, &err), BG_EINVAL);
	ck_assert(strstr(err.msg, ".svg") != NULL);
	snprintf(path, sizeof(path), "%s/no/such/dir/fit.svg", dir);
	ck_assert_int_eq(bg_plot_write(p, path, 640, 420, &err),
			 BG_ECANTCREAT);
	ck_assert_str_eq(err.file, path);
	snprintf(path, sizeof(path), "%s/fit.svg", dir);
	ck_assert_int_eq(bg_plot_write(p, path, 0, 420, &err), BG_EINVAL);
	ck_assert_uint_eq(files_in_dir(), 0);
	bg_plot_free(p);
}
END_TEST

/* Drawing into a caller's context marks pixels inside the rectangle
 * only (a certificate page embeds plots this way). */
START_TEST(test_plot_draws_into_rectangle)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32,
							 400, 300);
	cairo_t *cr = cairo_create(s);
	bg_plot *p = figure();
	unsigned char *px;
	int stride, x, y, inside = 0, outside = 0;

	bg_plot_set_scale(p, BG_PLOT_LOG10, BG_PLOT_LINEAR);
	bg_plot_draw(p, cr, 100, 50, 250, 200);
	cairo_surface_flush(s);
	px = cairo_image_surface_get_data(s);
	stride = cairo_image_surface_get_stride(s);
	for (y = 0; y < 300; y++)
		for (x = 0; x < 400; x++) {
			int alpha = px[y * stride + 4 * x + 3];
			int in = x >= 100 && x < 350 && y >= 50 && y < 250;

			if (alpha)
				*(in ? &inside : &outside) += 1;
		}
	ck_assert_int_gt(inside, 250 * 200 / 2);
	ck_assert_int_eq(outside, 0);
	ck_assert_int_eq(cairo_status(cr), CAIRO_STATUS_SUCCESS);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	bg_plot_free(p);
}
END_TEST

/* Degenerate data (one point, all NAN, equal aspect) still draws. */
START_TEST(test_plot_degenerate_data)
{
	double x[2] = { 1, NAN }, y[2] = { 5, NAN };
	bg_plot *p;
	bg_error err;
	char path[256];

	ck_assert_int_eq(bg_plot_new(&p, NULL, &err), 0);
	ck_assert_int_eq(bg_plot_add_series(p, NULL, x, y, 2,
					    BG_PLOT_LINESPOINTS), 0);
	bg_plot_set_equal_aspect(p, 1);
	bg_plot_set_color(p, 0, 0, 0);
	snprintf(path, sizeof(path), "%s/one.png", dir);
	ck_assert_int_eq(bg_plot_write(p, path, 100, 100, &err), 0);
	expect_prefix(path, "\x89PNG", 4);
	bg_plot_free(p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("plot");
	TCase *tc = tcase_create("plot");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_plot_writes_each_format);
	tcase_add_test(tc, test_plot_refuses_bad_targets);
	tcase_add_test(tc, test_plot_draws_into_rectangle);
	tcase_add_test(tc, test_plot_degenerate_data);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
