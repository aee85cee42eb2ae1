/*
 * history-int.h - private state of bg_history, shared by history.c
 * (the streaming pass), history-chunk.c (a file read in chunks, in
 * parallel), history-merge.c (joining a chunk's state to the log's)
 * and history-report.c (summaries and JSON).
 */
#ifndef BG_HISTORY_INT_H
#define BG_HISTORY_INT_H

#include <stdint.h>

#include "battgrade/csvin.h"
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
/* Closed cycles a chunk's track lists before it keeps bins (8 KiB). */
#define HIST_RF_LIST_MAX 4096
/* Modules of a lone log without manifest (memory bound). */
#define HIST_MAX_MODULES 512

enum { TIME_NONE, TIME_UNIX, TIME_ISO, TIME_TEST };

/* Default chunk of a regular file read in parallel (bytes): large
 * enough that joining a chunk (about a millisecond for a few modules)
 * costs nothing next to reading it (about 40 ms), small enough that the
 * threads finish together: the last chunk's thread works alone for half
 * a chunk on average (on a 360 MB log with two threads, 32 MiB chunks
 * took 4 % longer than 8 MiB ones). */
#define HIST_CHUNK_BYTES (8ULL << 20)

/* One sample of a log, in SI units; line is where it came from (for
 * clock-jump reports).  temp_ok/soc_ok say whether temp/soc are set. */
struct hist_row {
	double time, i, v, temp, soc;
	int temp_ok, soc_ok;
	unsigned long line;
};


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
	/* A track counts its first closed cycles in a list of bins (bit
	 * 15: half cycle) and turns to rf_full/rf_half only when the list
	 * would outgrow them (HIST_RF_LIST_MAX): 160 KiB less to clear
	 * per module and chunk for the short logs of a graded pack, and
	 * less memory.  rf_oom: no memory for them. */
	uint16_t *rf_list;
	size_t rf_nlist, rf_caplist;
	int rf_oom;

	/* For joining chunks (history-merge.c): the track's first row,
	 * the events open after it (first_on) and those of them not yet
	 * closed (first_open), and the byte column of its module id. */
	struct hist_row first;
	unsigned first_on, first_open;
	unsigned long first_col;
};

/* A module of the manifest, as a chunk's state needs to know it. */
struct hist_proto {
	const char *id;
	double cap_ah;
	int series;
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
	int threads;                /* bg_history_set_threads() */
	unsigned long long chunk_bytes;
	const struct hist_proto *proto; /* a chunk's state: the manifest */
	size_t nproto;
};

/* Columns of a log's header. */
struct hist_cols {
	int time, kind, i, v, temp, soc, module;
};

extern const double hist_c_edges[HIST_C_BINS];

/* Seconds since the epoch of an ISO 8601 date-time (n bytes at s, UTC
 * unless a zone is given); -1 when malformed. */
int hist_parse_iso(const char *s, size_t n, double *out);

/* The track of a module id, or NULL; the pack track is id "". */
struct hist_track *hist_find(const bg_history *h, const char *id);

/* Integrate the interval since the track's previous sample and update
 * events, SOC and rainflow with r: the one entry point of every
 * reader that feeds the pass (history.c's CSV loop, cycler series). */
void hist_process_row(bg_history *h, struct hist_track *t,
		      const struct hist_row *r);

/*
 * What r does to the state t held before it, when r is the first row
 * of t in a chunk processed on its own: the interval from t's previous
 * sample (integrals, data gap or clock jump, time at high SOC) and the
 * end of t's open events that r does not continue (on: bit k set when
 * event type k's condition holds at r), in the order hist_process_row()
 * ends them.  The rest of r is in the chunk's state.
 */
void hist_join_row(bg_history *h, struct hist_track *t,
		   const struct hist_row *r, unsigned on);

/* Count a full (half 0) or half (half 1) cycle in bin k of t's bins
 * (rf_full, rf_half: they must exist). */
void hist_rf_count(struct hist_track *t, size_t k, int half);
/* The same in t's list or bins, whichever t has now. */
void hist_rf_add(struct hist_track *t, size_t k, int half);
/* Turn t's list into bins (a no-op when it has them); -1 and rf_oom
 * set when out of memory. */
int hist_rf_need_bins(struct hist_track *t);
/* BG_ENOMEM when a track lost rainflow cycles for want of memory. */
int hist_check_memory(const bg_history *h, bg_error *err);

/* Append a closed event to t's list (kept up to the first
 * BG_HISTORY_MAX_EVENTS). */
void hist_event_push(struct hist_track *t, const bg_event *e);

/* A new track of h for module id (the pack: ""); NULL without memory. */
struct hist_track *hist_track_add(bg_history *h, const char *id,
				  double cap_ah, int series);

/* Find the columns of r's header and check them against the earlier
 * files of the log (h->time_kind); sets h->time_kind. */
int hist_find_cols(bg_history *h, bg_csv *r, struct hist_cols *c,
		   bg_error *err);

/* Have r convert the numeric columns as it reads them. */
int hist_set_numeric(const bg_history *h, bg_csv *r,
		     const struct hist_cols *c, bg_error *err);

/*
 * Every row of r into h.  tick, when not NULL, is called about every
 * 64 Ki rows with the bytes r consumed; a nonzero return stops the
 * loop with HIST_STOPPED.  Returns 0 at the end of r, or < 0.
 */
#define HIST_STOPPED (-1000)
int hist_read_rows(bg_history *h, bg_csv *r, const struct hist_cols *c,
		   int (*tick)(void *ctx, unsigned long long bytes),
		   void *ctx, bg_error *err);

/* An empty history with h's settings, limits and log state (time kind,
 * SOC source, manifest modules: proto, borrowed) for a chunk of h's
 * log; NULL when out of memory. */
bg_history *hist_chunk_state(const bg_history *h,
			     const struct hist_proto *proto, size_t nproto);

/*
 * Join the state c of a chunk (rows that follow those of h in the log,
 * lines counted from 1 at the chunk's start) to h: h then holds what
 * one pass over both would hold.  line_base is the number of lines of
 * the log before the chunk; c's line numbers are moved by it.  Fails
 * only when the chunk's new modules take the log past
 * HIST_MAX_MODULES (BG_EDATA at the row of the first one too many, in
 * file name), and then leaves h as it was.
 */
int hist_merge(bg_history *h, bg_history *c, unsigned long line_base,
	       const char *name, bg_error *err);

/* Feed a regular file in chunks, in order or in parallel
 * (history-chunk.c); 1 when path is not a regular file, which the
 * caller then reads as a stream. */
int hist_feed_chunked(bg_history *h, const char *path, bg_error *err);

#endif
