/*
 * policy.c - reading and validating grading policies.
 *
 * The policy is JSON (cJSON).  Validation is strict so that a typo in
 * a threshold cannot silently change grades: unknown members are
 * errors, every number is checked for range, every rule input must be
 * evidence the grader knows, every grade name must exist.  Syntax
 * errors carry line and column; semantic errors carry the member path.
 * The file's SHA-256 (libsodium crypto_hash_sha256) identifies it in
 * every grade and certificate.
 */
#include "config.h"

#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "battgrade/models.h"
#include "battgrade/policy.h"
#include "i18n.h"

#define POLICY_MAX_BYTES (1024 * 1024)

/* Evidence the grader can supply (grade.c maps each to a field); the
 * per-profile inputs "rul_p10_years.<profile>" and
 * "rul_p50_years.<profile>" are checked against the profiles. */
static const char *const known_inputs[] = {
	"history.present", "events.overvoltage", "events.undervoltage",
	"events.overtemperature", "events.undertemp_charge",
	"events.overcurrent", "capacity.measured", "capacity.fit_ok",
	"impedance.kk_valid", "impedance.fit_ok", "soh_capacity",
	"soh_resistance", "knee.past", "knee.onset", NULL
};

static const char *const grade_names[] = { "R", "RETEST", "C", "B", "A" };
static const char *const op_names[] = { ">=", ">", "<=", "<", "==" };

const char *bg_grade_name(int grade)
{
	if (grade < BG_GRADE_R || grade > BG_GRADE_A)
		return "none";
	return grade_names[grade];
}

int bg_grade_parse(const char *s)
{
	int g;

	for (g = BG_GRADE_R; g <= BG_GRADE_A; g++)
		if (!strcmp(s, grade_names[g]))
			return g;
	return BG_GRADE_NONE;
}

const char *bg_policy_op_name(int op)
{
	return op >= 0 && op <= BG_OP_EQ ? op_names[op] : "?";
}

int bg_policy_compare(int op, double value, double threshold)
{
	switch (op) {
	case BG_OP_GE: return value >= threshold;
	case BG_OP_GT: return value > threshold;
	case BG_OP_LE: return value <= threshold;
	case BG_OP_LT: return value < threshold;
	default: return value == threshold;
	}
}

/* ---- error helpers -------------------------------------------------- */

