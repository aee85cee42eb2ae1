/*
 * bdf.c - Battery Data Format (BDF) CSV read as a stream of rows.
 *
 * BDF (LF Energy's Battery Data Alliance,
 * github.com/battery-data-alliance/battery-data-format) fixes column
 * names with their units ("test_time_second", "voltage_volt",
 * "current_ampere") and accepts human labels of the form
 * "Quantity / unit" ("Test Time / s").  Current is positive when it
 * charges.  Files can be tens of millions of rows, so rows go through
 * the streaming CSV reader one at a time.
 *
 * Time: test time must never run backwards, because every integral over
 * it (throughput, capacity) would silently go wrong; a file whose time
 * restarts at zero at each step (a cycler writing step time into the
 * test-time column, as in the Neware export of the BDF reference set)
 * is refused at the first restart, with that diagnosis.  Wall-clock
 * (unix) time may jump back (clock corrections); such jumps are counted
 * and reported, and left to the history reader to split the log.
 *
 * Maccor's text export (a "Today's Date ... Date of Test:" line, then a
 * tab-separated table: Rec#, Cyc#, Step, Test (Sec), Amp-hr, Amps,
 * Volts, State, ...) is read by the same stream.  Its current carries
 * no reliable sign (exports from some systems write it unsigned): the
 * State column does, C charging and D discharging, so the magnitude is
 * signed from it into BDF's convention.  Its Amp-hr counter restarts at
 * every step and counts charge as well as discharge, so only the D rows
 * give the discharge counter.  Every column of a Maccor header must be
 * one the reader knows, since their meaning is not written in the file.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "battgrade/csvin.h"
#include "battgrade/formats.h"
#include "formats-int.h"
#include "i18n.h"

enum role { R_TTIME, R_UTIME, R_V, R_I, R_TEMP, R_CYCLE, R_DCAP, R_STATE,
	    R_N };

struct bg_bdf {
	bg_csv *r;
	bg_format fmt;
	int col[R_N];
	double scale[R_N], offset[R_N];
	int temp_rank;
	const char *temp_machine;
	double last_t;
	unsigned long last_line, rows, backsteps;
	unsigned long signed_d, unsigned_d;   /* Maccor D rows by sign */
	int extra_rank[R_N];
	int skip;                /* lines before the header */
	bg_formats_notes *notes;
};

struct unitdef {
	const char *unit;
	double scale, offset;
};

static const struct unitdef time_units[] = {
	{ "s", 1, 0 }, { "ms", 1e-3, 0 }, { "min", 60, 0 }, { "h", 3600, 0 },
	{ NULL, 0, 0 }
};
static const struct unitdef volt_units[] = {
	{ "V", 1, 0 }, { "mV", 1e-3, 0 }, { NULL, 0, 0 }
};
static const struct unitdef amp_units[] = {
	{ "A", 1, 0 }, { "mA", 1e-3, 0 }, { NULL, 0, 0 }
};
static const struct unitdef temp_units[] = {
	{ "degC", 1, 0 }, { "\xc2\xb0""C", 1, 0 }, { "C", 1, 0 },
	{ "K", 1, -273.15 }, { NULL, 0, 0 }
};

/* Machine names and label quantities; temperatures in order of
 * preference (the surface is what ageing models want).  The Arbin
 * names are those of Arbin exports as beep reads them (Test_Time,
 * Current, Voltage, Temperature) and of MITS Pro (with units); Arbin
 * also counts charging current positive. */
