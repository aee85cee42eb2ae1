/*
 * eisplot.c - Nyquist and Bode panels of an impedance fit on one page.
 * Each panel is a figure of the shared plot module; this file only
 * fills them and lays them out side by side on one cairo surface.
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

#include "battgrade/eisplot.h"
#include "battgrade/plot.h"
#include "i18n.h"

#define CURVE_N 200
#define PANEL_W 420.0
#define PANEL_H 380.0

enum { NYQ, MAG, PHASE, NPANEL };

struct curves {
	double *f, *re, *mim, *mag, *ph;   /* one block of 5 n */
	size_t n;
};

static int curves_alloc(struct curves *c, size_t n)
{
	c->f = malloc(5 * (n + 1) * sizeof(double));
	if (!c->f)
		return BG_ENOMEM;
	c->re = c->f + n + 1;
	c->mim = c->re + n + 1;
	c->mag = c->mim + n + 1;
	c->ph = c->mag + n + 1;
	c->n = n;
	return 0;
}

static void curves_point(struct curves *c, size_t i, double f, double re,
			 double im)
{
	c->f[i] = f;
	c->re[i] = re;
	c->mim[i] = -im;
	c->mag[i] = hypot(re, im);
	c->ph[i] = -atan2(im, re) * 180 / M_PI;  /* -phase, degrees */
}

static int add_all(bg_plot **pl, const struct curves *c, const char *label,
		   enum bg_plot_style st)
{
	int rc;

	if ((rc = bg_plot_add_series(pl[NYQ], label, c->re, c->mim, c->n,
				     st)) < 0 ||
	    (rc = bg_plot_add_series(pl[MAG], label, c->f, c->mag, c->n,
				     st)) < 0)
		return rc;
	return bg_plot_add_series(pl[PHASE], label, c->f, c->ph, c->n, st);
}

/* The fitted circuit on a log grid spanning the data. */
static int add_fit(bg_plot **pl, const bg_spectrum *s, const bg_eis_result *r,
		   bg_error *err)
{
	double lo = INFINITY, hi = 0, re, im;
	struct curves c;
	size_t i;
	int rc;

	for (i = 0; i < s->n; i++) {
		lo = fmin(lo, s->freq_hz[i]);
		hi = fmax(hi, s->freq_hz[i]);
	}
	if (curves_alloc(&c, CURVE_N) < 0)
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
				    _("out of memory"));
	for (i = 0; i < CURVE_N; i++) {
		double f = exp(log(lo) + (log(hi) - log(lo)) * i /
			       (CURVE_N - 1.0));

		if ((rc = bg_eis_result_eval(r, f, &re, &im, err)) < 0) {
			free(c.f);
			return rc;
		}
		curves_point(&c, i, f, re, im);
	}
	rc = add_all(pl, &c, r->circuit, BG_PLOT_LINES);
	free(c.f);
	return rc < 0 ? bg_error_set(err, rc, NULL, 0, 0, _("out of memory"))
		      : 0;
}

static int make_panels(bg_plot **pl, const char *title, bg_error *err)
{
	int rc;

	if ((rc = bg_plot_new(&pl[NYQ], title ? title : "Nyquist", err)) < 0 ||
	    (rc = bg_plot_new(&pl[MAG], "Bode |Z|", err)) < 0 ||
	    (rc = bg_plot_new(&pl[PHASE], "Bode phase", err)) < 0)
		return rc;
	bg_plot_set_labels(pl[NYQ], "Re Z [ohm]", "-Im Z [ohm]");
	bg_plot_set_equal_aspect(pl[NYQ], 1);
	bg_plot_set_labels(pl[MAG], "f [Hz]", "|Z| [ohm]");
	bg_plot_set_scale(pl[MAG], BG_PLOT_LOG10, BG_PLOT_LOG10);
	bg_plot_set_labels(pl[PHASE], "f [Hz]", "-phase [deg]");
	bg_plot_set_scale(pl[PHASE], BG_PLOT_LOG10, BG_PLOT_LINEAR);
	return 0;
}

