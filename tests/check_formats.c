/*
 * check_formats.c - instrument files: every real example is detected by
 * content and read to the numbers printed in it (first and last point);
 * near-misses (an unknown column, a lost header name, a foreign unit,
 * a repeated frequency, time running backwards) fail naming format,
 * column and line; units and sign conventions convert as documented.
 */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "battgrade.h"
#include "battgrade/formats.h"
#include "battgrade/models.h"
#include "formats-int.h"

static char *fixture_path(const char *name)
{
	static char path[4096];
	const char *top = getenv("BG_TOP_SRCDIR");

	snprintf(path, sizeof path, "%s/tests/fixtures/formats/%s",
		 top ? top : ".", name);
	return path;
}

static char *slurp(const char *name, size_t *len)
{
	char *buf;
	bg_error err;

	ck_assert_int_eq(bg_read_file(&buf, len, fixture_path(name),
				      (size_t)1 << 24, &err), 0);
	return buf;
}

/* buf with the first occurrence of from replaced by to (new buffer). */
static char *replace(const char *buf, size_t len, const char *from,
		     const char *to, size_t *outlen)
{
	const char *p = NULL;
	size_t fl = strlen(from), tl = strlen(to);

	for (size_t i = 0; i + fl <= len && !p; i++)
		if (!memcmp(buf + i, from, fl))
			p = buf + i;
	ck_assert_msg(p != NULL, "'%s' not in fixture", from);
	char *o = malloc(len - fl + tl + 1);
	size_t k = (size_t)(p - buf);
	memcpy(o, buf, k);
	memcpy(o + k, to, tl);
	memcpy(o + k + tl, p + fl, len - k - fl);
	*outlen = len - fl + tl;
	o[*outlen] = '\0';
	return o;
}

static void ck_close(double got, double want)
{
	ck_assert_msg(fabs(got - want) <= 1e-9 * fabs(want) + 1e-15,
		      "got %.12g, want %.12g", got, want);
}

/* ---- every real example ------------------------------------------- */

struct real {
	const char *file;
	bg_format fmt;
	size_t n;
	double f0, re0, im0, f1, re1, im1;   /* first and last point */
};

/* Numbers as printed in the files (BioLogic prints -Im(Z), so its Z''
 * has the opposite sign here). */
static const struct real reals[] = {
	{ "exampleData.csv", BG_FORMAT_PLAIN, 66,
	  3.162299999999999833e-03, 4.949989776405060160e-02,
	  -2.043869854441892481e-02, 10000, 0.01577148266, 0.01015747456 },
	{ "exampleDataAutolab.txt", BG_FORMAT_AUTOLAB, 41, 10000,
	  0.013785863964281, 0.007191946305823, 0.1, 0.0345697771923854,
	  -0.00390292888845954 },
	{ "exampleDataBioLogic.mpt", BG_FORMAT_BIOLOGIC, 43, 1.0003201E+003,
	  6.5470886E+001, -3.8998979E-001, 1.6895540E-002, 1.1097003E+002,
	  -2.3458567E+000 },
	{ "exampleDataCHInstruments.txt", BG_FORMAT_CHI, 73, 9.961e+4,
	  9.891e+1, -2.748e+0, 1.000e-1, 5.685e+3, -1.586e+4 },
	{ "exampleDataGamry.DTA", BG_FORMAT_GAMRY, 72, 200015.6, 825.8584,
	  -1367.239, 0.0158898, 17007.49, -6635.557 },
	{ "exampleDataGamryABORT.DTA", BG_FORMAT_GAMRY, 72, 200015.6,
	  825.8584, -1367.239, 0.0158898, 17007.49, -6635.557 },
	{ "exampleDataParstat.txt", BG_FORMAT_PARSTAT, 31, 10000,
	  -0.00049816280376104, 0.0175143479976367, 10, 0.0270946491457229,
	  -0.00399791080333837 },
	{ "exampleDataPowersuite.txt", BG_FORMAT_POWERSUITE, 30, 0.1,
	  423929.46, -49014.063, 2000000, -470.54113, -1397.7358 },
	{ "exampleDataVersaStudio.par", BG_FORMAT_VERSASTUDIO, 61, 100000,
	  55.31571, 4.575431, 0.02154435, 1516.313, -122.8279 },
	{ "exampleDataZPlot.z", BG_FORMAT_ZPLOT, 21, 3.000000E+05, 1.4777E+02,
	  -1.1335E+01, 3.000000E+03, 6.1368E+02, -1.3713E+02 },
	{ "exampleDataZPlot_noComments.z", BG_FORMAT_ZPLOTW, 31, 3.000000E+05,
	  6.4262E+02, -8.5821E+01, 3.000000E+02, 1.3053E+03, -1.9501E+02 },
	{ "Circuit1_EIS_1.z", BG_FORMAT_ZPLOT, 48, 5.000000E+04, 2.9036E+01,
	  6.3662E-01, 1, 75.803, -0.16244 },
	{ "Circuit3_EIS_1.z", BG_FORMAT_ZPLOT, 53, 150000, 1493.7, 10.377, 1,
	  6137.5, 17.89 },
};

