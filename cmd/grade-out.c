/*
 * grade-out.c - the four output forms of battgrade grade, all built
 * from the same module JSON so that they cannot disagree.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "grade-out.h"
#include "i18n.h"
#include "out.h"

void bg_grade_out_init(struct grade_out *go, enum bg_grade_format fmt,
		       FILE *f)
{
	go->fmt = fmt;
	go->f = f;
	go->header_done = 0;
	go->packs = 0;
}

static const cJSON *get(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

static const char *str(const cJSON *o, const char *key)
{
	const char *s = cJSON_GetStringValue(get(o, key));

	return s ? s : "";
}

/* A number formatted with fmt, or "-" when null. */
static const char *num(char *buf, size_t len, const cJSON *o,
		       const char *key, const char *fmt, double scale)
{
	const cJSON *v = get(o, key);

	if (!cJSON_IsNumber(v))
		return "-";
	return bg_fmt(buf, len, fmt, v->valuedouble * scale);
}

/* The first (most demanding) suited application, or "-". */
static const char *best_app(const cJSON *m)
{
	const cJSON *a = cJSON_GetArrayItem(get(m, "applications"), 0);

	return a ? str(a, "name") : "-";
}

static const char *deciding(const cJSON *m)
{
	const char *d = str(m, "deciding_rule");

	return *d ? d : "-";
}

static void table(struct grade_out *go, const char *dir, const cJSON *mods)
{
	static const char *const head[] = {
		"MODULE", "GRADE", "SOH_C", "SOH_R", "RUL_P50_Y", "RUL_P10_Y",
		"BEST_APPLICATION", "DECIDING_RULE"
	};
	struct bg_table *t = bg_table_new(8, head);
	const cJSON *m, *first = cJSON_GetArrayItem(mods, 0);
	char b[4][32];

	if (!t)
		return;
	if (go->packs++)
		fputc('\n', go->f);
	fprintf(go->f, "%s %s (%s, %s)\n", _("pack"),
		first ? str(first, "pack_id") : "?", dir,
		first ? str(first, "chemistry") : "?");
	cJSON_ArrayForEach(m, mods) {
		const char *row[8] = {
			str(m, "module_id"), str(m, "grade"),
			num(b[0], 32, m, "soh_capacity", "%.1f%%", 100),
			num(b[1], 32, m, "soh_resistance", "%.2f", 1),
			num(b[2], 32, m, "rul_years_p50", "%.1f", 1),
			num(b[3], 32, m, "rul_years_p10", "%.1f", 1),
			best_app(m), deciding(m)
		};

		bg_table_add(t, row);
	}
	bg_table_print(t, go->f);
	bg_table_free(t);
}

static void csv(struct grade_out *go, const cJSON *mods)
{
	static const char *const head[] = {
		"pack_id", "module_id", "grade", "soh_capacity",
		"soh_resistance", "resistance_basis", "rul_years_p50",
		"rul_years_p10", "best_application", "deciding_rule", "policy",
		"policy_version", "policy_sha256"
	};
	const cJSON *m;
	char b[4][32];

	if (!go->header_done++)
		bg_csv_write_row(go->f, 13, head);
	cJSON_ArrayForEach(m, mods) {
		const char *row[13] = {
			str(m, "pack_id"), str(m, "module_id"), str(m, "grade"),
			num(b[0], 32, m, "soh_capacity", "%.6g", 1),
			num(b[1], 32, m, "soh_resistance", "%.6g", 1),
			str(m, "resistance_basis"),
			num(b[2], 32, m, "rul_years_p50", "%.6g", 1),
			num(b[3], 32, m, "rul_years_p10", "%.6g", 1),
			best_app(m), str(m, "deciding_rule"), str(m, "policy"),
			str(m, "policy_version"), str(m, "policy_sha256")
		};

		/* CSV leaves unknown numbers empty, not "-". */
		for (size_t i = 3; i < 8; i++)
			if (!strcmp(row[i], "-"))
				row[i] = "";
		if (!strcmp(row[8], "-"))
			row[8] = "";
		bg_csv_write_row(go->f, 13, row);
	}
}

