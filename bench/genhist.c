/*
 * genhist.c - write a synthetic BMS log (history.csv) of N rows for the
 * ingest benchmark: unix_time_second, current_ampere, voltage_volt,
 * surface_temperature_celsius, soc_percent, one row a second.
 *
 * The duty is a repeating drive/rest/charge cycle with a fixed-seed
 * linear congruential noise, so every run writes the same bytes.
 * Numbers are formatted by hand: printf would make the generator
 * slower than the reader it feeds.
 *
 *	genhist ROWS > history.csv
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Fixed-point v (scaled by 10^dec) as decimal text at p; returns the
 * end. */
static char *put_fixed(char *p, long v, int dec)
{
	char tmp[32];
	int n = 0, i;

	if (v < 0) {
		*p++ = '-';
		v = -v;
	}
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v || n <= dec);
	for (i = n - 1; i >= 0; i--) {
		*p++ = tmp[i];
		if (i == dec && dec)
			*p++ = '.';
	}
	return p;
}

int main(int argc, char **argv)
{
	static char buf[1 << 16];
	unsigned long long rows, i;
	unsigned long seed = 12345;
	long t0 = 1700000000, soc = 800; /* 0.1 % */
	char *p = buf, *end;

	if (argc != 2 || (rows = strtoull(argv[1], &end, 10)) == 0 || *end) {
		fprintf(stderr, "usage: genhist ROWS\n");
		return 64;
	}
	fputs("unix_time_second,current_ampere,voltage_volt,"
	      "surface_temperature_celsius,soc_percent\n", stdout);
	for (i = 0; i < rows; i++) {
		long phase = (long)(i % 3600), cur, volt, temp;

		seed = seed * 1103515245UL + 12345UL;
		/* drive 40 min at about -60 A, rest 5 min, charge 15 min */
		cur = phase < 2400 ? -6000 - (long)(seed >> 16) % 1500
				   : phase < 2700 ? 0 : 9000;
		soc += phase < 2400 ? (i % 4 == 0 ? -1 : 0)
				    : phase < 2700 ? 0 : (i % 3 == 0 ? 2 : 0);
		if (soc < 100)
			soc = 100;
		if (soc > 1000)
			soc = 1000;
		volt = 43200 + soc * 3 + cur / 20;      /* mV */
		temp = 220 + (phase < 2400 ? phase / 120 : 20); /* 0.1 C */
		p = put_fixed(p, t0 + (long)i, 0);
		*p++ = ',';
		p = put_fixed(p, cur, 2);
		*p++ = ',';
		p = put_fixed(p, volt, 3);
		*p++ = ',';
		p = put_fixed(p, temp, 1);
		*p++ = ',';
		p = put_fixed(p, soc, 1);
		*p++ = '\n';
		if (p - buf > (long)sizeof(buf) - 128) {
			fwrite(buf, 1, (size_t)(p - buf), stdout);
			p = buf;
		}
	}
	fwrite(buf, 1, (size_t)(p - buf), stdout);
	return fflush(stdout) ? 74 : 0;
}
