/*
 * formats.c - impedance analyser exports recognised by content and read
 * into bg_spectrum (battgrade-formats(5)).
 *
 * Each instrument writes a header of its own and then a table.  A
 * "locate" function per format finds the table in the file (the column
 * names, the line where rows start, the delimiter, any stated row count)
 * and fails naming the format and line when the layout is not the one
 * it knows; one generic reader then maps the columns to frequency and
 * impedance through a classifier that understands unit suffixes
 * (Hz/kHz/mHz, ohm/mOhm/kOhm, degrees or radians of phase) and the
 * "-Im(Z)" sign convention, and reads the rows with the strict CSV
 * reader (csvin.h) over the table's bytes.  Column names a format does
 * not list are errors: an instrument software update that adds or
 * renames a column must be seen, not guessed at.
 *
 * Sources of the layouts: the example files of impedance.py
 * (github.com/ECSHackWeek/impedance.py, data/, MIT) and their readers in
 * impedance/preprocessing.py; Gamry's EXPLAIN format description in the
 * Gamry Framework documentation; EC-Lab's "Nb header lines" convention.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "battgrade/csvin.h"
#include "battgrade/formats.h"
#include "battgrade/models.h"
#include "formats-int.h"
#include "i18n.h"

#define MAXCOLS 64
#define NAMELEN 96
#define MAX_FILE (64u << 20)

static const struct {
	const char *name, *label;
	int kind;
} fmt_tab[BG_FORMAT_COUNT] = {
	[BG_FORMAT_UNKNOWN] = { "unknown", "unknown", 0 },
	[BG_FORMAT_GAMRY] = { "gamry", "Gamry .DTA", BG_FORMAT_SPECTRUM },
	[BG_FORMAT_BIOLOGIC] = { "biologic", "BioLogic .mpt",
				 BG_FORMAT_SPECTRUM },
	[BG_FORMAT_ZPLOT] = { "zplot", "ZPlot .z", BG_FORMAT_SPECTRUM },
	[BG_FORMAT_ZPLOTW] = { "zplotw", "ZPlot .z without comments",
			       BG_FORMAT_SPECTRUM },
	[BG_FORMAT_AUTOLAB] = { "autolab", "Autolab NOVA text",
				BG_FORMAT_SPECTRUM },
	[BG_FORMAT_VERSASTUDIO] = { "versastudio", "VersaStudio .par",
				    BG_FORMAT_SPECTRUM },
	[BG_FORMAT_POWERSUITE] = { "powersuite", "PowerSuite text",
				   BG_FORMAT_SPECTRUM },
	[BG_FORMAT_PARSTAT] = { "parstat", "Parstat text",
				BG_FORMAT_SPECTRUM },
	[BG_FORMAT_CHI] = { "chi", "CH Instruments text",
			    BG_FORMAT_SPECTRUM },
	[BG_FORMAT_PLAIN] = { "plain", "plain CSV/TSV", BG_FORMAT_SPECTRUM },
	[BG_FORMAT_BDF] = { "bdf", "BDF CSV", BG_FORMAT_TIMESERIES },
	[BG_FORMAT_ARBIN] = { "arbin", "Arbin CSV", BG_FORMAT_TIMESERIES },
};

const char *bg_format_name(bg_format f)
{
	return f < BG_FORMAT_COUNT ? fmt_tab[f].name : "unknown";
}

const char *bg_format_label(bg_format f)
{
	return f < BG_FORMAT_COUNT ? fmt_tab[f].label : "unknown";
}

int bg_format_kind(bg_format f)
{
	return f < BG_FORMAT_COUNT ? fmt_tab[f].kind : 0;
}

bg_format bg_format_from_name(const char *name)
{
	for (int f = 1; f < BG_FORMAT_COUNT; f++)
		if (!strcasecmp(name, fmt_tab[f].name))
			return (bg_format)f;
	return BG_FORMAT_UNKNOWN;
}

void bg_formats_note(bg_formats_notes *n, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (!n || n->len + 2 >= sizeof n->text)
		return;
	va_start(ap, fmt);
	k = vsnprintf(n->text + n->len, sizeof n->text - n->len - 1, fmt, ap);
	va_end(ap);
	if (k < 0)
		return;
	n->len += (size_t)k;
	if (n->len > sizeof n->text - 2)
		n->len = sizeof n->text - 2;
	n->text[n->len++] = '\n';
	n->text[n->len] = '\0';
}

/* ---- lines of a text in memory ------------------------------------- */

/* The next line from *pos: start, length without CR/LF, line number. */
static int next_line(const struct bg_text *t, size_t *pos, struct bg_line *l)
{
	size_t p = *pos, e;

	if (p >= t->len) {
		if (!l->s) {            /* no line at all: an empty one */
			l->s = "";
			l->len = 0;
		}
		return 0;
	}
	const char *nl = memchr(t->buf + p, '\n', t->len - p);
	e = nl ? (size_t)(nl - t->buf) : t->len;
	l->s = t->buf + p;
	l->off = p;
	l->len = e - p;
	while (l->len && l->s[l->len - 1] == '\r')
		l->len--;
	l->no++;
	*pos = nl ? e + 1 : t->len;
	return 1;
}

/* Line number no (1-based) of t, or 0 when the text is shorter. */
static int line_no(const struct bg_text *t, unsigned long no,
		   struct bg_line *l)
{
	size_t pos = 0;

	l->no = 0;
	while (next_line(t, &pos, l))
		if (l->no == no)
			return 1;
	return 0;
}

static int starts(const struct bg_line *l, const char *prefix)
{
	size_t n = strlen(prefix);

	return l->len >= n && !memcmp(l->s, prefix, n);
}

static int contains(const struct bg_line *l, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; i + n <= l->len; i++)
		if (!memcmp(l->s + i, needle, n))
			return 1;
	return 0;
}

/* ---- column names and units ---------------------------------------- */

/* Copy s[0..n) trimmed of blanks, and of double quotes around it. */
static void copy_name(char *dst, const char *s, size_t n)
{
	if (!s) {
		s = "";
		n = 0;
	}
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		s++;
		n -= 2;
		while (n && isspace((unsigned char)*s))
			s++, n--;
		while (n && isspace((unsigned char)s[n - 1]))
			n--;
	}
	if (n >= NAMELEN)
		n = NAMELEN - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/*
 * Split a header line into names at delim; delim 2 means "two or more
 * spaces" (the ZView text header).  Returns the count or -1 when there
 * are more than MAXCOLS.
 */
