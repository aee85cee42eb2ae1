/*
 * plot.c - x-y figures with cairo: axes with "nice" ticks on linear or
 * log10 scales, series, bands, reference lines and a legend; written as
 * SVG, PNG or PDF, or drawn into a caller's cairo context.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>

#include "battgrade/plot.h"
#include "i18n.h"

enum kind { SERIES, BAND, HLINE, VLINE };

struct item {
	int kind, style;
	char *label;
	size_t n;
	double *x, *y, *y2;     /* y2: upper curve of a band */
	double v;               /* reference line position */
	double rgb[3];
};

struct bg_plot {
	char *title, *xlabel, *ylabel;
	int xscale, yscale, equal;
	double xr[2], yr[2];
	size_t n, cap, ncolor;
	struct item *items;
};

/* Tableau-like palette, readable in print and for colour-blind eyes. */
static const double palette[][3] = {
	{ 0.12, 0.47, 0.71 }, { 1.00, 0.50, 0.05 }, { 0.17, 0.63, 0.17 },
	{ 0.84, 0.15, 0.16 }, { 0.58, 0.40, 0.74 }, { 0.55, 0.34, 0.29 },
	{ 0.89, 0.47, 0.76 }, { 0.50, 0.50, 0.50 },
};

#define NPAL (sizeof(palette) / sizeof(palette[0]))
#define FONT 11.0

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

int bg_plot_new(bg_plot **out, const char *title, bg_error *err)
{
	bg_plot *p = calloc(1, sizeof(*p));

	*out = NULL;
	if (!p || (title && !(p->title = strdup(title)))) {
		free(p);
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
				    _("out of memory"));
	}
	p->xr[0] = p->xr[1] = p->yr[0] = p->yr[1] = NAN;
	*out = p;
	return 0;
}

void bg_plot_free(bg_plot *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n; i++) {
		free(p->items[i].label);
		free(p->items[i].x);
		free(p->items[i].y);
		free(p->items[i].y2);
	}
	free(p->items);
	free(p->title);
	free(p->xlabel);
	free(p->ylabel);
	free(p);
}

int bg_plot_set_labels(bg_plot *p, const char *xlabel, const char *ylabel)
{
	free(p->xlabel);
	free(p->ylabel);
	p->xlabel = dup_or_null(xlabel);
	p->ylabel = dup_or_null(ylabel);
	return (xlabel && !p->xlabel) || (ylabel && !p->ylabel) ?
	       BG_ENOMEM : 0;
}

void bg_plot_set_scale(bg_plot *p, enum bg_plot_scale x,
		       enum bg_plot_scale y)
{
	p->xscale = x;
	p->yscale = y;
}

void bg_plot_set_xrange(bg_plot *p, double lo, double hi)
{
	p->xr[0] = lo;
	p->xr[1] = hi;
}

void bg_plot_set_yrange(bg_plot *p, double lo, double hi)
{
	p->yr[0] = lo;
	p->yr[1] = hi;
}

void bg_plot_set_equal_aspect(bg_plot *p, int on)
{
	p->equal = on;
}

void bg_plot_set_color(bg_plot *p, double r, double g, double b)
{
	if (!p->n)
		return;
	p->items[p->n - 1].rgb[0] = r;
	p->items[p->n - 1].rgb[1] = g;
	p->items[p->n - 1].rgb[2] = b;
}

static double *copy(const double *a, size_t n)
{
	double *c = malloc((n ? n : 1) * sizeof(double));

	if (c && n)
		memcpy(c, a, n * sizeof(double));
	return c;
}

static struct item *add(bg_plot *p, int kind, const char *label)
{
	struct item *it;

	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 8;

		it = realloc(p->items, cap * sizeof(*it));
		if (!it)
			return NULL;
		p->items = it;
		p->cap = cap;
	}
	it = &p->items[p->n];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	if (label && !(it->label = strdup(label)))
		return NULL;
	if (kind == SERIES || kind == BAND)
		memcpy(it->rgb, palette[p->ncolor++ % NPAL], sizeof(it->rgb));
	else
		it->rgb[0] = it->rgb[1] = it->rgb[2] = 0.35;
	p->n++;
	return it;
}

static int drop_last(bg_plot *p)
{
	struct item *it = &p->items[--p->n];

	free(it->label);
	free(it->x);
	free(it->y);
	free(it->y2);
	return BG_ENOMEM;
}

