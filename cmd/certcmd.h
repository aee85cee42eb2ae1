/*
 * certcmd.h - what keygen, certify and verify share: option order,
 * the default key location and the certificate spool.
 */
#ifndef BG_CERTCMD_H
#define BG_CERTCMD_H

#include <stddef.h>

#include "opt.h"

/*
 * Move options (and their arguments) in argv[1..argc-1] ahead of the
 * operands, keeping both orders, so "verify A.json --pubkey K" works
 * like "verify --pubkey K A.json"; "--" ends the options.
 */
void certcmd_permute(int argc, char **argv, const struct bg_opt *opts);

/*
 * "$XDG_CONFIG_HOME/battgrade" (or "~/.config/battgrade") + "/" + name
 * into buf; name may be NULL for the directory.  0 or -1.
 */
int certcmd_config_path(char *buf, size_t len, const char *name);

/* "$XDG_STATE_HOME/battgrade/outbox" (or ~/.local/state/...). */
int certcmd_outbox(char *buf, size_t len);

/* mkdir -p with mode for each created level; 0 or -1 (errno set). */
int certcmd_mkdirs(const char *path, unsigned mode);

#endif
