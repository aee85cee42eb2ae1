/*
 * history-int.h - private state of bg_history, shared by history.c
 * (the streaming pass) and history-report.c (summaries and JSON).
 */
#ifndef BG_HISTORY_INT_H
#define BG_HISTORY_INT_H

#include <stdint.h>

#include "battgrade/history.h"
#include "battgrade/pack.h"
#include "battgrade/rainflow.h"

/* SOC is counted on a grid of 1/1000 (0.1 %): the residue stack then
 * never holds more than 2 * 1001 + 2 points (rainflow.h). */
#define HIST_SOC_LEVELS 1000
#define HIST_RF_CAP (2 * (HIST_SOC_LEVELS + 1) + 8)
/* Rainflow bins: depth and mean of SOC in steps of 0.01. */
#define HIST_RF_BINS 101
/* Temperature histogram: 5 degC bins from -40 to +80, plus one open
 * bin below and one above. */
#define HIST_T_LO (-40.0)
#define HIST_T_STEP 5.0
#define HIST_T_BINS 26
/* C-rate histogram edges (h^-1); the last bin is open. */
#define HIST_C_BINS 8
#define HIST_MAX_JUMPS 100
/* Modules of a lone log without manifest (memory bound). */
#define HIST_MAX_MODULES 512

enum { TIME_NONE, TIME_UNIX, TIME_ISO, TIME_TEST };

struct hist_open {
	int open;
	double start, end, extreme;
	unsigned long line;
};

struct hist_jump {
	unsigned long line;
	double from, to;
};

struct hist_track {
	char id[BG_ID_MAX];
	double cap_ah;
	int series;
	double vmax, vmin, imax_chg, imax_dis, i_rest;

	/* previous sample */
	int have_prev, prev_temp_ok, prev_soc_ok;
	double t0, i0, v0, temp0, soc0;
	double cc_soc;              /* coulomb-counted SOC, 0..1 */
	int cc_started;

	double t_first, t_last;
	unsigned long rows, gaps, jumps;
	double gap_s, covered_s, covered_life_s;
	double as_chg, as_dis, ws_chg, ws_dis; /* A*s and W*s */
	double s_above, s_below, s_chg_above, s_chg_below;
	double s_high_soc, s_temp, s_soc;
	double s_temp_hist[HIST_T_BINS];
	double s_crate_chg[HIST_C_BINS], s_crate_dis[HIST_C_BINS], s_rest;
	double temp_min, temp_max, v_min_seen, v_max_seen;

	struct hist_open open[BG_EV_NTYPES];
	unsigned long n_events[BG_EV_NTYPES];
	bg_event *events;
	size_t nev, evcap;
	struct hist_jump jump[HIST_MAX_JUMPS];

	bg_rainflow rf;
	long soc_q;                 /* last SOC level fed to rainflow */
	int soc_from_column;
	uint32_t *rf_full, *rf_half; /* HIST_RF_BINS^2 each, depth-major */
};

struct bg_history {
	bg_chem_limits lim;
	double cap_ah;
	double gap_s;
	double manufacture_s, first_use_s, retirement_s;
	int modules_series;
	int declared;               /* modules come from a manifest */
	int time_kind;
	int had_module_col, had_plain_rows;
	int any_soc_column, any_cc;
	struct hist_track **tr;
	size_t ntr, trcap;
	size_t last;                /* track of the previous row */
	unsigned long long bytes;
	void (*progress)(void *ctx, unsigned long long bytes);
	void *progress_ctx;
};

extern const double hist_c_edges[HIST_C_BINS];

/* Seconds since the epoch of an ISO 8601 date-time (n bytes at s, UTC
 * unless a zone is given); -1 when malformed. */
int hist_parse_iso(const char *s, size_t n, double *out);

/* The track of a module id, or NULL; the pack track is id "". */
struct hist_track *hist_find(const bg_history *h, const char *id);

/* A new track for module id (the pack track is ""), appended to h's
 * tracks; NULL when out of memory. */
struct hist_track *hist_track_add(bg_history *h, const char *id,
				  double cap_ah, int series);

/* One sample of a log, in SI units; line is where it came from (for
 * clock-jump reports).  temp_ok/soc_ok say whether temp/soc are set. */
struct hist_row {
	double time, i, v, temp, soc;
	int temp_ok, soc_ok;
	unsigned long line;
};

/* Integrate the interval since the track's previous sample and update
 * events, SOC and rainflow with r: the one entry point of every
 * reader that feeds the pass (history.c's CSV loop, cycler series). */
void hist_process_row(bg_history *h, struct hist_track *t,
		      const struct hist_row *r);

#endif
