/*
 * jcs.c - a strict JSON parser and the RFC 8785 canonical writer.
 *
 * The parser follows RFC 8259 with the I-JSON limits of RFC 7493 that
 * RFC 8785 section 3.1 requires: UTF-8 only, no lone surrogates, no
 * duplicate member names, numbers that fit an IEEE-754 double.  Each
 * node keeps its byte span in the source so that a verifier can tell a
 * canonical body from a re-encoded one.  The writer sorts member names
 * by UTF-16 code units (RFC 8785 section 3.2.3), escapes strings as
 * section 3.2.2.2 prescribes and prints numbers with ECMAScript's
 * Number::toString (section 3.2.2.3).
 */
#include "config.h"

#include <cjson/cJSON.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "battgrade/jcs.h"
#include "i18n.h"

struct member {
	char *name;
	size_t namelen;
	uint16_t *u16;          /* name in UTF-16, for sorting */
	size_t u16len;
	struct bg_json *value;
};

struct bg_json {
	bg_json_type type;
	size_t off, len;        /* span in the source */
	double num;
	char numtext[32];       /* a number's source text, when short */
	char *str;              /* NUL-terminated UTF-8 */
	size_t slen;
	struct bg_json **items; /* array elements */
	struct member *members; /* object members, in source order */
	size_t n, cap;
};

