/*
 * cmd.h - what every battgrade subcommand shares.
 *
 * Adding a command (after git's builtin.h):
 *  1. a line in cmd/commands.def (the only list of commands);
 *  2. cmd/cmd-<name>.c defining int cmd_<name>(int argc, char **argv),
 *     with a bg_opt table that drives both parsing and --help;
 *  3. the source in the mk/ fragment of its area;
 *  4. man/battgrade-<name>.1 whose SYNOPSIS equals the usage string,
 *     a line in man/battgrade.1 and in README.md;
 *  5. tests in tests/cli/tNNN-<name>-<what>.sh.
 * argv[0] is the command name.  Return an exit status from exit.h.
 * stdout carries data only; diagnostics go to stderr.
 */
#ifndef BG_CMD_H
#define BG_CMD_H

#include <stdio.h>

#include "battgrade/error.h"
#include "exit.h"
#include "i18n.h"
#include "opt.h"
#include "out.h"

#define BG_COMMAND(name, fn, summary) int fn(int argc, char **argv);
#include "commands.def"
#undef BG_COMMAND

/* The subcommands of "battgrade fit", dispatched by cmd-fit.c. */
int cmd_fit_capacity(int argc, char **argv);
int cmd_fit_resistance(int argc, char **argv);
int cmd_fit_impedance(int argc, char **argv);

/* Print the one-line diagnostic for err to stderr, prefixed "battgrade: "
 * when it has no file. */
void cmd_report(const bg_error *err);

/* printf-style "battgrade: ..." to stderr. */
void cmd_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Global verbosity from -v/--verbose before the command (0 = quiet). */
extern int cmd_verbose;

#endif