int bg_plot_add_series(bg_plot *p, const char *label, const double *x,
		       const double *y, size_t n, enum bg_plot_style style)
{
	struct item *it = add(p, SERIES, label);

	if (!it)
		return BG_ENOMEM;
	it->style = style;
	it->n = n;
	it->x = copy(x, n);
	it->y = copy(y, n);
	return it->x && it->y ? 0 : drop_last(p);
}

int bg_plot_add_band(bg_plot *p, const char *label, const double *x,
		     const double *lo, const double *hi, size_t n)
{
	struct item *it = add(p, BAND, label);

	if (!it)
		return BG_ENOMEM;
	it->n = n;
	it->x = copy(x, n);
	it->y = copy(lo, n);
	it->y2 = copy(hi, n);
	return it->x && it->y && it->y2 ? 0 : drop_last(p);
}

static int add_line(bg_plot *p, int kind, double v, const char *label)
{
	struct item *it = add(p, kind, label);

	if (!it)
		return BG_ENOMEM;
	it->v = v;
	return 0;
}

int bg_plot_add_hline(bg_plot *p, double v, const char *label)
{
	return add_line(p, HLINE, v, label);
}

int bg_plot_add_vline(bg_plot *p, double v, const char *label)
{
	return add_line(p, VLINE, v, label);
}

/* ---- coordinates ----------------------------------------------------- */

struct frame {
	double x0, y0, w, h;        /* plot area in device units */
	double lo[2], hi[2];        /* data range per axis, scaled */
	int log[2];
};

static double scaled(int lg, double v)
{
	if (!lg)
		return v;
	return v > 0 ? log10(v) : NAN;
}

static double px(const struct frame *f, double x)
{
	return f->x0 + (scaled(f->log[0], x) - f->lo[0]) /
		       (f->hi[0] - f->lo[0]) * f->w;
}

static double py(const struct frame *f, double y)
{
	return f->y0 + f->h - (scaled(f->log[1], y) - f->lo[1]) /
			      (f->hi[1] - f->lo[1]) * f->h;
}

static void widen(double *lo, double *hi, int lg, double v)
{
	v = scaled(lg, v);
	if (!isfinite(v))
		return;
	*lo = fmin(*lo, v);
	*hi = fmax(*hi, v);
}

static void data_range(const bg_plot *p, int axis, double *lo, double *hi)
{
	int lg = axis ? p->yscale : p->xscale;
	size_t i, k;

	*lo = INFINITY;
	*hi = -INFINITY;
	for (i = 0; i < p->n; i++) {
		const struct item *it = &p->items[i];

		if ((it->kind == HLINE && axis) || (it->kind == VLINE && !axis))
			widen(lo, hi, lg, it->v);
		for (k = 0; k < it->n; k++) {
			if (!isfinite(it->x[k]) || !isfinite(it->y[k]))
				continue;
			widen(lo, hi, lg, axis ? it->y[k] : it->x[k]);
			if (it->y2 && axis)
				widen(lo, hi, lg, it->y2[k]);
		}
	}
	if (!(*lo <= *hi)) {
		*lo = 0;
		*hi = 1;
	}
	if (*hi - *lo < 1e-12 * fmax(1, fabs(*hi))) {
		*lo -= lg ? 0.5 : fmax(0.5, 0.05 * fabs(*lo));
		*hi += lg ? 0.5 : fmax(0.5, 0.05 * fabs(*hi));
	} else if (!lg) {
		double pad = 0.04 * (*hi - *lo);

		*lo -= pad;
		*hi += pad;
	}
}

static void axis_range(const bg_plot *p, int axis, struct frame *f)
{
	const double *fixed = axis ? p->yr : p->xr;
	int lg = axis ? p->yscale : p->xscale;

	f->log[axis] = lg == BG_PLOT_LOG10;
	data_range(p, axis, &f->lo[axis], &f->hi[axis]);
	if (isfinite(fixed[0]))
		f->lo[axis] = scaled(f->log[axis], fixed[0]);
	if (isfinite(fixed[1]))
		f->hi[axis] = scaled(f->log[axis], fixed[1]);
	if (!(f->hi[axis] > f->lo[axis]))
		f->hi[axis] = f->lo[axis] + 1;
}

