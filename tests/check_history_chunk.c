/*
 * check_history_chunk.c - a regular file read in chunks and joined
 * (history-chunk.c, history-merge.c) gives the report of one pass:
 * on generated logs with several modules, events, gaps and clock jumps
 * across the cuts, rainflow cycles spanning them, quoted newlines at a
 * cut, many events and jumps; exact integrals; the true lines of
 * errors in late chunks; and the same bytes with one thread or two.
 * Small chunk sizes (bg_history_set_chunk_bytes) cut small logs into
 * many chunks.
 */
#define _GNU_SOURCE
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "battgrade.h"
#include "battgrade/history.h"

/* One pass: a chunk larger than any test file. */
#define WHOLE (1ULL << 40)

static const unsigned long long chunk_sizes[] = { 64, 97, 200, 331, 1000,
						  4096, 20000 };
#define NSIZES (sizeof(chunk_sizes) / sizeof(chunk_sizes[0]))

struct run {
	int threads;
	unsigned long long chunk;
	const char *manifest[4];  /* declared modules, NULL-terminated */
	double gap_s;
};

static bg_history *new_hist(const struct run *r)
{
	bg_chem_limits lim;
	bg_history *h;
	bg_error err;
	int i;

	ck_assert_int_eq(bg_chem_limits_load(&lim, "NMC", &err), 0);
	ck_assert_int_eq(bg_history_new(&h, &lim, 40, &err), 0);
	for (i = 0; r->manifest[i]; i++)
		ck_assert_int_eq(bg_history_add_module(h, r->manifest[i], 40,
						       1, &err), 0);
	bg_history_set_threads(h, r->threads);
	bg_history_set_chunk_bytes(h, r->chunk);
	if (r->gap_s > 0)
		bg_history_set_gap_s(h, r->gap_s);
	return h;
}

static char *write_tmp(const char *text, size_t len)
{
	char *path = strdup("/tmp/bg_chunkXXXXXX");
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
	return path;
}

/* The report of files read with r (errors as "FILE:LINE:COL: msg"). */
static char *report(const struct run *r, char **paths, int n)
{
	bg_history *h = new_hist(r);
	bg_error err;
	cJSON *o;
	char *s;
	int i;

	for (i = 0; i < n; i++)
		if (bg_history_feed_file(h, paths[i], &err) < 0) {
			if (asprintf(&s, "%s:%lu:%lu: %s", err.file, err.line,
				     err.column, err.msg) < 0)
				s = NULL;
			bg_history_free(h);
			return s;
		}
	ck_assert_int_eq(bg_history_to_json(h, NULL, &o), 0);
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	bg_history_free(h);
	return s;
}

/* Same JSON, numbers equal to 1e-12 relative (sums are added in
 * another order); counts, lines and strings exactly. */
static int same_json(const cJSON *a, const cJSON *b, char *where,
		     size_t n)
{
	const cJSON *x, *y;

	if ((a->type & 0xff) != (b->type & 0xff)) {
		snprintf(where, n, "%s: type", a->string ? a->string : "?");
		return 0;
	}
	if (cJSON_IsNumber(a)) {
		double u = a->valuedouble, v = b->valuedouble;

		if (u == v || fabs(u - v) <= 1e-12 * fmax(fabs(u), fabs(v)))
			return 1;
		snprintf(where, n, "%s: %.17g != %.17g",
			 a->string ? a->string : "?", u, v);
		return 0;
	}
	if (cJSON_IsString(a) && strcmp(a->valuestring, b->valuestring)) {
		snprintf(where, n, "%s: %s != %s", a->string ? a->string : "?",
			 a->valuestring, b->valuestring);
		return 0;
	}
	if (cJSON_GetArraySize(a) != cJSON_GetArraySize(b)) {
		snprintf(where, n, "%s: %d != %d items",
			 a->string ? a->string : "?", cJSON_GetArraySize(a),
			 cJSON_GetArraySize(b));
		return 0;
	}
	for (x = a->child, y = b->child; x && y; x = x->next, y = y->next) {
		if ((x->string || y->string) &&
		    (!x->string || !y->string || strcmp(x->string, y->string))) {
			snprintf(where, n, "key %s != %s",
				 x->string ? x->string : "-",
				 y->string ? y->string : "-");
			return 0;
		}
		if (!same_json(x, y, where, n))
			return 0;
	}
	return 1;
}

