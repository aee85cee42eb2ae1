/*
 * circuit.c - parse impedance.py circuit strings and evaluate them with
 * their analytic Jacobian.
 *
 * The grammar (impedance.py, impedance/models/circuits/fitting.py):
 *	circuit := term ('-' term)*
 *	term    := 'p' '(' circuit (',' circuit)+ ')' | element
 *	element := type digits        type = R C L CPE W Wo Ws
 * The parser compiles the string into a short postfix program so that
 * evaluation, which the fitter runs a few thousand times per fit, is a
 * loop over a flat array with a small stack and no recursion.
 */
#include "config.h"

#include <complex.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "battgrade/circuit.h"
#include "battgrade/models.h"
#include "circuit-int.h"
#include "i18n.h"

#include <cjson/cJSON.h>

#define MAX_DEPTH 8

static const struct {
	const char *name;
	int type;
	int nparams;
} el_types[] = {
	{ "R", EL_R, 1 }, { "C", EL_C, 1 }, { "L", EL_L, 1 },
	{ "CPE", EL_CPE, 2 }, { "W", EL_W, 1 }, { "Wo", EL_WO, 2 },
	{ "Ws", EL_WS, 2 },
};

struct parser {
	const char *s;          /* input with spaces */
	size_t pos;
	int arc;                /* current top-level group, or -1 */
	int depth;
	bg_circuit *c;
	bg_error *err;
};

static void skip_space(struct parser *p)
{
	while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t')
		p->pos++;
}

static int fail(struct parser *p, const char *what)
{
	char c = p->s[p->pos];

	if (c == '\0')
		return bg_error_set(p->err, BG_EDATA, "circuit", 1,
				    p->pos + 1, _("%s, found end of string"),
				    what);
	return bg_error_set(p->err, BG_EDATA, "circuit", 1, p->pos + 1,
			    _("%s, found '%c'"), what,
			    isprint((unsigned char)c) ? c : '?');
}

static int emit(struct parser *p, int code, size_t arg)
{
	bg_circuit *c = p->c;

	if (c->nops >= CIRC_MAX_OPS || arg > 255)
		return fail(p, _("circuit too large"));
	c->ops[c->nops].code = (unsigned char)code;
	c->ops[c->nops].arg = (unsigned char)arg;
	c->nops++;
	return 0;
}

static int find_type(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof el_types / sizeof el_types[0]; i++)
		if (strlen(el_types[i].name) == len &&
		    !memcmp(el_types[i].name, name, len))
			return (int)i;
	return -1;
}

static int name_taken(const bg_circuit *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nelems; i++)
		if (!strcmp(c->elems[i].name, name))
			return 1;
	return 0;
}

static void add_params(bg_circuit *c, const struct circ_elem *e, int np)
{
	char name[sizeof e->name];
	int k;

	memcpy(name, e->name, sizeof name);
	for (k = 0; k < np; k++) {
		size_t i = c->nparams++;

		if (np == 1)
			snprintf(c->pname[i], sizeof c->pname[i], "%s",
				 name);
		else
			snprintf(c->pname[i], sizeof c->pname[i], "%s_%d",
				 name, k);
		c->pkind[i] = e->type == EL_CPE && k == 1 ? BG_PARAM_FRACTION
							  : BG_PARAM_POSITIVE;
	}
}

static int parse_element(struct parser *p, int in_branch)
{
	bg_circuit *c = p->c;
	size_t start = p->pos, ltype, len;
	struct circ_elem *e;
	int t;

	while (isalpha((unsigned char)p->s[p->pos]))
		p->pos++;
	ltype = p->pos - start;
	if (ltype == 0)
		return fail(p, _("expected an element or p("));
	t = find_type(p->s + start, ltype);
	if (t < 0) {
		p->pos = start;
		return fail(p, _("unknown element type (R, C, L, CPE, W, Wo, "
				 "Ws)"));
	}
	if (!isdigit((unsigned char)p->s[p->pos]))
		return fail(p, _("expected a digit after the element type"));
	while (isdigit((unsigned char)p->s[p->pos]))
		p->pos++;
	len = p->pos - start;
	if (len >= sizeof c->elems[0].name) {
		p->pos = start;
		return fail(p, _("element name too long"));
	}
	if (c->nelems >= BG_CIRCUIT_MAX_PARAMS ||
	    c->nparams + (size_t)el_types[t].nparams > BG_CIRCUIT_MAX_PARAMS) {
		p->pos = start;
		return fail(p, _("more than 16 parameters"));
	}
	e = &c->elems[c->nelems];
	memcpy(e->name, p->s + start, len);
	e->name[len] = '\0';
	if (name_taken(c, e->name)) {
		p->pos = start;
		return fail(p, _("element name used twice"));
	}
	e->type = el_types[t].type;
	e->first = (int)c->nparams;
	e->arc = p->arc;
	e->in_branch = in_branch;
	add_params(c, e, el_types[t].nparams);
	return emit(p, OP_ELEM, c->nelems++);
}

