/*
 * battgrade.c - main(): global options and the git-style dispatcher.
 *
 * The table comes from commands.def, the only list of commands.  A
 * mistyped command gets the nearest names by edit distance, as git's
 * help.c does.
 */
#include "config.h"

#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

int cmd_verbose;

struct command {
	const char *name;
	int (*fn)(int, char **);
	const char *summary;
};

static const struct command commands[] = {
#define BG_COMMAND(name, fn, summary) { #name, fn, summary },
#include "commands.def"
#undef BG_COMMAND
	{ NULL, NULL, NULL }
};

static const char usage_text[] =
	"battgrade [--verbose] [--version] [--help] COMMAND [ARGS]";

void cmd_report(const bg_error *err)
{
	char buf[BG_ERROR_FILE_MAX + BG_ERROR_MSG_MAX + 64];

	bg_error_format(err, buf, sizeof(buf));
	if (err->file[0])
		fprintf(stderr, "%s\n", buf);
	else
		fprintf(stderr, "battgrade: %s\n", buf);
}

void cmd_warn(const char *fmt, ...)
{
	va_list ap;

	fputs("battgrade: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void print_commands(FILE *f)
{
	const struct command *c;

	fprintf(f, "%s: %s\n\n%s\n", _("usage"), usage_text,
		_("Commands:"));
	for (c = commands; c->name; c++)
		fprintf(f, "    %-10s %s\n", c->name, _(c->summary));
	fprintf(f, "\n%s\n", _("See 'battgrade help COMMAND' or "
			       "'man battgrade-COMMAND' for details."));
}

static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[64], prev, tmp;

	if (lb >= sizeof(row) / sizeof(row[0]))
		return lb;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			row[j] = a[i - 1] == b[j - 1] ? prev :
				1 + (prev < row[j] ?
				     (prev < row[j - 1] ? prev : row[j - 1]) :
				     (row[j] < row[j - 1] ? row[j] : row[j - 1]));
			prev = tmp;
		}
	}
	return row[lb];
}

static const struct command *find(const char *name)
{
	const struct command *c;

	for (c = commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static int unknown(const char *name)
{
	const struct command *c;
	size_t best = (size_t)-1;

	fprintf(stderr, _("battgrade: '%s' is not a battgrade command; "
			  "see 'battgrade help'\n"), name);
	for (c = commands; c->name; c++) {
		size_t d = distance(name, c->name);

		if (d < best)
			best = d;
	}
	if (best > 2)
		return BG_EXIT_USAGE;
	fprintf(stderr, "\n%s\n", _("The most similar command is"));
	for (c = commands; c->name; c++)
		if (distance(name, c->name) == best)
			fprintf(stderr, "\t%s\n", c->name);
	return BG_EXIT_USAGE;
}

int cmd_help(int argc, char **argv)
{
	const struct command *c;
	char *args[] = { NULL, "--help", NULL };

	if (argc < 2) {
		print_commands(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		printf("%s: battgrade help [COMMAND]\n", _("usage"));
		return 0;
	}
	if (!(c = find(argv[1])))
		return unknown(argv[1]);
	args[0] = argv[1];
	return c->fn(2, args);
}

static void setup_locale(void)
{
	setlocale(LC_ALL, "");
	/* Numbers in data files and JSON always use '.' as the decimal
	 * point, whatever the user's locale. */
	setlocale(LC_NUMERIC, "C");
#if ENABLE_NLS
	bindtextdomain(PACKAGE, getenv("BATTGRADE_LOCALEDIR") ?
		       getenv("BATTGRADE_LOCALEDIR") : LOCALEDIR);
	textdomain(PACKAGE);
#endif
}

int main(int argc, char **argv)
{
	const struct command *c;
	int i = 1, rc, out;

	setup_locale();
	if (bg_init() < 0) {
		fprintf(stderr, _("battgrade: cannot initialise libraries\n"));
		return BG_EXIT_SOFTWARE;
	}
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--version")) {
			printf("battgrade %s\n", PACKAGE_VERSION);
			return bg_out_finish();
		} else if (!strcmp(argv[i], "--help") ||
			   !strcmp(argv[i], "-h")) {
			print_commands(stdout);
			return bg_out_finish();
		} else if (!strcmp(argv[i], "--verbose") ||
			   !strcmp(argv[i], "-v")) {
			cmd_verbose++;
		} else {
			fprintf(stderr, _("battgrade: unknown option '%s'\n"),
				argv[i]);
			fprintf(stderr, "%s: %s\n", _("usage"), usage_text);
			return BG_EXIT_USAGE;
		}
	}
	if (i == argc) {
		print_commands(stderr);
		return BG_EXIT_USAGE;
	}
	if (!(c = find(argv[i])))
		return unknown(argv[i]);
	rc = c->fn(argc - i, argv + i);
	out = bg_out_finish();
	return rc ? rc : out;
}
