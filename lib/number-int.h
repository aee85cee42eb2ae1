/*
 * number-int.h - the fast path of bg_parse_double(), inline, for the
 * CSV reader's inner loop (a call through the shared library's PLT per
 * field costs more than the parse itself).  See number.c.
 */
#ifndef BG_NUMBER_INT_H
#define BG_NUMBER_INT_H

#include <stddef.h>
#include <stdint.h>

#include "battgrade/number.h"

#define BG_HIDDEN __attribute__((visibility("hidden")))

/* strtod() on a bounded copy; -1 unless all of it is one number. */
BG_HIDDEN int bg_number_slow(const char *s, size_t len, double *out);
/* The exponent digits after 'e' (s to e); -1 when malformed. */
BG_HIDDEN int bg_number_exp(const char *s, const char *e, int *out);
BG_HIDDEN extern const double bg_pow10_exact[23];

static inline int bg_number_parse(const char *s, size_t len, double *out)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + len;
	const unsigned char *dot = NULL, *d0;
	uint64_t m = 0;
	unsigned d;
	int neg = 0, ndig = 0, exp10 = 0;

	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	s = (const char *)p;
	if (p < e && (*p == '-' || *p == '+'))
		neg = *p++ == '-';
	/* Integer digits, then fraction digits: two tight loops.  More
	 * than 15 digits (leading zeros included, which is rare) take the
	 * slow path, so m never loses a digit on the fast one. */
	d0 = p;
	while (p < e && (d = (unsigned)*p - '0') < 10) {
		m = 10 * m + d;
		p++;
	}
	ndig = (int)(p - d0);
	if (p < e && *p == '.') {
		dot = p++;
		while (p < e && (d = (unsigned)*p - '0') < 10) {
			m = 10 * m + d;
			p++;
		}
		ndig += (int)(p - dot - 1);
	}
	if (ndig > 15)
		return bg_number_slow(s, (size_t)(e - (const unsigned char *)s),
				 out);
	if (!ndig || (p < e && ((*p != 'e' && *p != 'E') ||
				bg_number_exp((const char *)p + 1,
					  (const char *)e, &exp10) < 0)))
		return bg_number_slow(s, (size_t)(e - (const unsigned char *)s),
				 out);
	if (dot)
		exp10 -= (int)(p - dot - 1);
	if (exp10 < -22 || exp10 > 22)
		return bg_number_slow(s, (size_t)(e - (const unsigned char *)s),
				 out);
	*out = exp10 < 0 ? (double)m / bg_pow10_exact[-exp10]
			 : (double)m * bg_pow10_exact[exp10];
	if (neg)
		*out = -*out;
	return 0;
}

#endif