static int split_names(const struct bg_line *l, int delim,
		       char names[][NAMELEN], unsigned long *cols)
{
	size_t i = 0, start = 0;
	int n = 0;

	while (i <= l->len) {
		int end = i == l->len;
		size_t w = 1;
		if (!end && delim == 2)
			for (w = 0; i + w < l->len && l->s[i + w] == ' '; w++)
				;
		int cut = end || (delim == 2 ? w >= 2 : l->s[i] == delim);
		if (!cut) {
			i += delim == 2 && w ? w : 1;
			continue;
		}
		if (n == MAXCOLS)
			return -1;
		if (cols)
			cols[n] = start + 1;
		copy_name(names[n++], l->s + start, i - start);
		i += end ? 1 : w;
		start = i;
	}
	if (delim == 2 && n && !names[0][0]) {   /* leading blanks */
		memmove(names[0], names[1], (size_t)--n * NAMELEN);
		if (cols)
			memmove(cols, cols + 1, (size_t)n * sizeof *cols);
	}
	return n;
}

struct unit {
	const char *s;
	double scale;
};

static const struct unit ohm_units[] = {
	{ "ohm", 1 }, { "ohms", 1 }, { "Ohm", 1 }, { "Ohms", 1 },
	{ "OHM", 1 }, { "\xce\xa9", 1 }, { "mOhm", 1e-3 }, { "mohm", 1e-3 },
	{ "m\xce\xa9", 1e-3 }, { "kOhm", 1e3 }, { "kohm", 1e3 },
	{ "k\xce\xa9", 1e3 }, { "MOhm", 1e6 }, { "Mohm", 1e6 },
	{ "M\xce\xa9", 1e6 }, { NULL, 0 }
};
static const struct unit hz_units[] = {
	{ "Hz", 1 }, { "hz", 1 }, { "HZ", 1 }, { "kHz", 1e3 },
	{ "mHz", 1e-3 }, { "MHz", 1e6 }, { NULL, 0 }
};
static const struct unit phase_units[] = {
	{ "deg", M_PI / 180 }, { "degree", M_PI / 180 },
	{ "degrees", M_PI / 180 }, { "\xc2\xb0", M_PI / 180 },
	{ "\xb0", M_PI / 180 }, { "rad", 1 }, { NULL, 0 }
};

static const struct unit *find_unit(const struct unit *u, const char *s)
{
	for (; u->s; u++)
		if (!strcmp(u->s, s))
			return u;
	return NULL;
}

static int any_unit(const char *s)
{
	return find_unit(ohm_units, s) || find_unit(hz_units, s) ||
	       find_unit(phase_units, s);
}

/*
 * Split "Re(Z)/Ohm", "Zre (ohms)", "Freq(Hz)", "Z' [mOhm]" into a base
 * and a unit; the unit must be one of the known ones, else the whole
 * name is the base ("Z'(a)", "Time(Sec)").
 */
static void split_unit(const char *name, char *base, char *unit)
{
	size_t n = strlen(name);
	char u[NAMELEN];

	base[0] = unit[0] = '\0';
	if (n && (name[n - 1] == ')' || name[n - 1] == ']')) {
		const char *o = strrchr(name, name[n - 1] == ')' ? '(' : '[');
		if (o) {
			copy_name(u, o + 1, (size_t)(name + n - 1 - (o + 1)));
			if (any_unit(u)) {
				copy_name(base, name, (size_t)(o - name));
				snprintf(unit, NAMELEN, "%s", u);
				return;
			}
		}
	}
	const char *sl = strrchr(name, '/');
	if (sl) {
		copy_name(u, sl + 1, strlen(sl + 1));
		if (any_unit(u)) {
			copy_name(base, name, (size_t)(sl - name));
			snprintf(unit, NAMELEN, "%s", u);
			return;
		}
	}
	snprintf(base, NAMELEN, "%s", name);
}

/* The name without its last "/..." or "(...)" part; 0 if none. */
static int loose_base(const char *name, char *base)
{
	const char *sl = strrchr(name, '/'), *par = strrchr(name, '(');
	const char *cut = sl ? sl : par;

	if (!cut || cut == name)
		return 0;
	copy_name(base, name, (size_t)(cut - name));
	return 1;
}

struct alias {
	const char *base;
	enum bg_qty q;
	int sign;
	double implied;      /* scale of a name whose unit is built in */
};

/* Base names of the quantities, compared case-insensitively. */
static const struct alias aliases[] = {
	{ "freq", BG_Q_FREQ, 1, 0 }, { "frequency", BG_Q_FREQ, 1, 0 },
	{ "f", BG_Q_FREQ, 1, 0 }, { "frequency_hertz", BG_Q_FREQ, 1, 1 },
	{ "z'", BG_Q_ZRE, 1, 0 }, { "zreal", BG_Q_ZRE, 1, 0 },
	{ "z_real", BG_Q_ZRE, 1, 0 }, { "zre", BG_Q_ZRE, 1, 0 },
	{ "re(z)", BG_Q_ZRE, 1, 0 }, { "real", BG_Q_ZRE, 1, 0 },
	{ "z real", BG_Q_ZRE, 1, 0 }, { "z'(a)", BG_Q_ZRE, 1, 0 },
	{ "real_impedance_ohm", BG_Q_ZRE, 1, 1 },
	{ "z''", BG_Q_ZIM, 1, 0 }, { "z\"", BG_Q_ZIM, 1, 0 },
	{ "zimag", BG_Q_ZIM, 1, 0 }, { "zimg", BG_Q_ZIM, 1, 0 },
	{ "z_imag", BG_Q_ZIM, 1, 0 }, { "zim", BG_Q_ZIM, 1, 0 },
	{ "im(z)", BG_Q_ZIM, 1, 0 }, { "imag", BG_Q_ZIM, 1, 0 },
	{ "z imag", BG_Q_ZIM, 1, 0 }, { "z''(b)", BG_Q_ZIM, 1, 0 },
	{ "imaginary_impedance_ohm", BG_Q_ZIM, 1, 1 },
	{ "-z''", BG_Q_ZIM, -1, 0 }, { "-z\"", BG_Q_ZIM, -1, 0 },
	{ "-zimag", BG_Q_ZIM, -1, 0 }, { "-zim", BG_Q_ZIM, -1, 0 },
	{ "-im(z)", BG_Q_ZIM, -1, 0 }, { "-imag", BG_Q_ZIM, -1, 0 },
	{ "|z|", BG_Q_ZMOD, 1, 0 }, { "zmod", BG_Q_ZMOD, 1, 0 },
	{ "z", BG_Q_ZMOD, 1, 0 }, { "absolute_impedance_ohm", BG_Q_ZMOD, 1, 1 },
	{ "phase", BG_Q_PHASE, 1, 0 }, { "phase(z)", BG_Q_PHASE, 1, 0 },
	{ "zphz", BG_Q_PHASE, 1, 0 }, { "-phase", BG_Q_PHASE, -1, 0 },
	{ "-phase(z)", BG_Q_PHASE, -1, 0 },
	{ "phase_degree", BG_Q_PHASE, 1, M_PI / 180 },
	{ NULL, BG_Q_NONE, 0, 0 }
};

/*
 * What a column holds: quantity, sign and scale to Hz, ohm or radians.
 * A quantity column with a unit of another quantity (frequency in ohm)
 * is BG_Q_BAD.  Without a unit, impedance is taken in ohm and phase in
 * degrees, and *assumed is set.
 */
