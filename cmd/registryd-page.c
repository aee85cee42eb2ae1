/*
 * registryd-page.c - the printable HTML page of one certificate.
 *
 * This is what the QR code on a module opens: a buyer or an inspector
 * reads the grade, the key figures and whether the signature checks
 * out, and can print it on one A4 page.  The page is plain HTML with
 * inline CSS, no script and no external resource, so it renders the
 * same offline, in a kiosk browser or printed.  Every value from the
 * certificate is HTML-escaped; the body is rendered section by section
 * from the JSON itself, so new certificate fields appear without a
 * change here.
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "registryd.h"

struct buf {
	char *s;
	size_t len, cap;
	int oom;
};

static void put(struct buf *b, const char *s, size_t n)
{
	char *p;

	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		if (!(p = realloc(b->s, b->cap))) {
			b->oom = 1;
			return;
		}
		b->s = p;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void puts_raw(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

static void put_esc(struct buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': puts_raw(b, "&lt;"); break;
		case '>': puts_raw(b, "&gt;"); break;
		case '&': puts_raw(b, "&amp;"); break;
		case '"': puts_raw(b, "&quot;"); break;
		case '\'': puts_raw(b, "&#39;"); break;
		default: put(b, s, 1);
		}
	}
}

static void putf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void putf(struct buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		put(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n :
		    sizeof(tmp) - 1);
}

static const char style[] =
	"<style>"
	"body{font-family:'DejaVu Sans',Arial,sans-serif;margin:2em auto;"
	"max-width:46em;color:#111}"
	"h1{font-size:1.4em;margin:0}"
	".id{font-family:monospace;font-size:.85em;word-break:break-all}"
	".head{display:flex;gap:2em;align-items:center;border-bottom:2px "
	"solid #111;padding-bottom:1em}"
	".grade{font-size:5em;font-weight:bold;border:4px solid #111;"
	"padding:0 .3em;line-height:1.1}"
	".ok{color:#0a5d00}.bad{color:#a00000}"
	"table{border-collapse:collapse;width:100%;margin:.3em 0 1em;"
	"table-layout:fixed}td{overflow-wrap:anywhere}"
	"td,th{border-bottom:1px solid #ccc;text-align:left;padding:.15em .4em;"
	"font-size:.9em;vertical-align:top}"
	"th{width:40%;font-weight:normal;color:#444}"
	"h2{font-size:1.05em;margin:1em 0 0;text-transform:capitalize}"
	".bar{height:1em;background:#eee;border:1px solid #111;width:20em}"
	".bar div{height:100%;background:#333}"
	"@media print{body{margin:0;font-size:10pt}}"
	"</style>";

/* A scalar as display text into tmp. */
static const char *scalar(const cJSON *v, char *tmp, size_t len)
{
	if (cJSON_IsString(v))
		return v->valuestring;
	if (cJSON_IsBool(v))
		return cJSON_IsTrue(v) ? "true" : "false";
	if (cJSON_IsNull(v))
		return "\xe2\x80\x94";
	if (cJSON_IsNumber(v)) {
		snprintf(tmp, len, "%.6g", v->valuedouble);
		return tmp;
	}
	return NULL;
}

/* One row per leaf, with the dotted path below the section as label. */
/* {"value": x, "unit": u} as "x u", into tmp; NULL when not that. */
static const char *quantity(const cJSON *v, char *tmp, size_t len)
{
	const cJSON *val = cJSON_GetObjectItemCaseSensitive(v, "value");
	const cJSON *unit = cJSON_GetObjectItemCaseSensitive(v, "unit");
	char num[64];

	if (!cJSON_IsObject(v) || !cJSON_IsNumber(val) ||
	    !cJSON_IsString(unit) || cJSON_GetArraySize(v) != 2)
		return NULL;
	snprintf(num, sizeof(num), "%.6g", val->valuedouble);
	snprintf(tmp, len, "%s %s", num, strcmp(unit->valuestring, "1") ?
		 unit->valuestring : "");
	return tmp;
}

static void rows(struct buf *b, const cJSON *v, const char *path, int depth)
{
	char tmp[128], sub[256];
	const char *s = scalar(v, tmp, sizeof(tmp));

	if (!s)
		s = quantity(v, tmp, sizeof(tmp));
	const cJSON *k;
	int i = 0;

	if (s || depth > 6) {
		puts_raw(b, "<tr><th>");
		put_esc(b, path);
		puts_raw(b, "</th><td>");
		put_esc(b, s ? s : "\xe2\x80\xa6");
		puts_raw(b, "</td></tr>");
		return;
	}
	cJSON_ArrayForEach(k, v) {
		if (cJSON_IsArray(v))
			snprintf(sub, sizeof(sub), "%s[%d]", path, i++);
		else
			snprintf(sub, sizeof(sub), "%s%s%s", path,
				 path[0] ? "." : "", k->string);
		rows(b, k, sub, depth + 1);
	}
}

