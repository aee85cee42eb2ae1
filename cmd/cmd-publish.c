/*
 * cmd-publish.c - "battgrade publish": send the spooled certificates to
 * the registry (see battgrade-publish(1) and lib/publish.c).
 *
 * Meant for cron: it takes the spool's lock, so runs that overlap wait
 * for each other instead of racing; with --quiet it prints nothing
 * unless something needs attention; the exit status tells what
 * happened: 0 all delivered, 75 some left for the next run, 65 some
 * refused for good (see rejected/), 77 the token was refused.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "battgrade/publish.h"
#include "cmd.h"
#include "regcmd.h"

#define LOCK_WAIT_S 30.0

static const char usage[] =
	"battgrade publish [--quiet] [--registry URL] [--spool DIR] "
	"[--token-file FILE]";

enum { O_QUIET = 'q', O_REGISTRY = 256, O_SPOOL, O_TOKEN };

static const struct bg_opt opts[] = {
	{ O_QUIET, "quiet", 'q', NULL, N_("print only problems") },
	{ O_REGISTRY, "registry", 0, "URL", N_("registry base URL") },
	{ O_SPOOL, "spool", 0, "DIR", N_("spool with outbox/, sent/ and "
					 "rejected/") },
	{ O_TOKEN, "token-file", 0, "FILE", N_("file holding the upload "
					       "token (mode 0600)") },
	BG_OPT_END
};

static const char *const word[] = { "created", "identical", "rejected",
				     "deferred", "auth-refused" };

static void notify(void *ctx, const char *id, int outcome,
		   const char *detail)
{
	int quiet = *(int *)ctx;

	if (outcome == BG_PUBLISH_CREATED || outcome == BG_PUBLISH_IDENTICAL) {
		if (!quiet)
			printf("%s\t%s\n", id, word[outcome]);
		return;
	}
	if (!quiet)
		printf("%s\t%s\t%s\n", id, word[outcome], detail);
	if (outcome == BG_PUBLISH_AUTH)
		cmd_warn(_("the registry refused the token (%s); nothing more "
			   "sent"), detail);
	else
		cmd_warn(_("%s: %s: %s"), id, outcome == BG_PUBLISH_REJECTED ?
			 _("rejected") : _("deferred"), detail);
}

static int status_of(const bg_publish_stats *s)
{
	if (s->auth_refused)
		return BG_EXIT_NOPERM;
	if (s->rejected)
		return BG_EXIT_DATAERR;
	if (s->deferred)
		return BG_EXIT_TEMPFAIL;
	return BG_EXIT_OK;
}

static int publish(const bg_config *cfg, int quiet)
{
	bg_publish_opts o;
	bg_publish_stats s;
	bg_regclient *c = NULL;
	bg_spool *sp = NULL;
	bg_error err;
	int rc = regcmd_client(&c, cfg, 1);

	if (rc)
		return rc;
	if ((rc = bg_spool_open(&sp, cfg->spool, &err)) ||
	    (rc = bg_spool_lock(sp, LOCK_WAIT_S, &err))) {
		cmd_report(&err);
		rc = rc == BG_EUNAVAIL ? BG_EXIT_TEMPFAIL :
		     bg_exit_from_error(rc);
		goto out;
	}
	bg_publish_opts_init(&o);
	rc = bg_publish_run(sp, c, &o, notify, &quiet, &s, &err);
	if (rc) {
		cmd_report(&err);
		rc = bg_exit_from_error(rc);
		goto out;
	}
	if (!quiet)
		fprintf(stderr, _("battgrade: %zu created, %zu already there, "
			"%zu rejected, %zu deferred (%zu requests)\n"),
			s.created, s.identical, s.rejected, s.deferred,
			s.attempts);
	rc = status_of(&s);
out:
	bg_spool_free(sp);
	bg_regclient_free(c);
	return bg_exit_worst(rc, bg_out_finish());
}

int cmd_publish(int argc, char **argv)
{
	const char *arg, *registry = NULL, *spool = NULL, *token = NULL;
	struct bg_optstate st;
	bg_config cfg;
	int c, quiet = 0, rc;

	bg_opt_start(&st, argc, argv, opts, usage);
	while ((c = bg_opt_next(&st, &arg)) != BG_OPT_DONE) {
		switch (c) {
		case BG_OPT_HELP: return 0;
		case BG_OPT_ERROR: return BG_EXIT_USAGE;
		case O_QUIET: quiet = 1; break;
		case O_REGISTRY: registry = arg; break;
		case O_SPOOL: spool = arg; break;
		case O_TOKEN: token = arg; break;
		}
	}
	if (st.optind < argc) {
		fprintf(stderr, "%s: %s\n", _("usage"), usage);
		return BG_EXIT_USAGE;
	}
	if ((rc = regcmd_config(&cfg, registry, token, spool)))
		return rc;
	return publish(&cfg, quiet);
}