void bg_formats_classify(const char *name, struct bg_colmap *c)
{
	char base[NAMELEN], unit[NAMELEN];
	const struct unit *u;

	memset(c, 0, sizeof *c);
	split_unit(name, base, unit);
	for (const struct alias *a = aliases; a->base; a++) {
		if (strcasecmp(a->base, base))
			continue;
		c->q = a->q;
		c->sign = a->sign;
		if (a->implied && !unit[0]) {
			c->scale = a->implied;
			return;
		}
		const struct unit *set = a->q == BG_Q_FREQ ? hz_units :
					 a->q == BG_Q_PHASE ? phase_units :
					 ohm_units;
		if (!unit[0]) {
			c->scale = a->q == BG_Q_PHASE ? M_PI / 180 : 1;
			c->assumed = 1;
			return;
		}
		if (!(u = find_unit(set, unit))) {
			c->bad_q = c->q;
			c->q = BG_Q_BAD;
			return;
		}
		c->scale = u->scale;
		snprintf(c->unit, sizeof c->unit, "%s", unit);
		return;
	}
	c->q = BG_Q_NONE;
	/* "Zimag/furlong": a quantity's name with a unit we don't know */
	if (!unit[0] && loose_base(name, base)) {
		for (const struct alias *a = aliases; a->base; a++)
			if (!strcasecmp(a->base, base)) {
				c->q = BG_Q_BAD;
				c->bad_q = a->q;
			}
	}
}

/* ---- the table inside a file ----------------------------------------- */

struct table {
	bg_format fmt;
	const struct bg_text *t;
	unsigned long header_line;   /* line of the column names */
	size_t data_off;             /* offset where the rows start */
	size_t data_end;             /* offset where they end */
	unsigned long data_line;     /* line number at data_off */
	unsigned char delim;
	int ncols;
	char names[MAXCOLS][NAMELEN];
	unsigned long cols[MAXCOLS];   /* byte column of each name */
	char units[MAXCOLS][NAMELEN];  /* Gamry's separate units row */
	const char *const *known;      /* the format's column names */
	long expect_rows;              /* a row count the file states, or -1 */
	int skip_zero_freq;            /* Parstat's DC rows */
	int crcrlf;                    /* PowerSuite's CR CR LF line ends */
	bg_error *err;
};

