#!/bin/sh
# Capacity checks from the full real Landt BDF file of the shared data
# set (a graphite half-cell: rest, discharge, charge, discharge cut by
# the end of the file), checked against awk reading the same file: its
# step counter discharging_capacity_ah at the end of the first discharge
# (line 16046: 0.0063), that discharge's last time (171788.294 s), and
# the second discharge, still running at the last line, left out.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"
if [ -z "${BG_SHARED_DATA:-}" ] || [ ! -d "$BG_SHARED_DATA/formats" ]; then
	echo "SKIP: BG_SHARED_DATA not set or without formats/ (configure --with-shared-data=DIR)"
	exit 77
fi
L=$BG_SHARED_DATA/formats/bdf/SINTEF__LiGrR2032__2024-04-30__25degC__Landt.bdf.csv

# awk: the first discharge runs until the first charging row after it
set -- $(awk -F, 'NR == 2 { t0 = $1 } NR > 1 && !done {
	if ($3 < 0) { dis = 1; cap = $5; t = $1; line = NR }
	else if ($3 > 0 && dis) done = 1 }
	END { printf "%s %.10g %d", cap, (t - t0) / 86400, line }' "$L")
cap=$1 days=$2 line=$3
run "$BATTGRADE" convert --verbose --as capacity --to csv "$L"
expect_status 0 "Landt capacity"
checks=$((checks + 1))
[ "$(wc -l <"$TMP/out")" -eq 2 ] || fail "one check"
checks=$((checks + 1))
awk -F, -v c="$cap" -v d="$days" 'NR == 2 { x = $3 - c; y = $2 - d; \
	if (x < 0) x = -x; if (y < 0) y = -y; exit !(x < 1e-12 && y < 1e-9) }' \
	"$TMP/out" || fail "capacity $cap Ah at $days days"
expect_err "check 1: cycle 1, lines 2-$line, $cap Ah"
expect_err "cycle 2 still discharging at the end of the file"

# fit capacity reads the file too: one check is too short a history
run "$BATTGRADE" fit capacity --json "$L"
expect_status 0 "fit capacity Landt"
expect_out '"status":"insufficient_history"'
expect_out "\"capacity_now_Ah\":$cap"

# the Neware file's time bug stops the capacity reader as well
run "$BATTGRADE" fit capacity "$BG_SHARED_DATA/formats/bdf/SINTEF__SLPBA842124HV__2024-10-23__Rate_25degC__Neware__Time_Bug.bdf.csv"
expect_status 65 "Neware"
expect_err "Time_Bug.bdf.csv:724:1: test_time_second goes backwards"
finish
