/*
 * check_history.c - the BMS-log pass: throughput against closed-form
 * integrals, events in a crafted log and none in a clean one, clock
 * jumps and gaps, chunking independence, modules, coverage, errors
 * with FILE:LINE:COL, and the real Neware file with its time defect.
 */
#define _GNU_SOURCE
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "battgrade.h"
#include "battgrade/history.h"
#include "battgrade/pack.h"

static bg_history *new_hist(const char *chem, double cap_ah)
{
	bg_chem_limits lim;
	bg_history *h;
	bg_error err;

	ck_assert_int_eq(bg_chem_limits_load(&lim, chem, &err), 0);
	ck_assert_int_eq(bg_history_new(&h, &lim, cap_ah, &err), 0);
	return h;
}

static void feed_str(bg_history *h, const char *s)
{
	bg_error err;
	int rc = bg_history_feed_mem(h, "t.csv", s, strlen(s), &err);

	if (rc < 0)
		ck_abort_msg("feed: %s:%lu:%lu: %s", err.file, err.line,
			     err.column, err.msg);
}

/* Piecewise-linear current with breakpoints sampled exactly:
 * +I1 for T1, a ramp to -I2 over T2, -I2 for T3, then rest. */
static const double I1 = 7.31, I2 = 13.77, T1 = 1234.5, T2 = 321.25,
		    T3 = 777.75, V = 3.712, DT = 0.75;

static double current_at(double t)
{
	if (t <= T1)
		return I1;
	if (t <= T1 + T2)
		return I1 - (I1 + I2) * (t - T1) / T2;
	if (t <= T1 + T2 + T3)
		return -I2;
	return 0;
}

static char *synthetic_log(size_t *len)
{
	static char *buf; /* static: open_memstream keeps its address */
	double bp[4] = { T1, T1 + T2, T1 + T2 + T3, T1 + T2 + T3 + 100 };
	double t = 0;
	FILE *f = open_memstream(&buf, len);
	int k = 0;

	fprintf(f, "test_time_second,current_ampere,voltage_volt,"
		   "surface_temperature_celsius\n");
	while (k < 4) {
		fprintf(f, "%.17g,%.17g,%.17g,25\n", t, current_at(t), V);
		t += DT;
		if (t >= bp[k]) {
			t = bp[k];
			fprintf(f, "%.17g,%.17g,%.17g,25\n", t, current_at(t),
				V);
			if (k == 2) /* the step to rest: two samples at once */
				fprintf(f, "%.17g,0,%.17g,25\n", t, V);
			t += DT;
			k++;
		}
	}
	fclose(f);
	return buf;
}

START_TEST(test_history_throughput_exact)
{
	double f0 = I1 / (I1 + I2); /* fraction of the ramp still charging */
	double chg_as = I1 * T1 + 0.5 * I1 * f0 * T2;
	double dis_as = 0.5 * I2 * (1 - f0) * T2 + I2 * T3;
	bg_history_summary s;
	bg_history *h = new_hist("NMC", 40);
	size_t len;
	char *log = synthetic_log(&len);

	feed_str(h, log);
	ck_assert_int_eq(bg_history_summary_get(h, NULL, &s), 0);
	ck_assert_double_eq_tol(s.ah_throughput_charge, chg_as / 3600,
				1e-9 * chg_as / 3600);
	ck_assert_double_eq_tol(s.ah_throughput_discharge, dis_as / 3600,
				1e-9 * dis_as / 3600);
	ck_assert_double_eq_tol(s.energy_throughput_kwh,
				V * (chg_as + dis_as) / 3.6e6,
				1e-9 * V * (chg_as + dis_as) / 3.6e6);
	ck_assert_double_eq_tol(s.equivalent_full_cycles,
				(chg_as + dis_as) / 3600 / 80,
				1e-9 * (chg_as + dis_as) / 3600 / 80);
	ck_assert_uint_eq(s.gaps, 0);
	ck_assert_uint_eq(s.clock_jumps, 0);
	ck_assert_double_eq_tol(s.span_s, T1 + T2 + T3 + 100, 1e-9);
	bg_history_free(h);
	free(log);
}
END_TEST

