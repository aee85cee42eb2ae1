/*
 * match.c - second-life strings from graded modules (see match.h).
 *
 * Why greedy: with the capacity constraint alone, taking for the
 * smallest remaining capacity c the next N*M modules not above
 * c (1 + s) is optimal (an exchange argument: any feasible group that
 * contains the smallest module can be shifted to the consecutive one
 * without breaking another group).  With parallel blocks the
 * resistance check runs inside that capacity window, again greedily in
 * resistance order.  Plain sorting, the baseline, cuts the capacity
 * order into consecutive chunks and keeps the chunks that happen to
 * satisfy both spreads.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "battgrade/match.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double bg_match_spread(const double *v, size_t n)
{
	double *s, med, sp;

	if (n < 2 || !(s = malloc(n * sizeof(*s))))
		return 0;
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	med = n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
	sp = med > 0 ? (s[n - 1] - s[0]) / med : INFINITY;
	free(s);
	return sp;
}

/* The sort key of qsort_r-free sorting: indices with a value. */
struct key {
	double v;
	size_t i;
};

static int cmp_key(const void *a, const void *b)
{
	const struct key *x = a, *y = b;

	if (x->v != y->v)
		return (x->v > y->v) - (x->v < y->v);
	return (x->i > y->i) - (x->i < y->i);  /* stable, deterministic */
}

static int same_class(const bg_match_module *a, const bg_match_module *b)
{
	return !strcmp(a->chemistry, b->chemistry) &&
	       fabs(a->nominal_voltage_volt - b->nominal_voltage_volt) <=
		       0.01 * fmax(a->nominal_voltage_volt,
				   b->nominal_voltage_volt);
}

static int grade_rank(const char *g)
{
	return !strcmp(g, "A") ? 3 : !strcmp(g, "B") ? 2
				   : !strcmp(g, "C") ? 1 : 0;
}

struct ctx {
	const bg_match_module *m;
	const bg_match_opts *o;
	bg_match_result *r;
	char *used;
	struct key *byr;      /* scratch, n entries */
	size_t *blocks;       /* scratch: block start offsets into byr */
	double *vals;         /* scratch */
};

static void leave(struct ctx *c, size_t i, int why)
{
	c->r->left[c->r->nleft] = i;
	c->r->left_why[c->r->nleft++] = why;
	c->used[i] = 1;
}

static double block_spread(struct ctx *c, const size_t *idx, size_t k,
			   int resistance)
{
	size_t j;

	for (j = 0; j < k; j++)
		c->vals[j] = resistance ? c->m[idx[j]].resistance_ohm
					: c->m[idx[j]].capacity_ah;
	return bg_match_spread(c->vals, k);
}

/* Record a group of series*parallel indices. */
static int add_group(struct ctx *c, const size_t *idx)
{
	size_t k = c->o->series * c->o->parallel, b, j;
	bg_match_group *g = &c->r->groups[c->r->ngroups];
	int worst = 3;

	if (!(g->idx = malloc(k * sizeof(*g->idx))))
		return BG_ENOMEM;
	memcpy(g->idx, idx, k * sizeof(*idx));
	g->capacity_spread = block_spread(c, idx, k, 0);
	g->resistance_spread = 0;
	for (b = 0; c->o->parallel > 1 && b < c->o->series; b++)
		g->resistance_spread = fmax(g->resistance_spread,
					    block_spread(c, idx + b *
							 c->o->parallel,
							 c->o->parallel, 1));
	for (j = 0; j < k; j++) {
		c->used[idx[j]] = 1;
		if (grade_rank(c->m[idx[j]].grade) < worst)
			worst = grade_rank(c->m[idx[j]].grade);
	}
	memcpy(g->grade, worst == 3 ? "A" : worst == 2 ? "B" : "C", 2);
	c->r->ngroups++;
	return 0;
}

/*
 * Candidates: the unused modules of the class of order[i] from
 * position i on whose capacity is within the spread of order[i]'s.
 * Within them form parallel blocks greedily in resistance order; a
 * group is the N blocks with the lowest capacities.
 */
static int try_group(struct ctx *c, const struct key *order, size_t n,
		     size_t i, size_t *pick)
{
	const bg_match_opts *o = c->o;
	double cmax = order[i].v * (1 + o->capacity_spread);
	size_t ncand = 0, nb = 0, a, j, b;

	for (j = i; j < n && order[j].v <= cmax; j++)
		if (!c->used[order[j].i] &&
		    same_class(&c->m[order[i].i], &c->m[order[j].i])) {
			c->byr[ncand].i = order[j].i;
			c->byr[ncand].v = o->parallel > 1
				? c->m[order[j].i].resistance_ohm
				: (double)ncand;
			ncand++;
		}
	if (ncand < o->series * o->parallel)
		return 0;
	qsort(c->byr, ncand, sizeof(*c->byr), cmp_key);
	for (a = 0; a + o->parallel <= ncand && nb < o->series;) {
		if (o->parallel == 1 ||
		    c->byr[a + o->parallel - 1].v <=
			    c->byr[a].v * (1 + o->resistance_spread)) {
			c->blocks[nb++] = a;
			a += o->parallel;
		} else {
			a++;
		}
	}
	if (nb < o->series)
		return 0;
	for (b = 0; b < nb; b++)
		for (j = 0; j < o->parallel; j++)
			pick[b * o->parallel + j] = c->byr[c->blocks[b] + j].i;
	return 1;
}