static int parse_series(struct parser *p, int in_group);

static int parse_parallel(struct parser *p)
{
	size_t n = 0;
	int rc, top = p->depth == 1 && p->arc < 0;

	if (++p->depth > MAX_DEPTH)
		return fail(p, _("parallel groups nested too deeply"));
	if (top)
		p->arc = (int)p->c->narcs++;
	p->pos += 2;    /* "p(" */
	for (;;) {
		if ((rc = parse_series(p, 1)) < 0)
			return rc;
		n++;
		skip_space(p);
		if (p->s[p->pos] == ')')
			break;
		if (p->s[p->pos] != ',')
			return fail(p, _("expected ',' or ')'"));
		p->pos++;
	}
	if (n < 2)
		return fail(p, _("a parallel group needs two branches"));
	p->pos++;
	if (top)
		p->arc = -1;
	p->depth--;
	return emit(p, OP_PARALLEL, n);
}

static int parse_term(struct parser *p, int in_branch)
{
	size_t q;

	skip_space(p);
	if (p->s[p->pos] != 'p')
		return parse_element(p, in_branch);
	q = p->pos + 1;
	while (p->s[q] == ' ' || p->s[q] == '\t')
		q++;
	if (p->s[q] == '(') {
		p->pos = q - 1;
		return parse_parallel(p);
	}
	return parse_element(p, in_branch);
}

/* A chain of terms joined by '-'; in_group: inside p(...). */
static int parse_series(struct parser *p, int in_group)
{
	size_t n = 0, save = p->pos, q;
	int rc, branch = 0;

	/* Look ahead: is this branch of a group a series of terms?  Then
	 * its elements are "in a branch" (e.g. R1-Wo1 in p(R1-Wo1,C1)). */
	if (in_group) {
		int lvl = 0;

		for (q = p->pos; p->s[q]; q++) {
			if (p->s[q] == '(')
				lvl++;
			else if (p->s[q] == ')' && lvl-- == 0)
				break;
			else if (p->s[q] == ',' && lvl == 0)
				break;
			else if (p->s[q] == '-' && lvl == 0)
				branch = 1;
		}
	}
	p->pos = save;
	for (;;) {
		if ((rc = parse_term(p, branch)) < 0)
			return rc;
		n++;
		skip_space(p);
		if (p->s[p->pos] != '-')
			break;
		p->pos++;
	}
	return n > 1 ? emit(p, OP_SERIES, n) : 0;
}

static void canonical(bg_circuit *c, const char *s)
{
	size_t i, j = 0;

	for (i = 0; s[i] && j < BG_CIRCUIT_MAX_LEN; i++)
		if (s[i] != ' ' && s[i] != '\t')
			c->text[j++] = s[i];
	c->text[j] = '\0';
}

int bg_circuit_parse(bg_circuit **out, const char *s, bg_error *err)
{
	struct parser p = { s, 0, -1, 1, NULL, err };
	int rc;

	*out = NULL;
	if (strlen(s) > BG_CIRCUIT_MAX_LEN)
		return bg_error_set(err, BG_EDATA, "circuit", 1,
				    BG_CIRCUIT_MAX_LEN + 1,
				    _("circuit longer than %d characters"),
				    BG_CIRCUIT_MAX_LEN);
	p.c = calloc(1, sizeof *p.c);
	if (!p.c)
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
				    _("out of memory"));
	rc = parse_series(&p, 0);
	if (rc == 0 && (skip_space(&p), p.s[p.pos] != '\0'))
		rc = fail(&p, _("expected '-' or end of circuit"));
	if (rc < 0) {
		free(p.c);
		return rc;
	}
	canonical(p.c, s);
	*out = p.c;
	return 0;
}

void bg_circuit_free(bg_circuit *c)
{
	free(c);
}

size_t bg_circuit_nparams(const bg_circuit *c)
{
	return c->nparams;
}

const char *bg_circuit_param_name(const bg_circuit *c, size_t i)
{
	return i < c->nparams ? c->pname[i] : NULL;
}

int bg_circuit_param_kind(const bg_circuit *c, size_t i)
{
	return i < c->nparams ? c->pkind[i] : BG_PARAM_POSITIVE;
}

int bg_circuit_to_string(const bg_circuit *c, char *buf, size_t len,
			 bg_error *err)
{
	if (strlen(c->text) >= len)
		return bg_error_set(err, BG_EINVAL, NULL, 0, 0,
				    _("buffer too small for the circuit"));
	memcpy(buf, c->text, strlen(c->text) + 1);
	return 0;
}

