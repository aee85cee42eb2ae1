/*
 * cmd-fit.c - "battgrade fit capacity|resistance|impedance": dispatch
 * to the fitting commands of each model family.
 */
#include "config.h"

#include <string.h>

#include "cmd.h"

static const char usage[] =
	"battgrade fit capacity|resistance|impedance [OPTIONS] FILE|PACKDIR";

int cmd_fit(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		FILE *f = argc < 2 ? stderr : stdout;

		fprintf(f, "%s: %s\n", _("usage"), usage);
		fprintf(f, "\n    capacity    %s\n    resistance  %s\n"
			"    impedance   %s\n",
			_("capacity fade models, knee and remaining life"),
			_("resistance growth models and remaining life"),
			_("equivalent-circuit fits of impedance spectra"));
		return argc < 2 ? BG_EXIT_USAGE : 0;
	}
	if (!strcmp(argv[1], "capacity"))
		return cmd_fit_capacity(argc - 1, argv + 1);
	if (!strcmp(argv[1], "resistance"))
		return cmd_fit_resistance(argc - 1, argv + 1);
	if (!strcmp(argv[1], "impedance"))
		return cmd_fit_impedance(argc - 1, argv + 1);
	fprintf(stderr, _("battgrade fit: unknown model family '%s'\n"),
		argv[1]);
	fprintf(stderr, "%s: %s\n", _("usage"), usage);
	return BG_EXIT_USAGE;
}