static const struct {
	const char *machine, *label;
	enum role role;
	int rank;
	double scale;
} names[] = {
	{ "test_time_second", "test time", R_TTIME, 0, 1 },
	{ "unix_time_second", "unix time", R_UTIME, 0, 1 },
	{ "voltage_volt", "voltage", R_V, 0, 1 },
	{ "current_ampere", "current", R_I, 0, 1 },
	{ "surface_temperature_celsius", "surface temperature", R_TEMP, 1, 1 },
	{ "temperature_t1_celsius", "temperature t1", R_TEMP, 2, 1 },
	{ "ambient_temperature_celsius", "ambient temperature", R_TEMP, 3, 1 },
	{ "temperature_t2_celsius", "temperature t2", R_TEMP, 4, 1 },
	{ "temperature_t3_celsius", "temperature t3", R_TEMP, 5, 1 },
	{ "Test_Time", NULL, R_TTIME, 0, 1 },
	{ "Test_Time(s)", NULL, R_TTIME, 0, 1 },
	{ "Current", NULL, R_I, 0, 1 },
	{ "Current(A)", NULL, R_I, 0, 1 },
	{ "Current(mA)", NULL, R_I, 0, 1e-3 },
	{ "Voltage", NULL, R_V, 0, 1 },
	{ "Voltage(V)", NULL, R_V, 0, 1 },
	{ "Temperature", NULL, R_TEMP, 6, 1 },
	{ "Temperature(C)", NULL, R_TEMP, 6, 1 },
	{ "Aux_Temperature_1(C)", NULL, R_TEMP, 7, 1 },
	{ NULL, NULL, R_N, 0, 0 }
};

/* Cycle numbers and discharge capacity counters, in order of
 * preference: a counter that restarts each cycle is the most direct. */
static const struct {
	const char *name;
	enum role role;
	double scale;
} extras[] = {
	{ "cycle_count", R_CYCLE, 1 }, { "Cycle Count / 1", R_CYCLE, 1 },
	{ "Cycle_Index", R_CYCLE, 1 },
	{ "cycle_discharging_capacity_ah", R_DCAP, 1 },
	{ "Cycle Discharging Capacity / Ah", R_DCAP, 1 },
	{ "discharging_capacity_ah", R_DCAP, 1 },
	{ "Discharging Capacity / Ah", R_DCAP, 1 },
	{ "Discharge_Capacity", R_DCAP, 1 },
	{ "Discharge_Capacity(Ah)", R_DCAP, 1 },
	{ "Discharge_Capacity(mAh)", R_DCAP, 1e-3 },
	{ NULL, R_N, 0 }
};

/* The Maccor columns battgrade knows, with the role of those it uses
 * (R_N: known, not used). */
static const struct {
	const char *name;
	enum role role;
} maccor_cols[] = {
	{ "Rec#", R_N }, { "Cyc#", R_CYCLE }, { "Step", R_N },
	{ "Test (Sec)", R_TTIME }, { "Step (Sec)", R_N },
	{ "Amp-hr", R_DCAP }, { "Watt-hr", R_N }, { "Amps", R_I },
	{ "Volts", R_V }, { "State", R_STATE }, { "ES", R_N },
	{ "DPt Time", R_N }, { "ACImp/Ohms", R_N }, { "DCIR/Ohms", R_N },
	{ "WF Chg Cap", R_N }, { "WF Dis Cap", R_N }, { "WF Chg E", R_N },
	{ "WF Dis E", R_N }, { "Range", R_N }, { NULL, R_N }
};

static const struct unitdef *units_for(enum role r)
{
	switch (r) {
	case R_TTIME: case R_UTIME: return time_units;
	case R_V: return volt_units;
	case R_I: return amp_units;
	default: return temp_units;
	}
}

/* Role of a column name; its scale and offset; -1 when not BDF. */
static int classify(const char *name, double *scale, double *offset,
		    int *rank)
{
	char q[96], u[32];
	const char *sl = strstr(name, " / ");

	for (int i = 0; names[i].machine; i++)
		if (!strcasecmp(name, names[i].machine)) {
			*scale = names[i].scale;
			*offset = 0;
			*rank = names[i].rank;
			return names[i].role;
		}
	if (!sl || (size_t)(sl - name) >= sizeof q || strlen(sl + 3) >= sizeof u)
		return -1;
	memcpy(q, name, (size_t)(sl - name));
	q[sl - name] = '\0';
	snprintf(u, sizeof u, "%s", sl + 3);
	for (int i = 0; names[i].machine; i++) {
		if (!names[i].label || strcasecmp(q, names[i].label))
			continue;
		for (const struct unitdef *d = units_for(names[i].role);
		     d->unit; d++)
			if (!strcmp(d->unit, u)) {
				*scale = d->scale;
				*offset = d->offset;
				*rank = names[i].rank;
				return names[i].role;
			}
		return -2;      /* a BDF quantity in a unit we don't know */
	}
	return -1;
}

