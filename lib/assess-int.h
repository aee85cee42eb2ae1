/*
 * assess-int.h - what assess.c gathers for a pack and a module, shared
 * with assess-json.c, which turns it into the module's JSON object.
 * Private to the library.
 */
#ifndef BG_ASSESS_INT_H
#define BG_ASSESS_INT_H

#include <cjson/cJSON.h>

#include "battgrade/dcir.h"
#include "battgrade/eisfit.h"
#include "battgrade/fade.h"
#include "battgrade/grade.h"
#include "battgrade/history.h"
#include "battgrade/kk.h"
#include "battgrade/pack.h"
#include "battgrade/policy.h"

/* Everything read from one pack directory. */
struct packdata {
	bg_pack *pack;
	bg_capacity_set *cap;
	bg_spectrum_set *spec;
	bg_pulse_set *pulse;
	bg_history *hist;
	cJSON *inputs;
};

/* What was measured and fitted for one module, besides the evidence. */
struct module_state {
	const bg_module_info *info;
	const bg_capacity_series *cap;
	double capacity_ah;           /* latest check, NAN none */
	double r_now_ohm, r_bol_ohm;
	const char *r_source;         /* "capacity_check", "pulse_10s" */
	bg_fade_result fade, rfade;
	int have_fade, have_rfade;
	char fade_error[BG_ERROR_MSG_MAX];
	int beyond[BG_POLICY_MAX_PROFILES];
	bg_kk_result kk;
	int have_spectrum, kk_error;
	bg_eis_result eis;
	int eis_rc;
	bg_dcir_result dcir;
	int have_dcir;
	cJSON *notes;
};

/* Seconds since the epoch of a manifest date; NAN when "" or bad. */
double bg_assess_parse_date(const char *s);

/*
 * The module's JSON object (owned by the caller), or NULL when out of
 * memory.  Takes ms->notes over (sets it to NULL).  With summary, the
 * fade, impedance, dcir, history and inputs details are left out (see
 * bg_assessor_set_summary).
 */
cJSON *bg_assess_module_json(const bg_policy *p, const struct packdata *pd,
			     struct module_state *ms, const bg_evidence *ev,
			     const bg_grade_result *g, const char *scope,
			     int summary);

#endif
