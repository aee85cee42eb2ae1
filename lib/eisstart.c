/*
 * eisstart.c - starting values for equivalent-circuit fits read off the
 * spectrum, so that no user guess is needed.
 *
 * A Nyquist plot of a battery shows an inductive high-frequency branch,
 * the ohmic intercept where Im Z crosses zero, one or more depressed
 * arcs and a low-frequency diffusion tail (Barsoukov & Macdonald,
 * Impedance Spectroscopy, 2nd ed., ch. 4).  An RC arc of resistance R
 * peaks at -Im Z = R/2 at w = 1/(RC), so the apex frequencies and
 * heights of -Im Z give each parallel group its R and C (or CPE Q with
 * Q = 1/(R w^a)); a semi-infinite Warburg has -Im Z = Aw/sqrt(w).
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "eisstart-int.h"

/* -Im Z averaged over five points against noise */
static double smooth_mim(const struct eis_pt *p, size_t n, size_t i)
{
	double s = 0;
	size_t j, lo = i >= 2 ? i - 2 : 0, hi = i + 2 < n ? i + 2 : n - 1;

	for (j = lo; j <= hi; j++)
		s -= p[j].zi;
	return s / (double)(hi - lo + 1);
}

/* First capacitive point and the intercept interpolated before it. */
static size_t hf_intercept(struct eis_features *ft, const struct eis_pt *p,
			   size_t n)
{
	size_t i = 0;

	while (i < n && p[i].zi > 0)
		i++;
	if (i == n)
		i = n - 1;
	if (i > 0 && p[i].zi != p[i - 1].zi) {
		double t = p[i - 1].zi / (p[i - 1].zi - p[i].zi);

		ft->r_hf = p[i - 1].zr + t * (p[i].zr - p[i - 1].zr);
		ft->l_h = p[0].zi / p[0].w;
	} else {
		ft->r_hf = p[i].zr;
		ft->l_h = 1e-3 * fabs(p[i].zr) / p[0].w;
	}
	if (!(ft->r_hf > 0))
		ft->r_hf = fabs(p[i].zr) > 0 ? fabs(p[i].zr) : 1e-3;
	if (!(ft->l_h > 0))
		ft->l_h = 1e-3 * ft->r_hf / p[0].w;
	return i;
}

/* The low-frequency end of the arcs: where -Im Z starts rising again
 * towards low frequency (the diffusion tail), else the last point. */
static size_t valley(const struct eis_pt *p, size_t n, size_t ic)
{
	size_t j = n - 1;

	double top = 0;
	size_t i;

	while (j > ic + 1 && smooth_mim(p, n, j - 1) < smooth_mim(p, n, j))
		j--;
	/* a real valley: arcs clearly above it and a tail clearly rising
	 * from it, not a noise dip */
	for (i = ic; i < j; i++)
		top = fmax(top, smooth_mim(p, n, i));
	if (j <= ic + 2 || top < 1.25 * smooth_mim(p, n, j) ||
	    smooth_mim(p, n, n - 1) < 1.25 * smooth_mim(p, n, j))
		return ic;
	return j;
}

/* -dRe Z/d ln w at point i (central difference): an RC arc adds a
 * peak of height R/2 at w = 1/(RC) (the real part's relaxation), which
 * stays visible when a diffusion tail hides the apex of -Im Z. */
static double relax(const struct eis_pt *p, size_t n, size_t i)
{
	size_t a = i > 0 ? i - 1 : i, b = i + 1 < n ? i + 1 : i;
	double d = p[a].cp.lw - p[b].cp.lw;

	return d > 0 ? (p[b].zr - p[a].zr) / d : 0;
}

/*
 * Smoothed over five points (noise makes spurious local maxima), less
 * the background of a Warburg tail, -dRe/dln w = Aw/(2 sqrt(w)), which
 * rises towards low frequency and would bury the slowest arc.
 */
static double relax_s(const struct eis_pt *p, size_t n, size_t i, double aw)
{
	double s = 0;
	size_t j, lo = i >= 2 ? i - 2 : 0, hi = i + 2 < n ? i + 2 : n - 1;

	for (j = lo; j <= hi; j++)
		s += relax(p, n, j);
	return s / (double)(hi - lo + 1) - aw / (2 * sqrt(p[i].w));
}

/*
 * Up to K peaks of the relaxation curve between ic and iv, highest
 * first, at least a decade apart (closer arcs cannot be told apart at
 * the start anyway); returns how many were found.
 */
