/*
 * regopt.h - options after operands, for the registry commands.
 *
 * bg_opt stops at the first operand, like git.  "battgrade registry get
 * ID --json" and "battgrade-registryd issuer add NAME --pubkey F" put
 * options after an operand, so these commands first move the operands
 * behind the options (as GNU getopt's default ordering would), using
 * the option table to know which options take an argument.
 */
#ifndef BG_REGOPT_H
#define BG_REGOPT_H

#include "opt.h"

/* Reorder argv[1..argc-1] in place: options (with their arguments)
 * first, then operands, in their original order.  "--" ends options. */
void regopt_permute(int argc, char **argv, const struct bg_opt *opts);

#endif
