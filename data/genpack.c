/*
 * genpack.c - seeded generator of synthetic retired-pack data (pack
 * format v1, battgrade-pack(5)) whose true state is known.
 *
 * Every module gets a true degradation model, a true equivalent circuit
 * and a true grade; the generator writes what an intake would measure
 * (capacity checks, one EIS spectrum, a 10 s pulse pair, the pack's BMS
 * log) with small Gaussian noise, and keeps the truth in truth.json so
 * fits and grades can be checked against it.  All randomness comes from
 * GSL's MT19937 with a fixed seed and all output goes through fixed
 * formats in the C locale, so a run is byte-identical to the last.
 *
 * Models (DOMAIN.md section 4):
 *  - capacity, calendar + cycle: Q = Q0 (1 - k t^p - b x^z), t in days,
 *    x in equivalent full cycles (Schmalstieg et al. 2014, doi
 *    10.1016/j.jpowsour.2014.02.012; z = 0.55 for LFP after Wang et al.
 *    2011, J. Power Sources 196:3942);
 *  - capacity with a knee: Q = Q0 ((1 + c) e^{b x} - c e^{d x}), the
 *    double exponential of He et al. 2011 (J. Power Sources 196:10314);
 *  - resistance: R/R_BOL = 1 + a t^0.75 + b x (Schmalstieg 2014);
 *  - impedance: L0-R0-p(R1,CPE1)-p(R2,CPE2)-W1 with Z_CPE = 1/(Q (jw)^a)
 *    and Z_W = A_W (1 - j)/sqrt(w) (impedance.py elements.py);
 *  - pulse: the 2-RC circuit with the spectrum's R0, R1, R2 and the
 *    CPEs' characteristic times tau = (R Q)^(1/a).
 * Grades follow DOMAIN.md's "Recommended grading policy for v1".
 *
 * Usage: genpack [--seed N] [--kind nmc|lfp|abuse] [--modules N]
 *                [--history-rows N] [--many N] --out DIR
 */
#include "config.h"

#include <complex.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define MAXMOD 64
#define MAXEV 4
#define DAY_S 86400.0

enum kind { KIND_NMC, KIND_LFP, KIND_ABUSE };
enum fade_model { FADE_CALCYC, FADE_KNEE };
enum ev_type { EV_UNDERVOLT, EV_OVERTEMP };

struct event {
	enum ev_type type;
	double start, end;      /* unix seconds of the first and last row
				   beyond the limit */
	double extreme;         /* lowest voltage / highest temperature */
	double limit;
};

struct module {
	char id[16];
	char target;            /* grade the sample is built to have */
	double qnom, vnom;      /* nominal Ah and V */
	int cs, cp;             /* cells in series / in parallel */
	double q0;              /* true beginning-of-life capacity, Ah */
	enum fade_model fade;
	double k, p, b, z;      /* calendar + cycle fade */
	double kc, kb, kd;      /* knee: (1 + kc) e^{kb x} - kc e^{kd x} */
	double knee_onset_efc, knee_point_efc;
	double ra, rp, rb;      /* R/R_BOL = 1 + ra t^rp + rb x */
	double r0, r1, r2, a1, a2, tau1, tau2, aw, l0; /* BOL circuit */
	double r_bol;           /* 10 s DCIR at beginning of life */
	double soh_c, soh_r, q_now, r_now;
	double rul_home, rul_peak, rul_backup;
	double dcir_dis_meas, dcir_chg_meas;
	double soc_offset;      /* per-module SOC offset in the BMS log */
	int nev;
	struct event ev[MAXEV];
	char grade;
	char reason[256];
};

struct pack {
	enum kind kind;
	const char *kind_name;
	char id[64];
	const char *chem, *manufacturer, *model;
	const char *mfg_date, *first_use, *retire;
	double odometer_km, kwh_per_km;
	int nmod;
	double days_end, efc_end;      /* first-life age at retirement */
	double pack_kwh;
	struct module mod[MAXMOD];
	int ncheck, nfreq, hist_days;
	int stride_drive, stride_charge, stride_park, stride_event;
	long hist_rows;                /* 0: duty schedule; else N rows */
	int with_pulse;
	unsigned long seed;
};

static gsl_rng *rng;

static double gauss(double sigma)
{
	return gsl_ran_gaussian(rng, sigma);
}