START_TEST(test_formats_reads_real_files)
{
	const struct real *x = &reals[_i];
	bg_spectrum_set *set;
	bg_formats_notes notes = { "", 0 };
	bg_format fmt;
	bg_error err;

	ck_assert_int_eq(bg_formats_detect(&fmt, fixture_path(x->file), &err),
			 0);
	ck_assert_str_eq(bg_format_name(fmt), bg_format_name(x->fmt));
	ck_assert_msg(bg_formats_load_spectra(&set, fixture_path(x->file),
					      BG_FORMAT_UNKNOWN, &notes,
					      &err) == 0, "%s: %s", x->file,
		      err.msg);
	ck_assert_uint_eq(set->nspectra, 1);
	const bg_spectrum *s = &set->spectra[0];
	ck_assert_uint_eq(s->n, x->n);
	ck_close(s->freq_hz[0], x->f0);
	ck_close(s->z_real_ohm[0], x->re0);
	ck_close(s->z_imag_ohm[0], x->im0);
	ck_close(s->freq_hz[s->n - 1], x->f1);
	ck_close(s->z_real_ohm[s->n - 1], x->re1);
	ck_close(s->z_imag_ohm[s->n - 1], x->im1);
	ck_assert(isnan(s->temperature_c));
	ck_assert_str_eq(s->module_id, "");
	ck_assert_ptr_nonnull(strstr(notes.text, bg_format_name(x->fmt)));
	bg_formats_spectra_free(set);
}
END_TEST

