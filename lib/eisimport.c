/*
 * eisimport.c - impedance analyser exports read into bg_spectrum
 * (battgrade-formats(5)); formats.c has found which format a file is.
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

#define MAXCOLS BG_FMT_MAXCOLS
#define NAMELEN BG_FMT_NAMELEN
#define MAX_FILE (64u << 20)

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
	while (bg_text_next(t, pos, l))
		if (bg_line_starts(l, prefix))
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
	tb->ncols = bg_names_split(l, delim, tb->names, tb->cols);
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
	if (!bg_text_next(t, &pos, &l) || header_names(tb, &l, '\t') < 0)
		return tfail(tb, l.no, 1, _("ZCURVE table without a header"));
	u = l;
	if (!bg_text_next(t, &pos, &u))
		return tfail(tb, u.no, 1, _("ZCURVE table without units"));
	if (bg_names_split(&u, '\t', tb->units, NULL) != tb->ncols)
		return tfail(tb, u.no, 1, _("units row with %d fields for %d "
					    "columns"),
			     bg_names_split(&u, '\t', tb->units, NULL), tb->ncols);
	data_from(tb, pos, u.no);
	p2 = pos;
	l = u;
	while (bg_text_next(t, &p2, &l))
		if (!l.len || l.s[0] != '\t') {
			tb->data_end = l.off;
			break;
		}
	if (tb->data_end < t->len && bg_line_starts(&l, "EXPERIMENTABORTED"))
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

	if (!bg_text_line(t, 2, &l) || !bg_line_starts(&l, "Nb header lines"))
		return tfail(tb, 2, 1, _("without 'Nb header lines' on line 2"));
	const char *c = memchr(l.s, ':', l.len);
	size_t n = c ? l.len - (size_t)(c + 1 - l.s) : 0;
	bg_name_copy(tmp, c ? c + 1 : "", n < sizeof tmp ? n : sizeof tmp - 1);
	nh = strtoul(tmp, &end, 10);
	if (!c || end == tmp || *end || nh < 3)
		return tfail(tb, 2, 1, _("with a bad header line count '%s'"),
			     tmp);
	if (!bg_text_line(t, nh, &l))
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
	while (bg_text_next(t, &pos, &l)) {
		if (bg_line_starts(&l, "End Comments"))
			break;
		const char *k = "  Data Points:";
		if (bg_line_starts(&l, k)) {
			char tmp[32], *end;
			size_t n = l.len - strlen(k);
			bg_name_copy(tmp, l.s + strlen(k), n < 31 ? n : 31);
			tb->expect_rows = strtol(tmp, &end, 10);
			if (end == tmp || *end)
				return tfail(tb, l.no, 1, _("with a bad "
					     "'Data Points' value '%s'"), tmp);
		}
		prev = l;
	}
	if (!bg_line_starts(&l, "End Comments") || !prev.no)
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
	while (bg_text_next(t, &pos, &l)) {
		if (l.len && l.s[0] == '"' && bg_line_contains(&l, "Z'(a)"))
			break;
		prev = l;
	}
	if (!bg_line_contains(&l, "Z'(a)"))
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
	bg_name_copy(tmp, prev.s, prev.len < 31 ? prev.len : 31);
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
	while (bg_text_next(t, &pos, &l) && !bg_line_starts(&l, "Definition="))
		if (bg_line_starts(&l, "</Segment1>") || (l.len && isdigit(
			(unsigned char)l.s[0])))
			return tfail(tb, l.no, 1, _("segment without a "
						    "'Definition=' line"));
	if (!bg_line_starts(&l, "Definition="))
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
	bg_text_next(tb->t, &pos, &l);
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


/* Plain: frequency, Z', Z'' in CSV or TSV, with or without a header. */
static int locate_plain(struct table *tb, bg_formats_notes *notes)
{
	const struct bg_text *t = tb->t;
	struct bg_line l = { 0 };
	size_t pos = 0;

	while (bg_text_next(t, &pos, &l) && !l.len)
		;
	tb->delim = memchr(l.s, '\t', l.len) ? '\t' :
		    memchr(l.s, ';', l.len) ? ';' : ',';
	int n = bg_line_numeric(&l, (char)tb->delim);
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

	while (bg_text_next(&sub, &pos, &l) && !l.len)
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
	bg_text_skip_bom(&t);
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

	bg_text_skip_bom(&t);
	bg_text_next(&t, &pos, &l);
	return bg_line_contains(&l, "module_id") && bg_line_contains(&l, "frequency_hertz");
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