/* A log with SOC and temperature swings and a few events. */
static char *varied_log(size_t *len, int rows)
{
	static char *buf; /* static: open_memstream keeps its address */
	FILE *f = open_memstream(&buf, len);
	int i;

	fprintf(f, "unix_time_second,current_ampere,voltage_volt,"
		   "surface_temperature_celsius,soc_percent\n");
	for (i = 0; i < rows; i++) {
		double ph = i * 0.013;
		double cur = 30 * sin(ph) + 3 * sin(7.1 * ph);
		double soc = 50 + 40 * sin(ph + 0.3) + 5 * sin(5.3 * ph);
		double temp = 25 + 30 * sin(0.21 * ph);

		fprintf(f, "%d,%.4f,%.4f,%.2f,%.3f\n", 1600000000 + 10 * i,
			cur, 3.7 + 0.55 * sin(ph), temp, soc);
	}
	fclose(f);
	return buf;
}

/* Line numbers are relative to the file fed, so they differ between
 * chunkings; drop them before comparing. */
static void strip_lines(cJSON *o)
{
	cJSON *c;

	cJSON_DeleteItemFromObjectCaseSensitive(o, "line");
	cJSON_ArrayForEach(c, o)
		strip_lines(c);
}

static char *json_of(const bg_history *h)
{
	cJSON *o;
	char *s;

	ck_assert_int_eq(bg_history_to_json(h, NULL, &o), 0);
	strip_lines(o);
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

START_TEST(test_history_chunking_independent)
{
	size_t len, hdr;
	char *log = varied_log(&len, 3000), *whole, *split;
	static const size_t cuts[] = { 1, 2, 5, 17 };
	bg_history *h = new_hist("NMC", 20);
	size_t c;

	feed_str(h, log);
	whole = json_of(h);
	bg_history_free(h);
	hdr = (size_t)(strchr(log, '\n') - log) + 1;
	for (c = 0; c < 4; c++) {
		/* The same rows as cuts[c] files, each with the header. */
		size_t parts = cuts[c], p, start = hdr;
		bg_error err;

		h = new_hist("NMC", 20);
		for (p = 0; p < parts; p++) {
			size_t end = p + 1 == parts ? len
				     : hdr + (len - hdr) * (p + 1) / parts;
			char *piece;

			while (end < len && log[end - 1] != '\n')
				end++;
			piece = malloc(hdr + end - start);
			memcpy(piece, log, hdr);
			memcpy(piece + hdr, log + start, end - start);
			ck_assert_int_eq(bg_history_feed_mem(h, "part.csv",
				piece, hdr + end - start, &err), 0);
			free(piece);
			start = end;
		}
		split = json_of(h);
		ck_assert_msg(strcmp(split, whole) == 0, "split %zu differs", parts);
		free(split);
		bg_history_free(h);
	}
	free(whole);
	free(log);
}
END_TEST

static const char crafted[] =
	"unix_time_second,current_ampere,voltage_volt,"
	"surface_temperature_celsius\n"
	"1000,5,3.7,25\n"
	"1010,5,4.31,26\n"     /* over-voltage */
	"1020,5,4.35,26\n"
	"1030,5,3.9,26\n"
	"1040,-10,2.41,25\n"   /* under-voltage */
	"1050,-10,3.6,25\n"
	"1060,-10,3.6,66.5\n"  /* over-temperature */
	"1070,-10,3.6,30\n"
	"1080,2,3.6,-4.5\n"    /* charging in the cold */
	"1090,2,3.6,-6\n"
	"1100,0,3.6,-6\n"      /* cold but resting: no event */
	"1105,1,4.24,20\n"     /* within the charge-voltage tolerance */
	"1110,-55,3.4,20\n"    /* over-current (4C of 10 Ah = 40 A) */
	"1120,-5,3.6,20\n";

START_TEST(test_history_events_detected)
{
	bg_history *h = new_hist("NMC", 10);
	bg_history_summary s;
	bg_event e;
	size_t i, n;
	int k, seen[BG_EV_NTYPES] = { 0 };

	feed_str(h, crafted);
	ck_assert_int_eq(bg_history_summary_get(h, NULL, &s), 0);
	for (k = 0; k < BG_EV_NTYPES; k++)
		ck_assert_uint_eq(s.n_events[k], 1);
	n = bg_history_event_count(h, NULL);
	ck_assert_uint_eq(n, BG_EV_NTYPES);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(bg_history_event_get(h, NULL, i, &e), 0);
		seen[e.type]++;
		switch (e.type) {
		case BG_EV_OVERVOLTAGE:
			ck_assert_double_eq(e.start, 1010);
			ck_assert_double_eq(e.end, 1020);
			ck_assert_double_eq(e.extreme, 4.35);
			ck_assert_uint_eq(e.line, 3);
			break;
		case BG_EV_UNDERVOLTAGE:
			ck_assert_double_eq(e.extreme, 2.41);
			break;
		case BG_EV_OVERTEMP:
			ck_assert_double_eq(e.extreme, 66.5);
			ck_assert_double_eq(e.start, 1060);
			break;
		case BG_EV_UNDERTEMP_CHARGE:
			ck_assert_double_eq(e.start, 1080);
			ck_assert_double_eq(e.end, 1090);
			ck_assert_double_eq(e.extreme, -6);
			break;
		case BG_EV_OVERCURRENT:
			ck_assert_double_eq(e.extreme, -55);
			break;
		}
	}
	for (k = 0; k < BG_EV_NTYPES; k++)
		ck_assert_int_eq(seen[k], 1);
	/* Above 60 C for the part of 1050..1070 the linear temperature
	 * spends above it: 10*(6.5/41.5) + 10*(6.5/36.5) seconds. */
	ck_assert_double_eq_tol(s.minutes_above_temp,
				(10 * 6.5 / 41.5 + 10 * 6.5 / 36.5) / 60,
				1e-12);
	ck_assert(s.minutes_charging_below > 0);
	bg_history_free(h);
}
END_TEST

