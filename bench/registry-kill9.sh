#!/bin/sh
# bench/registry-kill9.sh - the full crash test of issue 8: 500
# certificates, the publishing client killed with SIGKILL at 10 random
# points, then a normal run; the registry must hold each exactly once
# and the spool agree.  make check runs the same test with 100.
: "${BG_TOP_SRCDIR:?run through make bench}"
BG_REGISTRY_KILL_COUNT=${BG_REGISTRY_KILL_COUNT:-500} \
BG_REGISTRY_KILLS=${BG_REGISTRY_KILLS:-10} \
	exec sh "$BG_TOP_SRCDIR/tests/cli/t730-registry-kill9.sh"