/* Equal aspect: widen the range of one axis so units match. */
static void equalise(struct frame *f)
{
	double ux = (f->hi[0] - f->lo[0]) / f->w;
	double uy = (f->hi[1] - f->lo[1]) / f->h;
	int a = ux > uy ? 1 : 0;
	double u = fmax(ux, uy), span = u * (a ? f->h : f->w);
	double mid = 0.5 * (f->lo[a] + f->hi[a]);

	f->lo[a] = mid - span / 2;
	f->hi[a] = mid + span / 2;
}

/* ---- drawing ---------------------------------------------------------- */

/* A "nice" tick step (1, 2 or 5 times a power of ten) for about 6
 * ticks over span. */
static double nice_step(double span)
{
	double raw = span / 6, e = pow(10, floor(log10(raw))), m = raw / e;

	return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * e;
}

static void text_at(cairo_t *cr, const char *s, double x, double y,
		    double ax, double ay)
{
	cairo_text_extents_t te;

	cairo_text_extents(cr, s, &te);
	cairo_move_to(cr, x - ax * te.width - te.x_bearing,
		      y - ay * te.height - te.y_bearing);
	cairo_show_text(cr, s);
}

static void tick_label(char *buf, size_t len, double v, int lg, double step)
{
	if (lg)
		snprintf(buf, len, "%g", pow(10, v));
	else if (fabs(v) < 1e-9 * step)
		snprintf(buf, len, "0");
	else
		snprintf(buf, len, "%g", v);
}

static void ticks(cairo_t *cr, const struct frame *f, int axis)
{
	double lo = f->lo[axis], hi = f->hi[axis], step, v;
	char buf[32];

	step = f->log[axis] ? fmax(1, floor((hi - lo) / 6) + 1) :
	       nice_step(hi - lo);
	for (v = ceil(lo / step) * step; v <= hi + 1e-9 * step; v += step) {
		double t = axis ? f->y0 + f->h - (v - lo) / (hi - lo) * f->h :
			   f->x0 + (v - lo) / (hi - lo) * f->w;

		tick_label(buf, sizeof(buf), v, f->log[axis], step);
		cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
		if (axis) {
			cairo_move_to(cr, f->x0, t);
			cairo_line_to(cr, f->x0 + f->w, t);
		} else {
			cairo_move_to(cr, t, f->y0);
			cairo_line_to(cr, t, f->y0 + f->h);
		}
		cairo_stroke(cr);
		cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
		if (axis)
			text_at(cr, buf, f->x0 - 5, t, 1, 0.5);
		else
			text_at(cr, buf, t, f->y0 + f->h + 5, 0.5, 0);
	}
}

static void frame_and_labels(cairo_t *cr, const bg_plot *p,
			     const struct frame *f, double x, double y,
			     double w, double h)
{
	cairo_set_line_width(cr, 0.6);
	ticks(cr, f, 0);
	ticks(cr, f, 1);
	cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
	cairo_rectangle(cr, f->x0, f->y0, f->w, f->h);
	cairo_stroke(cr);
	if (p->title) {
		cairo_set_font_size(cr, FONT * 1.2);
		text_at(cr, p->title, x + w / 2, y + 6, 0.5, 0);
		cairo_set_font_size(cr, FONT);
	}
	if (p->xlabel)
		text_at(cr, p->xlabel, f->x0 + f->w / 2, y + h - 4, 0.5, 1);
	if (p->ylabel) {
		cairo_save(cr);
		cairo_translate(cr, x + 4, f->y0 + f->h / 2);
		cairo_rotate(cr, -M_PI / 2);
		text_at(cr, p->ylabel, 0, 0, 0.5, 0);
		cairo_restore(cr);
	}
}

static int ok_pt(const struct frame *f, double x, double y)
{
	return isfinite(scaled(f->log[0], x)) && isfinite(scaled(f->log[1], y));
}

static void draw_band(cairo_t *cr, const struct frame *f,
		      const struct item *it)
{
	size_t a = 0, b, k;

	while (a < it->n) {
		while (a < it->n && !(ok_pt(f, it->x[a], it->y[a]) &&
				      ok_pt(f, it->x[a], it->y2[a])))
			a++;
		for (b = a; b < it->n && ok_pt(f, it->x[b], it->y[b]) &&
			    ok_pt(f, it->x[b], it->y2[b]); b++)
			;
		if (b > a + 1) {
			cairo_move_to(cr, px(f, it->x[a]), py(f, it->y[a]));
			for (k = a + 1; k < b; k++)
				cairo_line_to(cr, px(f, it->x[k]),
					      py(f, it->y[k]));
			for (k = b; k-- > a;)
				cairo_line_to(cr, px(f, it->x[k]),
					      py(f, it->y2[k]));
			cairo_close_path(cr);
			cairo_set_source_rgba(cr, it->rgb[0], it->rgb[1],
					      it->rgb[2], 0.25);
			cairo_fill(cr);
		}
		a = b;
	}
}