START_TEST(test_formats_loads_pack_impedance_too)
{
	bg_spectrum_set *set;
	bg_error err;
	char path[4096];
	const char *top = getenv("BG_TOP_SRCDIR");

	snprintf(path, sizeof path, "%s/data/packs/lfp-bus-4/impedance.csv",
		 top ? top : ".");
	ck_assert_msg(bg_formats_load_spectra(&set, path, BG_FORMAT_UNKNOWN,
					      NULL, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(set->nspectra, 4);
	ck_assert_str_eq(set->spectra[3].module_id, "M04");
	ck_assert_uint_eq(set->spectra[0].n, 61);
	ck_close(set->spectra[0].freq_hz[0], 10000);
	bg_spectrum_set_free(set);
}
END_TEST

START_TEST(test_formats_notes_report_conversions)
{
	bg_spectrum_set *set;
	bg_formats_notes notes = { "", 0 };
	bg_error err;

	ck_assert_int_eq(bg_formats_load_spectra(&set, fixture_path(
		"exampleDataBioLogic.mpt"), BG_FORMAT_UNKNOWN, &notes, &err), 0);
	ck_assert_ptr_nonnull(strstr(notes.text, "'-Im(Z)/Ohm' -> "
				     "imaginary_impedance_ohm (sign flipped)"));
	bg_formats_spectra_free(set);
	notes.len = 0;
	ck_assert_int_eq(bg_formats_load_spectra(&set, fixture_path(
		"exampleDataParstat.txt"), BG_FORMAT_UNKNOWN, &notes, &err), 0);
	ck_assert_ptr_nonnull(strstr(notes.text, "781 rows at 0 Hz"));
	bg_formats_spectra_free(set);
	notes.len = 0;
	ck_assert_int_eq(bg_formats_load_spectra(&set, fixture_path(
		"exampleDataGamryABORT.DTA"), BG_FORMAT_UNKNOWN, &notes, &err),
		0);
	ck_assert_ptr_nonnull(strstr(notes.text, "experiment aborted"));
	bg_formats_spectra_free(set);
	notes.len = 0;
	ck_assert_int_eq(bg_formats_load_spectra(&set, fixture_path(
		"exampleDataZPlot.z"), BG_FORMAT_UNKNOWN, &notes, &err), 0);
	ck_assert_ptr_nonnull(strstr(notes.text, "plans 56 points, the file "
				     "has 21"));
	bg_formats_spectra_free(set);
}
END_TEST

/* ---- near-misses: looks like the format, is not the variant known -- */

struct miss {
	const char *file, *from, *to;
	int line;
	const char *msg;
};

static const struct miss misses[] = {
	{ "exampleDataBioLogic.mpt", "|Z|/Ohm", "xyz", 61,
	  "BioLogic .mpt with unknown column 'xyz' at line 61" },
	{ "exampleDataBioLogic_MissingFreq.mpt", NULL, NULL, 61,
	  "BioLogic .mpt without a frequency column at line 61 (17 names, "
	  "18 values in the first row)" },
	{ "exampleDataBioLogic.mpt", "Nb header lines : 61",
	  "Nb header lines : 6x", 2,
	  "BioLogic .mpt with a bad header line count '6x'" },
	{ "exampleDataGamry.DTA", "\tZsig\t", "\tZfoo\t", 447,
	  "Gamry .DTA with unknown column 'Zfoo' at line 447" },
	{ "exampleDataGamry.DTA", "ZCURVE", "YCURVE", 0,
	  "Gamry .DTA without a ZCURVE table" },
	{ "exampleDataGamry.DTA", "\t825.8584\t", "\t825.8x84\t", 449,
	  "'825.8x84' is not a number" },
	{ "exampleDataGamry.DTA", "ohm\tohm\tV", "ohm\tfurlong\tV", 447,
	  "Gamry .DTA column 'Zimag/furlong' has a unit" },
	{ "exampleDataZPlot.z", "End Comments", "End Remarks", 144,
	  "ZPlot .z without an 'End Comments' line" },
	{ "exampleDataZPlot.z", "Z''(b)", "Z'''(c)", 122,
	  "ZPlot .z with unknown column 'Z'''(c)' at line 122" },
	{ "exampleDataParstat.txt", "Zim (ohms)", "Zim (furlongs)", 1,
	  "Parstat text with unknown column 'Zim (furlongs)' at line 1" },
	{ "exampleDataCHInstruments.txt", "Phase/deg", "Phase/grad", 17,
	  "CH Instruments text with unknown column 'Phase/grad' at line 17" },
	{ "exampleDataVersaStudio.par", "Z Imag,", "Z Imaginary,", 116,
	  "VersaStudio .par with unknown column 'Z Imaginary' at line 116" },
	{ "exampleDataAutolab.txt", "\n41\n", "\nforty-one\n", 10,
	  "without the point count before the header" },
	{ "exampleDataPowersuite.txt", "Zimg", "Zimg2", 1,
	  "PowerSuite text with unknown column 'Zimg2' at line 1" },
	{ "exampleData.csv", "1.000000000000000000e+04",
	  "7.943299999999999983e+03", 66, "repeats frequency 7943.3 Hz of "
	  "line 65" },
	{ "exampleData.csv", "3.162299999999999833e-03",
	  "-3.162299999999999833e-03", 1, "frequency -0.0031623 Hz is not "
	  "positive" },
};

START_TEST(test_formats_near_misses_fail_precisely)
{
	const struct miss *x = &misses[_i];
	bg_spectrum_set *set = NULL;
	bg_error err;
	size_t len, n2;
	char *buf = slurp(x->file, &len), *mod = buf;
	int rc;

	if (x->from)
		mod = replace(buf, len, x->from, x->to, &n2);
	else
		n2 = len;
	rc = bg_formats_read_spectrum_mem(&set, x->file, mod, n2,
					  BG_FORMAT_UNKNOWN, NULL, &err);
	ck_assert_int_eq(rc, BG_EDATA);
	ck_assert_ptr_null(set);
	ck_assert_msg(strstr(err.msg, x->msg) != NULL, "%s: '%s' lacks '%s'",
		      x->file, err.msg, x->msg);
	ck_assert_uint_eq(err.line, (unsigned long)x->line);
	ck_assert_str_eq(err.file, x->file);
	if (mod != buf)
		free(mod);
	free(buf);
}
END_TEST

START_TEST(test_formats_near_miss_reports_column)
{
	bg_spectrum_set *set;
	bg_error err;
	size_t len, n2;
	char *buf = slurp("exampleDataBioLogic.mpt", &len);
	char *mod = replace(buf, len, "|Z|/Ohm", "xyz", &n2);

	ck_assert_int_eq(bg_formats_read_spectrum_mem(&set, "b.mpt", mod, n2,
		BG_FORMAT_UNKNOWN, NULL, &err), BG_EDATA);
	/* freq/Hz, Re(Z)/Ohm, -Im(Z)/Ohm, then the fourth name */
	ck_assert_uint_eq(err.column, strlen("freq/Hz\tRe(Z)/Ohm\t-Im(Z)/Ohm\t")
			  + 1);
	free(mod);
	free(buf);
}
END_TEST

/* ---- units and conventions ---------------------------------------- */

static bg_spectrum_set *read_str(const char *s, bg_format fmt,
				 bg_error *err, int *rc)
{
	bg_spectrum_set *set = NULL;

	*rc = bg_formats_read_spectrum_mem(&set, "t.csv", s, strlen(s), fmt,
					   NULL, err);
	return set;
}

START_TEST(test_formats_converts_units)
{
	bg_error err;
	int rc;
	bg_spectrum_set *set = read_str("Freq/kHz,Z'/mOhm,-Z''/mOhm\n"
					"1.5,2,3\n0.5,4,-5\n",
					BG_FORMAT_UNKNOWN, &err, &rc);

	ck_assert_int_eq(rc, 0);
	ck_close(set->spectra[0].freq_hz[0], 1500);
	ck_close(set->spectra[0].z_real_ohm[0], 0.002);
	ck_close(set->spectra[0].z_imag_ohm[0], -0.003);
	ck_close(set->spectra[0].z_imag_ohm[1], 0.005);
	bg_formats_spectra_free(set);

	set = read_str("f (Hz)\t|Z| (kOhm)\tphase (deg)\n100\t2\t-90\n"
		       "10\t1\t-30\n", BG_FORMAT_UNKNOWN, &err, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert(fabs(set->spectra[0].z_real_ohm[0]) < 1e-9);
	ck_close(set->spectra[0].z_imag_ohm[0], -2000);
	ck_close(set->spectra[0].z_real_ohm[1], 1000 * cos(M_PI / 6));
	ck_close(set->spectra[0].z_imag_ohm[1], -500);
	bg_formats_spectra_free(set);

	set = read_str("frequency_hertz;real_impedance_ohm;"
		       "imaginary_impedance_ohm\n2;3;-4\n", BG_FORMAT_UNKNOWN,
		       &err, &rc);
	ck_assert_int_eq(rc, 0);
	ck_close(set->spectra[0].z_imag_ohm[0], -4);
	bg_formats_spectra_free(set);
}
END_TEST

START_TEST(test_formats_classifies_names)
{
	static const struct {
		const char *name;
		enum bg_qty q;
		int sign;
		double scale;
	} t[] = {
		{ "freq/Hz", BG_Q_FREQ, 1, 1 }, { "Freq(Hz)", BG_Q_FREQ, 1, 1 },
		{ "Frequency (mHz)", BG_Q_FREQ, 1, 1e-3 },
		{ "-Im(Z)/Ohm", BG_Q_ZIM, -1, 1 },
		{ "Zre (ohms)", BG_Q_ZRE, 1, 1 },
		{ "Z' [mOhm]", BG_Q_ZRE, 1, 1e-3 },
		{ "Z\"/kohm", BG_Q_ZIM, 1, 1e3 },
		{ "Zimag/MOhm", BG_Q_ZIM, 1, 1e6 },
		{ "|Z|/\xce\xa9", BG_Q_ZMOD, 1, 1 },
		{ "Phase(Z)/deg", BG_Q_PHASE, 1, M_PI / 180 },
		{ "phase/rad", BG_Q_PHASE, 1, 1 },
		{ "Z'(a)", BG_Q_ZRE, 1, 1 }, { "Time(Sec)", BG_Q_NONE, 0, 0 },
		{ "freq/ohm", BG_Q_BAD, 0, 0 }, { "Zre/Hz", BG_Q_BAD, 0, 0 },
	};
	struct bg_colmap m;

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		bg_formats_classify(t[i].name, &m);
		ck_assert_msg(m.q == t[i].q, "%s: %d", t[i].name, m.q);
		if (t[i].q == BG_Q_NONE || t[i].q == BG_Q_BAD)
			continue;
		ck_assert_int_eq(m.sign, t[i].sign);
		ck_close(m.scale, t[i].scale);
	}
}
END_TEST

START_TEST(test_formats_plain_errors)
{
	static const struct {
		const char *in;
		int line;
		const char *msg;
	} t[] = {
		{ "1,2,3,4\n5,6,7,8\n", 1, "must have 3 columns" },
		{ "freq,zreal,zimag,foo\n1,2,3,4\n", 1,
		  "plain CSV/TSV with unknown column 'foo' at line 1" },
		{ "freq,zreal,zimag\n1,2,3\n2,nan,3\n", 3, "not a finite" },
		{ "freq,zreal,zimag\n1,2,3\n2,3\n", 3, "" },
		{ "freq,zreal\n1,2\n", 1, "without Z'/Z'' or |Z|/phase" },
		{ "freq,zreal,zimag\n", 2, "without data rows" },
		{ "hello\nworld\n", 1, "unknown format" },
		{ "1,2,3\n\0,1,2\n", 0, "binary data" },
	};
	bg_error err;
	int rc;

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		size_t n = strlen(t[i].in);
		bg_spectrum_set *set = NULL;
		rc = bg_formats_read_spectrum_mem(&set, "t.csv", t[i].in,
						  i == 7 ? 12 : n,
						  BG_FORMAT_UNKNOWN, NULL, &err);
		ck_assert_msg(rc == BG_EDATA, "case %zu: %d", i, rc);
		ck_assert_msg(strstr(err.msg, t[i].msg) != NULL,
			      "case %zu: '%s'", i, err.msg);
		ck_assert_msg(err.line == (unsigned long)t[i].line,
			      "case %zu: line %lu", i, err.line);
	}
}
END_TEST

START_TEST(test_formats_detects_by_content)
{
	bg_format f;
	bg_error err;
	char *buf;
	size_t len;

	/* the name says .DTA, the content is a BioLogic export */
	buf = slurp("exampleDataBioLogic.mpt", &len);
	ck_assert_int_eq(bg_formats_detect_mem(&f, "x.DTA", buf, len, &err), 0);
	ck_assert_int_eq(f, BG_FORMAT_BIOLOGIC);
	free(buf);
	ck_assert_int_eq(bg_formats_detect(&f, fixture_path("sample.bdf.csv"),
					   &err), 0);
	ck_assert_int_eq(f, BG_FORMAT_BDF);
	ck_assert_int_eq(bg_formats_detect(&f, fixture_path("nope"), &err),
			 BG_ENOENT);
	ck_assert_int_eq(bg_format_from_name("VersaStudio"),
			 BG_FORMAT_VERSASTUDIO);
	ck_assert_int_eq(bg_format_from_name("xyz"), BG_FORMAT_UNKNOWN);
	ck_assert_int_eq(bg_format_kind(BG_FORMAT_BDF), BG_FORMAT_TIMESERIES);
	/* a spectrum read of a BDF file is refused */
	bg_spectrum_set *set;
	ck_assert_int_eq(bg_formats_load_spectra(&set, fixture_path(
		"sample.bdf.csv"), BG_FORMAT_UNKNOWN, NULL, &err), BG_EDATA);
	ck_assert_ptr_nonnull(strstr(err.msg, "time series"));
}
END_TEST

/* ---- BDF ------------------------------------------------------------ */

static char *write_tmp(const char *s)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof path, "/tmp/bgfmtXXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	close(fd);
	return path;
}

