/*
 * plot.h - small x-y plots drawn with cairo, shared by every picture of
 * the suite (fade fits, Nyquist and Bode plots, certificate figures).
 *
 * Build a figure (title, axis labels and scales), add data (series as
 * points or lines, shaded bands between two curves, labelled
 * reference lines), then either write it to a file whose extension
 * picks the format (.svg, .png or .pdf; written to a temporary file in
 * the same directory and renamed into place) or draw it into a
 * rectangle of an existing cairo context (e.g. a page of a PDF).
 * Data are copied: the caller's arrays may go away after each call.
 * NAN values are skipped (a line breaks there).
 */
#ifndef BG_PLOT_H
#define BG_PLOT_H

#include <stddef.h>

#include <cairo.h>

#include "battgrade/error.h"

typedef struct bg_plot bg_plot;

enum bg_plot_scale { BG_PLOT_LINEAR, BG_PLOT_LOG10 };
enum bg_plot_style { BG_PLOT_POINTS, BG_PLOT_LINES, BG_PLOT_LINESPOINTS };

/* A new empty figure; title may be NULL.  Free with bg_plot_free(). */
int bg_plot_new(bg_plot **out, const char *title, bg_error *err);
void bg_plot_free(bg_plot *p);

/* Axis labels (copied; NULL for none) and scales.  A log10 axis
 * ignores values <= 0. */
int bg_plot_set_labels(bg_plot *p, const char *xlabel, const char *ylabel);
void bg_plot_set_scale(bg_plot *p, enum bg_plot_scale x,
		       enum bg_plot_scale y);

/* Fixed axis ranges; NAN for automatic (the default, from the data). */
void bg_plot_set_xrange(bg_plot *p, double lo, double hi);
void bg_plot_set_yrange(bg_plot *p, double lo, double hi);

/* Same length per unit on both axes (Nyquist plots). */
void bg_plot_set_equal_aspect(bg_plot *p, int on);

/*
 * Add a series of n points; label (legend text) may be NULL.  Colours
 * come from a fixed palette in order of addition; bg_plot_set_color
 * overrides the last item added.  Returns 0 or BG_ENOMEM.
 */
int bg_plot_add_series(bg_plot *p, const char *label, const double *x,
		       const double *y, size_t n, enum bg_plot_style style);

/* A shaded band between lo[i] and hi[i] over x[i]. */
int bg_plot_add_band(bg_plot *p, const char *label, const double *x,
		     const double *lo, const double *hi, size_t n);

/* Dashed horizontal (y = v) or vertical (x = v) reference line with an
 * optional label written beside it. */
int bg_plot_add_hline(bg_plot *p, double v, const char *label);
int bg_plot_add_vline(bg_plot *p, double v, const char *label);

/* Colour of the last added item, RGB in 0..1. */
void bg_plot_set_color(bg_plot *p, double r, double g, double b);

/* Draw into cr inside the rectangle (x, y, w, h) in its user units;
 * the context's state is saved and restored. */
void bg_plot_draw(const bg_plot *p, cairo_t *cr, double x, double y,
		  double w, double h);

/*
 * Write the figure, width x height in points (PNG: pixels), to path;
 * the format follows the extension (.svg, .png, .pdf, any case).
 * BG_EINVAL for another extension, BG_ECANTCREAT or BG_EIO when the
 * file cannot be written (nothing is left behind).
 */
int bg_plot_write(const bg_plot *p, const char *path, double width,
		  double height, bg_error *err);

/*
 * Release cairo's static caches and fontconfig's (font faces and
 * patterns), so that leak checkers see a clean exit.  Call
 * once when a program has finished drawing, while no other thread
 * draws; drawing later is still possible (the caches refill).
 */
void bg_plot_release(void);

#endif
