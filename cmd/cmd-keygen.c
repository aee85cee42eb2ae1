/*
 * cmd-keygen.c - "battgrade keygen": create the issuer's Ed25519 key.
 *
 * Writes DIR/battgrade.key (mode 0600, never replacing a key) and the
 * public JWK DIR/battgrade.pub.jwk that buyers and the registry use
 * to verify.  DIR defaults to $XDG_CONFIG_HOME/battgrade, where
 * certify looks for the key.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "battgrade/keys.h"
#include "certcmd.h"
#include "cmd.h"

static const char usage[] = "battgrade keygen [--out DIR]";

enum { OPT_OUT = 'o' };

static const struct bg_opt opts[] = {
	{ OPT_OUT, "out", 'o', "DIR",
	  N_("write the key pair here (default $XDG_CONFIG_HOME/battgrade)") },
	BG_OPT_END
};

int cmd_keygen(int argc, char **argv)
{
	struct bg_optstate st;
	const char *arg, *dir = NULL;
	char defdir[4096];
	bg_error err;
	bg_jwk pub;
	int c, rc;

	certcmd_permute(argc, argv, opts);
	bg_opt_start(&st, argc, argv, opts, usage);
	while ((c = bg_opt_next(&st, &arg)) != BG_OPT_DONE) {
		if (c == BG_OPT_HELP)
			return BG_EXIT_OK;
		if (c == BG_OPT_ERROR)
			return BG_EXIT_USAGE;
		if (c == OPT_OUT)
			dir = arg;
	}
	if (st.optind < argc) {
		cmd_warn(_("keygen: unexpected argument '%s'"), argv[st.optind]);
		fprintf(stderr, "%s: %s\n", _("usage"), usage);
		return BG_EXIT_USAGE;
	}
	if (!dir) {
		if (certcmd_config_path(defdir, sizeof(defdir), NULL) < 0) {
			cmd_warn(_("keygen: neither XDG_CONFIG_HOME nor HOME is set: use --out DIR"));
			return BG_EXIT_USAGE;
		}
		dir = defdir;
	}
	/* a new key directory is private to its owner, like the default */
	if (certcmd_mkdirs(dir, 0700) < 0) {
		cmd_warn(_("keygen: cannot create '%s': %s"), dir,
			 strerror(errno));
		return BG_EXIT_CANTCREAT;
	}
	rc = bg_key_generate(&pub, dir, &err);
	if (rc < 0) {
		cmd_report(&err);
		return rc == BG_EEXIST ? BG_EXIT_CANTCREAT
				       : bg_exit_from_error(rc);
	}
	printf("key_id\t%s\nprivate\t%s/%s\npublic\t%s/%s\n", pub.kid, dir,
	       BG_KEY_FILE, dir, BG_PUBKEY_FILE);
	return bg_out_finish();
}