/* ---- C locale for strtod and printf, whatever the program set ---- */

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void c_locale_init(void)
{
	c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

static locale_t get_c_locale(void)
{
	pthread_once(&c_locale_once, c_locale_init);
	return c_locale;
}

/* ---- growable output buffer ---- */

struct buf {
	char *p;
	size_t len, cap;
	int oom;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	char *np;
	size_t ncap;

	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		ncap = b->cap ? b->cap : 256;
		while (ncap < b->len + n + 1)
			ncap *= 2;
		np = realloc(b->p, ncap);
		if (!np) {
			b->oom = 1;
			return;
		}
		b->p = np;
		b->cap = ncap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void buf_addc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

/* ---- numbers: ECMA-262 Number::toString ---- */

/* Does v printed with p significant digits read back as v? */
static int round_trips(char *tmp, size_t n, double v, int p, locale_t c)
{
	char *end;

	snprintf(tmp, n, "%.*e", p - 1, v);
	return strtod_l(tmp, &end, c) == v;
}

/*
 * Significant digits of a number's text (JSON or printf %e form, sign
 * ignored), without leading and trailing zeros, and n with value =
 * 0.d1..dk * 10^n.  Returns k, or 0 for zero, more than 17 digits or
 * an absurd exponent.
 */
static int text_digits(const char *t, char d[20], int *n)
{
	int k = 0, intlen = 0, point = 0, lead = 0;
	long e = 0;

	if (*t == '-')
		t++;
	for (; (*t >= '0' && *t <= '9') || *t == '.'; t++) {
		if (*t == '.') {
			point = 1;
			continue;
		}
		if (!point)
			intlen++;
		if (k == 0 && *t == '0') {
			lead++;
			continue;
		}
		if (k == 17)
			return 0;
		d[k++] = *t;
	}
	if (*t == 'e' || *t == 'E')
		e = strtol(t + 1, NULL, 10);
	while (k > 0 && d[k - 1] == '0')
		k--;
	d[k] = '\0';
	if (k == 0 || e > 400 || e < -400)
		return 0;
	*n = intlen + (int)e - lead;
	return k;
}

/*
 * Shortest digits that read back to v (v > 0, finite), as correctly
 * rounded by printf, which is the digit string ECMA-262 asks for among
 * those of that length.  The p-digit rounding is never farther from v
 * than the (p-1)-digit one, and v's rounding interval is symmetric
 * unless v is a power of two, so "reads back" is monotonic in p there
 * and a binary search over 5..17 finds the shortest; short numbers
 * (1 to 4 digits, most measured values) and powers of two are
 * searched one length at a time.  Returns the number of digits k;
 * *exp10 gets n with v = 0.d1..dk * 10^n.
 */
/*
 * When the number came from text with k digits (the hint), that text is
 * the answer if printf's k-digit rounding of v has the same digits and
 * k - 1 digits do not read back (monotonic, as above): two conversions
 * instead of a search, the common case when checking canonical input.
 */
static int hinted(double v, const char *hint, char d[20], int *n,
		  locale_t c)
{
	char tmp[40], rd[20];
	int k, rn;

	k = hint ? text_digits(hint, d, n) : 0;
	if (k == 0)
		return 0;
	snprintf(tmp, sizeof(tmp), "%.*e", k - 1, v);
	if (text_digits(tmp, rd, &rn) == 0 || rn != *n || strcmp(rd, d) != 0)
		return 0;
	if (k > 1 && round_trips(tmp, sizeof(tmp), v, k - 1, c))
		return 0;
	return k;
}

static int shortest_digits(double v, const char *hint, char digits[20],
			   int *exp10)
{
	char tmp[40], *e;
	locale_t old, c = get_c_locale();
	int p, lo, hi, mid, k = 0, i, pow2;
	uint64_t bits;

	memcpy(&bits, &v, sizeof(bits));
	pow2 = (bits & 0xFFFFFFFFFFFFFull) == 0;
	old = uselocale(c);
	if (!pow2 && (k = hinted(v, hint, digits, exp10, c)) > 0) {
		uselocale(old);
		return k;
	}
	for (p = 1; p <= 4 && !round_trips(tmp, sizeof(tmp), v, p, c); p++)
		;
	if (p > 4) {
		for (lo = 5, hi = 17; lo < hi && !pow2;) {
			mid = (lo + hi) / 2;
			if (round_trips(tmp, sizeof(tmp), v, mid, c))
				hi = mid;
			else
				lo = mid + 1;
		}
		/* confirms lo (formatting tmp), or walks up for powers of 2 */
		for (p = lo; p < 17 && !round_trips(tmp, sizeof(tmp), v, p, c);
		     p++)
			;
		if (p == 17)    /* 17 digits always read back */
			round_trips(tmp, sizeof(tmp), v, 17, c);
	}
	uselocale(old);
	e = strchr(tmp, 'e');
	for (i = 0; &tmp[i] < e; i++)
		if (tmp[i] >= '0' && tmp[i] <= '9')
			digits[k++] = tmp[i];
	while (k > 1 && digits[k - 1] == '0')
		k--;
	digits[k] = '\0';
	*exp10 = (int)strtol(e + 1, NULL, 10) + 1;
	return k;
}

static int number_text(char *buf, size_t len, double v, const char *hint)
{
	char d[20], out[40];
	int k, n, pos = 0, i;

	if (!isfinite(v) || len < 32)
		return BG_EINVAL;
	if (v == 0) {
		snprintf(buf, len, "0");
		return 1;
	}
	if (v < 0) {
		out[pos++] = '-';
		v = -v;
	}
	if (v < 9007199254740992.0 && v == floor(v)) {
		/* integers below 2^53 print exactly as their digits, which is
		 * what Number::toString gives: a fast path for counts */
		snprintf(out + pos, sizeof(out) - (size_t)pos, "%lld",
			 (long long)v);
		pos += (int)strlen(out + pos);
		memcpy(buf, out, (size_t)pos + 1);
		return pos;
	}
	k = shortest_digits(v, hint, d, &n);
	if (k <= n && n <= 21) {
		/* integer: the digits, then n - k zeros */
		for (i = 0; i < k; i++)
			out[pos++] = d[i];
		for (i = k; i < n; i++)
			out[pos++] = '0';
	} else if (0 < n && n <= 21) {
		for (i = 0; i < n; i++)
			out[pos++] = d[i];
		out[pos++] = '.';
		for (i = n; i < k; i++)
			out[pos++] = d[i];
	} else if (-6 < n && n <= 0) {
		out[pos++] = '0';
		out[pos++] = '.';
		for (i = 0; i < -n; i++)
			out[pos++] = '0';
		for (i = 0; i < k; i++)
			out[pos++] = d[i];
	} else {
		out[pos++] = d[0];
		if (k > 1) {
			out[pos++] = '.';
			for (i = 1; i < k; i++)
				out[pos++] = d[i];
		}
		pos += snprintf(out + pos, sizeof(out) - (size_t)pos,
				"e%c%d", n - 1 < 0 ? '-' : '+', abs(n - 1));
	}
	out[pos] = '\0';
	memcpy(buf, out, (size_t)pos + 1);
	return pos;
}

int bg_jcs_number(char *buf, size_t len, double v)
{
	return number_text(buf, len, v, NULL);
}

/* ---- parser ---- */

struct parser {
	const char *s;
	size_t len, pos;
	const char *name;
	bg_error *err;
	int depth;
};

static int perr(struct parser *p, size_t at, const char *what)
{
	unsigned long line = 1, col = 1;
	size_t i;

	for (i = 0; i < at && i < p->len; i++) {
		if (p->s[i] == '\n') {
			line++;
			col = 1;
		} else if (((unsigned char)p->s[i] & 0xC0) != 0x80) {
			col++;
		}
	}
	return bg_error_set(p->err, BG_EDATA, p->name, line, col, "%s", what);
}

static int oom(struct parser *p)
{
	return bg_error_set(p->err, BG_ENOMEM, p->name, 0, 0,
			    _("out of memory"));
}

static void skip_ws(struct parser *p)
{
	while (p->pos < p->len && (p->s[p->pos] == ' ' ||
	       p->s[p->pos] == '\t' || p->s[p->pos] == '\n' ||
	       p->s[p->pos] == '\r'))
		p->pos++;
}

static int parse_value(struct parser *p, struct bg_json **out);

static int hex4(const char *s, unsigned *out)
{
	unsigned v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static void put_utf8(struct buf *b, unsigned cp)
{
	char u[4];

	if (cp < 0x80) {
		u[0] = (char)cp;
		buf_add(b, u, 1);
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		buf_add(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		buf_add(b, u, 3);
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		buf_add(b, u, 4);
	}
}

/*
 * Decode one UTF-8 sequence at s (n bytes left), rejecting overlong
 * forms, surrogates and code points above U+10FFFF (RFC 3629).
 * Returns its length, or 0 when invalid.
 */
static size_t utf8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
	size_t len, i;
	unsigned c = s[0], min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xE0) == 0xC0) {
		len = 2, c &= 0x1F, min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		len = 3, c &= 0x0F, min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		len = 4, c &= 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

/* An escape after the backslash at p->pos; appends its UTF-8. */
static int parse_escape(struct parser *p, struct buf *b)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *hit;
	unsigned cp, lo;
	size_t at = p->pos - 1;
	char c;

	if (p->pos >= p->len)
		return perr(p, at, _("unterminated string"));
	c = p->s[p->pos++];
	if (c != 'u') {
		hit = c ? strchr(from, c) : NULL;
		if (!hit)
			return perr(p, at, _("invalid escape in string"));
		buf_addc(b, to[hit - from]);
		return 0;
	}
	if (p->pos + 4 > p->len || hex4(p->s + p->pos, &cp) < 0)
		return perr(p, at, _("invalid \\u escape in string"));
	p->pos += 4;
	if (cp >= 0xDC00 && cp <= 0xDFFF)
		return perr(p, at, _("lone low surrogate in string"));
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		if (p->pos + 6 > p->len || p->s[p->pos] != '\\' ||
		    p->s[p->pos + 1] != 'u' ||
		    hex4(p->s + p->pos + 2, &lo) < 0 ||
		    lo < 0xDC00 || lo > 0xDFFF)
			return perr(p, at, _("lone high surrogate in string"));
		p->pos += 6;
		cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
	}
	put_utf8(b, cp);
	return 0;
}

/* A string starting at the quote at p->pos; *out is heap UTF-8. */
static int parse_string(struct parser *p, char **out, size_t *outlen)
{
	struct buf b = { 0 };
	size_t start = p->pos, n;
	unsigned cp;
	int rc = 0;

	p->pos++;
	buf_add(&b, "", 0);
	while (rc == 0) {
		unsigned char c;

		if (p->pos >= p->len) {
			rc = perr(p, start, _("unterminated string"));
			break;
		}
		c = (unsigned char)p->s[p->pos];
		if (c == '"') {
			p->pos++;
			break;
		} else if (c == '\\') {
			p->pos++;
			rc = parse_escape(p, &b);
		} else if (c < 0x20) {
			rc = perr(p, p->pos,
				  _("control character in string"));
		} else {
			n = utf8_decode((const unsigned char *)p->s + p->pos,
					p->len - p->pos, &cp);
			if (!n)
				rc = perr(p, p->pos, _("invalid UTF-8"));
			buf_add(&b, p->s + p->pos, n);
			p->pos += n;
		}
	}
	if (rc == 0 && b.oom)
		rc = oom(p);
	if (rc < 0) {
		free(b.p);
		return rc;
	}
	*out = b.p;
	*outlen = b.len;
	return 0;
}

static size_t digits(struct parser *p)
{
	size_t n = 0;

	while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
		p->pos++, n++;
	return n;
}

/* RFC 8259 section 6 number grammar, then strtod in the C locale. */
static int parse_number(struct parser *p, double *out, char hint[32])
{
	size_t start = p->pos;
	char tmp[512], *end, *heap = NULL, *text = tmp;
	int rc = 0;

	if (p->s[p->pos] == '-')
		p->pos++;
	if (p->pos < p->len && p->s[p->pos] == '0')
		p->pos++;
	else if (!digits(p))
		return perr(p, start, _("invalid number"));
	if (p->pos < p->len && p->s[p->pos] == '.') {
		p->pos++;
		if (!digits(p))
			return perr(p, start, _("invalid number"));
	}
	if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
		p->pos++;
		if (p->pos < p->len &&
		    (p->s[p->pos] == '+' || p->s[p->pos] == '-'))
			p->pos++;
		if (!digits(p))
			return perr(p, start, _("invalid number"));
	}
	if (p->pos - start >= sizeof(tmp)) {
		heap = malloc(p->pos - start + 1);
		if (!heap)
			return oom(p);
		text = heap;
	}
	memcpy(text, p->s + start, p->pos - start);
	text[p->pos - start] = '\0';
	if (p->pos - start < 32)
		memcpy(hint, text, p->pos - start + 1);
	*out = strtod_l(text, &end, get_c_locale());
	if (!isfinite(*out))
		rc = perr(p, start, _("number out of range of a double"));
	free(heap);
	return rc;
}