static double unif(double lo, double hi)
{
	return lo + (hi - lo) * gsl_rng_uniform(rng);
}

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("genpack: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil), so no time-zone-dependent library call is needed. */
static long days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static long date_days(const char *iso)
{
	int y, m, d;

	if (sscanf(iso, "%d-%d-%d", &y, &m, &d) != 3)
		die("bad date '%s'", iso);
	return days_from_civil(y, m, d);
}

/* ---- chemistry ------------------------------------------------------ */

/* Open-circuit voltage of one cell against SOC fraction s: smooth
 * textbook shapes (NMC sloping, LFP flat plateau), not a fit. */
static double ocv_cell(enum kind k, double s)
{
	if (k == KIND_LFP)
		return 3.20 + 0.15 * s - 0.40 * exp(-15 * s) +
		       0.25 * exp(-15 * (1 - s));
	return 3.45 + 0.75 * s - 0.35 * exp(-12 * s);
}

static double vmin_cell(enum kind k)
{
	return k == KIND_LFP ? 2.5 : 2.5;
}

/* ---- degradation ---------------------------------------------------- */

static double cap_rel(const struct module *m, double t, double x)
{
	if (m->fade == FADE_KNEE)
		return (1 + m->kc) * exp(m->kb * x) - m->kc * exp(m->kd * x);
	return 1 - m->k * pow(t, m->p) - m->b * pow(x, m->z);
}

static double res_rel(const struct module *m, double t, double x)
{
	return 1 + m->ra * pow(t, m->rp) + m->rb * x;
}

/* 10 s DCIR of the 2-RC circuit with all resistances scaled by g. */
static double dcir10(const struct module *m, double g)
{
	return g * (m->r0 + m->r1 * (1 - exp(-10 / m->tau1)) +
		    m->r2 * (1 - exp(-10 / m->tau2)));
}

/* Years until SOH_C < 60 % or SOH_R > 2.0 (second-life end of life of
 * the v1 policy) under a duty of efc_day equivalent full cycles a day
 * at 25 degC, continuing the true model; capped at 40. */
static int past_eol(const struct module *m, const struct pack *pk,
		    double efc_day, double y)
{
	double t = pk->days_end + 365.25 * y;
	double x = pk->efc_end + efc_day * 365.25 * y;

	return m->q0 * cap_rel(m, t, x) < 0.60 * m->qnom ||
	       res_rel(m, t, x) > 2.0;
}

/* Capacity only falls and resistance only grows with y, so the first
 * 0.01-year step past end of life is found by bisection. */
static double rul_years(const struct module *m, const struct pack *pk,
			double efc_day)
{
	long lo = 0, hi = 4000;

	if (!past_eol(m, pk, efc_day, hi * 0.01))
		return 40;
	while (lo < hi) {
		long mid = (lo + hi) / 2;
		if (past_eol(m, pk, efc_day, mid * 0.01))
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo * 0.01;
}

/* The v1 policy table applied to the true state (DOMAIN.md). */
static void grade_truth(struct module *m, const struct pack *pk)
{
	int passed = m->fade == FADE_KNEE &&
		     m->knee_point_efc < pk->efc_end;

	if (m->nev > 0) {
		m->grade = 'R';
		snprintf(m->reason, sizeof m->reason,
			 "gate 0: recorded %s event in the BMS log",
			 m->ev[0].type == EV_UNDERVOLT ?
			 "deep-discharge (under-voltage)" : "over-temperature");
	} else if (passed) {
		m->grade = 'R';
		snprintf(m->reason, sizeof m->reason,
			 "knee point passed at %.0f EFC (data end %.0f EFC)",
			 m->knee_point_efc, pk->efc_end);
	} else if (m->soh_c < 0.60) {
		m->grade = 'R';
		snprintf(m->reason, sizeof m->reason,
			 "SOH_C %.3f < 0.60", m->soh_c);
	} else if (m->soh_r > 2.0) {
		m->grade = 'R';
		snprintf(m->reason, sizeof m->reason,
			 "SOH_R %.3f > 2.0", m->soh_r);
	} else if (m->soh_c >= 0.80 && m->soh_r <= 1.5 &&
		   m->rul_home >= 10) {
		m->grade = 'A';
		snprintf(m->reason, sizeof m->reason,
			 "SOH_C %.3f >= 0.80, SOH_R %.3f <= 1.5, no knee, "
			 "RUL(home) %.1f y >= 10", m->soh_c, m->soh_r,
			 m->rul_home);
	} else if (m->soh_c >= 0.70 && m->soh_r <= 1.75 &&
		   (m->rul_home >= 8 || m->rul_peak >= 5)) {
		m->grade = 'B';
		snprintf(m->reason, sizeof m->reason,
			 "not A: %s; B: SOH_C %.3f >= 0.70, SOH_R %.3f <= "
			 "1.75, no knee, RUL(home) %.1f y, RUL(peak shaving) "
			 "%.1f y", m->soh_c < 0.80 ? "SOH_C < 0.80" :
			 m->soh_r > 1.5 ? "SOH_R > 1.5" : "RUL(home) < 10 y",
			 m->soh_c, m->soh_r, m->rul_home, m->rul_peak);
	} else {
		m->grade = 'C';
		snprintf(m->reason, sizeof m->reason,
			 "not B: %s; C: SOH_C %.3f >= 0.60, SOH_R %.3f <= 2.0, "
			 "no knee", m->soh_c < 0.70 ? "SOH_C < 0.70" :
			 m->soh_r > 1.75 ? "SOH_R > 1.75" :
			 "RUL(home) < 8 y and RUL(peak shaving) < 5 y",
			 m->soh_c, m->soh_r);
	}
}

/* ---- pack and module set-up ----------------------------------------- */

struct target {
	char grade;     /* A, B, C, R; K = knee passed; U / T = an otherwise
			   healthy module with an under-voltage /
			   over-temperature event */
	double soh_c, soh_r;
};

static const struct target nmc_targets[] = {
	{ 'A', 0.91, 1.15 }, { 'A', 0.87, 1.24 }, { 'B', 0.77, 1.40 },
	{ 'B', 0.76, 1.42 }, { 'C', 0.67, 1.62 }, { 'C', 0.63, 1.80 },
	{ 'R', 0.55, 1.70 }, { 'K', 0.74, 1.60 },
};
static const struct target lfp_targets[] = {
	{ 'A', 0.92, 1.18 }, { 'B', 0.77, 1.40 }, { 'B', 0.73, 1.52 },
	{ 'C', 0.66, 1.72 },
};
static const struct target abuse_targets[] = {
	{ 'A', 0.89, 1.20 }, { 'B', 0.78, 1.35 }, { 'U', 0.86, 1.22 },
	{ 'B', 0.765, 1.40 }, { 'T', 0.85, 1.25 }, { 'C', 0.66, 1.70 },
};

/* A random target well inside one grade's band (for --many). */
static struct target random_target(void)
{
	static const struct target band[] = {
		{ 'A', 0.86, 1.08 }, { 'B', 0.75, 1.30 },
		{ 'C', 0.63, 1.60 }, { 'R', 0.50, 1.60 }, { 'K', 0.72, 1.50 },
	};
	static const double width[][2] = {
		{ 0.06, 0.14 }, { 0.035, 0.10 }, { 0.05, 0.20 },
		{ 0.06, 0.20 }, { 0.05, 0.15 },
	};
	unsigned long k = gsl_rng_uniform_int(rng, 5);
	struct target t = band[k];

	t.soh_c += unif(0, width[k][0]);
	t.soh_r += unif(0, width[k][1]);
	return t;
}

/* Is the module's truth far enough from the policy's edges that a fit
 * on noisy data grades it the same (the margins of data/README.md)? */
static int robust(const struct module *m)
{
	if (m->target == 'A')
		return m->rul_home >= 14;
	if (m->target == 'B')
		return m->rul_peak >= 9;
	return 1;
}

static void setup_circuit(struct module *m, enum kind k)
{
	double v = 1 + gauss(0.03);  /* manufacturing spread */

	if (k == KIND_LFP) {
		m->r0 = 2.2e-3 * v; m->r1 = 0.6e-3 * v; m->r2 = 1.6e-3 * v;
		m->tau1 = 1.5e-3; m->tau2 = 3.0; m->aw = 0.15e-3 * v;
		m->l0 = 40e-9;
	} else {
		m->r0 = 4.0e-3 * v; m->r1 = 1.2e-3 * v; m->r2 = 2.8e-3 * v;
		m->tau1 = 2.0e-3; m->tau2 = 2.5; m->aw = 0.25e-3 * v;
		m->l0 = 30e-9;
	}
	m->a1 = 0.90 + gauss(0.01);
	m->a2 = 0.80 + gauss(0.01);
	m->r_bol = dcir10(m, 1);
}

/* Double-exponential knee: slow exponential fade plus an accelerating
 * term sized so the module ends at soh_c; onset where the accelerating
 * term's rate equals the slow one's, knee point where the tangents at
 * the start and at the end of the data intersect (tangent method). */
static void setup_knee(struct module *m, const struct pack *pk, double s)
{
	double X = pk->efc_end;

	m->fade = FADE_KNEE;
	m->kb = -0.12 / X;
	m->kd = 6.0 / X;
	m->kc = (exp(m->kb * X) - s) / (exp(m->kd * X) - exp(m->kb * X));
	m->knee_onset_efc = log((1 + m->kc) * -m->kb / (m->kc * m->kd)) /
			    (m->kd - m->kb);
	double d0 = (1 + m->kc) * m->kb - m->kc * m->kd;
	double dX = (1 + m->kc) * m->kb * exp(m->kb * X) -
		    m->kc * m->kd * exp(m->kd * X);
	double yX = cap_rel(m, 0, X);
	m->knee_point_efc = (yX - dX * X - 1) / (d0 - dX);
}

static void setup_module(struct module *m, struct pack *pk, int i,
			 struct target t)
{
	double T = pk->days_end, X = pk->efc_end;

	snprintf(m->id, sizeof m->id, "M%02d", i + 1);
	m->target = t.grade;
	if (pk->kind == KIND_LFP) {
		m->cs = 16; m->cp = 1; m->qnom = 280; m->vnom = 51.2;
	} else {
		m->cs = 12; m->cp = 2; m->qnom = 65; m->vnom = 43.8;
	}
	m->q0 = m->qnom * (1 + gauss(0.005));
	setup_circuit(m, pk->kind);
	double s = t.soh_c * m->qnom / m->q0;   /* relative to Q0 */
	double fcal = 0.60 + unif(-0.05, 0.05);
	m->fade = FADE_CALCYC;
	m->p = 0.5;
	m->z = pk->kind == KIND_LFP ? 0.55 : 0.5;
	m->k = fcal * (1 - s) / pow(T, m->p);
	m->b = (1 - fcal) * (1 - s) / pow(X, m->z);
	if (t.grade == 'K')
		setup_knee(m, pk, s);
	double rcal = 0.75 + unif(-0.05, 0.05);
	m->rp = 0.75;
	m->ra = rcal * (t.soh_r - 1) / pow(T, m->rp);
	m->rb = (1 - rcal) * (t.soh_r - 1) / X;
	m->q_now = m->q0 * cap_rel(m, T, X);
	m->soh_c = m->q_now / m->qnom;
	m->soh_r = res_rel(m, T, X);
	m->r_now = m->r_bol * m->soh_r;
	/* second-life duties: home storage ~1 EFC/day, peak shaving ~0.5,
	   float/backup ~0.05 (DOMAIN.md section 3; assumptions) */
	m->rul_home = rul_years(m, pk, 1.0);
	m->rul_peak = rul_years(m, pk, 0.5);
	m->rul_backup = rul_years(m, pk, 0.05);
	m->soc_offset = gauss(0.01);   /* balancing leaves < 1.5 % */
	if (fabs(m->soc_offset) > 0.015)
		m->soc_offset = copysign(0.015, m->soc_offset);
}

/* Grade from the truth; the fixed samples must come out as built. */
static void finish_module(struct module *m, const struct pack *pk,
			  int strict)
{
	char want = m->target == 'K' || m->target == 'U' ||
		    m->target == 'T' ? 'R' : m->target;

	grade_truth(m, pk);
	if (strict && m->grade != want)
		die("%s %s: built for grade %c but the truth grades %c (%s)",
		    pk->id, m->id, want, m->grade, m->reason);
}

static void setup_pack(struct pack *pk, int nmod, int many_index)
{
	const struct target *tab;
	size_t ntab;

	switch (pk->kind) {
	case KIND_LFP:
		pk->chem = "LFP";
		pk->manufacturer = "Example Bus Batteries (synthetic)";
		pk->model = "LFP city-bus sub-pack, 16S1P 280 Ah modules";
		pk->mfg_date = "2017-01-20"; pk->first_use = "2017-04-01";
		pk->retire = "2024-03-31";
		pk->odometer_km = 160000; pk->kwh_per_km = 1.0;
		tab = lfp_targets; ntab = 4;
		break;
	case KIND_ABUSE:
		pk->chem = "NMC";
		pk->manufacturer = "Example EV Co. (synthetic)";
		pk->model = "NMC pack, 12S2P 65 Ah modules";
		pk->mfg_date = "2018-06-01"; pk->first_use = "2018-08-15";
		pk->retire = "2025-02-28";
		pk->odometer_km = 88000; pk->kwh_per_km = 0.16;
		tab = abuse_targets; ntab = 6;
		break;
	default:
		pk->chem = "NMC";
		pk->manufacturer = "Example EV Co. (synthetic)";
		pk->model = "NMC pack, 12S2P 65 Ah modules";
		pk->mfg_date = "2016-03-14"; pk->first_use = "2016-05-02";
		pk->retire = "2024-09-30";
		pk->odometer_km = 95000; pk->kwh_per_km = 0.16;
		tab = nmc_targets; ntab = 8;
		break;
	}
	pk->nmod = nmod;
	pk->days_end = (double)(date_days(pk->retire) -
				date_days(pk->first_use));
	double qnom = pk->kind == KIND_LFP ? 280 : 65;
	double vnom = pk->kind == KIND_LFP ? 51.2 : 43.8;
	pk->pack_kwh = nmod * qnom * vnom / 1000;
	pk->efc_end = pk->odometer_km * pk->kwh_per_km / pk->pack_kwh;
	for (int i = 0; i < nmod; i++) {
		if (many_index < 0) {
			setup_module(&pk->mod[i], pk, i, tab[i % ntab]);
			continue;
		}
		for (int tries = 0; tries < 20; tries++) {
			setup_module(&pk->mod[i], pk, i, random_target());
			if (robust(&pk->mod[i]))
				break;
		}
	}
}

/* ---- output --------------------------------------------------------- */

struct out {
	FILE *f;
	char tmp[4096], path[4096];
};

static FILE *out_open(struct out *o, const char *dir, const char *name)
{
	static char buf[1 << 20];

	snprintf(o->path, sizeof o->path, "%s/%s", dir, name);
	snprintf(o->tmp, sizeof o->tmp, "%s/.%s.tmp", dir, name);
	o->f = fopen(o->tmp, "w");
	if (!o->f)
		die("cannot create %s: %s", o->tmp, strerror(errno));
	setvbuf(o->f, buf, _IOFBF, sizeof buf);
	return o->f;
}

static void out_close(struct out *o)
{
	if (fflush(o->f) != 0 || ferror(o->f))
		die("cannot write %s: %s", o->tmp, strerror(errno));
	if (fclose(o->f) != 0)
		die("cannot close %s: %s", o->tmp, strerror(errno));
	if (rename(o->tmp, o->path) != 0)
		die("cannot rename %s: %s", o->tmp, strerror(errno));
}

/* Fixed-point decimal of v with d decimals into p; returns the end.
 * Faster than printf for the 10-million-row history, and independent of
 * the locale. */
static char *put_fixed(char *p, double v, int d)
{
	static const double scale[] = { 1, 10, 100, 1000, 1e4, 1e5, 1e6 };
	long long n = llround(v * scale[d]);
	char tmp[32];
	int len = 0;

	if (n < 0) {
		*p++ = '-';
		n = -n;
	}
	do {
		tmp[len++] = (char)('0' + n % 10);
		n /= 10;
	} while (n > 0 || len <= d);
	while (len > d)
		*p++ = tmp[--len];
	if (d > 0) {
		*p++ = '.';
		while (len > 0)
			*p++ = tmp[--len];
	}
	return p;
}

static void write_manifest(const struct pack *pk, const char *dir)
{
	struct out o;
	FILE *f = out_open(&o, dir, "pack.json");
	const struct module *m0 = &pk->mod[0];

	fprintf(f, "{\n  \"pack_id\": \"%s\",\n  \"chemistry\": \"%s\",\n",
		pk->id, pk->chem);
	fprintf(f, "  \"manufacturer\": \"%s\",\n  \"model\": \"%s\",\n",
		pk->manufacturer, pk->model);
	fprintf(f, "  \"nominal_capacity_ah\": %.1f,\n"
		"  \"nominal_voltage_volt\": %.1f,\n",
		m0->qnom, m0->vnom * pk->nmod);
	fprintf(f, "  \"modules_series\": %d,\n  \"modules_parallel\": 1,\n",
		pk->nmod);
	fprintf(f, "  \"manufacture_date\": \"%s\",\n"
		"  \"first_use_date\": \"%s\",\n"
		"  \"retirement_date\": \"%s\",\n  \"odometer_km\": %.0f,\n",
		pk->mfg_date, pk->first_use, pk->retire, pk->odometer_km);
	fprintf(f, "  \"provenance\": {\"generator\": \"data/genpack.c\", "
		"\"kind\": \"%s\", \"seed\": %lu, \"note\": \"synthetic "
		"data with known true parameters, see truth.json\"},\n",
		pk->kind_name, pk->seed);
	fputs("  \"modules\": [\n", f);
	for (int i = 0; i < pk->nmod; i++) {
		const struct module *m = &pk->mod[i];
		fprintf(f, "    {\"module_id\": \"%s\", "
			"\"nominal_capacity_ah\": %.1f, "
			"\"nominal_voltage_volt\": %.1f, "
			"\"cells_series\": %d, \"cells_parallel\": %d, "
			"\"initial_resistance_ohm\": %.6f}%s\n",
			m->id, m->qnom, m->vnom, m->cs, m->cp, m->r_bol,
			i + 1 < pk->nmod ? "," : "");
	}
	fputs("  ]\n}\n", f);
	out_close(&o);
}

/* Cycle count as a function of the fraction s of the first life: a
 * slightly uneven use rate (amplitude small enough to stay monotone). */
static double usage(const struct pack *pk, double s, double phase)
{
	double w = 2 * M_PI * 1.3;

	return pk->efc_end * s * (1 + 0.08 * sin(w * s + phase)) /
	       (1 + 0.08 * sin(w + phase));
}

/* One capacity check: noisy capacity, temperature and 10 s DCIR. */
static void capacity_row(FILE *f, const struct module *m, double day,
			 double efc)
{
	double q = m->q0 * cap_rel(m, day, efc) * (1 + gauss(0.0025));
	double r = m->r_bol * res_rel(m, day, efc) * (1 + gauss(0.01));

	fprintf(f, "%s,%.1f,%.0f,%.3f,%.1f,%.6f\n", m->id, efc, day, q,
		25 + gauss(0.3), r);
}

/* Checks at roughly even service intervals over the first life, shared
 * by the modules of the pack; a module with a knee was checked four more
 * times near the end, when its fade accelerated. */
static void write_capacity(const struct pack *pk, const char *dir)
{
	static const double extra[] = { 0.80, 0.86, 0.90, 0.96 };
	struct out o;
	FILE *f = out_open(&o, dir, "capacity.csv");
	int n = pk->ncheck;
	double phase = unif(0, 2 * M_PI);
	double day[64], efc[64], xday[4], xefc[4];

	for (int i = 0; i < n; i++) {
		double s = (double)i / (n - 1);
		if (i > 0 && i < n - 1)
			s += unif(-0.3, 0.3) / (n - 1);
		day[i] = round(s * pk->days_end);
		efc[i] = round(10 * usage(pk, day[i] / pk->days_end,
					  phase)) / 10;
	}
	for (int e = 0; e < 4; e++) {
		xday[e] = round(extra[e] * pk->days_end);
		xefc[e] = round(10 * usage(pk, extra[e], phase)) / 10;
	}
	fputs("module_id,cycle_count,days,capacity_ah,temperature_celsius,"
	      "dc_internal_resistance_ohm\n", f);
	for (int j = 0; j < pk->nmod; j++) {
		const struct module *m = &pk->mod[j];
		int e = m->fade == FADE_KNEE ? 0 : 4;
		for (int i = 0; i < n; i++) {
			for (; e < 4 && xday[e] < day[i]; e++)
				if (xday[e] > day[i - 1])
					capacity_row(f, m, xday[e], xefc[e]);
			capacity_row(f, m, day[i], efc[i]);
		}
	}
	out_close(&o);
}

/* True impedance of the aged circuit L0-R0-p(R1,CPE1)-p(R2,CPE2)-W1:
 * resistances and A_W scale with SOH_R, the CPE time constants stay. */
static double complex z_model(const struct module *m, double f)
{
	double w = 2 * M_PI * f, g = m->soh_r;
	double r1 = g * m->r1, r2 = g * m->r2;
	double q1 = pow(m->tau1, m->a1) / r1, q2 = pow(m->tau2, m->a2) / r2;
	double complex jw = I * w;

	return jw * m->l0 + g * m->r0 + r1 / (1 + r1 * q1 * cpow(jw, m->a1)) +
	       r2 / (1 + r2 * q2 * cpow(jw, m->a2)) +
	       g * m->aw * (1 - I) / sqrt(w);
}

static void write_impedance(const struct pack *pk, const char *dir)
{
	struct out o;
	FILE *f = out_open(&o, dir, "impedance.csv");
	int n = pk->nfreq;

	fputs("module_id,frequency_hertz,real_impedance_ohm,"
	      "imaginary_impedance_ohm,temperature_celsius,soc_percent\n", f);
	for (int j = 0; j < pk->nmod; j++) {
		const struct module *m = &pk->mod[j];
		double temp = 25 + gauss(0.2);
		for (int i = 0; i < n; i++) {
			double fr = pow(10, 4 - 6.0 * i / (n - 1));
			double complex z = z_model(m, fr);
			double sd = 0.005 * cabs(z);
			fprintf(f, "%s,%.6g,%.8f,%.8f,%.1f,50\n", m->id, fr,
				creal(z) + gauss(sd), cimag(z) + gauss(sd),
				temp);
		}
	}
	out_close(&o);
}

/* HPPC-style pulses at 50 % SOC: 5 s rest, 10 s discharge at 1C, 20 s
 * rest, 10 s charge at 0.75C, 20 s rest.  Samples every second, and
 * 0.1, 0.2 and 0.5 s after each current step.  A sample at a step
 * time already shows the new current; the pulse includes its end time. */
static double pulse_current(const struct module *m, double t)
{
	if (t >= 5 && t <= 15)
		return -1.0 * m->qnom;
	if (t >= 35 && t <= 45)
		return 0.75 * m->qnom;
	return 0;
}

struct rc2 {
	double soc, v1, v2, tprev;
};

/* Advance the 2-RC state to t (exact for a constant current over the
 * step) and return the terminal voltage. */
static double rc2_step(struct rc2 *st, const struct module *m,
		       enum kind k, double t)
{
	double dt = t - st->tprev;
	double ii = pulse_current(m, st->tprev + dt / 2);
	double g = m->soh_r;

	if (dt > 0) {
		double e1 = exp(-dt / m->tau1), e2 = exp(-dt / m->tau2);
		st->v1 = st->v1 * e1 + ii * g * m->r1 * (1 - e1);
		st->v2 = st->v2 * e2 + ii * g * m->r2 * (1 - e2);
		st->soc += ii * dt / 3600 / m->q_now;
	}
	st->tprev = t;
	return m->cs * ocv_cell(k, st->soc) +
	       pulse_current(m, t) * g * m->r0 + st->v1 + st->v2;
}

static void pulse_times(double *ts, int *n)
{
	*n = 0;
	for (int s = 0; s <= 65; s++) {
		ts[(*n)++] = s;
		if (s == 5 || s == 15 || s == 35 || s == 45) {
			ts[(*n)++] = s + 0.1;
			ts[(*n)++] = s + 0.2;
			ts[(*n)++] = s + 0.5;
		}
	}
}

static void write_pulse(struct pack *pk, const char *dir)
{
	struct out o;
	FILE *f = out_open(&o, dir, "pulse.csv");
	double ts[256], v[256];
	int n;

	pulse_times(ts, &n);
	fputs("module_id,test_time_second,current_ampere,voltage_volt\n", f);
	for (int j = 0; j < pk->nmod; j++) {
		struct module *m = &pk->mod[j];
		struct rc2 st = { 0.5, 0, 0, 0 };
		for (int i = 0; i < n; i++) {
			v[i] = rc2_step(&st, m, pk->kind, ts[i]);
			double ii = pulse_current(m, ts[i]);
			fprintf(f, "%s,%.1f,%.3f,%.4f\n", m->id, ts[i],
				ii * (1 + gauss(1e-4)), v[i] + gauss(3e-4));
		}
		/* what a noiseless instrument would report: dU/dI from the
		   last rest sample to the end of the pulse */
		double v4 = 0, v15 = 0, v34 = 0, v45 = 0;
		for (int i = 0; i < n; i++) {
			if (ts[i] == 4) v4 = v[i];
			if (ts[i] == 15) v15 = v[i];
			if (ts[i] == 34) v34 = v[i];
			if (ts[i] == 45) v45 = v[i];
		}
		m->dcir_dis_meas = (v15 - v4) / pulse_current(m, 15);
		m->dcir_chg_meas = (v45 - v34) / pulse_current(m, 45);
	}
	out_close(&o);
}

/* ---- the BMS log ---------------------------------------------------- */

/*
 * A per-minute simulation of the pack's last weeks in service: commutes
 * on weekdays, one longer drive at weekends, overnight AC charging (NMC)
 * or midday and overnight depot charging (LFP bus).  Modules are in one
 * series string, so they share the current; voltage is OCV plus the
 * module's aged resistance (R0+R1+R2: a minute is long against both
 * time constants); temperature relaxes (tau 90 min) towards ambient
 * plus Joule heating.  Rows are logged every minute while driving (every
 * 2 minutes in the small samples), every 10 minutes while charging and
 * hourly while parked, as change-driven BMS loggers do; --history-rows
 * logs every minute.  The abuse kind injects a deep discharge of M03 and
 * an over-temperature of M05 (a cooling fault during a DC fast charge).
 */
struct sim {
	double soc, cur, q_ah, temp[MAXMOD];
	int charging, state;    /* 0 parked, 1 driving, 2 charging */
};

enum { UV_DAY = 4, OT_DAY = 7 };

static int weekday(long days)
{
	return (int)((days % 7 + 11) % 7);   /* 0 = Sunday; 1970-01-01 Thu */
}

static double duty_current(struct sim *s, const struct pack *pk, long day,
			   int mod, int wd)
{
	double c = pk->mod[0].qnom;
	int abuse = pk->kind == KIND_ABUSE;
	int uv_day = abuse && day == UV_DAY, ot_day = abuse && day == OT_DAY;
	int drive;

	if (pk->kind == KIND_LFP)
		drive = (mod >= 390 && mod < 570) || (mod >= 930 && mod < 1110);
	else if (wd == 0 || wd == 6)
		drive = mod >= 600 && mod < 690;
	else
		drive = (mod >= 450 && mod < 485) ||
			(mod >= 1060 && mod < (uv_day ? 1100 + 60 : 1100));
	if (drive) {
		s->charging = 0;
		s->state = 1;
		if (gsl_rng_uniform(rng) < 0.1)
			return 0.15 * c;             /* regenerative braking */
		double mean = pk->kind == KIND_LFP ? 0.12 : 0.35;
		double ii = mean + 0.12 * gauss(1);
		return -c * (ii < 0.02 ? 0.02 : ii > 1 ? 1 : ii);
	}
	if (ot_day && mod >= 720 && mod < 800 && s->soc < 0.85) {
		s->state = 2;
		return 0.5 * c;                      /* DC charge */
	}
	int start = pk->kind == KIND_LFP ? (mod == 600 || mod == 1320) :
		    mod == (uv_day ? 1290 : 1140);
	if (start && s->soc < (pk->kind == KIND_LFP ? 0.8 : 0.6))
		s->charging = 1;
	if (s->charging && s->soc >= 0.9)
		s->charging = 0;
	s->state = s->charging ? 2 : 0;
	return s->charging ? (pk->kind == KIND_LFP ? 0.3 : 0.15) * c : 0;
}

/* The injected faults: M03's voltage sags to 2.05 V per cell while the
 * pack is parked flat (a parasitic drain on an unbalanced module); M05
 * heats by up to 50 K during the fast charge (a cooling fault). */
static double uv_sag(long day, int mod)
{
	if (day != UV_DAY || mod < 1160 || mod >= 1290)
		return 0;
	if (mod < 1220)
		return (mod - 1160) / 60.0;
	if (mod < 1260)
		return 1;
	return (1290 - mod) / 30.0;
}

static double ot_bump(long day, int mod)
{
	if (day != OT_DAY || mod < 720 || mod > 900)
		return 0;
	if (mod < 750)
		return 50.0 * (mod - 720) / 30.0;
	return 50.0 * exp(-(mod - 750) / 20.0);
}

static void note_event(struct module *m, enum ev_type type, double t,
		       double v, double limit)
{
	struct event *e = m->nev ? &m->ev[m->nev - 1] : NULL;

	if (!e || e->type != type || t - e->end > 3600) {
		if (m->nev == MAXEV)
			return;
		e = &m->ev[m->nev++];
		e->type = type;
		e->start = t;
		e->extreme = v;
		e->limit = limit;
	}
	e->end = t;
	if (type == EV_UNDERVOLT ? v < e->extreme : v > e->extreme)
		e->extreme = v;
}

struct hist {
	FILE *f;
	char line[256];
	long rows, max_rows;
	int per_module;
	struct sim prev;        /* the minute before, for state edges */
	double prev_t;
	long prev_day;
	int prev_mod, prev_emitted, have_prev;
};

static void module_row(struct hist *h, struct pack *pk, struct sim *s,
		       int j, double t, long day, int mod, int emit,
		       double *vsum, double *tsum)
{
	struct module *m = &pk->mod[j];
	double soc = s->soc + m->soc_offset;
	double v = m->cs * ocv_cell(pk->kind, soc) +
		   s->cur * m->soh_r * (m->r0 + m->r1 + m->r2);
	double temp = s->temp[j];

	if (pk->kind == KIND_ABUSE && m->target == 'U' && uv_sag(day, mod) > 0)
		v -= uv_sag(day, mod) * (v - m->cs * 2.05);
	if (pk->kind == KIND_ABUSE && m->target == 'T')
		temp += ot_bump(day, mod);
	*vsum += v;
	*tsum += temp;
	if (!emit)
		return;
	if (v < m->cs * vmin_cell(pk->kind))
		note_event(m, EV_UNDERVOLT, t, v, m->cs * vmin_cell(pk->kind));
	if (temp > 60)
		note_event(m, EV_OVERTEMP, t, temp, 60);
	if (!h->per_module || (h->max_rows > 0 && h->rows >= h->max_rows))
		return;
	char *p = h->line;
	p = put_fixed(p, t, 0); *p++ = ',';
	p = put_fixed(p, s->cur, 2); *p++ = ',';
	p = put_fixed(p, v, 3); *p++ = ',';
	p = put_fixed(p, temp, 1); *p++ = ',';
	p = put_fixed(p, 100 * soc, 1); *p++ = ',';
	size_t idl = strlen(m->id);
	memcpy(p, m->id, idl);
	p += idl;
	*p++ = '\n';
	fwrite(h->line, 1, (size_t)(p - h->line), h->f);
	h->rows++;
}

static int emit_now(const struct pack *pk, const struct sim *s, long day,
		    int mod)
{
	if (pk->hist_rows > 0)
		return 1;
	if (pk->kind == KIND_ABUSE &&
	    ((day == UV_DAY && mod >= 1150 && mod < 1300) ||
	     (day == OT_DAY && mod >= 710 && mod < 910)))
		return mod % pk->stride_event == 0;
	switch (s->state) {
	case 1: return mod % pk->stride_drive == 0;
	case 2: return mod % pk->stride_charge == 0;
	default: return mod % pk->stride_park == 0;
	}
}

/* Write the rows of one simulated minute (all modules, or the pack). */
static void emit_minute(struct hist *h, struct pack *pk, struct sim *s,
			double t, long day, int mod)
{
	double vsum = 0, tsum = 0;

	for (int j = 0; j < pk->nmod; j++)
		module_row(h, pk, s, j, t, day, mod, 1, &vsum, &tsum);
	if (h->per_module)
		return;
	char *p = h->line;
	p = put_fixed(p, t, 0); *p++ = ',';
	p = put_fixed(p, s->cur, 2); *p++ = ',';
	p = put_fixed(p, vsum, 2); *p++ = ',';
	p = put_fixed(p, tsum / pk->nmod, 1); *p++ = ',';
	p = put_fixed(p, 100 * s->soc, 1); *p++ = '\n';
	fwrite(h->line, 1, (size_t)(p - h->line), h->f);
	h->rows++;
}

/*
 * One minute of the duty.  Like a change-driven logger, the log also
 * gets the last minute of a state and the first of the next (driving,
 * charging, parked), so integrating current between rows, as a step or
 * a trapezoid, misses no charge at the edges of the strides.
 */
static void sim_minute(struct hist *h, struct pack *pk, struct sim *s,
		       double t0, long day, int mod, long abs_day)
{
	double t = t0 + day * DAY_S + mod * 60.0;
	double c = pk->mod[0].qnom;
	double amb = 15 + 6 * sin(2 * M_PI * (mod / 1440.0 - 9 / 24.0));

	s->cur = duty_current(s, pk, day, mod, weekday(abs_day));
	s->soc += s->cur / 60 / s->q_ah;
	if (s->soc < 0.05)
		s->soc = 0.05;
	if (s->soc > 0.97)
		s->soc = 0.97;
	for (int j = 0; j < pk->nmod; j++) {
		double eq = amb + 0.5 * (j % 3) + 40 * (s->cur / c) * (s->cur / c);
		s->temp[j] += (eq - s->temp[j]) * (1 - exp(-1 / 90.0));
	}
	if (pk->hist_rows > 0) {        /* every minute: no edges to add */
		emit_minute(h, pk, s, t, day, mod);
		return;
	}
	int change = h->have_prev && s->state != h->prev.state;
	if (change && !h->prev_emitted)
		emit_minute(h, pk, &h->prev, h->prev_t, h->prev_day,
			    h->prev_mod);
	int emit = change || emit_now(pk, s, day, mod);
	if (emit)
		emit_minute(h, pk, s, t, day, mod);
	h->prev = *s;
	h->prev_t = t;
	h->prev_day = day;
	h->prev_mod = mod;
	h->prev_emitted = emit;
	h->have_prev = 1;
}

static void write_history(struct pack *pk, const char *dir)
{
	struct out o;
	struct hist h = { .f = out_open(&o, dir, "history.csv"),
			  .max_rows = pk->hist_rows,
			  .per_module = pk->kind == KIND_ABUSE };
	struct sim s = { 0.7, 0, 0, { 0 }, 0, 0 };
	long days = pk->hist_days;

	if (pk->hist_rows > 0) {
		long per_day = 1440L * (h.per_module ? pk->nmod : 1);
		days = (pk->hist_rows + per_day - 1) / per_day;
	}
	long d0 = date_days(pk->retire) - days;
	for (int j = 0; j < pk->nmod; j++) {
		s.temp[j] = 18;
		s.q_ah += pk->mod[j].q_now / pk->nmod;
	}
	fputs(h.per_module ?
	      "unix_time_second,current_ampere,voltage_volt,"
	      "surface_temperature_celsius,soc_percent,module_id\n" :
	      "unix_time_second,current_ampere,voltage_volt,"
	      "surface_temperature_celsius,soc_percent\n", h.f);
	for (long d = 0; d < days; d++)
		for (int mod = 0; mod < 1440; mod++) {
			if (h.max_rows > 0 && h.rows >= h.max_rows)
				goto done;
			sim_minute(&h, pk, &s, d0 * DAY_S, d, mod, d0 + d);
		}
done:
	out_close(&o);
}

/* ---- truth.json ----------------------------------------------------- */

static void truth_model(FILE *f, const struct module *m)
{
	if (m->fade == FADE_KNEE)
		fprintf(f, "      \"capacity_model\": {\"name\": "
			"\"double_exponential\", \"equation\": \"Q = Q0*((1+c)"
			"*exp(b*x) - c*exp(d*x)), x = EFC\", \"Q0_ah\": %.6f, "
			"\"c\": %.9g, \"b\": %.9g, \"d\": %.9g, "
			"\"knee_onset_efc\": %.1f, \"knee_point_efc\": %.1f, "
			"\"source\": \"He et al. 2011, J. Power Sources "
			"196:10314\"},\n", m->q0, m->kc, m->kb, m->kd,
			m->knee_onset_efc, m->knee_point_efc);
	else
		fprintf(f, "      \"capacity_model\": {\"name\": "
			"\"calendar_cycle\", \"equation\": \"Q = Q0*(1 - k*t^p"
			" - b*x^z), t = days, x = EFC\", \"Q0_ah\": %.6f, "
			"\"k\": %.9g, \"p\": %.3f, \"b\": %.9g, \"z\": %.3f, "
			"\"source\": \"Schmalstieg et al. 2014, doi "
			"10.1016/j.jpowsour.2014.02.012%s\"},\n", m->q0, m->k,
			m->p, m->b, m->z, m->z > 0.52 ?
			"; z after Wang et al. 2011, J. Power Sources "
			"196:3942" : "");
	fprintf(f, "      \"resistance_model\": {\"name\": \"power_linear\", "
		"\"equation\": \"R/R_BOL = 1 + a*t^p + b*x, t = days, "
		"x = EFC\", \"R_BOL_ohm\": %.9g, \"a\": %.9g, \"p\": %.3f, "
		"\"b\": %.9g},\n", m->r_bol, m->ra, m->rp, m->rb);
}

static void truth_circuit(FILE *f, const struct module *m)
{
	double g = m->soh_r;
	double q1 = pow(m->tau1, m->a1) / (g * m->r1);
	double q2 = pow(m->tau2, m->a2) / (g * m->r2);

	fprintf(f, "      \"circuit\": {\"string\": \"L0-R0-p(R1,CPE1)-"
		"p(R2,CPE2)-W1\", \"L0_henry\": %.9g, \"R0_ohm\": %.9g, "
		"\"R1_ohm\": %.9g, \"CPE1_Q\": %.9g, \"CPE1_alpha\": %.6f, "
		"\"R2_ohm\": %.9g, \"CPE2_Q\": %.9g, \"CPE2_alpha\": %.6f, "
		"\"W1_sigma\": %.9g, \"tau1_second\": %.6g, "
		"\"tau2_second\": %.6g, \"noise\": \"0.5 %% of |Z| per "
		"component\"},\n", m->l0, g * m->r0, g * m->r1, q1, m->a1,
		g * m->r2, q2, m->a2, g * m->aw, m->tau1, m->tau2);
}

static const char *ev_name(enum ev_type t)
{
	return t == EV_UNDERVOLT ? "deep_discharge" : "over_temperature";
}

static void truth_events(FILE *f, const struct module *m)
{
	fputs("      \"events\": [", f);
	for (int e = 0; e < m->nev; e++) {
		const struct event *ev = &m->ev[e];
		fprintf(f, "%s{\"type\": \"%s\", \"start_unix_time_second\": "
			"%.0f, \"end_unix_time_second\": %.0f, "
			"\"extreme\": %.3f, \"limit\": %.3f, \"unit\": \"%s\"}",
			e ? ", " : "", ev_name(ev->type), ev->start, ev->end,
			ev->extreme, ev->limit,
			ev->type == EV_UNDERVOLT ? "volt (module)" : "celsius");
	}
	fputs("],\n", f);
}

static void write_truth(const struct pack *pk, const char *dir)
{
	struct out o;
	FILE *f = out_open(&o, dir, "truth.json");

	fprintf(f, "{\n  \"pack_id\": \"%s\",\n  \"generator\": "
		"\"data/genpack.c\",\n  \"kind\": \"%s\",\n  \"seed\": %lu,\n",
		pk->id, pk->kind_name, pk->seed);
	fprintf(f, "  \"first_life_days\": %.0f,\n  \"first_life_efc\": %.3f,\n",
		pk->days_end, pk->efc_end);
	fputs("  \"policy\": \"DOMAIN.md recommended grading policy v1; "
	      "SOH_C = Q/Q_rated, SOH_R = R_10s/R_BOL; RUL to SOH_C 0.60 or "
	      "SOH_R 2.0 under duties home 1.0, peak_shaving 0.5, backup "
	      "0.05 EFC/day at 25 degC\",\n", f);
	fputs("  \"noise\": {\"capacity_relative_sd\": 0.0025, "
	      "\"resistance_relative_sd\": 0.01, \"impedance_relative_sd\": "
	      "0.005, \"pulse_voltage_sd_volt\": 0.0003},\n  \"modules\": [\n",
	      f);
	for (int i = 0; i < pk->nmod; i++) {
		const struct module *m = &pk->mod[i];
		fprintf(f, "    {\n      \"module_id\": \"%s\",\n", m->id);
		truth_model(f, m);
		fprintf(f, "      \"capacity_ah\": %.6f,\n      \"soh_c\": %.6f,\n"
			"      \"dcir_10s_ohm\": %.9g,\n      \"soh_r\": %.6f,\n",
			m->q_now, m->soh_c, m->r_now, m->soh_r);
		fprintf(f, "      \"pulse_dcir_discharge_ohm\": %.9g,\n"
			"      \"pulse_dcir_charge_ohm\": %.9g,\n",
			m->dcir_dis_meas, m->dcir_chg_meas);
		truth_circuit(f, m);
		fprintf(f, "      \"knee\": \"%s\",\n",
			m->fade == FADE_KNEE ? "passed" : "none");
		fprintf(f, "      \"rul_years\": {\"home\": %.2f, "
			"\"peak_shaving\": %.2f, \"backup\": %.2f},\n",
			m->rul_home, m->rul_peak, m->rul_backup);
		truth_events(f, m);
		fprintf(f, "      \"grade\": \"%c\",\n      \"reason\": \"%s\"\n"
			"    }%s\n", m->grade, m->reason,
			i + 1 < pk->nmod ? "," : "");
	}
	fputs("  ]\n}\n", f);
	out_close(&o);
}

/* ---- main ----------------------------------------------------------- */

/* mkdir -p */
static void make_dir(const char *dir)
{
	char path[4096];

	snprintf(path, sizeof path, "%s", dir);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0777) != 0 && errno != EEXIST)
			die("cannot create %s: %s", path, strerror(errno));
		*p = '/';
	}
	if (mkdir(path, 0777) != 0 && errno != EEXIST)
		die("cannot create %s: %s", dir, strerror(errno));
}

