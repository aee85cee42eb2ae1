/*
 * error.c - the caller-owned error record and library initialisation.
 *
 * Errors carry their location so that a technician can open the file
 * at the right line: "pack/capacity.csv:12:7: 'abc' is not a number".
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <sodium.h>

#include "battgrade/error.h"

void bg_error_clear(bg_error *err)
{
	if (!err)
		return;
	memset(err, 0, sizeof(*err));
}

int bg_error_set(bg_error *err, int code, const char *file,
		 unsigned long line, unsigned long column, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
	err->line = line;
	err->column = column;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

void bg_error_prefix(bg_error *err, const char *fmt, ...)
{
	char joined[BG_ERROR_MSG_MAX];
	size_t n, m;
	va_list ap;
	int k;

	if (!err)
		return;
	va_start(ap, fmt);
	k = vsnprintf(joined, sizeof(joined), fmt, ap);
	va_end(ap);
	n = k < 0 ? 0 : (size_t)k;
	if (n > sizeof(joined) - 3)
		n = sizeof(joined) - 3;
	joined[n++] = ':';
	joined[n++] = ' ';
	m = strlen(err->msg);
	if (m > sizeof(joined) - 1 - n)
		m = sizeof(joined) - 1 - n;
	memcpy(joined + n, err->msg, m);
	joined[n + m] = '\0';
	memcpy(err->msg, joined, sizeof(err->msg));
}

void bg_error_format(const bg_error *err, char *buf, size_t len)
{
	if (!len)
		return;
	if (!err->file[0])
		snprintf(buf, len, "%s", err->msg);
	else if (err->line && err->column)
		snprintf(buf, len, "%s:%lu:%lu: %s", err->file, err->line,
			 err->column, err->msg);
	else if (err->line)
		snprintf(buf, len, "%s:%lu: %s", err->file, err->line,
			 err->msg);
	else
		snprintf(buf, len, "%s: %s", err->file, err->msg);
}

const char *bg_strerror(int code)
{
	static const char *const names[] = {
		"success", "invalid argument", "bad data", "no such file",
		"input/output error", "out of memory", "bad configuration",
		"network failure", "protocol error", "fit did not converge",
		"internal error", "authentication refused",
		"different content exists", "unavailable",
		"unsafe file permissions", "cannot create file",
	};
	int i = -code;

	if (i < 0 || (size_t)i >= sizeof(names) / sizeof(names[0]))
		return "unknown error";
	return names[i];
}

int bg_init(void)
{
	static int done;

	if (done)
		return 0;
	/* GSL's default handler aborts; we map statuses ourselves. */
	gsl_set_error_handler_off();
	if (sodium_init() < 0)
		return BG_EINTERNAL;
	done = 1;
	return 0;
}