static int literal(struct parser *p, const char *word, bg_json_type t,
		   struct bg_json *v)
{
	size_t n = strlen(word);

	if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
		return perr(p, p->pos, _("invalid value"));
	p->pos += n;
	v->type = t;
	return 0;
}

static int grow(struct bg_json *v, size_t elsize)
{
	void *np;
	size_t ncap = v->cap ? v->cap * 2 : 4;
	void *old = v->type == BG_JSON_ARRAY ? (void *)v->items
					     : (void *)v->members;

	np = realloc(old, ncap * elsize);
	if (!np)
		return -1;
	if (v->type == BG_JSON_ARRAY)
		v->items = np;
	else
		v->members = np;
	v->cap = ncap;
	return 0;
}

static int parse_array(struct parser *p, struct bg_json *v)
{
	int rc;

	v->type = BG_JSON_ARRAY;
	p->pos++;
	skip_ws(p);
	if (p->pos < p->len && p->s[p->pos] == ']') {
		p->pos++;
		return 0;
	}
	for (;;) {
		if (v->n == v->cap && grow(v, sizeof(*v->items)) < 0)
			return oom(p);
		rc = parse_value(p, &v->items[v->n]);
		if (v->items[v->n])
			v->n++;         /* owned by v even when incomplete */
		if (rc < 0)
			return rc;
		skip_ws(p);
		if (p->pos < p->len && p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->pos < p->len && p->s[p->pos] == ']') {
			p->pos++;
			return 0;
		}
		return perr(p, p->pos, _("expected ',' or ']' in array"));
	}
}

