/*
 * exit.h - battgrade's exit statuses, from sysexits(3).
 *
 * The only place exit statuses are defined; battgrade(1) EXIT STATUS
 * lists the same table and a test compares the two.
 */
#ifndef BG_EXIT_H
#define BG_EXIT_H

enum bg_exit {
	BG_EXIT_OK = 0,
	BG_EXIT_USAGE = 64,
	BG_EXIT_DATAERR = 65,
	BG_EXIT_NOINPUT = 66,
	BG_EXIT_UNAVAILABLE = 69,
	BG_EXIT_SOFTWARE = 70,
	BG_EXIT_CANTCREAT = 73,
	BG_EXIT_IOERR = 74,
	BG_EXIT_TEMPFAIL = 75,
	BG_EXIT_NOPERM = 77,
	BG_EXIT_CONFIG = 78
};

/* Map a library error code (BG_E*) to an exit status. */
int bg_exit_from_error(int code);

/* The worse of two statuses for batches: any failure beats success,
 * and among failures the first one seen is kept. */
int bg_exit_worst(int a, int b);

#endif
