/*
 * assess.h - grade every module of a pack: load the pack, fit and test
 * its measurements with the other modules of the library, gather the
 * evidence, run the policy's rules and build one JSON object per module.
 *
 * The module object is the contract of battgrade-grade(1) --json and
 * of the certificate: pack_id, module_id, grade, applications, rules,
 * deciding_rule, policy, policy_version, policy_sha256, the measured
 * state, the fits ("fade", "impedance", "dcir"), the "history" and the
 * SHA-256 of every input file ("inputs").
 */
#ifndef BG_ASSESS_H
#define BG_ASSESS_H

#include "battgrade/error.h"
#include "battgrade/policy.h"

struct cJSON;

/* A per-thread workspace (model fitters); the policy is shared and must
 * outlive it. */
typedef struct bg_assessor bg_assessor;

/* Returns 0, BG_ENOMEM or BG_ECONFIG (a model catalogue is broken). */
int bg_assessor_new(bg_assessor **out, const bg_policy *policy,
		    bg_error *err);
void bg_assessor_free(bg_assessor *a);

/*
 * With summary BG_ASSESS_SUMMARY (or any other non-zero value below
 * BG_ASSESS_ROW), each module's object holds only what an explanation,
 * a grade table or a CSV row shows (identity, grade, applications,
 * rules, state of health, RUL, notes): the "fade", "impedance",
 * "dcir", "history" and "inputs" details are left out (and the input
 * files are not hashed), which saves most of the JSON work in batch
 * grading.  BG_ASSESS_ROW also leaves out "rules" and "notes": what a
 * table or CSV row shows.  BG_ASSESS_FULL (0) by default.
 */
enum { BG_ASSESS_FULL = 0, BG_ASSESS_SUMMARY = 1, BG_ASSESS_ROW = 2 };
void bg_assessor_set_summary(bg_assessor *a, int summary);

/*
 * Assess the pack in directory dir.  *out receives a JSON array with
 * one object per module in manifest order (owned by the caller,
 * cJSON_Delete).  A pack that cannot be read (bad manifest, malformed
 * CSV) is an error for the whole pack: BG_EDATA, BG_ENOENT, BG_EIO or
 * BG_ECONFIG with err naming the file, line and column.
 */
int bg_assess_pack(bg_assessor *a, const char *dir, struct cJSON **out,
		   bg_error *err);

#endif
