/*
 * match.h - grouping graded modules into second-life strings.
 *
 * A system of N series positions, each M modules in parallel (NsMp).
 * DOMAIN.md section 6 and the policy's "matching" spreads: within a
 * parallel block the resistance spread (max - min) / median stays
 * within the policy's limit (Gogoana et al. 2014: a 20 % mismatch cut
 * cycle life by ~40 %), and within a series string the capacity spread
 * stays within its limit (the weakest module limits the string;
 * balancing cannot recover a capacity spread).  The matcher maximises
 * the number of modules used with a greedy sweep over capacity order
 * (optimal for the capacity constraint alone) and, inside each
 * capacity window, a greedy sweep over resistance order for the
 * parallel blocks.  Only modules graded A, B or C of the same
 * chemistry and nominal voltage (within 1 %) are combined.
 */
#ifndef BG_MATCH_H
#define BG_MATCH_H

#include <stddef.h>

#include "battgrade/error.h"

typedef struct bg_match_module {
	char pack_id[64];
	char module_id[64];
	char chemistry[8];
	char grade[8];
	double capacity_ah;       /* remaining capacity */
	double resistance_ohm;    /* NAN unknown */
	double nominal_voltage_volt;
} bg_match_module;

typedef struct bg_match_opts {
	size_t series, parallel;      /* N and M, >= 1 */
	double capacity_spread;       /* series string limit, fraction */
	double resistance_spread;     /* parallel block limit, fraction */
} bg_match_opts;

typedef struct bg_match_group {
	size_t *idx;          /* series x parallel module indices; block b
				 is idx[b * parallel .. + parallel - 1] */
	double capacity_spread;       /* over the whole group */
	double resistance_spread;     /* largest over its blocks; 0 if M=1 */
	char grade[8];                /* worst grade in the group */
} bg_match_group;

/* Why a module was left over. */
enum bg_match_left {
	BG_MATCH_NOT_ELIGIBLE,    /* R or RETEST, or capacity unknown */
	BG_MATCH_NO_RESISTANCE,   /* parallel blocks need a resistance */
	BG_MATCH_NO_PARTNERS      /* no group within the spreads */
};

typedef struct bg_match_result {
	size_t ngroups;
	bg_match_group *groups;
	size_t nleft;
	size_t *left;             /* module indices */
	int *left_why;            /* enum bg_match_left */
	size_t eligible;          /* modules that could have been used */
	size_t baseline_used;     /* modules plain sorting would use */
	size_t baseline_groups;
} bg_match_result;

/*
 * Group the n modules.  Returns 0, BG_EINVAL (series or parallel 0,
 * negative spreads) or BG_ENOMEM.  Release out with
 * bg_match_result_release().
 */
int bg_match(const bg_match_module *mods, size_t n, const bg_match_opts *o,
	     bg_match_result *out, bg_error *err);
void bg_match_result_release(bg_match_result *r);

/* (max - min) / median of n values (0 for n < 2). */
double bg_match_spread(const double *v, size_t n);

#endif
