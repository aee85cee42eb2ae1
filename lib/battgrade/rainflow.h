/*
 * rainflow.h - streaming rainflow cycle counting (ASTM E1049-85 (2017),
 * section 5.4.4), four-point formulation.
 *
 * Values are fed one at a time; turning points are extracted on the
 * fly and kept on a residue stack of bounded size.  Whenever the inner
 * range of the top four turning points is no larger than both of its
 * neighbours it is a closed (full) cycle and leaves the stack.  What
 * remains at the end is counted as half cycles, one per range.  This
 * gives the same counts as the standard's three-point procedure
 * (Amzallag et al., Int. J. Fatigue 16 (1994) 287).
 *
 * The stack holds at most cap points.  A residue is a diverging then
 * converging sequence, so for values on a grid of k levels it never
 * exceeds 2k + 2 points; when it would overflow anyway, the oldest
 * range is counted as a half cycle and its first point dropped, as
 * ASTM E1049 step 5 does for ranges that contain the starting point.
 */
#ifndef BG_RAINFLOW_H
#define BG_RAINFLOW_H

#include <stddef.h>

#include "battgrade/error.h"

/* Called once per counted range: from and to are its turning points
 * in time order, count is 1 (full cycle) or 0.5 (half cycle). */
typedef void (*bg_rainflow_fn)(void *ctx, double from, double to,
			       double count);

typedef struct bg_rainflow {
	double *stack;          /* turning points of the residue */
	size_t n, cap;
	double cur;             /* running extreme, not yet a turning point */
	int dir;                /* +1 rising, -1 falling, 0 not yet known */
	int started;
	unsigned long overflows; /* ranges counted early on overflow */
	bg_rainflow_fn fn;
	void *ctx;
} bg_rainflow;

/* Set up a counter with room for cap >= 4 turning points (allocated
 * here); fn receives every counted range.  BG_ENOMEM or BG_EINVAL. */
int bg_rainflow_init(bg_rainflow *rf, size_t cap, bg_rainflow_fn fn,
		     void *ctx, bg_error *err);

/* Free the stack; the struct may be initialised again. */
void bg_rainflow_release(bg_rainflow *rf);

/* Feed the next value of the signal (any finite double). */
void bg_rainflow_feed(bg_rainflow *rf, double x);

/*
 * Report what ending the signal now would add, without changing the
 * counter (so a report can be made mid-stream): the pending extreme
 * becomes the last turning point, fn receives the full cycles it
 * closes and then one half cycle per range left on the residue.
 */
void bg_rainflow_residue(const bg_rainflow *rf, bg_rainflow_fn fn,
			 void *ctx);

/*
 * Continue rf with a counter src that counted the signal's next part
 * on its own (from an empty stack): rf then holds the state of one
 * counter fed both parts in order.  The cycles src closed are its own
 * business (its fn already received them); rf's fn receives the
 * cycles that the joint residue closes.  This is the concatenation
 * rule of Amzallag et al., Int. J. Fatigue 16 (1994) 287: the counts
 * of A++B are the closed cycles of A, those of B, and the rainflow of
 * residue(A)++residue(B).  src is not changed.
 */
void bg_rainflow_append(bg_rainflow *rf, const bg_rainflow *src);

#endif