int bg_bdf_is_header(const char *s, size_t len)
{
	char name[128];
	int seen[R_N] = { 0 };
	size_t start = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != ',')
			continue;
		size_t n = i - start;
		if (n >= sizeof name)
			n = sizeof name - 1;
		memcpy(name, s + start, n);
		name[n] = '\0';
		while (n && isspace((unsigned char)name[n - 1]))
			name[--n] = '\0';
		double sc, off;
		int rank, r = classify(name, &sc, &off, &rank);
		if (r >= 0)
			seen[r] = 1;
		start = i + 1;
	}
	return (seen[R_TTIME] || seen[R_UTIME]) && (seen[R_V] || seen[R_I]);
}

/* A cycle or discharge capacity column (extras[]): 1 when taken. */
static int map_extra(bg_bdf *b, size_t i, const char *name)
{
	int k;

	for (k = 0; extras[k].name; k++)
		if (!strcasecmp(name, extras[k].name))
			break;
	if (!extras[k].name)
		return 0;
	enum role r = extras[k].role;
	if (b->col[r] >= 0 && b->extra_rank[r] <= k)
		return 1;       /* a better one is there: known, not used */
	b->extra_rank[r] = k;
	b->col[r] = (int)i;
	b->scale[r] = extras[k].scale;
	b->offset[r] = 0;
	return 1;
}

/* Take column i for role r (temperatures by rank). */
static void take(bg_bdf *b, const char *path, size_t i, enum role r,
		 double sc, double off, int rank)
{
	const char *name = bg_csv_colname(b->r, i);

	if (r == R_TEMP && b->col[R_TEMP] >= 0)
		bg_formats_note(b->notes, "%s: column '%s' not used", path,
				bg_csv_colname(b->r, (size_t)b->col[R_TEMP]));
	if (r == R_TEMP) {
		b->temp_rank = rank;
		for (int k = 0; names[k].machine; k++)
			if (names[k].rank == rank && names[k].role == R_TEMP &&
			    names[k].label)
				b->temp_machine = names[k].machine;
		if (rank >= 6)   /* Arbin's cell thermocouple */
			b->temp_machine = "surface_temperature_celsius";
	}
	b->col[r] = (int)i;
	b->scale[r] = sc;
	b->offset[r] = off;
	if (sc != 1 || off != 0)
		bg_formats_note(b->notes, "%s: column '%s' x %g %+g", path,
				name, sc, off);
}

static int map_header(bg_bdf *b, const char *path, bg_error *err)
{
	size_t n = bg_csv_ncols(b->r);

	b->temp_rank = 1000;
	for (size_t i = 0; i < n; i++) {
		const char *name = bg_csv_colname(b->r, i);
		double sc, off;
		int rank, r = classify(name, &sc, &off, &rank);
		if (r == -2)
			return bg_error_set(err, BG_EDATA, path, 1, 0,
					    _("BDF CSV column '%s' has a unit "
					      "battgrade does not know"), name);
		if (r < 0 && map_extra(b, i, name))
			continue;
		if (r < 0 || (r == R_TEMP && rank >= b->temp_rank) ||
		    (r != R_TEMP && b->col[r] >= 0)) {
			bg_formats_note(b->notes, "%s: column '%s' not used",
					path, name);
			continue;
		}
		take(b, path, i, (enum role)r, sc, off, rank);
	}
	return 0;
}

/* "VAR1".."VAR15", "Loop1".."Loop4": Maccor's numbered columns. */
static int maccor_numbered(const char *name)
{
	const char *p = !strncmp(name, "VAR", 3) ? name + 3 :
			!strncmp(name, "Loop", 4) ? name + 4 : NULL;

	if (!p || !*p)
		return 0;
	for (; *p; p++)
		if (!isdigit((unsigned char)*p))
			return 0;
	return 1;
}

