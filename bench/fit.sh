#!/bin/sh
# fade: fits per second for a 1,000-point capacity history with model
# selection over every capacity model, one thread (CPU time), against
# a forced linear fit measured in the same run.  Target: 2,000/s.
exec "$BG_TOP_BUILDDIR/bench/fit" "${BG_BENCH_SECONDS:-3}"