static void assert_same(const char *want, const char *got,
			unsigned long long chunk)
{
	cJSON *a = cJSON_Parse(want), *b = cJSON_Parse(got);
	char where[256] = "";

	if (!a || !b) { /* errors: the very same message */
		ck_assert_msg(!strcmp(want, got),
			      "chunk %llu: '%.150s' != '%.150s'", chunk, want,
			      got);
	} else {
		ck_assert_msg(same_json(a, b, where, sizeof(where)),
			      "chunk %llu: %s", chunk, where);
	}
	cJSON_Delete(a);
	cJSON_Delete(b);
}

/*
 * Read the files in one pass, then with every chunk size with one
 * thread and with two: the chunked reports equal the pass's, and one
 * thread's and two threads' are the same bytes.
 */
static void check_files(struct run base, char **paths, int n)
{
	char *want, *one, *two;
	size_t k;

	base.threads = 1;
	base.chunk = WHOLE;
	want = report(&base, paths, n);
	ck_assert_ptr_nonnull(want);
	for (k = 0; k < NSIZES; k++) {
		base.chunk = chunk_sizes[k];
		base.threads = 1;
		one = report(&base, paths, n);
		base.threads = 2;
		two = report(&base, paths, n);
		ck_assert_ptr_nonnull(one);
		ck_assert_ptr_nonnull(two);
		assert_same(want, one, base.chunk);
		if (strcmp(one, two)) {
			size_t d = 0;

			while (one[d] == two[d])
				d++;
			d = d > 60 ? d - 60 : 0;
			ck_abort_msg("chunk %llu: -j1 != -j2: '%.150s' != "
				     "'%.150s'", base.chunk, one + d, two + d);
		}
		free(one);
		free(two);
	}
	free(want);
}

static void check_text(struct run base, const char *text)
{
	char *path = write_tmp(text, strlen(text));

	check_files(base, &path, 1);
	unlink(path);
	free(path);
}

/* ---- generated logs -------------------------------------------- */

struct gen {
	unsigned seed;
	int modules, note, iso;
	double gap_every, jump_every; /* mean rows between them; 0: none */
	int noisy;                    /* SOC jumps at random every row */
};

static double urand(unsigned *seed)
{
	return (double)rand_r(seed) / RAND_MAX;
}

/* A module's state: stretches of charge, discharge and rest, over-
 * voltage and under-voltage runs, heat and cold, spikes of current,
 * SOC swinging with random depth; now and then an empty temperature or
 * SOC field. */
struct mod {
	double i, v, temp, soc, soc_to;
	int run, noisy;
};

static void step(struct mod *m, unsigned *seed)
{
	if (m->run-- <= 0) {
		double u = urand(seed);

		m->run = 2 + rand_r(seed) % 12;
		m->i = u < 0.3 ? 20 : u < 0.6 ? -30 : u < 0.9 ? 0
		       : u < 0.95 ? 95 : -170;
		u = urand(seed);
		m->v = u < 0.15 ? 4.3 : u < 0.25 ? 2.3 : 3.4 + 0.7 * urand(seed);
		u = urand(seed);
		m->temp = u < 0.1 ? 63 : u < 0.2 ? -7 : 15 + 30 * urand(seed);
		m->soc_to = 100 * urand(seed);
	}
	m->soc += m->noisy ? 100 * urand(seed) - m->soc
		  : (m->soc_to - m->soc) * 0.4 + 3 * (urand(seed) - 0.5);
	m->soc = m->soc < 0 ? 0 : m->soc > 100 ? 100 : m->soc;
	m->v += 0.01 * (urand(seed) - 0.5);
}

static void put_time(FILE *f, const struct gen *g, double t)
{
	time_t s = (time_t)t;
	struct tm tm;
	char b[40];

	if (!g->iso) {
		fprintf(f, "%.1f", t);
		return;
	}
	gmtime_r(&s, &tm);
	strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(f, "%s.%dZ", b, (int)((t - (double)s) * 10 + 0.5));
}

