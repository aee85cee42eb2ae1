/*
 * number.c - fast, exact parsing of decimal numbers (Clinger's fast
 * path with a strtod() fallback).
 *
 * The fast path is exact because both the integer mantissa m < 2^53
 * and 10^k for k <= 22 are representable doubles, so m * 10^k and
 * m / 10^k are each one correctly rounded IEEE operation: the same
 * double strtod() returns (Clinger 1990; also the first path of
 * D. Lemire's fast_float).  It needs round-to-nearest and no x87 excess
 * precision, which C11 on x86-64 and AArch64 (FLT_EVAL_METHOD 0) gives.
 */
#include "config.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "battgrade/error.h"
#include "battgrade/number.h"

static const double pow10_exact[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* [+-]digits[.digits][e[+-]digits]: 1 with *out set, 0 when not the
 * fast case (the caller then uses strtod). */
static int fast_path(const char *p, double *out)
{
	uint64_t m = 0;
	int neg = 0, ndig = 0, frac = 0, any = 0, e = 0, eneg = 0;
	long exp10;

	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	/* Leading zeros are not significant digits. */
	for (; is_digit(*p); p++, any = 1)
		if (m || *p != '0')
			m = m * 10 + (uint64_t)(*p - '0'), ndig++;
	if (*p == '.')
		for (p++; is_digit(*p); p++, any = 1, frac++)
			if (m || *p != '0')
				m = m * 10 + (uint64_t)(*p - '0'), ndig++;
	if (!any || ndig > 19)
		return 0;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '-' || *p == '+')
			eneg = *p++ == '-';
		if (!is_digit(*p))
			return 0;
		for (; is_digit(*p) && e < 10000; p++)
			e = e * 10 + (*p - '0');
	}
	while (is_blank(*p))
		p++;
	if (*p || m > (UINT64_C(1) << 53))
		return 0;
	exp10 = (eneg ? -e : e) - frac;
	if (exp10 < -22 || exp10 > 22)
		return 0;
	*out = exp10 < 0 ? (double)m / pow10_exact[-exp10]
			 : (double)m * pow10_exact[exp10];
	if (neg)
		*out = -*out;
	return 1;
}

int bg_parse_double(const char *s, double *out)
{
	char *end;
	double v;

	while (is_blank(*s))
		s++;
	if (!*s)
		return BG_EDATA;
	if (fast_path(s, out))
		return 0;
	errno = 0;
	v = strtod(s, &end);
	while (is_blank(*end))
		end++;
	if (end == s || *end || !isfinite(v))
		return BG_EDATA;
	*out = v;
	return 0;
}
