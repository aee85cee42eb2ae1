/*
 * dcir.c - pulse resistance: find the current steps of a pulse test
 * and read |dU/dI| at the edge and at fixed times into each pulse
 * (FreedomCAR Battery Test Manual 2003, HPPC; IEC 61960-3 7.8).
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "battgrade/dcir.h"
#include "i18n.h"

#define REST_FRAC 0.2   /* |I| before a step below 20 % of after it */
#define HOLD_FRAC 0.1   /* current within 10 % of the step */

struct pulse {
	size_t i0, i1;      /* last rest sample, last sample of the pulse */
	double i_rest, u_rest;
};

/* Accumulated sums over pulses of one direction. */
struct acc {
	size_t npulses;
	double sum[BG_DCIR_MAX_TIMES + 4];
	size_t cnt[BG_DCIR_MAX_TIMES + 4];
};

static int check_series(const bg_pulse_series *p, double *imax,
			bg_error *err)
{
	size_t i;

	if (p->n < 2)
		return bg_error_set(err, BG_EDATA, NULL, 0, 0,
				    _("pulse series has fewer than 2 "
				      "samples"));
	*imax = 0;
	for (i = 0; i < p->n; i++) {
		if (!isfinite(p->time_s[i]) || !isfinite(p->current_a[i]) ||
		    !isfinite(p->voltage_v[i]))
			return bg_error_set(err, BG_EDATA, NULL, 0, 0,
					    _("sample %zu is not finite"),
					    i + 1);
		if (i > 0 && p->time_s[i] < p->time_s[i - 1])
			return bg_error_set(err, BG_EDATA, NULL, 0, 0,
					    _("time goes backwards at sample "
					      "%zu"), i + 1);
		*imax = fmax(*imax, fabs(p->current_a[i]));
	}
	if (!(*imax > 0))
		return bg_error_set(err, BG_EDATA, NULL, 0, 0,
				    _("no current flows: no pulse to "
				      "measure"));
	return 0;
}

/* A pulse starting after sample i0; its extent into q.  0 if none. */
static int pulse_at(const bg_pulse_series *p, size_t i0, double imax,
		    struct pulse *q)
{
	double ib = p->current_a[i0], ip = p->current_a[i0 + 1];
	double step = ip - ib;
	size_t j = i0 + 1;

	if (fabs(step) < 0.1 * imax || fabs(ib) > REST_FRAC * fabs(ip))
		return 0;
	while (j + 1 < p->n &&
	       fabs(p->current_a[j + 1] - ip) <= HOLD_FRAC * fabs(step))
		j++;
	q->i0 = i0;
	q->i1 = j;
	q->i_rest = ib;
	q->u_rest = p->voltage_v[i0];
	return 1;
}

/* |dU/dI| at t0 + dt by linear interpolation; NAN beyond the pulse. */
static double r_at(const bg_pulse_series *p, const struct pulse *q,
		   double dt)
{
	double t = p->time_s[q->i0] + dt, a, u, i;
	size_t j = q->i0 + 1;

	if (t > p->time_s[q->i1] + 1e-9 * fabs(t))
		return NAN;
	while (j < q->i1 && p->time_s[j] < t)
		j++;
	if (j == q->i0 + 1 || p->time_s[j] == p->time_s[j - 1]) {
		u = p->voltage_v[j];
		i = p->current_a[j];
	} else {
		a = (t - p->time_s[j - 1]) / (p->time_s[j] - p->time_s[j - 1]);
		a = a < 0 ? 0 : a;
		u = p->voltage_v[j - 1] + a * (p->voltage_v[j] -
					       p->voltage_v[j - 1]);
		i = p->current_a[j - 1] + a * (p->current_a[j] -
					       p->current_a[j - 1]);
	}
	return fabs((u - q->u_rest) / (i - q->i_rest));
}

static void add(struct acc *a, size_t k, double v)
{
	if (isfinite(v)) {
		a->sum[k] += v;
		a->cnt[k]++;
	}
}

static double mean(const struct acc *a, size_t k)
{
	return a->cnt[k] ? a->sum[k] / a->cnt[k] : NAN;
}

static void measure(const bg_pulse_series *p, const struct pulse *q,
		    const bg_dcir_opts *o, struct acc *a)
{
	static const double std_t[3] = { 1, 10, 30 };
	size_t k, e = q->i0 + 1;

	a->npulses++;
	add(a, 0, fabs((p->voltage_v[e] - q->u_rest) /
		       (p->current_a[e] - q->i_rest)));
	for (k = 0; k < 3; k++)
		add(a, 1 + k, r_at(p, q, std_t[k]));
	for (k = 0; k < o->ntimes; k++)
		add(a, 4 + k, r_at(p, q, o->times_s[k]));
}