static char *gen_log(const struct gen *g0, int rows)
{
	static char *buf; /* static: open_memstream keeps its address */
	struct gen g = *g0;
	struct mod m[8];
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	double t = 1600000000;
	int r, k;

	memset(m, 0, sizeof(m));
	for (k = 0; k < 8; k++)
		m[k].noisy = g.noisy;
	fprintf(f, "%s%s,current_ampere,voltage_volt,"
		   "surface_temperature_celsius,soc_percent%s\n",
		g.modules ? "module_id," : "",
		g.iso ? "timestamp" : "unix_time_second",
		g.note ? ",note" : "");
	for (r = 0; r < rows; r++) {
		k = g.modules ? rand_r(&g.seed) % g.modules : 0;
		/* module k joins the log late: first rows after r = k * 40 */
		if (k * 40 > r)
			k = 0;
		t += 10 * urand(&g.seed) + 0.5;
		if (g.gap_every > 0 && urand(&g.seed) < 1 / g.gap_every)
			t += 30000;
		if (g.jump_every > 0 && urand(&g.seed) < 1 / g.jump_every)
			t -= 2000;
		step(&m[k], &g.seed);
		if (g.modules)
			fprintf(f, "M%d,", k);
		put_time(f, &g, t);
		fprintf(f, ",%.3f,%.4f,", m[k].i, m[k].v);
		if (urand(&g.seed) > 0.05)
			fprintf(f, "%.2f", m[k].temp);
		fputc(',', f);
		if (urand(&g.seed) > 0.05)
			fprintf(f, "%.2f", m[k].soc);
		if (g.note)
			fputs(urand(&g.seed) < 0.03 ? ",\"two\nlines\""
			      : urand(&g.seed) < 0.1 ? ",\"q, \"\"x\"\"\"" : ",",
			      f);
		fputc('\n', f);
	}
	fclose(f);
	return buf;
}

static void check_gen(const struct gen *g, int rows, struct run base)
{
	char *log = gen_log(g, rows);

	check_text(base, log);
	free(log);
}

START_TEST(test_history_chunk_modules_events)
{
	struct gen g = { 11, 3, 0, 0, 150, 300, 0 };
	struct run base = { 0, 0, { NULL }, 0 };

	check_gen(&g, 2500, base);
	g.seed = 12;
	g.modules = 0;
	check_gen(&g, 2500, base);
}
END_TEST

/* Gaps and backward jumps every few rows land on many cuts, also
 * more than the 100 jumps a track lists. */
START_TEST(test_history_chunk_gaps_jumps)
{
	struct gen g = { 21, 2, 0, 0, 7, 9, 0 };
	struct run base = { 0, 0, { NULL }, 0 };

	check_gen(&g, 3000, base);
}
END_TEST

/* More than the 1000 events a track lists, with events across cuts;
 * a gap setting of the caller. */
START_TEST(test_history_chunk_many_events)
{
	struct gen g = { 31, 0, 0, 0, 0, 0, 0 };
	struct run base = { 0, 0, { NULL }, 100 };

	check_gen(&g, 12000, base);
}
END_TEST

/* SOC at random every row: thousands of closed cycles in a chunk, more
 * than a chunk's track lists before it keeps bins. */
START_TEST(test_history_chunk_many_cycles)
{
	struct gen g = { 35, 0, 0, 0, 0, 0, 1 };
	struct run r = { 1, WHOLE, { NULL }, 0 };
	char *log = gen_log(&g, 60000);
	char *path = write_tmp(log, strlen(log)), *want, *got;

	want = report(&r, &path, 1);
	for (r.threads = 1; r.threads <= 2; r.threads++) {
		r.chunk = 1000000; /* about 22,000 rows and 7,000 cycles */
		got = report(&r, &path, 1);
		assert_same(want, got, r.chunk);
		free(got);
	}
	free(want);
	unlink(path);
	free(path);
	free(log);
}
END_TEST

/* Declared modules (a manifest), ISO timestamps. */
START_TEST(test_history_chunk_manifest_iso)
{
	struct gen g = { 41, 3, 0, 1, 200, 0, 0 };
	struct run base = { 0, 0, { "M0", "M1", "M2", NULL }, 0 };

	check_gen(&g, 2000, base);
}
END_TEST

/* A quoted field with a newline: a cut after that newline is inside
 * the field; the chunk before reads on, and the report is still the
 * pass's. */
START_TEST(test_history_chunk_quoted_newlines)
{
	struct gen g = { 51, 2, 1, 0, 300, 0, 0 };
	struct run base = { 0, 0, { NULL }, 0 };

	check_gen(&g, 2000, base);
}
END_TEST

/* Several files are one log; a log without SOC column (coulomb
 * counting) is read in one pass whatever the chunk size. */
