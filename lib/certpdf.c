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
	char buf[160], v1[32], v2[32];
	double x = MARGIN + 170, y = 108, w = 105;

	y = row(cr, x, y, w, _("Module"), str(b, "subject.moduleId"));
	y = row(cr, x, y, w, _("Pack"), str(b, "subject.packId"));
	y = row(cr, x, y, w, _("Position in pack"),
		str(b, "subject.positionInPack"));
	snprintf(buf, sizeof(buf), "%s %s", str(b, "subject.manufacturer")
		 ? str(b, "subject.manufacturer") : "",
		 str(b, "subject.model") ? str(b, "subject.model") : "");
	y = row(cr, x, y, w, _("Manufacturer, model"), buf);
	y = row(cr, x, y, w, _("Chemistry"), str(b, "subject.chemistry"));
	snprintf(buf, sizeof(buf), "%s Ah, %s V",
		 fmt(v1, sizeof(v1), "%.1f", num(b, "subject.ratedCapacity.value")),
		 fmt(v2, sizeof(v2), "%.1f", num(b, "subject.nominalVoltage.value")));
	y = row(cr, x, y, w, _("Rated"), buf);
	y = row(cr, x, y, w, _("Original passport"),
		str(b, "subject.originalPassportId"));
	font(cr, FONT, 0, 9);
	row(cr, x, y + 4, w, _("Suitable for"), NULL);
}

static void draw_applications(cairo_t *cr, const cJSON *b)
{
	const cJSON *apps = at(b, "decision.applications"), *a;
	char buf[200], p50[24], p10[24];
	double x = MARGIN + 275, y = 226;
	int n = 0;

	font(cr, FONT, 1, 9.5);
	cJSON_ArrayForEach(a, apps) {
		snprintf(buf, sizeof(buf), _("%s (life P50 %s y, P10 %s y)"),
			 str(a, "name") ? str(a, "name") : "?",
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
	snprintf(buf, sizeof(buf), "%s %%", fmt(a, sizeof(a), "%.0f",
		 100 * num(b, "history.coverage")));
	row(cr, x2, y2, w - 20, _("History coverage"), buf);
}

static void draw_rules(cairo_t *cr, const cJSON *b, double y)
{
	const cJSON *rules = at(b, "decision.rules"), *r;
	char v[32], t[32];
	const char *id, *o;
	double x = MARGIN;
	int n = 0;

	y = heading(cr, x, y, _("Rule results"));
	font(cr, FONT, 1, 8.5);
	text_at(cr, x, y, _("rule"));
	text_at(cr, x + 170, y, _("value"));
	text_at(cr, x + 260, y, _("threshold"));
	text_at(cr, x + 350, y, _("outcome"));
	y += 13;
	font(cr, MONO, 0, 8.5);
	cJSON_ArrayForEach(r, rules) {
		if (n++ == 8)
			break;
		id = str(r, "id");
		o = str(r, "outcome");
		text_at(cr, x, y, id);
		text_at(cr, x + 170, y, fmt(v, sizeof(v), "%.4g", num(r, "value")));
		text_at(cr, x + 260, y, fmt(t, sizeof(t), "%.4g",
					    num(r, "threshold")));
		text_at(cr, x + 350, y, o);
		y += 12;
	}
	font(cr, FONT, 0, 8.5);
	if (str(b, "decision.decidingRule")) {
		char buf[128];

		snprintf(buf, sizeof(buf), _("deciding rule: %s"),
			 str(b, "decision.decidingRule"));
		text_at(cr, x, y + 2, buf);
	}
}

/* Model and impedance figures as text. */
static void draw_models(cairo_t *cr, const cJSON *b, double y)
{
	char buf[256], a[32], k[32];
	double x = MARGIN;
	const char *name = str(b, "degradationModel.fade.model");

	y = heading(cr, x, y, _("Degradation model and impedance"));
	font(cr, FONT, 0, 9);
	snprintf(buf, sizeof(buf), _("Capacity fade model: %s, AICc %s; knee: %s"),
		 name ? name : "—",
		 fmt(a, sizeof(a), "%.1f", num(b, "degradationModel.fade.aicc")),
		 isnan(num(b, "degradationModel.kneeCycle"))
		 ? (isnan(num(b, "degradationModel.kneeOnsetCycle"))
		    ? _("none")
		    : fmt(k, sizeof(k), _("onset at cycle %.0f"),
			  num(b, "degradationModel.kneeOnsetCycle")))
		 : fmt(k, sizeof(k), _("at cycle %.0f"),
		       num(b, "degradationModel.kneeCycle")));
	text_at(cr, x, y, buf);
	y += 13;
	if (!at(b, "impedance")) {
		text_at(cr, x, y, _("Impedance spectroscopy: not used"));
		return;
	}
	snprintf(buf, sizeof(buf),
		 _("Impedance: circuit %s; Lin-KK mu %s, max residual %s %%"),
		 str(b, "impedance.circuit") ? str(b, "impedance.circuit") : "—",
		 fmt(a, sizeof(a), "%.2f", num(b, "impedance.kk.mu")),
		 fmt(k, sizeof(k), "%.2f",
		     num(b, "impedance.kk.max_residual_percent")));
	text_at(cr, x, y, buf);
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
	double x = MARGIN, y = PAGE_H - 190, w = 105, qs = 140;
	const char *sha = str(b, "decision.policy.sha256");

	y = heading(cr, x, y, _("Issue and provenance"));
	y = row(cr, x, y, w, _("Issued at (UTC)"), str(b, "issuedAt"));
	y = row(cr, x, y, w, _("Retest by"), str(b, "validUntil"));
	snprintf(buf, sizeof(buf), "%.40s%s", str(b, "issuer.id"),
		 strlen(str(b, "issuer.id")) > 40 ? "…" : "");
	y = row(cr, x, y, w, _("Issuer"), buf);
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
	draw_qr(cr, qr, PAGE_W - MARGIN - qs, PAGE_H - 170, qs);
	font(cr, MONO, 0, 6.5);
	cairo_text_extents(cr, qr, &ext);
	text_at(cr, PAGE_W - MARGIN - ext.x_advance, PAGE_H - 22, qr);
}

static void draw_page(cairo_t *cr, const char *id, const cJSON *b)
{
	cairo_set_source_rgb(cr, 0, 0, 0);
	draw_header(cr, id, b);
	draw_grade(cr, b);
	draw_subject(cr, b);
	draw_applications(cr, b);
	draw_state(cr, b, 285);
	draw_rules(cr, b, 400);
	draw_models(cr, b, 560);
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