static int to_utf16(struct member *m)
{
	size_t i = 0, n = 0, k;
	unsigned cp;

	m->u16 = malloc((m->namelen + 1) * sizeof(*m->u16));
	if (!m->u16)
		return -1;
	while (i < m->namelen) {
		k = utf8_decode((const unsigned char *)m->name + i,
				m->namelen - i, &cp);
		if (!k)
			return -2;
		i += k;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			m->u16[n++] = (uint16_t)(0xD800 + (cp >> 10));
			m->u16[n++] = (uint16_t)(0xDC00 + (cp & 0x3FF));
		} else {
			m->u16[n++] = (uint16_t)cp;
		}
	}
	m->u16len = n;
	return 0;
}

static int has_member(const struct bg_json *v, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (v->members[i].namelen == len &&
		    memcmp(v->members[i].name, name, len) == 0)
			return 1;
	return 0;
}

static int parse_member(struct parser *p, struct bg_json *v)
{
	struct member *m;
	size_t at;
	int rc;

	skip_ws(p);
	at = p->pos;
	if (p->pos >= p->len || p->s[p->pos] != '"')
		return perr(p, p->pos, _("expected a member name"));
	if (v->n == v->cap && grow(v, sizeof(*v->members)) < 0)
		return oom(p);
	m = &v->members[v->n];
	memset(m, 0, sizeof(*m));
	rc = parse_string(p, &m->name, &m->namelen);
	if (rc < 0)
		return rc;
	if (has_member(v, m->name, m->namelen)) {
		free(m->name);
		return perr(p, at, _("duplicate member name"));
	}
	v->n++;
	if (to_utf16(m) < 0)
		return oom(p);
	skip_ws(p);
	if (p->pos >= p->len || p->s[p->pos] != ':')
		return perr(p, p->pos, _("expected ':' after member name"));
	p->pos++;
	return parse_value(p, &m->value);
}