/* A semantic error: "path: member: message". */
static int bad(bg_error *err, const char *path, const char *member,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int bad(bg_error *err, const char *path, const char *member,
	       const char *fmt, ...)
{
	char msg[BG_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return bg_error_set(err, BG_ECONFIG, path, 0, 0, "%s: %s", member,
			    msg);
}

/* Line and column (1-based) of byte offset off in text. */
static void locate(const char *text, size_t off, unsigned long *line,
		   unsigned long *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off && text[i]; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

/* ---- typed member access ------------------------------------------- */

struct ctx {
	const char *path;
	bg_error *err;
	char member[256];
};

static void member(struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void member(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->member, sizeof(c->member), fmt, ap);
	va_end(ap);
}

/* Every member of obj must be one of the names (NULL-terminated). */
static int only(struct ctx *c, const cJSON *obj, const char *where,
		const char *const *names)
{
	const cJSON *m;
	size_t i;

	cJSON_ArrayForEach(m, obj) {
		for (i = 0; names[i] && strcmp(names[i], m->string); i++)
			;
		if (!names[i]) {
			member(c, "%s%s%s", where, *where ? "." : "",
			       m->string);
			return bad(c->err, c->path, c->member,
				   _("unknown member"));
		}
	}
	return 0;
}

static int get_string(struct ctx *c, const cJSON *obj, const char *where,
		      const char *key, int required, char *buf, size_t len)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	member(c, "%s%s%s", where, *where ? "." : "", key);
	if (!v) {
		if (required)
			return bad(c->err, c->path, c->member,
				   _("required member missing"));
		buf[0] = '\0';
		return 0;
	}
	if (!cJSON_IsString(v))
		return bad(c->err, c->path, c->member, _("must be a string"));
	if (strlen(v->valuestring) >= len)
		return bad(c->err, c->path, c->member,
			   _("longer than %zu characters"), len - 1);
	memcpy(buf, v->valuestring, strlen(v->valuestring) + 1);
	return 0;
}

static int get_number(struct ctx *c, const cJSON *obj, const char *where,
		      const char *key, double lo, double hi, double *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	member(c, "%s%s%s", where, *where ? "." : "", key);
	if (!v)
		return bad(c->err, c->path, c->member,
			   _("required member missing"));
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
		return bad(c->err, c->path, c->member, _("must be a number"));
	if (v->valuedouble < lo || v->valuedouble > hi)
		return bad(c->err, c->path, c->member,
			   _("%g is outside [%g, %g]"), v->valuedouble, lo,
			   hi);
	*out = v->valuedouble;
	return 0;
}

static int get_grade(struct ctx *c, const cJSON *obj, const char *where,
		     const char *key, int required, int *out)
{
	char s[16];
	int rc = get_string(c, obj, where, key, required, s, sizeof(s));

	if (rc)
		return rc;
	if (!s[0] && !required) {
		*out = BG_GRADE_NONE;
		return 0;
	}
	*out = bg_grade_parse(s);
	if (*out == BG_GRADE_NONE)
		return bad(c->err, c->path, c->member,
			   _("'%s' is not a grade (A, B, C, R, RETEST)"), s);
	return 0;
}

static const cJSON *get_typed(struct ctx *c, const cJSON *obj,
			      const char *where, const char *key,
			      int want_array)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	member(c, "%s%s%s", where, *where ? "." : "", key);
	if (!v) {
		bad(c->err, c->path, c->member, _("required member missing"));
		return NULL;
	}
	if (want_array ? !cJSON_IsArray(v) : !cJSON_IsObject(v)) {
		bad(c->err, c->path, c->member,
		    want_array ? _("must be an array")
			       : _("must be an object"));
		return NULL;
	}
	return v;
}

/* ---- sections ------------------------------------------------------- */

static int input_known(const bg_policy *p, const char *in)
{
	size_t i;

	for (i = 0; known_inputs[i]; i++)
		if (!strcmp(in, known_inputs[i]))
			return 1;
	if (!strncmp(in, "rul_p10_years.", 14))
		return bg_policy_profile_index(p, in + 14) >= 0;
	if (!strncmp(in, "rul_p50_years.", 14))
		return bg_policy_profile_index(p, in + 14) >= 0;
	return 0;
}

static int parse_op(struct ctx *c, const cJSON *r, const char *where,
		    int *out)
{
	char s[8];
	int rc = get_string(c, r, where, "op", 1, s, sizeof(s));

	if (rc)
		return rc;
	for (*out = 0; *out <= BG_OP_EQ; (*out)++)
		if (!strcmp(s, op_names[*out]))
			return 0;
	return bad(c->err, c->path, c->member,
		   _("'%s' is not one of >=, >, <=, <, =="), s);
}

static const char *const rule_members[] = {
	"id", "input", "op", "threshold", "unit", "on_fail", "on_unknown",
	"text", "or", "when", NULL
};

/* A {input, op, threshold} object: the "when" condition or one of the
 * "or" alternatives of a rule. */
static int parse_test(struct ctx *c, const bg_policy *p, const cJSON *t,
		      const char *where, bg_policy_test *out)
{
	static const char *const names[] = { "input", "op", "threshold",
					     NULL };
	int rc;

	if (!cJSON_IsObject(t))
		return bad(c->err, c->path, where, _("must be an object"));
	if ((rc = only(c, t, where, names)) ||
	    (rc = get_string(c, t, where, "input", 1, out->input,
			     sizeof(out->input))))
		return rc;
	if (!input_known(p, out->input))
		return bad(c->err, c->path, c->member,
			   _("'%s' is not evidence the grader knows"),
			   out->input);
	if ((rc = parse_op(c, t, where, &out->op)))
		return rc;
	return get_number(c, t, where, "threshold", -1e9, 1e9,
			  &out->threshold);
}

static int parse_rule_extras(struct ctx *c, const bg_policy *p,
			     const cJSON *r, const char *where,
			     bg_policy_rule *ru)
{
	const cJSON *w = cJSON_GetObjectItemCaseSensitive(r, "when");
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(r, "or"), *t;
	char sub[160];
	int rc;

	if (w) {
		snprintf(sub, sizeof(sub), "%s.when", where);
		if ((rc = parse_test(c, p, w, sub, &ru->when)))
			return rc;
		ru->has_when = 1;
	}
	if (!o)
		return 0;
	snprintf(sub, sizeof(sub), "%s.or", where);
	if (!cJSON_IsArray(o) || cJSON_GetArraySize(o) > BG_POLICY_MAX_OR)
		return bad(c->err, c->path, sub,
			   _("must be an array of at most %d tests"),
			   BG_POLICY_MAX_OR);
	cJSON_ArrayForEach(t, o) {
		snprintf(sub, sizeof(sub), "%s.or[%zu]", where, ru->nor);
		if ((rc = parse_test(c, p, t, sub, &ru->or_[ru->nor])))
			return rc;
		ru->nor++;
	}
	return 0;
}

static int parse_rule(struct ctx *c, bg_policy *p, const cJSON *r,
		      const char *where, const char *gate)
{
	bg_policy_rule *ru = &p->rules[p->nrules];
	size_t i;
	int rc;

	if (!cJSON_IsObject(r))
		return bad(c->err, c->path, where, _("must be an object"));
	memset(ru, 0, sizeof(*ru));
	snprintf(ru->gate, sizeof(ru->gate), "%s", gate);
	if ((rc = only(c, r, where, rule_members)) ||
	    (rc = get_string(c, r, where, "id", 1, ru->id,
			     sizeof(ru->id))) ||
	    (rc = get_string(c, r, where, "input", 1, ru->input,
			     sizeof(ru->input))))
		return rc;
	if (!input_known(p, ru->input))
		return bad(c->err, c->path, c->member,
			   _("'%s' is not evidence the grader knows"),
			   ru->input);
	if ((rc = parse_op(c, r, where, &ru->op)) ||
	    (rc = get_number(c, r, where, "threshold", -1e9, 1e9,
			     &ru->threshold)) ||
	    (rc = get_string(c, r, where, "unit", 0, ru->unit,
			     sizeof(ru->unit))) ||
	    (rc = get_grade(c, r, where, "on_fail", 1, &ru->on_fail)) ||
	    (rc = get_grade(c, r, where, "on_unknown", 0, &ru->on_unknown)) ||
	    (rc = get_string(c, r, where, "text", 0, ru->text,
			     sizeof(ru->text))) ||
	    (rc = parse_rule_extras(c, p, r, where, ru)))
		return rc;
	for (i = 0; i < p->nrules; i++)
		if (!strcmp(p->rules[i].id, ru->id)) {
			member(c, "%s.id", where);
			return bad(c->err, c->path, c->member,
				   _("rule '%s' defined twice"), ru->id);
		}
	p->nrules++;
	return 0;
}

static int parse_gate(struct ctx *c, bg_policy *p, const cJSON *g,
		      size_t gi)
{
	static const char *const names[] = { "id", "title", "rules", NULL };
	char where[64], rwhere[96], id[BG_POLICY_ID_MAX], title[160];
	const cJSON *rules, *r;
	size_t ri = 0;
	int rc;

	snprintf(where, sizeof(where), "gates[%zu]", gi);
	if (!cJSON_IsObject(g))
		return bad(c->err, c->path, where, _("must be an object"));
	if ((rc = only(c, g, where, names)) ||
	    (rc = get_string(c, g, where, "id", 1, id, sizeof(id))) ||
	    (rc = get_string(c, g, where, "title", 0, title, sizeof(title))))
		return rc;
	if (!(rules = get_typed(c, g, where, "rules", 1)))
		return c->err ? c->err->code : BG_ECONFIG;
	cJSON_ArrayForEach(r, rules) {
		snprintf(rwhere, sizeof(rwhere), "%s.rules[%zu]", where, ri++);
		if (p->nrules == BG_POLICY_MAX_RULES)
			return bad(c->err, c->path, rwhere,
				   _("more than %d rules"),
				   BG_POLICY_MAX_RULES);
		if ((rc = parse_rule(c, p, r, rwhere, id)))
			return rc;
	}
	return 0;
}

static int parse_duty(struct ctx *c, bg_policy_profile *pr, const cJSON *a,
		      const char *where)
{
	static const char *const names[] = {
		"cycles_per_day", "depth_of_discharge", "c_rate",
		"temperature_c", NULL
	};
	char dw[96];
	const cJSON *d = get_typed(c, a, where, "duty", 0);
	int rc;

	if (!d)
		return BG_ECONFIG;
	snprintf(dw, sizeof(dw), "%s.duty", where);
	if ((rc = only(c, d, dw, names)) ||
	    (rc = get_number(c, d, dw, "cycles_per_day", 1e-6, 100,
			     &pr->cycles_per_day)) ||
	    (rc = get_number(c, d, dw, "depth_of_discharge", 1e-3, 1,
			     &pr->depth_of_discharge)) ||
	    (rc = get_number(c, d, dw, "c_rate", 1e-3, 20, &pr->c_rate)))
		return rc;
	return get_number(c, d, dw, "temperature_c", -40, 80,
			  &pr->temperature_c);
}

static int parse_profile_grades(struct ctx *c, bg_policy_profile *pr,
				const cJSON *a, const char *where)
{
	const cJSON *gs = get_typed(c, a, where, "grades", 1), *g;
	int k;

	if (!gs)
		return BG_ECONFIG;
	pr->grades = 0;
	cJSON_ArrayForEach(g, gs) {
		k = cJSON_IsString(g) ? bg_grade_parse(g->valuestring)
				      : BG_GRADE_NONE;
		if (k < BG_GRADE_C)
			return bad(c->err, c->path, c->member,
				   _("only grades A, B and C can suit an "
				     "application"));
		pr->grades |= 1u << k;
	}
	if (!pr->grades)
		return bad(c->err, c->path, c->member, _("must not be empty"));
	return 0;
}

static int parse_profile(struct ctx *c, bg_policy *p, const cJSON *a,
			 size_t ai)
{
	static const char *const names[] = {
		"name", "title", "duty", "grades", "end_of_life_soh_capacity",
		"min_p10_years", "max_soh_resistance", "resistance_required",
		NULL
	};
	bg_policy_profile *pr = &p->profiles[p->nprofiles];
	const cJSON *rr;
	char where[64];
	int rc;

	snprintf(where, sizeof(where), "applications[%zu]", ai);
	if (!cJSON_IsObject(a))
		return bad(c->err, c->path, where, _("must be an object"));
	if (p->nprofiles == BG_POLICY_MAX_PROFILES)
		return bad(c->err, c->path, where, _("more than %d profiles"),
			   BG_POLICY_MAX_PROFILES);
	memset(pr, 0, sizeof(*pr));
	if ((rc = only(c, a, where, names)) ||
	    (rc = get_string(c, a, where, "name", 1, pr->name,
			     sizeof(pr->name))) ||
	    (rc = get_string(c, a, where, "title", 0, pr->title,
			     sizeof(pr->title))) ||
	    (rc = parse_duty(c, pr, a, where)) ||
	    (rc = parse_profile_grades(c, pr, a, where)) ||
	    (rc = get_number(c, a, where, "end_of_life_soh_capacity", 0.05, 1,
			     &pr->eol_soh_capacity)) ||
	    (rc = get_number(c, a, where, "min_p10_years", 0, 100,
			     &pr->min_p10_years)) ||
	    (rc = get_number(c, a, where, "max_soh_resistance", 1, 100,
			     &pr->max_soh_resistance)))
		return rc;
	rr = cJSON_GetObjectItemCaseSensitive(a, "resistance_required");
	member(c, "%s.resistance_required", where);
	if (rr && !cJSON_IsBool(rr))
		return bad(c->err, c->path, c->member, _("must be true or false"));
	pr->resistance_required = rr && cJSON_IsTrue(rr);
	if (bg_policy_profile_index(p, pr->name) >= 0) {
		member(c, "%s.name", where);
		return bad(c->err, c->path, c->member,
			   _("application '%s' defined twice"), pr->name);
	}
	p->nprofiles++;
	return 0;
}

static int rule_index(const bg_policy *p, const char *id)
{
	size_t i;

	for (i = 0; i < p->nrules; i++)
		if (!strcmp(p->rules[i].id, id))
			return (int)i;
	return -1;
}

static int parse_chemistry(struct ctx *c, bg_policy *p, const cJSON *chem)
{
	static const char *const chems[] = { "NMC", "NCA", "LFP", "LMO",
					     "LTO", NULL };
	const cJSON *ch, *o;
	size_t n = 0, k;
	int ri;

	cJSON_ArrayForEach(ch, chem)
		n += (size_t)cJSON_GetArraySize(ch);
	if (n && !(p->overrides = calloc(n, sizeof(*p->overrides))))
		return bg_error_set(c->err, BG_ENOMEM, c->path, 0, 0, "oom");
	if (only(c, chem, "chemistry", chems))
		return BG_ECONFIG;
	cJSON_ArrayForEach(ch, chem) {
		member(c, "chemistry.%s", ch->string);
		if (!cJSON_IsObject(ch))
			return bad(c->err, c->path, c->member,
				   _("must be an object"));
		cJSON_ArrayForEach(o, ch) {
			member(c, "chemistry.%s.%s", ch->string, o->string);
			if ((ri = rule_index(p, o->string)) < 0)
				return bad(c->err, c->path, c->member,
					   _("no rule '%s'"), o->string);
			if (!cJSON_IsNumber(o) || !isfinite(o->valuedouble))
				return bad(c->err, c->path, c->member,
					   _("must be a number"));
			k = p->noverrides++;
			snprintf(p->overrides[k].chemistry,
				 sizeof(p->overrides[k].chemistry), "%s",
				 ch->string);
			p->overrides[k].rule = (size_t)ri;
			p->overrides[k].threshold = o->valuedouble;
		}
	}
	return 0;
}

static int parse_reference(struct ctx *c, bg_policy *p, const cJSON *root)
{
	char name[BG_POLICY_ID_MAX];
	int rc;

	if ((rc = get_string(c, root, "", "reference_application", 0, name,
			     sizeof(name))))
		return rc;
	if (!name[0]) {
		p->reference_profile = bg_policy_profile_index(p,
							       "home-storage");
		if (p->reference_profile < 0)
			p->reference_profile = p->nprofiles ? 0 : -1;
		return 0;
	}
	p->reference_profile = bg_policy_profile_index(p, name);
	if (p->reference_profile < 0)
		return bad(c->err, c->path, c->member,
			   _("no application '%s'"), name);
	return 0;
}

/* Defaults: two-arc circuit, 2 % Lin-KK limit (Schoenleber 2014;
 * DOMAIN.md gate 2), inductive points kept. */
static int parse_impedance(struct ctx *c, bg_policy *p, const cJSON *root)
{
	static const char *const names[] = { "circuit", "kk_max_residual",
					     "drop_inductive", NULL };
	const cJSON *z = cJSON_GetObjectItemCaseSensitive(root, "impedance");
	const cJSON *d;
	int rc;

	snprintf(p->circuit, sizeof(p->circuit), "two-arc");
	p->kk_max_residual = 0.02;
	p->drop_inductive = 0;
	if (!z)
		return 0;
	if (!cJSON_IsObject(z))
		return bad(c->err, c->path, "impedance", _("must be an object"));
	if ((rc = only(c, z, "impedance", names)) ||
	    (rc = get_string(c, z, "impedance", "circuit", 1, p->circuit,
			     sizeof(p->circuit))) ||
	    (rc = get_number(c, z, "impedance", "kk_max_residual", 1e-4, 1,
			     &p->kk_max_residual)))
		return rc;
	d = cJSON_GetObjectItemCaseSensitive(z, "drop_inductive");
	if (d && !cJSON_IsBool(d))
		return bad(c->err, c->path, "impedance.drop_inductive",
			   _("must be true or false"));
	p->drop_inductive = d && cJSON_IsTrue(d);
	return 0;
}

static int parse_top(struct ctx *c, bg_policy *p, const cJSON *root)
{
	static const char *const names[] = {
		"name", "version", "description", "end_of_life", "matching",
		"gates", "chemistry", "applications", "reference_application",
		"impedance", NULL
	};
	static const char *const eol_names[] = { "soh_capacity",
						 "soh_resistance",
						 "max_service_years", NULL };
	static const char *const match_names[] = {
		"parallel_resistance_spread", "series_capacity_spread", NULL
	};
	const cJSON *eol, *match, *apps, *gates, *chem, *x;
	size_t i = 0;
	int rc;

	if (!cJSON_IsObject(root))
		return bad(c->err, c->path, "(top)", _("must be an object"));
	if ((rc = only(c, root, "", names)) ||
	    (rc = get_string(c, root, "", "name", 1, p->name,
			     sizeof(p->name))) ||
	    (rc = get_string(c, root, "", "version", 1, p->version,
			     sizeof(p->version))) ||
	    (rc = get_string(c, root, "", "description", 0, p->description,
			     sizeof(p->description))))
		return rc;
	if (!(eol = get_typed(c, root, "", "end_of_life", 0)) ||
	    (rc = only(c, eol, "end_of_life", eol_names)) ||
	    (rc = get_number(c, eol, "end_of_life", "soh_capacity", 0.05, 1,
			     &p->eol_soh_capacity)) ||
	    (rc = get_number(c, eol, "end_of_life", "soh_resistance", 1, 100,
			     &p->eol_soh_resistance)))
		return rc ? rc : BG_ECONFIG;
	/* optional: the longest second life any prediction may claim */
	p->max_service_years = 20;
	if (cJSON_GetObjectItemCaseSensitive(eol, "max_service_years") &&
	    (rc = get_number(c, eol, "end_of_life", "max_service_years", 1,
			     100, &p->max_service_years)))
		return rc;
	if (!(match = get_typed(c, root, "", "matching", 0)) ||
	    (rc = only(c, match, "matching", match_names)) ||
	    (rc = get_number(c, match, "matching",
			     "parallel_resistance_spread", 0, 1,
			     &p->parallel_resistance_spread)) ||
	    (rc = get_number(c, match, "matching", "series_capacity_spread",
			     0, 1, &p->series_capacity_spread)))
		return rc ? rc : BG_ECONFIG;
	/* Profiles first: rules may name them in their inputs. */
	if (!(apps = get_typed(c, root, "", "applications", 1)))
		return BG_ECONFIG;
	cJSON_ArrayForEach(x, apps)
		if ((rc = parse_profile(c, p, x, i++)))
			return rc;
	if (!(gates = get_typed(c, root, "", "gates", 1)))
		return BG_ECONFIG;
	i = 0;
	cJSON_ArrayForEach(x, gates)
		if ((rc = parse_gate(c, p, x, i++)))
			return rc;
	if (!p->nrules)
		return bad(c->err, c->path, "gates", _("no rules"));
	if ((rc = parse_reference(c, p, root)) ||
	    (rc = parse_impedance(c, p, root)))
		return rc;
	chem = cJSON_GetObjectItemCaseSensitive(root, "chemistry");
	if (chem && !cJSON_IsObject(chem))
		return bad(c->err, c->path, "chemistry", _("must be an object"));
	return chem ? parse_chemistry(c, p, chem) : 0;
}

/* ---- public --------------------------------------------------------- */

static void sha256_hex(char *hex, const char *text, size_t len)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	size_t i;

	crypto_hash_sha256(h, (const unsigned char *)text, len);
	for (i = 0; i < sizeof(h); i++)
		snprintf(hex + 2 * i, 3, "%02x", h[i]);
}