START_TEST(test_history_clean_log_has_no_events)
{
	bg_history *h = new_hist("NMC", 20);
	bg_history_summary s;
	size_t len;
	char *log = synthetic_log(&len);
	int k;

	feed_str(h, log);
	ck_assert_int_eq(bg_history_summary_get(h, NULL, &s), 0);
	for (k = 0; k < BG_EV_NTYPES; k++)
		ck_assert_uint_eq(s.n_events[k], 0);
	ck_assert_uint_eq(bg_history_event_count(h, NULL), 0);
	ck_assert_double_eq(s.minutes_above_temp, 0);
	ck_assert_double_eq(s.minutes_below_temp, 0);
	bg_history_free(h);
	free(log);
}
END_TEST

START_TEST(test_history_clock_jump_splits)
{
	bg_history *h = new_hist("LFP", 100);
	bg_history_summary s;
	cJSON *o, *list;

	feed_str(h, "unix_time_second,current_ampere,voltage_volt\n"
		    "5000,36,3.3\n5100,36,3.3\n"
		    "4000,36,3.3\n4100,36,3.3\n");
	ck_assert_int_eq(bg_history_summary_get(h, NULL, &s), 0);
	ck_assert_uint_eq(s.clock_jumps, 1);
	ck_assert_uint_eq(s.rows, 4);
	/* Two 100 s pieces at 36 A; nothing across the jump. */
	ck_assert_double_eq_tol(s.ah_throughput_charge, 2.0, 1e-12);
	ck_assert_int_eq(bg_history_to_json(h, NULL, &o), 0);
	list = cJSON_GetObjectItem(o, "clock_jump_list");
	ck_assert_int_eq(cJSON_GetArraySize(list), 1);
	ck_assert_double_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 0),
						"line")->valuedouble, 4);
	cJSON_Delete(o);
	bg_history_free(h);
}
END_TEST

