/*
 * regcmd.c - configuration and client set-up for the registry commands.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "regcmd.h"

int regcmd_config(bg_config *cfg, const char *registry,
		  const char *token_file, const char *spool)
{
	bg_error err;

	if (bg_config_load(cfg, &err)) {
		cmd_report(&err);
		return bg_exit_from_error(err.code);
	}
	if (registry)
		snprintf(cfg->registry, sizeof(cfg->registry), "%s", registry);
	if (token_file)
		snprintf(cfg->token_file, sizeof(cfg->token_file), "%s",
			 token_file);
	if (spool)
		snprintf(cfg->spool, sizeof(cfg->spool), "%s", spool);
	return 0;
}

static int add_token(bg_regclient *c, const bg_config *cfg)
{
	char token[1024];
	bg_error err;
	int rc;

	if (!cfg->token_file[0]) {
		cmd_warn(_("no token file: use --token-file, "
			   "BATTGRADE_TOKEN_FILE or the configuration file"));
		return BG_EXIT_CONFIG;
	}
	rc = bg_config_read_token(cfg->token_file, token, sizeof(token),
				  &err);
	if (!rc)
		rc = bg_regclient_set_token(c, token, &err);
	explicit_bzero(token, sizeof(token)); /* not left on the stack */
	if (rc) {
		cmd_report(&err);
		return rc == BG_ENOENT ? BG_EXIT_NOINPUT : BG_EXIT_CONFIG;
	}
	return 0;
}

int regcmd_client(bg_regclient **out, const bg_config *cfg, int with_token)
{
	bg_error err;
	int rc;

	if (bg_regclient_new(out, cfg->registry, cfg->ca_file, &err)) {
		cmd_report(&err);
		return bg_exit_from_error(err.code);
	}
	if (with_token && (rc = add_token(*out, cfg))) {
		bg_regclient_free(*out);
		*out = NULL;
		return rc;
	}
	return 0;
}
