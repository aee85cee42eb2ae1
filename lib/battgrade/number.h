/*
 * number.h - fast, exact parsing of decimal numbers from CSV fields.
 *
 * A BMS log holds tens of millions of short decimals ("3.6712",
 * "-12.5"); strtod() spends most of its time on locale and corner
 * cases those never need.  bg_parse_double() converts the common case
 * exactly (Clinger's fast path) and hands everything else to strtod().
 */
#ifndef BG_NUMBER_H
#define BG_NUMBER_H

#include <stddef.h>

/*
 * Parse the len bytes at s (no NUL needed) as one number, with optional
 * spaces or tabs around it.  Returns 0 and sets *out, or -1 when the
 * text is not a number or has trailing junk.  The result is the
 * correctly rounded double, identical to strtod()'s in the C locale:
 * decimals with at most 15 significant digits and a decimal exponent
 * within +-22 are converted exactly with one IEEE multiplication or
 * division (W. D. Clinger, "How to read floating point numbers
 * accurately", PLDI 1990); other text goes through strtod().  NaN and
 * infinities parse (as strtod() does); callers reject them.
 */
int bg_parse_double(const char *s, size_t len, double *out);

#endif
