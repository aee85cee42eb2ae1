/*
 * pack.c - the pack manifest, pack.json (pack data format v1, see
 * battgrade-pack(5)).
 *
 * cJSON parses the text; it keeps no positions, so errors in the
 * manifest's content are located by walking the (already valid) text a
 * second time to the offending member.  Every message names
 * pack.json:LINE:COL, as for the CSV files.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "battgrade/pack.h"
#include "i18n.h"

/* The largest manifest accepted: a pack has tens to a few hundred
 * modules, each a few hundred bytes. */
#define MANIFEST_MAX (4 * 1024 * 1024)

/* Bounds on the quadratic uniqueness checks: a manifest has a few
 * dozen members per object and tens to a few hundred modules. */
#define MAX_MEMBERS 1000
#define MAX_MODULES 10000

static const char *const chemistries[] = { "NMC", "NCA", "LFP", "LMO",
					   "LTO", NULL };

/* A path into the manifest: up to three steps of member name or array
 * index ("modules", 3, "module_id"). */
struct jpath {
	int n;
	const char *key[3];
	int index[3];
};

struct ctx {
	const char *name;       /* file name for messages */
	const char *text;
	size_t len;
	bg_error *err;
};

/* ---- locating a member in the text -------------------------------- */

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' ||
			   *p == '\r'))
		p++;
	return p;
}

static const char *skip_string(const char *p, const char *end)
{
	for (p++; p < end && *p != '"'; p++)
		if (*p == '\\')
			p++;
	return p < end ? p + 1 : end;
}

/* Skip one value; the text is known to be valid JSON.  Iterative, so
 * that deep nesting cannot exhaust the stack. */
static const char *skip_value(const char *p, const char *end)
{
	long depth = 0;

	p = skip_ws(p, end);
	do {
		if (p >= end)
			return end;
		if (*p == '"')
			p = skip_string(p, end);
		else if (*p == '{' || *p == '[')
			depth++, p++;
		else if (*p == '}' || *p == ']')
			depth--, p++;
		else if (*p == ',' || *p == ':' || *p == ' ' || *p == '\t' ||
			 *p == '\n' || *p == '\r')
			p++;
		else
			while (p < end && !strchr(",]} \t\r\n", *p))
				p++;
	} while (depth > 0);
	return p;
}

/* In the object or array at p, the start of member key (or element
 * index), or NULL. */
static const char *child(const char *p, const char *end, const char *key,
			 int index)
{
	size_t klen = key ? strlen(key) : 0;
	int i = 0;

	p = skip_ws(p, end);
	if (p >= end || (*p != '{' && *p != '['))
		return NULL;
	p++;
	for (;;) {
		const char *k = NULL;

		p = skip_ws(p, end);
		if (p >= end || *p == '}' || *p == ']')
			return NULL;
		if (key) {
			k = p + 1;
			p = skip_ws(skip_string(p, end), end) + 1;
			p = skip_ws(p, end);
			if ((size_t)(end - k) > klen && !memcmp(k, key, klen) &&
			    k[klen] == '"')
				return p;
		} else if (i++ == index) {
			return skip_ws(p, end);
		}
		p = skip_ws(skip_value(p, end), end);
		if (p < end && *p == ',')
			p++;
	}
}

static const char *locate(const struct ctx *c, const struct jpath *jp)
{
	const char *end = c->text + c->len, *p = skip_ws(c->text, end);
	const char *q;
	int i;

	for (i = 0; i < jp->n; i++) {
		q = child(p, end, jp->key[i], jp->index[i]);
		if (!q)
			break;
		p = q;
	}
	return p;
}