static int tfail(const struct table *tb, unsigned long line,
		 unsigned long col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int tfail(const struct table *tb, unsigned long line,
		 unsigned long col, const char *fmt, ...)
{
	char msg[BG_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return bg_error_set(tb->err, BG_EDATA, tb->t->name, line, col,
			    "%s %s", bg_format_label(tb->fmt), msg);
}

/*
 * Column names each format is known to write.  "?" stands for one
 * non-ASCII character in any encoding (EC-Lab writes a Latin-1 micro
 * sign).  Anything else is an unknown variant.
 */
static const char *const gamry_cols[] = {
	"Pt", "Time", "Freq", "Zreal", "Zimag", "Zsig", "Zmod", "Zphz",
	"Idc", "Vdc", "IERange", "Imod", "Iphz", "Vmod", "Vphz", "Temp",
	NULL
};
static const char *const biologic_cols[] = {
	"freq/Hz", "Re(Z)/Ohm", "-Im(Z)/Ohm", "|Z|/Ohm", "Phase(Z)/deg",
	"time/s", "<Ewe>/V", "<I>/mA", "Cs/?F", "Cp/?F", "cycle number",
	"I Range", "|Ewe|/V", "|I|/A", "Re(Y)/Ohm-1", "Im(Y)/Ohm-1",
	"|Y|/Ohm-1", "Phase(Y)/deg", "Ns", "(Q-Qo)/mA.h", "control/V",
	"Ewe/V", "I/mA", "Re(Zce)/Ohm", "-Im(Zce)/Ohm", "|Zce|/Ohm",
	"Phase(Zce)/deg", "Re(Zwe-ce)/Ohm", "-Im(Zwe-ce)/Ohm",
	"|Zwe-ce|/Ohm", "Phase(Zwe-ce)/deg", "<Ece>/V", "|Ece|/V",
	"Ece/V", "dq/mA.h", "mode", "ox/red", "error", "control changes",
	"Ns changes", "counter inc.", NULL
};
static const char *const zplot_cols[] = {
	"Freq(Hz)", "Freq (Hz)", "Ampl", "Bias", "Time(Sec)", "Z'(a)",
	"Z''(b)", "GD", "Err", "Range", NULL
};
static const char *const versa_cols[] = {
	"Segment #", "Point #", "E(V)", "I(A)", "Elapsed Time(s)",
	"ADC Sync Input(V)", "Current Range", "Status", "E Applied(V)",
	"Frequency(Hz)", "E Real", "E Imag", "I Real", "I Imag", "Z Real",
	"Z Imag", "E2 Status", "E2(V)", "E2 Real", "E2 Imag", "Z2 Real",
	"Z2 Imag", "ActionId", "AC Amplitude", NULL
};
static const char *const powersuite_cols[] = {
	"Frequency", "Zre", "Zimg", NULL
};
static const char *const parstat_cols[] = {
	"Potential (V)", "Current (A)", "Elapsed Time (s)", "Frequency (Hz)",
	"Zre (ohms)", "Zim (ohms)", "|Vac| (V)", "|Iac| (A)", NULL
};
static const char *const chi_cols[] = {
	"Freq/Hz", "Z'/ohm", "Z\"/ohm", "Z/ohm", "Phase/deg", NULL
};

/* name matches pattern: case-insensitive; '?' in the pattern matches a
 * run of one to three bytes >= 0x80. */
static int name_match(const char *pat, const char *s)
{
	for (; *pat; pat++) {
		if (*pat == '?') {
			int k = 0;
			while (k < 3 && (unsigned char)*s >= 0x80)
				s++, k++;
			if (!k)
				return 0;
			continue;
		}
		if (tolower((unsigned char)*pat) != tolower((unsigned char)*s))
			return 0;
		s++;
	}
	return !*s;
}

static int known_name(const char *const *known, const char *name)
{
	for (; *known; known++)
		if (name_match(*known, name))
			return 1;
	return 0;
}

/* Find the line starting with prefix from *pos on. */
static int find_line(const struct bg_text *t, size_t *pos,
		     struct bg_line *l, const char *prefix)
{
	while (next_line(t, pos, l))
		if (starts(l, prefix))
			return 1;
	return 0;
}

static void data_from(struct table *tb, size_t pos, unsigned long line)
{
	tb->data_off = pos;
	tb->data_line = line + 1;
	tb->data_end = tb->t->len;
}

static int header_names(struct table *tb, const struct bg_line *l, int delim)
{
	tb->header_line = l->no;
	tb->ncols = split_names(l, delim, tb->names, tb->cols);
	if (tb->ncols < 0)
		return tfail(tb, l->no, 1, _("header with more than %d columns"),
			     MAXCOLS);
	return 0;
}

/* Gamry EXPLAIN: the ZCURVE table is its name line, column names, units
 * and tab-indented rows up to the first line without a leading tab. */
static int locate_gamry(struct table *tb, bg_formats_notes *notes)
{
	const struct bg_text *t = tb->t;
	struct bg_line l = { 0 }, u;
	size_t pos = 0, p2;

	if (!find_line(t, &pos, &l, "ZCURVE"))
		return tfail(tb, 0, 0, _("without a ZCURVE table (not an "
					 "impedance measurement)"));
	if (!next_line(t, &pos, &l) || header_names(tb, &l, '\t') < 0)
		return tfail(tb, l.no, 1, _("ZCURVE table without a header"));
	u = l;
	if (!next_line(t, &pos, &u))
		return tfail(tb, u.no, 1, _("ZCURVE table without units"));
	if (split_names(&u, '\t', tb->units, NULL) != tb->ncols)
		return tfail(tb, u.no, 1, _("units row with %d fields for %d "
					    "columns"),
			     split_names(&u, '\t', tb->units, NULL), tb->ncols);
	data_from(tb, pos, u.no);
	p2 = pos;
	l = u;
	while (next_line(t, &p2, &l))
		if (!l.len || l.s[0] != '\t') {
			tb->data_end = l.off;
			break;
		}
	if (tb->data_end < t->len && starts(&l, "EXPERIMENTABORTED"))
		bg_formats_note(notes, "%s: experiment aborted (%s at line "
				"%lu): the spectrum stops early", t->name,
				"EXPERIMENTABORTED", l.no);
	return 0;
}

/* EC-Lab: line 2 says how many header lines there are; the last of them
 * names the columns. */
static int locate_biologic(struct table *tb, bg_formats_notes *notes)
{
	const struct bg_text *t = tb->t;
	struct bg_line l = { 0 };
	unsigned long nh;
	char tmp[64], *end;

	if (!line_no(t, 2, &l) || !starts(&l, "Nb header lines"))
		return tfail(tb, 2, 1, _("without 'Nb header lines' on line 2"));
	const char *c = memchr(l.s, ':', l.len);
	size_t n = c ? l.len - (size_t)(c + 1 - l.s) : 0;
	copy_name(tmp, c ? c + 1 : "", n < sizeof tmp ? n : sizeof tmp - 1);
	nh = strtoul(tmp, &end, 10);
	if (!c || end == tmp || *end || nh < 3)
		return tfail(tb, 2, 1, _("with a bad header line count '%s'"),
			     tmp);
	if (!line_no(t, nh, &l))
		return tfail(tb, nh, 1, _("ends before its %lu header lines"),
			     nh);
	if (header_names(tb, &l, '\t') < 0)
		return BG_EDATA;
	while (tb->ncols > 0 && !tb->names[tb->ncols - 1][0])
		tb->ncols--;            /* EC-Lab ends the header with a tab */
	data_from(tb, l.off + l.len, nh);
	if (tb->data_off < t->len && t->buf[tb->data_off] == '\r')
		tb->data_off++;
	if (tb->data_off < t->len)
		tb->data_off++;
	bg_formats_note(notes, "%s: %lu header lines (line 2)", t->name, nh);
	return 0;
}

/* ZPlot: the column names are the line before "End Comments". */
static int locate_zplot(struct table *tb, bg_formats_notes *notes)
{
	const struct bg_text *t = tb->t;
	struct bg_line l = { 0 }, prev = { 0 };
	size_t pos = 0;

	tb->expect_rows = -1;
	while (next_line(t, &pos, &l)) {
		if (starts(&l, "End Comments"))
			break;
		const char *k = "  Data Points:";
		if (starts(&l, k)) {
			char tmp[32], *end;
			size_t n = l.len - strlen(k);
			copy_name(tmp, l.s + strlen(k), n < 31 ? n : 31);
			tb->expect_rows = strtol(tmp, &end, 10);
			if (end == tmp || *end)
				return tfail(tb, l.no, 1, _("with a bad "
					     "'Data Points' value '%s'"), tmp);
		}
		prev = l;
	}
	if (!starts(&l, "End Comments") || !prev.no)
		return tfail(tb, l.no, 1, _("without an 'End Comments' line"));
	if (header_names(tb, &prev, '\t') < 0)
		return BG_EDATA;
	data_from(tb, pos, l.no);
	bg_formats_note(notes, "%s: column names at line %lu", t->name,
			prev.no);
	return 0;
}

/* ZView text (ZPlot without comments, Autolab NOVA): a count line, then
 * the quoted column names separated by runs of blanks, then CSV rows. */
static int locate_zview(struct table *tb, bg_formats_notes *notes)
{
	const struct bg_text *t = tb->t;
	struct bg_line l = { 0 }, prev = { 0 };
	size_t pos = 0;
	char tmp[32], *end;

	(void)notes;
	while (next_line(t, &pos, &l)) {
		if (l.len && l.s[0] == '"' && contains(&l, "Z'(a)"))
			break;
		prev = l;
	}
	if (!contains(&l, "Z'(a)"))
		return tfail(tb, 0, 0, _("without a quoted column header "
					 "naming Z'(a)"));
	if (l.len >= 2 && l.s[l.len - 1] == '"') {
		l.s++;                  /* the whole header is one quoted text */
		l.len -= 2;
	}
	if (header_names(tb, &l, 2) < 0)
		return BG_EDATA;
	for (int i = 0; i < tb->ncols; i++)
		tb->cols[i]++;
	copy_name(tmp, prev.s, prev.len < 31 ? prev.len : 31);
	tb->expect_rows = strtol(tmp, &end, 10);
	if (end == tmp || *end)
		return tfail(tb, prev.no, 1, _("without the point count "
					       "before the header (found "
					       "'%s')"), tmp);
	tb->delim = ',';
	data_from(tb, pos, l.no);
	return 0;
}

/* VersaStudio: <Segment1> holds "Definition=" names and CSV rows up to
 * </Segment1>. */
static int locate_versa(struct table *tb, bg_formats_notes *notes)
{
	const struct bg_text *t = tb->t;
	struct bg_line l = { 0 };
	size_t pos = 0;

	if (!find_line(t, &pos, &l, "<Segment1>"))
		return tfail(tb, 0, 0, _("without a <Segment1> section"));
	while (next_line(t, &pos, &l) && !starts(&l, "Definition="))
		if (starts(&l, "</Segment1>") || (l.len && isdigit(
			(unsigned char)l.s[0])))
			return tfail(tb, l.no, 1, _("segment without a "
						    "'Definition=' line"));
	if (!starts(&l, "Definition="))
		return tfail(tb, l.no, 1, _("segment without a 'Definition=' "
					    "line"));
	struct bg_line d = l;
	d.s += 11;
	d.len -= 11;
	if (header_names(tb, &d, ',') < 0)
		return BG_EDATA;
	tb->header_line = l.no;
	for (int i = 0; i < tb->ncols; i++)
		tb->cols[i] += 11;
	/* VersaStudio ends the list with a lone number ("..., 0") */
	char *last = tb->names[tb->ncols - 1], *end;
	if (tb->ncols > 1 && (strtod(last, &end), end != last && !*end)) {
		bg_formats_note(notes, "%s: trailing '%s' after the column "
				"names ignored (line %lu)", t->name, last, l.no);
		tb->ncols--;
	}
	tb->delim = ',';
	data_from(tb, pos, l.no);
	size_t p2 = pos;
	if (find_line(t, &p2, &l, "</Segment1>"))
		tb->data_end = l.off;
	else
		return tfail(tb, l.no, 1, _("segment without </Segment1>"));
	if (find_line(t, &p2, &l, "<Segment2>"))
		bg_formats_note(notes, "%s: more segments after Segment1 "
				"(line %lu); only Segment1 read", t->name, l.no);
	return 0;
}

/* Parstat, PowerSuite: names on line 1, rows after. */
static int locate_first(struct table *tb, bg_formats_notes *notes)
{
	struct bg_line l = { 0 };
	size_t pos = 0;

	(void)notes;
	next_line(tb->t, &pos, &l);
	if (header_names(tb, &l, '\t') < 0)
		return BG_EDATA;
	data_from(tb, pos, l.no);
	return 0;
}

/* CH Instruments: a block of settings, then "Freq/Hz, Z'/ohm, ...". */
static int locate_chi(struct table *tb, bg_formats_notes *notes)
{
	const struct bg_text *t = tb->t;
	struct bg_line l = { 0 };
	size_t pos = 0;

	(void)notes;
	if (!find_line(t, &pos, &l, "Freq/"))
		return tfail(tb, 0, 0, _("without a 'Freq/Hz, ...' header"));
	if (header_names(tb, &l, ',') < 0)
		return BG_EDATA;
	tb->delim = ',';
	data_from(tb, pos, l.no);
	return 0;
}

/* Is the line all numbers separated by delim? Returns the field count
 * or 0. */
static int numeric_line(const struct bg_line *l, char delim)
{
	char buf[512];
	int n = 0;

	if (!l->len || l->len >= sizeof buf)
		return 0;
	memcpy(buf, l->s, l->len);
	buf[l->len] = '\0';
	for (char *p = buf;;) {
		char *end;
		strtod(p, &end);
		if (end == p)
			return 0;
		n++;
		while (*end == ' ')
			end++;
		if (!*end)
			return n;
		if (*end != delim)
			return 0;
		p = end + 1;
	}
}

/* Plain: frequency, Z', Z'' in CSV or TSV, with or without a header. */
static int locate_plain(struct table *tb, bg_formats_notes *notes)
{
	const struct bg_text *t = tb->t;
	struct bg_line l = { 0 };
	size_t pos = 0;

	while (next_line(t, &pos, &l) && !l.len)
		;
	tb->delim = memchr(l.s, '\t', l.len) ? '\t' :
		    memchr(l.s, ';', l.len) ? ';' : ',';
	int n = numeric_line(&l, (char)tb->delim);
	if (n) {
		if (n != 3)
			return tfail(tb, l.no, 1, _("without a header must have "
						    "3 columns (frequency, Z', "
						    "Z''), not %d"), n);
		tb->ncols = 3;
		snprintf(tb->names[0], NAMELEN, "frequency_hertz");
		snprintf(tb->names[1], NAMELEN, "real_impedance_ohm");
		snprintf(tb->names[2], NAMELEN, "imaginary_impedance_ohm");
		tb->header_line = 0;
		data_from(tb, l.off, l.no - 1);
		bg_formats_note(notes, "%s: no header; columns taken as "
				"frequency (Hz), Z' (ohm), Z'' (ohm, negative "
				"= capacitive)", t->name);
		return 0;
	}
	if (header_names(tb, &l, tb->delim) < 0)
		return BG_EDATA;
	data_from(tb, pos, l.no);
	return 0;
}

/* ---- columns to quantities ------------------------------------------ */

struct spec_cols {
	int f, re, im, mod, ph;
	struct bg_colmap m[MAXCOLS];
};

/* Values in the first data row (to explain a header that lost a name). */
static int first_row_fields(const struct table *tb)
{
	struct bg_text sub = { tb->t->buf + tb->data_off,
			       tb->data_end - tb->data_off, tb->t->name };
	struct bg_line l = { 0 };
	size_t pos = 0;
	int n = 1;

	while (next_line(&sub, &pos, &l) && !l.len)
		;
	if (!l.len)
		return 0;
	for (size_t i = 0; i < l.len; i++)
		n += l.s[i] == (char)tb->delim;
	return n;
}

static int slot_for(struct spec_cols *sc, enum bg_qty q, int **slot)
{
	switch (q) {
	case BG_Q_FREQ: *slot = &sc->f; return 1;
	case BG_Q_ZRE: *slot = &sc->re; return 1;
	case BG_Q_ZIM: *slot = &sc->im; return 1;
	case BG_Q_ZMOD: *slot = &sc->mod; return 1;
	case BG_Q_PHASE: *slot = &sc->ph; return 1;
	default: return 0;
	}
}

static int map_one(struct table *tb, struct spec_cols *sc, int i)
{
	const char *nm = tb->names[i];
	char full[2 * NAMELEN + 2];
	int *slot;

	if (tb->known && !known_name(tb->known, nm))
		return tfail(tb, tb->header_line, tb->cols[i],
			     _("with unknown column '%s' at line %lu"), nm,
			     tb->header_line);
	if (tb->units[i][0] && strcmp(tb->units[i], "#"))
		snprintf(full, sizeof full, "%s/%s", nm, tb->units[i]);
	else
		snprintf(full, sizeof full, "%s", nm);
	bg_formats_classify(full, &sc->m[i]);
	if (sc->m[i].q == BG_Q_BAD)
		return 0;       /* judged once we know what is needed */
	if (sc->m[i].q == BG_Q_NONE && tb->fmt == BG_FORMAT_PLAIN)
		return tfail(tb, tb->header_line, tb->cols[i],
			     _("with unknown column '%s' at line %lu"), nm,
			     tb->header_line);
	if (!slot_for(sc, sc->m[i].q, &slot))
		return 0;
	if (*slot >= 0)
		return tfail(tb, tb->header_line, tb->cols[i],
			     _("with two columns for one quantity: '%s' and "
			       "'%s'"), tb->names[*slot], nm);
	*slot = i;
	return 0;
}

static void note_column(const struct table *tb, const struct spec_cols *sc,
			int i, const char *to, bg_formats_notes *notes)
{
	const struct bg_colmap *m = &sc->m[i];

	if (i < 0)
		return;
	bg_formats_note(notes, "%s: column '%s'%s%s -> %s%s x %g%s",
			tb->t->name, tb->names[i], tb->units[i][0] ? " " : "",
			tb->units[i], to, m->sign < 0 ? " (sign flipped)" : "",
			m->scale, m->assumed ? (m->q == BG_Q_PHASE ?
			" (no unit: degrees assumed)" : " (no unit: ohm "
			"assumed)") : "");
}

static int map_columns(struct table *tb, struct spec_cols *sc,
		       bg_formats_notes *notes)
{
	sc->f = sc->re = sc->im = sc->mod = sc->ph = -1;
	for (int i = 0; i < tb->ncols; i++) {
		if (!tb->names[i][0]) {
			if (tb->fmt == BG_FORMAT_GAMRY && i == 0)
				continue;   /* rows start with a tab */
			if (tb->fmt == BG_FORMAT_PARSTAT && i == tb->ncols - 1)
				continue;   /* and Parstat's end with one */
			return tfail(tb, tb->header_line, tb->cols[i],
				     _("with an empty column name at line "
				       "%lu"), tb->header_line);
		}
		int rc = map_one(tb, sc, i);
		if (rc < 0)
			return rc;
	}
	for (int i = 0; i < tb->ncols; i++) {
		enum bg_qty bq = sc->m[i].bad_q;
		if (sc->m[i].q != BG_Q_BAD)
			continue;
		if ((bq == BG_Q_ZMOD || bq == BG_Q_PHASE) && sc->re >= 0 &&
		    sc->im >= 0) {
			bg_formats_note(notes, "%s: column '%s' has a unit "
					"battgrade does not know; not needed, "
					"not used", tb->t->name, tb->names[i]);
			continue;
		}
		char full[2 * NAMELEN + 2];
		snprintf(full, sizeof full, "%s%s%s", tb->names[i],
			 tb->units[i][0] ? "/" : "", tb->units[i]);
		return tfail(tb, tb->header_line, tb->cols[i],
			     _("column '%s' has a unit battgrade does not "
			       "know"), full);
	}
	if (sc->f < 0) {
		int nf = first_row_fields(tb);
		return tfail(tb, tb->header_line, 1,
			     _("without a frequency column at line %lu (%d "
			       "names, %d values in the first row)"),
			     tb->header_line, tb->ncols, nf);
	}
	if (!(sc->re >= 0 && sc->im >= 0) && !(sc->mod >= 0 && sc->ph >= 0))
		return tfail(tb, tb->header_line, 1,
			     _("without Z'/Z'' or |Z|/phase columns at line "
			       "%lu"), tb->header_line);
	note_column(tb, sc, sc->f, "frequency_hertz", notes);
	if (sc->re >= 0 && sc->im >= 0) {
		note_column(tb, sc, sc->re, "real_impedance_ohm", notes);
		note_column(tb, sc, sc->im, "imaginary_impedance_ohm", notes);
	} else {
		note_column(tb, sc, sc->mod, "|Z|", notes);
		note_column(tb, sc, sc->ph, "phase (rad)", notes);
		bg_formats_note(notes, "%s: Z' = |Z| cos(phase), Z'' = |Z| "
				"sin(phase)", tb->t->name);
	}
	return 0;
}

/* ---- rows ------------------------------------------------------------ */

struct points {
	size_t n, cap;
	double *f, *re, *im;
	unsigned long *line;
};

static int points_add(struct points *p, double f, double re, double im,
		      unsigned long line)
{
	if (p->n == p->cap) {
		size_t c = p->cap ? 2 * p->cap : 64;
		double *a = realloc(p->f, c * sizeof *a);
		if (a) p->f = a;
		double *b = realloc(p->re, c * sizeof *b);
		if (b) p->re = b;
		double *d = realloc(p->im, c * sizeof *d);
		if (d) p->im = d;
		unsigned long *e = realloc(p->line, c * sizeof *e);
		if (e) p->line = e;
		if (!a || !b || !d || !e)
			return BG_ENOMEM;
		p->cap = c;
	}
	p->f[p->n] = f;
	p->re[p->n] = re;
	p->im[p->n] = im;
	p->line[p->n++] = line;
	return 0;
}

static void points_release(struct points *p)
{
	free(p->f);
	free(p->re);
	free(p->im);
	free(p->line);
}

/* csvin counts lines from the start of the table: make them the file's. */
static int shift_error(const struct table *tb, int rc)
{
	if (tb->err && tb->err->line)
		tb->err->line += tb->data_line - 1;
	return rc;
}

static int read_row(struct table *tb, const struct spec_cols *sc,
		    bg_csv *r, struct points *p, size_t *skipped)
{
	double v[5];
	int idx[5] = { sc->f, sc->re, sc->im, sc->mod, sc->ph };
	unsigned long line = bg_csv_line(r) + tb->data_line - 1;

	if ((int)bg_csv_nfields(r) != tb->ncols)
		return tfail(tb, line, 1, _("row at line %lu has %zu values "
					    "for the %d columns named at line "
					    "%lu"), line, bg_csv_nfields(r),
			     tb->ncols, tb->header_line);
	for (int k = 0; k < 5; k++) {
		if (idx[k] < 0 || (k >= 3 && sc->re >= 0))
			continue;
		if (bg_csv_double(r, (size_t)idx[k], &v[k], tb->err) < 0)
			return shift_error(tb, BG_EDATA);
		v[k] *= sc->m[idx[k]].scale * sc->m[idx[k]].sign;
	}
	if (v[0] == 0 && tb->skip_zero_freq) {
		++*skipped;
		return 0;
	}
	if (!(v[0] > 0))
		return tfail(tb, line, bg_csv_column(r, (size_t)sc->f),
			     _("frequency %g Hz is not positive"), v[0]);
	if (sc->re < 0) {
		v[1] = v[3] * cos(v[4]);
		v[2] = v[3] * sin(v[4]);
	}
	if (points_add(p, v[0], v[1], v[2], line) < 0)
		return bg_error_set(tb->err, BG_ENOMEM, tb->t->name, 0, 0,
				    _("out of memory"));
	return 0;
}

/* PowerSuite ends its lines with CR CR LF, which the CSV reader would
 * take as two records: copy the table with plain LF endings. */
static char *normalise_crcrlf(const char *s, size_t n, size_t *outlen)
{
	char *o = malloc(n + 1);
	size_t k = 0;

	if (!o)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\r' && i + 2 < n + 1 && i + 1 < n &&
		    (s[i + 1] == '\r' || s[i + 1] == '\n'))
			continue;
		o[k++] = s[i];
	}
	*outlen = k;
	return o;
}

