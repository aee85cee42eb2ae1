#!/bin/sh
# inspect over a complete pack: table, JSON, what grading needs.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"
GOOD=$SRC/tests/fixtures/packs/good

run "$BATTGRADE" inspect "$GOOD"
expect_status 0 "complete pack"
expect_out "FIX-NMC-001  NMC, 3 modules" "pack line"
expect_out "^capacity.csv  *capacity  *8  *3  *cycle 0 \.\. 800" "capacity row"
expect_out "^impedance.csv  *impedance  *10  *2  *0\.1 \.\. 1000 Hz" "eis row"
expect_out "^pulse.csv  *pulse  *15  *3  *0 s \.\. 12 s" "pulse row"
expect_out "^history.csv  *history  *6 .*2023-11-14T22:13:20Z \.\. 2023-11-14T22:18:20Z" "history row"
expect_out "complete: ready for grading"
expect_empty_err "complete pack"

run "$BATTGRADE" inspect --json "$GOOD"
expect_status 0 "--json"
expect_out '"gradable":	true'
expect_out '"frequency_max_hertz":	1000'
expect_out '"time_last_second":	1700000300'
expect_out '"status":	"ok"'

# The manifest as operand stands for its pack.
run "$BATTGRADE" inspect "$GOOD/pack.json"
expect_status 0 "pack.json operand"
expect_out "FIX-NMC-001  NMC, 3 modules"

# The same pack saved with a byte-order mark and CRLF line ends (as
# spreadsheet programs write it) reads the same.
mkdir "$TMP/crlf"
for f in "$GOOD"/*; do
	{ printf '\357\273\277'; sed 's/$/\r/' "$f"; } >"$TMP/crlf/${f##*/}"
done
run "$BATTGRADE" inspect "$GOOD"
sed 1d "$TMP/out" >"$TMP/lf.txt"
run "$BATTGRADE" inspect "$TMP/crlf"
expect_status 0 "BOM and CRLF"
sed 1d "$TMP/out" >"$TMP/crlf.txt"
checks=$((checks + 1))
cmp -s "$TMP/lf.txt" "$TMP/crlf.txt" || fail "CRLF pack summarised differently"

# A pack with only a manifest and capacity checks: missing parts named.
mkdir "$TMP/part"
cp "$GOOD/pack.json" "$GOOD/capacity.csv" "$TMP/part/"
run "$BATTGRADE" inspect "$TMP/part"
expect_status 0 "incomplete pack is not an error"
expect_out "no history: cannot be graded"
expect_out "no impedance.csv or pulse.csv: resistance unknown"
run "$BATTGRADE" inspect --json "$TMP/part"
expect_out '"gradable":	false'
expect_out '"history"'

# Modules without data are counted.
grep -v '^M03' "$GOOD/capacity.csv" >"$TMP/part/capacity.csv"
cp "$GOOD/history.csv" "$GOOD/pulse.csv" "$TMP/part/"
run "$BATTGRADE" inspect "$TMP/part"
expect_out "1 of 3 modules have no capacity check"

# Unknown columns are listed with --verbose only.
sed 's/^unix_time_second,/unix_time_second,bms_flags,/; s/^\(1700000[0-9]*\),/\1,0x1,/' \
	"$GOOD/history.csv" >"$TMP/part/history.csv"
run "$BATTGRADE" inspect "$TMP/part"
expect_status 0 "extra column"
checks=$((checks + 1))
! grep -q "bms_flags" "$TMP/out" || fail "unknown column listed without --verbose"
run "$BATTGRADE" inspect --verbose "$TMP/part"
expect_out "history.csv: ignored columns: bms_flags"
finish
