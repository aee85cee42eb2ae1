/*
 * regopt.c - move operands behind options (see regopt.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "regopt.h"

/* 1 when the option word w takes its argument from the next word. */
static int needs_next(const char *w, const struct bg_opt *opts)
{
	const struct bg_opt *o;
	size_t n;

	if (w[1] != '-') {
		for (o = opts; o->name; o++)
			if (o->shortc == w[1] && o->arg && !w[2])
				return 1;
		return 0;
	}
	if (strchr(w, '='))
		return 0;
	n = strlen(w + 2);
	for (o = opts; o->name; o++)
		if (!strncmp(o->name, w + 2, n) && strlen(o->name) == n)
			return o->arg != NULL;
	return 0;
}

void regopt_permute(int argc, char **argv, const struct bg_opt *opts)
{
	char **opt, **ops;
	int i, no = 0, np = 0, done = 0;

	if (argc < 3 || !(opt = calloc((size_t)argc, sizeof(*opt))))
		return;
	if (!(ops = calloc((size_t)argc, sizeof(*ops)))) {
		free(opt);
		return;
	}
	for (i = 1; i < argc; i++) {
		const char *w = argv[i];

		if (done || w[0] != '-' || !w[1]) {
			ops[np++] = argv[i];
		} else if (!strcmp(w, "--")) {
			done = 1;
		} else {
			opt[no++] = argv[i];
			if (needs_next(w, opts) && i + 1 < argc)
				opt[no++] = argv[++i];
		}
	}
	if (done)
		opt[no++] = "--";
	memcpy(argv + 1, opt, (size_t)no * sizeof(*argv));
	memcpy(argv + 1 + no, ops, (size_t)np * sizeof(*argv));
	free(opt);
	free(ops);
}