static int map_maccor(bg_bdf *b, const char *path, bg_error *err)
{
	size_t n = bg_csv_ncols(b->r);
	unsigned long line = (unsigned long)b->skip + 1;

	for (size_t i = 0; i < n; i++) {
		const char *name = bg_csv_colname(b->r, i);
		int k;
		for (k = 0; maccor_cols[k].name; k++)
			if (!strcmp(name, maccor_cols[k].name))
				break;
		if (!maccor_cols[k].name && !maccor_numbered(name))
			return bg_error_set(err, BG_EDATA, path, line,
					    bg_csv_column(b->r, i),
					    _("Maccor export with unknown "
					      "column '%s' at line %lu"), name,
					    line);
		if (maccor_cols[k].name && maccor_cols[k].role != R_N) {
			b->col[maccor_cols[k].role] = (int)i;
			b->scale[maccor_cols[k].role] = 1;
		}
	}
	if (b->col[R_STATE] < 0)
		return bg_error_set(err, BG_EDATA, path, line, 0,
				    _("Maccor export without a State column "
				      "at line %lu: the current's sign is "
				      "unknown"), line);
	return 0;
}

/* The format of the file (detected unless fmt says) and the lines
 * before its header. */
static int sniff(bg_bdf *b, const char *path, const void *buf, size_t len,
		 bg_format fmt, bg_error *err)
{
	static const char meta[] = "Today's Date";
	char head[65536];
	size_t n = len;
	FILE *f;

	if (!buf && strcmp(path, "-")) {
		if (!(f = fopen(path, "rb")))
			return bg_error_set(err, BG_ENOENT, path, 0, 0,
					    _("cannot open: %s"),
					    strerror(errno));
		n = fread(head, 1, sizeof head, f);
		fclose(f);
		buf = head;
	}
	b->fmt = fmt;
	if (buf && fmt == BG_FORMAT_UNKNOWN &&
	    bg_formats_detect_mem(&b->fmt, path, buf, n, NULL) < 0)
		b->fmt = BG_FORMAT_UNKNOWN;
	if (b->fmt != BG_FORMAT_MACCOR && b->fmt != BG_FORMAT_ARBIN)
		b->fmt = BG_FORMAT_BDF;
	if (buf && n >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3)) {
		buf = (const char *)buf + 3;
		n -= 3;
	}
	b->skip = b->fmt == BG_FORMAT_MACCOR && buf &&
		  n >= sizeof meta - 1 && !memcmp(buf, meta, sizeof meta - 1);
	return 0;
}

static int open_csv(bg_bdf *b, const char *path, const void *buf,
		    size_t len, bg_error *err)
{
	bg_csv_opts o;

	bg_csv_opts_init(&o);
	if (b->fmt == BG_FORMAT_MACCOR) {
		o.delim = '\t';
		o.skip_lines = (unsigned long)b->skip;
	}
	return buf ? bg_csv_open_mem(&b->r, path, buf, len, &o, err) :
		     bg_csv_open(&b->r, path, &o, err);
}

static int check_roles(bg_bdf *b, const char *path, bg_error *err)
{
	const char *what;

	if (b->col[R_TTIME] >= 0 && b->col[R_UTIME] >= 0)
		b->col[R_UTIME] = -1;   /* test time is the monotone one */
	if ((b->col[R_TTIME] >= 0 || b->col[R_UTIME] >= 0) &&
	    b->col[R_V] >= 0 && b->col[R_I] >= 0)
		return 0;
	if (b->fmt == BG_FORMAT_MACCOR)
		what = b->col[R_V] < 0 ? "Volts" : b->col[R_I] < 0 ? "Amps" :
		       "Test (Sec)";
	else
		what = b->col[R_V] < 0 ? "voltage_volt" :
		       b->col[R_I] < 0 ? "current_ampere" :
		       "test_time_second or unix_time_second";
	return bg_error_set(err, BG_EDATA, path, (unsigned long)b->skip + 1,
			    0, b->fmt == BG_FORMAT_MACCOR ?
			    _("Maccor export without %s") :
			    _("BDF CSV without %s"), what);
}

