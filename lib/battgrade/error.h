/*
 * error.h - error codes and the caller-owned error record.
 *
 * Every libbattgrade function that can fail returns 0 or a negative
 * BG_E* code and, when the caller passes a non-NULL bg_error, fills it
 * with the file, line and column of the offending input and a one-line
 * message.  The record is plain storage: no allocation, thread safe.
 * The library never prints and never exits; cmd/exit.c maps codes to
 * sysexits(3) statuses.
 */
#ifndef BG_ERROR_H
#define BG_ERROR_H

#include <stddef.h>

enum bg_errcode {
	BG_OK = 0,
	BG_EINVAL = -1,     /* caller bug or bad argument */
	BG_EDATA = -2,      /* bad input data */
	BG_ENOENT = -3,     /* input file missing */
	BG_EIO = -4,        /* read or write failed */
	BG_ENOMEM = -5,     /* out of memory */
	BG_ECONFIG = -6,    /* bad configuration or policy */
	BG_ENET = -7,       /* transient network failure: try later */
	BG_EPROTO = -8,     /* peer answered something unexpected */
	BG_ENOCONV = -9,    /* a fit did not converge */
	BG_EINTERNAL = -10, /* a bug in battgrade */
	BG_EAUTH = -11,     /* authentication refused */
	BG_EEXIST = -12,    /* would overwrite something different */
	BG_EUNAVAIL = -13,  /* a service or feature is unavailable */
	BG_EPERM = -14,     /* file permissions unsafe (key or token) */
	BG_ECANTCREAT = -15 /* cannot create an output file */
};

#define BG_ERROR_FILE_MAX 512
#define BG_ERROR_MSG_MAX 512

typedef struct bg_error {
	int code;
	char file[BG_ERROR_FILE_MAX];   /* "" when no file is involved */
	unsigned long line;             /* 1-based, 0 when unknown */
	unsigned long column;           /* 1-based, 0 when unknown */
	char msg[BG_ERROR_MSG_MAX];
} bg_error;

/* Clear a record; safe on NULL. */
void bg_error_clear(bg_error *err);

/*
 * Fill err (if non-NULL) and return code, so callers can write
 * "return bg_error_set(err, BG_EDATA, path, line, col, fmt, ...)".
 * file may be NULL.  The message is formatted with vsnprintf and
 * truncated to fit.
 */
int bg_error_set(bg_error *err, int code, const char *file,
		 unsigned long line, unsigned long column, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/*
 * Prefix an existing message with more context, e.g. the pack
 * directory; keeps code, file, line and column.
 */
void bg_error_prefix(bg_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Format as "FILE:LINE:COL: msg", "FILE:LINE: msg", "FILE: msg" or
 * "msg" depending on what is known.  Writes at most len bytes.
 */
void bg_error_format(const bg_error *err, char *buf, size_t len);

/* Static, untranslated name of a code, e.g. "bad data". */
const char *bg_strerror(int code);

/*
 * Initialise the library once per process: turn off GSL's aborting
 * error handler and initialise libsodium.  Returns 0 or BG_EINTERNAL.
 * libcurl (and the TLS library under it, ~2 MiB of memory) is
 * initialised on first use by the registry client only, so that the
 * streaming commands stay small.
 */
int bg_init(void);

#endif
