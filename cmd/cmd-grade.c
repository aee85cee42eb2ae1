/*
 * cmd-grade.c - battgrade grade: grade every module of many packs.
 *
 * Packs come from the operands and from --from (a file or "-", one
 * directory a line), optionally split with --shard K/N.  Worker
 * threads (-j N, each with its own fitters) grade packs; the main
 * thread prints results in input order.  A ring of 4N slots is the
 * reorder window: the reader waits when the oldest unprinted pack is
 * that far behind, so memory stays bounded whatever the number of
 * packs.  A pack that cannot be read is reported and skipped.  JSONL
 * (for --json and --out) is serialised by the worker that graded the
 * pack: printing numbers is the costly part of JSON output, and the
 * main thread, which prints in order, would otherwise do it alone.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "battgrade/assess.h"
#include "battgrade/models.h"
#include "battgrade/policy.h"
#include "cmd.h"
#include "grade-out.h"

static const char usage[] =
	"battgrade grade [--csv] [--explain] [--json] [--from FILE|-] "
	"[-j N] [--out DIR] [--policy NAME|FILE] [--shard K/N] [PACKDIR...]";

enum { O_CSV = 256, O_EXPLAIN, O_JSON, O_FROM, O_OUT, O_POLICY, O_SHARD };

static const struct bg_opt opts[] = {
	{ O_CSV, "csv", 0, NULL, N_("one CSV row per module") },
	{ O_EXPLAIN, "explain", 0, NULL,
	  N_("print every rule's value, threshold and outcome") },
	{ O_JSON, "json", 0, NULL, N_("one JSON object per module (JSONL)") },
	{ O_FROM, "from", 0, "FILE|-",
	  N_("read pack directories from FILE or stdin, one a line") },
	{ 'j', "jobs", 'j', "N", N_("grade with N worker threads") },
	{ O_OUT, "out", 0, "DIR",
	  N_("also write DIR/PACK_ID.jsonl per pack") },
	{ O_POLICY, "policy", 0, "NAME|FILE",
	  N_("grading policy (default: default)") },
	{ O_SHARD, "shard", 0, "K/N",
	  N_("grade only shard K of N (1 <= K <= N)") },
	BG_OPT_END
};

struct job {
	char *dir;
	cJSON *mods;    /* NULL once serialised when only JSONL is needed */
	char *text;     /* the pack's JSONL, when wanted */
	size_t len;
	char *pack_id;  /* of the first module, for --out */
	bg_error err;
	int rc;
	int done;
};

struct batch {
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	struct job *ring;
	unsigned long window;
	unsigned long submitted, taken, printed;
	int closed;
	const bg_policy *pol;
	int summary;    /* BG_ASSESS_*: what the output format prints */
	int jsonl;      /* workers serialise each pack's JSONL */
	int keep_mods;  /* the main thread also prints from the objects */
	int setup_rc;
	bg_error setup_err;
};

struct args {
	const char *policy, *from, *out;
	long jobs, shard_k, shard_n;
	enum bg_grade_format fmt;
};

/* ---- workers --------------------------------------------------------- */

/* j->text: one line of unformatted JSON per module (what JSONL output
 * and --out write); the objects are freed unless keep. */
static int serialise(struct job *j, int keep)
{
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
		cJSON_GetArrayItem(j->mods, 0), "pack_id"));
	const cJSON *m;
	char *line, *grown;
	size_t n, cap = 0;

	if (id && !(j->pack_id = strdup(id)))
		goto oom;
	cJSON_ArrayForEach(m, j->mods) {
		if (!(line = cJSON_PrintUnformatted(m)))
			goto oom;
		n = strlen(line);
		if (j->len + n + 2 > cap) {
			cap = 2 * (j->len + n + 2);
			if (!(grown = realloc(j->text, cap))) {
				cJSON_free(line);
				goto oom;
			}
			j->text = grown;
		}
		memcpy(j->text + j->len, line, n);
		j->text[j->len + n] = '\n';
		j->len += n + 1;
		j->text[j->len] = '\0';
		cJSON_free(line);
	}
	if (!keep) {
		cJSON_Delete(j->mods);
		j->mods = NULL;
	}
	return 0;
oom:
	return bg_error_set(&j->err, BG_ENOMEM, j->dir, 0, 0,
			    _("out of memory"));
}