START_TEST(test_history_gaps_and_coverage)
{
	bg_history *h = new_hist("LFP", 100);
	bg_history_summary s;

	/* Service life 0..4000 s; the log covers 1000..2000 and, after a
	 * gap, 3000..3500 and beyond the retirement date. */
	bg_history_set_dates(h, -1000, 0, 4000);
	bg_history_set_gap_s(h, 120);
	feed_str(h, "unix_time_second,current_ampere,voltage_volt\n"
		    "1000,-50,3.2\n1500,-50,3.2\n2000,-50,3.2\n"
		    "3000,-50,3.2\n3100,-50,3.2\n3500,-50,3.2\n"
		    "5000,-50,3.2\n");
	ck_assert_int_eq(bg_history_summary_get(h, NULL, &s), 0);
	/* 1000 -> 1500 exceeds 120 s too: gaps at 1000->1500,
	 * 1500->2000, 2000->3000, 3100->3500 and 3500->5000. */
	ck_assert_uint_eq(s.gaps, 5);
	ck_assert_double_eq_tol(s.ah_throughput_discharge, 50 * 100 / 3600.0,
				1e-12);
	ck_assert_double_eq_tol(s.coverage, 100 / 4000.0, 1e-12);
	bg_history_free(h);
}
END_TEST

START_TEST(test_history_modules)
{
	bg_history *h = new_hist("NMC", 50);
	bg_history_summary p, m;
	bg_error err;
	static const char log[] =
		"module_id,unix_time_second,current_ampere,voltage_volt\n"
		"A,0,10,44\nB,0,10,45\nA,360,10,44\nB,360,10,45\n";

	ck_assert_int_eq(bg_history_add_module(h, "A", 50, 12, &err), 0);
	ck_assert_int_eq(bg_history_add_module(h, "B", 50, 12, &err), 0);
	feed_str(h, log);
	ck_assert_int_eq(bg_history_summary_get(h, "A", &m), 0);
	ck_assert_double_eq_tol(m.ah_throughput_charge, 1.0, 1e-12);
	ck_assert_uint_eq(m.n_events[BG_EV_OVERVOLTAGE], 0); /* 44 < 50.4 */
	ck_assert_int_eq(bg_history_summary_get(h, NULL, &p), 0);
	/* Two modules in series carry the same 1 Ah. */
	ck_assert_double_eq_tol(p.ah_throughput_charge, 1.0, 1e-12);
	ck_assert_double_eq_tol(p.energy_throughput_kwh,
				(44 + 45) * 10 * 360 / 3.6e6, 1e-12);
	ck_assert_uint_eq(p.rows, 4);
	ck_assert_uint_eq(bg_history_nmodules(h), 2);
	ck_assert_int_eq(bg_history_summary_get(h, "C", &m), BG_EINVAL);
	ck_assert_int_eq(bg_history_feed_mem(h, "x.csv",
		"module_id,unix_time_second,current_ampere,voltage_volt\n"
		"C,400,1,44\n", 56 + 11, &err), BG_EDATA);
	ck_assert_uint_eq(err.line, 2);
	ck_assert_uint_eq(err.column, 1);
	bg_history_free(h);
}
END_TEST

START_TEST(test_history_iso_equals_unix)
{
	bg_history *a = new_hist("NMC", 5), *b = new_hist("NMC", 5);
	bg_history_summary sa, sb;

	feed_str(a, "unix_time_second,current_ampere,voltage_volt\n"
		    "1700000000,2,3.7\n1700000060,-3,3.6\n1700000090,1,3.65\n");
	feed_str(b, "timestamp,current_ampere,voltage_volt\n"
		    "2023-11-14T22:13:20Z,2,3.7\n"
		    "2023-11-14 23:14:20+01:00,-3,3.6\n"
		    "2023-11-14T22:14:50.000,1,3.65\n");
	bg_history_summary_get(a, NULL, &sa);
	bg_history_summary_get(b, NULL, &sb);
	ck_assert_double_eq(sa.ah_throughput_charge, sb.ah_throughput_charge);
	ck_assert_double_eq(sa.ah_throughput_discharge,
			    sb.ah_throughput_discharge);
	ck_assert_double_eq(sa.span_s, 90);
	ck_assert_double_eq(sb.span_s, 90);
	bg_history_free(a);
	bg_history_free(b);
}
END_TEST

