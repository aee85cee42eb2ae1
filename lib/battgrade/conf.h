/*
 * conf.h - where the registry client finds its
 * settings: registry URL, token file, spool directory and CA file.
 *
 * Later sources win: /etc/battgrade/config, then
 * $XDG_CONFIG_HOME/battgrade/config (~/.config when unset), then the
 * file named by BATTGRADE_CONFIG, then the environment variables
 * BATTGRADE_REGISTRY, BATTGRADE_TOKEN_FILE and BATTGRADE_SPOOL, then
 * command-line flags (the caller applies those).  The files are JSON:
 *   {"registry": "https://...", "token_file": "/path",
 *    "spool": "/path", "ca_file": "/path"}
 * The token itself is never held in the configuration: only the path of
 * a file that must not be readable by group or others.
 */
#ifndef BG_CONFIG_H
#define BG_CONFIG_H

#include <stddef.h>

#include "battgrade/error.h"

#define BG_CONFIG_PATH_MAX 1024

typedef struct bg_config {
	char registry[BG_CONFIG_PATH_MAX];   /* base URL, "" when unset */
	char token_file[BG_CONFIG_PATH_MAX]; /* "" when unset */
	char spool[BG_CONFIG_PATH_MAX];      /* spool root, never "" */
	char ca_file[BG_CONFIG_PATH_MAX];    /* "" = system CAs */
} bg_config;

/*
 * Fill *out from the files and environment above, with the default
 * spool $XDG_STATE_HOME/battgrade (~/.local/state/battgrade).  A
 * missing file is skipped; a malformed one is BG_ECONFIG with its path.
 */
int bg_config_load(bg_config *out, bg_error *err);

/*
 * Read the bearer token from path into buf (len bytes, NUL-terminated,
 * trailing whitespace removed).  BG_EPERM when the file is readable or
 * writable by group or others, BG_ENOENT when absent, BG_ECONFIG when
 * empty or not one line of printable ASCII.
 */
int bg_config_read_token(const char *path, char *buf, size_t len,
			 bg_error *err);

#endif
