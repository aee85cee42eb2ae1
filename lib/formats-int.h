/*
 * formats-int.h - what the instrument-file readers share inside the
 * library (lib/formats.c, lib/eisimport.c, lib/bdf.c): lines of a text in
 * memory, header names and the column classifier.
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

#define BG_FMT_MAXCOLS 64      /* most columns in an instrument header */
#define BG_FMT_NAMELEN 96      /* longest column name kept */

/* The next line of t from *pos (advanced past it) into *l: 1, or 0 at
 * the end (then an empty line when there was none at all). */
int bg_text_next(const struct bg_text *t, size_t *pos, struct bg_line *l);
/* Line number no (1-based) of t into *l; 0 when t is shorter. */
int bg_text_line(const struct bg_text *t, unsigned long no,
		 struct bg_line *l);
/* Drop a UTF-8 byte-order mark from the start of t. */
void bg_text_skip_bom(struct bg_text *t);
/* The line starts with / contains the NUL-terminated text. */
int bg_line_starts(const struct bg_line *l, const char *prefix);
int bg_line_contains(const struct bg_line *l, const char *needle);
/* Number of fields when the line is only numbers separated by delim,
 * else 0. */
int bg_line_numeric(const struct bg_line *l, char delim);
/* Copy s[0..n) into dst (BG_FMT_NAMELEN bytes), trimmed of blanks and of
 * double quotes around it; s may be NULL. */
void bg_name_copy(char *dst, const char *s, size_t n);
/* Split a header line into names at delim (2: runs of two or more
 * blanks); the 1-based byte column of each into cols when not NULL.
 * Returns the count, or -1 for more than BG_FMT_MAXCOLS. */
int bg_names_split(const struct bg_line *l, int delim,
		   char names[][BG_FMT_NAMELEN], unsigned long *cols);

/* Classify a column name such as "-Im(Z)/Ohm" or "Zre (mOhm)". */
void bg_formats_classify(const char *name, struct bg_colmap *c);

/* Is this line (len bytes) the header of a BDF CSV file: a time column
 * and voltage or current by BDF name or label? */
int bg_bdf_is_header(const char *s, size_t len);

#endif
