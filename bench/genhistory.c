/*
 * genhistory.c - write a synthetic BMS log (history.csv) of N rows to
 * standard output, fast, for bench/history.sh.
 *
 * One sample every 10 s of a 40 Ah NMC module of 12 cells: a daily
 * duty of a 2-hour 0.5C charge, rest, and a discharge with a ripple,
 * temperature following the current, SOC counted from the current.
 * Numbers are formatted by hand (no printf) so that generating ten
 * million rows takes a few seconds.  Deterministic: no seed needed.
 */
#include <stdio.h>
#include <stdlib.h>

static char *put_uint(char *p, unsigned long v)
{
	char tmp[24];
	int n = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while (v /= 10);
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* Fixed-point decimal with `dec` decimals. */
static char *put_fixed(char *p, double x, int dec)
{
	unsigned long scale = 1, ip, fp;
	long v;
	int k;

	for (k = 0; k < dec; k++)
		scale *= 10;
	v = (long)(x * (double)scale + (x < 0 ? -0.5 : 0.5));
	if (v < 0) {
		*p++ = '-';
		v = -v;
	}
	ip = (unsigned long)v / scale;
	fp = (unsigned long)v % scale;
	p = put_uint(p, ip);
	*p++ = '.';
	for (k = dec - 1; k >= 0; k--) {
		p[k] = (char)('0' + fp % 10);
		fp /= 10;
	}
	return p + dec;
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
	static char buf[1 << 16];
	char *p = buf;
	double soc = 0.5, temp = 25;
	unsigned long i;
	unsigned r = 1;

	fputs("unix_time_second,current_ampere,voltage_volt,"
	      "surface_temperature_celsius,soc_percent\n", stdout);
	for (i = 0; i < n; i++) {
		unsigned long sod = (i * 10) % 86400; /* second of day */
		double cur = 0, v;

		r = r * 1103515245u + 12345u;
		if (sod < 7200)
			cur = 20;
		else if (sod >= 30000 && sod < 58000)
			cur = -5.2 - 3.0 * (double)((r >> 16) & 1023) / 1023;
		soc += cur * 10 / (3600 * 40);
		soc = soc < 0.05 ? 0.05 : soc > 0.98 ? 0.98 : soc;
		temp += 0.01 * (25 + 0.4 * (cur < 0 ? -cur : cur) - temp);
		v = 12 * (3.45 + 0.7 * soc + 0.002 * cur);
		p = put_uint(p, 1600000000ul + i * 10);
		*p++ = ',';
		p = put_fixed(p, cur, 3);
		*p++ = ',';
		p = put_fixed(p, v, 3);
		*p++ = ',';
		p = put_fixed(p, temp, 2);
		*p++ = ',';
		p = put_fixed(p, soc * 100, 2);
		*p++ = '\n';
		if (p - buf > (long)sizeof(buf) - 128) {
			fwrite(buf, 1, (size_t)(p - buf), stdout);
			p = buf;
		}
	}
	fwrite(buf, 1, (size_t)(p - buf), stdout);
	return ferror(stdout) ? 1 : 0;
}