static void line_col(const char *text, const char *at, unsigned long *line,
		     unsigned long *col)
{
	const char *p;

	*line = 1;
	*col = 1;
	for (p = text; p < at; p++) {
		if (*p == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

static int vfail_at(const struct ctx *c, const char *at, const char *fmt,
		    va_list ap)
{
	unsigned long line, col;
	char msg[BG_ERROR_MSG_MAX];

	line_col(c->text, at, &line, &col);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	return bg_error_set(c->err, BG_EDATA, c->name, line, col, "%s", msg);
}

static int fail_at(const struct ctx *c, const char *at, const char *fmt,
		   ...) __attribute__((format(printf, 3, 4)));

static int fail_at(const struct ctx *c, const char *at, const char *fmt,
		   ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vfail_at(c, at, fmt, ap);
	va_end(ap);
	return rc;
}

static int fail_path(const struct ctx *c, const struct jpath *jp,
		     const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Error at the member jp (or at the nearest enclosing value found). */
static int fail_path(const struct ctx *c, const struct jpath *jp,
		     const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vfail_at(c, locate(c, jp), fmt, ap);
	va_end(ap);
	return rc;
}

/* ---- typed members ------------------------------------------------ */

static struct jpath sub(const struct jpath *base, const char *key)
{
	struct jpath jp = *base;

	jp.key[jp.n] = key;
	jp.index[jp.n] = 0;
	jp.n++;
	return jp;
}

static int get_string(const struct ctx *c, const cJSON *obj,
		      const struct jpath *base, const char *key, int required,
		      char *buf, size_t len)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	struct jpath jp = sub(base, key);
	size_t n;

	buf[0] = '\0';
	if (!v) {
		if (!required)
			return 0;
		return fail_path(c, base, _("missing member '%s'"), key);
	}
	if (!cJSON_IsString(v))
		return fail_path(c, &jp, _("'%s' must be a string"), key);
	n = strlen(v->valuestring);
	if (n >= len)
		return fail_path(c, &jp, _("'%s' is too long"), key);
	if (required && n == 0)
		return fail_path(c, &jp, _("'%s' is empty"), key);
	memcpy(buf, v->valuestring, n + 1);
	return 0;
}

/* A number member; *out stays NAN when optional and absent.  min_excl:
 * value must be > 0 (1) or >= 0 (0). */
static int get_number(const struct ctx *c, const cJSON *obj,
		      const struct jpath *base, const char *key, int required,
		      int positive, double *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	struct jpath jp = sub(base, key);

	*out = NAN;
	if (!v) {
		if (!required)
			return 0;
		return fail_path(c, base, _("missing member '%s'"), key);
	}
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
		return fail_path(c, &jp, _("'%s' must be a number"), key);
	if (positive ? !(v->valuedouble > 0) : !(v->valuedouble >= 0))
		return fail_path(c, &jp, positive ?
				 _("'%s' must be positive") :
				 _("'%s' must not be negative"), key);
	*out = v->valuedouble;
	return 0;
}

static int get_count(const struct ctx *c, const cJSON *obj,
		     const struct jpath *base, const char *key, int *out)
{
	struct jpath jp = sub(base, key);
	double v;
	int rc;

	if ((rc = get_number(c, obj, base, key, 1, 1, &v)) < 0)
		return rc;
	if (v != floor(v) || v > 100000)
		return fail_path(c, &jp,
				 _("'%s' must be a whole number of at most "
				   "100000"), key);
	*out = (int)v;
	return 0;
}

static int get_date(const struct ctx *c, const cJSON *obj,
		    const struct jpath *base, const char *key, char *buf,
		    size_t len)
{
	struct jpath jp = sub(base, key);
	double t;
	int rc;

	if ((rc = get_string(c, obj, base, key, 0, buf, len)) < 0)
		return rc;
	if (buf[0] && bg_parse_time(buf, &t) < 0)
		return fail_path(c, &jp,
				 _("'%s' is not an ISO 8601 date: '%s'"), key,
				 buf);
	return 0;
}

/* JSON allows repeated member names; a manifest must not have them.
 * The pairwise check is bounded by MAX_MEMBERS. */
static int no_duplicates(const struct ctx *c, const cJSON *obj,
			 const struct jpath *jp)
{
	const cJSON *a, *b;

	if (cJSON_GetArraySize(obj) > MAX_MEMBERS)
		return fail_path(c, jp, _("more than %d members in one "
					  "object"), MAX_MEMBERS);
	for (a = obj->child; a; a = a->next)
		for (b = a->next; b; b = b->next)
			if (a->string && b->string &&
			    !strcmp(a->string, b->string))
				return fail_path(c, jp,
						 _("member '%s' given twice"),
						 a->string);
	return 0;
}

/* ---- the manifest ------------------------------------------------- */

static int valid_id(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == ',' || *s == '"' ||
		    *s == 0x7f)
			return 0;
	return 1;
}

static int load_module(const struct ctx *c, const cJSON *m, int i,
		       bg_module_info *mi)
{
	struct jpath jp = { 2, { "modules", NULL }, { 0, i } };
	struct jpath idp = sub(&jp, "module_id");
	int rc;

	if (!cJSON_IsObject(m))
		return fail_path(c, &jp, _("each module must be an object"));
	if ((rc = no_duplicates(c, m, &jp)) < 0 ||
	    (rc = get_string(c, m, &jp, "module_id", 1, mi->module_id,
			     sizeof(mi->module_id))) < 0 ||
	    (rc = get_number(c, m, &jp, "nominal_capacity_ah", 1, 1,
			     &mi->nominal_capacity_ah)) < 0 ||
	    (rc = get_number(c, m, &jp, "nominal_voltage_volt", 1, 1,
			     &mi->nominal_voltage_volt)) < 0 ||
	    (rc = get_count(c, m, &jp, "cells_series",
			    &mi->cells_series)) < 0 ||
	    (rc = get_count(c, m, &jp, "cells_parallel",
			    &mi->cells_parallel)) < 0 ||
	    (rc = get_number(c, m, &jp, "initial_resistance_ohm", 0, 1,
			     &mi->initial_resistance_ohm)) < 0)
		return rc;
	if (!valid_id(mi->module_id))
		return fail_path(c, &idp,
				 _("module_id '%s' has a comma, quote or "
				   "control character"), mi->module_id);
	mi->position = i;
	return 0;
}

static int load_modules(const struct ctx *c, const cJSON *root,
			bg_pack *pack)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "modules");
	struct jpath top = { 0, { NULL }, { 0 } };
	struct jpath jp = sub(&top, "modules");
	const cJSON *m;
	int i = 0, j, rc;

	if (!arr)
		return fail_path(c, &top, _("missing member '%s'"),
				 "modules");
	if (!cJSON_IsArray(arr) || !cJSON_GetArraySize(arr))
		return fail_path(c, &jp, _("'%s' must be a non-empty array"),
				 "modules");
	if (cJSON_GetArraySize(arr) > MAX_MODULES)
		return fail_path(c, &jp, _("more than %d modules"),
				 MAX_MODULES);
	pack->modules = calloc((size_t)cJSON_GetArraySize(arr),
			       sizeof(*pack->modules));
	if (!pack->modules)
		return bg_error_set(c->err, BG_ENOMEM, c->name, 0, 0,
				    _("out of memory"));
	cJSON_ArrayForEach(m, arr) {
		if ((rc = load_module(c, m, i, &pack->modules[i])) < 0)
			return rc;
		for (j = 0; j < i; j++)
			if (!strcmp(pack->modules[j].module_id,
				    pack->modules[i].module_id)) {
				struct jpath d = { 3, { "modules", NULL,
					"module_id" }, { 0, i, 0 } };

				return fail_path(c, &d,
					_("duplicate module_id '%s'"),
					pack->modules[i].module_id);
			}
		pack->nmodules = (size_t)++i;
	}
	return 0;
}

