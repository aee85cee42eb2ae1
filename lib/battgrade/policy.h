/*
 * policy.h - grading policies: versioned JSON data files holding the
 * gates, their rules and thresholds (per chemistry where they differ)
 * and the second-life application profiles.
 *
 * A policy is data, not code: battgrade-policy(5) describes the file.
 * Each rule compares one named piece of evidence (an "input", see
 * grade.h) with a threshold; when the comparison fails the rule caps
 * the grade at its "on_fail" grade.  The SHA-256 of the file's bytes is
 * reported with every grade so that a certificate names exactly the
 * policy it was issued under.
 */
#ifndef BG_POLICY_H
#define BG_POLICY_H

#include <stddef.h>

#include "battgrade/error.h"

/* Grades from worst to best, so that "lowest outcome wins" is a min().
 * R (recycle) ranks below RETEST: a definite reason to recycle beats a
 * request to measure again. */
enum bg_grade {
	BG_GRADE_NONE = -1,   /* "no effect" for on_unknown */
	BG_GRADE_R = 0,
	BG_GRADE_RETEST = 1,
	BG_GRADE_C = 2,
	BG_GRADE_B = 3,
	BG_GRADE_A = 4
};

enum bg_policy_op { BG_OP_GE, BG_OP_GT, BG_OP_LE, BG_OP_LT, BG_OP_EQ };

#define BG_POLICY_MAX_RULES 64
#define BG_POLICY_MAX_PROFILES 16
#define BG_POLICY_ID_MAX 48

/* One comparison: evidence input, operator, threshold. */
typedef struct bg_policy_test {
	char input[BG_POLICY_ID_MAX];  /* evidence name, see grade.h */
	int op;                        /* enum bg_policy_op */
	double threshold;
} bg_policy_test;

#define BG_POLICY_MAX_OR 2

typedef struct bg_policy_rule {
	char id[BG_POLICY_ID_MAX];     /* "soh_capacity.A" */
	char gate[BG_POLICY_ID_MAX];   /* "health" */
	char input[BG_POLICY_ID_MAX];  /* evidence name, see grade.h */
	int op;                        /* enum bg_policy_op */
	double threshold;              /* default for every chemistry */
	size_t nor;                    /* alternatives: the rule also */
	bg_policy_test or_[BG_POLICY_MAX_OR]; /* passes when one passes */
	int has_when;                  /* applies only when this holds */
	bg_policy_test when;
	char unit[16];
	int on_fail;                   /* enum bg_grade cap */
	int on_unknown;                /* cap, or BG_GRADE_NONE: no effect */
	char text[160];                /* why, for --explain; may be "" */
} bg_policy_rule;

typedef struct bg_policy_profile {
	char name[BG_POLICY_ID_MAX];   /* "home-storage" */
	char title[96];
	double cycles_per_day;         /* duty */
	double depth_of_discharge;     /* fraction */
	double c_rate;
	double temperature_c;
	double eol_soh_capacity;       /* end of life for this use */
	double min_p10_years;          /* P10 years needed */
	double max_soh_resistance;     /* SOH_R limit for this use */
	int resistance_required;       /* unknown SOH_R rules it out */
	unsigned grades;               /* bit (1 << grade) per allowed grade */
} bg_policy_profile;

typedef struct bg_policy_override {
	char chemistry[8];
	size_t rule;                   /* index into rules */
	double threshold;
} bg_policy_override;

typedef struct bg_policy {
	char name[64];
	char version[32];
	char description[256];
	char path[512];                /* the file it was read from */
	char sha256_hex[65];           /* of the file's bytes */
	double eol_soh_capacity, eol_soh_resistance;
	double max_service_years;      /* remaining-life horizon (default 20) */
	double parallel_resistance_spread;  /* matching, DOMAIN.md s. 6 */
	double series_capacity_spread;
	size_t nrules;
	bg_policy_rule rules[BG_POLICY_MAX_RULES];
	size_t nprofiles;
	bg_policy_profile profiles[BG_POLICY_MAX_PROFILES];
	size_t noverrides;
	bg_policy_override *overrides; /* owned */
	/* The profile whose duty gives a module's headline RUL figures
	 * ("reference_application"; default home-storage, else the first). */
	int reference_profile;
	/* Impedance measurement rules ("impedance" member). */
	char circuit[128];             /* circuit string or template */
	double kk_max_residual;        /* Lin-KK limit, fraction of |Z| */
	int drop_inductive;
} bg_policy;

/*
 * Parse and validate a policy from text of len bytes; path names it in
 * errors.  A JSON syntax error is reported as path:line:col; a semantic
 * error names the member, e.g. "gates[3].rules[1].op: '=>' is not one
 * of >=, >, <=, <, ==".  Returns 0, BG_ECONFIG or BG_ENOMEM; *out is
 * owned by the caller (bg_policy_free).
 */
int bg_policy_parse(bg_policy **out, const char *text, size_t len,
		    const char *path, bg_error *err);

/*
 * Load a policy by name ("default": models/policies/default.json) or
 * by path (any argument with a '/' or ending in ".json").  Returns 0,
 * BG_ENOENT, BG_EIO or BG_ECONFIG.
 */
int bg_policy_load(bg_policy **out, const char *name_or_path,
		   bg_error *err);

/* Free a policy; NULL is a no-op. */
void bg_policy_free(bg_policy *p);

/*
 * Names of the installed policies (models/policies/\*.json without the
 * suffix), sorted; *out is a NULL-terminated array owned by the caller,
 * freed with bg_policy_names_free.  Returns 0, BG_ENOENT or BG_ENOMEM.
 */
int bg_policy_names(char ***out, size_t *n, bg_error *err);
void bg_policy_names_free(char **names);

/* The threshold of rule i for a chemistry (NULL or "" = default). */
double bg_policy_threshold(const bg_policy *p, size_t i,
			   const char *chemistry);

/* Index of the named profile, or -1. */
int bg_policy_profile_index(const bg_policy *p, const char *name);

/* "A", "B", "C", "R", "RETEST" (static); "none" for BG_GRADE_NONE. */
const char *bg_grade_name(int grade);

/* Parse a grade name; BG_GRADE_NONE when unknown. */
int bg_grade_parse(const char *s);

/* ">=", ">", "<=", "<", "==" (static). */
const char *bg_policy_op_name(int op);

/* Whether value passes op threshold (value must be finite). */
int bg_policy_compare(int op, double value, double threshold);

#endif
