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

#include "number-int.h"

const double bg_pow10_exact[23] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

int bg_number_slow(const char *s, size_t len, double *out)
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

int bg_number_exp(const char *s, const char *e, int *out)
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
	return bg_number_parse(s, len, out);
}