static int load_chemistry(const struct ctx *c, const cJSON *root,
			  bg_pack *pack)
{
	struct jpath top = { 0, { NULL }, { 0 } };
	struct jpath jp = sub(&top, "chemistry");
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "chemistry");
	int i;

	if (v && cJSON_IsString(v))
		for (i = 0; chemistries[i]; i++)
			if (!strcmp(v->valuestring, chemistries[i])) {
				memcpy(pack->chemistry, chemistries[i], 4);
				return 0;
			}
	if (!v)
		return fail_path(c, &top, _("missing member '%s'"),
				 "chemistry");
	return fail_path(c, &jp,
			 _("unknown chemistry %s (expected NMC, NCA, LFP, "
			   "LMO or LTO)"),
			 cJSON_IsString(v) ? v->valuestring : "(not a string)");
}

static int load_pack(const struct ctx *c, const cJSON *root, bg_pack *p)
{
	struct jpath top = { 0, { NULL }, { 0 } };
	const cJSON *prov = cJSON_GetObjectItemCaseSensitive(root,
							     "provenance");
	struct jpath pp = sub(&top, "provenance");
	int rc;

	if (!cJSON_IsObject(root))
		return fail_path(c, &top, _("the manifest must be a JSON "
					    "object"));
	if ((rc = no_duplicates(c, root, &top)) < 0 ||
	    (rc = get_string(c, root, &top, "pack_id", 1, p->pack_id,
			     sizeof(p->pack_id))) < 0 ||
	    (rc = load_chemistry(c, root, p)) < 0 ||
	    (rc = get_string(c, root, &top, "manufacturer", 0,
			     p->manufacturer, sizeof(p->manufacturer))) < 0 ||
	    (rc = get_string(c, root, &top, "model", 0, p->model,
			     sizeof(p->model))) < 0 ||
	    (rc = get_number(c, root, &top, "nominal_capacity_ah", 1, 1,
			     &p->nominal_capacity_ah)) < 0 ||
	    (rc = get_number(c, root, &top, "nominal_voltage_volt", 1, 1,
			     &p->nominal_voltage_volt)) < 0 ||
	    (rc = get_count(c, root, &top, "modules_series",
			    &p->modules_series)) < 0 ||
	    (rc = get_count(c, root, &top, "modules_parallel",
			    &p->modules_parallel)) < 0 ||
	    (rc = get_date(c, root, &top, "manufacture_date",
			   p->manufacture_date,
			   sizeof(p->manufacture_date))) < 0 ||
	    (rc = get_date(c, root, &top, "first_use_date", p->first_use_date,
			   sizeof(p->first_use_date))) < 0 ||
	    (rc = get_date(c, root, &top, "retirement_date",
			   p->retirement_date,
			   sizeof(p->retirement_date))) < 0 ||
	    (rc = get_number(c, root, &top, "odometer_km", 0, 0,
			     &p->odometer_km)) < 0)
		return rc;
	if (prov && !cJSON_IsObject(prov))
		return fail_path(c, &pp, _("'%s' must be an object"),
				 "provenance");
	return load_modules(c, root, p);
}

