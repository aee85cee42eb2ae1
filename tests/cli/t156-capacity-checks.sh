#!/bin/sh
# Capacity checks from cycler files: the real Maccor export gives its
# one discharge as printed; a synthetic cycling record with known fade
# gives one check per cycle to fit capacity and to convert, which
# writes and extends the pack's capacity.csv atomically and never
# changes rows already there.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"
F=$SRC/tests/fixtures/formats
M=$F/xTESLADIAG_000019_CH70.head114.070

# Maccor: the last Amp-hr of the D rows of cycle 0 (line 50)
want=$(awk -F'\t' 'NR > 2 && $2 == 0 && $10 == "D" { a = $6 } END { print a }' "$M")
run "$BATTGRADE" convert --verbose --as capacity --to csv "$M"
expect_status 0 "maccor capacity"
expect_out ",$want\$" "capacity = awk's $want"
expect_err "check 1: cycle 0, lines 3-50, $want Ah"

# No discharge in the Arbin excerpt: said, and an error for --as capacity
run "$BATTGRADE" convert --as capacity --to csv "$F/arbin_test-TC-contact_CH33.head51.csv"
expect_status 65 "arbin capacity"
expect_err "no complete discharge in 50 rows"

# A synthetic BDF cycling record: 40 cycles of 1 A charge, 600 s rest,
# 1 A discharge, 600 s rest; cycle k charges and discharges
# 2 (1 - 0.004 k) Ah; a cumulative discharge counter; 60 s sampling,
# each step written from its start to its end (steps meet at equal
# times, so every interval has one current).
awk 'function seg(amp, dur, k,   u) {
	for (u = 0; ; u += 60) {
		if (u > dur) u = dur
		printf "%.3f,%d,%.4f,%d,%.9f\n", t + u, amp, 3.6 + amp * u / 1e5, k, \
			q + (amp < 0 ? u / 3600 : 0)
		if (u == dur) break
	}
	t += dur; if (amp < 0) q += dur / 3600
}
BEGIN {
	print "test_time_second,current_ampere,voltage_volt,cycle_count,discharging_capacity_ah"
	for (k = 1; k <= 40; k++) {
		d = 7200 * (1 - 0.004 * k)
		seg(1, d, k); seg(0, 600, k); seg(-1, d, k); seg(0, 600, k)
	}
}' >"$TMP/cyc.bdf.csv"
run "$BATTGRADE" fit capacity --json --verbose --rated-capacity-ah 2 "$TMP/cyc.bdf.csv"
expect_status 0 "fit capacity of a cycler file"
expect_err "check 40: cycle 40"
expect_out '"status":"ok"' "fit ok"
expect_out '"capacity_now_Ah":1\.6\(8\|79999999\)' "last check 2 (1 - 0.16) Ah"
checks=$((checks + 1))
# sum of (1 - 0.004 k) for k = 1..40: 40 - 0.004 x 820 = 36.72 EFC
grep -q '"last_cycle":36\.72' "$TMP/out" || fail "last check at 36.72 EFC"

# convert into a new pack: history.csv and capacity.csv for module C1
run "$BATTGRADE" convert --to pack "$TMP/cyc.bdf.csv" "$TMP/pack" --module C1
expect_status 0 "convert into pack"
checks=$((checks + 1))
[ "$(grep -c '^C1,' "$TMP/pack/capacity.csv")" -eq 40 ] || fail "40 checks written"
checks=$((checks + 1))
awk -F, 'NR > 1 { k++; w = 2 * (1 - 0.004 * k); d = $4 - w; if (d < 0) d = -d; \
	if (d > 1e-6) bad++ } END { exit bad }' "$TMP/pack/capacity.csv" ||
	fail "capacities 2 (1 - 0.004 k)"
# the EFC of check k: the throughput of cycles 1..k over twice the
# first check's capacity (the new pack.json gives no nominal capacity)
checks=$((checks + 1))
awk -F, 'NR > 1 { k++; s += 2 * 2 * (1 - 0.004 * k); d = $2 - s / (2 * 1.992); \
	if (d < 0) d = -d; if (d > 1e-6) bad++ } END { exit bad }' \
	"$TMP/pack/capacity.csv" || fail "EFC from throughput"
test -s "$TMP/pack/history.csv" || fail "history.csv written"

# again: the same data is left as it is
cp "$TMP/pack/capacity.csv" "$TMP/cap.before"
run "$BATTGRADE" convert --to pack "$TMP/cyc.bdf.csv" "$TMP/pack" --module C1
expect_status 0 "same data again"
expect_err "already there with the same data; unchanged"
checks=$((checks + 1))
cmp -s "$TMP/cap.before" "$TMP/pack/capacity.csv" || fail "capacity.csv changed"

# another module extends capacity.csv, the first module's rows stay
run "$BATTGRADE" convert --as capacity --to pack "$M" "$TMP/pack" --module C2
expect_status 0 "extend with C2"
checks=$((checks + 1))
head -41 "$TMP/pack/capacity.csv" | cmp -s - "$TMP/cap.before" || fail "C1 rows kept"
checks=$((checks + 1))
grep -q "^C2,.*,$want\$" "$TMP/pack/capacity.csv" || fail "C2 row appended"

# different data for a module already there: nothing written
cp "$TMP/pack/capacity.csv" "$TMP/cap.before"
run "$BATTGRADE" convert --as capacity --to pack "$M" "$TMP/pack" --module C1
checks=$((checks + 1))
[ "$status" -ne 0 ] || fail "different data for C1 accepted"
expect_err "already holds different data for module 'C1'"
checks=$((checks + 1))
cmp -s "$TMP/cap.before" "$TMP/pack/capacity.csv" || fail "capacity.csv touched"
checks=$((checks + 1))
[ -z "$(ls -A "$TMP/pack" | grep '^\.')" ] || fail "temporary file left"

# capacity checks need a module in a pack
run "$BATTGRADE" convert --as capacity --to pack "$M" "$TMP/pack2"
expect_status 64 "no --module"
finish