static void sections(struct buf *b, const cJSON *body)
{
	const cJSON *k;

	puts_raw(b, "<h2>certificate</h2><table>");
	cJSON_ArrayForEach(k, body)
		if (!cJSON_IsObject(k) && !cJSON_IsArray(k))
			rows(b, k, k->string, 0);
	puts_raw(b, "</table>");
	cJSON_ArrayForEach(k, body) {
		if (!cJSON_IsObject(k) && !cJSON_IsArray(k))
			continue;
		puts_raw(b, "<h2>");
		put_esc(b, k->string);
		puts_raw(b, "</h2><table>");
		rows(b, k, "", 0);
		puts_raw(b, "</table>");
	}
}

static void header(struct buf *b, const bg_regdb_cert *c,
		   const char *status, int verified)
{
	puts_raw(b, "<!DOCTYPE html><html lang=\"en\"><head>"
		 "<meta charset=\"utf-8\"><title>Certificate ");
	put_esc(b, c->id);
	puts_raw(b, "</title>");
	puts_raw(b, style);
	puts_raw(b, "</head><body><div class=\"head\"><div class=\"grade\">");
	put_esc(b, c->grade);
	puts_raw(b, "</div><div><h1>Battery module ");
	put_esc(b, c->module_id);
	puts_raw(b, "</h1><p>Second-life grade certificate</p>"
		 "<p class=\"id\">");
	put_esc(b, c->id);
	putf(b, "</p><p class=\"%s\"><b>%s</b> ", verified ? "ok" : "bad",
	     verified ? "&#10004; Verified:" : "&#10008; Not verified:");
	put_esc(b, status);
	puts_raw(b, "</p></div></div>");
}

static void record(struct buf *b, const bg_regdb_cert *c)
{
	const char *lab[] = { "module", "pack", "grade", "issued at",
			      "issuer (registry account)", "received by registry",
			      "SHA-256 of document" };
	const char *val[] = { c->module_id, c->pack_id, c->grade,
			      c->issued_at, c->issuer, c->received_at,
			      c->digest };
	size_t i;

	puts_raw(b, "<h2>registry record</h2><table>");
	for (i = 0; i < sizeof(lab) / sizeof(lab[0]); i++) {
		puts_raw(b, "<tr><th>");
		puts_raw(b, lab[i]);
		puts_raw(b, "</th><td>");
		put_esc(b, val[i] ? val[i] : "");
		puts_raw(b, "</td></tr>");
	}
	puts_raw(b, "</table>");
}

/* The member at a dotted path, or NULL. */
static const cJSON *at(const cJSON *v, const char *path)
{
	char part[64];
	const char *dot;

	while (v && *path) {
		dot = strchr(path, '.');
		snprintf(part, sizeof(part), "%.*s", (int)(dot ? (size_t)(dot -
			 path) : strlen(path)), path);
		v = cJSON_GetObjectItemCaseSensitive(v, part);
		path = dot ? dot + 1 : path + strlen(path);
	}
	return v;
}

/* The figures a buyer looks at first, where the certificate has them. */
static void key_figures(struct buf *b, const cJSON *body)
{
	static const char *const fig[][2] = {
		{ "remaining capacity", "measuredState.remainingCapacity" },
		{ "capacity fade", "measuredState.capacityFade" },
		{ "internal resistance", "measuredState.internalResistance" },
		{ "resistance increase",
		  "measuredState.internalResistanceIncrease" },
		{ "rated capacity", "subject.ratedCapacity" },
		{ "nominal voltage", "subject.nominalVoltage" },
		{ "equivalent full cycles", "history.numberOfFullCycles" },
		{ "remaining useful life P50 (years)",
		  "degradationModel.remainingUsefulLife.p50Years" },
		{ "remaining useful life P10 (years)",
		  "degradationModel.remainingUsefulLife.p10Years" },
		{ "chemistry", "subject.chemistry" },
		{ "manufacturer", "subject.manufacturer" },
		{ "model", "subject.model" },
		{ "valid until", "validUntil" },
		{ "issued by", "issuer.id" },
	};
	char tmp[128];
	const char *s;
	size_t i;

	puts_raw(b, "<h2>key figures</h2><table>");
	for (i = 0; i < sizeof(fig) / sizeof(fig[0]); i++) {
		const cJSON *v = at(body, fig[i][1]);

		if (!(s = scalar(v, tmp, sizeof(tmp))) &&
		    !(s = quantity(v, tmp, sizeof(tmp))))
			continue;
		puts_raw(b, "<tr><th>");
		puts_raw(b, fig[i][0]);
		puts_raw(b, "</th><td>");
		put_esc(b, s);
		puts_raw(b, "</td></tr>");
	}
	puts_raw(b, "</table>");
}

