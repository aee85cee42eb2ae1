/*
 * certpdf.c - one printable A4 page per certificate (cairo PDF).
 *
 * The page shows what a buyer needs at a glance: the grade, the
 * measured state with units and basis, the expected remaining life,
 * the rule results that decided the grade, the model behind the
 * prediction, who issued it and when, and a QR code leading to the
 * registry record.  Everything is drawn from the certificate body, so
 * the page never says more than the signed file.
 */
#include "config.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "battgrade/certpdf.h"
#include "battgrade/circuit.h"
#include "battgrade/fade.h"
#include "battgrade/models.h"
#include "battgrade/plot.h"
#include "i18n.h"

#define PAGE_W 595.28   /* A4 in points */
#define PAGE_H 841.89
#define MARGIN 48.0
#define FONT "DejaVu Sans"
#define MONO "DejaVu Sans Mono"

/* o["a"]["b"]... by a dotted path; NULL when absent or null. */
static const cJSON *at(const cJSON *o, const char *path)
{
	char key[64];
	const char *dot;
	size_t n;

	while (o && *path) {
		dot = strchr(path, '.');
		n = dot ? (size_t)(dot - path) : strlen(path);
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		o = cJSON_GetObjectItemCaseSensitive(o, key);
		path += n + (dot ? 1 : 0);
	}
	return o && !cJSON_IsNull(o) ? o : NULL;
}

