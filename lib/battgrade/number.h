/*
 * number.h - fast, exact parsing of decimal numbers.
 *
 * BMS logs are tens of millions of rows of short decimals ("-63.92");
 * strtod() is the hot spot of reading them.  bg_parse_double() converts
 * the common case (at most 19 significant digits, a value below 2^53
 * before scaling, a power of ten up to 10^22) with one correctly
 * rounded IEEE multiplication or division (W. D. Clinger, "How to read
 * floating point numbers accurately", PLDI 1990, the "fast path"), so
 * the result is bit-identical to strtod(); anything else falls back to
 * strtod().
 */
#ifndef BG_NUMBER_H
#define BG_NUMBER_H

#include <stddef.h>

/*
 * Parse the NUL-terminated text s, ignoring outer blanks and tabs, as a
 * finite double into *out.  Returns 0, or BG_EDATA when s is empty,
 * has trailing junk, or is NaN or infinite (*out is then unchanged).
 * Accepts what strtod() accepts (including exponents and hexadecimal).
 */
int bg_parse_double(const char *s, double *out);

#endif
