/*
 * certcmd.c - helpers of the certificate commands.
 *
 * The key and the outbox follow the XDG base directory specification
 * (STYLE.md "Configuration"): the signing key is configuration, the
 * spool of issued certificates waiting for "battgrade publish" is
 * state.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "certcmd.h"

static const struct bg_opt *find(const struct bg_opt *opts, const char *a)
{
	size_t n;

	for (; opts->name; opts++) {
		if (a[1] == '-') {
			n = strlen(opts->name);
			if (!strncmp(a + 2, opts->name, n) &&
			    (a[2 + n] == '\0' || a[2 + n] == '='))
				return opts;
		} else if (opts->shortc && a[1] == opts->shortc) {
			return opts;
		}
	}
	return NULL;
}

/* Does the option word a consume the next word as its argument? */
static int takes_next(const struct bg_opt *opts, const char *a)
{
	const struct bg_opt *o = find(opts, a);

	if (!o || !o->arg)
		return 0;
	return a[1] == '-' ? strchr(a, '=') == NULL : a[2] == '\0';
}

void certcmd_permute(int argc, char **argv, const struct bg_opt *opts)
{
	char **tmp = malloc((size_t)argc * sizeof(*tmp));
	int i, k = 1, end = argc;

	if (!tmp)
		return;
	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--")) {
			end = i;
			break;
		}
	/* options first (in order), then "--", then the operands */
	for (i = 1; i < end; i++) {
		if (argv[i][0] != '-' || argv[i][1] == '\0')
			continue;
		tmp[k++] = argv[i];
		if (takes_next(opts, argv[i]) && i + 1 < end)
			tmp[k++] = argv[++i];
	}
	if (end < argc)
		tmp[k++] = argv[end];   /* "--": getopt stops there */
	for (i = 1; i < end; i++) {
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			if (takes_next(opts, argv[i]) && i + 1 < end)
				i++;
			continue;
		}
		tmp[k++] = argv[i];
	}
	for (i = end + 1; i < argc; i++)
		tmp[k++] = argv[i];
	memcpy(argv + 1, tmp + 1, (size_t)(argc - 1) * sizeof(*argv));
	free(tmp);
}

static int base_dir(char *buf, size_t len, const char *env,
		    const char *fallback, const char *tail)
{
	const char *x = getenv(env), *home = getenv("HOME");
	int n;

	if (x && *x)
		n = snprintf(buf, len, "%s/battgrade%s", x, tail);
	else if (home && *home)
		n = snprintf(buf, len, "%s/%s/battgrade%s", home, fallback,
			     tail);
	else
		return -1;
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int certcmd_config_path(char *buf, size_t len, const char *name)
{
	char tail[256];

	snprintf(tail, sizeof(tail), "%s%s", name ? "/" : "",
		 name ? name : "");
	return base_dir(buf, len, "XDG_CONFIG_HOME", ".config", tail);
}

int certcmd_outbox(char *buf, size_t len)
{
	return base_dir(buf, len, "XDG_STATE_HOME", ".local/state",
			"/outbox");
}

int certcmd_mkdirs(const char *path, unsigned mode)
{
	char tmp[4096];
	size_t i, n = strlen(path);

	if (n >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(tmp, path, n + 1);
	for (i = 1; i <= n; i++) {
		if (tmp[i] != '/' && tmp[i] != '\0')
			continue;
		tmp[i] = '\0';
		if (mkdir(tmp, (mode_t)mode) < 0 && errno != EEXIST)
			return -1;
		tmp[i] = path[i];
	}
	return 0;
}
