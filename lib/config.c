/*
 * config.c - the registry client's configuration (see battgrade/conf.h).
 *
 * Precedence follows git and curl: system file, user file, the file in
 * BATTGRADE_CONFIG, environment, flags; each later source overrides
 * only the keys it sets.  The token is a secret and lives in its own
 * file with mode 0600, like an ssh key: it is refused otherwise, so a
 * world-readable copy is noticed at once rather than leaked quietly.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "battgrade/conf.h"
#include "battgrade/models.h"
#include "i18n.h"

#define SYSTEM_CONFIG "/etc/battgrade/config"

static void set(char *dst, const char *src)
{
	if (src && src[0])
		snprintf(dst, BG_CONFIG_PATH_MAX, "%s", src);
}

static int apply_file(bg_config *c, const char *path, bg_error *err)
{
	static const char *const keys[] = { "registry", "token_file", "spool",
					    "ca_file" };
	char *dst[] = { c->registry, c->token_file, c->spool, c->ca_file };
	char *text = NULL;
	cJSON *doc;
	const cJSON *v;
	size_t i;
	int rc = bg_read_file(&text, NULL, path, 64 * 1024, err);

	if (rc == BG_ENOENT)
		return 0;
	if (rc)
		return rc;
	doc = cJSON_Parse(text);
	free(text);
	if (!cJSON_IsObject(doc)) {
		cJSON_Delete(doc);
		return bg_error_set(err, BG_ECONFIG, path, 0, 0,
				    _("not a JSON object"));
	}
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		v = cJSON_GetObjectItemCaseSensitive(doc, keys[i]);
		if (v && !cJSON_IsString(v)) {
			cJSON_Delete(doc);
			return bg_error_set(err, BG_ECONFIG, path, 0, 0,
					    _("'%s' must be a string"),
					    keys[i]);
		}
		if (v)
			set(dst[i], v->valuestring);
	}
	cJSON_Delete(doc);
	return 0;
}

/* "$VAR/suffix" or "$HOME/fallback/suffix" into buf; -1 if neither. */
static int xdg_path(char *buf, size_t len, const char *var,
		    const char *fallback, const char *suffix)
{
	const char *v = getenv(var), *home = getenv("HOME");
	int n;

	if (v && v[0] == '/')
		n = snprintf(buf, len, "%s/%s", v, suffix);
	else if (home && home[0])
		n = snprintf(buf, len, "%s/%s/%s", home, fallback, suffix);
	else
		return -1;
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int bg_config_load(bg_config *out, bg_error *err)
{
	char path[BG_CONFIG_PATH_MAX];
	int rc;

	memset(out, 0, sizeof(*out));
	if (xdg_path(out->spool, sizeof(out->spool), "XDG_STATE_HOME",
		     ".local/state", "battgrade"))
		set(out->spool, "battgrade-spool");
	if ((rc = apply_file(out, SYSTEM_CONFIG, err)))
		return rc;
	if (!xdg_path(path, sizeof(path), "XDG_CONFIG_HOME", ".config",
		      "battgrade/config") &&
	    (rc = apply_file(out, path, err)))
		return rc;
	if (getenv("BATTGRADE_CONFIG") && getenv("BATTGRADE_CONFIG")[0] &&
	    (rc = apply_file(out, getenv("BATTGRADE_CONFIG"), err)))
		return rc;
	set(out->registry, getenv("BATTGRADE_REGISTRY"));
	set(out->token_file, getenv("BATTGRADE_TOKEN_FILE"));
	set(out->spool, getenv("BATTGRADE_SPOOL"));
	return 0;
}

static int token_ok(const char *t)
{
	if (!*t)
		return 0;
	for (; *t; t++)
		if (*t <= ' ' || *t > '~')
			return 0;
	return 1;
}

int bg_config_read_token(const char *path, char *buf, size_t len,
			 bg_error *err)
{
	struct stat st;
	char *text = NULL;
	size_t n;
	int rc;

	buf[0] = '\0';
	if (stat(path, &st))
		return bg_error_set(err, errno == ENOENT ? BG_ENOENT : BG_EIO,
				    path, 0, 0, _("cannot read token file: "
				    "%s"), strerror(errno));
	if (st.st_mode & (S_IRWXG | S_IRWXO))
		return bg_error_set(err, BG_EPERM, path, 0, 0, _("token file "
				    "is accessible to others (mode %04o): run "
				    "chmod 600"), (unsigned)(st.st_mode & 07777));
	if ((rc = bg_read_file(&text, &n, path, 4096, err)))
		return rc;
	while (n && (text[n - 1] == '\n' || text[n - 1] == '\r' ||
		     text[n - 1] == ' ' || text[n - 1] == '\t'))
		text[--n] = '\0';
	rc = !token_ok(text) || n + 1 > len;
	if (!rc)
		memcpy(buf, text, n + 1);
	sodium_memzero(text, n);
	free(text);
	return rc ? bg_error_set(err, BG_ECONFIG, path, 0, 0, _("token file "
				 "must hold one token on one line")) : 0;
}