void bg_dcir_opts_init(bg_dcir_opts *o)
{
	memset(o, 0, sizeof *o);
	o->ntimes = 3;
	o->times_s[0] = 1;
	o->times_s[1] = 10;
	o->times_s[2] = 30;
	o->v_min_v = NAN;
}

/* HPPC discharge power at V_min with the 10 s (or longest) R. */
static double power(const bg_dcir_result *r, double ocv, double vmin)
{
	double rr = isfinite(r->r_10s_discharge_ohm) ? r->r_10s_discharge_ohm
		  : isfinite(r->r_1s_discharge_ohm) ? r->r_1s_discharge_ohm
		  : r->r_ohmic_discharge_ohm;

	if (!isfinite(vmin) || !isfinite(ocv) || !(rr > 0) || ocv <= vmin)
		return NAN;
	return vmin * (ocv - vmin) / rr;
}

static void fill(const struct acc *dis, const struct acc *chg,
		 const bg_dcir_opts *o, bg_dcir_result *out,
		 bg_dcir_detail *d)
{
	size_t k;

	out->r_ohmic_discharge_ohm = mean(dis, 0);
	out->r_1s_discharge_ohm = mean(dis, 1);
	out->r_10s_discharge_ohm = mean(dis, 2);
	out->r_30s_discharge_ohm = mean(dis, 3);
	out->r_ohmic_charge_ohm = mean(chg, 0);
	out->r_1s_charge_ohm = mean(chg, 1);
	out->r_10s_charge_ohm = mean(chg, 2);
	out->r_30s_charge_ohm = mean(chg, 3);
	d->ndischarge = dis->npulses;
	d->ncharge = chg->npulses;
	for (k = 0; k < o->ntimes; k++) {
		d->r_discharge_ohm[k] = mean(dis, 4 + k);
		d->r_charge_ohm[k] = mean(chg, 4 + k);
	}
}

int bg_dcir_compute_ex(const bg_pulse_series *p, const bg_dcir_opts *opts,
		       bg_dcir_result *out, bg_dcir_detail *detail,
		       bg_error *err)
{
	struct acc dis, chg;
	bg_dcir_detail dd;
	struct pulse q;
	double imax = 0, ocv = 0, idis = 0;
	size_t i, k;
	int rc;

	memset(&dis, 0, sizeof dis);
	memset(&chg, 0, sizeof chg);
	memset(&dd, 0, sizeof dd);
	if (opts->ntimes > BG_DCIR_MAX_TIMES)
		return bg_error_set(err, BG_EINVAL, NULL, 0, 0,
				    _("more than %d pulse times"),
				    BG_DCIR_MAX_TIMES);
	for (k = 0; k < opts->ntimes; k++)
		if (!(opts->times_s[k] > 0) || !isfinite(opts->times_s[k]))
			return bg_error_set(err, BG_EINVAL, NULL, 0, 0,
					    _("pulse times must be positive"));
	if ((rc = check_series(p, &imax, err)) < 0)
		return rc;
	for (i = 0; i + 1 < p->n; i++) {
		if (!pulse_at(p, i, imax, &q))
			continue;
		if (p->current_a[i + 1] < q.i_rest) {
			measure(p, &q, opts, &dis);
			ocv += q.u_rest;
			idis += p->current_a[i + 1];
		} else {
			measure(p, &q, opts, &chg);
		}
		i = q.i1 - 1;   /* continue after the pulse */
	}
	if (dis.npulses + chg.npulses == 0)
		return bg_error_set(err, BG_EDATA, NULL, 0, 0,
				    _("no current pulse from rest found"));
	fill(&dis, &chg, opts, out, &dd);
	dd.ocv_v = dis.npulses ? ocv / dis.npulses : NAN;
	dd.i_discharge_a = dis.npulses ? idis / dis.npulses : NAN;
	out->power_capability_w = power(out, dd.ocv_v, opts->v_min_v);
	if (detail)
		*detail = dd;
	return 0;
}

int bg_dcir_compute(const bg_pulse_series *p, bg_dcir_result *out,
		    bg_error *err)
{
	bg_dcir_opts o;

	bg_dcir_opts_init(&o);
	return bg_dcir_compute_ex(p, &o, out, NULL, err);
}
