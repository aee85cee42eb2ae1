/*
 * cmd-inspect.c - "battgrade inspect": validate packs and data files
 * and summarise them: modules, rows per file, time span, frequency
 * range, and what is missing for grading.
 *
 * Each operand is a pack directory (with pack.json) or a lone CSV
 * file whose schema is told by its columns.  A bad operand costs one
 * line on stderr (FILE:LINE:COL: what is wrong) and the others are
 * still inspected; the exit status is that of the first failure.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "battgrade/inspect.h"
#include "battgrade/pack.h"
#include "cmd.h"

static const char usage[] =
	"battgrade inspect [--json] [--verbose] PACKDIR|FILE...";

enum { OPT_JSON = 256, OPT_VERBOSE = 'v' };

static const struct bg_opt options[] = {
	{ OPT_JSON, "json", 0, NULL, N_("print JSON for scripts") },
	{ OPT_VERBOSE, "verbose", 'v', NULL,
	  N_("also list the columns that are ignored") },
	BG_OPT_END
};

/* The member files of a pack, in the order they are reported. */
static const struct member {
	const char *name;
	enum bg_schema schema;
} members[] = {
	{ "capacity.csv", BG_SCHEMA_CAPACITY },
	{ "impedance.csv", BG_SCHEMA_IMPEDANCE },
	{ "pulse.csv", BG_SCHEMA_PULSE },
	{ "history.csv", BG_SCHEMA_HISTORY },
};
#define NMEMBERS (sizeof(members) / sizeof(members[0]))

struct run {
	int json, verbose;
	cJSON *all;             /* --json: one object per operand */
	int status;
};

/* ---- formatting ----------------------------------------------------- */

