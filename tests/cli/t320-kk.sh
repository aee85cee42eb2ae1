#!/bin/sh
# kk: table, JSON, --drop-inductive, --limit, errors.
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"
EX="$SRC/tests/fixtures/eis/exampleData.csv"

run "$BATTGRADE" kk "$EX"
expect_status 0 "example kk"
expect_out "^spectrum  *points  *inductive"
expect_out "^-  *66  *9  "
run "$BATTGRADE" kk --json --drop-inductive "$EX"
expect_status 0 "json"
expect_out '"n_dropped_inductive":9'
expect_out '"m":[1-9]'
expect_out '"valid":true'
run "$BATTGRADE" kk --limit 0.01 "$EX"
expect_status 65 "tiny limit makes it invalid"
expect_out "NO: re-test"
run "$BATTGRADE" kk --limit 0 "$EX"
expect_status 64 "zero limit"
run "$BATTGRADE" kk --limit abc "$EX"
expect_status 64 "bad limit"
printf 'frequency_hertz,real_impedance_ohm\n1,2\n' >"$TMP/cols.csv"
run "$BATTGRADE" kk "$TMP/cols.csv"
expect_status 65 "missing column"
expect_err "missing column"
printf 'module_id,frequency_hertz,real_impedance_ohm,imaginary_impedance_ohm\nM1,100,0.1,-0.01\nM1,10,0.12,-0.02\n' \
	>"$TMP/short.csv"
run "$BATTGRADE" kk "$TMP/short.csv"
expect_status 65 "too few points"
expect_err "too few"
run "$BATTGRADE" kk --module M9 "$TMP/short.csv"
expect_status 65 "unknown module"
expect_err "no spectrum of module 'M9'"
# a pack directory goes through the manifest and its impedance.csv
run "$BATTGRADE" kk --json --module M02 "$SRC/tests/fixtures/packs/good"
expect_status 0 "pack kk"
expect_out '"module_id":"M02"'
checks=$((checks + 1))
[ "$(wc -l <"$TMP/out")" -eq 1 ] || fail "one module selected"
finish
