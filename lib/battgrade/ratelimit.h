/*
 * ratelimit.h - a token bucket per issuer, for the registry server.
 *
 * Each issuer may upload rate_per_s certificates per second on average,
 * with bursts of up to burst.  The classic token bucket (Turner, "New
 * directions in communications", IEEE Commun. Mag. 24(10), 1986):
 * tokens accrue continuously at the rate and are capped at the burst
 * size; a request takes one token or is refused with the time until one
 * is available, which the server sends as Retry-After.  Thread safe.
 */
#ifndef BG_RATELIMIT_H
#define BG_RATELIMIT_H

typedef struct bg_ratelimit bg_ratelimit;

/* A limiter for up to max_keys issuers; *out owned by the caller.
 * rate_per_s <= 0 disables limiting.  Returns 0 or BG_ENOMEM. */
int bg_ratelimit_new(bg_ratelimit **out, double rate_per_s, double burst,
		     unsigned max_keys);
void bg_ratelimit_free(bg_ratelimit *rl);

/*
 * Take one token for key at time now_s (seconds, monotonic).  Returns
 * 1 when allowed; 0 when refused, with *wait_s the seconds until a token
 * is available.
 */
int bg_ratelimit_take(bg_ratelimit *rl, const char *key, double now_s,
		      double *wait_s);

#endif
