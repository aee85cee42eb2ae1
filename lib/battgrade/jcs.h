/*
 * jcs.h - strict JSON reading and the RFC 8785 canonical form.
 *
 * A certificate is signed over the JSON Canonicalization Scheme (JCS,
 * RFC 8785) form of its body, so two programs that agree on the data
 * agree on the bytes.  JCS needs what general JSON libraries do not
 * give: numbers serialised exactly as ECMAScript's
 * Number.prototype.toString (ECMA-262 Number::toString, shortest
 * round-trip digits), object members sorted by their UTF-16 code units,
 * and the I-JSON restrictions of RFC 7493 (valid UTF-8, no lone
 * surrogates, no duplicate member names, finite numbers).  This module
 * has its own small parser for that, which also remembers where every
 * value sits in its source, so a verifier can compare the bytes it
 * received with their canonical form.
 */
#ifndef BG_JCS_H
#define BG_JCS_H

#include <stddef.h>

#include "battgrade/error.h"

struct cJSON;

typedef enum bg_json_type {
	BG_JSON_NULL,
	BG_JSON_FALSE,
	BG_JSON_TRUE,
	BG_JSON_NUMBER,
	BG_JSON_STRING,
	BG_JSON_ARRAY,
	BG_JSON_OBJECT
} bg_json_type;

/* A parsed JSON value (opaque); children are owned by their parent. */
typedef struct bg_json bg_json;

/* Deepest nesting the parser accepts (bounded stack use). */
#define BG_JSON_MAX_DEPTH 64

/*
 * Parse len bytes of strict RFC 8259 / I-JSON text (one value,
 * optional whitespace around it).  name labels error messages (a file
 * name; may be NULL).  On success *out owns the tree (free it with
 * bg_json_free).  Returns 0, BG_EDATA with line and column in err, or
 * BG_ENOMEM.
 */
int bg_json_parse(bg_json **out, const char *src, size_t len,
		  const char *name, bg_error *err);

/* Free a tree returned by bg_json_parse; NULL is a no-op. */
void bg_json_free(bg_json *v);

bg_json_type bg_json_typeof(const bg_json *v);

/*
 * Member of an object by name (UTF-8, compared bytewise), or NULL when
 * v is not an object or has no such member.  Borrowed from v.
 */
const bg_json *bg_json_member(const bg_json *v, const char *name);

/* Element i of an array, or NULL past the end or for a non-array. */
const bg_json *bg_json_item(const bg_json *v, size_t i);

/* Number of elements or members (0 for scalars). */
size_t bg_json_count(const bg_json *v);

/* A number's value (0 for non-numbers). */
double bg_json_number(const bg_json *v);

/*
 * A string value's UTF-8 bytes (NUL-terminated, may contain NUL when
 * the JSON had \u0000; *len gets the true length when len is not
 * NULL), or NULL when v is not a string.  Borrowed from v.
 */
const char *bg_json_string(const bg_json *v, size_t *len);

/* Where v sits in the parsed source: byte offset and length. */
void bg_json_span(const bg_json *v, size_t *offset, size_t *len);

/*
 * Write the RFC 8785 canonical form of v into a NUL-terminated heap
 * buffer owned by the caller (*outlen excludes the NUL).  Returns 0
 * or BG_ENOMEM.
 */
int bg_jcs_write(char **out, size_t *outlen, const bg_json *v,
		 bg_error *err);

/*
 * Parse and canonicalise in one step (see bg_json_parse for errors).
 */
int bg_jcs_canonicalize(char **out, size_t *outlen, const char *src,
			size_t len, const char *name, bg_error *err);

/*
 * Canonical form of a cJSON tree, for documents built in memory.
 * Non-finite numbers, invalid UTF-8 and duplicate names are refused
 * with BG_EINVAL (they are a caller bug there).
 */
int bg_jcs_from_cjson(char **out, size_t *outlen, const struct cJSON *v,
		      bg_error *err);

/*
 * Serialise a double as ECMAScript Number::toString does (ECMA-262
 * 7.1.12.1, required by RFC 8785 section 3.2.2.3): the shortest digit
 * string that reads back to v, in plain notation for 1e-6 <= |v| <
 * 1e21 and in exponent notation ("1e+21", "5e-324") outside; -0 is
 * "0".  buf needs 32 bytes.  Returns the length, or BG_EINVAL for NaN
 * and infinities (JSON has no such numbers) or a too small buffer.
 */
int bg_jcs_number(char *buf, size_t len, double v);

#endif
