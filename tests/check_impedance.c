/*
 * check_impedance.c - impedance.csv: spectra grouped by module and
 * measured_at, BDF names and labels, and every bad input (repeated or
 * non-positive frequencies first) rejected at its line and column.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdlib.h>

#include "ingest-test.h"

static int load(const char *s, size_t len, const bg_pack *pack,
		bg_error *err)
{
	bg_spectrum_set *set = NULL;
	int rc = bg_spectrum_load_mem(&set, "t.csv", s, len, pack, err);

	bg_spectrum_set_free(set);
	return rc;
}

START_TEST(test_impedance_groups_spectra)
{
	static const char in[] =
		"Imaginary Impedance / Ohm,Frequency / Hz,module_id,"
		"Real Impedance / Ohm,measured_at,soc_percent,"
		"surface_temperature_celsius\r\n"
		"0.0001,1000,A,0.0031,2024-06-01T09:00:00Z,50,25\r\n"
		"-0.0002,1,A,0.0043,2024-06-01T09:00:00Z,50,25\r\n"
		"-0.0003,1,B,0.0045,2024-06-01T09:00:00Z,,\r\n"
		"0.0002,1000,A,0.0033,2024-07-01,20,15.5\r\n"
		"-0.0004,0.1,A,0.0050,2024-06-01T09:00:00Z,50,25\r\n";
	bg_spectrum_set *set = NULL;
	bg_pack *p = test_pack();
	bg_error err;
	const bg_spectrum *s;

	ck_assert_int_eq(bg_spectrum_load_mem(&set, "t.csv", in,
					      sizeof(in) - 1, p, &err), 0);
	ck_assert_uint_eq(set->nspectra, 3);
	s = &set->spectra[0];
	ck_assert_str_eq(s->module_id, "A");
	ck_assert_str_eq(s->measured_at, "2024-06-01T09:00:00Z");
	ck_assert_uint_eq(s->n, 3);
	ck_assert_double_eq(s->freq_hz[2], 0.1);
	ck_assert_double_eq(s->z_real_ohm[2], 0.0050);
	ck_assert_double_eq(s->z_imag_ohm[1], -0.0002);
	ck_assert_double_eq(s->soc_percent, 50);
	ck_assert_str_eq(set->spectra[1].module_id, "B");
	ck_assert(isnan(set->spectra[1].temperature_c));
	ck_assert_str_eq(set->spectra[2].measured_at, "2024-07-01");
	ck_assert_double_eq(set->spectra[2].temperature_c, 15.5);
	bg_spectrum_set_free(set);
	bg_pack_free(p);
}
END_TEST

/* The impedance.py example spectrum (README of the shared data): a
 * real instrument export, no module column, read as a lone file. */
START_TEST(test_impedance_real_spectrum)
{
	const char *top = getenv("BG_TOP_SRCDIR");
	char path[1024], *buf = NULL;
	size_t len = 0, n;
	bg_spectrum_set *set = NULL;
	bg_error err;
	FILE *f, *mem;
	double fr, re, im;

	/* impedance.py's example, copied with its licence into fixtures */
	snprintf(path, sizeof(path), "%s/tests/fixtures/formats/exampleData.csv",
		 top ? top : ".");
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "%s missing", path);
	mem = open_memstream(&buf, &len);
	fputs("frequency_hertz,real_impedance_ohm,imaginary_impedance_ohm\n",
	      mem);
	n = 0;
	while (fscanf(f, "%lf,%lf,%lf", &fr, &re, &im) == 3) {
		fprintf(mem, "%.17g,%.17g,%.17g\n", fr, re, im);
		n++;
	}
	fclose(f);
	fclose(mem);
	ck_assert_int_eq(bg_spectrum_load_mem(&set, "t.csv", buf, len, NULL,
					      &err), 0);
	ck_assert_uint_eq(set->nspectra, 1);
	ck_assert_uint_eq(set->spectra[0].n, n);
	ck_assert_uint_gt(n, 50);
	bg_spectrum_set_free(set);
	free(buf);
}
END_TEST

#define H "module_id,frequency_hertz,real_impedance_ohm," \
	"imaginary_impedance_ohm\n"

static const struct csv_case bad[] = {
	{ "", 0, 0, 0, "empty file" },
	{ H, 0, 0, 0, "no data rows" },
	{ "module_id,frequency_hertz,real_impedance_ohm\nA,1,2\n", 0, 1, 0,
	  "missing column 'imaginary_impedance_ohm'" },
	{ H "A,1000,0.003,0.0001\nA,0,0.004,-0.001\n", 0, 3, 3,
	  "frequency must be positive, not 0" },
	{ H "A,1000,0.003,0.0001\nA,-5,0.004,-0.001\n", 0, 3, 3,
	  "frequency must be positive, not -5" },
	{ H "A,1000,0.003,0.0001\nA,10,0.004,-0.001\nB,10,0.004,-0.001\n"
	  "A,1e3,0.0031,0.0001\n", 0, 5, 3,
	  "frequency 1000 Hz repeated in the spectrum of module 'A'" },
	{ H "A,10,0.004,-0.001\nA,5,0.004,-0.001\nA,5,0.004,-0.001\n"
	  "A,10,0.004,-0.001\n", 0, 4, 3, "frequency 5 Hz repeated" },
	{ H "A,1000,0.003,0.0001\nA,10,abc,-0.001\n", 0, 3, 6,
	  "'abc' is not a number (column 'real_impedance_ohm')" },
	{ H "A,1000,0.003,NaN\n", 0, 2, 14, "not a finite number" },
	{ H "A,1000,0.003,0.0001\nQ,10,0.004,-0.001\n", 0, 3, 1,
	  "module 'Q' is not in the manifest" },
	{ H "A,1000,0.003\n", 0, 2, 0, "expected 4 fields, found 3" },
	{ "module_id,measured_at,frequency_hertz,real_impedance_ohm,"
	  "imaginary_impedance_ohm\nA,yesterday,1,2,3\n", 0, 2, 3,
	  "'yesterday' is not an ISO 8601 date-time" },
	{ "module_id,soc_percent,frequency_hertz,real_impedance_ohm,"
	  "imaginary_impedance_ohm\nA,120,1,2,3\n", 0, 2, 3,
	  "soc_percent must be within 0..100" },
	{ "frequency_hertz,Frequency / Hz,real_impedance_ohm,"
	  "imaginary_impedance_ohm\n1,1,2,3\n", 0, 1, 17, "same quantity" },
};

START_TEST(test_impedance_rejects)
{
	check_rejects(&bad[_i], _i, load, 1);
}
END_TEST

static Suite *impedance_suite(void)
{
	Suite *s = suite_create("impedance");
	TCase *tc = tcase_create("read");

	tcase_add_test(tc, test_impedance_groups_spectra);
	tcase_add_test(tc, test_impedance_real_spectrum);
	suite_add_tcase(s, tc);
	tc = tcase_create("reject");
	tcase_add_loop_test(tc, test_impedance_rejects, 0,
			    sizeof(bad) / sizeof(bad[0]));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(impedance_suite());
	int failed;

	bg_init();
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
