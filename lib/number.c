/*
 * number.c - fast exact decimal parsing (see battgrade/number.h).
 *
 * Clinger's fast path: when the decimal significand m fits in 53 bits
 * (here: at most 15 digits, m < 10^15 < 2^53) and |e| <= 22, both m and
 * 10^|e| are exact doubles, so m * 10^e or m / 10^-e is one correctly
 * rounded IEEE operation, the same value strtod() returns.  Anything
 * longer, hexadecimal, or spelled (inf, nan) goes through strtod() on a
 * NUL-terminated copy.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "battgrade/number.h"

static const double pow10_exact[23] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

/* strtod() on a bounded copy; -1 unless all of it is one number. */
static int slow_path(const char *s, size_t len, double *out)
{
	char tmp[128], *end, *heap = NULL, *p = tmp;
	int rc = 0;

	if (len >= sizeof(tmp)) {
		if (!(heap = malloc(len + 1)))
			return -1;
		p = heap;
	}
	memcpy(p, s, len);
	p[len] = '\0';
	*out = strtod(p, &end);
	if (end == p || (size_t)(end - p) != len)
		rc = -1;
	free(heap);
	return rc;
}

/* Exponent part after 'e' or 'E'; -1 when malformed. */
static int parse_exp(const char *s, const char *e, int *out)
{
	int neg = 0, v = 0;

	if (s < e && (*s == '+' || *s == '-'))
		neg = *s++ == '-';
	if (s == e)
		return -1;
	for (; s < e; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v < 10000)
			v = 10 * v + (*s - '0');
	}
	*out = neg ? -v : v;
	return 0;
}

int bg_parse_double(const char *s, size_t len, double *out)
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
		return slow_path(s, (size_t)(e - (const unsigned char *)s),
				 out);
	if (!ndig || (p < e && ((*p != 'e' && *p != 'E') ||
				parse_exp((const char *)p + 1,
					  (const char *)e, &exp10) < 0)))
		return slow_path(s, (size_t)(e - (const unsigned char *)s),
				 out);
	if (dot)
		exp10 -= (int)(p - dot - 1);
	if (exp10 < -22 || exp10 > 22)
		return slow_path(s, (size_t)(e - (const unsigned char *)s),
				 out);
	*out = exp10 < 0 ? (double)m / pow10_exact[-exp10]
			 : (double)m * pow10_exact[exp10];
	if (neg)
		*out = -*out;
	return 0;
}