static int parse_object(struct parser *p, struct bg_json *v)
{
	int rc;

	v->type = BG_JSON_OBJECT;
	p->pos++;
	skip_ws(p);
	if (p->pos < p->len && p->s[p->pos] == '}') {
		p->pos++;
		return 0;
	}
	for (;;) {
		rc = parse_member(p, v);
		if (rc < 0)
			return rc;
		skip_ws(p);
		if (p->pos < p->len && p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->pos < p->len && p->s[p->pos] == '}') {
			p->pos++;
			return 0;
		}
		return perr(p, p->pos, _("expected ',' or '}' in object"));
	}
}

static int parse_any(struct parser *p, struct bg_json *v)
{
	char c = p->s[p->pos];

	switch (c) {
	case '{':
		return parse_object(p, v);
	case '[':
		return parse_array(p, v);
	case '"':
		v->type = BG_JSON_STRING;
		return parse_string(p, &v->str, &v->slen);
	case 't':
		return literal(p, "true", BG_JSON_TRUE, v);
	case 'f':
		return literal(p, "false", BG_JSON_FALSE, v);
	case 'n':
		return literal(p, "null", BG_JSON_NULL, v);
	default:
		if (c == '-' || (c >= '0' && c <= '9')) {
			v->type = BG_JSON_NUMBER;
			return parse_number(p, &v->num, v->numtext);
		}
		return perr(p, p->pos, _("invalid value"));
	}
}

static int parse_value(struct parser *p, struct bg_json **out)
{
	struct bg_json *v;
	int rc;

	*out = NULL;
	skip_ws(p);
	if (p->pos >= p->len)
		return perr(p, p->pos, _("unexpected end of input"));
	if (p->depth >= BG_JSON_MAX_DEPTH)
		return perr(p, p->pos, _("nesting too deep"));
	v = calloc(1, sizeof(*v));
	if (!v)
		return oom(p);
	*out = v;
	v->type = BG_JSON_NULL;
	v->off = p->pos;
	p->depth++;
	rc = parse_any(p, v);
	p->depth--;
	v->len = p->pos - v->off;
	return rc;
}