static const char *str(const cJSON *o, const char *path)
{
	const cJSON *v = at(o, path);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double num(const cJSON *o, const char *path)
{
	const cJSON *v = at(o, path);

	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/*
 * s cut to at most max bytes at a UTF-8 character boundary, with "…"
 * when cut (cairo refuses invalid UTF-8, and long names would run off
 * the page).  buf needs max + 4 bytes.
 */
static const char *clip(char *buf, size_t n, const char *s, size_t max)
{
	size_t len = s ? strlen(s) : 0;

	if (!s)
		return NULL;
	if (len <= max || n < max + 4) {
		snprintf(buf, n, "%s", s);
		return buf;
	}
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	memcpy(buf, s, max);
	memcpy(buf + max, "…", 4);   /* 3 bytes and the NUL */
	return buf;
}

/* A string member as is, a number in %g, else NULL. */
static const char *show(const cJSON *o, const char *path, char *buf,
			size_t n)
{
	const cJSON *v = at(o, path);

	if (cJSON_IsNumber(v)) {
		snprintf(buf, n, "%g", v->valuedouble);
		return buf;
	}
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

char *bg_certpdf_qr_text(const char *id, const cJSON *body)
{
	const char *reg = str(body, "registry");
	size_t n = strlen(id) + (reg ? strlen(reg) : 0) + 32;
	char *out = malloc(n);
	size_t rl;

	if (!out)
		return NULL;
	if (!reg) {
		snprintf(out, n, "%s", id);
		return out;
	}
	rl = strlen(reg);
	while (rl > 0 && reg[rl - 1] == '/')
		rl--;
	snprintf(out, n, "%.*s/v1/certificates/%s", (int)rl, reg, id);
	return out;
}

/* ---- drawing helpers ---- */

static void font(cairo_t *cr, const char *face, int bold, double size)
{
	cairo_select_font_face(cr, face, CAIRO_FONT_SLANT_NORMAL,
			       bold ? CAIRO_FONT_WEIGHT_BOLD
				    : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, size);
}

static void text_at(cairo_t *cr, double x, double y, const char *s)
{
	cairo_move_to(cr, x, y);
	cairo_show_text(cr, s ? s : "—");
}

/* "label  value" on one line; returns the next baseline. */
static double row(cairo_t *cr, double x, double y, double w,
		  const char *label, const char *value)
{
	font(cr, FONT, 0, 9.5);
	cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
	text_at(cr, x, y, label);
	cairo_set_source_rgb(cr, 0, 0, 0);
	font(cr, FONT, 1, 9.5);
	text_at(cr, x + w, y, value);
	return y + 14;
}

static double heading(cairo_t *cr, double x, double y, const char *s)
{
	font(cr, FONT, 1, 11);
	cairo_set_source_rgb(cr, 0.1, 0.2, 0.4);
	text_at(cr, x, y, s);
	cairo_set_line_width(cr, 0.6);
	cairo_move_to(cr, x, y + 4);
	cairo_line_to(cr, PAGE_W - MARGIN, y + 4);
	cairo_stroke(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	return y + 18;
}

/* Value with unit, or an em dash when unknown. */
static const char *fmt(char *buf, size_t n, const char *f, double v)
{
	if (isnan(v))
		return "—";
	snprintf(buf, n, f, v);
	return buf;
}

static void grade_colour(cairo_t *cr, const char *g)
{
	switch (g ? g[0] : '?') {
	case 'A': cairo_set_source_rgb(cr, 0.13, 0.55, 0.13); break;
	case 'B': cairo_set_source_rgb(cr, 0.10, 0.45, 0.60); break;
	case 'C': cairo_set_source_rgb(cr, 0.85, 0.55, 0.05); break;
	default: cairo_set_source_rgb(cr, 0.75, 0.10, 0.10); break;
	}
}

/* ---- page sections ---- */

static void draw_header(cairo_t *cr, const char *id, const cJSON *b)
{
	font(cr, FONT, 1, 19);
	text_at(cr, MARGIN, 62, _("Battery module grade certificate"));
	font(cr, MONO, 0, 8.5);
	cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
	text_at(cr, MARGIN, 78, str(b, "schema"));
	text_at(cr, MARGIN + 150, 78, id);
	cairo_set_source_rgb(cr, 0, 0, 0);
}

static void draw_grade(cairo_t *cr, const cJSON *b)
{
	const char *g = str(b, "decision.grade");
	cairo_text_extents_t ext;
	double x = MARGIN, y = 95, s = 150;

	grade_colour(cr, g);
	cairo_rectangle(cr, x, y, s, s);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 1, 1, 1);
	font(cr, FONT, 1, 120);
	cairo_text_extents(cr, g ? g : "?", &ext);
	cairo_move_to(cr, x + (s - ext.width) / 2 - ext.x_bearing,
		      y + (s - ext.height) / 2 - ext.y_bearing);
	cairo_show_text(cr, g ? g : "?");
	font(cr, FONT, 1, 9);
	cairo_move_to(cr, x + 6, y + s - 6);
	cairo_show_text(cr, _("GRADE"));
	cairo_set_source_rgb(cr, 0, 0, 0);
}

static void draw_subject(cairo_t *cr, const cJSON *b)
{
	char buf[160], v1[32], v2[32], mm[160];
	double x = MARGIN + 170, y = 108, w = 105;

	y = row(cr, x, y, w, _("Module"), str(b, "subject.moduleId"));
	y = row(cr, x, y, w, _("Pack"), str(b, "subject.packId"));
	y = row(cr, x, y, w, _("Position in pack"),
		show(b, "subject.positionInPack", v1, sizeof(v1)));
	snprintf(mm, sizeof(mm), "%s %s", str(b, "subject.manufacturer")
		 ? str(b, "subject.manufacturer") : "",
		 str(b, "subject.model") ? str(b, "subject.model") : "");
	y = row(cr, x, y, w, _("Manufacturer, model"),
		clip(buf, sizeof(buf), mm, 38));
	y = row(cr, x, y, w, _("Chemistry"), str(b, "subject.chemistry"));
	snprintf(buf, sizeof(buf), "%s Ah, %s V",
		 fmt(v1, sizeof(v1), "%.1f", num(b, "subject.ratedCapacity.value")),
		 fmt(v2, sizeof(v2), "%.1f", num(b, "subject.nominalVoltage.value")));
	y = row(cr, x, y, w, _("Rated"), buf);
	y = row(cr, x, y, w, _("Original passport"),
		str(b, "subject.originalPassportId"));
	font(cr, FONT, 0, 9.5);
	cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
	text_at(cr, x, y + 4, _("Suitable for"));
	cairo_set_source_rgb(cr, 0, 0, 0);
}

static void draw_applications(cairo_t *cr, const cJSON *b)
{
	const cJSON *apps = at(b, "decision.applications"), *a;
	char buf[200], p50[24], p10[24];
	double x = MARGIN + 170, y = 222;
	int n = 0;

	font(cr, FONT, 1, 9.5);
	cJSON_ArrayForEach(a, apps) {
		char nm[48];

		snprintf(buf, sizeof(buf), _("%s (life P50 %s y, P10 %s y)"),
			 clip(nm, sizeof(nm), str(a, "name") ? str(a, "name")
							     : "?", 30),
			 fmt(p50, sizeof(p50), "%.1f", num(a, "p50_years")),
			 fmt(p10, sizeof(p10), "%.1f", num(a, "p10_years")));
		text_at(cr, x, y + 13 * n++, buf);
		if (n == 2)
			break;
	}
	if (n == 0)
		text_at(cr, x, y, _("none: recycle"));
}

static void draw_state(cairo_t *cr, const cJSON *b, double y)
{
	char a[64], c[64], buf[160];
	double x = MARGIN, w = 150, x2 = PAGE_W / 2 + 10;
	double y2 = y;

	y = heading(cr, x, y, _("Measured state (Annex VII part A)"));
	y2 = y;
	snprintf(buf, sizeof(buf), "%s Ah", fmt(a, sizeof(a), "%.2f",
		 num(b, "measuredState.remainingCapacity.value")));
	y = row(cr, x, y, w, _("Remaining capacity"), buf);
	snprintf(buf, sizeof(buf), _("%s %% (Ah-based)"), fmt(a, sizeof(a),
		 "%.1f", 100 * num(b, "measuredState.stateOfHealth.value")));
	y = row(cr, x, y, w, _("State of health"), buf);
	snprintf(buf, sizeof(buf), "%s %%", fmt(a, sizeof(a), "%.1f",
		 num(b, "measuredState.capacityFade.value")));
	y = row(cr, x, y, w, _("Capacity fade"), buf);
	snprintf(buf, sizeof(buf), "%s mΩ", fmt(a, sizeof(a), "%.3f",
		 1000 * num(b, "measuredState.internalResistance.value")));
	y = row(cr, x, y, w, _("Internal resistance"), buf);
	snprintf(buf, sizeof(buf), "%s %%", fmt(a, sizeof(a), "%.1f",
		 num(b, "measuredState.internalResistanceIncrease.value")));
	row(cr, x, y, w, _("Resistance increase"), buf);

	snprintf(buf, sizeof(buf), "%s / %s y",
		 fmt(a, sizeof(a), "%.1f",
		     num(b, "degradationModel.remainingUsefulLife.p50Years")),
		 fmt(c, sizeof(c), "%.1f",
		     num(b, "degradationModel.remainingUsefulLife.p10Years")));
	y2 = row(cr, x2, y2, w - 20, _("Remaining life P50 / P10"), buf);
	snprintf(buf, sizeof(buf), "%s", fmt(a, sizeof(a), "%.0f",
		 num(b, "history.numberOfFullCycles")));
	y2 = row(cr, x2, y2, w - 20, _("Equivalent full cycles"), buf);
	snprintf(buf, sizeof(buf), "%s kWh / %s Ah",
		 fmt(a, sizeof(a), "%.1f", num(b, "history.energyThroughput.value")),
		 fmt(c, sizeof(c), "%.0f",
		     num(b, "history.capacityThroughput.value")));
	y2 = row(cr, x2, y2, w - 20, _("Throughput"), buf);
	snprintf(buf, sizeof(buf), "%d",
		 cJSON_GetArraySize(at(b, "history.negativeEvents")));
	y2 = row(cr, x2, y2, w - 20, _("Harmful events"), buf);
	snprintf(buf, sizeof(buf), "%s %%", fmt(a, sizeof(a), "%.1f",
		 100 * num(b, "history.coverage")));
	row(cr, x2, y2, w - 20, _("History coverage"), buf);
}

#define MAX_RULE_ROWS 7

static void rule_row(cairo_t *cr, const cJSON *r, double x, double y)
{
	char v[32], t[32], id[48];
	const char *op = str(r, "op");

	clip(id, sizeof(id), str(r, "id") ? str(r, "id") : "?", 36);
	text_at(cr, x, y, id);
	text_at(cr, x + 190, y, fmt(v, sizeof(v), "%.4g", num(r, "value")));
	snprintf(t, sizeof(t), "%s ", op ? op : "");
	text_at(cr, x + 270, y, t);
	text_at(cr, x + 290, y, fmt(t, sizeof(t), "%.4g", num(r, "threshold")));
	text_at(cr, x + 360, y, str(r, "outcome"));
	text_at(cr, x + 440, y, str(r, "cap"));
}

/* The rules that did not pass first (they decided the grade), then
 * the others, as many as fit. */
static void draw_rules(cairo_t *cr, const cJSON *b, double y)
{
	const cJSON *rules = at(b, "decision.rules"), *r;
	double x = MARGIN;
	int pass, n = 0, total = cJSON_GetArraySize(rules);
	char buf[160];

	y = heading(cr, x, y, _("Rule results"));
	font(cr, FONT, 1, 8.5);
	text_at(cr, x, y, _("rule"));
	text_at(cr, x + 190, y, _("value"));
	text_at(cr, x + 270, y, _("threshold"));
	text_at(cr, x + 360, y, _("outcome"));
	text_at(cr, x + 440, y, _("caps grade at"));
	y += 12;
	font(cr, MONO, 0, 8);
	/* failed and unknown first, then passed, then not applicable */
	for (pass = 0; pass < 3; pass++)
		cJSON_ArrayForEach(r, rules) {
			const char *o = str(r, "outcome");
			int rank = !o || strcmp(o, "pass") ? 0 : 1;

			if (o && !strcmp(o, "not_applicable"))
				rank = 2;
			if (rank != pass || n == MAX_RULE_ROWS)
				continue;
			rule_row(cr, r, x, y);
			y += 11;
			n++;
		}
	font(cr, FONT, 0, 8.5);
	snprintf(buf, sizeof(buf), _("deciding rule: %s; %d of %d rules shown"),
		 str(b, "decision.decidingRule") ? str(b, "decision.decidingRule")
						 : _("none"), n, total);
	text_at(cr, x, y + 2, buf);
}

/* Model and impedance figures in words, under the plots. */
static void draw_models(cairo_t *cr, const cJSON *b, double y)
{
	char buf[256], a[32], k[48], m[32];
	double x = MARGIN, kc = num(b, "degradationModel.kneeCycle");
	double ko = num(b, "degradationModel.kneeOnsetCycle");
	const char *name = str(b, "degradationModel.fade.model");

	font(cr, FONT, 0, 8.5);
	if (!isnan(kc))
		fmt(k, sizeof(k), _("knee at cycle %.0f"), kc);
	else if (!isnan(ko))
		fmt(k, sizeof(k), _("knee onset at cycle %.0f"), ko);
	else
		snprintf(k, sizeof(k), "%s", _("no knee"));
	snprintf(buf, sizeof(buf), _("Fade model %s, AICc %s, %s; life figures for the %s duty."),
		 name ? name : "—",
		 fmt(a, sizeof(a), "%.1f", num(b, "degradationModel.fade.aicc")),
		 k, str(b, "degradationModel.remainingUsefulLife.application")
		 ? str(b, "degradationModel.remainingUsefulLife.application")
		 : "—");
	text_at(cr, x, y, buf);
	if (!at(b, "impedance"))
		return;
	snprintf(buf, sizeof(buf),
		 _("Impedance fit %s (chi2/dof %s); Lin-KK mu %s, max residual %s, %s."),
		 str(b, "impedance.fit.circuit") ? str(b, "impedance.fit.circuit")
						 : "—",
		 fmt(m, sizeof(m), "%.2g", num(b, "impedance.fit.chi2_dof")),
		 fmt(a, sizeof(a), "%.2f", num(b, "impedance.kk.mu")),
		 fmt(k, sizeof(k), "%.3g", num(b, "impedance.kk.max_residual")),
		 cJSON_IsTrue(at(b, "impedance.kk.valid")) ? _("valid")
							   : _("not valid"));
	text_at(cr, x, y + 12, buf);
}

/* ---- figures, drawn with the shared plot module ---- */

#define NCURVE 120

/* The plot module sizes its type for stand-alone figures; on the page
 * a figure is drawn at 1/PLOT_SCALE into a larger virtual box. */
#define PLOT_SCALE 0.62

static void draw_scaled(const bg_plot *pl, cairo_t *cr, double x, double y,
			double w, double h)
{
	cairo_save(cr);
	cairo_translate(cr, x, y);
	cairo_scale(cr, PLOT_SCALE, PLOT_SCALE);
	bg_plot_draw(pl, cr, 0, 0, w / PLOT_SCALE, h / PLOT_SCALE);
	cairo_restore(cr);
}

/* A boxed note where a figure cannot be drawn. */
static void no_figure(cairo_t *cr, double x, double y, double w, double h,
		      const char *title, const char *why)
{
	cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
	cairo_set_line_width(cr, 0.5);
	cairo_rectangle(cr, x, y, w, h);
	cairo_stroke(cr);
	cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
	font(cr, FONT, 1, 9);
	text_at(cr, x + 8, y + 16, title);
	font(cr, FONT, 0, 8.5);
	text_at(cr, x + 8, y + 32, why);
	cairo_set_source_rgb(cr, 0, 0, 0);
}

/*
 * The fit as the grade reported it.  The certificate carries the
 * parameters and the residual RMSE but not their covariance, so the
 * band drawn is the 80 % prediction band of the residual scatter about
 * the fitted curve (Student t with n - p degrees of freedom), without
 * the parameters' own uncertainty.
 */
static int fade_from_json(bg_fade_result *r, const cJSON *f)
{
	const cJSON *p, *par = at(f, "params");
	double n = num(f, "n_points");
	const char *eq = str(f, "equation"), *axis = str(f, "axis");

	memset(r, 0, sizeof(*r));
	if (!eq || !cJSON_IsObject(par) || strcmp(str(f, "status") ?
						  str(f, "status") : "", "ok"))
		return -1;
	snprintf(r->equation, sizeof(r->equation), "%s", eq);
	snprintf(r->model, sizeof(r->model), "%s", str(f, "model") ?
		 str(f, "model") : eq);
	cJSON_ArrayForEach(p, par) {
		if (r->nparams == BG_FADE_MAXP || isnan(num(p, "value")))
			return -1;
		r->param[r->nparams++] = num(p, "value");
	}
	r->status = BG_FADE_OK;
	r->s2 = pow(num(f, "rmse"), 2);
	r->dof = isnan(n) ? 0 : n - (double)r->nparams;
	r->last_cycle = num(f, "last_cycle");
	r->cycles_per_day = num(f, "cycles_per_day");
	r->temp_mean_k = NAN;
	r->days_first = r->days_last = NAN;
	if (axis && !strcmp(axis, "days")) {
		/* the axis is calendar days itself */
		r->days_first = r->first_cycle = 0;
		r->days_last = r->last_cycle;
		r->cycles_per_day = 1;
	}
	return isfinite(r->last_cycle) && r->last_cycle > 0 ? 0 : -1;
}

static double fade_xmax(const cJSON *f, double last)
{
	double xm = last * 1.3, v;
	const char *keys[] = { "eol_cycle_p90", "eol_cycle_p50" };
	size_t i;

	for (i = 0; i < 2; i++) {
		v = num(f, keys[i]);
		if (isfinite(v) && v > xm)
			xm = v * 1.05;
	}
	return xm < last * 10 ? xm : last * 10;
}

/*
 * Can the curve be redrawn from the certificate?  Only when the model
 * depends on the axis value alone (its catalogue entry lists "inputs":
 * ["x"]): calendar days and temperatures of the fitted points are not
 * in the certificate.
 */
static int axis_only_model(const char *model)
{
	char path[4096], name[64], *text;
	const cJSON *in;
	cJSON *m;
	size_t len;
	int ok;

	snprintf(name, sizeof(name), "%.40s.json", model);
	if (strchr(model, '/') ||
	    bg_models_path(path, sizeof(path), "degradation", name, NULL) < 0 ||
	    bg_read_file(&text, &len, path, 1 << 16, NULL) < 0)
		return 0;
	m = cJSON_ParseWithLength(text, len);
	free(text);
	in = cJSON_GetObjectItemCaseSensitive(m, "inputs");
	ok = cJSON_GetArraySize(in) == 1 &&
	     cJSON_IsString(cJSON_GetArrayItem(in, 0)) &&
	     !strcmp(cJSON_GetArrayItem(in, 0)->valuestring, "x");
	cJSON_Delete(m);
	return ok;
}

static void fade_curve(bg_plot *pl, const bg_fade_result *r, double xm)
{
	double x[NCURVE], y[NCURVE], lo[NCURVE], hi[NCURVE];
	size_t i;

	for (i = 0; i < NCURVE; i++) {
		x[i] = xm * (double)i / (NCURVE - 1);
		if (bg_fade_predict(r, x[i], 0.8, &y[i], &lo[i], &hi[i]) < 0)
			y[i] = lo[i] = hi[i] = NAN;
	}
	bg_plot_add_band(pl, _("80 % band"), x, lo, hi, NCURVE);
	bg_plot_add_series(pl, r->model, x, y, NCURVE, BG_PLOT_LINES);
}

static void fade_data(bg_plot *pl, const bg_fade_result *r, const cJSON *f)
{
	double xm = fade_xmax(f, r->last_cycle), px, py, top, eol;

	if (axis_only_model(r->model)) {
		fade_curve(pl, r, xm);
	} else {
		/* say why there is no curve, and keep the axes sensible */
		top = num(f, "rated_capacity_Ah");
		eol = num(f, "eol_threshold_Ah");
		bg_plot_set_xrange(pl, 0, xm);
		if (isfinite(top) && isfinite(eol))
			bg_plot_set_yrange(pl, eol * 0.95, top * 1.02);
		bg_plot_add_series(pl, _("curve needs calendar data"), &px, &py,
				   0, BG_PLOT_LINES);
	}
	px = r->last_cycle;
	py = num(f, "capacity_now_Ah");
	if (isfinite(py)) {
		bg_plot_add_series(pl, _("now"), &px, &py, 1, BG_PLOT_POINTS);
		bg_plot_set_color(pl, 0, 0, 0);
	}
	if (isfinite(num(f, "eol_threshold_Ah")))
		bg_plot_add_hline(pl, num(f, "eol_threshold_Ah"),
				  _("end of life"));
	if (isfinite(num(f, "eol_cycle_p10")))
		bg_plot_add_vline(pl, num(f, "eol_cycle_p10"), "P10");
	if (isfinite(num(f, "eol_cycle_p50")))
		bg_plot_add_vline(pl, num(f, "eol_cycle_p50"), "P50");
}

static void draw_fade_plot(cairo_t *cr, const cJSON *b, double x, double y,
			   double w, double h)
{
	const cJSON *f = at(b, "degradationModel.fade");
	const char *axis = str(f, "axis");
	bg_fade_result r;
	bg_plot *pl;

	if (fade_from_json(&r, f) < 0) {
		no_figure(cr, x, y, w, h, _("Capacity fade"),
			  str(f, "status") ? str(f, "status")
					   : _("no capacity history"));
		return;
	}
	if (bg_plot_new(&pl, _("Capacity fade and prediction"), NULL) < 0)
		return;
	bg_plot_set_labels(pl, axis && !strcmp(axis, "days") ? _("days")
			   : _("equivalent full cycles"), _("capacity / Ah"));
	fade_data(pl, &r, f);
	draw_scaled(pl, cr, x, y, w, h);
	bg_plot_free(pl);
}

/* Parameters of the fitted circuit in the circuit's own order. */
static int circuit_params(const bg_circuit *c, const cJSON *fit,
			  double *theta)
{
	const cJSON *par = at(fit, "params");
	size_t i, n = bg_circuit_nparams(c);
	char key[96];

	for (i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "%s",
			 bg_circuit_param_name(c, i));
		theta[i] = num(cJSON_GetObjectItemCaseSensitive(par, key),
			       "value");
		if (isnan(theta[i]))
			return -1;
	}
	return 0;
}

/* The fitted equivalent circuit from 1 kHz down to 10 mHz (above, the
 * cable inductance hides the arcs): the certificate holds the fit, not
 * the measured spectrum. */
static void draw_nyquist(cairo_t *cr, const cJSON *b, double x, double y,
			 double w, double h)
{
	const cJSON *fit = at(b, "impedance.fit");
	double theta[BG_CIRCUIT_MAX_PARAMS], re[NCURVE], im[NCURVE], om;
	bg_circuit *c = NULL;
	bg_plot *pl = NULL;
	size_t i;

	if (!str(fit, "circuit") ||
	    bg_circuit_parse(&c, str(fit, "circuit"), NULL) < 0 ||
	    circuit_params(c, fit, theta) < 0 ||
	    bg_plot_new(&pl, _("Impedance (fitted circuit)"), NULL) < 0) {
		no_figure(cr, x, y, w, h, _("Impedance"),
			  at(b, "impedance") ? _("no usable circuit fit")
					     : _("spectroscopy not used"));
		bg_circuit_free(c);
		return;
	}
	for (i = 0; i < NCURVE; i++) {
		om = 2 * M_PI * pow(10, 3 - 5.0 * (double)i / (NCURVE - 1));
		bg_circuit_eval(c, theta, om, &re[i], &im[i], NULL);
		re[i] *= 1000;
		im[i] *= -1000;
	}
	bg_plot_set_labels(pl, "Z' / mΩ", "−Z'' / mΩ");
	bg_plot_set_equal_aspect(pl, 1);
	bg_plot_add_series(pl, str(fit, "circuit"), re, im, NCURVE,
			   BG_PLOT_LINES);
	draw_scaled(pl, cr, x, y, w, h);
	bg_plot_free(pl);
	bg_circuit_free(c);
}

static void draw_qr(cairo_t *cr, const char *text, double x, double y,
		    double size)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	double m;
	int i, j;

	if (!q)
		return;
	/* quiet zone of 4 modules (ISO/IEC 18004) */
	m = size / (q->width + 8);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_rectangle(cr, x, y, size, size);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (i = 0; i < q->width; i++)
		for (j = 0; j < q->width; j++)
			if (q->data[i * q->width + j] & 1)
				cairo_rectangle(cr, x + (j + 4) * m,
						y + (i + 4) * m, m, m);
	cairo_fill(cr);
	QRcode_free(q);
}

static void draw_footer(cairo_t *cr, const char *id, const cJSON *b,
			const char *qr)
{
	char buf[256];
	cairo_text_extents_t ext;
	double x = MARGIN, y = PAGE_H - 160, w = 105, qs = 120;
	const char *sha = str(b, "decision.policy.sha256");

	y = heading(cr, x, y, _("Issue and provenance"));
	y = row(cr, x, y, w, _("Issued at (UTC)"), str(b, "issuedAt"));
	y = row(cr, x, y, w, _("Retest by"), str(b, "validUntil"));
	y = row(cr, x, y, w, _("Issuer"),
		clip(buf, sizeof(buf), str(b, "issuer.id"), 40));
	snprintf(buf, sizeof(buf), "%s, %s",
		 str(b, "issuer.facility") ? str(b, "issuer.facility") : "—",
		 str(b, "issuer.operator") ? str(b, "issuer.operator") : "—");
	y = row(cr, x, y, w, _("Facility, operator"), buf);
	snprintf(buf, sizeof(buf), "%s %s (sha256 %.16s…)",
		 str(b, "decision.policy.name") ? str(b, "decision.policy.name") : "",
		 str(b, "decision.policy.version") ? str(b, "decision.policy.version") : "",
		 sha ? sha : "");
	y = row(cr, x, y, w, _("Policy"), buf);
	snprintf(buf, sizeof(buf), "%s %s, %d %s",
		 str(b, "provenance.tool.name"), str(b, "provenance.tool.version"),
		 cJSON_GetArraySize(at(b, "provenance.inputs")),
		 _("input files hashed"));
	y = row(cr, x, y, w, _("Tool"), buf);
	font(cr, MONO, 0, 7.5);
	snprintf(buf, sizeof(buf), "battgrade verify --pubkey ISSUER.jwk %s.json",
		 id);
	text_at(cr, x, y + 6, buf);
	draw_qr(cr, qr, PAGE_W - MARGIN - qs, PAGE_H - 148, qs);
	font(cr, MONO, 0, 6.5);
	cairo_text_extents(cr, qr, &ext);
	text_at(cr, PAGE_W - MARGIN - ext.x_advance, PAGE_H - 22, qr);
}

static void draw_page(cairo_t *cr, const char *id, const cJSON *b)
{
	double half = (PAGE_W - 2 * MARGIN - 16) / 2;

	cairo_set_source_rgb(cr, 0, 0, 0);
	draw_header(cr, id, b);
	draw_grade(cr, b);
	draw_subject(cr, b);
	draw_applications(cr, b);
	draw_state(cr, b, 272);
	draw_rules(cr, b, 362);
	draw_fade_plot(cr, b, MARGIN, 480, half, 152);
	draw_nyquist(cr, b, MARGIN + half + 16, 480, half, 152);
	draw_models(cr, b, 646);
}

int bg_certpdf_write(const char *path, const char *id, const cJSON *body,
		     bg_error *err)
{
	char tmp[4096], *qr;
	cairo_surface_t *s;
	cairo_status_t cs;
	cairo_t *cr;
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmpXXXXXX", path) >= (int)sizeof(tmp))
		return bg_error_set(err, BG_ECANTCREAT, path, 0, 0,
				    _("path too long"));
	fd = mkstemp(tmp);
	if (fd < 0)
		return bg_error_set(err, BG_ECANTCREAT, path, 0, 0, "%s",
				    strerror(errno));
	close(fd);
	qr = bg_certpdf_qr_text(id, body);
	if (!qr) {
		unlink(tmp);
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
				    _("out of memory"));
	}
	s = cairo_pdf_surface_create(tmp, PAGE_W, PAGE_H);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, id);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR,
				       PACKAGE_STRING);
	if (str(body, "issuedAt"))
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE,
					       str(body, "issuedAt"));
	cr = cairo_create(s);
	draw_page(cr, id, body);
	draw_footer(cr, id, body, qr);
	cairo_show_page(cr);
	cs = cairo_status(cr);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	if (cs == CAIRO_STATUS_SUCCESS)
		cs = cairo_surface_status(s);
	cairo_surface_destroy(s);
	free(qr);
	if (cs != CAIRO_STATUS_SUCCESS || rename(tmp, path) < 0) {
		unlink(tmp);
		return bg_error_set(err, BG_EIO, path, 0, 0, "%s",
				    cs != CAIRO_STATUS_SUCCESS
				    ? cairo_status_to_string(cs)
				    : strerror(errno));
	}
	return 0;
}