START_TEST(test_formats_bdf_reads_labels_and_units)
{
	bg_formats_notes notes = { "", 0 };
	bg_bdf_row row;
	bg_bdf *b;
	bg_error err;
	char *p = write_tmp("Test Time / min,Voltage / mV,Current / mA,"
			    "Surface Temperature / K,other\n"
			    "1,3700,-250,298.15,x\n2.5,3650.5,100,,y\n");

	ck_assert_int_eq(bg_bdf_open(&b, p, &notes, &err), 0);
	ck_assert_int_eq(bg_bdf_unix_time(b), 0);
	ck_assert_str_eq(bg_bdf_temperature_name(b),
			 "surface_temperature_celsius");
	ck_assert_int_eq(bg_bdf_next(b, &row, &err), 1);
	ck_close(row.time_s, 60);
	ck_close(row.voltage_v, 3.7);
	ck_close(row.current_a, -0.25);
	ck_close(row.temperature_c, 25);
	ck_assert_int_eq(bg_bdf_next(b, &row, &err), 1);
	ck_close(row.time_s, 150);
	ck_assert(isnan(row.temperature_c));
	ck_assert_int_eq(bg_bdf_next(b, &row, &err), 0);
	ck_assert_uint_eq(bg_bdf_rows(b), 2);
	bg_bdf_close(b);
	ck_assert_ptr_nonnull(strstr(notes.text, "column 'other' not used"));
	unlink(p);
}
END_TEST

