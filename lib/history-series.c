/*
 * history-series.c - cycler and Battery Data Format time series fed to
 * the history pass (history.h) straight from the instrument's file.
 *
 * battgrade's own history.csv is BDF with a few more columns, and the
 * CSV loop of history.c reads it (and every BDF file using the same
 * column names) directly.  Other time series, Arbin and Maccor exports
 * and BDF files with other units or labels, come through the streaming
 * reader of formats.h, which converts them to BDF units and sign
 * (current positive when it charges, the convention of history.csv,
 * battgrade-pack(5)); each of their rows then goes through the same
 * hist_process_row() as a CSV row, on the pack track (no module id),
 * so both routes give the same figures for the same numbers.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "battgrade/csvin.h"
#include "battgrade/formats.h"
#include "history-int.h"
#include "i18n.h"

/* The time kind of a series, checked against the earlier files. */
static int series_kind(bg_history *h, bg_bdf *r, const char *name,
		       bg_error *err)
{
	int kind = bg_bdf_unix_time(r) ? TIME_UNIX : TIME_TEST;

	if (h->time_kind != TIME_NONE && h->time_kind != kind)
		return bg_error_set(err, BG_EDATA, name, 1, 0,
				    _("time column differs in kind from the "
				      "earlier files of this log"));
	h->time_kind = kind;
	return 0;
}

/* The pack track (rows without module id), created on first use. */
static struct hist_track *pack_track(bg_history *h)
{
	struct hist_track *t = hist_find(h, "");

	return t ? t : hist_track_add(h, "", h->cap_ah, h->lim.cells_series);
}

int bg_history_feed_series(bg_history *h, bg_bdf *r, const char *name,
			   bg_error *err)
{
	struct hist_track *t;
	struct hist_row row;
	bg_bdf_row in;
	int rc;

	if ((rc = series_kind(h, r, name, err)) < 0)
		return rc;
	if (h->had_module_col)
		return bg_error_set(err, BG_EDATA, name, 1, 0,
				    _("some files of this log have module_id "
				      "and some do not"));
	h->had_plain_rows = 1;
	if (!(t = pack_track(h)))
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
				    _("out of memory"));
	memset(&row, 0, sizeof row);
	while ((rc = bg_bdf_next(r, &in, err)) > 0) {
		row.time = in.time_s;
		row.i = in.current_a;
		row.v = in.voltage_v;
		row.temp_ok = !isnan(in.temperature_c);
		row.temp = row.temp_ok ? in.temperature_c : 0;
		row.line = in.line;
		hist_process_row(h, t, &row);
	}
	return rc < 0 ? rc : hist_check_memory(h, err);
}

/* Column names the CSV loop of history.c reads (find_cols there). */
static const char *const native_time[] = {
	"unix_time_second", "Unix Time / s", "timestamp", "date_time",
	"datetime", "Date Time", "test_time_second", "Test Time / s", NULL
};
static const char *const native_i[] = { "current_ampere", "Current / A",
					NULL };
static const char *const native_v[] = { "voltage_volt", "Voltage / V",
					NULL };

/* 1 when the CSV loop reads the file as it is (names and units). */
static int native(const char *path)
{
	bg_csv *r;
	int ok;

	if (bg_csv_open(&r, path, NULL, NULL) < 0)
		return 1;       /* let the CSV loop report it */
	ok = bg_csv_find_any(r, native_time) >= 0 &&
	     bg_csv_find_any(r, native_i) >= 0 &&
	     bg_csv_find_any(r, native_v) >= 0;
	bg_csv_close(r);
	return ok;
}

int bg_history_feed_any(bg_history *h, const char *path, bg_format fmt,
			bg_formats_notes *notes, bg_error *err)
{
	bg_format f = fmt;
	bg_bdf *r;
	int rc;

	if (f == BG_FORMAT_UNKNOWN && strcmp(path, "-") &&
	    bg_formats_detect(&f, path, NULL) < 0)
		f = BG_FORMAT_UNKNOWN;
	if (fmt == BG_FORMAT_UNKNOWN &&
	    (bg_format_kind(f) != BG_FORMAT_TIMESERIES ||
	     (f == BG_FORMAT_BDF && native(path)))) {
		if (f == BG_FORMAT_BDF)
			bg_formats_note(notes, "%s: format bdf (BDF CSV), "
					"read as a history log: no conversion",
					path);
		return bg_history_feed_file(h, path, err);
	}
	if ((rc = bg_bdf_open_as(&r, path, NULL, 0, fmt, notes, err)) < 0)
		return rc;
	rc = bg_history_feed_series(h, r, path, err);
	if (rc == 0)
		bg_formats_note(notes, "%s: %lu rows", path, bg_bdf_rows(r));
	bg_bdf_close(r);
	return rc;
}