START_TEST(test_history_bad_input)
{
	bg_history *h = new_hist("NMC", 5);
	bg_error err;
	const char *s;

	s = "unix_time_second,current_ampere,voltage_volt\n"
	    "1,2,3.7\n2,abc,3.7\n";
	ck_assert_int_eq(bg_history_feed_mem(h, "bad.csv", s, strlen(s), &err),
			 BG_EDATA);
	ck_assert_str_eq(err.file, "bad.csv");
	ck_assert_uint_eq(err.line, 3);
	ck_assert_uint_eq(err.column, 3);
	s = "unix_time_second,voltage_volt\n1,3.7\n";
	ck_assert_int_eq(bg_history_feed_mem(h, "m.csv", s, strlen(s), &err),
			 BG_EDATA);
	ck_assert(strstr(err.msg, "current_ampere") != NULL);
	bg_history_free(h);
	h = new_hist("NMC", 5);
	s = "timestamp,current_ampere,voltage_volt\n2023-13-01T00:00:00,1,3\n";
	ck_assert_int_eq(bg_history_feed_mem(h, "d.csv", s, strlen(s), &err),
			 BG_EDATA);
	ck_assert_uint_eq(err.line, 2);
	ck_assert_uint_eq(err.column, 1);
	s = "timestamp,current_ampere,voltage_volt,soc_percent\n"
	    "2023-12-01T00:00:00,1,3,101\n";
	ck_assert_int_eq(bg_history_feed_mem(h, "s.csv", s, strlen(s), &err),
			 BG_EDATA);
	ck_assert_uint_eq(err.column, 25);
	s = "test_time_second,current_ampere,voltage_volt\n1,1,3\n";
	ck_assert_int_eq(bg_history_feed_mem(h, "k.csv", s, strlen(s), &err),
			 BG_EDATA); /* a different time base from before */
	bg_history_free(h);
}
END_TEST

struct rf_tally {
	double full, half, depth_sum;
};

static void tally(void *ctx, double depth, double mean, double count,
		  unsigned long n)
{
	struct rf_tally *t = ctx;

	(void)mean;
	if (count >= 1)
		t->full += n;
	else
		t->half += n;
	t->depth_sum += depth * count * n;
}

START_TEST(test_history_rainflow_soc)
{
	bg_history *h = new_hist("NMC", 10);
	struct rf_tally t = { 0, 0, 0 };
	char *buf;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	int i;

	/* SOC 20 -> 80 -> 20 ten times, plus a small 50/60 wiggle in each
	 * discharge: 10 cycles of depth 0.6 (one closed by the end as two
	 * halves) and 10 of depth 0.1. */
	fprintf(f, "unix_time_second,current_ampere,voltage_volt,"
		   "soc_percent\n");
	for (i = 0; i < 10; i++) {
		int t0 = 100 * i;

		fprintf(f, "%d,5,3.7,20\n%d,5,3.7,80\n%d,-5,3.7,60\n"
			   "%d,5,3.7,50\n%d,-5,3.7,60\n", t0, t0 + 30,
			t0 + 40, t0 + 50, t0 + 60);
	}
	fprintf(f, "1000,0,3.7,20\n");
	fclose(f);
	feed_str(h, buf);
	bg_history_rainflow(h, NULL, tally, &t);
	ck_assert_double_eq(t.full + t.half / 2, 20);
	ck_assert_double_eq_tol(t.depth_sum, 10 * 0.6 + 10 * 0.1, 1e-9);
	bg_history_free(h);
	free(buf);
}
END_TEST

/* The Neware rate test's time column restarts 19 times (the file's
 * name says so): each is a clock jump, none is fatal, and the lines
 * are those an independent scan finds. */