static void gen_pack(struct pack *pk, const char *dir, int strict)
{
	make_dir(dir);
	write_manifest(pk, dir);
	write_capacity(pk, dir);
	write_impedance(pk, dir);
	if (pk->with_pulse)
		write_pulse(pk, dir);
	write_history(pk, dir);
	for (int i = 0; i < pk->nmod; i++)
		finish_module(&pk->mod[i], pk, strict);
	write_truth(pk, dir);
}

static void usage_exit(int status)
{
	fputs("usage: genpack [--seed N] [--kind nmc|lfp|abuse] [--modules N]"
	      " [--history-rows N] [--many N] --out DIR\n",
	      status ? stderr : stdout);
	exit(status);
}

static long num_arg(const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < lo || v > hi)
		die("bad number '%s' (%ld..%ld)", s, lo, hi);
	return v;
}

/* The pack id is the last component of the output directory. */
static void pack_id_from_dir(char *id, size_t len, const char *dir)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	size_t b = n;
	while (b > 0 && dir[b - 1] != '/')
		b--;
	snprintf(id, len, "%.*s", (int)(n - b), dir + b);
}

static struct pack *new_pack(enum kind kind, const char *kind_name,
			     unsigned long seed)
{
	struct pack *pk = calloc(1, sizeof *pk);

	if (!pk)
		die("out of memory");
	pk->kind = kind;
	pk->kind_name = kind_name;
	pk->seed = seed;
	pk->ncheck = kind == KIND_LFP ? 16 : 14;
	pk->nfreq = 61;
	pk->hist_days = kind == KIND_ABUSE ? 10 : 14;
	pk->with_pulse = 1;
	/* logging strides in minutes, chosen to keep the three samples
	   under 300 KiB together */
	pk->stride_drive = kind == KIND_NMC ? 2 : kind == KIND_LFP ? 6 : 15;
	pk->stride_charge = kind == KIND_ABUSE ? 30 : 10;
	pk->stride_park = kind == KIND_ABUSE ? 180 : 60;
	pk->stride_event = 5;
	return pk;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "kind", required_argument, NULL, 'k' },
		{ "modules", required_argument, NULL, 'm' },
		{ "history-rows", required_argument, NULL, 'r' },
		{ "many", required_argument, NULL, 'n' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned long seed = 1;
	const char *kind_name = "nmc", *out = NULL;
	long nmod = 0, rows = 0, many = 0;
	int c;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 's': seed = (unsigned long)num_arg(optarg, 0, 4294967295L); break;
		case 'k': kind_name = optarg; break;
		case 'm': nmod = num_arg(optarg, 1, MAXMOD); break;
		case 'r': rows = num_arg(optarg, 1, 2000000000L); break;
		case 'n': many = num_arg(optarg, 1, 10000000L); break;
		case 'o': out = optarg; break;
		case 'h': usage_exit(0); break;
		default: usage_exit(64);
		}
	}
	if (!out || optind != argc)
		usage_exit(64);
	enum kind kind = !strcmp(kind_name, "lfp") ? KIND_LFP :
			 !strcmp(kind_name, "abuse") ? KIND_ABUSE : KIND_NMC;
	if (kind == KIND_NMC && strcmp(kind_name, "nmc"))
		die("unknown kind '%s' (nmc, lfp or abuse)", kind_name);
	rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (many > 0) {
		make_dir(out);
		for (long i = 0; i < many; i++) {
			char dir[4096];
			gsl_rng_set(rng, seed + (unsigned long)i);
			struct pack *pk = new_pack(kind, kind_name,
						   seed + (unsigned long)i);
			pk->ncheck = 10;
			pk->nfreq = 31;
			pk->hist_days = 2;
			pk->with_pulse = 0;
			snprintf(pk->id, sizeof pk->id, "many-%06ld", i + 1);
			setup_pack(pk, nmod ? (int)nmod : 8, (int)i);
			snprintf(dir, sizeof dir, "%s/%s", out, pk->id);
			gen_pack(pk, dir, 0);
			free(pk);
		}
	} else {
		gsl_rng_set(rng, seed);
		struct pack *pk = new_pack(kind, kind_name, seed);
		pk->hist_rows = rows;
		pack_id_from_dir(pk->id, sizeof pk->id, out);
		int def = kind == KIND_LFP ? 4 : kind == KIND_ABUSE ? 6 : 8;
		setup_pack(pk, nmod ? (int)nmod : def, -1);
		gen_pack(pk, out, 1);
		free(pk);
	}
	gsl_rng_free(rng);
	return 0;
}
