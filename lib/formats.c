/*
 * formats.c - which format a file is in, decided by its content, and
 * what its columns hold (battgrade-formats(5)).
 *
 * The registry of formats (names, labels, kinds), detection from the
 * first lines, section markers and header column sets (never the file
 * name), and the column classifier shared by every reader: a name such
 * as "-Im(Z)/Ohm", "Zre (mOhm)" or "Freq(Hz)" becomes a quantity, a sign
 * and a scale to Hz, ohm or radians.  Also the small helpers that walk a
 * text held in memory line by line.  Reading the spectra is eisimport.c;
 * BDF, Arbin and Maccor time series are bdf.c.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "battgrade/formats.h"
#include "formats-int.h"
#include "i18n.h"

#define MAXCOLS BG_FMT_MAXCOLS
#define NAMELEN BG_FMT_NAMELEN

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
	[BG_FORMAT_MACCOR] = { "maccor", "Maccor text export",
			       BG_FORMAT_TIMESERIES },
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
int bg_text_next(const struct bg_text *t, size_t *pos, struct bg_line *l)
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
int bg_text_line(const struct bg_text *t, unsigned long no,
		   struct bg_line *l)
{
	size_t pos = 0;

	l->no = 0;
	while (bg_text_next(t, &pos, l))
		if (l->no == no)
			return 1;
	return 0;
}

int bg_line_starts(const struct bg_line *l, const char *prefix)
{
	size_t n = strlen(prefix);

	return l->len >= n && !memcmp(l->s, prefix, n);
}

int bg_line_contains(const struct bg_line *l, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; i + n <= l->len; i++)
		if (!memcmp(l->s + i, needle, n))
			return 1;
	return 0;
}

/* ---- column names and units ---------------------------------------- */

/* Copy s[0..n) trimmed of blanks, and of double quotes around it. */
void bg_name_copy(char *dst, const char *s, size_t n)
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
int bg_names_split(const struct bg_line *l, int delim,
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
		bg_name_copy(names[n++], l->s + start, i - start);
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
			bg_name_copy(u, o + 1, (size_t)(name + n - 1 - (o + 1)));
			if (any_unit(u)) {
				bg_name_copy(base, name, (size_t)(o - name));
				snprintf(unit, NAMELEN, "%s", u);
				return;
			}
		}
	}
	const char *sl = strrchr(name, '/');
	if (sl) {
		bg_name_copy(u, sl + 1, strlen(sl + 1));
		if (any_unit(u)) {
			bg_name_copy(base, name, (size_t)(sl - name));
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
	bg_name_copy(base, name, (size_t)(cut - name));
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

/* Is the line all numbers separated by delim? Returns the field count
 * or 0. */
int bg_line_numeric(const struct bg_line *l, char delim)
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

/* ---- detection -------------------------------------------------------- */

/* The first n lines contain one starting with prefix. */
static int early_line(const struct bg_text *t, int n, const char *prefix)
{
	struct bg_line l = { 0 };
	size_t pos = 0;

	while (n-- > 0 && bg_text_next(t, &pos, &l))
		if (bg_line_starts(&l, prefix))
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
	int n = bg_names_split(l, delim, names, NULL), f = 0, z = 0;
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

	while (bg_text_next(t, &pos, &l) && !l.len)
		;
	if (bg_line_starts(&l, "EXPLAIN"))
		return BG_FORMAT_GAMRY;
	if (bg_line_starts(&l, "EC-Lab ASCII FILE"))
		return BG_FORMAT_BIOLOGIC;
	if (bg_line_starts(&l, "ZPLOT2 ASCII"))
		return BG_FORMAT_ZPLOT;
	if (bg_line_starts(&l, "\"ZPlotW Data File"))
		return BG_FORMAT_ZPLOTW;
	if (bg_line_starts(&l, "\"Z60W Data File"))
		return BG_FORMAT_AUTOLAB;
	if (bg_line_starts(&l, "<Application>") && early_line(t, 100000, "<Segment1>"))
		return BG_FORMAT_VERSASTUDIO;
	if (bg_line_starts(&l, "Potential (V)\tCurrent (A)") &&
	    bg_line_contains(&l, "Frequency (Hz)"))
		return BG_FORMAT_PARSTAT;
	if (bg_line_starts(&l, "Frequency\t") && bg_line_contains(&l, "Zre"))
		return BG_FORMAT_POWERSUITE;
	if (early_line(t, 40, "Instrument Model:  CHI") ||
	    (early_line(t, 5, "A.C. Impedance") && early_line(t, 60, "Freq/")))
		return BG_FORMAT_CHI;
	/* Maccor: its metadata line, or straight the tab-separated header */
	if ((bg_line_starts(&l, "Today's Date") &&
	     bg_line_contains(&l, "Date of Test:")) ||
	    (bg_line_starts(&l, "Rec#\t") && bg_line_contains(&l, "\tCyc#\t") &&
	     (bg_line_contains(&l, "\tState\t") || (l.len >= 6 &&
	      !memcmp(l.s + l.len - 6, "\tState", 6)))))
		return BG_FORMAT_MACCOR;
	if (bg_line_contains(&l, "Data_Point") && bg_line_contains(&l, "Cycle_Index") &&
	    bg_line_contains(&l, "Test_Time"))
		return BG_FORMAT_ARBIN;
	if (bg_bdf_is_header(l.s, l.len))
		return BG_FORMAT_BDF;
	if (bg_line_numeric(&l, memchr(l.s, '\t', l.len) ? '\t' :
			 memchr(l.s, ';', l.len) ? ';' : ',') ||
	    header_has_spectrum(&l))
		return BG_FORMAT_PLAIN;
	return BG_FORMAT_UNKNOWN;
}

/* Skip a UTF-8 byte-order mark. */
void bg_text_skip_bom(struct bg_text *t)
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

	bg_text_skip_bom(&t);
	*out = BG_FORMAT_UNKNOWN;
	if (!t.len)
		return bg_error_set(err, BG_EDATA, name, 0, 0,
				    _("empty file"));
	if (memchr(t.buf, '\0', t.len < 65536 ? t.len : 65536))
		return bg_error_set(err, BG_EDATA, name, 0, 0,
				    _("binary data (NUL bytes): not a text "
				      "export battgrade knows"));
	*out = detect_text(&t);
	if (*out != BG_FORMAT_UNKNOWN)
		return 0;
	while (bg_text_next(&t, &pos, &l) && !l.len)
		;
	bg_name_copy(first, l.s ? l.s : "", l.len < 60 ? l.len : 60);
	return bg_error_set(err, BG_EDATA, name, l.no ? l.no : 1, 1,
			    _("unknown format: not an impedance analyser "
			      "export or cycler file battgrade knows (first "
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
