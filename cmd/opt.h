/*
 * opt.h - one option table per command drives getopt_long and --help.
 *
 * After libgit2's cli_opt_spec and git's parse-options: the table is
 * the single description of a command's options, so --help, the man
 * page test and the parser cannot drift apart.
 */
#ifndef BG_OPT_H
#define BG_OPT_H

struct bg_opt {
	int id;             /* returned by bg_opt_next(); a char for short
			       options, or any value >= 256 */
	const char *name;   /* long name without "--" */
	int shortc;         /* short letter, or 0 */
	const char *arg;    /* argument name ("FILE"), or NULL for a flag */
	const char *help;   /* one line, marked with N_() */
};

#define BG_OPT_END { 0, NULL, 0, NULL, NULL }

struct bg_optstate {
	int argc;
	char **argv;
	const struct bg_opt *opts;
	const char *usage;
	int optind;         /* first operand after parsing */
};

enum { BG_OPT_DONE = -1, BG_OPT_ERROR = -2, BG_OPT_HELP = -3 };

/*
 * Start parsing argv (argv[0] is the command name).  usage is the
 * synopsis printed by --help and on errors, e.g.
 * "battgrade inspect [--json] PACKDIR|FILE...".
 */
void bg_opt_start(struct bg_optstate *st, int argc, char **argv,
		  const struct bg_opt *opts, const char *usage);

/*
 * Next option: its id (argument in *arg, else NULL), BG_OPT_DONE with
 * st->optind at the first operand, BG_OPT_HELP after printing help to
 * stdout (--help/-h: the caller returns 0), or BG_OPT_ERROR after
 * printing the error and usage to stderr (the caller returns 64).
 */
int bg_opt_next(struct bg_optstate *st, const char **arg);

/* Print "usage: ..." and the option list to f. */
void bg_opt_help(const struct bg_optstate *st, void *f);

/* Parse a number argument strictly; prints an error and returns -1. */
int bg_opt_double(const char *opt, const char *arg, double *out);
int bg_opt_long(const char *opt, const char *arg, long min, long max,
		long *out);

#endif