static size_t find_peaks(const struct eis_pt *p, size_t n, size_t ic,
			 size_t iv, size_t K, size_t *pk, double aw)
{
	size_t cand[256], nc = 0, np = 0, i, j, best;

	for (i = ic + 1; i + 1 <= iv && nc < 256; i++) {
		double m = relax_s(p, n, i, aw);

		if (m > 0 && m >= relax_s(p, n, i - 1, aw) &&
		    m > relax_s(p, n, i + 1, aw))
			cand[nc++] = i;
	}
	while (np < K) {
		double hb = 0;

		best = nc;
		for (i = 0; i < nc; i++) {
			int ok = 1;

			for (j = 0; j < np; j++)
				if (fabs(log(p[cand[i]].w / p[pk[j]].w)) <
				    log(10.0))
					ok = 0;
			if (ok && relax_s(p, n, cand[i], aw) > hb) {
				hb = relax_s(p, n, cand[i], aw);
				best = i;
			}
		}
		if (best == nc)
			break;
		pk[np++] = cand[best];
	}
	/* order by decreasing frequency, i.e. increasing index */
	for (i = 1; i < np; i++)
		for (j = i; j > 0 && pk[j - 1] > pk[j]; j--) {
			best = pk[j];
			pk[j] = pk[j - 1];
			pk[j - 1] = best;
		}
	return np;
}

/* Arc k of K at log-spaced slot k between the log-frequencies lo, hi. */
static size_t slot_index(const struct eis_pt *p, size_t ic, size_t iv,
			 double lo, double hi, size_t k, size_t K)
{
	double w = exp(lo + (k + 0.5) / K * (hi - lo));
	size_t i;

	for (i = ic; i + 1 <= iv && p[i + 1].w >= w; i++)
		;
	return i;
}

/*
 * Place the arcs: log-spaced slots over the arc region ("blind"), then
 * with peaks of the relaxation curve moved to them (each to its
 * nearest slot); widths in proportion to the curve's height.
 */
static void place_arcs(struct eis_features *ft, const struct eis_pt *p,
		       size_t n, size_t ic, size_t iv)
{
	double aw = ft->tail_aw;
	size_t pk[EIS_MAX_ARCS], np, i, k, K = ft->narcs, idx[EIS_MAX_ARCS];
	double h[EIS_MAX_ARCS], hsum = 0, lo = log(p[ic].w), hi = log(p[iv].w);
	double hmax = 0;

	for (k = 0; k < K; k++)
		idx[k] = slot_index(p, ic, iv, lo, hi, k, K);
	for (k = 0; k < K; k++) {
		ft->blind_w[k] = p[idx[k]].w;
		ft->blind_r[k] = ft->r_arcs / K;
	}
	for (i = ic; i <= iv; i++)
		hmax = fmax(hmax, relax_s(p, n, i, aw));
	np = find_peaks(p, n, ic, iv, K, pk, aw);
	for (i = k = 0; i < np; i++)       /* drop noise bumps */
		if (relax_s(p, n, pk[i], aw) >= 0.15 * hmax)
			pk[k++] = pk[i];
	np = k;
	if (np == K) {
		/* as many peaks as arcs: in order of frequency */
		memcpy(idx, pk, K * sizeof *idx);
	} else {
		/* fewer: each peak takes the nearest free slot */
		int taken[EIS_MAX_ARCS] = { 0 };

		for (i = 0; i < np; i++) {
			size_t best = K;

			for (k = 0; k < K; k++)
				if (!taken[k] &&
				    (best == K ||
				     fabs(log(p[idx[k]].w / p[pk[i]].w)) <
				     fabs(log(p[idx[best]].w / p[pk[i]].w))))
					best = k;
			idx[best] = pk[i];
			taken[best] = 1;
		}
	}
	for (k = 0; k < K; k++) {
		ft->arc_w[k] = p[idx[k]].w;
		h[k] = relax_s(p, n, idx[k], aw);
		h[k] = h[k] > 0 ? h[k] : 1e-3 * ft->r_hf;
		hsum += h[k];
	}
	for (k = 0; k < K; k++)
		ft->arc_r[k] = ft->r_arcs * h[k] / hsum;
}

/*
 * Subtract the inductance seen at the highest frequencies: cable and
 * cell inductance hide the fastest arc above the zero crossing of
 * Im Z, and Z - jwL shows it.
 */
static const struct eis_pt *deinduct(const struct eis_pt *p, size_t n,
				     struct eis_pt *tmp, double *l)
{
	size_t i;

	*l = 0;
	for (i = 0; i < 2 && i < n; i++)
		*l = fmax(*l, p[i].zi / p[i].w);
	if (!(*l > 0) || !tmp)
		return p;
	for (i = 0; i < n; i++) {
		tmp[i] = p[i];
		tmp[i].zi = p[i].zi - p[i].w * *l;
	}
	return tmp;
}