struct fidx {
	double f;
	size_t i;
};

static int cmp_fidx(const void *a, const void *b)
{
	const struct fidx *x = a, *y = b;

	if (x->f != y->f)
		return x->f < y->f ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* No frequency twice (a sweep that was restarted or appended). */
static int check_repeats(struct table *tb, const struct points *p)
{
	struct fidx *ix = malloc((p->n ? p->n : 1) * sizeof *ix);
	int rc = 0;

	if (!ix)
		return bg_error_set(tb->err, BG_ENOMEM, tb->t->name, 0, 0,
				    _("out of memory"));
	for (size_t i = 0; i < p->n; i++) {
		ix[i].f = p->f[i];
		ix[i].i = i;
	}
	qsort(ix, p->n, sizeof *ix, cmp_fidx);
	for (size_t i = 1; i < p->n && !rc; i++)
		if (ix[i].f == ix[i - 1].f)
			rc = tfail(tb, p->line[ix[i].i], 1, _("repeats "
				   "frequency %g Hz of line %lu"), ix[i].f,
				   p->line[ix[i - 1].i]);
	free(ix);
	return rc;
}

static int read_table(struct table *tb, const struct spec_cols *sc,
		      struct points *p, bg_formats_notes *notes)
{
	const char *buf = tb->t->buf + tb->data_off;
	size_t len = tb->data_end - tb->data_off, skipped = 0;
	char *copy = NULL;
	bg_csv_opts o;
	bg_csv *r = NULL;
	int rc;

	if (tb->crcrlf) {
		if (!(copy = normalise_crcrlf(buf, len, &len)))
			return bg_error_set(tb->err, BG_ENOMEM, tb->t->name, 0,
					    0, _("out of memory"));
		buf = copy;
		bg_formats_note(notes, "%s: CR CR LF line ends read as one "
				"line end", tb->t->name);
	}
	bg_csv_opts_init(&o);
	o.delim = tb->delim;
	o.no_header = 1;
	rc = bg_csv_open_mem(&r, tb->t->name, buf, len, &o, tb->err);
	if (rc < 0 && tb->err && !strcmp(tb->err->msg, _("empty file")))
		rc = tfail(tb, tb->data_line, 1, _("without data rows after "
						   "line %lu"),
			   tb->data_line - 1);
	else if (rc < 0)
		rc = shift_error(tb, rc);
	while (rc >= 0) {
		rc = bg_csv_next(r, tb->err);
		if (rc < 0)
			rc = shift_error(tb, rc);
		if (rc <= 0)
			break;
		rc = read_row(tb, sc, r, p, &skipped);
	}
	bg_csv_close(r);
	free(copy);
	if (rc < 0)
		return rc;
	if (skipped)
		bg_formats_note(notes, "%s: %zu rows at 0 Hz (the DC part of "
				"the run) skipped", tb->t->name, skipped);
	if (!p->n)
		return tfail(tb, tb->data_line, 1, _("without impedance rows"));
	if (tb->expect_rows >= 0 && (size_t)tb->expect_rows != p->n)
		bg_formats_note(notes, "%s: the header plans %ld points, the "
				"file has %zu (sweep stopped early?)",
				tb->t->name, tb->expect_rows, p->n);
	return check_repeats(tb, p);
}

/* ---- detection -------------------------------------------------------- */

/* The first n lines contain one starting with prefix. */
static int early_line(const struct bg_text *t, int n, const char *prefix)
{
	struct bg_line l = { 0 };
	size_t pos = 0;

	while (n-- > 0 && next_line(t, &pos, &l))
		if (starts(&l, prefix))
			return 1;
	return 0;
}

/* Does the header line look like a spectrum table (a frequency column
 * and an impedance column)? */
static int header_has_spectrum(const struct bg_line *l)
{
	char names[MAXCOLS][NAMELEN];
	int delim = memchr(l->s, '\t', l->len) ? '\t' :
		    memchr(l->s, ';', l->len) ? ';' : ',';
	int n = split_names(l, delim, names, NULL), f = 0, z = 0;
	struct bg_colmap m;

	for (int i = 0; i < n; i++) {
		bg_formats_classify(names[i], &m);
		f |= m.q == BG_Q_FREQ;
		z |= m.q == BG_Q_ZRE || m.q == BG_Q_ZIM || m.q == BG_Q_ZMOD;
	}
	return f && z;
}

static bg_format detect_text(const struct bg_text *t)
{
	struct bg_line l = { 0 };
	size_t pos = 0;

	while (next_line(t, &pos, &l) && !l.len)
		;
	if (starts(&l, "EXPLAIN"))
		return BG_FORMAT_GAMRY;
	if (starts(&l, "EC-Lab ASCII FILE"))
		return BG_FORMAT_BIOLOGIC;
	if (starts(&l, "ZPLOT2 ASCII"))
		return BG_FORMAT_ZPLOT;
	if (starts(&l, "\"ZPlotW Data File"))
		return BG_FORMAT_ZPLOTW;
	if (starts(&l, "\"Z60W Data File"))
		return BG_FORMAT_AUTOLAB;
	if (starts(&l, "<Application>") && early_line(t, 100000, "<Segment1>"))
		return BG_FORMAT_VERSASTUDIO;
	if (starts(&l, "Potential (V)\tCurrent (A)") &&
	    contains(&l, "Frequency (Hz)"))
		return BG_FORMAT_PARSTAT;
	if (starts(&l, "Frequency\t") && contains(&l, "Zre"))
		return BG_FORMAT_POWERSUITE;
	if (early_line(t, 40, "Instrument Model:  CHI") ||
	    (early_line(t, 5, "A.C. Impedance") && early_line(t, 60, "Freq/")))
		return BG_FORMAT_CHI;
	if (contains(&l, "Data_Point") && contains(&l, "Cycle_Index") &&
	    contains(&l, "Test_Time"))
		return BG_FORMAT_ARBIN;
	if (bg_bdf_is_header(l.s, l.len))
		return BG_FORMAT_BDF;
	if (numeric_line(&l, memchr(l.s, '\t', l.len) ? '\t' :
			 memchr(l.s, ';', l.len) ? ';' : ',') ||
	    header_has_spectrum(&l))
		return BG_FORMAT_PLAIN;
	return BG_FORMAT_UNKNOWN;
}

/* Skip a UTF-8 byte-order mark. */
static void skip_bom(struct bg_text *t)
{
	if (t->len >= 3 && !memcmp(t->buf, "\xef\xbb\xbf", 3)) {
		t->buf += 3;
		t->len -= 3;
	}
}

int bg_formats_detect_mem(bg_format *out, const char *name, const char *buf,
			  size_t len, bg_error *err)
{
	struct bg_text t = { buf, len, name };
	struct bg_line l = { 0 };
	size_t pos = 0;
	char first[61];

	skip_bom(&t);
	*out = BG_FORMAT_UNKNOWN;
	if (memchr(t.buf, '\0', t.len < 65536 ? t.len : 65536))
		return bg_error_set(err, BG_EDATA, name, 0, 0,
				    _("binary data (NUL bytes): not a text "
				      "export battgrade knows"));
	*out = detect_text(&t);
	if (*out != BG_FORMAT_UNKNOWN)
		return 0;
	while (next_line(&t, &pos, &l) && !l.len)
		;
	copy_name(first, l.s ? l.s : "", l.len < 60 ? l.len : 60);
	return bg_error_set(err, BG_EDATA, name, l.no ? l.no : 1, 1,
			    _("unknown format: not an impedance analyser "
			      "export or BDF CSV battgrade knows (first "
			      "line '%s'); see battgrade-formats(5)"), first);
}

int bg_formats_detect(bg_format *out, const char *path, bg_error *err)
{
	char buf[65536];
	FILE *f = fopen(path, "rb");
	size_t n;
	int rc;

	*out = BG_FORMAT_UNKNOWN;
	if (!f)
		return bg_error_set(err, BG_ENOENT, path, 0, 0,
				    _("cannot open: %s"), strerror(errno));
	n = fread(buf, 1, sizeof buf, f);
	rc = ferror(f) ? bg_error_set(err, BG_EIO, path, 0, 0,
				      _("read failed")) : 0;
	fclose(f);
	if (rc < 0)
		return rc;
	if (n == sizeof buf)   /* don't judge a cut last line */
		while (n > 0 && buf[n - 1] != '\n')
			n--;
	return bg_formats_detect_mem(out, path, buf, n, err);
}

/* ---- reading a spectrum ---------------------------------------------- */

typedef int (*locate_fn)(struct table *, bg_formats_notes *);

static const struct {
	locate_fn locate;
	const char *const *known;
	unsigned char delim;
} readers[BG_FORMAT_COUNT] = {
	[BG_FORMAT_GAMRY] = { locate_gamry, gamry_cols, '\t' },
	[BG_FORMAT_BIOLOGIC] = { locate_biologic, biologic_cols, '\t' },
	[BG_FORMAT_ZPLOT] = { locate_zplot, zplot_cols, '\t' },
	[BG_FORMAT_ZPLOTW] = { locate_zview, zplot_cols, ',' },
	[BG_FORMAT_AUTOLAB] = { locate_zview, zplot_cols, ',' },
	[BG_FORMAT_VERSASTUDIO] = { locate_versa, versa_cols, ',' },
	[BG_FORMAT_POWERSUITE] = { locate_first, powersuite_cols, '\t' },
	[BG_FORMAT_PARSTAT] = { locate_first, parstat_cols, '\t' },
	[BG_FORMAT_CHI] = { locate_chi, chi_cols, ',' },
	[BG_FORMAT_PLAIN] = { locate_plain, NULL, ',' },
};

void bg_formats_spectra_free(bg_spectrum_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->nspectra; i++) {
		free(set->spectra[i].freq_hz);
		free(set->spectra[i].z_real_ohm);
		free(set->spectra[i].z_imag_ohm);
	}
	free(set->spectra);
	free(set);
}

