#!/bin/sh
# battgrade match: groups from graded modules, spreads, leftovers.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"

# Hand-made grades: plain sorting pairs 100/120 and 121/140 (both too
# wide for the 5 % capacity spread); matching pairs 120/121, 140/141.
line() {
	printf '{"pack_id":"p","module_id":"%s","grade":"%s","chemistry":"NMC","nominal_voltage_volt":48,"remaining_capacity_ah":%s,"resistance_ohm":%s}\n' "$@"
}
{
	line M1 B 141 0.010
	line M2 B 100 0.010
	line M3 A 121 0.011
	line M4 C 140 0.010
	line M5 B 120 0.010
	line M6 R 120 0.010
} >"$TMP/g.jsonl"

run "$BATTGRADE" match --series 2 "$TMP/g.jsonl"
expect_status 0 "match"
expect_out "^group 1: 2S1P NMC, grade B, capacity spread 0.83 %" "group 1"
expect_out "^  1: p/M5 (120.00 Ah, 10.000 mOhm)" "lowest first"
expect_out "^group 2: 2S1P NMC, grade C" "group 2 worst grade"
expect_out "^left over: p/M2 grade B: no partners within the spreads" "leftover"
expect_out "^left over: p/M6 grade R: graded R or RETEST" "R not used"
expect_out "^used 4 of 5 eligible modules in 2 groups; plain sorting uses 0 in 0 groups" "summary"

run "$BATTGRADE" match --json --series 2 --parallel 2 "$TMP/g.jsonl"
expect_status 0 "2S2P json"
expect_out '"used":	0' "no 2S2P within 5 %"
expect_out '"reason":	"no_partners"' "reasons in JSON"

# Graded sample packs through a pipe.
if [ -f "$SRC/data/packs/nmc-leaf-8/pack.json" ]; then
	"$BATTGRADE" grade --json "$SRC/data/packs/nmc-leaf-8" \
		"$SRC/data/packs/nmc-abuse-6" >"$TMP/s.jsonl"
	run "$BATTGRADE" match --series 2 - <"$TMP/s.jsonl"
	expect_status 0 "stdin"
	expect_out "^used [1-9][0-9]* of" "sample modules grouped"
fi

printf '{"pack_id":"p","module_id":"M1","grade":"A"}\nnot json\n' >"$TMP/bad.jsonl"
run "$BATTGRADE" match "$TMP/bad.jsonl"
expect_status 65 "bad line"
expect_err "bad.jsonl:2:1: JSON syntax error" "bad line located"

run "$BATTGRADE" match --series 0 "$TMP/g.jsonl"
expect_status 64 "series 0"
run "$BATTGRADE" match "$TMP/none.jsonl"
expect_status 66 "missing file"
finish
