/*
 * models.h - where the model catalogue, chemistries and policies live.
 *
 * Installed under $(pkgdatadir)/models; BATTGRADE_MODELS overrides it.
 * A build run from its own tree, not yet installed, falls back to the
 * source tree's models/ so that ./battgrade works straight after make.
 */
#ifndef BG_MODELS_H
#define BG_MODELS_H

#include <stddef.h>

#include "battgrade/error.h"

/* The models directory in use (borrowed, static storage). */
const char *bg_models_dir(void);

/*
 * Write "<models>/<sub>/<name>" into buf; BG_EINVAL when it does not
 * fit.  sub may be NULL.
 */
int bg_models_path(char *buf, size_t len, const char *sub,
		   const char *name, bg_error *err);

/*
 * Read a whole small file (a model, policy or manifest; at most max
 * bytes) into a NUL-terminated heap buffer owned by the caller.
 */
int bg_read_file(char **out, size_t *outlen, const char *path, size_t max,
		 bg_error *err);

#endif
