#!/bin/sh
# battgrade history: usage errors, missing files, bad data with
# FILE:LINE:COL, unknown chemistry, and the real Neware log whose time
# column restarts (reported as clock jumps, not fatal).
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"

printf 'unix_time_second,current_ampere,voltage_volt\n1,2,3.7\n2,x2,3.7\n' \
	>"$TMP/bad.csv"

run "$BATTGRADE" history "$TMP/bad.csv"
expect_status 64 "lone file without chemistry"
expect_err "chemistry" "says what is missing"

run "$BATTGRADE" history
expect_status 64 "no operand"

run "$BATTGRADE" history --nominal-capacity-ah abc --chemistry NMC x.csv
expect_status 64 "bad number option"

run "$BATTGRADE" history --chemistry NMC --nominal-capacity-ah 5 \
	"$TMP/missing.csv"
expect_status 66 "missing file"
expect_err "missing.csv" "names the file"

run "$BATTGRADE" history --chemistry NMC --nominal-capacity-ah 5 \
	"$TMP/bad.csv"
expect_status 65 "bad number"
expect_err "bad.csv:3:3: 'x2' is not a number" "FILE:LINE:COL"

run "$BATTGRADE" history --chemistry NiMH --nominal-capacity-ah 5 \
	"$TMP/bad.csv"
expect_status 78 "unknown chemistry"
expect_err "NiMH" "names the chemistry"

printf 'unix_time_second,voltage_volt\n1,3.7\n' >"$TMP/nocur.csv"
run "$BATTGRADE" history --chemistry NMC --nominal-capacity-ah 5 \
	"$TMP/nocur.csv"
expect_status 65 "missing column"
expect_err "current_ampere" "names the column"

neware="${BG_SHARED_DATA:-}/formats/bdf/SINTEF__SLPBA842124HV__2024-10-23__Rate_25degC__Neware__Time_Bug.bdf.csv"
if [ -z "${BG_SHARED_DATA:-}" ] || [ ! -f "$neware" ]; then
	echo "BG_SHARED_DATA not set or Neware file absent: skipping real data"
	finish || exit 1
	exit 77
fi
jumps=$(awk -F, 'NR > 2 && $1 + 0 < prev { n++ } NR > 1 { prev = $1 + 0 }
	END { print n + 0 }' "$neware")
run "$BATTGRADE" history --json --chemistry NMC --nominal-capacity-ah 2 \
	"$neware"
expect_status 0 "real Neware log"
expect_out "\"clock_jumps\":[[:space:]]*$jumps," "clock jumps as counted by awk"
finish
