/*
 * rainflow.c - streaming four-point rainflow counting (ASTM E1049).
 *
 * Two stages run per value: a peak-valley filter keeps the running
 * extreme of the current half-wave and confirms it as a turning point
 * when the signal reverses; each confirmed point goes on the residue
 * stack, where the four-point rule closes full cycles.  Repeated values
 * and non-reversing moves never reach the stack, so the cost per value
 * is a couple of comparisons.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "battgrade/rainflow.h"
#include "i18n.h"

int bg_rainflow_init(bg_rainflow *rf, size_t cap, bg_rainflow_fn fn,
		     void *ctx, bg_error *err)
{
	rf->stack = NULL;
	rf->n = rf->cap = 0;
	rf->dir = rf->started = 0;
	rf->cur = 0;
	rf->overflows = 0;
	rf->fn = fn;
	rf->ctx = ctx;
	if (cap < 4)
		return bg_error_set(err, BG_EINVAL, NULL, 0, 0,
				    _("rainflow stack needs room for 4 "
				      "points"));
	if (!(rf->stack = malloc(cap * sizeof(*rf->stack))))
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
				    _("out of memory"));
	rf->cap = cap;
	return 0;
}

void bg_rainflow_release(bg_rainflow *rf)
{
	free(rf->stack);
	rf->stack = NULL;
	rf->n = rf->cap = 0;
}

/* Four-point rule: with turning points a b c d on top of the stack,
 * b-c is a closed cycle when |b-c| <= |a-b| and |b-c| <= |c-d|. */
static void close_cycles(bg_rainflow *rf)
{
	double *s = rf->stack;

	while (rf->n >= 4) {
		double a = s[rf->n - 4], b = s[rf->n - 3];
		double c = s[rf->n - 2], d = s[rf->n - 1];
		double inner = fabs(b - c);

		if (inner > fabs(a - b) || inner > fabs(c - d))
			return;
		rf->fn(rf->ctx, b, c, 1.0);
		s[rf->n - 3] = d;
		rf->n -= 2;
	}
}

static void push(bg_rainflow *rf, double x)
{
	size_t i;

	if (rf->n == rf->cap) {
		/* ASTM E1049 step 5: count the range holding the start as
		 * a half cycle and move the start on. */
		rf->fn(rf->ctx, rf->stack[0], rf->stack[1], 0.5);
		for (i = 1; i < rf->n; i++)
			rf->stack[i - 1] = rf->stack[i];
		rf->n--;
		rf->overflows++;
	}
	rf->stack[rf->n++] = x;
	close_cycles(rf);
}

void bg_rainflow_feed(bg_rainflow *rf, double x)
{
	if (!rf->started) {
		rf->started = 1;
		rf->cur = x;
		push(rf, x);
		return;
	}
	if (rf->dir == 0) {
		if (x != rf->cur)
			rf->dir = x > rf->cur ? 1 : -1;
		rf->cur = x;
		return;
	}
	if ((rf->dir > 0 && x >= rf->cur) || (rf->dir < 0 && x <= rf->cur)) {
		rf->cur = x;
		return;
	}
	push(rf, rf->cur);
	rf->cur = x;
	rf->dir = -rf->dir;
}

void bg_rainflow_residue(const bg_rainflow *rf, bg_rainflow_fn fn,
			 void *ctx)
{
	bg_rainflow tmp = *rf;
	size_t i;

	/* Finish a copy: confirm the running extreme as the last turning
	 * point (it may still close cycles), then count what is left. */
	tmp.fn = fn;
	tmp.ctx = ctx;
	tmp.cap = rf->n + 1;
	if (!(tmp.stack = malloc(tmp.cap * sizeof(*tmp.stack)))) {
		tmp.stack = rf->stack; /* no memory: report without closing */
		tmp.cap = rf->n;
	} else {
		for (i = 0; i < rf->n; i++)
			tmp.stack[i] = rf->stack[i];
		if (rf->dir != 0 && rf->n)
			push(&tmp, rf->cur);
	}
	for (i = 1; i < tmp.n; i++)
		fn(ctx, tmp.stack[i - 1], tmp.stack[i], 0.5);
	if (tmp.stack != rf->stack)
		free(tmp.stack);
}

/*
 * Amzallag et al. (1994): a cycle closed within B stays closed in A++B,
 * because the four-point rule only ever compares ranges of B's points
 * with their neighbours and a point of A's residue in front of B's first
 * point can only widen the outer range; what neither part closed is
 * B's residue, which meets A's residue exactly as the raw signal would
 * (the peak-valley filter drops B's first point when it does not turn).
 * Feeding src's residue and its pending extreme through the filter
 * therefore leaves rf as if it had seen all of B.
 */
void bg_rainflow_append(bg_rainflow *rf, const bg_rainflow *src)
{
	size_t i;

	if (!src->started)
		return;
	for (i = 0; i < src->n; i++)
		bg_rainflow_feed(rf, src->stack[i]);
	if (src->dir != 0)
		bg_rainflow_feed(rf, src->cur);
	rf->overflows += src->overflows;
}
