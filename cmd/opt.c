/*
 * opt.c - option tables to getopt_long, and --help from the same table.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "opt.h"

#define MAX_OPTS 64

void bg_opt_start(struct bg_optstate *st, int argc, char **argv,
		  const struct bg_opt *opts, const char *usage)
{
	st->argc = argc;
	st->argv = argv;
	st->opts = opts;
	st->usage = usage;
	st->optind = 1;
	optind = 0; /* full reset of getopt's state */
}

static size_t build(const struct bg_opt *opts, struct option *lo,
		    char *so, size_t solen)
{
	size_t n = 0, k = 0;

	so[k++] = '+'; /* stop at the first operand, like git */
	so[k++] = ':';
	for (; opts[n].name && n < MAX_OPTS - 2; n++) {
		lo[n].name = opts[n].name;
		lo[n].has_arg = opts[n].arg ? required_argument : no_argument;
		lo[n].flag = NULL;
		lo[n].val = opts[n].id;
		if (opts[n].shortc && k + 3 < solen) {
			so[k++] = (char)opts[n].shortc;
			if (opts[n].arg)
				so[k++] = ':';
		}
	}
	lo[n].name = "help";
	lo[n].has_arg = no_argument;
	lo[n].flag = NULL;
	lo[n].val = 'h' | 0x10000;
	memset(&lo[n + 1], 0, sizeof(lo[0]));
	so[k++] = 'h';
	so[k] = '\0';
	return n;
}

void bg_opt_help(const struct bg_optstate *st, void *fp)
{
	FILE *f = fp;
	const struct bg_opt *o;
	char left[64];

	fprintf(f, "%s: %s\n", _("usage"), st->usage);
	if (!st->opts[0].name)
		return;
	fputc('\n', f);
	for (o = st->opts; o->name; o++) {
		if (o->shortc)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->shortc,
				 o->name, o->arg ? " " : "",
				 o->arg ? o->arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->name,
				 o->arg ? " " : "", o->arg ? o->arg : "");
		fprintf(f, "    %-28s %s\n", left, _(o->help));
	}
}

static const char *cmdname(const struct bg_optstate *st)
{
	return st->argv[0];
}

int bg_opt_next(struct bg_optstate *st, const char **arg)
{
	struct option lo[MAX_OPTS];
	char so[2 * MAX_OPTS + 4];
	int c, idx = -1;

	build(st->opts, lo, so, sizeof(so));
	*arg = NULL;
	opterr = 0;
	c = getopt_long(st->argc, st->argv, so, lo, &idx);
	st->optind = optind;
	if (c == -1)
		return BG_OPT_DONE;
	if (c == 'h' || c == ('h' | 0x10000)) {
		bg_opt_help(st, stdout);
		return BG_OPT_HELP;
	}
	if (c == '?' || c == ':') {
		const char *bad = st->argv[optind - 1];

		if (c == ':')
			fprintf(stderr, _("battgrade %s: option '%s' needs "
					  "an argument\n"), cmdname(st), bad);
		else
			fprintf(stderr, _("battgrade %s: unknown option "
					  "'%s'\n"), cmdname(st), bad);
		fprintf(stderr, "%s: %s\n", _("usage"), st->usage);
		return BG_OPT_ERROR;
	}
	*arg = optarg;
	return c;
}

int bg_opt_double(const char *opt, const char *arg, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (end == arg || *end || errno || !isfinite(v)) {
		fprintf(stderr, _("battgrade: --%s: '%s' is not a number\n"),
			opt, arg);
		return -1;
	}
	*out = v;
	return 0;
}

int bg_opt_long(const char *opt, const char *arg, long min, long max,
		long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (end == arg || *end || errno || v < min || v > max) {
		fprintf(stderr, _("battgrade: --%s: '%s' is not a whole "
				  "number from %ld to %ld\n"), opt, arg, min,
			max);
		return -1;
	}
	*out = v;
	return 0;
}
