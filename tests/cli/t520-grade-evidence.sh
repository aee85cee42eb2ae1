#!/bin/sh
# What a grade rests on when data are missing: R_BOL from the earliest
# recorded resistance, unknown resistance, no history, no capacity.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"

P=$SRC/data/packs/lfp-bus-4
if [ ! -f "$P/pack.json" ]; then
	echo "SKIP: sample pack $P not found"
	exit 77
fi

# field FILE MODULE KEY: the raw JSON value of a top-level key.
field() {
	grep "\"module_id\":\"$2\"" "$1" | head -1 |
		sed "s/.*\"$3\":\([^,]*\),.*/\1/"
}

# 1. No initial_resistance_ohm: R_BOL is the earliest recorded one.
cp -r "$P" "$TMP/early"
sed 's/, "initial_resistance_ohm": [0-9.]*//' "$P/pack.json" \
	>"$TMP/early/pack.json"
run "$BATTGRADE" grade --json "$TMP/early"
expect_status 0 "earliest"
expect_out '"resistance_basis":"earliest_recorded"' "basis"
first=$(grep '^M01,' "$P/capacity.csv" | head -1 | cut -d, -f6)
last=$(grep '^M01,' "$P/capacity.csv" | tail -1 | cut -d, -f6)
got=$(field "$TMP/out" M01 resistance_bol_ohm)
checks=$((checks + 1))
[ "$got" = "$first" ] || fail "R_BOL $got is the first recorded $first"
want=$(awk -v a="$last" -v b="$first" 'BEGIN { printf "%.6f", a / b }')
got=$(field "$TMP/out" M01 soh_resistance)
checks=$((checks + 1))
[ "$(awk -v g="$got" 'BEGIN { printf "%.6f", g }')" = "$want" ] \
	|| fail "SOH_R $got, want $last / $first = $want"
expect_out 'R_BOL is the earliest recorded resistance' "note says so"

# 2. Neither: SOH_R unknown, the resistance rules say so, and the grade
#    rests on the other rules.
cp -r "$TMP/early" "$TMP/nor"
cut -d, -f1-5 "$P/capacity.csv" >"$TMP/nor/capacity.csv"
rm "$TMP/nor/pulse.csv"
run "$BATTGRADE" grade --json "$TMP/nor"
expect_status 0 "unknown R"
expect_out '"module_id":"M01","grade":"A"' "A without resistance"
expect_out '"resistance_basis":"unknown"' "basis unknown"
expect_out '"soh_resistance":null' "SOH_R null"
expect_out '"id":"soh_resistance.A","gate":"health","input":"soh_resistance","value":null,"op":"<=","threshold":1.4,"unit":"ratio","outcome":"unknown","cap":null' \
	"rule outcome unknown"
expect_out 'resistance increase unknown: no resistance measured' "note"
checks=$((checks + 1))
grep '"module_id":"M01"' "$TMP/out" | grep -q '"name":"frequency-regulation"' \
	&& fail "a power use needs a known resistance"
run "$BATTGRADE" grade --explain "$TMP/nor"
expect_out "soh_resistance.A  *unknown  *unknown <= 1.4 ratio" "explain unknown"
expect_out "resistance basis: unknown" "explain basis"

# 3. No BMS history: no traceability, no reuse.
cp -r "$P" "$TMP/nohist"
rm "$TMP/nohist/history.csv"
run "$BATTGRADE" grade --csv "$TMP/nohist"
expect_status 0 "no history"
expect_out "^lfp-bus-4,M01,R,.*,history.present," "R by traceability"

# 4. No capacity check: re-test.
cp -r "$P" "$TMP/nocap"
rm "$TMP/nocap/capacity.csv"
run "$BATTGRADE" grade --csv "$TMP/nocap"
expect_status 0 "no capacity"
expect_out "^lfp-bus-4,M02,RETEST,.*,capacity.measured," "RETEST"

# 5. A spectrum that fails Lin-KK (drifting points): re-test.
cp -r "$P" "$TMP/drift"
awk -F, 'BEGIN { OFS = "," } NR > 1 && $1 == "M01" { n++; $3 = $3 * (1 + 0.004 * n) } { print }' \
	"$P/impedance.csv" >"$TMP/drift/impedance.csv"
run "$BATTGRADE" grade --json "$TMP/drift"
expect_status 0 "drift"
expect_out '"module_id":"M01","grade":"RETEST","deciding_rule":"impedance.kk"' \
	"KK-invalid spectrum"
expect_out '"valid":false' "kk reported"
finish
