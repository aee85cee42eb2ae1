/*
 * out.c - tables, CSV and JSON on stdout; progress on stderr.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "exit.h"
#include "i18n.h"
#include "out.h"

struct bg_table {
	size_t ncols, nrows, cap;
	char **cells; /* row-major, nrows + 1 rows (header first) */
};

struct bg_table *bg_table_new(size_t ncols, const char *const *header)
{
	struct bg_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->ncols = ncols;
	if (bg_table_add(t, header) < 0) {
		free(t);
		return NULL;
	}
	return t;
}

int bg_table_add(struct bg_table *t, const char *const *cells)
{
	size_t i, base;

	if ((t->nrows + 1) * t->ncols > t->cap) {
		size_t n = t->cap ? 2 * t->cap : 16 * t->ncols;
		char **c = realloc(t->cells, n * sizeof(*c));

		if (!c)
			return -1;
		t->cells = c;
		t->cap = n;
	}
	base = t->nrows * t->ncols;
	for (i = 0; i < t->ncols; i++) {
		t->cells[base + i] = strdup(cells[i] ? cells[i] : "");
		if (!t->cells[base + i])
			return -1;
	}
	t->nrows++;
	return 0;
}

const char *bg_fmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return buf;
}

/* Display width of UTF-8 text: code points, with CJK counted double. */
static size_t width(const char *s)
{
	size_t w = 0;
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++) {
		if ((*p & 0xc0) == 0x80)
			continue;
		w += (*p >= 0xe3 && *p <= 0xe9) ? 2 : 1;
	}
	return w;
}

void bg_table_print(const struct bg_table *t, FILE *f)
{
	size_t *w = calloc(t->ncols, sizeof(*w));
	size_t r, c, k;

	if (!w)
		return;
	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++) {
			size_t n = width(t->cells[r * t->ncols + c]);

			if (n > w[c])
				w[c] = n;
		}
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];

			fputs(s, f);
			if (c + 1 < t->ncols)
				for (k = width(s); k < w[c] + 2; k++)
					fputc(' ', f);
		}
		fputc('\n', f);
	}
	free(w);
}

void bg_table_free(struct bg_table *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

void bg_csv_write_field(FILE *f, const char *s)
{
	if (!s)
		s = "";
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

void bg_csv_write_row(FILE *f, size_t n, const char *const *fields)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i)
			fputc(',', f);
		bg_csv_write_field(f, fields[i]);
	}
	fputc('\n', f);
}

int bg_json_print(FILE *f, const cJSON *v, int pretty)
{
	char *s = pretty ? cJSON_Print(v) : cJSON_PrintUnformatted(v);

	if (!s)
		return -1;
	fputs(s, f);
	fputc('\n', f);
	cJSON_free(s);
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void bg_progress_start(struct bg_progress *p, const char *what,
		       unsigned long long total)
{
	p->active = isatty(STDERR_FILENO);
	p->what = what;
	p->total = total;
	p->done = 0;
	p->last = 0;
}

void bg_progress_update(struct bg_progress *p, unsigned long long done)
{
	double t;
	int i, fill;

	p->done = done;
	if (!p->active || (t = now()) - p->last < 0.1)
		return;
	p->last = t;
	fill = p->total ? (int)(30.0 * done / p->total) : 0;
	fprintf(stderr, "\r%s [", p->what);
	for (i = 0; i < 30; i++)
		fputc(i < fill ? '#' : '.', stderr);
	fprintf(stderr, "] %llu/%llu", done, p->total);
}

void bg_progress_end(struct bg_progress *p)
{
	if (!p->active)
		return;
	p->last = 0;
	bg_progress_update(p, p->done);
	fputc('\n', stderr);
}

int bg_out_finish(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, _("battgrade: write to standard output "
				  "failed: %s\n"), strerror(errno));
		return BG_EXIT_IOERR;
	}
	return 0;
}