START_TEST(test_history_chunk_files_and_cc)
{
	struct gen g = { 61, 2, 0, 0, 100, 400, 0 };
	struct run base = { 0, 0, { NULL }, 0 };
	char *log = gen_log(&g, 1500), *paths[2], *cc;
	size_t half = strlen(log) / 2, hdr = strcspn(log, "\n") + 1;
	char *second;

	while (log[half - 1] != '\n')
		half++;
	second = malloc(hdr + strlen(log + half) + 1);
	memcpy(second, log, hdr);
	memcpy(second + hdr, log + half, strlen(log + half) + 1);
	paths[0] = write_tmp(log, half);
	paths[1] = write_tmp(second, strlen(second));
	check_files(base, paths, 2);
	unlink(paths[0]);
	unlink(paths[1]);
	free(paths[0]);
	free(paths[1]);
	free(second);
	free(log);

	/* Without the SOC column: the very same bytes. */
	cc = strdup("unix_time_second,current_ampere,voltage_volt\n"
		    "0,10,3.7\n600,10,3.8\n1200,-20,3.6\n1800,-20,3.5\n"
		    "2400,5,3.7\n3000,5,3.75\n3600,-30,3.4\n4200,0,3.5\n");
	{
		char *p = write_tmp(cc, strlen(cc)), *a, *b;
		struct run r1 = { 1, WHOLE, { NULL }, 0 };
		struct run r2 = { 2, 16, { NULL }, 0 };

		a = report(&r1, &p, 1);
		b = report(&r2, &p, 1);
		ck_assert_str_eq(a, b);
		free(a);
		free(b);
		unlink(p);
		free(p);
	}
	free(cc);
}
END_TEST

/* Piecewise-linear current sampled at its breakpoints (as in
 * check_history.c), with a SOC column so that it is read in chunks:
 * Ah throughput equals the closed-form integral to 1e-9 whatever the
 * chunk size. */
static const double I1 = 7.31, I2 = 13.77, T1 = 1234.5, T2 = 321.25,
		    T3 = 777.75, DT = 0.75;

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

START_TEST(test_history_chunk_exact_integrals)
{
	double bp[4] = { T1, T1 + T2, T1 + T2 + T3, T1 + T2 + T3 + 100 };
	double f0 = I1 / (I1 + I2), t = 0;
	double chg = (I1 * T1 + 0.5 * I1 * f0 * T2) / 3600;
	double dis = (0.5 * I2 * (1 - f0) * T2 + I2 * T3) / 3600;
	char *buf, *path;
	size_t len, k;
	FILE *f = open_memstream(&buf, &len);
	int b = 0;

	fprintf(f, "test_time_second,current_ampere,voltage_volt,"
		   "soc_percent\n");
	while (b < 4) {
		fprintf(f, "%.17g,%.17g,3.7,50\n", t, current_at(t));
		t += DT;
		if (t >= bp[b]) {
			t = bp[b];
			fprintf(f, "%.17g,%.17g,3.7,50\n", t, current_at(t));
			if (b == 2) /* the step to rest: two samples at once */
				fprintf(f, "%.17g,0,3.7,50\n", t);
			t += DT;
			b++;
		}
	}
	fclose(f);
	path = write_tmp(buf, len);
	for (k = 0; k < NSIZES; k++) {
		struct run r = { 2, chunk_sizes[k], { NULL }, 0 };
		bg_history *h = new_hist(&r);
		bg_history_summary s;
		bg_error err;

		ck_assert_int_eq(bg_history_feed_file(h, path, &err), 0);
		ck_assert_int_eq(bg_history_summary_get(h, NULL, &s), 0);
		ck_assert_double_eq_tol(s.ah_throughput_charge, chg, 1e-9 * chg);
		ck_assert_double_eq_tol(s.ah_throughput_discharge, dis,
					1e-9 * dis);
		ck_assert_double_eq_tol(s.span_s, T1 + T2 + T3 + 100, 1e-9);
		ck_assert_uint_eq(s.gaps, 0);
		bg_history_free(h);
	}
	unlink(path);
	free(path);
	free(buf);
}
END_TEST

/* An error deep in the file: the same FILE:LINE:COL and message as the
 * pass (the first in file order when there are two), whatever the
 * chunks and threads. */