/* Only white space may follow the JSON value. */
static int trailing_space_only(const char *p, const char *end)
{
	for (; p && p < end; p++)
		if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			return 0;
	return 1;
}

int bg_policy_parse(bg_policy **out, const char *text, size_t len,
		    const char *path, bg_error *err)
{
	struct ctx c = { path, err, "" };
	const char *end = NULL;
	unsigned long line, col;
	bg_policy *p;
	cJSON *root;
	int rc;

	*out = NULL;
	root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	if (root && !trailing_space_only(end, text + len)) {
		cJSON_Delete(root);
		root = NULL;
	}
	if (!root) {
		if (!end)
			return bg_error_set(err, BG_ENOMEM, path, 0, 0, "oom");
		locate(text, (size_t)(end - text), &line, &col);
		return bg_error_set(err, BG_ECONFIG, path, line, col,
				    _("JSON syntax error"));
	}
	if (!(p = calloc(1, sizeof(*p)))) {
		cJSON_Delete(root);
		return bg_error_set(err, BG_ENOMEM, path, 0, 0, "oom");
	}
	snprintf(p->path, sizeof(p->path), "%s", path);
	sha256_hex(p->sha256_hex, text, len);
	rc = parse_top(&c, p, root);
	cJSON_Delete(root);
	if (rc) {
		bg_policy_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

static int is_path(const char *s)
{
	size_t n = strlen(s);

	return strchr(s, '/') || (n > 5 && !strcmp(s + n - 5, ".json"));
}

int bg_policy_load(bg_policy **out, const char *name_or_path,
		   bg_error *err)
{
	char path[1024], file[128];
	size_t len;
	char *text;
	int rc;

	*out = NULL;
	if (is_path(name_or_path)) {
		if (strlen(name_or_path) >= sizeof(path))
			return bg_error_set(err, BG_EINVAL, NULL, 0, 0,
					    _("policy path too long"));
		memcpy(path, name_or_path, strlen(name_or_path) + 1);
	} else {
		snprintf(file, sizeof(file), "%s.json", name_or_path);
		if ((rc = bg_models_path(path, sizeof(path), "policies",
					 file, err)))
			return rc;
	}
	if ((rc = bg_read_file(&text, &len, path, POLICY_MAX_BYTES, err))) {
		if (rc == BG_ENOENT && !is_path(name_or_path))
			bg_error_set(err, BG_ENOENT, NULL, 0, 0,
				     _("no policy named '%s' (see 'battgrade "
				       "policy list')"), name_or_path);
		return rc;
	}
	rc = bg_policy_parse(out, text, len, path, err);
	free(text);
	return rc;
}

void bg_policy_free(bg_policy *p)
{
	if (!p)
		return;
	free(p->overrides);
	free(p);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int bg_policy_names(char ***out, size_t *n, bg_error *err)
{
	char dir[1024], **names = NULL, **grown;
	struct dirent *de;
	size_t k = 0, len;
	DIR *d;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = bg_models_path(dir, sizeof(dir), NULL, "policies", err)))
		return rc;
	if (!(d = opendir(dir)))
		return bg_error_set(err, BG_ENOENT, dir, 0, 0,
				    _("cannot open policy directory"));
	while ((de = readdir(d))) {
		len = strlen(de->d_name);
		if (len <= 5 || strcmp(de->d_name + len - 5, ".json"))
			continue;
		grown = realloc(names, (k + 2) * sizeof(*names));
		if (!grown)
			goto oom;
		names = grown;
		names[k + 1] = NULL;
		if (!(names[k] = strndup(de->d_name, len - 5)))
			goto oom;
		k++;
	}
	closedir(d);
	if (names)
		qsort(names, k, sizeof(*names), cmp_str);
	*out = names;
	*n = k;
	return 0;
oom:
	closedir(d);
	bg_policy_names_free(names);
	return bg_error_set(err, BG_ENOMEM, NULL, 0, 0, "oom");
}

void bg_policy_names_free(char **names)
{
	size_t i;

	if (!names)
		return;
	for (i = 0; names[i]; i++)
		free(names[i]);
	free(names);
}

double bg_policy_threshold(const bg_policy *p, size_t i,
			   const char *chemistry)
{
	size_t k;

	if (chemistry && *chemistry)
		for (k = 0; k < p->noverrides; k++)
			if (p->overrides[k].rule == i &&
			    !strcmp(p->overrides[k].chemistry, chemistry))
				return p->overrides[k].threshold;
	return p->rules[i].threshold;
}

int bg_policy_profile_index(const bg_policy *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->nprofiles; i++)
		if (!strcmp(p->profiles[i].name, name))
			return (int)i;
	return -1;
}
