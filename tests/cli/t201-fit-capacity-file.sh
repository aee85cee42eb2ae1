#!/bin/sh
# fit capacity on lone files: rated capacity from the option or the
# first point (and the output says so), calendar-only histories, too
# little history, and every refusal with its exit status.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"

# Q = 2 (1 - 2e-4 x): end of life at 0.6 x 2 Ah when x = 2000
awk 'BEGIN { print "cycle_count,capacity_ah"
	for (i = 0; i <= 20; i++) printf "%d,%.6f\n", 50 * i, 2 * (1 - 2e-4 * 50 * i) }' \
	>"$TMP/lin.csv"
run "$BATTGRADE" fit capacity --json --model linear "$TMP/lin.csv"
expect_status 0 "lone file"
expect_out '"rated_from_first_point":true' "rated from the first point"
expect_err "first measured capacity 2 Ah is used as rated" "says so"
expect_out '"eol_cycle_p50":2000[.,]' "end of life of a linear fade"
expect_out '"status":"ok"'

run "$BATTGRADE" fit capacity --json --model linear --rated-capacity-ah 2.5 \
	--eol 0.5 "$TMP/lin.csv"
expect_status 0 "--rated-capacity-ah"
expect_out '"rated_from_first_point":false'
expect_out '"eol_threshold_Ah":1.25,' "threshold = 0.5 x 2.5 Ah"
expect_empty_err "--rated-capacity-ah"

# calendar days only: the axis is time, life in days / 365.25
awk 'BEGIN { print "days,capacity_ah"
	for (i = 0; i <= 20; i++) printf "%d,%.6f\n", 30 * i, 2 * (1 - 3e-4 * 30 * i) }' \
	>"$TMP/days.csv"
run "$BATTGRADE" fit capacity --json --model linear "$TMP/days.csv"
expect_status 0 "days only"
expect_out '"axis":"days"'
expect_err "fitted against calendar days"

# too little history: 4 points, or under 3 % fade
head -5 "$TMP/lin.csv" >"$TMP/short.csv"
run "$BATTGRADE" fit capacity --json "$TMP/short.csv"
expect_status 0 "short history"
expect_out '"status":"insufficient_history"'
expect_out '"rul_years_p50":null'
run "$BATTGRADE" fit capacity --json --train-fraction 0.1 "$TMP/lin.csv"
expect_out '"status":"insufficient_history"' "--train-fraction"
run "$BATTGRADE" fit capacity "$TMP/short.csv"
expect_out "insufficient_history" "table"

# refusals
run "$BATTGRADE" fit capacity --eol 1.5 "$TMP/lin.csv"
expect_status 64 "--eol out of range"
run "$BATTGRADE" fit capacity --train-fraction 0 "$TMP/lin.csv"
expect_status 64 "--train-fraction 0"
run "$BATTGRADE" fit capacity --cycles-per-day x "$TMP/lin.csv"
expect_status 64 "--cycles-per-day not a number"
expect_err "'x' is not a number"
run "$BATTGRADE" fit capacity --model nope "$TMP/lin.csv"
expect_status 64 "unknown model"
expect_err "unknown capacity model 'nope'"
expect_err "calendar_cycle" "lists the models"
run "$BATTGRADE" fit capacity --model calendar_cycle "$TMP/lin.csv"
expect_status 65 "model without its inputs"
expect_err "needs inputs"
run "$BATTGRADE" fit capacity "$TMP/lin.csv" "$TMP/lin.csv"
expect_status 64 "two operands"
run "$BATTGRADE" fit capacity "$TMP/missing.csv"
expect_status 66 "missing file"
printf 'cycle_count,capacity_ah\n0,2\n1,x\n' >"$TMP/bad.csv"
run "$BATTGRADE" fit capacity "$TMP/bad.csv"
expect_status 65 "bad number"
expect_err "bad.csv:3:3:" "FILE:LINE:COL"
run "$BATTGRADE" fit capacity --help
expect_status 0 "--help"
expect_out "^usage: battgrade fit capacity"
finish
