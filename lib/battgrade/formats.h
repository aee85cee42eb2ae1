/*
 * formats.h - instrument and cycler files read as they come: impedance
 * analyser exports and Battery Data Format (BDF) CSV, recognised by
 * their content (never by file name), converted to battgrade's units
 * and sign conventions (battgrade-formats(5)).
 *
 * Spectra come back as the pack format's bg_spectrum (pack.h): Hz, ohm,
 * imaginary part negative when capacitive.  Time series (BDF) are read
 * row by row with bounded memory.  Every unit conversion and every
 * quirk met on the way is written to a notes buffer, which
 * "battgrade convert --verbose" prints.
 */
#ifndef BG_FORMATS_H
#define BG_FORMATS_H

#include <stddef.h>

#include "battgrade/error.h"
#include "battgrade/pack.h"

typedef enum bg_format {
	BG_FORMAT_UNKNOWN = 0,
	BG_FORMAT_GAMRY,        /* Gamry Framework .DTA (EXPLAIN, ZCURVE) */
	BG_FORMAT_BIOLOGIC,     /* BioLogic EC-Lab text export .mpt */
	BG_FORMAT_ZPLOT,        /* Scribner ZPlot .z ("ZPLOT2 ASCII") */
	BG_FORMAT_ZPLOTW,       /* ZPlot/ZView text without comments */
	BG_FORMAT_AUTOLAB,      /* Metrohm Autolab NOVA export ("Z60W") */
	BG_FORMAT_VERSASTUDIO,  /* PAR VersaStudio .par */
	BG_FORMAT_POWERSUITE,   /* PAR PowerSuite text */
	BG_FORMAT_PARSTAT,      /* PAR Parstat text */
	BG_FORMAT_CHI,          /* CH Instruments text export */
	BG_FORMAT_PLAIN,        /* frequency, Z', Z'' in CSV or TSV */
	BG_FORMAT_BDF,          /* Battery Data Format CSV */
	BG_FORMAT_ARBIN,        /* Arbin cycler CSV (Data_Point, Test_Time...) */
	BG_FORMAT_MACCOR,       /* Maccor text export (Rec#, Cyc#, State...) */
	BG_FORMAT_COUNT
} bg_format;

/* What a format holds. */
enum bg_format_kind { BG_FORMAT_SPECTRUM = 1, BG_FORMAT_TIMESERIES = 2 };

/* Short machine name ("gamry", ...; "unknown"), static. */
const char *bg_format_name(bg_format f);
/* Human label ("Gamry .DTA"), static, untranslated. */
const char *bg_format_label(bg_format f);
/* BG_FORMAT_SPECTRUM or BG_FORMAT_TIMESERIES (0 for unknown). */
int bg_format_kind(bg_format f);
/* The format called name, or BG_FORMAT_UNKNOWN. */
bg_format bg_format_from_name(const char *name);

/* Conversion notes: lines of text, truncated when full. */
typedef struct bg_formats_notes {
	char text[4096];
	size_t len;
} bg_formats_notes;

