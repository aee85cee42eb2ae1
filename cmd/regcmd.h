/*
 * regcmd.h - what "battgrade publish" and "battgrade registry" share:
 * the configuration with flags on top, and a registry client from it.
 */
#ifndef BG_REGCMD_H
#define BG_REGCMD_H

#include "battgrade/conf.h"
#include "battgrade/regclient.h"

/* Load the configuration and apply the flags that were given (NULL
 * when absent).  Returns an exit status (0 when fine), after printing
 * the problem. */
int regcmd_config(bg_config *cfg, const char *registry,
		  const char *token_file, const char *spool);

/* A client for cfg's registry, with the token when with_token is set.
 * Returns an exit status (0 when fine), after printing the problem. */
int regcmd_client(bg_regclient **out, const bg_config *cfg, int with_token);

#endif