static const char *fmt_time(char *buf, size_t len, int col, double t)
{
	struct tm tm;
	time_t tt;

	if (isnan(t))
		return "-";
	if (col == BG_COL_TEST_TIME) {
		bg_fmt(buf, len, "%g s", t);
		return buf;
	}
	tt = (time_t)floor(t);
	if (!gmtime_r(&tt, &tm))
		return "?";
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

static const char *fmt_span(char *buf, size_t len,
			    const bg_file_summary *s)
{
	char a[40], b[40];

	if (s->schema == BG_SCHEMA_IMPEDANCE)
		return bg_fmt(buf, len, "%g .. %g Hz", s->freq_min_hz,
			      s->freq_max_hz);
	if (s->schema == BG_SCHEMA_CAPACITY)
		return bg_fmt(buf, len, "%s %g .. %g",
			      s->age_col == BG_COL_DAYS ? _("day")
							: _("cycle"),
			      s->age_min, s->age_max);
	return bg_fmt(buf, len, "%s .. %s",
		      fmt_time(a, sizeof(a), s->time_col, s->time_min_s),
		      fmt_time(b, sizeof(b), s->time_col, s->time_max_s));
}

/* ---- JSON ----------------------------------------------------------- */

static cJSON *file_json(const char *name, const bg_file_summary *s)
{
	cJSON *o = cJSON_CreateObject(), *jumps;
	unsigned long i;

	cJSON_AddStringToObject(o, "file", name);
	cJSON_AddStringToObject(o, "schema", bg_schema_name(s->schema));
	cJSON_AddNumberToObject(o, "rows", (double)s->rows);
	cJSON_AddNumberToObject(o, "modules", (double)s->nmodules);
	if (s->schema == BG_SCHEMA_IMPEDANCE) {
		cJSON_AddNumberToObject(o, "spectra", (double)s->nspectra);
		cJSON_AddNumberToObject(o, "frequency_min_hertz",
					s->freq_min_hz);
		cJSON_AddNumberToObject(o, "frequency_max_hertz",
					s->freq_max_hz);
	} else if (s->schema == BG_SCHEMA_CAPACITY) {
		cJSON_AddStringToObject(o, "age_column",
					bg_col_name((enum bg_col)s->age_col));
		cJSON_AddNumberToObject(o, "age_min", s->age_min);
		cJSON_AddNumberToObject(o, "age_max", s->age_max);
	} else {
		cJSON_AddStringToObject(o, "time_column",
					bg_col_name((enum bg_col)s->time_col));
		cJSON_AddNumberToObject(o, "time_first_second",
					s->time_first_s);
		cJSON_AddNumberToObject(o, "time_last_second", s->time_last_s);
		cJSON_AddNumberToObject(o, "time_min_second", s->time_min_s);
		cJSON_AddNumberToObject(o, "time_max_second", s->time_max_s);
	}
	if (s->schema == BG_SCHEMA_HISTORY) {
		cJSON_AddNumberToObject(o, "bytes", (double)s->bytes);
		cJSON_AddNumberToObject(o, "backward_jumps",
					(double)s->backward);
		jumps = cJSON_AddArrayToObject(o, "jumps");
		for (i = 0; i < s->backward && i < BG_INSPECT_JUMPS; i++) {
			cJSON *j = cJSON_CreateObject();

			cJSON_AddNumberToObject(j, "line",
						(double)s->jump_line[i]);
			cJSON_AddNumberToObject(j, "from_second",
						s->jump_from_s[i]);
			cJSON_AddNumberToObject(j, "to_second",
						s->jump_to_s[i]);
			cJSON_AddItemToArray(jumps, j);
		}
	}
	cJSON_AddNumberToObject(o, "ignored_columns", (double)s->nunknown);
	cJSON_AddStringToObject(o, "ignored_column_names", s->unknown);
	return o;
}

/* ---- one operand ---------------------------------------------------- */

struct report {
	const char *path;
	const bg_pack *pack;
	struct bg_table *table;
	cJSON *obj, *files, *missing, *notes;
	char notes_text[8][BG_INSPECT_UNKNOWN + 256];
	size_t nnotes;
};

static void add_note(struct report *rp, const char *text)
{
	cJSON_AddItemToArray(rp->notes, cJSON_CreateString(text));
	if (rp->nnotes < 8)
		snprintf(rp->notes_text[rp->nnotes++],
			 sizeof(rp->notes_text[0]), "%s", text);
}

static void add_missing(struct report *rp, const char *key,
			const char *text)
{
	cJSON_AddItemToArray(rp->missing, cJSON_CreateString(key));
	add_note(rp, text);
}

static void table_row(struct report *rp, const char *name,
		      const bg_file_summary *s)
{
	char rows[32], mods[32], span[96];
	const char *cells[5];

	cells[0] = name;
	cells[1] = bg_schema_name(s->schema);
	cells[2] = bg_fmt(rows, sizeof(rows), "%llu", s->rows);
	cells[3] = s->nmodules ? bg_fmt(mods, sizeof(mods), "%zu",
					s->nmodules) : "-";
	cells[4] = fmt_span(span, sizeof(span), s);
	bg_table_add(rp->table, cells);
}

static void file_notes(struct report *rp, const struct run *run,
		       const char *name, const bg_file_summary *s)
{
	char buf[BG_INSPECT_UNKNOWN + 200], a[40], b[40];

	if (s->backward) {
		snprintf(buf, sizeof(buf),
			 _("%s: clock goes backwards %lu times (first at "
			   "line %lu: %s after %s); the log is split there"),
			 name, s->backward, s->jump_line[0],
			 fmt_time(a, sizeof(a), s->time_col, s->jump_to_s[0]),
			 fmt_time(b, sizeof(b), s->time_col,
				  s->jump_from_s[0]));
		add_note(rp, buf);
	}
	if (run->verbose && s->nunknown) {
		snprintf(buf, sizeof(buf), _("%s: ignored columns: %s"), name,
			 s->unknown);
		add_note(rp, buf);
	}
}

static int inspect_member(struct report *rp, const struct run *run,
			  const struct member *m, unsigned char *covered,
			  bg_error *err)
{
	char path[4096];
	bg_file_summary s;
	size_t i;
	int rc;

	if ((rc = bg_pack_path(rp->pack, m->name, path, sizeof(path))) <= 0)
		return rc < 0 ? bg_error_set(err, BG_EINVAL, rp->path, 0, 0,
					     _("path too long")) : 1;
	if ((rc = bg_inspect_file(&s, path, rp->pack, m->schema, err)) < 0) {
		bg_file_summary_release(&s);
		return rc;
	}
	for (i = 0; covered && i < rp->pack->nmodules; i++)
		covered[i] |= s.module_seen[i];
	table_row(rp, m->name, &s);
	cJSON_AddItemToArray(rp->files, file_json(m->name, &s));
	file_notes(rp, run, m->name, &s);
	bg_file_summary_release(&s);
	return 0;
}

/* What a grade needs: the history (abuse), a capacity check of each
 * module (state of health) and a resistance measure of each module. */
static void needs(struct report *rp, const int *present,
		  const unsigned char *cap, const unsigned char *res)
{
	char buf[256];
	size_t i, nocap = 0, nores = 0;
	const bg_pack *p = rp->pack;

	if (!present[3])
		add_missing(rp, "history",
			    _("no history: cannot be graded"));
	if (!present[0])
		add_missing(rp, "capacity", _("no capacity.csv: state of "
					      "health unknown"));
	if (!present[1] && !present[2])
		add_missing(rp, "resistance",
			    _("no impedance.csv or pulse.csv: resistance "
			      "unknown"));
	for (i = 0; i < p->nmodules; i++) {
		nocap += present[0] && !cap[i];
		nores += (present[1] || present[2]) && !res[i];
	}
	if (nocap) {
		snprintf(buf, sizeof(buf), _("%zu of %zu modules have no "
					     "capacity check"), nocap,
			 p->nmodules);
		add_missing(rp, "module_capacity", buf);
	}
	if (nores) {
		snprintf(buf, sizeof(buf), _("%zu of %zu modules have no "
					     "impedance or pulse test"), nores,
			 p->nmodules);
		add_missing(rp, "module_resistance", buf);
	}
	if ((size_t)p->modules_series * (size_t)p->modules_parallel !=
	    p->nmodules) {
		snprintf(buf, sizeof(buf),
			 _("pack.json lists %zu modules but modules_series x "
			   "modules_parallel is %d"), p->nmodules,
			 p->modules_series * p->modules_parallel);
		add_note(rp, buf);
	}
}

static int inspect_members(struct report *rp, const struct run *run,
			   bg_error *err)
{
	size_t n = rp->pack->nmodules, i;
	unsigned char *cap = calloc(n, 1), *res = calloc(n, 1);
	int present[NMEMBERS], rc = 0;

	if (!cap || !res) {
		rc = bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
				  _("out of memory"));
		goto done;
	}
	for (i = 0; i < NMEMBERS; i++) {
		rc = inspect_member(rp, run, &members[i],
				    i == 0 ? cap : i < 3 ? res : NULL, err);
		if (rc < 0)
			goto done;
		present[i] = rc == 0;
	}
	rc = 0;
	needs(rp, present, cap, res);
	cJSON_AddBoolToObject(rp->obj, "gradable",
			      !cJSON_GetArraySize(rp->missing));
done:
	free(cap);
	free(res);
	return rc;
}

