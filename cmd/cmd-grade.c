/* cmd-grade.c: placeholder until its issue lands; replaced by the real command. */
#include "config.h"

#include <string.h>

#include "cmd.h"

int cmd_grade(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--help")) {
		printf("usage: battgrade %s (not implemented yet)\n", argv[0]);
		return 0;
	}
	cmd_warn(_("'%s' is not implemented yet"), argv[0]);
	return BG_EXIT_UNAVAILABLE;
}