static void draw_series(cairo_t *cr, const struct frame *f,
			const struct item *it)
{
	size_t k;
	int pen = 0;

	cairo_set_source_rgb(cr, it->rgb[0], it->rgb[1], it->rgb[2]);
	if (it->style != BG_PLOT_POINTS) {
		cairo_set_line_width(cr, 1.6);
		for (k = 0; k < it->n; k++) {
			if (!ok_pt(f, it->x[k], it->y[k])) {
				pen = 0;
				continue;
			}
			if (pen)
				cairo_line_to(cr, px(f, it->x[k]),
					      py(f, it->y[k]));
			else
				cairo_move_to(cr, px(f, it->x[k]),
					      py(f, it->y[k]));
			pen = 1;
		}
		cairo_stroke(cr);
	}
	if (it->style != BG_PLOT_LINES)
		for (k = 0; k < it->n; k++) {
			if (!ok_pt(f, it->x[k], it->y[k]))
				continue;
			cairo_new_sub_path(cr);
			cairo_arc(cr, px(f, it->x[k]), py(f, it->y[k]), 2.0, 0,
				  2 * M_PI);
			cairo_fill(cr);
		}
}

static void draw_refline(cairo_t *cr, const struct frame *f,
			 const struct item *it)
{
	const double dash[] = { 5, 3 };
	double t;

	if (!isfinite(scaled(f->log[it->kind == HLINE], it->v)))
		return;
	cairo_set_source_rgb(cr, it->rgb[0], it->rgb[1], it->rgb[2]);
	cairo_set_line_width(cr, 1.0);
	cairo_set_dash(cr, dash, 2, 0);
	if (it->kind == HLINE) {
		t = py(f, it->v);
		cairo_move_to(cr, f->x0, t);
		cairo_line_to(cr, f->x0 + f->w, t);
	} else {
		t = px(f, it->v);
		cairo_move_to(cr, t, f->y0);
		cairo_line_to(cr, t, f->y0 + f->h);
	}
	cairo_stroke(cr);
	cairo_set_dash(cr, NULL, 0, 0);
	if (!it->label)
		return;
	if (it->kind == HLINE)
		text_at(cr, it->label, f->x0 + 4, t - 2, 0, 1);
	else {
		cairo_save(cr);
		cairo_translate(cr, t + 3, f->y0 + 4);
		cairo_rotate(cr, M_PI / 2);
		text_at(cr, it->label, 0, 0, 0, 1);
		cairo_restore(cr);
	}
}

static void legend(cairo_t *cr, const bg_plot *p, const struct frame *f)
{
	double w = 0, y, x;
	size_t i, n = 0;
	cairo_text_extents_t te;

	for (i = 0; i < p->n; i++)
		if (p->items[i].label && p->items[i].kind <= BAND) {
			cairo_text_extents(cr, p->items[i].label, &te);
			w = fmax(w, te.width);
			n++;
		}
	if (!n)
		return;
	x = f->x0 + f->w - w - 34;
	y = f->y0 + 6;
	cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
	cairo_rectangle(cr, x - 4, y - 2, w + 32, (double)n * (FONT + 4) + 4);
	cairo_fill(cr);
	for (i = 0; i < p->n; i++) {
		const struct item *it = &p->items[i];

		if (!it->label || it->kind > BAND)
			continue;
		cairo_set_source_rgba(cr, it->rgb[0], it->rgb[1], it->rgb[2],
				      it->kind == BAND ? 0.35 : 1.0);
		if (it->kind == BAND || it->style == BG_PLOT_POINTS)
			cairo_rectangle(cr, x + 4, y + 3, 14, FONT - 4);
		else
			cairo_rectangle(cr, x + 2, y + FONT / 2, 18, 2);
		cairo_fill(cr);
		cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
		text_at(cr, it->label, x + 26, y + 2, 0, 0);
		y += FONT + 4;
	}
}

