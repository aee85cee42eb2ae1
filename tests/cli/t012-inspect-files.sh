#!/bin/sh
# inspect over lone CSV files: the schema is told by the columns; a
# BMS log's clock jumping back is reported, not fatal.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"
GOOD=$SRC/tests/fixtures/packs/good

run "$BATTGRADE" inspect "$GOOD/impedance.csv" "$GOOD/capacity.csv"
expect_status 0 "lone files"
expect_out "impedance.csv  *impedance  *10  *2  *0\.1 \.\. 1000 Hz"
expect_out "capacity.csv  *capacity  *8  *3"

# A BDF file with preferred labels, from standard input.
printf 'Test Time / s,Voltage / V,Current / A\r\n0,3.7,0.1\r\n1,3.6,0.1\r\n' \
	>"$TMP/bdf.csv"
run "$BATTGRADE" inspect - <"$TMP/bdf.csv"
expect_status 0 "BDF labels on stdin, CRLF"
expect_out "pulse  *2 .*0 s \.\. 1 s"

cat >"$TMP/log.csv" <<'CSV'
timestamp,current_ampere,voltage_volt,surface_temperature_celsius
2024-01-01T00:00:00Z,-10,350.1,20
2024-01-01T00:01:00Z,-10,350.0,20.5
2023-12-31T23:59:00Z,-10,349.9,21
2024-01-01T00:03:00Z,-10,349.8,21.5
CSV
run "$BATTGRADE" inspect "$TMP/log.csv"
expect_status 0 "clock jump is not fatal"
expect_out "history  *4"
expect_out "clock goes backwards 1 times (first at line 4: 2023-12-31T23:59:00Z after 2024-01-01T00:01:00Z)"
run "$BATTGRADE" inspect --json "$TMP/log.csv"
expect_out '"backward_jumps":	1'
expect_out '"line":	4'

printf 'a,b\n1,2\n' >"$TMP/other.csv"
run "$BATTGRADE" inspect "$TMP/other.csv" "$TMP/log.csv"
expect_status 65 "unknown schema"
expect_err "other.csv:1: not a capacity, impedance, pulse or history file"
expect_out "log.csv"

printf 'unix_time_second,current_ampere,voltage_volt,ambient_temperature_celsius\n1,2,3,4\n2,2,x3,4\n' >"$TMP/bad.csv"
run "$BATTGRADE" inspect "$TMP/bad.csv"
expect_status 65 "not a number"
expect_err "bad.csv:3:5: 'x3' is not a number (column 'voltage_volt')"

printf '\000\001\002binary' >"$TMP/junk.csv"
run "$BATTGRADE" inspect "$TMP/junk.csv"
expect_status 65 "binary junk"
expect_err "junk.csv:1:1: NUL byte"

# The real BDF files in the shared data: the Neware file's known time
# defect is found and located.
if [ -n "${BG_SHARED_DATA:-}" ] && [ -d "$BG_SHARED_DATA/formats/bdf" ]; then
	B=$BG_SHARED_DATA/formats/bdf
	run "$BATTGRADE" inspect "$B"/SINTEF__LiGrR2032*.csv "$B"/*Time_Bug*.csv
	expect_status 65 "real BDF files"
	expect_out "history  *25162 "
	expect_err "Time_Bug.bdf.csv:724:1: test time goes backwards: 0 s after 7200 s"
else
	echo "BG_SHARED_DATA not set: real BDF files not checked"
fi
finish
