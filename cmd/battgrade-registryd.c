/*
 * battgrade-registryd.c - the reference certificate registry server.
 *
 * "battgrade-registryd --db FILE" serves the registry API over HTTP
 * (HTTPS with --tls-key and --tls-cert) with libmicrohttpd, one thread
 * per connection so a slow client never holds up the others.
 * "battgrade-registryd issuer add NAME --pubkey JWKFILE --db FILE"
 * registers an issuer and prints its upload token once.
 *
 * Shutdown: SIGTERM and SIGINT are blocked in every thread and taken by
 * sigwait() in main, which stops accepting, lets the requests in flight
 * finish (each either committed before it answered, or did not commit
 * at all), then closes the database, checkpointing the WAL.
 */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cjson/cJSON.h>
#include <locale.h>
#include <sodium.h>

#include "battgrade/error.h"
#include "battgrade/jws.h"
#include "battgrade/models.h"
#include "exit.h"
#include "i18n.h"
#include "opt.h"
#include "regopt.h"
#include "registryd.h"

#define DEFAULT_LISTEN "127.0.0.1:8470"
#define POOL_SIZE 8

static const char usage_serve[] =
	"battgrade-registryd [--fault-rate F] [--listen ADDR:PORT] "
	"[--max-body BYTES] [--rate N] [--tls-cert FILE --tls-key FILE] "
	"--db FILE";
static const char usage_issuer[] =
	"battgrade-registryd issuer add|add-key NAME --db FILE "
	"--pubkey JWKFILE";

enum { O_DB = 256, O_LISTEN, O_TLS_KEY, O_TLS_CERT, O_FAULT, O_RETRY,
       O_MAXBODY, O_RATE, O_PUBKEY };

static const struct bg_opt serve_opts[] = {
	{ O_DB, "db", 0, "FILE", N_("SQLite database (created if absent)") },
	{ O_FAULT, "fault-rate", 0, "F", N_("fail this fraction of requests "
					     "(testing)") },
	{ O_LISTEN, "listen", 0, "ADDR:PORT", N_("address to listen on "
						  "(127.0.0.1:8470; port 0 "
						  "picks one)") },
	{ O_MAXBODY, "max-body", 0, "BYTES", N_("largest upload accepted "
						 "(262144)") },
	{ O_RATE, "rate", 0, "N", N_("uploads per second per issuer (2000; "
				      "0 = unlimited)") },
	{ O_RETRY, "retry-after", 0, "S", N_("Retry-After of injected "
					      "faults (1)") },
	{ O_TLS_CERT, "tls-cert", 0, "FILE", N_("TLS certificate (PEM)") },
	{ O_TLS_KEY, "tls-key", 0, "FILE", N_("TLS private key (PEM)") },
	BG_OPT_END
};

static const struct bg_opt issuer_opts[] = {
	{ O_DB, "db", 0, "FILE", N_("SQLite database") },
	{ O_PUBKEY, "pubkey", 0, "JWKFILE", N_("the issuer's public key as "
						"a JWK") },
	BG_OPT_END
};

struct serve_args {
	const char *db, *listen, *tls_key, *tls_cert;
	double fault_rate, rate;
	long max_body, retry_after;
};