static int fill(bg_plot **pl, const bg_spectrum *s, const bg_eis_result *r,
		const char *title, bg_error *err)
{
	struct curves c;
	size_t i;
	int rc;

	if ((rc = make_panels(pl, title, err)) < 0)
		return rc;
	if (curves_alloc(&c, s->n) < 0)
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
				    _("out of memory"));
	for (i = 0; i < s->n; i++)
		curves_point(&c, i, s->freq_hz[i], s->z_real_ohm[i],
			     s->z_imag_ohm[i]);
	rc = add_all(pl, &c, "data", BG_PLOT_POINTS);
	free(c.f);
	if (rc < 0)
		return bg_error_set(err, rc, NULL, 0, 0, _("out of memory"));
	return r ? add_fit(pl, s, r, err) : 0;
}

/* ---- page ------------------------------------------------------------ */

static int format_of(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (!dot || strchr(dot, '/'))
		return -1;
	if (!strcasecmp(dot, ".svg"))
		return 0;
	if (!strcasecmp(dot, ".pdf"))
		return 1;
	if (!strcasecmp(dot, ".png"))
		return 2;
	return -1;
}

static cairo_status_t render(bg_plot *const *pl, int fmt, const char *tmp)
{
	double w = NPANEL * PANEL_W, h = PANEL_H;
	cairo_surface_t *s;
	cairo_status_t st;
	cairo_t *cr;
	int k;

	s = fmt == 0 ? cairo_svg_surface_create(tmp, w, h)
	  : fmt == 1 ? cairo_pdf_surface_create(tmp, w, h)
		     : cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)w,
						  (int)h);
	cr = cairo_create(s);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	for (k = 0; k < NPANEL; k++)
		bg_plot_draw(pl[k], cr, k * PANEL_W, 0, PANEL_W, PANEL_H);
	st = cairo_status(cr);
	cairo_destroy(cr);
	if (st == CAIRO_STATUS_SUCCESS && fmt == 2)
		st = cairo_surface_write_to_png(s, tmp);
	cairo_surface_finish(s);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	return st;
}

/* Temporary file beside path, then rename (never a half-written plot). */
static int write_page(bg_plot *const *pl, const char *path, int fmt,
		      bg_error *err)
{
	char tmp[4096];
	cairo_status_t st;
	int fd, e;

	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmpXXXXXX", path) >=
	    sizeof tmp)
		return bg_error_set(err, BG_EINVAL, path, 0, 0,
				    _("path too long"));
	if ((fd = mkstemp(tmp)) < 0)
		return bg_error_set(err, BG_ECANTCREAT, path, 0, 0,
				    _("cannot create: %s"), strerror(errno));
	fchmod(fd, 0644);
	close(fd);
	st = render(pl, fmt, tmp);
	if (st != CAIRO_STATUS_SUCCESS) {
		unlink(tmp);
		return bg_error_set(err, BG_EIO, path, 0, 0,
				    _("cannot write the plot: %s"),
				    cairo_status_to_string(st));
	}
	if (rename(tmp, path) != 0) {
		e = errno;
		unlink(tmp);
		return bg_error_set(err, BG_ECANTCREAT, path, 0, 0,
				    _("cannot rename into place: %s"),
				    strerror(e));
	}
	return 0;
}

int bg_eis_plot_write(const char *path, const bg_spectrum *s,
		      const bg_eis_result *r, const char *title,
		      bg_error *err)
{
	bg_plot *pl[NPANEL] = { NULL, NULL, NULL };
	int fmt = format_of(path), rc, k;

	if (fmt < 0)
		return bg_error_set(err, BG_EINVAL, path, 0, 0,
				    _("plot format unknown: use .svg, .png "
				      "or .pdf"));
	rc = fill(pl, s, r, title, err);
	if (rc == 0)
		rc = write_page(pl, path, fmt, err);
	for (k = 0; k < NPANEL; k++)
		bg_plot_free(pl[k]);
	return rc;
}
