/*
 * certbody.c - a certificate body from one grading result.
 *
 * Maps one object of "battgrade grade --json" onto the members of
 * battgrade-certificate/1.  Names follow the Battery Pass data model
 * (DIN DKE SPEC 99100:2025-02, PerformanceAndDurability and the
 * ProductCondition submodel: remainingCapacity, capacityFade,
 * internalResistanceIncrease, energyThroughput, capacityThroughput,
 * numberOfFullCycles, negativeEvents, temperatureInformation,
 * remainingPowerCapability), which name Annex VII of Regulation (EU)
 * 2023/1542.  Quantities carry their unit as {"value", "unit"};
 * values the grading did not produce are null rather than absent, so
 * every certificate has the same shape.
 */
#include "config.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "battgrade/cert.h"
#include "i18n.h"

struct bld {
	const cJSON *g;         /* the grade object */
	const char *name;
	unsigned long line;
	bg_error *err;
	int rc;
};

static cJSON *add(struct bld *b, cJSON *parent, const char *key, cJSON *v)
{
	if (!v || !cJSON_AddItemToObject(parent, key, v)) {
		cJSON_Delete(v);
		if (b->rc == 0)
			b->rc = bg_error_set(b->err, BG_ENOMEM, NULL, 0, 0,
					     _("out of memory"));
		return NULL;
	}
	return v;
}

static const cJSON *get(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return v && !cJSON_IsNull(v) ? v : NULL;
}

/* A copy of o[key], or JSON null when absent. */
static cJSON *dup(const cJSON *o, const char *key)
{
	const cJSON *v = get(o, key);

	return v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull();
}

/* {"value": o[key], "unit": unit}, or null when o[key] is no number. */
static cJSON *qty(const cJSON *o, const char *key, const char *unit)
{
	const cJSON *v = get(o, key);
	cJSON *q;

	if (!cJSON_IsNumber(v))
		return cJSON_CreateNull();
	q = cJSON_CreateObject();
	if (q && (!cJSON_AddNumberToObject(q, "value", v->valuedouble) ||
		  !cJSON_AddStringToObject(q, "unit", unit))) {
		cJSON_Delete(q);
		q = NULL;
	}
	return q;
}

static const char *req_str(struct bld *b, const char *key)
{
	const cJSON *v = get(b->g, key);

	if (cJSON_IsString(v) && v->valuestring[0])
		return v->valuestring;
	if (b->rc == 0)
		b->rc = bg_error_set(b->err, BG_EDATA, b->name, b->line, 0,
				     _("grade result lacks the string '%s'"),
				     key);
	return NULL;
}

