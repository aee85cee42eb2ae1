#!/bin/sh
# fade: back-test on the real histories (fit 50 % and 70 %, predict the
# end-of-life cycle, compare with the observed one).  Markdown table.
"$BG_TOP_BUILDDIR/bench/backtest"
rc=$?
[ "$rc" -eq 77 ] && exit 0
exit "$rc"