static void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void warn(const char *fmt, ...)
{
	va_list ap;

	fputs("battgrade-registryd: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void report(const bg_error *err)
{
	char buf[BG_ERROR_FILE_MAX + BG_ERROR_MSG_MAX + 64];

	bg_error_format(err, buf, sizeof(buf));
	warn("%s", buf);
}

/* "ADDR:PORT" or "[V6]:PORT" into a socket address. */
static int parse_listen(const char *s, struct sockaddr_storage *ss,
			socklen_t *sslen)
{
	char host[128];
	const char *colon = strrchr(s, ':');
	struct addrinfo hints = { 0 }, *ai = NULL;
	size_t n;

	if (!colon || colon == s)
		return -1;
	n = (size_t)(colon - s);
	if (s[0] == '[' && n >= 2 && s[n - 1] == ']') {
		s++;
		n -= 2;
	}
	if (n >= sizeof(host))
		return -1;
	memcpy(host, s, n);
	host[n] = '\0';
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, colon + 1, &hints, &ai) || !ai)
		return -1;
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*sslen = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

static int serve_parse(int argc, char **argv, struct serve_args *a)
{
	struct bg_optstate st;
	const char *arg;
	int c;

	bg_opt_start(&st, argc, argv, serve_opts, usage_serve);
	while ((c = bg_opt_next(&st, &arg)) != BG_OPT_DONE) {
		switch (c) {
		case BG_OPT_HELP: return 0;
		case BG_OPT_ERROR: return BG_EXIT_USAGE;
		case O_DB: a->db = arg; break;
		case O_LISTEN: a->listen = arg; break;
		case O_TLS_KEY: a->tls_key = arg; break;
		case O_TLS_CERT: a->tls_cert = arg; break;
		case O_FAULT:
			if (bg_opt_double("fault-rate", arg, &a->fault_rate) ||
			    a->fault_rate < 0 || a->fault_rate > 1)
				return BG_EXIT_USAGE;
			break;
		case O_RATE:
			if (bg_opt_double("rate", arg, &a->rate) || a->rate < 0)
				return BG_EXIT_USAGE;
			break;
		case O_MAXBODY:
			if (bg_opt_long("max-body", arg, 64, 64L << 20,
					&a->max_body))
				return BG_EXIT_USAGE;
			break;
		case O_RETRY:
			if (bg_opt_long("retry-after", arg, 0, 3600,
					&a->retry_after))
				return BG_EXIT_USAGE;
			break;
		}
	}
	if (st.optind < argc || !a->db || !a->tls_key != !a->tls_cert) {
		fprintf(stderr, "%s: %s\n", _("usage"), usage_serve);
		return BG_EXIT_USAGE;
	}
	return -1;
}

static struct MHD_Daemon *start(struct registryd *d,
				const struct serve_args *a,
				const char *key_pem, const char *cert_pem)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD |
			 MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG;

	if (parse_listen(a->listen, &ss, &sslen)) {
		warn(_("--listen: '%s' is not ADDR:PORT"), a->listen);
		return NULL;
	}
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (key_pem)
		flags |= MHD_USE_TLS;
	return MHD_start_daemon(flags, 0, NULL, NULL,
		(MHD_AccessHandlerCallback)regd_handle, d,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_NOTIFY_COMPLETED,
		(MHD_RequestCompletedCallback)regd_completed, d,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)512,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
		key_pem ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, key_pem,
		MHD_OPTION_HTTPS_MEM_CERT, cert_pem,
		MHD_OPTION_END);
}

/* Serve until SIGTERM or SIGINT; returns an exit status. */
static int run(struct registryd *d, const struct serve_args *a,
	       const char *key_pem, const char *cert_pem)
{
	const union MHD_DaemonInfo *info;
	struct MHD_Daemon *mhd;
	sigset_t set;
	int sig = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	mhd = start(d, a, key_pem, cert_pem);
	if (!mhd) {
		warn(_("cannot listen on %s"), a->listen);
		return BG_EXIT_UNAVAILABLE;
	}
	info = MHD_get_daemon_info(mhd, MHD_DAEMON_INFO_BIND_PORT);
	printf("%u\n", info ? (unsigned)info->port : 0u);
	fflush(stdout);
	warn(_("serving %s on port %u"), a->listen,
	     info ? (unsigned)info->port : 0u);
	sigwait(&set, &sig);
	warn(_("signal %d: finishing requests in flight"), sig);
	MHD_quiesce_daemon(mhd);
	MHD_stop_daemon(mhd);
	return BG_EXIT_OK;
}

static int load_pem(char **out, const char *path)
{
	bg_error err;

	*out = NULL;
	if (!path)
		return 0;
	if (bg_read_file(out, NULL, path, 1 << 20, &err)) {
		report(&err);
		return -1;
	}
	return 0;
}

static int cmd_serve(int argc, char **argv)
{
	struct serve_args a = { NULL, DEFAULT_LISTEN, NULL, NULL, 0, 2000,
				256 * 1024, 1 };
	struct registryd d = { 0 };
	char *key = NULL, *cert = NULL;
	bg_error err;
	int rc = serve_parse(argc, argv, &a);

	if (rc >= 0)
		return rc;
	bg_error_set(&err, BG_ENOMEM, NULL, 0, 0, "out of memory");
	if (load_pem(&key, a.tls_key) || load_pem(&cert, a.tls_cert)) {
		rc = BG_EXIT_NOINPUT;
		goto out;
	}
	d.max_body = (size_t)a.max_body;
	d.fault_rate = a.fault_rate;
	d.retry_after_s = (unsigned)a.retry_after;
	if (bg_ratelimit_new(&d.rate, a.rate, a.rate * 2 + 1, 1024) ||
	    regd_pool_open(&d.pool, a.db, POOL_SIZE, &err) ||
	    regd_committer_start(&d.commit, a.db, &err)) {
		report(&err);
		rc = BG_EXIT_CANTCREAT;
		goto out;
	}
	rc = run(&d, &a, key, cert);
out:
	regd_committer_stop(&d.commit);
	regd_pool_close(&d.pool);
	bg_ratelimit_free(d.rate);
	if (key)
		sodium_memzero(key, strlen(key));
	free(key);
	free(cert);
	return rc;
}

