/*
 * formats-int.h - what the instrument-file readers share inside the
 * library (lib/formats.c, lib/bdf.c): lines of a text in memory, the
 * column classifier and the conversion notes.
 */
#ifndef BG_FORMATS_INT_H
#define BG_FORMATS_INT_H

#include <stddef.h>

#include "battgrade/formats.h"

/* A whole file in memory and one of its lines (without CR/LF). */
struct bg_text {
	const char *buf;
	size_t len;
	const char *name;
};

struct bg_line {
	const char *s;
	size_t len;
	size_t off;              /* offset of the line in the text */
	unsigned long no;        /* 1-based line number */
};

enum bg_qty {
	BG_Q_NONE = 0, BG_Q_FREQ, BG_Q_ZRE, BG_Q_ZIM, BG_Q_ZMOD, BG_Q_PHASE,
	BG_Q_BAD                 /* a quantity's name with a foreign unit */
};

struct bg_colmap {
	enum bg_qty q;
	int sign;                /* -1 for "-Im(Z)" and "-Phase" */
	double scale;            /* to Hz, ohm or radians */
	int assumed;             /* no unit given: ohm / degrees assumed */
	enum bg_qty bad_q;       /* for BG_Q_BAD: the quantity named */
	char unit[16];
};

/* Classify a column name such as "-Im(Z)/Ohm" or "Zre (mOhm)". */
void bg_formats_classify(const char *name, struct bg_colmap *c);

/* Is this line (len bytes) the header of a BDF CSV file: a time column
 * and voltage or current by BDF name or label? */
int bg_bdf_is_header(const char *s, size_t len);

#endif