static void print_human(const struct report *rp)
{
	size_t i;

	if (rp->pack)
		printf("%s  %s  %s, %zu %s\n", rp->path, rp->pack->pack_id,
		       rp->pack->chemistry, rp->pack->nmodules,
		       rp->pack->nmodules == 1 ? _("module") : _("modules"));
	else
		printf("%s\n", rp->path);
	bg_table_print(rp->table, stdout);
	for (i = 0; i < rp->nnotes; i++)
		printf("  %s\n", rp->notes_text[i]);
	if (rp->pack && !cJSON_GetArraySize(rp->missing))
		printf("  %s\n", _("complete: ready for grading"));
	putchar('\n');
}

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A manifest named as an operand stands for its pack directory. */
static char *pack_dir_of(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n;
	char *dir;

	base = base ? base + 1 : path;
	if (strcmp(base, "pack.json"))
		return NULL;
	n = (size_t)(base - path);
	if (!(dir = malloc(n + 2)))
		return NULL;
	memcpy(dir, n ? path : ".", n ? n : 1);
	dir[n ? n : 1] = '\0';
	return dir;
}

static int inspect_operand(struct report *rp, const struct run *run,
			   bg_pack **pack, bg_error *err)
{
	char *dir = pack_dir_of(rp->path);
	bg_file_summary s;
	int rc;

	if (dir || is_dir(rp->path)) {
		rc = bg_pack_load(pack, dir ? dir : rp->path, err);
		free(dir);
		if (rc < 0)
			return rc;
		rp->pack = *pack;
		cJSON_AddStringToObject(rp->obj, "pack_id", (*pack)->pack_id);
		cJSON_AddStringToObject(rp->obj, "chemistry",
					(*pack)->chemistry);
		cJSON_AddNumberToObject(rp->obj, "modules",
					(double)(*pack)->nmodules);
		return inspect_members(rp, run, err);
	}
	if ((rc = bg_inspect_file(&s, rp->path, NULL, BG_SCHEMA_UNKNOWN,
				  err)) < 0)
		return rc;
	table_row(rp, rp->path, &s);
	cJSON_AddItemToArray(rp->files, file_json(rp->path, &s));
	file_notes(rp, run, rp->path, &s);
	bg_file_summary_release(&s);
	return 0;
}