/* State of health as a bar: capacity-based SOH, 0..1. */
static void soh_bar(struct buf *b, const cJSON *body)
{
	const cJSON *v = at(body, "measuredState.stateOfHealth.value");

	if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 1.5)
		return;
	putf(b, "<p>State of health (capacity, Ah-based): <b>%.1f %%</b></p>"
	     "<div class=\"bar\"><div style=\"width:%.1f%%\"></div></div>",
	     100 * v->valuedouble, v->valuedouble > 1 ? 100.0 :
	     100 * v->valuedouble);
}

static double num(const cJSON *v, const char *path)
{
	const cJSON *x = at(v, path);

	if (cJSON_IsObject(x))
		x = cJSON_GetObjectItemCaseSensitive(x, "value");
	return cJSON_IsNumber(x) ? x->valuedouble : NAN;
}

/*
 * The certificate's fitted capacity model, Q(n) = Q0 (1 - a n^z) for
 * the "power" model (the empirical power law of capacity fade, DOMAIN.md
 * degradation models), as n_out samples over [0, n_max]; 0 when the
 * model is another or incomplete.
 */
static int model_curve(const cJSON *fade, double *x, double *y, int n_out,
		       double n_max)
{
	const cJSON *m = at(fade, "model");
	double q0 = num(fade, "params.Q0"), a = num(fade, "params.a");
	double z = num(fade, "params.z");
	int i;

	if (!cJSON_IsString(m) || strcmp(m->valuestring, "power") ||
	    isnan(q0) || isnan(a) || isnan(z) || !(n_max > 0))
		return 0;
	for (i = 0; i < n_out; i++) {
		x[i] = n_max * i / (n_out - 1);
		y[i] = q0 * (1 - a * pow(x[i], z));
	}
	return n_out;
}

struct plot {
	double x0, x1, y1;      /* data ranges (y from 0) */
	double l, t, w, h;      /* frame in pixels */
};

static double px(const struct plot *p, double x)
{
	return p->l + p->w * (x - p->x0) / (p->x1 - p->x0);
}

static double py(const struct plot *p, double y)
{
	return p->t + p->h - p->h * (y < 0 ? 0 : y) / p->y1;
}

static void plot_frame(struct buf *b, const struct plot *p,
		       const char *xlabel)
{
	putf(b, "<svg width=\"%.0f\" height=\"%.0f\" role=\"img\" "
	     "aria-label=\"capacity against %s\">", p->l + p->w + 20,
	     p->t + p->h + 35, xlabel);
	putf(b, "<path d=\"M%.0f %.0fV%.0fH%.0f\" stroke=\"#111\" "
	     "fill=\"none\"/>", p->l, p->t, p->t + p->h, p->l + p->w);
	putf(b, "<text x=\"2\" y=\"%.0f\" font-size=\"11\">%.3g Ah</text>"
	     "<text x=\"2\" y=\"%.0f\" font-size=\"11\">0 Ah</text>",
	     p->t + 4, p->y1, p->t + p->h);
	putf(b, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\">0</text>"
	     "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\" "
	     "text-anchor=\"end\">%.0f %s</text>", p->l, p->t + p->h + 15,
	     p->l + p->w, p->t + p->h + 15, p->x1, xlabel);
}

static void polyline(struct buf *b, const struct plot *p, const double *x,
		     const double *y, int n)
{
	int i;

	puts_raw(b, "<polyline fill=\"none\" stroke=\"#333\" "
		 "stroke-width=\"2\" points=\"");
	for (i = 0; i < n; i++)
		putf(b, "%s%.1f,%.1f", i ? " " : "", px(p, x[i]), py(p, y[i]));
	puts_raw(b, "\"/>");
}

/* Dashed end-of-life line and the P10-P90 band of the EOL cycle. */
static void eol_marks(struct buf *b, const struct plot *p,
		      const cJSON *fade)
{
	double eol = num(fade, "eol_threshold_Ah");
	double p10 = num(fade, "eol_cycle_p10"), p90 = num(fade,
							    "eol_cycle_p90");
	double now = num(fade, "last_cycle"), q = num(fade,
						     "capacity_now_Ah");

	if (!isnan(p10) && !isnan(p90) && p90 > p10 && p90 <= p->x1)
		putf(b, "<rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" "
		     "height=\"%.0f\" fill=\"#ddd\"/>", px(p, p10), p->t,
		     px(p, p90) - px(p, p10), p->h);
	if (!isnan(eol))
		putf(b, "<path d=\"M%.0f %.1fH%.0f\" stroke=\"#a00\" "
		     "stroke-dasharray=\"6 4\"/><text x=\"%.0f\" y=\"%.1f\" "
		     "font-size=\"11\" fill=\"#a00\">end of life %.3g Ah"
		     "</text>", p->l, py(p, eol), p->l + p->w, p->l + 6,
		     py(p, eol) - 4, eol);
	if (!isnan(now) && !isnan(q) && now <= p->x1)
		putf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\"/>"
		     "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\">now</text>",
		     px(p, now), py(p, q), px(p, now) + 6, py(p, q) - 6);
}