/* ---- evaluation ------------------------------------------------------ */

/*
 * Plain complex arithmetic on a two-double struct: C99 complex
 * multiplication and division call __muldc3/__divdc3 for Annex G's
 * infinity rules, which made them the most expensive part of a fit.
 */
struct cx {
	double r, i;
};

static inline struct cx cx_mul(struct cx a, struct cx b)
{
	struct cx z = { a.r * b.r - a.i * b.i, a.r * b.i + a.i * b.r };

	return z;
}

static inline struct cx cx_inv(struct cx b)
{
	double d = 1 / (b.r * b.r + b.i * b.i);
	struct cx z = { b.r * d, -b.i * d };

	return z;
}

static inline struct cx cx_scale(struct cx a, double s)
{
	struct cx z = { a.r * s, a.i * s };

	return z;
}

static struct cx from_c(double complex z)
{
	struct cx r = { creal(z), cimag(z) };

	return r;
}

void circ_point(struct circ_pt *pt, double w)
{
	pt->w = w;
	pt->lw = log(w);
	pt->isw = 1 / sqrt(w);
}

void circ_prepare(const bg_circuit *c, const double *th,
		  struct circ_prep *prep)
{
	size_t e;

	for (e = 0; e < c->nelems; e++) {
		const struct circ_elem *el = &c->elems[e];

		if (el->type == EL_CPE) {
			double a = th[el->first + 1];

			prep->k[e][0] = cos(-a * M_PI / 2) / th[el->first];
			prep->k[e][1] = sin(-a * M_PI / 2) / th[el->first];
		}
	}
}

/* Finite-length Warburg, complex.h is fine here (rarely on the hot
 * path).  d/dx[coth(x)/x] = -(csch^2 x)/x - coth(x)/x^2 with
 * x = sqrt(jw tau), dx/dtau = x/(2 tau), csch^2 = coth^2 - 1 (likewise
 * tanh/sech^2 for the short-circuit form). */
static struct cx warburg_fl(int open, const double *p, double w,
			    struct cx *d)
{
	double complex x = csqrt(I * w * p[1]), t, z;

	if (open) {
		t = 1.0 / ctanh(x);
		z = p[0] * t / x;
		d[1] = from_c(-p[0] / (2 * p[1]) * ((t * t - 1) + t / x));
	} else {
		t = ctanh(x);
		z = p[0] * t / x;
		d[1] = from_c(p[0] / (2 * p[1]) * ((1 - t * t) - t / x));
	}
	d[0] = from_c(t / x);
	return from_c(z);
}

/* One element: Z and dZ/dtheta of its own parameters (impedance.py
 * elements.py). */
static struct cx element(const struct circ_elem *e, const double *th,
			 const double *k, const struct circ_pt *pt,
			 struct cx *d)
{
	const double *p = th + e->first;
	double m, w = pt->w, lw = pt->lw;
	struct cx z;

	switch (e->type) {
	case EL_R:
		d[0].r = 1;
		d[0].i = 0;
		z.r = p[0];
		z.i = 0;
		return z;
	case EL_C:              /* 1/(jwC) = -j/(wC) */
		z.r = 0;
		z.i = -1 / (w * p[0]);
		d[0] = cx_scale(z, -1 / p[0]);
		return z;
	case EL_L:
		d[0].r = 0;
		d[0].i = w;
		z.r = 0;
		z.i = w * p[0];
		return z;
	case EL_CPE:            /* Q^-1 w^-a e^(-j a pi/2) */
		m = exp(-p[1] * lw);
		z.r = k[0] * m;
		z.i = k[1] * m;
		d[0] = cx_scale(z, -1 / p[0]);
		d[1].r = -(z.r * lw - z.i * M_PI / 2);
		d[1].i = -(z.i * lw + z.r * M_PI / 2);
		return z;
	case EL_W:              /* Aw (1 - j)/sqrt(w) */
		m = pt->isw;
		d[0].r = m;
		d[0].i = -m;
		return cx_scale(d[0], p[0]);
	default:
		return warburg_fl(e->type == EL_WO, p, w, d);
	}
}

struct slot {
	struct cx z;
	unsigned char e0, e1;   /* elements [e0, e1) beneath this node */
};

/*
 * The chain rule through the tree: in series dZ/dZ_i = 1, in parallel
 * dZ/dZ_i = (Z/Z_i)^2.  g[e] accumulates the product of these factors
 * over the ancestors of element e; the elements beneath a node are a
 * contiguous range because elements are numbered in postfix order.
 */