/* Open over path, or over buf when it is not NULL. */
static int bdf_open(bg_bdf **out, const char *path, const void *buf,
		    size_t len, bg_format fmt, bg_formats_notes *notes,
		    bg_error *err)
{
	bg_bdf *b = calloc(1, sizeof *b);
	int rc;

	*out = NULL;
	if (!b)
		return bg_error_set(err, BG_ENOMEM, path, 0, 0,
				    _("out of memory"));
	b->notes = notes;
	b->last_t = -INFINITY;
	for (int k = 0; k < R_N; k++)
		b->col[k] = -1;
	if ((rc = sniff(b, path, buf, len, fmt, err)) < 0 ||
	    (rc = open_csv(b, path, buf, len, err)) < 0 ||
	    (rc = b->fmt == BG_FORMAT_MACCOR ? map_maccor(b, path, err) :
		  map_header(b, path, err)) < 0 ||
	    (rc = check_roles(b, path, err)) < 0) {
		bg_bdf_close(b);
		return rc;
	}
	if (b->fmt == BG_FORMAT_ARBIN && (bg_csv_find(b->r, "Data_Point") < 0 ||
	    bg_csv_find(b->r, "Cycle_Index") < 0))
		b->fmt = BG_FORMAT_BDF;
	bg_formats_note(notes, "%s: format %s (%s), time column '%s'", path,
			bg_format_name(b->fmt), bg_format_label(b->fmt),
			bg_csv_colname(b->r, (size_t)(b->col[R_TTIME] >= 0 ?
			b->col[R_TTIME] : b->col[R_UTIME])));
	if (b->fmt == BG_FORMAT_MACCOR)
		bg_formats_note(notes, "%s: current signed by State (C "
				"charge +, D discharge -); Amp-hr of D rows "
				"is the discharge counter", path);
	*out = b;
	return 0;
}

int bg_bdf_open_as(bg_bdf **out, const char *path, const void *buf,
		   size_t len, bg_format fmt, bg_formats_notes *notes,
		   bg_error *err)
{
	*out = NULL;
	if (fmt != BG_FORMAT_UNKNOWN &&
	    bg_format_kind(fmt) != BG_FORMAT_TIMESERIES)
		return bg_error_set(err, BG_EINVAL, path, 0, 0,
				    _("%s is not a time-series format"),
				    bg_format_name(fmt));
	return bdf_open(out, path, buf, len, fmt, notes, err);
}

int bg_bdf_open(bg_bdf **out, const char *path, bg_formats_notes *notes,
		bg_error *err)
{
	return bdf_open(out, path, NULL, 0, BG_FORMAT_UNKNOWN, notes, err);
}

int bg_bdf_open_mem(bg_bdf **out, const char *name, const void *buf,
		    size_t len, bg_formats_notes *notes, bg_error *err)
{
	return bdf_open(out, name, buf ? buf : "", len, BG_FORMAT_UNKNOWN,
			notes, err);
}

bg_format bg_bdf_format(const bg_bdf *b)
{
	return b->fmt;
}

int bg_bdf_unix_time(const bg_bdf *b)
{
	return b->col[R_TTIME] < 0;
}

const char *bg_bdf_temperature_name(const bg_bdf *b)
{
	return b->col[R_TEMP] < 0 ? NULL : b->temp_machine;
}

unsigned long bg_bdf_rows(const bg_bdf *b)
{
	return b->rows;
}

static int get(bg_bdf *b, enum role r, double *v, const char **text,
	       bg_error *err)
{
	int present = 1, rc;
	const char *s;

	*v = NAN;
	*text = NULL;
	if (b->col[r] < 0)
		return 0;
	if (r == R_TEMP)
		rc = bg_csv_double_opt(b->r, (size_t)b->col[r], v, &present,
				       err);
	else
		rc = bg_csv_double(b->r, (size_t)b->col[r], v, err);
	if (rc < 0)
		return rc;
	if (!present)
		return 0;
	s = bg_csv_field(b->r, (size_t)b->col[r]);
	if (b->scale[r] == 1 && b->offset[r] == 0 && !strpbrk(s, " \t"))
		*text = s;
	*v = *v * b->scale[r] + b->offset[r];
	return 0;
}