/* Up to max [x, y] pairs of a JSON array into x, y; the count. */
static int load_pairs(const cJSON *arr, double *x, double *y, int max)
{
	const cJSON *p;
	int n = 0;

	cJSON_ArrayForEach(p, arr) {
		const cJSON *a = cJSON_GetArrayItem(p, 0);
		const cJSON *b = cJSON_GetArrayItem(p, 1);

		if (n == max || !cJSON_IsNumber(a) || !cJSON_IsNumber(b))
			return n;
		x[n] = a->valuedouble;
		y[n++] = b->valuedouble;
	}
	return n;
}

static void dots(struct buf *b, const struct plot *p, const double *x,
		 const double *y, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (x[i] >= p->x0 && x[i] <= p->x1)
			putf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" "
			     "fill=\"#06c\"/>", px(p, x[i]), py(p, y[i]));
}

static double max_of(const double *v, int n, double m)
{
	int i;

	for (i = 0; i < n; i++)
		m = v[i] > m ? v[i] : m;
	return m;
}

/*
 * Capacity against cycles: the fitted model as the certificate samples
 * it ("curve"; for a bare power-law record it is evaluated here), the
 * measured capacities ("points"), the P10-P90 band of the end-of-life
 * cycle, the end-of-life capacity and the module's present state.
 * Inline SVG: no script, prints as vectors; the y axis starts at zero
 * so a small fade is not drawn as a cliff.
 */
static void fade_plot(struct buf *b, const cJSON *body)
{
	const cJSON *fade = at(body, "degradationModel.fade");
	const cJSON *ax = at(fade, "axis"), *model = at(fade, "model");
	double x[200], y[200], mx[200], my[200];
	double nmax = num(fade, "eol_cycle_p90");
	struct plot p = { 0, 0, 0, 55, 10, 480, 200 };
	int n, m;

	if (isnan(nmax) || nmax < num(fade, "last_cycle"))
		nmax = num(fade, "last_cycle") * 2;
	n = load_pairs(at(fade, "curve"), x, y, 200);
	if (n < 2)
		n = model_curve(fade, x, y, 61, nmax * 1.1);
	if (n < 2)
		return;
	m = load_pairs(at(fade, "points"), mx, my, 200);
	p.x1 = max_of(mx, m, max_of(x, n, isnan(nmax) ? 0 : nmax)) * 1.05;
	p.y1 = max_of(my, m, max_of(y, n, 0)) * 1.1;
	if (!(p.x1 > 0) || !(p.y1 > 0))
		return;
	puts_raw(b, "<h2>capacity fade</h2>");
	plot_frame(b, &p, cJSON_IsString(ax) ? ax->valuestring : "cycles");
	eol_marks(b, &p, fade);
	polyline(b, &p, x, y, n);
	dots(b, &p, mx, my, m);
	puts_raw(b, "</svg><p class=\"id\">Line: fitted model ");
	put_esc(b, cJSON_IsString(model) ? model->valuestring : "");
	puts_raw(b, "; dots: measured capacity; grey: P10 to P90 of the "
		 "end-of-life cycle; dashed: end-of-life capacity.</p>");
}

char *regd_page(const bg_regdb_cert *c, const char *status, int verified,
		size_t *len)
{
	struct buf b = { 0 };
	cJSON *doc = cJSON_ParseWithLength(c->body, c->body_len);
	const cJSON *body = cJSON_GetObjectItemCaseSensitive(doc,
							    "certificate");

	header(&b, c, status, verified);
	if (cJSON_IsObject(body)) {
		soh_bar(&b, body);
		key_figures(&b, body);
		fade_plot(&b, body);
	}
	record(&b, c);
	if (cJSON_IsObject(body))
		sections(&b, body);
	puts_raw(&b, "<p class=\"id\">Check offline: battgrade registry get ");
	put_esc(&b, c->id);
	puts_raw(&b, " --json &gt; cert.json; battgrade verify cert.json"
		 "</p></body></html>\n");
	cJSON_Delete(doc);
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	*len = b.len;
	return b.s;
}