static void *worker(void *arg)
{
	struct batch *b = arg;
	bg_assessor *a = NULL;
	bg_error err;
	struct job *j;
	int rc;

	bg_error_clear(&err);
	rc = bg_assessor_new(&a, b->pol, &err);
	if (a)
		bg_assessor_set_summary(a, b->summary);
	pthread_mutex_lock(&b->mu);
	if (rc && !b->setup_rc) {
		b->setup_rc = rc;
		b->setup_err = err;
	}
	for (;;) {
		while (b->taken == b->submitted && !b->closed)
			pthread_cond_wait(&b->work, &b->mu);
		if (b->taken == b->submitted)
			break;
		j = &b->ring[b->taken++ % b->window];
		pthread_mutex_unlock(&b->mu);
		bg_error_clear(&j->err);
		if (a)
			j->rc = bg_assess_pack(a, j->dir, &j->mods, &j->err);
		else
			j->rc = bg_error_set(&j->err, rc, NULL, 0, 0, "%s",
					     err.msg);
		if (!j->rc && b->jsonl)
			j->rc = serialise(j, b->keep_mods);
		pthread_mutex_lock(&b->mu);
		j->done = 1;
		pthread_cond_broadcast(&b->done);
	}
	pthread_mutex_unlock(&b->mu);
	bg_assessor_free(a);
	return NULL;
}

/* ---- output of one pack ---------------------------------------------- */

/* Write text to DIR/ID.jsonl through a temporary file and rename; an
 * existing file is left alone unless it already holds the same bytes. */
static int write_out(const char *dir, const char *id, const char *text,
		     bg_error *err)
{
	char path[4096], tmp[4200], *old = NULL;
	size_t len = strlen(text), oldlen;
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "%s/%s.jsonl", dir, id);
	if (access(path, F_OK) == 0) {
		if (bg_read_file(&old, &oldlen, path, 1 << 28, NULL) == 0 &&
		    oldlen == len && !memcmp(old, text, len)) {
			free(old);
			return 0;
		}
		free(old);
		return bg_error_set(err, BG_EEXIST, path, 0, 0,
				    _("exists with other content; not "
				      "overwritten"));
	}
	snprintf(tmp, sizeof(tmp), "%s/.%s.jsonl.XXXXXX", dir, id);
	if ((fd = mkstemp(tmp)) < 0 || !(f = fdopen(fd, "w")))
		return bg_error_set(err, BG_ECANTCREAT, tmp, 0, 0,
				    _("cannot create: %s"), strerror(errno));
	if (fwrite(text, 1, len, f) != len || fclose(f) != 0 ||
	    rename(tmp, path) != 0) {
		unlink(tmp);
		return bg_error_set(err, BG_EIO, path, 0, 0,
				    _("write failed: %s"), strerror(errno));
	}
	return 0;
}

/* Letters, digits, '.', '_', '-', not starting with '.': no path can
 * escape the --out directory. */
