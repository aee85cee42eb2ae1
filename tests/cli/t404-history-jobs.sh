#!/bin/sh
# battgrade history -j: a regular file read in chunks by one or two
# threads gives the same report byte for byte; rows, events and
# rainflow counts equal one pass's; an error in a late chunk has its
# true FILE:LINE:COL.  BATTGRADE_HISTORY_CHUNK_BYTES cuts the small
# log into many chunks.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"

# 4,000 rows of three modules: charge and discharge stretches, SOC
# swinging, over-voltage, heat and a backward clock jump now and then.
awk 'BEGIN {
	print "module_id,unix_time_second,current_ampere,voltage_volt," \
	      "surface_temperature_celsius,soc_percent"
	t = 1600000000
	for (r = 0; r < 4000; r++) {
		m = r % 3
		t += 7 + (r * 7919) % 11
		if (r % 997 == 500) t -= 300
		ph = r / 37
		i = (int(r / 50) % 3 - 1) * 25
		v = 3.7 + 0.55 * sin(ph)
		printf "M%d,%d,%.2f,%.4f,%.2f,%.2f\n", m, t, i, v,
			30 + 32 * sin(ph / 3), 50 + 45 * sin(ph * 1.7)
	}
}' >"$TMP/log.csv"
H="history --json --chemistry NMC --nominal-capacity-ah 40"

run "$BATTGRADE" $H "$TMP/log.csv"
expect_status 0 "one pass"
cp "$TMP/out" "$TMP/whole.json"
expect_out '"rows":[[:space:]]*4000' "every row"
expect_out '"overvoltage"' "events found"

BATTGRADE_HISTORY_CHUNK_BYTES=1000 run "$BATTGRADE" $H -j 1 "$TMP/log.csv"
expect_status 0 "chunks, one thread"
cp "$TMP/out" "$TMP/j1.json"
BATTGRADE_HISTORY_CHUNK_BYTES=1000 run "$BATTGRADE" $H -j 2 "$TMP/log.csv"
expect_status 0 "chunks, two threads"
cp "$TMP/out" "$TMP/j2.json"
checks=$((checks + 1))
cmp -s "$TMP/j1.json" "$TMP/j2.json" || fail "-j1 and -j2 reports differ"

# Counts, lines, event times and rainflow bins are exact; only sums may
# differ from one pass in their last digits.
counts() {
	grep -E '"(rows|n|count|line|start|end|depth|mean|type|gaps|clock_jumps|overvoltage|undervoltage|overtemperature|overcurrent)"' "$1"
}
checks=$((checks + 1))
counts "$TMP/whole.json" >"$TMP/a"
counts "$TMP/j2.json" >"$TMP/b"
[ -s "$TMP/a" ] && cmp -s "$TMP/a" "$TMP/b" ||
	fail "chunked counts differ from one pass"

# A bad value on line 3001 (in a late chunk) and another on line 3900:
# the first is reported, with its line, whatever -j.
awk 'NR == 3001 { sub(/,[^,]*$/, ",x5") } NR == 3900 { sub(/^M./, "") }
	{ print }' "$TMP/log.csv" >"$TMP/bad.csv"
for j in 1 2; do
	BATTGRADE_HISTORY_CHUNK_BYTES=1000 run "$BATTGRADE" $H -j $j \
		"$TMP/bad.csv"
	expect_status 65 "bad value, -j $j"
	expect_err "bad.csv:3001:[0-9]*: 'x5' is not a number" \
		"true line of the first error, -j $j"
done

# Standard input is read in one pass: the same report.
run sh -c "cat '$TMP/log.csv' | '$BATTGRADE' $H -j 2 -"
expect_status 0 "standard input"
checks=$((checks + 1))
grep -v '"source"' "$TMP/out" >"$TMP/a"
grep -v '"source"' "$TMP/whole.json" >"$TMP/b"
cmp -s "$TMP/a" "$TMP/b" || fail "stdin differs from one pass"

run "$BATTGRADE" $H -j 0 "$TMP/log.csv"
expect_status 64 "-j 0"
finish