static void jsonl(struct grade_out *go, const cJSON *mods)
{
	const cJSON *m;

	cJSON_ArrayForEach(m, mods)
		bg_json_print(go->f, m, 0);
}

/* "0.78 >= 0.8 fraction" */
static void test_text(char *buf, size_t len, const cJSON *r)
{
	const cJSON *v = get(r, "value"), *t = get(r, "threshold");
	char vb[32];

	if (cJSON_IsNumber(v))
		bg_fmt(vb, sizeof(vb), "%.4g", v->valuedouble);
	else
		bg_fmt(vb, sizeof(vb), "%s", _("unknown"));
	snprintf(buf, len, "%s %s %.4g%s%s", vb, str(r, "op"),
		 cJSON_IsNumber(t) ? t->valuedouble : NAN,
		 *str(r, "unit") ? " " : "", str(r, "unit"));
}

static void explain_rule(struct grade_out *go, const cJSON *r)
{
	const cJSON *alt;
	const char *outcome = str(r, "outcome"), *cap = str(r, "cap");
	char test[96];

	test_text(test, sizeof(test), r);
	fprintf(go->f, "  %-13s %-24s %-15s %s", str(r, "gate"),
		str(r, "id"), outcome, test);
	cJSON_ArrayForEach(alt, get(r, "or")) {
		char ab[96];

		test_text(ab, sizeof(ab), alt);
		fprintf(go->f, _(" or %s %s"), str(alt, "input"), ab);
	}
	if (*cap)
		fprintf(go->f, _("  -> at most %s"), cap);
	fputc('\n', go->f);
}

static void explain_module(struct grade_out *go, const cJSON *m)
{
	const cJSON *r, *a, *n;
	const char *d = str(m, "deciding_rule");
	char b[2][32];

	fprintf(go->f, "%s %s: %s %s", str(m, "pack_id"), str(m, "module_id"),
		_("grade"), str(m, "grade"));
	if (*d)
		fprintf(go->f, _(", decided by %s"), d);
	else
		fprintf(go->f, _(", every rule passed or did not apply"));
	fprintf(go->f, _(" (policy %s %s)\n"), str(m, "policy"),
		str(m, "policy_version"));
	cJSON_ArrayForEach(r, get(m, "rules"))
		explain_rule(go, r);
	fprintf(go->f, "  %s:", _("applications"));
	cJSON_ArrayForEach(a, get(m, "applications"))
		fprintf(go->f, " %s (P50 %s y, P10 %s y)%s", str(a, "name"),
			num(b[0], 32, a, "p50_years", "%.1f", 1),
			num(b[1], 32, a, "p10_years", "%.1f", 1),
			a->next ? "," : "");
	if (!cJSON_GetArraySize(get(m, "applications")))
		fprintf(go->f, " %s", _("none"));
	fputc('\n', go->f);
	fprintf(go->f, "  %s: %s\n", _("resistance basis"),
		str(m, "resistance_basis"));
	cJSON_ArrayForEach(n, get(m, "notes"))
		fprintf(go->f, "  %s: %s\n", _("note"),
			cJSON_GetStringValue(n));
}

void bg_grade_out_pack(struct grade_out *go, const char *dir,
		       const cJSON *mods)
{
	const cJSON *m;

	switch (go->fmt) {
	case BG_GRADE_TABLE:
		table(go, dir, mods);
		break;
	case BG_GRADE_CSV:
		csv(go, mods);
		break;
	case BG_GRADE_JSON:
		jsonl(go, mods);
		break;
	case BG_GRADE_EXPLAIN:
		cJSON_ArrayForEach(m, mods) {
			if (go->packs++)
				fputc('\n', go->f);
			explain_module(go, m);
		}
		break;
	}
}