START_TEST(test_formats_bdf_reads_memory)
{
	static const char s[] = "Test Time / s,Voltage / V,Current / A\n"
				"0,3.7,0.1\n1,3.6,0.1\n";
	bg_bdf_row row;
	bg_bdf *b;
	bg_error err;

	ck_assert_int_eq(bg_bdf_open_mem(&b, "m.csv", s, sizeof s - 1, NULL,
					 &err), 0);
	ck_assert_int_eq(bg_bdf_next(b, &row, &err), 1);
	ck_assert_int_eq(bg_bdf_next(b, &row, &err), 1);
	ck_close(row.voltage_v, 3.6);
	ck_assert_str_eq(row.time_text, "1");
	ck_assert_int_eq(bg_bdf_next(b, &row, &err), 0);
	bg_bdf_close(b);
	ck_assert_int_eq(bg_bdf_open_mem(&b, "e.csv", NULL, 0, NULL, &err),
			 BG_EDATA);
	ck_assert_ptr_nonnull(strstr(err.msg, "empty"));
}
END_TEST

START_TEST(test_formats_bdf_time_backwards)
{
	bg_bdf_row row;
	bg_bdf *b;
	bg_error err;
	int rc;
	unsigned long rows = 0;

	/* the Neware file of the BDF reference set: step time in the test
	 * time column, restarting at 0 on line 724 */
	ck_assert_int_eq(bg_bdf_open(&b, fixture_path(
		"SINTEF__SLPBA842124HV__Neware__Time_Bug.head800.bdf.csv"),
		NULL, &err), 0);
	while ((rc = bg_bdf_next(b, &row, &err)) > 0)
		rows++;
	ck_assert_int_eq(rc, BG_EDATA);
	ck_assert_uint_eq(rows, 722);
	ck_assert_uint_eq(err.line, 724);
	ck_assert_ptr_nonnull(strstr(err.msg, "test_time_second goes "
				     "backwards from 7200 at line 723 to 0"));
	ck_assert_ptr_nonnull(strstr(err.msg, "step time"));
	bg_bdf_close(b);

	/* wall-clock time may jump back: reported, not fatal */
	bg_formats_notes notes = { "", 0 };
	char *p = write_tmp("unix_time_second,voltage_volt,current_ampere\n"
			    "100,3.7,1\n90,3.7,1\n95,3.7,1\n");
	ck_assert_int_eq(bg_bdf_open(&b, p, &notes, &err), 0);
	ck_assert_int_eq(bg_bdf_unix_time(b), 1);
	while ((rc = bg_bdf_next(b, &row, &err)) > 0)
		;
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(bg_bdf_rows(b), 3);
	bg_bdf_close(b);
	ck_assert_ptr_nonnull(strstr(notes.text, ":3: unix time goes back"));
	unlink(p);
}
END_TEST