static int eligible(const bg_match_module *m, const bg_match_opts *o,
		    int *why)
{
	if (!grade_rank(m->grade) || !(m->capacity_ah > 0)) {
		*why = BG_MATCH_NOT_ELIGIBLE;
		return 0;
	}
	if (o->parallel > 1 && !(m->resistance_ohm > 0)) {
		*why = BG_MATCH_NO_RESISTANCE;
		return 0;
	}
	return 1;
}

/* Plain sorting: consecutive chunks of the capacity order per class. */
static void baseline(struct ctx *c, const struct key *order, size_t n,
		     size_t nmods)
{
	const bg_match_opts *o = c->o;
	size_t k = o->series * o->parallel, i = 0, j, b, cnt;
	size_t *chunk = malloc(k * sizeof(*chunk));
	int ok;

	if (!chunk)
		return;
	memset(c->used, 0, nmods);
	while (i < n) {
		for (cnt = 0, j = i; j < n && cnt < k; j++)
			if (!c->used[order[j].i] &&
			    same_class(&c->m[order[i].i], &c->m[order[j].i]))
				chunk[cnt++] = order[j].i;
		for (j = 0; j < cnt; j++)
			c->used[chunk[j]] = 1;
		while (i < n && c->used[order[i].i])
			i++;
		if (cnt < k)
			continue;
		ok = block_spread(c, chunk, k, 0) <= o->capacity_spread;
		if (ok && o->parallel > 1) {
			/* blocks of neighbours in resistance order */
			for (j = 0; j < k; j++) {
				c->byr[j].i = chunk[j];
				c->byr[j].v = c->m[chunk[j]].resistance_ohm;
			}
			qsort(c->byr, k, sizeof(*c->byr), cmp_key);
			for (j = 0; j < k; j++)
				chunk[j] = c->byr[j].i;
		}
		for (b = 0; ok && o->parallel > 1 && b < o->series; b++)
			ok = block_spread(c, chunk + b * o->parallel,
					  o->parallel, 1) <=
			     o->resistance_spread;
		if (ok) {
			c->r->baseline_used += k;
			c->r->baseline_groups++;
		}
	}
	free(chunk);
}

static int sweep(struct ctx *c, struct key *order, size_t n)
{
	size_t i, *pick = malloc(c->o->series * c->o->parallel *
				 sizeof(*pick));

	if (!pick)
		return BG_ENOMEM;
	for (i = 0; i < n; i++) {
		if (c->used[order[i].i])
			continue;
		if (try_group(c, order, n, i, pick)) {
			if (add_group(c, pick)) {
				free(pick);
				return BG_ENOMEM;
			}
		}
		if (!c->used[order[i].i])
			leave(c, order[i].i, BG_MATCH_NO_PARTNERS);
	}
	free(pick);
	return 0;
}

int bg_match(const bg_match_module *mods, size_t n, const bg_match_opts *o,
	     bg_match_result *out, bg_error *err)
{
	struct ctx c = { mods, o, out, NULL, NULL, NULL, NULL };
	struct key *order = NULL;
	size_t i, ne = 0;
	int why, rc = BG_ENOMEM;

	memset(out, 0, sizeof(*out));
	if (!o->series || !o->parallel || !(o->capacity_spread >= 0) ||
	    !(o->resistance_spread >= 0))
		return bg_error_set(err, BG_EINVAL, NULL, 0, 0,
				    "bad matching options");
	out->groups = calloc(n / (o->series * o->parallel) + 1,
			     sizeof(*out->groups));
	out->left = calloc(n + 1, sizeof(*out->left));
	out->left_why = calloc(n + 1, sizeof(*out->left_why));
	c.used = calloc(n + 1, 1);
	c.byr = calloc(n + 1, sizeof(*c.byr));
	c.blocks = calloc(o->series + 1, sizeof(*c.blocks));
	c.vals = calloc(n + 1, sizeof(*c.vals));
	order = calloc(n + 1, sizeof(*order));
	if (!out->groups || !out->left || !out->left_why || !c.used ||
	    !c.byr || !c.blocks || !c.vals || !order)
		goto done;
	for (i = 0; i < n; i++) {
		if (!eligible(&mods[i], o, &why)) {
			leave(&c, i, why);
			continue;
		}
		order[ne].v = mods[i].capacity_ah;
		order[ne++].i = i;
	}
	out->eligible = ne;
	qsort(order, ne, sizeof(*order), cmp_key);
	if ((rc = sweep(&c, order, ne)))
		goto done;
	baseline(&c, order, ne, n);
done:
	free(order);
	free(c.used);
	free(c.byr);
	free(c.blocks);
	free(c.vals);
	if (rc) {
		bg_match_result_release(out);
		return bg_error_set(err, rc, NULL, 0, 0, "oom");
	}
	return 0;
}

void bg_match_result_release(bg_match_result *r)
{
	size_t i;

	for (i = 0; r->groups && i < r->ngroups; i++)
		free(r->groups[i].idx);
	free(r->groups);
	free(r->left);
	free(r->left_why);
	memset(r, 0, sizeof(*r));
}
