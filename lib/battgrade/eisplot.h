/*
 * eisplot.h - the picture of an impedance fit: Nyquist plot (-Im Z
 * against Re Z, equal scales) and Bode plots (|Z| and phase against
 * frequency), measured points and the fitted circuit, side by side.
 * Drawn with the shared plot module (plot.h).
 */
#ifndef BG_EISPLOT_H
#define BG_EISPLOT_H

#include "battgrade/eisfit.h"
#include "battgrade/error.h"
#include "battgrade/pack.h"

/*
 * Write the three panels of spectrum s and fit r (NULL: data only) to
 * path; .svg, .png or .pdf by extension, written to a temporary file and
 * renamed into place.  title may be NULL.  Returns 0, BG_EINVAL (unknown
 * extension), BG_ECANTCREAT, BG_EIO or BG_ENOMEM.
 */
int bg_eis_plot_write(const char *path, const bg_spectrum *s,
		      const bg_eis_result *r, const char *title,
		      bg_error *err);

#endif