int bg_json_parse(bg_json **out, const char *src, size_t len,
		  const char *name, bg_error *err)
{
	struct parser p = { src, len, 0, name, err, 0 };
	bg_json *v = NULL;
	int rc;

	*out = NULL;
	rc = parse_value(&p, &v);
	if (rc == 0) {
		skip_ws(&p);
		if (p.pos < p.len)
			rc = perr(&p, p.pos, _("trailing data after JSON"));
	}
	if (rc < 0) {
		bg_json_free(v);
		return rc;
	}
	*out = v;
	return 0;
}

void bg_json_free(bg_json *v)
{
	size_t i;

	if (!v)
		return;
	if (v->type == BG_JSON_ARRAY)
		for (i = 0; i < v->n; i++)
			bg_json_free(v->items[i]);
	if (v->type == BG_JSON_OBJECT)
		for (i = 0; i < v->n; i++) {
			free(v->members[i].name);
			free(v->members[i].u16);
			bg_json_free(v->members[i].value);
		}
	free(v->items);
	free(v->members);
	free(v->str);
	free(v);
}

bg_json_type bg_json_typeof(const bg_json *v)
{
	return v->type;
}

const bg_json *bg_json_member(const bg_json *v, const char *name)
{
	size_t i, len = strlen(name);

	if (!v || v->type != BG_JSON_OBJECT)
		return NULL;
	for (i = 0; i < v->n; i++)
		if (v->members[i].namelen == len &&
		    memcmp(v->members[i].name, name, len) == 0)
			return v->members[i].value;
	return NULL;
}

const bg_json *bg_json_item(const bg_json *v, size_t i)
{
	if (!v || v->type != BG_JSON_ARRAY || i >= v->n)
		return NULL;
	return v->items[i];
}

size_t bg_json_count(const bg_json *v)
{
	return v && (v->type == BG_JSON_ARRAY || v->type == BG_JSON_OBJECT)
	       ? v->n : 0;
}

double bg_json_number(const bg_json *v)
{
	return v && v->type == BG_JSON_NUMBER ? v->num : 0;
}

const char *bg_json_string(const bg_json *v, size_t *len)
{
	if (!v || v->type != BG_JSON_STRING)
		return NULL;
	if (len)
		*len = v->slen;
	return v->str;
}

void bg_json_span(const bg_json *v, size_t *offset, size_t *len)
{
	*offset = v->off;
	*len = v->len;
}

/* ---- canonical writer ---- */

/* RFC 8785 section 3.2.2.2: the short escapes, \u00xx for other
 * controls, everything else as is. */
static void write_string(struct buf *b, const char *s, size_t n)
{
	static const char hexd[] = "0123456789abcdef";
	char u[6] = { '\\', 'u', '0', '0', 0, 0 };
	size_t i;

	buf_addc(b, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"': buf_add(b, "\\\"", 2); break;
		case '\\': buf_add(b, "\\\\", 2); break;
		case '\b': buf_add(b, "\\b", 2); break;
		case '\f': buf_add(b, "\\f", 2); break;
		case '\n': buf_add(b, "\\n", 2); break;
		case '\r': buf_add(b, "\\r", 2); break;
		case '\t': buf_add(b, "\\t", 2); break;
		default:
			if (c < 0x20) {
				u[4] = hexd[c >> 4];
				u[5] = hexd[c & 15];
				buf_add(b, u, 6);
			} else {
				buf_addc(b, (char)c);
			}
		}
	}
	buf_addc(b, '"');
}

static int cmp_u16(const void *a, const void *b)
{
	const struct member *x = *(const struct member *const *)a;
	const struct member *y = *(const struct member *const *)b;
	size_t i, n = x->u16len < y->u16len ? x->u16len : y->u16len;

	for (i = 0; i < n; i++)
		if (x->u16[i] != y->u16[i])
			return x->u16[i] < y->u16[i] ? -1 : 1;
	return x->u16len < y->u16len ? -1 : x->u16len > y->u16len;
}