static void combine_parallel(struct slot *s, size_t n, struct cx *g,
			     int jac)
{
	struct cx y = { 0, 0 }, z, f, inv[BG_CIRCUIT_MAX_PARAMS];
	size_t i, e;

	for (i = 0; i < n; i++) {
		inv[i] = cx_inv(s[i].z);
		y.r += inv[i].r;
		y.i += inv[i].i;
	}
	z = cx_inv(y);
	for (i = 0; jac && i < n; i++) {
		f = cx_mul(z, inv[i]);
		f = cx_mul(f, f);
		for (e = s[i].e0; e < s[i].e1; e++)
			g[e] = cx_mul(g[e], f);
	}
	s[0].z = z;
	s[0].e1 = s[n - 1].e1;
}

void circ_eval_point(const bg_circuit *c, const double *th,
		     const struct circ_prep *prep, const struct circ_pt *pt,
		     double *z_re, double *z_im, double *dz)
{
	struct slot st[BG_CIRCUIT_MAX_PARAMS + 1];
	struct cx g[BG_CIRCUIT_MAX_PARAMS], de[BG_CIRCUIT_MAX_PARAMS][2];
	size_t i, j, sp = 0;
	int jac = dz != NULL;

	for (i = 0; i < c->nops; i++) {
		const struct circ_op *op = &c->ops[i];
		struct slot *s;

		if (op->code == OP_ELEM) {
			s = &st[sp++];
			s->z = element(&c->elems[op->arg], th,
				       prep->k[op->arg], pt, de[op->arg]);
			s->e0 = op->arg;
			s->e1 = op->arg + 1;
			g[op->arg].r = 1;
			g[op->arg].i = 0;
			continue;
		}
		sp -= op->arg;
		s = &st[sp++];
		if (op->code == OP_PARALLEL) {
			combine_parallel(s, op->arg, g, jac);
			continue;
		}
		for (j = 1; j < op->arg; j++) {
			s->z.r += s[j].z.r;
			s->z.i += s[j].z.i;
		}
		s->e1 = s[op->arg - 1].e1;
	}
	*z_re = st[0].z.r;
	*z_im = st[0].z.i;
	for (i = 0; jac && i < c->nelems; i++) {
		const struct circ_elem *e = &c->elems[i];
		int np = e->type == EL_CPE || e->type == EL_WO ||
			 e->type == EL_WS ? 2 : 1, k;

		for (k = 0; k < np; k++) {
			struct cx d = cx_mul(g[i], de[i][k]);

			dz[2 * (e->first + k)] = d.r;
			dz[2 * (e->first + k) + 1] = d.i;
		}
	}
}

void bg_circuit_eval(const bg_circuit *c, const double *theta, double omega,
		     double *z_re, double *z_im, double *dz)
{
	struct circ_prep prep;
	struct circ_pt pt;

	circ_point(&pt, omega);
	circ_prepare(c, theta, &prep);
	circ_eval_point(c, theta, &prep, &pt, z_re, z_im, dz);
}

/* ---- templates ----------------------------------------------------- */

static int is_template_name(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!islower((unsigned char)s[i]) &&
		    !isdigit((unsigned char)s[i]) && s[i] != '-')
			return 0;
	return i > 0 && i < 64 && strchr(s, '(') == NULL &&
	       !isdigit((unsigned char)s[i - 1]);
}

static int copy_out(char *buf, size_t len, const char *s, bg_error *err)
{
	if (strlen(s) >= len)
		return bg_error_set(err, BG_EINVAL, NULL, 0, 0,
				    _("circuit string too long"));
	memcpy(buf, s, strlen(s) + 1);
	return 0;
}

int bg_circuit_resolve(char *buf, size_t len, const char *name_or_string,
		       bg_error *err)
{
	char path[1024], name[80], *text = NULL;
	const cJSON *circ;
	cJSON *j;
	int rc;

	if (!is_template_name(name_or_string))
		return copy_out(buf, len, name_or_string, err);
	snprintf(name, sizeof name, "%s.json", name_or_string);
	if ((rc = bg_models_path(path, sizeof path, "circuits", name, err)) < 0)
		return rc;
	if ((rc = bg_read_file(&text, NULL, path, 65536, err)) < 0) {
		if (rc == BG_ENOENT)
			bg_error_set(err, BG_EDATA, "circuit", 1, 1,
				     _("'%s' is neither a circuit nor a "
				       "template in %s/circuits"),
				     name_or_string, bg_models_dir());
		return err ? err->code : rc;
	}
	j = cJSON_Parse(text);
	free(text);
	circ = cJSON_GetObjectItemCaseSensitive(j, "circuit");
	if (!cJSON_IsString(circ))
		rc = bg_error_set(err, BG_ECONFIG, path, 0, 0,
				  _("template has no \"circuit\" string"));
	else
		rc = copy_out(buf, len, circ->valuestring, err);
	cJSON_Delete(j);
	return rc;
}