START_TEST(test_history_real_neware_time_bug)
{
	const char *data = getenv("BG_SHARED_DATA");
	char path[4096], line[512];
	unsigned long lines[64], n = 0, ln = 0;
	double prev = -INFINITY, t;
	bg_history *h;
	bg_error err;
	cJSON *o, *list;
	FILE *f;
	size_t i;

	/* the whole shared file when present, else the committed copy of
	 * its first 800 lines (which hold its first backward steps) */
	snprintf(path, sizeof(path), "%s/formats/bdf/SINTEF__SLPBA842124HV__"
		 "2024-10-23__Rate_25degC__Neware__Time_Bug.bdf.csv",
		 data ? data : "");
	if (!data || !*data || !(f = fopen(path, "r"))) {
		const char *top = getenv("BG_TOP_SRCDIR");

		snprintf(path, sizeof(path), "%s/tests/fixtures/formats/SINTEF__"
			 "SLPBA842124HV__Neware__Time_Bug.head800.bdf.csv",
			 top ? top : ".");
		fprintf(stderr, "shared data absent: using %s\n", path);
		f = fopen(path, "r");
	}
	ck_assert_msg(f != NULL, "%s missing", path);
	while (fgets(line, sizeof(line), f)) {
		ln++;
		if (ln > 1 && sscanf(line, "%lf", &t) == 1) {
			if (t < prev && n < 64)
				lines[n++] = ln;
			prev = t;
		}
	}
	fclose(f);
	ck_assert_uint_gt(n, 0);
	h = new_hist("NMC", 2.0);
	ck_assert_int_eq(bg_history_feed_file(h, path, &err), 0);
	ck_assert_int_eq(bg_history_to_json(h, NULL, &o), 0);
	ck_assert_double_eq(cJSON_GetObjectItem(o, "clock_jumps")->valuedouble,
			    (double)n);
	list = cJSON_GetObjectItem(o, "clock_jump_list");
	for (i = 0; i < n; i++)
		ck_assert_double_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(
			list, (int)i), "line")->valuedouble, (double)lines[i]);
	ck_assert_double_eq(cJSON_GetObjectItem(o, "rows")->valuedouble,
			    (double)(ln - 1));
	cJSON_Delete(o);
	bg_history_free(h);
}
END_TEST

/* A sample pack read the way the command reads it. */
static bg_history *pack_history(const char *name, cJSON **truth)
{
	const char *src = getenv("BG_TOP_SRCDIR");
	char dir[4096], path[4200], *text;
	bg_chem_limits lim;
	bg_history *h;
	bg_pack *pack;
	bg_error err;
	size_t i;

	ck_assert_ptr_nonnull(src);
	snprintf(dir, sizeof(dir), "%s/data/packs/%s", src, name);
	ck_assert_int_eq(bg_pack_load(&pack, dir, &err), 0);
	ck_assert_int_eq(bg_chem_limits_load(&lim, pack->chemistry, &err), 0);
	lim.cells_series = pack->modules_series *
			   pack->modules[0].cells_series;
	ck_assert_int_eq(bg_history_new(&h, &lim, pack->nominal_capacity_ah,
					&err), 0);
	for (i = 0; i < pack->nmodules; i++)
		ck_assert_int_eq(bg_history_add_module(h,
			pack->modules[i].module_id,
			pack->modules[i].nominal_capacity_ah,
			pack->modules[i].cells_series, &err), 0);
	bg_history_set_modules_series(h, pack->modules_series);
	snprintf(path, sizeof(path), "%s/history.csv", dir);
	ck_assert_int_eq(bg_history_feed_file(h, path, &err), 0);
	snprintf(path, sizeof(path), "%s/truth.json", dir);
	ck_assert_int_eq(bg_read_file(&text, NULL, path, 1 << 20, &err), 0);
	ck_assert_ptr_nonnull(*truth = cJSON_Parse(text));
	free(text);
	bg_pack_free(pack);
	return h;
}

static int truth_type(const char *s)
{
	if (!strcmp(s, "deep_discharge"))
		return BG_EV_UNDERVOLTAGE;
	if (!strcmp(s, "over_temperature"))
		return BG_EV_OVERTEMP;
	if (!strcmp(s, "over_voltage"))
		return BG_EV_OVERVOLTAGE;
	return -1;
}