static void write_value(struct buf *b, const struct bg_json *v);

static void write_object(struct buf *b, const struct bg_json *v)
{
	const struct member **order;
	size_t i;

	order = malloc((v->n ? v->n : 1) * sizeof(*order));
	if (!order) {
		b->oom = 1;
		return;
	}
	for (i = 0; i < v->n; i++)
		order[i] = &v->members[i];
	qsort(order, v->n, sizeof(*order), cmp_u16);
	buf_addc(b, '{');
	for (i = 0; i < v->n; i++) {
		if (i)
			buf_addc(b, ',');
		write_string(b, order[i]->name, order[i]->namelen);
		buf_addc(b, ':');
		write_value(b, order[i]->value);
	}
	buf_addc(b, '}');
	free(order);
}

static void write_value(struct buf *b, const struct bg_json *v)
{
	char num[32];
	size_t i;
	int n;

	switch (v->type) {
	case BG_JSON_NULL: buf_add(b, "null", 4); break;
	case BG_JSON_TRUE: buf_add(b, "true", 4); break;
	case BG_JSON_FALSE: buf_add(b, "false", 5); break;
	case BG_JSON_NUMBER:
		n = number_text(num, sizeof(num), v->num,
				v->numtext[0] ? v->numtext : NULL);
		if (n > 0)
			buf_add(b, num, (size_t)n);
		break;
	case BG_JSON_STRING: write_string(b, v->str, v->slen); break;
	case BG_JSON_ARRAY:
		buf_addc(b, '[');
		for (i = 0; i < v->n; i++) {
			if (i)
				buf_addc(b, ',');
			write_value(b, v->items[i]);
		}
		buf_addc(b, ']');
		break;
	case BG_JSON_OBJECT: write_object(b, v); break;
	}
}

int bg_jcs_write(char **out, size_t *outlen, const bg_json *v,
		 bg_error *err)
{
	struct buf b = { 0 };

	*out = NULL;
	write_value(&b, v);
	if (b.oom || !b.p) {
		free(b.p);
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
				    _("out of memory"));
	}
	*out = b.p;
	if (outlen)
		*outlen = b.len;
	return 0;
}

int bg_jcs_canonicalize(char **out, size_t *outlen, const char *src,
			size_t len, const char *name, bg_error *err)
{
	bg_json *v;
	int rc;

	*out = NULL;
	rc = bg_json_parse(&v, src, len, name, err);
	if (rc < 0)
		return rc;
	rc = bg_jcs_write(out, outlen, v, err);
	bg_json_free(v);
	return rc;
}

static int all_finite(const cJSON *v)
{
	const cJSON *c;

	if (cJSON_IsNumber(v) && !isfinite(v->valuedouble))
		return 0;
	for (c = v->child; c; c = c->next)
		if (!all_finite(c))
			return 0;
	return 1;
}

int bg_jcs_from_cjson(char **out, size_t *outlen, const cJSON *v,
		      bg_error *err)
{
	char *text;
	int rc;

	*out = NULL;
	if (!all_finite(v))
		return bg_error_set(err, BG_EINVAL, NULL, 0, 0,
				    _("JSON cannot hold NaN or infinity"));
	/* cJSON prints doubles with up to 17 digits, so the value reads
	 * back exactly; the strict parser then gives the canonical form. */
	text = cJSON_PrintUnformatted(v);
	if (!text)
		return bg_error_set(err, BG_ENOMEM, NULL, 0, 0,
				    _("out of memory"));
	rc = bg_jcs_canonicalize(out, outlen, text, strlen(text), NULL, err);
	cJSON_free(text);
	if (rc == BG_EDATA) {
		/* the tree came from our own code: a caller bug */
		if (err)
			err->code = BG_EINVAL;
		rc = BG_EINVAL;
	}
	return rc;
}
