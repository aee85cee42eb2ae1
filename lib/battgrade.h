/*
 * battgrade.h - the public API of libbattgrade.
 *
 * One header per concept under battgrade/; this one includes them all.
 * The library never prints and never exits: every failure comes back
 * as a negative BG_E* code with details in a caller-owned bg_error.
 */
#ifndef BATTGRADE_H
#define BATTGRADE_H

#include "battgrade/error.h"
#include "battgrade/csvin.h"
#include "battgrade/models.h"

#endif