void bg_plot_draw(const bg_plot *p, cairo_t *cr, double x, double y,
		  double w, double h)
{
	struct frame f;
	size_t i;

	cairo_save(cr);
	cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
			       CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, FONT);
	f.x0 = x + 62;
	f.y0 = y + (p->title ? 28 : 10);
	f.w = fmax(10, w - 62 - 14);
	f.h = fmax(10, h - (f.y0 - y) - 40);
	axis_range(p, 0, &f);
	axis_range(p, 1, &f);
	if (p->equal && !f.log[0] && !f.log[1])
		equalise(&f);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_rectangle(cr, x, y, w, h);
	cairo_fill(cr);
	frame_and_labels(cr, p, &f, x, y, w, h);
	cairo_save(cr);
	cairo_rectangle(cr, f.x0, f.y0, f.w, f.h);
	cairo_clip(cr);
	for (i = 0; i < p->n; i++)
		if (p->items[i].kind == BAND)
			draw_band(cr, &f, &p->items[i]);
	for (i = 0; i < p->n; i++)
		if (p->items[i].kind == HLINE || p->items[i].kind == VLINE)
			draw_refline(cr, &f, &p->items[i]);
	for (i = 0; i < p->n; i++)
		if (p->items[i].kind == SERIES)
			draw_series(cr, &f, &p->items[i]);
	cairo_restore(cr);
	legend(cr, p, &f);
	cairo_restore(cr);
}

/* ---- files ------------------------------------------------------------ */

enum fmt { FMT_NONE, FMT_SVG, FMT_PNG, FMT_PDF };

static int format_of(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (!dot || strchr(dot, '/'))
		return FMT_NONE;
	if (!strcasecmp(dot, ".svg"))
		return FMT_SVG;
	if (!strcasecmp(dot, ".png"))
		return FMT_PNG;
	if (!strcasecmp(dot, ".pdf"))
		return FMT_PDF;
	return FMT_NONE;
}

static cairo_status_t render(const bg_plot *p, int fmt, const char *tmp,
			     double w, double h)
{
	cairo_surface_t *s;
	cairo_status_t st;
	cairo_t *cr;

	if (fmt == FMT_SVG)
		s = cairo_svg_surface_create(tmp, w, h);
	else if (fmt == FMT_PDF)
		s = cairo_pdf_surface_create(tmp, w, h);
	else
		s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)w,
					       (int)h);
	cr = cairo_create(s);
	bg_plot_draw(p, cr, 0, 0, w, h);
	st = cairo_status(cr);
	cairo_destroy(cr);
	if (st == CAIRO_STATUS_SUCCESS && fmt == FMT_PNG)
		st = cairo_surface_write_to_png(s, tmp);
	cairo_surface_finish(s);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	return st;
}

int bg_plot_write(const bg_plot *p, const char *path, double width,
		  double height, bg_error *err)
{
	int fmt = format_of(path), fd;
	size_t len = strlen(path);
	cairo_status_t st;
	char *tmp;

	if (fmt == FMT_NONE)
		return bg_error_set(err, BG_EINVAL, path, 0, 0,
				    _("plot format unknown: use .svg, .png "
				      "or .pdf"));
	if (!(width >= 16 && height >= 16 && width <= 20000 &&
	      height <= 20000))
		return bg_error_set(err, BG_EINVAL, path, 0, 0,
				    _("plot size out of range"));
	if (!(tmp = malloc(len + 16)))
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
				    _("out of memory"));
	snprintf(tmp, len + 16, "%s.tmpXXXXXX", path);
	if ((fd = mkstemp(tmp)) < 0) {
		int e = errno;

		free(tmp);
		return bg_error_set(err, BG_ECANTCREAT, path, 0, 0,
				    _("cannot create: %s"), strerror(e));
	}
	/* mkstemp makes the file private; a plot is an ordinary file */
	fchmod(fd, 0644);
	close(fd);
	st = render(p, fmt, tmp, width, height);
	if (st != CAIRO_STATUS_SUCCESS || rename(tmp, path) != 0) {
		int e = errno;

		unlink(tmp);
		free(tmp);
		return st != CAIRO_STATUS_SUCCESS ?
		       bg_error_set(err, BG_EIO, path, 0, 0,
				    _("cannot write the plot: %s"),
				    cairo_status_to_string(st)) :
		       bg_error_set(err, BG_ECANTCREAT, path, 0, 0,
				    _("cannot rename into place: %s"),
				    strerror(e));
	}
	free(tmp);
	return 0;
}

void bg_plot_release(void)
{
	/* cairo's caches hold fontconfig patterns: drop them first */
	cairo_debug_reset_static_data();
	FcFini();
}
