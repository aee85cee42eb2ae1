/*
 * grade-out.h - printing graded modules (the JSON objects of assess.h)
 * as a table per pack, CSV rows, JSONL or a readable explanation.
 */
#ifndef BG_GRADE_OUT_H
#define BG_GRADE_OUT_H

#include <stdio.h>

struct cJSON;

enum bg_grade_format {
	BG_GRADE_TABLE, BG_GRADE_CSV, BG_GRADE_JSON, BG_GRADE_EXPLAIN
};

struct grade_out {
	enum bg_grade_format fmt;
	FILE *f;
	int header_done;
	unsigned long packs;
};

void bg_grade_out_init(struct grade_out *go, enum bg_grade_format fmt,
		       FILE *f);

/* Print one pack's modules (a JSON array of module objects). */
void bg_grade_out_pack(struct grade_out *go, const char *dir,
		       const struct cJSON *mods);

#endif