/* Hand the points over to a new one-spectrum set. */
static int make_set(bg_spectrum_set **out, struct points *p, bg_error *err,
		    const char *name)
{
	bg_spectrum_set *set = calloc(1, sizeof *set);
	bg_spectrum *sp = calloc(1, sizeof *sp);

	if (!set || !sp) {
		free(set);
		free(sp);
		return bg_error_set(err, BG_ENOMEM, name, 0, 0,
				    _("out of memory"));
	}
	sp->n = p->n;
	sp->freq_hz = p->f;
	sp->z_real_ohm = p->re;
	sp->z_imag_ohm = p->im;
	sp->temperature_c = NAN;
	sp->soc_percent = NAN;
	p->f = p->re = p->im = NULL;
	set->nspectra = 1;
	set->spectra = sp;
	*out = set;
	return 0;
}

int bg_formats_read_spectrum_mem(bg_spectrum_set **out, const char *name,
				 const char *buf, size_t len, bg_format fmt,
				 bg_formats_notes *notes, bg_error *err)
{
	struct bg_text t = { buf, len, name };
	struct table *tb;
	struct spec_cols *sc;
	struct points p = { 0 };
	int rc;

	*out = NULL;
	skip_bom(&t);
	if (fmt == BG_FORMAT_UNKNOWN &&
	    (rc = bg_formats_detect_mem(&fmt, name, buf, len, err)) < 0)
		return rc;
	if (fmt >= BG_FORMAT_COUNT || !readers[fmt].locate)
		return bg_error_set(err, BG_EDATA, name, 0, 0,
				    _("%s holds time series, not an impedance "
				      "spectrum"), bg_format_label(fmt));
	bg_formats_note(notes, "%s: format %s (%s)", name,
			bg_format_name(fmt), bg_format_label(fmt));
	tb = calloc(1, sizeof *tb);
	sc = calloc(1, sizeof *sc);
	if (!tb || !sc) {
		free(tb);
		free(sc);
		return bg_error_set(err, BG_ENOMEM, name, 0, 0,
				    _("out of memory"));
	}
	tb->fmt = fmt;
	tb->t = &t;
	tb->err = err;
	tb->delim = readers[fmt].delim;
	tb->known = readers[fmt].known;
	tb->expect_rows = -1;
	tb->skip_zero_freq = fmt == BG_FORMAT_PARSTAT;
	tb->crcrlf = fmt == BG_FORMAT_POWERSUITE;
	rc = readers[fmt].locate(tb, notes);
	if (rc >= 0)
		rc = map_columns(tb, sc, notes);
	if (rc >= 0)
		rc = read_table(tb, sc, &p, notes);
	if (rc >= 0)
		rc = make_set(out, &p, err, name);
	if (rc >= 0)
		bg_formats_note(notes, "%s: %zu points, %g Hz to %g Hz", name,
				p.n, (*out)->spectra[0].freq_hz[0],
				(*out)->spectra[0].freq_hz[p.n - 1]);
	points_release(&p);
	free(tb);
	free(sc);
	return rc < 0 ? rc : 0;
}

/* The pack format's own impedance.csv: a header naming module_id and
 * frequency_hertz. */
static int is_pack_impedance(const char *buf, size_t len)
{
	struct bg_text t = { buf, len, "" };
	struct bg_line l = { 0 };
	size_t pos = 0;

	skip_bom(&t);
	next_line(&t, &pos, &l);
	return contains(&l, "module_id") && contains(&l, "frequency_hertz");
}

int bg_formats_load_spectra(bg_spectrum_set **out, const char *path,
			    bg_format fmt, bg_formats_notes *notes,
			    bg_error *err)
{
	char *buf;
	size_t len;
	int rc;

	*out = NULL;
	if ((rc = bg_read_file(&buf, &len, path, MAX_FILE, err)) < 0)
		return rc;
	if (fmt == BG_FORMAT_UNKNOWN && is_pack_impedance(buf, len)) {
		free(buf);
		bg_formats_note(notes, "%s: battgrade impedance.csv "
				"(battgrade-pack(5))", path);
		return bg_spectrum_load(out, path, NULL, err);
	}
	rc = bg_formats_read_spectrum_mem(out, path, buf, len, fmt, notes,
					  err);
	free(buf);
	return rc;
}
