#!/bin/sh
# fit resistance: growth models, end of life at twice the initial
# resistance from pack.json (or --eol FACTOR, --r0-ohm).
. "$BG_TOP_SRCDIR/tests/cli/lib.sh"
PACK=$SRC/data/packs/nmc-leaf-8

run "$BATTGRADE" fit resistance --json "$PACK"
expect_status 0 "resistance"
checks=$((checks + 1))
[ "$(grep -c '"status":"ok"' "$TMP/out")" -eq 8 ] || fail "8 fits"
expect_out '"eol_threshold_ohm":0.0160' "2 x initial resistance of M01"
expect_out '"model":"resistance_growth"'

run "$BATTGRADE" fit resistance --json --module M01 --eol 1.5 \
	--r0-ohm 0.008 "$PACK"
expect_out '"eol_threshold_ohm":0.012,' "--eol FACTOR x --r0-ohm"
run "$BATTGRADE" fit resistance --eol 0.5 "$PACK"
expect_status 64 "factor below 1"
run "$BATTGRADE" fit resistance --model power "$PACK"
expect_status 64 "capacity model for resistance"
finish