/* Append a printf-style line to notes (NULL is a no-op). */
void bg_formats_note(bg_formats_notes *n, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Recognise the format of the len bytes at buf (the whole file or at
 * least its first 64 KiB) by content: magic first lines, section
 * markers, header column sets.  name is used in messages.  Returns 0
 * with *out set, or BG_EDATA when nothing matches (the message says
 * what the file looked like).
 */
int bg_formats_detect_mem(bg_format *out, const char *name, const char *buf,
			  size_t len, bg_error *err);

/* The same on the first 64 KiB of the file at path. */
int bg_formats_detect(bg_format *out, const char *path, bg_error *err);

/*
 * Read the impedance spectrum of a file of a spectrum format (fmt, or
 * BG_FORMAT_UNKNOWN to detect it) into *out, a set of one spectrum with
 * module_id "" and no temperature or SOC.  Frequencies must be positive,
 * finite and not repeated.  notes may be NULL.  A file that looks like
 * the format but holds a column or layout the reader does not know is
 * BG_EDATA naming the format, the column and the line.  Free *out with
 * bg_formats_spectra_free().
 */
int bg_formats_read_spectrum_mem(bg_spectrum_set **out, const char *name,
				 const char *buf, size_t len, bg_format fmt,
				 bg_formats_notes *notes, bg_error *err);

/*
 * Load the spectra of any supported file: an instrument export (format
 * found by content, as above; one spectrum, module_id "") or
 * battgrade's own impedance.csv (handed to bg_spectrum_load(), so its
 * spectra keep their module ids).  fmt forces an instrument format when
 * not BG_FORMAT_UNKNOWN.  Files over 64 MiB are refused.  Meant for
 * every command that takes a spectrum file.
 */
int bg_formats_load_spectra(bg_spectrum_set **out, const char *path,
			    bg_format fmt, bg_formats_notes *notes,
			    bg_error *err);

/* Free a set from the functions above; NULL is a no-op.  Each array of
 * each spectrum and the spectra array are separate allocations, as in
 * lib/impedance.c, so bg_spectrum_set_free() frees them as well. */
void bg_formats_spectra_free(bg_spectrum_set *set);

/* ---- Battery Data Format, Arbin CSV and Maccor text time series ---- */

typedef struct bg_bdf bg_bdf;

/* One row, in BDF units; NAN where the file has no such column. */
typedef struct bg_bdf_row {
	double time_s;           /* test_time_second, or unix_time_second */
	double current_a;        /* positive charges (BDF convention) */
	double voltage_v;
	double temperature_c;
	double cycle;            /* cycler's cycle number (cycle_count,
				    Cycle_Index, Cyc#); NAN when none */
	double discharge_ah;     /* the file's discharge capacity counter
				    (cumulative, per cycle or per step:
				    see bg_formats_capacity_checks());
				    NAN when none */
	char state;              /* Maccor State ('C', 'D', 'R', 'O'); 0
				    for other formats */
	unsigned long line;      /* line of the file the row is on */
	/* Each field as the file writes it when no unit conversion was
	 * needed, else NULL: lets a converter copy numbers exactly (and
	 * fast).  Borrowed until the next bg_bdf_next(). */
	const char *time_text, *current_text, *voltage_text;
	const char *temperature_text;
} bg_bdf_row;

/*
 * Open a BDF CSV file (or an Arbin CSV export: Test_Time, Current,
 * Voltage, with or without "(s)", "(A)", "(mA)", "(V)" units; or a
 * Maccor text export, found by its content) for streaming.  Columns
 * are found by BDF machine name or preferred label ("Test Time / s");
 * labels with other units (mA, mV, min, h) are converted.  Required: a
 * time column, voltage and current.  Columns not used are listed in
 * notes.  Maccor's current gets its sign from the State column (C
 * charges, positive; D discharges, negative), and a Maccor column the
 * reader does not know is BG_EDATA naming it.  Free with
 * bg_bdf_close().
 */
int bg_bdf_open(bg_bdf **out, const char *path, bg_formats_notes *notes,
		bg_error *err);

/* The same over len bytes at buf (not copied; must outlive the reader);
 * name is used in messages. */
int bg_bdf_open_mem(bg_bdf **out, const char *name, const void *buf,
		    size_t len, bg_formats_notes *notes, bg_error *err);

/* The same as format fmt (BG_FORMAT_BDF, _ARBIN or _MACCOR; or
 * BG_FORMAT_UNKNOWN to detect it, as above); BG_EINVAL for a spectrum
 * format.  buf NULL reads the file at path. */
int bg_bdf_open_as(bg_bdf **out, const char *path, const void *buf,
		   size_t len, bg_format fmt, bg_formats_notes *notes,
		   bg_error *err);

/* The format the reader reads (BDF, Arbin or Maccor). */
bg_format bg_bdf_format(const bg_bdf *r);

/* 1 when the time column is unix_time_second, 0 for test time. */
int bg_bdf_unix_time(const bg_bdf *r);
/* BDF machine name of the temperature column used
 * ("surface_temperature_celsius", ...), or NULL when none. */
const char *bg_bdf_temperature_name(const bg_bdf *r);

/*
 * Next row: 1, 0 at end, or < 0.  Time that goes backwards is BG_EDATA
 * at that line (a restart at zero is called out: the column may hold
 * step time, not test time); it is never reordered or dropped.
 */
int bg_bdf_next(bg_bdf *r, bg_bdf_row *row, bg_error *err);

/* Rows read so far. */
unsigned long bg_bdf_rows(const bg_bdf *r);

void bg_bdf_close(bg_bdf *r);

/* ---- capacity checks from cycler time series ------------------------ */

/*
 * One discharge capacity per cycle of a cycler time series (BDF, Arbin
 * or Maccor; fmt, or BG_FORMAT_UNKNOWN to detect it), as capacity
 * checks: one series with module_id "" whose points carry
 * cycle_count = equivalent full cycles at the end of that discharge
 * (charge plus discharge Ah counted from the start of the file, over
 * 2 x ref_capacity_ah; ref_capacity_ah <= 0 takes the first check's
 * capacity), days = time since the first row and capacity_ah (no
 * temperature, energy or resistance: NAN).
 *
 * Cycles are the file's cycle numbers, else runs from one discharge to
 * the next charge; a cycle is a check only when some row discharges
 * (current below -1e-3 of the largest seen, or Maccor State D).  A
 * cycle's capacity is the rise of the file's
 * discharge capacity counter over the cycle (restarts to zero, as at
 * each step or cycle, are followed), else the discharge current
 * integrated with the trapezoidal rule.  A discharge still running at
 * the end of the file is not a check and is left out, as are cycles
 * without discharge.  Each check is listed in notes with its cycle and
 * lines.  No check at all is BG_EDATA with line 0.  Free *out with
 * bg_capacity_set_free().
 */
int bg_formats_capacity_checks(bg_capacity_set **out, const char *path,
			       bg_format fmt, double ref_capacity_ah,
			       bg_formats_notes *notes, bg_error *err);

/* The same over len bytes at buf; name is used in messages. */
int bg_formats_capacity_checks_mem(bg_capacity_set **out, const char *name,
				   const void *buf, size_t len,
				   bg_format fmt, double ref_capacity_ah,
				   bg_formats_notes *notes, bg_error *err);

#endif