void eis_features(struct eis_features *ft, const struct eis_pt *p0,
		  size_t n, size_t narcs, struct eis_pt *tmp)
{
	const struct eis_pt *p;
	size_t ic, iv;
	double span, l;

	memset(ft, 0, sizeof *ft);
	p = deinduct(p0, n, tmp, &l);
	ft->narcs = narcs < EIS_MAX_ARCS ? narcs : EIS_MAX_ARCS;
	ft->w_max = p[0].w;
	ft->w_min = p[n - 1].w;
	ic = hf_intercept(ft, p, n);
	if (l > 0)
		ft->l_h = l;
	iv = n > 2 ? valley(p, n, ic) : n - 1;
	ft->tail_im = -p[n - 1].zi > 0 ? -p[n - 1].zi : 0;
	span = p[n - 1].zr - ft->r_hf;
	/* A Warburg tail adds as much to Re as to -Im, so the arcs span
	 * about Re(Z_lf) - R_hf - (-Im Z_lf); when the arcs close at a
	 * clear valley before the tail, at least up to the valley.  The
	 * arcs are sought over the whole capacitive range: a valley may
	 * also lie between two arcs. */
	ft->r_arcs = fmax(span - ft->tail_im, 0.3 * span);
	if (iv > ic + 1)
		ft->r_arcs = fmax(ft->r_arcs, p[iv].zr - ft->r_hf);
	iv = n - 1;
	if (!(ft->r_arcs > 0.02 * ft->r_hf))
		ft->r_arcs = 0.5 * ft->r_hf;
	if (!(ft->tail_im > 0))
		ft->tail_im = 0.05 * ft->r_arcs;
	ft->tail_r = span - ft->r_arcs;
	if (!(ft->tail_r > 0.02 * ft->r_arcs))
		ft->tail_r = 0.1 * ft->r_arcs;
	ft->tail_aw = ft->tail_im * sqrt(ft->w_min);
	if (ft->narcs > 0)
		place_arcs(ft, p, n, ic, iv);
}

/* Multi-start variants: CPE exponent, arc-frequency factors (for the
 * first and the other arcs), reversed arc order, diffusion tau factor. */
static const struct variant {
	double alpha, wf0, wf1;
	int reverse, blind;
	double tauf;
} variants[] = {
	{ 0.85, 1, 1, 0, 0, 1 },    { 0.85, 1, 1, 0, 1, 1 },
	{ 0.7, 1, 1, 0, 0, 10 },    { 0.7, 1, 1, 1, 1, 1 },
	{ 0.95, 3, 0.3, 0, 1, 0.1 }, { 0.75, 0.3, 3, 0, 0, 1 },
	{ 0.6, 1, 1, 1, 0, 10 },    { 0.9, 10, 0.1, 0, 1, 3 },
};

static void start_elem(double *th, const struct circ_elem *e,
		       const struct eis_features *ft, const struct variant *v,
		       int *nser_r)
{
	double *p = th + e->first, r = ft->r_hf, w = ft->w_min, tau;
	size_t a = 0;

	if (e->arc >= 0 && ft->narcs > 0) {
		a = (size_t)e->arc % ft->narcs;
		if (v->reverse)
			a = ft->narcs - 1 - a;
		r = v->blind ? ft->blind_r[a] : ft->arc_r[a];
		w = (v->blind ? ft->blind_w[a] : ft->arc_w[a]) *
		    (a == 0 ? v->wf0 : v->wf1);
	}
	tau = v->tauf / ft->w_min;
	switch (e->type) {
	case EL_R:
		if (e->arc < 0)
			r = (*nser_r)++ ? 0.05 * ft->r_hf : ft->r_hf;
		p[0] = r;
		break;
	case EL_C:
		p[0] = e->arc >= 0 ? 1 / (w * r)
				   : 1 / (ft->w_min * ft->tail_im);
		break;
	case EL_L:
		p[0] = ft->l_h;
		break;
	case EL_CPE:
		p[1] = v->alpha;
		p[0] = e->arc >= 0 && !e->in_branch
			? 1 / (r * pow(w, v->alpha))
			: 1 / (ft->tail_im * pow(ft->w_min, v->alpha));
		break;
	case EL_W:
		p[0] = ft->tail_aw;
		break;
	case EL_WO:
		p[0] = 2 * ft->tail_r;
		p[1] = 2 * tau;
		break;
	default: /* EL_WS */
		p[0] = ft->tail_r;
		p[1] = tau;
		break;
	}
}

void eis_start(double *th, const bg_circuit *c,
	       const struct eis_features *ft, int k)
{
	const struct variant *v = &variants[(size_t)k %
					    (sizeof variants /
					     sizeof variants[0])];
	int nser_r = 0;
	size_t i;

	for (i = 0; i < c->nelems; i++)
		start_elem(th, &c->elems[i], ft, v, &nser_r);
}