static int parse_error(const struct ctx *c, const char *at)
{
	const char *end = c->text + c->len;

	if (!at || at < c->text || at > end)
		at = end;
	if (at == end && skip_ws(c->text, end) == end)
		return fail_at(c, at, _("empty manifest"));
	return fail_at(c, at, _("malformed JSON"));
}

int bg_pack_parse(bg_pack **out, const char *name, const char *buf,
		  size_t len, bg_error *err)
{
	struct ctx c = { name, NULL, len, err };
	const char *nul = memchr(buf, '\0', len), *end = NULL;
	char *text = malloc(len + 1);
	bg_pack *p = calloc(1, sizeof(*p));
	int rc;

	*out = NULL;
	if (!text || !p) {
		rc = bg_error_set(err, BG_ENOMEM, name, 0, 0,
				  _("out of memory"));
		goto fail;
	}
	memcpy(text, buf, len);
	text[len] = '\0';
	c.text = text;
	if (nul) {
		rc = fail_at(&c, text + (nul - buf),
			     _("NUL byte in text (binary data?)"));
		goto fail;
	}
	/* A UTF-8 byte-order mark is tolerated, as in the CSV files. */
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		memset(text, ' ', 3);
	p->json = cJSON_ParseWithOpts(text, &end, 1);
	if (!p->json) {
		rc = parse_error(&c, end);
		goto fail;
	}
	if ((rc = load_pack(&c, p->json, p)) < 0)
		goto fail;
	free(text);
	*out = p;
	return 0;
fail:
	free(text);
	bg_pack_free(p);
	return rc;
}

