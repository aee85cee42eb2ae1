/*
 * models.c - locating the data files of the model catalogue.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "battgrade/models.h"
#include "i18n.h"

static int is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *bg_models_dir(void)
{
	const char *env = getenv("BATTGRADE_MODELS");

	if (env && *env)
		return env;
	if (is_dir(BG_PKGDATADIR "/models"))
		return BG_PKGDATADIR "/models";
	return BG_SRC_MODELS;
}

int bg_models_path(char *buf, size_t len, const char *sub,
		   const char *name, bg_error *err)
{
	int n = sub ? snprintf(buf, len, "%s/%s/%s", bg_models_dir(), sub,
			       name)
		    : snprintf(buf, len, "%s/%s", bg_models_dir(), name);

	if (n < 0 || (size_t)n >= len)
		return bg_error_set(err, BG_EINVAL, NULL, 0, 0,
				    _("model path too long"));
	return 0;
}

int bg_read_file(char **out, size_t *outlen, const char *path, size_t max,
		 bg_error *err)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n;

	*out = NULL;
	if (!f)
		return bg_error_set(err, errno == ENOENT ? BG_ENOENT : BG_EIO,
				    path, 0, 0, _("cannot open: %s"),
				    strerror(errno));
	buf = malloc(max + 1);
	if (!buf) {
		fclose(f);
		return bg_error_set(err, BG_ENOMEM, path, 0, 0, "oom");
	}
	n = fread(buf, 1, max + 1, f);
	if (ferror(f)) {
		fclose(f);
		free(buf);
		return bg_error_set(err, BG_EIO, path, 0, 0,
				    _("read failed"));
	}
	fclose(f);
	if (n > max) {
		free(buf);
		return bg_error_set(err, BG_EDATA, path, 0, 0,
				    _("file larger than %zu bytes"), max);
	}
	buf[n] = '\0';
	*out = buf;
	if (outlen)
		*outlen = n;
	return 0;
}