static void inspect_one(struct run *run, const char *path)
{
	static const char *const header[] = { "FILE", "SCHEMA", "ROWS",
					      "MODULES", "RANGE" };
	struct report rp = { .path = path };
	bg_pack *pack = NULL;
	bg_error err;
	char line[BG_ERROR_FILE_MAX + BG_ERROR_MSG_MAX + 32];
	int rc;

	bg_error_clear(&err);
	rp.table = bg_table_new(5, header);
	rp.obj = cJSON_CreateObject();
	cJSON_AddStringToObject(rp.obj, "path", path);
	rp.files = cJSON_AddArrayToObject(rp.obj, "files");
	rp.missing = cJSON_AddArrayToObject(rp.obj, "missing");
	rp.notes = cJSON_AddArrayToObject(rp.obj, "notes");
	rc = inspect_operand(&rp, run, &pack, &err);
	if (rc < 0) {
		cmd_report(&err);
		bg_error_format(&err, line, sizeof(line));
		cJSON_AddStringToObject(rp.obj, "error", line);
		run->status = bg_exit_worst(run->status,
					    bg_exit_from_error(rc));
	} else if (!run->json) {
		print_human(&rp);
	}
	cJSON_AddStringToObject(rp.obj, "status", rc < 0 ? "error" : "ok");
	cJSON_AddItemToArray(run->all, rp.obj);
	bg_table_free(rp.table);
	bg_pack_free(pack);
}

int cmd_inspect(int argc, char **argv)
{
	struct run run = { 0, cmd_verbose, NULL, 0 };
	struct bg_optstate st;
	const char *arg;
	int c, i;

	bg_opt_start(&st, argc, argv, options, usage);
	while ((c = bg_opt_next(&st, &arg)) != BG_OPT_DONE) {
		if (c == BG_OPT_HELP)
			return 0;
		if (c == BG_OPT_ERROR)
			return BG_EXIT_USAGE;
		if (c == OPT_JSON)
			run.json = 1;
		else if (c == OPT_VERBOSE)
			run.verbose = 1;
	}
	if (st.optind >= argc) {
		cmd_warn(_("inspect: no pack directory or file given"));
		bg_opt_help(&st, stderr);
		return BG_EXIT_USAGE;
	}
	run.all = cJSON_CreateArray();
	for (i = st.optind; i < argc; i++)
		inspect_one(&run, argv[i]);
	if (run.json && bg_json_print(stdout, run.all, 1) < 0)
		run.status = bg_exit_worst(run.status, BG_EXIT_SOFTWARE);
	cJSON_Delete(run.all);
	return bg_exit_worst(run.status, bg_out_finish());
}