static cJSON *str_or_null(const char *s)
{
	return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

static void build_issuer(struct bld *b, cJSON *body, const bg_cert_meta *m)
{
	cJSON *o = add(b, body, "issuer", cJSON_CreateObject());

	if (!o)
		return;
	add(b, o, "id", cJSON_CreateString(m->issuer_id));
	add(b, o, "facility", str_or_null(m->facility));
	add(b, o, "operator", str_or_null(m->operator_name));
}

static void build_subject(struct bld *b, cJSON *body)
{
	cJSON *o = add(b, body, "subject", cJSON_CreateObject());
	const char *mod = req_str(b, "module_id"), *pack = req_str(b, "pack_id");

	if (!o || !mod || !pack)
		return;
	add(b, o, "moduleId", cJSON_CreateString(mod));
	add(b, o, "packId", cJSON_CreateString(pack));
	add(b, o, "chemistry", dup(b->g, "chemistry"));
	add(b, o, "manufacturer", dup(b->g, "manufacturer"));
	add(b, o, "model", dup(b->g, "model"));
	add(b, o, "positionInPack", dup(b->g, "position"));
	add(b, o, "ratedCapacity", qty(b->g, "rated_capacity_ah", "Ah"));
	add(b, o, "nominalVoltage", qty(b->g, "nominal_voltage_volt", "V"));
	add(b, o, "originalPassportId", dup(b->g, "passport_id"));
}

static void build_history(struct bld *b, cJSON *body)
{
	const cJSON *h = get(b->g, "history");
	cJSON *o = add(b, body, "history", cJSON_CreateObject()), *ct;

	if (!o)
		return;
	add(b, o, "energyThroughput", qty(h, "energy_throughput_kWh", "kWh"));
	ct = add(b, o, "capacityThroughput",
		 qty(h, "ah_throughput_discharge", "Ah"));
	if (ct && cJSON_IsObject(ct))
		add(b, ct, "charge", qty(h, "ah_throughput_charge", "Ah"));
	add(b, o, "numberOfFullCycles", dup(h, "equivalent_full_cycles"));
	add(b, o, "negativeEvents", get(h, "events")
		? cJSON_Duplicate(get(h, "events"), 1) : cJSON_CreateArray());
	add(b, o, "temperatureInformation", dup(h, "temperature_minutes"));
	add(b, o, "eventCounts", dup(h, "event_counts"));
	add(b, o, "coverage", dup(h, "coverage"));
	add(b, o, "calendarAgeDays", dup(h, "calendar_age_days"));
	add(b, o, "serviceDays", dup(h, "service_days"));
	add(b, o, "dataAvailable", cJSON_CreateBool(h != NULL));
}

static void build_state(struct bld *b, cJSON *body)
{
	cJSON *o = add(b, body, "measuredState", cJSON_CreateObject()), *s;
	const cJSON *soh = get(b->g, "soh_capacity");

	if (!o)
		return;
	add(b, o, "remainingCapacity", qty(b->g, "remaining_capacity_ah", "Ah"));
	add(b, o, "capacityFade", qty(b->g, "capacity_fade_percent", "%"));
	s = add(b, o, "stateOfHealth", cJSON_CreateObject());
	if (s) {
		/* Annex VII part A names capacity first; the basis is said
		 * outright because "SOH" is used for energy, too. */
		add(b, s, "value", cJSON_IsNumber(soh)
			? cJSON_CreateNumber(soh->valuedouble) : cJSON_CreateNull());
		add(b, s, "unit", cJSON_CreateString("1"));
		add(b, s, "basis", cJSON_CreateString("Ah-based"));
	}
	add(b, o, "internalResistance", qty(b->g, "resistance_ohm", "ohm"));
	add(b, o, "internalResistanceSource", dup(b->g, "resistance_source"));
	add(b, o, "internalResistanceBeginningOfLife",
	    qty(b->g, "resistance_bol_ohm", "ohm"));
	add(b, o, "internalResistanceBasis", dup(b->g, "resistance_basis"));
	add(b, o, "stateOfHealthResistance", dup(b->g, "soh_resistance"));
	add(b, o, "internalResistanceIncrease",
	    qty(b->g, "resistance_increase_percent", "%"));
	/* SPEC 99100 asks for power capability; the pulse test gives it
	 * at the pulse's state of charge (see dcir). */
	add(b, o, "remainingPowerCapability",
	    qty(get(b->g, "dcir"), "power_capability_w", "W"));
	add(b, o, "dcir", dup(b->g, "dcir"));
	add(b, o, "conditions", dup(b->g, "conditions"));
}

static void build_model(struct bld *b, cJSON *body)
{
	cJSON *o = add(b, body, "degradationModel", cJSON_CreateObject()), *r;

	if (!o)
		return;
	add(b, o, "fade", dup(b->g, "fade"));
	add(b, o, "kneeCycle", dup(b->g, "knee_cycle"));
	add(b, o, "kneeOnsetCycle", dup(b->g, "knee_onset_cycle"));
	r = add(b, o, "remainingUsefulLife", cJSON_CreateObject());
	if (!r)
		return;
	add(b, r, "application", dup(b->g, "rul_application"));
	add(b, r, "p50Years", dup(b->g, "rul_years_p50"));
	add(b, r, "p10Years", dup(b->g, "rul_years_p10"));
}

static void build_decision(struct bld *b, cJSON *body)
{
	cJSON *o = add(b, body, "decision", cJSON_CreateObject()), *p;
	const cJSON *apps = get(b->g, "applications"), *rules = get(b->g, "rules");
	const char *grade = req_str(b, "grade");

	if (!o || !grade)
		return;
	add(b, o, "grade", cJSON_CreateString(grade));
	add(b, o, "applications", cJSON_IsArray(apps)
		? cJSON_Duplicate(apps, 1) : cJSON_CreateArray());
	add(b, o, "rules", cJSON_IsArray(rules)
		? cJSON_Duplicate(rules, 1) : cJSON_CreateArray());
	add(b, o, "decidingRule", dup(b->g, "deciding_rule"));
	add(b, o, "notes", get(b->g, "notes") ? cJSON_Duplicate(
		get(b->g, "notes"), 1) : cJSON_CreateArray());
	p = add(b, o, "policy", cJSON_CreateObject());
	if (!p)
		return;
	add(b, p, "name", str_or_null(req_str(b, "policy")));
	add(b, p, "version", str_or_null(req_str(b, "policy_version")));
	add(b, p, "sha256", str_or_null(req_str(b, "policy_sha256")));
}

static void build_provenance(struct bld *b, cJSON *body,
			     const bg_cert_meta *m)
{
	cJSON *o = add(b, body, "provenance", cJSON_CreateObject()), *t;
	const cJSON *in = get(b->g, "inputs");

	if (!o)
		return;
	if (!cJSON_IsArray(in) && b->rc == 0)
		b->rc = bg_error_set(b->err, BG_EDATA, b->name, b->line, 0,
				     _("grade result lacks the array 'inputs'"));
	add(b, o, "inputs", cJSON_IsArray(in) ? cJSON_Duplicate(in, 1)
					      : cJSON_CreateArray());
	t = add(b, o, "tool", cJSON_CreateObject());
	if (!t)
		return;
	add(b, t, "name", cJSON_CreateString("battgrade"));
	add(b, t, "version", cJSON_CreateString(m->tool_version
						 ? m->tool_version : VERSION));
}

static void build_dates(struct bld *b, cJSON *body, const bg_cert_meta *m)
{
	char when[32], until[32];
	int days = m->valid_days > 0 ? m->valid_days : 365;

	if (bg_cert_time(when, sizeof(when), m->issued_at) < 0 ||
	    bg_cert_time(until, sizeof(until),
			 m->issued_at + (time_t)days * 86400) < 0) {
		b->rc = bg_error_set(b->err, BG_EINVAL, NULL, 0, 0,
				     _("issue time out of range"));
		return;
	}
	until[10] = '\0';      /* the retest date: YYYY-MM-DD */
	add(b, body, "issuedAt", cJSON_CreateString(when));
	add(b, body, "validUntil", cJSON_CreateString(until));
}

int bg_cert_body_from_grade(cJSON **out, const cJSON *grade,
			    const bg_cert_meta *meta, const char *name,
			    unsigned long line, bg_error *err)
{
	struct bld b = { grade, name, line, err, 0 };
	cJSON *body;

	*out = NULL;
	if (!cJSON_IsObject(grade))
		return bg_error_set(err, BG_EDATA, name, line, 0,
				    _("a grade result must be a JSON object"));
	if (!meta->issuer_id || !meta->issuer_id[0])
		return bg_error_set(err, BG_EINVAL, NULL, 0, 0,
				    _("an issuer id is required"));
	body = cJSON_CreateObject();
	if (!body)
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
				    _("out of memory"));
	add(&b, body, "schema", cJSON_CreateString(BG_CERT_SCHEMA_ID));
	build_dates(&b, body, meta);
	build_issuer(&b, body, meta);
	build_subject(&b, body);
	build_history(&b, body);
	build_state(&b, body);
	add(&b, body, "impedance", dup(grade, "impedance"));
	build_model(&b, body);
	build_decision(&b, body);
	build_provenance(&b, body, meta);
	if (meta->registry_url)
		add(&b, body, "registry", cJSON_CreateString(meta->registry_url));
	if (b.rc < 0) {
		cJSON_Delete(body);
		return b.rc;
	}
	*out = body;
	return 0;
}