START_TEST(test_formats_bdf_rejects_incomplete)
{
	bg_bdf *b;
	bg_error err;
	char *p = write_tmp("test_time_second,current_ampere\n0,1\n");

	ck_assert_int_eq(bg_bdf_open(&b, p, NULL, &err), BG_EDATA);
	ck_assert_ptr_nonnull(strstr(err.msg, "without voltage_volt"));
	unlink(p);
	p = write_tmp("Test Time / fortnight,Voltage / V,Current / A\n0,1,2\n");
	ck_assert_int_eq(bg_bdf_open(&b, p, NULL, &err), BG_EDATA);
	ck_assert_ptr_nonnull(strstr(err.msg, "'Test Time / fortnight' has "
				     "a unit"));
	unlink(p);
	p = write_tmp("test_time_second,voltage_volt,current_ampere\n"
		      "0,3.7,1\n1,abc,1\n");
	ck_assert_int_eq(bg_bdf_open(&b, p, NULL, &err), 0);
	bg_bdf_row row;
	ck_assert_int_eq(bg_bdf_next(b, &row, &err), 1);
	ck_assert_int_eq(bg_bdf_next(b, &row, &err), BG_EDATA);
	ck_assert_uint_eq(err.line, 3);
	ck_assert_uint_eq(err.column, 3);
	bg_bdf_close(b);
	unlink(p);
}
END_TEST