static int safe_name(const char *s)
{
	const char *p;

	if (!s || !*s || *s == '.')
		return 0;
	for (p = s; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789._-", *p))
			return 0;
	return 1;
}

static int save_pack(const struct args *ar, const struct job *j,
		     bg_error *err)
{
	if (!ar->out || !j->len)
		return 0;
	if (!safe_name(j->pack_id))
		return bg_error_set(err, BG_EDATA, NULL, 0, 0,
				    _("pack_id '%s' is not a safe file name; "
				      "not written to --out"),
				    j->pack_id ? j->pack_id : "");
	return write_out(ar->out, j->pack_id, j->text, err);
}

/* Print (and save) the oldest job; returns its exit status. */
static int finish_job(const struct args *ar, struct grade_out *go,
		      struct job *j)
{
	bg_error err;
	int st = 0;

	if (j->rc) {
		/* A pack that cannot be graded is skipped: data error. */
		cmd_report(&j->err);
		st = BG_EXIT_DATAERR;
	} else {
		if (j->mods)
			bg_grade_out_pack(go, j->dir, j->mods);
		else
			fwrite(j->text, 1, j->len, go->f);
		bg_error_clear(&err);
		if (save_pack(ar, j, &err)) {
			cmd_report(&err);
			st = bg_exit_from_error(err.code);
		}
	}
	cJSON_Delete(j->mods);
	free(j->dir);
	free(j->text);
	free(j->pack_id);
	memset(j, 0, sizeof(*j));
	return st;
}

/* ---- the list of packs ------------------------------------------------ */

/* FNV-1a of the directory's last component: a shard keeps its packs
 * when the list is reordered, grows or is read from another mount. */
static unsigned long shard_of(const char *dir, long n)
{
	const char *end = dir + strlen(dir), *base;
	unsigned long h = 2166136261UL;

	while (end > dir && end[-1] == '/')
		end--;
	for (base = end; base > dir && base[-1] != '/'; base--)
		;
	for (; base < end; base++)
		h = (h ^ (unsigned char)*base) * 16777619UL & 0xffffffffUL;
	return h % (unsigned long)n;
}

struct source {
	char **argv;
	int argc, i;
	FILE *from;
	char *line;
	size_t cap;
};

/* Next pack directory (borrowed until the next call), or NULL. */
static const char *next_dir(struct source *s, const struct args *ar)
{
	ssize_t n;

	for (;;) {
		const char *d = NULL;

		if (s->i < s->argc) {
			d = s->argv[s->i++];
		} else if (s->from &&
			   (n = getline(&s->line, &s->cap, s->from)) >= 0) {
			while (n > 0 && (s->line[n - 1] == '\n' ||
					 s->line[n - 1] == '\r'))
				s->line[--n] = '\0';
			if (!n || s->line[0] == '#')
				continue;
			d = s->line;
		} else {
			return NULL;
		}
		if (ar->shard_n <= 1 ||
		    shard_of(d, ar->shard_n) == (unsigned long)ar->shard_k - 1)
			return d;
	}
}

/* ---- the batch --------------------------------------------------------- */

static int drain_one(struct batch *b, const struct args *ar,
		     struct grade_out *go, struct bg_progress *pr)
{
	struct job *j = &b->ring[b->printed % b->window];
	int st;

	while (!j->done)
		pthread_cond_wait(&b->done, &b->mu);
	pthread_mutex_unlock(&b->mu);
	st = finish_job(ar, go, j);
	pthread_mutex_lock(&b->mu);
	b->printed++;
	bg_progress_update(pr, b->printed);
	return st;
}

static int run_batch(struct batch *b, const struct args *ar,
		     struct source *src, struct grade_out *go,
		     unsigned long long total)
{
	pthread_t *th = calloc((size_t)ar->jobs, sizeof(*th));
	struct bg_progress pr;
	const char *d;
	int st = 0;
	long t, started = 0;

	if (!th)
		return BG_EXIT_SOFTWARE;
	bg_progress_start(&pr, "grading", total);
	for (t = 0; t < ar->jobs; t++)
		if (pthread_create(&th[t], NULL, worker, b) == 0)
			started++;
	pthread_mutex_lock(&b->mu);
	while (started && (d = next_dir(src, ar))) {
		while (b->submitted - b->printed >= b->window)
			st = bg_exit_worst(st, drain_one(b, ar, go, &pr));
		struct job *j = &b->ring[b->submitted % b->window];

		if (!(j->dir = strdup(d))) {
			cmd_warn(_("out of memory"));
			st = BG_EXIT_SOFTWARE;
			break;
		}
		b->submitted++;
		pthread_cond_signal(&b->work);
	}
	b->closed = 1;
	pthread_cond_broadcast(&b->work);
	while (b->printed < b->submitted)
		st = bg_exit_worst(st, drain_one(b, ar, go, &pr));
	pthread_mutex_unlock(&b->mu);
	for (t = 0; t < started; t++)
		pthread_join(th[t], NULL);
	free(th);
	bg_progress_end(&pr);
	if (!started) {
		cmd_warn(_("cannot start worker threads"));
		return BG_EXIT_SOFTWARE;
	}
	return st;
}

/* ---- options ------------------------------------------------------------ */

static int parse_shard(const char *arg, struct args *ar)
{
	const char *s = arg;
	char *end;
	long k, n;

	errno = 0;
	k = strtol(s, &end, 10);
	if (end == s || *end != '/' || errno)
		goto bad;
	s = end + 1;
	n = strtol(s, &end, 10);
	if (end == s || *end || errno || n < 1 || n > 1000000 || k < 1 ||
	    k > n)
		goto bad;
	ar->shard_k = k;
	ar->shard_n = n;
	return 0;
bad:
	cmd_warn(_("--shard: '%s' is not K/N with 1 <= K <= N"), arg);
	return -1;
}

static int parse_args(int argc, char **argv, struct args *ar, int *ops)
{
	struct bg_optstate st;
	const char *arg;
	int c;

	memset(ar, 0, sizeof(*ar));
	ar->policy = "default";
	ar->jobs = 1;
	ar->fmt = BG_GRADE_TABLE;
	bg_opt_start(&st, argc, argv, opts, usage);
	while ((c = bg_opt_next(&st, &arg)) != BG_OPT_DONE) {
		switch (c) {
		case BG_OPT_HELP: return 0;
		case BG_OPT_ERROR: return BG_EXIT_USAGE;
		case O_CSV: ar->fmt = BG_GRADE_CSV; break;
		case O_EXPLAIN: ar->fmt = BG_GRADE_EXPLAIN; break;
		case O_JSON: ar->fmt = BG_GRADE_JSON; break;
		case O_FROM: ar->from = arg; break;
		case O_OUT: ar->out = arg; break;
		case O_POLICY: ar->policy = arg; break;
		case 'j':
			if (bg_opt_long("jobs", arg, 1, 256, &ar->jobs))
				return BG_EXIT_USAGE;
			break;
		case O_SHARD:
			if (parse_shard(arg, ar))
				return BG_EXIT_USAGE;
			break;
		}
	}
	*ops = st.optind;
	if (*ops >= argc && !ar->from) {
		fprintf(stderr, "%s: %s\n", _("usage"), usage);
		return BG_EXIT_USAGE;
	}
	return -1;
}

/* Lines of a regular file (for the progress bar); 0 when unknown. */
static unsigned long long count_lines(FILE *f)
{
	unsigned long long n = 0;
	struct stat sb;
	int c;

	if (fstat(fileno(f), &sb) || !S_ISREG(sb.st_mode) ||
	    !isatty(STDERR_FILENO))
		return 0;
	while ((c = getc(f)) != EOF)
		n += c == '\n';
	rewind(f);
	return n;
}

static int open_inputs(const struct args *ar, struct source *src)
{
	struct stat sb;

	if (ar->out && (stat(ar->out, &sb) || !S_ISDIR(sb.st_mode))) {
		cmd_warn(_("--out: '%s' is not a directory"), ar->out);
		return BG_EXIT_CANTCREAT;
	}
	if (!ar->from)
		return 0;
	src->from = strcmp(ar->from, "-") ? fopen(ar->from, "r") : stdin;
	if (!src->from) {
		cmd_warn(_("--from: cannot open '%s': %s"), ar->from,
			 strerror(errno));
		return BG_EXIT_NOINPUT;
	}
	return 0;
}

int cmd_grade(int argc, char **argv)
{
	struct source src = { argv, argc, 0, NULL, NULL, 0 };
	struct batch b;
	struct args ar;
	struct grade_out go;
	bg_policy *pol = NULL;
	unsigned long long total;
	bg_error err;
	int rc, ops;

	if ((rc = parse_args(argc, argv, &ar, &ops)) >= 0)
		return rc;
	src.i = ops;
	if ((rc = open_inputs(&ar, &src)))
		return rc;
	bg_error_clear(&err);
	if ((rc = bg_policy_load(&pol, ar.policy, &err))) {
		cmd_report(&err);
		rc = bg_exit_from_error(rc);
		goto done;
	}
	memset(&b, 0, sizeof(b));
	pthread_mutex_init(&b.mu, NULL);
	pthread_cond_init(&b.work, NULL);
	pthread_cond_init(&b.done, NULL);
	b.pol = pol;
	/* the full per-module detail only goes to JSON output and --out;
	 * rules and notes only to --explain */
	b.summary = ar.fmt == BG_GRADE_JSON || ar.out ? BG_ASSESS_FULL
		    : ar.fmt == BG_GRADE_EXPLAIN ? BG_ASSESS_SUMMARY
		    : BG_ASSESS_ROW;
	b.jsonl = ar.fmt == BG_GRADE_JSON || ar.out;
	b.keep_mods = ar.fmt != BG_GRADE_JSON;
	b.window = 4 * (unsigned long)ar.jobs;
	if (!(b.ring = calloc(b.window, sizeof(*b.ring)))) {
		rc = BG_EXIT_SOFTWARE;
		goto done;
	}
	total = (unsigned long long)(argc - ops) +
		(src.from ? count_lines(src.from) : 0);
	bg_grade_out_init(&go, ar.fmt, stdout);
	rc = run_batch(&b, &ar, &src, &go, total);
	if (b.setup_rc) {
		cmd_report(&b.setup_err);
		rc = bg_exit_from_error(b.setup_rc);
	}
	free(b.ring);
	pthread_mutex_destroy(&b.mu);
	pthread_cond_destroy(&b.work);
	pthread_cond_destroy(&b.done);
	rc = bg_exit_worst(rc, bg_out_finish());
done:
	if (src.from && src.from != stdin)
		fclose(src.from);
	free(src.line);
	bg_policy_free(pol);
	return rc;
}
