#!/bin/sh
# inspect over bad packs: one line FILE:LINE:COL each, the other
# operands still inspected, exit status 65 (66 for missing input).
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"
GOOD=$SRC/tests/fixtures/packs/good

mkpack() {
	mkdir "$TMP/$1"
	cp "$GOOD"/* "$TMP/$1/"
}

mkpack badjson
sed '3s/"NMC",/"NMC"/' "$GOOD/pack.json" >"$TMP/badjson/pack.json"
mkpack chem
sed 's/"NMC"/"NiMH"/' "$GOOD/pack.json" >"$TMP/chem/pack.json"
mkpack unknownmod
sed '4s/^M01/M09/' "$GOOD/capacity.csv" >"$TMP/unknownmod/capacity.csv"
mkpack freq
sed '3s/,100,/,1000,/' "$GOOD/impedance.csv" >"$TMP/freq/impedance.csv"
mkpack back
sed '4s/^M01,2,/M01,0.5,/' "$GOOD/pulse.csv" >"$TMP/back/pulse.csv"
mkpack ragged
printf 'M01,1,2\n' >>"$TMP/ragged/pulse.csv"

run "$BATTGRADE" inspect "$TMP/badjson" "$GOOD" "$TMP/chem" \
	"$TMP/unknownmod" "$TMP/freq" "$TMP/back" "$TMP/ragged"
expect_status 65 "bad packs among good"
expect_err "badjson/pack.json:4:3: malformed JSON"
expect_err "chem/pack.json:3:16: unknown chemistry NiMH"
expect_err "unknownmod/capacity.csv:4:1: module 'M09' is not in the manifest"
expect_err "freq/impedance.csv:3:26: frequency 1000 Hz repeated"
expect_err "back/pulse.csv:4:5: test time goes backwards"
expect_err "ragged/pulse.csv:17:0\?:\? \?expected 4 fields, found 3"
expect_out "FIX-NMC-001" "the good pack is still inspected"
checks=$((checks + 1))
[ "$(wc -l <"$TMP/err")" -eq 6 ] || fail "one line per bad pack"

run "$BATTGRADE" inspect --json "$TMP/chem" "$GOOD"
expect_status 65 "--json with a bad pack"
expect_out '"status":	"error"'
expect_out '"error":	".*chem/pack.json:3:16: unknown chemistry NiMH'
expect_out '"status":	"ok"'

run "$BATTGRADE" inspect "$TMP/nonexistent"
expect_status 66 "missing operand"
expect_err "nonexistent: cannot open"

mkdir "$TMP/empty"
run "$BATTGRADE" inspect "$TMP/empty"
expect_status 66 "directory without pack.json"
expect_err "empty/pack.json: cannot open"

run "$BATTGRADE" inspect
expect_status 64 "no operand"
run "$BATTGRADE" inspect --bogus "$GOOD"
expect_status 64 "unknown option"
run "$BATTGRADE" inspect --help
expect_status 0 "--help"
expect_out "usage: battgrade inspect \[--json\] \[--verbose\] PACKDIR|FILE..."
finish