START_TEST(test_formats_arbin_reads_real_and_mits_names)
{
	bg_formats_notes notes = { "", 0 };
	bg_bdf_row row;
	bg_bdf *b;
	bg_error err;
	bg_format fmt;
	unsigned long n = 0;
	int rc;
	const char *f = "arbin_test-TC-contact_CH33.head51.csv";

	ck_assert_int_eq(bg_formats_detect(&fmt, fixture_path(f), &err), 0);
	ck_assert_int_eq(fmt, BG_FORMAT_ARBIN);
	ck_assert_int_eq(bg_bdf_open(&b, fixture_path(f), &notes, &err), 0);
	ck_assert_str_eq(bg_bdf_temperature_name(b),
			 "surface_temperature_celsius");
	while ((rc = bg_bdf_next(b, &row, &err)) > 0) {
		if (n++ == 0) {   /* data point 0 as printed */
			ck_close(row.time_s, 0.0);
			ck_close(row.current_a, 6.600444793701172);
			ck_close(row.voltage_v, 3.298668384552002);
			ck_close(row.temperature_c, 25.174373626708984);
			ck_assert_str_eq(row.current_text, "6.600444793701172");
		}
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(n, 50);
	/* data point 49 */
	ck_close(row.time_s, 193.0921);
	ck_close(row.current_a, 1.100062370300293);
	ck_close(row.voltage_v, 3.4542269706726074);
	bg_bdf_close(b);
	ck_assert_ptr_nonnull(strstr(notes.text, "format arbin"));

	/* MITS Pro names carry units; milliamperes are converted */
	char *p = write_tmp("Data_Point,Test_Time(s),Date_Time,Step_Index,"
			    "Cycle_Index,Current(mA),Voltage(V),"
			    "Aux_Temperature_1(C)\n"
			    "1,0.5,x,1,1,-1500,3.61,24.5\n");
	ck_assert_int_eq(bg_formats_detect(&fmt, p, &err), 0);
	ck_assert_int_eq(fmt, BG_FORMAT_ARBIN);
	ck_assert_int_eq(bg_bdf_open(&b, p, NULL, &err), 0);
	ck_assert_int_eq(bg_bdf_next(b, &row, &err), 1);
	ck_close(row.current_a, -1.5);
	ck_assert_ptr_null(row.current_text);
	ck_close(row.voltage_v, 3.61);
	ck_close(row.temperature_c, 24.5);
	bg_bdf_close(b);
	unlink(p);
}
END_TEST


/* Maccor's real export (beep's xTESLADIAG_000019_CH70.070, first 114
 * lines): the numbers as printed, the current signed from State. */
START_TEST(test_formats_maccor_reads_real_export)
{
	const char *f = "xTESLADIAG_000019_CH70.head114.070";
	bg_formats_notes notes = { "", 0 };
	bg_bdf_row row;
	bg_bdf *b;
	bg_error err;
	bg_format fmt;
	unsigned long n = 0;
	int rc;

	ck_assert_int_eq(bg_formats_detect(&fmt, fixture_path(f), &err), 0);
	ck_assert_int_eq(fmt, BG_FORMAT_MACCOR);
	ck_assert_int_eq(bg_format_kind(fmt), BG_FORMAT_TIMESERIES);
	ck_assert_int_eq(bg_bdf_open(&b, fixture_path(f), &notes, &err), 0);
	ck_assert_int_eq(bg_bdf_format(b), BG_FORMAT_MACCOR);
	ck_assert_ptr_null(bg_bdf_temperature_name(b));
	while ((rc = bg_bdf_next(b, &row, &err)) > 0) {
		n++;
		if (row.line == 5) {     /* Rec# 3, the first D row */
			ck_close(row.time_s, 5.01);
			ck_close(row.current_a, -9.0750743877);
			ck_close(row.voltage_v, 3.26169223);
			ck_assert_int_eq(row.state, 'D');
			ck_close(row.cycle, 0);
		}
		if (row.line == 50)      /* Rec# 48, end of the discharge */
			ck_close(row.discharge_ah, 0.1247312174);
		if (row.line == 51)      /* Rec# 49, rest: counter restarts */
			ck_close(row.discharge_ah, 0);
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(n, 112);
	/* Rec# 112 on line 114: a cycle 1 charge row, positive */
	ck_assert_uint_eq(row.line, 114);
	ck_assert_int_eq(row.state, 'C');
	ck_close(row.current_a, 9.4003204395);
	ck_close(row.voltage_v, 3.61966888);
	ck_close(row.cycle, 1);
	ck_close(row.time_s, 1853.3);
	bg_bdf_close(b);
	ck_assert_ptr_nonnull(strstr(notes.text, "format maccor"));
	ck_assert_ptr_nonnull(strstr(notes.text, "46 negative, 0 positive"));
}
END_TEST

/* The Loop1..Loop4 variant; an unsigned export is signed by State;
 * the header alone (no metadata line) is read too. */
START_TEST(test_formats_maccor_variants)
{
	const char *f = "PreDiag_000229_000229_truncated.head22.034";
	bg_bdf_row row;
	bg_bdf *b;
	bg_error err;
	bg_format fmt;
	unsigned long n = 0;

	ck_assert_int_eq(bg_formats_detect(&fmt, fixture_path(f), &err), 0);
	ck_assert_int_eq(fmt, BG_FORMAT_MACCOR);
	ck_assert_int_eq(bg_bdf_open(&b, fixture_path(f), NULL, &err), 0);
	while (bg_bdf_next(b, &row, &err) > 0)
		if (n++ == 0) {
			ck_close(row.voltage_v, 3.45922026);
			ck_assert_int_eq(row.state, 'R');
			ck_assert_uint_eq(row.line, 3);
		}
	ck_assert_uint_eq(n, 20);
	ck_close(row.time_s, 570);   /* Rec# 20, line 22 */
	bg_bdf_close(b);

	char *p = write_tmp("Rec#\tCyc#\tStep\tTest (Sec)\tAmp-hr\tAmps\t"
			    "Volts\tState\n"
			    "1\t1\t1\t0\t0\t2.5\t3.9\tD\n"
			    "2\t1\t1\t10\t0.0069444\t2.5\t3.8\tD\n"
			    "3\t1\t2\t20\t0.0069444\t1.0\t4.0\tC\n");
	ck_assert_int_eq(bg_formats_detect(&fmt, p, &err), 0);
	ck_assert_int_eq(fmt, BG_FORMAT_MACCOR);
	ck_assert_int_eq(bg_bdf_open(&b, p, NULL, &err), 0);
	ck_assert_int_eq(bg_bdf_next(b, &row, &err), 1);
	ck_close(row.current_a, -2.5);
	ck_assert_uint_eq(row.line, 2);
	ck_assert_int_eq(bg_bdf_next(b, &row, &err), 1);
	ck_close(row.discharge_ah, 0.0069444);
	ck_assert_int_eq(bg_bdf_next(b, &row, &err), 1);
	ck_close(row.current_a, 1.0);
	ck_close(row.discharge_ah, 0);     /* C row: not discharge */
	bg_bdf_close(b);
	unlink(p);
}
END_TEST

/* Near-misses of the Maccor export: a column or a state the reader
 * does not know, no State column; each named with its line. */
static const struct {
	const char *from, *to, *msg;
	unsigned long line;
} maccor_misses[] = {
	{ "\tVolts\t", "\tTemp 1\t",
	  "Maccor export with unknown column 'Temp 1' at line 2", 2 },
	{ "\tState\t", "\tMode\t",
	  "Maccor export with unknown column 'Mode' at line 2", 2 },
	{ "\t3.45845731\tR\t", "\t3.45845731\tX\t",
	  "Maccor State 'X' battgrade does not know", 3 },
	{ "\t-9.4000915541\t3.00000000\tD\t", "\t-9.4000915541\t3.00000000\tDC\t",
	  "Maccor State 'DC'", 50 },
	{ "\t0.1247312174\t", "\tN/A\t", "Amp-hr", 50 },
};

START_TEST(test_formats_maccor_near_misses)
{
	size_t len, ml;
	char *buf = slurp("xTESLADIAG_000019_CH70.head114.070", &len);
	char *m = replace(buf, len, maccor_misses[_i].from,
			  maccor_misses[_i].to, &ml);
	bg_bdf_row row;
	bg_bdf *b = NULL;
	bg_error err;
	bg_format fmt;
	int rc;

	bg_error_clear(&err);
	ck_assert_int_eq(bg_formats_detect_mem(&fmt, "m.070", m, ml, &err), 0);
	ck_assert_int_eq(fmt, BG_FORMAT_MACCOR);
	rc = bg_bdf_open_mem(&b, "m.070", m, ml, NULL, &err);
	while (rc == 0 && (rc = bg_bdf_next(b, &row, &err)) > 0)
		rc = 0;
	bg_bdf_close(b);
	ck_assert_int_eq(rc, BG_EDATA);
	ck_assert_msg(strstr(err.msg, maccor_misses[_i].msg) != NULL,
		      "message '%s'", err.msg);
	ck_assert_uint_eq(err.line, maccor_misses[_i].line);
	free(m);
	free(buf);
}
END_TEST

/* What is not Maccor: the metadata line alone, a tab table without
 * State; and a forced spectrum format is not a time series. */
START_TEST(test_formats_maccor_lookalikes)
{
	static const char meta_only[] = "Today's Date 07/17/2019\n1\t2\t3\n";
	static const char no_state[] = "Rec#\tCyc#\tTest (Sec)\tAmps\tVolts\n"
				       "1\t0\t0\t1\t3.7\n";
	bg_bdf *b;
	bg_error err;
	bg_format fmt;

	ck_assert_int_eq(bg_formats_detect_mem(&fmt, "x", meta_only,
					       sizeof meta_only - 1, &err),
			 BG_EDATA);
	ck_assert_int_eq(bg_formats_detect_mem(&fmt, "x", no_state,
					       sizeof no_state - 1, &err),
			 BG_EDATA);
	ck_assert_int_eq(bg_bdf_open_as(&b, "x", no_state, sizeof no_state - 1,
					BG_FORMAT_MACCOR, NULL, &err),
			 BG_EDATA);
	ck_assert_ptr_nonnull(strstr(err.msg, "without a State column"));
	ck_assert_int_eq(bg_bdf_open_as(&b, "x", no_state, sizeof no_state - 1,
					BG_FORMAT_GAMRY, NULL, &err),
			 BG_EINVAL);
	ck_assert_int_eq(bg_format_from_name("maccor"), BG_FORMAT_MACCOR);
}
END_TEST

static Suite *formats_suite(void)
{
	Suite *s = suite_create("formats");
	TCase *tc = tcase_create("real");

	tcase_add_loop_test(tc, test_formats_reads_real_files, 0,
			    sizeof reals / sizeof reals[0]);
	tcase_add_test(tc, test_formats_notes_report_conversions);
	tcase_add_test(tc, test_formats_loads_pack_impedance_too);
	tcase_add_test(tc, test_formats_detects_by_content);
	suite_add_tcase(s, tc);
	tc = tcase_create("near-misses");
	tcase_add_loop_test(tc, test_formats_near_misses_fail_precisely, 0,
			    sizeof misses / sizeof misses[0]);
	tcase_add_test(tc, test_formats_near_miss_reports_column);
	tcase_add_test(tc, test_formats_plain_errors);
	suite_add_tcase(s, tc);
	tc = tcase_create("units");
	tcase_add_test(tc, test_formats_converts_units);
	tcase_add_test(tc, test_formats_classifies_names);
	suite_add_tcase(s, tc);
	tc = tcase_create("bdf");
	tcase_add_test(tc, test_formats_bdf_reads_labels_and_units);
	tcase_add_test(tc, test_formats_bdf_time_backwards);
	tcase_add_test(tc, test_formats_bdf_reads_memory);
	tcase_add_test(tc, test_formats_bdf_rejects_incomplete);
	tcase_add_test(tc, test_formats_arbin_reads_real_and_mits_names);
	suite_add_tcase(s, tc);
	tc = tcase_create("maccor");
	tcase_add_test(tc, test_formats_maccor_reads_real_export);
	tcase_add_test(tc, test_formats_maccor_variants);
	tcase_add_loop_test(tc, test_formats_maccor_near_misses, 0,
			    sizeof maccor_misses / sizeof maccor_misses[0]);
	tcase_add_test(tc, test_formats_maccor_lookalikes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr;
	int failed;

	bg_init();
	sr = srunner_create(formats_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