/* Time must not run backwards (test time) or is reported (unix time). */
static int check_time(bg_bdf *b, double t, bg_error *err)
{
	int tcol = b->col[R_TTIME] >= 0 ? b->col[R_TTIME] : b->col[R_UTIME];
	unsigned long line = bg_csv_line(b->r);

	if (t >= b->last_t)
		return 0;
	if (b->col[R_TTIME] < 0) {
		if (b->backsteps++ < 5)
			bg_formats_note(b->notes, "%s:%lu: unix time goes back "
					"from %.3f to %.3f (clock jump; the log "
					"splits there)", bg_csv_name(b->r),
					line, b->last_t, t);
		return 0;
	}
	return bg_csv_error(b->r, (size_t)tcol, err, BG_EDATA,
			    _("%s goes backwards from %g at line %lu to %g%s"),
			    bg_csv_colname(b->r, (size_t)tcol), b->last_t,
			    b->last_line, t, t == 0 ? _(": it restarts at "
			    "zero, so the column may hold step time, not test "
			    "time") : "");
}

/* An optional number column (cycle, capacity counter): NAN when the
 * column is absent or the field empty (Arbin leaves Cycle_Index empty
 * before the first cycle). */
static int get_opt(bg_bdf *b, enum role r, double *v, bg_error *err)
{
	int present = 1, rc;

	*v = NAN;
	if (b->col[r] < 0)
		return 0;
	if ((rc = bg_csv_double_opt(b->r, (size_t)b->col[r], v, &present,
				    err)) < 0)
		return rc;
	*v = present ? *v * b->scale[r] : NAN;
	return 0;
}

/* Maccor: the sign of the current from State; the discharge counter
 * is Amp-hr on D rows (0 elsewhere: it restarts with every step). */
static int maccor_state(bg_bdf *b, bg_bdf_row *row, bg_error *err)
{
	size_t c = (size_t)b->col[R_STATE];
	const char *st = bg_csv_field(b->r, c);

	row->state = st[0];
	row->current_text = NULL;
	if (st[0] && st[1])
		row->state = '?';
	switch (row->state) {
	case 'C':
		row->current_a = fabs(row->current_a);
		break;
	case 'D':
		if (row->current_a < 0)
			b->signed_d++;
		else if (row->current_a > 0)
			b->unsigned_d++;
		row->current_a = -fabs(row->current_a);
		break;
	case 'R': case 'O':
		break;
	default:
		return bg_csv_error(b->r, c, err, BG_EDATA,
				    _("Maccor State '%s' battgrade does not "
				      "know (C charge, D discharge, R rest, "
				      "O other)"), st);
	}
	if (row->state != 'D' && !isnan(row->discharge_ah))
		row->discharge_ah = 0;
	return 0;
}

int bg_bdf_next(bg_bdf *b, bg_bdf_row *row, bg_error *err)
{
	double t;
	int rc = bg_csv_next(b->r, err);

	if (rc <= 0)
		return rc;
	row->state = 0;
	if ((rc = get(b, b->col[R_TTIME] >= 0 ? R_TTIME : R_UTIME, &t,
		      &row->time_text, err)) < 0 ||
	    (rc = get(b, R_V, &row->voltage_v, &row->voltage_text, err)) < 0 ||
	    (rc = get(b, R_I, &row->current_a, &row->current_text, err)) < 0 ||
	    (rc = get(b, R_TEMP, &row->temperature_c, &row->temperature_text,
		      err)) < 0 ||
	    (rc = get_opt(b, R_CYCLE, &row->cycle, err)) < 0 ||
	    (rc = get_opt(b, R_DCAP, &row->discharge_ah, err)) < 0)
		return rc;
	if (b->col[R_STATE] >= 0 && (rc = maccor_state(b, row, err)) < 0)
		return rc;
	if ((rc = check_time(b, t, err)) < 0)
		return rc;
	row->time_s = t;
	row->line = bg_csv_line(b->r);
	b->last_t = t;
	b->last_line = row->line;
	b->rows++;
	return 1;
}

void bg_bdf_close(bg_bdf *b)
{
	if (!b)
		return;
	if (b->signed_d || b->unsigned_d)
		bg_formats_note(b->notes, "%s: Maccor Amps of D rows: %lu "
				"negative, %lu positive (signed from State)",
				bg_csv_name(b->r), b->signed_d, b->unsigned_d);
	if (b->backsteps > 5)
		bg_formats_note(b->notes, "%s: unix time went back %lu times in "
				"all", bg_csv_name(b->r), b->backsteps);
	bg_csv_close(b->r);
	free(b);
}