/* Read and check an Ed25519 public JWK (cert module's rules: a "kid"
 * must be its RFC 7638 thumbprint, no private part); its canonical JSON
 * into *json. */
static int load_jwk(const char *path, char **json, char *kid, size_t len)
{
	bg_error err;
	bg_jwk key;
	char *text = NULL;
	size_t n = 0;
	int rc;

	if (bg_read_file(&text, &n, path, 64 * 1024, &err)) {
		report(&err);
		return BG_EXIT_NOINPUT;
	}
	rc = bg_jwk_from_json(&key, text, n, path, &err);
	free(text);
	if (!rc)
		rc = bg_jwk_to_json(json, &key, &err);
	if (rc) {
		report(&err);
		return bg_exit_from_error(rc);
	}
	snprintf(kid, len, "%s", key.kid);
	return 0;
}

static int name_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= 64 && strspn(s, "abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n && s[0] != '.';
}

static int issuer_register(const char *name, const char *db_path,
			   const char *pubkey, int add_key)
{
	char kid[128], token[BG_REGDB_TOKEN_LEN + 1], *jwk = NULL;
	bg_regdb *db = NULL;
	bg_error err;
	int rc = load_jwk(pubkey, &jwk, kid, sizeof(kid));

	if (rc)
		return rc;
	rc = bg_regdb_open(&db, db_path, &err);
	if (!rc)
		rc = bg_regdb_issuer_add(db, name, kid, jwk, add_key, token,
					 &err);
	bg_regdb_close(db);
	free(jwk);
	if (rc) {
		report(&err);
		return bg_exit_from_error(rc);
	}
	printf(add_key ? _("added key %s to issuer %s\n") :
	       _("registered issuer %s with key %s; its upload token "
		 "(shown only this once):\n"), add_key ? kid : name,
	       add_key ? name : kid);
	if (!add_key)
		printf("%s\n", token);
	sodium_memzero(token, sizeof(token));
	return fflush(stdout) ? BG_EXIT_IOERR : BG_EXIT_OK;
}

static int cmd_issuer(int argc, char **argv)
{
	struct bg_optstate st;
	const char *arg, *db = NULL, *pub = NULL;
	int c, add_key;

	regopt_permute(argc, argv, issuer_opts);
	bg_opt_start(&st, argc, argv, issuer_opts, usage_issuer);
	while ((c = bg_opt_next(&st, &arg)) != BG_OPT_DONE) {
		if (c == BG_OPT_HELP)
			return 0;
		if (c == BG_OPT_ERROR)
			return BG_EXIT_USAGE;
		if (c == O_DB)
			db = arg;
		else if (c == O_PUBKEY)
			pub = arg;
	}
	if (st.optind + 2 != argc || !db || !pub ||
	    (strcmp(argv[st.optind], "add") &&
	     strcmp(argv[st.optind], "add-key"))) {
		fprintf(stderr, "%s: %s\n", _("usage"), usage_issuer);
		return BG_EXIT_USAGE;
	}
	if (!name_ok(argv[st.optind + 1])) {
		warn(_("issuer name '%s': use 1 to 64 of A-Z a-z 0-9 . _ -"),
		     argv[st.optind + 1]);
		return BG_EXIT_USAGE;
	}
	add_key = !strcmp(argv[st.optind], "add-key");
	return issuer_register(argv[st.optind + 1], db, pub, add_key);
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C");
#if ENABLE_NLS
	bindtextdomain(PACKAGE, LOCALEDIR);
#endif
	if (bg_init()) {
		warn(_("cannot initialise the library"));
		return BG_EXIT_SOFTWARE;
	}
	if (argc > 1 && !strcmp(argv[1], "issuer"))
		return cmd_issuer(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "--version")) {
		printf("battgrade-registryd %s\n", PACKAGE_VERSION);
		return 0;
	}
	return cmd_serve(argc, argv);
}