static int read_manifest(const char *path, char **buf, size_t *len,
			 bg_error *err)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 4096, n = 0, k;
	char *b = NULL, *nb;

	if (!f)
		return bg_error_set(err, errno == ENOENT ? BG_ENOENT : BG_EIO,
				    path, 0, 0, _("cannot open: %s"),
				    strerror(errno));
	for (;;) {
		if (!(nb = realloc(b, cap)))
			break;
		b = nb;
		k = fread(b + n, 1, cap - n, f);
		n += k;
		if (n < cap || cap >= MANIFEST_MAX)
			break;
		cap *= 2;
	}
	if (!nb || ferror(f) || n >= MANIFEST_MAX) {
		int e = errno;

		fclose(f);
		free(b);
		if (!nb)
			return bg_error_set(err, BG_ENOMEM, path, 0, 0,
					    _("out of memory"));
		if (n >= MANIFEST_MAX)
			return bg_error_set(err, BG_EDATA, path, 0, 0,
					    _("larger than %d bytes"),
					    MANIFEST_MAX);
		return bg_error_set(err, BG_EIO, path, 0, 0,
				    _("read failed: %s"), strerror(e));
	}
	fclose(f);
	*buf = b;
	*len = n;
	return 0;
}

static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *s = malloc(n);

	if (s)
		snprintf(s, n, "%s%s%s", dir,
			 !*dir || dir[strlen(dir) - 1] == '/' ? "" : "/",
			 name);
	return s;
}

int bg_pack_load(bg_pack **out, const char *dir, bg_error *err)
{
	char *path = join(dir, "pack.json"), *buf = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	if (!path)
		return bg_error_set(err, BG_ENOMEM, dir, 0, 0,
				    _("out of memory"));
	if ((rc = read_manifest(path, &buf, &len, err)) == 0 &&
	    (rc = bg_pack_parse(out, path, buf, len, err)) == 0) {
		free((*out)->dir);
		(*out)->dir = strdup(dir);
		if (!(*out)->dir) {
			bg_pack_free(*out);
			*out = NULL;
			rc = bg_error_set(err, BG_ENOMEM, dir, 0, 0,
					  _("out of memory"));
		}
	}
	free(buf);
	free(path);
	return rc;
}

void bg_pack_free(bg_pack *pack)
{
	if (!pack)
		return;
	cJSON_Delete(pack->json);
	free(pack->modules);
	free(pack->dir);
	free(pack);
}

const bg_module_info *bg_pack_module(const bg_pack *pack, const char *id)
{
	size_t i;

	for (i = 0; pack && i < pack->nmodules; i++)
		if (!strcmp(pack->modules[i].module_id, id))
			return &pack->modules[i];
	return NULL;
}

int bg_pack_path(const bg_pack *pack, const char *name, char *buf,
		 size_t len)
{
	const char *dir = pack->dir ? pack->dir : "";
	struct stat st;
	int n;

	n = snprintf(buf, len, "%s%s%s", dir,
		     !*dir || dir[strlen(dir) - 1] == '/' ? "" : "/", name);
	if (n < 0 || (size_t)n >= len)
		return BG_EINVAL;
	return stat(buf, &st) == 0 && S_ISREG(st.st_mode);
}
