/*
 * exit.c - library error codes to sysexits(3) statuses.
 */
#include "config.h"

#include "battgrade/error.h"
#include "exit.h"

int bg_exit_from_error(int code)
{
	switch (code) {
	case BG_OK:
		return BG_EXIT_OK;
	case BG_EINVAL:
		return BG_EXIT_USAGE;
	case BG_EDATA:
	case BG_ENOCONV:
	case BG_EEXIST:
		return BG_EXIT_DATAERR;
	case BG_ENOENT:
		return BG_EXIT_NOINPUT;
	case BG_EIO:
		return BG_EXIT_IOERR;
	case BG_ECONFIG:
	case BG_EPERM:
		return BG_EXIT_CONFIG;
	case BG_ENET:
		return BG_EXIT_TEMPFAIL;
	case BG_EAUTH:
		return BG_EXIT_NOPERM;
	case BG_EUNAVAIL:
	case BG_EPROTO:
		return BG_EXIT_UNAVAILABLE;
	case BG_ECANTCREAT:
		return BG_EXIT_CANTCREAT;
	default:
		return BG_EXIT_SOFTWARE;
	}
}

int bg_exit_worst(int a, int b)
{
	return a ? a : b;
}
