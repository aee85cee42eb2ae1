/*
 * isotime.c - ISO 8601 dates and date-times to seconds since the epoch.
 *
 * Accepted (ISO 8601-1:2019 extended format, RFC 3339 profile):
 *	YYYY-MM-DD
 *	YYYY-MM-DDThh:mm[:ss[.fff]][Z|+hh:mm|-hh:mm|+hhmm|+hh]
 * with 'T' or one space between date and time.  Without a zone the
 * time is taken as UTC.  Fields are range checked (no 31 April, no
 * 25:00); a leap second 60 is accepted and counts as :59.99...  The
 * civil-to-days conversion is H. Hinnant's days_from_civil
 * ("chrono-Compatible Low-Level Date Algorithms"), exact for every
 * proleptic Gregorian date, so no time zone database and no timegm()
 * portability question are involved.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "battgrade/pack.h"

static long days_from_civil(long y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int month_days(long y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
				    30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 ? 28 + leap : days[m - 1];
}

/* n decimal digits at *s into *v; advances *s. */
static int digits(const char **s, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*s)[i]))
			return -1;
		*v = *v * 10 + ((*s)[i] - '0');
	}
	*s += n;
	return 0;
}

static int parse_zone(const char *s, double *offset)
{
	int sign, hh, mm = 0;

	*offset = 0;
	if (!*s)
		return 0;
	if (!strcmp(s, "Z") || !strcmp(s, "z"))
		return 0;
	if (*s != '+' && *s != '-')
		return -1;
	sign = *s++ == '-' ? -1 : 1;
	if (digits(&s, 2, &hh) < 0 || hh > 23)
		return -1;
	if (*s == ':')
		s++;
	if (*s && (digits(&s, 2, &mm) < 0 || mm > 59))
		return -1;
	if (*s)
		return -1;
	*offset = sign * (hh * 3600.0 + mm * 60.0);
	return 0;
}

static int parse_clock(const char **ps, double *secs)
{
	const char *s = *ps;
	int hh, mm, ss = 0;
	double frac = 0, scale = 0.1;

	if (digits(&s, 2, &hh) < 0 || *s++ != ':' || digits(&s, 2, &mm) < 0)
		return -1;
	if (*s == ':') {
		s++;
		if (digits(&s, 2, &ss) < 0)
			return -1;
		if (*s == '.' || *s == ',') {
			if (!isdigit((unsigned char)s[1]))
				return -1;
			for (s++; isdigit((unsigned char)*s); s++, scale /= 10)
				frac += (*s - '0') * scale;
		}
	}
	if (hh > 23 || mm > 59 || ss > 60)
		return -1;
	if (ss == 60) /* a leap second: keep order, stay in the minute */
		ss = 59, frac = 0.999;
	*secs = hh * 3600.0 + mm * 60.0 + ss + frac;
	*ps = s;
	return 0;
}

int bg_parse_time(const char *s, double *out)
{
	int y, m, d;
	double secs = 0, zone = 0;

	if (!s || digits(&s, 4, &y) < 0 || *s++ != '-' ||
	    digits(&s, 2, &m) < 0 || *s++ != '-' || digits(&s, 2, &d) < 0)
		return BG_EDATA;
	if (m < 1 || m > 12 || d < 1 || d > month_days(y, m))
		return BG_EDATA;
	if (*s == 'T' || *s == 't' || *s == ' ') {
		s++;
		if (parse_clock(&s, &secs) < 0 || parse_zone(s, &zone) < 0)
			return BG_EDATA;
	} else if (*s) {
		return BG_EDATA;
	}
	*out = days_from_civil(y, m, d) * 86400.0 + secs - zone;
	return 0;
}
