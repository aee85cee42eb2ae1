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
	"table{border-collapse:collapse;width:100%;margin:.3em 0 1em}"
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

/* Extent of the [x, y] pairs of a points array; 0 when fewer than 2. */
static int extent(const cJSON *pts, double r[4])
{
	const cJSON *p;
	int n = 0;

	r[0] = r[2] = 1e300;
	r[1] = r[3] = -1e300;
	cJSON_ArrayForEach(p, pts) {
		const cJSON *x = cJSON_GetArrayItem(p, 0);
		const cJSON *y = cJSON_GetArrayItem(p, 1);

		if (!cJSON_IsNumber(x) || !cJSON_IsNumber(y))
			return 0;
		r[0] = x->valuedouble < r[0] ? x->valuedouble : r[0];
		r[1] = x->valuedouble > r[1] ? x->valuedouble : r[1];
		r[2] = y->valuedouble < r[2] ? y->valuedouble : r[2];
		r[3] = y->valuedouble > r[3] ? y->valuedouble : r[3];
		n++;
	}
	return n >= 2 && r[1] > r[0];
}

/*
 * Capacity against cycles from degradationModel.fade.points, as inline
 * SVG (no script, prints as vectors).  The y axis starts at zero, so a
 * small fade is not drawn as a cliff.
 */
static void fade_plot(struct buf *b, const cJSON *body)
{
	const cJSON *pts = at(body, "degradationModel.fade.points"), *p;
	const double w = 480, h = 200, l = 50, bt = 30;
	double r[4], ymax;
	int first = 1;

	if (!extent(pts, r))
		return;
	ymax = r[3] * 1.1;
	puts_raw(b, "<h2>capacity fade</h2>");
	putf(b, "<svg width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f "
	     "%.0f\" role=\"img\" aria-label=\"capacity against cycles\">",
	     w + l + 10, h + bt + 10, w + l + 10, h + bt + 10);
	putf(b, "<path d=\"M%.0f 5V%.0fH%.0f\" stroke=\"#111\" "
	     "fill=\"none\"/>", l, h + 5, l + w);
	putf(b, "<text x=\"5\" y=\"15\" font-size=\"11\">%.3g Ah</text>"
	     "<text x=\"5\" y=\"%.0f\" font-size=\"11\">0</text>", ymax,
	     h + 5);
	putf(b, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\">cycle "
	     "%.0f</text>", l + w - 60, h + 25, r[1]);
	puts_raw(b, "<polyline fill=\"none\" stroke=\"#333\" "
		 "stroke-width=\"2\" points=\"");
	cJSON_ArrayForEach(p, pts) {
		putf(b, "%s%.1f,%.1f", first ? "" : " ",
		     l + w * (cJSON_GetArrayItem(p, 0)->valuedouble - r[0]) /
		     (r[1] - r[0]), 5 + h - h *
		     cJSON_GetArrayItem(p, 1)->valuedouble / ymax);
		first = 0;
	}
	puts_raw(b, "\"/>");
	cJSON_ArrayForEach(p, pts)
		putf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\"/>",
		     l + w * (cJSON_GetArrayItem(p, 0)->valuedouble - r[0]) /
		     (r[1] - r[0]), 5 + h - h *
		     cJSON_GetArrayItem(p, 1)->valuedouble / ymax);
	putf(b, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\">cycle "
	     "%.0f</text></svg>", l, h + 25, r[0]);
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