START_TEST(test_history_chunk_error_lines)
{
	struct gen g = { 71, 2, 0, 0, 0, 0, 0 };
	struct run base = { 0, 0, { NULL }, 0 };
	char *log = gen_log(&g, 3000), *bad, *p;
	size_t len = strlen(log), at, k;
	static const char *const junk[] = { "M1,1600001000,abc,3.7,25,50\n",
					    "M0,1600001000,1,3.7\n",
					    "M1,1600001000,1,3.7,25,101\n" };

	for (k = 0; k < 3; k++) {
		char *path;

		/* replace the line after 80 % of the bytes, and one near
		 * the end too (the first must win) */
		bad = malloc(len + 200);
		at = len * 8 / 10;
		while (log[at - 1] != '\n')
			at++;
		memcpy(bad, log, at);
		memcpy(bad + at, junk[k], strlen(junk[k]));
		p = strchr(log + at, '\n') + 1;
		memcpy(bad + at + strlen(junk[k]), p, strlen(p) + 1);
		if (k == 0)
			memcpy(strrchr(bad, '\n') - 4, "x.xx", 4);
		path = write_tmp(bad, strlen(bad));
		check_files(base, &path, 1);
		unlink(path);
		free(path);
		free(bad);
	}
	free(log);
}
END_TEST

/* A module not in the manifest in a late chunk; more than the most
 * modules a log may have, the first too many in a late chunk. */
START_TEST(test_history_chunk_module_errors)
{
	struct gen g = { 81, 3, 0, 0, 0, 0, 0 };
	struct run declared = { 0, 0, { "M0", "M1", NULL }, 0 };
	struct run base = { 0, 0, { NULL }, 0 };
	char *log = gen_log(&g, 600), *buf;
	size_t len;
	FILE *f;
	int i;

	check_text(declared, log); /* M2 appears after row 80 */
	free(log);
	f = open_memstream(&buf, &len);
	fputs("module_id,unix_time_second,current_ampere,voltage_volt,"
	      "soc_percent\n", f);
	/* m0..m6, then a new module per row from row 100: the 513th
	 * module is that of row 605, on line 607 */
	for (i = 0; i < 700; i++)
		fprintf(f, "m%d,%d,1,3.7,50\n", i < 100 ? i % 7 : i, i);
	fclose(f);
	{
		char *path = write_tmp(buf, len), *want;
		struct run r = { 2, 400, { NULL }, 0 };

		base.threads = 1;
		base.chunk = WHOLE;
		want = report(&base, &path, 1);
		ck_assert(strstr(want, "more than 512 modules") != NULL);
		ck_assert(strstr(want, ":607:1: ") != NULL);
		free(want);
		want = report(&r, &path, 1);
		ck_assert(strstr(want, ":607:1: more than 512 modules") != NULL);
		free(want);
		unlink(path);
		free(path);
	}
	free(buf);
}
END_TEST

struct prog {
	unsigned long long last, calls;
	int backwards;
};

static void on_progress(void *ctx, unsigned long long bytes)
{
	struct prog *p = ctx;

	p->backwards |= bytes < p->last;
	p->last = bytes;
	p->calls++;
}

/* Progress never goes back and reaches the file's size. */
START_TEST(test_history_chunk_progress)
{
	struct gen g = { 91, 0, 0, 0, 0, 0, 0 };
	char *log = gen_log(&g, 200000), *path;
	size_t len = strlen(log);
	int threads;

	path = write_tmp(log, len);
	for (threads = 1; threads <= 2; threads++) {
		struct run r = { threads, 300000, { NULL }, 0 };
		bg_history *h = new_hist(&r);
		struct prog p = { 0, 0, 0 };
		bg_error err;

		bg_history_set_progress(h, on_progress, &p);
		ck_assert_int_eq(bg_history_feed_file(h, path, &err), 0);
		ck_assert_int_eq(p.backwards, 0);
		ck_assert_uint_gt(p.calls, 2);
		ck_assert_uint_le(p.last, len);
		ck_assert_uint_gt(p.last, len / 2);
		bg_history_free(h);
	}
	unlink(path);
	free(path);
	free(log);
}
END_TEST

static Suite *chunk_suite(void)
{
	Suite *s = suite_create("history_chunk");
	TCase *tc = tcase_create("chunk");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_history_chunk_modules_events);
	tcase_add_test(tc, test_history_chunk_gaps_jumps);
	tcase_add_test(tc, test_history_chunk_many_events);
	tcase_add_test(tc, test_history_chunk_many_cycles);
	tcase_add_test(tc, test_history_chunk_manifest_iso);
	tcase_add_test(tc, test_history_chunk_quoted_newlines);
	tcase_add_test(tc, test_history_chunk_files_and_cc);
	tcase_add_test(tc, test_history_chunk_exact_integrals);
	tcase_add_test(tc, test_history_chunk_error_lines);
	tcase_add_test(tc, test_history_chunk_module_errors);
	tcase_add_test(tc, test_history_chunk_progress);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(chunk_suite());
	int failed;

	bg_init();
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