/* Every injected event of the generator's truth is found with its
 * first and last logged sample and its extreme (the log rounds
 * temperatures to 0.1 degC), and no event is found that the truth does
 * not have (the charger's regulation noise at full charge stays within
 * the over-voltage tolerance). */
static void check_truth_events(const char *name)
{
	cJSON *truth, *m, *ev;
	bg_history *h = pack_history(name, &truth);
	bg_history_summary s;

	cJSON_ArrayForEach(m, cJSON_GetObjectItem(truth, "modules")) {
		const char *id = cJSON_GetObjectItem(m, "module_id")->valuestring;
		unsigned long want[BG_EV_NTYPES] = { 0 };
		int have_rows = bg_history_summary_get(h, id, &s) == 0 &&
				s.rows > 0;

		cJSON_ArrayForEach(ev, cJSON_GetObjectItem(m, "events")) {
			int type = truth_type(cJSON_GetObjectItem(ev,
						"type")->valuestring);
			double t0 = cJSON_GetObjectItem(ev,
				"start_unix_time_second")->valuedouble;
			double t1 = cJSON_GetObjectItem(ev,
				"end_unix_time_second")->valuedouble;
			double x = cJSON_GetObjectItem(ev, "extreme")->valuedouble;
			size_t i, n = bg_history_event_count(h, have_rows ? id
							     : NULL);
			int found = 0;
			bg_event e;

			ck_assert_int_ge(type, 0);
			want[type]++;
			for (i = 0; i < n; i++) {
				bg_history_event_get(h, have_rows ? id : NULL,
						     i, &e);
				if (e.type == type && e.start == t0 &&
				    e.end == t1 && fabs(e.extreme - x) <= 0.05)
					found = 1;
			}
			ck_assert_msg(found, "%s %s: event %d at %.0f missing",
				      name, id, type, t0);
		}
		if (have_rows) {
			int k;

			for (k = 0; k < BG_EV_NTYPES; k++)
				ck_assert_msg(s.n_events[k] == want[k],
					      "%s %s: %lu events of type %d, "
					      "truth %lu", name, id,
					      s.n_events[k], k, want[k]);
		}
	}
	cJSON_Delete(truth);
	bg_history_free(h);
}

START_TEST(test_history_sample_packs_truth)
{
	bg_history_summary s;
	cJSON *truth;
	bg_history *h;

	check_truth_events("nmc-abuse-6");
	check_truth_events("nmc-leaf-8");
	check_truth_events("lfp-bus-4");
	/* A pack-level log: the pack is its own track, and the modules of
	 * the manifest have no rows. */
	h = pack_history("nmc-leaf-8", &truth);
	ck_assert_uint_eq(bg_history_nmodules(h), 0);
	ck_assert_int_eq(bg_history_summary_get(h, NULL, &s), 0);
	ck_assert_uint_gt(s.rows, 1000);
	ck_assert_uint_eq(s.n_events[BG_EV_UNDERVOLTAGE], 0);
	cJSON_Delete(truth);
	bg_history_free(h);
}
END_TEST

static Suite *history_suite(void)
{
	Suite *s = suite_create("history");
	TCase *tc = tcase_create("synthetic");
	TCase *real = tcase_create("real");

	tcase_add_test(tc, test_history_throughput_exact);
	tcase_add_test(tc, test_history_chunking_independent);
	tcase_add_test(tc, test_history_events_detected);
	tcase_add_test(tc, test_history_clean_log_has_no_events);
	tcase_add_test(tc, test_history_clock_jump_splits);
	tcase_add_test(tc, test_history_gaps_and_coverage);
	tcase_add_test(tc, test_history_modules);
	tcase_add_test(tc, test_history_iso_equals_unix);
	tcase_add_test(tc, test_history_bad_input);
	tcase_add_test(tc, test_history_rainflow_soc);
	tcase_add_test(real, test_history_real_neware_time_bug);
	tcase_add_test(tc, test_history_sample_packs_truth);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, real);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(history_suite());
	int failed;

	bg_init();
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
